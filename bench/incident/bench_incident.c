/*
 * bench_incident.c — fills a store with a register of incidents for the
 * performance targets of issue 12 ("`due` over 10 000 incidents < 50 ms;
 * `verify` of a 100 000-event chain < 1 s").  Not a test; run by
 * bench/incident/run.sh, figures in bench/README.md ("Incident register").
 *
 *   bench_incident URL [INCIDENTS [EVENTS [ABANDONED]]]
 *     URL        sqlite:PATH or postgresql://...
 *     INCIDENTS  how many incidents (default 10 000)
 *     EVENTS     events per incident (default 10), exactly: the lifecycle
 *                below, with notes and field updates between its steps
 *     ABANDONED  the percentage of incidents left at a random step of their
 *                life, with their reports overdue (default 45: a register
 *                where half the incidents are open, most of them for
 *                months, the worst case for `due`; 3 is closer to a
 *                register that is kept)
 *
 * Every event goes through vg_store_incident_append(), the write path of
 * `vigil incident`, so that the record, the derived tables and the chain
 * are the ones the CLI would have written.  The events of all incidents
 * are appended in the order of their times, interleaved as in a real
 * register (an incident's events are then spread over the log, which is
 * what loading one and verify's pass in incident order have to read).  The appends are wrapped, a few
 * thousand at a time, in one outer transaction (each append is then a
 * savepoint, src/store/db.h): that only saves the commits.
 *
 * The register is a realistic one as of 2026-12-01 (FILL_NOW): awareness
 * times spread over 2026; about 90 % incidents under NIS2 (5 % of them
 * under the CRA too), some with an entity type and then classified under
 * 2024/2690 with vg_incident_classify() (significant or not as the loss
 * says; Art. 4's prior incidents are not looked up), about 10 % actively
 * exploited vulnerabilities under the CRA.  Each incident walks its
 * lifecycle (fields set, early warning, notification, sometimes an
 * intermediate report the authority asked for, end of handling or
 * measure, final report, users informed, close) to its end or, if it is
 * one of the ABANDONED, up to a random step; no step later than FILL_NOW:
 * so the register holds closed incidents, abandoned ones with overdue
 * reports and recent ones with reports pending.  Deterministic: a fixed
 * seed.
 *
 * Prints what it wrote and the time taken; exit status 1 on any error
 * (the store's message on standard error).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/incident.h"

#define HOUR 3600
#define DAY (24 * HOUR)
#define YEAR_START 1767225600 /* 2026-01-01T00:00:00Z */
#define FILL_NOW 1796083200   /* 2026-12-01T00:00:00Z */
#define COMMIT_EVERY 2000     /* events per outer transaction */
#define MAX_STEPS 64

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A uniform integer in [lo, hi]. */
static int64_t between(int64_t lo, int64_t hi) { return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1)); }

static int percent(int p) { return (int)(rng() % 100) < p; }

/* One event to append: its type, time and data (owned). */
typedef struct step {
    const char *type;
    int64_t time;
    json_t *data;
} step;

typedef struct plan {
    step steps[MAX_STEPS];
    size_t n;
} plan;

static void add(plan *p, const char *type, int64_t time, json_t *data)
{
    p->steps[p->n++] = (step){.type = type, .time = time, .data = data};
}

static json_t *time_json(int64_t t, int offset)
{
    char s[40];
    vg_incident_format_time(t, offset, s, sizeof s);
    return json_string(s);
}

static json_t *submission(const char *regime, const char *stage, int64_t at, size_t n)
{
    char ref[64];
    snprintf(ref, sizeof ref, "CSIRT-2026-%05zu-%s", n, stage);
    return json_pack("{sssssoss}", "regime", regime, "stage", stage, "at", time_json(at, 0), "reference", ref);
}

static json_t *fields(json_t *f) { return json_pack("{so}", "fields", f); }

static const char *const entity_types[] = {"managed-service-provider", "cloud-computing-service-provider",
                                           "trust-service-provider", "data-centre-service-provider", "other"};
static const char *const root_causes[] = {"system-failures", "natural-phenomena", "human-errors",
                                          "malicious-actions", "third-party-failures"};
