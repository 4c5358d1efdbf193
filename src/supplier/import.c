/*
 * import.c — a supplier register file read into checked canonical records
 * (docs/supplier-risk.md, "Importing a register"):
 *
 *   YAML 1.2 or JSON (vg_yaml_read(): the core schema, JSON when the text
 *   starts with '{'): a mapping whose one key `suppliers` holds the list
 *   of records.  The lines come from libyaml's nodes (their start marks),
 *   read a second time from the same text: a record starts at its entry,
 *   a problem names the line of its key (or of the deepest part of the
 *   key's path the entry holds: a missing member names its parent's line);
 *   a JSON text libyaml cannot read names its entries "suppliers[N]".
 *
 *   CSV, RFC 4180: fields separated by ',', records by CRLF or LF, a field
 *   in double quotes may hold ',', line breaks and '""' (one '"'); a '"'
 *   inside an unquoted field, text after a closing quote and a quote left
 *   open are errors.  UTF-8 (a leading byte order mark is skipped); the
 *   first record is the header; blank lines are skipped.  List cells are
 *   split at ';' (certifications NAME@DATE, sbom_assets NAME, rules
 *   KIND:GLOB, accepted GLOB|BY|UNTIL|REASON).  Cells and column names are
 *   trimmed of spaces and tabs, but for description.  Line numbers are
 *   physical lines: where a row starts.
 *
 * All or nothing: every entry is checked (vg_supplier_record_check()),
 * names must be unique within the file, and any problem leaves *out NULL.
 * Bounds: VG_SUPPLIER_MAX_IMPORT entries, CSV_MAX_FIELD bytes per cell,
 * CSV_MAX_COLUMNS columns.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include <yaml.h>

#include "vigil/buf.h"
#include "vigil/supplier.h"
#include "vigil/yaml.h"

#define CSV_MAX_FIELD ((size_t)4 << 20)
#define CSV_MAX_COLUMNS 64

/* The problems of an import: the first VG_SUPPLIER_MAX_ERRORS kept. */
typedef struct report {
    vg_ctx *ctx;
    const char *name;
    json_t *errors;
    size_t count;
    int nomem;
} report;

static void keep(report *r, json_t *s)
{
    r->count++;
    if (r->count > VG_SUPPLIER_MAX_ERRORS) {
        json_decref(s);
        return;
    }
    if (!s || json_array_append_new(r->errors, s))
        r->nomem = 1;
}

/* A problem at where ("NAME:LINE"). */
static void problem(report *r, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(report *r, const char *where, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    keep(r, json_sprintf("%s: %s", where, text));
}

/* A YAML text as libyaml's nodes, for the lines of its keys: loaded when
 * libyaml reads it as vg_yaml_read() did (not so a JSON text libyaml
 * refuses: its entries are then named "suppliers[N]"). */
typedef struct yaml_src {
    yaml_parser_t parser;
    yaml_document_t doc;
    int loaded;
    yaml_node_t *entries; /* the sequence of suppliers, or NULL */
} yaml_src;

static long yaml_line(const yaml_node_t *node)
{
    return (long)node->start_mark.line + 1;
}

/* The line of the member path ("contract.fix_days", "rules[2].purl") in
 * node: of the deepest key or entry of the path the text holds. */
static long key_line(yaml_src *y, yaml_node_t *node, const char *path)
{
    long line = yaml_line(node);
    for (const char *p = path; node && *p;) {
        size_t n = strcspn(p, ".[");
        yaml_node_t *next = NULL;
        if (n && node->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *kv = node->data.mapping.pairs.start; kv < node->data.mapping.pairs.top; kv++) {
                yaml_node_t *k = yaml_document_get_node(&y->doc, kv->key);
                if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == n &&
                    memcmp(k->data.scalar.value, p, n) == 0) {
                    line = yaml_line(k);
                    next = yaml_document_get_node(&y->doc, kv->value);
                    break;
                }
            }
        } else if (!n && *p == '[' && node->type == YAML_SEQUENCE_NODE) {
            unsigned long i = strtoul(p + 1, NULL, 10);
            if (i < (unsigned long)(node->data.sequence.items.top - node->data.sequence.items.start) &&
                (next = yaml_document_get_node(&y->doc, node->data.sequence.items.start[i])))
                line = yaml_line(next);
            n = strcspn(p, "]") + 1;
        }
        node = next;
        p += n;
        p += *p == '.';
    }
    return line;
}

