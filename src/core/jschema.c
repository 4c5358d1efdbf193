/*
 * jschema.c — a bounded JSON Schema validator (vigil/jschema.h) for the
 * official SBOM schemas: CycloneDX bom-1.4 ... bom-1.7 and SPDX 2.3
 * (JSON Schema draft-07), SPDX 3.0.1 (JSON Schema 2020-12).
 *
 * Specs: JSON Schema draft-07 (draft-handrews-json-schema-01 and
 * -validation-01) and 2020-12 (Core and Validation), for exactly the
 * keywords those schemas use (docs/json-schema.md):
 *   $schema $id (at a file's root) $ref $defs definitions, the annotations
 *   title description $comment examples default deprecated and CycloneDX's
 *   meta:enum; type enum const; properties additionalProperties required
 *   unevaluatedProperties (2020-12); items (and its draft-07 array form)
 *   additionalItems (draft-07) minItems maxItems uniqueItems; minLength
 *   maxLength pattern format; minimum maximum; allOf anyOf oneOf not
 *   if then else.
 * Any other keyword makes vg_jschema_compile() fail with
 * VG_ERR_UNSUPPORTED: a keyword silently skipped would pass documents the
 * schema rejects.  Draft-07 ignores the siblings of "$ref"; 2020-12 applies
 * them.  Numbers compare by value (1 and 1.0 are equal, 1.0 is an integer).
 * "pattern" is ECMA-262 (jschema_regex.c), "format" an assertion
 * (jschema_format.c).
 *
 * How: the schema files of a set are parsed once; compiling a schema turns
 * every subschema reachable from it into a node, resolving each $ref to its
 * node and each pattern to a compiled NFA, with a work list instead of
 * recursion.  Validation walks the instance with the nodes.  Applicators
 * whose subschemas may fail without failing the whole (anyOf, oneOf, not,
 * if) first run them quietly (no error built, stop at the first failure);
 * only when the applicator itself fails are its subschemas run again to
 * collect errors, and then only the errors of the alternative that got
 * deepest into the instance are kept.  Annotations for
 * unevaluatedProperties are a bitmap over the members of the object, kept
 * from the subschemas that validated.
 *
 * Bounds: the depth of instance values and $ref applied in place, the total
 * steps (schema nodes applied, members and items visited, regex steps) and
 * the errors kept; past a bound the result is VG_ERR_LIMIT, never a verdict.
 * Leaves out: every keyword and format not listed above, $anchor,
 * $dynamicRef, $id inside a file, remote (network) references.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/buf.h"
#include "vigil/io.h"
#include "vigil/jschema.h"
#include "vigil/map.h"

#include "core/jschema_internal.h"

#define MAX_ERRORS_STORED 10000 /* errors held while validating, before the cut to max_errors */

enum draft { DRAFT_UNKNOWN = 0, DRAFT_07, DRAFT_2020 };

enum type_bit {
    T_NULL = 1, T_BOOLEAN = 2, T_OBJECT = 4, T_ARRAY = 8, T_NUMBER = 16, T_STRING = 32, T_INTEGER = 64,
};

static const char *const TYPE_NAMES[] = {"null", "boolean", "object", "array", "number", "string", "integer"};

typedef struct js_node js_node;

typedef struct js_prop {
    const char *name;
    js_node *schema;
} js_prop;

struct js_node {
    const char *loc;     /* "FILE#/json/pointer" */
    const json_t *json;  /* the schema value */
    int boolean;         /* -1: an object schema; 0/1: false / true */
    unsigned types;      /* T_* bits of "type"; 0 when absent */
    js_node *ref;
    int ref_only;        /* draft-07: the siblings of $ref are ignored */
    js_prop *props;      /* "properties", sorted by name */
    size_t nprops;
    js_node *additional; /* additionalProperties */
    js_node *unevaluated;/* unevaluatedProperties */
    const char **required;
    size_t nrequired;
    js_node *items;      /* items (one schema) */
    js_node **tuple;     /* items (draft-07 array form) */
    size_t ntuple;
    js_node *additional_items;
    long min_items, max_items, min_length, max_length; /* -1 when absent */
    int unique_items;
    jschema_regex *pattern;
    const char *pattern_src;
    jschema_format format;
    const char *format_name;
    int has_minimum, has_maximum;
    long double minimum, maximum;
    const json_t *const_value; /* NULL when absent (a JSON null is json_null()) */
    const json_t *enum_values;
    const json_t **enum_strings; /* the string values of enum, sorted (bsearch) */
    size_t nenum_strings;
    js_node **all_of, **any_of, **one_of;
    size_t nall, nany, none;
    js_node *not_, *if_, *then_, *else_;
};

typedef struct schema_doc {
    const char *path; /* as given */
    const char *name; /* file name */
    char *id;         /* root $id without its empty fragment, or NULL */
    enum draft draft;
    json_t *root;
} schema_doc;

struct vg_jschema {
    const char *name;
    js_node *root;
};

struct vg_jschema_set {
    vg_arena arena;
    schema_doc *docs;
    size_t ndocs, capdocs;
    vg_jschema **compiled;
    size_t ncompiled, capcompiled;
};

/* ================================================================ loading */

