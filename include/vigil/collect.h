/*
 * collect.h — the evidence collectors (`vigil collect KIND`, docs/collect.md).
 *
 * Each collector gathers one kind of evidence (the hardening of binaries,
 * a TLS endpoint, a host's settings, ...) into one JSON document that
 * vigil policy types by its first members (src/policy/detect.c):
 *
 *   {"vigil-evidence": KIND, "schema": N, "collected": "RFC 3339 UTC",
 *    "collector": {"name": "vigil", "version": V}, "target": "...",
 *    "unchecked": [{"what": ..., "reason": ...}], ...the kind's members}
 *
 * "unchecked" lists what the collector was asked to look at and could not
 * (a file it may not read, an address that did not answer): the command
 * then exits 3, and a rule sees that the fact is unknown rather than
 * absent.  Each kind's members, and its schema version, are documented in
 * docs/collect.md and by docs/collect-KIND.schema.json.
 */
#ifndef VIGIL_COLLECT_H
#define VIGIL_COLLECT_H

#include <stdint.h>
#include <jansson.h>

#include "vigil/error.h"

/* A new collector document of kind (a policy kind name, docs/policy.md)
 * and schema version schema, collected at the Unix time collected, of
 * target (as the user named it), with an empty "unchecked" array; NULL,
 * VG_ERR_NOMEM in ctx, when out of memory. */
json_t *vg_collect_document(vg_ctx *ctx, const char *kind, int schema, int64_t collected, const char *target);

/* Appends {"what": what, "reason": reason} to doc's "unchecked".
 * VG_OK or VG_ERR_NOMEM. */
int vg_collect_unchecked(vg_ctx *ctx, json_t *doc, const char *what, const char *reason);

#endif
