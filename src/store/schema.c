/*
 * schema.c — the store's schema (docs/store.md, "Schema"), its versions and
 * migrations, and opening a store: one DDL text for both back ends, with
 * the few words the dialects spell differently filled in per back end.
 *
 * The version is the highest row of vigil_schema.  Migration i (i >= 1)
 * takes a store from version i to i + 1; a new store is version 1 created
 * whole, then migrated in the same transaction (so that every migration
 * runs on every new store, and the tests run them all).  A newer store
 * is never touched: another vigil wrote it.
 *
 * Leaves out: downgrades.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/vigil.h"

/* @ID@: an auto-numbered 64-bit key; @BLOB@: bytes; @REAL@: a double;
 * @NOROWID@: a key-only table's storage clause; @TEXT@: text compared and
 * sorted byte by byte, as SQLite does (on PostgreSQL, COLLATE "C": a
 * database made with another locale would otherwise sort names in another
 * order than SQLite, and every result must be the same on both). */
static const char schema_v1[] =
    "CREATE TABLE vigil_schema(version INTEGER NOT NULL, written_by @TEXT@ NOT NULL, changed_at BIGINT NOT NULL);"
    "CREATE TABLE asset(id @ID@, name @TEXT@ NOT NULL UNIQUE, kind @TEXT@, owner @TEXT@, environment @TEXT@,"
    " created_at BIGINT NOT NULL, latest_snapshot BIGINT);"
    "CREATE TABLE asset_tag(asset_id BIGINT NOT NULL REFERENCES asset(id) ON DELETE CASCADE,"
    " key @TEXT@ NOT NULL, value @TEXT@ NOT NULL, PRIMARY KEY(asset_id, key))@NOROWID@;"
    "CREATE TABLE document(digest @TEXT@ PRIMARY KEY, media_type @TEXT@ NOT NULL, size BIGINT NOT NULL,"
    " compression @TEXT@ NOT NULL, data @BLOB@ NOT NULL);"
    "CREATE TABLE snapshot(id @ID@, asset_id BIGINT NOT NULL REFERENCES asset(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, created_at BIGINT NOT NULL, version_label @TEXT@, source @TEXT@ NOT NULL,"
    " target_kind @TEXT@, target_digest @TEXT@, os @TEXT@, sbom_digest @TEXT@ NOT NULL REFERENCES document(digest),"
    " db_time BIGINT, matched_at BIGINT NOT NULL, components INTEGER NOT NULL, findings INTEGER NOT NULL,"
    " unchecked INTEGER NOT NULL, job_key @TEXT@ UNIQUE, match_digest @TEXT@, UNIQUE(asset_id, seq));"
    "CREATE INDEX snapshot_by_document ON snapshot(sbom_digest);"
    "CREATE TABLE component(id @ID@, key @BLOB@ NOT NULL UNIQUE, package @TEXT@ NOT NULL, purl @TEXT@,"
    " type @TEXT@ NOT NULL, name @TEXT@ NOT NULL, version @TEXT@, licenses @TEXT@, hashes @TEXT@, supplier @TEXT@);"
    "CREATE INDEX component_by_package ON component(package);"
    "CREATE INDEX component_by_purl ON component(purl);"
    "CREATE TABLE snapshot_component(snapshot_id BIGINT NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " component_id BIGINT NOT NULL REFERENCES component(id), layer INTEGER, coverage INTEGER NOT NULL,"
    " PRIMARY KEY(snapshot_id, component_id))@NOROWID@;"
    "CREATE INDEX snapshot_component_by_component ON snapshot_component(component_id, snapshot_id);"
    "CREATE TABLE finding(id @ID@, asset_id BIGINT NOT NULL REFERENCES asset(id) ON DELETE CASCADE,"
    " package @TEXT@ NOT NULL, vuln @TEXT@ NOT NULL, severity @TEXT@ NOT NULL, first_seen BIGINT NOT NULL,"
    " first_snapshot BIGINT, fixed_at BIGINT, fixed_snapshot BIGINT, UNIQUE(asset_id, package, vuln));"
    "CREATE INDEX finding_open ON finding(asset_id) WHERE fixed_at IS NULL;"
    "CREATE TABLE finding_alias(finding_id BIGINT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,"
    " alias @TEXT@ NOT NULL, PRIMARY KEY(finding_id, alias))@NOROWID@;"
    "CREATE INDEX finding_alias_by_alias ON finding_alias(alias);"
    "CREATE TABLE snapshot_finding(snapshot_id BIGINT NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " finding_id BIGINT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,"
    " component_id BIGINT NOT NULL REFERENCES component(id), severity @TEXT@ NOT NULL, score @REAL@,"
    " fix_state @TEXT@ NOT NULL, fixed_versions @TEXT@, kev INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " PRIMARY KEY(snapshot_id, finding_id, component_id))@NOROWID@;"
    "CREATE INDEX snapshot_finding_by_finding ON snapshot_finding(finding_id);"
    "CREATE INDEX snapshot_finding_by_component ON snapshot_finding(component_id);"
    "CREATE TABLE snapshot_attestation(snapshot_id BIGINT NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " digest @TEXT@ NOT NULL REFERENCES document(digest), verified INTEGER NOT NULL, detail @TEXT@,"
    " PRIMARY KEY(snapshot_id, digest))@NOROWID@;"
    "CREATE INDEX snapshot_attestation_by_document ON snapshot_attestation(digest);"
    "CREATE TABLE job(id @ID@, kind @TEXT@ NOT NULL, asset @TEXT@, document @TEXT@ REFERENCES document(digest),"
    " payload @TEXT@ NOT NULL, state @TEXT@ NOT NULL, enqueued_at BIGINT NOT NULL, lease_until BIGINT,"
    " worker @TEXT@, attempts INTEGER NOT NULL, done_at BIGINT, result @TEXT@);"
    "CREATE INDEX job_pending ON job(id) WHERE state IN ('queued', 'running');"
    "CREATE INDEX job_pending_by_asset ON job(asset, id) WHERE state IN ('queued', 'running');"
    "CREATE INDEX job_by_document ON job(document) WHERE document IS NOT NULL;"
    "CREATE TABLE rescan_run(id @ID@, started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL,"
    " db_time BIGINT, assets INTEGER NOT NULL, new_findings INTEGER NOT NULL, fixed_findings INTEGER NOT NULL,"
    " unchecked INTEGER NOT NULL, errors INTEGER NOT NULL);"
    "CREATE TABLE notify_sink(name @TEXT@ PRIMARY KEY, created_at BIGINT NOT NULL);"
    "CREATE TABLE notification(id @ID@, sink @TEXT@ NOT NULL REFERENCES notify_sink(name) ON DELETE CASCADE,"
    " finding_id BIGINT NOT NULL REFERENCES finding(id) ON DELETE CASCADE, queued_at BIGINT NOT NULL,"
    " UNIQUE(sink, finding_id));";

