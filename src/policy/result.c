/*
 * result.c — converts the value a rule returns to JSON (jansson), with the
 * rules of vg_policy_rule_run() in vigil/policy.h.
 *
 * Tables are read raw (lua_next, lua_rawgeti: Lua 5.4 Reference Manual
 * §4.6), so no rule code runs and nothing raises; the walk is bounded by
 * VG_POLICY_RESULT_MAX_DEPTH and VG_POLICY_RESULT_MAX_VALUES, and a table
 * met again on the way down from the top is a cycle.  Object members are
 * sorted by key, since Lua's table order changes from run to run.  A value
 * JSON cannot hold is an error naming where it is ("result.findings[3].id").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "policy/policy_internal.h"
#include "vigil/policy.h"

struct convert {
    vg_ctx *ctx;
    lua_State *L;
    const char *file, *function;
    size_t values;
    const void *tables[VG_POLICY_RESULT_MAX_DEPTH]; /* the tables from the top down to here */
    /* where the walk is, written out only for a message: the member names
     * (key) or item numbers (key NULL) from the top down */
    struct step {
        const char *key;
        size_t len;
        lua_Integer i;
    } steps[VG_POLICY_RESULT_MAX_DEPTH + 1];
    size_t nsteps;
};

struct member {
    const char *key;
    size_t len;
    json_t *value;
};

__attribute__((format(printf, 2, 3))) static int convert_fail(struct convert *c, const char *fmt, ...)
{
    char what[128], path[256] = "result";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    for (size_t k = 0; k < c->nsteps; k++) {
        size_t at = strlen(path);
        const struct step *s = &c->steps[k];
        if (s->key)
            snprintf(path + at, sizeof path - at, ".%.*s", (int)(s->len > 64 ? 64 : s->len), s->key);
        else
            snprintf(path + at, sizeof path - at, "[%lld]", (long long)s->i);
    }
    return vg_error(c->ctx, VG_ERR_RULE, "%s: the value %s() returned cannot be converted to JSON: %s: %s", c->file,
                    c->function, path, what);
}

/* Goes down to member key (or item i, key NULL); path_pop() comes back. */
static void path_push(struct convert *c, const char *key, size_t len, lua_Integer i)
{
    if (c->nsteps < sizeof c->steps / sizeof *c->steps)
        c->steps[c->nsteps] = (struct step){key, len, i};
    c->nsteps++;
}

static void path_pop(struct convert *c) { c->nsteps--; }

static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int d = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return d ? d : (x->len > y->len) - (x->len < y->len);
}

static int convert_value(struct convert *c, int idx, int depth, json_t **out);

/* A table whose keys are 1..n: an array. */
static int convert_array(struct convert *c, int idx, int depth, lua_Integer n, json_t **out)
{
    json_t *array = json_array();
    if (!array)
        return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->file);
    for (lua_Integer i = 1; i <= n; i++) {
        json_t *item;
        path_push(c, NULL, 0, i);
        lua_rawgeti(c->L, idx, i);
        int rc = convert_value(c, lua_gettop(c->L), depth + 1, &item);
        lua_pop(c->L, 1);
        path_pop(c);
        if (rc != VG_OK) {
            json_decref(array);
            return rc;
        }
        if (json_array_append_new(array, item) != 0) {
            json_decref(array);
            return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->file);
        }
    }
    *out = array;
    return VG_OK;
}

