/*
 * tls_http.c — reads what an HTTPS server answers to `vigil collect
 * tls`'s one HEAD request: the head of an HTTP/1.x response (RFC 9112,
 * 2.1 and 4 to 5: status line, header fields, blank line) and its
 * Strict-Transport-Security field (RFC 6797, 6.1).  Pure functions over
 * untrusted bytes, bounded by TLS_HTTP_MAX_HEAD and TLS_HTTP_MAX_FIELDS;
 * tests/fuzz/fuzz_hsts.c fuzzes both.
 * Leaves out: the body, chunked or not (HEAD has none), HTTP/2 and 3,
 * obsolete line folding (refused, as RFC 9112, 5.2 allows).
 */
#include <string.h>

#include "tls_internal.h"

static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Field values: visible ASCII, spaces and tabs, and obs-text (RFC 9110, 5.5). */
static int is_field_char(unsigned char c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static int equal_nocase(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y))
            return 0;
    }
    return 1;
}

/* The end of the line at data[at..len): the index of its LF, or len. */
static size_t line_end(const char *data, size_t at, size_t len)
{
    const char *lf = memchr(data + at, '\n', len - at);
    return lf ? (size_t)(lf - data) : len;
}

/* "HTTP/D.D NNN[ reason]" in line[0..n). */
static int parse_status_line(const char *line, size_t n, int *code)
{
    if (n < 12 || memcmp(line, "HTTP/", 5) != 0 || !is_digit((unsigned char)line[5]) || line[6] != '.' ||
        !is_digit((unsigned char)line[7]) || line[8] != ' ' || !is_digit((unsigned char)line[9]) ||
        !is_digit((unsigned char)line[10]) || !is_digit((unsigned char)line[11]) || line[9] == '0')
        return -1;
    if (n > 12 && line[12] != ' ')
        return -1;
    *code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    return 0;
}

/* One "name: value" line; the value without surrounding white space. */
static int parse_field(const char *line, size_t n, const char **value, size_t *vlen, size_t *nlen)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)line[i]))
        i++;
    if (i == 0 || i == n || line[i] != ':')
        return -1;
    *nlen = i;
    size_t v = i + 1, e = n;
    for (size_t k = v; k < n; k++)
        if (!is_field_char((unsigned char)line[k]))
            return -1;
    while (v < e && (line[v] == ' ' || line[v] == '\t'))
        v++;
    while (e > v && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    *value = line + v;
    *vlen = e - v;
    return 0;
}

int tls_http_parse_head(const char *data, size_t len, tls_http_head *out, const char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (len > TLS_HTTP_MAX_HEAD)
        len = TLS_HTTP_MAX_HEAD;
    size_t prefix = len < 5 ? len : 5;
    if (memcmp(data, "HTTP/", prefix) != 0) {
        *why = "the answer does not start as an HTTP/1.x response";
        return -1;
    }
    size_t at = 0, lines = 0;
    for (;;) {
        size_t end = line_end(data, at, len);
        if (end == len) {
            if (len == TLS_HTTP_MAX_HEAD) {
                *why = "the response head is longer than 16384 bytes";
                return -1;
            }
            return 0;
        }
        size_t n = end - at;
        if (n && data[at + n - 1] == '\r')
            n--;
        const char *line = data + at;
        at = end + 1;
        if (lines == 0) {
            if (parse_status_line(line, n, &out->status_code) != 0) {
                *why = "the status line is not \"HTTP/D.D NNN reason\"";
                return -1;
            }
        } else if (n == 0) {
            out->head_len = at;
            return 1;
        } else {
            const char *value;
            size_t vlen, nlen;
            if (lines > TLS_HTTP_MAX_FIELDS) {
                *why = "the response has more than 128 header fields";
                return -1;
            }
            if (line[0] == ' ' || line[0] == '\t' || parse_field(line, n, &value, &vlen, &nlen) != 0) {
                *why = "a header field line is malformed";
                return -1;
            }
            if (equal_nocase(line, nlen, "strict-transport-security") && out->sts_fields++ == 0) {
                out->sts = value;
                out->sts_len = vlen;
            }
        }
        lines++;
    }
}

/* ---- Strict-Transport-Security ---------------------------------------- */

struct cursor {
    const char *s;
    size_t n, at;
};

