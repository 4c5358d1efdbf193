/*
 * fuzz_cargo_lock.c — the cargo cataloger on arbitrary bytes: as a
 * Cargo.lock (TOML, dependency entry resolution) and as an executable whose
 * .dep-v0 section holds cargo-auditable's zlib-compressed JSON.  Seeds
 * (corpus/cargo_lock/): lock files of versions 1 to 4 and a small ELF with a
 * .dep-v0 section.
 */
#include "binary_fuzz.h"
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_cargo;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one_binary(&vg_cataloger_cargo, data, size);
    static const char *const paths[] = {"app/Cargo.lock"};
    return fuzz_one_cataloger(&vg_cataloger_cargo, paths, 1, data, size);
}
