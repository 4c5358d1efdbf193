/*
 * sandbox.c — runs one policy rule, Lua 5.4 source text, in a Lua state of
 * its own with bounded memory, instructions and call depth (policy.h).
 *
 * Relies on the Lua 5.4 Reference Manual: §4.6 (lua_Alloc, lua_newstate:
 * the byte-counting allocator refuses what passes the memory limit),
 * §4.7 and lua_sethook (a count hook every SANDBOX_HOOK_INTERVAL
 * instructions counts instructions and samples the call depth with
 * lua_getstack), lua_load with mode "t" (no precompiled chunks), §6 (the
 * standard libraries: only base, table, string, math and utf8 are opened,
 * with the functions listed in removed[] taken out, xpcall replaced by
 * sandbox_xpcall, and string.find/match/gmatch/gsub by pattern.c's) and
 * §6.4 (strings share one metatable, whose __index is given a private copy
 * of the string library).  Beside them, the table `vigil`: vigil.null
 * (evidence.c) and the vigil library (stdlib.c).  The design follows
 * Suricata's Lua sandbox: a fresh state per rule, a counting allocator, an
 * instruction hook.
 *
 * Library functions and the concatenation operator run in C, where the
 * hook cannot stop them, so their work is charged to the instruction count:
 * the allocator charges every byte it hands out (what is allocated gets
 * written), the functions whose work does not show in what they allocate
 * (scans, sorts, shifts, loops over empty strings) are wrapped to charge it
 * before they run (charged[]), and pattern.c charges each step of its
 * matcher as it goes.  Not covered: the comparison operators on long
 * strings (`<` compares bytes in C, one instruction whatever the length).
 * LUAI_MAXCCALLS (200 in Debian's build) bounds C recursion — nested
 * metamethods, pcall, the parser's nesting — with "C stack overflow".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "policy/policy_internal.h"
#include "vigil/policy.h"

/* The chunk name the rule is loaded under; messages start "rule:LINE:" and
 * sandbox_message() puts the file name in its place. */
#define SANDBOX_CHUNK "rule"
#define SANDBOX_HOOK_INTERVAL 1000 /* instructions between two runs of the hook */
#define SANDBOX_CHARGE_BYTES 64    /* bytes allocated or scanned per instruction charged */
#define SANDBOX_GC_SLACK ((size_t)64 << 10) /* garbage a call may leave for the next */

enum sandbox_stop { STOP_NONE, STOP_INSTRUCTIONS, STOP_PATTERN, STOP_DEPTH };

struct vg_policy_rule {
    lua_State *L;
    char *file;
    vg_policy_limits limits;
    size_t memory;        /* bytes the state holds */
    size_t memory_at_rest;/* ... after its last full collection */
    int memory_refused;   /* the last allocation was refused by the limit */
    int out_of_memory;    /* the last allocation failed under the limit */
    uint64_t instructions;/* counted in this call */
    int hook_interval;
    enum sandbox_stop stop; /* a limit stopped this call */
    int stop_line;
    unsigned evidence_call; /* the number of the current call, for its evidence (evidence.c) */
    policy_pool pool;     /* the state's small blocks */
};

static vg_policy_rule *sandbox_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

unsigned *policy_sandbox_evidence_call(lua_State *L)
{
    return &sandbox_of(L)->evidence_call;
}

void vg_policy_limits_default(vg_policy_limits *out)
{
    out->memory = VG_POLICY_DEFAULT_MEMORY;
    out->instructions = VG_POLICY_DEFAULT_INSTRUCTIONS;
    out->call_depth = VG_POLICY_DEFAULT_CALL_DEPTH;
}

