/*
 * jschema_regex.c — the ECMA-262 regular expressions of JSON Schema's
 * "pattern" keyword, as ajv runs them: new RegExp(source, "u").test(s).
 *
 * Implements, from ECMA-262 (2024) §22.2 with the [UnicodeMode] grammar:
 * alternatives, the assertions ^ and $ (no "m" flag), lookahead (?= ) and
 * (?! ), groups ( ) (?: ) (?<name> ), the quantifiers * + ? {n} {n,}
 * {n,m} greedy or lazy, ".", character classes with ranges and negation,
 * the class escapes \d \D \s \S \w \W, the character escapes \f \n \r \t
 * \v \0 \cX \xHH \uHHHH (surrogate pairs joined) \u{H...} and the identity
 * escapes of the syntax characters and "/" (and "\-" and "\b" in a class).
 * Matching is on code points of the UTF-8 subject, as the "u" flag does.
 * Refused at compile time with a message: back-references (\1, \k<name>),
 * lookbehind, \b \B outside a class, \p{...}; and everything the
 * [UnicodeMode] grammar rejects (a lone "{" or "]", an unknown escape).
 *
 * How: the pattern is parsed into a tree, compiled into a Thompson NFA
 * program (a counted repetition is copied out, within
 * JSCHEMA_REGEX_MAX_PROGRAM instructions) and run by a Pike VM that keeps
 * one thread per instruction.  test() only asks whether a match exists, and
 * without back-references that does not depend on which alternative a
 * backtracking engine would try first, so greedy and lazy compile alike and
 * the run takes time linear in the subject for a given pattern: no
 * catastrophic backtracking.  A lookahead is a nested anchored run.  The
 * thread sets met are cached as the states of a lazy DFA (below), so that
 * an ASCII string is tested with one table look-up per character.  Every
 * thread step and character is charged to the caller's budget.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jschema_internal.h"

#define REGEX_MAX_DEPTH 64     /* nested groups */
#define REGEX_MAX_LOOK_DEPTH 8 /* nested lookaheads: each nested run has its lists on the stack */
#define REGEX_STACK_PROGRAM 1024 /* programs up to this size run without malloc */
#define REGEX_MAX_DFA_STATES 512 /* lazy DFA states kept per pattern */
#define REGEX_MAX_COUNT 100000 /* largest {n,m} number read */
#define CP_MAX 0x10FFFF

typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

typedef struct cp_set {
    cp_range *ranges; /* sorted, disjoint */
    size_t n;
    int negate;
} cp_set;

enum rnode_kind { RN_EMPTY, RN_CHAR, RN_ANY, RN_SET, RN_CAT, RN_ALT, RN_REP, RN_BOL, RN_EOL, RN_LOOK };

typedef struct rnode {
    enum rnode_kind kind;
    uint32_t c;            /* RN_CHAR */
    size_t set;            /* RN_SET: index in sets */
    struct rnode **kids;   /* RN_CAT, RN_ALT */
    size_t nkids;
    struct rnode *kid;     /* RN_REP, RN_LOOK */
    long min, max;         /* RN_REP; max -1 = no bound */
    int negative;          /* RN_LOOK */
} rnode;

enum op { OP_CHAR, OP_ANY, OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_LOOK, OP_MATCH };

typedef struct inst {
    uint8_t op;
    uint8_t negative; /* OP_LOOK */
    uint32_t x;       /* OP_CHAR code point, OP_SET index, OP_SPLIT/OP_JMP target, OP_LOOK body */
    uint32_t y;       /* OP_SPLIT second target, OP_LOOK continuation */
} inst;

/* A state of the lazy DFA: the NFA threads (sorted pcs, consuming
 * instructions and pending "$"), whether MATCH was reached, and the next
 * state for each ASCII character (-1: not built yet). */
typedef struct dfa_state {
    uint32_t *pcs;
    uint32_t npcs;
    uint8_t match;     /* MATCH reached: test() is true */
    uint8_t match_end; /* MATCH reached if the subject ends here */
    int16_t next[128];
} dfa_state;

struct jschema_regex {
    inst *prog;
    size_t n;
    cp_set *sets;
    size_t nsets;
    int has_look;      /* lookaheads depend on the subject: no DFA */
    vg_arena *arena;   /* where DFA states are made */
    dfa_state *states; /* states[0] is the state at the subject's start */
    size_t nstates;
    int dfa_full;      /* REGEX_MAX_DFA_STATES reached: the NFA runs */
};

typedef struct parser {
    vg_arena *arena;
    const char *src;
    size_t pos, len;
    char *err;
    size_t errlen;
    int failed;
    int look_depth; /* lookaheads open at the parse position */
    cp_set *sets; /* growable, malloc'd; copied into the arena at the end */
    size_t nsets, capsets;
    inst *prog;
    size_t n, cap;
} parser;

