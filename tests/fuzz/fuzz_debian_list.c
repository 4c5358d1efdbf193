/*
 * fuzz_debian_list.c — libFuzzer target for the Debian security tracker
 * list importer (src/vulndb/debian.c, DSA/DLA/DTSA list text format): each
 * input is one list file.  Seeds in corpus/debian_list/ (excerpts of the
 * real lists, old and new date formats, <not-affected>/<unfixed> lines).
 */
#include "vulndb_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return vulndb_fuzz_one(vdb_debian_list_buffer, "debian:DSA", "debian-list", data, size);
}
