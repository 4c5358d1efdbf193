/*
 * evidence.c — evidence (read-only JSON trees, vigil/jtree.h) handed to a
 * rule as read-only Lua tables that convert their members when they are
 * read.
 *
 * An object or array becomes an empty table with one hidden entry, keyed by
 * the address of box_key (a light userdata no rule can make), holding the
 * tree node as a light userdata, and the metatable of the call that made
 * it; a second hidden entry (keyed by &cache_key), made when the first
 * object or array member is read, caches the members already converted, so
 * that reading the same member twice gives the same table.  A table and its
 * part are the only allocations (Lua 5.4 Reference Manual §4.6): walking
 * the 20 000 findings of a scan makes 20 000 of them.  Each call into the
 * rule makes a metatable of its own (policy_evidence_begin()), so that a
 * table kept from an earlier call, whose node may be gone, is told by its
 * metatable and refused.  The metatable (§2.4) gives __index (the
 * conversion), __newindex (raises "evidence is read-only"), __len (an
 * array's size; 0 for an object, as for a Lua table with string keys
 * only), __pairs (the members in document order) and __metatable (so that
 * nothing can reach it).  The global `next` is replaced by one that walks
 * evidence tables the same way and plain tables as before (§6.1), since
 * the raw table is empty.  ipairs, # and the table library go through the
 * metamethods.
 *
 * JSON null is vigil.null, a light userdata NULL, so that a member that is
 * null and one that is absent (nil) stay apart.  Integers stay Lua
 * integers, reals Lua floats (math.type tells them apart).
 */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

/* Most members a cache table is made with room for at once (a rule that
 * reads one item of a huge array should not pay for all). */
#define EVIDENCE_CACHE_PRESIZE 65536

static const char box_key;       /* proxy[&box_key] = the node, a light userdata */
static const char cache_key;     /* proxy[&cache_key] = the members converted */
static const char metatable_key; /* registry[&metatable_key] = this call's metatable */

/* The node of the evidence table at idx, or NULL; *stale when it was made
 * by an earlier call.  Pushes nothing. */
static const vg_jval *evidence_box_at(lua_State *L, int idx, int *stale)
{
    *stale = 0;
    if (lua_type(L, idx) != LUA_TTABLE)
        return NULL;
    lua_rawgetp(L, idx, &box_key);
    const vg_jval *node = lua_type(L, -1) == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : NULL;
    lua_pop(L, 1);
    if (node && lua_getmetatable(L, idx)) {
        *stale = lua_topointer(L, -1) != *policy_sandbox_evidence_mt(L);
        lua_pop(L, 1);
    }
    return node;
}

const vg_jval *policy_evidence_node(lua_State *L, int idx, int *stale)
{
    const vg_jval *node = evidence_box_at(L, idx, stale);
    return *stale ? NULL : node;
}

/* The node of the evidence table at idx (a metamethod's argument); raises
 * when it belongs to an earlier call. */
static const vg_jval *evidence_checked(lua_State *L, int idx)
{
    int stale;
    const vg_jval *node = evidence_box_at(L, idx, &stale);
    if (stale)
        luaL_error(L, "evidence from an earlier run of the rule is no longer available");
    if (!node)
        luaL_error(L, "not an evidence table");
    return node;
}

/* Pushes the evidence table of the object or array value, with the
 * metatable at mt (an absolute index). */
static void evidence_new(lua_State *L, const vg_jval *value, int mt)
{
    lua_createtable(L, 0, 1);
    lua_pushlightuserdata(L, (void *)value);
    lua_rawsetp(L, -2, &box_key);
    lua_pushvalue(L, mt);
    lua_setmetatable(L, -2);
}

/* policy_evidence_push() with the metatable at mt. */
static void evidence_push(lua_State *L, const vg_jval *value, int mt)
{
    switch (value->type) {
    case VG_JOBJECT:
    case VG_JARRAY:
        evidence_new(L, value, mt);
        break;
    case VG_JSTRING:
        lua_pushlstring(L, value->u.s, value->n);
        break;
    case VG_JINT:
        lua_pushinteger(L, (lua_Integer)value->u.i);
        break;
    case VG_JREAL:
        lua_pushnumber(L, value->u.d);
        break;
    case VG_JTRUE:
    case VG_JFALSE:
        lua_pushboolean(L, value->type == VG_JTRUE);
        break;
    default:
        lua_pushlightuserdata(L, NULL);
        break;
    }
}

void policy_evidence_push(lua_State *L, const vg_jval *value)
{
    if (value->type == VG_JOBJECT || value->type == VG_JARRAY) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &metatable_key);
        evidence_new(L, value, lua_gettop(L));
        lua_remove(L, -2);
    } else {
        evidence_push(L, value, 0);
    }
}

