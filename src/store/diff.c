/*
 * diff.c — drift between two snapshots (vg_store_diff(), docs/store.md
 * "Diff"): components added, removed and changed version (upgrade or
 * downgrade by the ecosystem's comparator, version.h), licence and supplier
 * changes of the same version, and vulnerabilities introduced and fixed
 * (the finding_span rows of each).
 *
 * Of two snapshots of one asset, only the rows that tell them apart are
 * read with their facts (spans reaching into one but not holding both):
 * a component both hold by one span is the same component on both sides,
 * counted as unchanged, and a finding both hold by one span keeps its
 * group off both lists.  The rows are sorted here (strcmp, the same order
 * on every back end) and merged in one pass per package, the versionless
 * purl.  Within a package (docs/store.md "Pairing"):
 *   1. equal version strings pair first (then licence and supplier are
 *      compared);
 *   2. of the rest, versions the comparator reads are put in one ascending
 *      order; each new version pairs with the nearest unpaired old version
 *      below it (an upgrade), then what is left with the nearest above it
 *      (a downgrade);
 *   3. what is still left pairs in string order as "changed" (at least one
 *      side of such a pair cannot be ordered); the rest are added or
 *      removed.
 * A finding suppressed by VEX or an ignore rule counts as absent.  A finding
 * of the old snapshot whose package is still in the new one but could not
 * be checked there is "not checked", never "fixed".
 *
 * Leaves out: hash-only changes of a same-version component, layers.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "vigil/version.h"

typedef struct diff_component {
    int64_t id;
    const char *package, *purl, *type, *name, *version, *license, *supplier;
    int coverage;
    int side;     /* 0: from, 1: to */
    int paired;
} diff_component;

typedef struct diff_finding {
    const char *vuln, *package, *name, *severity, *version;
    int64_t finding_id; /* (asset, package, vulnerability) */
} diff_finding;

typedef struct diff_side {
    int64_t id;
    json_t *info;
    vg_buf item_buf, finding_buf; /* the arrays below */
    diff_component *items;
    size_t n;
    diff_finding *findings;
    size_t nfindings;
    vg_buf unchecked_buf; /* const char *: packages with a component not checked, sorted */
    const char **unchecked;
    size_t nunchecked;
} diff_side;

enum { PAIR_SAME, PAIR_UPGRADE, PAIR_DOWNGRADE, PAIR_CHANGED, PAIR_ADDED, PAIR_REMOVED };

typedef struct diff_pair {
    int kind;
    const diff_component *a, *b; /* from, to (NULL when added or removed) */
} diff_pair;

typedef struct diff_state {
    vg_ctx *ctx;
    vg_arena arena;
    diff_side side[2];
    vg_buf pairs; /* diff_pair */
    /* what both snapshots hold by the same span, not read row by row */
    int64_t shared_components;
    vg_buf shared_buf; /* int64_t finding ids, sorted */
    const int64_t *shared_findings;
    size_t nshared_findings;
} diff_state;

#define DIFF_MAX_ARRAY ((size_t)1 << 31) /* bytes of one array: far above any real snapshot */

static int component_cmp(const void *x, const void *y)
{
    const diff_component *a = x, *b = y;
    int c = strcmp(a->package, b->package);
    if (!c)
        c = store_text_cmp(a->version, b->version);
    if (!c)
        c = store_text_cmp(a->purl, b->purl);
    return c ? c : (a->id > b->id) - (a->id < b->id);
}

static int finding_cmp(const void *x, const void *y)
{
    const diff_finding *a = x, *b = y;
    int c = strcmp(a->vuln, b->vuln);
    if (!c)
        c = strcmp(a->package, b->package);
    return c ? c : store_text_cmp(a->version, b->version);
}

/* Appends the component of the current row of st (from column 2) to
 * s->item_buf. */
