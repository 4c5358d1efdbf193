/*
 * fuzz_rpmdb_sqlite.c — libFuzzer target for the SQLite rpm database (rpmdb.sqlite) reader
 * (src/catalog/rpmdb.c, vg_rpmdb_read_sqlite) and everything after it: the
 * input is handed to the rpm cataloger as that file, so every header blob
 * found goes through the header parser and into components.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"usr/lib/sysimage/rpm/rpmdb.sqlite"};
    return fuzz_one_cataloger(&vg_cataloger_rpm, paths, sizeof paths / sizeof paths[0], data, size);
}
