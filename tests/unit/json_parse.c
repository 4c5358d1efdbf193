/*
 * json_parse.c — unit test of vg_json_parse() (vigil/json.h, src/core/json.c).
 *
 * Against jansson, the reference: every JSON file of ../shared/schemas and
 * ../shared/testvectors and a sample of ../shared/vulndata (every tenth
 * .json file in path order, at most 8 MB; real OSV, secdb, KEV and NVD
 * documents) is read by vg_json_parse and by json_loadb with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY; both must accept it or both
 * refuse it, and accepted, the values must be json_equal and json_dumps
 * must write them the same (members in the same order).  With arguments,
 * the files and directories named are compared instead.
 *
 * Without a reference, values and messages written here by hand: the
 * limits of 64-bit integers, reals, escapes, the nesting limit (2048
 * levels accepted, 2049 refused with VG_ERR_LIMIT), the line and column
 * (in characters) of an error, and vg_yaml_read's JSON branch, which now
 * reads through vg_json_parse.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/buf.h"
#include "vigil/io.h"
#include "vigil/json.h"
#include "vigil/yaml.h"
#include "check.h"
#include "skip.h"

#define SAMPLE_EVERY 10
#define SAMPLE_MAX_BYTES (8u << 20)

typedef struct tally {
    size_t files, bytes, refused;
} tally;

/* Parses text with both parsers and checks that they agree. */
static void compare(const char *path, const char *text, size_t len, tally *t)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *ours = NULL;
    int rc = vg_json_parse(&ctx, path, text, len, &ours);
    json_error_t err;
    json_t *theirs = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    CHECK((rc == VG_OK) == (theirs != NULL), "%s: vg_json_parse %s, json_loadb %s", path,
          rc == VG_OK ? "accepts it" : ctx.message, theirs ? "accepts it" : err.text);
    if (rc == VG_OK && theirs) {
        char *a = json_dumps(ours, JSON_ENCODE_ANY | JSON_COMPACT);
        char *b = json_dumps(theirs, JSON_ENCODE_ANY | JSON_COMPACT);
        CHECK(json_equal(ours, theirs) && a && b && strcmp(a, b) == 0, "%s: the two parsers give different values",
              path);
        free(a);
        free(b);
    }
    t->files++;
    t->bytes += len;
    t->refused += rc != VG_OK;
    json_decref(ours);
    json_decref(theirs);
    vg_ctx_free(&ctx);
}

static void compare_file(const char *path, tally *t)
{
    vg_buf text;
    vg_buf_init(&text, (size_t)256 << 20);
    int fd = open(path, O_RDONLY);
    int ok = fd >= 0 && vg_read_all(fd, &text) == VG_OK;
    if (fd >= 0)
        close(fd);
    CHECK(ok, "%s: cannot read it", path);
    if (ok)
        compare(path, text.data ? text.data : "", text.len, t);
    vg_buf_free(&text);
}

static int has_json_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Every .json file below dir in path order, or every `every`-th one until
 * max_bytes have been read. */
static void compare_tree(const char *dir, size_t every, size_t max_bytes, size_t *seen, tally *t)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    CHECK(n >= 0, "%s: cannot list it", dir);
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        char path[4096];
        struct stat st;
        if (name[0] != '.' && (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
            stat(path, &st) == 0 && t->bytes < max_bytes) {
            if (S_ISDIR(st.st_mode))
                compare_tree(path, every, max_bytes, seen, t);
            else if (S_ISREG(st.st_mode) && has_json_suffix(name) && (*seen)++ % every == 0)
                compare_file(path, t);
        }
        free(entries[i]);
    }
    free(entries);
}

