/*
 * score.c — the explainable supply-chain risk score of each supplier of
 * the register, and of each component (docs/supplier-risk.md, "The
 * score" and "The risk document"; NIS2 Art. 21(2)(d) and 21(3),
 * Implementing Regulation (EU) 2024/2690 annex point 5, CRA Art. 13(5)),
 * and the components no attribution rule reaches.
 *
 * The store is read once (src/store/supplier_data.c: each distinct
 * component of the latest snapshots once), each distinct component is
 * attributed once (attribute.c), and every factor is computed here from
 * those arrays by the formulas of docs/supplier-risk.md: exposure,
 * vulnerabilities, remediation, hygiene, contract and lifecycle, each a
 * value in [0, 1] times its weight.  Everything is sorted by byte order
 * and no clock is read, so that the same store, register, evidence and
 * time give the same document to the byte.
 *
 * Leaves out: the median time from an advisory's publication to its fix
 * (the vulnerability database dates advisories, not the release of fixed
 * versions: reported as not computed); components without a release in N
 * years (no source vigil reads dates releases).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supplier/risk_data.h"
#include "vigil/collect.h"
#include "vigil/io.h"
#include "vigil/match.h"
#include "vigil/supplier.h"
#include "vigil/toml.h"

#define FACTORS 6
#define COMPONENT_FACTORS 4
#define EVIDENCE_MAX ((size_t)4 << 20) /* bytes of one --evidence file */
#define CONFIG_MAX_STRING 200

enum { EXPOSURE, VULNERABILITIES, REMEDIATION, HYGIENE, CONTRACT, LIFECYCLE };
enum { LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_CRITICAL, LEVELS };

static const char *const factor_names[FACTORS] = {"exposure", "vulnerabilities", "remediation",
                                                  "hygiene",  "contract",        "lifecycle"};
static const double factor_defaults[FACTORS] = {20, 25, 10, 15, 20, 10};
static const char *const component_names[COMPONENT_FACTORS] = {"exposure", "vulnerabilities", "lifecycle", "supplier"};
static const double component_defaults[COMPONENT_FACTORS] = {25, 40, 15, 20};
static const char *const level_names[LEVELS] = {"low", "medium", "high", "critical"};
static const double level_defaults[LEVELS] = {0, 25, 50, 75}; /* [0] unused: low is below medium */

typedef struct risk_config {
    double weights[FACTORS];
    double component_weights[COMPONENT_FACTORS];
    double levels[LEVELS];
    const char *criticality_tag;
    int64_t max_incident_hours, max_fix_days;
    int accept_level;
} risk_config;

/* ---- configuration ---------------------------------------------------------- */

/* The index of name in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* Reads the table key of config (weights, component_weights or levels:
 * numbers from min to max) into out[first..first+n). */
static int config_numbers(vg_ctx *ctx, const json_t *config, const char *where, const char *key,
                          const char *const *names, int n, double min, double max, double *out)
{
    const json_t *table = json_object_get(config, key);
    if (!table)
        return VG_OK;
    if (!json_is_object(table))
        return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.%s is not a table", where, key);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)table, k, v) {
        int i = name_index(names, n, k);
        if (i < 0)
            return vg_error(ctx, VG_ERR_USAGE, "%s: [supplier.%s] has no key '%s'", where, key, k);
        double x = json_number_value(v);
        if (!json_is_number(v) || !(x >= min && x <= max))
            return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.%s.%s is not a number from %g to %g", where, key, k,
                            min, max);
        out[i] = x;
    }
    return VG_OK;
}

/* Checks config (the [supplier] table as JSON, or NULL) and fills cfg;
 * where names it in messages. */
static int config_read(vg_ctx *ctx, const json_t *config, const char *where, risk_config *cfg)
{
    memcpy(cfg->weights, factor_defaults, sizeof cfg->weights);
    memcpy(cfg->component_weights, component_defaults, sizeof cfg->component_weights);
    memcpy(cfg->levels, level_defaults, sizeof cfg->levels);
    cfg->criticality_tag = "criticality";
    cfg->max_incident_hours = 24;
    cfg->max_fix_days = 90;
    cfg->accept_level = LEVEL_HIGH;
    if (!config)
        return VG_OK;
    if (!json_is_object(config))
        return vg_error(ctx, VG_ERR_USAGE, "%s: supplier is not a table", where);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)config, k, v) {
        int rc = VG_OK;
        if (strcmp(k, "weights") == 0)
            rc = config_numbers(ctx, config, where, k, factor_names, FACTORS, 0, 1000, cfg->weights);
        else if (strcmp(k, "component_weights") == 0)
            rc = config_numbers(ctx, config, where, k, component_names, COMPONENT_FACTORS, 0, 1000,
                                cfg->component_weights);
        else if (strcmp(k, "levels") == 0)
            rc = config_numbers(ctx, config, where, k, level_names + 1, LEVELS - 1, 0, 1000, cfg->levels + 1);
        else if (strcmp(k, "criticality_tag") == 0) {
            const char *s = json_string_value(v);
            if (!s || !*s || strlen(s) > CONFIG_MAX_STRING)
                return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.criticality_tag is not a tag name of 1 to %d bytes",
                                where, CONFIG_MAX_STRING);
            cfg->criticality_tag = s;
        } else if (strcmp(k, "max_incident_hours") == 0 || strcmp(k, "max_fix_days") == 0) {
            int hours = k[4] == 'i';
            json_int_t n = json_integer_value(v), max = hours ? 8760 : 3650;
            if (!json_is_integer(v) || n < 1 || n > max)
                return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.%s is not an integer from 1 to %lld", where, k,
                                (long long)max);
            *(hours ? &cfg->max_incident_hours : &cfg->max_fix_days) = (int64_t)n;
        } else if (strcmp(k, "accept_level") == 0) {
            const char *s = json_string_value(v);
            int i = s ? name_index(level_names, LEVELS, s) : -1;
            if (i < 0)
                return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.accept_level is not low, medium, high or critical",
                                where);
            cfg->accept_level = i;
        } else {
            return vg_error(ctx, VG_ERR_USAGE,
                            "%s: [supplier] has no key '%s' (weights, component_weights, levels, criticality_tag, "
                            "max_incident_hours, max_fix_days, accept_level)",
                            where, k);
        }
        if (rc)
            return rc;
    }
    if (!(cfg->levels[LEVEL_MEDIUM] < cfg->levels[LEVEL_HIGH] && cfg->levels[LEVEL_HIGH] < cfg->levels[LEVEL_CRITICAL]))
        return vg_error(ctx, VG_ERR_USAGE, "%s: supplier.levels: medium < high < critical does not hold", where);
    return VG_OK;
}

/* A TOML value as JSON: tables, integers, floats, strings and booleans;
 * NULL (with the message) for anything else. */
