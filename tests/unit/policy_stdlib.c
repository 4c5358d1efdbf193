/*
 * policy_stdlib.c — unit test of the vigil.* library of policy rules
 * (src/policy/stdlib.c, datetime.c, glob.c, and the helpers of evidence.c;
 * docs/policy.md "The vigil library").
 *
 * Each case is a Lua expression run in a rule of its own, in the real
 * sandbox, and the JSON of what it returns, written by hand from the
 * specifications (nil is written as null through all() below).  Errors
 * must be exactly the message docs/policy.md promises, with the rule's
 * file and line.  The glob matcher is also compared with glibc's
 * fnmatch(3) (flags 0, C locale) on 200 000 generated pattern and subject
 * pairs, and it must finish a pathological pattern within a small budget.
 * Work is charged: a rule that calls the functions on large inputs in a
 * loop is stopped by its instruction limit.
 *
 *   unit_policy_stdlib                 runs the test
 *   unit_policy_stdlib --run RULE.lua  calls check(input) of RULE.lua in
 *                                      the sandbox, with the JSON document
 *                                      on standard input, and prints the
 *                                      JSON it returns (one line); the
 *                                      differential tests tests/e2e/
 *                                      policy_stdlib_*.sh use it.
 */
#include <fnmatch.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "policy/policy_internal.h"
#include "vigil/policy.h"

/* Every case's rule: all(...) returns its arguments as a list, nil as
 * vigil.null, so that nil, why and multiple values can be compared. */
#define PRELUDE                                                             \
    "local function all(...)\n"                                             \
    "  local t = {}\n"                                                      \
    "  for i = 1, select('#', ...) do\n"                                    \
    "    local v = select(i, ...)\n"                                        \
    "    if v == nil then v = vigil.null end\n"                             \
    "    t[i] = v\n"                                                        \
    "  end\n"                                                               \
    "  return t\n"                                                          \
    "end\n"

static json_t *params; /* the second argument of check: read-only, as the engine's parameters */
static json_t *docs;   /* the first: NULL for null, else evidence documents (test_documents) */

static char *dump(const json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(none)");
}

/* Runs `return EXPR` as check(e, params) in a fresh rule; rc and *out. */
static int run_expr(const char *expr, const vg_policy_limits *limits, vg_ctx *ctx, json_t **out)
{
    char text[8192];
    snprintf(text, sizeof text, PRELUDE "function check(e, params)\n  return %s\nend\n", expr);
    vg_policy_rule *rule = NULL;
    *out = NULL;
    int rc = vg_policy_rule_compile(ctx, "t.lua", text, strlen(text), limits, &rule);
    if (rc == VG_OK) {
        json_t *args[2] = {docs ? docs : json_null(), params};
        rc = vg_policy_rule_call(ctx, rule, "check", args, 2, out);
    }
    vg_policy_rule_free(rule);
    return rc;
}

/* EXPR returns exactly the JSON text want (same members, same types). */
static void expect(const char *expr, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *out;
    int rc = run_expr(expr, NULL, &ctx, &out);
    CHECK(rc == VG_OK, "%s: rc %d: %s", expr, rc, ctx.message);
    if (rc == VG_OK) {
        json_error_t err;
        json_t *expected = json_loads(want, JSON_DECODE_ANY, &err);
        char *got = dump(out), *exp = dump(expected);
        CHECK(expected && strcmp(got, exp) == 0, "%s:\n got  %s\n want %s", expr, got, exp);
        free(got);
        free(exp);
        json_decref(expected);
    }
    json_decref(out);
    vg_ctx_free(&ctx);
}

/* EXPR raises; the message is "t.lua:4: " followed by want. */
static void expect_error_limits(const char *expr, const vg_policy_limits *limits, int want_rc, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *out;
    char full[2048];
    snprintf(full, sizeof full, "t.lua:11: %s", want);
    int rc = run_expr(expr, limits, &ctx, &out);
    CHECK(rc == want_rc && out == NULL && strcmp(ctx.message, full) == 0, "%s:\n got  %d \"%s\"\n want %d \"%s\"",
          expr, rc, ctx.message, want_rc, full);
    json_decref(out);
    vg_ctx_free(&ctx);
}

static void expect_error(const char *expr, const char *want)
{
    expect_error_limits(expr, NULL, VG_ERR_RULE, want);
}

