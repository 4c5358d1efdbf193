/*
 * pnpm.c — the "pnpm" cataloger: pnpm-lock.yaml, the lock file of pnpm
 * (pnpm.io; format versions 5.x, 6.0 and 9.0), read with libyaml
 * (npm_yaml.h).
 *
 * - lockfileVersion 5.x: packages keyed "/NAME/VERSION" with a peer suffix
 *   "_PEER@V+..." ; dependency versions "1.0.0", "1.0.0_peer@2",
 *   "/REAL/1.0.0" (alias), "link:../x"; top-level dependencies /
 *   devDependencies / optionalDependencies of one project, or importers.
 * - 6.0: keys "/NAME@VERSION(PEER@V)..."; importer dependencies are maps
 *   {specifier, version}.
 * - 9.0: "packages" keyed "NAME@VERSION" (metadata, no peers) and
 *   "snapshots" keyed "NAME@VERSION(PEER@V)" carrying the dependencies;
 *   importers as in 6.0.
 * Each package (key without its peer suffix) is one component; name and
 * version come from the entry's name/version fields when present
 * (non-registry packages), else from the key.  Origin from "resolution":
 * {integrity} → registry, {tarball} → registry or tarball by URL, {type:
 * git, repo, commit} → git, {type: directory} → local; a "file:"/"link:"
 * version is local.  DEPENDS_ON edges from dependencies and
 * optionalDependencies of each package/snapshot.
 * Scope: the lock's own "dev": true/false and "optional": true (5.x, 6.0)
 * when present; otherwise derived from the importers like pnpm does:
 * reachable from a dependencies entry through dependencies → required,
 * else reachable from optionalDependencies or through an optional edge →
 * optional, else reachable from devDependencies → dev.
 *
 * Left out: the project itself (pnpm-lock.yaml does not name it, so there is
 * no application component and the importers' direct dependencies have no
 * edges), patchedDependencies, overrides, catalogs, settings, pnpm-lock.yaml
 * files inside node_modules.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/npm_common.h"
#include "catalog/npm_yaml.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"

static int pnpm_wants(const char *path, size_t len, size_t base)
{
    if (len - base != 14 || memcmp(path + base, "pnpm-lock.yaml", 14) != 0)
        return 0;
    return !npm_under_node_modules(path, base);
}

static void *pnpm_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, 1);
}

typedef struct pnpm_pkg {
    const char *base;              /* key without the peer suffix */
    const npm_yaml_node *entry;    /* the packages entry */
    npm_package pkg;
    int dev_recorded;              /* the entry says dev: true/false */
    vg_scope reached;              /* from the importers */
    vg_component *comp;
    struct pnpm_pkg *next;
} pnpm_pkg;

typedef struct pnpm_node pnpm_node;
typedef struct pnpm_dep {
    pnpm_pkg *pkg;
    pnpm_node *node; /* NULL when only the package is known */
    int optional;
} pnpm_dep;

struct pnpm_node {
    const char *key;
    const npm_yaml_node *entry;  /* has dependencies / optionalDependencies */
    pnpm_pkg *pkg;
    pnpm_dep *deps;
    size_t ndeps;
    vg_scope mark;
    pnpm_node *next;
};

typedef struct pnpm_parse {
    npm_lock lock;
    vg_arena *arena; /* scratch: freed after the file */
    int major;       /* lockfileVersion's major number */
    vg_map pkgs, nodes;
    pnpm_pkg *pkg_list, **pkg_tail;
    pnpm_node *node_list, **node_tail;
    vg_buf scratch;
} pnpm_parse;

/* Length of key without its peer suffix. */
static size_t base_len(const pnpm_parse *pp, const char *key)
{
    if (pp->major >= 6)
        return strcspn(key, "(");
    /* 5.x: "/NAME/VERSION_PEERS" or "/@S/NAME/VERSION_PEERS" */
    if (key[0] != '/')
        return strlen(key);
    const char *p = key + 1;
    if (*p == '@' && (p = strchr(p, '/')))
        p++;
    if (!p || !(p = strchr(p, '/')))
        return strlen(key);
    return (size_t)(p - key) + strcspn(p, "_");
}

