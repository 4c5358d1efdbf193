/*
 * incident.h — the incident and vulnerability register (docs/incidents.md):
 * an append-only, hash-chained log of events per store, the incident each
 * record folds to, the legal clocks computed from it, significance under
 * Implementing Regulation (EU) 2024/2690, and the report drafts.
 *
 * Law implemented (article numbers are cited on every deadline and
 * criterion the functions return):
 *   - Directive (EU) 2022/2555 (NIS2), Art. 23(3) and 23(4)(a)-(e).
 *   - Regulation (EU) 2024/2847 (CRA), Art. 14(2), 14(4) and 14(8).
 *   - Commission Implementing Regulation (EU) 2024/2690, Arts. 3-14.
 *
 * The clocks and the classification are pure functions: no clock, no
 * store, no I/O; they are unit-tested on hand-written scenarios.
 *
 * Times are Unix seconds, UTC.  Ownership: what a function returns in a
 * json_t ** belongs to the caller; a vg_incident borrows its strings from
 * the events it was folded from (keep them until vg_incident_free()), and
 * owns fields and findings, which several events add to.
 */
#ifndef VIGIL_INCIDENT_H
#define VIGIL_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/buf.h"
#include "vigil/error.h"

/* ---- what an incident is ------------------------------------------------ */

typedef enum vg_incident_kind {
    VG_INCIDENT_KIND_INCIDENT = 1,      /* an incident (NIS2 Art. 6(6); CRA Art. 14(3)-(5)) */
    VG_INCIDENT_KIND_VULNERABILITY = 2, /* an actively exploited vulnerability (CRA Art. 14(1)) */
} vg_incident_kind;

/* Regimes, a bit set. */
#define VG_REGIME_NIS2 1u
#define VG_REGIME_CRA 2u

/* The submissions the law asks for.  Names (vg_incident_stage_name):
 * early-warning, notification, intermediate, progress, final,
 * users-informed. */
typedef enum vg_incident_stage {
    VG_STAGE_EARLY_WARNING = 0,
    VG_STAGE_NOTIFICATION = 1,
    VG_STAGE_INTERMEDIATE = 2, /* NIS2 Art. 23(4)(c), CRA Art. 14(6): on the authority's request */
    VG_STAGE_PROGRESS = 3,     /* NIS2 Art. 23(4)(e): ongoing at the final report's date */
    VG_STAGE_FINAL = 4,
    VG_STAGE_USERS_INFORMED = 5, /* CRA Art. 14(8): no fixed clock, but required */
    VG_STAGE_COUNT = 6,
} vg_incident_stage;

const char *vg_incident_stage_name(vg_incident_stage stage);
/* The stage named s; -1 when none. */
int vg_incident_stage_parse(const char *s);
/* "nis2" or "cra" for one regime bit. */
const char *vg_incident_regime_name(unsigned regime);

/* Significance as the last classification answered. */
#define VG_SIGNIFICANCE_UNKNOWN (-1) /* never classified, or the facts did not decide */
#define VG_SIGNIFICANCE_NO 0
#define VG_SIGNIFICANCE_YES 1

#define VG_INCIDENT_MAX_SUBMISSIONS 64
#define VG_INCIDENT_MAX_REQUESTS 32

typedef struct vg_incident_submission {
    unsigned regime; /* VG_REGIME_NIS2 or VG_REGIME_CRA */
    vg_incident_stage stage;
    int64_t at;            /* when it was submitted */
    const char *reference; /* the authority's reference, or NULL */
} vg_incident_submission;

/* An intermediate report the authority asked for (NIS2 Art. 23(4)(c);
 * CRA Art. 14(6)). */
typedef struct vg_incident_request {
    unsigned regime;
    int64_t requested_at;
    int64_t due;
} vg_incident_request;

typedef struct vg_incident {
    const char *id;
    const char *title;
    vg_incident_kind kind;
    unsigned regimes;
    const char *entity_type; /* a name vg_incident_entity_type_known() accepts, or NULL */
    int64_t aware_at;        /* the anchor of every deadline */
    int aware_offset;        /* the reporter's UTC offset, minutes east, for display */
    int64_t opened_at;
    int significance;        /* VG_SIGNIFICANCE_* (NIS2 Art. 23(3); 2024/2690) */
    int64_t ended_at;        /* NIS2: handling ended; 0 while ongoing (or not recorded) */
    int64_t measure_at;      /* CRA Art. 14(2)(c): a corrective or mitigating measure available; 0: not yet */
    int64_t closed_at;       /* 0: open */
    vg_incident_submission subs[VG_INCIDENT_MAX_SUBMISSIONS];
    size_t nsubs;
    vg_incident_request requests[VG_INCIDENT_MAX_REQUESTS];
    size_t nrequests;
    json_t *fields;               /* the report fields as last set (an object; owned) */
    json_t *findings;             /* the inventory findings linked ({"asset", "vuln"} objects; owned) */
    const json_t *classification; /* the last classify's result (vg_incident_classify), or NULL */
    const json_t *facts;          /* the facts it was given, or NULL */
    size_t nevents;
    int64_t updated_at; /* the time of the last event */
} vg_incident;

/* ---- the record (fold.c) ------------------------------------------------ */

/* An event is a JSON object (docs/incidents.md, "The event log"):
 *   {"seq": N, "incident": ID, "type": T, "time": RFC3339, "actor": A,
 *    ["reason": R,] "data": {...}, "prev": "sha256:HEX"}
 * of the types opened, updated, classified, noted, requested, submitted,
 * closed.  The store keeps its exact bytes and their SHA-256. */

