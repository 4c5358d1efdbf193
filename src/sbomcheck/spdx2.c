/*
 * spdx2.c — SPDX 2.2 and 2.3 JSON (spdx.github.io/spdx-spec/v2.3) read for
 * sbomcheck: creationInfo (created, creators "Person:", "Organization:",
 * "Tool:"), documentDescribes and DESCRIBES relationships (the primary
 * package), packages[] (SPDXID, name, versionInfo, supplier and
 * originator, checksums, licenseDeclared / licenseConcluded, copyrightText,
 * packageFileName, externalRefs purl / cpe22Type / cpe23Type / swid /
 * gitoid / swh), files[] and snippets[] (their SPDXIDs only) and
 * relationships[].  NOASSERTION and NONE are kept as what they are:
 * statements that nothing is known, or that there is nothing.
 * Leaves out: tag-value, RDF, YAML and XML encodings.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* "Organization: ACME (info@acme.test)" -> whether it names someone (not
 * NOASSERTION) and gives an e-mail address. */
static int agent_named(const char *s)
{
    return s && strcmp(s, "NOASSERTION") && strcmp(s, "NONE");
}

static int agent_contact(const char *s)
{
    const char *open = s ? strrchr(s, '(') : NULL;
    return open && strchr(open, '@');
}

/* The relationships that say one element depends on or contains another,
 * with the direction they say it in (1: from -> to, -1: to -> from). */
static int dependency_direction(const char *type)
{
    static const char *const forward[] = {"DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK",
                                          "HAS_PREREQUISITE"};
    /* "A BUILD_DEPENDENCY_OF B": B depends on A */
    static const char *const backward[] = {"DEPENDENCY_OF", "CONTAINED_BY", "PREREQUISITE_FOR",
                                           "BUILD_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF",
                                           "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF",
                                           "RUNTIME_DEPENDENCY_OF"};
    for (size_t i = 0; i < sizeof forward / sizeof *forward; i++)
        if (!strcmp(type, forward[i]))
            return 1;
    for (size_t i = 0; i < sizeof backward / sizeof *backward; i++)
        if (!strcmp(type, backward[i]))
            return -1;
    return 0;
}

static vg_sbomcheck_licence_kind spdx_licence_kind(const char *s)
{
    return !strcmp(s, "NOASSERTION") ? VG_SBOMCHECK_LICENCE_NOASSERTION
           : !strcmp(s, "NONE")      ? VG_SBOMCHECK_LICENCE_NONE
                                     : VG_SBOMCHECK_LICENCE_EXPRESSION;
}

static int read_package(vg_ctx *ctx, const char *name, vg_sbomcheck_doc *doc, const vg_jval *p)
{
    vg_sbomcheck_component *c = sbomcheck_add_component(ctx, name, doc);
    if (!c)
        return VG_ERR_LIMIT;
    c->ref = sbomcheck_str(p, "SPDXID");
    c->name = sbomcheck_str(p, "name");
    c->version = sbomcheck_str(p, "versionInfo");
    static const char *const who[] = {"supplier", "originator"};
    for (size_t i = 0; i < 2; i++) {
        const char *s = sbomcheck_str(p, who[i]);
        if (agent_named(s)) {
            if (!c->supplier)
                c->supplier = s;
            c->creator_contact |= agent_contact(s);
        }
    }
    const char *copyright = sbomcheck_str(p, "copyrightText");
    c->copyright = agent_named(copyright) ? copyright : NULL;
    c->filename = sbomcheck_str(p, "packageFileName");
    int rc = VG_OK;
    const vg_jval *sums = vg_jval_get(p, "checksums");
    for (size_t i = 0; i < vg_jval_size(sums) && !rc; i++) {
        const char *alg = sbomcheck_str(vg_jval_item(sums, i), "algorithm");
        if (alg)
            rc = sbomcheck_push(ctx, &doc->arena, &c->hash_algs, &c->nhashes, SBOMCHECK_FIELD_MAX, alg);
    }
    static const char *const lic[] = {"licenseDeclared", "licenseConcluded"};
    for (int i = 0; i < 2 && !rc; i++) {
        const char *l = sbomcheck_str(p, lic[i]);
        if (l)
            rc = sbomcheck_push_licence(ctx, &doc->arena, c, spdx_licence_kind(l), l, i);
    }
    const vg_jval *refs = vg_jval_get(p, "externalRefs");
    for (size_t i = 0; i < vg_jval_size(refs) && !rc; i++) {
        const vg_jval *e = vg_jval_item(refs, i);
        const char *type = sbomcheck_str(e, "referenceType"), *loc = sbomcheck_str(e, "referenceLocator");
        if (!type || !loc)
            continue;
        if (!strcmp(type, "purl"))
            rc = sbomcheck_push(ctx, &doc->arena, &c->purls, &c->npurls, SBOMCHECK_FIELD_MAX, loc);
        else if (!strcmp(type, "cpe23Type") || !strcmp(type, "cpe22Type"))
            rc = sbomcheck_push(ctx, &doc->arena, &c->cpes, &c->ncpes, SBOMCHECK_FIELD_MAX, loc);
        else if (!strcmp(type, "swid") || !strcmp(type, "gitoid") || !strcmp(type, "swh"))
            c->nother_ids++;
    }
    return rc;
}