int jschema_set_add(vg_ctx *ctx, vg_jschema_set *set, const char *path, json_t *root)
{
    if (set->ndocs >= VG_JSCHEMA_MAX_FILES) {
        json_decref(root);
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d schema files", path, VG_JSCHEMA_MAX_FILES);
    }
    if (set->ndocs == set->capdocs) {
        size_t nc = set->capdocs ? set->capdocs * 2 : 16;
        schema_doc *nd = realloc(set->docs, nc * sizeof *nd);
        if (!nd) {
            json_decref(root);
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
        set->docs = nd;
        set->capdocs = nc;
    }
    schema_doc *d = &set->docs[set->ndocs];
    memset(d, 0, sizeof *d);
    d->root = root;
    d->path = vg_arena_strdup(&set->arena, path);
    const char *slash = strrchr(path, '/');
    d->name = d->path ? d->path + (slash ? (size_t)(slash - path) + 1 : 0) : NULL;
    const json_t *id = json_is_object(root) ? json_object_get(root, "$id") : NULL;
    if (json_is_string(id)) {
        d->id = vg_arena_strdup(&set->arena, json_string_value(id));
        if (d->id && d->id[0] && d->id[strlen(d->id) - 1] == '#')
            d->id[strlen(d->id) - 1] = 0;
    }
    const json_t *sch = json_is_object(root) ? json_object_get(root, "$schema") : NULL;
    const char *s = json_is_string(sch) ? json_string_value(sch) : "";
    if (!strcmp(s, "http://json-schema.org/draft-07/schema#") || !strcmp(s, "http://json-schema.org/draft-07/schema"))
        d->draft = DRAFT_07;
    else if (!strcmp(s, "https://json-schema.org/draft/2020-12/schema") ||
             !strcmp(s, "https://json-schema.org/draft/2020-12/schema#"))
        d->draft = DRAFT_2020;
    if (!d->path) {
        json_decref(root);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    set->ndocs++;
    return VG_OK;
}

static int add_doc(vg_ctx *ctx, vg_jschema_set *set, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: cannot open schema: %s", path,
                        strerror(errno));
    vg_buf buf;
    vg_buf_init(&buf, VG_JSCHEMA_MAX_FILE_SIZE);
    int rc = vg_read_all(fd, &buf);
    int saved = errno;
    close(fd);
    if (rc == VG_ERR_LIMIT) {
        vg_buf_free(&buf);
        return vg_error(ctx, rc, "%s: schema larger than %u bytes", path, VG_JSCHEMA_MAX_FILE_SIZE);
    }
    if (rc != VG_OK) {
        vg_buf_free(&buf);
        return vg_error(ctx, rc, "%s: cannot read schema: %s", path, rc == VG_ERR_IO ? strerror(saved) : vg_strerror(rc));
    }
    /* jansson's own reader, not vg_json_parse(): the official SPDX 3.0.1
     * schema names "extension" twice in one object, and JSON.parse (so
     * ajv) keeps the last value, as json_loadb does without
     * JSON_REJECT_DUPLICATES. */
    json_error_t jerr;
    json_t *root = json_loadb(buf.data ? buf.data : "", buf.len, JSON_DECODE_ANY, &jerr);
    vg_buf_free(&buf);
    if (!root)
        return vg_error(ctx, json_error_code(&jerr) == json_error_out_of_memory ? VG_ERR_NOMEM : VG_ERR_FORMAT,
                        "%s: not valid JSON (line %d, column %d: %s)", path, jerr.line, jerr.column, jerr.text);
    return jschema_set_add(ctx, set, path, root);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the *.json files of dir (and, when depth is 0, of its
 * subdirectories) to the set, in name order. */
static int add_dir(vg_ctx *ctx, vg_jschema_set *set, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return vg_error(ctx, errno == ENOENT || errno == ENOTDIR ? VG_ERR_NOT_FOUND : VG_ERR_IO,
                        "%s: cannot read the schema directory: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n >= 4 * VG_JSCHEMA_MAX_FILES) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d entries in a schema directory", dir,
                          4 * VG_JSCHEMA_MAX_FILES);
            break;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = vg_arena_printf(&set->arena, "%s/%s", dir, e->d_name))) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == VG_OK && n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        struct stat st;
        size_t len = strlen(names[i]);
        if (stat(names[i], &st) != 0)
            continue; /* a dangling link */
        if (S_ISDIR(st.st_mode)) {
            if (depth == 0)
                rc = add_dir(ctx, set, names[i], 1);
        } else if (S_ISREG(st.st_mode) && len > 5 && strcmp(names[i] + len - 5, ".json") == 0) {
            rc = add_doc(ctx, set, names[i]);
        }
    }
    free(names);
    return rc;
}

vg_jschema_set *jschema_set_new(void)
{
    vg_jschema_set *set = calloc(1, sizeof *set);
    if (set)
        vg_arena_init(&set->arena);
    return set;
}

int vg_jschema_set_open(vg_ctx *ctx, const char *dir, vg_jschema_set **out)
{
    *out = NULL;
    vg_jschema_set *set = jschema_set_new();
    if (!set)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = add_dir(ctx, set, dir, 0);
    if (rc != VG_OK) {
        vg_jschema_set_free(set);
        return rc;
    }
    *out = set;
    return VG_OK;
}

int vg_jschema_set_open_files(vg_ctx *ctx, const char *const *paths, size_t n, vg_jschema_set **out)
{
    *out = NULL;
    vg_jschema_set *set = jschema_set_new();
    if (!set)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = add_doc(ctx, set, paths[i]);
        if (rc != VG_OK) {
            vg_jschema_set_free(set);
            return rc;
        }
    }
    *out = set;
    return VG_OK;
}

void vg_jschema_set_free(vg_jschema_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->ndocs; i++)
        json_decref(set->docs[i].root);
    free(set->docs);
    free(set->compiled);
    vg_arena_free(&set->arena);
    free(set);
}

/* ============================================================== compiling */

typedef struct pending {
    js_node *node;
    schema_doc *doc;
    const char *pointer; /* JSON Pointer of node->json in doc, escaped */
} pending;

typedef struct compiler {
    vg_ctx *ctx;
    vg_jschema_set *set;
    vg_map seen;       /* json_t address -> js_node */
    pending *work;
    size_t nwork, capwork;
} compiler;

/* The node of the schema value json of doc at pointer: made (and queued to
 * be compiled) the first time. */
static js_node *node_for(compiler *c, schema_doc *doc, const json_t *json, const char *pointer)
{
    js_node *n = vg_map_get(&c->seen, (const char *)&json, sizeof json);
    if (n)
        return n;
    const json_t **key = vg_arena_alloc(&c->set->arena, sizeof *key);
    n = vg_arena_alloc(&c->set->arena, sizeof *n);
    if (!key || !n)
        return NULL;
    *key = json;
    n->json = json;
    n->loc = vg_arena_printf(&c->set->arena, "%s#%s", doc->name, pointer);
    if (!n->loc || vg_map_put(&c->seen, (const char *)key, sizeof *key, n) != VG_OK)
        return NULL;
    if (c->nwork == c->capwork) {
        size_t nc = c->capwork ? c->capwork * 2 : 256;
        pending *nw = realloc(c->work, nc * sizeof *nw);
        if (!nw)
            return NULL;
        c->work = nw;
        c->capwork = nc;
    }
    c->work[c->nwork++] = (pending){n, doc, pointer};
    return n;
}

/* pointer + "/" + key with ~ and / escaped (RFC 6901). */
static char *pointer_join(vg_arena *a, const char *pointer, const char *key)
{
    size_t extra = 0;
    for (const char *k = key; *k; k++)
        extra += *k == '~' || *k == '/';
    size_t plen = strlen(pointer), klen = strlen(key);
    char *out = vg_arena_alloc(a, plen + klen + extra + 2);
    if (!out)
        return NULL;
    memcpy(out, pointer, plen);
    char *w = out + plen;
    *w++ = '/';
    for (const char *k = key; *k; k++) {
        if (*k == '~' || *k == '/') {
            *w++ = '~';
            *w++ = *k == '~' ? '0' : '1';
        } else {
            *w++ = *k;
        }
    }
    *w = 0;
    return out;
}

static js_node *child(compiler *c, schema_doc *doc, const json_t *json, const char *pointer, const char *kw)
{
    const char *p = pointer_join(&c->set->arena, pointer, kw);
    return p ? node_for(c, doc, json, p) : NULL;
}

static js_node *child_index(compiler *c, schema_doc *doc, const json_t *json, const char *pointer, const char *kw,
                            size_t i)
{
    const char *p = vg_arena_printf(&c->set->arena, "%s/%s/%zu", pointer, kw, i);
    return p ? node_for(c, doc, json, p) : NULL;
}

static int nomem(compiler *c)
{
    return vg_error(c->ctx, VG_ERR_NOMEM, "out of memory");
}

