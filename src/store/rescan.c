/*
 * rescan.c — re-matching stored snapshots against the current
 * vulnerability database (docs/store.md, "Rescan"), and the queues of
 * notifications of new findings that `vigil monitor` delivers ("Monitor").
 *
 * A rescan reads a snapshot's stored SBOM document back (document.c checks
 * it against its digest), reads it with vg_sbom_read() and matches it with
 * vg_match() as `inventory add` did, so that its components are the same
 * (the same keys, hence the same component rows) and only the findings
 * change; store_record_findings() (snapshot.c) records what is new and
 * what is fixed.  A fleet run (vg_store_rescan()) takes the assets in the
 * order of their documents' digests and keeps the last document matched,
 * so that assets sharing an SBOM (one image deployed many times) cost one
 * match, while memory holds two documents at a time: the one at hand, and
 * the next asset's, which a second thread reads (parses) meanwhile.
 *
 * Notifications: a sink subscribed with vg_store_notify_subscribe() gets a
 * row in `notification` for every finding first seen or reopened
 * (store_record_findings() writes it in the same transaction), which stays
 * until the sink's delivery succeeded, so that nothing is lost to a
 * receiver that was down.
 *
 * A snapshot whose add was given a release to match its OS packages as
 * (--distro; the column snapshot.distro) is matched as that release again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/digest.h"
#include "vigil/sbomread.h"
#include "vigil/vulndb.h"

/* The last document read back and matched: the cache of a fleet run. */
typedef struct matched_doc {
    char digest[72];
    int parsed; /* inv and keys hold the document digest */
    int loaded; /* and findings its match */
    vg_inventory inv;
    vg_findings findings;
    unsigned char (*keys)[32]; /* content keys of inv.components[i] */
    size_t ndistinct;          /* distinct keys: the links of a snapshot of it */
    int64_t *ids;              /* their component ids in the snapshot at hand */
    char match[72];            /* store_match_digest() of findings */
    char distro[256];          /* the release findings were matched as, or "" */
} matched_doc;

static void doc_init(matched_doc *d)
{
    memset(d, 0, sizeof *d);
    vg_inventory_init(&d->inv);
    vg_findings_init(&d->findings);
}

static void doc_free(matched_doc *d)
{
    vg_findings_free(&d->findings);
    vg_inventory_free(&d->inv);
    free(d->keys);
    free(d->ids);
    doc_init(d);
}

/* Errors that are the fault of one stored document (missing, altered, not
 * a readable SBOM), after which a fleet run goes on with the next asset. */
static int document_fault(int rc)
{
    return rc == VG_ERR_NOT_FOUND || rc == VG_ERR_FORMAT || rc == VG_ERR_DIGEST || rc == VG_ERR_UNSUPPORTED ||
           rc == VG_ERR_LIMIT;
}

static int key_cmp(const void *a, const void *b) { return memcmp(a, b, 32); }

int store_match_digest(vg_ctx *ctx, const char *sbom_digest, const vg_inventory *inv, const vg_findings *findings,
                       char out[72])
{
    vg_buf text;
    vg_buf_init(&text, VG_STORE_MAX_DOCUMENT);
    int rc = vg_buf_addf(&text, "%s", sbom_digest);
    for (size_t i = 0; rc == VG_OK && i < findings->ncoverage; i++)
        rc = vg_buf_addf(&text, ",%d", (int)findings->coverage[i].status);
    char pkg[2048];
    for (size_t i = 0; rc == VG_OK && i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        size_t c = 0;
        while (c < inv->ncomponents && inv->components[c] != f->component)
            c++;
        store_package_of(f->component->purl, f->component->type, f->component->name, pkg, sizeof pkg);
        rc = vg_buf_addf(&text, "\n%s%c%s%c%zu%c%s%c%.1f%c%s%c%d%c%d", pkg, 0, f->id, 0, c, 0,
                         vg_severity_name(f->severity), 0, f->score, 0, f->fix_state ? f->fix_state : "", 0,
                         f->kev != NULL, 0, f->suppressed != 0);
        for (size_t k = 0; rc == VG_OK && k < f->nfixed; k++)
            rc = vg_buf_addf(&text, "%c%s", 0, f->fixed_versions[k]);
    }
    vg_file_digest sum;
    if (rc)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    else if ((rc = vg_digest_memory(ctx, text.data, text.len, VG_DIGEST_SHA256, &sum)) == VG_OK)
        snprintf(out, 72, "sha256:%s", sum.sha256);
    vg_buf_free(&text);
    return rc;
}

