/*
 * identity_import.c — identity provider exports read into the accounts of
 * a `vigil collect identity` document (docs/collect.md "identity" says the
 * input shape of each and the API calls that make it):
 *   Okta        Management API v1: User (GET /api/v1/users), UserFactor
 *               (GET /api/v1/users/{id}/factors), RoleAssignedUser
 *               (GET /api/v1/iam/assignees/users) — okta-management-openapi-spec;
 *   Entra       Microsoft Graph v1.0 userRegistrationDetails
 *               (GET /reports/authenticationMethods/userRegistrationDetails)
 *               and conditionalAccessPolicy (GET /identity/conditionalAccess/policies);
 *   Google      Admin SDK Directory API v1 User (users.list, discovery admin:directory_v1);
 *   GitHub      REST API 2022-11-28 organization-full (GET /orgs/{org}) and
 *               simple-user (GET /orgs/{org}/members, ?role=admin, ?filter=2fa_disabled).
 * Only the members the model needs are read: factor profiles (phone
 * numbers, e-mail addresses), credentials, activation secrets and the rest
 * are never copied.  Bounded by IDENTITY_MAX_* (identity_internal.h) and
 * VG_JSON_MAX_DEPTH.  Leaves out: Okta sign-on policies (no "mfa_enforced"
 * for Okta), Entra group and role membership (a policy scoped to groups or
 * roles leaves "mfa_enforced" unknown), Google's 2SV enforcement by
 * organisational unit beyond isEnforcedIn2Sv.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "identity_internal.h"
#include "securitytxt_internal.h" /* sectxt_rfc3339: RFC 3339 date-times */
#include "vigil/json.h"

typedef struct import {
    vg_ctx *ctx;
    const char *name;
    json_t *accounts; /* this export's, appended to the document's at the end */
    size_t before;    /* accounts of the document before this export */
} import;

__attribute__((format(printf, 3, 4))) static int bad(import *im, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vg_error(im->ctx, code, "%s: %s", im->name, msg);
}

/* The string member key of o: *out NULL when absent or null; an error
 * when of another type or longer than IDENTITY_MAX_STRING. */
static int opt_string(import *im, const json_t *o, const char *key, const char *where, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return VG_OK;
    if (!json_is_string(v))
        return bad(im, VG_ERR_FORMAT, "%s: \"%s\" must be a string", where, key);
    if (json_string_length(v) > IDENTITY_MAX_STRING)
        return bad(im, VG_ERR_LIMIT, "%s: \"%s\" is longer than %d bytes", where, key, IDENTITY_MAX_STRING);
    *out = json_string_value(v);
    return VG_OK;
}

/* The boolean member key of o as true, false or null (absent). */
static int opt_bool(import *im, const json_t *o, const char *key, const char *where, json_t **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        *out = json_null();
        return VG_OK;
    }
    if (!json_is_boolean(v))
        return bad(im, VG_ERR_FORMAT, "%s: \"%s\" must be true or false", where, key);
    *out = json_boolean(json_is_true(v));
    return VG_OK;
}

/* An RFC 3339 time as "YYYY-MM-DDTHH:MM:SSZ" (UTC, to the second); null
 * for NULL and for the Unix epoch (Google's "never signed in"). */
static int utc_time(import *im, const char *text, const char *where, json_t **out)
{
    int64_t t;
    *out = json_null();
    if (!text)
        return VG_OK;
    if (sectxt_rfc3339(text, strlen(text), &t) != 0)
        return bad(im, VG_ERR_FORMAT, "%s: \"%s\" is not an RFC 3339 date-time", where, text);
    if (t == 0)
        return VG_OK;
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[80]; /* what %d of six ints can take, for -Wformat-truncation */
    if (!gmtime_r(&tt, &tm))
        return bad(im, VG_ERR_FORMAT, "%s: \"%s\" is out of range", where, text);
    /* the year has four digits in RFC 3339, and so in the document (0985, not 985) */
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    *out = json_string(buf);
    return *out ? VG_OK : vg_error(im->ctx, VG_ERR_NOMEM, "collect identity: out of memory");
}

