/*
 * fuzz_xml.c — libFuzzer target for the XML reader (src/core/xml.c over
 * libexpat): parse the input, walk the whole tree checking what xml.h
 * promises (every string valid UTF-8 of the length given, lookups find
 * what the walk sees, depth within VG_XML_MAX_DEPTH), free.  Seeds in
 * corpus/xml/: documents in each encoding, internal entities, and the
 * attacks the reader must refuse (entity amplification, external entities).
 */
#include <stdint.h>
#include <string.h>

#include "vigil/xml.h"

/* Is s[0..len) valid UTF-8 (no overlong forms, no surrogates)? */
static int valid_utf8(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || i + n > len || (n == 2 && c < 0xC2))
            return 0;
        unsigned long cp = n == 1 ? c : c & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

static void check_string(const char *s)
{
    if (!s || !valid_utf8((const unsigned char *)s, strlen(s)))
        __builtin_trap();
}

static void walk(const vg_xml_node *n, int depth)
{
    if (depth > VG_XML_MAX_DEPTH)
        __builtin_trap();
    check_string(n->name);
    check_string(n->text);
    if (strlen(n->text) != n->text_len || n->line == 0)
        __builtin_trap();
    for (const vg_xml_attr *a = n->attrs; a; a = a->next) {
        check_string(a->name);
        check_string(a->value);
        if (!vg_xml_attr_value(n, a->name)) /* the first of that name is found */
            __builtin_trap();
    }
    for (const vg_xml_node *c = n->children; c; c = c->next) {
        const vg_xml_node *first = vg_xml_child(n, c->name);
        if (!first || strcmp(first->name, c->name) != 0 || (vg_xml_next(c) && vg_xml_next(c) == c))
            __builtin_trap();
        walk(c, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_arena arena;
    vg_ctx_init(&ctx);
    vg_arena_init(&arena);
    vg_xml_node *root = NULL;
    int rc = vg_xml_parse(&ctx, &arena, "fuzz.xml", (const char *)data, size, &root);
    if (rc == VG_OK)
        walk(root, 1);
    else if (root != NULL || strncmp(ctx.message, "fuzz.xml: ", 10) != 0)
        __builtin_trap(); /* errors leave no tree and name the file */
    vg_arena_free(&arena);
    vg_ctx_free(&ctx);
    return 0;
}
