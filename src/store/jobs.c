/*
 * jobs.c — the job table (docs/store.md, "Jobs and workers"): enqueueing
 * the ingest of an uploaded SBOM, the rescan of assets and the delivery of
 * the findings waiting for a notification sink (notify), and running them
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
 * A job of no asset (notify) is ready only when no earlier job at all is
 * queued or running: it announces what the jobs enqueued before it found,
 * and two notify jobs never deliver at once.
 *
 * Notify, exactly once in effect: a delivery cannot be in the same
 * transaction as the store, so before anything is sent the job fixes what
 * it delivers, in a transaction on the condition that it is still the
 * worker's: the notices waiting for the sink (at most
 * VG_STORE_NOTIFY_JOB_FINDINGS) and a random delivery id go into its
 * payload, the announcement's bytes into the document table (job.document),
 * and its lease is extended by the longest the delivery can take
 * (vg_notify_longest_ms()).  Any later attempt (after a failed delivery,
 * or a worker killed after delivering but before committing) sends the
 * same bytes with the same delivery id (the webhook-id header), which the
 * receiver de-duplicates by; the notices are taken out of the sink's queue
 * in the transaction that completes the job.  No secret is kept in the job
 * table: each worker signs with its own (--webhook-secret-file).
 *
 * Taking a job: PostgreSQL locks the candidate row with FOR UPDATE SKIP
 * LOCKED, so that workers pass over each other's rows instead of waiting;
 * SQLite has one writer at a time (BEGIN IMMEDIATE) and needs no more.
 * Times are the database server's clock (db_now()), so that the clocks of
 * the workers' machines need not agree.
 *
 * Leaves out: lease renewal (a job must finish within its lease; a notify
 * job extends its own once, before delivering), LISTEN/NOTIFY (idle
 * workers poll).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/notify.h"
#include "vigil/sbomread.h"
#include "vigil/vulndb.h"

/* The kinds this worker runs: others (a newer vigil's) are left queued. */
#define KNOWN_KINDS "kind IN ('ingest', 'rescan', 'notify')"
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

/* A job's payload text[0..len) (untrusted) into *root: a JSON object of
 * at most VG_STORE_MAX_PAYLOAD bytes. */
static int payload_load(vg_ctx *ctx, const char *text, size_t len, json_t **root)
{
    *root = NULL;
    if (len > VG_STORE_MAX_PAYLOAD)
        return vg_error(ctx, VG_ERR_LIMIT, "job payload of %zu bytes: larger than %zu", len,
                        (size_t)VG_STORE_MAX_PAYLOAD);
    json_error_t err;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (json_is_object(*root))
        return VG_OK;
    vg_error(ctx, VG_ERR_FORMAT, "job payload: not a JSON object%s%s", *root ? "" : ": ", *root ? "" : err.text);
    json_decref(*root);
    *root = NULL;
    return VG_ERR_FORMAT;
}