static void skip_ows(struct cursor *c)
{
    while (c->at < c->n && (c->s[c->at] == ' ' || c->s[c->at] == '\t'))
        c->at++;
}

/* A token at the cursor: its length (0: none). */
static size_t take_token(struct cursor *c)
{
    size_t start = c->at;
    while (c->at < c->n && is_tchar((unsigned char)c->s[c->at]))
        c->at++;
    return c->at - start;
}

/* A quoted-string (RFC 9110, 5.6.4) at the cursor, on its opening quote:
 * its content, escapes still in, at *out[0..*outlen).  0, or -1 when
 * unterminated or holding a control character. */
static int take_quoted(struct cursor *c, const char **out, size_t *outlen)
{
    size_t start = ++c->at;
    while (c->at < c->n) {
        unsigned char ch = (unsigned char)c->s[c->at];
        if (ch == '"') {
            *out = c->s + start;
            *outlen = c->at++ - start;
            return 0;
        }
        if (ch == '\\' && ++c->at == c->n)
            return -1;
        if (!is_field_char((unsigned char)c->s[c->at]))
            return -1;
        c->at++;
    }
    return -1;
}

/* delta-seconds: 1*DIGIT (in a quoted string, each maybe escaped), kept
 * at most TLS_HSTS_MAX_AGE. */
static int parse_seconds(const char *s, size_t n, int quoted, int64_t *out)
{
    int64_t v = 0;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (quoted && s[i] == '\\')
            i++;
        if (!is_digit((unsigned char)s[i]))
            return -1;
        if (v <= TLS_HSTS_MAX_AGE)
            v = v * 10 + (s[i] - '0');
        digits++;
    }
    if (digits == 0)
        return -1;
    *out = v > TLS_HSTS_MAX_AGE ? TLS_HSTS_MAX_AGE : v;
    return 0;
}

/* One directive at the cursor (RFC 6797, 6.1): name [= value], into out.
 * NULL, or why the value is not valid. */
static const char *read_directive(struct cursor *c, tls_hsts *out, int *seen_max_age)
{
    const char *name = c->s + c->at, *val = NULL;
    size_t nlen = take_token(c), vlen = 0;
    int quoted = 0;
    if (nlen == 0)
        return "a directive name is not a token";
    skip_ows(c);
    if (c->at < c->n && c->s[c->at] == '=') {
        c->at++;
        skip_ows(c);
        if (c->at < c->n && c->s[c->at] == '"') {
            quoted = 1;
            if (take_quoted(c, &val, &vlen) != 0)
                return "a quoted directive value is not terminated or holds a control character";
        } else {
            val = c->s + c->at;
            if ((vlen = take_token(c)) == 0)
                return "a directive value is neither a token nor a quoted string";
        }
        skip_ows(c);
    }
    if (equal_nocase(name, nlen, "max-age")) {
        if ((*seen_max_age)++)
            return "max-age is given twice";
        if (!val || parse_seconds(val, vlen, quoted, &out->max_age) != 0)
            return "max-age is not a number of seconds";
        return NULL;
    }
    int *flag = equal_nocase(name, nlen, "includesubdomains") ? &out->include_subdomains
                : equal_nocase(name, nlen, "preload")         ? &out->preload
                                                              : NULL;
    if (flag && (*flag)++)
        return "a directive is given twice";
    return NULL;
}

static const char *read_hsts(struct cursor *c, tls_hsts *out)
{
    int seen_max_age = 0;
    for (;;) {
        skip_ows(c);
        if (c->at < c->n && c->s[c->at] != ';') {
            const char *problem = read_directive(c, out, &seen_max_age);
            if (problem)
                return problem;
        }
        if (c->at == c->n)
            break;
        if (c->s[c->at] != ';')
            return "directives are not separated by ';'";
        c->at++;
    }
    return seen_max_age ? NULL : "there is no max-age directive";
}

void tls_hsts_parse(const char *value, size_t len, tls_hsts *out)
{
    struct cursor c = {value, len, 0};
    memset(out, 0, sizeof *out);
    out->max_age = -1;
    out->problem = read_hsts(&c, out);
    out->valid = out->problem == NULL;
    if (!out->valid) {
        out->max_age = -1;
        out->include_subdomains = out->preload = 0;
    }
}
