/*
 * supplier_attribute.c — unit test of the attribution rules
 * (src/supplier/attribute.c; docs/supplier-risk.md, "Attribution").
 *
 * Each precedence step of the contract with a case where it alone decides:
 * kind (purl, then name, then supplier), longest literal prefix, longest
 * pattern, supplier name in byte order, rule position; the purl seen
 * without ?qualifiers and #subpath; supplier globs ASCII case-insensitive,
 * purl and name globs not; the glob edges ('*' over '/', '?' one byte,
 * backtracking, a pattern without wildcard is exact); the bounds (8 stars,
 * 500 bytes) and malformed rules.  Then a cross-check: random rules and
 * strings over a small alphabet, where prefixes collide often and groups
 * are large enough to be indexed by their literals, compared
 * with a brute force written here (every rule tried, a recursive matcher,
 * the precedence as an explicit sort key).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vigil/supplier.h"

/* A register from "Name|kind:glob|kind:glob;Name2|..." */
static json_t *records(const char *spec)
{
    json_t *arr = json_array();
    char *copy = strdup(spec), *save = NULL;
    for (char *sup = strtok_r(copy, ";", &save); sup; sup = strtok_r(NULL, ";", &save)) {
        char *save2 = NULL, *name = strtok_r(sup, "|", &save2);
        json_t *rules = json_array();
        for (char *r = strtok_r(NULL, "|", &save2); r; r = strtok_r(NULL, "|", &save2)) {
            char *colon = strchr(r, ':');
            *colon = '\0';
            json_array_append_new(rules, json_pack("{s:s}", r, colon + 1));
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "name", name, "supplies", "software",
                                             "criticality", "low", "rules", rules));
    }
    free(copy);
    return arr;
}

static vg_supplier_rules *compile(const char *spec)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *recs = records(spec);
    vg_supplier_rules *rules = NULL;
    int rc = vg_supplier_rules_compile(&ctx, recs, &rules);
    CHECK(rc == VG_OK, "compile %s: %d %s", spec, rc, ctx.message);
    json_decref(recs);
    vg_ctx_free(&ctx);
    return rules;
}

/* Expects the component to go to record want by the rule labelled
 * want_rule (NULL: unmapped). */
static void expect_at(int line, const vg_supplier_rules *rules, const char *purl, const char *name,
                      const char *supplier, long want, const char *want_rule)
{
    const char *what = purl ? purl : name ? name : supplier ? supplier : "(nothing)";
    const char *got_rule = "x";
    long got = vg_supplier_attribute(rules, purl, name, supplier, &got_rule);
    CHECK(got == want, "line %d: %s: supplier %ld, want %ld", line, what, got, want);
    CHECK(want_rule ? got_rule && strcmp(got_rule, want_rule) == 0 : got_rule == NULL, "line %d: %s: rule %s, want %s",
          line, what, got_rule ? got_rule : "(none)", want_rule ? want_rule : "(none)");
}
#define EXPECT(...) expect_at(__LINE__, __VA_ARGS__)

static void test_kinds(void)
{
    /* 0 has a supplier rule, 1 a name rule, 2 a purl rule, all matching. */
    vg_supplier_rules *r = compile("Sup|supplier:*debian*;Nam|name:curl;Pur|purl:pkg:deb/debian/*");
    const char *purl = "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12";
    const char *maint = "Alessandro Ghedini <ghedo@debian.org>";
    EXPECT(r, purl, "curl", maint, 2, "purl:pkg:deb/debian/*");
    EXPECT(r, NULL, "curl", maint, 1, "name:curl");  /* no purl: the name rule */
    EXPECT(r, "pkg:deb/ubuntu/curl@8", "curl", maint, 1, "name:curl");
    EXPECT(r, NULL, "wget", maint, 0, "supplier:*debian*");
    EXPECT(r, NULL, "wget", NULL, -1, NULL);
    EXPECT(r, NULL, NULL, NULL, -1, NULL);
    vg_supplier_rules_free(r);
}

