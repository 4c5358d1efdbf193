/*
 * sbomread.c — an existing SBOM read back into an inventory (sbomread.h):
 * CycloneDX 1.4-1.7 JSON (cyclonedx.org/docs/1.6/json: metadata.component,
 * components[] with nested components, purl, cpe, licenses, supplier,
 * scope, properties, evidence.occurrences, dependencies) and SPDX 2.2/2.3
 * JSON (spdx.github.io/spdx-spec/v2.3: packages[] with externalRefs purl /
 * cpe23Type, versionInfo, licenseDeclared, supplier, primaryPackagePurpose,
 * annotations; relationships), as vigil, Syft, Trivy and cdxgen write
 * them.
 *
 * Each component's type, version and arch come from its purl
 * (vg_purl_parse()); deb/rpm "epoch" qualifiers are put back in front of
 * the version.  Its name is the document's when that is the purl's name,
 * its "namespace/name" or, for pypi, its PEP 503 form (so a Python name
 * stays as written), else the purl's name; a Go module is named by its
 * path, namespace and name ("golang.org/x/net", not "net").  The purl is
 * kept, normalised, with all its qualifiers (distro included).
 *
 * Facts restored from vigil's own documents, so that reading vigil's SBOM
 * of a target gives the inventory of the target for matching: every
 * vigil:* property (CycloneDX properties, SPDX annotations "NAME: VALUE"),
 * with vigil:location, vigil:cataloger, vigil:package:type/arch/source-*,
 * vigil:dev and vigil:license:declared put back in their fields; every
 * place a component was found (CycloneDX evidence.occurrences, SPDX
 * "vigil:location: PATH" annotations); the graph.  From other tools: the
 * source package from Trivy (aquasecurity:trivy:SrcName/SrcVersion/
 * SrcRelease, SPDX annotations SrcName: ... and sourceInfo "built package
 * from: NAME VERSION") or the "upstream" qualifier (Syft: "src",
 * "src@version", rpm "src-ver-rel.src.rpm"); the rpm modularity label from
 * aquasecurity:trivy:Modularitylabel, syft:metadata:modularityLabel or
 * Trivy's SPDX annotation Modularitylabel, as vigil:rpm:modularityLabel.
 *
 * The graph: CycloneDX dependencies (ref dependsOn x) and nested
 * components (the parent CONTAINS them); an edge from an OS package (deb,
 * apk, rpm) to a component of another ecosystem is CONTAINS (the package
 * installed it: vigil writes CONTAINS as dependsOn, and no package manager
 * declares a dependency on a language package), every other one
 * DEPENDS_ON.  SPDX relationships: DEPENDS_ON and CONTAINS as they are,
 * DEPENDENCY_OF reversed, and Syft's OTHER "ownership-by-file-overlap" as
 * CONTAINS.  Only edges between two components are kept.  The OS comes
 * from the CycloneDX operating-system component or the SPDX
 * OPERATING_SYSTEM package, else from the first "distro" qualifier.
 *
 * SPDX 3.0.1 JSON-LD is read by sbomread_spdx3.c.  What is not kept is
 * counted (sbom_drop) for vg_sbom_read_ex's caller.
 *
 * Leaves out: XML and tag-value, file components without purl
 * (CycloneDX type "file", SPDX files[]), container components and
 * CONTAINER packages (the image itself; an APPLICATION without purl the
 * document describes is the product, its name the target's), hashes, other evidence kinds,
 * other tools' properties, and the files of packages (so
 * vigil:package:file-count stays a plain property).
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "source/input_file.h"
#include "source/sbomread_internal.h"
#include "vigil/buf.h"
#include "vigil/digest.h"
#include "vigil/map.h"
#include "vigil/purl.h"
#include "vigil/sbomread.h"

const char *sbom_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *sbom_dup(reader *r, const char *s)
{
    return s ? vg_arena_strdup(&r->inv->arena, s) : NULL;
}

int sbom_oom(reader *r)
{
    return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory reading the SBOM", r->path);
}

void sbom_drop(reader *r, const char *what, size_t n)
{
    vg_sbom_dropped *d = r->dropped;
    if (!d || !n)
        return;
    size_t i = 0;
    while (i < d->n && strcmp(d->kinds[i].what, what) != 0)
        i++;
    if (i == d->n) {
        if (d->n == VG_SBOM_MAX_DROPPED)
            i = d->n - 1; /* counted with the last kind */
        else
            d->kinds[d->n++].what = what;
    }
    d->kinds[i].count += n;
}

static int is_os_type(const char *type)
{
    return type && (strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 || strcmp(type, "rpm") == 0);
}

/* Source package of an "upstream" qualifier: "src", "src@ver", or for rpm
 * the source rpm file name "src-ver-rel.src.rpm". */
