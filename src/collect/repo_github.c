/*
 * repo_github.c — the "github" member of a `vigil collect repo --github
 * FILE` document (docs/collect.md "repo"): a repository's settings and
 * its default branch's protection as the GitHub REST API (2022-11-28)
 * returns them, read from one JSON object {"repository": the
 * full-repository of GET /repos/{owner}/{repo}, "protection": the
 * branch-protection of GET /repos/{owner}/{repo}/branches/{branch}/protection
 * or null when GitHub answered 404 "Branch not protected"}
 * (github/rest-api-description, descriptions/api.github.com).  Only the
 * members the document needs are read; users, teams and apps of the
 * restrictions are never copied.  Bounded by REPO_GITHUB_MAX_* and
 * VG_JSON_MAX_DEPTH.  Leaves out: repository rulesets (GET
 * /repos/{owner}/{repo}/rules/branches/{branch}), branches other than the
 * default one, push restrictions.
 */
#include <stdio.h>

#include "repo_internal.h"
#include "vigil/json.h"

typedef struct gh {
    vg_ctx *ctx;
    const char *name;
} gh;

/* An error "FILE: what is wrong" (fmt a literal). */
#define BAD(g, code, fmt, ...) vg_error((g)->ctx, code, "%s: " fmt, (g)->name, ##__VA_ARGS__)

/* The string member key of o, a new json_t: null when absent or null
 * (an error when required), an error when of another type or too long. */
static int string_of(const gh *g, const json_t *o, const char *where, const char *key, int required, json_t **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if ((!v || json_is_null(v)) && !required) {
        *out = json_null();
        return VG_OK;
    }
    if (!json_is_string(v) || (required && json_string_length(v) == 0))
        return BAD(g, VG_ERR_FORMAT, "%s.%s must be a%s string", where, key, required ? " non-empty" : "");
    if (json_string_length(v) > REPO_GITHUB_MAX_STRING)
        return BAD(g, VG_ERR_LIMIT, "%s.%s is longer than %d bytes", where, key, REPO_GITHUB_MAX_STRING);
    *out = json_stringn(json_string_value(v), json_string_length(v));
    return *out ? VG_OK : vg_error(g->ctx, VG_ERR_NOMEM, "collect repo: out of memory");
}

/* The boolean member key of o: null when absent or null. */
static int bool_of(const gh *g, const json_t *o, const char *where, const char *key, json_t **out)
{
    const json_t *v = json_object_get(o, key);
    *out = json_null();
    if (!v || json_is_null(v))
        return VG_OK;
    if (!json_is_boolean(v))
        return BAD(g, VG_ERR_FORMAT, "%s.%s must be true or false", where, key);
    *out = json_boolean(json_is_true(v));
    return VG_OK;
}

/* The object member key of o, or NULL when absent or null. */
static int object_of(const gh *g, const json_t *o, const char *where, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return VG_OK;
    if (!json_is_object(v))
        return BAD(g, VG_ERR_FORMAT, "%s.%s must be an object", where, key);
    *out = v;
    return VG_OK;
}

/* {"enabled": bool} member key of the protection p (required_signatures,
 * enforce_admins, allow_force_pushes, ...): its "enabled", null when absent. */
static int enabled_of(const gh *g, const json_t *p, const char *key, json_t **out)
{
    const json_t *o;
    char where[64];
    *out = json_null();
    int rc = object_of(g, p, "protection", key, &o);
    if (rc != VG_OK || !o)
        return rc;
    snprintf(where, sizeof where, "protection.%s", key);
    return bool_of(g, o, where, "enabled", out);
}

/* security_and_analysis.KEY.status of the repository r: a string or null. */
static int analysis_of(const gh *g, const json_t *r, const char *key, json_t **out)
{
    const json_t *sa, *o = NULL;
    *out = json_null();
    int rc = object_of(g, r, "repository", "security_and_analysis", &sa);
    if (rc == VG_OK && sa)
        rc = object_of(g, sa, "repository.security_and_analysis", key, &o);
    if (rc != VG_OK || !o)
        return rc;
    char where[64];
    snprintf(where, sizeof where, "repository.security_and_analysis.%s", key);
    return string_of(g, o, where, "status", 0, out);
}

/* protection.required_status_checks: null or {"strict", "contexts"}. */
static int status_checks(const gh *g, const json_t *p, json_t *out)
{
    const json_t *sc;
    json_t *strict, *contexts = NULL, *v;
    size_t i;
    int rc = object_of(g, p, "protection", "required_status_checks", &sc);
    if (rc != VG_OK || !sc)
        return rc != VG_OK ? rc : (json_object_set_new(out, "required_status_checks", json_null()), VG_OK);
    if ((rc = bool_of(g, sc, "protection.required_status_checks", "strict", &strict)) != VG_OK)
        return rc;
    const json_t *list = json_object_get(sc, "contexts");
    if (list && !json_is_array(list))
        return BAD(g, VG_ERR_FORMAT, "protection.required_status_checks.contexts must be an array");
    if (json_array_size(list) > REPO_GITHUB_MAX_CONTEXTS)
        return BAD(g, VG_ERR_LIMIT, "protection.required_status_checks.contexts has more than %d entries",
                   REPO_GITHUB_MAX_CONTEXTS);
    if (!(contexts = json_array()))
        return vg_error(g->ctx, VG_ERR_NOMEM, "collect repo: out of memory");
    json_array_foreach (list, i, v) {
        if (!json_is_string(v) || json_string_length(v) > REPO_GITHUB_MAX_STRING) {
            json_decref(contexts);
            return BAD(g, VG_ERR_FORMAT, "protection.required_status_checks.contexts[%zu] must be a string of at most %d"
                       " bytes", i, REPO_GITHUB_MAX_STRING);
        }
        if (json_array_append(contexts, (json_t *)v) != 0) {
            json_decref(contexts);
            return vg_error(g->ctx, VG_ERR_NOMEM, "collect repo: out of memory");
        }
    }
    json_t *m = json_pack("{s:o, s:o}", "strict", strict, "contexts", contexts);
    if (!m || json_object_set_new(out, "required_status_checks", m) != 0)
        return vg_error(g->ctx, VG_ERR_NOMEM, "collect repo: out of memory");
    return VG_OK;
}

