/*
 * securitytxt_parse.c — RFC 9116 security.txt (section 2.3 syntax, 2.5
 * fields, 3 ABNF; the CSAF field of the IANA security.txt field registry)
 * and the OpenPGP cleartext signature framework around it (RFC 4880, 7:
 * armor headers, dash-escaping undone).  The signature itself is not
 * verified: the document says so.  Bounded by SECTXT_MAX_SIZE,
 * SECTXT_MAX_LINE, SECTXT_MAX_LINES and SECTXT_MAX_FIELDS.
 * Leaves out: the meaning of Preferred-Languages' tags (RFC 5646), the
 * syntax of URIs beyond their scheme.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "securitytxt_internal.h"

/* The fields RFC 9116 and its registry define: their spelling, the member
 * of the document that lists their values, and whether one is allowed at
 * most once. */
static const struct known_field {
    const char *name;
    const char *member;
    int once;
} known_fields[] = {
    {"Acknowledgments", "acknowledgments", 0}, {"Canonical", "canonical", 0}, {"Contact", "contact", 0},
    {"CSAF", "csaf", 0},                       {"Encryption", "encryption", 0}, {"Expires", "expires", 1},
    {"Hiring", "hiring", 0},                   {"Policy", "policy", 0},
    {"Preferred-Languages", "preferred_languages", 1},
};
#define NKNOWN (sizeof known_fields / sizeof known_fields[0])

static const char pgp_begin[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char sig_begin[] = "-----BEGIN PGP SIGNATURE-----";
static const char sig_end[] = "-----END PGP SIGNATURE-----";

typedef struct parse_state {
    json_t *out, *fields, *unknown, *problems;
    int64_t now;
    int nfields, seen[NKNOWN], expires_line;
    int64_t expires;
} parse_state;

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int prefix_nocase(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)p[i]))
            return 0;
    return 1;
}

static int is_line(const char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

__attribute__((format(printf, 4, 5))) static void problem(parse_state *st, const char *code, int line,
                                                          const char *fmt, ...)
{
    char msg[4096]; /* more than a line (SECTXT_MAX_LINE) and a URL: nothing is cut */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(st->problems, json_pack("{s:s, s:o, s:s}", "code", code, "line",
                                                  line > 0 ? json_integer(line) : json_null(), "message", msg));
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int sectxt_rfc3339(const char *t, size_t len, int64_t *out)
{
    int y, mo, d, h, mi, s, oh = 0, om = 0;
    if (len < 20 || digits(t, 4, &y) || t[4] != '-' || digits(t + 5, 2, &mo) || t[7] != '-' ||
        digits(t + 8, 2, &d) || (t[10] != 'T' && t[10] != 't') || digits(t + 11, 2, &h) || t[13] != ':' ||
        digits(t + 14, 2, &mi) || t[16] != ':' || digits(t + 17, 2, &s))
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
        s > 60)
        return -1;
    size_t i = 19;
    if (i < len && t[i] == '.') {
        size_t f = ++i;
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == f)
            return -1;
    }
    int sign = 0;
    if (i + 1 == len && (t[i] == 'Z' || t[i] == 'z')) {
        i++;
    } else if (i + 6 == len && (t[i] == '+' || t[i] == '-') && !digits(t + i + 1, 2, &oh) && t[i + 3] == ':' &&
               !digits(t + i + 4, 2, &om) && oh < 24 && om < 60) {
        sign = t[i] == '+' ? 1 : -1;
        i += 6;
    }
    if (i != len)
        return -1;
    /* days from the civil date (H. Hinnant's algorithm) */
    int yy = mo <= 2 ? y - 1 : y;
    int64_t era = yy / 400, yoe = yy - era * 400;
    int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s) - sign * (oh * 3600 + om * 60);
    return 0;
}

static const char *scheme_ok(const char *v, size_t n)
{
    return prefix_nocase(v, n, "mailto:") || prefix_nocase(v, n, "https://") || prefix_nocase(v, n, "tel:") ? v
                                                                                                          : NULL;
}

/* Preferred-Languages: a comma-separated list of tags, white space around them dropped. */
static json_t *language_list(const char *v, size_t n)
{
    json_t *list = json_array();
    size_t at = 0;
    while (list && at <= n) {
        const char *comma = memchr(v + at, ',', n - at);
        size_t end = comma ? (size_t)(comma - v) : n, a = at, e = end;
        while (a < e && (v[a] == ' ' || v[a] == '\t'))
            a++;
        while (e > a && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > a)
            json_array_append_new(list, json_stringn(v + a, e - a));
        at = end + 1;
    }
    return list;
}

