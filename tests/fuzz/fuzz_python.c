/*
 * fuzz_python.c — libFuzzer target for the python cataloger: each input is
 * handed to it as every file kind it reads (dist-info METADATA and RECORD,
 * egg-info PKG-INFO and requires.txt, an .egg-info file, poetry.lock with
 * its pyproject.toml, uv.lock, Pipfile.lock, requirements.txt), so one
 * input exercises the core-metadata, CSV, TOML, JSON and requirements
 * parsers and the graph code.  Seeds in corpus/python/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_python;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "site/a-1.dist-info/METADATA", "site/a-1.dist-info/RECORD",     "site/b-1.egg-info/PKG-INFO",
        "site/b-1.egg-info/requires.txt", "site/c-1.egg-info",           "proj/pyproject.toml",
        "proj/poetry.lock",               "proj/uv.lock",                "proj/Pipfile.lock",
        "proj/requirements-dev.txt",
    };
    return fuzz_one_cataloger(&vg_cataloger_python, paths, sizeof paths / sizeof paths[0], data, size);
}
