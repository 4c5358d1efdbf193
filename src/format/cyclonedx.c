/*
 * cyclonedx.c — writes an inventory as a CycloneDX 1.6 JSON BOM
 * (ECMA-424 / cyclonedx.org/docs/1.6/json, bom-1.6.schema.json), or 1.7
 * (cyclonedx.org/docs/1.7/json, bom-1.7.schema.json): 1.7 only adds
 * what vigil does not write (isExternal, versionRange, patents, citations,
 * distributionConstraints), so the two differ in $schema, specVersion and
 * the serial number.
 *
 * Document: bomFormat, specVersion, serialNumber (a UUID with version-5
 * bits over the inventory identity hash, so the same input gives the same
 * serial), version 1, metadata (timestamp, tools.components = vigil, the
 * target as metadata.component with its vigil:* properties, or the product
 * of vg_format_options.product with its supplier and manufacturer, also
 * as metadata.supplier and metadata.manufacturer), components
 * (the operating system, then every package as type "library", as syft
 * and trivy write OS packages, each with evidence.occurrences listing
 * every place it was found), dependencies (the target depends on the
 * operating system and on the roots of the graph: the components nothing
 * depends on, and the first of each cycle nothing outside it depends on;
 * then the graph itself, CONTAINS written as dependsOn) and compositions (aggregate
 * "incomplete" when the scan recorded warnings).  docs/formats.md
 * describes every field.  Not written: hashes of packages, the other
 * evidence kinds, services, vulnerabilities, signatures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/cpe.h"
#include "vigil/format.h"
#include "vigil/map.h"

typedef struct cdx_writer {
    vg_arena arena; /* strings that live as long as the writer */
    vg_arena item;  /* strings of the one component being written, freed after it */
    const vg_inventory *inv;
    int bad;        /* a jansson call failed (out of memory) */
    const char *root_ref;
    const char *os_ref;
    vg_profile profile;
} cdx_writer;

/* candidate, or candidate-2, -3 ... if a component already has it as
 * bom-ref: bom-refs are unique within a BOM. */
static const char *unique_ref(cdx_writer *w, const char *candidate)
{
    const char *ref = candidate;
    for (unsigned n = 2; ref; n++) {
        int taken = 0;
        for (size_t i = 0; i < w->inv->ncomponents && !taken; i++)
            taken = w->inv->components[i]->bom_ref && strcmp(w->inv->components[i]->bom_ref, ref) == 0;
        if (!taken)
            return ref;
        ref = vg_arena_printf(&w->arena, "%s-%u", candidate, n);
    }
    return NULL;
}

static json_t *property(cdx_writer *w, const char *name, const char *value)
{
    json_t *p = json_object();
    if (!p) {
        w->bad = 1;
        return NULL;
    }
    fmt_set_str(p, "name", name, &w->bad);
    fmt_set(p, "value", fmt_str(value ? value : ""), &w->bad);
    return p;
}

static void add_property(cdx_writer *w, json_t *props, const char *name, const char *value)
{
    if (value && *value)
        fmt_append(props, property(w, name, value), &w->bad);
}

/* A website reference when url is one the schema accepts as iri-reference. */
static void add_website(cdx_writer *w, json_t *obj, const char *url)
{
    if (!fmt_url_ok(url))
        return;
    json_t *refs = json_array(), *ref = json_object();
    if (ref) {
        fmt_set_str(ref, "url", url, &w->bad);
        fmt_set(ref, "type", json_string("website"), &w->bad);
    }
    fmt_append(refs, ref, &w->bad);
    fmt_set(obj, "externalReferences", refs, &w->bad);
}

/* "sha256:HEX" as a CycloneDX hash, when it is one. */
static void add_sha256(cdx_writer *w, json_t *obj, const char *digest)
{
    if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest + 7) != 64 ||
        strspn(digest + 7, "0123456789abcdef") != 64)
        return;
    json_t *hashes = json_array(), *h = json_object();
    if (h) {
        fmt_set(h, "alg", json_string("SHA-256"), &w->bad);
        fmt_set(h, "content", json_string(digest + 7), &w->bad);
    }
    fmt_append(hashes, h, &w->bad);
    fmt_set(obj, "hashes", hashes, &w->bad);
}