static int component_row(diff_state *d, diff_side *s, vg_db_stmt *st)
{
    vg_arena *a = &d->arena;
    diff_component c = {.id = vg_db_column_int(st, 2),
                        .package = store_strdup(a, vg_db_column_text(st, 3)),
                        .purl = store_strdup(a, vg_db_column_text(st, 4)),
                        .type = store_strdup(a, vg_db_column_text(st, 5)),
                        .name = store_strdup(a, vg_db_column_text(st, 6)),
                        .version = store_strdup(a, vg_db_column_text(st, 7)),
                        .license = store_strdup(a, vg_db_column_text(st, 8)),
                        .supplier = store_strdup(a, vg_db_column_text(st, 9)),
                        .coverage = (int)vg_db_column_int(st, 10),
                        .side = s == &d->side[1]};
    return !c.package || !c.type || !c.name || vg_buf_add(&s->item_buf, &c, sizeof c) ? VG_ERR_NOMEM : VG_OK;
}

/* Appends the finding of the current row of st (from column 2) to
 * s->finding_buf. */
static int finding_row(diff_state *d, diff_side *s, vg_db_stmt *st)
{
    vg_arena *a = &d->arena;
    diff_finding f = {store_strdup(a, vg_db_column_text(st, 2)), store_strdup(a, vg_db_column_text(st, 3)),
                      store_strdup(a, vg_db_column_text(st, 4)), store_strdup(a, vg_db_column_text(st, 5)),
                      store_strdup(a, vg_db_column_text(st, 6)), vg_db_column_int(st, 7)};
    return !f.vuln || !f.package || !f.name || !f.severity || vg_buf_add(&s->finding_buf, &f, sizeof f)
               ? VG_ERR_NOMEM
               : VG_OK;
}

/* Runs sql, whose rows are spans (since, until, ...) of asset ? reaching
 * into the snapshots ? (hi) to ? (lo), and, with exclude, not holding both
 * (parameters ?, ? again: lo, hi), appending each row with row() to the
 * sides it is in (sides: of that asset, ascending). */
static int read_spans(diff_state *d, vg_store *store, const char *sql, int64_t asset_id, diff_side **sides, int nsides,
                      int exclude, int (*row)(diff_state *d, diff_side *s, vg_db_stmt *st))
{
    int64_t lo = sides[0]->id, hi = sides[nsides - 1]->id;
    vg_db_stmt *st;
    int rc = store_prepare_cached(d->ctx, store, sql, &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, asset_id);
    vg_db_bind_int(st, 2, hi);
    vg_db_bind_int(st, 3, lo);
    if (exclude) {
        vg_db_bind_int(st, 4, lo);
        vg_db_bind_int(st, 5, hi);
    }
    while (rc == VG_OK && (rc = vg_db_step(d->ctx, st)) == VG_DB_ROW) {
        int64_t since = vg_db_column_int(st, 0), until = vg_db_column_null(st, 1) ? 0 : vg_db_column_int(st, 1);
        rc = VG_OK;
        for (int i = 0; i < nsides && rc == VG_OK; i++)
            if (since <= sides[i]->id && (!until || until > sides[i]->id))
                rc = row(d, sides[i], st);
    }
    vg_db_reset(st);
    if (rc == VG_ERR_NOMEM)
        return vg_error(d->ctx, rc, "out of memory");
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* The rows both snapshots lo and hi of asset_id hold by one span: the
 * number of components, the finding ids (sorted). */
static int read_shared(diff_state *d, vg_store *store, int64_t asset_id, int64_t lo, int64_t hi)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM component_span l WHERE l.asset_id = ? AND l.since <= ? AND (l.until IS NULL OR l.until > ?)",
        "SELECT l.finding_id FROM finding_span l WHERE l.asset_id = ? AND l.since <= ? AND (l.until IS NULL OR"
        " l.until > ?) AND l.suppressed = 0",
    };
    int rc = VG_OK;
    for (int q = 0; rc == VG_OK && q < 2; q++) {
        vg_db_stmt *st;
        if ((rc = store_prepare_cached(d->ctx, store, sql[q], &st)))
            return rc;
        vg_db_bind_int(st, 1, asset_id);
        vg_db_bind_int(st, 2, lo);
        vg_db_bind_int(st, 3, hi);
        while ((rc = vg_db_step(d->ctx, st)) == VG_DB_ROW) {
            int64_t v = vg_db_column_int(st, 0);
            if (q == 0)
                d->shared_components = v;
            else if (vg_buf_add(&d->shared_buf, &v, sizeof v)) {
                vg_db_reset(st);
                return vg_error(d->ctx, VG_ERR_NOMEM, "out of memory");
            }
        }
        vg_db_reset(st);
        rc = rc == VG_DB_DONE ? VG_OK : rc;
    }
    return rc;
}

