/*
 * postgres.c — the PostgreSQL back end of db.h, through libpq
 * (https://www.postgresql.org/docs/15/libpq.html), for PostgreSQL 15 and
 * later.
 *
 * A statement's first run is one round trip (PQexecParams: parse, bind and
 * execute in one go); a statement run again is prepared on the server then
 * (a named statement, deallocated with it), so that loops pay no parsing.
 * Parameter types are those of the bindings: integers as int8, blobs as bytea sent in binary, text and NULL left for
 * the server to infer.  '?' placeholders are rewritten to $1, $2 ... outside
 * string literals ('...', E'...', $tag$...$tag$), quoted identifiers and
 * comments (to the end of the line, and block comments, which nest), as
 * PostgreSQL's lexer sees them ("Lexical Structure",
 * https://www.postgresql.org/docs/15/sql-syntax-lexical.html).
 * Results come back in text format; bytea columns are decoded from their
 * hex form, booleans read as integers are 1 and 0 (as SQLite has them).
 *
 * Write transactions are READ COMMITTED whatever the server's default:
 * the store's writers serialise on the row of their asset (snapshot.c) and
 * then read what was committed before them, which a REPEATABLE READ or
 * SERIALIZABLE default would refuse with a serialization failure.
 *
 * A lost connection is reported as VG_ERR_IO naming the server; whatever
 * transaction was open is rolled back by the server, never half applied,
 * except when the connection is lost during COMMIT itself: then nobody
 * can tell whether the server committed, and the message says so.
 *
 * The connection URI's password (db.c, vg_db_url_secrets()) never appears
 * in a message: the name of the store is redacted, and libpq's own
 * messages (which may quote a malformed password) are scrubbed.  Notices
 * and warnings of the server are not printed (a library never prints).
 *
 * Leaves out: pipelining, COPY, single-row mode (the store's queries return
 * bounded result sets), SSL settings beyond what the URL says, TCP
 * keepalive settings beyond what the URL says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/db.h"

#define PG_MAX_PARAMS 65535   /* the protocol's limit */
#define PG_CONNECT_TIMEOUT "10" /* seconds, unless the URL says otherwise */

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20

typedef struct pg_db {
    vg_db base;
    PGconn *conn;
    unsigned next_stmt; /* names of prepared statements */
    int in_transaction; /* between begin and commit or rollback */
    char *url;          /* as given, to scrub its passwords out of libpq's messages */
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
    int runs;          /* executions so far */
    int nparams;
    pg_param *params;
    PGresult *result;
    int row;           /* current row of result, -1 before the first */
    int64_t changes;
    unsigned char *bytea; /* decoded blob of the last column_blob() */
} pg_stmt;

static PGconn *conn_of(vg_db *db) { return ((pg_db *)db)->conn; }

/* The status for a failed result, from its SQLSTATE. */
static int status_of(const char *state)
{
    if (!state)
        return VG_ERR_IO;
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return VG_ERR_USAGE; /* constraint violation, bad data */
    if (strcmp(state, "42501") == 0 || strncmp(state, "28", 2) == 0 || strcmp(state, "25006") == 0)
        return VG_ERR_PERMISSION; /* no privilege, no login, a read-only transaction */
    if (strcmp(state, "53200") == 0)
        return VG_ERR_NOMEM;
    return VG_ERR_IO;
}

/* 1 when the connection is gone: closed, or the server said it is ending
 * it (class 08 connection exception, 57P01-57P03 shutdown or crash). */
static int connection_lost(PGconn *conn, const char *state)
{
    return PQstatus(conn) != CONNECTION_OK ||
           (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
                      strcmp(state, "57P03") == 0));
}

/* Replaces each occurrence of the secret (start, len) in the message arg
 * (a char[1024]) by "***". */