/* Splits a base key into name and version (arena copies). */
static int name_version_from_key(pnpm_parse *pp, const char *base, const char **name, const char **version)
{
    *name = *version = NULL;
    const char *k = base[0] == '/' ? base + 1 : base;
    size_t n;
    if (pp->major >= 6 || base[0] != '/') {
        n = npm_descriptor_name_len(k);
    } else {
        const char *slash = strrchr(k, '/');
        n = slash ? (size_t)(slash - k) : 0;
    }
    if (!n)
        return VG_OK;
    *name = vg_arena_strndup(pp->arena, k, n);
    *version = vg_arena_strdup(pp->arena, k + n + 1);
    return *name && *version ? VG_OK : VG_ERR_NOMEM;
}

static int read_package(pnpm_parse *pp, const char *key, const npm_yaml_node *entry)
{
    size_t blen = base_len(pp, key);
    pnpm_pkg *p = vg_map_get(&pp->pkgs, key, blen);
    if (p)
        return VG_OK;
    p = vg_arena_alloc(pp->arena, sizeof *p);
    if (!p || !(p->base = vg_arena_strndup(pp->arena, key, blen)))
        return VG_ERR_NOMEM;
    p->entry = entry;
    const char *name, *version;
    int rc = name_version_from_key(pp, p->base, &name, &version);
    if (rc)
        return rc;
    const char *ename = npm_yaml_get_text(entry, "name"), *eversion = npm_yaml_get_text(entry, "version");
    p->pkg.name = ename && *ename ? ename : name;
    p->pkg.version = eversion && *eversion ? eversion : version;
    if (!p->pkg.name)
        return VG_OK; /* not a package key */
    const npm_yaml_node *res = npm_yaml_get(entry, "resolution");
    const char *tarball = npm_yaml_get_text(res, "tarball"), *type = npm_yaml_get_text(res, "type");
    npm_origin from_version = npm_origin_of(version);
    if (type && strcmp(type, "git") == 0) {
        p->pkg.origin = NPM_ORIGIN_GIT;
        p->pkg.url = npm_yaml_get_text(res, "repo");
        p->pkg.commit = npm_yaml_get_text(res, "commit");
    } else if (type && strcmp(type, "directory") == 0) {
        p->pkg.origin = NPM_ORIGIN_LOCAL;
        const char *dir = npm_yaml_get_text(res, "directory");
        p->pkg.url = dir ? vg_arena_printf(pp->arena, "file:%s", dir) : NULL;
    } else if (tarball) {
        p->pkg.origin = npm_origin_of(tarball);
        if (p->pkg.origin == NPM_ORIGIN_REGISTRY && from_version != NPM_ORIGIN_REGISTRY)
            p->pkg.origin = NPM_ORIGIN_LOCAL; /* file: tarballs */
        p->pkg.url = tarball;
    } else if (from_version != NPM_ORIGIN_REGISTRY) {
        p->pkg.origin = from_version;
        p->pkg.url = version;
    }
    if (from_version != NPM_ORIGIN_REGISTRY && p->pkg.version == version)
        p->pkg.version = NULL; /* the key holds a spec ("file:x", a URL), not a version */
    if (p->pkg.origin == NPM_ORIGIN_REGISTRY)
        p->pkg.url = NULL;
    const char *dev = npm_yaml_get_text(entry, "dev");
    if (dev && (strcmp(dev, "true") == 0 || strcmp(dev, "false") == 0)) {
        p->dev_recorded = 1;
        p->pkg.scope = strcmp(dev, "true") == 0        ? VG_SCOPE_DEV
                       : npm_yaml_get_true(entry, "optional") ? VG_SCOPE_OPTIONAL
                                                              : VG_SCOPE_REQUIRED;
    }
    if (vg_map_put(&pp->pkgs, p->base, blen, p))
        return VG_ERR_NOMEM;
    *pp->pkg_tail = p;
    pp->pkg_tail = &p->next;
    return VG_OK;
}

