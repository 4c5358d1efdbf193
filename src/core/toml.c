/*
 * toml.c — bounded TOML 1.0 reader (toml.h; spec: toml.io/en/v1.0.0).
 *
 * One pass over the document with a cursor; values go straight into the
 * tree in the arena.  Table items grow by doubling inside the arena (the
 * capacity is implied by the count: the next power of two, at least 4), so
 * no separate capacity field is needed.  Duplicate keys are found through
 * one hash map per parse, keyed by (table address, key), so a table with a
 * million keys is not quadratic.
 *
 * Redefinition rules kept from the spec: a table header may name a table
 * only once; a table made by dotted keys cannot be reopened by a header; a
 * table header cannot extend a table made by dotted keys in another table,
 * an inline table or a static array; [[x]] only appends to arrays made by
 * [[x]].
 *
 * Left out (see toml.h): conversion of floats and dates (kept as source
 * text after a light syntax check), TOML 1.1 additions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/digest.h"
#include "vigil/map.h"
#include "vigil/toml.h"

enum {
    TOML_DEFINED = 1u << 0,  /* table: named by a [header] or an [[element]] */
    TOML_IMPLICIT = 1u << 1, /* table: created as the parent of a header */
    TOML_DOTTED = 1u << 2,   /* table: created by a dotted key */
    TOML_FROZEN = 1u << 3,   /* inline table or static array: closed */
    TOML_AOT = 1u << 4,      /* array: made by [[header]] */
};

#define TOML_MAX_KEY_PARTS 64

typedef struct toml_parser {
    vg_ctx *ctx;
    vg_arena *arena;
    const char *path;
    const char *text, *p, *end;
    size_t line;
    vg_map seen;   /* (table, key) -> value */
    char *scratch; /* strings are decoded here (never longer than the document) */
} toml_parser;

typedef struct toml_key {
    const char *text; /* decoded, NUL-terminated, in the arena */
    size_t len;
} toml_key;

static int syntax(toml_parser *ps, const char *what)
{
    return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: %s", ps->path, ps->line, what);
}

/* Length of the UTF-8 sequence at s (RFC 3629), or 0 if invalid. */
static size_t utf8_length(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static vg_toml_value *new_value(toml_parser *ps, vg_toml_type type)
{
    vg_toml_value *v = vg_arena_alloc(ps->arena, sizeof *v);
    if (v) {
        v->type = type;
        v->line = ps->line;
    }
    return v;
}

/* Appends (key, value) to a table or value to an array (key NULL). */
static int append_item(toml_parser *ps, vg_toml_value *container, const char *key, vg_toml_value *item)
{
    size_t n = container->count;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n == 0 ? 4 : n * 2;
        vg_toml_value **items = vg_arena_calloc(ps->arena, cap, sizeof *items);
        if (!items)
            return VG_ERR_NOMEM;
        if (n)
            memcpy(items, container->items, n * sizeof *items);
        container->items = items;
        if (container->type == VG_TOML_TABLE) {
            const char **keys = vg_arena_calloc(ps->arena, cap, sizeof *keys);
            if (!keys)
                return VG_ERR_NOMEM;
            if (n)
                memcpy(keys, container->keys, n * sizeof *keys);
            container->keys = keys;
        }
    }
    container->items[n] = item;
    if (container->type == VG_TOML_TABLE)
        container->keys[n] = key;
    container->count = n + 1;
    return VG_OK;
}

/* The map key for (table, key): the table's address followed by the key. */
static char *seen_key(toml_parser *ps, const vg_toml_value *table, const toml_key *key, size_t *len)
{
    *len = sizeof table + key->len;
    char *k = vg_arena_alloc(ps->arena, *len);
    if (k) {
        memcpy(k, &table, sizeof table);
        memcpy(k + sizeof table, key->text, key->len);
    }
    return k;
}

static vg_toml_value *table_find(toml_parser *ps, const vg_toml_value *table, const toml_key *key)
{
    char buf[256];
    size_t len = sizeof table + key->len;
    if (len <= sizeof buf) {
        memcpy(buf, &table, sizeof table);
        memcpy(buf + sizeof table, key->text, key->len);
        return vg_map_get(&ps->seen, buf, len);
    }
    const char *k = seen_key(ps, table, key, &len);
    return k ? vg_map_get(&ps->seen, k, len) : NULL;
}

