/*
 * store.h — the inventory that remembers: assets, their snapshots (SBOM +
 * findings at a point in time), and the history of every finding, kept in
 * SQLite (one file, the default) or PostgreSQL (a fleet).  docs/store.md
 * documents the schema table by table, the back ends and their sizing.
 *
 * One schema (version VG_STORE_SCHEMA_VERSION) on both back ends, written
 * once in portable SQL over src/store/db.h.  A store whose schema is newer
 * than this library is refused and never modified; an older one is refused
 * until `vigil store migrate` (vg_store_migrate()) upgrades it.  A store
 * with no schema at all (a new SQLite file, an empty PostgreSQL database)
 * is created by vg_store_init() or by any write with VG_STORE_CREATE.
 *
 * Every write is one transaction: a snapshot is stored whole or not at all.
 *
 * Query results are JSON values (jansson), documented in docs/store.md,
 * that the caller owns (json_decref()): the same value becomes the JSON
 * output and the table, so both always say the same.
 *
 * Times are Unix seconds (UTC).
 */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/inventory.h"
#include "vigil/match.h"

#define VG_STORE_SCHEMA_VERSION 6
#define VG_STORE_MAX_DOCUMENT ((size_t)512 << 20) /* largest document kept */

typedef struct vg_store vg_store;

/* The default store URL: "sqlite:" + $XDG_DATA_HOME/vigil/store.sqlite
 * (XDG_DATA_HOME when set and absolute, else $HOME/.local/share), into out
 * (initialised by the call).  VG_ERR_NOT_FOUND when neither is set. */
int vg_store_default_url(vg_ctx *ctx, vg_buf *out);

/* Opens the store at url ("sqlite:PATH", a path, or "postgresql://...").
 * VG_STORE_CREATE: a missing SQLite file (and its directory) is created and
 * a store without a schema gets one; otherwise such a store is
 * VG_ERR_NOT_FOUND ("run vigil store init").  VG_STORE_READONLY: for
 * queries only.  Errors besides vg_db_open()'s: VG_ERR_UNSUPPORTED for a
 * schema newer than this library (the store is not touched) or older
 * (run vigil store migrate); VG_ERR_FORMAT for a database that is not a
 * vigil store.  *out belongs to the caller: vg_store_close() it. */
#define VG_STORE_CREATE 1
#define VG_STORE_READONLY 2
int vg_store_open(vg_ctx *ctx, const char *url, int flags, vg_store **out);
void vg_store_close(vg_store *store);

/* "sqlite" or "postgresql". */
const char *vg_store_backend(const vg_store *store);

/* url with every password in it replaced by "***", into out (cut to
 * outsz - 1 bytes): how a message names a store. */
void vg_store_redact_url(const char *url, char *out, size_t outsz);

/* Creates the schema in an empty store (*created = 1), or checks that it is
 * current (*created = 0).  The same errors as vg_store_open(). */
int vg_store_init(vg_ctx *ctx, const char *url, int *created);

/* Upgrades the schema of the store at url to VG_STORE_SCHEMA_VERSION, in
 * one transaction; *from and *to are the versions before and after (equal
 * when nothing was to do).  A newer schema is VG_ERR_UNSUPPORTED, never
 * touched. */
int vg_store_migrate(vg_ctx *ctx, const char *url, int *from, int *to);

/* ---- writing a snapshot ------------------------------------------------- */

typedef struct vg_store_tag {
    const char *key;
    const char *value;
} vg_store_tag;

typedef struct vg_store_attestation {
    const char *data;   /* the bundle or envelope, as given */
    size_t len;
    const char *media_type; /* e.g. "application/vnd.dev.sigstore.bundle.v0.3+json" */
    int verified;       /* 1 verified, 0 failed, -1 not checked (no key) */
    const char *detail; /* what verification said, or NULL */
} vg_store_attestation;

/* "ID[:VERSION]" of os in buf, the form a snapshot keeps its OS and the
 * release it was matched as in; NULL (buf untouched) when os has no id. */
const char *vg_store_release_text(const vg_os *os, char *buf, size_t size);

