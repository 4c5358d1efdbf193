/*
 * license.c — SPDX licence ids and licence expressions (SPDX 2.3 Annex A
 * and Annex D) and the exact mappings of DEP-5 and Fedora licence names;
 * see include/vigil/license.h for the contract and docs/formats.md for the
 * mapping rules.
 *
 * The parser tokenises the whole input first (bounded by the limits in
 * license.h), then runs a recursive descent over the tokens:
 *
 *   or-expr   = and-expr *("OR" and-expr)
 *   and-expr  = with-expr *("AND" with-expr)
 *   with-expr = "(" or-expr ")" / simple-expression ["WITH" exception-id]
 *
 * and prints the canonical form while it goes, adding the parentheses an
 * OR needs inside an AND and dropping all others.  Not implemented: the
 * SPDX 3 AdditionRef- and the DEP-5 comma precedence rule ("A or B, and C"
 * is left unmapped).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/error.h"
#include "vigil/license.h"

/* Generated tables, src/model/license_ids.c (tools/gen-spdx-ids.sh). */
extern const char *const vg_spdx_license_ids[];
extern const size_t vg_spdx_license_ids_count;
extern const char *const vg_spdx_exception_ids[];
extern const size_t vg_spdx_exception_ids_count;

/* ---- identifier tables ---------------------------------------------- */

/* Case-insensitive ASCII comparison of key (len bytes) with the
 * NUL-terminated s: the order the tables are sorted in (LC_ALL=C sort of
 * the lower-cased ids). */
static int compare_folded(const char *key, size_t len, const char *s)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)tolower((unsigned char)key[i]);
        unsigned char b = (unsigned char)tolower((unsigned char)s[i]);
        if (b == 0 || a != b)
            return b == 0 ? 1 : (int)a - (int)b;
    }
    return s[len] == 0 ? 0 : -1;
}

static const char *search_table(const char *const *table, size_t n, const char *key, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_folded(key, len, table[mid]);
        if (c == 0)
            return table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *vg_spdx_license_id(const char *id, size_t len)
{
    if (!id || len == 0)
        return NULL;
    return search_table(vg_spdx_license_ids, vg_spdx_license_ids_count, id, len);
}

const char *vg_spdx_exception_id(const char *id, size_t len)
{
    if (!id || len == 0)
        return NULL;
    return search_table(vg_spdx_exception_ids, vg_spdx_exception_ids_count, id, len);
}

/* ---- names that map exactly to one SPDX licence ------------------------ */

/* Lower-cased name, with single spaces, and the SPDX id it denotes.  Sorted
 * by name (C order).  Only names whose meaning is one licence: Fedora's
 * old short names (fedoraproject.org "Licensing:Main", the "Short Name"
 * column) and DEP-5 names that the rules in map_versioned_name() do not
 * cover.  Every value is checked against the SPDX list when used. */
static const struct license_alias {
    const char *name;
    const char *spdx;
} license_aliases[] = {
    {"artistic 2.0", "Artistic-2.0"},
    {"asl 1.0", "Apache-1.0"},
    {"asl 1.1", "Apache-1.1"},
    {"asl 2.0", "Apache-2.0"},
    {"boost", "BSL-1.0"},
    {"bsd-2-clause", "BSD-2-Clause"},
    {"bsd-3-clause", "BSD-3-Clause"},
    {"bsd-4-clause", "BSD-4-Clause"},
    {"cc0", "CC0-1.0"},
    {"expat", "MIT"},
    {"gpl+", "GPL-1.0-or-later"},
    {"mplv1.0", "MPL-1.0"},
    {"mplv1.1", "MPL-1.1"},
    {"mplv2.0", "MPL-2.0"},
    {"zplv2.0", "ZPL-2.0"},
    {"zplv2.1", "ZPL-2.1"},
};

/* Copies term (len bytes) lower-cased with runs of white space turned into
 * one space into out (size outsz); 0 if it does not fit. */
static size_t fold_name(const char *term, size_t len, char *out, size_t outsz)
{
    size_t n = 0;
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)term[i];
        if (isspace(c)) {
            space = n > 0;
            continue;
        }
        if (space) {
            if (n + 1 >= outsz)
                return 0;
            out[n++] = ' ';
            space = 0;
        }
        if (n + 1 >= outsz)
            return 0;
        out[n++] = (char)tolower(c);
    }
    out[n] = 0;
    return n;
}

