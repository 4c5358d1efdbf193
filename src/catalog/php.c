/*
 * php.c — the "php" cataloger: PHP packages locked or installed by
 * Composer (getcomposer.org/doc, "composer.lock" and "The composer.json
 * schema"; Composer 1.x and 2.x).
 *
 * Reads (JSON, duplicate keys rejected):
 *  - composer.lock: "packages" (scope required) and "packages-dev" (scope
 *    dev);
 *  - vendor/composer/installed.json: Composer 2's {"packages": [...],
 *    "dev-package-names": [...]} (dev scope for the names listed there,
 *    required for the others) and Composer 1's bare array (scope unknown);
 *  - composer.json next to a composer.lock: its "name" makes the project
 *    an application root with DEPENDS_ON edges to its "require" and
 *    "require-dev" packages and CONTAINS edges to every locked package.
 * Per package: name "vendor/project" (both parts required), version,
 * description, homepage, license (array joined with " OR ", as Composer
 * reads several licences as a choice), authors' names (joined with ", ")
 * as supplier, source/dist reference and URL as properties.  "require"
 * entries become DEPENDS_ON edges to the package of that name in the same
 * file, or to the packages that "replace" or "provide" it; platform
 * requirements (php, php-*, hhvm, ext-*, lib-*, composer, composer-*-api)
 * are not packages.
 *
 * Package URL (PURL-TYPES.rst, composer): pkg:composer/VENDOR/PROJECT@VERSION,
 * vendor and project lower-cased; the version is kept as Composer
 * records it (a leading "v" is part of the tag name, e.g. "v6.3.8").
 *
 * Left out: aliases, stability flags, the platform section, installed.php,
 * composer.json without a lock file, package "type" filtering (plugins and
 * metapackages are components too).
 */
#include <string.h>
#include <jansson.h>

#include "catalog/lang.h"
#include "vigil/catalog.h"
#include "vigil/purl.h"

#define PHP_MAX_SIZE ((size_t)64 << 20)

static const char cataloger_name[] = "php";

enum php_kind { PHP_NONE, PHP_LOCK, PHP_INSTALLED, PHP_MANIFEST };

static enum php_kind php_kind_of(const char *path, size_t len, size_t base)
{
    const char *b = path + base;
    size_t blen = len - base;
    if (blen == 13 && memcmp(b, "composer.lock", 13) == 0)
        return PHP_LOCK;
    if (blen == 13 && memcmp(b, "composer.json", 13) == 0)
        return PHP_MANIFEST;
    static const char installed[] = "vendor/composer/installed.json";
    if (blen == 14 && memcmp(b, "installed.json", 14) == 0 && len >= sizeof installed - 1 &&
        memcmp(path + len - (sizeof installed - 1), installed, sizeof installed - 1) == 0 &&
        (len == sizeof installed - 1 || path[len - sizeof installed] == '/'))
        return PHP_INSTALLED;
    return PHP_NONE;
}

static int php_wants(const char *path, size_t len, size_t base)
{
    return php_kind_of(path, len, base) != PHP_NONE;
}

/* A lock file kept until finish() for its root from composer.json. */
typedef struct php_lock {
    const char *dir;
    vg_lang_index index;
    struct php_lock *next;
} php_lock;

/* composer.json: the project. */
typedef struct php_manifest {
    const char *dir, *path, *name, *version;
    int layer;
    const char **requires;
    size_t nrequires;
    struct php_manifest *next;
} php_manifest;

typedef struct php_state {
    php_lock *locks;
    php_manifest *manifests;
} php_state;

/* Platform packages (Composer "platform packages"): not installable. */
static int is_platform_package(const char *name)
{
    if (!strchr(name, '/'))
        return 1; /* php, hhvm, ext-*, lib-*, composer, composer-plugin-api ... */
    return 0;
}

/* "vendor/project" with both parts non-empty. */
static int split_name(const char *name, size_t *slash)
{
    const char *s = strchr(name, '/');
    if (!s || s == name || !s[1] || strchr(s + 1, '/'))
        return 0;
    *slash = (size_t)(s - name);
    return 1;
}

