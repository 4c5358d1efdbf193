/*
 * pattern.c — Lua 5.4 patterns for policy rules: string.find, string.match,
 * string.gmatch and string.gsub, with every step of the matcher charged to
 * the rule's instruction budget.
 *
 * Lua's own matcher backtracks in C, where the instruction hook never runs:
 * string.rep("a*", 20) .. "b" against a long run of "a" takes time of the
 * order of the subject's length to the 20th power, and nothing stops it.
 * This one counts its steps (below) and charges them to the rule through
 * policy_sandbox_charge(), so such a pattern ends the rule with "pattern
 * matching exceeded the rule's instruction limit" and the run goes on.
 *
 * Implements the Lua 5.4 Reference Manual: §6.4.1 (patterns: character
 * classes, sets, the items * + - ? %n %bxy %f[set], anchors, captures and
 * position captures, "multiple matches": an empty match right after the
 * previous match is not accepted) and §6.4 (string.find with init and
 * plain, string.match, string.gmatch with init, string.gsub with a string,
 * table or function replacement and the limit n).  Written from the manual;
 * where it is silent, the results of Debian's lua5.4 (5.4.4) decided, so
 * that a rule gives the same results as in plain Lua.  tests/unit/
 * policy_pattern.c compares both on a table of cases, tests/fuzz/
 * fuzz_policy_pattern.c on random patterns.  From lua5.4, beyond the manual:
 *   - the classes are those of the C locale (ASCII) whatever the locale,
 *     and %z / %Z (the byte 0 / any other byte, deprecated) still work;
 *   - %x for an x that is a letter without a class stands for x itself;
 *   - string.find takes a pattern without any of ^$*+?.([%- as plain text
 *     (so a lone ')' is no error there);
 *   - a back-reference to a position capture never matches;
 *   - a malformed part of a pattern is an error only when the matcher
 *     reaches it ("a[" finds nothing in "b", and says nothing);
 *   - at most 32 captures ("too many captures") and 200 nested
 *     backtracking points ("pattern too complex").
 * Leaves out: classes of other locales; nothing else of §6.4.1.
 *
 * Steps: one for each time the matcher is entered, each pattern item it
 * looks at, each subject byte a class is tested on (a set of n bytes
 * costs 1 + n/16 per byte tested, and n/16 to find its end), each byte
 * %b scans, each replacement (plus its length / 64); one per 64 bytes a
 * back-reference or a plain search compares.  Steps are charged every
 * PATTERN_CHARGE_INTERVAL and when the call ends.
 */
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define PATTERN_MAX_CAPTURES 32      /* as LUA_MAXCAPTURES */
#define PATTERN_MAX_DEPTH 200        /* nested backtracking points, as lua5.4 */
#define PATTERN_CHARGE_INTERVAL 1024 /* steps between two charges */
#define PATTERN_SET_BYTES 16         /* bytes of a set per step, when it is scanned */
#define PATTERN_COMPARE_BYTES 64     /* bytes per step of memcmp and memmem */
#define PATTERN_SPECIALS "^$*+?.([%-"

enum { CAPTURE_OPEN = -1, CAPTURE_POSITION = -2 };

struct matcher {
    lua_State *L;
    const char *subject, *subject_end;
    const char *pattern_end;
    int depth;     /* match() calls still allowed inside the current one */
    int level;     /* captures opened so far */
    struct {
        const char *start;
        ptrdiff_t len; /* bytes, or CAPTURE_OPEN, CAPTURE_POSITION */
    } capture[PATTERN_MAX_CAPTURES];
    unsigned steps; /* taken and not yet charged */
};

static void matcher_init(struct matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
    m->L = L;
    m->subject = s;
    m->subject_end = s + ls;
    m->pattern_end = p + lp;
    m->depth = PATTERN_MAX_DEPTH;
    m->level = 0;
    m->steps = 0;
}

/* Counts n steps; charges them to the rule every PATTERN_CHARGE_INTERVAL
 * (raises when the rule's budget is spent). */
static void step(struct matcher *m, unsigned n)
{
    m->steps += n;
    if (m->steps >= PATTERN_CHARGE_INTERVAL) {
        unsigned charged = m->steps;
        m->steps = 0;
        policy_sandbox_charge(m->L, charged, POLICY_WORK_PATTERN);
    }
}

/* Charges what is left; at the end of each call and before a replacement
 * function runs. */
static void charge_rest(struct matcher *m)
{
    unsigned rest = m->steps;
    m->steps = 0;
    if (rest)
        policy_sandbox_charge(m->L, rest, POLICY_WORK_PATTERN);
}

