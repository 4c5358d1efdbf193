/*
 * diligence.c — CRA Art. 13(5) due diligence on the third-party components
 * of an asset's latest snapshot (docs/supplier-risk.md, "Due diligence"):
 * for each component, what vigil could check and what is missing.
 *
 * Five checks, each "ok", "missing" (vigil has no evidence either way) or
 * "fail" (the evidence speaks against the component):
 *   identity         the SBOM names it by purl and version;
 *   vulnerabilities  its coverage says it was checked against the
 *                    vulnerability database (checked, via-os-package) and no
 *                    finding of the snapshot is open on it (open: not fixed,
 *                    not suppressed; a KEV-listed one is counted apart); an
 *                    open finding fails whatever the coverage;
 *   licence          a concluded or declared licence (not NOASSERTION/NONE);
 *   maintenance      the end-of-life table knows its release cycle and it is
 *                    not past its end at `at`; past it, or past its
 *                    supplier's contract end_of_support, fails; a cycle the
 *                    table does not know is missing, never ok;
 *   supplier         an attributed supplier whose last assessment is due no
 *                    earlier than `at`; a failed one fails.
 * Components attributed to a supplier with "own": true are first party, and
 * a component whose coverage is "self" is the asset itself: both are listed
 * as skipped, not checked.
 *
 * Leaves out: the origin of the SBOM (`vigil sbom check` and the
 * attestations of the snapshot say more), vulnerabilities published after
 * the snapshot was last matched (`vigil inventory rescan`), licence
 * compatibility (the licences pack), and maintenance of components the
 * table does not list (no source vigil reads dates their releases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/supplier.h"

typedef enum { CHECK_OK, CHECK_MISSING, CHECK_FAIL } check_status;

static const char *const status_names[] = {"ok", "missing", "fail"};

enum { IDENTITY, VULNERABILITIES, LICENCE, MAINTENANCE, SUPPLIER, NCHECKS };

static const char *const check_names[NCHECKS] = {"identity", "vulnerabilities", "licence", "maintenance", "supplier"};

typedef struct run {
    int64_t at;
    const char *os;
    const vg_eol_table *eol;
    const json_t *findings; /* {"PURL or name@version": [open, kev]} */
    json_t *missing, *failed; /* {check: count} of the summary */
} run;

static const char *text(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

/* "YYYY-MM-DD" of t (seconds, UTC) into buf. */
static const char *date_text(int64_t t, char buf[16])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
        strcpy(buf, "?");
    return buf;
}

/* The date member key of o as seconds, or -1 when absent or no date. */
static int64_t date_of(const json_t *o, const char *key)
{
    int64_t t;
    const char *s = text(o, key);
    return s && vg_supplier_parse_date(s, &t) == 0 ? t : -1;
}

/* The name a component is known by: its purl, else name@version. */
static char *component_key(const json_t *c)
{
    const char *purl = text(c, "purl"), *name = text(c, "name"), *version = text(c, "version");
    if (purl)
        return strdup(purl);
    size_t n = strlen(name ? name : "") + strlen(version ? version : "") + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", name ? name : "", version ? "@" : "", version ? version : "");
    return s;
}

/* {"status", "detail"} plus the members of extra (stolen; may be NULL), and
 * the count of the summary. */
static json_t *check(run *r, int which, check_status status, const char *detail, json_t *extra)
{
    json_t *o = extra ? extra : json_object();
    if (!o || json_object_set_new(o, "status", json_string(status_names[status])) ||
        json_object_set_new(o, "detail", json_string(detail))) {
        json_decref(o);
        return NULL;
    }
    json_t *counts = status == CHECK_MISSING ? r->missing : status == CHECK_FAIL ? r->failed : NULL;
    if (counts) {
        json_t *n = json_object_get(counts, check_names[which]);
        json_object_set_new(counts, check_names[which], json_integer(json_integer_value(n) + 1));
    }
    return o;
}

