/*
 * sarif.c — SARIF 2.1.0 logs (OASIS Static Analysis Results Interchange
 * Format Version 2.1.0, the sarif-schema-2.1.0 JSON schema) of the two kinds
 * of results vigil has: vulnerability findings (vg_sarif_write) and policy
 * results (vg_policy_sarif_write), for code-scanning dashboards.  Both share
 * the log's envelope, the driver and the invocation.
 *
 * Findings: one run; tool.driver.rules holds one rule per vulnerability id
 * (help URI, description, "security-severity" property with the CVSS score
 * when one is computed, tags); one result per finding, at the package
 * database or manifest the component was found in (a relative URI under the
 * target) and with the component's purl as a logical location.  Levels:
 * critical and high are "error", medium and unknown "warning", low and none
 * "note".  Suppressed findings (VEX, --ignore) are results with a
 * "suppressions" entry (kind "external", status "accepted"), as SARIF
 * intends.  Coverage: components that could not be checked are one
 * toolExecutionNotification (level "warning") per cause in the run's
 * invocation, and every component's coverage is in the run's property bag
 * ("coverage"), so that a dashboard never shows "no results" for a scan
 * that looked at nothing.
 *
 * Policy results (docs/policy.md, "SARIF"): every rule of the run is a
 * reportingDescriptor; each result is a SARIF result whose kind (§3.27.9)
 * says what the rule concluded — pass "pass", fail "fail", not_applicable
 * "notApplicable", skip "open" (evaluated, too little information to
 * decide), error "review" (the rule could not decide: a person must) with a
 * toolExecutionNotification naming the rule and executionSuccessful false —
 * and whose level is the rule's severity for a fail and "none" otherwise
 * (§3.27.10).  Waivers in effect are suppressions (kind "external", status
 * "accepted"); every result has a suppressions array (§3.27.23: all or
 * none).  With a baseline every result has a baselineState (§3.27.24), and
 * the baseline's results that are gone are results marked "absent".  The
 * evidence documents are the run's artifacts, with their SHA-256.
 *
 * Leaves out: code flows, fixes, taxonomies (the requirements are rule
 * properties, not a SARIF taxonomy) and physical locations of policy
 * results (a resource is a name, not a place in a file).
 */
#include <stdio.h>
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"
#include "vigil/digest.h"
#include "vigil/policy.h"
#include "vigil/policy_report.h"

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

/* tool.driver: vigil, its version, and rules (reference stolen). */
static json_t *sarif_driver(const char *version, json_t *rules, int *bad)
{
    json_t *driver = json_object();
    fmt_set(driver, "name", json_string("vigil"), bad);
    fmt_set_str(driver, "version", version, bad);
    fmt_set_str(driver, "semanticVersion", version, bad);
    fmt_set(driver, "informationUri", json_string("https://vigil.dev"), bad);
    fmt_set(driver, "rules", rules, bad);
    if (!driver)
        *bad = 1;
    return driver;
}

/* A notification (toolExecutionNotification) of level with text. */
static json_t *sarif_notification(const char *level, const char *text, int *bad)
{
    json_t *n = json_object();
    fmt_set(n, "message", text_object(text), bad);
    fmt_set(n, "level", json_string(level), bad);
    if (!n)
        *bad = 1;
    return n;
}

/* Completes run with the tool (driver stolen), one invocation (notes
 * stolen) and results (stolen), and dumps the log holding it into out. */
