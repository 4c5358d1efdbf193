/*
 * rpm.c — the "rpm" cataloger: installed packages from RPM package
 * databases, read without librpm (header parsing in rpm_header.c, the
 * database files in rpmdb.c).
 *
 * Files: var/lib/rpm/ and usr/lib/sysimage/rpm/ with rpmdb.sqlite (SQLite,
 * rpm >= 4.16), Packages.db (ndb, SUSE) or Packages (Berkeley DB hash, rpm
 * < 4.16).  When one directory holds several (a database converted from one
 * back end to another keeps the old file), the first valid one in the order
 * sqlite, ndb, bdb is used and the others are ignored, warnings included:
 * rpm itself reads only one.
 *
 * Components follow `rpm -qa`: every header in the database is a package,
 * gpg-pubkey pseudo-packages included; version is [EPOCH:]VERSION-RELEASE
 * (epoch only when the tag is present).  The package URL follows the purl
 * specification's rpm type (PURL-TYPES.rst): pkg:rpm/OS-ID/NAME@VERSION-
 * RELEASE?arch=&distro=&epoch=&upstream=SOURCERPM, no namespace when the OS
 * is unknown.
 *
 * Dependencies: each requirement (REQUIRENAME) is a DEPENDS_ON edge to
 * every package of the same database that provides it (PROVIDENAME; rpm
 * -q --whatprovides); a file requirement ("/bin/sh") that no package
 * provides goes to the packages that own the file, as rpm resolves it.
 * Versions and flags of requirements are not checked, and requirements
 * of rpm itself ("rpmlib(...)") and the ones nothing installed satisfies
 * are no edges.
 *
 * Left out: rpm's index databases (Name, Basenames, ...) are not read, the
 * SQLite -wal file is not applied, package signatures and header digests
 * are not verified.
 */
#include <stdio.h>
#include <string.h>

#include "catalog/lang.h"
#include "catalog/rpm.h"
#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/purl.h"

#define RPM_MAX_SIZE ((size_t)1 << 30)

typedef enum rpm_db_kind { RPM_DB_SQLITE = 0, RPM_DB_NDB = 1, RPM_DB_BDB = 2 } rpm_db_kind;

static const char *const rpm_db_kind_name[] = {"SQLite", "ndb", "Berkeley DB"};

typedef struct rpm_package {
    vg_rpm_header header;
    vg_component *component; /* set by finish() */
    struct rpm_package *next;
} rpm_package;

typedef struct rpm_note {
    const char *message;
    struct rpm_note *next;
} rpm_note;

/* One database file as collected: its packages and the warnings about it,
 * kept until finish() knows which database of its directory is used. */
typedef struct rpm_db {
    const char *path;
    size_t dirlen;    /* path[0..dirlen) is the directory, with its '/' */
    rpm_db_kind kind;
    int layer;
    int valid;        /* the file is a database of its kind */
    int superseded;   /* the same path was handed again (a later layer) */
    rpm_package *packages, **packages_tail;
    rpm_note *notes, **notes_tail;
    size_t notes_dropped;
    struct rpm_db *next;
} rpm_db;

typedef struct rpm_state {
    rpm_db *dbs, **dbs_tail;
} rpm_state;

static int has_suffix(const char *path, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len == n && memcmp(path, suffix, n) == 0;
}

static int rpm_wants(const char *path, size_t len, size_t base)
{
    const char *name = path + base;
    size_t namelen = len - base;
    if (!has_suffix(name, namelen, "rpmdb.sqlite") && !has_suffix(name, namelen, "Packages.db") &&
        !has_suffix(name, namelen, "Packages"))
        return 0;
    return has_suffix(path, base, "var/lib/rpm/") || has_suffix(path, base, "usr/lib/sysimage/rpm/");
}

static void *rpm_begin(vg_catalog_run *run)
{
    rpm_state *state = vg_arena_alloc(run->arena, sizeof *state);
    if (state)
        state->dbs_tail = &state->dbs;
    return state;
}

/* Reading one database: where its packages go. */
typedef struct rpm_reader {
    vg_ctx *scratch; /* collects the warnings about this file */
    vg_arena *arena;
    rpm_db *db;
} rpm_reader;

