/*
 * cyclonedx.c — CycloneDX 1.4-1.7 JSON (cyclonedx.org/docs/1.7/json) read
 * for sbomcheck: metadata (timestamp, authors, manufacturer/manufacture,
 * supplier, tools as the 1.4 array or the 1.5+ object, lifecycles, the
 * primary component), components[] and their nested components, services[]
 * (their bom-refs only), dependencies[] and compositions[].  Each
 * component keeps its raw fields: supplier, manufacturer, publisher,
 * author(s), purl, cpe, swid, omniborId, swhid, hashes, licenses (id,
 * name, expression, acknowledgement), copyright and the BSI TR-03183-2
 * properties bsi:component:filename/executable/archive/structured, and the
 * hashes of its "distribution" external references (where the TR puts the
 * SHA-512 of the deployable file).  compositions[] say which components'
 * dependency lists have a stated completeness (any aggregate: "unknown"
 * states that it is not known).
 * Leaves out: XML, signatures, vulnerabilities, formulation.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct cdx_reader {
    vg_ctx *ctx;
    const char *name;
    vg_sbomcheck_doc *doc;
} cdx_reader;

/* An organizational entity (supplier, manufacturer): its name, and whether
 * it gives a URL or a contact's e-mail. */
static void read_entity(const vg_jval *e, const char **name, int *contact)
{
    if (!vg_jval_is(e, VG_JOBJECT))
        return;
    const char *n = sbomcheck_str(e, "name");
    if (n && !*name)
        *name = n;
    const vg_jval *urls = vg_jval_get(e, "url");
    for (size_t i = 0; i < vg_jval_size(urls); i++)
        if (sbomcheck_is_contact(vg_jval_str(vg_jval_item(urls, i))))
            *contact = 1;
    const vg_jval *contacts = vg_jval_get(e, "contact");
    for (size_t i = 0; i < vg_jval_size(contacts); i++) {
        const vg_jval *c = vg_jval_item(contacts, i);
        if (sbomcheck_is_contact(sbomcheck_str(c, "email")))
            *contact = 1;
        if (!*name)
            *name = sbomcheck_str(c, "name");
    }
}

/* authors[] of organizational contacts: their number, and a contact. */
static size_t read_authors(const vg_jval *authors, const char **name, int *contact)
{
    size_t n = 0;
    for (size_t i = 0; i < vg_jval_size(authors); i++) {
        const vg_jval *a = vg_jval_item(authors, i);
        const char *an = sbomcheck_str(a, "name"), *email = sbomcheck_str(a, "email");
        if (an || email)
            n++;
        if (an && !*name)
            *name = an;
        if (sbomcheck_is_contact(email) || sbomcheck_is_contact(sbomcheck_str(a, "phone")))
            *contact = 1;
    }
    return n;
}

/* A property value, or NULL for NOASSERTION: the field is not known. */
static const char *known(const char *v)
{
    return v && strcmp(v, "NOASSERTION") ? v : NULL;
}

