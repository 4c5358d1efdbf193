/*
 * junit.c — policy results as JUnit XML, the test report CI dashboards
 * read (Jenkins' JUnit plugin, GitLab's unit test reports, junitparser):
 * the de-facto format of Ant's JUnit task and Maven Surefire, for which
 * there is no normative specification; the elements and attributes used are
 * the ones those readers share.
 *
 * One <testsuite> per pack (rules given one by one form the suite "rules"),
 * in the order of the document's packs, so that each result is counted once
 * — a suite per requirement would count a result once for every requirement
 * its rule cites, and the dashboards' totals would no longer be the run's.
 * One <testcase> per (rule, resource): classname "PACK.RULE" (Jenkins shows
 * the pack as the package and the rule as the class), name the resource.
 * Statuses: pass passes; fail is a <failure> (type: the severity); error is
 * an <error>; skip, not_applicable and waived results are <skipped> with the
 * reason, or the waiver's justification, owner, approver and expiry.  A
 * waiver that has expired does not apply: the fail says it expired.  The
 * requirements and evidence digests of each case are in its <system-out>.
 *
 * Leaves out: times (a rule's time is not recorded: every time is 0), the
 * baseline's absent results (they are not results of this run) and
 * <properties> of test cases, which not every reader accepts.
 */
#include <stdio.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/policy_report.h"

typedef struct junit_counts {
    size_t tests, failures, errors, skipped;
} junit_counts;

static const char *member(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The pack of the result's rule ("rules" for a rule outside any pack). */
static const char *pack_of(const json_t *packs_by_rule, const json_t *result)
{
    const char *pack = member(packs_by_rule, member(result, "rule") ? member(result, "rule") : "");
    return pack && *pack ? pack : "rules";
}

/* Counted as testcase() writes it: waived or neither pass, fail nor error
 * is skipped. */
static void count(junit_counts *c, const json_t *r)
{
    const char *status = member(r, "status") ? member(r, "status") : "";
    c->tests++;
    if (json_is_object(json_object_get(r, "waiver")))
        c->skipped++;
    else if (!strcmp(status, "fail"))
        c->failures++;
    else if (!strcmp(status, "error"))
        c->errors++;
    else if (strcmp(status, "pass"))
        c->skipped++;
}

static void counts_attributes(fmt_writer *w, const junit_counts *c)
{
    fmt_putf(w, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"", c->tests, c->failures,
             c->errors, c->skipped);
}

/* "\nLABEL: VALUE", escaped, when value is not NULL. */
static void line(fmt_writer *w, const char *label, const char *value)
{
    if (!value)
        return;
    fmt_put(w, label);
    fmt_put_text(w, value);
}

/* One line per fact about the result: its requirements, evidence, waiver. */
static void details(fmt_writer *w, const json_t *r, const json_t *evidence_by_id)
{
    static const char *const first[][2] = {
        {"rule", "rule: "}, {"resource", "\nresource: "}, {"status", "\nstatus: "}, {"severity", "\nseverity: "}};
    for (size_t k = 0; k < sizeof first / sizeof *first; k++)
        line(w, first[k][1], member(r, first[k][0]) ? member(r, first[k][0]) : "");
    fmt_put(w, "\nrequirements:");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r, "requirements"), i, v) line(w, " ", json_string_value(v));
    json_array_foreach(json_object_get(r, "evidence"), i, v) {
        const json_t *doc = json_object_get(evidence_by_id, json_string_value(v) ? json_string_value(v) : "");
        line(w, "\nevidence: ", json_string_value(v));
        line(w, " ", member(doc, "path") ? member(doc, "path") : member(doc, "kind"));
        line(w, " sha256:", member(doc, "sha256"));
    }
    static const char *const last[][2] = {{"message", "\nmessage: "}, {"reason", "\nreason: "},
                                          {"baseline", "\nbaseline: "}, {"fingerprint", "\nfingerprint: "}};
    for (size_t k = 0; k < sizeof last / sizeof *last; k++)
        line(w, last[k][1], member(r, last[k][0]));
    fmt_put(w, "\n");
}

/* "LEAD EXPIRES by OWNER (approved by APPROVER): JUSTIFICATION" */
static void waiver_text(fmt_writer *w, const char *lead, const json_t *wv)
{
    line(w, lead, member(wv, "expires") ? member(wv, "expires") : "");
    line(w, " by ", member(wv, "owner") ? member(wv, "owner") : "");
    line(w, " (approved by ", member(wv, "approver") ? member(wv, "approver") : "");
    line(w, "): ", member(wv, "justification") ? member(wv, "justification") : "");
}

