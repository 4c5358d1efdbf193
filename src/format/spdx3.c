/*
 * spdx3.c — writes an inventory as an SPDX 3.0.1 document in its JSON-LD
 * serialisation (spdx.github.io/spdx-spec/v3.0.1: Core, Software,
 * SimpleLicensing and Extension profiles; "@context"
 * https://spdx.org/rdf/3.0.1/spdx-context.jsonld; spdx-3.0.1 JSON schema).
 *
 * "@graph" holds, in this order: one CreationInfo (blank node
 * _:creationinfo, created = the document timestamp, createdBy the vigil
 * SoftwareAgent, createdUsing the vigil Tool), that SoftwareAgent and Tool,
 * the SpdxDocument (rootElement: the Sbom), the software_Sbom (sbomType
 * "analyzed", rootElement: the root package, element: every element
 * below), the root package (the scanned target, or the product of
 * vg_format_options.product when its name is set), the operating system
 * (software_primaryPurpose operatingSystem), one software_Package per
 * component, the suppliers as Organization agents, the declared licences
 * as simplelicensing_LicenseExpression elements (a licence text with no
 * SPDX equivalent as LicenseRef-vigil-HASH with its text in a
 * simplelicensing_SimpleLicensingText), and the relationships: the root
 * "contains" the OS and every component, each package "hasDeclaredLicense"
 * its expression (with the BSI profile also "hasConcludedLicense", its
 * dependsOn with their completeness, and an OS package's installed files
 * as software_File elements it "contains", each after its package), and the graph (DEPENDS_ON as dependsOn, CONTAINS as
 * contains).  A relationship to components whose scope is known is a
 * LifecycleScopedRelationship: required -> runtime, dev -> development,
 * optional -> runtime with relationshipType hasOptionalDependency (or
 * hasOptionalComponent for contains).
 * Relationships of one element with the same type and scope are one
 * Relationship with several "to".
 *
 * Deterministic: every spdxId is https://vigil.invalid/spdx3/HASH/ (the
 * identity hash of the inventory and the product) followed by the element's kind
 * and its percent-encoded key (a component's bom-ref, a supplier's name, a
 * licence expression), so the same inventory and options give the same
 * bytes.  vigil's facts about a component (its properties, every place it
 * was found as vigil:location) are CycloneDX-style properties in an
 * extension_CdxPropertiesExtension.  docs/formats.md describes every
 * field.  Not written: files and concluded licences (but with the BSI
 * profile, which hashes files), snippets, annotations, the
 * build/AI/dataset/security profiles.
 *
 * Per-package fields are added in component_package(); relationships of a
 * component (licences) in component_relationships().
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/cpe.h"
#include "vigil/format.h"
#include "vigil/map.h"

#define SPDX3_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define SPDX3_CREATION "_:creationinfo"

typedef struct spdx3_rel {
    const char *from;  /* spdxId */
    const char *type;  /* relationshipType */
    const char *scope; /* LifecycleScopeType, or NULL for a plain Relationship */
    const char *to;    /* spdxId */
} spdx3_rel;

typedef struct spdx3_writer {
    vg_arena arena;  /* strings that live as long as the writer */
    vg_arena item;   /* strings of the one element being written, freed after it */
    const vg_inventory *inv;
    const vg_format_options *opts;
    const char *base; /* https://vigil.invalid/spdx3/HASH/ */
    const char *root; /* the root package's spdxId */
    int bad;          /* out of memory */
    vg_map agents;    /* supplier or manufacturer text -> Organization spdxId */
    vg_map licences;  /* licence expression -> LicenseExpression spdxId */
    vg_map texts;     /* LicenseRef-vigil-HASH -> licence text */
    vg_map deps;      /* profile: component spdxId -> completeness of its dependsOn */
    spdx3_rel *rels;
    size_t nrels;
    vg_buf relbuf; /* holds rels: one growable type, with a cap */
} spdx3_writer;

/* base + kind + "/" + key, key percent-encoded (RFC 3987: everything but
 * unreserved characters, ':', '@' and '/'), which keeps different keys
 * different.  In the writer's arena; NULL (and w->bad) on OOM. */
static const char *element_id(spdx3_writer *w, const char *kind, const char *key)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(w->base) + strlen(kind) + 2;
    for (const char *p = key; *p; p++)
        len += 3;
    char *id = vg_arena_alloc(&w->arena, len), *o = id;
    if (!id) {
        w->bad = 1;
        return NULL;
    }
    o += snprintf(o, len, "%s%s%s", w->base, kind, *key ? "/" : "");
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~:@/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return id;
}

static void relate(spdx3_writer *w, const char *from, const char *type, const char *scope, const char *to)
{
    if (!from || !to) {
        w->bad = 1;
        return;
    }
    spdx3_rel r = {from, type, scope, to};
    w->rels = fmt_push(&w->relbuf, &r, sizeof r, &w->nrels, &w->bad);
}

