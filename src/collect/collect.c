/*
 * collect.c — what every evidence collector's document starts with
 * (include/vigil/collect.h, docs/collect.md "The document").
 */
#include <time.h>

#include "vigil/collect.h"
#include "vigil/vigil.h"

json_t *vg_collect_document(vg_ctx *ctx, const char *kind, int schema, int64_t collected, const char *target)
{
    char at[32];
    struct tm tm;
    time_t tt = (time_t)collected;
    if (!gmtime_r(&tt, &tm) || !strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        vg_error(ctx, VG_ERR_USAGE, "collect %s: time %lld out of range", kind, (long long)collected);
        return NULL;
    }
    json_t *name = json_string(target);
    if (!name) {
        vg_error(ctx, VG_ERR_USAGE, "collect %s: the target's name is not UTF-8", kind);
        return NULL;
    }
    json_t *doc = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:o, s:[]}", "vigil-evidence", kind, "schema", schema,
                            "collected", at, "collector", "name", "vigil", "version", vg_version(), "target", name,
                            "unchecked");
    if (!doc)
        vg_error(ctx, VG_ERR_NOMEM, "collect %s: out of memory", kind);
    return doc;
}

int vg_collect_unchecked(vg_ctx *ctx, json_t *doc, const char *what, const char *reason)
{
    json_t *item = json_pack("{s:s, s:s}", "what", what, "reason", reason);
    if (!item || json_array_append_new(json_object_get(doc, "unchecked"), item) != 0)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", what);
    return VG_OK;
}