static void test_specificity(void)
{
    /* Longest literal prefix beats a longer pattern: the prefix
     * "pkg:npm/%40acme/" (16 bytes; the rule's "/@" is read as the purl's
     * "/%40") over "pkg:npm/" (8) with 40 more. */
    vg_supplier_rules *r = compile("Zed|purl:pkg:npm/*@acme-long-pattern-that-is-longer-than-the-other;"
                                   "Acme|purl:pkg:npm/@acme/*;Npm|purl:pkg:npm/*");
    EXPECT(r, "pkg:npm/%40acme/x@1", NULL, NULL, 1, "purl:pkg:npm/@acme/*"); /* the purl spells @ as %40 */
    EXPECT(r, "pkg:npm/@acme/x@1", NULL, NULL, 2, "purl:pkg:npm/*");         /* not a valid purl */
    EXPECT(r, "pkg:npm/y@acme-long-pattern-that-is-longer-than-the-other", NULL, NULL, 0,
           "purl:pkg:npm/*@acme-long-pattern-that-is-longer-than-the-other");
    EXPECT(r, "pkg:pypi/y@1", NULL, NULL, -1, NULL);
    vg_supplier_rules_free(r);

    /* Same prefix "lib" (3): the longer pattern wins, whatever the order. */
    r = compile("A|name:lib*|name:lib*ssl*;B|name:lib*ssl3*");
    EXPECT(r, NULL, "libssl3", NULL, 1, "name:lib*ssl3*");
    EXPECT(r, NULL, "libssl1.1", NULL, 0, "name:lib*ssl*");
    EXPECT(r, NULL, "libc6", NULL, 0, "name:lib*");
    vg_supplier_rules_free(r);

    /* '?' ends the literal prefix as '*' does: "ab?d" has prefix 2, so
     * "abc*" (prefix 3) wins although it is as long. */
    r = compile("One|name:ab?d;Two|name:abc*");
    EXPECT(r, NULL, "abcd", NULL, 1, "name:abc*");
    EXPECT(r, NULL, "abxd", NULL, 0, "name:ab?d");
    vg_supplier_rules_free(r);

    /* A longer prefix that does not match falls back to a shorter one. */
    r = compile("Special|purl:pkg:npm/@acme/special-*x;Npm|purl:pkg:npm/*");
    EXPECT(r, "pkg:npm/%40acme/special-y@1", NULL, NULL, 1, "purl:pkg:npm/*");
    EXPECT(r, "pkg:npm/%40acme/special-yx", NULL, NULL, 0, "purl:pkg:npm/@acme/special-*x");
    vg_supplier_rules_free(r);

    /* Equal prefix and length: the supplier name in byte order ('B' 0x42
     * before 'a' 0x61), whatever the record order. */
    r = compile("acme|name:x-*;Beta|name:x-*;Zulu|name:x-*");
    EXPECT(r, NULL, "x-1", NULL, 1, "name:x-*");
    vg_supplier_rules_free(r);

    /* Same supplier, equal prefix and length: the first rule listed. */
    r = compile("Only|name:ab*x|name:ab?x");
    EXPECT(r, NULL, "abyx", NULL, 0, "name:ab*x");
    vg_supplier_rules_free(r);
    r = compile("Only|name:ab?x|name:ab*x");
    EXPECT(r, NULL, "abyx", NULL, 0, "name:ab?x");
    vg_supplier_rules_free(r);
}

static void test_purl_and_case(void)
{
    vg_supplier_rules *r = compile("Exact|purl:pkg:deb/debian/curl@7.88.1-10;"
                                   "Arch|purl:pkg:deb/debian/*amd64;Sub|purl:pkg:golang/example.com/m*/sub");
    /* Qualifiers and subpath are not part of what purl rules see. */
    EXPECT(r, "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12", NULL, NULL, 0,
           "purl:pkg:deb/debian/curl@7.88.1-10");
    EXPECT(r, "pkg:deb/debian/curl@7.88.1-10#sub/dir", NULL, NULL, 0, "purl:pkg:deb/debian/curl@7.88.1-10");
    EXPECT(r, "pkg:deb/debian/curl@7.88.1-1", NULL, NULL, -1, NULL); /* no wildcard: exact, not a prefix */
    EXPECT(r, "pkg:deb/debian/curl@7.88.1-100", NULL, NULL, -1, NULL);
    EXPECT(r, "pkg:deb/debian/zlib@1?arch=amd64", NULL, NULL, -1, NULL);
    EXPECT(r, "pkg:golang/example.com/m/v2@v2.0.0#sub", NULL, NULL, -1, NULL);
    EXPECT(r, "pkg:golang/example.com/m/v2/sub", NULL, NULL, 2, "purl:pkg:golang/example.com/m*/sub");
    /* Purl and name globs are case-sensitive. */
    EXPECT(r, "PKG:deb/debian/curl@7.88.1-10", NULL, NULL, -1, NULL);
    vg_supplier_rules_free(r);

    /* An npm scope written "@babel" matches the purl's "%40babel"; an '@'
     * after a name stays the version's. */
    r = compile("Babel|purl:pkg:npm/@babel/*;Left|purl:pkg:npm/left-pad@1.*");
    EXPECT(r, "pkg:npm/%40babel/core@7.24.0", NULL, NULL, 0, "purl:pkg:npm/@babel/*");
    EXPECT(r, "pkg:npm/babel/core@7.24.0", NULL, NULL, -1, NULL);
    EXPECT(r, "pkg:npm/left-pad@1.3.0", NULL, NULL, 1, "purl:pkg:npm/left-pad@1.*");
    vg_supplier_rules_free(r);

    r = compile("Debian|supplier:*@DEBIAN.org*;Acme|name:Acme-*;Caf|supplier:CAF?|supplier:caf??x;"
                "Ete|supplier:\xc3\xa9T\xc3\xa9");
    EXPECT(r, NULL, "zlib1g", "Mark Brown <broonie@debian.org>", 0, "supplier:*@DEBIAN.org*");
    EXPECT(r, NULL, "zlib1g", "DEBIAN QA <packages@Debian.ORG>", 0, "supplier:*@DEBIAN.org*");
    EXPECT(r, NULL, "acme-x", NULL, -1, NULL);
    EXPECT(r, NULL, "Acme-x", NULL, 1, "name:Acme-*");
    /* '?' is one byte, not one character: é is two bytes in UTF-8. */
    EXPECT(r, NULL, NULL, "caf\xc3\xa9", -1, NULL);
    EXPECT(r, NULL, NULL, "cafe", 2, "supplier:CAF?");
    EXPECT(r, NULL, NULL, "Caf\xc3\xa9X", 2, "supplier:caf??x");
    /* Only ASCII letters fold: É (c3 89) is not é (c3 a9). */
    EXPECT(r, NULL, NULL, "\xc3\xa9t\xc3\xa9", 3, "supplier:\xc3\xa9T\xc3\xa9");
    EXPECT(r, NULL, NULL, "\xc3\x89t\xc3\x89", -1, NULL);
    vg_supplier_rules_free(r);
}

