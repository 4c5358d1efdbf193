/*
 * time.c — the register's times: RFC 3339 date-times (section 5.6) with
 * their offset kept, and calendar months in UTC (NIS2 Art. 23(4)(d) and
 * CRA Art. 14(4)(c) count "one month").
 *
 * Every computation is in UTC on the proleptic Gregorian calendar, with the
 * library's calendar functions (src/vex/vex_internal.h); no time zone
 * database is read, so daylight saving never moves a deadline.
 */
#include <stdio.h>
#include <string.h>

#include "vex/vex_internal.h"
#include "vigil/incident.h"

/* The number of days of month m of year y. */
static int64_t month_length(int64_t y, unsigned m)
{
    return m == 12 ? 31 : vex_days_from_civil(y, m + 1, 1) - vex_days_from_civil(y, m, 1);
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

int64_t vg_incident_add_months(int64_t t, int months)
{
    int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
    unsigned m, d;
    vex_civil_from_days(days, &y, &m, &d);
    int64_t index = y * 12 + (m - 1) + months;
    y = floor_div(index, 12);
    m = (unsigned)(index - y * 12) + 1;
    if (d > month_length(y, m))
        d = (unsigned)month_length(y, m);
    return vex_days_from_civil(y, m, d) * 86400 + secs;
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
    if (y < 1970 || !vex_valid_date(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
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
    *t = vex_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
    *offset = off;
    return 0;
}

void vg_incident_format_time(int64_t t, int offset, char *out, size_t outsz)
{
    int64_t local = t + (int64_t)offset * 60, days = floor_div(local, 86400), secs = local - days * 86400, y;
    unsigned m, d;
    vex_civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, outsz, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d, (int)(secs / 3600),
                     (int)(secs / 60 % 60), (int)(secs % 60));
    if (n < 0 || (size_t)n >= outsz)
        return;
    int a = offset < 0 ? -offset : offset;
    if (offset)
        snprintf(out + n, outsz - (size_t)n, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60, a % 60);
    else
        snprintf(out + n, outsz - (size_t)n, "Z");
}
