/*
 * engine.c — runs packs of policy rules over evidence documents and makes
 * the results document (include/vigil/policy.h, "Running rules").
 *
 * A pack is a directory of rule files (*.lua, in name order).  Each rule
 * file declares a global table `rule` (id, title, severity, requirements,
 * evidence kinds, optional kinds, parameters with their defaults,
 * rationale) and a function check(evidence, params, run); docs/policy.md
 * ("Rule files") is the author's description, and "The results document"
 * there (with docs/policy-results.schema.json) lists what a run gives
 * back.  The engine, not the rule,
 * decides the statuses a rule cannot give itself: `error` (the rule
 * raised, passed a limit or returned something malformed), and `skip`
 * when a required kind of evidence is absent or the rule found no
 * resource to judge — so that "nothing checked" never reads as "pass".
 * Waivers (an expiry is required; none applies from 00:00 UTC of its
 * expiry date on) and the comparison with a baseline run (SARIF 2.1.0
 * §3.27.24 baselineState: new, unchanged, updated, absent) are applied
 * here too, so that every output shows the same thing.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/format_internal.h"
#include "policy/policy_internal.h"
#include "source/input_file.h"
#include "vigil/digest.h"
#include "vigil/policy.h"

#define ENGINE_MAX_RULES 10000     /* rule files in one run */
#define ENGINE_MAX_RESULTS 1000000 /* results of one rule */
#define ENGINE_MAX_WAIVERS 100000

typedef struct engine_rule {
    vg_policy_rule *rule;
    json_t *decl;   /* the validated declaration, as in the results document's "rules" */
    json_t *params; /* the rule's parameter defaults (object) */
} engine_rule;

struct vg_policy {
    vg_policy_limits limits;
    engine_rule *rules;
    size_t nrules, cap;
    json_t *packs; /* [{name, path, rules}] */
    vg_catalogue *catalogue; /* loaded with the first rule */
    int closed;              /* a run with o->last has closed the rules' states */
};

/* The catalogue of vg_policy_data_dir(), loaded once. */
static int engine_catalogue(vg_ctx *ctx, vg_policy *p)
{
    if (p->catalogue)
        return VG_OK;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/catalogue.json", vg_policy_data_dir()) >= sizeof path)
        return vg_error(ctx, VG_ERR_USAGE, "%s: path too long", vg_policy_data_dir());
    return vg_catalogue_load(ctx, path, &p->catalogue);
}

/* The members each kind of object may have, for policy_unknown_member(). */
#define DECL_MEMBERS "id title severity requirements evidence optional params rationale"
#define RESULT_MEMBERS "resource status message reason evidence"
#define WAIVER_MEMBERS "rule resource justification owner approver expires ticket"

const char *policy_unknown_member(const json_t *obj, const char *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t n = strlen(key);
        const char *p = known;
        while (p && !(strncmp(p, key, n) == 0 && (p[n] == ' ' || p[n] == '\0'))) {
            p = strchr(p, ' ');
            p = p ? p + 1 : NULL;
        }
        if (!p)
            return key;
    }
    return NULL;
}

static const char *const severities[] = {"info", "low", "medium", "high", "critical"};
static const char *const statuses[] = {"pass", "fail", "not_applicable", "skip", "error"};

int vg_policy_severity_rank(const char *severity)
{
    for (size_t i = 0; severity && i < sizeof severities / sizeof *severities; i++)
        if (strcmp(severity, severities[i]) == 0)
            return (int)i;
    return -1;
}

int vg_policy_new(vg_ctx *ctx, const vg_policy_limits *limits, vg_policy **out)
{
    *out = NULL;
    vg_policy *p = calloc(1, sizeof *p);
    if (!p || !(p->packs = json_array())) {
        free(p);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (limits)
        p->limits = *limits;
    else
        vg_policy_limits_default(&p->limits);
    *out = p;
    return VG_OK;
}

void vg_policy_free(vg_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nrules; i++) {
        vg_policy_rule_free(p->rules[i].rule);
        json_decref(p->rules[i].decl);
        json_decref(p->rules[i].params);
    }
    free(p->rules);
    json_decref(p->packs);
    vg_catalogue_free(p->catalogue);
    free(p);
}

size_t vg_policy_rule_count(const vg_policy *p)
{
    return p->nrules;
}

const json_t *vg_policy_rule_declaration(const vg_policy *p, size_t i)
{
    return i < p->nrules ? p->rules[i].decl : NULL;
}

/* ---- rule declarations --------------------------------------------------------- */

static int valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A requirement id: FRAMEWORK:REF, the catalogue's scheme (policy/README.md). */
int vg_policy_requirement_valid(const char *s)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1] || strlen(s) > 64)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
              *c == '-' || (*c == ':' && c == colon)))
            return 0;
    return 1;
}

/* An array of distinct strings each passing valid(); empty allowed when
 * may_be_empty. */
static const char *check_names(json_t *a, int (*valid)(const char *), int may_be_empty)
{
    if (!json_is_array(a))
        return "is not a list of strings";
    if (!may_be_empty && json_array_size(a) == 0)
        return "is empty";
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || !valid(json_string_value(v)))
            return "has a member that is not a valid name";
        json_array_foreach(a, j, w) {
            if (j >= i)
                break;
            if (json_equal(v, w))
                return "names the same thing twice";
        }
    }
    return NULL;
}

static int valid_rule_id(const char *s)
{
    return valid_name(s, 64);
}

static int in_array(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

/* Checks the rule's `rule` table and turns it into the declaration the
 * results document carries. */
static int declaration(vg_ctx *ctx, const char *file, json_t *raw, json_t **decl, json_t **params)
{
    if (!json_is_object(raw))
        return vg_error(ctx, VG_ERR_RULE, "%s: the rule file defines no table `rule` (its id, title, severity, "
                        "requirements and evidence kinds; see docs/policy.md)", file);
    const char *unknown = policy_unknown_member(raw, DECL_MEMBERS);
    if (unknown)
        return vg_error(ctx, VG_ERR_RULE, "%s: rule.%s is not a member of a rule declaration (known: %s)", file,
                        unknown, DECL_MEMBERS);
    json_t *id = json_object_get(raw, "id"), *title = json_object_get(raw, "title"),
           *severity = json_object_get(raw, "severity"), *reqs = json_object_get(raw, "requirements"),
           *kinds = json_object_get(raw, "evidence"), *optional = json_object_get(raw, "optional"),
           *defaults = json_object_get(raw, "params"), *rationale = json_object_get(raw, "rationale");
    if (!json_is_string(id) || !valid_rule_id(json_string_value(id)))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule.id must be a string of a-z, 0-9, '.', '_', '-' (at most 64, "
                        "starting with a letter or digit)", file);
    const char *rid = json_string_value(id);
    if (!json_is_string(title) || !*json_string_value(title))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s has no rule.title", file, rid);
    if (!json_is_string(severity) || vg_policy_severity_rank(json_string_value(severity)) < 0)
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.severity must be critical, high, medium, low or info",
                        file, rid);
    const char *why;
    if ((why = check_names(reqs, vg_policy_requirement_valid, 0)))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.requirements %s (requirement ids such as "
                        "\"nis2:21.2.e\" or \"ir2024-2690:6.10.2\")", file, rid, why);
    if ((why = check_names(kinds, vg_policy_kind_valid, 0)))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.evidence %s (evidence kinds such as \"scan\")", file,
                        rid, why);
    if (optional) {
        if ((why = check_names(optional, vg_policy_kind_valid, 1)))
            return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.optional %s", file, rid, why);
        size_t i;
        json_t *v;
        json_array_foreach(optional, i, v) if (!in_array(kinds, json_string_value(v))) return vg_error(
            ctx, VG_ERR_RULE, "%s: rule %s: rule.optional names \"%s\", which rule.evidence does not list", file,
            rid, json_string_value(v));
    }
    if (defaults && !json_is_object(defaults) && !(json_is_array(defaults) && json_array_size(defaults) == 0))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.params must be a table of names and default values",
                        file, rid);
    if (rationale && !json_is_string(rationale))
        return vg_error(ctx, VG_ERR_RULE, "%s: rule %s: rule.rationale must be a string", file, rid);

    json_t *d = json_pack("{sOsOsOsOsO}", "id", id, "title", title, "severity", severity, "requirements", reqs,
                          "evidence", kinds);
    if (d && (json_object_set_new(d, "optional", optional ? json_incref(optional) : json_array()) ||
              json_object_set_new(d, "rationale", rationale ? json_incref(rationale) : json_string("")))) {
        json_decref(d);
        d = NULL;
    }
    *params = json_is_object(defaults) ? json_deep_copy(defaults) : json_object();
    if (d && *params && json_object_set(d, "params", *params)) {
        json_decref(d);
        d = NULL;
    }
    if (!d || !*params) {
        json_decref(d);
        json_decref(*params);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    *decl = d;
    return VG_OK;
}

