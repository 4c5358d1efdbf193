/*
 * record.c — the supplier record (docs/supplier-risk.md, "The record";
 * /work/notes/supplier-design.md §1): every member checked against its
 * type and bounds, and the canonical form built (members in the documented
 * order, absent and null optional members left out, `own` only when true,
 * lists in the order given).
 *
 * Dates are "YYYY-MM-DD", a real date of the proleptic Gregorian calendar
 * (years 0001 to 9999), as Unix seconds at 00:00 UTC.
 *
 * Every problem is reported, not only the first: "WHERE: KEY: what is
 * wrong", KEY the dotted path of the member ("contract.fix_days",
 * "certifications[2].expires").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vex/vex_internal.h"
#include "vigil/supplier.h"

#define MAX_SHORT 200  /* names, URLs, contacts */
#define MAX_LONG 2000  /* description, reason */
#define MAX_GLOB 500   /* bytes of a pattern */
#define MAX_STARS 8    /* '*' in a pattern */

typedef struct checker {
    const char *where;
    json_t *errors;
    size_t count;
    int nomem;
} checker;

static void problem(checker *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(checker *c, const char *key, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    c->count++;
    json_t *s = json_sprintf("%s: %s: %s", c->where, key, text);
    if (!s || json_array_append_new(c->errors, s))
        c->nomem = 1;
}

static void put(checker *c, json_t *obj, const char *key, json_t *value)
{
    if (!value || json_object_set_new(obj, key, value))
        c->nomem = 1;
}

/* ---- dates ---------------------------------------------------------------- */

int vg_supplier_parse_date(const char *s, int64_t *t)
{
    /* exactly YYYY-MM-DD: vex_parse_time takes a date alone as midnight UTC */
    return s && strlen(s) == 10 ? vex_parse_time(s, t) : -1;
}

/* ---- members ---------------------------------------------------------------- */

/* Whether s[0..n) holds a control character (U+0000-U+001F, U+007F);
 * multiline allows line feeds, carriage returns and tabs. */
static int has_control(const char *s, size_t n, int multiline)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 || ch == 0x7f) && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t')))
            return 1;
    }
    return 0;
}

/* A string of 1..max bytes; NULL (with the problem reported) if not. */
static const char *text(checker *c, const char *key, const json_t *v, size_t max, int multiline)
{
    if (!json_is_string(v)) {
        problem(c, key, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0)
        problem(c, key, "is empty (leave the key out instead)");
    else if (n > max)
        problem(c, key, "is %zu bytes long, more than %zu", n, max);
    else if (has_control(s, n, multiline))
        problem(c, key, "holds a control character");
    else
        return s;
    return NULL;
}

static int is_url(const char *s)
{
    const char *rest = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    return rest && *rest && *rest != '/' && !strpbrk(s, " \"<>\\^`{|}");
}

static int is_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at != s && at[1] && !strchr(at + 1, '@') && !strchr(s, ' ') && strchr(at + 1, '.');
}

static void url(checker *c, json_t *obj, const char *key, const char *path, const json_t *v, int email)
{
    const char *s = text(c, path, v, MAX_SHORT, 0);
    if (!s)
        return;
    if (is_url(s) || (email && is_email(s)))
        put(c, obj, key, json_string(s));
    else
        problem(c, path, "'%s' is not %s", s, email ? "an e-mail address or an http(s) URL" : "an http(s) URL");
}

static void plain(checker *c, json_t *obj, const char *key, const char *path, const json_t *v, size_t max,
                  int multiline)
{
    const char *s = text(c, path, v, max, multiline);
    if (s)
        put(c, obj, key, json_string(s));
}

static void date(checker *c, json_t *obj, const char *key, const char *path, const json_t *v, int64_t *t)
{
    int64_t when;
    if (!json_is_string(v))
        problem(c, path, "must be a date (YYYY-MM-DD)");
    else if (vg_supplier_parse_date(json_string_value(v), &when) != 0)
        problem(c, path, "'%.40s' is not a calendar date (YYYY-MM-DD)", json_string_value(v));
    else {
        if (t)
            *t = when;
        put(c, obj, key, json_string(json_string_value(v)));
    }
}

