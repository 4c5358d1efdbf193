/*
 * db.c — the connection interface of db.h: picks the back end from the URL
 * and forwards each call to it.
 */
#include <string.h>

#include "store/db.h"

int vg_db_open(vg_ctx *ctx, const char *url, int flags, vg_db **out)
{
    *out = NULL;
    if (!url || !*url)
        return vg_error(ctx, VG_ERR_USAGE, "no store given: use sqlite:PATH or postgresql://...");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return vg_db_postgres_open(ctx, url, flags, out);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    else if (strstr(url, "://"))
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: unknown kind of store: use sqlite:PATH or postgresql://...",
                        url);
    if (!*url)
        return vg_error(ctx, VG_ERR_USAGE, "sqlite: no path given: use sqlite:PATH");
    return vg_db_sqlite_open(ctx, url, flags, out);
}

void vg_db_close(vg_db *db)
{
    if (db)
        db->ops->close(db);
}

vg_db_kind vg_db_kind_of(const vg_db *db) { return db->kind; }
const char *vg_db_name(const vg_db *db) { return db->name; }

int vg_db_exec(vg_ctx *ctx, vg_db *db, const char *sql) { return db->ops->exec(ctx, db, sql); }
int vg_db_begin(vg_ctx *ctx, vg_db *db) { return db->ops->begin(ctx, db); }
int vg_db_commit(vg_ctx *ctx, vg_db *db) { return db->ops->commit(ctx, db); }
void vg_db_rollback(vg_db *db) { db->ops->rollback(db); }

int vg_db_prepare(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out)
{
    *out = NULL;
    return db->ops->prepare(ctx, db, sql, out);
}

void vg_db_finalize(vg_db_stmt *stmt)
{
    if (stmt)
        stmt->db->ops->finalize(stmt);
}

void vg_db_reset(vg_db_stmt *stmt) { stmt->db->ops->reset(stmt); }
int vg_db_bind_int(vg_db_stmt *stmt, int i, int64_t value) { return stmt->db->ops->bind_int(stmt, i, value); }

int vg_db_bind_text(vg_db_stmt *stmt, int i, const char *text)
{
    return text ? stmt->db->ops->bind_text(stmt, i, text) : stmt->db->ops->bind_null(stmt, i);
}

int vg_db_bind_blob(vg_db_stmt *stmt, int i, const void *data, size_t len)
{
    return stmt->db->ops->bind_blob(stmt, i, data, len);
}

int vg_db_bind_null(vg_db_stmt *stmt, int i) { return stmt->db->ops->bind_null(stmt, i); }
int vg_db_step(vg_ctx *ctx, vg_db_stmt *stmt) { return stmt->db->ops->step(ctx, stmt); }
int vg_db_column_null(vg_db_stmt *stmt, int i) { return stmt->db->ops->column_null(stmt, i); }
int64_t vg_db_column_int(vg_db_stmt *stmt, int i) { return stmt->db->ops->column_int(stmt, i); }
const char *vg_db_column_text(vg_db_stmt *stmt, int i) { return stmt->db->ops->column_text(stmt, i); }

const void *vg_db_column_blob(vg_db_stmt *stmt, int i, size_t *len)
{
    return stmt->db->ops->column_blob(stmt, i, len);
}

int64_t vg_db_changes(vg_db_stmt *stmt) { return stmt->db->ops->changes(stmt); }
