/*
 * fuzz_pnpm_lock.c — libFuzzer target for the pnpm cataloger: each input is
 * handed to it as pnpm-lock.yaml (5.x, 6.0, 9.0),
 * under two paths.  Seeds in corpus/pnpm_lock/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_pnpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"pnpm-lock.yaml", "app/pnpm-lock.yaml"};
    return fuzz_one_cataloger(&vg_cataloger_pnpm, paths, 2, data, size);
}
