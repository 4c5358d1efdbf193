/*
 * sbomread_spdx3.c — an SPDX 3.0.1 document in its JSON-LD serialisation
 * (spdx.github.io/spdx-spec/v3.0.1, "@context"
 * https://spdx.org/rdf/3.0.1/spdx-context.jsonld, elements in "@graph")
 * read into an inventory for sbomread.h, as vigil (src/format/spdx3.c) and
 * the official examples write it.
 *
 * Read: every software_Package, with name, software_packageVersion,
 * software_packageUrl (or an externalIdentifier of type packageUrl),
 * cpe23/cpe22 externalIdentifiers, suppliedBy (the agent's name),
 * summary (or description), software_homePage, software_primaryPurpose
 * (application; operatingSystem gives the OS; a root container, file,
 * archive or application without purl is the target itself, as in SPDX 2
 * and CycloneDX's metadata.component), vigil's
 * properties (extension_CdxPropertiesExtension entries, vigil:location and
 * the other vigil:* facts) and its declared licence: the expression of the
 * simplelicensing_LicenseExpression it hasDeclaredLicense (a lone
 * LicenseRef whose customIdToUri names a SimpleLicensingText: that text;
 * a ListedLicense: its id; a CustomLicense or SimpleLicensingText: its
 * text), several joined with AND.  Relationships (and
 * LifecycleScopedRelationships) between two packages: dependsOn,
 * hasOptionalDependency, hasProvidedDependency, hasStaticLink,
 * hasDynamicLink as DEPENDS_ON, contains and hasOptionalComponent as
 * CONTAINS; the scope of a LifecycleScopedRelationship is the scope of its
 * "to" packages (development, test, build, design: dev; runtime:
 * required, optional for hasOptionalDependency and hasOptionalComponent).
 *
 * Counted as dropped (sbom_drop): files, snippets, annotations, AI and
 * dataset packages, security (vulnerability and VEX) elements, builds,
 * package hashes and external references, concluded licences, copyright
 * texts, relationships of other types and with other elements.  Not
 * read: the JSON-LD expanded form (full IRIs as property names), a
 * document without "@graph", SPDX 3.0.0.
 */
#include <string.h>

#include "source/sbomread_internal.h"
#include "vigil/purl.h"

#define SPDX3_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define SPDX3_MAX_ELEMENTS ((size_t)8 * VG_SBOM_MAX_COMPONENTS)
#define SPDX3_MAX_LICENCE 65536 /* longest declared licence kept */

/* "@context": a string or an array with a string naming SPDX 3. */
static const char *context_of(json_t *doc)
{
    json_t *ctx = json_object_get(doc, "@context"), *v;
    size_t i;
    if (json_is_string(ctx))
        return strstr(json_string_value(ctx), "spdx.org/rdf/3") ? json_string_value(ctx) : NULL;
    json_array_foreach(ctx, i, v) {
        if (json_is_string(v) && strstr(json_string_value(v), "spdx.org/rdf/3"))
            return json_string_value(v);
    }
    return NULL;
}

int sbom_is_spdx3(json_t *doc)
{
    return context_of(doc) != NULL;
}

typedef struct spdx3 {
    reader *r;
    vg_map elements; /* spdxId -> element (borrowed from the document) */
    vg_map licences; /* spdxId of a package -> its declared licence (arena) */
    vg_map roots;    /* spdxIds of the document's and the Sbom's root elements */
} spdx3;

static json_t *element_of(spdx3 *s, const char *id)
{
    return id ? vg_map_get(&s->elements, id, strlen(id)) : NULL;
}

static int is_type(json_t *e, const char *type)
{
    const char *t = sbom_str(e, "type");
    return t && strcmp(t, type) == 0;
}

/* The text of one licence element id (see the top of the file); NULL when
 * it names none vigil reads. */
