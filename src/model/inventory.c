/*
 * inventory.c — the inventory of one scan (inventory.h): adding components,
 * and finalising them into the one deterministic order every writer uses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    vg_map_free(&inv->file_hashes);
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

int vg_component_add_location(vg_inventory *inv, vg_component *c, const char *path)
{
    if (!path)
        return VG_OK;
    /* The array doubles whenever its length reaches a power of two. */
    size_t n = c->nlocations;
    if (n == 0 || (n & (n - 1)) == 0) {
        const char **grown = vg_arena_calloc(&inv->arena, n ? 2 * n : 1, sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        if (n)
            memcpy(grown, c->locations, n * sizeof *grown);
        c->locations = grown;
    }
    if (!(c->locations[n] = vg_arena_strdup(&inv->arena, path)))
        return VG_ERR_NOMEM;
    c->nlocations = n + 1;
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

static int locate(vg_inventory *inv, vg_map *at, vg_component *c, const char *path)
{
    if (!path || !*path)
        return VG_OK;
    located *l = vg_arena_alloc(&inv->arena, sizeof *l);
    if (!l)
        return VG_ERR_NOMEM;
    size_t len = strlen(path);
    l->component = c;
    l->next = vg_map_get(at, path, len);
    return vg_map_put(at, path, len, l);
}

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
        if (is_os_package(c))
            continue;
        rc = locate(inv, &at, c, c->location);
        for (size_t k = 0; k < c->nlocations && rc == VG_OK; k++)
            rc = locate(inv, &at, c, c->locations[k]);
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

/* index: component pointer -> its position + 1. */
static int index_components(const vg_inventory *inv, vg_map *index)
{
    int rc = VG_OK;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++)
        rc = vg_map_put(index, (const char *)&inv->components[i], sizeof(vg_component *), (void *)(i + 1));
    return rc;
}

static size_t position_of(const vg_map *index, const vg_component *c)
{
    return (size_t)vg_map_get(index, (const char *)&c, sizeof c);
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
    int rc = keys ? index_components(inv, &index) : VG_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < inv->nedges && rc == VG_OK; i++) {
        size_t from = position_of(&index, inv->edges[i].from);
        size_t to = position_of(&index, inv->edges[i].to);
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

/* ---- one component per package ------------------------------------------ */

/* What finalize knows about the component at each sorted position. */
typedef struct copy {
    vg_component *owner; /* the first OS package that CONTAINS it, or NULL */
    const char *digest;  /* content digest that tells copies of one purl apart */
    const char *key;     /* identity */
    size_t leader;       /* position of the component it merges into */
    size_t next;         /* next copy of the same leader, or SIZE_MAX */
    size_t tail;         /* for a leader: its last copy */
} copy;

/* "type:name@version" for a component without purl. */
static const char *label(vg_arena *arena, const vg_component *c)
{
    if (c->purl)
        return c->purl;
    return vg_arena_printf(arena, "%s:%s@%s", c->type ? c->type : "component", c->name ? c->name : "",
                           c->version ? c->version : "");
}

/* A purl with a version: "@" before the qualifiers and subpath (a scoped
 * npm name has its "@" percent-encoded). */
static int versioned(const char *purl)
{
    return purl && memchr(purl, '@', strcspn(purl, "?#")) != NULL;
}

static const char *property_value(const vg_component *c, const char *name)
{
    for (const vg_property *p = c->properties; p; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p->value;
    return NULL;
}

/* The digest that makes two copies of one purl different packages:
 * a jar's content (a locally rebuilt or repackaged jar keeps its
 * pom.properties) and a Go module's hash (a replaced fork keeps its
 * path and version).  The other registries never let a published
 * version change: the purl alone names the bytes. */
static const char *digest_of(const vg_component *c)
{
    if (!c->type)
        return NULL;
    if (strcmp(c->type, "maven") == 0)
        return property_value(c, "vigil:java:fingerprint");
    if (strcmp(c->type, "golang") == 0)
        return property_value(c, "vigil:go:sum");
    return NULL;
}

/* The first OS package, in sorted order, with a CONTAINS edge to each
 * component. */
static void find_owners(const vg_inventory *inv, const vg_map *index, copy *copies)
{
    for (size_t i = 0; i < inv->nedges; i++) {
        const vg_edge *e = &inv->edges[i];
        if (e->kind != VG_EDGE_CONTAINS || !is_os_package(e->from) || is_os_package(e->to))
            continue;
        size_t from = position_of(index, e->from), to = position_of(index, e->to);
        if (!from || !to)
            continue;
        copy *t = &copies[to - 1];
        if (!t->owner || from < position_of(index, t->owner))
            t->owner = e->from;
    }
}

/* Digests seen among the copies of one base identity. */
typedef struct base_digest {
    const char *digest;
    int several;
} base_digest;

/* Sets copies[i].key for every component: its base identity (purl and
 * owner, or the exact fields when the purl has no version) and its digest,
 * or the only digest the copies of its base identity have. */
static int identify(vg_inventory *inv, copy *copies)
{
    vg_arena *a = &inv->arena;
    vg_map bases;
    vg_map_init(&bases);
    const char **base = calloc(inv->ncomponents ? inv->ncomponents : 1, sizeof *base);
    int rc = base ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        const vg_component *c = inv->components[i];
        copy *cp = &copies[i];
        if (versioned(c->purl)) {
            const char *owner = cp->owner ? label(a, cp->owner) : "";
            cp->digest = digest_of(c);
            base[i] = owner ? vg_arena_printf(a, "%s\1%s", c->purl, owner) : NULL;
        } else {
            base[i] = vg_arena_printf(a, "\2%s\1%s\1%s\1%s\1%s\1%s", c->type ? c->type : "", c->name ? c->name : "",
                                      c->version ? c->version : "", c->arch ? c->arch : "",
                                      c->location ? c->location : "", c->purl ? c->purl : "");
        }
        if (!base[i]) {
            rc = VG_ERR_NOMEM;
            break;
        }
        base_digest *bd = vg_map_get(&bases, base[i], strlen(base[i]));
        if (!bd) {
            if (!(bd = vg_arena_calloc(a, 1, sizeof *bd)) || vg_map_put(&bases, base[i], strlen(base[i]), bd)) {
                rc = VG_ERR_NOMEM;
                break;
            }
        }
        if (cp->digest) {
            if (!bd->digest)
                bd->digest = cp->digest;
            else if (strcmp(bd->digest, cp->digest) != 0)
                bd->several = 1;
        }
    }
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        const base_digest *bd = vg_map_get(&bases, base[i], strlen(base[i]));
        const char *digest = copies[i].digest ? copies[i].digest : bd->several ? NULL : bd->digest;
        copies[i].key = digest ? vg_arena_printf(a, "%s\1%s", base[i], digest) : base[i];
        if (!copies[i].key)
            rc = VG_ERR_NOMEM;
    }
    free(base);
    vg_map_free(&bases);
    return rc;
}

