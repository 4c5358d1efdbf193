/*
 * json.c — the JSON reader of the attestation code: a strict syntax check
 * (vg_json_check_object) and a bounded parser (attest_json_parse) that
 * builds a small tree whose strings point into the input, so a 50 MB DSSE
 * payload string or in-toto predicate is never copied into a tree.
 *
 * Spec: RFC 8259 (JSON), strictly: no comments, no trailing commas, no
 * leading zeros, no control characters in strings, valid UTF-8 (RFC 3629,
 * no encoded surrogates, no overlong forms), one value and nothing after
 * it, nesting at most ATTEST_JSON_MAX_DEPTH.  Values the parser builds also
 * reject what jansson (JSON_REJECT_DUPLICATES) rejected before: duplicate
 * member names, "\u0000" and unpaired surrogate escapes.  Values it only
 * checks (attest_json_parse with expand_keys) get the syntax check alone,
 * the same check `vigil attest` applies to a predicate.
 *
 * Strings are skipped 64 bytes at a time (a vector test for '"', '\\',
 * control and non-ASCII bytes), which is what makes checking 50 MB cheap.
 *
 * Leaves out: numbers are checked, not converted (the attestation formats
 * have no numbers vigil reads); JSON text that is not an object at the top.
 */
#include <stdint.h>
#include <string.h>

#include "attest_internal.h"
#include "vigil/digest.h"
#include "vigil/map.h"

/* Objects with more members than this are checked for duplicate names
 * with a hash map rather than by comparing with every earlier member. */
#define DUPLICATE_LINEAR_MAX 32

typedef struct json_scan {
    const unsigned char *s;
    size_t len;
    size_t pos;
    const char *problem; /* set on the first syntax error */
    int status;          /* VG_ERR_FORMAT, or VG_ERR_LIMIT / VG_ERR_NOMEM */
    /* Tree building (attest_json_parse); arena NULL = check syntax only. */
    vg_arena *arena;
    size_t nodes;
} json_scan;

static int scan_fail(json_scan *js, const char *problem)
{
    if (!js->problem) {
        js->problem = problem;
        js->status = VG_ERR_FORMAT;
    }
    return -1;
}

static int scan_fail_status(json_scan *js, int status, const char *problem)
{
    if (!js->problem) {
        js->problem = problem;
        js->status = status;
    }
    return -1;
}

