/*
 * sqlite.c — the SQLite 3 back end of db.h (https://sqlite.org/c3ref/).
 *
 * The store file is put in WAL mode with a busy timeout, so that readers
 * never wait and two writers (two `vigil inventory add` at once) take turns
 * instead of failing; write transactions start with BEGIN IMMEDIATE so that
 * a writer waits for the lock at the start, never half-way.  WAL mode is set
 * by the first write transaction, not on opening: opening a file to find
 * it is not a store (or a store of a newer schema) must leave it as it was.
 * SQLite answers SQLITE_BUSY at once, without its busy handler, where
 * waiting could deadlock (a connection upgrading its lock while another
 * holds a pending one: several first writers switching a new file to WAL
 * at once); those statements are retried here within the same bound.
 * Foreign keys are enforced.  synchronous=NORMAL in WAL mode keeps every
 * committed transaction across a crash of the process (kill -9); a power
 * cut may lose the last transactions but never corrupts the file.
 *
 * Leaves out: shared-cache mode, encryption.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/db.h"

#define SQLITE_BUSY_MS 30000 /* how long a writer waits for another */

typedef struct sqlite_db {
    vg_db base;
    sqlite3 *handle;
    int wal; /* journal_mode=WAL was set */
} sqlite_db;

typedef struct sqlite_stmt {
    vg_db_stmt base;
    sqlite3_stmt *stmt;
} sqlite_stmt;

static sqlite3 *handle_of(vg_db *db) { return ((sqlite_db *)db)->handle; }
static sqlite3_stmt *stmt_of(vg_db_stmt *s) { return ((sqlite_stmt *)s)->stmt; }

/* The status for a SQLite result code. */
static int status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM: return VG_ERR_NOMEM;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return VG_ERR_FORMAT;
    case SQLITE_CANTOPEN: return VG_ERR_NOT_FOUND;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return VG_ERR_PERMISSION;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: return VG_ERR_USAGE;
    default: return VG_ERR_IO;
    }
}

static int fail(vg_ctx *ctx, vg_db *db, int rc, const char *what)
{
    sqlite3 *h = handle_of(db);
    const char *detail = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_FULL)
        return vg_error(ctx, VG_ERR_IO, "%s: %s: the disk is full; nothing of this change was stored", db->name,
                        what);
    if ((rc & 0xff) == SQLITE_NOTADB)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a SQLite database (is this the right file?)", db->name);
    if ((rc & 0xff) == SQLITE_BUSY)
        return vg_error(ctx, VG_ERR_IO, "%s: %s: another process kept the store locked for %d s: try again",
                        db->name, what, SQLITE_BUSY_MS / 1000);
    return vg_error(ctx, status_of(rc), "%s: %s: %s", db->name, what, detail);
}

static void sq_close(vg_db *db)
{
    sqlite3_close_v2(handle_of(db));
    free(db);
}