static int sarif_finish(vg_ctx *ctx, json_t *run, json_t *driver, int successful, const char *start,
                        json_t *notes, json_t *results, int bad, vg_buf *out)
{
    json_t *tool = json_object(), *invocations = json_array(), *invocation = json_object();
    fmt_set(invocation, "executionSuccessful", json_boolean(successful), &bad);
    fmt_set_str(invocation, "startTimeUtc", start, &bad);
    fmt_set(invocation, "toolExecutionNotifications", notes, &bad);
    fmt_append(invocations, invocation, &bad);
    fmt_set(run, "invocations", invocations, &bad);
    fmt_set(tool, "driver", driver, &bad);
    fmt_set(run, "tool", tool, &bad);
    fmt_set(run, "results", results, &bad);
    json_t *doc = json_object(), *runs = json_array();
    fmt_append(runs, run, &bad);
    fmt_set(doc, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"), &bad);
    fmt_set(doc, "version", json_string("2.1.0"), &bad);
    fmt_set(doc, "runs", runs, &bad);
    if (bad || !doc) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the SARIF report");
    }
    int st = fmt_dump(ctx, doc, out);
    json_decref(doc);
    return st;
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
    json_t *run = json_object(), *rules = json_array(), *results = json_array(), *notes = json_array();
    if (!run || !rules || !results || !notes)
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
    /* The invocation says what could not be checked. */
    rep_unchecked *groups = NULL;
    size_t ngroups = 0;
    if (!bad && rep_unchecked_groups(&arena, findings, &groups, &ngroups) != VG_OK)
        bad = 1;
    for (size_t i = 0; i < ngroups && !bad; i++) {
        const char *text = vg_arena_printf(&arena, "%zu %s package%s%s not checked: %s", groups[i].count,
                                           groups[i].type, groups[i].count == 1 ? "" : "s",
                                           groups[i].via_os_package ? " installed by OS packages" : "",
                                           groups[i].reason);
        fmt_append(notes, sarif_notification("warning", text, &bad), &bad);
    }
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
    vg_arena_free(&arena);
    return sarif_finish(ctx, run, sarif_driver(opts->tool_version, rules, &bad), 1, NULL, notes, results, bad, out);
}

/* ---- policy results ----------------------------------------------------------- */

