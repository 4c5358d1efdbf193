/*
 * match.c — unit test of the matcher (src/match/) on real OSV records of the
 * Go vulnerability database (../shared/vulndata/osv/Go) and on small
 * records written here for the OSV schema 1.6 evaluation edge cases
 * (last_affected, limit, versions lists, events out of order, withdrawn,
 * alias merging).  The database is built with the importer's writer
 * (src/vulndb/vulndb_internal.h); the inventory is made by hand.
 *
 * Expected results were read off the raw records by hand, e.g.
 * GO-2022-0344 (containerd, CVE-2022-23648): introduced 0, fixed 1.4.13,
 * introduced 1.5.0, fixed 1.5.10, introduced 1.6.0, fixed 1.6.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skip.h"
#include "vigil/match.h"
#include "vulndb/vulndb_internal.h"
#include "check.h"

static const char *const constructed[] = {
    /* last_affected is inclusive. */
    "{\"id\":\"TEST-LA\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-1000\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/la\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},{\"last_affected\":\"1.2.0\"}]}]}]}",
    /* Events given out of order: sorted before the walk. */
    "{\"id\":\"TEST-SORT\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/sort\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"2.0.0\"},{\"fixed\":\"2.1.0\"},"
    "{\"fixed\":\"1.5.0\"},{\"introduced\":\"0\"}]}]}]}",
    /* limit: only versions below it are considered. */
    "{\"id\":\"TEST-LIMIT\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/limit\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"limit\":\"3.0.0\"}]}]}]}",
    /* versions list only; a GIT range is never evaluated. */
    "{\"id\":\"TEST-VERSIONS\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/versions\"},"
    "\"versions\":[\"1.1.0\",\"1.3.0\"],"
    "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://example.com/r\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
    /* Withdrawn: never reported. */
    "{\"id\":\"TEST-WITHDRAWN\",\"modified\":\"2024-01-01T00:00:00Z\",\"withdrawn\":\"2024-02-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/la\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
    /* A second advisory about CVE-2099-1000: merged with TEST-LA. */
    /* An event no comparator reads: the entry cannot be evaluated. */
    "{\"id\":\"TEST-BAD\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/partial\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"not a version!\"},{\"fixed\":\"2.0.0\"}]}]}]}",
    "{\"id\":\"GHSA-test-test-test\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-1000\"],"
    "\"database_specific\":{\"severity\":\"HIGH\"},"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/la\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]}",
};

static const char *const real_records[] = {"GO-2022-0344.json", "GO-2022-0354.json", "GO-2022-0360.json"};

static int read_all(const char *path, vg_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    vg_buf_init(out, 1 << 24);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vg_buf_add(out, chunk, n) != 0)
            break;
    fclose(f);
    return out->data ? 0 : -1;
}

static void add(vg_inventory *inv, const char *module, const char *version)
{
    vg_component *c = vg_inventory_add(inv);
    c->type = "golang";
    const char *slash = strrchr(module, '/');
    c->name = slash ? slash + 1 : module;
    c->version = version;
    c->purl = vg_arena_printf(&inv->arena, "pkg:golang/%s@%s", module, version);
    c->location = "go.mod";
}

/* The ids (joined with ' ') of the findings about module@version. */
static const char *ids_of(vg_arena *a, const vg_findings *f, const char *module, const char *version)
{
    const char *purl = vg_arena_printf(a, "pkg:golang/%s@%s", module, version);
    char *out = vg_arena_strdup(a, "");
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].component->purl, purl) == 0)
            out = vg_arena_printf(a, "%s%s%s", out, *out ? " " : "", f->items[i].id);
    return out;
}

static const vg_finding *finding(const vg_findings *f, const char *purl, const char *id)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].component->purl, purl) == 0 && strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    return NULL;
}

