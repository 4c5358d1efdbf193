/*
 * spdx.c — writes an inventory as an SPDX 2.3 JSON document (SPDX
 * specification 2.3, clauses 6 document creation, 7 packages, 10 other
 * licensing information, 11 relationships; spdx-2.3-schema.json).
 *
 * Document: SPDXRef-DOCUMENT with a deterministic documentNamespace under
 * https://vigil.invalid/spdxdocs/ (the inventory identity hash, so the same
 * input names the same document), one package for the target, or the
 * product of vg_format_options.product (DESCRIBES),
 * one for the operating system (primaryPackagePurpose OPERATING_SYSTEM),
 * one per component; relationships "target CONTAINS x" and the graph
 * (CONTAINS, DEPENDS_ON), sorted.  SPDX 2.3 has no field for where a
 * package was found nor for other facts: each package carries them as
 * annotations (clause 12; type OTHER, annotator "Tool: vigil-VERSION",
 * the document's creation time), one per fact, with the comment
 * "NAME: VALUE" as Trivy writes its own: "vigil:location: PATH" for every
 * place it was found, the first being the primary one, then every vigil
 * property the CycloneDX document has (vigil:location excepted), sorted.
 * Licences that are no valid SPDX expression become LicenseRef-... with
 * their text in hasExtractedLicensingInfos.  docs/formats.md describes
 * every field.  Not written: files (SPDX requires their checksums, which
 * vigil does not compute), snippets, checksums of packages.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/cpe.h"
#include "vigil/format.h"
#include "vigil/map.h"

#define SPDX_ID_MAX 200 /* longer names are cut before the hash suffix */

typedef struct relationship {
    const char *element, *type, *related;
} relationship;

typedef struct spdx_writer {
    vg_arena arena;  /* strings that live as long as the writer */
    const char *annotator; /* "Tool: vigil-VERSION" */
    const char *created;   /* the document's creation time */
    vg_arena item;   /* strings of the one package being written, freed after it */
    const vg_inventory *inv;
    int bad;
    vg_map ids;      /* SPDXIDs given out, for uniqueness */
    vg_map refs;     /* LicenseRef id -> original licence text */
    relationship *rels;
    size_t nrels;
    vg_buf relbuf; /* holds rels: one growable type, with a cap */
} spdx_writer;

/* s with every character outside [A-Za-z0-9.-] turned into "-", at most
 * SPDX_ID_MAX bytes, and a hash suffix of the original when anything was
 * changed or cut (so that different strings stay different).  In arena. */
static char *idstring(spdx_writer *w, const char *s, int *changed_out)
{
    size_t len = strlen(s), n = len > SPDX_ID_MAX ? SPDX_ID_MAX : len;
    char *out = vg_arena_alloc(&w->arena, n + 1);
    if (!out)
        return NULL;
    int changed = n != len || n == 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        out[i] = ok ? c : '-';
        changed |= !ok;
    }
    out[n] = 0;
    if (changed_out)
        *changed_out = changed;
    return out;
}

static char *hash8(spdx_writer *w, const char *s)
{
    unsigned char md[32];
    unsigned int len = 0;
    char hex[65];
    if (!EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL))
        return NULL;
    fmt_hex(hex, md, 4);
    return vg_arena_strdup(&w->arena, hex);
}

/* "SPDXRef-Package-" + idstring(bom_ref); if another package already has
 * that id (bom-refs that differ only in replaced characters), the first
 * 8 hex digits of SHA-256(bom_ref) are appended. */
static const char *package_id(spdx_writer *w, const char *bom_ref)
{
    char *base = idstring(w, bom_ref, NULL);
    char *id = base ? vg_arena_printf(&w->arena, "SPDXRef-Package-%s", base) : NULL;
    if (id && vg_map_get(&w->ids, id, strlen(id))) {
        char *h = hash8(w, bom_ref);
        id = h ? vg_arena_printf(&w->arena, "SPDXRef-Package-%s-%s", base, h) : NULL;
        for (unsigned n = 2; id && vg_map_get(&w->ids, id, strlen(id)); n++)
            id = vg_arena_printf(&w->arena, "SPDXRef-Package-%s-%s-%u", base, h, n);
    }
    if (!id || vg_map_put(&w->ids, id, strlen(id), id) != VG_OK) {
        w->bad = 1;
        return NULL;
    }
    return id;
}

static void relate(spdx_writer *w, const char *element, const char *type, const char *related)
{
    if (!element || !related) {
        w->bad = 1;
        return;
    }
    relationship r = {element, type, related};
    w->rels = fmt_push(&w->relbuf, &r, sizeof r, &w->nrels, &w->bad);
}

