/*
 * bench_policy.c — what the policy sandbox costs a rule: the same Lua
 * function run in vigil's sandbox and in a plain Lua 5.4 state, with and
 * without an instruction hook like the sandbox's.  Not a test; timed by
 * hyperfine from bench/policy/run.sh, figures in bench/README.md ("Policy
 * sandbox").
 *
 *   bench_policy WORKLOAD MODE
 *     WORKLOAD  loop      a pure-Lua loop: arithmetic and branches, 20 million turns
 *               strings   a string-heavy rule: 100 000 purls formatted,
 *                         matched, compared, upper-cased, gsub'd, collected
 *               patterns  pattern matching over 1 MB of text, 10 times (gmatch,
 *                         gsub, find, %b): the sandbox's matcher against Lua's
 *               runaway-loop, runaway-pattern  an endless loop; a pattern that
 *                         backtracks for hours (only with sandbox-default)
 *     MODE      plain       luaL_newstate, all standard libraries, no hook
 *               plain-hook  the same with a count hook every 1 000
 *                           instructions that counts and samples the call
 *                           depth, as the sandbox's does
 *               sandbox     vg_policy_rule_compile / vg_policy_rule_run
 *                           (limits raised so that none is reached)
 *               sandbox-default  the same with the default limits: the
 *                           time a runaway rule takes to be stopped
 * Prints the function's result, which must be the same in every mode, or
 * the sandbox's error (exit status 1).
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "vigil/policy.h"

static const struct {
    const char *name, *text;
} workloads[] = {
    {"loop",
     "function check()\n"
     "  local n = 0\n"
     "  for i = 1, 20000000 do\n"
     "    if i % 3 == 0 then n = n + i else n = n - 1 end\n"
     "  end\n"
     "  return tostring(n)\n"
     "end\n"},
    {"strings",
     "function check()\n"
     "  local out, count = {}, 0\n"
     "  for i = 1, 100000 do\n"
     "    local purl = string.format('pkg:npm/%%40scope%d/name-%d@%d.%d.%d?arch=x86_64', i % 50, i, i % 7,\n"
     "                               i % 13, i % 100)\n"
     "    local kind, namespace, name, version = purl:match('^pkg:(%w+)/([^/]+)/([^@]+)@([^?#]+)')\n"
     "    local major = tonumber(version:match('^(%d+)%.'))\n"
     "    if kind == 'npm' and major >= 3 and not name:find('name-1', 1, true) then\n"
     "      count = count + 1\n"
     "      out[#out + 1] = namespace:gsub('%%40', '@') .. '/' .. name:upper() .. ' ' .. version\n"
     "    end\n"
     "  end\n"
     "  return count .. ' ' .. #table.concat(out, '\\n') .. ' ' .. out[#out]\n"
     "end\n"},
    {"patterns",
     "function check()\n"
     "  local words = {'alpha', 'beta', 'gamma', 'delta', 'CVE-2024-1234', 'pkg:deb/debian/curl@7.88.1',\n"
     "                 'x86_64', '  ', '(note)', 'end.'}\n"
     "  local parts = {}\n"
     "  for i = 1, 110000 do parts[i] = words[i % #words + 1] end\n"
     "  local text = table.concat(parts, ' ')\n"
     "  local n, ids, spaces, first, balanced, squeezed = 0, 0, 0, 0, 0, 0\n"
     "  for round = 1, 10 do\n"
     "    for _ in text:gmatch('%a+') do n = n + 1 end\n"
     "    for _ in text:gmatch('CVE%-%d+%-%d+') do ids = ids + 1 end\n"
     "    local s, k = text:gsub('%s+', ' ')\n"
     "    spaces, squeezed = spaces + k, squeezed + #s\n"
     "    for i = 1, 20 do first = first + (text:find('curl@(%d+)%.(%d+)', i * 1000) or 0) end\n"
     "    balanced = balanced + select(2, text:gsub('%b()', ''))\n"
     "  end\n"
     "  return table.concat({n, ids, spaces, first, balanced, squeezed}, ' ')\n"
     "end\n"},
    {"runaway-loop", "function check() while true do end end\n"},
    {"runaway-pattern",
     "function check() return string.rep('a', 5000):match(string.rep('a-', 20) .. 'b') end\n"},
};

/* As the sandbox's hook: counts, samples the depth. */
static unsigned long long hook_instructions;

static void hook(lua_State *L, lua_Debug *ar)
{
    lua_Debug deeper;
    hook_instructions += 1000;
    if (lua_getstack(L, VG_POLICY_DEFAULT_CALL_DEPTH, &deeper))
        luaL_error(L, "too deep");
}

static int run_plain(const char *text, int with_hook)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (with_hook)
        lua_sethook(L, hook, LUA_MASKCOUNT, 1000);
    if (luaL_loadstring(L, text) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        return 1;
    }
    lua_getglobal(L, "check");
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        return 1;
    }
    printf("%s\n", lua_tostring(L, -1));
    lua_close(L);
    return 0;
}

static int run_sandbox(const char *text, int default_limits)
{
    vg_policy_limits limits = {.memory = 1u << 30, .instructions = 1000000000000ull, .call_depth = 200};
    if (default_limits)
        vg_policy_limits_default(&limits);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule;
    json_t *out = NULL;
    int rc = vg_policy_rule_compile(&ctx, "bench.lua", text, strlen(text), &limits, &rule);
    if (rc == VG_OK) {
        rc = vg_policy_rule_run(&ctx, rule, "check", NULL, &out);
        vg_policy_rule_free(rule);
    }
    if (rc != VG_OK)
        printf("%s\n", ctx.message);
    else
        printf("%s\n", json_string_value(out));
    json_decref(out);
    vg_ctx_free(&ctx);
    return rc != VG_OK;
}

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 3 && i < sizeof workloads / sizeof workloads[0]; i++) {
        if (strcmp(argv[1], workloads[i].name) != 0)
            continue;
        if (strcmp(argv[2], "sandbox") == 0 || strcmp(argv[2], "sandbox-default") == 0)
            return run_sandbox(workloads[i].text, strcmp(argv[2], "sandbox-default") == 0);
        if (strcmp(argv[2], "plain") == 0 || strcmp(argv[2], "plain-hook") == 0)
            return run_plain(workloads[i].text, strcmp(argv[2], "plain-hook") == 0);
    }
    fprintf(stderr, "usage: bench_policy loop|strings|patterns|runaway-loop|runaway-pattern "
                    "plain|plain-hook|sandbox|sandbox-default\n");
    return 2;
}
