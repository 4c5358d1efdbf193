/*
 * sbomcheck.c — unit test of the readers of sbomcheck (vigil/sbomcheck.h):
 * what each format's fields become in the neutral model, on small
 * documents written here from the CycloneDX 1.6, SPDX 2.3 and SPDX 3.0.1
 * specifications, and the verdicts that follow; the limits; the CPE 2.3
 * and timestamp shapes.
 */
#include <string.h>

#include "check.h"
#include "vigil/sbomcheck.h"

static int read_doc(const char *text, vg_sbomcheck_doc *doc, vg_ctx *ctx)
{
    vg_ctx_init(ctx);
    return vg_sbomcheck_read(ctx, "test.json", text, strlen(text), doc);
}

static const vg_sbomcheck_result *row(const vg_sbomcheck_report *rep, const char *id)
{
    for (size_t i = 0; i < rep->nresults; i++)
        if (!strcmp(rep->results[i].id, id))
            return &rep->results[i];
    return NULL;
}

static vg_sbomcheck_verdict verdict(const vg_sbomcheck_report *rep, const char *id)
{
    const vg_sbomcheck_result *r = row(rep, id);
    return r ? r->verdict : 0;
}

static const vg_sbomcheck_schema unchecked = {"not checked", 0};

static void cyclonedx(void)
{
    /* CycloneDX 1.6: the 1.4 tools array, nested components, a
     * distribution reference's SHA-512, NOASSERTION properties, a
     * composition naming one list of two. */
    static const char text[] =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"metadata\":{"
        "\"timestamp\":\"2024-01-02T03:04:05+01:00\",\"tools\":[{\"name\":\"t\"}],"
        "\"component\":{\"bom-ref\":\"app\",\"name\":\"app\",\"version\":\"1\","
        "\"components\":[{\"bom-ref\":\"inner\",\"name\":\"inner\",\"version\":\"2\","
        "\"supplier\":{\"name\":\"S\",\"contact\":[{\"email\":\"s@example.test\"}]},"
        "\"externalReferences\":[{\"type\":\"distribution\",\"url\":\"x\",\"hashes\":[{\"alg\":\"SHA-512\",\"content\":\"00\"}]}],"
        "\"properties\":[{\"name\":\"bsi:component:filename\",\"value\":\"NOASSERTION\"},"
        "{\"name\":\"bsi:component:archive\",\"value\":\"no archive\"}],"
        "\"licenses\":[{\"license\":{\"name\":\"NOASSERTION\",\"acknowledgement\":\"concluded\"}},"
        "{\"expression\":\"MIT OR Apache-2.0\"}]}]}},"
        "\"dependencies\":[{\"ref\":\"app\",\"dependsOn\":[\"inner\"]},{\"ref\":\"inner\"}],"
        "\"compositions\":[{\"aggregate\":\"unknown\",\"dependencies\":[\"app\"]}]}";
    vg_ctx ctx;
    vg_sbomcheck_doc doc;
    int rc = read_doc(text, &doc, &ctx);
    CHECK(rc == VG_OK, "cyclonedx: %s", ctx.message);
    if (rc == VG_OK) {
        CHECK(doc.format == VG_SBOMCHECK_CYCLONEDX && !strcmp(doc.spec_version, "1.6"), "format");
        CHECK(doc.ntools == 1 && doc.nauthors == 0, "tools %zu authors %zu", doc.ntools, doc.nauthors);
        CHECK(doc.ncomponents == 2 && doc.primary == 0, "components %zu primary %ld", doc.ncomponents, doc.primary);
        const vg_sbomcheck_component *in = &doc.components[1];
        CHECK(in->creator_contact && in->supplier && !strcmp(in->supplier, "S"), "supplier contact");
        CHECK(in->nhashes == 1 && !strcmp(in->hash_algs[0], "SHA-512"), "distribution hash");
        CHECK(!in->filename && in->archive && !strcmp(in->archive, "no archive"), "NOASSERTION property");
        CHECK(in->nlicences == 2 && in->licences[0].kind == VG_SBOMCHECK_LICENCE_NOASSERTION &&
                  in->licences[0].concluded && in->licences[1].kind == VG_SBOMCHECK_LICENCE_EXPRESSION &&
                  !in->licences[1].concluded,
              "licences");
        CHECK(doc.components[0].completeness_stated && !in->completeness_stated, "compositions");
        CHECK(doc.components[0].has_dependency_entry && in->has_dependency_entry, "dependency entries");
        vg_sbomcheck_report rep;
        CHECK(vg_sbomcheck_run(&ctx, &doc, &unchecked, &rep) == VG_OK, "run");
        CHECK(rep.nresults == 44, "%zu rows: docs/sbom-check.md lists 44 (and ROWS in requirements.c has room "
              "for 64)", rep.nresults);
        CHECK(verdict(&rep, "bsi.completeness") == VG_SBOMCHECK_FAIL, "inner's list is not named");
        CHECK(row(&rep, "bsi.completeness")->nfailing == 1 && row(&rep, "bsi.completeness")->failing[0] == 1,
              "the failing one is inner");
        CHECK(verdict(&rep, "bsi.licences") == VG_SBOMCHECK_FAIL, "NOASSERTION is no distribution licence");
        CHECK(verdict(&rep, "bsi.original-licences") == VG_SBOMCHECK_FAIL, "app has none");
        CHECK(verdict(&rep, "ntia.timestamp") == VG_SBOMCHECK_PASS, "a +01:00 offset is RFC 3339");
        CHECK(verdict(&rep, "ntia.author") == VG_SBOMCHECK_PASS, "a tool is an author for NTIA");
        CHECK(verdict(&rep, "bsi.creator") == VG_SBOMCHECK_FAIL, "a tool gives no contact");
        CHECK(verdict(&rep, "ntia.dependencies") == VG_SBOMCHECK_PASS, "app -> inner");
        CHECK(verdict(&rep, "valid.schema") == VG_SBOMCHECK_NOT_CHECKED, "schema");
        CHECK(verdict(&rep, "valid.cpe") == VG_SBOMCHECK_NOT_APPLICABLE, "no CPE");
    }
    vg_sbomcheck_doc_free(&doc);
    vg_ctx_free(&ctx);
}