/* The classes of each byte in the C locale (GNU range initialisers). */
enum {
    IS_ALPHA = 1 << 0, IS_CONTROL = 1 << 1, IS_DIGIT = 1 << 2, IS_GRAPH = 1 << 3, IS_LOWER = 1 << 4,
    IS_PUNCT = 1 << 5, IS_SPACE = 1 << 6, IS_UPPER = 1 << 7, IS_HEX = 1 << 8, IS_ZERO = 1 << 9,
};
static const unsigned short byte_classes[256] = {
    [0] = IS_CONTROL | IS_ZERO,
    [1 ... 8] = IS_CONTROL,
    ['\t' ... '\r'] = IS_CONTROL | IS_SPACE,
    [14 ... 31] = IS_CONTROL,
    [' '] = IS_SPACE,
    ['!' ... '/'] = IS_PUNCT | IS_GRAPH,
    ['0' ... '9'] = IS_DIGIT | IS_HEX | IS_GRAPH,
    [':' ... '@'] = IS_PUNCT | IS_GRAPH,
    ['A' ... 'F'] = IS_UPPER | IS_ALPHA | IS_HEX | IS_GRAPH,
    ['G' ... 'Z'] = IS_UPPER | IS_ALPHA | IS_GRAPH,
    ['[' ... '`'] = IS_PUNCT | IS_GRAPH,
    ['a' ... 'f'] = IS_LOWER | IS_ALPHA | IS_HEX | IS_GRAPH,
    ['g' ... 'z'] = IS_LOWER | IS_ALPHA | IS_GRAPH,
    ['{' ... '~'] = IS_PUNCT | IS_GRAPH,
    [127] = IS_CONTROL,
};

/* A class letter (%a ...) applied to byte c; an upper-case letter is the
 * complement; any other byte after % stands for itself. */
static int class_letter_matches(unsigned char c, unsigned char letter)
{
    unsigned mask;
    switch (letter | 0x20) { /* the lower-case letter */
    case 'a': mask = IS_ALPHA; break;
    case 'c': mask = IS_CONTROL; break;
    case 'd': mask = IS_DIGIT; break;
    case 'g': mask = IS_GRAPH; break;
    case 'l': mask = IS_LOWER; break;
    case 'p': mask = IS_PUNCT; break;
    case 's': mask = IS_SPACE; break;
    case 'u': mask = IS_UPPER; break;
    case 'w': mask = IS_ALPHA | IS_DIGIT; break;
    case 'x': mask = IS_HEX; break;
    case 'z': mask = IS_ZERO; break;
    default: return letter == c;
    }
    int in = (byte_classes[c] & mask) != 0;
    return letter >= 'A' && letter <= 'Z' ? !in : in;
}

/* Whether c is in the set whose '[' is at p and whose closing ']' at close. */
static int set_matches(unsigned char c, const char *p, const char *close)
{
    int negated = 0;
    p++;
    if (*p == '^') {
        negated = 1;
        p++;
    }
    while (p < close) {
        if (*p == '%') {
            /* set_end() made sure an escape is followed by a byte before close */
            if (class_letter_matches(c, (unsigned char)p[1]))
                return !negated;
            p += 2;
        } else if (p[1] == '-' && p + 2 < close) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
                return !negated;
            p += 3;
        } else {
            if ((unsigned char)*p == c)
                return !negated;
            p++;
        }
    }
    return negated;
}

/* The end of the set whose '[' is at p: one past its ']'.  The first byte
 * after '[' or '[^' belongs to the set even when it is ']'; %x escapes. */
static const char *set_end(struct matcher *m, const char *p)
{
    const char *q = p + 1;
    if (q < m->pattern_end && *q == '^')
        q++;
    for (;;) {
        if (q >= m->pattern_end)
            luaL_error(m->L, "malformed pattern (missing ']')");
        if (*q++ == '%' && q < m->pattern_end)
            q++;
        if (q < m->pattern_end && *q == ']')
            return q + 1;
    }
}

