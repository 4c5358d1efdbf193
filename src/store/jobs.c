/*
 * jobs.c — the job table (docs/store.md, "Jobs and workers"): enqueueing
 * the ingest of an uploaded SBOM and the rescan of assets, and running them
 * from any number of workers on any number of machines.
 *
 * A job goes queued -> running (taken by one worker for a lease) -> done,
 * or back to queued when an attempt fails, until it has been tried
 * VG_STORE_JOB_ATTEMPTS times: then it is failed, with the last message.
 * A job whose worker died keeps state running until its lease runs out;
 * then any worker takes it again (and that counts as an attempt).
 *
 * Exactly once: the transaction that applies a job's effect first marks the
 * job done on the condition that it is still this worker's (the same worker
 * and attempt, the lease not run out), and rolls everything back when it is
 * not; the effect (vg_store_add_snapshot(), vg_store_rescan_asset(), which
 * nest inside it as savepoints, db.h) and the completion commit together or
 * not at all.  On PostgreSQL that first UPDATE also locks the job's row, so
 * no other worker can take the job while its effect is being written.  An
 * ingested snapshot carries the job's key ("job/ID") as well: a second
 * snapshot of the same job cannot exist even if this rule were broken.
 *
 * Order: a job is ready only when no earlier job of its asset is queued or
 * running, so the jobs of one asset run one at a time in the order they
 * were enqueued, and any number of workers give the store one worker gives.
 *
 * Taking a job: PostgreSQL locks the candidate row with FOR UPDATE SKIP
 * LOCKED, so that workers pass over each other's rows instead of waiting;
 * SQLite has one writer at a time (BEGIN IMMEDIATE) and needs no more.
 * Times are the database server's clock (db_now()), so that the clocks of
 * the workers' machines need not agree.
 *
 * Leaves out: lease renewal (a job must finish within its lease), a notify
 * kind, LISTEN/NOTIFY (idle workers poll).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/sbomread.h"
#include "vigil/vulndb.h"

/* The kinds this worker runs: others (a newer vigil's) are left queued. */
#define KNOWN_KINDS "kind IN ('ingest', 'rescan')"
#define PENDING "state IN ('queued', 'running')"

/* The database server's clock, in Unix seconds: the one clock every lease
 * is judged by.  The only query whose text differs between the back ends. */
static int db_now(vg_ctx *ctx, vg_store *store, int64_t *now)
{
    return store_query_int(ctx, store,
                           vg_db_kind_of(store->db) == VG_DB_POSTGRES
                               ? "SELECT CAST(floor(EXTRACT(EPOCH FROM clock_timestamp())) AS BIGINT)"
                               : "SELECT CAST(strftime('%s', 'now') AS INTEGER)",
                           now);
}

/* "ID[:VERSION]" into text, and os pointing into it; -1 when malformed. */
static int parse_distro(const char *s, char *text, size_t size, vg_os *os)
{
    if (!s || strlen(s) >= size)
        return -1;
    memcpy(text, s, strlen(s) + 1);
    char *colon = strchr(text, ':');
    if (colon)
        *colon = '\0';
    if (!*text || (colon && !colon[1]))
        return -1;
    *os = (vg_os){.id = text, .version_id = colon ? colon + 1 : NULL};
    return 0;
}

/* Commits the open transaction when rc is VG_OK, else rolls it back. */
static int end_transaction(vg_ctx *ctx, vg_store *store, int rc)
{
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, store->db);
    if (rc)
        vg_db_rollback(store->db);
    return rc;
}

/* {"error": message}, the result kept with a failed job, as JSON text
 * (malloc'd), or NULL when out of memory. */
static char *error_result(const char *message)
{
    json_t *result = json_pack("{s:s}", "error", message);
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    json_decref(result);
    return text;
}

/* ---- payloads ------------------------------------------------------------- */

/* Sets o[key] to the string value when value is not NULL; -1 when it
 * cannot be set (out of memory, or key or value not UTF-8). */
