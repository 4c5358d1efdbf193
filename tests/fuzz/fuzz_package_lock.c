/*
 * fuzz_package_lock.c — libFuzzer target for the npm cataloger: each input is
 * handed to it as package-lock.json (lockfileVersion 1, 2, 3) and npm-shrinkwrap.json,
 * under two paths.  Seeds in corpus/package_lock/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_npm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"project/package-lock.json", "npm-shrinkwrap.json"};
    return fuzz_one_cataloger(&vg_cataloger_npm, paths, 2, data, size);
}