typedef struct vg_store_snapshot_input {
    const char *asset;        /* asset name (created on first use) */
    const char *kind;         /* asset kind ("image", "host", "product" ...), or NULL */
    const char *owner;        /* or NULL: an existing asset keeps its value */
    const char *environment;  /* or NULL: likewise */
    const vg_store_tag *tags; /* set (replacing the same key) on the asset */
    size_t ntags;
    const char *version_label; /* --version, or NULL */
    const char *source;       /* where it came from: the target path, image or SBOM file */
    int64_t time;             /* when the snapshot was taken */
    const char *document;     /* the SBOM bytes, kept exactly */
    size_t document_len;
    const char *media_type;   /* of document, e.g. "application/vnd.cyclonedx+json" */
    const vg_inventory *inv;  /* the components of document (finalized) */
    const vg_findings *findings; /* the matches of inv, with coverage */
    int64_t db_time;          /* newest data of the vulnerability database used, or 0 */
    const vg_store_attestation *attestations;
    size_t nattestations;
    const char *job_key;      /* idempotency key: a second snapshot with the same key
                                 is not stored (the first one is returned) */
    const char *distro;       /* "ID[:VERSION]" the OS packages were matched as
                                 (vg_match_options.distro, --distro), kept so that a
                                 rescan matches them the same way; or NULL */
} vg_store_snapshot_input;

/* Stores the snapshot in one transaction, updates the asset's findings
 * (first seen; fixed when gone) and returns in *out (owned by the caller)
 * {"asset", "snapshot", "previous", "created", "duplicate", "changes"}
 * where changes is vg_store_diff() of previous and this snapshot (null for
 * the first).  Errors: those of the back end, VG_ERR_LIMIT for a document
 * over VG_STORE_MAX_DOCUMENT. */
int vg_store_add_snapshot(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, json_t **out);

/* ---- bulk import (manifest.c) --------------------------------------------- */

#define VG_STORE_MANIFEST_MAX_LINE 65536 /* bytes of one manifest line */
#define VG_STORE_MANIFEST_MAX_STRING 4096 /* bytes of one string in it */
#define VG_STORE_MANIFEST_MAX_TAGS 64

/* One line of an import manifest (docs/store.md, "Bulk import").  The
 * strings are borrowed from json (NULL when absent) until
 * vg_store_manifest_entry_free(). */
typedef struct vg_store_manifest_entry {
    const char *asset, *sbom;  /* always set */
    const char *version, *kind, *owner, *environment;
    vg_store_tag tags[VG_STORE_MANIFEST_MAX_TAGS];
    size_t ntags;
    int has_time;
    int64_t time;              /* Unix seconds, when has_time */
    json_t *json;
} vg_store_manifest_entry;

/* Parses one manifest line, line[0..len) without its newline, into *out
 * (free it with vg_store_manifest_entry_free(), also after an error).
 * VG_ERR_FORMAT for anything but an object of the documented members and
 * types (the message says what and how to fix it), VG_ERR_LIMIT past the
 * VG_STORE_MANIFEST_MAX_* bounds. */
int vg_store_manifest_parse(vg_ctx *ctx, const char *line, size_t len, vg_store_manifest_entry *out);
void vg_store_manifest_entry_free(vg_store_manifest_entry *e);

/* ---- re-matching (rescan.c) ---------------------------------------------- */

/* Re-matches the latest snapshot of asset (its stored SBOM document, read
 * back with vg_sbom_read()) against db, replaces that snapshot's findings
 * and records new and fixed ones at time now (store_record_findings()), in
 * one transaction.  *out (owned by the caller): {"asset", "snapshot",
 * "new_findings": [...], "fixed_findings": [...], "unchecked"}.
 * VG_ERR_NOT_FOUND for an unknown asset or one without snapshots. */
struct vg_vulndb;
int vg_store_rescan_asset(vg_ctx *ctx, vg_store *store, struct vg_vulndb *db, const char *asset, int64_t now,
                          json_t **out);

typedef struct vg_store_rescan_options {
    const char *const *assets; /* the assets to rescan; NULL (nassets 0): every asset */
    size_t nassets;
    /* Called before each asset (done of total so far), or NULL. */
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
} vg_store_rescan_options;