static int set_text(json_t *o, const char *key, const char *value)
{
    return value ? json_object_set_new(o, key, json_string(value)) : 0;
}

/* The payload of an ingest job: the facts of in the worker needs, as JSON
 * text (malloc'd); NULL when a fact is not UTF-8 text, or out of memory. */
static char *ingest_payload_text(const vg_store_snapshot_input *in, const char *distro)
{
    json_t *p = json_object(), *tags = json_object();
    int bad = !p || !tags || json_object_set_new(p, "time", json_integer(in->time)) ||
              set_text(p, "source", in->source ? in->source : "") || set_text(p, "kind", in->kind) ||
              set_text(p, "owner", in->owner) || set_text(p, "environment", in->environment) ||
              set_text(p, "version", in->version_label) || set_text(p, "distro", distro);
    for (size_t i = 0; !bad && i < in->ntags; i++)
        bad = set_text(tags, in->tags[i].key, in->tags[i].value);
    bad = bad || json_object_set(p, "tags", tags);
    if (!bad && in->inv && in->inv->target.kind && in->inv->target.kind != VG_TARGET_SBOM)
        bad = set_text(p, "target_kind", store_target_kind_name(in->inv->target.kind)) ||
              set_text(p, "target_digest", in->inv->target.digest);
    char *text = bad ? NULL : json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(tags);
    json_decref(p);
    return text;
}

/* member of o as a string into *out (left NULL when absent). */
static int payload_text(vg_ctx *ctx, json_t *o, const char *member, const char **out)
{
    json_t *v = json_object_get(o, member);
    if (!v || json_is_null(v))
        return VG_OK;
    if (!json_is_string(v))
        return vg_error(ctx, VG_ERR_FORMAT, "job payload: \"%s\" is not a string", member);
    *out = json_string_value(v);
    return VG_OK;
}

void store_ingest_payload_free(store_ingest_payload *p)
{
    json_decref(p->root);
    p->root = NULL;
}

int store_ingest_payload_parse(vg_ctx *ctx, const char *text, size_t len, store_ingest_payload *p)
{
    memset(p, 0, sizeof *p);
    if (len > VG_STORE_MAX_PAYLOAD)
        return vg_error(ctx, VG_ERR_LIMIT, "job payload of %zu bytes: larger than %zu", len,
                        (size_t)VG_STORE_MAX_PAYLOAD);
    json_error_t err;
    p->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(p->root)) {
        vg_error(ctx, VG_ERR_FORMAT, "job payload: not a JSON object%s%s", p->root ? "" : ": ", p->root ? "" : err.text);
        store_ingest_payload_free(p);
        return VG_ERR_FORMAT;
    }
    p->in.tags = p->tags;
    const char *distro = NULL, *target_kind = NULL;
    json_t *time = json_object_get(p->root, "time"), *tags = json_object_get(p->root, "tags");
    int rc = payload_text(ctx, p->root, "kind", &p->in.kind);
    rc = rc ? rc : payload_text(ctx, p->root, "owner", &p->in.owner);
    rc = rc ? rc : payload_text(ctx, p->root, "environment", &p->in.environment);
    rc = rc ? rc : payload_text(ctx, p->root, "version", &p->in.version_label);
    rc = rc ? rc : payload_text(ctx, p->root, "source", &p->in.source);
    rc = rc ? rc : payload_text(ctx, p->root, "distro", &distro);
    rc = rc ? rc : payload_text(ctx, p->root, "target_kind", &target_kind);
    rc = rc ? rc : payload_text(ctx, p->root, "target_digest", &p->target_digest);
    if (rc == VG_OK && (!json_is_integer(time) || json_integer_value(time) < 0))
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"time\" is not a number of seconds since 1970");
    if (rc == VG_OK && tags && !json_is_object(tags))
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"tags\" is not an object");
    if (rc == VG_OK && json_object_size(tags) > STORE_JOB_MAX_TAGS)
        rc = vg_error(ctx, VG_ERR_LIMIT, "job payload: more than %d tags", STORE_JOB_MAX_TAGS);
    const char *key;
    json_t *value;
    json_object_foreach(tags, key, value) {
        if (rc)
            break;
        if (!json_is_string(value))
            rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: tag \"%s\" is not a string", key);
        else
            p->tags[p->in.ntags++] = (vg_store_tag){key, json_string_value(value)};
    }
    if (rc == VG_OK && distro) {
        if (parse_distro(distro, p->distro_text, sizeof p->distro_text, &p->distro) != 0)
            rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"distro\" is not ID or ID:VERSION");
        p->has_distro = rc == VG_OK;
    }
    if (rc == VG_OK && target_kind && !(p->target_kind = store_target_kind_of(target_kind)))
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: unknown \"target_kind\"");
    if (rc) {
        store_ingest_payload_free(p);
        return rc;
    }
    p->in.time = json_integer_value(time);
    return VG_OK;
}

