/*
 * identity.c — `vigil collect identity` (include/vigil/collect.h,
 * docs/collect.md "identity"): reads the identity provider exports the
 * caller names (identity_import.c) and an HR system's leavers CSV (RFC 4180
 * without quoted fields: header "id,leaving_date", ISO 8601 calendar dates)
 * into one document of accounts, and joins the leavers to their accounts.
 * Nothing is fetched: the exports are files the team already has.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "identity_internal.h"
#include "vigil/buf.h"
#include "vigil/io.h"

static int read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out)
{
    vg_buf_init(out, max);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    int rc = vg_read_all(fd, out);
    int e = errno;
    close(fd);
    if (rc == VG_ERR_LIMIT)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu MiB", path, max >> 20);
    if (rc != VG_OK)
        return vg_error(ctx, rc == VG_ERR_NOMEM ? rc : VG_ERR_IO, "%s: %s", path,
                        rc == VG_ERR_NOMEM ? "out of memory" : strerror(e));
    return VG_OK;
}

/* --- leavers ---------------------------------------------------------------- */

static int date_ok(const char *s, size_t n)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

int identity_leavers_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    if (len > IDENTITY_MAX_CSV)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %u MiB", name, IDENTITY_MAX_CSV >> 20);
    json_t *rows = json_array();
    if (!rows)
        return vg_error(ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    size_t pos = 0, line = 0;
    int rc = VG_OK;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3; /* a UTF-8 byte order mark, as spreadsheet programs write */
    while (rc == VG_OK && pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        line++;
        trim(&s, &n);
        if (n == 0)
            continue;
        const char *comma = memchr(s, ',', n);
        if (!comma || memchr(comma + 1, ',', n - (size_t)(comma + 1 - s)) || memchr(s, '"', n) ||
            memchr(s, '\0', n)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: expected two fields \"id,leaving_date\" (no quotes)", name,
                          line);
            break;
        }
        const char *id = s, *date = comma + 1;
        size_t idn = (size_t)(comma - s), daten = n - idn - 1;
        trim(&id, &idn);
        trim(&date, &daten);
        if (line == 1 && json_array_size(rows) == 0) {
            if (idn != 2 || strncasecmp(id, "id", 2) != 0 || daten != 12 || strncasecmp(date, "leaving_date", 12) != 0)
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line 1: the header must be \"id,leaving_date\"", name);
            continue;
        }
        if (idn == 0 || idn > IDENTITY_MAX_STRING)
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: an id of 1 to %d bytes is needed", name, line,
                          IDENTITY_MAX_STRING);
        else if (!date_ok(date, daten))
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: leaving_date \"%.*s\" is not a date YYYY-MM-DD", name,
                          line,
                          (int)(daten > 40 ? 40 : daten), date);
        else if (json_array_size(rows) >= IDENTITY_MAX_LEAVERS)
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d leavers", name, IDENTITY_MAX_LEAVERS);
        else if (json_array_append_new(rows, json_pack("{s:s%, s:s%}", "id", id, idn, "leaving_date", date, daten)))
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: the id is not UTF-8", name, line);
    }
    if (rc == VG_OK && line == 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: empty: the header \"id,leaving_date\" is missing", name);
    if (rc != VG_OK) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return VG_OK;
}

/* An HR id matches an account's id, login or email exactly, or its login
 * or email ignoring (ASCII) case when it is an e-mail address.  The
 * accounts are indexed by "=VALUE" and "~lowercase value" to positions in
 * accounts, so that joining is linear, not leavers times accounts. */
static void index_key(char *key, size_t size, char kind, const char *v)
{
    size_t n = 0;
    key[n++] = kind;
    for (; *v && n + 1 < size; v++)
        key[n++] = kind == '~' && *v >= 'A' && *v <= 'Z' ? (char)(*v + 32) : *v;
    key[n] = '\0';
}

static int index_add(json_t *index, char kind, const char *v, size_t pos)
{
    char key[IDENTITY_MAX_STRING + 2];
    if (!v)
        return 0;
    index_key(key, sizeof key, kind, v);
    json_t *list = json_object_get(index, key);
    if (!list && json_object_set_new(index, key, list = json_array()) != 0)
        return -1;
    return json_array_append_new(list, json_integer((json_int_t)pos));
}

/* Adds to matched (ascending) the positions of index[kind id] not in it yet. */
static void index_find(const json_t *index, char kind, const char *id, json_t *matched)
{
    char key[IDENTITY_MAX_STRING + 2];
    size_t i, j;
    json_t *p, *q;
    index_key(key, sizeof key, kind, id);
    json_array_foreach(json_object_get(index, key), i, p) {
        json_int_t at = json_integer_value(p);
        json_array_foreach(matched, j, q) if (json_integer_value(q) >= at) break;
        if (!(q = json_array_get(matched, j)) || json_integer_value(q) != at)
            json_array_insert(matched, j, p);
    }
}

