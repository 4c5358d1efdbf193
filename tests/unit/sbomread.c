/*
 * sbomread.c — unit test of vg_sbom_read() (sbomread.h) on small documents
 * written here for the rules the e2e fixtures (tests/e2e/scan_sbom.sh) do
 * not reach: SPDX 2.2, the version gates (SPDX-3.0, CycloneDX 1.3 refused
 * as unsupported), the nesting limit, a purl that does not parse (kept by
 * name, warned about), the distro qualifier as the only OS hint (with and
 * without a version), rpm source rpm names in "upstream", and the epoch
 * qualifier; and what test_graph() checks: names as written (Python) or
 * with their module path (Go), every place a component was found, vigil's
 * properties, the rpm modularity label as Trivy and Syft write it, and the
 * graph from CycloneDX dependencies, nested components and SPDX
 * relationships (vigil's, Syft's ownership-by-file-overlap, DEPENDENCY_OF).
 */
#include <stdio.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/sbomread.h"
#include "check.h"

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

/* The edge from the component named from to the one named to, or NULL. */
static const vg_edge *edge(const vg_inventory *inv, const char *from, const char *to)
{
    for (size_t i = 0; i < inv->nedges; i++)
        if (eq(inv->edges[i].from->name, from) && eq(inv->edges[i].to->name, to))
            return &inv->edges[i];
    return NULL;
}

static const char *property(const vg_component *c, const char *name)
{
    for (const vg_property *p = c ? c->properties : NULL; p; p = p->next)
        if (eq(p->name, name))
            return p->value;
    return NULL;
}