static int bad(compiler *c, const js_node *n, const char *kw, const char *what)
{
    return vg_error(c->ctx, VG_ERR_FORMAT, "%s/%s: %s", n->loc, kw, what);
}

static schema_doc *doc_by_id(vg_jschema_set *set, const char *id, size_t len)
{
    while (len && id[len - 1] == '#')
        len--;
    for (size_t i = 0; i < set->ndocs; i++)
        if (set->docs[i].id && strlen(set->docs[i].id) == len && memcmp(set->docs[i].id, id, len) == 0)
            return &set->docs[i];
    return NULL;
}

/* The one document whose file name is name; NULL when none or several. */
static schema_doc *doc_by_name(vg_jschema_set *set, const char *name, size_t len, int *ambiguous)
{
    schema_doc *found = NULL;
    *ambiguous = 0;
    for (size_t i = 0; i < set->ndocs; i++) {
        if (strlen(set->docs[i].name) == len && memcmp(set->docs[i].name, name, len) == 0) {
            if (found)
                *ambiguous = 1;
            found = &set->docs[i];
        }
    }
    return *ambiguous ? NULL : found;
}

/* Resolves the $ref value ref found in doc to its node. */
static int resolve_ref(compiler *c, schema_doc *doc, const js_node *at, const char *ref, js_node **out)
{
    const char *hash = strchr(ref, '#');
    size_t ulen = hash ? (size_t)(hash - ref) : strlen(ref);
    const char *frag = hash ? hash + 1 : "";
    schema_doc *target = doc;
    if (ulen) {
        const char *colon = memchr(ref, ':', ulen);
        const char *slash = memchr(ref, '/', ulen);
        int absolute = colon && (!slash || colon < slash);
        target = NULL;
        if (absolute) {
            target = doc_by_id(c->set, ref, ulen);
        } else if (doc->id && strrchr(doc->id, '/')) {
            size_t blen = (size_t)(strrchr(doc->id, '/') - doc->id) + 1;
            char *full = vg_arena_printf(&c->set->arena, "%.*s%.*s", (int)blen, doc->id, (int)ulen, ref);
            if (!full)
                return nomem(c);
            target = doc_by_id(c->set, full, strlen(full));
        }
        if (!target) {
            /* By file name: the last segment of the reference. */
            const char *last = ref;
            for (const char *p = ref; p < ref + ulen; p++)
                if (*p == '/')
                    last = p + 1;
            int ambiguous;
            target = doc_by_name(c->set, last, (size_t)(ref + ulen - last), &ambiguous);
            if (ambiguous)
                return vg_error(c->ctx, VG_ERR_NOT_FOUND,
                                "%s/$ref: \"%s\": several schema files are named %.*s and none has the $id it "
                                "resolves to", at->loc, ref, (int)(ref + ulen - last), last);
        }
        if (!target)
            return vg_error(c->ctx, VG_ERR_NOT_FOUND,
                            "%s/$ref: \"%s\" names a schema that is not in the schema directory: add %.*s (from "
                            "the same release as %s) beside it",
                            at->loc, ref, (int)ulen, ref, doc->name);
    }
    if (*frag && *frag != '/')
        return vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                        "%s/$ref: \"%s\": a plain-name fragment ($anchor) is not implemented", at->loc, ref);
    /* Walk the JSON Pointer, percent-decoding it first (RFC 6901 §6). */
    const json_t *cur = target->root;
    const char *pointer = frag;
    char seg[1024];
    const char *p = frag;
    while (*p == '/') {
        p++;
        size_t n = 0;
        while (*p && *p != '/') {
            char ch = *p++;
            if (ch == '%' && isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1])) {
                char hex[3] = {p[0], p[1], 0};
                ch = (char)strtol(hex, NULL, 16);
                p += 2;
            } else if (ch == '~' && (*p == '0' || *p == '1')) {
                ch = *p++ == '0' ? '~' : '/';
            }
            if (n + 1 >= sizeof seg)
                return vg_error(c->ctx, VG_ERR_LIMIT, "%s/$ref: \"%s\": a pointer segment too long", at->loc, ref);
            seg[n++] = ch;
        }
        seg[n] = 0;
        if (json_is_object(cur)) {
            cur = json_object_get(cur, seg);
        } else if (json_is_array(cur)) {
            char *end;
            unsigned long idx = strtoul(seg, &end, 10);
            cur = *seg && !*end ? json_array_get(cur, idx) : NULL;
        } else {
            cur = NULL;
        }
        if (!cur)
            return vg_error(c->ctx, VG_ERR_FORMAT, "%s/$ref: \"%s\" points to nothing in %s", at->loc, ref,
                            target->name);
    }
    js_node *n = node_for(c, target, cur, pointer);
    if (!n)
        return nomem(c);
    *out = n;
    return VG_OK;
}

static int schema_array(compiler *c, schema_doc *doc, const char *pointer, js_node *n, const char *kw,
                        const json_t *v, js_node ***out, size_t *nout)
{
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(c, n, kw, "must be a non-empty array of schemas");
    size_t cnt = json_array_size(v);
    js_node **arr = vg_arena_calloc(&c->set->arena, cnt, sizeof *arr);
    if (!arr)
        return nomem(c);
    for (size_t i = 0; i < cnt; i++)
        if (!(arr[i] = child_index(c, doc, json_array_get(v, i), pointer, kw, i)))
            return nomem(c);
    *out = arr;
    *nout = cnt;
    return VG_OK;
}

static int read_count(compiler *c, js_node *n, const char *kw, const json_t *v, long *out)
{
    double d = json_is_integer(v) ? (double)json_integer_value(v) : json_is_real(v) ? json_real_value(v) : -1;
    if (d < 0 || d != floor(d) || d > 1e15)
        return bad(c, n, kw, "must be a non-negative integer");
    *out = (long)d;
    return VG_OK;
}

static int json_string_cmp(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    size_t lx = json_string_length(x), ly = json_string_length(y);
    int r = memcmp(json_string_value(x), json_string_value(y), lx < ly ? lx : ly);
    return r ? r : (lx > ly) - (lx < ly);
}

/* The strings of n's enum, sorted, so that a string is looked up in
 * log time (SPDX licence identifiers are an enum of 700 strings). */
static int sort_enum_strings(compiler *c, js_node *n)
{
    size_t cnt = json_array_size(n->enum_values);
    n->enum_strings = vg_arena_calloc(&c->set->arena, cnt ? cnt : 1, sizeof *n->enum_strings);
    if (!n->enum_strings)
        return nomem(c);
    for (size_t i = 0; i < cnt; i++)
        if (json_is_string(json_array_get(n->enum_values, i)))
            n->enum_strings[n->nenum_strings++] = json_array_get(n->enum_values, i);
    qsort(n->enum_strings, n->nenum_strings, sizeof *n->enum_strings, json_string_cmp);
    return VG_OK;
}

static int prop_cmp(const void *a, const void *b)
{
    return strcmp(((const js_prop *)a)->name, ((const js_prop *)b)->name);
}

