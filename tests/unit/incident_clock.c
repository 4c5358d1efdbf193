/*
 * incident_clock.c — unit test of the legal clocks (src/incident/clock.c)
 * and the register's times (src/incident/time.c).
 *
 * Every expected deadline is written out by hand from the articles:
 * NIS2 Art. 23(4)(a) 24 h, (b) 72 h (a trust service provider: 24 h,
 * Art. 23(4) second subparagraph), (d) one month after the notification
 * was submitted, (e) a progress report then when still ongoing and the
 * final one month after the handling ended; CRA Art. 14(2)(a)-(c) 24 h,
 * 72 h, 14 days after a measure is available; Art. 14(4)(c) one month
 * after the notification.  Calendar facts used: 2026-03-20 is a Friday;
 * Europe/Berlin moves to summer time on 2026-03-29 at 01:00 UTC; 2026 is
 * not a leap year, 2028 is.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "vigil/incident.h"

static int64_t T(const char *s)
{
    int64_t t;
    int off;
    if (vg_incident_parse_time(s, &t, &off) != 0) {
        fprintf(stderr, "FAIL bad time in the test: %s\n", s);
        failures++;
        return 0;
    }
    return t;
}

static vg_incident make(const char *aware, unsigned regimes, vg_incident_kind kind)
{
    vg_incident inc;
    vg_incident_init(&inc, "INC-T");
    inc.kind = kind;
    inc.regimes = regimes;
    inc.significance = VG_SIGNIFICANCE_YES;
    inc.aware_at = T(aware);
    return inc;
}

static void submit(vg_incident *inc, unsigned regime, vg_incident_stage stage, const char *at)
{
    inc->subs[inc->nsubs++] = (vg_incident_submission){.regime = regime, .stage = stage, .at = T(at)};
}

/* The deadline of (regime, stage), or NULL. */
static const vg_deadline *find(const vg_deadline *d, size_t n, unsigned regime, vg_incident_stage stage)
{
    for (size_t i = 0; i < n; i++)
        if (d[i].regime == regime && d[i].stage == stage)
            return &d[i];
    return NULL;
}

static void expect_due(const vg_deadline *d, size_t n, unsigned regime, vg_incident_stage stage, const char *due,
                       const char *article, int line)
{
    const vg_deadline *x = find(d, n, regime, stage);
    char got[40] = "(none)";
    if (x && x->due)
        vg_incident_format_time(x->due, 0, got, sizeof got);
    else if (x)
        snprintf(got, sizeof got, "(waiting)");
    CHECK(x && (due ? x->due == T(due) : x->due == 0), "line %d: %s %s due %s, want %s", line,
          vg_incident_regime_name(regime), vg_incident_stage_name(stage), got, due ? due : "(waiting)");
    CHECK(!x || !article || strcmp(x->article, article) == 0, "line %d: %s cites %s, want %s", line,
          vg_incident_stage_name(stage), x ? x->article : "", article);
}
#define DUE(d, n, r, s, due, art) expect_due(d, n, r, s, due, art, __LINE__)

