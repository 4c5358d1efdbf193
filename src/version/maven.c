/*
 * maven.c — Maven version ordering, as org.apache.maven.artifact.
 * versioning.ComparableVersion implements it in Maven 3.8.7 (Debian 12's
 * maven-artifact.jar; the rules of the Maven "Version Order
 * Specification").  The version is lower-cased and split into a chain of
 * lists: '.' separates items, '-' and every switch between digits and
 * letters start a nested list, and so does a qualifier followed by digits
 * or ending the version when the current list is not empty ("1.0.X1 <
 * 1.0-X2"); an empty item is 0.  Numbers compare by
 * value; qualifiers alpha < beta < milestone < rc = cr < snapshot < "" =
 * ga = final = release < sp < other qualifiers (lexically); a1/b1/m1 are
 * alpha-1/beta-1/milestone-1.  Trailing "null" items (0, "", empty lists)
 * are dropped from each list, and a missing item compares as null.
 *
 * Maven orders every string.  vigil accepts non-empty printable ASCII
 * without white space (other characters would make Java's Unicode digit
 * and case rules matter) and refuses the rest with VG_ERR_FORMAT.
 */
#include <string.h>

#include "version/version_internal.h"

enum { MVN_INT, MVN_STRING };

typedef struct mvn_item {
    const char *s;  /* digits without leading zeros, or the qualifier */
    size_t len;
    int kind;
    int depth;      /* which list of the chain it belongs to */
} mvn_item;

typedef struct mvn_version {
    mvn_item items[VG_VERSION_MAX_LEN + 1];
    size_t nitems;
    size_t first[VG_VERSION_MAX_LEN + 2]; /* first item of list d */
    size_t count[VG_VERSION_MAX_LEN + 2]; /* items of list d after trimming */
    int child[VG_VERSION_MAX_LEN + 2];    /* list d holds a non-empty list d+1 */
    int depth;                            /* deepest list */
    char lower[VG_VERSION_MAX_LEN + 1];
} mvn_version;

static const char *const MVN_QUALIFIERS[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
#define MVN_RELEASE_RANK 5
#define MVN_UNKNOWN_RANK 7

static int qualifier_rank(const char *s, size_t len)
{
    for (int i = 0; i < MVN_UNKNOWN_RANK; i++)
        if (strlen(MVN_QUALIFIERS[i]) == len && memcmp(MVN_QUALIFIERS[i], s, len) == 0)
            return i;
    return MVN_UNKNOWN_RANK;
}

static void mvn_add(mvn_version *v, int depth, const char *s, size_t len, int digit, int followed_by_digit)
{
    mvn_item *it = &v->items[v->nitems++];
    it->depth = depth;
    if (digit) {
        while (len > 1 && *s == '0')
            s++, len--;
        it->kind = MVN_INT;
    } else {
        it->kind = MVN_STRING;
        if (followed_by_digit && len == 1) {
            if (*s == 'a')
                s = "alpha", len = 5;
            else if (*s == 'b')
                s = "beta", len = 4;
            else if (*s == 'm')
                s = "milestone", len = 9;
        }
        if ((len == 2 && !memcmp(s, "ga", 2)) || (len == 5 && !memcmp(s, "final", 5)) ||
            (len == 7 && !memcmp(s, "release", 7)))
            s = "", len = 0;
        else if (len == 2 && !memcmp(s, "cr", 2))
            s = "rc";
    }
    it->s = s;
    it->len = len;
}

static int item_is_null(const mvn_item *it)
{
    if (it->kind == MVN_INT)
        return it->len == 1 && it->s[0] == '0';
    return it->len == 0;
}

static int mvn_parse(const char *v, mvn_version *out)
{
    size_t len = strlen(v);
    if (len == 0)
        return VG_ERR_FORMAT;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)v[i];
        if (c <= ' ' || c >= 0x7f)
            return VG_ERR_FORMAT;
        out->lower[i] = (char)version_to_lower(c);
    }
    const char *s = out->lower;
    out->nitems = 0;
    int depth = 0, is_digit = 0;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' || c == '-') {
            if (i == start)
                mvn_add(out, depth, "0", 1, 1, 0);
            else
                mvn_add(out, depth, s + start, i - start, is_digit, 0);
            start = i + 1;
            if (c == '-')
                depth++;
        } else if (version_is_digit((unsigned char)c)) {
            if (!is_digit && i > start) {
                /* "1.0.X1 < 1.0-X2": a qualifier followed by digits starts
                 * a list of its own unless it opens the current one. */
                if (out->nitems > 0 && out->items[out->nitems - 1].depth == depth)
                    depth++;
                mvn_add(out, depth, s + start, i - start, 0, 1);
                start = i;
                depth++;
            }
            is_digit = 1;
        } else {
            if (is_digit && i > start) {
                mvn_add(out, depth, s + start, i - start, 1, 0);
                start = i;
                depth++;
            }
            is_digit = 0;
        }
    }
    if (len > start) {
        if (!is_digit && out->nitems > 0 && out->items[out->nitems - 1].depth == depth)
            depth++;
        mvn_add(out, depth, s + start, len - start, is_digit, 0);
    }
    out->depth = depth;
    /* Lists are a chain: list d holds its items, then list d+1 (if any).
     * Normalise from the deepest list up, as Maven does. */
    size_t k = 0;
    for (int d = 0; d <= depth; d++) {
        out->first[d] = k;
        while (k < out->nitems && out->items[k].depth == d)
            k++;
        out->count[d] = k - out->first[d];
    }
    int child_nonempty = 0;
    for (int d = depth; d >= 0; d--) {
        out->child[d] = d < depth && child_nonempty;
        size_t n = out->count[d];
        while (n > 0 && item_is_null(&out->items[out->first[d] + n - 1]))
            n--;
        out->count[d] = n;
        child_nonempty = n > 0 || out->child[d];
    }
    return VG_OK;
}

