/*
 * fuzz_ruby.c — libFuzzer target for the ruby cataloger: each input is
 * handed to it as an installed gemspec (two, in one gem directory, so
 * dependency edges are resolved) and as a Gemfile.lock.  Seeds in
 * corpus/ruby/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_ruby;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "gems/specifications/a-1.gemspec",
        "gems/specifications/default/b-2.gemspec",
        "app/Gemfile.lock",
    };
    return fuzz_one_cataloger(&vg_cataloger_ruby, paths, sizeof paths / sizeof paths[0], data, size);
}