/* An organizationalEntity for "Name" or "Name <email>"; NULL for NULL. */
static json_t *organization(cdx_writer *w, const char *s)
{
    if (!s || !*s)
        return NULL;
    const char *name, *email;
    fmt_split_contact(&w->arena, s, &name, &email);
    json_t *org = json_object();
    if (!org) {
        w->bad = 1;
        return NULL;
    }
    fmt_set_str(org, "name", name ? name : email ? NULL : s, &w->bad);
    if (email) {
        json_t *contacts = json_array(), *contact = json_object();
        fmt_set_str(contact, "email", email, &w->bad);
        fmt_append(contacts, contact, &w->bad);
        fmt_set(org, "contact", contacts, &w->bad);
    }
    return org;
}

/* The subject of the BOM: the product when opts names one (an
 * "application", or the "container" of an image), else the target itself.
 * Either way the target's kind, path, name, digest and image facts are
 * kept as vigil:* properties. */
static json_t *target_component(cdx_writer *w, const vg_format_options *opts)
{
    const vg_target *t = &w->inv->target;
    int image = t->kind == VG_TARGET_DOCKER_ARCHIVE || t->kind == VG_TARGET_OCI_LAYOUT;
    const char *product = opts->product.name;
    json_t *c = json_object();
    if (!c) {
        w->bad = 1;
        return NULL;
    }
    /* CycloneDX has no "directory" type; like syft, a directory and a
     * root filesystem archive are a "file". */
    fmt_set(c, "type", json_string(image ? "container" : product ? "application" : "file"), &w->bad);
    fmt_set_str(c, "bom-ref", w->root_ref, &w->bad);
    json_t *supplier = organization(w, opts->product.supplier);
    if (supplier)
        fmt_set(c, "supplier", supplier, &w->bad);
    json_t *manufacturer = organization(w, opts->product.manufacturer);
    if (manufacturer)
        fmt_set(c, "manufacturer", manufacturer, &w->bad);
    fmt_set_str(c, "name", product ? product : t->name ? t->name : t->path ? t->path : "unknown", &w->bad);
    if (opts->product.version)
        fmt_set_str(c, "version", opts->product.version, &w->bad);
    else if (image)
        fmt_set_str(c, "version", t->digest, &w->bad);
    if (!image)
        add_sha256(w, c, t->digest);

    json_t *props = json_array();
    add_property(w, props, "vigil:target:kind", fmt_target_kind(t->kind));
    add_property(w, props, "vigil:target:path", t->path);
    if (product || opts->product.version) {
        /* what name and version showed, the subject's own fields now */
        add_property(w, props, "vigil:target:name", t->name);
        add_property(w, props, "vigil:target:digest", t->digest);
    }
    add_property(w, props, "vigil:image:id", t->image_id);
    add_property(w, props, "vigil:image:architecture", t->architecture);
    add_property(w, props, "vigil:image:os", t->os);
    for (size_t i = 0; i < t->ntags; i++)
        add_property(w, props, "vigil:image:tag", t->tags[i]);
    for (size_t i = 0; i < t->nlayers; i++) {
        const vg_layer *l = &t->layers[i];
        char name[64];
        snprintf(name, sizeof name, "vigil:image:layer:%zu:digest", i);
        add_property(w, props, name, l->digest);
        snprintf(name, sizeof name, "vigil:image:layer:%zu:diffID", i);
        add_property(w, props, name, l->diff_id);
        snprintf(name, sizeof name, "vigil:image:layer:%zu:mediaType", i);
        add_property(w, props, name, l->media_type);
        snprintf(name, sizeof name, "vigil:image:layer:%zu:size", i);
        add_property(w, props, name, vg_arena_printf(&w->arena, "%llu", (unsigned long long)l->size));
        snprintf(name, sizeof name, "vigil:image:layer:%zu:createdBy", i);
        add_property(w, props, name, l->created_by);
    }
    if (props && json_array_size(props))
        fmt_set(c, "properties", props, &w->bad);
    else
        json_decref(props);
    return c;
}

