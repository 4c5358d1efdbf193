/*
 * jschema.c — unit test of the JSON Schema validator (src/core/jschema.c,
 * vigil/jschema.h) on small schemas written for one rule each, with the
 * verdict the drafts give (JSON Schema draft-07 and 2020-12, Core and
 * Validation): the semantics ajv's comparison on the real schemas
 * (tests/e2e/jschema_ajv.sh) may not reach — unevaluatedProperties and the
 * annotations of failed alternatives, $ref siblings per draft, numbers
 * equal by value — plus what must be refused (keywords, formats and
 * pattern features not implemented, unresolved references), the bounds
 * (depth, $ref loops, steps, errors kept) and the error locations.  With
 * $VIGIL_SHARED: every official schema there compiles, and bom-1.7 without
 * cryptography-defs.schema.json is refused naming it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/jschema.h"

#include "check.h"
#include "skip.h"

static char tmpdir[] = "/tmp/vigil-jschema.XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Compiles the schema text (written as NAME in the temporary directory,
 * with the other files already there); returns the status and leaves the
 * set in *set (to free). */
static int compile(vg_ctx *ctx, const char *name, const char *text, vg_jschema_set **set, const vg_jschema **out)
{
    write_file(name, text);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    const char *paths[] = {path};
    *set = NULL;
    *out = NULL;
    int rc = vg_jschema_set_open_files(ctx, paths, 1, set);
    return rc == VG_OK ? vg_jschema_compile(ctx, *set, name, out) : rc;
}

#define D07 "\"$schema\": \"http://json-schema.org/draft-07/schema#\""
#define D2020 "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""

/* The schema must compile and give each document its verdict. */
static void verdicts(const char *schema, const char *const *docs, const int *valid, size_t n)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set;
    const vg_jschema *s;
    int rc = compile(&ctx, "s.json", schema, &set, &s);
    CHECK(rc == VG_OK, "%s: does not compile: %s", schema, ctx.message);
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        json_error_t err;
        json_t *doc = json_loads(docs[i], JSON_DECODE_ANY, &err);
        CHECK(doc != NULL, "bad test document %s", docs[i]);
        if (!doc)
            continue;
        vg_jschema_result r;
        int vrc = vg_jschema_validate(&ctx, s, doc, NULL, &r);
        CHECK(vrc == VG_OK && r.valid == valid[i], "%s on %s: rc %d valid %d, want %d (%s)", schema, docs[i], vrc,
              r.valid, valid[i], r.nerrors ? r.errors[0].message : "");
        vg_jschema_result_free(&r);
        json_decref(doc);
    }
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
}

#define VERDICTS(schema, ...)                                                                                          \
    do {                                                                                                               \
        const char *docs_[] = {__VA_ARGS__};                                                                           \
        verdicts(schema, docs_, want_, sizeof docs_ / sizeof *docs_);                                                  \
    } while (0)

/* The schema must be refused with status and a message containing what. */
static void refused(const char *schema, int status, const char *what)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set;
    const vg_jschema *s;
    int rc = compile(&ctx, "r.json", schema, &set, &s);
    CHECK(rc == status && strstr(ctx.message, what), "%s: rc %d \"%s\", want %d \"%s\"", schema, rc, ctx.message,
          status, what);
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
}

