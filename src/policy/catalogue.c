/*
 * catalogue.c — the control catalogue (vigil/policy.h, "The control
 * catalogue"): reads and validates policy/catalogue.json, looks
 * requirements up, and counts which of them the rules of some packs cover
 * (`vigil controls --coverage`).
 *
 * The format is policy/README.md's; the ids cite NIS2 (Directive (EU)
 * 2022/2555) Art. 21, the annex of Implementing Regulation (EU) 2024/2690
 * and CRA (Regulation (EU) 2024/2847) Annex I.  The reader is strict —
 * every member known, ids of the form FRAMEWORK:NUMBER, parents before
 * their children, an annex entry's NIS2 points the union of its
 * children's — so that an edit that breaks the tree fails loudly instead
 * of changing what a rule's requirement means.  Bounded: the file's size,
 * the number of entries, the depth of the tree, the length of every string.
 *
 * The rules whose coverage is counted come as the engine's declarations
 * (vg_policy_rule_declaration()); only their id, requirements, pack and
 * file are read.
 *
 * Leaves out: the legal texts themselves (titles are paraphrases), and
 * manual attestations in the coverage count (`vigil evidence attest`:
 * their place is marked in report_coverage()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "source/input_file.h"
#include "vigil/arena.h"
#include "vigil/digest.h"
#include "vigil/map.h"
#include "vigil/policy.h"
#include "vigil/vigil.h"

#define CATALOGUE_FORMAT "vigil-controls"        /* the file's "catalogue" member */
#define CATALOGUE_MAX_SOURCE_TEXT 512             /* bytes of a member of a source */

const char *const vg_catalogue_frameworks[] = {"nis2", "ir2024-2690", "cra", NULL};
#define NFRAMEWORKS 3
#define ANNEX "ir2024-2690" /* the framework whose entries carry NIS2 points */

struct vg_catalogue {
    vg_arena arena;
    json_t *doc;           /* the parsed file: every string below points into it */
    const char *path;
    const char *version;
    char sha256[65];       /* of the file's bytes */
    vg_control *controls;  /* document order */
    size_t n;
    vg_map by_id;          /* id -> vg_control */
    vg_catalogue_source sources[NFRAMEWORKS];
    size_t nsources;
    const vg_control *first_root;
};

static int framework_index(const char *name)
{
    for (int i = 0; vg_catalogue_frameworks[i]; i++)
        if (strcmp(name, vg_catalogue_frameworks[i]) == 0)
            return i;
    return -1;
}

/* ---- reading ---------------------------------------------------------------- */

/* 1 when the UTF-8 string s (jansson checked the encoding) holds a C0 or
 * C1 control character or DEL: a title a terminal would act on. */
static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

/* Characters (code points) of the valid UTF-8 string s. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* A string member that is present, not empty, at most max bytes and free
 * of control characters; NULL otherwise. */
static const char *text_member(const json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s && strlen(s) <= max && !has_control(s) ? s : NULL;
}

/* "YYYY.MM.N": a year from 2000, a month 01-12, a counter from 1 without
 * leading zeros (policy/README.md, "Versioning"). */
static int valid_version(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 9 || n > 12 || s[0] != '2' || s[4] != '.' || s[7] != '.' || s[8] == '0')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    return month >= 1 && month <= 12;
}

/* FRAMEWORK:NUMBER of its own framework: NUMBER is dot-separated parts of
 * ASCII letters and digits ("21.2.e", "6.10.2", "I.2.a"). */
static int valid_id(const char *id, const char *framework)
{
    size_t fl = strlen(framework), n = strlen(id);
    if (n > VG_CATALOGUE_MAX_ID || n < fl + 2 || strncmp(id, framework, fl) != 0 || id[fl] != ':')
        return 0;
    const char *num = id + fl + 1;
    for (const char *c = num; *c; c++) {
        int alnum = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
        if (!alnum && !(*c == '.' && c != num && c[1] && c[1] != '.'))
            return 0;
    }
    return 1;
}

/* Fails unless o is an object whose members are all among the
 * NULL-terminated names. */