static json_t *os_component(cdx_writer *w)
{
    const vg_os *os = &w->inv->os;
    json_t *c = json_object();
    if (!c) {
        w->bad = 1;
        return NULL;
    }
    fmt_set(c, "type", json_string("operating-system"), &w->bad);
    fmt_set_str(c, "bom-ref", w->os_ref, &w->bad);
    fmt_set_str(c, "name", os->id ? os->id : os->name ? os->name : "unknown", &w->bad);
    fmt_set_str(c, "version", os->version_id, &w->bad);
    fmt_set_str(c, "description", os->pretty_name, &w->bad);
    char *cpe = NULL;
    if (os->cpe_name && vg_cpe_from_uri(&w->arena, os->cpe_name, &cpe) == VG_OK)
        fmt_set_str(c, "cpe", cpe, &w->bad);
    add_website(w, c, os->home_url);
    json_t *props = json_array();
    add_property(w, props, "vigil:os:id-like", os->id_like);
    add_property(w, props, "vigil:os:name", os->name);
    add_property(w, props, "vigil:os:version-codename", os->version_codename);
    if (os->cpe_name && !cpe)
        add_property(w, props, "vigil:os:cpe-name", os->cpe_name); /* not a valid CPE: kept as given */
    if (props && json_array_size(props))
        fmt_set(c, "properties", props, &w->bad);
    else
        json_decref(props);
    return c;
}

static json_t *licenses(cdx_writer *w, const vg_component *pkg)
{
    const char *spdx;
    int single;
    fmt_component_license(&w->item, pkg, &spdx, &single);
    if (!pkg->license || !pkg->license[strspn(pkg->license, " \t\r\n")])
        return NULL;
    json_t *list = json_array(), *entry = json_object();
    if (spdx && !single) {
        fmt_set_str(entry, "expression", spdx, &w->bad);
        fmt_set(entry, "acknowledgement", json_string("declared"), &w->bad);
    } else {
        json_t *lic = json_object();
        if (spdx)
            fmt_set_str(lic, "id", spdx, &w->bad);
        else
            fmt_set_str(lic, "name", pkg->license, &w->bad);
        fmt_set(lic, "acknowledgement", json_string("declared"), &w->bad);
        fmt_set(entry, "license", lic, &w->bad);
    }
    fmt_append(list, entry, &w->bad);
    return list;
}

/* ---- the BSI TR-03183-2 profile (docs/bsi-tr-03183-2.md) ---- */

/* path as a relative URI reference (RFC 3986): every byte but unreserved
 * ones and "/" percent-encoded. */