int vg_policy_add_rule(vg_ctx *ctx, vg_policy *p, const char *path, const char *pack)
{
    if (p->nrules >= ENGINE_MAX_RULES)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d rules in one run", path, ENGINE_MAX_RULES);
    vg_buf text;
    int rc = vg_input_read_file(ctx, path, "rule file", VG_POLICY_MAX_SOURCE, &text);
    if (rc)
        return rc;
    vg_file_digest digest;
    vg_policy_rule *rule = NULL;
    json_t *raw = NULL, *decl = NULL, *params = NULL;
    if (!(rc = engine_catalogue(ctx, p)) &&
        !(rc = vg_digest_memory(ctx, text.data ? text.data : "", text.len, VG_DIGEST_SHA256, &digest)) &&
        !(rc = vg_policy_rule_compile(ctx, path, text.data, text.len, &p->limits, &rule)) &&
        !(rc = vg_policy_rule_global(ctx, rule, "rule", &raw)))
        rc = declaration(ctx, path, raw, &decl, &params);
    vg_buf_free(&text);
    json_decref(raw);
    size_t k;
    json_t *req;
    json_array_foreach(rc == VG_OK ? json_object_get(decl, "requirements") : NULL, k, req) {
        if (!vg_catalogue_find(p->catalogue, json_string_value(req))) {
            rc = vg_error(ctx, VG_ERR_RULE, "%s: rule %s names requirement \"%.80s\", which is not in the control "
                          "catalogue %s (version %s); `vigil controls` lists the ids", path,
                          json_string_value(json_object_get(decl, "id")), json_string_value(req),
                          vg_catalogue_path(p->catalogue), vg_catalogue_version(p->catalogue));
            break;
        }
    }
    for (size_t i = 0; rc == VG_OK && i < p->nrules; i++)
        if (json_equal(json_object_get(p->rules[i].decl, "id"), json_object_get(decl, "id")))
            rc = vg_error(ctx, VG_ERR_USAGE, "%s: rule id %s is also the id of %s; rule ids must be unique in a run",
                          path, json_string_value(json_object_get(decl, "id")),
                          json_string_value(json_object_get(p->rules[i].decl, "file")));
    if (rc == VG_OK && p->nrules == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        engine_rule *r = realloc(p->rules, cap * sizeof *r);
        if (!r)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        else
            p->rules = r, p->cap = cap;
    }
    if (rc == VG_OK && (json_object_set_new(decl, "pack", json_string(pack ? pack : "")) ||
                        json_object_set_new(decl, "file", json_string(path)) ||
                        json_object_set_new(decl, "sha256", json_string(digest.sha256))))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        vg_policy_rule_free(rule);
        json_decref(decl);
        json_decref(params);
        return rc;
    }
    p->rules[p->nrules++] = (engine_rule){rule, decl, params};
    return VG_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int vg_policy_add_pack(vg_ctx *ctx, vg_policy *p, const char *pack)
{
    /* A name without '/' is a built-in pack; anything else a directory. */
    char dir[4096];
    const char *name = pack;
    if (!strchr(pack, '/')) {
        if (!valid_name(pack, 64))
            return vg_error(ctx, VG_ERR_USAGE, "--pack %s: not a pack name (built-in packs: nis2, cra, hardening, "
                            "licences) nor a directory (write ./%s for a directory here)", pack, pack);
        if ((size_t)snprintf(dir, sizeof dir, "%s/%s", vg_policy_data_dir(), pack) >= sizeof dir)
            return vg_error(ctx, VG_ERR_USAGE, "--pack %s: path too long", pack);
    } else {
        if ((size_t)snprintf(dir, sizeof dir, "%s", pack) >= sizeof dir)
            return vg_error(ctx, VG_ERR_USAGE, "--pack %s: path too long", pack);
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
            dir[--n] = '\0';
        const char *slash = strrchr(dir, '/');
        name = slash && slash[1] ? slash + 1 : dir;
    }
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        if (e == ENOENT && !strchr(pack, '/'))
            return vg_error(ctx, VG_ERR_USAGE, "--pack %s: no built-in pack of that name in %s (set "
                            "VIGIL_POLICY_DIR, or give the pack's directory)", pack, vg_policy_data_dir());
        return vg_error(ctx, e == ENOENT ? VG_ERR_NOT_FOUND : e == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: cannot read the pack directory: %s", dir, strerror(e));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;
    struct dirent *e;
    while (rc == VG_OK && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || e->d_name[0] == '.' || strcmp(e->d_name + len - 4, ".lua") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = n < ENGINE_MAX_RULES ? realloc(names, cap * sizeof *nn) : NULL;
            if (!nn) {
                rc = n < ENGINE_MAX_RULES ? vg_error(ctx, VG_ERR_NOMEM, "out of memory")
                                          : vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d rule files", dir,
                                                     ENGINE_MAX_RULES);
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        else
            n++;
    }
    closedir(d);
    if (rc == VG_OK && n == 0)
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: the pack has no rule files (*.lua)", dir);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    size_t before = p->nrules;
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path)
            rc = vg_error(ctx, VG_ERR_USAGE, "%s/%s: path too long", dir, names[i]);
        else
            rc = vg_policy_add_rule(ctx, p, path, name);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == VG_OK && json_array_append_new(p->packs, json_pack("{sssssI}", "name", name, "path", dir, "rules",
                                                                 (json_int_t)(p->nrules - before))))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return rc;
}

/* ---- parameters ----------------------------------------------------------------- */

/* Both numbers, or the same JSON type. */
static int same_type(const json_t *a, const json_t *b)
{
    return (json_is_number(a) && json_is_number(b)) || (json_is_boolean(a) && json_is_boolean(b)) ||
           json_typeof(a) == json_typeof(b);
}

