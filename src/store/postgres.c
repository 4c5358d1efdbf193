/*
 * postgres.c — the PostgreSQL back end of db.h, through libpq
 * (https://www.postgresql.org/docs/15/libpq.html), for PostgreSQL 15 and
 * later.
 *
 * Statements are prepared on the server on their first run (named
 * statements, one per vg_db_stmt), with the types of the first bindings:
 * integers as int8, blobs as bytea sent in binary, text and NULL left for
 * the server to infer.  '?' placeholders are rewritten to $1, $2 ... outside
 * quoted literals and identifiers.  Results come back in text format;
 * bytea columns are decoded from their hex form.
 *
 * A lost connection is reported as VG_ERR_IO naming the server; whatever
 * transaction was open is rolled back by the server, never half applied.
 *
 * Leaves out: pipelining, COPY, single-row mode (the store's queries return
 * bounded result sets), SSL settings beyond what the URL says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/db.h"

#define PG_MAX_PARAMS 65535   /* the protocol's limit */
#define PG_CONNECT_TIMEOUT "10" /* seconds, unless the URL says otherwise */

#define OID_BYTEA 17
#define OID_INT8 20

typedef struct pg_db {
    vg_db base;
    PGconn *conn;
    unsigned next_stmt; /* names of prepared statements */
} pg_db;

typedef struct pg_param {
    char *value;  /* NULL: SQL NULL */
    int length;   /* bytes, for binary values */
    int binary;
    unsigned type; /* OID, 0 = inferred */
} pg_param;

typedef struct pg_stmt {
    vg_db_stmt base;
    char *sql;         /* with $n placeholders */
    char name[32];
    int prepared;
    int nparams;
    pg_param *params;
    PGresult *result;
    int row;           /* current row of result, -1 before the first */
    int64_t changes;
    unsigned char *bytea; /* decoded blob of the last column_blob() */
} pg_stmt;

static PGconn *conn_of(vg_db *db) { return ((pg_db *)db)->conn; }

/* The status for a failed result or connection, from its SQLSTATE. */
static int status_of(PGconn *conn, const PGresult *res)
{
    if (PQstatus(conn) != CONNECTION_OK)
        return VG_ERR_IO;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state)
        return VG_ERR_IO;
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return VG_ERR_USAGE; /* constraint violation, bad data */
    if (strcmp(state, "42501") == 0 || strncmp(state, "28", 2) == 0)
        return VG_ERR_PERMISSION;
    if (strcmp(state, "53200") == 0)
        return VG_ERR_NOMEM;
    return VG_ERR_IO;
}

static int fail(vg_ctx *ctx, vg_db *db, const PGresult *res, const char *what)
{
    PGconn *conn = conn_of(db);
    if (PQstatus(conn) != CONNECTION_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", *PQerrorMessage(conn) ? PQerrorMessage(conn) : "closed");
        why[strcspn(why, "\n")] = '\0';
        return vg_error(ctx, VG_ERR_IO,
                        "%s: %s: lost the connection to the server (%s): the transaction was rolled back; "
                        "nothing of it was stored",
                        db->name, what, why);
    }
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (state && strcmp(state, "53100") == 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s: the server's disk is full (%s); nothing of this change was stored",
                        db->name, what, msg ? msg : "");
    return vg_error(ctx, status_of(conn, res), "%s: %s: %s%s%s", db->name, what,
                    msg ? msg : PQerrorMessage(conn), state ? " (SQLSTATE " : "", state ? state : "");
}

static void pg_close(vg_db *db)
{
    PQfinish(conn_of(db));
    free(db);
}

/* Runs sql (no parameters); VG_OK when the server accepted it. */
static int run_simple(vg_ctx *ctx, vg_db *db, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn_of(db), sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? VG_OK : fail(ctx, db, res, what);
    PQclear(res);
    return rc;
}

static int pg_exec(vg_ctx *ctx, vg_db *db, const char *sql) { return run_simple(ctx, db, sql, "SQL"); }
static int pg_begin(vg_ctx *ctx, vg_db *db) { return run_simple(ctx, db, "BEGIN", "starting a transaction"); }

static int pg_commit(vg_ctx *ctx, vg_db *db)
{
    PGresult *res = PQexec(conn_of(db), "COMMIT");
    int rc = VG_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail(ctx, db, res, "committing");
    /* A failed transaction answers COMMIT with ROLLBACK: nothing stored. */
    else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = vg_error(ctx, VG_ERR_IO, "%s: the transaction failed and was rolled back", db->name);
    PQclear(res);
    return rc;
}