static int only_members(vg_ctx *ctx, const char *name, const char *where, const json_t *o, const char *const *names)
{
    if (!json_is_object(o))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s is not an object", name, where);
    char known[256] = ""; /* the names as policy_unknown_member() takes them */
    for (size_t k = 0; names[k]; k++) {
        size_t at = strlen(known);
        snprintf(known + at, sizeof known - at, "%s%s", k ? " " : "", names[k]);
    }
    const char *key = policy_unknown_member(o, known);
    if (key)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: unknown member \"%.64s\" (policy/README.md lists the members)",
                        name, where, key);
    return VG_OK;
}

static int read_sources(vg_ctx *ctx, vg_catalogue *cat, const json_t *sources)
{
    static const char *const members[] = {"framework", "title", "celex", "oj", "url", NULL};
    if (!json_is_array(sources) || json_array_size(sources) == 0 || json_array_size(sources) > NFRAMEWORKS)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: \"sources\" must be an array of one to %d sources, one per "
                        "framework", cat->path, NFRAMEWORKS);
    size_t i;
    json_t *s;
    json_array_foreach(sources, i, s) {
        char where[32];
        snprintf(where, sizeof where, "source %zu", i + 1);
        int rc = only_members(ctx, cat->path, where, s, members);
        if (rc)
            return rc;
        vg_catalogue_source src;
        const char **field[] = {&src.framework, &src.title, &src.celex, &src.oj, &src.url};
        for (size_t k = 0; k < sizeof field / sizeof *field; k++)
            if (!(*field[k] = text_member(s, members[k], CATALOGUE_MAX_SOURCE_TEXT)))
                return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"%s\" must be a non-empty string of at most %d bytes "
                                "without control characters", cat->path, where, members[k],
                                CATALOGUE_MAX_SOURCE_TEXT);
        if (framework_index(src.framework) < 0)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: unknown framework \"%.64s\" (known: nis2, ir2024-2690, "
                            "cra)", cat->path, where, src.framework);
        if (vg_catalogue_source_of(cat, src.framework))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: a second source for framework %s", cat->path, where,
                            src.framework);
        cat->sources[cat->nsources++] = src;
    }
    return VG_OK;
}

/* Reads requirement i (object r) into cat->controls[i], linking it under
 * its parent; last_child[] is the scratch of the links. */
