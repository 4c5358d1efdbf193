/*
 * yaml.c — a YAML evidence document as a JSON value (jansson), read with
 * libyaml's event parser (YAML 1.1), for the rules to see as they see JSON.
 *
 * Values are typed as PyYAML's safe loader types them (the YAML 1.1 type
 * repository, yaml.org/type): a plain scalar is null (~, null, Null, NULL,
 * empty), a boolean (yes/no, true/false, on/off in three cases), an integer
 * (decimal, 0b binary, 0 octal, 0x hex, 1:30 base 60, with '_' separators)
 * or a float (with a '.'; base 60 too) when it is written like one, else a
 * string; quoted scalars are strings; the tags !!str, !!int, !!float,
 * !!bool, !!null, !!timestamp, !!map, !!seq and "!" are honoured.  Merge
 * keys (<<: *base, <<: [*a, *b]) are applied as PyYAML applies them: the
 * mapping's own keys win, then the first mapping listed.
 *
 * Where it differs from PyYAML, on purpose:
 *  - mapping keys are the text of the key as written (JSON keys are
 *    strings): `on:` is "on", where PyYAML would make it True;
 *  - timestamps stay the text written (JSON has no date type);
 *  - refused, with a message naming the file and the line: a key given
 *    twice, more than one document, an alias used before its anchor or
 *    inside the node it names, a non-scalar key, NUL in a string, an
 *    integer outside 64 bits, .inf and .nan, any other tag (!!binary,
 *    !!set, !!omap, local tags such as !ruby/object).
 *
 * Bounds: nesting VG_POLICY_EVIDENCE_MAX_DEPTH; values, counting every
 * alias as the values it stands for, VG_POLICY_YAML_MAX_VALUES — an alias
 * shares the anchored value (a reference, not a copy), and the count stops
 * a "billion laughs" document before it grows.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "policy/policy_internal.h"
#include "vigil/arena.h"
#include "vigil/map.h"
#include "vigil/policy.h"

#define YAML_TAG "tag:yaml.org,2002:"

typedef struct yaml_anchor {
    json_t *value; /* NULL while its node is still open */
    size_t weight; /* values it stands for, aliases expanded */
} yaml_anchor;

typedef struct yaml_frame {
    json_t *value;       /* the object or array being built */
    char *key;           /* object: the key waiting for its value, or NULL */
    int key_is_merge;    /* that key is the merge key << */
    json_t *merges;      /* object: the values of its merge keys, in order */
    size_t weight;       /* values in it so far, itself included */
    yaml_anchor *anchor; /* its anchor, or NULL */
} yaml_frame;

typedef struct yaml_conv {
    vg_ctx *ctx;
    const char *path;
    yaml_frame stack[VG_POLICY_EVIDENCE_MAX_DEPTH];
    size_t depth;
    size_t values;
    size_t documents;
    json_t *root;
    vg_map anchors; /* name -> yaml_anchor (in arena) */
    vg_arena arena;
} yaml_conv;

/* The error status with "PATH: line N: what". */
__attribute__((format(printf, 4, 5))) static int conv_fail(yaml_conv *c, const yaml_event_t *ev, int status,
                                                           const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return vg_error(c->ctx, status, "%s: line %zu: %s", c->path, (size_t)ev->start_mark.line + 1, what);
}

static int conv_nomem(yaml_conv *c) { return vg_error(c->ctx, VG_ERR_NOMEM, "%s: out of memory", c->path); }

/* ---- plain scalars: the YAML 1.1 types, as PyYAML's resolver reads them ---- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static int at(const cursor *c, const char *set) { return c->p < c->end && *c->p && strchr(set, *c->p) != NULL; }

/* Skips the characters of set; how many. */
static size_t span(cursor *c, const char *set)
{
    size_t n = 0;
    while (at(c, set)) {
        c->p++;
        n++;
    }
    return n;
}

static void sign(cursor *c)
{
    if (at(c, "+-"))
        c->p++;
}

