/*
 * incident_verify.c — `vigil incident verify`: recomputes the register's
 * hash chain and every incident's record from the events alone, and
 * compares the derived tables with them (docs/incidents.md, "The event log
 * and its verification").
 *
 * Two passes over incident_event, so that memory stays one incident's
 * events: in seq order, the chain of the rows' columns (seq 1, 2, 3 ...
 * with no gap; each event's prev is the digest of the one before); in
 * incident order, each body (its digest is the SHA-256 of its stored
 * bytes; its seq, incident, type and prev are the row's) folded with
 * vg_incident_apply(), and the record, its pending deadlines and its
 * linked findings compared with the tables incident, incident_deadline and
 * incident_finding.  Each body is read once.  The first bad event is the
 * one of lowest seq that either pass found.
 *
 * What a chain cannot show: events cut from its end, with the derived
 * tables rewritten to match.  A checkpoint (the head's seq and digest,
 * recorded elsewhere: in a signed export, a ticket, the evidence pack)
 * given to verify shows that too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "vigil/arena.h"
#include "vigil/digest.h"
#include "vigil/incident.h"
#include "vigil/json.h"
#include "vigil/map.h"

#define ZERO_HASH "sha256:0000000000000000000000000000000000000000000000000000000000000000"
#define MAX_BODY ((size_t)1 << 20)

typedef struct verify_state {
    vg_ctx *ctx;
    vg_ctx scratch;      /* messages of the fold, copied into problem */
    int64_t bad_seq;     /* lowest bad event so far; 0: none */
    char problem[1024];  /* what is wrong with it */
    char bad_incident[80];
    /* pass 1 */
    int64_t expect;
    char prev[80];
    int chain_done; /* pass 1 stopped at a bad event */
    const char *checkpoint_hash;
    int64_t checkpoint_seq;
    int checkpoint_seen;
    /* pass 2 */
    char group[80];
    vg_incident inc;
    json_t *events; /* the group's parsed bodies (inc borrows from them) */
    int group_bad;
    int64_t group_last;
    vg_map derived;   /* incident id -> the derived tables' text (malloc'd; NULL once compared) */
    vg_arena keys;    /* the map's keys */
    json_t *mismatch; /* incidents whose derived rows differ */
    int64_t incidents;
} verify_state;

static void bad(verify_state *s, int64_t seq, const char *incident, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(verify_state *s, int64_t seq, const char *incident, const char *fmt, ...)
{
    if (s->bad_seq && s->bad_seq <= seq)
        return;
    s->bad_seq = seq;
    snprintf(s->bad_incident, sizeof s->bad_incident, "%s", incident ? incident : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->problem, sizeof s->problem, fmt, ap);
    va_end(ap);
}

static int chain_row(void *arg, vg_db_stmt *st)
{
    verify_state *s = arg;
    if (s->chain_done)
        return VG_OK;
    int64_t seq = vg_db_column_int(st, 0);
    const char *incident = vg_db_column_text(st, 1), *prev = vg_db_column_text(st, 2),
               *hash = vg_db_column_text(st, 3);
    if (!hash)
        hash = "";
    if (seq != s->expect)
        bad(s, seq, incident, "the log jumps from event %lld to event %lld: %s", (long long)s->expect - 1,
            (long long)seq, seq > s->expect ? "events were deleted" : "events were renumbered");
    else if (!prev || strcmp(prev, s->prev) != 0)
        bad(s, seq, incident, "its prev (%s) is not the digest of event %lld (%s): events were inserted, deleted or "
            "reordered", prev ? prev : "none", (long long)seq - 1, s->prev);
    if (s->bad_seq) {
        s->chain_done = 1;
        return VG_OK;
    }
    if (s->checkpoint_hash && seq == s->checkpoint_seq) {
        s->checkpoint_seen = 1;
        if (strcmp(hash, s->checkpoint_hash) != 0)
            bad(s, seq, incident, "its digest %s differs from the checkpoint's %s: the log was rewritten since", hash,
                s->checkpoint_hash);
    }
    snprintf(s->prev, sizeof s->prev, "%s", hash);
    s->expect = seq + 1;
    return VG_OK;
}

/* Appends s (NULL as nothing), then sep unless it is 0. */
static int add_text(vg_buf *b, const char *s, char sep)
{
    int rc = s ? vg_buf_addstr(b, s) : VG_OK;
    return rc == VG_OK && sep ? vg_buf_addc(b, sep) : rc;
}

/* Appends v in decimal, as %lld writes it, then sep unless it is 0. */
static int add_int(vg_buf *b, int64_t v, char sep)
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    return add_text(b, p, sep);
}