/* Version 2: what each snapshot holds is kept as spans of snapshots (span.c;
 * docs/store.md, "Spans") instead of one row per snapshot and component or
 * finding: consecutive snapshots of an asset share nearly all of them.
 * Version 1's rows become spans: each run of consecutive snapshots of an
 * asset (by id) holding the same row is one span, ending at the snapshot
 * after the run, or open when the run reaches the latest one. */
static const char migration_2[] =
    "CREATE TABLE component_span(asset_id BIGINT NOT NULL REFERENCES asset(id) ON DELETE CASCADE,"
    " since BIGINT NOT NULL, until BIGINT, component_id BIGINT NOT NULL REFERENCES component(id), layer INTEGER,"
    " coverage INTEGER NOT NULL, PRIMARY KEY(asset_id, since, component_id))@NOROWID@;"
    "CREATE INDEX component_span_open ON component_span(asset_id) WHERE until IS NULL;"
    "CREATE INDEX component_span_by_component ON component_span(component_id, asset_id);"
    "CREATE TABLE finding_span(asset_id BIGINT NOT NULL REFERENCES asset(id) ON DELETE CASCADE,"
    " since BIGINT NOT NULL, until BIGINT, finding_id BIGINT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,"
    " component_id BIGINT NOT NULL REFERENCES component(id), severity @TEXT@ NOT NULL, score @REAL@,"
    " fix_state @TEXT@ NOT NULL, fixed_versions @TEXT@, kev INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " PRIMARY KEY(asset_id, since, finding_id, component_id))@NOROWID@;"
    "CREATE INDEX finding_span_open ON finding_span(asset_id) WHERE until IS NULL;"
    "CREATE INDEX finding_span_by_finding ON finding_span(finding_id);"
    "CREATE INDEX finding_span_by_component ON finding_span(component_id);"
    "WITH s AS (SELECT id, asset_id, ROW_NUMBER() OVER (PARTITION BY asset_id ORDER BY id) AS r FROM snapshot),"
    " l AS (SELECT s.asset_id, s.id, s.r, x.component_id, x.layer, x.coverage, s.r - ROW_NUMBER() OVER"
    " (PARTITION BY s.asset_id, x.component_id, x.layer, x.coverage ORDER BY s.r) AS run"
    " FROM snapshot_component x JOIN s ON s.id = x.snapshot_id),"
    " g AS (SELECT asset_id, component_id, layer, coverage, MIN(id) AS since, MAX(r) AS last FROM l"
    " GROUP BY asset_id, component_id, layer, coverage, run)"
    " INSERT INTO component_span(asset_id, since, until, component_id, layer, coverage)"
    " SELECT g.asset_id, g.since, n.id, g.component_id, g.layer, g.coverage FROM g"
    " LEFT JOIN s n ON n.asset_id = g.asset_id AND n.r = g.last + 1;"
    "WITH s AS (SELECT id, asset_id, ROW_NUMBER() OVER (PARTITION BY asset_id ORDER BY id) AS r FROM snapshot),"
    " l AS (SELECT s.asset_id, s.id, s.r, x.finding_id, x.component_id, x.severity, x.score, x.fix_state,"
    " x.fixed_versions, x.kev, x.suppressed, s.r - ROW_NUMBER() OVER (PARTITION BY s.asset_id, x.finding_id,"
    " x.component_id, x.severity, x.score, x.fix_state, x.fixed_versions, x.kev, x.suppressed ORDER BY s.r) AS run"
    " FROM snapshot_finding x JOIN s ON s.id = x.snapshot_id),"
    " g AS (SELECT asset_id, finding_id, component_id, severity, score, fix_state, fixed_versions, kev, suppressed,"
    " MIN(id) AS since, MAX(r) AS last FROM l GROUP BY asset_id, finding_id, component_id, severity, score,"
    " fix_state, fixed_versions, kev, suppressed, run)"
    " INSERT INTO finding_span(asset_id, since, until, finding_id, component_id, severity, score, fix_state,"
    " fixed_versions, kev, suppressed)"
    " SELECT g.asset_id, g.since, n.id, g.finding_id, g.component_id, g.severity, g.score, g.fix_state,"
    " g.fixed_versions, g.kev, g.suppressed FROM g LEFT JOIN s n ON n.asset_id = g.asset_id AND n.r = g.last + 1;"
    "DROP TABLE snapshot_finding;"
    "DROP TABLE snapshot_component;";