/* Skips one (:[0-5]?[0-9]) group; 1 when there was one. */
static int base60_group(cursor *c)
{
    if (!at(c, ":"))
        return 0;
    cursor save = *c;
    c->p++;
    if (c->end - c->p >= 2 && strchr("012345", c->p[0]) && c->p[0] && c->p[1] >= '0' && c->p[1] <= '9')
        c->p += 2;
    else if (at(c, "0123456789"))
        c->p++;
    else {
        *c = save;
        return 0;
    }
    return 1;
}

static int word_is(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0)
            return 1;
    return 0;
}

static int plain_is_null(const char *s, size_t len)
{
    static const char *const words[] = {"~", "null", "Null", "NULL", NULL};
    return len == 0 || word_is(s, len, words);
}

/* 1 true, 0 false, -1 not a boolean (any case of the words for !!bool). */
static int plain_bool(const char *s, size_t len, int any_case)
{
    static const char *const yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL};
    static const char *const no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL};
    char lower[8];
    if (any_case && len < sizeof lower) {
        for (size_t i = 0; i < len; i++)
            lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        s = lower;
    }
    return word_is(s, len, yes) ? 1 : word_is(s, len, no) ? 0 : -1;
}

static int plain_is_int(const char *s, size_t len)
{
    cursor c = {s, s + len};
    sign(&c);
    const cursor start = c;
    if (c.end - c.p >= 2 && c.p[0] == '0' && c.p[1] == 'b') { /* [-+]?0b[0-1_]+ */
        c.p += 2;
        if (span(&c, "01_") && c.p == c.end)
            return 1;
        c = start;
    }
    if (c.end - c.p >= 2 && c.p[0] == '0' && c.p[1] == 'x') { /* [-+]?0x[0-9a-fA-F_]+ */
        c.p += 2;
        if (span(&c, "0123456789abcdefABCDEF_") && c.p == c.end)
            return 1;
        c = start;
    }
    if (at(&c, "0")) { /* [-+]?0[0-7_]+ and [-+]?0 */
        c.p++;
        span(&c, "01234567_");
        return c.p == c.end;
    }
    if (!at(&c, "123456789")) /* [-+]?[1-9][0-9_]*, then (:[0-5]?[0-9])* */
        return 0;
    span(&c, "0123456789_");
    while (base60_group(&c))
        ;
    return c.p == c.end;
}

static int exponent(cursor *c) /* ([eE][-+][0-9]+)? */
{
    if (!at(c, "eE"))
        return 1;
    c->p++;
    if (!at(c, "+-"))
        return 0;
    c->p++;
    return span(c, "0123456789") > 0;
}

static int plain_is_float(const char *s, size_t len)
{
    static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
    static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
    if (word_is(s, len, nan))
        return 1;
    cursor c = {s, s + len};
    sign(&c);
    if (word_is(c.p, (size_t)(c.end - c.p), inf))
        return 1;
    if (c.p == s && at(&c, ".")) { /* \.[0-9][0-9_]*([eE][-+][0-9]+)?, no sign */
        c.p++;
        return at(&c, "0123456789") && (span(&c, "0123456789_"), exponent(&c)) && c.p == c.end;
    }
    if (!at(&c, "0123456789"))
        return 0;
    span(&c, "0123456789_");
    if (at(&c, ".")) { /* [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? */
        c.p++;
        span(&c, "0123456789_");
        return exponent(&c) && c.p == c.end;
    }
    if (!base60_group(&c)) /* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* */
        return 0;
    while (base60_group(&c))
        ;
    if (!at(&c, "."))
        return 0;
    c.p++;
    span(&c, "0123456789_");
    return c.p == c.end;
}

/* A number's text without '_' (and in lower case when lower),
 * NUL-terminated, in memory the caller frees (NULL when out of memory);
 * *digits is where it goes on after its sign, *negative says which. */
static char *number_text(const char *s, size_t len, int lower, const char **digits, int *negative)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '_')
            out[n++] = (char)(lower && s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    out[n] = '\0';
    *negative = out[0] == '-';
    *digits = out + (out[0] == '-' || out[0] == '+');
    return out;
}

/* The integer a text plain_is_int() accepted stands for, as PyYAML's
 * construct_yaml_int computes it (0b binary, 0x hex, a leading 0 octal,
 * ':' base 60).  VG_OK, VG_ERR_LIMIT when it does not fit in 64 bits,
 * VG_ERR_FORMAT when there is no digit after the prefix ("0x_"),
 * VG_ERR_NOMEM. */
