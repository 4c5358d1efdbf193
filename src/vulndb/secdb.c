/*
 * secdb.c — imports the Alpine and Wolfi security databases ("secdb"), the
 * JSON documents served at https://secdb.alpinelinux.org/vX.Y/REPO.json and
 * https://packages.wolfi.dev/os/security.json:
 *
 *   { "distroversion": "v3.10", "reponame": "main", "urlprefix": ...,
 *     "packages": [ { "pkg": { "name": "ansible",
 *                              "secfixes": { "2.8.4-r0": ["CVE-...", ...] } } } ] }
 *
 * (Wolfi's has no distroversion.)  Each (package, fixed version, id)
 * becomes an advisory of scope = the source with an affected row for
 * ecosystem "Alpine:vX.Y" (or "Wolfi") whose range is ECOSYSTEM
 * introduced 0, fixed VERSION; names are origin (source) packages.  The
 * version "0" marks ids that never affected the package: status
 * "not-affected", no range.  "packages": null (a release without fixes)
 * is an empty document.  One package is one record: a package with a
 * wrong type anywhere is skipped whole.
 *
 * Leaves out: archs, urlprefix and apkurl (not needed for matching).
 */
#include <ctype.h>
#include <string.h>

#include "vulndb/vulndb_internal.h"

#define SECDB_FIELD_MAX 1024

/* Checks one packages[] element; NULL when importable, else why not. */
static const char *secdb_check(json_t *p)
{
    json_t *pkg = json_object_get(p, "pkg");
    if (!json_is_object(pkg))
        return "no \"pkg\" object";
    const char *name = vdb_json_str(pkg, "name");
    if (!name || !name[0] || strlen(name) > SECDB_FIELD_MAX)
        return "no \"pkg.name\" string";
    json_t *fixes = json_object_get(pkg, "secfixes");
    if (!fixes || json_is_null(fixes))
        return NULL;
    if (!json_is_object(fixes))
        return "\"secfixes\" is not an object";
    const char *version;
    json_t *ids;
    json_object_foreach(fixes, version, ids)
    {
        if (!version[0] || strlen(version) > SECDB_FIELD_MAX)
            return "a secfixes version is empty or too long";
        if (json_is_null(ids))
            continue;
        if (!json_is_array(ids))
            return "a secfixes entry is not an array of ids";
        size_t i;
        json_t *id;
        json_array_foreach(ids, i, id) if (!json_is_string(id) || json_string_length(id) > SECDB_FIELD_MAX)
            return "a secfixes id is not a string";
    }
    return NULL;
}

/* One id (maybe several separated by blanks, as some entries are written)
 * fixed in version of package, or never affecting it (version "0"). */
static int add_fix(vdb_writer *w, vg_vulndb_source_report *src, const char *ecosystem,
                   const char *package, const char *version, const char *ids)
{
    const char *p = ids;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0)
            break;
        char id[SECDB_FIELD_MAX + 1];
        snprintf(id, sizeof id, "%.*s", (int)len, start);
        vdb_advisory_row row = {.scope = src->name, .id = id, .source = src->name};
        int64_t adv, aff;
        int inserted, st;
        if ((st = vdb_add_advisory(w, &row, &adv, &inserted)))
            return st;
        int never = strcmp(version, "0") == 0;
        vdb_affected_row arow = {.adv = adv,
                                 .ecosystem = ecosystem,
                                 .name = package,
                                 .is_source = 1,
                                 .status = never ? "not-affected" : "fixed"};
        if ((st = vdb_add_affected(w, &arow, &aff)))
            return st;
        if (!never && (st = vdb_add_fixed_range(w, aff, version)))
            return st;
    }
    return VG_OK;
}

int vdb_secdb_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root)
{
    json_t *packages = json_object_get(root, "packages");
    if (!json_is_object(root) || !(json_is_array(packages) || json_is_null(packages))) {
        src->records_read++;
        vdb_skip(w, src, file, "not a secdb document (no \"packages\" array)");
        return VG_OK;
    }
    const char *distroversion = vdb_json_str(root, "distroversion");
    char ecosystem[128];
    if (distroversion && distroversion[0] && strlen(distroversion) < 64)
        snprintf(ecosystem, sizeof ecosystem, "Alpine:%s%s", distroversion[0] == 'v' ? "" : "v",
                 distroversion);
    else if (strncmp(src->name, "chainguard", 10) == 0)
        snprintf(ecosystem, sizeof ecosystem, "Chainguard");
    else
        snprintf(ecosystem, sizeof ecosystem, "Wolfi");
    size_t i;
    json_t *p;
    json_array_foreach(packages, i, p)
    {
        src->records_read++;
        const char *why = secdb_check(p);
        if (why) {
            vdb_skip(w, src, file, "packages[%zu]: %s", i, why);
            continue;
        }
        json_t *pkg = json_object_get(p, "pkg");
        const char *name = vdb_json_str(pkg, "name");
        const char *version;
        json_t *ids;
        json_object_foreach(json_object_get(pkg, "secfixes"), version, ids)
        {
            size_t k;
            json_t *id;
            json_array_foreach(ids, k, id)
            {
                int st = add_fix(w, src, ecosystem, name, version, json_string_value(id));
                if (st)
                    return st;
            }
        }
        src->records_imported++;
    }
    return VG_OK;
}

int vdb_secdb_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                     size_t len)
{
    return vdb_json_buffer(w, src, file, data, len, 0, vdb_secdb_json);
}