static void test_times(void)
{
    int64_t t;
    int off;
    CHECK(vg_incident_parse_time("2026-03-27T23:30:00+01:00", &t, &off) == 0 && off == 60 &&
              t == T("2026-03-27T22:30:00Z"),
          "offset +01:00");
    CHECK(vg_incident_parse_time("2026-03-27T23:30:00.123-05:30", &t, &off) == 0 && off == -330 &&
              t == T("2026-03-28T05:00:00Z"),
          "offset -05:30 with a fraction");
    const char *bad[] = {"2026-03-27T23:30:00",  "2026-03-27 23:30:00Z", "2026-02-29T10:00:00Z", "2026-13-01T00:00:00Z",
                         "2026-03-27T24:00:00Z", "2026-03-27T23:30:00+1:00", "1969-12-31T23:59:59Z", "yesterday",
                         "2026-03-27T23:30:00Zjunk", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(vg_incident_parse_time(bad[i], &t, &off) != 0, "accepted \"%s\"", bad[i]);
    char s[40];
    vg_incident_format_time(T("2026-03-29T09:00:00Z"), 120, s, sizeof s);
    CHECK(strcmp(s, "2026-03-29T11:00:00+02:00") == 0, "format with +02:00: %s", s);
    vg_incident_format_time(T("2026-03-29T09:00:00Z"), -330, s, sizeof s);
    CHECK(strcmp(s, "2026-03-29T03:30:00-05:30") == 0, "format with -05:30: %s", s);

    /* Calendar months clamp to the month's last day and keep the time. */
    static const char *const months[][2] = {
        {"2026-01-31T15:00:00Z", "2026-02-28T15:00:00Z"}, {"2028-01-31T15:00:00Z", "2028-02-29T15:00:00Z"},
        {"2026-03-31T23:59:59Z", "2026-04-30T23:59:59Z"}, {"2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z"},
        {"2026-02-28T08:00:00Z", "2026-03-28T08:00:00Z"}, {"2026-08-31T12:00:00Z", "2026-09-30T12:00:00Z"},
    };
    for (size_t i = 0; i < sizeof months / sizeof *months; i++) {
        vg_incident_format_time(vg_incident_add_months(T(months[i][0]), 1), 0, s, sizeof s);
        CHECK(strcmp(s, months[i][1]) == 0, "%s + 1 month = %s, want %s", months[i][0], s, months[i][1]);
    }
}

int main(void)
{
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n;
    test_times();

    /* 1. Aware at 23:30 UTC on Friday 20 March 2026: the clocks run through
     * the weekend. */
    vg_incident a = make("2026-03-20T23:30:00Z", VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT);
    n = vg_incident_deadlines(&a, d);
    CHECK(n == 3, "NIS2 incident: %zu deadlines, want early warning, notification, final", n);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "2026-03-21T23:30:00Z", "NIS2 Art. 23(4)(a)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, "2026-03-23T23:30:00Z", "NIS2 Art. 23(4)(b)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, NULL, "NIS2 Art. 23(4)(d)");
    CHECK(!d[0].provisional, "a significant incident's clocks are not provisional");
    a.significance = VG_SIGNIFICANCE_UNKNOWN;
    n = vg_incident_deadlines(&a, d);
    CHECK(n == 3 && d[0].provisional && d[1].provisional, "not yet classified: provisional clocks");
    a.significance = VG_SIGNIFICANCE_NO;
    CHECK(vg_incident_deadlines(&a, d) == 0, "not significant: no NIS2 deadline");

    /* 2. Across the change to summer time in Europe/Berlin: aware at 10:00
     * CET on Saturday 28 March (09:00 UTC); the early warning is due 24
     * hours later, 09:00 UTC on the 29th, which is 11:00 CEST, not 10:00. */
    vg_incident b = make("2026-03-28T10:00:00+01:00", VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT);
    n = vg_incident_deadlines(&b, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "2026-03-29T11:00:00+02:00", NULL);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, "2026-03-31T11:00:00+02:00", NULL);

    /* 3. A notification submitted on 31 January: the final report is due
     * on the last day of February (NIS2 Art. 23(4)(d)). */
    vg_incident c = make("2026-01-29T08:00:00Z", VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT);
    submit(&c, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "2026-01-30T07:00:00Z");
    submit(&c, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, "2026-01-31T15:00:00Z");
    n = vg_incident_deadlines(&c, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, "2026-02-28T15:00:00Z", "NIS2 Art. 23(4)(d), (e)");
    CHECK(find(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL)->or_progress, "ongoing unknown: final or progress");
    CHECK(find(d, n, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION)->submitted == T("2026-01-31T15:00:00Z"),
          "the notification is shown submitted");
    c.ended_at = T("2026-02-10T00:00:00Z");
    n = vg_incident_deadlines(&c, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, "2026-02-28T15:00:00Z", "NIS2 Art. 23(4)(d)");
    CHECK(!find(d, n, VG_REGIME_NIS2, VG_STAGE_PROGRESS), "ended before the mark: no progress report");

    /* 4. Still ongoing at the one-month mark: a progress report then, the
     * final one month after the handling ended (Art. 23(4)(e)). */
    vg_incident e = make("2026-01-30T12:00:00Z", VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT);
    submit(&e, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "2026-01-31T09:00:00Z");
    submit(&e, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, "2026-02-02T12:00:00Z");
    submit(&e, VG_REGIME_NIS2, VG_STAGE_PROGRESS, "2026-03-02T10:00:00Z");
    n = vg_incident_deadlines(&e, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_PROGRESS, "2026-03-02T12:00:00Z", "NIS2 Art. 23(4)(e)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, NULL, "NIS2 Art. 23(4)(e)");
    e.ended_at = T("2026-03-20T08:00:00Z");
    n = vg_incident_deadlines(&e, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, "2026-04-20T08:00:00Z", "NIS2 Art. 23(4)(e)");
    /* The same incident, its end recorded before any progress report. */
    e.nsubs = 2;
    n = vg_incident_deadlines(&e, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_PROGRESS, "2026-03-02T12:00:00Z", "NIS2 Art. 23(4)(e)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, "2026-04-20T08:00:00Z", "NIS2 Art. 23(4)(e)");
    /* An intermediate report the authority asked for is due when it said. */
    e.requests[e.nrequests++] = (vg_incident_request){VG_REGIME_NIS2, T("2026-02-10T00:00:00Z"), T("2026-02-17T17:00:00Z")};
    n = vg_incident_deadlines(&e, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_INTERMEDIATE, "2026-02-17T17:00:00Z", "NIS2 Art. 23(4)(c)");

    /* 5. A trust service provider: the notification within 24 hours. */
    vg_incident f = make("2026-05-04T08:15:00Z", VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT);
    f.entity_type = "trust-service-provider";
    n = vg_incident_deadlines(&f, d);
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "2026-05-05T08:15:00Z", "NIS2 Art. 23(4)(a)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, "2026-05-05T08:15:00Z", "NIS2 Art. 23(4), second subparagraph");

    /* 6. A CRA actively exploited vulnerability whose fix ships on day 5:
     * the final report 14 days after (Art. 14(2)(c)); informing the users
     * (Art. 14(8)) has no fixed time. */
    vg_incident g = make("2026-09-14T06:00:00Z", VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY);
    n = vg_incident_deadlines(&g, d);
    CHECK(n == 4, "CRA vulnerability: %zu deadlines, want 4", n);
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_EARLY_WARNING, "2026-09-15T06:00:00Z", "CRA Art. 14(2)(a)");
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, "2026-09-17T06:00:00Z", "CRA Art. 14(2)(b)");
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_FINAL, NULL, "CRA Art. 14(2)(c)");
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_USERS_INFORMED, NULL, "CRA Art. 14(8)");
    g.measure_at = T("2026-09-19T06:00:00Z");
    n = vg_incident_deadlines(&g, d);
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_FINAL, "2026-10-03T06:00:00Z", "CRA Art. 14(2)(c)");

    /* 7. A severe incident under both regimes: CRA Art. 14(4)(c) one month
     * after the CRA notification, NIS2 after its own. */
    vg_incident h = make("2026-06-30T21:00:00Z", VG_REGIME_NIS2 | VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT);
    submit(&h, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, "2026-07-31T10:00:00Z");
    n = vg_incident_deadlines(&h, d);
    CHECK(n == 7, "both regimes: %zu deadlines, want 3 + 4", n);
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_EARLY_WARNING, "2026-07-01T21:00:00Z", "CRA Art. 14(4)(a)");
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_NOTIFICATION, "2026-07-03T21:00:00Z", "CRA Art. 14(4)(b)");
    DUE(d, n, VG_REGIME_CRA, VG_STAGE_FINAL, "2026-08-31T10:00:00Z", "CRA Art. 14(4)(c)");
    DUE(d, n, VG_REGIME_NIS2, VG_STAGE_FINAL, NULL, "NIS2 Art. 23(4)(d)");
    CHECK(d[0].regime == VG_REGIME_NIS2 && d[n - 1].regime == VG_REGIME_CRA, "NIS2 first, then the CRA");

    /* Stage names both ways. */
    for (int s = 0; s < VG_STAGE_COUNT; s++)
        CHECK(vg_incident_stage_parse(vg_incident_stage_name((vg_incident_stage)s)) == s, "stage %d", s);
    CHECK(vg_incident_stage_parse("interim") == -1 && vg_incident_stage_parse(NULL) == -1, "unknown stage");
    return failures ? 1 : 0;
}
