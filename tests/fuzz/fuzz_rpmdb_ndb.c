/*
 * fuzz_rpmdb_ndb.c — libFuzzer target for the rpm ndb database (Packages.db) reader
 * (src/catalog/rpmdb.c, vg_rpmdb_read_ndb) and everything after it: the
 * input is handed to the rpm cataloger as that file, so every header blob
 * found goes through the header parser and into components.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db"};
    return fuzz_one_cataloger(&vg_cataloger_rpm, paths, sizeof paths / sizeof paths[0], data, size);
}
