/*
 * inventory.c — the inventory of one scan (inventory.h): adding components,
 * and finalising them into the one deterministic order every writer uses.
 */
#include <stdlib.h>
#include <string.h>

#include "vigil/inventory.h"
#include "vigil/map.h"

void vg_inventory_init(vg_inventory *inv)
{
    memset(inv, 0, sizeof *inv);
    vg_arena_init(&inv->arena);
}

void vg_inventory_free(vg_inventory *inv)
{
    free(inv->components);
    free(inv->edges);
    vg_arena_free(&inv->arena);
    memset(inv, 0, sizeof *inv);
}

vg_component *vg_inventory_add(vg_inventory *inv)
{
    if (inv->ncomponents == inv->components_cap) {
        size_t cap = inv->components_cap ? inv->components_cap * 2 : 256;
        vg_component **grown = realloc(inv->components, cap * sizeof *grown);
        if (!grown)
            return NULL;
        inv->components = grown;
        inv->components_cap = cap;
    }
    vg_component *c = vg_arena_alloc(&inv->arena, sizeof *c);
    if (!c)
        return NULL;
    c->layer = -1;
    inv->components[inv->ncomponents++] = c;
    return c;
}

int vg_component_set_property(vg_inventory *inv, vg_component *c, const char *name, const char *value)
{
    if (!value)
        return VG_OK;
    vg_property *p = vg_arena_alloc(&inv->arena, sizeof *p);
    if (!p)
        return VG_ERR_NOMEM;
    p->name = vg_arena_strdup(&inv->arena, name);
    p->value = vg_arena_strdup(&inv->arena, value);
    if (!p->name || !p->value)
        return VG_ERR_NOMEM;
    p->next = c->properties;
    c->properties = p;
    return VG_OK;
}

int vg_inventory_add_edge(vg_inventory *inv, vg_component *from, vg_component *to, vg_edge_kind kind)
{
    if (!from || !to || from == to)
        return VG_OK;
    if (inv->nedges == inv->edges_cap) {
        size_t cap = inv->edges_cap ? inv->edges_cap * 2 : 256;
        vg_edge *grown = realloc(inv->edges, cap * sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        inv->edges = grown;
        inv->edges_cap = cap;
    }
    inv->edges[inv->nedges++] = (vg_edge){from, to, kind};
    return VG_OK;
}

/* strcmp that orders NULL before any string. */
static int cmp_opt(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int component_cmp(const void *pa, const void *pb)
{
    const vg_component *a = *(vg_component *const *)pa;
    const vg_component *b = *(vg_component *const *)pb;
    int r;
    if ((r = cmp_opt(a->type, b->type)) != 0 || (r = cmp_opt(a->name, b->name)) != 0 ||
        (r = cmp_opt(a->version, b->version)) != 0 || (r = cmp_opt(a->arch, b->arch)) != 0 ||
        (r = cmp_opt(a->location, b->location)) != 0 || (r = cmp_opt(a->purl, b->purl)) != 0)
        return r;
    return 0;
}

static int is_os_package(const vg_component *c)
{
    return c->type && (strcmp(c->type, "deb") == 0 || strcmp(c->type, "apk") == 0 || strcmp(c->type, "rpm") == 0);
}

/* Components found in one file. */
typedef struct located {
    vg_component *component;
    struct located *next;
} located;

/* CONTAINS from each OS package to every other component found in a file
 * that package owns (python3-yaml owns PyYAML's METADATA).  The map holds
 * the few thousand metadata locations, not the hundreds of thousands of
 * owned files, which are only looked up. */
static int link_owned_components(vg_inventory *inv)
{
    vg_map at;
    vg_map_init(&at);
    int rc = VG_OK;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        vg_component *c = inv->components[i];
        if (is_os_package(c) || !c->location || !*c->location)
            continue;
        located *l = vg_arena_alloc(&inv->arena, sizeof *l);
        if (!l) {
            rc = VG_ERR_NOMEM;
            break;
        }
        size_t len = strlen(c->location);
        l->component = c;
        l->next = vg_map_get(&at, c->location, len);
        rc = vg_map_put(&at, c->location, len, l);
    }
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK && at.count; i++) {
        vg_component *os = inv->components[i];
        if (!is_os_package(os))
            continue;
        for (size_t f = 0; f < os->nfiles && rc == VG_OK; f++) {
            const char *path = os->files[f];
            while (*path == '/')
                path++;
            for (located *l = vg_map_get(&at, path, strlen(path)); l && rc == VG_OK; l = l->next)
                rc = vg_inventory_add_edge(inv, os, l->component, VG_EDGE_CONTAINS);
        }
    }
    vg_map_free(&at);
    return rc;
}

