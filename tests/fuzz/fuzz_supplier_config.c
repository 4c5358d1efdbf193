/*
 * fuzz_supplier_config.c — libFuzzer target for the [supplier] table of
 * vigil.toml as `vigil supplier risk` reads it (vg_supplier_risk_config(),
 * src/supplier/score.c): the TOML reader, its conversion to JSON and the
 * checks of every key and value.  An accepted table must be an object
 * that a second reading of its own keys accepts too.  Seeds in
 * corpus/supplier_config/.
 */
#include <stdint.h>
#include <string.h>

#include "vigil/supplier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *config = NULL;
    int rc = vg_supplier_risk_config(&ctx, "fuzz.toml", (const char *)data, size, &config);
    if (rc == VG_OK && config && !json_is_object(config))
        __builtin_trap();
    if (rc != VG_OK && (config || !ctx.message[0]))
        __builtin_trap(); /* an error always says why, and leaves nothing */
    json_decref(config);
    vg_ctx_free(&ctx);
    return 0;
}
