/*
 * policy_sandbox.c — unit test of the policy rule sandbox (src/policy/,
 * vigil/policy.h).
 *
 * Misbehaving rules — endless loops, unbounded allocation, endless
 * recursion, calls to what the sandbox takes away, writes to the evidence,
 * bytecode, syntax errors, results JSON cannot hold — must each end in the
 * exact error message docs/policy.md promises; after each one, a
 * well-behaved rule compiled at the start (its own state) and one compiled
 * afresh must still return exactly the expected JSON.  Well-behaved rules
 * read every kind of JSON value through the read-only evidence tables and
 * return values that must convert back exactly.  Bytecode is made by
 * Lua's own lua_dump, so the refusal is tested on the real thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "check.h"
#include "vigil/policy.h"

/* The evidence every rule gets: each kind of JSON value, nested. */
static const char evidence_text[] =
    "{\"name\":\"web-01\",\"count\":42,\"ratio\":0.5,\"whole\":2.0,\"big\":-9223372036854775808,"
    "\"flag\":true,\"off\":false,\"nothing\":null,"
    "\"list\":[1,\"two\",3.5,true,null,{\"k\":\"v\"},[7]],"
    "\"nested\":{\"zeta\":1,\"alpha\":{\"deeper\":[{\"x\":\"first\"},{\"x\":\"second\"}]},\"mid\":[]},"
    "\"words\":[\"a\",\"b\",\"c\"],\"empty_obj\":{},\"empty_arr\":[],"
    "\"nul\":\"x\\u0000y\",\"utf8\":\"gr\\u00fc\\u00dfe \\ud83d\\ude00\"}";

static json_t *evidence;
static vg_policy_rule *good; /* compiled once at the start, run after every failure */

/* Reads the evidence and returns what it saw; the expected JSON below. */
static const char good_rule[] =
    "function check(e)\n"
    "  local ip = {}\n"
    "  for i, v in ipairs(e.list) do ip[i] = v end\n"
    "  local keys = {}\n"
    "  for k in pairs(e.nested) do keys[#keys + 1] = k end\n"
    "  local nkeys = {}\n"
    "  local k = next(e.nested)\n"
    "  while k do nkeys[#nkeys + 1] = k; k = next(e.nested, k) end\n"
    "  local members = 0\n"
    "  for _ in pairs(e) do members = members + 1 end\n"
    "  return {\n"
    "    name = e.name, count = e.count, ratio = e.ratio, whole = e.whole, big = e.big,\n"
    "    types = {math.type(e.count), math.type(e.ratio), math.type(e.whole), type(e.flag), type(e.list)},\n"
    "    flag = e.flag, off = e.off,\n"
    "    null_is_null = e.nothing == vigil.null, missing_is_nil = e.missing == nil,\n"
    "    len = #e.list, object_len = #e.nested, empty_len = #e.empty_arr,\n"
    "    ipairs = ip, keys = keys, next_keys = nkeys, members = members,\n"
    "    deep = e.nested.alpha.deeper[2].x, same_table = e.nested == e.nested,\n"
    "    empty_obj = next(e.empty_obj) == nil, nul = e.nul, nul_len = #e.nul, utf8 = e.utf8,\n"
    "    utf8_len = utf8.len(e.utf8), concat = table.concat(e.words, ','),\n"
    "    unpack = {table.unpack(e.words)}, float_index = e.list[2.0], string_index = e.list['1'] == nil,\n"
    "    out_of_range = e.list[0] == nil and e.list[8] == nil, sub = e.list[6].k, subarray = e.list[7],\n"
    "    as_key = ({[e.nested] = 'found'})[e.nested], shown = tostring(e.nested):sub(1, 7),\n"
    "    gsub = (('zeta'):gsub('%a+', e.nested)), null_shown = tostring(vigil.null),\n"
    "    sorted = select(2, pcall(table.insert, e.words, 'd')):match('read%-only') ~= nil,\n"
    "  }\n"
    "end\n";