static void *fail(parser *p, const char *msg)
{
    if (!p->failed) {
        snprintf(p->err, p->errlen, "%s (at offset %zu of the pattern)", msg, p->pos);
        p->failed = 1;
    }
    return NULL;
}

/* Decodes one UTF-8 code point at s[*i] (len bytes); a byte that does not
 * start a well-formed sequence stands for itself. */
static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char b = s[*i];
    uint32_t cp;
    size_t n;
    if (b < 0x80) {
        (*i)++;
        return b;
    }
    if (b >= 0xC2 && b <= 0xDF) { n = 1; cp = b & 0x1F; }
    else if (b >= 0xE0 && b <= 0xEF) { n = 2; cp = b & 0x0F; }
    else if (b >= 0xF0 && b <= 0xF4) { n = 3; cp = b & 0x07; }
    else { (*i)++; return b; }
    if (n >= len - *i) { /* truncated sequence */
        (*i)++;
        return b;
    }
    for (size_t k = 1; k <= n; k++) {
        unsigned char c = s[*i + k];
        if ((c & 0xC0) != 0x80) { (*i)++; return b; }
        cp = (cp << 6) | (c & 0x3F);
    }
    *i += n + 1;
    return cp;
}

/* ---- character sets ---- */

static int set_add(cp_range **r, size_t *n, size_t *cap, uint32_t lo, uint32_t hi)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        cp_range *nr = realloc(*r, nc * sizeof **r);
        if (!nr)
            return -1;
        *r = nr;
        *cap = nc;
    }
    (*r)[(*n)++] = (cp_range){lo, hi};
    return 0;
}

static int range_cmp(const void *a, const void *b)
{
    const cp_range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts and merges ranges in place; returns the new count. */
static size_t set_normalize(cp_range *r, size_t n)
{
    if (n == 0)
        return 0;
    qsort(r, n, sizeof *r, range_cmp);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        if (r[i].lo <= r[w].hi + 1) {
            if (r[i].hi > r[w].hi)
                r[w].hi = r[i].hi;
        } else {
            r[++w] = r[i];
        }
    }
    return w + 1;
}

static const cp_range SPACE_RANGES[] = {
    {0x09, 0x0D}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF},
};
static const cp_range DIGIT_RANGES[] = {{'0', '9'}};
static const cp_range WORD_RANGES[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};

/* Adds the class escape letter e (d D s S w W) to the ranges. */
static int set_add_class(cp_range **r, size_t *n, size_t *cap, char e)
{
    const cp_range *src;
    size_t cnt;
    switch (e | 0x20) {
    case 'd': src = DIGIT_RANGES; cnt = 1; break;
    case 's': src = SPACE_RANGES; cnt = sizeof SPACE_RANGES / sizeof *SPACE_RANGES; break;
    default: src = WORD_RANGES; cnt = 4; break;
    }
    if (e >= 'a') {
        for (size_t i = 0; i < cnt; i++)
            if (set_add(r, n, cap, src[i].lo, src[i].hi) < 0)
                return -1;
        return 0;
    }
    uint32_t next = 0; /* complement */
    for (size_t i = 0; i < cnt; i++) {
        if (src[i].lo > next && set_add(r, n, cap, next, src[i].lo - 1) < 0)
            return -1;
        next = src[i].hi + 1;
    }
    return next <= CP_MAX ? set_add(r, n, cap, next, CP_MAX) : 0;
}

static rnode *new_node(parser *p, enum rnode_kind kind)
{
    rnode *n = vg_arena_alloc(p->arena, sizeof *n);
    if (!n)
        return fail(p, "out of memory");
    n->kind = kind;
    return n;
}

static rnode *set_node(parser *p, cp_range *r, size_t n, int negate)
{
    if (p->nsets == p->capsets) {
        size_t nc = p->capsets ? p->capsets * 2 : 8;
        cp_set *ns = realloc(p->sets, nc * sizeof *ns);
        if (!ns) {
            free(r);
            return fail(p, "out of memory");
        }
        p->sets = ns;
        p->capsets = nc;
    }
    n = set_normalize(r, n);
    cp_range *copy = vg_arena_calloc(p->arena, n ? n : 1, sizeof *copy);
    if (!copy) {
        free(r);
        return fail(p, "out of memory");
    }
    if (n)
        memcpy(copy, r, n * sizeof *r);
    free(r);
    p->sets[p->nsets] = (cp_set){copy, n, negate};
    rnode *node = new_node(p, RN_SET);
    if (node)
        node->set = p->nsets;
    p->nsets++;
    return node;
}

/* ---- parser ---- */

static int at_end(const parser *p) { return p->pos >= p->len; }
static char peek(const parser *p) { return at_end(p) ? 0 : p->src[p->pos]; }

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads exactly n hex digits; -1 when they are not there. */
static long read_hex(parser *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        int h = hexval(peek(p));
        if (h < 0)
            return -1;
        v = v * 16 + h;
        p->pos++;
    }
    return v;
}