static void test_versions(void)
{
    /* One pair per scheme, from each ecosystem's documented ordering. */
    expect("{vigil.version_compare('deb', '1.0~rc1', '1.0'), vigil.version_compare('Debian:12', '2:1.0', '10.0'),"
           " vigil.version_compare('deb', '1.0', '0:1.0')}",
           "[-1,1,0]");
    expect("{vigil.version_compare('rpm', '1.0-2', '1.0-10'), vigil.version_compare('AlmaLinux:9', '1.0^git1', '1.0'),"
           " vigil.version_compare('rpm', '1.0~rc1', '1.0')}",
           "[-1,1,-1]");
    expect("{vigil.version_compare('apk', '1.2.3-r1', '1.2.3-r10'), vigil.version_compare('Alpine:v3.20', '1.0_rc1', '1.0')}",
           "[-1,-1]");
    expect("{vigil.version_compare('npm', '1.0.0-alpha', '1.0.0'), vigil.version_compare('semver', '1.0.0+build.1', "
           "'1.0.0'), vigil.version_compare('npm', '1.10.0', '1.9.0')}",
           "[-1,0,1]");
    expect("{vigil.version_compare('pypi', '1.0rc1', '1.0'), vigil.version_compare('PyPI', '1.0.post1', '1.0'),"
           " vigil.version_compare('pypi', '1.0', '1.0.0')}",
           "[-1,1,0]");
    expect("{vigil.version_compare('maven', '1.0-SNAPSHOT', '1.0'), vigil.version_compare('Maven', '1.0-alpha', '1.0-beta')}",
           "[-1,-1]");
    expect("{vigil.version_compare('golang', 'v1.2.3', 'v1.10.0'), vigil.version_compare('Go', 'v1.2.3-pre', 'v1.2.3')}",
           "[-1,-1]");
    expect("{vigil.version_compare('cargo', '0.10.0', '0.9.9'), vigil.version_compare('crates.io', '1.0.0-rc.1', '1.0.0')}",
           "[1,-1]");
    expect("{vigil.version_compare('gem', '1.0.a', '1.0'), vigil.version_compare('RubyGems', '1.10', '1.9')}", "[-1,1]");
    expect("{vigil.version_compare('nuget', '1.0.0-beta', '1.0.0'), vigil.version_compare('NuGet', '1.0', '1.0.0.0')}",
           "[-1,0]");
    expect("{vigil.version_compare('composer', '1.0.0-beta1', '1.0.0'), vigil.version_compare('Packagist', 'v2.0', '2.0.0')}",
           "[-1,0]");

    expect("all(vigil.version_valid('pypi', '1.0.dev1'), vigil.version_valid('deb', '1:2.3-4'))", "[true,true]");
    expect("all(vigil.version_valid('npm', '1.2'))",
           "[false,\"'1.2' is not a valid version of ecosystem 'npm' (semver ordering)\"]");
    expect("all(vigil.version_valid('deb', 'a:1'))",
           "[false,\"'a:1' is not a valid version of ecosystem 'deb' (dpkg ordering)\"]");
    expect("all(vigil.version_valid('pypi', '1.0\\0'))", "[false,\"the version contains a NUL byte\"]");
    expect("all(vigil.version_valid('pypi', ('9'):rep(2000)))",
           "[false,\"the version '999999999999999999999999999999999999999999999999...' is longer than 1024 bytes\"]");

    expect_error("vigil.version_compare('npm', '1.0.0', '1.x')",
                 "bad argument #3 to 'version_compare' ('1.x' is not a valid version of ecosystem 'npm' "
                 "(semver ordering))");
    expect_error("vigil.version_compare('pypi', 'not a version', '1.0')",
                 "bad argument #2 to 'version_compare' ('not a version' is not a valid version of ecosystem "
                 "'pypi' (pep440 ordering))");
    expect_error("vigil.version_compare('nix', '1', '2')",
                 "bad argument #1 to 'version_compare' (unknown ecosystem 'nix': use a purl type (deb, rpm, apk, "
                 "npm, pypi, maven, golang, cargo, gem, nuget, composer), \"semver\" or an OSV ecosystem name)");
    expect_error("vigil.version_valid('\\1\\n', '1')",
                 "bad argument #1 to 'version_valid' (unknown ecosystem '?""?': use a purl type (deb, rpm, apk, "
                 "npm, pypi, maven, golang, cargo, gem, nuget, composer), \"semver\" or an OSV ecosystem name)");
    expect_error("vigil.version_compare('npm', '1.0.0\\0', '1.0.0')",
                 "bad argument #2 to 'version_compare' (the string contains a NUL byte)");
    expect_error("vigil.version_compare('npm', nil, '1.0.0')",
                 "bad argument #2 to 'version_compare' (string expected, got nil)");
    expect_error("vigil.version_compare('npm', '1.0.0', {})",
                 "bad argument #3 to 'version_compare' (string expected, got table)");
    /* A table sorted by version, in Lua's sort with the comparator. */
    expect("(function() local t = {'1.10.0', '1.2.0', '1.2.0-rc.1', '0.9.0'}\n"
           "  table.sort(t, function(a, b) return vigil.version_compare('npm', a, b) < 0 end) return t end)()",
           "[\"0.9.0\",\"1.2.0-rc.1\",\"1.2.0\",\"1.10.0\"]");
}

static void test_purl(void)
{
    expect("vigil.purl('pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie#usr/share/doc')",
           "{\"name\":\"curl\",\"namespace\":\"debian\",\"qualifiers\":{\"arch\":\"i386\",\"distro\":\"jessie\"},"
           "\"subpath\":\"usr/share/doc\",\"type\":\"deb\",\"version\":\"7.50.3-1\"}");
    expect("vigil.purl('pkg:npm/%40angular/animation@12.3.1')",
           "{\"name\":\"animation\",\"namespace\":\"@angular\",\"qualifiers\":[],\"type\":\"npm\",\"version\":\"12.3.1\"}");
    expect("vigil.purl('pkg:PYPI/Django_Allauth')",
           "{\"name\":\"django-allauth\",\"qualifiers\":[],\"type\":\"pypi\"}");
    expect("vigil.purl('pkg:golang/github.com/gorilla/context@v1.1.1').namespace", "\"github.com/gorilla\"");
    expect("all(vigil.purl('pkg:maven/commons-io@1.0'))",
           "[null,\"'pkg:maven/commons-io@1.0' is not a package URL: this type requires a namespace\"]");
    expect("all(vigil.purl('npm/foo@1'))", "[null,\"'npm/foo@1' is not a package URL: scheme is not pkg:\"]");
    expect("all(vigil.purl(''))", "[null,\"'' is not a package URL: empty purl\"]");
    expect("all(vigil.purl('pkg:npm/a%00b@1'))", "[null,\"'pkg:npm/a%00b@1' is not a package URL: bad name\"]");
    expect("all(vigil.purl('pkg:npm/' .. ('a'):rep(9000)))",
           "[null,\"'pkg:npm/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a package URL: purl too long\"]");
    expect_error("vigil.purl()", "bad argument #1 to 'purl' (string expected, got no value)");
}

