/*
 * fuzz_rpm_header.c — libFuzzer target for the RPM header blob parser
 * (src/catalog/rpm_header.c): the input is one header blob as stored in an
 * RPM package database (il, dl, index entries, data store).
 */
#include <stdint.h>
#include <string.h>

#include "catalog/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_arena arena;
    vg_arena_init(&arena);
    vg_rpm_header h;
    if (vg_rpm_header_parse(&ctx, &arena, data, size, &h) == VG_OK) {
        /* Touch every string the parser handed out. */
        size_t total = strlen(h.name) + strlen(h.version) + strlen(h.release);
        for (size_t i = 0; i < h.nfiles; i++)
            total += strlen(h.files[i]);
        (void)total;
    }
    vg_arena_free(&arena);
    vg_ctx_free(&ctx);
    return 0;
}
