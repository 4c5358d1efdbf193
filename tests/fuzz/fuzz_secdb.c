/*
 * fuzz_secdb.c — libFuzzer target for the Alpine/Wolfi secdb importer
 * (src/vulndb/secdb.c): each input is one secdb JSON document.  Seeds in
 * corpus/secdb/ (small real secdb files).
 */
#include "vulndb_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return vulndb_fuzz_one(vdb_secdb_buffer, "alpine:v3.10/main", "secdb", data, size);
}
