/*
 * manifest.c — one line of the NDJSON manifest that `vigil inventory
 * import` reads (docs/store.md, "Bulk import"): one snapshot per line,
 *
 *   {"asset": "shop-api", "version": "1.4.2", "sbom": "sboms/shop-1.4.2.cdx.json",
 *    "tags": {"team": "payments"}, "time": "2026-11-30T08:00:00Z"}
 *
 * parsed with jansson (RFC 8259) and checked strictly: asset and sbom are
 * required non-empty strings; version, kind, owner and environment are
 * optional strings; tags an object of strings; time either Unix seconds (an
 * integer) or an RFC 3339 date-time / date (vex_parse_time()).  A member
 * not listed here is an error, so that a misspelt "verison" is not silently
 * dropped.  Lengths and counts are bounded (store.h).
 *
 * Leaves out: reading the lines (the caller bounds them), resolving the
 * sbom path, comments, NDJSON's optional record separators.
 */
#include <string.h>

#include "store/store_internal.h"
#include "vex/vex_internal.h"

#define MANIFEST_MAX_TIME 253402300799LL /* 9999-12-31T23:59:59Z */

void vg_store_manifest_entry_free(vg_store_manifest_entry *e)
{
    json_decref(e->json);
    memset(e, 0, sizeof *e);
}

/* The string member key of o into *out (NULL when absent and optional). */
static int string_member(vg_ctx *ctx, json_t *o, const char *key, int required, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v && !required)
        return VG_OK;
    if (!v)
        return vg_error(ctx, VG_ERR_FORMAT, "no \"%s\" member: every line needs \"asset\" and \"sbom\"", key);
    if (!json_is_string(v) || !json_string_length(v))
        return vg_error(ctx, VG_ERR_FORMAT, "\"%s\" must be a non-empty string", key);
    if (json_string_length(v) > VG_STORE_MANIFEST_MAX_STRING)
        return vg_error(ctx, VG_ERR_LIMIT, "\"%s\" is longer than %d bytes", key, VG_STORE_MANIFEST_MAX_STRING);
    *out = json_string_value(v);
    return VG_OK;
}

static int parse_time(vg_ctx *ctx, json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        json_int_t t = json_integer_value(v);
        if (t < 0 || t > MANIFEST_MAX_TIME)
            return vg_error(ctx, VG_ERR_FORMAT, "\"time\" %lld is not a number of seconds since 1970 before year 10000",
                            (long long)t);
        *out = (int64_t)t;
        return VG_OK;
    }
    const char *s = json_string_value(v);
    if (!s || json_string_length(v) > 64 || vex_parse_time(s, out) != 0 || *out < 0 || *out > MANIFEST_MAX_TIME)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "\"time\" must be Unix seconds or an RFC 3339 date-time such as \"2026-11-30T08:00:00Z\"");
    return VG_OK;
}

int vg_store_manifest_parse(vg_ctx *ctx, const char *line, size_t len, vg_store_manifest_entry *out)
{
    memset(out, 0, sizeof *out);
    if (len > VG_STORE_MANIFEST_MAX_LINE)
        return vg_error(ctx, VG_ERR_LIMIT, "line longer than %d bytes", VG_STORE_MANIFEST_MAX_LINE);
    json_error_t err;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
    if (!o)
        return vg_error(ctx, VG_ERR_FORMAT, "not JSON: %s (column %d)", err.text, err.column);
    out->json = o;
    int rc = VG_OK;
    if (!json_is_object(o)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "not a JSON object: each line is one {\"asset\": ..., \"sbom\": ...}");
        goto fail;
    }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        static const char *const known[] = {"asset", "version", "sbom", "tags", "time", "kind", "owner", "environment"};
        size_t i;
        for (i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(key, known[i]) == 0)
                break;
        if (i == sizeof known / sizeof known[0]) {
            rc = vg_error(ctx, VG_ERR_FORMAT,
                          "unknown member \"%.64s\" (known: asset, version, sbom, tags, time, kind, owner, environment)",
                          key);
            goto fail;
        }
    }
    if ((rc = string_member(ctx, o, "asset", 1, &out->asset)) || (rc = string_member(ctx, o, "sbom", 1, &out->sbom)) ||
        (rc = string_member(ctx, o, "version", 0, &out->version)) ||
        (rc = string_member(ctx, o, "kind", 0, &out->kind)) || (rc = string_member(ctx, o, "owner", 0, &out->owner)) ||
        (rc = string_member(ctx, o, "environment", 0, &out->environment)))
        goto fail;
    if ((v = json_object_get(o, "time"))) {
        if ((rc = parse_time(ctx, v, &out->time)))
            goto fail;
        out->has_time = 1;
    }
    json_t *tags = json_object_get(o, "tags");
    if (tags && !json_is_object(tags)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "\"tags\" must be an object of strings, {\"team\": \"payments\"}");
        goto fail;
    }
    if (json_object_size(tags) > VG_STORE_MANIFEST_MAX_TAGS) {
        rc = vg_error(ctx, VG_ERR_LIMIT, "more than %d tags", VG_STORE_MANIFEST_MAX_TAGS);
        goto fail;
    }
    json_object_foreach(tags, key, v) {
        if (!*key || strlen(key) > VG_STORE_MANIFEST_MAX_STRING || !json_is_string(v) ||
            json_string_length(v) > VG_STORE_MANIFEST_MAX_STRING) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "tag \"%.64s\": tags are non-empty names with string values of at most %d bytes",
                          key, VG_STORE_MANIFEST_MAX_STRING);
            goto fail;
        }
        out->tags[out->ntags++] = (vg_store_tag){key, json_string_value(v)};
    }
    return VG_OK;
fail:
    vg_store_manifest_entry_free(out);
    return rc;
}
