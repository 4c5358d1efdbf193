/*
 * evidence.c — evidence (read-only JSON trees, vigil/jtree.h) handed to a
 * rule as values that read like read-only Lua tables and convert their
 * members when they are read.
 *
 * An object or array is a light userdata (Lua 5.4 Reference Manual §2.1):
 * the address of its tree node, with the number of the call into the rule
 * that pushed it in the top 16 bits.  Nothing is allocated for it — walking
 * the 20 000 findings of a scan allocates nothing — and reading the same
 * member twice gives the same value, so evidence compares equal and
 * serves as a table key.  A value kept from an earlier call, whose node
 * may be gone, carries another number and is refused before its address
 * is used; a state that has made 65 535 calls refuses more rather than
 * reuse a number.  The metatable of light userdata (one per state, §2.4)
 * gives __index (the conversion), __newindex (raises "evidence is
 * read-only"), __len (an array's size; 0 for an object, as for a Lua table
 * with string keys only), __pairs (the members in document order),
 * __tostring and __metatable (so that nothing can reach it).  ipairs, #,
 * pairs and the table library go through the metamethods; the globals
 * `next` and `type` are replaced by ones that treat evidence as a table
 * (§6.1: type() says "table"); the raw functions are not in the sandbox.
 *
 * JSON null is vigil.null, the light userdata NULL, so that a member that
 * is null and one that is absent (nil) stay apart; indexing it raises.
 * Integers stay Lua integers, reals Lua floats (math.type tells them
 * apart).
 *
 * The vigil.* functions that work on evidence itself live here too:
 * where and count (searches in C), and the helpers every rule over
 * collected documents needs, text, items, newest (the newest document per
 * host or target), worst (results merged per resource) and sbom_name
 * (docs/policy.md, "The vigil library").
 */
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

/* The call number in the top bits of an evidence value. */
#define EVIDENCE_TAG_SHIFT 48
#define EVIDENCE_ADDRESS ((((uintptr_t)1) << EVIDENCE_TAG_SHIFT) - 1)
#define EVIDENCE_CALLS 0xffffu

_Static_assert(sizeof(uintptr_t) == 8, "evidence values need 64-bit addresses");

/* The current call's tag. */
static uintptr_t evidence_tag(lua_State *L)
{
    return (uintptr_t)*policy_sandbox_evidence_call(L) << EVIDENCE_TAG_SHIFT;
}

/* The node of the evidence value at idx, or NULL (anything else, or
 * vigil.null); *stale when it was pushed by an earlier call, and then NULL
 * too; *tag its call's tag.  Never raises. */
static const vg_jval *evidence_node(lua_State *L, int idx, int *stale, uintptr_t *tag)
{
    *stale = 0;
    *tag = 0;
    if (lua_type(L, idx) != LUA_TLIGHTUSERDATA)
        return NULL;
    uintptr_t v = (uintptr_t)lua_touserdata(L, idx);
    if (!v)
        return NULL;
    *tag = v & ~EVIDENCE_ADDRESS;
    if (*tag != evidence_tag(L)) {
        *stale = 1;
        return NULL;
    }
    return (const vg_jval *)(v & EVIDENCE_ADDRESS);
}

const vg_jval *policy_evidence_node(lua_State *L, int idx, int *stale)
{
    uintptr_t tag;
    return evidence_node(L, idx, stale, &tag);
}

/* The node of the evidence value at idx, or NULL when it is none; raises
 * when it is from an earlier call. */
static const vg_jval *evidence_checked(lua_State *L, int idx, uintptr_t *tag)
{
    int stale;
    const vg_jval *node = evidence_node(L, idx, &stale, tag);
    if (stale)
        luaL_error(L, "evidence from an earlier run of the rule is no longer available");
    return node;
}

/* The node behind the first argument of a metamethod: raises for an old
 * value and for vigil.null (what: "index", "get length of"). */