static int read_entry(vg_ctx *ctx, vg_catalogue *cat, size_t i, const json_t *r, vg_control **last_child,
                      vg_control **last_root)
{
    static const char *const members[] = {"id", "framework", "ref", "title", "parent", "nis2", NULL};
    char where[48];
    snprintf(where, sizeof where, "requirement %zu", i + 1);
    int rc = only_members(ctx, cat->path, where, r, members);
    if (rc)
        return rc;
    vg_control *c = &cat->controls[i];
    c->index = i;
    const char *framework = json_string_value(json_object_get(r, "framework"));
    if (!framework || framework_index(framework) < 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: unknown framework \"%.64s\" (known: nis2, ir2024-2690, cra)",
                        cat->path, where, framework ? framework : "");
    if (!vg_catalogue_source_of(cat, framework))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: framework %s has no entry in \"sources\"", cat->path, where,
                        framework);
    c->framework = framework;
    const char *id = json_string_value(json_object_get(r, "id"));
    if (!id || !valid_id(id, framework))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"id\" must be %s:NUMBER (NUMBER: letters and digits in "
                        "dot-separated parts; at most %d bytes in all), not \"%.80s\"", cat->path, where, framework,
                        VG_CATALOGUE_MAX_ID, id ? id : "");
    c->id = id;
    snprintf(where, sizeof where, "requirement %s", id);
    if (vg_map_get(&cat->by_id, id, strlen(id)))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: a second requirement with this id (ids are unique)", cat->path,
                        where);
    if (!(c->ref = text_member(r, "ref", VG_CATALOGUE_MAX_REF)))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"ref\" must be a non-empty string of at most %d bytes without "
                        "control characters", cat->path, where, VG_CATALOGUE_MAX_REF);
    c->title = json_string_value(json_object_get(r, "title"));
    if (!c->title || !*c->title || has_control(c->title) || utf8_length(c->title) > VG_CATALOGUE_MAX_TITLE)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"title\" must be a non-empty string of at most %d characters "
                        "without control characters", cat->path, where, VG_CATALOGUE_MAX_TITLE);
    json_t *parent = json_object_get(r, "parent");
    if (json_is_string(parent)) {
        const char *pid = json_string_value(parent);
        vg_control *p = vg_map_get(&cat->by_id, pid, strlen(pid));
        if (!p)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: parent \"%.80s\" is not an earlier requirement (a parent "
                            "comes before its children)", cat->path, where, pid);
        if (strcmp(p->framework, framework) != 0)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: parent %s is of another framework", cat->path, where, pid);
        if (p->depth + 1 > VG_CATALOGUE_MAX_DEPTH)
            return vg_error(ctx, VG_ERR_LIMIT, "%s: %s: more than %d levels below %s's top", cat->path, where,
                            VG_CATALOGUE_MAX_DEPTH, framework);
        c->parent = p;
        c->depth = p->depth + 1;
        if (last_child[p->index])
            last_child[p->index]->next_sibling = c;
        else
            p->first_child = c;
        last_child[p->index] = c;
    } else if (json_is_null(parent)) {
        if (*last_root)
            (*last_root)->next_sibling = c;
        else
            cat->first_root = c;
        *last_root = c;
    } else {
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"parent\" must be an id or null", cat->path, where);
    }
    json_t *nis2 = json_object_get(r, "nis2");
    if (strcmp(framework, ANNEX) == 0) {
        if (!json_is_array(nis2) || json_array_size(nis2) == 0)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"nis2\" must list the NIS2 Art. 21(2) points the entry "
                            "implements", cat->path, where);
    } else if (nis2) {
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: only %s entries have \"nis2\"", cat->path, where, ANNEX);
    }
    if (vg_map_put(&cat->by_id, id, strlen(id), c))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

/* Resolves the "nis2" lists of the annex entries (they may name any nis2
 * entry, wherever it stands) and checks that each parent's list is the
 * union of its children's (policy/README.md, "The mapping to NIS2"), with
 * one stamp per control so that it costs one look at each point. */
static int resolve_nis2(vg_ctx *ctx, vg_catalogue *cat)
{
    size_t *in_parent = calloc(cat->n ? cat->n : 1, sizeof *in_parent);
    size_t *seen = calloc(cat->n ? cat->n : 1, sizeof *seen);
    int rc = in_parent && seen ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < cat->n; i++) {
        vg_control *c = &cat->controls[i];
        json_t *list = json_object_get(json_array_get(json_object_get(cat->doc, "requirements"), i), "nis2");
        if (!list)
            continue;
        const vg_control **points = vg_arena_calloc(&cat->arena, json_array_size(list), sizeof *points);
        if (!points) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        size_t k;
        json_t *v;
        json_array_foreach(list, k, v) {
            const char *pid = json_string_value(v);
            const vg_control *p = pid ? vg_map_get(&cat->by_id, pid, strlen(pid)) : NULL;
            if (!p || strcmp(p->framework, "nis2") != 0) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: \"nis2\" names \"%.80s\", which is not a nis2 "
                              "requirement of the catalogue", cat->path, c->id, pid ? pid : "(not a string)");
                break;
            }
            if (in_parent[p->index] == i + 1) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: \"nis2\" names %s twice", cat->path, c->id,
                              pid);
                break;
            }
            in_parent[p->index] = i + 1;
            points[k] = p;
        }
        c->nis2 = points;
        c->nnis2 = json_array_size(list);
    }
    /* Children come after their parent: walk parents in reverse document
     * order so that every list a parent is checked against is resolved. */
    for (size_t i = cat->n; rc == VG_OK && i-- > 0;) {
        const vg_control *c = &cat->controls[i];
        if (!c->first_child || !c->nnis2)
            continue;
        for (size_t k = 0; k < c->nnis2; k++)
            in_parent[c->nis2[k]->index] = i + 1;
        size_t found = 0;
        for (const vg_control *ch = c->first_child; rc == VG_OK && ch; ch = ch->next_sibling)
            for (size_t k = 0; k < ch->nnis2; k++) {
                size_t p = ch->nis2[k]->index;
                if (in_parent[p] != i + 1) {
                    rc = vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: \"nis2\" lacks %s, which its child %s "
                                  "names (a parent carries the union of its children's points)", cat->path, c->id,
                                  ch->nis2[k]->id, ch->id);
                    break;
                }
                if (seen[p] != i + 1) {
                    seen[p] = i + 1;
                    found++;
                }
            }
        if (rc == VG_OK && found != c->nnis2)
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: \"nis2\" names a point none of its children "
                          "names (a parent carries the union of its children's points)", cat->path, c->id);
    }
    free(in_parent);
    free(seen);
    return rc;
}