/* After "\u": HHHH (joining a surrogate pair written as two escapes) or
 * {H...}.  Returns the code point or -1 (error set). */
static long read_unicode_escape(parser *p)
{
    if (peek(p) == '{') {
        p->pos++;
        long v = 0;
        int digits = 0;
        while (hexval(peek(p)) >= 0) {
            v = v * 16 + hexval(peek(p));
            if (v > CP_MAX) {
                fail(p, "\\u{...} beyond U+10FFFF");
                return -1;
            }
            p->pos++;
            digits++;
        }
        if (!digits || peek(p) != '}') {
            fail(p, "invalid \\u{...} escape");
            return -1;
        }
        p->pos++;
        return v;
    }
    long v = read_hex(p, 4);
    if (v < 0) {
        fail(p, "invalid \\u escape");
        return -1;
    }
    if (v >= 0xD800 && v <= 0xDBFF && p->pos + 6 <= p->len && p->src[p->pos] == '\\' &&
        p->src[p->pos + 1] == 'u') {
        size_t save = p->pos;
        p->pos += 2;
        long lo = read_hex(p, 4);
        if (lo >= 0xDC00 && lo <= 0xDFFF)
            return 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        p->pos = save;
    }
    return v;
}

static int is_syntax_char(char c)
{
    return c && strchr("^$\\.*+?()[]{}|/", c) != NULL;
}

/* A CharacterEscape after the backslash (already consumed): returns the
 * code point, or -1 with the error set.  in_class allows \b and \-. */
static long read_char_escape(parser *p, int in_class)
{
    char c = peek(p);
    p->pos++;
    switch (c) {
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    case '0':
        if (peek(p) >= '0' && peek(p) <= '9') {
            fail(p, "invalid escape \\0 followed by a digit");
            return -1;
        }
        return 0;
    case 'c': {
        char l = peek(p);
        if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z')) {
            p->pos++;
            return l % 32;
        }
        fail(p, "invalid \\c escape");
        return -1;
    }
    case 'x': {
        long v = read_hex(p, 2);
        if (v < 0)
            fail(p, "invalid \\x escape");
        return v;
    }
    case 'u':
        return read_unicode_escape(p);
    case 'b':
        if (in_class)
            return 0x08;
        break;
    case '-':
        if (in_class)
            return '-';
        break;
    default:
        if (is_syntax_char(c))
            return (unsigned char)c;
    }
    char msg[96];
    if (c == 'b' || c == 'B')
        snprintf(msg, sizeof msg, "the word boundary \\%c is not implemented", c);
    else if (c >= '1' && c <= '9')
        snprintf(msg, sizeof msg, "back-references (\\%c) are not implemented", c);
    else if (c == 'k')
        snprintf(msg, sizeof msg, "named back-references (\\k<...>) are not implemented");
    else if (c == 'p' || c == 'P')
        snprintf(msg, sizeof msg, "Unicode property escapes (\\%c{...}) are not implemented", c);
    else if (c)
        snprintf(msg, sizeof msg, "invalid escape \\%c in a \"u\" pattern", c);
    else
        snprintf(msg, sizeof msg, "a pattern cannot end with \\");
    fail(p, msg);
    return -1;
}

/* A literal code point of the pattern source. */
static uint32_t read_literal(parser *p)
{
    size_t i = p->pos;
    uint32_t cp = utf8_next((const unsigned char *)p->src, p->len, &i);
    p->pos = i;
    return cp;
}

/* One ClassAtom: *cp gets a code point, or *cls gets the letter of a class
 * escape (\d ...).  Returns -1 on error. */
static int class_atom(parser *p, long *cp, char *cls)
{
    *cls = 0;
    if (peek(p) == '\\') {
        p->pos++;
        char e = peek(p);
        if (e && strchr("dDsSwW", e)) {
            p->pos++;
            *cls = e;
            return 0;
        }
        *cp = read_char_escape(p, 1);
        return *cp < 0 ? -1 : 0;
    }
    *cp = read_literal(p);
    return 0;
}

static rnode *parse_class(parser *p)
{
    cp_range *r = NULL;
    size_t n = 0, cap = 0;
    int negate = 0;
    p->pos++; /* [ */
    if (peek(p) == '^') {
        negate = 1;
        p->pos++;
    }
    for (;;) {
        if (at_end(p)) {
            free(r);
            return fail(p, "unterminated character class");
        }
        if (peek(p) == ']') {
            p->pos++;
            break;
        }
        long a, b;
        char ca, cb;
        if (class_atom(p, &a, &ca) < 0) {
            free(r);
            return NULL;
        }
        if (peek(p) == '-' && p->pos + 1 < p->len && p->src[p->pos + 1] != ']') {
            p->pos++;
            if (class_atom(p, &b, &cb) < 0) {
                free(r);
                return NULL;
            }
            if (ca || cb) {
                free(r);
                return fail(p, "a class escape cannot bound a range in a \"u\" pattern");
            }
            if (a > b) {
                free(r);
                return fail(p, "range out of order in character class");
            }
            if (set_add(&r, &n, &cap, (uint32_t)a, (uint32_t)b) < 0)
                goto nomem;
        } else if (ca) {
            if (set_add_class(&r, &n, &cap, ca) < 0)
                goto nomem;
        } else if (set_add(&r, &n, &cap, (uint32_t)a, (uint32_t)a) < 0) {
            goto nomem;
        }
    }
    return set_node(p, r, n, negate);
nomem:
    free(r);
    return fail(p, "out of memory");
}