static const char *path_uri(cdx_writer *w, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(path);
    char *out = vg_arena_alloc(&w->item, len * 3 + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    out[k] = '\0';
    return out;
}

/* §5.2.2 "Hash value of the deployable component" as the TR's CycloneDX
 * mapping puts it: an external reference of type distribution to the
 * file, with its SHA-512. */
static json_t *distribution(cdx_writer *w, const vg_file_hash *h)
{
    json_t *refs = json_array(), *ref = json_object(), *hashes = json_array(), *hash = json_object();
    fmt_set_str(ref, "url", path_uri(w, h->path), &w->bad);
    fmt_set(ref, "comment", json_string("the deployable file, at this path in the scanned target"), &w->bad);
    fmt_set(ref, "type", json_string("distribution"), &w->bad);
    fmt_set(hash, "alg", json_string("SHA-512"), &w->bad);
    fmt_set(hash, "content", json_string(h->sha512), &w->bad);
    fmt_append(hashes, hash, &w->bad);
    fmt_set(ref, "hashes", hashes, &w->bad);
    fmt_append(refs, ref, &w->bad);
    return refs;
}

/* §5.2.2 filename, executable, archive and structured properties of one
 * file (NULL: not known, each written as NOASSERTION). */
static void file_properties(cdx_writer *w, json_t *props, const vg_file_hash *h)
{
    add_property(w, props, "bsi:component:filename", h ? fmt_bsi_basename(h->path) : "NOASSERTION");
    add_property(w, props, "bsi:component:executable",
                 !h ? "NOASSERTION" : h->executable ? "executable" : "non-executable");
    add_property(w, props, "bsi:component:archive", !h ? "NOASSERTION" : h->archive ? "archive" : "no archive");
    /* An archive keeps its members identifiable (a zip, tar or ar lists
     * them); a file that is not one has no members to structure. */
    add_property(w, props, "bsi:component:structured",
                 !h ? "NOASSERTION" : h->archive ? "structured" : "unstructured");
}

static json_t *license_entry(cdx_writer *w, const char *id, const char *name, const char *expression,
                             const char *acknowledgement)
{
    json_t *entry = json_object();
    if (expression) {
        fmt_set_str(entry, "expression", expression, &w->bad);
        fmt_set(entry, "acknowledgement", json_string(acknowledgement), &w->bad);
        return entry;
    }
    json_t *lic = json_object();
    if (id)
        fmt_set_str(lic, "id", id, &w->bad);
    else
        fmt_set_str(lic, "name", name, &w->bad);
    fmt_set(lic, "acknowledgement", json_string(acknowledgement), &w->bad);
    fmt_set(entry, "license", lic, &w->bad);
    return entry;
}

/* §5.2.2 "Original licences" (declared: as the package metadata states
 * them) and "Distribution licences" (concluded: vigil's normalised SPDX
 * expression of them, or NOASSERTION).  CycloneDX 1.6 takes either named
 * licences or one expression, not both: a compound concluded expression
 * is then the one entry, and the declared text stays in the
 * vigil:license:declared property. */
static json_t *bsi_licenses(cdx_writer *w, const vg_component *pkg)
{
    const char *spdx;
    int single;
    fmt_component_license(&w->item, pkg, &spdx, &single);
    json_t *list = json_array();
    if (spdx && !single) {
        fmt_append(list, license_entry(w, NULL, NULL, spdx, "concluded"), &w->bad);
        return list;
    }
    int declared = pkg->license && pkg->license[strspn(pkg->license, " \t\r\n")];
    if (declared && spdx && strcmp(spdx, pkg->license) == 0)
        fmt_append(list, license_entry(w, spdx, NULL, NULL, "declared"), &w->bad);
    else
        fmt_append(list, license_entry(w, NULL, declared ? pkg->license : "NOASSERTION", NULL, "declared"),
                   &w->bad);
    fmt_append(list, license_entry(w, spdx, spdx ? NULL : "NOASSERTION", NULL, "concluded"), &w->bad);
    return list;
}

/* The fields the profile adds to a package component c. */
static void bsi_component(cdx_writer *w, json_t *c, const vg_component *pkg)
{
    json_t *lic = bsi_licenses(w, pkg);
    if (lic)
        fmt_set(c, "licenses", lic, &w->bad);
    /* §5.2.2 "Component creator": an e-mail address, else a URL. */
    const char *name = NULL, *email = NULL;
    if (pkg->supplier && *pkg->supplier)
        fmt_split_contact(&w->item, pkg->supplier, &name, &email);
    int url = fmt_url_ok(pkg->homepage);
    json_t *props = json_object_get(c, "properties");
    if (!props) {
        props = json_array();
        fmt_set(c, "properties", props, &w->bad);
    }
    if (email || url) {
        json_t *m = json_object();
        fmt_set_str(m, "name", name ? name : email ? email : pkg->homepage, &w->bad);
        if (url) {
            json_t *urls = json_array();
            fmt_append(urls, fmt_str(pkg->homepage), &w->bad);
            fmt_set(m, "url", urls, &w->bad);
        }
        if (email) {
            json_t *contacts = json_array(), *contact = json_object();
            fmt_set_str(contact, "email", email, &w->bad);
            fmt_append(contacts, contact, &w->bad);
            fmt_set(m, "contact", contacts, &w->bad);
        }
        fmt_set(c, "manufacturer", m, &w->bad);
    } else {
        add_property(w, props, "vigil:bsi:creator", "NOASSERTION: the package metadata gives no e-mail address or URL");
    }
    const char *why = fmt_bsi_not_hashed(&w->item, w->inv, pkg);
    if (pkg->nfiles) {
        /* A package as installed is many files: the package archive it came
         * from is not on disk, so each installed file is a nested
         * component with its own filename, SHA-512 and kind. */
        file_properties(w, props, NULL);
        add_property(w, props, "vigil:bsi:deployable",
                     why ? vg_arena_printf(&w->item, "NOASSERTION: %s", why)
                         : vg_arena_printf(&w->item, "the package archive is not in the target; its %zu "
                                                           "installed regular files are nested components, each "
                                                           "with its SHA-512", pkg->nhashes));
        if (!pkg->nhashes)
            return;
        json_t *files = json_array();
        for (size_t i = 0; i < pkg->nhashes && !w->bad; i++) {
            const vg_file_hash *h = pkg->hashes[i];
            json_t *f = json_object(), *fprops = json_array();
            fmt_set(f, "type", json_string("file"), &w->bad);
            fmt_set_str(f, "name", h->path, &w->bad);
            fmt_set(f, "externalReferences", distribution(w, h), &w->bad);
            file_properties(w, fprops, h);
            fmt_set(f, "properties", fprops, &w->bad);
            fmt_append(files, f, &w->bad);
        }
        fmt_set(c, "components", files, &w->bad);
        return;
    }
    if (why) {
        file_properties(w, props, NULL);
        add_property(w, props, "vigil:bsi:deployable", vg_arena_printf(&w->item, "NOASSERTION: %s", why));
        return;
    }
    /* One file is the component (a jar, a binary, a wheel); copies of it
     * found in several places are one component with every copy's hash. */
    file_properties(w, props, pkg->hashes[0]);
    json_t *refs = json_object_get(c, "externalReferences");
    if (!refs) {
        refs = json_array();
        fmt_set(c, "externalReferences", refs, &w->bad);
    }
    for (size_t i = 0; i < pkg->nhashes; i++) {
        json_t *one = distribution(w, pkg->hashes[i]);
        json_array_extend(refs, one);
        json_decref(one);
    }
}

static json_t *package_component(cdx_writer *w, const vg_component *pkg)
{
    json_t *c = json_object();
    if (!c) {
        w->bad = 1;
        return NULL;
    }
    fmt_set(c, "type", json_string(pkg->application ? "application" : "library"), &w->bad);
    fmt_set_str(c, "bom-ref", pkg->bom_ref, &w->bad);
    if (pkg->supplier && *pkg->supplier) {
        const char *name, *email;
        fmt_split_contact(&w->item, pkg->supplier, &name, &email);
        json_t *supplier = json_object();
        fmt_set_str(supplier, "name", name ? name : pkg->supplier, &w->bad);
        fmt_set(c, "supplier", supplier, &w->bad);
    }
    fmt_set_str(c, "name", pkg->name && *pkg->name ? pkg->name : "unknown", &w->bad);
    fmt_set_str(c, "version", pkg->version, &w->bad);
    fmt_set_str(c, "description", pkg->description, &w->bad);
    /* Development-only dependencies are not part of what is shipped. */
    static const char *const scopes[] = {[VG_SCOPE_REQUIRED] = "required", [VG_SCOPE_OPTIONAL] = "optional",
                                         [VG_SCOPE_DEV] = "excluded"};
    if (pkg->scope > VG_SCOPE_UNKNOWN && pkg->scope <= VG_SCOPE_DEV)
        fmt_set(c, "scope", json_string(scopes[pkg->scope]), &w->bad);
    json_t *lic = licenses(w, pkg);
    if (lic)
        fmt_set(c, "licenses", lic, &w->bad);
    fmt_set_str(c, "cpe", pkg->cpe, &w->bad);
    fmt_set_str(c, "purl", pkg->purl, &w->bad);
    add_website(w, c, pkg->homepage);
    if (pkg->nlocations) {
        json_t *evidence = json_object(), *occurrences = json_array();
        for (size_t i = 0; i < pkg->nlocations; i++) {
            json_t *o = json_object();
            fmt_set_str(o, "location", pkg->locations[i], &w->bad);
            fmt_append(occurrences, o, &w->bad);
        }
        fmt_set(evidence, "occurrences", occurrences, &w->bad);
        fmt_set(c, "evidence", evidence, &w->bad);
    }

    fmt_property *props;
    size_t n;
    if (fmt_component_properties(&w->item, w->inv, pkg, &props, &n) != VG_OK) {
        w->bad = 1;
        return c;
    }
    if (n) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            fmt_append(list, property(w, props[i].name, props[i].value), &w->bad);
        fmt_set(c, "properties", list, &w->bad);
    }
    if (w->profile == VG_PROFILE_BSI_TR_03183_2)
        bsi_component(w, c, pkg);
    return c;
}

