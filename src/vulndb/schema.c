/*
 * schema.c — the SQLite schema of the vulnerability database (version
 * VG_VULNDB_SCHEMA_VERSION in PRAGMA user_version; docs/vulndb.md), the
 * bulk writer the importers use, and the read-only queries the matcher and
 * `vigil db status` use.
 *
 * Writing: one new file, one transaction, prepared statements, secondary
 * indexes created after the bulk insert.  The file is never changed after
 * it has been renamed into place.  Reading: prepared statements kept on the
 * handle, results copied into the caller's arena, or with the memo on
 * (vg_vulndb_memo()) into the handle's own, so that a fleet of hosts with
 * the same packages asks SQLite once per package name.
 *
 * Leaves out: migrations (a database of another schema version is rebuilt
 * by `vigil db update`, never converted).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vex/vex_internal.h"
#include "vigil/map.h"
#include "vulndb/vulndb_internal.h"

static const char *const schema_tables =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE source(name TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT,"
    " etag TEXT, last_modified TEXT, fetched_at INTEGER NOT NULL, newest TEXT,"
    " data_time INTEGER NOT NULL, data_basis TEXT NOT NULL,"
    " records_read INTEGER NOT NULL, records_imported INTEGER NOT NULL,"
    " records_skipped INTEGER NOT NULL, records_duplicate INTEGER NOT NULL,"
    " records_unused INTEGER NOT NULL);"
    "CREATE TABLE source_ecosystem(ecosystem TEXT NOT NULL, source TEXT NOT NULL,"
    " entries INTEGER NOT NULL, newest TEXT, data_time INTEGER NOT NULL,"
    " PRIMARY KEY(ecosystem, source)) WITHOUT ROWID;"
    "CREATE TABLE advisory(adv INTEGER PRIMARY KEY, scope TEXT NOT NULL, id TEXT NOT NULL,"
    " source TEXT NOT NULL, modified TEXT, published TEXT, withdrawn TEXT,"
    " summary TEXT, details TEXT, severity TEXT, UNIQUE(scope, id));"
    "CREATE TABLE advisory_alias(adv INTEGER NOT NULL, alias TEXT NOT NULL);"
    "CREATE TABLE reference(adv INTEGER NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL);"
    "CREATE TABLE severity(adv INTEGER NOT NULL, type TEXT NOT NULL, score TEXT NOT NULL);"
    "CREATE TABLE affected(aff INTEGER PRIMARY KEY, adv INTEGER NOT NULL,"
    " ecosystem TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,"
    " is_source INTEGER NOT NULL, status TEXT, severity TEXT, note TEXT);"
    "CREATE TABLE affected_range(rng INTEGER PRIMARY KEY, aff INTEGER NOT NULL,"
    " type TEXT NOT NULL, repo TEXT);"
    "CREATE TABLE range_event(rng INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK(kind IN ('introduced','fixed','last_affected','limit')),"
    " version TEXT NOT NULL);"
    "CREATE TABLE affected_version(aff INTEGER NOT NULL, version TEXT NOT NULL);"
    "CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT,"
    " date_added TEXT, due_date TEXT, ransomware TEXT, short_description TEXT,"
    " required_action TEXT, notes TEXT);";

/* Created after the bulk insert: building them once is faster than
 * maintaining them row by row. */
static const char *const schema_indexes =
    "CREATE INDEX advisory_by_id ON advisory(id);"
    "CREATE INDEX advisory_alias_by_adv ON advisory_alias(adv);"
    "CREATE INDEX advisory_alias_by_alias ON advisory_alias(alias);"
    "CREATE INDEX reference_by_adv ON reference(adv);"
    "CREATE INDEX severity_by_adv ON severity(adv);"
    "CREATE INDEX affected_by_package ON affected(ecosystem, name_key);"
    "CREATE INDEX affected_by_adv ON affected(adv);"
    "CREATE INDEX affected_range_by_aff ON affected_range(aff);"
    "CREATE INDEX range_event_by_rng ON range_event(rng, seq);"
    "CREATE INDEX affected_version_by_aff ON affected_version(aff);"
    /* Aliases in both directions, for merging CVE/GHSA/GO/PYSEC/RUSTSEC/DSA
     * ids.  UNION ALL (not UNION) so that SQLite pushes "WHERE id = ?" into
     * both halves and uses the indexes; a pair may therefore repeat. */
    "CREATE VIEW alias(id, alias) AS"
    " SELECT a.id, x.alias FROM advisory_alias x JOIN advisory a ON a.adv = x.adv"
    " UNION ALL SELECT x.alias, a.id FROM advisory_alias x JOIN advisory a ON a.adv = x.adv;";

/* ------------------------------------------------------------------------ */
/* writer                                                                   */

static int db_fail(vdb_writer *w, const char *what)
{
    return vg_error(w->ctx, VG_ERR_IO, "vulnerability database: %s: %s", what,
                    w->db ? sqlite3_errmsg(w->db) : "not open");
}

static int prepare(vdb_writer *w, sqlite3_stmt **stmt, const char *sql)
{
    if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return db_fail(w, "prepare");
    return VG_OK;
}