static const vg_jval *evidence_self(lua_State *L, const char *what, uintptr_t *tag)
{
    const vg_jval *node = evidence_checked(L, 1, tag);
    if (!node)
        luaL_error(L, "attempt to %s vigil.null (a JSON null)", what);
    return node;
}

/* Pushes value, as a value of the call tagged tag. */
static void evidence_push(lua_State *L, const vg_jval *value, uintptr_t tag)
{
    switch (value->type) {
    case VG_JOBJECT:
    case VG_JARRAY:
        if ((uintptr_t)value & ~EVIDENCE_ADDRESS)
            luaL_error(L, "evidence at an address above 2^%d, which cannot carry a call number", EVIDENCE_TAG_SHIFT);
        lua_pushlightuserdata(L, (void *)((uintptr_t)value | tag));
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
    evidence_push(L, value, evidence_tag(L));
}

/* The array index an integer-valued key names (1-based), or 0. */
static size_t evidence_index(lua_State *L, int key_idx, const vg_jval *array)
{
    int isnum;
    lua_Integer i = lua_tointegerx(L, key_idx, &isnum);
    return isnum && lua_type(L, key_idx) == LUA_TNUMBER && i >= 1 && (size_t)i <= array->n ? (size_t)i : 0;
}

static int evidence_index_mm(lua_State *L)
{
    uintptr_t tag;
    const vg_jval *node = evidence_self(L, "index", &tag), *member = NULL;
    if (node->type == VG_JOBJECT && lua_type(L, 2) == LUA_TSTRING) {
        size_t len;
        const char *key = lua_tolstring(L, 2, &len);
        member = vg_jval_getn(node, key, len);
    } else if (node->type == VG_JARRAY) {
        size_t i = evidence_index(L, 2, node);
        member = i ? &node->u.items[i - 1] : NULL;
    }
    if (!member)
        return 0;
    evidence_push(L, member, tag);
    return 1;
}

static int evidence_newindex_mm(lua_State *L)
{
    uintptr_t tag;
    evidence_self(L, "index", &tag);
    return luaL_error(L, "evidence is read-only");
}

static int evidence_len_mm(lua_State *L)
{
    uintptr_t tag;
    const vg_jval *node = evidence_self(L, "get length of", &tag);
    lua_pushinteger(L, node->type == VG_JARRAY ? (lua_Integer)node->n : 0);
    return 1;
}

static int evidence_tostring_mm(lua_State *L)
{
    int stale;
    uintptr_t tag;
    const vg_jval *node = evidence_node(L, 1, &stale, &tag);
    if (node)
        lua_pushfstring(L, "table: %p", (const void *)node);
    else
        lua_pushstring(L, stale ? "evidence of an earlier run" : "null");
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

/* next(t, k): evidence in document order, tables as Lua's. */
static int evidence_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_type(L, 1) == LUA_TTABLE) {
        if (lua_next(L, 1))
            return 2;
        lua_pushnil(L);
        return 1;
    }
    uintptr_t tag;
    const vg_jval *node = evidence_checked(L, 1, &tag);
    if (!node)
        return luaL_typeerror(L, 1, "table");
    const vg_jval *member;
    if (node->type == VG_JARRAY) {
        size_t i = lua_isnil(L, 2) ? 0 : evidence_index(L, 2, node);
        if (!lua_isnil(L, 2) && !i)
            return luaL_error(L, "invalid key to 'next'");
        if (i >= node->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)i + 1);
        member = &node->u.items[i];
    } else {
        size_t i = lua_isnil(L, 2) ? 0 : evidence_after(L, node, 2);
        if (i >= node->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushlstring(L, node->u.members[i].key, node->u.members[i].key_len);
        member = &node->u.members[i].value;
    }
    evidence_push(L, member, tag);
    return 2;
}

