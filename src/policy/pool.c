/*
 * pool.c — the memory of one rule's Lua state: small blocks from free
 * lists by size class, carved from 64 KiB chunks that go back to the
 * system all at once when the state is closed.
 *
 * A Lua state allocates and frees many small objects (Lua 5.4 Reference
 * Manual §4.6: tables, their parts, strings, closures): walking the 20 000
 * findings of a scan makes 40 000 blocks of 24 to 128 bytes.  Served from a
 * per-state list with no lock and no header, a block costs a few
 * instructions instead of malloc's hundred, and closing the state frees
 * its chunks rather than each object (policy_pool_release()).  A state is
 * used by one thread at a time, and so is its pool.
 *
 * The sanitizer builds take every block from malloc, so that
 * AddressSanitizer still sees each one: a read past a Lua string or after
 * a collection stays an error there.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"

#define POOL_CHUNK ((size_t)64 << 10)
_Static_assert(POOL_CHUNK % POLICY_POOL_GRAIN == 0 && POLICY_POOL_SMALL < POOL_CHUNK / 2, "chunk size");
/* a chunk starts with its link, padded so that blocks stay aligned */
#define POOL_HEADER POLICY_POOL_GRAIN

void *policy_pool_grow(policy_pool *p, size_t bytes)
{
    if (POLICY_POOL_SANITIZED)
        return malloc(bytes);
    /* what is left of the chunk goes to the list of its size */
    size_t left = (size_t)(p->end - p->next);
    if (left >= POLICY_POOL_GRAIN)
        policy_pool_free(p, p->next, left);
    char *chunk = malloc(POOL_CHUNK);
    if (!chunk)
        return NULL;
    *(char **)chunk = p->chunks;
    p->chunks = chunk;
    p->next = chunk + POOL_HEADER + bytes;
    p->end = chunk + POOL_CHUNK;
    return chunk + POOL_HEADER;
}

void policy_pool_drop(policy_pool *p, void *block)
{
    if (POLICY_POOL_SANITIZED)
        free(block);
}

void policy_pool_release(policy_pool *p)
{
    for (char *chunk = p->chunks, *next; chunk; chunk = next) {
        next = *(char **)chunk;
        free(chunk);
    }
    memset(p, 0, sizeof *p);
}
