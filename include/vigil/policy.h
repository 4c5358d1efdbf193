/*
 * policy.h — the policy rule engine: one Lua 5.4 rule run in a sandbox.
 *
 * A rule is Lua source text.  vg_policy_rule_compile() gives it a Lua state
 * of its own (nothing is shared between rules), with only the safe parts of
 * the standard library, and runs the file's top level; vg_policy_rule_run()
 * then calls one of the functions it defined with the evidence, handed over
 * as read-only tables, and converts the value it returns to JSON.  Every
 * call into the rule is bounded by the limits below; a rule that exceeds
 * one, raises an error or returns something JSON cannot hold gives an error
 * status with a message naming the rule file, the line and the cause — it
 * never aborts the process and never affects another rule.
 * docs/policy.md ("The sandbox") is the user's description.
 */
#ifndef VIGIL_POLICY_H
#define VIGIL_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/error.h"

/* Defaults of vg_policy_limits; docs/policy.md says why these values. */
#define VG_POLICY_DEFAULT_MEMORY (64u * 1024 * 1024)      /* bytes of the rule's Lua state */
#define VG_POLICY_DEFAULT_INSTRUCTIONS 100000000ull      /* VM instructions per call */
#define VG_POLICY_DEFAULT_CALL_DEPTH 200                 /* nested calls */

#define VG_POLICY_MAX_SOURCE (1024u * 1024)     /* bytes of rule text */
#define VG_POLICY_RESULT_MAX_DEPTH 64           /* nesting of a returned value */
#define VG_POLICY_RESULT_MAX_VALUES 1000000     /* JSON values in a returned value */
#define VG_POLICY_MAX_ARGS 8                    /* arguments of vg_policy_rule_call() */

typedef struct vg_policy_limits {
    size_t memory;         /* bytes the rule's whole Lua state may hold */
    uint64_t instructions; /* VM instructions per call into the rule (top level, each run),
                              with the work of library functions charged to it */
    unsigned call_depth;   /* nested function calls */
} vg_policy_limits;

/* Fills out with the VG_POLICY_DEFAULT_* values. */
void vg_policy_limits_default(vg_policy_limits *out);

/* One compiled rule in its own sandbox. */
typedef struct vg_policy_rule vg_policy_rule;

/* Compiles the rule text (len bytes, at most VG_POLICY_MAX_SOURCE; Lua
 * source only: precompiled chunks are refused) and runs its top level.
 * file names the rule in every message.  limits may be NULL for the
 * defaults; a zero member is an error (there is no "unlimited").
 * On VG_OK, *out is the rule, to be freed with vg_policy_rule_free();
 * on error *out is NULL and ctx says why:
 *   VG_ERR_FORMAT  the text does not compile, or is bytecode
 *   VG_ERR_LIMIT   the top level exceeded a limit
 *   VG_ERR_RULE    the top level raised an error
 *   VG_ERR_NOMEM, VG_ERR_USAGE */
int vg_policy_rule_compile(vg_ctx *ctx, const char *file, const char *text, size_t len,
                           const vg_policy_limits *limits, vg_policy_rule **out);

/* Calls the rule's global function `function` with one argument, the
 * evidence (read-only; borrowed: it must not change or be freed during the
 * call, and the rule cannot keep it past the call), and converts the first
 * value it returns to JSON: nil -> null, vigil.null -> null, booleans,
 * integers -> JSON integers, other numbers -> JSON reals (not NaN or
 * infinite), UTF-8 strings, a table with the keys 1..n -> array (an empty
 * table -> []), a table with string keys -> object (members sorted by key),
 * evidence tables -> the evidence value itself.
 * On VG_OK *out is a new reference owned by the caller; on error *out is
 * NULL and the message names the rule file and the cause:
 *   VG_ERR_LIMIT   instruction, memory or call-depth limit exceeded
 *   VG_ERR_RULE    a runtime error, no such function, or a value JSON
 *                  cannot hold (functions, cycles, mixed keys, ...)
 *   VG_ERR_NOMEM
 * The rule stays usable after an error: the next run starts with fresh
 * counters (its memory is what it still holds). */
int vg_policy_rule_run(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *evidence,
                       json_t **out);

/* As vg_policy_rule_run() with nargs arguments (at most VG_POLICY_MAX_ARGS;
 * a NULL member is nil), each borrowed for the call as the evidence is. */
int vg_policy_rule_call(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *const *args,
                        size_t nargs, json_t **out);

/* The value of the rule's global `name`, converted to JSON by the rules of
 * vg_policy_rule_run() (an absent global is JSON null).  Runs no rule code:
 * the global table is a plain table.  Used to read the rule's declaration. */
int vg_policy_rule_global(vg_ctx *ctx, vg_policy_rule *rule, const char *name, json_t **out);

void vg_policy_rule_free(vg_policy_rule *rule);

#endif
