/*
 * version.c — dispatch from an ecosystem name (OSV ecosystem or purl type,
 * the table in include/vigil/version.h) to one comparator per versioning
 * scheme, plus the digit-string helpers the comparators share.
 *
 * It implements no ordering itself; see the scheme files (dpkg.c, rpm.c,
 * apk.c, semver.c, pep440.c, maven.c, rubygems.c, golang.c, cargo.c,
 * nuget.c, composer.c) and docs/versions.md.
 */
#include <string.h>

#include "vigil/version.h"
#include "version/version_internal.h"

typedef struct scheme_ops {
    const char *name;
    int (*compare)(const char *a, const char *b, int *out);
    int (*valid)(const char *v);
} scheme_ops;

static const scheme_ops SCHEMES[] = {
    [VG_VERSION_UNKNOWN] = {"unknown", NULL, NULL},
    [VG_VERSION_DPKG] = {"dpkg", version_cmp_dpkg, version_valid_dpkg},
    [VG_VERSION_RPM] = {"rpm", version_cmp_rpm, version_valid_rpm},
    [VG_VERSION_APK] = {"apk", version_cmp_apk, version_valid_apk},
    [VG_VERSION_SEMVER] = {"semver", version_cmp_semver, version_valid_semver},
    [VG_VERSION_PEP440] = {"pep440", version_cmp_pep440, version_valid_pep440},
    [VG_VERSION_MAVEN] = {"maven", version_cmp_maven, version_valid_maven},
    [VG_VERSION_RUBYGEMS] = {"rubygems", version_cmp_rubygems, version_valid_rubygems},
    [VG_VERSION_GO] = {"go", version_cmp_go, version_valid_go},
    [VG_VERSION_CARGO] = {"cargo", version_cmp_cargo, version_valid_cargo},
    [VG_VERSION_NUGET] = {"nuget", version_cmp_nuget, version_valid_nuget},
    [VG_VERSION_COMPOSER] = {"composer", version_cmp_composer, version_valid_composer},
};
#define NSCHEMES (sizeof SCHEMES / sizeof SCHEMES[0])

/* OSV ecosystem names and purl types; matched case-insensitively against
 * the part of the caller's name before the first ':'. */
static const struct {
    const char *name;
    vg_version_scheme scheme;
} ECOSYSTEMS[] = {
    {"Debian", VG_VERSION_DPKG}, {"Ubuntu", VG_VERSION_DPKG}, {"deb", VG_VERSION_DPKG},
    {"Red Hat", VG_VERSION_RPM}, {"Rocky Linux", VG_VERSION_RPM},
    {"AlmaLinux", VG_VERSION_RPM}, {"SUSE", VG_VERSION_RPM}, {"openSUSE", VG_VERSION_RPM},
    {"openEuler", VG_VERSION_RPM}, {"Mageia", VG_VERSION_RPM}, {"Photon OS", VG_VERSION_RPM},
    {"Azure Linux", VG_VERSION_RPM}, {"CBL-Mariner", VG_VERSION_RPM},
    {"Fedora", VG_VERSION_RPM}, {"CentOS", VG_VERSION_RPM}, {"Oracle Linux", VG_VERSION_RPM},
    {"Amazon Linux", VG_VERSION_RPM}, {"rpm", VG_VERSION_RPM},
    {"Alpine", VG_VERSION_APK}, {"Wolfi", VG_VERSION_APK}, {"Chainguard", VG_VERSION_APK},
    {"Alpaquita", VG_VERSION_APK}, {"BellSoft Hardened Containers", VG_VERSION_APK},
    {"postmarketOS", VG_VERSION_APK}, {"apk", VG_VERSION_APK},
    {"npm", VG_VERSION_SEMVER}, {"SemVer", VG_VERSION_SEMVER},
    {"PyPI", VG_VERSION_PEP440},
    {"Maven", VG_VERSION_MAVEN},
    {"RubyGems", VG_VERSION_RUBYGEMS}, {"gem", VG_VERSION_RUBYGEMS},
    {"Go", VG_VERSION_GO}, {"golang", VG_VERSION_GO},
    {"crates.io", VG_VERSION_CARGO}, {"cargo", VG_VERSION_CARGO},
    {"NuGet", VG_VERSION_NUGET},
    {"Packagist", VG_VERSION_COMPOSER}, {"composer", VG_VERSION_COMPOSER},
};

vg_version_scheme vg_version_scheme_for(const char *ecosystem)
{
    if (!ecosystem)
        return VG_VERSION_UNKNOWN;
    size_t len = strcspn(ecosystem, ":");
    for (size_t i = 0; i < sizeof ECOSYSTEMS / sizeof ECOSYSTEMS[0]; i++) {
        if (strlen(ECOSYSTEMS[i].name) == len && strncasecmp(ECOSYSTEMS[i].name, ecosystem, len) == 0)
            return ECOSYSTEMS[i].scheme;
    }
    return VG_VERSION_UNKNOWN;
}

const char *vg_version_scheme_name(vg_version_scheme scheme)
{
    if ((unsigned)scheme >= NSCHEMES)
        return "unknown";
    return SCHEMES[scheme].name;
}

/* VG_OK when v is at most VG_VERSION_MAX_LEN bytes, else VG_ERR_LIMIT. */
static int check_length(const char *v)
{
    return memchr(v, '\0', VG_VERSION_MAX_LEN + 1) ? VG_OK : VG_ERR_LIMIT;
}

int vg_version_compare_scheme(vg_version_scheme scheme, const char *a, const char *b, int *out)
{
    if (!a || !b || !out)
        return VG_ERR_USAGE;
    if ((unsigned)scheme >= NSCHEMES || !SCHEMES[scheme].compare)
        return VG_ERR_UNSUPPORTED;
    int status = check_length(a);
    if (status == VG_OK)
        status = check_length(b);
    if (status != VG_OK)
        return status;
    int result = 0;
    status = SCHEMES[scheme].compare(a, b, &result);
    if (status == VG_OK)
        *out = version_sign(result);
    return status;
}

int vg_version_compare(const char *ecosystem, const char *a, const char *b, int *out)
{
    return vg_version_compare_scheme(vg_version_scheme_for(ecosystem), a, b, out);
}

int vg_version_valid_scheme(vg_version_scheme scheme, const char *version)
{
    if (!version)
        return VG_ERR_USAGE;
    if ((unsigned)scheme >= NSCHEMES || !SCHEMES[scheme].valid)
        return VG_ERR_UNSUPPORTED;
    int status = check_length(version);
    return status != VG_OK ? status : SCHEMES[scheme].valid(version);
}

int vg_version_valid(const char *ecosystem, const char *version)
{
    return vg_version_valid_scheme(vg_version_scheme_for(ecosystem), version);
}

size_t version_digits_span(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && version_is_digit((unsigned char)s[n]))
        n++;
    return n;
}

int version_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && *a == '0')
        a++, alen--;
    while (blen > 0 && *b == '0')
        b++, blen--;
    if (alen != blen)
        return alen < blen ? -1 : 1;
    if (alen == 0)
        return 0;
    int r = memcmp(a, b, alen);
    return version_sign(r);
}