static json_t *toml_to_json(vg_ctx *ctx, const char *path, const char *key, const vg_toml_value *v, int *status)
{
    *status = VG_OK;
    json_t *out = NULL;
    switch (v->type) {
    case VG_TOML_TABLE:
        out = json_object();
        for (size_t i = 0; out && i < v->count; i++) {
            json_t *item = toml_to_json(ctx, path, v->keys[i], v->items[i], status);
            if (!item || json_object_set_new(out, v->keys[i], item) != 0) {
                if (item && !*status)
                    *status = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                json_decref(out);
                return NULL;
            }
        }
        break;
    case VG_TOML_INTEGER:
        out = json_integer((json_int_t)v->integer);
        break;
    case VG_TOML_FLOAT: {
        char *end;
        double x = strtod(v->string, &end);
        if (*end || !isfinite(x)) {
            *status = vg_error(ctx, VG_ERR_USAGE, "%s:%zu: %s: %s is no finite number", path, v->line, key, v->string);
            return NULL;
        }
        out = json_real(x);
        break;
    }
    case VG_TOML_STRING:
        out = strlen(v->string) == v->len ? json_string(v->string) : NULL;
        if (!out) {
            *status = vg_error(ctx, VG_ERR_USAGE, "%s:%zu: %s: not a string vigil reads", path, v->line, key);
            return NULL;
        }
        break;
    case VG_TOML_BOOLEAN:
        out = json_boolean(v->boolean);
        break;
    default:
        *status = vg_error(ctx, VG_ERR_USAGE, "%s:%zu: %s: an array or date is no value of [supplier]", path, v->line, key);
        return NULL;
    }
    if (!out)
        *status = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return out;
}

int vg_supplier_risk_config(vg_ctx *ctx, const char *path, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_toml_value *root;
    int rc = vg_toml_parse(ctx, &arena, path, text, len, &root);
    const vg_toml_value *table = rc == VG_OK ? vg_toml_get(root, "supplier") : NULL;
    if (rc == VG_OK && table && table->type != VG_TOML_TABLE)
        rc = vg_error(ctx, VG_ERR_USAGE, "%s:%zu: supplier is not a table", path, table->line);
    else if (rc == VG_OK && table)
        *out = toml_to_json(ctx, path, "supplier", table, &rc); /* NULL: rc says why */
    if (rc == VG_OK && table && !*out)
        rc = VG_ERR_NOMEM;
    risk_config cfg;
    if (rc == VG_OK && (rc = config_read(ctx, *out, path, &cfg)) != VG_OK) {
        json_decref(*out);
        *out = NULL;
    }
    vg_arena_free(&arena);
    return rc;
}

/* ---- helpers ----------------------------------------------------------------- */

/* x rounded half away from zero to 1 / scale (scale 10: tenths). */
static double round_to(double x, double scale)
{
    return round(x * scale) / scale;
}

/* A number as JSON: an integer when it is one. */
static json_t *json_num(double x)
{
    return x == floor(x) && fabs(x) < 1e15 ? json_integer((json_int_t)x) : json_real(x);
}

/* The level of score. */
static int level_of(const risk_config *cfg, double score)
{
    int level = LEVEL_LOW;
    for (int i = LEVEL_MEDIUM; i < LEVELS; i++)
        if (score >= cfg->levels[i])
            level = i;
    return level;
}

/* "YYYY-MM-DD" member key of o as a time, or -1 when absent or no date. */
static int64_t date_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    int64_t t;
    return s && vg_supplier_parse_date(s, &t) == 0 ? t : -1;
}

static int is_true(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

/* "%g" of a number, in a small buffer of the caller's. */
static const char *num_text(char buf[32], double x)
{
    snprintf(buf, 32, "%.10g", x);
    return buf;
}

/* ---- the run ---------------------------------------------------------------- */

/* One supplier's (or component's) component rows and what they give. */
typedef struct group {
    size_t *rows; /* indexes into data.components, open ones only, sorted by key */
    size_t nrows;
} group;

typedef struct pair {
    const char *key, *vuln;
    int severity, kev;
} pair;

/* What `vigil sbom check` says of an asset's latest SBOM. */
typedef struct ntia_verdict {
    int done, rc;      /* rc: risk_sbom_ntia()'s */
    size_t failed;     /* NTIA minimum elements failing */
    const char *which; /* their ids */
} ntia_verdict;

typedef struct run {
    vg_ctx *ctx;
    vg_store *store;
    const vg_supplier_risk_options *opt;
    risk_config cfg;
    risk_data data;
    vg_arena arena;
    json_t *records;           /* the register, sorted by name */
    vg_supplier_rules *rules;  /* its attribution rules */
    size_t *rows, *bounds;     /* the component rows by owner, then key (rows_by_owner()) */
    vg_eol_table *eol;
    size_t *hstart, *fstart, *xstart; /* per component: first holding, finding, fix (ncomponents + 1) */
    unsigned *mark;                  /* per asset: the stamp of the group that last counted it */
    ntia_verdict *ntia;              /* per asset */
    unsigned stamp;
    json_t *unchecked; /* the document's "unchecked" */
    json_t *evidence;  /* the securitytxt documents read: [{"file", "doc"}] */
    int status;        /* the error of a step that returned NULL */
} run;

static int nomem(run *r)
{
    return r->status = vg_error(r->ctx, VG_ERR_NOMEM, "out of memory scoring suppliers");
}

static int add_unchecked(run *r, const char *what, const char *reason)
{
    json_t *item = json_pack("{s:s, s:s}", "what", what, "reason", reason);
    if (!item || json_array_append_new(r->unchecked, item) != 0)
        return nomem(r);
    return VG_OK;
}

/* first[i]: the first of n entries (sorted by component) whose component
 * is >= i, for i in 0..ncomponents. */
static size_t *starts(run *r, const void *array, size_t n, size_t size)
{
    size_t nc = r->data.ncomponents, *first = malloc((nc + 1) * sizeof *first);
    if (!first)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i <= nc; i++) {
        while (j < n && *(const size_t *)((const char *)array + j * size) < i)
            j++;
        first[i] = j;
    }
    return first;
}

/* The points of an open finding (docs/supplier-risk.md, vulnerabilities). */
static double finding_points(int kev, int severity)
{
    if (kev)
        return 10;
    switch (severity) {
    case VG_SEVERITY_CRITICAL:
        return 5;
    case VG_SEVERITY_HIGH:
        return 3;
    case VG_SEVERITY_MEDIUM:
        return 1;
    case VG_SEVERITY_LOW:
        return 0.25;
    default:
        return 1;
    }
}

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->vuln, y->vuln);
}

/* A factor object. */
static json_t *factor(const char *name, double value, double weight, int measured, const char *explanation,
                      json_t *evidence)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:b, s:s, s:o}", "name", name, "value", json_num(round_to(value, 1e4)),
                     "weight", json_num(weight), "points", json_num(round_to(measured ? value * weight : 0, 10)),
                     "measured", measured, "explanation", explanation, "evidence",
                     evidence ? evidence : json_object());
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The assets holding the rows of g into list (room for every asset),
 * each once, sorted by name; their number. */
static size_t group_assets(run *r, const group *g, size_t *list)
{
    size_t n = 0;
    r->stamp++;
    for (size_t i = 0; i < g->nrows; i++)
        for (size_t h = r->hstart[g->rows[i]]; h < r->hstart[g->rows[i] + 1]; h++) {
            size_t a = r->data.holdings[h].asset;
            if (r->mark[a] != r->stamp) {
                r->mark[a] = r->stamp;
                list[n++] = a;
            }
        }
    if (n > 1)
        qsort(list, n, sizeof *list, size_cmp); /* assets are sorted by name: their indexes give the order */
    return n;
}

static int asset_points(const char *criticality)
{
    static const char *const names[] = {"low", "medium", "high", "critical"};
    for (int i = 0; criticality && i < 4; i++)
        if (strcmp(criticality, names[i]) == 0)
            return i + 1;
    return 0; /* counted as medium (2), listed */
}

/* Exposure of the rows of g: *v and the factor's parts.  v_supplier < 0:
 * a component (no supplier criticality). */
