/*
 * cargo.c — the "cargo" cataloger: Rust crates, from Cargo.lock files and
 * from binaries built with cargo-auditable.
 *
 * Cargo.lock (TOML; the format cargo writes, versions 1 to 4 — see
 * cargo's src/cargo/core/resolver/encode.rs): [[package]] tables with
 * name, version, source, checksum and dependencies.  A dependency entry is
 * "name", "name version" or "name version (source)", the longer forms used
 * only when the shorter one would be ambiguous; entries that match no
 * package, or more than one, give no edge (counted in one warning).  v1
 * keeps checksums in [metadata] under "checksum NAME VERSION (SOURCE)";
 * they are read too.  "version" = 3 or 4 at the top is accepted, as is its
 * absence (v1, v2); a newer one is read the same way with a warning.
 * Every package is a component (location = the Cargo.lock); a package
 * without source (a workspace member or a path dependency) that no other
 * package of the lock depends on is a root: application = 1.  Cargo.lock
 * does not say which package is the project otherwise, and vigil does not
 * guess.  DEPENDS_ON edges follow the dependencies lists.
 *
 * cargo-auditable (github.com/rust-secure-code/cargo-auditable, format
 * "auditable-serde" 0.x): the section ".dep-v0" (ELF, PE) or
 * "__DATA,.dep-v0" (Mach-O) holds zlib-compressed JSON
 * {"packages": [{"name", "version", "source", "kind", "dependencies":
 * [indices], "root"}]}.  It is inflated with zlib into at most 8 MiB (a
 * bigger result is a zip bomb: warning).  Every package is a component
 * (location = the binary), "root": true gives application = 1, the
 * indices give DEPENDS_ON edges; "kind": "build" (build-time only: not in
 * the binary) is kept as vigil:cargo:kind=build.
 *
 * Package URL: pkg:cargo/NAME@VERSION (name as written: crate names are
 * case-sensitive on crates.io's index path but unique case-insensitively;
 * the lock file's spelling is the crate's); a git source adds
 * vcs_url=git+URL@COMMIT, a registry other than crates.io adds
 * repository_url.  Properties: vigil:cargo:source (the source as written),
 * vigil:cargo:checksum.
 *
 * Left out: Cargo.toml (a manifest of ranges, not versions), the
 * [patch] / [[patch.unused]] tables, cargo-auditable in WebAssembly
 * (custom section "dep-v0"), the older cargo-audit "rust-audit-info"
 * embedding.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <zlib.h>

#include "catalog/binfmt.h"
#include "catalog/lang.h"
#include "vigil/map.h"
#include "vigil/purl.h"

#define CARGO_LOCK_MAX ((size_t)32 << 20)       /* Cargo.lock read */
#define CARGO_BINARY_MAX ((size_t)4 << 30)      /* executables offered */
#define CARGO_SECTION_MAX ((size_t)8 << 20)     /* compressed .dep-v0 read */
#define CARGO_JSON_MAX ((size_t)8 << 20)        /* inflated JSON */
#define CARGO_PACKAGES_MAX 200000

static const char crates_io[] = "registry+https://github.com/rust-lang/crates.io-index";

typedef struct cargo_pkg {
    const char *name, *version, *source; /* arena, valid UTF-8 */
    vg_component *component;
    int depended_on;
    struct cargo_pkg *next_same_name;
} cargo_pkg;

/* --- purls -------------------------------------------------------------- */

/* pkg:cargo/name@version with vcs_url / repository_url from a Cargo.lock
 * source ("registry+URL", "sparse+URL", "git+URL[?query]#commit"). */
