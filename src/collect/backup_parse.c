/*
 * backup_parse.c — the inputs of `vigil collect backup` (docs/collect.md,
 * "backup"): the JSON array restic 0.14+ writes for `restic snapshots
 * --json` (each snapshot's "time", "hostname", "paths", "tags", "id",
 * "short_id"; restic's cmd_snapshots.go), the JSON object borg 1.2 writes
 * for `borg list --json REPO` ("repository" {"id", "location"},
 * "encryption" {"mode"}, "archives" [{"name", "start", "time", "id"}];
 * borg's docs, "JSON output", whose times are local time without a zone),
 * and the restore-test log this project defines (one JSON object a
 * line).  Every string, count and size is bounded (backup_internal.h);
 * JSON nesting by vg_json_parse().  Leaves out: `borg info --json`
 * (sizes), restic's snapshot "summary" (0.17+).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backup_internal.h"
#include "securitytxt_internal.h" /* sectxt_rfc3339 */
#include "vigil/json.h"

#define DAY 86400

int backup_state_init(backup_state *st, int64_t now)
{
    st->sources = json_object();
    st->tests = json_object();
    st->now = now;
    if (!st->sources || !st->tests) {
        backup_state_free(st);
        return VG_ERR_NOMEM;
    }
    return VG_OK;
}

void backup_state_free(backup_state *st)
{
    json_decref(st->sources);
    json_decref(st->tests);
    st->sources = st->tests = NULL;
}

int backup_timezone_valid(const char *tz)
{
    if (strcmp(tz, "UTC") == 0 || strcmp(tz, "local") == 0)
        return 0;
    return strlen(tz) == 6 && (tz[0] == '+' || tz[0] == '-') && tz[1] >= '0' && tz[1] <= '2' && tz[2] >= '0' &&
                   tz[2] <= '9' && tz[3] == ':' && tz[4] >= '0' && tz[4] <= '5' && tz[5] >= '0' && tz[5] <= '9' &&
                   (tz[1] - '0') * 10 + (tz[2] - '0') < 24
               ? 0
               : -1;
}

static int has_zone(const char *t, size_t len)
{
    if (len > 19 && (t[len - 1] == 'Z' || t[len - 1] == 'z'))
        return 1;
    return len >= 25 && (t[len - 6] == '+' || t[len - 6] == '-') && t[len - 3] == ':';
}

int backup_time(const char *text, size_t len, const char *tz, int64_t *out)
{
    if (has_zone(text, len))
        return sectxt_rfc3339(text, len, out);
    char utc[64];
    if (len + 2 > sizeof utc)
        return -1;
    memcpy(utc, text, len);
    utc[len] = 'Z';
    int64_t t;
    if (sectxt_rfc3339(utc, len + 1, &t) != 0)
        return -1;
    if (!tz)
        return -2;
    if (strcmp(tz, "local") == 0) {
        /* the wall-clock fields read as the machine's local time */
        struct tm tm;
        time_t tt = (time_t)t;
        if (!gmtime_r(&tt, &tm))
            return -1;
        tm.tm_isdst = -1;
        time_t local = mktime(&tm);
        if (local == (time_t)-1)
            return -1;
        *out = (int64_t)local;
        return 0;
    }
    int offset = 0;
    if (strcmp(tz, "UTC") != 0)
        offset = (tz[0] == '-' ? -1 : 1) * (((tz[1] - '0') * 10 + (tz[2] - '0')) * 3600 +
                                             ((tz[4] - '0') * 10 + (tz[5] - '0')) * 60);
    *out = t - offset;
    return 0;
}

char *backup_location_clean(const char *location, int *removed)
{
    *removed = 0;
    char *out = strdup(location);
    if (!out)
        return NULL;
    /* every URL in it (restic's "rest:https://u:p@host/" holds one after a prefix) */
    for (char *scheme = strstr(out, "://"); scheme; scheme = strstr(scheme + 3, "://")) {
        char *auth = scheme + 3;
        size_t end = strcspn(auth, "/?#");
        char *at = NULL;
        for (size_t i = 0; i < end; i++)
            if (auth[i] == '@')
                at = auth + i;
        char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            memmove(colon, at, strlen(at) + 1);
            *removed = 1;
        }
    }
    return out;
}

