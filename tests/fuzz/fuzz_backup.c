/*
 * fuzz_backup.c — libFuzzer target for the parsers of `vigil collect
 * backup` (src/collect/backup_parse.c): the first byte picks restic's
 * `snapshots --json`, borg's `list --json` (with and without a time zone
 * for its zone-less times) or the restore-test log; the rest is the file.
 * Beyond memory safety it checks their contracts: an error names the file,
 * a parse that succeeds gives sources with at least one snapshot, their
 * newest not before their oldest, and restore tests that count at least
 * one test each; a location cleaned of its password is never longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/backup_internal.h"

static void check_document(backup_state *st)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *sources = NULL, *tests = NULL, *s;
    if (backup_state_finish(&ctx, st, &sources, &tests) != VG_OK)
        abort();
    size_t i;
    json_array_foreach(sources, i, s) {
        const char *latest = json_string_value(json_object_get(s, "latest"));
        const char *oldest = json_string_value(json_object_get(s, "oldest"));
        if (json_integer_value(json_object_get(s, "snapshots")) < 1 || !latest || !oldest ||
            json_integer_value(json_object_get(s, "retention_days")) < 0 || !json_string_value(json_object_get(s, "name")))
            abort();
    }
    json_array_foreach(tests, i, s) {
        if (json_integer_value(json_object_get(s, "tests")) < 1 ||
            json_integer_value(json_object_get(s, "failures_since_success")) < 0)
            abort();
    }
    json_decref(sources);
    json_decref(tests);
    vg_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    backup_state st;
    if (backup_state_init(&st, 1756166400) != VG_OK)
        abort();
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc;
    size_t count = 0;
    json_t *info = NULL;
    static const char *const zones[] = {NULL, "UTC", "+02:00"};
    switch (data[0] % 6) {
    case 0: rc = backup_parse_restic(&ctx, &st, "in.json", text, len, NULL, &count); break;
    case 1: rc = backup_parse_restic(&ctx, &st, "in.json", text, len, "rest:https://u:p@h/", &count); break;
    case 2: rc = backup_parse_log(&ctx, &st, "in.json", text, len, &count); break;
    default: rc = backup_parse_borg(&ctx, &st, "in.json", text, len, NULL, zones[data[0] % 6 - 3], &info); break;
    }
    if (rc != VG_OK && strncmp(ctx.message, "in.json", 7) != 0)
        abort();
    if (rc == VG_OK)
        check_document(&st);
    json_decref(info);
    backup_state_free(&st);
    vg_ctx_free(&ctx);

    /* the input's first line as a location */
    const char *nl = memchr(text, '\n', len);
    char *loc = strndup(text, nl ? (size_t)(nl - text) : len < 4096 ? len : 4096);
    int removed;
    char *clean = loc ? backup_location_clean(loc, &removed) : NULL;
    if (clean && strlen(clean) > strlen(loc))
        abort();
    free(clean);
    free(loc);
    int64_t t;
    backup_time(text, len < 64 ? len : 64, "local", &t);
    return 0;
}
