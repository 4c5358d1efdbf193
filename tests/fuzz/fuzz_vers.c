/*
 * fuzz_vers.c — libFuzzer target for the vers range parser (vers.h).
 *
 * Input: the first byte picks the versioning scheme (one of version.h's,
 * or none), the rest is split at '\n': a range, then up to 8 versions.
 * Beyond "never crash": a range that parses and checks is sorted (each
 * constraint's version orders after the one before it), its canonical
 * text (vg_vers_format) parses and checks again to the same constraints,
 * and both give the same answer for every version; a version the
 * comparator cannot read is an error from vg_vers_contains, never an
 * answer.  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vers.h"

#define MAX_VERSIONS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 2 * VG_VERS_MAX_LEN)
        return 0;
    vg_version_scheme scheme = (vg_version_scheme)(data[0] % 12); /* 0: none */
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    const char *nl = memchr(text, '\n', len);
    size_t rlen = nl ? (size_t)(nl - text) : len;

    static vg_vers r, again;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (vg_vers_parse(&ctx, text, rlen, &r) != VG_OK || vg_vers_check(&ctx, &r, scheme) != VG_OK) {
        vg_ctx_free(&ctx);
        return 0;
    }
    for (size_t i = 1; scheme && i < r.n; i++) {
        int c = 0;
        if (vg_version_compare_scheme(scheme, r.constraints[i - 1].version, r.constraints[i].version, &c) != VG_OK ||
            c >= 0)
            abort();
    }
    static char canonical[VG_VERS_MAX_LEN * 3 + 64];
    vg_vers_format(&r, "x", canonical, sizeof canonical);
    if (strlen(canonical) < sizeof canonical - 1) { /* not truncated */
        if (vg_vers_parse(&ctx, canonical, strlen(canonical), &again) != VG_OK ||
            vg_vers_check(&ctx, &again, scheme) != VG_OK || again.n != r.n || again.star != r.star)
            abort();
        for (size_t i = 0; i < r.n; i++)
            if (again.constraints[i].op != r.constraints[i].op ||
                strcmp(again.constraints[i].version, r.constraints[i].version) != 0)
                abort();
    }
    static char version[VG_VERSION_MAX_LEN + 64];
    const char *p = nl ? nl + 1 : text + len;
    for (int k = 0; k < MAX_VERSIONS && p < text + len; k++) {
        const char *e = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(text + len - p);
        if (n >= sizeof version)
            n = sizeof version - 1;
        memcpy(version, p, n);
        version[n] = '\0';
        p = e ? e + 1 : text + len;
        if (strlen(version) != n)
            continue; /* a NUL inside: not a C string */
        int in = -1, in2 = -1;
        int rc = vg_vers_contains(&r, scheme, version, &in);
        if (rc == VG_OK && in != 0 && in != 1)
            abort();
        if (rc != VG_OK && in != -1)
            abort();
        int exact = 0;
        for (size_t i = 0; i < r.n; i++)
            exact |= strcmp(r.constraints[i].version, version) == 0;
        if (rc != VG_OK && (r.star || exact || !scheme || vg_version_valid_scheme(scheme, version) == VG_OK))
            abort(); /* only an unreadable version may be unanswered */
        if (strlen(canonical) < sizeof canonical - 1) {
            int rc2 = vg_vers_contains(&again, scheme, version, &in2);
            if (rc2 != rc || in2 != in)
                abort();
        }
    }
    vg_ctx_free(&ctx);
    return 0;
}