static char *fmt_time(int64_t t, char buf[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%lld", (long long)t);
    return buf;
}

/* Whole days from t to now, rounded down. */
static json_int_t age_days(int64_t now, int64_t t)
{
    int64_t d = now - t;
    return (json_int_t)(d >= 0 ? d / DAY : -((-d + DAY - 1) / DAY));
}

/* A string member of at most BACKUP_MAX_STRING bytes in *out (NULL when
 * absent or null and optional): VG_OK, or the error (message in ctx). */
static int member_string(vg_ctx *ctx, const char *name, const char *what, const json_t *obj, const char *key,
                         int required, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if ((!v || json_is_null(v)) && !required)
        return VG_OK;
    if (!json_is_string(v))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"%s\" %s", name, what, key, v ? "is not a string" : "is missing");
    if (json_string_length(v) > BACKUP_MAX_STRING || json_string_length(v) == 0)
        return vg_error(ctx, json_string_length(v) ? VG_ERR_LIMIT : VG_ERR_FORMAT, "%s: %s: \"%s\" is %s", name,
                        what, key, json_string_length(v) ? "longer than 4096 bytes" : "empty");
    *out = json_string_value(v);
    return VG_OK;
}

/* A time member of obj into *out, read in tz when it has no zone (borg:
 * a usage error without tz; restic and the log: a format error); VG_OK or
 * the error, in ctx. */
static int member_time(vg_ctx *ctx, const char *name, const char *what, const json_t *obj, const char *key, int borg,
                       const char *tz, int64_t *out)
{
    const char *s;
    int rc = member_string(ctx, name, what, obj, key, 1, &s);
    if (rc != VG_OK)
        return rc;
    rc = backup_time(s, strlen(s), tz, out);
    if (rc == -2 && !borg)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"%s\" %s has no time zone", name, what, key, s);
    if (rc == -2)
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: %s: \"%s\" %s has no time zone (borg 1.2 writes the local time of the machine that ran "
                        "it): say how to read it with --borg-timezone UTC|+HH:MM|local",
                        name, what, key, s);
    if (rc != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"%s\" %s is not an RFC 3339 date-time", name, what, key, s);
    return VG_OK;
}

static int nomem(vg_ctx *ctx)
{
    return vg_error(ctx, VG_ERR_NOMEM, "collect backup: out of memory");
}

/* Counts one snapshot or archive, taken at t, of the source sname of tool
 * at location (made with host and paths when new). */
static int snapshot_add(vg_ctx *ctx, backup_state *st, const char *fname, const char *tool, const char *location,
                        const char *sname, const char *host, json_t *paths, int64_t t, const char *id,
                        const json_t *tags)
{
    char *key = NULL;
    if (asprintf(&key, "%s\x01%s\x01%s", tool, location ? location : "", sname) < 0)
        return nomem(ctx);
    json_t *s = json_object_get(st->sources, key);
    if (!s && json_object_size(st->sources) >= BACKUP_MAX_SOURCES) {
        free(key);
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d backed-up sources", fname, BACKUP_MAX_SOURCES);
    }
    if (!s) {
        s = json_pack("{s:s, s:s?, s:s, s:s?, s:o, s:i, s:n, s:n, s:n, s:n, s:n, s:n, s:{}}", "tool", tool,
                      "location", location, "name", sname, "host", host, "paths",
                      paths ? json_incref(paths) : json_array(), "snapshots", (json_int_t)0, "latest", "latest_id",
                      "latest_age_days", "oldest", "retention_days", "_latest", "_tags");
        if (!s || json_object_set_new(st->sources, key, s) != 0) {
            free(key);
            return nomem(ctx);
        }
    }
    free(key);
    json_t *latest = json_object_get(s, "_latest"), *oldest = json_object_get(s, "_oldest");
    int fail =
        json_object_set_new(s, "snapshots", json_integer(json_integer_value(json_object_get(s, "snapshots")) + 1));
    if (json_is_null(latest) || t >= json_integer_value(latest))
        fail |= json_object_set_new(s, "_latest", json_integer(t)) |
                json_object_set_new(s, "latest_id", id ? json_string(id) : json_null());
    if (!oldest || t < json_integer_value(oldest))
        fail |= json_object_set_new(s, "_oldest", json_integer(t));
    size_t i;
    json_t *tag;
    json_t *all = json_object_get(s, "_tags");
    json_array_foreach(tags, i, tag) fail |= json_object_set_new(all, json_string_value(tag), json_true());
    return fail ? nomem(ctx) : VG_OK;
}

