/*
 * jtree.c — the read-only JSON tree of vigil/jtree.h: lookups, and copies
 * to and from jansson values.  Reading JSON text into a tree is in json.c,
 * beside the jansson builder, since both share one reader.
 */
#include <stdlib.h>
#include <string.h>

#include "core/jtree_internal.h"

void vg_jtree_free(vg_jtree *tree)
{
    if (!tree)
        return;
    vg_arena_free(&tree->arena);
    vg_arena_free(&tree->strings);
    free(tree);
}

/* ---- lookups ---- */

/* The order of the index: hash, length, bytes. */
static int key_cmp(const vg_jmember *m, uint32_t hash, const char *key, size_t len)
{
    if (m->hash != hash)
        return m->hash < hash ? -1 : 1;
    if (m->key_len != len)
        return m->key_len < len ? -1 : 1;
    return memcmp(m->key, key, len);
}

long vg_jval_member_index(const vg_jval *v, const char *key, size_t len)
{
    if (!v || v->type != VG_JOBJECT)
        return -1;
    const vg_jmember *m = v->u.members;
    const uint32_t *hashes = (const uint32_t *)(m + v->n);
    uint32_t hash = vg_jtree_hash(key, len);
    if (v->n <= VG_JTREE_INDEXED) {
        for (uint32_t i = 0; i < v->n; i++)
            if (hashes[i] == hash && m[i].key_len == len && memcmp(m[i].key, key, len) == 0)
                return (long)i;
        return -1;
    }
    const uint32_t *order = hashes + v->n;
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(&m[order[mid]], hash, key, len);
        if (c == 0)
            return (long)order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const vg_jval *vg_jval_getn(const vg_jval *v, const char *key, size_t len)
{
    long i = vg_jval_member_index(v, key, len);
    return i < 0 ? NULL : &v->u.members[i].value;
}

const vg_jval *vg_jval_get(const vg_jval *v, const char *key) { return vg_jval_getn(v, key, strlen(key)); }

/* ---- building ---- */

/* Index order, and members of one name by position. */
static int member_cmp(const void *a, const void *b, void *base)
{
    const vg_jmember *m = base;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    int c = key_cmp(&m[i], m[j].hash, m[j].key, m[j].key_len);
    return c ? c : (i > j) - (i < j);
}

int jtree_object(vg_arena *arena, const vg_jmember *members, size_t n, int hashed, vg_jval *out, size_t *twice)
{
    if (n > UINT32_MAX)
        return VG_ERR_LIMIT;
    int indexed = n > VG_JTREE_INDEXED;
    vg_jmember *copy = vg_arena_alloc(arena, n * sizeof *copy + (indexed ? 2 : 1) * n * sizeof(uint32_t));
    if (!copy)
        return VG_ERR_NOMEM;
    memcpy(copy, members, n * sizeof *copy);
    uint32_t *hashes = (uint32_t *)(copy + n);
    for (size_t i = 0; i < n; i++)
        hashes[i] = hashed ? copy[i].hash : (copy[i].hash = vg_jtree_hash(copy[i].key, copy[i].key_len));
    size_t second = n; /* the earliest second member of a name */
    if (indexed) {
        uint32_t *order = hashes + n;
        for (size_t i = 0; i < n; i++)
            order[i] = (uint32_t)i;
        qsort_r(order, n, sizeof *order, member_cmp, copy);
        for (size_t i = 1; i < n; i++)
            if (key_cmp(&copy[order[i - 1]], copy[order[i]].hash, copy[order[i]].key, copy[order[i]].key_len) == 0 &&
                order[i] < second)
                second = order[i];
    } else {
        for (size_t j = 1; j < n && second == n; j++)
            for (size_t i = 0; i < j && second == n; i++)
                if (key_cmp(&copy[i], copy[j].hash, copy[j].key, copy[j].key_len) == 0)
                    second = j;
    }
    *twice = second;
    if (second < n)
        return VG_ERR_USAGE;
    *out = (vg_jval){.type = VG_JOBJECT, .n = (uint32_t)n, .u.members = copy};
    return VG_OK;
}

int vg_jval_object(vg_ctx *ctx, vg_arena *arena, const vg_jmember *members, size_t n, vg_jval *out,
                   size_t *twice)
{
    size_t second;
    int rc = jtree_object(arena, members, n, 0, out, &second);
    if (twice)
        *twice = second;
    switch (rc) {
    case VG_OK: return VG_OK;
    case VG_ERR_LIMIT: return vg_error(ctx, rc, "an object of more than %u members", UINT32_MAX);
    case VG_ERR_USAGE:
        return vg_error(ctx, rc, "an object with the member name \"%.40s\" given twice", members[second].key);
    default: return vg_error(ctx, rc, "out of memory");
    }
}

int vg_jval_from_json(vg_ctx *ctx, vg_arena *arena, const json_t *json, vg_jval *out)
{
    switch (json ? json_typeof(json) : JSON_NULL) {
    case JSON_STRING: {
        size_t n = json_string_length(json);
        if (n >= UINT32_MAX)
            return vg_error(ctx, VG_ERR_LIMIT, "a string of 4 GiB or more");
        char *copy = vg_arena_strndup(arena, json_string_value(json), n);
        if (!copy)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        *out = (vg_jval){.type = VG_JSTRING, .n = (uint32_t)n, .u.s = copy};
        return VG_OK;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(json);
        if (n >= UINT32_MAX)
            return vg_error(ctx, VG_ERR_LIMIT, "an array of 4 Gi items or more");
        vg_jval *items = vg_arena_alloc(arena, n * sizeof *items);
        if (!items)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            int rc = vg_jval_from_json(ctx, arena, json_array_get(json, i), &items[i]);
            if (rc)
                return rc;
        }
        *out = (vg_jval){.type = VG_JARRAY, .n = (uint32_t)n, .u.items = items};
        return VG_OK;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(json), i = 0;
        vg_jmember *members = malloc((n ? n : 1) * sizeof *members);
        if (!members)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        int rc = VG_OK;
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)json, key, value) {
            size_t len = json_object_iter_key_len(json_object_key_to_iter(key));
            members[i] = (vg_jmember){.key = vg_arena_strndup(arena, key, len), .key_len = (uint32_t)len};
            rc = !members[i].key ? vg_error(ctx, VG_ERR_NOMEM, "out of memory")
                                 : vg_jval_from_json(ctx, arena, value, &members[i].value);
            if (rc)
                break;
            i++;
        }
        if (rc == VG_OK)
            rc = vg_jval_object(ctx, arena, members, n, out, NULL);
        free(members);
        return rc;
    }
    case JSON_INTEGER: *out = (vg_jval){.type = VG_JINT, .u.i = json_integer_value(json)}; return VG_OK;
    case JSON_REAL: *out = (vg_jval){.type = VG_JREAL, .u.d = json_real_value(json)}; return VG_OK;
    case JSON_TRUE: *out = (vg_jval){.type = VG_JTRUE}; return VG_OK;
    case JSON_FALSE: *out = (vg_jval){.type = VG_JFALSE}; return VG_OK;
    default: *out = (vg_jval){.type = VG_JNULL}; return VG_OK;
    }
}