/* The parameters of rule r: its defaults, overridden by the configuration's
 * "parameters" (names the rule declares) and then "rules".ID."params"
 * (names the rule must declare). */
static int rule_params(vg_ctx *ctx, const engine_rule *r, const json_t *config, json_t **out)
{
    const char *id = json_string_value(json_object_get(r->decl, "id"));
    json_t *p = json_deep_copy(r->params);
    if (!p)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    const json_t *global = json_object_get(config, "parameters");
    const json_t *own = json_object_get(json_object_get(json_object_get(config, "rules"), id), "params");
    const char *key;
    json_t *v;
    for (int pass = 0; pass < 2; pass++) {
        const json_t *from = pass == 0 ? global : own;
        json_object_foreach((json_t *)from, key, v) {
            json_t *def = json_object_get(r->params, key);
            if (!def) {
                if (pass == 0)
                    continue;
                json_decref(p);
                return vg_error(ctx, VG_ERR_USAGE, "policy configuration: rules.%s.params.%s: rule %s has no "
                                "parameter %s", id, key, id, key);
            }
            if (!same_type(def, v)) {
                json_decref(p);
                return vg_error(ctx, VG_ERR_USAGE, "policy configuration: %s%s.%s: the value is not of the type "
                                "of the rule's default (rule %s)", pass ? "rules." : "parameters", pass ? id : "",
                                key, id);
            }
            if (json_object_set(p, key, v)) {
                json_decref(p);
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            }
        }
    }
    *out = p;
    return VG_OK;
}

int vg_policy_configure(vg_ctx *ctx, vg_policy *p, const json_t *config)
{
    if (!config)
        return VG_OK;
    if (!json_is_object(config))
        return vg_error(ctx, VG_ERR_USAGE, "policy configuration: not a mapping of names to values");
    const char *key = policy_unknown_member(config, "packs parameters rules");
    json_t *v;
    if (key)
        return vg_error(ctx, VG_ERR_USAGE, "policy configuration: unknown member %s (known: packs parameters rules)",
                        key);
    const json_t *global = json_object_get(config, "parameters"), *rules = json_object_get(config, "rules");
    if (global && !json_is_object(global))
        return vg_error(ctx, VG_ERR_USAGE, "policy configuration: parameters must be a mapping");
    if (rules && !json_is_object(rules))
        return vg_error(ctx, VG_ERR_USAGE, "policy configuration: rules must be a mapping of rule ids");
    json_object_foreach((json_t *)rules, key, v) {
        size_t i = 0;
        while (i < p->nrules && strcmp(json_string_value(json_object_get(p->rules[i].decl, "id")), key) != 0)
            i++;
        if (i == p->nrules)
            return vg_error(ctx, VG_ERR_USAGE, "policy configuration: rules.%s: no selected rule has that id", key);
        if (!json_is_object(v))
            return vg_error(ctx, VG_ERR_USAGE, "policy configuration: rules.%s must be a mapping", key);
        const char *k;
        json_t *w;
        json_object_foreach(v, k, w) {
            if (strcmp(k, "enabled") == 0 ? !json_is_boolean(w)
                : strcmp(k, "severity") == 0 ? !json_is_string(w) || vg_policy_severity_rank(json_string_value(w)) < 0
                : strcmp(k, "params") == 0 ? !json_is_object(w)
                                           : 1)
                return vg_error(ctx, VG_ERR_USAGE, "policy configuration: rules.%s.%s: %s", key, k,
                                strcmp(k, "enabled") == 0    ? "must be true or false"
                                : strcmp(k, "severity") == 0 ? "must be critical, high, medium, low or info"
                                : strcmp(k, "params") == 0   ? "must be a mapping of parameter names to values"
                                                             : "unknown (known: enabled, severity, params)");
        }
        /* Checks the names and types now, so that a typo is an error before
         * any rule runs. */
        json_t *params;
        int rc = rule_params(ctx, &p->rules[i], config, &params);
        if (rc)
            return rc;
        json_decref(params);
    }
    /* Global parameters: type-checked against every rule that declares them. */
    for (size_t i = 0; i < p->nrules; i++) {
        json_t *params;
        int rc = rule_params(ctx, &p->rules[i], config, &params);
        if (rc)
            return rc;
        json_decref(params);
    }
    return VG_OK;
}

/* ---- results ------------------------------------------------------------------- */

static json_t *result_new(const json_t *decl, const char *resource, const char *status, const char *message,
                          const char *reason)
{
    json_t *r = json_pack("{sOsssssOsO}", "rule", json_object_get(decl, "id"), "resource", resource, "status",
                          status, "severity", json_object_get(decl, "severity"), "requirements",
                          json_object_get(decl, "requirements"));
    if (r && message && json_object_set_new(r, "message", json_string(message))) {
        json_decref(r);
        return NULL;
    }
    if (r && reason && json_object_set_new(r, "reason", json_string(reason))) {
        json_decref(r);
        return NULL;
    }
    return r;
}

static int status_index(const char *s)
{
    for (size_t i = 0; s && i < sizeof statuses / sizeof *statuses; i++)
        if (strcmp(s, statuses[i]) == 0)
            return (int)i;
    return -1;
}

/* Checks one result a rule returned and makes it a result of the run (a
 * new reference to got, completed); NULL with the message in why[] when it
 * is malformed. */
static json_t *result_from_rule(const json_t *decl, const json_t *got, size_t index, const json_t *doc_ids,
                                char *why, size_t whylen)
{
    if (!json_is_object(got)) {
        snprintf(why, whylen, "result %zu is not a table", index + 1);
        return NULL;
    }
    const char *key = policy_unknown_member(got, RESULT_MEMBERS);
    json_t *v;
    if (key) {
        snprintf(why, whylen, "result %zu has the member %s (known: %s)", index + 1, key, RESULT_MEMBERS);
        return NULL;
    }
    json_object_foreach((json_t *)got, key, v) {
        if (strcmp(key, "evidence") && !json_is_string(v)) {
            snprintf(why, whylen, "result %zu: %s is not a string", index + 1, key);
            return NULL;
        }
    }
    const char *resource = json_string_value(json_object_get(got, "resource"));
    const char *status = json_string_value(json_object_get(got, "status"));
    const char *reason = json_string_value(json_object_get(got, "reason"));
    int s = status_index(status);
    if (!resource || !*resource) {
        snprintf(why, whylen, "result %zu has no resource", index + 1);
        return NULL;
    }
    if (s < 0 || strcmp(status, "error") == 0) {
        snprintf(why, whylen, "result %zu (%.200s): status must be pass, fail, not_applicable or skip", index + 1,
                 resource);
        return NULL;
    }
    if ((strcmp(status, "not_applicable") == 0 || strcmp(status, "skip") == 0) && (!reason || !*reason)) {
        snprintf(why, whylen, "result %zu (%.200s): a %s result needs a reason", index + 1, resource, status);
        return NULL;
    }
    json_t *ev = json_object_get(got, "evidence");
    if (ev) {
        size_t i;
        json_t *id;
        if (!json_is_array(ev)) {
            snprintf(why, whylen, "result %zu (%.200s): evidence must be a list of document ids", index + 1, resource);
            return NULL;
        }
        json_array_foreach(ev, i, id) {
            if (!json_is_string(id) || !json_object_get(doc_ids, json_string_value(id))) {
                snprintf(why, whylen, "result %zu (%.200s): evidence names %s, which is not the id of a document",
                         index + 1, resource, json_is_string(id) ? json_string_value(id) : "a non-string");
                return NULL;
            }
        }
    }
    /* The rule's own object becomes the result: it holds only known
     * members, each checked above. */
    json_t *r = (json_t *)got;
    if (json_object_set(r, "rule", json_object_get(decl, "id")) ||
        json_object_set(r, "severity", json_object_get(decl, "severity")) ||
        json_object_set(r, "requirements", json_object_get(decl, "requirements")) ||
        (!ev && json_object_set_new(r, "evidence", json_array()))) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    return json_incref(r);
}