static void choice(checker *c, json_t *obj, const char *key, const char *path, const json_t *v,
                   const char *const *words, const char *list)
{
    if (json_is_string(v))
        for (const char *const *w = words; *w; w++)
            if (strcmp(json_string_value(v), *w) == 0) {
                put(c, obj, key, json_string(*w));
                return;
            }
    if (json_is_string(v))
        problem(c, path, "'%.40s' is none of %s", json_string_value(v), list);
    else
        problem(c, path, "must be one of %s", list);
}

static void integer(checker *c, json_t *obj, const char *key, const char *path, const json_t *v, json_int_t lo,
                    json_int_t hi)
{
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
        put(c, obj, key, json_integer(json_integer_value(v)));
    else
        problem(c, path, "must be an integer from %lld to %lld", (long long)lo, (long long)hi);
}

static void boolean(checker *c, json_t *obj, const char *key, const char *path, const json_t *v)
{
    if (json_is_boolean(v))
        put(c, obj, key, json_boolean(json_is_true(v)));
    else
        problem(c, path, "must be true or false");
}

/* A glob of the record (rules, accepted): 1..500 bytes, at most 8 '*'. */
static void glob(checker *c, json_t *obj, const char *key, const char *path, const json_t *v)
{
    const char *s = text(c, path, v, MAX_GLOB, 0);
    if (!s)
        return;
    size_t stars = 0;
    for (const char *p = s; *p; p++)
        stars += *p == '*';
    if (stars > MAX_STARS)
        problem(c, path, "'%.60s' has %zu '*', more than %d", s, stars, MAX_STARS);
    else
        put(c, obj, key, json_string(s));
}

/* Reports every key of v that is not among keys (NULL-terminated). */
static void unknown_keys(checker *c, const char *path, const json_t *v, const char *const *keys)
{
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)v, k, x) {
        const char *const *p = keys;
        while (*p && strcmp(*p, k) != 0)
            p++;
        if (!*p) {
            char full[256];
            snprintf(full, sizeof full, "%s%s%.120s", path, *path ? "." : "", k);
            problem(c, full, "unknown key");
        }
    }
}

/* The member key of v, NULL when absent or null (an optional member left
 * empty in YAML). */
static const json_t *member(const json_t *v, const char *key)
{
    const json_t *x = json_object_get(v, key);
    return json_is_null(x) ? NULL : x;
}

/* An optional mapping: NULL when absent; reported when not an object. */
static const json_t *mapping(checker *c, const json_t *v, const char *key)
{
    const json_t *x = member(v, key);
    if (x && !json_is_object(x)) {
        problem(c, key, "must be a mapping");
        return NULL;
    }
    return x;
}

/* An optional list of at most VG_SUPPLIER_MAX_LIST entries: NULL when
 * absent. */
static const json_t *list(checker *c, const json_t *v, const char *key)
{
    const json_t *x = member(v, key);
    if (x && !json_is_array(x)) {
        problem(c, key, "must be a list");
        return NULL;
    }
    if (x && json_array_size(x) > VG_SUPPLIER_MAX_LIST) {
        problem(c, key, "has %zu entries, more than %d", json_array_size(x), VG_SUPPLIER_MAX_LIST);
        return NULL;
    }
    return x;
}

/* Sets key of obj to sub when sub has members, else drops sub. */
static void put_nonempty(checker *c, json_t *obj, const char *key, json_t *sub)
{
    if (!sub)
        c->nomem = 1;
    else if (json_object_size(sub) || json_array_size(sub))
        put(c, obj, key, sub);
    else
        json_decref(sub);
}

static void contacts(checker *c, const json_t *v, json_t *out)
{
    static const char *const keys[] = {"security", "security_txt", "psirt", NULL};
    const json_t *m = mapping(c, v, "contacts");
    if (!m)
        return;
    unknown_keys(c, "contacts", m, keys);
    json_t *o = json_object();
    const json_t *x;
    if ((x = member(m, "security")))
        url(c, o, "security", "contacts.security", x, 1);
    if ((x = member(m, "security_txt")))
        url(c, o, "security_txt", "contacts.security_txt", x, 0);
    if ((x = member(m, "psirt")))
        url(c, o, "psirt", "contacts.psirt", x, 0);
    put_nonempty(c, out, "contacts", o);
}