/* Moves the problems a record check listed ("WHERE: KEY: ...") into the
 * report; with node (a YAML entry), each names the line of its key. */
static void take(report *r, json_t *found, const char *where, yaml_src *y, yaml_node_t *node)
{
    size_t i, skip = strlen(where) + 2;
    json_t *s;
    json_array_foreach(found, i, s) {
        const char *text = json_string_value(s);
        if (!node || strlen(text) < skip) {
            keep(r, json_incref(s));
            continue;
        }
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)strcspn(text + skip, ": "), text + skip);
        keep(r, json_sprintf("%.1000s:%ld: %s", r->name, key_line(y, node, key), text + skip));
    }
    json_array_clear(found);
}

/* The end of an import: VG_OK with the records, or the first problem as
 * ctx's message and "and N more problems" after the kept ones. */
static int finish(report *r, json_t *records, json_t *lines, json_t **out, json_t **where)
{
    int status = r->nomem ? VG_ERR_NOMEM : VG_OK;
    if (!status && r->count) {
        if (r->count > VG_SUPPLIER_MAX_ERRORS &&
            json_array_append_new(r->errors, json_sprintf("and %zu more problems", r->count - VG_SUPPLIER_MAX_ERRORS)))
            r->nomem = 1;
        const char *first = json_string_value(json_array_get(r->errors, 0));
        status = vg_error(r->ctx, VG_ERR_FORMAT, "%s%s", first ? first : r->name,
                          r->count > 1 ? " (and more problems)" : "");
    } else if (status) {
        vg_error(r->ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (status) {
        json_decref(records);
        json_decref(lines);
        return status;
    }
    *out = records;
    if (where)
        *where = lines;
    else
        json_decref(lines);
    return VG_OK;
}

/* Checks entry (found at where) and appends its canonical form to records
 * and where to lines; a name seen before (names: name -> where, of every
 * entry whose name is a string, valid or not) is a problem naming both
 * lines. */
static void add_entry(report *r, const json_t *entry, const char *where, yaml_src *y, yaml_node_t *node,
                      json_t *names, json_t *records, json_t *lines)
{
    json_t *found = json_array(), *rec = NULL;
    if (!found) {
        r->nomem = 1;
        return;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_supplier_record_check(&ctx, entry, where, found, &rec);
    vg_ctx_free(&ctx);
    if (rc == VG_ERR_NOMEM)
        r->nomem = 1;
    take(r, found, where, y, node);
    json_decref(found);
    const char *name = json_string_value(json_object_get(entry, "name"));
    const json_t *seen = name ? json_object_get(names, name) : NULL;
    if (seen) {
        const char *at = strrchr(json_string_value(seen), ':');
        char line[1100] = "";
        if (node)
            snprintf(line, sizeof line, "%.1000s:%ld", r->name, key_line(y, node, "name"));
        problem(r, node ? line : where, "name: '%.200s' is given twice in the file: first at line %s", name,
                at ? at + 1 : json_string_value(seen));
    } else if (name && json_object_set_new(names, name, json_string(where))) {
        r->nomem = 1;
    }
    if (rec && !seen && (json_array_append_new(records, json_incref(rec)) ||
                         json_array_append_new(lines, json_string(where))))
        r->nomem = 1;
    json_decref(rec);
}

/* ---- YAML / JSON ------------------------------------------------------------ */

/* The node of the value of key in mapping node m, or NULL. */
static yaml_node_t *yaml_value(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* Loads y from the text; y->entries when its suppliers are a list of n. */
static void yaml_src_open(yaml_src *y, const char *data, size_t len, size_t n)
{
    memset(y, 0, sizeof *y);
    if (!yaml_parser_initialize(&y->parser))
        return;
    yaml_parser_set_input_string(&y->parser, (const unsigned char *)data, len);
    if (!(y->loaded = yaml_parser_load(&y->parser, &y->doc)))
        return;
    yaml_node_t *seq = yaml_value(&y->doc, yaml_document_get_root_node(&y->doc), "suppliers");
    if (seq && seq->type == YAML_SEQUENCE_NODE &&
        (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start) == n)
        y->entries = seq;
}

static void yaml_src_close(yaml_src *y)
{
    if (y->loaded)
        yaml_document_delete(&y->doc);
    yaml_parser_delete(&y->parser);
}

static int import_yaml(report *r, const char *data, size_t len, json_t **out, json_t **where)
{
    json_t *doc = NULL;
    int rc = vg_yaml_read(r->ctx, r->name, data, len, &doc);
    if (rc) {
        keep(r, json_string(r->ctx->message));
        int status = finish(r, NULL, NULL, out, where);
        return status == VG_ERR_NOMEM ? status : rc;
    }
    const json_t *list = json_object_get(doc, "suppliers");
    size_t n = json_array_size(list);
    if (n > VG_SUPPLIER_MAX_IMPORT) {
        json_decref(doc);
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: %zu suppliers, more than %d in one import", r->name, n,
                        VG_SUPPLIER_MAX_IMPORT);
    }
    yaml_src y;
    yaml_src_open(&y, data, len, n);
    yaml_node_t *root = y.loaded ? yaml_document_get_root_node(&y.doc) : NULL;
    json_t *records = json_array(), *wheres = json_array(), *names = json_object();
    if (!records || !wheres || !names)
        r->nomem = 1;
    char at[1100];
    if (!json_is_object(doc) || !json_is_array(list)) {
        snprintf(at, sizeof at, "%.1000s:%ld", r->name, root ? key_line(&y, root, "suppliers") : 1L);
        problem(r, at, "suppliers: the file must be a mapping whose one key, suppliers, holds the list of suppliers");
    }
    const char *k;
    json_t *v;
    if (json_is_object(doc))
        json_object_foreach(doc, k, v)
            if (strcmp(k, "suppliers") != 0) {
                snprintf(at, sizeof at, "%.1000s:%ld", r->name,
                         root && !strpbrk(k, ".[") ? key_line(&y, root, k) : 1L);
                problem(r, at, "%.100s: unknown key (the file holds one key, suppliers)", k);
            }
    for (size_t i = 0; i < n && !r->nomem; i++) {
        yaml_node_t *node =
            y.entries ? yaml_document_get_node(&y.doc, y.entries->data.sequence.items.start[i]) : NULL;
        if (node)
            snprintf(at, sizeof at, "%.1000s:%ld", r->name, yaml_line(node));
        else
            snprintf(at, sizeof at, "%.1000s: suppliers[%zu]", r->name, i);
        add_entry(r, json_array_get(list, i), at, &y, node, names, records, wheres);
    }
    yaml_src_close(&y);
    json_decref(names);
    json_decref(doc);
    return finish(r, records, wheres, out, where);
}

/* ---- CSV -------------------------------------------------------------------- */

/* The columns, in the order of the record. */
static const char *const columns[] = {
    "name", "supplies", "criticality", "own", "description", "website", "contacts.security",
    "contacts.security_txt", "contacts.psirt", "contract.reference", "contract.incident_notification_hours",
    "contract.vulnerability_disclosure", "contract.fix_days", "contract.sbom_delivery", "contract.right_to_audit",
    "contract.subcontractor_notification", "contract.end_of_support", "certifications", "assessment.date",
    "assessment.result", "assessment.next_due", "sbom_assets", "rules", "accepted", NULL};

typedef struct csv_reader {
    const char *data;
    size_t len, pos;
    long line; /* of pos */
    vg_buf field;
} csv_reader;

/* Reads one record into row (an array of strings), its first line in
 * *start; 1 a record, 0 the end of the text, -1 an error reported. */
static int csv_row(report *r, csv_reader *c, json_t *row, long *start)
{
    char at[1100];
    *start = c->line;
    if (c->pos >= c->len)
        return 0;
    for (;;) {
        vg_buf_reset(&c->field);
        int rc = VG_OK;
        if (c->pos < c->len && c->data[c->pos] == '"') {
            long opened = c->line;
            c->pos++;
            for (;;) {
                if (c->pos >= c->len) {
                    snprintf(at, sizeof at, "%.1000s:%ld", r->name, opened);
                    problem(r, at, "column %zu: a quoted field is never closed", json_array_size(row) + 1);
                    return -1;
                }
                char ch = c->data[c->pos];
                if (ch == '"' && c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
                    rc = vg_buf_addc(&c->field, '"');
                    c->pos += 2;
                } else if (ch == '"') {
                    c->pos++;
                    break;
                } else {
                    c->line += ch == '\n';
                    rc = vg_buf_addc(&c->field, ch);
                    c->pos++;
                }
                if (rc)
                    break;
            }
            if (!rc && c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
                !(c->data[c->pos] == '\r' && c->pos + 1 < c->len && c->data[c->pos + 1] == '\n')) {
                snprintf(at, sizeof at, "%.1000s:%ld", r->name, c->line);
                problem(r, at, "column %zu: text after the closing quote of a field (a '\"' in a field is written "
                        "'\"\"')", json_array_size(row) + 1);
                return -1;
            }
        } else {
            while (!rc && c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
                   !(c->data[c->pos] == '\r' && c->pos + 1 < c->len && c->data[c->pos + 1] == '\n')) {
                if (c->data[c->pos] == '"') {
                    snprintf(at, sizeof at, "%.1000s:%ld", r->name, c->line);
                    problem(r, at, "column %zu: a '\"' inside a field that does not start with one (quote the "
                            "whole field)", json_array_size(row) + 1);
                    return -1;
                }
                rc = vg_buf_addc(&c->field, c->data[c->pos++]);
            }
        }
        if (rc) {
            snprintf(at, sizeof at, "%.1000s:%ld", r->name, *start);
            if (rc == VG_ERR_NOMEM)
                r->nomem = 1;
            else
                problem(r, at, "column %zu: a field longer than %zu bytes", json_array_size(row) + 1, CSV_MAX_FIELD);
            return -1;
        }
        json_t *s = json_stringn(c->field.data ? c->field.data : "", c->field.len);
        if (!s) {
            snprintf(at, sizeof at, "%.1000s:%ld", r->name, *start);
            problem(r, at, "column %zu: not UTF-8 text", json_array_size(row) + 1);
            return -1;
        }
        if (json_array_size(row) >= CSV_MAX_COLUMNS) {
            json_decref(s);
            snprintf(at, sizeof at, "%.1000s:%ld", r->name, *start);
            problem(r, at, "more than %d fields", CSV_MAX_COLUMNS);
            return -1;
        }
        if (json_array_append_new(row, s)) {
            r->nomem = 1;
            return -1;
        }
        if (c->pos >= c->len)
            return 1;
        if (c->data[c->pos] == ',') {
            c->pos++;
            continue;
        }
        c->pos += c->data[c->pos] == '\r' ? 2 : 1;
        c->line++;
        return 1;
    }
}

/* s[0..n) without leading and trailing spaces and tabs, as a new string. */
static json_t *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return json_stringn(s, n);
}

/* A cell of a boolean or integer column as JSON: true/false/yes/no (any
 * case), decimal digits; else the text, which the record check refuses
 * with the column's name. */
static json_t *typed(const char *col, const char *s)
{
    static const char *const bools[] = {"own", "contract.vulnerability_disclosure", "contract.sbom_delivery",
                                        "contract.right_to_audit", "contract.subcontractor_notification", NULL};
    for (const char *const *b = bools; *b; b++)
        if (strcmp(col, *b) == 0) {
            if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
                return json_true();
            if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
                return json_false();
        }
    if (strcmp(col, "contract.incident_notification_hours") == 0 || strcmp(col, "contract.fix_days") == 0) {
        size_t n = strlen(s);
        if (n && n <= 9 && strspn(s, "0123456789") == n)
            return json_integer(strtoll(s, NULL, 10));
    }
    return json_string(s);
}

/* Sets member key of the object at path "A.B" (A created) or "A" in rec. */
static int set_path(json_t *rec, const char *path, json_t *value)
{
    const char *dot = strchr(path, '.');
    if (!dot)
        return json_object_set_new(rec, path, value);
    char head[32];
    snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
    json_t *sub = json_object_get(rec, head);
    if (!sub && json_object_set_new(rec, head, sub = json_object()))
        sub = NULL;
    if (!sub) {
        json_decref(value);
        return -1;
    }
    return json_object_set_new(sub, dot + 1, value);
}

/* The list cell s of column col as the record's list; NULL with the
 * problem reported (or r->nomem). */
static json_t *list_cell(report *r, const char *where, const char *col, const char *s)
{
    json_t *a = json_array();
    for (const char *p = s; a && *p;) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        json_t *item = trimmed(p, n);
        p += n + (end != NULL);
        const char *t = json_string_value(item);
        json_t *e = NULL;
        if (!t) {
            r->nomem = 1;
        } else if (!*t) {
            json_decref(item);
            continue;
        } else if (strcmp(col, "sbom_assets") == 0) {
            e = json_incref(item);
        } else if (strcmp(col, "certifications") == 0) {
            const char *at = strrchr(t, '@');
            if (at && at != t)
                e = json_pack("{s:s%,s:s}", "name", t, (size_t)(at - t), "expires", at + 1);
            else
                problem(r, where, "certifications: '%.80s' is not NAME@YYYY-MM-DD", t);
        } else if (strcmp(col, "rules") == 0) {
            const char *colon = strchr(t, ':');
            size_t k = colon ? (size_t)(colon - t) : 0;
            if (colon && ((k == 4 && !strncmp(t, "purl", 4)) || (k == 4 && !strncmp(t, "name", 4)) ||
                          (k == 8 && !strncmp(t, "supplier", 8))))
                e = json_pack("{s%:s}", t, k, colon + 1);
            else
                problem(r, where, "rules: '%.80s' is not purl:GLOB, name:GLOB or supplier:GLOB", t);
        } else {
            const char *b1 = strchr(t, '|'), *b2 = b1 ? strchr(b1 + 1, '|') : NULL,
                       *b3 = b2 ? strchr(b2 + 1, '|') : NULL;
            if (b3)
                e = json_pack("{s:s%,s:s,s:s%,s:s%}", "component", t, (size_t)(b1 - t), "reason", b3 + 1, "by",
                              b1 + 1, (size_t)(b2 - b1 - 1), "until", b2 + 1, (size_t)(b3 - b2 - 1));
            else
                problem(r, where, "accepted: '%.80s' is not GLOB|BY|UNTIL|REASON", t);
        }
        json_decref(item);
        if (e && json_array_append_new(a, e))
            r->nomem = 1;
        if (!e) {
            json_decref(a);
            return NULL;
        }
    }
    if (!a)
        r->nomem = 1;
    return a;
}

static int import_csv(report *r, const char *data, size_t len, json_t **out, json_t **where)
{
    csv_reader c = {data, len, 0, 1, {0}};
    vg_buf_init(&c.field, CSV_MAX_FIELD);
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        c.pos = 3;
    json_t *header = json_array(), *records = json_array(), *wheres = json_array(), *names = json_object();
    int col_index[CSV_MAX_COLUMNS];
    long start;
    char at[1100];
    snprintf(at, sizeof at, "%.1000s:1", r->name);
    int got = header && records && wheres && names ? csv_row(r, &c, header, &start) : (r->nomem = 1, -1);
    if (got == 0)
        problem(r, at, "empty: the first line must be the header (name,supplies,criticality,...)");
    size_t ncols = got == 1 ? json_array_size(header) : 0;
    int have[3] = {0, 0, 0};
    for (size_t i = 0; i < ncols; i++) {
        json_t *name = json_array_get(header, i), *t = trimmed(json_string_value(name), json_string_length(name));
        if (!t || json_array_set_new(header, i, t)) {
            r->nomem = 1;
            break;
        }
        const char *h = json_string_value(t);
        col_index[i] = -1;
        for (int k = 0; columns[k]; k++)
            if (strcmp(h, columns[k]) == 0)
                col_index[i] = k;
        for (size_t j = 0; j < i && col_index[i] >= 0; j++)
            if (col_index[j] == col_index[i]) {
                problem(r, at, "column %s: given twice (columns %zu and %zu)", h, j + 1, i + 1);
                col_index[i] = -2;
            }
        if (col_index[i] == -1)
            problem(r, at, "column %.100s: unknown column (the columns are documented in docs/supplier-risk.md)", h);
        if (col_index[i] >= 0 && col_index[i] < 3)
            have[col_index[i]] = 1;
    }
    for (int k = 0; k < 3 && ncols; k++)
        if (!have[k])
            problem(r, at, "column %s: required, missing from the header", columns[k]);
    size_t rows = 0;
    json_t *row = r->count ? NULL : json_array();
    if (!r->count && !row)
        r->nomem = 1;
    while (!r->nomem && row && (got = csv_row(r, &c, row, &start)) == 1) {
        snprintf(at, sizeof at, "%.1000s:%ld", r->name, start);
        if (json_array_size(row) == 1 && !json_string_length(json_array_get(row, 0))) {
            json_array_clear(row);
            continue;
        }
        if (++rows > VG_SUPPLIER_MAX_IMPORT) {
            json_decref(row);
            json_decref(header), json_decref(records), json_decref(wheres), json_decref(names);
            vg_buf_free(&c.field);
            return vg_error(r->ctx, VG_ERR_LIMIT, "%s: more than %d suppliers in one import", r->name,
                            VG_SUPPLIER_MAX_IMPORT);
        }
        if (json_array_size(row) != ncols) {
            problem(r, at, "%zu fields, the header has %zu", json_array_size(row), ncols);
            json_array_clear(row);
            continue;
        }
        json_t *rec = json_object();
        size_t before = r->count;
        int bad = !rec;
        for (size_t i = 0; i < ncols && !bad; i++) {
            const char *col = columns[col_index[i]];
            const json_t *cell = json_array_get(row, i);
            json_t *v = strcmp(col, "description") == 0 ? json_incref((json_t *)cell)
                                                        : trimmed(json_string_value(cell), json_string_length(cell));
            if (!v) {
                bad = 1;
                break;
            }
            if (!json_string_length(v)) {
                json_decref(v);
                continue;
            }
            json_t *value;
            if (!strcmp(col, "certifications") || !strcmp(col, "sbom_assets") || !strcmp(col, "rules") ||
                !strcmp(col, "accepted"))
                value = list_cell(r, at, col, json_string_value(v));
            else
                value = typed(col, json_string_value(v));
            json_decref(v);
            if (!value || set_path(rec, col, value))
                bad = 1;
        }
        if (!bad)
            add_entry(r, rec, at, NULL, NULL, names, records, wheres);
        else if (r->count == before)
            r->nomem = 1;
        json_decref(rec);
        json_array_clear(row);
    }
    json_decref(row);
    json_decref(header);
    json_decref(names);
    vg_buf_free(&c.field);
    return finish(r, records, wheres, out, where);
}

int vg_supplier_import_parse(vg_ctx *ctx, const char *name, const char *data, size_t len,
                             vg_supplier_import_format format, json_t *errors, json_t **out, json_t **where)
{
    report r = {ctx, name, errors, 0, 0};
    *out = NULL;
    if (where)
        *where = NULL;
    if (format == VG_SUPPLIER_IMPORT_AUTO) {
        size_t n = strlen(name);
        format = n >= 4 && strcasecmp(name + n - 4, ".csv") == 0 ? VG_SUPPLIER_IMPORT_CSV : VG_SUPPLIER_IMPORT_YAML;
    }
    return format == VG_SUPPLIER_IMPORT_CSV ? import_csv(&r, data, len, out, where)
                                            : import_yaml(&r, data, len, out, where);
}
