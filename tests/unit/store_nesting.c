/*
 * store_nesting.c — nested transactions of the store's SQL interface
 * (src/store/db.c, db.h): a begin inside a transaction is a savepoint whose
 * rollback undoes only what was done since, whose commit makes nothing
 * durable until the outermost commit, and after whose failed statement the
 * outer transaction goes on; on a real SQLite file, the rows checked by
 * reading them back through another connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "check.h"

static vg_ctx ctx;

static int insert(vg_db *db, int x)
{
    vg_db_stmt *st;
    int rc = vg_db_prepare(&ctx, db, "INSERT INTO t(x) VALUES (?)", &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, x);
    rc = vg_db_step(&ctx, st);
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* The rows of t as "1,3,6", read through a connection of its own (so only
 * what was committed). */
static void rows(const char *url, char *out, size_t size)
{
    vg_db *db;
    vg_db_stmt *st;
    out[0] = '\0';
    if (vg_db_open(&ctx, url, VG_DB_READONLY, &db) != VG_OK) {
        snprintf(out, size, "(open: %.200s)", ctx.message);
        return;
    }
    if (vg_db_prepare(&ctx, db, "SELECT x FROM t ORDER BY x", &st) == VG_OK) {
        size_t len = 0;
        while (vg_db_step(&ctx, st) == VG_DB_ROW && len + 24 < size)
            len += (size_t)snprintf(out + len, size - len, "%s%lld", len ? "," : "", (long long)vg_db_column_int(st, 0));
        vg_db_finalize(st);
    }
    vg_db_close(db);
}

int main(void)
{
    vg_ctx_init(&ctx);
    char dir[] = "/tmp/vigil-nesting.XXXXXX", url[128], got[256];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(url, sizeof url, "sqlite:%s/t.sqlite", dir);
    vg_db *db;
    if (vg_db_open(&ctx, url, VG_DB_CREATE, &db) != VG_OK) {
        fprintf(stderr, "FAIL: open %s: %s\n", url, ctx.message);
        return 1;
    }
    CHECK(vg_db_exec(&ctx, db, "CREATE TABLE t(x INTEGER PRIMARY KEY)") == VG_OK, "create: %s", ctx.message);

    /* An inner rollback undoes the inner part only; the outer commits. */
    CHECK(vg_db_begin(&ctx, db) == VG_OK && insert(db, 1) == VG_OK, "outer: %s", ctx.message);
    CHECK(vg_db_begin(&ctx, db) == VG_OK && insert(db, 2) == VG_OK, "inner: %s", ctx.message);
    vg_db_rollback(db);
    CHECK(insert(db, 3) == VG_OK, "after the inner rollback: %s", ctx.message);
    rows(url, got, sizeof got);
    CHECK(strcmp(got, "") == 0, "nothing is visible before the outer commit, got %s", got);
    CHECK(vg_db_commit(&ctx, db) == VG_OK, "outer commit: %s", ctx.message);
    rows(url, got, sizeof got);
    CHECK(strcmp(got, "1,3") == 0, "inner rollback: expected 1,3, got %s", got);

    /* An inner commit is undone by the outer rollback. */
    CHECK(vg_db_begin(&ctx, db) == VG_OK && insert(db, 4) == VG_OK, "outer: %s", ctx.message);
    CHECK(vg_db_begin(&ctx, db) == VG_OK && insert(db, 5) == VG_OK && vg_db_commit(&ctx, db) == VG_OK, "inner: %s",
          ctx.message);
    vg_db_rollback(db);
    rows(url, got, sizeof got);
    CHECK(strcmp(got, "1,3") == 0, "outer rollback: expected 1,3, got %s", got);

    /* Three levels; a failed statement in the innermost (a duplicate key)
     * is rolled back with it, and the rest commits. */
    CHECK(vg_db_begin(&ctx, db) == VG_OK && vg_db_begin(&ctx, db) == VG_OK && insert(db, 6) == VG_OK, "levels: %s",
          ctx.message);
    CHECK(vg_db_begin(&ctx, db) == VG_OK, "third level: %s", ctx.message);
    CHECK(insert(db, 7) == VG_OK && insert(db, 1) != VG_OK, "a duplicate key must fail");
    vg_db_rollback(db);
    CHECK(vg_db_commit(&ctx, db) == VG_OK && vg_db_commit(&ctx, db) == VG_OK, "commits: %s", ctx.message);
    rows(url, got, sizeof got);
    CHECK(strcmp(got, "1,3,6") == 0, "three levels: expected 1,3,6, got %s", got);

    /* Rollback with nothing open changes nothing; a new transaction works. */
    vg_db_rollback(db);
    CHECK(vg_db_begin(&ctx, db) == VG_OK && insert(db, 8) == VG_OK && vg_db_commit(&ctx, db) == VG_OK, "again: %s",
          ctx.message);
    rows(url, got, sizeof got);
    CHECK(strcmp(got, "1,3,6,8") == 0, "after all: expected 1,3,6,8, got %s", got);

    vg_db_close(db);
    char path[160];
    static const char *const files[] = {"t.sqlite", "t.sqlite-wal", "t.sqlite-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    vg_ctx_free(&ctx);
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
