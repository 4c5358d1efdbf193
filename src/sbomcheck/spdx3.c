/*
 * spdx3.c — SPDX 3.0.1 JSON-LD (spdx.github.io/spdx-spec/v3.0.1, the
 * serialization of the spdx-3.0.1 context) read for sbomcheck: the
 * elements of @graph by type.  CreationInfo (created, createdBy,
 * createdUsing, specVersion) of the SpdxDocument; software_Sbom
 * (software_sbomType, rootElement) and SpdxDocument rootElement (the
 * primary component); every package (software_Package, ai_AIPackage,
 * dataset_DatasetPackage) with name, software_packageVersion, suppliedBy /
 * originatedBy (resolved to the Agent's name and e-mail identifier),
 * verifiedUsing hashes, externalIdentifier (packageUrl, cpe22, cpe23,
 * swid, gitoid, swhid), software_packageUrl, software_copyrightText;
 * Relationship and LifecycleScopedRelationship (dependsOn, contains,
 * has*Link, hasPrerequisite; hasDeclaredLicense / hasConcludedLicense to
 * a LicenseExpression, a ListedLicense or the NoAssertion / None
 * individuals; completeness; the NoneElement / NoAssertionElement
 * individuals as targets state a list's completeness, they are no edge).  Every other element's spdxId is kept for
 * the reference checks.  Leaves out: JSON-LD processing (an expanded or
 * compacted-elsewhere document is not understood: the @context must be
 * the SPDX 3.0.1 one and names are read as it defines them), the BSI
 * TR-03183-2 filename and executable/archive/structured properties.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct element {
    const char *id;
    const vg_jval *v;
    long component; /* its index in doc->components, or -1 */
} element;

typedef struct spdx3_reader {
    vg_ctx *ctx;
    const char *name;
    vg_sbomcheck_doc *doc;
    element *elements; /* sorted by id */
    size_t nelements;
} spdx3_reader;

static int element_cmp(const void *a, const void *b)
{
    return strcmp(((const element *)a)->id, ((const element *)b)->id);
}

static const element *find_element(const spdx3_reader *r, const char *id)
{
    if (!id)
        return NULL;
    element key = {id, NULL, -1};
    return bsearch(&key, r->elements, r->nelements, sizeof key, element_cmp);
}

static const vg_jval *find(const spdx3_reader *r, const char *id)
{
    const element *e = find_element(r, id);
    return e ? e->v : NULL;
}

/* A value that is either an object or the @id of one. */
static const vg_jval *deref(const spdx3_reader *r, const vg_jval *v)
{
    return vg_jval_is(v, VG_JOBJECT) ? v : find(r, vg_jval_str(v));
}

static int is_package(const char *type)
{
    return type && (!strcmp(type, "software_Package") || !strcmp(type, "ai_AIPackage") ||
                    !strcmp(type, "dataset_DatasetPackage"));
}

/* An agent: its name, and whether an e-mail identifier or URL is given. */
static void agent(const vg_jval *a, const char **name, int *contact)
{
    if (!a)
        return;
    if (!*name)
        *name = sbomcheck_str(a, "name");
    const vg_jval *ids = vg_jval_get(a, "externalIdentifier");
    for (size_t i = 0; i < vg_jval_size(ids); i++) {
        const vg_jval *e = vg_jval_item(ids, i);
        const char *t = sbomcheck_str(e, "externalIdentifierType");
        if (t && (!strcmp(t, "email") || !strcmp(t, "urlScheme")) && sbomcheck_is_contact(sbomcheck_str(e, "identifier")))
            *contact = 1;
    }
}

