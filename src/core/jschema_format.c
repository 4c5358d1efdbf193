/*
 * jschema_format.c — the values of JSON Schema's "format" keyword that the
 * official SBOM schemas use, checked as assertions (as ajv with ajv-formats
 * does), each written from its RFC and at least as strict as ajv-formats'
 * "full" mode:
 *   date-time, date, time  RFC 3339 §5.6: full-date "T" full-time, a real
 *                          calendar day, hour <= 23, minute <= 59, second 60
 *                          only at 23:59 UTC; the offset "Z" or +hh:mm.
 *                          (ajv also takes a space for "T" and +hh or +hhmm
 *                          offsets: refused here, as RFC 3339 does.)
 *   uri, uri-reference     RFC 3986 §3, §4.1 (URI / URI-reference ABNF,
 *                          IPv6 and IPvFuture literals included), but a URI
 *                          with an empty hier-part ("s:", as ajv refuses it).
 *   iri, iri-reference     RFC 3987 §2.2: the same with ucschar wherever
 *                          unreserved is allowed and iprivate in the query.
 *   email, idn-email       RFC 5321 §4.1.2 Mailbox as ajv takes it: a
 *                          dot-atom local part and a domain of two or more
 *                          LDH labels of at most 63 characters (no quoted
 *                          local part, no address literal); idn-email
 *                          (RFC 6531) also takes non-ASCII characters in both.
 * Leaves out every other format: the validator refuses a schema naming one.
 */
#include <stdint.h>
#include <string.h>

#include "core/jschema_internal.h"

static const struct {
    const char *name;
    jschema_format format;
} FORMATS[] = {
    {"date-time", JSCHEMA_FORMAT_DATE_TIME},   {"date", JSCHEMA_FORMAT_DATE},
    {"time", JSCHEMA_FORMAT_TIME},             {"uri", JSCHEMA_FORMAT_URI},
    {"uri-reference", JSCHEMA_FORMAT_URI_REFERENCE}, {"iri", JSCHEMA_FORMAT_IRI},
    {"iri-reference", JSCHEMA_FORMAT_IRI_REFERENCE}, {"email", JSCHEMA_FORMAT_EMAIL},
    {"idn-email", JSCHEMA_FORMAT_IDN_EMAIL},
};

jschema_format jschema_format_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
        if (strcmp(FORMATS[i].name, name) == 0)
            return FORMATS[i].format;
    return JSCHEMA_FORMAT_NONE;
}

/* ---- RFC 3339 ---- */

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int check_date(const char *s, size_t len)
{
    static const int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return 0;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return d <= (m == 2 && leap ? 29 : days[m]);
}

/* full-time = partial-time time-offset */
static int check_time(const char *s, size_t len)
{
    int h, mi, sec, oh = 0, om = 0, sign = 1;
    if (len < 9 || s[2] != ':' || s[5] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &mi) ||
        !digits(s + 6, 2, &sec))
        return 0;
    size_t i = 8;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return 0;
    }
    if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
        /* UTC */
    } else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
               digits(s + i + 1, 2, &oh) && digits(s + i + 4, 2, &om)) {
        sign = s[i] == '-' ? -1 : 1;
    } else {
        return 0;
    }
    if (oh > 23 || om > 59 || h > 23 || mi > 59 || sec > 60)
        return 0;
    if (sec < 60)
        return 1;
    /* A leap second is 23:59:60 UTC. */
    int umin = mi - om * sign;
    int uhour = h - oh * sign - (umin < 0 ? 1 : 0);
    return (uhour == 23 || uhour == -1) && (umin == 59 || umin == -1);
}

static int check_date_time(const char *s, size_t len)
{
    return len > 11 && (s[10] == 'T' || s[10] == 't') && check_date(s, 10) &&
           check_time(s + 11, len - 11);
}

/* ---- RFC 3986 / RFC 3987 ---- */

typedef struct cursor {
    const unsigned char *s;
    size_t len, i;
    int iri;
} cursor;

/* The code point at c->i and its length in bytes (0 at the end). */
static uint32_t cp_at(const cursor *c, size_t *n)
{
    const unsigned char *s = c->s + c->i;
    size_t left = c->len - c->i;
    *n = 0;
    if (!left)
        return 0;
    if (s[0] < 0x80) {
        *n = 1;
        return s[0];
    }
    size_t k = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    if (k > left) {
        *n = 1;
        return 0xFFFFFFFF;
    }
    uint32_t cp = s[0] & (0x7F >> k);
    for (size_t j = 1; j < k; j++)
        cp = (cp << 6) | (s[j] & 0x3F);
    *n = k;
    return cp;
}

