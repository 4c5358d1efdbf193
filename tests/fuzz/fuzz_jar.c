/*
 * fuzz_jar.c — libFuzzer target for the java cataloger's archive reader:
 * each input is handed to it as app.war, read through read_at over memory
 * (as the walk does for large files), with nested archives, manifests and
 * pom.properties inside.  Seeds in corpus/jar/ (small real jars/wars).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/catalog.h"

extern const vg_cataloger vg_cataloger_java;

typedef struct fuzz_bytes {
    const uint8_t *data;
    size_t size;
} fuzz_bytes;

/* read_at over the input, through the handle (file->data stays NULL, as
 * for a file the walk did not load). */
static long read_input(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    const fuzz_bytes *in = file->handle;
    if (offset >= in->size)
        return 0;
    size_t n = in->size - (size_t)offset;
    if (n > len)
        n = len;
    memcpy(buf, in->data + offset, n);
    return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_inventory inv;
    vg_ctx_init(&ctx);
    vg_inventory_init(&inv);
    vg_catalog_run run = {.ctx = &ctx, .inv = &inv, .arena = &inv.arena};
    void *state = vg_cataloger_java.begin(&run);
    fuzz_bytes in = {data, size};
    vg_file file = {.path = "srv/app.war", .size = size, .layer = -1, .read_at = read_input, .handle = &in};
    int rc = state ? VG_OK : VG_ERR_NOMEM;
    if (rc == VG_OK)
        rc = vg_cataloger_java.collect(&run, state, &file);
    if (rc == VG_OK && vg_cataloger_java.finish(&run, state) == VG_OK)
        (void)vg_inventory_finalize(&ctx, &inv);
    else if (state)
        vg_cataloger_java.discard(state);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return 0;
}
