/*
 * semver.c — Semantic Versioning 2.0.0 (semver.org) precedence, and npm's
 * version and range semantics as the npm "semver" package 7.7 implements
 * them (strict mode, includePrerelease off): the parser and precedence
 * shared with golang.c and cargo.c (semver_internal.h), the npm comparator
 * and vg_semver_range_match().
 *
 * npm specifics: one optional leading 'v', surrounding white space ignored,
 * at most 256 characters, major/minor/patch at most 2^53-1.  Ranges follow
 * node-semver's rewriting: "||" alternatives; hyphen ranges; ~, ~>, ^;
 * x, X or * and partial versions; <, <=, >, >=, =; and its prerelease rule (a
 * prerelease version only satisfies a set with a comparator naming a
 * prerelease of the same major.minor.patch).
 *
 * Left out: npm's loose mode and includePrerelease option.  npm compares
 * numeric prerelease identifiers above 2^53 as floating point numbers;
 * vigil compares their exact values (docs/versions.md).  Range white space
 * is treated as ASCII white space.
 */
#include <stdint.h>
#include <string.h>

#include "version/semver_internal.h"
#include "version/version_internal.h"

#define NPM_MAX_LEN 256
#define NPM_MAX_SAFE "9007199254740991"
#define NPM_MAX_SAFE_VALUE 9007199254740991ULL

static int is_ident_char(int c)
{
    return version_is_alnum(c) || c == '-';
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Parses a numeric identifier ("0" or no leading zero) at s[*pos..len). */
static int parse_number(const char *s, size_t len, size_t *pos, const char **num, size_t *numlen)
{
    size_t n = version_digits_span(s + *pos, len - *pos);
    if (n == 0 || (n > 1 && s[*pos] == '0'))
        return VG_ERR_FORMAT;
    *num = s + *pos;
    *numlen = n;
    *pos += n;
    return VG_OK;
}

/* Checks a dot-separated identifier list; numeric identifiers must not have
 * leading zeros when strict_numeric. */
static int check_identifiers(const char *s, size_t len, int strict_numeric)
{
    if (len == 0)
        return VG_ERR_FORMAT;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!is_ident_char((unsigned char)s[i]))
                return VG_ERR_FORMAT;
            continue;
        }
        size_t n = i - start;
        if (n == 0)
            return VG_ERR_FORMAT;
        if (strict_numeric && n > 1 && s[start] == '0' && version_digits_span(s + start, n) == n)
            return VG_ERR_FORMAT;
        start = i + 1;
    }
    return VG_OK;
}

int semver_parse(const char *s, size_t len, const semver_rules *rules, semver *out)
{
    size_t max_len = rules->max_len ? rules->max_len : VG_VERSION_MAX_LEN;
    if (len > max_len)
        return VG_ERR_FORMAT;
    if (rules->trim_space) {
        while (len > 0 && is_space((unsigned char)s[0]))
            s++, len--;
        while (len > 0 && is_space((unsigned char)s[len - 1]))
            len--;
    }
    size_t pos = 0;
    if (rules->v_prefix && len > 0 && s[0] == 'v')
        pos = 1;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (pos == len && rules->shorthand) {
                for (int k = i; k < 3; k++) {
                    out->num[k] = "0";
                    out->numlen[k] = 1;
                }
                return VG_OK;
            }
            if (pos >= len || s[pos] != '.')
                return VG_ERR_FORMAT;
            pos++;
        }
        if (parse_number(s, len, &pos, &out->num[i], &out->numlen[i]) != VG_OK)
            return VG_ERR_FORMAT;
        if (rules->max_number &&
            version_digits_cmp(out->num[i], out->numlen[i], rules->max_number,
                               strlen(rules->max_number)) > 0)
            return VG_ERR_FORMAT;
    }
    if (pos < len && s[pos] == '-') {
        size_t start = ++pos;
        while (pos < len && s[pos] != '+')
            pos++;
        if (check_identifiers(s + start, pos - start, 1) != VG_OK)
            return VG_ERR_FORMAT;
        out->pre = s + start;
        out->prelen = pos - start;
    }
    if (pos < len && s[pos] == '+') {
        size_t start = ++pos;
        pos = len;
        if (check_identifiers(s + start, pos - start, 0) != VG_OK)
            return VG_ERR_FORMAT;
        out->build = s + start;
        out->buildlen = pos - start;
    }
    return pos == len ? VG_OK : VG_ERR_FORMAT;
}