/* lua_Alloc (§4.6): realloc with a byte count, small blocks from the
 * state's pool (pool.c), larger ones from malloc.  When ptr is NULL, osize
 * is a type tag, not a size.  A refused request makes Lua collect garbage
 * and ask again once; only a second refusal becomes a memory error, so the
 * flags describe the last request. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    vg_policy_rule *rule = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (old > POLICY_POOL_SMALL)
            free(ptr);
        else if (ptr)
            policy_pool_free(&rule->pool, ptr, old);
        rule->memory -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > rule->limits.memory - rule->memory) {
        rule->memory_refused = 1;
        return NULL;
    }
    void *p;
    if (old > POLICY_POOL_SMALL && nsize > POLICY_POOL_SMALL) {
        p = realloc(ptr, nsize);
    } else if (ptr && (old - 1) / POLICY_POOL_GRAIN == (nsize - 1) / POLICY_POOL_GRAIN) {
        p = ptr; /* the block has room */
    } else {
        p = nsize > POLICY_POOL_SMALL ? malloc(nsize) : policy_pool_alloc(&rule->pool, nsize);
        if (p && ptr) {
            memcpy(p, ptr, old < nsize ? old : nsize);
            if (old > POLICY_POOL_SMALL)
                free(ptr);
            else
                policy_pool_free(&rule->pool, ptr, old);
        }
    }
    rule->instructions += nsize / SANDBOX_CHARGE_BYTES; /* the bytes will be written */
    rule->memory_refused = 0;
    rule->out_of_memory = p == NULL;
    if (p)
        rule->memory = rule->memory - old + nsize;
    return p;
}

static void sandbox_hook(lua_State *L, lua_Debug *ar);

/* The line of the innermost rule code on the stack from level up (C
 * functions have none), or -1. */
static int sandbox_line(lua_State *L, int level)
{
    lua_Debug ar;
    for (; lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "l", &ar) && ar.currentline > 0)
            return ar.currentline;
    return -1;
}

/* Stops the current call: records where, and from now on the hook runs at
 * every instruction and raises again, so that a rule catching the error
 * with pcall cannot go on.  Raises. */
static int sandbox_stop(lua_State *L, vg_policy_rule *rule, enum sandbox_stop why, int level)
{
    if (rule->stop == STOP_NONE) {
        rule->stop = why;
        rule->stop_line = sandbox_line(L, level);
        lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
    }
    return luaL_error(L, "sandbox limit exceeded");
}

/* The count hook: counts instructions and samples the call depth (a
 * recursion passes the limit by at most the calls it makes between two
 * samples; Lua's own stack limit stays behind it). */
static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
    vg_policy_rule *rule = sandbox_of(L);
    lua_Debug deeper;
    if (rule->stop != STOP_NONE)
        sandbox_stop(L, rule, rule->stop, 0);
    rule->instructions += (uint64_t)rule->hook_interval;
    if (rule->instructions > rule->limits.instructions)
        sandbox_stop(L, rule, STOP_INSTRUCTIONS, 0);
    if (lua_getstack(L, (int)rule->limits.call_depth, &deeper))
        sandbox_stop(L, rule, STOP_DEPTH, 0);
}

void policy_sandbox_charge(lua_State *L, uint64_t n, enum policy_work work)
{
    vg_policy_rule *rule = sandbox_of(L);
    uint64_t limit = rule->limits.instructions;
    enum sandbox_stop why = work == POLICY_WORK_PATTERN ? STOP_PATTERN : STOP_INSTRUCTIONS;
    if (rule->stop != STOP_NONE || rule->instructions >= limit || n > limit - rule->instructions)
        sandbox_stop(L, rule, rule->stop != STOP_NONE ? rule->stop : why, 1);
    rule->instructions += n;
}

/* How a wrapped library function's work is estimated.  Work that
 * allocates in proportion (string.rep, .., table.concat, string.format,
 * growing tables) is charged by the allocator; these are the functions
 * whose work does not show in the memory they ask for. */
enum charge_kind {
    CHARGE_ARGS,   /* scans: the bytes of string arguments, the length of table arguments */
    CHARGE_SORT,   /* table.sort(t): n * ceil(log2 n) for the n elements of t */
    CHARGE_REP,    /* string.rep(s, n, sep) of empty pieces: n turns of its loop */
    CHARGE_MOVE,   /* table.move(a, f, e, t): e - f + 1 elements */
    CHARGE_INSERT, /* table.insert(t, pos, v): the elements after pos move */
    CHARGE_REMOVE, /* table.remove(t, pos): the same */
};