static int int_value(const char *s, size_t len, json_int_t *out)
{
    const char *p;
    int negative;
    char *text = number_text(s, len, 0, &p, &negative);
    if (!text)
        return VG_ERR_NOMEM;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'b' || p[1] == 'x')) {
        base = p[1] == 'b' ? 2 : 16;
        p += 2;
    } else if (p[0] == '0' && p[1]) {
        base = 8;
    }
    uint64_t value = 0, part = 0, limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int rc = *p ? VG_OK : VG_ERR_FORMAT;
    for (; rc == VG_OK; p++) {
        if (base == 10 && (*p == ':' || !*p)) {
            /* the end of a base-60 digit (or of the whole number) */
            if (value > (limit - part) / 60)
                rc = VG_ERR_LIMIT;
            value = value * 60 + part;
            part = 0;
            if (!*p)
                break;
            continue;
        }
        if (!*p)
            break;
        unsigned d = *p <= '9' ? (unsigned)(*p - '0') : (unsigned)((*p | 32) - 'a' + 10);
        if (base == 10) {
            part = part * 10 + d;
            rc = part > limit ? VG_ERR_LIMIT : VG_OK;
        } else if (value > (limit - d) / base) {
            rc = VG_ERR_LIMIT;
        } else {
            value = value * base + d;
        }
    }
    free(text);
    *out = negative ? (json_int_t)(0 - value) : (json_int_t)value;
    return rc;
}

/* The float a text stands for, as PyYAML's construct_yaml_float computes
 * it (underscores dropped, ':' base 60 added up from the last part, for
 * !!float any number strtod reads whole).  VG_OK, VG_ERR_FORMAT when it
 * is no number or not a finite one (.inf, .nan: JSON has neither),
 * VG_ERR_NOMEM. */
static int float_value(const char *s, size_t len, double *out)
{
    const char *p;
    int negative;
    char *text = number_text(s, len, 1, &p, &negative);
    if (!text)
        return VG_ERR_NOMEM;
    int rc = *p && strspn(p, "0123456789.e+-:") == strlen(p) ? VG_OK : VG_ERR_FORMAT;
    double value = 0.0, base = 1.0;
    const char *end = p + strlen(p);
    while (rc == VG_OK) {
        /* the parts between colons, the last one first */
        const char *part = end;
        while (part > p && part[-1] != ':')
            part--;
        char *stop;
        double v = strtod(part, &stop);
        if (stop == part || stop != end)
            rc = VG_ERR_FORMAT;
        value += v * base;
        base *= 60;
        if (part == p)
            break;
        end = part - 1;
    }
    if (negative)
        value = -value;
    free(text);
    if (rc == VG_OK && !isfinite(value))
        rc = VG_ERR_FORMAT;
    *out = value;
    return rc;
}

/* ---- building the value ---- */

static int scalar_string(yaml_conv *c, const yaml_event_t *ev, json_t **out)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(s, '\0', len))
        return conv_fail(c, ev, VG_ERR_FORMAT, "a string holds a NUL character, which vigil does not accept in evidence");
    *out = json_stringn(s, len);
    return *out ? VG_OK : conv_nomem(c);
}

/* The JSON value of a scalar event into *out, typed by its tag or,
 * untagged and plain, by its text. */