/* ---- enqueueing ------------------------------------------------------------ */

int vg_store_enqueue_ingest(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, const char *distro,
                            int64_t *job_id)
{
    *job_id = 0;
    vg_os os;
    char scratch[256];
    int rc = store_check_asset_name(ctx, in->asset);
    if (rc)
        return rc;
    if (in->ntags > STORE_JOB_MAX_TAGS)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %d tags", STORE_JOB_MAX_TAGS);
    if (distro && parse_distro(distro, scratch, sizeof scratch, &os) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "distro '%s': expected ID or ID:VERSION, e.g. debian:12", distro);
    char *payload = ingest_payload_text(in, distro);
    if (!payload)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the source, tags and facts of a queued snapshot must be UTF-8 text",
                        in->asset);
    if (strlen(payload) > VG_STORE_MAX_PAYLOAD) {
        free(payload);
        return vg_error(ctx, VG_ERR_LIMIT, "the facts of the snapshot (tags, names) are longer than %zu bytes",
                        (size_t)VG_STORE_MAX_PAYLOAD);
    }
    char digest[72];
    int64_t now = 0;
    vg_db_stmt *st = NULL;
    if ((rc = vg_db_begin(ctx, store->db)) != VG_OK)
        goto out;
    if ((rc = db_now(ctx, store, &now)) ||
        (rc = store_document_put(ctx, store, in->document, in->document_len, in->media_type, digest)) ||
        (rc = store_prepare(ctx, store,
                            "INSERT INTO job(kind, asset, document, payload, state, enqueued_at, attempts)"
                            " VALUES ('ingest', ?, ?, ?, 'queued', ?, 0) RETURNING id",
                            &st)))
        goto out;
    vg_db_bind_text(st, 1, in->asset);
    vg_db_bind_text(st, 2, digest);
    vg_db_bind_text(st, 3, payload);
    vg_db_bind_int(st, 4, now);
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        *job_id = vg_db_column_int(st, 0);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: enqueueing returned no job", vg_db_name(store->db));
    }
    vg_db_finalize(st);
    st = NULL;
out:
    vg_db_finalize(st);
    if ((rc = end_transaction(ctx, store, rc)) != VG_OK)
        *job_id = 0;
    free(payload);
    return rc;
}