static void finalize_all(vdb_writer *w)
{
    sqlite3_stmt **all[] = {&w->ins_advisory, &w->find_advisory, &w->ins_alias, &w->ins_reference,
                            &w->ins_severity, &w->ins_affected, &w->ins_range, &w->ins_event,
                            &w->ins_version, &w->ins_kev, &w->nvd_wanted};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

int vdb_writer_open(vg_ctx *ctx, vdb_writer *w, const char *path, vg_vulndb_report *report)
{
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->report = report;
    int rc = sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        int st = vg_error(ctx, VG_ERR_IO, "%s: cannot create the database: %s", path,
                          w->db ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc));
        sqlite3_close(w->db);
        w->db = NULL;
        return st;
    }
    /* The file is private until it is renamed into place, and a crash
     * leaves only a temporary file: no journal is needed. */
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
             "PRAGMA cache_size=-65536; PRAGMA page_size=8192; PRAGMA user_version=%d;",
             VG_VULNDB_SCHEMA_VERSION);
    if (sqlite3_exec(w->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, schema_tables, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        int st = db_fail(w, "create schema");
        sqlite3_close(w->db);
        w->db = NULL;
        return st;
    }
    int st = VG_OK;
    if ((st = prepare(w, &w->ins_advisory,
                      "INSERT INTO advisory(scope,id,source,modified,published,withdrawn,summary,"
                      "details,severity) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(scope,id) DO NOTHING")) ||
        (st = prepare(w, &w->find_advisory, "SELECT adv FROM advisory WHERE scope=? AND id=?")) ||
        (st = prepare(w, &w->ins_alias, "INSERT INTO advisory_alias(adv,alias) VALUES(?,?)")) ||
        (st = prepare(w, &w->ins_reference, "INSERT INTO reference(adv,type,url) VALUES(?,?,?)")) ||
        (st = prepare(w, &w->ins_severity, "INSERT INTO severity(adv,type,score) VALUES(?,?,?)")) ||
        (st = prepare(w, &w->ins_affected,
                      "INSERT INTO affected(adv,ecosystem,name,name_key,is_source,status,severity,note)"
                      " VALUES(?,?,?,?,?,?,?,?)")) ||
        (st = prepare(w, &w->ins_range, "INSERT INTO affected_range(aff,type,repo) VALUES(?,?,?)")) ||
        (st = prepare(w, &w->ins_event,
                      "INSERT INTO range_event(rng,seq,kind,version) VALUES(?,?,?,?)")) ||
        (st = prepare(w, &w->ins_version, "INSERT INTO affected_version(aff,version) VALUES(?,?)")) ||
        (st = prepare(w, &w->ins_kev,
                      "INSERT INTO kev(cve,vendor,product,name,date_added,due_date,ransomware,"
                      "short_description,required_action,notes) VALUES(?,?,?,?,?,?,?,?,?,?)"
                      " ON CONFLICT(cve) DO NOTHING"))) {
        vdb_writer_abort(w);
        return st;
    }
    return VG_OK;
}