json_t *identity_leavers_join(json_t *leavers, json_t *accounts)
{
    json_t *out = json_array(), *index = json_object();
    size_t i, j;
    json_t *l, *a, *p;
    int failed = !out || !index;
    json_array_foreach(accounts, i, a) {
        const char *login = json_string_value(json_object_get(a, "login"));
        const char *email = json_string_value(json_object_get(a, "email"));
        failed |= index_add(index, '=', json_string_value(json_object_get(a, "id")), i) != 0 ||
                  index_add(index, '=', login, i) != 0 || index_add(index, '=', email, i) != 0 ||
                  index_add(index, '~', login, i) != 0 || index_add(index, '~', email, i) != 0;
    }
    json_array_foreach(leavers, i, l) {
        if (failed)
            break;
        const char *id = json_string_value(json_object_get(l, "id"));
        const char *date = json_string_value(json_object_get(l, "leaving_date"));
        json_t *positions = json_array(), *matched = json_array();
        index_find(index, '=', id, positions);
        if (strchr(id, '@'))
            index_find(index, '~', id, positions);
        json_array_foreach(positions, j, p) {
            a = json_array_get(accounts, (size_t)json_integer_value(p));
            const char *had = json_string_value(json_object_get(a, "leaving_date"));
            if (!had || strcmp(date, had) < 0) /* listed twice: the earlier date */
                json_object_set_new(a, "leaving_date", json_string(date));
            json_array_append_new(matched, json_pack("{s:O, s:O}", "provider", json_object_get(a, "provider"), "id",
                                                     json_object_get(a, "id")));
        }
        json_decref(positions);
        failed |= !matched || json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "id", id, "leaving_date", date,
                                                                   "accounts", matched)) != 0;
    }
    json_decref(index);
    if (failed) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* --- the document ------------------------------------------------------------ */

static json_t *summary(const json_t *accounts, const json_t *leavers)
{
    size_t i, admins = 0, unmatched = 0;
    json_t *a;
    json_array_foreach(accounts, i, a) admins += json_is_true(json_object_get(a, "admin"));
    json_array_foreach(leavers, i, a) unmatched += json_array_size(json_object_get(a, "accounts")) == 0;
    return json_pack("{s:I, s:I, s:I, s:I}", "accounts", (json_int_t)json_array_size(accounts), "admins",
                     (json_int_t)admins, "leavers", (json_int_t)json_array_size(leavers), "leavers_unmatched",
                     (json_int_t)unmatched);
}

static const char *const option_names[] = {"okta", "entra", "google", "github-org"};

int vg_collect_identity(vg_ctx *ctx, const vg_collect_identity_options *o, json_t **out)
{
    *out = NULL;
    if (o->nexports < 1 || o->nexports > VG_IDENTITY_MAX_EXPORTS)
        return vg_error(ctx, VG_ERR_USAGE, "collect identity: name 1 to %d exports", VG_IDENTITY_MAX_EXPORTS);
    char target[1024] = "";
    size_t tl = 0;
    for (size_t i = 0; i < o->nexports && tl < sizeof target; i++)
        tl += (size_t)snprintf(target + tl, sizeof target - tl, "%s%s:%s", i ? " " : "",
                               option_names[o->exports[i].provider], o->exports[i].path);
    json_t *doc = vg_collect_document(ctx, "identity", 1, o->collected, target);
    if (!doc)
        return VG_ERR_USAGE; /* the time or the target's name: the message is in ctx */
    json_t *providers = json_array(), *accounts = json_array(), *leavers = json_array();
    int rc = providers && accounts && leavers ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "collect identity: out of memory");
    for (size_t i = 0; rc == VG_OK && i < o->nexports; i++) {
        const vg_identity_export *e = &o->exports[i];
        vg_buf text, ca, users;
        vg_buf_init(&ca, IDENTITY_MAX_FILE);
        vg_buf_init(&users, IDENTITY_MAX_FILE);
        rc = read_file(ctx, e->path, IDENTITY_MAX_FILE, &text);
        if (rc == VG_OK && e->ca_path)
            rc = read_file(ctx, e->ca_path, IDENTITY_MAX_FILE, &ca);
        if (rc == VG_OK && e->users_path)
            rc = read_file(ctx, e->users_path, IDENTITY_MAX_FILE, &users);
        identity_input in = {e->path, text.data ? text.data : "", text.len};
        identity_input cin = {e->ca_path, ca.data ? ca.data : "", ca.len};
        identity_input uin = {e->users_path, users.data ? users.data : "", users.len};
        if (rc == VG_OK)
            rc = identity_import(ctx, e->provider, &in, e->ca_path ? &cin : NULL, e->users_path ? &uin : NULL,
                                 providers, accounts);
        vg_buf_free(&text);
        vg_buf_free(&ca);
        vg_buf_free(&users);
    }
    if (rc == VG_OK && o->leavers_path) {
        vg_buf text;
        json_t *rows = NULL;
        rc = read_file(ctx, o->leavers_path, IDENTITY_MAX_CSV, &text);
        if (rc == VG_OK)
            rc = identity_leavers_parse(ctx, o->leavers_path, text.data ? text.data : "", text.len, &rows);
        vg_buf_free(&text);
        if (rc == VG_OK) {
            json_decref(leavers);
            leavers = identity_leavers_join(rows, accounts);
            json_decref(rows);
            if (!leavers)
                rc = vg_error(ctx, VG_ERR_NOMEM, "collect identity: out of memory");
        }
    }
    if (rc == VG_OK) {
        json_object_set_new(doc, "leavers_source", o->leavers_path ? json_string(o->leavers_path) : json_null());
        json_object_set_new(doc, "summary", summary(accounts, leavers));
        json_object_set(doc, "providers", providers);
        json_object_set(doc, "accounts", accounts);
        json_object_set(doc, "leavers", leavers);
    }
    json_decref(providers);
    json_decref(accounts);
    json_decref(leavers);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