int store_ingest_payload_parse(vg_ctx *ctx, const char *text, size_t len, store_ingest_payload *p)
{
    memset(p, 0, sizeof *p);
    int rc = payload_load(ctx, text, len, &p->root);
    if (rc)
        return rc;
    p->in.tags = p->tags;
    const char *distro = NULL, *target_kind = NULL;
    json_t *time = json_object_get(p->root, "time"), *tags = json_object_get(p->root, "tags");
    rc = payload_text(ctx, p->root, "kind", &p->in.kind);
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
        if (store_parse_release(distro, p->distro_text, sizeof p->distro_text, &p->distro) != 0)
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

/* Inserts a queued job, inside the open transaction; *job_id its number. */
static int insert_job(vg_ctx *ctx, vg_store *store, const char *kind, const char *asset, const char *document,
                      const char *payload, int64_t *job_id)
{
    int64_t now = 0;
    vg_db_stmt *st = NULL;
    int rc = db_now(ctx, store, &now);
    if (rc || (rc = store_prepare(ctx, store,
                                  "INSERT INTO job(kind, asset, document, payload, state, enqueued_at, attempts)"
                                  " VALUES (?, ?, ?, ?, 'queued', ?, 0) RETURNING id",
                                  &st)))
        return rc;
    vg_db_bind_text(st, 1, kind);
    if (asset)
        vg_db_bind_text(st, 2, asset);
    else
        vg_db_bind_null(st, 2);
    if (document)
        vg_db_bind_text(st, 3, document);
    else
        vg_db_bind_null(st, 3);
    vg_db_bind_text(st, 4, payload);
    vg_db_bind_int(st, 5, now);
    return store_insert_id(ctx, store, st, "enqueueing", job_id);
}

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
    if (distro && store_parse_release(distro, scratch, sizeof scratch, &os) != 0)
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
    if ((rc = vg_db_begin(ctx, store->db)) == VG_OK &&
        (rc = store_document_put(ctx, store, in->document, in->document_len, in->media_type, digest)) == VG_OK)
        rc = insert_job(ctx, store, "ingest", in->asset, digest, payload, job_id);
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

/* ---- notify jobs: the payload ------------------------------------------------ */

#define NOTIFY_TIMEOUT_MAX_MS 3600000u /* a timeout longer than an hour is refused */

/* "scheme://user:password@host...": a secret the job table must not hold. */
static int url_has_password(const char *url)
{
    const char *auth = strstr(url, "://");
    if (!auth)
        return 0;
    auth += 3;
    size_t n = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', n);
    return at && memchr(auth, ':', (size_t)(at - auth)) != NULL;
}

/* member of o as a whole number from 0 to max into *out (left alone when absent). */
static int payload_uint(vg_ctx *ctx, json_t *o, const char *member, unsigned max, unsigned *out)
{
    json_t *v = json_object_get(o, member);
    if (!v)
        return VG_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
        return vg_error(ctx, VG_ERR_FORMAT, "job payload: \"%s\" is not a number from 0 to %u", member, max);
    *out = (unsigned)json_integer_value(v);
    return VG_OK;
}

/* Checks p's sink and settings, wherever they came from ("job payload"
 * when from the table, else the enqueuer's options). */
static int notify_check(vg_ctx *ctx, const store_notify_payload *p, int bad)
{
    if (!p->url == !p->file)
        return vg_error(ctx, bad, "a notify job delivers to one webhook URL or one notification file");
    if (p->url && url_has_password(p->url))
        return vg_error(ctx, bad,
                        "a notify job's webhook URL may not hold a password: the job table keeps no secret "
                        "(the worker signs with its --webhook-secret-file)");
    const char *relative = p->file && p->file[0] != '/'                   ? p->file
                           : p->opts.ca_file && p->opts.ca_file[0] != '/' ? p->opts.ca_file
                                                                          : NULL;
    if (relative)
        return vg_error(ctx, bad, "%s: a notify job needs an absolute path (a worker runs it elsewhere)", relative);
    if (p->opts.max_attempts > VG_NOTIFY_ATTEMPTS_MAX || p->opts.timeout_ms > NOTIFY_TIMEOUT_MAX_MS ||
        p->opts.connect_timeout_ms > NOTIFY_TIMEOUT_MAX_MS)
        return vg_error(ctx, bad, "a notify job's attempts (at most %d) or timeouts (at most %u s) are out of range",
                        VG_NOTIFY_ATTEMPTS_MAX, NOTIFY_TIMEOUT_MAX_MS / 1000);
    return VG_OK;
}

void store_notify_payload_free(store_notify_payload *p)
{
    json_decref(p->root);
    p->root = NULL;
}

int store_notify_payload_parse(vg_ctx *ctx, const char *text, size_t len, store_notify_payload *p)
{
    memset(p, 0, sizeof *p);
    int rc = payload_load(ctx, text, len, &p->root);
    if (rc)
        return rc;
    json_t *always = json_object_get(p->root, "always");
    p->notices = json_object_get(p->root, "notices");
    rc = payload_text(ctx, p->root, "sink", &p->sink);
    rc = rc ? rc : payload_text(ctx, p->root, "url", &p->url);
    rc = rc ? rc : payload_text(ctx, p->root, "file", &p->file);
    rc = rc ? rc : payload_text(ctx, p->root, "ca_file", &p->opts.ca_file);
    rc = rc ? rc : payload_text(ctx, p->root, "delivery", &p->delivery);
    rc = rc ? rc : payload_uint(ctx, p->root, "attempts", VG_NOTIFY_ATTEMPTS_MAX, &p->opts.max_attempts);
    rc = rc ? rc : payload_uint(ctx, p->root, "timeout_ms", NOTIFY_TIMEOUT_MAX_MS, &p->opts.timeout_ms);
    rc = rc ? rc : payload_uint(ctx, p->root, "connect_timeout_ms", NOTIFY_TIMEOUT_MAX_MS, &p->opts.connect_timeout_ms);
    rc = rc ? rc : notify_check(ctx, p, VG_ERR_FORMAT);
    if (rc == VG_OK && strcmp(p->sink ? p->sink : "", p->url ? "webhook" : "file") != 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"sink\" is not \"%s\"", p->url ? "webhook" : "file");
    if (rc == VG_OK && always && !json_is_boolean(always))
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"always\" is not true or false");
    if (rc == VG_OK && !p->delivery != !p->notices)
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"delivery\" and \"notices\" go together");
    if (rc == VG_OK && p->notices &&
        (!json_is_array(p->notices) || json_array_size(p->notices) > VG_STORE_NOTIFY_JOB_FINDINGS))
        rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: \"notices\" is not an array of at most %d numbers",
                      VG_STORE_NOTIFY_JOB_FINDINGS);
    for (size_t i = 0; rc == VG_OK && i < json_array_size(p->notices); i++)
        if (!json_is_integer(json_array_get(p->notices, i)))
            rc = vg_error(ctx, VG_ERR_FORMAT, "job payload: notice %zu is not a number", i);
    if (rc) {
        store_notify_payload_free(p);
        return rc;
    }
    p->always = json_is_true(always);
    return VG_OK;
}

