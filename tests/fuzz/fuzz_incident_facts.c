/*
 * fuzz_incident_facts.c — libFuzzer target for vg_incident_classify()
 * (src/incident/significance.c; docs/incidents.md "Significance").
 *
 * Input: the bytes, up to 64 KiB, read as JSON by jansson's json_loadb
 * (duplicate names refused, as vigil reads facts files), classified as
 * the facts of an incident; the same facts also serve as one prior
 * incident of the register (Art. 4), a day earlier.  Beyond "never
 * crash": an accepted classification must say significant,
 * not-significant or undetermined and give criteria, each met, not-met or
 * unknown; a refused one must be VG_ERR_USAGE with a message and no
 * result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/incident.h"

#define FACTS_MAX (64 * 1024)
#define AWARE 1774958400 /* 2026-03-31T12:00:00Z */

static int one_of(const json_t *v, const char *a, const char *b, const char *c)
{
    const char *s = json_string_value(v);
    return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FACTS_MAX)
        return 0;
    json_error_t error;
    json_t *facts = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &error);
    if (!facts)
        return 0;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_incident_prior prior = {"prior", AWARE - 86400, facts};
    json_t *result = NULL;
    int rc = vg_incident_classify(&ctx, facts, AWARE, &prior, 1, &result);
    if (rc == VG_OK) {
        if (!one_of(json_object_get(result, "significance"), "significant", "not-significant", "undetermined"))
            abort();
        const json_t *criteria = json_object_get(result, "criteria");
        if (!json_array_size(criteria))
            abort();
        size_t i;
        const json_t *c;
        json_array_foreach(criteria, i, c) {
            if (!one_of(json_object_get(c, "result"), "met", "not-met", "unknown"))
                abort();
        }
    } else if (rc != VG_ERR_USAGE || result || !ctx.message[0]) {
        abort();
    }
    json_decref(result);
    json_decref(facts);
    vg_ctx_free(&ctx);
    return 0;
}
