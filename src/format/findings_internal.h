/*
 * findings_internal.h — what the vulnerability report writers of
 * src/format/ (findings_table.c, findings_json.c, sarif.c, cyclonedx_vdr.c)
 * share: counts by severity and a few facts about a finding.  Not public.
 */
#ifndef VIGIL_FINDINGS_INTERNAL_H
#define VIGIL_FINDINGS_INTERNAL_H

#include <stddef.h>

#include "vigil/match.h"

/* Counts of the findings that are not suppressed. */
typedef struct rep_counts {
    size_t by_severity[VG_SEVERITY_CRITICAL + 1]; /* indexed by vg_severity */
    size_t total;      /* not suppressed */
    size_t kev;        /* not suppressed and in the KEV catalog */
    size_t suppressed;
    size_t components; /* distinct components with a finding not suppressed */
} rep_counts;

void rep_count(const vg_findings *findings, rep_counts *out);

/* Components not checked, grouped by cause: one group per (package type,
 * installed by an OS package or not, status, reason), largest first. */
typedef struct rep_unchecked {
    const char *type;      /* purl type, "generic" when none */
    int via_os_package;    /* installed by an OS package that was not checked */
    vg_coverage_status status;
    const char *reason;
    size_t count;
} rep_unchecked;

/* The groups in arena; *n = 0 when everything was checked.  VG_OK or
 * VG_ERR_NOMEM. */
int rep_unchecked_groups(vg_arena *arena, const vg_findings *findings, rep_unchecked **out, size_t *n);

/* The diffID of the layer of c, or NULL. */
const char *rep_layer_diff_id(const vg_inventory *inv, const vg_component *c);

/* The fixed versions of f joined with ", " in arena; NULL when none or OOM. */
const char *rep_fixed_text(vg_arena *arena, const vg_finding *f);

#endif
