/*
 * sbomread.c — unit test of vg_sbom_read() (sbomread.h) on small documents
 * written here for the rules the e2e fixtures (tests/e2e/scan_sbom.sh) do
 * not reach: SPDX 2.2, the version gates (SPDX-3.0, CycloneDX 1.3 refused
 * as unsupported), the nesting limit, a purl that does not parse (kept by
 * name, warned about), the distro qualifier as the only OS hint (with and
 * without a version), rpm source rpm names in "upstream", and the epoch
 * qualifier.
 */
#include <stdio.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/sbomread.h"

static int failures;

#define CHECK(cond, ...)                                         \
    do {                                                         \
        if (!(cond)) {                                           \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                        \
            fputc('\n', stderr);                                 \
            failures++;                                          \
        }                                                        \
    } while (0)

static int read_doc(const char *doc, vg_ctx *ctx, vg_inventory *inv)
{
    vg_ctx_init(ctx);
    vg_inventory_init(inv);
    return vg_sbom_read(ctx, "t.json", doc, strlen(doc), inv);
}

static const vg_component *find(const vg_inventory *inv, const char *name)
{
    for (size_t i = 0; i < inv->ncomponents; i++)
        if (strcmp(inv->components[i]->name, name) == 0)
            return inv->components[i];
    return NULL;
}

static int eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int main(void)
{
    vg_ctx ctx;
    vg_inventory inv;

    /* SPDX 2.2, rpm with epoch qualifier and a source rpm as upstream, OS
     * from the distro qualifier */
    int rc = read_doc("{\"spdxVersion\":\"SPDX-2.2\",\"name\":\"img\",\"packages\":[{\"name\":\"openssl-libs\","
                      "\"versionInfo\":\"3.0.7-24.el9\",\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\","
                      "\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?"
                      "arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm&distro=rocky-9.3\"}]}]}",
                      &ctx, &inv);
    CHECK(rc == VG_OK, "SPDX 2.2: %s", ctx.message);
    const vg_component *c = find(&inv, "openssl-libs");
    CHECK(c && eq(c->type, "rpm") && eq(c->version, "1:3.0.7-24.el9") && eq(c->arch, "x86_64"), "rpm component");
    CHECK(c && eq(c->source_name, "openssl") && eq(c->source_version, "3.0.7-24.el9"), "source rpm name");
    CHECK(inv.has_os && eq(inv.os.id, "rocky") && eq(inv.os.version_id, "9.3"), "OS from distro");
    CHECK(inv.target.kind == VG_TARGET_SBOM && eq(inv.target.name, "img") && inv.target.digest &&
              strncmp(inv.target.digest, "sha256:", 7) == 0, "target");
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* distro qualifier with a codename only; a purl that does not parse */
    rc = read_doc("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":["
                  "{\"type\":\"library\",\"name\":\"curl\",\"version\":\"7.50.3-1\","
                  "\"purl\":\"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie\"},"
                  "{\"type\":\"library\",\"name\":\"odd\",\"version\":\"1\",\"purl\":\"pkg:npm/odd%zz@1\"},"
                  "{\"type\":\"library\",\"name\":\"no-purl\",\"version\":\"2\"}]}",
                  &ctx, &inv);
    CHECK(rc == VG_OK, "CycloneDX 1.4: %s", ctx.message);
    CHECK(inv.has_os && eq(inv.os.id, "debian") && eq(inv.os.version_codename, "jessie") && !inv.os.version_id,
          "OS codename from distro");
    c = find(&inv, "odd");
    CHECK(c && eq(c->type, "generic") && eq(c->version, "1") && vg_warning_count(&ctx) == 1 && inv.incomplete,
          "bad purl kept by name and warned");
    c = find(&inv, "no-purl");
    CHECK(c && eq(c->type, "generic") && eq(c->version, "2"), "component without purl");
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* version gates */
    rc = read_doc("{\"spdxVersion\":\"SPDX-3.0\",\"packages\":[]}", &ctx, &inv);
    CHECK(rc == VG_ERR_UNSUPPORTED && strstr(ctx.message, "t.json"), "SPDX-3.0: %d", rc);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    rc = read_doc("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.3\",\"components\":[]}", &ctx, &inv);
    CHECK(rc == VG_ERR_UNSUPPORTED, "CycloneDX 1.3: %d", rc);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    rc = read_doc("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":{}}", &ctx, &inv);
    CHECK(rc == VG_ERR_FORMAT, "components not an array: %d", rc);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    rc = read_doc("[1,2,3]", &ctx, &inv);
    CHECK(rc == VG_ERR_FORMAT && strstr(ctx.message, "t.json: not an SBOM"), "array: %s", ctx.message);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* nesting deeper than VG_SBOM_MAX_DEPTH */
    vg_buf doc;
    vg_buf_init(&doc, 1 << 20);
    vg_buf_addstr(&doc, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    for (int i = 0; i < VG_SBOM_MAX_DEPTH + 1; i++)
        vg_buf_addf(&doc, "{\"type\":\"library\",\"name\":\"n%d\",\"components\":[", i);
    for (int i = 0; i < VG_SBOM_MAX_DEPTH + 1; i++)
        vg_buf_addstr(&doc, "]}");
    vg_buf_addstr(&doc, "]}");
    rc = read_doc(doc.data, &ctx, &inv);
    CHECK(rc == VG_ERR_LIMIT, "nesting limit: %d %s", rc, ctx.message);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    vg_buf_free(&doc);

    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
