/*
 * purl_parse.c — takes package URLs apart (vg_purl_parse(), purl.h), as the
 * purl specification says: github.com/package-url/purl-spec,
 * PURL-SPECIFICATION.rst, "How to parse a purl string in its components",
 * and the per-type rules of PURL-TYPES.rst that its test suite
 * (test-suite-data.json) checks.
 *
 *   pkg:TYPE/NAMESPACE/NAME@VERSION?KEY=VALUE&...#SUBPATH
 *
 * Steps, in the spec's order: the subpath after the last '#' (segments
 * split on '/', empty, "." and ".." segments dropped, each
 * percent-decoded); qualifiers after the last '?' (split on '&', key and
 * value split on the first '=', keys lower-cased and checked, values
 * decoded, empty values dropped, duplicate keys refused); the scheme before
 * the first ':' ("pkg", any case); leading '/' dropped; the type up to the
 * first '/' (lower-cased, [a-z0-9.+-], not starting with a digit); the
 * version after the last '@'; the name after the last '/'; the rest is the
 * namespace (empty segments dropped).  Type rules: namespace and name
 * lower-cased for alpm, apk, bitbucket, composer, deb, github, hex;
 * namespace for rpm and qpkg; pypi names lower-cased with '_' -> '-';
 * maven and swift need a namespace; cran and swift a version; conan a
 * "channel" qualifier exactly when it has a namespace.
 *
 * Bounded: at most VG_PURL_MAX_LENGTH bytes and 64 qualifiers; a decoded
 * NUL byte, a bad %XX escape, or a '/' decoded inside the name or a
 * namespace or subpath segment ("%2F", which would change the segments
 * when the purl is written again) makes the purl invalid.
 * Leaves out: the type rules the test suite does not check (e.g. which
 * types forbid a namespace); checksum qualifier syntax.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/digest.h"
#include "vigil/purl.h"

#define PURL_MAX_QUALIFIERS 64

/* Percent-decodes s[0..n) into the arena.  NULL with *bad = 1 on a bad
 * escape or a decoded NUL; NULL with *bad = 0 on OOM. */
static char *decode(vg_arena *arena, const char *s, size_t n, int *bad)
{
    *bad = 0;
    char *out = vg_arena_alloc(arena, n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (n - i < 3) {
                *bad = 1;
                return NULL;
            }
            int h = vg_hex_digit((unsigned char)s[i + 1]), l = vg_hex_digit((unsigned char)s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                *bad = 1;
                return NULL;
            }
            out[k++] = (char)(h * 16 + l);
            i += 2;
        } else if (s[i] == '\0') {
            *bad = 1;
            return NULL;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* Decodes the '/'-separated segments of s[0..n), dropping empty ones (and
 * "." / ".." when subpath), joined by '/'.  NULL result (*out) when no
 * segment is left.  0, -1 invalid, -2 OOM. */
static int decode_segments(vg_arena *arena, const char *s, size_t n, int subpath, char **out)
{
    *out = NULL;
    char *joined = vg_arena_alloc(arena, n + 1);
    if (!joined)
        return -2;
    size_t k = 0;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        if (j > i) {
            int bad;
            char *seg = decode(arena, s + i, j - i, &bad);
            if (!seg)
                return bad ? -1 : -2;
            int skip = !*seg || (subpath && (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0));
            if (!skip) {
                if (strchr(seg, '/'))
                    return -1; /* a segment may not contain '/' once decoded */
                size_t len = strlen(seg);
                if (k)
                    joined[k++] = '/';
                memcpy(joined + k, seg, len); /* decoded length <= encoded length */
                k += len;
            }
        }
        i = j + 1;
    }
    joined[k] = '\0';
    if (k)
        *out = joined;
    return 0;
}

static int valid_type(const char *t)
{
    if (!*t || (t[0] >= '0' && t[0] <= '9'))
        return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '.' || *t == '+' || *t == '-'))
            return 0;
    return 1;
}

static int valid_key(const char *k)
{
    if (!*k || (k[0] >= '0' && k[0] <= '9'))
        return 0;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.' || *k == '-' || *k == '_'))
            return 0;
    return 1;
}

static int qualifier_cmp(const void *a, const void *b)
{
    return strcmp(((const vg_purl_qualifier *)a)->key, ((const vg_purl_qualifier *)b)->key);
}

const char *vg_purl_qualifier_get(const vg_purl *p, const char *key)
{
    for (size_t i = 0; i < p->nqualifiers; i++)
        if (strcmp(p->qualifiers[i].key, key) == 0)
            return p->qualifiers[i].value;
    return NULL;
}

#define INVALID(msg)          \
    do {                      \
        if (why)              \
            *why = (msg);     \
        return -1;            \
    } while (0)

/* A decode() failure: OOM, or an invalid purl with message msg. */
#define DECODE_FAILED(bad, msg) \
    do {                        \
        if (!(bad))             \
            return -2;          \
        INVALID(msg);           \
    } while (0)