/* An array member of strings (at most max of them, each a bounded string)
 * in *out, borrowed (NULL when absent or null and optional): VG_OK or the
 * error (ctx). */
static int member_strings(vg_ctx *ctx, const char *name, const char *what, const json_t *obj, const char *key,
                          size_t max, int required, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if ((!v || json_is_null(v)) && !required)
        return VG_OK;
    if (!json_is_array(v) || (required && json_array_size(v) == 0))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"%s\" %s", name, what, key,
                        !v ? "is missing" : json_is_array(v) ? "is empty" : "is not an array");
    if (json_array_size(v) > max)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %s: more than %zu \"%s\"", name, what, max, key);
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item) || json_string_length(item) == 0 || json_string_length(item) > BACKUP_MAX_STRING)
            return vg_error(ctx, json_is_string(item) && json_string_length(item) ? VG_ERR_LIMIT : VG_ERR_FORMAT,
                            "%s: %s: \"%s\" item %zu is not a string of 1 to 4096 bytes", name, what, key, i + 1);
    }
    *out = v;
    return VG_OK;
}

static int parse_json(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    if (len > BACKUP_MAX_FILE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", name, BACKUP_MAX_FILE);
    return vg_json_parse(ctx, name, text, len, out);
}

static int too_many(vg_ctx *ctx, const char *name, const char *what)
{
    return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d %s", name, BACKUP_MAX_ITEMS, what);
}

int backup_parse_restic(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len,
                        const char *location, size_t *count)
{
    json_t *doc = NULL;
    *count = 0;
    int rc = parse_json(ctx, name, text, len, &doc);
    if (rc != VG_OK)
        return rc;
    if (!json_is_array(doc)) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not the output of restic snapshots --json (a JSON array)", name);
    }
    if (json_array_size(doc) > BACKUP_MAX_ITEMS) {
        json_decref(doc);
        return too_many(ctx, name, "snapshots");
    }
    size_t i;
    json_t *snap;
    json_array_foreach(doc, i, snap) {
        char what[48];
        snprintf(what, sizeof what, "snapshot %zu", i + 1);
        const char *host, *id, *short_id;
        const json_t *paths, *tags;
        int64_t t;
        if (!json_is_object(snap)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s is not an object", name, what);
            break;
        }
        if ((rc = member_time(ctx, name, what, snap, "time", 0, NULL, &t)) != VG_OK)
            break;
        if ((rc = member_string(ctx, name, what, snap, "hostname", 1, &host)) != VG_OK ||
            (rc = member_strings(ctx, name, what, snap, "paths", BACKUP_MAX_PATHS, 1, &paths)) != VG_OK ||
            (rc = member_strings(ctx, name, what, snap, "tags", BACKUP_MAX_TAGS, 0, &tags)) != VG_OK ||
            (rc = member_string(ctx, name, what, snap, "id", 0, &id)) != VG_OK ||
            (rc = member_string(ctx, name, what, snap, "short_id", 0, &short_id)) != VG_OK)
            break;
        /* restic groups snapshots by host and paths (sorted: restic sorts them when it takes the snapshot) */
        json_t *sorted = json_deep_copy(paths);
        size_t n = json_array_size(sorted);
        for (size_t a = 1; sorted && a < n; a++)
            for (size_t b = a; b > 0 && strcmp(json_string_value(json_array_get(sorted, b - 1)),
                                               json_string_value(json_array_get(sorted, b))) > 0;
                 b--) {
                json_t *x = json_incref(json_array_get(sorted, b));
                json_array_set(sorted, b, json_array_get(sorted, b - 1));
                json_array_set_new(sorted, b - 1, x);
            }
        /* the source's name: HOST:PATH[,PATH...] */
        char *sname = NULL;
        size_t cap = strlen(host) + 2;
        for (size_t k = 0; k < n; k++)
            cap += json_string_length(json_array_get(sorted, k)) + 1;
        if (sorted && (sname = malloc(cap)) != NULL) {
            size_t at = (size_t)snprintf(sname, cap, "%s:", host);
            for (size_t k = 0; k < n; k++)
                at += (size_t)snprintf(sname + at, cap - at, "%s%s", k ? "," : "",
                                       json_string_value(json_array_get(sorted, k)));
        }
        rc = sname ? snapshot_add(ctx, st, name, "restic", location, sname, host, sorted, t, short_id ? short_id : id,
                                  tags)
                   : nomem(ctx);
        free(sname);
        json_decref(sorted);
        if (rc != VG_OK)
            break;
        (*count)++;
    }
    json_decref(doc);
    return rc;
}

