/*
 * sla.c — service levels of vulnerability handling (docs/store.md, "SLA"):
 * the open findings of each asset that are older than their severity
 * allows, and how long fixing took, per asset and severity and for all
 * assets together: the number of fixed findings and the median and 90th
 * percentile of their time to fix (fixed_at - first_seen).
 *
 * Percentiles are by the nearest-rank method: of n values sorted
 * ascending, v[1] <= ... <= v[n], the P-th percentile is v[ceil(P n / 100)],
 * so the median of an even number of values is the lower middle one and
 * every result is one of the measured values.  The values are sorted here,
 * in C, and so are the lists (by strcmp, not a database collation), so
 * that SQLite and PostgreSQL give the same answer to the byte.
 *
 * Leaves out: suppression (the store keeps no VEX statements yet); a
 * finding that was fixed and came back counts from its return (its
 * first_seen starts again, docs/store.md "Writing a snapshot").
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define SLA_LEVELS 6 /* vg_severity: unknown .. critical */

typedef struct sla_asset {
    int64_t id;
    const char *name;
    int selected;
    int64_t open;
    json_t *breaches;
} sla_asset;

typedef struct fix_time {
    size_t asset; /* index in the asset array */
    int level;
    int64_t seconds;
} fix_time;

static int asset_by_id(const void *a, const void *b)
{
    int64_t x = ((const sla_asset *)a)->id, y = ((const sla_asset *)b)->id;
    return (x > y) - (x < y);
}

static int asset_by_name(const void *a, const void *b)
{
    return strcmp(((const sla_asset *)a)->name, ((const sla_asset *)b)->name);
}

/* By asset, then severity, then duration. */
static int fix_cmp(const void *a, const void *b)
{
    const fix_time *x = a, *y = b;
    if (x->asset != y->asset)
        return x->asset < y->asset ? -1 : 1;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->seconds > y->seconds) - (x->seconds < y->seconds);
}

/* By severity, then duration: for the statistics of all assets. */
static int fix_cmp_all(const void *a, const void *b)
{
    const fix_time *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->seconds > y->seconds) - (x->seconds < y->seconds);
}

/* Breaches by first_seen (ISO 8601 UTC times sort as text), then id, then
 * package. */
static int breach_cmp(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    static const char *const keys[] = {"first_seen", "id", "package"};
    int c = 0;
    for (size_t i = 0; c == 0 && i < 3; i++) {
        const char *p = json_string_value(json_object_get(x, keys[i])), *q = json_string_value(json_object_get(y, keys[i]));
        c = strcmp(p ? p : "", q ? q : "");
    }
    return c;
}


/* {"fixed", "median_seconds", "p90_seconds"} of the n sorted durations v. */
static json_t *fix_stats(const fix_time *v, size_t n)
{
    size_t median = (50 * n + 99) / 100, p90 = (90 * n + 99) / 100; /* ranks from 1 */
    return json_pack("{s:I, s:I, s:I}", "fixed", (json_int_t)n, "median_seconds", (json_int_t)v[median - 1].seconds,
                     "p90_seconds", (json_int_t)v[p90 - 1].seconds);
}

/* Adds the statistics of each run of equal (asset, level) or, with all,
 * of equal level of v[0..n) to the "time_to_fix" objects. */
static void add_stats(const fix_time *v, size_t n, json_t *assets_json, json_t *all_json, int all)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j].level == v[i].level && (all || v[j].asset == v[i].asset))
            j++;
        json_t *into = json_object_get(all ? all_json : json_array_get(assets_json, v[i].asset), "time_to_fix");
        json_object_set_new(into, vg_severity_name((vg_severity)v[i].level), fix_stats(v + i, j - i));
        i = j;
    }
}

/* What one report gathers. */
typedef struct sla_run {
    vg_ctx *ctx;
    vg_arena arena;
    const vg_store_sla_options *opts;
    int64_t now;
    sla_asset *by_name, *by_id; /* the same assets in two orders */
    size_t n, cap;
    fix_time *fixes;
    size_t nfixes, fixes_cap;
} sla_run;

static int asset_row(void *arg, vg_db_stmt *st)
{
    sla_run *r = arg;
    const char *name = vg_arena_strdup(&r->arena, vg_db_column_text(st, 1));
    if (!name || store_reserve(&r->by_name, &r->cap, r->n, sizeof *r->by_name))
        return vg_error(r->ctx, VG_ERR_NOMEM, "out of memory");
    r->by_name[r->n++] = (sla_asset){.id = vg_db_column_int(st, 0), .name = name, .selected = 1};
    return VG_OK;
}

/* The selected asset whose id is column 0 of the row, or NULL. */
static sla_asset *asset_of(const sla_run *r, vg_db_stmt *st)
{
    sla_asset probe = {.id = vg_db_column_int(st, 0)}, *a = bsearch(&probe, r->by_id, r->n, sizeof *a, asset_by_id);
    return a && a->selected ? a : NULL;
}