/* The end of the single-character class at p (a byte, '.', %x or a set). */
static const char *class_end(struct matcher *m, const char *p)
{
    if (*p == '%') {
        if (p + 1 >= m->pattern_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p == '[') {
        const char *end = set_end(m, p);
        step(m, (unsigned)((end - p) / PATTERN_SET_BYTES));
        return end;
    }
    return p + 1;
}

/* Whether the subject byte at s exists and is in the class [p, ep);
 * cost is the steps of one test. */
static int class_matches(struct matcher *m, const char *s, const char *p, const char *ep, unsigned cost)
{
    if (s >= m->subject_end)
        return 0;
    step(m, cost);
    unsigned char c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case '%': return class_letter_matches(c, (unsigned char)p[1]);
    case '[': return set_matches(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *match(struct matcher *m, const char *s, const char *p);

/* Item x* or x+ (after its first byte): the longest run of the class at
 * s, then shorter ones, until the rest of the pattern matches. */
static const char *match_greedy(struct matcher *m, const char *s, const char *p, const char *ep, unsigned cost)
{
    size_t n = 0;
    while (class_matches(m, s + n, p, ep, cost))
        n++;
    for (;;) {
        const char *end = match(m, s + n, ep + 1);
        if (end || n == 0)
            return end;
        n--;
    }
}

/* Item x-: the shortest run of the class at s for which the rest matches. */
static const char *match_lazy(struct matcher *m, const char *s, const char *p, const char *ep, unsigned cost)
{
    for (;;) {
        const char *end = match(m, s, ep + 1);
        if (end)
            return end;
        if (!class_matches(m, s, p, ep, cost))
            return NULL;
        s++;
    }
}

/* Item ( or (): opens capture number m->level at s. */
static const char *match_capture_open(struct matcher *m, const char *s, const char *p, ptrdiff_t len)
{
    if (m->level >= PATTERN_MAX_CAPTURES)
        luaL_error(m->L, "too many captures");
    m->capture[m->level].start = s;
    m->capture[m->level].len = len;
    m->level++;
    const char *end = match(m, s, p);
    if (!end)
        m->level--;
    return end;
}

/* Item ): closes the innermost capture still open. */
static const char *match_capture_close(struct matcher *m, const char *s, const char *p)
{
    int l = m->level - 1;
    while (l >= 0 && m->capture[l].len != CAPTURE_OPEN)
        l--;
    if (l < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->capture[l].len = s - m->capture[l].start;
    const char *end = match(m, s, p);
    if (!end)
        m->capture[l].len = CAPTURE_OPEN;
    return end;
}

/* Item %bxy at s, with x and y at p: the end of the balanced run or NULL. */
static const char *match_balance(struct matcher *m, const char *s, const char *p)
{
    if (p + 1 >= m->pattern_end)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subject_end || *s != p[0])
        return NULL;
    int open = 1;
    while (++s < m->subject_end) {
        step(m, 1);
        if (*s == p[1]) {
            if (--open == 0)
                return s + 1;
        } else if (*s == p[0]) {
            open++;
        }
    }
    return NULL;
}

/* Item %1 ... %9 at s (digit is the byte after %): the end of a copy of
 * that capture, or NULL. */
static const char *match_back_reference(struct matcher *m, const char *s, char digit)
{
    int l = digit - '1';
    if (l < 0 || l >= m->level || m->capture[l].len == CAPTURE_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    ptrdiff_t len = m->capture[l].len;
    if (len == CAPTURE_POSITION)
        return NULL;
    step(m, 1 + (unsigned)(len / PATTERN_COMPARE_BYTES));
    if (m->subject_end - s >= len && memcmp(m->capture[l].start, s, (size_t)len) == 0)
        return s + len;
    return NULL;
}

/* Matches the pattern from p against the subject from s: the end of the
 * match, or NULL.  Recursion at each point it may have to come back to
 * (captures, quantifiers), at most PATTERN_MAX_DEPTH deep. */
static const char *match_items(struct matcher *m, const char *s, const char *p)
{
    while (p < m->pattern_end) {
        step(m, 1);
        switch (*p) {
        case '(':
            if (p + 1 < m->pattern_end && p[1] == ')')
                return match_capture_open(m, s, p + 2, CAPTURE_POSITION);
            return match_capture_open(m, s, p + 1, CAPTURE_OPEN);
        case ')':
            return match_capture_close(m, s, p + 1);
        case '$':
            if (p + 1 == m->pattern_end)
                return s == m->subject_end ? s : NULL;
            break;
        case '%':
            if (p + 1 < m->pattern_end && p[1] == 'b') {
                if (!(s = match_balance(m, s, p + 2)))
                    return NULL;
                p += 4;
                continue;
            }
            if (p + 1 < m->pattern_end && p[1] == 'f') {
                p += 2;
                if (p >= m->pattern_end || *p != '[')
                    luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *ep = class_end(m, p);
                /* The subject's start and end count as the byte 0. */
                unsigned char before = s > m->subject ? (unsigned char)s[-1] : 0;
                unsigned char after = s < m->subject_end ? (unsigned char)*s : 0;
                step(m, 2 * (1 + (unsigned)((ep - p) / PATTERN_SET_BYTES)));
                if (set_matches(before, p, ep - 1) || !set_matches(after, p, ep - 1))
                    return NULL;
                p = ep;
                continue;
            }
            if (p + 1 < m->pattern_end && p[1] >= '0' && p[1] <= '9') {
                if (!(s = match_back_reference(m, s, p[1])))
                    return NULL;
                p += 2;
                continue;
            }
            break;
        }
        /* A single-character class, perhaps with a quantifier after it. */
        const char *ep = class_end(m, p);
        unsigned cost = *p == '[' ? 1 + (unsigned)((ep - p) / PATTERN_SET_BYTES) : 1;
        int matches = class_matches(m, s, p, ep, cost);
        char quantifier = ep < m->pattern_end ? *ep : '\0';
        switch (quantifier) {
        case '?':
            if (matches) {
                const char *end = match(m, s + 1, ep + 1);
                if (end)
                    return end;
            }
            p = ep + 1;
            continue;
        case '*':
        case '-':
            if (!matches) {
                p = ep + 1;
                continue;
            }
            return quantifier == '*' ? match_greedy(m, s, p, ep, cost) : match_lazy(m, s, p, ep, cost);
        case '+':
            return matches ? match_greedy(m, s + 1, p, ep, cost) : NULL;
        default:
            if (!matches)
                return NULL;
            s++;
            p = ep;
        }
    }
    return s;
}

static const char *match(struct matcher *m, const char *s, const char *p)
{
    if (m->depth-- == 0)
        luaL_error(m->L, "pattern too complex");
    step(m, 1);
    const char *end = match_items(m, s, p);
    m->depth++;
    return end;
}

/* Starts a new attempt to match at some position. */
static const char *match_at(struct matcher *m, const char *s, const char *p)
{
    m->level = 0;
    m->depth = PATTERN_MAX_DEPTH;
    return match(m, s, p);
}

/* Pushes capture i of the match [s, e); with no captures, capture 0 is
 * the whole match. */
static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
    if (i >= m->level) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t len = m->capture[i].len;
    if (len == CAPTURE_OPEN)
        luaL_error(m->L, "unfinished capture");
    if (len == CAPTURE_POSITION)
        lua_pushinteger(m->L, m->capture[i].start - m->subject + 1);
    else
        lua_pushlstring(m->L, m->capture[i].start, (size_t)len);
}

/* Pushes the captures of the match [s, e), or the whole match when there
 * are none and whole is set; returns how many. */
static int push_captures(struct matcher *m, const char *s, const char *e, int whole)
{
    int n = m->level == 0 && whole ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* A position argument (§6.4: negative counts from the end) as an offset
 * from the subject's start; may be past its end. */
static size_t start_offset(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos - 1;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 0;
    return len - (size_t)(-pos);
}

static int has_specials(const char *p, size_t lp)
{
    for (size_t i = 0; i < lp; i++)
        if (p[i] && strchr(PATTERN_SPECIALS, p[i]))
            return 1;
    return 0;
}

/* string.find (find set) and string.match. */
static int pattern_search(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    if (init > ls) {
        lua_pushnil(L);
        return 1;
    }
    struct matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    step(&m, 1 + (unsigned)(lp / PATTERN_COMPARE_BYTES));
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        /* A plain search; memmem takes linear time. */
        step(&m, (unsigned)((ls - init) / PATTERN_COMPARE_BYTES));
        charge_rest(&m);
        const char *at = lp <= ls - init ? memmem(s + init, ls - init, p, lp) : NULL;
        if (!at) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, at - s + 1);
        lua_pushinteger(L, (lua_Integer)(at - s + lp));
        return 2;
    }
    int anchored = lp > 0 && *p == '^';
    if (anchored)
        p++;
    for (const char *start = s + init;; start++) {
        const char *end = match_at(&m, start, p);
        if (end) {
            charge_rest(&m);
            if (!find)
                return push_captures(&m, start, end, 1);
            lua_pushinteger(L, start - s + 1);
            lua_pushinteger(L, end - s);
            return push_captures(&m, NULL, NULL, 0) + 2;
        }
        if (anchored || start == m.subject_end)
            break;
    }
    charge_rest(&m);
    lua_pushnil(L);
    return 1;
}

static int pattern_find(lua_State *L)
{
    return pattern_search(L, 1);
}

static int pattern_match(lua_State *L)
{
    return pattern_search(L, 0);
}

/* The iterator string.gmatch returns.  Upvalues: the subject, the
 * pattern, the offset to search from next, the end offset of the last
 * match (-1 before the first). */
static int pattern_gmatch_next(lua_State *L)
{
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    lua_Integer from = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer last = lua_tointeger(L, lua_upvalueindex(4));
    struct matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    for (const char *start = s + from; start <= m.subject_end; start++) {
        const char *end = match_at(&m, start, p);
        /* An empty match right where the last one ended does not count. */
        if (end && end - s != last) {
            charge_rest(&m);
            lua_pushinteger(L, end - s);
            lua_copy(L, -1, lua_upvalueindex(3));
            lua_replace(L, lua_upvalueindex(4));
            return push_captures(&m, start, end, 1);
        }
    }
    charge_rest(&m);
    return 0;
}

static int pattern_gmatch(lua_State *L)
{
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);
    /* Past the end: no match at all (ls + 1 is beyond every start). */
    lua_pushinteger(L, (lua_Integer)(init > ls ? ls + 1 : init));
    lua_pushinteger(L, -1);
    lua_pushcclosure(L, pattern_gmatch_next, 4);
    return 1;
}

/* Adds the replacement string repl for the match [s, e): %0 the whole
 * match, %1 ... %9 the captures, %% a '%'. */
static void add_replacement_string(struct matcher *m, luaL_Buffer *b, const char *repl, size_t len, const char *s,
                                   const char *e)
{
    const char *end = repl + len;
    step(m, 1 + (unsigned)(len / PATTERN_COMPARE_BYTES));
    while (repl < end) {
        const char *percent = memchr(repl, '%', (size_t)(end - repl));
        if (!percent) {
            luaL_addlstring(b, repl, (size_t)(end - repl));
            return;
        }
        luaL_addlstring(b, repl, (size_t)(percent - repl));
        repl = percent + 1;
        if (repl < end && *repl == '%') {
            luaL_addchar(b, '%');
        } else if (repl < end && *repl >= '0' && *repl <= '9') {
            if (*repl == '0') {
                luaL_addlstring(b, s, (size_t)(e - s));
            } else {
                push_capture(m, *repl - '1', s, e);
                luaL_addvalue(b); /* a position capture, a number, as its text */
            }
        } else {
            luaL_error(m->L, "invalid use of '%%' in replacement string");
        }
        repl++;
    }
}

/* Adds what the table or function at index 3 gives for the match [s, e):
 * a string or number replaces it, false or nil keeps it. */
static void add_replacement_value(struct matcher *m, luaL_Buffer *b, int function, const char *s, const char *e)
{
    lua_State *L = m->L;
    step(m, 1);
    if (function) {
        charge_rest(m);
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e, 1);
        lua_call(L, n, 1);
    } else {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

static int pattern_gsub(lua_State *L)
{
    size_t ls, lp, lrepl = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int stale, repl_type = lua_type(L, 3);
    if (repl_type == LUA_TLIGHTUSERDATA && policy_evidence_node(L, 3, &stale))
        repl_type = LUA_TTABLE; /* evidence: read through its metamethods, as a table */
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING || repl_type == LUA_TFUNCTION ||
                            repl_type == LUA_TTABLE,
                     3, "string/function/table");
    const char *repl = repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING ? lua_tolstring(L, 3, &lrepl) : NULL;
    int anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    struct matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *at = s, *last = NULL;
    lua_Integer count = 0;
    while (count < max) {
        const char *end = match_at(&m, at, p);
        if (end && end != last) {
            count++;
            if (repl)
                add_replacement_string(&m, &b, repl, lrepl, at, end);
            else
                add_replacement_value(&m, &b, repl_type == LUA_TFUNCTION, at, end);
            at = last = end;
        } else if (at < m.subject_end) {
            luaL_addchar(&b, *at++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    charge_rest(&m);
    luaL_addlstring(&b, at, (size_t)(m.subject_end - at));
    luaL_pushresult(&b);
    lua_pushinteger(L, count);
    return 2;
}

void policy_pattern_open(lua_State *L, int idx)
{
    static const luaL_Reg functions[] = {
        {"find", pattern_find}, {"match", pattern_match}, {"gmatch", pattern_gmatch}, {"gsub", pattern_gsub},
        {NULL, NULL},
    };
    idx = lua_absindex(L, idx);
    for (const luaL_Reg *f = functions; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, idx, f->name);
    }
}
