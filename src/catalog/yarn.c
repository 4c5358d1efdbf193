/*
 * yarn.c — the "yarn" cataloger: yarn.lock, the lock file of Yarn.
 *
 * Two formats, told apart by a top-level "__metadata:" key:
 * - Yarn classic ("# yarn lockfile v1", classic.yarnpkg.com "yarn.lock"):
 *   blocks whose header line lists comma-separated descriptors
 *   NAME@RANGE (quoted or not) and ends with ':', followed by two-space
 *   indented "key value" fields (version, resolved, integrity) and
 *   four-space indented blocks dependencies / optionalDependencies of
 *   "NAME RANGE" lines.  Parsed here line by line; strings are repaired to
 *   UTF-8.
 * - Yarn berry (2, 3, 4: lock file __metadata.version 4 to 8): YAML, read
 *   with libyaml (npm_yaml.h).  Keys are comma-separated descriptors
 *   NAME@PROTOCOL:RANGE; entries have version, resolution (NAME@npm:VERSION,
 *   NAME@workspace:PATH, NAME@patch:..., git and tarball URLs, file:,
 *   link:, portal:), dependencies (a range without a protocol means npm:),
 *   checksum.  The "workspace:." entry is the application; other workspaces
 *   are components with vigil:npm:workspace; "0.0.0-use.local" (yarn's
 *   placeholder for workspaces) is no version.  A patch: resolution is the
 *   patched package at its version, with vigil:yarn:patch = the resolution.
 * Aliases (NAME@npm:REAL@RANGE) use the real name; vigil:npm:alias keeps
 * the alias.  DEPENDS_ON edges: each dependency NAME RANGE is the entry
 * listing the descriptor NAME@RANGE.
 *
 * yarn.lock records neither dev/prod nor (classic) the project: scope is
 * left unknown and a classic lock file has no application component.
 * yarn.lock files inside node_modules are not read (they are a dependency's
 * own, not what is installed).
 *
 * Left out: peerDependencies ranges, dependenciesMeta, bin, conditions,
 * the project's package.json.
 */
#include <string.h>

#include "catalog/npm_common.h"
#include "catalog/npm_yaml.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"

#define YARN_MAX_DEPS 10000 /* dependencies kept per entry */

static int yarn_wants(const char *path, size_t len, size_t base)
{
    if (len - base != 9 || memcmp(path + base, "yarn.lock", 9) != 0)
        return 0;
    return !npm_under_node_modules(path, base);
}

static void *yarn_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, 1);
}

/* One lock entry, from either format. */
typedef struct yarn_entry {
    const char **descriptors;
    size_t ndescriptors, descriptors_cap;
    const char *version, *resolved, *integrity, *resolution;
    const char **deps; /* name, range, name, range ... */
    size_t ndeps, deps_cap; /* ndeps counts strings: twice the dependencies */
    vg_component *comp;
    struct yarn_entry *next;
} yarn_entry;

typedef struct yarn_parse {
    npm_lock lock;
    vg_arena *arena;
    yarn_entry *entries, **tail;
    int berry;
} yarn_parse;

static int push(vg_arena *arena, const char ***items, size_t *n, size_t *cap, const char *item)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        const char **grown = vg_arena_calloc(arena, ncap, sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        if (*n)
            memcpy(grown, *items, *n * sizeof *grown);
        *items = grown;
        *cap = ncap;
    }
    (*items)[(*n)++] = item;
    return VG_OK;
}

static int add_dep(yarn_parse *yp, yarn_entry *e, const char *name, const char *range)
{
    if (e->ndeps >= 2 * YARN_MAX_DEPS)
        return VG_OK;
    int rc = push(yp->arena, &e->deps, &e->ndeps, &e->deps_cap, name);
    return rc ? rc : push(yp->arena, &e->deps, &e->ndeps, &e->deps_cap, range);
}

/* ---- classic (v1) ---- */

/* Reads one token at s[*pos..len): a double-quoted string (with \" and \\
 * escapes) or a run of characters up to a space or the end (stop also at
 * ',' or at a ':' before a space or the end when stop_punct).  Returns an arena copy repaired to UTF-8, or
 * NULL on OOM; *pos is left after the token. */