/* Links every copy to the first component (in sorted order) of its identity. */
static int group(const vg_inventory *inv, copy *copies)
{
    vg_map leaders;
    vg_map_init(&leaders);
    int rc = VG_OK;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        copy *cp = &copies[i];
        size_t len = strlen(cp->key), leader = (size_t)vg_map_get(&leaders, cp->key, len);
        cp->next = SIZE_MAX;
        if (leader) {
            cp->leader = leader - 1;
            copies[copies[cp->leader].tail].next = i;
            copies[cp->leader].tail = i;
        } else {
            cp->leader = cp->tail = i;
            rc = vg_map_put(&leaders, cp->key, len, (void *)(i + 1));
        }
    }
    vg_map_free(&leaders);
    return rc;
}

vg_scope vg_scope_wider(vg_scope a, vg_scope b)
{
    if (a == VG_SCOPE_UNKNOWN)
        return b;
    if (b == VG_SCOPE_UNKNOWN)
        return a;
    return a < b ? a : b;
}

static int by_evidence(const void *pa, const void *pb)
{
    const vg_component *a = *(vg_component *const *)pa, *b = *(vg_component *const *)pb;
    return (a->evidence > b->evidence) - (a->evidence < b->evidence);
}

/* The union of the owned files of the copies, without repeats. */
static int merge_files(vg_inventory *inv, vg_component *into, vg_component **copies, size_t n)
{
    size_t total = 0, with = 0;
    for (size_t i = 0; i < n; i++)
        if (copies[i]->nfiles) {
            total += copies[i]->nfiles;
            with++;
        }
    if (with <= 1) {
        for (size_t i = 0; i < n; i++)
            if (copies[i]->nfiles) {
                into->files = copies[i]->files;
                into->nfiles = copies[i]->nfiles;
            }
        return VG_OK;
    }
    const char **files = vg_arena_calloc(&inv->arena, total, sizeof *files);
    vg_map seen;
    vg_map_init(&seen);
    size_t out = 0;
    int rc = files ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < n && rc == VG_OK; i++)
        for (size_t f = 0; f < copies[i]->nfiles && rc == VG_OK; f++) {
            const char *path = copies[i]->files[f];
            if (vg_map_get(&seen, path, strlen(path)))
                continue;
            files[out++] = path;
            rc = vg_map_put(&seen, path, strlen(path), (void *)path);
        }
    vg_map_free(&seen);
    into->files = files;
    into->nfiles = out;
    return rc;
}