static void test_licenses(void)
{
    expect("all(vigil.license_valid('MIT'), vigil.license_valid('(mit OR Apache-2.0) AND GPL-2.0-only WITH "
           "classpath-exception-2.0'), vigil.license_valid('LicenseRef-acme-1 OR DocumentRef-x:LicenseRef-y'),"
           " vigil.license_valid('GPL-2.0+'))",
           "[true,true,true,true]");
    static const char invalid[] = "not a valid SPDX licence expression (SPDX 2.3 Annex D: SPDX licence ids, "
                                  "LicenseRef-, AND, OR, WITH an exception id, a trailing +, parentheses)";
    char expr[256], want[512];
    const char *bad[] = {"MIT or Apache-2.0", "GPLv2+", "MIT AND", "(MIT", "MIT WITH MIT", "NOASSERTION", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(expr, sizeof expr, "all(vigil.license_valid('%s'))", bad[i]);
        snprintf(want, sizeof want, "[false,\"%s\"]", invalid);
        expect(expr, want);
    }
    expect("all(vigil.license_valid(('(MIT AND '):rep(40) .. 'MIT' .. (')'):rep(40)))",
           "[false,\"the licence expression exceeds the limits (4096 bytes, 512 tokens, 32 levels of parentheses)\"]");

    expect("all(vigil.license_ids('(mit OR Apache-2.0) AND (GPL-2.0-only WITH Classpath-exception-2.0 OR MIT) "
           "AND GPL-2.0+ AND LicenseRef-x'))",
           "[[\"MIT\",\"Apache-2.0\",\"GPL-2.0-only\",\"GPL-2.0+\",\"LicenseRef-x\"],[\"Classpath-exception-2.0\"]]");
    expect("all(vigil.license_ids('GPL-2.0-or-later'))", "[[\"GPL-2.0-or-later\"],[]]");
    snprintf(want, sizeof want, "[null,\"%s\"]", invalid);
    expect("all(vigil.license_ids('MIT OR'))", want);

    /* true when some choice of OR operands uses allowed licences only;
     * false with the terms no entry allows. */
    expect("all(vigil.license_allowed('MIT', {'MIT', 'ISC'}))", "[true]");
    expect("all(vigil.license_allowed('GPL-3.0-only OR MIT', {'MIT'}))", "[true]");
    expect("all(vigil.license_allowed('GPL-3.0-only AND MIT', {'MIT'}))", "[false,[\"GPL-3.0-only\"]]");
    expect("all(vigil.license_allowed('(MIT OR GPL-3.0-only) AND (BSD-3-Clause OR GPL-2.0-only)', {'mit', 'GPL-2.0-only'}))",
           "[true]");
    expect("all(vigil.license_allowed('(MIT OR GPL-3.0-only) AND (BSD-3-Clause OR AGPL-3.0-only)', {'MIT'}))",
           "[false,[\"GPL-3.0-only\",\"BSD-3-Clause\",\"AGPL-3.0-only\"]]");
    /* Exceptions must be allowed as such. */
    expect("all(vigil.license_allowed('GPL-2.0-only WITH Classpath-exception-2.0', {'GPL-2.0-only'}))",
           "[false,[\"GPL-2.0-only WITH Classpath-exception-2.0\"]]");
    expect("all(vigil.license_allowed('GPL-2.0-only WITH Classpath-exception-2.0', "
           "{'GPL-2.0-only WITH classpath-exception-2.0'}))",
           "[true]");
    expect("all(vigil.license_allowed('GPL-2.0-only', {'GPL-2.0-only WITH Classpath-exception-2.0'}))",
           "[false,[\"GPL-2.0-only\"]]");
    /* "or later": a version the recipient may choose. */
    expect("all(vigil.license_allowed('GPL-2.0-or-later', {'GPL-3.0-only'}), vigil.license_allowed('GPL-2.0+', "
           "{'GPL-3.0'}), vigil.license_allowed('GPL-3.0-only', {'GPL-2.0-or-later'}), vigil.license_allowed("
           "'LGPL-2.1-or-later', {'LGPL-3.0-or-later'}), vigil.license_allowed('Apache-1.0+', {'Apache-2.0'}))",
           "[true,true,true,true,true]");
    expect("all(vigil.license_allowed('GPL-3.0-or-later', {'GPL-2.0-only'}))", "[false,[\"GPL-3.0-or-later\"]]");
    expect("all(vigil.license_allowed('GPL-2.0-only', {'GPL-3.0-or-later'}))", "[false,[\"GPL-2.0-only\"]]");
    expect("all(vigil.license_allowed('GPL-2.0-only', {'LGPL-2.0-or-later'}))", "[false,[\"GPL-2.0-only\"]]");
    expect("all(vigil.license_allowed('GPL-2.0-only', {'GPL-2.0-or-later'}), vigil.license_allowed('GPL-2.0', {'GPL-2.0-only'}))",
           "[true,true]");
    expect("all(vigil.license_allowed('LPPL-1.3a+', {'LPPL-1.3c'}), vigil.license_allowed('OLDAP-2.0.1', {'OLDAP-2.0+'}),"
           " vigil.license_allowed('BSD-3-Clause+', {'BSD-4-Clause'}))",
           "[true,true,false,[\"BSD-3-Clause+\"]]");
    expect("all(vigil.license_allowed('LicenseRef-acme OR GPL-3.0-only', {'LicenseRef-Acme'}))", "[true]");
    /* The allow-list as the engine passes parameters: a read-only table. */
    expect("all(vigil.license_allowed('MIT AND Apache-2.0', params.allowed))", "[true]");
    expect("all(vigil.license_allowed('MIT AND GPL-3.0-only', params.allowed))", "[false,[\"GPL-3.0-only\"]]");
    expect("all(vigil.license_allowed('MIT', {}))", "[false,[\"MIT\"]]");
    /* A list is parsed once and kept; a rule's own list that changes is
     * parsed again. */
    expect("(function() local l, r = {'MIT'}, {}\n"
           "  r[1] = vigil.license_allowed('ISC', l)\n"
           "  l[1] = 'ISC'; r[2] = vigil.license_allowed('ISC', l)\n"
           "  l[2] = 'GPL-2.0-only'; r[3] = vigil.license_allowed('GPL-2.0-only', l)\n"
           "  l[2] = nil; r[4] = vigil.license_allowed('GPL-2.0-only', l)\n"
           "  r[5] = vigil.license_allowed('MIT', params.allowed); r[6] = vigil.license_allowed('ISC', params.allowed)\n"
           "  r[7] = pcall(vigil.license_allowed, 'MIT', {'MIT OR ISC'})\n"
           "  return r end)()",
           "[false,true,true,false,true,false,false]");
    snprintf(want, sizeof want, "[null,\"%s\"]", invalid);
    expect("all(vigil.license_allowed('GPLv2', {'MIT'}))", want);
    expect_error("vigil.license_allowed('MIT', {'MIT OR ISC'})",
                 "bad argument #2 to 'license_allowed' (entry 1 'MIT OR ISC' is an expression: list single "
                 "licences (with \"+\" or WITH an exception))");
    snprintf(want, sizeof want, "bad argument #2 to 'license_allowed' (entry 2 'Expat': %s)", invalid);
    expect_error("vigil.license_allowed('MIT', {'MIT', 'Expat'})", want);
    expect_error("vigil.license_allowed('MIT', {'MIT', 7})",
                 "bad argument #2 to 'license_allowed' (entry 2 is a number, not a licence)");
    expect_error("vigil.license_allowed('MIT', (function() local l = {} for i = 1, 10001 do l[i] = 'MIT' end return l end)())",
                 "bad argument #2 to 'license_allowed' (an allow-list of more than 10000 licences)");
    expect("vigil.license_allowed('ISC', (function() local l = {} for i = 1, 10000 do l[i] = 'MIT' end l[10000] = 'ISC' "
           "return l end)())",
           "true");
    expect_error("vigil.license_allowed('MIT', 'MIT')",
                 "bad argument #2 to 'license_allowed' (table expected, got string)");
    expect_error("vigil.license_allowed(nil, {})",
                 "bad argument #1 to 'license_allowed' (string expected, got nil)");
    expect_error("vigil.license_allowed(true, {})",
                 "bad argument #1 to 'license_allowed' (string expected, got boolean)");
}