int vg_store_check_notify(vg_ctx *ctx, const char *url, const char *file, const vg_notify_options *opts)
{
    store_notify_payload p = {.url = url, .file = file};
    if (opts)
        p.opts = *opts;
    return notify_check(ctx, &p, VG_ERR_USAGE);
}

int vg_store_enqueue_notify(vg_ctx *ctx, vg_store *store, const char *url, const char *file,
                            const vg_notify_options *opts, int always, int64_t *job_id)
{
    *job_id = 0;
    const vg_notify_options none = {0}, *set = url && opts ? opts : &none;
    int rc = vg_store_check_notify(ctx, url, file, opts);
    if (rc)
        return rc;
    json_t *o = json_pack("{s:s, s:b}", "sink", url ? "webhook" : "file", "always", always);
    int bad = !o || set_text(o, url ? "url" : "file", url ? url : file) || set_text(o, "ca_file", set->ca_file);
    if (!bad && set->max_attempts)
        bad = json_object_set_new(o, "attempts", json_integer(set->max_attempts));
    if (!bad && set->timeout_ms)
        bad = json_object_set_new(o, "timeout_ms", json_integer(set->timeout_ms));
    if (!bad && set->connect_timeout_ms)
        bad = json_object_set_new(o, "connect_timeout_ms", json_integer(set->connect_timeout_ms));
    char *payload = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!payload)
        return vg_error(ctx, VG_ERR_USAGE, "the webhook URL and the paths of a notify job must be UTF-8 text");
    if (strlen(payload) > VG_STORE_MAX_PAYLOAD)
        rc = vg_error(ctx, VG_ERR_LIMIT, "the URL and paths of a notify job are longer than %zu bytes",
                      (size_t)VG_STORE_MAX_PAYLOAD);
    else if ((rc = vg_db_begin(ctx, store->db)) == VG_OK)
        rc = insert_job(ctx, store, "notify", NULL, NULL, payload, job_id);
    if ((rc = end_transaction(ctx, store, rc)) != VG_OK)
        *job_id = 0;
    free(payload);
    return rc;
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
             /* a job of no asset (notify) waits for every job before it */
             " AND (j.asset IS NOT NULL OR NOT EXISTS (SELECT 1 FROM job e WHERE e.id < j.id AND e." PENDING "))"
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

/* Prepares "UPDATE job SET set WHERE" j is still w's at now (the same
 * worker and attempt, the lease not run out); set's own nset parameters
 * come first, for the caller to bind. */
static int prepare_owned_update(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j,
                                const char *set, int nset, int64_t now, vg_db_stmt **st)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE job SET %s WHERE id = ? AND worker = ? AND attempts = ? AND state = 'running'"
             " AND lease_until >= ?",
             set);
    int rc = store_prepare(ctx, store, sql, st);
    if (rc == VG_OK) {
        vg_db_bind_int(*st, nset + 1, j->id);
        vg_db_bind_text(*st, nset + 2, w->id);
        vg_db_bind_int(*st, nset + 3, j->attempt);
        vg_db_bind_int(*st, nset + 4, now);
    }
    return rc;
}

