/*
 * policy_catalogue.c — unit test of the control catalogue reader
 * (src/policy/catalogue.c, vigil/policy.h "The control catalogue").
 *
 * On the real policy/catalogue.json: every entry found by its id, the
 * parent/child/sibling links walking the whole tree exactly once in
 * document order, and the NIS2 points of the annex entries the file names.
 * On small catalogues made here: each limit at its edge (accepted at the
 * limit, refused one past it), each validation rule with the message it
 * promises, and the coverage report's errors.  tests/e2e/controls.sh tests
 * the same through the command on the real file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skip.h"
#include "vigil/policy.h"

/* ---- the real catalogue ---------------------------------------------------------- */

/* Visits the subtree under parent (NULL: every framework's top) in
 * document order, checking each child's links; returns how many it saw. */
static size_t walk(const vg_catalogue *cat, const vg_control *parent, size_t *next_index)
{
    size_t n = 0;
    for (const vg_control *c = vg_catalogue_children(cat, parent); c; c = c->next_sibling) {
        CHECK(c->index == *next_index, "%s comes at %zu in the walk, at %zu in the file", c->id, *next_index, c->index);
        CHECK(c->parent == parent, "%s: parent link", c->id);
        CHECK(c->depth == (parent ? parent->depth + 1 : 0), "%s: depth %u", c->id, c->depth);
        CHECK(vg_catalogue_at(cat, c->index) == c, "%s: vg_catalogue_at", c->id);
        CHECK(vg_catalogue_find(cat, c->id) == c, "%s: vg_catalogue_find", c->id);
        (*next_index)++;
        n += 1 + walk(cat, c, next_index);
    }
    return n;
}

