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
#include "vigil/xml.h"

_Static_assert(sizeof(json_int_t) == sizeof(int64_t), "json_int_t is taken to be 64 bits");

typedef struct json_reader {
    const unsigned char *text, *end;
    const unsigned char *pos; /* the next byte to read */
    json_t *root;             /* owns every value made so far */
    json_t **open;            /* the arrays and objects being filled, innermost last */
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
static int read_number(json_reader *r, json_t **out)
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
        json_int_t value = negative && magnitude ? -(json_int_t)(magnitude - 1) - 1 : (json_int_t)magnitude;
        return (*out = json_integer(value)) ? 0 : fail_nomem(r);
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
    return (*out = json_real(d)) ? 0 : fail_nomem(r);
}

/* The literal word at r->pos, or an error. */
static int read_literal(json_reader *r, const char *word, json_t *value, json_t **out)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->pos) < n || memcmp(r->pos, word, n) != 0)
        return fail_expected(r, "a value");
    r->pos += n;
    *out = value;
    return 0;
}

/* The value at r->pos; an array or object is made empty, to be filled. */
static int read_value(json_reader *r, json_t **out)
{
    if (r->pos == r->end)
        return fail_expected(r, "a value");
    switch (*r->pos) {
    case '"': {
        const char *s;
        size_t n;
        if (read_string(r, &r->string_buf, &s, &n))
            return -1;
        return (*out = json_stringn_nocheck(s, n)) ? 0 : fail_nomem(r);
    }
    case '{':
    case '[':
        *out = *r->pos == '{' ? json_object() : json_array();
        r->pos++;
        return *out ? 0 : fail_nomem(r);
    case 't':
        return read_literal(r, "true", json_true(), out);
    case 'f':
        return read_literal(r, "false", json_false(), out);
    case 'n':
        return read_literal(r, "null", json_null(), out);
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

/* Puts v, just made, where it belongs: the root, or into the innermost
 * open array or object.  v belongs to the tree from then on, also when
 * this fails. */
static int attach(json_reader *r, json_t *v)
{
    if (r->depth == 0) {
        r->root = v;
        return 0;
    }
    json_t *into = r->open[r->depth - 1];
    if (json_is_array(into))
        return json_array_append_new(into, v) ? fail_nomem(r) : 0;
    size_t size = json_object_size(into);
    if (json_object_setn_new_nocheck(into, r->name, r->name_len, v))
        return fail_nomem(r);
    if (json_object_size(into) == size) {
        /* The name in the message: at most 40 bytes, whole characters. */
        size_t shown = r->name_len;
        if (shown > 40)
            for (shown = 40; (r->name[shown] & 0xC0) == 0x80; shown--)
                ;
        return fail(r, VG_ERR_FORMAT, r->name_at, "the member name \"%.*s%s\" given twice in one object",
                    (int)shown, r->name, shown < r->name_len ? "..." : "");
    }
    return 0;
}

static int open_container(json_reader *r, json_t *v)
{
    if (r->depth == VG_JSON_MAX_DEPTH)
        return fail(r, VG_ERR_LIMIT, r->pos - 1, "arrays and objects nested deeper than %d levels",
                    VG_JSON_MAX_DEPTH);
    if (r->depth == r->open_cap) {
        size_t cap = r->open_cap ? r->open_cap * 2 : 32;
        json_t **open = realloc(r->open, cap * sizeof *open);
        if (!open)
            return fail_nomem(r);
        r->open = open;
        r->open_cap = cap;
    }
    r->open[r->depth++] = v;
    return 0;
}

/* The whole text: values, and between them the punctuation of the arrays
 * and objects they are in. */
static int read_text(json_reader *r)
{
    for (;;) {
        json_t *v;
        skip_space(r);
        if (read_value(r, &v) || attach(r, v))
            return -1;
        if (json_is_object(v) || json_is_array(v)) {
            int object = json_is_object(v);
            if (open_container(r, v))
                return -1;
            skip_space(r);
            if (r->pos == r->end || *r->pos != (object ? '}' : ']')) {
                if (object && read_member_name(r))
                    return -1;
                continue;
            }
            r->pos++;
            r->depth--;
        }
        /* After a value: a comma and the next one, or the ends of arrays
         * and objects. */
        for (;;) {
            skip_space(r);
            if (r->depth == 0)
                return r->pos == r->end ? 0 : fail_expected(r, "the end of the text (a JSON text is one value)");
            int object = json_is_object(r->open[r->depth - 1]);
            if (r->pos < r->end && *r->pos == ',') {
                r->pos++;
                if (object && read_member_name(r))
                    return -1;
                break;
            }
            if (r->pos == r->end || *r->pos != (object ? '}' : ']'))
                return fail_expected(r, object ? "',' or '}'" : "',' or ']'");
            r->pos++;
            r->depth--;
        }
    }
}

int vg_json_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    json_reader r = {0};
    r.text = r.pos = (const unsigned char *)text;
    r.end = r.text + len;
    /* A decoded string is never longer than the text. */
    vg_buf_init(&r.string_buf, len + 1);
    vg_buf_init(&r.name_buf, len + 1);
    int rc = read_text(&r);
    vg_buf_free(&r.string_buf);
    vg_buf_free(&r.name_buf);
    free(r.open);
    if (r.c_locale)
        freelocale(r.c_locale);
    if (rc == 0) {
        *out = r.root;
        return VG_OK;
    }
    json_decref(r.root);
    if (r.status == VG_ERR_NOMEM)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory reading JSON", name);
    size_t line = 1, column = 1;
    for (const unsigned char *p = r.text; p < r.error_at; p++) {
        if (*p == '\n')
            line++, column = 1;
        else if ((*p & 0xC0) != 0x80)
            column++;
    }
    return vg_error(ctx, r.status, "%s: not valid JSON (line %zu, column %zu: %s)", name, line, column, r.problem);
}