typedef struct sort_key {
    const char *rule, *resource;
    json_t *result;
} sort_key;

static int cmp_results(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->resource, y->resource);
}

/* Sorts the array by (rule, resource). */
static int sort_results(json_t *results)
{
    size_t n = json_array_size(results);
    sort_key *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(results, i);
        const char *rule = json_string_value(json_object_get(r, "rule"));
        const char *resource = json_string_value(json_object_get(r, "resource"));
        v[i] = (sort_key){rule ? rule : "", resource ? resource : "", json_incref(r)};
    }
    qsort(v, n, sizeof *v, cmp_results);
    json_array_clear(results);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        rc |= json_array_append_new(results, v[i].result);
    free(v);
    return rc;
}

/* The evidence of a run as the rules read it: per kind, in the order the
 * kinds first appear, the array of its document objects (what
 * vg_policy_evidence_documents() lists, and "data"), in one arena that the
 * documents' own trees outlive. */
typedef struct evidence_view {
    vg_arena arena;
    const char **kinds;
    vg_jval *lists; /* lists[k]: the documents of kinds[k] */
    uint64_t *bytes; /* bytes[k]: the size of their files */
    size_t nkinds;
    vg_jval run;    /* the rules' third argument */
} evidence_view;

static const vg_jval *view_list(const evidence_view *v, const char *kind)
{
    for (size_t k = 0; k < v->nkinds; k++)
        if (strcmp(v->kinds[k], kind) == 0)
            return &v->lists[k];
    return NULL;
}

/* Runs one rule; appends its results to out. */
static int run_rule(vg_ctx *ctx, engine_rule *r, const json_t *decl, const evidence_view *view,
                    const json_t *doc_ids, int last, json_t *out)
{
    const json_t *kinds = json_object_get(decl, "evidence"), *optional = json_object_get(decl, "optional");
    size_t i, nkinds = json_array_size(kinds);
    json_t *k;
    json_array_foreach(kinds, i, k) {
        const char *kind = json_string_value(k);
        if (!in_array(optional, kind) && vg_jval_size(view_list(view, kind)) == 0) {
            char reason[160];
            snprintf(reason, sizeof reason, "no evidence of kind %s", kind);
            return json_array_append_new(out, result_new(decl, "*", "skip", NULL, reason))
                       ? vg_error(ctx, VG_ERR_NOMEM, "out of memory")
                       : VG_OK;
        }
    }
    /* The rule sees only the kinds it declared, each an array (maybe empty). */
    vg_arena arena;
    vg_arena_init(&arena);
    vg_jmember *members = vg_arena_calloc(&arena, nkinds + 1, sizeof *members);
    vg_jval evidence;
    json_t *got = NULL;
    int rc = members ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    static const vg_jval empty = {.type = VG_JARRAY};
    json_array_foreach(kinds, i, k) {
        const vg_jval *list = view_list(view, json_string_value(k));
        if (rc == VG_OK)
            members[i] = (vg_jmember){json_string_value(k), (uint32_t)json_string_length(k), 0, list ? *list : empty};
    }
    if (rc == VG_OK)
        rc = vg_jval_object(ctx, &arena, members, nkinds, &evidence, NULL);
    vg_jval param_node;
    if (rc == VG_OK)
        rc = vg_jval_from_json(ctx, &arena, json_object_get(decl, "params"), &param_node);
    if (rc != VG_OK) {
        vg_arena_free(&arena);
        return rc;
    }
    const vg_jval *args[] = {&evidence, &param_node, &view->run};
    vg_ctx rctx;
    vg_ctx_init(&rctx);
    int status = policy_rule_call_nodes(&rctx, r->rule, "check", args, 3, last, &got);
    vg_arena_free(&arena);
    char why[sizeof rctx.message] = "";
    json_t *mine = json_array();
    if (!mine)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    else if (status == VG_ERR_NOMEM)
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s", rctx.message);
    else if (status != VG_OK)
        snprintf(why, sizeof why, "%s", rctx.message);
    else if (!json_is_array(got) && !(json_is_object(got) && json_object_size(got) == 0))
        snprintf(why, sizeof why, "%s: check() must return a list of results (tables with resource and status)",
                 json_string_value(json_object_get(decl, "file")));
    else if (json_array_size(got) > ENGINE_MAX_RESULTS)
        snprintf(why, sizeof why, "%s: check() returned more than %d results",
                 json_string_value(json_object_get(decl, "file")), ENGINE_MAX_RESULTS);
    vg_ctx_free(&rctx);
    json_t *one;
    if (rc == VG_OK && !*why && json_is_array(got)) {
        json_array_foreach(got, i, one) {
            char bad[1024] = "";
            json_t *res = result_from_rule(decl, one, i, doc_ids, bad, sizeof bad);
            if (!res || json_array_append_new(mine, res)) {
                snprintf(why, sizeof why, "%s: check() returned %s",
                         json_string_value(json_object_get(decl, "file")), *bad ? bad : "(out of memory)");
                break;
            }
        }
        if (!*why && sort_results(mine))
            snprintf(why, sizeof why, "out of memory");
    }
    json_decref(got);
    /* Two results for one resource cannot both be true, and would make
     * waivers and baselines ambiguous. */
    if (rc == VG_OK && !*why) {
        for (i = 1; i < json_array_size(mine); i++) {
            json_t *a = json_array_get(mine, i - 1), *b = json_array_get(mine, i);
            if (strcmp(json_string_value(json_object_get(a, "resource")),
                       json_string_value(json_object_get(b, "resource"))) == 0) {
                snprintf(why, sizeof why, "%s: check() returned two results for the resource %.200s",
                         json_string_value(json_object_get(decl, "file")),
                         json_string_value(json_object_get(a, "resource")));
                break;
            }
        }
    }
    if (rc == VG_OK && !*why && json_array_size(mine) == 0 &&
        json_array_append_new(mine, result_new(decl, "*", "skip", NULL, "the rule found nothing to judge in the "
                                                                      "evidence")))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && *why) {
        /* A rule that misbehaved gives one error result, never part of its
         * answer. */
        json_array_clear(mine);
        if (json_array_append_new(mine, result_new(decl, "*", "error", why, NULL)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    if (rc == VG_OK && json_array_extend(out, mine))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_decref(mine);
    return rc;
}

/* A result's fingerprint: sha256(rule NUL resource), what baselines match
 * results by (docs/policy.md, "The results document"). */
static int fingerprint(vg_ctx *ctx, const char *rule, const char *resource, char hex[VG_SHA256_HEX_LEN + 1])
{
    size_t a = strlen(rule), b = strlen(resource);
    char *s = malloc(a + b + 2);
    if (!s)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    memcpy(s, rule, a + 1); /* the NUL separates the two */
    memcpy(s + a + 1, resource, b + 1);
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, s, a + b + 1, VG_DIGEST_SHA256, &d);
    free(s);
    if (rc == VG_OK)
        memcpy(hex, d.sha256, sizeof d.sha256);
    return rc;
}

/* ---- running the rules on threads --------------------------------------------------- */

/* Rules are independent: each has its own Lua state, and the evidence is
 * shared read-only (trees are never written once built).  Threads take the next rule from a counter; results are
 * sorted afterwards, so the order they finish in does not show. */
typedef struct run_pool {
    vg_policy *p;
    json_t **decls; /* per rule: the declaration of this run, NULL when disabled */
    const size_t *order; /* the rules in the order they are taken */
    const evidence_view *view;
    const json_t *doc_ids;
    int last;       /* close each rule's state after its call */
    json_t *results;
    pthread_mutex_t lock; /* next, rc, message, results */
    size_t next;
    int rc;
    char message[sizeof ((vg_ctx *)0)->message];
} run_pool;

static void *run_worker(void *arg)
{
    run_pool *pool = arg;
    json_t *mine = json_array();
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = mine ? VG_OK : vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t next = pool->next++;
        int stop = pool->rc != VG_OK || rc != VG_OK || next >= pool->p->nrules;
        pthread_mutex_unlock(&pool->lock);
        if (stop)
            break;
        size_t i = pool->order[next];
        if (pool->decls[i])
            rc = run_rule(&ctx, &pool->p->rules[i], pool->decls[i], pool->view, pool->doc_ids, pool->last, mine);
    }
    /* each result's fingerprint, here on the worker's thread */
    size_t k;
    json_t *r;
    json_array_foreach(mine, k, r) {
        char fp[VG_SHA256_HEX_LEN + 1];
        if (rc || (rc = fingerprint(&ctx, json_string_value(json_object_get(r, "rule")),
                                    json_string_value(json_object_get(r, "resource")), fp)))
            break;
        if (json_object_set_new(r, "fingerprint", json_string(fp)))
            rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_lock(&pool->lock);
    if (rc == VG_OK && json_array_extend(pool->results, mine))
        rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    if (rc != VG_OK && pool->rc == VG_OK) {
        pool->rc = rc;
        snprintf(pool->message, sizeof pool->message, "%s", ctx.message);
    }
    pthread_mutex_unlock(&pool->lock);
    json_decref(mine);
    vg_ctx_free(&ctx);
    return NULL;
}

static int run_rules(vg_ctx *ctx, run_pool *pool, unsigned jobs)
{
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n < 1 ? 1 : n > VG_POLICY_MAX_JOBS ? VG_POLICY_MAX_JOBS : (unsigned)n;
    }
    if (jobs > pool->p->nrules)
        jobs = pool->p->nrules ? (unsigned)pool->p->nrules : 1;
    pthread_t threads[VG_POLICY_MAX_JOBS];
    unsigned started = 0;
    /* The calling thread is one of the workers. */
    while (started + 1 < jobs && pthread_create(&threads[started], NULL, run_worker, pool) == 0)
        started++;
    run_worker(pool);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    return pool->rc == VG_OK ? VG_OK : vg_error(ctx, pool->rc, "%s", pool->message);
}

