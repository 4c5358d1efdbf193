/*
 * supplier_eol.c — unit test of the end-of-life table (src/supplier/eol.c,
 * policy/data/end-of-life.json).
 *
 * The shipped table loads, and components get the verdicts written here by
 * hand from the table's rows: OS packages by their distro qualifier or the
 * snapshot's os (store form "debian:12" and "debian 12"), the cycle a
 * prefix of VERSION_ID only up to a '.', a distribution's runtime package
 * getting its OS release's verdict, runtimes by the purl forms the table
 * lists (Go's stdlib as vigil writes it, with its "v"), "past" exactly from
 * the day of the end, and every case where the answer must be "unknown".
 * Then the reader's errors on small tables, each naming the file and the
 * member.
 */
#include <string.h>
#include <time.h>

#include "check.h"
#include "vigil/supplier.h"

static int64_t day(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm);
}

/* Expects purl (and os) to be product/cycle ending eol (NULL: none) and
 * past at the time given; product NULL: unknown. */
static void expect_at(int line, const vg_eol_table *t, const char *purl, const char *version, const char *os,
                      int64_t at, const char *product, const char *cycle, const char *eol, int past)
{
    vg_eol_verdict v;
    int known = vg_eol_lookup(t, purl, NULL, version, os, at, &v);
    if (!product) {
        CHECK(known == 0, "line %d: %s: known as %s %s, want unknown", line, purl ? purl : "(no purl)",
              known ? v.product : "", known ? v.cycle : "");
        return;
    }
    CHECK(known == 1, "line %d: %s: unknown, want %s %s", line, purl, product, cycle);
    if (known != 1)
        return;
    CHECK(strcmp(v.product, product) == 0 && strcmp(v.cycle, cycle) == 0, "line %d: %s: %s %s, want %s %s", line,
          purl, v.product, v.cycle, product, cycle);
    CHECK(eol ? v.eol && strcmp(v.eol, eol) == 0 : v.eol == NULL, "line %d: %s: eol %s, want %s", line, purl,
          v.eol ? v.eol : "null", eol ? eol : "null");
    CHECK(v.past == past, "line %d: %s: past %d, want %d", line, purl, v.past, past);
    CHECK(v.source && strncmp(v.source, "https://", 8) == 0, "line %d: source %s", line, v.source);
}
#define EXPECT(...) expect_at(__LINE__, __VA_ARGS__)