static int unchecked_row(diff_state *d, diff_side *s, vg_db_stmt *st)
{
    vg_coverage_status cov = (vg_coverage_status)vg_db_column_int(st, 3);
    if (vg_coverage_is_checked(cov) || cov == VG_COVERAGE_SELF)
        return VG_OK;
    const char *package = store_strdup(&d->arena, vg_db_column_text(st, 2));
    return !package || vg_buf_add(&s->unchecked_buf, &package, sizeof package) ? VG_ERR_NOMEM : VG_OK;
}

static int id_cmp(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static int text_ptr_cmp(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

/* The snapshot's facts, and its asset in *asset_id. */
static int load_info(diff_state *d, vg_store *store, diff_side *s, int64_t *asset_id)
{
    vg_db_stmt *st;
    int rc = store_prepare_cached(
        d->ctx, store, "SELECT s.seq, s.version_label, s.created_at, s.os, s.components, s.asset_id FROM snapshot s"
                       " WHERE s.id = ?",
        &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, s->id);
    if ((rc = vg_db_step(d->ctx, st)) == VG_DB_ROW) {
        s->info = json_object();
        json_object_set_new(s->info, "snapshot", json_integer(vg_db_column_int(st, 0)));
        json_object_set_new(s->info, "version", store_json_text(vg_db_column_text(st, 1)));
        json_object_set_new(s->info, "created", store_json_time(vg_db_column_int(st, 2)));
        json_object_set_new(s->info, "os", store_json_text(vg_db_column_text(st, 3)));
        json_object_set_new(s->info, "components", json_integer(vg_db_column_int(st, 4)));
        *asset_id = vg_db_column_int(st, 5);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(d->ctx, VG_ERR_NOT_FOUND, "%s: snapshot %lld vanished", vg_db_name(store->db), (long long)s->id);
    }
    vg_db_reset(st);
    return rc;
}

#define SPANS_IN " WHERE l.asset_id = ? AND l.since <= ? AND (l.until IS NULL OR l.until > ?)"
#define NOT_SHARED " AND NOT (l.since <= ? AND (l.until IS NULL OR l.until > ?))"
#define COMPONENT_ROWS \
    "SELECT l.since, l.until, c.id, c.package, c.purl, c.type, c.name, c.version, c.licenses, c.supplier," \
    " l.coverage FROM component_span l JOIN component c ON c.id = l.component_id" SPANS_IN
#define FINDING_ROWS \
    "SELECT l.since, l.until, f.vuln, f.package, c.name, l.severity, c.version, l.finding_id FROM finding_span l" \
    " JOIN finding f ON f.id = l.finding_id JOIN component c ON c.id = l.component_id" SPANS_IN " AND l.suppressed = 0"

/* Both snapshots' facts, the components and (unsuppressed) findings that
 * tell them apart, sorted, and the packages of each with a component that
 * was not checked.  Snapshots of one asset share most of their rows, and
 * a row held by both through one span is the same component (or finding)
 * on both sides: those are only counted (components) or listed by id
 * (findings), never read with their facts.  Snapshots of two assets are
 * read whole, one by one. */
static int load_sides(diff_state *d, vg_store *store)
{
    int64_t asset[2];
    int rc = load_info(d, store, &d->side[0], &asset[0]);
    rc = rc ? rc : load_info(d, store, &d->side[1], &asset[1]);
    diff_side *both[2] = {&d->side[0], &d->side[1]};
    if (both[0]->id > both[1]->id)
        both[0] = &d->side[1], both[1] = &d->side[0];
    int together = asset[0] == asset[1];
    for (int i = 0; rc == VG_OK && i < (together ? 1 : 2); i++) {
        diff_side **sides = together ? both : &both[i];
        int ns = together ? 2 : 1;
        int64_t a = asset[sides[0] == &d->side[0] ? 0 : 1];
        rc = read_spans(d, store, together ? COMPONENT_ROWS NOT_SHARED : COMPONENT_ROWS, a, sides, ns, together,
                        component_row);
        rc = rc ? rc
                : read_spans(d, store, together ? FINDING_ROWS NOT_SHARED : FINDING_ROWS, a, sides, ns, together,
                             finding_row);
        /* the packages not checked, of every component of each side */
        char unchecked_sql[512];
        snprintf(unchecked_sql, sizeof unchecked_sql,
                 "SELECT l.since, l.until, c.package, l.coverage FROM component_span l JOIN component c"
                 " ON c.id = l.component_id" SPANS_IN " AND l.coverage NOT IN (%d, %d, %d)",
                 (int)VG_COVERAGE_CHECKED, (int)VG_COVERAGE_VIA_OS_PACKAGE, (int)VG_COVERAGE_SELF);
        for (int k = 0; rc == VG_OK && k < ns; k++)
            rc = read_spans(d, store, unchecked_sql, a, &sides[k], 1, 0, unchecked_row);
    }
    if (rc == VG_OK && together)
        rc = read_shared(d, store, asset[0], both[0]->id, both[1]->id);
    d->shared_findings = (const int64_t *)d->shared_buf.data;
    d->nshared_findings = d->shared_buf.len / sizeof(int64_t);
    if (d->nshared_findings)
        qsort(d->shared_buf.data, d->nshared_findings, sizeof(int64_t), id_cmp);
    for (int i = 0; rc == VG_OK && i < 2; i++) {
        diff_side *s = &d->side[i];
        s->items = (diff_component *)s->item_buf.data;
        s->n = s->item_buf.len / sizeof *s->items;
        s->findings = (diff_finding *)s->finding_buf.data;
        s->nfindings = s->finding_buf.len / sizeof *s->findings;
        s->unchecked = (const char **)s->unchecked_buf.data;
        s->nunchecked = s->unchecked_buf.len / sizeof *s->unchecked;
        if (s->n)
            qsort(s->items, s->n, sizeof *s->items, component_cmp);
        if (s->nfindings)
            qsort(s->findings, s->nfindings, sizeof *s->findings, finding_cmp);
        if (s->nunchecked)
            qsort(s->unchecked_buf.data, s->nunchecked, sizeof *s->unchecked, text_ptr_cmp);
    }
    return rc;
}

/* ---- pairing the components of one package -------------------------------------------- */

static int add_pair(diff_state *d, int kind, const diff_component *a, const diff_component *b)
{
    diff_pair p = {kind, a, b};
    return vg_buf_add(&d->pairs, &p, sizeof p) ? vg_error(d->ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

/* Ascending by the comparator (every version here is readable), the old
 * side first among equals, then by string. */
static int order_cmp(const void *x, const void *y, void *arg)
{
    const diff_component *a = *(diff_component *const *)x, *b = *(diff_component *const *)y;
    int c = 0;
    vg_version_compare_scheme(*(vg_version_scheme *)arg, a->version, b->version, &c);
    if (!c)
        c = a->side - b->side;
    return c ? c : component_cmp(a, b);
}

/* Pairs from[0..na) with to[0..nb), one package of both snapshots, each
 * sorted by version string (component_cmp); work holds 2 * (na + nb)
 * pointers. */
static int pair_package(diff_state *d, diff_component *from, size_t na, diff_component *to, size_t nb,
                        diff_component **work)
{
    int rc = VG_OK;
    /* 1. Equal version strings. */
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        int c = store_text_cmp(from[i].version, to[j].version);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            from[i].paired = to[j].paired = 1;
            if ((rc = add_pair(d, PAIR_SAME, &from[i++], &to[j++])))
                return rc;
        }
    }
    /* 2. Readable versions in one order: upgrades, then downgrades. */
    vg_version_scheme scheme = vg_version_scheme_for(na ? from[0].type : to[0].type);
    size_t n = 0;
    for (size_t i = 0; i < na + nb; i++) {
        diff_component *c = i < na ? &from[i] : &to[i - na];
        if (!c->paired && c->version && scheme != VG_VERSION_UNKNOWN &&
            vg_version_valid_scheme(scheme, c->version) == VG_OK)
            work[n++] = c;
    }
    if (n > 1) {
        qsort_r(work, n, sizeof *work, order_cmp, &scheme);
        diff_component **stack = work + n; /* unpaired old versions walked past */
        for (int pass = 0; pass < 2; pass++) {
            size_t top = 0;
            for (size_t k = 0; k < n; k++) {
                diff_component *c = work[pass ? n - 1 - k : k];
                if (c->paired)
                    continue;
                if (c->side == 0) {
                    stack[top++] = c;
                    continue;
                }
                if (!top)
                    continue;
                diff_component *old = stack[--top];
                int cmp = 0;
                vg_version_compare_scheme(scheme, old->version, c->version, &cmp);
                old->paired = c->paired = 1;
                if ((rc = add_pair(d, cmp == 0 ? PAIR_CHANGED : pass ? PAIR_DOWNGRADE : PAIR_UPGRADE, old, c)))
                    return rc;
            }
        }
    }
    /* 3. The rest in string order: "changed", then added or removed. */
    size_t i = 0, j = 0;
    for (;;) {
        while (i < na && from[i].paired)
            i++;
        while (j < nb && to[j].paired)
            j++;
        if (i == na || j == nb)
            break;
        from[i].paired = to[j].paired = 1;
        if ((rc = add_pair(d, PAIR_CHANGED, &from[i], &to[j])))
            return rc;
    }
    for (; i < na; i++)
        if (!from[i].paired && (rc = add_pair(d, PAIR_REMOVED, &from[i], NULL)))
            return rc;
    for (; j < nb; j++)
        if (!to[j].paired && (rc = add_pair(d, PAIR_ADDED, NULL, &to[j])))
            return rc;
    return VG_OK;
}

/* ---- the result ------------------------------------------------------------------- */

static json_t *component_json(const diff_component *c)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "package", c->package, "name", c->name, "type", c->type,
                     "purl", store_json_text(c->purl), "version", store_json_text(c->version), "license",
                     store_json_text(c->license), "supplier", store_json_text(c->supplier));
}

