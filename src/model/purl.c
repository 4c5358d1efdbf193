/*
 * purl.c — builds package URLs (purl.h) as the purl specification says:
 * github.com/package-url/purl-spec, PURL-SPECIFICATION.rst ("How to build
 * purl string from its components", "Character encoding" / ECMA-427
 * "Permitted characters") and PURL-TYPES.rst for the per-type rules.
 *
 *   pkg:TYPE/NAMESPACE/NAME@VERSION?KEY=VALUE&...#SUBPATH
 *
 * - type is lower-cased and not encoded;
 * - namespace is split on '/', empty segments are dropped, and each segment
 *   is percent-encoded; name and version are percent-encoded;
 * - qualifiers: keys lower-cased, pairs with an empty value dropped, sorted
 *   by key, values percent-encoded;
 * - percent-encoding keeps the ASCII alphanumerics, the punctuation ".-_~"
 *   and ':' (which the spec says is never encoded) and encodes every other
 *   byte of the UTF-8 string as %XX with upper-case hex.  In qualifier
 *   values '/' is also kept, as the spec's test suite does
 *   (repository_url=repo.spring.io/release).
 * - type-specific normalisation from PURL-TYPES.rst: namespace and name
 *   lower-cased for alpm, apk, bitbucket, composer, deb, github and hex;
 *   rpm and qpkg lower-case the namespace only; pypi lower-cases the name
 *   and replaces '_' with '-'.
 *
 * Left out: subpaths (no cataloger needs one yet), parsing purls, and
 * validation of type-specific required parts (a deb purl without namespace
 * is built as given).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/buf.h"
#include "vigil/inventory.h"
#include "vigil/purl.h"

#define PURL_MAX ((size_t)1 << 20) /* longest package URL built */

enum {
    LOWER_NAMESPACE = 1,
    LOWER_NAME = 2,
    PYPI_NAME = 4, /* '_' -> '-' as well */
};

/* Per-type normalisation rules from PURL-TYPES.rst. */
static const struct {
    const char *type;
    int rules;
} type_rules[] = {
    {"alpm", LOWER_NAMESPACE | LOWER_NAME},
    {"apk", LOWER_NAMESPACE | LOWER_NAME},
    {"bitbucket", LOWER_NAMESPACE | LOWER_NAME},
    {"composer", LOWER_NAMESPACE | LOWER_NAME},
    {"deb", LOWER_NAMESPACE | LOWER_NAME},
    {"github", LOWER_NAMESPACE | LOWER_NAME},
    {"hex", LOWER_NAMESPACE | LOWER_NAME},
    {"pypi", LOWER_NAME | PYPI_NAME},
    {"qpkg", LOWER_NAMESPACE},
    {"rpm", LOWER_NAMESPACE},
};

static int rules_for(const char *type)
{
    for (size_t i = 0; i < sizeof type_rules / sizeof type_rules[0]; i++)
        if (strcasecmp(type_rules[i].type, type) == 0)
            return type_rules[i].rules;
    return 0;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_' || c == '~';
}

/* Appends s[0..len) percent-encoded.  keep_slash: '/' is left as is.
 * lower: ASCII letters are lower-cased first; pypi: '_' becomes '-'. */
static int add_encoded(vg_buf *out, const char *s, size_t len, int keep_slash, int lower, int pypi)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (lower)
            ch = ascii_lower(ch);
        if (pypi && ch == '_')
            ch = '-';
        unsigned char c = (unsigned char)ch;
        int rc;
        if (is_unreserved(c) || c == ':' || (keep_slash && c == '/')) {
            rc = vg_buf_addc(out, (char)c);
        } else {
            char trip[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = vg_buf_add(out, trip, 3);
        }
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int cmp_qualifier(const void *a, const void *b)
{
    const vg_purl_qualifier *x = *(const vg_purl_qualifier *const *)a;
    const vg_purl_qualifier *y = *(const vg_purl_qualifier *const *)b;
    /* keys compare case-insensitively since they are lower-cased on output */
    for (size_t i = 0;; i++) {
        char cx = ascii_lower(x->key[i]), cy = ascii_lower(y->key[i]);
        if (cx != cy)
            return (unsigned char)cx < (unsigned char)cy ? -1 : 1;
        if (!cx)
            break;
    }
    /* equal keys: keep the caller's order (pointers are into one array) */
    return x < y ? -1 : x > y;
}

static int keys_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (ascii_lower(*a) != ascii_lower(*b))
            return 0;
        if (!*a)
            return 1;
    }
}