static int read_package(spdx3_reader *r, const vg_jval *p)
{
    vg_sbomcheck_component *c = sbomcheck_add_component(r->ctx, r->name, r->doc);
    if (!c)
        return VG_ERR_LIMIT;
    c->ref = sbomcheck_str(p, "spdxId");
    c->name = sbomcheck_str(p, "name");
    c->version = sbomcheck_str(p, "software_packageVersion");
    c->copyright = sbomcheck_str(p, "software_copyrightText");
    agent(deref(r, vg_jval_get(p, "suppliedBy")), &c->supplier, &c->creator_contact);
    const vg_jval *orig = vg_jval_get(p, "originatedBy");
    for (size_t i = 0; i < vg_jval_size(orig); i++)
        agent(deref(r, vg_jval_item(orig, i)), &c->supplier, &c->creator_contact);
    int rc = VG_OK;
    const char *purl = sbomcheck_str(p, "software_packageUrl");
    if (purl)
        rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->purls, &c->npurls, SBOMCHECK_FIELD_MAX, purl);
    const vg_jval *ids = vg_jval_get(p, "externalIdentifier");
    for (size_t i = 0; i < vg_jval_size(ids) && !rc; i++) {
        const vg_jval *e = vg_jval_item(ids, i);
        const char *t = sbomcheck_str(e, "externalIdentifierType"), *id = sbomcheck_str(e, "identifier");
        if (!t || !id)
            continue;
        if (!strcmp(t, "packageUrl")) {
            if (!purl || strcmp(purl, id))
                rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->purls, &c->npurls, SBOMCHECK_FIELD_MAX, id);
        } else if (!strcmp(t, "cpe23") || !strcmp(t, "cpe22"))
            rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->cpes, &c->ncpes, SBOMCHECK_FIELD_MAX, id);
        else if (!strcmp(t, "swid") || !strcmp(t, "gitoid") || !strcmp(t, "swhid"))
            c->nother_ids++;
    }
    const vg_jval *hashes = vg_jval_get(p, "verifiedUsing");
    for (size_t i = 0; i < vg_jval_size(hashes) && !rc; i++) {
        const char *alg = sbomcheck_str(vg_jval_item(hashes, i), "algorithm");
        if (alg)
            rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->hash_algs, &c->nhashes, SBOMCHECK_FIELD_MAX, alg);
    }
    return rc;
}

static vg_sbomcheck_component *component(const spdx3_reader *r, const char *id)
{
    const element *e = find_element(r, id);
    return e && e->component >= 0 ? &r->doc->components[e->component] : NULL;
}

/* The licence the relationship points at, as sbomcheck keeps it. */
static int add_licence(spdx3_reader *r, vg_sbomcheck_component *c, const char *to, int concluded)
{
    static const char terms[] = "https://spdx.org/rdf/3.0.1/terms/";
    vg_arena *a = &r->doc->arena;
    if (!strncmp(to, terms, sizeof terms - 1)) {
        const char *tail = to + sizeof terms - 1;
        if (strstr(tail, "NoAssertionLicense"))
            return sbomcheck_push_licence(r->ctx, a, c, VG_SBOMCHECK_LICENCE_NOASSERTION, "NOASSERTION", concluded);
        if (strstr(tail, "NoneLicense"))
            return sbomcheck_push_licence(r->ctx, a, c, VG_SBOMCHECK_LICENCE_NONE, "NONE", concluded);
    }
    const vg_jval *l = find(r, to);
    const char *type = sbomcheck_str(l, "type");
    if (type && !strcmp(type, "simplelicensing_LicenseExpression")) {
        const char *e = sbomcheck_str(l, "simplelicensing_licenseExpression");
        return e ? sbomcheck_push_licence(r->ctx, a, c, VG_SBOMCHECK_LICENCE_EXPRESSION, e, concluded) : VG_OK;
    }
    static const char listed[] = "https://spdx.org/licenses/";
    if (!strncmp(to, listed, sizeof listed - 1))
        return sbomcheck_push_licence(r->ctx, a, c, VG_SBOMCHECK_LICENCE_ID, to + sizeof listed - 1, concluded);
    const char *n = l ? sbomcheck_str(l, "name") : NULL;
    return sbomcheck_push_licence(r->ctx, a, c, VG_SBOMCHECK_LICENCE_NAME, n ? n : to, concluded);
}

/* The Core individuals NoneElement ("no element": a complete, empty list)
 * and NoAssertionElement (not known), compacted by the 3.0.1 context or
 * written in full: statements about a relationship, not elements it leads
 * to. */
static int no_element(const char *to)
{
    static const char core[] = "https://spdx.org/rdf/3.0.1/terms/Core/";
    if (!strncmp(to, core, sizeof core - 1))
        to += sizeof core - 1;
    return !strcmp(to, "NoneElement") || !strcmp(to, "NoAssertionElement");
}

static int is_dependency(const char *type)
{
    static const char *const deps[] = {"dependsOn", "contains", "hasDynamicLink", "hasStaticLink",
                                       "hasPrerequisite", "hasOptionalDependency", "hasProvidedDependency"};
    for (size_t i = 0; i < sizeof deps / sizeof *deps; i++)
        if (!strcmp(type, deps[i]))
            return 1;
    return 0;
}