/* Version 3: policy runs kept per scope (policy_history.c; docs/store.md,
 * "Policy history").  A run's results document is a document row; the
 * tables hold what the history reads: the run's counts, each
 * requirement's status, and each result's status by its fingerprint,
 * whose rule and resource are kept once per store (policy_result_key). */
static const char migration_3[] =
    "CREATE TABLE policy_scope(id @ID@, name @TEXT@ NOT NULL UNIQUE, runs BIGINT NOT NULL);"
    "CREATE TABLE policy_run(id @ID@, scope_id BIGINT NOT NULL REFERENCES policy_scope(id) ON DELETE CASCADE,"
    " seq BIGINT NOT NULL, time BIGINT NOT NULL, document @TEXT@ NOT NULL REFERENCES document(digest),"
    " pass BIGINT NOT NULL, fail BIGINT NOT NULL, not_applicable BIGINT NOT NULL, skip BIGINT NOT NULL,"
    " error BIGINT NOT NULL, waived BIGINT NOT NULL, UNIQUE(scope_id, seq));"
    "CREATE INDEX policy_run_by_time ON policy_run(scope_id, time, id);"
    "CREATE TABLE policy_requirement(run_id BIGINT NOT NULL REFERENCES policy_run(id) ON DELETE CASCADE,"
    " requirement @TEXT@ NOT NULL, status @TEXT@ NOT NULL, rules @TEXT@ NOT NULL, pass BIGINT NOT NULL,"
    " fail BIGINT NOT NULL, not_applicable BIGINT NOT NULL, skip BIGINT NOT NULL, error BIGINT NOT NULL,"
    " waived BIGINT NOT NULL, PRIMARY KEY(run_id, requirement))@NOROWID@;"
    "CREATE TABLE policy_result_key(fingerprint @BLOB@ PRIMARY KEY, rule @TEXT@ NOT NULL, resource @TEXT@ NOT NULL)"
    "@NOROWID@;"
    "CREATE TABLE policy_result(run_id BIGINT NOT NULL REFERENCES policy_run(id) ON DELETE CASCADE,"
    " fingerprint @BLOB@ NOT NULL REFERENCES policy_result_key(fingerprint), status @TEXT@ NOT NULL,"
    " waived INTEGER NOT NULL, PRIMARY KEY(run_id, fingerprint))@NOROWID@;";

