/*
 * jtree.h — a read-only JSON tree in one arena: what the policy engine
 * keeps of its evidence.  A scan report of 20 000 findings is 600 000
 * values; as jansson values that is 600 000 allocations, hash tables for
 * every object, and a second of malloc and free.  Here a document is one
 * arena: an array's items and an object's members lie side by side, in
 * document order, and the whole tree is given back at once.
 *
 * Nodes never change once built, so any number of threads may read one
 * tree.  Lookups: an object's members are followed by their names'
 * hashes, side by side so that a lookup reads one or two cache lines of
 * them before it reads a member; an object of more than VG_JTREE_INDEXED
 * members also has its members' positions sorted by (hash, name), searched
 * by bisection.
 */
#ifndef VIGIL_JTREE_H
#define VIGIL_JTREE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/arena.h"
#include "vigil/error.h"

typedef enum vg_jtype {
    VG_JNULL,
    VG_JFALSE,
    VG_JTRUE,
    VG_JINT,
    VG_JREAL,
    VG_JSTRING,
    VG_JARRAY,
    VG_JOBJECT,
} vg_jtype;

typedef struct vg_jmember vg_jmember;

/* One value.  n: a string's length in bytes, an array's items or an
 * object's members. */
typedef struct vg_jval {
    uint32_t type; /* vg_jtype */
    uint32_t n;
    union {
        int64_t i;
        double d;
        const char *s;            /* NUL-terminated; holds no NUL (RFC 8259 text as jansson reads it) */
        const struct vg_jval *items;
        const vg_jmember *members;
    } u;
} vg_jval;

struct vg_jmember {
    const char *key; /* NUL-terminated (YAML names may hold a NUL: key_len counts) */
    uint32_t key_len;
    uint32_t hash;   /* vg_jtree_hash(key, key_len) */
    vg_jval value;
};

/* Objects with more members than this carry an index of them, sorted by
 * hash, length and bytes. */
#define VG_JTREE_INDEXED 32

/* The hash of a member name (FNV-1a, 32 bits): compared before the bytes. */
static inline uint32_t vg_jtree_hash(const char *key, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h;
}

/* A tree: its root and the arenas that hold its nodes and its strings
 * (apart, so that the nodes a walk reads lie close together). */
typedef struct vg_jtree {
    vg_arena arena;
    vg_arena strings;
    const vg_jval *root;
} vg_jtree;

/* Reads the len bytes at text into a new tree (*out; vg_jtree_free()).
 * Accepts exactly what vg_json_parse() accepts (vigil/json.h), with its
 * messages and statuses, and builds the same values (a text with several
 * errors may be refused for another of them: src/core/json.c says why). */
int vg_jtree_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, vg_jtree **out);

/* A tree of the jansson value (NULL: JSON null).  Errors: VG_ERR_NOMEM,
 * VG_ERR_LIMIT (a string or container of 4 Gi and more). */
int vg_jtree_from_json(vg_ctx *ctx, const json_t *value, vg_jtree **out);

/* The same into *out, its nodes and strings in arena. */
int vg_jval_from_json(vg_ctx *ctx, vg_arena *arena, const json_t *value, vg_jval *out);

void vg_jtree_free(vg_jtree *tree);

/* A jansson copy of v (a new reference), NULL when out of memory. */
json_t *vg_jval_to_json(const vg_jval *v);

/* The member of object v named key[0..len), or NULL (also when v is not an
 * object). */
const vg_jval *vg_jval_getn(const vg_jval *v, const char *key, size_t len);
const vg_jval *vg_jval_get(const vg_jval *v, const char *key);

/* The position of that member in v->u.members, or -1. */
long vg_jval_member_index(const vg_jval *v, const char *key, size_t len);

/* Item i (from 0) of array v, or NULL. */
static inline const vg_jval *vg_jval_item(const vg_jval *v, size_t i)
{
    return v && v->type == VG_JARRAY && i < v->n ? &v->u.items[i] : NULL;
}

/* The string value of v, or NULL when v is not a string. */
static inline const char *vg_jval_str(const vg_jval *v) { return v && v->type == VG_JSTRING ? v->u.s : NULL; }

/* The string member key of object v, or NULL. */
static inline const char *vg_jval_member_str(const vg_jval *v, const char *key)
{
    return vg_jval_str(vg_jval_get(v, key));
}

static inline int vg_jval_is(const vg_jval *v, vg_jtype type) { return v && v->type == (uint32_t)type; }

/* The size of an array or object, else 0. */
static inline size_t vg_jval_size(const vg_jval *v)
{
    return v && (v->type == VG_JARRAY || v->type == VG_JOBJECT) ? v->n : 0;
}

/* Makes an object node in arena from n members, whose hash it sets (keys
 * and values are not copied: they must live as long as arena).  Errors as
 * vg_jtree_from_json(); a name given twice is VG_ERR_USAGE, with *twice
 * (when not NULL) the position of the second member of the name whose
 * second member comes first. */
int vg_jval_object(vg_ctx *ctx, vg_arena *arena, const vg_jmember *members, size_t n, vg_jval *out,
                   size_t *twice);

#endif