static int read_relationship(spdx3_reader *r, const vg_jval *rel)
{
    const char *from = sbomcheck_str(rel, "from"), *type = sbomcheck_str(rel, "relationshipType");
    const vg_jval *to = vg_jval_get(rel, "to");
    if (!from || !type)
        return VG_OK;
    int declared = !strcmp(type, "hasDeclaredLicense"), concluded = !strcmp(type, "hasConcludedLicense");
    int rc = VG_OK;
    if (declared || concluded) {
        vg_sbomcheck_component *c = component(r, from);
        for (size_t i = 0; c && i < vg_jval_size(to) && !rc; i++) {
            const char *t = vg_jval_str(vg_jval_item(to, i));
            if (t)
                rc = add_licence(r, c, t, concluded);
        }
        return rc;
    }
    if (!is_dependency(type))
        return VG_OK;
    if (sbomcheck_str(rel, "completeness")) {
        vg_sbomcheck_component *c = component(r, from);
        r->doc->ncompleteness++;
        if (c)
            c->completeness_stated = 1;
    }
    for (size_t i = 0; i < vg_jval_size(to) && !rc; i++) {
        const char *t = vg_jval_str(vg_jval_item(to, i));
        if (t && !no_element(t))
            rc = sbomcheck_add_edge(r->ctx, r->name, r->doc, from, t);
    }
    return rc;
}

static int read_creation(spdx3_reader *r, const vg_jval *info)
{
    vg_sbomcheck_doc *doc = r->doc;
    doc->timestamp = sbomcheck_str(info, "created");
    const char *v = sbomcheck_str(info, "specVersion");
    if (!v || strcmp(v, "3.0.1"))
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: SPDX specVersion %s: only 3.0.1 is read", r->name,
                        v ? v : "(none)");
    doc->spec_version = v;
    const vg_jval *by = vg_jval_get(info, "createdBy");
    for (size_t i = 0; i < vg_jval_size(by); i++) {
        const char *n = NULL;
        const vg_jval *a = deref(r, vg_jval_item(by, i));
        agent(a, &n, &doc->author_contact);
        doc->nauthors += a != NULL;
    }
    doc->ntools = vg_jval_size(vg_jval_get(info, "createdUsing"));
    return VG_OK;
}

int sbomcheck_read_spdx3(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc)
{
    const vg_jval *graph = vg_jval_get(root, "@graph");
    if (!vg_jval_is(graph, VG_JARRAY))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: SPDX 3 JSON-LD without a @graph array", name);
    doc->format = VG_SBOMCHECK_SPDX3;
    spdx3_reader r = {ctx, name, doc, NULL, 0};
    r.elements = vg_arena_calloc(&doc->arena, graph->n + 1, sizeof *r.elements);
    if (!r.elements)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    const vg_jval *sbom = NULL, *document = NULL;
    int rc = VG_OK;
    /* First the index of every element, so that packages can resolve the
     * agents they name wherever these stand in @graph. */
    for (size_t i = 0; i < graph->n; i++) {
        const vg_jval *e = vg_jval_item(graph, i);
        const char *id = sbomcheck_str(e, "spdxId"), *type = sbomcheck_str(e, "type");
        if (!id)
            id = sbomcheck_str(e, "@id");
        if (id)
            r.elements[r.nelements++] = (element){id, e, -1};
        if (type && !strcmp(type, "software_Sbom") && !sbom)
            sbom = e;
        else if (type && !strcmp(type, "SpdxDocument") && !document)
            document = e;
    }
    qsort(r.elements, r.nelements, sizeof *r.elements, element_cmp);
    for (size_t i = 0; i < r.nelements && !rc; i++) {
        element *e = &r.elements[i];
        const char *type = sbomcheck_str(e->v, "type");
        if (type && is_package(type)) {
            rc = read_package(&r, e->v);
            e->component = (long)doc->ncomponents - 1;
        } else if (!type || strcmp(type, "CreationInfo"))
            rc = sbomcheck_add_other_ref(ctx, doc, e->id);
    }
    if (rc)
        return rc;
    if (!document)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: SPDX 3 document without an SpdxDocument element", name);
    const vg_jval *info = deref(&r, vg_jval_get(document, "creationInfo"));
    if (!info)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the SpdxDocument has no creationInfo", name);
    if ((rc = read_creation(&r, info)))
        return rc;
    const vg_jval *types = vg_jval_get(sbom, "software_sbomType");
    doc->type = vg_jval_str(vg_jval_item(types, 0));
    const vg_jval *roots = vg_jval_get(sbom ? sbom : document, "rootElement");
    for (size_t i = 0; i < vg_jval_size(roots) && doc->primary < 0; i++) {
        const vg_sbomcheck_component *c = component(&r, vg_jval_str(vg_jval_item(roots, i)));
        if (c)
            doc->primary = c - doc->components;
    }
    for (size_t i = 0; i < graph->n && !rc; i++) {
        const vg_jval *e = vg_jval_item(graph, i);
        const char *type = sbomcheck_str(e, "type");
        if (type && (!strcmp(type, "Relationship") || !strcmp(type, "LifecycleScopedRelationship")))
            rc = read_relationship(&r, e);
    }
    return rc;
}