int vg_jtree_from_json(vg_ctx *ctx, const json_t *value, vg_jtree **out)
{
    *out = NULL;
    vg_jtree *tree = calloc(1, sizeof *tree);
    if (!tree)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_arena_init(&tree->arena);
    vg_arena_init(&tree->strings);
    vg_jval *root = vg_arena_alloc(&tree->arena, sizeof *root);
    int rc = root ? vg_jval_from_json(ctx, &tree->arena, value, root) : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        vg_jtree_free(tree);
        return rc;
    }
    tree->root = root;
    *out = tree;
    return VG_OK;
}

json_t *vg_jval_to_json(const vg_jval *v)
{
    switch (v->type) {
    case VG_JSTRING: return json_stringn_nocheck(v->u.s, v->n);
    case VG_JINT: return json_integer(v->u.i);
    case VG_JREAL: return json_real(v->u.d);
    case VG_JTRUE: return json_true();
    case VG_JFALSE: return json_false();
    case VG_JNULL: return json_null();
    case VG_JARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < v->n; i++)
            if (json_array_append_new(a, vg_jval_to_json(&v->u.items[i]))) {
                json_decref(a);
                a = NULL;
            }
        return a;
    }
    default: {
        json_t *o = json_object();
        for (uint32_t i = 0; o && i < v->n; i++) {
            const vg_jmember *m = &v->u.members[i];
            if (json_object_setn_new_nocheck(o, m->key, m->key_len, vg_jval_to_json(&m->value))) {
                json_decref(o);
                o = NULL;
            }
        }
        return o;
    }
    }
}