static int set_upstream(reader *r, vg_component *c, const char *type, const char *upstream)
{
    vg_arena *a = &r->inv->arena;
    size_t n = strlen(upstream);
    if (strcmp(type, "rpm") == 0 && n > 8 && strcmp(upstream + n - 8, ".src.rpm") == 0) {
        char *s = vg_arena_strndup(a, upstream, n - 8);
        if (!s)
            return VG_ERR_NOMEM;
        char *rel = strrchr(s, '-');
        if (rel && rel != s) {
            *rel = '\0';
            char *ver = strrchr(s, '-');
            if (ver && ver != s) {
                *ver = '\0';
                c->source_name = s;
                c->source_version = vg_arena_printf(a, "%s-%s", ver + 1, rel + 1);
                return c->source_version ? VG_OK : VG_ERR_NOMEM;
            }
        }
        return VG_OK;
    }
    const char *at = strchr(upstream, '@');
    c->source_name = at ? vg_arena_strndup(a, upstream, (size_t)(at - upstream)) : sbom_dup(r, upstream);
    if (!c->source_name)
        return VG_ERR_NOMEM;
    if (at && at[1] && !(c->source_version = sbom_dup(r, at + 1)))
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* name normalised as PEP 503 does (lower case, runs of "-_." -> "-")
 * equals norm. */
static int pep503_equal(const char *name, const char *norm)
{
    while (*name && *norm) {
        if (strchr("-_.", *name)) {
            while (*name && strchr("-_.", *name))
                name++;
            if (*norm++ != '-')
                return 0;
            continue;
        }
        char c = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;
        if (c != *norm)
            return 0;
        name++;
        norm++;
    }
    return !*name && !*norm;
}

/* The component's name: for golang the module path ("golang.org/x/net",
 * whatever the document calls it); else the document's when it names the
 * purl's package (its name, "namespace/name", or for pypi its PEP 503
 * form: "PyYAML" for pyyaml), else the purl's name. */
static const char *purl_component_name(reader *r, const vg_purl *p, const char *written)
{
    const char *full = p->namespace_ ? vg_arena_printf(&r->inv->arena, "%s/%s", p->namespace_, p->name) : p->name;
    if (!full || strcmp(p->type, "golang") == 0)
        return full;
    if (written && (strcasecmp(written, p->name) == 0 || strcasecmp(written, full) == 0 ||
                    (strcmp(p->type, "pypi") == 0 && pep503_equal(written, p->name))))
        return sbom_dup(r, written);
    return p->name;
}

/* Fills c from purl string s; a purl that does not parse is warned about
 * and the component kept by name (type "generic", or vigil's type; the
 * purl's text is the name of one that has none). */
static int apply_purl(reader *r, vg_component *c, const char *s, const char *name, const char *version,
                      const facts *f)
{
    vg_purl p;
    const char *why = NULL;
    int rc = vg_purl_parse(&r->inv->arena, s, strlen(s), &p, &why);
    if (rc == -2)
        return VG_ERR_NOMEM;
    if (rc) {
        vg_warn(r->ctx, r->path, "component %s: purl '%.200s' is not valid (%s); kept by name only",
                name ? name : "?", s, why ? why : "invalid");
        c->type = f->type ? f->type : "generic";
        c->name = sbom_dup(r, name ? name : s);
        c->version = sbom_dup(r, version);
        return c->name && (!version || c->version) ? VG_OK : VG_ERR_NOMEM;
    }
    c->type = p.type;
    if (!(c->name = purl_component_name(r, &p, name)))
        return VG_ERR_NOMEM;
    if (name && strcmp(c->name, name) != 0 && !strchr(c->name, '/'))
        sbom_drop(r, "package names other than their purl's (the purl's is kept)", 1);
    if (version && p.version && strcmp(version, p.version) != 0)
        sbom_drop(r, "package versions other than their purl's (the purl's is kept)", 1);
    const char *v = p.version ? p.version : version;
    const char *epoch = vg_purl_qualifier_get(&p, "epoch");
    if (v && epoch && strcmp(epoch, "0") != 0 && !strchr(v, ':') &&
        (strcmp(p.type, "rpm") == 0 || strcmp(p.type, "deb") == 0))
        v = vg_arena_printf(&r->inv->arena, "%s:%s", epoch, v);
    c->version = sbom_dup(r, v);
    if (v && !c->version)
        return VG_ERR_NOMEM;
    if (!c->arch)
        c->arch = vg_purl_qualifier_get(&p, "arch");
    /* the normalised purl, as vigil would write it (the subpath dropped) */
    c->purl = vg_purl_format(&r->inv->arena, p.type, p.namespace_, p.name, p.version, p.qualifiers, p.nqualifiers);
    if (!c->purl)
        return VG_ERR_NOMEM;
    const char *upstream = vg_purl_qualifier_get(&p, "upstream");
    if (upstream && !c->source_name && (rc = set_upstream(r, c, p.type, upstream)))
        return rc;
    const char *distro = vg_purl_qualifier_get(&p, "distro");
    if (distro && !r->distro && is_os_type(p.type)) {
        r->distro = distro;
        r->distro_type = p.namespace_;
    }
    return VG_OK;
}

vg_component *sbom_new_component(reader *r)
{
    if (r->ncomponents >= VG_SBOM_MAX_COMPONENTS) {
        vg_error(r->ctx, VG_ERR_LIMIT, "%s: more than %d components", r->path, VG_SBOM_MAX_COMPONENTS);
        return NULL;
    }
    vg_component *c = vg_inventory_add(r->inv);
    if (!c) {
        sbom_oom(r);
        return NULL;
    }
    r->ncomponents++;
    c->cataloger = "sbom";
    return c;
}

/* Remembers c under the document's identifier of it, for the graph. */
int sbom_identify(reader *r, const char *id, vg_component *c)
{
    return id && *id ? vg_map_put(&r->ids, id, strlen(id), c) : VG_OK;
}

/* A place c was found: the first becomes its location, the others are
 * added (vg_inventory_finalize() sorts them). */
static int add_place(reader *r, vg_component *c, const char *path)
{
    if (!path || !*path)
        return VG_OK;
    if (!c->location)
        return (c->location = sbom_dup(r, path)) ? VG_OK : VG_ERR_NOMEM;
    return strcmp(c->location, path) == 0 ? VG_OK : vg_component_add_location(r->inv, c, path);
}

/* One property (CycloneDX) or annotation (SPDX) of c.  vigil's facts go
 * back to their fields or properties; the other tools' that vigil reads
 * become vigil's. */
int sbom_restore_property(reader *r, vg_component *c, facts *f, const char *name, const char *value)
{
    static const char *const modularity[] = {"aquasecurity:trivy:Modularitylabel", "syft:metadata:modularityLabel",
                                             "Modularitylabel"};
    if (strcmp(name, "vigil:package:source-name") == 0 || strcmp(name, "aquasecurity:trivy:SrcName") == 0 ||
        strcmp(name, "SrcName") == 0)
        return (c->source_name = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "vigil:package:source-version") == 0)
        return (c->source_version = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "aquasecurity:trivy:SrcVersion") == 0 || strcmp(name, "SrcVersion") == 0)
        return (f->src_version = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "aquasecurity:trivy:SrcRelease") == 0 || strcmp(name, "SrcRelease") == 0)
        return (f->src_release = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < sizeof modularity / sizeof modularity[0]; i++)
        if (strcmp(name, modularity[i]) == 0)
            return vg_component_set_property(r->inv, c, "vigil:rpm:modularityLabel", value);
    if (strncmp(name, "vigil:", 6) != 0)
        return sbom_drop(r, "properties and annotations of other tools", 1), VG_OK;
    if (strcmp(name, "vigil:location") == 0)
        return add_place(r, c, value);
    if (strcmp(name, "vigil:cataloger") == 0)
        return (c->cataloger = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "vigil:package:type") == 0)
        return (f->type = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "vigil:package:arch") == 0)
        return (c->arch = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "vigil:license:declared") == 0)
        return (c->license = sbom_dup(r, value)) ? VG_OK : VG_ERR_NOMEM;
    if (strcmp(name, "vigil:dev") == 0) {
        if (strcmp(value, "true") == 0)
            c->scope = VG_SCOPE_DEV;
        return VG_OK;
    }
    return vg_component_set_property(r->inv, c, name, value);
}

