/*
 * fold.c — an incident's record, folded from its events in order, each
 * checked against the record as it stands (docs/incidents.md, "The event
 * log"): the same function refuses a bad new event before it is written
 * and finds an impossible one in a stored log.
 *
 * Every member of every event is checked (type, length, range); unknown
 * members are refused, so that nothing in the log goes unread.
 */
#include <string.h>

#include "vigil/incident.h"

#define MAX_FINDINGS 1000
#define MAX_ID 64

void vg_incident_init(vg_incident *inc, const char *id)
{
    *inc = (vg_incident){.id = id, .significance = VG_SIGNIFICANCE_UNKNOWN};
}

void vg_incident_free(vg_incident *inc)
{
    json_decref(inc->fields);
    json_decref(inc->findings);
    inc->fields = inc->findings = NULL;
}

/* Whether every member of o is one of the names in known (a
 * space-separated list); else the message names the first other. */
static int members_known(vg_ctx *ctx, const json_t *o, const char *known, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) {
        size_t n = strlen(key);
        const char *p = known;
        int found = 0;
        while (*p && !found) {
            size_t len = strcspn(p, " ");
            found = len == n && strncmp(p, key, n) == 0;
            p += len + (p[len] == ' ');
        }
        if (!found)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: unknown member \"%s\" (known: %s)", what, key, known);
    }
    return VG_OK;
}

/* A text member: NULL when absent (an error when required), else a
 * non-empty string of at most VG_INCIDENT_MAX_TEXT bytes. */
static int text(vg_ctx *ctx, const json_t *o, const char *name, int required, const char **out, const char *what)
{
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v)
        return required ? vg_error(ctx, VG_ERR_FORMAT, "%s: no %s", what, name) : VG_OK;
    if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > VG_INCIDENT_MAX_TEXT)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s must be a text of 1 to %d bytes", what, name,
                        VG_INCIDENT_MAX_TEXT);
    *out = json_string_value(v);
    return VG_OK;
}

/* A time member (RFC 3339 with offset); *t = 0 when absent and not required. */
static int time_member(vg_ctx *ctx, const json_t *o, const char *name, int required, int64_t *t, int *offset,
                       const char *what)
{
    const char *s;
    int off, rc = text(ctx, o, name, required, &s, what);
    *t = 0;
    if (rc || !s)
        return rc;
    if (vg_incident_parse_time(s, t, offset ? offset : &off) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s \"%s\" is not an RFC 3339 date-time with an offset", what, name,
                        s);
    return VG_OK;
}

static int parse_regimes(vg_ctx *ctx, const json_t *v, unsigned *out, const char *what)
{
    size_t i;
    json_t *r;
    *out = 0;
    if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 2)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: regimes must be a list of nis2 and cra", what);
    json_array_foreach(v, i, r) {
        const char *s = json_string_value(r);
        unsigned bit = s && !strcmp(s, "nis2") ? VG_REGIME_NIS2 : s && !strcmp(s, "cra") ? VG_REGIME_CRA : 0;
        if (!bit || (*out & bit))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: regimes must be a list of nis2 and cra, each once", what);
        *out |= bit;
    }
    return VG_OK;
}

static int check_kind_regimes(vg_ctx *ctx, vg_incident_kind kind, unsigned regimes)
{
    if (kind == VG_INCIDENT_KIND_VULNERABILITY && (regimes & VG_REGIME_NIS2))
        return vg_error(ctx, VG_ERR_USAGE, "%s: NIS2 has no clock for vulnerabilities (Art. 23 is about incidents): "
                        "a vulnerability is reported under the CRA (--regime cra)", "vulnerability");
    return VG_OK;
}

