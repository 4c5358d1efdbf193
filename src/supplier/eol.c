/*
 * eol.c — the end-of-life table (policy/data/end-of-life.json; its format
 * and sources: docs/supplier-risk.md, "The end-of-life table") and which
 * release cycle of it a component belongs to.
 *
 * The table: {"vigil-end-of-life": 1, "as_of": DATE, "note": TEXT,
 * "products": [PRODUCT...]}, a PRODUCT {"name", "kind": "os"|"runtime",
 * "os_ids" and "purl_types" (os: the os-release IDs and the purl types of
 * its packages), "purls" (runtime: "pkg:TYPE/[NAMESPACE/]NAME" forms of
 * the runtime's own component), "source" (an https URL), "source_note"
 * (optional), "cycles": [{"cycle", "codename" (optional), "eol": DATE or
 * null}...]}.  Strict: a member the format does not have, a missing or
 * mistyped one, a date that is not a calendar date, a name, cycle, os ID
 * or purl form given twice is VG_ERR_FORMAT naming the file and the member.
 *
 * The lookup, chosen so that a verdict is never wrong for lack of
 * knowledge (no verdict instead):
 *  - an OS package (a deb, apk or rpm purl) belongs to the release of the
 *    OS it was installed from: the purl's distro qualifier ("debian-12",
 *    "alpine-3.11.13", as vigil's catalogers and Trivy write it), else the
 *    snapshot's os ("debian:12"); the product whose os_ids hold the ID and
 *    whose purl_types hold the purl type, the cycle equal to VERSION_ID or
 *    a prefix of it ending before a '.' ("3.11" of "3.11.13").  A runtime
 *    packaged by the distribution (python3.11, openjdk-17-jre, nodejs) gets
 *    the OS release's verdict, not upstream's: the distribution supports
 *    its packages for the release's life (Red Hat supports RHEL 8's
 *    python3.6 until 2029; upstream ended 3.6 in 2021).
 *  - a runtime's own component: the purl (type, namespace and name) one of
 *    the runtime products lists, the cycle from its version (a leading "v"
 *    dropped: vigil writes Go's stdlib as pkg:golang/stdlib@v1.21.5).
 *  - anything else — no purl, a purl that does not parse, a release or
 *    version the table does not list, a distro qualifier with escapes — is
 *    0, unknown.
 *
 * Left out: components without a release in N years (no source vigil
 * reads dates releases); vendor-dependent runtimes (Java: Oracle, Temurin,
 * Red Hat and Corretto end their builds of one version at different dates).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source/input_file.h"
#include "vigil/arena.h"
#include "vigil/json.h"
#include "vigil/policy.h"
#include "vigil/supplier.h"

#define EOL_MAX_PRODUCTS 200
#define EOL_MAX_CYCLES 500  /* of one product */
#define EOL_MAX_IDS 16      /* os_ids, purl_types or purls of one product */
#define EOL_MAX_NAME 64     /* bytes of a name, cycle, codename, ID or purl form */
#define EOL_MAX_URL 500
#define EOL_MAX_NOTE 4000
#define EOL_NO_END INT64_MAX /* eol null */

typedef struct eol_cycle {
    const char *cycle;
    const char *eol; /* NULL: none announced */
    int64_t end;     /* eol at 00:00 UTC, or EOL_NO_END */
} eol_cycle;

/* A purl form "pkg:TYPE/[NAMESPACE/]NAME", split. */
typedef struct eol_purl {
    const char *type, *namespace_, *name; /* namespace_ NULL when none */
} eol_purl;

typedef struct eol_product {
    const char *name, *source;
    int os; /* kind "os" */
    const char **os_ids, **purl_types;
    size_t nos_ids, npurl_types;
    eol_purl *purls;
    size_t npurls;
    eol_cycle *cycles;
    size_t ncycles;
} eol_product;

struct vg_eol_table {
    vg_arena arena;
    const char *as_of;
    eol_product *products;
    size_t nproducts;
};

/* ---- reading ---------------------------------------------------------- */

