/*
 * distro.c — which feed ecosystem a component is matched in: the OSV
 * ecosystem name of a distribution release from os-release(5) (OSV schema
 * 1.6, "affected[].package" ecosystem table), and of a language package
 * type (purl types, purl-spec PURL-TYPES.rst).
 *
 * Distributions: debian ("Debian:12"; without VERSION_ID, the codename:
 * "Debian:trixie"), ubuntu ("Ubuntu:22.04:LTS" for the April releases of
 * even years, else "Ubuntu:23.10"), alpine ("Alpine:v3.10" from 3.10.9),
 * wolfi ("Wolfi"), chainguard ("Chainguard"), almalinux ("AlmaLinux:9"),
 * rocky ("Rocky Linux:9"), rhel ("Red Hat:enterprise_linux:9::baseos",
 * the CPE-derived product streams of OSV's Red Hat ecosystem; see
 * match_os_ecosystems() for the list), sles/sled/sle-micro
 * ("SUSE:" + PRETTY_NAME), opensuse-* ("openSUSE:" + PRETTY_NAME).
 *
 * Leaves out: Ubuntu Pro/ESM streams, Oracle/Amazon/Photon/Mariner (no
 * feed vigil reads yet), CPE-based guesses.
 */
#include <ctype.h>
#include <string.h>

#include "match/match_internal.h"

/* The first n dot-separated numeric parts of version ("3.10.9", 2 ->
 * "3.10"), in arena; NULL when version does not start with them. */
static const char *leading_parts(vg_arena *arena, const char *version, int n)
{
    if (!version)
        return NULL;
    const char *p = version;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
        if (i + 1 < n) {
            if (*p != '.')
                return NULL;
            p++;
        }
    }
    return vg_arena_strndup(arena, version, (size_t)(p - version));
}

static int os_is(const vg_os *os, const char *id)
{
    return os->id && strcmp(os->id, id) == 0;
}

size_t match_os_ecosystems(vg_arena *arena, const vg_os *os, const char **out, size_t max)
{
    if (!os || !os->id || max < 3)
        return 0;
    size_t n = 0;
    if (os_is(os, "debian")) {
        const char *major = leading_parts(arena, os->version_id, 1);
        if (major)
            out[n++] = vg_arena_printf(arena, "Debian:%s", major);
        else if (os->version_codename && *os->version_codename)
            out[n++] = vg_arena_printf(arena, "Debian:%s", os->version_codename);
    } else if (os_is(os, "ubuntu")) {
        const char *v = leading_parts(arena, os->version_id, 2);
        if (v) {
            /* LTS releases are the April releases of even years. */
            int year = (v[0] - '0') * 10 + (v[1] - '0');
            int lts = strlen(v) == 5 && strcmp(v + 2, ".04") == 0 && year % 2 == 0;
            out[n++] = vg_arena_printf(arena, "Ubuntu:%s%s", v, lts ? ":LTS" : "");
        }
    } else if (os_is(os, "alpine")) {
        const char *v = leading_parts(arena, os->version_id, 2);
        if (v)
            out[n++] = vg_arena_printf(arena, "Alpine:v%s", v);
    } else if (os_is(os, "wolfi")) {
        out[n++] = "Wolfi";
    } else if (os_is(os, "chainguard")) {
        out[n++] = "Chainguard";
    } else if (os_is(os, "almalinux") || os_is(os, "rocky")) {
        const char *major = leading_parts(arena, os->version_id, 1);
        if (major)
            out[n++] = vg_arena_printf(arena, "%s:%s", os_is(os, "rocky") ? "Rocky Linux" : "AlmaLinux",
                                       major);
    } else if (os_is(os, "rhel")) {
        /* OSV's Red Hat ecosystem is "Red Hat:" + the product stream's CPE
         * without "cpe:/[oa]:redhat:"; a RHEL N system draws from BaseOS,
         * AppStream and CodeReady Builder. */
        const char *major = leading_parts(arena, os->version_id, 1);
        if (major) {
            out[n++] = vg_arena_printf(arena, "Red Hat:enterprise_linux:%s::baseos", major);
            out[n++] = vg_arena_printf(arena, "Red Hat:enterprise_linux:%s::appstream", major);
            out[n++] = vg_arena_printf(arena, "Red Hat:enterprise_linux:%s::crb", major);
        }
    } else if (os_is(os, "sles") || os_is(os, "sled") || os_is(os, "sle-micro") || os_is(os, "sle_hpc")) {
        if (os->pretty_name && *os->pretty_name)
            out[n++] = vg_arena_printf(arena, "SUSE:%s", os->pretty_name);
    } else if (strncmp(os->id, "opensuse", 8) == 0) {
        if (os->pretty_name && *os->pretty_name)
            out[n++] = vg_arena_printf(arena, "openSUSE:%s", os->pretty_name);
    }
    for (size_t i = 0; i < n; i++)
        if (!out[i])
            return 0; /* OOM */
    return n;
}

const char *vg_match_os_ecosystem(vg_arena *arena, const vg_os *os)
{
    const char *list[4];
    return match_os_ecosystems(arena, os, list, 4) ? list[0] : NULL;
}

const char *vg_match_language_ecosystem(const char *type)
{
    static const struct {
        const char *type, *ecosystem;
    } table[] = {
        {"golang", "Go"},     {"pypi", "PyPI"},       {"npm", "npm"},         {"maven", "Maven"},
        {"cargo", "crates.io"}, {"gem", "RubyGems"},  {"nuget", "NuGet"},     {"composer", "Packagist"},
        {"hex", "Hex"},       {"pub", "Pub"},
    };
    if (!type)
        return NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].type, type) == 0)
            return table[i].ecosystem;
    return NULL;
}

int match_os_family_known(const char *id)
{
    static const char *const families[] = {"debian", "ubuntu", "alpine", "almalinux", "rocky", "rhel",
                                           "sles", "sled", "sle-micro", "sle_hpc"};
    if (!id)
        return 0;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strcmp(families[i], id) == 0)
            return 1;
    return strncmp(id, "opensuse", 8) == 0;
}

const char *match_os_package_type(const char *id)
{
    if (!id)
        return NULL;
    if (strcmp(id, "debian") == 0 || strcmp(id, "ubuntu") == 0)
        return "deb";
    if (strcmp(id, "alpine") == 0 || strcmp(id, "wolfi") == 0 || strcmp(id, "chainguard") == 0)
        return "apk";
    if (match_os_family_known(id))
        return "rpm";
    return NULL;
}

int match_is_os_type(const char *type)
{
    return type && (strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 || strcmp(type, "rpm") == 0);
}
