/*
 * image_config.c — the configuration of a container image as `vigil collect
 * image` records it (docs/collect.md "image"), from the image config JSON:
 * OCI image spec v1.1 config.md ("config": User, ExposedPorts, Env,
 * Entrypoint, Cmd, WorkingDir, Labels) and Docker's image JSON (the same
 * members, plus Healthcheck: the Docker Engine API's HealthConfig, whose
 * Test ["NONE"] disables a healthcheck and [] inherits one).  The user is
 * resolved to a uid through the image's /etc/passwd (passwd(5)).
 *
 * Environment variables: only the NAMES of those that look like secrets
 * are kept (secret_name); no value is ever copied out of the config.  In
 * Entrypoint and Cmd, a value given to a secret-looking option or
 * variable (--db-password=..., TOKEN=...) is redacted.  Left out: Volumes,
 * StopSignal, ArgsEscaped, OnBuild, Shell, and the history (vigil sbom
 * reports the layers).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image_internal.h"
#include "vigil/collect.h"

/* A name looks like a secret when it holds one of these, whatever the
 * case (DB_PASSWORD, github_token, AWS_SECRET_ACCESS_KEY, API_KEY) ... */
static const char *const secret_parts[] = {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN",
                                           "KEY",      "CREDENTIAL", "AUTH",   "PRIVATE"};
/* ... or one of these as a whole "_"-separated word (DB_PASS, MYSQL_PWD),
 * except the shell's own PWD. */
static const char *const secret_words[] = {"PASS", "PWD"};

static int secret_name(const char *name, size_t len)
{
    if (len == 3 && memcmp(name, "PWD", 3) == 0)
        return 0;
    for (size_t i = 0; i < sizeof secret_parts / sizeof secret_parts[0]; i++) {
        size_t n = strlen(secret_parts[i]);
        for (size_t at = 0; at + n <= len; at++)
            if (strncasecmp(name + at, secret_parts[i], n) == 0)
                return 1;
    }
    for (size_t start = 0; start < len;) {
        size_t end = start;
        while (end < len && name[end] != '_')
            end++;
        for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++)
            if (end - start == strlen(secret_words[i]) && strncasecmp(name + start, secret_words[i], end - start) == 0)
                return 1;
        start = end + 1;
    }
    return 0;
}

