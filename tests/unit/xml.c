/*
 * xml.c — unit test of the XML reader (src/core/xml.c, xml.h): the tree it
 * builds (names, text joined around child elements, CDATA, references,
 * attribute normalisation, line numbers, what the lookup helpers return),
 * one document in every encoding it reads giving the same UTF-8 strings,
 * and the documents it must refuse, each with its status and the line the
 * message must name: malformed XML, an unknown encoding, external and
 * undeclared entities, entity amplification, and each of vigil's limits
 * just past it (and just below it, accepted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/xml.h"

static int failures;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                                   \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

static int str_is(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

/* Parses text[0..len) (a document that must be accepted) into arena. */
static const vg_xml_node *parse_ok(vg_arena *arena, const char *text, size_t len)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_xml_node *root = NULL;
    int rc = vg_xml_parse(&ctx, arena, "t.xml", text, len, &root);
    if (rc != VG_OK || !root) {
        fprintf(stderr, "unexpected error %d: %s\n", rc, ctx.message);
        failures++;
    }
    vg_ctx_free(&ctx);
    return root;
}

/* The document must be refused with status want and a message starting
 * "t.xml: line LINE: " and containing needle. */
static void parse_bad(const char *text, size_t len, int want, unsigned line, const char *needle)
{
    vg_arena arena;
    vg_arena_init(&arena);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_xml_node *root = (vg_xml_node *)&arena;
    int rc = vg_xml_parse(&ctx, &arena, "t.xml", text, len, &root);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.xml: line %u: ", line);
    if (rc != want || root != NULL || strncmp(ctx.message, prefix, strlen(prefix)) != 0 ||
        !strstr(ctx.message, needle)) {
        fprintf(stderr, "wrong result for a bad document: rc %d (want %d), \"%s\" (want \"%s...%s\")\n", rc, want,
                ctx.message, prefix, needle);
        failures++;
    }
    vg_ctx_free(&ctx);
    vg_arena_free(&arena);
}

static void bad(const char *text, int want, unsigned line, const char *needle)
{
    parse_bad(text, strlen(text), want, line, needle);
}

static void test_tree(void)
{
    vg_arena arena;
    vg_arena_init(&arena);
    static const char doc[] =
        "<?xml version=\"1.0\"?>\r\n"
        "<!-- a comment -->\n"
        "<project a=\"1\" b='x&amp;y\tz\n'>\n" /* the start tag ends on line 4 */
        "  <dep>one</dep><?pi ignored?>\n"
        "  before <dep n=\"&#x41;&#66;\">two<!-- c --> &lt;&#233;&#x1F600;&gt; <![CDATA[<raw> & ]]>end</dep>\r\n"
        "  <other/>\n"
        "  <dep>three</dep>after\n"
        "</project>\n";
    const vg_xml_node *r = parse_ok(&arena, doc, sizeof doc - 1);
    if (!r) {
        vg_arena_free(&arena);
        return;
    }
    CHECK(str_is(r->name, "project") && r->line == 3);
    CHECK(str_is(vg_xml_attr_value(r, "a"), "1"));
    CHECK(str_is(vg_xml_attr_value(r, "b"), "x&y z ")); /* tab and newline normalised to spaces */
    CHECK(vg_xml_attr_value(r, "c") == NULL && vg_xml_attr_value(NULL, "a") == NULL);
    CHECK(r->attrs && str_is(r->attrs->name, "a") && r->attrs->next && str_is(r->attrs->next->name, "b"));
    /* the text between the children, joined; CR LF read as LF */
    CHECK(str_is(r->text, "\n  \n  before \n  \n  after\n") && r->text_len == strlen(r->text));
    const vg_xml_node *d1 = vg_xml_child(r, "dep");
    CHECK(d1 && str_is(d1->text, "one") && d1->line == 5 && d1->attrs == NULL && d1->children == NULL);
    const vg_xml_node *d2 = vg_xml_next(d1);
    CHECK(d2 && d2->line == 6 && str_is(vg_xml_attr_value(d2, "n"), "AB"));
    CHECK(d2 && str_is(d2->text, "two <\xc3\xa9\xf0\x9f\x98\x80> <raw> & end"));
    const vg_xml_node *other = d1 ? d1->next->next : NULL;
    CHECK(other && str_is(other->name, "other") && str_is(other->text, "") && other->text_len == 0);
    const vg_xml_node *d3 = vg_xml_next(d2);
    CHECK(d3 && str_is(d3->text, "three") && d3->line == 8 && vg_xml_next(d3) == NULL && d3->next == NULL);
    CHECK(str_is(vg_xml_child_text(r, "dep"), "one") && vg_xml_child_text(r, "none") == NULL);
    CHECK(vg_xml_child(NULL, "dep") == NULL && vg_xml_child_text(NULL, "dep") == NULL && vg_xml_next(NULL) == NULL);

    /* internal entities, expanded (also inside attribute values) */
    static const char ent[] = "<!DOCTYPE p [\n<!ENTITY org \"Zo&#235; &amp; Co\">\n<!ENTITY v '1.&n;'>\n"
                              "<!ENTITY n \"2\">\n]>\n<p v=\"&v;\">&org; &v;</p>";
    r = parse_ok(&arena, ent, sizeof ent - 1);
    CHECK(r && str_is(r->text, "Zo\xc3\xab & Co 1.2") && str_is(vg_xml_attr_value(r, "v"), "1.2") && r->line == 6);
    /* a DOCTYPE naming an external DTD that nothing needs */
    static const char dtd[] = "<!DOCTYPE p SYSTEM \"file:///etc/passwd\"><p>x</p>";
    r = parse_ok(&arena, dtd, sizeof dtd - 1);
    CHECK(r && str_is(r->text, "x"));

    int nomem = 0;
    CHECK(vg_xml_trim(&arena, NULL, &nomem) == NULL && vg_xml_trim(&arena, " \t\r\n", &nomem) == NULL);
    CHECK(str_is(vg_xml_trim(&arena, "\n  a  b\t\r\n", &nomem), "a  b") && str_is(vg_xml_trim(&arena, "c", &nomem), "c"));
    CHECK(nomem == 0);
    vg_arena_free(&arena);
}

