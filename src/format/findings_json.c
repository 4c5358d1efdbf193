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

static void stream_strings(fmt_stream *s, const char *key, const char *const *items, size_t n)
{
    fmt_stream_open(s, key, '[');
    for (size_t i = 0; i < n; i++)
        fmt_stream_str_or_null(s, NULL, items[i]);
    fmt_stream_close(s);
}

/* The component object, without closing it (the components list adds its
 * coverage). */
static void stream_component(fmt_stream *s, const char *key, const vg_inventory *inv, const vg_component *c)
{
    fmt_stream_open(s, key, '{');
    fmt_stream_str_or_null(s, "bomRef", c->bom_ref);
    fmt_stream_str_or_null(s, "type", c->type);
    fmt_stream_str_or_null(s, "name", c->name);
    fmt_stream_str_or_null(s, "version", c->version);
    fmt_stream_str_or_null(s, "purl", c->purl);
    fmt_stream_str_or_null(s, "sourceName", c->source_name);
    fmt_stream_str_or_null(s, "sourceVersion", c->source_version);
    fmt_stream_str_or_null(s, "location", c->location);
    if (c->layer >= 0)
        fmt_stream_int(s, "layer", c->layer);
    else
        fmt_stream_literal(s, "layer", "null");
    fmt_stream_str_or_null(s, "layerDiffID", rep_layer_diff_id(inv, c));
}

/* What a component was checked against, or why it was not. */
static void stream_coverage(fmt_stream *s, const vg_coverage *cov)
{
    fmt_stream_open(s, "coverage", '{');
    fmt_stream_str_or_null(s, "status", vg_coverage_status_name(cov->status));
    fmt_stream_str_or_null(s, "ecosystem", cov->ecosystem);
    stream_strings(s, "sources", cov->sources, cov->nsources);
    fmt_stream_str_or_null(s, "newestData", cov->newest && *cov->newest ? cov->newest : NULL);
    fmt_stream_str_or_null(s, "viaOSPackage", cov->via ? cov->via->bom_ref : NULL);
    fmt_stream_str_or_null(s, "reason", cov->reason);
    fmt_stream_int(s, "unevaluableEntries", (long long)cov->unevaluable);
    fmt_stream_close(s);
}

static void stream_finding(fmt_stream *s, const vg_inventory *inv, const vg_finding *f)
{
    fmt_stream_open(s, NULL, '{');
    fmt_stream_str_or_null(s, "id", f->id);
    stream_strings(s, "ids", f->ids, f->nids);
    stream_strings(s, "advisories", f->advisories, f->nadvisories);
    stream_component(s, "component", inv, f->component);
    fmt_stream_close(s);
    fmt_stream_str_or_null(s, "ecosystem", f->ecosystem);
    fmt_stream_str_or_null(s, "package", f->package);
    fmt_stream_str_or_null(s, "installedVersion", f->installed_version);
    fmt_stream_str_or_null(s, "comparedVersion", f->compared_version);
    stream_strings(s, "fixedVersions", f->fixed_versions, f->nfixed);
    fmt_stream_str_or_null(s, "fixState", f->fix_state);
    fmt_stream_str_or_null(s, "severity", vg_severity_name(f->severity));
    fmt_stream_str_or_null(s, "severitySource", f->severity_source);
    if (f->cvss_vector) {
        fmt_stream_open(s, "cvss", '{');
        fmt_stream_str_or_null(s, "type", f->cvss_type);
        fmt_stream_str_or_null(s, "vector", f->cvss_vector);
        /* a real, in jansson's notation */
        fmt_stream_value(s, "score", f->score >= 0 ? json_real(f->score) : json_null());
        fmt_stream_close(s);
    } else {
        fmt_stream_literal(s, "cvss", "null");
    }
    if (f->kev) {
        fmt_stream_open(s, "kev", '{');
        fmt_stream_str_or_null(s, "cve", f->kev->cve);
        fmt_stream_str_or_null(s, "dateAdded", f->kev->date_added);
        fmt_stream_str_or_null(s, "dueDate", f->kev->due_date);
        fmt_stream_str_or_null(s, "knownRansomwareCampaignUse", f->kev->ransomware);
        fmt_stream_str_or_null(s, "requiredAction", f->kev->required_action);
        fmt_stream_close(s);
    } else {
        fmt_stream_literal(s, "kev", "null");
    }
    fmt_stream_str_or_null(s, "summary", f->summary);
    fmt_stream_str_or_null(s, "published", f->published);
    fmt_stream_str_or_null(s, "modified", f->modified);
    stream_strings(s, "urls", f->urls, f->nurls);
    fmt_stream_literal(s, "distroManaged", f->distro_managed ? "true" : "false");
    fmt_stream_literal(s, "suppressed", f->suppressed ? "true" : "false");
    if (f->suppressed || f->analysis_state) { /* VEX "affected" records an analysis too */
        fmt_stream_open(s, "analysis", '{');
        fmt_stream_str_or_null(s, "state", f->analysis_state);
        fmt_stream_str_or_null(s, "justification", f->justification);
        fmt_stream_str_or_null(s, "detail", f->analysis_detail);
        fmt_stream_str_or_null(s, "by", f->suppressed_by);
        fmt_stream_close(s);
    } else {
        fmt_stream_literal(s, "analysis", "null");
    }
    fmt_stream_close(s);
}