static const struct {
    const char *library, *name;
    enum charge_kind kind;
} charged[] = {
    {"string", "unpack", CHARGE_ARGS},  {"string", "rep", CHARGE_REP},        {"table", "sort", CHARGE_SORT},
    {"table", "move", CHARGE_MOVE},     {"table", "insert", CHARGE_INSERT},   {"table", "remove", CHARGE_REMOVE},
    {"utf8", "len", CHARGE_ARGS},       {"utf8", "codepoint", CHARGE_ARGS},   {"utf8", "offset", CHARGE_ARGS},
};

/* A wrapped library function: upvalue 1 is the original, upvalue 2 the
 * charge_kind.  Charges, then calls the original with the same arguments. */
static int sandbox_charged_call(lua_State *L)
{
    int nargs = lua_gettop(L);
    uint64_t cost = 1;
    enum charge_kind kind = (enum charge_kind)lua_tointeger(L, lua_upvalueindex(2));
    switch (kind) {
    case CHARGE_ARGS:
        for (int i = 1; i <= nargs; i++) {
            if (lua_type(L, i) == LUA_TSTRING)
                cost += lua_rawlen(L, i) / SANDBOX_CHARGE_BYTES;
            else if (lua_type(L, i) == LUA_TTABLE)
                cost += lua_rawlen(L, i);
        }
        break;
    case CHARGE_SORT: {
        /* Sorting n elements makes about n * log2(n) comparisons and moves
         * in C; a Lua comparator's own instructions are counted by the hook
         * on top. */
        lua_Unsigned n = lua_type(L, 1) == LUA_TTABLE ? lua_rawlen(L, 1) : 0;
        uint64_t log2n = 0;
        while (log2n < 64 && ((lua_Unsigned)1 << log2n) < n)
            log2n++;
        cost += (uint64_t)n * log2n;
        break;
    }
    case CHARGE_REP: {
        /* The result is allocated before the copies are made, so the memory
         * limit bounds them; only empty pieces loop n times for nothing. */
        lua_Integer n = lua_tointeger(L, 2);
        int empty = lua_type(L, 1) == LUA_TSTRING && lua_rawlen(L, 1) == 0 &&
                    (lua_isnoneornil(L, 3) || (lua_type(L, 3) == LUA_TSTRING && lua_rawlen(L, 3) == 0));
        if (n > 0 && empty)
            cost += (uint64_t)n;
        break;
    }
    case CHARGE_INSERT:
    case CHARGE_REMOVE: {
        lua_Integer pos = lua_tointeger(L, 2);
        lua_Unsigned len = lua_type(L, 1) == LUA_TTABLE ? lua_rawlen(L, 1) : 0;
        if (nargs >= (kind == CHARGE_INSERT ? 3 : 2) && pos >= 1 && (lua_Unsigned)pos <= len)
            cost += len - (lua_Unsigned)pos;
        break;
    }
    case CHARGE_MOVE: {
        lua_Integer f = lua_tointeger(L, 2), e = lua_tointeger(L, 3);
        if (e >= f)
            cost += (uint64_t)e - (uint64_t)f;
        break;
    }
    }
    policy_sandbox_charge(L, cost, POLICY_WORK_LIBRARY);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

/* xpcall(f, msgh, ...) as pcall, then msgh(error) on failure: after the
 * stack is unwound, not where the error was raised as Lua's xpcall does.
 * Lua calls a message handler before it leaves the function that raised
 * the error — for an error from the count hook, inside the hook, where
 * hooks are off — so Lua's xpcall would let a handler run unbounded.
 * Without the debug library a handler cannot look at the stack anyway.
 * An error in msgh gives false and msgh's error. */
static int sandbox_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checkany(L, 2);
    lua_pushvalue(L, 1);
    for (int i = 3; i <= n; i++)
        lua_pushvalue(L, i);
    int ok = lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK;
    if (!ok) {
        lua_pushvalue(L, 2);
        lua_insert(L, -2);
        lua_pcall(L, 1, 1, 0);
    }
    lua_pushboolean(L, ok);
    lua_insert(L, n + 1);
    return lua_gettop(L) - n;
}

