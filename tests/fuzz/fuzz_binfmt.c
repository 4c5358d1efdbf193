/*
 * fuzz_binfmt.c — the ELF / Mach-O / PE header reader (src/catalog/binfmt.c)
 * on arbitrary bytes read through read_at: open, look sections up, read
 * every section and a few virtual addresses.  Seeds (corpus/binfmt/): small
 * crafted ELF (32/64-bit, both byte orders), Mach-O (thin and universal) and
 * PE32+ files.
 */
#include <stdlib.h>

#include "binary_fuzz.h"
#include "catalog/binfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_file backing = {.path = "bin/x", .data = data, .size = size, .layer = -1};
    vg_file file = {.path = "bin/x", .size = size, .layer = -1, .read_at = fuzz_read_backing, .handle = &backing};
    vg_binfmt bf;
    if (vg_binfmt_open(&ctx, &bf, &file) == VG_OK) {
        (void)vg_binfmt_section(&bf, NULL, ".go.buildinfo");
        (void)vg_binfmt_section(&bf, "__DATA", ".dep-v0");
        for (size_t i = 0; i < bf.nsections; i++) {
            unsigned char *buf;
            size_t len;
            if (vg_binfmt_read_section(&bf, &bf.sections[i], 1 << 16, &buf, &len) == VG_OK)
                free(buf);
            unsigned char small[64];
            size_t got;
            (void)vg_binfmt_read_addr(&bf, bf.sections[i].addr, small, sizeof small, &got);
            (void)vg_binfmt_read_addr(&bf, bf.sections[i].addr + bf.sections[i].size - 1, small, sizeof small, &got);
        }
    }
    vg_binfmt_close(&bf);
    vg_ctx_free(&ctx);
    return 0;
}
