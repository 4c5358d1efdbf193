/*
 * fuzz_policy_catalogue.c — libFuzzer target for vg_catalogue_parse()
 * (vigil/policy.h, "The control catalogue").  A refused document must say
 * why, naming the file, and leave no catalogue; an accepted one must hold
 * together: every entry found by its id, parents before children, the
 * child and sibling links visiting every entry once, the NIS2 points of
 * annex entries nis2 entries.  Then vg_catalogue_report() runs on it,
 * without and with a rule naming the first and the last entry, so the
 * coverage count (through the annex's NIS2 points too) sees hostile trees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/policy.h"

/* Entries under parent (NULL: the tops), checked; how many. */
static size_t walk(const vg_catalogue *cat, const vg_control *parent)
{
    size_t n = 0;
    for (const vg_control *c = vg_catalogue_children(cat, parent); c; c = c->next_sibling) {
        if (c->parent != parent || vg_catalogue_find(cat, c->id) != c || vg_catalogue_at(cat, c->index) != c ||
            (parent && (parent->index >= c->index || c->depth != parent->depth + 1 ||
                        strcmp(parent->framework, c->framework) != 0)) ||
            c->depth > VG_CATALOGUE_MAX_DEPTH || !vg_catalogue_source_of(cat, c->framework))
            abort();
        for (size_t k = 0; k < c->nnis2; k++)
            if (strcmp(c->nis2[k]->framework, "nis2") != 0)
                abort();
        n += 1 + walk(cat, c);
    }
    return n;
}

static void report(const vg_catalogue *cat)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    size_t n = vg_catalogue_count(cat);
    json_t *doc = NULL, *rules = json_pack("[{sss[ss]ssss}]", "id", "r", "requirements",
                                           vg_catalogue_at(cat, 0)->id, vg_catalogue_at(cat, n - 1)->id, "pack", "p",
                                           "file", "r.lua");
    if (!rules)
        abort();
    for (int with = 0; with < 2; with++) {
        int rc = vg_catalogue_report(&ctx, cat, NULL, 0, with ? rules : NULL, &doc);
        if (rc == VG_OK) {
            const json_t *summary = json_object_get(doc, "summary");
            if (json_array_size(json_object_get(doc, "requirements")) != n ||
                json_integer_value(json_object_get(summary, "covered")) > json_integer_value(json_object_get(summary, "leaves")))
                abort();
        } else if (rc != VG_ERR_NOMEM) {
            abort();
        }
        json_decref(doc);
    }
    json_decref(rules);
    vg_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_catalogue *cat = NULL;
    int rc = vg_catalogue_parse(&ctx, "fuzz.json", (const char *)data, size, &cat);
    if (rc == VG_OK) {
        if (!cat || walk(cat, NULL) != vg_catalogue_count(cat))
            abort();
        report(cat);
    } else if (cat || strncmp(ctx.message, "fuzz.json: ", 11) != 0) {
        if (rc != VG_ERR_NOMEM)
            abort();
    }
    vg_catalogue_free(cat);
    vg_ctx_free(&ctx);
    return 0;
}
