/*
 * stdlib.c — the vigil.* library of policy rules: what a rule should not
 * write again in Lua.  docs/policy.md ("The vigil library") is the rule
 * author's reference; each function reuses the part of vigil that
 * implements its specification:
 *
 *   version_compare, version_valid   vigil/version.h: the ordering of each
 *                                    ecosystem's own tool (docs/versions.md)
 *   purl                             vigil/purl.h: the purl specification
 *   license_valid, license_ids,      vigil/license.h: SPDX 2.3 Annex D
 *   license_allowed                  licence expressions
 *   cvss                             vigil/cvss.h: CVSS v2, v3.0, v3.1, v4.0
 *   time, date, days_between         datetime.c: RFC 3339 / ISO 8601
 *   glob                             glob.c: fnmatch(3) wildcards
 *   severity_rank                    the severity words of vigil's findings
 *                                    (vigil/match.h) and of rules
 *
 * Conventions: a function that reads a value which comes from evidence
 * (purl, time, license_*, severity_rank, version_valid) returns nil or
 * false and the reason when the value is not one; a function that
 * computes with values (version_compare, cvss, date, days_between, glob)
 * raises an error naming the bad argument, since a rule can check the
 * value first.  Wrong argument types raise "bad argument".  Work that is
 * not O(1) is charged to the rule's instruction count before or as it is
 * done (policy_sandbox_charge); every input is bounded by the limits of
 * the module that parses it, and strings with NUL bytes are refused where
 * the module takes C strings.  Memory the modules allocate (arenas) is
 * freed by a to-be-closed slot (Lua 5.4 manual §4.4, lua_toclose), so that
 * an error raised halfway, a memory limit among them, leaks nothing.
 * Leaves out: the clock (the run's time is run.now, an argument of check)
 * and everything that reads files or the network.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"
#include "vigil/arena.h"
#include "vigil/cvss.h"
#include "vigil/license.h"
#include "vigil/match.h"
#include "vigil/purl.h"
#include "vigil/version.h"

#define STDLIB_CHARGE_BYTES 64 /* bytes scanned per instruction charged, as in sandbox.c */
#define STDLIB_QUOTE 48        /* bytes of a value quoted in a message */
#define STDLIB_MAX_ALLOWED 10000 /* entries of license_allowed's allow-list (the SPDX list has ~700) */

/* ---- helpers ------------------------------------------------------------ */

/* Charges the scan of len bytes: one instruction, and one per 64 bytes. */
static void charge_bytes(lua_State *L, size_t len)
{
    policy_sandbox_charge(L, 1 + len / STDLIB_CHARGE_BYTES, POLICY_WORK_LIBRARY);
}

/* s[0..len) for a message: at most STDLIB_QUOTE bytes, other bytes than
 * printable ASCII as '?', "..." when cut.  out has STDLIB_QUOTE + 4 bytes. */
