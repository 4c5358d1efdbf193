/*
 * vex.c — unit test of the VEX statement readers and their application
 * (vex.h) and of the --ignore rules (ignore.h), on documents written here
 * for the cases the specifications spell out:
 * - OpenVEX v0.2.0 (OPENVEX-SPEC.md): one statement per product and
 *   subcomponent, statement timestamps inherited from the document, the
 *   latest statement winning, not_affected requiring a justification or an
 *   impact statement, the five justification labels;
 * - CycloneDX 1.6 vulnerabilities: analysis states and justifications,
 *   affects[].ref resolved through bom-refs of nested components;
 * - product matching by purl (vigil's documented reading): no version =
 *   every version, the statement's qualifiers must match, others ignored;
 * - RFC 3339 date-times with offsets; --ignore expiry at the end of the
 *   day in UTC and calendar validity (2023-02-29 refused, 2024-02-29 kept).
 */
#include <stdio.h>
#include <string.h>

#include "vex/vex_internal.h"
#include "vigil/ignore.h"
#include "vigil/vex.h"
#include "check.h"

static const char *const musl_purl = "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64&distro=alpine-3.10.9";

static void test_purl_matching(void)
{
    CHECK(vg_vex_purl_matches("pkg:apk/alpine/musl", musl_purl), "no version matches every version");
    CHECK(vg_vex_purl_matches("pkg:apk/alpine/musl@1.1.22-r2", musl_purl), "same version");
    CHECK(!vg_vex_purl_matches("pkg:apk/alpine/musl@1.1.22-r3", musl_purl), "other version");
    CHECK(vg_vex_purl_matches("pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64", musl_purl), "qualifier present");
    CHECK(!vg_vex_purl_matches("pkg:apk/alpine/musl@1.1.22-r2?arch=aarch64", musl_purl), "qualifier differs");
    CHECK(!vg_vex_purl_matches("pkg:apk/alpine/musl?repository_url=x", musl_purl), "qualifier absent in component");
    CHECK(!vg_vex_purl_matches("pkg:apk/alpine/musl-utils", musl_purl), "other name");
    CHECK(!vg_vex_purl_matches("pkg:deb/alpine/musl", musl_purl), "other type");
    CHECK(vg_vex_purl_matches("pkg:APK/Alpine/MUSL", musl_purl), "apk names are case-insensitive");
    CHECK(vg_vex_purl_matches("pkg:npm/%40angular/core", "pkg:npm/%40angular/core@17.0.0"), "encoded namespace");
    CHECK(vg_vex_purl_matches("pkg:pypi/Django_Package@1.0", "pkg:pypi/django-package@1.0"), "pypi normalisation");
    CHECK(!vg_vex_purl_matches("not a purl", musl_purl), "non-purl pattern");
    CHECK(!vg_vex_purl_matches("pkg:apk/alpine/musl", NULL), "component without purl");
}

static void test_time(void)
{
    int64_t t = 0;
    CHECK(vex_parse_time("1970-01-01T00:00:00Z", &t) == 0 && t == 0, "epoch");
    CHECK(vex_parse_time("2023-01-08T18:02:03.647787998-06:00", &t) == 0 && t == 1673222523, "offset: %lld",
          (long long)t);
    CHECK(vex_parse_time("2024-02-29T00:00:00+01:00", &t) == 0 && t == 1709161200, "leap day +01:00");
    CHECK(vex_parse_time("2024-03-05", &t) == 0 && t == 1709596800, "date alone");
    CHECK(vex_parse_time("2023-02-29T00:00:00Z", &t) != 0, "no 29 February 2023");
    CHECK(vex_parse_time("2024-01-01T00:00:00", &t) != 0, "no zone");
    CHECK(vex_parse_time("2024-01-01T24:00:00Z", &t) != 0, "hour 24");
    CHECK(vex_parse_time("2024-01-01T00:00:00Zjunk", &t) != 0, "trailing text");
}

