/*
 * fuzz_cyclonedx_vex.c — libFuzzer target for vg_vex_read_cyclonedx() (vex.h), and for
 * vg_vex_apply() with what it read: an accepted statement list is applied
 * to two constructed findings (CVE-2019-14697 in musl and musl-utils), so
 * the matching code (bom-ref resolution, purl parsing of every resolved
 * product, timestamps) runs on hostile statements
 * too.  A refused document must leave no statements behind and say why.
 */
#include <stddef.h>
#include <stdint.h>

#include "vex_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return vex_fuzz_one(vg_vex_read_cyclonedx, data, size);
}