/* ---- waivers ------------------------------------------------------------------- */

/* 00:00 UTC of the date "YYYY-MM-DD", in seconds, or -1. */
static int64_t date_start(const char *s)
{
    int64_t micros;
    const char *why;
    if (!s || strlen(s) != 10 || policy_time_parse(s, 10, &micros, &why) != 0 || micros < 0)
        return -1;
    return micros / 1000000;
}

int vg_policy_parse_time(const char *s, int64_t *out)
{
    int64_t micros;
    const char *why;
    if (!s || policy_time_parse(s, strlen(s), &micros, &why) != 0)
        return -1;
    /* Whole seconds, rounded down (a time before 1970 too). */
    *out = micros / 1000000 - (micros % 1000000 < 0);
    return 0;
}

/* Checks every waiver before anything runs: a waiver without an expiry,
 * an owner or a justification is refused, never read as "for ever". */
static int check_waivers(vg_ctx *ctx, const json_t *waivers, const char *file)
{
    if (!json_is_array(waivers))
        return vg_error(ctx, VG_ERR_USAGE, "%s: waivers must be a list (under the key \"waivers\")", file);
    if (json_array_size(waivers) > ENGINE_MAX_WAIVERS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d waivers", file, ENGINE_MAX_WAIVERS);
    size_t i;
    json_t *w;
    json_array_foreach(waivers, i, w) {
        if (!json_is_object(w))
            return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu is not a mapping", file, i + 1);
        static const char *const required[] = {"rule", "justification", "owner", "approver", "expires"};
        for (size_t k = 0; k < sizeof required / sizeof *required; k++) {
            json_t *v = json_object_get(w, required[k]);
            if (!json_is_string(v) || !*json_string_value(v))
                return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu has no %s (every waiver needs rule, "
                                "justification, owner, approver and expires)", file, i + 1, required[k]);
        }
        const char *key = policy_unknown_member(w, WAIVER_MEMBERS);
        json_t *v;
        if (key)
            return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu: unknown member %s (known: %s)", file, i + 1, key,
                            WAIVER_MEMBERS);
        json_object_foreach(w, key, v) {
            if (!json_is_string(v))
                return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu: %s must be a string", file, i + 1, key);
        }
        const char *glob = json_string_value(json_object_get(w, "resource")), *why;
        if (glob && policy_glob_check(glob, strlen(glob), &why) != 0)
            return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu: resource \"%s\" is not a glob: %s", file, i + 1, glob,
                            why);
        if (date_start(json_string_value(json_object_get(w, "expires"))) < 0)
            return vg_error(ctx, VG_ERR_USAGE, "%s: waiver %zu: expires \"%s\" is not a date YYYY-MM-DD", file, i + 1,
                            json_string_value(json_object_get(w, "expires")));
    }
    return VG_OK;
}

/* Applies the first matching waiver in effect to a fail or skip result;
 * when only expired ones match, the result says so.  used[] counts. */
static int apply_waivers(json_t *result, const json_t *waivers, int64_t now, size_t *used)
{
    const char *status = json_string_value(json_object_get(result, "status"));
    if (!waivers || (strcmp(status, "fail") && strcmp(status, "skip")))
        return 0;
    const char *rule = json_string_value(json_object_get(result, "rule"));
    const char *resource = json_string_value(json_object_get(result, "resource"));
    json_t *expired = NULL;
    size_t i;
    json_t *w;
    json_array_foreach(waivers, i, w) {
        const char *glob = json_string_value(json_object_get(w, "resource"));
        if (strcmp(json_string_value(json_object_get(w, "rule")), rule) != 0 ||
            policy_glob_match(glob ? glob : "*", resource) != 1)
            continue;
        if (now < date_start(json_string_value(json_object_get(w, "expires")))) {
            used[i]++;
            return json_object_set(result, "waiver", w);
        }
        if (!expired)
            expired = w;
    }
    return expired ? json_object_set(result, "waiver_expired", expired) : 0;
}


/* ---- baseline ------------------------------------------------------------------ */