static int rpm_on_blob(void *arg, uint32_t record, const unsigned char *blob, size_t len)
{
    rpm_reader *r = arg;
    rpm_package *pkg = vg_arena_alloc(r->arena, sizeof *pkg);
    if (!pkg)
        return vg_error(r->scratch, VG_ERR_NOMEM, "out of memory");
    int rc = vg_rpm_header_parse(r->scratch, r->arena, blob, len, &pkg->header);
    if (rc == VG_ERR_FORMAT) {
        vg_warn(r->scratch, r->db->path, "record %u: corrupt package header: %s", record, r->scratch->message);
        return VG_OK;
    }
    if (rc != VG_OK)
        return rc;
    *r->db->packages_tail = pkg;
    r->db->packages_tail = &pkg->next;
    return VG_OK;
}

static int add_note(vg_arena *arena, rpm_db *db, const char *message)
{
    rpm_note *note = vg_arena_alloc(arena, sizeof *note);
    if (!note || !(note->message = vg_arena_strdup(arena, message)))
        return VG_ERR_NOMEM;
    *db->notes_tail = note;
    db->notes_tail = &note->next;
    return VG_OK;
}

/* Reads file as a database of db->kind, handing each blob to the reader. */
static int read_db(vg_ctx *scratch, const rpm_db *db, const vg_file *file, rpm_reader *reader)
{
    /* rpm takes an empty file for a new, empty database: so does vigil. */
    if (file->size == 0)
        return VG_OK;
    switch (db->kind) {
    case RPM_DB_SQLITE:
        return vg_rpmdb_read_sqlite(scratch, db->path, file->data, file->size, rpm_on_blob, reader);
    case RPM_DB_NDB:
        return vg_rpmdb_read_ndb(scratch, db->path, file->data, file->size, rpm_on_blob, reader);
    default:
        return vg_rpmdb_read_bdb(scratch, db->path, file->data, file->size, rpm_on_blob, reader);
    }
}

static int rpm_collect(vg_catalog_run *run, void *state_, const vg_file *file)
{
    rpm_state *state = state_;
    const char *base = strrchr(file->path, '/');
    base = base ? base + 1 : file->path;

    rpm_db *db = vg_arena_alloc(run->arena, sizeof *db);
    if (!db || !(db->path = vg_arena_strdup(run->arena, file->path)))
        return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    db->dirlen = (size_t)(base - file->path);
    db->kind = strcmp(base, "rpmdb.sqlite") == 0 ? RPM_DB_SQLITE
             : strcmp(base, "Packages.db") == 0  ? RPM_DB_NDB
                                                 : RPM_DB_BDB;
    db->layer = file->layer;
    db->packages_tail = &db->packages;
    db->notes_tail = &db->notes;

    /* Warnings go to a context of this file's own, so that they can be
     * dropped if another database of the same directory is used instead. */
    vg_ctx scratch;
    vg_ctx_init(&scratch);
    rpm_reader reader = {&scratch, run->arena, db};
    int rc = read_db(&scratch, db, file, &reader);
    db->valid = rc == VG_OK;
    if (rc == VG_ERR_NOMEM) {
        vg_error(run->ctx, rc, "%s: %s", db->path, scratch.message);
        vg_ctx_free(&scratch);
        return rc;
    }
    if (rc != VG_OK) {
        /* Not a database of its kind: nothing from it counts. */
        db->packages = NULL;
        vg_warn(&scratch, db->path, "not a valid RPM %s database: %s", rpm_db_kind_name[db->kind],
                scratch.message);
    }
    for (size_t i = 0; i < scratch.nwarnings && rc != VG_ERR_NOMEM; i++)
        rc = add_note(run->arena, db, scratch.warnings[i].message) == VG_OK ? rc : VG_ERR_NOMEM;
    db->notes_dropped = scratch.warnings_dropped;
    vg_ctx_free(&scratch);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "out of memory");

    for (rpm_db *old = state->dbs; old; old = old->next)
        if (strcmp(old->path, db->path) == 0)
            old->superseded = 1;
    *state->dbs_tail = db;
    state->dbs_tail = &db->next;
    return VG_OK;
}

/* Splits a source RPM file name "NAME-VERSION-RELEASE.src.rpm" into NAME
 * and "VERSION-RELEASE"; both stay NULL if it is not of that form. */
