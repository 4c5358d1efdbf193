/*
 * span.c — what each snapshot holds, kept as spans (docs/store.md,
 * "Spans"): a row of component_span or finding_span is in every snapshot
 * of its asset whose id is in [since, until), until NULL meaning "and in
 * every later one so far".  The snapshots of an asset are ordered by id
 * (the order they were stored in), and one snapshot shares nearly all its
 * components and findings with the one before: so a snapshot costs rows
 * for what changed, not for all it holds.
 *
 * The invariant everything here keeps: the open rows (until IS NULL) of an
 * asset are exactly the rows of its latest snapshot (asset.latest_snapshot,
 * the one with the highest id).  store_span_set() is the only writer of
 * open rows; store_span_forget() mends the spans after prune.c has deleted
 * snapshots.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

typedef struct span_sql {
    const char *open;   /* the open rows of asset ? and those ending at ?: since, k1, k2, n1, n2, score, s1,
                           s2, s3, until IS NULL */
    const char *close;  /* until = ? (or NULL: open again) of the row (asset, since, k1[, k2]) */
    const char *remove; /* the row (asset, since, k1[, k2]) */
    const char *insert; /* head of a multi-row INSERT */
    int cols;           /* of insert */
    int keys;           /* 1: k1; 2: k1, k2 */
} span_sql;

static const span_sql tables[] = {
    [STORE_SPAN_COMPONENT] =
        {"SELECT since, component_id, 0, COALESCE(layer, -1), coverage, NULL, NULL, NULL, NULL, until IS NULL"
         " FROM component_span WHERE asset_id = ? AND (until IS NULL OR until = ?)",
         "UPDATE component_span SET until = ? WHERE asset_id = ? AND since = ? AND component_id = ?",
         "DELETE FROM component_span WHERE asset_id = ? AND since = ? AND component_id = ?",
         "INSERT INTO component_span(asset_id, since, component_id, layer, coverage) VALUES", 5, 1},
    [STORE_SPAN_FINDING] =
        {"SELECT since, finding_id, component_id, kev, suppressed, score, severity, fix_state, fixed_versions,"
         " until IS NULL FROM finding_span WHERE asset_id = ? AND (until IS NULL OR until = ?)",
         "UPDATE finding_span SET until = ? WHERE asset_id = ? AND since = ? AND finding_id = ? AND component_id = ?",
         "DELETE FROM finding_span WHERE asset_id = ? AND since = ? AND finding_id = ? AND component_id = ?",
         "INSERT INTO finding_span(asset_id, since, finding_id, component_id, kev, suppressed, score, severity,"
         " fix_state, fixed_versions) VALUES",
         10, 2},
};

static int key_cmp(const store_span_row *a, const store_span_row *b)
{
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    return (a->k2 > b->k2) - (a->k2 < b->k2);
}