static const char *quote(char *out, const char *s, size_t len)
{
    size_t n = len < STDLIB_QUOTE ? len : STDLIB_QUOTE;
    for (size_t i = 0; i < n; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    strcpy(out + n, len > n ? "..." : "");
    return out;
}

/* String argument arg for a module that takes C strings: raises when it
 * holds a NUL byte. */
static const char *c_string_arg(lua_State *L, int arg, size_t *len)
{
    const char *s = luaL_checklstring(L, arg, len);
    if (memchr(s, 0, *len))
        luaL_argerror(L, arg, "the string contains a NUL byte");
    return s;
}

static int arena_close(lua_State *L)
{
    vg_arena *arena = lua_touserdata(L, 1);
    vg_arena_free(arena);
    vg_arena_init(arena);
    return 0;
}

/* A new arena, freed when the calling library function returns or
 * raises (to-be-closed slot on the stack). */
static vg_arena *push_arena(lua_State *L)
{
    vg_arena *arena = lua_newuserdatauv(L, sizeof *arena, 0);
    vg_arena_init(arena);
    if (luaL_newmetatable(L, "vigil.arena")) {
        lua_pushcfunction(L, arena_close);
        lua_setfield(L, -2, "__close");
    }
    lua_setmetatable(L, -2);
    lua_toclose(L, -1);
    return arena;
}

/* Pushes nil (or false) and why; returns 2, for `return fail_result(...)`. */
static int fail_result(lua_State *L, int false_not_nil, const char *why)
{
    if (false_not_nil)
        lua_pushboolean(L, 0);
    else
        lua_pushnil(L);
    lua_pushstring(L, why);
    return 2;
}

/* Sets t[key] = s when s is not NULL, for the table on top. */
static void set_string(lua_State *L, const char *key, const char *s)
{
    if (s) {
        lua_pushstring(L, s);
        lua_setfield(L, -2, key);
    }
}

/* ---- versions ------------------------------------------------------------- */

/* The scheme of the ecosystem argument; raises for an unknown one. */
static vg_version_scheme scheme_arg(lua_State *L, int arg)
{
    size_t len;
    const char *ecosystem = c_string_arg(L, arg, &len);
    vg_version_scheme scheme = vg_version_scheme_for(ecosystem);
    if (scheme == VG_VERSION_UNKNOWN) {
        char q[STDLIB_QUOTE + 4];
        lua_pushfstring(L,
                        "unknown ecosystem '%s': use a purl type (deb, rpm, apk, npm, pypi, maven, golang, cargo, "
                        "gem, nuget, composer), \"semver\" or an OSV ecosystem name",
                        quote(q, ecosystem, len));
        luaL_argerror(L, arg, lua_tostring(L, -1));
    }
    return scheme;
}

/* Why version (argument arg) is refused by scheme: status from version.h. */
static const char *version_why(lua_State *L, int arg, int status, vg_version_scheme scheme)
{
    size_t len;
    const char *v = lua_tolstring(L, arg, &len);
    const char *ecosystem = lua_tostring(L, 1);
    char q[STDLIB_QUOTE + 4], e[STDLIB_QUOTE + 4];
    if (status == VG_ERR_LIMIT)
        return lua_pushfstring(L, "the version '%s' is longer than %d bytes", quote(q, v, len), VG_VERSION_MAX_LEN);
    return lua_pushfstring(L, "'%s' is not a valid version of ecosystem '%s' (%s ordering)", quote(q, v, len),
                           quote(e, ecosystem, strlen(ecosystem)), vg_version_scheme_name(scheme));
}

/* vigil.version_compare(ecosystem, a, b) -> -1, 0 or 1 */
static int l_version_compare(lua_State *L)
{
    vg_version_scheme scheme = scheme_arg(L, 1);
    size_t alen, blen;
    const char *a = c_string_arg(L, 2, &alen), *b = c_string_arg(L, 3, &blen);
    charge_bytes(L, alen + blen);
    int order, status = vg_version_compare_scheme(scheme, a, b, &order);
    if (status != VG_OK) {
        int arg = vg_version_valid_scheme(scheme, a) != VG_OK ? 2 : 3;
        int bad = arg == 2 ? vg_version_valid_scheme(scheme, a) : vg_version_valid_scheme(scheme, b);
        return luaL_argerror(L, arg, version_why(L, arg, bad, scheme));
    }
    lua_pushinteger(L, order < 0 ? -1 : order > 0);
    return 1;
}

/* vigil.version_valid(ecosystem, v) -> true | false, why */
static int l_version_valid(lua_State *L)
{
    vg_version_scheme scheme = scheme_arg(L, 1);
    size_t len;
    const char *v = luaL_checklstring(L, 2, &len);
    charge_bytes(L, len);
    if (memchr(v, 0, len))
        return fail_result(L, 1, "the version contains a NUL byte");
    int status = vg_version_valid_scheme(scheme, v);
    if (status != VG_OK)
        return fail_result(L, 1, version_why(L, 2, status, scheme));
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- package URLs ---------------------------------------------------------- */

/* vigil.purl(s) -> {type, namespace, name, version, qualifiers, subpath} | nil, why */
static int l_purl(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    charge_bytes(L, len);
    vg_arena *arena = push_arena(L);
    vg_purl purl;
    const char *why = NULL;
    int rc = vg_purl_parse(arena, s, len, &purl, &why);
    if (rc == -2)
        return luaL_error(L, "out of memory");
    if (rc != 0) {
        char q[STDLIB_QUOTE + 4];
        return fail_result(L, 0, lua_pushfstring(L, "'%s' is not a package URL: %s", quote(q, s, len),
                                                 why ? why : "malformed"));
    }
    lua_createtable(L, 0, 6);
    set_string(L, "type", purl.type);
    set_string(L, "namespace", purl.namespace_);
    set_string(L, "name", purl.name);
    set_string(L, "version", purl.version);
    set_string(L, "subpath", purl.subpath);
    lua_createtable(L, 0, (int)purl.nqualifiers);
    for (size_t i = 0; i < purl.nqualifiers; i++)
        set_string(L, purl.qualifiers[i].key, purl.qualifiers[i].value);
    lua_setfield(L, -2, "qualifiers");
    return 1;
}

/* ---- licences --------------------------------------------------------------- */

#define LICENSE_FLAGS VG_LICENSE_ALLOW_REFS /* SPDX 2.3 Annex D exactly, LicenseRef- included */

/* Why vg_license_parse_tree() refused an expression. */
static const char *license_why(int status)
{
    switch (status) {
    case VG_ERR_LIMIT:
        return "the licence expression exceeds the limits (4096 bytes, 512 tokens, 32 levels of parentheses)";
    case VG_ERR_NOMEM:
        return "out of memory";
    default:
        return "not a valid SPDX licence expression (SPDX 2.3 Annex D: SPDX licence ids, LicenseRef-, "
               "AND, OR, WITH an exception id, a trailing +, parentheses)";
    }
}

/* Parses the licence expression argument arg into *out; the status. */
static int license_arg(lua_State *L, int arg, vg_arena *arena, const vg_license_node **out)
{
    size_t len;
    const char *expr = luaL_checklstring(L, arg, &len);
    charge_bytes(L, len);
    int status = vg_license_parse_tree(arena, expr, len, LICENSE_FLAGS, out);
    if (status == VG_ERR_NOMEM)
        luaL_error(L, "out of memory");
    return status;
}

/* The text of term t: id, "+", " WITH exception". */
static const char *push_term(lua_State *L, const vg_license_node *t)
{
    return lua_pushfstring(L, "%s%s%s%s", t->license, t->plus ? "+" : "", t->exception ? " WITH " : "",
                           t->exception ? t->exception : "");
}

/* Appends s (on top of the stack, popped) to the list at list unless the
 * set at set already has it. */
static void add_unique(lua_State *L, int list, int set)
{
    lua_pushvalue(L, -1);
    if (lua_rawget(L, set) != LUA_TNIL) {
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushboolean(L, 1);
    lua_rawset(L, set);
    lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

/* Adds the licence ids and the exception ids of the terms of n to the
 * lists at ids and exceptions, each once, in the order written. */
static void license_collect(lua_State *L, const vg_license_node *n, int ids, int exceptions, int seen)
{
    if (n->op != VG_LICENSE_TERM) {
        license_collect(L, n->left, ids, exceptions, seen);
        license_collect(L, n->right, ids, exceptions, seen);
        return;
    }
    lua_pushfstring(L, "%s%s", n->license, n->plus ? "+" : "");
    add_unique(L, ids, seen);
    if (n->exception) {
        lua_pushstring(L, n->exception);
        add_unique(L, exceptions, seen);
    }
}

/* The tree of the expression in argument 1, in an arena of its own; the
 * status, and the reason pushed when it is not VG_OK. */
static int license_only_arg(lua_State *L, const vg_license_node **tree)
{
    int status = license_arg(L, 1, push_arena(L), tree);
    if (status != VG_OK)
        lua_pushstring(L, license_why(status));
    return status;
}

/* vigil.license_valid(expression) -> true | false, why */
static int l_license_valid(lua_State *L)
{
    const vg_license_node *tree;
    if (license_only_arg(L, &tree) != VG_OK)
        return fail_result(L, 1, lua_tostring(L, -1));
    lua_pushboolean(L, 1);
    return 1;
}

/* vigil.license_ids(expression) -> {licence ids}, {exception ids} | nil, why */
static int l_license_ids(lua_State *L)
{
    const vg_license_node *tree;
    if (license_only_arg(L, &tree) != VG_OK)
        return fail_result(L, 0, lua_tostring(L, -1));
    lua_newtable(L);
    lua_newtable(L);
    lua_newtable(L); /* seen: ids and exception ids never share a spelling */
    int top = lua_gettop(L);
    license_collect(L, tree, top - 2, top - 1, top);
    lua_pop(L, 1);
    return 2;
}

/* A parsed allow-list, in the rule's own memory (a full userdata, so that
 * its memory limit counts it): the terms, then the texts they point to.
 * Its user value is a copy of the entries.  license_allowed() keeps one
 * per list table, in a weak-keyed table of the registry, so that a rule
 * calling it for each of 5 000 components parses its list once: a list
 * that is evidence (the rule's parameters) cannot change; a rule's own
 * table is compared with the copy, entry by entry, at each call. */
typedef struct allow_list {
    size_t n;
    vg_license_node terms[];
} allow_list;

static const char allow_cache_key; /* registry[&allow_cache_key] = {list table = allow_list} */

/* Pushes the cached allow_list of the n-entry list at idx and returns it,
 * or returns NULL (nothing pushed) when there is none or the list has
 * changed since. */
static allow_list *allow_cached(lua_State *L, int idx, lua_Integer n)
{
    int stale;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &allow_cache_key);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    allow_list *list = lua_touserdata(L, -1);
    int same = list && (lua_Integer)list->n == n;
    if (same && !policy_evidence_node(L, idx, &stale)) {
        policy_sandbox_charge(L, 1 + (uint64_t)n, POLICY_WORK_LIBRARY);
        lua_getiuservalue(L, -1, 1);
        for (lua_Integer i = 1; same && i <= n; i++) {
            lua_geti(L, idx, i);
            lua_rawgeti(L, -2, i);
            same = lua_rawequal(L, -1, -2);
            lua_pop(L, 2);
        }
        lua_pop(L, 1);
    }
    if (!same) {
        lua_pop(L, 1);
        return NULL;
    }
    return list;
}

/* Copies s to *p and returns the copy. */
static const char *copy_text(char **p, const char *s)
{
    size_t len = strlen(s) + 1;
    memcpy(*p, s, len);
    *p += len;
    return *p - len;
}

/* Parses the n entries of the list at idx into a new allow_list, pushed
 * and cached.  Raises for an entry that is not one licence term. */
static allow_list *allow_parse(lua_State *L, int idx, lua_Integer n)
{
    vg_arena *arena = push_arena(L);
    const vg_license_node **terms = vg_arena_calloc(arena, (size_t)n + 1, sizeof *terms);
    if (!terms)
        luaL_error(L, "out of memory");
    size_t text = 0;
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        size_t len;
        char q[STDLIB_QUOTE + 4];
        if (lua_geti(L, idx, i) != LUA_TSTRING)
            luaL_argerror(L, idx, lua_pushfstring(L, "entry %I is a %s, not a licence", i, luaL_typename(L, -1)));
        const char *entry = lua_tolstring(L, -1, &len);
        charge_bytes(L, len);
        int status = vg_license_parse_tree(arena, entry, len, LICENSE_FLAGS, &terms[i - 1]);
        if (status == VG_ERR_NOMEM)
            luaL_error(L, "out of memory");
        if (status != VG_OK)
            luaL_argerror(L, idx, lua_pushfstring(L, "entry %I '%s': %s", i, quote(q, entry, len), license_why(status)));
        if (terms[i - 1]->op != VG_LICENSE_TERM)
            luaL_argerror(L, idx, lua_pushfstring(L, "entry %I '%s' is an expression: list single licences "
                                                     "(with \"+\" or WITH an exception)", i, quote(q, entry, len)));
        text += strlen(terms[i - 1]->license) + 1 + (terms[i - 1]->exception ? strlen(terms[i - 1]->exception) + 1 : 0);
        lua_rawseti(L, -2, i);
    }
    allow_list *list = lua_newuserdatauv(L, sizeof *list + (size_t)n * sizeof list->terms[0] + text, 1);
    char *p = (char *)&list->terms[n];
    list->n = (size_t)n;
    for (size_t i = 0; i < list->n; i++) {
        list->terms[i] = *terms[i];
        list->terms[i].license = copy_text(&p, terms[i]->license);
        if (terms[i]->exception)
            list->terms[i].exception = copy_text(&p, terms[i]->exception);
    }
    lua_insert(L, -2);
    lua_setiuservalue(L, -2, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &allow_cache_key);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return list;
}

struct license_allow {
    const allow_list *list;
    lua_State *L;
    int refused, seen; /* stack indexes: list of terms no entry allows, set of them */
};

/* Whether some choice of OR operands of node uses only allowed terms; adds
 * every term no entry allows to the refused list. */
static int license_eval(struct license_allow *a, const vg_license_node *node)
{
    if (node->op == VG_LICENSE_TERM) {
        policy_sandbox_charge(a->L, 1 + a->list->n, POLICY_WORK_LIBRARY);
        for (size_t i = 0; i < a->list->n; i++)
            if (vg_license_term_allows(&a->list->terms[i], node))
                return 1;
        push_term(a->L, node);
        add_unique(a->L, a->refused, a->seen);
        return 0;
    }
    int left = license_eval(a, node->left), right = license_eval(a, node->right);
    return node->op == VG_LICENSE_AND ? left && right : left || right;
}

/* vigil.license_allowed(expression, allowed) -> true | false, {terms} | nil, why */
static int l_license_allowed(lua_State *L)
{
    luaL_checkstring(L, 1);
    int stale;
    if (lua_type(L, 2) != LUA_TTABLE && !policy_evidence_node(L, 2, &stale))
        return luaL_typeerror(L, 2, "table");
    lua_Integer n = luaL_len(L, 2); /* params are read-only tables: through their metamethods */
    /* Bounds the parse, and the memory the list and its copy take. */
    if (n < 0 || n > STDLIB_MAX_ALLOWED)
        return luaL_argerror(L, 2, lua_pushfstring(L, "an allow-list of more than %d licences", STDLIB_MAX_ALLOWED));
    struct license_allow a = {allow_cached(L, 2, n), L, 0, 0};
    if (!a.list)
        a.list = allow_parse(L, 2, n);
    const vg_license_node *tree;
    int status = license_arg(L, 1, push_arena(L), &tree);
    if (status != VG_OK)
        return fail_result(L, 0, license_why(status));
    lua_newtable(L);
    lua_newtable(L);
    a.refused = lua_gettop(L) - 1;
    a.seen = lua_gettop(L);
    int allowed = license_eval(&a, tree);
    lua_pop(L, 1);
    lua_pushboolean(L, allowed);
    if (allowed)
        return 1;
    lua_insert(L, -2);
    return 2;
}

/* ---- CVSS ------------------------------------------------------------------- */

/* vigil.cvss(vector) -> {version, score, base, severity} */
static int l_cvss(lua_State *L)
{
    size_t len;
    const char *vector = c_string_arg(L, 1, &len);
    charge_bytes(L, len);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_cvss_score score;
    if (vg_cvss_score_vector(&ctx, vector, &score) != VG_OK) {
        for (char *c = ctx.message; *c; c++) /* it quotes the vector, which may hold any byte */
            if (*c < 0x20 || *c >= 0x7f)
                *c = '?';
        lua_pushstring(L, ctx.message);
        vg_ctx_free(&ctx);
        return luaL_argerror(L, 1, lua_tostring(L, -1));
    }
    vg_ctx_free(&ctx);
    static const struct {
        vg_cvss_version version;
        const char *name;
    } versions[] = {{VG_CVSS_V2, "2.0"}, {VG_CVSS_V30, "3.0"}, {VG_CVSS_V31, "3.1"}, {VG_CVSS_V40, "4.0"}};
    lua_createtable(L, 0, 4);
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (versions[i].version == score.version)
            set_string(L, "version", versions[i].name);
    lua_pushnumber(L, score.score);
    lua_setfield(L, -2, "score");
    lua_pushnumber(L, score.base);
    lua_setfield(L, -2, "base");
    char severity[16];
    snprintf(severity, sizeof severity, "%s", score.rating);
    for (char *c = severity; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    set_string(L, "severity", severity);
    return 1;
}

/* ---- dates ---------------------------------------------------------------- */

#define MICROS 1000000

/* Pushes seconds since the epoch: an integer when whole, else a float. */
static void push_seconds(lua_State *L, int64_t micros)
{
    if (micros % MICROS == 0)
        lua_pushinteger(L, micros / MICROS);
    else
        lua_pushnumber(L, (double)micros / MICROS);
}

/* vigil.time(s) -> seconds since 1970-01-01T00:00:00Z | nil, why */
static int l_time(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    charge_bytes(L, len);
    int64_t micros;
    const char *why;
    if (policy_time_parse(s, len, &micros, &why) != 0) {
        char q[STDLIB_QUOTE + 4];
        return fail_result(L, 0, lua_pushfstring(L, "'%s' is not an RFC 3339 date or date-time: %s",
                                                 quote(q, s, len), why));
    }
    push_seconds(L, micros);
    return 1;
}

/* Microseconds of argument arg: a number of seconds or a date string;
 * raises when it is neither or outside years 0001 to 9999. */
static int64_t micros_arg(lua_State *L, int arg)
{
    int64_t micros;
    char text[POLICY_TIME_TEXT];
    if (lua_type(L, arg) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, arg, &len), *why;
        char q[STDLIB_QUOTE + 4];
        charge_bytes(L, len);
        if (policy_time_parse(s, len, &micros, &why) != 0)
            luaL_argerror(L, arg, lua_pushfstring(L, "'%s' is not an RFC 3339 date or date-time: %s",
                                                  quote(q, s, len), why));
        return micros;
    }
    int is_integer;
    lua_Integer i = lua_tointegerx(L, arg, &is_integer);
    double d = is_integer ? 0 : luaL_checknumber(L, arg);
    /* The range check comes first: it keeps the products below in int64. */
    if (is_integer ? (i < -62135596800LL || i > 253402300799LL) : !(d >= -62135596800.0 && d < 253402300800.0))
        luaL_argerror(L, arg, "a time outside years 0001 to 9999 (seconds since 1970-01-01T00:00:00Z)");
    micros = is_integer ? (int64_t)i * MICROS : (int64_t)(d * MICROS + (d < 0 ? -0.5 : 0.5)); /* to the nearest */
    if (policy_time_format(micros, text) != 0) /* rounded past 9999-12-31T23:59:59.999999 */
        luaL_argerror(L, arg, "a time outside years 0001 to 9999 (seconds since 1970-01-01T00:00:00Z)");
    return micros;
}

/* vigil.date(seconds) -> "YYYY-MM-DDThh:mm:ss[.ffffff]Z" */
static int l_date(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TNUMBER);
    char text[POLICY_TIME_TEXT];
    policy_time_format(micros_arg(L, 1), text);
    lua_pushstring(L, text);
    return 1;
}

/* vigil.days_between(a, b) -> days from a to b, a float */
static int l_days_between(lua_State *L)
{
    for (int arg = 1; arg <= 2; arg++)
        if (lua_type(L, arg) != LUA_TSTRING && lua_type(L, arg) != LUA_TNUMBER)
            luaL_typeerror(L, arg, "date string or number of seconds");
    int64_t a = micros_arg(L, 1), b = micros_arg(L, 2);
    lua_pushnumber(L, (double)(b - a) / (86400.0 * MICROS));
    return 1;
}

/* ---- globs and severities ------------------------------------------------------- */

/* vigil.glob(pattern, s) -> boolean */
static int l_glob(lua_State *L)
{
    size_t plen, len;
    const char *pattern = luaL_checklstring(L, 1, &plen), *s = luaL_checklstring(L, 2, &len), *why;
    charge_bytes(L, plen);
    if (policy_glob_check(pattern, plen, &why) != 0) {
        char q[STDLIB_QUOTE + 4];
        return luaL_argerror(L, 1, lua_pushfstring(L, "malformed glob '%s': %s", quote(q, pattern, plen), why));
    }
    lua_pushboolean(L, policy_glob_match_n(L, pattern, plen, s, len));
    return 1;
}

int policy_severity_rank(const char *s, size_t len)
{
    if (len == 4 && strncasecmp(s, "info", 4) == 0)
        return 0;
    char word[16];
    if (len >= sizeof word || memchr(s, 0, len))
        return -1;
    memcpy(word, s, len);
    word[len] = '\0';
    vg_severity severity = vg_severity_from_text(word);
    return severity == VG_SEVERITY_UNKNOWN ? -1 : (int)severity - VG_SEVERITY_NONE;
}

/* vigil.severity_rank(word) -> 0 (info, none) .. 4 (critical) | nil, why */
static int l_severity_rank(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int rank = policy_severity_rank(s, len);
    if (rank < 0) {
        char q[STDLIB_QUOTE + 4];
        return fail_result(L, 0, lua_pushfstring(L, "'%s' is not a severity (critical, high, medium, low, info, none)",
                                                 quote(q, s, len)));
    }
    lua_pushinteger(L, rank);
    return 1;
}

void policy_stdlib_open(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"version_compare", l_version_compare}, {"version_valid", l_version_valid},
        {"purl", l_purl},
        {"license_valid", l_license_valid},     {"license_ids", l_license_ids},
        {"license_allowed", l_license_allowed},
        {"cvss", l_cvss},
        {"time", l_time},                       {"date", l_date},
        {"days_between", l_days_between},
        {"glob", l_glob},
        {"severity_rank", l_severity_rank},
        {NULL, NULL},
    };
    lua_newtable(L); /* license_allowed's parsed lists, weak-keyed by list */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &allow_cache_key);
    lua_getglobal(L, "vigil");
    luaL_setfuncs(L, functions, 0);
    /* In the registry's LOADED table, argument errors name the functions
     * "vigil.NAME" (luaL_argerror looks there). */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "vigil");
    lua_pop(L, 2);
}
