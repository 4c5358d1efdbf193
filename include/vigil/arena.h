/*
 * arena.h — region allocator: everything of one scan lives in one arena and
 * is freed at once with vg_arena_free().  There is no per-object free.
 *
 * Allocation functions return NULL when memory runs out; callers return
 * VG_ERR_NOMEM.  vg_arena_alloc() memory is zeroed and aligned for any type;
 * the strings of vg_arena_strndup(), strdup() and printf() are byte aligned.
 */
#ifndef VIGIL_ARENA_H
#define VIGIL_ARENA_H

#include <stddef.h>

typedef struct vg_arena_chunk vg_arena_chunk;

typedef struct vg_arena {
    vg_arena_chunk *head; /* newest chunk first */
    size_t used;          /* bytes handed out, for statistics */
} vg_arena;

void vg_arena_init(vg_arena *arena);
void vg_arena_free(vg_arena *arena);
void *vg_arena_alloc(vg_arena *arena, size_t size);
/* n elements of size bytes, with overflow check. */
void *vg_arena_calloc(vg_arena *arena, size_t n, size_t size);
char *vg_arena_strndup(vg_arena *arena, const char *s, size_t len);
char *vg_arena_strdup(vg_arena *arena, const char *s);
char *vg_arena_printf(vg_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
