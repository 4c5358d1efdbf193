/*
 * version_compare.c — unit test of the version comparators
 * (include/vigil/version.h) on the edge cases the ecosystems' own
 * documentation states, and the batch driver of the differential tests.
 *
 * Without arguments: checks every case in the tables below (expected
 * results come from the specifications and reference documentation named
 * per table, never from vigil) and exits non-zero on a failure.
 *
 * With arguments (used by tests/e2e/version_*.sh):
 *   version_compare --compare ECOSYSTEM FILE   lines "A<TAB>B" -> "<", "=", ">"
 *   version_compare --range FILE               lines "RANGE<TAB>VERSION" -> "1", "0"
 * printing one line per input line, or "invalid" when vigil refuses the
 * input (VG_ERR_FORMAT) and "limit" for VG_ERR_LIMIT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/version.h"

typedef struct cmp_case {
    const char *ecosystem, *a, *op, *b; /* op: "<", "=", ">" or "!" (a is invalid) */
} cmp_case;

static const cmp_case CASES[] = {
    /* Debian Policy 5.6.12 and dpkg's own tests (lib/dpkg/t/t-version.c). */
    {"Debian", "1.0~rc1", "<", "1.0"},
    {"Debian", "1.0", "=", "0:1.0"},
    {"Debian", "1.0", "=", "1.0-0"},
    {"Debian", "1:0.1", ">", "2.0"},
    {"Debian", "1.0-1", "<", "1.0-1+b1"},
    {"Debian", "1.0a", ">", "1.0"},
    {"Debian", "1.0+", ">", "1.0a"},
    {"Debian", "1.0~~", "<", "1.0~~a"},
    {"Debian", "1.0~~a", "<", "1.0~"},
    {"Debian", "1.00", "=", "1.0"},
    {"Debian", "123456789012345678901234567890", "<", "123456789012345678901234567891"},
    {"Ubuntu:22.04:LTS", "2.1-1ubuntu1", ">", "2.1-1"},
    {"deb", "a1.0", "!", "1.0"},
    {"Debian", "1.0-", "!", "1.0"},
    {"Debian", ":1.0", "!", "1.0"},
    {"Debian", "1.0 ", "!", "1.0"},
    /* rpm's tests (tests/rpmvercmp.at, rpm 4.18). */
    {"Red Hat", "1.0", "<", "1.0.1"},
    {"rpm", "1.0^", ">", "1.0"},
    {"rpm", "1.0^git1", "<", "1.0.1"},
    {"rpm", "1.0~rc1", "<", "1.0"},
    {"rpm", "1.0~rc1^git1", ">", "1.0~rc1"},
    {"rpm", "1.0^git1~pre", "<", "1.0^git1"},
    {"rpm", "1.0a", "<", "1.0.1"},
    {"rpm", "2.0", ">", "2a"},
    {"rpm", "1_0", "=", "1.0"},
    {"rpm", "1:1.0-1", ">", "2.0-1"},
    {"AlmaLinux:9", "0:1.0-1.el9", "=", "1.0-1.el9"},
    {"Rocky Linux:9", "1.0-1.el9_2.1", ">", "1.0-1.el9"},
    /* apk-tools test/unit/version.data (more in tests/e2e/version_apk.sh). */
    {"Alpine:v3.20", "1.0_alpha", "<", "1.0"},
    {"Alpine", "1.0_p1", ">", "1.0"},
    {"Wolfi", "1.0-r1", ">", "1.0-r0"},
    {"apk", "1.0bc", "!", "1.0"},
    /* semver.org 2.0.0 section 11. */
    {"npm", "1.0.0-alpha", "<", "1.0.0-alpha.1"},
    {"npm", "1.0.0-alpha.1", "<", "1.0.0-alpha.beta"},
    {"npm", "1.0.0-alpha.beta", "<", "1.0.0-beta"},
    {"npm", "1.0.0-beta", "<", "1.0.0-beta.2"},
    {"npm", "1.0.0-beta.2", "<", "1.0.0-beta.11"},
    {"npm", "1.0.0-beta.11", "<", "1.0.0-rc.1"},
    {"npm", "1.0.0-rc.1", "<", "1.0.0"},
    {"npm", "1.0.0+build.1", "=", "1.0.0"},
    {"npm", "01.0.0", "!", "1.0.0"},
    {"crates.io", "1.0.0-alpha.01", "!", "1.0.0"},
    {"crates.io", "18446744073709551616.0.0", "!", "1.0.0"},
    /* Go: golang.org/x/mod/semver documentation. */
    {"Go", "v1.2", "=", "v1.2.0"},
    {"Go", "v1", "=", "v1.0.0"},
    {"Go", "v2.0.0+incompatible", "=", "v2.0.0"},
    {"Go", "v0.0.0-20191109021931-daa7c04131f5", "<", "v0.0.1"},
    {"Go", "v1.2.4-0.20191109021931-daa7c04131f5", ">", "v1.2.3"},
    {"Go", "v1.2.4-0.20191109021931-daa7c04131f5", "<", "v1.2.4"},
    {"Go", "1.2.3", "=", "v1.2.3"},
    {"Go", "v1.2-pre", "!", "v1.2.0"},
    /* PEP 440 examples. */
    {"PyPI", "1.0.dev456", "<", "1.0a1"},
    {"PyPI", "1.0a2.dev456", "<", "1.0a12.dev456"},
    {"PyPI", "1.0a12", "<", "1.0b1.dev456"},
    {"PyPI", "1.0rc1", "<", "1.0"},
    {"PyPI", "1.0", "<", "1.0+abc.5"},
    {"PyPI", "1.0+abc.7", "<", "1.0+5"},
    {"PyPI", "1.0.post456.dev34", "<", "1.0.post456"},
    {"PyPI", "1!1.0", ">", "2.0"},
    {"PyPI", "1.0-1", "=", "1.0.post1"},
    {"PyPI", "1.0.ALPHA", "=", "1.0a0"},
    {"PyPI", "v1.0", "=", "1.0.0"},
    {"PyPI", "1.0-c1", "=", "1.0rc1"},
    {"PyPI", "1.0+", "!", "1.0"},
    /* Maven "Version Order Specification". */
    {"Maven", "1-alpha", "<", "1-beta"},
    {"Maven", "1-milestone", "<", "1-rc"},
    {"Maven", "1-rc", "=", "1-cr"},
    {"Maven", "1-snapshot", "<", "1"},
    {"Maven", "1", "=", "1.0"},
    {"Maven", "1", "=", "1-ga"},
    {"Maven", "1", "=", "1-final"},
    {"Maven", "1", "<", "1-sp"},
    {"Maven", "1-sp", "<", "1-foo"},
    {"Maven", "1-foo2", "<", "1-foo10"},
    {"Maven", "1.0-alpha1", "=", "1.0-a1"},
    {"Maven", "1-1", "<", "1.1"},
    /* RubyGems Gem::Version documentation. */
    {"RubyGems", "1.0.a", "<", "1.0"},
    {"RubyGems", "1.0.a", "=", "1.a"},
    {"RubyGems", "1.0.b1", ">", "1.0.a2"},
    {"RubyGems", "1.0-1", "<", "1.0"},
    {"RubyGems", "1.0.0", "=", "1"},
    {"gem", "a1.0", "!", "1.0"},
    {"gem", "1.0.", "!", "1.0"},
    /* NuGet.Versioning documentation. */
    {"NuGet", "1.0", "=", "1.0.0.0"},
    {"NuGet", "1.0.0-Beta", "=", "1.0.0-beta"},
    {"NuGet", "1.0.0-beta.2", "<", "1.0.0-beta.10"},
    {"NuGet", "1.0.0+meta", "=", "1.0.0"},
    {"NuGet", "1.0.0-alpha", "<", "1.0.0"},
    /* composer/semver's tests. */
    {"Packagist", "1.0.0-dev", "<", "1.0.0-alpha"},
    {"Packagist", "1.0.0-alpha", "<", "1.0.0-beta"},
    {"Packagist", "1.0.0-beta", "<", "1.0.0-RC1"},
    {"Packagist", "1.0.0-RC1", "<", "1.0.0"},
    {"Packagist", "1.0.0", "<", "1.0.0-patch1"},
    {"Packagist", "v1.0", "=", "1.0.0.0"},
    {"composer", "dev-main", "!", "1.0"},
};