/* Pushes member (of the evidence table at idx, whose node is parent, read
 * under the string key at key_idx, or the array index i when key_idx is 0)
 * with the metatable at mt: an object or array converted once and then
 * taken from the cache, so that reading it twice gives the same table; a
 * scalar as a new Lua value every time (equal values are equal in Lua),
 * which spares the cache for the common reads of strings and numbers. */
static void evidence_push_member(lua_State *L, int idx, const vg_jval *parent, int key_idx, lua_Integer i,
                                 const vg_jval *member, int mt)
{
    if (member->type != VG_JOBJECT && member->type != VG_JARRAY) {
        evidence_push(L, member, mt);
        return;
    }
    if (lua_rawgetp(L, idx, &cache_key) != LUA_TTABLE) {
        /* sized for every member at once: an array's items are read in
         * turn by ipairs, and a table that grows is rehashed each time */
        int n = parent->n > EVIDENCE_CACHE_PRESIZE ? EVIDENCE_CACHE_PRESIZE : (int)parent->n;
        lua_pop(L, 1);
        lua_createtable(L, parent->type == VG_JARRAY ? n : 0, parent->type == VG_JARRAY ? 0 : n);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, idx, &cache_key);
    }
    if (key_idx) {
        lua_pushvalue(L, key_idx);
        if (lua_rawget(L, -2) == LUA_TNIL) {
            lua_pop(L, 1);
            evidence_new(L, member, mt);
            lua_pushvalue(L, key_idx);
            lua_pushvalue(L, -2);
            lua_rawset(L, -4);
        }
    } else if (lua_rawgeti(L, -1, i) == LUA_TNIL) {
        lua_pop(L, 1);
        evidence_new(L, member, mt);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, i);
    }
    lua_remove(L, -2);
}

/* The array index an integer-valued key names (1-based), or 0. */
static size_t evidence_index(lua_State *L, int key_idx, const vg_jval *array)
{
    int isnum;
    lua_Integer i = lua_tointegerx(L, key_idx, &isnum);
    return isnum && lua_type(L, key_idx) == LUA_TNUMBER && i >= 1 && (size_t)i <= array->n ? (size_t)i : 0;
}

/* The node of the evidence table at 1, in one of its metamethods: each is
 * a closure whose upvalue is the metatable of the call that made the
 * table.  Raises when that was an earlier call. */
static const vg_jval *evidence_self(lua_State *L)
{
    if (lua_topointer(L, lua_upvalueindex(1)) != *policy_sandbox_evidence_mt(L))
        luaL_error(L, "evidence from an earlier run of the rule is no longer available");
    lua_rawgetp(L, 1, &box_key);
    const vg_jval *node = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!node)
        luaL_error(L, "not an evidence table");
    return node;
}

static int evidence_index_mm(lua_State *L)
{
    const vg_jval *node = evidence_self(L);
    if (node->type == VG_JOBJECT && lua_type(L, 2) == LUA_TSTRING) {
        size_t len;
        const char *key = lua_tolstring(L, 2, &len);
        const vg_jval *member = vg_jval_getn(node, key, len);
        if (!member)
            return 0;
        evidence_push_member(L, 1, node, 2, 0, member, lua_upvalueindex(1));
        return 1;
    }
    size_t i = node->type == VG_JARRAY ? evidence_index(L, 2, node) : 0;
    if (!i)
        return 0;
    evidence_push_member(L, 1, node, 0, (lua_Integer)i, &node->u.items[i - 1], lua_upvalueindex(1));
    return 1;
}

static int evidence_newindex_mm(lua_State *L)
{
    return luaL_error(L, "evidence is read-only");
}

static int evidence_len_mm(lua_State *L)
{
    const vg_jval *node = evidence_self(L);
    lua_pushinteger(L, node->type == VG_JARRAY ? (lua_Integer)node->n : 0);
    return 1;
}

/* The position after the member of object named by the string at
 * key_idx; raises when there is no such member. */
static size_t evidence_after(lua_State *L, const vg_jval *object, int key_idx)
{
    size_t len;
    const char *key = lua_type(L, key_idx) == LUA_TSTRING ? lua_tolstring(L, key_idx, &len) : NULL;
    long i = key ? vg_jval_member_index(object, key, len) : -1;
    if (i < 0)
        luaL_error(L, "invalid key to 'next'");
    return (size_t)i + 1;
}

