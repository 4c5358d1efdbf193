/*
 * json.c — JSON text read into jansson values (vigil/json.h), for the large
 * documents the policy engine reads as evidence: a scan report of 20 000
 * findings is 13 to 23 MB, and jansson's json_loadb spends most of its time
 * in a lexer that takes its input one character at a time from a stream.
 *
 * Spec: RFC 8259 (The JavaScript Object Notation (JSON) Data Interchange
 * Format), all of it: one value of any type with white space (space, tab,
 * LF, CR) around it (§2); the literals true, false and null (§3); objects
 * (§4) and arrays (§5), no trailing comma; numbers as the grammar of §6
 * says (no leading zero, no '+', no ".5", no "1."); strings (§7) with the
 * escapes \" \\ \/ \b \f \n \r \t and \uXXXX, surrogate pairs joined; UTF-8
 * text (§8.1) as RFC 3629 defines it: no overlong forms, no surrogates,
 * nothing above U+10FFFF.  Where §8 and §9 leave a choice to the parser,
 * this one makes jansson's (json_loadb with JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY), so that it replaces json_loadb without changing what
 * is accepted or the values built (tests/fuzz/fuzz_json.c checks both):
 *   - a member name given twice in one object is an error;
 *   - "\u0000" is an error (jansson's strings and names are C strings), and
 *     so is an escaped surrogate that is not half of a pair;
 *   - a number without fraction or exponent is an integer, an error beyond
 *     json_int_t (64 bits) rather than a rounded double; other numbers are
 *     doubles (strtod in the C locale: correctly rounded), an error when
 *     too large to be finite, 0 or subnormal when too small;
 *   - nesting deeper than VG_JSON_MAX_DEPTH (2048) arrays and objects is
 *     an error (VG_ERR_LIMIT);
 *   - a byte order mark is an error (§8.1 allows ignoring it; jansson
 *     does not).
 *
 * Why it is fast: the text is all in memory, so strings are scanned eight
 * bytes at a time for the bytes that need a look ('"', '\\', control
 * characters, non-ASCII), and a string without escapes is copied once,
 * from the text into jansson's string; every value goes into its array or
 * object as soon as it is made, so no member name is kept and a duplicate
 * shows as an object whose size did not grow; nesting is an explicit
 * stack, not recursion.  Values are made with jansson's _nocheck
 * constructors, the UTF-8 being checked here already.
 *
 * Two builders share the reader: jansson values (vg_json_parse()) and the
 * read-only arena tree of vigil/jtree.h (vg_jtree_parse()).  The tree
 * builder keeps the values of the open arrays and objects on one stack and
 * lays each out in the arena when it closes, so it finds a name given twice
 * when its object closes; a text with several errors may then be refused
 * for another of them than vg_json_parse() names.
 *
 * Leaves out: texts in UTF-16 or UTF-32 (§8.1: JSON exchanged between
 * systems is UTF-8), comments and the other extensions jansson's flags
 * allow.  Error columns count characters (UTF-8 sequences), from 1.
 */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/digest.h"
#include "vigil/json.h"
#include "core/jtree_internal.h"
#include "vigil/xml.h"

_Static_assert(sizeof(json_int_t) == sizeof(int64_t), "json_int_t is taken to be 64 bits");

typedef struct json_reader {
    const unsigned char *text, *end;
    const unsigned char *pos; /* the next byte to read */
    unsigned char *objects;   /* per open array or object, innermost last: 1 for an object */
    size_t depth, open_cap;
    const char *name;         /* member name of the value being read, in an object */
    size_t name_len;
    const unsigned char *name_at;
    vg_buf string_buf; /* a string value with escapes, decoded; a number for strtod */
    vg_buf name_buf;   /* a member name with escapes, decoded */
    locale_t c_locale; /* for strtod_l, made at the first non-integer number */
    int status;        /* of the error, VG_OK until one */
    const unsigned char *error_at;
    char problem[96];
    /* jansson: */
    json_t *root;  /* owns every value made so far */
    json_t **open; /* the arrays and objects being filled, innermost last */
    json_t *made;  /* the value made last */
    /* the tree (vg_jtree_parse()), when arena is set: */
    vg_arena *arena, *strings;
    vg_jmember *stack; /* the values of the open arrays and objects, in order */
    const unsigned char **names_at; /* where the name of each of them is, in an object */
    size_t stack_len, stack_cap;
    size_t *starts;    /* per open array or object: its first value on the stack, the entry it is */
    struct interned {
        const char *key; /* in the arena */
        uint32_t len, hash;
    } *interned;         /* member names kept once: INTERN_SLOTS, open addressing */
    size_t ninterned;
    vg_jval tree_root;
} json_reader;