int vg_purl_parse(vg_arena *arena, const char *s, size_t len, vg_purl *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (why)
        *why = NULL;
    if (!s || len == 0)
        INVALID("empty purl");
    if (len > VG_PURL_MAX_LENGTH)
        INVALID("purl too long");
    if (memchr(s, '\0', len))
        INVALID("NUL byte in purl");
    size_t end = len;

    /* subpath */
    const char *hash = memchr(s, '#', end);
    if (hash) {
        /* the last '#': the subpath is everything after it */
        for (const char *p = hash; p < s + end; p++)
            if (*p == '#')
                hash = p;
        char *sub;
        int rc = decode_segments(arena, hash + 1, (size_t)(s + end - hash - 1), 1, &sub);
        if (rc == -2)
            return -2;
        if (rc)
            INVALID("bad subpath");
        out->subpath = sub;
        end = (size_t)(hash - s);
    }

    /* qualifiers */
    const char *q = NULL;
    for (size_t i = end; i > 0; i--)
        if (s[i - 1] == '?') {
            q = s + i - 1;
            break;
        }
    if (q) {
        size_t qn = (size_t)(s + end - q - 1);
        const char *qs = q + 1;
        vg_purl_qualifier *list = vg_arena_calloc(arena, PURL_MAX_QUALIFIERS, sizeof *list);
        if (!list)
            return -2;
        size_t count = 0, i = 0;
        while (i <= qn) {
            size_t j = i;
            while (j < qn && qs[j] != '&')
                j++;
            if (j > i) {
                const char *eq = memchr(qs + i, '=', j - i);
                if (!eq)
                    INVALID("qualifier without '='");
                size_t klen = (size_t)(eq - (qs + i));
                int bad;
                char *key = decode(arena, qs + i, klen, &bad);
                if (!key)
                    DECODE_FAILED(bad, "bad qualifier key");
                lower(key);
                if (!valid_key(key))
                    INVALID("invalid qualifier key");
                char *value = decode(arena, eq + 1, (size_t)(qs + j - eq - 1), &bad);
                if (!value)
                    DECODE_FAILED(bad, "bad qualifier value");
                if (*value) {
                    for (size_t k = 0; k < count; k++)
                        if (strcmp(list[k].key, key) == 0)
                            INVALID("duplicate qualifier key");
                    if (count == PURL_MAX_QUALIFIERS)
                        INVALID("too many qualifiers");
                    list[count].key = key;
                    list[count].value = value;
                    count++;
                }
            }
            i = j + 1;
        }
        qsort(list, count, sizeof *list, qualifier_cmp);
        out->qualifiers = count ? list : NULL;
        out->nqualifiers = count;
        end = (size_t)(q - s);
    }

    /* scheme */
    const char *colon = memchr(s, ':', end);
    if (!colon || colon - s != 3 || strncasecmp(s, "pkg", 3) != 0)
        INVALID("scheme is not pkg:");
    const char *p = colon + 1, *stop = s + end;
    while (p < stop && *p == '/')
        p++;

    /* type */
    const char *slash = memchr(p, '/', (size_t)(stop - p));
    if (!slash)
        INVALID("no type");
    char *type = vg_arena_strndup(arena, p, (size_t)(slash - p));
    if (!type)
        return -2;
    lower(type);
    if (!valid_type(type))
        INVALID("invalid type");
    out->type = type;
    p = slash + 1;
    while (stop > p && stop[-1] == '/')
        stop--;

    /* version: after the last '@' */
    const char *at = NULL;
    for (const char *x = stop; x > p; x--)
        if (x[-1] == '@') {
            at = x - 1;
            break;
        }
    if (at) {
        int bad;
        char *version = decode(arena, at + 1, (size_t)(stop - at - 1), &bad);
        if (!version)
            DECODE_FAILED(bad, "bad version");
        out->version = *version ? version : NULL;
        stop = at;
    }

    /* name: after the last '/' */
    const char *name_start = stop;
    while (name_start > p && name_start[-1] != '/')
        name_start--;
    int bad;
    char *name = decode(arena, name_start, (size_t)(stop - name_start), &bad);
    if (!name)
        DECODE_FAILED(bad, "bad name");
    if (!*name)
        INVALID("a name is required");
    if (strchr(name, '/'))
        INVALID("a name cannot contain '/'");
    char *ns = NULL;
    if (name_start > p) {
        int rc = decode_segments(arena, p, (size_t)(name_start - p), 0, &ns);
        if (rc == -2)
            return -2;
        if (rc)
            INVALID("bad namespace");
    }

    /* type rules */
    static const char *const lower_both[] = {"alpm", "apk", "bitbucket", "composer", "deb", "github", "hex"};
    for (size_t i = 0; i < sizeof lower_both / sizeof lower_both[0]; i++)
        if (strcmp(type, lower_both[i]) == 0) {
            lower(name);
            if (ns)
                lower(ns);
        }
    if ((strcmp(type, "rpm") == 0 || strcmp(type, "qpkg") == 0) && ns)
        lower(ns);
    if (strcmp(type, "pypi") == 0) {
        lower(name);
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = '-';
    }
    if ((strcmp(type, "maven") == 0 || strcmp(type, "swift") == 0) && !ns)
        INVALID("this type requires a namespace");
    if ((strcmp(type, "cran") == 0 || strcmp(type, "swift") == 0) && !out->version)
        INVALID("this type requires a version");
    if (strcmp(type, "conan") == 0 && (ns != NULL) != (vg_purl_qualifier_get(out, "channel") != NULL))
        INVALID("conan: a namespace requires the channel qualifier and the reverse");
    out->namespace_ = ns;
    out->name = name;
    return 0;
}