void vdb_writer_abort(vdb_writer *w)
{
    finalize_all(w);
    if (w->db) {
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(w->db);
        w->db = NULL;
    }
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Runs an insert statement whose parameters are bound; resets it. */
static int step_done(vdb_writer *w, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    int st = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? VG_OK : db_fail(w, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

/* The date of the newest data of a source, best evidence first: dates in
 * the feed itself, the server's Last-Modified, the file's modification
 * time, and only when there is none of these the time it was read.  Data
 * is never newer than the moment it was read. */
static void source_data_time(vg_vulndb_source_report *r)
{
    if (r->newest_time > 0) {
        r->data_time = r->newest_time;
        r->data_basis = "data";
    } else if (r->http_time > 0) {
        r->data_time = r->http_time;
        r->data_basis = "http";
    } else if (r->file_time > 0) {
        r->data_time = r->file_time;
        r->data_basis = "file";
    } else {
        r->data_time = r->fetched_at;
        r->data_basis = "fetched";
    }
    if (r->data_time > r->fetched_at)
        r->data_time = r->fetched_at;
}

/* SQL functions used to summarise source_ecosystem: vdb_time(date) is
 * the Unix time of a feed date, NULL when it is none (or before 1970, as
 * the Go database's "unknown" 0001-01-01); vdb_newest(modified,
 * published) is the later of the two that is a date, or NULL. */
static void sql_vdb_time(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int64_t t;
    if (s && vdb_parse_time(s, &t) == 0 && t > 0)
        sqlite3_result_int64(c, t);
    else
        sqlite3_result_null(c);
}

static void sql_vdb_newest(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int64_t best = 0, t;
    int which = -1;
    for (int i = 0; i < argc; i++) {
        const char *s = (const char *)sqlite3_value_text(argv[i]);
        if (s && vdb_parse_time(s, &t) == 0 && t > best) {
            best = t;
            which = i;
        }
    }
    if (which < 0)
        sqlite3_result_null(c);
    else
        sqlite3_result_value(c, argv[which]);
}

/* One row per (ecosystem, source): what vg_vulndb_ecosystem_sources()
 * returns, summarised once here instead of at every scan.  A record date
 * later than the source's fetch time is cut to it, as for the source. */
static const char *const summarise_ecosystems =
    "INSERT INTO source_ecosystem(ecosystem, source, entries, newest, data_time)"
    " SELECT f.ecosystem, a.source, count(*), max(vdb_newest(a.modified, a.published)),"
    "  coalesce(min(max(vdb_time(vdb_newest(a.modified, a.published))), s.fetched_at), s.data_time)"
    " FROM affected f JOIN advisory a ON a.adv = f.adv JOIN source s ON s.name = a.source"
    " GROUP BY f.ecosystem, a.source;";

int vdb_writer_finish(vdb_writer *w)
{
    int st = VG_OK;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db,
                           "INSERT INTO source(name,kind,location,etag,last_modified,fetched_at,newest,"
                           "data_time,data_basis,records_read,records_imported,records_skipped,"
                           "records_duplicate,records_unused) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK) {
        st = db_fail(w, "prepare");
        goto out;
    }
    for (size_t i = 0; i < w->report->nsources && st == VG_OK; i++) {
        vg_vulndb_source_report *r = &w->report->sources[i];
        source_data_time(r);
        bind_text(s, 1, r->name);
        bind_text(s, 2, r->kind);
        bind_text(s, 3, r->location);
        bind_text(s, 4, r->etag);
        bind_text(s, 5, r->last_modified);
        sqlite3_bind_int64(s, 6, r->fetched_at);
        bind_text(s, 7, r->newest[0] ? r->newest : NULL);
        sqlite3_bind_int64(s, 8, r->data_time);
        bind_text(s, 9, r->data_basis);
        sqlite3_bind_int64(s, 10, r->records_read);
        sqlite3_bind_int64(s, 11, r->records_imported);
        sqlite3_bind_int64(s, 12, r->records_skipped);
        sqlite3_bind_int64(s, 13, r->records_duplicate);
        sqlite3_bind_int64(s, 14, r->records_unused);
        st = step_done(w, s, "write sources");
    }
    sqlite3_finalize(s);
    if (st != VG_OK)
        goto out;
    if (sqlite3_create_function_v2(w->db, "vdb_time", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   sql_vdb_time, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(w->db, "vdb_newest", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   sql_vdb_newest, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, summarise_ecosystems, NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(w, "summarise ecosystems");
        goto out;
    }
    char meta[256];
    snprintf(meta, sizeof meta,
             "INSERT INTO meta VALUES('schema_version','%d');"
             "INSERT INTO meta VALUES('generator','vigil');",
             VG_VULNDB_SCHEMA_VERSION);
    if (sqlite3_exec(w->db, meta, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, schema_indexes, NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(w, "create indexes");
        goto out;
    }
    finalize_all(w);
    if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(w, "commit");
        goto out;
    }
    if (sqlite3_exec(w->db, "ANALYZE", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(w, "analyze");
        goto out;
    }
    if (sqlite3_close(w->db) != SQLITE_OK) {
        st = db_fail(w, "close");
        w->db = NULL;
        return st;
    }
    w->db = NULL;
    return VG_OK;
out:
    vdb_writer_abort(w);
    return st;
}

vg_vulndb_source_report *vdb_source(vdb_writer *w, const char *name, const char *kind,
                                    const char *location)
{
    vg_vulndb_report *r = w->report;
    for (size_t i = 0; i < r->nsources; i++)
        if (strcmp(r->sources[i].name, name) == 0)
            return &r->sources[i];
    if (!r->sources) {
        r->sources = vg_arena_calloc(&r->arena, VDB_SOURCES_MAX, sizeof *r->sources);
        if (!r->sources)
            return NULL;
    }
    if (r->nsources >= VDB_SOURCES_MAX)
        return NULL;
    vg_vulndb_source_report *s = &r->sources[r->nsources];
    s->name = vg_arena_strdup(&r->arena, name);
    s->kind = vg_arena_strdup(&r->arena, kind);
    s->location = location ? vg_arena_strdup(&r->arena, location) : NULL;
    if (!s->name || !s->kind || (location && !s->location))
        return NULL;
    s->fetched_at = (int64_t)time(NULL);
    r->nsources++;
    return s;
}

void vdb_skip(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *fmt, ...)
{
    src->records_skipped++;
    w->report->total_skipped++;
    if (src->nreasons >= VG_VULNDB_REASONS_MAX)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *reason = vg_arena_printf(&w->report->arena, "%s: %s", file ? file : src->name, msg);
    if (reason)
        src->reasons[src->nreasons++] = reason;
}

int vdb_parse_time(const char *s, int64_t *out)
{
    /* NVD writes its times without a zone ("2019-08-06T16:15:11.720"), in
     * UTC: give them one and parse as RFC 3339. */
    char buf[64];
    size_t n = s ? strlen(s) : 0;
    if (n < 10 || n >= sizeof buf - 1)
        return -1;
    memcpy(buf, s, n + 1);
    if (n >= 19 && !strpbrk(buf + 19, "Zz+-")) {
        buf[n] = 'Z';
        buf[n + 1] = '\0';
    }
    return vex_parse_time(buf, out);
}

void vdb_seen_date(vg_vulndb_source_report *src, const char *date)
{
    /* Anything that is no date is ignored, and so is the zero date the Go
     * database uses for "unknown" (and any other before 1970). */
    int64_t t;
    if (!date || vdb_parse_time(date, &t) != 0 || t <= 0)
        return;
    if (t > src->newest_time) {
        src->newest_time = t;
        snprintf(src->newest, sizeof src->newest, "%s", date);
    }
}

void vdb_unrecognised(vdb_writer *w, const char *path)
{
    vg_vulndb_report *r = w->report;
    if (!r->unrecognised)
        r->unrecognised = vg_arena_calloc(&r->arena, VDB_UNRECOGNISED_MAX, sizeof(char *));
    if (r->unrecognised && r->nunrecognised < VDB_UNRECOGNISED_MAX)
        r->unrecognised[r->nunrecognised] = vg_arena_strdup(&r->arena, path);
    r->nunrecognised++;
}

int vdb_add_advisory(vdb_writer *w, const vdb_advisory_row *row, int64_t *adv, int *inserted)
{
    sqlite3_stmt *s = w->ins_advisory;
    bind_text(s, 1, row->scope);
    bind_text(s, 2, row->id);
    bind_text(s, 3, row->source);
    bind_text(s, 4, row->modified);
    bind_text(s, 5, row->published);
    bind_text(s, 6, row->withdrawn);
    bind_text(s, 7, row->summary);
    bind_text(s, 8, row->details);
    bind_text(s, 9, row->severity);
    int st = step_done(w, s, "insert advisory");
    if (st != VG_OK)
        return st;
    if (sqlite3_changes(w->db) > 0) {
        *adv = sqlite3_last_insert_rowid(w->db);
        *inserted = 1;
        return VG_OK;
    }
    *inserted = 0;
    s = w->find_advisory;
    bind_text(s, 1, row->scope);
    bind_text(s, 2, row->id);
    int rc = sqlite3_step(s);
    *adv = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW ? VG_OK : db_fail(w, "find advisory");
}

int vdb_add_alias(vdb_writer *w, int64_t adv, const char *alias)
{
    sqlite3_bind_int64(w->ins_alias, 1, adv);
    bind_text(w->ins_alias, 2, alias);
    return step_done(w, w->ins_alias, "insert alias");
}

int vdb_add_reference(vdb_writer *w, int64_t adv, const char *type, const char *url)
{
    sqlite3_bind_int64(w->ins_reference, 1, adv);
    bind_text(w->ins_reference, 2, type ? type : "WEB");
    bind_text(w->ins_reference, 3, url);
    return step_done(w, w->ins_reference, "insert reference");
}

int vdb_add_severity(vdb_writer *w, int64_t adv, const char *type, const char *score)
{
    sqlite3_bind_int64(w->ins_severity, 1, adv);
    bind_text(w->ins_severity, 2, type);
    bind_text(w->ins_severity, 3, score);
    return step_done(w, w->ins_severity, "insert severity");
}

void vdb_name_key(const char *ecosystem, const char *name, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    if (strcmp(ecosystem, "PyPI") != 0) {
        snprintf(out, outsz, "%s", name);
        return;
    }
    /* PEP 503: lower case, runs of "-", "_" and "." become one "-". */
    size_t o = 0;
    int in_sep = 0;
    for (const char *p = name; *p && o + 1 < outsz; p++) {
        if (*p == '-' || *p == '_' || *p == '.') {
            if (!in_sep)
                out[o++] = '-';
            in_sep = 1;
        } else {
            out[o++] = (char)tolower((unsigned char)*p);
            in_sep = 0;
        }
    }
    out[o] = '\0';
}

int vdb_add_affected(vdb_writer *w, const vdb_affected_row *row, int64_t *aff)
{
    char key[1024];
    vdb_name_key(row->ecosystem, row->name, key, sizeof key);
    sqlite3_stmt *s = w->ins_affected;
    sqlite3_bind_int64(s, 1, row->adv);
    bind_text(s, 2, row->ecosystem);
    bind_text(s, 3, row->name);
    bind_text(s, 4, key);
    sqlite3_bind_int(s, 5, row->is_source ? 1 : 0);
    bind_text(s, 6, row->status);
    bind_text(s, 7, row->severity);
    bind_text(s, 8, row->note);
    int st = step_done(w, s, "insert affected");
    *aff = sqlite3_last_insert_rowid(w->db);
    return st;
}

int vdb_add_range(vdb_writer *w, int64_t aff, const char *type, const char *repo, int64_t *rng)
{
    sqlite3_bind_int64(w->ins_range, 1, aff);
    bind_text(w->ins_range, 2, type);
    bind_text(w->ins_range, 3, repo);
    int st = step_done(w, w->ins_range, "insert range");
    *rng = sqlite3_last_insert_rowid(w->db);
    return st;
}

int vdb_add_event(vdb_writer *w, int64_t rng, int seq, const char *kind, const char *version)
{
    sqlite3_bind_int64(w->ins_event, 1, rng);
    sqlite3_bind_int(w->ins_event, 2, seq);
    bind_text(w->ins_event, 3, kind);
    bind_text(w->ins_event, 4, version);
    return step_done(w, w->ins_event, "insert range event");
}

int vdb_add_version(vdb_writer *w, int64_t aff, const char *version)
{
    sqlite3_bind_int64(w->ins_version, 1, aff);
    bind_text(w->ins_version, 2, version);
    return step_done(w, w->ins_version, "insert version");
}

int vdb_add_fixed_range(vdb_writer *w, int64_t aff, const char *fixed)
{
    int64_t rng;
    int st = vdb_add_range(w, aff, "ECOSYSTEM", NULL, &rng);
    if (st == VG_OK)
        st = vdb_add_event(w, rng, 0, "introduced", "0");
    if (st == VG_OK && fixed)
        st = vdb_add_event(w, rng, 1, "fixed", fixed);
    return st;
}

int vdb_add_kev(vdb_writer *w, const vdb_kev_row *row)
{
    sqlite3_stmt *s = w->ins_kev;
    const char *v[] = {row->cve,        row->vendor,    row->product,
                       row->name,       row->date_added, row->due_date,
                       row->ransomware, row->short_description, row->required_action,
                       row->notes};
    for (int i = 0; i < 10; i++)
        bind_text(s, i + 1, v[i]);
    int st = step_done(w, s, "insert KEV entry");
    if (st != VG_OK)
        return -1;
    return sqlite3_changes(w->db) > 0 ? 1 : 0;
}

const char *vdb_json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int vdb_json_bounded(const json_t *obj, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 1;
    if (!json_is_string(v) || json_string_length(v) > max)
        return 0;
    *out = json_string_value(v);
    return 1;
}

int vdb_json_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                    size_t len, size_t flags, vdb_json_importer import)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, flags, &jerr);
    if (!root) {
        src->records_read++;
        vdb_skip(w, src, file, "invalid JSON: %s (line %d)", jerr.text, jerr.line);
        return VG_OK;
    }
    int st = import(w, src, file, root);
    json_decref(root);
    return st;
}

int vdb_read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out)
{
    vg_buf_init(out, max);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND
                             : errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: %s", path, strerror(errno));
    char chunk[65536];
    size_t n;
    int st = VG_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if ((st = vg_buf_add(out, chunk, n)) != VG_OK) {
            st = vg_error(ctx, st, "%s: larger than %zu bytes", path, max);
            break;
        }
    }
    if (st == VG_OK && ferror(f))
        st = vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    fclose(f);
    if (st != VG_OK)
        vg_buf_free(out);
    return st;
}