static json_t *exposure(run *r, const group *g, double v_supplier, const char *supplier_criticality, double weight,
                        double *v, json_t **assets_out)
{
    risk_data *d = &r->data;
    size_t count[5] = {0}; /* by asset_points(), 0: counted as medium */
    json_t *assets = json_array(), *as_medium = json_array();
    size_t *list = malloc((d->nassets ? d->nassets : 1) * sizeof *list);
    if (!assets || !as_medium || !list) {
        json_decref(assets);
        json_decref(as_medium);
        free(list);
        nomem(r);
        return NULL;
    }
    size_t nassets = group_assets(r, g, list);
    double points = 0;
    for (size_t i = 0; i < nassets; i++) {
        const risk_asset *a = &d->assets[list[i]];
        int p = asset_points(a->criticality);
        count[p]++;
        points += p ? p : 2;
        json_array_append_new(assets, json_pack("{s:s, s:o}", "name", a->name, "criticality",
                                                a->criticality ? json_string(a->criticality) : json_null()));
        if (!p)
            json_array_append_new(as_medium, json_string(a->name));
    }
    free(list);
    double v_assets = fmin(1, points / 20);
    *v = fmax(v_assets, v_supplier);
    char text[600], a1[32], a2[32];
    int n = snprintf(text, sizeof text, "%zu asset%s", nassets, nassets == 1 ? "" : "s");
    static const char *const names[] = {"", "low", "medium", "high", "critical"};
    const char *sep = ": ";
    for (int p = 4; p >= 1; p--)
        if (count[p]) {
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%zu %s", sep, count[p], names[p]);
            sep = ", ";
        }
    if (count[0])
        n += snprintf(text + n, sizeof text - (size_t)n, "%s%zu without a criticality tag of low, medium, high or "
                      "critical counted as medium", sep, count[0]);
    n += snprintf(text + n, sizeof text - (size_t)n, ": %s of 20 points (%s)", num_text(a1, points),
                  num_text(a2, round_to(v_assets, 1e4)));
    if (v_supplier >= 0)
        snprintf(text + n, sizeof text - (size_t)n, "; supplier criticality %s (%s)", supplier_criticality,
                 num_text(a1, v_supplier));
    json_t *evidence = json_pack("{s:I, s:o, s:o, s:o}", "assets", (json_int_t)nassets, "asset_points",
                                 json_num(points), "asset_value", json_num(round_to(v_assets, 1e4)),
                                 "counted_as_medium", as_medium);
    if (evidence && v_supplier >= 0)
        json_object_set_new(evidence, "supplier_value", json_num(v_supplier));
    *assets_out = assets;
    return factor("exposure", *v, weight, 1, text, evidence);
}

/* The open findings of the rows of g, one per (component key,
 * vulnerability), sorted, into *out (malloc'd) and *n. */
static int group_pairs(run *r, const group *g, pair **out, size_t *n)
{
    risk_data *d = &r->data;
    size_t total = 0;
    for (size_t i = 0; i < g->nrows; i++)
        total += r->fstart[g->rows[i] + 1] - r->fstart[g->rows[i]];
    pair *p = malloc((total ? total : 1) * sizeof *p);
    if (!p)
        return nomem(r);
    size_t k = 0;
    for (size_t i = 0; i < g->nrows; i++)
        for (size_t f = r->fstart[g->rows[i]]; f < r->fstart[g->rows[i] + 1]; f++)
            p[k++] = (pair){.key = d->components[g->rows[i]].key, .vuln = d->findings[f].vuln,
                            .severity = d->findings[f].severity, .kev = d->findings[f].kev};
    if (k > 1)
        qsort(p, k, sizeof *p, pair_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && pair_cmp(&p[m - 1], &p[i]) == 0) {
            p[m - 1].kev |= p[i].kev;
            if (p[i].severity > p[m - 1].severity)
                p[m - 1].severity = p[i].severity;
            continue;
        }
        p[m++] = p[i];
    }
    *out = p;
    *n = m;
    return VG_OK;
}

/* Vulnerabilities of the rows of g. */
static json_t *vulnerabilities(run *r, const group *g, double weight, double *v, int *measured)
{
    size_t checked = 0, keys = 0;
    for (size_t i = 0; i < g->nrows; i++) {
        const risk_component *c = &r->data.components[g->rows[i]];
        if (c->checked)
            checked++;
        if (i == 0 || strcmp(r->data.components[g->rows[i - 1]].key, c->key) != 0)
            keys++;
    }
    pair *p = NULL;
    size_t n = 0;
    if (group_pairs(r, g, &p, &n))
        return NULL;
    size_t kev = 0, by[6] = {0}; /* by vg_severity, KEV-listed ones left out */
    double points = 0;
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        points += finding_points(p[i].kev, p[i].severity);
        if (p[i].kev)
            kev++;
        else
            by[p[i].severity]++;
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "id", p[i].vuln, "component", p[i].key,
                                              "severity", vg_severity_name((vg_severity)p[i].severity), "kev",
                                              p[i].kev));
    }
    free(p);
    if (!list) {
        nomem(r);
        return NULL;
    }
    *measured = checked > 0;
    *v = *measured ? fmin(1, points / 50) : 0;
    size_t other = by[VG_SEVERITY_UNKNOWN] + by[VG_SEVERITY_NONE];
    char text[600], a[32], b[32];
    if (g->nrows == 0)
        snprintf(text, sizeof text, "no components attributed");
    else if (!checked)
        snprintf(text, sizeof text, "none of its %zu components was checked against the vulnerability database",
                 keys);
    else {
        const struct {
            size_t n;
            const char *what;
        } parts[] = {{kev, "KEV-listed (10 points each)"}, {by[VG_SEVERITY_CRITICAL], "critical (5)"},
                     {by[VG_SEVERITY_HIGH], "high (3)"},    {by[VG_SEVERITY_MEDIUM], "medium (1)"},
                     {by[VG_SEVERITY_LOW], "low (0.25)"},   {other, "of other or unknown severity (1)"}};
        int len = snprintf(text, sizeof text, "%zu open finding%s", n, n == 1 ? "" : "s");
        const char *sep = ": ";
        for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
            if (parts[i].n) {
                len += snprintf(text + len, sizeof text - (size_t)len, "%s%zu %s", sep, parts[i].n, parts[i].what);
                sep = ", ";
            }
        snprintf(text + len, sizeof text - (size_t)len, ": %s of 50 points (%s)", num_text(a, points),
                 num_text(b, round_to(fmin(1, points / 50), 1e4)));
    }
    json_t *evidence = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:o}", "findings_open", (json_int_t)n,
                                 "kev", (json_int_t)kev, "critical", (json_int_t)by[VG_SEVERITY_CRITICAL], "high",
                                 (json_int_t)by[VG_SEVERITY_HIGH], "medium", (json_int_t)by[VG_SEVERITY_MEDIUM], "low",
                                 (json_int_t)by[VG_SEVERITY_LOW], "other", (json_int_t)other, "points",
                                 json_num(points), "checked_components", (json_int_t)checked, "findings", list);
    return factor("vulnerabilities", *v, weight, *measured, text, evidence);
}

static int int64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int fix_by_finding(const void *a, const void *b)
{
    const risk_fix *x = a, *y = b;
    return (x->finding > y->finding) - (x->finding < y->finding);
}

/* Remediation over the fixed findings (fixed_at <= at) on rows (every
 * component row the supplier is attributed, open or not). */