static int is_annotation(const char *k)
{
    static const char *const names[] = {"title", "description", "$comment", "examples", "default",
                                        "deprecated", "meta:enum", "$defs", "definitions"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(k, names[i]))
            return 1;
    return 0;
}

static int compile_node(compiler *c, const pending *w)
{
    js_node *n = w->node;
    schema_doc *doc = w->doc;
    const json_t *s = n->json;
    const char *ptr = w->pointer;
    n->min_items = n->max_items = n->min_length = n->max_length = -1;
    n->boolean = -1;
    if (doc->draft == DRAFT_UNKNOWN)
        return vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                        "%s: $schema is missing or names a draft other than draft-07 and 2020-12, which "
                        "vigil's validator does not implement",
                        doc->path);
    if (json_is_boolean(s)) {
        n->boolean = json_is_true(s);
        return VG_OK;
    }
    if (!json_is_object(s))
        return vg_error(c->ctx, VG_ERR_FORMAT, "%s: a schema must be an object or a boolean", n->loc);
    const json_t *ref = json_object_get(s, "$ref");
    if (ref) {
        if (!json_is_string(ref))
            return bad(c, n, "$ref", "must be a string");
        int rc = resolve_ref(c, doc, n, json_string_value(ref), &n->ref);
        if (rc != VG_OK)
            return rc;
        if (doc->draft == DRAFT_07) {
            n->ref_only = 1; /* draft-07 §8.3: all other properties are ignored */
            return VG_OK;
        }
    }
    const char *k;
    const json_t *v;
    int rc = VG_OK;
    json_object_foreach((json_t *)s, k, v) {
        if (rc != VG_OK)
            break;
        if (!strcmp(k, "$ref") || is_annotation(k)) {
            continue;
        } else if (!strcmp(k, "$schema") || !strcmp(k, "$id")) {
            if (s != doc->root)
                rc = vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                              "%s/%s: \"%s\" inside a schema file is not implemented (only at its root)", n->loc, k, k);
        } else if (!strcmp(k, "type")) {
            size_t cnt = json_is_array(v) ? json_array_size(v) : 1;
            for (size_t i = 0; i < cnt && rc == VG_OK; i++) {
                const json_t *t = json_is_array(v) ? json_array_get(v, i) : v;
                size_t j = 0;
                while (j < 7 && !(json_is_string(t) && !strcmp(json_string_value(t), TYPE_NAMES[j])))
                    j++;
                if (j == 7)
                    rc = bad(c, n, k, "must name JSON Schema types (null boolean object array number string integer)");
                else
                    n->types |= 1u << j;
            }
        } else if (!strcmp(k, "enum")) {
            if (!json_is_array(v)) {
                rc = bad(c, n, k, "must be an array");
                break;
            }
            n->enum_values = v;
            rc = sort_enum_strings(c, n);
        } else if (!strcmp(k, "const")) {
            n->const_value = v;
        } else if (!strcmp(k, "properties")) {
            if (!json_is_object(v)) {
                rc = bad(c, n, k, "must be an object");
                break;
            }
            n->nprops = json_object_size(v);
            n->props = vg_arena_calloc(&c->set->arena, n->nprops ? n->nprops : 1, sizeof *n->props);
            const char *pp = pointer_join(&c->set->arena, ptr, "properties");
            if (!n->props || !pp) {
                rc = nomem(c);
                break;
            }
            size_t i = 0;
            const char *pk;
            const json_t *pv;
            json_object_foreach((json_t *)v, pk, pv) {
                n->props[i].name = pk;
                if (!(n->props[i].schema = child(c, doc, pv, pp, pk))) {
                    rc = nomem(c);
                    break;
                }
                i++;
            }
            qsort(n->props, n->nprops, sizeof *n->props, prop_cmp);
        } else if (!strcmp(k, "additionalProperties")) {
            if (!(n->additional = child(c, doc, v, ptr, k)))
                rc = nomem(c);
        } else if (!strcmp(k, "unevaluatedProperties") && doc->draft == DRAFT_2020) {
            if (!(n->unevaluated = child(c, doc, v, ptr, k)))
                rc = nomem(c);
        } else if (!strcmp(k, "required")) {
            if (!json_is_array(v)) {
                rc = bad(c, n, k, "must be an array of strings");
                break;
            }
            n->nrequired = json_array_size(v);
            n->required = vg_arena_calloc(&c->set->arena, n->nrequired ? n->nrequired : 1, sizeof *n->required);
            if (!n->required) {
                rc = nomem(c);
                break;
            }
            for (size_t i = 0; i < n->nrequired && rc == VG_OK; i++) {
                const json_t *r = json_array_get(v, i);
                if (!json_is_string(r))
                    rc = bad(c, n, k, "must be an array of strings");
                else
                    n->required[i] = json_string_value(r);
            }
        } else if (!strcmp(k, "items")) {
            if (json_is_array(v) && doc->draft == DRAFT_07)
                rc = schema_array(c, doc, ptr, n, k, v, &n->tuple, &n->ntuple);
            else if (json_is_array(v))
                rc = vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                              "%s/items: an array of schemas is not 2020-12 \"items\" (prefixItems is not implemented)",
                              n->loc);
            else if (!(n->items = child(c, doc, v, ptr, k)))
                rc = nomem(c);
        } else if (!strcmp(k, "additionalItems") && doc->draft == DRAFT_07) {
            if (!(n->additional_items = child(c, doc, v, ptr, k)))
                rc = nomem(c);
        } else if (!strcmp(k, "minItems")) {
            rc = read_count(c, n, k, v, &n->min_items);
        } else if (!strcmp(k, "maxItems")) {
            rc = read_count(c, n, k, v, &n->max_items);
        } else if (!strcmp(k, "minLength")) {
            rc = read_count(c, n, k, v, &n->min_length);
        } else if (!strcmp(k, "maxLength")) {
            rc = read_count(c, n, k, v, &n->max_length);
        } else if (!strcmp(k, "uniqueItems")) {
            if (!json_is_boolean(v))
                rc = bad(c, n, k, "must be a boolean");
            n->unique_items = json_is_true(v);
        } else if (!strcmp(k, "pattern")) {
            char err[300];
            if (!json_is_string(v)) {
                rc = bad(c, n, k, "must be a string");
                break;
            }
            n->pattern_src = json_string_value(v);
            if (jschema_regex_compile(&c->set->arena, n->pattern_src, &n->pattern, err, sizeof err) < 0)
                rc = vg_error(c->ctx, strstr(err, "not implemented") ? VG_ERR_UNSUPPORTED : VG_ERR_FORMAT,
                              "%s/pattern: \"%s\": %s", n->loc, n->pattern_src, err);
        } else if (!strcmp(k, "format")) {
            if (!json_is_string(v)) {
                rc = bad(c, n, k, "must be a string");
                break;
            }
            n->format_name = json_string_value(v);
            n->format = jschema_format_lookup(n->format_name);
            if (n->format == JSCHEMA_FORMAT_NONE)
                rc = vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                              "%s/format: the format \"%s\" is not implemented by vigil's validator "
                              "(docs/json-schema.md lists those that are)",
                              n->loc, n->format_name);
        } else if (!strcmp(k, "minimum") || !strcmp(k, "maximum")) {
            if (!json_is_number(v)) {
                rc = bad(c, n, k, "must be a number");
                break;
            }
            long double x = json_is_integer(v) ? (long double)json_integer_value(v) : (long double)json_real_value(v);
            if (k[1] == 'i') {
                n->has_minimum = 1;
                n->minimum = x;
            } else {
                n->has_maximum = 1;
                n->maximum = x;
            }
        } else if (!strcmp(k, "allOf")) {
            rc = schema_array(c, doc, ptr, n, k, v, &n->all_of, &n->nall);
        } else if (!strcmp(k, "anyOf")) {
            rc = schema_array(c, doc, ptr, n, k, v, &n->any_of, &n->nany);
        } else if (!strcmp(k, "oneOf")) {
            rc = schema_array(c, doc, ptr, n, k, v, &n->one_of, &n->none);
        } else if (!strcmp(k, "not") || !strcmp(k, "if") || !strcmp(k, "then") || !strcmp(k, "else")) {
            js_node *x = child(c, doc, v, ptr, k);
            if (!x)
                rc = nomem(c);
            else if (k[0] == 'n')
                n->not_ = x;
            else if (k[0] == 'i')
                n->if_ = x;
            else if (k[0] == 't')
                n->then_ = x;
            else
                n->else_ = x;
        } else {
            rc = vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                          "%s: the keyword \"%s\" is not implemented by vigil's JSON Schema validator (%s); "
                          "docs/json-schema.md lists those that are",
                          n->loc, k, doc->draft == DRAFT_07 ? "draft-07" : "2020-12");
        }
    }
    return rc;
}

