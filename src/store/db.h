/*
 * db.h — the SQL connection under the store: one small interface, two back
 * ends (sqlite.c: SQLite 3 through its C API; postgres.c: PostgreSQL 15+
 * through libpq), so that every query of the store is written once, in the
 * SQL both understand, and gives the same answer on both.
 *
 * SQL text given to vg_db_prepare() uses '?' for parameters, numbered in
 * order of appearance; a '?' in a string literal, quoted identifier or
 * comment is none (the PostgreSQL back end rewrites the others to $1, $2
 * ...).  Portable SQL only: INSERT ... ON CONFLICT,
 * RETURNING, CTEs, window functions.  Where the dialects differ (identity
 * columns, blob types, row locking) the caller asks vg_db_kind().
 *
 * Values: integers are int64_t, text is UTF-8 (NUL-free), blobs are bytes.
 * Times are stored as int64 Unix seconds (UTC) in both back ends.
 *
 * Errors: every call returns a vg_status; the message in ctx names the store
 * (its URL without password) and what the server or library said.  A lost
 * PostgreSQL connection is VG_ERR_IO; the open transaction is then gone
 * (rolled back by the server) and the connection unusable; lost during
 * vg_db_commit(), whether the server committed is unknown, and the message
 * says so.  A full disk (SQLITE_FULL, SQLSTATE 53100) is VG_ERR_IO with a
 * message that says so.
 *
 * Leaves out: connection pools, asynchronous queries, COPY.
 */
#ifndef VIGIL_STORE_DB_H
#define VIGIL_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/error.h"

typedef enum vg_db_kind {
    VG_DB_SQLITE = 1,
    VG_DB_POSTGRES = 2,
} vg_db_kind;

typedef struct vg_db vg_db;
typedef struct vg_db_stmt vg_db_stmt;

/* vg_db_step() results besides errors (which are vg_status values < 100). */
#define VG_DB_ROW 100  /* a row is ready: read it with vg_db_column_*() */
#define VG_DB_DONE 101 /* the statement has finished */

/* Opens a connection.  url is "sqlite:PATH" (or a plain path) or
 * "postgresql://..." / "postgres://..." (libpq connection URI).
 * flags: VG_DB_CREATE lets SQLite create a missing file (PostgreSQL
 * databases are never created); VG_DB_READONLY opens for reading only.
 * Errors: VG_ERR_NOT_FOUND (no such SQLite file without VG_DB_CREATE),
 * VG_ERR_FORMAT (a file that is not a SQLite database), VG_ERR_IO (cannot
 * connect: the message names host and port), VG_ERR_PERMISSION,
 * VG_ERR_UNSUPPORTED (a URL of another scheme), VG_ERR_NOMEM.
 * *out belongs to the caller: vg_db_close() it. */
#define VG_DB_CREATE 1
#define VG_DB_READONLY 2
int vg_db_open(vg_ctx *ctx, const char *url, int flags, vg_db **out);
void vg_db_close(vg_db *db);

vg_db_kind vg_db_kind_of(const vg_db *db);
/* The URL as given, with any password replaced by "***"; for messages. */
const char *vg_db_name(const vg_db *db);

/* Calls fn for each password in url, as libpq reads a connection URI
 * (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING):
 * the one of the user info ("postgresql://USER:PASSWORD@HOST/...") and the
 * value of every query parameter whose name, percent-decoded, is
 * "password".  start and len span the password as written in url. */
typedef void (*vg_db_secret_fn)(void *arg, const char *start, size_t len);
void vg_db_url_secrets(const char *url, vg_db_secret_fn fn, void *arg);
/* url with each of its passwords replaced by "***", into out (cut to
 * outsz - 1 bytes after the passwords are replaced). */
void vg_db_redact_url(const char *url, char *out, size_t outsz);

/* Runs one or more statements without parameters or results (DDL, PRAGMA,
 * BEGIN ...). */
int vg_db_exec(vg_ctx *ctx, vg_db *db, const char *sql);

/* Transactions.  vg_db_begin() starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, waiting up to the busy timeout for another writer).
 * Transactions nest: a begin inside an open transaction is a SAVEPOINT
 * (the same statement on both back ends), its commit releases it and its
 * rollback undoes only what was done since, so that a function that is one
 * transaction on its own (vg_store_add_snapshot()) becomes part of its
 * caller's when called inside one (a job's effect and its completion,
 * jobs.c).  Only the outermost commit makes anything durable. */