static int add_node(pnpm_parse *pp, const char *key, const npm_yaml_node *entry)
{
    if (vg_map_get(&pp->nodes, key, strlen(key)))
        return VG_OK;
    pnpm_pkg *pkg = vg_map_get(&pp->pkgs, key, base_len(pp, key));
    if (!pkg || !pkg->pkg.name)
        return VG_OK;
    pnpm_node *n = vg_arena_alloc(pp->arena, sizeof *n);
    if (!n)
        return VG_ERR_NOMEM;
    n->key = key;
    n->entry = entry;
    n->pkg = pkg;
    if (vg_map_put(&pp->nodes, key, strlen(key), n))
        return VG_ERR_NOMEM;
    *pp->node_tail = n;
    pp->node_tail = &n->next;
    return VG_OK;
}

/* The node and/or package a dependency "name: value" refers to. */
static void resolve_dep(pnpm_parse *pp, const char *name, const npm_yaml_node *value, pnpm_dep *out)
{
    memset(out, 0, sizeof *out);
    const char *v = npm_yaml_text(value);
    if (!v)
        v = npm_yaml_get_text(value, "version"); /* importers, 6.0 and 9.0 */
    if (!v || strncmp(v, "link:", 5) == 0)
        return;
    /* first the registry key for name at version v, then v itself (an
     * alias "REAL@1.0.0" / "/REAL/1.0.0", or a non-registry key) */
    for (int form = 0; form < 2; form++) {
        vg_buf_reset(&pp->scratch);
        int bad = form == 1                ? vg_buf_addstr(&pp->scratch, v)
                  : pp->major >= 9 ? vg_buf_addf(&pp->scratch, "%s@%s", name, v)
                  : pp->major >= 6 ? vg_buf_addf(&pp->scratch, "/%s@%s", name, v)
                                   : vg_buf_addf(&pp->scratch, "/%s/%s", name, v);
        if (bad || !pp->scratch.data)
            continue;
        const char *key = pp->scratch.data;
        out->node = vg_map_get(&pp->nodes, key, pp->scratch.len);
        out->pkg = out->node ? out->node->pkg : vg_map_get(&pp->pkgs, key, base_len(pp, key));
        if (out->pkg)
            return;
    }
}

static int resolve_node_deps(pnpm_parse *pp, pnpm_node *n)
{
    const npm_yaml_node *lists[2] = {npm_yaml_get(n->entry, "dependencies"),
                                     npm_yaml_get(n->entry, "optionalDependencies")};
    size_t count = 0;
    for (int l = 0; l < 2; l++)
        for (const npm_yaml_node *d = lists[l] && lists[l]->kind == NPM_YAML_MAP ? lists[l]->first : NULL;
             d && d->next; d = d->next->next)
            count++;
    if (!count)
        return VG_OK;
    n->deps = vg_arena_calloc(pp->arena, count, sizeof *n->deps);
    if (!n->deps)
        return VG_ERR_NOMEM;
    for (int l = 0; l < 2; l++)
        for (const npm_yaml_node *d = lists[l] && lists[l]->kind == NPM_YAML_MAP ? lists[l]->first : NULL;
             d && d->next; d = d->next->next) {
            const char *name = npm_yaml_text(d);
            if (!name)
                continue;
            pnpm_dep *dep = &n->deps[n->ndeps];
            resolve_dep(pp, name, d->next, dep);
            dep->optional = l == 1;
            if (dep->pkg)
                n->ndeps++;
        }
    return VG_OK;
}

/* Marks every unmarked node reachable from the stack with scope; follows
 * only required edges for VG_SCOPE_REQUIRED (optional ones are pushed to
 * later for the optional pass). */
