/*
 * npm_common.c — identity, package URLs and per-lock-file de-duplication
 * shared by the npm, yarn and pnpm catalogers (npm_common.h).  The purl
 * rules are PURL-TYPES.rst, type "npm": the scope ("@scope") is the
 * namespace, namespace and name are lower-cased; vg_purl_format() does the
 * percent-encoding ('@' becomes %40).
 */
#include <string.h>

#include "catalog/npm_common.h"
#include "catalog/pkgdb_text.h"
#include "vigil/purl.h"

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A registry tarball URL: its path (before any '?' or '#') contains "/-/"
 * and ends with ".tgz" — the layout of every npm registry. */
static int is_registry_tarball(const char *url)
{
    size_t end = strcspn(url, "?#");
    const char *dash = NULL;
    for (size_t i = 0; i + 3 <= end; i++)
        if (memcmp(url + i, "/-/", 3) == 0)
            dash = url + i;
    return dash && end >= 4 && memcmp(url + end - 4, ".tgz", 4) == 0;
}

npm_origin npm_origin_of(const char *spec)
{
    if (!spec || !*spec)
        return NPM_ORIGIN_REGISTRY;
    static const char *const git[] = {"git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:"};
    for (size_t i = 0; i < sizeof git / sizeof git[0]; i++)
        if (has_prefix(spec, git[i]))
            return NPM_ORIGIN_GIT;
    static const char *const local[] = {"file:", "link:", "workspace:", "portal:", "exec:", "./", "../", "/", "~/"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        if (has_prefix(spec, local[i]))
            return NPM_ORIGIN_LOCAL;
    if (has_prefix(spec, "http://") || has_prefix(spec, "https://")) {
        /* yarn berry writes git dependencies as https URLs with "#commit=" */
        const char *hash = strchr(spec, '#');
        if (hash && (strstr(hash, "commit=") || strstr(spec, ".git#")))
            return NPM_ORIGIN_GIT;
        return is_registry_tarball(spec) ? NPM_ORIGIN_REGISTRY : NPM_ORIGIN_TARBALL;
    }
    return NPM_ORIGIN_REGISTRY;
}

char *npm_git_commit(vg_arena *arena, const char *spec)
{
    const char *hash = spec ? strchr(spec, '#') : NULL;
    if (!hash || !hash[1])
        return NULL;
    const char *commit = strstr(hash, "commit=");
    commit = commit ? commit + 7 : hash + 1;
    size_t len = strcspn(commit, "&");
    return len ? vg_arena_strndup(arena, commit, len) : NULL;
}

int npm_under_node_modules(const char *path, size_t len)
{
    static const char nm[] = "node_modules/";
    for (size_t i = 0; i + sizeof nm - 1 <= len; i++) {
        const char *n = memchr(path + i, 'n', len - i);
        if (!n)
            return 0;
        i = (size_t)(n - path);
        if (i + sizeof nm - 1 <= len && (i == 0 || path[i - 1] == '/') && memcmp(n, nm, sizeof nm - 1) == 0)
            return 1;
    }
    return 0;
}

size_t npm_descriptor_name_len(const char *descriptor)
{
    const char *at = descriptor[0] ? strchr(descriptor + 1, '@') : NULL;
    return at ? (size_t)(at - descriptor) : 0;
}

/* Lower-cased arena copy of s[0..len). */
static char *lower_copy(vg_arena *arena, const char *s, size_t len)
{
    char *out = vg_arena_strndup(arena, s, len);
    if (out)
        for (char *p = out; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    return out;
}

/* The identity of a package: copies of its strings, its version and purl. */
typedef struct npm_identity {
    const char *name, *version, *purl, *declared, *url;
    npm_origin origin;
    vg_scope scope;
} npm_identity;

/* Fills id from pkg (arena copies, valid UTF-8).  VG_OK or VG_ERR_NOMEM. */
static int npm_identity_of(vg_arena *arena, const npm_package *pkg, int *bad_utf8, npm_identity *id)
{
    memset(id, 0, sizeof *id);
    id->origin = pkg->origin;
    id->scope = pkg->scope;
    id->name = vg_text_utf8_copy(arena, pkg->name, strlen(pkg->name), bad_utf8);
    if (!id->name)
        return VG_ERR_NOMEM;
    if (pkg->version && *pkg->version &&
        !(id->declared = vg_text_utf8_copy(arena, pkg->version, strlen(pkg->version), bad_utf8)))
        return VG_ERR_NOMEM;
    if (pkg->url && *pkg->url && !(id->url = vg_text_utf8_copy(arena, pkg->url, strlen(pkg->url), bad_utf8)))
        return VG_ERR_NOMEM;
    const char *commit = NULL;
    if (pkg->commit && *pkg->commit && !(commit = vg_text_utf8_copy(arena, pkg->commit, strlen(pkg->commit), bad_utf8)))
        return VG_ERR_NOMEM;
    if (pkg->origin == NPM_ORIGIN_GIT && !commit && id->url)
        commit = npm_git_commit(arena, id->url);

    /* namespace = "@scope" of "@scope/name" */
    const char *slash = id->name[0] == '@' ? strchr(id->name, '/') : NULL;
    char *ns = slash ? lower_copy(arena, id->name, (size_t)(slash - id->name)) : NULL;
    const char *base = slash ? slash + 1 : id->name;
    char *purl_name = lower_copy(arena, base, strlen(base));
    if ((slash && !ns) || !purl_name)
        return VG_ERR_NOMEM;

    const char *purl_version = NULL;
    vg_purl_qualifier q[1] = {{NULL, NULL}};
    size_t nq = 0;
    id->version = id->declared;
    switch (pkg->origin) {
    case NPM_ORIGIN_REGISTRY: purl_version = id->declared; break;
    case NPM_ORIGIN_GIT:
        id->version = purl_version = commit;
        if (id->url)
            q[nq++] = (vg_purl_qualifier){"vcs_url", id->url};
        break;
    case NPM_ORIGIN_TARBALL:
        if (id->url)
            q[nq++] = (vg_purl_qualifier){"download_url", id->url};
        break;
    case NPM_ORIGIN_LOCAL: break;
    }
    id->purl = vg_purl_format(arena, "npm", ns, purl_name, purl_version, q, nq);
    return id->purl ? VG_OK : VG_ERR_NOMEM;
}

/* Adds the component for id.  NULL on OOM. */
static vg_component *npm_component_add(vg_catalog_run *run, const char *cataloger, const npm_identity *id,
                                       const char *location, int layer)
{
    vg_component *c = vg_inventory_add(run->inv);
    if (!c)
        return NULL;
    c->type = "npm";
    c->cataloger = cataloger;
    c->name = id->name;
    c->version = id->version;
    c->purl = id->purl;
    c->location = location;
    c->layer = layer;
    c->scope = id->scope;
    if (id->origin == NPM_ORIGIN_GIT && id->declared &&
        vg_component_set_property(run->inv, c, "vigil:npm:declared-version", id->declared))
        return NULL;
    if (id->origin == NPM_ORIGIN_LOCAL && id->url &&
        vg_component_set_property(run->inv, c, "vigil:npm:resolved", id->url))
        return NULL;
    return c;
}

vg_component *npm_component_new(vg_catalog_run *run, const char *cataloger, const npm_package *pkg,
                                const char *location, int layer, int *bad_utf8)
{
    npm_identity id;
    if (npm_identity_of(run->arena, pkg, bad_utf8, &id))
        return NULL;
    return npm_component_add(run, cataloger, &id, location, layer);
}

int npm_lock_init(npm_lock *lock, vg_catalog_run *run, const char *cataloger, const vg_file *file)
{
    memset(lock, 0, sizeof *lock);
    lock->run = run;
    lock->cataloger = cataloger;
    lock->path = file->path;
    lock->layer = file->layer;
    vg_map_init(&lock->identities);
    lock->location = vg_arena_strdup(run->arena, file->path);
    if (!lock->location)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    return VG_OK;
}

int npm_lock_package(npm_lock *lock, const npm_package *pkg, vg_component **out, int *created)
{
    *out = NULL;
    *created = 0;
    if (lock->npackages >= NPM_MAX_PACKAGES) {
        lock->too_many = 1;
        return VG_OK;
    }
    npm_identity id;
    if (npm_identity_of(lock->run->arena, pkg, &lock->bad_utf8, &id))
        return VG_ERR_NOMEM;
    char *key = vg_arena_printf(lock->run->arena, "%s\1%s\1%s", id.name, id.version ? id.version : "", id.purl);
    if (!key)
        return VG_ERR_NOMEM;
    vg_component *c = vg_map_get(&lock->identities, key, strlen(key));
    if (c) {
        c->scope = vg_scope_wider(c->scope, pkg->scope);
        *out = c;
        return VG_OK;
    }
    if (!(c = npm_component_add(lock->run, lock->cataloger, &id, lock->location, lock->layer)) ||
        vg_map_put(&lock->identities, key, strlen(key), c))
        return VG_ERR_NOMEM;
    c->evidence = VG_EVIDENCE_LOCK;
    lock->npackages++;
    *out = c;
    *created = 1;
    return VG_OK;
}

int npm_lock_application(npm_lock *lock, const char *name, const char *version)
{
    npm_package pkg = {.name = name, .version = version, .origin = NPM_ORIGIN_REGISTRY};
    vg_component *c = npm_component_new(lock->run, lock->cataloger, &pkg, lock->location, lock->layer, &lock->bad_utf8);
    if (!c)
        return VG_ERR_NOMEM;
    c->application = 1;
    c->evidence = VG_EVIDENCE_LOCK;
    lock->application = c;
    return VG_OK;
}

int npm_lock_done(npm_lock *lock, int ok)
{
    int rc = VG_OK;
    for (size_t i = 0; ok && rc == VG_OK && lock->application && i < lock->identities.cap; i++) {
        const vg_map_slot *slot = vg_map_slot_at(&lock->identities, i);
        if (slot)
            rc = vg_inventory_add_edge(lock->run->inv, lock->application, slot->value, VG_EDGE_CONTAINS);
    }
    vg_map_free(&lock->identities);
    if (ok && lock->bad_utf8)
        vg_warn(lock->run->ctx, lock->path, "invalid UTF-8 replaced by U+FFFD");
    if (ok && lock->too_many)
        vg_warn(lock->run->ctx, lock->path, "more than %d packages; the rest were not listed", NPM_MAX_PACKAGES);
    return rc;
}

int npm_depends(vg_catalog_run *run, vg_component *from, vg_component *to)
{
    if (!from || !to || from == to)
        return VG_OK;
    return vg_inventory_add_edge(run->inv, from, to, VG_EDGE_DEPENDS_ON);
}

int npm_property(vg_catalog_run *run, vg_component *c, const char *name, const char *value)
{
    if (!value || !*value)
        return VG_OK;
    return vg_component_set_property(run->inv, c, name, value);
}