/* The branch-protection object p as the document's "protection" member. */
static int protection(const gh *g, const json_t *p, json_t **out)
{
    static const char *const flags[] = {"required_signatures", "enforce_admins", "allow_force_pushes",
                                        "allow_deletions", "required_linear_history"};
    const json_t *rpr;
    json_t *m = json_object(), *v;
    int rc = m ? VG_OK : vg_error(g->ctx, VG_ERR_NOMEM, "collect repo: out of memory");
    if (rc == VG_OK)
        rc = object_of(g, p, "protection", "required_pull_request_reviews", &rpr);
    if (rc == VG_OK && !rpr) {
        json_object_set_new(m, "required_reviews", json_integer(0));
        json_object_set_new(m, "dismiss_stale_reviews", json_false());
        json_object_set_new(m, "require_code_owner_reviews", json_false());
    } else if (rc == VG_OK) {
        const char *w = "protection.required_pull_request_reviews";
        const json_t *n = json_object_get(rpr, "required_approving_review_count");
        if (n && !json_is_null(n) && (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > 100))
            rc = BAD(g, VG_ERR_FORMAT, "%s.required_approving_review_count must be a number from 0 to 100", w);
        else
            json_object_set_new(m, "required_reviews", n && !json_is_null(n) ? json_incref((json_t *)n) : json_null());
        if (rc == VG_OK && (rc = bool_of(g, rpr, w, "dismiss_stale_reviews", &v)) == VG_OK)
            json_object_set_new(m, "dismiss_stale_reviews", v);
        if (rc == VG_OK && (rc = bool_of(g, rpr, w, "require_code_owner_reviews", &v)) == VG_OK)
            json_object_set_new(m, "require_code_owner_reviews", v);
    }
    if (rc == VG_OK)
        rc = status_checks(g, p, m);
    for (size_t i = 0; rc == VG_OK && i < sizeof flags / sizeof flags[0]; i++)
        if ((rc = enabled_of(g, p, flags[i], &v)) == VG_OK)
            json_object_set_new(m, flags[i], v);
    if (rc != VG_OK) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return VG_OK;
}

int repo_github_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out, int *exported)
{
    gh g = {ctx, name};
    json_t *root = NULL, *m = NULL, *v;
    const json_t *r = NULL;
    *out = NULL;
    *exported = 0;
    if (len > REPO_GITHUB_MAX_FILE)
        return BAD(&g, VG_ERR_LIMIT, "larger than %d MiB", REPO_GITHUB_MAX_FILE >> 20);
    int rc = vg_json_parse(ctx, name, text, len, &root);
    if (rc != VG_OK)
        return rc;
    if (!json_is_object(root))
        rc = BAD(&g, VG_ERR_FORMAT, "not a JSON object {\"repository\": ..., \"protection\": ...}");
    else if (!json_is_object(r = json_object_get(root, "repository")))
        rc = BAD(&g, VG_ERR_FORMAT, "\"repository\" must be the object GET /repos/{owner}/{repo} returns");
    else if (!(m = json_object()))
        rc = vg_error(ctx, VG_ERR_NOMEM, "collect repo: out of memory");
    if (rc == VG_OK && (rc = string_of(&g, r, "repository", "full_name", 1, &v)) == VG_OK)
        json_object_set_new(m, "full_name", v);
    if (rc == VG_OK && (rc = string_of(&g, r, "repository", "default_branch", 1, &v)) == VG_OK)
        json_object_set_new(m, "default_branch", v);
    if (rc == VG_OK && (rc = string_of(&g, r, "repository", "visibility", 0, &v)) == VG_OK)
        json_object_set_new(m, "visibility", v);
    if (rc == VG_OK && (rc = bool_of(&g, r, "repository", "private", &v)) == VG_OK)
        json_object_set_new(m, "private", v);
    if (rc == VG_OK && (rc = analysis_of(&g, r, "secret_scanning", &v)) == VG_OK)
        json_object_set_new(m, "secret_scanning", v);
    if (rc == VG_OK && (rc = analysis_of(&g, r, "secret_scanning_push_protection", &v)) == VG_OK)
        json_object_set_new(m, "secret_scanning_push_protection", v);
    const json_t *p = rc == VG_OK ? json_object_get(root, "protection") : NULL;
    if (p && json_is_null(p)) {
        json_object_set_new(m, "protection", json_null());
        *exported = 1;
    } else if (p && !json_is_object(p)) {
        rc = BAD(&g, VG_ERR_FORMAT,
                 "\"protection\" must be the object GET .../branches/{branch}/protection returns, or null");
    } else if (p && json_is_string(json_object_get(p, "message")) && !json_object_get(p, "url")) {
        rc = BAD(&g, VG_ERR_FORMAT, "\"protection\" is GitHub's error answer, not a branch protection");
    } else if (p) {
        if ((rc = protection(&g, p, &v)) == VG_OK) {
            json_object_set_new(m, "protection", v);
            *exported = 1;
        }
    }
    json_decref(root);
    if (rc != VG_OK) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return VG_OK;
}
