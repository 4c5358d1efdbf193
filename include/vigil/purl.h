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

#endif