static const char *member(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The level of a fail of this severity: critical and high "error", medium
 * "warning", low and info "note". */
static const char *policy_level(const char *severity)
{
    int rank = vg_policy_severity_rank(severity);
    return rank >= 3 ? "error" : rank == 2 ? "warning" : "note";
}

/* kind (§3.27.9) of a result of this status. */
static const char *policy_kind(const char *status)
{
    static const char *const kinds[][2] = {
        {"pass", "pass"}, {"fail", "fail"}, {"not_applicable", "notApplicable"}, {"skip", "open"}, {"error", "review"},
    };
    for (size_t i = 0; status && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(status, kinds[i][0]) == 0)
            return kinds[i][1];
    return "review";
}

/* The rule's name (§3.49.7) from its id: "kev-not-affected" -> "KevNotAffected". */
static json_t *rule_name(const char *id)
{
    char name[128];
    size_t n = 0;
    int upper = 1;
    for (const char *c = id; *c && n + 1 < sizeof name; c++) {
        if (*c == '-' || *c == '_' || *c == '.') {
            upper = 1;
            continue;
        }
        name[n++] = upper && *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
        upper = 0;
    }
    name[n] = '\0';
    return fmt_str(n ? name : id);
}

static json_t *policy_rule(const json_t *decl, int *bad)
{
    const char *title = member(decl, "title"), *rationale = member(decl, "rationale");
    const char *about = rationale && *rationale ? rationale : title ? title : "";
    json_t *r = json_object(), *cfg = json_object(), *props = json_object();
    fmt_set(r, "id", fmt_str(member(decl, "id") ? member(decl, "id") : ""), bad);
    fmt_set(r, "name", rule_name(member(decl, "id") ? member(decl, "id") : ""), bad);
    fmt_set(r, "shortDescription", text_object(title ? title : ""), bad);
    fmt_set(r, "fullDescription", text_object(about), bad);
    fmt_set(r, "help", text_object(about), bad);
    fmt_set(cfg, "enabled", json_boolean(!json_is_false(json_object_get(decl, "enabled"))), bad);
    fmt_set(cfg, "level", json_string(policy_level(member(decl, "severity"))), bad);
    fmt_set(r, "defaultConfiguration", cfg, bad);
    static const char *const copied[] = {"severity", "requirements", "evidence", "pack", "file", "sha256"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        json_t *v = json_object_get(decl, copied[i]);
        if (v)
            fmt_set(props, copied[i], json_deep_copy(v), bad);
    }
    json_t *tags = json_array();
    fmt_append(tags, json_string("compliance"), bad);
    size_t i;
    json_t *req;
    json_array_foreach(json_object_get(decl, "requirements"), i, req) if (json_is_string(req))
        fmt_append(tags, json_copy(req), bad);
    fmt_set(props, "tags", tags, bad);
    fmt_set(r, "properties", props, bad);
    if (!r)
        *bad = 1;
    return r;
}

/* What the result's message says: the rule's own message, else its reason,
 * else a sentence from the status. */
static const char *policy_message(vg_arena *arena, const json_t *res)
{
    const char *msg = member(res, "message"), *reason = member(res, "reason"), *status = member(res, "status");
    const char *resource = member(res, "resource") ? member(res, "resource") : "*";
    const char *rule = member(res, "rule") ? member(res, "rule") : "?";
    if (msg && *msg)
        return status && strcmp(status, "error") == 0 ? vg_arena_printf(arena, "The rule failed: %s", msg) : msg;
    if (reason && *reason)
        return vg_arena_printf(arena, "%s: %s", status && !strcmp(status, "skip") ? "Not checked" : "Not applicable",
                               reason);
    return vg_arena_printf(arena, "%s %s rule %s", resource,
                           status && !strcmp(status, "pass") ? "passes" : status ? status : "has no status in", rule);
}

static json_t *policy_waiver(const json_t *w, int *bad)
{
    json_t *props = json_object();
    static const char *const copied[] = {"owner", "approver", "expires", "ticket", "rule", "resource"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++)
        fmt_set_str(props, copied[i], member(w, copied[i]), bad);
    return props;
}

static json_t *policy_result(vg_arena *arena, const json_t *res, const json_t *index, int *bad)
{
    const char *status = member(res, "status"), *rule = member(res, "rule");
    const char *resource = member(res, "resource") ? member(res, "resource") : "*";
    const char *kind = policy_kind(status);
    json_t *r = json_object();
    fmt_set(r, "ruleId", fmt_str(rule ? rule : ""), bad);
    json_t *ri = json_object_get(index, rule ? rule : "");
    if (ri)
        fmt_set(r, "ruleIndex", json_copy(ri), bad);
    fmt_set(r, "kind", json_string(kind), bad);
    fmt_set(r, "level", json_string(strcmp(kind, "fail") ? "none" : policy_level(member(res, "severity"))), bad);
    fmt_set(r, "message", text_object(policy_message(arena, res)), bad);
    json_t *logical = json_object(), *logicals = json_array(), *loc = json_object(), *locs = json_array();
    fmt_set(logical, "name", fmt_str(resource), bad);
    fmt_set(logical, "fullyQualifiedName", fmt_str(resource), bad);
    fmt_set(logical, "kind", json_string(strncmp(resource, "pkg:", 4) == 0 ? "package" : "resource"), bad);
    fmt_append(logicals, logical, bad);
    fmt_set(loc, "logicalLocations", logicals, bad);
    fmt_append(locs, loc, bad);
    fmt_set(r, "locations", locs, bad);
    if (member(res, "fingerprint")) {
        json_t *fp = json_object();
        fmt_set(fp, "vigilPolicyResult/v1", fmt_str(member(res, "fingerprint")), bad);
        fmt_set(r, "partialFingerprints", fp, bad);
    }
    json_t *sups = json_array(), *w = json_object_get(res, "waiver");
    if (json_is_object(w)) {
        json_t *sup = json_object();
        fmt_set(sup, "kind", json_string("external"), bad);
        fmt_set(sup, "status", json_string("accepted"), bad);
        fmt_set_str(sup, "justification", member(w, "justification"), bad);
        fmt_set(sup, "properties", policy_waiver(w, bad), bad);
        fmt_append(sups, sup, bad);
    }
    fmt_set(r, "suppressions", sups, bad);
    if (member(res, "baseline"))
        fmt_set(r, "baselineState", fmt_str(member(res, "baseline")), bad);
    json_t *props = json_object();
    fmt_set_str(props, "status", status, bad);
    fmt_set_str(props, "severity", member(res, "severity"), bad);
    fmt_set_str(props, "reason", member(res, "reason"), bad);
    static const char *const copied[] = {"requirements", "evidence"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++)
        if (json_object_get(res, copied[i]))
            fmt_set(props, copied[i], json_deep_copy(json_object_get(res, copied[i])), bad);
    json_t *expired = json_object_get(res, "waiver_expired");
    if (json_is_object(expired)) {
        json_t *e = policy_waiver(expired, bad);
        fmt_set_str(e, "justification", member(expired, "justification"), bad);
        fmt_set(props, "waiverExpired", e, bad);
    }
    fmt_set(r, "properties", props, bad);
    if (!r)
        *bad = 1;
    return r;
}

/* An evidence document as an artifact (§3.24): where it was read, its
 * size and SHA-256, what vigil made of it. */
static json_t *policy_artifact(vg_arena *arena, const json_t *ev, int *bad)
{
    json_t *a = json_object(), *props = json_object(), *roles = json_array();
    const char *path = member(ev, "path");
    const char *uri = uri_of_path(arena, path);
    if (uri) {
        json_t *loc = json_object();
        fmt_set(loc, "uri", fmt_str(path[0] == '/' ? vg_arena_printf(arena, "file:///%s", uri) : uri), bad);
        fmt_set(a, "location", loc, bad);
    }
    if (json_is_integer(json_object_get(ev, "size")) && json_integer_value(json_object_get(ev, "size")) >= 0)
        fmt_set(a, "length", json_copy(json_object_get(ev, "size")), bad);
    fmt_append(roles, json_string("analysisTarget"), bad);
    fmt_set(a, "roles", roles, bad);
    if (member(ev, "sha256") && vg_is_hex(member(ev, "sha256"), strlen(member(ev, "sha256")))) {
        json_t *h = json_object();
        fmt_set(h, "sha-256", fmt_str(member(ev, "sha256")), bad);
        fmt_set(a, "hashes", h, bad);
    }
    static const char *const copied[] = {"id", "kind", "format", "collected", "verified", "verification"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++)
        if (json_object_get(ev, copied[i]))
            fmt_set(props, copied[i], json_deep_copy(json_object_get(ev, copied[i])), bad);
    fmt_set(a, "properties", props, bad);
    if (!a)
        *bad = 1;
    return a;
}

int vg_policy_sarif_write(vg_ctx *ctx, const json_t *doc, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    int bad = 0, successful = 1;
    json_t *run = json_object(), *rules = json_array(), *results = json_array(), *notes = json_array();
    json_t *index = json_object(), *artifacts = json_array();
    if (!run || !rules || !results || !notes || !index || !artifacts)
        bad = 1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "rules"), i, v) {
        if (bad)
            break;
        fmt_append(rules, policy_rule(v, &bad), &bad);
        if (member(v, "id") && json_object_set_new(index, member(v, "id"), json_integer((json_int_t)i)))
            bad = 1;
    }
    json_array_foreach(json_object_get(doc, "evidence"), i, v) {
        if (bad)
            break;
        fmt_append(artifacts, policy_artifact(&arena, v, &bad), &bad);
    }
    for (int absent = 0; absent < 2 && !bad; absent++) {
        json_array_foreach(json_object_get(doc, absent ? "absent" : "results"), i, v) {
            if (bad)
                break;
            fmt_append(results, policy_result(&arena, v, index, &bad), &bad);
            /* A rule that could not run is also a problem of the run. */
            if (!absent && member(v, "status") && strcmp(member(v, "status"), "error") == 0) {
                json_t *note = sarif_notification("error", policy_message(&arena, v), &bad), *rule = json_object();
                fmt_set(rule, "id", fmt_str(member(v, "rule") ? member(v, "rule") : ""), &bad);
                json_t *ri = json_object_get(index, member(v, "rule") ? member(v, "rule") : "");
                if (ri)
                    fmt_set(rule, "index", json_copy(ri), &bad);
                fmt_set(note, "associatedRule", rule, &bad);
                fmt_append(notes, note, &bad);
                successful = 0;
            }
        }
    }
    fmt_set(run, "artifacts", artifacts, &bad);
    json_t *props = json_object();
    static const char *const copied[] = {"catalogue", "packs", "summary", "requirements", "manual"};
    for (size_t k = 0; k < sizeof copied / sizeof *copied; k++)
        if (json_object_get(doc, copied[k]))
            fmt_set(props, copied[k], json_deep_copy(json_object_get(doc, copied[k])), &bad);
    fmt_set(run, "properties", props, &bad);
    json_decref(index);
    const json_t *tool = json_object_get(doc, "tool");
    int rc = sarif_finish(ctx, run, sarif_driver(member(tool, "version"), rules, &bad), successful, member(doc, "time"),
                          notes, results, bad, out);
    vg_arena_free(&arena);
    return rc;
}