static void contract(checker *c, const json_t *v, json_t *out)
{
    static const char *const keys[] = {"reference",    "incident_notification_hours", "vulnerability_disclosure",
                                       "fix_days",     "sbom_delivery",               "right_to_audit",
                                       "subcontractor_notification", "end_of_support", NULL};
    const json_t *m = mapping(c, v, "contract");
    if (!m)
        return;
    unknown_keys(c, "contract", m, keys);
    json_t *o = json_object();
    char path[64];
    for (const char *const *k = keys; *k && o; k++) {
        const json_t *x = member(m, *k);
        if (!x)
            continue;
        snprintf(path, sizeof path, "contract.%s", *k);
        if (strcmp(*k, "reference") == 0)
            plain(c, o, *k, path, x, MAX_SHORT, 0);
        else if (strcmp(*k, "incident_notification_hours") == 0)
            integer(c, o, *k, path, x, 1, 8760);
        else if (strcmp(*k, "fix_days") == 0)
            integer(c, o, *k, path, x, 1, 3650);
        else if (strcmp(*k, "end_of_support") == 0)
            date(c, o, *k, path, x, NULL);
        else
            boolean(c, o, *k, path, x);
    }
    put_nonempty(c, out, "contract", o);
}

/* The members of an entry of certifications or accepted: every one
 * required. */
typedef enum field_kind { FIELD_TEXT, FIELD_LONG, FIELD_DATE, FIELD_GLOB } field_kind;
typedef struct field {
    const char *key;
    field_kind kind;
} field;

/* The optional list key of v, each entry a mapping of the fields. */
static void entries(checker *c, const json_t *v, const char *key, const field *fields, const char *const *keys,
                    const char *what, json_t *out)
{
    const json_t *l = list(c, v, key);
    json_t *a = json_array();
    size_t i;
    const json_t *e;
    char path[64], sub[96];
    json_array_foreach(l, i, e) {
        snprintf(path, sizeof path, "%s[%zu]", key, i);
        if (!json_is_object(e)) {
            problem(c, path, "must be a mapping with %s", what);
            continue;
        }
        unknown_keys(c, path, e, keys);
        json_t *o = json_object();
        for (const field *f = fields; f->key; f++) {
            const json_t *x = member(e, f->key);
            snprintf(sub, sizeof sub, "%s.%s", path, f->key);
            if (!x)
                problem(c, sub, "is required");
            else if (f->kind == FIELD_GLOB)
                glob(c, o, f->key, sub, x);
            else if (f->kind == FIELD_DATE)
                date(c, o, f->key, sub, x, NULL);
            else
                plain(c, o, f->key, sub, x, f->kind == FIELD_LONG ? MAX_LONG : MAX_SHORT, f->kind == FIELD_LONG);
        }
        if (!o || json_array_append_new(a, o))
            c->nomem = 1;
    }
    put_nonempty(c, out, key, a);
}

static void certifications(checker *c, const json_t *v, json_t *out)
{
    static const field fields[] = {{"name", FIELD_TEXT}, {"expires", FIELD_DATE}, {NULL, 0}};
    static const char *const keys[] = {"name", "expires", NULL};
    entries(c, v, "certifications", fields, keys, "name and expires", out);
}

static void accepted(checker *c, const json_t *v, json_t *out)
{
    static const field fields[] = {
        {"component", FIELD_GLOB}, {"reason", FIELD_LONG}, {"by", FIELD_TEXT}, {"until", FIELD_DATE}, {NULL, 0}};
    static const char *const keys[] = {"component", "reason", "by", "until", NULL};
    entries(c, v, "accepted", fields, keys, "component, reason, by and until", out);
}

static void assessment(checker *c, const json_t *v, json_t *out)
{
    static const char *const keys[] = {"date", "result", "next_due", NULL};
    static const char *const results[] = {"pass", "conditional", "fail", NULL};
    const json_t *m = mapping(c, v, "assessment");
    if (!m)
        return;
    unknown_keys(c, "assessment", m, keys);
    json_t *o = json_object();
    const json_t *x;
    int64_t on = 0, due = 0;
    int have_on = 0, have_due = 0;
    size_t before = c->count;
    if ((x = member(m, "date")))
        date(c, o, "date", "assessment.date", x, &on), have_on = c->count == before;
    else
        problem(c, "assessment.date", "is required");
    if ((x = member(m, "result")))
        choice(c, o, "result", "assessment.result", x, results, "pass, conditional, fail");
    else
        problem(c, "assessment.result", "is required");
    before = c->count;
    if ((x = member(m, "next_due")))
        date(c, o, "next_due", "assessment.next_due", x, &due), have_due = c->count == before;
    else
        problem(c, "assessment.next_due", "is required");
    if (have_on && have_due && due < on)
        problem(c, "assessment.next_due", "%s is before the assessment's date %s",
                json_string_value(member(m, "next_due")), json_string_value(member(m, "date")));
    put_nonempty(c, out, "assessment", o);
}