static char *cargo_purl(vg_arena *arena, const char *name, const char *version, const char *source)
{
    vg_purl_qualifier q[1] = {{"repository_url", NULL}};
    if (source && strncmp(source, "git+", 4) == 0) {
        size_t base = strcspn(source, "?#");
        const char *hash = strchr(source, '#');
        q[0].key = "vcs_url";
        q[0].value = hash && hash[1] ? vg_arena_printf(arena, "%.*s@%s", (int)base, source, hash + 1)
                                     : vg_arena_strndup(arena, source, base);
        if (!q[0].value)
            return NULL;
    } else if (source && strcmp(source, crates_io) != 0 && strcmp(source, "sparse+https://index.crates.io/") != 0) {
        const char *plus = strchr(source, '+');
        if (plus && (strncmp(source, "registry+", 9) == 0 || strncmp(source, "sparse+", 7) == 0))
            q[0].value = plus + 1;
    }
    return vg_purl_format(arena, "cargo", NULL, name, version, q, 1);
}

static vg_component *cargo_component(vg_catalog_run *run, const vg_file *file, const char *name,
                                     const char *version, const char *source)
{
    vg_component *c = vg_lang_component(run, file, "cargo", "cargo", name, version);
    if (!c)
        return NULL;
    c->purl = cargo_purl(run->arena, c->name, c->version, source);
    return c->purl ? c : NULL;
}

/* --- Cargo.lock ----------------------------------------------------------- */

typedef struct cargo_lock {
    vg_catalog_run *run;
    const vg_file *file;
    cargo_pkg *pkgs;
    size_t npkgs;
    vg_map by_name; /* name -> first cargo_pkg of that name */
    size_t unresolved, bad_packages;
} cargo_lock;

/* The package a dependency entry names, or NULL when none or several. */
static cargo_pkg *cargo_resolve(cargo_lock *lk, const char *entry)
{
    size_t nlen = strcspn(entry, " ");
    const char *version = entry[nlen] ? entry + nlen + 1 : NULL;
    size_t vlen = version ? strcspn(version, " ") : 0;
    const char *source = version && version[vlen] == ' ' && version[vlen + 1] == '(' ? version + vlen + 2 : NULL;
    size_t slen = source ? strlen(source) : 0;
    if (source) {
        if (!slen || source[slen - 1] != ')')
            return NULL;
        slen--;
    }
    cargo_pkg *found = NULL;
    for (cargo_pkg *p = vg_map_get(&lk->by_name, entry, nlen); p; p = p->next_same_name) {
        if (version && (strlen(p->version) != vlen || memcmp(p->version, version, vlen) != 0))
            continue;
        if (source && (!p->source || strlen(p->source) != slen || memcmp(p->source, source, slen) != 0))
            continue;
        if (found)
            return NULL; /* ambiguous */
        found = p;
    }
    return found;
}

/* v1 checksums: [metadata] "checksum NAME VERSION (SOURCE)" = "hash". */
static const char *cargo_v1_checksum(const vg_toml_value *metadata, const cargo_pkg *p, vg_arena *arena)
{
    if (!metadata || !p->source)
        return NULL;
    const char *key = vg_arena_printf(arena, "checksum %s %s (%s)", p->name, p->version, p->source);
    return key ? vg_toml_get_string(metadata, key) : NULL;
}