/* Rescans the latest snapshot of every asset (or of opts->assets) as
 * vg_store_rescan_asset() does, one transaction per asset, with findings
 * timed now, and records the run in rescan_run.  Assets sharing one SBOM
 * document are matched once.  A snapshot whose document cannot be read
 * back (damaged, altered, no longer a readable SBOM) is reported in
 * "errors" and the run goes on; any other failure ends the run (what was
 * rescanned before stays rescanned; no rescan_run row).
 * *out (owned by the caller), docs/store.md "Rescan": {"run", "started",
 * "finished", "db_time", "summary": {"assets", "new", "fixed", "unchecked",
 * "unchecked_assets", "errors"}, "assets": [the results of the assets with
 * new or fixed findings or unchecked components, by name], "errors":
 * [{"asset", "message"}]}.  VG_ERR_NOT_FOUND for a named asset that does
 * not exist. */
int vg_store_rescan(vg_ctx *ctx, vg_store *store, struct vg_vulndb *db, const vg_store_rescan_options *opts,
                    int64_t now, json_t **out);

/* ---- notifications of new findings (rescan.c; vigil monitor) ------------- */

#define VG_STORE_SINK_MAX 32 /* longest sink name */

/* Subscribes the sink named sink ("webhook", "file": [a-z0-9_-]+) to new
 * findings: from then on every finding first seen or reopened, by any
 * inventory add or rescan, waits in the sink's queue until
 * vg_store_notify_done() takes it out.  Subscribing again changes nothing. */
int vg_store_notify_subscribe(vg_ctx *ctx, vg_store *store, const char *sink, int64_t now);

/* The findings waiting for sink, oldest first, at most max: *out (owned by
 * the caller) = {"findings": [{"asset", "id", "aliases", "package", "purl",
 * "version", "severity", "first_seen", "fixed", "queued"}], "notices":
 * [ids for vg_store_notify_done()], "more": how many more wait}.  purl and
 * version are those of the component in the asset's latest snapshot (null
 * when it is no longer there; "fixed" then says when it went). */
int vg_store_notify_pending(vg_ctx *ctx, vg_store *store, const char *sink, size_t max, json_t **out);

/* Takes the notices (the "notices" array of vg_store_notify_pending())
 * out of their queue: delivered.  One transaction. */
int vg_store_notify_done(vg_ctx *ctx, vg_store *store, const json_t *notices);

/* ---- service levels (sla.c) ---------------------------------------------- */

typedef struct vg_store_sla_options {
    /* Allowed age in days of an open finding, per vg_severity level
     * (unknown, none, low, medium, high, critical); < 0: no limit. */
    int64_t days[6];
    const char *const *assets; /* NULL (nassets 0): every asset */
    size_t nassets;
} vg_store_sla_options;

/* Open findings past their allowed age (from first_seen) at time now, and
 * time-to-fix statistics (fixed_at - first_seen: count, median and 90th
 * percentile by nearest rank) per asset and severity and for all of them.
 * *out (owned by the caller), docs/store.md "SLA": {"now", "days",
 * "assets": [{"asset", "open", "breaches": [...], "time_to_fix"}], "all":
 * {"open", "breaches", "time_to_fix"}}.  VG_ERR_NOT_FOUND for a named
 * asset that does not exist. */
int vg_store_sla(vg_ctx *ctx, vg_store *store, const vg_store_sla_options *opts, int64_t now, json_t **out);

/* ---- pruning (prune.c) --------------------------------------------------- */

typedef struct vg_store_prune_options {
    int64_t keep;       /* keep the newest N snapshots of each asset; 0: no limit by number */
    int64_t before;     /* delete only snapshots created before this time; 0: no limit by time */
    const char *const *assets; /* NULL (nassets 0): every asset */
    size_t nassets;
    int dry_run;        /* count what would go, change nothing */
} vg_store_prune_options;

/* Deletes the snapshots of each asset that are beyond opts->keep newest
 * and created before opts->before (each limit applying when set, both
 * when both are), never an asset's latest snapshot; then the components
 * and documents no snapshot (nor queued ingest job) refers to any more.  Findings are kept (their
 * first_seen and fixed_at are the history SLA reports read); references
 * to deleted snapshots in them become null.  One transaction.  *out (owned
 * by the caller), docs/store.md "Prune": {"dry_run", "snapshots",
 * "components", "documents", "finding_references", "assets": [{"asset",
 * "deleted": [seq...], "kept"}]}.  VG_ERR_USAGE when neither limit is set;
 * VG_ERR_NOT_FOUND for a named asset that does not exist. */
