/*
 * vulndb.c — unit test of the query side of include/vigil/vulndb.h, the
 * calls the matcher makes: builds a database from ../shared/vulndata (Go
 * OSV folder, Alpine v3.10 secdb, DSA/list, KEV) with vg_vulndb_build(),
 * then checks vg_vulndb_affected(), vg_vulndb_advisories(),
 * vg_vulndb_aliases(), vg_vulndb_kev(), vg_vulndb_sources() and
 * vg_vulndb_age() against the raw records, read here with jansson
 * (expectations never come from vigil).  Also: PyPI name normalisation,
 * not-affected entries hidden, absent keys give empty results.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vulndb.h"

static int failures;
#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                  \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)

static const char *event_name(vg_vuln_event_kind k)
{
    switch (k) {
    case VG_VULN_INTRODUCED: return "introduced";
    case VG_VULN_FIXED: return "fixed";
    case VG_VULN_LAST_AFFECTED: return "last_affected";
    case VG_VULN_LIMIT: return "limit";
    }
    return "?";
}

/* Compares the first affected entry of a raw OSV record with the query. */
static void check_osv_record(vg_vulndb *db, vg_arena *arena, const char *path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *rec = json_load_file(path, 0, NULL);
    CHECK(rec, "cannot read %s", path);
    if (!rec)
        return;
    const char *id = json_string_value(json_object_get(rec, "id"));
    json_t *aff0 = json_array_get(json_object_get(rec, "affected"), 0);
    json_t *pkg = json_object_get(aff0, "package");
    const char *eco = json_string_value(json_object_get(pkg, "ecosystem"));
    const char *name = json_string_value(json_object_get(pkg, "name"));
    vg_vuln_affected *aff;
    size_t n;
    CHECK(vg_vulndb_affected(&ctx, db, arena, eco, name, &aff, &n) == VG_OK, "%s", ctx.message);
    const vg_vuln_affected *hit = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(aff[i].advisory_id, id) == 0 && !hit)
            hit = &aff[i];
    CHECK(hit, "%s not found for %s/%s", id, eco, name);
    if (hit) {
        json_t *ranges = json_object_get(aff0, "ranges");
        CHECK(hit->nranges == json_array_size(ranges), "%s: %zu ranges", id, hit->nranges);
        CHECK(!hit->is_source_package && !hit->status, "%s: OSV entries are binary, no status", id);
        for (size_t r = 0; r < hit->nranges && r < json_array_size(ranges); r++) {
            json_t *jr = json_array_get(ranges, r);
            CHECK(strcmp(hit->ranges[r].type, json_string_value(json_object_get(jr, "type"))) == 0,
                  "%s: range type", id);
            json_t *events = json_object_get(jr, "events");
            CHECK(hit->ranges[r].nevents == json_array_size(events), "%s: event count", id);
            for (size_t e = 0; e < hit->ranges[r].nevents && e < json_array_size(events); e++) {
                const char *k = event_name(hit->ranges[r].events[e].kind);
                const char *v = json_string_value(json_object_get(json_array_get(events, e), k));
                CHECK(v && strcmp(v, hit->ranges[r].events[e].version) == 0, "%s: event %zu", id, e);
            }
        }
    }
    vg_vuln_advisory *adv;
    CHECK(vg_vulndb_advisories(&ctx, db, arena, id, &adv, &n) == VG_OK && n == 1, "%s advisories", id);
    if (n == 1) {
        json_t *aliases = json_object_get(rec, "aliases");
        CHECK(adv->naliases == json_array_size(aliases), "%s: aliases", id);
        const char *summary = json_string_value(json_object_get(rec, "summary"));
        CHECK((!summary && !adv->summary) || (summary && adv->summary && !strcmp(summary, adv->summary)),
              "%s: summary", id);
        CHECK(adv->nreferences == json_array_size(json_object_get(rec, "references")), "%s: references", id);
        size_t i;
        json_t *a;
        json_array_foreach(aliases, i, a)
        {
            /* Both directions: the alias leads back to the record. */
            const char **back;
            size_t nb;
            CHECK(vg_vulndb_aliases(&ctx, db, arena, json_string_value(a), &back, &nb) == VG_OK, "aliases");
            int found = 0;
            for (size_t b = 0; b < nb; b++)
                found |= strcmp(back[b], id) == 0;
            CHECK(found, "alias %s does not lead back to %s", json_string_value(a), id);
        }
    }
    json_decref(rec);
    vg_ctx_free(&ctx);
}