static json_t *remediation(run *r, const size_t *rows, size_t nrows, double weight, double *v, int *measured)
{
    risk_data *d = &r->data;
    size_t total = 0;
    for (size_t i = 0; i < nrows; i++)
        total += r->xstart[rows[i] + 1] - r->xstart[rows[i]];
    risk_fix *f = malloc((total ? total : 1) * sizeof *f);
    int64_t *secs = malloc((total ? total : 1) * sizeof *secs);
    if (!f || !secs) {
        free(f);
        free(secs);
        nomem(r);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++)
        for (size_t x = r->xstart[rows[i]]; x < r->xstart[rows[i] + 1]; x++)
            if (d->fixes[x].fixed_at <= r->opt->at)
                f[k++] = d->fixes[x];
    if (k > 1)
        qsort(f, k, sizeof *f, fix_by_finding);
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || f[i].finding != f[i - 1].finding)
            secs[n++] = f[i].seconds;
    free(f);
    if (n > 1)
        qsort(secs, n, sizeof *secs, int64_cmp);
    *measured = n > 0;
    int64_t median = n ? secs[(n + 1) / 2 - 1] : 0; /* nearest rank: the lower middle of an even count */
    free(secs);
    double days = (double)median / 86400;
    *v = *measured ? fmin(1, days / 90) : 0;
    char text[300], a[32], b[32];
    if (*measured)
        snprintf(text, sizeof text, "%zu fixed finding%s, median %s days from first seen to fixed, of 90 (%s)", n,
                 n == 1 ? "" : "s", num_text(a, round_to(days, 100)), num_text(b, round_to(*v, 1e4)));
    else
        snprintf(text, sizeof text, "no fixed finding on its components");
    json_t *evidence = json_pack(
        "{s:I, s:o, s:o, s:{s:b, s:s}}", "fixed", (json_int_t)n, "median_seconds",
        *measured ? json_integer((json_int_t)median) : json_null(), "median_days",
        *measured ? json_num(round_to(days, 100)) : json_null(), "advisory_to_fix", "computed", 0, "reason",
        "not computed: the vulnerability database dates advisories but not the release of their fixed versions");
    return factor("remediation", *v, weight, *measured, text, evidence);
}

/* Appends {"check", "points", "detail"} to checks; adds points to *sum. */
static void check_item(json_t *checks, const char *check, int points, const char *detail, double *sum)
{
    json_array_append_new(checks, json_pack("{s:s, s:i, s:s}", "check", check, "points", points, "detail", detail));
    *sum += points;
}

/* The asset of the inventory named name, or NULL. */
static const risk_asset *asset_named(const risk_data *d, const char *name)
{
    size_t lo = 0, hi = d->nassets;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->assets[mid].name, name);
        if (c == 0)
            return &d->assets[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The --evidence document of url that verifies it, or NULL; *why says
 * why none does. */
static const char *security_txt(run *r, const char *url, const char **why)
{
    *why = "no --evidence securitytxt document of that URL";
    size_t i;
    json_t *e;
    json_array_foreach(r->evidence, i, e) {
        const json_t *doc = json_object_get(e, "doc");
        const char *target = json_string_value(json_object_get(doc, "target"));
        if (!target || strcmp(target, url) != 0)
            continue;
        if (json_array_size(json_object_get(doc, "unchecked"))) {
            *why = "its securitytxt document lists something not checked";
            continue;
        }
        return json_string_value(json_object_get(e, "file"));
    }
    return NULL;
}

/* The NTIA verdict of the latest SBOM of asset a, read once per run (an
 * SBOM that cannot be read is listed as unchecked, once); NULL when out
 * of memory. */
static const ntia_verdict *ntia_of(run *r, const risk_asset *a)
{
    ntia_verdict *n = &r->ntia[a - r->data.assets];
    if (n->done)
        return n;
    vg_ctx sub;
    vg_ctx_init(&sub);
    n->rc = risk_sbom_ntia(&sub, r->store, a->sbom_digest, &r->arena, &n->failed, &n->which);
    n->done = 1;
    int ok = n->rc != VG_ERR_NOMEM;
    if (ok && n->rc) {
        const char *what = vg_arena_printf(&r->arena, "the latest SBOM of asset %s (%s)", a->name, a->sbom_digest);
        ok = what && add_unchecked(r, what, sub.message) == VG_OK;
    }
    vg_ctx_free(&sub);
    if (!ok) {
        nomem(r);
        return NULL;
    }
    return n;
}

static json_t *hygiene(run *r, const json_t *rec, int software, double weight, double *v)
{
    json_t *checks = json_array();
    double points = 0, max = software ? 5 : 2;
    if (!checks) {
        nomem(r);
        return NULL;
    }
    if (software) {
        const json_t *names = json_object_get(rec, "sbom_assets");
        size_t i, present = 0, attested = 0, failing = 0;
        const json_t *nm;
        const char *fails = NULL, *listed = "";
        json_array_foreach(names, i, nm) {
            const risk_asset *a = asset_named(&r->data, json_string_value(nm));
            if (!a)
                continue;
            listed = present++ ? vg_arena_printf(&r->arena, "%s, %s", listed, a->name) : a->name;
            attested += a->attested;
            const ntia_verdict *n = ntia_of(r, a);
            if (!n) {
                json_decref(checks);
                return NULL;
            }
            if (n->rc == VG_OK && n->failed) {
                failing++;
                const char *f = vg_arena_printf(&r->arena, "%s (%s)", a->name, n->which);
                fails = fails ? vg_arena_printf(&r->arena, "%s; %s", fails, f) : f;
            }
        }
        if (!listed) {
            json_decref(checks);
            nomem(r);
            return NULL;
        }
        check_item(checks, "sbom", present ? 0 : 1,
                   present ? vg_arena_printf(&r->arena, "SBOMs in the inventory: %s", listed)
                   : json_array_size(names) ? "no SBOM from this supplier: none of its sbom_assets is in the inventory"
                                            : "no SBOM from this supplier: no sbom_assets recorded",
                   &points);
        check_item(checks, "sbom_quality", failing ? 1 : 0,
                   failing ? vg_arena_printf(&r->arena, "NTIA minimum elements fail: %s", fails)
                   : present ? "every latest SBOM of its sbom_assets has the NTIA minimum elements"
                             : "no SBOM to check",
                   &points);
        check_item(checks, "attestation", attested ? 0 : 1,
                   attested ? vg_arena_printf(&r->arena, "%zu of its sbom_assets' latest snapshots keep a verified "
                                                         "attestation", attested)
                            : "no latest snapshot of its sbom_assets keeps a verified attestation",
                   &points);
    }
    const json_t *contacts = json_object_get(rec, "contacts");
    const char *url = json_string_value(json_object_get(contacts, "security_txt")), *why = NULL;
    const char *file = url ? security_txt(r, url, &why) : NULL;
    check_item(checks, "security_txt", file ? 0 : 1,
               file  ? vg_arena_printf(&r->arena, "%s verified by the securitytxt document %s", url, file)
               : url ? vg_arena_printf(&r->arena, "%s not verified: %s", url, why)
                     : "no security.txt URL recorded",
               &points);
    int contact = json_object_get(contacts, "security") || json_object_get(contacts, "psirt");
    check_item(checks, "security_contact", contact ? 0 : 1,
               contact ? "a security contact or PSIRT is recorded" : "no security contact and no PSIRT recorded",
               &points);
    *v = points / max;
    char text[200], a[32];
    snprintf(text, sizeof text, "%s of %s hygiene points", num_text(a, points), max == 5 ? "5" : "2");
    json_t *evidence = json_pack("{s:o, s:o, s:o}", "points", json_num(points), "max", json_num(max), "checks", checks);
    return factor("hygiene", *v, weight, 1, text, evidence);
}

/* The contract factor, and the supplier's "contract" summary in *summary. */
static json_t *contract(run *r, const json_t *rec, int software, double weight, double *v, json_t **summary)
{
    const json_t *c = json_object_get(rec, "contract");
    int64_t at = r->opt->at;
    json_t *missing = json_array(), *items = json_array(), *certs = json_array();
    double points = 0, max = (software ? 6 : 5) + 1 + 4;
    if (!missing || !items || !certs) {
        json_decref(missing);
        json_decref(items);
        json_decref(certs);
        nomem(r);
        return NULL;
    }
    const json_t *hours = json_object_get(c, "incident_notification_hours"), *days = json_object_get(c, "fix_days");
    struct {
        const char *name;
        int missing;
    } clauses[] = {
        {"incident_notification", !hours || json_integer_value(hours) > r->cfg.max_incident_hours},
        {"vulnerability_disclosure", !is_true(c, "vulnerability_disclosure")},
        {"fix_days", !days || json_integer_value(days) > r->cfg.max_fix_days},
        {"sbom_delivery", software && !is_true(c, "sbom_delivery")},
        {"right_to_audit", !is_true(c, "right_to_audit")},
        {"subcontractor_notification", !is_true(c, "subcontractor_notification")},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof *clauses; i++)
        if (clauses[i].missing) {
            json_array_append_new(missing, json_string(clauses[i].name));
            const char *detail = i == 0   ? (hours ? vg_arena_printf(&r->arena, "incident notification within %lld "
                                                                                "hours, more than %lld",
                                                                     (long long)json_integer_value(hours),
                                                                     (long long)r->cfg.max_incident_hours)
                                                   : "no incident notification clause")
                                 : i == 2 ? (days ? vg_arena_printf(&r->arena, "fix within %lld days, more than %lld",
                                                                    (long long)json_integer_value(days),
                                                                    (long long)r->cfg.max_fix_days)
                                                  : "no vulnerability fix time")
                                          : vg_arena_printf(&r->arena, "%s is not agreed", clauses[i].name);
            check_item(items, clauses[i].name, 1, detail ? detail : "", &points);
        }
    size_t i, current = 0;
    const json_t *cert;
    json_array_foreach(json_object_get(rec, "certifications"), i, cert) {
        int64_t expires = date_of(cert, "expires");
        int ok = expires >= at;
        current += ok;
        json_array_append_new(certs, json_pack("{s:O, s:O, s:b}", "name", json_object_get(cert, "name"), "expires",
                                               json_object_get(cert, "expires"), "current", ok));
    }
    if (!current)
        check_item(items, "certification", 1,
                   json_array_size(certs) ? "every certification has expired" : "no certification recorded", &points);
    const json_t *as = json_object_get(rec, "assessment");
    json_t *assessment = json_null();
    if (!as) {
        check_item(items, "assessment", 2, "no assessment recorded", &points);
    } else {
        int overdue = date_of(as, "next_due") < at;
        const char *result = json_string_value(json_object_get(as, "result"));
        assessment = json_pack("{s:O, s:O, s:O, s:b}", "date", json_object_get(as, "date"), "result",
                               json_object_get(as, "result"), "next_due", json_object_get(as, "next_due"), "overdue",
                               overdue);
        if (overdue)
            check_item(items, "assessment", 2,
                       vg_arena_printf(&r->arena, "assessment overdue since %s",
                                       json_string_value(json_object_get(as, "next_due"))),
                       &points);
        if (result && strcmp(result, "fail") == 0)
            check_item(items, "assessment_result", 2, "the last assessment failed", &points);
        else if (result && strcmp(result, "conditional") == 0)
            check_item(items, "assessment_result", 1, "the last assessment passed on conditions", &points);
    }
    *v = points / max;
    *summary = json_pack("{s:O, s:o, s:o}", "missing_clauses", missing, "certifications", certs, "assessment",
                         assessment);
    char text[200], a[32], b[32];
    snprintf(text, sizeof text, "%s of %s contract and assurance points", num_text(a, points), num_text(b, max));
    json_t *evidence =
        json_pack("{s:o, s:o, s:o, s:o}", "points", json_num(points), "max", json_num(max), "missing_clauses",
                  missing, "items", items);
    return factor("contract", *v, weight, 1, text, evidence);
}

/* The end-of-life verdicts of the distinct keys of g past their end at
 * at, as a new array; *n their count. */
static json_t *end_of_life(run *r, const group *g, size_t *n)
{
    json_t *list = json_array();
    *n = 0;
    for (size_t i = 0; list && i < g->nrows; i++) {
        const risk_component *c = &r->data.components[g->rows[i]];
        if (i && strcmp(r->data.components[g->rows[i - 1]].key, c->key) == 0)
            continue;
        vg_eol_verdict e;
        if (!r->eol || !vg_eol_lookup(r->eol, c->purl, c->name, c->version, c->os, r->opt->at, &e) || !e.past)
            continue;
        (*n)++;
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "component", c->key, "product",
                                              e.product, "cycle", e.cycle, "eol", e.eol, "source", e.source));
    }
    if (!list)
        nomem(r);
    return list;
}