int semver_prerelease_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    for (;;) {
        int aend = i >= alen, bend = j >= blen;
        if (aend || bend)
            return bend - aend; /* the list that ended first is lower */
        size_t an = 0, bn = 0;
        while (i + an < alen && a[i + an] != '.')
            an++;
        while (j + bn < blen && b[j + bn] != '.')
            bn++;
        int anum = an > 0 && version_digits_span(a + i, an) == an;
        int bnum = bn > 0 && version_digits_span(b + j, bn) == bn;
        int r;
        if (anum && bnum) {
            r = version_digits_cmp(a + i, an, b + j, bn);
        } else if (anum || bnum) {
            r = anum ? -1 : 1;
        } else {
            r = version_sign(memcmp(a + i, b + j, an < bn ? an : bn));
            if (!r && an != bn)
                r = an < bn ? -1 : 1;
        }
        if (r)
            return r;
        i += an + 1; /* past the identifier and its '.' */
        j += bn + 1;
    }
}

int semver_precedence(const semver *a, const semver *b)
{
    for (int i = 0; i < 3; i++) {
        int r = version_digits_cmp(a->num[i], a->numlen[i], b->num[i], b->numlen[i]);
        if (r)
            return r;
    }
    if (!a->prelen || !b->prelen)
        return (a->prelen == 0) - (b->prelen == 0);
    return semver_prerelease_cmp(a->pre, a->prelen, b->pre, b->prelen);
}

static const semver_rules NPM_RULES = {
    .v_prefix = 1, .trim_space = 1, .shorthand = 0,
    .max_number = NPM_MAX_SAFE, .max_len = NPM_MAX_LEN,
};

int version_valid_semver(const char *v)
{
    semver parsed;
    return semver_parse(v, strlen(v), &NPM_RULES, &parsed);
}