static void test_cvss(void)
{
    expect("vigil.cvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')",
           "{\"base\":9.8,\"score\":9.8,\"severity\":\"critical\",\"version\":\"3.1\"}");
    expect("vigil.cvss('CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U')",
           "{\"base\":5.9,\"score\":5.4,\"severity\":\"medium\",\"version\":\"3.0\"}");
    expect("vigil.cvss('AV:N/AC:L/Au:N/C:P/I:P/A:P')",
           "{\"base\":7.5,\"score\":7.5,\"severity\":\"high\",\"version\":\"2.0\"}");
    expect("vigil.cvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')",
           "{\"base\":9.3,\"score\":9.3,\"severity\":\"critical\",\"version\":\"4.0\"}");
    expect("vigil.cvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N').severity", "\"none\"");
    expect_error("vigil.cvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H')",
                 "bad argument #1 to 'cvss' (CVSS vector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H': base metric "
                 "A is missing)");
    expect_error("vigil.cvss('CVSS:9.9/AV:N')",
                 "bad argument #1 to 'cvss' (CVSS vector 'CVSS:9.9/AV:N': unknown CVSS version)");
    expect_error("vigil.cvss({})", "bad argument #1 to 'cvss' (string expected, got table)");
}

static void test_dates(void)
{
    /* RFC 3339 and the ISO 8601 forms docs/policy.md lists. */
    expect("{vigil.time('1970-01-01T00:00:00Z'), vigil.time('2026-12-03T19:00:00Z'), vigil.time('2026-12-03'),"
           " vigil.time('2026-12-03t19:00:00z'), vigil.time('2026-12-03 19:00:00'), vigil.time('2026-12-03T19:00Z'),"
           " vigil.time('2026-12-03T20:00:00+01:00'), vigil.time('2026-12-03T14:30:00-0430'),"
           " vigil.time('2026-12-04T04:00+09')}",
           "[0,1796324400,1796256000,1796324400,1796324400,1796324400,1796324400,1796324400,1796324400]");
    expect("{vigil.time('1969-12-31T23:59:59.5Z'), vigil.time('2021-12-10T10:15:09.143'),"
           " vigil.time('2021-12-10T10:15:09,1434567899Z'), vigil.time('0001-01-01'), vigil.time('9999-12-31T23:59:59Z'),"
           " vigil.time('2016-12-31T23:59:60Z'), vigil.time('2024-02-29')}",
           "[-0.5,1639131309.143,1639131309.143456,-62135596800,253402300799,1483228800,1709164800]");
    expect("math.type(vigil.time('2026-12-03T19:00:00.000Z'))", "\"integer\"");
    static const struct {
        const char *s, *why;
    } bad[] = {
        {"", "an empty string is not a date"},
        {"2026-13-01", "no such day in the calendar (years 0001 to 9999)"},
        {"2023-02-29", "no such day in the calendar (years 0001 to 9999)"},
        {"0000-01-01", "no such day in the calendar (years 0001 to 9999)"},
        {"2026-1-01", "not a date: expected YYYY-MM-DD"},
        {"20261203", "not a date: expected YYYY-MM-DD"},
        {"2026-12-03X19:00:00Z", "expected 'T' or a space between the date and the time"},
        {"2026-12-03T", "not a time: expected hh:mm or hh:mm:ss after the date"},
        {"2026-12-03T19", "not a time: expected hh:mm or hh:mm:ss after the date"},
        {"2026-12-03T19:00:0Z", "not a time: expected two digits of seconds after hh:mm:"},
        {"2026-12-03T24:00:00Z", "no such time of day (hours 00-23, minutes 00-59, seconds 00-60)"},
        {"2026-12-03T19:00:61Z", "no such time of day (hours 00-23, minutes 00-59, seconds 00-60)"},
        {"2026-12-03T19:00:00.Z", "expected the digits of a fraction of a second after its '.'"},
        {"2026-12-03T19:00:00+1:00", "not an offset: expected +hh:mm, +hhmm or +hh"},
        {"2026-12-03T19:00:00+01:", "not an offset: expected +hh:mm, +hhmm or +hh"},
        {"2026-12-03T19:00:00+24:00", "offset out of range (at most 23:59)"},
        {"2026-12-03T19:00:00Z ", "unexpected text after the date or time"},
        {"2026-12-03T19:00:00+01:00:00", "unexpected text after the date or time"},
        {"2026-12-03\\0", "expected 'T' or a space between the date and the time"},
    };
    char expr[256], want[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(expr, sizeof expr, "all(vigil.time('%s'))", bad[i].s);
        char shown[64];
        snprintf(shown, sizeof shown, "%s", bad[i].s);
        char *nul = strstr(shown, "\\0");
        if (nul)
            strcpy(nul, "?");
        snprintf(want, sizeof want, "[null,\"'%s' is not an RFC 3339 date or date-time: %s\"]", shown, bad[i].why);
        expect(expr, want);
    }
    expect("all(vigil.time(('9'):rep(100)))",
           "[null,\"'999999999999999999999999999999999999999999999999...' is not an RFC 3339 date or date-time: "
           "longer than any date (64 bytes)\"]");

    expect("{vigil.date(0), vigil.date(1796324400), vigil.date(-0.5), vigil.date(1639131309.143),"
           " vigil.date(253402300799), vigil.date(-62135596800), vigil.date(1.25)}",
           "[\"1970-01-01T00:00:00Z\",\"2026-12-03T19:00:00Z\",\"1969-12-31T23:59:59.5Z\","
           "\"2021-12-10T10:15:09.143Z\",\"9999-12-31T23:59:59Z\",\"0001-01-01T00:00:00Z\",\"1970-01-01T00:00:01.25Z\"]");
    expect("vigil.date(vigil.time('2026-12-03T20:00:00.25+01:00'))", "\"2026-12-03T19:00:00.25Z\"");
    expect_error("vigil.date(253402300800)",
                 "bad argument #1 to 'date' (a time outside years 0001 to 9999 (seconds since "
                 "1970-01-01T00:00:00Z))");
    expect_error("vigil.date(0/0)",
                 "bad argument #1 to 'date' (a time outside years 0001 to 9999 (seconds since "
                 "1970-01-01T00:00:00Z))");
    expect_error("vigil.date(math.mininteger)",
                 "bad argument #1 to 'date' (a time outside years 0001 to 9999 (seconds since "
                 "1970-01-01T00:00:00Z))");
    expect_error("vigil.date('2026-12-03')", "bad argument #1 to 'date' (number expected, got string)");

    expect("{vigil.days_between('2026-12-01', '2026-12-03T12:00:00Z'), vigil.days_between('2026-12-03', '2026-12-01'),"
           " vigil.days_between(0, 86400), vigil.days_between('2024-02-28', '2024-03-01'),"
           " vigil.days_between('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')}",
           "[2.5,-2.0,1.0,2.0,0.9583333333333334]");
    expect_error("vigil.days_between('2026-12-01', 'yesterday')",
                 "bad argument #2 to 'days_between' ('yesterday' is not an RFC 3339 date or date-time: not a "
                 "date: expected YYYY-MM-DD)");
    expect_error("vigil.days_between(nil, '2026-12-01')",
                 "bad argument #1 to 'days_between' (date string or number of seconds expected, got nil)");
}

