/*
 * npm.c — the "npm" cataloger: Node.js packages installed in node_modules
 * directories, and the lock files npm writes.
 *
 * Installed packages: a file "package.json" whose directory is
 * node_modules/NAME or node_modules/@SCOPE/NAME (at any depth: nested
 * node_modules of npm, pnpm's node_modules/.pnpm/X/node_modules/NAME,
 * bundled dependencies, global installs in usr/lib/node_modules and
 * usr/local/lib/node_modules).  Every other package.json (a project's own,
 * test fixtures and sub-directory markers inside packages, node_modules/.bin,
 * node_modules/.cache) is not a package.  Fields read (docs.npmjs.com,
 * "package.json"): name, version, license (string, {"type"} object or the
 * legacy "licenses" array), author (string or {"name"}), description,
 * homepage, dependencies, optionalDependencies, peerDependencies.  A
 * package.json without name or version is not an installed package and is
 * skipped silently; one that is not a JSON object is skipped with a warning.
 * DEPENDS_ON edges follow Node's module resolution: a dependency D of the
 * package in directory P is P/node_modules/D, else the same in each parent
 * directory of P.  Installed metadata has no dev/prod information.
 *
 * Lock files: package-lock.json and npm-shrinkwrap.json
 * (docs.npmjs.com, "package-lock.json"), lockfileVersion 1 (the nested
 * "dependencies" tree with "requires"), 2 and 3 (the "packages" map keyed
 * by install path; version 2 also carries the v1 tree, which is ignored).
 * packages[""] (or the top-level name/version) is the application;
 * entries with "link": true are workspace links whose target entry is the
 * workspace package (property vigil:npm:workspace); "name" on a
 * node_modules entry marks an alias (the real name is used, the alias goes
 * to vigil:npm:alias).  Flags: dev → VG_SCOPE_DEV; optional and
 * devOptional → VG_SCOPE_OPTIONAL; peer → required, with vigil:npm:peer
 * (npm 7+ installs peers); inBundle/bundled → vigil:npm:bundled; everything
 * else required.  DEPENDS_ON edges resolve each entry's dependencies,
 * optionalDependencies and peerDependencies (v1: requires), and the
 * devDependencies of the root and workspaces, by the same node_modules
 * walk, following links.  Lock files inside a node_modules directory (and
 * npm's hidden node_modules/.package-lock.json) are not read: they do not
 * describe what is installed.
 *
 * Left out: reading the project's own package.json (the installed view has
 * no application root), engines/os/cpu, scripts, bin links, funding.
 */
#include <string.h>

#include <jansson.h>

#include "catalog/npm_common.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"

#define NPM_PACKAGE_JSON_MAX ((size_t)4 << 20) /* largest installed package.json read */
#define NPM_V1_MAX_DEPTH 128                    /* nesting of a v1 "dependencies" tree */
#define NPM_MAX_DEPS 10000                      /* dependency names kept per package */

static const char pkg_json[] = "package.json";
static const char lock_json[] = "package-lock.json";
static const char shrinkwrap_json[] = "npm-shrinkwrap.json";

