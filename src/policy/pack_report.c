/*
 * pack_report.c — the evidence pack's index.html: the results of a policy
 * run as one HTML5 page an auditor opens in any browser, offline — inline
 * CSS, no script, no image, no font or anything else fetched (the only links
 * are to the pack's own files and to anchors in the page).
 *
 * Reads top-down the way an audit goes: summary; requirements (status,
 * rules, result counts, manual attestations); rules and their results per
 * resource (with the evidence each rests on, waivers, baseline marks);
 * evidence (source, file in the pack, SHA-256, size, time, signature
 * check); waivers (in effect or expired, how often used); manual
 * attestations; drift against the baseline (new, updated, absent).
 * Everything shown comes from the results document; text is escaped with
 * fmt_markup().  docs/policy.md ("The evidence pack") describes it.
 *
 * Leaves out: charts, sorting or filtering (no script), pagination (a large
 * run gives a long page) and any styling for print beyond the browser's.
 */
#include <stdio.h>
#include <string.h>

#include "format/format_internal.h"
#include "policy/pack_internal.h"

typedef fmt_writer html;

static const char *member(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

#define raw fmt_put
#define esc fmt_put_text
#define rawf fmt_putf

/* <td>text</td>, escaped; "—" for none. */
static void cell(html *h, const char *text)
{
    raw(h, "<td>");
    esc(h, text && *text ? text : "\xE2\x80\x94");
    raw(h, "</td>");
}

/* A status badge: <span class="status st-STATUS">STATUS</span>. */
static void badge(html *h, const char *status)
{
    const char *s = status ? status : "unknown";
    raw(h, "<span class=\"status st-");
    esc(h, s);
    raw(h, "\">");
    esc(h, s);
    raw(h, "</span>");
}

/* A link to the anchor PREFIX-ID of each id of the array, after sep. */
static void links(html *h, const json_t *ids, const char *prefix, const char *sep)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        rawf(h, "%s<a href=\"#%s-", i ? sep : "", prefix);
        esc(h, json_string_value(v));
        raw(h, "\">");
        esc(h, json_string_value(v));
        raw(h, "</a>");
    }
}

static const char style[] =
    "body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1b1b;"
    "line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ccc;margin-top:2em}"
    "h3{font-size:1.1em;margin:1.5em 0 .3em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.92em}"
    "th,td{border:1px solid #d0d0d0;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}code,.digest{font-family:'DejaVu Sans Mono',monospace;font-size:.85em;"
    "overflow-wrap:anywhere}"
    ".meta{color:#555}.rationale{font-style:italic}nav a{margin-right:.8em}"
    ".status{display:inline-block;padding:0 .4em;border-radius:3px;font-weight:600}"
    ".st-pass{background:#d8f0d8;color:#145214}.st-fail{background:#f8d4d4;color:#7a1010}"
    ".st-not_applicable,.st-not_checked{background:#e6e6e6;color:#333}.st-skip{background:#fbeccb;color:#6a4a00}"
    ".st-error{background:#7a1010;color:#fff}.st-partial{background:#fbeccb;color:#6a4a00}"
    ".waived{background:#dde6f7;color:#1d3b73;padding:0 .4em;border-radius:3px}"
    ".counts td{font-size:1.4em;font-weight:600;text-align:center}"
    "footer{margin-top:3em;color:#555;font-size:.9em}";

static void header(html *h, const json_t *doc)
{
    const json_t *tool = json_object_get(doc, "tool");
    raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>Policy evidence pack \xE2\x80\x94 ");
    esc(h, member(doc, "time"));
    raw(h, "</title>\n<style>");
    raw(h, style);
    raw(h, "</style>\n</head>\n<body>\n<header>\n<h1>Policy evidence pack</h1>\n<p class=\"meta\">Run of <time "
           "id=\"run-time\">");
    esc(h, member(doc, "time"));
    raw(h, "</time> by ");
    esc(h, member(tool, "name") ? member(tool, "name") : "vigil");
    raw(h, " ");
    esc(h, member(tool, "version"));
    if (member(json_object_get(doc, "catalogue"), "version")) {
        raw(h, " \xC2\xB7 catalogue ");
        esc(h, member(json_object_get(doc, "catalogue"), "version"));
    }
    raw(h, " \xC2\xB7 packs:");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "packs"), i, p) {
        raw(h, i ? ", " : " ");
        esc(h, member(p, "name"));
        if (json_is_integer(json_object_get(p, "rules")))
            rawf(h, " (%lld rules)", (long long)json_integer_value(json_object_get(p, "rules")));
    }
    raw(h, "</p>\n</header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#requirements\">Requirements</a>"
           "<a href=\"#rules\">Rules and results</a><a href=\"#evidence\">Evidence</a><a href=\"#waivers\">Waivers</a>"
           "<a href=\"#manual\">Manual attestations</a><a href=\"#drift\">Drift</a><a href=\"results.json\">"
           "results.json</a><a href=\"SHA256SUMS\">SHA256SUMS</a></nav>\n");
}