/* The items of an export that is one response object with its items in
 * member, or a JSON array of such responses (the pages of a paginated
 * list); each item goes to fn. */
typedef int (*item_fn)(import *im, const json_t *item, const char *where, void *arg);

static int each_item(import *im, const json_t *root, const char *member, const char *what, item_fn fn, void *arg)
{
    size_t npages = 1;
    int paged = json_is_array(root);
    if (paged)
        npages = json_array_size(root);
    else if (!json_is_object(root))
        return bad(im, VG_ERR_FORMAT, "not a JSON object with \"%s\" (%s), nor an array of such pages", member, what);
    for (size_t p = 0; p < npages; p++) {
        const json_t *page = paged ? json_array_get(root, p) : root;
        const json_t *items = json_object_get(page, member);
        if (!json_is_object(page) || !json_is_array(items))
            return paged ? bad(im, VG_ERR_FORMAT, "page %zu: not an object with an array \"%s\" (%s)", p, member, what)
                         : bad(im, VG_ERR_FORMAT, "\"%s\" must be an array (%s)", member, what);
        for (size_t i = 0; i < json_array_size(items); i++) {
            char where[96];
            if (paged)
                snprintf(where, sizeof where, "page %zu: %s[%zu]", p, member, i);
            else
                snprintf(where, sizeof where, "%s[%zu]", member, i);
            const json_t *item = json_array_get(items, i);
            if (!json_is_object(item))
                return bad(im, VG_ERR_FORMAT, "%s: not an object", where);
            int rc = fn(im, item, where, arg);
            if (rc != VG_OK)
                return rc;
        }
    }
    return VG_OK;
}