static int cmp_json_string(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* The strings of arr sorted, without duplicates, as a new array in *arr
 * (the old one released); -1 when out of memory. */
static int sort_strings(json_t **arr)
{
    json_t *sorted = vg_collect_sorted(*arr, cmp_json_string), *out = json_array();
    size_t i;
    json_t *s;
    int bad = !sorted || !out;
    json_array_foreach(bad ? NULL : sorted, i, s)
        if (!bad && (i == 0 || !json_equal(json_array_get(sorted, i - 1), s)))
            bad = json_array_append(out, s);
    json_decref(sorted);
    json_decref(*arr);
    *arr = out;
    return bad ? -1 : 0;
}

#define REDACTED "<redacted>"

/* word, or what it becomes when it may carry a secret: "--NAME=VALUE" or
 * "NAME=VALUE" with a secret-looking NAME keeps "--NAME=" only, and a word
 * after a flag with a secret-looking name ("--password", "-token") is
 * replaced whole. */
static json_t *command_word(const char *word, const char *previous)
{
    const char *name = word + strspn(word, "-");
    const char *eq = strchr(name, '=');
    if (eq && secret_name(name, (size_t)(eq - name))) {
        size_t keep = (size_t)(eq - word) + 1;
        char *out = malloc(keep + sizeof REDACTED);
        if (!out)
            return NULL;
        memcpy(out, word, keep);
        memcpy(out + keep, REDACTED, sizeof REDACTED);
        json_t *j = json_string(out);
        free(out);
        return j;
    }
    if (previous && previous[0] == '-' && word[0] != '-' && !strchr(previous, '=')) {
        const char *flag = previous + strspn(previous, "-");
        if (secret_name(flag, strlen(flag)))
            return json_string(REDACTED);
    }
    return json_string(word);
}

/* An array of strings (Entrypoint, Cmd) or null, copied with the values
 * that look like secrets redacted (command_word). */
static int string_list(vg_ctx *ctx, const char *name, const char *key, json_t *v, json_t **out)
{
    *out = NULL;
    if (!v || json_is_null(v)) {
        *out = json_null();
        return VG_OK;
    }
    if (!json_is_array(v))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: config.%s is not an array of strings", name, key);
    if (json_array_size(v) > IMAGE_LIST_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: config.%s has more than %d entries", name, key, IMAGE_LIST_MAX);
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s)
        if (!json_is_string(s))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: config.%s[%zu] is not a string", name, key, i);
    *out = json_array();
    const char *previous = NULL;
    json_array_foreach(v, i, s) {
        if (!*out || json_array_append_new(*out, command_word(json_string_value(s), previous)))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        previous = json_string_value(s);
    }
    return VG_OK;
}

/* The keys of an object ({"80/tcp": {}}) or null, sorted. */
static int object_keys(vg_ctx *ctx, const char *name, const char *key, json_t *v, json_t **out)
{
    *out = json_array();
    if (!*out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (!v || json_is_null(v))
        return VG_OK;
    if (!json_is_object(v))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: config.%s is not an object", name, key);
    if (json_object_size(v) > IMAGE_LIST_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: config.%s has more than %d entries", name, key, IMAGE_LIST_MAX);
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
        if (json_array_append_new(*out, json_string(k)))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return sort_strings(out) ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

/* The names of Env ("NAME=VALUE" each) that look like secrets, sorted. */
static int secret_env(vg_ctx *ctx, const char *name, json_t *env, json_t **out)
{
    *out = json_array();
    if (!*out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (!env || json_is_null(env))
        return VG_OK;
    if (!json_is_array(env))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: config.Env is not an array of strings", name);
    if (json_array_size(env) > IMAGE_LIST_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: config.Env has more than %d entries", name, IMAGE_LIST_MAX);
    size_t i;
    json_t *e;
    json_array_foreach(env, i, e) {
        const char *s = json_string_value(e);
        if (!s)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: config.Env[%zu] is not a string", name, i);
        size_t n = strcspn(s, "="); /* the name only: the value is never read */
        if (n && secret_name(s, n) && json_array_append_new(*out, json_stringn(s, n)))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    return sort_strings(out) ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

int image_config_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    if (len > IMAGE_CONFIG_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: the image config is larger than %zu bytes", name, IMAGE_CONFIG_MAX);
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the image config is not valid JSON: %s (line %d)", name, err.text,
                        err.line);
    json_t *c = json_object_get(root, "config");
    json_t *user = json_object_get(c, "User"), *wd = json_object_get(c, "WorkingDir");
    json_t *labels = json_object_get(c, "Labels"), *hc = json_object_get(c, "Healthcheck");
    json_t *ports = NULL, *env = NULL, *entrypoint = NULL, *cmd = NULL, *doc = NULL;
    int rc = VG_OK;
    if (!json_is_object(root))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: the image config is not a JSON object", name);
    else if (c && !json_is_object(c) && !json_is_null(c))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config is not an object", name);
    else if (user && !json_is_string(user))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config.User is not a string", name);
    else if (wd && !json_is_string(wd))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config.WorkingDir is not a string", name);
    else if (labels && !json_is_object(labels) && !json_is_null(labels))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config.Labels is not an object", name);
    else if (json_object_size(labels) > IMAGE_LIST_MAX)
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: config.Labels has more than %d entries", name, IMAGE_LIST_MAX);
    else if (hc && !json_is_object(hc) && !json_is_null(hc))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config.Healthcheck is not an object", name);
    const char *k;
    json_t *v;
    json_object_foreach(json_is_object(labels) ? labels : NULL, k, v)
        if (rc == VG_OK && !json_is_string(v))
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: config.Labels[\"%s\"] is not a string", name, k);
    if (rc == VG_OK)
        rc = object_keys(ctx, name, "ExposedPorts", json_object_get(c, "ExposedPorts"), &ports);
    if (rc == VG_OK)
        rc = secret_env(ctx, name, json_object_get(c, "Env"), &env);
    if (rc == VG_OK)
        rc = string_list(ctx, name, "Entrypoint", json_object_get(c, "Entrypoint"), &entrypoint);
    if (rc == VG_OK)
        rc = string_list(ctx, name, "Cmd", json_object_get(c, "Cmd"), &cmd);
    /* Docker: Test ["NONE"] disables a healthcheck inherited from the base image */
    json_t *test = json_object_get(hc, "Test");
    const char *first = json_string_value(json_array_get(test, 0));
    int healthcheck = json_array_size(test) > 0 && !(first && strcmp(first, "NONE") == 0);
    if (rc == VG_OK) {
        doc = json_pack("{s:s, s:n, s:n, s:O, s:O, s:O, s:s, s:O, s:o, s:b}", "user",
                        user ? json_string_value(user) : "", "uid", "root", "exposed_ports", ports, "entrypoint",
                        entrypoint, "cmd", cmd, "working_dir", wd ? json_string_value(wd) : "", "secret_env", env,
                        "labels", json_is_object(labels) ? json_deep_copy(labels) : json_object(), "healthcheck",
                        healthcheck);
        if (!doc)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(ports);
    json_decref(env);
    json_decref(entrypoint);
    json_decref(cmd);
    json_decref(root);
    *out = doc;
    return rc;
}

/* The uid of name in passwd text ("name:password:uid:..." lines), or -1. */
static long passwd_uid(const char *passwd, size_t len, const char *name, size_t nlen)
{
    for (const char *p = passwd, *end = passwd + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *q = memchr(p + nlen + 1, ':', (size_t)(eol - p - nlen - 1)); /* past the password */
            if (!q)
                return -1;
            long uid = 0;
            int digits = 0;
            for (q++; q < eol && isdigit((unsigned char)*q) && digits < 10; q++, digits++)
                uid = uid * 10 + (*q - '0');
            return digits && q < eol && *q == ':' ? uid : -1;
        }
        p = eol + 1;
    }
    return -1;
}

const char *image_config_resolve_user(json_t *config, const char *passwd, size_t passwd_len)
{
    const char *user = json_string_value(json_object_get(config, "user"));
    size_t n = user ? strcspn(user, ":") : 0;
    long uid = -1;
    const char *why = NULL;
    if (n == 0) {
        uid = 0; /* no user: the runtime's default, root */
    } else if (strspn(user, "0123456789") >= n) {
        if (n > 10)
            why = "the uid is out of range";
        else
            uid = strtol(user, NULL, 10);
    } else if (!passwd) {
        why = strncmp(user, "root", n) == 0 && n == 4 ? NULL : "the image has no /etc/passwd to resolve it";
        uid = why ? -1 : 0;
    } else if ((uid = passwd_uid(passwd, passwd_len, user, n)) < 0) {
        why = "the user is not in the image's /etc/passwd";
    }
    json_object_set_new(config, "uid", uid >= 0 ? json_integer(uid) : json_null());
    json_object_set_new(config, "root", uid >= 0 ? json_boolean(uid == 0) : json_null());
    return why;
}
