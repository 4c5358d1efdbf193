/*
 * chisel.c — the "chisel" cataloger: Debian packages installed as slices by
 * Ubuntu's chisel (github.com/canonical/chisel), which writes no dpkg
 * status database but a manifest of what it cut.
 *
 * Reads var/lib/chisel/manifest.wall, where Ubuntu's chisel-releases put it
 * (the base-files_chisel slice generates "manifest" for the directory /var/lib/chisel):
 * a zstd frame (RFC 8878) holding a "jsonwall" database as chisel's
 * public/jsonwall and public/manifest packages define it.  jsonwall is text,
 * one JSON object per line: a header {"jsonwall":"1.0","schema":"1.0",
 * "count":N} (N counts the header too), then the entries sorted bytewise.
 * Schema 1.0 entries, by "kind":
 *   package  name, version, sha256 (of the .deb), arch
 *   slice    name "PACKAGE_SLICE"
 *   path     path (absolute; directories end in "/"), mode, slices[],
 *            sha256, final_sha256, size, link, inode
 *   content  slice, path (the same facts as path.slices: not needed)
 * Other kinds are ignored, as a newer chisel may add them.  A header with a
 * jsonwall version other than 1.x or a schema other than 1.0 is reported as
 * unsupported and nothing is listed.
 *
 * Each package is one component: type deb, the cataloger "chisel", its
 * slices (the slice names whose PACKAGE part is its name; Debian package
 * names hold no "_") sorted in the property vigil:chisel:slices, space
 * separated, the .deb digest in vigil:chisel:sha256, and as its files every
 * path (not the directories) one of its slices installed.  Package URL as
 * the dpkg cataloger writes it: pkg:deb/ID/NAME@VERSION?arch=ARCH&distro=
 * ID-VERSION_ID, ID being the os-release ID or "ubuntu" when the OS is
 * unknown.  The manifest does not name source packages: there is no
 * upstream qualifier and source_name/source_version stay unset.
 *
 * Bounded: the compressed file (CHISEL_MAX_SIZE), the decompressed text
 * (CHISEL_MAX_TEXT), one line (CHISEL_MAX_LINE) and the entries
 * (CHISEL_MAX_ENTRIES).  A line that is not a JSON object, or an entry
 * without its fields, is skipped; one warning per manifest says how many
 * and where the first was.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zstd.h>

#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/purl.h"

#define CHISEL_MAX_SIZE ((size_t)64 << 20)    /* compressed manifest */
#define CHISEL_MAX_TEXT ((size_t)512 << 20)   /* decompressed jsonwall */
#define CHISEL_MAX_LINE ((size_t)64 << 10)    /* one entry */
#define CHISEL_MAX_ENTRIES ((size_t)4 << 20)  /* lines of one manifest */

static const char manifest_path[] = "var/lib/chisel/manifest.wall";

typedef struct chisel_package {
    const char *name, *version, *arch, *sha256;
    const char **slices;
    size_t nslices, slices_cap;
    const char **files;
    size_t nfiles, files_cap;
    const char *location;
    int layer;
    struct chisel_package *next;
} chisel_package;

typedef struct chisel_state {
    chisel_package *packages; /* in manifest order */
    chisel_package **tail;
} chisel_state;

/* What one manifest's parse keeps track of. */
typedef struct chisel_parse {
    vg_catalog_run *run;
    chisel_state *st;
    const vg_file *file;
    const char *location;
    vg_map names;        /* package name -> chisel_package, this manifest */
    size_t skipped;      /* lines skipped */
    size_t first_line;   /* the first of them */
    const char *first_why;
} chisel_parse;

static int chisel_wants(const char *path, size_t len, size_t base)
{
    return len - base == 13 && memcmp(path + base, "manifest.wall", 13) == 0 && len == sizeof manifest_path - 1 &&
           memcmp(path, manifest_path, len) == 0;
}

static void *chisel_begin(vg_catalog_run *run)
{
    chisel_state *st = vg_arena_calloc(run->arena, 1, sizeof *st);
    if (st)
        st->tail = &st->packages;
    return st;
}

/* Decompresses the zstd frames of data into out (at most CHISEL_MAX_TEXT).
 * VG_OK, VG_ERR_FORMAT (not zstd, corrupt, truncated), VG_ERR_LIMIT or
 * VG_ERR_NOMEM; *why says what for the warning. */
