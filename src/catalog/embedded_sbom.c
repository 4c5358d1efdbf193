/*
 * embedded_sbom.c — the "sbom" cataloger: SBOMs that images and trees ship
 * inside themselves, at the places a known convention puts them:
 *
 *   opt/bitnami/ ** /.spdx-NAME.spdx     Bitnami's images: one SPDX 2.3 JSON
 *                                       document per component they built
 *                                       (bitnami/containers, .vib/common/goss/
 *                                       scripts/check-spdx.sh looks for them)
 *   var/lib/db/sbom/NAME.spdx.json     apk packages built by melange (Wolfi,
 *                                       Chainguard): the package's own SPDX
 *                                       document, as apko reads it
 *                                       (chainguard-dev/apko, docs/sbom-
 *                                       composition.md, "Finding internal SBOMs")
 *   layers/sbom/launch/ ** /sbom.cdx.json, sbom.spdx.json
 *                                       Cloud Native Buildpacks images: the
 *                                       launch SBOM of each buildpack
 *                                       (buildpacks.io, "Download an SBOM")
 *
 * Nothing else is read: an SBOM anywhere else may be stale, a copy, or
 * vigil's own output written into the tree it describes, and reading it
 * would feed a scan its previous result.  Each file is read with
 * vg_sbom_read() (CycloneDX 1.4-1.7 or SPDX 2.2/2.3 JSON); one that is not
 * (Bitnami's older tag-value files) is reported in a warning.
 *
 * Every component of the document with a purl with a version becomes a
 * component found at the SBOM file (its location), cataloger "sbom",
 * evidence VG_EVIDENCE_MANIFEST (a declaration, not what is installed),
 * with the document's facts (name, version, licence, supplier, CPE ...),
 * properties and graph (DEPENDS_ON, and CONTAINS as vg_sbom_read() reads
 * it: from an OS package to what it installed).  Components without such a purl are
 * left out: they can be neither matched nor merged.  The places the
 * document itself records (vigil:location, evidence.occurrences) are not
 * kept: they are the paths of another scan.
 *
 * Merged with, not added to, what the other catalogers found:
 * vg_inventory_finalize() merges copies with the same purl, and the copy
 * with installed evidence gives the facts.  Because a package manager and
 * an SBOM writer may qualify one package's purl differently (distro, arch
 * or upstream qualifiers, in another order), finish() — which runs after
 * every other cataloger's — gives an embedded copy the purl of the one
 * component another cataloger found with the same purl up to its
 * qualifiers ("pkg:TYPE/NAMESPACE/NAME@VERSION"); when several differ in
 * their qualifiers, none is chosen and the copy keeps its own.
 *
 * Bounded: each file at most EMBEDDED_MAX_SIZE bytes, at most
 * EMBEDDED_MAX_DOCUMENTS documents and EMBEDDED_MAX_COMPONENTS components
 * per scan; past a bound the rest is skipped with a warning.
 */
#include <string.h>

#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/sbomread.h"

#define EMBEDDED_MAX_SIZE ((size_t)64 << 20)
#define EMBEDDED_MAX_DOCUMENTS 1024
#define EMBEDDED_MAX_COMPONENTS ((size_t)500000)

typedef struct embedded_item {
    vg_component *component;
    struct embedded_item *next;
} embedded_item;

typedef struct embedded_state {
    embedded_item *items;
    size_t documents, components;
    int warned_documents, warned_components;
} embedded_state;

