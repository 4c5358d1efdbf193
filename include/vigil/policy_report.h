/*
 * policy_report.h — the reports of a policy run, each made from the results
 * document vg_policy_evaluate() returns (include/vigil/policy.h) and from
 * nothing else: no rule is run again.
 *
 *  - SARIF 2.1.0 (src/format/sarif.c) for code-scanning dashboards;
 *  - JUnit XML (src/format/junit.c) for CI test dashboards;
 *  - the evidence pack (src/policy/evidence_pack.c, with the HTML report of
 *    src/policy/pack_report.c): the report, the results document, the
 *    evidence files, a SHA256SUMS manifest and, when a key is given, an
 *    in-toto statement over every file signed as a Sigstore bundle, which
 *    vg_evidence_pack_verify() checks.
 *
 * docs/policy.md ("Reports" and "The evidence pack") describes what each
 * holds, and docs/vigil-policy.1 the command line.  The writers read the
 * document defensively (a member missing or of another type is left out, never
 * dereferenced), so a document edited by hand gives a report, not a crash.
 */
#ifndef VIGIL_POLICY_REPORT_H
#define VIGIL_POLICY_REPORT_H

#include <jansson.h>

#include "vigil/attest.h"
#include "vigil/buf.h"
#include "vigil/error.h"

/* The results as a SARIF 2.1.0 log: one run, every rule in tool.driver,
 * one result per result of the document and per "absent" one.  VG_OK,
 * VG_ERR_NOMEM, VG_ERR_LIMIT (larger than out->max). */
int vg_policy_sarif_write(vg_ctx *ctx, const json_t *results, vg_buf *out);

/* The results as JUnit XML: one testsuite per pack, one testcase per
 * (rule, resource).  Same statuses as vg_policy_sarif_write(). */
int vg_policy_junit_write(vg_ctx *ctx, const json_t *results, vg_buf *out);

/* ---- the evidence pack (evidence_pack.c) ---- */

/* predicateType of the statement that signs a pack. */
#define VG_EVIDENCE_PACK_PREDICATE "https://vigil.dev/attestations/policy-evidence-pack/v1"
/* The signed statement's name in the pack; never one of its subjects. */
#define VG_EVIDENCE_PACK_BUNDLE "attestation.sigstore.json"

#define VG_EVIDENCE_PACK_MAX_FILES 100000           /* files in a pack */
#define VG_EVIDENCE_PACK_MAX_FILE ((size_t)1 << 30)  /* bytes of one file */
#define VG_EVIDENCE_PACK_MAX_TOTAL ((size_t)4 << 30) /* bytes of all files */

typedef struct vg_evidence_pack vg_evidence_pack;

typedef struct vg_evidence_pack_options {
    /* The evidence documents of the run, with their "data" (as given to
     * vg_policy_evaluate()); a document of the results that has no "path"
     * (from the store) is written as the canonical JSON of its data.  May
     * be NULL when every document has a file. */
    const json_t *documents;
    const vg_key *key; /* sign the pack, or NULL */
} vg_evidence_pack_options;

/* Makes the pack in memory: copies each evidence file (its bytes must still
 * have the SHA-256 the run recorded: VG_ERR_DIGEST names the file
 * otherwise), writes results.json, index.html, SHA256SUMS and, with a key,
 * attestation.sigstore.json.  *out is freed with vg_evidence_pack_free(). */
int vg_evidence_pack_build(vg_ctx *ctx, const json_t *results, const vg_evidence_pack_options *o,
                           vg_evidence_pack **out);
void vg_evidence_pack_free(vg_evidence_pack *pack);

/* The pack as a zip archive (deflate; every entry dated at the run's time,
 * mode 0644, so the same pack gives the same bytes) appended to out. */
int vg_evidence_pack_zip(vg_ctx *ctx, const vg_evidence_pack *pack, vg_buf *out);

/* Writes the pack as the directory dir, which must not exist or be empty:
 * into a new directory beside it first, then renamed into place, so that dir
 * is never half-written.  VG_ERR_USAGE when dir holds files. */
int vg_evidence_pack_write_dir(vg_ctx *ctx, const vg_evidence_pack *pack, const char *dir);

typedef struct vg_evidence_pack_check {
    vg_verify_result verify; /* of the bundle (free verify.statement after) */
    size_t files;            /* files compared with the statement's subjects */
    json_t *problems;        /* [{"file", "problem": changed|missing|added|not-regular, "detail"}] */
} vg_evidence_pack_check;

/* Checks the pack at path (a directory or a zip archive) against its signed
 * statement: bundle (NULL: the pack's attestation.sigstore.json) verified
 * with key, predicate type VG_EVIDENCE_PACK_PREDICATE, then every subject
 * present with its SHA-256 and no other file in the pack.  check is
 * initialised by the call; free it with vg_evidence_pack_check_free().
 * VG_OK: every file matches.  VG_ERR_DIGEST: check->problems names each
 * file that differs.  VG_ERR_SIGNATURE etc. as vg_attest_verify()
 * (check->verify.failed says which check); VG_ERR_FORMAT / VG_ERR_LIMIT /
 * VG_ERR_UNSAFE for a malformed archive or statement; I/O statuses. */
int vg_evidence_pack_verify(vg_ctx *ctx, const char *path, const char *bundle, const vg_key *key,
                            vg_evidence_pack_check *check);
void vg_evidence_pack_check_free(vg_evidence_pack_check *check);

#endif
