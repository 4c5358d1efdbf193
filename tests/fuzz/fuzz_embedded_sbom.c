/*
 * fuzz_embedded_sbom.c — libFuzzer target for the "sbom" cataloger (SBOMs
 * shipped inside images): each input is handed to it as an SBOM at each of
 * the places it reads (Bitnami, melange/apko, Cloud Native Buildpacks), so
 * that one run copies several documents' components and edges into one
 * inventory and finalizes it.  Seeds in corpus/embedded_sbom/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_embedded_sbom;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "opt/bitnami/redis/.spdx-redis.spdx",
        "var/lib/db/sbom/zlib-1.2.11-r1.spdx.json",
        "layers/sbom/launch/paketo-buildpacks_node-engine/node/sbom.cdx.json",
    };
    return fuzz_one_cataloger(&vg_cataloger_embedded_sbom, paths, 3, data, size);
}
