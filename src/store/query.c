/*
 * query.c — reading the store: the asset list, one snapshot with its
 * components and findings, and the stored SBOM given back byte for byte
 * (docs/store.md, "Queries").
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int store_resolve_ref(vg_ctx *ctx, vg_store *store, const char *ref, int64_t *asset_id, int64_t *snapshot_id)
{
    char name[1024];
    const char *at = strrchr(ref, '@');
    size_t n = at ? (size_t)(at - ref) : strlen(ref);
    if (n == 0 || n >= sizeof name)
        return vg_error(ctx, VG_ERR_USAGE, "%s: expected ASSET, ASSET@N, ASSET@LABEL or ASSET@latest", ref);
    memcpy(name, ref, n);
    name[n] = '\0';
    const char *which = at ? at + 1 : "latest";
    int numeric = *which && strspn(which, "0123456789") == strlen(which);
    const char *sql = strcmp(which, "latest") == 0
                          ? "SELECT a.id, a.latest_snapshot FROM asset a WHERE a.name = ?"
                      : numeric ? "SELECT a.id, s.id FROM asset a LEFT JOIN snapshot s ON s.asset_id = a.id AND s.seq = ?"
                                  " WHERE a.name = ?"
                                : "SELECT a.id, (SELECT max(s.id) FROM snapshot s WHERE s.asset_id = a.id AND"
                                  " s.version_label = ?) FROM asset a WHERE a.name = ?";
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, sql, &st);
    if (rc)
        return rc;
    if (strcmp(which, "latest") == 0) {
        vg_db_bind_text(st, 1, name);
    } else {
        if (numeric)
            vg_db_bind_int(st, 1, strtoll(which, NULL, 10));
        else
            vg_db_bind_text(st, 1, which);
        vg_db_bind_text(st, 2, name);
    }
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        *asset_id = vg_db_column_int(st, 0);
        *snapshot_id = vg_db_column_int(st, 1);
        rc = *snapshot_id ? VG_OK
                          : vg_error(ctx, VG_ERR_NOT_FOUND, "%s: asset %s has no snapshot %s (see vigil inventory show %s)",
                                     vg_db_name(store->db), name, which, name);
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s (see vigil inventory list)", vg_db_name(store->db),
                      name);
    }
    vg_db_finalize(st);
    return rc;
}

/* {"seq", "created", ...} of the snapshot row read by snapshot_columns. */
#define SNAPSHOT_COLUMNS                                                                                              \
    "s.seq, s.created_at, s.version_label, s.source, s.target_kind, s.target_digest, s.os, s.sbom_digest, "      \
    "s.db_time, s.matched_at, s.components, s.findings, s.unchecked, s.distro"

static json_t *snapshot_json(vg_db_stmt *st, int c)
{
    json_t *o = json_object();
    json_object_set_new(o, "snapshot", json_integer(vg_db_column_int(st, c)));
    json_object_set_new(o, "created", store_json_time(vg_db_column_int(st, c + 1)));
    json_object_set_new(o, "version", store_json_text(vg_db_column_text(st, c + 2)));
    json_object_set_new(o, "source", store_json_text(vg_db_column_text(st, c + 3)));
    json_object_set_new(o, "target_kind", store_json_text(vg_db_column_text(st, c + 4)));
    json_object_set_new(o, "target_digest", store_json_text(vg_db_column_text(st, c + 5)));
    json_object_set_new(o, "os", store_json_text(vg_db_column_text(st, c + 6)));
    json_object_set_new(o, "sbom_digest", store_json_text(vg_db_column_text(st, c + 7)));
    json_object_set_new(o, "db_time", store_json_time(vg_db_column_int(st, c + 8)));
    json_object_set_new(o, "matched", store_json_time(vg_db_column_int(st, c + 9)));
    json_object_set_new(o, "components", json_integer(vg_db_column_int(st, c + 10)));
    json_object_set_new(o, "findings", json_integer(vg_db_column_int(st, c + 11)));
    json_object_set_new(o, "unchecked", json_integer(vg_db_column_int(st, c + 12)));
    json_object_set_new(o, "distro", store_json_text(vg_db_column_text(st, c + 13)));
    return o;
}

static int asset_tags(vg_ctx *ctx, vg_store *store, int64_t asset_id, json_t *into)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT key, value FROM asset_tag WHERE asset_id = ? ORDER BY key", &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, asset_id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
        json_object_set_new(into, vg_db_column_text(st, 0), json_string(vg_db_column_text(st, 1)));
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