static void spdx2(void)
{
    /* SPDX 2.3: DEPENDENCY_OF reversed, a DESCRIBES relationship for the
     * primary package, NONE as a completeness statement, NOASSERTION
     * supplier, a DocumentRef- external element, a CPE 2.3 with a bad part. */
    static const char text[] =
        "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"creationInfo\":{"
        "\"created\":\"2024-01-01T00:00:00Z\",\"creators\":[\"Organization: O (o@example.test)\",\"Tool: t\"]},"
        "\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\",\"versionInfo\":\"1\",\"supplier\":\"NOASSERTION\","
        "\"licenseConcluded\":\"NOASSERTION\",\"licenseDeclared\":\"MIT AND\"},"
        "{\"SPDXID\":\"SPDXRef-b\",\"name\":\"b\",\"supplier\":\"Person: P\","
        "\"externalRefs\":[{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
        "\"referenceLocator\":\"cpe:2.3:x:v:p:1:*:*:*:*:*:*:*\"}]}],"
        "\"relationships\":[{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relationshipType\":\"DESCRIBES\",\"relatedSpdxElement\":\"SPDXRef-a\"},"
        "{\"spdxElementId\":\"SPDXRef-b\",\"relationshipType\":\"DEPENDENCY_OF\",\"relatedSpdxElement\":\"SPDXRef-a\"},"
        "{\"spdxElementId\":\"SPDXRef-b\",\"relationshipType\":\"DEPENDS_ON\",\"relatedSpdxElement\":\"NONE\"},"
        "{\"spdxElementId\":\"SPDXRef-a\",\"relationshipType\":\"DEPENDS_ON\",\"relatedSpdxElement\":\"DocumentRef-x:SPDXRef-y\"}]}";
    vg_ctx ctx;
    vg_sbomcheck_doc doc;
    int rc = read_doc(text, &doc, &ctx);
    CHECK(rc == VG_OK, "spdx2: %s", ctx.message);
    if (rc == VG_OK) {
        CHECK(doc.format == VG_SBOMCHECK_SPDX2 && !strcmp(doc.spec_version, "2.3"), "format");
        CHECK(doc.nauthors == 1 && doc.author_contact && doc.ntools == 1, "creators");
        CHECK(doc.primary == 0, "DESCRIBES: %ld", doc.primary);
        CHECK(doc.nedges == 2 && !strcmp(doc.edges[0].from, "SPDXRef-a") && !strcmp(doc.edges[0].to, "SPDXRef-b"),
              "DEPENDENCY_OF reversed");
        CHECK(!doc.components[0].supplier && doc.components[1].supplier, "NOASSERTION supplier");
        CHECK(doc.components[1].completeness_stated && !doc.components[0].completeness_stated, "NONE");
        vg_sbomcheck_report rep;
        CHECK(vg_sbomcheck_run(&ctx, &doc, &unchecked, &rep) == VG_OK, "run");
        CHECK(verdict(&rep, "valid.references") == VG_SBOMCHECK_PASS, "DocumentRef- is external");
        CHECK(verdict(&rep, "valid.cpe") == VG_SBOMCHECK_FAIL, "part x");
        CHECK(verdict(&rep, "valid.licence") == VG_SBOMCHECK_FAIL, "MIT AND");
        CHECK(verdict(&rep, "ntia.version") == VG_SBOMCHECK_FAIL, "b has no version");
        CHECK(verdict(&rep, "bsi.format") == VG_SBOMCHECK_FAIL, "SPDX 2.3");
        CHECK(verdict(&rep, "bsi.creator") == VG_SBOMCHECK_PASS, "o@example.test");
        CHECK(verdict(&rep, "cisa.type") == VG_SBOMCHECK_FAIL, "no type in SPDX 2");
        CHECK(verdict(&rep, "bsi.executable") == VG_SBOMCHECK_NOT_CHECKED, "no SPDX 2 field");
    }
    vg_sbomcheck_doc_free(&doc);
    vg_ctx_free(&ctx);
}

