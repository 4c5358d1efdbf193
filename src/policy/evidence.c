/*
 * evidence.c — evidence (jansson JSON values) handed to a rule as read-only
 * Lua tables that convert their members when they are read.
 *
 * An object or array becomes an empty table with one hidden entry, keyed by
 * the address of box_key (a light userdata no rule can make), holding a
 * full userdata with the json_t and the number of the call it belongs to;
 * its user value caches the members already converted, so that reading
 * the same member twice gives the same table.  The shared metatable
 * (Lua 5.4 Reference Manual §2.4) gives __index (the conversion),
 * __newindex (raises "evidence is read-only"), __len (an array's size; 0
 * for an object, as for a Lua table with string keys only), __pairs (the
 * members in document order) and __metatable (so that nothing can reach
 * it).  The global `next` is replaced by one that walks evidence tables the
 * same way and plain tables as before (§6.1), since the raw table is empty.
 * ipairs, # and the table library go through the metamethods.
 *
 * JSON null is vigil.null, a light userdata NULL, so that a member that is
 * null and one that is absent (nil) stay apart.  Integers stay Lua
 * integers, reals Lua floats (math.type tells them apart).
 */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

static const char box_key;       /* proxy[&box_key] = the box */
static const char metatable_key; /* registry[&metatable_key] = the shared metatable */

typedef struct evidence_box {
    json_t *json;
    uint64_t generation;
} evidence_box;

/* The box of the evidence table at idx, or NULL; pushes nothing. */
static evidence_box *evidence_box_at(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE)
        return NULL;
    lua_rawgetp(L, idx, &box_key);
    evidence_box *box = lua_type(L, -1) == LUA_TUSERDATA ? lua_touserdata(L, -1) : NULL;
    lua_pop(L, 1);
    return box;
}

json_t *policy_evidence_json(lua_State *L, int idx, int *stale)
{
    evidence_box *box = evidence_box_at(L, idx);
    *stale = box && box->generation != policy_sandbox_generation(L);
    return box && !*stale ? box->json : NULL;
}

/* The JSON value of the evidence table at idx (a metamethod's argument);
 * raises when it belongs to an earlier call. */
static json_t *evidence_checked(lua_State *L, int idx)
{
    int stale;
    json_t *json = policy_evidence_json(L, idx, &stale);
    if (stale)
        luaL_error(L, "evidence from an earlier run of the rule is no longer available");
    if (!json)
        luaL_error(L, "not an evidence table");
    return json;
}

void policy_evidence_push(lua_State *L, json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
    case JSON_ARRAY: {
        lua_createtable(L, 0, 1);
        evidence_box *box = lua_newuserdatauv(L, sizeof *box, 1);
        box->json = value;
        box->generation = policy_sandbox_generation(L);
        lua_rawsetp(L, -2, &box_key);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &metatable_key);
        lua_setmetatable(L, -2);
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(value), json_string_length(value));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(value));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(value));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        lua_pushboolean(L, json_is_true(value));
        break;
    case JSON_NULL:
        lua_pushlightuserdata(L, NULL);
        break;
    }
}

/* Pushes member (of the evidence table at idx, read under the key at
 * key_idx): an object or array converted once and then taken from the
 * cache, so that reading it twice gives the same table; a scalar as a new
 * Lua value every time (equal values are equal in Lua), which spares the
 * cache for the common reads of strings and numbers. */
static void evidence_push_member(lua_State *L, int idx, int key_idx, json_t *member)
{
    if (!json_is_object(member) && !json_is_array(member)) {
        policy_evidence_push(L, member);
        return;
    }
    lua_rawgetp(L, idx, &box_key);
    if (lua_getiuservalue(L, -1, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, -3, 1);
    }
    lua_pushvalue(L, key_idx);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        policy_evidence_push(L, member);
        lua_pushvalue(L, key_idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
}

/* The array index an integer-valued key names (1-based), or 0. */
static size_t evidence_index(lua_State *L, int key_idx, const json_t *array)
{
    int isnum;
    lua_Integer i = lua_tointegerx(L, key_idx, &isnum);
    return isnum && lua_type(L, key_idx) == LUA_TNUMBER && i >= 1 && (size_t)i <= json_array_size(array)
               ? (size_t)i : 0;
}

static int evidence_index_mm(lua_State *L)
{
    json_t *json = evidence_checked(L, 1);
    json_t *member = NULL;
    if (json_is_object(json) && lua_type(L, 2) == LUA_TSTRING) {
        size_t len;
        const char *key = lua_tolstring(L, 2, &len);
        member = json_object_getn(json, key, len);
    } else if (json_is_array(json)) {
        size_t i = evidence_index(L, 2, json);
        if (i) {
            lua_pushinteger(L, (lua_Integer)i); /* 2.0 and 2 are one member */
            lua_replace(L, 2);
            member = json_array_get(json, i - 1);
        }
    }
    if (!member)
        return 0;
    evidence_push_member(L, 1, 2, member);
    return 1;
}

static int evidence_newindex_mm(lua_State *L)
{
    return luaL_error(L, "evidence is read-only");
}

static int evidence_len_mm(lua_State *L)
{
    json_t *json = evidence_checked(L, 1);
    lua_pushinteger(L, json_is_array(json) ? (lua_Integer)json_array_size(json) : 0);
    return 1;
}

/* The object iterator following the member named by the string at
 * key_idx; raises when there is no such member.  (jansson's keys hold no
 * NUL, and json_object_iter_at takes a C string.) */
static void *evidence_iter_after(lua_State *L, json_t *object, int key_idx)
{
    size_t len;
    const char *key = lua_type(L, key_idx) == LUA_TSTRING ? lua_tolstring(L, key_idx, &len) : NULL;
    void *iter = key && !memchr(key, 0, len) ? json_object_iter_at(object, key) : NULL;
    if (!iter)
        luaL_error(L, "invalid key to 'next'");
    return json_object_iter_next(object, iter);
}

/* next(t, k): evidence tables in document order, other tables as Lua's. */
static int evidence_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (!evidence_box_at(L, 1)) {
        if (lua_next(L, 1))
            return 2;
        lua_pushnil(L);
        return 1;
    }
    json_t *json = evidence_checked(L, 1);
    json_t *member;
    if (json_is_array(json)) {
        size_t i = lua_isnil(L, 2) ? 0 : evidence_index(L, 2, json);
        if (!lua_isnil(L, 2) && !i)
            return luaL_error(L, "invalid key to 'next'");
        if (i >= json_array_size(json)) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)i + 1);
        member = json_array_get(json, i);
    } else {
        void *iter = lua_isnil(L, 2) ? json_object_iter(json) : evidence_iter_after(L, json, 2);
        if (!iter) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushlstring(L, json_object_iter_key(iter), json_object_iter_key_len(iter));
        member = json_object_iter_value(iter);
    }
    evidence_push_member(L, 1, 3, member);
    return 2;
}