static const char good_expected[] =
    "{\"as_key\":\"found\",\"big\":-9223372036854775808,\"concat\":\"a,b,c\",\"count\":42,\"deep\":\"second\","
    "\"empty_len\":0,\"empty_obj\":true,\"flag\":true,\"float_index\":\"two\",\"gsub\":\"1\","
    "\"ipairs\":[1,\"two\",3.5,true,null,{\"k\":\"v\"},[7]],\"keys\":[\"zeta\",\"alpha\",\"mid\"],\"len\":7,"
    "\"members\":15,\"missing_is_nil\":true,\"name\":\"web-01\",\"next_keys\":[\"zeta\",\"alpha\",\"mid\"],"
    "\"nul\":\"x\\u0000y\",\"nul_len\":3,\"null_is_null\":true,\"null_shown\":\"null\",\"object_len\":0,\"off\":false,"
    "\"out_of_range\":true,\"ratio\":0.5,\"same_table\":true,\"shown\":\"table: \",\"sorted\":true,"
    "\"string_index\":true,\"sub\":\"v\",\"subarray\":[7],"
    "\"types\":[\"integer\",\"float\",\"float\",\"boolean\",\"table\"],\"unpack\":[\"a\",\"b\",\"c\"],"
    "\"utf8\":\"gr\\u00fc\\u00dfe \\ud83d\\ude00\",\"utf8_len\":7,\"whole\":2.0}";

static char *dump(const json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : strdup("(none)");
}

/* Runs function of rule and compares the result's JSON text with want. */
static void expect_json(const char *what, vg_policy_rule *rule, const char *function, json_t *ev, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *out = (json_t *)1;
    int rc = vg_policy_rule_run(&ctx, rule, function, ev, &out);
    CHECK(rc == VG_OK, "%s: rc %d: %s", what, rc, ctx.message);
    if (rc == VG_OK) {
        json_error_t err;
        json_t *expected = json_loads(want, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        char *got = dump(out), *exp = dump(expected);
        /* Same text (so the order of members too) and same types. */
        CHECK(expected && json_equal(out, expected) && strcmp(got, exp) == 0, "%s:\n got  %s\n want %s", what, got,
              exp);
        free(got);
        free(exp);
        json_decref(expected);
    } else {
        CHECK(out == NULL, "%s: a result despite the error", what);
    }
    json_decref(out);
    vg_ctx_free(&ctx);
}

static vg_policy_rule *compile_ok(const char *file, const char *text, const vg_policy_limits *limits)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule = NULL;
    int rc = vg_policy_rule_compile(&ctx, file, text, strlen(text), limits, &rule);
    CHECK(rc == VG_OK && rule, "%s: compile: rc %d: %s", file, rc, ctx.message);
    vg_ctx_free(&ctx);
    return rule;
}

/* Compiles the rule and compares what its check() returns with want. */
static void expect_check(const char *file, const char *text, const vg_policy_limits *limits, const char *want)
{
    vg_policy_rule *rule = compile_ok(file, text, limits);
    if (rule)
        expect_json(file, rule, "check", evidence, want);
    vg_policy_rule_free(rule);
}

/* The rule from the start and a fresh one both still work. */
static void check_others_run(const char *after)
{
    char what[128];
    snprintf(what, sizeof what, "the shared good rule after %s", after);
    expect_json(what, good, "check", evidence, good_expected);
    vg_policy_rule *fresh = compile_ok("fresh.lua", good_rule, NULL);
    if (fresh) {
        snprintf(what, sizeof what, "a fresh good rule after %s", after);
        expect_json(what, fresh, "check", evidence, good_expected);
    }
    vg_policy_rule_free(fresh);
}

/* Compiling (or, when it compiles, running check() of) the rule ends in
 * want_rc with exactly want_msg; the rule, when it compiled, then still
 * runs its function ok() if it has one, and other rules run. */
static void expect_error_n(const char *file, const char *text, size_t len, const vg_policy_limits *limits,
                           int want_rc, const char *want_msg)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule = NULL;
    int rc = vg_policy_rule_compile(&ctx, file, text, len, limits, &rule);
    json_t *out = NULL;
    if (rc == VG_OK) {
        out = (json_t *)1;
        rc = vg_policy_rule_run(&ctx, rule, "check", evidence, &out);
        CHECK(rc == VG_OK || out == NULL, "%s: a result despite the error", file);
    } else {
        CHECK(rule == NULL, "%s: a rule despite the error", file);
    }
    CHECK(rc == want_rc && strcmp(ctx.message, want_msg) == 0, "%s:\n got  %d \"%s\"\n want %d \"%s\"", file, rc,
          ctx.message, want_rc, want_msg);
    if (rule && strstr(text, "function ok()"))
        expect_json(file, rule, "ok", evidence, "\"still usable\"");
    if (rc == VG_OK)
        json_decref(out);
    vg_policy_rule_free(rule);
    vg_ctx_free(&ctx);
    check_others_run(file);
}

