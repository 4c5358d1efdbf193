/*
 * apk.c — the "apk" cataloger: packages installed by apk-tools (Alpine,
 * Wolfi, Chainguard, postmarketOS ...).
 *
 * Reads lib/apk/db/installed, the installed database of apk-tools 2.x
 * (format described on wiki.alpinelinux.org, "Apk spec", section
 * "Installed Database V2"): records of "X:value" lines separated by blank
 * lines.  Used fields: P name, V version, A arch, L licence, o origin,
 * c commit, m maintainer, T description, U url, t build time, S size,
 * I installed size, D depends, p provides, F directory and R file (R lines
 * belong to the F line before them; R lines before any F are in the root).
 * Other fields (C checksum, a/M ownership, Z file checksum, r replaces,
 * i install_if, q, k ...) are ignored.  Every record with P and V is one
 * component; a record without P or V is skipped with a warning naming the
 * line it starts on, and so is a line that is not "X:value".
 *
 * Package URL: pkg:apk/ID/NAME@VERSION?arch=A&distro=ID-VERSION_ID
 * &upstream=ORIGIN, ID being the os-release ID ("alpine", "wolfi",
 * "chainguard" ...) or "alpine" when the OS is unknown; upstream only when
 * the origin differs from the package name (the spec's apk example).
 *
 * Files: the R entries, as absolute paths "/F/R".  Directories (F lines
 * alone) are not listed as owned files.
 *
 * Dependencies: each D entry (kept raw in vigil:apk:depends too) is a
 * DEPENDS_ON edge to the installed package of that name, else to every
 * installed package whose p entries provide it ("so:libc.musl-x86_64.so.1",
 * "cmd:sh", "/bin/sh", "pc:zlib"), as apk resolves them; the version
 * constraint after the name ("=", "<", ">", "~") is not checked and
 * conflicts ("!name") are not edges.
 *
 * Left out: the apk-tools 3 database (lib/apk/db/installed in ADB format is
 * binary and begins with "ADB"; it is reported as unsupported), scripts,
 * triggers, CPEs.
 */
#include <string.h>

#include "catalog/lang.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/purl.h"

#define APK_MAX_SIZE ((size_t)256 << 20)
#define APK_PATH_MAX 4096 /* longest F/R path kept */

static const char installed_path[] = "lib/apk/db/installed";

typedef struct apk_record {
    const char *location;
    int layer;
    size_t line; /* line the record starts on */
    const char *name, *version, *arch, *license, *origin, *commit, *maintainer, *description, *url,
        *build_time, *size, *installed_size, *depends, *provides;
    const char **files;
    size_t nfiles, files_cap;
    vg_component *component; /* set by finish() */
    struct apk_record *next;
} apk_record;

typedef struct apk_state {
    apk_record *records, **tail;
} apk_state;

static int apk_wants(const char *path, size_t len, size_t base)
{
    return len - base == 9 && memcmp(path + base, "installed", 9) == 0 && len == sizeof installed_path - 1 &&
           memcmp(path, installed_path, len) == 0;
}

static void *apk_begin(vg_catalog_run *run)
{
    apk_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->tail = &st->records;
    return st;
}

/* Appends path to r->files, growing the array in the arena (doubling, so
 * the waste is bounded by the final size). */
