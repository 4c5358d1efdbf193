/*
 * pack_internal.h — what the evidence pack's parts share
 * (include/vigil/policy_report.h): the HTML report (pack_report.c) and the
 * reading of a pack's zip archive and signed statement (evidence_pack.c),
 * which the fuzz target tests/fuzz/fuzz_evidence_pack.c feeds directly.
 */
#ifndef VIGIL_POLICY_PACK_INTERNAL_H
#define VIGIL_POLICY_PACK_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/buf.h"
#include "vigil/error.h"

/* The HTML report of the results document doc.  files lists the pack's
 * files ({path, sha256, size, role, evidence, kind, source}); the report
 * links the evidence to them.  Appends to out. */
int pack_report_html(vg_ctx *ctx, const json_t *doc, const json_t *files, vg_buf *out);

/* The entries of a zip archive of len bytes at data: *out = {NAME: {"sha256",
 * "regular"}} with at most VG_EVIDENCE_PACK_MAX_FILES entries, each at most
 * VG_EVIDENCE_PACK_MAX_FILE bytes (all at most VG_EVIDENCE_PACK_MAX_TOTAL);
 * directories are left out, a name written twice is VG_ERR_FORMAT.  When
 * bundle is not NULL, the bytes of the entry VG_EVIDENCE_PACK_BUNDLE are
 * appended to it.  where names the archive in messages. */
int pack_zip_entries(vg_ctx *ctx, const void *data, size_t len, const char *where, json_t **out,
                     vg_buf *bundle);

/* The subjects of a verified in-toto statement (len bytes) as
 * {NAME: SHA256}: each name a relative path a pack may hold, at most
 * VG_EVIDENCE_PACK_MAX_FILES, none twice.  VG_ERR_FORMAT / VG_ERR_LIMIT. */
int pack_statement_subjects(vg_ctx *ctx, const char *statement, size_t len, json_t **out);

#endif
