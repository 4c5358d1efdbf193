/*
 * ignore.c — the --ignore file of `vigil scan` (ignore.h, docs/ignore.md):
 * documented, expiring exceptions, one vulnerability per rule.
 *
 * Format (JSON, read with jansson, strict): an object with "version": 1 and
 * "ignore": an array of rules {id, package?, reason, expires}; any other
 * member is refused so that a misspelt "expiry" cannot make a rule
 * permanent.  expires is a calendar date YYYY-MM-DD; the rule applies up
 * to the end of that day, UTC.
 *
 * Leaves out: comments (JSON has none: put them in "reason"), wildcards.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "source/input_file.h"
#include "vex/vex_internal.h"
#include "vigil/ignore.h"
#include "vigil/vex.h"

void vg_ignore_init(vg_ignore *ig)
{
    memset(ig, 0, sizeof *ig);
    vg_arena_init(&ig->arena);
}

void vg_ignore_free(vg_ignore *ig)
{
    free(ig->rules);
    vg_arena_free(&ig->arena);
    memset(ig, 0, sizeof *ig);
}

static const char *str_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "YYYY-MM-DD" exactly, a real day: the first second after that day (UTC). */
static int parse_expiry(const char *s, int64_t *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return -1;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (!vex_valid_date(y, m, d))
        return -1;
    *out = (vex_days_from_civil(y, (unsigned)m, (unsigned)d) + 1) * 86400;
    return 0;
}

static int blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

int vg_ignore_parse(vg_ctx *ctx, vg_ignore *ig, const char *path, const char *data, size_t len)
{
    const char *name = path ? path : "(ignore file)";
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", name, err.line,
                        err.column, err.text);
    size_t before = ig->n;
    int rc = VG_OK;
    json_t *rules = json_object_get(doc, "ignore"), *version = json_object_get(doc, "version");
    const char *key;
    json_t *value;
    if (!json_is_object(doc)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: an ignore file is a JSON object with \"version\" and \"ignore\"", name);
        goto out;
    }
    json_object_foreach(doc, key, value) {
        if (strcmp(key, "version") != 0 && strcmp(key, "ignore") != 0) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: unknown member \"%.64s\" (expected \"version\" and \"ignore\")",
                          name, key);
            goto out;
        }
    }
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: \"version\" must be 1", name);
        goto out;
    }
    if (!json_is_array(rules)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: \"ignore\" must be an array of rules", name);
        goto out;
    }
    if (ig->n + json_array_size(rules) > VG_IGNORE_MAX_RULES) {
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d rules", name, VG_IGNORE_MAX_RULES);
        goto out;
    }
    ig->path = vg_arena_strdup(&ig->arena, name);
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        if (!json_is_object(r)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: rule %zu is not an object", name, i + 1);
            goto out;
        }
        json_object_foreach(r, key, value) {
            if (strcmp(key, "id") != 0 && strcmp(key, "package") != 0 && strcmp(key, "reason") != 0 &&
                strcmp(key, "expires") != 0) {
                rc = vg_error(ctx, VG_ERR_FORMAT,
                              "%s: rule %zu: unknown member \"%.64s\" (id, package, reason, expires)", name, i + 1, key);
                goto out;
            }
            if (!json_is_string(value)) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: rule %zu: \"%s\" must be a string", name, i + 1, key);
                goto out;
            }
        }
        const char *id = str_member(r, "id"), *package = str_member(r, "package");
        const char *reason = str_member(r, "reason"), *expires = str_member(r, "expires");
        int64_t expires_at;
        if (blank(id)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: rule %zu has no \"id\"", name, i + 1);
            goto out;
        }
        if (blank(reason)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: rule %zu (%s) has no \"reason\": every exception says why", name,
                          i + 1, id);
            goto out;
        }
        if (!expires || parse_expiry(expires, &expires_at) != 0) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: rule %zu (%s): \"expires\" must be a date YYYY-MM-DD%s%s%s", name,
                          i + 1, id, expires ? " (got '" : "", expires ? expires : "", expires ? "')" : "");
            goto out;
        }
        if (package && blank(package))
            package = NULL;
        if (ig->n == ig->cap) {
            size_t ncap = ig->cap ? ig->cap * 2 : 16;
            vg_ignore_rule *p = realloc(ig->rules, ncap * sizeof *p);
            if (!p) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
                goto out;
            }
            ig->rules = p;
            ig->cap = ncap;
        }
        vg_ignore_rule *rule = &ig->rules[ig->n];
        vg_arena *a = &ig->arena;
        *rule = (vg_ignore_rule){.id = vg_arena_strdup(a, id), .package = package ? vg_arena_strdup(a, package) : NULL,
                                 .reason = vg_arena_strdup(a, reason), .expires = vg_arena_strdup(a, expires),
                                 .expires_at = expires_at, .index = i};
        if (!rule->id || !rule->reason || !rule->expires || (package && !rule->package) || !ig->path) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
            goto out;
        }
        ig->n++;
    }
out:
    json_decref(doc);
    if (rc)
        ig->n = before;
    return rc;
}

int vg_ignore_read_file(vg_ctx *ctx, vg_ignore *ig, const char *path)
{
    vg_buf buf;
    int rc = vg_input_read_file(ctx, path, "ignore file", VG_IGNORE_MAX_DOCUMENT, &buf);
    if (rc)
        return rc;
    rc = vg_ignore_parse(ctx, ig, path, buf.data ? buf.data : "", buf.len);
    vg_buf_free(&buf);
    return rc;
}

/* A rule's package against a component: a purl pattern, or the name. */
static int package_matches(const char *package, const vg_component *c)
{
    if (!package)
        return 1;
    if (!c)
        return 0;
    if (strncasecmp(package, "pkg:", 4) == 0)
        return vg_vex_purl_matches(package, c->purl);
    return c->name && strcmp(package, c->name) == 0;
}

static int rule_matches(const vg_ignore_rule *rule, const vg_finding *f)
{
    for (size_t k = 0; k < f->nids; k++)
        if (strcasecmp(f->ids[k], rule->id) == 0)
            return package_matches(rule->package, f->component);
    return f->id && strcasecmp(f->id, rule->id) == 0 && package_matches(rule->package, f->component);
}

int vg_ignore_apply(vg_ctx *ctx, const vg_ignore *ig, int64_t now, vg_findings *findings)
{
    const char *path = ig->path ? ig->path : "(ignore file)";
    for (size_t r = 0; r < ig->n; r++) {
        const vg_ignore_rule *rule = &ig->rules[r];
        if (now >= rule->expires_at) {
            vg_warn(ctx, path, "rule %zu (%s%s%s) expired on %s and no longer applies: renew or remove it",
                    rule->index + 1, rule->id, rule->package ? " in " : "", rule->package ? rule->package : "",
                    rule->expires);
            continue;
        }
        for (size_t i = 0; i < findings->n; i++) {
            vg_finding *f = &findings->items[i];
            if (f->suppressed || !rule_matches(rule, f))
                continue;
            f->suppressed = 1;
            f->suppressed_by = vg_arena_printf(&findings->arena, "ignore:%s", path);
            f->analysis_detail = vg_arena_printf(&findings->arena, "%s (accepted until %s)", rule->reason,
                                                 rule->expires);
            if (!f->suppressed_by || !f->analysis_detail)
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory applying %s", path);
        }
    }
    return VG_OK;
}