static void summary(html *h, const json_t *doc)
{
    static const char *const keys[][2] = {{"pass", "pass"},         {"fail", "fail"},   {"not_applicable", "not applicable"},
                                          {"skip", "skip"},         {"error", "error"}, {"waived", "waived"}};
    const json_t *s = json_object_get(doc, "summary");
    raw(h, "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"counts\">\n<thead><tr>");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        rawf(h, "<th>%s</th>", keys[i][1]);
    raw(h, "</tr></thead>\n<tbody><tr>");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        rawf(h, "<td id=\"count-%s\" class=\"st-%s\">%lld</td>", keys[i][0], keys[i][0],
             (long long)json_integer_value(json_object_get(s, keys[i][0])));
    raw(h, "</tr></tbody>\n</table>\n");
    size_t i, pass = 0;
    json_t *r;
    json_array_foreach(json_object_get(doc, "requirements"), i, r) pass += member(r, "status") &&
                                                                          !strcmp(member(r, "status"), "pass");
    rawf(h, "<p id=\"requirements-passing\">%zu of %zu requirements pass.</p>\n</section>\n", pass,
         json_array_size(json_object_get(doc, "requirements")));
}

/* "2 pass, 1 fail" of the results citing requirement id. */
static void requirement_counts(html *h, const json_t *results, const char *id)
{
    static const char *const statuses[] = {"pass", "fail", "not_applicable", "skip", "error"};
    size_t n[5] = {0}, waived = 0, i, j;
    json_t *r, *req;
    json_array_foreach(results, i, r) {
        int cites = 0;
        json_array_foreach(json_object_get(r, "requirements"), j, req) cites |= json_is_string(req) &&
                                                                                !strcmp(json_string_value(req), id);
        if (!cites)
            continue;
        for (size_t k = 0; k < 5; k++)
            n[k] += member(r, "status") && !strcmp(member(r, "status"), statuses[k]);
        waived += json_is_object(json_object_get(r, "waiver"));
    }
    int any = 0;
    raw(h, "<td>");
    for (size_t k = 0; k < 5; k++) {
        if (n[k])
            rawf(h, "%s%zu %s", any++ ? ", " : "", n[k], statuses[k]);
    }
    if (waived)
        rawf(h, " (%zu waived)", waived);
    raw(h, any ? "</td>" : "none</td>");
}

static void requirements(html *h, const json_t *doc)
{
    raw(h, "<section id=\"requirements\">\n<h2>Requirements</h2>\n<table>\n<thead><tr><th>Requirement</th><th>Status"
           "</th><th>Rules</th><th>Results</th><th>Manual attestations</th></tr></thead>\n<tbody>\n");
    size_t i, j;
    json_t *req, *v;
    json_array_foreach(json_object_get(doc, "requirements"), i, req) {
        const char *id = member(req, "id") ? member(req, "id") : "";
        raw(h, "<tr class=\"requirement\" id=\"req-");
        esc(h, id);
        raw(h, "\"><td class=\"req-id\"><code>");
        esc(h, id);
        raw(h, "</code></td><td>");
        badge(h, member(req, "status"));
        raw(h, "</td><td>");
        links(h, json_object_get(req, "rules"), "rule", ", ");
        raw(h, "</td>");
        requirement_counts(h, json_object_get(doc, "results"), id);
        size_t manual = 0;
        json_array_foreach(json_object_get(doc, "manual"), j, v) manual += member(v, "requirement") &&
                                                                            !strcmp(member(v, "requirement"), id);
        if (manual)
            rawf(h, "<td><a href=\"#manual\">%zu</a></td></tr>\n", manual);
        else
            raw(h, "<td>none</td></tr>\n");
    }
    raw(h, "</tbody>\n</table>\n</section>\n");
}