/* Steps st, a query of one integer, into *out (0 when no row), and resets it. */
static int step_int(vg_ctx *ctx, vg_db_stmt *st, int64_t *out)
{
    int rc = vg_db_step(ctx, st);
    *out = rc == VG_DB_ROW ? vg_db_column_int(st, 0) : 0;
    vg_db_reset(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

int vg_store_enqueue_rescans(vg_ctx *ctx, vg_store *store, const char *const *assets, size_t nassets, json_t **out)
{
    *out = NULL;
    static const char queued[] =
        "EXISTS (SELECT 1 FROM job j WHERE j.kind = 'rescan' AND j.asset = a.name AND j.state = 'queued')";
    const char *only = nassets ? " AND a.name = ?" : "";
    char insert[512], count[320];
    snprintf(insert, sizeof insert,
             "INSERT INTO job(kind, asset, payload, state, enqueued_at, attempts)"
             " SELECT 'rescan', a.name, '{}', 'queued', ?, 0 FROM asset a"
             " WHERE a.latest_snapshot IS NOT NULL%s AND NOT %s ORDER BY a.name",
             only, queued);
    snprintf(count, sizeof count, "SELECT count(*) FROM asset a WHERE a.latest_snapshot IS NOT NULL%s AND %s", only,
             queued);
    vg_db_stmt *ins = NULL, *cnt = NULL, *known = NULL;
    int64_t already = 0, jobs = 0, now = 0, n;
    int rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK && (rc = db_now(ctx, store, &now)) == VG_OK &&
        (rc = store_prepare(ctx, store, insert, &ins)) == VG_OK && (rc = store_prepare(ctx, store, count, &cnt)) == VG_OK)
        rc = store_prepare(ctx, store, "SELECT count(*) FROM asset WHERE name = ? AND latest_snapshot IS NOT NULL",
                           &known);
    for (size_t i = 0; rc == VG_OK && i < (nassets ? nassets : 1); i++) {
        if (nassets) {
            vg_db_bind_text(known, 1, assets[i]);
            vg_db_bind_text(cnt, 1, assets[i]);
            vg_db_bind_text(ins, 2, assets[i]);
            if ((rc = step_int(ctx, known, &n)) == VG_OK && n == 0)
                rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no asset named %s with a snapshot (see vigil inventory list)",
                              vg_db_name(store->db), assets[i]);
        }
        /* Counted first: after the insert the asset would count as queued. */
        if (rc == VG_OK && (rc = step_int(ctx, cnt, &n)) == VG_OK)
            already += n;
        vg_db_bind_int(ins, 1, now);
        if (rc == VG_OK && (rc = vg_db_step(ctx, ins)) == VG_DB_DONE) {
            jobs += vg_db_changes(ins);
            rc = VG_OK;
        }
        if (ins)
            vg_db_reset(ins);
    }
    vg_db_finalize(ins);
    vg_db_finalize(cnt);
    vg_db_finalize(known);
    if ((rc = end_transaction(ctx, store, rc)) != VG_OK)
        return rc;
    *out = json_pack("{s:I, s:I}", "jobs", (json_int_t)jobs, "already_queued", (json_int_t)already);
    return *out ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}

/* ---- taking and finishing jobs ---------------------------------------------- */

typedef struct job {
    int64_t id;
    int64_t attempt; /* this one: 1 for the first */
    char kind[16];
    char *asset;    /* or NULL */
    char *document; /* or NULL */
    char *payload;
    char *last_worker; /* who had it before, or NULL */
    char why[512];     /* why it was failed when taken (take_job()) */
} job;

