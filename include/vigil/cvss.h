/*
 * cvss.h — CVSS vector strings: strict parsing and scores.
 *
 * Implements
 * - CVSS v3.0 and v3.1 (FIRST, "CVSS v3.1: Specification Document", section 7
 *   "CVSS v3.1 Equations" with the Roundup function of Appendix A; v3.0 uses
 *   the v3.0 specification's plain round-up): base, temporal and
 *   environmental scores;
 * - CVSS v4.0 (FIRST, "CVSS v4.0 Specification Document", section 8 and the
 *   FIRST reference calculator github.com/FIRSTdotorg/cvss-v4-calculator):
 *   the MacroVector lookup of the 270 expert scores with the severity
 *   distance interpolation, giving the one CVSS-B/BT/BE/BTE score;
 * - CVSS v2 (FIRST, "A Complete Guide to the Common Vulnerability Scoring
 *   System Version 2.0", section 3.2): base, temporal, environmental.
 *
 * Parsing is strict: the version prefix ("CVSS:3.0/", "CVSS:3.1/",
 * "CVSS:4.0/"; v2 bare or "CVSS:2.0/" — OSV and NVD write it bare), every
 * mandatory base metric exactly once, optional metrics at most once, known
 * metric names and values only, no empty parts, no trailing '/'.  Metric
 * order is not checked (v3.1 spec section 6 allows any order; v4.0 is
 * accepted in any order too, as FIRST's calculator does).
 *
 * Qualitative ratings: v3 and v4 per their specifications' tables
 * (None 0.0, Low 0.1-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0);
 * CVSS v2 has none of its own: NVD's (Low 0.0-3.9, Medium 4.0-6.9,
 * High 7.0-10.0) is used.
 *
 * Leaves out: CVSS v4.0 supplemental metrics only are parsed and validated,
 * they do not change the score (as the specification says).
 */
#ifndef VIGIL_CVSS_H
#define VIGIL_CVSS_H

#include <stddef.h>
#include "vigil/error.h"

#define VG_CVSS_VECTOR_MAX 512 /* longer vector strings are refused */

typedef enum vg_cvss_version {
    VG_CVSS_V2 = 20,
    VG_CVSS_V30 = 30,
    VG_CVSS_V31 = 31,
    VG_CVSS_V40 = 40,
} vg_cvss_version;

typedef struct vg_cvss_score {
    vg_cvss_version version;
    double base;          /* base score, 0.0 - 10.0 (v4.0: the CVSS-B... score, see score) */
    double temporal;      /* v2/v3: temporal score when any temporal metric is given
                             (not X/ND), else -1; v4.0: -1 */
    double environmental; /* v2/v3: environmental score when any environmental metric
                             is given, else -1; v4.0: -1 */
    double score;         /* the one number to report: v2/v3 environmental, else temporal,
                             else base; v4.0 the score of all metrics given
                             (CVSS-B, -BT, -BE or -BTE) */
    const char *rating;   /* qualitative rating of score: "None", "Low", "Medium",
                             "High", "Critical" (static string) */
    const char *nomenclature; /* v4.0: "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE";
                                 NULL for v2/v3 */
} vg_cvss_score;

/* Parses vector (NUL-terminated) and computes its scores into out.
 * VG_OK; VG_ERR_FORMAT when the vector is not a valid CVSS v2, v3.0, v3.1
 * or v4.0 vector (ctx->message says which metric and why);
 * VG_ERR_UNSUPPORTED for another "CVSS:x.y/" version.  ctx may be NULL. */
int vg_cvss_score_vector(vg_ctx *ctx, const char *vector, vg_cvss_score *out);

/* The v3/v4 qualitative rating of a score (see above). */
const char *vg_cvss_rating(double score);

#endif