static int add_findings(vg_ctx *ctx, vg_incident *inc, const json_t *v, const char *what)
{
    size_t i;
    json_t *f;
    if (!json_is_array(v) || json_array_size(inc->findings) + json_array_size(v) > MAX_FINDINGS)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: findings must be a list of at most %d {asset, vuln}", what,
                        MAX_FINDINGS);
    json_array_foreach(v, i, f) {
        const char *asset, *vuln;
        int rc;
        if (!json_is_object(f))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: finding %zu is not an object", what, i + 1);
        if ((rc = members_known(ctx, f, "asset vuln", what)) || (rc = text(ctx, f, "asset", 1, &asset, what)) ||
            (rc = text(ctx, f, "vuln", 1, &vuln, what)))
            return rc;
        if (json_array_append(inc->findings, (json_t *)f))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    return VG_OK;
}

/* The event's data checked and applied to next (a copy of the record). */
static int opened(vg_ctx *ctx, vg_incident *next, const json_t *d, int64_t time, const char *what)
{
    const char *kind, *entity;
    json_t *regimes = json_object_get(d, "regimes");
    int rc = members_known(ctx, d, "title kind regimes entity_type aware_at findings", what);
    if (rc || (rc = text(ctx, d, "title", 1, &next->title, what)) || (rc = text(ctx, d, "kind", 1, &kind, what)) ||
        (rc = text(ctx, d, "entity_type", 0, &entity, what)) ||
        (rc = time_member(ctx, d, "aware_at", 1, &next->aware_at, &next->aware_offset, what)) ||
        (rc = parse_regimes(ctx, regimes, &next->regimes, what)))
        return rc;
    if (!strcmp(kind, "incident"))
        next->kind = VG_INCIDENT_KIND_INCIDENT;
    else if (!strcmp(kind, "vulnerability"))
        next->kind = VG_INCIDENT_KIND_VULNERABILITY;
    else
        return vg_error(ctx, VG_ERR_FORMAT, "%s: kind \"%s\" is neither incident nor vulnerability", what, kind);
    if ((rc = check_kind_regimes(ctx, next->kind, next->regimes)))
        return rc;
    if (entity && !vg_incident_entity_type_known(entity))
        return vg_error(ctx, VG_ERR_USAGE, "%s: unknown entity type \"%s\"", what, entity);
    next->entity_type = entity;
    next->opened_at = time;
    if (json_object_get(d, "findings"))
        return add_findings(ctx, next, json_object_get(d, "findings"), what);
    return VG_OK;
}

static int updated(vg_ctx *ctx, vg_incident *next, const json_t *d, const char *reason, const char *what)
{
    int rc = members_known(ctx, d, "title aware_at entity_type regimes ended_at measure_at fields findings", what);
    if (rc)
        return rc;
    if (!json_object_size(d))
        return vg_error(ctx, VG_ERR_USAGE, "%s: an update that changes nothing", what);
    const char *s;
    if (json_object_get(d, "title") && (rc = text(ctx, d, "title", 1, &next->title, what)))
        return rc;
    if (json_object_get(d, "aware_at")) {
        /* The anchor of every deadline moves only for a stated reason. */
        if (!reason)
            return vg_error(ctx, VG_ERR_USAGE, "%s: the awareness time changes only with a reason (--reason)", what);
        if ((rc = time_member(ctx, d, "aware_at", 1, &next->aware_at, &next->aware_offset, what)))
            return rc;
    }
    if (json_object_get(d, "entity_type")) {
        if ((rc = text(ctx, d, "entity_type", 1, &s, what)))
            return rc;
        if (!vg_incident_entity_type_known(s))
            return vg_error(ctx, VG_ERR_USAGE, "%s: unknown entity type \"%s\"", what, s);
        next->entity_type = s;
    }
    if (json_object_get(d, "regimes")) {
        if ((rc = parse_regimes(ctx, json_object_get(d, "regimes"), &next->regimes, what)) ||
            (rc = check_kind_regimes(ctx, next->kind, next->regimes)))
            return rc;
    }
    if (json_object_get(d, "ended_at") &&
        (rc = time_member(ctx, d, "ended_at", 1, &next->ended_at, NULL, what)))
        return rc;
    if (json_object_get(d, "measure_at")) {
        if (next->kind != VG_INCIDENT_KIND_VULNERABILITY)
            return vg_error(ctx, VG_ERR_USAGE, "%s: a measure's time (CRA Art. 14(2)(c)) belongs to a vulnerability",
                            what);
        if ((rc = time_member(ctx, d, "measure_at", 1, &next->measure_at, NULL, what)))
            return rc;
    }
    json_t *fields = json_object_get(d, "fields");
    if (fields) {
        const char *name;
        json_t *v;
        if (!json_is_object(fields) || !json_object_size(fields))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: fields must be a non-empty object", what);
        json_object_foreach(fields, name, v) {
            if (json_is_null(v)) {
                json_object_del(next->fields, name);
                continue;
            }
            if ((rc = vg_incident_field_check(ctx, name, v)))
                return rc;
            json_object_set(next->fields, name, v);
        }
    }
    if (json_object_get(d, "findings"))
        return add_findings(ctx, next, json_object_get(d, "findings"), what);
    return VG_OK;
}