/* An open finding: counted, and listed when past its allowed age. */
static int open_row(void *arg, vg_db_stmt *st)
{
    sla_run *r = arg;
    sla_asset *a = asset_of(r, st);
    if (!a)
        return VG_OK;
    a->open++;
    int level = (int)vg_severity_from_text(vg_db_column_text(st, 3));
    int64_t first = vg_db_column_int(st, 4), allowed = r->opts->days[level];
    if (allowed < 0 || r->now - first <= allowed * 86400)
        return VG_OK;
    json_t *b = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I}", "id", vg_db_column_text(st, 1), "package",
                          vg_db_column_text(st, 2), "severity", vg_severity_name((vg_severity)level), "first_seen",
                          store_json_time(first), "due", store_json_time(first + allowed * 86400), "allowed_days",
                          (json_int_t)allowed, "age_days", (json_int_t)((r->now - first) / 86400));
    return json_array_append_new(a->breaches, b) ? vg_error(r->ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

/* The time to fix of a fixed finding. */
static int fix_row(void *arg, vg_db_stmt *st)
{
    sla_run *r = arg;
    const sla_asset *a = asset_of(r, st);
    if (!a)
        return VG_OK;
    if (store_reserve(&r->fixes, &r->fixes_cap, r->nfixes, sizeof *r->fixes))
        return vg_error(r->ctx, VG_ERR_NOMEM, "out of memory");
    /* by_id and by_name hold the same names: the index of the name */
    const sla_asset *named = bsearch(a, r->by_name, r->n, sizeof *a, asset_by_name);
    r->fixes[r->nfixes++] = (fix_time){.asset = (size_t)(named - r->by_name),
                                       .level = (int)vg_severity_from_text(vg_db_column_text(st, 1)),
                                       .seconds = vg_db_column_int(st, 2)};
    return VG_OK;
}

/* Reads the assets, their open findings and their fixed ones into r. */
static int gather(sla_run *r, vg_store *store)
{
    int rc = store_select(r->ctx, store, "SELECT id, name FROM asset", asset_row, r);
    if (rc)
        return rc;
    qsort(r->by_name, r->n, sizeof *r->by_name, asset_by_name);
    for (size_t i = 0; i < r->opts->nassets; i++) {
        sla_asset probe = {.name = r->opts->assets[i]};
        sla_asset *hit = bsearch(&probe, r->by_name, r->n, sizeof probe, asset_by_name);
        if (!hit)
            return vg_error(r->ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s (see vigil inventory list)",
                            vg_db_name(store->db), probe.name);
        hit->selected = 2; /* named */
    }
    for (size_t i = 0; i < r->n; i++) {
        r->by_name[i].selected = !r->opts->nassets || r->by_name[i].selected == 2;
        r->by_name[i].breaches = json_array();
    }
    if (!(r->by_id = malloc((r->n ? r->n : 1) * sizeof *r->by_id)))
        return vg_error(r->ctx, VG_ERR_NOMEM, "out of memory");
    memcpy(r->by_id, r->by_name, r->n * sizeof *r->by_id); /* the breaches arrays are shared */
    qsort(r->by_id, r->n, sizeof *r->by_id, asset_by_id);
    if ((rc = store_select(r->ctx, store,
                           "SELECT asset_id, vuln, package, severity, first_seen FROM finding WHERE fixed_at IS NULL",
                           open_row, r)))
        return rc;
    for (size_t i = 0; i < r->n; i++)
        r->by_name[i].open = ((sla_asset *)bsearch(&r->by_name[i], r->by_id, r->n, sizeof *r->by_id, asset_by_id))->open;
    return store_select(r->ctx, store,
                        "SELECT asset_id, severity, fixed_at - first_seen FROM finding WHERE fixed_at IS NOT NULL",
                        fix_row, r);
}

int vg_store_sla(vg_ctx *ctx, vg_store *store, const vg_store_sla_options *opts, int64_t now, json_t **out)
{
    *out = NULL;
    sla_run r = {.ctx = ctx, .opts = opts, .now = now};
    vg_arena_init(&r.arena);
    json_t *assets = json_array(), *all = NULL;
    int rc = gather(&r, store);
    if (rc == VG_OK) {
        int64_t open = 0, breaches = 0, selected = 0;
        for (size_t i = 0; i < r.n; i++) {
            sla_asset *a = &r.by_name[i];
            if (!a->selected) {
                json_array_append_new(assets, json_null()); /* keeps indexes; dropped below */
                continue;
            }
            store_sort_array(a->breaches, breach_cmp);
            json_array_append_new(assets, json_pack("{s:s, s:I, s:O, s:{}}", "asset", a->name, "open",
                                                    (json_int_t)a->open, "breaches", a->breaches, "time_to_fix"));
            open += a->open;
            breaches += (int64_t)json_array_size(a->breaches);
            selected++;
        }
        all = json_pack("{s:I, s:I, s:I, s:{}}", "assets", (json_int_t)selected, "open", (json_int_t)open, "breaches",
                        (json_int_t)breaches, "time_to_fix");
        qsort(r.fixes, r.nfixes, sizeof *r.fixes, fix_cmp);
        add_stats(r.fixes, r.nfixes, assets, all, 0);
        qsort(r.fixes, r.nfixes, sizeof *r.fixes, fix_cmp_all);
        add_stats(r.fixes, r.nfixes, assets, all, 1);
        for (size_t i = json_array_size(assets); i-- > 0;)
            if (json_is_null(json_array_get(assets, i)))
                json_array_remove(assets, i);
        json_t *days = json_object();
        for (int l = 0; l < SLA_LEVELS; l++)
            if (opts->days[l] >= 0)
                json_object_set_new(days, vg_severity_name((vg_severity)l), json_integer(opts->days[l]));
        *out = json_pack("{s:o, s:o, s:O, s:o}", "now", store_json_time(now), "days", days, "assets", assets, "all",
                         all);
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < r.n; i++)
        json_decref(r.by_name[i].breaches);
    json_decref(assets);
    free(r.fixes);
    free(r.by_id);
    free(r.by_name);
    vg_arena_free(&r.arena);
    return rc;
}