static int read_licences(cdx_reader *r, const vg_jval *licenses, vg_sbomcheck_component *c)
{
    for (size_t i = 0; i < vg_jval_size(licenses); i++) {
        const vg_jval *l = vg_jval_item(licenses, i);
        const char *expr = sbomcheck_str(l, "expression");
        const vg_jval *lic = vg_jval_get(l, "license");
        const char *ack = sbomcheck_str(expr ? l : lic, "acknowledgement");
        int concluded = ack && !strcmp(ack, "concluded");
        int rc = VG_OK;
        if (expr)
            rc = sbomcheck_push_licence(r->ctx, &r->doc->arena, c, VG_SBOMCHECK_LICENCE_EXPRESSION, expr, concluded);
        else if (sbomcheck_str(lic, "id"))
            rc = sbomcheck_push_licence(r->ctx, &r->doc->arena, c, VG_SBOMCHECK_LICENCE_ID,
                                        sbomcheck_str(lic, "id"), concluded);
        else if (sbomcheck_str(lic, "name"))
            rc = sbomcheck_push_licence(r->ctx, &r->doc->arena, c,
                                        known(sbomcheck_str(lic, "name")) ? VG_SBOMCHECK_LICENCE_NAME
                                                                          : VG_SBOMCHECK_LICENCE_NOASSERTION,
                                        sbomcheck_str(lic, "name"), concluded);
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int read_component(cdx_reader *r, const vg_jval *o, const char *parent, int depth, long *index);

static int read_hashes(cdx_reader *r, const vg_jval *hashes, vg_sbomcheck_component *c)
{
    for (size_t i = 0; i < vg_jval_size(hashes); i++) {
        const char *alg = sbomcheck_str(vg_jval_item(hashes, i), "alg");
        int rc = alg ? sbomcheck_push(r->ctx, &r->doc->arena, &c->hash_algs, &c->nhashes, SBOMCHECK_FIELD_MAX, alg) : VG_OK;
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int read_components(cdx_reader *r, const vg_jval *list, const char *parent, int depth)
{
    for (size_t i = 0; i < vg_jval_size(list); i++) {
        const vg_jval *o = vg_jval_item(list, i);
        if (!vg_jval_is(o, VG_JOBJECT))
            continue;
        int rc = read_component(r, o, parent, depth, NULL);
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int read_component(cdx_reader *r, const vg_jval *o, const char *parent, int depth, long *index)
{
    if (depth > VG_SBOMCHECK_MAX_DEPTH)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: components nested deeper than %d", r->name,
                        VG_SBOMCHECK_MAX_DEPTH);
    vg_sbomcheck_component *c = sbomcheck_add_component(r->ctx, r->name, r->doc);
    if (!c)
        return VG_ERR_LIMIT;
    if (index)
        *index = (long)r->doc->ncomponents - 1;
    c->ref = sbomcheck_str(o, "bom-ref");
    c->name = sbomcheck_str(o, "name");
    c->version = sbomcheck_str(o, "version");
    read_entity(vg_jval_get(o, "supplier"), &c->supplier, &c->creator_contact);
    read_entity(vg_jval_get(o, "manufacturer"), &c->supplier, &c->creator_contact);
    read_authors(vg_jval_get(o, "authors"), &c->supplier, &c->creator_contact);
    if (!c->supplier)
        c->supplier = sbomcheck_str(o, "publisher");
    if (!c->supplier)
        c->supplier = sbomcheck_str(o, "author");
    c->copyright = sbomcheck_str(o, "copyright");
    int rc = VG_OK;
    const char *purl = sbomcheck_str(o, "purl"), *cpe = sbomcheck_str(o, "cpe");
    if (purl)
        rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->purls, &c->npurls, SBOMCHECK_FIELD_MAX, purl);
    if (!rc && cpe)
        rc = sbomcheck_push(r->ctx, &r->doc->arena, &c->cpes, &c->ncpes, SBOMCHECK_FIELD_MAX, cpe);
    if (rc)
        return rc;
    if (sbomcheck_str(vg_jval_get(o, "swid"), "tagId"))
        c->nother_ids++;
    c->nother_ids += vg_jval_size(vg_jval_get(o, "omniborId")) + vg_jval_size(vg_jval_get(o, "swhid"));
    if ((rc = read_hashes(r, vg_jval_get(o, "hashes"), c)))
        return rc;
    /* BSI TR-03183-2 maps the hash of the deployable component to an
     * external reference of type "distribution" with its hashes. */
    const vg_jval *refs = vg_jval_get(o, "externalReferences");
    for (size_t i = 0; i < vg_jval_size(refs); i++) {
        const vg_jval *e = vg_jval_item(refs, i);
        const char *type = sbomcheck_str(e, "type");
        if (type && !strcmp(type, "distribution") && (rc = read_hashes(r, vg_jval_get(e, "hashes"), c)))
            return rc;
    }
    if ((rc = read_licences(r, vg_jval_get(o, "licenses"), c)))
        return rc;
    const vg_jval *props = vg_jval_get(o, "properties");
    for (size_t i = 0; i < vg_jval_size(props); i++) {
        const vg_jval *p = vg_jval_item(props, i);
        const char *pn = sbomcheck_str(p, "name"), *pv = sbomcheck_str(p, "value");
        if (!pn || !pv)
            continue;
        if (!strcmp(pn, "bsi:component:filename"))
            c->filename = known(pv);
        else if (!strcmp(pn, "bsi:component:executable"))
            c->executable = known(pv);
        else if (!strcmp(pn, "bsi:component:archive"))
            c->archive = known(pv);
        else if (!strcmp(pn, "bsi:component:structured"))
            c->structured = known(pv);
    }
    const char *ref = c->ref; /* c moves when the array grows below */
    /* A nested component is part of its parent: a relationship. */
    if (parent && ref && (rc = sbomcheck_add_edge(r->ctx, r->name, r->doc, parent, ref)))
        return rc;
    return read_components(r, vg_jval_get(o, "components"), ref, depth + 1);
}

static int read_services(cdx_reader *r, const vg_jval *list, int depth)
{
    if (depth > VG_SBOMCHECK_MAX_DEPTH)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: services nested deeper than %d", r->name, VG_SBOMCHECK_MAX_DEPTH);
    for (size_t i = 0; i < vg_jval_size(list); i++) {
        const vg_jval *s = vg_jval_item(list, i);
        const char *ref = sbomcheck_str(s, "bom-ref");
        int rc = ref ? sbomcheck_add_other_ref(r->ctx, r->doc, ref) : VG_OK;
        if (!rc)
            rc = read_services(r, vg_jval_get(s, "services"), depth + 1);
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* Marks the components that have a dependencies[] entry.  Refs are
 * looked up in a sorted copy, so that a large document costs n log n. */
typedef struct ref_index {
    const char *ref;
    size_t at;
} ref_index;

static int ref_cmp(const void *a, const void *b)
{
    return strcmp(((const ref_index *)a)->ref, ((const ref_index *)b)->ref);
}

/* The components whose ref is ref: idx[*first .. *end). */
static void find_ref(const ref_index *idx, size_t n, const char *ref, size_t *first, size_t *end)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(idx[mid].ref, ref) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < n && !strcmp(idx[lo].ref, ref))
        lo++;
    *end = lo;
}

/* Sets what dependencies[] and compositions[] say of each component. */
static int read_graph(cdx_reader *r, const vg_jval *deps, const vg_jval *comps)
{
    vg_sbomcheck_doc *doc = r->doc;
    ref_index *idx = vg_arena_calloc(&doc->arena, doc->ncomponents + 1, sizeof *idx);
    if (!idx)
        return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->name);
    size_t n = 0, first, end;
    for (size_t i = 0; i < doc->ncomponents; i++)
        if (doc->components[i].ref)
            idx[n++] = (ref_index){doc->components[i].ref, i};
    qsort(idx, n, sizeof *idx, ref_cmp);
    for (size_t i = 0; i < vg_jval_size(comps); i++) {
        const vg_jval *comp = vg_jval_item(comps, i);
        doc->ncompleteness++;
        static const char *const lists[] = {"assemblies", "dependencies"};
        for (int l = 0; l < 2; l++) {
            const vg_jval *list = vg_jval_get(comp, lists[l]);
            for (size_t j = 0; j < vg_jval_size(list); j++) {
                const char *ref = vg_jval_str(vg_jval_item(list, j));
                if (!ref)
                    continue;
                find_ref(idx, n, ref, &first, &end);
                for (; first < end; first++)
                    doc->components[idx[first].at].completeness_stated = 1;
            }
        }
    }
    for (size_t i = 0; i < vg_jval_size(deps); i++) {
        const vg_jval *d = vg_jval_item(deps, i);
        const char *ref = sbomcheck_str(d, "ref");
        if (!ref)
            continue;
        find_ref(idx, n, ref, &first, &end);
        for (; first < end; first++)
            doc->components[idx[first].at].has_dependency_entry = 1;
        const vg_jval *on = vg_jval_get(d, "dependsOn");
        for (size_t j = 0; j < vg_jval_size(on); j++) {
            const char *to = vg_jval_str(vg_jval_item(on, j));
            int rc = to ? sbomcheck_add_edge(r->ctx, r->name, doc, ref, to) : VG_OK;
            if (rc)
                return rc;
        }
    }
    return VG_OK;
}

int sbomcheck_read_cyclonedx(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc)
{
    const char *format = vg_jval_member_str(root, "bomFormat");
    if (!format || strcmp(format, "CycloneDX"))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: bomFormat is not \"CycloneDX\"", name);
    const char *v = vg_jval_member_str(root, "specVersion");
    if (!v || (strcmp(v, "1.4") && strcmp(v, "1.5") && strcmp(v, "1.6") && strcmp(v, "1.7")))
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: CycloneDX specVersion %s: only 1.4 to 1.7 are read", name,
                        v ? v : "(none)");
    doc->format = VG_SBOMCHECK_CYCLONEDX;
    doc->spec_version = v;
    cdx_reader r = {ctx, name, doc};
    const vg_jval *meta = vg_jval_get(root, "metadata");
    doc->timestamp = sbomcheck_str(meta, "timestamp");
    const char *author = NULL;
    doc->nauthors = read_authors(vg_jval_get(meta, "authors"), &author, &doc->author_contact);
    static const char *const entities[] = {"manufacturer", "manufacture", "supplier"};
    for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
        const char *en = NULL;
        read_entity(vg_jval_get(meta, entities[i]), &en, &doc->author_contact);
        doc->nauthors += en != NULL;
    }
    const vg_jval *tools = vg_jval_get(meta, "tools");
    doc->ntools = vg_jval_is(tools, VG_JARRAY) ? vg_jval_size(tools)
                                               : vg_jval_size(vg_jval_get(tools, "components")) +
                                                     vg_jval_size(vg_jval_get(tools, "services"));
    const vg_jval *lifecycles = vg_jval_get(meta, "lifecycles");
    for (size_t i = 0; i < vg_jval_size(lifecycles) && !doc->type; i++) {
        const vg_jval *l = vg_jval_item(lifecycles, i);
        doc->type = sbomcheck_str(l, "phase") ? sbomcheck_str(l, "phase") : sbomcheck_str(l, "name");
    }
    int rc = VG_OK;
    const vg_jval *primary = vg_jval_get(meta, "component");
    if (vg_jval_is(primary, VG_JOBJECT) && (rc = read_component(&r, primary, NULL, 0, &doc->primary)))
        return rc;
    if ((rc = read_components(&r, vg_jval_get(root, "components"), NULL, 0)) ||
        (rc = read_services(&r, vg_jval_get(root, "services"), 0)) ||
        (rc = read_graph(&r, vg_jval_get(root, "dependencies"), vg_jval_get(root, "compositions"))))
        return rc;
    return VG_OK;
}
