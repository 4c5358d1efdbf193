/*
 * clock.c — the legal clocks: every submission the law asks of an incident
 * or an actively exploited vulnerability, and when it is due, as a pure
 * function of the record (docs/incidents.md, "The clocks").
 *
 *   NIS2 (Directive (EU) 2022/2555) Art. 23(4), for a significant incident:
 *     (a) early warning: 24 hours after becoming aware;
 *     (b) incident notification: 72 hours after becoming aware; a trust
 *         service provider, for incidents that impact its trust services:
 *         24 hours (Art. 23(4), second subparagraph);
 *     (c) intermediate report: when the CSIRT or authority asks for one;
 *     (d) final report: one month after the incident notification was
 *         submitted;
 *     (e) if the incident is still ongoing then: a progress report at that
 *         time, and the final report one month after its handling ended.
 *   CRA (Regulation (EU) 2024/2847) Art. 14:
 *     (2) an actively exploited vulnerability: (a) early warning 24 hours,
 *         (b) vulnerability notification 72 hours, (c) final report 14 days
 *         after a corrective or mitigating measure is available;
 *     (4) a severe incident: (a) early warning 24 hours, (b) incident
 *         notification 72 hours, (c) final report one month after the
 *         incident notification was submitted;
 *     (6) an intermediate report when the CSIRT asks for one;
 *     (8) informing the impacted users: required, with no fixed time.
 *
 * Hours are exact (3600 s each); months are calendar months in UTC
 * (vg_incident_add_months); daylight saving never moves a deadline.  An
 * incident not yet classified has its NIS2 clocks running, marked
 * provisional; one classified not significant has none (reporting it is
 * voluntary, NIS2 Art. 30).
 */
#include <string.h>

#include "vigil/incident.h"

#define HOUR 3600
#define DAY (24 * HOUR)

static const char *const stage_names[VG_STAGE_COUNT] = {
    "early-warning", "notification", "intermediate", "progress", "final", "users-informed",
};

const char *vg_incident_stage_name(vg_incident_stage stage)
{
    return (unsigned)stage < VG_STAGE_COUNT ? stage_names[stage] : "?";
}

int vg_incident_stage_parse(const char *s)
{
    for (int i = 0; s && i < VG_STAGE_COUNT; i++)
        if (strcmp(s, stage_names[i]) == 0)
            return i;
    return -1;
}

const char *vg_incident_regime_name(unsigned regime) { return regime == VG_REGIME_CRA ? "cra" : "nis2"; }

/* The n-th (from 0) submission of (regime, stage), or NULL. */
static const vg_incident_submission *submission(const vg_incident *inc, unsigned regime, vg_incident_stage stage,
                                                size_t n)
{
    for (size_t i = 0; i < inc->nsubs; i++)
        if (inc->subs[i].regime == regime && inc->subs[i].stage == stage && n-- == 0)
            return &inc->subs[i];
    return NULL;
}

/* Appends a deadline of (regime, stage), submitted or not as the record says. */
static void add(const vg_incident *inc, vg_deadline *out, size_t *n, unsigned regime, vg_incident_stage stage,
                size_t nth, const char *article, int64_t due, const char *waiting)
{
    const vg_incident_submission *s = submission(inc, regime, stage, nth);
    out[(*n)++] = (vg_deadline){
        .regime = regime,
        .stage = stage,
        .article = article,
        .due = due,
        .waiting = due ? NULL : waiting,
        .submitted = s ? s->at : 0,
        .reference = s ? s->reference : NULL,
    };
}

/* The intermediate reports the authority asked for under regime: the k-th
 * submission answers the k-th request. */
static void intermediates(const vg_incident *inc, vg_deadline *out, size_t *n, unsigned regime, const char *article)
{
    for (size_t i = 0, k = 0; i < inc->nrequests; i++)
        if (inc->requests[i].regime == regime)
            add(inc, out, n, regime, VG_STAGE_INTERMEDIATE, k++, article, inc->requests[i].due, NULL);
}