static int parse(vg_ctx *ctx, vg_catalogue *cat, const char *data, size_t len)
{
    static const char *const members[] = {"catalogue", "version", "sources", "requirements", NULL};
    if (len > VG_CATALOGUE_MAX_SIZE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: catalogue of %zu bytes exceeds the limit of %u bytes", cat->path, len,
                        VG_CATALOGUE_MAX_SIZE);
    vg_file_digest digest;
    int rc = vg_digest_memory(ctx, data, len, VG_DIGEST_SHA256, &digest);
    if (rc)
        return rc;
    memcpy(cat->sha256, digest.sha256, sizeof cat->sha256);
    json_error_t err;
    if (!(cat->doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err)))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", cat->path,
                        err.line, err.column, err.text);
    if ((rc = only_members(ctx, cat->path, "the catalogue", cat->doc, members)))
        return rc;
    const char *format = json_string_value(json_object_get(cat->doc, "catalogue"));
    if (!format || strcmp(format, CATALOGUE_FORMAT) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: \"catalogue\" must be \"%s\": not a vigil control catalogue",
                        cat->path, CATALOGUE_FORMAT);
    cat->version = json_string_value(json_object_get(cat->doc, "version"));
    if (!valid_version(cat->version))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: \"version\" must be YYYY.MM.N (year, month 01-12, a counter from "
                        "1), not \"%.32s\"", cat->path, cat->version ? cat->version : "");
    if ((rc = read_sources(ctx, cat, json_object_get(cat->doc, "sources"))))
        return rc;
    json_t *reqs = json_object_get(cat->doc, "requirements");
    if (!json_is_array(reqs) || json_array_size(reqs) == 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: \"requirements\" must be a non-empty array", cat->path);
    if (json_array_size(reqs) > VG_CATALOGUE_MAX_ENTRIES)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d requirements", cat->path, VG_CATALOGUE_MAX_ENTRIES);
    cat->n = json_array_size(reqs);
    cat->controls = vg_arena_calloc(&cat->arena, cat->n, sizeof *cat->controls);
    vg_control **last_child = calloc(cat->n, sizeof *last_child);
    vg_control *last_root = NULL;
    if (!cat->controls || !last_child) {
        free(last_child);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == VG_OK && i < cat->n; i++)
        rc = read_entry(ctx, cat, i, json_array_get(reqs, i), last_child, &last_root);
    free(last_child);
    return rc ? rc : resolve_nis2(ctx, cat);
}

int vg_catalogue_parse(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_catalogue **out)
{
    *out = NULL;
    vg_catalogue *cat = calloc(1, sizeof *cat);
    if (!cat)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_arena_init(&cat->arena);
    vg_map_init(&cat->by_id);
    int rc = (cat->path = vg_arena_strdup(&cat->arena, name ? name : "(catalogue)"))
                 ? parse(ctx, cat, data, len)
                 : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        vg_catalogue_free(cat);
        return rc;
    }
    *out = cat;
    return VG_OK;
}