/* Kinds of element in a list: a scalar item, the nested list, or nothing. */
enum { EL_NONE, EL_ITEM, EL_LIST };

static int string_cmp(const mvn_item *a, const mvn_item *b)
{
    int ra = qualifier_rank(a->s, a->len), rb = qualifier_rank(b->s, b->len);
    if (ra != rb || ra != MVN_UNKNOWN_RANK)
        return version_sign(ra - rb);
    int r = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
    if (r)
        return version_sign(r);
    return (a->len > b->len) - (a->len < b->len);
}

static int list_cmp(const mvn_version *a, int da, const mvn_version *b, int db);

static int item_vs_null(const mvn_item *it)
{
    if (it->kind == MVN_INT)
        return item_is_null(it) ? 0 : 1;
    return version_sign(qualifier_rank(it->s, it->len) - MVN_RELEASE_RANK);
}

/* An element against a missing one (Item.compareTo(null)); a list
 * compares each of its elements against null in turn (MNG-6964), and the
 * nested list is the last element of each list. */
static int vs_null(const mvn_version *v, int kind, const mvn_item *it, int d)
{
    if (kind == EL_ITEM)
        return item_vs_null(it);
    for (;; d++) {
        for (size_t i = 0; i < v->count[d]; i++) {
            int r = item_vs_null(&v->items[v->first[d] + i]);
            if (r)
                return r;
        }
        if (!v->child[d])
            return 0;
    }
}

static int element_cmp(const mvn_version *a, int ka, const mvn_item *ia, int da,
                       const mvn_version *b, int kb, const mvn_item *ib, int db)
{
    if (ka == EL_NONE && kb == EL_NONE)
        return 0;
    if (ka == EL_NONE)
        return -vs_null(b, kb, ib, db);
    if (kb == EL_NONE)
        return vs_null(a, ka, ia, da);
    if (ka == EL_LIST && kb == EL_LIST)
        return list_cmp(a, da, b, db);
    if (ka == EL_LIST)
        return ib->kind == MVN_INT ? -1 : 1;
    if (kb == EL_LIST)
        return ia->kind == MVN_INT ? 1 : -1;
    if (ia->kind != ib->kind)
        return ia->kind == MVN_INT ? 1 : -1;
    if (ia->kind == MVN_INT)
        return version_digits_cmp(ia->s, ia->len, ib->s, ib->len);
    return string_cmp(ia, ib);
}

/* Compares list da of a with list db of b, element by element. */
static int list_cmp(const mvn_version *a, int da, const mvn_version *b, int db)
{
    for (;;) {
        size_t na = a->count[da] + (size_t)a->child[da];
        size_t nb = b->count[db] + (size_t)b->child[db];
        size_t n = na > nb ? na : nb;
        for (size_t i = 0; i < n; i++) {
            int ka = i < a->count[da] ? EL_ITEM : i < na ? EL_LIST : EL_NONE;
            int kb = i < b->count[db] ? EL_ITEM : i < nb ? EL_LIST : EL_NONE;
            const mvn_item *ia = ka == EL_ITEM ? &a->items[a->first[da] + i] : NULL;
            const mvn_item *ib = kb == EL_ITEM ? &b->items[b->first[db] + i] : NULL;
            if (ka == EL_LIST && kb == EL_LIST) {
                /* Both lists end here: continue with the nested lists
                 * iteratively (the chain can be as deep as the input). */
                da++, db++;
                goto next_level;
            }
            int r = element_cmp(a, ka, ia, da + (ka == EL_LIST), b, kb, ib, db + (kb == EL_LIST));
            if (r)
                return r;
        }
        return 0;
    next_level:;
    }
}

int version_valid_maven(const char *v)
{
    size_t len = strlen(v);
    if (len == 0)
        return VG_ERR_FORMAT;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
            return VG_ERR_FORMAT;
    return VG_OK;
}

int version_cmp_maven(const char *a, const char *b, int *out)
{
    /* Two parsed versions are ~70 KiB: too much for small thread stacks,
     * so they live in thread-local storage. */
    static _Thread_local mvn_version va, vb;
    if (mvn_parse(a, &va) != VG_OK || mvn_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    *out = list_cmp(&va, 0, &vb, 0);
    return VG_OK;
}