static json_t *lifecycle(run *r, const json_t *rec, const group *g, double weight, double *v)
{
    const char *eos = json_string_value(json_object_get(json_object_get(rec, "contract"), "end_of_support"));
    int64_t t;
    int past = eos && vg_supplier_parse_date(eos, &t) == 0 && t < r->opt->at;
    size_t n;
    json_t *list = end_of_life(r, g, &n);
    if (!list)
        return NULL;
    *v = past ? 1 : fmin(1, 0.25 * (double)n);
    char text[300];
    if (past)
        snprintf(text, sizeof text, "support ended on %s (contract end_of_support)", eos);
    else
        snprintf(text, sizeof text, "%zu component%s past end of life (0.25 each)%s", n, n == 1 ? "" : "s",
                 eos ? "; support agreed until the contract's end_of_support" : "");
    json_t *evidence = json_pack("{s:o, s:b, s:o}", "end_of_support", eos ? json_string(eos) : json_null(),
                                 "past_end_of_support", past, "end_of_life", list);
    return factor("lifecycle", *v, weight, 1, text, evidence);
}

/* ---- suppliers ---------------------------------------------------------------- */

/* Whether a current acceptance of rec (until >= at) covers purl. */
static int accepted(run *r, const vg_supplier_rules *acc, const char *purl)
{
    (void)r;
    return acc && purl && vg_supplier_attribute(acc, purl, NULL, NULL, NULL) >= 0;
}

/* The current acceptances of rec compiled as purl rules (NULL: none). */
static int compile_acceptances(run *r, const json_t *rec, vg_supplier_rules **out)
{
    *out = NULL;
    json_t *rules = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(rec, "accepted"), i, a) {
        if (date_of(a, "until") < r->opt->at)
            continue;
        json_array_append_new(rules, json_pack("{s:O}", "purl", json_object_get(a, "component")));
    }
    int rc = VG_OK;
    if (!rules)
        rc = nomem(r);
    else if (json_array_size(rules)) {
        json_t *records = json_pack("[{s:O, s:O}]", "name", json_object_get(rec, "name"), "rules", rules);
        rc = records ? vg_supplier_rules_compile(r->ctx, records, out) : nomem(r);
        json_decref(records);
        r->status = rc;
    }
    json_decref(rules);
    return rc;
}

