/*
 * vers.c — unit test of the vers range parser and containment (vers.h)
 * against the examples and rules of VERSION-RANGE-SPEC.rst
 * (github.com/package-url/purl-spec): the spec's own examples (the npm,
 * pypi, tomee/maven and gem ranges), its parsing rules (spaces removed,
 * consecutive pipes as one, percent-decoding, '*' alone), its validation
 * rules (unique versions, alternating bounds) and its containment
 * procedure, each case with the answer the spec's text gives.  The
 * comparators themselves are tested against their reference tools
 * elsewhere (tests/e2e/version_*.sh); the e2e test inventory_affected.sh
 * checks ranges over real components against python references.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vigil/vers.h"

static int failures;

/* Counts a failure, with the message, when ok is 0 (the line is the caller's). */
#define CHECK(ok, ...) check((ok), __LINE__, __VA_ARGS__)
static void check(int ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(int ok, int line, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL vers.c:%d: ", line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

/* Parses and checks range for ecosystem; the status of the first step that fails. */
static int load(const char *range, const char *ecosystem, vg_vers *out)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_vers_parse(&ctx, range, strlen(range), out);
    if (rc == VG_OK)
        rc = vg_vers_check(&ctx, out, vg_version_scheme_for(ecosystem));
    vg_ctx_free(&ctx);
    return rc;
}

typedef struct {
    const char *range, *ecosystem;
    const char *in[8], *out[8]; /* versions inside, outside */
} contain_case;

int main(void)
{
    static vg_vers r;

    /* Parsing: the spec's form and the bare lists, spaces removed, one
     * separator per run, '%' decoded. */
    CHECK(load("vers:npm/1.2.3|>=2.0.0|<5.0.0", "npm", &r) == VG_OK && r.n == 3 && strcmp(r.scheme, "npm") == 0,
          "spec example 1");
    CHECK(load(" <  1.2. 3 | > = 2  . 0", "pypi", &r) == VG_OK && r.n == 2 && strcmp(r.constraints[0].version, "1.2.3") == 0 &&
              strcmp(r.constraints[1].version, "2.0") == 0,
          "spaces are not significant");
    CHECK(load("vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1", "pypi", &r) == VG_OK && r.n == 6, "spec pypi list");
    CHECK(load("|>=1.0.0||<2.0.0|", "npm", &r) == VG_OK && r.n == 2, "leading, trailing, consecutive pipes");
    CHECK(load(">=1.0.0,<2.0.0", "npm", &r) == VG_OK && r.n == 2 && r.constraints[0].op == VG_VERS_GE &&
              r.constraints[1].op == VG_VERS_LT,
          "comma form");
    CHECK(load("vers:npm/1.0.0-beta%2B1", "npm", &r) == VG_OK && strcmp(r.constraints[0].version, "1.0.0-beta+1") == 0,
          "percent-decoding");
    CHECK(load("vers:npm/*", "npm", &r) == VG_OK && r.star, "star");
    CHECK(load("*", "npm", &r) == VG_OK && r.star, "bare star");

    /* Refused. */
    static const char *const bad[] = {
        "",                      /* empty */
        "vers:npm/",             /* no constraint */
        "vers:NPM/1.0.0",        /* scheme not lower-case */
        "vers:npm",              /* no '/' */
        "vers:npm/*|1.0.0",      /* star not alone */
        "vers:npm/>=",           /* no version */
        "vers:npm/=1.0.0",       /* "=" is not a comparator: a bare version is */
        "vers:npm/==1.0.0",      /* nor "==" */
        ">=1.0.0|<2.0.0,<3.0.0", /* both separators */
        "vers:npm/1.0.0%",       /* bad escape */
        "vers:npm/1.0.0%zz",     /* bad escape */
        "vers:npm/1.0.0%00",     /* decoded NUL */
        "1.0.0\x01",             /* not printable */
        "1.0.0|1.0.0",           /* version twice */
        "vers:npm/1.0.0|<2.0.0", /* "=" followed by "<" (spec: only =, >, >=) */
        "<1.0.0|<2.0.0",         /* two upper bounds in a row */
        ">=1.0.0,>=2.0.0",       /* two lower bounds in a row */
        "vers:maven/>=1.0|<1.0.0", /* 1.0 and 1.0.0 are one Maven version */
        "vers:npm/>=1.0",        /* not a SemVer version */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *eco = strstr(bad[i], "maven") ? "maven" : "npm";
        CHECK(load(bad[i], eco, &r) != VG_OK, "accepted '%s'", bad[i]);
    }
    char big[VG_VERS_MAX_LEN + 2];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(load(big, "npm", &r) == VG_ERR_LIMIT, "longer than VG_VERS_MAX_LEN");
    char many[VG_VERS_MAX_CONSTRAINTS * 8 + 16] = "";
    for (int i = 0; i <= VG_VERS_MAX_CONSTRAINTS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s%d.0.0", i ? "|" : "", i);
    CHECK(load(many, "npm", &r) == VG_ERR_LIMIT, "more than VG_VERS_MAX_CONSTRAINTS constraints");
    CHECK(load(">1", "generic", &r) == VG_ERR_UNSUPPORTED, "an order on a type with none");
    CHECK(load("1.0|!=2.0", "generic", &r) == VG_OK, "equality needs no order");

    /* Containment, with the spec's examples and procedure. */
    static const contain_case cases[] = {
        {"vers:npm/1.2.3|>=2.0.0|<5.0.0", "npm", {"1.2.3", "2.0.0", "4.9.9", "3.0.0-rc.1"},
         {"1.2.4", "1.0.0", "5.0.0", "6.0.0"}},
        {"vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1", "maven",
         {"1.0.0-beta1", "1.7.5", "1.5", "7.0.0", "7.1.1", "8.0.1", "8.0.0-M2"},
         {"1.0.0-alpha", "1.7.6", "7.0.8", "7.1.3", "8.0.2", "9", "0.9"}},
        /* the spec's gem example, unsorted on purpose: sorting is vg_vers_check's */
        {"vers:gem/>=2.2.0|!= 2.2.1|<2.3.0", "gem", {"2.2.0", "2.2.2", "2.2.10"}, {"2.2.1", "2.3.0", "2.1.9"}},
        {">=2.0.0,<2.17.1", "maven", {"2.0.0", "2.14.1", "2.17.0", "2.0"}, {"1.9", "2.17.1", "2.17.2", "3.0"}},
        {"<2.0", "pypi", {"1.0", "2.0rc1", "0.1"}, {"2.0", "2.0.post1", "3"}},
        {">2.0", "pypi", {"2.0.1", "10"}, {"2.0", "1.9", "2.0.0"}},
        {"!=1.0.0", "npm", {"1.0.1", "0.9.0"}, {"1.0.0"}},
        {"1.0.0|1.1.0", "npm", {"1.0.0", "1.1.0"}, {"1.0.1", "0.0.1"}},
        {"1.0.0|<0.5.0", "npm", {"1.0.0", "0.1.0"}, {"0.7.0", "1.0.1"}}, /* '<' then '=' is valid */
        {"<1.0|>=2.0|<3.0|>4.0", "pypi", {"0.5", "2.0", "2.9", "4.1"}, {"1.0", "1.5", "3.0", "4.0"}},
        {"*", "npm", {"0.0.1", "9.9.9"}, {NULL}},
        {"1.0", "generic", {"1.0"}, {"1.0.0", "1"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const contain_case *c = &cases[i];
        vg_version_scheme scheme = vg_version_scheme_for(c->ecosystem);
        CHECK(load(c->range, c->ecosystem, &r) == VG_OK, "range %s", c->range);
        for (int side = 0; side < 2; side++)
            for (size_t k = 0; k < 8 && (side ? c->out[k] : c->in[k]); k++) {
                const char *v = side ? c->out[k] : c->in[k];
                int in = -1;
                int rc = vg_vers_contains(&r, scheme, v, &in);
                CHECK(rc == VG_OK && in == !side, "%s in %s: rc %d, got %d, want %d", v, c->range, rc, in, !side);
            }
    }
    /* A version the comparator cannot read is an error, never "outside";
     * the same string as an equality constraint is found without it. */
    int in = -1;
    CHECK(load(">=1.0.0|<2.0.0", "npm", &r) == VG_OK && vg_vers_contains(&r, VG_VERSION_SEMVER, "1.0", &in) == VG_ERR_FORMAT &&
              in == -1,
          "unreadable version");

    /* Canonical text: sorted by version, reserved characters escaped. */
    char text[256];
    CHECK(load("<2.17.1,>=2.0.0", "maven", &r) == VG_OK, "reversed bounds");
    vg_vers_format(&r, "maven", text, sizeof text);
    CHECK(strcmp(text, "vers:maven/>=2.0.0|<2.17.1") == 0, "canonical text %s", text);
    CHECK(load("vers:gem/>=2.2.0|!= 2.2.1|<2.3.0", "gem", &r) == VG_OK, "gem");
    vg_vers_format(&r, NULL, text, sizeof text);
    CHECK(strcmp(text, "vers:gem/>=2.2.0|!=2.2.1|<2.3.0") == 0, "canonical text %s", text);
    vg_vers_format(&r, NULL, text, 12);
    CHECK(strcmp(text, "vers:gem/>=") == 0, "truncated canonical text %s", text);

    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    else
        printf("ok: vers parsing, validation and containment\n");
    return failures != 0;
}