static int is_alpha(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int is_hex(uint32_t c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_sub_delim(uint32_t c) { return c && strchr("!$&'()*+,;=", (int)c) != NULL && c < 0x80; }

static int is_ucschar(uint32_t c)
{
    if ((c >= 0xA0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFEF))
        return 1;
    if (c < 0x10000 || c > 0xEFFFD || (c & 0xFFFF) > 0xFFFD)
        return 0;
    return c < 0xE0000 || c >= 0xE1000;
}

static int is_iprivate(uint32_t c)
{
    return (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) || (c >= 0x100000 && c <= 0x10FFFD);
}

static int is_unreserved(const cursor *c, uint32_t cp)
{
    return is_alpha(cp) || is_digit(cp) || (cp && cp < 0x80 && strchr("-._~", (int)cp)) ||
           (c->iri && is_ucschar(cp));
}

/* Consumes one character allowed by the class: unreserved, pct-encoded,
 * sub-delims and those of extra (ASCII).  Returns 0 when the character at
 * the cursor is none of them. */
static int take(cursor *c, const char *extra, int query)
{
    size_t n;
    uint32_t cp = cp_at(c, &n);
    if (!n)
        return 0;
    if (cp == '%') {
        if (c->i + 2 < c->len && is_hex(c->s[c->i + 1]) && is_hex(c->s[c->i + 2])) {
            c->i += 3;
            return 1;
        }
        return 0;
    }
    if (is_unreserved(c, cp) || is_sub_delim(cp) || (cp < 0x80 && cp && strchr(extra, (int)cp)) ||
        (query && c->iri && is_iprivate(cp))) {
        c->i += n;
        return 1;
    }
    return 0;
}

static int at(const cursor *c, char ch) { return c->i < c->len && c->s[c->i] == (unsigned char)ch; }

static int h16(const unsigned char *s, size_t len, size_t *i)
{
    size_t k = 0;
    while (k < 4 && *i + k < len && is_hex(s[*i + k]))
        k++;
    *i += k;
    return k > 0;
}

static int dec_octet_ipv4(const unsigned char *s, size_t len)
{
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        size_t start = i;
        int v = 0;
        while (i < len && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (s[i++] - '0');
        size_t n = i - start;
        if (n == 0 || v > 255 || (n > 1 && s[start] == '0'))
            return 0;
        parts++;
        if (parts < 4) {
            if (i >= len || s[i] != '.')
                return 0;
            i++;
        }
    }
    return i == len;
}

/* RFC 3986 §3.2.2 IPv6address, the text between the brackets. */
static int check_ipv6(const unsigned char *s, size_t len)
{
    int groups = 0, gap = 0;
    size_t i = 0;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 1;
        i = 2;
        if (i == len)
            return 1;
    } else if (len && s[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t start = i;
        /* A trailing IPv4 address counts as two groups. */
        size_t j = i;
        while (j < len && s[j] != ':')
            j++;
        if (j == len && memchr(s + i, '.', len - i)) {
            if (!dec_octet_ipv4(s + i, len - i))
                return 0;
            groups += 2;
            i = len;
            break;
        }
        if (!h16(s, len, &i) || (i < len && s[i] != ':'))
            return 0;
        (void)start;
        groups++;
        if (i == len)
            break;
        i++; /* ':' */
        if (i < len && s[i] == ':') {
            if (gap)
                return 0;
            gap = 1;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return 0; /* trailing single ':' */
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

static int check_ip_literal(const unsigned char *s, size_t len)
{
    if (len && (s[0] == 'v' || s[0] == 'V')) {
        size_t i = 1;
        while (i < len && is_hex(s[i]))
            i++;
        if (i == 1 || i >= len || s[i] != '.' || i + 1 == len)
            return 0;
        for (i++; i < len; i++)
            if (!(is_alpha(s[i]) || is_digit(s[i]) || is_sub_delim(s[i]) || strchr("-._~:", s[i])))
                return 0;
        return 1;
    }
    return check_ipv6(s, len);
}

/* authority = [ userinfo "@" ] host [ ":" port ], ending at the cursor's
 * next "/", "?", "#" or end. */
static int parse_authority(cursor *c)
{
    size_t end = c->i;
    while (end < c->len && c->s[end] != '/' && c->s[end] != '?' && c->s[end] != '#')
        end++;
    const unsigned char *at_sign = memchr(c->s + c->i, '@', end - c->i);
    cursor sub = *c;
    sub.len = end;
    if (at_sign) {
        size_t stop = (size_t)(at_sign - c->s);
        sub.len = stop;
        while (sub.i < stop)
            if (!take(&sub, ":", 0))
                return 0;
        sub.i = stop + 1;
        sub.len = end;
    }
    if (at(&sub, '[')) {
        const unsigned char *close = memchr(sub.s + sub.i, ']', end - sub.i);
        if (!close || !check_ip_literal(sub.s + sub.i + 1, (size_t)(close - sub.s) - sub.i - 1))
            return 0;
        sub.i = (size_t)(close - sub.s) + 1;
    } else {
        while (sub.i < end && sub.s[sub.i] != ':')
            if (!take(&sub, "", 0))
                return 0;
    }
    if (at(&sub, ':')) {
        for (sub.i++; sub.i < end; sub.i++)
            if (!is_digit(sub.s[sub.i]))
                return 0;
    }
    if (sub.i != end)
        return 0;
    c->i = end;
    return 1;
}

static int check_uri(const char *str, size_t len, int need_scheme, int iri)
{
    cursor c = {(const unsigned char *)str, len, 0, iri};
    size_t k = 0;
    int scheme = 0;
    if (len && is_alpha(c.s[0])) {
        k = 1;
        while (k < len && (is_alpha(c.s[k]) || is_digit(c.s[k]) || c.s[k] == '+' || c.s[k] == '-' || c.s[k] == '.'))
            k++;
        if (k < len && c.s[k] == ':') {
            scheme = 1;
            c.i = k + 1;
        }
    }
    /* RFC 3986 allows "s:" (path-empty); ajv-formats does not, and this
     * check is never laxer than ajv. */
    if (need_scheme && (!scheme || c.i == len || c.s[c.i] == '?' || c.s[c.i] == '#'))
        return 0;
    if (c.i + 1 < len && c.s[c.i] == '/' && c.s[c.i + 1] == '/') {
        c.i += 2;
        if (!parse_authority(&c))
            return 0;
    } else if (!scheme) {
        /* path-noscheme: no ":" in the first segment */
        for (size_t j = c.i; j < len && c.s[j] != '/' && c.s[j] != '?' && c.s[j] != '#'; j++)
            if (c.s[j] == ':')
                return 0;
    }
    while (c.i < len && !at(&c, '?') && !at(&c, '#'))
        if (!take(&c, ":@/", 0))
            return 0;
    if (at(&c, '?'))
        for (c.i++; c.i < len && !at(&c, '#');)
            if (!take(&c, ":@/?", 1))
                return 0;
    if (at(&c, '#'))
        for (c.i++; c.i < len;)
            if (!take(&c, ":@/?", 0))
                return 0;
    return c.i == len;
}

/* ---- RFC 5321 / RFC 6531 ---- */

static int check_email(const char *str, size_t len, int idn)
{
    const unsigned char *s = (const unsigned char *)str;
    const unsigned char *atp = memchr(s, '@', len);
    if (!atp)
        return 0;
    size_t local = (size_t)(atp - s);
    /* dot-atom: atext runs separated by single dots */
    if (local == 0 || s[0] == '.' || s[local - 1] == '.')
        return 0;
    for (size_t i = 0; i < local; i++) {
        unsigned char ch = s[i];
        if (ch == '.') {
            if (s[i + 1] == '.')
                return 0;
        } else if (!(is_alpha(ch) || is_digit(ch) || strchr("!#$%&'*+/=?^_`{|}~-", ch) || (idn && ch >= 0x80))) {
            return 0;
        }
    }
    /* domain: LDH labels, at least two */
    size_t i = local + 1, labels = 0;
    while (1) {
        size_t start = i;
        while (i < len && s[i] != '.') {
            unsigned char ch = s[i];
            if (!(is_alpha(ch) || is_digit(ch) || ch == '-' || (idn && ch >= 0x80)))
                return 0;
            i++;
        }
        size_t n = i - start;
        if (n == 0 || s[start] == '-' || s[i - 1] == '-')
            return 0;
        /* 63 octets for an A-label; a U-label's length in characters */
        size_t chars = 0;
        for (size_t j = start; j < i; j++)
            chars += (s[j] & 0xC0) != 0x80;
        if (chars > 63)
            return 0;
        labels++;
        if (i == len)
            break;
        i++;
    }
    return labels >= 2;
}

int jschema_format_check(jschema_format f, const char *s, size_t len)
{
    switch (f) {
    case JSCHEMA_FORMAT_DATE_TIME: return check_date_time(s, len);
    case JSCHEMA_FORMAT_DATE: return check_date(s, len);
    case JSCHEMA_FORMAT_TIME: return check_time(s, len);
    case JSCHEMA_FORMAT_URI: return check_uri(s, len, 1, 0);
    case JSCHEMA_FORMAT_URI_REFERENCE: return check_uri(s, len, 0, 0);
    case JSCHEMA_FORMAT_IRI: return check_uri(s, len, 1, 1);
    case JSCHEMA_FORMAT_IRI_REFERENCE: return check_uri(s, len, 0, 1);
    case JSCHEMA_FORMAT_EMAIL: return check_email(s, len, 0);
    case JSCHEMA_FORMAT_IDN_EMAIL: return check_email(s, len, 1);
    case JSCHEMA_FORMAT_NONE: break;
    }
    return 0;
}