static const char *licence_text(spdx3 *s, const char *id)
{
    json_t *e = element_of(s, id);
    if (!e) {
        /* a listed licence by its IRI, https://spdx.org/licenses/MIT */
        const char *p = id ? strstr(id, "spdx.org/licenses/") : NULL;
        return p && p[18] ? p + 18 : NULL;
    }
    if (is_type(e, "simplelicensing_LicenseExpression")) {
        const char *expr = sbom_str(e, "simplelicensing_licenseExpression");
        json_t *map = json_object_get(e, "simplelicensing_customIdToUri"), *entry;
        size_t i;
        json_array_foreach(map, i, entry) {
            const char *key = sbom_str(entry, "key");
            json_t *text = element_of(s, sbom_str(entry, "value"));
            if (expr && key && strcmp(key, expr) == 0 && is_type(text, "simplelicensing_SimpleLicensingText"))
                return sbom_str(text, "simplelicensing_licenseText");
        }
        return expr;
    }
    if (is_type(e, "expandedlicensing_ListedLicense")) {
        const char *p = strstr(id, "/licenses/");
        return p && p[10] ? p + 10 : sbom_str(e, "name");
    }
    if (is_type(e, "simplelicensing_SimpleLicensingText") || is_type(e, "expandedlicensing_CustomLicense"))
        return sbom_str(e, "simplelicensing_licenseText") ? sbom_str(e, "simplelicensing_licenseText")
                                                          : sbom_str(e, "name");
    return NULL;
}

/* hasDeclaredLicense relationships: each package's licence, several
 * joined with AND. */
static int declared_licences(spdx3 *s, json_t *graph)
{
    size_t i;
    json_t *e;
    json_array_foreach(graph, i, e) {
        const char *type = sbom_str(e, "relationshipType"), *from = sbom_str(e, "from");
        if (!type || !from || !(is_type(e, "Relationship") || is_type(e, "LifecycleScopedRelationship")))
            continue;
        if (strcmp(type, "hasConcludedLicense") == 0) {
            sbom_drop(s->r, "concluded licences", 1);
            continue;
        }
        if (strcmp(type, "hasDeclaredLicense") != 0)
            continue;
        json_t *to = json_object_get(e, "to"), *t;
        size_t k;
        json_array_foreach(to, k, t) {
            const char *text = json_is_string(t) ? licence_text(s, json_string_value(t)) : NULL;
            if (!text)
                continue;
            const char *had = vg_map_get(&s->licences, from, strlen(from));
            if (had && strlen(had) + strlen(text) > SPDX3_MAX_LICENCE)
                continue;
            const char *both = had ? vg_arena_printf(&s->r->inv->arena, "(%s) AND (%s)", had, text)
                                   : sbom_dup(s->r, text);
            if (!both || vg_map_put(&s->licences, from, strlen(from), (void *)both) != VG_OK)
                return sbom_oom(s->r);
        }
    }
    return VG_OK;
}


/* The identifier of the first externalIdentifier of one of the types. */
static const char *identifier(json_t *pkg, const char *type, const char *other)
{
    json_t *ids = json_object_get(pkg, "externalIdentifier"), *x;
    size_t i;
    json_array_foreach(ids, i, x) {
        const char *t = sbom_str(x, "externalIdentifierType");
        if (t && (strcmp(t, type) == 0 || (other && strcmp(t, other) == 0)))
            return sbom_str(x, "identifier");
    }
    return NULL;
}

/* The operating-system package: its name, version and vigil's os facts. */
static int os_package(spdx3 *s, json_t *pkg)
{
    json_t *os = json_pack("{s:s?, s:s?, s:s?, s:[]}", "name", sbom_str(pkg, "name"), "version",
                           sbom_str(pkg, "software_packageVersion"), "description",
                           sbom_str(pkg, "summary") ? sbom_str(pkg, "summary") : sbom_str(pkg, "description"),
                           "properties");
    if (!os)
        return sbom_oom(s->r);
    json_t *props = json_object_get(os, "properties"), *ext, *p;
    size_t i, k;
    json_array_foreach(json_object_get(pkg, "extension"), i, ext) {
        json_array_foreach(json_object_get(ext, "extension_cdxProperty"), k, p) {
            json_t *entry = json_pack("{s:s?, s:s?}", "name", sbom_str(p, "extension_cdxPropName"), "value",
                                      sbom_str(p, "extension_cdxPropValue"));
            if (!entry || json_array_append_new(props, entry)) {
                json_decref(os);
                return sbom_oom(s->r);
            }
        }
    }
    sbom_os(s->r, os);
    json_decref(os);
    return VG_OK;
}

