/*
 * fuzz_kev.c — libFuzzer target for the CISA KEV importer
 * (src/vulndb/kev.c): each input is one catalog JSON document.  Seeds in
 * corpus/kev/ (the real catalog cut to a few entries).
 */
#include "vulndb_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return vulndb_fuzz_one(vdb_kev_buffer, "kev", "kev", data, size);
}
