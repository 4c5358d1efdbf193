/*
 * match_internal.h — what match.c and distro.c share inside src/match/.
 * Not a public interface.
 */
#ifndef VIGIL_MATCH_INTERNAL_H
#define VIGIL_MATCH_INTERNAL_H

#include <stddef.h>

#include "vigil/map.h"
#include "vigil/match.h"

/* Every OSV ecosystem the OS packages of os are matched in (a RHEL system
 * has several product streams), at most max (>= 3) into out, strings in
 * arena.  Returns the count; 0 for an unknown distribution or on OOM. */
size_t match_os_ecosystems(vg_arena *arena, const vg_os *os, const char **out, size_t max);

/* Nonzero for the distribution package types deb, apk and rpm. */
int match_is_os_type(const char *type);

/* Nonzero for an os-release ID whose releases match_os_ecosystems() maps
 * (so that a missing VERSION_ID is "release unknown", not "no feed"). */
int match_os_family_known(const char *id);

/* The package type of a distribution vigil has feeds for ("deb" for
 * debian, "apk" for alpine, "rpm" for almalinux...), or NULL. */
const char *match_os_package_type(const char *id);

/* The purl namespace and name of c joined as the ecosystem names packages
 * ("group:artifact" for Maven, "@scope/name" for npm, "vendor/name" for
 * Composer, the module path for Go), or c->name.  NULL on OOM. */
const char *match_language_name(vg_arena *arena, const vg_component *c);

/* ---- coverage (coverage.c) ---------------------------------------------- */

/* What one component is matched with. */
typedef struct match_target {
    int matchable;               /* 1: look it up (coverage checked) */
    const char *ecosystems[4];   /* feed ecosystems, e.g. the RHEL product streams */
    size_t necosystems;
    const char *names[2];
    int source_query[2];         /* names[i] is a source package name */
    size_t nnames;
    const char *version;         /* the version compared (Debian: the source version) */
    int modular;                 /* rpm: a module build (release ".module...") */
    const char *module_stream;   /* rpm: "NAME:STREAM" of its modularity label, or NULL */
} match_target;

typedef struct match_coverage {
    vg_ctx *ctx;
    vg_vulndb *db;
    vg_arena *arena;             /* the findings' arena */
    const vg_inventory *inv;
    const vg_os *distro;         /* --distro, or NULL */
    int include_distro_managed;
    vg_map ecos;                 /* ecosystem -> what the database holds for it */
    vg_map owners;               /* component pointer -> the OS package that installed it */
} match_coverage;

int match_coverage_init(match_coverage *mc, vg_ctx *ctx, vg_vulndb *db, vg_arena *arena,
                        const vg_inventory *inv, const vg_match_options *opts);
void match_coverage_free(match_coverage *mc);
/* The OS the target is matched as: --distro, else its os-release, or NULL. */
const vg_os *match_target_os(const match_coverage *mc);
/* Decides cov for c (status, ecosystem, sources, reason) and fills t;
 * t->matchable says whether to look c up.  A component installed by an OS
 * package is left for match_coverage_finish() (cov->via set), and looked
 * up upstream only with include_distro_managed. */
int match_coverage_decide(match_coverage *mc, const vg_component *c, vg_coverage *cov, match_target *t);
/* After matching: checked entries with unevaluable advisories become
 * partial, owned packages take their owner's coverage, and the counts of
 * findings are set. */
int match_coverage_finish(match_coverage *mc, vg_findings *findings);

#endif