int version_cmp_semver(const char *a, const char *b, int *out)
{
    semver va, vb;
    if (semver_parse(a, strlen(a), &NPM_RULES, &va) != VG_OK ||
        semver_parse(b, strlen(b), &NPM_RULES, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    *out = semver_precedence(&va, &vb);
    return VG_OK;
}

/* ---- npm ranges ---------------------------------------------------------- */

/* A version inside a range: numbers are bounded by 2^53-1, so they fit. */
typedef struct npm_version {
    uint64_t num[3];
    const char *pre; /* prelen 0 when none */
    size_t prelen;
} npm_version;

enum npm_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ };

/* Evaluation state of one comparator set against the version tested. */
typedef struct npm_set {
    const npm_version *version;
    int all_pass;      /* every comparator so far is satisfied */
    int pre_allowed;   /* a comparator names a prerelease of version's M.m.p */
    int comparators;   /* comparators other than npm's ANY ("", "*") */
} npm_set;

static uint64_t digits_value(const char *s, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    return v;
}

static int npm_version_from(const semver *sv, npm_version *out)
{
    for (int i = 0; i < 3; i++) {
        if (version_digits_cmp(sv->num[i], sv->numlen[i], NPM_MAX_SAFE, 16) > 0)
            return VG_ERR_FORMAT;
        out->num[i] = digits_value(sv->num[i], sv->numlen[i]);
    }
    out->pre = sv->pre;
    out->prelen = sv->prelen;
    return VG_OK;
}

static int npm_version_cmp(const npm_version *a, const npm_version *b)
{
    for (int i = 0; i < 3; i++)
        if (a->num[i] != b->num[i])
            return a->num[i] < b->num[i] ? -1 : 1;
    if (!a->prelen || !b->prelen)
        return (a->prelen == 0) - (b->prelen == 0);
    return semver_prerelease_cmp(a->pre, a->prelen, b->pre, b->prelen);
}

/* Applies one comparator "op M.m.p[-pre]" to the set; VG_ERR_FORMAT when a
 * number exceeds what npm accepts or the version text is too long. */
static int npm_emit(npm_set *set, enum npm_op op, uint64_t major, uint64_t minor,
                    uint64_t patch, const char *pre, size_t prelen)
{
    if (major > NPM_MAX_SAFE_VALUE || minor > NPM_MAX_SAFE_VALUE || patch > NPM_MAX_SAFE_VALUE)
        return VG_ERR_FORMAT;
    if (prelen > NPM_MAX_LEN)
        return VG_ERR_FORMAT;
    npm_version c = {{major, minor, patch}, pre, prelen};
    set->comparators++;
    int r = npm_version_cmp(set->version, &c);
    int ok = op == OP_LT ? r < 0 : op == OP_LE ? r <= 0 : op == OP_GT ? r > 0
           : op == OP_GE ? r >= 0 : r == 0;
    if (!ok)
        set->all_pass = 0;
    if (prelen && set->version->prelen && set->version->num[0] == major &&
        set->version->num[1] == minor && set->version->num[2] == patch)
        set->pre_allowed = 1;
    return VG_OK;
}

static int npm_emit_version(npm_set *set, enum npm_op op, const npm_version *v)
{
    return npm_emit(set, op, v->num[0], v->num[1], v->num[2], v->pre, v->prelen);
}

/* An X-range operand: [v=]* then up to three of (number | x | X | *), and
 * after three parts an optional prerelease and build. */
typedef struct npm_xrange {
    int parts;          /* leading non-X parts: 0..3 */
    uint64_t num[3];
    const char *pre;
    size_t prelen;
    const char *text;   /* the operand after its [v=]* prefix */
    size_t textlen;
    const char *prefix; /* the [v=]* prefix */
    size_t prefixlen;
} npm_xrange;

static int is_x(const char *s, size_t len, size_t pos)
{
    return pos < len && (s[pos] == 'x' || s[pos] == 'X' || s[pos] == '*');
}

/* Parses the whole of s[0..len) as an X-range operand. */
static int npm_parse_xrange(const char *s, size_t len, npm_xrange *out)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    while (pos < len && (s[pos] == 'v' || s[pos] == '='))
        pos++;
    out->prefix = s;
    out->prefixlen = pos;
    out->text = s + pos;
    out->textlen = len - pos;
    int seen_x = 0;
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (pos == len)
                return VG_OK;
            if (s[pos] != '.')
                return VG_ERR_FORMAT;
            pos++;
        }
        if (is_x(s, len, pos)) {
            pos++;
            seen_x = 1;
            continue;
        }
        const char *num;
        size_t numlen;
        if (parse_number(s, len, &pos, &num, &numlen) != VG_OK)
            return VG_ERR_FORMAT;
        if (version_digits_cmp(num, numlen, NPM_MAX_SAFE, 16) > 0)
            return VG_ERR_FORMAT;
        if (!seen_x) {
            out->num[i] = digits_value(num, numlen);
            out->parts = i + 1;
        }
    }
    if (pos < len && s[pos] == '-') {
        size_t start = ++pos;
        while (pos < len && s[pos] != '+')
            pos++;
        if (check_identifiers(s + start, pos - start, 1) != VG_OK)
            return VG_ERR_FORMAT;
        out->pre = s + start;
        out->prelen = pos - start;
    }
    if (pos < len && s[pos] == '+') {
        if (check_identifiers(s + pos + 1, len - pos - 1, 0) != VG_OK)
            return VG_ERR_FORMAT;
        pos = len;
    }
    return pos == len ? VG_OK : VG_ERR_FORMAT;
}

/* A plain comparator operand "v?M.m.p[-pre][+build]" (npm's FULLPLAIN). */
static int npm_parse_full(const char *s, size_t len, npm_version *out)
{
    semver sv;
    static const semver_rules full = {.v_prefix = 1, .max_number = NPM_MAX_SAFE,
                                      .max_len = NPM_MAX_LEN};
    if (semver_parse(s, len, &full, &sv) != VG_OK)
        return VG_ERR_FORMAT;
    return npm_version_from(&sv, out);
}