/* Two findings (musl, musl-utils) of CVE-2019-14697 and an inventory. */
typedef struct fixture {
    vg_inventory inv;
    vg_findings findings;
    vg_finding items[2];
    const char *ids[2];
} fixture;

static void fixture_init(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    vg_inventory_init(&fx->inv);
    vg_findings_init(&fx->findings);
    fx->ids[0] = "CVE-2019-14697";
    fx->ids[1] = "ALPINE-1";
    for (int i = 0; i < 2; i++) {
        vg_component *c = vg_inventory_add(&fx->inv);
        c->type = "apk";
        c->name = i ? "musl-utils" : "musl";
        c->version = "1.1.22-r2";
        c->purl = i ? "pkg:apk/alpine/musl-utils@1.1.22-r2?arch=x86_64" : musl_purl;
        fx->items[i] = (vg_finding){.component = c, .id = fx->ids[0], .ids = fx->ids, .nids = 2, .score = -1};
    }
    fx->inv.target.digest = "sha256:aaaa";
    fx->findings.items = fx->items;
    fx->findings.n = 2;
}

static void fixture_free(fixture *fx)
{
    fx->findings.items = NULL;
    fx->findings.n = 0;
    vg_findings_free(&fx->findings);
    vg_inventory_free(&fx->inv);
}

static int read_openvex(vg_ctx *ctx, vg_vex *vex, const char *doc)
{
    return vg_vex_read_openvex(ctx, vex, "t.openvex.json", doc, strlen(doc));
}