static int split_sourcerpm(vg_arena *arena, const char *srpm, const char **name, const char **version)
{
    *name = *version = NULL;
    if (!srpm)
        return VG_OK;
    size_t len = strlen(srpm);
    static const char *const suffixes[] = {".src.rpm", ".nosrc.rpm"};
    int stripped = 0;
    for (size_t i = 0; i < 2 && !stripped; i++) {
        size_t n = strlen(suffixes[i]);
        if (len > n && memcmp(srpm + len - n, suffixes[i], n) == 0) {
            len -= n;
            stripped = 1;
        }
    }
    if (!stripped)
        return VG_OK;
    const char *release_dash = NULL, *version_dash = NULL;
    for (const char *p = srpm + len; p > srpm; p--) {
        if (p[-1] != '-')
            continue;
        if (!release_dash) {
            release_dash = p - 1;
        } else {
            version_dash = p - 1;
            break;
        }
    }
    if (!version_dash || version_dash == srpm || release_dash + 1 == srpm + len ||
        release_dash == version_dash + 1)
        return VG_OK;
    *name = vg_arena_strndup(arena, srpm, (size_t)(version_dash - srpm));
    *version = vg_arena_strndup(arena, version_dash + 1, (size_t)(srpm + len - version_dash - 1));
    return *name && *version ? VG_OK : VG_ERR_NOMEM;
}

