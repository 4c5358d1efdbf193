/*
 * arena.c — region allocator (arena.h).  Chunks grow geometrically up to
 * 1 MiB; a request bigger than a chunk gets a chunk of its own.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/arena.h"

struct vg_arena_chunk {
    vg_arena_chunk *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN (sizeof(max_align_t))
#define ARENA_MIN_CHUNK ((size_t)4096)
#define ARENA_MAX_CHUNK ((size_t)1 << 20)

void vg_arena_init(vg_arena *arena)
{
    arena->head = NULL;
    arena->used = 0;
}

void vg_arena_free(vg_arena *arena)
{
    vg_arena_chunk *c = arena->head;
    while (c) {
        vg_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    arena->head = NULL;
    arena->used = 0;
}

/* size bytes at an offset that is a multiple of align (a power of two, at
 * most ARENA_ALIGN), not zeroed. */
static void *take(vg_arena *arena, size_t size, size_t align)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    vg_arena_chunk *c = arena->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->size || c->size - at < size) {
        size_t want = c ? c->size * 2 : ARENA_MIN_CHUNK;
        if (want > ARENA_MAX_CHUNK)
            want = ARENA_MAX_CHUNK;
        if (want < size)
            want = size;
        vg_arena_chunk *fresh = malloc(sizeof *fresh + want);
        if (!fresh)
            return NULL;
        fresh->size = want;
        fresh->used = 0;
        /* A big one-off chunk goes behind the current one, so the space
         * left in the current chunk is not wasted. */
        if (c && want == size && c->size - c->used >= ARENA_ALIGN) {
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            arena->head = fresh;
        }
        c = fresh;
        at = 0;
    }
    void *p = c->data + at;
    arena->used += at + size - c->used;
    c->used = at + size;
    return p;
}

void *vg_arena_alloc(vg_arena *arena, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    void *p = take(arena, size, ARENA_ALIGN);
    if (p)
        memset(p, 0, size);
    return p;
}

void *vg_arena_calloc(vg_arena *arena, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return vg_arena_alloc(arena, n * size);
}

char *vg_arena_strndup(vg_arena *arena, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = take(arena, len + 1, 1); /* a string needs no alignment, nor zeros it overwrites */
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *vg_arena_strdup(vg_arena *arena, const char *s)
{
    return s ? vg_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *vg_arena_printf(vg_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = take(arena, (size_t)n + 1, 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
