/*
 * datadir.c — where the built-in policy data (the control catalogue, the
 * packs) is read from: $VIGIL_POLICY_DIR, else VIGIL_POLICY_DIR as this
 * file was compiled with.  The only file of the library compiled twice
 * (CMakeLists.txt): for the build tree's vigil, with the source tree's
 * policy/, and for the installed vigil, with ${datadir}/vigil/policy.
 */
#include <stdlib.h>

#include "vigil/policy.h"

const char *vg_policy_data_dir(void)
{
    const char *env = getenv("VIGIL_POLICY_DIR");
    return env && *env ? env : VIGIL_POLICY_DIR;
}