static int against_jansson_shared(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    char dir[4096];
    struct stat st;
    if (!shared || snprintf(dir, sizeof dir, "%s/schemas", shared) >= (int)sizeof dir || stat(dir, &st) != 0)
        return test_skip("../shared/schemas not found (VIGIL_SHARED=%s)", shared ? shared : "unset");
    tally all = {0}, sample = {0};
    size_t seen = 0;
    compare_tree(dir, 1, SIZE_MAX, &seen, &all);
    snprintf(dir, sizeof dir, "%s/testvectors", shared);
    compare_tree(dir, 1, SIZE_MAX, &seen, &all);
    /* The schemas folder alone holds 60 JSON documents. */
    CHECK(all.files >= 50, "only %zu JSON files under schemas and testvectors", all.files);
    snprintf(dir, sizeof dir, "%s/vulndata", shared);
    seen = 0;
    compare_tree(dir, SAMPLE_EVERY, SAMPLE_MAX_BYTES, &seen, &sample);
    CHECK(sample.files >= 500, "only %zu vulndata JSON files sampled", sample.files);
    printf("schemas and testvectors: %zu files, %zu bytes, %zu refused by both; vulndata sample: %zu files, "
           "%zu bytes, %zu refused by both\n",
           all.files, all.bytes, all.refused, sample.files, sample.bytes, sample.refused);
    return 0;
}

/* Parses text, expecting success; NULL (a failure counted) otherwise. */
static json_t *parse_ok(const char *text)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *v = NULL;
    int rc = vg_json_parse(&ctx, "t.json", text, strlen(text), &v);
    CHECK(rc == VG_OK && v, "%s: refused: %s", text, ctx.message);
    vg_ctx_free(&ctx);
    return v;
}

/* Parses the len bytes at text, expecting the status and the message. */
static void parse_fails(const char *text, size_t len, int status, const char *message)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *v = (json_t *)&ctx; /* must be reset to NULL */
    int rc = vg_json_parse(&ctx, "t.json", text, len, &v);
    CHECK(rc == status && v == NULL && strcmp(ctx.message, message) == 0,
          "%.40s: status %d, message \"%s\"; expected %d, \"%s\"", text, rc, ctx.message, status, message);
    vg_ctx_free(&ctx);
}

static void test_values(void)
{
    json_t *v = parse_ok(" [9223372036854775807, -9223372036854775808, -0, 0, 1.5, -0.0, 1e-400, 2.5E+3, 1e2]\n");
    CHECK(json_array_size(v) == 9, "array of 9");
    CHECK(json_integer_value(json_array_get(v, 0)) == INT64_MAX, "INT64_MAX");
    CHECK(json_integer_value(json_array_get(v, 1)) == INT64_MIN, "INT64_MIN");
    CHECK(json_is_integer(json_array_get(v, 2)) && json_integer_value(json_array_get(v, 2)) == 0, "-0 is integer 0");
    CHECK(json_is_real(json_array_get(v, 4)) && json_real_value(json_array_get(v, 4)) == 1.5, "1.5");
    CHECK(json_is_real(json_array_get(v, 5)) && json_real_value(json_array_get(v, 5)) == 0.0, "-0.0 is a real");
    CHECK(json_is_real(json_array_get(v, 6)) && json_real_value(json_array_get(v, 6)) == 0.0, "1e-400 is 0.0");
    CHECK(json_real_value(json_array_get(v, 7)) == 2500.0, "2.5E+3");
    CHECK(json_is_real(json_array_get(v, 8)) && json_real_value(json_array_get(v, 8)) == 100.0, "1e2 is a real");
    json_decref(v);

    v = parse_ok("{\"a\\u00e9\\n\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u20AC\\uD83D\\uDE00\", \"long plain name\": \"\xc3\xa9t\xc3\xa9\"}");
    const char *s = json_string_value(json_object_get(v, "a\xc3\xa9\n"));
    CHECK(s && strcmp(s, "\"\\/\b\f\n\r\t\xe2\x82\xac\xf0\x9f\x98\x80") == 0, "escapes decoded: %s", s ? s : "(none)");
    s = json_string_value(json_object_get(v, "long plain name"));
    CHECK(s && strcmp(s, "\xc3\xa9t\xc3\xa9") == 0, "UTF-8 kept");
    /* Members stay in document order. */
    CHECK(strcmp(json_object_iter_key(json_object_iter(v)), "a\xc3\xa9\n") == 0, "first member first");
    json_decref(v);

    v = parse_ok("\"top\"");
    CHECK(json_is_string(v), "a string at the top");
    json_decref(v);
}

/* A refusal of a string literal, NUL bytes in it included. */
#define FAILS(literal, status, message) parse_fails(literal, sizeof literal - 1, status, message)