static void sbom_assets(checker *c, const json_t *v, json_t *out)
{
    const json_t *l = list(c, v, "sbom_assets");
    json_t *a = json_array();
    size_t i;
    const json_t *e;
    char path[64];
    json_array_foreach(l, i, e) {
        snprintf(path, sizeof path, "sbom_assets[%zu]", i);
        const char *s = text(c, path, e, MAX_SHORT, 0);
        if (s && json_array_append_new(a, json_string(s)))
            c->nomem = 1;
    }
    put_nonempty(c, out, "sbom_assets", a);
}

static void rules(checker *c, const json_t *v, json_t *out)
{
    static const char *const kinds[] = {"purl", "name", "supplier", NULL};
    const json_t *l = list(c, v, "rules");
    json_t *a = json_array();
    size_t i;
    const json_t *e;
    char path[64], sub[96];
    json_array_foreach(l, i, e) {
        snprintf(path, sizeof path, "rules[%zu]", i);
        if (!json_is_object(e) || json_object_size(e) != 1) {
            problem(c, path, "must be a mapping of one key: purl, name or supplier");
            continue;
        }
        unknown_keys(c, path, e, kinds);
        json_t *o = json_object();
        for (const char *const *k = kinds; *k; k++) {
            const json_t *x = json_object_get(e, *k);
            if (!x)
                continue;
            snprintf(sub, sizeof sub, "%s.%s", path, *k);
            glob(c, o, *k, sub, x);
        }
        if (!o || json_array_append_new(a, o))
            c->nomem = 1;
    }
    put_nonempty(c, out, "rules", a);
}

int vg_supplier_record_check(vg_ctx *ctx, const json_t *record, const char *where, json_t *errors, json_t **out)
{
    static const char *const keys[] = {"name",          "supplies",    "criticality", "own",   "description",
                                       "website",       "contacts",    "contract",    "certifications",
                                       "assessment",    "sbom_assets", "rules",       "accepted", NULL};
    static const char *const supplies[] = {"software", "services", "both", NULL};
    static const char *const levels[] = {"low", "medium", "high", "critical", NULL};
    checker c = {where, errors, 0, 0};
    *out = NULL;
    if (!json_is_object(record)) {
        problem(&c, "supplier", "must be a mapping");
        return vg_error(ctx, VG_ERR_FORMAT, "%s: supplier: must be a mapping", where);
    }
    json_t *o = json_object();
    if (!o)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    unknown_keys(&c, "", record, keys);
    const json_t *x;
    if ((x = member(record, "name")))
        plain(&c, o, "name", "name", x, MAX_SHORT, 0);
    else
        problem(&c, "name", "is required");
    if ((x = member(record, "supplies")))
        choice(&c, o, "supplies", "supplies", x, supplies, "software, services, both");
    else
        problem(&c, "supplies", "is required");
    if ((x = member(record, "criticality")))
        choice(&c, o, "criticality", "criticality", x, levels, "low, medium, high, critical");
    else
        problem(&c, "criticality", "is required");
    if ((x = member(record, "own"))) {
        if (!json_is_boolean(x))
            problem(&c, "own", "must be true or false");
        else if (json_is_true(x))
            put(&c, o, "own", json_true());
    }
    if ((x = member(record, "description")))
        plain(&c, o, "description", "description", x, MAX_LONG, 1);
    if ((x = member(record, "website")))
        url(&c, o, "website", "website", x, 0);
    contacts(&c, record, o);
    contract(&c, record, o);
    certifications(&c, record, o);
    assessment(&c, record, o);
    sbom_assets(&c, record, o);
    rules(&c, record, o);
    accepted(&c, record, o);
    if (c.nomem) {
        json_decref(o);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (c.count) {
        json_decref(o);
        const char *last = json_string_value(json_array_get(errors, json_array_size(errors) - 1));
        return vg_error(ctx, VG_ERR_FORMAT, "%s", last ? last : where);
    }
    *out = o;
    return VG_OK;
}