/* Opens the transaction that applies j's effect and completes it: marks
 * it done on the condition that it is still w's (prepare_owned_update()).
 * *owned = 0, and no transaction left open, when it is not.  *now: the
 * server's time.  A done job lets go of its document: the snapshot refers
 * to it now, and prune may delete it with the snapshot. */
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
        (rc = prepare_owned_update(ctx, store, w, j, "state = 'done', done_at = ?, lease_until = NULL, document = NULL",
                                   1, *now, &st)) == VG_OK) {
        vg_db_bind_int(st, 1, *now);
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
    char distro[256];
    p.in.distro = p.has_distro ? vg_store_release_text(&p.distro, distro, sizeof distro) : NULL;
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

/* The announcement of pending (vg_store_notify_pending()) by job j, the
 * document of `vigil monitor` (docs/store.md, "Monitor") with the job's
 * number and delivery id, and no rescan of its own: as compact JSON text
 * (malloc'd), or NULL when out of memory. */
static char *notify_announcement(const job *j, const char *delivery, int64_t now, const json_t *pending)
{
    json_t *doc = json_pack("{s:s, s:i, s:o, s:s, s:I, s:O, s:O, s:n, s:n, s:n}", "type", "vigil.findings.new",
                            "version", 1, "time", store_json_time(now), "delivery", delivery, "job",
                            (json_int_t)j->id, "findings", json_object_get(pending, "findings"), "more",
                            json_object_get(pending, "more"), "run", "db_time", "summary");
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    return text;
}

/* Fixes what attempt j of a notify job sends, before anything is sent, in
 * one transaction on the condition that j is still w's: on the first
 * attempt the notices waiting for p's sink go into the payload with a new
 * delivery id, and the announcement into the document table
 * (job.document); a later attempt reads them back.  Either way the lease
 * is extended by the longest the delivery may take.  body (initialised by
 * the call): the announcement, left empty when nothing waits and p->always
 * is not set (then nothing is written).  *owned = 0 when j is no longer
 * w's. */
static int prepare_notify(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, store_notify_payload *p,
                          vg_buf *body, int *owned)
{
    *owned = 0;
    vg_buf_init(body, VG_STORE_MAX_DOCUMENT);
    json_t *pending = NULL;
    char *text = NULL, *payload = NULL, digest[72], id[VG_NOTIFY_ID_MAX + 1];
    vg_db_stmt *st = NULL;
    int64_t now = 0, changed = 0;
    int rc = vg_db_begin(ctx, store->db);
    if (rc == VG_OK)
        rc = db_now(ctx, store, &now);
    int64_t lease = now + (int64_t)(vg_notify_longest_ms(&p->opts) / 1000) + 1 + w->lease;
    if (rc == VG_OK && p->delivery) {
        if (!j->document)
            rc = vg_error(ctx, VG_ERR_FORMAT, "job %lld: its delivery was fixed, but it names no document",
                          (long long)j->id);
        else if ((rc = store_document_get(ctx, store, j->document, body, NULL, 0)) == VG_OK &&
                 (rc = prepare_owned_update(ctx, store, w, j, "lease_until = ?", 1, now, &st)) == VG_OK)
            vg_db_bind_int(st, 1, lease);
    } else if (rc == VG_OK && (rc = vg_store_notify_pending(ctx, store, p->sink, VG_STORE_NOTIFY_JOB_FINDINGS,
                                                            &pending)) == VG_OK) {
        if (!json_array_size(json_object_get(pending, "findings")) && !p->always) {
            *owned = 1; /* nothing to send: the caller completes the job */
            goto out;
        }
        if ((rc = vg_notify_new_id(id)) != VG_OK) {
            vg_error(ctx, rc, "job %lld: no random bytes for a delivery id (OpenSSL)", (long long)j->id);
            goto out;
        }
        if (!(text = notify_announcement(j, id, now, pending)) ||
            json_object_set_new(p->root, "delivery", json_string(id)) ||
            json_object_set(p->root, "notices", json_object_get(pending, "notices")) ||
            !(payload = json_dumps(p->root, JSON_COMPACT | JSON_SORT_KEYS)) || vg_buf_addstr(body, text)) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
        p->delivery = json_string_value(json_object_get(p->root, "delivery"));
        p->notices = json_object_get(p->root, "notices");
        if (strlen(payload) > VG_STORE_MAX_PAYLOAD)
            rc = vg_error(ctx, VG_ERR_LIMIT, "job %lld: the notices and the sink's URL or path are longer than %zu bytes",
                          (long long)j->id, (size_t)VG_STORE_MAX_PAYLOAD);
        else if ((rc = store_document_put(ctx, store, text, strlen(text), "application/json", digest)) == VG_OK &&
                 (rc = prepare_owned_update(ctx, store, w, j, "document = ?, payload = ?, lease_until = ?", 3, now,
                                            &st)) == VG_OK) {
            vg_db_bind_text(st, 1, digest);
            vg_db_bind_text(st, 2, payload);
            vg_db_bind_int(st, 3, lease);
        }
    }
    if (rc == VG_OK && (rc = run_counting(ctx, st, &changed)) == VG_OK && changed == 1) {
        vg_db_finalize(st);
        st = NULL;
        *owned = 1;
        rc = vg_db_commit(ctx, store->db);
    }
out:
    vg_db_finalize(st);
    if (rc || !*owned || !body->len)
        vg_db_rollback(store->db);
    if (rc)
        *owned = 0;
    json_decref(pending);
    free(text);
    free(payload);
    return rc;
}

/* notify: the findings waiting for the job's sink, fixed by
 * prepare_notify(), delivered, and taken out of the sink's queue in the
 * transaction that completes the job. */
static int run_notify(vg_ctx *ctx, vg_store *store, const vg_store_worker *w, const job *j, json_t **result,
                      int *owned)
{
    store_notify_payload p;
    vg_buf body;
    vg_buf_init(&body, 0);
    int64_t now;
    int rc = store_notify_payload_parse(ctx, j->payload, strlen(j->payload), &p);
    if (rc)
        return rc;
    if (p.url && !w->webhook_secret) {
        rc = vg_error(ctx, VG_ERR_USAGE,
                      "job %lld: this worker has no secret to sign the webhook with: start it with"
                      " --webhook-secret-file FILE (a notify job is never delivered unsigned)",
                      (long long)j->id);
        goto out;
    }
    if ((rc = prepare_notify(ctx, store, w, j, &p, &body, owned)) != VG_OK || !*owned)
        goto out;
    size_t n = json_array_size(p.notices);
    if (!(*result = json_pack("{s:s, s:s?, s:I, s:b, s:s}", "sink", p.sink, "delivery", p.delivery, "findings",
                              (json_int_t)n, "delivered", 0, "outcome", "nothing new"))) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (body.len && p.url) {
        vg_notify_result res;
        vg_notify_options opts = p.opts;
        opts.delivery_id = p.delivery;
        rc = vg_notify_webhook(ctx, p.url, w->webhook_secret, w->webhook_secret_len, body.data, body.len, &opts, &res);
        json_object_set_new(*result, "outcome", json_string(vg_notify_outcome_name(res.outcome)));
        json_object_set_new(*result, "attempts", json_integer(res.attempts));
        json_object_set_new(*result, "http_status", json_integer(res.http_status));
    } else if (body.len) {
        rc = vg_notify_file(ctx, p.file, body.data, body.len);
        json_object_set_new(*result, "outcome", json_string(rc ? "not written" : "delivered"));
    }
    if (rc) {
        size_t len = strlen(ctx->message);
        snprintf(ctx->message + len, sizeof ctx->message - len, "; its %zu finding%s stay queued for the %s", n,
                 n == 1 ? "" : "s", p.sink);
        goto out;
    }
    json_object_set_new(*result, "delivered", json_boolean(body.len > 0));
    if ((rc = begin_completion(ctx, store, w, j, &now, owned)) != VG_OK || !*owned)
        goto out;
    if ((rc = vg_store_notify_done(ctx, store, p.notices)) == VG_OK)
        rc = end_completion(ctx, store, j, *result);
    else
        vg_db_rollback(store->db);
out:
    vg_buf_free(&body);
    store_notify_payload_free(&p);
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
    int effect = strcmp(j.kind, "ingest") == 0   ? run_ingest(&jctx, store, w, &j, &result, &owned)
                 : strcmp(j.kind, "notify") == 0 ? run_notify(&jctx, store, w, &j, &result, &owned)
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
