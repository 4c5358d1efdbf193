/*
 * xml.h — reads an untrusted XML metadata file (Maven pom.xml, NuGet
 * .nuspec, MSBuild .csproj) into a small tree of elements in an arena.
 *
 * XML 1.0 (Fifth Edition) as parsed by libexpat: elements, attributes,
 * character data and CDATA, character references, the predefined entities
 * and the general entities the document declares in its internal DTD
 * subset.  Encodings: UTF-8, UTF-16 (LE or BE, with a byte order mark or
 * recognised from "<?xml"), ISO-8859-1 and US-ASCII, as declared in the
 * XML declaration; every string in the tree is UTF-8 whatever the
 * document's encoding.  Comments and processing instructions are dropped.
 *
 * Nothing outside the document is ever read: a reference to an external
 * entity (SYSTEM or PUBLIC), or to an entity that could only come from an
 * external DTD, makes the document unreadable (an error, not a silent
 * omission).  Entity expansion is bounded by expat's amplification limit
 * (VG_XML_MAX_AMPLIFICATION once the output passes
 * VG_XML_AMPLIFICATION_THRESHOLD), so a "billion laughs" document is an
 * error.  Left out: namespaces (names are kept as written,
 * "prefix:local"), validation, other encodings (windows-1252...: an error
 * naming the encoding).
 */
#ifndef VIGIL_XML_H
#define VIGIL_XML_H

#include <stddef.h>
#include "vigil/arena.h"
#include "vigil/error.h"

#define VG_XML_MAX_SIZE ((size_t)64 << 20)   /* bytes of one document, and of the text
                                                and attribute values read from it */
#define VG_XML_MAX_DEPTH 256                 /* elements nested deeper are an error */
#define VG_XML_MAX_NODES 1000000             /* elements and attributes in one document */
#define VG_XML_MAX_TEXT ((size_t)1 << 20)    /* bytes of one element's text or attribute value */
#define VG_XML_MAX_AMPLIFICATION 10.0f       /* bytes out of entity expansion per byte in */
#define VG_XML_AMPLIFICATION_THRESHOLD ((unsigned long long)1 << 20) /* ... checked past this output */

typedef struct vg_xml_attr {
    const char *name;
    const char *value; /* references expanded, normalised as XML 1.0 3.3.3 says */
    struct vg_xml_attr *next;
} vg_xml_attr;

typedef struct vg_xml_node {
    const char *name;        /* as written, with any prefix */
    const char *text;        /* character data directly inside (CDATA included,
                                the pieces between child elements joined),
                                references expanded; never NULL, a C string
                                (XML has no NUL character) */
    size_t text_len;
    size_t line;             /* line of the start tag, from 1 */
    vg_xml_attr *attrs;
    struct vg_xml_node *children, *next; /* first child, next sibling */
} vg_xml_node;

/* Parses text[0..len) into a tree allocated in arena and stores the root
 * element in *out (NULL on error).  Returns VG_OK; VG_ERR_FORMAT (not
 * well-formed, an unsupported encoding, an external entity) or
 * VG_ERR_LIMIT (a limit above, or the entity amplification limit) with
 * ctx->message "WHAT: line N: PROBLEM"; or VG_ERR_NOMEM.  Nothing in the
 * input is trusted. */
int vg_xml_parse(vg_ctx *ctx, vg_arena *arena, const char *what, const char *text, size_t len,
                 vg_xml_node **out);

/* The first child element of node named name, or NULL (node may be NULL). */
const vg_xml_node *vg_xml_child(const vg_xml_node *node, const char *name);

/* The next sibling after node named like node, or NULL: with vg_xml_child,
 * walks every child of one name ("dependency" under "dependencies"). */
const vg_xml_node *vg_xml_next(const vg_xml_node *node);

/* The text of the first child element named name, or NULL when there is
 * no such child (node may be NULL). */
const char *vg_xml_child_text(const vg_xml_node *node, const char *name);

/* Value of the attribute name of node, or NULL (node may be NULL). */
const char *vg_xml_attr_value(const vg_xml_node *node, const char *name);

/* Writes code point cp (at most U+10FFFF; the caller checks) as UTF-8 into
 * out and returns the number of bytes, 1 to 4.  Shared with other decoders
 * of escaped text (Java .properties \uXXXX). */
size_t vg_xml_encode_utf8(unsigned long cp, char out[4]);

/* A copy of s in arena without leading and trailing XML white space (space,
 * tab, CR, LF); NULL when s is NULL or blank, and also when memory runs
 * out, which sets *nomem. */
const char *vg_xml_trim(vg_arena *arena, const char *s, int *nomem);

#endif