static void pg_rollback(vg_db *db)
{
    if (PQstatus(conn_of(db)) == CONNECTION_OK && PQtransactionStatus(conn_of(db)) != PQTRANS_IDLE)
        PQclear(PQexec(conn_of(db), "ROLLBACK"));
}

/* sql with each '?' outside '...', "..." and -- comments replaced by $n;
 * NULL on OOM or past PG_MAX_PARAMS. */
static char *rewrite_placeholders(const char *sql, int *nparams)
{
    size_t n = strlen(sql), cap = n + 1, len = 0;
    for (const char *p = sql; *p; p++)
        if (*p == '?')
            cap += 6;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int count = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            if (++count > PG_MAX_PARAMS) {
                free(out);
                return NULL;
            }
            len += (size_t)snprintf(out + len, cap - len, "$%d", count);
            continue;
        }
        out[len++] = *p;
    }
    out[len] = '\0';
    *nparams = count;
    return out;
}

static int pg_prepare(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    s->base.db = db;
    s->row = -1;
    s->sql = rewrite_placeholders(sql, &s->nparams);
    if (!s->sql || (s->nparams && !(s->params = calloc((size_t)s->nparams, sizeof *s->params)))) {
        free(s->sql);
        free(s);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory preparing a query of %s", db->name);
    }
    snprintf(s->name, sizeof s->name, "vg%u", ++((pg_db *)db)->next_stmt);
    *out = &s->base;
    return VG_OK;
}

static void clear_result(pg_stmt *s)
{
    PQclear(s->result);
    s->result = NULL;
    s->row = -1;
    PQfreemem(s->bytea);
    s->bytea = NULL;
}

static void pg_finalize(vg_db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    clear_result(s);
    if (s->prepared && PQstatus(conn_of(base->db)) == CONNECTION_OK) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(conn_of(base->db), sql));
    }
    for (int i = 0; i < s->nparams; i++)
        free(s->params[i].value);
    free(s->params);
    free(s->sql);
    free(s);
}

static void pg_reset(vg_db_stmt *base) { clear_result((pg_stmt *)base); }

static int set_param(vg_db_stmt *base, int i, const void *data, size_t len, int binary, unsigned type)
{
    pg_stmt *s = (pg_stmt *)base;
    if (i < 1 || i > s->nparams)
        return VG_ERR_USAGE;
    pg_param *p = &s->params[i - 1];
    free(p->value);
    *p = (pg_param){.binary = binary, .type = type};
    if (!data)
        return VG_OK;
    if (len > (size_t)0x7fffffff)
        return VG_ERR_LIMIT;
    if (!(p->value = malloc(len + 1)))
        return VG_ERR_NOMEM;
    memcpy(p->value, data, len);
    p->value[len] = '\0';
    p->length = (int)len;
    return VG_OK;
}

static int pg_bind_int(vg_db_stmt *s, int i, int64_t v)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", (long long)v);
    return set_param(s, i, text, (size_t)n, 0, OID_INT8);
}

static int pg_bind_text(vg_db_stmt *s, int i, const char *t) { return set_param(s, i, t, strlen(t), 0, 0); }

static int pg_bind_blob(vg_db_stmt *s, int i, const void *d, size_t len)
{
    return set_param(s, i, len ? d : "", len, 1, OID_BYTEA);
}

static int pg_bind_null(vg_db_stmt *s, int i) { return set_param(s, i, NULL, 0, 0, 0); }

static int pg_step(vg_ctx *ctx, vg_db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    vg_db *db = base->db;
    if (!s->result) {
        int n = s->nparams;
        Oid *types = n ? calloc((size_t)n, sizeof *types) : NULL;
        const char **values = n ? calloc((size_t)n, sizeof *values) : NULL;
        int *lengths = n ? calloc((size_t)n, sizeof *lengths) : NULL;
        int *formats = n ? calloc((size_t)n, sizeof *formats) : NULL;
        if (n && (!types || !values || !lengths || !formats)) {
            free(types), free(values), free(lengths), free(formats);
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
        for (int i = 0; i < n; i++) {
            types[i] = s->params[i].type;
            values[i] = s->params[i].value;
            lengths[i] = s->params[i].length;
            formats[i] = s->params[i].binary;
        }
        int rc = VG_OK;
        if (!s->prepared) {
            PGresult *res = PQprepare(conn_of(db), s->name, s->sql, n, types);
            if (PQresultStatus(res) != PGRES_COMMAND_OK)
                rc = fail(ctx, db, res, "preparing a query");
            else
                s->prepared = 1;
            PQclear(res);
        }
        if (rc == VG_OK) {
            s->result = PQexecPrepared(conn_of(db), s->name, n, values, lengths, formats, 0);
            ExecStatusType st = PQresultStatus(s->result);
            if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
                rc = fail(ctx, db, s->result, "query");
                clear_result(s);
            } else {
                const char *t = PQcmdTuples(s->result);
                s->changes = *t ? strtoll(t, NULL, 10) : 0;
            }
        }
        free(types), free(values), free(lengths), free(formats);
        if (rc)
            return rc;
    }
    if (s->row + 1 < PQntuples(s->result)) {
        s->row++;
        PQfreemem(s->bytea);
        s->bytea = NULL;
        return VG_DB_ROW;
    }
    s->row = PQntuples(s->result);
    return VG_DB_DONE;
}