static char *lower_copy(vg_arena *arena, const char *s)
{
    char *p = vg_arena_strdup(arena, s);
    for (char *q = p; q && *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return p;
}

/* Adds one component for the package p found in db. */
static int add_component(vg_catalog_run *run, const rpm_db *db, rpm_package *p, const char *namespace_,
                         const char *distro)
{
    vg_inventory *inv = run->inv;
    vg_arena *arena = run->arena;
    const vg_rpm_header *h = &p->header;
    vg_component *c = p->component = vg_inventory_add(inv);
    if (!c)
        return VG_ERR_NOMEM;
    char epoch[16] = "";
    if (h->has_epoch)
        snprintf(epoch, sizeof epoch, "%u", h->epoch);
    const char *vr = vg_arena_printf(arena, "%s-%s", h->version, h->release);
    c->type = "rpm";
    c->name = h->name;
    c->version = h->has_epoch ? vg_arena_printf(arena, "%s:%s", epoch, vr) : vr;
    c->arch = h->arch;
    c->license = h->license;
    c->supplier = h->vendor ? h->vendor : h->packager;
    c->description = h->summary;
    c->homepage = h->url;
    c->location = db->path;
    c->cataloger = "rpm";
    c->files = h->files;
    c->nfiles = h->nfiles;
    c->layer = db->layer;
    if (!vr || !c->version || split_sourcerpm(arena, h->sourcerpm, &c->source_name, &c->source_version))
        return VG_ERR_NOMEM;

    vg_purl_qualifier q[] = {
        {"arch", h->arch},
        {"distro", distro},
        {"epoch", h->has_epoch ? epoch : NULL},
        {"upstream", h->sourcerpm},
    };
    c->purl = vg_purl_format(arena, "rpm", namespace_, h->name, vr, q, sizeof q / sizeof q[0]);
    if (!c->purl)
        vg_warn(run->ctx, db->path, "%s: cannot build a package URL", h->name);

    int rc = VG_OK;
    if (h->has_epoch)
        rc = vg_component_set_property(inv, c, "vigil:rpm:epoch", epoch);
    if (rc == VG_OK && h->modularity_label)
        rc = vg_component_set_property(inv, c, "vigil:rpm:modularityLabel", h->modularity_label);
    if (rc == VG_OK)
        rc = vg_component_set_property(inv, c, "vigil:rpm:database", rpm_db_kind_name[db->kind]);
    return rc;
}

/* ---- REQUIRENAME -> DEPENDS_ON ---- */

typedef struct rpm_relation {
    vg_inventory *inv;
    vg_component *from; /* the requiring package */
    size_t found;       /* edges the requirement gave */
} rpm_relation;

static int depend_edge(void *arg, vg_component *to)
{
    rpm_relation *a = arg;
    a->found++;
    return vg_inventory_add_edge(a->inv, a->from, to, VG_EDGE_DEPENDS_ON);
}

/* DEPENDS_ON edges for the requirements of the packages of db: to their
 * providers, else for a file to its owners. */
static int add_dependencies(vg_catalog_run *run, const rpm_db *db)
{
    vg_lang_index provided, owned;
    vg_lang_index_init(&provided, run->arena);
    vg_lang_index_init(&owned, run->arena);
    vg_map wanted; /* the files some package requires */
    vg_map_init(&wanted);
    int rc = VG_OK;
    for (const rpm_package *p = db->packages; p && rc == VG_OK; p = p->next) {
        for (size_t i = 0; i < p->header.nprovides && rc == VG_OK; i++)
            rc = vg_lang_index_add(&provided, p->header.provides[i], p->component);
        for (size_t i = 0; i < p->header.nrequires && rc == VG_OK; i++)
            if (p->header.requires[i][0] == '/')
                rc = vg_map_put(&wanted, p->header.requires[i], strlen(p->header.requires[i]), (void *)1);
    }
    for (const rpm_package *p = db->packages; p && rc == VG_OK && wanted.count; p = p->next)
        for (size_t i = 0; i < p->header.nfiles && rc == VG_OK; i++)
            if (vg_map_get(&wanted, p->header.files[i], strlen(p->header.files[i])))
                rc = vg_lang_index_add(&owned, p->header.files[i], p->component);
    for (const rpm_package *p = db->packages; p && rc == VG_OK; p = p->next)
        for (size_t i = 0; i < p->header.nrequires && rc == VG_OK; i++) {
            const char *req = p->header.requires[i];
            rpm_relation a = {run->inv, p->component, 0};
            if (strncmp(req, "rpmlib(", 7) == 0)
                continue;
            rc = vg_lang_index_each_of(&provided, req, strlen(req), depend_edge, &a);
            if (rc == VG_OK && !a.found && req[0] == '/')
                rc = vg_lang_index_each_of(&owned, req, strlen(req), depend_edge, &a);
        }
    vg_map_free(&wanted);
    vg_lang_index_free(&provided);
    vg_lang_index_free(&owned);
    return rc;
}

/* The database of db's directory that is used: the first valid one in
 * the order sqlite, ndb, bdb; NULL if none is valid. */
static const rpm_db *used_db_of_directory(const rpm_state *state, const rpm_db *db)
{
    const rpm_db *best = NULL;
    for (const rpm_db *d = state->dbs; d; d = d->next) {
        if (d->superseded || !d->valid || d->dirlen != db->dirlen ||
            memcmp(d->path, db->path, db->dirlen) != 0)
            continue;
        if (!best || d->kind < best->kind)
            best = d;
    }
    return best;
}

static int rpm_finish(vg_catalog_run *run, void *state_)
{
    rpm_state *state = state_;
    vg_inventory *inv = run->inv;
    const char *namespace_ = NULL, *distro = NULL;
    if (inv->has_os && inv->os.id && inv->os.id[0]) {
        namespace_ = lower_copy(run->arena, inv->os.id);
        distro = vg_purl_distro(run->arena, &inv->os);
        if (!namespace_ || !distro)
            return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (const rpm_db *db = state->dbs; db; db = db->next) {
        if (db->superseded)
            continue;
        const rpm_db *used = used_db_of_directory(state, db);
        /* A database passed over for a better one is silent; one that
         * would have been preferred but is broken, or the only one, speaks. */
        if (used && used != db && used->kind < db->kind)
            continue;
        for (const rpm_note *n = db->notes; n; n = n->next)
            vg_warn(run->ctx, db->path, "%s", n->message);
        if (db->notes_dropped)
            vg_warn(run->ctx, db->path, "%zu more warnings about this database", db->notes_dropped);
        if (used != db)
            continue;
        for (rpm_package *p = db->packages; p; p = p->next)
            if (add_component(run, db, p, namespace_, distro) != VG_OK)
                return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
        if (add_dependencies(run, db) != VG_OK)
            return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    }
    return VG_OK;
}

const vg_cataloger vg_cataloger_rpm = {
    .name = "rpm",
    .wants = rpm_wants,
    .max_size = RPM_MAX_SIZE,
    .begin = rpm_begin,
    .collect = rpm_collect,
    .finish = rpm_finish,
};