static int scalar_value(yaml_conv *c, const yaml_event_t *ev, json_t **out)
{
    const char *s = (const char *)ev->data.scalar.value, *tag = (const char *)ev->data.scalar.tag;
    size_t len = ev->data.scalar.length;
    const char *type = NULL; /* str int float bool null */
    if (ev->data.scalar.plain_implicit) {
        /* libyaml (as PyYAML) sets it for a plain scalar without a tag and
         * for any scalar tagged "!" */
        type = plain_is_null(s, len)        ? "null"
               : plain_bool(s, len, 0) >= 0 ? "bool"
               : plain_is_float(s, len)     ? "float"
               : plain_is_int(s, len)       ? "int"
                                            : "str";
    } else if (!tag || strcmp(tag, YAML_TAG "str") == 0 || strcmp(tag, YAML_TAG "timestamp") == 0) {
        type = "str";
    } else if (strncmp(tag, YAML_TAG, strlen(YAML_TAG)) == 0) {
        static const char *const types[] = {"int", "float", "bool", "null", NULL};
        for (const char *const *t = types; *t; t++)
            if (strcmp(tag + strlen(YAML_TAG), *t) == 0)
                type = *t;
    }
    if (!type)
        return conv_fail(c, ev, VG_ERR_FORMAT,
                         "the tag %.100s is not supported (evidence holds JSON's types: string, number, boolean, null)",
                         tag);
    if (strcmp(type, "str") == 0)
        return scalar_string(c, ev, out);
    int rc = VG_OK;
    if (strcmp(type, "null") == 0) {
        *out = json_null();
    } else if (strcmp(type, "bool") == 0) {
        int b = plain_bool(s, len, 1);
        if (b < 0)
            return conv_fail(c, ev, VG_ERR_FORMAT, "'%.40s' is not a boolean", s);
        *out = json_boolean(b);
    } else if (strcmp(type, "int") == 0) {
        json_int_t i;
        rc = plain_is_int(s, len) ? int_value(s, len, &i) : VG_ERR_FORMAT;
        if (rc == VG_ERR_LIMIT)
            return conv_fail(c, ev, VG_ERR_FORMAT, "the integer %.40s does not fit in 64 bits", s);
        if (rc == VG_ERR_FORMAT)
            return conv_fail(c, ev, VG_ERR_FORMAT, "'%.40s' is not an integer", s);
        *out = rc ? NULL : json_integer(i);
    } else {
        double d;
        rc = float_value(s, len, &d);
        if (rc == VG_ERR_FORMAT)
            return conv_fail(c, ev, VG_ERR_FORMAT, "'%.40s' is not a finite number (JSON has no infinity or NaN)", s);
        *out = rc ? NULL : json_real(d);
    }
    return *out ? VG_OK : conv_nomem(c);
}

/* Counts weight more values against the bound. */
static int count_values(yaml_conv *c, const yaml_event_t *ev, size_t weight)
{
    if (weight > VG_POLICY_YAML_MAX_VALUES - c->values)
        return conv_fail(c, ev, VG_ERR_LIMIT, "more than %d values%s", VG_POLICY_YAML_MAX_VALUES,
                         ev->type == YAML_ALIAS_EVENT ? " once its aliases are expanded (an alias bomb?)" : "");
    c->values += weight;
    return VG_OK;
}

/* 1 when v is a mapping, or a sequence of mappings: what << merges. */
static int mergeable(json_t *v)
{
    if (json_is_object(v))
        return 1;
    if (!json_is_array(v))
        return 0;
    size_t i;
    json_t *m;
    json_array_foreach(v, i, m) if (!json_is_object(m)) return 0;
    return 1;
}

/* Puts the finished value v (a new reference, taken) where it belongs: the
 * root, the next element of a sequence, or the value of the pending key. */
static int place(yaml_conv *c, const yaml_event_t *ev, json_t *v, size_t weight)
{
    if (c->depth == 0) {
        c->root = v;
        return VG_OK;
    }
    yaml_frame *f = &c->stack[c->depth - 1];
    f->weight += weight;
    int rc = 0;
    if (json_is_array(f->value)) {
        rc = json_array_append_new(f->value, v);
    } else if (f->key_is_merge) {
        if (!mergeable(v)) {
            json_decref(v);
            return conv_fail(c, ev, VG_ERR_FORMAT, "the merge key << needs a mapping or a sequence of mappings");
        }
        rc = json_array_append_new(f->merges, v);
        f->key_is_merge = 0;
    } else {
        rc = json_object_set_new(f->value, f->key, v);
        free(f->key);
        f->key = NULL;
    }
    return rc ? conv_nomem(c) : VG_OK;
}

/* 1 when the next node completes a key/value pair whose key is still to come. */
static int wants_key(const yaml_conv *c)
{
    const yaml_frame *f = c->depth ? &c->stack[c->depth - 1] : NULL;
    return f && json_is_object(f->value) && !f->key && !f->key_is_merge;
}

