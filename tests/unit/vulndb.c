/*
 * vulndb.c — unit test of the query side of include/vigil/vulndb.h, the
 * calls the matcher makes: builds a database from ../shared/vulndata (Go
 * OSV folder, Alpine v3.10 secdb, DSA/list, KEV, NVD) with
 * vg_vulndb_build(), then checks vg_vulndb_affected(),
 * vg_vulndb_advisories() (NVD records by CVE id: source "nvd", dates,
 * description, CVSS vectors with NVD's Primary ones first, one reference
 * per URL), vg_vulndb_aliases(), vg_vulndb_kev(), vg_vulndb_sources(),
 * vg_vulndb_ecosystem_sources() and vg_vulndb_age() (from the dates of the
 * data: the DSA list's newest advisory, a secdb file's modification time)
 * against the raw records, read here with jansson and stat()
 * (expectations never come from vigil).  Also: PyPI name normalisation,
 * not-affected entries hidden, absent keys give empty results.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skip.h"
#include "vigil/vulndb.h"
#include "check.h"

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

/* The newest "[DD Mon YYYY] DSA-..." header date of a tracker list, as Unix time. */
static time_t newest_list_date(const char *path)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    FILE *f = fopen(path, "r");
    char line[1024], mon[8];
    time_t newest = 0;
    int d, y;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "[%d %3s %d]", &d, mon, &y) != 3)
            continue;
        for (int m = 0; m < 12; m++) {
            struct tm tm = {.tm_mday = d, .tm_mon = m, .tm_year = y - 1900};
            if (strcmp(mon, months[m]) == 0 && timegm(&tm) > newest)
                newest = timegm(&tm);
        }
    }
    if (f)
        fclose(f);
    return newest;
}

/* An RFC 3339 or NVD date-time ("2022-12-14T18:06:02Z",
 * "2019-08-06T16:15:11.720", UTC) as Unix time; 0 for anything else and
 * for dates before 1970 (the Go database's "unknown" 0001-01-01). */
static time_t json_time(json_t *v)
{
    struct tm tm = {0};
    const char *s = json_string_value(v);
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    time_t t = end ? timegm(&tm) : 0;
    return t > 0 ? t : 0;
}

/* The newest modified/published date of the OSV records of dir. */
static time_t newest_osv_date(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls '%s'", dir);
    FILE *ls = popen(cmd, "r");
    char name[512], path[5000];
    time_t newest = 0;
    while (ls && fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, name);
        json_t *rec = json_load_file(path, 0, NULL);
        time_t m = json_time(json_object_get(rec, "modified")), p = json_time(json_object_get(rec, "published"));
        if (m > newest)
            newest = m;
        if (p > newest)
            newest = p;
        json_decref(rec);
    }
    if (ls)
        pclose(ls);
    return newest;
}

/* The (type, vector) pairs NVD gives a CVE, in the order vigil promises:
 * Primary metrics first, each in the order v4.0, v3.1, v3.0, v2; then the
 * others in the same order; a pair once.  Written as "TYPE VECTOR\n". */
static void expected_vectors(json_t *cve, char *out, size_t outsz)
{
    static const char *const keys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"};
    static const char *const types[] = {"CVSS_V4", "CVSS_V3", "CVSS_V3", "CVSS_V2"};
    size_t o = 0;
    out[0] = '\0';
    for (int primary = 1; primary >= 0; primary--)
        for (size_t k = 0; k < 4; k++) {
            size_t i;
            json_t *m;
            json_array_foreach(json_object_get(json_object_get(cve, "metrics"), keys[k]), i, m)
            {
                const char *type = json_string_value(json_object_get(m, "type"));
                if ((type && !strcmp(type, "Primary")) != primary)
                    continue;
                char line[400];
                snprintf(line, sizeof line, "%s %s\n", types[k],
                         json_string_value(json_object_get(json_object_get(m, "cvssData"), "vectorString")));
                if (!strstr(out, line) && o + strlen(line) < outsz)
                    o += (size_t)snprintf(out + o, outsz - o, "%s", line);
            }
        }
}

