/*
 * binary_fuzz.h — shared body of the fuzz targets that hand one input to a
 * VG_CATALOG_EXECUTABLES cataloger as an executable file (fuzz_gobuildinfo.c,
 * fuzz_cargo_lock.c): the cataloger reads it only through read_at (here
 * vg_file_read_memory over the input), as the walk offers it a binary that
 * no cataloger loaded whole.  Only crashes, sanitizer reports and leaks count.
 */
#ifndef VIGIL_FUZZ_BINARY_FUZZ_H
#define VIGIL_FUZZ_BINARY_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/catalog.h"

/* read_at over the vg_file in handle, which holds the whole input. */
static inline long fuzz_read_backing(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    return vg_file_read_memory((const vg_file *)file->handle, offset, buf, len);
}

/* The input as file "usr/bin/app" (mode 0755) through read_at only. */
static inline void fuzz_one_binary(const vg_cataloger *cat, const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_inventory inv;
    vg_ctx_init(&ctx);
    vg_inventory_init(&inv);
    vg_catalog_run run = {.ctx = &ctx, .inv = &inv, .arena = &inv.arena};
    void *state = cat->begin(&run);
    /* data is NULL for a random-access cataloger: read_at reads the input
     * through a second vg_file that does carry it */
    vg_file backing = {.path = "usr/bin/app", .data = data, .size = size, .layer = -1};
    vg_file file = {.path = "usr/bin/app", .data = NULL, .size = size, .layer = -1, .mode = 0755,
                    .read_at = fuzz_read_backing, .handle = &backing};
    if (state && cat->collect(&run, state, &file) == VG_OK && cat->finish(&run, state) == VG_OK)
        (void)vg_inventory_finalize(&ctx, &inv);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
}

#endif