static int table_insert(toml_parser *ps, vg_toml_value *table, const toml_key *key, vg_toml_value *value)
{
    size_t len;
    char *k = seen_key(ps, table, key, &len);
    if (!k)
        return VG_ERR_NOMEM;
    int rc = vg_map_put(&ps->seen, k, len, value);
    if (rc == VG_OK)
        rc = append_item(ps, table, key->text, value);
    return rc == VG_ERR_NOMEM ? vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory") : rc;
}

/* Creates an empty value of type with flags under key in table. */
static int insert_new(toml_parser *ps, vg_toml_value *table, const toml_key *key, vg_toml_type type,
                      unsigned flags, vg_toml_value **out)
{
    vg_toml_value *v = new_value(ps, type);
    if (!v)
        return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
    v->flags = flags;
    *out = v;
    return table_insert(ps, table, key, v);
}

static int at_newline(const toml_parser *ps)
{
    return ps->p < ps->end &&
           (*ps->p == '\n' || (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n'));
}

static void skip_newline(toml_parser *ps)
{
    ps->p += *ps->p == '\r' ? 2 : 1;
    ps->line++;
}

static void skip_blank(toml_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
        ps->p++;
}

/* Skips a comment from '#' to the end of the line (not the newline). */
static int skip_comment(toml_parser *ps)
{
    while (ps->p < ps->end && !at_newline(ps)) {
        unsigned char c = (unsigned char)*ps->p;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return syntax(ps, "control character in a comment");
        ps->p++;
    }
    return VG_OK;
}

/* Whitespace, newlines and comments, as allowed inside arrays. */
static int skip_space_lines(toml_parser *ps)
{
    for (;;) {
        skip_blank(ps);
        if (ps->p >= ps->end)
            return VG_OK;
        if (*ps->p == '#') {
            int rc = skip_comment(ps);
            if (rc)
                return rc;
        } else if (at_newline(ps)) {
            skip_newline(ps);
        } else {
            return VG_OK;
        }
    }
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * Reads a string starting at the cursor (on its opening quote) into
 * *out / *outlen (arena, NUL-terminated).  Handles all four kinds; multi
 * only when allowed (values, not keys).  The decoded text is never longer
 * than the source, so one allocation of the remaining length would do, but
 * the closing quote is found first to allocate just enough.
 */
static int read_string(toml_parser *ps, int allow_multi, const char **out, size_t *outlen)
{
    char quote = *ps->p;
    int literal = quote == '\'';
    int multi = allow_multi && ps->end - ps->p >= 3 && ps->p[1] == quote && ps->p[2] == quote;
    ps->p += multi ? 3 : 1;
    if (multi && at_newline(ps))
        skip_newline(ps); /* a newline right after the opening quotes is trimmed */

    char *buf = ps->scratch;
    size_t n = 0;
    for (;;) {
        if (ps->p >= ps->end)
            return syntax(ps, "unterminated string");
        unsigned char c = (unsigned char)*ps->p;
        if (c == (unsigned char)quote) {
            if (!multi) {
                ps->p++;
                break;
            }
            if (ps->end - ps->p >= 3 && ps->p[1] == quote && ps->p[2] == quote) {
                /* up to two more quotes belong to the content: """"" ends with "" inside */
                size_t extra = 0;
                while (extra < 2 && ps->end - ps->p >= 4 + (ptrdiff_t)extra && ps->p[3 + extra] == quote)
                    extra++;
                for (size_t i = 0; i < extra; i++)
                    buf[n++] = quote;
                ps->p += 3 + extra;
                break;
            }
            buf[n++] = quote;
            ps->p++;
            continue;
        }
        if (at_newline(ps)) {
            if (!multi)
                return syntax(ps, "newline in a single-line string");
            buf[n++] = '\n';
            skip_newline(ps);
            continue;
        }
        if (c == '\\' && !literal) {
            ps->p++;
            if (ps->p >= ps->end)
                return syntax(ps, "unterminated string");
            char e = *ps->p;
            uint32_t cp = 0;
            int digits = 0;
            switch (e) {
            case 'b': buf[n++] = '\b'; break;
            case 't': buf[n++] = '\t'; break;
            case 'n': buf[n++] = '\n'; break;
            case 'f': buf[n++] = '\f'; break;
            case 'r': buf[n++] = '\r'; break;
            case '"': buf[n++] = '"'; break;
            case '\\': buf[n++] = '\\'; break;
            case 'u': digits = 4; break;
            case 'U': digits = 8; break;
            default:
                if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
                    /* line-ending backslash: trim whitespace up to the next non-blank */
                    const char *q = ps->p;
                    while (q < ps->end && (*q == ' ' || *q == '\t'))
                        q++;
                    ps->p = q;
                    if (!at_newline(ps))
                        return syntax(ps, "backslash followed by text in a multi-line string");
                    for (;;) {
                        skip_blank(ps);
                        if (at_newline(ps))
                            skip_newline(ps);
                        else
                            break;
                    }
                    continue;
                }
                return syntax(ps, "invalid escape sequence in a string");
            }
            ps->p++;
            if (digits) {
                if (ps->end - ps->p < digits)
                    return syntax(ps, "truncated unicode escape");
                for (int i = 0; i < digits; i++) {
                    int h = vg_hex_digit((unsigned char)ps->p[i]);
                    if (h < 0)
                        return syntax(ps, "invalid unicode escape");
                    cp = cp << 4 | (uint32_t)h;
                }
                if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                    return syntax(ps, "unicode escape is not a scalar value");
                ps->p += digits;
                n += put_utf8(buf + n, cp);
            }
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return syntax(ps, "control character in a string");
        size_t len = utf8_length((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
        if (!len)
            return syntax(ps, "invalid UTF-8 in a string");
        memcpy(buf + n, ps->p, len);
        n += len;
        ps->p += len;
    }
    char *copy = vg_arena_strndup(ps->arena, buf, n);
    if (!copy)
        return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
    *out = copy;
    *outlen = n;
    return VG_OK;
}

static int is_bare_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Reads a dotted key into parts[0..*nparts). */
static int read_key(toml_parser *ps, toml_key *parts, size_t *nparts)
{
    *nparts = 0;
    for (;;) {
        skip_blank(ps);
        if (ps->p >= ps->end)
            return syntax(ps, "expected a key");
        if (*nparts == TOML_MAX_KEY_PARTS)
            return vg_error(ps->ctx, VG_ERR_LIMIT, "%s:%zu: key has more than %d parts", ps->path, ps->line,
                            TOML_MAX_KEY_PARTS);
        toml_key *k = &parts[(*nparts)++];
        if (*ps->p == '"' || *ps->p == '\'') {
            int rc = read_string(ps, 0, &k->text, &k->len);
            if (rc)
                return rc;
        } else {
            const char *start = ps->p;
            while (ps->p < ps->end && is_bare_key_char(*ps->p))
                ps->p++;
            if (ps->p == start)
                return syntax(ps, "expected a key");
            k->len = (size_t)(ps->p - start);
            k->text = vg_arena_strndup(ps->arena, start, k->len);
            if (!k->text)
                return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
        }
        skip_blank(ps);
        if (ps->p < ps->end && *ps->p == '.') {
            ps->p++;
            continue;
        }
        return VG_OK;
    }
}

static int parse_value(toml_parser *ps, int depth, vg_toml_value **out);

/* Assigns value to the dotted key parts[] below table (a key/value line or
 * an inline table entry). */
static int assign(toml_parser *ps, vg_toml_value *table, const toml_key *parts, size_t nparts, vg_toml_value *value)
{
    for (size_t i = 0; i + 1 < nparts; i++) {
        vg_toml_value *next = table_find(ps, table, &parts[i]);
        if (!next) {
            int rc = insert_new(ps, table, &parts[i], VG_TOML_TABLE, TOML_DOTTED, &next);
            if (rc)
                return rc;
        } else if (next->type != VG_TOML_TABLE || !(next->flags & TOML_DOTTED) || (next->flags & TOML_FROZEN)) {
            return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: key \"%s\" is already defined", ps->path, ps->line,
                            parts[i].text);
        }
        table = next;
    }
    if (table_find(ps, table, &parts[nparts - 1]))
        return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: duplicate key \"%s\"", ps->path, ps->line,
                        parts[nparts - 1].text);
    return table_insert(ps, table, &parts[nparts - 1], value);
}

/* key = value, at the cursor, into table. */
static int parse_keyval(toml_parser *ps, vg_toml_value *table, int depth)
{
    toml_key parts[TOML_MAX_KEY_PARTS];
    size_t nparts;
    int rc = read_key(ps, parts, &nparts);
    if (rc)
        return rc;
    if (ps->p >= ps->end || *ps->p != '=')
        return syntax(ps, "expected '=' after a key");
    ps->p++;
    skip_blank(ps);
    vg_toml_value *value;
    rc = parse_value(ps, depth, &value);
    if (rc)
        return rc;
    return assign(ps, table, parts, nparts, value);
}

static int parse_array(toml_parser *ps, int depth, vg_toml_value *array)
{
    ps->p++; /* '[' */
    for (;;) {
        int rc = skip_space_lines(ps);
        if (rc)
            return rc;
        if (ps->p >= ps->end)
            return syntax(ps, "unterminated array");
        if (*ps->p == ']') {
            ps->p++;
            return VG_OK;
        }
        vg_toml_value *item;
        rc = parse_value(ps, depth + 1, &item);
        if (rc)
            return rc;
        rc = append_item(ps, array, NULL, item);
        if (rc)
            return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
        rc = skip_space_lines(ps);
        if (rc)
            return rc;
        if (ps->p >= ps->end)
            return syntax(ps, "unterminated array");
        if (*ps->p == ',')
            ps->p++;
        else if (*ps->p != ']')
            return syntax(ps, "expected ',' or ']' in an array");
    }
}

static int parse_inline_table(toml_parser *ps, int depth, vg_toml_value *table)
{
    ps->p++; /* '{' */
    skip_blank(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return VG_OK;
    }
    for (;;) {
        int rc = parse_keyval(ps, table, depth + 1);
        if (rc)
            return rc;
        skip_blank(ps);
        if (ps->p >= ps->end)
            return syntax(ps, "unterminated inline table");
        if (*ps->p == '}') {
            ps->p++;
            return VG_OK;
        }
        if (*ps->p != ',')
            return syntax(ps, "expected ',' or '}' in an inline table");
        ps->p++;
    }
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits of base with single underscores between digits: s[0..len). */
static int parse_integer_digits(const char *s, size_t len, int base, int negative, int64_t *out)
{
    if (len == 0 || s[0] == '_' || s[len - 1] == '_')
        return -1;
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') {
            if (s[i + 1] == '_')
                return -1;
            continue;
        }
        int d = vg_hex_digit((unsigned char)s[i]);
        if (d < 0 || d >= base)
            return -1;
        if (v > (limit - (uint64_t)d) / (uint64_t)base)
            return -2;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = negative ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 0;
}

static int looks_like_date(const char *s, size_t len)
{
    if (len >= 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-')
        return 1;
    return len >= 5 && is_digit(s[0]) && is_digit(s[1]) && s[2] == ':';
}

/* Integers, floats, booleans, dates: a bare token at the cursor. */
static int parse_scalar(toml_parser *ps, vg_toml_value *v)
{
    const char *start = ps->p;
    while (ps->p < ps->end && (is_bare_key_char(*ps->p) || *ps->p == '+' || *ps->p == '.' || *ps->p == ':'))
        ps->p++;
    /* a local date followed by one space and a time is one date-time */
    size_t len = (size_t)(ps->p - start);
    if (len == 10 && looks_like_date(start, len) && ps->end - ps->p >= 3 && ps->p[0] == ' ' &&
        is_digit(ps->p[1]) && is_digit(ps->p[2])) {
        ps->p++;
        while (ps->p < ps->end && (is_bare_key_char(*ps->p) || *ps->p == '+' || *ps->p == '.' || *ps->p == ':'))
            ps->p++;
        len = (size_t)(ps->p - start);
    }
    if (len == 0)
        return syntax(ps, "expected a value");
    v->string = vg_arena_strndup(ps->arena, start, len);
    if (!v->string)
        return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
    v->len = len;

    if ((len == 4 && memcmp(start, "true", 4) == 0) || (len == 5 && memcmp(start, "false", 5) == 0)) {
        v->type = VG_TOML_BOOLEAN;
        v->boolean = len == 4;
        v->string = NULL;
        v->len = 0;
        return VG_OK;
    }
    const char *s = start;
    size_t n = len;
    int negative = 0, signed_ = 0;
    if (s[0] == '+' || s[0] == '-') {
        negative = s[0] == '-';
        signed_ = 1;
        s++, n--;
    }
    if ((n == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0))) {
        v->type = VG_TOML_FLOAT;
        return VG_OK;
    }
    if (!signed_ && looks_like_date(s, n)) {
        for (size_t i = 0; i < n; i++)
            if (!is_digit(s[i]) && !strchr("-:.TtZz+ ", s[i]))
                return syntax(ps, "invalid date or time");
        v->type = VG_TOML_DATETIME;
        return VG_OK;
    }
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        if (signed_)
            return syntax(ps, "sign on a non-decimal integer");
        int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        int rc = parse_integer_digits(s + 2, n - 2, base, 0, &v->integer);
        if (rc)
            return syntax(ps, rc == -2 ? "integer out of range" : "invalid integer");
        v->type = VG_TOML_INTEGER;
        v->string = NULL;
        v->len = 0;
        return VG_OK;
    }
    if (n == 0 || !is_digit(s[0]))
        return syntax(ps, "invalid value");
    int is_float = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
            is_float = 1;
    if (is_float) {
        /* light check: digits, '_', '.', exponent with optional sign */
        int seen_e = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (is_digit(c) || c == '_' || (c == '.' && !seen_e))
                continue;
            if ((c == 'e' || c == 'E') && !seen_e) {
                seen_e = 1;
                continue;
            }
            if ((c == '+' || c == '-') && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E'))
                continue;
            return syntax(ps, "invalid float");
        }
        if (n > 1 && s[0] == '0' && is_digit(s[1]))
            return syntax(ps, "leading zero in a float");
        const char *dot = memchr(s, '.', n);
        if (!is_digit(s[n - 1]) || (dot && (dot + 1 >= s + n || !is_digit(dot[1]))))
            return syntax(ps, "invalid float");
        v->type = VG_TOML_FLOAT;
        return VG_OK;
    }
    if (n > 1 && s[0] == '0')
        return syntax(ps, "leading zero in an integer");
    int rc = parse_integer_digits(s, n, 10, negative, &v->integer);
    if (rc)
        return syntax(ps, rc == -2 ? "integer out of range" : "invalid integer");
    v->type = VG_TOML_INTEGER;
    v->string = NULL;
    v->len = 0;
    return VG_OK;
}

static int parse_value(toml_parser *ps, int depth, vg_toml_value **out)
{
    *out = NULL;
    if (depth > VG_TOML_MAX_DEPTH)
        return vg_error(ps->ctx, VG_ERR_LIMIT, "%s:%zu: values nested more than %d deep", ps->path, ps->line,
                        VG_TOML_MAX_DEPTH);
    if (ps->p >= ps->end || at_newline(ps))
        return syntax(ps, "expected a value");
    vg_toml_value *v = new_value(ps, VG_TOML_STRING);
    if (!v)
        return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
    int rc;
    char c = *ps->p;
    if (c == '"' || c == '\'') {
        rc = read_string(ps, 1, &v->string, &v->len);
    } else if (c == '[') {
        v->type = VG_TOML_ARRAY;
        rc = parse_array(ps, depth, v);
        v->flags = TOML_FROZEN;
    } else if (c == '{') {
        v->type = VG_TOML_TABLE;
        v->flags = TOML_DOTTED; /* its own dotted keys may extend it while it is read */
        rc = parse_inline_table(ps, depth, v);
        v->flags = TOML_FROZEN;
    } else {
        rc = parse_scalar(ps, v);
    }
    if (rc)
        return rc;
    *out = v;
    return VG_OK;
}

/* [a.b.c] or [[a.b.c]] at the cursor; *current becomes the table that
 * following key/value lines fill. */
static int parse_header(toml_parser *ps, vg_toml_value *root, vg_toml_value **current)
{
    int array = ps->end - ps->p >= 2 && ps->p[1] == '[';
    ps->p += array ? 2 : 1;
    toml_key parts[TOML_MAX_KEY_PARTS];
    size_t nparts;
    int rc = read_key(ps, parts, &nparts);
    if (rc)
        return rc;
    if (ps->p >= ps->end || *ps->p != ']' || (array && (ps->end - ps->p < 2 || ps->p[1] != ']')))
        return syntax(ps, array ? "expected ']]' after an array-of-tables header" : "expected ']' after a table header");
    ps->p += array ? 2 : 1;

    vg_toml_value *table = root;
    for (size_t i = 0; i + 1 < nparts; i++) {
        vg_toml_value *next = table_find(ps, table, &parts[i]);
        if (!next) {
            rc = insert_new(ps, table, &parts[i], VG_TOML_TABLE, TOML_IMPLICIT, &next);
            if (rc)
                return rc;
        } else if (next->type == VG_TOML_ARRAY && (next->flags & TOML_AOT) && next->count) {
            next = next->items[next->count - 1];
        } else if (next->type != VG_TOML_TABLE || (next->flags & TOML_FROZEN)) {
            return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: key \"%s\" is already defined as a value", ps->path,
                            ps->line, parts[i].text);
        }
        table = next;
    }
    const toml_key *last = &parts[nparts - 1];
    vg_toml_value *existing = table_find(ps, table, last);
    if (array) {
        vg_toml_value *element = new_value(ps, VG_TOML_TABLE);
        if (!element)
            return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
        element->flags = TOML_DEFINED;
        if (!existing) {
            rc = insert_new(ps, table, last, VG_TOML_ARRAY, TOML_AOT, &existing);
            if (rc)
                return rc;
        } else if (existing->type != VG_TOML_ARRAY || !(existing->flags & TOML_AOT)) {
            return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: \"%s\" is already defined and is not an array of tables",
                            ps->path, ps->line, last->text);
        }
        if (append_item(ps, existing, NULL, element))
            return vg_error(ps->ctx, VG_ERR_NOMEM, "out of memory");
        *current = element;
        return VG_OK;
    }
    if (!existing) {
        rc = insert_new(ps, table, last, VG_TOML_TABLE, 0, &existing);
        if (rc)
            return rc;
    } else if (existing->type != VG_TOML_TABLE || !(existing->flags & TOML_IMPLICIT)) {
        return vg_error(ps->ctx, VG_ERR_FORMAT, "%s:%zu: table \"%s\" is defined twice", ps->path, ps->line,
                        last->text);
    }
    existing->flags = TOML_DEFINED;
    existing->line = ps->line;
    *current = existing;
    return VG_OK;
}

