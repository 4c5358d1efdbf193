/*
 * fuzz_notify_payload.c — libFuzzer target for the payload of a notify job
 * (store_notify_payload_parse(), src/store/jobs.c): JSON any process may
 * have written into the job table.  An accepted payload names exactly one
 * sink, webhook with a URL or file with an absolute path, settings within
 * vg_notify_webhook()'s bounds, an absolute CA file or none, and a
 * delivery id with at most VG_STORE_NOTIFY_JOB_FINDINGS integer notices or
 * neither; a refused one says why and keeps nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    store_notify_payload p;
    int rc = store_notify_payload_parse(&ctx, (const char *)data, size, &p);
    if (rc != VG_OK && (!ctx.message[0] || p.root))
        abort();
    if (rc == VG_OK) {
        if (!p.url == !p.file || !p.sink || strcmp(p.sink, p.url ? "webhook" : "file") != 0)
            abort();
        if ((p.file && p.file[0] != '/') || (p.opts.ca_file && p.opts.ca_file[0] != '/'))
            abort();
        if (p.opts.max_attempts > VG_NOTIFY_ATTEMPTS_MAX || p.opts.timeout_ms > 3600000u ||
            p.opts.connect_timeout_ms > 3600000u || p.opts.delivery_id)
            abort();
        if (!p.delivery != !p.notices || json_array_size(p.notices) > VG_STORE_NOTIFY_JOB_FINDINGS)
            abort();
        for (size_t i = 0; i < json_array_size(p.notices); i++)
            if (!json_is_integer(json_array_get(p.notices, i)))
                abort();
        store_notify_payload_free(&p);
    }
    vg_ctx_free(&ctx);
    return 0;
}