static char *lower_copy(vg_arena *arena, const char *s, size_t len)
{
    char *out = vg_arena_strndup(arena, s, len);
    for (size_t i = 0; out && i < len; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] - 'A' + 'a');
    return out;
}

/* Joins the strings (or the "name" members of objects) of a JSON array. */
static const char *join_array(vg_arena *arena, json_t *array, const char *member, const char *sep)
{
    if (json_is_string(array))
        return vg_lang_text(arena, json_string_value(array));
    if (!json_is_array(array))
        return NULL;
    size_t total = 0, i;
    json_t *v;
    json_array_foreach(array, i, v) {
        const char *s = json_string_value(member ? json_object_get(v, member) : v);
        if (s && *s)
            total += strlen(s) + strlen(sep);
    }
    if (!total)
        return NULL;
    char *out = vg_arena_alloc(arena, total + 1), *p = out;
    if (!out)
        return NULL;
    json_array_foreach(array, i, v) {
        const char *s = json_string_value(member ? json_object_get(v, member) : v);
        if (!s || !*s)
            continue;
        if (p != out) {
            memcpy(p, sep, strlen(sep));
            p += strlen(sep);
        }
        memcpy(p, s, strlen(s));
        p += strlen(s);
    }
    *p = '\0';
    return vg_lang_text(arena, out);
}

/* One package object; NULL (after a warning) when it has no usable name/version. */
static int php_package(vg_catalog_run *run, const vg_file *file, json_t *pkg, vg_scope scope,
                       vg_lang_index *index, vg_component **out)
{
    vg_arena *arena = run->arena;
    *out = NULL;
    const char *name = json_string_value(json_object_get(pkg, "name"));
    const char *version = json_string_value(json_object_get(pkg, "version"));
    size_t slash;
    if (!name || !version || !*version || !split_name(name, &slash)) {
        vg_warn(run->ctx, file->path, "package without a \"vendor/name\" and a version");
        return VG_OK;
    }
    vg_component *c = vg_lang_component(run, file, "composer", cataloger_name, name, version);
    if (!c)
        return VG_ERR_NOMEM;
    c->scope = scope;
    c->description = vg_lang_text(arena, json_string_value(json_object_get(pkg, "description")));
    c->homepage = vg_lang_text(arena, json_string_value(json_object_get(pkg, "homepage")));
    c->license = join_array(arena, json_object_get(pkg, "license"), NULL, " OR ");
    c->supplier = join_array(arena, json_object_get(pkg, "authors"), "name", ", ");
    json_t *source = json_object_get(pkg, "source"), *dist = json_object_get(pkg, "dist");
    if (vg_component_set_property(run->inv, c, "vigil:composer:source-url",
                                  json_string_value(json_object_get(source, "url"))) ||
        vg_component_set_property(run->inv, c, "vigil:composer:source-reference",
                                  json_string_value(json_object_get(source, "reference"))) ||
        vg_component_set_property(run->inv, c, "vigil:composer:dist-url",
                                  json_string_value(json_object_get(dist, "url"))) ||
        vg_component_set_property(run->inv, c, "vigil:composer:type",
                                  json_string_value(json_object_get(pkg, "type"))))
        return VG_ERR_NOMEM;
    char *vendor = lower_copy(arena, c->name, slash), *project = lower_copy(arena, c->name + slash + 1,
                                                                             strlen(c->name + slash + 1));
    if (!vendor || !project || !(c->purl = vg_purl_format(arena, "composer", vendor, project, c->version, NULL, 0)))
        return VG_ERR_NOMEM;
    /* found under its own name and the names it replaces or provides */
    char *key = lower_copy(arena, name, strlen(name));
    if (!key || vg_lang_index_add(index, key, c))
        return VG_ERR_NOMEM;
    static const char *const aliases[] = {"replace", "provide"};
    for (size_t a = 0; a < 2; a++) {
        const char *alias;
        json_t *constraint;
        json_object_foreach(json_object_get(pkg, aliases[a]), alias, constraint) {
            (void)constraint;
            char *k = lower_copy(arena, alias, strlen(alias));
            if (!k || vg_lang_index_add(index, k, c))
                return VG_ERR_NOMEM;
        }
    }
    *out = c;
    return VG_OK;
}