/* Writes s (ASCII and Latin-1 characters, given as UTF-8) as UTF-16 into
 * out, with a byte order mark when bom is set; returns the length. */
static size_t to_utf16(const char *s, int big_endian, int bom, char *out)
{
    size_t n = 0;
    unsigned cps[512], ncp = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            cps[ncp++] = *p++;
        } else {
            cps[ncp++] = (unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
            p += 2;
        }
    }
    if (bom) {
        out[n++] = big_endian ? '\xFE' : '\xFF';
        out[n++] = big_endian ? '\xFF' : '\xFE';
    }
    for (unsigned i = 0; i < ncp; i++) {
        out[n++] = (char)(big_endian ? cps[i] >> 8 : cps[i] & 0xFF);
        out[n++] = (char)(big_endian ? cps[i] & 0xFF : cps[i] >> 8);
    }
    return n;
}

static void test_encodings(void)
{
    static const char want[] = "Fran\xc3\xa7ois \xc2\xabZo\xc3\xab\xc2\xbb \xc2\xb1 10 \xc2\xb0"; /* François «Zoë» ± 10 ° */
    const char *body = "<p a=\"\xc3\xa9\">Fran\xc3\xa7ois \xc2\xabZo\xc3\xab\xc2\xbb \xc2\xb1 10 \xc2\xb0</p>";
    char utf8[256], latin1[256], u16[4][600];
    size_t n16[4];
    snprintf(utf8, sizeof utf8, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>%s", body);
    /* ISO-8859-1: each two-byte UTF-8 sequence as its one byte */
    size_t nl = (size_t)snprintf(latin1, sizeof latin1, "<?xml version='1.0' encoding='iso-8859-1'?>");
    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        if (*p < 0x80) {
            latin1[nl++] = (char)*p;
        } else {
            latin1[nl++] = (char)((p[0] & 0x1F) << 6 | (p[1] & 0x3F));
            p++;
        }
    }
    char decl16[300];
    snprintf(decl16, sizeof decl16, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>%s", body);
    n16[0] = to_utf16(decl16, 0, 1, u16[0]); /* LE, BOM */
    n16[1] = to_utf16(decl16, 1, 1, u16[1]); /* BE, BOM */
    n16[2] = to_utf16(decl16, 0, 0, u16[2]); /* LE, recognised from "<?xml" */
    n16[3] = to_utf16(body, 1, 1, u16[3]);   /* BE, BOM, no declaration */
    struct {
        const char *name;
        const char *text;
        size_t len;
    } docs[] = {{"UTF-8", utf8, strlen(utf8)}, {"ISO-8859-1", latin1, nl}, {"UTF-16LE", u16[0], n16[0]},
                {"UTF-16BE", u16[1], n16[1]}, {"UTF-16LE without BOM", u16[2], n16[2]},
                {"UTF-16BE without declaration", u16[3], n16[3]}};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        vg_arena arena;
        vg_arena_init(&arena);
        const vg_xml_node *r = parse_ok(&arena, docs[i].text, docs[i].len);
        if (!r || !str_is(r->text, want) || !str_is(vg_xml_attr_value(r, "a"), "\xc3\xa9")) {
            fprintf(stderr, "%s: read as \"%s\"\n", docs[i].name, r ? r->text : "(nothing)");
            failures++;
        }
        vg_arena_free(&arena);
    }
    /* a character outside the BMP, as a UTF-16 surrogate pair */
    static const char pair[] = {'\xFF', '\xFE', '<', 0, 'p', 0, '>', 0, '\x3D', '\xD8', '\x00', '\xDE',
                                '<', 0, '/', 0, 'p', 0, '>', 0};
    vg_arena arena;
    vg_arena_init(&arena);
    const vg_xml_node *r = parse_ok(&arena, pair, sizeof pair);
    CHECK(r && str_is(r->text, "\xf0\x9f\x98\x80"));
    vg_arena_free(&arena);
}