static json_t *changed_json(const diff_pair *p)
{
    static const char *const directions[] = {[PAIR_UPGRADE] = "upgrade", [PAIR_DOWNGRADE] = "downgrade",
                                             [PAIR_CHANGED] = "changed"};
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "package", p->b->package, "name", p->b->name, "type",
                     p->b->type, "from_version", store_json_text(p->a->version), "to_version",
                     store_json_text(p->b->version), "from_purl", store_json_text(p->a->purl), "to_purl",
                     store_json_text(p->b->purl), "direction", directions[p->kind]);
}

/* {"package", "name", "version", "purl", "from", "to"} of a same-version
 * pair whose field (licence or supplier) differs. */
static json_t *field_change_json(const diff_pair *p, const char *from, const char *to)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "package", p->b->package, "name", p->b->name, "version",
                     store_json_text(p->b->version), "purl", store_json_text(p->b->purl), "from", store_json_text(from),
                     "to", store_json_text(to));
}

static int pair_order(const void *x, const void *y)
{
    const diff_pair *a = x, *b = y;
    const diff_component *ca = a->b ? a->b : a->a, *cb = b->b ? b->b : b->a;
    int c = strcmp(ca->package, cb->package);
    if (!c && a->a && b->a)
        c = component_cmp(a->a, b->a);
    if (!c && a->b && b->b)
        c = component_cmp(a->b, b->b);
    return c ? c : (a->a != NULL) - (b->a != NULL);
}