int vg_jschema_compile(vg_ctx *ctx, vg_jschema_set *set, const char *name, const vg_jschema **out)
{
    *out = NULL;
    for (size_t i = 0; i < set->ncompiled; i++)
        if (!strcmp(set->compiled[i]->name, name)) {
            *out = set->compiled[i];
            return VG_OK;
        }
    schema_doc *doc = doc_by_id(set, name, strlen(name));
    int ambiguous = 0;
    if (!doc)
        doc = doc_by_name(set, name, strlen(name), &ambiguous);
    if (!doc)
        return vg_error(ctx, VG_ERR_NOT_FOUND, "no schema %s in the schema directory%s", name,
                        ambiguous ? " (several files have that name)" : "");
    if (set->ncompiled == set->capcompiled) {
        size_t nc = set->capcompiled ? set->capcompiled * 2 : 8;
        vg_jschema **ns = realloc(set->compiled, nc * sizeof *ns);
        if (!ns)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        set->compiled = ns;
        set->capcompiled = nc;
    }
    compiler c = {.ctx = ctx, .set = set};
    vg_map_init(&c.seen);
    int rc = VG_OK;
    vg_jschema *schema = vg_arena_alloc(&set->arena, sizeof *schema);
    if (!schema || !(schema->name = vg_arena_strdup(&set->arena, name)) ||
        !(schema->root = node_for(&c, doc, doc->root, "")))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    /* The work list grows while it is walked: each node is compiled once. */
    for (size_t i = 0; rc == VG_OK && i < c.nwork; i++) {
        pending w = c.work[i];
        rc = compile_node(&c, &w);
    }
    free(c.work);
    vg_map_free(&c.seen);
    if (rc != VG_OK)
        return rc;
    set->compiled[set->ncompiled++] = schema;
    *out = schema;
    return VG_OK;
}

/* ============================================================= validating */

typedef struct path_seg {
    const char *key; /* NULL for an array index */
    size_t index;
} path_seg;

typedef struct verr {
    const char *instance;
    const char *keyword;
    const char *message;
    size_t depth; /* segments in instance */
} verr;

typedef struct vstate {
    vg_arena *arena;
    size_t steps_left;
    size_t max_depth, depth; /* depth: $ref applied in place */
    size_t frames;           /* validate_node() calls under way, at most 8 * max_depth */
    int status;
    path_seg *path;
    size_t npath;
    verr *errs;
    size_t nerrs, caperrs;
    size_t dropped;
} vstate;

static int charge(vstate *st, size_t n)
{
    if (st->status != VG_OK)
        return 0;
    if (st->steps_left < n) {
        st->steps_left = 0;
        st->status = VG_ERR_LIMIT;
        return 0;
    }
    st->steps_left -= n;
    return 1;
}

static int push_key(vstate *st, const char *key)
{
    if (st->npath >= st->max_depth) {
        st->status = VG_ERR_LIMIT;
        return 0;
    }
    st->path[st->npath++] = (path_seg){key, 0};
    return 1;
}

static int push_index(vstate *st, size_t i)
{
    if (st->npath >= st->max_depth) {
        st->status = VG_ERR_LIMIT;
        return 0;
    }
    st->path[st->npath++] = (path_seg){NULL, i};
    return 1;
}

static char *instance_pointer(vstate *st)
{
    vg_buf b;
    vg_buf_init(&b, 1u << 20);
    for (size_t i = 0; i < st->npath; i++) {
        if (vg_buf_addc(&b, '/') != VG_OK)
            return NULL;
        if (!st->path[i].key) {
            if (vg_buf_addf(&b, "%zu", st->path[i].index) != VG_OK)
                return NULL;
            continue;
        }
        for (const char *k = st->path[i].key; *k; k++) {
            int rc = *k == '~' ? vg_buf_addstr(&b, "~0") : *k == '/' ? vg_buf_addstr(&b, "~1") : vg_buf_addc(&b, *k);
            if (rc != VG_OK)
                return NULL;
        }
    }
    char *out = vg_arena_strdup(st->arena, b.data ? b.data : "");
    vg_buf_free(&b);
    return out;
}

/* Records an error of keyword kw of n at the current instance. */
static void error_at(vstate *st, const js_node *n, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(vstate *st, const js_node *n, const char *kw, const char *fmt, ...)
{
    if (st->status != VG_OK)
        return;
    if (st->nerrs >= MAX_ERRORS_STORED) {
        st->dropped++;
        return;
    }
    if (st->nerrs == st->caperrs) {
        size_t nc = st->caperrs ? st->caperrs * 2 : 32;
        verr *ne = realloc(st->errs, nc * sizeof *ne);
        if (!ne) {
            st->status = VG_ERR_NOMEM;
            return;
        }
        st->errs = ne;
        st->caperrs = nc;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    verr *e = &st->errs[st->nerrs];
    e->instance = instance_pointer(st);
    e->keyword = *kw ? vg_arena_printf(st->arena, "%s/%s", n->loc, kw) : n->loc;
    e->message = vg_arena_strdup(st->arena, msg);
    e->depth = st->npath;
    if (!e->instance || !e->keyword || !e->message) {
        st->status = VG_ERR_NOMEM;
        return;
    }
    st->nerrs++;
}

static unsigned type_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL: return T_NULL;
    case JSON_TRUE:
    case JSON_FALSE: return T_BOOLEAN;
    case JSON_OBJECT: return T_OBJECT;
    case JSON_ARRAY: return T_ARRAY;
    case JSON_STRING: return T_STRING;
    case JSON_INTEGER: return T_NUMBER | T_INTEGER;
    case JSON_REAL: {
        double d = json_real_value(v);
        return T_NUMBER | (isfinite(d) && d == floor(d) ? T_INTEGER : 0);
    }
    }
    return 0;
}