/* Position of each component in the sorted order, for ordering edges. */
typedef struct edge_key {
    size_t from, to;
    vg_edge edge;
} edge_key;

static int edge_key_cmp(const void *pa, const void *pb)
{
    const edge_key *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->edge.kind != b->edge.kind)
        return a->edge.kind < b->edge.kind ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return 0;
}

/* Sorts edges by (from, kind, to) in component order; drops repeats and
 * edges whose ends are not in the inventory. */
static int sort_edges(vg_inventory *inv)
{
    if (!inv->nedges)
        return VG_OK;
    vg_map index;
    vg_map_init(&index);
    edge_key *keys = calloc(inv->nedges, sizeof *keys);
    int rc = keys ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++)
        rc = vg_map_put(&index, (const char *)&inv->components[i], sizeof(vg_component *), (void *)(i + 1));
    size_t n = 0;
    for (size_t i = 0; i < inv->nedges && rc == VG_OK; i++) {
        size_t from = (size_t)vg_map_get(&index, (const char *)&inv->edges[i].from, sizeof(vg_component *));
        size_t to = (size_t)vg_map_get(&index, (const char *)&inv->edges[i].to, sizeof(vg_component *));
        if (from && to && from != to)
            keys[n++] = (edge_key){from, to, inv->edges[i]};
    }
    if (rc == VG_OK) {
        qsort(keys, n, sizeof *keys, edge_key_cmp);
        size_t out = 0;
        for (size_t i = 0; i < n; i++)
            if (i == 0 || edge_key_cmp(&keys[i - 1], &keys[i]) != 0)
                inv->edges[out++] = keys[i].edge;
        inv->nedges = out;
    }
    free(keys);
    vg_map_free(&index);
    return rc;
}

int vg_inventory_finalize(vg_ctx *ctx, vg_inventory *inv)
{
    if (inv->ncomponents > 1)
        qsort(inv->components, inv->ncomponents, sizeof *inv->components, component_cmp);

    /* Exact duplicates (the same package from the same file) collapse; the
     * one dropped points at the one kept, for its edges. */
    vg_map dropped;
    vg_map_init(&dropped);
    size_t kept = 0;
    for (size_t i = 0; i < inv->ncomponents; i++) {
        if (kept && component_cmp(&inv->components[kept - 1], &inv->components[i]) == 0) {
            if (vg_map_put(&dropped, (const char *)&inv->components[i], sizeof(vg_component *),
                           inv->components[kept - 1]) != VG_OK) {
                vg_map_free(&dropped);
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            }
            continue;
        }
        inv->components[kept++] = inv->components[i];
    }
    inv->ncomponents = kept;
    for (size_t i = 0; i < inv->nedges; i++) {
        vg_component *to;
        if ((to = vg_map_get(&dropped, (const char *)&inv->edges[i].from, sizeof(vg_component *))))
            inv->edges[i].from = to;
        if ((to = vg_map_get(&dropped, (const char *)&inv->edges[i].to, sizeof(vg_component *))))
            inv->edges[i].to = to;
    }
    vg_map_free(&dropped);

    int orc = link_owned_components(inv);
    if (orc == VG_OK)
        orc = sort_edges(inv);
    if (orc)
        return vg_error(ctx, orc, "cannot finalise the inventory: %s", vg_strerror(orc));

    /* bom-ref: the purl where it is unique, else purl plus where it was found. */
    vg_map seen;
    vg_map_init(&seen);
    int rc = VG_OK;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        vg_component *c = inv->components[i];
        const char *base = c->purl ? c->purl
                                   : vg_arena_printf(&inv->arena, "%s:%s@%s", c->type ? c->type : "component",
                                                     c->name ? c->name : "", c->version ? c->version : "");
        if (!base)
            return VG_ERR_NOMEM;
        const char *ref = base;
        for (unsigned n = 2; vg_map_get(&seen, ref, strlen(ref)); n++) {
            ref = vg_arena_printf(&inv->arena, "%s|%s|%u", base, c->location ? c->location : "", n);
            if (!ref) {
                rc = VG_ERR_NOMEM;
                break;
            }
        }
        if (rc == VG_OK) {
            c->bom_ref = ref;
            rc = vg_map_put(&seen, ref, strlen(ref), c);
        }
    }
    vg_map_free(&seen);
    if (rc)
        return vg_error(ctx, rc, "cannot finalise the inventory: %s", vg_strerror(rc));
    if (vg_warning_count(ctx))
        inv->incomplete = 1;
    return VG_OK;
}