typedef struct eol_reader {
    vg_ctx *ctx;
    const char *name;  /* the file, for messages */
    vg_arena *arena;
    char where[128];   /* the member being read: "products[2].cycles[0]" */
} eol_reader;

/* "NAME: WHERE.MEMBER: what" (the parts present). */
static int bad(eol_reader *r, const char *member, const char *what)
{
    const char *m = member ? member : "";
    return vg_error(r->ctx, VG_ERR_FORMAT, "%s: %s%s%s%s%s", r->name, r->where, *r->where && *m ? "." : "", m,
                    *r->where || *m ? ": " : "", what);
}

/* Fails on a member of obj that is not in allowed (NULL-terminated). */
static int only_members(eol_reader *r, const json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i])
            return bad(r, key, "not a member of the end-of-life table's format");
    }
    return VG_OK;
}

/* The string v (the member named member), 1..max bytes without control
 * characters, in *out (copied to the arena). */
static int text_value(eol_reader *r, const char *member, const json_t *v, size_t max, const char **out)
{
    if (!json_is_string(v))
        return bad(r, member, "not a string");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len == 0 || len > max) {
        char what[64];
        snprintf(what, sizeof what, "%zu bytes, not 1 to %zu", len, max);
        return bad(r, member, what);
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return bad(r, member, "holds a control character");
    *out = vg_arena_strndup(r->arena, s, len);
    return *out ? VG_OK : VG_ERR_NOMEM;
}

/* The string member key of obj in *out (text_value()); absent is an error
 * unless optional (then *out is NULL). */
static int text(eol_reader *r, const json_t *obj, const char *key, size_t max, int optional, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return optional ? VG_OK : bad(r, key, "missing");
    return text_value(r, key, v, max, out);
}

/* A name, os ID, type or cycle: [a-z0-9._-] (cycles: [0-9a-z.]), no '/'. */
static int token(eol_reader *r, const char *member, const char *s, const char *charset)
{
    if (strspn(s, charset) != strlen(s))
        return bad(r, member, "holds characters other than lower-case letters, digits, '.', '-' and '_'");
    return VG_OK;
}

static const char token_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789._-";

/* The array member key of obj, 1..max entries, in *out. */
static int list(eol_reader *r, const json_t *obj, const char *key, size_t max, size_t min, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = v;
    if (!v)
        return bad(r, key, "missing");
    if (!json_is_array(v))
        return bad(r, key, "not an array");
    if (json_array_size(v) < min || json_array_size(v) > max) {
        char what[64];
        snprintf(what, sizeof what, "%zu entries, not %zu to %zu", json_array_size(v), min, max);
        return json_array_size(v) > max ? vg_error(r->ctx, VG_ERR_LIMIT, "%s: %s%s%s: %s", r->name, r->where,
                                                   *r->where ? "." : "", key, what)
                                        : bad(r, key, what);
    }
    return VG_OK;
}

/* A list of unique tokens (os_ids, purl_types) into *out. */
static int token_list(eol_reader *r, const json_t *obj, const char *key, const char ***out, size_t *n)
{
    const json_t *arr;
    int rc = list(r, obj, key, EOL_MAX_IDS, 1, &arr);
    if (rc)
        return rc;
    *out = vg_arena_calloc(r->arena, json_array_size(arr), sizeof **out);
    if (!*out)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char member[48];
        snprintf(member, sizeof member, "%s[%zu]", key, i);
        const char *s = NULL;
        rc = text_value(r, member, json_array_get(arr, i), EOL_MAX_NAME, &s);
        if (!rc)
            rc = token(r, member, s, token_chars);
        for (size_t j = 0; !rc && j < *n; j++)
            if (strcmp((*out)[j], s) == 0)
                rc = bad(r, member, "given twice");
        if (rc)
            return rc;
        (*out)[(*n)++] = s;
    }
    return VG_OK;
}

/* purls: "pkg:TYPE/[NAMESPACE/]NAME" forms without version, qualifiers or
 * subpath, in the canonical spelling (lower-case type, no escapes). */
