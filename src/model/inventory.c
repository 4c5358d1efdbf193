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

int vg_inventory_finalize(vg_ctx *ctx, vg_inventory *inv)
{
    if (inv->ncomponents > 1)
        qsort(inv->components, inv->ncomponents, sizeof *inv->components, component_cmp);

    /* Exact duplicates (the same package from the same file) collapse. */
    size_t kept = 0;
    for (size_t i = 0; i < inv->ncomponents; i++) {
        if (kept && component_cmp(&inv->components[kept - 1], &inv->components[i]) == 0)
            continue;
        inv->components[kept++] = inv->components[i];
    }
    inv->ncomponents = kept;

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