static void test_semantics(void)
{
    /* draft-07 §8.3: the siblings of $ref are ignored; 2020-12 applies them. */
    {
        const int want_[] = {1};
        VERDICTS("{" D07 ", \"definitions\": {\"s\": {\"type\": \"string\"}}, "
                 "\"properties\": {\"a\": {\"$ref\": \"#/definitions/s\", \"type\": \"integer\"}}}",
                 "{\"a\": \"x\"}");
    }
    {
        const int want_[] = {0, 0};
        VERDICTS("{" D2020 ", \"$defs\": {\"s\": {\"type\": \"string\"}}, "
                 "\"properties\": {\"a\": {\"$ref\": \"#/$defs/s\", \"type\": \"integer\"}}}",
                 "{\"a\": \"x\"}", "{\"a\": 1}");
    }
    /* unevaluatedProperties sees the annotations of every valid anyOf
     * alternative, and none of a failed one. */
    {
        const int want_[] = {1, 1, 0, 0, 1};
        VERDICTS("{" D2020 ", \"anyOf\": [{\"properties\": {\"a\": {\"type\": \"integer\"}}, \"required\": [\"a\"]}, "
                 "{\"properties\": {\"b\": true}, \"required\": [\"b\"]}], \"unevaluatedProperties\": false}",
                 "{\"a\": 1, \"b\": 2}", "{\"b\": 2}", "{\"a\": 1, \"c\": 3}", "{\"a\": \"x\", \"b\": 2}", "{\"a\": 1}");
    }
    /* ... of "if" when it holds, and of the branch taken. */
    {
        const int want_[] = {1, 1, 0, 0};
        VERDICTS("{" D2020 ", \"if\": {\"properties\": {\"k\": {\"const\": 1}}, \"required\": [\"k\"]}, "
                 "\"then\": {\"properties\": {\"t\": true}}, \"else\": {\"properties\": {\"e\": true}}, "
                 "\"unevaluatedProperties\": false}",
                 "{\"k\": 1, \"t\": 0}", "{\"e\": 0}", "{\"k\": 1, \"e\": 0}", "{\"k\": 2}");
    }
    /* ... never of "not"; through $ref and allOf; a nested object has its own. */
    {
        const int want_[] = {0, 1, 0};
        VERDICTS("{" D2020 ", \"$defs\": {\"p\": {\"properties\": {\"x\": true}}}, "
                 "\"not\": {\"properties\": {\"n\": {\"type\": \"string\"}}, \"required\": [\"n\"]}, "
                 "\"allOf\": [{\"$ref\": \"#/$defs/p\"}], \"properties\": {\"o\": {\"type\": \"object\"}}, "
                 "\"unevaluatedProperties\": false}",
                 "{\"n\": 1}", "{\"x\": 1, \"o\": {\"y\": 1}}", "{\"x\": 1, \"z\": 1}");
    }
    /* unevaluatedProperties with a schema applies it to the rest. */
    {
        const int want_[] = {1, 0};
        VERDICTS("{" D2020 ", \"properties\": {\"a\": true}, \"unevaluatedProperties\": {\"type\": \"integer\"}}",
                 "{\"a\": \"s\", \"b\": 1}", "{\"a\": 1, \"b\": \"s\"}");
    }
    /* Numbers are equal by value; 1.0 is an integer; objects by members. */
    {
        const int want_[] = {1, 1, 0, 0};
        VERDICTS("{" D07 ", \"type\": \"integer\", \"enum\": [1, 2]}", "1", "1.0", "1.5", "3");
    }
    {
        const int want_[] = {0, 0, 1, 1, 0};
        VERDICTS("{" D07 ", \"uniqueItems\": true}", "[1, 1.0]", "[{\"a\": 1, \"b\": [2]}, {\"b\": [2.0], \"a\": 1}]",
                 "[[1, 2], [2, 1]]", "[0, false, null, \"0\", [], {}]", "[null, null]");
    }
    {
        const int want_[] = {1, 0, 0};
        VERDICTS("{" D07 ", \"const\": {\"a\": [1, \"x\"]}}", "{\"a\": [1.0, \"x\"]}", "{\"a\": [1, \"x\"], \"b\": 1}",
                 "{\"a\": [\"x\", 1]}");
    }
    /* Lengths in code points; minimum / maximum inclusive. */
    {
        const int want_[] = {1, 0, 0, 1};
        VERDICTS("{" D07 ", \"minLength\": 1, \"maxLength\": 2}", "\"\\ud83d\\ude00\\u00e9\"", "\"\"", "\"abc\"", "5");
    }
    {
        const int want_[] = {1, 1, 0, 0, 1};
        VERDICTS("{" D07 ", \"minimum\": 0, \"maximum\": 2.5}", "0", "2.5", "-0.001", "3", "\"x\"");
    }
    /* oneOf: exactly one; anyOf: at least one; boolean schemas. */
    {
        const int want_[] = {1, 0, 0};
        VERDICTS("{" D07 ", \"oneOf\": [{\"required\": [\"id\"]}, {\"required\": [\"name\"]}]}", "{\"id\": 1}",
                 "{\"id\": 1, \"name\": 2}", "{}");
    }
    {
        const int want_[] = {1, 0};
        VERDICTS("{" D07 ", \"properties\": {\"a\": true, \"b\": false}}", "{\"a\": 1}", "{\"b\": 1}");
    }
    /* draft-07 items as a tuple with additionalItems; minItems / maxItems. */
    {
        const int want_[] = {1, 1, 0, 0, 0};
        VERDICTS("{" D07 ", \"items\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], \"additionalItems\": false, "
                 "\"minItems\": 1}",
                 "[\"a\", 1]", "[\"a\"]", "[\"a\", 1, 2]", "[1]", "[]");
    }
    /* additionalProperties sees neither properties' names. */
    {
        const int want_[] = {1, 0};
        VERDICTS("{" D07 ", \"properties\": {\"a\": true}, \"additionalProperties\": {\"type\": \"string\"}}",
                 "{\"a\": 1, \"b\": \"x\"}", "{\"b\": 1}");
    }
    /* pattern is a search, not a whole match, and ECMA-262 with "u". */
    {
        const int want_[] = {1, 0, 1, 0};
        VERDICTS("{" D07 ", \"pattern\": \"(?!_:).:\"}", "\"xa:b\"", "\"_:b\"", "\"\\u00e9:\"", "\"ab\"");
    }
    /* format: an assertion in draft-07 as in 2020-12 (as ajv checks). */
    {
        const int want_[] = {1, 0, 1};
        VERDICTS("{" D2020 ", \"format\": \"date-time\"}", "\"2024-01-02T03:04:05Z\"", "\"2024-01-02\"", "12");
    }
}

