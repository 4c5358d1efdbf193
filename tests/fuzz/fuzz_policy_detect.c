/*
 * fuzz_policy_detect.c — libFuzzer target for the typing of evidence
 * documents read as JSON and as YAML (vg_policy_evidence_add_bytes():
 * src/policy/detect.c, with vg_yaml_read()).  The input is added as a
 * JSON file and as a YAML file, with the kind the first byte picks forced
 * on it (none, a kind vigil detects, a collected kind).  An accepted input must be one
 * more document, numbered next, with the digest of the bytes and a kind;
 * a refused one must leave the set as it was and say why.  No keys:
 * bundles and envelopes go through the path that decodes an unverified
 * payload (fuzz_bundle.c fuzzes the verification itself).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/digest.h"
#include "vigil/policy.h"

static void add_one(vg_policy_evidence *ev, const char *kind, const char *name, const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const json_t *docs = vg_policy_evidence_documents(ev);
    size_t before = json_array_size(docs);
    int rc = vg_policy_evidence_add_bytes(&ctx, ev, kind, name, (const char *)data, size, 1700000000);
    if (rc != VG_OK) {
        if (json_array_size(docs) != before || !ctx.message[0])
            abort();
    } else {
        json_t *doc = json_array_get(docs, before);
        char id[32];
        snprintf(id, sizeof id, "e%zu", before + 1);
        vg_file_digest d;
        if (json_array_size(docs) != before + 1 || vg_digest_memory(&ctx, data, size, VG_DIGEST_SHA256, &d) != VG_OK ||
            strcmp(json_string_value(json_object_get(doc, "sha256")), d.sha256) != 0 ||
            strcmp(json_string_value(json_object_get(doc, "id")), id) != 0 ||
            !vg_policy_kind_valid(json_string_value(json_object_get(doc, "kind"))) ||
            (kind && strcmp(json_string_value(json_object_get(doc, "kind")), kind) != 0) ||
            json_object_get(doc, "data") || !vg_policy_evidence_data(ev, before))
            abort();
    }
    vg_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {NULL, NULL, "sbom", "attestation", "tls", "document"};
    const char *kind = size ? kinds[data[0] % (sizeof kinds / sizeof kinds[0])] : NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_evidence_options opts = {.now = 1700000000};
    vg_policy_evidence *ev;
    if (vg_policy_evidence_new(&ctx, &opts, &ev) != VG_OK)
        abort();
    add_one(ev, kind, "fuzz.json", data, size);
    add_one(ev, kind, "fuzz.yaml", data, size);
    vg_policy_evidence_free(ev);
    vg_ctx_free(&ctx);
    return 0;
}
