/*
 * fuzz_toml.c — libFuzzer target for the TOML 1.0 reader (src/core/toml.c):
 * parse the input, walk the whole tree through the lookup API, free.
 * Seeds in corpus/toml/ (lock files and spec examples).
 */
#include <stdint.h>
#include <string.h>

#include "vigil/toml.h"

static size_t walk(const vg_toml_value *v, int depth)
{
    size_t n = 1;
    if (!v || depth > 200)
        return 0;
    if (v->type == VG_TOML_TABLE) {
        for (size_t i = 0; i < v->count; i++) {
            if (vg_toml_get(v, v->keys[i]) == NULL) /* every key is found again */
                __builtin_trap();
            n += walk(v->items[i], depth + 1);
        }
    } else if (v->type == VG_TOML_ARRAY) {
        for (size_t i = 0; i < v->count; i++)
            n += walk(vg_toml_at(v, i), depth + 1);
    } else if (v->type == VG_TOML_STRING || v->type == VG_TOML_FLOAT || v->type == VG_TOML_DATETIME) {
        if (!v->string || v->string[v->len] != '\0')
            __builtin_trap();
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_arena arena;
    vg_ctx_init(&ctx);
    vg_arena_init(&arena);
    vg_toml_value *root = NULL;
    int rc = vg_toml_parse(&ctx, &arena, "fuzz.toml", (const char *)data, size, &root);
    if (rc == VG_OK)
        (void)walk(root, 0);
    else if (root != NULL || strncmp(ctx.message, "fuzz.toml", 9) != 0)
        __builtin_trap(); /* errors leave no tree and name the file */
    vg_arena_free(&arena);
    vg_ctx_free(&ctx);
    return 0;
}
