/*
 * xml.c — the bounded XML reader of xml.h: XML 1.0 (Fifth Edition)
 * elements, attributes, character data, CDATA sections, comments and
 * processing instructions, the five predefined entities and character
 * references.  A DOCTYPE declaration is skipped without reading its
 * internal subset, so no entity is ever declared and nothing external is
 * ever fetched (no XXE, no "billion laughs").  Namespaces, encodings other
 * than UTF-8 and validation are left out (see xml.h).
 */
#include <string.h>

#include "vigil/buf.h"
#include "vigil/xml.h"

typedef struct xml_parser {
    vg_ctx *ctx;
    vg_arena *arena;
    const char *what;
    const char *s;
    size_t len, pos, line;
    size_t nodes;
    vg_buf *texts; /* one text buffer per open depth */
} xml_parser;

static int xml_fail(xml_parser *p, int status, const char *msg)
{
    return vg_error(p->ctx, status, "%s: line %zu: %s", p->what, p->line, msg);
}

/* Advances pos by n bytes, counting newlines (n is within the input). */
static void xml_skip(xml_parser *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p->s[p->pos + i] == '\n')
            p->line++;
    p->pos += n;
}

static int xml_starts(const xml_parser *p, const char *lit)
{
    size_t n = strlen(lit);
    return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

/* Skips up to and past the terminator lit; error if it never comes. */
static int xml_skip_past(xml_parser *p, const char *lit, const char *what)
{
    size_t n = strlen(lit);
    for (size_t i = p->pos; p->len - i >= n; i++)
        if (memcmp(p->s + i, lit, n) == 0) {
            xml_skip(p, i + n - p->pos);
            return VG_OK;
        }
    return xml_fail(p, VG_ERR_FORMAT, what);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void xml_skip_space(xml_parser *p)
{
    while (p->pos < p->len && is_space(p->s[p->pos]))
        xml_skip(p, 1);
}

static int is_name_char(char c)
{
    return !is_space(c) && c != '/' && c != '>' && c != '<' && c != '=' && c != '"' && c != '\'' && c != '&' &&
           c != '\0';
}

/* Reads a name at pos into the arena. */
static int xml_name(xml_parser *p, const char **out)
{
    size_t start = p->pos;
    while (p->pos < p->len && is_name_char(p->s[p->pos]))
        p->pos++;
    if (p->pos == start)
        return xml_fail(p, VG_ERR_FORMAT, "expected a name");
    *out = vg_arena_strndup(p->arena, p->s + start, p->pos - start);
    return *out ? VG_OK : VG_ERR_NOMEM;
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

/* Appends code point cp as UTF-8. */
static int utf8_append(vg_buf *b, unsigned long cp)
{
    char u[4];
    return vg_buf_add(b, u, vg_xml_encode_utf8(cp, u));
}

/* Decodes the reference at pos ('&' ... ';') into b. */
static int xml_reference(xml_parser *p, vg_buf *b)
{
    static const struct {
        const char *name;
        char c;
    } predefined[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    size_t start = p->pos + 1, end = start;
    while (end < p->len && end - start < 16 && p->s[end] != ';')
        end++;
    if (end >= p->len || p->s[end] != ';')
        return xml_fail(p, VG_ERR_FORMAT, "'&' does not start a reference ending with ';'");
    const char *ref = p->s + start;
    size_t n = end - start;
    int rc;
    if (n >= 2 && ref[0] == '#') {
        unsigned long cp = 0;
        int hex = ref[1] == 'x';
        size_t i = hex ? 2 : 1;
        if (i == n)
            return xml_fail(p, VG_ERR_FORMAT, "empty character reference");
        for (; i < n; i++) {
            char c = ref[i];
            int d = c >= '0' && c <= '9' ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                return xml_fail(p, VG_ERR_FORMAT, "bad character reference");
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            if (cp > 0x10FFFF)
                return xml_fail(p, VG_ERR_FORMAT, "character reference beyond U+10FFFF");
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            return xml_fail(p, VG_ERR_FORMAT, "character reference to a character XML does not allow");
        rc = utf8_append(b, cp);
    } else {
        rc = -1;
        for (size_t i = 0; i < sizeof predefined / sizeof predefined[0]; i++)
            if (strlen(predefined[i].name) == n && memcmp(ref, predefined[i].name, n) == 0)
                rc = vg_buf_addc(b, predefined[i].c);
        if (rc == -1)
            return xml_fail(p, VG_ERR_FORMAT, "reference to an undeclared entity (DTDs are not processed)");
    }
    if (rc)
        return xml_fail(p, rc, "text too long");
    p->pos = end + 1;
    return VG_OK;
}

/* Reads character data up to the next '<' (or the end) into b, or throws it
 * away when b is NULL (outside the root element: only white space is
 * allowed there). */
static int xml_chardata(xml_parser *p, vg_buf *b)
{
    while (p->pos < p->len && p->s[p->pos] != '<') {
        char c = p->s[p->pos];
        int rc;
        if (c == '\0')
            return xml_fail(p, VG_ERR_FORMAT, "NUL byte in text");
        if (!b) {
            if (!is_space(c))
                return xml_fail(p, VG_ERR_FORMAT, "text outside the root element");
            xml_skip(p, 1);
            continue;
        }
        if (c == '&') {
            if ((rc = xml_reference(p, b)) != VG_OK)
                return rc;
            continue;
        }
        size_t start = p->pos;
        while (p->pos < p->len && p->s[p->pos] != '<' && p->s[p->pos] != '&' && p->s[p->pos] != '\0') {
            if (p->s[p->pos] == '\n')
                p->line++;
            p->pos++;
        }
        if ((rc = vg_buf_add(b, p->s + start, p->pos - start)) != VG_OK)
            return xml_fail(p, rc, "text too long");
    }
    return VG_OK;
}

/* Reads a quoted attribute value at pos. */
static int xml_attr_value(xml_parser *p, const char **out)
{
    if (p->pos >= p->len || (p->s[p->pos] != '"' && p->s[p->pos] != '\''))
        return xml_fail(p, VG_ERR_FORMAT, "attribute value is not quoted");
    char quote = p->s[p->pos++];
    vg_buf b;
    vg_buf_init(&b, p->len);
    int rc = VG_OK;
    for (;;) {
        if (p->pos >= p->len) {
            rc = xml_fail(p, VG_ERR_FORMAT, "unterminated attribute value");
            break;
        }
        char c = p->s[p->pos];
        if (c == quote) {
            p->pos++;
            break;
        }
        if (c == '<' || c == '\0') {
            rc = xml_fail(p, VG_ERR_FORMAT, "'<' or NUL in an attribute value");
            break;
        }
        if (c == '&') {
            if ((rc = xml_reference(p, &b)) != VG_OK)
                break;
            continue;
        }
        if (c == '\n')
            p->line++;
        if ((rc = vg_buf_addc(&b, c)) != VG_OK) {
            rc = xml_fail(p, rc, "attribute value too long");
            break;
        }
        p->pos++;
    }
    if (rc == VG_OK) {
        *out = vg_arena_strndup(p->arena, b.data ? b.data : "", b.len);
        if (!*out)
            rc = VG_ERR_NOMEM;
    }
    vg_buf_free(&b);
    return rc;
}

/* Reads a start tag at pos ('<' name ...) into a new child of parent. */
static int xml_start_tag(xml_parser *p, vg_xml_node *parent, vg_xml_node **out, int *empty)
{
    if (++p->nodes > VG_XML_MAX_NODES)
        return xml_fail(p, VG_ERR_LIMIT, "too many elements and attributes");
    vg_xml_node *n = vg_arena_alloc(p->arena, sizeof *n);
    if (!n)
        return VG_ERR_NOMEM;
    n->line = p->line;
    n->parent = parent;
    n->text = "";
    p->pos++; /* '<' */
    int rc = xml_name(p, &n->name);
    if (rc)
        return rc;
    vg_xml_attr **tail = &n->attrs;
    for (;;) {
        size_t before = p->pos;
        xml_skip_space(p);
        if (p->pos >= p->len)
            return xml_fail(p, VG_ERR_FORMAT, "unterminated start tag");
        if (p->s[p->pos] == '>') {
            p->pos++;
            *empty = 0;
            break;
        }
        if (xml_starts(p, "/>")) {
            p->pos += 2;
            *empty = 1;
            break;
        }
        if (p->pos == before)
            return xml_fail(p, VG_ERR_FORMAT, "expected white space before an attribute");
        if (++p->nodes > VG_XML_MAX_NODES)
            return xml_fail(p, VG_ERR_LIMIT, "too many elements and attributes");
        vg_xml_attr *a = vg_arena_alloc(p->arena, sizeof *a);
        if (!a)
            return VG_ERR_NOMEM;
        if ((rc = xml_name(p, &a->name)) != VG_OK)
            return rc;
        xml_skip_space(p);
        if (p->pos >= p->len || p->s[p->pos] != '=')
            return xml_fail(p, VG_ERR_FORMAT, "attribute without '='");
        p->pos++;
        xml_skip_space(p);
        if ((rc = xml_attr_value(p, &a->value)) != VG_OK)
            return rc;
        *tail = a;
        tail = &a->next;
    }
    *out = n;
    return VG_OK;
}

/* Skips a DOCTYPE declaration at pos, with its internal subset, unread. */
static int xml_skip_doctype(xml_parser *p)
{
    int brackets = 0;
    char quote = 0;
    for (size_t i = p->pos + 9; i < p->len; i++) {
        char c = p->s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[') {
            brackets++;
        } else if (c == ']') {
            brackets--;
        } else if (c == '>' && brackets <= 0) {
            xml_skip(p, i + 1 - p->pos);
            return VG_OK;
        }
    }
    return xml_fail(p, VG_ERR_FORMAT, "unterminated DOCTYPE");
}

/* Gives node its text from b (then emptied). */
static int xml_take_text(xml_parser *p, vg_xml_node *node, vg_buf *b)
{
    if (b->len) {
        char *t = vg_arena_strndup(p->arena, b->data, b->len);
        if (!t)
            return VG_ERR_NOMEM;
        node->text = t;
        node->text_len = b->len;
    }
    vg_buf_reset(b);
    return VG_OK;
}

static int xml_run(xml_parser *p, vg_xml_node **out)
{
    vg_xml_node *root = NULL, *cur = NULL;
    vg_xml_node *last_child[VG_XML_MAX_DEPTH + 1] = {0};
    size_t depth = 0;
    int rc;
    if (xml_starts(p, "\xEF\xBB\xBF"))
        p->pos += 3;
    while (p->pos < p->len) {
        if (p->s[p->pos] != '<') {
            if ((rc = xml_chardata(p, cur ? &p->texts[depth - 1] : NULL)) != VG_OK)
                return rc;
            continue;
        }
        if (xml_starts(p, "<?")) {
            rc = xml_skip_past(p, "?>", "unterminated processing instruction");
        } else if (xml_starts(p, "<!--")) {
            rc = xml_skip_past(p, "-->", "unterminated comment");
        } else if (xml_starts(p, "<![CDATA[")) {
            if (!cur)
                return xml_fail(p, VG_ERR_FORMAT, "CDATA outside the root element");
            size_t start = p->pos + 9;
            if ((rc = xml_skip_past(p, "]]>", "unterminated CDATA section")) != VG_OK)
                return rc;
            if (vg_buf_add(&p->texts[depth - 1], p->s + start, p->pos - 3 - start) != VG_OK)
                return xml_fail(p, VG_ERR_LIMIT, "text too long");
            if (memchr(p->s + start, '\0', p->pos - 3 - start))
                rc = xml_fail(p, VG_ERR_FORMAT, "NUL byte in CDATA");
        } else if (xml_starts(p, "<!DOCTYPE")) {
            if (root)
                return xml_fail(p, VG_ERR_FORMAT, "DOCTYPE after the root element");
            rc = xml_skip_doctype(p);
        } else if (xml_starts(p, "</")) {
            if (!cur)
                return xml_fail(p, VG_ERR_FORMAT, "end tag without a start tag");
            p->pos += 2;
            size_t n = strlen(cur->name);
            if (p->len - p->pos < n || memcmp(p->s + p->pos, cur->name, n) != 0 ||
                (p->pos + n < p->len && is_name_char(p->s[p->pos + n])))
                return xml_fail(p, VG_ERR_FORMAT, "end tag does not match the open element");
            p->pos += n;
            xml_skip_space(p);
            if (p->pos >= p->len || p->s[p->pos] != '>')
                return xml_fail(p, VG_ERR_FORMAT, "unterminated end tag");
            p->pos++;
            if ((rc = xml_take_text(p, cur, &p->texts[depth - 1])) != VG_OK)
                return rc;
            last_child[depth] = NULL;
            depth--;
            cur = cur->parent;
            rc = VG_OK;
        } else if (xml_starts(p, "<!")) {
            return xml_fail(p, VG_ERR_FORMAT, "unsupported markup declaration");
        } else {
            if (root && !cur)
                return xml_fail(p, VG_ERR_FORMAT, "a second root element");
            if (depth >= VG_XML_MAX_DEPTH)
                return xml_fail(p, VG_ERR_LIMIT, "elements nested too deep");
            vg_xml_node *n = NULL;
            int empty = 0;
            if ((rc = xml_start_tag(p, cur, &n, &empty)) != VG_OK)
                return rc;
            if (!root)
                root = n;
            if (cur) {
                if (last_child[depth])
                    last_child[depth]->next = n;
                else
                    cur->children = n;
                last_child[depth] = n;
            }
            if (!empty) {
                cur = n;
                depth++;
                last_child[depth] = NULL;
            }
        }
        if (rc)
            return rc;
    }
    if (!root)
        return xml_fail(p, VG_ERR_FORMAT, "no root element");
    if (cur)
        return xml_fail(p, VG_ERR_FORMAT, "truncated: elements left open at the end");
    *out = root;
    return VG_OK;
}

int vg_xml_parse(vg_ctx *ctx, vg_arena *arena, const char *what, const char *text, size_t len,
                 vg_xml_node **out)
{
    *out = NULL;
    xml_parser p = {.ctx = ctx, .arena = arena, .what = what, .s = text, .len = len, .line = 1};
    vg_buf texts[VG_XML_MAX_DEPTH];
    for (size_t i = 0; i < VG_XML_MAX_DEPTH; i++)
        vg_buf_init(&texts[i], len);
    p.texts = texts;
    int rc = xml_run(&p, out);
    for (size_t i = 0; i < VG_XML_MAX_DEPTH; i++)
        vg_buf_free(&texts[i]);
    if (rc == VG_ERR_NOMEM)
        return vg_error(ctx, rc, "%s: out of memory", what);
    return rc;
}

const vg_xml_node *vg_xml_child(const vg_xml_node *node, const char *name)
{
    for (const vg_xml_node *c = node ? node->children : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
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