static int npm_caret(npm_set *set, const npm_xrange *x)
{
    const uint64_t M = x->num[0], m = x->num[1], p = x->num[2];
    int st;
    switch (x->parts) {
    case 0:
        return VG_OK;
    case 1:
        st = npm_emit(set, OP_GE, M, 0, 0, NULL, 0);
        return st ? st : npm_emit(set, OP_LT, M + 1, 0, 0, "0", 1);
    case 2:
        st = npm_emit(set, OP_GE, M, m, 0, NULL, 0);
        if (st)
            return st;
        return M == 0 ? npm_emit(set, OP_LT, 0, m + 1, 0, "0", 1)
                      : npm_emit(set, OP_LT, M + 1, 0, 0, "0", 1);
    default:
        st = npm_emit(set, OP_GE, M, m, p, x->pre, x->prelen);
        if (st)
            return st;
        if (M == 0 && m == 0)
            return npm_emit(set, OP_LT, 0, 0, p + 1, "0", 1);
        if (M == 0)
            return npm_emit(set, OP_LT, 0, m + 1, 0, "0", 1);
        return npm_emit(set, OP_LT, M + 1, 0, 0, "0", 1);
    }
}

static int npm_tilde(npm_set *set, const npm_xrange *x)
{
    const uint64_t M = x->num[0], m = x->num[1], p = x->num[2];
    int st;
    switch (x->parts) {
    case 0:
        return VG_OK;
    case 1:
        st = npm_emit(set, OP_GE, M, 0, 0, NULL, 0);
        return st ? st : npm_emit(set, OP_LT, M + 1, 0, 0, "0", 1);
    case 2:
        st = npm_emit(set, OP_GE, M, m, 0, NULL, 0);
        return st ? st : npm_emit(set, OP_LT, M, m + 1, 0, "0", 1);
    default:
        st = npm_emit(set, OP_GE, M, m, p, x->pre, x->prelen);
        return st ? st : npm_emit(set, OP_LT, M, m + 1, 0, "0", 1);
    }
}

/* Length of the operator at s[0..len): (<|>)?=? */
static size_t npm_op_len(const char *s, size_t len)
{
    size_t n = 0;
    if (n < len && (s[n] == '<' || s[n] == '>'))
        n++;
    if (n < len && s[n] == '=')
        n++;
    return n;
}

static enum npm_op npm_op_of(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '='))
        return OP_EQ;
    if (s[0] == '<')
        return n == 2 ? OP_LE : OP_LT;
    return n == 2 ? OP_GE : OP_GT;
}

/* A comparator that is not an X-range: op then "v?M.m.p...", or nothing. */
static int npm_plain_comparator(npm_set *set, const char *s, size_t len)
{
    if (len == 0)
        return VG_OK; /* npm's ANY comparator */
    size_t oplen = npm_op_len(s, len);
    npm_version v;
    if (npm_parse_full(s + oplen, len - oplen, &v) != VG_OK)
        return VG_ERR_FORMAT;
    return npm_emit_version(set, npm_op_of(s, oplen), &v);
}

/* X-ranges with an operator: node-semver's replaceXRange(). */
static int npm_xrange_comparator(npm_set *set, const char *op, size_t oplen, const npm_xrange *x)
{
    uint64_t M = x->num[0], m = x->num[1], p = 0;
    if (oplen == 1 && op[0] == '=')
        oplen = 0;
    if (x->parts == 0) {
        if (oplen == 1) /* "<*" and ">*" match nothing */
            return npm_emit(set, OP_LT, 0, 0, 0, "0", 1);
        return VG_OK;
    }
    if (oplen > 0) {
        enum npm_op o = npm_op_of(op, oplen);
        if (x->parts < 2)
            m = 0;
        if (o == OP_GT) {
            o = OP_GE;
            if (x->parts < 2)
                M++, m = 0;
            else
                m++;
        } else if (o == OP_LE) {
            o = OP_LT;
            if (x->parts < 2)
                M++;
            else
                m++;
        }
        if (o == OP_LT)
            return npm_emit(set, o, M, m, p, "0", 1);
        return npm_emit(set, o, M, m, p, NULL, 0);
    }
    int st;
    if (x->parts == 1) {
        st = npm_emit(set, OP_GE, M, 0, 0, NULL, 0);
        return st ? st : npm_emit(set, OP_LT, M + 1, 0, 0, "0", 1);
    }
    st = npm_emit(set, OP_GE, M, m, 0, NULL, 0);
    return st ? st : npm_emit(set, OP_LT, M, m + 1, 0, "0", 1);
}

