/*
 * host_repos.c — package repositories and whether their packages are
 * verified, from the configuration of the package managers:
 *  - APT one-line sources (sources.list(5): "deb [OPTIONS] URI SUITE
 *    [COMPONENT...]") and deb822 .sources stanzas (Types, URIs, Suites,
 *    Components, Signed-By, Trusted, Enabled); a repository is signed
 *    unless trusted=yes or allow-insecure=yes; signedBy names the key the
 *    repository is bound to ("inline" for a key block in the stanza);
 *  - yum/dnf .repo files (INI: [id], baseurl, mirrorlist, metalink,
 *    enabled, gpgcheck, repo_gpgcheck, gpgkey), gpgcheck defaulting to
 *    [main] of dnf.conf/yum.conf;
 *  - apk's /etc/apk/repositories (one URL a line, "@TAG URL" for tagged
 *    ones), signed when /etc/apk/keys holds a key (apk verifies every
 *    index against them; only --allow-untrusted on a command line skips
 *    that, which no file shows);
 *  - apt.conf(5) assignments (for APT::Periodic and unattended-upgrades):
 *    "A::B "v";" and nested "A { B "v"; };" scopes, "//", C-style and "#"
 *    comments, "#clear" and "#include" skipped.
 * Leaves out: apt's other option names (arch=, lang=, ...: kept out of
 * the document), yum variables ($releasever) left unexpanded, zypper.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"

static json_t *repo_new(const char *type, const char *format, const char *file, size_t line, int *bad)
{
    json_t *r = json_object();
    if (!r) {
        *bad = 1;
        return NULL;
    }
    host_set_str(r, "type", type, bad);
    host_set_str(r, "format", format, bad);
    host_set_str(r, "file", file, bad);
    fmt_set(r, "line", json_integer((json_int_t)line), bad);
    return r;
}

/* The string member key of o, or "". */
static const char *member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void add_repo(json_t *repos, json_t *r, int *bad)
{
    if (!r)
        return;
    if (json_array_size(repos) < HOST_MAX_ITEMS)
        fmt_append(repos, r, bad);
    else
        json_decref(r);
}

static int truthy(const char *v)
{
    return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "1") == 0 ||
           strcasecmp(v, "on") == 0;
}

/* The apt fields every apt repository has, from what was read. */
static void apt_finish(json_t *r, const char *signed_by, int trusted, int insecure, int enabled, int *bad)
{
    fmt_set(r, "signedBy", signed_by ? fmt_str(signed_by) : json_null(), bad);
    fmt_set(r, "trusted", json_boolean(trusted), bad);
    fmt_set(r, "allowInsecure", json_boolean(insecure), bad);
    fmt_set(r, "enabled", json_boolean(enabled), bad);
    fmt_set(r, "signed", json_boolean(!trusted && !insecure), bad);
}

void host_repos_apt_list(const char *file, const char *text, size_t len, json_t *repos, int *bad, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it)) {
        char *s = it.line;
        s[strcspn(s, "#")] = '\0';
        char *type = host_word(&s);
        if (!type || (strcmp(type, "deb") != 0 && strcmp(type, "deb-src") != 0))
            continue;
        char *signed_by = NULL;
        int trusted = 0, insecure = 0;
        s += strspn(s, " \t");
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close)
                continue;
            *close = '\0';
            char *opts = s + 1;
            s = close + 1;
            for (char *o; (o = host_word(&opts));) {
                char *eq = strchr(o, '=');
                if (!eq)
                    continue;
                *eq = '\0';
                char *key = o, *value = eq + 1;
                size_t klen = strlen(key); /* "key+=" and "key-=" change lists */
                if (klen && (key[klen - 1] == '+' || key[klen - 1] == '-'))
                    key[klen - 1] = '\0';
                if (strcmp(key, "signed-by") == 0)
                    signed_by = value;
                else if (strcmp(key, "trusted") == 0)
                    trusted = truthy(value);
                else if (strcmp(key, "allow-insecure") == 0)
                    insecure = truthy(value);
            }
        }
        char *uri = host_word(&s), *suite = uri ? host_word(&s) : NULL;
        if (!suite)
            continue;
        json_t *r = repo_new("apt", "one-line", file, it.lineno, bad);
        if (!r)
            return;
        fmt_set(r, "types", json_array(), bad);
        host_append_str(json_object_get(r, "types"), type, bad);
        fmt_set(r, "uris", json_array(), bad);
        host_append_str(json_object_get(r, "uris"), uri, bad);
        fmt_set(r, "suites", json_array(), bad);
        host_append_str(json_object_get(r, "suites"), suite, bad);
        json_t *components = json_array();
        for (char *c; (c = host_word(&s));)
            host_append_str(components, c, bad);
        fmt_set(r, "components", components, bad);
        apt_finish(r, signed_by, trusted, insecure, 1, bad);
        add_repo(repos, r, bad);
    }
    *truncated |= it.truncated;
}