static void test_graph(void)
{
    vg_ctx ctx;
    vg_inventory inv;
    /* vigil's CycloneDX: places, properties, names, CONTAINS written as dependsOn */
    int rc = read_doc(
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
        "{\"type\":\"library\",\"bom-ref\":\"d\",\"name\":\"python3-yaml\",\"version\":\"6.0-3\","
        "\"purl\":\"pkg:deb/debian/python3-yaml@6.0-3?arch=amd64&distro=debian-12\"},"
        "{\"type\":\"library\",\"bom-ref\":\"y\",\"name\":\"PyYAML\",\"version\":\"6.0\",\"scope\":\"excluded\","
        "\"purl\":\"pkg:pypi/pyyaml@6.0\",\"licenses\":[{\"license\":{\"id\":\"MIT\"}}],"
        "\"evidence\":{\"occurrences\":[{\"location\":\"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\"},"
        "{\"location\":\"b/requirements.txt\"}]},\"properties\":["
        "{\"name\":\"vigil:location\",\"value\":\"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\"},"
        "{\"name\":\"vigil:cataloger\",\"value\":\"python\"},{\"name\":\"vigil:license:declared\",\"value\":\"MIT License\"},"
        "{\"name\":\"vigil:pypi:x\",\"value\":\"1\"},{\"name\":\"syft:package:foundBy\",\"value\":\"x\"}]},"
        "{\"type\":\"library\",\"bom-ref\":\"n\",\"name\":\"net\",\"version\":\"v0.1.0\","
        "\"purl\":\"pkg:golang/golang.org/x/net@v0.1.0\"},"
        "{\"type\":\"library\",\"bom-ref\":\"a\",\"name\":\"github.com/Azure/go-autorest\",\"version\":\"v1.0.0\","
        "\"purl\":\"pkg:golang/github.com/Azure/go-autorest@v1.0.0\"}],"
        "\"dependencies\":[{\"ref\":\"vigil:target\",\"dependsOn\":[\"d\"]},{\"ref\":\"d\",\"dependsOn\":[\"y\",\"x\"]},"
        "{\"ref\":\"a\",\"dependsOn\":[\"n\"]}]}",
        &ctx, &inv);
    CHECK(rc == VG_OK, "vigil CycloneDX: %s", ctx.message);
    const vg_component *y = find(&inv, "PyYAML");
    CHECK(y && y->nlocations == 2 && eq(y->locations[0], "b/requirements.txt") &&
              eq(y->locations[1], "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"),
          "places of PyYAML");
    CHECK(y && eq(y->cataloger, "python") && eq(y->license, "MIT License") && y->scope == VG_SCOPE_DEV &&
              eq(property(y, "vigil:pypi:x"), "1") && !property(y, "syft:package:foundBy") &&
              !property(y, "vigil:location"),
          "facts of PyYAML");
    CHECK(find(&inv, "golang.org/x/net") && find(&inv, "github.com/Azure/go-autorest") &&
              eq(find(&inv, "github.com/Azure/go-autorest")->purl, "pkg:golang/github.com/Azure/go-autorest@v1.0.0"),
          "Go modules keep their path");
    const vg_edge *e = edge(&inv, "python3-yaml", "PyYAML");
    CHECK(e && e->kind == VG_EDGE_CONTAINS, "deb -> pypi is CONTAINS");
    e = edge(&inv, "github.com/Azure/go-autorest", "golang.org/x/net");
    CHECK(e && e->kind == VG_EDGE_DEPENDS_ON && inv.nedges == 2, "golang -> golang is DEPENDS_ON, %zu edges", inv.nedges);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* Trivy CycloneDX: the modularity label and the source rpm; nested
     * components (cdxgen) are CONTAINed */
    rc = read_doc("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
                  "{\"type\":\"library\",\"name\":\"nodejs\",\"version\":\"1:18.20.8-1.module+el8.10.0+23091+f8fc3a53\","
                  "\"purl\":\"pkg:rpm/redhat/nodejs@18.20.8-1.module%2Bel8.10.0%2B23091%2Bf8fc3a53?arch=x86_64&distro=rhel-8.10&epoch=1\","
                  "\"properties\":[{\"name\":\"aquasecurity:trivy:Modularitylabel\",\"value\":\"nodejs:18:8100020250506132245:489197e6\"},"
                  "{\"name\":\"aquasecurity:trivy:SrcName\",\"value\":\"nodejs\"},"
                  "{\"name\":\"aquasecurity:trivy:SrcVersion\",\"value\":\"18.20.8\"},"
                  "{\"name\":\"aquasecurity:trivy:SrcRelease\",\"value\":\"1.module+el8.10.0+23091+f8fc3a53\"}]},"
                  "{\"type\":\"library\",\"name\":\"lodash\",\"version\":\"4.17.21\",\"purl\":\"pkg:npm/lodash@4.17.21\","
                  "\"components\":[{\"type\":\"library\",\"name\":\"lodash.merge\",\"version\":\"4.6.1\","
                  "\"purl\":\"pkg:npm/lodash.merge@4.6.1\"}]},"
                  "{\"type\":\"library\",\"name\":\"perl\",\"version\":\"5.26.3-422.el8\","
                  "\"purl\":\"pkg:rpm/redhat/perl@5.26.3-422.el8?arch=x86_64&distro=rhel-8.9\","
                  "\"properties\":[{\"name\":\"syft:metadata:modularityLabel\",\"value\":\"perl:5.26:8090020230807:9fe1d287\"}]}]}",
                  &ctx, &inv);
    CHECK(rc == VG_OK, "Trivy CycloneDX: %s", ctx.message);
    const vg_component *n = find(&inv, "nodejs");
    CHECK(n && eq(property(n, "vigil:rpm:modularityLabel"), "nodejs:18:8100020250506132245:489197e6") &&
              eq(n->source_name, "nodejs") && eq(n->source_version, "18.20.8-1.module+el8.10.0+23091+f8fc3a53") &&
              strstr(n->purl, "distro=rhel-8.10"),
          "Trivy's modularity label and source");
    CHECK(eq(property(find(&inv, "perl"), "vigil:rpm:modularityLabel"), "perl:5.26:8090020230807:9fe1d287") &&
              strstr(find(&inv, "perl")->purl, "distro=rhel-8.9"),
          "Syft's modularity label; each purl keeps its distro");
    e = edge(&inv, "lodash", "lodash.merge");
    CHECK(e && e->kind == VG_EDGE_CONTAINS, "nested component CONTAINed");
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* SPDX: vigil's and Trivy's annotations, Syft's relationships */
    rc = read_doc("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":["
                  "{\"SPDXID\":\"SPDXRef-d\",\"name\":\"python3-cryptography\",\"versionInfo\":\"38.0.4-3\",\"externalRefs\":"
                  "[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:deb/debian/python3-cryptography@38.0.4-3\"}]},"
                  "{\"SPDXID\":\"SPDXRef-p\",\"name\":\"cryptography\",\"versionInfo\":\"38.0.4\",\"externalRefs\":"
                  "[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:pypi/cryptography@38.0.4\"}],\"annotations\":["
                  "{\"comment\":\"vigil:location: usr/lib/python3/dist-packages/cryptography.egg-info/PKG-INFO\"},"
                  "{\"comment\":\"vigil:location: usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA\"},"
                  "{\"comment\":\"vigil:cataloger: python\"},{\"comment\":\"no separator\"}]},"
                  "{\"SPDXID\":\"SPDXRef-c\",\"name\":\"cffi\",\"versionInfo\":\"1.15\",\"externalRefs\":"
                  "[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:pypi/cffi@1.15\"}]},"
                  "{\"SPDXID\":\"SPDXRef-r\",\"name\":\"nodejs\",\"versionInfo\":\"18.20.8-1.module+el8\",\"externalRefs\":"
                  "[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:rpm/redhat/nodejs@18.20.8-1.module%2Bel8\"}],"
                  "\"annotations\":[{\"comment\":\"Modularitylabel: nodejs:18:1:abc\"},{\"comment\":\"SrcName: nodejs\"}]}],"
                  "\"relationships\":["
                  "{\"spdxElementId\":\"SPDXRef-d\",\"relatedSpdxElement\":\"SPDXRef-p\",\"relationshipType\":\"OTHER\","
                  "\"comment\":\"ownership-by-file-overlap: indicates that the parent package claims ownership\"},"
                  "{\"spdxElementId\":\"SPDXRef-c\",\"relatedSpdxElement\":\"SPDXRef-p\",\"relationshipType\":\"DEPENDENCY_OF\"},"
                  "{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relatedSpdxElement\":\"SPDXRef-p\",\"relationshipType\":\"DESCRIBES\"}]}",
                  &ctx, &inv);
    CHECK(rc == VG_OK, "SPDX: %s", ctx.message);
    const vg_component *p = find(&inv, "cryptography");
    CHECK(p && p->nlocations == 2 && eq(p->location, "usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA") &&
              eq(p->cataloger, "python"),
          "vigil's SPDX annotations");
    CHECK(eq(property(find(&inv, "nodejs"), "vigil:rpm:modularityLabel"), "nodejs:18:1:abc") &&
              eq(find(&inv, "nodejs")->source_name, "nodejs"),
          "Trivy's SPDX annotations");
    e = edge(&inv, "python3-cryptography", "cryptography");
    CHECK(e && e->kind == VG_EDGE_CONTAINS, "Syft's ownership-by-file-overlap is CONTAINS");
    e = edge(&inv, "cryptography", "cffi");
    CHECK(e && e->kind == VG_EDGE_DEPENDS_ON && inv.nedges == 2, "DEPENDENCY_OF reversed");
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_graph();
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