static int has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static int has_suffix(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int embedded_wants(const char *path, size_t len, size_t base)
{
    const char *name = path + base;
    size_t n = len - base;
    if (has_prefix(name, n, ".spdx-") && has_suffix(name, n, ".spdx") && n > 11)
        return has_prefix(path, len, "opt/bitnami/");
    if (has_suffix(name, n, ".spdx.json") && n > 10)
        return base == 16 && has_prefix(path, len, "var/lib/db/sbom/");
    if ((n == 13 && memcmp(name, "sbom.cdx.json", 13) == 0) || (n == 14 && memcmp(name, "sbom.spdx.json", 14) == 0))
        return has_prefix(path, len, "layers/sbom/launch/");
    return 0;
}

static void *embedded_begin(vg_catalog_run *run)
{
    return vg_arena_calloc(run->arena, 1, sizeof(embedded_state));
}

static const char *copy_str(vg_arena *arena, const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *c = vg_arena_strdup(arena, s);
    if (!c)
        *oom = 1;
    return c;
}

/* A component of run->inv with the facts of from (a component of the
 * document read), found at location. */
static vg_component *adopt(vg_catalog_run *run, const vg_component *from, const char *location, int layer)
{
    vg_arena *a = run->arena;
    vg_component *c = vg_inventory_add(run->inv);
    if (!c)
        return NULL;
    int oom = 0;
    c->type = copy_str(a, from->type, &oom);
    c->name = copy_str(a, from->name, &oom);
    c->version = copy_str(a, from->version, &oom);
    c->arch = copy_str(a, from->arch, &oom);
    c->purl = copy_str(a, from->purl, &oom);
    c->cpe = copy_str(a, from->cpe, &oom);
    c->license = copy_str(a, from->license, &oom);
    c->supplier = copy_str(a, from->supplier, &oom);
    c->description = copy_str(a, from->description, &oom);
    c->homepage = copy_str(a, from->homepage, &oom);
    c->source_name = copy_str(a, from->source_name, &oom);
    c->source_version = copy_str(a, from->source_version, &oom);
    c->scope = from->scope;
    c->application = from->application;
    c->location = location;
    c->layer = layer;
    c->evidence = VG_EVIDENCE_MANIFEST;
    c->cataloger = "sbom";
    for (const vg_property *p = from->properties; p && !oom; p = p->next)
        if (strcmp(p->name, "vigil:location") != 0 && vg_component_set_property(run->inv, c, p->name, p->value))
            oom = 1;
    return oom ? NULL : c;
}

/* A purl with a version: "@" before the qualifiers and subpath. */
static int versioned(const char *purl)
{
    return purl && memchr(purl, '@', strcspn(purl, "?#")) != NULL;
}

/* Copies the components of doc (read from file) and the edges between them
 * into run->inv. */
static int take(vg_catalog_run *run, embedded_state *st, const vg_file *file, const vg_inventory *doc)
{
    const char *location = vg_arena_strdup(run->arena, file->path);
    if (!location)
        return VG_ERR_NOMEM;
    vg_map copies; /* component of doc -> its copy */
    vg_map_init(&copies);
    int rc = VG_OK;
    for (size_t i = 0; i < doc->ncomponents && rc == VG_OK; i++) {
        const vg_component *from = doc->components[i];
        if (!versioned(from->purl))
            continue;
        if (st->components >= EMBEDDED_MAX_COMPONENTS) {
            if (!st->warned_components++)
                vg_warn(run->ctx, file->path, "more than %zu components in embedded SBOMs: the rest is not listed",
                        EMBEDDED_MAX_COMPONENTS);
            break;
        }
        vg_component *c = adopt(run, from, location, file->layer);
        embedded_item *item = c ? vg_arena_alloc(run->arena, sizeof *item) : NULL;
        if (!item) {
            rc = VG_ERR_NOMEM;
            break;
        }
        item->component = c;
        item->next = st->items;
        st->items = item;
        st->components++;
        rc = vg_map_put(&copies, (const char *)&doc->components[i], sizeof(vg_component *), c);
    }
    for (size_t i = 0; i < doc->nedges && rc == VG_OK; i++) {
        const vg_edge *e = &doc->edges[i];
        vg_component *from = vg_map_get(&copies, (const char *)&e->from, sizeof(vg_component *));
        vg_component *to = vg_map_get(&copies, (const char *)&e->to, sizeof(vg_component *));
        if (from && to)
            rc = vg_inventory_add_edge(run->inv, from, to, e->kind);
    }
    vg_map_free(&copies);
    return rc;
}

static int embedded_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    embedded_state *st = state;
    if (st->documents >= EMBEDDED_MAX_DOCUMENTS) {
        if (!st->warned_documents++)
            vg_warn(run->ctx, file->path, "more than %d embedded SBOMs: this one and the rest are not read",
                    EMBEDDED_MAX_DOCUMENTS);
        return VG_OK;
    }
    st->documents++;
    vg_inventory doc;
    vg_inventory_init(&doc);
    int rc = vg_sbom_read(run->ctx, file->path, (const char *)file->data, file->size, &doc);
    if (rc == VG_OK)
        rc = take(run, st, file, &doc);
    else if (rc != VG_ERR_NOMEM) {
        vg_warn(run->ctx, file->path, "embedded SBOM not read: %s", run->ctx->message);
        rc = VG_OK;
    }
    vg_inventory_free(&doc);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    return VG_OK;
}

/* The length of purl up to its qualifiers and subpath. */
static size_t purl_base(const char *purl)
{
    return strcspn(purl, "?#");
}

static int embedded_finish(vg_catalog_run *run, void *state)
{
    embedded_state *st = state;
    if (!st->items)
        return VG_OK;
    static const char ambiguous[] = "";
    vg_map bases; /* purl base -> the purl another cataloger gave it, or ambiguous */
    vg_map_init(&bases);
    int rc = VG_OK;
    vg_inventory *inv = run->inv;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        const vg_component *c = inv->components[i];
        if (!versioned(c->purl) || (c->cataloger && strcmp(c->cataloger, "sbom") == 0))
            continue;
        size_t n = purl_base(c->purl);
        const char *seen = vg_map_get(&bases, c->purl, n);
        if (!seen)
            rc = vg_map_put(&bases, c->purl, n, (void *)c->purl);
        else if (seen != ambiguous && strcmp(seen, c->purl) != 0)
            rc = vg_map_put(&bases, c->purl, n, (void *)ambiguous);
    }
    for (embedded_item *it = st->items; it && rc == VG_OK; it = it->next) {
        vg_component *c = it->component;
        const char *purl = vg_map_get(&bases, c->purl, purl_base(c->purl));
        if (purl && purl != ambiguous)
            c->purl = purl;
    }
    vg_map_free(&bases);
    if (rc)
        return vg_error(run->ctx, rc, "sbom: out of memory");
    return VG_OK;
}

const vg_cataloger vg_cataloger_embedded_sbom = {
    .name = "sbom",
    .wants = embedded_wants,
    .max_size = EMBEDDED_MAX_SIZE,
    .begin = embedded_begin,
    .collect = embedded_collect,
    .finish = embedded_finish,
};