static json_t *identity(run *r, const json_t *c)
{
    const char *purl = text(c, "purl"), *version = text(c, "version");
    char detail[256];
    if (purl && version)
        return check(r, IDENTITY, CHECK_OK, "purl and version in the SBOM", NULL);
    snprintf(detail, sizeof detail, "the SBOM gives %s", !purl && !version ? "neither purl nor version"
                                                         : !purl          ? "no purl"
                                                                          : "no version");
    return check(r, IDENTITY, CHECK_MISSING, detail, NULL);
}

static json_t *vulnerabilities(run *r, const json_t *c, const char *key)
{
    const char *coverage = text(c, "coverage");
    const json_t *counts = json_object_get(r->findings, key);
    json_int_t open = json_integer_value(json_array_get(counts, 0));
    json_int_t kev = json_integer_value(json_array_get(counts, 1));
    int checked = coverage && (strcmp(coverage, "checked") == 0 || strcmp(coverage, "via-os-package") == 0);
    json_t *extra = json_pack("{s:s?, s:I, s:I}", "coverage", coverage, "open", open, "kev", kev);
    char detail[256];
    if (open) {
        snprintf(detail, sizeof detail, "%lld open finding(s), %lld in CISA KEV (coverage %s)", (long long)open,
                 (long long)kev, coverage ? coverage : "unknown");
        return check(r, VULNERABILITIES, CHECK_FAIL, detail, extra);
    }
    if (checked)
        return check(r, VULNERABILITIES, CHECK_OK, "checked against the vulnerability database: no open finding",
                     extra);
    snprintf(detail, sizeof detail, "not checked against the vulnerability database (coverage %s)",
             coverage ? coverage : "unknown");
    return check(r, VULNERABILITIES, CHECK_MISSING, detail, extra);
}

static json_t *licence(run *r, const json_t *c)
{
    const char *l = text(c, "licenses");
    if (!l || strcmp(l, "NOASSERTION") == 0 || strcmp(l, "NONE") == 0)
        return check(r, LICENCE, CHECK_MISSING, "no concluded or declared licence in the SBOM",
                     json_pack("{s:s?}", "licence", l));
    return check(r, LICENCE, CHECK_OK, "licence in the SBOM", json_pack("{s:s}", "licence", l));
}

static json_t *maintenance(run *r, const json_t *c, const json_t *rec)
{
    vg_eol_verdict v;
    int known = vg_eol_lookup(r->eol, text(c, "purl"), text(c, "name"), text(c, "version"), r->os, r->at, &v);
    const json_t *contract = json_object_get(rec, "contract");
    const char *eos = text(contract, "end_of_support");
    int64_t eos_t = date_of(contract, "end_of_support");
    int eos_past = eos_t >= 0 && eos_t < r->at;
    json_t *extra = json_pack("{s:o, s:s?}", "end_of_life",
                              known ? json_pack("{s:s?, s:s?, s:s?, s:s?, s:b}", "product", v.product, "cycle", v.cycle,
                                                "eol", v.eol, "source", v.source, "past", v.past)
                                    : json_null(),
                              "end_of_support", eos);
    char table[300], detail[512];
    if (known)
        snprintf(table, sizeof table, "%s %s: %s%s", v.product, v.cycle,
                 !v.eol ? "no end of life announced" : v.past ? "end of life " : "supported until ",
                 v.eol ? v.eol : "");
    else
        snprintf(table, sizeof table, "the end-of-life table does not know its release cycle");
    snprintf(detail, sizeof detail, "%s%s%s%s", table, eos ? "; the supplier's contract: end of support " : "",
             eos ? eos : "", eos_past ? " (passed)" : "");
    check_status s = (known && v.past) || eos_past ? CHECK_FAIL : known ? CHECK_OK : CHECK_MISSING;
    return check(r, MAINTENANCE, s, detail, extra);
}

