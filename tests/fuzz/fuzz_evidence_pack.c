/*
 * fuzz_evidence_pack.c — libFuzzer target for what `vigil verify --pack`
 * and the reports of `vigil policy eval` read (include/vigil/policy_report.h):
 *
 *  - the input as a zip archive (pack_zip_entries: libarchive's seekable zip
 *    reader with vigil's bounds on entries, sizes and names);
 *  - the input as a signed statement's payload (pack_statement_subjects);
 *  - the input as a results document, hand-edited or hostile, written as
 *    SARIF, JUnit and the pack's HTML: none may crash, and every report of
 *    a document that is an object must come out (only memory may fail).
 *
 * Besides "no crash, no leak", it checks that every name the archive reader
 * returns is unique (it is a JSON object key) and that the SARIF it writes
 * is JSON; an inconsistency aborts.
 * Seeds (corpus/evidence_pack/): a signed pack's zip and statement, a
 * results document with every status, a waiver and baseline marks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/pack_internal.h"
#include "vigil/policy_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *entries = NULL, *subjects = NULL;
    vg_buf bundle;
    vg_buf_init(&bundle, 1 << 20);
    if (pack_zip_entries(&ctx, data, size, "fuzz.zip", &entries, &bundle) == VG_OK && !json_is_object(entries))
        abort();
    json_decref(entries);
    vg_buf_free(&bundle);
    if (pack_statement_subjects(&ctx, (const char *)data, size, &subjects) == VG_OK && !json_is_object(subjects))
        abort();
    json_decref(subjects);

    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (json_is_object(doc)) {
        vg_buf out;
        vg_buf_init(&out, 64u << 20);
        if (vg_policy_sarif_write(&ctx, doc, &out) == VG_OK) {
            json_t *back = json_loadb(out.data, out.len, 0, NULL);
            if (!back)
                abort();
            json_decref(back);
        }
        vg_buf_free(&out);
        vg_buf_init(&out, 64u << 20);
        vg_policy_junit_write(&ctx, doc, &out);
        vg_buf_free(&out);
        vg_buf_init(&out, 64u << 20);
        pack_report_html(&ctx, doc, json_object_get(doc, "files"), &out);
        vg_buf_free(&out);
    }
    json_decref(doc);
    vg_ctx_free(&ctx);
    return 0;
}