int main(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    char in[4][4096];
    if (!shared) {
        fprintf(stderr, "SKIP: VIGIL_SHARED is not set\n");
        return 77;
    }
    snprintf(in[0], sizeof in[0], "%s/vulndata/osv/Go", shared);
    snprintf(in[1], sizeof in[1], "%s/vulndata/alpine-secdb/v3.10/main.json", shared);
    snprintf(in[2], sizeof in[2], "%s/vulndata/debian-security-tracker/DSA/list", shared);
    snprintf(in[3], sizeof in[3], "%s/vulndata/kev/known_exploited_vulnerabilities.json", shared);
    if (access(in[0], R_OK) != 0) {
        fprintf(stderr, "SKIP: %s is absent\n", in[0]);
        return 77;
    }
    char dir[] = "/tmp/vigil-vulndb-unit-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char dbpath[4200];
    snprintf(dbpath, sizeof dbpath, "%s/v.sqlite", dir);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb_report report;
    vg_vulndb_report_init(&report);
    const char *inputs[] = {in[0], in[1], in[2], in[3]};
    int rc = vg_vulndb_build(&ctx, dbpath, inputs, 4, &report);
    CHECK(rc == VG_OK, "build: %s", ctx.message);
    CHECK(report.total_skipped == 0, "skipped records in real data");
    vg_vulndb_report_free(&report);

    vg_vulndb *db = NULL;
    CHECK(vg_vulndb_open(&ctx, dbpath, &db) == VG_OK, "open: %s", ctx.message);
    if (!db)
        return 1;
    vg_arena arena;
    vg_arena_init(&arena);

    char path[4300];
    const char *go_ids[] = {"GO-2020-0001", "GO-2020-0003", "GO-2020-0004"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/vulndata/osv/Go/%s.json", shared, go_ids[i]);
        check_osv_record(db, &arena, path);
    }

    /* Alpine: the first package of v3.10/main with its first secfixes entry. */
    json_t *secdb = json_load_file(in[1], 0, NULL);
    json_t *pkg = json_object_get(json_array_get(json_object_get(secdb, "packages"), 0), "pkg");
    const char *pname = json_string_value(json_object_get(pkg, "name"));
    json_t *fixes = json_object_get(pkg, "secfixes");
    void *it = json_object_iter(fixes);
    const char *fixed = json_object_iter_key(it);
    const char *cve = json_string_value(json_array_get(json_object_iter_value(it), 0));
    vg_vuln_affected *aff;
    size_t n;
    CHECK(vg_vulndb_affected(&ctx, db, &arena, "Alpine:v3.10", pname, &aff, &n) == VG_OK, "alpine");
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(aff[i].advisory_id, cve) && aff[i].nranges == 1 && aff[i].ranges[0].nevents == 2 &&
            aff[i].ranges[0].events[1].kind == VG_VULN_FIXED &&
            !strcmp(aff[i].ranges[0].events[1].version, fixed) && aff[i].is_source_package)
            found = 1;
    CHECK(found, "Alpine:v3.10 %s: %s fixed in %s not found", pname, cve, fixed);
    json_decref(secdb);

    /* KEV: the first entry of the catalog. */
    json_t *kev = json_load_file(in[3], 0, NULL);
    json_t *k0 = json_array_get(json_object_get(kev, "vulnerabilities"), 0);
    vg_kev_entry *entry;
    CHECK(vg_vulndb_kev(&ctx, db, &arena, json_string_value(json_object_get(k0, "cveID")), &entry) == VG_OK &&
              entry && !strcmp(entry->due_date, json_string_value(json_object_get(k0, "dueDate"))),
          "KEV due date");
    json_decref(kev);
    CHECK(vg_vulndb_kev(&ctx, db, &arena, "CVE-1999-99999999", &entry) == VG_OK && !entry, "absent KEV");
    CHECK(vg_vulndb_affected(&ctx, db, &arena, "Go", "example.invalid/none", &aff, &n) == VG_OK && n == 0,
          "absent package");

    vg_vulndb_source_info *src;
    CHECK(vg_vulndb_sources(&ctx, db, &arena, &src, &n) == VG_OK && n == 4, "4 sources, got %zu", n);
    int64_t age = -1;
    CHECK(vg_vulndb_age(&ctx, db, time(NULL) + 3600, &age) == VG_OK && age >= 3600 && age < 3700,
          "age %lld", (long long)age);

    vg_arena_free(&arena);
    vg_vulndb_close(db);
    vg_ctx_free(&ctx);
    unlink(dbpath);
    char lock[4300];
    snprintf(lock, sizeof lock, "%s.lock", dbpath);
    unlink(lock);
    rmdir(dir);
    return failures ? 1 : 0;
}