static void test_refused(void)
{
    bad("<a>\n<b>\n</a>", VG_ERR_FORMAT, 3, "mismatched tag");
    bad("", VG_ERR_FORMAT, 1, "no element found");
    bad("<a>\n&nbsp;</a>", VG_ERR_FORMAT, 2, "undefined entity");
    bad("<a>caf\xe9</a>", VG_ERR_FORMAT, 1, "invalid token"); /* Latin-1 byte in a UTF-8 document */
    parse_bad("<a>x\0y</a>", 10, VG_ERR_FORMAT, 1, "invalid token");
    bad("<a/><b/>", VG_ERR_FORMAT, 1, "junk after document element");
    bad("<?xml version=\"1.0\" encoding=\"windows-1252\"?><a/>", VG_ERR_FORMAT, 1,
        "encoding \"windows-1252\" is not supported");
    bad("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", VG_ERR_FORMAT, 1, "encoding"); /* says UTF-16, is not */
    /* nothing external is read */
    bad("<!DOCTYPE a [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n<a>\n&x;</a>", VG_ERR_FORMAT, 5,
        "external entity \"file:///etc/passwd\"");
    bad("<!DOCTYPE a [<!ENTITY x PUBLIC \"-//X//Y\" \"http://example.org/x\">]><a>&x;</a>", VG_ERR_FORMAT, 1,
        "external entity \"http://example.org/x\"");
    bad("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///\xc2\x9b\x31m\">]><a>&x;</a>", VG_ERR_FORMAT, 1,
        "external entity \"file:///??1m\""); /* a C1 control is not printed */
    bad("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a b='&x;'/>", VG_ERR_FORMAT, 1,
        "external entity");
    bad("<!DOCTYPE a SYSTEM \"a.dtd\">\n<a>&copy;</a>", VG_ERR_FORMAT, 2, "&copy; that is not declared");
    bad("<!DOCTYPE a [\n<!ENTITY % p SYSTEM \"file:///etc/passwd\">\n%p;\n<!ENTITY e \"x\">\n]>\n<a>&e;</a>",
        VG_ERR_FORMAT, 6, "&e; that is not declared");

    /* entity amplification: billion laughs and a quadratic blow-up */
    static const char laughs[] =
        "<!DOCTYPE a [<!ENTITY l0 \"lollollollollollollollollollollollollollollollollollollollol\">\n"
        "<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\"><!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">\n"
        "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\"><!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">\n"
        "<!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\"><!ENTITY l6 \"&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;\">\n"
        "]>\n<a>\n&l6;</a>";
    bad(laughs, VG_ERR_LIMIT, 7, "entity references expand to more than 10 times");
    char *quad = malloc(40000 + 3 * 2000 + 100);
    if (quad) {
        size_t n = (size_t)sprintf(quad, "<!DOCTYPE a [<!ENTITY e \"");
        memset(quad + n, 'e', 40000);
        n += 40000;
        n += (size_t)sprintf(quad + n, "\">]>\n<a>");
        for (int i = 0; i < 2000; i++)
            n += (size_t)sprintf(quad + n, "&e;");
        n += (size_t)sprintf(quad + n, "</a>");
        parse_bad(quad, n, VG_ERR_LIMIT, 2, "entity references expand");
        free(quad);
    }

    /* vigil's limits: at the limit accepted, past it refused */
    char *deep = malloc(8 * (VG_XML_MAX_DEPTH + 1) + 16);
    for (int depth = VG_XML_MAX_DEPTH; deep && depth <= VG_XML_MAX_DEPTH + 1; depth++) {
        size_t n = 0;
        for (int i = 0; i < depth; i++)
            n += (size_t)sprintf(deep + n, "<e>");
        for (int i = 0; i < depth; i++)
            n += (size_t)sprintf(deep + n, "</e>");
        if (depth == VG_XML_MAX_DEPTH) {
            vg_arena arena;
            vg_arena_init(&arena);
            CHECK(parse_ok(&arena, deep, n) != NULL);
            vg_arena_free(&arena);
        } else {
            parse_bad(deep, n, VG_ERR_LIMIT, 1, "nested more than 256 deep");
        }
    }
    free(deep);

    size_t big = VG_XML_MAX_TEXT + 64;
    char *text = malloc(big);
    for (size_t extra = 0; text && extra <= 1; extra++) { /* text of exactly the limit, then one byte more */
        size_t n = (size_t)sprintf(text, "<a>\n");
        memset(text + n, 'x', VG_XML_MAX_TEXT - 1 + extra);
        n += VG_XML_MAX_TEXT - 1 + extra;
        n += (size_t)sprintf(text + n, "</a>");
        if (!extra) {
            vg_arena arena;
            vg_arena_init(&arena);
            const vg_xml_node *r = parse_ok(&arena, text, n);
            CHECK(r && r->text_len == VG_XML_MAX_TEXT);
            vg_arena_free(&arena);
        } else {
            parse_bad(text, n, VG_ERR_LIMIT, 2, "the text of <a> is longer than");
        }
    }
    if (text) { /* an attribute value past the limit */
        size_t n = (size_t)sprintf(text, "<a\nv=\"");
        memset(text + n, 'v', VG_XML_MAX_TEXT + 1);
        n += VG_XML_MAX_TEXT + 1;
        n += (size_t)sprintf(text + n, "\"/>");
        parse_bad(text, n, VG_ERR_LIMIT, 1, "an attribute value longer than");
    }
    free(text);

    char *many = malloc(4 * (size_t)VG_XML_MAX_NODES + 16);
    if (many) { /* the root and VG_XML_MAX_NODES children: one too many */
        size_t n = (size_t)sprintf(many, "<r>");
        for (int i = 0; i < VG_XML_MAX_NODES; i++) {
            memcpy(many + n, "<a/>", 4);
            n += 4;
        }
        n += (size_t)sprintf(many + n, "</r>");
        parse_bad(many, n, VG_ERR_LIMIT, 1, "more than 1000000 elements and attributes");
        free(many);
    }

    /* text past VG_XML_MAX_SIZE in all, through an entity expanded within
     * the amplification limit: 140 references to 512 KiB, 8 MiB of comment */
    size_t ent = (size_t)512 << 10, pad = (size_t)8 << 20;
    char *total = malloc(ent + pad + 140 * 10 + 100);
    if (total) {
        size_t n = (size_t)sprintf(total, "<!DOCTYPE a [<!ENTITY e \"");
        memset(total + n, 'e', ent);
        n += ent;
        n += (size_t)sprintf(total + n, "\">]>\n<a><!--");
        memset(total + n, 'c', pad);
        n += pad;
        n += (size_t)sprintf(total + n, "-->\n");
        for (int i = 0; i < 140; i++)
            n += (size_t)sprintf(total + n, "<t>&e;</t>");
        n += (size_t)sprintf(total + n, "</a>");
        parse_bad(total, n, VG_ERR_LIMIT, 3, "more than 67108864 bytes of text in all");
        free(total);
    }

    char *huge = calloc(1, VG_XML_MAX_SIZE + 1);
    if (huge) {
        vg_arena arena;
        vg_arena_init(&arena);
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_xml_node *root = NULL;
        CHECK(vg_xml_parse(&ctx, &arena, "t.xml", huge, VG_XML_MAX_SIZE + 1, &root) == VG_ERR_LIMIT && !root &&
              strstr(ctx.message, "t.xml: larger than"));
        vg_ctx_free(&ctx);
        vg_arena_free(&arena);
        free(huge);
    }
}

int main(void)
{
    test_tree();
    test_encodings();
    test_refused();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures != 0;
}
