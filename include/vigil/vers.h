/*
 * vers.h — version ranges in the "vers" notation of the purl specification
 * (github.com/package-url/purl-spec, VERSION-RANGE-SPEC.rst):
 *
 *   vers:maven/>=2.0.0|<2.17.1      the spec's form
 *   >=2.0.0|<2.17.1   >=2.0.0,<2.17.1   2.14.1   *
 *                                   the bare constraint list a purl carries
 *                                   after its '@' (`vigil inventory affected
 *                                   pkg:maven/G/A@>=2.0.0,<2.17.1`), with '|'
 *                                   or ',' between constraints
 *
 * A range is a list of constraints (comparator and version) that are
 * signposts on the version line: sorted by version they alternate between
 * lower bounds (>, >=) and upper bounds (<, <=), so ">=2.0.0,<2.17.1" is
 * the interval between them and ">=1|<1.5|>=2|<2.5" two intervals.  The
 * comma is only another spelling of the pipe: it never means "and" (a list
 * that does not alternate is refused, so no reading of a comma can
 * silently give another answer).
 *
 * Versions are ordered only by the ecosystem's comparator (version.h),
 * never as strings.  Use: vg_vers_parse() (syntax only), then
 * vg_vers_check() (the versions against the scheme, sorted, validated),
 * then vg_vers_contains() per version.
 *
 * Containment is the spec's procedure ("Checking if a version is contained
 * within a range"), read so that a single bound works: the first
 * constraint, when an upper bound, contains everything below it; the last,
 * when a lower bound, everything above it.  A range of only "!="
 * constraints contains every other version (the spec's procedure would
 * contain none).
 *
 * Bounded: at most VG_VERS_MAX_LEN bytes and VG_VERS_MAX_CONSTRAINTS
 * constraints; no allocation (a vg_vers holds its own text).
 * Leaves out: the spec's simplification of redundant constraints (they are
 * refused instead) and native range notations (npm "^1.2", Maven "[1,2)").
 */
#ifndef VIGIL_VERS_H
#define VIGIL_VERS_H

#include <stddef.h>

#include "vigil/error.h"
#include "vigil/version.h"

#define VG_VERS_MAX_LEN 4096       /* longer ranges: VG_ERR_LIMIT */
#define VG_VERS_MAX_CONSTRAINTS 64 /* more constraints: VG_ERR_LIMIT */

typedef enum vg_vers_op {
    VG_VERS_EQ = 1, /* a bare version */
    VG_VERS_NE,     /* != */
    VG_VERS_LT,     /* < */
    VG_VERS_LE,     /* <= */
    VG_VERS_GT,     /* > */
    VG_VERS_GE,     /* >= */
} vg_vers_op;

typedef struct vg_vers_constraint {
    vg_vers_op op;
    const char *version; /* percent-decoded, in the vg_vers's text */
} vg_vers_constraint;

typedef struct vg_vers {
    char scheme[32]; /* the versioning scheme after "vers:", or "" for a bare list */
    int star;        /* "*": every version */
    vg_vers_constraint constraints[VG_VERS_MAX_CONSTRAINTS];
    size_t n;
    int checked;     /* vg_vers_check() sorted and validated it */
    char text[VG_VERS_MAX_LEN + 1]; /* the versions, NUL-separated */
} vg_vers;

/* Parses s[0..len) into *out: spaces and tabs removed; "vers:SCHEME/" or
 * none; then "*" alone or constraints split on '|' (and, without "vers:",
 * on ',' — one separator kind per range), each an optional comparator
 * (>=, <=, !=, <, >, or none for equality) and a version, percent-decoded.
 * Errors (message in ctx, naming the problem): VG_ERR_FORMAT for an empty
 * range or version, an unknown comparator ("=" or "=="), a '*' with
 * anything else, a mix of ',' and '|', a bad %XX escape, a byte that is not
 * printable ASCII, a scheme that is not lower-case [a-z0-9.+-]; VG_ERR_LIMIT
 * past the bounds above. */
int vg_vers_parse(vg_ctx *ctx, const char *s, size_t len, vg_vers *out);

/* Checks the parsed range against scheme (the comparator of the component
 * type it will be applied to) and sorts its constraints by version.
 * Errors: VG_ERR_FORMAT for a version the scheme cannot read, a version
 * named twice, or a list that does not alternate (spec, "Normalized,
 * canonical representation and validation"); VG_ERR_UNSUPPORTED for
 * VG_VERSION_UNKNOWN with anything but "*", "=" and "!=" constraints (no
 * order to use: then versions are compared as exact strings). */
int vg_vers_check(vg_ctx *ctx, vg_vers *range, vg_version_scheme scheme);

/* Whether version is in range (checked with vg_vers_check() for the same
 * scheme): *out = 1 or 0.  The status of the comparator when it cannot
 * read version (VG_ERR_FORMAT, VG_ERR_LIMIT): then *out is untouched and
 * the caller says "not evaluated", never "outside". */
int vg_vers_contains(const vg_vers *range, vg_version_scheme scheme, const char *version, int *out);

/* The canonical text of a checked range, "vers:SCHEME/C|C|..." with the
 * constraints in version order (versions as given, '%'-escaping the
 * characters the spec reserves), into buf[size]; scheme names the
 * versioning scheme when the range had none.  Truncated (still
 * NUL-terminated) when buf is too small. */
void vg_vers_format(const vg_vers *range, const char *scheme, char *buf, size_t size);

#endif
