/*
 * composer.c — Packagist (Composer) version ordering, as composer/semver
 * 3.3.2 (Debian 12) defines it: VersionParser::normalize() (trim, " as " aliases and
 * "@stability" flags stripped, build metadata dropped, optional "v",
 * classical 1-4 part versions padded to four parts, date versions, the
 * modifiers stable/patch|pl|p/RC/beta|b/alpha|a with a number and "-dev",
 * and numeric branches such as "1.0.x-dev" read as 1.0.9999999.9999999-dev)
 * followed by PHP's version_compare() on the normalised strings, which gives
 * dev < alpha = a < beta = b < RC < (number) < patch = pl = p.
 *
 * Left out: named branches ("dev-main", "master") are not ordered by
 * Composer (they only equal themselves) and are refused with VG_ERR_FORMAT.
 * PHP reads numbers with strtol and so saturates above 2^63-1; vigil
 * compares their exact values.
 */
#include <string.h>

#include "version/version_internal.h"

#define COMPOSER_BUF (VG_VERSION_MAX_LEN + 64)

static int ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (version_to_lower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

typedef struct out_buf {
    char s[COMPOSER_BUF];
    size_t n;
} out_buf;

static void put(out_buf *b, const char *s, size_t n)
{
    if (b->n + n < sizeof b->s) {
        memcpy(b->s + b->n, s, n);
        b->n += n;
    }
}

/* The modifier "[._-]?((stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?"
 * on s[pos..len), appended to b in normalised form; 0 when it does not
 * match all of the rest. */
static int modifier(const char *s, size_t len, size_t pos, out_buf *b)
{
    static const struct { const char *word, *norm; } STAB[] = {
        {"stable", ""}, {"beta", "beta"}, {"b", "beta"}, {"rc", "RC"}, {"alpha", "alpha"},
        {"a", "alpha"}, {"patch", "patch"}, {"pl", "patch"}, {"p", "patch"},
    };
    if (pos < len && (s[pos] == '.' || s[pos] == '_' || s[pos] == '-'))
        pos++;
    /* Try each stability word (regex alternation order), then no word. */
    for (int w = 0; w <= 9; w++) {
        size_t p = pos;
        out_buf tmp = *b;
        int stable = 0;
        if (w < 9) {
            size_t n = strlen(STAB[w].word);
            if (len - p < n || !ieq(s + p, n, STAB[w].word))
                continue;
            p += n;
            stable = STAB[w].norm[0] == '\0';
            if (!stable) {
                put(&tmp, "-", 1);
                put(&tmp, STAB[w].norm, strlen(STAB[w].norm));
            }
            /* ((?:[.-]?\d+)*): composer keeps the digits with inner
             * separators and strips only leading ones (ltrim '.-'). */
            size_t nstart = p;
            for (;;) {
                size_t q = p;
                if (q < len && (s[q] == '.' || s[q] == '-'))
                    q++;
                size_t d = version_digits_span(s + q, len - q);
                if (d == 0)
                    break;
                p = q + d;
            }
            size_t t = nstart;
            while (t < p && (s[t] == '.' || s[t] == '-'))
                t++;
            if (!stable)
                put(&tmp, s + t, p - t);
        }
        size_t q = p;
        if (q < len && (s[q] == '.' || s[q] == '-'))
            q++;
        int dev = 0;
        if (len - q == 3 && ieq(s + q, 3, "dev")) {
            dev = 1;
            q += 3;
        } else {
            q = p;
        }
        if (q != len)
            continue;
        if (stable) { /* "stable" returns the bare version, even with -dev */
            *b = tmp;
            return 1;
        }
        if (dev)
            put(&tmp, "-dev", 4);
        *b = tmp;
        return 1;
    }
    return 0;
}

/* Backtracking match of the date form after its first four digits, in
 * the regex's order of preference (more groups first, a separator before
 * none, longer digit runs first); at each possible end the modifier must
 * match the rest.  On success b holds the date with every non-digit
 * replaced by '.', then the modifier. */
static int date_match(const char *s, size_t len, size_t start, size_t pos, int twos, int tails,
                      out_buf *b)
{
    for (int with_sep = 1; with_sep >= 0; with_sep--) {
        size_t p = pos;
        if (with_sep) {
            if (p >= len || (s[p] != '.' && s[p] != ':' && s[p] != '-'))
                continue;
            p++;
        }
        size_t digits = version_digits_span(s + p, len - p);
        if (tails == 0 && twos < 6 && digits >= 2 &&
            date_match(s, len, start, p + 2, twos + 1, 0, b))
            return 1;
        if (twos >= 1 && tails < 1) {
            for (size_t k = digits < 3 ? digits : 3; k >= 1; k--)
                if (date_match(s, len, start, p + k, twos, tails + 1, b))
                    return 1;
        }
    }
    if (twos < 1)
        return 0;
    out_buf tmp = {.n = 0};
    for (size_t k = start; k < pos; k++)
        put(&tmp, version_is_digit((unsigned char)s[k]) ? s + k : ".", 1);
    if (!modifier(s, len, pos, &tmp))
        return 0;
    *b = tmp;
    return 1;
}

/* VersionParser::normalize() into b; VG_ERR_FORMAT for what it rejects and
 * for named branches. */
static int composer_normalize(const char *v, out_buf *b)
{
    size_t len = strlen(v), start = 0;
    while (start < len && (v[start] == ' ' || v[start] == '\t' || v[start] == '\n' ||
                           v[start] == '\r' || v[start] == '\v' || v[start] == '\0'))
        start++;
    while (len > start && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' ||
                           v[len - 1] == '\r' || v[len - 1] == '\v'))
        len--;
    const char *s = v + start;
    len -= start;
    b->n = 0;
    /* "X as Y": the part before " as ". */
    for (size_t i = 0; i + 4 <= len; i++) {
        if (s[i] == ' ' && memcmp(s + i, " as ", 4) == 0) {
            len = i;
            break;
        }
    }
    /* "@stability" flag. */
    const char *at = memchr(s, '@', len);
    if (at) {
        size_t n = len - (size_t)(at - s) - 1;
        if (ieq(at + 1, n, "stable") || ieq(at + 1, n, "rc") || ieq(at + 1, n, "beta") ||
            ieq(at + 1, n, "alpha") || ieq(at + 1, n, "dev"))
            len = (size_t)(at - s);
    }
    if (len >= 4 && ieq(s, 4, "dev-"))
        return VG_ERR_FORMAT; /* a named branch */
    /* Build metadata: "^([^,\s+]+)\+[^\s]+$". */
    const char *plus = memchr(s, '+', len);
    if (plus && plus > s && (size_t)(plus - s) + 1 < len) {
        int ok = 1;
        for (const char *p = s; p < s + len; p++)
            if (*p == ' ' || *p == '\t' || (p < plus && *p == ','))
                ok = 0;
        if (ok)
            len = (size_t)(plus - s);
    }
    size_t pos = (len > 0 && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
    /* Classical: (\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)? then the modifier. */
    size_t d = version_digits_span(s + pos, len - pos);
    if (d >= 1 && d <= 5) {
        out_buf tmp = {.n = 0};
        put(&tmp, s + pos, d);
        size_t p = pos + d;
        int parts = 1;
        while (parts < 4 && p + 1 < len && s[p] == '.' && version_is_digit((unsigned char)s[p + 1])) {
            size_t k = version_digits_span(s + p + 1, len - p - 1);
            put(&tmp, s + p, k + 1);
            p += k + 1;
            parts++;
        }
        for (; parts < 4; parts++)
            put(&tmp, ".0", 2);
        /* The regex may also match fewer parts and read the rest as the
         * modifier; that only matters for inputs a longer match rejects. */
        if (modifier(s, len, p, &tmp)) {
            *b = tmp;
            return VG_OK;
        }
    }
    /* Date: \d{4}([.:-]?\d{2}){1,6}([.:-]?\d{1,3})? then the modifier. */
    if (d >= 4 && date_match(s, len, pos, pos + 4, 0, 0, b))
        return VG_OK;
    /* Numeric branches: "(.*?)[.-]?dev$" with a numeric/x name. */
    if (len >= 3 && ieq(s + len - 3, 3, "dev")) {
        size_t n = len - 3;
        if (n > 0 && (s[n - 1] == '.' || s[n - 1] == '-'))
            n--;
        /* normalizeBranch() trims the name. */
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                         s[n - 1] == '\r' || s[n - 1] == '\v'))
            n--;
        size_t p = (n > 0 && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
        size_t k = version_digits_span(s + p, n - p);
        if (k > 0) {
            out_buf tmp = {.n = 0};
            put(&tmp, s + p, k);
            p += k;
            int parts = 1;
            while (parts < 4 && p + 1 < n && s[p] == '.') {
                size_t m = version_digits_span(s + p + 1, n - p - 1);
                if (m == 0 && (s[p + 1] == 'x' || s[p + 1] == 'X' || s[p + 1] == '*'))
                    m = 1;
                if (m == 0)
                    break;
                if (s[p + 1] == 'x' || s[p + 1] == 'X' || s[p + 1] == '*')
                    put(&tmp, ".9999999", 8);
                else
                    put(&tmp, s + p, m + 1);
                p += m + 1;
                parts++;
            }
            if (p == n) {
                for (; parts < 4; parts++)
                    put(&tmp, ".9999999", 8);
                put(&tmp, "-dev", 4);
                *b = tmp;
                return VG_OK;
            }
        }
    }
    return VG_ERR_FORMAT;
}