/* What the rule does not get, and why (docs/policy.md lists the same). */
static const struct {
    const char *library, *name;
} removed[] = {
    {"_G", "load"},           /* compiles code at run time, with an environment of its choosing */
    {"_G", "loadfile"},       /* reads files */
    {"_G", "dofile"},         /* reads files */
    {"_G", "collectgarbage"}, /* can stop the collector or change its pace */
    {"_G", "getmetatable"},   /* reaches the strings' shared metatable */
    {"_G", "setmetatable"},   /* __gc finalizers run unhooked; rules need no classes */
    {"_G", "rawset"},         /* writes to tables past their __newindex */
    {"_G", "rawget"},         /* would see a userdata where evidence stands */
    {"_G", "rawequal"},       /* no use without the other raw functions */
    {"_G", "rawlen"},         /* would see a userdata where evidence stands */
    {"_G", "print"},          /* the library never prints */
    {"_G", "warn"},           /* the same */
    {"string", "dump"},       /* makes bytecode */
    {"math", "random"},       /* results must not change from run to run */
    {"math", "randomseed"},
};

/* Pushes a shallow copy of the table at idx. */
static void sandbox_push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* Replaces the global table `library` with a copy without the removed
 * functions and with the charged ones wrapped.  The library as opened stays
 * in the registry's LOADED table, unreachable for the rule, where
 * luaL_argerror still finds the functions' names ("bad argument #1 to
 * 'string.find'"). */
static void sandbox_filter_library(lua_State *L, const char *library)
{
    int is_base = strcmp(library, "_G") == 0;
    if (!is_base) {
        lua_getglobal(L, library);
        sandbox_push_copy(L, -1);
        lua_remove(L, -2);
    } else {
        lua_pushglobaltable(L);
    }
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
        if (strcmp(removed[i].library, library) == 0) {
            lua_pushnil(L);
            lua_setfield(L, -2, removed[i].name);
        }
    }
    for (size_t i = 0; i < sizeof charged / sizeof charged[0]; i++) {
        if (strcmp(charged[i].library, library) == 0) {
            lua_getfield(L, -1, charged[i].name);
            lua_pushinteger(L, charged[i].kind);
            lua_pushcclosure(L, sandbox_charged_call, 2);
            lua_setfield(L, -2, charged[i].name);
        }
    }
    if (is_base) {
        lua_pushcfunction(L, sandbox_xpcall);
        lua_setfield(L, -2, "xpcall");
        lua_pop(L, 1);
    } else {
        lua_setglobal(L, library);
    }
}

/* The string library with pattern.c's matching functions, also in the
 * registry's LOADED table, where argument errors find their names. */
static int sandbox_open_string(lua_State *L)
{
    luaopen_string(L);
    policy_pattern_open(L, -1);
    return 1;
}