static int take_key(yaml_conv *c, const yaml_event_t *ev, const char *text, size_t len, int merge)
{
    yaml_frame *f = &c->stack[c->depth - 1];
    if (merge) {
        f->key_is_merge = 1;
        return VG_OK;
    }
    if (memchr(text, '\0', len))
        return conv_fail(c, ev, VG_ERR_FORMAT, "a key holds a NUL character");
    if (json_object_getn(f->value, text, len))
        return conv_fail(c, ev, VG_ERR_FORMAT, "the key '%.*s' is given twice in one mapping", (int)(len > 100 ? 100 : len), text);
    f->key = strndup(text, len);
    return f->key ? VG_OK : conv_nomem(c);
}

/* Registers the anchor of the node that starts with ev; *out is it, or NULL. */
static int open_anchor(yaml_conv *c, const yaml_event_t *ev, const yaml_char_t *name, yaml_anchor **out)
{
    *out = NULL;
    if (!name)
        return VG_OK;
    size_t len = strlen((const char *)name);
    if (vg_map_get(&c->anchors, (const char *)name, len))
        return conv_fail(c, ev, VG_ERR_FORMAT, "the anchor &%.100s is defined twice", (const char *)name);
    char *key = vg_arena_strndup(&c->arena, (const char *)name, len);
    yaml_anchor *a = vg_arena_alloc(&c->arena, sizeof *a);
    if (!key || !a || vg_map_put(&c->anchors, key, len, a) != VG_OK)
        return conv_nomem(c);
    *out = a;
    return VG_OK;
}

static void close_anchor(yaml_anchor *a, json_t *v, size_t weight)
{
    if (!a)
        return;
    a->value = json_incref(v);
    a->weight = weight;
}

static int on_scalar(yaml_conv *c, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (wants_key(c)) {
        int merge = !ev->data.scalar.tag && ev->data.scalar.plain_implicit && len == 2 && memcmp(text, "<<", 2) == 0;
        yaml_anchor *a;
        int rc = open_anchor(c, ev, ev->data.scalar.anchor, &a);
        json_t *s = NULL;
        if (rc == VG_OK && a && (rc = scalar_string(c, ev, &s)) == VG_OK) {
            close_anchor(a, s, 1);
            json_decref(s);
        }
        return rc ? rc : take_key(c, ev, text, len, merge);
    }
    int rc = count_values(c, ev, 1);
    if (rc)
        return rc;
    json_t *v;
    if ((rc = scalar_value(c, ev, &v)))
        return rc;
    yaml_anchor *a;
    if ((rc = open_anchor(c, ev, ev->data.scalar.anchor, &a))) {
        json_decref(v);
        return rc;
    }
    close_anchor(a, v, 1);
    return place(c, ev, v, 1);
}

static int on_alias(yaml_conv *c, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    yaml_anchor *a = vg_map_get(&c->anchors, name, strlen(name));
    if (!a)
        return conv_fail(c, ev, VG_ERR_FORMAT, "the alias *%.100s names no anchor defined before it", name);
    if (!a->value)
        return conv_fail(c, ev, VG_ERR_FORMAT, "the alias *%.100s is inside the node it names (a value that contains itself)", name);
    if (wants_key(c)) {
        if (!json_is_string(a->value))
            return conv_fail(c, ev, VG_ERR_FORMAT, "the alias *%.100s is used as a key but does not name a string", name);
        return take_key(c, ev, json_string_value(a->value), json_string_length(a->value), 0);
    }
    int rc = count_values(c, ev, a->weight);
    return rc ? rc : place(c, ev, json_incref(a->value), a->weight);
}