static void job_free(job *j)
{
    free(j->asset);
    free(j->document);
    free(j->payload);
    free(j->last_worker);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Runs st (an UPDATE) and returns the rows it changed in *changed. */
static int run_counting(vg_ctx *ctx, vg_db_stmt *st, int64_t *changed)
{
    int rc = vg_db_step(ctx, st);
    *changed = rc == VG_DB_DONE ? vg_db_changes(st) : 0;
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* The ready job found by st (a SELECT of the columns below), into j. */
static int read_job(vg_ctx *ctx, vg_db_stmt *st, job *j)
{
    const char *kind = vg_db_column_text(st, 1);
    j->id = vg_db_column_int(st, 0);
    snprintf(j->kind, sizeof j->kind, "%s", kind ? kind : "");
    j->asset = dup_or_null(vg_db_column_text(st, 2));
    j->document = dup_or_null(vg_db_column_text(st, 3));
    j->payload = dup_or_null(vg_db_column_text(st, 4));
    j->attempt = vg_db_column_int(st, 5) + 1;
    j->last_worker = dup_or_null(vg_db_column_text(st, 6));
    if (!j->payload || (vg_db_column_text(st, 2) && !j->asset) || (vg_db_column_text(st, 3) && !j->document))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

/* Takes the next ready job for w into j (*found = 1), in one short
 * transaction.  A job already tried VG_STORE_JOB_ATTEMPTS times (its
 * workers died or ran out of lease each time) is failed instead:
 * *gave_up = 1.  When none is ready, *pending counts the jobs queued or
 * running. */
static int take_job(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, job *j, int *found, int *gave_up,
                    int64_t *pending)
{
    *found = *gave_up = 0;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT id, kind, asset, document, payload, attempts, worker FROM job j"
             " WHERE " PENDING " AND " KNOWN_KINDS " AND COALESCE(lease_until, 0) < ?"
             " AND NOT EXISTS (SELECT 1 FROM job e WHERE e.asset = j.asset AND e.id < j.id AND e." PENDING ")"
             " ORDER BY id LIMIT 1%s",
             /* PostgreSQL: lock it, passing over rows other workers are taking */
             vg_db_kind_of(store->db) == VG_DB_POSTGRES ? " FOR UPDATE SKIP LOCKED" : "");
    vg_db_stmt *st = NULL;
    int64_t now, changed = 0;
    int rc = vg_db_begin(ctx, store->db);
    if (rc)
        return rc;
    if ((rc = db_now(ctx, store, &now)) || (rc = store_prepare(ctx, store, sql, &st)))
        goto out;
    vg_db_bind_int(st, 1, now);
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        rc = read_job(ctx, st, j);
        *found = rc == VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = VG_OK;
    }
    vg_db_finalize(st);
    st = NULL;
    if (rc)
        goto out;
    if (!*found) {
        rc = store_query_int(ctx, store, "SELECT count(*) FROM job WHERE " PENDING " AND " KNOWN_KINDS, pending);
        goto out;
    }
    if (j->attempt > VG_STORE_JOB_ATTEMPTS) {
        snprintf(j->why, sizeof j->why,
                 "taken %d times and never finished: the worker running it stopped or ran out of lease "
                 "each time (last: %s)",
                 VG_STORE_JOB_ATTEMPTS, j->last_worker ? j->last_worker : "unknown");
        char *text = error_result(j->why);
        if (!text) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = store_prepare(ctx, store,
                                "UPDATE job SET state = 'failed', done_at = ?, lease_until = NULL, result = ?"
                                " WHERE id = ?",
                                &st)) == VG_OK) {
            vg_db_bind_int(st, 1, now);
            vg_db_bind_text(st, 2, text);
            vg_db_bind_int(st, 3, j->id);
            rc = store_run(ctx, st);
        }
        free(text);
        *gave_up = 1;
        j->attempt--;
        goto out;
    }
    if ((rc = store_prepare(ctx, store,
                            "UPDATE job SET state = 'running', worker = ?, attempts = ?, lease_until = ? WHERE id = ?",
                            &st)))
        goto out;
    vg_db_bind_text(st, 1, w->id);
    vg_db_bind_int(st, 2, j->attempt);
    vg_db_bind_int(st, 3, now + w->lease);
    vg_db_bind_int(st, 4, j->id);
    if ((rc = run_counting(ctx, st, &changed)) == VG_OK && changed != 1)
        rc = vg_error(ctx, VG_ERR_IO, "%s: job %lld vanished while being taken", vg_db_name(store->db),
                      (long long)j->id);
out:
    vg_db_finalize(st);
    if ((rc = end_transaction(ctx, store, rc)) != VG_OK)
        *found = *gave_up = 0;
    return rc;
}

/* Opens the transaction that applies j's effect and completes it: marks
 * it done on the condition that it is still w's (the same worker and
 * attempt, the lease not run out).  *owned = 0, and no transaction left
 * open, when it is not.  *now: the server's time.  A done job lets go of
 * its document: the snapshot refers to it now, and prune may delete it
 * with the snapshot. */