static void test_glob_and_severity(void)
{
    expect("{vigil.glob('pkg:npm/*', 'pkg:npm/@scope/x@1'), vigil.glob('*', ''), vigil.glob('', ''),"
           " vigil.glob('a?c', 'abc'), vigil.glob('a?c', 'ac'), vigil.glob('*.lua', '.hidden.lua'),"
           " vigil.glob('[a-c]x', 'bx'), vigil.glob('[!a-c]x', 'bx'), vigil.glob('[^a-c]x', 'dx'),"
           " vigil.glob('[]]', ']'), vigil.glob('[a-]', '-'), vigil.glob('\\\\*', '*'), vigil.glob('\\\\*', 'x'),"
           " vigil.glob('[z-a]', 'm'), vigil.glob('asset:web-*', 'asset:web-01'), vigil.glob('asset:web-*', 'asset:db-01'),"
           " vigil.glob('CVE-2021-*', 'cve-2021-44228')}",
           "[true,true,true,true,false,true,true,false,true,true,true,true,false,false,true,false,false]");
    expect_error("vigil.glob('pkg:npm/[a', 'x')",
                 "bad argument #1 to 'glob' (malformed glob 'pkg:npm/[a': a '[' without its closing ']')");
    expect_error("vigil.glob('x\\\\', 'x')",
                 "bad argument #1 to 'glob' (malformed glob 'x\\': a '\\' at the end, with nothing to escape)");
    expect_error("vigil.glob('[[:alpha:]]', 'a')",
                 "bad argument #1 to 'glob' (malformed glob '[[:alpha:]]': classes such as [:alpha:], [=a=] and "
                 "[.a.] are not supported in a set)");
    expect_error("vigil.glob('*', nil)", "bad argument #2 to 'glob' (string expected, got nil)");

    expect("{vigil.severity_rank('critical'), vigil.severity_rank('HIGH'), vigil.severity_rank('Medium'),"
           " vigil.severity_rank('moderate'), vigil.severity_rank('low'), vigil.severity_rank('info'),"
           " vigil.severity_rank('none'), vigil.severity_rank('important'), vigil.severity_rank('negligible')}",
           "[4,3,2,2,1,0,0,3,1]");
    expect("all(vigil.severity_rank('unknown'))",
           "[null,\"'unknown' is not a severity (critical, high, medium, low, info, none)\"]");
    expect_error("vigil.severity_rank()", "bad argument #1 to 'severity_rank' (string expected, got no value)");
}