int vg_catalogue_load(vg_ctx *ctx, const char *path, vg_catalogue **out)
{
    *out = NULL;
    char def[4096];
    if (!path) {
        if ((size_t)snprintf(def, sizeof def, "%s/catalogue.json", vg_policy_data_dir()) >= sizeof def)
            return vg_error(ctx, VG_ERR_USAGE, "VIGIL_POLICY_DIR: path too long");
        path = def;
    }
    vg_buf text;
    int rc = vg_input_read_file(ctx, path, "control catalogue", VG_CATALOGUE_MAX_SIZE, &text);
    if (rc == VG_ERR_NOT_FOUND && path == def)
        return vg_error(ctx, rc, "%s: no control catalogue there (the directory is $VIGIL_POLICY_DIR when set, else "
                        "vigil's built-in data directory: set VIGIL_POLICY_DIR to the directory holding "
                        "catalogue.json, or reinstall vigil)", path);
    if (rc)
        return rc;
    rc = vg_catalogue_parse(ctx, path, text.data ? text.data : "", text.len, out);
    vg_buf_free(&text);
    return rc;
}

void vg_catalogue_free(vg_catalogue *cat)
{
    if (!cat)
        return;
    json_decref(cat->doc);
    vg_map_free(&cat->by_id);
    vg_arena_free(&cat->arena);
    free(cat);
}

const char *vg_catalogue_version(const vg_catalogue *cat)
{
    return cat->version;
}

const char *vg_catalogue_path(const vg_catalogue *cat)
{
    return cat->path;
}

size_t vg_catalogue_count(const vg_catalogue *cat)
{
    return cat->n;
}

const vg_control *vg_catalogue_at(const vg_catalogue *cat, size_t i)
{
    return i < cat->n ? &cat->controls[i] : NULL;
}

const vg_control *vg_catalogue_find(const vg_catalogue *cat, const char *id)
{
    return id ? vg_map_get(&cat->by_id, id, strlen(id)) : NULL;
}

const vg_control *vg_catalogue_children(const vg_catalogue *cat, const vg_control *parent)
{
    return parent ? parent->first_child : cat->first_root;
}

const vg_catalogue_source *vg_catalogue_source_of(const vg_catalogue *cat, const char *framework)
{
    for (size_t i = 0; i < cat->nsources; i++)
        if (strcmp(cat->sources[i].framework, framework) == 0)
            return &cat->sources[i];
    return NULL;
}

/* ---- the report: tree and coverage ----------------------------------------------- */

static int by_string(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* Sorts an array of strings in place. */
static int sort_strings(json_t *a)
{
    size_t n = json_array_size(a);
    if (n < 2)
        return VG_OK;
    json_t **items = malloc(n * sizeof *items);
    if (!items)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(a, i));
    qsort(items, n, sizeof *items, by_string);
    json_array_clear(a);
    int rc = VG_OK;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(a, items[i]))
            rc = VG_ERR_NOMEM;
    free(items);
    return rc;
}

/* Appends id to the array a unless it is its last member already (the
 * rules are added one at a time, so a repeat is always the last). */
static int add_once(json_t *a, const char *id)
{
    size_t n = json_array_size(a);
    if (n && strcmp(json_string_value(json_array_get(a, n - 1)), id) == 0)
        return VG_OK;
    return json_array_append_new(a, json_string(id)) ? VG_ERR_NOMEM : VG_OK;
}

/* Per requirement (index i): the ids of the rules declaring it, in
 * direct[i], and for a nis2 requirement those declaring an annex entry that
 * implements it, in via_annex[i].  An unknown id is the rule's error. */
