/*
 * version.c — the library's own version.
 */
#include "vigil/vigil.h"

const char *vg_version(void)
{
    return VIGIL_VERSION;
}