/* borg's archive names end in a time or counter by convention
 * ("{hostname}-{now}"): the prefix is the name without its last '-'
 * separated parts that start with a digit. */
static size_t borg_prefix_len(const char *name)
{
    size_t n = strlen(name);
    for (;;) {
        const char *dash = NULL;
        for (size_t i = 0; i < n; i++)
            if (name[i] == '-')
                dash = name + i;
        if (!dash || dash[1] < '0' || dash[1] > '9')
            return n;
        n = (size_t)(dash - name);
    }
}

int backup_parse_borg(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len,
                      const char *location, const char *tz, json_t **info)
{
    json_t *doc = NULL;
    *info = NULL;
    int rc = parse_json(ctx, name, text, len, &doc);
    if (rc != VG_OK)
        return rc;
    const json_t *archives = json_object_get(doc, "archives"), *repo = json_object_get(doc, "repository");
    const char *own = NULL, *repo_id = NULL, *mode = NULL;
    if (!json_is_object(doc) || !json_is_array(archives) || !json_is_object(repo)) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: not the output of borg list --json (an object with \"repository\" and \"archives\")", name);
    }
    if ((rc = member_string(ctx, name, "repository", repo, "location", 0, &own)) != VG_OK ||
        (rc = member_string(ctx, name, "repository", repo, "id", 0, &repo_id)) != VG_OK ||
        (rc = member_string(ctx, name, "encryption", json_object_get(doc, "encryption"), "mode", 0, &mode)) != VG_OK) {
        json_decref(doc);
        return rc;
    }
    if (json_array_size(archives) > BACKUP_MAX_ITEMS) {
        json_decref(doc);
        return too_many(ctx, name, "archives");
    }
    int removed = 0;
    char *where = location ? strdup(location) : own ? backup_location_clean(own, &removed) : NULL;
    if ((location || own) && !where) {
        json_decref(doc);
        return nomem(ctx);
    }
    size_t i;
    json_t *a;
    json_array_foreach(archives, i, a) {
        char what[48];
        snprintf(what, sizeof what, "archive %zu", i + 1);
        const char *aname, *id;
        int64_t t;
        if (!json_is_object(a)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s is not an object", name, what);
            break;
        }
        if ((rc = member_string(ctx, name, what, a, "name", 1, &aname)) != VG_OK ||
            (rc = member_string(ctx, name, what, a, "id", 0, &id)) != VG_OK)
            break;
        if ((rc = member_time(ctx, name, what, a, json_object_get(a, "start") ? "start" : "time", 1, tz, &t)) != VG_OK)
            break;
        char *prefix = strndup(aname, borg_prefix_len(aname));
        rc = prefix ? snapshot_add(ctx, st, name, "borg", where, prefix, NULL, NULL, t, id ? id : aname, NULL)
                    : nomem(ctx);
        free(prefix);
        if (rc != VG_OK)
            break;
    }
    if (rc == VG_OK) {
        *info = json_pack("{s:s?, s:b, s:s?, s:s?, s:i}", "location", where, "credentials_removed", removed,
                          "repository_id", repo_id, "encryption", mode, "archives", (json_int_t)json_array_size(archives));
        if (!*info)
            rc = nomem(ctx);
    }
    free(where);
    json_decref(doc);
    return rc;
}