/* Finishes a component from its name, version and purl (NULL: kept by
 * name, with vigil's type or "generic"); Trivy's source version. */
int sbom_finish_component(reader *r, vg_component *c, const char *name, const char *version, const char *purl,
                            const facts *f)
{
    int rc;
    if (purl) {
        if ((rc = apply_purl(r, c, purl, name, version, f)))
            return rc;
    } else {
        c->type = f->type ? f->type : "generic";
        if (!(c->name = sbom_dup(r, name)) || (version && !(c->version = sbom_dup(r, version))))
            return VG_ERR_NOMEM;
    }
    if (f->src_version && !c->source_version) {
        c->source_version = f->src_release ? vg_arena_printf(&r->inv->arena, "%s-%s", f->src_version, f->src_release)
                                           : f->src_version;
        if (!c->source_version)
            return VG_ERR_NOMEM;
    }
    if (!c->location && !(c->location = r->path)) /* found in the SBOM itself */
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* An edge from -> to as a document of another format or tool gives it:
 * from an OS package to a package of another ecosystem it is CONTAINS. */
int sbom_relate(reader *r, vg_component *from, vg_component *to, vg_edge_kind kind)
{
    if (!from || !to)
        return VG_OK;
    if (kind == VG_EDGE_DEPENDS_ON && is_os_type(from->type) && !is_os_type(to->type))
        kind = VG_EDGE_CONTAINS;
    return vg_inventory_add_edge(r->inv, from, to, kind);
}

/* ---- CycloneDX ------------------------------------------------------------ */

void sbom_os(reader *r, json_t *comp)
{
    vg_os *os = &r->inv->os;
    const char *name = sbom_str(comp, "name"), *version = sbom_str(comp, "version");
    if (!name || r->inv->has_os)
        return;
    char *id = sbom_dup(r, name);
    if (!id)
        return;
    for (char *p = id; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    os->id = id;
    os->version_id = sbom_dup(r, version);
    os->pretty_name = sbom_dup(r, sbom_str(comp, "description"));
    json_t *props = json_object_get(comp, "properties");
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p) {
        const char *pn = sbom_str(p, "name"), *pv = sbom_str(p, "value");
        if (!pn || !pv)
            continue;
        if (strcmp(pn, "vigil:os:id-like") == 0)
            os->id_like = sbom_dup(r, pv);
        else if (strcmp(pn, "vigil:os:name") == 0)
            os->name = sbom_dup(r, pv);
        else if (strcmp(pn, "vigil:os:version-codename") == 0)
            os->version_codename = sbom_dup(r, pv);
        else if (strcmp(pn, "syft:distro:versionID") == 0 && !os->version_id)
            os->version_id = sbom_dup(r, pv);
    }
    r->inv->has_os = 1;
}

static const char *cdx_license(json_t *comp)
{
    json_t *licenses = json_object_get(comp, "licenses"), *l;
    size_t i;
    json_array_foreach(licenses, i, l) {
        const char *expr = sbom_str(l, "expression");
        if (expr)
            return expr;
        json_t *lic = json_object_get(l, "license");
        const char *s = sbom_str(lic, "id");
        if (!s)
            s = sbom_str(lic, "name");
        if (s)
            return s;
    }
    return NULL;
}

static const char *cdx_website(json_t *comp)
{
    json_t *refs = json_object_get(comp, "externalReferences"), *ref;
    size_t i;
    json_array_foreach(refs, i, ref) {
        const char *type = sbom_str(ref, "type");
        if (type && strcmp(type, "website") == 0)
            return sbom_str(ref, "url");
    }
    return NULL;
}

/* obj[key]: the number of elements of an array, 1 for another value. */
static size_t count_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_array(v) ? json_array_size(v) : v != NULL;
}