static const char *const severities[] = {"high", "medium", "low"};

/* The classified event's data: facts and vg_incident_classify()'s answer
 * (for a regulated entity type the loss above or below Art. 3(1)(a)'s
 * EUR 500 000; for "other", NIS2 Art. 23(3)'s two questions). */
static int classification(vg_ctx *ctx, const char *entity, int64_t aware, json_t **out)
{
    json_t *facts;
    if (!strcmp(entity, "other"))
        facts = json_pack("{sssbsb}", "entity_type", entity, "severe_disruption_or_financial_loss", percent(50),
                          "considerable_damage_to_others", 0);
    else
        facts = json_pack("{sssIsssbsbsbsbsIsbsbsI}", "entity_type", entity, "annual_turnover_eur",
                          (json_int_t)20000000, "root_cause", root_causes[rng() % 5], "trade_secret_exfiltration", 0,
                          "death", 0, "health_damage", 0, "suspected_malicious_unauthorised_access", percent(30),
                          "unavailable_minutes", (json_int_t)between(0, 20), "planned_maintenance", 0,
                          "data_compromised", 0, "financial_loss_eur",
                          (json_int_t)(percent(60) ? between(500001, 3000000) : between(1000, 400000)));
    /* Users are counted for the entity types of Art. 3(3) only. */
    if (strcmp(entity, "other") != 0 && strcmp(entity, "data-centre-service-provider") != 0)
        json_object_set_new(facts, "users_in_union", json_integer(between(1000, 2000000)));
    json_t *result = NULL;
    int rc = vg_incident_classify(ctx, facts, aware, NULL, 0, &result);
    *out = rc ? NULL : json_pack("{soso}", "facts", facts, "result", result);
    if (rc)
        json_decref(facts);
    return rc;
}

/* Sorts the steps by time (stably: the lifecycle's order where times tie). */
static void sort_steps(plan *p)
{
    for (size_t i = 1; i < p->n; i++) {
        step s = p->steps[i];
        size_t j = i;
        for (; j > 0 && p->steps[j - 1].time > s.time; j--)
            p->steps[j] = p->steps[j - 1];
        p->steps[j] = s;
    }
}

static void drop(plan *p, size_t i)
{
    json_decref(p->steps[i].data);
    memmove(&p->steps[i], &p->steps[i + 1], (p->n - i - 1) * sizeof *p->steps);
    p->n--;
}

/* Whether s asks for or submits an intermediate report. */
static int intermediate_step(const step *s)
{
    return !strcmp(s->type, "requested") ||
           (!strcmp(s->type, "submitted") &&
            !strcmp(json_string_value(json_object_get(s->data, "stage")), "intermediate"));
}

/* The lifecycle of incident number k (from 1) aware at aware, in time order, every step
 * no later than FILL_NOW, to its end or, abandoned percent of the time, to
 * a random step; an intermediate report only when the rest leaves room
 * for it in events. */