static int add_qualifiers(vg_buf *out, const vg_purl_qualifier *qualifiers, size_t n)
{
    if (!n)
        return VG_OK;
    const vg_purl_qualifier **sorted = calloc(n, sizeof *sorted);
    if (!sorted)
        return VG_ERR_NOMEM;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (qualifiers[i].key && qualifiers[i].key[0] && qualifiers[i].value && qualifiers[i].value[0])
            sorted[used++] = &qualifiers[i];
    qsort(sorted, used, sizeof *sorted, cmp_qualifier);
    int rc = VG_OK;
    const vg_purl_qualifier *prev = NULL;
    for (size_t i = 0; i < used && rc == VG_OK; i++) {
        const vg_purl_qualifier *q = sorted[i];
        if (prev && keys_equal(prev->key, q->key))
            continue; /* a key appears once; the first given wins */
        if ((rc = vg_buf_addc(out, prev ? '&' : '?')) != VG_OK)
            break;
        /* keys are lower-case ASCII per the spec; encode defensively */
        if ((rc = add_encoded(out, q->key, strlen(q->key), 0, 1, 0)) != VG_OK ||
            (rc = vg_buf_addc(out, '=')) != VG_OK ||
            (rc = add_encoded(out, q->value, strlen(q->value), 1, 0, 0)) != VG_OK)
            break;
        prev = q;
    }
    free(sorted);
    return rc;
}

char *vg_purl_format(vg_arena *arena, const char *type, const char *namespace_,
                     const char *name, const char *version,
                     const vg_purl_qualifier *qualifiers, size_t nqualifiers)
{
    if (!type || !type[0] || !name)
        return NULL;
    vg_buf out;
    vg_buf_init(&out, PURL_MAX);
    int rules = rules_for(type);
    int rc = vg_buf_addstr(&out, "pkg:");
    for (const char *t = type; rc == VG_OK && *t; t++)
        rc = vg_buf_addc(&out, ascii_lower(*t));
    if (rc == VG_OK)
        rc = vg_buf_addc(&out, '/');

    /* namespace: segments between '/', empty ones dropped */
    for (const char *seg = namespace_; rc == VG_OK && seg && *seg;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len) {
            rc = add_encoded(&out, seg, len, 0, rules & LOWER_NAMESPACE, 0);
            if (rc == VG_OK)
                rc = vg_buf_addc(&out, '/');
        }
        seg = end ? end + 1 : seg + len;
    }

    /* name: leading and trailing '/' stripped */
    size_t nlen = strlen(name);
    while (nlen && name[0] == '/')
        name++, nlen--;
    while (nlen && name[nlen - 1] == '/')
        nlen--;
    if (rc == VG_OK)
        rc = add_encoded(&out, name, nlen, 0, rules & LOWER_NAME, rules & PYPI_NAME);

    if (rc == VG_OK && version && version[0]) {
        rc = vg_buf_addc(&out, '@');
        if (rc == VG_OK)
            rc = add_encoded(&out, version, strlen(version), 0, 0, 0);
    }
    if (rc == VG_OK)
        rc = add_qualifiers(&out, qualifiers, nqualifiers);

    char *result = NULL;
    if (rc == VG_OK && out.data)
        result = vg_arena_strndup(arena, out.data, out.len);
    vg_buf_free(&out);
    return result;
}

char *vg_purl_distro(vg_arena *arena, const struct vg_os *os)
{
    if (!os || !os->id || !os->id[0])
        return NULL;
    if (os->version_id && os->version_id[0])
        return vg_arena_printf(arena, "%s-%s", os->id, os->version_id);
    return vg_arena_strdup(arena, os->id);
}