/* The end of the run of findings with the key (vuln, package) of f[i]. */
static size_t finding_run(const diff_finding *f, size_t n, size_t i)
{
    size_t k = i + 1;
    while (k < n && strcmp(f[k].vuln, f[i].vuln) == 0 && strcmp(f[k].package, f[i].package) == 0)
        k++;
    return k;
}

static json_t *finding_group_json(const diff_finding *f, size_t from, size_t to)
{
    json_t *o = json_object(), *versions = json_array();
    json_object_set_new(o, "id", json_string(f[from].vuln));
    json_object_set_new(o, "package", json_string(f[from].package));
    json_object_set_new(o, "name", json_string(f[from].name));
    json_object_set_new(o, "severity", json_string(f[from].severity));
    for (size_t k = from; k < to; k++)
        if (f[k].version && (k == from || store_text_cmp(f[k].version, f[k - 1].version) != 0))
            json_array_append_new(versions, json_string(f[k].version));
    json_object_set_new(o, "versions", versions);
    return o;
}

/* 1 when package has a component in s that was not checked. */
static int package_unchecked(const diff_side *s, const char *package)
{
    return s->nunchecked && bsearch(&package, s->unchecked, s->nunchecked, sizeof *s->unchecked, text_ptr_cmp);
}

/* 1 when both snapshots hold a finding of the group by one span. */
static int group_shared(const diff_state *d, const diff_finding *f)
{
    return d->nshared_findings &&
           bsearch(&f->finding_id, d->shared_findings, d->nshared_findings, sizeof(int64_t), id_cmp);
}