static int sq_exec(vg_ctx *ctx, vg_db *db, const char *sql)
{
    int rc = sqlite3_exec(handle_of(db), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? VG_OK : fail(ctx, db, rc, "SQL");
}

/* Milliseconds of the monotonic clock. */
static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* sql, run again while SQLite answers SQLITE_BUSY, until SQLITE_BUSY_MS
 * have passed since the first try (the busy handler waits within each try
 * where waiting is safe). */
static int exec_retrying(sqlite3 *h, const char *sql)
{
    int64_t until = now_ms() + SQLITE_BUSY_MS;
    int rc;
    while ((rc = sqlite3_exec(h, sql, NULL, NULL, NULL)) != SQLITE_OK && (rc & 0xff) == SQLITE_BUSY &&
           now_ms() < until) {
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return rc;
}

static int sq_begin(vg_ctx *ctx, vg_db *db)
{
    sqlite_db *s = (sqlite_db *)db;
    int rc = SQLITE_OK;
    if (!s->wal && (rc = exec_retrying(s->handle, "PRAGMA journal_mode=WAL")) == SQLITE_OK)
        s->wal = 1;
    if (rc == SQLITE_OK)
        rc = exec_retrying(s->handle, "BEGIN IMMEDIATE");
    return rc == SQLITE_OK ? VG_OK : fail(ctx, db, rc, "starting a transaction");
}

static int sq_commit(vg_ctx *ctx, vg_db *db)
{
    int rc = sqlite3_exec(handle_of(db), "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return VG_OK;
    int status = fail(ctx, db, rc, "committing");
    sqlite3_exec(handle_of(db), "ROLLBACK", NULL, NULL, NULL);
    return status;
}

static void sq_rollback(vg_db *db)
{
    if (!sqlite3_get_autocommit(handle_of(db)))
        sqlite3_exec(handle_of(db), "ROLLBACK", NULL, NULL, NULL);
}

static int sq_prepare(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out)
{
    sqlite_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    s->base.db = db;
    int rc = sqlite3_prepare_v2(handle_of(db), sql, -1, &s->stmt, NULL);
    if (rc != SQLITE_OK) {
        free(s);
        return fail(ctx, db, rc, "preparing a query");
    }
    *out = &s->base;
    return VG_OK;
}

static void sq_finalize(vg_db_stmt *s)
{
    sqlite3_finalize(stmt_of(s));
    free(s);
}

static void sq_reset(vg_db_stmt *s) { sqlite3_reset(stmt_of(s)); }

static int bind_status(int rc) { return rc == SQLITE_OK ? VG_OK : status_of(rc); }

static int sq_bind_int(vg_db_stmt *s, int i, int64_t v) { return bind_status(sqlite3_bind_int64(stmt_of(s), i, v)); }

static int sq_bind_text(vg_db_stmt *s, int i, const char *t)
{
    return bind_status(sqlite3_bind_text(stmt_of(s), i, t, -1, SQLITE_TRANSIENT));
}

static int sq_bind_blob(vg_db_stmt *s, int i, const void *d, size_t len)
{
    return bind_status(sqlite3_bind_blob64(stmt_of(s), i, len ? d : "", len, SQLITE_TRANSIENT));
}

static int sq_bind_null(vg_db_stmt *s, int i) { return bind_status(sqlite3_bind_null(stmt_of(s), i)); }

static int sq_step(vg_ctx *ctx, vg_db_stmt *s)
{
    int rc = sqlite3_step(stmt_of(s));
    if (rc == SQLITE_ROW)
        return VG_DB_ROW;
    if (rc == SQLITE_DONE)
        return VG_DB_DONE;
    return fail(ctx, s->db, rc, "query");
}

static int sq_column_null(vg_db_stmt *s, int i) { return sqlite3_column_type(stmt_of(s), i) == SQLITE_NULL; }
static int64_t sq_column_int(vg_db_stmt *s, int i) { return sqlite3_column_int64(stmt_of(s), i); }

static const char *sq_column_text(vg_db_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(stmt_of(s), i);
}

static const void *sq_column_blob(vg_db_stmt *s, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(stmt_of(s), i);
    *len = (size_t)sqlite3_column_bytes(stmt_of(s), i);
    return p;
}

static int64_t sq_changes(vg_db_stmt *s) { return sqlite3_changes64(handle_of(s->db)); }

static const vg_db_ops sqlite_ops = {
    sq_close, sq_exec, sq_begin, sq_commit, sq_rollback, sq_prepare, sq_finalize, sq_reset,
    sq_bind_int, sq_bind_text, sq_bind_blob, sq_bind_null, sq_step, sq_column_null, sq_column_int,
    sq_column_text, sq_column_blob, sq_changes,
};

int vg_db_sqlite_open(vg_ctx *ctx, const char *path, int flags, vg_db **out)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
        if (!(flags & VG_DB_CREATE))
            return vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no such store: run vigil store init --store sqlite:%s",
                            path, path);
    } else if (!S_ISREG(st.st_mode)) {
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a SQLite database file", path);
    }
    sqlite_db *db = calloc(1, sizeof *db);
    if (!db)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    db->base.ops = &sqlite_ops;
    db->base.kind = VG_DB_SQLITE;
    snprintf(db->base.name, sizeof db->base.name, "%s", path);
    int oflags = (flags & VG_DB_READONLY) ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | ((flags & VG_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db->handle, oflags | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        int status = fail(ctx, &db->base, rc, "opening");
        sq_close(&db->base);
        return status;
    }
    sqlite3_extended_result_codes(db->handle, 1);
    sqlite3_busy_timeout(db->handle, SQLITE_BUSY_MS);
    /* Reading the schema checks that the file is a database at all. */
    rc = sqlite3_exec(db->handle, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db->handle, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int status = fail(ctx, &db->base, rc, "opening");
        sq_close(&db->base);
        return status;
    }
    *out = &db->base;
    return VG_OK;
}