static int add_refs(vg_ctx *ctx, vg_sbomcheck_doc *doc, const vg_jval *list)
{
    for (size_t i = 0; i < vg_jval_size(list); i++) {
        const char *id = sbomcheck_str(vg_jval_item(list, i), "SPDXID");
        int rc = id ? sbomcheck_add_other_ref(ctx, doc, id) : VG_OK;
        if (rc)
            return rc;
    }
    return VG_OK;
}

int sbomcheck_read_spdx2(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc)
{
    const char *v = vg_jval_member_str(root, "spdxVersion");
    if (!v || (strcmp(v, "SPDX-2.2") && strcmp(v, "SPDX-2.3")))
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: spdxVersion %s: only SPDX-2.2 and SPDX-2.3 are read", name,
                        v ? v : "(none)");
    doc->format = VG_SBOMCHECK_SPDX2;
    doc->spec_version = v + 5;
    const vg_jval *info = vg_jval_get(root, "creationInfo");
    doc->timestamp = sbomcheck_str(info, "created");
    const vg_jval *creators = vg_jval_get(info, "creators");
    for (size_t i = 0; i < vg_jval_size(creators); i++) {
        const char *s = vg_jval_str(vg_jval_item(creators, i));
        if (!s)
            continue;
        if (!strncmp(s, "Tool:", 5))
            doc->ntools++;
        else if (!strncmp(s, "Person:", 7) || !strncmp(s, "Organization:", 13)) {
            doc->nauthors++;
            doc->author_contact |= agent_contact(s);
        }
    }
    const vg_jval *packages = vg_jval_get(root, "packages");
    int rc = VG_OK;
    for (size_t i = 0; i < vg_jval_size(packages) && !rc; i++)
        if (vg_jval_is(vg_jval_item(packages, i), VG_JOBJECT))
            rc = read_package(ctx, name, doc, vg_jval_item(packages, i));
    if (rc || (rc = add_refs(ctx, doc, vg_jval_get(root, "files"))) ||
        (rc = add_refs(ctx, doc, vg_jval_get(root, "snippets"))))
        return rc;
    const char *self = sbomcheck_str(root, "SPDXID");
    if (self && (rc = sbomcheck_add_other_ref(ctx, doc, self)))
        return rc;
    /* The primary package: the one the document describes. */
    const char *described = vg_jval_str(vg_jval_item(vg_jval_get(root, "documentDescribes"), 0));
    const vg_jval *rels = vg_jval_get(root, "relationships");
    const char **stated = NULL; /* the sources of relationships to NONE / NOASSERTION */
    size_t nstated = 0;
    for (size_t i = 0; i < vg_jval_size(rels); i++) {
        const vg_jval *r = vg_jval_item(rels, i);
        const char *from = sbomcheck_str(r, "spdxElementId"), *to = sbomcheck_str(r, "relatedSpdxElement"),
                   *type = sbomcheck_str(r, "relationshipType");
        if (!from || !to || !type)
            continue;
        if (!strcmp(type, "DESCRIBES") && !described && self && !strcmp(from, self))
            described = to;
        else if (!strcmp(type, "DESCRIBED_BY") && !described && self && !strcmp(to, self))
            described = from;
        int dir = dependency_direction(type);
        if (!dir)
            continue;
        /* "X DEPENDS_ON NONE": X has no more; "... NOASSERTION": unknown
         * (SPDX 2.3 11.1): either states the completeness of X's list. */
        if (!strcmp(to, "NONE") || !strcmp(to, "NOASSERTION")) {
            if (dir > 0 && (rc = sbomcheck_push(ctx, &doc->arena, &stated, &nstated, VG_SBOMCHECK_MAX_EDGES, from)))
                return rc;
            continue;
        }
        if ((rc = sbomcheck_add_edge(ctx, name, doc, dir > 0 ? from : to, dir > 0 ? to : from)))
            return rc;
    }
    doc->ncompleteness = nstated;
    if (nstated)
        qsort(stated, nstated, sizeof *stated, str_cmp);
    for (size_t i = 0; i < doc->ncomponents; i++) {
        const char *ref = doc->components[i].ref;
        if (ref && described && doc->primary < 0 && !strcmp(ref, described))
            doc->primary = (long)i;
        if (ref && nstated && bsearch(&ref, stated, nstated, sizeof *stated, str_cmp))
            doc->components[i].completeness_stated = 1;
    }
    return VG_OK;
}