/* The engine's C entry points. */
/* vigil.text, items, newest, worst and sbom_name (evidence.c), on documents as the
 * engine hands them to check: {id, path, data}. */
static void test_documents(void)
{
    json_error_t err;
    docs = json_loads("[{\"id\":\"e1\",\"path\":\"a/h1.json\",\"data\":{\"hostname\":\"web1\",\"collected\":\"2025-08-01T00:00:00Z\"}},"
                      " {\"id\":\"e2\",\"path\":\"b/x.json\",\"data\":{\"hostname\":\"web1\",\"collected\":\"2025-08-02T00:00:00+02:00\"}},"
                      " {\"id\":\"e3\",\"path\":\"c/y.json\",\"data\":{\"collected\":\"yesterday\"}},"
                      " {\"id\":\"e4\",\"path\":\"d/z.json\",\"data\":{\"hostname\":\"web1\",\"collected\":\"2025-08-01T22:00:00Z\"}},"
                      " {\"id\":\"e5\",\"path\":\"e/w.json\",\"data\":[1,2]},"
                      " {\"id\":\"e6\",\"path\":\"c/y.json\",\"data\":{\"collected\":\"2020-01-01\",\"t\":5}},"
                      " {\"id\":\"e7\",\"path\":\"f/v.json\",\"data\":{\"hostname\":\"\",\"t\":7}}]",
                      0, &err);
    CHECK(docs != NULL, "documents: %s", err.text);
#define GROUPS(KEY)                                                                                          \
    "(function() local out = {} for _, g in ipairs(vigil.newest(e, " KEY ")) do"                              \
    " out[#out + 1] = {g.resource, g.doc.id, table.concat(g.evidence, ',')} end return out end)()"
    /* By hostname, else the path: e2 (22:00 UTC) is newer than e1, as
     * new as e4 (the first stays); e3 has no time, so e6 is newer; e5
     * holds no object; e7's empty name is no name. */
    expect(GROUPS("function(d) return vigil.text(d.hostname) end"),
           "[[\"web1\",\"e2\",\"e1,e2,e4\"],[\"c/y.json\",\"e6\",\"e3,e6\"],[\"e/w.json\",\"e5\",\"e5\"],"
           "[\"f/v.json\",\"e7\",\"e7\"]]");
    /* A time of the key's own (seconds, or a date-time), false for none. */
    expect(GROUPS("function(d) return 'all', d.t or '1970-01-01T00:00:06Z' end"), "[[\"all\",\"e7\",\"e1,e2,e3,e4,e5,e6,e7\"]]");
    expect(GROUPS("function(d) return 'all', false end"), "[[\"all\",\"e1\",\"e1,e2,e3,e4,e5,e6,e7\"]]");
    expect(GROUPS("function(d, doc) return doc.id == 'e3' and 'three' or nil, false end"),
           "[[\"a/h1.json\",\"e1\",\"e1\"],[\"b/x.json\",\"e2\",\"e2\"],[\"three\",\"e3\",\"e3\"],[\"d/z.json\",\"e4\",\"e4\"],"
           "[\"e/w.json\",\"e5\",\"e5\"],[\"c/y.json\",\"e6\",\"e6\"],[\"f/v.json\",\"e7\",\"e7\"]]");
    expect_error("vigil.newest(e, function() return 1 end)", "vigil.newest: the key function returned a number, not a name");
    expect_error("vigil.newest({}, tostring)", "bad argument #1 to 'newest' (an evidence list (evidence.KIND))");
    expect_error("vigil.newest(e)", "bad argument #2 to 'newest' (function expected, got no value)");
    expect_error("vigil.sbom_name(e)", "bad argument #1 to 'sbom_name' (an evidence document (a member of evidence.KIND))");

    expect("all(vigil.text('a'), vigil.text(''), vigil.text(5), vigil.text(nil), vigil.text(e[1].path))",
           "[\"a\",null,null,null,\"a/h1.json\"]");
    expect("{#vigil.items(nil), #vigil.items('x'), #vigil.items(e), vigil.items(e) == e, #vigil.items({1, 2, 3})}",
           "[0,0,7,true,3]");

    /* vigil.worst: one result per resource, in the order of its first; the
     * worst status (not_applicable < pass < skip < fail); the texts joined
     * into message (pass, fail) or reason (skip, not_applicable); the
     * evidence appended. */
    expect("vigil.worst({{resource = 'a', status = 'pass', message = 'p1', evidence = {'e1'}},"
           " {resource = 'b', status = 'not_applicable', reason = 'own'},"
           " {resource = 'a', status = 'fail', message = 'f1', evidence = {'e2', 'e3'}},"
           " {resource = 'a', status = 'skip', reason = 's1'},"
           " {resource = 'c', status = 'pass', message = 'p2'}, {resource = 'c', status = 'skip', reason = 's2'},"
           " {resource = 'b', status = 'pass', message = 'ok'}})",
           "[{\"evidence\":[\"e1\",\"e2\",\"e3\"],\"message\":\"p1; f1; s1\",\"resource\":\"a\",\"status\":\"fail\"},"
           "{\"evidence\":[],\"message\":\"own; ok\",\"resource\":\"b\",\"status\":\"pass\"},"
           "{\"evidence\":[],\"reason\":\"p2; s2\",\"resource\":\"c\",\"status\":\"skip\"}]");
    expect("vigil.worst({})", "[]");
    expect_error("vigil.worst({{resource = 'a', status = 'error'}})",
                 "vigil.worst: result 1: status must be pass, fail, not_applicable or skip");
    expect_error("vigil.worst({{status = 'pass'}})", "vigil.worst: result 1 has no resource");
    expect_error("vigil.worst({5})", "vigil.worst: result 1 is not a table");
    expect_error("vigil.worst()", "bad argument #1 to 'worst' (table expected, got no value)");
    json_decref(docs);

    docs = json_loads("[{\"id\":\"s1\",\"path\":\"/x/app.cdx.json\",\"data\":{\"bomFormat\":\"CycloneDX\","
                      "\"metadata\":{\"component\":{\"name\":\"shop\"}}}},"
                      " {\"id\":\"s2\",\"path\":\"/x/anon.cdx.json\",\"data\":{\"bomFormat\":\"CycloneDX\",\"metadata\":{}}},"
                      " {\"id\":\"s3\",\"path\":\"rootfs.spdx.json\",\"data\":{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"rootfs\"}},"
                      " {\"id\":\"s4\",\"path\":\"dir/v3.jsonld\",\"data\":{\"@graph\":[{\"type\":\"Person\",\"name\":\"x\"},"
                      "{\"type\":\"SpdxDocument\",\"name\":\"\"},{\"type\":\"SpdxDocument\",\"name\":\"img\"}]}},"
                      " {\"id\":\"s5\",\"path\":\"other.json\",\"data\":{\"spdxVersion\":null}},"
                      " {\"id\":\"s6\",\"path\":\"plain\",\"data\":\"text\"}]",
                      0, &err);
    CHECK(docs != NULL, "SBOM documents: %s", err.text);
    expect("(function() local out = {} for _, d in ipairs(e) do out[#out + 1] = vigil.sbom_name(d) end return out end)()",
           "[\"cyclonedx:shop\",\"cyclonedx:anon.cdx.json\",\"spdx:rootfs\",\"spdx:img\",\"spdx:other.json\",\"sbom:plain\"]");
    json_decref(docs);
    docs = NULL;
}