static void test_real(void)
{
    const char *src = getenv("VIGIL_SRC");
    if (!src) {
        test_skip_part("the real catalogue (VIGIL_SRC is not set)");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/catalogue.json", src);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_catalogue *cat = NULL;
    int rc = vg_catalogue_load(&ctx, path, &cat);
    CHECK(rc == VG_OK, "%s: %s", path, ctx.message);
    if (rc) {
        vg_ctx_free(&ctx);
        return;
    }
    size_t next = 0;
    CHECK(walk(cat, NULL, &next) == vg_catalogue_count(cat), "the walk misses entries");
    CHECK(vg_catalogue_count(cat) == 254, "%zu entries", vg_catalogue_count(cat));
    CHECK(vg_catalogue_at(cat, vg_catalogue_count(cat)) == NULL, "past the end");
    CHECK(vg_catalogue_find(cat, "nis2:21.2.z") == NULL && vg_catalogue_find(cat, NULL) == NULL, "unknown id");

    const vg_control *mfa = vg_catalogue_find(cat, "ir2024-2690:11.7.1");
    CHECK(mfa && mfa->nnis2 == 2 && !strcmp(mfa->nis2[0]->id, "nis2:21.2.i") && !strcmp(mfa->nis2[1]->id, "nis2:21.2.j"),
          "11.7.1 implements (i) and (j)");
    CHECK(mfa && !strcmp(mfa->parent->id, "ir2024-2690:11.7") && !strcmp(mfa->parent->parent->id, "ir2024-2690:11") &&
              mfa->parent->parent->parent == NULL && mfa->depth == 2,
          "11.7.1 sits under 11.7 under 11");
    const vg_control *s13 = vg_catalogue_find(cat, "ir2024-2690:13");
    CHECK(s13 && s13->nnis2 == 3, "section 13 carries (c), (e), (i)");
    const vg_control *cra = vg_catalogue_find(cat, "cra:I.2");
    size_t points = 0;
    for (const vg_control *c = cra ? cra->first_child : NULL; c; c = c->next_sibling)
        points++;
    CHECK(points == 13, "CRA Annex I Part I (2) has points (a) to (m): %zu", points);
    CHECK(!strcmp(vg_catalogue_version(cat), "2026.12.1"), "version %s", vg_catalogue_version(cat));
    const vg_catalogue_source *s = vg_catalogue_source_of(cat, "ir2024-2690");
    CHECK(s && !strcmp(s->celex, "32024R2690"), "source of the annex");
    CHECK(vg_catalogue_source_of(cat, "dora") == NULL, "no source of an unknown framework");
    vg_catalogue_free(cat);
    vg_ctx_free(&ctx);
}

/* ---- small catalogues -------------------------------------------------------------- */

#define SOURCES                                                                                                        \
    "\"sources\":[{\"framework\":\"nis2\",\"title\":\"t\",\"celex\":\"32022L2555\",\"oj\":\"o\",\"url\":\"u\"},"      \
    "{\"framework\":\"ir2024-2690\",\"title\":\"t\",\"celex\":\"32024R2690\",\"oj\":\"o\",\"url\":\"u\"}]"
/* nis2:21.2 with points a and b; the annex's section 1 with 1.1, under it 1.1.1 (a) and 1.1.2 (b). */
#define TREE                                                                                                           \
    "{\"id\":\"nis2:21.2\",\"framework\":\"nis2\",\"ref\":\"Art. 21(2)\",\"title\":\"Measures\",\"parent\":null},"      \
    "{\"id\":\"nis2:21.2.a\",\"framework\":\"nis2\",\"ref\":\"(a)\",\"title\":\"A\",\"parent\":\"nis2:21.2\"},"          \
    "{\"id\":\"nis2:21.2.b\",\"framework\":\"nis2\",\"ref\":\"(b)\",\"title\":\"B\",\"parent\":\"nis2:21.2\"},"          \
    "{\"id\":\"ir2024-2690:1\",\"framework\":\"ir2024-2690\",\"ref\":\"1\",\"title\":\"S\",\"parent\":null,"           \
    "\"nis2\":[\"nis2:21.2.a\",\"nis2:21.2.b\"]},"                                                                     \
    "{\"id\":\"ir2024-2690:1.1\",\"framework\":\"ir2024-2690\",\"ref\":\"1.1\",\"title\":\"S\","                       \
    "\"parent\":\"ir2024-2690:1\",\"nis2\":[\"nis2:21.2.b\",\"nis2:21.2.a\"]},"                                        \
    "{\"id\":\"ir2024-2690:1.1.1\",\"framework\":\"ir2024-2690\",\"ref\":\"1.1.1\",\"title\":\"L\","                   \
    "\"parent\":\"ir2024-2690:1.1\",\"nis2\":[\"nis2:21.2.a\"]},"                                                      \
    "{\"id\":\"ir2024-2690:1.1.2\",\"framework\":\"ir2024-2690\",\"ref\":\"1.1.2\",\"title\":\"L\","                   \
    "\"parent\":\"ir2024-2690:1.1\",\"nis2\":[\"nis2:21.2.b\"]}"

static const char small[] = "{\"catalogue\":\"vigil-controls\",\"version\":\"2026.12.1\"," SOURCES ",\"requirements\":[" TREE "]}";

/* Parses text: the status, and the message must contain want (when rc !=
 * VG_OK); what names the case in failures. */
static void expect(const char *text, size_t len, int want_rc, const char *want, const char *what)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_catalogue *cat = (vg_catalogue *)1;
    int rc = vg_catalogue_parse(&ctx, "test.json", text, len, &cat);
    CHECK(rc == want_rc, "%s: status %d, expected %d (%s)", what, rc, want_rc, ctx.message);
    CHECK(rc != want_rc || rc == VG_OK || (strstr(ctx.message, want) && !strncmp(ctx.message, "test.json: ", 11)),
          "%s: message \"%s\" lacks \"test.json: ...%s\"", what, ctx.message, want);
    CHECK(rc ? cat == NULL : cat != NULL, "%s: *out", what);
    vg_catalogue_free(rc ? NULL : cat);
    vg_ctx_free(&ctx);
}
#define STR2(x) #x
#define STR(x) STR2(x)
#define EXPECT(text, rc, want) expect(text, strlen(text), rc, want, "line " STR(__LINE__))
#define EXPECT_LEN(text, len, rc, want) expect(text, len, rc, want, "line " STR(__LINE__))

