/*
 * map.h — string-keyed hash map (open addressing, linear probing).
 *
 * Keys are borrowed: the caller keeps them alive (usually in an arena) as
 * long as the map.  Values are opaque pointers.  Deleting is not supported;
 * callers that need it store a tombstone value.
 */
#ifndef VIGIL_MAP_H
#define VIGIL_MAP_H

#include <stddef.h>

typedef struct vg_map_slot {
    const char *key;
    size_t keylen;
    size_t hash;
    void *value;
} vg_map_slot;

typedef struct vg_map {
    vg_map_slot *slots;
    size_t cap;   /* power of two, 0 before the first put */
    size_t count;
} vg_map;

void vg_map_init(vg_map *map);
void vg_map_free(vg_map *map);
/* Returns the value stored for key, or NULL. */
void *vg_map_get(const vg_map *map, const char *key, size_t keylen);
/* Stores value for key, replacing any previous value.  VG_OK or VG_ERR_NOMEM. */
int vg_map_put(vg_map *map, const char *key, size_t keylen, void *value);
/* Slot i (0 <= i < map->cap) for iteration; NULL when empty. */
const vg_map_slot *vg_map_slot_at(const vg_map *map, size_t i);

#endif