static void scrub_secret(void *arg, const char *start, size_t len)
{
    char *msg = arg, out[1024];
    size_t o = 0;
    if (!len)
        return;
    for (const char *p = msg; *p && o + 1 < sizeof out;) {
        if (strncmp(p, start, len) == 0) {
            for (int k = 0; k < 3 && o + 1 < sizeof out; k++)
                out[o++] = '*';
            p += len;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    memcpy(msg, out, o + 1);
}

/* libpq's message, first line only, without its severity ("FATAL:  ")
 * and without any password of the URL. */
static void libpq_message(pg_db *db, const char *text, char msg[1024])
{
    static const char *const severities[] = {"FATAL:  ", "ERROR:  ", "PANIC:  "};
    for (size_t i = 0; text && i < sizeof severities / sizeof severities[0]; i++)
        if (strncmp(text, severities[i], strlen(severities[i])) == 0)
            text += strlen(severities[i]);
    snprintf(msg, 1024, "%s", text && *text ? text : "closed");
    msg[strcspn(msg, "\n")] = '\0';
    vg_db_url_secrets(db->url, scrub_secret, msg);
}

static int fail(vg_ctx *ctx, vg_db *base, const PGresult *res, const char *what)
{
    pg_db *db = (pg_db *)base;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[1024];
    if (connection_lost(db->conn, state)) {
        libpq_message(db, primary ? primary : PQerrorMessage(db->conn), msg);
        int was_in = db->in_transaction;
        db->in_transaction = 0;
        return vg_error(ctx, VG_ERR_IO, "%s: %s: lost the connection to the server (%s)%s", base->name, what, msg,
                        was_in ? ": the transaction was rolled back; nothing of it was stored" : "");
    }
    libpq_message(db, primary ? primary : PQerrorMessage(db->conn), msg);
    if (state && strcmp(state, "53100") == 0)
        return vg_error(ctx, VG_ERR_IO,
                        "%s: %s: the server's disk is full (%s); nothing of this change was stored", base->name,
                        what, msg);
    if (state && strcmp(state, "25006") == 0)
        return vg_error(ctx, VG_ERR_PERMISSION,
                        "%s: %s: the server takes no writes (%s): write to the primary; a read-only server "
                        "(a hot standby) serves --store-read",
                        base->name, what, msg);
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        return vg_error(ctx, VG_ERR_IO, "%s: %s: %s (SQLSTATE %s): nothing of this change was stored; try again",
                        base->name, what, msg, state);
    return vg_error(ctx, status_of(state), "%s: %s: %s%s%s%s", base->name, what, msg, state ? " (SQLSTATE " : "",
                    state ? state : "", state ? ")" : "");
}

static void pg_close(vg_db *db)
{
    PQfinish(conn_of(db));
    free(((pg_db *)db)->url);
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

static int pg_begin(vg_ctx *ctx, vg_db *db)
{
    int rc = run_simple(ctx, db, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a transaction");
    ((pg_db *)db)->in_transaction = rc == VG_OK;
    return rc;
}

static int pg_commit(vg_ctx *ctx, vg_db *base)
{
    pg_db *db = (pg_db *)base;
    PGresult *res = PQexec(db->conn, "COMMIT");
    int rc = VG_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (connection_lost(db->conn, state)) {
            /* COMMIT was sent: the server may have committed before the
             * connection went (a wait for a synchronous standby cut short
             * does exactly that); only reading the store again can tell. */
            const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            char msg[1024];
            libpq_message(db, primary ? primary : PQerrorMessage(db->conn), msg);
            rc = vg_error(ctx, VG_ERR_IO,
                          "%s: lost the connection to the server while committing (%s): the change may or may not "
                          "have been stored, whole or not at all; look with vigil inventory list",
                          base->name, msg);
        } else {
            rc = fail(ctx, base, res, "committing");
        }
    }
    /* A failed transaction answers COMMIT with ROLLBACK: nothing stored. */
    else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = vg_error(ctx, VG_ERR_IO, "%s: the transaction failed and was rolled back", base->name);
    db->in_transaction = 0;
    PQclear(res);
    return rc;
}

static void pg_rollback(vg_db *db)
{
    if (PQstatus(conn_of(db)) == CONNECTION_OK && PQtransactionStatus(conn_of(db)) != PQTRANS_IDLE)
        PQclear(PQexec(conn_of(db), "ROLLBACK"));
    ((pg_db *)db)->in_transaction = 0;
}

static int ident_char(int c)
{
    return c == '_' || c == '$' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;
}

/* The length of the string literal, quoted identifier or comment that
 * starts at p (after prev), or 0 when none does.  An unterminated one runs
 * to the end: the server then rejects the statement. */
static size_t quoted_length(const char *p, char prev)
{
    const char *q;
    if (p[0] == '-' && p[1] == '-')
        return strcspn(p, "\n");
    if (p[0] == '/' && p[1] == '*') { /* block comments nest */
        int depth = 0;
        for (q = p; *q;) {
            if (q[0] == '/' && q[1] == '*') {
                depth++;
                q += 2;
            } else if (q[0] == '*' && q[1] == '/') {
                q += 2;
                if (--depth == 0)
                    return (size_t)(q - p);
            } else {
                q++;
            }
        }
        return strlen(p);
    }
    if (ident_char((unsigned char)prev))
        return 0; /* E'...' and $tag$ start only where no identifier runs on */
    if (p[0] == '\'' || p[0] == '"' || ((p[0] == 'E' || p[0] == 'e') && p[1] == '\'')) {
        int escapes = p[0] != '\'' && p[0] != '"';
        char quote = p[escapes];
        for (q = p + escapes + 1; *q && *q != quote; q++)
            if (escapes && *q == '\\' && q[1])
                q++;
        return *q ? (size_t)(q + 1 - p) : strlen(p);
    }
    if (p[0] == '$' && !(p[1] >= '0' && p[1] <= '9')) { /* $tag$ ... $tag$ */
        size_t tag = 1;
        while (p[tag] && p[tag] != '$' && ident_char((unsigned char)p[tag]))
            tag++;
        if (p[tag] != '$')
            return 0;
        tag++;
        for (q = p + tag; (q = strchr(q, '$')) != NULL; q++)
            if (strncmp(q, p, tag) == 0)
                return (size_t)(q + tag - p);
        return strlen(p);
    }
    return 0;
}

/* sql with each '?' outside literals, quoted identifiers and comments
 * replaced by $1, $2 ... into *out (malloc'd), the count in *nparams. */
static int rewrite_placeholders(const char *sql, char **out, int *nparams)
{
    size_t cap = strlen(sql) + 1, len = 0;
    for (const char *p = sql; *p; p++)
        if (*p == '?')
            cap += 6; /* "$65535" for "?" */
    char *text = malloc(cap);
    if (!text)
        return VG_ERR_NOMEM;
    int count = 0;
    for (const char *p = sql; *p;) {
        size_t skip = quoted_length(p, p > sql ? p[-1] : ' ');
        if (skip) {
            memcpy(text + len, p, skip);
            len += skip, p += skip;
        } else if (*p == '?') {
            if (++count > PG_MAX_PARAMS) {
                free(text);
                return VG_ERR_LIMIT;
            }
            len += (size_t)snprintf(text + len, cap - len, "$%d", count);
            p++;
        } else {
            text[len++] = *p++;
        }
    }
    text[len] = '\0';
    *out = text;
    *nparams = count;
    return VG_OK;
}

static int pg_prepare(vg_ctx *ctx, vg_db *db, const char *sql, vg_db_stmt **out)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    s->base.db = db;
    s->row = -1;
    int rc = rewrite_placeholders(sql, &s->sql, &s->nparams);
    if (rc == VG_OK && s->nparams && !(s->params = calloc((size_t)s->nparams, sizeof *s->params)))
        rc = VG_ERR_NOMEM;
    if (rc) {
        free(s->sql);
        free(s);
        if (rc == VG_ERR_LIMIT)
            return vg_error(ctx, rc, "%s: a query with more than %d parameters", db->name, PG_MAX_PARAMS);
        return vg_error(ctx, rc, "out of memory preparing a query of %s", db->name);
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
        if (!s->prepared && s->runs > 0) {
            PGresult *res = PQprepare(conn_of(db), s->name, s->sql, n, types);
            if (PQresultStatus(res) != PGRES_COMMAND_OK)
                rc = fail(ctx, db, res, "preparing a query");
            else
                s->prepared = 1;
            PQclear(res);
        }
        if (rc == VG_OK) {
            s->result = s->prepared ? PQexecPrepared(conn_of(db), s->name, n, values, lengths, formats, 0)
                                    : PQexecParams(conn_of(db), s->sql, n, types, values, lengths, formats, 0);
            s->runs++;
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
    /* A boolean ("x IS NOT NULL", "EXISTS (...)") is 1 or 0, as in SQLite. */
    if (PQftype(s->result, i) == OID_BOOL)
        return PQgetvalue(s->result, s->row, i)[0] == 't';
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

/* Notices and warnings of the server: not printed (libpq's default prints
 * them on stderr); errors say what matters. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int vg_db_postgres_open(vg_ctx *ctx, const char *url, int flags, vg_db **out)
{
    pg_db *db = calloc(1, sizeof *db);
    if (!db || !(db->url = strdup(url))) {
        free(db);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    db->base.ops = &postgres_ops;
    db->base.kind = VG_DB_POSTGRES;
    vg_db_redact_url(url, db->base.name, sizeof db->base.name);
    /* Our connect_timeout unless the URL gives one (the URL, expanded from
     * dbname, overrides what comes before it): an unreachable server must
     * fail in seconds, not hang. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *values[] = {PG_CONNECT_TIMEOUT, "vigil", url, NULL};
    db->conn = PQconnectdbParams(keys, values, 1);
    if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
        char msg[1024];
        libpq_message(db, db->conn ? PQerrorMessage(db->conn) : "out of memory", msg);
        int status = db->conn ? VG_ERR_IO : VG_ERR_NOMEM;
        if (strstr(msg, "password authentication failed") || strstr(msg, "permission denied"))
            status = VG_ERR_PERMISSION;
        vg_error(ctx, status, "%s: cannot connect: %s: check that the server runs and the URL is right",
                 db->base.name, msg);
        pg_close(&db->base);
        return status;
    }
    PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
    /* Quiet notices ("relation already exists, skipping") and UTC times. */
    PGresult *res = PQexec(db->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    /* The store's reads join a few hundred rows to component by its key;
     * with the default random_page_cost (4, for spinning disks) the planner
     * hashes the whole component table instead, five times slower on the
     * issue's fleet (docs/store.md, "PostgreSQL").  Unless the server's
     * administrator set it, the session takes 1.1, the usual value for
     * SSDs. */
    if (ok) {
        res = PQexec(db->conn, "SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings"
                               " WHERE name = 'random_page_cost' AND source = 'default'");
        ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
    }
    if (ok && (flags & VG_DB_READONLY)) {
        res = PQexec(db->conn, "SET default_transaction_read_only = on");
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    } else if (ok) {
        /* A hot standby answers reads but refuses every write: say so at
         * once, before a command does its work for nothing. */
        res = PQexec(db->conn, "SELECT pg_is_in_recovery()");
        ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        int standby = ok && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        if (standby) {
            vg_error(ctx, VG_ERR_PERMISSION,
                     "%s: a hot standby (in recovery), which takes no writes: give the primary's URL to --store; "
                     "a standby serves --store-read",
                     db->base.name);
            pg_close(&db->base);
            return VG_ERR_PERMISSION;
        }
    }
    if (!ok) {
        int status = fail(ctx, &db->base, NULL, "setting up the session");
        pg_close(&db->base);
        return status;
    }
    *out = &db->base;
    return VG_OK;
}