static const char *lookup_alias(const char *folded)
{
    size_t lo = 0, hi = sizeof license_aliases / sizeof license_aliases[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(folded, license_aliases[mid].name);
        if (c == 0) {
            const char *spdx = license_aliases[mid].spdx;
            return vg_spdx_license_id(spdx, strlen(spdx));
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* A mapped term: the SPDX id, and whether "+" (or later) follows it. */
typedef struct mapped_term {
    const char *id;
    int plus;
} mapped_term;

/* The GNU family with "-only"/"-or-later" ids: "GPL-2+", "LGPL-2.1",
 * "GFDL-NIV-1.3" (DEP-5), "GPLv3+", "LGPLv2.1" (Fedora), and the
 * deprecated SPDX "GPL-2.0+", "LGPL-2.1" (the same licences under their
 * current ids).  folded is lower-cased, one word.  Returns the id or NULL. */
static const char *map_gnu_name(const char *folded)
{
    static const struct {
        const char *prefix; /* lower case */
        const char *spdx;   /* SPDX spelling */
    } gnu[] = {
        {"gfdl-niv", "GFDL"}, /* before "gfdl": longest prefix first */
        {"agpl", "AGPL"},
        {"lgpl", "LGPL"},
        {"gfdl", "GFDL"},
        {"gpl", "GPL"},
    };
    size_t len = strlen(folded);
    int plus = len > 0 && folded[len - 1] == '+';
    if (plus)
        len--;
    for (size_t g = 0; g < sizeof gnu / sizeof gnu[0]; g++) {
        size_t plen = strlen(gnu[g].prefix);
        if (len <= plen + 1 || strncmp(folded, gnu[g].prefix, plen) != 0)
            continue;
        const char *v = folded + plen;
        int fedora = *v == 'v';
        if (*v != '-' && *v != 'v')
            continue;
        v++;
        /* major[.minor], digits only */
        size_t vlen = (size_t)(folded + len - v), dots = 0;
        if (vlen > 8 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[vlen - 1]))
            return NULL;
        for (size_t i = 0; i < vlen; i++) {
            if (v[i] == '.')
                dots++;
            else if (!isdigit((unsigned char)v[i]))
                return NULL;
        }
        if (dots > 1)
            return NULL;
        /* Fedora's "LGPLv2" stood for 2.0 and 2.1 alike: not exact. */
        if (fedora && strcmp(gnu[g].prefix, "lgpl") == 0 && dots == 0 && v[0] == '2')
            return NULL;
        int niv = strcmp(gnu[g].prefix, "gfdl-niv") == 0;
        char buf[64];
        int n = snprintf(buf, sizeof buf, "%s-%.*s%s%s-%s", gnu[g].spdx, (int)vlen, v,
                         dots ? "" : ".0", niv ? "-no-invariants" : "", plus ? "or-later" : "only");
        if (n < 0 || (size_t)n >= sizeof buf)
            return NULL;
        return vg_spdx_license_id(buf, (size_t)n);
    }
    return NULL;
}

/* DEP-5 versions without ".0": "NAME-N" ("Apache-2", "MPL-2+") whose list
 * id is "NAME-N.0".  folded is lower-cased, one word. */
static int map_integer_version(const char *folded, mapped_term *m)
{
    char buf[96];
    size_t len = strlen(folded);
    int plus = len > 0 && folded[len - 1] == '+';
    if (plus)
        len--;
    size_t d = len;
    while (d > 0 && isdigit((unsigned char)folded[d - 1]))
        d--;
    if (d == len || d < 2 || folded[d - 1] != '-' || len - d > 4 || len + 3 > sizeof buf)
        return 0;
    int n = snprintf(buf, sizeof buf, "%.*s.0", (int)len, folded);
    if (n < 0 || (size_t)n >= sizeof buf)
        return 0;
    m->id = vg_spdx_license_id(buf, (size_t)n);
    m->plus = plus;
    return m->id != NULL;
}

/* ---- tokens ------------------------------------------------------------ */

typedef enum token_kind { TOK_LPAREN, TOK_RPAREN, TOK_AND, TOK_OR, TOK_WITH, TOK_TERM } token_kind;

typedef struct token {
    token_kind kind;
    const char *text; /* TOK_TERM: first byte of the term */
    size_t len;       /* TOK_TERM: bytes up to the end of its last word */
} token;

typedef struct parser {
    vg_arena *arena;
    unsigned flags;
    int want_text;     /* print the canonical text (vg_license_parse); else the tree alone */
    token *tokens;     /* room for max_tokens */
    size_t max_tokens; /* VG_LICENSE_MAX_TOKENS, or fewer for a shorter text */
    size_t ntokens;
    size_t pos;
    int depth;
    int status; /* first error seen, VG_OK while none */
} parser;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int word_is(const char *w, size_t len, const char *op, int any_case)
{
    size_t n = strlen(op);
    if (len != n)
        return 0;
    return any_case ? strncasecmp(w, op, n) == 0 : memcmp(w, op, n) == 0;
}

/* Splits expr into tokens.  A word is a run of bytes other than white
 * space and parentheses.  With MAP_NAMES consecutive non-operator words
 * form one term ("ASL 2.0"). */
static int tokenize(parser *p, const char *expr, size_t len)
{
    int any_case = (p->flags & VG_LICENSE_MAP_NAMES) != 0;
    size_t i = 0;
    while (i < len) {
        char c = expr[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        if (p->ntokens >= p->max_tokens)
            return VG_ERR_LIMIT;
        token *t = &p->tokens[p->ntokens];
        if (c == '(' || c == ')') {
            t->kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
            t->text = expr + i;
            t->len = 1;
            p->ntokens++;
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && !is_space(expr[i]) && expr[i] != '(' && expr[i] != ')')
            i++;
        const char *w = expr + start;
        size_t wlen = i - start;
        if (word_is(w, wlen, "AND", any_case))
            t->kind = TOK_AND;
        else if (word_is(w, wlen, "OR", any_case))
            t->kind = TOK_OR;
        else if (word_is(w, wlen, "WITH", any_case))
            t->kind = TOK_WITH;
        else
            t->kind = TOK_TERM;
        if (t->kind == TOK_TERM && any_case && p->ntokens > 0 &&
            p->tokens[p->ntokens - 1].kind == TOK_TERM) {
            token *prev = &p->tokens[p->ntokens - 1]; /* extend the previous term */
            prev->len = (size_t)(w + wlen - prev->text);
            continue;
        }
        t->text = w;
        t->len = wlen;
        p->ntokens++;
    }
    return VG_OK;
}

/* ---- terms --------------------------------------------------------------- */

static int is_idstring(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
            return 0;
    return 1;
}

/* license-ref = ["DocumentRef-" idstring ":"] "LicenseRef-" idstring */
static int is_license_ref(const char *s, size_t len)
{
    static const char doc[] = "DocumentRef-", lic[] = "LicenseRef-";
    if (len > sizeof doc - 1 && memcmp(s, doc, sizeof doc - 1) == 0) {
        const char *colon = memchr(s, ':', len);
        if (!colon || !is_idstring(s + sizeof doc - 1, (size_t)(colon - s) - (sizeof doc - 1)))
            return 0;
        len -= (size_t)(colon + 1 - s);
        s = colon + 1;
    }
    return len > sizeof lic - 1 && memcmp(s, lic, sizeof lic - 1) == 0 &&
           is_idstring(s + sizeof lic - 1, len - (sizeof lic - 1));
}

/* One result of a parse step: canonical text and its precedence level. */
enum { LEVEL_SIMPLE = 0, LEVEL_AND = 1, LEVEL_OR = 2 };
typedef struct expr_result {
    char *text;
    int level;
    int single; /* one listed licence id, nothing else */
    vg_license_node *node; /* the same expression as a tree */
} expr_result;

/* The text of every step when the caller wants the tree alone: printing
 * it costs more than the parse. */
static char no_text[] = "";

static int fail(parser *p, int status)
{
    if (p->status == VG_OK)
        p->status = status;
    return status;
}

/* A new tree node in the arena; NULL (and p->status set) on OOM. */
static vg_license_node *new_node(parser *p, vg_license_op op)
{
    vg_license_node *n = vg_arena_calloc(p->arena, 1, sizeof *n);
    if (!n)
        fail(p, VG_ERR_NOMEM);
    else
        n->op = op;
    return n;
}

/* Resolves a licence term: listed id, id"+", license-ref, or (MAP_NAMES)
 * a mapped name. */
static int resolve_license(parser *p, const token *t, expr_result *r)
{
    const char *s = t->text;
    size_t len = t->len;
    if (!(r->node = new_node(p, VG_LICENSE_TERM)))
        return p->status;
    if ((p->flags & VG_LICENSE_ALLOW_REFS) && is_license_ref(s, len)) {
        r->text = vg_arena_strndup(p->arena, s, len);
        r->single = 0;
        r->node->license = r->text;
        return r->text ? VG_OK : fail(p, VG_ERR_NOMEM);
    }
    mapped_term m = {NULL, 0};
    int plus = len > 1 && s[len - 1] == '+';
    size_t base = plus ? len - 1 : len;
    int map = (p->flags & VG_LICENSE_MAP_NAMES) != 0;
    char folded[128];
    size_t flen = map ? fold_name(s, len, folded, sizeof folded) : 0;
    int one_word = flen > 0 && strchr(folded, ' ') == NULL;
    if (one_word)
        m.id = map_gnu_name(folded); /* current ids before deprecated ones */
    if (!m.id && is_idstring(s, base)) {
        if (plus && (m.id = vg_spdx_license_id(s, len)) != NULL) /* "GPL-2.0+" is listed */
            m.plus = 0;
        else if ((m.id = vg_spdx_license_id(s, base)) != NULL)
            m.plus = plus;
    }
    if (!m.id && flen > 0 && (m.id = lookup_alias(folded)) == NULL && one_word)
        map_integer_version(folded, &m);
    if (!m.id)
        return fail(p, VG_ERR_FORMAT);
    r->text = p->want_text ? vg_arena_printf(p->arena, "%s%s", m.id, m.plus ? "+" : "") : no_text;
    r->single = !m.plus;
    r->node->license = m.id;
    r->node->plus = m.plus;
    return r->text ? VG_OK : fail(p, VG_ERR_NOMEM);
}

/* Resolves a licence exception id; with MAP_NAMES also DEP-5's
 * "NAME exception" for a listed "NAME-exception" or "NAME". */
static const char *resolve_exception(parser *p, const token *t)
{
    const char *id = NULL;
    if (is_idstring(t->text, t->len))
        id = vg_spdx_exception_id(t->text, t->len);
    if (!id && (p->flags & VG_LICENSE_MAP_NAMES)) {
        char folded[128];
        size_t n = fold_name(t->text, t->len, folded, sizeof folded);
        static const char suffix[] = " exception";
        if (n > sizeof suffix - 1 && strcmp(folded + n - (sizeof suffix - 1), suffix) == 0) {
            size_t b = n - (sizeof suffix - 1);
            folded[b] = '-'; /* "texinfo exception" -> "texinfo-exception" */
            id = vg_spdx_exception_id(folded, n);
            if (!id && is_idstring(folded, b))
                id = vg_spdx_exception_id(folded, b);
        }
    }
    return id;
}

/* ---- recursive descent --------------------------------------------------- */

static const token *peek(const parser *p)
{
    return p->pos < p->ntokens ? &p->tokens[p->pos] : NULL;
}

static int parse_or(parser *p, expr_result *r);

static int parse_with(parser *p, expr_result *r)
{
    const token *t = peek(p);
    if (!t)
        return fail(p, VG_ERR_FORMAT);
    if (t->kind == TOK_LPAREN) {
        if (++p->depth > VG_LICENSE_MAX_DEPTH)
            return fail(p, VG_ERR_LIMIT);
        p->pos++;
        if (parse_or(p, r) != VG_OK)
            return p->status;
        t = peek(p);
        if (!t || t->kind != TOK_RPAREN)
            return fail(p, VG_ERR_FORMAT);
        p->pos++;
        p->depth--;
        return VG_OK;
    }
    if (t->kind != TOK_TERM)
        return fail(p, VG_ERR_FORMAT);
    p->pos++;
    if (resolve_license(p, t, r) != VG_OK)
        return p->status;
    r->level = LEVEL_SIMPLE;
    t = peek(p);
    if (t && t->kind == TOK_WITH) {
        p->pos++;
        t = peek(p);
        const char *exception = t && t->kind == TOK_TERM ? resolve_exception(p, t) : NULL;
        if (!exception)
            return fail(p, VG_ERR_FORMAT);
        p->pos++;
        r->text = p->want_text ? vg_arena_printf(p->arena, "%s WITH %s", r->text, exception) : no_text;
        r->single = 0;
        r->node->exception = exception;
        if (!r->text)
            return fail(p, VG_ERR_NOMEM);
    }
    return VG_OK;
}

/* Parses operands joined by op (TOK_AND or TOK_OR) with sub and prints
 * them joined by " AND " / " OR ", with parentheses around OR operands of
 * an AND. */
static int parse_list(parser *p, expr_result *r, token_kind op, int (*sub)(parser *, expr_result *))
{
    if (sub(p, r) != VG_OK)
        return p->status;
    const token *t = peek(p);
    if (!t || t->kind != op)
        return VG_OK;
    const char *word = op == TOK_AND ? "AND" : "OR";
    int level = op == TOK_AND ? LEVEL_AND : LEVEL_OR;
    char *text = !p->want_text                             ? no_text
                 : op == TOK_AND && r->level == LEVEL_OR ? vg_arena_printf(p->arena, "(%s)", r->text)
                                                         : r->text;
    while (text && (t = peek(p)) != NULL && t->kind == op) {
        p->pos++;
        expr_result next = {0};
        vg_license_node *both = new_node(p, op == TOK_AND ? VG_LICENSE_AND : VG_LICENSE_OR);
        if (!both || sub(p, &next) != VG_OK)
            return p->status;
        int wrap = op == TOK_AND && next.level == LEVEL_OR;
        if (p->want_text)
            text = vg_arena_printf(p->arena, wrap ? "%s %s (%s)" : "%s %s %s", text, word, next.text);
        both->left = r->node;
        both->right = next.node;
        r->node = both;
    }
    if (!text)
        return fail(p, VG_ERR_NOMEM);
    r->text = text;
    r->level = level;
    r->single = 0;
    return VG_OK;
}

static int parse_and(parser *p, expr_result *r)
{
    return parse_list(p, r, TOK_AND, parse_with);
}

static int parse_or(parser *p, expr_result *r)
{
    return parse_list(p, r, TOK_OR, parse_and);
}

/* Parses expr into *r (the tree, and the text when want_text): VG_OK or
 * the error status. */
static int license_parse(vg_arena *arena, const char *expr, size_t len, unsigned flags, int want_text,
                         expr_result *r)
{
    if (!expr)
        return VG_ERR_FORMAT;
    if (len > VG_LICENSE_MAX_LEN)
        return VG_ERR_LIMIT;
    if (memchr(expr, 0, len))
        return VG_ERR_FORMAT;
    /* Every token takes at least one byte: a text of len bytes has at most
     * len tokens, and the array need not be larger. */
    parser p = {.arena = arena, .flags = flags, .want_text = want_text};
    p.max_tokens = len < VG_LICENSE_MAX_TOKENS ? len : VG_LICENSE_MAX_TOKENS;
    p.tokens = malloc((p.max_tokens ? p.max_tokens : 1) * sizeof *p.tokens);
    if (!p.tokens)
        return VG_ERR_NOMEM;
    int status = tokenize(&p, expr, len);
    if (status == VG_OK && p.ntokens == 0)
        status = VG_ERR_FORMAT;
    if (status == VG_OK) {
        status = parse_or(&p, r);
        if (status == VG_OK && p.pos != p.ntokens)
            status = VG_ERR_FORMAT; /* trailing tokens: "MIT )" or "MIT Apache-2.0" */
    }
    free(p.tokens);
    return status;
}

int vg_license_parse(vg_arena *arena, const char *expr, size_t len, unsigned flags,
                     char **out, vg_license_shape *shape)
{
    *out = NULL;
    expr_result r = {0};
    int status = license_parse(arena, expr, len, flags, 1, &r);
    if (status != VG_OK)
        return status;
    *out = r.text;
    if (shape)
        *shape = r.single ? VG_LICENSE_SINGLE : VG_LICENSE_COMPOUND;
    return VG_OK;
}

int vg_license_parse_tree(vg_arena *arena, const char *expr, size_t len, unsigned flags,
                          const vg_license_node **out)
{
    *out = NULL;
    expr_result r = {0};
    int status = license_parse(arena, expr, len, flags, 0, &r);
    if (status == VG_OK)
        *out = r.node;
    return status;
}

int vg_license_expression_valid(const char *expr)
{
    if (!expr)
        return 0;
    vg_arena arena;
    vg_arena_init(&arena);
    char *out;
    int ok = vg_license_parse(&arena, expr, strlen(expr), VG_LICENSE_ALLOW_REFS, &out, NULL) == VG_OK;
    vg_arena_free(&arena);
    return ok;
}

char *vg_license_to_spdx(vg_arena *arena, const char *declared, vg_license_shape *shape)
{
    char *out = NULL;
    if (!declared)
        return NULL;
    if (vg_license_parse(arena, declared, strlen(declared), VG_LICENSE_MAP_NAMES, &out, shape) != VG_OK)
        return NULL;
    return out;
}

/* ---- which licence terms an allowed term covers ------------------------ */

/* The licence of term t without what says "or later" or "only": the length
 * of its id without a trailing "+" (deprecated "GPL-2.0+"), "-or-later" or
 * "-only", and in *later whether later versions are offered. */
static size_t license_base(const vg_license_node *t, int *later)
{
    static const char or_later[] = "-or-later", only[] = "-only";
    size_t len = strlen(t->license);
    *later = t->plus;
    if (len > 1 && t->license[len - 1] == '+') {
        *later = 1;
        return len - 1;
    }
    if (len > sizeof or_later - 1 && strcasecmp(t->license + len - (sizeof or_later - 1), or_later) == 0) {
        *later = 1;
        return len - (sizeof or_later - 1);
    }
    if (len > sizeof only - 1 && strcasecmp(t->license + len - (sizeof only - 1), only) == 0)
        return len - (sizeof only - 1);
    return len;
}

/* Where the version of licence id s[0..len) starts: after its last '-',
 * when what follows is a digit, then digits and dots, and at most one
 * letter at the end ("GPL-2.0", "OLDAP-2.0.1", "LPPL-1.3c",
 * "Unicode-DFS-2016"); 0 when the id ends in no version ("BSD-2-Clause",
 * "CC-BY-3.0-AT", "MPL-2.0-no-copyleft-exception"). */
static size_t license_version_at(const char *s, size_t len)
{
    size_t dash = len;
    while (dash > 0 && s[dash - 1] != '-')
        dash--;
    if (dash < 2 || dash == len || !isdigit((unsigned char)s[dash]))
        return 0;
    for (size_t i = dash; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '.' && !(i == len - 1 && isalpha((unsigned char)s[i])))
            return 0;
    return dash;
}

/* Compares two versions of license_version_at(): dotted numbers, part by
 * part, then a final letter ("1.3" < "1.3a" < "1.3c" < "1.10"). */
static int license_version_compare(const char *a, const char *a_end, const char *b, const char *b_end)
{
    while (a < a_end || b < b_end) {
        /* numbers of any length: skip leading zeros, longer is larger */
        while (a < a_end && *a == '0' && a + 1 < a_end && isdigit((unsigned char)a[1]))
            a++;
        while (b < b_end && *b == '0' && b + 1 < b_end && isdigit((unsigned char)b[1]))
            b++;
        const char *na = a, *nb = b;
        while (na < a_end && isdigit((unsigned char)*na))
            na++;
        while (nb < b_end && isdigit((unsigned char)*nb))
            nb++;
        if (na - a != nb - b)
            return na - a < nb - b ? -1 : 1;
        int c = memcmp(a, b, (size_t)(na - a));
        if (c)
            return c < 0 ? -1 : 1;
        a = na;
        b = nb;
        /* a letter, a dot or the end: end < '.' < letters */
        int ca = a < a_end ? tolower((unsigned char)*a) : 0, cb = b < b_end ? tolower((unsigned char)*b) : 0;
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (a < a_end)
            a++;
        if (b < b_end)
            b++;
    }
    return 0;
}

int vg_license_term_allows(const vg_license_node *allowed, const vg_license_node *term)
{
    if (allowed->op != VG_LICENSE_TERM || term->op != VG_LICENSE_TERM)
        return 0;
    if ((allowed->exception == NULL) != (term->exception == NULL) ||
        (allowed->exception && strcasecmp(allowed->exception, term->exception) != 0))
        return 0;
    int allowed_later, term_later;
    size_t alen = license_base(allowed, &allowed_later), tlen = license_base(term, &term_later);
    const char *a = allowed->license, *t = term->license;
    if (alen == tlen && strncasecmp(a, t, alen) == 0)
        return 1;
    /* Other versions of the same licence count only through an "or later". */
    size_t av = license_version_at(a, alen), tv = license_version_at(t, tlen);
    if (!av || !tv || av != tv || strncasecmp(a, t, av) != 0 || (!allowed_later && !term_later))
        return 0;
    if (allowed_later && term_later)
        return 1;
    int c = license_version_compare(a + av, a + alen, t + tv, t + tlen);
    return allowed_later ? c <= 0 : c >= 0;
}