/* The union of the properties of the copies, without repeated name=value. */
static int merge_properties(vg_inventory *inv, vg_component *into, vg_component **copies, size_t n)
{
    vg_map seen;
    vg_map_init(&seen);
    vg_property *list = NULL;
    int rc = VG_OK;
    for (size_t i = 0; i < n && rc == VG_OK; i++)
        for (const vg_property *p = copies[i]->properties; p && rc == VG_OK; p = p->next) {
            char *key = vg_arena_printf(&inv->arena, "%s\1%s", p->name, p->value);
            if (!key) {
                rc = VG_ERR_NOMEM;
                break;
            }
            if (vg_map_get(&seen, key, strlen(key)))
                continue;
            vg_property *q = vg_arena_alloc(&inv->arena, sizeof *q);
            if (!q) {
                rc = VG_ERR_NOMEM;
                break;
            }
            *q = *p;
            q->next = list;
            list = q;
            rc = vg_map_put(&seen, key, strlen(key), q);
        }
    vg_map_free(&seen);
    into->properties = list;
    return rc;
}

/* Merges the copies (in sorted order, copies[0] being the one kept) into
 * copies[0]. */
static int merge(vg_inventory *inv, vg_component **copies, size_t n)
{
    vg_component *into = copies[0];
    vg_component **by = malloc(n * sizeof *by);
    if (!by)
        return VG_ERR_NOMEM;
    memcpy(by, copies, n * sizeof *by);
    /* insertion sort: stable, so copies of one evidence stay in sorted order */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && by_evidence(&by[j - 1], &by[j]) > 0; j--) {
            vg_component *t = by[j - 1];
            by[j - 1] = by[j];
            by[j] = t;
        }
#define PICK(FIELD)                                  \
    for (size_t i_ = 0; i_ < n; i_++)                \
        if (by[i_]->FIELD && *by[i_]->FIELD) {       \
            into->FIELD = by[i_]->FIELD;             \
            break;                                   \
        }
    PICK(name)
    PICK(version)
    PICK(arch)
    PICK(purl)
    PICK(cpe)
    PICK(license)
    PICK(supplier)
    PICK(description)
    PICK(homepage)
    PICK(cataloger)
#undef PICK
    for (size_t i = 0; i < n; i++)
        if (by[i]->source_name && *by[i]->source_name) {
            into->source_name = by[i]->source_name;
            into->source_version = by[i]->source_version;
            break;
        }
    into->evidence = by[0]->evidence;
    for (size_t i = 1; i < n; i++) {
        const vg_component *c = copies[i];
        if (c->layer >= 0 && (into->layer < 0 || c->layer < into->layer))
            into->layer = c->layer;
        into->scope = vg_scope_wider(into->scope, c->scope);
        into->application |= c->application;
    }
    int rc = merge_files(inv, into, by, n);
    if (rc == VG_OK)
        rc = merge_properties(inv, into, by, n);
    free(by);
    return rc;
}

static int string_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sets c->locations to every location of its copies (copies[0..n)),
 * sorted and unique, and c->location to the first. */
static int collect_locations(vg_inventory *inv, vg_component *c, vg_component **copies, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (copies[i]->location != NULL) + copies[i]->nlocations;
    if (!total)
        return VG_OK;
    const char **all = vg_arena_calloc(&inv->arena, total, sizeof *all);
    if (!all)
        return VG_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (copies[i]->location)
            all[k++] = copies[i]->location;
        for (size_t j = 0; j < copies[i]->nlocations; j++)
            all[k++] = copies[i]->locations[j];
    }
    if (k > 1)
        qsort(all, k, sizeof *all, string_cmp);
    size_t out = 0;
    for (size_t i = 0; i < k; i++)
        if (out == 0 || strcmp(all[out - 1], all[i]) != 0)
            all[out++] = all[i];
    c->locations = all;
    c->nlocations = out;
    c->location = all[0];
    return VG_OK;
}

/* Merges the copies of every package (see vg_inventory_finalize()) and
 * moves the edges of the copies to the component kept. */