static int add_file(vg_arena *arena, apk_record *r, const char *path)
{
    if (r->nfiles == r->files_cap) {
        size_t cap = r->files_cap ? r->files_cap * 2 : 16;
        const char **grown = vg_arena_calloc(arena, cap, sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        if (r->nfiles)
            memcpy(grown, r->files, r->nfiles * sizeof *grown);
        r->files = grown;
        r->files_cap = cap;
    }
    r->files[r->nfiles++] = path;
    return VG_OK;
}

typedef struct apk_parse {
    vg_catalog_run *run;
    apk_state *st;
    const vg_file *file;
    apk_record *cur;  /* NULL between records */
    const char *dir;  /* current F directory, "" for the root */
    size_t dirlen;
    int bad_utf8;
} apk_parse;

/* Ends the current record: keeps it if it has P and V. */
static void end_record(apk_parse *ap)
{
    apk_record *r = ap->cur;
    ap->cur = NULL;
    ap->dir = "";
    ap->dirlen = 0;
    if (!r)
        return;
    if (!r->name || !r->version) {
        vg_warn(ap->run->ctx, ap->file->path, "record at line %zu has no %s; skipped", r->line,
                !r->name ? "P: (name)" : "V: (version)");
        return;
    }
    *ap->st->tail = r;
    ap->st->tail = &r->next;
}

static int record_field(apk_parse *ap, char key, const char *value, size_t len)
{
    vg_arena *arena = ap->run->arena;
    apk_record *r = ap->cur;
    const char **slot = NULL;
    switch (key) {
    case 'P': slot = &r->name; break;
    case 'V': slot = &r->version; break;
    case 'A': slot = &r->arch; break;
    case 'L': slot = &r->license; break;
    case 'o': slot = &r->origin; break;
    case 'c': slot = &r->commit; break;
    case 'm': slot = &r->maintainer; break;
    case 'T': slot = &r->description; break;
    case 'U': slot = &r->url; break;
    case 't': slot = &r->build_time; break;
    case 'S': slot = &r->size; break;
    case 'I': slot = &r->installed_size; break;
    case 'D': slot = &r->depends; break;
    case 'p': slot = &r->provides; break;
    case 'F':
        ap->dir = vg_text_utf8_copy(arena, value, len, &ap->bad_utf8);
        ap->dirlen = ap->dir ? strlen(ap->dir) : 0;
        return ap->dir ? VG_OK : VG_ERR_NOMEM;
    case 'R': {
        if (ap->dirlen + len + 2 > APK_PATH_MAX)
            return VG_ERR_LIMIT;
        char *leaf = vg_text_utf8_copy(arena, value, len, &ap->bad_utf8);
        char *path = leaf ? vg_arena_printf(arena, "%s%s/%s", ap->dirlen ? "/" : "", ap->dir, leaf) : NULL;
        return path ? add_file(arena, r, path) : VG_ERR_NOMEM;
    }
    default:
        return VG_OK;
    }
    if (!len)
        return VG_OK;
    *slot = vg_text_utf8_copy(arena, value, len, &ap->bad_utf8);
    return *slot ? VG_OK : VG_ERR_NOMEM;
}

static int apk_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    const char *text = (const char *)file->data;
    size_t len = file->size;
    if (len >= 3 && memcmp(text, "ADB", 3) == 0) {
        vg_warn(run->ctx, file->path, "apk-tools 3 (ADB) database is not supported; packages not listed");
        return VG_OK;
    }
    apk_parse ap = {.run = run, .st = state, .file = file, .dir = ""};
    /* file->path is borrowed for this call; records keep a copy */
    const char *location = vg_arena_strdup(run->arena, file->path);
    if (!location)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    size_t lineno = 0, bad = 0, bad_first = 0, too_long = 0;
    const char *line;
    size_t linelen, pos = 0;
    int rc = VG_OK;
    while (rc == VG_OK && vg_text_next_line(text, len, &pos, &line, &linelen)) {
        lineno++;
        if (!linelen) {
            end_record(&ap);
            continue;
        }
        if (linelen < 2 || line[1] != ':' || memchr(line, '\0', linelen)) {
            if (!bad++)
                bad_first = lineno;
            continue;
        }
        if (!ap.cur) {
            ap.cur = vg_arena_alloc(run->arena, sizeof *ap.cur);
            if (!ap.cur) {
                rc = VG_ERR_NOMEM;
                break;
            }
            ap.cur->location = location;
            ap.cur->layer = file->layer;
            ap.cur->line = lineno;
        }
        rc = record_field(&ap, line[0], line + 2, linelen - 2);
        if (rc == VG_ERR_LIMIT) {
            too_long++;
            rc = VG_OK;
        }
    }
    if (rc == VG_OK)
        end_record(&ap);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (bad)
        vg_warn(run->ctx, file->path, "%zu line(s) are not \"X:value\" and were skipped (first: line %zu)", bad,
                bad_first);
    if (too_long)
        vg_warn(run->ctx, file->path, "%zu file path(s) longer than %d bytes were skipped", too_long, APK_PATH_MAX);
    if (ap.bad_utf8)
        vg_warn(run->ctx, file->path, "invalid UTF-8 replaced by U+FFFD");
    return VG_OK;
}