int vg_store_list(vg_ctx *ctx, vg_store *store, json_t **out)
{
    *out = NULL;
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT a.id, a.name, a.kind, a.owner, a.environment, a.created_at,"
                           " (SELECT count(*) FROM snapshot x WHERE x.asset_id = a.id),"
                           " (SELECT count(*) FROM finding f WHERE f.asset_id = a.id AND f.fixed_at IS NULL), " SNAPSHOT_COLUMNS
                           " FROM asset a LEFT JOIN snapshot s ON s.id = a.latest_snapshot ORDER BY a.name",
                           &st);
    if (rc)
        return rc;
    json_t *list = json_array();
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        json_t *a = json_object(), *tags = json_object();
        json_object_set_new(a, "name", json_string(vg_db_column_text(st, 1)));
        json_object_set_new(a, "kind", store_json_text(vg_db_column_text(st, 2)));
        json_object_set_new(a, "owner", store_json_text(vg_db_column_text(st, 3)));
        json_object_set_new(a, "environment", store_json_text(vg_db_column_text(st, 4)));
        json_object_set_new(a, "created", store_json_time(vg_db_column_int(st, 5)));
        json_object_set_new(a, "snapshots", json_integer(vg_db_column_int(st, 6)));
        json_object_set_new(a, "open_findings", json_integer(vg_db_column_int(st, 7)));
        json_object_set_new(a, "latest", vg_db_column_null(st, 8) ? json_null() : snapshot_json(st, 8));
        json_object_set_new(a, "tags", tags);
        json_array_append_new(list, a);
        if ((rc = asset_tags(ctx, store, vg_db_column_int(st, 0), tags)) != VG_OK)
            break;
    }
    vg_db_finalize(st);
    if (rc != VG_DB_DONE) {
        json_decref(list);
        return rc ? rc : VG_ERR_IO;
    }
    *out = list;
    return VG_OK;
}