static void test_c_interface(void)
{
    CHECK(policy_glob_match("asset:web-*", "asset:web-01") == 1, "policy_glob_match match");
    CHECK(policy_glob_match("asset:web-?", "asset:web-01") == 0, "policy_glob_match no match");
    CHECK(policy_glob_match("asset:[web", "asset:[web") == -1, "policy_glob_match malformed");
    CHECK(policy_severity_rank("high", 4) == 3 && policy_severity_rank("info", 4) == 0 &&
              policy_severity_rank("unknown", 7) == -1 && policy_severity_rank("criticality", 11) == -1,
          "policy_severity_rank");
    int64_t t;
    const char *why;
    char text[POLICY_TIME_TEXT];
    CHECK(policy_time_parse("2027-01-31", 10, &t, &why) == 0 && t == 1801353600LL * 1000000, "waiver expiry date");
    CHECK(policy_time_format(t, text) == 0 && strcmp(text, "2027-01-31T00:00:00Z") == 0, "format: %s", text);
    /* Never reads past len. */
    CHECK(policy_time_parse("2027-01-31T10:00:00Z", 10, &t, &why) == 0 && t == 1801353600LL * 1000000, "len");
    CHECK(policy_time_format(253402300800LL * 1000000, text) == -1, "format past 9999");
    /* Every day of years 1 to 9999 goes through format and parse unchanged
     * (one day a step, a different second of the day each time). */
    int bad_days = 0;
    for (int64_t day = -719162; day <= 2932896; day++) {
        int64_t second = (day * 7919 % 86400 + 86400) % 86400, fraction = day % 3 ? (day * 131 % 1000000 + 1000000) % 1000000 : 0;
        int64_t micros = (day * 86400 + second) * 1000000 + fraction;
        int64_t back;
        if (policy_time_format(micros, text) != 0 || policy_time_parse(text, strlen(text), &back, &why) != 0 ||
            back != micros)
            bad_days++;
    }
    CHECK(bad_days == 0, "%d days did not survive format and parse", bad_days);
}

/* glob against glibc's fnmatch(3) on generated pairs.  Patterns are made
 * of the bytes "ab*?[]!^-\\/.:" so that every construct meets every other;
 * those policy_glob_check() refuses (which fnmatch reads literally, or as
 * a class) are not compared, and must be exactly those with a '[' without
 * ']', a '\\' at the end, or "[:", "[." in a set. */