/* The derived tables' content as one text, from a fold or from the rows.
 * Built without printf: verify makes one for every incident and deadline,
 * twice. */
static int derived_head(vg_buf *b, const char *title, const char *kind, const char *regimes, const char *entity,
                        int64_t aware_at, int64_t offset, int64_t sig, int64_t ended, int64_t closed, int64_t events,
                        int64_t last, const char *facts)
{
    const char *texts[] = {title, kind, regimes, entity ? entity : ""};
    const int64_t ints[] = {aware_at, offset, sig, ended, closed, events, last};
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < sizeof texts / sizeof *texts; i++)
        rc = add_text(b, texts[i], '\x1f');
    for (size_t i = 0; rc == VG_OK && i < sizeof ints / sizeof *ints; i++)
        rc = add_int(b, ints[i], '\x1f');
    return rc == VG_OK ? add_text(b, facts ? facts : "", 0) : rc;
}

static int derived_deadline(vg_buf *b, int64_t ord, const char *regime, const char *stage, const char *article,
                            int64_t due, const char *waiting, int64_t or_progress, int64_t provisional)
{
    int rc = vg_buf_addc(b, '\x1e');
    if (rc == VG_OK)
        rc = add_int(b, ord, '\x1f');
    if (rc == VG_OK)
        rc = add_text(b, regime, '\x1f');
    if (rc == VG_OK)
        rc = add_text(b, stage, '\x1f');
    if (rc == VG_OK)
        rc = add_text(b, article, '\x1f');
    if (rc == VG_OK)
        rc = add_int(b, due, '\x1f');
    if (rc == VG_OK)
        rc = add_text(b, waiting ? waiting : "", '\x1f');
    if (rc == VG_OK)
        rc = add_int(b, or_progress, '\x1f');
    return rc == VG_OK ? add_int(b, provisional, 0) : rc;
}

static int derived_finding(vg_buf *b, const char *asset, const char *vuln)
{
    return vg_buf_addf(b, "\x1d%s\x1f%s", asset ? asset : "", vuln ? vuln : "");
}