static int begin_completion(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, int64_t *now,
                            int *owned)
{
    *owned = 0;
    vg_db_stmt *st = NULL;
    int64_t changed = 0;
    int rc = vg_db_begin(ctx, store->db);
    if (rc)
        return rc;
    if ((rc = db_now(ctx, store, now)) == VG_OK &&
        (rc = store_prepare(ctx, store,
                            "UPDATE job SET state = 'done', done_at = ?, lease_until = NULL, document = NULL WHERE id = ?"
                            " AND worker = ? AND attempts = ? AND state = 'running' AND lease_until >= ?",
                            &st)) == VG_OK) {
        vg_db_bind_int(st, 1, *now);
        vg_db_bind_int(st, 2, j->id);
        vg_db_bind_text(st, 3, w->id);
        vg_db_bind_int(st, 4, j->attempt);
        vg_db_bind_int(st, 5, *now);
        rc = run_counting(ctx, st, &changed);
    }
    vg_db_finalize(st);
    if (rc || changed != 1)
        vg_db_rollback(store->db);
    *owned = rc == VG_OK && changed == 1;
    return rc;
}

/* Keeps result with j and commits the transaction of begin_completion(). */
static int end_completion(vg_ctx *ctx, vg_store *store, const job *j, const json_t *result)
{
    char *text = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
    vg_db_stmt *st = NULL;
    int rc = text ? store_prepare(ctx, store, "UPDATE job SET result = ? WHERE id = ?", &st)
                  : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, text);
        vg_db_bind_int(st, 2, j->id);
        rc = store_run(ctx, st);
    }
    vg_db_finalize(st);
    free(text);
    return end_transaction(ctx, store, rc);
}

/* A failed attempt of j: queued again, or failed for good after the last
 * attempt (*final), with message; *recorded = 0 when the job is no longer
 * w's (another worker has taken it since). */
static int record_failure(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, const char *message,
                          int *final, int *recorded)
{
    *final = j->attempt >= VG_STORE_JOB_ATTEMPTS;
    *recorded = 0;
    char *text = error_result(message);
    if (!text)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st = NULL;
    int64_t now, changed = 0;
    int rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK && (rc = db_now(ctx, store, &now)) == VG_OK &&
        (rc = store_prepare(ctx, store,
                            "UPDATE job SET state = ?, done_at = ?, lease_until = NULL, result = ?"
                            " WHERE id = ? AND worker = ? AND attempts = ? AND state = 'running'",
                            &st)) == VG_OK) {
        vg_db_bind_text(st, 1, *final ? "failed" : "queued");
        if (*final)
            vg_db_bind_int(st, 2, now);
        else
            vg_db_bind_null(st, 2);
        vg_db_bind_text(st, 3, text);
        vg_db_bind_int(st, 4, j->id);
        vg_db_bind_text(st, 5, w->id);
        vg_db_bind_int(st, 6, j->attempt);
        rc = run_counting(ctx, st, &changed);
    }
    vg_db_finalize(st);
    free(text);
    rc = end_transaction(ctx, store, rc);
    *recorded = rc == VG_OK && changed == 1;
    return rc;
}

/* ---- the kinds of job -------------------------------------------------------- */

/* ingest: the document named by the job, read back and matched as
 * `vigil inventory add` does, then stored as a snapshot.  The reading and
 * matching happen before the transaction, which only writes. */