/* ------------------------------------------------------------------------ */
/* report                                                                   */

void vg_vulndb_report_init(vg_vulndb_report *report)
{
    memset(report, 0, sizeof *report);
    vg_arena_init(&report->arena);
}

void vg_vulndb_report_free(vg_vulndb_report *report)
{
    vg_arena_free(&report->arena);
    memset(report, 0, sizeof *report);
}

/* ------------------------------------------------------------------------ */
/* reader                                                                   */

struct vg_vulndb {
    sqlite3 *db;
    sqlite3_stmt *q_affected, *q_ranges, *q_events, *q_versions;
    sqlite3_stmt *q_advisories, *q_adv_aliases, *q_adv_severity, *q_adv_refs;
    sqlite3_stmt *q_aliases, *q_kev, *q_sources, *q_eco_sources;
    char *path;          /* for messages */
    /* The memo (vg_vulndb_memo()): answers kept until close, in memo_arena,
     * while it holds less than memo_max bytes; after that, answers are
     * made in the caller's arena as without it. */
    size_t memo_max;
    vg_arena memo_arena;
    vg_map memo_affected;   /* "ecosystem\0name_key" -> memo_list */
    vg_map memo_advisories; /* id -> memo_list */
    vg_map memo_derived;    /* the readers' keys -> their values */
};

/* A memoised answer: an array of n vg_vuln_affected or vg_vuln_advisory. */
typedef struct memo_list {
    void *items;
    size_t n;
} memo_list;

void vg_vulndb_memo(vg_vulndb *db, size_t max_bytes)
{
    db->memo_max = max_bytes;
}

/* The arena an answer is made in: the memo's while it has room. */
static vg_arena *memo_arena(vg_vulndb *db, vg_arena *caller)
{
    return db->memo_max && db->memo_arena.used < db->memo_max ? &db->memo_arena : caller;
}

int vg_vulndb_memo_on(const vg_vulndb *db)
{
    return db->memo_max != 0;
}

void *vg_vulndb_memo_find(vg_vulndb *db, const char *key, size_t keylen)
{
    return db->memo_max ? vg_map_get(&db->memo_derived, key, keylen) : NULL;
}

vg_arena *vg_vulndb_memo_room(vg_vulndb *db)
{
    return memo_arena(db, NULL);
}

