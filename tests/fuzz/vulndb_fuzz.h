/*
 * vulndb_fuzz.h — shared by the vulnerability feed fuzz targets
 * (fuzz_osv.c, fuzz_secdb.c, fuzz_debian_list.c, fuzz_kev.c): runs one
 * importer over the input into an in-memory database, then throws the
 * database away.  The importers must never fail on bad input, only count it.
 */
#ifndef VIGIL_VULNDB_FUZZ_H
#define VIGIL_VULNDB_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

#include "vulndb/vulndb_internal.h"

typedef int (*vulndb_fuzz_importer)(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                                    const char *data, size_t len);

static inline int vulndb_fuzz_one(vulndb_fuzz_importer import, const char *source, const char *kind,
                                  const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb_report report;
    vg_vulndb_report_init(&report);
    vdb_writer w;
    if (vdb_writer_open(&ctx, &w, ":memory:", &report) != VG_OK)
        abort();
    vg_vulndb_source_report *src = vdb_source(&w, source, kind, "fuzz");
    if (!src || import(&w, src, "fuzz-input", (const char *)data, size) != VG_OK)
        abort(); /* bad input must be counted, never an error */
    if (src->records_imported + src->records_skipped + src->records_duplicate > src->records_read + 1000000)
        abort();
    vdb_writer_abort(&w);
    vg_vulndb_report_free(&report);
    vg_ctx_free(&ctx);
    return 0;
}

#endif