/* Introduced, fixed and not checked: the (vulnerability, package) groups
 * of one side only (a group of one asset is one finding id: one that both
 * snapshots hold by a span is on both sides). */
static json_t *vulnerability_diff(const diff_state *d)
{
    const diff_side *a = &d->side[0], *b = &d->side[1];
    json_t *v = json_object(), *introduced = json_array(), *fixed = json_array(), *unchecked = json_array();
    json_object_set_new(v, "introduced", introduced);
    json_object_set_new(v, "fixed", fixed);
    json_object_set_new(v, "not_checked", unchecked);
    size_t i = 0, j = 0;
    while (i < a->nfindings || j < b->nfindings) {
        int c = i == a->nfindings   ? 1
                : j == b->nfindings ? -1
                                    : strcmp(a->findings[i].vuln, b->findings[j].vuln);
        if (c == 0)
            c = strcmp(a->findings[i].package, b->findings[j].package);
        size_t ie = i < a->nfindings ? finding_run(a->findings, a->nfindings, i) : i;
        size_t je = j < b->nfindings ? finding_run(b->findings, b->nfindings, j) : j;
        if (c < 0) {
            if (!group_shared(d, &a->findings[i]))
                json_array_append_new(package_unchecked(b, a->findings[i].package) ? unchecked : fixed,
                                      finding_group_json(a->findings, i, ie));
            i = ie;
        } else if (c > 0) {
            if (!group_shared(d, &b->findings[j]))
                json_array_append_new(introduced, finding_group_json(b->findings, j, je));
            j = je;
        } else {
            i = ie;
            j = je;
        }
    }
    return v;
}