static int evidence_pairs_mm(lua_State *L)
{
    evidence_checked(L, 1);
    lua_pushcfunction(L, evidence_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* ---- queries done in C ------------------------------------------------------------ */

/* The member of value at the dotted path ("kev", "component.purl"), or
 * NULL; *steps counts the lookups. */
static json_t *evidence_at_path(json_t *value, const char *path, size_t len, uint64_t *steps)
{
    size_t start = 0;
    while (value && start <= len) {
        const char *dot = memchr(path + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - path) : len;
        value = json_is_object(value) ? json_object_getn(value, path + start, end - start) : NULL;
        (*steps)++;
        start = end + 1;
    }
    return value;
}

/* Whether member matches the Lua value at idx: none (absent) means
 * "present and not null"; else a string, number or boolean equal to it. */
static int evidence_matches(lua_State *L, json_t *member, int idx)
{
    if (!member)
        return 0;
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        return !json_is_null(member);
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return json_is_string(member) && json_string_length(member) == len &&
               memcmp(json_string_value(member), s, len) == 0;
    }
    case LUA_TNUMBER:
        if (json_is_integer(member))
            return lua_isinteger(L, idx) ? lua_tointeger(L, idx) == (lua_Integer)json_integer_value(member)
                                         : lua_tonumber(L, idx) == (lua_Number)json_integer_value(member);
        return json_is_real(member) && lua_tonumber(L, idx) == json_real_value(member);
    case LUA_TBOOLEAN:
        return json_is_boolean(member) && json_is_true(member) == lua_toboolean(L, idx);
    case LUA_TLIGHTUSERDATA:
        return lua_touserdata(L, idx) == NULL && json_is_null(member);
    default:
        return luaL_argerror(L, 3, "a string, number, boolean or vigil.null");
    }
}

/* vigil.where(list, path[, value]) and vigil.count(list, path[, value]):
 * the members of an evidence list whose member at path is present and not
 * null, or equals value — found in C without converting the others. */
static int evidence_query(lua_State *L, int count_only)
{
    json_t *list = evidence_box_at(L, 1) ? evidence_checked(L, 1) : NULL;
    if (!json_is_array(list))
        return luaL_argerror(L, 1, "an evidence list (an array of the evidence)");
    size_t len;
    const char *path = luaL_checklstring(L, 2, &len);
    int has_value = !lua_isnoneornil(L, 3);
    lua_settop(L, 3);
    size_t n = json_array_size(list), found = 0;
    uint64_t steps = 0;
    if (!count_only)
        lua_newtable(L); /* 4: the result */
    for (size_t i = 0; i < n; i++) {
        json_t *member = evidence_at_path(json_array_get(list, i), path, len, &steps);
        if (!(has_value ? evidence_matches(L, member, 3) : member && !json_is_null(member)))
            continue;
        found++;
        if (!count_only) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            evidence_push_member(L, 1, lua_gettop(L), json_array_get(list, i));
            lua_rawseti(L, 4, (lua_Integer)found);
            lua_pop(L, 1);
        }
    }
    policy_sandbox_charge(L, n + steps, POLICY_WORK_LIBRARY);
    if (count_only)
        lua_pushinteger(L, (lua_Integer)found);
    return 1;
}

static int evidence_where(lua_State *L)
{
    return evidence_query(L, 0);
}

static int evidence_count(lua_State *L)
{
    return evidence_query(L, 1);
}

void policy_evidence_open(lua_State *L)
{
    static const luaL_Reg metamethods[] = {
        {"__index", evidence_index_mm}, {"__newindex", evidence_newindex_mm}, {"__len", evidence_len_mm},
        {"__pairs", evidence_pairs_mm}, {NULL, NULL},
    };
    luaL_newlib(L, metamethods);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &metatable_key);

    lua_pushcfunction(L, evidence_next);
    lua_setglobal(L, "next");
    lua_createtable(L, 0, 3);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    lua_pushcfunction(L, evidence_where);
    lua_setfield(L, -2, "where");
    lua_pushcfunction(L, evidence_count);
    lua_setfield(L, -2, "count");
    lua_setglobal(L, "vigil");
}