__attribute__((format(printf, 4, 5))) static int fail(json_reader *r, int status, const unsigned char *at,
                                                       const char *fmt, ...)
{
    r->status = status;
    r->error_at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->problem, sizeof r->problem, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_nomem(json_reader *r)
{
    return fail(r, VG_ERR_NOMEM, r->pos, "out of memory");
}

/* "WHAT expected, found X": X the character at r->pos, shown so that any
 * byte reads clearly. */
static int fail_expected(json_reader *r, const char *what)
{
    const unsigned char *p = r->pos;
    if (p == r->end)
        return fail(r, VG_ERR_FORMAT, p, "%s expected, found the end of the text", what);
    if (p == r->text && r->end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        return fail(r, VG_ERR_FORMAT, p, "a byte order mark (U+FEFF) before the text; remove it");
    if (*p > 0x20 && *p < 0x7F)
        return fail(r, VG_ERR_FORMAT, p, "%s expected, found '%c'", what, *p);
    return fail(r, VG_ERR_FORMAT, p, "%s expected, found the byte 0x%02X", what, *p);
}

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The eight bytes at p as a number whose lowest byte is p[0], whatever
 * the machine's byte order. */
static inline uint64_t load8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* Skips white space; the indentation of pretty-printed documents (a third
 * of their bytes) eight bytes at a time. */
static inline void skip_space(json_reader *r)
{
    const unsigned char *p = r->pos, *end = r->end;
    while (p < end && is_space(*p)) {
        p++;
        uint64_t other;
        while (end - p >= 8 && !(other = load8(p) ^ (ONES * ' ')))
            p += 8;
        if (end - p >= 8)
            p += __builtin_ctzll(other) / 8;
    }
    r->pos = p;
}

/* The high bit set in each byte of w that needs a look inside a string:
 * '"', '\\', below 0x20 or above 0x7F.  The "has a zero byte" and "has a
 * byte below n" word tricks: a byte is marked wrongly only above a byte
 * marked rightly (a borrow moves up), so the lowest mark is exact. */
static inline uint64_t special_bytes(uint64_t w)
{
    uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');
    uint64_t control = (w - ONES * 0x20) & ~w;
    return (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | control | w) & HIGH;
}

/* Length of the UTF-8 sequence of two to four bytes at p (RFC 3629 §4:
 * shortest form, no surrogate, at most U+10FFFF), 0 if it is not one. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
    static const uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
    if (*p < 0xC2 || *p > 0xF4 || (size_t)(end - p) < n)
        return 0;
    uint32_t cp = *p & (0x3Fu >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* The first byte from p on that ends a run of string characters taken as
 * they are: '"', '\\', a control character, the start of invalid UTF-8, or
 * end. */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end)
{
    for (;;) {
        uint64_t special = 0;
        while (end - p >= 8 && !(special = special_bytes(load8(p))))
            p += 8;
        if (special)
            p += __builtin_ctzll(special) / 8;
        else
            while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
                p++;
        if (p == end || *p < 0x80)
            return p;
        size_t n = utf8_length(p, end);
        if (!n)
            return p;
        p += n;
    }
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = vg_hex_digit(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Decodes the escape at *at (a backslash) into out and moves *at past it. */
static int read_escape(json_reader *r, const unsigned char **at, vg_buf *out)
{
    const unsigned char *e = *at;
    size_t avail = (size_t)(r->end - e);
    static const char simple[][2] = {{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', '\b'},
                                     {'f', '\f'}, {'n', '\n'},  {'r', '\r'}, {'t', '\t'}};
    if (avail < 2)
        return fail(r, VG_ERR_FORMAT, e, "a string without its closing quote");
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (e[1] == (unsigned char)simple[i][0]) {
            *at = e + 2;
            return vg_buf_addc(out, simple[i][1]) ? fail_nomem(r) : 0;
        }
    if (e[1] != 'u')
        return e[1] > 0x20 && e[1] < 0x7F
                   ? fail(r, VG_ERR_FORMAT, e, "invalid escape '\\%c' in a string", e[1])
                   : fail(r, VG_ERR_FORMAT, e, "invalid escape in a string (byte 0x%02X after '\\')", e[1]);
    int cp = avail >= 6 ? hex4(e + 2) : -1;
    if (cp < 0)
        return fail(r, VG_ERR_FORMAT, e, "\\u not followed by four hexadecimal digits");
    *at = e + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        int low = avail >= 12 && e[6] == '\\' && e[7] == 'u' ? hex4(e + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF)
            return fail(r, VG_ERR_FORMAT, e, "\\u%04X, the first half of a surrogate pair, without the second",
                        (unsigned)cp);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        *at = e + 12;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return fail(r, VG_ERR_FORMAT, e, "\\u%04X, the second half of a surrogate pair, without the first",
                    (unsigned)cp);
    } else if (cp == 0) {
        return fail(r, VG_ERR_FORMAT, e, "\\u0000 (NUL) in a string");
    }
    char utf8[4];
    return vg_buf_add(out, utf8, vg_xml_encode_utf8((unsigned long)cp, utf8)) ? fail_nomem(r) : 0;
}

/* Reads the string at r->pos (its opening quote) into *s and *n: a pointer
 * into the text when it holds no escape, else into scratch, decoded. */
static int read_string(json_reader *r, vg_buf *scratch, const char **s, size_t *n)
{
    const unsigned char *p = r->pos + 1, *q = plain_run(p, r->end);
    if (q < r->end && *q == '"') {
        *s = (const char *)p;
        *n = (size_t)(q - p);
        r->pos = q + 1;
        return 0;
    }
    vg_buf_reset(scratch);
    for (;;) {
        if (vg_buf_add(scratch, p, (size_t)(q - p)))
            return fail_nomem(r);
        if (q == r->end)
            return fail(r, VG_ERR_FORMAT, r->pos, "a string without its closing quote");
        if (*q == '"')
            break;
        if (*q == '\\') {
            if (read_escape(r, &q, scratch))
                return -1;
        } else if (*q < 0x20) {
            return fail(r, VG_ERR_FORMAT, q, "control character U+%04X in a string (write it as an escape)",
                        (unsigned)*q);
        } else {
            return fail(r, VG_ERR_FORMAT, q, "invalid UTF-8 in a string (byte 0x%02X)", (unsigned)*q);
        }
        p = q;
        q = plain_run(p, r->end);
    }
    *s = scratch->data;
    *n = scratch->len;
    r->pos = q + 1;
    return 0;
}

/* Scans the digits from p on; returns the first byte after them. */
static const unsigned char *skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* The number at r->pos, as RFC 8259 §6 writes one. */
static int read_number(json_reader *r, vg_jval *out)
{
    const unsigned char *start = r->pos, *end = r->end;
    int negative = *start == '-';
    const unsigned char *digits = start + negative, *p = digits;
    if (p < end && *p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return fail(r, VG_ERR_FORMAT, start, "a number with a leading zero");
    } else {
        p = skip_digits(p, end);
        if (p == digits)
            return fail(r, VG_ERR_FORMAT, start, "a digit expected after '-'");
    }
    size_t int_digits = (size_t)(p - digits);
    int integer = 1;
    if (p < end && *p == '.') {
        const unsigned char *fraction = p + 1;
        p = skip_digits(fraction, end);
        if (p == fraction)
            return fail(r, VG_ERR_FORMAT, start, "a digit expected after the decimal point");
        integer = 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const unsigned char *exponent = p + 1;
        if (exponent < end && (*exponent == '+' || *exponent == '-'))
            exponent++;
        p = skip_digits(exponent, end);
        if (p == exponent)
            return fail(r, VG_ERR_FORMAT, start, "a digit expected in the exponent");
        integer = 0;
    }
    r->pos = p;
    if (integer) {
        /* 19 digits fit in 64 bits unsigned; 2^63 has 19 digits. */
        uint64_t magnitude = 0;
        for (size_t i = 0; i < int_digits && int_digits <= 19; i++)
            magnitude = magnitude * 10 + (uint64_t)(digits[i] - '0');
        if (int_digits > 19 || magnitude > (uint64_t)INT64_MAX + (uint64_t)negative)
            return fail(r, VG_ERR_FORMAT, start, "an integer beyond 64 bits (%s2^63%s)", negative ? "below -" : "above ",
                        negative ? "" : "-1");
        *out = (vg_jval){.type = VG_JINT, .u.i = negative && magnitude ? -(int64_t)(magnitude - 1) - 1 : (int64_t)magnitude};
        return 0;
    }
    /* strtod wants a NUL-terminated copy, and the C locale's decimal point. */
    vg_buf_reset(&r->string_buf);
    if (vg_buf_add(&r->string_buf, start, (size_t)(p - start)))
        return fail_nomem(r);
    if (!r->c_locale && !(r->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)))
        return fail_nomem(r);
    double d = strtod_l(r->string_buf.data, NULL, r->c_locale);
    if (!isfinite(d))
        return fail(r, VG_ERR_FORMAT, start, "a number too large for a double (beyond 1.8e308)");
    *out = (vg_jval){.type = VG_JREAL, .u.d = d};
    return 0;
}

/* The literal word at r->pos, or an error. */
static int read_literal(json_reader *r, const char *word, vg_jtype type, vg_jval *out)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->pos) < n || memcmp(r->pos, word, n) != 0)
        return fail_expected(r, "a value");
    r->pos += n;
    *out = (vg_jval){.type = type};
    return 0;
}

