/*
 * yaml.c — a YAML 1.2 or JSON document read into a jansson value
 * (vigil/yaml.h), for the files users write by hand: vigil-policy.yaml,
 * waivers, rule tests, evidence exported as YAML.
 *
 * YAML through libyaml's document API (YAML 1.1 syntax, which libyaml
 * implements; plain scalars are typed by the YAML 1.2 core schema, §10.3.2:
 * null, true/false, decimal, octal 0o and hex 0x integers, floats; quoted
 * scalars stay strings).  Tags are not read: libyaml's document API gives
 * untagged scalars the !!str tag, so an explicit "!!str 1" cannot be told
 * from a plain 1; quote such values.  A mapping's keys must be
 * scalars and unique.  Aliases are followed, and the values they expand to
 * are counted against YAML_MAX_VALUES, so that a "billion laughs" document
 * is refused instead of filling memory.  Text whose first character is
 * '{' or '[' is read as JSON (RFC 8259) by vg_json_parse (vigil/json.h):
 * duplicate keys refused, nesting at most 2048 levels.
 * vg_yaml_read() refuses a second document in a stream;
 * vg_yaml_read_stream() reads them all (Kubernetes manifests).
 * Not supported: merge keys (<<),
 * floats that are not finite (JSON cannot hold them).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "vigil/json.h"
#include "vigil/yaml.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_VALUES 2000000

typedef struct yaml_conv {
    vg_ctx *ctx;
    const char *name;
    yaml_document_t *doc;
    size_t values;
} yaml_conv;

static int plain_is(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* A plain scalar typed by the core schema. */
static json_t *plain_scalar(const char *s)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    if (plain_is(s, nulls))
        return json_null();
    if (plain_is(s, trues))
        return json_true();
    if (plain_is(s, falses))
        return json_false();
    const char *digits = s + (*s == '-' || *s == '+');
    int base = 10;
    if (digits == s && s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
        base = s[1] == 'x' ? 16 : 8, digits = s + 2;
    if (*digits) {
        char *end;
        errno = 0;
        long long v = strtoll(base == 10 ? s : digits, &end, base);
        int all = *end == '\0' && strspn(digits, base == 16 ? "0123456789abcdefABCDEF" : "0123456789") ==
                                      strlen(digits);
        if (all && errno == 0)
            return json_integer(v);
        if (base == 10 && !all) {
            /* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
            size_t n = strspn(digits, "0123456789");
            const char *p = digits + n;
            size_t frac = 0;
            if (*p == '.')
                frac = strspn(p + 1, "0123456789"), p += 1 + frac;
            if ((n || frac) && (*p == 'e' || *p == 'E')) {
                p++;
                p += *p == '-' || *p == '+';
                size_t e = strspn(p, "0123456789");
                p = e ? p + e : NULL;
            }
            if (p && !*p && (n || frac)) {
                double d = strtod(s, &end);
                if (*end == '\0' && isfinite(d))
                    return json_real(d);
            }
        }
    }
    return json_string(s);
}

static int convert(yaml_conv *c, yaml_node_t *node, int depth, json_t **out);

static int node_error(yaml_conv *c, int status, const yaml_node_t *node, const char *what)
{
    return vg_error(c->ctx, status, "%s: line %zu, column %zu: %s", c->name, node->start_mark.line + 1,
                    node->start_mark.column + 1, what);
}

static int convert_mapping(yaml_conv *c, yaml_node_t *node, int depth, json_t *obj)
{
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(c->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(c->doc, pair->value);
        if (!key || !value || key->type != YAML_SCALAR_NODE)
            return node_error(c, VG_ERR_FORMAT, node, "a mapping key that is not a scalar (JSON keys are strings)");
        const char *k = (const char *)key->data.scalar.value;
        if (strlen(k) != key->data.scalar.length)
            return node_error(c, VG_ERR_FORMAT, key, "a key containing a NUL character");
        if (strcmp(k, "<<") == 0 && key->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            return node_error(c, VG_ERR_UNSUPPORTED, key, "merge keys (<<) are not supported");
        if (json_object_get(obj, k))
            return node_error(c, VG_ERR_FORMAT, key, "a key given twice in one mapping");
        json_t *v;
        int rc = convert(c, value, depth + 1, &v);
        if (rc)
            return rc;
        if (json_object_set_new(obj, k, v))
            return node_error(c, VG_ERR_FORMAT, key, "a key that is not valid UTF-8");
    }
    return VG_OK;
}

static int convert(yaml_conv *c, yaml_node_t *node, int depth, json_t **out)
{
    *out = NULL;
    if (depth > YAML_MAX_DEPTH)
        return node_error(c, VG_ERR_LIMIT, node, "nested deeper than 64 levels");
    if (++c->values > YAML_MAX_VALUES)
        return node_error(c, VG_ERR_LIMIT, node, "more than 2000000 values (aliases expanding too far?)");
    if (node->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)node->data.scalar.value;
        if (strlen(s) != node->data.scalar.length)
            return node_error(c, VG_ERR_FORMAT, node, "a string containing a NUL character");
        *out = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(s) : json_string(s);
        if (!*out)
            return node_error(c, VG_ERR_FORMAT, node, "a string that is not valid UTF-8");
        return VG_OK;
    }
    json_t *v = node->type == YAML_SEQUENCE_NODE ? json_array() : json_object();
    if (!v)
        return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->name);
    int rc = VG_OK;
    if (node->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *item = node->data.sequence.items.start; rc == VG_OK && item < node->data.sequence.items.top;
             item++) {
            json_t *member;
            yaml_node_t *child = yaml_document_get_node(c->doc, *item);
            if (!child)
                rc = node_error(c, VG_ERR_FORMAT, node, "a broken sequence");
            else if ((rc = convert(c, child, depth + 1, &member)) == VG_OK && json_array_append_new(v, member))
                rc = vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->name);
        }
    } else {
        rc = convert_mapping(c, node, depth, v);
    }
    if (rc) {
        json_decref(v);
        return rc;
    }
    *out = v;
    return VG_OK;
}

/* The number of values node expands to, aliases followed, at most
 * YAML_MAX_VALUES + 1; memo[id] keeps each node's once computed, so that
 * the work is proportional to the file, not to what it expands to.  0
 * for nesting deeper than convert() takes (it says so). */
static uint64_t node_size(yaml_conv *c, int id, uint64_t *memo, int depth)
{
    size_t n = (size_t)(c->doc->nodes.top - c->doc->nodes.start);
    if (id < 1 || (size_t)id > n || depth > YAML_MAX_DEPTH)
        return 0;
    if (memo[id])
        return memo[id];
    yaml_node_t *node = c->doc->nodes.start + (id - 1);
    uint64_t total = 1;
    if (node->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top && total <= YAML_MAX_VALUES; item++)
            total += node_size(c, *item, memo, depth + 1);
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top && total <= YAML_MAX_VALUES; pair++)
            total += node_size(c, pair->value, memo, depth + 1);
    }
    return memo[id] = total > YAML_MAX_VALUES ? YAML_MAX_VALUES + 1 : total;
}

/* Refuses a document whose aliases would expand past YAML_MAX_VALUES
 * before anything is built, so that a "billion laughs" file is refused in
 * time and memory proportional to the file. */
static int expanded_size(yaml_conv *c, yaml_node_t *root)
{
    size_t n = (size_t)(c->doc->nodes.top - c->doc->nodes.start);
    uint64_t *memo = calloc(n + 1, sizeof *memo);
    if (!memo)
        return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->name);
    uint64_t total = node_size(c, (int)(root - c->doc->nodes.start) + 1, memo, 0);
    free(memo);
    return total > YAML_MAX_VALUES
               ? node_error(c, VG_ERR_LIMIT, root, "more than 2000000 values (aliases expanding too far?)")
               : VG_OK;
}

