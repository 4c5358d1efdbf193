/*
 * findings_json.c — vigil's own JSON report of a vulnerability scan
 * ("vigil-scan" format version 1, documented field by field in
 * docs/scan-json.md: a stable interface, fields are only ever added), the
 * helpers the report writers share (findings_internal.h) and the dispatch
 * vg_report_write().
 *
 * Leaves out: anything that changes between two runs on the same input and
 * database (no absolute paths other than the target as given, no timings).
 */
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"

/* ---- shared helpers ----------------------------------------------------- */

void rep_count(const vg_findings *findings, rep_counts *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        if (f->suppressed) {
            out->suppressed++;
            continue;
        }
        out->total++;
        out->by_severity[f->severity <= VG_SEVERITY_CRITICAL ? f->severity : 0]++;
        out->kev += f->kev != NULL;
    }
    /* Distinct components: findings are sorted by severity, not component,
     * so compare against every earlier one (reports are small). */
    for (size_t i = 0; i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        if (f->suppressed)
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !findings->items[j].suppressed && findings->items[j].component == f->component;
        out->components += !seen;
    }
}

static int unchecked_cmp(const void *pa, const void *pb)
{
    const rep_unchecked *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int c = strcmp(a->type, b->type);
    if (c)
        return c;
    if (a->via_os_package != b->via_os_package)
        return a->via_os_package - b->via_os_package;
    return strcmp(a->reason, b->reason);
}

int rep_unchecked_groups(vg_arena *arena, const vg_findings *findings, rep_unchecked **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    rep_unchecked *g = NULL;
    size_t count = 0, cap = 0;
    for (size_t i = 0; i < findings->ncoverage; i++) {
        const vg_coverage *cov = &findings->coverage[i];
        if (vg_coverage_is_checked(cov->status) || cov->status == VG_COVERAGE_SELF)
            continue;
        const char *type = cov->component->type ? cov->component->type : "generic";
        const char *reason = cov->reason ? cov->reason : "";
        int via = cov->via != NULL;
        size_t k = 0;
        while (k < count && !(g[k].status == cov->status && g[k].via_os_package == via &&
                              strcmp(g[k].type, type) == 0 && strcmp(g[k].reason, reason) == 0))
            k++;
        if (k == count) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                rep_unchecked *p = vg_arena_calloc(arena, ncap, sizeof *p);
                if (!p)
                    return VG_ERR_NOMEM;
                if (count)
                    memcpy(p, g, count * sizeof *p);
                g = p;
                cap = ncap;
            }
            g[count++] = (rep_unchecked){type, via, cov->status, reason, 0};
        }
        g[k].count++;
    }
    if (count > 1)
        qsort(g, count, sizeof *g, unchecked_cmp);
    *out = g;
    *n = count;
    return VG_OK;
}

const char *rep_layer_diff_id(const vg_inventory *inv, const vg_component *c)
{
    if (c->layer < 0 || (size_t)c->layer >= inv->target.nlayers)
        return NULL;
    return inv->target.layers[c->layer].diff_id;
}

const char *rep_fixed_text(vg_arena *arena, const vg_finding *f)
{
    if (!f->nfixed)
        return NULL;
    vg_buf b;
    vg_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < f->nfixed; i++)
        if ((i && vg_buf_addstr(&b, ", ") != 0) || vg_buf_addstr(&b, f->fixed_versions[i]) != 0)
            break;
    const char *s = b.data ? vg_arena_strdup(arena, b.data) : NULL;
    vg_buf_free(&b);
    return s;
}

/* ---- dispatch ----------------------------------------------------------- */

vg_report_format vg_report_format_from_name(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "table") == 0)
        return VG_REPORT_TABLE;
    if (strcmp(name, "json") == 0)
        return VG_REPORT_JSON;
    if (strcmp(name, "sarif") == 0)
        return VG_REPORT_SARIF;
    if (strcmp(name, "cyclonedx-json") == 0 || strcmp(name, "cyclonedx") == 0 || strcmp(name, "cdx") == 0)
        return VG_REPORT_CYCLONEDX_JSON;
    return 0;
}