/* The value at r->pos: a scalar (a string points into the text or a
 * scratch buffer, and is not NUL-terminated), or the start of an array or
 * object, to be filled. */
static int read_value(json_reader *r, vg_jval *out)
{
    if (r->pos == r->end)
        return fail_expected(r, "a value");
    switch (*r->pos) {
    case '"': {
        const char *s;
        size_t n;
        if (read_string(r, &r->string_buf, &s, &n))
            return -1;
        *out = (vg_jval){.type = VG_JSTRING, .n = (uint32_t)n, .u.s = s};
        return 0;
    }
    case '{':
    case '[':
        *out = (vg_jval){.type = *r->pos == '{' ? VG_JOBJECT : VG_JARRAY};
        r->pos++;
        return 0;
    case 't':
        return read_literal(r, "true", VG_JTRUE, out);
    case 'f':
        return read_literal(r, "false", VG_JFALSE, out);
    case 'n':
        return read_literal(r, "null", VG_JNULL, out);
    default:
        if (*r->pos == '-' || (*r->pos >= '0' && *r->pos <= '9'))
            return read_number(r, out);
        return fail_expected(r, "a value");
    }
}

/* A member name and its colon; r->pos at what should be its quote. */
static int read_member_name(json_reader *r)
{
    skip_space(r);
    if (r->pos == r->end || *r->pos != '"')
        return fail_expected(r, "a member name (a string)");
    r->name_at = r->pos;
    if (read_string(r, &r->name_buf, &r->name, &r->name_len))
        return -1;
    skip_space(r);
    if (r->pos == r->end || *r->pos != ':')
        return fail_expected(r, "':' after the member name");
    r->pos++;
    return 0;
}

