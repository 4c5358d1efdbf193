/*
 * fuzz_policy_packs.c — libFuzzer target for the built-in rule packs
 * (policy/nis2, cra, hardening, licences) run by vg_policy_evaluate() on
 * random evidence.
 *
 * The first byte holds flags, the rest is a JSON value:
 *  bit 0  the documents are "verified" (as --key would mark a bundle);
 *  bit 1  a JSON array is cut into one document per member, the kinds
 *         taken in turn, instead of one document of every kind each
 *         holding the whole value.
 * Every rule of the four packs runs on every document of its kinds.  A
 * rule may give any status, error included (a rule stopped by a limit or
 * reading evidence it does not understand); what must not happen is a
 * crash, a sanitizer report, or vg_policy_evaluate() failing on evidence.
 * Seeds (corpus/policy_packs/): cut-down documents of each kind as vigil
 * writes them (scan, CycloneDX and SPDX SBOMs, OpenVEX, an in-toto
 * statement, an inventory).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/policy.h"

static const char *const kinds[] = {"scan", "sbom", "vex", "attestation", "provenance", "inventory"};
#define NKINDS (sizeof kinds / sizeof *kinds)
#define MAX_DOCUMENTS 64

static vg_policy *packs(void)
{
    static vg_policy *p;
    if (p)
        return p;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_limits limits;
    vg_policy_limits_default(&limits);
    limits.memory = 32u * 1024 * 1024;
    limits.instructions = 20000000;
    static const char *const names[] = {"nis2", "cra", "hardening", "licences"};
    int rc = vg_policy_new(&ctx, &limits, &p);
    for (size_t i = 0; rc == VG_OK && i < sizeof names / sizeof *names; i++)
        rc = vg_policy_add_pack(&ctx, p, names[i]);
    if (rc != VG_OK) {
        fprintf(stderr, "fuzz_policy_packs: loading the built-in packs: %s\n", ctx.message);
        abort();
    }
    vg_ctx_free(&ctx);
    return p;
}

static int add_document(json_t *docs, const char *kind, json_t *data, int verified)
{
    char id[16], path[64];
    snprintf(id, sizeof id, "e%zu", json_array_size(docs) + 1);
    snprintf(path, sizeof path, "fuzz/%s-%zu.json", kind, json_array_size(docs) + 1);
    json_t *doc = json_pack("{sssssssssssIsssbsssO}", "id", id, "kind", kind, "format", "", "path", path, "sha256",
                            "0000000000000000000000000000000000000000000000000000000000000000", "size",
                            (json_int_t)0, "collected", "2025-08-27T00:00:00Z", "verified", verified,
                            "verification", "fuzz", "data", data);
    return doc ? json_array_append_new(docs, doc) : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int verified = data[0] & 1, split = data[0] & 2;
    json_t *value = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!value)
        return 0;
    json_t *docs = json_array();
    if (!docs)
        abort();
    if (split && json_is_array(value) && json_array_size(value) > 0) {
        size_t i;
        json_t *member;
        json_array_foreach(value, i, member) {
            if (i == MAX_DOCUMENTS)
                break;
            if (add_document(docs, kinds[i % NKINDS], member, verified))
                abort();
        }
    } else {
        for (size_t k = 0; k < NKINDS; k++)
            if (add_document(docs, kinds[k], value, verified))
                abort();
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_run_options o = {.now = 1756252800 /* 2025-08-27T00:00:00Z */, .tool_version = "fuzz", .jobs = 1};
    json_t *results = NULL, *doc;
    vg_policy_evidence *ev = NULL;
    size_t i;
    if (vg_policy_evidence_new(&ctx, NULL, &ev) != VG_OK)
        abort();
    json_array_foreach(docs, i, doc) if (vg_policy_evidence_add_document(&ctx, ev, doc) != VG_OK) abort();
    if (vg_policy_evaluate(&ctx, packs(), ev, &o, &results) != VG_OK) {
        fprintf(stderr, "fuzz_policy_packs: the run failed on evidence: %s\n", ctx.message);
        abort();
    }
    /* Every rule of the packs says something about the evidence. */
    if (json_array_size(json_object_get(results, "results")) < vg_policy_rule_count(packs()))
        abort();
    json_decref(results);
    vg_policy_evidence_free(ev);
    vg_ctx_free(&ctx);
    json_decref(docs);
    json_decref(value);
    return 0;
}
