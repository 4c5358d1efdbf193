/*
 * fuzz_yarn_lock.c — libFuzzer target for the yarn cataloger: each input is
 * handed to it as yarn.lock (classic v1 and berry),
 * under two paths.  Seeds in corpus/yarn_lock/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_yarn;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"yarn.lock", "app/yarn.lock"};
    return fuzz_one_cataloger(&vg_cataloger_yarn, paths, 2, data, size);
}