static int ref_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *metadata(cdx_writer *w, const vg_format_options *opts, const char *timestamp)
{
    json_t *m = json_object(), *tools = json_object(), *list = json_array(), *vigil = json_object();
    if (!m || !vigil) {
        json_decref(m);
        json_decref(tools);
        json_decref(list);
        json_decref(vigil);
        w->bad = 1;
        return NULL;
    }
    fmt_set_str(m, "timestamp", timestamp, &w->bad);
    fmt_set(vigil, "type", json_string("application"), &w->bad);
    fmt_set(vigil, "name", json_string("vigil"), &w->bad);
    fmt_set_str(vigil, "version", opts->tool_version, &w->bad);
    fmt_append(list, vigil, &w->bad);
    fmt_set(tools, "components", list, &w->bad);
    fmt_set(m, "tools", tools, &w->bad);
    /* The manufacturer made this BOM (it ran vigil) and the product. */
    json_t *manufacturer = organization(w, opts->product.manufacturer);
    if (manufacturer)
        fmt_set(m, "manufacturer", manufacturer, &w->bad);
    else if (w->profile == VG_PROFILE_BSI_TR_03183_2) { /* TR §5.2.1 "Creator of the SBOM" */
        json_t *props = json_array();
        add_property(w, props, "vigil:bsi:sbom-creator",
                     "NOASSERTION: no manufacturer given (--manufacturer, vigil.toml [product])");
        fmt_set(m, "properties", props, &w->bad);
    }
    fmt_set(m, "component", target_component(w, opts), &w->bad);
    json_t *supplier = organization(w, opts->product.supplier);
    if (supplier)
        fmt_set(m, "supplier", supplier, &w->bad);
    return m;
}

