/*
 * prune.c — deleting old snapshots (docs/store.md, "Prune"): those of each
 * asset beyond its newest N and/or created before a time, never an
 * asset's latest; then the components no snapshot holds any more, and the
 * documents (SBOMs, attestation bundles) of the deleted snapshots that no
 * other snapshot refers to.  One transaction: a prune that is killed or
 * fails changes nothing, and a dry run is the same transaction rolled
 * back, so that its counts are those a real run would have had.
 *
 * Kept on purpose: the finding history.  A finding (asset, package,
 * vulnerability, first_seen, fixed_at) outlives the snapshots in which it
 * appeared and went: it is the evidence of time to fix (sla.c).  Its
 * first_snapshot and fixed_snapshot become null when those snapshots go.
 * Assets are never deleted (their latest snapshot stays), and neither are
 * documents that something other than a deleted snapshot refers to.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "vigil/map.h"

typedef struct doomed {
    int64_t id, asset_id, seq, total;
    const char *asset;
} doomed;

typedef struct digest_set {
    vg_ctx *ctx;
    vg_arena *arena;
    vg_map seen;
    const char **list;
    size_t n, cap;
} digest_set;

/* store_row_fn: adds column 0 of the row to the set. */
static int add_digest(void *arg, vg_db_stmt *st)
{
    digest_set *s = arg;
    const char *d = vg_db_column_text(st, 0);
    if (!d || vg_map_get(&s->seen, d, strlen(d)))
        return VG_OK;
    char *copy = vg_arena_strdup(s->arena, d);
    if (store_reserve(&s->list, &s->cap, s->n, sizeof *s->list) || !copy || vg_map_put(&s->seen, copy, strlen(copy), copy))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    s->list[s->n++] = copy;
    return VG_OK;
}

/* The ids of the named assets, sorted, into *ids. */
static int named_assets(vg_ctx *ctx, vg_store *store, const char *const *names, size_t n, int64_t **ids)
{
    *ids = calloc(n ? n : 1, sizeof **ids);
    if (!*ids)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st = NULL;
    int rc = store_prepare(ctx, store, "SELECT id FROM asset WHERE name = ?", &st);
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        vg_db_bind_text(st, 1, names[i]);
        rc = vg_db_step(ctx, st);
        if (rc == VG_DB_ROW) {
            (*ids)[i] = vg_db_column_int(st, 0);
            rc = VG_OK;
        } else if (rc == VG_DB_DONE) {
            rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s (see vigil inventory list)",
                          vg_db_name(store->db), names[i]);
        }
        vg_db_reset(st);
    }
    vg_db_finalize(st);
    return rc;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct doomed_set {
    vg_ctx *ctx;
    vg_arena *arena;
    const int64_t *assets; /* sorted; NULL: every asset */
    size_t nassets;
    doomed *list;
    size_t n, cap;
} doomed_set;


static int doomed_add(void *arg, vg_db_stmt *st)
{
    doomed_set *s = arg;
    int64_t asset_id = vg_db_column_int(st, 1);
    if (s->assets && !bsearch(&asset_id, s->assets, s->nassets, sizeof *s->assets, id_cmp))
        return VG_OK;
    const char *name = vg_arena_strdup(s->arena, vg_db_column_text(st, 4));
    if (!name || store_reserve(&s->list, &s->cap, s->n, sizeof *s->list))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    s->list[s->n++] = (doomed){.id = vg_db_column_int(st, 0), .asset_id = asset_id, .seq = vg_db_column_int(st, 2),
                               .total = vg_db_column_int(st, 3), .asset = name};
    return VG_OK;
}

/* The snapshots to delete, by asset and seq, into s. */
static int find_doomed(vg_ctx *ctx, vg_store *store, const vg_store_prune_options *opts, doomed_set *s)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT s.id, s.asset_id, s.seq, s.total, a.name FROM (SELECT id, asset_id, seq, created_at,"
                           " row_number() OVER (PARTITION BY asset_id ORDER BY seq DESC) AS newer,"
                           " count(*) OVER (PARTITION BY asset_id) AS total FROM snapshot) s"
                           " JOIN asset a ON a.id = s.asset_id WHERE s.id <> COALESCE(a.latest_snapshot, 0)"
                           " AND (? = 0 OR s.newer > ?) AND (? = 0 OR s.created_at < ?) ORDER BY s.asset_id, s.seq",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, opts->keep);
    vg_db_bind_int(st, 2, opts->keep);
    vg_db_bind_int(st, 3, opts->before);
    vg_db_bind_int(st, 4, opts->before);
    return store_rows(ctx, st, doomed_add, s);
}

/* Runs sql (no parameters) and adds the rows it changed to *changes. */
static int run_counted(vg_ctx *ctx, vg_store *store, const char *sql, int64_t *changes)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, sql, &st);
    if (rc == VG_OK && (rc = store_run(ctx, st)) == VG_OK)
        *changes += vg_db_changes(st);
    vg_db_finalize(st);
    return rc;
}

/* Deletes the documents of set that nothing refers to any more: no
 * snapshot, attestation, ingest job still to run (jobs.c; a done one has
 * let go of its document) or kept policy run (policy_history.c). */