static void known_value(parse_state *st, size_t k, json_t *value, const char *v, size_t n, int line)
{
    const struct known_field *f = &known_fields[k];
    if (f->once && st->seen[k] > 1) {
        problem(st, strcmp(f->name, "Expires") == 0 ? "duplicate-expires" : "duplicate-preferred-languages", line,
                "%s given more than once (RFC 9116 allows it once); this one is ignored", f->name);
        return;
    }
    if (k == 5) { /* Expires */
        json_object_set(st->out, "expires", value);
        st->expires_line = line;
        if (sectxt_rfc3339(v, n, &st->expires) != 0) {
            st->expires_line = -line;
            problem(st, "bad-expires", line, "Expires %s is not an RFC 3339 date-time", json_string_value(value));
        }
        return;
    }
    if (k == 8) { /* Preferred-Languages */
        json_object_set_new(st->out, "preferred_languages", language_list(v, n));
        return;
    }
    if (k == 2 && !scheme_ok(v, n))
        problem(st, "contact-not-uri", line, "Contact %s is not a mailto:, https:// or tel: URI",
                json_string_value(value));
    else if (prefix_nocase(v, n, "http://"))
        problem(st, "uri-not-https", line, "%s %s: a web URI must begin with https:// (RFC 9116, 2.5)", f->name,
                json_string_value(value));
    json_array_append(json_object_get(st->out, f->member), value);
}

/* One line of content (its end removed): blank, a comment or a field. */
static void content_line(parse_state *st, const char *s, size_t n, int line)
{
    if (n == 0 || s[0] == '#')
        return;
    size_t i = 0;
    while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
                     s[i] == '-'))
        i++;
    if (i == 0 || i == n || s[i] != ':') {
        problem(st, "invalid-line", line, "not a field \"Name: value\", a comment or a blank line");
        return;
    }
    size_t v = i + 1;
    while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
    if (v == n) {
        problem(st, "invalid-line", line, "a field without a value");
        return;
    }
    if (++st->nfields > SECTXT_MAX_FIELDS) {
        if (st->nfields == SECTXT_MAX_FIELDS + 1)
            problem(st, "too-many-fields", line, "more than 256 fields: the rest is not read");
        return;
    }
    json_t *value = json_stringn(s + v, n - v);
    if (!value) {
        problem(st, "invalid-line", line, "not UTF-8");
        return;
    }
    size_t k = 0;
    while (k < NKNOWN && !(i == strlen(known_fields[k].name) && prefix_nocase(s, i, known_fields[k].name)))
        k++;
    json_t *name = k < NKNOWN ? json_string(known_fields[k].name) : json_stringn(s, i);
    json_t *field = json_pack("{s:o, s:O, s:i}", "name", name, "value", value, "line", line);
    json_array_append_new(st->fields, field);
    if (k < NKNOWN) {
        st->seen[k]++;
        known_value(st, k, value, s + v, n - v, line);
    } else {
        json_array_append(st->unknown, field);
    }
    json_decref(value);
}

/* The checks of the whole file, once every line is read. */
static void finish(parse_state *st, const char *fetched_from)
{
    if (json_array_size(json_object_get(st->out, "contact")) == 0)
        problem(st, "missing-contact", 0, "no Contact field (RFC 9116, 2.5.3 requires at least one)");
    if (st->seen[5] == 0)
        problem(st, "missing-expires", 0, "no Expires field (RFC 9116, 2.5.5 requires one)");
    if (st->seen[5] > 0 && st->expires_line > 0) {
        int64_t left = st->expires - st->now;
        json_object_set_new(st->out, "expires_in_days", json_integer(left >= 0 ? left / 86400 : -((-left + 86399) / 86400)));
        if (left <= 0)
            problem(st, "expired", st->expires_line, "Expires %s is not after the collection time",
                    json_string_value(json_object_get(st->out, "expires")));
        else if (left > SECTXT_YEAR)
            problem(st, "expires-too-far", st->expires_line,
                    "Expires %s is more than a year ahead (RFC 9116, 2.5.5 recommends less)",
                    json_string_value(json_object_get(st->out, "expires")));
    }
    json_t *canonical = json_object_get(st->out, "canonical");
    if (fetched_from && json_array_size(canonical) > 0) {
        size_t i;
        json_t *c;
        int match = 0;
        json_array_foreach(canonical, i, c) match |= strcmp(json_string_value(c), fetched_from) == 0;
        if (!match)
            problem(st, "canonical-mismatch", 0, "no Canonical field names %s, the URL the file was fetched from",
                    fetched_from);
    }
}