int vg_store_show(vg_ctx *ctx, vg_store *store, const char *ref, json_t **out)
{
    *out = NULL;
    int64_t asset_id, snapshot_id;
    int rc = store_resolve_ref(ctx, store, ref, &asset_id, &snapshot_id);
    if (rc)
        return rc;
    vg_db_stmt *st;
    if ((rc = store_prepare(ctx, store,
                            "SELECT a.name, a.kind, a.owner, a.environment, " SNAPSHOT_COLUMNS
                            " FROM snapshot s JOIN asset a ON a.id = s.asset_id WHERE s.id = ?",
                            &st)))
        return rc;
    vg_db_bind_int(st, 1, snapshot_id);
    json_t *o = NULL;
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        o = snapshot_json(st, 4);
        json_object_set_new(o, "asset", json_string(vg_db_column_text(st, 0)));
        json_object_set_new(o, "kind", store_json_text(vg_db_column_text(st, 1)));
        json_object_set_new(o, "owner", store_json_text(vg_db_column_text(st, 2)));
        json_object_set_new(o, "environment", store_json_text(vg_db_column_text(st, 3)));
        rc = VG_OK;
    }
    vg_db_finalize(st);
    if (!o)
        return rc ? rc : VG_ERR_IO;
    json_t *tags = json_object(), *components = json_array(), *findings = json_array();
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "component_list", components);
    json_object_set_new(o, "finding_list", findings);
    if ((rc = asset_tags(ctx, store, asset_id, tags)))
        goto fail;
    if ((rc = store_prepare(ctx, store,
                            "SELECT c.purl, c.type, c.name, c.version, c.licenses, c.supplier, c.hashes, l.layer,"
                            " l.coverage FROM snapshot s JOIN component_span l ON " STORE_SPAN_IN("l", "s")
                            " JOIN component c ON c.id = l.component_id"
                            " WHERE s.id = ? ORDER BY c.type, c.name, c.version, c.purl",
                            &st)))
        goto fail;
    vg_db_bind_int(st, 1, snapshot_id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        json_t *c = json_object();
        json_object_set_new(c, "purl", store_json_text(vg_db_column_text(st, 0)));
        json_object_set_new(c, "type", store_json_text(vg_db_column_text(st, 1)));
        json_object_set_new(c, "name", store_json_text(vg_db_column_text(st, 2)));
        json_object_set_new(c, "version", store_json_text(vg_db_column_text(st, 3)));
        json_object_set_new(c, "licenses", store_json_text(vg_db_column_text(st, 4)));
        json_object_set_new(c, "supplier", store_json_text(vg_db_column_text(st, 5)));
        json_object_set_new(c, "hashes", store_json_text(vg_db_column_text(st, 6)));
        json_object_set_new(c, "layer", vg_db_column_null(st, 7) ? json_null() : json_integer(vg_db_column_int(st, 7)));
        json_object_set_new(c, "coverage",
                            json_string(vg_coverage_status_name((vg_coverage_status)vg_db_column_int(st, 8))));
        json_array_append_new(components, c);
    }
    vg_db_finalize(st);
    if (rc != VG_DB_DONE)
        goto fail;
    if ((rc = store_prepare(ctx, store,
                            "SELECT f.vuln, c.purl, c.name, c.version, x.severity, x.score, x.fix_state, x.fixed_versions,"
                            " x.kev, x.suppressed, f.first_seen, f.fixed_at FROM snapshot s"
                            " JOIN finding_span x ON " STORE_SPAN_IN("x", "s")
                            " JOIN finding f ON f.id = x.finding_id JOIN component c ON c.id = x.component_id"
                            " WHERE s.id = ? ORDER BY f.vuln, c.purl",
                            &st)))
        goto fail;
    vg_db_bind_int(st, 1, snapshot_id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        json_t *f = json_object();
        json_object_set_new(f, "id", json_string(vg_db_column_text(st, 0)));
        json_object_set_new(f, "purl", store_json_text(vg_db_column_text(st, 1)));
        json_object_set_new(f, "name", store_json_text(vg_db_column_text(st, 2)));
        json_object_set_new(f, "version", store_json_text(vg_db_column_text(st, 3)));
        json_object_set_new(f, "severity", json_string(vg_db_column_text(st, 4)));
        json_object_set_new(f, "score", vg_db_column_null(st, 5) ? json_null() : json_real(strtod(vg_db_column_text(st, 5), NULL)));
        json_object_set_new(f, "fix_state", json_string(vg_db_column_text(st, 6)));
        json_object_set_new(f, "fixed_versions", store_json_text(vg_db_column_text(st, 7)));
        json_object_set_new(f, "kev", json_boolean(vg_db_column_int(st, 8)));
        json_object_set_new(f, "suppressed", json_boolean(vg_db_column_int(st, 9)));
        json_object_set_new(f, "first_seen", store_json_time(vg_db_column_int(st, 10)));
        json_object_set_new(f, "fixed", store_json_time(vg_db_column_int(st, 11)));
        json_array_append_new(findings, f);
    }
    vg_db_finalize(st);
    if (rc != VG_DB_DONE)
        goto fail;
    if ((rc = store_prepare(ctx, store,
                            "SELECT digest, verified, detail FROM snapshot_attestation WHERE snapshot_id = ? ORDER BY digest",
                            &st)))
        goto fail;
    json_t *atts = json_array();
    json_object_set_new(o, "attestations", atts);
    vg_db_bind_int(st, 1, snapshot_id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        int64_t v = vg_db_column_int(st, 1);
        json_array_append_new(atts, json_pack("{s:s, s:s, s:o}", "digest", vg_db_column_text(st, 0), "verified",
                                              v > 0 ? "verified" : v == 0 ? "failed" : "not-checked", "detail",
                                              store_json_text(vg_db_column_text(st, 2))));
    }
    vg_db_finalize(st);
    if (rc != VG_DB_DONE)
        goto fail;
    *out = o;
    return VG_OK;
fail:
    json_decref(o);
    return rc ? rc : VG_ERR_IO;
}

int vg_store_export(vg_ctx *ctx, vg_store *store, const char *ref, vg_buf *out, char *media_type,
                    size_t media_type_size, char *digest, size_t digest_size)
{
    vg_buf_init(out, VG_STORE_MAX_DOCUMENT);
    int64_t asset_id, snapshot_id;
    int rc = store_resolve_ref(ctx, store, ref, &asset_id, &snapshot_id);
    if (rc)
        return rc;
    vg_db_stmt *st;
    if ((rc = store_prepare(ctx, store, "SELECT sbom_digest FROM snapshot WHERE id = ?", &st)))
        return rc;
    vg_db_bind_int(st, 1, snapshot_id);
    char d[128] = "";
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
        snprintf(d, sizeof d, "%s", vg_db_column_text(st, 0));
    vg_db_finalize(st);
    if (!d[0])
        return rc == VG_DB_DONE ? vg_error(ctx, VG_ERR_NOT_FOUND, "%s: snapshot vanished", ref) : rc;
    if (digest)
        snprintf(digest, digest_size, "%s", d);
    return store_document_get(ctx, store, d, out, media_type, media_type_size);
}
