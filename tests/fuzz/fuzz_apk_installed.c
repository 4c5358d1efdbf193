/*
 * fuzz_apk_installed.c — libFuzzer target for the apk cataloger: each input
 * is handed to it as lib/apk/db/installed (apk-tools installed database).
 * Seeds in corpus/apk_installed/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_apk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"lib/apk/db/installed"};
    return fuzz_one_cataloger(&vg_cataloger_apk, paths, 1, data, size);
}