static const char *type_name(const json_t *v)
{
    unsigned t = type_of(v);
    return t & T_INTEGER ? "integer" : t & T_NUMBER ? "number" : TYPE_NAMES[__builtin_ctz(t)];
}

static long double number_of(const json_t *v)
{
    return json_is_integer(v) ? (long double)json_integer_value(v) : (long double)json_real_value(v);
}

/* JSON Schema equality: numbers by value, objects by their members. */
static int json_same(vstate *st, const json_t *a, const json_t *b, size_t depth)
{
    if (!charge(st, 1))
        return 0;
    if (depth > st->max_depth) {
        st->status = VG_ERR_LIMIT;
        return 0;
    }
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return number_of(a) == number_of(b);
    }
    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (n != json_array_size(b))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!json_same(st, json_array_get(a, i), json_array_get(b, i), depth + 1))
                return 0;
        return 1;
    }
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) {
            const json_t *w = json_object_get(b, k);
            if (!w || !json_same(st, v, w, depth + 1))
                return 0;
        }
        return 1;
    }
    default:
        return 1; /* true, false, null */
    }
}

static uint64_t fnv(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/* A hash that equal values (json_same) share.  Below depth 1 an array or
 * object counts by its size only: enough to tell SBOM components apart by
 * their names and references, without hashing all of every item. */
static uint64_t json_hash(vstate *st, const json_t *v, size_t depth)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    if (!charge(st, 1))
        return 0;
    if (depth > 1 && (json_is_array(v) || json_is_object(v))) {
        size_t n = json_is_array(v) ? json_array_size(v) : json_object_size(v);
        return fnv(&n, sizeof n, h ^ json_typeof(v));
    }
    switch (json_typeof(v)) {
    case JSON_INTEGER:
    case JSON_REAL: {
        double d = (double)number_of(v);
        if (d == 0)
            d = 0; /* -0 */
        return fnv(&d, sizeof d, h ^ 'n');
    }
    case JSON_STRING: {
        /* The length, the first and the last 32 bytes. */
        size_t len = json_string_length(v);
        const char *str = json_string_value(v);
        h = fnv(&len, sizeof len, h ^ 's');
        if (len <= 64)
            return fnv(str, len, h);
        return fnv(str + len - 32, 32, fnv(str, 32, h));
    }
    case JSON_ARRAY:
        h ^= 'a';
        for (size_t i = 0; i < json_array_size(v); i++) {
            uint64_t e = json_hash(st, json_array_get(v, i), depth + 1);
            h = fnv(&e, sizeof e, h);
        }
        return h;
    case JSON_OBJECT: {
        uint64_t sum = 0;
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k, m) {
            uint64_t e = fnv(k, strlen(k), 0xcbf29ce484222325ULL) * 31 + json_hash(st, m, depth + 1);
            sum += e * 0x9E3779B97F4A7C15ULL;
        }
        return fnv(&sum, sizeof sum, h ^ 'o');
    }
    default:
        return h ^ json_typeof(v);
    }
}

typedef struct hashed {
    uint64_t hash;
    size_t index;
} hashed;

static int hashed_cmp(const void *a, const void *b)
{
    const hashed *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Finds two equal items of arr: 1 with their indexes, 0 when all differ. */
static int find_duplicate(vstate *st, const json_t *arr, size_t *first, size_t *second)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return 0;
    hashed *h = malloc(n * sizeof *h);
    if (!h) {
        st->status = VG_ERR_NOMEM;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        h[i] = (hashed){json_hash(st, json_array_get(arr, i), 0), i};
    qsort(h, n, sizeof *h, hashed_cmp);
    int found = 0;
    for (size_t i = 0; i < n && !found && st->status == VG_OK; i++)
        for (size_t j = i + 1; j < n && h[j].hash == h[i].hash && !found; j++)
            if (json_same(st, json_array_get(arr, h[i].index), json_array_get(arr, h[j].index), 0)) {
                found = 1;
                *first = h[i].index;
                *second = h[j].index;
            }
    free(h);
    return found;
}

static size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int validate_node(vstate *st, const js_node *n, const json_t *inst, int quiet, unsigned char *ev);

/* How close alternative errors [start, end) came to matching: an
 * alternative whose "if" matched (it failed in "then": SPDX 3.0.1 picks the
 * class of an element this way) beats one that failed its "if", then the
 * deeper into the instance, then the fewer errors. */
typedef struct alt_rank {
    int then;
    size_t depth, count;
} alt_rank;

static alt_rank rank_errors(const vstate *st, size_t start, size_t end)
{
    alt_rank r = {0, 0, end - start};
    for (size_t e = start; e < end; e++) {
        const char *kw = st->errs[e].keyword;
        size_t len = strlen(kw);
        if (len >= 5 && !strcmp(kw + len - 5, "/then"))
            r.then = 1;
        if (st->errs[e].depth > r.depth)
            r.depth = st->errs[e].depth;
    }
    return r;
}

static int rank_better(alt_rank a, alt_rank b)
{
    if (a.then != b.then)
        return a.then > b.then;
    if (a.depth != b.depth)
        return a.depth > b.depth;
    return a.count < b.count;
}

/* Runs the alternatives of a failed anyOf/oneOf again, collecting errors,
 * and keeps those of the one that came closest to matching. */
static void collect_best(vstate *st, js_node *const *alts, size_t nalts, const json_t *inst)
{
    size_t base = st->nerrs, best_start = 0, best_end = 0;
    alt_rank best = {0, 0, 0};
    int have = 0;
    for (size_t i = 0; i < nalts && st->status == VG_OK; i++) {
        size_t start = st->nerrs;
        validate_node(st, alts[i], inst, 0, NULL);
        if (st->nerrs == start)
            continue;
        alt_rank r = rank_errors(st, start, st->nerrs);
        if (!have || rank_better(r, best)) {
            have = 1;
            best = r;
            best_start = start;
            best_end = st->nerrs;
        }
    }
    if (have && best_start != base)
        memmove(&st->errs[base], &st->errs[best_start], (best_end - best_start) * sizeof *st->errs);
    st->nerrs = base + (have ? best_end - best_start : 0);
}

/* Applies subschema k to the same instance, keeping its annotations in ev
 * only when it validates. */
static int apply_in_place(vstate *st, const js_node *k, const json_t *inst, int quiet, unsigned char *ev, size_t nev)
{
    if (!ev)
        return validate_node(st, k, inst, quiet, NULL);
    unsigned char local[64];
    unsigned char *tmp = nev <= sizeof local ? local : calloc(nev, 1);
    if (!tmp) {
        st->status = VG_ERR_NOMEM;
        return 0;
    }
    memset(tmp, 0, nev);
    int ok = validate_node(st, k, inst, quiet, tmp);
    if (ok)
        for (size_t i = 0; i < nev; i++)
            ev[i] |= tmp[i];
    if (tmp != local)
        free(tmp);
    return ok;
}

static int validate_object(vstate *st, const js_node *n, const json_t *inst, int quiet, unsigned char *ev)
{
    int ok = 1;
    for (size_t i = 0; i < n->nrequired; i++) {
        if (!json_object_get(inst, n->required[i])) {
            ok = 0;
            if (quiet)
                return 0;
            error_at(st, n, "required", "the required property \"%s\" is missing", n->required[i]);
        }
    }
    if (!n->nprops && !n->additional)
        return ok;
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)inst, k, v) {
        if (!charge(st, 1))
            return 0;
        const js_node *sub = NULL;
        const char *kw = "properties";
        if (n->nprops) {
            js_prop key = {k, NULL};
            const js_prop *p = bsearch(&key, n->props, n->nprops, sizeof *n->props, prop_cmp);
            if (p)
                sub = p->schema;
        }
        if (!sub && n->additional) {
            sub = n->additional;
            kw = "additionalProperties";
        }
        if (sub) {
            if (ev)
                ev[i] = 1;
            if (sub->boolean == 0 && kw[0] == 'a') {
                ok = 0;
                if (quiet)
                    return 0;
                error_at(st, n, kw, "the property \"%s\" is not allowed (additionalProperties is false)", k);
            } else {
                if (!push_key(st, k))
                    return 0;
                int r = validate_node(st, sub, v, quiet, NULL);
                st->npath--;
                if (!r) {
                    ok = 0;
                    if (quiet || st->status != VG_OK)
                        return 0;
                }
            }
        }
        i++;
    }
    return ok;
}