static int add_component(vg_catalog_run *run, apk_record *r, const char *vendor, const char *distro)
{
    vg_inventory *inv = run->inv;
    vg_component *c = r->component = vg_inventory_add(inv);
    if (!c)
        return VG_ERR_NOMEM;
    c->type = "apk";
    c->cataloger = "apk";
    c->name = r->name;
    c->version = r->version;
    c->arch = r->arch;
    c->license = r->license;
    c->supplier = r->maintainer;
    c->description = r->description;
    c->homepage = r->url;
    c->source_name = r->origin ? r->origin : r->name;
    c->source_version = r->version; /* apk builds every subpackage at its origin's version */
    c->location = r->location;
    c->layer = r->layer;
    c->files = r->files;
    c->nfiles = r->nfiles;
    const char *upstream = r->origin && strcmp(r->origin, r->name) != 0 ? r->origin : NULL;
    vg_purl_qualifier q[] = {{"arch", r->arch}, {"distro", distro}, {"upstream", upstream}};
    c->purl = vg_purl_format(run->arena, "apk", vendor, r->name, r->version, q, sizeof q / sizeof q[0]);
    if (!c->purl)
        return VG_ERR_NOMEM;
    if (vg_component_set_property(inv, c, "vigil:apk:commit", r->commit) ||
        vg_component_set_property(inv, c, "vigil:apk:build-time", r->build_time) ||
        vg_component_set_property(inv, c, "vigil:apk:size", r->size) ||
        vg_component_set_property(inv, c, "vigil:apk:installed-size", r->installed_size) ||
        vg_component_set_property(inv, c, "vigil:apk:depends", r->depends) ||
        vg_component_set_property(inv, c, "vigil:apk:provides", r->provides))
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* ---- D -> DEPENDS_ON ---- */

/* Packages by name (real) and by what they provide (provided). */
typedef struct apk_names {
    vg_lang_index real, provided;
} apk_names;

typedef struct apk_relation {
    vg_catalog_run *run;
    apk_names *names;
    vg_component *from;
    size_t added; /* edges the entry gave */
} apk_relation;

/* Length of the name of a D or p entry: up to a version operator. */
static size_t entry_name_len(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && !strchr("=<>~", s[n]))
        n++;
    return n;
}

static int provide_one(void *arg, const char *s, size_t n)
{
    apk_relation *a = arg;
    size_t len = entry_name_len(s, n);
    return len ? vg_lang_index_add_len(&a->names->provided, s, len, a->from) : VG_OK;
}

static int depend_edge(void *arg, vg_component *to)
{
    apk_relation *a = arg;
    a->added++;
    return vg_inventory_add_edge(a->run->inv, a->from, to, VG_EDGE_DEPENDS_ON);
}

/* A D entry: the package of that name, else every one providing it;
 * "!name" is a conflict, no edge. */
static int depend_one(void *arg, const char *s, size_t n)
{
    apk_relation *a = arg;
    size_t len = entry_name_len(s, n);
    if (s[0] == '!' || !len)
        return VG_OK;
    a->added = 0;
    int rc = vg_lang_index_each_of(&a->names->real, s, len, depend_edge, a);
    if (rc == VG_OK && !a->added)
        rc = vg_lang_index_each_of(&a->names->provided, s, len, depend_edge, a);
    return rc;
}

static int add_dependencies(vg_catalog_run *run, const apk_record *records)
{
    apk_names names;
    vg_lang_index_init(&names.real, run->arena);
    vg_lang_index_init(&names.provided, run->arena);
    int rc = VG_OK;
    for (const apk_record *r = records; r && rc == VG_OK; r = r->next) {
        apk_relation a = {run, &names, r->component, 0};
        rc = vg_lang_index_add(&names.real, r->name, r->component);
        if (rc == VG_OK && r->provides)
            rc = vg_text_each_item(r->provides, strlen(r->provides), " ", provide_one, &a);
    }
    for (const apk_record *r = records; r && rc == VG_OK; r = r->next) {
        apk_relation a = {run, &names, r->component, 0};
        if (r->depends)
            rc = vg_text_each_item(r->depends, strlen(r->depends), " ", depend_one, &a);
    }
    vg_lang_index_free(&names.real);
    vg_lang_index_free(&names.provided);
    return rc;
}

static int apk_finish(vg_catalog_run *run, void *state)
{
    apk_state *st = state;
    const vg_os *os = run->inv->has_os ? &run->inv->os : NULL;
    const char *vendor = os && os->id && os->id[0] ? os->id : "alpine";
    const char *distro = vg_purl_distro(run->arena, os);
    for (apk_record *r = st->records; r; r = r->next)
        if (add_component(run, r, vendor, distro))
            return vg_error(run->ctx, VG_ERR_NOMEM, "apk: out of memory");
    if (add_dependencies(run, st->records))
        return vg_error(run->ctx, VG_ERR_NOMEM, "apk: out of memory");
    return VG_OK;
}

const vg_cataloger vg_cataloger_apk = {
    .name = "apk",
    .wants = apk_wants,
    .max_size = APK_MAX_SIZE,
    .begin = apk_begin,
    .collect = apk_collect,
    .finish = apk_finish,
};
