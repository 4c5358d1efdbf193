/*
 * policy_output.c — the outputs of `vigil policy eval` besides its table
 * and JSON: SARIF, JUnit and the evidence pack, each made by the library
 * (include/vigil/policy_report.h) from the results document the run
 * returned.  The evidence pack goes to a directory (written beside and
 * renamed into place) or, for a name ending in .zip, to a zip archive
 * written as every output file is (cli/output.c: atomically).
 * Documented in docs/vigil-policy.1 (OUTPUT FORMATS) and docs/policy.md.
 */
#include <string.h>

#include "cli.h"
#include "vigil/policy_report.h"

#define POLICY_MAX_REPORT ((size_t)2 << 30) /* bytes of a SARIF or JUnit report */

int cli_policy_pack_option(const char *file, const char *previous)
{
    if (!file || !*file || !strcmp(file, "-")) {
        cli_error("-o evidence-pack needs a place: evidence-pack=DIR or evidence-pack=FILE.zip");
        return -1;
    }
    if (previous) {
        cli_error("-o evidence-pack=%s: one evidence pack per run (already %s)", file, previous);
        return -1;
    }
    return 0;
}

int cli_policy_report(const json_t *doc, int sarif, vg_buf *out)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf_free(out);
    vg_buf_init(out, POLICY_MAX_REPORT);
    int rc = sarif ? vg_policy_sarif_write(&ctx, doc, out) : vg_policy_junit_write(&ctx, doc, out);
    if (rc)
        cli_error("%s", ctx.message);
    vg_ctx_free(&ctx);
    return rc ? -1 : 0;
}

static int has_zip_suffix(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".zip") == 0;
}

int cli_policy_write_pack(const json_t *doc, const json_t *documents, const char *path, const char *key_path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_evidence_pack *pack = NULL;
    vg_buf zip;
    vg_buf_init(&zip, VG_EVIDENCE_PACK_MAX_TOTAL);
    int rc = key_path ? attest_cli_load_private_key(&ctx, key_path, &key) : VG_OK;
    if (rc == VG_OK) {
        vg_evidence_pack_options o = {.documents = documents, .key = key};
        rc = vg_evidence_pack_build(&ctx, doc, &o, &pack);
    }
    int status = 0;
    if (rc == VG_OK && has_zip_suffix(path)) {
        rc = vg_evidence_pack_zip(&ctx, pack, &zip);
        if (rc == VG_OK && cli_write_output(path, zip.data, zip.len) != 0)
            status = -1; /* cli_write_output said why */
    } else if (rc == VG_OK) {
        rc = vg_evidence_pack_write_dir(&ctx, pack, path);
    }
    if (rc != VG_OK) {
        cli_error("evidence pack %s: %s", path, ctx.message);
        status = -1;
    }
    vg_buf_free(&zip);
    vg_evidence_pack_free(pack);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}