/* minItems and maxItems, or minLength and maxLength (-1: absent): count
 * of what (items, characters) within them. */
static int check_count(vstate *st, const js_node *n, int quiet, size_t count, long min, long max, const char *what,
                       const char *kw_min, const char *kw_max)
{
    const char *kw = min >= 0 && count < (size_t)min ? kw_min : max >= 0 && count > (size_t)max ? kw_max : NULL;
    if (kw && !quiet)
        error_at(st, n, kw, "has %zu %s, %s than %s %ld", count, what, kw == kw_min ? "fewer" : "more", kw,
                 kw == kw_min ? min : max);
    return kw == NULL;
}

static int validate_array(vstate *st, const js_node *n, const json_t *inst, int quiet)
{
    size_t len = json_array_size(inst);
    int ok = check_count(st, n, quiet, len, n->min_items, n->max_items, "items", "minItems", "maxItems");
    if (!ok && quiet)
        return 0;
    for (size_t i = 0; i < len; i++) {
        const js_node *sub = n->items;
        if (n->tuple)
            sub = i < n->ntuple ? n->tuple[i] : n->additional_items;
        if (!sub)
            break;
        if (!charge(st, 1) || !push_index(st, i))
            return 0;
        int r = validate_node(st, sub, json_array_get(inst, i), quiet, NULL);
        st->npath--;
        if (!r) {
            ok = 0;
            if (quiet || st->status != VG_OK)
                return 0;
        }
    }
    size_t a, b;
    if (n->unique_items && find_duplicate(st, inst, &a, &b)) {
        ok = 0;
        if (quiet)
            return 0;
        error_at(st, n, "uniqueItems", "items %zu and %zu are equal (uniqueItems)", a, b);
    }
    return ok && st->status == VG_OK;
}

static int validate_string(vstate *st, const js_node *n, const json_t *inst, int quiet)
{
    int ok = 1;
    const char *s = json_string_value(inst);
    size_t len = json_string_length(inst);
    if ((n->min_length >= 0 || n->max_length >= 0) &&
        !check_count(st, n, quiet, utf8_length(s, len), n->min_length, n->max_length, "characters", "minLength",
                     "maxLength")) {
        ok = 0;
        if (quiet)
            return 0;
    }
    if (n->pattern) {
        int r = jschema_regex_test(n->pattern, s, len, &st->steps_left);
        if (r < 0) {
            st->status = VG_ERR_LIMIT;
            return 0;
        }
        if (!r) {
            ok = 0;
            if (quiet)
                return 0;
            error_at(st, n, "pattern", "does not match the pattern %s", n->pattern_src);
        }
    }
    if (n->format && !jschema_format_check(n->format, s, len)) {
        ok = 0;
        if (quiet)
            return 0;
        error_at(st, n, "format", "is not a valid %s", n->format_name);
    }
    return ok;
}

