/*
 * npm_common.h — what the npm-ecosystem catalogers share (npm.c for
 * node_modules and package-lock.json / npm-shrinkwrap.json, yarn.c for
 * yarn.lock, pnpm.c for pnpm-lock.yaml): where a package came from, its
 * package URL, and one component per package identity and lock file.
 *
 * Identity rules (the same for every npm format; docs/formats.md, "npm"):
 * - registry packages: version = the registry version, purl
 *   pkg:npm/%40scope/name@version (PURL-TYPES.rst, npm: the scope is the
 *   namespace; namespace and name lower-cased);
 * - git dependencies: version = the commit the lock file records (the text
 *   after '#', without berry's "commit="), purl with that commit as version
 *   and vcs_url = the resolved git URL; the package.json version goes to the
 *   property vigil:npm:declared-version.  No registry version is claimed;
 * - remote tarballs that are not registry tarballs (a registry tarball URL
 *   is ".../-/BASENAME.tgz"): version as declared, purl without version,
 *   download_url = the URL;
 * - local code (file:, link:, workspace:, portal:, directories): version
 *   as declared, purl without version.
 * Aliases always use the real package name; the alias goes to the property
 * vigil:npm:alias.
 */
#ifndef VIGIL_CATALOG_NPM_COMMON_H
#define VIGIL_CATALOG_NPM_COMMON_H

#include <stddef.h>

#include "vigil/catalog.h"
#include "vigil/map.h"

#define NPM_LOCK_MAX_SIZE ((size_t)128 << 20) /* largest lock file read */
#define NPM_MAX_PACKAGES 200000               /* packages kept from one lock file */

typedef enum npm_origin {
    NPM_ORIGIN_REGISTRY = 0,
    NPM_ORIGIN_GIT,
    NPM_ORIGIN_TARBALL,
    NPM_ORIGIN_LOCAL,
} npm_origin;

/* Where a resolved URL or version specifier points: "git+ssh://…",
 * "github:u/r#…" → git; "file:", "link:", "workspace:", "portal:", "exec:"
 * and relative paths → local; http(s) URLs → registry when their path is a
 * registry tarball (".../-/X.tgz"), else tarball; anything else (a plain
 * version, NULL) → registry. */
npm_origin npm_origin_of(const char *spec);

/* The git commit named by a git spec ("…#SHA", "…#commit=SHA"), or NULL;
 * allocated in arena. */
char *npm_git_commit(vg_arena *arena, const char *spec);

/* path[0..len) has a directory component "node_modules" (lock files there
 * belong to an installed dependency, not to a project). */
int npm_under_node_modules(const char *path, size_t len);

/* Splits "NAME@RANGE" at the first '@' after the first character (so a
 * scoped "@s/n@1" splits after "@s/n").  Returns the length of NAME, or 0
 * when there is no such '@'. */
size_t npm_descriptor_name_len(const char *descriptor);

/* What a cataloger knows about one package. */
typedef struct npm_package {
    const char *name;     /* real package name ("@scope/name" or "name"); required */
    const char *version;  /* version as declared (package.json / lock), may be NULL */
    npm_origin origin;
    const char *url;      /* git URL / tarball URL / local spec for the purl, may be NULL */
    const char *commit;   /* git commit, may be NULL */
    vg_scope scope;
} npm_package;

/* A new npm component for pkg found in location (arena copies of every
 * string, repaired to valid UTF-8; *bad_utf8 set when anything was
 * replaced): type "npm", name, version, purl per the identity rules above,
 * cataloger, location, layer, scope.  NULL on OOM. */
vg_component *npm_component_new(vg_catalog_run *run, const char *cataloger, const npm_package *pkg,
                                const char *location, int layer, int *bad_utf8);

/* One lock file being turned into components: the same identity (name,
 * version, purl) found at several places of the lock is one component,
 * whose scope is the widest of them (required over optional over dev). */
typedef struct npm_lock {
    vg_catalog_run *run;
    const char *cataloger;
    const char *path;     /* borrowed vg_file path, for warnings */
    const char *location; /* arena copy of the path */
    int layer;
    vg_map identities;    /* "name\1version\1purl" -> vg_component */
    vg_component *application; /* the project, when the lock file names it */
    size_t npackages;
    int bad_utf8;
    int too_many;         /* NPM_MAX_PACKAGES was reached */
} npm_lock;

/* VG_OK or VG_ERR_NOMEM (with ctx message). */
int npm_lock_init(npm_lock *lock, vg_catalog_run *run, const char *cataloger, const vg_file *file);
/* Adds CONTAINS from the application (if any) to every package of the
 * lock, warns about repaired UTF-8 and the package limit, frees the map.
 * Call once, also on error paths (then with ok = 0: no edges are added).
 * VG_OK or VG_ERR_NOMEM. */
int npm_lock_done(npm_lock *lock, int ok);
/* The component for pkg in this lock file: an existing one with the same
 * identity (its scope widened) or a new one (*created = 1).  *out is NULL
 * with VG_OK when the package limit is reached.  VG_OK or VG_ERR_NOMEM. */
int npm_lock_package(npm_lock *lock, const npm_package *pkg, vg_component **out, int *created);
/* Creates lock->application, the project the lock file describes (name
 * required; version may be NULL).  VG_OK or VG_ERR_NOMEM. */
int npm_lock_application(npm_lock *lock, const char *name, const char *version);
/* DEPENDS_ON from -> to, ignoring NULL ends and self-edges. */
int npm_depends(vg_catalog_run *run, vg_component *from, vg_component *to);
/* Sets property name=value when value is non-NULL and non-empty. */
int npm_property(vg_catalog_run *run, vg_component *c, const char *name, const char *value);

#endif
