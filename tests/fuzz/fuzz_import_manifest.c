/*
 * fuzz_import_manifest.c — libFuzzer target for vg_store_manifest_parse()
 * (store.h), one line of the `vigil inventory import` manifest.  An accepted
 * line has a non-empty asset and sbom, at most VG_STORE_MANIFEST_MAX_TAGS
 * tags with names and values, and a time (when given) between 1970 and the
 * end of 9999; a refused one says why and holds nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_store_manifest_entry e;
    int rc = vg_store_manifest_parse(&ctx, (const char *)data, size, &e);
    if (rc != VG_OK) {
        if (!ctx.message[0] || e.json || e.asset || e.ntags)
            abort();
    } else {
        if (!e.asset || !*e.asset || !e.sbom || !*e.sbom || e.ntags > VG_STORE_MANIFEST_MAX_TAGS ||
            (e.has_time && (e.time < 0 || e.time > 253402300799LL)))
            abort();
        for (size_t i = 0; i < e.ntags; i++)
            if (!e.tags[i].key || !*e.tags[i].key || !e.tags[i].value)
                abort();
    }
    vg_store_manifest_entry_free(&e);
    vg_ctx_free(&ctx);
    return 0;
}
