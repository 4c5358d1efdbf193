/*
 * supplier_data.c — what the supplier risk score reads from the store
 * (src/supplier/risk_data.h; docs/supplier-risk.md, "The score"): the
 * assets with their latest snapshot, criticality tag and verified
 * attestations; each distinct component of the latest snapshots (the open
 * component spans, docs/store.md "Spans") or of a fixed finding, once;
 * which asset holds which; the open findings of the latest snapshots; the
 * fixed findings; and the NTIA minimum elements of a stored SBOM.
 *
 * A handful of set-wise queries, whatever the number of snapshots: the
 * open spans are one partial index each.  Joins, deduplication and sorting
 * are done here, in C, by byte order, so that SQLite and PostgreSQL give
 * the same data in the same order.
 *
 * Leaves out: attribution and every formula (score.c).
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "supplier/risk_data.h"
#include "vigil/match.h"
#include "vigil/sbomcheck.h"

typedef struct asset_id {
    int64_t id;
    size_t index; /* into data->assets */
} asset_id;

typedef struct reader {
    vg_ctx *ctx;
    risk_data *d;
    asset_id *ids; /* sorted by id, once the assets are read */
    size_t nids;
    size_t cap_assets, cap_components, cap_holdings, cap_findings, cap_fixes;
} reader;

static int nomem(reader *r)
{
    return vg_error(r->ctx, VG_ERR_NOMEM, "out of memory reading the supplier data of the store");
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = ((const asset_id *)a)->id, y = ((const asset_id *)b)->id;
    return (x > y) - (x < y);
}

static int asset_name_cmp(const void *a, const void *b)
{
    return strcmp(((const risk_asset *)a)->name, ((const risk_asset *)b)->name);
}

static int component_id_cmp(const void *a, const void *b)
{
    int64_t x = ((const risk_component *)a)->id, y = ((const risk_component *)b)->id;
    return (x > y) - (x < y);
}

static int holding_cmp(const void *a, const void *b)
{
    const risk_holding *x = a, *y = b;
    if (x->component != y->component)
        return x->component < y->component ? -1 : 1;
    return (x->asset > y->asset) - (x->asset < y->asset);
}

static int finding_cmp(const void *a, const void *b)
{
    const risk_finding *x = a, *y = b;
    if (x->component != y->component)
        return x->component < y->component ? -1 : 1;
    return strcmp(x->vuln, y->vuln);
}

static int fix_cmp(const void *a, const void *b)
{
    const risk_fix *x = a, *y = b;
    if (x->component != y->component)
        return x->component < y->component ? -1 : 1;
    return (x->finding > y->finding) - (x->finding < y->finding);
}

/* The index of the asset whose id is column col, or SIZE_MAX. */
static size_t asset_of(const reader *r, vg_db_stmt *st, int col)
{
    asset_id probe = {.id = vg_db_column_int(st, col)};
    const asset_id *a = bsearch(&probe, r->ids, r->nids, sizeof *a, id_cmp);
    return a ? a->index : SIZE_MAX;
}

/* The index of the component whose id is column col, or SIZE_MAX. */
static size_t component_of(const reader *r, vg_db_stmt *st, int col)
{
    risk_component probe = {.id = vg_db_column_int(st, col)};
    const risk_component *c = bsearch(&probe, r->d->components, r->d->ncomponents, sizeof *c, component_id_cmp);
    return c ? (size_t)(c - r->d->components) : SIZE_MAX;
}

static int asset_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    risk_data *d = r->d;
    if (store_reserve(&d->assets, &r->cap_assets, d->nassets, sizeof *d->assets))
        return nomem(r);
    risk_asset *a = &d->assets[d->nassets];
    *a = (risk_asset){.id = vg_db_column_int(st, 0),
                      .name = store_strdup(&d->arena, vg_db_column_text(st, 1)),
                      .sbom_digest = store_strdup(&d->arena, vg_db_column_text(st, 2)),
                      .os = store_strdup(&d->arena, vg_db_column_text(st, 3))};
    if (!a->name || !a->sbom_digest || (!a->os && !vg_db_column_null(st, 3)))
        return nomem(r);
    d->nassets++;
    return VG_OK;
}

static int tag_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    size_t a = asset_of(r, st, 0);
    if (a == SIZE_MAX)
        return VG_OK;
    if (!(r->d->assets[a].criticality = store_strdup(&r->d->arena, vg_db_column_text(st, 1))))
        return nomem(r);
    return VG_OK;
}

