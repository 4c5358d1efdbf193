/*
 * java.h — internals shared by the Java cataloger's files (java.c: jar,
 * war, ear ... archives with their MANIFEST.MF and pom.properties;
 * java_pom.c: Maven pom.xml and Gradle lock files) and by their fuzz
 * targets.  Not a public API.
 */
#ifndef VIGIL_CATALOG_JAVA_H
#define VIGIL_CATALOG_JAVA_H

#include <stddef.h>
#include "vigil/arena.h"
#include "vigil/catalog.h"

/* Main-section attributes of a JAR manifest that the cataloger uses.  Values
 * are valid UTF-8 strings in the arena, or NULL when absent or empty. */
typedef struct vg_java_manifest {
    const char *implementation_title, *implementation_version, *implementation_vendor;
    const char *specification_title, *specification_version, *specification_vendor;
    const char *bundle_symbolic_name, *bundle_name, *bundle_version, *bundle_vendor;
    const char *bundle_license, *bundle_description, *bundle_docurl;
    const char *automatic_module_name;
} vg_java_manifest;

/* Reads the main section of a manifest (JAR File Specification, "JAR
 * Manifest": "Name: value" headers, names case-insensitive, continuation
 * lines starting with one space, CR LF / LF / CR line ends; the main
 * section ends at the first blank line) into *out (zeroed first; the first
 * occurrence of a header wins).  Lines that are not headers are counted in
 * *bad (may be NULL).  Returns VG_OK or VG_ERR_NOMEM. */
int vg_java_manifest_parse(vg_arena *arena, const char *text, size_t len, vg_java_manifest *out, size_t *bad);

/* Calls fn for each key/value of a Java properties file (java.util.Properties
 * load(Reader) syntax: # and ! comments, '=', ':' or white space between
 * key and value, backslash escapes including \uXXXX, continuation lines
 * ending in an odd number of backslashes).  key and value are NUL-terminated
 * scratch strings valid during the call, UTF-8 not yet checked.  Returns
 * VG_OK, VG_ERR_NOMEM/VG_ERR_LIMIT, or what fn returned non-zero. */
typedef int (*vg_java_property_fn)(void *arg, const char *key, const char *value, size_t value_len);
int vg_java_properties_parse(const char *text, size_t len, vg_java_property_fn fn, void *arg);

/* pom.xml (Maven POM 4.0.0) found in a source tree: adds the project as an
 * application component and its dependencies with explicit versions
 * (java_pom.c).  Problems are warnings about path. */
int vg_java_pom_collect(vg_catalog_run *run, const char *path, int layer, const char *text, size_t len);

/* A Gradle dependency lock file (gradle.lockfile, buildscript-gradle.lockfile,
 * or gradle/dependency-locks/NAME.lockfile of Gradle 4.8-5 where NAME is the
 * configuration) (java_pom.c). */
int vg_java_gradle_collect(vg_catalog_run *run, const char *path, int layer, const char *text, size_t len);

/* Base-name tests shared by wants() and the fuzz targets. */
int vg_java_is_pom_name(const char *path, size_t len, size_t base);
int vg_java_is_gradle_lockfile(const char *path, size_t len, size_t base);

#endif
