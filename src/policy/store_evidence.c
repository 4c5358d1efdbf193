/*
 * store_evidence.c — the inventory of a store as one evidence document of
 * kind "inventory" (vigil/policy.h, vg_policy_evidence_add_store()).
 *
 * data = {"store": the URL without its passwords, "backend": "sqlite" or
 * "postgresql", "assets": [each asset of vg_store_list() — name, kind,
 * owner, environment, tags, created, snapshots, open_findings, latest
 * (its latest snapshot: number, created, version label, digests,
 * component and finding counts) — with "findings": the finding_list of
 * vg_store_show() of that snapshot (id, purl, name, version, severity,
 * score, fix_state, fixed_versions, kev, suppressed, first_seen, fixed)]}.
 * The document has no bytes of its own: its sha256 and size are those of
 * data written as compact JSON with sorted keys (jansson's json_dumps),
 * the same store giving the same digest.  Leaves out: components (the
 * SBOM documents say them), older snapshots, fixed findings.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "vigil/digest.h"
#include "vigil/policy.h"
#include "vigil/store.h"

/* Each asset of the list with the open findings of its latest snapshot. */
static int add_findings(vg_ctx *ctx, vg_store *store, json_t *assets)
{
    size_t i;
    json_t *asset;
    json_array_foreach(assets, i, asset)
    {
        json_t *findings = NULL;
        if (json_is_object(json_object_get(asset, "latest"))) {
            /* NAME@latest: a name may hold '@' itself */
            const char *name = json_string_value(json_object_get(asset, "name"));
            size_t size = strlen(name) + sizeof "@latest";
            char *ref = malloc(size);
            if (!ref)
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            snprintf(ref, size, "%s@latest", name);
            json_t *snapshot;
            int rc = vg_store_show(ctx, store, ref, &snapshot);
            free(ref);
            if (rc)
                return rc;
            findings = json_incref(json_object_get(snapshot, "finding_list"));
            json_decref(snapshot);
        }
        if (json_object_set_new(asset, "findings", findings ? findings : json_array()))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    return VG_OK;
}

int vg_policy_evidence_add_store(vg_ctx *ctx, vg_policy_evidence *ev, vg_store *store, const char *url)
{
    char name[1024];
    vg_store_redact_url(url, name, sizeof name);
    json_t *assets;
    int rc = vg_store_list(ctx, store, &assets);
    if (rc)
        return rc;
    if ((rc = add_findings(ctx, store, assets))) {
        json_decref(assets);
        return rc;
    }
    json_t *data = json_pack("{s:s, s:s, s:o}", "store", name, "backend", vg_store_backend(store), "assets", assets);
    char *canonical = data ? json_dumps(data, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    if (!canonical) {
        json_decref(data);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    }
    vg_file_digest digest;
    size_t size = strlen(canonical);
    rc = vg_digest_memory(ctx, canonical, size, VG_DIGEST_SHA256, &digest);
    free(canonical);
    if (rc) {
        json_decref(data);
        return rc;
    }
    policy_document d = {.kind = "inventory",
                         .format = "vigil",
                         .path = name,
                         .sha256 = digest.sha256,
                         .size = size,
                         .collected = policy_evidence_now(ev)};
    return policy_evidence_append_json(ctx, ev, &d, data);
}