static int str_cmp_null(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int rel_cmp(const void *pa, const void *pb)
{
    const spdx3_rel *a = pa, *b = pb;
    int r = strcmp(a->from, b->from);
    if (!r)
        r = strcmp(a->type, b->type);
    if (!r)
        r = str_cmp_null(a->scope, b->scope);
    return r ? r : strcmp(a->to, b->to);
}

/* The relationship type and lifecycle scope of an edge to c. */
static void edge_type(const vg_component *c, const char *type, const char **type_out, const char **scope_out)
{
    *type_out = type;
    *scope_out = NULL;
    switch (c->scope) {
    case VG_SCOPE_REQUIRED:
        *scope_out = "runtime";
        break;
    case VG_SCOPE_OPTIONAL:
        *scope_out = "runtime";
        *type_out = strcmp(type, "dependsOn") == 0 ? "hasOptionalDependency" : "hasOptionalComponent";
        break;
    case VG_SCOPE_DEV:
        *scope_out = "development";
        break;
    case VG_SCOPE_UNKNOWN:
        break;
    }
}

static json_t *element(spdx3_writer *w, const char *type, const char *id)
{
    json_t *e = json_object();
    if (!e) {
        w->bad = 1;
        return NULL;
    }
    fmt_set(e, "type", json_string(type), &w->bad);
    fmt_set_str(e, "spdxId", id, &w->bad);
    fmt_set(e, "creationInfo", json_string(SPDX3_CREATION), &w->bad);
    return e;
}

static json_t *id_list(spdx3_writer *w, const char *id)
{
    json_t *a = json_array();
    fmt_append(a, fmt_str(id), &w->bad);
    return a;
}

static void external_identifier(spdx3_writer *w, json_t *list, const char *type, const char *value)
{
    json_t *x = json_object();
    fmt_set(x, "type", json_string("ExternalIdentifier"), &w->bad);
    fmt_set(x, "externalIdentifierType", json_string(type), &w->bad);
    fmt_set_str(x, "identifier", value, &w->bad);
    fmt_append(list, x, &w->bad);
}

static void set_list(spdx3_writer *w, json_t *obj, const char *key, json_t *list)
{
    if (json_array_size(list))
        fmt_set(obj, key, list, &w->bad);
    else
        json_decref(list);
}

/* The spdxId element_id(kind, key) recorded in m under key (borrowed),
 * so that each key gives one element. */
static const char *shared_id(spdx3_writer *w, vg_map *m, const char *kind, const char *key)
{
    const char *id = vg_map_get(m, key, strlen(key));
    if (id)
        return id;
    id = element_id(w, kind, key);
    if (!id || vg_map_put(m, key, strlen(key), (void *)id) != VG_OK) {
        w->bad = 1;
        return NULL;
    }
    return id;
}

/* The Organization agent for text ("Name <mail>" or a name), given out
 * once per text; NULL for NULL or blank text. */
static const char *agent_id(spdx3_writer *w, const char *text)
{
    if (!text || !text[strspn(text, " \t\r\n")])
        return NULL;
    return shared_id(w, &w->agents, "agent", text);
}

static json_t *agent_element(spdx3_writer *w, const char *text, const char *id)
{
    const char *name, *email;
    fmt_split_contact(&w->item, text, &name, &email);
    json_t *e = element(w, "Organization", id);
    fmt_set_str(e, "name", name ? name : text, &w->bad);
    if (email) {
        json_t *ids = json_array();
        external_identifier(w, ids, "email", email);
        fmt_set(e, "externalIdentifier", ids, &w->bad);
    }
    return e;
}

/* The LicenseExpression element of c's declared licence: its SPDX
 * expression, or LicenseRef-vigil-HASH for a text without one (the text
 * recorded for its SimpleLicensingText); NULL when c declares none. */
static const char *licence_id(spdx3_writer *w, const vg_component *c)
{
    const char *spdx;
    int single;
    fmt_component_license(&w->arena, c, &spdx, &single);
    if (!spdx && (!c->license || !c->license[strspn(c->license, " \t\r\n")]))
        return NULL;
    const char *expr = spdx;
    if (!expr) {
        unsigned char md[32];
        unsigned int mdlen = 0;
        char hex[65];
        if (!EVP_Digest(c->license, strlen(c->license), md, &mdlen, EVP_sha256(), NULL)) {
            w->bad = 1;
            return NULL;
        }
        fmt_hex(hex, md, 8);
        expr = vg_arena_printf(&w->arena, "LicenseRef-vigil-%s", hex);
        if (!expr || vg_map_put(&w->texts, expr, strlen(expr), (void *)c->license) != VG_OK) {
            w->bad = 1;
            return NULL;
        }
    }
    return expr ? shared_id(w, &w->licences, "licence", expr) : NULL;
}

static json_t *licence_element(spdx3_writer *w, const char *expr, const char *id)
{
    json_t *e = element(w, "simplelicensing_LicenseExpression", id);
    fmt_set_str(e, "simplelicensing_licenseExpression", expr, &w->bad);
    if (vg_map_get(&w->texts, expr, strlen(expr))) {
        json_t *map = json_array(), *entry = json_object();
        fmt_set(entry, "type", json_string("DictionaryEntry"), &w->bad);
        fmt_set_str(entry, "key", expr, &w->bad);
        fmt_set_str(entry, "value", element_id(w, "licence-text", expr), &w->bad);
        fmt_append(map, entry, &w->bad);
        fmt_set(e, "simplelicensing_customIdToUri", map, &w->bad);
    }
    return e;
}

static json_t *licence_text_element(spdx3_writer *w, const char *ref, const char *text)
{
    json_t *e = element(w, "simplelicensing_SimpleLicensingText", element_id(w, "licence-text", ref));
    fmt_set_str(e, "name", ref, &w->bad);
    fmt_set(e, "simplelicensing_licenseText", fmt_str(text), &w->bad);
    fmt_set(e, "comment",
            json_string("licence as declared in the package metadata; no exact SPDX License List equivalent"),
            &w->bad);
    return e;
}

/* "sha256:HEX" as an SPDX Hash in verifiedUsing, when it is one. */
static void add_sha256(spdx3_writer *w, json_t *obj, const char *digest)
{
    if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest + 7) != 64 ||
        strspn(digest + 7, "0123456789abcdef") != 64)
        return;
    json_t *list = json_array(), *h = json_object();
    fmt_set(h, "type", json_string("Hash"), &w->bad);
    fmt_set(h, "algorithm", json_string("sha256"), &w->bad);
    fmt_set(h, "hashValue", json_string(digest + 7), &w->bad);
    fmt_append(list, h, &w->bad);
    fmt_set(obj, "verifiedUsing", list, &w->bad);
}