static int fail_duplicate(json_reader *r, const char *name, size_t len, const unsigned char *at)
{
    /* The name in the message: at most 40 bytes, whole characters. */
    size_t shown = len;
    if (shown > 40)
        for (shown = 40; (name[shown] & 0xC0) == 0x80; shown--)
            ;
    return fail(r, VG_ERR_FORMAT, at, "the member name \"%.*s%s\" given twice in one object", (int)shown, name,
                shown < len ? "..." : "");
}

/* ---- the jansson builder ---- */

/* Puts v, just made, where it belongs: the root, or into the innermost
 * open array or object.  v belongs to the tree from then on, also when
 * this fails. */
static int json_attach(json_reader *r, json_t *v)
{
    if (r->depth == 0) {
        r->root = v;
        return 0;
    }
    json_t *into = r->open[r->depth - 1];
    if (!r->objects[r->depth - 1])
        return json_array_append_new(into, v) ? fail_nomem(r) : 0;
    size_t size = json_object_size(into);
    if (json_object_setn_new_nocheck(into, r->name, r->name_len, v))
        return fail_nomem(r);
    return json_object_size(into) == size ? fail_duplicate(r, r->name, r->name_len, r->name_at) : 0;
}

static int json_add(json_reader *r, const vg_jval *v)
{
    json_t *j;
    switch (v->type) {
    case VG_JSTRING: j = json_stringn_nocheck(v->u.s, v->n); break;
    case VG_JINT: j = json_integer(v->u.i); break;
    case VG_JREAL: j = json_real(v->u.d); break;
    case VG_JTRUE: j = json_true(); break;
    case VG_JFALSE: j = json_false(); break;
    case VG_JNULL: j = json_null(); break;
    case VG_JOBJECT: j = json_object(); break;
    default: j = json_array(); break;
    }
    if (!j)
        return fail_nomem(r);
    r->made = j;
    return json_attach(r, j);
}