/* DEPENDS_ON edges from c to what the "require" object names. */
static int php_requires(vg_catalog_run *run, vg_lang_index *index, vg_component *c, json_t *require)
{
    const char *dep;
    json_t *constraint;
    json_object_foreach(require, dep, constraint) {
        (void)constraint;
        if (is_platform_package(dep))
            continue;
        char *key = lower_copy(run->arena, dep, strlen(dep));
        if (!key || vg_lang_index_depend(run->inv, index, c, key, NULL, NULL))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

/* Packages of one array with scope; edges once all of the file's packages exist. */
static int php_package_list(vg_catalog_run *run, const vg_file *file, json_t *list, json_t *dev_names,
                            vg_scope scope, vg_lang_index *index, vg_component **components, size_t *n)
{
    size_t i;
    json_t *pkg;
    json_array_foreach(list, i, pkg) {
        vg_scope s = scope;
        if (json_is_array(dev_names)) {
            const char *name = json_string_value(json_object_get(pkg, "name"));
            size_t k;
            json_t *dev;
            s = VG_SCOPE_REQUIRED;
            json_array_foreach(dev_names, k, dev)
                if (name && json_is_string(dev) && strcmp(json_string_value(dev), name) == 0)
                    s = VG_SCOPE_DEV;
        }
        int rc = php_package(run, file, pkg, s, index, &components[*n]);
        if (rc)
            return rc;
        (*n)++;
    }
    return VG_OK;
}

static int collect_packages(vg_catalog_run *run, php_state *st, const vg_file *file, enum php_kind kind)
{
    json_t *root = vg_lang_load_json(run, file);
    if (!root)
        return VG_OK;
    json_t *lists[2] = {NULL, NULL}, *dev_names = NULL;
    vg_scope scopes[2] = {VG_SCOPE_REQUIRED, VG_SCOPE_DEV};
    if (kind == PHP_LOCK) {
        lists[0] = json_object_get(root, "packages");
        lists[1] = json_object_get(root, "packages-dev");
    } else if (json_is_array(root)) { /* Composer 1 installed.json */
        lists[0] = root;
        scopes[0] = VG_SCOPE_UNKNOWN;
    } else {
        lists[0] = json_object_get(root, "packages");
        dev_names = json_object_get(root, "dev-package-names");
    }
    size_t total = json_array_size(lists[0]) + json_array_size(lists[1]), n = 0;
    if (!json_is_object(root) && !json_is_array(root))
        vg_warn(run->ctx, file->path, "neither a JSON object nor an array");
    php_lock *lock = vg_arena_alloc(run->arena, sizeof *lock);
    vg_component **components = vg_arena_calloc(run->arena, total + 1, sizeof *components);
    if (!lock || !components || !(lock->dir = vg_lang_dirname(run->arena, file->path))) {
        json_decref(root);
        return VG_ERR_NOMEM;
    }
    vg_lang_index_init(&lock->index, run->arena);
    int rc = VG_OK;
    for (int l = 0; l < 2 && rc == VG_OK; l++)
        if (json_is_array(lists[l]))
            rc = php_package_list(run, file, lists[l], dev_names, scopes[l], &lock->index, components, &n);
    for (size_t i = 0; i < n && kind == PHP_LOCK; i++)
        if (components[i])
            components[i]->evidence = VG_EVIDENCE_LOCK;
    /* edges, in the same order as the components */
    size_t k = 0;
    for (int l = 0; l < 2 && rc == VG_OK; l++) {
        size_t i;
        json_t *pkg;
        json_array_foreach(json_is_array(lists[l]) ? lists[l] : NULL, i, pkg) {
            if (k >= n || rc)
                break;
            vg_component *c = components[k++];
            if (c)
                rc = php_requires(run, &lock->index, c, json_object_get(pkg, "require"));
        }
    }
    json_decref(root);
    if (kind == PHP_LOCK) {
        lock->next = st->locks;
        st->locks = lock;
    } else {
        vg_lang_index_free(&lock->index);
    }
    return rc;
}

static int collect_manifest(vg_catalog_run *run, php_state *st, const vg_file *file)
{
    json_t *root = vg_lang_load_json(run, file);
    if (!root)
        return VG_OK;
    vg_arena *arena = run->arena;
    const char *name = json_string_value(json_object_get(root, "name"));
    size_t slash;
    int rc = VG_OK;
    if (name && split_name(name, &slash)) {
        php_manifest *m = vg_arena_alloc(arena, sizeof *m);
        json_t *req = json_object_get(root, "require"), *dev = json_object_get(root, "require-dev");
        size_t cap = json_object_size(req) + json_object_size(dev);
        if (!m || !(m->dir = vg_lang_dirname(arena, file->path)) || !(m->path = vg_lang_text(arena, file->path)) ||
            !(m->name = vg_lang_text(arena, name)) ||
            !(m->requires = vg_arena_calloc(arena, cap + 1, sizeof *m->requires))) {
            rc = VG_ERR_NOMEM;
        } else {
            m->version = vg_lang_text(arena, json_string_value(json_object_get(root, "version")));
            m->layer = file->layer;
            json_t *maps[2] = {req, dev};
            for (int i = 0; i < 2 && rc == VG_OK; i++) {
                const char *dep;
                json_t *constraint;
                json_object_foreach(maps[i], dep, constraint) {
                    (void)constraint;
                    if (is_platform_package(dep))
                        continue;
                    char *key = lower_copy(arena, dep, strlen(dep));
                    if (!key) {
                        rc = VG_ERR_NOMEM;
                        break;
                    }
                    m->requires[m->nrequires++] = key;
                }
            }
            m->next = st->manifests;
            st->manifests = m;
        }
    }
    json_decref(root);
    return rc;
}

static void *php_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, sizeof(php_state));
}

