/*
 * fuzz_jschema.c — libFuzzer target for the JSON Schema validator
 * (vigil/jschema.h, src/core/jschema*.c).  The first byte chooses:
 *   0-1  the rest is a JSON instance, validated against a built-in schema
 *        (draft-07 for 0, 2020-12 for 1) that uses every implemented
 *        keyword: $ref recursion, anyOf / oneOf / not / if-then-else,
 *        unevaluatedProperties, tuples, uniqueItems, patterns, formats;
 *   2    "SCHEMA\0INSTANCE": a fuzzed schema (given the $schema of the
 *        second byte's parity) compiled and, when it compiles, validated;
 *   3    "PATTERN\0SUBJECT": a fuzzed pattern compiled and tested, and the
 *        subject checked against every format.
 * Invariants: a refusal says why; a document found invalid has at least
 * one error, with its location and message; a valid one has none; the
 * bounds (steps, depth) end every run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/jschema.h"

#include "core/jschema_internal.h"

static const char *const BUILTIN[2] = {
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"$id\": \"http://example.org/t.json\","
    " \"definitions\": {\"node\": {\"type\": [\"object\", \"array\", \"string\", \"number\", \"boolean\", \"null\"],"
    "   \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 8,"
    "       \"pattern\": \"^[A-Za-z0-9][A-Za-z0-9\\\\-/.()\\\\s]{0,28}$\"},"
    "     \"when\": {\"format\": \"date-time\"}, \"url\": {\"format\": \"iri-reference\"},"
    "     \"mail\": {\"format\": \"idn-email\"}, \"uri\": {\"format\": \"uri\"}, \"day\": {\"format\": \"date\"},"
    "     \"kind\": {\"enum\": [\"a\", \"b\", 1, null, [1], {\"x\": 1}]}, \"k\": {\"const\": {\"a\": [1, 2.5]}},"
    "     \"n\": {\"type\": \"integer\", \"minimum\": -3, \"maximum\": 1e3},"
    "     \"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/definitions/node\"}, \"uniqueItems\": true,"
    "       \"minItems\": 0, \"maxItems\": 50},"
    "     \"pair\": {\"items\": [{\"type\": \"string\"}, {\"type\": \"number\"}], \"additionalItems\": false},"
    "     \"lic\": {\"oneOf\": [{\"required\": [\"id\"]}, {\"required\": [\"name\"]}]},"
    "     \"hash\": {\"pattern\": \"^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64})$\"},"
    "     \"sig\": {\"if\": {\"properties\": {\"alg\": {\"const\": \"ES256\"}}}, \"then\": {\"required\": [\"crv\"]},"
    "       \"else\": {\"not\": {\"required\": [\"crv\"]}}}},"
    "   \"additionalProperties\": {\"anyOf\": [{\"type\": \"string\", \"pattern\": \"(?!_:).+:.+\"},"
    "     {\"$ref\": \"#/definitions/node\"}]}}},"
    " \"$ref\": \"#/definitions/node\"}",
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
    " \"$defs\": {\"el\": {\"if\": {\"type\": \"object\", \"properties\": {\"type\": {\"const\": \"P\"}},"
    "     \"required\": [\"type\"]},"
    "   \"then\": {\"allOf\": [{\"properties\": {\"spdxId\": {\"pattern\": \"^(?!_:).+:.+\"},"
    "       \"type\": {\"type\": \"string\"}}, \"required\": [\"spdxId\"]}, {\"$ref\": \"#/$defs/props\"}]},"
    "   \"else\": {\"const\": \"Not a P\"}},"
    "  \"props\": {\"properties\": {\"v\": {\"pattern\": \"^(0|[1-9]\\\\d*)\\\\.(0|[1-9]\\\\d*)$\"},"
    "     \"to\": {\"type\": \"array\", \"minItems\": 1, \"items\": {\"$ref\": \"#/$defs/el\"}}},"
    "   \"anyOf\": [{\"properties\": {\"a\": true}}, {\"properties\": {\"b\": {\"type\": \"integer\"}}}]},"
    "  \"any\": {\"anyOf\": [{\"$ref\": \"#/$defs/el\"}, {\"type\": \"string\"}]}},"
    " \"type\": \"object\", \"properties\": {\"@context\": {\"const\": \"c\"}},"
    " \"if\": {\"required\": [\"@graph\"]},"
    " \"then\": {\"properties\": {\"@graph\": {\"type\": \"array\","
    "   \"items\": {\"type\": \"object\", \"$ref\": \"#/$defs/any\", \"unevaluatedProperties\": false}}}},"
    " \"else\": {\"$ref\": \"#/$defs/any\"}, \"unevaluatedProperties\": false}",
};

static void validate(vg_ctx *ctx, const vg_jschema *schema, const char *text, size_t len)
{
    json_error_t err;
    json_t *doc = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!doc)
        return;
    vg_jschema_result r;
    vg_jschema_limits lim = {.max_errors = 5, .max_steps = 2000000};
    int rc = vg_jschema_validate(ctx, schema, doc, &lim, &r);
    if (rc != VG_OK && (rc != VG_ERR_LIMIT || r.valid || !ctx->message[0]))
        abort();
    if (rc == VG_OK && r.valid != (r.total_errors == 0))
        abort();
    if (r.nerrors > lim.max_errors || r.nerrors > r.total_errors)
        abort();
    for (size_t i = 0; i < r.nerrors; i++)
        if (!r.errors[i].instance || !r.errors[i].keyword || !r.errors[i].message[0] ||
            (r.errors[i].instance[0] && r.errors[i].instance[0] != '/'))
            abort();
    vg_jschema_result_free(&r);
    json_decref(doc);
}

/* Compiles the schema text (NULL: not JSON) and validates the instance. */
static void with_schema(const char *schema_text, size_t slen, const char *inst, size_t ilen, int draft2020)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set = jschema_set_new();
    json_t *root = json_loadb(schema_text, slen, JSON_DECODE_ANY, NULL);
    if (set && root) {
        if (json_is_object(root) && !json_object_get(root, "$schema"))
            json_object_set_new(root, "$schema",
                                json_string(draft2020 ? "https://json-schema.org/draft/2020-12/schema"
                                                      : "http://json-schema.org/draft-07/schema#"));
        const vg_jschema *schema;
        int rc = jschema_set_add(&ctx, set, "fuzz.json", root);
        if (rc == VG_OK)
            rc = vg_jschema_compile(&ctx, set, "fuzz.json", &schema);
        if (rc != VG_OK && !ctx.message[0])
            abort();
        if (rc == VG_OK)
            validate(&ctx, schema, inst, ilen);
    } else {
        json_decref(root);
    }
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
}

