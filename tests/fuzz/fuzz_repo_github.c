/*
 * fuzz_repo_github.c — libFuzzer target for the reader of `vigil collect
 * repo --github` exports (src/collect/repo_github.c).  Beyond memory
 * safety it checks its contract: an error leaves no member and a message;
 * a member has a non-empty full_name and default_branch of at most
 * REPO_GITHUB_MAX_STRING bytes, "protection" exactly when the export says
 * it (null or an object with a required_reviews of 0 to 100 or null), and
 * at most REPO_GITHUB_MAX_CONTEXTS status check contexts.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collect/repo_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *m = NULL;
    int exported = -1;
    int rc = repo_github_parse(&ctx, "fuzz.json", (const char *)data, size, &m, &exported);
    if (rc != VG_OK) {
        if (m || !ctx.message[0])
            abort();
        vg_ctx_free(&ctx);
        return 0;
    }
    size_t name = json_string_length(json_object_get(m, "full_name"));
    size_t branch = json_string_length(json_object_get(m, "default_branch"));
    if (!m || name < 1 || name > REPO_GITHUB_MAX_STRING || branch < 1 || branch > REPO_GITHUB_MAX_STRING)
        abort();
    json_t *p = json_object_get(m, "protection");
    if ((p != NULL) != (exported == 1) || (p && !json_is_null(p) && !json_is_object(p)))
        abort();
    if (json_is_object(p)) {
        json_t *n = json_object_get(p, "required_reviews");
        json_t *sc = json_object_get(p, "required_status_checks");
        if (!n || (!json_is_null(n) && (json_integer_value(n) < 0 || json_integer_value(n) > 100)))
            abort();
        if (json_is_object(sc) && json_array_size(json_object_get(sc, "contexts")) > REPO_GITHUB_MAX_CONTEXTS)
            abort();
    }
    json_decref(m);
    vg_ctx_free(&ctx);
    return 0;
}