static void test_shipped(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_eol_table *t = NULL;
    int rc = vg_eol_load(&ctx, NULL, &t);
    CHECK(rc == VG_OK, "the shipped table: %s", ctx.message);
    if (!t)
        return;
    CHECK(strcmp(vg_eol_as_of(t), "2026-12-04") == 0, "as_of %s", vg_eol_as_of(t));
    int64_t y2025 = day(2025, 1, 1), y2026 = day(2026, 12, 4);

    /* Debian 12: regular security support ends 2026-07-11 (table, from
     * distro-info's eol column). Past from that day on, not the day before. */
    const char *curl = "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12";
    EXPECT(t, curl, NULL, NULL, day(2026, 7, 10), "debian", "12", "2026-07-11", 0);
    EXPECT(t, curl, NULL, NULL, day(2026, 7, 11), "debian", "12", "2026-07-11", 1);
    /* The qualifier decides, not the snapshot's os. */
    EXPECT(t, curl, NULL, "debian:11", y2025, "debian", "12", "2026-07-11", 0);
    EXPECT(t, "pkg:deb/debian/bash@5.1-2?distro=debian-11", NULL, NULL, y2025, "debian", "11", "2024-08-14", 1);
    /* No qualifier: the os of the snapshot, as the store keeps it. */
    EXPECT(t, "pkg:deb/debian/bash@5.2.15-2", NULL, "debian:12", y2025, "debian", "12", "2026-07-11", 0);
    EXPECT(t, "pkg:deb/debian/bash@5.2.15-2", NULL, "debian 10", y2025, "debian", "10", "2022-09-10", 1);
    EXPECT(t, "pkg:deb/debian/bash@5.2.15-2", NULL, "debian", y2025, NULL, NULL, NULL, 0);  /* sid: no VERSION_ID */
    EXPECT(t, "pkg:deb/debian/bash@5.2.15-2", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:deb/debian/bash@5?distro=debian-14", NULL, NULL, y2025, NULL, NULL, NULL, 0); /* not listed */
    EXPECT(t, "pkg:deb/debian/bash@5?distro=debian", NULL, "debian:12", y2025, NULL, NULL, NULL, 0);
    /* A distribution's python gets the release's verdict (Ubuntu 22.04
     * standard support to 2027-06-01), not Python 3.10's (2026-10-31). */
    EXPECT(t, "pkg:deb/ubuntu/python3.10@3.10.12-1~22.04.3?arch=amd64&distro=ubuntu-22.04", NULL, NULL, y2026,
           "ubuntu", "22.04", "2027-06-01", 0);
    EXPECT(t, "pkg:rpm/redhat/python3@3.6.8-62.el8?arch=x86_64&distro=rhel-8.10", NULL, NULL, y2026, "rhel", "8",
           "2029-05-31", 0);
    /* Alpine: "3.11" of "3.11.13"; "3.1.4" is 3.1, not 3.11 or 3.10. */
    EXPECT(t, "pkg:apk/alpine/musl@1.1.24-r2?arch=x86_64&distro=alpine-3.11.13", NULL, NULL, y2025, "alpine", "3.11",
           "2021-11-01", 1);
    EXPECT(t, "pkg:apk/alpine/musl@1.1.5-r0?distro=alpine-3.1.4", NULL, NULL, y2025, "alpine", "3.1", "2016-11-01",
           1);
    EXPECT(t, "pkg:apk/alpine/musl@1?distro=alpine-3.99.1", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    /* Rocky shares RHEL's cycles; AlmaLinux 8 its own date; 9 unknown. */
    EXPECT(t, "pkg:rpm/rocky/openssl@3.0.7-25.el9?distro=rocky-9.3", NULL, NULL, y2026, "rhel", "9", "2032-05-31", 0);
    EXPECT(t, "pkg:rpm/almalinux/openssl@1.1.1k?distro=almalinux-8.9", NULL, NULL, y2026, "almalinux", "8",
           "2029-03-01", 0);
    EXPECT(t, "pkg:rpm/almalinux/openssl@3?distro=almalinux-9.3", NULL, NULL, y2026, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:rpm/centos/bash@4.2?distro=centos-7", NULL, NULL, y2025, "centos", "7", "2024-06-30", 1);
    EXPECT(t, "pkg:rpm/centos/bash@4.4?distro=centos-8", NULL, NULL, y2025, NULL, NULL, NULL, 0); /* ambiguous */
    /* A package type the release does not use; a distro with escapes. */
    EXPECT(t, "pkg:apk/alpine/x@1?distro=debian-12", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:deb/debian/x@1?distro=debian%2D12", NULL, NULL, y2025, NULL, NULL, NULL, 0);

    /* Go's stdlib, as vigil writes it (v1.21.5) and without the v. */
    EXPECT(t, "pkg:golang/stdlib@v1.21.5", NULL, NULL, y2025, "go", "1.21", "2024-08-13", 1);
    EXPECT(t, "pkg:golang/stdlib@1.22.0", NULL, NULL, y2025, "go", "1.22", "2025-02-11", 0);
    EXPECT(t, "pkg:golang/stdlib@v1.21.0-rc.2", NULL, NULL, y2025, "go", "1.21", "2024-08-13", 1);
    EXPECT(t, "pkg:golang/stdlib@v1.25.3", NULL, NULL, y2026, "go", "1.25", NULL, 0); /* no end announced */
    EXPECT(t, "pkg:golang/stdlib@v1.2.0", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:golang/stdlib@v1.210.0", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:golang/example.com/stdlib@v1.21.5", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:golang/stdlib", NULL, NULL, y2025, NULL, NULL, NULL, 0); /* no version */
    /* Generic runtimes (the forms endoflife.date lists as identifiers). */
    EXPECT(t, "pkg:generic/python@3.9.18", NULL, NULL, y2026, "python", "3.9", "2025-10-31", 1);
    EXPECT(t, "pkg:generic/python@3.1.4", NULL, NULL, y2026, "python", "3.1", "2012-04-09", 1);
    EXPECT(t, "pkg:generic/python@3.10.4", NULL, NULL, day(2026, 10, 31), "python", "3.10", "2026-10-31", 1);
    EXPECT(t, "pkg:generic/python@3.10.4", NULL, NULL, day(2026, 10, 30), "python", "3.10", "2026-10-31", 0);
    EXPECT(t, "pkg:generic/node@18.19.0", NULL, NULL, y2026, "nodejs", "18", "2025-04-30", 1);
    EXPECT(t, "pkg:generic/node", "20.1.0", NULL, y2025, "nodejs", "20", "2026-04-30", 0); /* version argument */
    EXPECT(t, "pkg:generic/node@23.1.0", NULL, NULL, y2025, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:generic/ruby@3.2.2", NULL, NULL, y2026, "ruby", "3.2", "2026-04-01", 1);
    EXPECT(t, "pkg:generic/ruby@3.4.1", NULL, NULL, y2026, "ruby", "3.4", NULL, 0);
    /* Libraries named like runtimes are not runtimes. */
    EXPECT(t, "pkg:pypi/python@3.9.0", NULL, NULL, y2026, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:npm/node@18.0.0", NULL, NULL, y2026, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:generic/acme/python@3.9.0", NULL, NULL, y2026, NULL, NULL, NULL, 0);
    /* No purl, or no purl at all. */
    EXPECT(t, NULL, "3.9.0", "debian:12", y2026, NULL, NULL, NULL, 0);
    EXPECT(t, "python 3.9", NULL, "debian:12", y2026, NULL, NULL, NULL, 0);
    EXPECT(t, "pkg:", NULL, "debian:12", y2026, NULL, NULL, NULL, 0);
    vg_eol_free(t);
    vg_ctx_free(&ctx);
}

/* Parses text; expects rc, and when an error, a message holding want. */
static void parse_at(int line, const char *text, int want_rc, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_eol_table *t = NULL;
    int rc = vg_eol_parse(&ctx, "t.json", text, strlen(text), &t);
    CHECK(rc == want_rc, "line %d: rc %d, want %d (%s)", line, rc, want_rc, ctx.message);
    CHECK((rc == VG_OK) == (t != NULL), "line %d: table set only on success", line);
    if (rc != VG_OK && want)
        CHECK(strstr(ctx.message, want) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, ctx.message, want);
    vg_eol_free(t);
    vg_ctx_free(&ctx);
}
#define PARSE(...) parse_at(__LINE__, __VA_ARGS__)

#define HEAD "{\"vigil-end-of-life\": 1, \"as_of\": \"2026-12-04\", \"note\": \"n\", \"products\": ["
#define OS(name, id, cycles)                                                                                   \
    "{\"name\": \"" name "\", \"kind\": \"os\", \"os_ids\": [\"" id "\"], \"purl_types\": [\"deb\"], "      \
    "\"source\": \"https://example.org\", \"cycles\": [" cycles "]}"
#define RT(name, purl, cycles)                                                                                 \
    "{\"name\": \"" name "\", \"kind\": \"runtime\", \"purls\": [" purl "], "                                  \
    "\"source\": \"https://example.org\", \"cycles\": [" cycles "]}"

static void test_errors(void)
{
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": null}") "]}", VG_OK, NULL);
    PARSE(HEAD RT("r", "\"pkg:generic/r\"", "{\"cycle\": \"1\", \"codename\": \"x\", \"eol\": \"2020-02-29\"}") "]}",
          VG_OK, NULL);
    PARSE("{\"vigil-end-of-life\": 2}", VG_ERR_FORMAT, "t.json: vigil-end-of-life: missing or not 1");
    PARSE("[]", VG_ERR_FORMAT, "t.json: not a JSON object");
    PARSE("{", VG_ERR_FORMAT, "t.json");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": \"2021-02-29\"}") "]}", VG_ERR_FORMAT,
          "t.json: products[0].cycles[0].eol: not a date YYYY-MM-DD");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": null}, {\"cycle\": \"1\", \"eol\": null}") "]}",
          VG_ERR_FORMAT, "products[0].cycles[1].cycle: given twice");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\"}") "]}", VG_ERR_FORMAT, "products[0].cycles[0].eol: missing");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": null, \"lts\": true}") "]}", VG_ERR_FORMAT,
          "products[0].cycles[0].lts: not a member");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1 \", \"eol\": null}") "]}", VG_ERR_FORMAT, "cycles[0].cycle: holds");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": null}") ", " OS("e", "d", "{\"cycle\": \"1\", \"eol\": null}")
          "]}", VG_ERR_FORMAT, "products[1].os_ids: an ID of an earlier product");
    PARSE(HEAD OS("d", "d", "{\"cycle\": \"1\", \"eol\": null}") ", " OS("d", "e", "{\"cycle\": \"1\", \"eol\": null}")
          "]}", VG_ERR_FORMAT, "products[1].name: the name of an earlier product");
    PARSE(HEAD RT("r", "\"pkg:generic/r\"", "{\"cycle\": \"1\", \"eol\": null}") ", "
          RT("s", "\"pkg:generic/r\"", "{\"cycle\": \"1\", \"eol\": null}") "]}", VG_ERR_FORMAT,
          "products[1].purls: a purl form of an earlier product");
    PARSE(HEAD RT("r", "\"pkg:generic/r@1\"", "{\"cycle\": \"1\", \"eol\": null}") "]}", VG_ERR_FORMAT,
          "products[0].purls[0]: not a purl form");
    PARSE(HEAD RT("r", "\"generic/r\"", "{\"cycle\": \"1\", \"eol\": null}") "]}", VG_ERR_FORMAT,
          "products[0].purls[0]: not a purl form");
    PARSE(HEAD "{\"name\": \"r\", \"kind\": \"lib\", \"purls\": [], \"source\": \"https://x\", \"cycles\": []}]}",
          VG_ERR_FORMAT, "products[0].kind: neither");
    PARSE(HEAD "{\"name\": \"r\", \"kind\": \"os\", \"os_ids\": [\"r\"], \"purl_types\": [\"deb\"], "
               "\"source\": \"http://x\", \"cycles\": [{\"cycle\": \"1\", \"eol\": null}]}]}",
          VG_ERR_FORMAT, "products[0].source: not an https URL");
    PARSE(HEAD "{\"name\": \"r\", \"kind\": \"os\", \"os_ids\": [\"r\"], \"purl_types\": [\"deb\"], \"purls\": [], "
               "\"source\": \"https://x\", \"cycles\": [{\"cycle\": \"1\", \"eol\": null}]}]}",
          VG_ERR_FORMAT, "products[0].purls: only for a runtime");
    PARSE(HEAD "{\"name\": \"r\", \"kind\": \"os\", \"os_ids\": [\"r\", \"r\"], \"purl_types\": [\"deb\"], "
               "\"source\": \"https://x\", \"cycles\": [{\"cycle\": \"1\", \"eol\": null}]}]}",
          VG_ERR_FORMAT, "products[0].os_ids[1]: given twice");
    PARSE(HEAD OS("d", "d", "") "]}", VG_ERR_FORMAT, "products[0].cycles: 0 entries");
    PARSE("{\"vigil-end-of-life\": 1, \"as_of\": \"2026-13-01\", \"note\": \"n\", \"products\": []}", VG_ERR_FORMAT,
          "t.json: as_of: not a date");
    PARSE("{\"vigil-end-of-life\": 1, \"as_of\": \"2026-12-04\", \"note\": \"n\", \"products\": [], \"x\": 1}",
          VG_ERR_FORMAT, "t.json: x: not a member");
    /* Bounds: 501 cycles; a file over 1 MiB. */
    static char big[40000];
    size_t n = (size_t)snprintf(big, sizeof big, "%s", HEAD "{\"name\": \"d\", \"kind\": \"os\", \"os_ids\": [\"d\"], "
                                                         "\"purl_types\": [\"deb\"], \"source\": \"https://x\", "
                                                         "\"cycles\": [");
    for (int i = 0; i < 501; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s{\"cycle\": \"%d\", \"eol\": null}", i ? "," : "", i);
    snprintf(big + n, sizeof big - n, "]}]}");
    PARSE(big, VG_ERR_LIMIT, "products[0].cycles: 501 entries");
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_eol_table *t = NULL;
    CHECK(vg_eol_parse(&ctx, "t.json", big, VG_EOL_MAX_SIZE + 1, &t) == VG_ERR_LIMIT && !t, "over 1 MiB");
    CHECK(vg_eol_load(&ctx, "/nonexistent/eol.json", &t) == VG_ERR_NOT_FOUND && !t &&
              strstr(ctx.message, "/nonexistent/eol.json"),
          "a missing file is named: %s", ctx.message);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_shipped();
    test_errors();
    return failures ? 1 : 0;
}