/* One deb822 stanza's fields, folded (continuation lines joined by a
 * space; a Signed-By key block is only flagged). */
typedef struct stanza {
    size_t line;
    size_t index; /* of the stanzas that name a repository, from 1 (apt's "file:N") */
    json_t *fields; /* lower-case name -> value */
} stanza;

static void deb822_flush(const char *file, stanza *st, json_t *repos, int *bad)
{
    json_t *f = st->fields;
    const char *types = json_string_value(json_object_get(f, "types"));
    if (types && json_object_get(f, "uris")) {
        json_t *r = repo_new("apt", "deb822", file, st->line, bad);
        if (!r)
            return;
        fmt_set(r, "stanza", json_integer((json_int_t)++st->index), bad);
        static const char *const lists[] = {"types", "uris", "suites", "components"};
        for (size_t i = 0; i < 4; i++) {
            json_t *a = json_array();
            char tmp[HOST_MAX_LINE + 1];
            snprintf(tmp, sizeof tmp, "%s", member(f, lists[i]));
            char *s = tmp;
            for (char *w; (w = host_word(&s));)
                host_append_str(a, w, bad);
            fmt_set(r, lists[i], a, bad);
        }
        const char *signed_by = json_string_value(json_object_get(f, "signed-by"));
        const char *trusted = json_string_value(json_object_get(f, "trusted"));
        const char *insecure = json_string_value(json_object_get(f, "allow-insecure"));
        const char *enabled = json_string_value(json_object_get(f, "enabled"));
        apt_finish(r, signed_by, trusted && truthy(trusted), insecure && truthy(insecure),
                   !enabled || truthy(enabled), bad);
        add_repo(repos, r, bad);
    }
    json_object_clear(f);
}