static json_t *cdx_property(spdx3_writer *w, const char *name, const char *value)
{
    json_t *p = json_object();
    fmt_set(p, "type", json_string("extension_CdxPropertyEntry"), &w->bad);
    fmt_set(p, "extension_cdxPropName", fmt_str(name), &w->bad);
    fmt_set(p, "extension_cdxPropValue", fmt_str(value ? value : ""), &w->bad);
    return p;
}

/* props as the element's extension_CdxPropertiesExtension (none when empty). */
static void add_properties(spdx3_writer *w, json_t *obj, json_t *props)
{
    if (!json_array_size(props)) {
        json_decref(props);
        return;
    }
    json_t *list = json_array(), *ext = json_object();
    fmt_set(ext, "type", json_string("extension_CdxPropertiesExtension"), &w->bad);
    fmt_set(ext, "extension_cdxProperty", props, &w->bad);
    fmt_append(list, ext, &w->bad);
    fmt_set(obj, "extension", list, &w->bad);
}

static json_t *root_package(spdx3_writer *w, const char *id)
{
    const vg_target *t = &w->inv->target;
    const vg_format_options *o = w->opts;
    int image = t->kind == VG_TARGET_DOCKER_ARCHIVE || t->kind == VG_TARGET_OCI_LAYOUT;
    int product = o->product.name && *o->product.name;
    json_t *p = element(w, "software_Package", id);
    if (product) {
        fmt_set_str(p, "name", o->product.name, &w->bad);
        fmt_set_str(p, "software_packageVersion", o->product.version, &w->bad);
        fmt_set_str(p, "suppliedBy", agent_id(w, o->product.supplier), &w->bad);
        const char *maker = agent_id(w, o->product.manufacturer);
        if (maker)
            fmt_set(p, "originatedBy", id_list(w, maker), &w->bad);
    } else {
        fmt_set_str(p, "name", t->name ? t->name : t->path ? t->path : "unknown", &w->bad);
        if (image)
            fmt_set_str(p, "software_packageVersion", t->digest, &w->bad);
    }
    add_sha256(w, p, t->digest);
    fmt_set_str(p, "software_sourceInfo",
                vg_arena_printf(&w->item, "target of kind %s scanned by vigil%s%s", fmt_target_kind(t->kind),
                                product && (t->name || t->path) ? ": " : "",
                                product ? (t->name ? t->name : t->path ? t->path : "") : ""),
                &w->bad);
    fmt_set(p, "software_primaryPurpose",
            json_string(image ? "container"
                        : product ? "application"
                        : t->kind == VG_TARGET_ROOTFS_ARCHIVE ? "archive"
                                                                : "file"),
            &w->bad);
    return p;
}