static int merge_copies(vg_inventory *inv, copy *copies)
{
    size_t n = inv->ncomponents;
    vg_map index;
    vg_map_init(&index);
    vg_component **members = malloc((n ? n : 1) * sizeof *members);
    int rc = members ? index_components(inv, &index) : VG_ERR_NOMEM;
    if (rc == VG_OK)
        find_owners(inv, &index, copies);
    if (rc == VG_OK)
        rc = identify(inv, copies);
    if (rc == VG_OK)
        rc = group(inv, copies);
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        if (copies[i].leader != i)
            continue;
        size_t m = 0;
        for (size_t j = i; j != SIZE_MAX; j = copies[j].next)
            members[m++] = inv->components[j];
        if (m > 1)
            rc = merge(inv, members, m);
        if (rc == VG_OK)
            rc = collect_locations(inv, inv->components[i], members, m);
    }
    for (size_t i = 0; i < inv->nedges && rc == VG_OK; i++) {
        vg_edge *e = &inv->edges[i];
        size_t from = position_of(&index, e->from), to = position_of(&index, e->to);
        if (from)
            e->from = inv->components[copies[from - 1].leader];
        if (to)
            e->to = inv->components[copies[to - 1].leader];
    }
    size_t kept = 0;
    for (size_t i = 0; i < n && rc == VG_OK; i++)
        if (copies[i].leader == i) {
            copies[kept] = copies[i]; /* the owner and digest go with it, for the bom-ref */
            inv->components[kept++] = inv->components[i];
        }
    if (rc == VG_OK)
        inv->ncomponents = kept;
    free(members);
    vg_map_free(&index);
    return rc;
}

/* bom-ref: the purl (or "type:name@version") when no other component has
 * it; else that and what tells the components apart: the OS package that
 * owns it ("|deb:python3-cryptography"), its digest, or, for one without a
 * versioned purl, its location; "|2", "|3" ... if that is still taken. */
static int assign_refs(vg_inventory *inv, const copy *copies)
{
    vg_arena *a = &inv->arena;
    vg_map count, seen;
    vg_map_init(&count);
    vg_map_init(&seen);
    const char **base = calloc(inv->ncomponents ? inv->ncomponents : 1, sizeof *base);
    int rc = base ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        if (!(base[i] = label(a, inv->components[i]))) {
            rc = VG_ERR_NOMEM;
            break;
        }
        size_t len = strlen(base[i]);
        rc = vg_map_put(&count, base[i], len, (void *)((size_t)vg_map_get(&count, base[i], len) + 1));
    }
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        vg_component *c = inv->components[i];
        const copy *cp = &copies[i];
        const char *ref = base[i];
        if ((size_t)vg_map_get(&count, ref, strlen(ref)) > 1) {
            if (!versioned(c->purl))
                ref = vg_arena_printf(a, "%s|%s", ref, c->location ? c->location : "");
            if (ref && versioned(c->purl) && cp->owner)
                ref = vg_arena_printf(a, "%s|%s:%s", ref, cp->owner->type, cp->owner->name);
            if (ref && versioned(c->purl) && cp->digest)
                ref = vg_arena_printf(a, "%s|%s", ref, cp->digest);
        }
        const char *unique = ref;
        for (unsigned k = 2; unique && vg_map_get(&seen, unique, strlen(unique)); k++)
            unique = vg_arena_printf(a, "%s|%u", ref, k);
        if (!unique) {
            rc = VG_ERR_NOMEM;
            break;
        }
        c->bom_ref = unique;
        rc = vg_map_put(&seen, unique, strlen(unique), c);
    }
    free(base);
    vg_map_free(&count);
    vg_map_free(&seen);
    return rc;
}

/* A component and its copy record, sorted together. */
typedef struct ranked {
    vg_component *component;
    copy copy;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    return component_cmp(&((const ranked *)a)->component, &((const ranked *)b)->component);
}

/* Does name (len bytes) end in suffix? */
static int ends_with(const char *name, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(name + len - n, suffix, n) == 0;
}