static void waiver_line(html *h, const char *lead, const json_t *w)
{
    raw(h, "<br><span class=\"waived\">");
    raw(h, lead);
    esc(h, member(w, "expires"));
    raw(h, "</span> ");
    esc(h, member(w, "justification"));
    raw(h, " (owner ");
    esc(h, member(w, "owner"));
    raw(h, ", approved by ");
    esc(h, member(w, "approver"));
    if (member(w, "ticket")) {
        raw(h, ", ");
        esc(h, member(w, "ticket"));
    }
    raw(h, ")");
}

static void result_row(html *h, const json_t *r)
{
    raw(h, "<tr class=\"result\"><td><code>");
    esc(h, member(r, "resource"));
    raw(h, "</code></td><td>");
    badge(h, member(r, "status"));
    if (json_is_object(json_object_get(r, "waiver")))
        raw(h, " <span class=\"waived\">waived</span>");
    raw(h, "</td><td>");
    esc(h, member(r, "message") ? member(r, "message") : member(r, "reason"));
    if (member(r, "message") && member(r, "reason")) {
        raw(h, "<br>");
        esc(h, member(r, "reason"));
    }
    if (json_is_object(json_object_get(r, "waiver")))
        waiver_line(h, "waived until ", json_object_get(r, "waiver"));
    if (json_is_object(json_object_get(r, "waiver_expired")))
        waiver_line(h, "waiver expired on ", json_object_get(r, "waiver_expired"));
    raw(h, "</td><td>");
    links(h, json_object_get(r, "evidence"), "ev", ", ");
    raw(h, "</td>");
    cell(h, member(r, "baseline"));
    raw(h, "</tr>\n");
}

static void rules(html *h, const json_t *doc)
{
    raw(h, "<section id=\"rules\">\n<h2>Rules and results</h2>\n");
    const json_t *results = json_object_get(doc, "results");
    size_t i, j;
    json_t *rule, *v;
    json_array_foreach(json_object_get(doc, "rules"), i, rule) {
        const char *id = member(rule, "id") ? member(rule, "id") : "";
        raw(h, "<article class=\"rule\" id=\"rule-");
        esc(h, id);
        raw(h, "\">\n<h3><code>");
        esc(h, id);
        raw(h, "</code> \xE2\x80\x94 ");
        esc(h, member(rule, "title"));
        raw(h, "</h3>\n<p class=\"meta\">severity ");
        esc(h, member(rule, "severity"));
        raw(h, " \xC2\xB7 pack ");
        esc(h, member(rule, "pack") && *member(rule, "pack") ? member(rule, "pack") : "(none)");
        raw(h, " \xC2\xB7 requirements ");
        links(h, json_object_get(rule, "requirements"), "req", " ");
        raw(h, " \xC2\xB7 evidence:");
        json_array_foreach(json_object_get(rule, "evidence"), j, v) {
            raw(h, " ");
            esc(h, json_string_value(v));
        }
        raw(h, "<br>file ");
        esc(h, member(rule, "file"));
        raw(h, " sha256 <span class=\"digest\">");
        esc(h, member(rule, "sha256"));
        raw(h, "</span>");
        if (json_is_false(json_object_get(rule, "enabled")))
            raw(h, " \xC2\xB7 <strong>disabled in this run</strong>");
        raw(h, "</p>\n");
        if (member(rule, "rationale") && *member(rule, "rationale")) {
            raw(h, "<p class=\"rationale\">");
            esc(h, member(rule, "rationale"));
            raw(h, "</p>\n");
        }
        raw(h, "<table class=\"results\">\n<thead><tr><th>Resource</th><th>Status</th><th>Detail</th><th>Evidence"
               "</th><th>Baseline</th></tr></thead>\n<tbody>\n");
        size_t shown = 0;
        json_array_foreach(results, j, v) {
            if (member(v, "rule") && !strcmp(member(v, "rule"), id)) {
                result_row(h, v);
                shown++;
            }
        }
        if (!shown)
            raw(h, "<tr><td colspan=\"5\">No results: the rule did not run.</td></tr>\n");
        raw(h, "</tbody>\n</table>\n</article>\n");
    }
    raw(h, "</section>\n");
}