static int run_ingest(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, json_t **result,
                      int *owned)
{
    if (!j->asset || !j->document)
        return vg_error(ctx, VG_ERR_FORMAT, "job %lld: an ingest job must name an asset and a document",
                        (long long)j->id);
    store_ingest_payload p;
    int rc = store_ingest_payload_parse(ctx, j->payload, strlen(j->payload), &p);
    if (rc)
        return rc;
    vg_buf doc;
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_findings findings;
    vg_findings_init(&findings);
    char media[128], where[128], key[32];
    snprintf(where, sizeof where, "job %lld: document %.20s...", (long long)j->id, j->document);
    if ((rc = store_document_get(ctx, store, j->document, &doc, media, sizeof media)) != VG_OK)
        goto out_payload;
    if ((rc = vg_sbom_read(ctx, where, doc.data ? doc.data : "", doc.len, &inv)) != VG_OK)
        goto out;
    if (p.target_kind) {
        inv.target.kind = p.target_kind;
        inv.target.digest = p.target_digest;
    }
    vg_match_options mopts = {.distro = p.has_distro ? &p.distro : NULL};
    if ((rc = vg_match(ctx, w->db, &inv, &mopts, &findings)) != VG_OK)
        goto out;
    int64_t age = 0, now;
    snprintf(key, sizeof key, "job/%lld", (long long)j->id);
    p.in.asset = j->asset;
    p.in.document = doc.data ? doc.data : "";
    p.in.document_len = doc.len;
    p.in.media_type = media;
    p.in.inv = &inv;
    p.in.findings = &findings;
    p.in.job_key = key;
    if (vg_vulndb_age(ctx, w->db, time(NULL), &age) == VG_OK)
        p.in.db_time = (int64_t)time(NULL) - age;
    if ((rc = begin_completion(ctx, store, w, j, &now, owned)) != VG_OK || !*owned)
        goto out;
    if ((rc = vg_store_add_snapshot(ctx, store, &p.in, result)) == VG_OK)
        rc = end_completion(ctx, store, j, *result);
    else
        vg_db_rollback(store->db);
out:
    vg_buf_free(&doc);
out_payload:
    vg_findings_free(&findings);
    vg_inventory_free(&inv);
    store_ingest_payload_free(&p);
    return rc;
}

/* rescan: the asset's latest snapshot matched again, at the server's time. */
static int run_rescan(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, json_t **result,
                      int *owned)
{
    if (!j->asset)
        return vg_error(ctx, VG_ERR_FORMAT, "job %lld: a rescan job must name an asset", (long long)j->id);
    int64_t now;
    int rc = begin_completion(ctx, store, w, j, &now, owned);
    if (rc || !*owned)
        return rc;
    if ((rc = vg_store_rescan_asset(ctx, store, w->db, j->asset, now, result)) == VG_OK)
        return end_completion(ctx, store, j, *result);
    vg_db_rollback(store->db);
    return rc;
}