/* The half of reading a document that needs neither the store nor the
 * database (the parser thread's, in a fleet run): bytes read into d->inv
 * and the components' keys.  d is left empty on error. */
static int doc_parse(vg_ctx *ctx, const char *digest, const char *label, const vg_buf *bytes, matched_doc *d)
{
    int rc = vg_sbom_read(ctx, label, bytes->data ? bytes->data : "", bytes->len, &d->inv);
    size_t n = d->inv.ncomponents ? d->inv.ncomponents : 1;
    if (rc == VG_OK && (!(d->keys = malloc(n * sizeof *d->keys)) || !(d->ids = calloc(n, sizeof *d->ids))))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_buf scratch;
    vg_buf_init(&scratch, (size_t)1 << 20);
    for (size_t i = 0; rc == VG_OK && i < d->inv.ncomponents; i++)
        if (store_component_key(d->inv.components[i], &scratch, d->keys[i]))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_buf_free(&scratch);
    unsigned char(*sorted)[32] = rc ? NULL : malloc(n * sizeof *sorted);
    if (rc == VG_OK && !sorted)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        memcpy(sorted, d->keys, d->inv.ncomponents * sizeof *sorted);
        qsort(sorted, d->inv.ncomponents, sizeof *sorted, key_cmp);
        for (size_t i = 0; i < d->inv.ncomponents; i++)
            d->ndistinct += i == 0 || memcmp(sorted[i - 1], sorted[i], 32) != 0;
        snprintf(d->digest, sizeof d->digest, "%s", digest);
        d->parsed = 1;
    }
    free(sorted);
    if (rc)
        doc_free(d);
    return rc;
}

/* Reads back and matches the document digest into d, unless d holds it
 * (matched, or parsed by the parser thread). */
static int doc_load(vg_ctx *ctx, vg_store *store, vg_vulndb *db, const char *digest, const char *distro,
                    const char *label, matched_doc *d)
{
    int same = d->parsed && strcmp(d->digest, digest) == 0;
    if (same && d->loaded && strcmp(d->distro, distro) == 0)
        return VG_OK;
    if (same && d->loaded) { /* the same document, another release: matched again */
        vg_findings_free(&d->findings);
        vg_findings_init(&d->findings);
        d->loaded = 0;
    }
    int rc = VG_OK;
    if (!same) {
        doc_free(d);
        vg_buf bytes;
        if ((rc = store_document_get(ctx, store, digest, &bytes, NULL, 0)) != VG_OK)
            return rc;
        rc = doc_parse(ctx, digest, label, &bytes, d);
        vg_buf_free(&bytes);
    }
    char text[256];
    vg_os os;
    vg_match_options mopts = {.distro = store_parse_release(distro, text, sizeof text, &os) == 0 ? &os : NULL};
    if (rc == VG_OK)
        rc = vg_match(ctx, db, &d->inv, &mopts, &d->findings);
    snprintf(d->distro, sizeof d->distro, "%s", distro);
    if (rc == VG_OK)
        rc = store_match_digest(ctx, d->digest, &d->inv, &d->findings, d->match);
    if (rc) {
        doc_free(d);
        return rc;
    }
    d->loaded = 1;
    return VG_OK;
}

/* ---- the parser thread of a fleet run ------------------------------------ */

