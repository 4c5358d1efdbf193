/*
 * fuzz_chisel.c — libFuzzer target for the chisel cataloger: each input is
 * handed to it as var/lib/chisel/manifest.wall twice, as it is (zstd
 * frames or anything else) and compressed with zstd, so that mutations of
 * the jsonwall text inside reach the manifest parser behind the
 * decompressor.  Seeds in corpus/chisel/: jsonwall texts and a compressed
 * manifest.
 */
#include <zstd.h>

#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_chisel;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"var/lib/chisel/manifest.wall"};
    fuzz_one_cataloger(&vg_cataloger_chisel, paths, 1, data, size);
    size_t bound = ZSTD_compressBound(size);
    void *z = malloc(bound);
    if (!z)
        return 0;
    size_t n = ZSTD_compress(z, bound, data, size, 1);
    if (!ZSTD_isError(n))
        fuzz_one_cataloger(&vg_cataloger_chisel, paths, 1, z, n);
    free(z);
    return 0;
}