int vg_db_begin(vg_ctx *ctx, vg_db *db);
int vg_db_commit(vg_ctx *ctx, vg_db *db);
/* Never fails; safe to call when no transaction is open.  Inside a nested
 * transaction it rolls back to that savepoint only. */
void vg_db_rollback(vg_db *db);

/* Prepares sql (one statement).  *out belongs to the caller:
 * vg_db_finalize() it. */
int vg_db_prepare(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out);
void vg_db_finalize(vg_db_stmt *stmt);
/* Clears the bindings' results so that the statement can be bound and run
 * again; bindings are kept until bound anew.  NULL is ignored. */
void vg_db_reset(vg_db_stmt *stmt);

/* Parameters are numbered from 1.  Text and blobs are copied.  A NULL text
 * binds SQL NULL. */
int vg_db_bind_int(vg_db_stmt *stmt, int i, int64_t value);
int vg_db_bind_text(vg_db_stmt *stmt, int i, const char *text);
int vg_db_bind_blob(vg_db_stmt *stmt, int i, const void *data, size_t len);
int vg_db_bind_null(vg_db_stmt *stmt, int i);

/* Runs the statement (on the first call) and moves to its next row:
 * VG_DB_ROW, VG_DB_DONE, or an error status with the message in ctx. */
int vg_db_step(vg_ctx *ctx, vg_db_stmt *stmt);

/* Columns of the current row, numbered from 0.  Text and blobs are borrowed
 * until the next step, reset or finalize.  column_text returns NULL for SQL
 * NULL; column_int returns 0 for it. */
int vg_db_column_null(vg_db_stmt *stmt, int i);
int64_t vg_db_column_int(vg_db_stmt *stmt, int i);
const char *vg_db_column_text(vg_db_stmt *stmt, int i);
const void *vg_db_column_blob(vg_db_stmt *stmt, int i, size_t *len);

/* Rows changed by the last INSERT/UPDATE/DELETE run with vg_db_step(). */
int64_t vg_db_changes(vg_db_stmt *stmt);

/* ---- for the back ends only (db.c dispatches through these) ------------- */

typedef struct vg_db_ops {
    void (*close)(vg_db *db);
    int (*exec)(vg_ctx *ctx, vg_db *db, const char *sql);
    int (*begin)(vg_ctx *ctx, vg_db *db);
    int (*commit)(vg_ctx *ctx, vg_db *db);
    void (*rollback)(vg_db *db);
    int (*prepare)(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out);
    void (*finalize)(vg_db_stmt *stmt);
    void (*reset)(vg_db_stmt *stmt);
    int (*bind_int)(vg_db_stmt *stmt, int i, int64_t value);
    int (*bind_text)(vg_db_stmt *stmt, int i, const char *text);
    int (*bind_blob)(vg_db_stmt *stmt, int i, const void *data, size_t len);
    int (*bind_null)(vg_db_stmt *stmt, int i);
    int (*step)(vg_ctx *ctx, vg_db_stmt *stmt);
    int (*column_null)(vg_db_stmt *stmt, int i);
    int64_t (*column_int)(vg_db_stmt *stmt, int i);
    const char *(*column_text)(vg_db_stmt *stmt, int i);
    const void *(*column_blob)(vg_db_stmt *stmt, int i, size_t *len);
    int64_t (*changes)(vg_db_stmt *stmt);
} vg_db_ops;

/* A back end's connection and statement structs start with these. */
struct vg_db {
    const vg_db_ops *ops;
    vg_db_kind kind;
    char name[512]; /* the URL without its password */
    int depth;      /* open transactions: 1 the outermost, more are savepoints (db.c) */
};
struct vg_db_stmt {
    vg_db *db;
};

/* sqlite.c: path is a file path (no "sqlite:" prefix). */
int vg_db_sqlite_open(vg_ctx *ctx, const char *path, int flags, vg_db **out);
/* postgres.c: url is a libpq connection URI. */
int vg_db_postgres_open(vg_ctx *ctx, const char *url, int flags, vg_db **out);

#endif