static void spdx3(void)
{
    /* SPDX 3.0.1: a blank-node CreationInfo, suppliedBy resolved to an
     * Organization with an e-mail identifier, a listed licence by IRI, the
     * NoAssertion individual, completeness on a dependsOn. */
    static const char text[] =
        "{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":["
        "{\"type\":\"CreationInfo\",\"@id\":\"_:c\",\"specVersion\":\"3.0.1\",\"created\":\"2024-01-01T00:00:00Z\","
        "\"createdBy\":[\"urn:o\"]},"
        "{\"type\":\"Organization\",\"spdxId\":\"urn:o\",\"creationInfo\":\"_:c\",\"name\":\"O\","
        "\"externalIdentifier\":[{\"type\":\"ExternalIdentifier\",\"externalIdentifierType\":\"email\",\"identifier\":\"o@example.test\"}]},"
        "{\"type\":\"SpdxDocument\",\"spdxId\":\"urn:d\",\"creationInfo\":\"_:c\",\"rootElement\":[\"urn:s\"]},"
        "{\"type\":\"software_Sbom\",\"spdxId\":\"urn:s\",\"creationInfo\":\"_:c\",\"rootElement\":[\"urn:p\"],"
        "\"software_sbomType\":[\"build\"]},"
        "{\"type\":\"software_Package\",\"spdxId\":\"urn:p\",\"creationInfo\":\"_:c\",\"name\":\"p\","
        "\"software_packageVersion\":\"1\",\"suppliedBy\":\"urn:o\",\"software_packageUrl\":\"pkg:generic/p@1\","
        "\"verifiedUsing\":[{\"type\":\"Hash\",\"algorithm\":\"sha512\",\"hashValue\":\"00\"}]},"
        "{\"type\":\"software_Package\",\"spdxId\":\"urn:q\",\"creationInfo\":\"_:c\",\"name\":\"q\"},"
        "{\"type\":\"Relationship\",\"spdxId\":\"urn:r1\",\"creationInfo\":\"_:c\",\"from\":\"urn:p\",\"to\":[\"urn:q\"],"
        "\"relationshipType\":\"dependsOn\",\"completeness\":\"incomplete\"},"
        "{\"type\":\"Relationship\",\"spdxId\":\"urn:r2\",\"creationInfo\":\"_:c\",\"from\":\"urn:p\","
        "\"to\":[\"https://spdx.org/licenses/MIT\"],\"relationshipType\":\"hasConcludedLicense\"},"
        "{\"type\":\"Relationship\",\"spdxId\":\"urn:r3\",\"creationInfo\":\"_:c\",\"from\":\"urn:q\","
        "\"to\":[\"https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense\"],\"relationshipType\":\"hasDeclaredLicense\"}]}";
    vg_ctx ctx;
    vg_sbomcheck_doc doc;
    int rc = read_doc(text, &doc, &ctx);
    CHECK(rc == VG_OK, "spdx3: %s", ctx.message);
    if (rc == VG_OK) {
        CHECK(doc.format == VG_SBOMCHECK_SPDX3 && !strcmp(doc.spec_version, "3.0.1"), "format");
        CHECK(doc.nauthors == 1 && doc.author_contact, "createdBy");
        CHECK(doc.type && !strcmp(doc.type, "build"), "sbomType");
        CHECK(doc.ncomponents == 2 && doc.primary == 0, "root element");
        const vg_sbomcheck_component *p = &doc.components[0], *q = &doc.components[1];
        CHECK(p->supplier && !strcmp(p->supplier, "O") && p->creator_contact, "suppliedBy resolved");
        CHECK(p->npurls == 1 && p->nhashes == 1, "purl and hash");
        CHECK(p->nlicences == 1 && p->licences[0].kind == VG_SBOMCHECK_LICENCE_ID &&
                  !strcmp(p->licences[0].text, "MIT") && p->licences[0].concluded,
              "listed licence");
        CHECK(q->nlicences == 1 && q->licences[0].kind == VG_SBOMCHECK_LICENCE_NOASSERTION, "NoAssertionLicense");
        CHECK(p->completeness_stated && !q->completeness_stated, "completeness");
        vg_sbomcheck_report rep;
        CHECK(vg_sbomcheck_run(&ctx, &doc, &unchecked, &rep) == VG_OK, "run");
        CHECK(verdict(&rep, "bsi.hash") == VG_SBOMCHECK_FAIL && row(&rep, "bsi.hash")->nfailing == 1, "q has no hash");
        CHECK(verdict(&rep, "bsi.completeness") == VG_SBOMCHECK_PASS, "q has no list; p's is stated");
        CHECK(verdict(&rep, "cisa.license") == VG_SBOMCHECK_PASS, "p: MIT");
        CHECK(verdict(&rep, "cisa.license-all") == VG_SBOMCHECK_FAIL, "q: NOASSERTION");
        CHECK(verdict(&rep, "bsi.filename") == VG_SBOMCHECK_NOT_CHECKED, "no SPDX 3 field read");
        CHECK(verdict(&rep, "valid.references") == VG_SBOMCHECK_PASS, "urn:q exists");
    }
    vg_sbomcheck_doc_free(&doc);
    vg_ctx_free(&ctx);
}

static void refused(const char *text, int want, const char *what)
{
    vg_ctx ctx;
    vg_sbomcheck_doc doc;
    int rc = read_doc(text, &doc, &ctx);
    CHECK(rc == want && ctx.message[0], "%s: status %d (%s), want %d", what, rc, ctx.message, want);
    vg_sbomcheck_doc_free(&doc);
    vg_ctx_free(&ctx);
}

int main(void)
{
    cyclonedx();
    spdx2();
    spdx3();
    refused("[1]", VG_ERR_FORMAT, "an array");
    refused("{\"a\":1}", VG_ERR_FORMAT, "neither format");
    refused("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.3\"}", VG_ERR_UNSUPPORTED, "CycloneDX 1.3");
    refused("{\"spdxVersion\":\"SPDX-2.1\"}", VG_ERR_UNSUPPORTED, "SPDX 2.1");
    refused("{\"@graph\":[{\"type\":\"SpdxDocument\",\"creationInfo\":{\"specVersion\":\"3.0.0\"}}]}",
            VG_ERR_UNSUPPORTED, "SPDX 3.0.0");
    refused("{\"@graph\":[]}", VG_ERR_FORMAT, "SPDX 3 without a document");
    refused("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{", VG_ERR_FORMAT, "truncated");
    /* components nested deeper than VG_SBOMCHECK_MAX_DEPTH */
    {
        static char deep[8192];
        size_t n = 0;
        n += (size_t)snprintf(deep + n, sizeof deep - n, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
        for (int i = 0; i <= VG_SBOMCHECK_MAX_DEPTH + 1; i++)
            n += (size_t)snprintf(deep + n, sizeof deep - n, "{\"name\":\"c\",\"components\":[");
        for (int i = 0; i <= VG_SBOMCHECK_MAX_DEPTH + 1; i++)
            n += (size_t)snprintf(deep + n, sizeof deep - n, "]}");
        snprintf(deep + n, sizeof deep - n, "]}");
        refused(deep, VG_ERR_LIMIT, "nested too deep");
    }
    return failures ? 1 : 0;
}