static int text_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int expected_text(const vg_incident *inc, int64_t last, vg_buf *b)
{
    char *facts = inc->facts ? json_dumps(inc->facts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = derived_head(b, inc->title, inc->kind == VG_INCIDENT_KIND_VULNERABILITY ? "vulnerability" : "incident",
                          inc->regimes == (VG_REGIME_NIS2 | VG_REGIME_CRA) ? "nis2,cra"
                          : inc->regimes == VG_REGIME_CRA                  ? "cra"
                                                                           : "nis2",
                          inc->entity_type, inc->aware_at, inc->aware_offset, inc->significance, inc->ended_at,
                          inc->closed_at, (int64_t)inc->nevents, last, facts);
    free(facts);
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(inc, d);
    for (size_t i = 0; rc == VG_OK && i < n; i++)
        if (!d[i].submitted)
            rc = derived_deadline(b, (int64_t)i, vg_incident_regime_name(d[i].regime),
                                  vg_incident_stage_name(d[i].stage), d[i].article, d[i].due, d[i].waiting,
                                  d[i].or_progress, d[i].provisional);
    /* The linked findings, once each, in the order of the table's key. */
    size_t nf = json_array_size(inc->findings), k = 0;
    char **links = nf ? calloc(nf, sizeof *links) : NULL;
    if (nf && !links)
        return VG_ERR_NOMEM;
    for (size_t i = 0; rc == VG_OK && i < nf; i++) {
        json_t *f = json_array_get(inc->findings, i);
        vg_buf one;
        vg_buf_init(&one, 1 << 20);
        rc = derived_finding(&one, json_string_value(json_object_get(f, "asset")),
                             json_string_value(json_object_get(f, "vuln")));
        links[k++] = one.data;
    }
    if (rc == VG_OK && k > 1)
        qsort(links, k, sizeof *links, text_cmp);
    for (size_t i = 0; rc == VG_OK && i < k; i++)
        if (!i || strcmp(links[i], links[i - 1]) != 0)
            rc = vg_buf_addstr(b, links[i]);
    for (size_t i = 0; i < k; i++)
        free(links[i]);
    free(links);
    return rc;
}

/* Ends the group of the incident in s->group: compares its fold with the
 * derived tables. */
static int end_group(verify_state *s)
{
    if (!s->group[0])
        return VG_OK;
    int rc = VG_OK;
    s->incidents++;
    if (!s->group_bad) {
        vg_buf want;
        vg_buf_init(&want, (size_t)1 << 24);
        rc = expected_text(&s->inc, s->group_last, &want);
        char *have = vg_map_get(&s->derived, s->group, strlen(s->group));
        if (rc == VG_OK && (!have || strcmp(have, want.data ? want.data : "") != 0))
            rc = json_array_append_new(s->mismatch, json_string(s->group)) ? VG_ERR_NOMEM : VG_OK;
        if (have) {
            free(have);
            vg_map_put(&s->derived, s->group, strlen(s->group), NULL);
        }
        vg_buf_free(&want);
    }
    vg_incident_free(&s->inc);
    json_decref(s->events);
    s->events = NULL;
    s->group[0] = '\0';
    return rc ? vg_error(s->ctx, rc, "out of memory") : VG_OK;
}

static int fold_row(void *arg, vg_db_stmt *st)
{
    verify_state *s = arg;
    int64_t seq = vg_db_column_int(st, 0);
    const char *incident = vg_db_column_text(st, 1), *type = vg_db_column_text(st, 2),
               *prev = vg_db_column_text(st, 3), *hash = vg_db_column_text(st, 4), *body = vg_db_column_text(st, 5);
    if (!incident)
        incident = "";
    int rc;
    if (strcmp(incident, s->group) != 0) {
        if ((rc = end_group(s)))
            return rc;
        snprintf(s->group, sizeof s->group, "%s", incident);
        if (!(s->events = json_array()))
            return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
        vg_incident_init(&s->inc, s->group);
        s->group_bad = 0;
    }
    if (s->group_bad)
        return VG_OK;
    s->group_last = seq;
    size_t len = body ? strlen(body) : 0;
    json_t *event = NULL;
    char name[128];
    snprintf(name, sizeof name, "event %lld", (long long)seq);
    vg_ctx_free(&s->scratch);
    vg_ctx_init(&s->scratch);
    /* Its digest is the SHA-256 of its bytes (the chain pass checked
     * that each event's prev is the digest of the one before). */
    vg_file_digest d;
    rc = vg_digest_memory(s->ctx, body ? body : "", len, VG_DIGEST_SHA256, &d);
    if (rc)
        return rc;
    char computed[80];
    snprintf(computed, sizeof computed, "sha256:%s", d.sha256);
    if (!hash || strcmp(hash, computed) != 0) {
        bad(s, seq, incident, "its content does not match its digest (stored %s, computed %s): the event was edited",
            hash ? hash : "none", computed);
    } else if (len > MAX_BODY) {
        bad(s, seq, incident, "its body is larger than %zu bytes", MAX_BODY);
    } else if (vg_json_parse(&s->scratch, name, body ? body : "", len, &event) != VG_OK) {
        bad(s, seq, incident, "%s", s->scratch.message);
    } else if (json_array_append_new(s->events, event)) {
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    } else {
        json_t *v = json_object_get(event, "seq");
        const char *bi = json_string_value(json_object_get(event, "incident")),
                   *bt = json_string_value(json_object_get(event, "type")),
                   *bp = json_string_value(json_object_get(event, "prev"));
        if (!json_is_integer(v) || json_integer_value(v) != seq || !bi || strcmp(bi, incident) != 0 || !bt ||
            !type || strcmp(bt, type) != 0 || !bp || !prev || strcmp(bp, prev) != 0)
            bad(s, seq, incident, "its body's seq, incident, type or prev differs from the row's: the event was moved "
                "or its columns edited");
        else if ((rc = vg_incident_apply(&s->scratch, &s->inc, event)) != VG_OK)
            bad(s, seq, incident, "%s", s->scratch.message);
        else
            return VG_OK;
    }
    s->group_bad = 1;
    return VG_OK;
}

static int derived_row(void *arg, vg_db_stmt *st)
{
    verify_state *s = arg;
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 24);
    const char *id = vg_db_column_text(st, 0);
    int rc = derived_head(&b, vg_db_column_text(st, 1), vg_db_column_text(st, 2), vg_db_column_text(st, 3),
                          vg_db_column_text(st, 4), vg_db_column_int(st, 5), vg_db_column_int(st, 6),
                          vg_db_column_int(st, 7), vg_db_column_int(st, 8), vg_db_column_int(st, 9),
                          vg_db_column_int(st, 10), vg_db_column_int(st, 11), vg_db_column_text(st, 12));
    if (rc == VG_OK && vg_map_get(&s->derived, id, strlen(id)))
        rc = VG_ERR_FORMAT; /* cannot happen: id is the key */
    const char *key = rc ? NULL : vg_arena_strdup(&s->keys, id);
    if (key && (rc = vg_map_put(&s->derived, key, strlen(key), b.data ? b.data : strdup(""))) == VG_OK)
        return VG_OK;
    vg_buf_free(&b);
    return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
}