void host_repos_apt_deb822(const char *file, const char *text, size_t len, json_t *repos, int *bad, int *truncated)
{
    stanza st = {.line = 0, .index = 0, .fields = json_object()};
    if (!st.fields) {
        *bad = 1;
        return;
    }
    host_lines it;
    host_lines_init(&it, text, len);
    char last[64] = "";
    while (host_lines_next(&it)) {
        char *s = it.line;
        if (*s == '#')
            continue;
        if (!*host_trim(s)) {
            deb822_flush(file, &st, repos, bad);
            last[0] = '\0';
            continue;
        }
        if (*s == ' ' || *s == '\t') { /* continuation of the last field */
            json_t *v = json_object_get(st.fields, last);
            if (!v || strcmp(last, "signed-by") == 0)
                continue;
            char joined[HOST_MAX_LINE + 1];
            snprintf(joined, sizeof joined, "%s %s", json_string_value(v), host_trim(s));
            host_set_str(st.fields, last, joined, bad);
            continue;
        }
        char *colon = strchr(s, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *name = host_trim(s), *value = host_trim(colon + 1);
        if (!json_object_size(st.fields))
            st.line = it.lineno;
        size_t n = 0;
        for (; name[n] && n < sizeof last - 1; n++)
            last[n] = (char)tolower((unsigned char)name[n]);
        last[n] = '\0';
        if (strcmp(last, "signed-by") == 0 && (!*value || strncmp(value, "-----BEGIN", 10) == 0))
            value = "inline";
        host_set_str(st.fields, last, value, bad);
    }
    deb822_flush(file, &st, repos, bad);
    json_decref(st.fields);
    *truncated |= it.truncated;
}

/* An INI file's "key=value" in section: calls fn for each. */
typedef void (*ini_fn)(void *arg, const char *section, size_t section_line, const char *key, const char *value,
                       int *bad);

static void parse_ini(const char *text, size_t len, ini_fn fn, void *arg, int *bad, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    char section[256] = "";
    size_t section_line = 0;
    char key[256] = "";
    while (host_lines_next(&it)) {
        char *s = it.line;
        int continued = (*s == ' ' || *s == '\t') && *key;
        s = host_trim(s);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (close)
                *close = '\0';
            snprintf(section, sizeof section, "%s", host_trim(s + 1));
            section_line = it.lineno;
            key[0] = '\0';
            fn(arg, section, section_line, NULL, NULL, bad);
            continue;
        }
        if (continued) { /* another value of a list (baseurl) */
            fn(arg, section, section_line, key, s, bad);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        snprintf(key, sizeof key, "%s", host_trim(s));
        fn(arg, section, section_line, key, host_trim(eq + 1), bad);
    }
    *truncated |= it.truncated;
}

typedef struct yum_state {
    const char *file;
    int gpgcheck;
    json_t *repos, *cur;
} yum_state;

static void yum_finish(yum_state *y, int *bad)
{
    if (!y->cur)
        return;
    json_t *r = y->cur;
    y->cur = NULL;
    if (strcmp(member(r, "id"), "main") == 0) {
        json_decref(r);
        return;
    }
    json_t *g = json_object_get(r, "gpgcheck");
    if (!g)
        fmt_set(r, "gpgcheck", json_boolean(y->gpgcheck > 0), bad);
    if (!json_object_get(r, "enabled"))
        fmt_set(r, "enabled", json_true(), bad);
    if (!json_object_get(r, "repoGpgcheck"))
        fmt_set(r, "repoGpgcheck", json_false(), bad);
    fmt_set(r, "gpgkey", json_boolean(json_object_get(r, "gpgkey") != NULL), bad);
    fmt_set(r, "signed", json_incref(json_object_get(r, "gpgcheck")), bad);
    add_repo(y->repos, r, bad);
}

static void yum_line(void *arg, const char *section, size_t section_line, const char *key, const char *value,
                     int *bad)
{
    yum_state *y = arg;
    if (!key) {
        yum_finish(y, bad);
        y->cur = repo_new("yum", "repo", y->file, section_line, bad);
        if (y->cur) {
            host_set_str(y->cur, "id", section, bad);
            fmt_set(y->cur, "uris", json_array(), bad);
        }
        return;
    }
    if (!y->cur)
        return;
    if (strcmp(key, "baseurl") == 0 || strcmp(key, "mirrorlist") == 0 || strcmp(key, "metalink") == 0) {
        char tmp[HOST_MAX_LINE + 1];
        snprintf(tmp, sizeof tmp, "%s", value);
        char *s = tmp;
        for (char *w; (w = host_word(&s));) /* baseurl lists: blanks or commas */
            for (char *u = strtok(w, ","); u; u = strtok(NULL, ","))
                host_append_str(json_object_get(y->cur, "uris"), u, bad);
    } else if (strcmp(key, "name") == 0) {
        host_set_str(y->cur, "name", value, bad);
    } else if (strcmp(key, "enabled") == 0 || strcmp(key, "gpgcheck") == 0 || strcmp(key, "repo_gpgcheck") == 0) {
        const char *name = strcmp(key, "repo_gpgcheck") == 0 ? "repoGpgcheck" : key;
        fmt_set(y->cur, name, json_boolean(truthy(value)), bad);
    } else if (strcmp(key, "gpgkey") == 0 && *value) {
        fmt_set(y->cur, "gpgkey", json_true(), bad);
    }
}

void host_repos_yum(const char *file, const char *text, size_t len, int gpgcheck, json_t *repos, int *bad,
                    int *truncated)
{
    yum_state y = {.file = file, .gpgcheck = gpgcheck, .repos = repos, .cur = NULL};
    parse_ini(text, len, yum_line, &y, bad, truncated);
    yum_finish(&y, bad);
}

static void main_line(void *arg, const char *section, size_t section_line, const char *key, const char *value,
                      int *bad)
{
    (void)section_line;
    (void)bad;
    if (key && strcmp(section, "main") == 0 && strcmp(key, "gpgcheck") == 0)
        *(int *)arg = truthy(value);
}

int host_repos_yum_main_gpgcheck(const char *text, size_t len)
{
    int gpgcheck = -1, bad = 0, truncated = 0;
    parse_ini(text, len, main_line, &gpgcheck, &bad, &truncated);
    return gpgcheck;
}

void host_repos_apk(const char *file, const char *text, size_t len, int keys, json_t *repos, int *bad,
                    int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it)) {
        char *s = host_trim(it.line);
        if (!*s || *s == '#')
            continue;
        char *first = host_word(&s), *tag = NULL, *uri = first;
        if (*first == '@') {
            tag = first + 1;
            uri = host_word(&s);
            if (!uri)
                continue;
        }
        json_t *r = repo_new("apk", "repositories", file, it.lineno, bad);
        if (!r)
            return;
        fmt_set(r, "uris", json_array(), bad);
        host_append_str(json_object_get(r, "uris"), uri, bad);
        fmt_set(r, "tag", tag ? fmt_str(tag) : json_null(), bad);
        fmt_set(r, "signed", json_boolean(keys > 0), bad);
        add_repo(repos, r, bad);
    }
    *truncated |= it.truncated;
}

