/*
 * incident.c — the incident register in the store (docs/incidents.md, "The
 * event log and its verification"; docs/store.md, "Incidents").
 *
 * One append-only log of events for the whole store, table incident_event:
 * event seq (1, 2, 3 ... with no gap) keeps the exact bytes of its body, the
 * SHA-256 of those bytes, and the digest of event seq - 1 ("prev", which
 * the body repeats; 64 zeros before the first).  No statement of vigil
 * updates or deletes an event.  The tables incident and incident_deadline
 * are derived from the log (each incident's record folded by
 * vg_incident_apply(), its pending deadlines by vg_incident_deadlines()),
 * rewritten in the transaction that appends an event, so that `due` reads
 * one index; verify recomputes them too.
 *
 * Appends are serialised (SQLite: the write lock of BEGIN IMMEDIATE;
 * PostgreSQL: a transaction-scoped advisory lock), so that the chain never
 * forks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "vigil/digest.h"
#include "vigil/incident.h"
#include "vigil/json.h"

#define ZERO_HASH "sha256:0000000000000000000000000000000000000000000000000000000000000000"
#define MAX_BODY ((size_t)1 << 20) /* bytes of one event */
#define MAX_ID 64

static int hash_of(vg_ctx *ctx, const char *body, size_t len, char out[80])
{
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, body, len, VG_DIGEST_SHA256, &d);
    if (rc == VG_OK)
        snprintf(out, 80, "sha256:%s", d.sha256);
    return rc;
}

int vg_store_incident_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > MAX_ID)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return 0;
    return 1;
}

/* ---- reading one incident ------------------------------------------------- */

typedef struct load_state {
    vg_ctx *ctx;
    const char *name; /* the store, for messages */
    json_t *events;   /* [{seq, hash, body, event}] */
    vg_incident *inc;
} load_state;

static int load_row(void *arg, vg_db_stmt *st)
{
    load_state *s = arg;
    int64_t seq = vg_db_column_int(st, 0);
    const char *hash = vg_db_column_text(st, 1), *body = vg_db_column_text(st, 2);
    json_t *event;
    char name[128];
    snprintf(name, sizeof name, "%s: event %lld", s->name, (long long)seq);
    size_t len = body ? strlen(body) : 0;
    if (len > MAX_BODY)
        return vg_error(s->ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", name, MAX_BODY);
    int rc = vg_json_parse(s->ctx, name, body ? body : "", len, &event);
    if (rc)
        return rc;
    if (json_array_append_new(s->events, json_pack("{sIssssso}", "seq", (json_int_t)seq, "hash", hash ? hash : "",
                                                   "body", body ? body : "", "event", event)))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    if (s->inc && (rc = vg_incident_apply(s->ctx, s->inc, event)) != VG_OK)
        return vg_error(s->ctx, rc == VG_ERR_NOMEM ? rc : VG_ERR_DIGEST,
                        "%s: the stored record does not hold together (%s): run vigil incident verify", s->name,
                        s->ctx->message);
    return VG_OK;
}

int vg_store_incident_load(vg_ctx *ctx, vg_store *store, const char *id, json_t **events, vg_incident *inc)
{
    *events = json_array();
    if (!*events)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (inc)
        vg_incident_init(inc, id);
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT seq, hash, body FROM incident_event WHERE incident = ? ORDER BY seq",
                           &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, id);
        load_state s = {ctx, vg_db_name(store->db), *events, inc};
        rc = store_rows(ctx, st, load_row, &s);
    }
    if (rc == VG_OK && !json_array_size(*events))
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no incident %s (vigil incident list shows them)",
                      vg_db_name(store->db), id);
    if (rc) {
        if (inc)
            vg_incident_free(inc);
        json_decref(*events);
        *events = NULL;
    }
    return rc;
}

/* ---- the derived tables ----------------------------------------------------- */

static const char *regimes_text(unsigned r)
{
    return r == (VG_REGIME_NIS2 | VG_REGIME_CRA) ? "nis2,cra" : r == VG_REGIME_CRA ? "cra" : "nis2";
}