int vg_store_prune(vg_ctx *ctx, vg_store *store, const vg_store_prune_options *opts, json_t **out);

/* ---- jobs (jobs.c): work any process enqueues and `vigil worker` runs ----
 *
 * The job table is a queue shared by any number of workers on any number
 * of machines (docs/store.md, "Jobs and workers").  A worker takes a job
 * for a lease (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED; SQLite: one
 * writer at a time); a job whose lease ran out (its worker died) is taken
 * again.  The effect of a job and its completion commit in one transaction,
 * and completing checks that the lease is still the worker's, so that each
 * job's effect is applied exactly once.  Jobs of one asset run in the order
 * they were enqueued, one at a time, so that its snapshots are numbered and
 * compared as if one process had run them; a job of no asset (notify) runs
 * only once every job enqueued before it is done or failed.  Job times are the database
 * server's clock, so that the workers' clocks need not agree. */

#define VG_STORE_JOB_ATTEMPTS 3          /* a job is failed after this many attempts */
#define VG_STORE_MAX_PAYLOAD ((size_t)64 << 10) /* largest job payload (JSON) */

/* Keeps the SBOM in->document in the store and enqueues its ingest, in one
 * transaction: a worker will read the document back, match it against its
 * vulnerability database and store the snapshot as vg_store_add_snapshot()
 * does.  Of in, these are kept for the worker: asset, kind, owner,
 * environment, tags, version_label, source, time, document, media_type,
 * and, when inv is given, the kind and digest of its target (a scanned
 * directory or image rather than the SBOM file).  distro: "ID[:VERSION]"
 * to match OS packages as that release (vg_match_options.distro), or NULL.
 * *job_id: the job's number.  VG_ERR_USAGE for a bad asset name,
 * VG_ERR_LIMIT for a document over VG_STORE_MAX_DOCUMENT or facts over
 * VG_STORE_MAX_PAYLOAD. */
int vg_store_enqueue_ingest(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, const char *distro,
                            int64_t *job_id);

/* Enqueues, in one transaction, a rescan job (vg_store_rescan_asset()) for
 * every asset that has a snapshot (or each of the nassets assets named),
 * except those whose rescan is queued and not started yet (it will match
 * against the same data).  *out (owned by the caller): {"jobs": N,
 * "already_queued": M}.  VG_ERR_NOT_FOUND (nothing queued) for a named
 * asset that does not exist or has no snapshot. */
int vg_store_enqueue_rescans(vg_ctx *ctx, vg_store *store, const char *const *assets, size_t nassets, json_t **out);

struct vg_notify_options;

#define VG_STORE_NOTIFY_JOB_FINDINGS 1000 /* findings one notify job delivers at most */

/* Enqueues a notify job: a worker will deliver the findings waiting for
 * the sink (vg_store_notify_pending()), once every job enqueued before it
 * is done or failed, to the webhook at url ("webhook" sink) or as a line
 * of the NDJSON file at the absolute path file ("file" sink): exactly one
 * of url and file.  Of opts (NULL: defaults) max_attempts,
 * connect_timeout_ms, timeout_ms and ca_file (absolute) are kept.  always:
 * deliver even when nothing waits.  No secret is kept: the worker signs
 * with its own (vg_store_worker.webhook_secret), and a URL holding a
 * password is refused (VG_ERR_USAGE), as are a relative path and options
 * out of range.  *job_id: the job's number. */
int vg_store_enqueue_notify(vg_ctx *ctx, vg_store *store, const char *url, const char *file,
                            const struct vg_notify_options *opts, int always, int64_t *job_id);

/* VG_OK, or the VG_ERR_USAGE vg_store_enqueue_notify() would give for
 * these, so that a caller can refuse them before it queues anything. */
int vg_store_check_notify(vg_ctx *ctx, const char *url, const char *file, const struct vg_notify_options *opts);

typedef struct vg_store_worker {
    const char *id;       /* recorded with each job it takes, e.g. "host:pid" */
    int64_t lease;        /* seconds a taken job stays this worker's (>= 1) */
    struct vg_vulndb *db; /* what ingested SBOMs and rescans are matched against */
    const void *webhook_secret; /* signs notify jobs' webhooks (notify.h); NULL: */
    size_t webhook_secret_len;  /* this worker fails them, never sends unsigned */
} vg_store_worker;