/* s[0..len) is a whole path component equal to word. */
static int component_is(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* The start of the path component that ends just before path[end] (end is
 * the offset of a '/' or of the end). */
static size_t component_start(const char *path, size_t end)
{
    size_t i = end;
    while (i > 0 && path[i - 1] != '/')
        i--;
    return i;
}

/* Directory dir[0..len) is node_modules/NAME or node_modules/@SCOPE/NAME
 * (NAME not starting with '.' or '@'), at any depth. */
static int is_package_dir(const char *dir, size_t len)
{
    if (!len)
        return 0;
    size_t name = component_start(dir, len);
    if (name == 0 || dir[name] == '.' || dir[name] == '@' || name == len)
        return 0;
    size_t parent = component_start(dir, name - 1);
    if (component_is(dir + parent, name - 1 - parent, "node_modules"))
        return 1;
    if (dir[parent] != '@' || parent == 0 || name - 1 - parent < 2)
        return 0;
    size_t grand = component_start(dir, parent - 1);
    return component_is(dir + grand, parent - 1 - grand, "node_modules");
}

static int npm_wants(const char *path, size_t len, size_t base)
{
    size_t n = len - base;
    const char *b = path + base;
    if (n == sizeof pkg_json - 1 && memcmp(b, pkg_json, n) == 0)
        return base > 0 && is_package_dir(path, base - 1);
    if ((n == sizeof lock_json - 1 && memcmp(b, lock_json, n) == 0) ||
        (n == sizeof shrinkwrap_json - 1 && memcmp(b, shrinkwrap_json, n) == 0))
        return !npm_under_node_modules(path, base);
    return 0;
}

/* One installed package, kept until finish() resolves its dependencies. */
typedef struct installed_pkg {
    const char *dir;    /* directory, relative to the root */
    vg_component *comp;
    const char **deps;  /* dependency names */
    size_t ndeps;
    struct installed_pkg *next;
} installed_pkg;

typedef struct npm_state {
    installed_pkg *installed, **tail;
} npm_state;

static void *npm_begin(vg_catalog_run *run)
{
    npm_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->tail = &st->installed;
    return st;
}

/* A string member of obj, or NULL. */
static const char *member_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int member_true(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

/* The declared licence: "license" as a string or {"type": ...}, else the
 * legacy "licenses" array's types joined with " OR ". */
static const char *package_license(vg_arena *arena, const json_t *pkg)
{
    const json_t *l = json_object_get(pkg, "license");
    if (json_is_string(l))
        return json_string_value(l);
    if (json_is_object(l))
        return member_string(l, "type");
    const json_t *list = json_object_get(pkg, "licenses");
    if (!json_is_array(list))
        return NULL;
    const char *joined = NULL;
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        const char *t = json_is_object(item) ? member_string(item, "type") : json_string_value(item);
        if (!t || !*t || i >= 16)
            continue;
        joined = joined ? vg_arena_printf(arena, "%s OR %s", joined, t) : t;
    }
    return joined;
}

static const char *package_author(const json_t *pkg)
{
    const json_t *a = json_object_get(pkg, "author");
    return json_is_object(a) ? member_string(a, "name") : json_string_value(a);
}

/* Parses data as JSON; on failure warns naming the file and returns NULL. */
static json_t *load_json(vg_catalog_run *run, const vg_file *file)
{
    json_error_t err;
    json_t *doc = json_loadb((const char *)file->data, file->size, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        vg_warn(run->ctx, file->path, "not valid JSON (line %d: %s); skipped", err.line, err.text);
        return NULL;
    }
    if (!json_is_object(doc)) {
        vg_warn(run->ctx, file->path, "not a JSON object; skipped");
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* Appends the keys of object deps to p->deps. */
static int add_dep_names(vg_arena *arena, installed_pkg *p, const json_t *deps, size_t *cap)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)deps, key, value) {
        if (p->ndeps >= NPM_MAX_DEPS)
            return VG_OK;
        if (p->ndeps == *cap) {
            size_t ncap = *cap ? *cap * 2 : 8;
            const char **grown = vg_arena_calloc(arena, ncap, sizeof *grown);
            if (!grown)
                return VG_ERR_NOMEM;
            if (p->ndeps)
                memcpy(grown, p->deps, p->ndeps * sizeof *grown);
            p->deps = grown;
            *cap = ncap;
        }
        if (!(p->deps[p->ndeps++] = vg_arena_strdup(arena, key)))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int collect_installed(vg_catalog_run *run, npm_state *st, const vg_file *file)
{
    if (file->size > NPM_PACKAGE_JSON_MAX) {
        vg_warn(run->ctx, file->path, "skipped: %zu bytes is more than the %zu read for a package.json", file->size,
                NPM_PACKAGE_JSON_MAX);
        return VG_OK;
    }
    json_t *doc = load_json(run, file);
    if (!doc)
        return VG_OK;
    const char *name = member_string(doc, "name"), *version = member_string(doc, "version");
    int rc = VG_OK, bad_utf8 = 0;
    if (!name || !*name || !version || !*version)
        goto done;
    rc = VG_ERR_NOMEM;
    const char *location = vg_arena_strdup(run->arena, file->path);
    if (!location)
        goto done;
    npm_package pkg = {.name = name, .version = version, .origin = NPM_ORIGIN_REGISTRY};
    const char *resolved = member_string(doc, "_resolved"); /* npm < 7 wrote it */
    if (resolved && npm_origin_of(resolved) != NPM_ORIGIN_REGISTRY) {
        pkg.origin = npm_origin_of(resolved);
        pkg.url = resolved;
    }
    vg_component *c = npm_component_new(run, "npm", &pkg, location, file->layer, &bad_utf8);
    if (!c)
        goto done;
    const char *license = package_license(run->arena, doc);
    const char *author = package_author(doc), *description = member_string(doc, "description"),
               *homepage = member_string(doc, "homepage");
    if ((license && *license && !(c->license = vg_arena_strdup(run->arena, license))) ||
        (author && *author && !(c->supplier = vg_arena_strdup(run->arena, author))) ||
        (description && *description && !(c->description = vg_arena_strdup(run->arena, description))) ||
        (homepage && *homepage && !(c->homepage = vg_arena_strdup(run->arena, homepage))))
        goto done;
    /* the directory name differs from the package name for an alias */
    size_t dirlen = strlen(file->path) - (sizeof pkg_json - 1) - 1;
    size_t start = component_start(file->path, dirlen);
    if (start > 0 && file->path[component_start(file->path, start - 1)] == '@') /* scoped: "@s/n" */
        start = component_start(file->path, start - 1);
    const char *dirname = vg_arena_strndup(run->arena, file->path + start, dirlen - start);
    if (!dirname || (strcmp(dirname, name) != 0 && npm_property(run, c, "vigil:npm:alias", dirname)))
        goto done;

    installed_pkg *p = vg_arena_alloc(run->arena, sizeof *p);
    if (!p || !(p->dir = vg_arena_strndup(run->arena, file->path, dirlen)))
        goto done;
    p->comp = c;
    size_t cap = 0;
    static const char *const dep_keys[] = {"dependencies", "optionalDependencies", "peerDependencies"};
    for (size_t i = 0; i < sizeof dep_keys / sizeof dep_keys[0]; i++) {
        const json_t *deps = json_object_get(doc, dep_keys[i]);
        if (json_is_object(deps) && add_dep_names(run->arena, p, deps, &cap))
            goto done;
    }
    *st->tail = p;
    st->tail = &p->next;
    rc = VG_OK;
done:
    json_decref(doc);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (bad_utf8)
        vg_warn(run->ctx, file->path, "invalid UTF-8 replaced by U+FFFD");
    return VG_OK;
}

/* Node's resolution of dependency name from the package directory dir:
 * dir/node_modules/name, then the same in each parent directory of dir
 * (skipping directories named node_modules).  lookup(map, key) returns the
 * entry for a path or NULL.  scratch holds the candidate paths. */
static void *resolve_from(const vg_map *map, const char *dir, const char *name, vg_buf *scratch)
{
    size_t len = strlen(dir);
    for (;;) {
        size_t start = component_start(dir, len);
        if (!component_is(dir + start, len - start, "node_modules")) {
            vg_buf_reset(scratch);
            if ((len && (vg_buf_add(scratch, dir, len) || vg_buf_addc(scratch, '/'))) ||
                vg_buf_addstr(scratch, "node_modules/") || vg_buf_addstr(scratch, name))
                return NULL;
            void *found = vg_map_get(map, scratch->data, scratch->len);
            if (found)
                return found;
        }
        if (!len)
            return NULL;
        len = start ? start - 1 : 0;
    }
}

static int npm_finish_installed(vg_catalog_run *run, npm_state *st)
{
    vg_map by_dir;
    vg_map_init(&by_dir);
    int rc = VG_OK;
    for (installed_pkg *p = st->installed; p && rc == VG_OK; p = p->next)
        if (!vg_map_get(&by_dir, p->dir, strlen(p->dir)))
            rc = vg_map_put(&by_dir, p->dir, strlen(p->dir), p);
    vg_buf scratch;
    vg_buf_init(&scratch, 1 << 16);
    for (installed_pkg *p = st->installed; p && rc == VG_OK; p = p->next)
        for (size_t i = 0; i < p->ndeps && rc == VG_OK; i++) {
            installed_pkg *dep = resolve_from(&by_dir, p->dir, p->deps[i], &scratch);
            if (dep)
                rc = npm_depends(run, p->comp, dep->comp);
        }
    vg_buf_free(&scratch);
    vg_map_free(&by_dir);
    st->installed = NULL;
    return rc;
}

/* ---- package-lock.json / npm-shrinkwrap.json ---- */

/* One entry of a lock file, keyed by its install path (v1 entries get the
 * path npm would install them at). */
typedef struct lock_entry {
    const char *key;        /* "node_modules/a/node_modules/b", "" for the root */
    const json_t *obj;
    const char *name;       /* real package name */
    const char *alias;      /* the name it is installed under, when an alias */
    npm_package pkg;
    int link;               /* v2/v3 "link": true: pkg is elsewhere */
    const char *target;     /* link target key */
    const json_t *deps[4];  /* objects of dependency name -> spec */
    vg_component *comp;
    struct lock_entry *next;
} lock_entry;

typedef struct lock_parse {
    npm_lock lock;
    vg_map by_key;          /* key -> lock_entry */
    lock_entry *entries, **tail;
    size_t nentries;
    int too_deep;
} lock_parse;

/* The package name a key installs: what follows its last "node_modules/",
 * or NULL when the key is not under node_modules. */
static const char *name_from_key(const char *key)
{
    const char *name = NULL;
    for (const char *p = key; (p = strstr(p, "node_modules/")); p += 13)
        if (p == key || p[-1] == '/')
            name = p + 13;
    return name && *name ? name : NULL;
}

static int add_entry(lock_parse *lp, lock_entry *e)
{
    if (lp->nentries >= NPM_MAX_PACKAGES) {
        lp->lock.too_many = 1;
        return VG_OK;
    }
    if (vg_map_get(&lp->by_key, e->key, strlen(e->key)))
        return VG_OK; /* JSON_REJECT_DUPLICATES makes this a v1 oddity only */
    if (vg_map_put(&lp->by_key, e->key, strlen(e->key), e))
        return VG_ERR_NOMEM;
    *lp->tail = e;
    lp->tail = &e->next;
    lp->nentries++;
    return VG_OK;
}

static vg_scope scope_of_flags(const json_t *obj)
{
    if (member_true(obj, "dev"))
        return VG_SCOPE_DEV;
    if (member_true(obj, "optional") || member_true(obj, "devOptional"))
        return VG_SCOPE_OPTIONAL;
    return VG_SCOPE_REQUIRED;
}

/* lockfileVersion 2 and 3: the "packages" map. */
static int read_packages_map(lock_parse *lp, const json_t *packages)
{
    vg_arena *arena = lp->lock.run->arena;
    const char *key;
    const json_t *obj;
    json_object_foreach((json_t *)packages, key, obj) {
        if (!json_is_object(obj))
            continue;
        lock_entry *e = vg_arena_alloc(arena, sizeof *e);
        if (!e || !(e->key = vg_arena_strdup(arena, key)))
            return VG_ERR_NOMEM;
        e->obj = obj;
        const char *keyname = name_from_key(key), *name = member_string(obj, "name");
        e->name = name && *name ? name : keyname;
        if (keyname && name && *name && strcmp(name, keyname) != 0)
            e->alias = keyname;
        e->link = member_true(obj, "link");
        const char *resolved = member_string(obj, "resolved");
        if (e->link)
            e->target = resolved;
        e->pkg.name = e->name;
        e->pkg.version = member_string(obj, "version");
        e->pkg.origin = npm_origin_of(resolved);
        e->pkg.url = e->pkg.origin == NPM_ORIGIN_REGISTRY ? NULL : resolved;
        if (!keyname && *key) { /* a workspace folder, or a file: dependency */
            e->pkg.origin = NPM_ORIGIN_LOCAL;
            e->pkg.url = vg_arena_printf(arena, "file:%s", key);
            if (!e->pkg.url)
                return VG_ERR_NOMEM;
        }
        e->pkg.scope = scope_of_flags(obj);
        e->deps[0] = json_object_get(obj, "dependencies");
        e->deps[1] = json_object_get(obj, "optionalDependencies");
        e->deps[2] = json_object_get(obj, "peerDependencies");
        if (!keyname) /* the root and workspaces: their own dev dependencies */
            e->deps[3] = json_object_get(obj, "devDependencies");
        int rc = add_entry(lp, e);
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* lockfileVersion 1: the nested "dependencies" tree under prefix. */
static int read_dependency_tree(lock_parse *lp, const json_t *deps, const char *prefix, int depth)
{
    if (depth > NPM_V1_MAX_DEPTH) {
        lp->too_deep = 1;
        return VG_OK;
    }
    vg_arena *arena = lp->lock.run->arena;
    const char *key;
    const json_t *obj;
    json_object_foreach((json_t *)deps, key, obj) {
        if (!json_is_object(obj) || !*key)
            continue;
        lock_entry *e = vg_arena_alloc(arena, sizeof *e);
        if (!e || !(e->key = vg_arena_printf(arena, "%s%snode_modules/%s", prefix, *prefix ? "/" : "", key)))
            return VG_ERR_NOMEM;
        e->obj = obj;
        e->name = key;
        const char *version = member_string(obj, "version"), *resolved = member_string(obj, "resolved");
        e->pkg.version = version;
        if (version && strncmp(version, "npm:", 4) == 0) {
            /* alias: "npm:REAL@VERSION" */
            size_t n = npm_descriptor_name_len(version + 4);
            if (n) {
                e->alias = key;
                if (!(e->name = vg_arena_strndup(arena, version + 4, n)))
                    return VG_ERR_NOMEM;
                e->pkg.version = version + 4 + n + 1;
            }
        }
        npm_origin vorigin = npm_origin_of(e->pkg.version);
        if (vorigin != NPM_ORIGIN_REGISTRY) {
            /* git/file/tarball: the version field is the spec; the package's
             * own version is not in a v1 lock */
            e->pkg.origin = vorigin;
            e->pkg.url = e->pkg.version;
            e->pkg.version = NULL;
        } else {
            e->pkg.origin = npm_origin_of(resolved);
            e->pkg.url = e->pkg.origin == NPM_ORIGIN_REGISTRY ? NULL : resolved;
        }
        e->pkg.name = e->name;
        e->pkg.scope = scope_of_flags(obj);
        e->deps[0] = json_object_get(obj, "requires");
        int rc = add_entry(lp, e);
        if (rc)
            return rc;
        const json_t *nested = json_object_get(obj, "dependencies");
        if (json_is_object(nested) && (rc = read_dependency_tree(lp, nested, e->key, depth + 1)))
            return rc;
    }
    return VG_OK;
}

/* Follows link entries to their targets (at most a few hops). */
static lock_entry *follow_links(lock_parse *lp, lock_entry *e)
{
    for (int hops = 0; e && e->link && hops < 8; hops++)
        e = e->target ? vg_map_get(&lp->by_key, e->target, strlen(e->target)) : NULL;
    return e && !e->link ? e : NULL;
}

static int lock_properties(vg_catalog_run *run, const lock_entry *e)
{
    vg_component *c = e->comp;
    const json_t *o = e->obj;
    if (!c->license) {
        const char *license = package_license(run->arena, o);
        if (license && *license && !(c->license = vg_arena_strdup(run->arena, license)))
            return VG_ERR_NOMEM;
    }
    int rc = VG_OK;
    if (e->pkg.origin == NPM_ORIGIN_REGISTRY)
        rc = npm_property(run, c, "vigil:npm:resolved", member_string(o, "resolved"));
    if (!rc)
        rc = npm_property(run, c, "vigil:npm:integrity", member_string(o, "integrity"));
    if (!rc)
        rc = npm_property(run, c, "vigil:npm:alias", e->alias);
    if (!rc && (member_true(o, "inBundle") || member_true(o, "bundled")))
        rc = npm_property(run, c, "vigil:npm:bundled", "true");
    if (!rc && member_true(o, "peer"))
        rc = npm_property(run, c, "vigil:npm:peer", "true");
    if (!rc && member_true(o, "extraneous"))
        rc = npm_property(run, c, "vigil:npm:extraneous", "true");
    if (!rc && !name_from_key(e->key) && *e->key)
        rc = npm_property(run, c, "vigil:npm:workspace", "true");
    return rc;
}

static int lock_components_and_edges(lock_parse *lp)
{
    vg_catalog_run *run = lp->lock.run;
    int rc = VG_OK;
    lock_entry *root = vg_map_get(&lp->by_key, "", 0);
    for (lock_entry *e = lp->entries; e && rc == VG_OK; e = e->next) {
        if (e == root || e->link || !e->name || !*e->name)
            continue;
        int created;
        rc = npm_lock_package(&lp->lock, &e->pkg, &e->comp, &created);
        if (rc == VG_OK && created && e->comp)
            rc = lock_properties(run, e);
    }
    if (root)
        root->comp = lp->lock.application;
    vg_buf scratch;
    vg_buf_init(&scratch, 1 << 16);
    for (lock_entry *e = lp->entries; e && rc == VG_OK; e = e->next) {
        if (!e->comp)
            continue;
        for (size_t k = 0; k < 4 && rc == VG_OK; k++) {
            if (!json_is_object(e->deps[k]))
                continue;
            const char *dep;
            const json_t *spec;
            json_object_foreach((json_t *)e->deps[k], dep, spec) {
                lock_entry *to = follow_links(lp, resolve_from(&lp->by_key, e->key, dep, &scratch));
                if (to && (rc = npm_depends(run, e->comp, to->comp)))
                    break;
            }
        }
    }
    vg_buf_free(&scratch);
    return rc;
}

static int collect_lock(vg_catalog_run *run, const vg_file *file)
{
    json_t *doc = load_json(run, file);
    if (!doc)
        return VG_OK;
    lock_parse lp;
    memset(&lp, 0, sizeof lp);
    vg_map_init(&lp.by_key);
    lp.tail = &lp.entries;
    int rc = npm_lock_init(&lp.lock, run, "npm", file);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    const json_t *version = json_object_get(doc, "lockfileVersion");
    const json_t *packages = json_object_get(doc, "packages"), *deps = json_object_get(doc, "dependencies");
    json_int_t lockfile_version = json_is_integer(version) ? json_integer_value(version) : 0;
    int ok = 1;
    if (lockfile_version >= 2 && json_is_object(packages)) {
        rc = read_packages_map(&lp, packages);
    } else if (lockfile_version == 1 || (!lockfile_version && json_is_object(deps))) {
        if (json_is_object(deps))
            rc = read_dependency_tree(&lp, deps, "", 0);
    } else {
        vg_warn(run->ctx, file->path, "lockfileVersion %lld without its \"packages\" map is not supported; skipped",
                (long long)lockfile_version);
        ok = 0;
    }
    if (rc == VG_OK && ok) {
        /* the project: packages[""] (v2/v3), else the top-level fields */
        const json_t *rootobj = json_object_get(packages, "");
        const char *name = member_string(rootobj, "name"), *ver = member_string(rootobj, "version");
        if (!name || !*name) {
            name = member_string(doc, "name");
            ver = member_string(doc, "version");
        }
        /* (a v1 lock records no root entry: its application has no
         * DEPENDS_ON edges, only CONTAINS) */
        if (name && *name)
            rc = npm_lock_application(&lp.lock, name, ver);
        if (rc == VG_OK)
            rc = lock_components_and_edges(&lp);
    }
    if (rc == VG_OK && lp.too_deep)
        vg_warn(run->ctx, file->path, "dependency tree nested deeper than %d levels; the rest was not listed",
                NPM_V1_MAX_DEPTH);
    int drc = npm_lock_done(&lp.lock, rc == VG_OK && ok);
    vg_map_free(&lp.by_key);
    json_decref(doc);
    if (rc == VG_OK)
        rc = drc;
    return rc ? vg_error(run->ctx, rc, "%s: %s", file->path, vg_strerror(rc)) : VG_OK;
}

static int npm_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    const char *slash = strrchr(file->path, '/');
    const char *base = slash ? slash + 1 : file->path;
    if (strcmp(base, pkg_json) == 0)
        return collect_installed(run, state, file);
    return collect_lock(run, file);
}

static int npm_finish(vg_catalog_run *run, void *state)
{
    int rc = npm_finish_installed(run, state);
    return rc ? vg_error(run->ctx, rc, "npm: %s", vg_strerror(rc)) : VG_OK;
}

const vg_cataloger vg_cataloger_npm = {
    .name = "npm",
    .wants = npm_wants,
    .max_size = NPM_LOCK_MAX_SIZE,
    .begin = npm_begin,
    .collect = npm_collect,
    .finish = npm_finish,
};