int vg_yaml_read(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    size_t skip = 0;
    while (skip < len && strchr(" \t\r\n", text[skip]))
        skip++;
    if (skip < len && (text[skip] == '{' || text[skip] == '['))
        return vg_json_parse(ctx, name, text, len, out);
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = VG_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = vg_error(ctx, parser.error == YAML_MEMORY_ERROR ? VG_ERR_NOMEM : VG_ERR_FORMAT,
                      "%s: not valid YAML (line %zu, column %zu: %s)", name, parser.problem_mark.line + 1,
                      parser.problem_mark.column + 1, parser.problem ? parser.problem : "unknown error");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: the file holds no YAML document", name);
    } else {
        yaml_conv c = {ctx, name, &doc, 0};
        rc = expanded_size(&c, root);
        if (rc == VG_OK)
            rc = convert(&c, root, 0, out);
    }
    yaml_document_delete(&doc);
    if (rc == VG_OK) {
        /* A second document in the stream is an error, not ignored. */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not valid YAML after the first document (line %zu: %s)", name,
                          parser.problem_mark.line + 1, parser.problem ? parser.problem : "unknown error");
        } else {
            if (yaml_document_get_root_node(&next))
                rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: more than one YAML document in the file", name);
            yaml_document_delete(&next);
        }
        if (rc) {
            json_decref(*out);
            *out = NULL;
        }
    }
    yaml_parser_delete(&parser);
    return rc;
}

int vg_yaml_read_stream(vg_ctx *ctx, const char *name, const char *text, size_t len, size_t max_documents,
                        json_t **out)
{
    *out = NULL;
    size_t skip = 0;
    while (skip < len && strchr(" \t\r\n", text[skip]))
        skip++;
    json_t *docs = json_array();
    if (!docs)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    if (skip < len && (text[skip] == '{' || text[skip] == '[')) {
        json_t *one = NULL;
        int rc = vg_json_parse(ctx, name, text, len, &one);
        if (rc == VG_OK && json_array_append_new(docs, one) != 0)
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
        if (rc != VG_OK) {
            json_decref(docs);
            return rc;
        }
        *out = docs;
        return VG_OK;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        json_decref(docs);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = VG_OK;
    for (size_t n = 0; rc == VG_OK; n++) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            rc = vg_error(ctx, parser.error == YAML_MEMORY_ERROR ? VG_ERR_NOMEM : VG_ERR_FORMAT,
                          "%s: not valid YAML (line %zu, column %zu: %s)", name, parser.problem_mark.line + 1,
                          parser.problem_mark.column + 1, parser.problem ? parser.problem : "unknown error");
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) { /* the end of the stream */
            yaml_document_delete(&doc);
            break;
        }
        json_t *v = NULL;
        yaml_conv c = {ctx, name, &doc, 0};
        if (n >= max_documents)
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %zu YAML documents", name, max_documents);
        else if ((rc = expanded_size(&c, root)) == VG_OK && (rc = convert(&c, root, 0, &v)) == VG_OK &&
                 !json_is_null(v) && json_array_append_new(docs, v) != 0)
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (rc != VG_OK) {
        json_decref(docs);
        return rc;
    }
    *out = docs;
    return VG_OK;
}