static rnode *parse_disjunction(parser *p, int depth);

/* Reads a decimal number of a {n,m} quantifier; -1 when there is none. */
static long read_count(parser *p)
{
    long v = -1;
    while (peek(p) >= '0' && peek(p) <= '9') {
        v = (v < 0 ? 0 : v) * 10 + (peek(p) - '0');
        if (v > REGEX_MAX_COUNT)
            v = REGEX_MAX_COUNT + 1;
        p->pos++;
    }
    return v;
}

/* Parses a quantifier at the current position, if any, around atom. */
static rnode *parse_quantifier(parser *p, rnode *atom)
{
    long min, max;
    char c = peek(p);
    if (c == '*') { min = 0; max = -1; p->pos++; }
    else if (c == '+') { min = 1; max = -1; p->pos++; }
    else if (c == '?') { min = 0; max = 1; p->pos++; }
    else if (c == '{') {
        p->pos++;
        min = read_count(p);
        if (min < 0)
            return fail(p, "lone \"{\" in a \"u\" pattern");
        max = min;
        if (peek(p) == ',') {
            p->pos++;
            max = read_count(p);
        }
        if (peek(p) != '}')
            return fail(p, "unterminated {n,m} quantifier");
        p->pos++;
        if (min > REGEX_MAX_COUNT || max > REGEX_MAX_COUNT)
            return fail(p, "a {n,m} quantifier above 100000 is not implemented");
        if (max >= 0 && max < min)
            return fail(p, "numbers out of order in {n,m} quantifier");
    } else {
        return atom;
    }
    if (peek(p) == '?')
        p->pos++; /* lazy: the same verdict for test() */
    if (atom->kind == RN_BOL || atom->kind == RN_EOL || atom->kind == RN_LOOK)
        return fail(p, "nothing to repeat");
    rnode *rep = new_node(p, RN_REP);
    if (!rep)
        return NULL;
    rep->kid = atom;
    rep->min = min;
    rep->max = max;
    return rep;
}

static rnode *parse_group(parser *p, int depth)
{
    rnode *look = NULL;
    p->pos++; /* ( */
    if (peek(p) == '?') {
        p->pos++;
        char c = peek(p);
        if (c == ':') {
            p->pos++;
        } else if (c == '=' || c == '!') {
            p->pos++;
            if (p->look_depth >= REGEX_MAX_LOOK_DEPTH)
                return fail(p, "lookaheads nested more than 8 deep are not implemented");
            look = new_node(p, RN_LOOK);
            if (!look)
                return NULL;
            look->negative = c == '!';
            p->look_depth++;
        } else if (c == '<' && p->pos + 1 < p->len && (p->src[p->pos + 1] == '=' || p->src[p->pos + 1] == '!')) {
            return fail(p, "lookbehind is not implemented");
        } else if (c == '<') {
            p->pos++;
            size_t start = p->pos;
            while (peek(p) == '_' || peek(p) == '$' || (peek(p) >= 'a' && peek(p) <= 'z') ||
                   (peek(p) >= 'A' && peek(p) <= 'Z') || (p->pos > start && peek(p) >= '0' && peek(p) <= '9'))
                p->pos++;
            if (p->pos == start || peek(p) != '>')
                return fail(p, "invalid group name");
            p->pos++;
        } else {
            return fail(p, "invalid group");
        }
    }
    rnode *body = parse_disjunction(p, depth + 1);
    if (!body)
        return NULL;
    if (peek(p) != ')')
        return fail(p, "unterminated group");
    p->pos++;
    if (look) {
        p->look_depth--;
        look->kid = body;
        return look;
    }
    return body;
}

