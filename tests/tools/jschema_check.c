/*
 * jschema_check.c — runs vigil's JSON Schema validator (src/core/jschema.c)
 * for the tests, which compare what it says with ajv (tests/e2e/jschema_ajv.sh).
 * Built only for the tests (tests/CMakeLists.txt), never installed.
 *
 *   jschema-check validate DIR SCHEMA FILE...
 *       compiles SCHEMA (a $id or file name) from the schema directory DIR
 *       and validates each FILE, one JSON line each on stdout:
 *       {"file": F, "valid": true|false, "errors": [{"instance", "keyword",
 *       "message"}...], "ms": CPU time of the validation}; status 0, or 2 with the
 *       message on stderr when DIR, SCHEMA or a FILE cannot be used.
 *   jschema-check regex CASES
 *       CASES is a JSON array of {"pattern": P, "subjects": [S...]}: prints,
 *       as one JSON array, for each case the test() result of each subject
 *       (true/false), or the compile error as a string.
 *   jschema-check format CASES
 *       CASES is a JSON array of {"format": NAME, "subjects": [...]}: the
 *       same for the formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/jschema.h"

#include "core/jschema_internal.h"

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *v = json_load_file(path, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!v)
        fprintf(stderr, "jschema-check: %s: %s (line %d)\n", path, err.text, err.line);
    return v;
}

/* Prints value as one line of JSON and releases it. */
static void print_line(json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    if (text)
        puts(text);
    free(text);
    json_decref(value);
}

static int cmd_validate(int argc, char **argv)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set = NULL;
    const vg_jschema *schema = NULL;
    int rc = vg_jschema_set_open(&ctx, argv[0], &set);
    if (rc == VG_OK)
        rc = vg_jschema_compile(&ctx, set, argv[1], &schema);
    if (rc != VG_OK) {
        fprintf(stderr, "jschema-check: %s\n", ctx.message);
        vg_jschema_set_free(set);
        vg_ctx_free(&ctx);
        return 2;
    }
    int status = 0;
    for (int i = 2; i < argc && status == 0; i++) {
        json_t *doc = load(argv[i]);
        if (!doc) {
            status = 2;
            break;
        }
        vg_jschema_result r;
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        rc = vg_jschema_validate(&ctx, schema, doc, NULL, &r);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        json_t *line = json_object();
        json_t *errors = json_array();
        for (size_t e = 0; e < r.nerrors; e++)
            json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "instance", r.errors[e].instance, "keyword",
                                                    r.errors[e].keyword, "message", r.errors[e].message));
        json_object_set_new(line, "file", json_string(argv[i]));
        if (rc == VG_OK)
            json_object_set_new(line, "valid", json_boolean(r.valid));
        else
            json_object_set_new(line, "error", json_string(ctx.message));
        json_object_set_new(line, "errors", errors);
        json_object_set_new(line, "ms", json_real((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6));
        print_line(line);
        json_decref(doc);
        vg_jschema_result_free(&r);
    }
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
    return fflush(stdout) == 0 ? status : 2;
}

/* Runs each case of CASES through check(), which returns a JSON value. */
static int cmd_cases(const char *path, const char *what,
                     json_t *(*check)(vg_arena *arena, const char *what, const json_t *subjects))
{
    json_t *cases = load(path);
    if (!json_is_array(cases)) {
        fprintf(stderr, "jschema-check: %s: not an array of cases\n", path);
        json_decref(cases);
        return 2;
    }
    vg_arena arena;
    vg_arena_init(&arena);
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *s = json_string_value(json_object_get(c, what));
        if (!s) {
            fprintf(stderr, "jschema-check: %s: case %zu has no \"%s\"\n", path, i, what);
            json_decref(out);
            json_decref(cases);
            vg_arena_free(&arena);
            return 2;
        }
        json_array_append_new(out, check(&arena, s, json_object_get(c, "subjects")));
    }
    print_line(out);
    json_decref(cases);
    vg_arena_free(&arena);
    return fflush(stdout) == 0 ? 0 : 2;
}

static json_t *check_regex(vg_arena *arena, const char *pattern, const json_t *subjects)
{
    jschema_regex *re;
    char err[300];
    if (jschema_regex_compile(arena, pattern, &re, err, sizeof err) < 0)
        return json_string(err);
    json_t *results = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(subjects, i, s) {
        size_t budget = 100000000;
        int r = jschema_regex_test(re, json_string_value(s), json_string_length(s), &budget);
        json_array_append_new(results, r < 0 ? json_string("budget") : json_boolean(r));
    }
    return results;
}

static json_t *check_format(vg_arena *arena, const char *name, const json_t *subjects)
{
    (void)arena;
    jschema_format f = jschema_format_lookup(name);
    if (f == JSCHEMA_FORMAT_NONE)
        return json_string("unknown format");
    json_t *results = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(subjects, i, s)
        json_array_append_new(results,
                              json_boolean(jschema_format_check(f, json_string_value(s), json_string_length(s))));
    return results;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "validate"))
        return cmd_validate(argc - 2, argv + 2);
    if (argc == 3 && !strcmp(argv[1], "regex"))
        return cmd_cases(argv[2], "pattern", check_regex);
    if (argc == 3 && !strcmp(argv[1], "format"))
        return cmd_cases(argv[2], "format", check_format);
    fprintf(stderr, "usage: jschema-check validate DIR SCHEMA FILE... | regex CASES | format CASES\n");
    return 2;
}