/* Rewrites the rows of inc in incident, incident_finding and incident_deadline. */
static int project(vg_ctx *ctx, vg_store *store, const vg_incident *inc, int64_t last_seq)
{
    vg_db_stmt *st;
    char *facts = inc->facts ? json_dumps(inc->facts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = store_prepare(
        ctx, store,
        "INSERT INTO incident(id, title, kind, regimes, entity_type, aware_at, aware_offset, significance, ended_at,"
        " closed_at, events, last_seq, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO"
        " UPDATE SET title = excluded.title, kind = excluded.kind, regimes = excluded.regimes,"
        " entity_type = excluded.entity_type, aware_at = excluded.aware_at, aware_offset = excluded.aware_offset,"
        " significance = excluded.significance, ended_at = excluded.ended_at, closed_at = excluded.closed_at,"
        " events = excluded.events, last_seq = excluded.last_seq, facts = excluded.facts",
        &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, inc->id);
        vg_db_bind_text(st, 2, inc->title);
        vg_db_bind_text(st, 3, inc->kind == VG_INCIDENT_KIND_VULNERABILITY ? "vulnerability" : "incident");
        vg_db_bind_text(st, 4, regimes_text(inc->regimes));
        vg_db_bind_text(st, 5, inc->entity_type);
        vg_db_bind_int(st, 6, inc->aware_at);
        vg_db_bind_int(st, 7, inc->aware_offset);
        vg_db_bind_int(st, 8, inc->significance);
        if (inc->ended_at)
            vg_db_bind_int(st, 9, inc->ended_at);
        else
            vg_db_bind_null(st, 9);
        if (inc->closed_at)
            vg_db_bind_int(st, 10, inc->closed_at);
        else
            vg_db_bind_null(st, 10);
        vg_db_bind_int(st, 11, (int64_t)inc->nevents);
        vg_db_bind_int(st, 12, last_seq);
        vg_db_bind_text(st, 13, facts);
        rc = store_run(ctx, st);
        vg_db_finalize(st);
    }
    free(facts);
    if (rc == VG_OK && (rc = store_prepare(ctx, store, "DELETE FROM incident_deadline WHERE incident = ?", &st)) ==
                           VG_OK) {
        vg_db_bind_text(st, 1, inc->id);
        rc = store_run(ctx, st);
        vg_db_finalize(st);
    }
    /* The inventory findings it is about (vigil inventory rescan's CRA candidates leave them out). */
    if (rc == VG_OK && (rc = store_prepare(ctx, store, "DELETE FROM incident_finding WHERE incident = ?", &st)) ==
                           VG_OK) {
        vg_db_bind_text(st, 1, inc->id);
        rc = store_run(ctx, st);
        vg_db_finalize(st);
    }
    if (rc == VG_OK && json_array_size(inc->findings) &&
        (rc = store_prepare(ctx, store,
                            "INSERT INTO incident_finding(incident, asset, vuln) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                            &st)) == VG_OK) {
        size_t i;
        json_t *f;
        json_array_foreach(inc->findings, i, f) {
            if (rc)
                break;
            vg_db_reset(st);
            vg_db_bind_text(st, 1, inc->id);
            vg_db_bind_text(st, 2, json_string_value(json_object_get(f, "asset")));
            vg_db_bind_text(st, 3, json_string_value(json_object_get(f, "vuln")));
            rc = store_run(ctx, st);
        }
        vg_db_finalize(st);
    }
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(inc, d);
    if (rc == VG_OK)
        rc = store_prepare(ctx, store,
                           "INSERT INTO incident_deadline(incident, ord, regime, stage, article, due, waiting,"
                           " or_progress, provisional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &st);
    if (rc)
        return rc;
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        if (d[i].submitted)
            continue;
        vg_db_reset(st);
        vg_db_bind_text(st, 1, inc->id);
        vg_db_bind_int(st, 2, (int64_t)i);
        vg_db_bind_text(st, 3, vg_incident_regime_name(d[i].regime));
        vg_db_bind_text(st, 4, vg_incident_stage_name(d[i].stage));
        vg_db_bind_text(st, 5, d[i].article);
        if (d[i].due)
            vg_db_bind_int(st, 6, d[i].due);
        else
            vg_db_bind_null(st, 6);
        vg_db_bind_text(st, 7, d[i].waiting);
        vg_db_bind_int(st, 8, d[i].or_progress);
        vg_db_bind_int(st, 9, d[i].provisional);
        rc = store_run(ctx, st);
    }
    vg_db_finalize(st);
    return rc;
}

/* ---- appending ---------------------------------------------------------------- */

static int head(vg_ctx *ctx, vg_store *store, int64_t *seq, char prev[80])
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT seq, hash FROM incident_event ORDER BY seq DESC LIMIT 1", &st);
    if (rc)
        return rc;
    *seq = 0;
    snprintf(prev, 80, "%s", ZERO_HASH);
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        *seq = vg_db_column_int(st, 0);
        const char *h = vg_db_column_text(st, 1);
        snprintf(prev, 80, "%s", h ? h : "");
    }
    vg_db_finalize(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

static int incident_exists(vg_ctx *ctx, vg_store *store, const char *id, int *exists)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT count(*) FROM incident WHERE id = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, id);
    rc = vg_db_step(ctx, st);
    *exists = rc == VG_DB_ROW && vg_db_column_int(st, 0) > 0;
    vg_db_finalize(st);
    return rc == VG_DB_ROW ? VG_OK : rc;
}