static rnode *parse_term(parser *p, int depth)
{
    char c = peek(p);
    rnode *atom;
    switch (c) {
    case '^':
        p->pos++;
        atom = new_node(p, RN_BOL);
        break;
    case '$':
        p->pos++;
        atom = new_node(p, RN_EOL);
        break;
    case '(':
        atom = parse_group(p, depth);
        break;
    case '.':
        p->pos++;
        atom = new_node(p, RN_ANY);
        break;
    case '[':
        atom = parse_class(p);
        break;
    case '\\': {
        p->pos++;
        char e = peek(p);
        if (e && strchr("dDsSwW", e)) {
            p->pos++;
            cp_range *r = NULL;
            size_t n = 0, cap = 0;
            if (set_add_class(&r, &n, &cap, e) < 0) {
                free(r);
                return fail(p, "out of memory");
            }
            atom = set_node(p, r, n, 0);
            break;
        }
        long cp = read_char_escape(p, 0);
        if (cp < 0)
            return NULL;
        atom = new_node(p, RN_CHAR);
        if (atom)
            atom->c = (uint32_t)cp;
        break;
    }
    case '*': case '+': case '?':
        return fail(p, "nothing to repeat");
    case '{':
        return fail(p, "lone \"{\" in a \"u\" pattern");
    case '}':
        return fail(p, "lone \"}\" in a \"u\" pattern");
    case ']':
        return fail(p, "lone \"]\" in a \"u\" pattern");
    default:
        atom = new_node(p, RN_CHAR);
        if (atom)
            atom->c = read_literal(p);
    }
    if (!atom)
        return NULL;
    return parse_quantifier(p, atom);
}

/* Collects parsed items into a kids array of the arena. */
typedef struct node_list {
    rnode **v;
    size_t n, cap;
} node_list;

static int list_push(node_list *l, rnode *x)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        rnode **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = x;
    return 0;
}

static rnode *list_node(parser *p, node_list *l, enum rnode_kind kind)
{
    rnode *n = new_node(p, kind);
    if (n) {
        n->kids = vg_arena_calloc(p->arena, l->n ? l->n : 1, sizeof *n->kids);
        if (!n->kids)
            n = fail(p, "out of memory");
        else if (l->n)
            memcpy(n->kids, l->v, l->n * sizeof *l->v);
        if (n)
            n->nkids = l->n;
    }
    free(l->v);
    return n;
}

static rnode *parse_alternative(parser *p, int depth)
{
    node_list l = {0};
    while (!at_end(p) && peek(p) != '|' && peek(p) != ')') {
        rnode *t = parse_term(p, depth);
        if (!t || list_push(&l, t) < 0) {
            free(l.v);
            return t ? fail(p, "out of memory") : NULL;
        }
    }
    return list_node(p, &l, RN_CAT);
}

static rnode *parse_disjunction(parser *p, int depth)
{
    if (depth > REGEX_MAX_DEPTH)
        return fail(p, "groups nested more than 64 deep");
    node_list l = {0};
    for (;;) {
        rnode *a = parse_alternative(p, depth);
        if (!a || list_push(&l, a) < 0) {
            free(l.v);
            return a ? fail(p, "out of memory") : NULL;
        }
        if (peek(p) != '|')
            break;
        p->pos++;
    }
    if (l.n == 1) {
        rnode *only = l.v[0];
        free(l.v);
        return only;
    }
    return list_node(p, &l, RN_ALT);
}

/* ---- compiler ---- */

static long emit(parser *p, uint8_t op, uint32_t x, uint32_t y)
{
    if (p->n >= JSCHEMA_REGEX_MAX_PROGRAM) {
        fail(p, "the pattern compiles to more than 20000 instructions");
        return -1;
    }
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        inst *np = realloc(p->prog, nc * sizeof *np);
        if (!np) {
            fail(p, "out of memory");
            return -1;
        }
        p->prog = np;
        p->cap = nc;
    }
    p->prog[p->n] = (inst){op, 0, x, y};
    return (long)p->n++;
}