/* Opens section id titled title; when list is empty, says empty and closes
 * it (0), else opens a table of the columns (a row of <th>) for the rows
 * that follow (1). */
static int section_table(html *h, const char *id, const char *title, const json_t *list, const char *empty,
                         const char *columns)
{
    rawf(h, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
    if (json_array_size(list) == 0) {
        rawf(h, "<p>%s</p>\n</section>\n", empty);
        return 0;
    }
    rawf(h, "<table>\n<thead><tr>%s</tr></thead>\n<tbody>\n", columns);
    return 1;
}

static void section_end(html *h)
{
    raw(h, "</tbody>\n</table>\n</section>\n");
}

static const json_t *file_of(const json_t *files, const char *id)
{
    size_t i;
    json_t *f;
    json_array_foreach((json_t *)files, i, f) if (member(f, "evidence") && !strcmp(member(f, "evidence"), id)) return f;
    return NULL;
}

static void evidence(html *h, const json_t *doc, const json_t *files)
{
    const json_t *list = json_object_get(doc, "evidence");
    if (!section_table(h, "evidence", "Evidence", list, "No evidence was given.",
                       "<th>Id</th><th>Kind</th><th>Format</th><th>Source</th><th>File in this pack</th>"
                       "<th>SHA-256</th><th>Size</th><th>Collected</th><th>Verified</th>"))
        return;
    size_t i;
    json_t *ev;
    json_array_foreach(list, i, ev) {
        const char *id = member(ev, "id") ? member(ev, "id") : "";
        const json_t *f = file_of(files, id);
        raw(h, "<tr class=\"evidence\" id=\"ev-");
        esc(h, id);
        raw(h, "\">");
        cell(h, id);
        cell(h, member(ev, "kind"));
        cell(h, member(ev, "format"));
        cell(h, member(ev, "path") ? member(ev, "path") : "(no file: from the store)");
        raw(h, "<td>");
        if (f) {
            raw(h, "<a href=\"");
            esc(h, member(f, "path"));
            raw(h, "\">");
            esc(h, member(f, "path"));
            raw(h, "</a>");
        } else {
            raw(h, "\xE2\x80\x94");
        }
        raw(h, "</td><td class=\"digest\">");
        esc(h, member(ev, "sha256"));
        if (f && member(ev, "sha256") && strcmp(member(f, "sha256"), member(ev, "sha256"))) {
            raw(h, "<br>file in this pack (canonical JSON): ");
            esc(h, member(f, "sha256"));
        }
        raw(h, "</td>");
        if (json_is_integer(json_object_get(ev, "size")))
            rawf(h, "<td>%lld</td>", (long long)json_integer_value(json_object_get(ev, "size")));
        else
            cell(h, NULL);
        cell(h, member(ev, "collected"));
        const json_t *verified = json_object_get(ev, "verified");
        raw(h, "<td>");
        esc(h, json_is_true(verified) ? "verified" : json_is_false(verified) ? "NOT verified" : "not signed");
        if (member(ev, "verification")) {
            raw(h, ": ");
            esc(h, member(ev, "verification"));
        }
        raw(h, "</td></tr>\n");
    }
    section_end(h);
}

static void waivers(html *h, const json_t *doc)
{
    const json_t *list = json_object_get(doc, "waivers");
    if (!section_table(h, "waivers", "Waivers", list, "No waivers were given.",
                       "<th>Rule</th><th>Resource</th><th>Justification</th><th>Owner</th><th>Approver</th>"
                       "<th>Expires</th><th>Ticket</th><th>State</th><th>Results waived</th>"))
        return;
    size_t i;
    json_t *w;
    json_array_foreach(list, i, w) {
        raw(h, "<tr class=\"waiver\">");
        cell(h, member(w, "rule"));
        cell(h, member(w, "resource") ? member(w, "resource") : "*");
        cell(h, member(w, "justification"));
        cell(h, member(w, "owner"));
        cell(h, member(w, "approver"));
        cell(h, member(w, "expires"));
        cell(h, member(w, "ticket"));
        cell(h, json_is_true(json_object_get(w, "expired")) ? "expired: no longer applied" : "in effect");
        rawf(h, "<td>%lld</td></tr>\n", (long long)json_integer_value(json_object_get(w, "used")));
    }
    section_end(h);
}

static void manual(html *h, const json_t *doc)
{
    const json_t *list = json_object_get(doc, "manual");
    if (!section_table(h, "manual", "Manual attestations", list, "None in this run.",
                       "<th>Requirement</th><th>Statement</th><th>Expires</th><th>Signature</th><th>SHA-256</th>"))
        return;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        raw(h, "<tr class=\"manual\">");
        cell(h, member(m, "requirement"));
        cell(h, member(m, "statement"));
        cell(h, member(m, "expires"));
        cell(h, json_is_true(json_object_get(m, "verified")) ? "verified" : "NOT verified");
        raw(h, "<td class=\"digest\">");
        esc(h, member(m, "sha256"));
        raw(h, "</td></tr>\n");
    }
    section_end(h);
}