/* What a CycloneDX component holds that a component does not keep. */
static void cdx_dropped(reader *r, json_t *comp)
{
    sbom_drop(r, "component hashes", count_member(comp, "hashes"));
    json_t *refs = json_object_get(comp, "externalReferences"), *ref;
    size_t i, n = 0;
    json_array_foreach(refs, i, ref) {
        const char *type = sbom_str(ref, "type");
        n += !type || strcmp(type, "website") != 0;
    }
    sbom_drop(r, "external references (other than a website)", n);
    n = count_member(comp, "licenses");
    sbom_drop(r, "licences after the first of a component", n > 1 ? n - 1 : 0);
    sbom_drop(r, "pedigrees", count_member(comp, "pedigree"));
    sbom_drop(r, "SWID tags", count_member(comp, "swid"));
    json_t *evidence = json_object_get(comp, "evidence");
    sbom_drop(r, "evidence other than occurrences",
              json_object_size(evidence) - (json_object_get(evidence, "occurrences") != NULL));
}

/* The fields and facts of one CycloneDX package component. */
static int cdx_package(reader *r, vg_component *c, json_t *comp)
{
    cdx_dropped(r, comp);
    facts f = {0};
    int rc = VG_OK;
    json_t *props = json_object_get(comp, "properties"), *p;
    size_t i;
    json_array_foreach(props, i, p) {
        const char *pn = sbom_str(p, "name"), *pv = sbom_str(p, "value");
        if (pn && pv && (rc = sbom_restore_property(r, c, &f, pn, pv)))
            return rc;
    }
    json_t *occurrences = json_object_get(json_object_get(comp, "evidence"), "occurrences"), *o;
    json_array_foreach(occurrences, i, o) {
        if ((rc = add_place(r, c, sbom_str(o, "location"))))
            return rc;
    }
    if ((rc = sbom_finish_component(r, c, sbom_str(comp, "name"), sbom_str(comp, "version"), sbom_str(comp, "purl"),
                               &f)))
        return rc;
    const char *type = sbom_str(comp, "type"), *scope = sbom_str(comp, "scope");
    c->application = type && strcmp(type, "application") == 0;
    if (scope && c->scope != VG_SCOPE_DEV)
        c->scope = strcmp(scope, "required") == 0   ? VG_SCOPE_REQUIRED
                   : strcmp(scope, "optional") == 0 ? VG_SCOPE_OPTIONAL
                   : strcmp(scope, "excluded") == 0 ? VG_SCOPE_DEV
                                                    : VG_SCOPE_UNKNOWN;
    c->cpe = sbom_dup(r, sbom_str(comp, "cpe"));
    if (!c->license)
        c->license = sbom_dup(r, cdx_license(comp));
    c->description = sbom_dup(r, sbom_str(comp, "description"));
    c->homepage = sbom_dup(r, cdx_website(comp));
    json_t *supplier = json_object_get(comp, "supplier");
    c->supplier = sbom_dup(r, sbom_str(supplier, "name") ? sbom_str(supplier, "name") : sbom_str(comp, "publisher"));
    return sbom_identify(r, sbom_str(comp, "bom-ref"), c);
}