/* Version 4: the release a snapshot's OS packages were matched as when
 * its add was given one (--distro), so that a rescan matches them as the
 * add did (NULL: as the document says). */
static const char migration_4[] = "ALTER TABLE snapshot ADD COLUMN distro @TEXT@;";

/* Version 5: the incident register (incident.c; docs/incidents.md).  The
 * log incident_event is append-only; incident, incident_deadline and
 * incident_finding are derived from it with every event. */
static const char migration_5[] =
    "CREATE TABLE incident_event(seq BIGINT PRIMARY KEY, incident @TEXT@ NOT NULL, type @TEXT@ NOT NULL,"
    " time BIGINT NOT NULL, prev @TEXT@ NOT NULL, body @TEXT@ NOT NULL, hash @TEXT@ NOT NULL);"
    "CREATE INDEX incident_event_by_incident ON incident_event(incident, seq);"
    "CREATE TABLE incident(id @TEXT@ PRIMARY KEY, title @TEXT@ NOT NULL, kind @TEXT@ NOT NULL,"
    " regimes @TEXT@ NOT NULL, entity_type @TEXT@, aware_at BIGINT NOT NULL, aware_offset INTEGER NOT NULL,"
    " significance INTEGER NOT NULL, ended_at BIGINT, closed_at BIGINT, events BIGINT NOT NULL,"
    " last_seq BIGINT NOT NULL, facts @TEXT@);"
    "CREATE TABLE incident_deadline(incident @TEXT@ NOT NULL REFERENCES incident(id), ord INTEGER NOT NULL,"
    " regime @TEXT@ NOT NULL, stage @TEXT@ NOT NULL, article @TEXT@ NOT NULL, due BIGINT, waiting @TEXT@,"
    " or_progress INTEGER NOT NULL, provisional INTEGER NOT NULL, PRIMARY KEY(incident, ord))@NOROWID@;"
    "CREATE INDEX incident_deadline_by_due ON incident_deadline(due) WHERE due IS NOT NULL;"
    "CREATE TABLE incident_finding(incident @TEXT@ NOT NULL REFERENCES incident(id), asset @TEXT@ NOT NULL,"
    " vuln @TEXT@ NOT NULL, PRIMARY KEY(incident, asset, vuln))@NOROWID@;"
    "CREATE INDEX incident_finding_by_finding ON incident_finding(asset, vuln);";

/* Version 6: the supplier register (supplier.c; docs/supplier-risk.md):
 * one canonical JSON record per supplier. */
static const char migration_6[] =
    "CREATE TABLE supplier(id @ID@, name @TEXT@ NOT NULL UNIQUE, record @TEXT@ NOT NULL,"
    " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);";

