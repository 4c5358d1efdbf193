/*
 * fuzz_nvd.c — libFuzzer target for the NVD importer (src/vulndb/nvd.c,
 * NVD CVE API 2.0): each input is read as a document (API answer or data
 * feed, through the stream scanner), as one "cve" record, and as an API
 * page (vdb_nvd_page_scan, which the update's pager relies on).  Seeds in
 * corpus/nvd/ (a real one-CVE API answer, two real CVEs of other answers,
 * one real record file).
 */
#include <stdio.h>
#include <unistd.h>

#include "vulndb_fuzz.h"

static int import_all(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                      size_t len)
{
    int st = vdb_nvd_document_buffer(w, src, file, data, len);
    if (st == VG_OK)
        st = vdb_nvd_record_buffer(w, src, file, data, len);
    if (st != VG_OK)
        return st;
    /* The page scanner reads a descriptor: give it the input through a pipe
     * (small inputs) so that no file is needed. */
    int fds[2];
    if (len > 60000 || pipe(fds) != 0)
        return VG_OK;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fds[1], data + off, len - off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
    close(fds[1]);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vdb_nvd_page page;
    int rc = vdb_nvd_page_scan(&ctx, file, fds[0], &page);
    if (rc == VG_OK && (page.total_results < 0 || page.records < 0))
        abort();
    vg_ctx_free(&ctx);
    close(fds[0]);
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return vulndb_fuzz_one(import_all, "nvd", "nvd", data, size);
}
