/*
 * fuzz_purl_parse.c — libFuzzer target for vg_purl_parse() (purl.h).
 *
 * Input: the bytes as a purl.  Beyond "never crash": a purl that parses
 * has a type and a name, and formatting its parts with vg_purl_format()
 * and parsing that again gives the same type, namespace, name, version
 * and qualifiers (the parser and the builder agree).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/purl.h"

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_arena arena;
    vg_arena_init(&arena);
    vg_purl p;
    if (vg_purl_parse(&arena, (const char *)data, size, &p, NULL) == 0) {
        if (!p.type || !p.name || !*p.name)
            abort();
        char *s = vg_purl_format(&arena, p.type, p.namespace_, p.name, p.version, p.qualifiers, p.nqualifiers);
        vg_purl q;
        int rc = s ? vg_purl_parse(&arena, s, strlen(s), &q, NULL) : -2;
        /* -1 is possible only where a type rule depends on the subpath-free
         * form, which none does: the reparse must succeed. */
        if (rc == -1 || (rc == 0 && (!same(q.type, p.type) || !same(q.namespace_, p.namespace_) ||
                                     !same(q.name, p.name) || !same(q.version, p.version) ||
                                     q.nqualifiers != p.nqualifiers)))
            abort();
        for (size_t i = 0; rc == 0 && i < q.nqualifiers; i++)
            if (!same(q.qualifiers[i].key, p.qualifiers[i].key) || !same(q.qualifiers[i].value, p.qualifiers[i].value))
                abort();
    }
    vg_arena_free(&arena);
    return 0;
}