/* What a package holds that a component does not keep. */
static void package_dropped(spdx3 *s, json_t *pkg)
{
    static const char *const kept[] = {"packageUrl", "cpe23", "cpe22"};
    json_t *ids = json_object_get(pkg, "externalIdentifier"), *x;
    size_t i, n = 0;
    json_array_foreach(ids, i, x) {
        const char *t = sbom_str(x, "externalIdentifierType");
        int keep = 0;
        for (size_t k = 0; t && k < sizeof kept / sizeof kept[0]; k++)
            keep |= strcmp(t, kept[k]) == 0;
        n += !keep;
    }
    sbom_drop(s->r, "external identifiers (other than purl and CPE)", n);
    sbom_drop(s->r, "external references", json_array_size(json_object_get(pkg, "externalRef")));
    sbom_drop(s->r, "package hashes (verifiedUsing)", json_array_size(json_object_get(pkg, "verifiedUsing")));
    const char *copyright = sbom_str(pkg, "software_copyrightText");
    sbom_drop(s->r, "copyright texts", copyright && strcmp(copyright, "NOASSERTION") != 0 && strcmp(copyright, "NONE") != 0);
}

static int package(spdx3 *s, json_t *pkg)
{
    reader *r = s->r;
    const char *id = sbom_str(pkg, "spdxId"), *purpose = sbom_str(pkg, "software_primaryPurpose");
    const char *purl = sbom_str(pkg, "software_packageUrl");
    if (!purl)
        purl = identifier(pkg, "packageUrl", NULL);
    if (purpose && strcmp(purpose, "operatingSystem") == 0)
        return os_package(s, pkg);
    /* the target itself: a root container, file or archive without purl,
     * or a root application without purl (a product: vigil's --name) */
    if (!purl && id && vg_map_get(&s->roots, id, strlen(id)) && purpose &&
        (strcmp(purpose, "container") == 0 || strcmp(purpose, "file") == 0 || strcmp(purpose, "archive") == 0 ||
         strcmp(purpose, "application") == 0)) {
        const char *name = sbom_str(pkg, "name"), *version = sbom_str(pkg, "software_packageVersion");
        if (!name)
            return VG_OK;
        /* over the document's name; a product as CycloneDX's metadata.component */
        r->inv->target.name = strcmp(purpose, "application") == 0 && version
                                  ? vg_arena_printf(&r->inv->arena, "%s:%s", name, version)
                                  : sbom_dup(r, name);
        return r->inv->target.name ? VG_OK : sbom_oom(r);
    }
    const char *name = sbom_str(pkg, "name");
    if (!purl && !name) {
        sbom_drop(r, "packages without name or purl", 1);
        return VG_OK;
    }
    vg_component *c = sbom_new_component(r);
    if (!c)
        return r->ncomponents >= VG_SBOM_MAX_COMPONENTS ? VG_ERR_LIMIT : VG_ERR_NOMEM;
    facts f = {0};
    int rc = VG_OK;
    json_t *ext, *p;
    size_t i, k;
    json_array_foreach(json_object_get(pkg, "extension"), i, ext) {
        json_array_foreach(json_object_get(ext, "extension_cdxProperty"), k, p) {
            const char *pn = sbom_str(p, "extension_cdxPropName"), *pv = sbom_str(p, "extension_cdxPropValue");
            if (pn && pv && (rc = sbom_restore_property(r, c, &f, pn, pv)))
                return rc == VG_ERR_NOMEM ? sbom_oom(r) : rc;
        }
    }
    if ((rc = sbom_finish_component(r, c, name, sbom_str(pkg, "software_packageVersion"), purl, &f)) ||
        (rc = sbom_identify(r, id, c)))
        return rc == VG_ERR_NOMEM ? sbom_oom(r) : rc;
    package_dropped(s, pkg);
    c->application = purpose && strcmp(purpose, "application") == 0;
    c->cpe = sbom_dup(r, identifier(pkg, "cpe23", "cpe22"));
    if (!c->license && id)
        c->license = vg_map_get(&s->licences, id, strlen(id));
    json_t *supplier = element_of(s, sbom_str(pkg, "suppliedBy"));
    c->supplier = sbom_dup(r, sbom_str(supplier, "name"));
    c->description = sbom_dup(r, sbom_str(pkg, "summary") ? sbom_str(pkg, "summary") : sbom_str(pkg, "description"));
    c->homepage = sbom_dup(r, sbom_str(pkg, "software_homePage"));
    return VG_OK;
}