static int purl_list(eol_reader *r, const json_t *obj, eol_product *p)
{
    const json_t *arr;
    int rc = list(r, obj, "purls", EOL_MAX_IDS, 0, &arr);
    if (rc)
        return rc;
    p->purls = vg_arena_calloc(r->arena, json_array_size(arr) + 1, sizeof *p->purls);
    if (!p->purls)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        char member[32];
        snprintf(member, sizeof member, "purls[%zu]", i);
        if (!s || strlen(s) > EOL_MAX_NAME || strncmp(s, "pkg:", 4) != 0 || strpbrk(s, "@?#% ") ||
            strspn(s + 4, token_chars) == 0 || s[4 + strspn(s + 4, token_chars)] != '/')
            return bad(r, member, "not a purl form pkg:TYPE/[NAMESPACE/]NAME");
        char *copy = vg_arena_strdup(r->arena, s + 4);
        if (!copy)
            return VG_ERR_NOMEM;
        char *slash = strchr(copy, '/'), *last = strrchr(copy, '/');
        *slash = '\0';
        eol_purl *f = &p->purls[p->npurls];
        f->type = copy;
        f->name = last + 1;
        if (last != slash) {
            *last = '\0';
            f->namespace_ = slash + 1;
        }
        if (!*f->name || (f->namespace_ && !*f->namespace_))
            return bad(r, member, "not a purl form pkg:TYPE/[NAMESPACE/]NAME");
        p->npurls++;
    }
    return VG_OK;
}

static int read_cycles(eol_reader *r, const json_t *obj, eol_product *p)
{
    const json_t *arr;
    int rc = list(r, obj, "cycles", EOL_MAX_CYCLES, 1, &arr);
    if (rc)
        return rc;
    p->cycles = vg_arena_calloc(r->arena, json_array_size(arr), sizeof *p->cycles);
    if (!p->cycles)
        return VG_ERR_NOMEM;
    size_t base = strlen(r->where);
    static const char *const members[] = {"cycle", "codename", "eol", NULL};
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *c = json_array_get(arr, i);
        snprintf(r->where + base, sizeof r->where - base, ".cycles[%zu]", i);
        if (!json_is_object(c))
            return bad(r, NULL, "not an object");
        eol_cycle *e = &p->cycles[i];
        const char *codename;
        if ((rc = only_members(r, c, members)) || (rc = text(r, c, "cycle", EOL_MAX_NAME, 0, &e->cycle)) ||
            (rc = token(r, "cycle", e->cycle, "abcdefghijklmnopqrstuvwxyz0123456789.")) ||
            (rc = text(r, c, "codename", EOL_MAX_NAME, 1, &codename)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->cycles[j].cycle, e->cycle) == 0)
                return bad(r, "cycle", "given twice in the product");
        const json_t *eol = json_object_get(c, "eol");
        if (!eol)
            return bad(r, "eol", "missing (null when no end is announced)");
        e->end = EOL_NO_END;
        if (!json_is_null(eol)) {
            if ((rc = text(r, c, "eol", 10, 0, &e->eol)))
                return rc;
            if (vg_supplier_parse_date(e->eol, &e->end) != 0)
                return bad(r, "eol", "not a date YYYY-MM-DD");
        }
        p->ncycles++;
    }
    r->where[base] = '\0';
    return VG_OK;
}

