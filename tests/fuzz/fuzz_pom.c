/*
 * fuzz_pom.c — libFuzzer target for the java cataloger's build files: each
 * input is handed to it as a Maven pom.xml (through the bounded XML reader)
 * and as the Gradle lock files gradle.lockfile and
 * gradle/dependency-locks/compileClasspath.lockfile.  Seeds in corpus/pom/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_java;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"app/pom.xml", "app/gradle.lockfile",
                                        "app/gradle/dependency-locks/compileClasspath.lockfile"};
    return fuzz_one_cataloger(&vg_cataloger_java, paths, 3, data, size);
}