static void test_refused(void)
{
    refused("{" D07 ", \"minProperties\": 1}", VG_ERR_UNSUPPORTED, "r.json#: the keyword \"minProperties\" is not implemented");
    refused("{" D07 ", \"properties\": {\"a/b\": {\"contains\": {}}}}", VG_ERR_UNSUPPORTED,
            "r.json#/properties/a~1b: the keyword \"contains\"");
    refused("{" D07 ", \"unevaluatedProperties\": false}", VG_ERR_UNSUPPORTED, "\"unevaluatedProperties\" is not implemented");
    refused("{" D2020 ", \"items\": [true]}", VG_ERR_UNSUPPORTED, "prefixItems is not implemented");
    refused("{" D07 ", \"format\": \"hostname\"}", VG_ERR_UNSUPPORTED, "the format \"hostname\" is not implemented");
    refused("{" D07 ", \"pattern\": \"\\\\p{L}\"}", VG_ERR_UNSUPPORTED, "Unicode property escapes");
    refused("{" D07 ", \"pattern\": \"(a\\\\1)\"}", VG_ERR_UNSUPPORTED, "back-references");
    refused("{" D07 ", \"pattern\": \"(a\"}", VG_ERR_FORMAT, "unterminated group");
    refused("{" D07 ", \"pattern\": \"a{,3}\"}", VG_ERR_FORMAT, "lone \"{\"");
    refused("{\"$schema\": \"http://json-schema.org/draft-04/schema#\"}", VG_ERR_UNSUPPORTED, "draft-07 and 2020-12");
    refused("{\"type\": \"string\"}", VG_ERR_UNSUPPORTED, "$schema is missing");
    refused("{" D07 ", \"$ref\": \"other.schema.json#/definitions/x\"}", VG_ERR_NOT_FOUND,
            "\"other.schema.json#/definitions/x\" names a schema that is not in the schema directory");
    refused("{" D07 ", \"$ref\": \"#/definitions/missing\"}", VG_ERR_FORMAT, "points to nothing");
    refused("{" D07 ", \"$ref\": \"#anchor\"}", VG_ERR_UNSUPPORTED, "plain-name fragment");
    refused("{" D07 ", \"properties\": {\"a\": {\"$id\": \"x\"}}}", VG_ERR_UNSUPPORTED, "only at its root");
    refused("{" D07 ", \"type\": \"text\"}", VG_ERR_FORMAT, "must name JSON Schema types");
    refused("{" D07 ", \"minItems\": -1}", VG_ERR_FORMAT, "non-negative integer");
    refused("{" D07 ", \"anyOf\": []}", VG_ERR_FORMAT, "non-empty array");
}

/* A reference to another file, by $id resolved against the referrer's $id
 * or by file name; compiling by $id or by file name gives the same schema. */
