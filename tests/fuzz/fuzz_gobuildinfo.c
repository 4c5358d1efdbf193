/*
 * fuzz_gobuildinfo.c — the golang cataloger on arbitrary bytes: as an
 * executable read through read_at (ELF/Mach-O/PE headers, the Go build info
 * blob in both layouts, the module info text), and as go.mod and go.sum.
 * Seeds (corpus/gobuildinfo/): small ELF files with Go 1.18+ and pre-1.18
 * build info crafted from the documented layout, a Mach-O and a PE image
 * likewise, a go.mod and a go.sum.
 */
#include "binary_fuzz.h"
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_golang;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one_binary(&vg_cataloger_golang, data, size);
    static const char *const paths[] = {"src/go.mod", "src/go.sum"};
    return fuzz_one_cataloger(&vg_cataloger_golang, paths, 2, data, size);
}