static json_t *supplier(run *r, const json_t *rec)
{
    char detail[512], due[16];
    if (!rec)
        return check(r, SUPPLIER, CHECK_MISSING, "no supplier attributed (vigil supplier unmapped)",
                     json_pack("{s:n}", "assessment"));
    const char *name = text(rec, "name");
    const json_t *a = json_object_get(rec, "assessment");
    json_t *extra = json_pack("{s:O}", "assessment", a ? a : json_null());
    int64_t next_due = date_of(a, "next_due");
    const char *result = text(a, "result");
    if (!a || next_due < 0) {
        snprintf(detail, sizeof detail, "%s: no assessment recorded", name);
        return check(r, SUPPLIER, CHECK_MISSING, detail, extra);
    }
    if (next_due < r->at) {
        snprintf(detail, sizeof detail, "%s: assessment overdue since %s (at %s)", name, text(a, "next_due"),
                 date_text(r->at, due));
        return check(r, SUPPLIER, CHECK_MISSING, detail, extra);
    }
    const char *date = text(a, "date");
    snprintf(detail, sizeof detail, "%s: assessed %s (%s), next due %s", name, date ? date : "?",
             result ? result : "?", text(a, "next_due"));
    return check(r, SUPPLIER, result && strcmp(result, "fail") == 0 ? CHECK_FAIL : CHECK_OK, detail, extra);
}

/* The open and KEV-listed findings of the snapshot's finding_list, by
 * component, into *out: {"KEY": [open, kev]}. */
static int count_findings(vg_ctx *ctx, const json_t *list, json_t **out)
{
    json_t *by = json_object();
    size_t i;
    const json_t *f;
    json_array_foreach(list, i, f) {
        if (!by)
            break;
        if (json_is_true(json_object_get(f, "suppressed")) || !json_is_null(json_object_get(f, "fixed")))
            continue;
        char *key = component_key(f);
        json_t *n = key ? json_object_get(by, key) : NULL;
        if (key && !n && json_object_set_new(by, key, n = json_pack("[i, i]", 0, 0)))
            n = NULL;
        if (!n || json_array_set_new(n, 0, json_integer(json_integer_value(json_array_get(n, 0)) + 1)) ||
            json_array_set_new(n, 1, json_integer(json_integer_value(json_array_get(n, 1)) +
                                                  json_is_true(json_object_get(f, "kev"))))) {
            json_decref(by);
            by = NULL;
        }
        free(key);
    }
    *out = by;
    return by ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}

/* The entry of one third-party component c attributed to rec (NULL: none)
 * by rule, or NULL when out of memory. */
static json_t *component_entry(run *r, const json_t *c, const json_t *rec, const char *rule, const char *key)
{
    json_t *checks = json_object(), *missing = json_array(), *failed = json_array();
    json_t *e = json_pack("{s:s, s:O?, s:O?, s:O?, s:s?, s:s?, s:o, s:o, s:o}", "component", key, "purl",
                          json_object_get(c, "purl"), "name", json_object_get(c, "name"), "version",
                          json_object_get(c, "version"), "supplier", text(rec, "name"), "rule", rule, "checks",
                          checks, "missing", missing, "failed", failed);
    if (!e)
        return NULL;
    json_t *each[NCHECKS] = {identity(r, c), vulnerabilities(r, c, key), licence(r, c), maintenance(r, c, rec),
                             supplier(r, rec)};
    int ok = 1;
    for (int i = 0; i < NCHECKS; i++) {
        if (!each[i] || json_object_set_new(checks, check_names[i], each[i])) {
            ok = 0;
            continue;
        }
        const char *s = json_string_value(json_object_get(each[i], "status"));
        if (strcmp(s, "missing") == 0)
            ok = ok && !json_array_append_new(missing, json_string(check_names[i]));
        else if (strcmp(s, "fail") == 0)
            ok = ok && !json_array_append_new(failed, json_string(check_names[i]));
    }
    if (!ok) {
        json_decref(e);
        return NULL;
    }
    return e;
}

/* Fills *out from the snapshot snap, the register records, their compiled
 * rules and the end-of-life table. */