static int check_baseline(vg_ctx *ctx, const json_t *baseline, const char *file)
{
    json_t *version = json_object_get(baseline, "vigil-policy-results");
    if (!json_is_object(baseline) || !json_is_integer(version))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a vigil policy results document (vigil policy eval -o json)",
                        file);
    if (json_integer_value(version) != VG_POLICY_RESULTS_VERSION)
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: results document version %lld; this vigil reads version %d",
                        file, (long long)json_integer_value(version), VG_POLICY_RESULTS_VERSION);
    json_t *results = json_object_get(baseline, "results");
    size_t i;
    json_t *r;
    if (!json_is_array(results))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the document has no list \"results\"", file);
    json_array_foreach(results, i, r) {
        if (!json_is_string(json_object_get(r, "fingerprint")) || !json_is_string(json_object_get(r, "status")))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu has no fingerprint or status", file, i + 1);
    }
    return VG_OK;
}

/* Whether member key of a and b is the same: both absent, or equal
 * (json_equal() says two absent values differ). */
static int same_member(const json_t *a, const json_t *b, const char *key)
{
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    return (!x && !y) || json_equal((json_t *)x, (json_t *)y);
}

/* Marks each result new, unchanged or updated against the baseline and
 * returns the baseline's results that are gone, marked absent: only those
 * of rules that ran this time (a rule left out of this run says nothing
 * about its resources). */