/* migrations[i] takes version i + 1 to i + 2. */
static const char *const migrations[] = {migration_2, migration_3, migration_4, migration_5, migration_6};

/* text with the dialect words of db's back end filled in; malloc'd. */
static char *dialect(vg_db *db, const char *text)
{
    int pg = vg_db_kind_of(db) == VG_DB_POSTGRES;
    static const char *const words[][3] = {
        {"@ID@", "INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"@BLOB@", "BLOB", "BYTEA"},
        {"@REAL@", "REAL", "DOUBLE PRECISION"},
        {"@NOROWID@", " WITHOUT ROWID", ""},
        {"@TEXT@", "TEXT", "TEXT COLLATE \"C\""},
    };
    vg_buf out;
    vg_buf_init(&out, (size_t)1 << 20);
    for (const char *p = text; *p;) {
        size_t i, n = sizeof words / sizeof words[0];
        for (i = 0; i < n; i++)
            if (strncmp(p, words[i][0], strlen(words[i][0])) == 0)
                break;
        int rc;
        if (i < n) {
            rc = vg_buf_addstr(&out, words[i][pg ? 2 : 1]);
            p += strlen(words[i][0]);
        } else {
            rc = vg_buf_addc(&out, *p++);
        }
        if (rc) {
            vg_buf_free(&out);
            return NULL;
        }
    }
    return out.data ? out.data : strdup("");
}

static int exec_dialect(vg_ctx *ctx, vg_db *db, const char *text)
{
    char *sql = dialect(db, text);
    if (!sql)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = vg_db_exec(ctx, db, sql);
    free(sql);
    return rc;
}

/* The schema version of db in *version: 0 when it has no tables at all,
 * -1 when it has tables but no vigil_schema (not a vigil store), -2 when
 * vigil_schema holds no valid version (a damaged store). */
static int read_version(vg_ctx *ctx, vg_db *db, int *version)
{
    const char *tables = vg_db_kind_of(db) == VG_DB_POSTGRES
                             ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                             : "SELECT count(*) FROM sqlite_schema WHERE type = 'table'";
    const char *has = vg_db_kind_of(db) == VG_DB_POSTGRES
                          ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                            " AND table_name = 'vigil_schema'"
                          : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'vigil_schema'";
    vg_store s = {.db = db};
    int64_t ntables, nschema, v;
    int rc = store_query_int(ctx, &s, tables, &ntables);
    if (rc == VG_OK)
        rc = store_query_int(ctx, &s, has, &nschema);
    if (rc)
        return rc;
    if (ntables == 0) {
        *version = 0;
        return VG_OK;
    }
    if (nschema == 0) {
        *version = -1;
        return VG_OK;
    }
    if ((rc = store_query_int(ctx, &s, "SELECT max(version) FROM vigil_schema", &v)) != VG_OK)
        return rc;
    *version = v > 0 && v < 1000000 ? (int)v : -2;
    return VG_OK;
}

static int set_version(vg_ctx *ctx, vg_db *db, int version)
{
    vg_store s = {.db = db};
    vg_db_stmt *st;
    int rc = store_prepare(ctx, &s, "INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (?, ?, ?)",
                           &st);
    if (rc)
        return rc;
    char by[64];
    snprintf(by, sizeof by, "vigil %s", vg_version());
    vg_db_bind_int(st, 1, version);
    vg_db_bind_text(st, 2, by);
    vg_db_bind_int(st, 3, (int64_t)time(NULL));
    rc = store_run(ctx, st);
    vg_db_finalize(st);
    return rc;
}

/* The message for a store of the wrong version; returns its status.  The
 * store is named by vg_db_name(), never by its URL, which may hold a
 * password. */
static int version_error(vg_ctx *ctx, vg_db *db, int version)
{
    if (version == -1)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: not a vigil store (it has tables of something else): give another --store",
                        vg_db_name(db));
    if (version < 0)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: a damaged store: its table vigil_schema holds no valid schema version; restore it from a "
                        "backup",
                        vg_db_name(db));
    if (version > VG_STORE_SCHEMA_VERSION)
        return vg_error(ctx, VG_ERR_UNSUPPORTED,
                        "%s: the store has schema version %d, newer than this vigil's %d: it was written by a newer "
                        "vigil; upgrade vigil (the store was not modified)",
                        vg_db_name(db), version, VG_STORE_SCHEMA_VERSION);
    if (version == 0)
        return vg_error(ctx, VG_ERR_NOT_FOUND, "%s: an empty store: run vigil store init --store %s", vg_db_name(db),
                        vg_db_name(db));
    return vg_error(ctx, VG_ERR_UNSUPPORTED,
                    "%s: the store has schema version %d, older than this vigil's %d: run vigil store migrate --store "
                    "%s",
                    vg_db_name(db), version, VG_STORE_SCHEMA_VERSION, vg_db_name(db));
}

