/*
 * fuzz_sbomcheck.c — libFuzzer target for vg_sbomcheck_read() and
 * vg_sbomcheck_run() (sbomcheck.h): CycloneDX, SPDX 2 and SPDX 3 JSON of
 * any shape.  A refused document says why; an accepted one is judged, and
 * every result has a verdict, and every failing component is one of the
 * document's.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/sbomcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_sbomcheck_doc doc;
    int rc = vg_sbomcheck_read(&ctx, "fuzz.json", (const char *)data, size, &doc);
    if (rc != VG_OK && !ctx.message[0])
        abort();
    if (rc == VG_OK) {
        vg_sbomcheck_schema schema = {"not checked", 0};
        vg_sbomcheck_report rep;
        if (vg_sbomcheck_run(&ctx, &doc, &schema, &rep) == VG_OK)
            for (size_t i = 0; i < rep.nresults; i++) {
                if (rep.results[i].verdict < VG_SBOMCHECK_PASS || rep.results[i].verdict > VG_SBOMCHECK_NOT_CHECKED)
                    abort();
                for (size_t j = 0; j < rep.results[i].nfailing; j++)
                    if (rep.results[i].failing[j] >= doc.ncomponents)
                        abort();
            }
    }
    vg_sbomcheck_doc_free(&doc);
    vg_ctx_free(&ctx);
    return 0;
}