/* Parses the next asset's document while the main thread matches and stores
 * the current one: reading a document is most of a rescan of different
 * documents (docs/store.md, "Rescan").  It touches neither the store nor
 * the database, only its job's bytes and document.  A document it cannot
 * read cleanly (an error or a warning) is left empty, and read again by the
 * main thread, which reports what is wrong as a rescan without it would. */
typedef struct parser {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int busy; /* a job is given and not done */
    int quit;
    vg_buf bytes;
    char digest[72];
    matched_doc *d;
} parser;

static void *parser_main(void *arg)
{
    parser *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->busy && !p->quit)
            pthread_cond_wait(&p->changed, &p->lock);
        if (!p->busy)
            break;
        pthread_mutex_unlock(&p->lock);
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        if (doc_parse(&ctx, p->digest, p->digest, &p->bytes, p->d) == VG_OK && vg_warning_count(&ctx))
            doc_free(p->d);
        vg_ctx_free(&ctx);
        vg_buf_free(&p->bytes);
        pthread_mutex_lock(&p->lock);
        p->busy = 0;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void parser_wait(parser *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->busy)
        pthread_cond_wait(&p->changed, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

/* Gives the parser (idle) the document digest to read into d (emptied). */
static void parser_give(parser *p, vg_store *store, const char *digest, matched_doc *d)
{
    vg_ctx quiet; /* a failure here is the main thread's to find and report */
    vg_ctx_init(&quiet);
    doc_free(d);
    if (store_document_get(&quiet, store, digest, &p->bytes, NULL, 0) == VG_OK) {
        snprintf(p->digest, sizeof p->digest, "%s", digest);
        p->d = d;
        pthread_mutex_lock(&p->lock);
        p->busy = 1;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
    }
    vg_ctx_free(&quiet);
}

static void parser_stop(parser *p)
{
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
}

/* ---- one asset ------------------------------------------------------------- */

typedef struct latest {
    int64_t asset_id, snapshot_id, seq;
    char digest[72];
    char match[72]; /* its match_digest, or "" */
    char distro[256]; /* the release it was matched as (snapshot.distro), or "" */
} latest;

/* The latest snapshot of the asset named name; with lock, inside a
 * transaction, the asset's row is locked until it ends (PostgreSQL: FOR
 * UPDATE, so that an add or another rescan of the asset waits; SQLite's
 * write transaction already excludes them). */
static int find_latest(vg_ctx *ctx, vg_store *store, const char *name, int lock, latest *out)
{
    int pg = vg_db_kind_of(store->db) == VG_DB_POSTGRES;
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           lock && pg ? "SELECT a.id, s.id, s.seq, s.sbom_digest, s.match_digest, s.distro FROM asset a"
                                        " JOIN snapshot s ON s.id = a.latest_snapshot WHERE a.name = ? FOR UPDATE OF a"
                                      : "SELECT a.id, s.id, s.seq, s.sbom_digest, s.match_digest, s.distro FROM asset a"
                                        " JOIN snapshot s ON s.id = a.latest_snapshot WHERE a.name = ?",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, name);
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        out->asset_id = vg_db_column_int(st, 0);
        out->snapshot_id = vg_db_column_int(st, 1);
        out->seq = vg_db_column_int(st, 2);
        snprintf(out->digest, sizeof out->digest, "%s", vg_db_column_text(st, 3));
        snprintf(out->match, sizeof out->match, "%s", vg_db_column_null(st, 4) ? "" : vg_db_column_text(st, 4));
        snprintf(out->distro, sizeof out->distro, "%s", vg_db_column_null(st, 5) ? "" : vg_db_column_text(st, 5));
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s (see vigil inventory list)",
                      vg_db_name(store->db), name);
    }
    vg_db_finalize(st);
    return rc;
}

/* 1 when the snapshot l was last matched with the result d holds and
 * still has its links: nothing to write but the time. */