/* The NVD record of a CVE: dates, description, vectors and references. */
static void check_nvd_record(vg_vulndb *db, vg_arena *arena, const char *path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *cve = json_load_file(path, 0, NULL);
    CHECK(cve, "cannot read %s", path);
    if (!cve)
        return;
    const char *id = json_string_value(json_object_get(cve, "id"));
    vg_vuln_advisory *adv;
    size_t n;
    const vg_vuln_advisory *nvd = NULL;
    CHECK(vg_vulndb_advisories(&ctx, db, arena, id, &adv, &n) == VG_OK, "%s", ctx.message);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(adv[i].source, "nvd"))
            nvd = &adv[i];
    CHECK(nvd, "%s: no advisory of source nvd among %zu", id, n);
    if (nvd) {
        CHECK(nvd->modified && !strcmp(nvd->modified, json_string_value(json_object_get(cve, "lastModified"))),
              "%s: modified", id);
        CHECK(nvd->published && !strcmp(nvd->published, json_string_value(json_object_get(cve, "published"))),
              "%s: published", id);
        CHECK(!nvd->withdrawn && !nvd->summary && nvd->naliases == 0, "%s: withdrawn, summary, aliases", id);
        size_t i;
        json_t *d;
        const char *en = NULL;
        json_array_foreach(json_object_get(cve, "descriptions"), i, d) if (!en &&
                                                                          !strcmp(json_string_value(json_object_get(d, "lang")), "en"))
            en = json_string_value(json_object_get(d, "value"));
        CHECK(en && nvd->details && !strcmp(en, nvd->details), "%s: English description", id);
        char want[4096], have[4096] = "";
        expected_vectors(cve, want, sizeof want);
        size_t o = 0;
        for (size_t s = 0; s < nvd->nseverities && o < sizeof have; s++)
            o += (size_t)snprintf(have + o, sizeof have - o, "%s %s\n", nvd->severities[s].type,
                                  nvd->severities[s].score);
        CHECK(want[0] && !strcmp(want, have), "%s: vectors\n%s, expected\n%s", id, have, want);
        json_t *urls = json_object();
        json_array_foreach(json_object_get(cve, "references"), i, d)
            json_object_set_new(urls, json_string_value(json_object_get(d, "url")), json_true());
        CHECK(nvd->nreferences == json_object_size(urls), "%s: %zu references, %zu distinct URLs", id,
              nvd->nreferences, json_object_size(urls));
        for (size_t r = 0; r < nvd->nreferences; r++)
            CHECK(json_object_get(urls, nvd->references[r].url), "%s: reference %s", id, nvd->references[r].url);
        json_decref(urls);
    }
    json_decref(cve);
    vg_ctx_free(&ctx);
}

