/*
 * store_db.c — unit test of src/store/db.h, the SQL layer under the store,
 * on SQLite (a file in a temporary directory) and, when VIGIL_TEST_PG_URL
 * names a database, on PostgreSQL (tests/e2e/store_backends.sh runs this
 * program so against the server it starts; on its own the program checks
 * SQLite only, and says so).
 *
 * The same statements must give the same rows on both: '?' placeholders
 * next to a '?' in string literals, quoted identifiers and comments (and,
 * on PostgreSQL, E'...' strings, dollar quoting and nested comments);
 * integers at the int64 limits, blobs with NUL bytes and empty ones, NULL,
 * UTF-8 text; vg_db_changes(); a rolled-back transaction leaving nothing;
 * a connection opened read-only refusing to write with VG_ERR_PERMISSION.
 * Then vg_db_redact_url() on the URL shapes libpq reads (user info,
 * password parameters, percent-encoded names, short and repeated
 * passwords, URLs longer than the name kept).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "check.h"

/* Runs sql (no parameters), checking it worked. */
static void exec_ok(vg_db *db, const char *sql)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_db_exec(&ctx, db, sql);
    CHECK(rc == VG_OK, "%s: %s: %s", vg_db_name(db), sql, ctx.message);
    vg_ctx_free(&ctx);
}

/* The ncols columns of the first row of sql, bound to the texts given, as
 * "col|col|..." (NULL as "<null>") into out; the status of the step. */
static int first_row(vg_db *db, const char *sql, const char *const *binds, size_t nbinds, int ncols, char *out,
                     size_t outsz)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_db_stmt *st;
    out[0] = '\0';
    int rc = vg_db_prepare(&ctx, db, sql, &st);
    CHECK(rc == VG_OK, "%s: preparing %s: %s", vg_db_name(db), sql, ctx.message);
    if (rc) {
        vg_ctx_free(&ctx);
        return rc;
    }
    for (size_t i = 0; i < nbinds; i++)
        CHECK(vg_db_bind_text(st, (int)i + 1, binds[i]) == VG_OK, "binding %zu of %s", i + 1, sql);
    rc = vg_db_step(&ctx, st);
    CHECK(rc == VG_DB_ROW, "%s: %s gave %d: %s", vg_db_name(db), sql, rc, ctx.message);
    size_t len = 0;
    for (int c = 0; rc == VG_DB_ROW && c < ncols; c++) {
        const char *t = vg_db_column_null(st, c) ? "<null>" : vg_db_column_text(st, c);
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", c ? "|" : "", t);
        if (len >= outsz)
            break;
    }
    vg_db_finalize(st);
    vg_ctx_free(&ctx);
    return rc;
}

static void check_placeholders(vg_db *db)
{
    const char *ab[] = {"a", "b"};
    char row[512];
    first_row(db,
              "SELECT '?' || CAST(? AS TEXT) /* ? */, \"?x\" FROM (SELECT CAST(? AS TEXT) AS \"?x\") AS t -- ?\n",
              ab, 2, 2, row, sizeof row);
    CHECK(strcmp(row, "?a|b") == 0, "%s: literal, identifier and comments: got '%s', want '?a|b'", vg_db_name(db), row);
    first_row(db, "SELECT 'it''s ?', CAST(? AS TEXT), '?'", ab, 1, 3, row, sizeof row);
    CHECK(strcmp(row, "it's ?|a|?") == 0, "%s: doubled quote: got '%s'", vg_db_name(db), row);
    if (vg_db_kind_of(db) != VG_DB_POSTGRES)
        return;
    first_row(db,
              "SELECT E'\\'?', CAST(? AS TEXT), $q$ ? $q$, $$?$$ /* outer /* nested ? */ still ? */, CAST(? AS TEXT)",
              ab, 2, 5, row, sizeof row);
    CHECK(strcmp(row, "'?|a| ? |?|b") == 0, "%s: E-string, dollar quotes, nested comment: got '%s'", vg_db_name(db),
          row);
}