/* The next line of data[*at..len): its start and length without CR LF and
 * trailing white space (RFC 9116's eol = *WSP [CR] LF). */
static const char *next_line(const char *data, size_t len, size_t *at, size_t *n, size_t *raw)
{
    const char *s = data + *at;
    const char *lf = memchr(s, '\n', len - *at);
    size_t end = lf ? (size_t)(lf - data) : len;
    *raw = end - *at;
    *n = *raw;
    while (*n > 0 && (s[*n - 1] == '\r' || s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    *at = lf ? end + 1 : len;
    return s;
}

enum { PLAIN, ARMOR_HEADERS, SIGNED_TEXT, SIGNATURE, AFTER };

json_t *sectxt_parse(const char *data, size_t len, int64_t now, const char *fetched_from)
{
    if (len > SECTXT_MAX_SIZE)
        return NULL;
    parse_state st = {.now = now};
    st.out = json_pack("{s:{s:b, s:n, s:s}, s:[], s:[], s:n, s:n, s:[], s:[], s:n, s:[], s:[], s:[], s:[], s:[], s:[]}",
                       "signature", "present", 0, "verified", "why", "the file is not signed", "fields", "contact",
                       "expires", "expires_in_days", "encryption", "acknowledgments", "preferred_languages",
                       "canonical", "policy", "hiring", "csaf", "unknown", "problems");
    if (!st.out)
        return NULL;
    st.fields = json_object_get(st.out, "fields");
    st.unknown = json_object_get(st.out, "unknown");
    st.problems = json_object_get(st.out, "problems");
    int mode = PLAIN, line = 0;
    size_t at = 0, n, raw;
    while (at < len) {
        const char *s = next_line(data, len, &at, &n, &raw);
        if (++line > SECTXT_MAX_LINES) {
            problem(&st, "too-many-lines", line, "more than 4096 lines: the rest is not read");
            break;
        }
        if (raw > SECTXT_MAX_LINE) {
            problem(&st, "line-too-long", line, "longer than 2048 bytes: not read");
            continue;
        }
        if (line == 1 && is_line(s, n, pgp_begin)) {
            mode = ARMOR_HEADERS;
            json_object_set_new(st.out, "signature",
                                json_pack("{s:b, s:n, s:s}", "present", 1, "verified", "why",
                                          "an OpenPGP cleartext signature is present; vigil does not verify "
                                          "OpenPGP signatures"));
            continue;
        }
        switch (mode) {
        case ARMOR_HEADERS:
            if (n == 0)
                mode = SIGNED_TEXT;
            else if (!memchr(s, ':', n))
                problem(&st, "bad-signature-framing", line, "not an armor header \"Hash: ...\"");
            break;
        case SIGNED_TEXT:
            if (is_line(s, n, sig_begin)) {
                mode = SIGNATURE;
            } else if (n >= 2 && s[0] == '-' && s[1] == ' ') {
                content_line(&st, s + 2, n - 2, line);
            } else if (n >= 1 && s[0] == '-') {
                problem(&st, "bad-signature-framing", line, "a line starting with '-' that is not dash-escaped");
            } else {
                content_line(&st, s, n, line);
            }
            break;
        case SIGNATURE:
            if (is_line(s, n, sig_end))
                mode = AFTER;
            break;
        case AFTER:
            if (n > 0)
                problem(&st, "content-outside-signature", line, "text after the signature is not signed");
            break;
        default:
            content_line(&st, s, n, line);
        }
    }
    if (mode == ARMOR_HEADERS || mode == SIGNED_TEXT || mode == SIGNATURE)
        problem(&st, "bad-signature-framing", 0, "the cleartext signature is not closed by %s",
                mode == SIGNATURE ? sig_end : sig_begin);
    finish(&st, fetched_from);
    return st.out;
}
