/*
 * fuzz_policy_pattern.c — libFuzzer target for the pattern functions of the
 * policy sandbox (src/policy/pattern.c), compared with Lua 5.4's own
 * string library (liblua5.4, which vigil links: the reference).
 *
 * Input: byte 0 picks the function (low 3 bits: find, find with plain,
 * match, gmatch, gsub) and gsub's replacement (the rest: an index into
 * REPL below); byte 1 is init (or gsub's n) as a signed byte; byte 2 the
 * pattern's length (at most 64); then the pattern, then the subject (at
 * most 512 bytes).  The same driver runs as a rule in the sandbox, under
 * a budget of 200 000 instructions, and in a plain Lua state with the
 * standard library; when the sandbox finishes within its limits (the
 * reference then does about as much work, the same backtracking), both
 * must give the same text: results, captures, error messages.  A
 * difference aborts.
 * Seeds (corpus/policy_pattern/): each function on a pattern with
 * captures, sets, %b, %f, back-references and anchors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "vigil/policy.h"

#define MAX_PATTERN 64
#define MAX_SUBJECT 512

/* run(f, s, p, init, repl) describes what the call gave: each value as
 * its bytes or tostring(), the error message likewise. */
static const char driver[] =
    "local REPL = {'<%0>', '%1', '%2-%1', 'x%%', '%', '%3', 5,\n"
    "  {a = 'A', [1] = 'one', ab = false, b = {}},\n"
    "  function(...) return select('#', ...) .. table.concat({...}, '|') end,\n"
    "  function(c) return c end}\n"
    "local function show(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    out[i] = type(v) == 'string' and ('s' .. table.concat({v:byte(1, -1)}, ',')) or tostring(v)\n"
    "  end\n"
    "  return table.concat(out, ' ')\n"
    "end\n"
    "function run(f, s, p, init, repl)\n"
    "  local function call()\n"
    "    if f == 'gmatch' then\n"
    "      local out, it = {}, string.gmatch(s, p, init)\n"
    "      for _ = 1, 64 do\n"
    "        local r = table.pack(it())\n"
    "        out[#out + 1] = show(table.unpack(r, 1, r.n))\n"
    "        if r[1] == nil then break end\n"
    "      end\n"
    "      return table.concat(out, ';')\n"
    "    elseif f == 'gsub' then\n"
    "      return string.gsub(s, p, REPL[repl % #REPL + 1], init)\n"
    "    elseif f == 'plain' then\n"
    "      return string.find(s, p, init, true)\n"
    "    end\n"
    "    return string[f](s, p, init)\n"
    "  end\n"
    "  return show(pcall(call))\n"
    "end\n";

static const char *const functions[] = {"find", "plain", "match", "gmatch", "gsub", "gsub", "gsub", "gsub"};

/* Appends s as a Lua string literal, every byte as \ddd. */
static size_t literal(char *out, const uint8_t *s, size_t len)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++)
        n += (size_t)sprintf(out + n, "\\%03u", s[i]);
    out[n++] = '"';
    return n;
}

/* The reference: a plain Lua state with the driver, made once. */
static lua_State *reference(void)
{
    static lua_State *L;
    if (!L) {
        L = luaL_newstate();
        if (!L)
            abort();
        luaL_openlibs(L);
        if (luaL_loadbufferx(L, driver, strlen(driver), "=rule", "t") != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK)
            abort();
    }
    return L;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const char *f = functions[data[0] & 7];
    int repl = data[0] >> 3, init = (int8_t)data[1];
    size_t lp = data[2];
    if (lp > MAX_PATTERN || size - 3 < lp || size - 3 - lp > MAX_SUBJECT)
        return 0;
    const uint8_t *p = data + 3, *s = p + lp;
    size_t ls = size - 3 - lp;

    /* The sandbox: the driver, then a check() that calls it (the driver's
     * lines first, so that messages name the same lines as the reference's). */
    static char text[sizeof driver + 4 * (MAX_PATTERN + MAX_SUBJECT) + 128];
    size_t n = (size_t)sprintf(text, "%sfunction check() return run('%s', ", driver, f);
    n += literal(text + n, s, ls);
    text[n++] = ',';
    n += literal(text + n, p, lp);
    n += (size_t)sprintf(text + n, ", %d, %d) end\n", init, repl);
    static const vg_policy_limits limits = {.memory = 16u << 20, .instructions = 200000, .call_depth = 200};
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule = NULL;
    json_t *result = NULL;
    int rc = vg_policy_rule_compile(&ctx, "pattern.lua", text, n, &limits, &rule);
    if (rc != VG_OK)
        abort();
    rc = vg_policy_rule_run(&ctx, rule, "check", NULL, &result);
    if (rc == VG_OK) {
        lua_State *L = reference();
        lua_getglobal(L, "run");
        lua_pushstring(L, f);
        lua_pushlstring(L, (const char *)s, ls);
        lua_pushlstring(L, (const char *)p, lp);
        lua_pushinteger(L, init);
        lua_pushinteger(L, repl);
        if (lua_pcall(L, 5, 1, 0) != LUA_OK || !json_is_string(result) ||
            strcmp(lua_tostring(L, -1), json_string_value(result)) != 0) {
            fprintf(stderr, "%s(pattern of %zu bytes, subject of %zu, %d, %d)\n lua   %s\n vigil %s\n", f, lp, ls, init,
                    repl, lua_tostring(L, -1), json_string_value(result));
            abort();
        }
        lua_pop(L, 1);
    } else if (rc != VG_ERR_LIMIT) {
        fprintf(stderr, "%s\n", ctx.message);
        abort();
    }
    json_decref(result);
    vg_policy_rule_free(rule);
    vg_ctx_free(&ctx);
    return 0;
}