/* Opens the allowed libraries; called in protected mode. */
static int sandbox_open(lua_State *L)
{
    static const struct {
        const char *name;
        lua_CFunction open;
    } libraries[] = {
        {"_G", luaopen_base},          {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, sandbox_open_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
    };
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
        luaL_requiref(L, libraries[i].name, libraries[i].open, 1);
        lua_pop(L, 1);
        sandbox_filter_library(L, libraries[i].name);
    }
    /* Strings' shared metatable: methods come from a private copy of the
     * filtered string table, so changing the global `string` changes no
     * method; __metatable hides the metatable should anything ask. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getglobal(L, LUA_STRLIBNAME);
    sandbox_push_copy(L, -1);
    lua_remove(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    policy_evidence_open(L);
    policy_stdlib_open(L);
    return 0;
}

/* The message handler of every call into the rule: an error message
 * without a position (an argument error of a wrapped library function,
 * error(msg, 0), "C stack overflow") gets the line of the innermost rule
 * code on the stack. */
static int sandbox_where(lua_State *L)
{
    const char *msg = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
    if (!msg || strncmp(msg, SANDBOX_CHUNK ":", strlen(SANDBOX_CHUNK) + 1) == 0)
        return 1;
    int line = sandbox_line(L, 1);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", SANDBOX_CHUNK, line, msg);
    return 1;
}

/* Starts a call into the rule: fresh counters, the hook armed. */
static void sandbox_begin(vg_policy_rule *rule)
{
    rule->instructions = 0;
    rule->stop = STOP_NONE;
    rule->stop_line = -1;
    rule->memory_refused = rule->out_of_memory = 0;
    lua_sethook(rule->L, sandbox_hook, LUA_MASKCOUNT, rule->hook_interval);
}

/* Appends Lua's message to the rule file's name: "rule:LINE: text" becomes
 * "FILE:LINE: text", a message without the chunk's position "FILE: text". */
static int sandbox_message(vg_ctx *ctx, int status, const vg_policy_rule *rule, const char *msg)
{
    size_t chunk = strlen(SANDBOX_CHUNK);
    if (strncmp(msg, SANDBOX_CHUNK ":", chunk + 1) == 0)
        return vg_error(ctx, status, "%s%s", rule->file, msg + chunk);
    return vg_error(ctx, status, "%s: %s", rule->file, msg);
}

/* The error a failed call into the rule (status from lua_pcall, the error
 * object on top of the stack) gives, in the words of docs/policy.md. */
static int sandbox_error(vg_ctx *ctx, vg_policy_rule *rule, int status)
{
    lua_State *L = rule->L;
    char where[32] = "";
    if (rule->stop_line > 0)
        snprintf(where, sizeof where, ":%d", rule->stop_line);
    if (rule->stop == STOP_INSTRUCTIONS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s%s: instruction limit of %llu exceeded", rule->file, where,
                        (unsigned long long)rule->limits.instructions);
    if (rule->stop == STOP_PATTERN)
        return vg_error(ctx, VG_ERR_LIMIT, "%s%s: pattern matching exceeded the rule's instruction limit of %llu",
                        rule->file, where, (unsigned long long)rule->limits.instructions);
    if (rule->stop == STOP_DEPTH)
        return vg_error(ctx, VG_ERR_LIMIT, "%s%s: stack overflow (recursion too deep): more than %u nested calls",
                        rule->file, where, rule->limits.call_depth);
    if (status == LUA_ERRMEM && rule->out_of_memory)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", rule->file);
    /* The message handler itself may fail to allocate: LUA_ERRERR. */
    if (status == LUA_ERRMEM || (status == LUA_ERRERR && rule->memory_refused))
        return vg_error(ctx, VG_ERR_LIMIT, "%s: memory limit of %zu bytes exceeded", rule->file, rule->limits.memory);
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (status == LUA_ERRERR || (msg && strstr(msg, "stack overflow"))) {
        /* Lua's own limits: "stack overflow" (LUAI_MAXSTACK), "C stack
         * overflow" (LUAI_MAXCCALLS), or an error while handling one. */
        const char *line = msg && strncmp(msg, SANDBOX_CHUNK ":", strlen(SANDBOX_CHUNK) + 1) == 0
                               ? msg + strlen(SANDBOX_CHUNK) : NULL;
        int n = line ? atoi(line + 1) : 0;
        if (n > 0)
            snprintf(where, sizeof where, ":%d", n);
        return vg_error(ctx, VG_ERR_LIMIT, "%s%s: stack overflow (recursion too deep)", rule->file, where);
    }
    if (!msg)
        return vg_error(ctx, VG_ERR_RULE, "%s: error object is a %s value", rule->file, luaL_typename(L, -1));
    return sandbox_message(ctx, VG_ERR_RULE, rule, msg);
}

void policy_rule_close(vg_policy_rule *rule)
{
    if (rule->L) {
        rule->pool.closing = 1; /* released whole below */
        lua_close(rule->L);
        rule->L = NULL;
    }
    policy_pool_release(&rule->pool);
}

void vg_policy_rule_free(vg_policy_rule *rule)
{
    if (!rule)
        return;
    policy_rule_close(rule);
    free(rule->file);
    free(rule);
}

int vg_policy_rule_compile(vg_ctx *ctx, const char *file, const char *text, size_t len,
                           const vg_policy_limits *limits, vg_policy_rule **out)
{
    *out = NULL;
    if (!file || (!text && len))
        return vg_error(ctx, VG_ERR_USAGE, "vg_policy_rule_compile: no rule file name or text");
    vg_policy_limits defaults;
    vg_policy_limits_default(&defaults);
    if (!limits)
        limits = &defaults;
    if (!limits->memory || !limits->instructions || !limits->call_depth)
        return vg_error(ctx, VG_ERR_USAGE, "%s: a policy limit of 0 (every limit must be at least 1)", file);
    if (len > VG_POLICY_MAX_SOURCE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: rule of %zu bytes exceeds the limit of %u bytes", file, len,
                        VG_POLICY_MAX_SOURCE);
    /* lua_load takes any text starting with ESC ("\x1bLua") for a
     * precompiled chunk; mode "t" below refuses those too. */
    if (len > 0 && text[0] == LUA_SIGNATURE[0])
        return vg_error(ctx, VG_ERR_FORMAT, "%s: bytecode is not accepted (a rule is Lua source text)", file);

    vg_policy_rule *rule = calloc(1, sizeof *rule);
    if (!rule || !(rule->file = strdup(file))) {
        free(rule);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", file);
    }
    rule->limits = *limits;
    rule->hook_interval = limits->instructions < SANDBOX_HOOK_INTERVAL ? (int)limits->instructions
                                                                        : SANDBOX_HOOK_INTERVAL;
    rule->L = lua_newstate(sandbox_alloc, rule);
    if (!rule->L) {
        int limited = rule->memory_refused;
        vg_policy_rule_free(rule);
        return limited ? vg_error(ctx, VG_ERR_LIMIT, "%s: memory limit of %zu bytes exceeded", file, limits->memory)
                       : vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", file);
    }
    lua_State *L = rule->L;
    sandbox_begin(rule);
    lua_pushcfunction(L, sandbox_open);
    int status = lua_pcall(L, 0, 0, 0);
    int rc = VG_OK;
    if (status != LUA_OK) {
        rc = sandbox_error(ctx, rule, status);
    } else if ((status = luaL_loadbufferx(L, text ? text : "", len, "=" SANDBOX_CHUNK, "t")) != LUA_OK) {
        if (status == LUA_ERRMEM)
            rc = sandbox_error(ctx, rule, status);
        else
            rc = sandbox_message(ctx, VG_ERR_FORMAT, rule, lua_tostring(L, -1));
    } else {
        lua_pushcfunction(L, sandbox_where);
        lua_insert(L, -2);
        if ((status = lua_pcall(L, 0, 0, 1)) != LUA_OK)
            rc = sandbox_error(ctx, rule, status);
    }
    if (rc != VG_OK) {
        vg_policy_rule_free(rule);
        return rc;
    }
    lua_settop(L, 0);
    *out = rule;
    return VG_OK;
}

struct sandbox_call {
    const char *function;
    const vg_jval *const *args;
    size_t nargs;
};

/* Looks the function up and calls it with the arguments; protected mode. */
static int sandbox_call_protected(lua_State *L)
{
    const struct sandbox_call *call = lua_touserdata(L, 1);
    if (lua_getglobal(L, call->function) != LUA_TFUNCTION)
        return luaL_error(L, "the rule defines no function '%s'", call->function);
    policy_evidence_begin(L);
    for (size_t i = 0; i < call->nargs; i++) {
        if (call->args[i])
            policy_evidence_push(L, call->args[i]);
        else
            lua_pushnil(L);
    }
    lua_call(L, (int)call->nargs, 1);
    return 1;
}

int policy_rule_call_nodes(vg_ctx *ctx, vg_policy_rule *rule, const char *function, const vg_jval *const *args,
                           size_t nargs, int last, json_t **out)
{
    *out = NULL;
    if (!rule || !function || (nargs && !args) || nargs > VG_POLICY_MAX_ARGS)
        return vg_error(ctx, VG_ERR_USAGE, "vg_policy_rule_call: no rule, no function name or bad arguments");
    if (!rule->L)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the rule's state was closed after its last call", rule->file);
    lua_State *L = rule->L;
    struct sandbox_call call = {function, args, nargs};
    sandbox_begin(rule);
    lua_settop(L, 0);
    lua_pushcfunction(L, sandbox_where);
    lua_pushcfunction(L, sandbox_call_protected);
    lua_pushlightuserdata(L, &call);
    /* No collection during the call: what a rule makes of the evidence
     * (the tables converted, their caches) stays reachable until it
     * returns, so a collection would mark it all and free nothing.  At the
     * memory limit Lua collects anyway (§4.6: a refused allocation makes
     * it run a full collection and ask again), so the limit still bounds
     * what the rule holds, not what it once made. */
    lua_gc(L, LUA_GCSTOP);
    int status = lua_pcall(L, 1, 1, 1);
    lua_gc(L, LUA_GCRESTART);
    int rc = status == LUA_OK ? policy_result_to_json(ctx, L, 2, rule->file, function, out)
                              : sandbox_error(ctx, rule, status);
    lua_settop(L, 0);
    /* What the rule made of the evidence is garbage now: give it back
     * before the next rule runs, so that a run holds one rule's working
     * memory at a time, not all — at once by closing the state when this
     * was its last call, else by a collection, unless the call left less
     * than SANDBOX_GC_SLACK behind (most rules read a few members of a few
     * documents). */
    if (last) {
        policy_rule_close(rule);
    } else if (rule->memory > rule->memory_at_rest + SANDBOX_GC_SLACK) {
        lua_gc(L, LUA_GCCOLLECT);
        rule->memory_at_rest = rule->memory;
    }
    return rc;
}

int vg_policy_rule_call(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *const *args,
                        size_t nargs, json_t **out)
{
    *out = NULL;
    if (nargs > VG_POLICY_MAX_ARGS || (nargs && !args))
        return vg_error(ctx, VG_ERR_USAGE, "vg_policy_rule_call: no rule, no function name or bad arguments");
    vg_jtree *trees[VG_POLICY_MAX_ARGS + 1] = {NULL};
    const vg_jval *nodes[VG_POLICY_MAX_ARGS + 1] = {NULL};
    int rc = VG_OK;
    for (size_t i = 0; i < nargs && rc == VG_OK; i++)
        if (args[i] && (rc = vg_jtree_from_json(ctx, args[i], &trees[i])) == VG_OK)
            nodes[i] = trees[i]->root;
    if (rc == VG_OK)
        rc = policy_rule_call_nodes(ctx, rule, function, nodes, nargs, 0, out);
    for (size_t i = 0; i < nargs; i++)
        vg_jtree_free(trees[i]);
    return rc;
}

int vg_policy_rule_run(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *evidence,
                       json_t **out)
{
    return vg_policy_rule_call(ctx, rule, function, &evidence, 1, out);
}

int vg_policy_rule_global(vg_ctx *ctx, vg_policy_rule *rule, const char *name, json_t **out)
{
    *out = NULL;
    if (!rule || !name)
        return vg_error(ctx, VG_ERR_USAGE, "vg_policy_rule_global: no rule or no name");
    lua_State *L = rule->L;
    lua_settop(L, 0);
    lua_getglobal(L, name); /* _G is a plain table: no metamethod runs */
    int rc = policy_result_to_json(ctx, L, 1, rule->file, name, out);
    lua_settop(L, 0);
    return rc;
}