static int same_match(vg_ctx *ctx, vg_store *store, const latest *l, const matched_doc *d, int *same)
{
    *same = 0;
    if (strcmp(l->match, d->match) != 0)
        return VG_OK;
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT count(*) FROM component_span WHERE asset_id = ? AND until IS NULL",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, l->asset_id);
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        *same = vg_db_column_int(st, 0) == (int64_t)d->ndistinct;
        rc = VG_OK;
    }
    vg_db_finalize(st);
    return rc;
}

/* Writes the new match of the latest snapshot l of an asset, in the
 * caller's transaction: when it differs from the last one, its findings,
 * coverage and the history of the asset's findings; always its time. */
static int record_match(vg_ctx *ctx, vg_store *store, const latest *l, matched_doc *d, int64_t now, int64_t db_time,
                        json_t *new_out, json_t *fixed_out)
{
    vg_db_stmt *st;
    int same, rc = same_match(ctx, store, l, d, &same);
    if (rc == VG_OK && same) {
        if ((rc = store_prepare(ctx, store, "UPDATE snapshot SET matched_at = ?, db_time = ? WHERE id = ?", &st)))
            return rc;
        vg_db_bind_int(st, 1, now);
        if (db_time)
            vg_db_bind_int(st, 2, db_time);
        else
            vg_db_bind_null(st, 2);
        vg_db_bind_int(st, 3, l->snapshot_id);
        rc = store_run(ctx, st);
        vg_db_finalize(st);
        return rc;
    }
    if (rc || (rc = store_link_components(ctx, store, l->asset_id, l->snapshot_id, &d->inv, &d->findings, d->ids)) ||
        (rc = store_record_findings(ctx, store, l->asset_id, l->snapshot_id, now, &d->inv, &d->findings, d->ids,
                                    new_out, fixed_out)) ||
        (rc = store_prepare(ctx, store,
                            "UPDATE snapshot SET matched_at = ?, db_time = ?, findings = ?, unchecked = ?,"
                            " match_digest = ? WHERE id = ?",
                            &st)))
        return rc;
    size_t nfind = 0;
    for (size_t i = 0; i < d->findings.n; i++)
        nfind += !d->findings.items[i].suppressed;
    vg_db_bind_int(st, 1, now);
    if (db_time)
        vg_db_bind_int(st, 2, db_time);
    else
        vg_db_bind_null(st, 2);
    vg_db_bind_int(st, 3, (int64_t)nfind);
    vg_db_bind_int(st, 4, (int64_t)d->findings.components_unchecked);
    vg_db_bind_text(st, 5, d->match);
    vg_db_bind_int(st, 6, l->snapshot_id);
    rc = store_run(ctx, st);
    vg_db_finalize(st);
    return rc;
}

/* Sets member key to the time t on every object of array. */
static void stamp(json_t *array, const char *key, int64_t t)
{
    size_t i;
    json_t *x;
    json_array_foreach(array, i, x)
        json_object_set_new(x, key, store_json_time(t));
}

/* Reads back and matches the document of the snapshot l of asset into d. */
static int load_latest(vg_ctx *ctx, vg_store *store, vg_vulndb *db, const char *asset, const latest *l,
                       matched_doc *d)
{
    char label[1200];
    snprintf(label, sizeof label, "%s@%lld (document %s)", asset, (long long)l->seq, l->digest);
    return doc_load(ctx, store, db, l->digest, l->distro, label, d);
}