/* ---- the tree builder ---- */

/* A document repeats a few member names many times (a scan report of
 * 20 000 findings: 340 000 names, 30 different): each is kept once, so that
 * the tree is smaller and the names a lookup compares stay in the cache.
 * Names of up to INTERN_MAX_LEN bytes, until the table is half full. */
#define INTERN_SLOTS 4096
#define INTERN_MAX_LEN 64

static const char *tree_key(json_reader *r, uint32_t *hash_out)
{
    uint32_t hash = *hash_out = vg_jtree_hash(r->name, r->name_len);
    if (r->name_len > INTERN_MAX_LEN || r->ninterned >= INTERN_SLOTS / 2)
        return vg_arena_strndup(r->strings, r->name, r->name_len);
    if (!r->interned && !(r->interned = calloc(INTERN_SLOTS, sizeof *r->interned)))
        return NULL;
    for (size_t i = hash & (INTERN_SLOTS - 1);; i = (i + 1) & (INTERN_SLOTS - 1)) {
        struct interned *slot = &r->interned[i];
        if (!slot->key) {
            if (!(slot->key = vg_arena_strndup(r->strings, r->name, r->name_len)))
                return NULL;
            slot->len = (uint32_t)r->name_len;
            slot->hash = hash;
            r->ninterned++;
            return slot->key;
        }
        if (slot->hash == hash && slot->len == r->name_len && memcmp(slot->key, r->name, r->name_len) == 0)
            return slot->key;
    }
}

static int tree_push(json_reader *r, const vg_jval *v)
{
    if (r->stack_len == r->stack_cap) {
        size_t cap = r->stack_cap ? r->stack_cap * 2 : 256;
        vg_jmember *grown = realloc(r->stack, cap * sizeof *grown);
        if (grown)
            r->stack = grown;
        const unsigned char **at = realloc(r->names_at, cap * sizeof *at);
        if (at)
            r->names_at = at;
        if (!grown || !at)
            return fail_nomem(r);
        r->stack_cap = cap;
    }
    vg_jmember *m = &r->stack[r->stack_len];
    *m = (vg_jmember){.value = *v};
    r->names_at[r->stack_len++] = r->name_at;
    if (r->depth && r->objects[r->depth - 1]) {
        uint32_t hash;
        const char *key = tree_key(r, &hash);
        if (!key)
            return fail_nomem(r);
        m->key = key;
        m->key_len = (uint32_t)r->name_len;
        m->hash = hash;
    }
    if (v->type == VG_JSTRING && !(m->value.u.s = vg_arena_strndup(r->strings, v->u.s, v->n)))
        return fail_nomem(r);
    return 0;
}

/* Lays out the innermost open array or object (the entry at starts[d], its
 * values after it) in the arena, and leaves it as the last entry. */
static int tree_close(json_reader *r)
{
    size_t d = r->depth - 1, first = r->starts[d] + 1, n = r->stack_len - first;
    vg_jmember *self = &r->stack[first - 1], *values = &r->stack[first];
    if (n > UINT32_MAX)
        return fail(r, VG_ERR_LIMIT, r->pos - 1, "an array or object of more than %u values", UINT32_MAX);
    if (!r->objects[d]) {
        vg_jval *items = vg_arena_alloc(r->arena, n * sizeof *items);
        if (!items)
            return fail_nomem(r);
        for (size_t i = 0; i < n; i++)
            items[i] = values[i].value;
        self->value.u.items = items;
        self->value.n = (uint32_t)n;
    } else {
        size_t twice;
        int rc = jtree_object(r->arena, values, n, 1, &self->value, &twice);
        /* A name given twice: the message names its second place in the
         * text that comes first, as jansson's reader would. */
        if (twice < n)
            return fail_duplicate(r, values[twice].key, values[twice].key_len, r->names_at[first + twice]);
        if (rc)
            return rc == VG_ERR_NOMEM ? fail_nomem(r) : fail(r, rc, r->pos - 1, "an object too large");
    }
    r->stack_len = first;
    return 0;
}