static int parse_document(toml_parser *ps, vg_toml_value *root)
{
    vg_toml_value *current = root;
    /* a UTF-8 byte order mark is not part of TOML but harmless */
    if (ps->end - ps->p >= 3 && memcmp(ps->p, "\xef\xbb\xbf", 3) == 0)
        ps->p += 3;
    for (;;) {
        skip_blank(ps);
        if (ps->p >= ps->end)
            return VG_OK;
        int rc = VG_OK;
        if (at_newline(ps)) {
            skip_newline(ps);
            continue;
        }
        if (*ps->p == '#') {
            rc = skip_comment(ps);
        } else if (*ps->p == '[') {
            rc = parse_header(ps, root, &current);
        } else {
            rc = parse_keyval(ps, current, 0);
        }
        if (rc)
            return rc;
        skip_blank(ps);
        if (ps->p < ps->end && *ps->p == '#') {
            rc = skip_comment(ps);
            if (rc)
                return rc;
        }
        if (ps->p >= ps->end)
            return VG_OK;
        if (!at_newline(ps))
            return syntax(ps, "expected the end of the line");
        skip_newline(ps);
    }
}

int vg_toml_parse(vg_ctx *ctx, vg_arena *arena, const char *path, const char *text, size_t len,
                  vg_toml_value **out)
{
    *out = NULL;
    if (len > VG_TOML_MAX_SIZE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: TOML document of %zu bytes is larger than the limit of %zu", path,
                        len, VG_TOML_MAX_SIZE);
    toml_parser ps = {.ctx = ctx, .arena = arena, .path = path, .text = text, .p = text, .end = text + len, .line = 1};
    vg_map_init(&ps.seen);
    ps.scratch = malloc(len + 1);
    vg_toml_value *root = new_value(&ps, VG_TOML_TABLE);
    int rc = root && ps.scratch ? parse_document(&ps, root) : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_map_free(&ps.seen);
    free(ps.scratch);
    if (rc == VG_OK)
        *out = root;
    return rc;
}

const vg_toml_value *vg_toml_get(const vg_toml_value *table, const char *key)
{
    if (!table || table->type != VG_TOML_TABLE || !key)
        return NULL;
    for (size_t i = 0; i < table->count; i++)
        if (strcmp(table->keys[i], key) == 0)
            return table->items[i];
    return NULL;
}

const char *vg_toml_get_string(const vg_toml_value *table, const char *key)
{
    const vg_toml_value *v = vg_toml_get(table, key);
    return v && v->type == VG_TOML_STRING ? v->string : NULL;
}

const vg_toml_value *vg_toml_get_table(const vg_toml_value *table, const char *key)
{
    const vg_toml_value *v = vg_toml_get(table, key);
    return v && v->type == VG_TOML_TABLE ? v : NULL;
}

const vg_toml_value *vg_toml_get_array(const vg_toml_value *table, const char *key)
{
    const vg_toml_value *v = vg_toml_get(table, key);
    return v && v->type == VG_TOML_ARRAY ? v : NULL;
}

const vg_toml_value *vg_toml_at(const vg_toml_value *array, size_t i)
{
    if (!array || array->type != VG_TOML_ARRAY || i >= array->count)
        return NULL;
    return array->items[i];
}