static void expect_error(const char *file, const char *text, const vg_policy_limits *limits, int want_rc,
                         const char *want_msg)
{
    expect_error_n(file, text, strlen(text), limits, want_rc, want_msg);
}

#define OK_FN "function ok() return 'still usable' end\n"

static void test_limits(void)
{
    vg_policy_limits tight = {.memory = 8u << 20, .instructions = 1000000, .call_depth = 200};

    expect_error("loop.lua", OK_FN "function check(e)\n  while true do end\nend\n", &tight, VG_ERR_LIMIT,
                 "loop.lua:3: instruction limit of 1000000 exceeded");
    /* The default limits, once. */
    expect_error("loop-default.lua", "function check(e) local n = 0 while true do n = n + 1 end end", NULL,
                 VG_ERR_LIMIT, "loop-default.lua:1: instruction limit of 100000000 exceeded");
    /* Catching the limit's error does not help. */
    expect_error("pcall-loop.lua",
                 OK_FN "function check(e)\n  while true do\n    pcall(function() while true do end end)\n  end\nend\n",
                 &tight, VG_ERR_LIMIT, "pcall-loop.lua:4: instruction limit of 1000000 exceeded");
    expect_error("xpcall-loop.lua",
                 "function check(e)\n  local h = function() while true do end end\n"
                 "  while true do xpcall(function() while true do end end, h) end\nend\n",
                 &tight, VG_ERR_LIMIT, "xpcall-loop.lua:3: instruction limit of 1000000 exceeded");
    /* xpcall still works, its handler after the unwinding. */
    expect_check("xpcall.lua",
                 "function check(e)\n  local h = function(m) return 'handled ' .. m end\n"
                 "  local a, b = xpcall(function() error('x', 0) end, h)\n"
                 "  local c, d = xpcall(function(x, y) return x + y end, h, 1, 2)\n"
                 "  local f, g = xpcall(function() error('y', 0) end, function() error('z', 0) end)\n"
                 "  return {a, b, c, d, f, g}\nend\n",
                 &tight, "[false,\"handled x\",true,3,false,\"z\"]");
    /* Library functions that loop in C are charged. */
    expect_error("rep-empty.lua", "function check(e)\n  return string.rep('', 1 << 62)\nend\n", &tight, VG_ERR_LIMIT,
                 "rep-empty.lua:2: instruction limit of 1000000 exceeded");
    expect_error("rep-method.lua", "function check(e)\n  return (''):rep(1 << 40, '')\nend\n", &tight, VG_ERR_LIMIT,
                 "rep-method.lua:2: instruction limit of 1000000 exceeded");
    expect_error("move.lua", "function check(e)\n  return table.move({}, 1, 1 << 62, 2)\nend\n", &tight,
                 VG_ERR_LIMIT, "move.lua:2: instruction limit of 1000000 exceeded");
    expect_error("insert-shift.lua",
                 "function check(e)\n  local t = {}\n  for i = 1, 20000 do table.insert(t, 1, i) end\nend\n", &tight,
                 VG_ERR_LIMIT, "insert-shift.lua:3: instruction limit of 1000000 exceeded");

    /* table.sort compares about n * log2(n) times in C: 100 000 elements
     * are charged 1 700 000 instructions (charged n, they passed). */
    expect_error("sort-charge.lua",
                 "function check(e)\n  local t = {}\n  for i = 1, 100000 do t[i] = -i end\n"
                 "  table.sort(t)\n  return t[1]\nend\n",
                 &tight, VG_ERR_LIMIT, "sort-charge.lua:4: instruction limit of 1000000 exceeded");
    /* A Lua comparator's own instructions are counted on top (by the hook):
     * the sort of 1 000 elements is charged 10 000, its comparator's loop
     * runs about 10 000 times 100 turns. */
    expect_error("sort-comparator.lua",
                 "function check(e)\n  local t = {}\n  for i = 1, 1000 do t[i] = -i end\n"
                 "  table.sort(t, function(a, b)\n    for _ = 1, 100 do end\n    return a < b\n  end)\nend\n",
                 &tight, VG_ERR_LIMIT, "sort-comparator.lua:5: instruction limit of 1000000 exceeded");
    expect_check("sort.lua",
                 "function check(e)\n  local t, u = {3, 1, 2}, {'b', 'c', 'a'}\n  table.sort(t)\n"
                 "  table.sort(u, function(a, b) return a > b end)\n  return {t, u}\nend\n",
                 &tight, "[[1,2,3],[\"c\",\"b\",\"a\"]]");

    /* Pattern matching backtracks in C; each step is charged (Lua's own
     * matcher takes hours on these, and the hook never sees it). */
    expect_error("pattern-runaway.lua",
                 OK_FN "function check(e)\n  local s = string.rep('a', 5000)\n"
                       "  return s:find(string.rep('a*', 20) .. 'b')\nend\n",
                 &tight, VG_ERR_LIMIT,
                 "pattern-runaway.lua:4: pattern matching exceeded the rule's instruction limit of 1000000");
    expect_error("pattern-runaway-default.lua",
                 "function check(e)\n  local s = string.rep('a', 5000)\n"
                 "  return s:match(string.rep('a-', 20) .. 'b')\nend\n",
                 NULL, VG_ERR_LIMIT,
                 "pattern-runaway-default.lua:3: pattern matching exceeded the rule's instruction limit of 100000000");
    expect_error("pattern-pcall.lua",
                 "function check(e)\n  local s = string.rep('a', 5000)\n"
                 "  for i = 1, 10 do pcall(string.gsub, s, string.rep('a?', 20) .. 'b', '') end\n"
                 "  return 'survived'\nend\n",
                 &tight, VG_ERR_LIMIT,
                 "pattern-pcall.lua:3: pattern matching exceeded the rule's instruction limit of 1000000");
    expect_error("pattern-gmatch.lua",
                 "function check(e)\n  local n = 0\n"
                 "  for w in string.rep('ab', 3000):gmatch('(.-)%1%1%1%1%1%1c') do n = n + 1 end\n"
                 "  return n\nend\n",
                 &tight, VG_ERR_LIMIT,
                 "pattern-gmatch.lua:3: pattern matching exceeded the rule's instruction limit of 1000000");
    /* A set is charged by its length, each time it is tested. */
    expect_error("pattern-set.lua",
                 "function check(e)\n  local set = '[' .. string.rep('b', 60000) .. ']'\n"
                 "  return (string.rep('a', 2000)):find(set)\nend\n",
                 &tight, VG_ERR_LIMIT,
                 "pattern-set.lua:3: pattern matching exceeded the rule's instruction limit of 1000000");

    expect_error("rep-grow.lua",
                 OK_FN "function check(e)\n  local t = {}\n"
                       "  for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end\nend\n",
                 &tight, VG_ERR_LIMIT, "rep-grow.lua: memory limit of 8388608 bytes exceeded");
    expect_error("rep-huge.lua", "function check(e) return string.rep('xy', 1 << 28) end", &tight, VG_ERR_LIMIT,
                 "rep-huge.lua: memory limit of 8388608 bytes exceeded");
    expect_error("table-grow.lua",
                 "function check(e)\n  local t, i = {}, 0\n  while true do i = i + 1; t[i] = {i} end\nend\n", &tight,
                 VG_ERR_LIMIT, "table-grow.lua: memory limit of 8388608 bytes exceeded");
    expect_error("concat-grow.lua", "function check(e)\n  local s = 'x'\n  while true do s = s .. s end\nend\n", &tight,
                 VG_ERR_LIMIT, "concat-grow.lua: memory limit of 8388608 bytes exceeded");
    /* Caught memory errors do not lift the limit (a budget of
     * instructions for the 1.6 GB the attempts allocate). */
    vg_policy_limits grow = {.memory = 8u << 20, .instructions = 100000000, .call_depth = 200};
    expect_error("pcall-grow.lua",
                 "keep = {}\nfunction check(e)\n"
                       "  for i = 1, 100 do pcall(function() local s = 'x' while true do s = s .. s end end) end\n"
                       "  local s = 'y' while true do s = s .. s; keep[#keep + 1] = s end\nend\n",
                 &grow, VG_ERR_LIMIT, "pcall-grow.lua: memory limit of 8388608 bytes exceeded");
    /* Quadratic copying without ever holding much memory: charged by
     * the allocator (uncharged, 25 million turns would copy 3e14 bytes). */
    expect_error("concat-quadratic.lua", "function check(e)\n  local s = ''\n  while true do s = s .. 'x' end\nend\n",
                 NULL, VG_ERR_LIMIT, "concat-quadratic.lua:3: instruction limit of 100000000 exceeded");
    expect_error("top-grow.lua", "x = string.rep('x', 100000000)\nfunction check(e) end\n", &tight, VG_ERR_LIMIT,
                 "top-grow.lua: memory limit of 8388608 bytes exceeded");

    expect_error("recurse.lua", OK_FN "local function f(n)\n  return f(n + 1) + 1\nend\nfunction check(e) return f(1) end\n",
                 &tight, VG_ERR_LIMIT, "recurse.lua:3: stack overflow (recursion too deep): more than 200 nested calls");
    expect_error("pcall-recurse.lua",
                 "local function f(n)\n  return f(n + 1) + 1\nend\n"
                 "function check(e)\n  pcall(f, 1)\n  return 'survived'\nend\n",
                 &tight, VG_ERR_LIMIT, "pcall-recurse.lua:2: stack overflow (recursion too deep): more than 200 nested calls");
    /* Without the sampled depth limit, Lua's own stack limit stops it. */
    vg_policy_limits deep = {.memory = 64u << 20, .instructions = 100000000, .call_depth = 100000000};
    expect_error("recurse-lua-limit.lua", "local function f(n)\n  return f(n + 1) + 1\nend\nfunction check(e) return f(1) end\n",
                 &deep, VG_ERR_LIMIT, "recurse-lua-limit.lua:2: stack overflow (recursion too deep)");
    /* Recursion through C (pcall, gsub) meets LUAI_MAXCCALLS. */
    expect_error("recurse-pcall.lua",
                 "local function g()\n  local ok, err = pcall(g)\n  error(err, 0)\nend\nfunction check(e) return g() end\n",
                 &deep, VG_ERR_LIMIT, "recurse-pcall.lua:3: stack overflow (recursion too deep)");
    expect_error("recurse-gsub.lua",
                 "local function h(s)\n  return (('x'):gsub('.', h))\nend\nfunction check(e) return h('x') end\n", &deep,
                 VG_ERR_LIMIT, "recurse-gsub.lua:2: stack overflow (recursion too deep)");

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_rule *rule = (vg_policy_rule *)1;
    vg_policy_limits zero = {.memory = 1 << 20, .instructions = 0, .call_depth = 10};
    CHECK(vg_policy_rule_compile(&ctx, "zero.lua", "x = 1", 5, &zero, &rule) == VG_ERR_USAGE && rule == NULL,
          "a zero limit is accepted: %s", ctx.message);
    vg_policy_limits tiny = {.memory = 1000, .instructions = 10, .call_depth = 10};
    CHECK(vg_policy_rule_compile(&ctx, "tiny.lua", "x = 1", 5, &tiny, &rule) == VG_ERR_LIMIT && rule == NULL &&
              strcmp(ctx.message, "tiny.lua: memory limit of 1000 bytes exceeded") == 0,
          "a state in 1000 bytes: %s", ctx.message);
    vg_ctx_free(&ctx);
}

