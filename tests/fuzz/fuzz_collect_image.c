/*
 * fuzz_collect_image.c — libFuzzer target for the image config reader of
 * `vigil collect image` (src/collect/image_config.c): the input, split at
 * its first NUL byte, is the image config JSON and the image's
 * /etc/passwd.  Whatever the input, "secret_env" holds names only: each is
 * the part before "=" of an Env entry, never a value.  Seeds in
 * corpus/collect_image/ (configs written by umoci, by mkimage.py, one with
 * Docker's Healthcheck, one with secrets on the command line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/image_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t clen = nul ? (size_t)(nul - text) : size;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *config;
    if (image_config_parse(&ctx, "fuzz", text, clen, &config) == VG_OK) {
        image_config_resolve_user(config, nul ? nul + 1 : NULL, nul ? size - clen - 1 : 0);
        json_t *root = json_loadb(text, clen, 0, NULL);
        json_t *env = json_object_get(json_object_get(root, "config"), "Env");
        size_t i, j;
        json_t *name, *e;
        json_array_foreach(json_object_get(config, "secret_env"), i, name) {
            const char *n = json_string_value(name);
            int found = 0;
            if (!n || strchr(n, '='))
                abort();
            json_array_foreach(env, j, e) {
                const char *s = json_string_value(e);
                if (s && strncmp(s, n, strlen(n)) == 0 && (s[strlen(n)] == '=' || s[strlen(n)] == '\0'))
                    found = 1;
            }
            if (!found)
                abort();
        }
        json_t *root_flag = json_object_get(config, "root");
        if (!json_is_boolean(root_flag) && !json_is_null(root_flag))
            abort();
        json_decref(root);
        json_decref(config);
    }
    vg_ctx_free(&ctx);
    return 0;
}