int vg_vulndb_memo_keep(vg_vulndb *db, const char *key, size_t keylen, void *value)
{
    char *k = vg_arena_strndup(&db->memo_arena, key, keylen);
    return k ? vg_map_put(&db->memo_derived, k, keylen, value) : VG_ERR_NOMEM;
}

/* Keeps an answer made in the memo's arena under key; a failure to keep it
 * only costs the next lookup a query. */
static void memo_keep(vg_vulndb *db, vg_map *map, const char *key, size_t keylen, void *items, size_t n)
{
    memo_list *l = vg_arena_alloc(&db->memo_arena, sizeof *l);
    char *k = vg_arena_strndup(&db->memo_arena, key, keylen);
    if (!l || !k)
        return;
    l->items = items;
    l->n = n;
    vg_map_put(map, k, keylen, l);
}

int vg_vulndb_default_path(vg_ctx *ctx, vg_buf *out)
{
    vg_buf_init(out, 4096);
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int st;
    if (xdg && xdg[0] == '/')
        st = vg_buf_addf(out, "%s/vigil/vulndb.sqlite", xdg);
    else if (home && home[0])
        st = vg_buf_addf(out, "%s/.cache/vigil/vulndb.sqlite", home);
    else
        return vg_error(ctx, VG_ERR_NOT_FOUND,
                        "neither XDG_CACHE_HOME nor HOME is set: give the database with --db PATH");
    if (st != VG_OK)
        return vg_error(ctx, st, "database path too long");
    return VG_OK;
}

void vg_vulndb_close(vg_vulndb *db)
{
    if (!db)
        return;
    sqlite3_stmt *all[] = {db->q_affected,  db->q_ranges,    db->q_events,     db->q_versions,
                           db->q_advisories, db->q_adv_aliases, db->q_adv_severity, db->q_adv_refs,
                           db->q_aliases,   db->q_kev,       db->q_sources,    db->q_eco_sources};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(db->db);
    vg_map_free(&db->memo_affected);
    vg_map_free(&db->memo_advisories);
    vg_map_free(&db->memo_derived);
    vg_arena_free(&db->memo_arena);
    free(db->path);
    free(db);
}

int vg_vulndb_shell_word(vg_buf *out, const char *word)
{
    int plain = word[0] != '\0';
    for (const char *p = word; plain && *p; p++)
        plain = isalnum((unsigned char)*p) || strchr("/._-+,:=@%", *p);
    if (plain)
        return vg_buf_addstr(out, word);
    /* Single quotes keep everything but a quote, which is written '\''. */
    int st = vg_buf_addc(out, '\'');
    for (const char *p = word; st == VG_OK && *p; p++)
        st = *p == '\'' ? vg_buf_addstr(out, "'\\''") : vg_buf_addc(out, *p);
    return st == VG_OK ? vg_buf_addc(out, '\'') : st;
}

void vg_vulndb_update_command(const char *path, int force, char *out, size_t outsz)
{
    vg_buf cmd, def;
    vg_buf_init(&cmd, outsz ? outsz - 1 : 0);
    vg_ctx c;
    vg_ctx_init(&c);
    int is_default = vg_vulndb_default_path(&c, &def) == VG_OK && path && strcmp(def.data, path) == 0;
    vg_buf_free(&def);
    vg_ctx_free(&c);
    int st = vg_buf_addstr(&cmd, "vigil db update");
    if (st == VG_OK && path && !is_default && (st = vg_buf_addstr(&cmd, " --db ")) == VG_OK)
        st = vg_vulndb_shell_word(&cmd, path);
    if (st == VG_OK && force)
        st = vg_buf_addstr(&cmd, " --force");
    if (outsz)
        snprintf(out, outsz, "%s", st == VG_OK && cmd.data ? cmd.data : "vigil db update");
    vg_buf_free(&cmd);
}

/* The first 16 bytes of every SQLite 3 database file. */
static const char sqlite_magic[16] = "SQLite format 3";

/* Refuses a file that is not a usable vigil database (what says what it
 * is), saying how to replace it: by the exact command, or by removing the
 * exact file. */
static int refuse_foreign(vg_ctx *ctx, const char *path, const char *what)
{
    char cmd[4300];
    vg_vulndb_update_command(path, 1, cmd, sizeof cmd);
    return vg_error(ctx, VG_ERR_FORMAT,
                    "%s: %s: replace it with %s (or vigil db build --from DIR with the same --db and"
                    " --force), or remove %s",
                    path, what, cmd, path);
}