/* One "dependencies" entry: from and the components its edges point at
 * (edges[0..n), all from it), sorted and without repeats. */
static json_t *dependency(cdx_writer *w, const vg_component *from, const vg_edge *edges, size_t n)
{
    const char **refs = vg_arena_calloc(&w->item, n, sizeof *refs);
    json_t *entry = json_object(), *on = json_array();
    if (!refs || !entry || !on) {
        json_decref(entry);
        json_decref(on);
        w->bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        refs[i] = edges[i].to->bom_ref;
    qsort(refs, n, sizeof *refs, ref_cmp);
    fmt_set_str(entry, "ref", from->bom_ref, &w->bad);
    for (size_t k = 0; k < n; k++)
        if (k == 0 || strcmp(refs[k - 1], refs[k]) != 0) /* both kinds to one component */
            fmt_append(on, fmt_str(refs[k]), &w->bad);
    fmt_set(entry, "dependsOn", on, &w->bad);
    return entry;
}

/* 1 for each component the target depends on directly: the first, in
 * sorted order, of each strongly connected component of the graph that no
 * edge from outside enters (a component nothing depends on, or a cycle only
 * reached from itself).  Every component is then reachable from the
 * target, and no root from another.  Tarjan's algorithm, iterative.  NULL
 * on OOM. */
static unsigned char *graph_roots(const vg_inventory *inv)
{
    size_t n = inv->ncomponents, ne = inv->nedges;
    const size_t none = SIZE_MAX;
    unsigned char *root = calloc(n ? n : 1, 1), *entered = calloc(n ? n : 1, 1);
    /* adjacency: the edges of i go to to[first[i] .. first[i + 1]) (the
     * edges are sorted by their from component) */
    size_t *to = malloc((ne ? ne : 1) * sizeof *to), *first = calloc(n + 1, sizeof *first);
    size_t *order = malloc((n ? n : 1) * sizeof *order), *low = malloc((n ? n : 1) * sizeof *low);
    size_t *scc = malloc((n ? n : 1) * sizeof *scc), *stack = malloc((n ? n : 1) * sizeof *stack);
    size_t *calls = malloc((n ? n : 1) * sizeof *calls), *next = malloc((n ? n : 1) * sizeof *next);
    vg_map index;
    vg_map_init(&index);
    int ok = root && entered && to && first && order && low && scc && stack && calls && next;
    for (size_t i = 0; ok && i < n; i++)
        ok = vg_map_put(&index, (const char *)&inv->components[i], sizeof(vg_component *), (void *)(i + 1)) == VG_OK;
    for (size_t e = 0; ok && e < ne; e++) {
        size_t from = (size_t)vg_map_get(&index, (const char *)&inv->edges[e].from, sizeof(vg_component *));
        to[e] = (size_t)vg_map_get(&index, (const char *)&inv->edges[e].to, sizeof(vg_component *)) - 1;
        first[from]++;
    }
    for (size_t i = 0; ok && i < n; i++) {
        first[i + 1] += first[i];
        order[i] = scc[i] = none;
    }
    size_t counter = 0, top = 0, nscc = 0;
    for (size_t v0 = 0; ok && v0 < n; v0++) {
        if (order[v0] != none)
            continue;
        size_t depth = 0;
        calls[depth++] = v0;
        order[v0] = low[v0] = counter++;
        next[v0] = first[v0];
        stack[top++] = v0;
        while (depth) {
            size_t v = calls[depth - 1];
            if (next[v] < first[v + 1]) {
                size_t w = to[next[v]++];
                if (order[w] == none) {
                    order[w] = low[w] = counter++;
                    next[w] = first[w];
                    stack[top++] = w;
                    calls[depth++] = w;
                } else if (scc[w] == none && order[w] < low[v]) {
                    low[v] = order[w]; /* w is on the stack */
                }
                continue;
            }
            if (low[v] == order[v]) { /* v heads a strongly connected component */
                size_t w;
                do {
                    w = stack[--top];
                    scc[w] = nscc;
                } while (w != v);
                nscc++;
            }
            depth--;
            if (depth && low[v] < low[calls[depth - 1]])
                low[calls[depth - 1]] = low[v];
        }
    }
    /* entered[s]: an edge from another strongly connected component enters s */
    for (size_t v = 0; ok && v < n; v++)
        for (size_t e = first[v]; e < first[v + 1]; e++)
            if (scc[to[e]] != scc[v])
                entered[scc[to[e]]] = 1;
    /* the first component of each one not entered: order[] is reused to
     * mark the strongly connected components that have their root */
    for (size_t s = 0; ok && s < nscc; s++)
        order[s] = 0;
    for (size_t v = 0; ok && v < n; v++)
        if (!entered[scc[v]] && !order[scc[v]]) {
            root[v] = 1;
            order[scc[v]] = 1;
        }
    vg_map_free(&index);
    free(entered);
    free(to);
    free(first);
    free(order);
    free(low);
    free(scc);
    free(stack);
    free(calls);
    free(next);
    if (!ok) {
        free(root);
        return NULL;
    }
    return root;
}

static json_t *root_composition(cdx_writer *w, const char *aggregate)
{
    json_t *comp = json_object(), *assemblies = json_array();
    if (!comp) {
        json_decref(assemblies);
        w->bad = 1;
        return NULL;
    }
    fmt_set(comp, "aggregate", json_string(aggregate), &w->bad);
    fmt_append(assemblies, fmt_str(w->root_ref), &w->bad);
    fmt_set(comp, "assemblies", assemblies, &w->bad);
    return comp;
}

/* §5.2.2 "Dependencies on other components" with the completeness the TR
 * asks for, per dependency list (fmt_bsi_dependencies_complete()):
 * "complete" or "unknown". */
static json_t *dependency_composition(cdx_writer *w, int complete)
{
    json_t *comp = json_object(), *refs = json_array();
    fmt_set(comp, "aggregate", json_string(complete ? "complete" : "unknown"), &w->bad);
    for (size_t i = 0; i < w->inv->ncomponents; i++) {
        const vg_component *c = w->inv->components[i];
        if (fmt_bsi_dependencies_complete(c) == complete)
            fmt_append(refs, fmt_str(c->bom_ref), &w->bad);
    }
    if (!complete && w->os_ref)
        fmt_append(refs, fmt_str(w->os_ref), &w->bad);
    fmt_set(comp, "dependencies", refs, &w->bad);
    return comp;
}

/* Frees the strings of the component just written. */
static void next_item(cdx_writer *w)
{
    vg_arena_free(&w->item);
    vg_arena_init(&w->item);
}

int vg_cyclonedx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    return fmt_cyclonedx_write(ctx, inv, opts, "1.6", out);
}