/* PHP's special version forms, matched as prefixes in this order. */
static int special_form(const char *s, size_t n)
{
    static const struct { const char *name; int order; } FORMS[] = {
        {"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
        {"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5},
    };
    for (size_t i = 0; i < sizeof FORMS / sizeof FORMS[0]; i++) {
        size_t k = strlen(FORMS[i].name);
        if (n >= k && memcmp(s, FORMS[i].name, k) == 0)
            return FORMS[i].order;
    }
    return -6;
}

/* php_canonicalize_version(): '-', '_', '+' and other non-alphanumerics
 * become '.', and a '.' goes between digit and non-digit runs. */
static void canonicalize(const out_buf *in, out_buf *out)
{
    out->n = 0;
    if (in->n == 0)
        return;
    out->s[out->n++] = in->s[0];
    char lp = in->s[0];
    for (size_t i = 1; i < in->n; i++) {
        char c = in->s[i];
        int dig = version_is_digit((unsigned char)c);
        int ldig = version_is_digit((unsigned char)lp);
        if (c == '-' || c == '_' || c == '+') {
            if (out->s[out->n - 1] != '.')
                out->s[out->n++] = '.';
        } else if ((lp != '.' && !ldig && dig) || (ldig && c != '.' && !dig)) {
            if (out->s[out->n - 1] != '.')
                out->s[out->n++] = '.';
            out->s[out->n++] = c;
        } else if (!version_is_alnum((unsigned char)c)) {
            if (out->s[out->n - 1] != '.')
                out->s[out->n++] = '.';
        } else {
            out->s[out->n++] = c;
        }
        lp = c;
    }
}

/* Next '.'-separated part of s[*pos..n); empty parts are skipped the way
 * strtok would. */
static int next_part(const out_buf *b, size_t *pos, const char **part, size_t *len)
{
    while (*pos < b->n && b->s[*pos] == '.')
        (*pos)++;
    if (*pos >= b->n)
        return 0;
    size_t start = *pos;
    while (*pos < b->n && b->s[*pos] != '.')
        (*pos)++;
    *part = b->s + start;
    *len = *pos - start;
    return 1;
}

static int php_version_compare(const out_buf *a, const out_buf *b)
{
    out_buf ca, cb;
    canonicalize(a, &ca);
    canonicalize(b, &cb);
    size_t pa = 0, pb = 0;
    for (;;) {
        const char *x, *y;
        size_t xn, yn;
        int hx = next_part(&ca, &pa, &x, &xn), hy = next_part(&cb, &pb, &y, &yn);
        if (!hx && !hy)
            return 0;
        if (!hx || !hy) {
            /* The longer side's next part against "#N#". */
            const char *p = hx ? x : y;
            size_t pn = hx ? xn : yn;
            int r = version_is_digit((unsigned char)p[0]) ? 1 : version_sign(special_form(p, pn) - 4);
            return hx ? r : -r;
        }
        int dx = version_is_digit((unsigned char)x[0]), dy = version_is_digit((unsigned char)y[0]);
        int r;
        if (dx && dy)
            r = version_digits_cmp(x, version_digits_span(x, xn), y, version_digits_span(y, yn));
        else if (!dx && !dy)
            r = version_sign(special_form(x, xn) - special_form(y, yn));
        else if (dx)
            r = version_sign(4 - special_form(y, yn));
        else
            r = version_sign(special_form(x, xn) - 4);
        if (r)
            return r;
    }
}

int version_valid_composer(const char *v)
{
    out_buf b;
    return composer_normalize(v, &b);
}

int version_cmp_composer(const char *a, const char *b, int *out)
{
    out_buf na, nb;
    if (composer_normalize(a, &na) != VG_OK || composer_normalize(b, &nb) != VG_OK)
        return VG_ERR_FORMAT;
    *out = php_version_compare(&na, &nb);
    return VG_OK;
}