static int on_start(yaml_conv *c, const yaml_event_t *ev)
{
    int mapping = ev->type == YAML_MAPPING_START_EVENT;
    const char *tag = (const char *)(mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
    if (tag && strcmp(tag, "!") != 0 && strcmp(tag, mapping ? YAML_TAG "map" : YAML_TAG "seq") != 0)
        return conv_fail(c, ev, VG_ERR_FORMAT, "the tag %.100s is not supported (vigil reads JSON's mappings and sequences)", tag);
    if (wants_key(c))
        return conv_fail(c, ev, VG_ERR_FORMAT, "a %s as a mapping key (JSON keys are strings)", mapping ? "mapping" : "sequence");
    if (c->depth == VG_POLICY_EVIDENCE_MAX_DEPTH)
        return conv_fail(c, ev, VG_ERR_LIMIT, "nested more than %d levels deep", VG_POLICY_EVIDENCE_MAX_DEPTH);
    int rc = count_values(c, ev, 1);
    if (rc)
        return rc;
    yaml_frame *f = &c->stack[c->depth];
    memset(f, 0, sizeof *f);
    f->value = mapping ? json_object() : json_array();
    f->merges = mapping ? json_array() : NULL;
    f->weight = 1;
    if (!f->value || (mapping && !f->merges)) {
        json_decref(f->value);
        json_decref(f->merges);
        return conv_nomem(c);
    }
    c->depth++;
    return open_anchor(c, ev, mapping ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor, &f->anchor);
}

/* Adds the members of the merged mapping m that obj does not have yet. */
static int merge_into(json_t *obj, json_t *m)
{
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) if (!json_object_get(obj, k) && json_object_set(obj, k, v)) return -1;
    return 0;
}

static int on_end(yaml_conv *c, const yaml_event_t *ev)
{
    yaml_frame f = c->stack[--c->depth];
    int rc = 0;
    /* The mapping's own keys win; of separate << keys the last; within a
     * sequence of mappings the first (PyYAML's flatten_mapping). */
    for (size_t i = f.merges ? json_array_size(f.merges) : 0; i-- > 0 && rc == 0;) {
        json_t *m = json_array_get(f.merges, i);
        if (json_is_object(m)) {
            rc = merge_into(f.value, m);
        } else {
            size_t j;
            json_t *e;
            json_array_foreach(m, j, e) if ((rc = merge_into(f.value, e))) break;
        }
    }
    json_decref(f.merges);
    free(f.key);
    if (rc) {
        json_decref(f.value);
        return conv_nomem(c);
    }
    close_anchor(f.anchor, f.value, f.weight);
    return place(c, ev, f.value, f.weight);
}

static int on_event(yaml_conv *c, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (c->documents++)
            return conv_fail(c, ev, VG_ERR_FORMAT, "a second YAML document (an evidence file holds one)");
        return VG_OK;
    case YAML_SCALAR_EVENT: return on_scalar(c, ev);
    case YAML_ALIAS_EVENT: return on_alias(c, ev);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: return on_start(c, ev);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_end(c, ev);
    default: return VG_OK;
    }
}

int policy_yaml_to_json(vg_ctx *ctx, const char *path, const char *data, size_t len, json_t **out)
{
    *out = NULL;
    yaml_conv c = {.ctx = ctx, .path = path};
    vg_map_init(&c.anchors);
    vg_arena_init(&c.arena);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int rc = VG_OK, done = 0;
    while (rc == VG_OK && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser.error == YAML_MEMORY_ERROR
                     ? vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path)
                     : vg_error(ctx, VG_ERR_FORMAT, "%s: not valid YAML: line %zu, column %zu: %s%s%s", path,
                                (size_t)parser.problem_mark.line + 1, (size_t)parser.problem_mark.column + 1,
                                parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
                                parser.context ? parser.context : "");
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = on_event(&c, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (c.depth > 0) {
        yaml_frame *f = &c.stack[--c.depth];
        json_decref(f->value);
        json_decref(f->merges);
        free(f->key);
    }
    for (size_t i = 0; i < c.anchors.cap; i++) {
        const vg_map_slot *slot = vg_map_slot_at(&c.anchors, i);
        if (slot)
            json_decref(((yaml_anchor *)slot->value)->value);
    }
    vg_map_free(&c.anchors);
    vg_arena_free(&c.arena);
    if (rc == VG_OK && !c.root)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: holds no YAML document", path);
    if (rc) {
        json_decref(c.root);
        return rc;
    }
    *out = c.root;
    return VG_OK;
}
