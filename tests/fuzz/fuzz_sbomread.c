/*
 * fuzz_sbomread.c — libFuzzer target for vg_sbom_read() (sbomread.h):
 * CycloneDX and SPDX JSON, nested components, purls of every shape.  An
 * accepted document gives a finalized inventory of kind VG_TARGET_SBOM
 * whose components all have a type and a name; a refused one says why.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/sbomread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    int rc = vg_sbom_read(&ctx, "fuzz.json", (const char *)data, size, &inv);
    if (rc != VG_OK && !ctx.message[0])
        abort();
    if (rc == VG_OK) {
        if (inv.target.kind != VG_TARGET_SBOM || !inv.target.digest)
            abort();
        for (size_t i = 0; i < inv.ncomponents; i++)
            if (!inv.components[i]->type || !inv.components[i]->name || !inv.components[i]->bom_ref)
                abort();
    }
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return 0;
}