/* comp and the components nested in it; parent, the package comp sits in
 * (or NULL), CONTAINS it. */
static int cdx_component(reader *r, json_t *comp, vg_component *parent, int depth)
{
    if (!json_is_object(comp))
        return vg_warn(r->ctx, r->path, "a component is not a JSON object; skipped"), VG_OK;
    if (depth > VG_SBOM_MAX_DEPTH)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: components nested deeper than %d", r->path, VG_SBOM_MAX_DEPTH);
    const char *type = sbom_str(comp, "type"), *purl = sbom_str(comp, "purl"), *name = sbom_str(comp, "name");
    vg_component *c = NULL;
    int rc;
    if (type && strcmp(type, "operating-system") == 0) {
        sbom_os(r, comp);
    } else if (type && (strcmp(type, "container") == 0 || (strcmp(type, "file") == 0 && !purl))) {
        /* the image itself and plain files are not packages */
        sbom_drop(r, strcmp(type, "file") == 0 ? "files" : "container components", 1);
    } else if (purl || name) {
        if (!(c = sbom_new_component(r)))
            return r->ctx->message[0] && r->ncomponents >= VG_SBOM_MAX_COMPONENTS ? VG_ERR_LIMIT : VG_ERR_NOMEM;
        if ((rc = cdx_package(r, c, comp)) || (rc = sbom_relate(r, parent, c, VG_EDGE_CONTAINS)))
            return rc == VG_ERR_NOMEM ? sbom_oom(r) : rc;
    }
    json_t *children = json_object_get(comp, "components"), *child;
    size_t i;
    json_array_foreach(children, i, child) {
        if ((rc = cdx_component(r, child, c, depth + 1)))
            return rc;
    }
    return VG_OK;
}

/* dependencies[]: "ref" depends on each of "dependsOn". */
static int cdx_dependencies(reader *r, json_t *doc)
{
    json_t *deps = json_object_get(doc, "dependencies"), *d;
    size_t i;
    json_array_foreach(deps, i, d) {
        const char *ref = sbom_str(d, "ref");
        vg_component *from = ref ? vg_map_get(&r->ids, ref, strlen(ref)) : NULL;
        json_t *on = json_object_get(d, "dependsOn"), *t;
        size_t k;
        json_array_foreach(from ? on : NULL, k, t) {
            const char *to = json_is_string(t) ? json_string_value(t) : NULL;
            if (to && sbom_relate(r, from, vg_map_get(&r->ids, to, strlen(to)), VG_EDGE_DEPENDS_ON))
                return sbom_oom(r);
        }
    }
    return VG_OK;
}

static int read_cyclonedx(reader *r, json_t *doc)
{
    const char *spec = sbom_str(doc, "specVersion");
    static const char *const supported[] = {"1.4", "1.5", "1.6", "1.7"};
    int ok = 0;
    for (size_t i = 0; spec && i < sizeof supported / sizeof supported[0]; i++)
        ok |= strcmp(spec, supported[i]) == 0;
    if (!ok)
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: CycloneDX specVersion %s is not supported (1.4 to 1.7)",
                        r->path, spec ? spec : "(missing)");
    json_t *components = json_object_get(doc, "components");
    if (components && !json_is_array(components))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: CycloneDX \"components\" is not an array", r->path);
    json_t *meta = json_object_get(json_object_get(doc, "metadata"), "component");
    const char *mname = sbom_str(meta, "name"), *mversion = sbom_str(meta, "version");
    if (mname) {
        r->inv->target.name =
            mversion ? vg_arena_printf(&r->inv->arena, "%s:%s", mname, mversion) : sbom_dup(r, mname);
    }
    /* vigil writes the OS as a component; other tools may nest it in metadata */
    if (json_is_object(meta) && sbom_str(meta, "type") && strcmp(sbom_str(meta, "type"), "operating-system") == 0)
        sbom_os(r, meta);
    size_t i;
    json_t *comp;
    json_array_foreach(components, i, comp) {
        int rc = cdx_component(r, comp, NULL, 1);
        if (rc)
            return rc;
    }
    static const char *const dropped[][2] = {
        {"vulnerabilities", "vulnerabilities"}, {"services", "services"}, {"annotations", "annotations"},
        {"compositions", "compositions"}, {"formulation", "formulation"}, {"externalReferences", "external references (other than a website)"},
        {"declarations", "declarations"}, {"definitions", "definitions"}, {"signature", "signatures"}};
    for (i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        sbom_drop(r, dropped[i][1], count_member(doc, dropped[i][0]));
    return cdx_dependencies(r, doc);
}