/* small with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(small, from);
    if (!at)
        abort();
    size_t n = strlen(small) - strlen(from) + strlen(to);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    snprintf(s, n + 1, "%.*s%s%s", (int)(at - small), small, to, at + strlen(from));
    return s;
}
#define EXPECT_EDIT(from, to, rc, want)                                                                                \
    do {                                                                                                               \
        char *t_ = edit(from, to);                                                                                     \
        EXPECT(t_, rc, want);                                                                                          \
        free(t_);                                                                                                      \
    } while (0)

/* A catalogue of n nis2 entries, each the child of the one before when
 * chain, else all at the top.  The caller frees it. */
static char *generated(size_t n, int chain)
{
    size_t cap = 200 + n * 120;
    char *s = malloc(cap), *p = s;
    if (!s)
        abort();
    p += sprintf(p, "{\"catalogue\":\"vigil-controls\",\"version\":\"2026.12.1\"," SOURCES ",\"requirements\":[");
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, "%s{\"id\":\"nis2:%zu\",\"framework\":\"nis2\",\"ref\":\"r\",\"title\":\"t\",\"parent\":", i ? "," : "", i);
        p += i && chain ? sprintf(p, "\"nis2:%zu\"}", i - 1) : sprintf(p, "null}");
    }
    strcpy(p, "]}");
    return s;
}

static void test_limits(void)
{
    char *t = generated(VG_CATALOGUE_MAX_ENTRIES, 0);
    EXPECT_LEN(t, strlen(t), VG_OK, "");
    free(t);
    t = generated(VG_CATALOGUE_MAX_ENTRIES + 1, 0);
    EXPECT_LEN(t, strlen(t), VG_ERR_LIMIT, "more than 10000 requirements");
    free(t);
    t = generated(VG_CATALOGUE_MAX_DEPTH + 1, 1); /* depths 0 .. MAX */
    EXPECT_LEN(t, strlen(t), VG_OK, "");
    free(t);
    t = generated(VG_CATALOGUE_MAX_DEPTH + 2, 1);
    EXPECT_LEN(t, strlen(t), VG_ERR_LIMIT, "requirement nis2:9: more than 8 levels");
    free(t);
    /* The size is checked before parsing: a document of blanks one byte too long. */
    size_t big = VG_CATALOGUE_MAX_SIZE + 1;
    char *blank = malloc(big);
    if (!blank)
        abort();
    memset(blank, ' ', big);
    memcpy(blank, small, strlen(small));
    EXPECT_LEN(blank, VG_CATALOGUE_MAX_SIZE, VG_OK, "");
    EXPECT_LEN(blank, big, VG_ERR_LIMIT, "exceeds the limit of 8388608 bytes");
    free(blank);

    /* A title of 160 characters (two bytes each) is accepted, 161 refused;
     * an id of 64 bytes accepted, 65 refused. */
    char title[2 * 161 + 3], id[100];
    title[0] = '"';
    for (int i = 0; i < 161; i++)
        memcpy(title + 1 + 2 * i, "\xc3\xa9", 2);
    strcpy(title + 1 + 2 * 160, "\"");
    EXPECT_EDIT("\"A\"", title, VG_OK, "");
    memcpy(title + 1 + 2 * 160, "\xc3\xa9\"", 4);
    EXPECT_EDIT("\"A\"", title, VG_ERR_FORMAT, "requirement nis2:21.2.a: \"title\" must be a non-empty string of at most 160 characters");
    char b[56] = {0};
    memset(b, 'b', sizeof b - 1);
    b[54] = '\0'; /* "nis2:21.2." and 54 letters: 64 bytes, accepted (the annex names 21.2.b no longer) */
    snprintf(id, sizeof id, "\"nis2:21.2.%s\",\"framework\"", b);
    EXPECT_EDIT("\"nis2:21.2.b\",\"framework\"", id, VG_ERR_FORMAT, "names \"nis2:21.2.b\", which is not a nis2");
    b[54] = 'b'; /* 65 bytes */
    snprintf(id, sizeof id, "\"nis2:21.2.%s\",\"framework\"", b);
    EXPECT_EDIT("\"nis2:21.2.b\",\"framework\"", id, VG_ERR_FORMAT, "requirement 3: \"id\" must be nis2:NUMBER");
}

