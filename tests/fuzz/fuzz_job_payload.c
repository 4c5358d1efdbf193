/*
 * fuzz_job_payload.c — libFuzzer target for the payload of an ingest job
 * (store_ingest_payload_parse(), src/store/jobs.c): JSON any process may
 * have written into the job table.  An accepted payload has a time, at
 * most STORE_JOB_MAX_TAGS tags with keys and values, a distro with an id
 * when it has one, a known target kind or none; a refused one says why.
 */
#include <stdint.h>
#include <stdlib.h>

#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    store_ingest_payload p;
    int rc = store_ingest_payload_parse(&ctx, (const char *)data, size, &p);
    if (rc != VG_OK && (!ctx.message[0] || p.root))
        abort();
    if (rc == VG_OK) {
        if (p.in.time < 0 || p.in.ntags > STORE_JOB_MAX_TAGS || p.in.tags != p.tags)
            abort();
        for (size_t i = 0; i < p.in.ntags; i++)
            if (!p.tags[i].key || !p.tags[i].value)
                abort();
        if (p.has_distro && (!p.distro.id || !*p.distro.id))
            abort();
        if (p.target_kind && (p.target_kind < VG_TARGET_DIRECTORY || p.target_kind > VG_TARGET_SBOM))
            abort();
        store_ingest_payload_free(&p);
    }
    vg_ctx_free(&ctx);
    return 0;
}
