/*
 * policy_internal.h — what the parts of the rule engine share: the sandbox
 * (sandbox.c), the read-only evidence tables (evidence.c), the conversion
 * of a rule's return value to JSON (result.c) and the pattern functions
 * of the string library (pattern.c).
 */
#ifndef VIGIL_POLICY_INTERNAL_H
#define VIGIL_POLICY_INTERNAL_H

#include <stdint.h>

#include <jansson.h>
#include <lua.h>

#include "vigil/error.h"

/* The number of the current call into the rule's state (sandbox.c).  An
 * evidence table made in an earlier call refuses to be read: its JSON may
 * be gone. */
uint64_t policy_sandbox_generation(lua_State *L);

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

/* Registers the evidence tables' metatable, the global `next` that walks
 * them, and `vigil.null`, the value of JSON null (evidence.c).  Runs in
 * protected mode: raises on allocation failure. */
void policy_evidence_open(lua_State *L);

/* Pushes value for the rule to read: scalars as Lua values (null as
 * vigil.null), objects and arrays as read-only tables that convert their
 * members when they are read.  value is borrowed for the current call.
 * Raises on allocation failure. */
void policy_evidence_push(lua_State *L, json_t *value);

/* The JSON value behind the evidence table at index idx: NULL when idx is
 * not an evidence table, or (with *stale set) when it is one from an
 * earlier call.  Never raises. */
json_t *policy_evidence_json(lua_State *L, int idx, int *stale);

/* Converts the value at index idx to a new JSON reference in *out (result.c;
 * the rules are in vigil/policy.h).  Never raises: a value JSON cannot hold
 * is VG_ERR_RULE with a message naming file, function and where in the
 * value the problem is. */
int policy_result_to_json(vg_ctx *ctx, lua_State *L, int idx, const char *file, const char *function,
                          json_t **out);

/* The first member of the object obj whose name is not one of the words
 * of known (names separated by single spaces), or NULL (engine.c). */
const char *policy_unknown_member(const json_t *obj, const char *known);

#endif