/* next(t, k): evidence tables in document order, other tables as Lua's. */
static int evidence_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    int stale;
    if (!evidence_box_at(L, 1, &stale)) {
        if (lua_next(L, 1))
            return 2;
        lua_pushnil(L);
        return 1;
    }
    const vg_jval *node = evidence_checked(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &metatable_key); /* 3 */
    if (node->type == VG_JARRAY) {
        size_t i = lua_isnil(L, 2) ? 0 : evidence_index(L, 2, node);
        if (!lua_isnil(L, 2) && !i)
            return luaL_error(L, "invalid key to 'next'");
        if (i >= node->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)i + 1);
        evidence_push_member(L, 1, node, 0, (lua_Integer)i + 1, &node->u.items[i], 3);
    } else {
        size_t i = lua_isnil(L, 2) ? 0 : evidence_after(L, node, 2);
        if (i >= node->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushlstring(L, node->u.members[i].key, node->u.members[i].key_len);
        evidence_push_member(L, 1, node, 4, 0, &node->u.members[i].value, 3);
    }
    return 2;
}

static int evidence_pairs_mm(lua_State *L)
{
    evidence_self(L);
    lua_pushcfunction(L, evidence_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* ---- queries done in C ------------------------------------------------------------ */

/* The member of value at the dotted path ("kev", "component.purl"), or
 * NULL; *steps counts the lookups. */
static const vg_jval *evidence_at_path(const vg_jval *value, const char *path, size_t len, uint64_t *steps)
{
    size_t start = 0;
    while (value && start <= len) {
        const char *dot = memchr(path + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - path) : len;
        value = vg_jval_getn(value, path + start, end - start);
        (*steps)++;
        start = end + 1;
    }
    return value;
}

/* Whether member matches the Lua value at idx: none (absent) means
 * "present and not null"; else a string, number or boolean equal to it. */
static int evidence_matches(lua_State *L, const vg_jval *member, int idx)
{
    if (!member)
        return 0;
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        return member->type != VG_JNULL;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return member->type == VG_JSTRING && member->n == len && memcmp(member->u.s, s, len) == 0;
    }
    case LUA_TNUMBER:
        if (member->type == VG_JINT)
            return lua_isinteger(L, idx) ? lua_tointeger(L, idx) == (lua_Integer)member->u.i
                                         : lua_tonumber(L, idx) == (lua_Number)member->u.i;
        return member->type == VG_JREAL && lua_tonumber(L, idx) == member->u.d;
    case LUA_TBOOLEAN:
        return (member->type == VG_JTRUE || member->type == VG_JFALSE) &&
               (member->type == VG_JTRUE) == lua_toboolean(L, idx);
    case LUA_TLIGHTUSERDATA:
        return lua_touserdata(L, idx) == NULL && member->type == VG_JNULL;
    default:
        return luaL_argerror(L, 3, "a string, number, boolean or vigil.null");
    }
}

/* vigil.where(list, path[, value]) and vigil.count(list, path[, value]):
 * the members of an evidence list whose member at path is present and not
 * null, or equals value — found in C without converting the others. */
static int evidence_query(lua_State *L, int count_only)
{
    int stale;
    const vg_jval *list = evidence_box_at(L, 1, &stale) ? evidence_checked(L, 1) : NULL;
    if (!list || list->type != VG_JARRAY)
        return luaL_argerror(L, 1, "an evidence list (an array of the evidence)");
    size_t len;
    const char *path = luaL_checklstring(L, 2, &len);
    int has_value = !lua_isnoneornil(L, 3);
    lua_settop(L, 3);
    size_t n = list->n, found = 0;
    uint64_t steps = 0;
    if (!count_only) {
        lua_newtable(L);                                    /* 4: the result */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &metatable_key); /* 5 */
    }
    for (size_t i = 0; i < n; i++) {
        const vg_jval *member = evidence_at_path(&list->u.items[i], path, len, &steps);
        if (!(has_value ? evidence_matches(L, member, 3) : member && member->type != VG_JNULL))
            continue;
        found++;
        if (!count_only) {
            evidence_push_member(L, 1, list, 0, (lua_Integer)i + 1, &list->u.items[i], 5);
            lua_rawseti(L, 4, (lua_Integer)found);
        }
    }
    if (!count_only)
        lua_pop(L, 1);
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

void policy_evidence_begin(lua_State *L)
{
    static const luaL_Reg metamethods[] = {
        {"__index", evidence_index_mm}, {"__newindex", evidence_newindex_mm}, {"__len", evidence_len_mm},
        {"__pairs", evidence_pairs_mm}, {NULL, NULL},
    };
    /* each metamethod a closure over the metatable (evidence_self()) */
    lua_createtable(L, 0, 5);
    for (const luaL_Reg *m = metamethods; m->name; m++) {
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, m->func, 1);
        lua_setfield(L, -2, m->name);
    }
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    *policy_sandbox_evidence_mt(L) = lua_topointer(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &metatable_key);
}

void policy_evidence_open(lua_State *L)
{
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