static void test_errors(void)
{
    FAILS("{\n  \"a\": [1, 2],\n  \"b\": tru\n}", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 3, column 8: a value expected, found 't')");
    /* Columns count characters, not bytes. */
    FAILS("[\"\xc3\xa9\xe2\x82\xac\", x]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 8: a value expected, found 'x')");
    FAILS("{\"a\": 1, \"a\": 2}", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 10: the member name \"a\" given twice in one object)");
    FAILS("[9223372036854775808]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 2: an integer beyond 64 bits (above 2^63-1))");
    FAILS("[1e309]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 2: a number too large for a double (beyond 1.8e308))");
    FAILS("[\"\\ud800x\"]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 3: \\uD800, the first half of a surrogate pair, without the "
                "second)");
    FAILS("[\"a\\u0000\"]", VG_ERR_FORMAT, "t.json: not valid JSON (line 1, column 4: \\u0000 (NUL) in a string)");
    FAILS("[\"\xed\xa0\x80\"]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 3: invalid UTF-8 in a string (byte 0xED))");
    FAILS("\xef\xbb\xbf{}", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 1: a byte order mark (U+FEFF) before the text; remove it)");
    FAILS("[1] [2]", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 5: the end of the text (a JSON text is one value) expected, "
                "found '[')");
    FAILS("[1]\0", VG_ERR_FORMAT,
                "t.json: not valid JSON (line 1, column 4: the end of the text (a JSON text is one value) expected, "
                "found the byte 0x00)");
    FAILS("", VG_ERR_FORMAT, "t.json: not valid JSON (line 1, column 1: a value expected, found the end of the text)");
}

static void test_depth(void)
{
    size_t n = VG_JSON_MAX_DEPTH + 1;
    char *text = malloc(2 * n + 1);
    CHECK(text != NULL, "malloc");
    if (!text)
        return;
    /* 2048 levels: arrays, the innermost an object. */
    memset(text, '[', n - 2);
    memcpy(text + n - 2, "{}", 2);
    memset(text + n, ']', n - 2);
    text[2 * n - 2] = '\0';
    json_t *v = parse_ok(text);
    size_t depth = 0;
    for (json_t *e = v; e; e = json_is_array(e) ? json_array_get(e, 0) : NULL)
        depth++;
    CHECK(depth == VG_JSON_MAX_DEPTH, "%zu levels read, expected %d", depth, VG_JSON_MAX_DEPTH);
    json_decref(v);
    /* 2049 levels. */
    memset(text, '[', n);
    memset(text + n, ']', n);
    parse_fails(text, 2 * n, VG_ERR_LIMIT,
                "t.json: not valid JSON (line 1, column 2049: arrays and objects nested deeper than 2048 levels)");
    free(text);
}

/* vg_yaml_read reads JSON with vg_json_parse: its messages, its limits
 * (nesting deeper than YAML's 64 levels is fine). */
static void test_yaml_read(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *v = NULL;
    const char *text = "  {\"rules\": {\"a\": 1,\n \"a\": 2}}";
    CHECK(vg_yaml_read(&ctx, "policy.json", text, strlen(text), &v) == VG_ERR_FORMAT && !v &&
              strcmp(ctx.message, "policy.json: not valid JSON (line 2, column 2: the member name \"a\" given "
                                  "twice in one object)") == 0,
          "vg_yaml_read of JSON: %s", ctx.message);
    char deep[202];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    CHECK(vg_yaml_read(&ctx, "deep.json", deep, 200, &v) == VG_OK && json_is_array(v), "100 levels of JSON: %s",
          ctx.message);
    json_decref(v);
    vg_ctx_free(&ctx);
}

int main(int argc, char **argv)
{
    test_values();
    test_errors();
    test_depth();
    test_yaml_read();
    if (argc > 1) {
        tally t = {0};
        for (int i = 1; i < argc; i++) {
            struct stat st;
            size_t seen = 0;
            if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
                compare_tree(argv[i], 1, SIZE_MAX, &seen, &t);
            else
                compare_file(argv[i], &t);
        }
        printf("%zu files, %zu bytes, %zu refused by both\n", t.files, t.bytes, t.refused);
        return failures != 0;
    }
    int rc = against_jansson_shared();
    return failures ? 1 : rc;
}