static void test_glob_edges(void)
{
    vg_supplier_rules *r = compile("Star|name:*;Slash|name:a*z;Multi|name:*b*c*d;Tail|name:*ab;Q|name:q?");
    EXPECT(r, NULL, "", NULL, 0, "name:*");                   /* '*' matches the empty string */
    EXPECT(r, NULL, "a/b/z", NULL, 1, "name:a*z");            /* '*' crosses '/' */
    EXPECT(r, NULL, "az", NULL, 1, "name:a*z");
    EXPECT(r, NULL, "aza", NULL, 0, "name:*");
    EXPECT(r, NULL, "xbcbxcd", NULL, 2, "name:*b*c*d");       /* backtracking */
    EXPECT(r, NULL, "bcdx", NULL, 0, "name:*");
    EXPECT(r, NULL, "aab", NULL, 3, "name:*ab");
    EXPECT(r, NULL, "q", NULL, 0, "name:*");                  /* '?' needs a byte */
    EXPECT(r, NULL, "qq", NULL, 4, "name:q?");
    EXPECT(r, NULL, "qqq", NULL, 0, "name:*");
    vg_supplier_rules_free(r);

    /* The empty pattern matches only the empty string. */
    r = compile("E|name:");
    EXPECT(r, NULL, "", NULL, 0, "name:");
    EXPECT(r, NULL, "x", NULL, -1, NULL);
    vg_supplier_rules_free(r);
    /* Consecutive stars are one star. */
    r = compile("S|supplier:a***b");
    EXPECT(r, NULL, NULL, "AB", 0, "supplier:a***b");
    EXPECT(r, NULL, NULL, "a-b-B", 0, "supplier:a***b");
    vg_supplier_rules_free(r);
}

static int compile_rc(json_t *recs)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_supplier_rules *rules = NULL;
    int rc = vg_supplier_rules_compile(&ctx, recs, &rules);
    CHECK((rc == VG_OK) == (rules != NULL), "rules set only on success");
    CHECK(rc == VG_OK || strstr(ctx.message, "supplier") != NULL, "message names the supplier: %s", ctx.message);
    vg_supplier_rules_free(rules);
    json_decref(recs);
    vg_ctx_free(&ctx);
    return rc;
}

static void test_bounds(void)
{
    char glob[600];
    memset(glob, 'a', sizeof glob);
    glob[500] = '\0';
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s}]}]", "name", "A", "rules", "name", glob)) == VG_OK, "500 bytes");
    glob[500] = 'a';
    glob[501] = '\0';
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s}]}]", "name", "A", "rules", "name", glob)) == VG_ERR_LIMIT,
          "501 bytes");
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s}]}]", "name", "A", "rules", "purl", "*a*b*c*d*e*f*g*h")) == VG_OK,
          "8 stars");
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s}]}]", "name", "A", "rules", "purl", "*a*b*c*d*e*f*g*h*")) ==
              VG_ERR_LIMIT,
          "9 stars");
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s}]}]", "name", "A", "rules", "vendor", "x")) == VG_ERR_FORMAT,
          "unknown kind");
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:s, s:s}]}]", "name", "A", "rules", "name", "x", "purl", "y")) ==
              VG_ERR_FORMAT,
          "two keys");
    CHECK(compile_rc(json_pack("[{s:s, s:[{s:i}]}]", "name", "A", "rules", "name", 1)) == VG_ERR_FORMAT,
          "not a string");
    CHECK(compile_rc(json_pack("[{s:[]}]", "rules")) == VG_ERR_FORMAT, "no name");
    CHECK(compile_rc(json_pack("{}")) == VG_ERR_USAGE, "not an array");
    CHECK(compile_rc(json_pack("[{s:s}]", "name", "NoRules")) == VG_OK, "a record without rules");
}