static void testcase(fmt_writer *w, const char *pack, const json_t *r, const json_t *evidence_by_id)
{
    const char *status = member(r, "status") ? member(r, "status") : "";
    const json_t *waiver = json_object_get(r, "waiver"), *expired = json_object_get(r, "waiver_expired");
    const char *detail = member(r, "message") ? member(r, "message") : member(r, "reason");
    line(w, "    <testcase classname=\"", pack);
    line(w, ".", member(r, "rule") ? member(r, "rule") : "");
    line(w, "\" name=\"", member(r, "resource") ? member(r, "resource") : "");
    fmt_put(w, "\" time=\"0\">\n");
    if (json_is_object(waiver)) {
        waiver_text(w, "      <skipped message=\"waived until ", waiver);
        line(w, " (the result is ", status);
        fmt_put(w, ")\"/>\n");
    } else if (!strcmp(status, "fail") || !strcmp(status, "error")) {
        const char *element = !strcmp(status, "fail") ? "failure" : "error";
        fmt_putf(w, "      <%s message=\"", element);
        fmt_put_text(w, detail ? detail : status);
        if (json_is_object(expired)) {
            line(w, " (a waiver expired on ", member(expired, "expires") ? member(expired, "expires") : "");
            fmt_put(w, ")");
        }
        line(w, "\" type=\"", !strcmp(status, "fail") && member(r, "severity") ? member(r, "severity") : status);
        fmt_put(w, "\">");
        if (json_is_object(expired))
            waiver_text(w, "a waiver applied until ", expired);
        fmt_putf(w, "</%s>\n", element);
    } else if (strcmp(status, "pass")) {
        fmt_put(w, "      <skipped message=\"");
        fmt_put(w, !strcmp(status, "skip") ? "not checked: " : !strcmp(status, "not_applicable") ? "not applicable: "
                                                                                                : "no status: ");
        fmt_put_text(w, member(r, "reason") ? member(r, "reason") : detail);
        fmt_put(w, "\"/>\n");
    }
    fmt_put(w, "      <system-out>");
    details(w, r, evidence_by_id);
    fmt_put(w, "</system-out>\n    </testcase>\n");
}

int vg_policy_junit_write(vg_ctx *ctx, const json_t *doc, vg_buf *out)
{
    json_t *packs_by_rule = json_object(), *evidence_by_id = json_object(), *suites = json_array();
    int rc = packs_by_rule && evidence_by_id && suites ? VG_OK : VG_ERR_NOMEM;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "rules"), i, v) {
        if (rc == VG_OK && member(v, "id") && json_is_string(json_object_get(v, "pack")))
            rc = json_object_set(packs_by_rule, member(v, "id"), json_object_get(v, "pack")) ? VG_ERR_NOMEM : VG_OK;
    }
    json_array_foreach(json_object_get(doc, "evidence"), i, v) {
        if (rc == VG_OK && member(v, "id"))
            rc = json_object_set(evidence_by_id, member(v, "id"), v) ? VG_ERR_NOMEM : VG_OK;
    }
    /* The suites: the document's packs in order, then any other pack a
     * result names (and "rules"), in the order first met. */
    json_t *results = json_object_get(doc, "results");
    json_array_foreach(json_object_get(doc, "packs"), i, v) {
        if (rc == VG_OK && member(v, "name"))
            rc = json_array_append_new(suites, json_string(member(v, "name"))) ? VG_ERR_NOMEM : VG_OK;
    }
    json_array_foreach(results, i, v) {
        const char *pack = pack_of(packs_by_rule, v);
        size_t j;
        json_t *s;
        int known = 0;
        json_array_foreach(suites, j, s) known |= json_is_string(s) && strcmp(json_string_value(s), pack) == 0;
        if (rc == VG_OK && !known)
            rc = json_array_append_new(suites, fmt_str(pack)) ? VG_ERR_NOMEM : VG_OK;
    }
    junit_counts all = {0};
    json_array_foreach(results, i, v) count(&all, v);
    char stamp[32] = "";
    const char *time = member(doc, "time");
    if (time && strlen(time) == 20 && time[19] == 'Z')
        snprintf(stamp, sizeof stamp, "%.19s", time); /* the schema's xs:dateTime without a zone */
    fmt_writer w = {out, rc};
    fmt_put(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vigil policy\"");
    counts_attributes(&w, &all);
    fmt_put(&w, ">\n");
    json_t *suite;
    json_array_foreach(suites, i, suite) {
        const char *name = json_string_value(suite);
        junit_counts c = {0};
        size_t j;
        json_array_foreach(results, j, v) if (strcmp(pack_of(packs_by_rule, v), name) == 0) count(&c, v);
        if (c.tests == 0)
            continue;
        line(&w, "  <testsuite name=\"", name);
        fmt_put(&w, "\"");
        counts_attributes(&w, &c);
        if (*stamp)
            fmt_putf(&w, " timestamp=\"%s\"", stamp);
        fmt_put(&w, ">\n");
        json_array_foreach(results, j, v) if (strcmp(pack_of(packs_by_rule, v), name) == 0)
            testcase(&w, name, v, evidence_by_id);
        fmt_put(&w, "  </testsuite>\n");
    }
    fmt_put(&w, "</testsuites>\n");
    rc = w.rc;
    json_decref(packs_by_rule);
    json_decref(evidence_by_id);
    json_decref(suites);
    if (rc == VG_ERR_LIMIT)
        return vg_error(ctx, rc, "the JUnit report is larger than %zu bytes", out->max);
    return rc ? vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the JUnit report") : VG_OK;
}