int vg_vulndb_open(vg_ctx *ctx, const char *path, vg_vulndb **out)
{
    *out = NULL;
    char cmd[4300];
    vg_vulndb_update_command(path, 0, cmd, sizeof cmd);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return vg_error(ctx, VG_ERR_NOT_FOUND,
                            "%s: no vulnerability database: run %s (or vigil db build --from DIR)", path,
                            cmd);
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", path,
                        strerror(errno));
    }
    char head[16] = {0};
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (got != sizeof head || memcmp(head, sqlite_magic, sizeof head) != 0)
        return refuse_foreign(ctx, path, "not a vigil vulnerability database (not an SQLite file)");
    vg_vulndb *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int st = vg_error(ctx, VG_ERR_IO, "%s: cannot open: %s", path,
                          db->db ? sqlite3_errmsg(db->db) : "out of memory");
        vg_vulndb_close(db);
        return st;
    }
    /* The file is never changed in place (a build renames a new one over
     * it), so the shared lock can be held for the life of the connection:
     * otherwise every query takes and drops it, with a stat for a hot
     * journal each time -- half the time of a scan. */
    sqlite3_exec(db->db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL);
    sqlite3_stmt *s = NULL;
    int version = -1, have_meta = 0;
    if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    int rc = sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key='generator'", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    have_meta = rc == SQLITE_ROW && sqlite3_column_text(s, 0) &&
                strcmp((const char *)sqlite3_column_text(s, 0), "vigil") == 0;
    char why[300];
    snprintf(why, sizeof why, "a damaged vigil vulnerability database (%s)", sqlite3_errmsg(db->db));
    sqlite3_finalize(s);
    /* An SQLite file that cannot be read (truncated, overwritten) is
     * damaged, not someone else's. */
    int damaged = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_IOERR;
    if (version < 0 || damaged) {
        vg_vulndb_close(db);
        return refuse_foreign(ctx, path, why);
    }
    if (!have_meta) {
        vg_vulndb_close(db);
        return refuse_foreign(ctx, path, "an SQLite file, but not a vigil vulnerability database");
    }
    if (version != VG_VULNDB_SCHEMA_VERSION) {
        vg_vulndb_close(db);
        return vg_error(ctx, VG_ERR_UNSUPPORTED,
                        "%s: database schema version %d is %s than this vigil's (%d): run %s", path,
                        version, version > VG_VULNDB_SCHEMA_VERSION ? "newer" : "older",
                        VG_VULNDB_SCHEMA_VERSION, cmd);
    }
    struct {
        sqlite3_stmt **stmt;
        const char *sql;
    } queries[] = {
        {&db->q_affected,
         "SELECT f.aff, a.id, a.source, f.ecosystem, f.name, f.is_source, f.status, f.severity, f.note"
         " FROM affected f JOIN advisory a ON a.adv = f.adv"
         " WHERE f.ecosystem = ? AND f.name_key = ? AND (f.status IS NULL OR f.status NOT IN ('not-affected', 'unknown'))"
         " ORDER BY a.id, f.aff"},
        {&db->q_ranges, "SELECT rng, type, repo FROM affected_range WHERE aff = ? ORDER BY rng"},
        {&db->q_events, "SELECT kind, version FROM range_event WHERE rng = ? ORDER BY seq"},
        {&db->q_versions, "SELECT version FROM affected_version WHERE aff = ? ORDER BY rowid"},
        {&db->q_advisories,
         "SELECT adv, id, source, modified, published, withdrawn, summary, details, severity"
         " FROM advisory WHERE id = ? ORDER BY source"},
        {&db->q_adv_aliases, "SELECT alias FROM advisory_alias WHERE adv = ? ORDER BY alias"},
        {&db->q_adv_severity, "SELECT type, score FROM severity WHERE adv = ? ORDER BY rowid"},
        {&db->q_adv_refs, "SELECT type, url FROM reference WHERE adv = ? ORDER BY rowid"},
        {&db->q_aliases, "SELECT DISTINCT alias FROM alias WHERE id = ?1 AND alias <> ?1 ORDER BY alias"},
        {&db->q_kev,
         "SELECT cve, vendor, product, name, date_added, due_date, ransomware, short_description,"
         " required_action FROM kev WHERE cve = ?"},
        {&db->q_sources,
         "SELECT name, kind, location, newest, fetched_at, data_time, data_basis, records_read,"
         " records_imported, records_skipped, records_unused FROM source ORDER BY name"},
        {&db->q_eco_sources,
         "SELECT source, entries, newest, data_time FROM source_ecosystem WHERE ecosystem = ?"
         " ORDER BY source"},
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        if (sqlite3_prepare_v3(db->db, queries[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
                               queries[i].stmt, NULL) != SQLITE_OK) {
            snprintf(why, sizeof why, "a damaged vigil vulnerability database (%s)", sqlite3_errmsg(db->db));
            vg_vulndb_close(db);
            return refuse_foreign(ctx, path, why);
        }
    }
    *out = db;
    return VG_OK;
}

/* A query failed: damage found only now is reported as at opening. */
static int query_fail(vg_ctx *ctx, vg_vulndb *db)
{
    int code = sqlite3_errcode(db->db);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
        char why[300];
        snprintf(why, sizeof why, "a damaged vigil vulnerability database (%s)", sqlite3_errmsg(db->db));
        return refuse_foreign(ctx, db->path, why);
    }
    return vg_error(ctx, VG_ERR_IO, "%s: vulnerability database: %s", db->path, sqlite3_errmsg(db->db));
}

/* Copies column i as an arena string (NULL stays NULL).  *oom set on failure. */
static const char *col(vg_arena *arena, sqlite3_stmt *s, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return NULL;
    char *c = vg_arena_strndup(arena, (const char *)t, (size_t)sqlite3_column_bytes(s, i));
    if (!c)
        *oom = 1;
    return c;
}

/* A growable arena array: doubles by copying (the old block stays in the
 * arena until it is freed, at most twice the final size). */
static void *grow(vg_arena *arena, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = vg_arena_calloc(arena, ncap, size);
    if (!p)
        return NULL;
    if (items)
        memcpy(p, items, n * size);
    *cap = ncap;
    return p;
}

static int event_kind(const char *k)
{
    if (!k)
        return VG_VULN_INTRODUCED;
    if (strcmp(k, "fixed") == 0)
        return VG_VULN_FIXED;
    if (strcmp(k, "last_affected") == 0)
        return VG_VULN_LAST_AFFECTED;
    if (strcmp(k, "limit") == 0)
        return VG_VULN_LIMIT;
    return VG_VULN_INTRODUCED;
}