static int cargo_lock_components(cargo_lock *lk, const vg_toml_value *root)
{
    vg_catalog_run *run = lk->run;
    vg_arena *arena = run->arena;
    const vg_toml_value *packages = vg_toml_get_array(root, "package");
    const vg_toml_value *metadata = vg_toml_get_table(root, "metadata");
    size_t n = packages ? packages->count : 0;
    if (n > CARGO_PACKAGES_MAX) {
        vg_warn(run->ctx, lk->file->path, "%zu packages; only the first %d are read", n, CARGO_PACKAGES_MAX);
        n = CARGO_PACKAGES_MAX;
    }
    lk->pkgs = vg_arena_calloc(arena, n ? n : 1, sizeof *lk->pkgs);
    if (!lk->pkgs)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const vg_toml_value *t = vg_toml_at(packages, i);
        const char *name = vg_toml_get_string(t, "name"), *version = vg_toml_get_string(t, "version");
        if (!name || !version || !name[0] || !version[0]) {
            lk->bad_packages++;
            continue;
        }
        cargo_pkg *p = &lk->pkgs[lk->npkgs++];
        p->name = vg_lang_text(arena, name);
        p->version = vg_lang_text(arena, version);
        p->source = vg_lang_text(arena, vg_toml_get_string(t, "source"));
        if (!p->name || !p->version || (vg_toml_get_string(t, "source") && !p->source))
            return VG_ERR_NOMEM;
        p->next_same_name = vg_map_get(&lk->by_name, p->name, strlen(p->name));
        if (vg_map_put(&lk->by_name, p->name, strlen(p->name), p))
            return VG_ERR_NOMEM;
        if (!(p->component = cargo_component(run, lk->file, p->name, p->version, p->source)))
            return VG_ERR_NOMEM;
        p->component->evidence = VG_EVIDENCE_LOCK;
        const char *checksum = vg_toml_get_string(t, "checksum");
        if (!checksum)
            checksum = cargo_v1_checksum(metadata, p, arena);
        if (vg_component_set_property(run->inv, p->component, "vigil:cargo:source", p->source) ||
            vg_component_set_property(run->inv, p->component, "vigil:cargo:checksum",
                                      checksum ? vg_lang_text(arena, checksum) : NULL))
            return VG_ERR_NOMEM;
    }
    /* edges, in a second pass: packages may be listed after their dependents */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const vg_toml_value *t = vg_toml_at(packages, i);
        const char *name = vg_toml_get_string(t, "name"), *version = vg_toml_get_string(t, "version");
        if (!name || !version || !name[0] || !version[0])
            continue;
        cargo_pkg *p = &lk->pkgs[k++];
        const vg_toml_value *deps = vg_toml_get_array(t, "dependencies");
        for (size_t d = 0; deps && d < deps->count; d++) {
            const vg_toml_value *entry = vg_toml_at(deps, d);
            cargo_pkg *to = entry && entry->type == VG_TOML_STRING ? cargo_resolve(lk, entry->string) : NULL;
            if (!to || to == p) {
                lk->unresolved++;
                continue;
            }
            to->depended_on = 1;
            if (vg_inventory_add_edge(run->inv, p->component, to->component, VG_EDGE_DEPENDS_ON))
                return VG_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < lk->npkgs; i++)
        if (!lk->pkgs[i].source && !lk->pkgs[i].depended_on)
            lk->pkgs[i].component->application = 1;
    return VG_OK;
}

static int cargo_collect_lock(vg_catalog_run *run, const vg_file *file)
{
    const unsigned char *text;
    size_t len;
    void *owned;
    int rc = vg_file_load(file, CARGO_LOCK_MAX, &text, &len, &owned);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc) {
        vg_warn(run->ctx, file->path, rc == VG_ERR_LIMIT ? "larger than the %zu bytes vigil reads; skipped"
                                                         : "cannot read (limit %zu bytes)", CARGO_LOCK_MAX);
        return VG_OK;
    }
    vg_file loaded = *file;
    loaded.data = text;
    loaded.size = len;
    vg_toml_value *root = vg_lang_load_toml(run, &loaded);
    if (!root) {
        free(owned);
        return VG_OK; /* warned */
    }
    const vg_toml_value *version = vg_toml_get(root, "version");
    if (version && (version->type != VG_TOML_INTEGER || version->integer < 1 || version->integer > 4))
        vg_warn(run->ctx, file->path, "lock file version is not 1 to 4; read as version 4");
    cargo_lock lk = {.run = run, .file = file};
    vg_map_init(&lk.by_name);
    rc = cargo_lock_components(&lk, root);
    vg_map_free(&lk.by_name);
    free(owned);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (lk.bad_packages)
        vg_warn(run->ctx, file->path, "%zu [[package]] table(s) without a name or version skipped", lk.bad_packages);
    if (lk.unresolved)
        vg_warn(run->ctx, file->path, "%zu dependency entr(ies) name no single package of the lock file",
                lk.unresolved);
    return VG_OK;
}