/* ---- SPDX ---------------------------------------------------------------- */

/* "Organization: X" / "Person: X" / "Tool: X" -> X; NOASSERTION -> NULL. */
static const char *spdx_actor(const char *s)
{
    if (!s || strcmp(s, "NOASSERTION") == 0)
        return NULL;
    const char *colon = strchr(s, ':');
    if (colon && (strncmp(s, "Organization:", 13) == 0 || strncmp(s, "Person:", 7) == 0 || strncmp(s, "Tool:", 5) == 0)) {
        s = colon + 1;
        while (*s == ' ')
            s++;
    }
    return s;
}

static const char *spdx_value(const char *s)
{
    return s && strcmp(s, "NOASSERTION") != 0 && strcmp(s, "NONE") != 0 ? s : NULL;
}

/* annotations[]: "NAME: VALUE" comments (vigil's and Trivy's). */
static int spdx_annotations(reader *r, vg_component *c, facts *f, json_t *pkg)
{
    json_t *notes = json_object_get(pkg, "annotations"), *a;
    size_t i;
    json_array_foreach(notes, i, a) {
        const char *comment = sbom_str(a, "comment"), *sep = comment ? strstr(comment, ": ") : NULL;
        if (!sep || sep == comment) {
            sbom_drop(r, "annotations", 1);
            continue;
        }
        char *name = vg_arena_strndup(&r->inv->arena, comment, (size_t)(sep - comment));
        int rc = name ? sbom_restore_property(r, c, f, name, sep + 2) : VG_ERR_NOMEM;
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* The packages the document describes (documentDescribes, or a DESCRIBES
 * relationship from the document), into subjects: its subject. */
static int spdx_subjects(json_t *doc, vg_map *subjects)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(doc, "documentDescribes"), i, v)
        if (json_is_string(v) && vg_map_put(subjects, json_string_value(v), strlen(json_string_value(v)), v))
            return VG_ERR_NOMEM;
    const char *self = sbom_str(doc, "SPDXID");
    json_array_foreach(json_object_get(doc, "relationships"), i, v) {
        const char *a = sbom_str(v, "spdxElementId"), *b = sbom_str(v, "relatedSpdxElement");
        const char *type = sbom_str(v, "relationshipType");
        if (a && b && type && self && strcmp(a, self) == 0 && strcmp(type, "DESCRIBES") == 0 &&
            vg_map_put(subjects, b, strlen(b), v))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int spdx_package(reader *r, const vg_map *subjects, json_t *pkg, size_t index)
{
    if (!json_is_object(pkg)) {
        vg_warn(r->ctx, r->path, "packages[%zu] is not a JSON object; skipped", index);
        return VG_OK;
    }
    const char *name = sbom_str(pkg, "name"), *ver = spdx_value(sbom_str(pkg, "versionInfo"));
    const char *purpose = sbom_str(pkg, "primaryPackagePurpose");
    const char *purl = NULL, *cpe = NULL;
    json_t *refs = json_object_get(pkg, "externalRefs"), *ref;
    size_t k;
    json_array_foreach(refs, k, ref) {
        const char *rtype = sbom_str(ref, "referenceType"), *loc = sbom_str(ref, "referenceLocator");
        if (!rtype || !loc)
            continue;
        if (strcmp(rtype, "purl") == 0 && !purl)
            purl = loc;
        else if ((strcmp(rtype, "cpe23Type") == 0 || strcmp(rtype, "cpe22Type") == 0) && !cpe)
            cpe = loc;
    }
    if (purpose && strcmp(purpose, "OPERATING_SYSTEM") == 0) {
        if (!r->inv->has_os && name) {
            json_t *os = json_pack("{s:s, s:s?, s:s?}", "name", name, "version", ver, "description",
                                   sbom_str(pkg, "description"));
            if (!os)
                return sbom_oom(r);
            sbom_os(r, os);
            json_decref(os);
        }
        return VG_OK;
    }
    if ((purpose && (strcmp(purpose, "CONTAINER") == 0 || (strcmp(purpose, "FILE") == 0 && !purl))) ||
        (!purl && !name))
        return VG_OK;
    /* The subject: an application without purl the document describes (a
     * product: vigil's --name), as CycloneDX's metadata.component. */
    const char *id = sbom_str(pkg, "SPDXID");
    if (purpose && strcmp(purpose, "APPLICATION") == 0 && !purl && name && id && vg_map_get(subjects, id, strlen(id))) {
        r->inv->target.name = ver ? vg_arena_printf(&r->inv->arena, "%s:%s", name, ver) : sbom_dup(r, name);
        return r->inv->target.name ? VG_OK : sbom_oom(r);
    }
    vg_component *c = sbom_new_component(r);
    if (!c)
        return r->ncomponents >= VG_SBOM_MAX_COMPONENTS ? VG_ERR_LIMIT : VG_ERR_NOMEM;
    facts f = {0};
    int rc = spdx_annotations(r, c, &f, pkg);
    if (rc == VG_OK)
        rc = sbom_finish_component(r, c, name, ver, purl, &f);
    if (rc == VG_OK)
        rc = sbom_identify(r, sbom_str(pkg, "SPDXID"), c);
    if (rc)
        return rc == VG_ERR_NOMEM ? sbom_oom(r) : rc;
    sbom_drop(r, "package checksums", count_member(pkg, "checksums"));
    json_array_foreach(refs, k, ref) {
        const char *rtype = sbom_str(ref, "referenceType");
        if (!rtype || (strcmp(rtype, "purl") != 0 && strcmp(rtype, "cpe23Type") != 0 && strcmp(rtype, "cpe22Type") != 0))
            sbom_drop(r, "external references (other than purl and CPE)", 1);
    }
    sbom_drop(r, "concluded licences", spdx_value(sbom_str(pkg, "licenseConcluded")) != NULL);
    sbom_drop(r, "originators", spdx_value(sbom_str(pkg, "originator")) != NULL);
    sbom_drop(r, "copyright texts", spdx_value(sbom_str(pkg, "copyrightText")) != NULL);
    /* Trivy: "sourceInfo": "built package from: SRCNAME SRCVERSION" */
    const char *info = sbom_str(pkg, "sourceInfo");
    if (info && !c->source_name && strncmp(info, "built package from: ", 20) == 0) {
        const char *src = info + 20, *sp = strchr(src, ' ');
        c->source_name = sp ? vg_arena_strndup(&r->inv->arena, src, (size_t)(sp - src)) : sbom_dup(r, src);
        c->source_version = sp && sp[1] ? sbom_dup(r, sp + 1) : NULL;
    }
    c->application = purpose && strcmp(purpose, "APPLICATION") == 0;
    c->cpe = sbom_dup(r, cpe);
    if (!c->license)
        c->license = sbom_dup(r, spdx_value(sbom_str(pkg, "licenseDeclared")));
    c->supplier = sbom_dup(r, spdx_actor(sbom_str(pkg, "supplier")));
    c->description = sbom_dup(r, sbom_str(pkg, "summary") ? sbom_str(pkg, "summary") : sbom_str(pkg, "description"));
    c->homepage = sbom_dup(r, spdx_value(sbom_str(pkg, "homepage")));
    return VG_OK;
}

/* relationships[] between two packages. */
static int spdx_relationships(reader *r, json_t *doc)
{
    json_t *rels = json_object_get(doc, "relationships"), *rel;
    size_t i;
    json_array_foreach(rels, i, rel) {
        const char *a = sbom_str(rel, "spdxElementId"), *b = sbom_str(rel, "relatedSpdxElement");
        const char *type = sbom_str(rel, "relationshipType"), *comment = sbom_str(rel, "comment");
        vg_component *ca = a ? vg_map_get(&r->ids, a, strlen(a)) : NULL;
        vg_component *cb = b ? vg_map_get(&r->ids, b, strlen(b)) : NULL;
        if (!ca || !cb || !type)
            continue;
        int rc = VG_OK;
        if (strcmp(type, "DEPENDS_ON") == 0)
            rc = sbom_relate(r, ca, cb, VG_EDGE_DEPENDS_ON);
        else if (strcmp(type, "DEPENDENCY_OF") == 0)
            rc = sbom_relate(r, cb, ca, VG_EDGE_DEPENDS_ON);
        else if (strcmp(type, "CONTAINS") == 0 ||
                 (strcmp(type, "OTHER") == 0 && comment && strncmp(comment, "ownership-by-file-overlap", 25) == 0))
            rc = sbom_relate(r, ca, cb, VG_EDGE_CONTAINS);
        else
            sbom_drop(r, "relationships of other types", 1);
        if (rc)
            return sbom_oom(r);
    }
    return VG_OK;
}

static int read_spdx(reader *r, json_t *doc)
{
    const char *version = sbom_str(doc, "spdxVersion");
    if (!version || (strcmp(version, "SPDX-2.2") != 0 && strcmp(version, "SPDX-2.3") != 0))
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: %s is not supported (SPDX-2.2 or SPDX-2.3)", r->path,
                        version ? version : "spdxVersion (missing)");
    json_t *packages = json_object_get(doc, "packages");
    if (packages && !json_is_array(packages))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: SPDX \"packages\" is not an array", r->path);
    const char *docname = sbom_str(doc, "name");
    if (docname)
        r->inv->target.name = sbom_dup(r, docname);
    vg_map subjects;
    vg_map_init(&subjects);
    int rc = spdx_subjects(doc, &subjects);
    size_t i;
    json_t *pkg;
    json_array_foreach(packages, i, pkg) {
        if (rc)
            break;
        rc = spdx_package(r, &subjects, pkg, i);
    }
    vg_map_free(&subjects);
    if (rc)
        return rc == VG_ERR_NOMEM ? sbom_oom(r) : rc;
    sbom_drop(r, "files", count_member(doc, "files"));
    sbom_drop(r, "snippets", count_member(doc, "snippets"));
    sbom_drop(r, "annotations", count_member(doc, "annotations"));
    sbom_drop(r, "extracted licence texts (hasExtractedLicensingInfos)", count_member(doc, "hasExtractedLicensingInfos"));
    return spdx_relationships(r, doc);
}