static char *read_token(yarn_parse *yp, const char *s, size_t len, size_t *pos, int stop_punct)
{
    size_t i = *pos;
    char tmp[4096];
    size_t n = 0;
    if (i < len && s[i] == '"') {
        for (i++; i < len && s[i] != '"'; i++) {
            if (s[i] == '\\' && i + 1 < len)
                i++;
            if (n < sizeof tmp)
                tmp[n++] = s[i];
        }
        if (i < len)
            i++;
    } else {
        /* unquoted: up to a space, or (stop_punct) a ',' or a ':' that ends
         * the key ("a@npm:b@1:" is one descriptor) */
        for (; i < len && s[i] != ' ' &&
               !(stop_punct && (s[i] == ',' || (s[i] == ':' && (i + 1 == len || s[i + 1] == ' '))));
             i++)
            if (n < sizeof tmp)
                tmp[n++] = s[i];
    }
    *pos = i;
    return vg_text_utf8_copy(yp->arena, tmp, n, &yp->lock.bad_utf8);
}

static int parse_classic(yarn_parse *yp, const char *text, size_t len)
{
    size_t pos = 0;
    const char *line;
    size_t linelen;
    yarn_entry *cur = NULL;
    int in_deps = 0;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        size_t indent = 0;
        while (indent < linelen && line[indent] == ' ')
            indent++;
        if (indent == linelen || line[indent] == '#')
            continue;
        size_t p = indent;
        if (indent == 0) {
            /* header: descriptors separated by ", ", ending with ':' */
            cur = vg_arena_alloc(yp->arena, sizeof *cur);
            if (!cur)
                return VG_ERR_NOMEM;
            *yp->tail = cur;
            yp->tail = &cur->next;
            in_deps = 0;
            while (p < linelen && line[p] != ':') {
                char *d = read_token(yp, line, linelen, &p, 1);
                if (!d)
                    return VG_ERR_NOMEM;
                if (*d && push(yp->arena, &cur->descriptors, &cur->ndescriptors, &cur->descriptors_cap, d))
                    return VG_ERR_NOMEM;
                while (p < linelen && (line[p] == ',' || line[p] == ' '))
                    p++;
            }
            continue;
        }
        if (!cur)
            continue;
        char *key = read_token(yp, line, linelen, &p, 1);
        if (!key)
            return VG_ERR_NOMEM;
        if (p < linelen && line[p] == ':') {
            in_deps = indent == 2 && (strcmp(key, "dependencies") == 0 || strcmp(key, "optionalDependencies") == 0);
            continue;
        }
        while (p < linelen && line[p] == ' ')
            p++;
        char *value = read_token(yp, line, linelen, &p, 0);
        if (!value)
            return VG_ERR_NOMEM;
        if (indent >= 4) {
            if (in_deps && add_dep(yp, cur, key, value))
                return VG_ERR_NOMEM;
            continue;
        }
        in_deps = 0;
        if (strcmp(key, "version") == 0)
            cur->version = value;
        else if (strcmp(key, "resolved") == 0)
            cur->resolved = value;
        else if (strcmp(key, "integrity") == 0)
            cur->integrity = value;
    }
    return VG_OK;
}

/* ---- berry (v2+) ---- */

/* Splits "a, b, c" into descriptors. */
static int split_descriptors(yarn_parse *yp, yarn_entry *e, const char *key)
{
    for (const char *p = key; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t t = n;
        while (t && p[t - 1] == ' ')
            t--;
        if (t) {
            const char *d = vg_arena_strndup(yp->arena, p, t);
            if (!d || push(yp->arena, &e->descriptors, &e->ndescriptors, &e->descriptors_cap, d))
                return VG_ERR_NOMEM;
        }
        p += n;
    }
    return VG_OK;
}

static int parse_berry(yarn_parse *yp, const npm_yaml_node *root)
{
    if (!root || root->kind != NPM_YAML_MAP)
        return VG_ERR_FORMAT;
    for (const npm_yaml_node *k = root->first; k && k->next; k = k->next->next) {
        const char *key = npm_yaml_text(k);
        const npm_yaml_node *v = k->next;
        if (!key || strcmp(key, "__metadata") == 0 || v->kind != NPM_YAML_MAP)
            continue;
        yarn_entry *e = vg_arena_alloc(yp->arena, sizeof *e);
        if (!e || split_descriptors(yp, e, key))
            return VG_ERR_NOMEM;
        e->version = npm_yaml_get_text(v, "version");
        e->resolution = npm_yaml_get_text(v, "resolution");
        e->integrity = npm_yaml_get_text(v, "checksum");
        const npm_yaml_node *deps = npm_yaml_get(v, "dependencies");
        for (const npm_yaml_node *d = deps && deps->kind == NPM_YAML_MAP ? deps->first : NULL; d && d->next;
             d = d->next->next) {
            const char *name = npm_yaml_text(d), *range = npm_yaml_text(d->next);
            if (name && range && add_dep(yp, e, name, range))
                return VG_ERR_NOMEM;
        }
        *yp->tail = e;
        yp->tail = &e->next;
    }
    return VG_OK;
}