/* --- cargo-auditable -------------------------------------------------------- */

/* Inflates a zlib stream into a malloc'd NUL-terminated buffer of at most
 * CARGO_JSON_MAX bytes.  VG_OK, VG_ERR_FORMAT, VG_ERR_LIMIT, VG_ERR_NOMEM. */
static int cargo_inflate(const unsigned char *in, size_t inlen, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK)
        return VG_ERR_NOMEM;
    size_t cap = inlen * 4 + 1024 < CARGO_JSON_MAX ? inlen * 4 + 1024 : CARGO_JSON_MAX;
    char *buf = malloc(cap + 1);
    int rc = buf ? VG_OK : VG_ERR_NOMEM;
    size_t len = 0;
    zs.next_in = (unsigned char *)in;
    zs.avail_in = (uInt)inlen; /* inlen <= CARGO_SECTION_MAX fits */
    while (rc == VG_OK) {
        if (len == cap) {
            if (cap == CARGO_JSON_MAX) {
                rc = VG_ERR_LIMIT;
                break;
            }
            size_t grown = cap * 2 < CARGO_JSON_MAX ? cap * 2 : CARGO_JSON_MAX;
            char *p = realloc(buf, grown + 1);
            if (!p) {
                rc = VG_ERR_NOMEM;
                break;
            }
            buf = p;
            cap = grown;
        }
        zs.next_out = (unsigned char *)buf + len;
        zs.avail_out = (uInt)(cap - len);
        int z = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
        if (z == Z_STREAM_END)
            break;
        if (z == Z_MEM_ERROR)
            rc = VG_ERR_NOMEM;
        else if (z != Z_OK && !(z == Z_BUF_ERROR && zs.avail_out == 0))
            rc = VG_ERR_FORMAT;
        else if (z == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
            rc = VG_ERR_FORMAT; /* input ended before the stream did */
    }
    inflateEnd(&zs);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return VG_OK;
}

static int cargo_auditable_components(vg_catalog_run *run, const vg_file *file, json_t *doc)
{
    json_t *packages = json_object_get(doc, "packages");
    if (!json_is_array(packages)) {
        vg_warn(run->ctx, file->path, "cargo-auditable data without a \"packages\" array");
        return VG_OK;
    }
    size_t n = json_array_size(packages), bad = 0, bad_edges = 0;
    if (n > CARGO_PACKAGES_MAX) {
        vg_warn(run->ctx, file->path, "cargo-auditable data lists %zu packages; only the first %d are read", n,
                CARGO_PACKAGES_MAX);
        n = CARGO_PACKAGES_MAX;
    }
    vg_component **comps = calloc(n ? n : 1, sizeof *comps);
    if (!comps)
        return VG_ERR_NOMEM;
    int rc = VG_OK;
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        json_t *p = json_array_get(packages, i);
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *version = json_string_value(json_object_get(p, "version"));
        const char *source = json_string_value(json_object_get(p, "source"));
        const char *kind = json_string_value(json_object_get(p, "kind"));
        if (!name || !version || !name[0] || !version[0]) {
            bad++;
            continue;
        }
        /* auditable's source is a kind ("crates.io", "git", "local",
         * "registry"), not a location: no purl qualifier from it */
        vg_component *c = comps[i] = cargo_component(run, file, name, version, NULL);
        if (!c) {
            rc = VG_ERR_NOMEM;
            break;
        }
        c->application = json_is_true(json_object_get(p, "root"));
        if (vg_component_set_property(run->inv, c, "vigil:cargo:source", source ? vg_lang_text(run->arena, source) : NULL) ||
            vg_component_set_property(run->inv, c, "vigil:cargo:kind",
                                      kind && strcmp(kind, "build") == 0 ? "build" : NULL))
            rc = VG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        if (!comps[i])
            continue;
        json_t *deps = json_object_get(json_array_get(packages, i), "dependencies");
        size_t k;
        json_t *d;
        json_array_foreach(deps, k, d) {
            json_int_t idx = json_is_integer(d) ? json_integer_value(d) : -1;
            if (idx < 0 || (uint64_t)idx >= n || !comps[idx] || (size_t)idx == i) {
                bad_edges++;
                continue;
            }
            if (vg_inventory_add_edge(run->inv, comps[i], comps[idx], VG_EDGE_DEPENDS_ON)) {
                rc = VG_ERR_NOMEM;
                break;
            }
        }
    }
    free(comps);
    if (rc == VG_OK && bad)
        vg_warn(run->ctx, file->path, "cargo-auditable data: %zu package(s) without a name or version skipped", bad);
    if (rc == VG_OK && bad_edges)
        vg_warn(run->ctx, file->path, "cargo-auditable data: %zu dependency index(es) out of range skipped",
                bad_edges);
    return rc;
}