static int lifecycle(vg_ctx *ctx, size_t k, int64_t aware, size_t events, int abandoned, plan *p, int *vulnerability)
{
    int offset = percent(50) ? 60 : 0; /* CET or UTC, for display */
    int vuln = percent(10), both = !vuln && percent(5);
    const char *entity = !vuln && percent(60) ? entity_types[rng() % 5] : NULL;
    /* 0: stops after opening ... 9: everything, closed. */
    int depth = percent(abandoned) ? (int)between(0, 8) : 9;
    char title[96];
    snprintf(title, sizeof title, "%s %zu: %s", vuln ? "Exploited vulnerability" : "Incident", k,
             vuln ? "remote code execution in the update service" : "outage of the customer portal");
    *vulnerability = vuln;
    p->n = 0;

    int64_t t = aware + between(10 * 60, 6 * HOUR);
    json_t *open = json_pack("{sssssoso}", "title", title, "kind", vuln ? "vulnerability" : "incident", "regimes",
                             vuln ? json_pack("[s]", "cra") : both ? json_pack("[ss]", "nis2", "cra")
                                                                   : json_pack("[s]", "nis2"),
                             "aware_at", time_json(aware, offset));
    if (entity)
        json_object_set_new(open, "entity_type", json_string(entity));
    add(p, "opened", t, open);

    if (vuln) {
        int64_t ew = t + between(HOUR, 17 * HOUR), notif = aware + between(30 * HOUR, 71 * HOUR);
        int64_t measure = aware + between(3 * DAY, 10 * DAY);
        if (depth >= 1)
            add(p, "updated", t + HOUR, fields(json_pack("{s[ss]}", "memberStates", "DE", "FR")));
        if (depth >= 2)
            add(p, "submitted", ew + 300, submission("cra", "early-warning", ew, k));
        if (depth >= 3)
            add(p, "updated", ew + 2 * HOUR,
                fields(json_pack("{ssssssssssss}", "productInformation", "Gateway firmware 4.2", "vulnerabilityNature",
                                 "buffer overflow in the TLS handshake", "exploitNature", "unauthenticated, remote",
                                 "correctiveMeasuresTaken", "vulnerable endpoint disabled", "userMeasures",
                                 "update to 4.2.1", "informationSensitivity", "amber")));
        if (depth >= 4)
            add(p, "submitted", notif + 300, submission("cra", "notification", notif, k));
        if (depth >= 5)
            add(p, "updated", measure + HOUR, json_pack("{so}", "measure_at", time_json(measure, offset)));
        if (depth >= 6)
            add(p, "submitted", measure + 2 * DAY, submission("cra", "users-informed", measure + DAY, k));
        if (depth >= 7)
            add(p, "submitted", measure + 11 * DAY, submission("cra", "final", measure + 10 * DAY, k));
        if (depth >= 8)
            add(p, "closed", measure + 12 * DAY, json_object());
    } else {
        int64_t ew = percent(5) ? aware + between(25 * HOUR, 40 * HOUR) : t + between(HOUR, 17 * HOUR);
        int64_t notif = aware + between(30 * HOUR, 71 * HOUR);
        int64_t ended = aware + between(2 * DAY, 12 * DAY), final = vg_incident_add_months(notif, 1) - 2 * DAY;
        int significant = 1;
        if (depth >= 1)
            add(p, "updated", t + HOUR,
                fields(json_pack("{sbsb}", "suspectedMalicious", percent(40), "crossBorderImpactPossible",
                                 percent(20))));
        if (depth >= 2) {
            add(p, "submitted", ew + 300, submission("nis2", "early-warning", ew, k));
            if (both)
                add(p, "submitted", ew + 600, submission("cra", "early-warning", ew, k));
        }
        if (depth >= 3 && entity) {
            json_t *c;
            int rc = classification(ctx, entity, aware, &c);
            if (rc)
                return rc;
            const char *s = json_string_value(json_object_get(json_object_get(c, "result"), "significance"));
            significant = strcmp(s, "not-significant") != 0;
            add(p, "classified", ew + HOUR, c);
        }
        if (!significant) { /* no NIS2 report is due (Art. 23(3)); the CRA's still are */
            if (depth >= 4 && !both)
                add(p, "closed", ew + DAY, json_object());
        } else {
            if (depth >= 4)
                add(p, "updated", ew + 2 * HOUR,
                    fields(json_pack("{sssss[s]ss}", "initialAssessment", "service degraded, no data lost", "severity",
                                     severities[rng() % 3], "indicatorsOfCompromise", "203.0.113.7", "impact",
                                     "customers could not log in")));
            if (depth >= 5) {
                add(p, "submitted", notif + 300, submission("nis2", "notification", notif, k));
                if (both)
                    add(p, "submitted", notif + 600, submission("cra", "notification", notif, k));
            }
            if (depth >= 6 && percent(25)) {
                int64_t due = notif + 7 * DAY;
                add(p, "requested", notif + DAY,
                    json_pack("{ssssso}", "regime", "nis2", "stage", "intermediate", "due", time_json(due, 0)));
                add(p, "submitted", due - DAY + 300, submission("nis2", "intermediate", due - DAY, k));
            }
            if (depth >= 7)
                add(p, "updated", ended + HOUR,
                    json_pack("{sos{ssssssssss}}", "ended_at", time_json(ended, offset), "fields", "description",
                              "a failed storage controller took the portal down", "rootCauseCategory",
                              root_causes[rng() % 5], "rootCause", "firmware defect", "mitigationMeasures",
                              "controller replaced, failover tested", "crossBorderImpact", "none"));
            if (depth >= 8 && !both)
                add(p, "submitted", final + 300, submission("nis2", "final", final, k));
            if (depth >= 9 && !both)
                add(p, "closed", final + DAY, json_object());
        }
    }
    if (p->n > events && !strcmp(p->steps[p->n - 1].type, "closed"))
        for (size_t i = p->n; i-- > 0;)
            if (intermediate_step(&p->steps[i]))
                drop(p, i);
    /* Then nothing after the fill's now. */
    sort_steps(p);
    size_t keep = 0;
    while (keep < p->n && p->steps[keep].time <= FILL_NOW)
        keep++;
    while (p->n > keep)
        drop(p, p->n - 1);
    return VG_OK;
}

