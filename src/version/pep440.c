/*
 * pep440.c — Python package version ordering: PEP 440 "Version
 * Identification and Dependency Specification" as implemented by
 * packaging 23.0 (packaging.version.Version): the accepted spellings
 * (case-insensitive, optional "v", separators "-", "_", "." around
 * pre/post/dev markers, alpha/beta/c/pre/preview aliases, implicit numbers,
 * "1.0-1" post releases, surrounding white space) and its sort key: epoch,
 * release without trailing zeros, pre (a < b < rc; a dev release without
 * pre or post sorts before all pre-releases), post, dev, local version
 * (numeric segments above alphanumeric ones).
 *
 * Left out: LegacyVersion (removed in packaging 22); invalid strings are
 * refused.  Numbers of any length compare by value.
 */
#include <string.h>

#include "version/version_internal.h"

typedef struct pep440_num {
    const char *s; /* digits; n 0 = 0 */
    size_t n;
} pep440_num;

typedef struct pep440_version {
    pep440_num epoch;
    const char *release; /* "1.2.3" digits and dots */
    size_t rlen;
    int pre;            /* 0 none, 1 a, 2 b, 3 rc */
    pep440_num pre_n;
    int has_post;
    pep440_num post_n;
    int has_dev;
    pep440_num dev_n;
    const char *local;  /* after '+', llen 0 when none */
    size_t llen;
} pep440_version;

static int is_sep(int c)
{
    return c == '-' || c == '_' || c == '.';
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Matches word case-insensitively at s[*pos..len). */
static int take_word(const char *s, size_t len, size_t *pos, const char *word)
{
    /* most calls fail on the first letter: before measuring the word */
    if (*pos >= len || version_to_lower((unsigned char)s[*pos]) != word[0])
        return 0;
    size_t n = strlen(word);
    if (len - *pos < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (version_to_lower((unsigned char)s[*pos + i]) != word[i])
            return 0;
    *pos += n;
    return 1;
}

static pep440_num take_digits(const char *s, size_t len, size_t *pos)
{
    pep440_num num = {s + *pos, version_digits_span(s + *pos, len - *pos)};
    *pos += num.n;
    return num;
}

/* "[-_.]? WORD [-_.]? N?" for one of words (longest spelling first);
 * returns the index+1 of the word matched, 0 when none (pos unchanged). */
static int take_marker(const char *s, size_t len, size_t *pos, const char *const *words,
                       pep440_num *num)
{
    size_t p = *pos;
    if (p < len && is_sep((unsigned char)s[p]))
        p++;
    for (int w = 0; words[w]; w++) {
        size_t q = p;
        if (!take_word(s, len, &q, words[w]))
            continue;
        if (q < len && is_sep((unsigned char)s[q]))
            q++;
        *num = take_digits(s, len, &q);
        *pos = q;
        return w + 1;
    }
    return 0;
}

static int pep440_parse(const char *v, pep440_version *out)
{
    static const char *const PRE[] = {"preview", "alpha", "beta", "pre", "rc", "a", "b", "c", NULL};
    static const int PRE_RANK[] = {3, 1, 2, 3, 3, 1, 2, 3};
    static const char *const POST[] = {"post", "rev", "r", NULL};
    static const char *const DEV[] = {"dev", NULL};
    size_t len = strlen(v), pos = 0;
    memset(out, 0, sizeof *out);
    while (len > 0 && is_ws((unsigned char)v[len - 1]))
        len--;
    while (pos < len && is_ws((unsigned char)v[pos]))
        pos++;
    if (pos < len && (v[pos] == 'v' || v[pos] == 'V'))
        pos++;
    size_t d = version_digits_span(v + pos, len - pos);
    if (d > 0 && pos + d < len && v[pos + d] == '!') {
        out->epoch = (pep440_num){v + pos, d};
        pos += d + 1;
    }
    out->release = v + pos;
    d = version_digits_span(v + pos, len - pos);
    if (d == 0)
        return VG_ERR_FORMAT;
    pos += d;
    while (pos + 1 < len && v[pos] == '.' && version_is_digit((unsigned char)v[pos + 1]))
        pos += 1 + version_digits_span(v + pos + 1, len - pos - 1);
    out->rlen = (size_t)(v + pos - out->release);
    int w = take_marker(v, len, &pos, PRE, &out->pre_n);
    if (w)
        out->pre = PRE_RANK[w - 1];
    if (pos + 1 < len && v[pos] == '-' && version_is_digit((unsigned char)v[pos + 1])) {
        pos++;
        out->has_post = 1;
        out->post_n = take_digits(v, len, &pos);
    } else if (take_marker(v, len, &pos, POST, &out->post_n)) {
        out->has_post = 1;
    }
    if (take_marker(v, len, &pos, DEV, &out->dev_n))
        out->has_dev = 1;
    if (pos < len && v[pos] == '+') {
        pos++;
        out->local = v + pos;
        size_t seg = 0;
        for (; pos < len; pos++) {
            int c = (unsigned char)v[pos];
            if (version_is_alnum(c)) {
                seg++;
            } else if (is_sep(c) && seg > 0) {
                seg = 0;
            } else {
                return VG_ERR_FORMAT;
            }
        }
        if (seg == 0)
            return VG_ERR_FORMAT;
        out->llen = (size_t)(v + pos - out->local);
    }
    return pos == len ? VG_OK : VG_ERR_FORMAT;
}

static int num_cmp(pep440_num a, pep440_num b)
{
    return version_digits_cmp(a.s, a.n, b.s, b.n);
}

/* Release segments compared as if padded with zeros. */
static int release_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    while (i < alen || j < blen) {
        size_t an = version_digits_span(a + i, alen - i > 0 ? alen - i : 0);
        size_t bn = version_digits_span(b + j, blen - j > 0 ? blen - j : 0);
        int r = version_digits_cmp(a + i, an, b + j, bn);
        if (r)
            return r;
        i += an;
        j += bn;
        if (i < alen)
            i++;
        if (j < blen)
            j++;
    }
    return 0;
}

/* Local versions: segments split on [-_.]; numeric segments (by value)
 * above alphanumeric ones (case-insensitive); more segments win a tie. */
static int local_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    if (!alen || !blen)
        return (alen > 0) - (blen > 0);
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= alen || j >= blen)
            return (i < alen) - (j < blen);
        size_t an = 0, bn = 0;
        while (i + an < alen && !is_sep((unsigned char)a[i + an]))
            an++;
        while (j + bn < blen && !is_sep((unsigned char)b[j + bn]))
            bn++;
        int anum = version_digits_span(a + i, an) == an;
        int bnum = version_digits_span(b + j, bn) == bn;
        int r = 0;
        if (anum && bnum) {
            r = version_digits_cmp(a + i, an, b + j, bn);
        } else if (anum != bnum) {
            r = anum ? 1 : -1;
        } else {
            for (size_t k = 0; k < an && k < bn && !r; k++)
                r = version_to_lower((unsigned char)a[i + k]) - version_to_lower((unsigned char)b[j + k]);
            if (!r)
                r = (an > bn) - (an < bn);
        }
        if (r)
            return version_sign(r);
        i += an + 1;
        j += bn + 1;
    }
}