/* Records one restore test of the log. */
static int test_add(vg_ctx *ctx, backup_state *st, const char *fname, const char *source, const char *tool, int ok,
                    int64_t t, const json_t *bytes, const char *verified)
{
    json_t *s = json_object_get(st->tests, source);
    if (!s) {
        if (json_object_size(st->tests) >= BACKUP_MAX_SOURCES)
            return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d restore-tested sources", fname, BACKUP_MAX_SOURCES);
        s = json_pack("{s:s, s:n, s:i, s:n, s:n, s:n, s:n, s:n, s:i, s:[]}", "source", source, "tool", "tests",
                      (json_int_t)0, "last_success", "last_success_age_days", "last_success_verified",
                      "last_success_restored_bytes", "last_failure", "failures_since_success", (json_int_t)0,
                      "_failures");
        if (!s || json_object_set_new(st->tests, source, s) != 0)
            return nomem(ctx);
    }
    int fail = json_object_set_new(s, "tests", json_integer(json_integer_value(json_object_get(s, "tests")) + 1));
    if (tool)
        fail |= json_object_set_new(s, "tool", json_string(tool));
    if (!ok) {
        fail |= json_array_append_new(json_object_get(s, "_failures"), json_integer(t));
    } else {
        json_t *last = json_object_get(s, "_success");
        if (!last || t >= json_integer_value(last))
            fail |= json_object_set_new(s, "_success", json_integer(t)) |
                    json_object_set_new(s, "last_success_verified", verified ? json_string(verified) : json_null()) |
                    json_object_set(s, "last_success_restored_bytes", bytes ? (json_t *)bytes : json_null());
    }
    return fail ? nomem(ctx) : VG_OK;
}

/* One line of the log (text[0..len), its number line). */
static int log_line(vg_ctx *ctx, backup_state *st, const char *name, size_t line, const char *text, size_t len)
{
    char where[96];
    snprintf(where, sizeof where, "%s: line %zu", name, line);
    json_t *o = NULL;
    int rc = vg_json_parse(ctx, where, text, len, &o);
    if (rc != VG_OK)
        return rc;
    char what[32];
    snprintf(what, sizeof what, "line %zu", line);
    const char *source, *tool, *result, *verified;
    const json_t *bytes = json_object_get(o, "restored_bytes");
    int64_t t;
    if (!json_is_object(o))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s is not a JSON object", name, what);
    else if ((rc = member_time(ctx, name, what, o, "time", 0, NULL, &t)) != VG_OK)
        ;
    else if ((rc = member_string(ctx, name, what, o, "source", 1, &source)) != VG_OK ||
             (rc = member_string(ctx, name, what, o, "tool", 0, &tool)) != VG_OK ||
             (rc = member_string(ctx, name, what, o, "result", 1, &result)) != VG_OK ||
             (rc = member_string(ctx, name, what, o, "verified", 0, &verified)) != VG_OK)
        ;
    else if (strcmp(result, "success") != 0 && strcmp(result, "failure") != 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"result\" is \"%s\", not \"success\" or \"failure\"", name, what,
                      result);
    else if (bytes && !json_is_null(bytes) && (!json_is_integer(bytes) || json_integer_value(bytes) < 0))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s: \"restored_bytes\" is not a whole number of 0 or more", name, what);
    else
        rc = test_add(ctx, st, name, source, tool, strcmp(result, "success") == 0, t,
                      json_is_null(bytes) ? NULL : bytes, verified);
    json_decref(o);
    return rc;
}