/* A table whose keys are all strings: an object, members sorted by key. */
static int convert_object(struct convert *c, int idx, int depth, size_t count, json_t **out)
{
    struct member *members = calloc(count, sizeof *members);
    if (!members)
        return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->file);
    size_t n = 0;
    int rc = VG_OK;
    lua_pushnil(c->L);
    while (lua_next(c->L, idx)) {
        struct member *m = &members[n];
        m->key = lua_tolstring(c->L, -2, &m->len); /* a string: converted in place never */
        path_push(c, m->key, m->len, 0);
        rc = convert_value(c, lua_gettop(c->L), depth + 1, &m->value);
        lua_pop(c->L, 1);
        path_pop(c);
        if (rc != VG_OK) {
            lua_pop(c->L, 1);
            break;
        }
        n++;
    }
    json_t *object = rc == VG_OK ? json_object() : NULL;
    if (rc == VG_OK && !object)
        rc = vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->file);
    qsort(members, n, sizeof *members, member_cmp);
    for (size_t i = 0; i < n; i++) {
        if (rc == VG_OK && json_object_setn_new(object, members[i].key, members[i].len, members[i].value) != 0) {
            path_push(c, members[i].key, members[i].len, 0);
            rc = convert_fail(c, "a key that is not valid UTF-8");
            path_pop(c);
        } else if (rc != VG_OK) {
            json_decref(members[i].value);
        }
    }
    free(members);
    if (rc != VG_OK) {
        json_decref(object);
        return rc;
    }
    *out = object;
    return VG_OK;
}

static int convert_table(struct convert *c, int idx, int depth, json_t **out)
{
    const void *self = lua_topointer(c->L, idx);
    for (int i = 0; i < depth; i++)
        if (c->tables[i] == self)
            return convert_fail(c, "a table that contains itself");
    c->tables[depth] = self;

    /* First pass: what kind of keys, how many. */
    size_t count = 0, strings = 0;
    lua_Integer max = 0;
    lua_pushnil(c->L);
    while (lua_next(c->L, idx)) {
        lua_pop(c->L, 1);
        count++;
        if (lua_type(c->L, -1) == LUA_TSTRING)
            strings++;
        else if (lua_isinteger(c->L, -1) && lua_tointeger(c->L, -1) > max)
            max = lua_tointeger(c->L, -1);
    }
    if (strings == count)
        return count == 0 ? convert_array(c, idx, depth, 0, out) : convert_object(c, idx, depth, count, out);
    if (strings > 0)
        return convert_fail(c, "a table with both string keys and other keys");
    if (max < 1 || (lua_Unsigned)max != count)
        return convert_fail(c, "a table whose keys are not strings nor the integers 1 to n (a sequence without holes)");
    return convert_array(c, idx, depth, max, out);
}

static int convert_value(struct convert *c, int idx, int depth, json_t **out)
{
    lua_State *L = c->L;
    *out = NULL;
    if (++c->values > VG_POLICY_RESULT_MAX_VALUES)
        return convert_fail(c, "more than %d values", VG_POLICY_RESULT_MAX_VALUES);
    if (depth >= VG_POLICY_RESULT_MAX_DEPTH)
        return convert_fail(c, "nested deeper than %d levels", VG_POLICY_RESULT_MAX_DEPTH);
    if (!lua_checkstack(L, 4))
        return vg_error(c->ctx, VG_ERR_LIMIT, "%s: memory limit exceeded converting the value %s() returned", c->file,
                        c->function);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        *out = json_null();
        break;
    case LUA_TBOOLEAN:
        *out = json_boolean(lua_toboolean(L, idx));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            *out = json_integer((json_int_t)lua_tointeger(L, idx));
        else if (!isfinite(lua_tonumber(L, idx)))
            return convert_fail(c, "a number that is not finite (NaN or infinity)");
        else
            *out = json_real(lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        *out = json_stringn(s, len);
        if (!*out)
            return convert_fail(c, "a string that is not valid UTF-8");
        break;
    }
    case LUA_TLIGHTUSERDATA: {
        /* vigil.null, or evidence (evidence.c) */
        int stale;
        const vg_jval *evidence = policy_evidence_node(L, idx, &stale);
        if (stale)
            return convert_fail(c, "evidence from an earlier run of the rule");
        *out = evidence ? vg_jval_to_json(evidence) : json_null();
        break;
    }
    case LUA_TTABLE:
        return convert_table(c, idx, depth, out);
    default:
        return convert_fail(c, "a %s value", lua_typename(L, lua_type(L, idx)));
    }
    return *out ? VG_OK : vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->file);
}

int policy_result_to_json(vg_ctx *ctx, lua_State *L, int idx, const char *file, const char *function, json_t **out)
{
    struct convert c = {.ctx = ctx, .L = L, .file = file, .function = function};
    return convert_value(&c, lua_absindex(L, idx), 0, out);
}