/* Takes the next ready job (queued, or running under a lease that ran
 * out, and not behind an unfinished job of its asset, or for a job of no
 * asset behind any unfinished job) and runs it.
 * *out (owned by the caller) is NULL when no job was ready, with *pending
 * the number of jobs queued or running (0: the queue is empty); else the
 * job's report: {"job", "kind", "asset", "attempt", "outcome", ...} where
 * outcome is "done" (with "result": what vg_store_add_snapshot() or
 * vg_store_rescan_asset() returned, or for a notify job {"sink",
 * "delivery", "findings", "delivered", "outcome", and for a webhook
 * "attempts" and "http_status"}), "retry" (the attempt failed and the
 * job is queued again; "error"), "failed" (failed for good, after
 * VG_STORE_JOB_ATTEMPTS attempts; "error") or "lost" (the lease ran out
 * before the job finished: nothing of it was kept, and it will be taken
 * again).  A job's own failure is a report, not an error: the status is
 * an error only when the store itself failed (a lost connection), and
 * then whatever job was taken is taken again once its lease runs out. */
int vg_store_work(vg_ctx *ctx, vg_store *store, const vg_store_worker *worker, json_t **out, int64_t *pending);

/* The queue: {"queued", "running", "done", "failed": counts,
 * "kinds": {KIND: {STATE: count}}, "running_jobs": [{"job", "kind",
 * "asset", "worker", "attempt", "lease_until"}], "failed_jobs": [{"job",
 * "kind", "asset", "worker", "attempts", "failed_at", "error"}] (the
 * latest 100)}. */
int vg_store_jobs(vg_ctx *ctx, vg_store *store, json_t **out);

/* ---- reading ------------------------------------------------------------ */

/* Every asset with its latest snapshot: [{"name", "kind", "owner",
 * "environment", "tags", "snapshots", "latest": {...}}], by name. */
int vg_store_list(vg_ctx *ctx, vg_store *store, json_t **out);

/* One snapshot named by ref, "ASSET" (its latest), "ASSET@N" (its N-th),
 * "ASSET@LABEL" (its latest with that version label) or "ASSET@latest":
 * the snapshot, its components and its findings.  VG_ERR_NOT_FOUND, naming
 * what is missing. */
int vg_store_show(vg_ctx *ctx, vg_store *store, const char *ref, json_t **out);

/* The SBOM document of the snapshot ref, byte for byte, into out
 * (initialised by the call), after checking it against its digest
 * (VG_ERR_DIGEST when the stored bytes do not match).  media_type and
 * digest ("sha256:...") are copied to the buffers given, when non-NULL. */
int vg_store_export(vg_ctx *ctx, vg_store *store, const char *ref, vg_buf *out, char *media_type,
                    size_t media_type_size, char *digest, size_t digest_size);

/* ---- policy runs kept per scope (policy_history.c) -----------------------
 *
 * The results document of a `vigil policy eval` run (docs/policy.md, "The
 * results document") kept in the store under a scope (a name the user
 * gives, such as "product-a/prod"), and read back as the trend of each
 * requirement (docs/store.md, "Policy history").  The runs of a scope are
 * ordered by the document's time, then by the order they were kept in;
 * run numbers (1, 2, ...) count the runs of a scope in the order kept. */

#define VG_STORE_SCOPE_MAX 256                 /* bytes of a scope name */
#define VG_STORE_POLICY_MAX_RESULTS 1000000    /* results of one run */
#define VG_STORE_POLICY_MAX_REQUIREMENTS 10000 /* requirements of one run */
#define VG_STORE_POLICY_MAX_RULES 1000         /* rules of one requirement */
#define VG_STORE_POLICY_MAX_TEXT 16384         /* bytes of a result's resource */
#define VG_STORE_POLICY_MAX_LAST 1000          /* runs one trend reads */

/* VG_ERR_USAGE, with a message, unless name can name a scope: 1 to
 * VG_STORE_SCOPE_MAX bytes of UTF-8 without control characters. */
int vg_store_policy_check_scope(vg_ctx *ctx, const char *name);

