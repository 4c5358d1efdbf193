/*
 * cataloger_fuzz.h — shared body of the fuzz targets that feed one input
 * file to one cataloger (fuzz_dpkg_status.c, fuzz_apk_installed.c,
 * fuzz_osrelease.c): begin, collect the data under a fixed path, finish,
 * finalize the inventory, free everything.  Only crashes, sanitizer reports
 * and leaks count as failures; warnings are expected for most inputs.
 */
#ifndef VIGIL_FUZZ_CATALOGER_FUZZ_H
#define VIGIL_FUZZ_CATALOGER_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/catalog.h"

/* Runs cataloger cat once, handing it data as the file at each of the
 * npaths paths in turn (so one input also exercises the cataloger's other
 * file kinds), then finish(). */
static inline int fuzz_one_cataloger(const vg_cataloger *cat, const char *const *paths, size_t npaths,
                                     const uint8_t *data, size_t size)
{
    /* collect() may rely on the NUL the source appends */
    unsigned char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    copy[size] = '\0';

    vg_ctx ctx;
    vg_inventory inv;
    vg_ctx_init(&ctx);
    vg_inventory_init(&inv);
    vg_catalog_run run = {.ctx = &ctx, .inv = &inv, .arena = &inv.arena};
    void *state = cat->begin(&run);
    int rc = state ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < npaths && rc == VG_OK; i++) {
        vg_file file = {.path = paths[i], .data = copy, .size = size, .layer = -1};
        size_t len = strlen(paths[i]);
        const char *slash = strrchr(paths[i], '/');
        size_t base = slash ? (size_t)(slash - paths[i]) + 1 : 0;
        if (!cat->wants(paths[i], len, base))
            abort(); /* the harness's own paths must be wanted */
        if (size <= cat->max_size)
            rc = cat->collect(&run, state, &file);
    }
    if (rc == VG_OK && cat->finish(&run, state) == VG_OK)
        (void)vg_inventory_finalize(&ctx, &inv);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    free(copy);
    return 0;
}

#endif