int main(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    if (!shared)
        shared = "../shared";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/vulndata/osv/Go", shared);
    if (access(dir, R_OK) != 0)
        return test_skip("%s is absent", dir);
    char dbpath[] = "/tmp/vigil-match-test-XXXXXX";
    int fd = mkstemp(dbpath);
    if (fd < 0)
        return 1;
    close(fd);
    unlink(dbpath);

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb_report report;
    vg_vulndb_report_init(&report);
    vdb_writer w;
    if (vdb_writer_open(&ctx, &w, dbpath, &report) != VG_OK) {
        fprintf(stderr, "writer: %s\n", ctx.message);
        return 1;
    }
    vg_vulndb_source_report *src = vdb_source(&w, "osv:Go", "osv", dir);
    for (size_t i = 0; i < sizeof real_records / sizeof real_records[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, real_records[i]);
        vg_buf b;
        if (read_all(path, &b) != 0)
            return test_skip("cannot read %s", path);
        CHECK(vdb_osv_buffer(&w, src, path, b.data, b.len) == VG_OK, "import %s", path);
        vg_buf_free(&b);
    }
    /* 4000 events in a scrambled order (the sort is O(n log n) and stable):
     * introduced v1.(2k).0, fixed v1.(2k+1).0 for k < 2000, written k
     * descending, fixed before introduced. */
    {
        vg_buf many;
        vg_buf_init(&many, 1 << 20);
        int ok = vg_buf_addstr(&many, "{\"id\":\"TEST-MANY\",\"modified\":\"2024-01-01T00:00:00Z\","
                                      "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/many\"},"
                                      "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[") == VG_OK;
        for (int k = 1999; k >= 0 && ok; k--)
            ok = vg_buf_addf(&many, "{\"fixed\":\"1.%d.0\"},{\"introduced\":\"1.%d.0\"}%s", 2 * k + 1, 2 * k,
                             k ? "," : "") == VG_OK;
        ok = ok && vg_buf_addstr(&many, "]}]}]}") == VG_OK;
        CHECK(ok && vdb_osv_buffer(&w, src, "constructed", many.data, many.len) == VG_OK, "import TEST-MANY");
        vg_buf_free(&many);
    }
    for (size_t i = 0; i < sizeof constructed / sizeof constructed[0]; i++)
        CHECK(vdb_osv_buffer(&w, src, "constructed", constructed[i], strlen(constructed[i])) == VG_OK,
              "import constructed %zu", i);
    CHECK(src->records_imported == 11, "imported %lld of 11 records", (long long)src->records_imported);
    if (vdb_writer_finish(&w) != VG_OK) {
        fprintf(stderr, "finish: %s\n", ctx.message);
        return 1;
    }
    vg_vulndb *db = NULL;
    if (vg_vulndb_open(&ctx, dbpath, &db) != VG_OK) {
        fprintf(stderr, "open: %s\n", ctx.message);
        return 1;
    }

    vg_inventory inv;
    vg_inventory_init(&inv);
    const char *cd = "github.com/containerd/containerd";
    /* GO-2022-0344: [0,1.4.13) [1.5.0,1.5.10) [1.6.0,1.6.1); GO-2022-0360 (id
     * shown: no CVE, so the matched advisory id)
     * (GHSA-5j5w-g665-5m35, no CVE): [0,1.4.12) [1.5.0,1.5.8). */
    const char *cd_versions[] = {"v1.4.11", "v1.4.12", "v1.4.13", "v1.5.0", "v1.5.9", "v1.5.10", "v1.6.0", "v1.6.1"};
    for (size_t i = 0; i < 8; i++)
        add(&inv, cd, cd_versions[i]);
    /* GO-2022-0354 (cri-o): introduced 1.19.0 — 1.18.0 is not affected. */
    add(&inv, "github.com/cri-o/cri-o", "v1.18.0");
    add(&inv, "github.com/cri-o/cri-o", "v1.19.0");
    add(&inv, "github.com/cri-o/cri-o", "v1.23.2");
    add(&inv, "example.com/la", "v1.2.0");
    add(&inv, "example.com/la", "v1.2.1");
    add(&inv, "example.com/la", "v0.9.0");
    add(&inv, "example.com/sort", "v1.4.9");
    add(&inv, "example.com/sort", "v1.5.0");
    add(&inv, "example.com/sort", "v2.0.5");
    add(&inv, "example.com/sort", "v2.1.0");
    add(&inv, "example.com/limit", "v2.9.9");
    add(&inv, "example.com/limit", "v3.0.0");
    add(&inv, "example.com/versions", "v1.1.0");
    add(&inv, "example.com/versions", "v1.2.0");
    add(&inv, "example.com/many", "v1.10.5");
    add(&inv, "example.com/many", "v1.11.5");
    add(&inv, "example.com/many", "v1.3998.2");
    add(&inv, "example.com/many", "v1.3999.0");
    add(&inv, "example.com/partial", "v1.0.0");
    add(&inv, "example.com/badversion", "not-a-version");
    vg_component *nover = vg_inventory_add(&inv);
    *nover = (vg_component){.type = "golang", .name = "example.com/nover", .purl = "pkg:golang/example.com/nover",
                            .location = "bin/app", .layer = -1};
    vg_component *generic = vg_inventory_add(&inv);
    *generic = (vg_component){.type = "generic", .name = "thing", .version = "1.0", .layer = -1};
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK, "finalize");

    vg_findings f;
    vg_findings_init(&f);
    CHECK(vg_match(&ctx, db, &inv, NULL, &f) == VG_OK, "match: %s", ctx.message);
    vg_arena a;
    vg_arena_init(&a);
    static const struct {
        const char *module, *version, *ids;
    } want[] = {
        {"github.com/containerd/containerd", "v1.4.11", "CVE-2022-23648 GO-2022-0360"},
        {"github.com/containerd/containerd", "v1.4.12", "CVE-2022-23648"},
        {"github.com/containerd/containerd", "v1.4.13", ""},
        {"github.com/containerd/containerd", "v1.5.0", "CVE-2022-23648 GO-2022-0360"},
        {"github.com/containerd/containerd", "v1.5.9", "CVE-2022-23648"},
        {"github.com/containerd/containerd", "v1.5.10", ""},
        {"github.com/containerd/containerd", "v1.6.0", "CVE-2022-23648"},
        {"github.com/containerd/containerd", "v1.6.1", ""},
        {"github.com/cri-o/cri-o", "v1.18.0", ""},
        {"github.com/cri-o/cri-o", "v1.19.0", "CVE-2022-0811"},
        {"github.com/cri-o/cri-o", "v1.23.2", ""},
        /* TEST-LA and GHSA-test-test-test merge on CVE-2099-1000; 1.2.0 is
         * last_affected (affected) and below GHSA's fix 1.3.0. */
        {"example.com/la", "v1.2.0", "CVE-2099-1000"},
        {"example.com/la", "v1.2.1", "CVE-2099-1000"},
        {"example.com/la", "v0.9.0", "CVE-2099-1000"},
        {"example.com/sort", "v1.4.9", "TEST-SORT"},
        {"example.com/sort", "v1.5.0", ""},
        {"example.com/sort", "v2.0.5", "TEST-SORT"},
        {"example.com/sort", "v2.1.0", ""},
        {"example.com/limit", "v2.9.9", "TEST-LIMIT"},
        {"example.com/limit", "v3.0.0", ""},
        {"example.com/versions", "v1.1.0", "TEST-VERSIONS"},
        {"example.com/versions", "v1.2.0", ""},
        {"example.com/many", "v1.10.5", "TEST-MANY"},
        {"example.com/many", "v1.11.5", ""},
        {"example.com/many", "v1.3998.2", "TEST-MANY"},
        {"example.com/many", "v1.3999.0", ""},
        {"example.com/partial", "v1.0.0", ""},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = ids_of(&a, &f, want[i].module, want[i].version);
        CHECK(strcmp(got, want[i].ids) == 0, "%s@%s: got '%s', want '%s'", want[i].module, want[i].version, got,
              want[i].ids);
    }
    /* Details of one finding. */
    const vg_finding *x = finding(&f, "pkg:golang/github.com/containerd/containerd@v1.5.9", "CVE-2022-23648");
    CHECK(x && x->nfixed == 1 && strcmp(x->fixed_versions[0], "1.5.10") == 0, "containerd 1.5.9: fixed 1.5.10");
    CHECK(x && x->nids == 3, "containerd: ids CVE, GHSA, GO (%zu)", x ? x->nids : 0);
    const vg_finding *la = finding(&f, "pkg:golang/example.com/la@v1.2.1", "CVE-2099-1000");
    CHECK(la && la->nadvisories == 1 && strcmp(la->advisories[0], "GHSA-test-test-test") == 0,
          "la 1.2.1: only the GHSA (fixed 1.3.0) matches; TEST-LA ended at 1.2.0");
    CHECK(la && la->severity == VG_SEVERITY_HIGH, "la: severity HIGH from the GHSA record");
    const vg_finding *la0 = finding(&f, "pkg:golang/example.com/la@v0.9.0", "CVE-2099-1000");
    CHECK(la0 && la0->nadvisories == 1, "la 0.9.0: TEST-LA starts at 1.0.0, the withdrawn record is skipped");
    const vg_finding *many = finding(&f, "pkg:golang/example.com/many@v1.10.5", "TEST-MANY");
    CHECK(many && many->nfixed == 1 && strcmp(many->fixed_versions[0], "1.11.0") == 0,
          "many 1.10.5: fixed by the next event, 1.11.0");
    /* Coverage: what was compared, and why the rest was not. */
    static const struct {
        const char *name, *version;
        vg_coverage_status status;
    } covers[] = {
        {"example.com/many", "v1.10.5", VG_COVERAGE_CHECKED},
        {"example.com/partial", "v1.0.0", VG_COVERAGE_PARTIAL},
        {"example.com/badversion", "not-a-version", VG_COVERAGE_BAD_VERSION},
        {"example.com/nover", NULL, VG_COVERAGE_NO_VERSION},
        {"thing", "1.0", VG_COVERAGE_NO_ECOSYSTEM},
    };
    CHECK(f.ncoverage == inv.ncomponents, "one coverage entry per component");
    for (size_t i = 0; i < sizeof covers / sizeof covers[0]; i++) {
        const vg_coverage *cv = NULL;
        for (size_t k = 0; k < f.ncoverage && !cv; k++) {
            const vg_component *c = f.coverage[k].component;
            const char *name = strcmp(c->type, "golang") == 0 ? strchr(c->purl, '/') + 1 : c->name;
            if (strncmp(name, covers[i].name, strlen(covers[i].name)) == 0 &&
                (covers[i].version ? c->version && strcmp(c->version, covers[i].version) == 0 : !c->version))
                cv = &f.coverage[k];
        }
        CHECK(cv && cv->status == covers[i].status, "%s %s: coverage %s, want %s", covers[i].name,
              covers[i].version ? covers[i].version : "(none)", cv ? vg_coverage_status_name(cv->status) : "missing",
              vg_coverage_status_name(covers[i].status));
        CHECK(cv && (cv->status == VG_COVERAGE_CHECKED) == (cv->reason == NULL), "%s: a reason exactly when unchecked",
              covers[i].name);
    }
    CHECK(f.components_checked + f.components_unchecked == inv.ncomponents, "checked + unchecked = %zu + %zu != %zu",
          f.components_checked, f.components_unchecked, inv.ncomponents);
    CHECK(f.components_unchecked == 4, "4 components not checked, not %zu", f.components_unchecked);
    CHECK(vg_severity_from_text("low**") == VG_SEVERITY_LOW && vg_severity_from_text("Important") == VG_SEVERITY_HIGH,
          "severity words");

    /* Distribution ecosystems from os-release. */
    vg_os os = {.id = "ubuntu", .version_id = "22.04"};
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Ubuntu:22.04:LTS") == 0, "ubuntu 22.04");
    os.version_id = "23.10";
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Ubuntu:23.10") == 0, "ubuntu 23.10");
    os = (vg_os){.id = "alpine", .version_id = "3.10.9"};
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Alpine:v3.10") == 0, "alpine");
    os = (vg_os){.id = "rocky", .version_id = "9.3"};
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Rocky Linux:9") == 0, "rocky");
    os = (vg_os){.id = "rhel", .version_id = "9.3"};
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Red Hat:enterprise_linux:9::baseos") == 0, "rhel");
    os = (vg_os){.id = "debian", .version_codename = "trixie"};
    CHECK(strcmp(vg_match_os_ecosystem(&a, &os), "Debian:trixie") == 0, "debian without VERSION_ID");

    vg_arena_free(&a);
    vg_findings_free(&f);
    vg_inventory_free(&inv);
    vg_vulndb_close(db);
    vg_vulndb_report_free(&report);
    vg_ctx_free(&ctx);
    unlink(dbpath);
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