static int diligence(vg_ctx *ctx, run *r, const json_t *snap, const json_t *records, const vg_supplier_rules *rules,
                     json_t **out)
{
    json_t *findings = NULL;
    int rc = count_findings(ctx, json_object_get(snap, "finding_list"), &findings);
    if (rc)
        return rc;
    r->findings = findings;
    char at[16];
    json_t *list = json_array(), *skipped = json_array();
    r->missing = json_object();
    r->failed = json_object();
    json_t *doc = json_pack("{s:O?, s:O?, s:O?, s:O?, s:s, s:o, s:o}", "asset", json_object_get(snap, "asset"),
                            "snapshot", json_object_get(snap, "snapshot"), "created", json_object_get(snap, "created"),
                            "os", json_object_get(snap, "os"), "at", date_text(r->at, at), "components", list,
                            "skipped", skipped);
    if (!doc || !r->missing || !r->failed) {
        json_decref(doc);
        json_decref(findings);
        json_decref(r->missing);
        json_decref(r->failed);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    size_t i, complete = 0, third = 0;
    const json_t *c;
    json_array_foreach(json_object_get(snap, "component_list"), i, c) {
        const char *rule = NULL;
        long idx = vg_supplier_attribute(rules, text(c, "purl"), text(c, "name"), text(c, "supplier"), &rule);
        const json_t *rec = idx >= 0 ? json_array_get(records, (size_t)idx) : NULL;
        char *key = component_key(c);
        const char *coverage = text(c, "coverage");
        json_t *e = NULL;
        if (key && json_is_true(json_object_get(rec, "own")))
            e = json_pack("{s:s, s:s?, s:s}", "component", key, "supplier", text(rec, "name"), "reason",
                          "first party: its supplier is our own organisation (own)");
        else if (key && coverage && strcmp(coverage, "self") == 0)
            e = json_pack("{s:s, s:s?, s:s}", "component", key, "supplier", text(rec, "name"), "reason",
                          "the asset itself (coverage self)");
        if (e) {
            rc = json_array_append_new(skipped, e);
        } else if (key && (e = component_entry(r, c, rec, rule, key))) {
            third++;
            complete += json_array_size(json_object_get(e, "missing")) == 0;
            rc = json_array_append_new(list, e);
        } else {
            rc = -1;
        }
        free(key);
        if (rc)
            break;
    }
    json_decref(findings);
    r->findings = NULL;
    if (rc) {
        json_decref(r->missing);
        json_decref(r->failed);
    }
    if (rc || json_object_set_new(doc, "summary",
                                  json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "components",
                                            (json_int_t)json_array_size(json_object_get(snap, "component_list")),
                                            "third_party", (json_int_t)third, "skipped",
                                            (json_int_t)json_array_size(skipped), "complete", (json_int_t)complete,
                                            "missing", r->missing, "failed", r->failed))) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    *out = doc;
    return VG_OK;
}

int vg_supplier_diligence(vg_ctx *ctx, vg_store *store, const char *asset, int64_t at, json_t **out)
{
    *out = NULL;
    size_t n = strlen(asset) + sizeof "@latest";
    char *ref = malloc(n);
    if (!ref)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    snprintf(ref, n, "%s@latest", asset);
    json_t *snap = NULL, *records = NULL;
    vg_supplier_rules *rules = NULL;
    vg_eol_table *eol = NULL;
    int rc = vg_store_show(ctx, store, ref, &snap);
    free(ref);
    rc = rc ? rc : vg_store_supplier_list(ctx, store, &records);
    rc = rc ? rc : vg_supplier_rules_compile(ctx, records, &rules);
    rc = rc ? rc : vg_eol_load(ctx, NULL, &eol);
    if (rc == VG_OK) {
        run r = {.at = at, .os = text(snap, "os"), .eol = eol};
        rc = diligence(ctx, &r, snap, records, rules, out);
    }
    vg_eol_free(eol);
    vg_supplier_rules_free(rules);
    json_decref(records);
    json_decref(snap);
    return rc;
}