static int classified(vg_ctx *ctx, vg_incident *next, const json_t *d, const char *what)
{
    int rc = members_known(ctx, d, "facts result", what);
    json_t *facts = json_object_get(d, "facts"), *result = json_object_get(d, "result");
    const char *s = json_string_value(json_object_get(result, "significance"));
    if (rc)
        return rc;
    if (!json_is_object(facts) || !json_is_object(result) || !s)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: a classification needs facts and a result with a significance", what);
    if (!strcmp(s, "significant"))
        next->significance = VG_SIGNIFICANCE_YES;
    else if (!strcmp(s, "not-significant"))
        next->significance = VG_SIGNIFICANCE_NO;
    else if (!strcmp(s, "undetermined"))
        next->significance = VG_SIGNIFICANCE_UNKNOWN;
    else
        return vg_error(ctx, VG_ERR_FORMAT, "%s: significance \"%s\" is none of significant, not-significant, "
                        "undetermined", what, s);
    next->facts = facts;
    next->classification = result;
    return VG_OK;
}

/* The pending deadline of (regime, stage) that a submission would meet,
 * or NULL; *waiting is set when there is one whose date is not known yet
 * (a final report before the notification, or before a measure or the end
 * of the handling is recorded), which no submission may meet: informing
 * the users (CRA Art. 14(8)) alone has no date at all. */
static const vg_deadline *pending(const vg_deadline *d, size_t n, unsigned regime, vg_incident_stage stage,
                                  const char **waiting)
{
    *waiting = NULL;
    for (size_t i = 0; i < n; i++) {
        if (d[i].regime != regime || d[i].submitted)
            continue;
        if (d[i].stage != stage && !(stage == VG_STAGE_PROGRESS && d[i].stage == VG_STAGE_FINAL && d[i].or_progress))
            continue;
        if (d[i].due || d[i].stage == VG_STAGE_USERS_INFORMED)
            return &d[i];
        *waiting = d[i].waiting;
    }
    return NULL;
}

