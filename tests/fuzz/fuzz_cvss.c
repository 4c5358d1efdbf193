/*
 * fuzz_cvss.c — libFuzzer target for vg_cvss_score_vector() (cvss.h).
 *
 * Input: the bytes as a vector string (NUL-terminated copy, up to a little
 * above VG_CVSS_VECTOR_MAX).  Beyond "never crash", a vector that is
 * accepted must score within 0.0-10.0 in steps of 0.1 and carry a rating;
 * a refused one must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > VG_CVSS_VECTOR_MAX + 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_cvss_score score;
    int rc = vg_cvss_score_vector(&ctx, s, &score);
    if (rc == VG_OK) {
        double tenths = score.score * 10;
        long rounded = (long)(tenths + 0.5);
        if (score.score < 0 || score.score > 10 || !score.rating || tenths - rounded > 1e-6 ||
            rounded - tenths > 1e-6)
            abort();
    } else if (!ctx.message[0]) {
        abort();
    }
    vg_ctx_free(&ctx);
    free(s);
    return 0;
}
