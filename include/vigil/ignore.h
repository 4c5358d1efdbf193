/*
 * ignore.h — the `vigil scan --ignore FILE` exceptions: documented,
 * expiring decisions to accept a vulnerability (format in docs/ignore.md).
 *
 *   {
 *     "version": 1,
 *     "ignore": [
 *       { "id": "CVE-2023-4863",
 *         "package": "pkg:deb/debian/libwebp7",       (optional)
 *         "reason": "only used for trusted thumbnails; ticket SEC-42",
 *         "expires": "2025-06-30" }
 *     ]
 *   }
 *
 * A rule applies to a finding when id equals one of the finding's ids
 * (case-insensitive) and, if package is given, package matches the
 * component: a purl is matched with vg_vex_purl_matches() (no version = all
 * versions), anything else must equal the component name.  A rule covers
 * findings through the whole expiry day in UTC; from the next day on it no
 * longer applies and vg_ignore_apply() warns, naming the rule.
 *
 * Leaves out: wildcards, path-based rules, severity-based rules — every
 * exception names one vulnerability on purpose.
 */
#ifndef VIGIL_IGNORE_H
#define VIGIL_IGNORE_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/match.h"

#define VG_IGNORE_MAX_DOCUMENT ((size_t)8 << 20) /* largest ignore file read */
#define VG_IGNORE_MAX_RULES 100000

typedef struct vg_ignore_rule {
    const char *id;        /* vulnerability identifier */
    const char *package;   /* purl pattern or package name, or NULL: any package */
    const char *reason;    /* why it is accepted; never empty */
    const char *expires;   /* "YYYY-MM-DD" as written */
    int64_t expires_at;    /* first second (UTC) the rule no longer applies */
    size_t index;          /* position in the "ignore" array, from 0 */
} vg_ignore_rule;

typedef struct vg_ignore {
    vg_arena arena;
    vg_ignore_rule *rules;
    size_t n, cap;
    const char *path;      /* last file read, for messages */
} vg_ignore;

void vg_ignore_init(vg_ignore *ig);
void vg_ignore_free(vg_ignore *ig);

/* Appends the rules of the ignore document data[0..len) to ig; path names
 * it in messages.  Strict: unknown members, a missing or empty reason, a
 * missing or invalid expiry date (YYYY-MM-DD, a real calendar day) are
 * VG_ERR_FORMAT naming the rule.  VG_ERR_LIMIT, VG_ERR_NOMEM.  On error ig
 * keeps the rules it held before. */
int vg_ignore_parse(vg_ctx *ctx, vg_ignore *ig, const char *path, const char *data, size_t len);

/* Reads and parses the file at path (at most VG_IGNORE_MAX_DOCUMENT bytes).
 * VG_ERR_NOT_FOUND, VG_ERR_IO, or vg_ignore_parse()'s errors. */
int vg_ignore_read_file(vg_ctx *ctx, vg_ignore *ig, const char *path);

/* Suppresses each finding (not already suppressed) that a rule applies to
 * at time now (seconds since the epoch): suppressed = 1, suppressed_by =
 * "ignore:FILE", analysis_detail = the reason and expiry.  Warns in ctx
 * (path = the ignore file) about every expired rule, once.  VG_OK or
 * VG_ERR_NOMEM. */
int vg_ignore_apply(vg_ctx *ctx, const vg_ignore *ig, int64_t now, vg_findings *findings);

#endif