/* ---- components and edges ---- */

/* Fills pkg (and alias, application, workspace, patch) for entry e. */
static int identify(yarn_parse *yp, const yarn_entry *e, npm_package *pkg, const char **alias, int *application,
                    int *workspace, const char **patch)
{
    vg_arena *arena = yp->arena;
    memset(pkg, 0, sizeof *pkg);
    *alias = *patch = NULL;
    *application = *workspace = 0;
    const char *first = e->ndescriptors ? e->descriptors[0] : NULL;
    size_t n = first ? npm_descriptor_name_len(first) : 0;
    if (!n)
        return VG_OK;
    const char *range = first + n + 1;
    const char *name = vg_arena_strndup(arena, first, n);
    if (!name)
        return VG_ERR_NOMEM;
    pkg->version = e->version;
    pkg->scope = VG_SCOPE_UNKNOWN;
    if (e->resolution) {
        /* berry: NAME@PROTOCOL:REF names the real package */
        size_t rn = npm_descriptor_name_len(e->resolution);
        if (!rn)
            return VG_OK;
        const char *real = vg_arena_strndup(arena, e->resolution, rn);
        const char *ref = e->resolution + rn + 1;
        if (!real)
            return VG_ERR_NOMEM;
        if (strcmp(real, name) != 0)
            *alias = name;
        name = real;
        if (strncmp(ref, "npm:", 4) == 0) {
            pkg->origin = NPM_ORIGIN_REGISTRY;
            if (!pkg->version)
                pkg->version = ref + 4;
        } else if (strncmp(ref, "workspace:", 10) == 0) {
            pkg->origin = NPM_ORIGIN_LOCAL;
            pkg->url = ref;
            *application = strcmp(ref + 10, ".") == 0;
            *workspace = !*application;
            if (pkg->version && strcmp(pkg->version, "0.0.0-use.local") == 0)
                pkg->version = NULL;
        } else if (strncmp(ref, "patch:", 6) == 0) {
            pkg->origin = NPM_ORIGIN_REGISTRY;
            *patch = e->resolution;
        } else {
            pkg->origin = npm_origin_of(ref);
            if (pkg->origin == NPM_ORIGIN_REGISTRY) /* an unknown protocol: no registry identity */
                pkg->origin = NPM_ORIGIN_LOCAL;
            pkg->url = ref;
        }
    } else {
        /* classic: an alias range is npm:REAL@RANGE */
        if (strncmp(range, "npm:", 4) == 0) {
            size_t rn = npm_descriptor_name_len(range + 4);
            if (rn) {
                *alias = name;
                if (!(name = vg_arena_strndup(arena, range + 4, rn)))
                    return VG_ERR_NOMEM;
            }
        }
        npm_origin from_range = npm_origin_of(range);
        if (e->resolved) {
            pkg->origin = npm_origin_of(e->resolved);
            if (pkg->origin != NPM_ORIGIN_REGISTRY)
                pkg->url = e->resolved;
        } else if (from_range != NPM_ORIGIN_REGISTRY) {
            pkg->origin = from_range;
            pkg->url = range;
        }
    }
    pkg->name = name;
    return VG_OK;
}