static int relationship_cmp(const void *pa, const void *pb)
{
    const relationship *a = pa, *b = pb;
    int r = strcmp(a->element, b->element);
    if (!r)
        r = strcmp(a->type, b->type);
    return r ? r : strcmp(a->related, b->related);
}

/* licenseDeclared: the SPDX expression, or a LicenseRef- for the text
 * (recorded for hasExtractedLicensingInfos), or NOASSERTION. */
static const char *declared_license(spdx_writer *w, const vg_component *c)
{
    const char *spdx;
    int single;
    fmt_component_license(&w->arena, c, &spdx, &single);
    if (spdx)
        return spdx;
    if (!c->license || !c->license[strspn(c->license, " \t\r\n")])
        return "NOASSERTION";
    int changed;
    char *base = idstring(w, c->license, &changed);
    char *h = changed ? hash8(w, c->license) : NULL;
    char *ref = !base || (changed && !h) ? NULL
                : changed ? vg_arena_printf(&w->arena, "LicenseRef-%s-%s", base, h)
                          : vg_arena_printf(&w->arena, "LicenseRef-%s", base);
    if (!ref || vg_map_put(&w->refs, ref, strlen(ref), (void *)c->license) != VG_OK) {
        w->bad = 1;
        return "NOASSERTION";
    }
    return ref;
}

static void external_ref(spdx_writer *w, json_t *refs, const char *category, const char *type, const char *locator)
{
    json_t *r = json_object();
    fmt_set(r, "referenceCategory", json_string(category), &w->bad);
    fmt_set(r, "referenceType", json_string(type), &w->bad);
    fmt_set_str(r, "referenceLocator", locator, &w->bad);
    fmt_append(refs, r, &w->bad);
}

/* The fields every package has, in the order of SPDX 2.3 clause 7. */
static json_t *package_head(spdx_writer *w, const char *id, const char *name, const char *version,
                            const char *supplier)
{
    json_t *p = json_object();
    if (!p) {
        w->bad = 1;
        return NULL;
    }
    fmt_set_str(p, "name", name && *name ? name : "unknown", &w->bad);
    fmt_set_str(p, "SPDXID", id, &w->bad);
    fmt_set_str(p, "versionInfo", version, &w->bad);
    fmt_set_str(p, "supplier", supplier ? supplier : "NOASSERTION", &w->bad);
    fmt_set(p, "downloadLocation", json_string("NOASSERTION"), &w->bad);
    fmt_set(p, "filesAnalyzed", json_false(), &w->bad);
    return p;
}

static void package_licences(spdx_writer *w, json_t *p, const char *declared)
{
    fmt_set(p, "licenseConcluded", json_string("NOASSERTION"), &w->bad);
    fmt_set_str(p, "licenseDeclared", declared, &w->bad);
    fmt_set(p, "copyrightText", json_string("NOASSERTION"), &w->bad);
}

/* "Organization: NAME (EMAIL)" (SPDX 2.3 clauses 7.5 and 7.6) for "Name"
 * or "Name <email>"; NULL for NULL. */
static const char *organization(spdx_writer *w, vg_arena *arena, const char *s)
{
    if (!s || !*s)
        return NULL;
    const char *name, *email;
    fmt_split_contact(arena, s, &name, &email);
    const char *out = email ? vg_arena_printf(arena, "Organization: %s (%s)", name ? name : "", email)
                            : vg_arena_printf(arena, "Organization: %s", s);
    if (!out)
        w->bad = 1;
    return out;
}

/* The package the document DESCRIBES: the product when opts names one
 * (supplier its supplier, originator its manufacturer, purpose
 * APPLICATION, or CONTAINER for an image), else the target. */