/* The unaccepted components of rows (distinct keys, sorted). */
static json_t *unaccepted(run *r, const json_t *rec, const group *g)
{
    vg_supplier_rules *acc;
    if (compile_acceptances(r, rec, &acc))
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; list && i < g->nrows; i++) {
        const risk_component *c = &r->data.components[g->rows[i]];
        if (i && strcmp(r->data.components[g->rows[i - 1]].key, c->key) == 0)
            continue;
        if (!accepted(r, acc, c->purl))
            json_array_append_new(list, json_string(c->key));
    }
    vg_supplier_rules_free(acc);
    if (!list)
        nomem(r);
    return list;
}

static const double supplier_values[] = {0.25, 0.5, 0.75, 1}; /* low .. critical */

/* Scores record rec (index s): its supplier object. */
static json_t *score_supplier(run *r, const json_t *rec, const group *open, const size_t *all, size_t nall,
                              double *score_out)
{
    const char *name = json_string_value(json_object_get(rec, "name"));
    const char *supplies = json_string_value(json_object_get(rec, "supplies"));
    const char *crit = json_string_value(json_object_get(rec, "criticality"));
    int software = supplies && strcmp(supplies, "services") != 0;
    int ci = crit ? name_index(level_names, LEVELS, crit) : -1;
    double v[FACTORS] = {0}, *w = r->cfg.weights;
    int measured[FACTORS] = {1, 0, 0, 1, 1, 1};
    json_t *f[FACTORS], *assets = NULL, *summary = NULL;
    f[EXPOSURE] = exposure(r, open, ci >= 0 ? supplier_values[ci] : 0.5, crit ? crit : "unknown", w[EXPOSURE],
                           &v[EXPOSURE], &assets);
    f[VULNERABILITIES] = vulnerabilities(r, open, w[VULNERABILITIES], &v[VULNERABILITIES], &measured[VULNERABILITIES]);
    f[REMEDIATION] = remediation(r, all, nall, w[REMEDIATION], &v[REMEDIATION], &measured[REMEDIATION]);
    f[HYGIENE] = hygiene(r, rec, software, w[HYGIENE], &v[HYGIENE]);
    f[CONTRACT] = contract(r, rec, software, w[CONTRACT], &v[CONTRACT], &summary);
    f[LIFECYCLE] = lifecycle(r, rec, open, w[LIFECYCLE], &v[LIFECYCLE]);
    json_t *factors = json_array();
    double sum = 0, measured_weight = 0;
    int ok = factors && assets && summary;
    for (int i = 0; i < FACTORS; i++) {
        ok = ok && f[i];
        if (f[i] && factors)
            json_array_append_new(factors, f[i]);
        else
            json_decref(f[i]);
        if (measured[i]) {
            sum += v[i] * w[i];
            measured_weight += w[i];
        }
    }
    size_t keys = 0;
    for (size_t i = 0; i < open->nrows; i++)
        if (i == 0 || strcmp(r->data.components[open->rows[i - 1]].key, r->data.components[open->rows[i]].key) != 0)
            keys++;
    double score = round_to(sum, 10);
    int level = level_of(&r->cfg, score);
    json_t *out = ok ? json_pack("{s:s, s:s?, s:s?, s:b, s:o, s:s, s:o, s:I, s:I, s:o, s:o, s:o}", "name", name,
                                 "supplies", supplies, "criticality", crit, "own", is_true(rec, "own"), "score",
                                 json_num(score), "level", level_names[level], "measured_weight",
                                 json_num(measured_weight), "components", (json_int_t)keys, "rules",
                                 (json_int_t)json_array_size(json_object_get(rec, "rules")), "assets", assets,
                                 "factors", factors, "contract", summary)
                     : NULL;
    if (!out) {
        if (!ok) {
            json_decref(assets);
            json_decref(factors);
            json_decref(summary);
        }
        if (!r->status)
            nomem(r);
        return NULL;
    }
    if (level >= r->cfg.accept_level) {
        json_t *list = unaccepted(r, rec, open);
        if (!list || json_object_set_new(out, "unaccepted", list) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    *score_out = score;
    return out;
}

/* ---- components ---------------------------------------------------------------- */

static json_t *score_component(run *r, const group *g, const json_t *supplier, double *score_out)
{
    const risk_component *c = &r->data.components[g->rows[0]];
    double *w = r->cfg.component_weights, v[COMPONENT_FACTORS] = {0};
    int measured[COMPONENT_FACTORS] = {1, 0, 1, 1};
    json_t *f[COMPONENT_FACTORS], *assets = NULL;
    f[0] = exposure(r, g, -1, NULL, w[0], &v[0], &assets);
    f[1] = vulnerabilities(r, g, w[1], &v[1], &measured[1]);
    size_t n;
    json_t *eol = end_of_life(r, g, &n);
    v[2] = n ? 1 : 0;
    f[2] = eol ? factor("lifecycle", v[2], w[2], 1, n ? "past its end of life" : "not past an end of life the table "
                                                                                   "knows",
                        json_pack("{s:o}", "end_of_life", eol))
               : NULL;
    char text[300];
    double sscore = supplier ? json_number_value(json_object_get(supplier, "score")) : 0;
    const char *sname = supplier ? json_string_value(json_object_get(supplier, "name")) : NULL;
    v[3] = supplier ? sscore / 100 : 1;
    if (supplier)
        snprintf(text, sizeof text, "supplier %s scores %.1f of 100", sname, sscore);
    else
        snprintf(text, sizeof text, "no supplier attributed");
    f[3] = factor("supplier", v[3], w[3], 1, text, json_pack("{s:s?}", "supplier", sname));
    json_t *factors = json_array();
    int ok = factors != NULL && assets != NULL;
    double sum = 0;
    for (int i = 0; i < COMPONENT_FACTORS; i++) {
        ok = ok && f[i];
        if (f[i] && factors)
            json_array_append_new(factors, f[i]);
        else
            json_decref(f[i]);
        if (measured[i])
            sum += v[i] * w[i];
    }
    double score = round_to(sum, 10);
    json_t *out = ok ? json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s, s:o, s:o}", "component", c->key, "purl",
                                 c->purl, "name", c->name, "version", c->version, "supplier", sname, "score",
                                 json_num(score), "level", level_names[level_of(&r->cfg, score)], "assets", assets,
                                 "factors", factors)
                     : NULL;
    if (!out) {
        if (!ok) {
            json_decref(assets);
            json_decref(factors);
        }
        if (!r->status)
            nomem(r);
        return NULL;
    }
    *score_out = score;
    return out;
}

/* ---- the document ---------------------------------------------------------------- */

typedef struct scored {
    json_t *value;
    double score;
    const char *name;
} scored;

static int scored_cmp(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* A component row as sorted: by owner (when by_owner), then key, then id. */
typedef struct row_ref {
    long owner;
    const char *key;
    int64_t id;
    size_t index;
} row_ref;

static int row_ref_cmp(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    if (x->owner != y->owner)
        return x->owner < y->owner ? -1 : 1;
    int k = strcmp(x->key, y->key);
    return k ? k : (x->id > y->id) - (x->id < y->id);
}

/* The indexes of the n component rows rows (all when rows is NULL) sorted
 * by owner (when by_owner), then key, then id, into out. */
static int sort_rows(run *r, const size_t *rows, size_t n, int by_owner, size_t *out)
{
    row_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const risk_component *c = &r->data.components[rows ? rows[i] : i];
        refs[i] = (row_ref){.owner = by_owner ? c->owner : 0, .key = c->key, .id = c->id, .index = rows ? rows[i] : i};
    }
    if (n > 1)
        qsort(refs, n, sizeof *refs, row_ref_cmp);
    for (size_t i = 0; i < n; i++)
        out[i] = refs[i].index;
    free(refs);
    return VG_OK;
}

