/*
 * license.h — SPDX licence identifiers and licence expressions, and the
 * mapping of the licence names packages declare to SPDX.
 *
 * Implements SPDX 2.3 Annex A (short identifiers of the SPDX License List,
 * licences and exceptions, deprecated ids included; the table is generated
 * from the list CycloneDX ships, see tools/gen-spdx-ids.sh) and Annex D
 * (licence expressions: AND, OR, WITH, "+", parentheses, LicenseRef- and
 * DocumentRef-).  Identifiers match case-insensitively and come out in the
 * list's spelling; operators are case-sensitive (upper case) in strict mode.
 *
 * VG_LICENSE_MAP_NAMES adds the names found in real package metadata when,
 * and only when, they denote exactly one SPDX licence: Debian copyright
 * format 1.0 (DEP-5) short names ("GPL-2+", "LGPL-2.1+", "BSD-3-clause",
 * "Expat", "Apache-2", "GPL-2 with Linux-syscall-note exception") and
 * Fedora's / old RPM names ("GPLv2+", "ASL 2.0", "MPLv1.1"), with
 * lower-case operators.  Names that cover several licences ("BSD", "GPL"
 * without version, Fedora "LGPLv2", "public-domain") are not mapped.
 * docs/formats.md lists the rules.  SPDX 3 "AND"/"WITH" additions
 * (AdditionRef-) are not supported.
 */
#ifndef VIGIL_LICENSE_H
#define VIGIL_LICENSE_H

#include <stddef.h>
#include "vigil/arena.h"

#define VG_LICENSE_MAX_LEN 4096   /* longer expressions: VG_ERR_LIMIT */
#define VG_LICENSE_MAX_TOKENS 512 /* more tokens: VG_ERR_LIMIT */
#define VG_LICENSE_MAX_DEPTH 32   /* deeper parentheses: VG_ERR_LIMIT */

enum vg_license_flags {
    VG_LICENSE_STRICT = 0,      /* Annex D exactly, listed ids only */
    VG_LICENSE_ALLOW_REFS = 1,  /* also accept LicenseRef-x and DocumentRef-y:LicenseRef-x */
    VG_LICENSE_MAP_NAMES = 2,   /* also map DEP-5 / Fedora names, accept and/or/with in
                                   any case and names of several words ("ASL 2.0") */
};

typedef enum vg_license_shape {
    VG_LICENSE_SINGLE = 1, /* exactly one listed licence id: no "+", WITH, AND, OR, ref */
    VG_LICENSE_COMPOUND,   /* any other valid expression */
} vg_license_shape;

/* The SPDX License List spelling of licence id (len bytes, matched
 * case-insensitively), or NULL when it is not a listed licence.  Exception
 * ids are not licence ids.  Returns a static string. */
const char *vg_spdx_license_id(const char *id, size_t len);

/* The same for licence exception ids (Annex A.2), e.g. "Classpath-exception-2.0". */
const char *vg_spdx_exception_id(const char *id, size_t len);

/* Parses the licence expression expr (len bytes) under flags.  On success
 * returns VG_OK, *out = the canonical expression in arena (ids in list
 * spelling, operators in upper case, single spaces, only the parentheses
 * precedence needs: "+" > WITH > AND > OR) and *shape (may be NULL).
 * Otherwise VG_ERR_FORMAT (not a valid expression), VG_ERR_LIMIT (past the
 * limits above) or VG_ERR_NOMEM; *out is then NULL.  Never reads past len. */
int vg_license_parse(vg_arena *arena, const char *expr, size_t len, unsigned flags,
                     char **out, vg_license_shape *shape);

/* A licence expression as a tree: a term (one licence with its "+" and
 * WITH exception) or the AND / OR of two expressions. */
typedef enum vg_license_op {
    VG_LICENSE_TERM = 1,
    VG_LICENSE_AND,
    VG_LICENSE_OR,
} vg_license_op;

typedef struct vg_license_node {
    vg_license_op op;
    const char *license;   /* TERM: the licence id in the list's spelling (which
                              may itself end in "+": deprecated "GPL-2.0+"), or
                              the LicenseRef- / DocumentRef- as written */
    int plus;              /* TERM: followed by "+" */
    const char *exception; /* TERM: the WITH exception id in the list's spelling, or NULL */
    const struct vg_license_node *left, *right; /* AND, OR: the operands, in the
                                                   order written (a chain of one
                                                   operator nests to the left) */
} vg_license_node;

/* As vg_license_parse(), giving the expression as a tree in arena. */
int vg_license_parse_tree(vg_arena *arena, const char *expr, size_t len, unsigned flags,
                          const vg_license_node **out);

/* Nonzero when the licence term allowed (say, an entry of an allow-list)
 * permits the term term (both VG_LICENSE_TERM): the same exception, or
 * none on either side, and
 *   - the same licence, "-only" and "-or-later" / "+" aside; or
 *   - another version of the same licence where an "or later" allows it:
 *     term "GPL-2.0-or-later" is permitted by "GPL-3.0-only" (a version the
 *     recipient may choose), term "GPL-3.0-only" by "GPL-2.0-or-later",
 *     and two "or later" terms of one licence always meet.
 * Versions of one licence are the ids that differ only in a version at
 * their end, after the last '-' ("GPL-2.0", "GPL-3.0"; "OLDAP-2.0.1";
 * "LPPL-1.3c"), compared number by number.  This is the reading of "+"
 * (SPDX 2.3 Annex D.3) that the npm package spdx-satisfies implements with
 * a hand-kept table of licence families. */
int vg_license_term_allows(const vg_license_node *allowed, const vg_license_node *term);

/* Nonzero when expr is a valid SPDX 2.3 licence expression (strict,
 * LicenseRef-/DocumentRef- allowed).  For tests and callers without an arena. */
int vg_license_expression_valid(const char *expr);

/* A declared licence as a package states it, mapped to an SPDX expression
 * of listed ids (VG_LICENSE_MAP_NAMES, no refs): the canonical expression
 * in arena, with *shape set (may be NULL), or NULL when declared has no
 * exact SPDX equivalent (or on OOM). */
char *vg_license_to_spdx(vg_arena *arena, const char *declared, vg_license_shape *shape);

#endif