static void reach(pnpm_node **stack, size_t *depth, pnpm_node **later, size_t *nlater, vg_scope scope)
{
    while (*depth) {
        pnpm_node *n = stack[--*depth];
        for (size_t i = 0; i < n->ndeps; i++) {
            pnpm_node *to = n->deps[i].node;
            if (!to || to->mark)
                continue;
            if (scope == VG_SCOPE_REQUIRED && n->deps[i].optional) {
                later[(*nlater)++] = to;
                continue;
            }
            to->mark = scope;
            stack[(*depth)++] = to;
        }
    }
}

/* Marks the nodes a project's dependency list (deps) names with scope and
 * pushes them. */
static void seed(pnpm_parse *pp, const npm_yaml_node *deps, vg_scope scope, pnpm_node **stack, size_t *depth)
{
    for (const npm_yaml_node *d = deps && deps->kind == NPM_YAML_MAP ? deps->first : NULL; d && d->next;
         d = d->next->next) {
        pnpm_dep dep;
        const char *name = npm_yaml_text(d);
        if (!name)
            continue;
        resolve_dep(pp, name, d->next, &dep);
        if (dep.node && !dep.node->mark) {
            dep.node->mark = scope;
            stack[(*depth)++] = dep.node;
        }
    }
}

/* Scope of every node from the importers (or the top level in 5.x/6.0
 * single-project locks). */
static int scope_from_importers(pnpm_parse *pp, const npm_yaml_node *root, size_t nnodes)
{
    const npm_yaml_node *importers = npm_yaml_get(root, "importers");
    /* every node can be pushed once per pass and each edge once to "later" */
    size_t edges = 0;
    for (pnpm_node *n = pp->node_list; n; n = n->next)
        edges += n->ndeps;
    pnpm_node **stack = calloc(nnodes + 1, sizeof *stack);
    pnpm_node **later = calloc(edges + nnodes + 1, sizeof *later);
    if (!stack || !later) {
        free(stack);
        free(later);
        return VG_ERR_NOMEM;
    }
    static const char *const lists[] = {"dependencies", "optionalDependencies", "devDependencies"};
    static const vg_scope scopes[] = {VG_SCOPE_REQUIRED, VG_SCOPE_OPTIONAL, VG_SCOPE_DEV};
    size_t nlater = 0;
    for (int pass = 0; pass < 3; pass++) {
        size_t depth = 0;
        if (pass == 1)
            for (size_t i = 0; i < nlater; i++)
                if (!later[i]->mark) {
                    later[i]->mark = VG_SCOPE_OPTIONAL;
                    stack[depth++] = later[i];
                }
        if (importers && importers->kind == NPM_YAML_MAP) {
            for (const npm_yaml_node *k = importers->first; k && k->next; k = k->next->next)
                seed(pp, npm_yaml_get(k->next, lists[pass]), scopes[pass], stack, &depth);
        } else {
            seed(pp, npm_yaml_get(root, lists[pass]), scopes[pass], stack, &depth);
        }
        reach(stack, &depth, later, &nlater, scopes[pass]);
    }
    free(stack);
    free(later);
    return VG_OK;
}