static void test_openvex(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vex vex;
    vg_vex_init(&vex);
    /* one product with two subcomponents and one plain product: 3 entries;
     * the document timestamp is inherited */
    const char *doc =
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"https://x/1\",\"author\":\"a\","
        "\"timestamp\":\"2024-01-01T00:00:00Z\",\"version\":1,\"statements\":[{"
        "\"vulnerability\":{\"name\":\"CVE-2019-14697\",\"aliases\":[\"GHSA-xxxx\"]},"
        "\"products\":[{\"@id\":\"pkg:oci/alpine@sha256%3Aaaaa\",\"subcomponents\":[{\"@id\":\"pkg:apk/alpine/musl\"},"
        "{\"identifiers\":{\"purl\":\"pkg:apk/alpine/zlib\"}}]},{\"@id\":\"pkg:apk/alpine/busybox\"}],"
        "\"status\":\"not_affected\",\"justification\":\"inline_mitigations_already_exist\"}]}";
    CHECK(read_openvex(&ctx, &vex, doc) == VG_OK, "read: %s", ctx.message);
    CHECK(vex.n == 3, "3 statements, got %zu", vex.n);
    if (vex.n == 3) {
        CHECK(strcmp(vex.items[0].product, "pkg:oci/alpine@sha256%3Aaaaa") == 0 && vex.items[0].subcomponent &&
                  strcmp(vex.items[0].subcomponent, "pkg:apk/alpine/musl") == 0, "product/subcomponent");
        CHECK(vex.items[1].subcomponent && strcmp(vex.items[1].subcomponent, "pkg:apk/alpine/zlib") == 0,
              "identifiers.purl");
        CHECK(!vex.items[2].subcomponent && strcmp(vex.items[2].product, "pkg:apk/alpine/busybox") == 0, "product");
        CHECK(vex.items[0].timestamp == 1704067200, "inherited timestamp");
        CHECK(strcmp(vex.items[0].cdx_justification, "protected_by_mitigating_control") == 0, "justification map");
        CHECK(vex.items[0].naliases == 1, "aliases");
    }
    /* a later statement for musl says affected: it wins over the first */
    const char *later =
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"https://x/2\",\"author\":\"a\","
        "\"timestamp\":\"2024-01-01T00:00:00Z\",\"version\":1,\"statements\":[{"
        "\"vulnerability\":{\"name\":\"cve-2019-14697\"},\"products\":[{\"@id\":\"pkg:apk/alpine/musl@1.1.22-r2\"}],"
        "\"status\":\"affected\",\"action_statement\":\"update\",\"timestamp\":\"2024-01-02T00:00:00Z\"}]}";
    CHECK(read_openvex(&ctx, &vex, later) == VG_OK, "read later: %s", ctx.message);
    fixture fx;
    fixture_init(&fx);
    CHECK(vg_vex_apply(&ctx, &vex, &fx.inv, &fx.findings) == VG_OK, "apply");
    CHECK(!fx.items[0].suppressed && fx.items[0].analysis_state && strcmp(fx.items[0].analysis_state, "exploitable") == 0,
          "latest (affected) wins for musl");
    CHECK(!fx.items[1].suppressed && !fx.items[1].analysis_state, "musl-utils untouched");
    fixture_free(&fx);

    /* the image itself as product, no subcomponents: every component */
    vg_vex all;
    vg_vex_init(&all);
    const char *image =
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"https://x/3\",\"author\":\"a\","
        "\"timestamp\":\"2024-01-01T00:00:00Z\",\"version\":1,\"statements\":[{"
        "\"vulnerability\":{\"name\":\"ALPINE-1\"},\"products\":[{\"@id\":\"pkg:oci/alpine@sha256%3Aaaaa\"}],"
        "\"status\":\"fixed\"}]}";
    CHECK(read_openvex(&ctx, &all, image) == VG_OK, "read image: %s", ctx.message);
    fixture_init(&fx);
    vg_vex_apply(&ctx, &all, &fx.inv, &fx.findings);
    CHECK(fx.items[0].suppressed && fx.items[1].suppressed, "image-wide fixed suppresses both (matched by alias id)");
    CHECK(fx.items[0].analysis_state && strcmp(fx.items[0].analysis_state, "resolved") == 0, "fixed -> resolved");
    fixture_free(&fx);
    vg_vex_free(&all);

    /* refusals keep the list as it was */
    size_t before = vex.n;
    static const char *const bad[] = {
        "not json",
        "{\"@context\":\"https://example.com\",\"statements\":[]}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":{}}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":{\"name\":\"C\"},"
        "\"products\":[{\"@id\":\"pkg:a/b\"}],\"status\":\"not_affected\"}]}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":{\"name\":\"C\"},"
        "\"products\":[{\"@id\":\"pkg:a/b\"}],\"status\":\"maybe\"}]}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":{\"name\":\"C\"},"
        "\"products\":[{\"@id\":\"pkg:a/b\"}],\"status\":\"not_affected\",\"justification\":\"trust_me\"}]}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":{\"name\":\"C\"},"
        "\"products\":[{\"@id\":\"pkg:a/b\"}],\"status\":\"fixed\"},{\"status\":\"fixed\"}]}",
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"timestamp\":\"yesterday\",\"statements\":[]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ctx.message[0] = '\0';
        CHECK(read_openvex(&ctx, &vex, bad[i]) == VG_ERR_FORMAT && vex.n == before && ctx.message[0],
              "bad document %zu accepted or left statements", i);
    }
    vg_vex_free(&vex);
    vg_ctx_free(&ctx);
}

static void test_cyclonedx(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vex vex;
    vg_vex_init(&vex);
    const char *doc =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
        "\"components\":[{\"bom-ref\":\"outer\",\"type\":\"library\",\"name\":\"x\",\"components\":["
        "{\"bom-ref\":\"inner\",\"type\":\"library\",\"name\":\"musl\",\"purl\":\"pkg:apk/alpine/musl@1.1.22-r2\"}]}],"
        "\"vulnerabilities\":["
        "{\"id\":\"CVE-2019-14697\",\"analysis\":{\"state\":\"false_positive\",\"detail\":\"d\"},"
        "\"affects\":[{\"ref\":\"inner\"},{\"ref\":\"outer\"},{\"ref\":\"pkg:apk/alpine/musl-utils\"}]},"
        "{\"id\":\"CVE-2000-1\",\"affects\":[{\"ref\":\"inner\"}]}]}";
    CHECK(vg_vex_read_cyclonedx(&ctx, &vex, "t.cdx.json", doc, strlen(doc)) == VG_OK, "read: %s", ctx.message);
    CHECK(vex.n == 2, "two statements (inner, purl ref), got %zu", vex.n);
    CHECK(vg_warning_count(&ctx) == 1, "outer (no purl) warned about");
    fixture fx;
    fixture_init(&fx);
    vg_vex_apply(&ctx, &vex, &fx.inv, &fx.findings);
    CHECK(fx.items[0].suppressed && strcmp(fx.items[0].analysis_state, "false_positive") == 0, "false_positive");
    CHECK(fx.items[1].suppressed, "musl-utils by purl ref");
    fixture_free(&fx);
    const char *bad = "{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"C\",\"analysis\":{\"state\":"
                      "\"not_affected\",\"justification\":\"because\"},\"affects\":[{\"ref\":\"pkg:a/b\"}]}]}";
    size_t before = vex.n;
    CHECK(vg_vex_read_cyclonedx(&ctx, &vex, "b.json", bad, strlen(bad)) == VG_ERR_FORMAT && vex.n == before,
          "unknown CycloneDX justification accepted");
    vg_vex_free(&vex);
    vg_ctx_free(&ctx);
}

static void test_ignore(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_ignore ig;
    vg_ignore_init(&ig);
    const char *doc = "{\"version\":1,\"ignore\":["
                      "{\"id\":\"CVE-2019-14697\",\"package\":\"musl-utils\",\"reason\":\"r1\",\"expires\":\"2024-01-31\"},"
                      "{\"id\":\"alpine-1\",\"package\":\"pkg:apk/alpine/musl\",\"reason\":\"r2\",\"expires\":\"2024-02-29\"}]}";
    CHECK(vg_ignore_parse(&ctx, &ig, "t.ignore.json", doc, strlen(doc)) == VG_OK, "parse: %s", ctx.message);
    CHECK(ig.n == 2 && ig.rules[0].expires_at == 1706745600, "end of 2024-01-31 UTC");
    fixture fx;
    fixture_init(&fx);
    vg_ignore_apply(&ctx, &ig, 1706745599, &fx.findings); /* 2024-01-31T23:59:59Z */
    CHECK(fx.items[1].suppressed && strstr(fx.items[1].analysis_detail, "r1"), "last second of the expiry day");
    CHECK(fx.items[0].suppressed && strstr(fx.items[0].suppressed_by, "ignore:"), "purl rule, alias id");
    fixture_free(&fx);
    fixture_init(&fx);
    size_t warnings = vg_warning_count(&ctx);
    vg_ignore_apply(&ctx, &ig, 1706745600, &fx.findings); /* 2024-02-01T00:00:00Z */
    CHECK(!fx.items[1].suppressed, "expired rule still applied");
    CHECK(vg_warning_count(&ctx) == warnings + 1 && strstr(ctx.warnings[ctx.nwarnings - 1].message, "expired on 2024-01-31"),
          "expired rule not warned about");
    fixture_free(&fx);
    static const char *const bad[] = {
        "[]",
        "{\"version\":2,\"ignore\":[]}",
        "{\"version\":1,\"ignore\":[],\"extra\":1}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\" \",\"expires\":\"2030-01-01\"}]}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\"r\",\"expires\":\"2023-02-29\"}]}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\"r\",\"expires\":\"2030-1-01\"}]}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\"r\"}]}",
        "{\"version\":1,\"ignore\":[{\"reason\":\"r\",\"expires\":\"2030-01-01\"}]}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\"r\",\"expires\":\"2030-01-01\",\"until\":\"x\"}]}",
        "{\"version\":1,\"ignore\":[{\"id\":\"C\",\"reason\":\"r\",\"expires\":20300101}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(vg_ignore_parse(&ctx, &ig, "b.json", bad[i], strlen(bad[i])) == VG_ERR_FORMAT && ig.n == 2,
              "bad ignore file %zu accepted", i);
    vg_ignore_free(&ig);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_purl_matching();
    test_time();
    test_openvex();
    test_cyclonedx();
    test_ignore();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
