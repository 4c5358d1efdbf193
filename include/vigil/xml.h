/*
 * xml.h — a small, bounded XML reader for untrusted metadata files
 * (Maven pom.xml and the like): builds a tree of elements in an arena.
 *
 * Implements the element, attribute, character data, CDATA, comment and
 * processing-instruction syntax of XML 1.0 (Fifth Edition), the five
 * predefined entities (&lt; &gt; &amp; &quot; &apos;) and character
 * references (&#N; &#xH;).  Left out on purpose: DTD processing (a
 * DOCTYPE is skipped, its internal subset is not read, so no entity
 * declarations and no external entities: a reference to any other entity
 * is an error), namespaces (names are kept as written, "prefix:local"),
 * encodings other than UTF-8 (bytes are kept as they are; callers repair
 * UTF-8 before storing strings), attribute-value normalisation and
 * validation of name characters.
 */
#ifndef VIGIL_XML_H
#define VIGIL_XML_H

#include <stddef.h>
#include "vigil/arena.h"
#include "vigil/error.h"

#define VG_XML_MAX_DEPTH 256        /* elements nested deeper are an error */
#define VG_XML_MAX_NODES 1000000    /* elements and attributes in one document */

typedef struct vg_xml_attr {
    const char *name;
    const char *value; /* entities decoded */
    struct vg_xml_attr *next;
} vg_xml_attr;

typedef struct vg_xml_node {
    const char *name;        /* as written, with any prefix */
    const char *text;        /* character data directly inside (CDATA included),
                                entities decoded, never NULL; a C string (NUL
                                bytes and &#0; are rejected by the parser) */
    size_t text_len;
    size_t line;             /* line of the start tag, from 1 */
    vg_xml_attr *attrs;
    struct vg_xml_node *parent, *children, *next; /* first child, next sibling */
} vg_xml_node;

/* Parses text[0..len) into a tree allocated in arena and stores the root
 * element in *out.  Returns VG_OK; VG_ERR_FORMAT or VG_ERR_LIMIT with
 * ctx->message naming what (e.g. the file path) and the line; or
 * VG_ERR_NOMEM.  Nothing in the input is trusted: depth and node counts are
 * bounded by the limits above, every read is inside text[0..len). */
int vg_xml_parse(vg_ctx *ctx, vg_arena *arena, const char *what, const char *text, size_t len,
                 vg_xml_node **out);

/* The first child element of node named name, or NULL (node may be NULL). */
const vg_xml_node *vg_xml_child(const vg_xml_node *node, const char *name);

/* The text of the first child element named name, or NULL when there is
 * no such child (node may be NULL). */
const char *vg_xml_child_text(const vg_xml_node *node, const char *name);

/* Value of the attribute name of node, or NULL. */
const char *vg_xml_attr_value(const vg_xml_node *node, const char *name);

/* Writes code point cp (at most U+10FFFF; the caller checks) as UTF-8 into
 * out and returns the number of bytes, 1 to 4.  Shared with other decoders
 * of escaped text (Java .properties \uXXXX). */
size_t vg_xml_encode_utf8(unsigned long cp, char out[4]);

#endif
