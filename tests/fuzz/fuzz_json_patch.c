/*
 * fuzz_json_patch.c — libFuzzer target for vg_json_patch() (RFC 6902 add,
 * remove, replace and test over RFC 6901 JSON Pointers; src/policy/
 * testing.c), which `vigil policy test` applies to evidence as a case
 * file says.  The input is a document and a patch, both JSON, split at the
 * first NUL byte (no NUL: the input is the patch, applied to a fixed
 * document).  Whatever the input:
 *   - a refused patch names where it is ("case: patch operation N: ...")
 *     and leaves a document (the one given, or partly patched);
 *   - an accepted patch leaves a document json_dumps can write, and the same
 *     patch applied to a copy of the original gives an equal one;
 *   - a patch of test operations only that is accepted changes nothing;
 *   - move and copy (which vg_json_patch does not implement) are refused.
 * Seeds (corpus/json_patch/): the examples of RFC 6902 appendix A, escapes
 * (~0, ~1) and the "-" index, a bad escape, operations on missing paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/json.h"
#include "vigil/policy.h"

static const char fixed_doc[] = "{\"a\": [1, 2, {\"b\": null}], \"c\": \"x\", \"d/e\": {\"~\": true}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    const char *doc_text = nul ? (const char *)data : fixed_doc;
    size_t doc_len = nul ? (size_t)(nul - data) : strlen(fixed_doc);
    const char *patch_text = nul ? (const char *)nul + 1 : (const char *)data;
    size_t patch_len = nul ? size - doc_len - 1 : size;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL, *patch = NULL;
    if (vg_json_parse(&ctx, "doc", doc_text, doc_len, &doc) != VG_OK ||
        vg_json_parse(&ctx, "patch", patch_text, patch_len, &patch) != VG_OK) {
        json_decref(doc);
        vg_ctx_free(&ctx);
        return 0;
    }
    json_t *original = json_deep_copy(doc), *again = json_deep_copy(doc);
    int rc = vg_json_patch(&ctx, &doc, patch, "case");
    if (!doc || !original || !again)
        abort();
    int tests_only = json_is_array(patch), moves = 0;
    size_t i;
    json_t *op;
    json_array_foreach(patch, i, op) {
        const char *name = json_string_value(json_object_get(op, "op"));
        tests_only &= name && strcmp(name, "test") == 0;
        moves |= name && (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0);
    }
    if (rc != VG_OK) {
        if (strncmp(ctx.message, "case: ", 6) != 0) {
            fprintf(stderr, "a refusal that does not name the patch: %s\n", ctx.message);
            abort();
        }
    } else {
        char *text = json_dumps(doc, JSON_ENCODE_ANY | JSON_COMPACT);
        vg_ctx ctx2;
        vg_ctx_init(&ctx2);
        if (!text || vg_json_patch(&ctx2, &again, patch, "case") != VG_OK || !json_equal(again, doc)) {
            fprintf(stderr, "the same patch gives another document\n");
            abort();
        }
        if (tests_only && !json_equal(doc, original)) {
            fprintf(stderr, "a patch of tests only changed the document\n");
            abort();
        }
        if (moves) {
            fprintf(stderr, "move or copy accepted\n");
            abort();
        }
        free(text);
        vg_ctx_free(&ctx2);
    }
    json_decref(doc);
    json_decref(original);
    json_decref(again);
    json_decref(patch);
    vg_ctx_free(&ctx);
    return 0;
}