/* The scope a LifecycleScopedRelationship gives its "to" packages. */
static vg_scope scope_of(const char *scope, const char *type)
{
    if (!scope)
        return VG_SCOPE_UNKNOWN;
    if (strcmp(scope, "runtime") == 0)
        return strcmp(type, "hasOptionalDependency") == 0 || strcmp(type, "hasOptionalComponent") == 0
                   ? VG_SCOPE_OPTIONAL
                   : VG_SCOPE_REQUIRED;
    if (strcmp(scope, "development") == 0 || strcmp(scope, "test") == 0 || strcmp(scope, "build") == 0 ||
        strcmp(scope, "design") == 0)
        return VG_SCOPE_DEV;
    return VG_SCOPE_UNKNOWN;
}

static int relationships(spdx3 *s, json_t *graph)
{
    static const char *const depends[] = {"dependsOn", "hasOptionalDependency", "hasProvidedDependency",
                                          "hasStaticLink", "hasDynamicLink"};
    static const char *const structural[] = {"describes", "hasDeclaredLicense", "hasConcludedLicense"};
    reader *r = s->r;
    size_t i;
    json_t *e;
    json_array_foreach(graph, i, e) {
        if (!is_type(e, "Relationship") && !is_type(e, "LifecycleScopedRelationship"))
            continue;
        const char *type = sbom_str(e, "relationshipType"), *from = sbom_str(e, "from");
        if (!type || !from)
            continue;
        int kind = strcmp(type, "contains") == 0 || strcmp(type, "hasOptionalComponent") == 0 ? VG_EDGE_CONTAINS : 0;
        int known = 0;
        for (size_t k = 0; k < sizeof depends / sizeof depends[0]; k++)
            if (strcmp(type, depends[k]) == 0)
                kind = VG_EDGE_DEPENDS_ON;
        for (size_t k = 0; k < sizeof structural / sizeof structural[0]; k++)
            known |= strcmp(type, structural[k]) == 0;
        if (known)
            continue;
        if (!kind) {
            sbom_drop(r, "relationships of other types", 1);
            continue;
        }
        vg_scope scope = scope_of(sbom_str(e, "scope"), type);
        vg_component *cf = vg_map_get(&r->ids, from, strlen(from));
        json_t *to = json_object_get(e, "to"), *t;
        size_t k, other = 0;
        json_array_foreach(to, k, t) {
            const char *tid = json_is_string(t) ? json_string_value(t) : NULL;
            vg_component *ct = tid ? vg_map_get(&r->ids, tid, strlen(tid)) : NULL;
            if (ct && scope != VG_SCOPE_UNKNOWN)
                ct->scope = ct->scope == VG_SCOPE_UNKNOWN ? scope : vg_scope_wider(ct->scope, scope);
            if (cf && ct) {
                if (sbom_relate(r, cf, ct, (vg_edge_kind)kind))
                    return sbom_oom(r);
            } else if (!vg_map_get(&s->roots, from, strlen(from))) {
                other++; /* with a file, or an element not in the document */
            }
        }
        sbom_drop(r, "relationships with elements other than packages", other);
    }
    return VG_OK;
}