static int collect_rules(vg_ctx *ctx, const vg_catalogue *cat, const json_t *rules, json_t **direct,
                         json_t **via_annex)
{
    size_t i, k;
    json_t *r, *req;
    json_array_foreach(rules, i, r) {
        const char *rid = json_string_value(json_object_get(r, "id"));
        const char *file = json_string_value(json_object_get(r, "file"));
        if (!rid)
            return vg_error(ctx, VG_ERR_USAGE, "rule declaration %zu has no id", i + 1);
        json_array_foreach(json_object_get(r, "requirements"), k, req) {
            const vg_control *c = vg_catalogue_find(cat, json_string_value(req));
            if (!c)
                return vg_error(ctx, VG_ERR_RULE, "%s: rule %s names requirement \"%.80s\", which is not in the control "
                                "catalogue %s (version %s); `vigil controls` lists the ids", file ? file : "(rule)",
                                rid, json_string_value(req) ? json_string_value(req) : "(not a string)", cat->path,
                                cat->version);
            if (add_once(direct[c->index], rid))
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            for (size_t p = 0; p < c->nnis2; p++)
                if (add_once(via_annex[c->nis2[p]->index], rid))
                    return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
    }
    return VG_OK;
}

/* Adds the coverage members to the requirement objects entries[i] (NULL
 * for requirements not shown) and counts covered leaves per framework. */
static int report_coverage(vg_ctx *ctx, const vg_catalogue *cat, const json_t *rules, json_t **entries,
                           size_t *covered_in)
{
    json_t **direct = calloc(cat->n, sizeof *direct), **via = calloc(cat->n, sizeof *via);
    size_t *covered = calloc(cat->n, sizeof *covered);
    int rc = direct && via && covered ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < cat->n; i++)
        if (!(direct[i] = json_array()) || !(via[i] = json_array()))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK)
        rc = collect_rules(ctx, cat, rules, direct, via);
    /* A leaf is covered when a rule declares it or, for a NIS2 point, an
     * annex entry that implements it (policy/README.md).  Manual
     * attestations (`vigil evidence attest`) are to cover a leaf too: when
     * they are counted, it is here, beside the rules.  Children come
     * after their parent, so the reverse walk has every child's count
     * before it adds it to the parent's. */
    for (size_t i = cat->n; rc == VG_OK && i-- > 0;) {
        const vg_control *c = &cat->controls[i];
        if (!c->first_child)
            covered[i] = json_array_size(direct[i]) || json_array_size(via[i]);
        if (c->parent)
            covered[c->parent->index] += covered[i];
        if (!entries[i])
            continue;
        if (!c->first_child)
            covered_in[framework_index(c->framework)] += covered[i];
        if (sort_strings(direct[i]) || json_object_set(entries[i], "rules", direct[i]) ||
            (!strcmp(c->framework, "nis2") && !c->first_child &&
             (sort_strings(via[i]) || json_object_set(entries[i], "via_annex", via[i]))) ||
            json_object_set_new(entries[i], c->first_child ? "covered_leaves" : "covered",
                                c->first_child ? json_integer((json_int_t)covered[i]) : json_boolean(covered[i])))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cat->n; i++) {
        json_decref(direct ? direct[i] : NULL);
        json_decref(via ? via[i] : NULL);
    }
    free(direct);
    free(via);
    free(covered);
    return rc;
}

/* The requirement object of c as the report shows it, without coverage. */
static json_t *entry_of(const vg_control *c, size_t leaves)
{
    json_t *e = json_pack("{sssssssssosI}", "id", c->id, "framework", c->framework, "ref", c->ref, "title", c->title,
                          "parent", c->parent ? json_string(c->parent->id) : json_null(), "depth",
                          (json_int_t)c->depth);
    json_t *points = c->nnis2 ? json_array() : NULL;
    for (size_t k = 0; points && k < c->nnis2; k++)
        if (json_array_append_new(points, json_string(c->nis2[k]->id)))
            json_decref(points), points = NULL;
    if (e && ((c->nnis2 && json_object_set_new(e, "nis2", points)) ||
              (c->first_child && json_object_set_new(e, "leaves", json_integer((json_int_t)leaves))))) {
        json_decref(e);
        return NULL;
    }
    return e;
}

