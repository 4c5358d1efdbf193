/*
 * golang.c — Go module version ordering, as golang.org/x/mod/semver (v0.7)
 * defines it: Semantic Versioning 2.0.0 with a leading "v", shorthands
 * "v1" and "v1.2" (= v1.0.0, v1.2.0, without prerelease or build), and
 * build metadata ignored — so "+incompatible" versions order by their
 * semver part.  Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5,
 * vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef, vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef)
 * are ordinary prereleases under these rules and need no special case.
 *
 * Numbers may have any number of digits.  Unlike x/mod/semver, the "v" is
 * optional, because OSV's Go records write versions without it
 * ("fixed": "1.2.3"); invalid strings are refused, not ordered first.
 */
#include <string.h>

#include "version/semver_internal.h"
#include "version/version_internal.h"

static const semver_rules GO_RULES = {.v_prefix = 2, .shorthand = 1};

int version_valid_go(const char *v)
{
    semver parsed;
    return semver_parse(v, strlen(v), &GO_RULES, &parsed);
}

int version_cmp_go(const char *a, const char *b, int *out)
{
    semver va, vb;
    if (semver_parse(a, strlen(a), &GO_RULES, &va) != VG_OK ||
        semver_parse(b, strlen(b), &GO_RULES, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    *out = semver_precedence(&va, &vb);
    return VG_OK;
}