static json_t *root_package(spdx_writer *w, const char *id, const vg_format_options *opts)
{
    const vg_target *t = &w->inv->target;
    int image = t->kind == VG_TARGET_DOCKER_ARCHIVE || t->kind == VG_TARGET_OCI_LAYOUT;
    const char *product = opts->product.name;
    const char *version = opts->product.version ? opts->product.version : image ? t->digest : NULL;
    json_t *p = package_head(w, id, product ? product : t->name ? t->name : t->path, version,
                             organization(w, &w->arena, opts->product.supplier));
    if (!p)
        return NULL;
    const char *originator = organization(w, &w->arena, opts->product.manufacturer);
    if (originator)
        fmt_set_str(p, "originator", originator, &w->bad);
    if (t->digest && strncmp(t->digest, "sha256:", 7) == 0 && strlen(t->digest) == 71) {
        json_t *sums = json_array(), *sum = json_object();
        fmt_set(sum, "algorithm", json_string("SHA256"), &w->bad);
        fmt_set_str(sum, "checksumValue", t->digest + 7, &w->bad);
        fmt_append(sums, sum, &w->bad);
        fmt_set(p, "checksums", sums, &w->bad);
    }
    /* With a product, the target it was scanned from is named here. */
    fmt_set_str(p, "sourceInfo",
                product || opts->product.version
                    ? vg_arena_printf(&w->arena, "target of kind %s scanned by vigil: %s", fmt_target_kind(t->kind),
                                      t->name ? t->name : t->path ? t->path : "")
                    : vg_arena_printf(&w->arena, "target of kind %s scanned by vigil", fmt_target_kind(t->kind)),
                &w->bad);
    package_licences(w, p, "NOASSERTION");
    fmt_set(p, "primaryPackagePurpose",
            json_string(image     ? "CONTAINER"
                        : product ? "APPLICATION"
                        : t->kind == VG_TARGET_ROOTFS_ARCHIVE ? "ARCHIVE"
                                                              : "FILE"),
            &w->bad);
    return p;
}

static json_t *os_package(spdx_writer *w, const char *id)
{
    const vg_os *os = &w->inv->os;
    json_t *p = package_head(w, id, os->id ? os->id : os->name, os->version_id, NULL);
    if (!p)
        return NULL;
    if (fmt_url_ok(os->home_url))
        fmt_set_str(p, "homepage", os->home_url, &w->bad);
    fmt_set(p, "sourceInfo", json_string("os-release file"), &w->bad);
    package_licences(w, p, "NOASSERTION");
    fmt_set_str(p, "description", os->pretty_name, &w->bad);
    char *cpe = NULL;
    if (os->cpe_name && vg_cpe_from_uri(&w->arena, os->cpe_name, &cpe) == VG_OK) {
        json_t *refs = json_array();
        external_ref(w, refs, "SECURITY", "cpe23Type", cpe);
        fmt_set(p, "externalRefs", refs, &w->bad);
    }
    fmt_set(p, "primaryPackagePurpose", json_string("OPERATING_SYSTEM"), &w->bad);
    return p;
}

static void annotate(spdx_writer *w, json_t *list, const char *name, const char *value)
{
    json_t *a = json_object();
    fmt_set(a, "annotationDate", json_string(w->created), &w->bad);
    fmt_set(a, "annotationType", json_string("OTHER"), &w->bad);
    fmt_set_str(a, "annotator", w->annotator, &w->bad);
    const char *comment = vg_arena_printf(&w->item, "%s: %s", name, value);
    fmt_set(a, "comment", fmt_str(comment), &w->bad);
    fmt_append(list, a, &w->bad);
}

/* The annotations of package c: its locations, then its properties. */
static json_t *annotations(spdx_writer *w, const vg_component *c)
{
    fmt_property *props;
    size_t n;
    json_t *list = json_array();
    if (!list || fmt_component_properties(&w->item, w->inv, c, &props, &n) != VG_OK) {
        w->bad = 1;
        return list;
    }
    for (size_t i = 0; i < c->nlocations; i++)
        annotate(w, list, "vigil:location", c->locations[i]);
    for (size_t i = 0; i < n; i++)
        if (strcmp(props[i].name, "vigil:location") != 0)
            annotate(w, list, props[i].name, props[i].value);
    return list;
}

/* declared: licenseDeclared, from declared_license() (called before the
 * packages are written, as hasExtractedLicensingInfos comes first). */