/* Rules that reach for what the sandbox takes away (Lua's own message) or
 * write to the evidence. */
static const struct bad_rule {
    const char *file, *text, *message;
} forbidden[] = {
    {"io.lua", OK_FN "function check(e)\n  return io.open('/etc/passwd')\nend\n",
     "io.lua:3: attempt to index a nil value (global 'io')"},
    {"os.lua", "function check(e) return os.execute('true') end",
     "os.lua:1: attempt to index a nil value (global 'os')"},
    {"require.lua", "function check(e) return require('os') end",
     "require.lua:1: attempt to call a nil value (global 'require')"},
    {"load.lua", "function check(e) return load('return 1')() end",
     "load.lua:1: attempt to call a nil value (global 'load')"},
    {"loadstring.lua", "function check(e) return loadstring('return 1')() end",
     "loadstring.lua:1: attempt to call a nil value (global 'loadstring')"},
    {"loadfile.lua", "function check(e) return loadfile('/etc/passwd') end",
     "loadfile.lua:1: attempt to call a nil value (global 'loadfile')"},
    {"dofile.lua", "function check(e) return dofile('/etc/passwd') end",
     "dofile.lua:1: attempt to call a nil value (global 'dofile')"},
    {"debug.lua", "function check(e) return debug.getinfo(1) end",
     "debug.lua:1: attempt to index a nil value (global 'debug')"},
    {"package.lua", "function check(e) return package.loaded end",
     "package.lua:1: attempt to index a nil value (global 'package')"},
    {"coroutine.lua", "function check(e) return coroutine.create(check) end",
     "coroutine.lua:1: attempt to index a nil value (global 'coroutine')"},
    {"dump.lua", "function check(e) return string.dump(check) end",
     "dump.lua:1: attempt to call a nil value (field 'dump')"},
    {"dump-method.lua", "function check(e) return ('').dump(check) end",
     "dump-method.lua:1: attempt to call a nil value (field 'dump')"},
    {"string-mt.lua", "function check(e)\n  getmetatable('').__index = {}\nend\n",
     "string-mt.lua:2: attempt to call a nil value (global 'getmetatable')"},
    {"setmetatable.lua", "function check(e) setmetatable(e, {}) end",
     "setmetatable.lua:1: attempt to call a nil value (global 'setmetatable')"},
    {"rawset.lua", "function check(e) rawset(e, 'name', 'x') end",
     "rawset.lua:1: attempt to call a nil value (global 'rawset')"},
    {"rawget.lua", "function check(e) return rawget(e, 'name') end",
     "rawget.lua:1: attempt to call a nil value (global 'rawget')"},
    {"collectgarbage.lua", "function check(e) collectgarbage('stop') end",
     "collectgarbage.lua:1: attempt to call a nil value (global 'collectgarbage')"},
    {"print.lua", "function check(e) print('x') end",
     "print.lua:1: attempt to call a nil value (global 'print')"},
    {"random.lua", "function check(e) return math.random() end",
     "random.lua:1: attempt to call a nil value (field 'random')"},
    /* Writes to the evidence. */
    {"write.lua", OK_FN "function check(e)\n  e.name = 'x'\nend\n",
     "write.lua:3: evidence is read-only"},
    {"write-new.lua", "function check(e)\n  e.new_member = 1\nend\n",
     "write-new.lua:2: evidence is read-only"},
    {"write-nested.lua", "function check(e)\n  e.nested.alpha.deeper[1].x = 'y'\nend\n",
     "write-nested.lua:2: evidence is read-only"},
    {"write-array.lua", "function check(e)\n  e.list[1] = 0\nend\n",
     "write-array.lua:2: evidence is read-only"},
    {"insert.lua", "function check(e)\n  table.insert(e.words, 'd')\nend\n",
     "insert.lua:2: evidence is read-only"},
    {"sort.lua", "function check(e)\n  table.sort(e.words, function(a, b) return a > b end)\nend\n",
     "sort.lua:2: evidence is read-only"},
    {"remove.lua", "function check(e)\n  table.remove(e.words)\nend\n",
     "remove.lua:2: evidence is read-only"},
};