/* A new account of provider with its id; the other members null. */
static int account_new(import *im, const char *provider, const char *id, const char *where, json_t **out)
{
    *out = NULL;
    if (!id[0])
        return bad(im, VG_ERR_FORMAT, "%s: an empty id", where);
    if (im->before + json_array_size(im->accounts) >= IDENTITY_MAX_ACCOUNTS)
        return bad(im, VG_ERR_LIMIT, "more than %d accounts in all", IDENTITY_MAX_ACCOUNTS);
    json_t *a = json_pack("{s:s, s:s, s:n, s:n, s:n, s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n}", "provider",
                          provider, "id", id, "login", "email", "display_name", "status", "unknown", "provider_status",
                          "enabled", "admin", "mfa_registered", "mfa_methods", "mfa_enforced", "last_sign_in",
                          "leaving_date");
    if (!a || json_array_append_new(im->accounts, a) != 0)
        return vg_error(im->ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    *out = a;
    return VG_OK;
}

static void set_str(json_t *a, const char *key, const char *v)
{
    json_object_set_new(a, key, v ? json_string(v) : json_null());
}

/* A member that is an array of objects with a string "id" (or "login"),
 * as a set (object) of those strings; NULL in *out when absent. */
static int id_set(import *im, const json_t *root, const char *member, const char *key, json_t **out)
{
    const json_t *v = json_object_get(root, member);
    *out = NULL;
    if (!v)
        return VG_OK;
    if (!json_is_array(v))
        return bad(im, VG_ERR_FORMAT, "\"%s\" must be an array", member);
    json_t *set = json_object();
    if (!set)
        return vg_error(im->ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *o = json_array_get(v, i);
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", member, i);
        const char *id;
        int rc = json_is_object(o) ? opt_string(im, o, key, where, &id)
                                   : bad(im, VG_ERR_FORMAT, "%s: not an object", where);
        if (rc == VG_OK && !id)
            rc = bad(im, VG_ERR_FORMAT, "%s: no \"%s\"", where, key);
        if (rc != VG_OK) {
            json_decref(set);
            return rc;
        }
        json_object_set_new(set, id, json_true());
    }
    *out = set;
    return VG_OK;
}

/* --- Okta ------------------------------------------------------------------ */

typedef struct okta_arg {
    const json_t *factors; /* {"USERID": [UserFactor]} or NULL */
    json_t *admins;        /* set of user ids, or NULL: not exported */
} okta_arg;

static const char *okta_status(const char *s, int *enabled)
{
    *enabled = 1;
    if (!s)
        return "unknown";
    if (strcmp(s, "SUSPENDED") == 0)
        return *enabled = 0, "suspended";
    if (strcmp(s, "DEPROVISIONED") == 0)
        return *enabled = 0, "deprovisioned";
    if (strcmp(s, "STAGED") == 0 || strcmp(s, "PROVISIONED") == 0)
        return "pending";
    return "active"; /* ACTIVE, RECOVERY, LOCKED_OUT, PASSWORD_EXPIRED: an account that holds access */
}

static int okta_user(import *im, const json_t *u, const char *where, void *arg)
{
    okta_arg *oa = arg;
    const json_t *profile = json_object_get(u, "profile");
    const char *id, *status, *login = NULL, *email = NULL, *first = NULL, *last = NULL, *last_login;
    int rc = opt_string(im, u, "id", where, &id);
    if (rc == VG_OK && !id)
        rc = bad(im, VG_ERR_FORMAT, "%s: no \"id\" string", where);
    if (rc == VG_OK && profile && !json_is_object(profile))
        rc = bad(im, VG_ERR_FORMAT, "%s: \"profile\" must be an object", where);
    if (rc == VG_OK)
        rc = opt_string(im, u, "status", where, &status);
    if (rc == VG_OK)
        rc = opt_string(im, u, "lastLogin", where, &last_login);
    if (rc == VG_OK && profile)
        if ((rc = opt_string(im, profile, "login", where, &login)) == VG_OK &&
            (rc = opt_string(im, profile, "email", where, &email)) == VG_OK &&
            (rc = opt_string(im, profile, "firstName", where, &first)) == VG_OK)
            rc = opt_string(im, profile, "lastName", where, &last);
    json_t *when = NULL;
    if (rc == VG_OK)
        rc = utc_time(im, last_login, where, &when);
    if (rc != VG_OK)
        return rc;
    json_t *a;
    if ((rc = account_new(im, "okta", id, where, &a)) != VG_OK) {
        json_decref(when);
        return rc;
    }
    int enabled;
    char name[2 * IDENTITY_MAX_STRING + 2];
    snprintf(name, sizeof name, "%s%s%s", first ? first : "", first && last ? " " : "", last ? last : "");
    set_str(a, "login", login);
    set_str(a, "email", email);
    set_str(a, "display_name", name[0] ? name : NULL);
    json_object_set_new(a, "status", json_string(okta_status(status, &enabled)));
    set_str(a, "provider_status", status);
    json_object_set_new(a, "enabled", status ? json_boolean(enabled) : json_null());
    json_object_set_new(a, "last_sign_in", when);
    if (oa->admins)
        json_object_set_new(a, "admin", json_boolean(json_object_get(oa->admins, id) != NULL));
    const json_t *factors = oa->factors ? json_object_get(oa->factors, id) : NULL;
    if (factors && !json_is_array(factors))
        return bad(im, VG_ERR_FORMAT, "factors.%s: must be an array (GET /api/v1/users/{id}/factors)", id);
    if (factors) {
        json_t *methods = json_array();
        json_object_set_new(a, "mfa_methods", methods);
        for (size_t i = 0; i < json_array_size(factors); i++) {
            const json_t *f = json_array_get(factors, i);
            char fwhere[64];
            snprintf(fwhere, sizeof fwhere, "factors.%.20s[%zu]", id, i);
            const char *type, *fstatus;
            if (!json_is_object(f))
                return bad(im, VG_ERR_FORMAT, "%s: not an object", fwhere);
            if ((rc = opt_string(im, f, "factorType", fwhere, &type)) != VG_OK ||
                (rc = opt_string(im, f, "status", fwhere, &fstatus)) != VG_OK)
                return rc;
            if (type && fstatus && strcmp(fstatus, "ACTIVE") == 0)
                json_array_append_new(methods, json_string(type));
        }
        json_object_set_new(a, "mfa_registered", json_boolean(json_array_size(methods) > 0));
    }
    return VG_OK;
}

static int import_okta(import *im, const json_t *root, json_t *provider)
{
    if (!json_is_object(root))
        return bad(im, VG_ERR_FORMAT, "not a JSON object with \"users\" (GET /api/v1/users)");
    okta_arg oa = {json_object_get(root, "factors"), NULL};
    if (oa.factors && !json_is_object(oa.factors))
        return bad(im, VG_ERR_FORMAT, "\"factors\" must be an object of user id to factors");
    int rc = id_set(im, root, "admins", "id", &oa.admins);
    if (rc == VG_OK)
        rc = each_item(im, root, "users", "GET /api/v1/users", okta_user, &oa);
    json_decref(oa.admins);
    json_object_set_new(provider, "mfa_enforced", json_null());
    return rc;
}

/* --- Microsoft Entra ------------------------------------------------------- */

typedef struct entra_arg {
    json_t *policies;       /* the document's summary of the MFA policies */
    int all_users;          /* an enabled all-users, all-apps MFA policy */
    int all_users_excludes; /* ... that excludes groups or roles: members unknown */
    json_t *excluded_users; /* set of user ids a policy for all users leaves out */
    int admin_roles;        /* an enabled MFA policy for directory roles */
} entra_arg;

static int has_string(const json_t *array, const char *s)
{
    for (size_t i = 0; i < json_array_size(array); i++)
        if (json_is_string(json_array_get(array, i)) &&
            strcasecmp(json_string_value(json_array_get(array, i)), s) == 0)
            return 1;
    return 0;
}

static int entra_policy(import *im, const json_t *p, const char *where, void *arg)
{
    entra_arg *ea = arg;
    const char *id, *name, *state;
    int rc = opt_string(im, p, "id", where, &id);
    if (rc == VG_OK)
        rc = opt_string(im, p, "displayName", where, &name);
    if (rc == VG_OK)
        rc = opt_string(im, p, "state", where, &state);
    if (rc != VG_OK)
        return rc;
    const json_t *cond = json_object_get(p, "conditions"), *grant = json_object_get(p, "grantControls");
    const json_t *users = json_object_get(cond, "users"), *apps = json_object_get(cond, "applications");
    const json_t *controls = json_object_get(grant, "builtInControls");
    if ((cond && !json_is_object(cond) && !json_is_null(cond)) ||
        (grant && !json_is_object(grant) && !json_is_null(grant)) || (controls && !json_is_array(controls)))
        return bad(im, VG_ERR_FORMAT, "%s: \"conditions\" and \"grantControls\" must be objects", where);
    const json_t *strength = json_object_get(grant, "authenticationStrength");
    int mfa = has_string(controls, "mfa") || json_is_object(strength);
    if (!mfa || !state || strcmp(state, "enabled") != 0)
        return VG_OK; /* disabled, report-only or no MFA grant: enforces nothing */
    int all_apps = has_string(json_object_get(apps, "includeApplications"), "All");
    int all_users = has_string(json_object_get(users, "includeUsers"), "All");
    int roles = json_array_size(json_object_get(users, "includeRoles")) > 0;
    const char *scope = all_users && all_apps ? "all-users" : roles && all_apps ? "roles" : "other";
    json_array_append_new(ea->policies, json_pack("{s:s?, s:s?, s:s}", "id", id, "display_name", name, "scope", scope));
    if (strcmp(scope, "roles") == 0)
        ea->admin_roles = 1;
    if (strcmp(scope, "all-users") != 0)
        return VG_OK;
    ea->all_users = 1;
    const json_t *ex = json_object_get(users, "excludeUsers");
    for (size_t i = 0; i < json_array_size(ex); i++)
        if (json_is_string(json_array_get(ex, i)))
            json_object_set_new(ea->excluded_users, json_string_value(json_array_get(ex, i)), json_true());
    if (json_array_size(json_object_get(users, "excludeGroups")) > 0 ||
        json_array_size(json_object_get(users, "excludeRoles")) > 0)
        ea->all_users_excludes = 1;
    return VG_OK;
}

static int entra_user(import *im, const json_t *u, const char *where, void *arg)
{
    entra_arg *ea = arg;
    const char *id, *upn, *name;
    json_t *admin = NULL, *mfa = NULL;
    int rc = opt_string(im, u, "id", where, &id);
    if (rc == VG_OK && !id)
        rc = bad(im, VG_ERR_FORMAT, "%s: no \"id\" string", where);
    if (rc == VG_OK && (rc = opt_string(im, u, "userPrincipalName", where, &upn)) == VG_OK &&
        (rc = opt_string(im, u, "userDisplayName", where, &name)) == VG_OK &&
        (rc = opt_bool(im, u, "isAdmin", where, &admin)) == VG_OK)
        rc = opt_bool(im, u, "isMfaRegistered", where, &mfa);
    const json_t *methods = json_object_get(u, "methodsRegistered");
    if (rc == VG_OK && methods && !json_is_array(methods))
        rc = bad(im, VG_ERR_FORMAT, "%s: \"methodsRegistered\" must be an array", where);
    json_t *a = NULL;
    if (rc == VG_OK)
        rc = account_new(im, "entra", id, where, &a);
    if (rc != VG_OK) {
        json_decref(admin);
        json_decref(mfa);
        return rc;
    }
    set_str(a, "login", upn);
    set_str(a, "display_name", name);
    json_object_set_new(a, "admin", admin);
    json_object_set_new(a, "mfa_registered", mfa);
    json_t *list = methods ? json_array() : json_null();
    json_object_set_new(a, "mfa_methods", list);
    for (size_t i = 0; i < json_array_size(methods); i++) {
        const json_t *m = json_array_get(methods, i);
        if (json_is_string(m) && json_string_length(m) <= 64)
            json_array_append_new(list, json_string(json_string_value(m)));
    }
    /* Conditional Access: a policy for all users covers everyone it does
     * not exclude by id; excluded groups or roles, or a policy scoped to
     * roles only, leave the account unknown (the export does not say whose). */
    if (ea) {
        json_t *enforced = json_null();
        if (ea->all_users && json_object_get(ea->excluded_users, id))
            enforced = ea->admin_roles && json_is_true(admin) ? json_null() : json_false();
        else if (ea->all_users && !ea->all_users_excludes)
            enforced = json_true();
        else if (!ea->all_users && (!ea->admin_roles || json_is_false(admin)))
            enforced = json_false(); /* a policy for directory roles does not reach a user without one */
        json_object_set_new(a, "mfa_enforced", enforced);
    }
    return VG_OK;
}

static int import_entra(import *im, const json_t *root, const char *ca_name, const json_t *ca, json_t *provider)
{
    entra_arg ea = {json_array(), 0, 0, json_object(), 0};
    if (!ea.policies || !ea.excluded_users) {
        json_decref(ea.policies);
        json_decref(ea.excluded_users);
        return vg_error(im->ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    }
    int rc = VG_OK;
    if (ca) {
        import ci = {im->ctx, ca_name, im->accounts, im->before};
        rc = each_item(&ci, ca, "value", "GET /identity/conditionalAccess/policies", entra_policy, &ea);
    }
    if (rc == VG_OK)
        rc = each_item(im, root, "value", "GET /reports/authenticationMethods/userRegistrationDetails", entra_user,
                       ca ? &ea : NULL);
    json_object_set_new(provider, "mfa_enforced", ca ? json_boolean(ea.all_users) : json_null());
    if (ca) {
        json_object_set_new(provider, "conditional_access", json_pack("{s:s, s:O}", "source", ca_name, "mfa_policies",
                                                                      ea.policies));
    }
    json_decref(ea.policies);
    json_decref(ea.excluded_users);
    return rc;
}

/* GET /users?$select=id,accountEnabled,signInActivity: each user's
 * accountEnabled and latest sign-in, interactive or not, joined by id to
 * the accounts of userRegistrationDetails.  Users the registration details
 * do not list are left out; "0001-01-01T00:00:00Z" is Graph's "never". */
typedef struct entra_users_arg {
    json_t *by_id; /* account id -> account */
    size_t joined;
} entra_users_arg;

static int later_time(import *im, const json_t *activity, const char *key, const char *where, json_t **best)
{
    const char *text;
    json_t *t = NULL;
    int rc = opt_string(im, activity, key, where, &text);
    if (rc == VG_OK && text && strncmp(text, "0001-01-01", 10) != 0)
        rc = utc_time(im, text, where, &t);
    if (rc == VG_OK && json_is_string(t) &&
        (!json_is_string(*best) || strcmp(json_string_value(t), json_string_value(*best)) > 0)) {
        json_decref(*best);
        *best = json_incref(t);
    }
    json_decref(t);
    return rc;
}

static int entra_user_activity(import *im, const json_t *u, const char *where, void *arg)
{
    entra_users_arg *ea = arg;
    const char *id;
    json_t *enabled = NULL, *last = json_null();
    const json_t *activity = json_object_get(u, "signInActivity");
    int rc = opt_string(im, u, "id", where, &id);
    if (rc == VG_OK && !id)
        rc = bad(im, VG_ERR_FORMAT, "%s: no \"id\" string ($select id too)", where);
    if (rc == VG_OK && activity && !json_is_object(activity) && !json_is_null(activity))
        rc = bad(im, VG_ERR_FORMAT, "%s: \"signInActivity\" must be an object", where);
    if (rc == VG_OK)
        rc = opt_bool(im, u, "accountEnabled", where, &enabled);
    if (rc == VG_OK && json_is_object(activity) &&
        (rc = later_time(im, activity, "lastSignInDateTime", where, &last)) == VG_OK)
        rc = later_time(im, activity, "lastNonInteractiveSignInDateTime", where, &last);
    json_t *a = rc == VG_OK ? json_object_get(ea->by_id, id) : NULL;
    if (a) {
        json_object_set(a, "enabled", enabled);
        const char *status = json_is_null(enabled) ? "unknown" : json_is_true(enabled) ? "active" : "suspended";
        json_object_set_new(a, "status", json_string(status));
        json_object_set(a, "last_sign_in", last);
        ea->joined++;
    }
    json_decref(enabled);
    json_decref(last);
    return rc;
}

static int entra_join_users(import *im, const char *name, const json_t *root, json_t *provider)
{
    entra_users_arg ea = {json_object(), 0};
    size_t i;
    json_t *a;
    if (!ea.by_id)
        return vg_error(im->ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    json_array_foreach(im->accounts, i, a) json_object_set(ea.by_id, json_string_value(json_object_get(a, "id")), a);
    import ui = {im->ctx, name, im->accounts, im->before};
    int rc = each_item(&ui, root, "value", "GET /users?$select=id,accountEnabled,signInActivity", entra_user_activity,
                       &ea);
    json_decref(ea.by_id);
    if (rc == VG_OK)
        json_object_set_new(provider, "users",
                            json_pack("{s:s, s:I}", "source", name, "joined", (json_int_t)ea.joined));
    return rc;
}

/* --- Google Workspace ------------------------------------------------------ */

static int google_user(import *im, const json_t *u, const char *where, void *arg)
{
    (void)arg;
    const char *id, *email, *last = NULL;
    json_t *admin = NULL, *enrolled = NULL, *enforced = NULL, *suspended = NULL, *archived = NULL, *when = NULL;
    const json_t *name = json_object_get(u, "name");
    const char *full = NULL;
    int rc = opt_string(im, u, "id", where, &id);
    if (rc == VG_OK && !id)
        rc = bad(im, VG_ERR_FORMAT, "%s: no \"id\" string", where);
    if (rc == VG_OK && name && !json_is_object(name))
        rc = bad(im, VG_ERR_FORMAT, "%s: \"name\" must be an object", where);
    if (rc == VG_OK && (rc = opt_string(im, u, "primaryEmail", where, &email)) == VG_OK &&
        (rc = opt_string(im, name, "fullName", where, &full)) == VG_OK &&
        (rc = opt_string(im, u, "lastLoginTime", where, &last)) == VG_OK &&
        (rc = opt_bool(im, u, "isAdmin", where, &admin)) == VG_OK &&
        (rc = opt_bool(im, u, "isEnrolledIn2Sv", where, &enrolled)) == VG_OK &&
        (rc = opt_bool(im, u, "isEnforcedIn2Sv", where, &enforced)) == VG_OK &&
        (rc = opt_bool(im, u, "suspended", where, &suspended)) == VG_OK &&
        (rc = opt_bool(im, u, "archived", where, &archived)) == VG_OK)
        rc = utc_time(im, last, where, &when);
    json_t *a = NULL;
    if (rc == VG_OK)
        rc = account_new(im, "google", id, where, &a);
    if (rc != VG_OK) {
        json_decref(admin), json_decref(enrolled), json_decref(enforced), json_decref(suspended);
        json_decref(archived), json_decref(when);
        return rc;
    }
    set_str(a, "login", email);
    set_str(a, "email", email);
    set_str(a, "display_name", full);
    int is_suspended = json_is_true(suspended), is_archived = json_is_true(archived);
    int unknown = json_is_null(suspended) && !is_archived;
    const char *status = is_archived ? "archived" : is_suspended ? "suspended" : unknown ? "unknown" : "active";
    json_object_set_new(a, "status", json_string(status));
    json_object_set_new(a, "provider_status", json_null());
    json_object_set_new(a, "enabled", unknown ? json_null() : json_boolean(!is_suspended && !is_archived));
    json_object_set_new(a, "admin", admin);
    json_object_set_new(a, "mfa_registered", enrolled);
    json_object_set_new(a, "mfa_enforced", enforced);
    json_object_set_new(a, "last_sign_in", when);
    json_decref(suspended);
    json_decref(archived);
    return VG_OK;
}

/* --- GitHub ---------------------------------------------------------------- */

typedef struct github_arg {
    json_t *admins, *no2fa; /* sets of logins, or NULL: not exported */
    json_t *enforced;       /* two_factor_requirement_enabled */
} github_arg;

static int github_member(import *im, const json_t *m, const char *where, void *arg)
{
    github_arg *ga = arg;
    const char *login;
    const json_t *id = json_object_get(m, "id");
    int rc = opt_string(im, m, "login", where, &login);
    if (rc == VG_OK && (!login || !json_is_integer(id)))
        rc = bad(im, VG_ERR_FORMAT, "%s: a simple-user needs \"login\" and an integer \"id\"", where);
    if (rc != VG_OK)
        return rc;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    json_t *a;
    if ((rc = account_new(im, "github", idtext, where, &a)) != VG_OK)
        return rc;
    set_str(a, "login", login);
    json_object_set_new(a, "status", json_string("active"));
    json_object_set_new(a, "enabled", json_true());
    if (ga->admins)
        json_object_set_new(a, "admin", json_boolean(json_object_get(ga->admins, login) != NULL));
    if (ga->no2fa)
        json_object_set_new(a, "mfa_registered", json_boolean(json_object_get(ga->no2fa, login) == NULL));
    json_object_set(a, "mfa_enforced", ga->enforced);
    return VG_OK;
}

static int import_github(import *im, const json_t *root, json_t *provider)
{
    if (!json_is_object(root))
        return bad(im, VG_ERR_FORMAT, "not a JSON object with \"org\" and \"members\"");
    const json_t *org = json_object_get(root, "org");
    const char *login = NULL;
    if (!json_is_object(org))
        return bad(im, VG_ERR_FORMAT, "\"org\" must be the object of GET /orgs/{org}");
    int rc = opt_string(im, org, "login", "org", &login);
    github_arg ga = {NULL, NULL, NULL};
    if (rc == VG_OK)
        rc = opt_bool(im, org, "two_factor_requirement_enabled", "org", &ga.enforced);
    if (rc == VG_OK)
        rc = id_set(im, root, "admins", "login", &ga.admins);
    if (rc == VG_OK)
        rc = id_set(im, root, "members_2fa_disabled", "login", &ga.no2fa);
    if (rc == VG_OK)
        rc = each_item(im, root, "members", "GET /orgs/{org}/members", github_member, &ga);
    set_str(provider, "name", login);
    json_object_set_new(provider, "mfa_enforced", ga.enforced ? json_incref(ga.enforced) : json_null());
    json_decref(ga.admins);
    json_decref(ga.no2fa);
    json_decref(ga.enforced);
    return rc;
}

/* --------------------------------------------------------------------------- */

static const char *const provider_names[] = {"okta", "entra", "google", "github"};

static int parse(vg_ctx *ctx, const identity_input *in, json_t **out)
{
    if (in->len > IDENTITY_MAX_FILE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %u MiB", in->name, IDENTITY_MAX_FILE >> 20);
    return vg_json_parse(ctx, in->name, in->text, in->len, out);
}

int identity_import(vg_ctx *ctx, vg_identity_provider provider, const identity_input *in, const identity_input *ca,
                    const identity_input *users, json_t *providers, json_t *accounts)
{
    json_t *root = NULL, *ca_root = NULL, *users_root = NULL;
    int rc = parse(ctx, in, &root);
    if (rc == VG_OK && ca)
        rc = parse(ctx, ca, &ca_root);
    if (rc == VG_OK && users)
        rc = parse(ctx, users, &users_root);
    import im = {ctx, in->name, json_array(), json_array_size(accounts)};
    json_t *entry = json_pack("{s:s, s:s, s:n}", "provider", provider_names[provider], "source", in->name, "name");
    if (rc == VG_OK && (!im.accounts || !entry))
        rc = vg_error(ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    if (rc == VG_OK) {
        switch (provider) {
        case VG_IDENTITY_OKTA: rc = import_okta(&im, root, entry); break;
        case VG_IDENTITY_ENTRA:
            rc = import_entra(&im, root, ca ? ca->name : NULL, ca_root, entry);
            if (rc == VG_OK && users)
                rc = entra_join_users(&im, users->name, users_root, entry);
            break;
        case VG_IDENTITY_GOOGLE:
            rc = each_item(&im, root, "users", "admin/directory/v1/users", google_user, NULL);
            json_object_set_new(entry, "mfa_enforced", json_null());
            break;
        case VG_IDENTITY_GITHUB: rc = import_github(&im, root, entry); break;
        }
    }
    if (rc == VG_OK) {
        json_object_set_new(entry, "accounts", json_integer((json_int_t)json_array_size(im.accounts)));
        if (json_array_append(providers, entry) != 0 || json_array_extend(accounts, im.accounts) != 0)
            rc = vg_error(ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    }
    json_decref(entry);
    json_decref(im.accounts);
    json_decref(root);
    json_decref(ca_root);
    json_decref(users_root);
    return rc;
}