static int decompress(const unsigned char *data, size_t size, vg_buf *out, const char **why)
{
    static const unsigned char magic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    if (size < 4 || memcmp(data, magic, 4) != 0) {
        *why = "not a zstd frame (chisel compresses its manifest with zstd)";
        return VG_ERR_FORMAT;
    }
    ZSTD_DStream *ds = ZSTD_createDStream();
    if (!ds)
        return VG_ERR_NOMEM;
    ZSTD_inBuffer in = {data, size, 0};
    size_t ret = 1;
    int rc = VG_OK;
    while (rc == VG_OK && (in.pos < in.size || ret != 0)) {
        rc = vg_buf_reserve(out, (size_t)1 << 16);
        if (rc) {
            *why = rc == VG_ERR_LIMIT ? "decompressed manifest larger than the limit" : "out of memory";
            break;
        }
        ZSTD_outBuffer o = {out->data + out->len, (size_t)1 << 16, 0};
        size_t before = in.pos;
        ret = ZSTD_decompressStream(ds, &o, &in);
        if (ZSTD_isError(ret)) {
            *why = ZSTD_getErrorName(ret);
            rc = VG_ERR_FORMAT;
            break;
        }
        out->len += o.pos;
        out->data[out->len] = '\0';
        if (in.pos == in.size && ret != 0 && o.pos == 0 && before == in.pos) {
            *why = "truncated zstd frame";
            rc = VG_ERR_FORMAT;
        }
    }
    ZSTD_freeDStream(ds);
    return rc;
}

static void skip_line(chisel_parse *p, size_t line, const char *why)
{
    if (!p->skipped++) {
        p->first_line = line;
        p->first_why = why;
    }
}

static const char *member(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : NULL;
}

/* Appends s to the array *items (count *n, capacity *cap), doubling in the arena. */
static int append(vg_arena *arena, const char ***items, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 8;
        const char **a = vg_arena_alloc(arena, grown * sizeof *a);
        if (!a)
            return VG_ERR_NOMEM;
        if (*n)
            memcpy(a, *items, *n * sizeof *a);
        *items = a;
        *cap = grown;
    }
    (*items)[(*n)++] = s;
    return VG_OK;
}

/* The package of "PACKAGE_SLICE", or NULL (with the line skipped) when
 * the name has no "_" or the manifest lists no such package. */
static chisel_package *slice_package(chisel_parse *p, const char *slice, size_t line)
{
    const char *us = strchr(slice, '_');
    chisel_package *pkg = us && us != slice && us[1] ? vg_map_get(&p->names, slice, (size_t)(us - slice)) : NULL;
    if (!pkg)
        skip_line(p, line, "a slice of a package the manifest does not list");
    return pkg;
}

static int entry_package(chisel_parse *p, json_t *obj, size_t line)
{
    vg_arena *a = p->run->arena;
    const char *name = member(obj, "name"), *version = member(obj, "version");
    if (!name || !version || strchr(name, '_')) {
        skip_line(p, line, "a package without a valid name or version");
        return VG_OK;
    }
    if (vg_map_get(&p->names, name, strlen(name))) {
        skip_line(p, line, "a package listed twice");
        return VG_OK;
    }
    chisel_package *pkg = vg_arena_calloc(a, 1, sizeof *pkg);
    if (!pkg || !(pkg->name = vg_arena_strdup(a, name)) || !(pkg->version = vg_arena_strdup(a, version)))
        return VG_ERR_NOMEM;
    const char *arch = member(obj, "arch"), *sha = member(obj, "sha256");
    if ((arch && !(pkg->arch = vg_arena_strdup(a, arch))) || (sha && !(pkg->sha256 = vg_arena_strdup(a, sha))))
        return VG_ERR_NOMEM;
    pkg->location = p->location;
    pkg->layer = p->file->layer;
    *p->st->tail = pkg;
    p->st->tail = &pkg->next;
    return vg_map_put(&p->names, pkg->name, strlen(pkg->name), pkg);
}