static int build_result(diff_state *d, json_t **out)
{
    json_t *added = json_array(), *removed = json_array(), *changed = json_array(), *licenses = json_array(),
           *suppliers = json_array();
    size_t counts[PAIR_REMOVED + 1] = {0}, npairs = d->pairs.len / sizeof(diff_pair);
    diff_pair *pairs = (diff_pair *)d->pairs.data;
    if (npairs)
        qsort(pairs, npairs, sizeof *pairs, pair_order);
    for (size_t i = 0; i < npairs; i++) {
        const diff_pair *p = &pairs[i];
        counts[p->kind]++;
        switch (p->kind) {
        case PAIR_ADDED: json_array_append_new(added, component_json(p->b)); break;
        case PAIR_REMOVED: json_array_append_new(removed, component_json(p->a)); break;
        case PAIR_SAME:
            if (store_text_cmp(p->a->license, p->b->license) != 0)
                json_array_append_new(licenses, field_change_json(p, p->a->license, p->b->license));
            if (store_text_cmp(p->a->supplier, p->b->supplier) != 0)
                json_array_append_new(suppliers, field_change_json(p, p->a->supplier, p->b->supplier));
            break;
        default: json_array_append_new(changed, changed_json(p)); break;
        }
    }
    counts[PAIR_SAME] += (size_t)d->shared_components; /* the same component on both sides */
    json_t *vulns = vulnerability_diff(d);
    size_t nintroduced = json_array_size(json_object_get(vulns, "introduced")),
           nfixed = json_array_size(json_object_get(vulns, "fixed"));
    size_t drift = json_array_size(added) + json_array_size(removed) + json_array_size(changed) +
                   json_array_size(licenses) + json_array_size(suppliers) + nintroduced + nfixed;
    json_t *summary = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "added", (json_int_t)counts[PAIR_ADDED],
        "removed", (json_int_t)counts[PAIR_REMOVED], "changed",
        (json_int_t)(counts[PAIR_UPGRADE] + counts[PAIR_DOWNGRADE] + counts[PAIR_CHANGED]), "upgraded",
        (json_int_t)counts[PAIR_UPGRADE], "downgraded", (json_int_t)counts[PAIR_DOWNGRADE], "unordered",
        (json_int_t)counts[PAIR_CHANGED], "unchanged", (json_int_t)counts[PAIR_SAME], "license_changed",
        (json_int_t)json_array_size(licenses), "supplier_changed", (json_int_t)json_array_size(suppliers),
        "vulnerabilities_introduced", (json_int_t)nintroduced, "vulnerabilities_fixed", (json_int_t)nfixed,
        "vulnerabilities_not_checked", (json_int_t)json_array_size(json_object_get(vulns, "not_checked")));
    *out = json_pack("{s:O, s:O, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "from", d->side[0].info, "to",
                     d->side[1].info, "summary", summary, "drift", drift > 0, "added", added, "removed", removed,
                     "changed", changed, "license_changes", licenses, "supplier_changes", suppliers,
                     "vulnerabilities", vulns);
    return *out ? VG_OK : vg_error(d->ctx, VG_ERR_NOMEM, "out of memory");
}

