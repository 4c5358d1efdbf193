/*
 * testing.c — unit tests for rules, `vigil policy test` (policy.h, "Rule
 * tests"): each case names its evidence (files, or documents written in
 * the case) and the results it expects, side by side, as `opa test` and
 * `conftest verify` do; docs/policy.md ("Testing rules") is the format.
 *
 * Hand-edited variants of real evidence (a KEV finding added, a signature
 * changed) are written as a JSON Patch (RFC 6902: add, remove, replace,
 * test; JSON Pointer, RFC 6901) applied to the document's data, so that a
 * variant follows the real document when that is made again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/digest.h"
#include "policy/policy_internal.h"
#include "vigil/policy.h"

#define PATCH_MAX_OPS 1000

/* ---- JSON Pointer and Patch ------------------------------------------------------ */

/* Decodes the reference token at *p (up to the next '/' or the end) into
 * tok[]; advances *p.  -1 for a bad escape or a token too long. */
static int pointer_token(const char **p, char *tok, size_t size)
{
    size_t n = 0;
    const char *s = *p;
    while (*s && *s != '/') {
        char c = *s++;
        if (c == '~') {
            if (*s != '0' && *s != '1')
                return -1;
            c = *s++ == '0' ? '~' : '/';
        }
        if (n + 1 >= size)
            return -1;
        tok[n++] = c;
    }
    tok[n] = '\0';
    *p = s;
    return 0;
}

/* An array index token: "0" or digits without a leading zero. */
static int array_index(const char *tok, size_t *out)
{
    if (!*tok || (tok[0] == '0' && tok[1]) || strlen(tok) > 9)
        return -1;
    size_t v = 0;
    for (const char *c = tok; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (size_t)(*c - '0');
    }
    *out = v;
    return 0;
}

/* Resolves pointer down to the parent of its last token; the last token
 * goes into last[].  NULL when a step does not exist. */
static json_t *pointer_parent(json_t *doc, const char *pointer, char *last, size_t size)
{
    if (*pointer != '/')
        return NULL;
    json_t *cur = doc;
    const char *p = pointer + 1;
    for (;;) {
        if (pointer_token(&p, last, size))
            return NULL;
        if (!*p)
            return cur;
        p++;
        size_t i;
        if (json_is_object(cur))
            cur = json_object_get(cur, last);
        else if (json_is_array(cur) && array_index(last, &i) == 0)
            cur = json_array_get(cur, i);
        else
            return NULL;
        if (!cur)
            return NULL;
    }
}

static json_t *pointer_get(json_t *doc, const char *pointer)
{
    if (!*pointer)
        return doc;
    char last[1024];
    json_t *parent = pointer_parent(doc, pointer, last, sizeof last);
    size_t i;
    if (json_is_object(parent))
        return json_object_get(parent, last);
    if (json_is_array(parent) && array_index(last, &i) == 0)
        return json_array_get(parent, i);
    return NULL;
}

/* Applies one operation; a message in why[] when it cannot. */
static int patch_op(json_t **doc, const json_t *op, char *why, size_t size)
{
    const char *name = json_string_value(json_object_get(op, "op"));
    const char *path = json_string_value(json_object_get(op, "path"));
    json_t *value = json_object_get(op, "value");
    if (!name || !path) {
        snprintf(why, size, "an operation needs op and path");
        return -1;
    }
    int add = strcmp(name, "add") == 0, remove = strcmp(name, "remove") == 0,
        replace = strcmp(name, "replace") == 0, test = strcmp(name, "test") == 0;
    if (!add && !remove && !replace && !test) {
        snprintf(why, size, "op %.40s is not add, remove, replace or test", name);
        return -1;
    }
    if (!remove && !value) {
        snprintf(why, size, "%s %.200s needs a value", name, path);
        return -1;
    }
    if (test) {
        json_t *at = pointer_get(*doc, path);
        if (!at || !json_equal(at, value)) {
            snprintf(why, size, "test %.200s: the value differs", path);
            return -1;
        }
        return 0;
    }
    if (!*path) { /* the whole document */
        if (remove) {
            snprintf(why, size, "cannot remove the whole document");
            return -1;
        }
        json_decref(*doc);
        *doc = json_deep_copy(value);
        return *doc ? 0 : -1;
    }
    char last[1024];
    json_t *parent = pointer_parent(*doc, path, last, sizeof last);
    size_t i, n = json_array_size(parent);
    int ok = 0;
    if (json_is_object(parent)) {
        int exists = json_object_get(parent, last) != NULL;
        ok = remove    ? exists && json_object_del(parent, last) == 0
             : replace ? exists && json_object_set_new(parent, last, json_deep_copy(value)) == 0
                       : json_object_set_new(parent, last, json_deep_copy(value)) == 0;
    } else if (json_is_array(parent)) {
        int end = strcmp(last, "-") == 0;
        if (add && (end || (array_index(last, &i) == 0 && i <= n)))
            ok = json_array_insert_new(parent, end ? n : i, json_deep_copy(value)) == 0;
        else if (!add && array_index(last, &i) == 0 && i < n)
            ok = remove ? json_array_remove(parent, i) == 0 : json_array_set_new(parent, i, json_deep_copy(value)) == 0;
    }
    if (!ok)
        snprintf(why, size, "%s %.200s: no such location", name, path);
    return ok ? 0 : -1;
}