static int attested_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    size_t a = asset_of(r, st, 0);
    if (a != SIZE_MAX)
        r->d->assets[a].attested = 1;
    return VG_OK;
}

static int component_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    risk_data *d = r->d;
    if (store_reserve(&d->components, &r->cap_components, d->ncomponents, sizeof *d->components))
        return nomem(r);
    risk_component *c = &d->components[d->ncomponents];
    *c = (risk_component){.id = vg_db_column_int(st, 0),
                          .purl = store_strdup(&d->arena, vg_db_column_text(st, 1)),
                          .name = store_strdup(&d->arena, vg_db_column_text(st, 2)),
                          .version = store_strdup(&d->arena, vg_db_column_text(st, 3)),
                          .supplier = store_strdup(&d->arena, vg_db_column_text(st, 4)),
                          .owner = -1};
    for (int i = 1; i <= 4; i++)
        if (!vg_db_column_null(st, i) && !(i == 1 ? c->purl : i == 2 ? c->name : i == 3 ? c->version : c->supplier))
            return nomem(r);
    c->key = c->purl ? c->purl
             : c->version ? vg_arena_printf(&d->arena, "%s@%s", c->name, c->version)
                          : c->name;
    if (!c->key)
        return nomem(r);
    d->ncomponents++;
    return VG_OK;
}

static int holding_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    risk_data *d = r->d;
    size_t c = component_of(r, st, 0), a = asset_of(r, st, 1);
    if (c == SIZE_MAX || a == SIZE_MAX)
        return VG_OK;
    if (store_reserve(&d->holdings, &r->cap_holdings, d->nholdings, sizeof *d->holdings))
        return nomem(r);
    d->holdings[d->nholdings++] = (risk_holding){.component = c, .asset = a};
    d->components[c].open = 1;
    if (vg_coverage_is_checked((vg_coverage_status)vg_db_column_int(st, 2)))
        d->components[c].checked = 1;
    return VG_OK;
}

static int finding_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    risk_data *d = r->d;
    size_t c = component_of(r, st, 0);
    if (c == SIZE_MAX)
        return VG_OK;
    if (store_reserve(&d->findings, &r->cap_findings, d->nfindings, sizeof *d->findings))
        return nomem(r);
    risk_finding *f = &d->findings[d->nfindings];
    *f = (risk_finding){.component = c,
                        .vuln = store_strdup(&d->arena, vg_db_column_text(st, 1)),
                        .severity = (int)vg_severity_from_text(vg_db_column_text(st, 2)),
                        .kev = vg_db_column_int(st, 3) != 0};
    if (!f->vuln)
        return nomem(r);
    d->nfindings++;
    return VG_OK;
}

static int fix_row(void *arg, vg_db_stmt *st)
{
    reader *r = arg;
    risk_data *d = r->d;
    size_t c = component_of(r, st, 0);
    if (c == SIZE_MAX)
        return VG_OK;
    if (store_reserve(&d->fixes, &r->cap_fixes, d->nfixes, sizeof *d->fixes))
        return nomem(r);
    int64_t first = vg_db_column_int(st, 2), fixed = vg_db_column_int(st, 3);
    d->fixes[d->nfixes++] = (risk_fix){.component = c, .finding = vg_db_column_int(st, 1),
                                       .seconds = fixed - first, .fixed_at = fixed};
    return VG_OK;
}

/* Keeps one finding per (component, vulnerability): KEV when any is, and
 * the highest severity. */
static void dedup_findings(risk_data *d)
{
    size_t out = 0;
    for (size_t i = 0; i < d->nfindings; i++) {
        risk_finding *f = &d->findings[i];
        if (out && d->findings[out - 1].component == f->component && strcmp(d->findings[out - 1].vuln, f->vuln) == 0) {
            risk_finding *kept = &d->findings[out - 1];
            kept->kev |= f->kev;
            if (f->severity > kept->severity)
                kept->severity = f->severity;
            continue;
        }
        d->findings[out++] = *f;
    }
    d->nfindings = out;
}

