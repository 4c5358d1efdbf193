/*
 * fuzz_license.c — libFuzzer target for the SPDX licence expression parser
 * (src/model/license.c, SPDX 2.3 Annex D plus the DEP-5 / Fedora name
 * mapping).  The input is the expression; it is parsed under every flag
 * combination.  Beyond memory safety it checks that the canonical form
 * is a fixed point: parsing it again, strictly, gives the same text and
 * shape, so that what vigil writes into an SBOM is always a valid
 * expression.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned flag_sets[] = {
        VG_LICENSE_STRICT, VG_LICENSE_ALLOW_REFS, VG_LICENSE_MAP_NAMES,
        VG_LICENSE_MAP_NAMES | VG_LICENSE_ALLOW_REFS,
    };
    for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
        vg_arena arena;
        vg_arena_init(&arena);
        char *out = NULL;
        vg_license_shape shape = 0;
        int rc = vg_license_parse(&arena, (const char *)data, size, flag_sets[f], &out, &shape);
        if (rc == VG_OK) {
            char *again = NULL;
            vg_license_shape shape2 = 0;
            unsigned strict = flag_sets[f] & VG_LICENSE_ALLOW_REFS;
            if (!out || vg_license_parse(&arena, out, strlen(out), strict, &again, &shape2) != VG_OK ||
                strcmp(out, again) != 0 || shape != shape2)
                abort();
        } else if (out != NULL) {
            abort();
        }
        vg_arena_free(&arena);
    }
    return 0;
}