static int rescan_one(vg_ctx *ctx, vg_store *store, vg_vulndb *db, matched_doc *d, const char *asset, int64_t now,
                      int64_t db_time, json_t **out)
{
    *out = NULL;
    latest l;
    int rc = find_latest(ctx, store, asset, 0, &l);
    if (rc || (rc = load_latest(ctx, store, db, asset, &l, d)) || (rc = vg_db_begin(ctx, store->db)))
        return rc;
    json_t *new_findings = json_array(), *fixed_findings = json_array();
    /* A snapshot added since the lookup is the one to rescan. */
    if ((rc = find_latest(ctx, store, asset, 1, &l)) == VG_OK)
        rc = load_latest(ctx, store, db, asset, &l, d);
    if (rc == VG_OK)
        rc = record_match(ctx, store, &l, d, now, db_time, new_findings, fixed_findings);
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, store->db);
    if (rc) {
        vg_db_rollback(store->db);
    } else {
        store_sort_findings(new_findings);
        store_sort_findings(fixed_findings);
        stamp(new_findings, "first_seen", now);
        stamp(fixed_findings, "fixed", now);
        *out = json_pack("{s:s, s:I, s:O, s:O, s:I, s:I}", "asset", asset, "snapshot", (json_int_t)l.seq,
                         "new_findings", new_findings, "fixed_findings", fixed_findings, "unchecked",
                         (json_int_t)d->findings.components_unchecked, "components",
                         (json_int_t)d->inv.ncomponents);
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(new_findings);
    json_decref(fixed_findings);
    return rc;
}

/* Whether db holds the CISA KEV catalogue (a source of kind "kev"). */
static int has_kev(vg_vulndb *db)
{
    vg_ctx quiet;
    vg_ctx_init(&quiet);
    vg_arena arena;
    vg_arena_init(&arena);
    vg_vulndb_source_info *src = NULL;
    size_t n = 0;
    int found = 0;
    if (vg_vulndb_sources(&quiet, db, &arena, &src, &n) == VG_OK)
        for (size_t i = 0; i < n && !found; i++)
            found = src[i].kind && strcmp(src[i].kind, "kev") == 0;
    vg_arena_free(&arena);
    vg_ctx_free(&quiet);
    return found;
}

/* The time of the newest data of db (what a snapshot's db_time says), or 0. */
static int64_t data_time(vg_vulndb *db, int64_t now)
{
    vg_ctx quiet;
    vg_ctx_init(&quiet);
    int64_t age = 0;
    int ok = vg_vulndb_age(&quiet, db, (time_t)now, &age) == VG_OK;
    vg_ctx_free(&quiet);
    return ok ? now - age : 0;
}

int vg_store_rescan_asset(vg_ctx *ctx, vg_store *store, struct vg_vulndb *db, const char *asset, int64_t now,
                          json_t **out)
{
    matched_doc d;
    doc_init(&d);
    int rc = rescan_one(ctx, store, db, &d, asset, now, data_time(db, now), out);
    doc_free(&d);
    return rc;
}

/* ---- a fleet ---------------------------------------------------------------- */

typedef struct fleet_asset {
    char *name;
    char *digest;
    int selected;
} fleet_asset;

static int name_cmp(const void *a, const void *b)
{
    return strcmp((*(fleet_asset *const *)a)->name, (*(fleet_asset *const *)b)->name);
}

typedef struct fleet {
    vg_ctx *ctx;
    vg_arena arena;
    fleet_asset *list;
    size_t n, cap;
} fleet;

static int fleet_add(void *arg, vg_db_stmt *st)
{
    fleet *f = arg;
    char *name = vg_arena_strdup(&f->arena, vg_db_column_text(st, 0)),
         *digest = vg_arena_strdup(&f->arena, vg_db_column_text(st, 1));
    if (!name || !digest || store_reserve(&f->list, &f->cap, f->n, sizeof *f->list))
        return vg_error(f->ctx, VG_ERR_NOMEM, "out of memory listing the assets");
    f->list[f->n++] = (fleet_asset){.name = name, .digest = digest, .selected = 1};
    return VG_OK;
}

/* Keeps the named assets of list selected, and only those. */
static int select_assets(vg_ctx *ctx, vg_store *store, fleet_asset *list, size_t n, const char *const *names,
                         size_t nnames)
{
    fleet_asset **by_name = malloc((n ? n : 1) * sizeof *by_name);
    if (!by_name)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        by_name[i] = &list[i];
        list[i].selected = 0;
    }
    qsort(by_name, n, sizeof *by_name, name_cmp);
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < nnames; i++) {
        fleet_asset probe = {.name = (char *)names[i]}, *p = &probe;
        fleet_asset **hit = bsearch(&p, by_name, n, sizeof *by_name, name_cmp);
        if (hit)
            (*hit)->selected = 1;
        else
            rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s (see vigil inventory list)",
                          vg_db_name(store->db), names[i]);
    }
    free(by_name);
    return rc;
}

