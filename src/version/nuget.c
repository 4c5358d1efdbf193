/*
 * nuget.c — NuGet package version ordering, as NuGet.Versioning 6
 * (NuGetVersion, VersionComparer.Default) defines it: one to four numeric
 * parts (missing parts are 0, leading zeros allowed, each at most
 * 2147483647), an optional "-" release label of dot-separated identifiers
 * and optional "+" metadata, which is ignored.  A version with a label is
 * lower than the same version without; labels compare identifier by
 * identifier: two Int32 numbers by value, a number before text, text
 * case-insensitively (OrdinalIgnoreCase), and fewer identifiers first.
 *
 * There is no NuGet reference on Debian; the rules come from the
 * NuGet.Versioning sources and docs (docs/versions.md).
 */
#include <string.h>

#include "version/version_internal.h"

typedef struct nuget_version {
    const char *part[4];
    size_t partlen[4];
    const char *label; /* llen 0 when none */
    size_t llen;
} nuget_version;

static int ident_list_ok(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t seg = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (seg == 0)
                return 0;
            seg = 0;
        } else if (version_is_alnum((unsigned char)s[i]) || s[i] == '-') {
            seg++;
        } else {
            return 0;
        }
    }
    return seg > 0;
}

static int nuget_parse(const char *v, nuget_version *out)
{
    size_t len = strlen(v), pos = 0;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 4; i++) {
        out->part[i] = "0";
        out->partlen[i] = 1;
    }
    for (int i = 0; i < 4; i++) {
        size_t n = version_digits_span(v + pos, len - pos);
        if (n == 0 || version_digits_cmp(v + pos, n, "2147483647", 10) > 0)
            return VG_ERR_FORMAT;
        out->part[i] = v + pos;
        out->partlen[i] = n;
        pos += n;
        if (pos < len && v[pos] == '.' && i < 3) {
            pos++;
            continue;
        }
        break;
    }
    size_t end = len;
    const char *plus = memchr(v + pos, '+', len - pos);
    if (plus) {
        end = (size_t)(plus - v);
        if (!ident_list_ok(plus + 1, len - end - 1))
            return VG_ERR_FORMAT;
    }
    if (pos < end) {
        if (v[pos] != '-' || !ident_list_ok(v + pos + 1, end - pos - 1))
            return VG_ERR_FORMAT;
        out->label = v + pos + 1;
        out->llen = end - pos - 1;
    }
    return VG_OK;
}

/* Int32.TryParse on a label identifier: optional '-', digits, in range. */
static int label_number(const char *s, size_t n, long long *value)
{
    int neg = n > 0 && s[0] == '-';
    size_t d = version_digits_span(s + neg, n - (size_t)neg);
    if (d == 0 || d + (size_t)neg != n)
        return 0;
    long long v = 0;
    for (size_t i = 0; i < d; i++) {
        v = v * 10 + (s[neg + i] - '0');
        if (v > 2147483648LL)
            return 0;
    }
    if (neg)
        v = -v;
    if (v > 2147483647LL)
        return 0;
    *value = v;
    return 1;
}

static int label_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    for (;;) {
        int aend = i >= alen, bend = j >= blen;
        if (aend || bend)
            return bend - aend;
        size_t an = 0, bn = 0;
        while (i + an < alen && a[i + an] != '.')
            an++;
        while (j + bn < blen && b[j + bn] != '.')
            bn++;
        long long x, y;
        int xn = label_number(a + i, an, &x), yn = label_number(b + j, bn, &y);
        int r = 0;
        if (xn && yn) {
            r = version_sign(x - y);
        } else if (xn || yn) {
            r = xn ? -1 : 1;
        } else {
            for (size_t k = 0; k < an && k < bn && !r; k++) {
                int ca = (unsigned char)a[i + k], cb = (unsigned char)b[j + k];
                if (version_is_lower(ca))
                    ca -= 'a' - 'A';
                if (version_is_lower(cb))
                    cb -= 'a' - 'A';
                r = version_sign(ca - cb);
            }
            if (!r)
                r = (an > bn) - (an < bn);
        }
        if (r)
            return r;
        i += an + 1;
        j += bn + 1;
    }
}

int version_valid_nuget(const char *v)
{
    nuget_version parsed;
    return nuget_parse(v, &parsed);
}

int version_cmp_nuget(const char *a, const char *b, int *out)
{
    nuget_version va, vb;
    if (nuget_parse(a, &va) != VG_OK || nuget_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    int r = 0;
    for (int i = 0; i < 4 && !r; i++)
        r = version_digits_cmp(va.part[i], va.partlen[i], vb.part[i], vb.partlen[i]);
    if (!r) {
        if (!va.llen || !vb.llen)
            r = (va.llen == 0) - (vb.llen == 0);
        else
            r = label_cmp(va.label, va.llen, vb.label, vb.llen);
    }
    *out = r;
    return VG_OK;
}