static json_t *os_package(spdx3_writer *w, const char *id)
{
    const vg_os *os = &w->inv->os;
    json_t *p = element(w, "software_Package", id);
    fmt_set_str(p, "name", os->id ? os->id : os->name ? os->name : "unknown", &w->bad);
    fmt_set_str(p, "summary", os->pretty_name, &w->bad);
    fmt_set_str(p, "software_packageVersion", os->version_id, &w->bad);
    if (fmt_url_ok(os->home_url))
        fmt_set_str(p, "software_homePage", os->home_url, &w->bad);
    char *cpe = NULL;
    if (os->cpe_name && vg_cpe_from_uri(&w->item, os->cpe_name, &cpe) == VG_OK) {
        json_t *ids = json_array();
        external_identifier(w, ids, "cpe23", cpe);
        fmt_set(p, "externalIdentifier", ids, &w->bad);
    }
    fmt_set(p, "software_sourceInfo", json_string("os-release file"), &w->bad);
    fmt_set(p, "software_primaryPurpose", json_string("operatingSystem"), &w->bad);
    json_t *props = json_array();
    if (os->id_like)
        fmt_append(props, cdx_property(w, "vigil:os:id-like", os->id_like), &w->bad);
    if (os->name)
        fmt_append(props, cdx_property(w, "vigil:os:name", os->name), &w->bad);
    if (os->version_codename)
        fmt_append(props, cdx_property(w, "vigil:os:version-codename", os->version_codename), &w->bad);
    add_properties(w, p, props);
    return p;
}

/* Where vigil found c, in words (as SPDX 2's sourceInfo). */
static const char *source_info(spdx3_writer *w, const vg_component *c)
{
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
    const char *s = rc == VG_OK ? vg_arena_strdup(&w->item, info.data) : NULL;
    vg_buf_free(&info);
    return s;
}

/* A file's SHA-512 (§5.2.2 hash) as a Hash for verifiedUsing. */
static json_t *sha512_hash(spdx3_writer *w, const vg_file_hash *f)
{
    json_t *h = json_object();
    fmt_set(h, "type", json_string("Hash"), &w->bad);
    fmt_set(h, "algorithm", json_string("sha512"), &w->bad);
    fmt_set(h, "hashValue", json_string(f->sha512), &w->bad);
    return h;
}

/* A file's kinds (§5.2.2 executable, archive, structured) as the TR's SPDX
 * mapping puts them: software_additionalPurpose executable, archive, and
 * container for a structured archive; its filename as a property. */
static void file_kinds(spdx3_writer *w, json_t *obj, json_t *props, const vg_file_hash *f)
{
    json_t *purposes = json_array();
    if (f->executable)
        fmt_append(purposes, json_string("executable"), &w->bad);
    if (f->archive) {
        fmt_append(purposes, json_string("archive"), &w->bad);
        fmt_append(purposes, json_string("container"), &w->bad);
    }
    set_list(w, obj, "software_additionalPurpose", purposes);
    fmt_append(props, cdx_property(w, "bsi:component:filename", fmt_bsi_basename(f->path)), &w->bad);
}

/* The BSI TR-03183-2 profile (docs/bsi-tr-03183-2.md) on the package of a
 * component that is one file (a jar, a binary): its SHA-512 (verifiedUsing)
 * and kinds; an OS package's installed files are software_File elements
 * it contains (file_element()); otherwise why not, as the CycloneDX
 * writer says it. */
static void bsi_package(spdx3_writer *w, json_t *p, json_t *props, const vg_component *c)
{
    /* §5.2.2 "Component creator", as the CycloneDX writer's manufacturer:
     * the maintainer's agent when the metadata gives an e-mail address or
     * a valid URL (the agent carries the address, software_homePage the
     * URL), else NOASSERTION with the reason. */
    const char *name = NULL, *email = NULL;
    if (c->supplier && *c->supplier)
        fmt_split_contact(&w->item, c->supplier, &name, &email);
    if (email || fmt_url_ok(c->homepage)) {
        const char *maker = agent_id(w, name || email ? c->supplier : c->homepage);
        fmt_set(p, "originatedBy", maker ? id_list(w, maker) : NULL, &w->bad);
    } else {
        fmt_append(props,
                   cdx_property(w, "vigil:bsi:creator", "NOASSERTION: the package metadata gives no e-mail address or URL"),
                   &w->bad);
    }
    const char *why = fmt_bsi_not_hashed(&w->item, w->inv, c);
    if (c->nfiles || why) {
        fmt_append(props, cdx_property(w, "vigil:bsi:deployable",
                                       why ? vg_arena_printf(&w->item, "NOASSERTION: %s", why)
                                           : vg_arena_printf(&w->item, "the package archive is not in the target; "
                                                                       "it contains its %zu installed regular "
                                                                       "files, software_File elements each with "
                                                                       "its SHA-512", c->nhashes)),
                   &w->bad);
        return;
    }
    json_t *hashes = json_array();
    for (size_t i = 0; i < c->nhashes; i++)
        fmt_append(hashes, sha512_hash(w, c->hashes[i]), &w->bad);
    fmt_set(p, "verifiedUsing", hashes, &w->bad);
    file_kinds(w, p, props, c->hashes[0]);
}

/* The spdxIds of the profile's installed files of an OS package c (none for
 * any other component): in arena, *n of them; NULL when none or on OOM
 * (w->bad). */