/* Edits of small, each with the status and the part of the message it must give. */
static const struct edit_case {
    const char *from, *to;
    int rc;
    const char *want;
} edits[] = {
    {"\"version\":\"2026.12.1\"", "\"version\":\"2026.12.1\",\"version\":\"2026.12.2\"", VG_ERR_FORMAT, "duplicate object key"},
    {"vigil-controls", "vigil-control", VG_ERR_FORMAT, "\"catalogue\" must be \"vigil-controls\""},
    {"\"version\"", "\"extra\":1,\"version\"", VG_ERR_FORMAT, "the catalogue: unknown member \"extra\""},
    {"2026.12.1", "2026.12.10", VG_OK, ""},
    {"2026.12.1", "2026.1.1", VG_ERR_FORMAT, "\"version\" must be YYYY.MM.N"},
    {"2026.12.1", "2026.12.01", VG_ERR_FORMAT, "\"version\" must be YYYY.MM.N"},
    {"2026.12.1", "2026.00.1", VG_ERR_FORMAT, "\"version\" must be YYYY.MM.N"},
    {"2026.12.1", "1999.12.1", VG_ERR_FORMAT, "\"version\" must be YYYY.MM.N"},
    {"2026.12.1", "2026.12.1a", VG_ERR_FORMAT, "\"version\" must be YYYY.MM.N"},
    {"\"celex\":\"32022L2555\"", "\"celex\":\"\"", VG_ERR_FORMAT, "source 1: \"celex\" must be"},
    {"{\"framework\":\"nis2\",\"title\"", "{\"framework\":\"nis2\",\"year\":1,\"title\"", VG_ERR_FORMAT, "source 1: unknown member \"year\""},
    {"\"framework\":\"ir2024-2690\",\"title\":\"t\"", "\"framework\":\"nis2\",\"title\":\"t\"", VG_ERR_FORMAT, "source 2: a second source for framework nis2"},
    {"\"framework\":\"ir2024-2690\",\"title\":\"t\"", "\"framework\":\"dora\",\"title\":\"t\"", VG_ERR_FORMAT, "source 2: unknown framework \"dora\""},
    {",{\"framework\":\"ir2024-2690\",\"title\":\"t\",\"celex\":\"32024R2690\",\"oj\":\"o\",\"url\":\"u\"}", "", VG_ERR_FORMAT, "requirement 4: framework ir2024-2690 has no entry in \"sources\""},
    {"\"requirements\":[", "\"requirements\":[3,", VG_ERR_FORMAT, "requirement 1 is not an object"},
    {"\"ref\":\"(a)\"", "\"ref\":\"(a)\",\"url\":\"x\"", VG_ERR_FORMAT, "requirement 2: unknown member \"url\""},
    {"\"framework\":\"nis2\",\"ref\":\"(a)\"", "\"framework\":\"dora\",\"ref\":\"(a)\"", VG_ERR_FORMAT, "requirement 2: unknown framework \"dora\""},
    {"nis2:21.2.a\",\"framework", "nis2:21.2..a\",\"framework", VG_ERR_FORMAT, "requirement 2: \"id\" must be nis2:NUMBER"},
    {"nis2:21.2.a\",\"framework", "nis2:21.2.a.\",\"framework", VG_ERR_FORMAT, "must be nis2:NUMBER"},
    {"nis2:21.2.a\",\"framework", "nis2:.21\",\"framework", VG_ERR_FORMAT, "must be nis2:NUMBER"},
    {"nis2:21.2.a\",\"framework", "nis2:21 2\",\"framework", VG_ERR_FORMAT, "must be nis2:NUMBER"},
    {"nis2:21.2.a\",\"framework", "cra:21.2.a\",\"framework", VG_ERR_FORMAT, "must be nis2:NUMBER"},
    {"nis2:21.2.b\",\"framework", "nis2:21.2.a\",\"framework", VG_ERR_FORMAT, "requirement nis2:21.2.a: a second requirement with this id"},
    {"\"ref\":\"(a)\"", "\"ref\":\"\"", VG_ERR_FORMAT, "requirement nis2:21.2.a: \"ref\" must be"},
    {"\"title\":\"A\"", "\"title\":\"\"", VG_ERR_FORMAT, "requirement nis2:21.2.a: \"title\" must be"},
    {"\"title\":\"A\"", "\"title\":\"A\\u0007\"", VG_ERR_FORMAT, "\"title\" must be"},
    {"\"title\":\"A\"", "\"title\":\"A\\u009b1m\"", VG_ERR_FORMAT, "\"title\" must be"}, /* C1 CSI */
    {"\"title\":\"A\"", "\"title\":\"A \\u00e9\"", VG_OK, ""},
    {"\"title\":\"A\"", "\"title\":7", VG_ERR_FORMAT, "\"title\" must be"},
    {"\"parent\":\"nis2:21.2\"}", "\"parent\":\"nis2:21\"}", VG_ERR_FORMAT, "requirement nis2:21.2.a: parent \"nis2:21\" is not an earlier requirement"},
    {"\"parent\":\"nis2:21.2\"}", "\"parent\":\"nis2:21.2.b\"}", VG_ERR_FORMAT, "parent \"nis2:21.2.b\" is not an earlier requirement"},
    {"\"parent\":\"nis2:21.2\"}", "\"parent\":\"nis2:21.2.a\"}", VG_ERR_FORMAT, "parent \"nis2:21.2.a\" is not an earlier requirement"}, /* itself */
    {"\"parent\":\"nis2:21.2\"}", "\"parent\":1}", VG_ERR_FORMAT, "\"parent\" must be an id or null"},
    {",\"parent\":\"nis2:21.2\"}", "}", VG_ERR_FORMAT, "\"parent\" must be an id or null"},
    {"\"parent\":\"ir2024-2690:1\"", "\"parent\":\"nis2:21.2\"", VG_ERR_FORMAT, "requirement ir2024-2690:1.1: parent nis2:21.2 is of another framework"},
    {"\"title\":\"A\",\"parent\":\"nis2:21.2\"}", "\"title\":\"A\",\"parent\":\"nis2:21.2\",\"nis2\":[]}", VG_ERR_FORMAT, "requirement nis2:21.2.a: only ir2024-2690 entries have \"nis2\""},
    {",\"nis2\":[\"nis2:21.2.a\"]}", "}", VG_ERR_FORMAT, "requirement ir2024-2690:1.1.1: \"nis2\" must list the NIS2 Art. 21(2) points"},
    {"\"nis2\":[\"nis2:21.2.a\"]}", "\"nis2\":[]}", VG_ERR_FORMAT, "\"nis2\" must list"},
    {"\"nis2\":[\"nis2:21.2.a\"]}", "\"nis2\":[\"nis2:21.2.c\"]}", VG_ERR_FORMAT, "requirement ir2024-2690:1.1.1: \"nis2\" names \"nis2:21.2.c\", which is not a nis2 requirement"},
    {"\"nis2\":[\"nis2:21.2.a\"]}", "\"nis2\":[\"ir2024-2690:1\"]}", VG_ERR_FORMAT, "names \"ir2024-2690:1\", which is not a nis2 requirement"},
    {"\"nis2\":[\"nis2:21.2.a\"]}", "\"nis2\":[4]}", VG_ERR_FORMAT, "names \"(not a string)\""},
    {"\"nis2\":[\"nis2:21.2.a\"]}", "\"nis2\":[\"nis2:21.2.a\",\"nis2:21.2.a\"]}", VG_ERR_FORMAT, "requirement ir2024-2690:1.1.1: \"nis2\" names nis2:21.2.a twice"}, /* The union rule, both ways. */
    {"\"nis2\":[\"nis2:21.2.b\",\"nis2:21.2.a\"]", "\"nis2\":[\"nis2:21.2.a\"]", VG_ERR_FORMAT, "requirement ir2024-2690:1.1: \"nis2\" lacks nis2:21.2.b, which its child ir2024-2690:1.1.2 names"},
    {"\"nis2\":[\"nis2:21.2.b\"]}", "\"nis2\":[\"nis2:21.2.a\"]}", VG_ERR_FORMAT, "requirement ir2024-2690:1.1: \"nis2\" names a point none of its children names"},
};

