/*
 * cargo.c — crates.io version ordering: Semantic Versioning 2.0.0 as the
 * Rust "semver" crate 1.0 parses it (Version::parse: no "v", no white
 * space, no leading zeros in major/minor/patch or numeric prerelease
 * identifiers, major/minor/patch within u64) and SemVer 2.0.0 precedence,
 * which is what OSV's SEMVER ranges for crates.io use.
 *
 * Left out: the crate's Ord on Version also orders versions of equal
 * precedence by their build metadata; precedence ignores build metadata
 * (SemVer 2.0.0 section 10), so vigil reports 1.0.0+a and 1.0.0+b equal.
 */
#include <string.h>

#include "version/semver_internal.h"
#include "version/version_internal.h"

static const semver_rules CARGO_RULES = {.max_number = "18446744073709551615"};

int version_valid_cargo(const char *v)
{
    semver parsed;
    return semver_parse(v, strlen(v), &CARGO_RULES, &parsed);
}

int version_cmp_cargo(const char *a, const char *b, int *out)
{
    semver va, vb;
    if (semver_parse(a, strlen(a), &CARGO_RULES, &va) != VG_OK ||
        semver_parse(b, strlen(b), &CARGO_RULES, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    *out = semver_precedence(&va, &vb);
    return VG_OK;
}