/* ---- the cross-check ---------------------------------------------------- */

static int ref_match(const char *g, const char *s, int icase)
{
    if (*g == '\0')
        return *s == '\0';
    if (*g == '*')
        return ref_match(g + 1, s, icase) || (*s && ref_match(g, s + 1, icase));
    if (!*s)
        return 0;
    char a = *g, b = *s;
    if (icase) {
        a = (char)(a >= 'A' && a <= 'Z' ? a + 32 : a);
        b = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
    }
    return (*g == '?' || a == b) && ref_match(g + 1, s + 1, icase);
}

typedef struct ref_rule {
    int kind;
    char glob[16];
    long supplier;
    char owner[4];
    int position;
} ref_rule;

static size_t ref_prefix(const char *g)
{
    return strcspn(g, "*?");
}

/* 1 when a beats b by the precedence within a kind. */
static int ref_better(const ref_rule *a, const ref_rule *b)
{
    if (ref_prefix(a->glob) != ref_prefix(b->glob))
        return ref_prefix(a->glob) > ref_prefix(b->glob);
    if (strlen(a->glob) != strlen(b->glob))
        return strlen(a->glob) > strlen(b->glob);
    if (strcmp(a->owner, b->owner) != 0)
        return strcmp(a->owner, b->owner) < 0;
    return a->position < b->position;
}

static void test_random(void)
{
    static const char kinds[3][9] = {"purl", "name", "supplier"};
    srand(14);
    for (int round = 0; round < 200; round++) {
        ref_rule rr[80];
        int n = 1 + rand() % 80, position = 0;
        json_t *recs = json_array();
        int nsup = 1 + rand() % 6;
        for (int s = 0; s < nsup; s++) {
            json_t *list = json_array();
            char owner[4] = {(char)("BaAb"[rand() % 4]), (char)('0' + s), 0, 0};
            for (int i = 0; i < n / nsup + 1 && position < n; i++) {
                ref_rule *x = &rr[position];
                x->kind = rand() % 3;
                /* Up to 9 bytes, so that large groups (more than 8 rules
                 * of one prefix) hold rules with a literal run of 4. */
                int len = rand() % 10;
                for (int c = 0; c < len; c++)
                    x->glob[c] = "aAb*?aAbab"[rand() % (c == 0 ? 5 : 10)];
                x->glob[len] = '\0';
                x->supplier = s;
                memcpy(x->owner, owner, sizeof owner);
                x->position = position++;
                json_array_append_new(list, json_pack("{s:s}", kinds[x->kind], x->glob));
            }
            json_array_append_new(recs, json_pack("{s:s, s:o}", "name", owner, "rules", list));
        }
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_supplier_rules *rules = NULL;
        CHECK(vg_supplier_rules_compile(&ctx, recs, &rules) == VG_OK, "random compile: %s", ctx.message);
        for (int t = 0; rules && t < 200; t++) {
            char subj[3][12];
            for (int k = 0; k < 3; k++) {
                int len = rand() % 11;
                for (int c = 0; c < len; c++)
                    subj[k][c] = "aAbB"[rand() % 4];
                subj[k][len] = '\0';
            }
            long want = -1;
            for (int k = 0; k < 3 && want < 0; k++) {
                const ref_rule *best = NULL;
                for (int i = 0; i < position; i++)
                    if (rr[i].kind == k && ref_match(rr[i].glob, subj[k], k == 2) && (!best || ref_better(&rr[i], best)))
                        best = &rr[i];
                if (best)
                    want = best->supplier;
            }
            long got = vg_supplier_attribute(rules, subj[0], subj[1], subj[2], NULL);
            CHECK(got == want, "round %d: %s / %s / %s: %ld, want %ld", round, subj[0], subj[1], subj[2], got, want);
        }
        vg_supplier_rules_free(rules);
        json_decref(recs);
        vg_ctx_free(&ctx);
    }
}

int main(void)
{
    test_kinds();
    test_specificity();
    test_purl_and_case();
    test_glob_edges();
    test_bounds();
    test_random();
    return failures ? 1 : 0;
}