static void drift(html *h, const json_t *doc)
{
    static const char *const states[] = {"new", "unchanged", "updated", "absent"};
    raw(h, "<section id=\"drift\">\n<h2>Drift against the baseline</h2>\n");
    const json_t *results = json_object_get(doc, "results"), *absent = json_object_get(doc, "absent");
    size_t n[4] = {0}, i, marked = 0;
    json_t *r;
    json_array_foreach(results, i, r) {
        for (size_t k = 0; k < 4; k++)
            n[k] += member(r, "baseline") && !strcmp(member(r, "baseline"), states[k]);
        marked += member(r, "baseline") != NULL;
    }
    n[3] += json_array_size(absent);
    if (!marked && !json_is_array(absent)) {
        raw(h, "<p>No baseline was given (<code>--baseline</code>).</p>\n</section>\n");
        return;
    }
    if (member(json_object_get(doc, "inputs"), "baseline")) {
        raw(h, "<p>Baseline: <code>");
        esc(h, member(json_object_get(doc, "inputs"), "baseline"));
        raw(h, "</code></p>\n");
    }
    raw(h, "<table class=\"counts\">\n<thead><tr><th>new</th><th>unchanged</th><th>updated</th><th>absent</th></tr>"
           "</thead>\n<tbody><tr>");
    for (size_t k = 0; k < 4; k++)
        rawf(h, "<td id=\"drift-%s\">%zu</td>", states[k], n[k]);
    raw(h, "</tr></tbody>\n</table>\n<table>\n<thead><tr><th>Change</th><th>Rule</th><th>Resource</th><th>Status</th>"
           "<th>Detail</th></tr></thead>\n<tbody>\n");
    for (int gone = 0; gone < 2; gone++) {
        json_array_foreach(gone ? absent : results, i, r) {
            const char *state = member(r, "baseline");
            if (!state || !strcmp(state, "unchanged"))
                continue;
            raw(h, "<tr class=\"drift\">");
            cell(h, state);
            cell(h, member(r, "rule"));
            cell(h, member(r, "resource"));
            raw(h, "<td>");
            badge(h, member(r, "status"));
            raw(h, "</td>");
            cell(h, member(r, "message") ? member(r, "message") : member(r, "reason"));
            raw(h, "</tr>\n");
        }
    }
    raw(h, "</tbody>\n</table>\n</section>\n");
}

int pack_report_html(vg_ctx *ctx, const json_t *doc, const json_t *files, vg_buf *out)
{
    html h = {out, VG_OK};
    header(&h, doc);
    raw(&h, "<main>\n");
    summary(&h, doc);
    requirements(&h, doc);
    rules(&h, doc);
    evidence(&h, doc, files);
    waivers(&h, doc);
    manual(&h, doc);
    drift(&h, doc);
    raw(&h, "</main>\n<footer>\n<p>This pack holds the results document (<a href=\"results.json\">results.json</a>), "
            "every evidence file under <code>evidence/</code> and their SHA-256 in <a href=\"SHA256SUMS\">SHA256SUMS"
            "</a> (<code>sha256sum -c SHA256SUMS</code>). When signed, <code>attestation.sigstore.json</code> is an "
            "in-toto statement over every file; check that nothing was changed, added or removed with <code>vigil "
            "verify --key KEY --pack PACK</code>.</p>\n</footer>\n</body>\n</html>\n");
    if (h.rc == VG_ERR_LIMIT)
        return vg_error(ctx, h.rc, "the HTML report is larger than %zu bytes", out->max);
    return h.rc ? vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the HTML report") : VG_OK;
}
