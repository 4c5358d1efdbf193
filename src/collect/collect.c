/*
 * collect.c — what every evidence collector's document starts with
 * (include/vigil/collect.h, docs/collect.md "The document").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/format_internal.h"
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
    json_t *item = json_pack("{s:o, s:o}", "what", fmt_str(what), "reason", fmt_str(reason));
    if (!item || json_array_append_new(json_object_get(doc, "unchecked"), item) != 0)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

int vg_collect_take_warnings(vg_ctx *ctx, json_t *doc, const char *prefix, const char *target)
{
    int rc = VG_OK;
    for (size_t i = 0; i < ctx->nwarnings && rc == VG_OK; i++) {
        const vg_warning *w = &ctx->warnings[i];
        char *what = NULL;
        if (w->path && asprintf(&what, "%s%s", prefix, w->path) < 0)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory"), what = NULL;
        else
            rc = vg_collect_unchecked(ctx, doc, what ? what : target, w->message);
        free(what);
    }
    if (rc == VG_OK && ctx->warnings_dropped) {
        char reason[128];
        snprintf(reason, sizeof reason, "%zu more problems, not listed (only the first %d are)",
                 ctx->warnings_dropped, VG_WARNINGS_MAX);
        rc = vg_collect_unchecked(ctx, doc, target, reason);
    }
    if (rc == VG_OK) {
        char message[sizeof ctx->message];
        memcpy(message, ctx->message, sizeof message);
        vg_ctx_free(ctx); /* the warnings; the message stays */
        memcpy(ctx->message, message, sizeof message);
    }
    return rc;
}

json_t *vg_collect_sorted(const json_t *list, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(list);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    json_t *out = json_array();
    if (!items || !out) {
        free(items);
        json_decref(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = json_array_get(list, i);
    qsort(items, n, sizeof *items, cmp);
    for (size_t i = 0; i < n && out; i++)
        if (json_array_append(out, items[i]))
            json_decref(out), out = NULL;
    free(items);
    return out;
}