/* Keeps the results document doc[0..len) (the exact bytes of `vigil policy
 * eval -o json`) as the next run of scope, in one transaction: the
 * document (content-addressed and compressed as the SBOMs are), the run's
 * time and counts, each requirement's status, rules and counts, each
 * result's status and waiver by its fingerprint.  name names the document
 * in messages.  Refused whole, nothing stored: VG_ERR_UNSUPPORTED for a
 * results document of another version than VG_POLICY_RESULTS_VERSION,
 * VG_ERR_FORMAT for anything else than a well-formed one (a fingerprint
 * that is not its rule's and resource's, a summary that does not count
 * the results), VG_ERR_LIMIT past the VG_STORE_POLICY_MAX_* bounds,
 * VG_ERR_USAGE for a bad scope.  *out (owned by the caller): {"scope",
 * "run", "time", "document", "summary", "requirements", "results"}. */
int vg_store_policy_keep(vg_ctx *ctx, vg_store *store, const char *scope, const char *name, const char *doc,
                         size_t len, json_t **out);

/* Every scope with runs: [{"scope", "runs", "first", "latest"}] (times of
 * its oldest and newest run), by name. */
int vg_store_policy_scopes(vg_ctx *ctx, vg_store *store, json_t **out);

/* The last (at most) `last` runs of scope, oldest first: {"scope",
 * "runs_kept", "runs": [{"run", "time", "document", "summary"}]}.
 * VG_ERR_NOT_FOUND for a scope without runs; VG_ERR_USAGE for last outside
 * 1..VG_STORE_POLICY_MAX_LAST. */
int vg_store_policy_runs(vg_ctx *ctx, vg_store *store, const char *scope, size_t last, json_t **out);

/* vg_store_policy_runs() plus, for each requirement of those runs (by id),
 * "requirements": [{"id", "status" (in the newest run, or null), "since"
 * and "since_run" (the first run of the unbroken series of runs up to the
 * newest in which it has had that status, looking past the window),
 * "trend" (its status in each run, oldest first; null where a run did not
 * check it), "counts" (of its results in the newest run), "rules"}].
 * With requirement (not NULL), that one only, as "requirement", with
 * "changes": [{"run", "previous", "time", "results": [{"rule", "resource",
 * "fingerprint", "from", "to"}]}] (the results of its rules whose status
 * or waiver changed from a run of the window to the next; from and to are
 * {"status", "waived"}, or null when the result was not there) and
 * "results": the results of its rules in the newest run that fail, skip,
 * error or are waived, each with since when (and since_run) it has had
 * that status and waiver.  VG_ERR_NOT_FOUND for a scope without runs or a
 * requirement no run of the window holds. */
int vg_store_policy_trend(vg_ctx *ctx, vg_store *store, const char *scope, const char *requirement, size_t last,
                          json_t **out);

/* The results document of run ("N": the scope's N-th, or "latest") of
 * scope, byte for byte, into out (initialised by the call), after checking
 * it against its digest (VG_ERR_DIGEST when the stored bytes do not
 * match); digest ("sha256:...") copied when not NULL.  VG_ERR_NOT_FOUND
 * for an unknown scope or run, VG_ERR_USAGE for a run that is neither. */
int vg_store_policy_export(vg_ctx *ctx, vg_store *store, const char *scope, const char *run, vg_buf *out,
                           char *digest, size_t digest_size);

/* ---- drift and "are we affected?" (diff.c, affected.c) ------------------- */

/* Drift between two snapshots of asset (docs/store.md, "Diff"): from and
 * to are snapshot refs of the asset ("N", a version label, "latest"); to
 * NULL is its latest, from NULL the snapshot before to.  *out (owned by
 * the caller): {"asset", "from", "to", "summary", "drift", "added",
 * "removed", "changed", "license_changes", "supplier_changes",
 * "vulnerabilities": {"introduced", "fixed", "not_checked"}}.
 * Components are told apart by package (the versionless purl); versions
 * are ordered by the ecosystem's comparator (version.h).
 * VG_ERR_NOT_FOUND for an unknown asset or snapshot, or no snapshot
 * before to. */
int vg_store_diff(vg_ctx *ctx, vg_store *store, const char *asset, const char *from, const char *to, json_t **out);

