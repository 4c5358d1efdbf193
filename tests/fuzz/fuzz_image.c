/*
 * fuzz_image.c — libFuzzer target for the archive source (src/source/image.c,
 * tree.c): the input is written to a file and scanned with vg_scan() as a
 * target, so it goes through kind detection, tar/gzip/xz/zstd decoding,
 * the file view (whiteouts only apply to images), symlink resolution and the
 * catalogers, or, when it holds manifest.json / oci-layout, through the
 * image path.  Small limits keep every run fast.  Seeds in corpus/image/:
 * tiny rootfs tarballs (plain, gzip), a docker archive and an OCI tar made
 * by tests/tools/mkimage.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/source.h"

/* Writes data to a private temporary file, the same one for every run. */
static const char *input_file(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/vigil-fuzz-image-%ld", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = input_file(data, size);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_scan_options opts = {.max_file_size = 1 << 20, .max_total_size = 64 << 20};
    int rc = vg_scan(&ctx, path, &opts, &inv);
    if (rc != VG_OK && !ctx.message[0])
        abort(); /* every error says what went wrong */
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    unlink(path);
    return 0;
}
