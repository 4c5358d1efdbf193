/*
 * sarif.c — the vulnerability report as SARIF 2.1.0 (OASIS Static Analysis
 * Results Interchange Format Version 2.1.0, the sarif-schema-2.1.0 JSON
 * schema), for code-scanning dashboards.
 *
 * One run; tool.driver.rules holds one rule per vulnerability id (help URI,
 * description, "security-severity" property with the CVSS score when one is
 * computed, tags); one result per finding, at the package database or
 * manifest the component was found in (a relative URI under the target) and
 * with the component's purl as a logical location.  Levels: critical and
 * high are "error", medium and unknown "warning", low and none "note".
 * Suppressed findings (VEX, --ignore) are results with a "suppressions"
 * entry (kind "external", status "accepted"), as SARIF intends.
 * Coverage: components that could not be checked are one
 * toolExecutionNotification (level "warning") per cause in the run's
 * invocation, and every component's coverage is in the run's property bag
 * ("coverage"), so that a dashboard never shows "no results" for a scan
 * that looked at nothing.
 *
 * Leaves out: code flows, fixes, artifacts and taxonomies.
 */
#include <stdio.h>
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"
#include "vigil/digest.h"

static const char *level_of(vg_severity s)
{
    switch (s) {
    case VG_SEVERITY_CRITICAL:
    case VG_SEVERITY_HIGH: return "error";
    case VG_SEVERITY_LOW:
    case VG_SEVERITY_NONE: return "note";
    default: return "warning";
    }
}

/* path as a relative URI reference: RFC 3986 unreserved characters and '/'
 * kept, everything else percent-encoded. */
static const char *uri_of_path(vg_arena *arena, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!path || !*path)
        return NULL;
    while (*path == '/')
        path++;
    size_t len = strlen(path);
    char *u = vg_arena_alloc(arena, len * 3 + 1);
    if (!u)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)path[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~/", ch)) {
            u[n++] = (char)ch;
        } else {
            u[n++] = '%';
            u[n++] = hex[ch >> 4];
            u[n++] = hex[ch & 15];
        }
    }
    u[n] = '\0';
    return u;
}

