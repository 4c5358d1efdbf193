/*
 * fuzz_composer.c — libFuzzer target for the php cataloger: each input is
 * handed to it as composer.json, composer.lock (same directory, so the root
 * code runs) and vendor/composer/installed.json.  Seeds in corpus/composer/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_php;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "app/composer.json",
        "app/composer.lock",
        "app/vendor/composer/installed.json",
    };
    return fuzz_one_cataloger(&vg_cataloger_php, paths, sizeof paths / sizeof paths[0], data, size);
}