static void with_pattern(const char *pattern, const char *subject, size_t len)
{
    vg_arena arena;
    vg_arena_init(&arena);
    jschema_regex *re;
    char err[300];
    if (jschema_regex_compile(&arena, pattern, &re, err, sizeof err) == 0) {
        size_t budget = 1000000;
        int r = jschema_regex_test(re, subject, len, &budget);
        if (r < -1 || r > 1 || (r == -1 && budget != 0))
            abort();
    } else if (!err[0]) {
        abort();
    }
    for (int f = JSCHEMA_FORMAT_DATE_TIME; f <= JSCHEMA_FORMAT_IDN_EMAIL; f++)
        if (jschema_format_check((jschema_format)f, subject, len) > 1)
            abort();
    vg_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 3;
    const char *rest = (const char *)data + 1;
    size_t len = size - 1;
    if (mode < 2) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_jschema_set *set = jschema_set_new();
        json_t *root = json_loads(BUILTIN[mode], 0, NULL);
        const vg_jschema *schema;
        if (!set || !root || jschema_set_add(&ctx, set, "builtin.json", root) != VG_OK ||
            vg_jschema_compile(&ctx, set, "builtin.json", &schema) != VG_OK)
            abort();
        validate(&ctx, schema, rest, len);
        vg_jschema_set_free(set);
        vg_ctx_free(&ctx);
        return 0;
    }
    /* Split at the first NUL: text before it, text after it. */
    const char *nul = memchr(rest, 0, len);
    size_t first = nul ? (size_t)(nul - rest) : len;
    const char *second = nul ? nul + 1 : rest + len;
    size_t second_len = nul ? len - first - 1 : 0;
    if (mode == 2) {
        with_schema(rest, first, second, second_len, data[0] & 4);
    } else {
        char *pattern = malloc(first + 1);
        if (!pattern)
            return 0;
        memcpy(pattern, rest, first);
        pattern[first] = 0;
        with_pattern(pattern, second, second_len);
        free(pattern);
    }
    return 0;
}