static int compile_node(parser *p, const rnode *n)
{
    switch (n->kind) {
    case RN_EMPTY:
        return 0;
    case RN_CHAR:
        return emit(p, OP_CHAR, n->c, 0) < 0 ? -1 : 0;
    case RN_ANY:
        return emit(p, OP_ANY, 0, 0) < 0 ? -1 : 0;
    case RN_SET:
        return emit(p, OP_SET, (uint32_t)n->set, 0) < 0 ? -1 : 0;
    case RN_BOL:
        return emit(p, OP_BOL, 0, 0) < 0 ? -1 : 0;
    case RN_EOL:
        return emit(p, OP_EOL, 0, 0) < 0 ? -1 : 0;
    case RN_CAT:
        for (size_t i = 0; i < n->nkids; i++)
            if (compile_node(p, n->kids[i]) < 0)
                return -1;
        return 0;
    case RN_ALT: {
        /* SPLIT a, next; a: kid; JMP end; next: SPLIT ...; last kid; end: */
        long *jumps = calloc(n->nkids, sizeof *jumps);
        if (!jumps) {
            fail(p, "out of memory");
            return -1;
        }
        int rc = 0;
        for (size_t i = 0; i < n->nkids && rc == 0; i++) {
            long split = -1;
            if (i + 1 < n->nkids && (split = emit(p, OP_SPLIT, 0, 0)) < 0) { rc = -1; break; }
            if (split >= 0)
                p->prog[split].x = (uint32_t)p->n;
            if (compile_node(p, n->kids[i]) < 0) { rc = -1; break; }
            if (i + 1 < n->nkids) {
                if ((jumps[i] = emit(p, OP_JMP, 0, 0)) < 0) { rc = -1; break; }
                p->prog[split].y = (uint32_t)p->n;
            }
        }
        for (size_t i = 0; rc == 0 && i + 1 < n->nkids; i++)
            p->prog[jumps[i]].x = (uint32_t)p->n;
        free(jumps);
        return rc;
    }
    case RN_REP: {
        for (long i = 0; i < n->min; i++)
            if (compile_node(p, n->kid) < 0)
                return -1;
        if (n->max < 0) {
            long split = emit(p, OP_SPLIT, 0, 0);
            if (split < 0)
                return -1;
            p->prog[split].x = (uint32_t)p->n;
            if (compile_node(p, n->kid) < 0 || emit(p, OP_JMP, (uint32_t)split, 0) < 0)
                return -1;
            p->prog[split].y = (uint32_t)p->n;
            return 0;
        }
        /* Optional copies: each SPLIT either enters its copy or leaves
         * the repetition; the leaving edges are patched at the end. */
        long opt = n->max - n->min;
        long *splits = calloc(opt ? (size_t)opt : 1, sizeof *splits);
        if (!splits) {
            fail(p, "out of memory");
            return -1;
        }
        for (long i = 0; i < opt; i++) {
            if ((splits[i] = emit(p, OP_SPLIT, 0, 0)) < 0 || (p->prog[splits[i]].x = (uint32_t)p->n, 0) ||
                compile_node(p, n->kid) < 0) {
                free(splits);
                return -1;
            }
        }
        for (long i = 0; i < opt; i++)
            p->prog[splits[i]].y = (uint32_t)p->n;
        free(splits);
        return 0;
    }
    case RN_LOOK: {
        long look = emit(p, OP_LOOK, 0, 0);
        if (look < 0)
            return -1;
        p->prog[look].negative = (uint8_t)n->negative;
        p->prog[look].x = (uint32_t)p->n;
        if (compile_node(p, n->kid) < 0 || emit(p, OP_MATCH, 0, 0) < 0)
            return -1;
        p->prog[look].y = (uint32_t)p->n;
        return 0;
    }
    }
    return -1;
}

int jschema_regex_compile(vg_arena *arena, const char *src, jschema_regex **out, char *err, size_t errlen)
{
    parser p = {.arena = arena, .src = src, .len = strlen(src), .err = err, .errlen = errlen};
    *out = NULL;
    if (p.len > JSCHEMA_REGEX_MAX_SOURCE) {
        snprintf(err, errlen, "a pattern longer than %d bytes", JSCHEMA_REGEX_MAX_SOURCE);
        return -1;
    }
    rnode *root = parse_disjunction(&p, 0);
    if (root && !at_end(&p))
        fail(&p, "unmatched \")\"");
    if (root && !p.failed && compile_node(&p, root) == 0)
        emit(&p, OP_MATCH, 0, 0);
    jschema_regex *re = NULL;
    if (!p.failed) {
        re = vg_arena_alloc(arena, sizeof *re);
        inst *prog = vg_arena_calloc(arena, p.n, sizeof *prog);
        cp_set *sets = vg_arena_calloc(arena, p.nsets ? p.nsets : 1, sizeof *sets);
        if (!re || !prog || !sets) {
            fail(&p, "out of memory");
        } else {
            memcpy(prog, p.prog, p.n * sizeof *prog);
            if (p.nsets)
                memcpy(sets, p.sets, p.nsets * sizeof *sets);
            *re = (jschema_regex){prog, p.n, sets, p.nsets, 0, arena, NULL, 0, 0};
            for (size_t i = 0; i < p.n; i++)
                re->has_look |= prog[i].op == OP_LOOK;
        }
    }
    free(p.prog);
    free(p.sets);
    if (p.failed)
        return -1;
    *out = re;
    return 0;
}

/* ---- Pike VM ---- */

typedef struct vm {
    const jschema_regex *re;
    const unsigned char *s;
    size_t len;
    size_t *budget;
    int defer_eol; /* building a DFA state: keep "$" as a pending thread */
} vm;

static int set_has(const cp_set *set, uint32_t cp)
{
    size_t lo = 0, hi = set->n;
    int in = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < set->ranges[mid].lo)
            hi = mid;
        else if (cp > set->ranges[mid].hi)
            lo = mid + 1;
        else {
            in = 1;
            break;
        }
    }
    return in != set->negate;
}

static int is_line_terminator(uint32_t cp)
{
    return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
}

static int run(vm *m, uint32_t start, size_t pos, int anchored);