static int entry_slice(chisel_parse *p, json_t *obj, size_t line)
{
    const char *name = member(obj, "name");
    chisel_package *pkg = name ? slice_package(p, name, line) : NULL;
    if (!name)
        skip_line(p, line, "a slice without a name");
    if (!pkg)
        return VG_OK;
    const char *copy = vg_arena_strdup(p->run->arena, name);
    return copy ? append(p->run->arena, &pkg->slices, &pkg->nslices, &pkg->slices_cap, copy) : VG_ERR_NOMEM;
}

static int entry_path(chisel_parse *p, json_t *obj, size_t line)
{
    const char *path = member(obj, "path");
    json_t *slices = json_object_get(obj, "slices");
    if (!path || path[0] != '/' || !json_is_array(slices)) {
        skip_line(p, line, "a path without an absolute path or its slices");
        return VG_OK;
    }
    if (path[strlen(path) - 1] == '/')
        return VG_OK; /* a directory: not a file the package owns */
    const char *copy = NULL;
    chisel_package *last = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(slices, i, s) {
        const char *slice = json_string_value(s);
        chisel_package *pkg = slice ? slice_package(p, slice, line) : NULL;
        if (!slice)
            skip_line(p, line, "a slice name that is not a string");
        if (!pkg || pkg == last) /* two slices of one package: the file once */
            continue;
        if (!copy && !(copy = vg_arena_strdup(p->run->arena, path)))
            return VG_ERR_NOMEM;
        int rc = append(p->run->arena, &pkg->files, &pkg->nfiles, &pkg->files_cap, copy);
        if (rc)
            return rc;
        last = pkg;
    }
    return VG_OK;
}

/* Reads the header line; VG_OK when it is jsonwall 1.x with schema 1.0,
 * else VG_ERR_UNSUPPORTED / VG_ERR_FORMAT with *why set. */
static int header(const char *line, size_t len, const char **why)
{
    json_error_t err;
    json_t *h = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
    int rc = VG_OK;
    const char *version = member(h, "jsonwall"), *schema = member(h, "schema");
    if (!json_is_object(h) || !version) {
        *why = "no jsonwall header on the first line";
        rc = VG_ERR_FORMAT;
    } else if (strncmp(version, "1.", 2) != 0) {
        *why = "jsonwall version other than 1.x is not supported";
        rc = VG_ERR_UNSUPPORTED;
    } else if (!schema || strcmp(schema, "1.0") != 0) {
        *why = "manifest schema other than 1.0 is not supported";
        rc = VG_ERR_UNSUPPORTED;
    }
    json_decref(h);
    return rc;
}

/* Reads the entries after the header: with packages set only the package
 * entries, else the slices and paths.  Two passes, because a slice or path
 * names its package and chisel's bytewise order puts "path" entries
 * before "slice" ones and does not promise packages come first. */
static int parse_lines(chisel_parse *p, const char *text, size_t len, int packages)
{
    size_t line = 1, entries = 0;
    const char *end = text + len;
    const char *s = memchr(text, '\n', len);
    s = s ? s + 1 : end; /* past the header */
    while (s < end) {
        line++;
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - s);
        const char *next = nl ? nl + 1 : end;
        if (n == 0) {
            s = next;
            continue;
        }
        if (++entries > CHISEL_MAX_ENTRIES) {
            if (packages)
                vg_warn(p->run->ctx, p->file->path, "more than %zu entries: the rest is not read",
                        CHISEL_MAX_ENTRIES);
            return VG_OK;
        }
        if (n > CHISEL_MAX_LINE) {
            if (packages)
                skip_line(p, line, "a line longer than the limit");
            s = next;
            continue;
        }
        json_error_t err;
        json_t *obj = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
        const char *kind = member(obj, "kind");
        int rc = VG_OK;
        if (!json_is_object(obj) || !kind) {
            if (packages)
                skip_line(p, line, "a line that is not a JSON object with a kind");
        } else if (packages) {
            if (strcmp(kind, "package") == 0)
                rc = entry_package(p, obj, line);
        } else if (strcmp(kind, "slice") == 0) {
            rc = entry_slice(p, obj, line);
        } else if (strcmp(kind, "path") == 0) {
            rc = entry_path(p, obj, line);
        }
        json_decref(obj);
        if (rc)
            return rc;
        s = next;
    }
    return VG_OK;
}