const char *vg_report_format_name(vg_report_format format)
{
    switch (format) {
    case VG_REPORT_TABLE: return "table";
    case VG_REPORT_JSON: return "json";
    case VG_REPORT_SARIF: return "sarif";
    case VG_REPORT_CYCLONEDX_JSON: return "cyclonedx-json";
    }
    return "unknown";
}

int vg_report_write(vg_ctx *ctx, vg_report_format format, const vg_inventory *inv,
                    const vg_findings *findings, const vg_report_options *opts, vg_buf *out)
{
    switch (format) {
    case VG_REPORT_TABLE: return vg_findings_table_write(ctx, inv, findings, opts, out);
    case VG_REPORT_JSON: return vg_findings_json_write(ctx, inv, findings, opts, out);
    case VG_REPORT_SARIF: return vg_sarif_write(ctx, inv, findings, opts, out);
    case VG_REPORT_CYCLONEDX_JSON: return vg_cyclonedx_vdr_write(ctx, inv, findings, opts, out);
    }
    return vg_error(ctx, VG_ERR_USAGE, "unknown report format %d", (int)format);
}

/* ---- the JSON report ---------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    json_t *v = s ? fmt_str(s) : json_null();
    return v;
}

static json_t *string_array(const char *const *items, size_t n, int *bad)
{
    json_t *a = json_array();
    if (!a) {
        *bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        fmt_append(a, fmt_str(items[i]), bad);
    return a;
}

static json_t *component_json(const vg_inventory *inv, const vg_component *c, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    fmt_set(o, "bomRef", str_or_null(c->bom_ref), bad);
    fmt_set(o, "type", str_or_null(c->type), bad);
    fmt_set(o, "name", str_or_null(c->name), bad);
    fmt_set(o, "version", str_or_null(c->version), bad);
    fmt_set(o, "purl", str_or_null(c->purl), bad);
    fmt_set(o, "sourceName", str_or_null(c->source_name), bad);
    fmt_set(o, "sourceVersion", str_or_null(c->source_version), bad);
    fmt_set(o, "location", str_or_null(c->location), bad);
    if (c->layer >= 0)
        fmt_set(o, "layer", json_integer(c->layer), bad);
    else
        fmt_set(o, "layer", json_null(), bad);
    fmt_set(o, "layerDiffID", str_or_null(rep_layer_diff_id(inv, c)), bad);
    return o;
}

/* What a component was checked against, or why it was not. */
static json_t *coverage_json(const vg_coverage *cov, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    fmt_set(o, "status", json_string(vg_coverage_status_name(cov->status)), bad);
    fmt_set(o, "ecosystem", str_or_null(cov->ecosystem), bad);
    fmt_set(o, "sources", string_array(cov->sources, cov->nsources, bad), bad);
    fmt_set(o, "newestData", str_or_null(cov->newest && *cov->newest ? cov->newest : NULL), bad);
    fmt_set(o, "viaOSPackage", str_or_null(cov->via ? cov->via->bom_ref : NULL), bad);
    fmt_set(o, "reason", str_or_null(cov->reason), bad);
    fmt_set(o, "unevaluableEntries", json_integer((json_int_t)cov->unevaluable), bad);
    return o;
}