static int read_product(eol_reader *r, const json_t *obj, eol_product *p)
{
    static const char *const members[] = {"name", "kind", "os_ids", "purl_types", "purls",
                                          "source", "source_note", "cycles", NULL};
    const char *kind, *note;
    int rc;
    if (!json_is_object(obj))
        return bad(r, NULL, "not an object");
    if ((rc = only_members(r, obj, members)) || (rc = text(r, obj, "name", EOL_MAX_NAME, 0, &p->name)) ||
        (rc = token(r, "name", p->name, token_chars)) || (rc = text(r, obj, "kind", 16, 0, &kind)) ||
        (rc = text(r, obj, "source", EOL_MAX_URL, 0, &p->source)) ||
        (rc = text(r, obj, "source_note", EOL_MAX_NOTE, 1, &note)))
        return rc;
    if (strncmp(p->source, "https://", 8) != 0)
        return bad(r, "source", "not an https URL");
    if (strcmp(kind, "os") == 0) {
        p->os = 1;
        if (json_object_get(obj, "purls"))
            return bad(r, "purls", "only for a runtime");
        if ((rc = token_list(r, obj, "os_ids", &p->os_ids, &p->nos_ids)) ||
            (rc = token_list(r, obj, "purl_types", &p->purl_types, &p->npurl_types)))
            return rc;
    } else if (strcmp(kind, "runtime") == 0) {
        if (json_object_get(obj, "os_ids") || json_object_get(obj, "purl_types"))
            return bad(r, json_object_get(obj, "os_ids") ? "os_ids" : "purl_types", "only for an os");
        if ((rc = purl_list(r, obj, p)))
            return rc;
    } else {
        return bad(r, "kind", "neither \"os\" nor \"runtime\"");
    }
    return read_cycles(r, obj, p);
}

/* Names, os IDs and purl forms each belong to one product. */
static int check_unique(eol_reader *r, const vg_eol_table *t)
{
    for (size_t i = 0; i < t->nproducts; i++)
        for (size_t j = 0; j < i; j++) {
            const eol_product *a = &t->products[i], *b = &t->products[j];
            snprintf(r->where, sizeof r->where, "products[%zu]", i);
            if (strcmp(a->name, b->name) == 0)
                return bad(r, "name", "the name of an earlier product");
            for (size_t k = 0; k < a->nos_ids; k++)
                for (size_t l = 0; l < b->nos_ids; l++)
                    if (strcmp(a->os_ids[k], b->os_ids[l]) == 0)
                        return bad(r, "os_ids", "an ID of an earlier product");
            for (size_t k = 0; k < a->npurls; k++)
                for (size_t l = 0; l < b->npurls; l++)
                    if (strcmp(a->purls[k].type, b->purls[l].type) == 0 &&
                        strcmp(a->purls[k].name, b->purls[l].name) == 0 &&
                        strcmp(a->purls[k].namespace_ ? a->purls[k].namespace_ : "",
                               b->purls[l].namespace_ ? b->purls[l].namespace_ : "") == 0)
                        return bad(r, "purls", "a purl form of an earlier product");
        }
    r->where[0] = '\0';
    return VG_OK;
}

static int read_table(eol_reader *r, const json_t *doc, vg_eol_table *t)
{
    static const char *const members[] = {"vigil-end-of-life", "as_of", "note", "products", NULL};
    const char *note;
    const json_t *products;
    int64_t as_of;
    int rc;
    if (!json_is_object(doc))
        return bad(r, NULL, "not a JSON object (an end-of-life table)");
    const json_t *version = json_object_get(doc, "vigil-end-of-life");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        return bad(r, "vigil-end-of-life", "missing or not 1 (the only version of the format)");
    if ((rc = only_members(r, doc, members)) || (rc = text(r, doc, "as_of", 10, 0, &t->as_of)) ||
        (rc = text(r, doc, "note", EOL_MAX_NOTE, 0, &note)))
        return rc;
    if (vg_supplier_parse_date(t->as_of, &as_of) != 0)
        return bad(r, "as_of", "not a date YYYY-MM-DD");
    if ((rc = list(r, doc, "products", EOL_MAX_PRODUCTS, 1, &products)))
        return rc;
    t->products = vg_arena_calloc(&t->arena, json_array_size(products), sizeof *t->products);
    if (!t->products)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < json_array_size(products); i++) {
        snprintf(r->where, sizeof r->where, "products[%zu]", i);
        if ((rc = read_product(r, json_array_get(products, i), &t->products[i])))
            return rc;
        t->nproducts++;
    }
    r->where[0] = '\0';
    return check_unique(r, t);
}

