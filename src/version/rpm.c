/*
 * rpm.c — RPM version ordering as rpm 4.18 implements it: rpmvercmp()
 * (lib/rpmvercmp.c) on each of epoch, version and release of
 * [epoch:]version[-release], including the '~' (sorts before everything,
 * even the end) and '^' (sorts after the end, before anything else)
 * operators.
 *
 * Splitting follows rpm's parseEVR(): the epoch is the leading digits
 * before a ':', the release what follows the last '-'.  A missing epoch is
 * 0 (as in rpm's dependency comparison).  A missing release sorts before
 * any release, as rpm.labelCompare() orders a None release; rpm's
 * dependency matching instead treats it as a wildcard, which is not an
 * order.  Valid: version and (when a '-' is present) release non-empty,
 * made of the characters rpm allows in those tags after macro expansion,
 * [A-Za-z0-9._+~^]; epoch digits.  Empty epochs (":1.0") are refused.
 */
#include <string.h>

#include "version/version_internal.h"

typedef struct rpm_evr {
    const char *epoch; /* elen 0 when absent (= 0) */
    size_t elen;
    const char *version;
    size_t vlen;
    const char *release; /* NULL when absent */
    size_t rlen;
} rpm_evr;

static int rpm_tag_char(int c)
{
    return version_is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '~' || c == '^';
}

static int rpm_parse(const char *v, rpm_evr *out)
{
    size_t len = strlen(v);
    size_t edigits = version_digits_span(v, len);
    const char *ver = v;
    out->epoch = v;
    out->elen = 0;
    if (edigits < len && v[edigits] == ':') {
        if (edigits == 0)
            return VG_ERR_FORMAT;
        out->elen = edigits;
        ver = v + edigits + 1;
    }
    size_t rest = len - (size_t)(ver - v);
    const char *hyphen = NULL;
    for (size_t i = 0; i < rest; i++)
        if (ver[i] == '-')
            hyphen = ver + i;
    out->version = ver;
    out->vlen = hyphen ? (size_t)(hyphen - ver) : rest;
    out->release = hyphen ? hyphen + 1 : NULL;
    out->rlen = hyphen ? rest - out->vlen - 1 : 0;
    if (out->vlen == 0 || (hyphen && out->rlen == 0))
        return VG_ERR_FORMAT;
    for (size_t i = 0; i < out->vlen; i++)
        if (!rpm_tag_char((unsigned char)ver[i]))
            return VG_ERR_FORMAT;
    for (size_t i = 0; i < out->rlen; i++)
        if (!rpm_tag_char((unsigned char)out->release[i]))
            return VG_ERR_FORMAT;
    return VG_OK;
}

/* rpmvercmp() over a[0..alen) and b[0..blen). */
static int rpm_vercmp(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return 0;
    size_t i = 0, j = 0;
    while (i < alen || j < blen) {
        while (i < alen && !version_is_alnum((unsigned char)a[i]) && a[i] != '~' && a[i] != '^')
            i++;
        while (j < blen && !version_is_alnum((unsigned char)b[j]) && b[j] != '~' && b[j] != '^')
            j++;
        int ac = i < alen ? a[i] : 0, bc = j < blen ? b[j] : 0;
        if (ac == '~' || bc == '~') {
            if (ac != '~')
                return 1;
            if (bc != '~')
                return -1;
            i++, j++;
            continue;
        }
        if (ac == '^' || bc == '^') {
            if (!ac)
                return -1;
            if (!bc)
                return 1;
            if (ac != '^')
                return 1;
            if (bc != '^')
                return -1;
            i++, j++;
            continue;
        }
        if (!ac || !bc)
            break;
        size_t an, bn;
        int numeric = version_is_digit(ac);
        if (numeric) {
            an = version_digits_span(a + i, alen - i);
            bn = version_digits_span(b + j, blen - j);
        } else {
            an = bn = 0;
            while (i + an < alen && version_is_alpha((unsigned char)a[i + an]))
                an++;
            while (j + bn < blen && version_is_alpha((unsigned char)b[j + bn]))
                bn++;
        }
        /* A numeric segment is newer than an alphabetic one. */
        if (bn == 0)
            return numeric ? 1 : -1;
        int r;
        if (numeric) {
            r = version_digits_cmp(a + i, an, b + j, bn);
        } else {
            size_t n = an < bn ? an : bn;
            r = version_sign(memcmp(a + i, b + j, n));
            if (!r && an != bn)
                r = an < bn ? -1 : 1;
        }
        if (r)
            return r;
        i += an, j += bn;
    }
    if (i >= alen && j >= blen)
        return 0;
    return i >= alen ? -1 : 1;
}

int version_valid_rpm(const char *v)
{
    rpm_evr parsed;
    return rpm_parse(v, &parsed);
}

int version_cmp_rpm(const char *a, const char *b, int *out)
{
    rpm_evr va, vb;
    if (rpm_parse(a, &va) != VG_OK || rpm_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    int r = version_digits_cmp(va.epoch, va.elen, vb.epoch, vb.elen);
    if (!r)
        r = rpm_vercmp(va.version, va.vlen, vb.version, vb.vlen);
    if (!r) {
        if (va.release && vb.release)
            r = rpm_vercmp(va.release, va.rlen, vb.release, vb.rlen);
        else
            r = (va.release != NULL) - (vb.release != NULL);
    }
    *out = r;
    return VG_OK;
}