static int compare_baseline(vg_ctx *ctx, json_t *results, const json_t *rules, const json_t *baseline,
                            json_t **absent)
{
    json_t *old = json_object(), *gone = json_array();
    if (!old || !gone) {
        json_decref(old);
        json_decref(gone);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    size_t i;
    json_t *r;
    int failed = 0;
    json_array_foreach(json_object_get(baseline, "results"), i, r)
        failed |= json_object_set(old, json_string_value(json_object_get(r, "fingerprint")), r);
    json_array_foreach(results, i, r) {
        json_t *was = json_object_get(old, json_string_value(json_object_get(r, "fingerprint")));
        const char *state = "new";
        if (was) {
            int same = same_member(was, r, "status") && same_member(was, r, "message") &&
                       same_member(was, r, "reason") && !json_object_get(was, "waiver") == !json_object_get(r, "waiver");
            state = same ? "unchanged" : "updated";
            if (json_object_set_new(was, "seen", json_true()))
                failed = 1;
        }
        failed |= json_object_set_new(r, "baseline", json_string(state));
    }
    const char *key;
    json_t *was;
    json_array_foreach(json_object_get(baseline, "results"), i, was) {
        json_t *mark = json_object_get(old, json_string_value(json_object_get(was, "fingerprint")));
        if (json_object_get(mark, "seen"))
            continue;
        size_t k;
        json_t *decl;
        int ran = 0;
        json_array_foreach(rules, k, decl) ran |= json_equal(json_object_get(decl, "id"), json_object_get(was, "rule")) &&
                                                 !json_is_false(json_object_get(decl, "enabled"));
        if (!ran)
            continue;
        json_t *copy = json_deep_copy(was);
        failed |= !copy || json_object_set_new(copy, "baseline", json_string("absent")) ||
                  json_array_append_new(gone, copy);
    }
    /* The "seen" marks went into the caller's baseline: take them out. */
    json_object_foreach(old, key, was) json_object_del(was, "seen");
    json_decref(old);
    if (failed) {
        json_decref(gone);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    *absent = gone;
    return VG_OK;
}

/* ---- the run ------------------------------------------------------------------- */

/* The requirement row of id in by_id/list, made when missing. */
static json_t *requirement_row(json_t *by_id, json_t *list, const char *id)
{
    json_t *entry = json_object_get(by_id, id);
    if (entry)
        return entry;
    entry = json_pack("{sss[]sIs[]s[]}", "id", id, "rules", "results", (json_int_t)0, "manual", "manual_expired");
    if (!entry || json_object_set_new(by_id, id, entry) || json_array_append(list, entry))
        return NULL;
    return entry;
}

/* Per requirement cited by the rules that ran or by a manual attestation:
 * fail when a result of one of its rules failed and is not waived; else
 * pass when a manual attestation in effect covers it; else not_checked
 * when one of its results was skipped or erred (unwaived) or it has none;
 * else pass. */
static json_t *requirements_rollup(const json_t *rules, const json_t *results, const json_t *manual)
{
    json_t *by_id = json_object(), *list = json_array();
    size_t i, j;
    json_t *decl, *req, *entry;
    json_array_foreach(rules, i, decl) {
        if (json_is_false(json_object_get(decl, "enabled")))
            continue;
        json_array_foreach(json_object_get(decl, "requirements"), j, req) {
            if (!(entry = requirement_row(by_id, list, json_string_value(req))) ||
                json_array_append(json_object_get(entry, "rules"), json_object_get(decl, "id")))
                goto fail;
        }
    }
    json_array_foreach(manual, i, decl) {
        const char *bucket = json_is_true(json_object_get(decl, "in_effect")) ? "manual" : "manual_expired";
        json_array_foreach(json_object_get(decl, "requirements"), j, req) {
            if (!json_is_string(req) || !(entry = requirement_row(by_id, list, json_string_value(req))) ||
                json_array_append(json_object_get(entry, bucket), json_object_get(decl, "id")))
                goto fail;
        }
    }
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *status = json_string_value(json_object_get(r, "status"));
        int waived = json_object_get(r, "waiver") != NULL;
        int level = waived || !strcmp(status, "pass") || !strcmp(status, "not_applicable") ? 1
                    : !strcmp(status, "fail")                                              ? 3
                                                                                           : 2;
        json_array_foreach(json_object_get(r, "requirements"), j, req) {
            if (!(entry = json_object_get(by_id, json_string_value(req))))
                continue;
            json_int_t worst = json_integer_value(json_object_get(entry, "results"));
            if (level > worst && json_object_set_new(entry, "results", json_integer(level)))
                goto fail;
        }
    }
    static const char *const names[] = {"not_checked", "pass", "not_checked", "fail"};
    json_array_foreach(list, i, req) {
        json_int_t worst = json_integer_value(json_object_get(req, "results"));
        const char *status = worst < 3 && json_array_size(json_object_get(req, "manual")) ? "pass" : names[worst];
        if (json_object_set_new(req, "status", json_string(status)))
            goto fail;
        json_object_del(req, "results");
    }
    json_decref(by_id);
    return list;
fail:
    json_decref(by_id);
    json_decref(list);
    return NULL;
}

/* The NIS2 Art. 21 point of a nis2 entry: itself at the depth of the
 * lettered points, else its ancestor there. */
static const vg_control *nis2_point(const vg_control *c)
{
    while (c && c->depth > 1)
        c = c->parent;
    return c;
}

/* Adds to each requirement row its framework, ref and title, and the NIS2
 * Art. 21 points it serves (itself or its ancestor for NIS2 entries, the
 * points an annex entry implements; none for the CRA); returns the
 * document's "catalogue": version, path and the points named, with their
 * ref and title, for outputs grouped by point. */
static json_t *describe_requirements(const vg_catalogue *cat, json_t *reqs)
{
    json_t *points = json_object(), *out = json_pack("{ssss}", "version", vg_catalogue_version(cat), "path",
                                                     vg_catalogue_path(cat));
    int failed = !points || !out;
    size_t i;
    json_t *row;
    json_array_foreach(reqs, i, row) {
        const vg_control *c = vg_catalogue_find(cat, json_string_value(json_object_get(row, "id")));
        json_t *served = json_array();
        failed |= !served;
        if (c) {
            failed |= json_object_set_new(row, "framework", json_string(c->framework)) ||
                      json_object_set_new(row, "ref", json_string(c->ref)) ||
                      json_object_set_new(row, "title", json_string(c->title));
            const vg_control *one = strcmp(c->framework, "nis2") == 0 ? nis2_point(c) : NULL;
            for (size_t k = 0; served && k < (one ? 1 : c->nnis2); k++) {
                const vg_control *pt = one ? one : c->nis2[k];
                failed |= json_array_append_new(served, json_string(pt->id)) ||
                          (!json_object_get(points, pt->id) &&
                           json_object_set_new(points, pt->id, json_pack("{ssss}", "ref", pt->ref, "title", pt->title)));
            }
        }
        failed |= json_object_set_new(row, "nis2", served);
    }
    failed |= json_object_set_new(out, "points", points);
    if (failed) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The manual attestations among the documents (kind "manual": a verified
 * in-toto Statement of VG_POLICY_MANUAL_PREDICATE), each with whether it
 * is in effect: signature verified, well formed, not expired (it ends at
 * 00:00 UTC of its expiry date, as a waiver does). */
static json_t *manual_attestations(const vg_policy_evidence *ev, const vg_catalogue *cat, int64_t now)
{
    json_t *list = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(ev ? (json_t *)vg_policy_evidence_documents(ev) : NULL, i, d) {
        if (!list)
            break;
        const char *kind = json_string_value(json_object_get(d, "kind"));
        if (!kind || strcmp(kind, VG_POLICY_MANUAL_KIND) != 0)
            continue;
        json_t *data = vg_jval_to_json(vg_policy_evidence_data(ev, i));
        if (!data) {
            json_decref(list);
            return NULL;
        }
        json_t *pred = json_object_get(data, "predicate");
        json_t *reqs = json_object_get(pred, "requirements");
        const char *type = json_string_value(json_object_get(data, "predicateType"));
        const char *expires = json_string_value(json_object_get(pred, "expires"));
        const char *statement = json_string_value(json_object_get(pred, "statement"));
        int64_t end = date_start(expires);
        size_t k;
        json_t *req;
        int unknown = 0;
        json_array_foreach(reqs, k, req) unknown |= !json_is_string(req) || !vg_catalogue_find(cat, json_string_value(req));
        const char *problem = !type || strcmp(type, VG_POLICY_MANUAL_PREDICATE) != 0
                                  ? "not a manual attestation (predicateType " VG_POLICY_MANUAL_PREDICATE ")"
                              : !json_is_array(reqs) || !json_array_size(reqs) ? "it names no requirements"
                              : unknown ? "it names a requirement that is not in the control catalogue"
                              : !statement                                    ? "it has no statement"
                              : end < 0                                       ? "its expiry is not a date YYYY-MM-DD"
                              : !json_is_true(json_object_get(d, "verified"))
                                  ? "its signature was not verified (give the signer's key with --key)"
                              : now >= end ? "it has expired"
                                           : NULL;
        json_t *entry = json_pack("{sOsOsbsb}", "id", json_object_get(d, "id"), "sha256", json_object_get(d, "sha256"),
                                  "in_effect", problem == NULL, "expired", end >= 0 && now >= end);
        if (entry && json_is_array(reqs))
            json_object_set(entry, "requirements", reqs);
        static const char *const copied[] = {"statement", "expires", "attestedBy", "attestedAt", "files"};
        for (k = 0; entry && k < sizeof copied / sizeof *copied; k++)
            if (json_object_get(pred, copied[k]))
                json_object_set(entry, copied[k], json_object_get(pred, copied[k]));
        if (entry && problem)
            json_object_set_new(entry, "problem", json_string(problem));
        json_decref(data);
        if (!entry || json_array_append_new(list, entry)) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* The order rules are taken in by the threads: those with the most
 * evidence to read first (in bytes of their kinds' files, a measure of
 * their work), so that no thread is left with a long rule when the others
 * are done; ties in pack order.  NULL when out of memory. */
typedef struct rule_weight {
    uint64_t bytes;
    size_t index;
} rule_weight;

static int cmp_weight(const void *a, const void *b)
{
    const rule_weight *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static size_t *rule_order(const vg_policy *p, json_t *const *decls, const evidence_view *view)
{
    rule_weight *w = calloc(p->nrules + 1, sizeof *w);
    size_t *order = calloc(p->nrules + 1, sizeof *order);
    if (!w || !order) {
        free(w);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < p->nrules; i++) {
        w[i].index = i;
        size_t j;
        json_t *k;
        json_array_foreach(decls[i] ? json_object_get(decls[i], "evidence") : NULL, j, k) {
            for (size_t m = 0; m < view->nkinds; m++)
                if (strcmp(view->kinds[m], json_string_value(k)) == 0)
                    w[i].bytes += view->bytes[m];
        }
    }
    qsort(w, p->nrules, sizeof *w, cmp_weight);
    for (size_t i = 0; i < p->nrules; i++)
        order[i] = w[i].index;
    free(w);
    return order;
}

/* The view of the documents of ev (NULL: none) for the rules, and the
 * set of their ids. */
static int make_view(vg_ctx *ctx, const vg_policy_evidence *ev, const json_t *run, evidence_view *v, json_t *doc_ids)
{
    const json_t *documents = ev ? vg_policy_evidence_documents(ev) : NULL;
    size_t n = json_array_size(documents), i;
    vg_jval *docs = vg_arena_calloc(&v->arena, n + 1, sizeof *docs);
    size_t *kind_of = calloc(n + 1, sizeof *kind_of), *filled = NULL;
    v->kinds = vg_arena_calloc(&v->arena, n + 1, sizeof *v->kinds);
    v->bytes = vg_arena_calloc(&v->arena, n + 1, sizeof *v->bytes);
    int rc = docs && kind_of && v->kinds && v->bytes ? vg_jval_from_json(ctx, &v->arena, run, &v->run)
                                         : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_t *d;
    json_array_foreach((json_t *)documents, i, d) {
        const char *kind = json_string_value(json_object_get(d, "kind"));
        const char *id = json_string_value(json_object_get(d, "id"));
        if (rc)
            break;
        if (!kind || !id) {
            rc = vg_error(ctx, VG_ERR_USAGE, "vg_policy_evaluate: document %zu has no kind or id", i + 1);
            break;
        }
        /* the document object: what the list says of it, then "data" */
        vg_jval meta;
        if ((rc = vg_jval_from_json(ctx, &v->arena, d, &meta)))
            break;
        vg_jmember *members = vg_arena_calloc(&v->arena, meta.n + 1, sizeof *members);
        if (!members) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(members, meta.u.members, meta.n * sizeof *members);
        members[meta.n] = (vg_jmember){"data", 4, 0, *vg_policy_evidence_data(ev, i)};
        if ((rc = vg_jval_object(ctx, &v->arena, members, meta.n + 1, &docs[i], NULL)))
            break;
        size_t k = 0;
        while (k < v->nkinds && strcmp(v->kinds[k], kind) != 0)
            k++;
        if (k == v->nkinds)
            v->kinds[v->nkinds++] = kind;
        kind_of[i] = k;
        v->bytes[k] += (uint64_t)json_integer_value(json_object_get(d, "size"));
        if (json_object_set(doc_ids, id, json_true()))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    /* each kind's documents side by side, in load order */
    v->lists = rc ? NULL : vg_arena_calloc(&v->arena, v->nkinds + 1, sizeof *v->lists);
    filled = rc ? NULL : calloc(v->nkinds + 1, sizeof *filled);
    if (rc == VG_OK && (!v->lists || !filled))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (i = 0; rc == VG_OK && i < n; i++)
        v->lists[kind_of[i]].n++;
    for (size_t k = 0; rc == VG_OK && k < v->nkinds; k++) {
        v->lists[k].type = VG_JARRAY;
        if (!(v->lists[k].u.items = vg_arena_calloc(&v->arena, v->lists[k].n, sizeof(vg_jval))))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (i = 0; rc == VG_OK && i < n; i++)
        ((vg_jval *)v->lists[kind_of[i]].u.items)[filled[kind_of[i]]++] = docs[i];
    free(kind_of);
    free(filled);
    return rc;
}

int vg_policy_evaluate(vg_ctx *ctx, vg_policy *p, const vg_policy_evidence *ev, const vg_policy_run_options *o,
                       json_t **out)
{
    *out = NULL;
    char now[32];
    if (fmt_timestamp(o->now, now))
        return vg_error(ctx, VG_ERR_USAGE, "the run's time is out of range");
    if (p->closed)
        return vg_error(ctx, VG_ERR_USAGE, "vg_policy_evaluate: the rules were closed by a last run");
    p->closed = o->last;
    int rc = vg_policy_configure(ctx, p, o->config);
    if (rc == VG_OK && o->waivers)
        rc = check_waivers(ctx, o->waivers, o->waivers_path ? o->waivers_path : "waivers");
    if (rc == VG_OK && o->baseline)
        rc = check_baseline(ctx, o->baseline, o->baseline_path ? o->baseline_path : "baseline");
    if (rc)
        return rc;

    json_t *doc_ids = json_object(), *evidence = json_deep_copy(ev ? vg_policy_evidence_documents(ev) : NULL),
           *results = json_array(), *rules = json_array(), *run = json_pack("{ss}", "now", now), *doc = NULL,
           *absent = NULL;
    if (!evidence && !ev)
        evidence = json_array();
    evidence_view view = {.nkinds = 0};
    vg_arena_init(&view.arena);
    size_t *used = calloc(json_array_size(o->waivers) + 1, sizeof *used);
    size_t i;
    json_t *d;
    if (!doc_ids || !evidence || !results || !rules || !run || !used)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    else
        rc = make_view(ctx, ev, run, &view, doc_ids);
    const json_t *config_rules = json_object_get(o->config, "rules");
    json_t **decls = calloc(p->nrules + 1, sizeof *decls);
    if (!decls && rc == VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (i = 0; rc == VG_OK && i < p->nrules; i++) {
        engine_rule *r = &p->rules[i];
        const json_t *own = json_object_get(config_rules, json_string_value(json_object_get(r->decl, "id")));
        json_t *enabled = json_object_get(own, "enabled"), *severity = json_object_get(own, "severity");
        json_t *decl = json_copy(r->decl), *params = NULL;
        /* the parameters this run gives the rule: its defaults as configured */
        if ((rc = rule_params(ctx, r, o->config, &params)) != VG_OK) {
            json_decref(decl);
            break;
        }
        if (!decl)
            json_decref(params);
        if (!decl || json_object_set_new(decl, "params", params) ||
            json_object_set_new(decl, "enabled", json_boolean(!json_is_false(enabled))) ||
            (severity && json_object_set(decl, "severity", severity)) || json_array_append_new(rules, decl)) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        if (!json_is_false(enabled))
            decls[i] = decl;
    }
    size_t *order = rc == VG_OK ? rule_order(p, decls, &view) : NULL;
    if (rc == VG_OK && !order)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        run_pool pool = {p, decls, order, &view, doc_ids, o->last, results, PTHREAD_MUTEX_INITIALIZER, 0, VG_OK, ""};
        rc = run_rules(ctx, &pool, o->jobs);
    }
    free(decls);
    free(order);
    if (rc == VG_OK && sort_results(results))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_t *r;
    json_int_t counts[5] = {0}, waived = 0;
    json_array_foreach(results, i, r) {
        if (rc)
            break;
        if (apply_waivers(r, o->waivers, o->now, used)) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        counts[status_index(json_string_value(json_object_get(r, "status")))]++;
        waived += json_object_get(r, "waiver") != NULL;
    }
    if (rc == VG_OK && o->baseline)
        rc = compare_baseline(ctx, results, rules, o->baseline, &absent);
    json_t *waivers = json_array();
    json_array_foreach((json_t *)o->waivers, i, d) {
        json_t *w = json_copy(d);
        int64_t expires = date_start(json_string_value(json_object_get(d, "expires")));
        if (!waivers || !w || json_object_set_new(w, "used", json_integer((json_int_t)used[i])) ||
            json_object_set_new(w, "expired", json_boolean(o->now >= expires)) || json_array_append_new(waivers, w)) {
            rc = rc ? rc : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
    }
    json_t *manual = rc == VG_OK && (rc = engine_catalogue(ctx, p)) == VG_OK
                         ? manual_attestations(ev, p->catalogue, o->now)
                         : NULL;
    json_t *reqs = manual ? requirements_rollup(rules, results, manual) : NULL;
    if (rc == VG_OK && !reqs)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_t *catalogue = NULL;
    if (rc == VG_OK && !(catalogue = describe_requirements(p->catalogue, reqs)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        json_t *inputs = json_object();
        if (inputs && o->config_path)
            json_object_set_new(inputs, "config", json_string(o->config_path));
        if (inputs && o->waivers_path)
            json_object_set_new(inputs, "waivers", json_string(o->waivers_path));
        if (inputs && o->baseline_path)
            json_object_set_new(inputs, "baseline", json_string(o->baseline_path));
        doc = json_pack("{sIs{ssss}sssOsOsO*sOsOsOsOso*s{sIsIsIsIsIsI}}", "vigil-policy-results",
                        (json_int_t)VG_POLICY_RESULTS_VERSION, "tool", "name", "vigil", "version",
                        o->tool_version ? o->tool_version : "", "time", now, "inputs", inputs, "packs", p->packs,
                        "parameters", o->config ? json_object_get(o->config, "parameters") : NULL, "evidence",
                        evidence, "rules", rules, "results", results, "waivers", waivers, "absent", absent,
                        "summary", "pass", counts[0], "fail", counts[1], "not_applicable", counts[2], "skip",
                        counts[3], "error", counts[4], "waived", waived);
        absent = NULL; /* o* took it */
        json_decref(inputs);
        int failed = !doc || json_object_set_new(doc, "requirements", reqs) ||
                     json_object_set_new(doc, "catalogue", catalogue) ||
                     json_object_set(doc, "manual", manual) ||
                     (!json_object_get(doc, "parameters") && json_object_set_new(doc, "parameters", json_object()));
        reqs = catalogue = NULL; /* json_object_set_new took them */
        if (failed) {
            json_decref(doc);
            doc = NULL;
        }
        if (!doc)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(reqs);
    json_decref(catalogue);
    json_decref(manual);
    json_decref(absent);
    vg_arena_free(&view.arena);
    json_decref(doc_ids);
    json_decref(evidence);
    json_decref(results);
    json_decref(rules);
    json_decref(run);
    json_decref(waivers);
    free(used);
    *out = doc;
    return rc;
}