int vg_component_deployable(const vg_component *c, const char *path)
{
    while (*path == '/')
        path++;
    for (size_t i = 0; i < c->nfiles; i++) {
        const char *f = c->files[i];
        while (*f == '/')
            f++;
        if (strcmp(f, path) == 0)
            return 1;
    }
    if (c->nfiles || c->evidence != VG_EVIDENCE_INSTALLED || !c->type)
        return 0;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    if (strcmp(c->type, "maven") == 0) {
        /* A jar inside another archive has the outer file as its location
         * and its own path in vigil:java:path ("outer.war!/WEB-INF/lib/x.jar"):
         * its bytes are not a file of the target. */
        for (const vg_property *p = c->properties; p; p = p->next)
            if (p->name && p->value && strcmp(p->name, "vigil:java:path") == 0 && strstr(p->value, "!/"))
                return 0;
        static const char *const java[] = {".jar", ".war", ".ear", ".par", ".sar", ".nar", ".rar",
                                           ".jpi", ".hpi", ".kar", ".lpkg"};
        for (size_t i = 0; i < sizeof java / sizeof java[0]; i++)
            if (ends_with(base, len, java[i]))
                return 1;
        return 0;
    }
    if (strcmp(c->type, "pypi") == 0)
        return ends_with(base, len, ".whl") || ends_with(base, len, ".egg");
    if (strcmp(c->type, "gem") == 0)
        return ends_with(base, len, ".gem");
    if (strcmp(c->type, "npm") == 0)
        return ends_with(base, len, ".tgz");
    if (strcmp(c->type, "nuget") == 0)
        return ends_with(base, len, ".nupkg");
    /* Build information read from a binary: the location is the binary. */
    if (strcmp(c->type, "golang") == 0)
        return strcmp(base, "go.mod") != 0 && strcmp(base, "go.sum") != 0 && strcmp(base, "go.work") != 0;
    if (strcmp(c->type, "cargo") == 0)
        return strcmp(base, "Cargo.lock") != 0 && strcmp(base, "Cargo.toml") != 0;
    return 0;
}

static int hash_path_cmp(const void *a, const void *b)
{
    return strcmp((*(const vg_file_hash *const *)a)->path, (*(const vg_file_hash *const *)b)->path);
}

/* Step 5 of vg_inventory_finalize(): each component's hashed deployable
 * files, from inv->file_hashes. */
static int attach_hashes(vg_inventory *inv)
{
    for (size_t i = 0; i < inv->ncomponents; i++) {
        vg_component *c = inv->components[i];
        size_t n = 0, max = c->nfiles ? c->nfiles : c->nlocations;
        const vg_file_hash **list = vg_arena_calloc(&inv->arena, max ? max : 1, sizeof *list);
        if (!list)
            return VG_ERR_NOMEM;
        for (size_t k = 0; k < max; k++) {
            const char *p = c->nfiles ? c->files[k] : c->locations[k];
            while (*p == '/')
                p++;
            if (!c->nfiles && !vg_component_deployable(c, p))
                continue;
            const vg_file_hash *h = vg_map_get(&inv->file_hashes, p, strlen(p));
            if (h && (n == 0 || list[n - 1] != h))
                list[n++] = h;
        }
        if (n > 1)
            qsort(list, n, sizeof *list, hash_path_cmp);
        size_t u = 0; /* without repeats (a file listed twice) */
        for (size_t k = 0; k < n; k++)
            if (u == 0 || list[u - 1] != list[k])
                list[u++] = list[k];
        c->hashes = list;
        c->nhashes = u;
    }
    return VG_OK;
}

int vg_inventory_finalize(vg_ctx *ctx, vg_inventory *inv)
{
    if (inv->ncomponents > 1)
        qsort(inv->components, inv->ncomponents, sizeof *inv->components, component_cmp);
    copy *copies = calloc(inv->ncomponents ? inv->ncomponents : 1, sizeof *copies);
    int rc = copies ? link_owned_components(inv) : VG_ERR_NOMEM;
    if (rc == VG_OK)
        rc = merge_copies(inv, copies);
    /* The copies kept may have taken another copy's name or location:
     * sort again, each component with its copy record. */
    if (rc == VG_OK && inv->ncomponents > 1) {
        size_t n = inv->ncomponents;
        ranked *r = malloc(n * sizeof *r);
        rc = r ? VG_OK : VG_ERR_NOMEM;
        for (size_t i = 0; r && i < n; i++)
            r[i] = (ranked){inv->components[i], copies[i]};
        if (r)
            qsort(r, n, sizeof *r, ranked_cmp);
        for (size_t i = 0; r && i < n; i++) {
            inv->components[i] = r[i].component;
            copies[i] = r[i].copy;
        }
        free(r);
    }
    if (rc == VG_OK)
        rc = sort_edges(inv);
    if (rc == VG_OK)
        rc = assign_refs(inv, copies);
    if (rc == VG_OK && inv->hashed)
        rc = attach_hashes(inv);
    free(copies);
    if (rc)
        return vg_error(ctx, rc, "cannot finalise the inventory: %s", vg_strerror(rc));
    if (vg_warning_count(ctx))
        inv->incomplete = 1;
    return VG_OK;
}