int vg_eol_parse(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_eol_table **out)
{
    *out = NULL;
    if (len > VG_EOL_MAX_SIZE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %zu bytes, an end-of-life table has at most %zu", name, len,
                        VG_EOL_MAX_SIZE);
    json_t *doc = NULL;
    int rc = vg_json_parse(ctx, name, data, len, &doc);
    if (rc)
        return rc;
    vg_eol_table *t = calloc(1, sizeof *t);
    if (!t) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    }
    vg_arena_init(&t->arena);
    eol_reader r = {.ctx = ctx, .name = name, .arena = &t->arena};
    rc = read_table(&r, doc, t);
    json_decref(doc);
    if (rc) {
        vg_eol_free(t);
        return rc == VG_ERR_NOMEM ? vg_error(ctx, rc, "%s: out of memory", name) : rc;
    }
    *out = t;
    return VG_OK;
}

int vg_eol_load(vg_ctx *ctx, const char *path, vg_eol_table **out)
{
    *out = NULL;
    char def[4096];
    if (!path) {
        if ((size_t)snprintf(def, sizeof def, "%s/data/end-of-life.json", vg_policy_data_dir()) >= sizeof def)
            return vg_error(ctx, VG_ERR_USAGE, "VIGIL_POLICY_DIR: path too long");
        path = def;
    }
    vg_buf text;
    int rc = vg_input_read_file(ctx, path, "end-of-life table", VG_EOL_MAX_SIZE, &text);
    if (rc == VG_ERR_NOT_FOUND && path == def)
        return vg_error(ctx, rc, "%s: no end-of-life table there (the directory is $VIGIL_POLICY_DIR when set, else "
                        "vigil's built-in data directory: set VIGIL_POLICY_DIR to the directory holding "
                        "data/end-of-life.json, or reinstall vigil)", path);
    if (rc)
        return rc;
    rc = vg_eol_parse(ctx, path, text.data ? text.data : "", text.len, out);
    vg_buf_free(&text);
    return rc;
}

void vg_eol_free(vg_eol_table *table)
{
    if (!table)
        return;
    vg_arena_free(&table->arena);
    free(table);
}

const char *vg_eol_as_of(const vg_eol_table *table)
{
    return table->as_of;
}

/* ---- lookup ----------------------------------------------------------- */

/* A purl's parts as spans of the string: only what the rules need. */
typedef struct purl_view {
    const char *type, *ns, *name, *version, *distro;
    size_t ntype, nns, nname, nversion, ndistro;
} purl_view;

static int span_is(const char *s, size_t n, const char *z)
{
    return z && strlen(z) == n && memcmp(s, z, n) == 0;
}

/* Splits "pkg:TYPE/NS.../NAME@VERSION?QUALIFIERS#SUBPATH"; -1 when it is
 * not of that shape.  Percent-escapes are left as they are: a part that
 * holds one matches nothing in the table. */
static int purl_split(const char *s, purl_view *v)
{
    memset(v, 0, sizeof *v);
    if (strncasecmp(s, "pkg:", 4) != 0)
        return -1;
    s += 4;
    while (*s == '/')
        s++;
    size_t core = strcspn(s, "?#");
    const char *slash = memchr(s, '/', core);
    if (!slash || slash == s)
        return -1;
    v->type = s;
    v->ntype = (size_t)(slash - s);
    const char *path = slash + 1, *end = s + core;
    const char *at = NULL;
    for (const char *p = path; p < end; p++)
        if (*p == '@')
            at = p;
    const char *name_end = at ? at : end;
    const char *last = name_end;
    while (last > path && last[-1] != '/')
        last--;
    v->name = last;
    v->nname = (size_t)(name_end - last);
    if (last > path) {
        v->ns = path;
        v->nns = (size_t)(last - 1 - path);
    }
    if (at) {
        v->version = at + 1;
        v->nversion = (size_t)(end - at - 1);
    }
    if (*end == '?') {
        const char *q = end + 1;
        size_t nq = strcspn(q, "#");
        for (const char *p = q; p < q + nq; p += strcspn(p, "&#") + 1) {
            size_t n = strcspn(p, "&#");
            if (n > 7 && strncasecmp(p, "distro=", 7) == 0) {
                v->distro = p + 7;
                v->ndistro = n - 7;
            }
        }
    }
    return v->nname ? 0 : -1;
}

