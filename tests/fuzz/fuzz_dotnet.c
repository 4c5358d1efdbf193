/*
 * fuzz_dotnet.c — the dotnet cataloger on arbitrary bytes as a *.deps.json,
 * a packages.lock.json, a .nuspec and a .csproj.  Seeds (corpus/dotnet/):
 * fixtures of tests/data/dotnet, and a UTF-16 project file.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_dotnet;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"app/App.deps.json", "src/packages.lock.json",
                                        "pkgs/x/1.0.0/x.nuspec", "src/App/App.csproj"};
    return fuzz_one_cataloger(&vg_cataloger_dotnet, paths, 4, data, size);
}