int vg_catalogue_report(vg_ctx *ctx, const vg_catalogue *cat, const char *const *frameworks, size_t nframeworks,
                        const json_t *rules, json_t **out)
{
    *out = NULL;
    int shown[NFRAMEWORKS] = {0};
    for (size_t i = 0; i < nframeworks; i++) {
        int f = framework_index(frameworks[i]);
        if (f < 0)
            return vg_error(ctx, VG_ERR_USAGE, "unknown framework \"%.64s\" (known: nis2, ir2024-2690, cra)",
                            frameworks[i]);
        shown[f] = 1;
    }
    for (int f = 0; !nframeworks && f < NFRAMEWORKS; f++)
        shown[f] = 1;

    json_t **entries = calloc(cat->n ? cat->n : 1, sizeof *entries);
    size_t *leaves = calloc(cat->n ? cat->n : 1, sizeof *leaves);
    size_t count[NFRAMEWORKS] = {0}, nleaves[NFRAMEWORKS] = {0}, covered[NFRAMEWORKS] = {0};
    json_t *doc = json_pack("{sis{ssss}s{ssssss}s[]s[]s[]}", "vigil-controls", 1, "tool", "name", "vigil",
                            "version", vg_version(), "catalogue", "version", cat->version, "path", cat->path,
                            "sha256", cat->sha256, "frameworks", "sources", "requirements");
    int rc = entries && leaves && doc ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = cat->n; rc == VG_OK && i-- > 0;) {
        const vg_control *c = &cat->controls[i];
        if (!c->first_child)
            leaves[i] = 1;
        if (c->parent)
            leaves[c->parent->index] += leaves[i];
    }
    json_t *reqs = json_object_get(doc, "requirements");
    for (size_t i = 0; rc == VG_OK && i < cat->n; i++) {
        const vg_control *c = &cat->controls[i];
        int f = framework_index(c->framework);
        if (!shown[f])
            continue;
        count[f]++;
        nleaves[f] += !c->first_child;
        if (!(entries[i] = entry_of(c, leaves[i])) || json_array_append(reqs, entries[i]))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (rc == VG_OK && rules)
        rc = report_coverage(ctx, cat, rules, entries, covered);
    json_t *listed = rules ? json_array() : NULL;
    for (size_t i = 0; rc == VG_OK && i < json_array_size(rules); i++) {
        const json_t *r = json_array_get(rules, i);
        json_t *o = json_object();
        static const char *const members[] = {"id", "requirements", "pack", "file"};
        for (size_t k = 0; o && k < sizeof members / sizeof *members; k++)
            if (json_object_get(r, members[k]) && json_object_set(o, members[k], json_object_get(r, members[k])))
                json_decref(o), o = NULL;
        if (!listed || json_array_append_new(listed, o))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (rc == VG_OK && listed && json_object_set(doc, "rules", listed))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_decref(listed);
    json_t *per = json_object();
    size_t total[3] = {0};
    for (int f = 0; rc == VG_OK && f < NFRAMEWORKS; f++) {
        if (!shown[f])
            continue;
        const vg_catalogue_source *src = vg_catalogue_source_of(cat, vg_catalogue_frameworks[f]);
        json_t *counts = json_pack("{sIsI}", "requirements", (json_int_t)count[f], "leaves", (json_int_t)nleaves[f]);
        if (counts && rules && json_object_set_new(counts, "covered", json_integer((json_int_t)covered[f])))
            json_decref(counts), counts = NULL;
        if (!per || !counts || json_object_set_new(per, vg_catalogue_frameworks[f], counts) ||
            json_array_append_new(json_object_get(doc, "frameworks"), json_string(vg_catalogue_frameworks[f])) ||
            (src && json_array_append_new(json_object_get(doc, "sources"),
                                          json_pack("{ssssssssss}", "framework", src->framework, "title", src->title,
                                                    "celex", src->celex, "oj", src->oj, "url", src->url))))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        total[0] += count[f];
        total[1] += nleaves[f];
        total[2] += covered[f];
    }
    json_t *summary = NULL;
    if (rc == VG_OK &&
        (!(summary = json_pack("{sIsIsO}", "requirements", (json_int_t)total[0], "leaves", (json_int_t)total[1],
                               "frameworks", per)) ||
         (rules && json_object_set_new(summary, "covered", json_integer((json_int_t)total[2]))) ||
         json_object_set(doc, "summary", summary)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_decref(summary);
    json_decref(per);
    for (size_t i = 0; entries && i < cat->n; i++)
        json_decref(entries[i]);
    free(entries);
    free(leaves);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