/* The cycle of p that version[0..n) belongs to: equal, or the cycle then
 * '.' or '-' ("3.11" of "3.11.13", "1.21" of "1.21.0-rc.2"); the longest
 * when several. */
static const eol_cycle *cycle_of(const eol_product *p, const char *version, size_t n)
{
    const eol_cycle *best = NULL;
    if (n > 1 && version[0] == 'v' && version[1] >= '0' && version[1] <= '9') {
        version++;
        n--;
    }
    for (size_t i = 0; i < p->ncycles; i++) {
        size_t c = strlen(p->cycles[i].cycle);
        if (c <= n && memcmp(version, p->cycles[i].cycle, c) == 0 &&
            (c == n || version[c] == '.' || version[c] == '-') && (!best || c > strlen(best->cycle)))
            best = &p->cycles[i];
    }
    return best;
}

static int verdict(const eol_product *p, const eol_cycle *c, int64_t at, vg_eol_verdict *out)
{
    *out = (vg_eol_verdict){.product = p->name, .cycle = c->cycle, .eol = c->eol, .source = p->source,
                            .past = c->end != EOL_NO_END && c->end <= at};
    return 1;
}

/* An OS package of type t[0..nt) from release id[0..nid) version[0..nv). */
static int os_lookup(const vg_eol_table *table, const char *t, size_t nt, const char *id, size_t nid,
                     const char *version, size_t nv, int64_t at, vg_eol_verdict *out)
{
    for (size_t i = 0; i < table->nproducts; i++) {
        const eol_product *p = &table->products[i];
        int id_ok = 0, type_ok = 0;
        for (size_t k = 0; k < p->nos_ids; k++)
            id_ok |= span_is(id, nid, p->os_ids[k]);
        for (size_t k = 0; k < p->npurl_types; k++)
            type_ok |= span_is(t, nt, p->purl_types[k]);
        if (!p->os || !id_ok || !type_ok)
            continue;
        const eol_cycle *c = nv ? cycle_of(p, version, nv) : NULL;
        return c ? verdict(p, c, at, out) : 0;
    }
    return 0;
}

int vg_eol_lookup(const vg_eol_table *table, const char *purl, const char *name, const char *version,
                  const char *os, int64_t at, vg_eol_verdict *out)
{
    (void)name; /* every rule reads the purl; name is for rules to come */
    purl_view v;
    memset(out, 0, sizeof *out);
    if (!table || !purl || purl_split(purl, &v) != 0)
        return 0;
    if (span_is(v.type, v.ntype, "deb") || span_is(v.type, v.ntype, "apk") || span_is(v.type, v.ntype, "rpm")) {
        const char *rel = v.distro, *dash;
        size_t nrel = v.ndistro;
        if (rel) {
            /* "ID-VERSION_ID": the IDs the table knows hold no '-'. */
            dash = memchr(rel, '-', nrel);
            if (!dash || memchr(rel, '%', nrel))
                return 0;
            return os_lookup(table, v.type, v.ntype, rel, (size_t)(dash - rel), dash + 1,
                             nrel - (size_t)(dash - rel) - 1, at, out);
        }
        if (!os)
            return 0;
        size_t nid = strcspn(os, ": ");
        if (!os[nid])
            return 0;
        return os_lookup(table, v.type, v.ntype, os, nid, os + nid + 1, strlen(os + nid + 1), at, out);
    }
    const char *ver = v.version;
    size_t nver = v.nversion;
    if (!ver && version) {
        ver = version;
        nver = strlen(version);
    }
    if (!ver || memchr(ver, '%', nver))
        return 0;
    for (size_t i = 0; i < table->nproducts; i++) {
        const eol_product *p = &table->products[i];
        for (size_t k = 0; k < p->npurls; k++) {
            const eol_purl *f = &p->purls[k];
            if (!span_is(v.type, v.ntype, f->type) || !span_is(v.name, v.nname, f->name) ||
                (f->namespace_ ? !span_is(v.ns, v.nns, f->namespace_) : v.ns != NULL))
                continue;
            const eol_cycle *c = cycle_of(p, ver, nver);
            return c ? verdict(p, c, at, out) : 0;
        }
    }
    return 0;
}