int main(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    char in[5][4096];
    if (!shared)
        return test_skip("VIGIL_SHARED is not set");
    snprintf(in[0], sizeof in[0], "%s/vulndata/osv/Go", shared);
    snprintf(in[1], sizeof in[1], "%s/vulndata/alpine-secdb/v3.10/main.json", shared);
    snprintf(in[2], sizeof in[2], "%s/vulndata/debian-security-tracker/DSA/list", shared);
    snprintf(in[3], sizeof in[3], "%s/vulndata/kev/known_exploited_vulnerabilities.json", shared);
    snprintf(in[4], sizeof in[4], "%s/vulndata/nvd", shared);
    if (access(in[0], R_OK) != 0)
        return test_skip("%s is absent", in[0]);
    char dir[] = "/tmp/vigil-vulndb-unit-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char dbpath[4200];
    snprintf(dbpath, sizeof dbpath, "%s/v.sqlite", dir);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb_report report;
    vg_vulndb_report_init(&report);
    const char *inputs[] = {in[0], in[1], in[2], in[3], in[4]};
    int rc = vg_vulndb_build(&ctx, dbpath, inputs, 5, 0, &report);
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

    /* The memo: the second time, the same answer from memory, which stays
     * valid when the caller's arena is gone (ASan reads it after the free). */
    vg_vulndb_memo(db, (size_t)1 << 20);
    vg_arena scratch;
    vg_arena_init(&scratch);
    vg_vuln_affected *first, *again;
    size_t n1, n2;
    CHECK(vg_vulndb_affected(&ctx, db, &scratch, "Alpine:v3.10", pname, &first, &n1) == VG_OK && n1 == n, "memo");
    vg_arena_free(&scratch);
    CHECK(vg_vulndb_affected(&ctx, db, &arena, "Alpine:v3.10", pname, &again, &n2) == VG_OK && again == first &&
              n2 == n1,
          "memo: the second answer is not the kept one");
    found = 0;
    for (size_t i = 0; i < n2; i++)
        found |= !strcmp(again[i].advisory_id, cve) && !strcmp(again[i].ranges[0].events[1].version, fixed);
    CHECK(found, "memo: %s fixed in %s lost", cve, fixed);
    for (size_t i = 0; i < 3; i++) { /* twice: asked, then answered from the memo */
        snprintf(path, sizeof path, "%s/vulndata/osv/Go/%s.json", shared, go_ids[i]);
        check_osv_record(db, &arena, path);
        check_osv_record(db, &arena, path);
    }
    /* Past its size, new questions are answered as without it. */
    vg_vulndb_memo(db, 1);
    CHECK(vg_vulndb_affected(&ctx, db, &arena, "Alpine:v3.10", "musl", &first, &n1) == VG_OK &&
              vg_vulndb_affected(&ctx, db, &arena, "Alpine:v3.10", "musl", &again, &n2) == VG_OK && n1 == n2 &&
              n1 > 0 && first != again,
          "memo past its size: musl %zu, %zu entries", n1, n2);
    vg_vulndb_memo(db, 0);
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

    /* NVD records of CVEs that the v3.10 secdb names (5 of the 8 record
     * files; the other three are fixed in other releases). */
    const char *cves[] = {"CVE-2016-3189", "CVE-2017-1000381", "CVE-2018-20679", "CVE-2019-14697",
                          "CVE-2019-5747"};
    for (size_t i = 0; i < sizeof cves / sizeof cves[0]; i++) {
        snprintf(path, sizeof path, "%s/vulndata/nvd/cve/%s.json", shared, cves[i]);
        check_nvd_record(db, &arena, path);
    }

    vg_vulndb_source_info *src;
    CHECK(vg_vulndb_sources(&ctx, db, &arena, &src, &n) == VG_OK && n == 5, "5 sources, got %zu", n);
    /* The age: the stalest source's newest data (the Go records' newest
     * date, the DSA list's newest advisory, KEV's release; NVD's and the
     * secdb file's are this year), not the time of the build. */
    time_t now = time(NULL), oldest = newest_list_date(in[2]), go = newest_osv_date(in[0]);
    json_t *catalog = json_load_file(in[3], 0, NULL);
    time_t released = json_time(json_object_get(catalog, "dateReleased"));
    json_decref(catalog);
    if (go < oldest)
        oldest = go;
    if (released < oldest)
        oldest = released;
    int64_t age = -1;
    CHECK(oldest > 0 && vg_vulndb_age(&ctx, db, now, &age) == VG_OK && age == (int64_t)(now - oldest),
          "age %lld, expected %lld (now - the stalest source's newest date)", (long long)age,
          (long long)(now - oldest));
    /* A secdb has no dates: its file's modification time dates it. */
    struct stat st;
    vg_vulndb_ecosystem_source *eco;
    CHECK(stat(in[1], &st) == 0 &&
              vg_vulndb_ecosystem_sources(&ctx, db, &arena, "Alpine:v3.10", &eco, &n) == VG_OK && n == 1 &&
              !strcmp(eco[0].source, "alpine:v3.10/main") && eco[0].data_time == (int64_t)st.st_mtime &&
              !eco[0].ended && !eco[0].newest,
          "Alpine:v3.10 sources");
    CHECK(vg_vulndb_ecosystem_sources(&ctx, db, &arena, "Go", &eco, &n) == VG_OK && n == 1 && eco[0].entries > 4000 &&
              eco[0].newest && eco[0].data_time > 1600000000,
          "Go sources");

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