static int chisel_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    vg_buf text;
    vg_buf_init(&text, CHISEL_MAX_TEXT);
    const char *why = NULL;
    int rc = decompress(file->data, file->size, &text, &why);
    if (rc == VG_OK && text.len) {
        const char *nl = memchr(text.data, '\n', text.len);
        size_t n = nl ? (size_t)(nl - text.data) : text.len;
        rc = n > CHISEL_MAX_LINE ? (why = "header line longer than the limit", VG_ERR_FORMAT)
                                 : header(text.data, n, &why);
    } else if (rc == VG_OK) {
        why = "empty manifest";
        rc = VG_ERR_FORMAT;
    }
    if (rc == VG_ERR_NOMEM) {
        vg_buf_free(&text);
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    }
    if (rc) {
        vg_buf_free(&text);
        vg_warn(run->ctx, file->path, "chisel manifest not read: %s; its packages are not listed", why);
        return VG_OK;
    }
    chisel_parse p = {.run = run, .st = state, .file = file};
    vg_map_init(&p.names);
    p.location = vg_arena_strdup(run->arena, file->path);
    rc = p.location ? parse_lines(&p, text.data, text.len, 1) : VG_ERR_NOMEM;
    if (rc == VG_OK)
        rc = parse_lines(&p, text.data, text.len, 0);
    vg_map_free(&p.names);
    vg_buf_free(&text);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (p.skipped)
        vg_warn(run->ctx, file->path, "%zu manifest line%s skipped, the first (line %zu): %s", p.skipped,
                p.skipped == 1 ? "" : "s", p.first_line, p.first_why);
    return VG_OK;
}

static int string_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The slices of pkg, sorted, without repeats, space separated. */
static const char *slice_list(vg_arena *arena, chisel_package *pkg)
{
    if (!pkg->nslices)
        return "";
    qsort(pkg->slices, pkg->nslices, sizeof *pkg->slices, string_cmp);
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 24);
    int rc = VG_OK;
    for (size_t i = 0; i < pkg->nslices && rc == VG_OK; i++)
        if (i == 0 || strcmp(pkg->slices[i - 1], pkg->slices[i]) != 0)
            rc = vg_buf_addstr(&b, b.len ? " " : "") || vg_buf_addstr(&b, pkg->slices[i]);
    const char *out = rc ? NULL : vg_arena_strdup(arena, b.data);
    vg_buf_free(&b);
    return out;
}

static int chisel_finish(vg_catalog_run *run, void *state)
{
    chisel_state *st = state;
    vg_inventory *inv = run->inv;
    const vg_os *os = inv->has_os ? &inv->os : NULL;
    const char *vendor = os && os->id && os->id[0] ? os->id : "ubuntu";
    const char *distro = vg_purl_distro(run->arena, os);
    for (chisel_package *pkg = st->packages; pkg; pkg = pkg->next) {
        vg_component *c = vg_inventory_add(inv);
        if (!c)
            return vg_error(run->ctx, VG_ERR_NOMEM, "chisel: out of memory");
        c->type = "deb";
        c->cataloger = "chisel";
        c->name = pkg->name;
        c->version = pkg->version;
        c->arch = pkg->arch;
        c->location = pkg->location;
        c->layer = pkg->layer;
        c->files = pkg->files;
        c->nfiles = pkg->nfiles;
        vg_purl_qualifier q[] = {{"arch", pkg->arch}, {"distro", distro}};
        c->purl = vg_purl_format(run->arena, "deb", vendor, pkg->name, pkg->version, q, sizeof q / sizeof q[0]);
        const char *slices = slice_list(run->arena, pkg);
        if (!c->purl || !slices ||
            vg_component_set_property(inv, c, "vigil:chisel:slices", *slices ? slices : NULL) ||
            vg_component_set_property(inv, c, "vigil:chisel:sha256", pkg->sha256))
            return vg_error(run->ctx, VG_ERR_NOMEM, "chisel: out of memory");
    }
    return VG_OK;
}

const vg_cataloger vg_cataloger_chisel = {
    .name = "chisel",
    .wants = chisel_wants,
    .max_size = CHISEL_MAX_SIZE,
    .begin = chisel_begin,
    .collect = chisel_collect,
    .finish = chisel_finish,
};
