/*
 * policy_internal.h — what the parts of the rule engine share: the sandbox
 * (sandbox.c), the read-only evidence tables (evidence.c), the conversion
 * of a rule's return value to JSON (result.c), the pattern functions of
 * the string library (pattern.c), the vigil.* library (stdlib.c,
 * datetime.c, glob.c), and the parts of the evidence loader (detect.c,
 * store_evidence.c).
 */
#ifndef VIGIL_POLICY_INTERNAL_H
#define VIGIL_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <lua.h>

#include "vigil/error.h"
#include "vigil/jtree.h"

/* The allocator of one rule's Lua state (pool.c): blocks of at most
 * POLICY_POOL_SMALL bytes, aligned to POLICY_POOL_GRAIN, from free lists by
 * size, carved from chunks that policy_pool_release() frees all at once.
 * Larger blocks are the caller's to take from malloc.  A zeroed
 * policy_pool is empty; once closing is set, policy_pool_free() keeps
 * nothing (the state is being closed and the pool will be released).  Not
 * thread-safe: one pool per state. */
#define POLICY_POOL_GRAIN 16
#define POLICY_POOL_SMALL 256
/* The sanitizer builds take every block from malloc, so that
 * AddressSanitizer still sees each one. */
#if defined(__SANITIZE_ADDRESS__)
#define POLICY_POOL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POLICY_POOL_SANITIZED 1
#endif
#endif
#ifndef POLICY_POOL_SANITIZED
#define POLICY_POOL_SANITIZED 0
#endif
typedef struct policy_pool {
    void *free[POLICY_POOL_SMALL / POLICY_POOL_GRAIN];
    char *next, *end; /* the unused part of the newest chunk */
    char *chunks;     /* each chunk starts with the address of the one before */
    int closing;
} policy_pool;
/* A block of size bytes (1 to POLICY_POOL_SMALL), or NULL when out of
 * memory; policy_pool_free() gives it back (with the same size, or any of
 * its class).  The lists are inline: a Lua state calls them a million
 * times in a run. */
void *policy_pool_grow(policy_pool *p, size_t bytes); /* a new chunk's first block (pool.c) */
void policy_pool_drop(policy_pool *p, void *block);   /* a block the sanitizer builds took from malloc */
static inline size_t policy_pool_class(size_t size)
{
    return (size - 1) / POLICY_POOL_GRAIN;
}
static inline void *policy_pool_alloc(policy_pool *p, size_t size)
{
    size_t c = policy_pool_class(size), bytes = (c + 1) * POLICY_POOL_GRAIN;
    void *block = p->free[c];
    if (block) {
        p->free[c] = *(void **)block;
        return block;
    }
    if ((size_t)(p->end - p->next) < bytes)
        return policy_pool_grow(p, bytes);
    block = p->next;
    p->next += bytes;
    return block;
}
static inline void policy_pool_free(policy_pool *p, void *block, size_t size)
{
    if (POLICY_POOL_SANITIZED || p->closing) {
        policy_pool_drop(p, block);
        return;
    }
    size_t c = policy_pool_class(size);
    *(void **)block = p->free[c];
    p->free[c] = block;
}
/* Frees every chunk: every block is gone. */
void policy_pool_release(policy_pool *p);

/* Where the rule's state keeps the number of the current call
 * (sandbox.c; counted by policy_evidence_begin()).  Evidence pushed by an
 * earlier call carries another number and refuses to be read: its JSON
 * may be gone. */
unsigned *policy_sandbox_evidence_call(lua_State *L);

/* What work done in C is charged for; the limit's message says which. */
enum policy_work {
    POLICY_WORK_LIBRARY, /* a library function or operator */
    POLICY_WORK_PATTERN, /* pattern matching (pattern.c) */
};

/* Adds n instructions' worth of work done in C to the current call's
 * count (sandbox.c); raises the limit's error, which the rule cannot
 * catch, when that passes the rule's instruction limit. */
void policy_sandbox_charge(lua_State *L, uint64_t n, enum policy_work work);

/* Sets string.find, match, gmatch and gsub in the table at idx to
 * pattern.c's, which charge their matching with policy_sandbox_charge(). */
void policy_pattern_open(lua_State *L, int idx);

/* Registers the metatable of evidence values, the globals `next` and
 * `type` that treat them as tables, and `vigil.null`, the value of JSON
 * null (evidence.c).  Runs in protected mode: raises on allocation
 * failure. */
void policy_evidence_open(lua_State *L);
/* Starts a call into the rule: gives its evidence a new number
 * (evidence.c).  Protected mode: raises when the state has made all the
 * calls it can. */
void policy_evidence_begin(lua_State *L);

/* Pushes value for the rule to read: scalars as Lua values (null as
 * vigil.null), objects and arrays as evidence values that read like
 * read-only tables and convert their members when they are read.  value is
 * borrowed for the current call. */
void policy_evidence_push(lua_State *L, const vg_jval *value);