/* By key, then by order (so that the first of a key given twice wins). */
static int row_cmp(const void *x, const void *y)
{
    const store_span_row *a = x, *b = y;
    int c = key_cmp(a, b);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static int text_eq(const char *a, const char *b) { return a && b ? strcmp(a, b) == 0 : a == b; }

/* Scores (0 to 10) are kept to one decimal, as CVSS writes them. */
static int score_eq(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return (int64_t)(a * 10 + 0.5) == (int64_t)(b * 10 + 0.5);
}

static int same_facts(const store_span_row *a, const store_span_row *b)
{
    return a->n1 == b->n1 && a->n2 == b->n2 && score_eq(a->score, b->score) && text_eq(a->s1, b->s1) &&
           text_eq(a->s2, b->s2) && text_eq(a->s3, b->s3);
}

/* The rows read back: open ones, and closed ones ending at the snapshot. */
typedef struct row_set {
    store_span_row *rows;
    size_t n, cap;
} row_set;

typedef struct read_state {
    vg_ctx *ctx;
    vg_arena *arena;
    row_set open, ended;
} read_state;

static int read_row(void *arg, vg_db_stmt *st)
{
    read_state *rs = arg;
    /* (a boolean reads "t" or "f" on PostgreSQL, 1 or 0 on SQLite) */
    const char *is_open = vg_db_column_text(st, 9);
    row_set *s = is_open && (*is_open == 't' || *is_open == '1') ? &rs->open : &rs->ended;
    if (store_reserve(&s->rows, &s->cap, s->n, sizeof *s->rows))
        return vg_error(rs->ctx, VG_ERR_NOMEM, "out of memory");
    store_span_row *r = &s->rows[s->n];
    *r = (store_span_row){.since = vg_db_column_int(st, 0), .k1 = vg_db_column_int(st, 1),
                          .k2 = vg_db_column_int(st, 2), .n1 = vg_db_column_int(st, 3), .n2 = vg_db_column_int(st, 4),
                          .score = vg_db_column_null(st, 5) ? NAN : strtod(vg_db_column_text(st, 5), NULL),
                          .order = s->n};
    const char *t[3];
    for (int i = 0; i < 3; i++) {
        const char *v = vg_db_column_null(st, 6 + i) ? NULL : vg_db_column_text(st, 6 + i);
        if (v && !(t[i] = vg_arena_strdup(rs->arena, v)))
            return vg_error(rs->ctx, VG_ERR_NOMEM, "out of memory");
        if (!v)
            t[i] = NULL;
    }
    r->s1 = t[0], r->s2 = t[1], r->s3 = t[2];
    s->n++;
    return VG_OK;
}

typedef struct insert_args {
    const store_span_row *const *rows;
    int64_t asset_id, snapshot_id;
    store_span_kind kind;
} insert_args;

static int bind_new(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const insert_args *a = arg;
    const store_span_row *r = a->rows[i];
    int rc = vg_db_bind_int(st, p, a->asset_id);
    rc = rc ? rc : vg_db_bind_int(st, p + 1, a->snapshot_id);
    rc = rc ? rc : vg_db_bind_int(st, p + 2, r->k1);
    if (a->kind == STORE_SPAN_COMPONENT) {
        rc = rc ? rc : (r->n1 >= 0 ? vg_db_bind_int(st, p + 3, r->n1) : vg_db_bind_null(st, p + 3));
        return rc ? rc : vg_db_bind_int(st, p + 4, r->n2);
    }
    char score[16];
    if (!isnan(r->score))
        snprintf(score, sizeof score, "%.1f", r->score);
    rc = rc ? rc : vg_db_bind_int(st, p + 3, r->k2);
    rc = rc ? rc : vg_db_bind_int(st, p + 4, r->n1);
    rc = rc ? rc : vg_db_bind_int(st, p + 5, r->n2);
    rc = rc ? rc : vg_db_bind_text(st, p + 6, isnan(r->score) ? NULL : score);
    rc = rc ? rc : vg_db_bind_text(st, p + 7, r->s1);
    rc = rc ? rc : vg_db_bind_text(st, p + 8, r->s2);
    return rc ? rc : vg_db_bind_text(st, p + 9, r->s3);
}

/* Ends the open row o before snapshot_id: closed there, or deleted when it
 * began there (a snapshot matched again).  With reopen, the row o, which
 * ended at snapshot_id, is open again. */
static int end_row(vg_ctx *ctx, vg_store *store, const span_sql *t, int64_t asset_id, int64_t snapshot_id,
                   const store_span_row *o, int reopen)
{
    vg_db_stmt *st;
    int close = reopen || o->since != snapshot_id, p = 1;
    int rc = store_prepare_cached(ctx, store, close ? t->close : t->remove, &st);
    if (rc)
        return rc;
    if (reopen)
        vg_db_bind_null(st, p++);
    else if (close)
        vg_db_bind_int(st, p++, snapshot_id);
    vg_db_bind_int(st, p++, asset_id);
    vg_db_bind_int(st, p++, o->since);
    vg_db_bind_int(st, p++, o->k1);
    if (t->keys == 2)
        vg_db_bind_int(st, p, o->k2);
    return store_run(ctx, st);
}

int store_span_set(vg_ctx *ctx, vg_store *store, store_span_kind kind, int64_t asset_id, int64_t snapshot_id,
                   store_span_row *rows, size_t n)
{
    const span_sql *t = &tables[kind];
    vg_arena arena;
    vg_arena_init(&arena);
    read_state read = {.ctx = ctx, .arena = &arena};
    const store_span_row **fresh = calloc(n ? n : 1, sizeof *fresh);
    vg_db_stmt *st;
    int rc = fresh ? store_prepare(ctx, store, t->open, &st) : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        vg_db_bind_int(st, 1, asset_id);
        vg_db_bind_int(st, 2, snapshot_id);
        rc = store_rows(ctx, st, read_row, &read);
    }
    if (rc)
        goto out;
    const store_span_row *open = read.open.rows, *ended = read.ended.rows;
    size_t nopen = read.open.n, nended = read.ended.n;
    for (size_t i = 0; i < n; i++)
        rows[i].order = i;
    if (n)
        qsort(rows, n, sizeof *rows, row_cmp);
    if (nopen)
        qsort(read.open.rows, nopen, sizeof *open, row_cmp);
    if (nended)
        qsort(read.ended.rows, nended, sizeof *ended, row_cmp);
    /* Walk both in key order: an open row with the same key and facts
     * stays open; any other open row ends here; any other new row opens,
     * or continues the row with its key and facts that ended here (the
     * latest snapshot matched again as it was before), so that each span
     * is as long as it can be, as the migration from version 1 makes them. */
    size_t i = 0, j = 0, k = 0, nfresh = 0;
    while (rc == VG_OK && (i < n || j < nopen)) {
        if (i > 0 && i < n && key_cmp(&rows[i], &rows[i - 1]) == 0) {
            i++; /* a key given twice: its first row counts */
            continue;
        }
        int c = i == n ? 1 : j == nopen ? -1 : key_cmp(&rows[i], &open[j]);
        if (c == 0 && same_facts(&rows[i], &open[j])) {
            i++, j++;
            continue;
        }
        if (c >= 0)
            rc = end_row(ctx, store, t, asset_id, snapshot_id, &open[j++], 0);
        if (c > 0 || rc)
            continue;
        while (k < nended && key_cmp(&ended[k], &rows[i]) < 0)
            k++;
        if (k < nended && key_cmp(&ended[k], &rows[i]) == 0 && same_facts(&ended[k], &rows[i]))
            rc = end_row(ctx, store, t, asset_id, snapshot_id, &ended[k++], 1);
        else
            fresh[nfresh++] = &rows[i];
        i++;
    }
    insert_args args = {fresh, asset_id, snapshot_id, kind};
    if (rc == VG_OK)
        rc = store_batch_run(ctx, store, t->insert, t->cols, NULL, nfresh, bind_new, &args);
out:
    free(fresh);
    free(read.open.rows);
    free(read.ended.rows);
    vg_arena_free(&arena);
    return rc;
}