/* ---- the reader ---- */

static int add_value(json_reader *r, const vg_jval *v)
{
    if (!r->arena)
        return json_add(r, v);
    if (r->depth == 0 && v->type != VG_JOBJECT && v->type != VG_JARRAY) {
        r->tree_root = *v;
        if (v->type == VG_JSTRING && !(r->tree_root.u.s = vg_arena_strndup(r->strings, v->u.s, v->n)))
            return fail_nomem(r);
        return 0;
    }
    return tree_push(r, v);
}

/* Ends the innermost open array or object. */
static int close_container(json_reader *r)
{
    if (r->arena && tree_close(r))
        return -1;
    r->depth--;
    if (r->arena && r->depth == 0)
        r->tree_root = r->stack[0].value;
    return 0;
}

/* Makes the array or object just added (add_value()) the innermost open
 * one. */
static int open_container(json_reader *r, int object)
{
    if (r->depth == VG_JSON_MAX_DEPTH)
        return fail(r, VG_ERR_LIMIT, r->pos - 1, "arrays and objects nested deeper than %d levels",
                    VG_JSON_MAX_DEPTH);
    if (r->depth == r->open_cap) {
        size_t cap = r->open_cap ? r->open_cap * 2 : 32;
        unsigned char *objects = realloc(r->objects, cap);
        if (objects)
            r->objects = objects;
        void *grown = r->arena ? realloc(r->starts, cap * sizeof *r->starts) : realloc(r->open, cap * sizeof *r->open);
        if (!objects || !grown)
            return fail_nomem(r);
        if (r->arena)
            r->starts = grown;
        else
            r->open = grown;
        r->open_cap = cap;
    }
    if (r->arena)
        r->starts[r->depth] = r->stack_len - 1;
    else
        r->open[r->depth] = r->made;
    r->objects[r->depth++] = (unsigned char)object;
    return 0;
}

/* The whole text: values, and between them the punctuation of the arrays
 * and objects they are in. */
static int read_text(json_reader *r)
{
    for (;;) {
        vg_jval v;
        skip_space(r);
        if (read_value(r, &v))
            return -1;
        int object = v.type == VG_JOBJECT;
        if (add_value(r, &v))
            return -1;
        if (object || v.type == VG_JARRAY) {
            if (open_container(r, object))
                return -1;
            skip_space(r);
            if (r->pos == r->end || *r->pos != (object ? '}' : ']')) {
                if (object && read_member_name(r))
                    return -1;
                continue;
            }
            r->pos++;
            if (close_container(r))
                return -1;
        }
        /* After a value: a comma and the next one, or the ends of arrays
         * and objects. */
        for (;;) {
            skip_space(r);
            if (r->depth == 0)
                return r->pos == r->end ? 0 : fail_expected(r, "the end of the text (a JSON text is one value)");
            object = r->objects[r->depth - 1];
            if (r->pos < r->end && *r->pos == ',') {
                r->pos++;
                if (object && read_member_name(r))
                    return -1;
                break;
            }
            if (r->pos == r->end || *r->pos != (object ? '}' : ']'))
                return fail_expected(r, object ? "',' or '}'" : "',' or ']'");
            r->pos++;
            if (close_container(r))
                return -1;
        }
    }
}