/* The tree node behind the evidence value at index idx: NULL when idx is
 * not one (vigil.null is not), or (with *stale set) when it is one from an
 * earlier call.  Never raises. */
const vg_jval *policy_evidence_node(lua_State *L, int idx, int *stale);

/* Closes the rule's Lua state and frees its memory; a later call is
 * VG_ERR_USAGE (sandbox.c).  For a run that calls each rule once. */
struct vg_policy_rule;
void policy_rule_close(struct vg_policy_rule *rule);

/* vg_policy_rule_call() with the arguments as tree nodes (NULL: nil),
 * borrowed for the call (sandbox.c).  last: the rule will not be called
 * again, and its state is closed after the call (policy_rule_close()). */
int policy_rule_call_nodes(vg_ctx *ctx, struct vg_policy_rule *rule, const char *function, const vg_jval *const *args,
                           size_t nargs, int last, json_t **out);

/* Adds the vigil.* functions (docs/policy.md, "The vigil library") to the
 * global table `vigil` that policy_evidence_open() made, and registers it
 * as the loaded library "vigil" so that argument errors name the functions
 * "vigil.NAME" (stdlib.c).  Protected mode: raises on allocation failure. */
void policy_stdlib_open(lua_State *L);

/* The rank of a severity word, for comparing severities: "critical" 4,
 * "high" (and "important") 3, "medium" ("moderate") 2, "low"
 * ("negligible", "unimportant") 1, "info" and "none" 0, in any case;
 * -1 for any other word (stdlib.c). */
int policy_severity_rank(const char *s, size_t len);

#define POLICY_TIME_MAX_LEN 64 /* longer strings are no date */
#define POLICY_TIME_TEXT 32    /* bytes policy_time_format() writes, NUL included */

/* Reads s[0..len), an RFC 3339 date-time or date or one of the ISO 8601
 * forms docs/policy.md lists (datetime.c), into microseconds since
 * 1970-01-01T00:00:00Z.  0, or -1 with *why (a static message) when s is
 * not one.  Never reads past len. */
int policy_time_parse(const char *s, size_t len, int64_t *out, const char **why);

/* Writes micros (microseconds since the epoch) as RFC 3339 UTC:
 * "YYYY-MM-DDThh:mm:ssZ", with ".ffffff" (trailing zeros cut) when there
 * is a fraction of a second.  0, or -1 outside years 0001 to 9999. */
int policy_time_format(int64_t micros, char out[POLICY_TIME_TEXT]);

/* 0 when pattern[0..len) is a well-formed glob (glob.c, docs/policy.md),
 * else -1 with *why (a static message): a '[' without ']', a '\' at the
 * end, a class such as [:alpha:]. */
int policy_glob_check(const char *pattern, size_t len, const char **why);

/* 1 when s[0..len) matches the glob pattern[0..plen), else 0.  The
 * pattern must have passed policy_glob_check().  At most (plen + 1) x
 * (len + 1) steps; when L is not NULL they are charged to its rule with
 * policy_sandbox_charge(), which raises when they pass its limit. */
int policy_glob_match_n(lua_State *L, const char *pattern, size_t plen, const char *s, size_t len);

/* The same for C strings, uncharged (the engine's waivers): 1 match,
 * 0 no match, -1 malformed pattern. */
int policy_glob_match(const char *pattern, const char *s);

/* Converts the value at index idx to a new JSON reference in *out (result.c;
 * the rules are in vigil/policy.h).  Never raises: a value JSON cannot hold
 * is VG_ERR_RULE with a message naming file, function and where in the
 * value the problem is. */
int policy_result_to_json(vg_ctx *ctx, lua_State *L, int idx, const char *file, const char *function,
                          json_t **out);

/* The first member of the object obj whose name is not one of the words
 * of known (names separated by single spaces), or NULL (engine.c). */
const char *policy_unknown_member(const json_t *obj, const char *known);

/* ---- evidence documents (detect.c, store_evidence.c) ---- */

struct vg_policy_evidence;

/* What a document object says besides its id and data. */
typedef struct policy_document {
    const char *kind, *format, *path, *sha256;
    size_t size;
    int64_t collected;        /* Unix seconds */
    int verified;             /* with verification set */
    const char *verification; /* NULL: not a signed kind (no "verified") */
} policy_document;

/* Appends the document d with data (taken; NULL is JSON null) to the set,
 * numbered next (detect.c).  VG_ERR_LIMIT past
 * VG_POLICY_EVIDENCE_MAX_DOCUMENTS, VG_ERR_NOMEM. */
int policy_evidence_append(vg_ctx *ctx, struct vg_policy_evidence *ev, const policy_document *d, vg_jtree *data);

/* The same with data as a jansson value (a new reference, taken). */
int policy_evidence_append_json(vg_ctx *ctx, struct vg_policy_evidence *ev, const policy_document *d, json_t *data);

/* The options' now of the set. */
int64_t policy_evidence_now(const struct vg_policy_evidence *ev);

#endif
