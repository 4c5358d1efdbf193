/*
 * map.c — string-keyed hash map, open addressing (map.h).  FNV-1a hashes;
 * the table doubles at 70 % load.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/map.h"

static size_t map_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

void vg_map_init(vg_map *map)
{
    map->slots = NULL;
    map->cap = 0;
    map->count = 0;
}

void vg_map_free(vg_map *map)
{
    free(map->slots);
    vg_map_init(map);
}

static vg_map_slot *map_find(const vg_map *map, const char *key, size_t len, size_t hash)
{
    size_t mask = map->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        vg_map_slot *s = &map->slots[i];
        if (!s->key || (s->hash == hash && s->keylen == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

void *vg_map_get(const vg_map *map, const char *key, size_t keylen)
{
    if (map->cap == 0)
        return NULL;
    vg_map_slot *s = map_find(map, key, keylen, map_hash(key, keylen));
    return s->key ? s->value : NULL;
}

static int map_grow(vg_map *map)
{
    size_t cap = map->cap ? map->cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof(vg_map_slot))
        return VG_ERR_NOMEM;
    vg_map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return VG_ERR_NOMEM;
    vg_map old = *map;
    map->slots = slots;
    map->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        vg_map_slot *s = &old.slots[i];
        if (s->key)
            *map_find(map, s->key, s->keylen, s->hash) = *s;
    }
    free(old.slots);
    return VG_OK;
}

int vg_map_put(vg_map *map, const char *key, size_t keylen, void *value)
{
    if ((map->count + 1) * 10 > map->cap * 7) {
        int rc = map_grow(map);
        if (rc)
            return rc;
    }
    size_t hash = map_hash(key, keylen);
    vg_map_slot *s = map_find(map, key, keylen, hash);
    if (!s->key) {
        s->key = key;
        s->keylen = keylen;
        s->hash = hash;
        map->count++;
    }
    s->value = value;
    return VG_OK;
}

const vg_map_slot *vg_map_slot_at(const vg_map *map, size_t i)
{
    return i < map->cap && map->slots[i].key ? &map->slots[i] : NULL;
}
