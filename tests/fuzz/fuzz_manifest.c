/*
 * fuzz_manifest.c — libFuzzer target for the two text formats read inside
 * Java archives: the JAR manifest (META-INF/MANIFEST.MF, main section) and
 * Java .properties (META-INF/maven/.../pom.properties).  Each input goes
 * through both parsers.  Seeds in corpus/manifest/.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/java.h"

static int count_property(void *arg, const char *key, const char *value, size_t value_len)
{
    size_t *n = arg;
    *n += strlen(key) + value_len + (value[value_len] == '\0'); /* touch every byte handed over */
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_arena arena;
    vg_arena_init(&arena);
    vg_java_manifest m;
    size_t bad = 0, n = 0;
    (void)vg_java_manifest_parse(&arena, (const char *)data, size, &m, &bad);
    (void)vg_java_properties_parse((const char *)data, size, count_property, &n);
    vg_arena_free(&arena);
    return 0;
}