/* validate_node() without the bound on its recursion. */
static int validate_in(vstate *st, const js_node *n, const json_t *inst, int quiet, unsigned char *ev)
{
    if (!charge(st, 1))
        return 0;
    if (n->boolean == 0) {
        if (!quiet)
            error_at(st, n, "", "no value is allowed here (the schema is false)");
        return 0;
    }
    if (n->boolean == 1)
        return 1;
#define FAILED()                                 \
    do {                                         \
        ok = 0;                                  \
        if (quiet || st->status != VG_OK)        \
            goto done;                           \
    } while (0)
    int ok = 1;
    size_t nev = json_is_object(inst) ? json_object_size(inst) : 0;
    unsigned char *own = NULL;
    if (n->unevaluated && nev) {
        /* This schema's annotations, its in-place subschemas' included. */
        own = calloc(nev, 1);
        if (!own) {
            st->status = VG_ERR_NOMEM;
            return 0;
        }
    }
    unsigned char *mine = own ? own : (nev ? ev : NULL);
    if (n->ref) {
        if (st->depth >= st->max_depth) {
            st->status = VG_ERR_LIMIT;
            ok = 0;
            goto done;
        }
        st->depth++;
        int r = validate_node(st, n->ref, inst, quiet, mine);
        st->depth--;
        if (!r)
            FAILED();
        if (n->ref_only)
            goto done;
    }
    unsigned t = type_of(inst);
    if (n->types && !(n->types & t)) {
        if (!quiet) {
            char want[80] = "";
            for (size_t i = 0; i < 7; i++)
                if (n->types & (1u << i))
                    snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", want[0] ? " or " : "",
                             TYPE_NAMES[i]);
            error_at(st, n, "type", "must be %s, is %s", want, type_name(inst));
        }
        FAILED();
    }
    if (n->const_value && !json_same(st, inst, n->const_value, 0)) {
        if (!quiet)
            error_at(st, n, "const", "must be equal to the constant of the schema");
        FAILED();
    }
    if (n->enum_values) {
        size_t i, cnt = json_array_size(n->enum_values);
        if (json_is_string(inst)) {
            i = bsearch(&inst, n->enum_strings, n->nenum_strings, sizeof *n->enum_strings, json_string_cmp) ? 0 : cnt;
        } else {
            for (i = 0; i < cnt; i++)
                if (json_same(st, inst, json_array_get(n->enum_values, i), 0))
                    break;
        }
        if (i == cnt) {
            if (!quiet)
                error_at(st, n, "enum", "is not one of the %zu values of the enum", cnt);
            FAILED();
        }
    }
    if (t & T_OBJECT) {
        if (!validate_object(st, n, inst, quiet, mine))
            FAILED();
    } else if (t & T_ARRAY) {
        if (!validate_array(st, n, inst, quiet))
            FAILED();
    } else if (t & T_STRING) {
        if (!validate_string(st, n, inst, quiet))
            FAILED();
    } else if (t & T_NUMBER) {
        long double x = number_of(inst);
        if (n->has_minimum && x < n->minimum) {
            if (!quiet)
                error_at(st, n, "minimum", "is less than the minimum %Lg", n->minimum);
            FAILED();
        }
        if (n->has_maximum && x > n->maximum) {
            if (!quiet)
                error_at(st, n, "maximum", "is greater than the maximum %Lg", n->maximum);
            FAILED();
        }
    }
    for (size_t i = 0; i < n->nall; i++)
        if (!validate_node(st, n->all_of[i], inst, quiet, mine))
            FAILED();
    if (n->nany) {
        int any = 0;
        /* With annotations to collect every alternative is tried. */
        for (size_t i = 0; i < n->nany && (!any || mine) && st->status == VG_OK; i++)
            any |= apply_in_place(st, n->any_of[i], inst, 1, mine, nev);
        if (!any) {
            if (!quiet) {
                collect_best(st, n->any_of, n->nany, inst);
                error_at(st, n, "anyOf", "matches none of the %zu schemas of anyOf", n->nany);
            }
            FAILED();
        }
    }
    if (n->none) {
        size_t first = 0, count = 0, second = 0;
        for (size_t i = 0; i < n->none && count < 2 && st->status == VG_OK; i++) {
            if (apply_in_place(st, n->one_of[i], inst, 1, count ? NULL : mine, nev)) {
                if (count++)
                    second = i;
                else
                    first = i;
            }
        }
        if (count != 1 && st->status == VG_OK) {
            if (!quiet && count == 0) {
                collect_best(st, n->one_of, n->none, inst);
                error_at(st, n, "oneOf", "matches none of the %zu schemas of oneOf", n->none);
            } else if (!quiet) {
                error_at(st, n, "oneOf", "matches both schemas %zu and %zu of oneOf, which requires exactly one",
                         first, second);
            }
            FAILED();
        }
    }
    if (n->not_ && st->status == VG_OK) {
        if (validate_node(st, n->not_, inst, 1, NULL)) {
            if (!quiet)
                error_at(st, n, "not", "matches the schema of \"not\"");
            FAILED();
        }
    }
    if (n->if_ && (n->then_ || n->else_) && st->status == VG_OK) {
        int cond = apply_in_place(st, n->if_, inst, 1, mine, nev);
        const js_node *branch = cond ? n->then_ : n->else_;
        if (branch && st->status == VG_OK && !validate_node(st, branch, inst, quiet, mine)) {
            if (!quiet)
                error_at(st, n, cond ? "then" : "else", "does not match the \"%s\" schema chosen by \"if\"",
                         cond ? "then" : "else");
            FAILED();
        }
    }
    if (own && st->status == VG_OK) {
        size_t i = 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)inst, k, v) {
            if (!own[i]) {
                if (n->unevaluated->boolean == 0) {
                    if (!quiet)
                        error_at(st, n, "unevaluatedProperties",
                                 "the property \"%s\" is not allowed (unevaluatedProperties is false)", k);
                    FAILED();
                } else {
                    if (!push_key(st, k))
                        FAILED();
                    int r = validate_node(st, n->unevaluated, v, quiet, NULL);
                    st->npath--;
                    if (!r)
                        FAILED();
                }
            }
            i++;
        }
        if (ev)
            memset(ev, 1, nev); /* unevaluatedProperties evaluated the rest */
    }
done:
    free(own);
    return ok && st->status == VG_OK;
#undef FAILED
}

/* Validates inst against n: 1 valid, 0 not (or a bound was reached: then
 * st->status is set).  quiet: stop at the first failure, build no error.
 * ev: when not NULL, the annotation bitmap of inst's members (an object)
 * that the properties evaluated here are marked in.  The nesting of calls
 * (instance levels times the subschemas applied at each) is bounded, so
 * that a deep schema applied through a $ref chain cannot exhaust the stack. */
static int validate_node(vstate *st, const js_node *n, const json_t *inst, int quiet, unsigned char *ev)
{
    if (st->frames >= 8 * st->max_depth) {
        st->status = VG_ERR_LIMIT;
        return 0;
    }
    st->frames++;
    int r = validate_in(st, n, inst, quiet, ev);
    st->frames--;
    return r;
}

int vg_jschema_validate(vg_ctx *ctx, const vg_jschema *schema, const json_t *doc, const vg_jschema_limits *limits,
                        vg_jschema_result *out)
{
    memset(out, 0, sizeof *out);
    vg_arena_init(&out->arena);
    size_t max_errors = limits && limits->max_errors ? limits->max_errors : 100;
    vstate st = {
        .arena = &out->arena,
        .steps_left = limits && limits->max_steps ? limits->max_steps : 200000000,
        .max_depth = limits && limits->max_depth ? limits->max_depth : 512,
    };
    st.path = calloc(st.max_depth + 1, sizeof *st.path);
    if (!st.path)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    out->valid = validate_node(&st, schema->root, doc, 0, NULL);
    if (st.status != VG_OK)
        out->valid = 0;
    out->total_errors = st.nerrs + st.dropped;
    out->nerrors = st.nerrs < max_errors ? st.nerrs : max_errors;
    if (out->nerrors) {
        out->errors = vg_arena_calloc(&out->arena, out->nerrors, sizeof *out->errors);
        if (!out->errors)
            st.status = VG_ERR_NOMEM;
        for (size_t i = 0; out->errors && i < out->nerrors; i++)
            out->errors[i] = (vg_jschema_error){st.errs[i].instance, st.errs[i].keyword, st.errs[i].message};
    }
    if (!out->errors)
        out->nerrors = 0;
    free(st.errs);
    free(st.path);
    if (st.status == VG_ERR_LIMIT)
        return vg_error(ctx, VG_ERR_LIMIT,
                        "%s: validation stopped at a bound (depth %zu, %zu steps): not checked", schema->name,
                        st.max_depth, limits && limits->max_steps ? limits->max_steps : (size_t)200000000);
    if (st.status != VG_OK)
        return vg_error(ctx, st.status, "out of memory");
    return VG_OK;
}

void vg_jschema_result_free(vg_jschema_result *result)
{
    vg_arena_free(&result->arena);
    memset(result, 0, sizeof *result);
}
