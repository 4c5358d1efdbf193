/*
 * fuzz_dotnet.c — the dotnet cataloger on arbitrary bytes as a *.deps.json
 * and as a packages.lock.json.  Seeds (corpus/dotnet/): the fixtures of
 * tests/data/dotnet.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_dotnet;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"app/App.deps.json", "src/packages.lock.json"};
    return fuzz_one_cataloger(&vg_cataloger_dotnet, paths, 2, data, size);
}