static void test_references(void)
{
    write_file("b.schema.json", "{" D07 ", \"$id\": \"http://example.org/s/b.schema.json\", "
                                "\"definitions\": {\"n\": {\"type\": \"integer\"}}}");
    write_file("c.json", "{" D07 ", \"$id\": \"http://elsewhere.org/c\", \"enum\": [\"x\"]}");
    write_file("a.schema.json", "{" D07 ", \"$id\": \"http://example.org/s/a.schema.json\", "
                                "\"properties\": {\"n\": {\"$ref\": \"b.schema.json#/definitions/n\"}, "
                                "\"c\": {\"$ref\": \"c.json\"}, \"self\": {\"$ref\": \"#\"}}}");
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set = NULL;
    const vg_jschema *a = NULL, *a2 = NULL;
    int rc = vg_jschema_set_open(&ctx, tmpdir, &set);
    CHECK(rc == VG_OK, "open %s: %s", tmpdir, ctx.message);
    if (rc == VG_OK)
        rc = vg_jschema_compile(&ctx, set, "http://example.org/s/a.schema.json", &a);
    CHECK(rc == VG_OK, "compile by $id: %s", ctx.message);
    CHECK(vg_jschema_compile(&ctx, set, "http://example.org/s/a.schema.json", &a2) == VG_OK && a2 == a,
          "compiling again gives another schema");
    CHECK(vg_jschema_compile(&ctx, set, "nothing.json", &a2) == VG_ERR_NOT_FOUND, "a missing schema compiles");
    if (rc == VG_OK) {
        static const struct {
            const char *doc;
            int valid;
            const char *instance, *keyword;
        } cases[] = {
            {"{\"n\": 1, \"c\": \"x\", \"self\": {\"n\": 2}}", 1, NULL, NULL},
            {"{\"n\": \"1\"}", 0, "/n", "b.schema.json#/definitions/n/type"},
            {"{\"c\": \"y\"}", 0, "/c", "c.json#/enum"},
            {"{\"self\": {\"self\": {\"n\": 1.5}}}", 0, "/self/self/n", "b.schema.json#/definitions/n/type"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            json_t *doc = json_loads(cases[i].doc, 0, NULL);
            vg_jschema_result r;
            rc = vg_jschema_validate(&ctx, a, doc, NULL, &r);
            CHECK(rc == VG_OK && r.valid == cases[i].valid, "%s: rc %d valid %d", cases[i].doc, rc, r.valid);
            if (cases[i].instance)
                CHECK(r.nerrors == 1 && !strcmp(r.errors[0].instance, cases[i].instance) &&
                          !strcmp(r.errors[0].keyword, cases[i].keyword),
                      "%s: %zu errors, first at %s %s", cases[i].doc, r.nerrors, r.nerrors ? r.errors[0].instance : "",
                      r.nerrors ? r.errors[0].keyword : "");
            vg_jschema_result_free(&r);
            json_decref(doc);
        }
    }
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
    for (const char *const *f = (const char *const[]){"a.schema.json", "b.schema.json", "c.json", NULL}; *f; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmpdir, *f);
        unlink(path);
    }
}