static void check_values(vg_db *db)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int pg = vg_db_kind_of(db) == VG_DB_POSTGRES;
    exec_ok(db, pg ? "CREATE TABLE t(i BIGINT, s TEXT, b BYTEA)" : "CREATE TABLE t(i BIGINT, s TEXT, b BLOB)");
    static const unsigned char blob[] = {0, 1, 0xff, 0, 'x', 0};
    const char *utf8 = "na\xc3\xafve \xe2\x9c\x93";
    const int64_t ints[] = {INT64_MIN, -1, 0, INT64_MAX};
    vg_db_stmt *st;
    int rc = vg_db_prepare(&ctx, db, "INSERT INTO t(i, s, b) VALUES (?, ?, ?)", &st);
    CHECK(rc == VG_OK, "prepare insert: %s", ctx.message);
    for (size_t k = 0; rc == VG_OK && k < 4; k++) {
        vg_db_bind_int(st, 1, ints[k]);
        vg_db_bind_text(st, 2, k == 1 ? NULL : utf8);
        vg_db_bind_blob(st, 3, blob, k == 2 ? 0 : sizeof blob);
        while ((rc = vg_db_step(&ctx, st)) == VG_DB_ROW)
            ;
        CHECK(rc == VG_DB_DONE, "insert %zu: %s", k, ctx.message);
        CHECK(vg_db_changes(st) == 1, "insert %zu: %lld changes", k, (long long)vg_db_changes(st));
        vg_db_reset(st);
        rc = VG_OK;
    }
    vg_db_finalize(st);

    rc = vg_db_prepare(&ctx, db, "SELECT i, s, b FROM t ORDER BY i", &st);
    CHECK(rc == VG_OK, "prepare select: %s", ctx.message);
    size_t k = 0;
    while (rc == VG_OK && (rc = vg_db_step(&ctx, st)) == VG_DB_ROW && k < 4) {
        rc = VG_OK;
        CHECK(vg_db_column_int(st, 0) == ints[k], "%s: row %zu: %lld, want %lld", vg_db_name(db), k,
              (long long)vg_db_column_int(st, 0), (long long)ints[k]);
        const char *s = vg_db_column_text(st, 1);
        if (k == 1)
            CHECK(!s && vg_db_column_null(st, 1), "%s: row %zu: NULL text came back as '%s'", vg_db_name(db), k,
                  s ? s : "");
        else
            CHECK(s && strcmp(s, utf8) == 0, "%s: row %zu: text '%s'", vg_db_name(db), k, s ? s : "(null)");
        size_t len;
        const void *b = vg_db_column_blob(st, 2, &len);
        size_t want = k == 2 ? 0 : sizeof blob;
        CHECK(len == want && (!want || memcmp(b, blob, want) == 0), "%s: row %zu: blob of %zu bytes, want %zu",
              vg_db_name(db), k, len, want);
        k++;
    }
    CHECK(rc == VG_DB_DONE && k == 4, "%s: %zu rows, end %d: %s", vg_db_name(db), k, rc, ctx.message);
    vg_db_finalize(st);

    /* changes of an UPDATE; a rolled-back transaction leaves nothing */
    rc = vg_db_prepare(&ctx, db, "UPDATE t SET s = ? WHERE i >= ?", &st);
    vg_db_bind_text(st, 1, "x");
    vg_db_bind_int(st, 2, 0);
    CHECK(rc == VG_OK && vg_db_step(&ctx, st) == VG_DB_DONE && vg_db_changes(st) == 2, "%s: update: %lld changes",
          vg_db_name(db), (long long)vg_db_changes(st));
    vg_db_finalize(st);
    CHECK(vg_db_begin(&ctx, db) == VG_OK, "begin: %s", ctx.message);
    exec_ok(db, "DELETE FROM t");
    vg_db_rollback(db);
    char row[256];
    first_row(db, "SELECT count(*) FROM t", NULL, 0, 1, row, sizeof row);
    CHECK(strcmp(row, "4") == 0, "%s: after a rollback %s rows, want 4", vg_db_name(db), row);

    /* an error names the store and says what failed */
    rc = vg_db_exec(&ctx, db, "SELEC 1");
    CHECK(rc != VG_OK && strstr(ctx.message, vg_db_name(db)) && strstr(ctx.message, "syntax"),
          "a syntax error: %d %s", rc, ctx.message);
    vg_ctx_free(&ctx);
}

/* vg_db_open(url, flags), checked; NULL when it failed. */
static vg_db *open_db(const char *url, int flags)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_db *db;
    int rc = vg_db_open(&ctx, url, flags, &db);
    CHECK(rc == VG_OK, "%s: open (flags %d): %s", url, flags, ctx.message);
    vg_ctx_free(&ctx);
    return rc ? NULL : db;
}