static json_t *text_object(const char *text)
{
    json_t *o = json_object();
    if (o && json_object_set_new(o, "text", fmt_str(text)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Index of the rule of id, adding it from f when new. */
static size_t rule_index(json_t *rules, const vg_finding *f, int *bad)
{
    size_t n = json_array_size(rules);
    json_t *id = fmt_str(f->id);
    if (!id) {
        *bad = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (json_equal(json_object_get(json_array_get(rules, i), "id"), id)) {
            json_decref(id);
            return i;
        }
    }
    json_t *r = json_object();
    fmt_set(r, "id", id, bad);
    fmt_set(r, "shortDescription", text_object(f->summary && *f->summary ? f->summary : f->id), bad);
    const char *help = NULL;
    for (size_t i = 0; i < f->nurls && !help; i++)
        if (fmt_url_ok(f->urls[i]))
            help = f->urls[i];
    if (help)
        fmt_set(r, "helpUri", fmt_str(help), bad);
    json_t *cfg = json_object();
    fmt_set(cfg, "level", json_string(level_of(f->severity)), bad);
    fmt_set(r, "defaultConfiguration", cfg, bad);
    json_t *props = json_object(), *tags = json_array();
    fmt_append(tags, json_string("security"), bad);
    fmt_append(tags, json_string("vulnerability"), bad);
    fmt_append(tags, json_string(vg_severity_name(f->severity)), bad);
    fmt_set(props, "tags", tags, bad);
    if (f->score >= 0) {
        char score[16];
        snprintf(score, sizeof score, "%.1f", f->score);
        fmt_set(props, "security-severity", json_string(score), bad);
    }
    json_t *ids = json_array();
    for (size_t i = 0; i < f->nids; i++)
        fmt_append(ids, fmt_str(f->ids[i]), bad);
    fmt_set(props, "identifiers", ids, bad);
    fmt_set(r, "properties", props, bad);
    fmt_append(rules, r, bad);
    return n;
}

int vg_sarif_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                   const vg_report_options *opts, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    int bad = 0;
    json_t *doc = json_object(), *run = json_object(), *tool = json_object(), *driver = json_object();
    json_t *rules = json_array(), *results = json_array(), *runs = json_array();
    if (!doc || !run || !tool || !driver || !rules || !results || !runs)
        bad = 1;
    for (size_t i = 0; i < findings->n && !bad; i++) {
        const vg_finding *f = &findings->items[i];
        const vg_component *c = f->component;
        size_t ri = rule_index(rules, f, &bad);
        json_t *res = json_object();
        fmt_set(res, "ruleId", fmt_str(f->id), &bad);
        fmt_set(res, "ruleIndex", json_integer((json_int_t)ri), &bad);
        fmt_set(res, "level", json_string(level_of(f->severity)), &bad);
        const char *fixed = rep_fixed_text(&arena, f);
        const char *msg = vg_arena_printf(&arena, "%s %s is affected by %s (severity %s%s%s)%s%s", c->name,
                                          f->installed_version, f->id, vg_severity_name(f->severity),
                                          f->kev ? ", in CISA KEV, due " : "",
                                          f->kev && f->kev->due_date ? f->kev->due_date : "",
                                          fixed ? "; fixed in " : "; no fixed version", fixed ? fixed : "");
        fmt_set(res, "message", text_object(msg), &bad);
        json_t *loc = json_object();
        const char *uri = uri_of_path(&arena, c->location);
        if (uri) {
            json_t *phys = json_object(), *art = json_object();
            fmt_set(art, "uri", json_string(uri), &bad);
            fmt_set(phys, "artifactLocation", art, &bad);
            fmt_set(loc, "physicalLocation", phys, &bad);
        }
        json_t *logicals = json_array(), *logical = json_object();
        fmt_set(logical, "name", fmt_str(c->name), &bad);
        fmt_set_str(logical, "fullyQualifiedName", c->purl, &bad);
        fmt_set(logical, "kind", json_string("package"), &bad);
        fmt_append(logicals, logical, &bad);
        fmt_set(loc, "logicalLocations", logicals, &bad);
        json_t *locs = json_array();
        fmt_append(locs, loc, &bad);
        fmt_set(res, "locations", locs, &bad);
        /* A fingerprint that stays put across runs: vulnerability and package. */
        const char *key = vg_arena_printf(&arena, "%s\n%s\n%s\n%s", f->id, c->purl ? c->purl : c->name,
                                          c->location ? c->location : "", f->installed_version);
        vg_file_digest d;
        if (key && vg_digest_memory(ctx, key, strlen(key), VG_DIGEST_SHA256, &d) == VG_OK) {
            json_t *fp = json_object();
            fmt_set(fp, "vigilFinding/v1", json_string(d.sha256), &bad);
            fmt_set(res, "partialFingerprints", fp, &bad);
        } else {
            bad = 1;
        }
        json_t *props = json_object();
        fmt_set_str(props, "bomRef", c->bom_ref, &bad);
        fmt_set_str(props, "purl", c->purl, &bad);
        fmt_set_str(props, "installedVersion", f->installed_version, &bad);
        json_t *fv = json_array();
        for (size_t k = 0; k < f->nfixed; k++)
            fmt_append(fv, fmt_str(f->fixed_versions[k]), &bad);
        fmt_set(props, "fixedVersions", fv, &bad);
        fmt_set(props, "severity", json_string(vg_severity_name(f->severity)), &bad);
        fmt_set_str(props, "severitySource", f->severity_source, &bad);
        if (f->distro_managed)
            fmt_set(props, "distroManaged", json_true(), &bad);
        if (f->kev)
            fmt_set_str(props, "kevDueDate", f->kev->due_date ? f->kev->due_date : "", &bad);
        fmt_set(res, "properties", props, &bad);
        if (f->suppressed) {
            json_t *sups = json_array(), *s = json_object();
            fmt_set(s, "kind", json_string("external"), &bad);
            fmt_set(s, "status", json_string("accepted"), &bad);
            const char *why = vg_arena_printf(&arena, "%s%s%s%s%s", f->analysis_state ? f->analysis_state : "suppressed",
                                              f->justification ? ": " : "", f->justification ? f->justification : "",
                                              f->analysis_detail ? " — " : "", f->analysis_detail ? f->analysis_detail : "");
            fmt_set(s, "justification", fmt_str(why), &bad);
            fmt_append(sups, s, &bad);
            fmt_set(res, "suppressions", sups, &bad);
        }
        fmt_append(results, res, &bad);
    }
    if (!bad) {
        fmt_set(driver, "name", json_string("vigil"), &bad);
        fmt_set_str(driver, "version", opts->tool_version, &bad);
        fmt_set_str(driver, "semanticVersion", opts->tool_version, &bad);
        fmt_set(driver, "rules", rules, &bad);
        rules = NULL;
        /* The invocation says what could not be checked. */
        rep_unchecked *groups = NULL;
        size_t ngroups = 0;
        if (rep_unchecked_groups(&arena, findings, &groups, &ngroups) != VG_OK)
            bad = 1;
        json_t *invocations = json_array(), *invocation = json_object(), *notes = json_array();
        for (size_t i = 0; i < ngroups && !bad; i++) {
            json_t *n = json_object(), *msg = json_object();
            const char *text = vg_arena_printf(&arena, "%zu %s package%s%s not checked: %s", groups[i].count,
                                               groups[i].type, groups[i].count == 1 ? "" : "s",
                                               groups[i].via_os_package ? " installed by OS packages" : "",
                                               groups[i].reason);
            fmt_set(msg, "text", fmt_str(text), &bad);
            fmt_set(n, "message", msg, &bad);
            fmt_set(n, "level", json_string("warning"), &bad);
            fmt_append(notes, n, &bad);
        }
        fmt_set(invocation, "executionSuccessful", json_true(), &bad);
        fmt_set(invocation, "toolExecutionNotifications", notes, &bad);
        fmt_append(invocations, invocation, &bad);
        fmt_set(run, "invocations", invocations, &bad);
        fmt_set(tool, "driver", driver, &bad);
        driver = NULL;
        fmt_set(run, "tool", tool, &bad);
        tool = NULL;
        fmt_set(run, "results", results, &bad);
        results = NULL;
        json_t *props = json_object();
        fmt_set_str(props, "target", inv->target.name ? inv->target.name : inv->target.path, &bad);
        fmt_set_str(props, "osEcosystem", findings->os_ecosystem, &bad);
        fmt_set(props, "componentsChecked", json_integer((json_int_t)findings->components_checked), &bad);
        fmt_set(props, "componentsUnchecked", json_integer((json_int_t)findings->components_unchecked), &bad);
        fmt_set(props, "findingsHidden", json_integer((json_int_t)findings->hidden), &bad);
        json_t *coverage = json_array();
        for (size_t i = 0; i < findings->ncoverage && !bad; i++) {
            const vg_coverage *cov = &findings->coverage[i];
            json_t *c = json_object();
            fmt_set_str(c, "bomRef", cov->component->bom_ref, &bad);
            fmt_set_str(c, "purl", cov->component->purl, &bad);
            fmt_set(c, "status", json_string(vg_coverage_status_name(cov->status)), &bad);
            fmt_set_str(c, "ecosystem", cov->ecosystem, &bad);
            fmt_set_str(c, "viaOSPackage", cov->via ? cov->via->bom_ref : NULL, &bad);
            fmt_set_str(c, "reason", cov->reason, &bad);
            fmt_append(coverage, c, &bad);
        }
        fmt_set(props, "coverage", coverage, &bad);
        fmt_set(run, "properties", props, &bad);
        fmt_append(runs, run, &bad);
        run = NULL;
        fmt_set(doc, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"), &bad);
        fmt_set(doc, "version", json_string("2.1.0"), &bad);
        fmt_set(doc, "runs", runs, &bad);
        runs = NULL;
    }
    json_decref(rules);
    json_decref(driver);
    json_decref(tool);
    json_decref(results);
    json_decref(run);
    json_decref(runs);
    vg_arena_free(&arena);
    if (bad) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the SARIF report");
    }
    int st = fmt_dump(ctx, doc, out);
    json_decref(doc);
    return st;
}