int attest_json_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(json_scan *js)
{
    while (js->pos < js->len) {
        unsigned char c = js->s[js->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        js->pos++;
    }
}

size_t attest_utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* Strings are skipped 64 bytes at a time while no byte needs a look:
 * '"', '\\', below 0x20 or above 0x7F (as a signed char, the last two are
 * both "below 0x20").  GCC/clang vector extensions: SSE2 on x86-64, NEON on
 * arm64, plain words elsewhere; no intrinsics, no CPU dispatch. */
typedef signed char bytes16 __attribute__((vector_size(16)));

/* 1 when none of the 16 * blocks bytes at p needs a look. */
static inline int plain_blocks(const unsigned char *p, int blocks)
{
    bytes16 v, special = {0};
    for (int i = 0; i < blocks; i++) {
        memcpy(&v, p + 16 * i, sizeof v);
        special |= (v < 0x20) | (v == '"') | (v == '\\');
    }
    uint64_t half[2];
    memcpy(half, &special, sizeof half);
    return (half[0] | half[1]) == 0;
}

/* Index (0-15) of the first byte of the 16 at p that needs a look, or 16.
 * The lanes of the comparison are 0x00 or 0xFF, so the first non-zero
 * byte of the two 64-bit halves (in memory order) is the answer. */
static inline unsigned special_index16(const unsigned char *p)
{
    bytes16 v;
    memcpy(&v, p, sizeof v);
    bytes16 special = (v < 0x20) | (v == '"') | (v == '\\');
    uint64_t half[2];
    memcpy(half, &special, sizeof half);
    for (unsigned i = 0; i < 2; i++) {
        if (!half[i])
            continue;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        return 8 * i + (unsigned)__builtin_clzll(half[i]) / 8;
#else
        return 8 * i + (unsigned)__builtin_ctzll(half[i]) / 8;
#endif
    }
    return 16;
}

/* Scans the string starting at the opening quote at js->pos.  On success
 * js->pos is past the closing quote and *escaped says whether the string
 * holds any escape. */
static int scan_string(json_scan *js, int *escaped)
{
    const unsigned char *s = js->s;
    size_t pos = js->pos + 1, len = js->len;
    *escaped = 0;
    for (;;) {
        while (len - pos >= 64 && plain_blocks(s + pos, 4))
            pos += 64;
        while (len - pos >= 16) {
            unsigned k = special_index16(s + pos);
            pos += k;
            if (k < 16)
                break;
        }
        if (pos >= len)
            break;
        unsigned char c = s[pos];
        if (c == '"') {
            js->pos = pos + 1;
            return 0;
        }
        if (c < 0x20) {
            js->pos = pos;
            return scan_fail(js, "control character in a string");
        }
        if (c == '\\') {
            *escaped = 1;
            if (len - pos < 2)
                break;
            unsigned char e = s[pos + 1];
            if (e == 'u') {
                if (len - pos < 6)
                    break;
                for (size_t k = 2; k < 6; k++)
                    if (vg_hex_digit(s[pos + k]) < 0) {
                        js->pos = pos;
                        return scan_fail(js, "bad \\u escape");
                    }
                pos += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                js->pos = pos;
                return scan_fail(js, "bad escape in a string");
            }
            pos += 2;
            continue;
        }
        if (c < 0x80) {
            pos++;
            continue;
        }
        size_t n = attest_utf8_sequence(s + pos, len - pos);
        if (!n) {
            js->pos = pos;
            return scan_fail(js, "invalid UTF-8 in a string");
        }
        pos += n;
    }
    js->pos = len;
    return scan_fail(js, "unterminated string");
}

static int scan_digits(json_scan *js)
{
    size_t start = js->pos;
    while (js->pos < js->len && js->s[js->pos] >= '0' && js->s[js->pos] <= '9')
        js->pos++;
    return js->pos > start ? 0 : scan_fail(js, "bad number");
}

static int scan_number(json_scan *js)
{
    if (js->s[js->pos] == '-')
        js->pos++;
    if (js->pos >= js->len)
        return scan_fail(js, "bad number");
    if (js->s[js->pos] == '0')
        js->pos++;
    else if (scan_digits(js))
        return -1;
    if (js->pos < js->len && js->s[js->pos] == '.') {
        js->pos++;
        if (scan_digits(js))
            return -1;
    }
    if (js->pos < js->len && (js->s[js->pos] == 'e' || js->s[js->pos] == 'E')) {
        js->pos++;
        if (js->pos < js->len && (js->s[js->pos] == '+' || js->s[js->pos] == '-'))
            js->pos++;
        if (scan_digits(js))
            return -1;
    }
    return 0;
}

static int scan_literal(json_scan *js, const char *word)
{
    size_t n = strlen(word);
    if (js->len - js->pos < n || memcmp(js->s + js->pos, word, n) != 0)
        return scan_fail(js, "unexpected character");
    js->pos += n;
    return 0;
}

/* Enters the object or array at js->pos: sets *close to the character
 * that ends it and returns 1 when it is empty (and consumed), 0 when its
 * first member follows, -1 when it is nested too deeply. */
static int open_container(json_scan *js, int depth, unsigned char *close)
{
    *close = js->s[js->pos] == '{' ? '}' : ']';
    if (depth >= ATTEST_JSON_MAX_DEPTH)
        return scan_fail(js, "nested too deeply");
    js->pos++;
    skip_space(js);
    if (js->pos < js->len && js->s[js->pos] == *close) {
        js->pos++;
        return 1;
    }
    return 0;
}

/* ---- syntax only ---- */

static int check_value(json_scan *js, int depth);

static int check_container(json_scan *js, int depth)
{
    unsigned char open = js->s[js->pos], close;
    int escaped, empty = open_container(js, depth, &close);
    if (empty)
        return empty > 0 ? 0 : -1;
    for (;;) {
        skip_space(js);
        if (open == '{') {
            if (js->pos >= js->len || js->s[js->pos] != '"')
                return scan_fail(js, "expected a member name");
            if (scan_string(js, &escaped))
                return -1;
            skip_space(js);
            if (js->pos >= js->len || js->s[js->pos] != ':')
                return scan_fail(js, "expected ':'");
            js->pos++;
        }
        if (check_value(js, depth + 1))
            return -1;
        skip_space(js);
        if (js->pos >= js->len)
            return scan_fail(js, "unexpected end of input");
        if (js->s[js->pos] == ',') {
            js->pos++;
            continue;
        }
        if (js->s[js->pos] == close) {
            js->pos++;
            return 0;
        }
        return scan_fail(js, open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

/* Checks the syntax of the value at js->pos (after whitespace). */
static int check_value(json_scan *js, int depth)
{
    int escaped;
    skip_space(js);
    if (js->pos >= js->len)
        return scan_fail(js, "unexpected end of input");
    unsigned char c = js->s[js->pos];
    switch (c) {
    case '{':
    case '[':
        return check_container(js, depth);
    case '"':
        return scan_string(js, &escaped);
    case 't':
        return scan_literal(js, "true");
    case 'f':
        return scan_literal(js, "false");
    case 'n':
        return scan_literal(js, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return scan_number(js);
        return scan_fail(js, "unexpected character");
    }
}

int vg_json_check_object(vg_ctx *ctx, const char *what, const char *json, size_t len)
{
    json_scan js = {(const unsigned char *)json, len, 0, NULL, VG_OK, NULL, 0};
    skip_space(&js);
    if (js.pos >= len || json[js.pos] != '{')
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a JSON object", what);
    if (check_value(&js, 0) == 0) {
        skip_space(&js);
        if (js.pos == len)
            return VG_OK;
        scan_fail(&js, "text after the JSON object");
    }
    return vg_error(ctx, VG_ERR_FORMAT, "%s: invalid JSON at byte %zu: %s", what, js.pos, js.problem);
}

/* ---- tree building ---- */

/* Appends the UTF-8 form of code point cp to out, returning the length. */
static size_t utf8_put(unsigned char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static uint32_t hex4(const unsigned char *s)
{
    return (uint32_t)(vg_hex_digit(s[0]) << 12 | vg_hex_digit(s[1]) << 8 | vg_hex_digit(s[2]) << 4 | vg_hex_digit(s[3]));
}

/* Decodes the already scanned string body raw[0..n) (escapes checked for
 * syntax by scan_string) into the arena.  Fails on "\u0000" and on
 * surrogate escapes that do not form a pair.  The decoded form is never
 * longer than the escaped one. */
static int decode_string(json_scan *js, size_t start, const unsigned char *raw, size_t n,
                         const char **out, size_t *outlen)
{
    unsigned char *dst = vg_arena_alloc(js->arena, n + 1);
    if (!dst)
        return scan_fail_status(js, VG_ERR_NOMEM, "out of memory");
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (raw[i] != '\\') {
            dst[w++] = raw[i++];
            continue;
        }
        unsigned char e = raw[i + 1];
        if (e != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            dst[w++] = (unsigned char)to[strchr(from, e) - from];
            i += 2;
            continue;
        }
        uint32_t cp = hex4(raw + i + 2);
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = i + 6 <= n && raw[i] == '\\' && raw[i + 1] == 'u' ? hex4(raw + i + 2) : 0;
            if (low < 0xDC00 || low > 0xDFFF) {
                js->pos = start + i;
                return scan_fail(js, "unpaired surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            js->pos = start + i;
            return scan_fail(js, "unpaired surrogate in a \\u escape");
        } else if (cp == 0) {
            js->pos = start + i;
            return scan_fail(js, "\\u0000 in a string");
        }
        w += utf8_put(dst + w, cp);
    }
    dst[w] = '\0';
    *out = (const char *)dst;
    *outlen = w;
    return 0;
}

/* Scans the string at js->pos and sets *out and *outlen to its value: a
 * pointer into the input when it has no escapes, else a decoded copy. */
static int parse_string(json_scan *js, const char **out, size_t *outlen)
{
    size_t start = js->pos + 1;
    int escaped;
    if (scan_string(js, &escaped))
        return -1;
    size_t n = js->pos - 1 - start;
    if (!escaped) {
        *out = (const char *)js->s + start;
        *outlen = n;
        return 0;
    }
    return decode_string(js, start, js->s + start, n, out, outlen);
}

static attest_json *new_node(json_scan *js)
{
    if (js->nodes >= ATTEST_JSON_MAX_NODES) {
        scan_fail_status(js, VG_ERR_LIMIT, "more values than vigil reads in an attestation");
        return NULL;
    }
    attest_json *node = vg_arena_alloc(js->arena, sizeof *node);
    if (!node) {
        scan_fail_status(js, VG_ERR_NOMEM, "out of memory");
        return NULL;
    }
    js->nodes++;
    return node;
}

static int same_key(const attest_json *a, const char *key, size_t len)
{
    return a->key_len == len && memcmp(a->key, key, len) == 0;
}

/* Fails when obj already has a member named key (map: NULL until obj has
 * more than DUPLICATE_LINEAR_MAX members). */
static int check_duplicate(json_scan *js, attest_json *obj, vg_map *map, const char *key, size_t len)
{
    if (obj->count < DUPLICATE_LINEAR_MAX) {
        for (const attest_json *m = obj->child; m; m = m->next)
            if (same_key(m, key, len))
                return scan_fail(js, "duplicate member name");
        return 0;
    }
    if (obj->count == DUPLICATE_LINEAR_MAX) {
        for (const attest_json *m = obj->child; m; m = m->next)
            if (vg_map_put(map, m->key, m->key_len, (void *)m) != VG_OK)
                return scan_fail_status(js, VG_ERR_NOMEM, "out of memory");
    }
    if (vg_map_get(map, key, len))
        return scan_fail(js, "duplicate member name");
    return 0;
}

static int parse_value(json_scan *js, int depth, attest_json *node, const char *const *expand_keys);

static int parse_container(json_scan *js, int depth, attest_json *node, const char *const *expand_keys)
{
    unsigned char open = js->s[js->pos], close;
    node->kind = open == '{' ? ATTEST_JSON_OBJECT : ATTEST_JSON_ARRAY;
    node->expanded = 1;
    int empty = open_container(js, depth, &close);
    if (empty)
        return empty > 0 ? 0 : -1;
    vg_map names;
    vg_map_init(&names);
    attest_json *last = NULL;
    int rc = -1;
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        skip_space(js);
        if (open == '{') {
            if (js->pos >= js->len || js->s[js->pos] != '"') {
                scan_fail(js, "expected a member name");
                break;
            }
            size_t key_pos = js->pos;
            if (parse_string(js, &key, &key_len))
                break;
            if (check_duplicate(js, node, &names, key, key_len)) {
                js->pos = key_pos;
                break;
            }
            skip_space(js);
            if (js->pos >= js->len || js->s[js->pos] != ':') {
                scan_fail(js, "expected ':'");
                break;
            }
            js->pos++;
        }
        attest_json *child = new_node(js);
        if (!child)
            break;
        child->key = key;
        child->key_len = key_len;
        if (last)
            last->next = child;
        else
            node->child = child;
        last = child;
        node->count++;
        if (node->count > DUPLICATE_LINEAR_MAX && open == '{' &&
            vg_map_put(&names, key, key_len, child) != VG_OK) {
            scan_fail_status(js, VG_ERR_NOMEM, "out of memory");
            break;
        }
        /* Only the top-level object's members can be left unexpanded. */
        int expand = 1;
        if (expand_keys && depth == 0) {
            expand = 0;
            for (size_t i = 0; expand_keys[i]; i++)
                if (strlen(expand_keys[i]) == key_len && memcmp(expand_keys[i], key, key_len) == 0)
                    expand = 1;
        }
        if (expand ? parse_value(js, depth + 1, child, NULL) : parse_value(js, depth + 1, child, expand_keys))
            break;
        skip_space(js);
        if (js->pos >= js->len) {
            scan_fail(js, "unexpected end of input");
            break;
        }
        if (js->s[js->pos] == ',') {
            js->pos++;
            continue;
        }
        if (js->s[js->pos] == close) {
            js->pos++;
            rc = 0;
            break;
        }
        scan_fail(js, open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    vg_map_free(&names);
    return rc;
}

/* Parses the value at js->pos into node.  With expand_keys set (only ever
 * for members of the top-level object that are not in the list) the value
 * is checked for syntax only: node gets its kind and its JSON text. */
static int parse_value(json_scan *js, int depth, attest_json *node, const char *const *expand_keys)
{
    skip_space(js);
    if (js->pos >= js->len)
        return scan_fail(js, "unexpected end of input");
    size_t start = js->pos;
    unsigned char c = js->s[start];
    node->kind = c == '{' ? ATTEST_JSON_OBJECT : c == '[' ? ATTEST_JSON_ARRAY : c == '"' ? ATTEST_JSON_STRING
               : c == 't' ? ATTEST_JSON_TRUE : c == 'f' ? ATTEST_JSON_FALSE : c == 'n' ? ATTEST_JSON_NULL
               : ATTEST_JSON_NUMBER;
    int rc;
    if (expand_keys) {
        rc = check_value(js, depth);
        node->str = (const char *)js->s + start;
        node->len = js->pos - start;
        return rc;
    }
    node->expanded = 1;
    if (c == '{' || c == '[')
        return parse_container(js, depth, node, NULL);
    if (c == '"')
        return parse_string(js, &node->str, &node->len);
    rc = check_value(js, depth);
    node->str = (const char *)js->s + start;
    node->len = js->pos - start;
    return rc;
}

int attest_json_parse(vg_ctx *ctx, const char *what, const char *text, size_t len,
                      const char *const *expand_keys, attest_json_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    vg_arena_init(&doc->arena);
    json_scan js = {(const unsigned char *)text, len, 0, NULL, VG_OK, &doc->arena, 0};
    skip_space(&js);
    if (js.pos >= len || text[js.pos] != '{')
        return vg_error(ctx, VG_ERR_FORMAT, "%s is not a JSON object", what);
    attest_json *root = new_node(&js);
    if (root && parse_container(&js, 0, root, expand_keys) == 0) {
        skip_space(&js);
        if (js.pos == len) {
            doc->root = root;
            doc->nodes = js.nodes;
            return VG_OK;
        }
        scan_fail(&js, "text after the JSON object");
    }
    if (js.status == VG_ERR_FORMAT)
        return vg_error(ctx, VG_ERR_FORMAT, "%s is not JSON: %s at byte %zu", what, js.problem, js.pos);
    return vg_error(ctx, js.status, "%s: %s", what, js.problem);
}

void attest_json_doc_free(attest_json_doc *doc)
{
    vg_arena_free(&doc->arena);
    doc->root = NULL;
}

const attest_json *attest_json_member(const attest_json *obj, const char *name)
{
    if (!obj || obj->kind != ATTEST_JSON_OBJECT)
        return NULL;
    size_t n = strlen(name);
    for (const attest_json *m = obj->child; m; m = m->next)
        if (same_key(m, name, n))
            return m;
    return NULL;
}

const attest_json *attest_json_as_string(const attest_json *value)
{
    return value && value->kind == ATTEST_JSON_STRING && value->expanded ? value : NULL;
}

int attest_json_equals(const attest_json *value, const char *s)
{
    size_t n = strlen(s);
    return attest_json_as_string(value) && value->len == n && memcmp(value->str, s, n) == 0;
}