static int build(pnpm_parse *pp, const npm_yaml_node *root)
{
    const npm_yaml_node *packages = npm_yaml_get(root, "packages"), *snapshots = npm_yaml_get(root, "snapshots");
    int rc = VG_OK;
    for (const npm_yaml_node *k = packages && packages->kind == NPM_YAML_MAP ? packages->first : NULL;
         k && k->next && rc == VG_OK; k = k->next->next)
        if (npm_yaml_text(k))
            rc = read_package(pp, k->text, k->next);
    /* graph nodes: snapshots (9.0), else the packages entries themselves */
    const npm_yaml_node *graph = pp->major >= 9 && snapshots ? snapshots : packages;
    size_t nnodes = 0;
    for (const npm_yaml_node *k = graph && graph->kind == NPM_YAML_MAP ? graph->first : NULL;
         k && k->next && rc == VG_OK; k = k->next->next)
        if (npm_yaml_text(k) && (rc = add_node(pp, k->text, k->next)) == VG_OK)
            nnodes++;
    for (pnpm_node *n = pp->node_list; n && rc == VG_OK; n = n->next)
        rc = resolve_node_deps(pp, n);
    if (rc == VG_OK)
        rc = scope_from_importers(pp, root, nnodes);
    for (pnpm_node *n = pp->node_list; n && rc == VG_OK; n = n->next) {
        vg_scope s = n->mark, cur = n->pkg->reached;
        n->pkg->reached = !cur ? s : !s ? cur : s < cur ? s : cur;
    }
    for (pnpm_pkg *p = pp->pkg_list; p && rc == VG_OK; p = p->next) {
        if (!p->pkg.name)
            continue;
        if (!p->dev_recorded)
            p->pkg.scope = p->reached;
        int created;
        rc = npm_lock_package(&pp->lock, &p->pkg, &p->comp, &created);
        if (rc == VG_OK && created && p->comp) {
            const npm_yaml_node *res = npm_yaml_get(p->entry, "resolution");
            rc = npm_property(pp->lock.run, p->comp, "vigil:npm:integrity", npm_yaml_get_text(res, "integrity"));
        }
    }
    for (pnpm_node *n = pp->node_list; n && rc == VG_OK; n = n->next)
        for (size_t i = 0; i < n->ndeps && rc == VG_OK; i++)
            rc = npm_depends(pp->lock.run, n->pkg->comp, n->deps[i].pkg->comp);
    return rc;
}

static int pnpm_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    pnpm_parse pp;
    memset(&pp, 0, sizeof pp);
    int rc = npm_lock_init(&pp.lock, run, "pnpm", file);
    if (rc)
        return rc;
    vg_arena scratch;
    vg_arena_init(&scratch);
    pp.arena = &scratch;
    vg_map_init(&pp.pkgs);
    vg_map_init(&pp.nodes);
    pp.pkg_tail = &pp.pkg_list;
    pp.node_tail = &pp.node_list;
    vg_buf_init(&pp.scratch, 1 << 16);
    npm_yaml_node *root;
    char why[256];
    int ok = 1;
    rc = npm_yaml_parse(&scratch, file->data, file->size, &root, why, sizeof why);
    const char *version = rc == VG_OK ? npm_yaml_get_text(root, "lockfileVersion") : NULL;
    if (rc == VG_ERR_FORMAT || rc == VG_ERR_LIMIT) {
        vg_warn(run->ctx, file->path, "not a valid pnpm lock file (%s); skipped", why);
        ok = 0;
        rc = VG_OK;
    } else if (rc == VG_OK && (!version || version[0] < '1' || version[0] > '9')) {
        vg_warn(run->ctx, file->path, "not a pnpm lock file (no lockfileVersion); skipped");
        ok = 0;
    } else if (rc == VG_OK) {
        pp.major = atoi(version);
        if (pp.major < 5)
            vg_warn(run->ctx, file->path, "lockfileVersion %s is older than 5.0 and read as 5.x", version);
        rc = build(&pp, root);
    }
    int drc = npm_lock_done(&pp.lock, rc == VG_OK && ok);
    if (rc == VG_OK)
        rc = drc;
    vg_buf_free(&pp.scratch);
    vg_map_free(&pp.pkgs);
    vg_map_free(&pp.nodes);
    vg_arena_free(&scratch);
    return rc ? vg_error(run->ctx, rc, "%s: %s", file->path, vg_strerror(rc)) : VG_OK;
}

static int pnpm_finish(vg_catalog_run *run, void *state)
{
    return VG_OK;
}

const vg_cataloger vg_cataloger_pnpm = {
    .name = "pnpm",
    .wants = pnpm_wants,
    .max_size = NPM_LOCK_MAX_SIZE,
    .begin = pnpm_begin,
    .collect = pnpm_collect,
    .finish = pnpm_finish,
};