static void nis2(const vg_incident *inc, vg_deadline *out, size_t *n)
{
    size_t first = *n;
    int tsp = inc->entity_type && strcmp(inc->entity_type, "trust-service-provider") == 0;
    add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, 0, "NIS2 Art. 23(4)(a)", inc->aware_at + 24 * HOUR, NULL);
    add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, 0,
        tsp ? "NIS2 Art. 23(4), second subparagraph" : "NIS2 Art. 23(4)(b)",
        inc->aware_at + (tsp ? 24 : 72) * HOUR, NULL);
    intermediates(inc, out, n, VG_REGIME_NIS2, "NIS2 Art. 23(4)(c)");

    const vg_incident_submission *notified = submission(inc, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, 0);
    const vg_incident_submission *final = submission(inc, VG_REGIME_NIS2, VG_STAGE_FINAL, 0);
    const vg_incident_submission *progress = submission(inc, VG_REGIME_NIS2, VG_STAGE_PROGRESS, 0);
    if (!notified) {
        add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_FINAL, 0, "NIS2 Art. 23(4)(d)", 0,
            "one month after the incident notification is submitted");
    } else {
        int64_t mark = vg_incident_add_months(notified->at, 1);
        int ended_by_mark = inc->ended_at && inc->ended_at <= mark;
        if (final && !progress) {
            add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_FINAL, 0, "NIS2 Art. 23(4)(d)", mark, NULL);
        } else if (ended_by_mark && !progress) {
            add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_FINAL, 0, "NIS2 Art. 23(4)(d)", mark, NULL);
        } else if (inc->ended_at || progress) {
            /* Ongoing at the mark: a progress report then, the final one
             * month after the handling ended. */
            add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_PROGRESS, 0, "NIS2 Art. 23(4)(e)", mark, NULL);
            add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_FINAL, 0, "NIS2 Art. 23(4)(e)",
                inc->ended_at ? vg_incident_add_months(inc->ended_at, 1) : 0,
                "one month after the handling of the incident ends");
        } else {
            add(inc, out, n, VG_REGIME_NIS2, VG_STAGE_FINAL, 0, "NIS2 Art. 23(4)(d), (e)", mark, NULL);
            out[*n - 1].or_progress = 1;
        }
    }
    for (size_t i = first; i < *n; i++)
        out[i].provisional = inc->significance == VG_SIGNIFICANCE_UNKNOWN;
}

static void cra(const vg_incident *inc, vg_deadline *out, size_t *n)
{
    if (inc->kind == VG_INCIDENT_KIND_VULNERABILITY) {
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_EARLY_WARNING, 0, "CRA Art. 14(2)(a)", inc->aware_at + 24 * HOUR,
            NULL);
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, 0, "CRA Art. 14(2)(b)", inc->aware_at + 72 * HOUR,
            NULL);
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_FINAL, 0, "CRA Art. 14(2)(c)",
            inc->measure_at ? inc->measure_at + 14 * DAY : 0,
            "14 days after a corrective or mitigating measure is available");
        intermediates(inc, out, n, VG_REGIME_CRA, "CRA Art. 14(6)");
    } else {
        const vg_incident_submission *notified = submission(inc, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, 0);
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_EARLY_WARNING, 0, "CRA Art. 14(4)(a)", inc->aware_at + 24 * HOUR,
            NULL);
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, 0, "CRA Art. 14(4)(b)", inc->aware_at + 72 * HOUR,
            NULL);
        add(inc, out, n, VG_REGIME_CRA, VG_STAGE_FINAL, 0, "CRA Art. 14(4)(c)",
            notified ? vg_incident_add_months(notified->at, 1) : 0,
            "one month after the incident notification is submitted");
        intermediates(inc, out, n, VG_REGIME_CRA, "CRA Art. 14(6)");
    }
    add(inc, out, n, VG_REGIME_CRA, VG_STAGE_USERS_INFORMED, 0, "CRA Art. 14(8)", 0,
        "no fixed time: inform the impacted users once aware");
}

size_t vg_incident_deadlines(const vg_incident *inc, vg_deadline *out)
{
    size_t n = 0;
    if ((inc->regimes & VG_REGIME_NIS2) && inc->kind == VG_INCIDENT_KIND_INCIDENT &&
        inc->significance != VG_SIGNIFICANCE_NO)
        nis2(inc, out, &n);
    if (inc->regimes & VG_REGIME_CRA)
        cra(inc, out, &n);
    return n;
}