static int is_kind(const json_t *doc, const char *kind)
{
    const char *s = json_string_value(json_object_get(doc, "vigil-evidence"));
    return s && strcmp(s, kind) == 0;
}

/* Reads the --evidence files: securitytxt documents into r->evidence,
 * anything else unchecked. */
static int read_evidence(run *r)
{
    for (const char *const *p = r->opt->evidence; p && *p; p++) {
        const char *why = NULL;
        json_t *doc = NULL;
        int fd = open(*p, O_RDONLY | O_CLOEXEC);
        vg_buf b;
        vg_buf_init(&b, EVIDENCE_MAX);
        if (fd < 0) {
            why = vg_arena_printf(&r->arena, "cannot be read: %s", strerror(errno));
        } else {
            int rc = vg_read_all(fd, &b);
            close(fd);
            json_error_t err;
            if (rc == VG_ERR_NOMEM)
                why = "cannot be read: larger than 4 MiB or out of memory";
            else if (rc)
                why = "cannot be read";
            else if (!(doc = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &err)))
                why = vg_arena_printf(&r->arena, "not JSON: line %d: %s", err.line, err.text);
            else if (!json_is_string(json_object_get(doc, "target")) ||
                     !json_is_array(json_object_get(doc, "unchecked")) || !is_kind(doc, "securitytxt"))
                why = "not a document of vigil collect securitytxt (vigil-evidence \"securitytxt\")";
        }
        vg_buf_free(&b);
        if (why) {
            json_decref(doc);
            if (add_unchecked(r, *p, why))
                return r->status;
            continue;
        }
        json_t *item = json_pack("{s:s, s:o}", "file", *p, "doc", doc);
        if (!item || json_array_append_new(r->evidence, item) != 0)
            return nomem(r);
    }
    return VG_OK;
}

/* The rows of each supplier (*bounds: index of the first row of owner s,
 * s in 0..nsup) sorted by owner then key; unmapped rows (owner -1) first. */
static int rows_by_owner(run *r, size_t nsup)
{
    risk_data *d = &r->data;
    r->rows = malloc((d->ncomponents ? d->ncomponents : 1) * sizeof *r->rows);
    r->bounds = malloc((nsup + 2) * sizeof *r->bounds);
    if (!r->rows || !r->bounds)
        return nomem(r);
    int rc = sort_rows(r, NULL, d->ncomponents, 1, r->rows);
    size_t j = 0;
    for (size_t s = 0; rc == VG_OK && s <= nsup + 1; s++) { /* bounds[s]: the first row of owner s - 1 */
        while (j < d->ncomponents && d->components[r->rows[j]].owner < (long)s - 1)
            j++;
        r->bounds[s] = j;
    }
    return rc;
}

/* The register, its rules and the data, with every component attributed
 * and the rows sorted by owner. */
static int prepare(run *r)
{
    int rc = vg_store_supplier_list(r->ctx, r->store, &r->records);
    if (rc == VG_OK)
        rc = vg_supplier_rules_compile(r->ctx, r->records, &r->rules);
    if (rc == VG_OK)
        rc = risk_data_read(r->ctx, r->store, r->cfg.criticality_tag, &r->data);
    if (rc)
        return rc;
    risk_data *d = &r->data;
    for (size_t i = 0; i < d->ncomponents; i++) {
        risk_component *c = &d->components[i];
        c->owner = vg_supplier_attribute(r->rules, c->purl, c->name, c->supplier, NULL);
    }
    r->hstart = starts(r, d->holdings, d->nholdings, sizeof *d->holdings);
    r->fstart = starts(r, d->findings, d->nfindings, sizeof *d->findings);
    r->xstart = starts(r, d->fixes, d->nfixes, sizeof *d->fixes);
    r->mark = calloc(d->nassets ? d->nassets : 1, sizeof *r->mark);
    r->ntia = calloc(d->nassets ? d->nassets : 1, sizeof *r->ntia);
    if (!r->hstart || !r->fstart || !r->xstart || !r->mark || !r->ntia)
        return nomem(r);
    return rows_by_owner(r, json_array_size(r->records));
}

static void run_free(run *r)
{
    json_decref(r->records);
    vg_supplier_rules_free(r->rules);
    free(r->rows);
    free(r->bounds);
    risk_data_free(&r->data);
    free(r->hstart);
    free(r->fstart);
    free(r->xstart);
    free(r->mark);
    free(r->ntia);
    vg_eol_free(r->eol);
    json_decref(r->evidence);
    vg_arena_free(&r->arena);
}

/* The open rows among rows[0..n) into g (g->rows allocated). */
static int open_rows(run *r, const size_t *rows, size_t n, group *g)
{
    g->rows = malloc((n ? n : 1) * sizeof *g->rows);
    g->nrows = 0;
    if (!g->rows)
        return nomem(r);
    for (size_t i = 0; i < n; i++)
        if (r->data.components[rows[i]].open)
            g->rows[g->nrows++] = rows[i];
    return VG_OK;
}

static int add_components(run *r, json_t *doc, const json_t *by_record, const char *only)
{
    risk_data *d = &r->data;
    size_t *rows = malloc((d->ncomponents ? d->ncomponents : 1) * sizeof *rows), n = 0;
    scored *list = malloc((d->ncomponents ? d->ncomponents : 1) * sizeof *list);
    json_t *out = json_array();
    int rc = rows && list && out ? VG_OK : nomem(r);
    size_t nlist = 0;
    for (size_t i = 0; rc == VG_OK && i < d->ncomponents; i++)
        if (d->components[i].open)
            rows[n++] = i;
    if (rc == VG_OK)
        rc = sort_rows(r, rows, n, 0, rows);
    for (size_t i = 0; rc == VG_OK && i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(d->components[rows[j]].key, d->components[rows[i]].key) == 0)
            j++;
        group g = {.rows = rows + i, .nrows = j - i};
        long owner = d->components[rows[i]].owner;
        const json_t *supplier = owner >= 0 ? json_array_get(by_record, (size_t)owner) : NULL;
        const char *sname = json_string_value(json_object_get(json_array_get(r->records, (size_t)owner), "name"));
        i = j;
        if (only && (!sname || strcmp(sname, only) != 0))
            continue;
        double score;
        json_t *c = score_component(r, &g, supplier, &score);
        if (!c)
            rc = r->status ? r->status : VG_ERR_NOMEM;
        else
            list[nlist++] = (scored){.value = c, .score = score, .name = json_string_value(json_object_get(c, "component"))};
    }
    if (nlist > 1)
        qsort(list, nlist, sizeof *list, scored_cmp);
    for (size_t i = 0; i < nlist; i++)
        if (rc == VG_OK && out)
            json_array_append_new(out, list[i].value);
        else
            json_decref(list[i].value);
    if (rc == VG_OK && json_object_set_new(doc, "components", out) != 0)
        rc = nomem(r);
    else if (rc)
        json_decref(out);
    free(rows);
    free(list);
    return rc;
}