/* Every asset whose latest snapshot (all: any snapshot) holds what query
 * names (docs/store.md, "Affected"): a vulnerability id or alias (CVE,
 * GHSA, OSV ids: the snapshot's findings), or a purl, versionless ("any
 * version"), with an exact version, or with a version range after '@'
 * (vers.h: "pkg:maven/G/A@>=2.0.0,<2.17.1", "...@vers:maven/>=2.0.0|<2.17.1"),
 * qualifiers given having to match.  Versions are compared with the
 * ecosystem's comparator of the purl type.  *out (owned by the caller):
 * {"query", "matches", "not_evaluated", "summary"}; a component whose
 * version the comparator cannot read is listed in not_evaluated, never
 * taken as outside the range.  Errors: VG_ERR_USAGE for a query that
 * cannot be answered as given (the message says why): a purl or range
 * that does not parse or validate, a range whose scheme is not the purl
 * type's, a range on a type without a version order. */
int vg_store_affected(vg_ctx *ctx, vg_store *store, const char *query, int all, json_t **out);

/* ---- the incident register (incident.c, incident_verify.c) -------------- */

struct vg_incident;

/* Whether id may name an incident: 1 to 64 of A-Z a-z 0-9 - _ . */
int vg_store_incident_id_valid(const char *id);

typedef struct vg_store_incident_event {
    const char *incident; /* NULL for an "opened" event: the next free INC-NNNN */
    const char *type;     /* opened, updated, classified, noted, requested, submitted, closed */
    int64_t time;         /* when it is recorded */
    const char *actor;    /* who records it: required */
    const char *reason;   /* why, or NULL (required to move the awareness time) */
    const json_t *data;   /* the event's data (docs/incidents.md) */
} vg_store_incident_event;

/* Appends ev to the log in one transaction, after vg_incident_apply() has
 * accepted it on the record as stored; nothing is written when it is
 * refused.  *out: {"incident", "seq", "hash"}.  Errors: vg_incident_apply()'s,
 * VG_ERR_NOT_FOUND (no such incident), VG_ERR_DIGEST (the stored record
 * does not fold: run verify), the store's. */
int vg_store_incident_append(vg_ctx *ctx, vg_store *store, const vg_store_incident_event *ev, json_t **out);
/* The events of incident id in order, *events = [{"seq", "hash", "body"
 * (the exact stored text), "event" (it parsed)}], and, when inc is not
 * NULL, the record folded from them (borrowing from *events: free inc
 * first).  VG_ERR_NOT_FOUND when the store has no such incident. */
int vg_store_incident_load(vg_ctx *ctx, vg_store *store, const char *id, json_t **events, struct vg_incident *inc);
/* The open incidents (all with closed_too), as docs/incidents.md shows. */
int vg_store_incident_list(vg_ctx *ctx, vg_store *store, int closed_too, json_t **out);
/* The pending submissions of open incidents due at or before until,
 * soonest first, as seen at now: [{"incident", "title", "regime", "stage",
 * "article", "due", "seconds_left", "overdue", "or_progress" (only when
 * true), "provisional" (only when true)}]; *undated: the pending
 * submissions of open incidents that have no date yet (informing the users,
 * a final report waiting for an event), which the list cannot hold. */
int vg_store_incident_due(vg_ctx *ctx, vg_store *store, int64_t now, int64_t until, json_t **out,
                          int64_t *undated);
/* The other incidents that were classified, aware between from and to
 * (the newest 1 024), for 2024/2690 Art. 4: [{"id", "aware_at", "facts"}]. */
int vg_store_incident_priors(vg_ctx *ctx, vg_store *store, const char *id, int64_t from, int64_t to, json_t **out);
/* The candidates for a CRA Art. 14(1) notification: open, unsuppressed,
 * KEV-listed findings of the assets tagged cra=product (the manufacturer's
 * own products with digital elements) that no incident is linked to (open
 * --finding ASSET:VULN): [{"asset", "vuln", "package"}], by asset and
 * vulnerability. */
int vg_store_incident_cra_candidates(vg_ctx *ctx, vg_store *store, json_t **out);
/* Recomputes the chain and every record (incident_verify.c).  checkpoint:
 * NULL or "SEQ:sha256:HEX", an event the log must still hold unchanged.
 * *out: {"events", "incidents", "head", "verified", "derived_mismatch": [ids],
 * "first_bad": {"seq", "incident", "problem"} when an event is bad}.  VG_OK
 * whenever the check ran, verified or not. */
int vg_store_incident_verify(vg_ctx *ctx, vg_store *store, const char *checkpoint, json_t **out);

#endif
