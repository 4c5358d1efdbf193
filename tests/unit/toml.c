/*
 * toml.c — unit test of the TOML 1.0 reader (src/core/toml.c, toml.h).
 *
 * Without arguments: documents written from the TOML 1.0 specification's
 * examples, with the values the specification says they hold, and invalid
 * documents with the line the error must name.
 * With a file argument: prints the document as JSON (floats and dates as
 * {"float": text} / {"datetime": text}) so that tests/e2e/toml_reference.sh
 * can compare it with Python's tomllib reading the same file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/toml.h"

static int failures;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                                   \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

static const vg_toml_value *parse_ok(vg_arena *arena, const char *text)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_toml_value *root = NULL;
    int rc = vg_toml_parse(&ctx, arena, "t.toml", text, strlen(text), &root);
    if (rc != VG_OK) {
        fprintf(stderr, "unexpected error %d: %s\n--- document:\n%s\n", rc, ctx.message, text);
        failures++;
    }
    vg_ctx_free(&ctx);
    return root;
}

/* The document must be rejected with a message naming "t.toml:LINE:". */
static void parse_bad(const char *text, size_t line)
{
    vg_arena arena;
    vg_arena_init(&arena);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_toml_value *root = (vg_toml_value *)1;
    int rc = vg_toml_parse(&ctx, &arena, "t.toml", text, strlen(text), &root);
    char want[64];
    snprintf(want, sizeof want, "t.toml:%zu:", line);
    if (rc == VG_OK || root != NULL || strncmp(ctx.message, want, strlen(want)) != 0) {
        fprintf(stderr, "bad document accepted or wrong message (rc %d, \"%s\", want \"%s\"):\n%s\n", rc,
                ctx.message, want, text);
        failures++;
    }
    vg_ctx_free(&ctx);
    vg_arena_free(&arena);
}

