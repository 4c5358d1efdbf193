/*
 * dpkg.c — Debian package version ordering, as specified by Debian Policy
 * 4.6 section 5.6.12 "Version" and implemented by dpkg 1.21 (verrevcmp in
 * lib/dpkg/version.c; Perl Dpkg::Version): [epoch:]upstream[-revision].
 *
 * Valid versions are the ones Policy allows (Dpkg::Version's is_valid):
 * epoch decimal digits (at most INT_MAX, as dpkg requires), upstream
 * starting with a digit and made of [A-Za-z0-9.+~-:] ('-' only when a
 * revision follows, ':' only after an epoch), revision non-empty and made
 * of [A-Za-z0-9.+~].  dpkg itself only warns about a non-digit start or
 * other characters, and strips surrounding blanks; vigil refuses those
 * strings rather than guess (docs/versions.md).
 */
#include <string.h>

#include "version/version_internal.h"

typedef struct dpkg_version {
    const char *epoch; /* digits; elen 0 when absent (= 0) */
    size_t elen;
    const char *upstream;
    size_t ulen;
    const char *revision; /* rlen 0 when absent */
    size_t rlen;
} dpkg_version;

/* Splits and validates v; VG_ERR_FORMAT if Policy does not allow it. */
static int dpkg_parse(const char *v, dpkg_version *out)
{
    size_t len = strlen(v);
    const char *colon = memchr(v, ':', len);
    const char *up = v;
    out->epoch = v;
    out->elen = 0;
    if (colon) {
        size_t elen = (size_t)(colon - v);
        if (elen == 0 || version_digits_span(v, elen) != elen)
            return VG_ERR_FORMAT;
        if (version_digits_cmp(v, elen, "2147483647", 10) > 0)
            return VG_ERR_FORMAT;
        out->elen = elen;
        up = colon + 1;
    }
    size_t rest = len - (size_t)(up - v);
    const char *hyphen = NULL;
    for (size_t i = 0; i < rest; i++)
        if (up[i] == '-')
            hyphen = up + i;
    out->upstream = up;
    out->ulen = hyphen ? (size_t)(hyphen - up) : rest;
    out->revision = hyphen ? hyphen + 1 : up + rest;
    out->rlen = hyphen ? rest - out->ulen - 1 : 0;
    if (out->ulen == 0 || !version_is_digit((unsigned char)up[0]))
        return VG_ERR_FORMAT;
    if (hyphen && out->rlen == 0)
        return VG_ERR_FORMAT;
    for (size_t i = 0; i < out->ulen; i++) {
        int c = (unsigned char)up[i];
        if (!version_is_alnum(c) && !strchr(".+~-:", c))
            return VG_ERR_FORMAT;
        if (c == ':' && !colon)
            return VG_ERR_FORMAT;
    }
    for (size_t i = 0; i < out->rlen; i++) {
        int c = (unsigned char)out->revision[i];
        if (!version_is_alnum(c) && !strchr(".+~", c))
            return VG_ERR_FORMAT;
    }
    return VG_OK;
}

/* dpkg's weight of a non-digit character: '~' before the end of the part,
 * the end before letters, letters before all other characters. */
static int dpkg_char_order(int c)
{
    if (version_is_digit(c))
        return 0;
    if (version_is_alpha(c))
        return c;
    if (c == '~')
        return -1;
    if (c)
        return c + 256;
    return 0;
}

/* dpkg's verrevcmp over a[0..alen) and b[0..blen): alternating non-digit
 * runs (compared by dpkg_char_order) and digit runs (compared as numbers). */
static int dpkg_part_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    while (i < alen || j < blen) {
        while ((i < alen && !version_is_digit((unsigned char)a[i])) ||
               (j < blen && !version_is_digit((unsigned char)b[j]))) {
            int ac = dpkg_char_order(i < alen ? (unsigned char)a[i] : 0);
            int bc = dpkg_char_order(j < blen ? (unsigned char)b[j] : 0);
            if (ac != bc)
                return ac - bc;
            i++, j++;
        }
        size_t an = version_digits_span(a + i, alen - i);
        size_t bn = version_digits_span(b + j, blen - j);
        int r = version_digits_cmp(a + i, an, b + j, bn);
        if (r)
            return r;
        i += an, j += bn;
    }
    return 0;
}

int version_valid_dpkg(const char *v)
{
    dpkg_version parsed;
    return dpkg_parse(v, &parsed);
}

int version_cmp_dpkg(const char *a, const char *b, int *out)
{
    dpkg_version va, vb;
    if (dpkg_parse(a, &va) != VG_OK || dpkg_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    int r = version_digits_cmp(va.epoch, va.elen, vb.epoch, vb.elen);
    if (!r)
        r = dpkg_part_cmp(va.upstream, va.ulen, vb.upstream, vb.ulen);
    if (!r)
        r = dpkg_part_cmp(va.revision, va.rlen, vb.revision, vb.rlen);
    *out = r;
    return VG_OK;
}