/* Creates the directory of a SQLite store path (one level, like the data
 * directory of a new user). */
static void make_parent(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    if (strstr(url, "://"))
        return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", url);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
}

/* Creates the current version in db, found empty, in one transaction; *created = 0
 * when another process created it first (then it must be current). */
static int create_schema(vg_ctx *ctx, vg_db *db, int *created)
{
    *created = 0;
    int version = 0, rc = vg_db_begin(ctx, db);
    /* Several processes may find the store empty at once (the first
     * `inventory add`s of a fleet): the first to hold the write lock
     * creates it, the others find it made.  SQLite's BEGIN IMMEDIATE is
     * that lock; PostgreSQL takes DDL locks only on tables that exist, so
     * an advisory lock (held to the end of the transaction) stands in. */
    if (rc == VG_OK && vg_db_kind_of(db) == VG_DB_POSTGRES)
        rc = vg_db_exec(ctx, db, "SELECT pg_advisory_xact_lock(8675309001)");
    if (rc == VG_OK)
        rc = read_version(ctx, db, &version);
    if (rc == VG_OK && version != 0) {
        vg_db_rollback(db);
        return version == VG_STORE_SCHEMA_VERSION ? VG_OK : version_error(ctx, db, version);
    }
    if (rc == VG_OK)
        rc = exec_dialect(ctx, db, schema_v1);
    for (int v = 1; rc == VG_OK && v < VG_STORE_SCHEMA_VERSION; v++)
        rc = exec_dialect(ctx, db, migrations[v - 1]);
    if (rc == VG_OK)
        rc = set_version(ctx, db, VG_STORE_SCHEMA_VERSION);
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, db);
    if (rc)
        vg_db_rollback(db);
    *created = rc == VG_OK;
    return rc;
}

static int open_db(vg_ctx *ctx, const char *url, int flags, vg_db **db, int *version)
{
    if (flags & VG_STORE_CREATE)
        make_parent(url);
    int rc = vg_db_open(ctx, url, (flags & VG_STORE_CREATE ? VG_DB_CREATE : 0) |
                                      (flags & VG_STORE_READONLY ? VG_DB_READONLY : 0), db);
    if (rc)
        return rc;
    if ((rc = read_version(ctx, *db, version)) != VG_OK) {
        vg_db_close(*db);
        *db = NULL;
    }
    return rc;
}