static const char **file_ids(spdx3_writer *w, const vg_component *c, size_t *n)
{
    *n = 0;
    if (w->opts->profile != VG_PROFILE_BSI_TR_03183_2 || !c->nfiles || !c->nhashes)
        return NULL;
    const char **ids = vg_arena_calloc(&w->arena, c->nhashes, sizeof *ids);
    if (!ids) {
        w->bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < c->nhashes && !w->bad; i++) {
        const char *key = vg_arena_printf(&w->item, "%s/%s", c->bom_ref ? c->bom_ref : "component",
                                          c->hashes[i]->path);
        ids[i] = key ? element_id(w, "file", key) : NULL;
        if (!ids[i])
            w->bad = 1;
    }
    *n = c->nhashes;
    return ids;
}

/* The software_File of an installed file f of an OS package: named by its
 * path in the target, with its SHA-512, kinds and filename. */
static json_t *file_element(spdx3_writer *w, const vg_file_hash *f, const char *id)
{
    json_t *e = element(w, "software_File", id), *hashes = json_array(), *props = json_array();
    fmt_set_str(e, "name", f->path, &w->bad);
    fmt_append(hashes, sha512_hash(w, f), &w->bad);
    fmt_set(e, "verifiedUsing", hashes, &w->bad);
    file_kinds(w, e, props, f);
    fmt_set(e, "software_fileKind", json_string("file"), &w->bad);
    add_properties(w, e, props);
    return e;
}

/* The software_Package of component c.  Fields of other profiles (hashes,
 * file kinds) are added here. */
static json_t *component_package(spdx3_writer *w, const vg_component *c, const char *id)
{
    json_t *p = element(w, "software_Package", id);
    if (!p)
        return NULL;
    fmt_set_str(p, "name", c->name && *c->name ? c->name : "unknown", &w->bad);
    fmt_set_str(p, "summary", c->description, &w->bad);
    fmt_set_str(p, "software_packageVersion", c->version, &w->bad);
    fmt_set_str(p, "software_packageUrl", c->purl, &w->bad);
    json_t *ids = json_array();
    if (c->purl)
        external_identifier(w, ids, "packageUrl", c->purl);
    if (c->cpe)
        external_identifier(w, ids, "cpe23", c->cpe);
    set_list(w, p, "externalIdentifier", ids);
    fmt_set_str(p, "suppliedBy", agent_id(w, c->supplier), &w->bad);
    if (fmt_url_ok(c->homepage))
        fmt_set_str(p, "software_homePage", c->homepage, &w->bad);
    fmt_set_str(p, "software_sourceInfo", source_info(w, c), &w->bad);
    fmt_set(p, "software_primaryPurpose", json_string(c->application ? "application" : "library"), &w->bad);

    fmt_property *props;
    size_t n;
    if (fmt_component_properties(&w->item, w->inv, c, &props, &n) != VG_OK) {
        w->bad = 1;
        return p;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        fmt_append(list, cdx_property(w, props[i].name, props[i].value), &w->bad);
    if (w->opts->profile == VG_PROFILE_BSI_TR_03183_2)
        bsi_package(w, p, list, c);
    add_properties(w, p, list);
    return p;
}

/* The relationships of component c other than the graph's: its declared
 * licence; with the profile its concluded licence (§5.2.2 "Distribution
 * licences": vigil's normalised SPDX expression, else NoAssertionLicense)
 * and the installed files (files[0..nfiles)) it contains. */
static void component_relationships(spdx3_writer *w, const vg_component *c, const char *id, const char **files,
                                    size_t nfiles)
{
    const char *lic = licence_id(w, c);
    if (lic)
        relate(w, id, "hasDeclaredLicense", NULL, lic);
    if (w->opts->profile != VG_PROFILE_BSI_TR_03183_2)
        return;
    const char *spdx;
    int single;
    fmt_component_license(&w->arena, c, &spdx, &single);
    relate(w, id, "hasConcludedLicense", NULL,
           spdx ? shared_id(w, &w->licences, "licence", spdx) : "expandedlicensing_NoAssertionLicense");
    for (size_t i = 0; i < nfiles; i++)
        relate(w, id, "contains", NULL, files[i]);
}

/* With the profile, §5.2.2 "Dependencies on other components" with their
 * completeness (fmt_bsi_dependencies_complete()): a complete list is a
 * dependsOn to NoneElement (SPDX 3.0.1 Core: a set of zero elements;
 * Relationship.to needs at least one) with completeness complete; another
 * list is its dependsOn relationships with completeness noAssertion, or,
 * without any, a dependsOn to NoAssertionElement.  has_deps: c has
 * dependsOn edges. */
static void component_dependencies(spdx3_writer *w, const vg_component *c, const char *id, int has_deps)
{
    int complete = fmt_bsi_dependencies_complete(c);
    if (vg_map_put(&w->deps, id, strlen(id), complete ? "complete" : "noAssertion") != VG_OK)
        w->bad = 1;
    if (complete && !has_deps)
        relate(w, id, "dependsOn", NULL, "NoneElement");
    else if (!has_deps)
        relate(w, id, "dependsOn", NULL, "NoAssertionElement");
}

/* The spdxId of the Relationship of rels[0..]'s from, type and scope:
 * base "relationship/" TYPE "/" SCOPE or "-" "/" and the from element's id
 * after base (already encoded). */
static const char *relationship_id(spdx3_writer *w, const spdx3_rel *r)
{
    const char *id = vg_arena_printf(&w->arena, "%srelationship/%s/%s/%s", w->base, r->type, r->scope ? r->scope : "-",
                                     r->from + strlen(w->base));
    if (!id)
        w->bad = 1;
    return id;
}

/* One Relationship (or LifecycleScopedRelationship) for rels[0..n), which
 * share from, type and scope. */
static json_t *relationship_element(spdx3_writer *w, const spdx3_rel *rels, size_t n, const char *id)
{
    json_t *e = element(w, rels->scope ? "LifecycleScopedRelationship" : "Relationship", id);
    fmt_set_str(e, "from", rels->from, &w->bad);
    fmt_set(e, "relationshipType", json_string(rels->type), &w->bad);
    json_t *to = json_array();
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(rels[i - 1].to, rels[i].to) != 0)
            fmt_append(to, fmt_str(rels[i].to), &w->bad);
    fmt_set(e, "to", to, &w->bad);
    if (rels->scope)
        fmt_set(e, "scope", json_string(rels->scope), &w->bad);
    if (w->inv->incomplete && strcmp(rels->type, "contains") == 0 && strcmp(rels->from, w->root) == 0)
        fmt_set(e, "completeness", json_string("incomplete"), &w->bad);
    const char *completeness = strcmp(rels->type, "dependsOn") == 0 || strcmp(rels->type, "hasOptionalDependency") == 0
                                   ? vg_map_get(&w->deps, rels->from, strlen(rels->from))
                                   : NULL;
    if (completeness)
        fmt_set(e, "completeness", json_string(completeness), &w->bad);
    return e;
}

