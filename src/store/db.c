/*
 * db.c — the connection interface of db.h: picks the back end from the URL
 * and forwards each call to it; finds the passwords in a URL, so that no
 * message ever shows one.
 */
#include <stdio.h>
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
    else if (strstr(url, "://")) {
        char name[sizeof((vg_db *)0)->name];
        vg_db_redact_url(url, name, sizeof name);
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: unknown kind of store: use sqlite:PATH or postgresql://...",
                        name);
    }
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

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 32;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 1 when the n bytes at s, percent-decoded, are "password". */
static int is_password_key(const char *s, size_t n)
{
    static const char want[] = "password";
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k++) {
        int c = (unsigned char)s[i];
        if (c == '%' && n - i >= 3 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            c = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
            i += 2;
        }
        if (k >= sizeof want - 1 || c != want[k])
            return 0;
    }
    return k == sizeof want - 1;
}

void vg_db_url_secrets(const char *url, vg_db_secret_fn fn, void *arg)
{
    const char *p = strstr(url, "://");
    if (!p)
        return;
    p += 3;
    /* user info: up to an '@' met before any '/' */
    size_t n = strcspn(p, "@/");
    if (p[n] == '@') {
        const char *colon = memchr(p, ':', n);
        if (colon)
            fn(arg, colon + 1, (size_t)(p + n - colon - 1));
        p += n + 1;
    }
    const char *q = strchr(p, '?');
    while (q) {
        const char *key = q + 1, *end = key + strcspn(key, "&");
        const char *eq = memchr(key, '=', (size_t)(end - key));
        if (eq && is_password_key(key, (size_t)(eq - key)))
            fn(arg, eq + 1, (size_t)(end - eq - 1));
        q = *end ? end : NULL;
    }
}

typedef struct redact_state {
    const char *url;
    char *out;
    size_t outsz, len;
    const char *copied; /* url up to here is in out */
} redact_state;

static void redact_put(redact_state *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n && r->len + 1 < r->outsz; i++)
        r->out[r->len++] = s[i];
    r->out[r->len] = '\0';
}

static void redact_secret(void *arg, const char *start, size_t len)
{
    redact_state *r = arg;
    redact_put(r, r->copied, (size_t)(start - r->copied));
    redact_put(r, "***", 3);
    r->copied = start + len;
}

void vg_db_redact_url(const char *url, char *out, size_t outsz)
{
    if (!outsz)
        return;
    redact_state r = {url, out, outsz, 0, url};
    out[0] = '\0';
    vg_db_url_secrets(url, redact_secret, &r);
    redact_put(&r, r.copied, strlen(r.copied));
}

int vg_db_exec(vg_ctx *ctx, vg_db *db, const char *sql) { return db->ops->exec(ctx, db, sql); }

/* A nested transaction is a savepoint named by its depth: vg_sp2, vg_sp3 ... */
int vg_db_begin(vg_ctx *ctx, vg_db *db)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SAVEPOINT vg_sp%d", db->depth + 1);
    int rc = db->depth == 0 ? db->ops->begin(ctx, db) : db->ops->exec(ctx, db, sql);
    if (rc == VG_OK)
        db->depth++;
    return rc;
}

int vg_db_commit(vg_ctx *ctx, vg_db *db)
{
    if (db->depth <= 1) {
        db->depth = 0; /* committed, or rolled back by a failed commit */
        return db->ops->commit(ctx, db);
    }
    char sql[64];
    snprintf(sql, sizeof sql, "RELEASE SAVEPOINT vg_sp%d", db->depth);
    int rc = db->ops->exec(ctx, db, sql);
    if (rc == VG_OK)
        db->depth--;
    return rc;
}

void vg_db_rollback(vg_db *db)
{
    if (db->depth <= 1) {
        db->depth = 0;
        db->ops->rollback(db);
        return;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT vg_sp%d; RELEASE SAVEPOINT vg_sp%d", db->depth, db->depth);
    /* Should even this fail (a lost connection), the outer transaction
     * fails at its next statement or at its commit. */
    vg_ctx ignored;
    vg_ctx_init(&ignored);
    db->ops->exec(&ignored, db, sql);
    vg_ctx_free(&ignored);
    db->depth--;
}

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

void vg_db_reset(vg_db_stmt *stmt)
{
    if (stmt)
        stmt->db->ops->reset(stmt);
}
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