/* Follows the non-consuming instructions from pc at subject position pos
 * and adds the consuming ones reached to list.  Returns 1 when MATCH is
 * reached, 0 otherwise, -1 when the budget ran out. */
static int add_thread(vm *m, uint32_t *list, size_t *nlist, uint32_t *mark, uint32_t gen,
                      uint32_t *stack, uint32_t pc, size_t pos)
{
    size_t sp = 0;
    stack[sp++] = pc;
    while (sp) {
        pc = stack[--sp];
        if (mark[pc] == gen)
            continue;
        mark[pc] = gen;
        if (*m->budget == 0)
            return -1;
        (*m->budget)--;
        const inst *in = &m->re->prog[pc];
        switch (in->op) {
        case OP_JMP:
            stack[sp++] = in->x;
            break;
        case OP_SPLIT:
            stack[sp++] = in->y;
            stack[sp++] = in->x;
            break;
        case OP_BOL:
            if (pos == 0)
                stack[sp++] = pc + 1;
            break;
        case OP_EOL:
            if (m->defer_eol)
                list[(*nlist)++] = pc;
            else if (pos == m->len)
                stack[sp++] = pc + 1;
            break;
        case OP_LOOK: {
            int r = run(m, in->x, pos, 1);
            if (r < 0)
                return -1;
            if (r != in->negative)
                stack[sp++] = in->y;
            break;
        }
        case OP_MATCH:
            return 1;
        default:
            list[(*nlist)++] = pc;
        }
    }
    return 0;
}

/* Runs the program from start at pos: anchored (a lookahead body) or
 * trying every later start as well (test()). */
static int run(vm *m, uint32_t start, size_t pos, int anchored)
{
    size_t n = m->re->n;
    /* The lists of most patterns fit on the stack: no allocation per test
     * (validating an SBOM tests tens of thousands of strings). */
    uint32_t local[4 * REGEX_STACK_PROGRAM + 1];
    uint32_t *mem = n <= REGEX_STACK_PROGRAM ? local : malloc((4 * n + 1) * sizeof *mem);
    if (!mem)
        return -1;
    uint32_t *clist = mem, *nlist = mem + n, *mark = mem + 2 * n, *stack = mem + 3 * n;
    /* add_thread's stack: each pop that pushes marks an instruction and
     * grows the stack by one at most, so it never holds more than n + 1. */
    memset(mark, 0xff, n * sizeof *mark);
    size_t nc = 0, nn;
    uint32_t gen = 0;
    int rc = 0;
    for (;;) {
        if (!anchored || gen == 0) {
            rc = add_thread(m, clist, &nc, mark, gen, stack, start, pos);
            if (rc)
                break;
        }
        if (pos >= m->len || (nc == 0 && anchored))
            break;
        size_t next = pos;
        uint32_t cp = utf8_next(m->s, m->len, &next);
        gen++;
        nn = 0;
        for (size_t i = 0; i < nc && rc == 0; i++) {
            const inst *in = &m->re->prog[clist[i]];
            int ok;
            if (*m->budget == 0) {
                rc = -1;
                break;
            }
            (*m->budget)--;
            switch (in->op) {
            case OP_CHAR: ok = cp == in->x; break;
            case OP_ANY: ok = !is_line_terminator(cp); break;
            default: ok = set_has(&m->re->sets[in->x], cp); break;
            }
            if (ok)
                rc = add_thread(m, nlist, &nn, mark, gen, stack, clist[i] + 1, next);
        }
        if (rc)
            break;
        uint32_t *t = clist;
        clist = nlist;
        nlist = t;
        nc = nn;
        pos = next;
    }
    if (mem != local)
        free(mem);
    return rc;
}

/* ---- lazy DFA ----
 * For patterns without lookahead, on ASCII subjects: the set of NFA threads
 * after each character depends only on the previous set and the
 * character (away from the subject's ends), so sets met once are kept as
 * states with a transition table, and a string is then tested with one
 * table look-up per character.  "^" holds only in states[0]; "$" is kept
 * as a pending thread and resolved when the subject ends (match_end).  A
 * run that meets a non-ASCII byte, or a pattern past REGEX_MAX_DFA_STATES
 * states, goes to the Pike VM. */

static int pcs_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The thread list being built for a DFA state, with add_thread()'s work
 * space, for a program of at most REGEX_STACK_PROGRAM instructions.  The
 * subject is a stand-in of len spaces: only the position of a thread
 * (start, middle, end) matters to "^" and "$". */
typedef struct dfa_work {
    uint32_t mem[4 * REGEX_STACK_PROGRAM + 1];
    uint32_t *list, *mark, *stack;
    size_t n;
    vm m;
} dfa_work;

static void work_init(dfa_work *w, jschema_regex *re, size_t len, size_t *budget, int defer_eol)
{
    w->list = w->mem;
    w->mark = w->mem + re->n;
    w->stack = w->mem + 2 * re->n;
    memset(w->mark, 0xff, re->n * sizeof *w->mark);
    w->n = 0;
    w->m = (vm){re, (const unsigned char *)"   ", len, budget, defer_eol};
}

