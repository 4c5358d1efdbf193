/*
 * xml.c — the XML reader of xml.h: libexpat (2.4 or later, for its
 * billion-laughs protection) turns the document into events, and the
 * handlers below build the element tree in the caller's arena, counting
 * depth, nodes and text as they go.
 *
 * What expat does on its own and is relied on: well-formedness (XML 1.0
 * Fifth Edition), decoding UTF-8, UTF-16 and ISO-8859-1 into UTF-8, line
 * ends, character references, attribute-value normalisation, internal
 * entities, and the amplification limit on their expansion.  What is set
 * here: parameter entities and the external DTD subset are never parsed,
 * an external entity reference or a skipped entity (one an unread DTD would
 * declare) stops the parse, an encoding expat does not know is refused with
 * its name, and vigil's own limits (xml.h) stop it too.  Namespace
 * processing is off: names stay as written.
 */
/* Debian's libexpat is built with XML_DTD (DTD and entity support); its
 * header declares the amplification limits only under the same macro. */
#define XML_DTD 1
#include <expat.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/xml.h"

#if XML_MAJOR_VERSION < 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION < 4)
#error "libexpat 2.4 or later is needed (billion-laughs protection)"
#endif

typedef struct xml_builder {
    vg_arena *arena;
    XML_Parser parser;
    vg_xml_node *root;
    vg_xml_node *open[VG_XML_MAX_DEPTH];       /* open elements, outermost first */
    vg_xml_node *last_child[VG_XML_MAX_DEPTH]; /* last child of each open element */
    vg_buf text[VG_XML_MAX_DEPTH];             /* text of each open element so far */
    size_t text_ready;                         /* text[0..text_ready) are initialised */
    size_t depth, nodes;
    size_t text_total;     /* bytes of text and attribute values so far */
    int status;            /* why the handlers stopped the parse, VG_OK if they did not */
    unsigned long line;    /* where */
    char reason[512];      /* what */
} xml_builder;

/* Records why the parse fails (the first reason only).  From a content
 * handler, halt is set to stop the parse: expat then returns
 * XML_ERROR_ABORTED (after, perhaps, an end-element event for an empty
 * element, which the handlers ignore); the other handlers return an error
 * status to expat instead. */
static void fail(xml_builder *b, int halt, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(xml_builder *b, int halt, int status, const char *fmt, ...)
{
    if (b->status != VG_OK)
        return;
    b->status = status;
    b->line = (unsigned long)XML_GetCurrentLineNumber(b->parser);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->reason, sizeof b->reason, fmt, ap);
    va_end(ap);
    if (halt)
        XML_StopParser(b->parser, XML_FALSE);
}

/* s, at most 80 bytes of it, with control characters and bytes outside
 * ASCII shown as '?', for quoting document content in a message that ends
 * up on a terminal. */
static const char *printable(char out[81], const char *s)
{
    size_t i = 0;
    for (; s && s[i] && i < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c < 0x20 || c >= 0x7F ? '?' : (char)c;
    }
    out[i] = '\0';
    return out;
}

/* Counts len more bytes of text, refused past VG_XML_MAX_SIZE in all
 * (entities can make the text larger than the document). */
static int count_text(xml_builder *b, size_t len)
{
    if ((b->text_total += len) <= VG_XML_MAX_SIZE)
        return 1;
    fail(b, 1, VG_ERR_LIMIT, "more than %zu bytes of text in all", VG_XML_MAX_SIZE);
    return 0;
}

/* A copy of s in the arena, refused past VG_XML_MAX_TEXT. */
static const char *copy_text(xml_builder *b, const char *s, size_t len, const char *what)
{
    if (len > VG_XML_MAX_TEXT) {
        fail(b, 1, VG_ERR_LIMIT, "%s longer than %zu bytes", what, VG_XML_MAX_TEXT);
        return NULL;
    }
    if (!count_text(b, len))
        return NULL;
    const char *t = vg_arena_strndup(b->arena, s, len);
    if (!t)
        fail(b, 1, VG_ERR_NOMEM, "out of memory");
    return t;
}

