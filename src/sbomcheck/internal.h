/*
 * internal.h — what the readers of sbomcheck (one file per format) share:
 * growing the document's arrays in its arena, within the limits of
 * vigil/sbomcheck.h, and small JSON helpers.
 */
#ifndef VIGIL_SBOMCHECK_INTERNAL_H
#define VIGIL_SBOMCHECK_INTERNAL_H

#include "vigil/jtree.h"
#include "vigil/sbomcheck.h"

/* A new zeroed component at the end of doc->components (NULL: out of
 * memory or past VG_SBOMCHECK_MAX_COMPONENTS, with the error in ctx). */
vg_sbomcheck_component *sbomcheck_add_component(vg_ctx *ctx, const char *name, vg_sbomcheck_doc *doc);
int sbomcheck_add_edge(vg_ctx *ctx, const char *name, vg_sbomcheck_doc *doc, const char *from, const char *to);
int sbomcheck_add_other_ref(vg_ctx *ctx, vg_sbomcheck_doc *doc, const char *ref);
/* Appends s to the list *list of *n strings in the arena: VG_ERR_NOMEM, or
 * VG_ERR_LIMIT when it has max already. */
#define SBOMCHECK_FIELD_MAX 4096 /* values of one field of one component */
int sbomcheck_push(vg_ctx *ctx, vg_arena *arena, const char ***list, size_t *n, size_t max, const char *s);
int sbomcheck_push_licence(vg_ctx *ctx, vg_arena *arena, vg_sbomcheck_component *c,
                           vg_sbomcheck_licence_kind kind, const char *text, int concluded);
/* The string member key of o when it is a non-empty string, else NULL. */
const char *sbomcheck_str(const vg_jval *o, const char *key);
/* 1 when s looks like an e-mail address or a URL (holds '@', or "://"). */
int sbomcheck_is_contact(const char *s);

int sbomcheck_read_cyclonedx(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc);
int sbomcheck_read_spdx2(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc);
int sbomcheck_read_spdx3(vg_ctx *ctx, const char *name, const vg_jval *root, vg_sbomcheck_doc *doc);

#endif