/* Errors: JSON Pointers escaped, the cap kept, every error counted. */
static void test_errors_and_bounds(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set;
    const vg_jschema *s;
    int rc = compile(&ctx, "e.json",
                     "{" D07 ", \"properties\": {\"a/b~c\": {\"type\": \"string\"}}, "
                     "\"additionalProperties\": {\"type\": \"integer\"}, \"items\": {\"$ref\": \"#\"}}",
                     &set, &s);
    CHECK(rc == VG_OK, "compile: %s", ctx.message);
    if (rc == VG_OK) {
        json_t *doc = json_loads("{\"a/b~c\": 1}", 0, NULL);
        vg_jschema_result r;
        rc = vg_jschema_validate(&ctx, s, doc, NULL, &r);
        CHECK(rc == VG_OK && !r.valid && r.nerrors == 1 && !strcmp(r.errors[0].instance, "/a~1b~0c") &&
                  !strcmp(r.errors[0].keyword, "e.json#/properties/a~1b~0c/type") &&
                  !strcmp(r.errors[0].message, "must be string, is integer"),
              "escaped pointer: %s %s %s", r.nerrors ? r.errors[0].instance : "-", r.nerrors ? r.errors[0].keyword : "-",
              r.nerrors ? r.errors[0].message : "-");
        vg_jschema_result_free(&r);
        json_decref(doc);

        doc = json_loads("{\"a\": \"1\", \"b\": \"2\", \"c\": \"3\", \"d\": \"4\", \"e\": \"5\"}", 0, NULL);
        vg_jschema_limits lim = {.max_errors = 3};
        rc = vg_jschema_validate(&ctx, s, doc, &lim, &r);
        CHECK(rc == VG_OK && !r.valid && r.nerrors == 3 && r.total_errors == 5, "cap: %zu kept of %zu", r.nerrors,
              r.total_errors);
        vg_jschema_result_free(&r);
        json_decref(doc);

        /* 600 nested arrays: deeper than the default depth of 512. */
        char deep[1300];
        memset(deep, '[', 600);
        memset(deep + 600, ']', 600);
        deep[1200] = 0;
        doc = json_loads(deep, 0, NULL);
        rc = vg_jschema_validate(&ctx, s, doc, NULL, &r);
        CHECK(rc == VG_ERR_LIMIT && !r.valid && strstr(ctx.message, "not checked"), "depth: rc %d valid %d", rc,
              r.valid);
        vg_jschema_result_free(&r);
        lim = (vg_jschema_limits){.max_steps = 50};
        rc = vg_jschema_validate(&ctx, s, doc, &lim, &r);
        CHECK(rc == VG_ERR_LIMIT && !r.valid, "steps: rc %d valid %d", rc, r.valid);
        vg_jschema_result_free(&r);
        lim = (vg_jschema_limits){.max_depth = 700};
        rc = vg_jschema_validate(&ctx, s, doc, &lim, &r);
        CHECK(rc == VG_OK && r.valid, "depth 700: rc %d valid %d (%s)", rc, r.valid, ctx.message);
        vg_jschema_result_free(&r);
        json_decref(doc);
    }
    vg_jschema_set_free(set);

    /* A $ref loop that never reaches the instance's next level. */
    rc = compile(&ctx, "loop.json", "{" D2020 ", \"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, "
                                    "\"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}", &set, &s);
    CHECK(rc == VG_OK, "compile loop: %s", ctx.message);
    if (rc == VG_OK) {
        vg_jschema_result r;
        json_t *doc = json_integer(1);
        rc = vg_jschema_validate(&ctx, s, doc, NULL, &r);
        CHECK(rc == VG_ERR_LIMIT && !r.valid, "$ref loop: rc %d valid %d", rc, r.valid);
        vg_jschema_result_free(&r);
        json_decref(doc);
    }
    vg_jschema_set_free(set);

    /* A pattern that backtracking engines take exponential time on. */
    rc = compile(&ctx, "re.json", "{" D07 ", \"pattern\": \"^(a+)+$\"}", &set, &s);
    if (rc == VG_OK) {
        vg_jschema_result r;
        json_t *doc = json_string("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
        rc = vg_jschema_validate(&ctx, s, doc, NULL, &r);
        CHECK(rc == VG_OK && !r.valid, "(a+)+: rc %d valid %d", rc, r.valid);
        vg_jschema_result_free(&r);
        json_decref(doc);
    }
    vg_jschema_set_free(set);

    CHECK(vg_jschema_set_open(&ctx, "/nonexistent/schemas", &set) == VG_ERR_NOT_FOUND && set == NULL,
          "a missing directory opens");
    write_file("bad.json", "{\"a\": ");
    CHECK(vg_jschema_set_open(&ctx, tmpdir, &set) == VG_ERR_FORMAT && strstr(ctx.message, "bad.json: not valid JSON"),
          "a broken file: %s", ctx.message);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.json", tmpdir);
    unlink(path);
    vg_ctx_free(&ctx);
}

/* The official schemas of ../shared all compile (bom-1.7 only with the
 * cryptography-defs.schema.json it references, which ../shared lacks). */
static void test_shared(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    if (!shared || !*shared) {
        test_skip_part("the official schemas (VIGIL_SHARED is not set)");
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/schemas", shared);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set = NULL;
    int rc = vg_jschema_set_open(&ctx, dir, &set);
    CHECK(rc == VG_OK, "%s: %s", dir, ctx.message);
    static const char *const names[] = {"bom-1.6.schema.json", "http://cyclonedx.org/schema/bom-1.6.schema.json",
                                        "spdx.schema.json", "jsf-0.82.schema.json", "spdx-2.3-schema.json",
                                        "http://spdx.org/rdf/terms/2.3", "spdx-3.0.1.schema.json"};
    for (size_t i = 0; rc == VG_OK && i < sizeof names / sizeof *names; i++) {
        const vg_jschema *s;
        CHECK(vg_jschema_compile(&ctx, set, names[i], &s) == VG_OK, "%s: %s", names[i], ctx.message);
    }
    const vg_jschema *s;
    if (rc == VG_OK)
        CHECK(vg_jschema_compile(&ctx, set, "bom-1.7.schema.json", &s) == VG_ERR_NOT_FOUND &&
                  strstr(ctx.message, "add cryptography-defs.schema.json"),
              "bom-1.7: %s", ctx.message);
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_semantics();
    test_refused();
    test_references();
    test_errors_and_bounds();
    test_shared();
    const char *const files[] = {"s.json", "r.json", "e.json", "loop.json", "re.json"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
        unlink(path);
    }
    if (rmdir(tmpdir) != 0)
        fprintf(stderr, "FAIL: %s is not empty\n", tmpdir), failures++;
    return failures ? 1 : 0;
}