static int load_ranges(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, int64_t aff, vg_vuln_affected *a)
{
    int oom = 0, rc;
    size_t cap = 0;
    int64_t rngs[64];
    size_t nr = 0;
    sqlite3_stmt *s = db->q_ranges;
    sqlite3_bind_int64(s, 1, aff);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !oom) {
        vg_vuln_range *r = grow(arena, a->ranges, a->nranges, &cap, sizeof *r);
        if (!r || nr >= sizeof rngs / sizeof rngs[0]) {
            oom = !r;
            break;
        }
        a->ranges = r;
        r = &a->ranges[a->nranges++];
        rngs[nr++] = sqlite3_column_int64(s, 0);
        r->type = col(arena, s, 1, &oom);
        r->repo = col(arena, s, 2, &oom);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return query_fail(ctx, db);
    for (size_t i = 0; i < nr && !oom; i++) {
        vg_vuln_range *r = &a->ranges[i];
        size_t ecap = 0;
        s = db->q_events;
        sqlite3_bind_int64(s, 1, rngs[i]);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            vg_vuln_event *e = grow(arena, r->events, r->nevents, &ecap, sizeof *e);
            if (!e) {
                oom = 1;
                break;
            }
            r->events = e;
            e = &r->events[r->nevents++];
            e->kind = (vg_vuln_event_kind)event_kind((const char *)sqlite3_column_text(s, 0));
            e->version = col(arena, s, 1, &oom);
        }
        sqlite3_reset(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return query_fail(ctx, db);
    }
    size_t vcap = 0;
    s = db->q_versions;
    sqlite3_bind_int64(s, 1, aff);
    while (!oom && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char **v = grow(arena, (void *)a->versions, a->nversions, &vcap, sizeof *v);
        if (!v) {
            oom = 1;
            break;
        }
        a->versions = v;
        a->versions[a->nversions++] = col(arena, s, 0, &oom);
    }
    sqlite3_reset(s);
    return oom ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

int vg_vulndb_affected(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *ecosystem,
                       const char *name, vg_vuln_affected **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char key[1024];
    vdb_name_key(ecosystem, name, key, sizeof key);
    /* the memo's key: "ecosystem\0name_key" */
    char mkey[1280];
    int mlen = db->memo_max ? snprintf(mkey, sizeof mkey, "%s%c%s", ecosystem, '\0', key) : -1;
    int memo = mlen > 0 && (size_t)mlen < sizeof mkey;
    if (memo) {
        memo_list *l = vg_map_get(&db->memo_affected, mkey, (size_t)mlen);
        if (l) {
            *out = l->items;
            *n = l->n;
            return VG_OK;
        }
        arena = memo_arena(db, arena);
        memo = arena == &db->memo_arena;
    }
    sqlite3_stmt *s = db->q_affected;
    sqlite3_bind_text(s, 1, ecosystem, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
    vg_vuln_affected *items = NULL;
    int64_t *affs = NULL;
    size_t cap = 0, acap = 0, count = 0;
    int oom = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vg_vuln_affected *it = grow(arena, items, count, &cap, sizeof *it);
        int64_t *ai = grow(arena, affs, count, &acap, sizeof *ai);
        if (!it || !ai) {
            oom = 1;
            break;
        }
        items = it;
        affs = ai;
        vg_vuln_affected *a = &items[count];
        affs[count] = sqlite3_column_int64(s, 0);
        count++;
        a->advisory_id = col(arena, s, 1, &oom);
        a->source = col(arena, s, 2, &oom);
        a->ecosystem = col(arena, s, 3, &oom);
        a->name = col(arena, s, 4, &oom);
        a->is_source_package = sqlite3_column_int(s, 5);
        a->status = col(arena, s, 6, &oom);
        a->severity = col(arena, s, 7, &oom);
        a->note = col(arena, s, 8, &oom);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return query_fail(ctx, db);
    for (size_t i = 0; i < count; i++) {
        int st = load_ranges(ctx, db, arena, affs[i], &items[i]);
        if (st != VG_OK)
            return st;
    }
    if (memo)
        memo_keep(db, &db->memo_affected, mkey, (size_t)mlen, items, count);
    *out = items;
    *n = count;
    return VG_OK;
}

/* Runs a one-text-column statement (parameter 1 bound already) into a list. */
static int text_list(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, sqlite3_stmt *s,
                     const char ***out, size_t *n)
{
    const char **items = NULL;
    size_t cap = 0, count = 0;
    int oom = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char **it = grow(arena, (void *)items, count, &cap, sizeof *it);
        if (!it) {
            oom = 1;
            break;
        }
        items = it;
        items[count++] = col(arena, s, 0, &oom);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return query_fail(ctx, db);
    *out = items;
    *n = count;
    return VG_OK;
}

int vg_vulndb_advisories(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *id,
                         vg_vuln_advisory **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t idlen = strlen(id);
    int memo = db->memo_max != 0;
    if (memo) {
        memo_list *l = vg_map_get(&db->memo_advisories, id, idlen);
        if (l) {
            *out = l->items;
            *n = l->n;
            return VG_OK;
        }
        arena = memo_arena(db, arena);
        memo = arena == &db->memo_arena;
    }
    sqlite3_stmt *s = db->q_advisories;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    vg_vuln_advisory *items = NULL;
    int64_t advs[64];
    size_t cap = 0, count = 0;
    int oom = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < sizeof advs / sizeof advs[0]) {
        vg_vuln_advisory *it = grow(arena, items, count, &cap, sizeof *it);
        if (!it) {
            oom = 1;
            break;
        }
        items = it;
        vg_vuln_advisory *a = &items[count];
        advs[count++] = sqlite3_column_int64(s, 0);
        a->id = col(arena, s, 1, &oom);
        a->source = col(arena, s, 2, &oom);
        a->modified = col(arena, s, 3, &oom);
        a->published = col(arena, s, 4, &oom);
        a->withdrawn = col(arena, s, 5, &oom);
        a->summary = col(arena, s, 6, &oom);
        a->details = col(arena, s, 7, &oom);
        a->severity = col(arena, s, 8, &oom);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return query_fail(ctx, db);
    for (size_t i = 0; i < count; i++) {
        vg_vuln_advisory *a = &items[i];
        int st;
        sqlite3_bind_int64(db->q_adv_aliases, 1, advs[i]);
        if ((st = text_list(ctx, db, arena, db->q_adv_aliases, &a->aliases, &a->naliases)))
            return st;
        const sqlite3_stmt *pairs[2] = {db->q_adv_severity, db->q_adv_refs};
        for (int k = 0; k < 2; k++) {
            sqlite3_stmt *q = (sqlite3_stmt *)pairs[k];
            sqlite3_bind_int64(q, 1, advs[i]);
            size_t pcap = 0, pn = 0;
            void *arr = NULL;
            while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
                /* vg_vuln_severity and vg_vuln_reference are both two strings. */
                vg_vuln_severity *p = grow(arena, arr, pn, &pcap, sizeof *p);
                if (!p) {
                    oom = 1;
                    break;
                }
                arr = p;
                p[pn].type = col(arena, q, 0, &oom);
                p[pn].score = col(arena, q, 1, &oom);
                pn++;
            }
            sqlite3_reset(q);
            if (oom)
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            if (rc != SQLITE_DONE)
                return query_fail(ctx, db);
            if (k == 0) {
                a->severities = arr;
                a->nseverities = pn;
            } else {
                vg_vuln_severity *p = arr;
                a->references = vg_arena_calloc(arena, pn ? pn : 1, sizeof *a->references);
                if (!a->references)
                    return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                for (size_t j = 0; j < pn; j++) {
                    a->references[j].type = p[j].type;
                    a->references[j].url = p[j].score;
                }
                a->nreferences = pn;
            }
        }
    }
    if (memo)
        memo_keep(db, &db->memo_advisories, id, idlen, items, count);
    *out = items;
    *n = count;
    return VG_OK;
}

int vg_vulndb_aliases(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *id,
                      const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_bind_text(db->q_aliases, 1, id, -1, SQLITE_TRANSIENT);
    return text_list(ctx, db, arena, db->q_aliases, out, n);
}

int vg_vulndb_kev(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *cve, vg_kev_entry **out)
{
    *out = NULL;
    sqlite3_stmt *s = db->q_kev;
    sqlite3_bind_text(s, 1, cve, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), oom = 0;
    if (rc == SQLITE_ROW) {
        vg_kev_entry *k = vg_arena_calloc(arena, 1, sizeof *k);
        if (!k) {
            oom = 1;
        } else {
            k->cve = col(arena, s, 0, &oom);
            k->vendor = col(arena, s, 1, &oom);
            k->product = col(arena, s, 2, &oom);
            k->name = col(arena, s, 3, &oom);
            k->date_added = col(arena, s, 4, &oom);
            k->due_date = col(arena, s, 5, &oom);
            k->ransomware = col(arena, s, 6, &oom);
            k->short_description = col(arena, s, 7, &oom);
            k->required_action = col(arena, s, 8, &oom);
            *out = k;
        }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return query_fail(ctx, db);
    return VG_OK;
}

/* The family of a source: the same feed for other releases.  A source
 * whose family holds much newer data is taken as ended (docs/vulndb.md,
 * "Age"): "osv:Debian:12" -> "osv:Debian", "alpine:v3.10/main" ->
 * "alpine", "debian:DSA"/"DLA"/"DTSA" -> "debian:list"; others are their
 * own family. */
static void source_family(const char *name, char *out, size_t outsz)
{
    if (strncmp(name, "osv:", 4) == 0) {
        const char *colon = strchr(name + 4, ':');
        snprintf(out, outsz, "%.*s", colon ? (int)(colon - name) : (int)strlen(name), name);
    } else if (strncmp(name, "alpine:", 7) == 0) {
        snprintf(out, outsz, "alpine");
    } else if (strncmp(name, "debian:", 7) == 0 && strcmp(name, "debian:json") != 0) {
        snprintf(out, outsz, "debian:list");
    } else {
        snprintf(out, outsz, "%s", name);
    }
}

int vg_vulndb_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, vg_vulndb_source_info **out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = db->q_sources;
    vg_vulndb_source_info *items = NULL;
    size_t cap = 0, count = 0;
    int oom = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vg_vulndb_source_info *it = grow(arena, items, count, &cap, sizeof *it);
        if (!it) {
            oom = 1;
            break;
        }
        items = it;
        vg_vulndb_source_info *i = &items[count++];
        i->name = col(arena, s, 0, &oom);
        i->kind = col(arena, s, 1, &oom);
        i->location = col(arena, s, 2, &oom);
        i->newest = col(arena, s, 3, &oom);
        i->fetched_at = sqlite3_column_int64(s, 4);
        i->data_time = sqlite3_column_int64(s, 5);
        i->data_basis = col(arena, s, 6, &oom);
        i->records_read = sqlite3_column_int64(s, 7);
        i->records_imported = sqlite3_column_int64(s, 8);
        i->records_skipped = sqlite3_column_int64(s, 9);
        i->records_unused = sqlite3_column_int64(s, 10);
    }
    sqlite3_reset(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return query_fail(ctx, db);
    /* At most a few hundred sources: the quadratic family scan is cheap. */
    for (size_t i = 0; i < count; i++) {
        char fi[256], fj[256];
        source_family(items[i].name ? items[i].name : "", fi, sizeof fi);
        for (size_t j = 0; j < count; j++) {
            source_family(items[j].name ? items[j].name : "", fj, sizeof fj);
            if (strcmp(fi, fj) == 0 && items[j].data_time - items[i].data_time > VG_VULNDB_MAX_AGE_DEFAULT)
                items[i].ended = 1;
        }
    }
    *out = items;
    *n = count;
    return VG_OK;
}

int vg_vulndb_ecosystem_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *ecosystem,
                                vg_vulndb_ecosystem_source **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    vg_vulndb_source_info *sources;
    size_t nsources;
    int st = vg_vulndb_sources(ctx, db, arena, &sources, &nsources);
    if (st != VG_OK)
        return st;
    sqlite3_stmt *s = db->q_eco_sources;
    sqlite3_bind_text(s, 1, ecosystem, -1, SQLITE_TRANSIENT);
    vg_vulndb_ecosystem_source *items = NULL;
    size_t cap = 0, count = 0;
    int oom = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vg_vulndb_ecosystem_source *it = grow(arena, items, count, &cap, sizeof *it);
        if (!it) {
            oom = 1;
            break;
        }
        items = it;
        vg_vulndb_ecosystem_source *e = &items[count++];
        e->source = col(arena, s, 0, &oom);
        e->entries = sqlite3_column_int64(s, 1);
        e->newest = col(arena, s, 2, &oom);
        e->data_time = sqlite3_column_int64(s, 3);
        for (size_t i = 0; i < nsources && e->source; i++)
            if (sources[i].name && strcmp(sources[i].name, e->source) == 0)
                e->ended = sources[i].ended;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (oom)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return query_fail(ctx, db);
    *out = items;
    *n = count;
    return VG_OK;
}

int vg_vulndb_age(vg_ctx *ctx, vg_vulndb *db, time_t now, int64_t *age_seconds)
{
    *age_seconds = 0;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_vulndb_source_info *src;
    size_t n;
    int st = vg_vulndb_sources(ctx, db, &arena, &src, &n);
    int64_t oldest = 0;
    int have = 0;
    for (size_t i = 0; st == VG_OK && i < n; i++) {
        if (!src[i].ended && (!have || src[i].data_time < oldest)) {
            oldest = src[i].data_time;
            have = 1;
        }
    }
    vg_arena_free(&arena);
    if (st != VG_OK)
        return st;
    if (!have) {
        char cmd[4300];
        vg_vulndb_update_command(db->path, 0, cmd, sizeof cmd);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the vulnerability database has no sources: run %s",
                        db->path, cmd);
    }
    *age_seconds = (int64_t)now > oldest ? (int64_t)now - oldest : 0;
    return VG_OK;
}