/* ---- entry points ------------------------------------------------------------ */

/* OS from a distro qualifier: "debian-12" -> debian / 12; "opensuse-leap-15.5"
 * -> opensuse-leap / 15.5; a value without "-<digit>" is a codename of
 * the purl's namespace ("jessie"). */
static int os_from_distro(reader *r)
{
    if (r->inv->has_os || !r->distro)
        return VG_OK;
    vg_arena *a = &r->inv->arena;
    const char *d = r->distro, *split = NULL;
    for (const char *p = d; *p; p++)
        if (*p == '-' && p[1] >= '0' && p[1] <= '9')
            split = p;
    if (split && split != d) {
        r->inv->os.id = vg_arena_strndup(a, d, (size_t)(split - d));
        r->inv->os.version_id = vg_arena_strdup(a, split + 1);
    } else if (r->distro_type) {
        r->inv->os.id = vg_arena_strdup(a, r->distro_type);
        r->inv->os.version_codename = vg_arena_strdup(a, d);
    } else {
        return VG_OK;
    }
    if (!r->inv->os.id)
        return VG_ERR_NOMEM;
    r->inv->has_os = 1;
    return VG_OK;
}

int vg_sbom_sniff(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
            continue;
        return data[i] == '{';
    }
    return 0;
}

int vg_sbom_read(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_inventory *inv)
{
    return vg_sbom_read_ex(ctx, path, data, len, inv, NULL);
}

