/*
 * purl.h — package URLs, per the purl specification
 * (github.com/package-url/purl-spec, PURL-SPECIFICATION.rst and
 * PURL-TYPES.rst): pkg:type/namespace/name@version?qualifiers#subpath.
 *
 * Qualifiers are given unsorted; purl_format() sorts them by key, drops
 * empty values and percent-encodes every component as the spec requires.
 */
#ifndef VIGIL_PURL_H
#define VIGIL_PURL_H

#include <stddef.h>
#include "vigil/arena.h"

typedef struct vg_purl_qualifier {
    const char *key;   /* lower-case ASCII */
    const char *value; /* NULL or "" is omitted */
} vg_purl_qualifier;

/* Builds a package URL in arena.  namespace and version may be NULL.
 * Returns NULL on OOM. */
char *vg_purl_format(vg_arena *arena, const char *type, const char *namespace_,
                     const char *name, const char *version,
                     const vg_purl_qualifier *qualifiers, size_t nqualifiers);

/* The "distro" qualifier value for an OS: "ID-VERSION_ID" ("debian-12",
 * "alpine-3.10.9"), or ID alone, or NULL when the OS is unknown. */
struct vg_os;
char *vg_purl_distro(vg_arena *arena, const struct vg_os *os);

/* A package URL taken apart by vg_purl_parse() (src/model/purl_parse.c). */
typedef struct vg_purl {
    const char *type;          /* lower-cased */
    const char *namespace_;    /* decoded, segments joined by '/'; NULL when absent */
    const char *name;          /* decoded */
    const char *version;       /* decoded; NULL when absent */
    vg_purl_qualifier *qualifiers; /* decoded, keys lower-cased, sorted by key */
    size_t nqualifiers;
    const char *subpath;       /* decoded segments joined by '/'; NULL when absent */
} vg_purl;

#define VG_PURL_MAX_LENGTH 8192 /* longer purls are refused */

/* Parses the package URL s[0..len) into out, strings in arena, following
 * the "How to parse a purl string" steps of PURL-SPECIFICATION.rst: scheme
 * "pkg" (case-insensitive, "pkg://" accepted), type lower-cased,
 * percent-decoding of each segment, empty namespace segments dropped,
 * qualifier keys lower-cased, empty values dropped, subpath "." ".."
 * segments dropped, and the type rules the spec's test suite checks
 * (namespace/name lower-cased for deb, apk, alpm, bitbucket, github,
 * golang namespace, hex, pypi name with '_' -> '-'; a namespace required
 * for maven, and refused for types that have none...).
 * Returns 0, or -1 when s is not a valid purl (then *why, if non-NULL, is
 * a static message), or -2 on OOM. */
int vg_purl_parse(vg_arena *arena, const char *s, size_t len, vg_purl *out, const char **why);

/* The value of qualifier key of p, or NULL. */
const char *vg_purl_qualifier_get(const vg_purl *p, const char *key);

#endif