static int php_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    if (!file->data)
        return VG_OK;
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    enum php_kind kind = php_kind_of(file->path, len, slash ? (size_t)(slash - file->path) + 1 : 0);
    int rc = kind == PHP_MANIFEST ? collect_manifest(run, state, file)
             : kind != PHP_NONE   ? collect_packages(run, state, file, kind)
                                  : VG_OK;
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

static void php_discard(void *state)
{
    php_state *st = state;
    for (php_lock *lock = st->locks; lock; lock = lock->next)
        vg_lang_index_free(&lock->index);
    st->locks = NULL;
}

static int php_finish(vg_catalog_run *run, void *state)
{
    php_state *st = state;
    int rc = VG_OK;
    for (php_lock *lock = st->locks; lock && rc == VG_OK; lock = lock->next) {
        php_manifest *m = st->manifests;
        while (m && strcmp(m->dir, lock->dir) != 0)
            m = m->next;
        if (!m)
            continue;
        vg_file where = {.path = m->path, .layer = m->layer};
        vg_component *root = vg_lang_component(run, &where, "composer", cataloger_name, m->name, m->version);
        size_t slash;
        if (!root || !split_name(root->name, &slash)) {
            rc = root ? VG_OK : VG_ERR_NOMEM;
            continue;
        }
        char *vendor = lower_copy(run->arena, root->name, slash);
        char *project = lower_copy(run->arena, root->name + slash + 1, strlen(root->name + slash + 1));
        if (!vendor || !project ||
            !(root->purl = vg_purl_format(run->arena, "composer", vendor, project, root->version, NULL, 0))) {
            rc = VG_ERR_NOMEM;
            break;
        }
        root->application = 1;
        root->evidence = VG_EVIDENCE_MANIFEST;
        for (size_t i = 0; i < m->nrequires && rc == VG_OK; i++)
            rc = vg_lang_index_depend(run->inv, &lock->index, root, m->requires[i], NULL, NULL);
        if (rc == VG_OK)
            rc = vg_lang_index_contain(run->inv, &lock->index, root);
    }
    php_discard(st);
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

const vg_cataloger vg_cataloger_php = {
    .name = cataloger_name,
    .wants = php_wants,
    .max_size = PHP_MAX_SIZE,
    .begin = php_begin,
    .collect = php_collect,
    .finish = php_finish,
    .discard = php_discard,
};