/* ---- apt.conf ---- */

typedef struct aptconf {
    const char *p, *end;
} aptconf;

/* Skips blanks and comments. */
static void apt_skip(aptconf *a)
{
    while (a->p < a->end) {
        if (isspace((unsigned char)*a->p)) {
            a->p++;
        } else if (*a->p == '#' || (*a->p == '/' && a->p + 1 < a->end && a->p[1] == '/')) {
            while (a->p < a->end && *a->p != '\n')
                a->p++;
        } else if (*a->p == '/' && a->p + 1 < a->end && a->p[1] == '*') {
            const char *close = NULL;
            for (const char *q = a->p + 2; q + 1 < a->end; q++)
                if (q[0] == '*' && q[1] == '/') {
                    close = q;
                    break;
                }
            a->p = close ? close + 2 : a->end;
        } else {
            return;
        }
    }
}

/* The next token: a quoted string (without its quotes), a bare word, or
 * one of { } ;.  Returns its kind ('"', 'w', '{', '}', ';') or 0 at the
 * end; the text goes to tok (cut at size - 1). */
static int apt_token(aptconf *a, char *tok, size_t size)
{
    apt_skip(a);
    if (a->p >= a->end)
        return 0;
    char c = *a->p;
    if (c == '{' || c == '}' || c == ';') {
        a->p++;
        return c;
    }
    size_t n = 0;
    if (c == '"') {
        a->p++;
        while (a->p < a->end && *a->p != '"') {
            if (n + 1 < size)
                tok[n++] = *a->p;
            a->p++;
        }
        if (a->p < a->end)
            a->p++;
        tok[n] = '\0';
        return '"';
    }
    const char *start = a->p;
    while (a->p < a->end && *a->p && !isspace((unsigned char)*a->p) && !strchr("{};\"", *a->p)) {
        if (n + 1 < size)
            tok[n++] = *a->p;
        a->p++;
    }
    if (a->p == start) /* a NUL byte: no token, skipped */
        a->p++;
    tok[n] = '\0';
    return 'w';
}

void host_aptconf_parse(const char *text, size_t len, json_t *values, int *bad, int *truncated)
{
    (void)truncated;
    aptconf a = {.p = text ? text : "", .end = (text ? text : "") + (text ? len : 0)};
    char scope[HOST_MAX_LINE + 1] = "";
    size_t marks[HOST_MAX_DEPTH * 4];
    size_t depth = 0, steps = 0;
    char word[HOST_MAX_LINE + 1], value[HOST_MAX_LINE + 1];
    int kind;
    while ((kind = apt_token(&a, word, sizeof word)) && steps++ < 10 * HOST_MAX_ITEMS) {
        if (kind == '}') {
            if (depth)
                scope[marks[--depth]] = '\0';
            continue;
        }
        if (kind != 'w')
            continue;
        if (word[0] == '#') /* #clear, #include: a directive to its ';' */
            continue;
        int next = apt_token(&a, value, sizeof value);
        char key[2 * HOST_MAX_LINE + 8];
        snprintf(key, sizeof key, "%s%s%s", scope, *scope ? "::" : "", word);
        if (next == '"') {
            for (char *k = key; *k; k++)
                *k = (char)tolower((unsigned char)*k);
            host_set_str(values, key, value, bad);
        } else if (next == '{') {
            size_t klen = strlen(key);
            if (depth < sizeof marks / sizeof marks[0] && klen < sizeof scope) {
                marks[depth++] = strlen(scope);
                memcpy(scope, key, klen + 1);
            } else {
                return; /* nested too deep: stop */
            }
        }
    }
}
