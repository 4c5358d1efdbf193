/*
 * version.h — version ordering per package ecosystem, and npm range matching.
 *
 * One comparator per versioning scheme (src/version/NAME.c), behind one
 * dispatch function that takes the ecosystem by name.  Each comparator
 * implements the ordering of the ecosystem's reference tool exactly; the
 * differential tests (tests/e2e/version_*.sh) compare it with that tool on
 * the documented edge cases and >= 100 000 generated pairs.  docs/versions.md
 * names the rules and references of every scheme.
 *
 * Contract shared by every function here:
 * - No allocation, no global state, thread-safe; stack use is bounded.
 * - Inputs are NUL-terminated strings; an input longer than
 *   VG_VERSION_MAX_LEN bytes is refused with VG_ERR_LIMIT (ranges:
 *   VG_RANGE_MAX_LEN).
 * - A string that the scheme does not accept as a version is refused with
 *   VG_ERR_FORMAT: the comparators never guess an order for it (where the
 *   reference tool itself orders invalid strings, e.g. apk's string-sort
 *   fallback, docs/versions.md says so and vigil still refuses them).
 * - Numeric parts of any length compare as numbers (digit strings, never
 *   converted to machine integers), so 20-digit snapshots order correctly.
 *
 * Ecosystem names (case-insensitive; anything from the first ':' on is a
 * release qualifier and ignored, so "Debian:12", "Alpine:v3.20",
 * "Ubuntu:22.04:LTS", "Rocky Linux:9", "Red Hat:enterprise_linux:9::appstream"
 * all work).  OSV ecosystem names and purl types:
 *
 *   scheme     OSV ecosystem                                   purl type
 *   DPKG       Debian, Ubuntu                                  deb
 *   RPM        Red Hat, Rocky Linux, AlmaLinux, SUSE,           rpm
 *              openSUSE, openEuler, Mageia, Photon OS,
 *              Azure Linux, CBL-Mariner, Fedora, CentOS,
 *              Oracle Linux, Amazon Linux
 *   APK        Alpine, Wolfi, Chainguard, Alpaquita, BellSoft   apk
 *              Hardened Containers, postmarketOS
 *   SEMVER     npm (and "SemVer": plain SemVer 2.0.0)          npm
 *   PEP440     PyPI                                            pypi
 *   MAVEN      Maven                                           maven
 *   RUBYGEMS   RubyGems                                        gem
 *   GO         Go                                              golang
 *   CARGO      crates.io                                       cargo
 *   NUGET      NuGet                                           nuget
 *   COMPOSER   Packagist                                       composer
 *
 * OSV range sentinels ("introduced": "0") are not versions in most schemes;
 * the caller handles them before comparing.
 */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#include <stddef.h>
#include "vigil/error.h"

#define VG_VERSION_MAX_LEN 1024 /* longer versions: VG_ERR_LIMIT */
#define VG_RANGE_MAX_LEN 4096   /* longer npm ranges: VG_ERR_LIMIT */

typedef enum vg_version_scheme {
    VG_VERSION_UNKNOWN = 0,
    VG_VERSION_DPKG = 1,     /* Debian Policy 5.6.12, dpkg's verrevcmp */
    VG_VERSION_RPM = 2,      /* rpm's rpmvercmp, [epoch:]version[-release], ~ and ^ */
    VG_VERSION_APK = 3,      /* apk-tools version.c */
    VG_VERSION_SEMVER = 4,   /* SemVer 2.0.0 precedence (npm "semver" package, strict) */
    VG_VERSION_PEP440 = 5,   /* PEP 440 / packaging.version.Version */
    VG_VERSION_MAVEN = 6,    /* Maven ComparableVersion */
    VG_VERSION_RUBYGEMS = 7, /* Gem::Version */
    VG_VERSION_GO = 8,       /* golang.org/x/mod/semver (optional leading "v") */
    VG_VERSION_CARGO = 9,    /* SemVer 2.0.0 as the Rust semver crate orders it */
    VG_VERSION_NUGET = 10,   /* NuGet.Versioning NuGetVersion */
    VG_VERSION_COMPOSER = 11,/* composer/semver VersionParser + Comparator */
} vg_version_scheme;

/* The scheme of an OSV ecosystem name or purl type (see the table above);
 * VG_VERSION_UNKNOWN for NULL or an unknown name. */
vg_version_scheme vg_version_scheme_for(const char *ecosystem);

/* Short lower-case name of a scheme ("dpkg", "rpm", ... ; "unknown"). */
const char *vg_version_scheme_name(vg_version_scheme scheme);

/* Compares versions a and b of an ecosystem.  On VG_OK *out is < 0, 0 or
 * > 0 as a orders before, equal to or after b (equal means "the same
 * version", e.g. dpkg "1.0" and "0:1.0", SemVer build metadata ignored).
 * Returns VG_ERR_UNSUPPORTED for an unknown ecosystem, VG_ERR_FORMAT when a
 * or b is not a valid version of it, VG_ERR_LIMIT when one is too long,
 * VG_ERR_USAGE for NULL arguments.  *out is untouched on error. */
int vg_version_compare(const char *ecosystem, const char *a, const char *b, int *out);

/* The same with the scheme given directly (for loops over many versions). */
int vg_version_compare_scheme(vg_version_scheme scheme, const char *a, const char *b,
                              int *out);

/* VG_OK when version is a valid version of ecosystem, otherwise the status
 * vg_version_compare() would return for it. */
int vg_version_valid(const char *ecosystem, const char *version);
int vg_version_valid_scheme(vg_version_scheme scheme, const char *version);

/* npm range semantics (node-semver 7 "satisfies", default options: no
 * loose parsing, prereleases only match a comparator set that names a
 * prerelease of the same major.minor.patch).  range is e.g.
 * ">=1.2.3 <2.0.0 || ^3.1", "~1.2", "1.x", "1.2.3 - 2.3", "*", "".
 * On VG_OK *out is 1 when version satisfies range, else 0.  Returns
 * VG_ERR_FORMAT for a range npm rejects or an invalid version, VG_ERR_LIMIT
 * for oversized input, VG_ERR_USAGE for NULL arguments. */
int vg_semver_range_match(const char *range, const char *version, int *out);

#endif