#define VG_INCIDENT_MAX_EVENTS 10000 /* per incident */
#define VG_INCIDENT_MAX_TEXT 20000   /* bytes of a title, note or reason */

/* An empty record of id (borrowed). */
void vg_incident_init(vg_incident *inc, const char *id);
void vg_incident_free(vg_incident *inc);
/* Applies one event to inc, checking that the law and the record allow
 * it: VG_ERR_USAGE (an event the record refuses: a stage submitted twice,
 * a close with reports pending, an awareness time in the future...) or
 * VG_ERR_FORMAT (a malformed event), with inc unchanged and the message
 * saying why.  The event must outlive inc. */
int vg_incident_apply(vg_ctx *ctx, vg_incident *inc, const json_t *event);

/* ---- the clocks (clock.c) ----------------------------------------------- */

typedef struct vg_deadline {
    unsigned regime; /* VG_REGIME_NIS2 or VG_REGIME_CRA */
    vg_incident_stage stage;
    const char *article; /* "NIS2 Art. 23(4)(a)", "CRA Art. 14(2)(c)"...: static */
    int64_t due;         /* 0: not known yet (waiting says for what) */
    const char *waiting; /* when due == 0: what the date waits for; static */
    int or_progress;     /* NIS2 final: "or a progress report if the incident is still ongoing then" */
    int provisional;     /* NIS2 before the incident is classified significant */
    int64_t submitted;   /* 0 while pending */
    const char *reference;
} vg_deadline;

#define VG_INCIDENT_MAX_DEADLINES (2 * VG_STAGE_COUNT + VG_INCIDENT_MAX_REQUESTS)

/* Every submission the law asks of inc, submitted or pending, in the
 * order of the regimes (NIS2, then CRA) and of the stages.  A pure function
 * of inc: no clock is read.  out has room for VG_INCIDENT_MAX_DEADLINES. */
size_t vg_incident_deadlines(const vg_incident *inc, vg_deadline *out);

/* t plus months calendar months, in UTC, the day clamped to the month's
 * last (31 January + 1 = 28 or 29 February); the time of day kept. */
int64_t vg_incident_add_months(int64_t t, int months);

/* ---- times (time.c) ------------------------------------------------------- */

/* An RFC 3339 date-time with a "Z" or numeric offset (seconds required,
 * fractions dropped) into *t (UTC) and *offset (minutes east of UTC; 0 for
 * "Z").  -1 when s is not one. */
int vg_incident_parse_time(const char *s, int64_t *t, int *offset);
/* t at offset minutes east, as "2026-03-27T23:30:00+01:00" ("Z" for 0). */
void vg_incident_format_time(int64_t t, int offset, char *out, size_t outsz);

/* ---- significance (significance.c) --------------------------------------- */

/* Whether name is an entity type classify knows: the eleven of
 * 2024/2690 Art. 1 and "other" (NIS2 Art. 23(3) only). */
int vg_incident_entity_type_known(const char *name);
/* The known entity types, NULL-terminated, for messages. */
extern const char *const vg_incident_entity_types[];

/* Another incident of the register, for 2024/2690 Art. 4 (recurring). */
typedef struct vg_incident_prior {
    const char *id;
    int64_t aware_at;
    const json_t *facts; /* its last classification's facts */
} vg_incident_prior;

/* Classifies an incident of aware_at with facts (docs/incidents.md,
 * "Significance", lists the members); prior are the register's other
 * incidents.  *result: {"significance": "significant" | "not-significant" |
 * "undetermined", "criteria": [...], ...}.  VG_ERR_USAGE for an unknown
 * member, entity type or value out of range, with the message naming it. */
int vg_incident_classify(vg_ctx *ctx, const json_t *facts, int64_t aware_at, const vg_incident_prior *prior,
                         size_t nprior, json_t **result);

/* ---- report fields and drafts (report.c) --------------------------------- */

/* Checks one report field as `vigil incident update --set NAME=VALUE` sets
 * it: a known name, a value of its type.  VG_ERR_USAGE naming the field. */
int vg_incident_field_check(vg_ctx *ctx, const char *name, const json_t *value);

/* The longest NAME=VALUE vg_incident_field_parse() reads, in bytes. */
#define VG_INCIDENT_FIELD_MAX 65536

/* Reads `NAME=VALUE` as `vigil incident update --set` is given it, VALUE
 * typed by the field NAME names: a text or enumerated field takes VALUE as
 * it is, a yes/no field "true" or "false", a list field a JSON array of
 * strings; then checks it as vg_incident_field_check() does.  *name: the
 * field's name (static); *value: a new reference.  VG_ERR_USAGE naming the
 * field, VG_ERR_LIMIT past VG_INCIDENT_FIELD_MAX. */
int vg_incident_field_parse(vg_ctx *ctx, const char *assignment, const char **name, json_t **value);

/* The draft of one submission of inc (docs/incident-report.schema.json):
 * what the stage must carry, from the fields, with every required field
 * still empty listed under "blockers".  deadlines as vg_incident_deadlines
 * gave them. */
int vg_incident_report(vg_ctx *ctx, const vg_incident *inc, const vg_deadline *deadlines, size_t ndeadlines,
                       unsigned regime, vg_incident_stage stage, int64_t now, json_t **out);
/* The draft as Markdown or as a whole HTML page (escaped), into out. */
int vg_incident_report_markdown(const json_t *report, vg_buf *out);
int vg_incident_report_html(const json_t *report, vg_buf *out);

#endif
