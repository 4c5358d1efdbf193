/*
 * glob.c — the globs of policy rules (vigil.glob) and of waivers' resource
 * patterns: the wildcards of fnmatch(3) called without flags, that is
 * POSIX.1-2017 XCU 2.13.1 "Patterns Matching a Single Character" and
 * 2.13.2 "Patterns Matching Multiple Characters" over whole strings:
 *
 *   *      any run of bytes, "/" and a leading "." included (resources are
 *          names, not paths: "pkg:npm/" followed by "*" matches
 *          "pkg:npm/@scope/x@1")
 *   ?      any one byte
 *   [set]  one byte of the set: bytes, ranges "a-z" (by byte value; a
 *          range whose end is below its start is empty), "!" or "^" first
 *          for the complement, "]" first and "-" first or last stand for
 *          themselves
 *   \x     the byte x, outside a set and in it
 *
 * as glibc's fnmatch() does in the C locale (tests/unit/policy_glob.c
 * compares them).  Matching is by byte: "?" matches one byte of a UTF-8
 * character.  Where fnmatch takes a malformed pattern literally, this one
 * refuses it, so that a typing error in a waiver is not silently a
 * pattern that matches nothing: a "[" without its "]", a "\" at the end.
 * Leaves out: the classes "[:alpha:]", equivalence classes "[=a=]" and
 * collating symbols "[.a.]" (refused), and fnmatch's flags.
 *
 * The matcher goes once through the subject, going back only to the last
 * "*" seen, so it takes at most (pattern length + 1) x (subject length +
 * 1) steps, never exponential time; each byte of the pattern looked at is
 * a step, charged to the rule when there is one.
 */
#include <string.h>

#include "policy/policy_internal.h"

#define GLOB_CHARGE_INTERVAL 1024 /* steps between two charges */

struct glob {
    const char *p_end;     /* the pattern's end */
    lua_State *L;          /* charged, or NULL */
    uint64_t steps;        /* taken and not yet charged */
};

static void glob_step(struct glob *g, uint64_t n)
{
    g->steps += n;
    if (g->L && g->steps >= GLOB_CHARGE_INTERVAL) {
        uint64_t charged = g->steps;
        g->steps = 0;
        policy_sandbox_charge(g->L, charged, POLICY_WORK_LIBRARY);
    }
}

/* The end of the set that starts at p ('['): the byte after its ']'; NULL
 * when it has none or holds a class.  *why says which. */
static const char *set_end(const char *p, const char *end, const char **why)
{
    p++;
    if (p < end && (*p == '!' || *p == '^'))
        p++;
    if (p < end && *p == ']')
        p++;
    for (; p < end && *p != ']'; p++) {
        if (*p == '\\' && ++p == end)
            break;
        if (*p == '[' && p + 1 < end && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
            *why = "classes such as [:alpha:], [=a=] and [.a.] are not supported in a set";
            return NULL;
        }
    }
    if (p >= end) {
        *why = "a '[' without its closing ']'";
        return NULL;
    }
    return p + 1;
}

int policy_glob_check(const char *pattern, size_t len, const char **why)
{
    const char *p = pattern, *end = pattern + len;
    while (p < end) {
        if (*p == '\\') {
            if (p + 1 == end) {
                *why = "a '\\' at the end, with nothing to escape";
                return -1;
            }
            p += 2;
        } else if (*p == '[') {
            if (!(p = set_end(p, end, why)))
                return -1;
        } else {
            p++;
        }
    }
    return 0;
}

/* Whether byte c is in the set that starts at p ('['), of a checked
 * pattern; *next is the byte after the set. */
static int set_match(struct glob *g, const char *p, unsigned char c, const char **next)
{
    const char *why, *close = set_end(p, g->p_end, &why) - 1; /* its ']' */
    int negate = 0, found = 0;
    glob_step(g, (uint64_t)(close - p));
    p++;
    if (*p == '!' || *p == '^') {
        negate = 1;
        p++;
    }
    while (p < close) {
        unsigned char lo = (unsigned char)(*p == '\\' ? *++p : *p);
        unsigned char hi = lo;
        p++;
        if (p + 1 < close && *p == '-') {
            p++;
            hi = (unsigned char)(*p == '\\' ? *++p : *p);
            p++;
        }
        if (lo <= c && c <= hi)
            found = 1;
    }
    *next = close + 1;
    return found != negate;
}

/* Whether the single-byte item at p (not '*') matches c; *next is the
 * item after it. */
static int item_match(struct glob *g, const char *p, unsigned char c, const char **next)
{
    glob_step(g, 1);
    if (*p == '[')
        return set_match(g, p, c, next);
    *next = p + 1;
    if (*p == '?')
        return 1;
    if (*p == '\\')
        *next = ++p + 1;
    return (unsigned char)*p == c;
}

int policy_glob_match_n(lua_State *L, const char *pattern, size_t plen, const char *s, size_t len)
{
    struct glob g = {pattern + plen, L, plen};
    const char *p = pattern, *end = pattern + plen;
    const char *star = NULL, *star_s = NULL; /* after the last '*', and where its match ends */
    const char *s_end = s + len;
    int matched = -1;
    while (matched < 0 && s < s_end) {
        const char *next;
        if (p < end && *p == '*') {
            while (p < end && *p == '*')
                p++;
            star = p;
            star_s = s;
        } else if (p < end && item_match(&g, p, (unsigned char)*s, &next)) {
            p = next;
            s++;
        } else if (star) {
            /* the last '*' takes one byte more, the rest starts again */
            p = star;
            s = ++star_s;
            glob_step(&g, 1);
        } else {
            matched = 0;
        }
    }
    while (p < end && *p == '*')
        p++;
    if (L)
        policy_sandbox_charge(L, g.steps, POLICY_WORK_LIBRARY);
    return matched < 0 ? p == end : matched;
}

int policy_glob_match(const char *pattern, const char *s)
{
    const char *why;
    size_t plen = strlen(pattern);
    if (policy_glob_check(pattern, plen, &why) != 0)
        return -1;
    return policy_glob_match_n(NULL, pattern, plen, s, strlen(s));
}