int store_span_forget(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id)
{
    /* Rows that began in the deleted snapshot: gone when no snapshot of
     * theirs is left, else beginning at the first one left. */
    static const char *const sql[] = {
        "DELETE FROM component_span WHERE asset_id = ? AND since = ? AND NOT EXISTS (SELECT 1 FROM snapshot s"
        " WHERE s.asset_id = component_span.asset_id AND s.id >= component_span.since"
        " AND (component_span.until IS NULL OR s.id < component_span.until))",
        "UPDATE component_span SET since = (SELECT MIN(s.id) FROM snapshot s WHERE s.asset_id = component_span.asset_id"
        " AND s.id > component_span.since) WHERE asset_id = ? AND since = ?",
        "DELETE FROM finding_span WHERE asset_id = ? AND since = ? AND NOT EXISTS (SELECT 1 FROM snapshot s"
        " WHERE s.asset_id = finding_span.asset_id AND s.id >= finding_span.since"
        " AND (finding_span.until IS NULL OR s.id < finding_span.until))",
        "UPDATE finding_span SET since = (SELECT MIN(s.id) FROM snapshot s WHERE s.asset_id = finding_span.asset_id"
        " AND s.id > finding_span.since) WHERE asset_id = ? AND since = ?",
    };
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < sizeof sql / sizeof sql[0]; i++) {
        vg_db_stmt *st;
        if ((rc = store_prepare_cached(ctx, store, sql[i], &st)))
            break;
        vg_db_bind_int(st, 1, asset_id);
        vg_db_bind_int(st, 2, snapshot_id);
        rc = store_run(ctx, st);
    }
    return rc;
}