/* The derived text of incident id so far, to append a row of another
 * derived table to; *found = 0, and the id counted as a mismatch, when the
 * table incident has no row of that id. */
static int derived_text_of(verify_state *s, const char *id, vg_buf *b, int *found)
{
    char *have = vg_map_get(&s->derived, id, strlen(id));
    *found = have != NULL;
    *b = (vg_buf){.data = have, .len = have ? strlen(have) : 0, .cap = have ? strlen(have) + 1 : 0,
                  .max = (size_t)1 << 24};
    if (!have && json_array_append_new(s->mismatch, json_string(id)))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

static int derived_deadline_row(void *arg, vg_db_stmt *st)
{
    verify_state *s = arg;
    const char *id = vg_db_column_text(st, 0);
    vg_buf b;
    int found, rc = derived_text_of(s, id, &b, &found);
    if (rc || !found)
        return rc;
    if (derived_deadline(&b, vg_db_column_int(st, 1), vg_db_column_text(st, 2), vg_db_column_text(st, 3),
                         vg_db_column_text(st, 4), vg_db_column_null(st, 5) ? 0 : vg_db_column_int(st, 5),
                         vg_db_column_text(st, 6), vg_db_column_int(st, 7), vg_db_column_int(st, 8)))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    return vg_map_put(&s->derived, id, strlen(id), b.data);
}

static int derived_finding_row(void *arg, vg_db_stmt *st)
{
    verify_state *s = arg;
    const char *id = vg_db_column_text(st, 0);
    vg_buf b;
    int found, rc = derived_text_of(s, id, &b, &found);
    if (rc || !found)
        return rc;
    if (derived_finding(&b, vg_db_column_text(st, 1), vg_db_column_text(st, 2)))
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    return vg_map_put(&s->derived, id, strlen(id), b.data);
}

int vg_store_incident_verify(vg_ctx *ctx, vg_store *store, const char *checkpoint, json_t **out)
{
    *out = NULL;
    verify_state s = {.ctx = ctx, .expect = 1};
    snprintf(s.prev, sizeof s.prev, "%s", ZERO_HASH);
    char cp_hash[80] = "";
    if (checkpoint) {
        long long cs;
        int used = 0;
        if (sscanf(checkpoint, "%lld:%n", &cs, &used) != 1 || used == 0 || cs < 1 ||
            strncmp(checkpoint + used, "sha256:", 7) != 0 || strlen(checkpoint + used) != 71 ||
            !vg_is_hex(checkpoint + used + 7, 64))
            return vg_error(ctx, VG_ERR_USAGE, "checkpoint \"%s\": give SEQ:sha256:HEX as verify printed it",
                            checkpoint);
        snprintf(cp_hash, sizeof cp_hash, "%s", checkpoint + used);
        s.checkpoint_seq = cs;
        s.checkpoint_hash = cp_hash;
    }
    vg_ctx_init(&s.scratch);
    vg_map_init(&s.derived);
    vg_arena_init(&s.keys);
    s.mismatch = json_array();
    int rc = s.mismatch ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    /* One transaction, so that both passes see the same log. */
    if (rc == VG_OK)
        rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK)
        rc = store_select(ctx, store, "SELECT seq, incident, prev, hash FROM incident_event ORDER BY seq",
                          chain_row, &s);
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT id, title, kind, regimes, entity_type, aware_at, aware_offset, significance,"
                          " ended_at, closed_at, events, last_seq, facts FROM incident",
                          derived_row, &s);
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT incident, ord, regime, stage, article, due, waiting, or_progress, provisional"
                          " FROM incident_deadline ORDER BY incident, ord",
                          derived_deadline_row, &s);
    if (rc == VG_OK)
        rc = store_select(ctx, store, "SELECT incident, asset, vuln FROM incident_finding ORDER BY incident, asset, vuln",
                          derived_finding_row, &s);
    if (rc == VG_OK)
        rc = store_select(ctx, store,
                          "SELECT seq, incident, type, prev, hash, body FROM incident_event ORDER BY incident, seq",
                          fold_row, &s);
    if (rc == VG_OK)
        rc = end_group(&s);
    vg_db_rollback(store->db);
    /* Derived rows of incidents the log does not have. */
    for (size_t i = 0; rc == VG_OK && i < s.derived.cap; i++) {
        const vg_map_slot *slot = vg_map_slot_at(&s.derived, i);
        if (slot && slot->value && json_array_append_new(s.mismatch, json_stringn(slot->key, slot->keylen)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (rc == VG_OK && s.checkpoint_hash && !s.checkpoint_seen && !s.bad_seq)
        bad(&s, s.expect, "", "the log ends at event %lld, before the checkpoint's event %lld: events were cut from "
            "its end", (long long)s.expect - 1, (long long)s.checkpoint_seq);
    if (rc == VG_OK) {
        *out = json_pack("{sIsIsssbso}", "events", (json_int_t)(s.expect - 1), "incidents", (json_int_t)s.incidents,
                         "head", s.prev, "verified", !s.bad_seq && !json_array_size(s.mismatch),
                         "derived_mismatch", json_incref(s.mismatch));
        if (*out && s.bad_seq)
            json_object_set_new(*out, "first_bad", json_pack("{sIssss}", "seq", (json_int_t)s.bad_seq, "incident",
                                                             s.bad_incident, "problem", s.problem));
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < s.derived.cap; i++) {
        const vg_map_slot *slot = vg_map_slot_at(&s.derived, i);
        if (slot)
            free(slot->value);
    }
    vg_map_free(&s.derived);
    vg_arena_free(&s.keys);
    vg_incident_free(&s.inc);
    json_decref(s.events);
    json_decref(s.mismatch);
    vg_ctx_free(&s.scratch);
    return rc;
}