int vg_json_patch(vg_ctx *ctx, json_t **doc, const json_t *patch, const char *where)
{
    if (!json_is_array(patch))
        return vg_error(ctx, VG_ERR_USAGE, "%s: patch must be a list of operations (RFC 6902)", where);
    if (json_array_size(patch) > PATCH_MAX_OPS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d patch operations", where, PATCH_MAX_OPS);
    size_t i;
    json_t *op;
    json_array_foreach(patch, i, op) {
        char why[300];
        if (patch_op(doc, op, why, sizeof why))
            return vg_error(ctx, VG_ERR_USAGE, "%s: patch operation %zu: %s", where, i + 1, why);
    }
    return VG_OK;
}

/* ---- test cases ------------------------------------------------------------------ */

/* An evidence document written in the case: its digest is that of its
 * canonical JSON (sorted keys, compact). */
static int inline_document(vg_ctx *ctx, const json_t *entry, const char *where, const char *now, size_t n,
                           json_t **out)
{
    const char *kind = json_string_value(json_object_get(entry, "kind"));
    json_t *data = json_object_get(entry, "data");
    if (!kind || !data)
        return vg_error(ctx, VG_ERR_USAGE, "%s: an evidence entry needs kind and data (or path)", where);
    char *text = json_dumps(data, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, text, strlen(text), VG_DIGEST_SHA256, &d);
    size_t size = strlen(text);
    free(text);
    if (rc)
        return rc;
    char id[32];
    snprintf(id, sizeof id, "e%zu", n);
    json_t *format = json_object_get(entry, "format");
    json_t *doc = json_pack("{sssssssssssIsssO}", "id", id, "kind", kind, "path", where, "sha256", d.sha256,
                            "format", json_is_string(format) ? json_string_value(format) : "", "size",
                            (json_int_t)size, "collected", now, "data", data);
    if (doc && json_object_get(entry, "verified") &&
        json_object_set(doc, "verified", json_object_get(entry, "verified")))
        json_decref(doc), doc = NULL;
    if (!doc)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    *out = doc;
    return VG_OK;
}

static const json_t *find_result(const json_t *results, const char *rule, const char *resource)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "rule")), rule) == 0 &&
            strcmp(json_string_value(json_object_get(r, "resource")), resource) == 0)
            return r;
    }
    return NULL;
}