typedef struct range_case {
    const char *range, *version;
    int match; /* -1: invalid */
} range_case;

/* node-semver README examples. */
static const range_case RANGES[] = {
    {">=1.2.7", "1.2.8", 1},
    {">=1.2.7", "1.2.6", 0},
    {">=1.2.7 <1.3.0", "1.3.0", 0},
    {"1.2.7 || >=1.2.9 <2.0.0", "1.2.8", 0},
    {"1.2.7 || >=1.2.9 <2.0.0", "1.4.6", 1},
    {">1.2.3-alpha.3", "1.2.3-alpha.7", 1},
    {">1.2.3-alpha.3", "3.4.5-alpha.9", 0},
    {"1.2.3 - 2.3.4", "2.3.4", 1},
    {"1.2 - 2.3.4", "1.2.0", 1},
    {"1.2.3 - 2.3", "2.3.9", 1},
    {"1.2.3 - 2.3", "2.4.0", 0},
    {"1.2.3 - 2", "2.9.9", 1},
    {"*", "1.0.0-beta", 0},
    {"", "5.0.0", 1},
    {"1.x", "1.9.9", 1},
    {"1.2.x", "1.3.0", 0},
    {"~1.2.3", "1.2.9", 1},
    {"~1.2.3", "1.3.0", 0},
    {"~1", "1.9.0", 1},
    {"~0.2", "0.3.0", 0},
    {"~1.2.3-beta.2", "1.2.3-beta.4", 1},
    {"~1.2.3-beta.2", "1.2.4-beta.2", 0},
    {"^1.2.3", "1.9.9", 1},
    {"^1.2.3", "2.0.0-0", 0},
    {"^0.2.3", "0.3.0", 0},
    {"^0.0.3", "0.0.4", 0},
    {"^1.2.3-beta.2", "1.2.3-beta.4", 1},
    {"^1.2.3-beta.2", "1.2.4-beta.2", 0},
    {"^0.0.x", "0.0.9", 1},
    {"^1.x", "1.9.9", 1},
    {">=1.0.0 <2.0.0 || ^3.1", "3.5.0", 1},
    {"~>1.2", "1.2.5", 1},
    {"> 1.2.3", "1.2.4", 1},
    {"1.2.3 -", "1.2.3", -1},
    {"^1.2.3.4", "1.2.3", -1},
    {">=1.2.3", "not-a-version", -1},
    /* node-semver keeps only an all-"*" alternative, which admits no prerelease. */
    {"* || ~1.2.3-beta.2", "1.2.3-beta.4", 0},
    {"* || ~1.2.3-beta.2", "1.2.4", 1},
};