static int record_run(vg_ctx *ctx, vg_store *store, int64_t started, int64_t finished, int64_t db_time,
                      const int64_t counts[5], int64_t *id)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "INSERT INTO rescan_run(started_at, finished_at, db_time, assets, new_findings,"
                           " fixed_findings, unchecked, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, started);
    vg_db_bind_int(st, 2, finished);
    if (db_time)
        vg_db_bind_int(st, 3, db_time);
    else
        vg_db_bind_null(st, 3);
    for (int i = 0; i < 5; i++)
        vg_db_bind_int(st, 4 + i, counts[i]);
    return store_insert_id(ctx, store, st, "recording the rescan", id);
}

int vg_store_rescan(vg_ctx *ctx, vg_store *store, struct vg_vulndb *db, const vg_store_rescan_options *opts,
                    int64_t now, json_t **out)
{
    *out = NULL;
    fleet f = {.ctx = ctx};
    vg_arena_init(&f.arena);
    /* the document of the asset at hand, and that of the next one, which
     * the parser thread reads meanwhile */
    matched_doc docs[2];
    doc_init(&docs[0]);
    doc_init(&docs[1]);
    int cur = 0;
    parser p = {0};
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    int threaded = pthread_create(&p.thread, NULL, parser_main, &p) == 0;
    size_t given = (size_t)-1; /* the asset whose document the parser was given */
    size_t total = 0, done = 0;
    json_t *results = json_array(), *errors = json_array();
    int64_t db_time = data_time(db, now);
    /* assets, new, fixed, unchecked components, errors; assets with unchecked components */
    int64_t counts[5] = {0}, unchecked_assets = 0;
    /* in the order of the documents, so that assets sharing one follow each other */
    int rc = store_select(ctx, store,
                          "SELECT a.name, s.sbom_digest FROM asset a JOIN snapshot s ON s.id = a.latest_snapshot"
                          " ORDER BY s.sbom_digest, a.name",
                          fleet_add, &f);
    fleet_asset *list = f.list;
    size_t n = f.n;
    if (rc == VG_OK && opts && opts->nassets)
        rc = select_assets(ctx, store, list, n, opts->assets, opts->nassets);
    for (size_t i = 0; rc == VG_OK && i < n; i++)
        total += list[i].selected;
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        if (!list[i].selected)
            continue;
        if (opts && opts->progress)
            opts->progress(opts->progress_arg, done, total);
        done++;
        if (threaded) {
            parser_wait(&p);
            if (given == i)
                cur = !cur;
            /* the next asset's document, unless it is this one's */
            size_t j = i + 1;
            while (j < n && !list[j].selected)
                j++;
            if (j < n && strcmp(list[j].digest, list[i].digest) != 0) {
                parser_give(&p, store, list[j].digest, &docs[!cur]);
                given = j;
            }
        }
        json_t *r;
        if ((rc = rescan_one(ctx, store, db, &docs[cur], list[i].name, now, db_time, &r)) != VG_OK) {
            if (!document_fault(rc))
                break;
            json_array_append_new(errors, json_pack("{s:s, s:s}", "asset", list[i].name, "message", ctx->message));
            counts[4]++;
            rc = VG_OK;
            continue;
        }
        int64_t nnew = (int64_t)json_array_size(json_object_get(r, "new_findings")),
                nfixed = (int64_t)json_array_size(json_object_get(r, "fixed_findings")),
                unchecked = json_integer_value(json_object_get(r, "unchecked"));
        counts[0]++;
        counts[1] += nnew;
        counts[2] += nfixed;
        counts[3] += unchecked;
        unchecked_assets += unchecked > 0;
        if (nnew || nfixed || unchecked)
            json_array_append_new(results, r);
        else
            json_decref(r);
    }
    if (threaded) {
        parser_wait(&p);
        parser_stop(&p);
    } else {
        pthread_cond_destroy(&p.changed);
        pthread_mutex_destroy(&p.lock);
    }
    doc_free(&docs[0]);
    doc_free(&docs[1]);
    free(list);
    vg_arena_free(&f.arena);
    if (rc == VG_OK && opts && opts->progress)
        opts->progress(opts->progress_arg, total, total);
    int64_t finished = (int64_t)time(NULL), run = 0;
    if (rc == VG_OK)
        rc = record_run(ctx, store, now, finished, db_time, counts, &run);
    /* KEV-listed findings in the manufacturer's own products that no
     * incident is about yet: CRA Art. 14(1) notifications to consider;
     * null, with the reason, when products are tagged and the database
     * holds no KEV catalogue to tell exploited vulnerabilities apart. */
    json_t *candidates = NULL;
    const char *cra_unchecked = NULL;
    int64_t products = 0;
    if (rc == VG_OK)
        rc = store_query_int(ctx, store, "SELECT count(*) FROM asset_tag WHERE key = 'cra' AND value = 'product'",
                             &products);
    if (rc == VG_OK && products && !has_kev(db))
        cra_unchecked = "the vulnerability database holds no CISA KEV catalogue, so actively exploited "
                        "vulnerabilities in the assets tagged cra=product could not be told apart "
                        "(vigil db update --source kev)";
    if (rc == VG_OK && !cra_unchecked)
        rc = vg_store_incident_cra_candidates(ctx, store, &candidates);
    if (rc == VG_OK) {
        store_sort_array(results, store_cmp_asset);
        *out = json_pack("{s:I, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:O, s:O, s:o}", "run", (json_int_t)run,
                         "started", store_json_time(now), "finished", store_json_time(finished), "db_time",
                         store_json_time(db_time), "summary", "assets", (json_int_t)counts[0], "new",
                         (json_int_t)counts[1], "fixed", (json_int_t)counts[2], "unchecked", (json_int_t)counts[3],
                         "unchecked_assets", (json_int_t)unchecked_assets, "errors", (json_int_t)counts[4], "assets",
                         results, "errors", errors, "cra_candidates", candidates ? candidates : json_null());
        candidates = NULL;
        if (*out && cra_unchecked)
            json_object_set_new(*out, "cra_unchecked", json_string(cra_unchecked));
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(candidates);
    json_decref(results);
    json_decref(errors);
    return rc;
}