static void test_forbidden(void)
{
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
        expect_error(forbidden[i].file, forbidden[i].text, NULL, VG_ERR_RULE, forbidden[i].message);
    /* Changing the global string table changes no string's methods. */
    expect_check("string-methods.lua",
                 "function check(e)\n  string.upper = nil; string.rep = nil\n"
                 "  return {('x'):upper(), ('ab'):rep(2), string.upper == nil}\nend\n",
                 NULL, "[\"X\",\"abab\",true]");
    /* Argument errors of the charged functions still name them; those of
     * the pattern functions read as in lua5.4. */
    expect_error("argerror.lua", "function check(e) return utf8.len(nil) end", NULL, VG_ERR_RULE,
                 "argerror.lua:1: bad argument #1 to 'utf8.len' (string expected, got nil)");
    expect_error("argerror-find.lua", "function check(e) return string.find(nil, 'x') end", NULL, VG_ERR_RULE,
                 "argerror-find.lua:1: bad argument #1 to 'find' (string expected, got nil)");
}


/* The evidence cannot be kept past its call. */
static void test_stale_evidence(void)
{
    vg_policy_rule *r = compile_ok("keep.lua",
                                   "function check(e) kept = e; return kept.name end\n"
                                   "function later() return kept.name end\n",
                                   NULL);
    if (r) {
        expect_json("keep.lua", r, "check", evidence, "\"web-01\"");
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        json_t *out = (json_t *)1;
        int rc = vg_policy_rule_run(&ctx, r, "later", evidence, &out);
        CHECK(rc == VG_ERR_RULE && out == NULL &&
                  strcmp(ctx.message, "keep.lua:2: evidence from an earlier run of the rule is no longer available") == 0,
              "kept evidence: %d %s", rc, ctx.message);
        vg_ctx_free(&ctx);
    }
    vg_policy_rule_free(r);
    /* Each call's evidence carries the call's number, 16 bits: a state
     * makes 65 535 calls, then refuses rather than reuse a number. */
    r = compile_ok("calls.lua", "function check(e) return e.name end\n", NULL);
    int rc = VG_OK, calls = 0;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    while (r && rc == VG_OK && calls < 70000) {
        json_t *out = NULL;
        rc = vg_policy_rule_run(&ctx, r, "check", evidence, &out);
        CHECK(rc != VG_OK || json_equal(out, json_object_get(evidence, "name")), "call %d: %s", calls + 1, dump(out));
        json_decref(out);
        calls += rc == VG_OK;
    }
    CHECK(calls == 65535 && rc == VG_ERR_RULE && strstr(ctx.message, "has run 65535 calls"),
          "after %d calls: %d %s", calls, rc, ctx.message);
    vg_ctx_free(&ctx);
    vg_policy_rule_free(r);
    /* vigil.null is no table */
    r = compile_ok("null.lua", "function check(e) return e.nothing.x end\n", NULL);
    vg_ctx_init(&ctx);
    json_t *out = (json_t *)1;
    rc = r ? vg_policy_rule_run(&ctx, r, "check", evidence, &out) : VG_OK;
    CHECK(rc == VG_ERR_RULE && strstr(ctx.message, "attempt to index vigil.null (a JSON null)"), "null.x: %d %s", rc,
          ctx.message);
    vg_ctx_free(&ctx);
    vg_policy_rule_free(r);
}