static json_t *component_package(spdx_writer *w, const vg_component *c, const char *id, const char *declared)
{
    const char *supplier = NULL;
    if (c->supplier && *c->supplier) {
        const char *name, *email;
        fmt_split_contact(&w->item, c->supplier, &name, &email);
        supplier = email ? vg_arena_printf(&w->item, "Organization: %s (%s)", name ? name : "", email)
                         : vg_arena_printf(&w->item, "Organization: %s", c->supplier);
    }
    json_t *p = package_head(w, id, c->name, c->version, supplier);
    if (!p)
        return NULL;
    if (fmt_url_ok(c->homepage))
        fmt_set_str(p, "homepage", c->homepage, &w->bad);
    vg_buf info;
    vg_buf_init(&info, 8192);
    int rc = vg_buf_addf(&info, "%s package found by vigil", c->type ? c->type : "a");
    if (c->cataloger)
        rc |= vg_buf_addf(&info, " (%s cataloger)", c->cataloger);
    if (c->location)
        rc |= vg_buf_addf(&info, " in %s", c->location);
    if (c->nlocations > 1)
        rc |= vg_buf_addf(&info, " and %zu other place%s", c->nlocations - 1, c->nlocations > 2 ? "s" : "");
    if (c->source_name)
        rc |= vg_buf_addf(&info, "; source package %s%s%s", c->source_name, c->source_version ? " " : "",
                          c->source_version ? c->source_version : "");
    if (c->layer >= 0 && (size_t)c->layer < w->inv->target.nlayers && w->inv->target.layers[c->layer].diff_id)
        rc |= vg_buf_addf(&info, "; image layer %d (%s)", c->layer, w->inv->target.layers[c->layer].diff_id);
    if (rc == VG_OK)
        fmt_set_str(p, "sourceInfo", info.data, &w->bad);
    vg_buf_free(&info);
    package_licences(w, p, declared);
    fmt_set_str(p, "description", c->description, &w->bad);
    json_t *refs = json_array();
    if (c->cpe)
        external_ref(w, refs, "SECURITY", "cpe23Type", c->cpe);
    if (c->purl)
        external_ref(w, refs, "PACKAGE-MANAGER", "purl", c->purl);
    if (json_array_size(refs))
        fmt_set(p, "externalRefs", refs, &w->bad);
    else
        json_decref(refs);
    fmt_set(p, "primaryPackagePurpose", json_string(c->application ? "APPLICATION" : "LIBRARY"), &w->bad);
    json_t *notes = annotations(w, c);
    if (json_array_size(notes))
        fmt_set(p, "annotations", notes, &w->bad);
    else
        json_decref(notes);
    return p;
}

static int key_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static json_t *extracted_licences(spdx_writer *w)
{
    size_t n = 0;
    const char **keys = vg_arena_calloc(&w->arena, w->refs.count ? w->refs.count : 1, sizeof *keys);
    if (!keys) {
        w->bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < w->refs.cap; i++) {
        const vg_map_slot *s = vg_map_slot_at(&w->refs, i);
        if (s && n < w->refs.count)
            keys[n++] = s->key;
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *text = vg_map_get(&w->refs, keys[i], strlen(keys[i]));
        json_t *e = json_object();
        fmt_set_str(e, "licenseId", keys[i], &w->bad);
        fmt_set_str(e, "name", text, &w->bad);
        fmt_set_str(e, "extractedText", text, &w->bad);
        fmt_set(e, "comment", json_string("licence as declared in the package metadata; no exact SPDX License List equivalent"),
                &w->bad);
        fmt_append(list, e, &w->bad);
    }
    return list;
}

