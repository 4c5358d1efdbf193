/*
 * model.c — the neutral model of sbomcheck (vigil/sbomcheck.h): reading a
 * JSON document with the bounded reader (vigil/jtree.h), choosing the
 * reader of its format, and the arrays the readers fill.
 */
#include <string.h>

#include "internal.h"

static int grow(vg_ctx *ctx, vg_arena *arena, void **items, size_t *cap, size_t n, size_t size, size_t max,
                const char *name, const char *what)
{
    if (n < *cap)
        return VG_OK;
    if (n >= max)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %zu %s", name, max, what);
    size_t ncap = *cap ? *cap * 2 : 64;
    if (ncap > max)
        ncap = max;
    void *p = vg_arena_calloc(arena, ncap, size);
    if (!p)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    if (n)
        memcpy(p, *items, n * size);
    *items = p;
    *cap = ncap;
    return VG_OK;
}

vg_sbomcheck_component *sbomcheck_add_component(vg_ctx *ctx, const char *name, vg_sbomcheck_doc *doc)
{
    void *items = doc->components;
    if (grow(ctx, &doc->arena, &items, &doc->capacity_components, doc->ncomponents, sizeof *doc->components,
             VG_SBOMCHECK_MAX_COMPONENTS, name, "components"))
        return NULL;
    doc->components = items;
    vg_sbomcheck_component *c = &doc->components[doc->ncomponents++];
    memset(c, 0, sizeof *c);
    return c;
}

int sbomcheck_add_edge(vg_ctx *ctx, const char *name, vg_sbomcheck_doc *doc, const char *from, const char *to)
{
    void *items = doc->edges;
    int rc = grow(ctx, &doc->arena, &items, &doc->capacity_edges, doc->nedges, sizeof *doc->edges,
                  VG_SBOMCHECK_MAX_EDGES, name, "relationships");
    if (rc)
        return rc;
    doc->edges = items;
    doc->edges[doc->nedges++] = (vg_sbomcheck_edge){from, to};
    return VG_OK;
}

int sbomcheck_add_other_ref(vg_ctx *ctx, vg_sbomcheck_doc *doc, const char *ref)
{
    void *items = (void *)doc->other_refs;
    int rc = grow(ctx, &doc->arena, &items, &doc->capacity_other, doc->nother_refs, sizeof *doc->other_refs,
                  VG_SBOMCHECK_MAX_EDGES, "document", "elements");
    if (rc)
        return rc;
    doc->other_refs = items;
    doc->other_refs[doc->nother_refs++] = ref;
    return VG_OK;
}

/* The capacity of a list is implicit: the next power of two at or above
 * its length, so that it is copied to twice its size when n reaches one. */
int sbomcheck_push(vg_ctx *ctx, vg_arena *arena, const char ***list, size_t *n, size_t max, const char *s)
{
    if (*n >= max)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %zu values in one list", max);
    if ((*n & (*n - 1)) == 0) { /* 0 or a power of two: full */
        const char **p = vg_arena_calloc(arena, *n ? *n * 2 : 1, sizeof *p);
        if (!p)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        if (*n)
            memcpy(p, *list, *n * sizeof *p);
        *list = p;
    }
    (*list)[(*n)++] = s;
    return VG_OK;
}

int sbomcheck_push_licence(vg_ctx *ctx, vg_arena *arena, vg_sbomcheck_component *c,
                           vg_sbomcheck_licence_kind kind, const char *text, int concluded)
{
    size_t n = c->nlicences;
    if (n >= SBOMCHECK_FIELD_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %d licences of one component", SBOMCHECK_FIELD_MAX);
    if ((n & (n - 1)) == 0) { /* as sbomcheck_push() */
        vg_sbomcheck_licence *p = vg_arena_calloc(arena, n ? n * 2 : 1, sizeof *p);
        if (!p)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        if (n)
            memcpy(p, c->licences, n * sizeof *p);
        c->licences = p;
    }
    c->licences[c->nlicences++] = (vg_sbomcheck_licence){kind, text, concluded};
    return VG_OK;
}

const char *sbomcheck_str(const vg_jval *o, const char *key)
{
    const char *s = vg_jval_member_str(o, key);
    return s && *s ? s : NULL;
}

int sbomcheck_is_contact(const char *s)
{
    return s && (strchr(s, '@') || strstr(s, "://"));
}

int vg_sbomcheck_read(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_sbomcheck_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    vg_arena_init(&doc->arena);
    doc->primary = -1;
    if (len > VG_SBOMCHECK_MAX_DOCUMENT)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", name, VG_SBOMCHECK_MAX_DOCUMENT);
    int rc = vg_jtree_parse(ctx, name, data, len, &doc->tree);
    if (rc)
        return rc;
    const vg_jval *root = doc->tree->root;
    if (!vg_jval_is(root, VG_JOBJECT))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not a CycloneDX or SPDX document (not a JSON object)", name);
    else if (vg_jval_get(root, "bomFormat"))
        rc = sbomcheck_read_cyclonedx(ctx, name, root, doc);
    else if (vg_jval_get(root, "spdxVersion"))
        rc = sbomcheck_read_spdx2(ctx, name, root, doc);
    else if (vg_jval_get(root, "@graph") || vg_jval_get(root, "@context"))
        rc = sbomcheck_read_spdx3(ctx, name, root, doc);
    else
        rc = vg_error(ctx, VG_ERR_FORMAT,
                      "%s: neither CycloneDX (bomFormat), SPDX 2 (spdxVersion) nor SPDX 3 (@graph) JSON", name);
    return rc;
}

void vg_sbomcheck_doc_free(vg_sbomcheck_doc *doc)
{
    vg_arena_free(&doc->arena);
    if (doc->tree)
        vg_jtree_free(doc->tree);
    memset(doc, 0, sizeof *doc);
}

const char *vg_sbomcheck_format_name(vg_sbomcheck_format f)
{
    switch (f) {
    case VG_SBOMCHECK_CYCLONEDX: return "CycloneDX";
    case VG_SBOMCHECK_SPDX2:
    case VG_SBOMCHECK_SPDX3: return "SPDX";
    }
    return "unknown";
}
