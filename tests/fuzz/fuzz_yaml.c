/*
 * fuzz_yaml.c — libFuzzer target for vg_yaml_read() (src/core/yaml.c): any
 * bytes as a YAML or JSON document.  A document it accepts must be JSON
 * that jansson can write, and reading that JSON text back must give the
 * same value; a refusal must come with a message naming the file.
 * Seeds (corpus/yaml/): block and flow YAML, anchors and aliases, an alias
 * bomb, deep nesting, several documents, JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *v = NULL;
    int rc = vg_yaml_read(&ctx, "input.yaml", (const char *)data, size, &v);
    if (rc == VG_OK) {
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!text)
            abort();
        json_t *again = NULL;
        /* A scalar document is not JSON text vg_yaml_read takes as JSON;
         * compare containers only. */
        if ((json_is_object(v) || json_is_array(v)) &&
            (vg_yaml_read(&ctx, "again.json", text, strlen(text), &again) != VG_OK || !json_equal(v, again)))
            abort();
        json_decref(again);
        free(text);
        json_decref(v);
    } else if (v || strncmp(ctx.message, "input.yaml", 10) != 0) {
        abort();
    }
    vg_ctx_free(&ctx);
    return 0;
}