static int in_row(pg_stmt *s, int i)
{
    return s->result && s->row >= 0 && s->row < PQntuples(s->result) && i >= 0 && i < PQnfields(s->result);
}

static int pg_column_null(vg_db_stmt *base, int i)
{
    pg_stmt *s = (pg_stmt *)base;
    return !in_row(s, i) || PQgetisnull(s->result, s->row, i);
}

static int64_t pg_column_int(vg_db_stmt *base, int i)
{
    pg_stmt *s = (pg_stmt *)base;
    if (pg_column_null(base, i))
        return 0;
    return strtoll(PQgetvalue(s->result, s->row, i), NULL, 10);
}

static const char *pg_column_text(vg_db_stmt *base, int i)
{
    pg_stmt *s = (pg_stmt *)base;
    return pg_column_null(base, i) ? NULL : PQgetvalue(s->result, s->row, i);
}

static const void *pg_column_blob(vg_db_stmt *base, int i, size_t *len)
{
    pg_stmt *s = (pg_stmt *)base;
    *len = 0;
    if (pg_column_null(base, i))
        return NULL;
    PQfreemem(s->bytea);
    s->bytea = PQunescapeBytea((const unsigned char *)PQgetvalue(s->result, s->row, i), len);
    return s->bytea;
}

static int64_t pg_changes(vg_db_stmt *base) { return ((pg_stmt *)base)->changes; }

static const vg_db_ops postgres_ops = {
    pg_close, pg_exec, pg_begin, pg_commit, pg_rollback, pg_prepare, pg_finalize, pg_reset,
    pg_bind_int, pg_bind_text, pg_bind_blob, pg_bind_null, pg_step, pg_column_null, pg_column_int,
    pg_column_text, pg_column_blob, pg_changes,
};

/* url with the password of its user info and any password= parameter
 * replaced by "***", into out. */
static void redact(const char *url, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", url);
    char *auth = strstr(out, "://");
    if (auth) {
        auth += 3;
        char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
        char *colon = strchr(auth, ':');
        if (at && (!slash || at < slash) && colon && colon < at)
            memmove(colon + 1, "***", 3), memmove(colon + 4, at, strlen(at) + 1);
    }
    char *pw = strstr(out, "password=");
    if (pw) {
        pw += 9;
        char *end = pw + strcspn(pw, "&");
        if (end - pw >= 3) {
            memcpy(pw, "***", 3);
            memmove(pw + 3, end, strlen(end) + 1);
        }
    }
}

int vg_db_postgres_open(vg_ctx *ctx, const char *url, int flags, vg_db **out)
{
    pg_db *db = calloc(1, sizeof *db);
    if (!db)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    db->base.ops = &postgres_ops;
    db->base.kind = VG_DB_POSTGRES;
    redact(url, db->base.name, sizeof db->base.name);
    /* A URL without connect_timeout gets ours: an unreachable server must
     * fail in seconds, not hang. */
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *values[] = {url, PG_CONNECT_TIMEOUT, "vigil", NULL};
    db->conn = PQconnectdbParams(keys, values, 1);
    if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", db->conn ? PQerrorMessage(db->conn) : "out of memory");
        msg[strcspn(msg, "\n")] = '\0';
        int status = db->conn ? VG_ERR_IO : VG_ERR_NOMEM;
        if (strstr(msg, "password authentication failed") || strstr(msg, "permission denied"))
            status = VG_ERR_PERMISSION;
        vg_error(ctx, status, "%s: cannot connect: %s: check that the server runs and the URL is right",
                 db->base.name, msg);
        pg_close(&db->base);
        return status;
    }
    /* Quiet notices ("relation already exists, skipping") and UTC times. */
    PGresult *res = PQexec(db->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (ok && (flags & VG_DB_READONLY)) {
        res = PQexec(db->conn, "SET default_transaction_read_only = on");
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    }
    if (!ok) {
        int status = fail(ctx, &db->base, NULL, "setting up the session");
        pg_close(&db->base);
        return status;
    }
    *out = &db->base;
    return VG_OK;
}