static void test_rules(void)
{
    EXPECT(small, VG_OK, "");
    EXPECT("[]", VG_ERR_FORMAT, "the catalogue is not an object");
    EXPECT("{\"catalogue\":1", VG_ERR_FORMAT, "not a valid JSON document (line 1");
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char *t = edit(edits[i].from, edits[i].to);
        char what[32];
        snprintf(what, sizeof what, "edits[%zu]", i);
        expect(t, strlen(t), edits[i].rc, edits[i].want, what);
        free(t);
    }
}

/* vg_catalogue_report() on small: the coverage and its errors. */
static void test_report(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_catalogue *cat = NULL;
    if (vg_catalogue_parse(&ctx, "small.json", small, strlen(small), &cat)) {
        CHECK(0, "small: %s", ctx.message);
        vg_ctx_free(&ctx);
        return;
    }
    json_t *doc = NULL;
    const char *bogus[] = {"nis2", "dora"};
    CHECK(vg_catalogue_report(&ctx, cat, bogus, 2, NULL, &doc) == VG_ERR_USAGE && !doc &&
              strstr(ctx.message, "unknown framework \"dora\""),
          "unknown framework: %s", ctx.message);

    /* r1 names 1.1.1 twice and the section; r2 names 21.2.b.  Expected:
     * 21.2.a through the annex (r1), 21.2.b directly; 1.1.1 covered,
     * 1.1.2 not: 1.1 and 1 have 1 of 2 leaves, 21.2 2 of 2. */
    json_t *rules = json_loads("[{\"id\":\"r1\",\"file\":\"a.lua\",\"pack\":\"p\",\"requirements\":"
                               "[\"ir2024-2690:1.1.1\",\"ir2024-2690:1\",\"ir2024-2690:1.1.1\"]},"
                               "{\"id\":\"r2\",\"file\":\"b.lua\",\"pack\":\"p\",\"requirements\":[\"nis2:21.2.b\"]}]",
                               0, NULL);
    int rc = vg_catalogue_report(&ctx, cat, NULL, 0, rules, &doc);
    CHECK(rc == VG_OK, "report: %s", ctx.message);
    json_t *want = json_loads("[[\"nis2:21.2\",[],null,2],[\"nis2:21.2.a\",[],true,null],[\"nis2:21.2.b\",[\"r2\"],true,null],"
                              "[\"ir2024-2690:1\",[\"r1\"],null,1],[\"ir2024-2690:1.1\",[],null,1],"
                              "[\"ir2024-2690:1.1.1\",[\"r1\"],true,null],[\"ir2024-2690:1.1.2\",[],false,null]]",
                              0, NULL);
    json_t *got = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "requirements"), i, e) {
        json_t *covered = json_object_get(e, "covered"), *leaves = json_object_get(e, "covered_leaves");
        json_array_append_new(got, json_pack("[OOOO]", json_object_get(e, "id"), json_object_get(e, "rules"),
                                             covered ? covered : json_null(), leaves ? leaves : json_null()));
    }
    char *g = json_dumps(got, JSON_COMPACT);
    CHECK(json_equal(got, want), "coverage: %s", g);
    free(g);
    json_t *via = json_object_get(json_array_get(json_object_get(doc, "requirements"), 1), "via_annex");
    CHECK(json_array_size(via) == 1 && !strcmp(json_string_value(json_array_get(via, 0)), "r1"), "21.2.a via r1");
    CHECK(json_integer_value(json_object_get(json_object_get(doc, "summary"), "covered")) == 3, "3 leaves covered");
    json_decref(got);
    json_decref(want);
    json_decref(doc);
    json_decref(rules);

    rules = json_loads("[{\"id\":\"r3\",\"file\":\"packs/x/r3.lua\",\"pack\":\"x\",\"requirements\":"
                       "[\"nis2:21.2.a\",\"ir2024-2690:1.2\"]}]", 0, NULL);
    doc = NULL;
    CHECK(vg_catalogue_report(&ctx, cat, NULL, 0, rules, &doc) == VG_ERR_RULE && !doc &&
              !strncmp(ctx.message, "packs/x/r3.lua: rule r3 names requirement \"ir2024-2690:1.2\", which is not in "
                       "the control catalogue small.json (version 2026.12.1)", 109),
          "unknown requirement: %s", ctx.message);
    json_decref(rules);
    vg_catalogue_free(cat);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_real();
    test_limits();
    test_rules();
    test_report();
    return failures ? 1 : 0;
}