int vg_findings_json_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                           const vg_report_options *opts, vg_buf *out)
{
    char ts[32];
    if (fmt_timestamp(opts->timestamp, ts) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "timestamp %lld is outside the years 0000-9999",
                        (long long)opts->timestamp);
    /* Streamed (fmt_stream): the findings and the components are written
     * one at a time, their strings directly; a tree of the whole report
     * cost a third of a scan's time. */
    fmt_stream s;
    fmt_stream_begin(&s, out);
    fmt_stream_str_or_null(&s, "format", "vigil-scan");
    fmt_stream_int(&s, "formatVersion", 1);
    fmt_stream_open(&s, "tool", '{');
    fmt_stream_str_or_null(&s, "name", "vigil");
    fmt_stream_str_or_null(&s, "version", opts->tool_version);
    fmt_stream_close(&s);
    fmt_stream_str_or_null(&s, "timestamp", ts);

    fmt_stream_open(&s, "target", '{');
    fmt_stream_str_or_null(&s, "name", inv->target.name ? inv->target.name : inv->target.path);
    fmt_stream_str_or_null(&s, "kind", fmt_target_kind(inv->target.kind));
    fmt_stream_str_or_null(&s, "digest", inv->target.digest);
    fmt_stream_str_or_null(&s, "imageID", inv->target.image_id);
    fmt_stream_close(&s);
    if (inv->has_os) {
        fmt_stream_open(&s, "os", '{');
        fmt_stream_str_or_null(&s, "id", inv->os.id);
        fmt_stream_str_or_null(&s, "versionID", inv->os.version_id);
        fmt_stream_str_or_null(&s, "codename", inv->os.version_codename);
        fmt_stream_str_or_null(&s, "prettyName", inv->os.pretty_name);
        fmt_stream_str_or_null(&s, "ecosystem", findings->os_ecosystem);
        fmt_stream_close(&s);
    } else {
        fmt_stream_literal(&s, "os", "null");
    }
    if (opts->db_fetched_at > 0 && fmt_timestamp(opts->db_fetched_at, ts) == 0) {
        fmt_stream_open(&s, "database", '{');
        fmt_stream_str_or_null(&s, "fetchedAt", ts);
        fmt_stream_close(&s);
    } else {
        fmt_stream_literal(&s, "database", "null");
    }

    rep_counts n;
    rep_count(findings, &n);
    fmt_stream_open(&s, "summary", '{');
    fmt_stream_int(&s, "components", (long long)inv->ncomponents);
    fmt_stream_int(&s, "componentsChecked", (long long)findings->components_checked);
    fmt_stream_int(&s, "componentsUnchecked", (long long)findings->components_unchecked);
    fmt_stream_int(&s, "componentsAffected", (long long)n.components);
    fmt_stream_int(&s, "findings", (long long)n.total);
    fmt_stream_int(&s, "suppressed", (long long)n.suppressed);
    fmt_stream_int(&s, "kev", (long long)n.kev);
    fmt_stream_open(&s, "bySeverity", '{');
    for (int sev = VG_SEVERITY_CRITICAL; sev >= VG_SEVERITY_UNKNOWN; sev--)
        fmt_stream_int(&s, vg_severity_name((vg_severity)sev), (long long)n.by_severity[sev]);
    fmt_stream_close(&s);
    fmt_stream_int(&s, "unevaluableEntries", (long long)findings->unevaluable);
    fmt_stream_int(&s, "findingsHidden", (long long)findings->hidden);
    vg_arena arena;
    vg_arena_init(&arena);
    rep_unchecked *groups = NULL;
    size_t ngroups = 0;
    int rc = rep_unchecked_groups(&arena, findings, &groups, &ngroups);
    fmt_stream_open(&s, "notChecked", '[');
    for (size_t i = 0; i < ngroups; i++) {
        fmt_stream_open(&s, NULL, '{');
        fmt_stream_str_or_null(&s, "type", groups[i].type);
        fmt_stream_str_or_null(&s, "status", vg_coverage_status_name(groups[i].status));
        fmt_stream_str_or_null(&s, "reason", groups[i].reason);
        fmt_stream_literal(&s, "installedByOSPackage", groups[i].via_os_package ? "true" : "false");
        fmt_stream_int(&s, "count", (long long)groups[i].count);
        fmt_stream_close(&s);
    }
    fmt_stream_close(&s);
    vg_arena_free(&arena);
    fmt_stream_close(&s);

    fmt_stream_open(&s, "findings", '[');
    for (size_t i = 0; i < findings->n; i++)
        stream_finding(&s, inv, &findings->items[i]);
    fmt_stream_close(&s);
    /* Every component, with what it was checked against. */
    fmt_stream_open(&s, "components", '[');
    for (size_t i = 0; i < findings->ncoverage; i++) {
        stream_component(&s, NULL, inv, findings->coverage[i].component);
        stream_coverage(&s, &findings->coverage[i]);
        fmt_stream_close(&s);
    }
    fmt_stream_close(&s);
    if (rc != VG_OK) {
        fmt_stream_end(ctx, &s);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the JSON report");
    }
    return fmt_stream_end(ctx, &s);
}