static int cargo_collect_binary(vg_catalog_run *run, const vg_file *file)
{
    vg_binfmt bf;
    /* header problems are reported once, by the golang cataloger; a scratch
     * context keeps this one's ctx->message untouched */
    vg_ctx scratch;
    vg_ctx_init(&scratch);
    int rc = vg_binfmt_open(&scratch, &bf, file);
    vg_ctx_free(&scratch);
    if (rc) {
        vg_binfmt_close(&bf);
        return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "%s: out of memory", file->path) : VG_OK;
    }
    const vg_binfmt_region *sec = vg_binfmt_section(&bf, bf.kind == VG_BINFMT_MACHO ? "__DATA" : NULL, ".dep-v0");
    if (!sec) {
        vg_binfmt_close(&bf);
        return VG_OK;
    }
    unsigned char *z = NULL;
    size_t zlen = 0;
    rc = vg_binfmt_read_section(&bf, sec, CARGO_SECTION_MAX, &z, &zlen);
    vg_binfmt_close(&bf);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc) {
        vg_warn(run->ctx, file->path, "cargo-auditable section .dep-v0 %s",
                rc == VG_ERR_LIMIT ? "is larger than vigil reads" : "lies outside the file");
        return VG_OK;
    }
    char *text = NULL;
    size_t len = 0;
    rc = cargo_inflate(z, zlen, &text, &len);
    free(z);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc) {
        vg_warn(run->ctx, file->path, rc == VG_ERR_LIMIT
                    ? "cargo-auditable section .dep-v0 inflates past %zu bytes (zip bomb?); skipped"
                    : "cargo-auditable section .dep-v0 is not a valid zlib stream (limit %zu bytes)",
                CARGO_JSON_MAX);
        return VG_OK;
    }
    json_error_t err;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    free(text);
    if (!doc) {
        vg_warn(run->ctx, file->path, "cargo-auditable data is not valid JSON: line %d: %s", err.line, err.text);
        return VG_OK;
    }
    rc = cargo_auditable_components(run, file, doc);
    json_decref(doc);
    return rc ? vg_error(run->ctx, rc, "%s: out of memory", file->path) : VG_OK;
}

/* --- the cataloger ------------------------------------------------------ */

static int cargo_wants(const char *path, size_t len, size_t base)
{
    return len - base == 10 && path[base] == 'C' && memcmp(path + base, "Cargo.lock", 10) == 0;
}

static void *cargo_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, 1); /* no state: components are added as files come */
}

static int cargo_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    size_t base = slash ? (size_t)(slash - file->path) + 1 : 0;
    if (cargo_wants(file->path, len, base))
        return cargo_collect_lock(run, file);
    return cargo_collect_binary(run, file);
}

static int cargo_finish(vg_catalog_run *run, void *state)
{
    return VG_OK;
}

const vg_cataloger vg_cataloger_cargo = {
    .name = "cargo",
    .wants = cargo_wants,
    .max_size = CARGO_BINARY_MAX,
    .flags = VG_CATALOG_RANDOM_ACCESS | VG_CATALOG_EXECUTABLES,
    .begin = cargo_begin,
    .collect = cargo_collect,
    .finish = cargo_finish,
};