/* One whitespace-free token of a comparator set (after node-semver's
 * operator trimming): caret, tilde, X-range or plain comparator. */
static int npm_token(npm_set *set, const char *s, size_t len)
{
    npm_xrange x;
    if (len == 0)
        return VG_OK; /* npm's ANY comparator */
    if (s[0] == '^') {
        if (npm_parse_xrange(s + 1, len - 1, &x) != VG_OK)
            return VG_ERR_FORMAT;
        return npm_caret(set, &x);
    }
    if (len > 0 && s[0] == '~') {
        size_t skip = (len > 1 && s[1] == '>') ? 2 : 1;
        if (npm_parse_xrange(s + skip, len - skip, &x) != VG_OK)
            return VG_ERR_FORMAT;
        return npm_tilde(set, &x);
    }
    size_t oplen = npm_op_len(s, len);
    if (npm_parse_xrange(s + oplen, len - oplen, &x) == VG_OK) {
        if (x.parts < 3)
            return npm_xrange_comparator(set, s, oplen, &x);
        return npm_plain_comparator(set, s, len);
    }
    /* node-semver then deletes the first (<|>)?=?\* and retries the rest
     * as a plain comparator. */
    const char *star = memchr(s, '*', len);
    if (!star)
        return VG_ERR_FORMAT;
    size_t at = (size_t)(star - s), from = at;
    if (from > 0 && s[from - 1] == '=')
        from--;
    if (from > 0 && (s[from - 1] == '<' || s[from - 1] == '>'))
        from--;
    char buf[VG_RANGE_MAX_LEN];
    size_t n = 0;
    memcpy(buf, s, from);
    n = from;
    memcpy(buf + n, star + 1, len - at - 1);
    n += len - at - 1;
    return npm_plain_comparator(set, buf, n);
}

static int is_op_char(int c)
{
    return c == '<' || c == '>' || c == '=' || c == '~' || c == '^';
}

/* Whether s[0..len) starts an operand npm's trimming joins to a preceding
 * operator: [v=]* then a digit, x, X or *. */
static int starts_operand(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == 'v' || s[i] == '='))
        i++;
    return i < len && (version_is_digit((unsigned char)s[i]) || s[i] == 'x' || s[i] == 'X' ||
                       s[i] == '*');
}

/* Evaluates one "||" alternative (trimmed, single spaces); *only_any is
 * set when all its comparators are npm's ANY. */
