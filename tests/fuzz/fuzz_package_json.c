/*
 * fuzz_package_json.c — libFuzzer target for the npm cataloger: each input is
 * handed to it as an installed node_modules package.json, under two
 * paths.  Seeds in corpus/package_json/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_npm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"node_modules/@scope/name/package.json", "usr/lib/node_modules/x/package.json"};
    return fuzz_one_cataloger(&vg_cataloger_npm, paths, 2, data, size);
}