static int key_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The keys of m, sorted; NULL on OOM. */
static const char **sorted_keys(spdx3_writer *w, const vg_map *m)
{
    const char **keys = vg_arena_calloc(&w->arena, m->count ? m->count : 1, sizeof *keys);
    size_t n = 0;
    if (!keys) {
        w->bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < m->cap; i++) {
        const vg_map_slot *s = vg_map_slot_at(m, i);
        if (s && n < m->count)
            keys[n++] = s->key;
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    return keys;
}

static void next_item(spdx3_writer *w)
{
    vg_arena_free(&w->item);
    vg_arena_init(&w->item);
}

/* Streamed (fmt_stream): only one element's jansson tree exists at a time.
 * A first pass gives out the spdxIds, agents, licences and relationships,
 * which the Sbom's element list needs before the elements are written. */
int vg_spdx3_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    char created[32];
    if (fmt_timestamp(opts->timestamp, created) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "timestamp %lld is outside the years 0000-9999",
                        (long long)opts->timestamp);
    spdx3_writer w = {.inv = inv, .opts = opts};
    vg_buf_init(&w.relbuf, (size_t)1 << 31);
    vg_arena_init(&w.arena);
    vg_arena_init(&w.item);
    vg_map_init(&w.agents);
    vg_map_init(&w.licences);
    vg_map_init(&w.texts);
    vg_map_init(&w.deps);
    /* the product is part of the document's identity (fmt_identity_hash) */
    unsigned char hash[32];
    char hex[65];
    if (fmt_identity_hash(inv, opts, "spdx-3.0.1 document", hash) != VG_OK) {
        vg_arena_free(&w.arena);
        return vg_error(ctx, VG_ERR_NOMEM, "cannot hash the inventory");
    }
    fmt_hex(hex, hash, 16);
    w.base = vg_arena_printf(&w.arena, "https://vigil.invalid/spdx3/%s/", hex);
    if (!w.base)
        w.bad = 1;
    const char *doc_id = w.base ? element_id(&w, "document", "") : NULL;
    const char *sbom_id = w.base ? element_id(&w, "sbom", "") : NULL;
    const char *root_id = w.base ? element_id(&w, "package", "vigil:target") : NULL;
    w.root = root_id ? root_id : "";
    const char *os_id = w.base ? element_id(&w, "os", "") : NULL;
    const char *agent = w.base ? element_id(&w, "agent", "vigil") : NULL;
    const char *tool = w.base ? element_id(&w, "tool", "vigil") : NULL;
    const char *version = opts->tool_version ? opts->tool_version : "unknown";

    /* First pass: ids and relationships. */
    size_t n = inv->ncomponents;
    const char **ids = vg_arena_calloc(&w.arena, n ? n : 1, sizeof *ids);
    const char ***files = vg_arena_calloc(&w.arena, n ? n : 1, sizeof *files); /* the profile's */
    size_t *nfiles = vg_arena_calloc(&w.arena, n ? n : 1, sizeof *nfiles);
    vg_map ids_of; /* component -> its spdxId, for the edges */
    vg_map_init(&ids_of);
    vg_map has_deps; /* component with dependsOn edges -> itself */
    vg_map_init(&has_deps);
    if (!ids || !files || !nfiles)
        w.bad = 1;
    if (inv->has_os)
        relate(&w, root_id, "contains", NULL, os_id);
    if (opts->product.name && *opts->product.name) {
        agent_id(&w, opts->product.supplier);
        agent_id(&w, opts->product.manufacturer);
    }
    for (size_t i = 0; i < n && !w.bad; i++) {
        const vg_component *c = inv->components[i];
        const char *type, *scope;
        ids[i] = element_id(&w, "package", c->bom_ref ? c->bom_ref : "component");
        edge_type(c, "contains", &type, &scope);
        relate(&w, root_id, type, scope, ids[i]);
        agent_id(&w, c->supplier);
        files[i] = file_ids(&w, c, &nfiles[i]);
        component_relationships(&w, c, ids[i], files[i], nfiles[i]);
        next_item(&w);
        if (!ids[i] || vg_map_put(&ids_of, (const char *)&inv->components[i], sizeof(vg_component *), (void *)ids[i]))
            w.bad = 1;
    }
    for (size_t i = 0; i < inv->nedges && !w.bad; i++) {
        const vg_edge *e = &inv->edges[i];
        const char *from = vg_map_get(&ids_of, (const char *)&e->from, sizeof(vg_component *));
        const char *to = vg_map_get(&ids_of, (const char *)&e->to, sizeof(vg_component *));
        const char *type, *scope;
        edge_type(e->to, e->kind == VG_EDGE_CONTAINS ? "contains" : "dependsOn", &type, &scope);
        if (from && to)
            relate(&w, from, type, scope, to);
        if (from && to && e->kind == VG_EDGE_DEPENDS_ON &&
            vg_map_put(&has_deps, (const char *)&e->from, sizeof(vg_component *), (void *)e->from) != VG_OK)
            w.bad = 1;
    }
    for (size_t i = 0; i < n && !w.bad && opts->profile == VG_PROFILE_BSI_TR_03183_2; i++) {
        const char *key = (const char *)&inv->components[i];
        int deps = vg_map_get(&has_deps, key, sizeof(vg_component *)) != NULL;
        component_dependencies(&w, inv->components[i], ids[i], deps);
    }
    vg_map_free(&has_deps);
    vg_map_free(&ids_of);
    /* the root's relationships first (relationship_element() marks them
     * incomplete), then by from, type, scope, to */
    if (w.nrels > 1)
        qsort(w.rels, w.nrels, sizeof *w.rels, rel_cmp);
    size_t first = 0, past;
    while (first < w.nrels && strcmp(w.rels[first].from, root_id) != 0)
        first++;
    for (past = first; past < w.nrels && strcmp(w.rels[past].from, root_id) == 0;)
        past++;
    if (first < past && first > 0 && !w.bad) { /* rotate [0, past) so that [first, past) leads */
        spdx3_rel *tmp = malloc(first * sizeof *tmp);
        if (tmp) {
            memcpy(tmp, w.rels, first * sizeof *tmp);
            memmove(w.rels, w.rels + first, (past - first) * sizeof *tmp);
            memcpy(w.rels + (past - first), tmp, first * sizeof *tmp);
            free(tmp);
        } else {
            w.bad = 1;
        }
    }
    /* groups[g] .. groups[g + 1]: the relationships written as one */
    size_t ngroups = 0, *groups = malloc((w.nrels + 1) * sizeof *groups);
    const char **group_ids = vg_arena_calloc(&w.arena, w.nrels + 1, sizeof *group_ids);
    if (!groups || !group_ids)
        w.bad = 1;
    for (size_t i = 0; i < w.nrels && !w.bad; ngroups++) {
        groups[ngroups] = i;
        group_ids[ngroups] = relationship_id(&w, &w.rels[i]);
        size_t end = i + 1;
        while (end < w.nrels && strcmp(w.rels[end].from, w.rels[i].from) == 0 &&
               strcmp(w.rels[end].type, w.rels[i].type) == 0 && str_cmp_null(w.rels[end].scope, w.rels[i].scope) == 0)
            end++;
        i = end;
    }
    if (groups)
        groups[ngroups] = w.nrels;
    const char **agents = sorted_keys(&w, &w.agents);
    const char **licences = sorted_keys(&w, &w.licences);
    const char **texts = sorted_keys(&w, &w.texts);

    fmt_stream s;
    fmt_stream_begin(&s, out);
    fmt_stream_str(&s, "@context", SPDX3_CONTEXT);
    fmt_stream_open(&s, "@graph", '[');

    json_t *info = json_object();
    fmt_set(info, "type", json_string("CreationInfo"), &w.bad);
    fmt_set(info, "@id", json_string(SPDX3_CREATION), &w.bad);
    fmt_set(info, "specVersion", json_string("3.0.1"), &w.bad);
    fmt_set(info, "created", json_string(created), &w.bad);
    fmt_set(info, "createdBy", id_list(&w, agent), &w.bad);
    fmt_set(info, "createdUsing", id_list(&w, tool), &w.bad);
    fmt_stream_value(&s, NULL, info);
    json_t *e = element(&w, "SoftwareAgent", agent);
    fmt_set(e, "name", json_string("vigil"), &w.bad);
    fmt_stream_value(&s, NULL, e);
    e = element(&w, "Tool", tool);
    fmt_set_str(e, "name", vg_arena_printf(&w.item, "vigil-%s", version), &w.bad);
    fmt_stream_value(&s, NULL, e);

    const vg_target *t = &inv->target;
    e = element(&w, "SpdxDocument", doc_id);
    fmt_set_str(e, "name", opts->product.name && *opts->product.name ? opts->product.name
                           : t->name                                  ? t->name
                           : t->path                                  ? t->path
                                                                      : "unknown",
                &w.bad);
    json_t *profiles = json_array();
    static const char *const conformance[] = {"core", "software", "simpleLicensing", "extension"};
    for (size_t i = 0; i < sizeof conformance / sizeof conformance[0]; i++)
        fmt_append(profiles, json_string(conformance[i]), &w.bad);
    fmt_set(e, "profileConformance", profiles, &w.bad);
    fmt_set(e, "rootElement", id_list(&w, sbom_id), &w.bad);
    fmt_stream_value(&s, NULL, e);

    /* The Sbom and its element list, written by hand: it may be long. */
    fmt_stream_open(&s, NULL, '{');
    fmt_stream_str(&s, "type", "software_Sbom");
    fmt_stream_str(&s, "spdxId", sbom_id);
    fmt_stream_str(&s, "creationInfo", SPDX3_CREATION);
    fmt_stream_value(&s, "software_sbomType", id_list(&w, "analyzed"));
    fmt_stream_value(&s, "rootElement", id_list(&w, root_id));
    fmt_stream_open(&s, "element", '[');
    fmt_stream_str(&s, NULL, agent);
    fmt_stream_str(&s, NULL, tool);
    fmt_stream_str(&s, NULL, root_id);
    if (inv->has_os)
        fmt_stream_str(&s, NULL, os_id);
    for (size_t i = 0; i < n && !w.bad; i++) {
        fmt_stream_str(&s, NULL, ids[i]);
        for (size_t k = 0; k < nfiles[i]; k++)
            fmt_stream_str(&s, NULL, files[i][k]);
    }
    for (size_t i = 0; agents && i < w.agents.count; i++)
        fmt_stream_str(&s, NULL, vg_map_get(&w.agents, agents[i], strlen(agents[i])));
    for (size_t i = 0; licences && i < w.licences.count; i++)
        fmt_stream_str(&s, NULL, vg_map_get(&w.licences, licences[i], strlen(licences[i])));
    for (size_t i = 0; texts && i < w.texts.count; i++)
        fmt_stream_str(&s, NULL, element_id(&w, "licence-text", texts[i]));
    for (size_t g = 0; g < ngroups; g++)
        fmt_stream_str(&s, NULL, group_ids[g]);
    fmt_stream_close(&s);
    fmt_stream_close(&s);
    next_item(&w);

    fmt_stream_value(&s, NULL, root_package(&w, root_id));
    if (inv->has_os)
        fmt_stream_value(&s, NULL, os_package(&w, os_id));
    for (size_t i = 0; i < n && !w.bad && !s.status; i++) {
        fmt_stream_value(&s, NULL, component_package(&w, inv->components[i], ids[i]));
        next_item(&w);
        for (size_t k = 0; k < nfiles[i] && !s.status; k++) {
            fmt_stream_value(&s, NULL, file_element(&w, inv->components[i]->hashes[k], files[i][k]));
            next_item(&w);
        }
    }
    for (size_t i = 0; agents && i < w.agents.count && !s.status; i++) {
        fmt_stream_value(&s, NULL,
                         agent_element(&w, agents[i], vg_map_get(&w.agents, agents[i], strlen(agents[i]))));
        next_item(&w);
    }
    for (size_t i = 0; licences && i < w.licences.count && !s.status; i++)
        fmt_stream_value(&s, NULL,
                         licence_element(&w, licences[i], vg_map_get(&w.licences, licences[i], strlen(licences[i]))));
    for (size_t i = 0; texts && i < w.texts.count && !s.status; i++)
        fmt_stream_value(&s, NULL,
                         licence_text_element(&w, texts[i], vg_map_get(&w.texts, texts[i], strlen(texts[i]))));
    for (size_t g = 0; g < ngroups && !w.bad && !s.status; g++) {
        fmt_stream_value(&s, NULL,
                         relationship_element(&w, w.rels + groups[g], groups[g + 1] - groups[g], group_ids[g]));
        next_item(&w);
    }
    fmt_stream_close(&s);

    int rc = fmt_stream_end(ctx, &s);
    if (w.bad || s.missing) {
        vg_buf_reset(out);
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory building the SPDX 3 document");
    }
    vg_buf_free(&w.relbuf);
    free(groups);
    vg_map_free(&w.agents);
    vg_map_free(&w.licences);
    vg_map_free(&w.texts);
    vg_map_free(&w.deps);
    vg_arena_free(&w.item);
    vg_arena_free(&w.arena);
    return rc;
}
