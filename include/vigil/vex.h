/*
 * vex.h — VEX documents (OpenVEX 0.2.0 and CycloneDX 1.4-1.6 VEX) read into
 * one list of statements, and their application to the findings of a scan.
 *
 * OpenVEX (openvex/spec, OPENVEX-SPEC.md v0.2.0), src/vex/openvex.c:
 *   statements[] with vulnerability {name, @id, aliases[]}, products[]
 *   {@id, identifiers.purl, subcomponents[] {@id, identifiers.purl}},
 *   status, justification, impact_statement, action_statement,
 *   status_notes, timestamp (the document's timestamp when absent).
 * CycloneDX VEX (CycloneDX 1.4-1.6 "vulnerabilities"), src/vex/cyclonedx_vex.c:
 *   vulnerabilities[] {id, references[].id as aliases, analysis {state,
 *   justification, detail, response[], lastUpdated/firstIssued}, affects[].ref}
 *   where ref is resolved to the purl of the component with that bom-ref
 *   anywhere in the same document (metadata.component, nested components),
 *   or is taken as a purl itself when it is one.
 *
 * Which statement applies to a finding (vg_vex_apply):
 * - the vulnerability matches when the statement's vulnerability name or
 *   one of its aliases equals (case-insensitively) one of the finding's ids;
 * - the product matches when the statement's subcomponent, or its product
 *   when it names no subcomponent, matches the component's purl by
 *   vg_vex_purl_matches(); a product that names the scanned image itself
 *   (pkg:oci with the target's digest) with no subcomponents covers every
 *   component of the target;
 * - of all matching statements the latest wins (OpenVEX spec, "Statement
 *   ordering": later timestamp; on equal timestamps the one read later,
 *   files in the order given, statements in document order).
 * The winning statement's status decides: not_affected and fixed suppress
 * the finding (suppressed = 1), affected and under_investigation do not;
 * all four record the analysis on the finding (CycloneDX analysis states:
 * not_affected, resolved, exploitable, in_triage).
 *
 * Leaves out: CycloneDX affects[].versions ranges (the ref's purl decides),
 * BOM-Links to other documents (such refs match nothing and are warned
 * about), OpenVEX product hashes, CPE product identifiers, the
 * "@context"-based version negotiation (0.2.0 only; 0.0.x documents
 * with the same fields are read alike).
 */
#ifndef VIGIL_VEX_H
#define VIGIL_VEX_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/inventory.h"
#include "vigil/match.h"

#define VG_VEX_MAX_DOCUMENT ((size_t)64 << 20) /* largest VEX file read */
#define VG_VEX_MAX_STATEMENTS 1000000          /* per vg_vex, all files together */

typedef enum vg_vex_status {
    VG_VEX_NOT_AFFECTED = 1,
    VG_VEX_AFFECTED,
    VG_VEX_FIXED,
    VG_VEX_UNDER_INVESTIGATION,
} vg_vex_status;

/* One (vulnerability, product[, subcomponent]) assertion.  A document
 * statement with several products or subcomponents gives one entry each. */
typedef struct vg_vex_statement {
    const char *vulnerability;   /* name (CVE-..., GHSA-...), never NULL */
    const char **aliases;        /* other identifiers of the vulnerability */
    size_t naliases;
    const char *product;         /* purl or IRI of the product, never NULL */
    const char *subcomponent;    /* purl or IRI inside product, or NULL */
    vg_vex_status status;
    const char *justification;   /* as written: an OpenVEX justification label
                                    or a CycloneDX justification, or NULL */
    const char *cdx_justification; /* the CycloneDX justification it maps to, or NULL
                                      (OpenVEX: component_not_present and
                                      vulnerable_code_not_present -> code_not_present,
                                      vulnerable_code_not_in_execute_path ->
                                      code_not_reachable, ..._cannot_be_controlled_by_adversary
                                      -> requires_environment, inline_mitigations_already_exist
                                      -> protected_by_mitigating_control) */
    const char *cdx_state;       /* the CycloneDX analysis state: as written for CycloneDX;
                                    for OpenVEX not_affected, resolved, exploitable, in_triage */
    const char *detail;          /* impact_statement / status_notes / analysis.detail */
    const char *action;          /* action_statement, or CycloneDX responses joined by ", " */
    int64_t timestamp;           /* seconds since the epoch; 0 when unknown (oldest) */
    const char *source;          /* the file it was read from */
    size_t order;                /* reading order, for ties */
} vg_vex_statement;

typedef struct vg_vex {
    vg_arena arena;             /* every statement and string */
    vg_vex_statement *items;
    size_t n, cap;
} vg_vex;

void vg_vex_init(vg_vex *vex);
void vg_vex_free(vg_vex *vex);

/* "not_affected", "affected", "fixed", "under_investigation". */
const char *vg_vex_status_name(vg_vex_status status);

/* Appends the statements of the OpenVEX document data[0..len) to vex.
 * path names the document in messages and statements.  VG_ERR_FORMAT
 * (not JSON, not OpenVEX, a statement without vulnerability, products or a
 * known status, not_affected without justification or impact_statement),
 * VG_ERR_LIMIT, VG_ERR_NOMEM; on error vex keeps what it held before. */
int vg_vex_read_openvex(vg_ctx *ctx, vg_vex *vex, const char *path, const char *data, size_t len);

/* The same for a CycloneDX document with vulnerabilities[] (a VEX or a
 * VDR).  Vulnerabilities without analysis.state are skipped (no
 * assertion); affects[].ref that resolve to nothing are warned about. */
int vg_vex_read_cyclonedx(vg_ctx *ctx, vg_vex *vex, const char *path, const char *data, size_t len);

/* Reads the file at path (at most VG_VEX_MAX_DOCUMENT bytes) and parses it
 * as OpenVEX ("@context" starting with https://openvex.dev/ns) or CycloneDX
 * ("bomFormat": "CycloneDX").  VG_ERR_NOT_FOUND, VG_ERR_IO, VG_ERR_FORMAT
 * (neither), or the reader's error; messages name the file. */
int vg_vex_read_file(vg_ctx *ctx, vg_vex *vex, const char *path);

/* 1 when the statement product or subcomponent pattern matches the
 * component purl, 0 otherwise (also when either is not a valid purl, or
 * pattern is not a purl: then plain string equality decides).
 * Rules (vigil's reading of the OpenVEX spec, "Product matching" via purl):
 * type, namespace, name and subpath equal after parsing (type and the
 * namespace/name of types the purl spec declares case-insensitive compared
 * case-insensitively); the version equal when the pattern has one (no
 * version = every version); every qualifier of the pattern present in the
 * component with the same value (qualifiers the pattern lacks are ignored). */
int vg_vex_purl_matches(const char *pattern, const char *purl);

/* Applies the statements to findings as described above, for the target
 * of inv.  Sets suppressed, suppressed_by ("vex:FILE"), analysis_state,
 * justification and analysis_detail of each finding a statement matches.
 * VG_OK or VG_ERR_NOMEM. */
int vg_vex_apply(vg_ctx *ctx, const vg_vex *vex, const vg_inventory *inv, vg_findings *findings);

#endif