/* ---- notifications ---------------------------------------------------------- */

static int sink_name_ok(vg_ctx *ctx, const char *sink)
{
    size_t n = strlen(sink);
    if (n == 0 || n > VG_STORE_SINK_MAX || strspn(sink, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return vg_error(ctx, VG_ERR_USAGE, "notification sink '%s': 1 to %d of a-z, 0-9, '_' and '-'", sink,
                        VG_STORE_SINK_MAX);
    return VG_OK;
}

int vg_store_notify_subscribe(vg_ctx *ctx, vg_store *store, const char *sink, int64_t now)
{
    int rc = sink_name_ok(ctx, sink);
    vg_db_stmt *st;
    if (rc || (rc = store_prepare(ctx, store,
                                  "INSERT INTO notify_sink(name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", &st)))
        return rc;
    vg_db_bind_text(st, 1, sink);
    vg_db_bind_int(st, 2, now);
    rc = store_run(ctx, st);
    vg_db_finalize(st);
    return rc;
}

/* The aliases of the notices listed in findings (objects in notice order,
 * whose ids are notices[i]), from the rows of sink's queue up to the last. */
static int pending_aliases(vg_ctx *ctx, vg_store *store, const char *sink, json_t *findings, json_t *notices)
{
    size_t n = json_array_size(notices);
    if (!n)
        return VG_OK;
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT n.id, x.alias FROM notification n JOIN finding_alias x ON x.finding_id = n.finding_id"
                           " WHERE n.sink = ? AND n.id <= ? ORDER BY n.id, x.alias",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, sink);
    vg_db_bind_int(st, 2, json_integer_value(json_array_get(notices, n - 1)));
    size_t i = 0;
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        int64_t id = vg_db_column_int(st, 0);
        while (i < n && json_integer_value(json_array_get(notices, i)) < id)
            i++;
        if (i < n && json_integer_value(json_array_get(notices, i)) == id)
            json_array_append_new(json_object_get(json_array_get(findings, i), "aliases"),
                                  json_string(vg_db_column_text(st, 1)));
    }
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

int vg_store_notify_pending(vg_ctx *ctx, vg_store *store, const char *sink, size_t max, json_t **out)
{
    *out = NULL;
    int rc = sink_name_ok(ctx, sink);
    vg_db_stmt *st;
    if (rc || (rc = store_prepare(ctx, store,
                                  "SELECT n.id, a.name, f.vuln, f.package, f.severity, f.first_seen, f.fixed_at,"
                                  " n.queued_at, (SELECT c.purl FROM finding_span x JOIN component c ON"
                                  " c.id = x.component_id WHERE x.finding_id = f.id AND x.until IS NULL"
                                  " ORDER BY c.purl LIMIT 1), (SELECT c.version FROM"
                                  " finding_span x JOIN component c ON c.id = x.component_id WHERE"
                                  " x.finding_id = f.id AND x.until IS NULL ORDER BY c.purl"
                                  " LIMIT 1) FROM notification n JOIN finding f ON f.id = n.finding_id JOIN asset a"
                                  " ON a.id = f.asset_id WHERE n.sink = ? ORDER BY n.id LIMIT ?",
                                  &st)))
        return rc;
    vg_db_bind_text(st, 1, sink);
    vg_db_bind_int(st, 2, (int64_t)max);
    json_t *findings = json_array(), *notices = json_array();
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        json_array_append_new(notices, json_integer(vg_db_column_int(st, 0)));
        json_array_append_new(
            findings, json_pack("{s:s, s:s, s:[], s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "asset", vg_db_column_text(st, 1),
                                "id", vg_db_column_text(st, 2), "aliases", "package", vg_db_column_text(st, 3),
                                "severity", vg_db_column_text(st, 4), "first_seen",
                                store_json_time(vg_db_column_int(st, 5)), "fixed", store_json_time(vg_db_column_int(st, 6)),
                                "queued", store_json_time(vg_db_column_int(st, 7)), "purl",
                                store_json_text(vg_db_column_text(st, 8)), "version",
                                store_json_text(vg_db_column_text(st, 9))));
    }
    vg_db_finalize(st);
    int64_t waiting = 0;
    if (rc == VG_DB_DONE)
        rc = pending_aliases(ctx, store, sink, findings, notices);
    if (rc == VG_OK && (rc = store_prepare(ctx, store, "SELECT count(*) FROM notification WHERE sink = ?", &st)) == VG_OK) {
        vg_db_bind_text(st, 1, sink);
        if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
            waiting = vg_db_column_int(st, 0);
        vg_db_finalize(st);
        rc = rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
    }
    if (rc == VG_OK) {
        int64_t more = waiting - (int64_t)json_array_size(notices);
        *out = json_pack("{s:O, s:O, s:I}", "findings", findings, "notices", notices, "more",
                         (json_int_t)(more > 0 ? more : 0));
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(findings);
    json_decref(notices);
    return rc;
}

int vg_store_notify_done(vg_ctx *ctx, vg_store *store, const json_t *notices)
{
    size_t n = json_array_size(notices);
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        ids[i] = json_integer_value(json_array_get(notices, i));
    int rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK)
        rc = store_run_ids(ctx, store, "DELETE FROM notification WHERE id IN", "", ids, n, NULL, NULL, NULL);
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, store->db);
    if (rc)
        vg_db_rollback(store->db);
    free(ids);
    return rc;
}