static int npm_comparator_set(const npm_version *version, const char *s, size_t len, int *out,
                              int *only_any)
{
    npm_set set = {version, 1, 0, 0};
    *only_any = 0;
    int st = VG_OK;
    /* Hyphen range: exactly "A - B" with X-range operands. */
    const char *sp1 = memchr(s, ' ', len);
    if (sp1 && (size_t)(sp1 - s) + 3 < len && sp1[1] == '-' && sp1[2] == ' ' &&
        !memchr(sp1 + 3, ' ', len - (size_t)(sp1 + 3 - s))) {
        npm_xrange from, to;
        const char *b = sp1 + 3;
        size_t alen = (size_t)(sp1 - s), blen = len - (size_t)(b - s);
        if (npm_parse_xrange(s, alen, &from) == VG_OK && npm_parse_xrange(b, blen, &to) == VG_OK) {
            if (from.parts == 3) {
                npm_version v;
                if ((from.prefixlen > 1 || (from.prefixlen == 1 && from.prefix[0] != 'v')) ||
                    npm_parse_full(from.prefix, alen, &v) != VG_OK)
                    return VG_ERR_FORMAT;
                st = npm_emit_version(&set, OP_GE, &v);
            } else if (from.parts > 0) {
                st = npm_emit(&set, OP_GE, from.num[0], from.parts > 1 ? from.num[1] : 0, 0, NULL, 0);
            }
            if (st)
                return st;
            if (to.parts == 1) {
                st = npm_emit(&set, OP_LT, to.num[0] + 1, 0, 0, "0", 1);
            } else if (to.parts == 2) {
                st = npm_emit(&set, OP_LT, to.num[0], to.num[1] + 1, 0, "0", 1);
            } else if (to.parts == 3 && to.prelen) {
                st = npm_emit(&set, OP_LE, to.num[0], to.num[1], to.num[2], to.pre, to.prelen);
            } else if (to.parts == 3) {
                npm_version v;
                if ((to.prefixlen > 1 || (to.prefixlen == 1 && to.prefix[0] != 'v')) ||
                    npm_parse_full(to.prefix, blen, &v) != VG_OK)
                    return VG_ERR_FORMAT;
                st = npm_emit_version(&set, OP_LE, &v);
            }
            if (st)
                return st;
            *out = set.all_pass && (!version->prelen || set.pre_allowed);
            *only_any = set.comparators == 0;
            return VG_OK;
        }
    }
    /* Tokens; an operator token joins the operand that follows it. */
    char token[VG_RANGE_MAX_LEN];
    size_t pos = 0;
    while (pos < len || len == 0) {
        size_t tlen = 0;
        for (;;) {
            size_t end = pos;
            while (end < len && s[end] != ' ')
                end++;
            memcpy(token + tlen, s + pos, end - pos);
            tlen += end - pos;
            pos = end < len ? end + 1 : end;
            /* node-semver's COMPARATORTRIM, TILDETRIM and CARETTRIM. */
            char last = tlen > 0 ? token[tlen - 1] : 0;
            if (pos < len && is_op_char((unsigned char)last) &&
                (starts_operand(s + pos, len - pos) || last == '~' || last == '^' ||
                 (last == '>' && tlen >= 2 && token[tlen - 2] == '~')))
                continue;
            break;
        }
        st = npm_token(&set, token, tlen);
        if (st)
            return st;
        if (len == 0)
            break;
    }
    *out = set.all_pass && (!version->prelen || set.pre_allowed);
    *only_any = set.comparators == 0;
    return VG_OK;
}

int vg_semver_range_match(const char *range, const char *version, int *out)
{
    if (!range || !version || !out)
        return VG_ERR_USAGE;
    if (!memchr(range, '\0', VG_RANGE_MAX_LEN) || !memchr(version, '\0', VG_VERSION_MAX_LEN + 1))
        return VG_ERR_LIMIT;
    semver sv;
    npm_version v;
    if (semver_parse(version, strlen(version), &NPM_RULES, &sv) != VG_OK ||
        npm_version_from(&sv, &v) != VG_OK)
        return VG_ERR_FORMAT;

    /* node-semver: trim, and every run of white space becomes one space. */
    char norm[VG_RANGE_MAX_LEN];
    size_t n = 0;
    for (const char *p = range; *p; p++) {
        if (is_space((unsigned char)*p)) {
            if (n > 0 && norm[n - 1] != ' ')
                norm[n++] = ' ';
        } else {
            norm[n++] = *p;
        }
    }
    if (n > 0 && norm[n - 1] == ' ')
        n--;

    /* String.split("||"): a trailing "||" leaves an empty alternative,
     * which npm reads as "*". */
    int any = 0, some_set_only_any = 0;
    size_t start = 0;
    for (size_t i = 0;; i++) {
        int at_sep = i + 1 < n && norm[i] == '|' && norm[i + 1] == '|';
        if (!at_sep && i < n)
            continue;
        size_t a = start, b = i;
        while (a < b && norm[a] == ' ')
            a++;
        while (b > a && norm[b - 1] == ' ')
            b--;
        int match = 0, only_any = 0;
        int st = npm_comparator_set(&v, norm + a, b - a, &match, &only_any);
        if (st)
            return st;
        any |= match;
        some_set_only_any |= only_any;
        if (!at_sep)
            break;
        start = i + 2;
        i++;
    }
    /* node-semver keeps only an all-ANY alternative when there is one, and
     * ANY does not admit prereleases: "* || ~1.2.3-beta" is "*". */
    *out = some_set_only_any ? !v.prelen : any;
    return VG_OK;
}