/* The pre-release slot of packaging's sort key: -1 below everything
 * (dev-only release), 1 above everything (no pre-release), 0 compare. */
static int pre_slot(const pep440_version *v)
{
    if (!v->pre && !v->has_post && v->has_dev)
        return -1;
    return v->pre ? 0 : 1;
}

int version_valid_pep440(const char *v)
{
    pep440_version parsed;
    return pep440_parse(v, &parsed);
}

int version_cmp_pep440(const char *a, const char *b, int *out)
{
    pep440_version va, vb;
    if (pep440_parse(a, &va) != VG_OK || pep440_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    int r = num_cmp(va.epoch, vb.epoch);
    if (!r)
        r = release_cmp(va.release, va.rlen, vb.release, vb.rlen);
    if (!r) {
        int sa = pre_slot(&va), sb = pre_slot(&vb);
        if (sa != sb)
            r = sa < sb ? -1 : 1;
        else if (sa == 0) {
            r = version_sign(va.pre - vb.pre);
            if (!r)
                r = num_cmp(va.pre_n, vb.pre_n);
        }
    }
    if (!r) {
        if (va.has_post != vb.has_post)
            r = va.has_post ? 1 : -1;
        else if (va.has_post)
            r = num_cmp(va.post_n, vb.post_n);
    }
    if (!r) {
        if (va.has_dev != vb.has_dev)
            r = va.has_dev ? -1 : 1;
        else if (va.has_dev)
            r = num_cmp(va.dev_n, vb.dev_n);
    }
    if (!r)
        r = local_cmp(va.local, va.llen, vb.local, vb.llen);
    *out = r;
    return VG_OK;
}