static int count_node(xml_builder *b)
{
    if (++b->nodes <= VG_XML_MAX_NODES)
        return 1;
    fail(b, 1, VG_ERR_LIMIT, "more than %d elements and attributes", VG_XML_MAX_NODES);
    return 0;
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    xml_builder *b = data;
    if (b->status != VG_OK)
        return;
    if (b->depth >= VG_XML_MAX_DEPTH) {
        fail(b, 1, VG_ERR_LIMIT, "elements nested more than %d deep", VG_XML_MAX_DEPTH);
        return;
    }
    vg_xml_node *n = vg_arena_alloc(b->arena, sizeof *n);
    if (!n) {
        fail(b, 1, VG_ERR_NOMEM, "out of memory");
        return;
    }
    if (!count_node(b) || !(n->name = copy_text(b, name, strlen(name), "an element name")))
        return;
    n->text = "";
    n->line = (size_t)XML_GetCurrentLineNumber(b->parser);
    vg_xml_attr **tail = &n->attrs;
    for (size_t i = 0; atts[i]; i += 2) {
        vg_xml_attr *a = vg_arena_alloc(b->arena, sizeof *a);
        if (!a) {
            fail(b, 1, VG_ERR_NOMEM, "out of memory");
            return;
        }
        if (!count_node(b) || !(a->name = copy_text(b, atts[i], strlen(atts[i]), "an attribute name")) ||
            !(a->value = copy_text(b, atts[i + 1], strlen(atts[i + 1]), "an attribute value")))
            return;
        *tail = a;
        tail = &a->next;
    }
    if (b->depth == 0) {
        b->root = n; /* expat allows one root element only */
    } else if (b->last_child[b->depth - 1]) {
        b->last_child[b->depth - 1]->next = n;
    } else {
        b->open[b->depth - 1]->children = n;
    }
    if (b->depth)
        b->last_child[b->depth - 1] = n;
    if (b->depth == b->text_ready) /* the first element this deep */
        vg_buf_init(&b->text[b->text_ready++], VG_XML_MAX_TEXT);
    b->open[b->depth] = n;
    b->last_child[b->depth] = NULL;
    b->depth++;
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
    xml_builder *b = data;
    if (b->status != VG_OK) /* expat may still report the end of an empty element */
        return;
    vg_xml_node *n = b->open[b->depth - 1];
    vg_buf *t = &b->text[b->depth - 1];
    if (t->len) { /* bounded and counted as it came */
        if (!(n->text = vg_arena_strndup(b->arena, t->data, t->len))) {
            fail(b, 1, VG_ERR_NOMEM, "out of memory");
            return;
        }
        n->text_len = t->len;
    }
    vg_buf_reset(t);
    b->depth--;
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
    xml_builder *b = data;
    if (b->status != VG_OK || b->depth == 0 || len <= 0 || /* expat reports no text outside the root */
        !count_text(b, (size_t)len))
        return;
    vg_buf *t = &b->text[b->depth - 1];
    int rc = vg_buf_add(t, s, (size_t)len);
    if (rc == VG_ERR_LIMIT) {
        char name[81];
        fail(b, 1, rc, "the text of <%s> is longer than %zu bytes", printable(name, b->open[b->depth - 1]->name),
             VG_XML_MAX_TEXT);
    } else if (rc) {
        fail(b, 1, rc, "out of memory");
    }
}

/* An external entity: never read. */
static int XMLCALL on_external_entity(XML_Parser parser, const XML_Char *context, const XML_Char *base,
                                      const XML_Char *system_id, const XML_Char *public_id)
{
    xml_builder *b = XML_GetUserData(parser);
    char sys[81];
    fail(b, 0, VG_ERR_FORMAT, "refers to the external entity \"%s\"; vigil never reads files or URLs named in a document",
         printable(sys, system_id));
    return XML_STATUS_ERROR;
}

/* An entity reference expat skips: declared, if anywhere, in an external
 * DTD or parameter entity that is not read. */
static void XMLCALL on_skipped_entity(void *data, const XML_Char *name, int is_parameter_entity)
{
    xml_builder *b = data;
    char n[81];
    fail(b, 1, VG_ERR_FORMAT,
         "refers to the entity %s%s; that is not declared in the document (external DTDs and parameter "
         "entities are not read)",
         is_parameter_entity ? "%" : "&", printable(n, name));
}

/* An encoding expat does not know: refused, with its name. */
static int XMLCALL on_unknown_encoding(void *data, const XML_Char *name, XML_Encoding *info)
{
    xml_builder *b = data;
    char n[81];
    fail(b, 0, VG_ERR_FORMAT, "encoding \"%s\" is not supported (UTF-8, UTF-16, ISO-8859-1 and US-ASCII are)",
         printable(n, name));
    return XML_STATUS_ERROR;
}