static int build(yarn_parse *yp)
{
    vg_catalog_run *run = yp->lock.run;
    vg_map by_descriptor;
    vg_map_init(&by_descriptor);
    int rc = VG_OK;
    for (yarn_entry *e = yp->entries; e && rc == VG_OK; e = e->next) {
        npm_package pkg;
        const char *alias, *patch;
        int application, workspace, created = 0;
        if ((rc = identify(yp, e, &pkg, &alias, &application, &workspace, &patch)) || !pkg.name)
            continue;
        if (application && !yp->lock.application) {
            rc = npm_lock_application(&yp->lock, pkg.name, pkg.version);
            e->comp = yp->lock.application;
        } else if (!application) {
            rc = npm_lock_package(&yp->lock, &pkg, &e->comp, &created);
        }
        if (rc == VG_OK && created && e->comp) {
            vg_component *c = e->comp;
            if (pkg.origin == NPM_ORIGIN_REGISTRY && !patch)
                rc = npm_property(run, c, "vigil:npm:resolved", e->resolved);
            if (!rc)
                rc = npm_property(run, c, yp->berry ? "vigil:yarn:checksum" : "vigil:npm:integrity", e->integrity);
            if (!rc)
                rc = npm_property(run, c, "vigil:npm:alias", alias);
            if (!rc)
                rc = npm_property(run, c, "vigil:yarn:patch", patch);
            if (!rc && workspace)
                rc = npm_property(run, c, "vigil:npm:workspace", "true");
        }
        for (size_t i = 0; i < e->ndescriptors && rc == VG_OK && e->comp; i++)
            if (!vg_map_get(&by_descriptor, e->descriptors[i], strlen(e->descriptors[i])))
                rc = vg_map_put(&by_descriptor, e->descriptors[i], strlen(e->descriptors[i]), e);
    }
    vg_buf key;
    vg_buf_init(&key, 1 << 16);
    for (yarn_entry *e = yp->entries; e && rc == VG_OK; e = e->next) {
        for (size_t i = 0; e->comp && i + 1 < e->ndeps && rc == VG_OK; i += 2) {
            const char *name = e->deps[i], *range = e->deps[i + 1];
            vg_buf_reset(&key);
            if (vg_buf_addf(&key, "%s@%s", name, range))
                continue;
            yarn_entry *to = vg_map_get(&by_descriptor, key.data, key.len);
            if (!to && yp->berry && !strchr(range, ':')) {
                vg_buf_reset(&key);
                if (vg_buf_addf(&key, "%s@npm:%s", name, range))
                    continue;
                to = vg_map_get(&by_descriptor, key.data, key.len);
            }
            if (to)
                rc = npm_depends(run, e->comp, to->comp);
        }
    }
    vg_buf_free(&key);
    vg_map_free(&by_descriptor);
    return rc;
}

/* The text has a top-level "__metadata:" key (berry). */
static int is_berry(const char *text, size_t len)
{
    size_t pos = 0;
    const char *line;
    size_t linelen;
    while (vg_text_next_line(text, len, &pos, &line, &linelen))
        if (linelen >= 11 && memcmp(line, "__metadata:", 11) == 0)
            return 1;
    return 0;
}

static int yarn_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    yarn_parse yp;
    memset(&yp, 0, sizeof yp);
    yp.arena = run->arena;
    yp.tail = &yp.entries;
    int rc = npm_lock_init(&yp.lock, run, "yarn", file);
    if (rc)
        return rc;
    const char *text = (const char *)file->data;
    yp.berry = is_berry(text, file->size);
    int ok = 1;
    if (yp.berry) {
        /* the YAML tree lives in a scratch arena freed here */
        vg_arena scratch;
        vg_arena_init(&scratch);
        npm_yaml_node *root;
        char why[256];
        rc = npm_yaml_parse(&scratch, file->data, file->size, &root, why, sizeof why);
        if (rc == VG_ERR_FORMAT || rc == VG_ERR_LIMIT) {
            vg_warn(run->ctx, file->path, "not a valid yarn berry lock file (%s); skipped", why);
            ok = 0;
            rc = VG_OK;
        } else if (rc == VG_OK && parse_berry(&yp, root) == VG_ERR_FORMAT) {
            vg_warn(run->ctx, file->path, "not a valid yarn berry lock file (not a YAML mapping); skipped");
            ok = 0;
        } else if (rc == VG_OK) {
            /* entries point into the YAML tree: build before freeing it */
            rc = build(&yp);
        }
        if (rc == VG_OK && ok)
            rc = npm_lock_done(&yp.lock, 1);
        else
            (void)npm_lock_done(&yp.lock, 0);
        vg_arena_free(&scratch);
    } else {
        rc = parse_classic(&yp, text, file->size);
        if (rc == VG_OK)
            rc = build(&yp);
        int drc = npm_lock_done(&yp.lock, rc == VG_OK);
        if (rc == VG_OK)
            rc = drc;
    }
    return rc ? vg_error(run->ctx, rc, "%s: %s", file->path, vg_strerror(rc)) : VG_OK;
}

static int yarn_finish(vg_catalog_run *run, void *state)
{
    return VG_OK;
}

const vg_cataloger vg_cataloger_yarn = {
    .name = "yarn",
    .wants = yarn_wants,
    .max_size = NPM_LOCK_MAX_SIZE,
    .begin = yarn_begin,
    .collect = yarn_collect,
    .finish = yarn_finish,
};