static json_t *relationship_entry(const relationship *r)
{
    json_t *o = json_object();
    int bad = !o;
    fmt_set_str(o, "spdxElementId", r->element, &bad);
    fmt_set_str(o, "relatedSpdxElement", r->related, &bad);
    fmt_set_str(o, "relationshipType", r->type, &bad);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The document is streamed (fmt_stream): only one package's or one
 * relationship's jansson tree exists at a time.  A first pass gives out
 * the SPDXIDs and licence references, which the document needs before the
 * packages (hasExtractedLicensingInfos) and after them (relationships). */
int vg_spdx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    char created[32];
    if (fmt_timestamp(opts->timestamp, created) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "timestamp %lld is outside the years 0000-9999",
                        (long long)opts->timestamp);
    unsigned char hash[32];
    char hex[65];
    if (fmt_identity_hash(inv, opts, "spdx-2.3 documentNamespace", hash) != VG_OK)
        return vg_error(ctx, VG_ERR_NOMEM, "cannot hash the inventory");
    fmt_hex(hex, hash, 32);

    spdx_writer w = {.inv = inv, .created = created};
    vg_buf_init(&w.relbuf, (size_t)1 << 31);
    vg_arena_init(&w.arena);
    w.annotator = vg_arena_printf(&w.arena, "Tool: vigil-%s", opts->tool_version ? opts->tool_version : "unknown");
    if (!w.annotator)
        w.bad = 1;
    vg_arena_init(&w.item);
    vg_map_init(&w.ids);
    vg_map_init(&w.refs);
    const vg_target *t = &inv->target;
    /* The namespace names the product, or the kind of target: never the
     * path it was given by, so that it derives from content and identity. */
    const char *name = opts->product.name ? opts->product.name : t->name ? t->name : t->path ? t->path : "unknown";
    char *name_id = idstring(&w, opts->product.name ? opts->product.name : fmt_target_kind(t->kind), NULL);
    const char *root_id = "SPDXRef-DocumentRoot";
    const char *os_id = "SPDXRef-OperatingSystem";
    vg_map_put(&w.ids, root_id, strlen(root_id), (void *)root_id);
    vg_map_put(&w.ids, os_id, strlen(os_id), (void *)os_id);
    if (!name_id)
        w.bad = 1;

    /* First pass: SPDXIDs, declared licences and the relationships. */
    relate(&w, "SPDXRef-DOCUMENT", "DESCRIBES", root_id);
    if (inv->has_os)
        relate(&w, root_id, "CONTAINS", os_id);
    size_t n = inv->ncomponents;
    const char **ids = vg_arena_calloc(&w.arena, n ? n : 1, sizeof *ids);
    const char **declared = vg_arena_calloc(&w.arena, n ? n : 1, sizeof *declared);
    if (!ids || !declared)
        w.bad = 1;
    vg_map ids_of; /* component -> its SPDXID, for the edges */
    vg_map_init(&ids_of);
    for (size_t i = 0; i < n && !w.bad; i++) {
        const vg_component *c = inv->components[i];
        ids[i] = package_id(&w, c->bom_ref ? c->bom_ref : "component");
        declared[i] = declared_license(&w, c);
        relate(&w, root_id, "CONTAINS", ids[i]);
        if (!ids[i] || vg_map_put(&ids_of, (const char *)&inv->components[i], sizeof(vg_component *), (void *)ids[i]))
            w.bad = 1;
    }
    for (size_t i = 0; i < inv->nedges && !w.bad; i++) {
        const vg_edge *e = &inv->edges[i];
        const char *from = vg_map_get(&ids_of, (const char *)&e->from, sizeof(vg_component *));
        const char *to = vg_map_get(&ids_of, (const char *)&e->to, sizeof(vg_component *));
        if (from && to)
            relate(&w, from, e->kind == VG_EDGE_CONTAINS ? "CONTAINS" : "DEPENDS_ON", to);
    }
    vg_map_free(&ids_of);
    if (w.nrels > 1)
        qsort(w.rels, w.nrels, sizeof *w.rels, relationship_cmp);

    fmt_stream s;
    fmt_stream_begin(&s, out);
    fmt_stream_value(&s, "spdxVersion", json_string("SPDX-2.3"));
    fmt_stream_value(&s, "dataLicense", json_string("CC0-1.0"));
    fmt_stream_value(&s, "SPDXID", json_string("SPDXRef-DOCUMENT"));
    fmt_stream_str(&s, "name", name);
    fmt_stream_str(&s, "documentNamespace",
                   vg_arena_printf(&w.arena, "https://vigil.invalid/spdxdocs/%s-%s", name_id ? name_id : "", hex));
    json_t *info = json_object(), *creators = json_array();
    if (!info)
        w.bad = 1;
    fmt_set(info, "created", json_string(created), &w.bad);
    fmt_append(creators,
               fmt_str(w.annotator),
               &w.bad);
    fmt_set(info, "creators", creators, &w.bad);
    fmt_stream_value(&s, "creationInfo", info);
    if (w.refs.count)
        fmt_stream_value(&s, "hasExtractedLicensingInfos", extracted_licences(&w));

    fmt_stream_open(&s, "packages", '[');
    fmt_stream_value(&s, NULL, root_package(&w, root_id, opts));
    if (inv->has_os)
        fmt_stream_value(&s, NULL, os_package(&w, os_id));
    for (size_t i = 0; i < n && !w.bad && !s.status; i++) {
        fmt_stream_value(&s, NULL, component_package(&w, inv->components[i], ids[i], declared[i]));
        vg_arena_free(&w.item);
        vg_arena_init(&w.item);
    }
    fmt_stream_close(&s);

    fmt_stream_open(&s, "relationships", '[');
    for (size_t i = 0; i < w.nrels && !w.bad && !s.status; i++)
        fmt_stream_value(&s, NULL, relationship_entry(&w.rels[i]));
    fmt_stream_close(&s);

    int rc = fmt_stream_end(ctx, &s);
    if (w.bad || s.missing) {
        vg_buf_reset(out);
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory building the SPDX document");
    }
    vg_buf_free(&w.relbuf);
    vg_map_free(&w.ids);
    vg_map_free(&w.refs);
    vg_arena_free(&w.item);
    vg_arena_free(&w.arena);
    return rc;
}
