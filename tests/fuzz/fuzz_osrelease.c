/*
 * fuzz_osrelease.c — libFuzzer target for the os-release cataloger: each
 * input is handed to it as usr/lib/os-release and etc/os-release
 * (os-release(5) shell-like assignments).  Seeds in corpus/osrelease/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_osrelease;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"usr/lib/os-release", "etc/os-release"};
    return fuzz_one_cataloger(&vg_cataloger_osrelease, paths, 2, data, size);
}