static const char *const notes[] = {
    "called the hosting provider", "CSIRT acknowledged the early warning", "logs preserved for forensics",
    "customer support briefed", "management informed", "vendor confirmed the defect",
};

/* The plan padded to exactly events steps: notes and field updates after
 * random steps (never after a close but notes), or cut to events. */
static void pad(plan *p, size_t events)
{
    while (p->n > events)
        drop(p, p->n - 1);
    while (p->n < events) {
        size_t after = (size_t)between(0, (int64_t)p->n - 1);
        int closed_before = 0;
        for (size_t i = 0; i <= after; i++)
            closed_before |= !strcmp(p->steps[i].type, "closed");
        int64_t t = p->steps[after].time + between(60, 3600);
        if (after + 1 < p->n && t > p->steps[after + 1].time)
            t = p->steps[after].time;
        if (t > FILL_NOW)
            t = FILL_NOW;
        step s = {.type = "noted", .time = t,
                  .data = json_pack("{ss}", "text", notes[rng() % (sizeof notes / sizeof *notes)])};
        if (!closed_before && percent(30)) {
            s.type = "updated";
            json_decref(s.data);
            s.data = fields(json_pack("{ss}", "statusUpdate", notes[rng() % (sizeof notes / sizeof *notes)]));
        }
        memmove(&p->steps[after + 2], &p->steps[after + 1], (p->n - after - 1) * sizeof *p->steps);
        p->steps[after + 1] = s;
        p->n++;
    }
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An incident whose plan is being appended, in a heap ordered by the
 * time of its next step (then by k), so that the log interleaves the
 * incidents' events in time order as a real register's does. */
typedef struct active {
    plan p;
    size_t next; /* the step to append next */
    long k;
    char id[32]; /* once opened */
} active;

static int before(const active *a, const active *b)
{
    int64_t ta = a->p.steps[a->next].time, tb = b->p.steps[b->next].time;
    return ta < tb || (ta == tb && a->k < b->k);
}

static void heap_up(active **h, size_t i)
{
    for (; i > 0 && before(h[i], h[(i - 1) / 2]); i = (i - 1) / 2) {
        active *t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
    }
}

static void heap_down(active **h, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && before(h[l], h[m]))
            m = l;
        if (r < n && before(h[r], h[m]))
            m = r;
        if (m == i)
            return;
        active *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Appends the next step of a.  On an error, the message says which
 * planned event the register refused. */
static int append_step(vg_ctx *ctx, vg_store *store, active *a, size_t *written, size_t *closed)
{
    const step *s = &a->p.steps[a->next];
    json_t *out = NULL;
    vg_store_incident_event ev = {.incident = a->id[0] ? a->id : NULL, .type = s->type, .time = s->time,
                                  .actor = "bench@vigil", .data = s->data};
    int rc = vg_store_incident_append(ctx, store, &ev, &out);
    if (rc == VG_OK) {
        snprintf(a->id, sizeof a->id, "%s", json_string_value(json_object_get(out, "incident")));
        ++*written;
        *closed += !strcmp(s->type, "closed");
    } else {
        char *d = json_dumps(s->data, JSON_COMPACT);
        fprintf(stderr, "bench_incident: incident %ld, event %zu (%s %s) refused\n", a->k, a->next + 1, s->type,
                d ? d : "");
        free(d);
    }
    json_decref(out);
    return rc;
}

static void active_free(active *a)
{
    while (a->p.n)
        drop(&a->p, a->p.n - 1);
    free(a);
}

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: bench_incident URL [INCIDENTS [EVENTS [ABANDONED]]]\n");
        return 2;
    }
    long incidents = argc > 2 ? strtol(argv[2], NULL, 10) : 10000, events = argc > 3 ? strtol(argv[3], NULL, 10) : 10,
         abandoned = argc > 4 ? strtol(argv[4], NULL, 10) : 45;
    if (incidents < 1 || incidents > 1000000 || events < 1 || events > MAX_STEPS - 2 || abandoned < 0 ||
        abandoned > 100) {
        fprintf(stderr, "bench_incident: INCIDENTS 1 to 1000000, EVENTS 1 to %d, ABANDONED 0 to 100\n", MAX_STEPS - 2);
        return 2;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_store *store;
    int rc = vg_store_open(&ctx, argv[1], VG_STORE_CREATE, &store);
    if (rc) {
        fprintf(stderr, "bench_incident: %s\n", ctx.message);
        return 1;
    }
    /* The awareness times first, in order: incident k is the k-th known. */
    int64_t *aware = malloc((size_t)incidents * sizeof *aware);
    active **heap = malloc((size_t)incidents * sizeof *heap);
    if (!aware || !heap) {
        fprintf(stderr, "bench_incident: out of memory\n");
        return 1;
    }
    for (long k = 0; k < incidents; k++)
        aware[k] = between(YEAR_START, FILL_NOW - 12 * HOUR);
    qsort(aware, (size_t)incidents, sizeof *aware, cmp_time);

    double start = seconds();
    size_t written = 0, closed = 0, vulnerabilities = 0, committed = 0, nheap = 0;
    long next = 0;
    rc = vg_db_begin(&ctx, store->db);
    while (rc == VG_OK && (next < incidents || nheap)) {
        if (next < incidents && (!nheap || aware[next] <= heap[0]->p.steps[heap[0]->next].time)) {
            /* Its plan, made once the time comes that it is known. */
            active *a = calloc(1, sizeof *a);
            int vuln;
            if (!a) {
                rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
            a->k = ++next;
            if ((rc = lifecycle(&ctx, (size_t)a->k, aware[next - 1], (size_t)events, (int)abandoned, &a->p, &vuln))) {
                free(a);
                break;
            }
            pad(&a->p, (size_t)events);
            vulnerabilities += vuln;
            heap[nheap] = a;
            heap_up(heap, nheap++);
            continue;
        }
        active *a = heap[0];
        if ((rc = append_step(&ctx, store, a, &written, &closed)))
            break;
        if (++a->next == a->p.n) {
            active_free(a);
            heap[0] = heap[--nheap];
        }
        heap_down(heap, nheap, 0);
        if (written - committed >= COMMIT_EVERY && (rc = vg_db_commit(&ctx, store->db)) == VG_OK) {
            committed = written;
            rc = vg_db_begin(&ctx, store->db);
        }
    }
    while (nheap)
        active_free(heap[--nheap]);
    free(heap);
    free(aware);
    if (rc == VG_OK)
        rc = vg_db_commit(&ctx, store->db);
    else
        vg_db_rollback(store->db);
    double took = seconds() - start;
    if (rc) {
        fprintf(stderr, "bench_incident: %s\n", ctx.message);
    } else {
        printf("%s: %ld incidents (%zu vulnerabilities, %zu closed, %ld %% abandoned), %zu events in %.1f s "
               "(%.0f events/s)\n",
               vg_store_backend(store), incidents, vulnerabilities, closed, abandoned, written, took,
               (double)written / took);
    }
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return rc ? 1 : 0;
}