static int run_unit_tests(void)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const cmp_case *c = &CASES[i];
        int out = 99;
        int st = vg_version_compare(c->ecosystem, c->a, c->b, &out);
        int ok;
        if (c->op[0] == '!') {
            ok = st == VG_ERR_FORMAT && vg_version_valid(c->ecosystem, c->a) == VG_ERR_FORMAT;
        } else {
            int want = c->op[0] == '<' ? -1 : c->op[0] == '=' ? 0 : 1;
            int back = 99;
            ok = st == VG_OK && out == want &&
                 vg_version_compare(c->ecosystem, c->b, c->a, &back) == VG_OK && back == -want &&
                 vg_version_valid(c->ecosystem, c->a) == VG_OK;
        }
        if (!ok) {
            fprintf(stderr, "FAIL %s: %s %s %s (status %d, result %d)\n", c->ecosystem, c->a,
                    c->op, c->b, st, out);
            failures++;
        }
    }
    for (size_t i = 0; i < sizeof RANGES / sizeof RANGES[0]; i++) {
        const range_case *c = &RANGES[i];
        int out = 99;
        int st = vg_semver_range_match(c->range, c->version, &out);
        int got = st == VG_OK ? out : st == VG_ERR_FORMAT ? -1 : -2;
        if (got != c->match) {
            fprintf(stderr, "FAIL range '%s' on %s: got %d, want %d\n", c->range, c->version,
                    got, c->match);
            failures++;
        }
    }
    /* Contract checks: unknown ecosystem, NULLs, limits, name mapping. */
    int out;
    if (vg_version_compare("Hackage", "1", "2", &out) != VG_ERR_UNSUPPORTED ||
        vg_version_compare("npm", NULL, "1.0.0", &out) != VG_ERR_USAGE ||
        vg_version_scheme_for("Debian:12") != VG_VERSION_DPKG ||
        vg_version_scheme_for("red hat:enterprise_linux:9::appstream") != VG_VERSION_RPM ||
        strcmp(vg_version_scheme_name(VG_VERSION_PEP440), "pep440") != 0) {
        fprintf(stderr, "FAIL: dispatch contract\n");
        failures++;
    }
    char big[VG_VERSION_MAX_LEN + 2];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    if (vg_version_compare("Debian", big, "1", &out) != VG_ERR_LIMIT ||
        vg_version_valid("Maven", big) != VG_ERR_LIMIT) {
        fprintf(stderr, "FAIL: VG_ERR_LIMIT above %d bytes\n", VG_VERSION_MAX_LEN);
        failures++;
    }
    printf("%d passed, %d failed\n",
           (int)(sizeof CASES / sizeof CASES[0] + sizeof RANGES / sizeof RANGES[0] + 2) - failures,
           failures);
    return failures ? 1 : 0;
}

static const char *status_word(int st)
{
    return st == VG_ERR_FORMAT ? "invalid" : st == VG_ERR_LIMIT ? "limit" : "error";
}

/* Reads FILE line by line ("X<TAB>Y") and prints one result per line. */
static int run_batch(const char *mode, const char *ecosystem, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    static char line[2 * VG_RANGE_MAX_LEN + 4];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\n");
        line[n] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s: line without a tab\n", path);
            fclose(f);
            return 2;
        }
        *tab = '\0';
        int out = 0, st;
        if (strcmp(mode, "--range") == 0) {
            st = vg_semver_range_match(line, tab + 1, &out);
            if (st == VG_OK)
                printf("%d\n", out);
        } else {
            st = vg_version_compare(ecosystem, line, tab + 1, &out);
            if (st == VG_OK)
                printf("%s\n", out < 0 ? "<" : out > 0 ? ">" : "=");
        }
        if (st != VG_OK)
            printf("%s\n", status_word(st));
    }
    fclose(f);
    return fflush(stdout) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return run_unit_tests();
    if (argc == 4 && strcmp(argv[1], "--compare") == 0)
        return run_batch(argv[1], argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "--range") == 0)
        return run_batch(argv[1], NULL, argv[2]);
    fprintf(stderr, "usage: %s [--compare ECOSYSTEM FILE | --range FILE]\n", argv[0]);
    return 2;
}