/* A read-only connection to url refuses to write. */
static void check_readonly(const char *url)
{
    vg_db *db = open_db(url, VG_DB_READONLY);
    if (!db)
        return;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    char row[64];
    first_row(db, "SELECT count(*) FROM t", NULL, 0, 1, row, sizeof row);
    CHECK(strcmp(row, "4") == 0, "%s: read-only: %s rows", url, row);
    int rc = vg_db_exec(&ctx, db, "INSERT INTO t(i) VALUES (5)");
    CHECK(rc == VG_ERR_PERMISSION, "%s: a write on a read-only connection gave %d (%s), want VG_ERR_PERMISSION", url,
          rc, ctx.message);
    vg_db_close(db);
    vg_ctx_free(&ctx);
}

static void check_store(const char *url)
{
    vg_db *db = open_db(url, VG_DB_CREATE);
    if (!db)
        return;
    check_placeholders(db);
    check_values(db);
    vg_db_close(db);
    check_readonly(url);
}

static void check_redact(void)
{
    static const struct {
        const char *url, *want;
    } cases[] = {
        {"postgresql://u:s3cret@h:5432/db", "postgresql://u:***@h:5432/db"},
        {"postgres://u:pw@h/db", "postgres://u:***@h/db"},
        {"postgresql://u:x@h/db", "postgresql://u:***@h/db"},
        {"postgresql://u@h/db?password=s3cret&sslmode=require", "postgresql://u@h/db?password=***&sslmode=require"},
        {"postgresql://u@h/db?sslmode=require&password=ab", "postgresql://u@h/db?sslmode=require&password=***"},
        {"postgresql://u@h/db?password=one&password=two", "postgresql://u@h/db?password=***&password=***"},
        {"postgresql://u@h/db?%70assword=s3cret", "postgresql://u@h/db?%70assword=***"},
        {"postgresql://u:a:b@h/db?password=", "postgresql://u:***@h/db?password=***"},
        {"postgresql:///db?host=/tmp&user=u&password=s3cret", "postgresql:///db?host=/tmp&user=u&password=***"},
        {"postgresql://u:p?w@h/db", "postgresql://u:***@h/db"},
        {"postgresql://h/db?passwords=public", "postgresql://h/db?passwords=public"},
        {"postgresql://h:5432/db", "postgresql://h:5432/db"},
    };
    char out[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_db_redact_url(cases[i].url, out, sizeof out);
        CHECK(strcmp(out, cases[i].want) == 0, "redact %s: got %s, want %s", cases[i].url, out, cases[i].want);
    }
    /* Longer than the name kept, a short password at the very end: cut
     * after redacting, never overrunning out. */
    char url[1200];
    int n = snprintf(url, sizeof url, "postgresql://u@h/db?application_name=");
    memset(url + n, 'a', 1100 - (size_t)n);
    snprintf(url + 1100, sizeof url - 1100, "&password=zq");
    char small[64];
    vg_db_redact_url(url, small, sizeof small);
    CHECK(strlen(small) == 63 && strncmp(small, url, 63) == 0, "a long URL cut to %zu bytes", strlen(small));
    vg_db_redact_url(url, out, sizeof out);
    CHECK(!strstr(out, "zq"), "a long URL: the password survived");
    char big[1300];
    vg_db_redact_url(url, big, sizeof big);
    CHECK(strlen(big) == 1100 + strlen("&password=***") && !strstr(big, "zq"), "a long URL: %zu bytes", strlen(big));
}

int main(void)
{
    check_redact();

    char dir[] = "/tmp/vigil-store-db.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char url[256];
    snprintf(url, sizeof url, "sqlite:%s/db.sqlite", dir);
    check_store(url);
    snprintf(url, sizeof url, "%s/db.sqlite", dir);
    unlink(url);
    snprintf(url, sizeof url, "%s/db.sqlite-wal", dir);
    unlink(url);
    snprintf(url, sizeof url, "%s/db.sqlite-shm", dir);
    unlink(url);
    rmdir(dir);

    const char *pg = getenv("VIGIL_TEST_PG_URL");
    if (pg && *pg)
        check_store(pg);
    else
        fprintf(stderr, "note: PostgreSQL checked by tests/e2e/store_backends.sh (VIGIL_TEST_PG_URL not set)\n");
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