int vg_store_open(vg_ctx *ctx, const char *url, int flags, vg_store **out)
{
    *out = NULL;
    vg_db *db;
    int version, rc = open_db(ctx, url, flags, &db, &version);
    if (rc)
        return rc;
    int created;
    if (version == 0 && (flags & VG_STORE_CREATE))
        rc = create_schema(ctx, db, &created);
    else if (version != VG_STORE_SCHEMA_VERSION)
        rc = version_error(ctx, db, version);
    if (rc == VG_OK && !(*out = calloc(1, sizeof **out)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        vg_db_close(db);
        return rc;
    }
    (*out)->db = db;
    return VG_OK;
}

void vg_store_close(vg_store *store)
{
    if (!store)
        return;
    for (size_t i = 0; i < STORE_CACHED_STATEMENTS; i++) {
        vg_db_finalize(store->cache[i].stmt);
        free(store->cache[i].sql);
    }
    vg_db_close(store->db);
    free(store);
}

const char *vg_store_backend(const vg_store *store)
{
    return vg_db_kind_of(store->db) == VG_DB_POSTGRES ? "postgresql" : "sqlite";
}

void vg_store_redact_url(const char *url, char *out, size_t outsz) { vg_db_redact_url(url, out, outsz); }

int vg_store_init(vg_ctx *ctx, const char *url, int *created)
{
    *created = 0;
    vg_db *db;
    int version, rc = open_db(ctx, url, VG_STORE_CREATE, &db, &version);
    if (rc)
        return rc;
    if (version == 0) {
        rc = create_schema(ctx, db, created);
    } else if (version != VG_STORE_SCHEMA_VERSION) {
        rc = version_error(ctx, db, version);
    }
    vg_db_close(db);
    return rc;
}

int vg_store_migrate(vg_ctx *ctx, const char *url, int *from, int *to)
{
    vg_db *db;
    int version, rc = open_db(ctx, url, 0, &db, &version);
    if (rc)
        return rc;
    *from = *to = version;
    if (version <= 0 || version > VG_STORE_SCHEMA_VERSION) {
        rc = version_error(ctx, db, version);
        vg_db_close(db);
        return rc;
    }
    if (version < VG_STORE_SCHEMA_VERSION) {
        rc = vg_db_begin(ctx, db);
        for (int v = version; rc == VG_OK && v < VG_STORE_SCHEMA_VERSION; v++)
            rc = exec_dialect(ctx, db, migrations[v - 1]);
        if (rc == VG_OK)
            rc = set_version(ctx, db, VG_STORE_SCHEMA_VERSION);
        if (rc == VG_OK)
            rc = vg_db_commit(ctx, db);
        if (rc)
            vg_db_rollback(db);
        else
            *to = VG_STORE_SCHEMA_VERSION;
    }
    vg_db_close(db);
    return rc;
}

int vg_store_default_url(vg_ctx *ctx, vg_buf *out)
{
    vg_buf_init(out, 4096);
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int rc;
    if (xdg && xdg[0] == '/')
        rc = vg_buf_addf(out, "sqlite:%s/vigil/store.sqlite", xdg);
    else if (home && *home)
        rc = vg_buf_addf(out, "sqlite:%s/.local/share/vigil/store.sqlite", home);
    else
        return vg_error(ctx, VG_ERR_NOT_FOUND,
                        "neither XDG_DATA_HOME nor HOME is set: give the store with --store or VIGIL_STORE");
    return rc ? vg_error(ctx, rc, "store path too long") : VG_OK;
}

/* ---- helpers shared by the files of src/store/ -------------------------- */

int store_prepare(vg_ctx *ctx, vg_store *store, const char *sql, vg_db_stmt **out)
{
    return vg_db_prepare(ctx, store->db, sql, out);
}

int store_prepare_cached(vg_ctx *ctx, vg_store *store, const char *sql, vg_db_stmt **out)
{
    uint64_t hash = 14695981039346656037ULL; /* FNV-1a */
    for (const char *p = sql; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 1099511628211ULL;
    for (size_t i = 0; i < STORE_CACHED_STATEMENTS; i++) {
        store_cached_stmt *c = &store->cache[i];
        if (c->stmt && c->hash == hash && strcmp(c->sql, sql) == 0) {
            vg_db_reset(c->stmt);
            *out = c->stmt;
            return VG_OK;
        }
    }
    store_cached_stmt *c = &store->cache[store->cache_next];
    store->cache_next = (store->cache_next + 1) % STORE_CACHED_STATEMENTS;
    vg_db_finalize(c->stmt);
    free(c->sql);
    *c = (store_cached_stmt){.sql = strdup(sql), .hash = hash};
    if (!c->sql)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = store_prepare(ctx, store, sql, &c->stmt);
    *out = c->stmt;
    return rc;
}

int store_run(vg_ctx *ctx, vg_db_stmt *stmt)
{
    int rc;
    while ((rc = vg_db_step(ctx, stmt)) == VG_DB_ROW)
        ;
    vg_db_reset(stmt);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

int store_insert_id(vg_ctx *ctx, vg_store *store, vg_db_stmt *stmt, const char *what, int64_t *id)
{
    int rc = vg_db_step(ctx, stmt);
    if (rc == VG_DB_ROW) {
        *id = vg_db_column_int(stmt, 0);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: %s returned nothing", vg_db_name(store->db), what);
    }
    vg_db_finalize(stmt);
    return rc;
}

int store_query_int(vg_ctx *ctx, vg_store *store, const char *sql, int64_t *out)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, sql, &st);
    if (rc)
        return rc;
    *out = 0;
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW)
        *out = vg_db_column_int(st, 0);
    vg_db_finalize(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

int store_run_ids(vg_ctx *ctx, vg_store *store, const char *head, const char *tail, const int64_t *ids, size_t n,
                  store_row_fn row, void *arg, int64_t *changes)
{
    for (size_t start = 0; start < n; start += STORE_BATCH) {
        size_t k = n - start < STORE_BATCH ? n - start : STORE_BATCH;
        vg_buf sql;
        vg_buf_init(&sql, (size_t)1 << 20);
        int rc = vg_buf_addf(&sql, "%s (", head);
        for (size_t i = 0; rc == VG_OK && i < k; i++)
            rc = vg_buf_addstr(&sql, i ? ", ?" : "?");
        if (rc == VG_OK)
            rc = vg_buf_addf(&sql, ")%s", tail);
        vg_db_stmt *st = NULL;
        rc = rc ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : store_prepare(ctx, store, sql.data, &st);
        vg_buf_free(&sql);
        if (rc)
            return rc;
        for (size_t i = 0; i < k; i++)
            vg_db_bind_int(st, (int)i + 1, ids[start + i]);
        if (row) {
            rc = store_rows(ctx, st, row, arg);
        } else {
            if ((rc = store_run(ctx, st)) == VG_OK && changes)
                *changes += vg_db_changes(st);
            vg_db_finalize(st);
        }
        if (rc)
            return rc;
    }
    return VG_OK;
}

int store_rows(vg_ctx *ctx, vg_db_stmt *st, store_row_fn row, void *arg)
{
    int rc;
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
        if (row && (rc = row(arg, st)) != VG_OK)
            break;
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

int store_select(vg_ctx *ctx, vg_store *store, const char *sql, store_row_fn row, void *arg)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, sql, &st);
    return rc ? rc : store_rows(ctx, st, row, arg);
}

int store_reserve(void *arrayp, size_t *cap, size_t n, size_t size)
{
    void **array = arrayp;
    if (n < *cap)
        return VG_OK;
    size_t grown_cap = *cap ? *cap * 2 : 64;
    void *grown = grown_cap < ((size_t)-1) / size ? realloc(*array, grown_cap * size) : NULL;
    if (!grown)
        return VG_ERR_NOMEM;
    *array = grown;
    *cap = grown_cap;
    return VG_OK;
}

void store_sort_array(json_t *array, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(array);
    json_t **items = n > 1 ? malloc(n * sizeof *items) : NULL;
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(array, i));
    qsort(items, n, sizeof *items, cmp);
    json_array_clear(array);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(array, items[i]);
    free(items);
}

int store_cmp_asset(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "asset")),
               *y = json_string_value(json_object_get(*(json_t *const *)b, "asset"));
    return strcmp(x ? x : "", y ? y : "");
}

void store_package_of(const char *purl, const char *type, const char *name, char *out, size_t outsz)
{
    if (purl && strncmp(purl, "pkg:", 4) == 0) {
        size_t n = strcspn(purl, "@?#");
        snprintf(out, outsz, "%.*s", (int)n, purl);
    } else {
        snprintf(out, outsz, "%s/%s", type ? type : "generic", name ? name : "");
    }
}

const char *store_strdup(vg_arena *arena, const char *s) { return s ? vg_arena_strdup(arena, s) : NULL; }

int store_text_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

json_t *store_json_text(const char *s) { return s ? json_string(s) : json_null(); }

json_t *store_json_time(int64_t t)
{
    if (!t)
        return json_null();
    char text[32];
    time_t tt = (time_t)t;
    struct tm tm;
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
    return json_string(text);
}