static int fail_line(json_t *failures, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_line(json_t *failures, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return json_array_append_new(failures, json_string(line));
}

/* Compares the results of the rules named in expect with expect. */
static int compare(const json_t *expect, const json_t *results, const char *where, json_t *failures)
{
    size_t i, j;
    json_t *e, *r;
    int failed = 0; /* to record a line: out of memory */
    json_array_foreach(expect, i, e) {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        const char *resource = json_string_value(json_object_get(e, "resource"));
        const char *status = json_string_value(json_object_get(e, "status"));
        const json_t *waived = json_object_get(e, "waived");
        const char *message = json_string_value(json_object_get(e, "message"));
        const json_t *got = find_result(results, rule, resource);
        if (!got) {
            failed |= fail_line(failures, "%s: expected %s %s %s, got no result for it", where, rule, resource, status);
            continue;
        }
        const char *have = json_string_value(json_object_get(got, "status"));
        if (strcmp(have, status) != 0)
            failed |= fail_line(failures, "%s: %s %s: expected %s, got %s%s%s", where, rule, resource, status, have,
                             json_is_string(json_object_get(got, "message")) ? ": " : "",
                             json_is_string(json_object_get(got, "message"))
                                 ? json_string_value(json_object_get(got, "message"))
                                 : "");
        if (waived && json_is_true(waived) != (json_object_get(got, "waiver") != NULL))
            failed |= fail_line(failures, "%s: %s %s: expected %swaived, got %swaived", where, rule, resource,
                             json_is_true(waived) ? "" : "not ", json_object_get(got, "waiver") ? "" : "not ");
        const char *text = json_string_value(json_object_get(got, "message"));
        if (!text)
            text = json_string_value(json_object_get(got, "reason"));
        if (message && (!text || !strstr(text, message)))
            failed |= fail_line(failures, "%s: %s %s: expected a message containing \"%s\", got \"%s\"", where, rule,
                             resource, message, text ? text : "");
    }
    json_array_foreach(results, i, r) {
        const char *rule = json_string_value(json_object_get(r, "rule"));
        const char *resource = json_string_value(json_object_get(r, "resource"));
        int expected = 0;
        json_array_foreach(expect, j, e) {
            if (strcmp(json_string_value(json_object_get(e, "rule")), rule) == 0 &&
                strcmp(json_string_value(json_object_get(e, "resource")), resource) == 0)
                expected = 1;
        }
        if (!expected)
            failed |= fail_line(failures, "%s: unexpected result %s %s %s%s%s", where, rule, resource,
                             json_string_value(json_object_get(r, "status")),
                             json_is_string(json_object_get(r, "message")) ? ": " : "",
                             json_is_string(json_object_get(r, "message"))
                                 ? json_string_value(json_object_get(r, "message"))
                                 : "");
    }
    return failed;
}

/* Checks the members of a case before anything runs. */
static int check_case(vg_ctx *ctx, const vg_policy *p, const json_t *tc, const char *where)
{
    if (!json_is_object(tc))
        return vg_error(ctx, VG_ERR_USAGE, "%s: a test case must be a mapping", where);
    const char *key = policy_unknown_member(tc, "name now evidence config waivers expect");
    if (key)
        return vg_error(ctx, VG_ERR_USAGE, "%s: unknown member %s (known: name now evidence config waivers expect)",
                        where, key);
    if (!json_is_string(json_object_get(tc, "name")) || !json_is_string(json_object_get(tc, "now")))
        return vg_error(ctx, VG_ERR_USAGE, "%s: a test case needs a name and now (the run's time, "
                        "YYYY-MM-DDTHH:MM:SSZ)", where);
    const json_t *expect = json_object_get(tc, "expect"), *evidence = json_object_get(tc, "evidence");
    if (!json_is_array(expect) || json_array_size(expect) == 0)
        return vg_error(ctx, VG_ERR_USAGE, "%s: expect must be a non-empty list of results (rule, resource, status)",
                        where);
    if (evidence && !json_is_array(evidence))
        return vg_error(ctx, VG_ERR_USAGE, "%s: evidence must be a list", where);
    size_t i, j;
    json_t *e, *f;
    json_array_foreach(expect, i, e) {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        if (!rule || !json_is_string(json_object_get(e, "resource")) ||
            !json_is_string(json_object_get(e, "status")))
            return vg_error(ctx, VG_ERR_USAGE, "%s: expect %zu needs rule, resource and status", where, i + 1);
        if ((key = policy_unknown_member(e, "rule resource status waived message")))
            return vg_error(ctx, VG_ERR_USAGE, "%s: expect %zu: unknown member %s (known: rule resource status "
                            "waived message)", where, i + 1, key);
        size_t k = 0;
        while (k < vg_policy_rule_count(p) &&
               strcmp(json_string_value(json_object_get(vg_policy_rule_declaration(p, k), "id")), rule) != 0)
            k++;
        if (k == vg_policy_rule_count(p))
            return vg_error(ctx, VG_ERR_USAGE, "%s: expect %zu names rule %s, which the pack does not have", where,
                            i + 1, rule);
        json_array_foreach(expect, j, f) {
            if (j < i && json_equal(json_object_get(e, "rule"), json_object_get(f, "rule")) &&
                json_equal(json_object_get(e, "resource"), json_object_get(f, "resource")))
                return vg_error(ctx, VG_ERR_USAGE, "%s: expect %zu repeats %s %s", where, i + 1, rule,
                                json_string_value(json_object_get(e, "resource")));
        }
    }
    return VG_OK;
}

/* The case's configuration with every rule it does not expect results of
 * disabled. */
static json_t *case_config(const vg_policy *p, const json_t *tc)
{
    json_t *config = json_deep_copy(json_object_get(tc, "config"));
    if (!config)
        config = json_object();
    json_t *rules = json_object_get(config, "rules");
    if (config && !rules)
        json_object_set_new(config, "rules", rules = json_object());
    if (!json_is_object(rules))
        return config; /* vg_policy_evaluate() says what is wrong */
    for (size_t k = 0; k < vg_policy_rule_count(p); k++) {
        const char *id = json_string_value(json_object_get(vg_policy_rule_declaration(p, k), "id"));
        size_t i;
        json_t *e;
        int wanted = 0;
        json_array_foreach(json_object_get(tc, "expect"), i, e) wanted |=
            strcmp(json_string_value(json_object_get(e, "rule")), id) == 0;
        if (wanted)
            continue;
        json_t *own = json_object_get(rules, id);
        if (!own && json_object_set_new(rules, id, own = json_object()))
            return json_decref(config), NULL;
        if (json_is_object(own) && json_object_set_new(own, "enabled", json_false()))
            return json_decref(config), NULL;
    }
    return config;
}

int vg_policy_test_case(vg_ctx *ctx, vg_policy *p, const json_t *tc, const char *where,
                        const vg_policy_test_options *o, json_t **report)
{
    *report = NULL;
    int rc = check_case(ctx, p, tc, where);
    if (rc)
        return rc;
    const char *now_text = json_string_value(json_object_get(tc, "now"));
    int64_t now;
    if (vg_policy_parse_time(now_text, &now))
        return vg_error(ctx, VG_ERR_USAGE, "%s: now \"%s\" is not a time YYYY-MM-DDTHH:MM:SSZ", where, now_text);
    json_t *config = case_config(p, tc), *results = NULL;
    vg_policy_evidence *docs = NULL;
    if (!config)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    else
        rc = vg_policy_evidence_new(ctx, NULL, &docs);
    size_t i;
    json_t *entry;
    json_array_foreach(json_object_get(tc, "evidence"), i, entry) {
        char at[600];
        snprintf(at, sizeof at, "%s: evidence %zu", where, i + 1);
        json_t *doc = NULL;
        if (rc)
            break;
        if (!json_is_object(entry))
            rc = vg_error(ctx, VG_ERR_USAGE, "%s: not a mapping", at);
        else if (json_object_get(entry, "path"))
            rc = o->load ? o->load(ctx, o->load_arg, entry, at, i + 1, &doc)
                         : vg_error(ctx, VG_ERR_USAGE, "%s: evidence files are not available here", at);
        else
            rc = inline_document(ctx, entry, at, now_text, i + 1, &doc);
        json_t *patch = json_object_get(entry, "patch");
        if (rc == VG_OK && patch) {
            json_t *data = json_incref(json_object_get(doc, "data"));
            rc = vg_json_patch(ctx, &data, patch, at);
            if (rc == VG_OK && json_object_set(doc, "data", data))
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            json_decref(data);
            /* The digest stays the file's: the patch is part of the case. */
        }
        if (rc == VG_OK)
            rc = vg_policy_evidence_add_document(ctx, docs, doc);
        json_decref(doc);
    }
    if (rc == VG_OK) {
        vg_policy_run_options ro = {.now = now, .config = config, .config_path = where,
                                    .waivers = json_object_get(tc, "waivers"), .waivers_path = where,
                                    .tool_version = o->tool_version};
        rc = vg_policy_evaluate(ctx, p, docs, &ro, &results);
    }
    json_t *failures = rc == VG_OK ? json_array() : NULL;
    if (rc == VG_OK && (!failures || compare(json_object_get(tc, "expect"), json_object_get(results, "results"),
                                             where, failures)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        *report = json_pack("{sssssbsOsOsOsO}", "name", json_string_value(json_object_get(tc, "name")), "where",
                            where, "passed", json_array_size(failures) == 0, "failures", failures, "results",
                            json_object_get(results, "results"), "requirements",
                            json_object_get(results, "requirements"), "manual", json_object_get(results, "manual"));
        if (!*report)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(failures);
    json_decref(results);
    vg_policy_evidence_free(docs);
    json_decref(config);
    return rc;
}