/* Real bytecode, from lua_dump of a compiled chunk. */
struct bytes {
    char *data;
    size_t len;
};

static int collect_dump(lua_State *L, const void *p, size_t sz, void *ud)
{
    struct bytes *b = ud;
    char *grown = realloc(b->data, b->len + sz);
    if (!grown)
        return 1;
    memcpy(grown + b->len, p, sz);
    b->data = grown;
    b->len += sz;
    return 0;
}

static void test_source(void)
{
    lua_State *L = luaL_newstate();
    struct bytes bytecode = {NULL, 0};
    CHECK(L && luaL_loadstring(L, "function check(e) return 1 end") == LUA_OK, "luaL_loadstring");
    CHECK(lua_dump(L, collect_dump, &bytecode, 0) == 0, "lua_dump");
    lua_close(L);
    CHECK(bytecode.len > 4 && memcmp(bytecode.data, LUA_SIGNATURE, 4) == 0, "lua_dump made no bytecode");
    if (bytecode.data)
        expect_error_n("bytecode.lua", bytecode.data, bytecode.len, NULL, VG_ERR_FORMAT,
                       "bytecode.lua: bytecode is not accepted (a rule is Lua source text)");
    free(bytecode.data);

    expect_error("syntax.lua", "function check(e)\n  return 1 +\nend\n", NULL, VG_ERR_FORMAT,
                 "syntax.lua:3: unexpected symbol near 'end'");
    expect_error("top-error.lua", "error('refused at load')\n", NULL, VG_ERR_RULE,
                 "top-error.lua:1: refused at load");
    expect_error("runtime.lua", OK_FN "function check(e)\n  local x\n  return x.y\nend\n", NULL, VG_ERR_RULE,
                 "runtime.lua:4: attempt to index a nil value (local 'x')");
    expect_error("error-level0.lua", "function check(e) error('plain', 0) end", NULL, VG_ERR_RULE,
                 "error-level0.lua:1: plain");
    expect_error("error-table.lua", "function check(e) error({}) end", NULL, VG_ERR_RULE,
                 "error-table.lua: error object is a table value");
    expect_error("no-check.lua", "x = 1\n", NULL, VG_ERR_RULE, "no-check.lua: the rule defines no function 'check'");
    char *large = malloc(VG_POLICY_MAX_SOURCE + 2);
    if (large) {
        memset(large, ' ', VG_POLICY_MAX_SOURCE + 1);
        large[VG_POLICY_MAX_SOURCE + 1] = '\0';
        expect_error("large.lua", large, NULL, VG_ERR_LIMIT,
                     "large.lua: rule of 1048577 bytes exceeds the limit of 1048576 bytes");
        free(large);
    }
}