int vg_sbom_read_ex(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_inventory *inv,
                    vg_sbom_dropped *dropped)
{
    reader r = {.ctx = ctx, .inv = inv, .path = path ? path : "(SBOM)", .dropped = dropped};
    size_t warnings_before = vg_warning_count(ctx);
    /* components point at it as their location: it must live in the arena */
    r.path = vg_arena_strdup(&inv->arena, r.path);
    if (!r.path)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory reading an SBOM");
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", r.path,
                        err.line, err.column, err.text);
    vg_map_init(&r.ids);
    int rc;
    if (!json_is_object(doc)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not an SBOM (the JSON document is not an object)", r.path);
    } else {
        const char *bom_format = sbom_str(doc, "bomFormat");
        if (bom_format && strcmp(bom_format, "CycloneDX") == 0)
            rc = read_cyclonedx(&r, doc);
        else if (sbom_str(doc, "spdxVersion"))
            rc = read_spdx(&r, doc);
        else if (sbom_is_spdx3(doc))
            rc = sbom_read_spdx3(&r, doc);
        else
            rc = vg_error(ctx, VG_ERR_FORMAT,
                          "%s: not an SBOM (neither CycloneDX JSON with \"bomFormat\", SPDX JSON with "
                          "\"spdxVersion\" nor SPDX 3 JSON-LD with an SPDX \"@context\")", r.path);
    }
    vg_map_free(&r.ids); /* its keys belong to doc */
    json_decref(doc);
    if (rc)
        return rc;
    if ((rc = os_from_distro(&r)))
        return sbom_oom(&r);
    inv->target.kind = VG_TARGET_SBOM;
    inv->target.path = r.path;
    if (!inv->target.name)
        inv->target.name = inv->target.path;
    vg_file_digest digest;
    if (vg_digest_memory(ctx, data, len, VG_DIGEST_SHA256, &digest) != VG_OK)
        return sbom_oom(&r);
    inv->target.digest = vg_arena_printf(&inv->arena, "sha256:%s", digest.sha256);
    if (!inv->target.path || !inv->target.digest)
        return sbom_oom(&r);
    if (vg_warning_count(ctx) > warnings_before)
        inv->incomplete = 1;
    return vg_inventory_finalize(ctx, inv);
}

int vg_sbom_read_file(vg_ctx *ctx, const char *path, vg_inventory *inv)
{
    return vg_sbom_read_file_ex(ctx, path, inv, NULL);
}

int vg_sbom_read_file_ex(vg_ctx *ctx, const char *path, vg_inventory *inv, vg_sbom_dropped *dropped)
{
    vg_buf buf;
    int rc = vg_input_read_file(ctx, path, "SBOM", VG_SBOM_MAX_DOCUMENT, &buf);
    if (rc)
        return rc;
    rc = vg_sbom_read_ex(ctx, path, buf.data ? buf.data : "", buf.len, inv, dropped);
    vg_buf_free(&buf);
    return rc;
}