static json_t *finding_json(const vg_inventory *inv, const vg_finding *f, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    fmt_set(o, "id", fmt_str(f->id), bad);
    fmt_set(o, "ids", string_array(f->ids, f->nids, bad), bad);
    fmt_set(o, "advisories", string_array(f->advisories, f->nadvisories, bad), bad);
    fmt_set(o, "component", component_json(inv, f->component, bad), bad);
    fmt_set(o, "ecosystem", str_or_null(f->ecosystem), bad);
    fmt_set(o, "package", str_or_null(f->package), bad);
    fmt_set(o, "installedVersion", str_or_null(f->installed_version), bad);
    fmt_set(o, "comparedVersion", str_or_null(f->compared_version), bad);
    fmt_set(o, "fixedVersions", string_array(f->fixed_versions, f->nfixed, bad), bad);
    fmt_set(o, "fixState", str_or_null(f->fix_state), bad);
    fmt_set(o, "severity", json_string(vg_severity_name(f->severity)), bad);
    fmt_set(o, "severitySource", str_or_null(f->severity_source), bad);
    if (f->cvss_vector) {
        json_t *cv = json_object();
        fmt_set(cv, "type", str_or_null(f->cvss_type), bad);
        fmt_set(cv, "vector", fmt_str(f->cvss_vector), bad);
        fmt_set(cv, "score", f->score >= 0 ? json_real(f->score) : json_null(), bad);
        fmt_set(o, "cvss", cv, bad);
    } else {
        fmt_set(o, "cvss", json_null(), bad);
    }
    if (f->kev) {
        json_t *k = json_object();
        fmt_set(k, "cve", str_or_null(f->kev->cve), bad);
        fmt_set(k, "dateAdded", str_or_null(f->kev->date_added), bad);
        fmt_set(k, "dueDate", str_or_null(f->kev->due_date), bad);
        fmt_set(k, "knownRansomwareCampaignUse", str_or_null(f->kev->ransomware), bad);
        fmt_set(k, "requiredAction", str_or_null(f->kev->required_action), bad);
        fmt_set(o, "kev", k, bad);
    } else {
        fmt_set(o, "kev", json_null(), bad);
    }
    fmt_set(o, "summary", str_or_null(f->summary), bad);
    fmt_set(o, "published", str_or_null(f->published), bad);
    fmt_set(o, "modified", str_or_null(f->modified), bad);
    fmt_set(o, "urls", string_array(f->urls, f->nurls, bad), bad);
    fmt_set(o, "distroManaged", json_boolean(f->distro_managed), bad);
    fmt_set(o, "suppressed", json_boolean(f->suppressed), bad);
    if (f->suppressed || f->analysis_state) { /* VEX "affected" records an analysis too */
        json_t *a = json_object();
        fmt_set(a, "state", str_or_null(f->analysis_state), bad);
        fmt_set(a, "justification", str_or_null(f->justification), bad);
        fmt_set(a, "detail", str_or_null(f->analysis_detail), bad);
        fmt_set(a, "by", str_or_null(f->suppressed_by), bad);
        fmt_set(o, "analysis", a, bad);
    } else {
        fmt_set(o, "analysis", json_null(), bad);
    }
    return o;
}