/* Records the root elements of the SpdxDocuments and Sboms. */
static int roots(spdx3 *s, json_t *graph)
{
    size_t i, k;
    json_t *e, *id;
    json_array_foreach(graph, i, e) {
        if (!is_type(e, "SpdxDocument") && !is_type(e, "software_Sbom") && !is_type(e, "Bom") && !is_type(e, "Bundle"))
            continue;
        if (is_type(e, "SpdxDocument") && !s->r->inv->target.name && sbom_str(e, "name") &&
            !(s->r->inv->target.name = sbom_dup(s->r, sbom_str(e, "name"))))
            return sbom_oom(s->r);
        json_array_foreach(json_object_get(e, "rootElement"), k, id) {
            const char *rid = json_is_string(id) ? json_string_value(id) : NULL;
            if (rid && vg_map_put(&s->roots, rid, strlen(rid), (void *)rid) != VG_OK)
                return sbom_oom(s->r);
        }
    }
    return VG_OK;
}

/* Element types counted as dropped, by prefix. */
static const char *dropped_kind(const char *type)
{
    static const char *const kinds[][2] = {
        {"software_File", "files"},
        {"software_Snippet", "snippets"},
        {"Annotation", "annotations"},
        {"ai_AIPackage", "AI packages"},
        {"dataset_DatasetPackage", "dataset packages"},
        {"security_", "vulnerabilities and VEX assessments"},
        {"build_Build", "build records"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(type, kinds[i][0], strlen(kinds[i][0])) == 0)
            return kinds[i][1];
    return NULL;
}

int sbom_read_spdx3(reader *r, json_t *doc)
{
    const char *context = context_of(doc);
    if (strcmp(context, SPDX3_CONTEXT) != 0)
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: SPDX 3 context %.200s is not supported (SPDX 3.0.1: %s)",
                        r->path, context, SPDX3_CONTEXT);
    json_t *graph = json_object_get(doc, "@graph");
    if (!json_is_array(graph))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: SPDX 3 document without an \"@graph\" array (only the compact "
                        "JSON-LD form with @graph is read)", r->path);
    if (json_array_size(graph) > SPDX3_MAX_ELEMENTS)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: more than %zu SPDX 3 elements", r->path, SPDX3_MAX_ELEMENTS);
    spdx3 s = {.r = r};
    vg_map_init(&s.elements);
    vg_map_init(&s.licences);
    vg_map_init(&s.roots);
    int rc = VG_OK;
    size_t i;
    json_t *e;
    json_array_foreach(graph, i, e) {
        const char *id = sbom_str(e, "spdxId");
        if (id && !vg_map_get(&s.elements, id, strlen(id)) && vg_map_put(&s.elements, id, strlen(id), e) != VG_OK) {
            rc = sbom_oom(r);
            break;
        }
    }
    if (rc == VG_OK)
        rc = roots(&s, graph);
    if (rc == VG_OK)
        rc = declared_licences(&s, graph);
    json_array_foreach(rc == VG_OK ? graph : NULL, i, e) {
        const char *type = sbom_str(e, "type");
        if (!json_is_object(e) || !type) {
            vg_warn(r->ctx, r->path, "@graph[%zu] is not an object with a type; skipped", i);
        } else if (strcmp(type, "software_Package") == 0) {
            if ((rc = package(&s, e)))
                break;
        } else if (dropped_kind(type)) {
            sbom_drop(r, dropped_kind(type), 1);
        }
    }
    if (rc == VG_OK)
        rc = relationships(&s, graph);
    vg_map_free(&s.elements);
    vg_map_free(&s.licences);
    vg_map_free(&s.roots);
    return rc;
}