int risk_data_read(vg_ctx *ctx, vg_store *store, const char *criticality_tag, risk_data *out)
{
    memset(out, 0, sizeof *out);
    vg_arena_init(&out->arena);
    reader r = {.ctx = ctx, .d = out};
    int rc = store_select(ctx, store,
                          "SELECT a.id, a.name, s.sbom_digest, s.os FROM asset a JOIN snapshot s ON s.id = "
                          "a.latest_snapshot",
                          asset_row, &r);
    if (rc == VG_OK && !(r.ids = calloc(out->nassets ? out->nassets : 1, sizeof *r.ids)))
        rc = nomem(&r);
    if (rc == VG_OK) {
        if (out->nassets > 1)
            qsort(out->assets, out->nassets, sizeof *out->assets, asset_name_cmp);
        for (size_t i = 0; i < out->nassets; i++)
            r.ids[i] = (asset_id){.id = out->assets[i].id, .index = i};
        r.nids = out->nassets;
        if (r.nids > 1)
            qsort(r.ids, r.nids, sizeof *r.ids, id_cmp);
    }
    vg_db_stmt *st = NULL;
    if (rc == VG_OK && (rc = store_prepare(ctx, store, "SELECT asset_id, value FROM asset_tag WHERE key = ?", &st)) ==
                           VG_OK) {
        vg_db_bind_text(st, 1, criticality_tag);
        rc = store_rows(ctx, st, tag_row, &r);
    }
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT DISTINCT a.id FROM asset a JOIN snapshot_attestation x ON x.snapshot_id = "
                          "a.latest_snapshot WHERE x.verified = 1",
                          attested_row, &r);
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT c.id, c.purl, c.name, c.version, c.supplier FROM component c WHERE c.id IN"
                          " (SELECT component_id FROM component_span WHERE until IS NULL) OR c.id IN"
                          " (SELECT x.component_id FROM finding_span x JOIN finding f ON f.id = x.finding_id"
                          " WHERE f.fixed_at IS NOT NULL)",
                          component_row, &r);
    if (rc == VG_OK) {
        if (out->ncomponents > 1)
            qsort(out->components, out->ncomponents, sizeof *out->components, component_id_cmp);
        rc = store_select(ctx, store, "SELECT component_id, asset_id, coverage FROM component_span WHERE until IS NULL",
                          holding_row, &r);
    }
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT x.component_id, f.vuln, x.severity, x.kev FROM finding_span x JOIN finding f"
                          " ON f.id = x.finding_id WHERE x.until IS NULL AND x.suppressed = 0",
                          finding_row, &r);
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT DISTINCT x.component_id, f.id, f.first_seen, f.fixed_at FROM finding f"
                          " JOIN finding_span x ON x.finding_id = f.id WHERE f.fixed_at IS NOT NULL",
                          fix_row, &r);
    if (rc == VG_OK) {
        if (out->nholdings > 1)
            qsort(out->holdings, out->nholdings, sizeof *out->holdings, holding_cmp);
        for (size_t i = out->nholdings; i-- > 0;) /* the first asset by name wins */
            out->components[out->holdings[i].component].os = out->assets[out->holdings[i].asset].os;
        if (out->nfindings > 1)
            qsort(out->findings, out->nfindings, sizeof *out->findings, finding_cmp);
        dedup_findings(out);
        if (out->nfixes > 1)
            qsort(out->fixes, out->nfixes, sizeof *out->fixes, fix_cmp);
    }
    free(r.ids);
    return rc;
}

void risk_data_free(risk_data *data)
{
    free(data->assets);
    free(data->components);
    free(data->holdings);
    free(data->findings);
    free(data->fixes);
    vg_arena_free(&data->arena);
    memset(data, 0, sizeof *data);
}

int risk_sbom_ntia(vg_ctx *ctx, vg_store *store, const char *digest, vg_arena *arena, size_t *failed,
                   const char **names)
{
    *failed = 0;
    *names = "";
    vg_buf text;
    int rc = store_document_get(ctx, store, digest, &text, NULL, 0);
    if (rc)
        return rc;
    vg_sbomcheck_doc doc;
    vg_sbomcheck_report report = {0};
    /* Only the NTIA rows are read: the schema row's verdict does not matter. */
    vg_sbomcheck_schema schema = {.message = "not checked: the risk score reads the NTIA rows only", .failed = 0};
    if ((rc = vg_sbomcheck_read(ctx, digest, text.data, text.len, &doc)) == VG_OK &&
        (rc = vg_sbomcheck_run(ctx, &doc, &schema, &report)) == VG_OK) {
        for (size_t i = 0; i < report.nresults; i++) {
            const vg_sbomcheck_result *res = &report.results[i];
            if (strcmp(res->standard, "ntia") != 0 || res->level != VG_SBOMCHECK_REQUIRED ||
                res->verdict != VG_SBOMCHECK_FAIL)
                continue;
            *names = (*failed)++ ? vg_arena_printf(arena, "%s, %s", *names, res->id) : store_strdup(arena, res->id);
            if (!*names) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
        }
    }
    vg_sbomcheck_doc_free(&doc);
    vg_buf_free(&text);
    return rc;
}
