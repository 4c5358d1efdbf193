/*
 * datetime.c — the dates and times of policy rules: RFC 3339 date-times
 * and dates, and the ISO 8601 extended forms evidence uses, read into
 * microseconds since 1970-01-01T00:00:00Z and written back as RFC 3339 UTC.
 *
 * Implements RFC 3339 section 5.6 (full-date, date-time with "T" or "t",
 * or a space as section 5.6's note allows; time-secfrac; "Z"/"z" or
 * ±hh:mm offsets; second 60, the leap second, read as POSIX time does: the
 * same instant as second 0 of the next minute) and, of ISO 8601-1:2019's
 * extended format, what tools write in practice: a time without seconds
 * ("hh:mm"), a comma before the fraction, offsets "±hhmm" and "±hh", and
 * no offset at all, read as UTC (as vigil reads NVD's zone-less times: a
 * run has no local time zone).  Years 0001 to 9999, the proleptic
 * Gregorian calendar; fractions of a second beyond the microsecond are
 * cut off, as Python's datetime does.
 * Leaves out: ISO 8601's basic format ("20261203T1900Z"), week and
 * ordinal dates, hour 24, fractions of hours or minutes, offsets with
 * seconds, and every non-ASCII character.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "vex/vex_internal.h"

#define MICROS 1000000

/* n ASCII digits at s (s + n within the text) into *out; 0 or -1. */
static int read_digits(const char *s, const char *end, int n, int *out)
{
    int v = 0;
    if (end - s < n)
        return -1;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int policy_time_parse(const char *s, size_t len, int64_t *out, const char **why)
{
    const char *end = s + len, *p;
    int year, month, day, hour = 0, minute = 0, second = 0;
    int64_t micros = 0, offset = 0;
    if (len == 0)
        return *why = "an empty string is not a date", -1;
    if (len > POLICY_TIME_MAX_LEN)
        return *why = "longer than any date (64 bytes)", -1;
    if (read_digits(s, end, 4, &year) || len < 10 || s[4] != '-' || read_digits(s + 5, end, 2, &month) ||
        s[7] != '-' || read_digits(s + 8, end, 2, &day))
        return *why = "not a date: expected YYYY-MM-DD", -1;
    if (!vex_valid_date(year, month, day))
        return *why = "no such day in the calendar (years 0001 to 9999)", -1;
    p = s + 10;
    if (p < end) {
        if (*p != 'T' && *p != 't' && *p != ' ')
            return *why = "expected 'T' or a space between the date and the time", -1;
        p++;
        if (read_digits(p, end, 2, &hour) || p + 2 >= end || p[2] != ':' || read_digits(p + 3, end, 2, &minute))
            return *why = "not a time: expected hh:mm or hh:mm:ss after the date", -1;
        p += 5;
        if (p < end && *p == ':') {
            if (read_digits(p + 1, end, 2, &second))
                return *why = "not a time: expected two digits of seconds after hh:mm:", -1;
            p += 3;
            if (p < end && (*p == '.' || *p == ',')) {
                p++;
                if (p == end || *p < '0' || *p > '9')
                    return *why = "expected the digits of a fraction of a second after its '.'", -1;
                for (int64_t scale = MICROS / 10; p < end && *p >= '0' && *p <= '9'; p++, scale /= 10)
                    micros += (*p - '0') * scale;
            }
        }
        if (hour > 23 || minute > 59 || second > 60)
            return *why = "no such time of day (hours 00-23, minutes 00-59, seconds 00-60)", -1;
        if (p < end && (*p == 'Z' || *p == 'z')) {
            p++;
        } else if (p < end && (*p == '+' || *p == '-')) {
            int oh, om = 0;
            const char *o = p + 1;
            if (read_digits(o, end, 2, &oh))
                return *why = "not an offset: expected +hh:mm, +hhmm or +hh", -1;
            o += 2;
            int colon = o < end && *o == ':';
            o += colon;
            if ((colon || o < end) && read_digits(o, end, 2, &om))
                return *why = "not an offset: expected +hh:mm, +hhmm or +hh", -1;
            if (colon || o < end)
                o += 2;
            if (oh > 23 || om > 59)
                return *why = "offset out of range (at most 23:59)", -1;
            offset = (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
            p = o;
        }
    }
    if (p != end)
        return *why = "unexpected text after the date or time", -1;
    int64_t seconds = vex_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
                      minute * 60 + second - offset;
    *out = seconds * MICROS + micros;
    return 0;
}

int policy_time_format(int64_t micros, char out[POLICY_TIME_TEXT])
{
    /* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z */
    if (micros < -62135596800LL * MICROS || micros > 253402300799LL * MICROS + (MICROS - 1))
        return -1;
    int64_t seconds = micros / MICROS, fraction = micros % MICROS;
    if (fraction < 0) {
        fraction += MICROS;
        seconds--;
    }
    int64_t days = seconds / 86400, rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    int64_t year;
    unsigned month, day;
    vex_civil_from_days(days, &year, &month, &day);
    int n = snprintf(out, POLICY_TIME_TEXT, "%04d-%02d-%02dT%02d:%02d:%02d", (int)year, (int)month, (int)day,
                     (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
    if (fraction) {
        n += snprintf(out + n, POLICY_TIME_TEXT - (size_t)n, ".%06d", (int)fraction);
        while (out[n - 1] == '0')
            n--;
    }
    snprintf(out + n, POLICY_TIME_TEXT - (size_t)n, "Z");
    return 0;
}