int vg_store_work(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, json_t **out, int64_t *pending)
{
    *out = NULL;
    *pending = 0;
    if (!w->id || !*w->id || w->lease < 1)
        return vg_error(ctx, VG_ERR_USAGE, "a worker needs a name and a lease of at least one second");
    job j = {0};
    int found, gave_up;
    int rc = take_job(ctx, store, w, &j, &found, &gave_up, pending);
    if (rc || !found) {
        job_free(&j);
        return rc;
    }
    json_t *report = json_pack("{s:I, s:s, s:o, s:I}", "job", (json_int_t)j.id, "kind", j.kind, "asset",
                               j.asset ? json_string(j.asset) : json_null(), "attempt", (json_int_t)j.attempt);
    if (!report) {
        job_free(&j);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (gave_up) {
        json_object_set_new(report, "outcome", json_string("failed"));
        json_object_set_new(report, "error", json_string(j.why));
        goto out;
    }
    /* The job's own messages and warnings stay apart from the worker's. */
    vg_ctx jctx;
    vg_ctx_init(&jctx);
    json_t *result = NULL;
    int owned = 0;
    int effect = strcmp(j.kind, "ingest") == 0 ? run_ingest(&jctx, store, w, &j, &result, &owned)
                                                : run_rescan(&jctx, store, w, &j, &result, &owned);
    if (effect == VG_OK) {
        json_object_set_new(report, "outcome", json_string(owned ? "done" : "lost"));
        if (owned)
            json_object_set(report, "result", result);
    } else {
        int final, recorded;
        rc = record_failure(ctx, store, w, &j, jctx.message, &final, &recorded);
        if (rc)
            vg_error(ctx, rc, "job %lld failed (%s), and recording that failed too: %s", (long long)j.id,
                     jctx.message, ctx->message);
        json_object_set_new(report, "outcome", json_string(!recorded ? "lost" : final ? "failed" : "retry"));
        json_object_set_new(report, "error", json_string(jctx.message));
    }
    json_decref(result);
    vg_ctx_free(&jctx);
out:
    job_free(&j);
    if (rc) {
        json_decref(report);
        return rc;
    }
    *out = report;
    return VG_OK;
}

/* ---- the queue's state -------------------------------------------------------- */

int vg_store_jobs(vg_ctx *ctx, vg_store *store, json_t **out)
{
    *out = NULL;
    json_t *r = json_pack("{s:i, s:i, s:i, s:i, s:o, s:o, s:o}", "queued", 0, "running", 0, "done", 0, "failed", 0,
                          "kinds", json_object(), "running_jobs", json_array(), "failed_jobs", json_array());
    if (!r)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT kind, state, count(*) FROM job GROUP BY kind, state ORDER BY kind, state",
                           &st);
    while (rc == VG_OK && (rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        rc = VG_OK;
        const char *kind = vg_db_column_text(st, 0), *state = vg_db_column_text(st, 1);
        int64_t n = vg_db_column_int(st, 2);
        json_t *k = json_object_get(json_object_get(r, "kinds"), kind);
        if (!k)
            json_object_set_new(json_object_get(r, "kinds"), kind, k = json_object());
        json_object_set_new(k, state, json_integer(n));
        if (json_object_get(r, state))
            json_object_set_new(r, state, json_integer(json_integer_value(json_object_get(r, state)) + n));
    }
    vg_db_finalize(st);
    static const char *const lists[][2] = {
        {"running_jobs", "SELECT id, kind, asset, worker, attempts, lease_until FROM job WHERE state = 'running'"
                         " ORDER BY id"},
        {"failed_jobs", "SELECT id, kind, asset, worker, attempts, done_at, result FROM job WHERE state = 'failed'"
                        " ORDER BY id DESC LIMIT 100"},
    };
    for (size_t l = 0; l < 2 && rc == VG_DB_DONE; l++) {
        json_t *list = json_object_get(r, lists[l][0]);
        rc = store_prepare(ctx, store, lists[l][1], &st);
        while (rc == VG_OK && (rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
            rc = VG_OK;
            json_t *o = json_pack("{s:I, s:s?, s:o, s:o}", "job", (json_int_t)vg_db_column_int(st, 0), "kind",
                                  vg_db_column_text(st, 1), "asset", store_json_text(vg_db_column_text(st, 2)),
                                  "worker", store_json_text(vg_db_column_text(st, 3)));
            if (l == 0) {
                json_object_set_new(o, "attempt", json_integer(vg_db_column_int(st, 4)));
                json_object_set_new(o, "lease_until", store_json_time(vg_db_column_int(st, 5)));
            } else {
                const char *text = vg_db_column_text(st, 6);
                json_t *res = text && strlen(text) <= VG_STORE_MAX_PAYLOAD ? json_loads(text, 0, NULL) : NULL;
                json_object_set_new(o, "attempts", json_integer(vg_db_column_int(st, 4)));
                json_object_set_new(o, "failed_at", store_json_time(vg_db_column_int(st, 5)));
                json_object_set_new(o, "error", json_incref(json_is_string(json_object_get(res, "error"))
                                                                ? json_object_get(res, "error")
                                                                : json_null()));
                json_decref(res);
            }
            json_array_append_new(list, o);
        }
        vg_db_finalize(st);
    }
    if (rc != VG_DB_DONE) {
        json_decref(r);
        return rc;
    }
    *out = r;
    return VG_OK;
}
