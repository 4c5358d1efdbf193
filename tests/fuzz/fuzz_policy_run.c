/*
 * fuzz_policy_run.c — libFuzzer target for store_policy_parse()
 * (src/store/policy_history.c): a policy results document that `vigil
 * policy history --import` reads from any file before keeping it.  An
 * accepted document has a time after 1970, at most the bounded numbers of
 * results and requirements, every result with a rule, a resource, a known
 * status and the fingerprint of its rule and resource, no two results of
 * one rule and resource, counts that add up to the results; a refused one
 * says why and holds nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    store_policy_run run;
    int rc = store_policy_parse(&ctx, "fuzz.json", (const char *)data, size, &run);
    if (rc != VG_OK) {
        if (!ctx.message[0] || run.root || run.results || run.requirements)
            abort();
    } else {
        int64_t total = 0;
        for (int i = 0; i < STORE_POLICY_COUNTS - 1; i++)
            total += run.counts[i];
        if (run.time <= 0 || total != (int64_t)run.nresults || run.nresults > VG_STORE_POLICY_MAX_RESULTS ||
            run.nrequirements > VG_STORE_POLICY_MAX_REQUIREMENTS || run.counts[STORE_POLICY_COUNTS - 1] > total)
            abort();
        for (size_t i = 0; i < run.nresults; i++) {
            const store_policy_result *r = &run.results[i];
            if (!r->rule || !*r->rule || !r->resource || !*r->resource || !r->status ||
                (i && memcmp(run.results[i - 1].fingerprint, r->fingerprint, 32) >= 0))
                abort();
        }
        for (size_t i = 0; i < run.nrequirements; i++)
            if (!run.requirements[i].id || !run.requirements[i].rules || strchr(run.requirements[i].id, ' '))
                abort();
        store_policy_run_free(&run);
    }
    vg_ctx_free(&ctx);
    return 0;
}