int vg_findings_json_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                           const vg_report_options *opts, vg_buf *out)
{
    char ts[32];
    if (fmt_timestamp(opts->timestamp, ts) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "timestamp %lld is outside the years 0000-9999",
                        (long long)opts->timestamp);
    int bad = 0;
    json_t *doc = json_object();
    if (!doc)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    fmt_set(doc, "format", json_string("vigil-scan"), &bad);
    fmt_set(doc, "formatVersion", json_integer(1), &bad);
    json_t *tool = json_object();
    fmt_set(tool, "name", json_string("vigil"), &bad);
    fmt_set(tool, "version", str_or_null(opts->tool_version), &bad);
    fmt_set(doc, "tool", tool, &bad);
    fmt_set(doc, "timestamp", json_string(ts), &bad);

    json_t *target = json_object();
    fmt_set(target, "name", str_or_null(inv->target.name ? inv->target.name : inv->target.path), &bad);
    fmt_set(target, "kind", json_string(fmt_target_kind(inv->target.kind)), &bad);
    fmt_set(target, "digest", str_or_null(inv->target.digest), &bad);
    fmt_set(target, "imageID", str_or_null(inv->target.image_id), &bad);
    fmt_set(doc, "target", target, &bad);
    if (inv->has_os) {
        json_t *os = json_object();
        fmt_set(os, "id", str_or_null(inv->os.id), &bad);
        fmt_set(os, "versionID", str_or_null(inv->os.version_id), &bad);
        fmt_set(os, "codename", str_or_null(inv->os.version_codename), &bad);
        fmt_set(os, "prettyName", str_or_null(inv->os.pretty_name), &bad);
        fmt_set(os, "ecosystem", str_or_null(findings->os_ecosystem), &bad);
        fmt_set(doc, "os", os, &bad);
    } else {
        fmt_set(doc, "os", json_null(), &bad);
    }
    if (opts->db_fetched_at > 0 && fmt_timestamp(opts->db_fetched_at, ts) == 0) {
        json_t *db = json_object();
        fmt_set(db, "fetchedAt", json_string(ts), &bad);
        fmt_set(doc, "database", db, &bad);
    } else {
        fmt_set(doc, "database", json_null(), &bad);
    }

    rep_counts n;
    rep_count(findings, &n);
    json_t *sum = json_object(), *sev = json_object();
    fmt_set(sum, "components", json_integer((json_int_t)inv->ncomponents), &bad);
    fmt_set(sum, "componentsChecked", json_integer((json_int_t)findings->components_checked), &bad);
    fmt_set(sum, "componentsUnchecked", json_integer((json_int_t)findings->components_unchecked), &bad);
    fmt_set(sum, "componentsAffected", json_integer((json_int_t)n.components), &bad);
    fmt_set(sum, "findings", json_integer((json_int_t)n.total), &bad);
    fmt_set(sum, "suppressed", json_integer((json_int_t)n.suppressed), &bad);
    fmt_set(sum, "kev", json_integer((json_int_t)n.kev), &bad);
    for (int s = VG_SEVERITY_CRITICAL; s >= VG_SEVERITY_UNKNOWN; s--)
        fmt_set(sev, vg_severity_name((vg_severity)s), json_integer((json_int_t)n.by_severity[s]), &bad);
    fmt_set(sum, "bySeverity", sev, &bad);
    fmt_set(sum, "unevaluableEntries", json_integer((json_int_t)findings->unevaluable), &bad);
    fmt_set(sum, "findingsHidden", json_integer((json_int_t)findings->hidden), &bad);
    vg_arena arena;
    vg_arena_init(&arena);
    rep_unchecked *groups = NULL;
    size_t ngroups = 0;
    if (rep_unchecked_groups(&arena, findings, &groups, &ngroups) != VG_OK)
        bad = 1;
    json_t *unchecked = json_array();
    for (size_t i = 0; i < ngroups && !bad; i++) {
        json_t *g = json_object();
        fmt_set(g, "type", fmt_str(groups[i].type), &bad);
        fmt_set(g, "status", json_string(vg_coverage_status_name(groups[i].status)), &bad);
        fmt_set(g, "reason", fmt_str(groups[i].reason), &bad);
        fmt_set(g, "installedByOSPackage", json_boolean(groups[i].via_os_package), &bad);
        fmt_set(g, "count", json_integer((json_int_t)groups[i].count), &bad);
        fmt_append(unchecked, g, &bad);
    }
    vg_arena_free(&arena);
    fmt_set(sum, "notChecked", unchecked, &bad);
    fmt_set(doc, "summary", sum, &bad);

    json_t *list = json_array();
    for (size_t i = 0; i < findings->n && !bad; i++)
        fmt_append(list, finding_json(inv, &findings->items[i], &bad), &bad);
    fmt_set(doc, "findings", list, &bad);
    /* Every component, with what it was checked against. */
    json_t *comps = json_array();
    for (size_t i = 0; i < findings->ncoverage && !bad; i++) {
        const vg_coverage *cov = &findings->coverage[i];
        json_t *c = component_json(inv, cov->component, &bad);
        fmt_set(c, "coverage", coverage_json(cov, &bad), &bad);
        fmt_append(comps, c, &bad);
    }
    fmt_set(doc, "components", comps, &bad);
    if (bad) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the JSON report");
    }
    int st = fmt_dump(ctx, doc, out);
    json_decref(doc);
    return st;
}