static int work_add(dfa_work *w, uint32_t pc, size_t pos)
{
    return add_thread(&w->m, w->list, &w->n, w->mark, 0, w->stack, pc, pos);
}

/* The state of the thread list (sorted here); -1 when out of states or
 * memory, -2 when the budget ran out. */
static int dfa_state_for(jschema_regex *re, uint32_t *list, size_t n, int match, size_t *budget)
{
    qsort(list, n, sizeof *list, pcs_cmp);
    for (size_t i = 0; i < re->nstates; i++) {
        dfa_state *d = &re->states[i];
        if (d->match == match && d->npcs == n && memcmp(d->pcs, list, n * sizeof *list) == 0)
            return (int)i;
    }
    if (re->nstates == 0) {
        re->states = vg_arena_calloc(re->arena, REGEX_MAX_DFA_STATES, sizeof *re->states);
        if (!re->states)
            return -1;
    }
    if (re->nstates >= REGEX_MAX_DFA_STATES)
        return -1;
    dfa_state *d = &re->states[re->nstates];
    d->pcs = vg_arena_calloc(re->arena, n ? n : 1, sizeof *d->pcs);
    if (!d->pcs)
        return -1;
    memcpy(d->pcs, list, n * sizeof *list);
    d->npcs = (uint32_t)n;
    d->match = (uint8_t)match;
    memset(d->next, 0xff, sizeof d->next);
    /* At the end of the subject: a pending "$" holds, and an unanchored
     * search also starts there. */
    dfa_work w;
    work_init(&w, re, 1, budget, 0);
    int end = 0;
    for (size_t i = 0; i < n && !end; i++)
        if (re->prog[list[i]].op == OP_EOL)
            end = work_add(&w, list[i] + 1, 1);
    if (!end)
        end = work_add(&w, 0, 1);
    if (end < 0)
        return -2;
    d->match_end = (uint8_t)(match || end);
    return (int)re->nstates++;
}

/* The state after state si and the ASCII character c. */
static int dfa_step(jschema_regex *re, int si, unsigned char c, size_t *budget)
{
    dfa_work w;
    work_init(&w, re, 3, budget, 1); /* position 1 of 3: "^" fails, "$" waits */
    int match = 0;
    const dfa_state *d = &re->states[si];
    for (size_t i = 0; i < d->npcs && !match; i++) {
        const inst *in = &re->prog[d->pcs[i]];
        int ok;
        switch (in->op) {
        case OP_CHAR: ok = c == in->x; break;
        case OP_ANY: ok = !is_line_terminator(c); break;
        case OP_SET: ok = set_has(&re->sets[in->x], c); break;
        default: ok = 0; /* a pending "$" */
        }
        if (ok)
            match = work_add(&w, d->pcs[i] + 1, 1);
    }
    if (!match)
        match = work_add(&w, 0, 1);
    if (match < 0)
        return -2;
    return dfa_state_for(re, w.list, w.n, match, budget);
}

/* The DFA's verdict: 1, 0, -1 (budget), or -3 when the NFA must decide. */
static int dfa_test(jschema_regex *re, const unsigned char *s, size_t len, size_t *budget)
{
    if (re->has_look || re->dfa_full || re->n > REGEX_STACK_PROGRAM || len == 0)
        return -3;
    for (size_t i = 0; i < len; i++)
        if (s[i] >= 0x80)
            return -3;
    if (re->nstates == 0) {
        /* The start: "^" holds, "$" is deferred. */
        dfa_work w;
        work_init(&w, re, 1, budget, 1);
        int match = work_add(&w, 0, 0);
        int si = match < 0 ? -2 : dfa_state_for(re, w.list, w.n, match, budget);
        if (si < 0) {
            re->dfa_full = si == -1;
            return si == -2 ? -1 : -3;
        }
    }
    int si = 0;
    for (size_t i = 0; i < len; i++) {
        if (re->states[si].match)
            return 1;
        if (*budget == 0)
            return -1;
        (*budget)--;
        int next = re->states[si].next[s[i]];
        if (next < 0) {
            next = dfa_step(re, si, s[i], budget);
            if (next == -2)
                return -1;
            if (next < 0) {
                re->dfa_full = 1;
                return -3;
            }
            re->states[si].next[s[i]] = (int16_t)next;
        }
        si = next;
    }
    return re->states[si].match_end;
}

int jschema_regex_test(jschema_regex *re, const char *s, size_t len, size_t *budget)
{
    int r = dfa_test(re, (const unsigned char *)s, len, budget);
    if (r != -3)
        return r;
    vm m = {re, (const unsigned char *)s, len, budget, 0};
    return run(&m, 0, 0, 0);
}
