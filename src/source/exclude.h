/*
 * exclude.h — the paths of a target left out by --exclude GLOB (source.h,
 * vg_scan_options.exclude).  Internal to src/source/.
 *
 * A pattern is a path relative to the scanned root: it begins with "./" or
 * "/" (both: the root), "*\/" or "**\/"; a trailing "/" is dropped.  Each
 * "/"-separated part is matched against one path component with fnmatch(3)
 * ("*", "?", "[...]", "\" escapes; "*" also matches a leading dot); a part
 * that is exactly "**" matches any number of components, none included.
 * A path is excluded when it, or one of the directories above it, matches.
 */
#ifndef VIGIL_SOURCE_EXCLUDE_H
#define VIGIL_SOURCE_EXCLUDE_H

#include <stddef.h>

#include "vigil/error.h"

#define VG_EXCLUDE_MAX_PATTERNS 256
#define VG_EXCLUDE_MAX_PATTERN 1024  /* bytes of one pattern */
#define VG_EXCLUDE_MAX_COMPONENT 255 /* bytes of one path component (NAME_MAX) */

typedef struct vg_exclude_pattern {
    char **parts;   /* the "/"-separated parts, "." and empty ones dropped */
    size_t nparts;
} vg_exclude_pattern;

typedef struct vg_exclude {
    vg_exclude_pattern *patterns;
    size_t n;
} vg_exclude;

/* Reads patterns[0..n) into ex (which needs no init); VG_OK, or
 * VG_ERR_USAGE with a message naming the bad pattern, or VG_ERR_NOMEM.
 * ex is to be freed with vg_exclude_free() either way. */
int vg_exclude_init(vg_ctx *ctx, vg_exclude *ex, const char *const *patterns, size_t n);
void vg_exclude_free(vg_exclude *ex);

/* Nonzero when path (len bytes, relative to the root, normalised: no
 * leading "/", no "." or ".." parts) or a directory above it matches one
 * of the patterns of ex (which may be NULL: nothing is excluded). */
int vg_exclude_match(const vg_exclude *ex, const char *path, size_t len);

#endif