static int evidence_pairs_mm(lua_State *L)
{
    uintptr_t tag;
    evidence_self(L, "iterate over", &tag);
    lua_pushcfunction(L, evidence_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* type(v): "table" for evidence, as for the tables it stands for. */
static int evidence_type(lua_State *L)
{
    luaL_checkany(L, 1);
    int stale;
    uintptr_t tag;
    if (evidence_node(L, 1, &stale, &tag) || stale)
        lua_pushliteral(L, "table");
    else
        lua_pushstring(L, luaL_typename(L, 1));
    return 1;
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
        if (lua_touserdata(L, idx) == NULL)
            return member->type == VG_JNULL;
        /* evidence: not a value to compare with */
        /* fall through */
    default:
        return luaL_argerror(L, 3, "a string, number, boolean or vigil.null");
    }
}

/* vigil.where(list, path[, value]) and vigil.count(list, path[, value]):
 * the members of an evidence list whose member at path is present and not
 * null, or equals value — found in C without converting the others. */
static int evidence_query(lua_State *L, int count_only)
{
    uintptr_t tag;
    const vg_jval *list = evidence_checked(L, 1, &tag);
    if (!list || list->type != VG_JARRAY)
        return luaL_argerror(L, 1, "an evidence list (an array of the evidence)");
    size_t len;
    const char *path = luaL_checklstring(L, 2, &len);
    int has_value = !lua_isnoneornil(L, 3);
    lua_settop(L, 3);
    size_t n = list->n, found = 0;
    uint64_t steps = 0;
    if (!count_only)
        lua_newtable(L); /* 4: the result */
    for (size_t i = 0; i < n; i++) {
        const vg_jval *member = evidence_at_path(&list->u.items[i], path, len, &steps);
        if (!(has_value ? evidence_matches(L, member, 3) : member && member->type != VG_JNULL))
            continue;
        found++;
        if (!count_only) {
            evidence_push(L, &list->u.items[i], tag);
            lua_rawseti(L, 4, (lua_Integer)found);
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

/* ---- helpers every rule needs ------------------------------------------------------ */

/* vigil.text(x): x when it is a non-empty string, else nil. */
static int evidence_text(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_type(L, 1) != LUA_TSTRING || lua_rawlen(L, 1) == 0)
        lua_pushnil(L);
    else
        lua_settop(L, 1);
    return 1;
}

/* vigil.items(x): x when type() says it is a table (evidence too), else a
 * new empty table: what ipairs may walk whatever a document holds. */
static int evidence_items(lua_State *L)
{
    int stale;
    uintptr_t tag;
    if (lua_istable(L, 1) || evidence_node(L, 1, &stale, &tag) || stale) {
        lua_settop(L, 1);
        return 1;
    }
    lua_newtable(L);
    return 1;
}

/* The evidence document at argument arg (a member of evidence.KIND);
 * raises when it is none. */
static const vg_jval *document_arg(lua_State *L, int arg, uintptr_t *tag)
{
    const vg_jval *doc = evidence_checked(L, arg, tag);
    if (!doc || doc->type != VG_JOBJECT || !vg_jval_member_str(doc, "id") || !vg_jval_member_str(doc, "path"))
        luaL_argerror(L, arg, "an evidence document (a member of evidence.KIND)");
    return doc;
}

/* Microseconds of the time at idx (a date-time vigil.time reads, or
 * seconds); INT64_MIN, older than any, for anything else. */
static int64_t document_time(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Number seconds = lua_tonumber(L, idx);
        return seconds > -9.2e12 && seconds < 9.2e12 ? (int64_t)(seconds * 1e6) : INT64_MIN;
    }
    int64_t micros;
    size_t len;
    const char *why, *text = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
    return text && policy_time_parse(text, len, &micros, &why) == 0 ? micros : INT64_MIN;
}

/* vigil.newest(docs, key): the documents of an evidence list grouped by
 * what they describe, with the newest of each group.  key(data, doc)
 * returns the group's name (nil or "": the document's path) and,
 * optionally, the document's time (nil: data.collected); data is {} when
 * the document holds no object.  Returns the groups in the order of their
 * first document: {resource = name, doc = the newest, evidence = the ids
 * of all}.  A document without a time that vigil.time reads is older than
 * any with one; of two with the same time, the first stays. */
static int evidence_newest(lua_State *L)
{
    uintptr_t tag;
    const vg_jval *docs = evidence_checked(L, 1, &tag);
    if (!docs || docs->type != VG_JARRAY)
        return luaL_argerror(L, 1, "an evidence list (evidence.KIND)");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_newtable(L); /* 3: the groups, in order */
    lua_newtable(L); /* 4: name -> group */
    lua_newtable(L); /* 5: name -> the time of the group's document */
    lua_Integer ngroups = 0;
    for (size_t i = 0; i < docs->n; i++) {
        const vg_jval *doc = &docs->u.items[i], *data = vg_jval_get(doc, "data");
        policy_sandbox_charge(L, 1, POLICY_WORK_LIBRARY);
        lua_pushvalue(L, 2);
        if (data && data->type == VG_JOBJECT)
            evidence_push(L, data, tag);
        else
            lua_newtable(L);
        evidence_push(L, doc, tag);
        document_arg(L, 8, &tag);
        lua_call(L, 2, 2); /* 6: name, 7: time */
        if (lua_type(L, 6) != LUA_TSTRING || lua_rawlen(L, 6) == 0) {
            if (!lua_isnil(L, 6) && lua_type(L, 6) != LUA_TSTRING)
                return luaL_error(L, "vigil.newest: the key function returned a %s, not a name", luaL_typename(L, 6));
            lua_pushstring(L, vg_jval_member_str(doc, "path"));
            lua_replace(L, 6);
        }
        if (lua_isnil(L, 7)) {
            const vg_jval *collected = vg_jval_get(data, "collected");
            if (collected && collected->type == VG_JSTRING)
                lua_pushlstring(L, collected->u.s, collected->n);
            else
                lua_pushnil(L);
            lua_replace(L, 7);
        }
        int64_t time = document_time(L, 7);
        lua_pushvalue(L, 6);
        if (lua_rawget(L, 4) == LUA_TNIL) { /* 8 */
            lua_pop(L, 1);
            lua_createtable(L, 0, 3);
            lua_pushvalue(L, 6);
            lua_setfield(L, -2, "resource");
            evidence_push(L, doc, tag);
            lua_setfield(L, -2, "doc");
            lua_createtable(L, 1, 0);
            evidence_push(L, vg_jval_get(doc, "id"), tag);
            lua_rawseti(L, -2, 1);
            lua_setfield(L, -2, "evidence");
            lua_pushvalue(L, -1);
            lua_rawseti(L, 3, ++ngroups);
            lua_pushvalue(L, 6);
            lua_pushvalue(L, -2);
            lua_rawset(L, 4);
        } else {
            lua_getfield(L, 8, "evidence");
            evidence_push(L, vg_jval_get(doc, "id"), tag);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            lua_pop(L, 1);
            lua_pushvalue(L, 6);
            lua_rawget(L, 5);
            int64_t have = (int64_t)lua_tointeger(L, -1);
            lua_pop(L, 1);
            if (time <= have) {
                lua_settop(L, 5);
                continue;
            }
            evidence_push(L, doc, tag);
            lua_setfield(L, 8, "doc");
        }
        lua_pushvalue(L, 6);
        lua_pushinteger(L, (lua_Integer)time);
        lua_rawset(L, 5);
        lua_settop(L, 5);
    }
    lua_settop(L, 3);
    return 1;
}

/* vigil.sbom_name(doc): the resource name of an SBOM document,
 * "cyclonedx:", "spdx:" or "sbom:" and the name of what it describes
 * (CycloneDX metadata.component.name, SPDX 2 name, SPDX 3 SpdxDocument
 * name), else of its file. */
static int evidence_sbom_name(lua_State *L)
{
    uintptr_t tag;
    const vg_jval *doc = document_arg(L, 1, &tag), *data = vg_jval_get(doc, "data"), *name = NULL;
    const char *format = "sbom";
    const char *bom_format = vg_jval_member_str(data, "bomFormat");
    if (bom_format && strcmp(bom_format, "CycloneDX") == 0) {
        format = "cyclonedx";
        name = vg_jval_get(vg_jval_get(vg_jval_get(data, "metadata"), "component"), "name");
    } else if (vg_jval_get(data, "spdxVersion")) {
        format = "spdx";
        name = vg_jval_get(data, "name");
    } else if (vg_jval_get(data, "@graph")) {
        format = "spdx";
        const vg_jval *graph = vg_jval_get(data, "@graph");
        for (size_t i = 0; i < vg_jval_size(graph) && graph->type == VG_JARRAY; i++) {
            const vg_jval *e = vg_jval_item(graph, i), *type = vg_jval_get(e, "type");
            const vg_jval *n = vg_jval_get(e, "name");
            if (type && type->type == VG_JSTRING && strcmp(type->u.s, "SpdxDocument") == 0 && n &&
                n->type == VG_JSTRING && n->n > 0) {
                name = n;
                break;
            }
        }
        policy_sandbox_charge(L, vg_jval_size(graph), POLICY_WORK_LIBRARY);
    }
    lua_pushstring(L, format);
    lua_pushliteral(L, ":");
    if (name && name->type == VG_JSTRING && name->n > 0) {
        lua_pushlstring(L, name->u.s, name->n);
    } else {
        const char *path = vg_jval_member_str(doc, "path"), *slash = strrchr(path, '/');
        lua_pushstring(L, slash ? slash + 1 : path);
    }
    lua_concat(L, 3);
    return 1;
}

void policy_evidence_begin(lua_State *L)
{
    unsigned *call = policy_sandbox_evidence_call(L);
    if (*call == EVIDENCE_CALLS)
        luaL_error(L, "the rule's state has run %d calls, the most whose evidence can be told apart", (int)EVIDENCE_CALLS);
    (*call)++;
}

/* The rank of a result status when results are merged: a worse one wins. */
static int status_rank(const char *s)
{
    static const char *const order[] = {"not_applicable", "pass", "skip", "fail"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, order[i]) == 0)
            return i;
    return -1;
}

/* vigil.worst(results): the results of a list merged per resource, in the
 * order of each resource's first: the worst status (not_applicable <
 * pass < skip < fail), the texts (message, else reason) joined by "; "
 * into message (pass, fail) or reason (skip, not_applicable), and the
 * evidence lists appended.  For rules that judge one resource in several
 * documents or by several checks. */
static int evidence_worst(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_newtable(L); /* 2: the merged results, in order */
    lua_newtable(L); /* 3: resource -> its merged result */
    lua_newtable(L); /* 4: merged result -> its texts */
    lua_Integer n = luaL_len(L, 1), nout = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        policy_sandbox_charge(L, 1, POLICY_WORK_LIBRARY);
        if (lua_geti(L, 1, i) != LUA_TTABLE) /* 5 */
            return luaL_error(L, "vigil.worst: result %d is not a table", (int)i);
        if (lua_getfield(L, 5, "resource") != LUA_TSTRING) /* 6 */
            return luaL_error(L, "vigil.worst: result %d has no resource", (int)i);
        const char *status = lua_getfield(L, 5, "status") == LUA_TSTRING ? lua_tostring(L, 7) : NULL; /* 7 */
        int rank = status ? status_rank(status) : -1;
        if (rank < 0)
            return luaL_error(L, "vigil.worst: result %d: status must be pass, fail, not_applicable or skip", (int)i);
        if (lua_getfield(L, 5, "message") == LUA_TNIL) { /* 8: its text */
            lua_pop(L, 1);
            lua_getfield(L, 5, "reason");
        }
        lua_pushvalue(L, 6);
        if (lua_rawget(L, 3) == LUA_TNIL) { /* 9 */
            lua_pop(L, 1);
            lua_createtable(L, 0, 4);
            lua_pushvalue(L, 6);
            lua_setfield(L, -2, "resource");
            lua_pushvalue(L, 7);
            lua_setfield(L, -2, "status");
            lua_newtable(L);
            lua_setfield(L, -2, "evidence");
            lua_pushvalue(L, -1);
            lua_rawseti(L, 2, ++nout);
            lua_pushvalue(L, 6);
            lua_pushvalue(L, -2);
            lua_rawset(L, 3);
            lua_pushvalue(L, -1);
            lua_newtable(L);
            lua_rawset(L, 4);
        } else {
            lua_getfield(L, 9, "status");
            if (rank > status_rank(lua_tostring(L, -1))) {
                lua_pushvalue(L, 7);
                lua_setfield(L, 9, "status");
            }
            lua_pop(L, 1);
        }
        if (lua_type(L, 8) == LUA_TSTRING) {
            lua_pushvalue(L, 9);
            lua_rawget(L, 4); /* 10: its texts */
            lua_pushvalue(L, 8);
            lua_rawseti(L, 10, (lua_Integer)lua_rawlen(L, 10) + 1);
            lua_pop(L, 1);
        }
        if (lua_getfield(L, 5, "evidence") == LUA_TTABLE) { /* 10 */
            lua_getfield(L, 9, "evidence"); /* 11 */
            lua_Integer ne = luaL_len(L, 10);
            for (lua_Integer k = 1; k <= ne; k++) {
                lua_geti(L, 10, k);
                lua_rawseti(L, 11, (lua_Integer)lua_rawlen(L, 11) + 1);
            }
            lua_pop(L, 1);
        }
        lua_settop(L, 4);
    }
    for (lua_Integer i = 1; i <= nout; i++) {
        lua_rawgeti(L, 2, i); /* 5: a merged result */
        lua_pushvalue(L, 5);
        lua_rawget(L, 4); /* 6: its texts */
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        lua_Integer nt = (lua_Integer)lua_rawlen(L, 6);
        for (lua_Integer k = 1; k <= nt; k++) {
            if (k > 1)
                luaL_addstring(&b, "; ");
            lua_rawgeti(L, 6, k);
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b); /* 7 */
        lua_getfield(L, 5, "status");
        int rank = status_rank(lua_tostring(L, -1));
        lua_pop(L, 1);
        lua_setfield(L, 5, rank == 0 || rank == 2 ? "reason" : "message");
        lua_settop(L, 4);
    }
    lua_settop(L, 2);
    return 1;
}

void policy_evidence_open(lua_State *L)
{
    static const luaL_Reg metamethods[] = {
        {"__index", evidence_index_mm}, {"__newindex", evidence_newindex_mm}, {"__len", evidence_len_mm},
        {"__pairs", evidence_pairs_mm}, {"__tostring", evidence_tostring_mm}, {NULL, NULL},
    };
    lua_pushlightuserdata(L, NULL);
    luaL_newlib(L, metamethods);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2); /* of every light userdata */
    lua_pop(L, 1);

    lua_pushcfunction(L, evidence_next);
    lua_setglobal(L, "next");
    lua_pushcfunction(L, evidence_type);
    lua_setglobal(L, "type");
    static const luaL_Reg functions[] = {
        {"where", evidence_where}, {"count", evidence_count},   {"text", evidence_text},
        {"items", evidence_items}, {"newest", evidence_newest}, {"sbom_name", evidence_sbom_name},
        {"worst", evidence_worst},  {NULL, NULL},
    };
    luaL_newlib(L, functions);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    lua_setglobal(L, "vigil");
}
