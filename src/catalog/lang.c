/*
 * lang.c — helpers shared by the language catalogers (lang.h).
 */
#include <string.h>

#include "catalog/lang.h"
#include "catalog/pkgdb_text.h"

typedef struct lang_entry {
    vg_component *component;
    struct lang_entry *next;
} lang_entry;

char *vg_lang_text(vg_arena *arena, const char *s)
{
    return s ? vg_text_utf8_copy(arena, s, strlen(s), NULL) : NULL;
}

char *vg_lang_dirname(vg_arena *arena, const char *path)
{
    const char *slash = strrchr(path, '/');
    return vg_arena_strndup(arena, path, slash ? (size_t)(slash - path) : 0);
}

vg_component *vg_lang_component(vg_catalog_run *run, const vg_file *file, const char *type,
                                const char *cataloger, const char *name, const char *version)
{
    vg_component *c = vg_inventory_add(run->inv);
    if (!c)
        return NULL;
    c->type = type;
    c->cataloger = cataloger;
    c->layer = file->layer;
    c->name = vg_lang_text(run->arena, name);
    c->location = vg_lang_text(run->arena, file->path);
    if (!c->name || !c->location)
        return NULL;
    if (version && !(c->version = vg_lang_text(run->arena, version)))
        return NULL;
    return c;
}

json_t *vg_lang_load_json(vg_catalog_run *run, const vg_file *file)
{
    json_error_t err;
    json_t *root = json_loadb((const char *)file->data, file->size, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        vg_warn(run->ctx, file->path, "invalid JSON at line %d: %s", err.line, err.text);
    return root;
}

vg_toml_value *vg_lang_load_toml(vg_catalog_run *run, const vg_file *file)
{
    vg_toml_value *root = NULL;
    int rc = vg_toml_parse(run->ctx, run->arena, file->path, (const char *)file->data, file->size, &root);
    if (rc != VG_OK) {
        char message[sizeof run->ctx->message];
        memcpy(message, run->ctx->message, sizeof message);
        vg_warn(run->ctx, file->path, "invalid TOML: %s", message);
        return NULL;
    }
    return root;
}

void vg_lang_index_init(vg_lang_index *index, vg_arena *arena)
{
    vg_map_init(&index->names);
    index->arena = arena;
}

void vg_lang_index_free(vg_lang_index *index)
{
    vg_map_free(&index->names);
}

int vg_lang_index_add(vg_lang_index *index, const char *key, vg_component *c)
{
    return vg_lang_index_add_len(index, key, strlen(key), c);
}

int vg_lang_index_add_len(vg_lang_index *index, const char *key, size_t len, vg_component *c)
{
    lang_entry *e = vg_arena_alloc(index->arena, sizeof *e);
    if (!e)
        return VG_ERR_NOMEM;
    e->component = c;
    lang_entry *head = vg_map_get(&index->names, key, len);
    if (head) { /* keep the first in front: lock order decides vg_lang_index_first */
        e->next = head->next;
        head->next = e;
        return VG_OK;
    }
    char *k = vg_arena_strndup(index->arena, key, len);
    if (!k)
        return VG_ERR_NOMEM;
    return vg_map_put(&index->names, k, len, e);
}

vg_component *vg_lang_index_first(const vg_lang_index *index, const char *key)
{
    const lang_entry *e = vg_map_get(&index->names, key, strlen(key));
    return e ? e->component : NULL;
}

int vg_lang_index_depend(vg_inventory *inv, const vg_lang_index *index, vg_component *from, const char *key,
                         const char *version, size_t *matched)
{
    size_t n = 0;
    for (const lang_entry *e = vg_map_get(&index->names, key, strlen(key)); e; e = e->next) {
        if (e->component == from)
            continue;
        if (version && (!e->component->version || strcmp(e->component->version, version) != 0))
            continue;
        if (vg_inventory_add_edge(inv, from, e->component, VG_EDGE_DEPENDS_ON))
            return VG_ERR_NOMEM;
        n++;
    }
    if (matched)
        *matched = n;
    return VG_OK;
}

int vg_lang_index_each_of(const vg_lang_index *index, const char *key, size_t len,
                          int (*fn)(void *arg, vg_component *c), void *arg)
{
    for (const lang_entry *e = vg_map_get(&index->names, key, len); e; e = e->next) {
        int rc = fn(arg, e->component);
        if (rc)
            return rc;
    }
    return VG_OK;
}

int vg_lang_index_each(const vg_lang_index *index, int (*fn)(void *arg, vg_component *c), void *arg)
{
    for (size_t i = 0; i < index->names.cap; i++) {
        const vg_map_slot *slot = vg_map_slot_at(&index->names, i);
        if (!slot)
            continue;
        for (const lang_entry *e = slot->value; e; e = e->next) {
            int rc = fn(arg, e->component);
            if (rc)
                return rc;
        }
    }
    return VG_OK;
}

typedef struct contain_arg {
    vg_inventory *inv;
    vg_component *root;
} contain_arg;

static int contain_one(void *arg, vg_component *c)
{
    contain_arg *a = arg;
    if (c == a->root)
        return VG_OK;
    return vg_inventory_add_edge(a->inv, a->root, c, VG_EDGE_CONTAINS) ? VG_ERR_NOMEM : VG_OK;
}

int vg_lang_index_contain(vg_inventory *inv, const vg_lang_index *index, vg_component *root)
{
    contain_arg a = {inv, root};
    return vg_lang_index_each(index, contain_one, &a);
}