static int submitted(vg_ctx *ctx, vg_incident *next, const json_t *d, int64_t time, const char *what)
{
    const char *regime, *stage, *reference;
    int64_t at;
    int rc = members_known(ctx, d, "regime stage at reference", what);
    if (rc || (rc = text(ctx, d, "regime", 1, &regime, what)) || (rc = text(ctx, d, "stage", 1, &stage, what)) ||
        (rc = text(ctx, d, "reference", 0, &reference, what)) ||
        (rc = time_member(ctx, d, "at", 1, &at, NULL, what)))
        return rc;
    unsigned r = !strcmp(regime, "nis2") ? VG_REGIME_NIS2 : !strcmp(regime, "cra") ? VG_REGIME_CRA : 0;
    int s = vg_incident_stage_parse(stage);
    if (!r || s < 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: no such regime or stage: %s %s", what, regime, stage);
    if (!(next->regimes & r))
        return vg_error(ctx, VG_ERR_USAGE, "%s: the incident is not under %s", what, regime);
    if (at < next->aware_at)
        return vg_error(ctx, VG_ERR_USAGE, "%s: submitted before the incident was known (aware at is later)", what);
    if (at > time)
        return vg_error(ctx, VG_ERR_USAGE, "%s: a submission time in the future", what);
    vg_deadline d2[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(next, d2);
    const char *waiting;
    if (!pending(d2, n, r, (vg_incident_stage)s, &waiting)) {
        if (waiting)
            return vg_error(ctx, VG_ERR_USAGE, "%s: the %s %s report is not due yet: it comes %s", what, regime, stage,
                            waiting);
        for (size_t i = 0; i < next->nsubs; i++)
            if (next->subs[i].regime == r && next->subs[i].stage == (vg_incident_stage)s) {
                char when[40];
                vg_incident_format_time(next->subs[i].at, 0, when, sizeof when);
                return vg_error(ctx, VG_ERR_USAGE, "%s: the %s %s report was already submitted at %s%s%s", what,
                                regime, stage, when, next->subs[i].reference ? ", reference " : "",
                                next->subs[i].reference ? next->subs[i].reference : "");
            }
        return vg_error(ctx, VG_ERR_USAGE, "%s: no %s %s report is due for this incident%s", what, regime, stage,
                        r == VG_REGIME_NIS2 && next->significance == VG_SIGNIFICANCE_NO
                            ? " (it was classified not significant)"
                            : "");
    }
    if (next->nsubs == VG_INCIDENT_MAX_SUBMISSIONS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d submissions", what, VG_INCIDENT_MAX_SUBMISSIONS);
    next->subs[next->nsubs++] =
        (vg_incident_submission){.regime = r, .stage = (vg_incident_stage)s, .at = at, .reference = reference};
    return VG_OK;
}

static int requested(vg_ctx *ctx, vg_incident *next, const json_t *d, int64_t time, const char *what)
{
    const char *stage, *regime;
    int64_t due;
    int rc = members_known(ctx, d, "regime stage due", what);
    if (rc || (rc = text(ctx, d, "regime", 1, &regime, what)) || (rc = text(ctx, d, "stage", 1, &stage, what)) ||
        (rc = time_member(ctx, d, "due", 1, &due, NULL, what)))
        return rc;
    unsigned r = !strcmp(regime, "nis2") ? VG_REGIME_NIS2 : !strcmp(regime, "cra") ? VG_REGIME_CRA : 0;
    if (strcmp(stage, "intermediate") != 0 || !r)
        return vg_error(ctx, VG_ERR_USAGE, "%s: only an intermediate report is requested, under nis2 (Art. 23(4)(c)) "
                        "or cra (Art. 14(6))", what);
    if (!(next->regimes & r) || (r == VG_REGIME_NIS2 && next->kind != VG_INCIDENT_KIND_INCIDENT))
        return vg_error(ctx, VG_ERR_USAGE, "%s: the record is not under %s", what, regime);
    if (due < next->aware_at)
        return vg_error(ctx, VG_ERR_USAGE, "%s: a due time before the incident was known", what);
    if (next->nrequests == VG_INCIDENT_MAX_REQUESTS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d requests", what, VG_INCIDENT_MAX_REQUESTS);
    next->requests[next->nrequests++] = (vg_incident_request){.regime = r, .requested_at = time, .due = due};
    return VG_OK;
}

static int closed(vg_ctx *ctx, vg_incident *next, const json_t *d, int64_t time, const char *what)
{
    int rc = members_known(ctx, d, "", what);
    if (rc)
        return rc;
    vg_deadline dl[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(next, dl);
    for (size_t i = 0; i < n; i++)
        if (!dl[i].submitted)
            return vg_error(ctx, VG_ERR_USAGE,
                            "%s: cannot close with the %s %s report still due (%s)%s: submit it first (vigil incident "
                            "submitted)",
                            what, vg_incident_regime_name(dl[i].regime), vg_incident_stage_name(dl[i].stage),
                            dl[i].article,
                            dl[i].provisional ? "; classify the incident first if it is not significant" : "");
    next->closed_at = time;
    return VG_OK;
}

int vg_incident_apply(vg_ctx *ctx, vg_incident *inc, const json_t *event)
{
    char what[MAX_ID + 64];
    json_t *seqv = json_object_get(event, "seq");
    snprintf(what, sizeof what, "event %lld of %s", (long long)json_integer_value(seqv), inc->id);
    const char *type, *id, *actor, *reason;
    int64_t time;
    int rc = json_is_object(event) ? members_known(ctx, event, "seq incident type time actor reason data prev", what)
                                   : vg_error(ctx, VG_ERR_FORMAT, "%s: not an object", what);
    json_t *data = json_object_get(event, "data");
    if (rc || (rc = text(ctx, event, "incident", 1, &id, what)) || (rc = text(ctx, event, "type", 1, &type, what)) ||
        (rc = text(ctx, event, "actor", 1, &actor, what)) || (rc = text(ctx, event, "reason", 0, &reason, what)) ||
        (rc = time_member(ctx, event, "time", 1, &time, NULL, what)))
        return rc;
    if (!json_is_integer(seqv) || json_integer_value(seqv) < 1)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: seq must be a positive integer", what);
    if (!json_is_object(data))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: data must be an object", what);
    if (strcmp(id, inc->id) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the event belongs to incident %s", what, id);
    if (inc->nevents == VG_INCIDENT_MAX_EVENTS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d events", what, VG_INCIDENT_MAX_EVENTS);
    int is_open = !strcmp(type, "opened");
    if (is_open != (inc->nevents == 0))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s", what,
                        is_open ? "opens an incident that is already open" : "the first event must open the incident");
    if (inc->closed_at && strcmp(type, "noted") != 0)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the incident is closed; only notes may be added", what);

    /* Work on a copy, so that a refused event leaves inc as it was. */
    vg_incident next = *inc;
    /* Only opened and updated change the fields and findings: the other
     * events share them (a copy per event was a sixth of verify's time). */
    int mutates = is_open || !strcmp(type, "updated");
    next.fields = !inc->fields ? json_object() : mutates ? json_deep_copy(inc->fields) : json_incref(inc->fields);
    next.findings = !inc->findings ? json_array() : mutates ? json_deep_copy(inc->findings) : json_incref(inc->findings);
    if (!next.fields || !next.findings) {
        vg_incident_free(&next);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (is_open)
        rc = opened(ctx, &next, data, time, what);
    else if (!strcmp(type, "updated"))
        rc = updated(ctx, &next, data, reason, what);
    else if (!strcmp(type, "classified"))
        rc = classified(ctx, &next, data, what);
    else if (!strcmp(type, "noted")) {
        const char *t;
        if (!(rc = members_known(ctx, data, "text", what)))
            rc = text(ctx, data, "text", 1, &t, what);
    } else if (!strcmp(type, "requested"))
        rc = requested(ctx, &next, data, time, what);
    else if (!strcmp(type, "submitted"))
        rc = submitted(ctx, &next, data, time, what);
    else if (!strcmp(type, "closed"))
        rc = closed(ctx, &next, data, time, what);
    else
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: unknown event type \"%s\"", what, type);
    if (rc == VG_OK && next.aware_at > time)
        rc = vg_error(ctx, VG_ERR_USAGE, "%s: the awareness time is in the future", what);
    if (rc == VG_OK && next.ended_at && (next.ended_at < next.aware_at || next.ended_at > time))
        rc = vg_error(ctx, VG_ERR_USAGE, "%s: the handling cannot end before the awareness time or in the future",
                      what);
    if (rc == VG_OK && next.measure_at > time)
        rc = vg_error(ctx, VG_ERR_USAGE, "%s: a measure available in the future", what);
    if (rc) {
        vg_incident_free(&next);
        return rc;
    }
    next.nevents++;
    next.updated_at = time;
    vg_incident_free(inc);
    *inc = next;
    return VG_OK;
}
