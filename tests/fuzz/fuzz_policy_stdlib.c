/*
 * fuzz_policy_stdlib.c — libFuzzer target for the vigil.* library of
 * policy rules (src/policy/stdlib.c, datetime.c, glob.c).
 *
 * The first byte modulo 3 picks the mode ('0', '1', '2' in the seeds); the
 * rest is the input.
 *  0  a date (datetime.c): when policy_time_parse() reads it, the instant
 *     written by policy_time_format() must read back as the same instant,
 *     and a second format must give the same text; a parse that fails must
 *     give a reason.
 *  1  a glob and a subject, split at the first NUL byte (glob.c): when
 *     policy_glob_check() accepts the pattern, the match must be what
 *     glibc's fnmatch(3) (no flags, C locale) says — for patterns of at
 *     most 3 stars and 64 bytes of subject, as fnmatch backtracks
 *     exponentially.
 *  2  a string given to every function of the library, in every argument
 *     position, by a rule in the sandbox under pcall: the rule must end
 *     without an error whatever the string (every failure is a Lua error
 *     the rule catches, or a nil/false result), within its limits.
 * Seeds (corpus/policy_stdlib/): dates of each documented form, globs
 * with sets, escapes and stars, strings that are purls, versions, licence
 * expressions and CVSS vectors.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "vigil/policy.h"

static void fuzz_time(const char *s, size_t len)
{
    int64_t t, back;
    const char *why = NULL;
    char text[POLICY_TIME_TEXT], again[POLICY_TIME_TEXT];
    if (policy_time_parse(s, len, &t, &why) != 0) {
        if (!why || !*why)
            abort();
        return;
    }
    if (policy_time_format(t, text) != 0)
        return; /* an offset took it before 0001-01-01 or after 9999 */
    if (policy_time_parse(text, strlen(text), &back, &why) != 0 || back != t)
        abort();
    if (policy_time_format(back, again) != 0 || strcmp(text, again) != 0)
        abort();
}

static void fuzz_glob(const char *data, size_t size)
{
    const char *nul = memchr(data, 0, size);
    if (!nul)
        return;
    size_t plen = (size_t)(nul - data), slen = size - plen - 1;
    const char *why;
    if (policy_glob_check(data, plen, &why) != 0)
        return;
    char *pattern = strndup(data, plen), *s = malloc(slen + 1);
    if (!pattern || !s)
        abort();
    memcpy(s, nul + 1, slen);
    s[slen] = '\0';
    int mine = policy_glob_match_n(NULL, data, plen, s, slen);
    size_t stars = 0;
    for (size_t i = 0; i < plen; i++)
        stars += data[i] == '*';
    if (stars <= 3 && slen <= 64 && !memchr(s, 0, slen) && mine != (fnmatch(pattern, s, 0) == 0))
        abort();
    free(pattern);
    free(s);
}

/* Calls every function with s in every argument position. */
static const char rule_text[] =
    "local calls = {\n"
    "  function(s) return vigil.version_compare(s, '1.0', '2.0') end,\n"
    "  function(s) return vigil.version_compare('npm', s, '1.0.0') end,\n"
    "  function(s) return vigil.version_compare('deb', '1.0', s) end,\n"
    "  function(s) return vigil.version_compare('pypi', s, s) end,\n"
    "  function(s) return vigil.version_valid(s, '1') end,\n"
    "  function(s) return vigil.version_valid('rpm', s) end,\n"
    "  function(s) return vigil.purl(s) end,\n"
    "  function(s) return vigil.license_valid(s) end,\n"
    "  function(s) return vigil.license_ids(s) end,\n"
    "  function(s) return vigil.license_allowed(s, {'MIT', 'GPL-2.0-or-later'}) end,\n"
    "  function(s) return vigil.license_allowed('MIT OR Apache-2.0', {s}) end,\n"
    "  function(s) return vigil.cvss(s) end,\n"
    "  function(s) return vigil.time(s) end,\n"
    "  function(s) return vigil.days_between(s, '2026-12-03') end,\n"
    "  function(s) return vigil.days_between(0, s) end,\n"
    "  function(s) return vigil.date(#s * 86400.5) end,\n"
    "  function(s) return vigil.glob(s, s) end,\n"
    "  function(s) return vigil.glob('*a*', s) end,\n"
    "  function(s) return vigil.severity_rank(s) end,\n"
    "}\n"
    "function check(e)\n"
    "  local ok = 0\n"
    "  for _, f in ipairs(calls) do\n"
    "    if pcall(f, e.s) then ok = ok + 1 end\n"
    "  end\n"
    "  return ok\n"
    "end\n";

static void fuzz_library(const char *s, size_t len)
{
    static vg_policy_rule *rule;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (!rule && vg_policy_rule_compile(&ctx, "stdlib.lua", rule_text, strlen(rule_text), NULL, &rule) != VG_OK)
        abort();
    json_t *evidence = json_pack("{s:o}", "s", json_stringn_nocheck(s, len));
    json_t *result = NULL;
    if (!evidence || vg_policy_rule_run(&ctx, rule, "check", evidence, &result) != VG_OK || !json_is_integer(result))
        abort();
    json_decref(result);
    json_decref(evidence);
    vg_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 65536)
        return 0;
    const char *s = (const char *)data + 1;
    switch (data[0] % 3) {
    case 0:
        fuzz_time(s, size - 1);
        break;
    case 1:
        fuzz_glob(s, size - 1);
        break;
    default:
        fuzz_library(s, size - 1);
        break;
    }
    return 0;
}