int backup_parse_log(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len, size_t *count)
{
    *count = 0;
    if (len > BACKUP_MAX_FILE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", name, BACKUP_MAX_FILE);
    size_t at = 0, line = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, a = at, e = end;
        line++;
        if (e - a > BACKUP_MAX_LINE)
            return vg_error(ctx, VG_ERR_LIMIT, "%s: line %zu is longer than %d bytes", name, line, BACKUP_MAX_LINE);
        while (a < e && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        if (a < e && text[a] != '#') {
            if (*count >= BACKUP_MAX_ITEMS)
                return too_many(ctx, name, "restore tests");
            int rc = log_line(ctx, st, name, line, text + a, e - a);
            if (rc != VG_OK)
                return rc;
            (*count)++;
        }
        at = end + 1;
    }
    return VG_OK;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The values of obj in the order of their keys, as a new array. */
static json_t *sorted_values(const json_t *obj)
{
    size_t n = json_object_size(obj), k = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    json_t *out = json_array();
    const char *key;
    json_t *v;
    if (!keys || !out) {
        free(keys);
        json_decref(out);
        return NULL;
    }
    json_object_foreach((json_t *)obj, key, v) keys[k++] = key;
    qsort(keys, n, sizeof *keys, by_key);
    for (k = 0; k < n; k++)
        if (json_array_append(out, json_object_get(obj, keys[k])) != 0) {
            json_decref(out);
            out = NULL;
            break;
        }
    free(keys);
    return out;
}

int backup_state_finish(vg_ctx *ctx, backup_state *st, json_t **sources, json_t **tests)
{
    const char *key;
    json_t *s;
    char buf[32];
    int fail = 0;
    json_object_foreach(st->sources, key, s) {
        int64_t latest = json_integer_value(json_object_get(s, "_latest"));
        int64_t oldest = json_integer_value(json_object_get(s, "_oldest"));
        json_t *tags = json_array();
        const char *tag;
        json_t *yes;
        json_object_foreach(json_object_get(s, "_tags"), tag, yes) fail |= json_array_append_new(tags, json_string(tag));
        fail |= !tags || json_object_set_new(s, "latest", json_string(fmt_time(latest, buf))) |
                             json_object_set_new(s, "latest_age_days", json_integer(age_days(st->now, latest))) |
                             json_object_set_new(s, "oldest", json_string(fmt_time(oldest, buf))) |
                             json_object_set_new(s, "retention_days", json_integer((latest - oldest) / DAY)) |
                             json_object_set_new(s, "tags", tags);
        json_object_del(s, "_latest");
        json_object_del(s, "_oldest");
        json_object_del(s, "_tags");
    }
    json_object_foreach(st->tests, key, s) {
        json_t *success = json_object_get(s, "_success");
        int64_t since = success ? json_integer_value(success) : INT64_MIN, last_failure = INT64_MIN;
        json_int_t failures = 0;
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(s, "_failures"), i, f) {
            int64_t t = json_integer_value(f);
            failures += t > since;
            if (t > last_failure)
                last_failure = t;
        }
        fail |= json_object_set_new(s, "failures_since_success", json_integer(failures));
        if (last_failure != INT64_MIN)
            fail |= json_object_set_new(s, "last_failure", json_string(fmt_time(last_failure, buf)));
        if (success)
            fail |= json_object_set_new(s, "last_success", json_string(fmt_time(since, buf))) |
                    json_object_set_new(s, "last_success_age_days", json_integer(age_days(st->now, since)));
        json_object_del(s, "_success");
        json_object_del(s, "_failures");
    }
    *sources = fail ? NULL : sorted_values(st->sources);
    *tests = fail ? NULL : sorted_values(st->tests);
    if (!*sources || !*tests) {
        json_decref(*sources);
        json_decref(*tests);
        *sources = *tests = NULL;
        return nomem(ctx);
    }
    return VG_OK;
}