/* Reads the text with r's builder; the error message when it fails. */
static int read_all(vg_ctx *ctx, json_reader *r, const char *name, const char *text, size_t len)
{
    if (len >= UINT32_MAX) /* the lengths of vg_jval */
        return vg_error(ctx, VG_ERR_LIMIT, "%s: a JSON text of 4 GiB or more", name);
    r->text = r->pos = (const unsigned char *)text;
    r->end = r->text + len;
    /* A decoded string is never longer than the text. */
    vg_buf_init(&r->string_buf, len + 1);
    vg_buf_init(&r->name_buf, len + 1);
    int rc = read_text(r);
    vg_buf_free(&r->string_buf);
    vg_buf_free(&r->name_buf);
    free(r->objects);
    free(r->open);
    free(r->starts);
    free(r->stack);
    free(r->names_at);
    free(r->interned);
    if (r->c_locale)
        freelocale(r->c_locale);
    if (rc == 0)
        return VG_OK;
    if (r->status == VG_ERR_NOMEM)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory reading JSON", name);
    size_t line = 1, column = 1;
    for (const unsigned char *p = r->text; p < r->error_at; p++) {
        if (*p == '\n')
            line++, column = 1;
        else if ((*p & 0xC0) != 0x80)
            column++;
    }
    return vg_error(ctx, r->status, "%s: not valid JSON (line %zu, column %zu: %s)", name, line, column, r->problem);
}

int vg_json_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    json_reader r = {0};
    int rc = read_all(ctx, &r, name, text, len);
    if (rc)
        json_decref(r.root);
    *out = rc ? NULL : r.root;
    return rc;
}