int vg_supplier_risk(vg_ctx *ctx, vg_store *store, const char *store_name, const vg_supplier_risk_options *opt,
                     json_t **out)
{
    *out = NULL;
    run r = {.ctx = ctx, .store = store, .opt = opt};
    vg_arena_init(&r.arena);
    json_t *doc = NULL, *by_record = NULL;
    scored *list = NULL;
    char target[1024];
    vg_store_redact_url(store_name, target, sizeof target);
    int rc = config_read(ctx, opt->config, "vigil.toml", &r.cfg);
    if (rc == VG_OK && !(doc = vg_collect_document(ctx, "supplier-risk", 1, opt->collected, target)))
        rc = r.status ? r.status : VG_ERR_NOMEM;
    if (rc == VG_OK) {
        r.unchecked = json_object_get(doc, "unchecked");
        r.evidence = json_array();
        rc = r.evidence ? read_evidence(&r) : nomem(&r);
    }
    if (rc == VG_OK)
        rc = prepare(&r);
    if (rc == VG_OK)
        rc = vg_eol_load(ctx, NULL, &r.eol);
    const json_t *records = r.records;
    const size_t *rows = r.rows, *bounds = r.bounds;
    size_t nsup = json_array_size(records);
    if (rc == VG_OK && opt->only) {
        size_t i;
        for (i = 0; i < nsup; i++)
            if (strcmp(json_string_value(json_object_get(json_array_get(records, i), "name")), opt->only) == 0)
                break;
        if (i == nsup)
            rc = vg_error(ctx, VG_ERR_NOT_FOUND, "no supplier named \"%s\" in the register of %s", opt->only, target);
    }
    if (rc == VG_OK && (!(list = calloc(nsup + 1, sizeof *list)) || !(by_record = json_array())))
        rc = nomem(&r);
    char at[16];
    time_t tt = (time_t)opt->at;
    struct tm tm;
    if (rc == VG_OK && (!gmtime_r(&tt, &tm) || !strftime(at, sizeof at, "%Y-%m-%d", &tm)))
        rc = vg_error(ctx, VG_ERR_USAGE, "--at: time %lld out of range", (long long)opt->at);
    size_t nlist = 0;
    for (size_t s = 0; rc == VG_OK && s < nsup; s++) {
        const json_t *rec = json_array_get(records, s);
        const size_t *all = rows + bounds[s + 1];
        size_t nall = bounds[s + 2] - bounds[s + 1];
        group g;
        if ((rc = open_rows(&r, all, nall, &g)) != VG_OK)
            break;
        double score = 0;
        json_t *sup = score_supplier(&r, rec, &g, all, nall, &score);
        free(g.rows);
        if (!sup) {
            rc = r.status ? r.status : VG_ERR_NOMEM;
            break;
        }
        json_array_append(by_record, sup);
        const char *name = json_string_value(json_object_get(sup, "name"));
        if (!opt->only || strcmp(name, opt->only) == 0)
            list[nlist++] = (scored){.value = sup, .score = score, .name = name};
        json_decref(sup);
    }
    /* Nothing to score is said, never a clean result: a rule reading the
     * document then skips instead of passing. */
    if (rc == VG_OK && nsup == 0)
        rc = add_unchecked(&r, "the supplier register", "it is empty: no supplier was scored (vigil supplier import FILE)");
    if (rc == VG_OK && r.data.nassets == 0)
        rc = add_unchecked(&r, "the inventory",
                           "no asset has a snapshot: no component was attributed or found unmapped (vigil inventory add)");
    if (rc == VG_OK) {
        if (nlist > 1)
            qsort(list, nlist, sizeof *list, scored_cmp);
        json_t *weights = json_object(), *levels = json_object(), *suppliers = json_array();
        for (int i = 0; weights && i < FACTORS; i++)
            json_object_set_new(weights, factor_names[i], json_num(r.cfg.weights[i]));
        for (int i = LEVEL_MEDIUM; levels && i < LEVELS; i++)
            json_object_set_new(levels, level_names[i], json_num(r.cfg.levels[i]));
        for (size_t i = 0; suppliers && i < nlist; i++)
            json_array_append(suppliers, list[i].value);
        size_t unmapped = 0;
        const char *last = NULL;
        for (size_t i = bounds[0]; i < bounds[1]; i++) { /* owner -1, sorted by key */
            const risk_component *c = &r.data.components[rows[i]];
            if (c->open && (!last || strcmp(last, c->key) != 0)) {
                unmapped++;
                last = c->key;
            }
        }
        if (!weights || !levels || !suppliers || json_object_set_new(doc, "at", json_string(at)) ||
            json_object_set_new(doc, "weights", weights) || json_object_set_new(doc, "levels", levels) ||
            json_object_set_new(doc, "suppliers", suppliers) ||
            json_object_set_new(doc, "unmapped", json_integer((json_int_t)unmapped)))
            rc = nomem(&r);
        if (rc == VG_OK && opt->components) {
            json_t *cw = json_object();
            for (int i = 0; cw && i < COMPONENT_FACTORS; i++)
                json_object_set_new(cw, component_names[i], json_num(r.cfg.component_weights[i]));
            rc = cw && json_object_set_new(doc, "component_weights", cw) == 0 ? add_components(&r, doc, by_record, opt->only)
                                                                               : nomem(&r);
        }
    }
    free(list);
    json_decref(by_record);
    run_free(&r);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}

/* ---- unmapped ---------------------------------------------------------------- */

int vg_supplier_unmapped(vg_ctx *ctx, vg_store *store, const char *asset, json_t **out)
{
    *out = NULL;
    vg_supplier_risk_options opt = {0};
    run r = {.ctx = ctx, .store = store, .opt = &opt};
    vg_arena_init(&r.arena);
    json_t *list = NULL;
    int rc = config_read(ctx, NULL, "", &r.cfg);
    if (rc == VG_OK)
        rc = prepare(&r);
    risk_data *d = &r.data;
    const size_t *rows = r.rows, *bounds = r.bounds;
    const risk_asset *only = NULL;
    if (rc == VG_OK && asset && !(only = asset_named(d, asset)))
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "no asset named \"%s\" with a snapshot in the store", asset);
    /* An empty list would say every component has a supplier: say there
     * was nothing to look at instead. */
    if (rc == VG_OK && d->nassets == 0)
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "no asset of the store has a snapshot: no component to attribute "
                                             "(vigil inventory add)");
    size_t *alist = NULL;
    if (rc == VG_OK && (!(list = json_array()) ||
                        !(alist = malloc((d->nassets ? d->nassets : 1) * sizeof *alist))))
        rc = nomem(&r);
    for (size_t i = rc == VG_OK ? bounds[0] : 0; rc == VG_OK && i < bounds[1];) {
        size_t j = i + 1;
        while (j < bounds[1] && strcmp(d->components[rows[j]].key, d->components[rows[i]].key) == 0)
            j++;
        group g;
        if ((rc = open_rows(&r, rows + i, j - i, &g)) != VG_OK)
            break;
        json_t *names = json_array();
        int holds = 0;
        size_t na = names ? group_assets(&r, &g, alist) : 0;
        for (size_t k = 0; k < na; k++) {
            holds |= &d->assets[alist[k]] == only;
            json_array_append_new(names, json_string(d->assets[alist[k]].name));
        }
        if (names && g.nrows && (!only || holds)) {
            const risk_component *c = &d->components[g.rows[0]];
            json_t *item = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:O}", "component", c->key, "purl", c->purl,
                                     "name", c->name, "version", c->version, "supplier", c->supplier, "assets", names);
            if (!item || json_array_append_new(list, item) != 0)
                rc = nomem(&r);
        } else if (!names) {
            rc = nomem(&r);
        }
        json_decref(names);
        free(g.rows);
        i = j;
    }
    free(alist);
    run_free(&r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return VG_OK;
}