static void test_results(void)
{
    vg_policy_rule *r = compile_ok(
        "results.lua",
        "function scalars() return {i = 1, f = 1.0, neg = -0.5, max = math.maxinteger, min = math.mininteger,\n"
        "  s = 'gr\\u{fc}\\u{df}e', t = true, n = vigil.null, a = {1, {2, {}}}, e = ''} end\n"
        "function evidence_back(e) return {e.list, e.nested.alpha, e.count, e.nothing} end\n"
        "function whole(e) return e end\n"
        "function nothing() end\n"
        "function integer() return 7 end\n"
        "function cycle() local t = {a = {}}; t.a.b = t; return t end\n"
        "function mixed() return {1, 2, x = 3} end\n"
        "function holes() return {1, nil, 3} end\n"
        "function zero() return {[0] = 1} end\n"
        "function float_key() return {[1.5] = 1} end\n"
        "function nan() return {v = 0/0} end\n"
        "function inf() return {list = {math.huge}} end\n"
        "function bad_utf8() return {s = '\\xff'} end\n"
        "function bad_key() return {['\\xff'] = 1} end\n"
        "function func() return {f = scalars} end\n"
        "function deep() local t = {} for i = 1, 100 do t = {t} end return t end\n"
        "function shared() local s = {1} return {s, s} end\n",
        NULL);
    if (!r)
        return;
    expect_json("scalars", r, "scalars", evidence,
                "{\"a\":[1,[2,[]]],\"e\":\"\",\"f\":1.0,\"i\":1,\"max\":9223372036854775807,"
                "\"min\":-9223372036854775808,\"n\":null,\"neg\":-0.5,\"s\":\"gr\\u00fc\\u00dfe\",\"t\":true}");
    expect_json("evidence back", r, "evidence_back", evidence,
                "[[1,\"two\",3.5,true,null,{\"k\":\"v\"},[7]],{\"deeper\":[{\"x\":\"first\"},{\"x\":\"second\"}]},42,null]");
    json_t *same = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_policy_rule_run(&ctx, r, "whole", evidence, &same) == VG_OK && json_equal(same, evidence),
          "whole evidence: %s", ctx.message);
    json_decref(same);
    expect_json("nothing", r, "nothing", evidence, "null");
    expect_json("integer", r, "integer", evidence, "7");
    expect_json("shared", r, "shared", evidence, "[[1],[1]]");

    static const struct {
        const char *function, *message;
    } bad[] = {
        {"cycle", "results.lua: the value cycle() returned cannot be converted to JSON: result.a.b: a table that "
                  "contains itself"},
        {"mixed", "results.lua: the value mixed() returned cannot be converted to JSON: result: a table with both "
                  "string keys and other keys"},
        {"holes", "results.lua: the value holes() returned cannot be converted to JSON: result: a table whose keys "
                  "are not strings nor the integers 1 to n (a sequence without holes)"},
        {"zero", "results.lua: the value zero() returned cannot be converted to JSON: result: a table whose keys are "
                 "not strings nor the integers 1 to n (a sequence without holes)"},
        {"float_key", "results.lua: the value float_key() returned cannot be converted to JSON: result: a table whose "
                      "keys are not strings nor the integers 1 to n (a sequence without holes)"},
        {"nan", "results.lua: the value nan() returned cannot be converted to JSON: result.v: a number that is not "
                "finite (NaN or infinity)"},
        {"inf", "results.lua: the value inf() returned cannot be converted to JSON: result.list[1]: a number that is "
                "not finite (NaN or infinity)"},
        {"bad_utf8", "results.lua: the value bad_utf8() returned cannot be converted to JSON: result.s: a string "
                     "that is not valid UTF-8"},
        {"bad_key", "results.lua: the value bad_key() returned cannot be converted to JSON: result.\xff: a key that "
                    "is not valid UTF-8"},
        {"func", "results.lua: the value func() returned cannot be converted to JSON: result.f: a function value"},
        {"deep", "results.lua: the value deep() returned cannot be converted to JSON: "
                 "result[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]"
                 "[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]"
                 "[1][1]: nested deeper than 64 levels"},
        {"no_such_function", "results.lua: the rule defines no function 'no_such_function'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *out = (json_t *)1;
        int rc = vg_policy_rule_run(&ctx, r, bad[i].function, evidence, &out);
        CHECK(rc == VG_ERR_RULE && out == NULL && strcmp(ctx.message, bad[i].message) == 0,
              "%s:\n got  %d \"%s\"\n want \"%s\"", bad[i].function, rc, ctx.message, bad[i].message);
    }
    /* The same state goes on working after all those errors. */
    expect_json("integer after errors", r, "integer", evidence, "7");
    vg_ctx_free(&ctx);
    vg_policy_rule_free(r);
}

int main(void)
{
    json_error_t err;
    evidence = json_loads(evidence_text, JSON_ALLOW_NUL, &err);
    if (!evidence) {
        fprintf(stderr, "evidence fixture: %s\n", err.text);
        return 1;
    }
    good = compile_ok("good.lua", good_rule, NULL);
    if (!good)
        return 1;
    expect_json("good.lua", good, "check", evidence, good_expected);

    test_limits();
    test_forbidden();
    test_stale_evidence();
    test_source();
    test_results();

    vg_policy_rule_free(good);
    json_decref(evidence);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