/* The next free id: INC-0001, INC-0002 ... */
static int next_id(vg_ctx *ctx, vg_store *store, char *out, size_t outsz)
{
    int64_t n;
    int rc = store_query_int(ctx, store, "SELECT count(*) FROM incident", &n), exists = 1;
    for (; rc == VG_OK && exists; n++) {
        snprintf(out, outsz, "INC-%04lld", (long long)n + 1);
        rc = incident_exists(ctx, store, out, &exists);
    }
    return rc;
}

static int append_locked(vg_ctx *ctx, vg_store *store, const vg_store_incident_event *ev, json_t **out)
{
    char id[MAX_ID + 1], prev[80], hash[80], when[40];
    int rc = VG_OK, exists;
    int opening = strcmp(ev->type, "opened") == 0;
    if (ev->incident && !vg_store_incident_id_valid(ev->incident))
        return vg_error(ctx, VG_ERR_USAGE, "incident id \"%s\": use 1 to %d letters, digits, '-', '_' or '.'",
                        ev->incident, MAX_ID);
    if (ev->incident)
        snprintf(id, sizeof id, "%s", ev->incident);
    else if (!opening)
        return vg_error(ctx, VG_ERR_USAGE, "no incident id given");
    else if ((rc = next_id(ctx, store, id, sizeof id)))
        return rc;
    if ((rc = incident_exists(ctx, store, id, &exists)))
        return rc;
    if (opening && exists)
        return vg_error(ctx, VG_ERR_USAGE, "%s: incident %s already exists", vg_db_name(store->db), id);

    vg_incident inc;
    json_t *events = NULL;
    if (exists)
        rc = vg_store_incident_load(ctx, store, id, &events, &inc);
    else if (!opening)
        return vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no incident %s (vigil incident list shows them)",
                        vg_db_name(store->db), id);
    else
        vg_incident_init(&inc, id);
    int64_t seq;
    if (rc == VG_OK)
        rc = head(ctx, store, &seq, prev);
    vg_incident_format_time(ev->time, 0, when, sizeof when);
    json_t *event = rc ? NULL : json_object();
    if (event) {
        /* The members in this order; the bytes written are what is hashed. */
        json_object_set_new(event, "seq", json_integer(seq + 1));
        json_object_set_new(event, "incident", json_string(id));
        json_object_set_new(event, "type", json_string(ev->type));
        json_object_set_new(event, "time", json_string(when));
        json_object_set_new(event, "actor", json_string(ev->actor));
        if (ev->reason)
            json_object_set_new(event, "reason", json_string(ev->reason));
        json_object_set(event, "data", (json_t *)ev->data);
        json_object_set_new(event, "prev", json_string(prev));
    } else if (rc == VG_OK) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (rc == VG_OK && (!ev->actor || !*ev->actor))
        rc = vg_error(ctx, VG_ERR_USAGE, "an event needs an actor (--actor)");
    if (rc == VG_OK && (rc = vg_incident_apply(ctx, &inc, event)) != VG_OK) {
        /* Refused: it is no event of the log, so name the incident only. */
        char prefix[128], msg[sizeof ctx->message];
        snprintf(prefix, sizeof prefix, "event %lld of %s: ", (long long)seq + 1, id);
        if (strncmp(ctx->message, prefix, strlen(prefix)) == 0) {
            snprintf(msg, sizeof msg, "%s: %s (nothing was recorded)", id, ctx->message + strlen(prefix));
            vg_error(ctx, rc, "%s", msg);
        }
    }
    vg_buf body;
    vg_buf_init(&body, MAX_BODY);
    if (rc == VG_OK && (rc = vg_json_dump(event, JSON_COMPACT | JSON_PRESERVE_ORDER, &body)) != VG_OK)
        rc = vg_error(ctx, rc, "event of %s: larger than %zu bytes", id, MAX_BODY);
    if (rc == VG_OK)
        rc = hash_of(ctx, body.data, body.len, hash);
    vg_db_stmt *st;
    if (rc == VG_OK && (rc = store_prepare(ctx, store,
                                           "INSERT INTO incident_event(seq, incident, type, time, prev, body, hash)"
                                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                           &st)) == VG_OK) {
        vg_db_bind_int(st, 1, seq + 1);
        vg_db_bind_text(st, 2, id);
        vg_db_bind_text(st, 3, ev->type);
        vg_db_bind_int(st, 4, ev->time);
        vg_db_bind_text(st, 5, prev);
        vg_db_bind_text(st, 6, body.data);
        vg_db_bind_text(st, 7, hash);
        rc = store_run(ctx, st);
        vg_db_finalize(st);
    }
    if (rc == VG_OK)
        rc = project(ctx, store, &inc, seq + 1);
    if (rc == VG_OK && !(*out = json_pack("{sssIss}", "incident", id, "seq", (json_int_t)(seq + 1), "hash", hash)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_buf_free(&body);
    vg_incident_free(&inc);
    json_decref(event);
    json_decref(events);
    return rc;
}

int vg_store_incident_append(vg_ctx *ctx, vg_store *store, const vg_store_incident_event *ev, json_t **out)
{
    *out = NULL;
    int rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK && vg_db_kind_of(store->db) == VG_DB_POSTGRES)
        rc = vg_db_exec(ctx, store->db, "SELECT pg_advisory_xact_lock(8675309012)");
    if (rc == VG_OK)
        rc = append_locked(ctx, store, ev, out);
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, store->db);
    if (rc) {
        vg_db_rollback(store->db);
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- queries ------------------------------------------------------------------- */

static int list_row(void *arg, vg_db_stmt *st)
{
    int64_t next = vg_db_column_null(st, 8) ? 0 : vg_db_column_int(st, 8);
    int sig = (int)vg_db_column_int(st, 5);
    json_t *o = json_pack("{sssssssssssososososIsI}", "id", vg_db_column_text(st, 0), "title", vg_db_column_text(st, 1),
                          "kind", vg_db_column_text(st, 2), "regimes", vg_db_column_text(st, 3), "significance",
                          sig == VG_SIGNIFICANCE_YES ? "significant"
                          : sig == VG_SIGNIFICANCE_NO ? "not-significant"
                                                      : "undetermined",
                          "aware_at", store_json_time(vg_db_column_int(st, 4)), "closed_at",
                          store_json_time(vg_db_column_null(st, 6) ? 0 : vg_db_column_int(st, 6)), "next_due",
                          store_json_time(next), "entity_type", store_json_text(vg_db_column_text(st, 9)),
                          "pending", (json_int_t)vg_db_column_int(st, 7), "events", (json_int_t)vg_db_column_int(st, 10));
    return o && !json_array_append_new(arg, o) ? VG_OK : VG_ERR_NOMEM;
}

int vg_store_incident_list(vg_ctx *ctx, vg_store *store, int closed_too, json_t **out)
{
    if (!(*out = json_array()))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = store_select(
        ctx, store,
        closed_too ? "SELECT i.id, i.title, i.kind, i.regimes, i.aware_at, i.significance, i.closed_at,"
                     " (SELECT count(*) FROM incident_deadline d WHERE d.incident = i.id),"
                     " (SELECT min(due) FROM incident_deadline d WHERE d.incident = i.id), i.entity_type, i.events"
                     " FROM incident i ORDER BY i.aware_at, i.id"
                   : "SELECT i.id, i.title, i.kind, i.regimes, i.aware_at, i.significance, i.closed_at,"
                     " (SELECT count(*) FROM incident_deadline d WHERE d.incident = i.id),"
                     " (SELECT min(due) FROM incident_deadline d WHERE d.incident = i.id), i.entity_type, i.events"
                     " FROM incident i WHERE i.closed_at IS NULL ORDER BY i.aware_at, i.id",
        list_row, *out);
    if (rc == VG_ERR_NOMEM)
        rc = vg_error(ctx, rc, "out of memory");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

typedef struct due_state {
    json_t *list;
    int64_t now;
} due_state;

static int due_row(void *arg, vg_db_stmt *st)
{
    due_state *s = arg;
    int64_t due = vg_db_column_int(st, 5);
    /* Members in the order of their names: the output sorts them anyway. */
    json_t *o = json_pack("{sssosssbsIssss}", "article", vg_db_column_text(st, 4), "due", store_json_time(due),
                          "incident", vg_db_column_text(st, 0), "overdue", due < s->now, "seconds_left",
                          (json_int_t)(due - s->now), "stage", vg_db_column_text(st, 3), "title",
                          vg_db_column_text(st, 1));
    if (o && vg_db_column_int(st, 6))
        json_object_set_new(o, "or_progress", json_true());
    if (o && vg_db_column_int(st, 7))
        json_object_set_new(o, "provisional", json_true());
    if (o)
        json_object_set_new(o, "regime", json_string(vg_db_column_text(st, 2)));
    return o && !json_array_append_new(s->list, o) ? VG_OK : VG_ERR_NOMEM;
}

int vg_store_incident_due(vg_ctx *ctx, vg_store *store, int64_t now, int64_t until, json_t **out, int64_t *undated)
{
    if (!(*out = json_array()))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st;
    int rc = store_query_int(ctx, store,
                             "SELECT count(*) FROM incident_deadline d JOIN incident i ON i.id = d.incident"
                             " WHERE i.closed_at IS NULL AND d.due IS NULL",
                             undated);
    if (rc == VG_OK)
        rc = store_prepare(ctx, store,
                           "SELECT d.incident, i.title, d.regime, d.stage, d.article, d.due, d.or_progress,"
                           " d.provisional FROM incident_deadline d JOIN incident i ON i.id = d.incident"
                           " WHERE i.closed_at IS NULL AND d.due IS NOT NULL AND d.due <= ?"
                           " ORDER BY d.due, d.incident, d.ord",
                           &st);
    if (rc == VG_OK) {
        vg_db_bind_int(st, 1, until);
        due_state s = {*out, now};
        rc = store_rows(ctx, st, due_row, &s);
    }
    if (rc == VG_ERR_NOMEM)
        rc = vg_error(ctx, rc, "out of memory");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

typedef struct prior_state {
    vg_ctx *ctx;
    json_t *out;
} prior_state;

static int prior_row(void *arg, vg_db_stmt *st)
{
    prior_state *s = arg;
    const char *facts = vg_db_column_text(st, 2);
    json_t *f;
    int rc = vg_json_parse(s->ctx, "facts", facts ? facts : "", facts ? strlen(facts) : 0, &f);
    if (rc)
        return rc;
    json_t *o = json_pack("{sssIso}", "id", vg_db_column_text(st, 0), "aware_at",
                          (json_int_t)vg_db_column_int(st, 1), "facts", f);
    return o && !json_array_append_new(s->out, o) ? VG_OK : vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
}

int vg_store_incident_priors(vg_ctx *ctx, vg_store *store, const char *id, int64_t from, int64_t to, json_t **out)
{
    if (!(*out = json_array()))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT id, aware_at, facts FROM incident WHERE id <> ? AND facts IS NOT NULL"
                           " AND aware_at >= ? AND aware_at <= ? ORDER BY aware_at DESC, id LIMIT 1024",
                           &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, id);
        vg_db_bind_int(st, 2, from);
        vg_db_bind_int(st, 3, to);
        prior_state s = {ctx, *out};
        rc = store_rows(ctx, st, prior_row, &s);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- CRA Art. 14 candidates ---------------------------------------------------- */

static int candidate_row(void *arg, vg_db_stmt *st)
{
    json_t *o = json_pack("{ssssss}", "asset", vg_db_column_text(st, 0), "vuln", vg_db_column_text(st, 1), "package",
                          vg_db_column_text(st, 2));
    return o && !json_array_append_new(arg, o) ? VG_OK : VG_ERR_NOMEM;
}

int vg_store_incident_cra_candidates(vg_ctx *ctx, vg_store *store, json_t **out)
{
    if (!(*out = json_array()))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = store_select(
        ctx, store,
        "SELECT a.name, f.vuln, f.package FROM finding_span s JOIN finding f ON f.id = s.finding_id"
        " JOIN asset a ON a.id = s.asset_id"
        " JOIN asset_tag t ON t.asset_id = a.id AND t.key = 'cra' AND t.value = 'product'"
        " WHERE s.until IS NULL AND s.kev = 1 AND s.suppressed = 0"
        " AND NOT EXISTS (SELECT 1 FROM incident_finding i WHERE i.asset = a.name AND i.vuln = f.vuln)"
        " GROUP BY a.name, f.vuln, f.package ORDER BY a.name, f.vuln, f.package",
        candidate_row, *out);
    if (rc == VG_ERR_NOMEM)
        rc = vg_error(ctx, rc, "out of memory");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