int store_diff_snapshots(vg_ctx *ctx, vg_store *store, int64_t from_id, int64_t to_id, json_t **out)
{
    *out = NULL;
    diff_state d = {.ctx = ctx};
    vg_arena_init(&d.arena);
    vg_buf_init(&d.pairs, DIFF_MAX_ARRAY);
    vg_buf_init(&d.shared_buf, DIFF_MAX_ARRAY);
    for (int s = 0; s < 2; s++) {
        vg_buf_init(&d.side[s].item_buf, DIFF_MAX_ARRAY);
        vg_buf_init(&d.side[s].finding_buf, DIFF_MAX_ARRAY);
        vg_buf_init(&d.side[s].unchecked_buf, DIFF_MAX_ARRAY);
    }
    d.side[0].id = from_id;
    d.side[1].id = to_id;
    diff_component **work = NULL;
    int rc = load_sides(&d, store);
    if (rc == VG_OK && !(work = malloc(2 * (d.side[0].n + d.side[1].n + 1) * sizeof *work)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    /* One merge over both snapshots, package by package. */
    diff_side *a = &d.side[0], *b = &d.side[1];
    for (size_t i = 0, j = 0; rc == VG_OK && (i < a->n || j < b->n);) {
        const char *package = i == a->n                                            ? b->items[j].package
                              : j == b->n || strcmp(a->items[i].package, b->items[j].package) <= 0 ? a->items[i].package
                                                                                                   : b->items[j].package;
        size_t ie = i, je = j;
        while (ie < a->n && strcmp(a->items[ie].package, package) == 0)
            ie++;
        while (je < b->n && strcmp(b->items[je].package, package) == 0)
            je++;
        rc = pair_package(&d, a->items + i, ie - i, b->items + j, je - j, work);
        i = ie;
        j = je;
    }
    if (rc == VG_OK)
        rc = build_result(&d, out);
    free(work);
    vg_buf_free(&d.pairs);
    vg_buf_free(&d.shared_buf);
    for (int s = 0; s < 2; s++) {
        json_decref(d.side[s].info);
        vg_buf_free(&d.side[s].item_buf);
        vg_buf_free(&d.side[s].finding_buf);
        vg_buf_free(&d.side[s].unchecked_buf);
    }
    vg_arena_free(&d.arena);
    return rc;
}

/* The id of the snapshot of asset_id just before snapshot_id (by seq), or
 * 0 when there is none. */
static int previous_snapshot(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id, int64_t *out)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT p.id FROM snapshot p WHERE p.asset_id = ? AND p.seq < (SELECT s.seq FROM snapshot s"
                           " WHERE s.id = ?) ORDER BY p.seq DESC LIMIT 1",
                           &st);
    if (rc)
        return rc;
    *out = 0;
    vg_db_bind_int(st, 1, asset_id);
    vg_db_bind_int(st, 2, snapshot_id);
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
        *out = vg_db_column_int(st, 0);
    vg_db_finalize(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

/* Resolves "ASSET@which" (which NULL: latest). */
static int resolve(vg_ctx *ctx, vg_store *store, const char *asset, const char *which, int64_t *asset_id,
                   int64_t *snapshot_id)
{
    vg_buf ref;
    vg_buf_init(&ref, 4096);
    int rc = vg_buf_addf(&ref, "%s@%s", asset, which ? which : "latest");
    if (rc)
        return vg_error(ctx, rc, "%s: asset name too long", asset);
    rc = store_resolve_ref(ctx, store, ref.data, asset_id, snapshot_id);
    vg_buf_free(&ref);
    return rc;
}

int vg_store_diff(vg_ctx *ctx, vg_store *store, const char *asset, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    if (!asset || !*asset)
        return vg_error(ctx, VG_ERR_USAGE, "diff: name the asset");
    int64_t asset_id, from_id = 0, to_id;
    int rc = resolve(ctx, store, asset, to, &asset_id, &to_id);
    if (rc)
        return rc;
    if (from) {
        rc = resolve(ctx, store, asset, from, &asset_id, &from_id);
    } else if ((rc = previous_snapshot(ctx, store, asset_id, to_id, &from_id)) == VG_OK && !from_id) {
        rc = vg_error(ctx, VG_ERR_NOT_FOUND,
                      "%s: asset %s has no snapshot before %s: nothing to compare it with (see vigil inventory show %s)",
                      vg_db_name(store->db), asset, to ? to : "its latest", asset);
    }
    if (rc || (rc = store_diff_snapshots(ctx, store, from_id, to_id, out)))
        return rc;
    json_object_set_new(*out, "asset", json_string(asset));
    return VG_OK;
}