static int run_expat(xml_builder *b, const char *text, size_t len)
{
    /* These fail only for a NULL or child parser, after parsing began, or
     * for a factor below 1: none of which can happen here. */
    XML_SetParamEntityParsing(b->parser, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(b->parser, VG_XML_MAX_AMPLIFICATION);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(b->parser, VG_XML_AMPLIFICATION_THRESHOLD);
    XML_SetUserData(b->parser, b);
    XML_SetElementHandler(b->parser, on_start, on_end);
    XML_SetCharacterDataHandler(b->parser, on_text);
    XML_SetExternalEntityRefHandler(b->parser, on_external_entity);
    XML_SetSkippedEntityHandler(b->parser, on_skipped_entity);
    XML_SetUnknownEncodingHandler(b->parser, on_unknown_encoding, b);
    if (XML_Parse(b->parser, text, (int)len, XML_TRUE) == XML_STATUS_OK)
        return VG_OK;
    if (b->status != VG_OK)
        return b->status;
    enum XML_Error code = XML_GetErrorCode(b->parser);
    b->line = (unsigned long)XML_GetCurrentLineNumber(b->parser);
    if (code == XML_ERROR_NO_MEMORY)
        return VG_ERR_NOMEM;
    if (code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH) {
        snprintf(b->reason, sizeof b->reason,
                 "entity references expand to more than %.0f times the document's size "
                 "(a \"billion laughs\" document?)",
                 (double)VG_XML_MAX_AMPLIFICATION);
        return VG_ERR_LIMIT;
    }
    snprintf(b->reason, sizeof b->reason, "%s", XML_ErrorString(code));
    return VG_ERR_FORMAT;
}

int vg_xml_parse(vg_ctx *ctx, vg_arena *arena, const char *what, const char *text, size_t len,
                 vg_xml_node **out)
{
    *out = NULL;
    if (len > VG_XML_MAX_SIZE || len > INT_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", what, VG_XML_MAX_SIZE);
    /* Not calloc: the arrays are written before they are read, and most
     * documents use a few of their levels. */
    xml_builder *b = malloc(sizeof *b);
    if (!b)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", what);
    b->arena = arena;
    b->root = NULL;
    b->text_ready = b->depth = b->nodes = b->text_total = 0;
    b->status = VG_OK;
    b->parser = XML_ParserCreate(NULL);
    int rc = b->parser ? run_expat(b, text, len) : VG_ERR_NOMEM;
    for (size_t i = 0; i < b->text_ready; i++)
        vg_buf_free(&b->text[i]);
    if (rc == VG_OK)
        *out = b->root;
    else if (rc == VG_ERR_NOMEM)
        vg_error(ctx, rc, "%s: out of memory", what);
    else
        vg_error(ctx, rc, "%s: line %lu: %s", what, b->line, b->reason);
    if (b->parser)
        XML_ParserFree(b->parser);
    free(b);
    return rc;
}

const vg_xml_node *vg_xml_child(const vg_xml_node *node, const char *name)
{
    for (const vg_xml_node *c = node ? node->children : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const vg_xml_node *vg_xml_next(const vg_xml_node *node)
{
    for (const vg_xml_node *c = node ? node->next : NULL; c; c = c->next)
        if (strcmp(c->name, node->name) == 0)
            return c;
    return NULL;
}

const char *vg_xml_child_text(const vg_xml_node *node, const char *name)
{
    const vg_xml_node *c = vg_xml_child(node, name);
    return c ? c->text : NULL;
}

const char *vg_xml_attr_value(const vg_xml_node *node, const char *name)
{
    for (const vg_xml_attr *a = node ? node->attrs : NULL; a; a = a->next)
        if (strcmp(a->name, name) == 0)
            return a->value;
    return NULL;
}

size_t vg_xml_encode_utf8(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18 & 0x07));
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *vg_xml_trim(vg_arena *arena, const char *s, int *nomem)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    while (len && is_xml_space(s[len - 1]))
        len--;
    while (len && is_xml_space(*s)) {
        s++;
        len--;
    }
    if (!len)
        return NULL;
    char *t = vg_arena_strndup(arena, s, len);
    if (!t)
        *nomem = 1;
    return t;
}