static void test_glob_fnmatch(void)
{
    static const char alphabet[] = "ab*?[]!^-\\/.:";
    static const char subject_alphabet[] = "ab[]!^-\\/.:c";
    unsigned long long state = 42;
    int compared = 0, matched = 0, refused = 0, bad = 0;
    setlocale(LC_ALL, "C");
    for (int n = 0; n < 200000; n++) {
        char pattern[16], s[16];
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        int plen = (int)((state >> 33) % 10), slen = (int)((state >> 40) % 10);
        for (int i = 0; i < plen; i++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            pattern[i] = alphabet[(state >> 33) % (sizeof alphabet - 1)];
        }
        for (int i = 0; i < slen; i++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            s[i] = subject_alphabet[(state >> 33) % (sizeof subject_alphabet - 1)];
        }
        pattern[plen] = s[slen] = '\0';
        const char *why;
        if (policy_glob_check(pattern, (size_t)plen, &why) != 0) {
            refused++;
            int ok = strstr(why, "without its closing") || (strstr(why, "at the end") && pattern[plen - 1] == '\\') ||
                     (strstr(why, "classes") && (strstr(pattern, "[:") || strstr(pattern, "[.")));
            if (!ok && bad++ < 10)
                fprintf(stderr, "glob '%s' refused: %s\n", pattern, why);
            continue;
        }
        int mine = policy_glob_match(pattern, s);
        int ref = fnmatch(pattern, s, 0) == 0;
        compared++;
        matched += ref;
        if (mine != ref && bad++ < 10)
            fprintf(stderr, "glob '%s' on '%s': vigil %d, fnmatch %d\n", pattern, s, mine, ref);
    }
    CHECK(bad == 0, "%d glob results differ from fnmatch(3)", bad);
    /* Enough of each outcome for the comparison to mean something. */
    CHECK(compared > 100000 && matched > 4000 && refused > 5000, "only %d compared, %d matched, %d refused", compared,
          matched, refused);
}

/* Work is charged: loops that would run for minutes uncharged are stopped
 * by the instruction limit; the pathological glob finishes in few steps. */
static void test_charges(void)
{
    vg_policy_limits tight = {.memory = 64u << 20, .instructions = 2000000, .call_depth = 200};
    /* Twenty stars, which make backtracking matchers take exponential
     * time, cost this one a pass over the subject: within 2 million. */
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *out;
    int rc = run_expr("{vigil.glob(('*a'):rep(20) .. 'b', ('a'):rep(100000)), vigil.glob(('*a'):rep(20), ('a'):rep(100000))}",
                      &tight, &ctx, &out);
    char *got = dump(out);
    CHECK(rc == VG_OK && strcmp(got, "[false,true]") == 0, "pathological glob: %d %s %s", rc, ctx.message, got);
    free(got);
    json_decref(out);
    /* The worst case, (pattern length + 1) x (subject length + 1) steps,
     * here 1 000 x 100 000, is stopped by the limit. */
    expect_error_limits("vigil.glob('*' .. ('a'):rep(1000) .. 'b', ('a'):rep(100000))", &tight, VG_ERR_LIMIT,
                        "instruction limit of 2000000 exceeded");
    /* Each licence term is checked against each entry of the list. */
    expect_error_limits("(function() local l = {} for i = 1, 10000 do l[i] = 'MIT' end "
                        "  for i = 1, 1000 do vigil.license_allowed('ISC', l) end end)()",
                        &tight, VG_ERR_LIMIT, "instruction limit of 2000000 exceeded");
    /* Scans of long strings. */
    expect_error_limits("(function() local s = ('1'):rep(1000000) "
                        "  for i = 1, 1000 do vigil.time(s) vigil.purl(s) vigil.license_valid(s) end end)()",
                        &tight, VG_ERR_LIMIT, "instruction limit of 2000000 exceeded");
    expect_error_limits("(function() local s = ('1'):rep(1000000) "
                        "  for i = 1, 1000 do pcall(vigil.version_compare, 'npm', s, s) end end)()",
                        &tight, VG_ERR_LIMIT, "instruction limit of 2000000 exceeded");
    /* An error halfway, memory limit included, leaks nothing (ASan). */
    vg_policy_limits small = {.memory = 1u << 20, .instructions = 100000000, .call_depth = 200};
    rc = run_expr("(function() local keep = {} for i = 1, 1e9 do\n"
                      "  keep[i] = vigil.purl('pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie#usr/share/doc') "
                      "end end)()",
                      &small, &ctx, &out);
    CHECK(rc == VG_ERR_LIMIT && strcmp(ctx.message, "t.lua: memory limit of 1048576 bytes exceeded") == 0,
          "memory limit in purl: %d %s", rc, ctx.message);
    rc = run_expr("(function() local keep = {} for i = 1, 1e9 do\n"
                  "  keep[i] = vigil.license_ids('MIT AND Apache-2.0 AND LicenseRef-' .. i) end end)()",
                  &small, &ctx, &out);
    CHECK(rc == VG_ERR_LIMIT && strcmp(ctx.message, "t.lua: memory limit of 1048576 bytes exceeded") == 0,
          "memory limit in license_ids: %d %s", rc, ctx.message);
    vg_ctx_free(&ctx);
}

/* --run RULE.lua: check(input) with the JSON on standard input. */
static int run_rule(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    static char text[VG_POLICY_MAX_SOURCE + 1];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    json_error_t err;
    json_t *input = json_loadf(stdin, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!input) {
        fprintf(stderr, "standard input: %s\n", err.text);
        return 2;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule = NULL;
    json_t *out = NULL;
    int rc = vg_policy_rule_compile(&ctx, path, text, len, NULL, &rule);
    if (rc == VG_OK)
        rc = vg_policy_rule_run(&ctx, rule, "check", input, &out);
    if (rc == VG_OK) {
        char *s = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        puts(s ? s : "");
        free(s);
    } else {
        fprintf(stderr, "%s\n", ctx.message);
    }
    json_decref(out);
    vg_policy_rule_free(rule);
    json_decref(input);
    vg_ctx_free(&ctx);
    return rc == VG_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--run") == 0)
        return run_rule(argv[2]);
    json_error_t err;
    params = json_loads("{\"allowed\":[\"MIT\",\"Apache-2.0\",\"BSD-3-Clause\"]}", 0, &err);
    test_versions();
    test_purl();
    test_licenses();
    test_cvss();
    test_dates();
    test_glob_and_severity();
    test_documents();
    test_c_interface();
    test_glob_fnmatch();
    test_charges();
    json_decref(params);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