/* The document is streamed (fmt_stream): only one component's or one
 * dependency entry's jansson tree exists at a time. */
int fmt_cyclonedx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, const char *spec,
                        vg_buf *out)
{
    if (strcmp(spec, "1.6") != 0 && strcmp(spec, "1.7") != 0)
        return vg_error(ctx, VG_ERR_USAGE, "CycloneDX %s is not written (1.6, 1.7)", spec);
    char timestamp[32];
    if (fmt_timestamp(opts->timestamp, timestamp) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "timestamp %lld is outside the years 0000-9999",
                        (long long)opts->timestamp);
    unsigned char id[32];
    char salt[64];
    snprintf(salt, sizeof salt, "cyclonedx-%s serialNumber", spec);
    if (fmt_identity_hash(inv, opts, salt, id) != VG_OK)
        return vg_error(ctx, VG_ERR_NOMEM, "cannot hash the inventory");
    /* RFC 4122 layout: version 5 (name-based, SHA-1 there; SHA-256 here,
     * truncated) and the RFC 4122 variant. */
    id[6] = (unsigned char)((id[6] & 0x0F) | 0x50);
    id[8] = (unsigned char)((id[8] & 0x3F) | 0x80);
    char hex[33], serial[64];
    fmt_hex(hex, id, 16);
    snprintf(serial, sizeof serial, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
             hex + 20);

    cdx_writer w = {.inv = inv, .profile = opts->profile};
    vg_arena_init(&w.arena);
    vg_arena_init(&w.item);
    w.root_ref = unique_ref(&w, "vigil:target");
    w.os_ref = inv->has_os ? unique_ref(&w, vg_arena_printf(&w.arena, "vigil:os:%s@%s",
                                                              inv->os.id ? inv->os.id : "unknown",
                                                              inv->os.version_id ? inv->os.version_id : ""))
                           : NULL;
    if (!w.root_ref || (inv->has_os && !w.os_ref))
        w.bad = 1;

    fmt_stream s;
    fmt_stream_begin(&s, out);
    char schema[64];
    snprintf(schema, sizeof schema, "http://cyclonedx.org/schema/bom-%s.schema.json", spec);
    fmt_stream_value(&s, "$schema", json_string(schema));
    fmt_stream_value(&s, "bomFormat", json_string("CycloneDX"));
    fmt_stream_value(&s, "specVersion", json_string(spec));
    fmt_stream_value(&s, "serialNumber", json_string(serial));
    fmt_stream_value(&s, "version", json_integer(1));
    fmt_stream_value(&s, "metadata", metadata(&w, opts, timestamp));

    fmt_stream_open(&s, "components", '[');
    if (inv->has_os)
        fmt_stream_value(&s, NULL, os_component(&w));
    for (size_t i = 0; i < inv->ncomponents && !w.bad && !s.status; i++) {
        fmt_stream_value(&s, NULL, package_component(&w, inv->components[i]));
        next_item(&w);
    }
    fmt_stream_close(&s);

    fmt_stream_open(&s, "dependencies", '[');
    /* The target depends on the OS and the roots of the graph. */
    unsigned char *roots = graph_roots(inv);
    if (!roots)
        w.bad = 1;
    fmt_stream_open(&s, NULL, '{');
    fmt_stream_str(&s, "ref", w.root_ref);
    fmt_stream_open(&s, "dependsOn", '[');
    if (inv->has_os)
        fmt_stream_value(&s, NULL, fmt_str(w.os_ref));
    for (size_t i = 0; roots && i < inv->ncomponents && !s.status; i++)
        if (roots[i])
            fmt_stream_value(&s, NULL, fmt_str(inv->components[i]->bom_ref));
    free(roots);
    fmt_stream_close(&s);
    fmt_stream_close(&s);
    /* The graph: edges are sorted by (from, kind, to), so each
     * component's edges are adjacent.  CONTAINS (an OS package that
     * installed a library, an application and what it locks) is written
     * as dependsOn too, as CycloneDX has no other flat relation for it;
     * SPDX keeps the distinction. */
    for (size_t i = 0; i < inv->nedges && !w.bad && !s.status;) {
        const vg_component *from = inv->edges[i].from;
        size_t end = i;
        while (end < inv->nedges && inv->edges[end].from == from)
            end++;
        fmt_stream_value(&s, NULL, dependency(&w, from, inv->edges + i, end - i));
        next_item(&w);
        i = end;
    }
    fmt_stream_close(&s);

    if (inv->incomplete || w.profile == VG_PROFILE_BSI_TR_03183_2) {
        fmt_stream_open(&s, "compositions", '[');
        /* With the profile, a target read without warnings is still
         * "unknown": software no package manager lists may be there. */
        fmt_stream_value(&s, NULL, root_composition(&w, inv->incomplete ? "incomplete" : "unknown"));
        if (w.profile == VG_PROFILE_BSI_TR_03183_2) {
            fmt_stream_value(&s, NULL, dependency_composition(&w, 1));
            fmt_stream_value(&s, NULL, dependency_composition(&w, 0));
        }
        fmt_stream_close(&s);
    }
    int rc = fmt_stream_end(ctx, &s);
    if (w.bad || s.missing) {
        vg_buf_reset(out);
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory building the CycloneDX document");
    }
    vg_arena_free(&w.item);
    vg_arena_free(&w.arena);
    return rc;
}