static int delete_documents(vg_ctx *ctx, vg_store *store, const digest_set *set, int64_t *changes)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "DELETE FROM document WHERE digest = ?"
                           " AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.sbom_digest = document.digest)"
                           " AND NOT EXISTS (SELECT 1 FROM snapshot_attestation t WHERE t.digest = document.digest)"
                           " AND NOT EXISTS (SELECT 1 FROM job j WHERE j.document = document.digest)"
                           " AND NOT EXISTS (SELECT 1 FROM policy_run p WHERE p.document = document.digest)",
                           &st);
    for (size_t i = 0; rc == VG_OK && i < set->n; i++) {
        vg_db_bind_text(st, 1, set->list[i]);
        if ((rc = store_run(ctx, st)) == VG_OK)
            *changes += vg_db_changes(st);
    }
    vg_db_finalize(st);
    return rc;
}

/* [{"asset", "deleted": [seq...], "kept"}] of the doomed snapshots (by
 * asset id), sorted by asset name. */
static json_t *per_asset(const doomed *d, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n;) {
        json_t *seqs = json_array();
        size_t j = i;
        for (; j < n && d[j].asset_id == d[i].asset_id; j++)
            json_array_append_new(seqs, json_integer(d[j].seq));
        json_array_append_new(list, json_pack("{s:s, s:o, s:I}", "asset", d[i].asset, "deleted", seqs, "kept",
                                              (json_int_t)(d[i].total - (int64_t)(j - i))));
        i = j;
    }
    store_sort_array(list, store_cmp_asset);
    return list;
}

int vg_store_prune(vg_ctx *ctx, vg_store *store, const vg_store_prune_options *opts, json_t **out)
{
    *out = NULL;
    if (opts->keep < 0 || opts->before < 0 || (opts->keep == 0 && opts->before == 0))
        return vg_error(ctx, VG_ERR_USAGE, "prune: say what to keep: the newest N snapshots of each asset, snapshots "
                                           "newer than a time, or both");
    vg_arena arena;
    vg_arena_init(&arena);
    digest_set digests = {.ctx = ctx, .arena = &arena};
    vg_map_init(&digests.seen);
    int64_t *assets = NULL, *ids = NULL;
    doomed_set set = {.ctx = ctx, .arena = &arena, .nassets = opts->nassets};
    /* snapshots, components, documents, finding references */
    int64_t counts[4] = {0};
    int rc = opts->nassets ? named_assets(ctx, store, opts->assets, opts->nassets, &assets) : VG_OK;
    if (assets)
        qsort(assets, opts->nassets, sizeof *assets, id_cmp);
    set.assets = assets;
    if (rc || (rc = vg_db_begin(ctx, store->db)))
        goto out;
    if ((rc = find_doomed(ctx, store, opts, &set)))
        goto fail;
    doomed *d = set.list;
    size_t n = set.n;
    if (!(ids = malloc((n ? n : 1) * sizeof *ids))) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = d[i].id;
    if ((rc = store_run_ids(ctx, store, "SELECT sbom_digest FROM snapshot WHERE id IN", "", ids, n, add_digest,
                            &digests, NULL)) ||
        (rc = store_run_ids(ctx, store, "SELECT digest FROM snapshot_attestation WHERE snapshot_id IN", "", ids, n,
                            add_digest, &digests, NULL)))
        goto fail;
    /* Deleting a snapshot deletes its attestations (ON DELETE CASCADE);
     * the spans that began in it begin at the next snapshot left (span.c);
     * nothing else refers to it but the findings' first_snapshot and
     * fixed_snapshot, which have no foreign key. */
    if ((rc = store_run_ids(ctx, store, "DELETE FROM snapshot WHERE id IN", "", ids, n, NULL, NULL, &counts[0])))
        goto fail;
    for (size_t i = 0; rc == VG_OK && i < n; i++)
        rc = store_span_forget(ctx, store, d[i].asset_id, d[i].id);
    if (rc ||
        (rc = run_counted(ctx, store,
                          "UPDATE finding SET first_snapshot = NULL WHERE first_snapshot IS NOT NULL"
                          " AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.id = finding.first_snapshot)",
                          &counts[3])) ||
        (rc = run_counted(ctx, store,
                          "UPDATE finding SET fixed_snapshot = NULL WHERE fixed_snapshot IS NOT NULL"
                          " AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.id = finding.fixed_snapshot)",
                          &counts[3])) ||
        (rc = run_counted(ctx, store,
                          "DELETE FROM component WHERE NOT EXISTS"
                          " (SELECT 1 FROM component_span l WHERE l.component_id = component.id)",
                          &counts[1])) ||
        (rc = delete_documents(ctx, store, &digests, &counts[2])))
        goto fail;
    if (opts->dry_run)
        vg_db_rollback(store->db);
    else if ((rc = vg_db_commit(ctx, store->db)))
        goto fail;
    *out = json_pack("{s:b, s:I, s:I, s:I, s:I, s:o}", "dry_run", opts->dry_run != 0, "snapshots",
                     (json_int_t)counts[0], "components", (json_int_t)counts[1], "documents", (json_int_t)counts[2],
                     "finding_references", (json_int_t)counts[3], "assets", per_asset(d, n));
    if (!*out)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    goto out;
fail:
    vg_db_rollback(store->db);
out:
    free(ids);
    free(set.list);
    free(assets);
    free(digests.list);
    vg_map_free(&digests.seen);
    vg_arena_free(&arena);
    return rc;
}