static int str_is(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

static void test_valid(void)
{
    vg_arena arena;
    vg_arena_init(&arena);

    const vg_toml_value *r = parse_ok(&arena,
        "# comment\n"
        "title = \"TOML \\\"Example\\\"\" # trailing\n"
        "bare_key-1 = 'C:\\Users\\x'\n"
        "\"quoted key\" = 1_000\n"
        "site.\"google.com\" = true\n"
        "hex = 0xDEAD_beef\r\n"
        "oct = 0o755\n"
        "bin = 0b1101\n"
        "neg = -9223372036854775808\n"
        "flt = 6.626e-34\n"
        "inf1 = -inf\n"
        "odt = 1979-05-27 07:32:00Z\n"
        "ld = 1979-05-27\n"
        "lt = 00:32:00.999999\n"
        "uni = \"\\u00e9\\U0001F600\"\n"
        "ml = \"\"\"\nRoses\\\n   are red\"\"\"\"\"\n"
        "lit = '''\nfirst\n'second' '''\n"
        "arr = [ 1, [\"a\", 'b'], { x = 1 }, # comment\n ]\n"
        "inl = { name.first = \"Tom\", name.last = \"P\" }\n");
    CHECK(r && r->type == VG_TOML_TABLE);
    CHECK(str_is(vg_toml_get_string(r, "title"), "TOML \"Example\""));
    CHECK(str_is(vg_toml_get_string(r, "bare_key-1"), "C:\\Users\\x"));
    CHECK(vg_toml_get(r, "quoted key") && vg_toml_get(r, "quoted key")->integer == 1000);
    const vg_toml_value *site = vg_toml_get_table(r, "site");
    CHECK(site && vg_toml_get(site, "google.com") && vg_toml_get(site, "google.com")->boolean == 1);
    CHECK(vg_toml_get(r, "hex") && vg_toml_get(r, "hex")->integer == 0xDEADBEEF);
    CHECK(vg_toml_get(r, "oct") && vg_toml_get(r, "oct")->integer == 0755);
    CHECK(vg_toml_get(r, "bin") && vg_toml_get(r, "bin")->integer == 13);
    CHECK(vg_toml_get(r, "neg") && vg_toml_get(r, "neg")->integer == INT64_MIN);
    CHECK(vg_toml_get(r, "flt") && vg_toml_get(r, "flt")->type == VG_TOML_FLOAT &&
          str_is(vg_toml_get(r, "flt")->string, "6.626e-34"));
    CHECK(vg_toml_get(r, "inf1") && vg_toml_get(r, "inf1")->type == VG_TOML_FLOAT);
    CHECK(vg_toml_get(r, "odt") && vg_toml_get(r, "odt")->type == VG_TOML_DATETIME &&
          str_is(vg_toml_get(r, "odt")->string, "1979-05-27 07:32:00Z"));
    CHECK(vg_toml_get(r, "ld") && vg_toml_get(r, "ld")->type == VG_TOML_DATETIME);
    CHECK(vg_toml_get(r, "lt") && vg_toml_get(r, "lt")->type == VG_TOML_DATETIME);
    CHECK(str_is(vg_toml_get_string(r, "uni"), "\xc3\xa9\xf0\x9f\x98\x80"));
    CHECK(str_is(vg_toml_get_string(r, "ml"), "Rosesare red\"\""));
    CHECK(str_is(vg_toml_get_string(r, "lit"), "first\n'second' "));
    const vg_toml_value *arr = vg_toml_get_array(r, "arr");
    CHECK(arr && arr->count == 3);
    CHECK(vg_toml_at(arr, 0) && vg_toml_at(arr, 0)->integer == 1);
    CHECK(vg_toml_at(vg_toml_at(arr, 1), 1) && str_is(vg_toml_at(vg_toml_at(arr, 1), 1)->string, "b"));
    CHECK(vg_toml_get(vg_toml_at(arr, 2), "x") != NULL);
    CHECK(vg_toml_at(arr, 3) == NULL);
    const vg_toml_value *name = vg_toml_get_table(vg_toml_get_table(r, "inl"), "name");
    CHECK(str_is(vg_toml_get_string(name, "first"), "Tom") && str_is(vg_toml_get_string(name, "last"), "P"));
    CHECK(vg_toml_get_string(r, "nothing") == NULL && vg_toml_get_string(NULL, "x") == NULL);

    /* tables, implicit parents, arrays of tables with sub-tables (spec examples) */
    r = parse_ok(&arena,
        "[x.y.z.w]\n"
        "a = 1\n"
        "[x]\n"
        "b = 2\n"
        "[fruit]\n"
        "apple.color = \"red\"\n"
        "[fruit.apple.texture]\n"
        "smooth = true\n"
        "[[products]]\n"
        "name = \"Hammer\"\n"
        "[[products]]\n"
        "[[products]]\n"
        "name = \"Nail\"\n"
        "[products.dims]\n"
        "len = 3\n"
        "[[products.tags]]\n"
        "t = 'x'\n");
    const vg_toml_value *x = vg_toml_get_table(r, "x");
    CHECK(x && x->count == 2 && vg_toml_get(x, "b") && vg_toml_get(x, "b")->integer == 2);
    CHECK(vg_toml_get(vg_toml_get_table(vg_toml_get_table(vg_toml_get_table(x, "y"), "z"), "w"), "a"));
    const vg_toml_value *apple = vg_toml_get_table(vg_toml_get_table(r, "fruit"), "apple");
    CHECK(str_is(vg_toml_get_string(apple, "color"), "red") && vg_toml_get_table(apple, "texture"));
    const vg_toml_value *products = vg_toml_get_array(r, "products");
    CHECK(products && products->count == 3);
    CHECK(vg_toml_at(products, 1) && vg_toml_at(products, 1)->count == 0);
    CHECK(str_is(vg_toml_get_string(vg_toml_at(products, 2), "name"), "Nail"));
    CHECK(vg_toml_get_table(vg_toml_at(products, 2), "dims") && !vg_toml_get_table(vg_toml_at(products, 0), "dims"));
    CHECK(vg_toml_get_array(vg_toml_at(products, 2), "tags") &&
          vg_toml_get_array(vg_toml_at(products, 2), "tags")->count == 1);
    CHECK(products && products->line == 9 && vg_toml_at(products, 2)->line == 12);

    /* many keys in one table: found through the parser's map, in order */
    size_t big = 20000;
    char *doc = malloc(big * 16);
    size_t n = 0;
    for (size_t i = 0; i < big; i++)
        n += (size_t)snprintf(doc + n, big * 16 - n, "k%zu = %zu\n", i, i);
    r = parse_ok(&arena, doc);
    CHECK(r && r->count == big && str_is(r->keys[big - 1], "k19999") && r->items[123]->integer == 123);
    free(doc);
    vg_arena_free(&arena);
}

static void test_invalid(void)
{
    parse_bad("a = 1\na = 2\n", 2);                       /* duplicate key */
    parse_bad("[a]\nb=1\n\n[a]\n", 4);                    /* table defined twice */
    parse_bad("[fruit]\napple.color = 1\n[fruit.apple]\n", 3);
    parse_bad("a = [1]\n[[a]]\n", 2);                     /* static array */
    parse_bad("a = {b = 1}\n[a.c]\n", 2);                 /* inline table is closed */
    parse_bad("a = {b = 1}\na.c = 2\n", 2);
    parse_bad("a = \"unterminated\nb = 1\n", 1);
    parse_bad("a = 'x'\nb = \"\\q\"\n", 2);               /* invalid escape */
    parse_bad("a = 1 b = 2\n", 1);                        /* two values on a line */
    parse_bad("\n\na = 01\n", 3);                         /* leading zero */
    parse_bad("a = 9223372036854775808\n", 1);            /* out of range */
    parse_bad("a = \"\xff\"\n", 1);                       /* invalid UTF-8 */
    parse_bad("a = \"\\ud800\"\n", 1);                    /* surrogate */
    parse_bad("a = \n", 1);                               /* missing value */
    parse_bad("[a\n", 1);
    parse_bad("[[a]\n", 1);
    parse_bad("a = [1,\n2\n", 3);                         /* unterminated array */
    parse_bad("a = {b = 1,}\n", 1);                       /* trailing comma in inline table */
    parse_bad("a = 1.\n", 1);
    parse_bad("a = 0x\n", 1);
    parse_bad("a = +0x1\n", 1);
    parse_bad("a = tru\n", 1);
    parse_bad("a = \"x\"\r\rb = 1\n", 1);                 /* bare CR */
    parse_bad("a = 1 # \x01\n", 1);                       /* control character in a comment */
    parse_bad("\"\"\"k\"\"\" = 1\n", 1);                  /* multi-line string as a key */

    /* nesting past the limit is VG_ERR_LIMIT, not a crash */
    char deep[VG_TOML_MAX_DEPTH * 2 + 16];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "a = ");
    for (int i = 0; i < VG_TOML_MAX_DEPTH + 2; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    vg_arena arena;
    vg_arena_init(&arena);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_toml_value *root;
    CHECK(vg_toml_parse(&ctx, &arena, "t.toml", deep, n, &root) == VG_ERR_LIMIT && root == NULL);
    vg_ctx_free(&ctx);
    vg_arena_free(&arena);
}

static void print_json_string(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_json(const vg_toml_value *v)
{
    switch (v->type) {
    case VG_TOML_TABLE:
        putchar('{');
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                putchar(',');
            print_json_string(v->keys[i], strlen(v->keys[i]));
            putchar(':');
            print_json(v->items[i]);
        }
        putchar('}');
        break;
    case VG_TOML_ARRAY:
        putchar('[');
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                putchar(',');
            print_json(v->items[i]);
        }
        putchar(']');
        break;
    case VG_TOML_STRING: print_json_string(v->string, v->len); break;
    case VG_TOML_INTEGER: printf("%" PRId64, v->integer); break;
    case VG_TOML_BOOLEAN: fputs(v->boolean ? "true" : "false", stdout); break;
    case VG_TOML_FLOAT:
        fputs("{\"float\":", stdout);
        print_json_string(v->string, v->len);
        putchar('}');
        break;
    case VG_TOML_DATETIME:
        fputs("{\"datetime\":", stdout);
        print_json_string(v->string, v->len);
        putchar('}');
        break;
    }
}

/* Prints FILE as JSON; exit 1 with the error message on stderr when it is invalid. */
static int dump_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    static char data[1 << 22];
    size_t len = fread(data, 1, sizeof data, f);
    fclose(f);
    vg_arena arena;
    vg_arena_init(&arena);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_toml_value *root;
    int rc = vg_toml_parse(&ctx, &arena, path, data, len, &root);
    if (rc == VG_OK) {
        print_json(root);
        putchar('\n');
    } else {
        fprintf(stderr, "%s\n", ctx.message);
    }
    vg_ctx_free(&ctx);
    vg_arena_free(&arena);
    return rc == VG_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return dump_file(argv[1]);
    test_valid();
    test_invalid();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures != 0;
}
