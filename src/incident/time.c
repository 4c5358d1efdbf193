/*
 * time.c — the register's times: RFC 3339 date-times (section 5.6) with
 * their offset kept, and calendar months in UTC (NIS2 Art. 23(4)(d) and
 * CRA Art. 14(4)(c) count "one month").
 *
 * Every computation is in UTC on the proleptic Gregorian calendar, with the
 * days-from-civil arithmetic of H. Hinnant's "chrono-Compatible Low-Level
 * Date Algorithms"; no time zone database is read, so daylight saving
 * never moves a deadline.
 */
#include <stdio.h>
#include <string.h>

#include "vigil/incident.h"

/* Days since 1970-01-01 of y-m-d. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

int64_t vg_incident_add_months(int64_t t, int months)
{
    int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t index = y * 12 + (m - 1) + months;
    y = floor_div(index, 12);
    m = (int)(index - y * 12) + 1;
    if (d > month_days(y, m))
        d = month_days(y, m);
    return days_from_civil(y, m, d) * 86400 + secs;
}

/* n digits of s as a number; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int vg_incident_parse_time(const char *s, int64_t *t, int *offset)
{
    if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return -1;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
        mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 59)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int off;
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
    } else {
        return -1;
    }
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
    *offset = off;
    return 0;
}

void vg_incident_format_time(int64_t t, int offset, char *out, size_t outsz)
{
    int64_t local = t + (int64_t)offset * 60, days = floor_div(local, 86400), secs = local - days * 86400, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, outsz, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d, (int)(secs / 3600),
                     (int)(secs / 60 % 60), (int)(secs % 60));
    if (n < 0 || (size_t)n >= outsz)
        return;
    int a = offset < 0 ? -offset : offset;
    if (offset)
        snprintf(out + n, outsz - (size_t)n, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60, a % 60);
    else
        snprintf(out + n, outsz - (size_t)n, "Z");
}