int vg_jtree_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, vg_jtree **out)
{
    *out = NULL;
    vg_jtree *tree = calloc(1, sizeof *tree);
    if (!tree)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory reading JSON", name);
    vg_arena_init(&tree->arena);
    vg_arena_init(&tree->strings);
    json_reader r = {.arena = &tree->arena, .strings = &tree->strings};
    int rc = read_all(ctx, &r, name, text, len);
    vg_jval *root = rc ? NULL : vg_arena_alloc(&tree->arena, sizeof *root);
    if (rc == VG_OK && !root)
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory reading JSON", name);
    if (rc) {
        vg_jtree_free(tree);
        return rc;
    }
    *root = r.tree_root;
    tree->root = root;
    *out = tree;
    return VG_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct json_writer {
    vg_buf *out;
    size_t flags, indent;
    int status;
    struct key_ref {
        const char *key;
        size_t len;
        json_t *value;
    } *keys; /* the members of the objects being written, sorted, innermost last */
    size_t nkeys, keys_cap;
} json_writer;

static void put(json_writer *w, const void *s, size_t n)
{
    vg_buf *b = w->out;
    /* most writes fit the room there is: no call for them */
    if (!w->status && b->data && b->cap - b->len > n && b->max - b->len >= n) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else if (!w->status) {
        w->status = vg_buf_add(b, s, n);
    }
}

/* A newline and depth levels of indentation, or a space, as jansson's
 * dump_indent() writes them. */
static void put_indent(json_writer *w, size_t depth, int space)
{
    if (w->indent) {
        size_t n = 1 + w->indent * depth;
        if (!w->status)
            w->status = vg_buf_reserve(w->out, n);
        if (!w->status) {
            char *p = w->out->data + w->out->len;
            p[0] = '\n';
            memset(p + 1, ' ', n - 1);
            w->out->len += n;
            w->out->data[w->out->len] = '\0';
        }
    } else if (space && !(w->flags & JSON_COMPACT)) {
        put(w, " ", 1);
    }
}

static void put_string(json_writer *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    put(w, "\"", 1);
    while (p < end && !w->status) {
        const unsigned char *q = plain_run(p, end);
        put(w, p, (size_t)(q - p));
        if (q == end)
            break;
        static const char simple[][3] = {['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
                                         ['\n'] = "\\n", ['\r'] = "\\r",   ['\t'] = "\\t"};
        if (*q >= 0x80) { /* not UTF-8: jansson's json_dumps fails too */
            w->status = VG_ERR_FORMAT;
            break;
        }
        if (*q < sizeof simple / sizeof *simple && simple[*q][0]) {
            put(w, simple[*q], 2);
        } else {
            char u[8];
            snprintf(u, sizeof u, "\\u%04X", (unsigned)*q);
            put(w, u, 6);
        }
        p = q + 1;
    }
    put(w, "\"", 1);
}

/* The opening bracket of an array or object of n values (brackets: its
 * two), and the indentation of its first value; 0 when it is empty and
 * written whole. */
static int put_open(json_writer *w, const char *brackets, size_t n, size_t depth)
{
    put(w, brackets, 1);
    if (n == 0) {
        put(w, brackets + 1, 1);
        return 0;
    }
    put_indent(w, depth + 1, 0);
    return 1;
}

/* After a value at depth + 1: a comma and the next one's indentation, or
 * (the last) the indentation of close. */
static void put_next(json_writer *w, int more, const char *close, size_t depth)
{
    if (more) {
        put(w, ",", 1);
        put_indent(w, depth + 1, 1);
    } else {
        put_indent(w, depth, 0);
        put(w, close, 1);
    }
}

static int key_cmp_ref(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void put_value(json_writer *w, json_t *v, size_t depth)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING: put_string(w, json_string_value(v), json_string_length(v)); return;
    case JSON_INTEGER:
        put(w, num, (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
        return;
    case JSON_REAL: {
        /* jansson's form: %.17g in the C locale, ".0" after what would
         * read back as an integer, the exponent without '+' and leading
         * zeros */
        char *p = num;
        size_t n = (size_t)snprintf(num, sizeof num, "%.17g", json_real_value(v));
        while ((p = strpbrk(p, ",")))
            *p = '.';
        if (!strchr(num, '.') && !strchr(num, 'e'))
            n += (size_t)snprintf(num + n, sizeof num - n, ".0");
        char *e = strchr(num, 'e');
        if (e) {
            char *start = e + 1, *end = start + 1;
            if (*start == '-')
                start++;
            while (*end == '0')
                end++;
            if (end != start) {
                memmove(start, end, n + 1 - (size_t)(end - num));
                n -= (size_t)(end - start);
            }
        }
        put(w, num, n);
        return;
    }
    case JSON_TRUE: put(w, "true", 4); return;
    case JSON_FALSE: put(w, "false", 5); return;
    case JSON_NULL: put(w, "null", 4); return;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (!put_open(w, "[]", n, depth))
            return;
        for (size_t i = 0; i < n && !w->status; i++) {
            put_value(w, json_array_get(v, i), depth + 1);
            put_next(w, i + 1 < n, "]", depth);
        }
        return;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v);
        if (!put_open(w, "{}", n, depth))
            return;
        if (w->nkeys + n > w->keys_cap) {
            size_t cap = (w->nkeys + n) * 2;
            struct key_ref *grown = realloc(w->keys, cap * sizeof *grown);
            if (!grown) {
                w->status = VG_ERR_NOMEM;
                return;
            }
            w->keys = grown;
            w->keys_cap = cap;
        }
        size_t first = w->nkeys;
        const char *key;
        json_t *value;
        json_object_foreach(v, key, value) {
            w->keys[w->nkeys++] = (struct key_ref){key, json_object_iter_key_len(json_object_key_to_iter(key)), value};
        }
        if ((w->flags & JSON_SORT_KEYS) && n > 16) {
            qsort(w->keys + first, n, sizeof *w->keys, key_cmp_ref);
        } else if (w->flags & JSON_SORT_KEYS) { /* most objects are small: insertion, without calls */
            struct key_ref *k = w->keys + first;
            for (size_t i = 1; i < n; i++) {
                struct key_ref x = k[i];
                size_t j = i;
                while (j > 0 && key_cmp_ref(&k[j - 1], &x) > 0) {
                    k[j] = k[j - 1];
                    j--;
                }
                k[j] = x;
            }
        }
        for (size_t i = 0; i < n && !w->status; i++) {
            struct key_ref k = w->keys[first + i]; /* w->keys may move */
            put_string(w, k.key, k.len);
            put(w, w->flags & JSON_COMPACT ? ":" : ": ", w->flags & JSON_COMPACT ? 1 : 2);
            put_value(w, k.value, depth + 1);
            put_next(w, i + 1 < n, "}", depth);
        }
        w->nkeys = first;
        return;
    }
    }
}

int vg_json_dump(const json_t *value, size_t flags, vg_buf *out)
{
    if (!value || (flags & ~(size_t)(JSON_MAX_INDENT | JSON_COMPACT | JSON_SORT_KEYS | JSON_PRESERVE_ORDER |
                                      JSON_ENCODE_ANY)))
        return VG_ERR_USAGE;
    if (!(flags & JSON_ENCODE_ANY) && !json_is_object(value) && !json_is_array(value))
        return VG_ERR_USAGE;
    json_writer w = {.out = out, .flags = flags, .indent = flags & JSON_MAX_INDENT};
    put_value(&w, (json_t *)value, 0);
    free(w.keys);
    return w.status;
}
