/*
 * host_sudoers.c — the rules of sudoers(5) files (sudo 1.9): who may run
 * what as whom, and which commands need no password (the NOPASSWD tag).
 *
 * Read: user specifications "USERS HOSTS = [(RUNAS)] [OPTION=...] [TAG:]...
 * COMMAND, ... [: HOSTS = ...]", with the runas list and the tags carried
 * from one command to the next as sudo does; Defaults lines (kept as
 * written); User_Alias, Runas_Alias, Host_Alias and Cmnd_Alias
 * definitions (kept, not expanded); "@include", "#include", "@includedir"
 * and "#includedir" (handed to the caller, which reads the files);
 * backslash line continuations; "#" comments ("#" followed by a digit is
 * a uid, not a comment).  One rule per command in the output.
 * Leaves out: expanding aliases, "%h" in include paths, Digest_Spec
 * ("sha256:..." before a command, kept as part of it), the LDAP and SSSD
 * sudoers sources.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"

struct host_sudoers {
    host_sudoers_include_fn include;
    void *arg;
    json_t *files, *rules, *defaults, *aliases, *errors;
    int bad;
};

host_sudoers *host_sudoers_new(host_sudoers_include_fn include, void *arg)
{
    host_sudoers *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->include = include;
    s->arg = arg;
    s->files = json_array();
    s->rules = json_array();
    s->defaults = json_array();
    s->aliases = json_object();
    s->errors = json_array();
    if (!s->files || !s->rules || !s->defaults || !s->aliases || !s->errors) {
        host_sudoers_free(s);
        return NULL;
    }
    return s;
}

void host_sudoers_free(host_sudoers *s)
{
    if (!s)
        return;
    json_decref(s->files);
    json_decref(s->rules);
    json_decref(s->defaults);
    json_decref(s->aliases);
    json_decref(s->errors);
    free(s);
}

static json_t *where(host_sudoers *s, const char *file, size_t line)
{
    json_t *o = json_object();
    if (!o) {
        s->bad = 1;
        return NULL;
    }
    host_set_str(o, "file", file, &s->bad);
    fmt_set(o, "line", json_integer((json_int_t)line), &s->bad);
    return o;
}

static void problem(host_sudoers *s, const char *file, size_t line, const char *message)
{
    if (json_array_size(s->errors) >= HOST_MAX_ITEMS)
        return;
    json_t *e = where(s, file, line);
    if (!e)
        return;
    host_set_str(e, "message", message, &s->bad);
    fmt_append(s->errors, e, &s->bad);
}

/* The comma-separated items of s (blanks around them dropped) into array. */
static void add_list(json_t *array, char *s, int *bad)
{
    for (char *item = s; item;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        char *t = host_trim(item);
        if (*t)
            host_append_str(array, t, bad);
        item = comma ? comma + 1 : NULL;
    }
}

/* The position of the first c in s not escaped by a backslash and not
 * inside parentheses, or NULL. */
static char *find_top(char *s, char c)
{
    int depth = 0;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth)
            depth--;
        else if (*p == c && depth == 0)
            return p;
    }
    return NULL;
}

static const char *const tags[] = {"NOPASSWD", "PASSWD",      "NOEXEC",       "EXEC",       "SETENV",
                                   "NOSETENV", "LOG_INPUT",   "NOLOG_INPUT",  "LOG_OUTPUT", "NOLOG_OUTPUT",
                                   "MAIL",     "NOMAIL",      "FOLLOW",       "NOFOLLOW",   "INTERCEPT",
                                   "NOINTERCEPT", NULL};
static const char *const options[] = {"ROLE", "TYPE", "CHROOT", "CWD", "NOTBEFORE", "NOTAFTER",
                                      "TIMEOUT", "APPARMOR_PROFILE", "PRIVS", "LIMITPRIVS", NULL};

/* Length of the word of names at s followed by term, or 0. */
static size_t starts_with_name(const char *s, const char *const *names, char term)
{
    for (const char *const *n = names; *n; n++) {
        size_t len = strlen(*n);
        if (strncmp(s, *n, len) == 0 && s[len] == term)
            return len;
    }
    return 0;
}

/* What carries from one command of a specification to the next. */
typedef struct carried {
    char runas[HOST_MAX_LINE + 1];
    int nopasswd;
    json_t *tags; /* the tags in force, by name */
} carried;

static void add_rule(host_sudoers *s, const char *file, size_t line, json_t *users, json_t *hosts,
                     const carried *c, const char *command)
{
    if (json_array_size(s->rules) >= HOST_MAX_ITEMS)
        return;
    json_t *r = where(s, file, line);
    if (!r)
        return;
    fmt_set(r, "users", json_deep_copy(users), &s->bad);
    fmt_set(r, "hosts", json_deep_copy(hosts), &s->bad);
    host_set_str(r, "runAs", c->runas, &s->bad);
    host_set_str(r, "command", command, &s->bad);
    fmt_set(r, "nopasswd", json_boolean(c->nopasswd), &s->bad);
    json_t *list = json_array();
    const char *name;
    json_t *v;
    json_object_foreach(c->tags, name, v) host_append_str(list, name, &s->bad);
    fmt_set(r, "tags", list, &s->bad);
    fmt_append(s->rules, r, &s->bad);
}

/* One command of a specification: "[(RUNAS)] [OPTION=V]... [TAG:]... CMD". */
static void parse_command(host_sudoers *s, char *item, carried *c, const char *file, size_t line, json_t *users,
                          json_t *hosts)
{
    char *p = host_trim(item);
    if (*p == '(') {
        char *close = strchr(p, ')');
        if (!close) {
            problem(s, file, line, "a runas list without its \")\"");
            return;
        }
        *close = '\0';
        snprintf(c->runas, sizeof c->runas, "%s", host_trim(p + 1));
        p = host_trim(close + 1);
    }
    for (;;) {
        size_t n;
        if ((n = starts_with_name(p, options, '='))) {
            p += n + 1;
            p += strcspn(p, " \t");
            p = host_trim(p);
        } else if ((n = starts_with_name(p, tags, ':'))) {
            char tag[32];
            memcpy(tag, p, n);
            tag[n] = '\0';
            if (strcmp(tag, "NOPASSWD") == 0 || strcmp(tag, "PASSWD") == 0)
                c->nopasswd = tag[0] == 'N';
            /* a tag replaces its opposite ("NOEXEC" and "EXEC") */
            json_object_del(c->tags, strncmp(tag, "NO", 2) == 0 ? tag + 2 : tag);
            char opposite[40];
            snprintf(opposite, sizeof opposite, "NO%s", tag);
            json_object_del(c->tags, opposite);
            fmt_set(c->tags, tag, json_true(), &s->bad);
            p = host_trim(p + n + 1);
        } else
            break;
    }
    if (!*p) {
        problem(s, file, line, "a command specification without a command");
        return;
    }
    add_rule(s, file, line, users, hosts, c, p);
}

/* The host group "HOSTS = CMNDS" (the "HOSTS =" part already split off). */
static void parse_commands(host_sudoers *s, char *cmnds, carried *c, const char *file, size_t line, json_t *users,
                           json_t *hosts)
{
    for (char *item = cmnds; item;) {
        char *comma = find_top(item, ',');
        if (comma)
            *comma = '\0';
        parse_command(s, item, c, file, line, users, hosts);
        item = comma ? comma + 1 : NULL;
    }
}

/* An unescaped ':' that starts another "HOSTS =" group, or NULL. */
static char *next_group(char *s)
{
    for (char *p = s; (p = find_top(p, ':'));) {
        char *q = p + 1;
        q += strspn(q, " \t");
        size_t n = strcspn(q, " \t=,:");
        char *after = q + n;
        after += strspn(after, " \t");
        if (n && *after == '=')
            return p;
        p++;
    }
    return NULL;
}

static void parse_spec(host_sudoers *s, char *line, const char *file, size_t lineno)
{
    char *eq = find_top(line, '=');
    if (!eq) {
        problem(s, file, lineno, "not a sudoers line");
        return;
    }
    *eq = '\0';
    /* "USERS HOSTS": the last word group is the hosts, blanks next to a
     * comma do not end a list. */
    char *head = host_trim(line);
    char *split = NULL;
    for (char *p = head; *p; p++)
        if ((*p == ' ' || *p == '\t') && p > head && p[-1] != ',') {
            char *q = p + strspn(p, " \t");
            if (*q && *q != ',')
                split = p;
        }
    if (!split) {
        problem(s, file, lineno, "a user specification without a host list");
        return;
    }
    *split = '\0';
    json_t *users = json_array(), *hosts = json_array();
    carried c = {.runas = "", .nopasswd = 0, .tags = json_object()};
    if (!users || !hosts || !c.tags) {
        s->bad = 1;
    } else {
        add_list(users, head, &s->bad);
        add_list(hosts, split + 1, &s->bad);
        char *rest = eq + 1;
        for (;;) {
            char *group = next_group(rest);
            if (group)
                *group = '\0';
            parse_commands(s, rest, &c, file, lineno, users, hosts);
            if (!group)
                break;
            char *geq = strchr(group + 1, '=');
            *geq = '\0';
            json_array_clear(hosts);
            add_list(hosts, group + 1, &s->bad);
            rest = geq + 1;
        }
    }
    json_decref(users);
    json_decref(hosts);
    json_decref(c.tags);
}

static const char *const alias_kinds[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias", NULL};

static void parse_alias(host_sudoers *s, const char *kind, char *defs, const char *file, size_t line)
{
    if (strcmp(kind, "Cmd_Alias") == 0)
        kind = "Cmnd_Alias";
    json_t *group = json_object_get(s->aliases, kind);
    if (!group) {
        group = json_object();
        fmt_set(s->aliases, kind, group, &s->bad);
        if (!group)
            return;
    }
    for (char *def = defs; def;) {
        char *colon = next_group(def);
        if (colon)
            *colon = '\0';
        char *eq = strchr(def, '=');
        if (!eq) {
            problem(s, file, line, "an alias without \"=\"");
            return;
        }
        *eq = '\0';
        json_t *members = json_array();
        add_list(members, eq + 1, &s->bad);
        char *name = host_trim(def);
        if (json_object_size(group) < HOST_MAX_ITEMS)
            fmt_set(group, name, members, &s->bad);
        else
            json_decref(members);
        def = colon ? colon + 1 : NULL;
    }
}

/* "@include PATH" and the like: the path, unquoted, or NULL. */
static char *include_path(char *rest)
{
    char *p = host_trim(rest);
    if (*p == '"') {
        char *close = strchr(p + 1, '"');
        if (!close)
            return NULL;
        *close = '\0';
        return p + 1;
    }
    p[strcspn(p, " \t")] = '\0';
    return *p ? p : NULL;
}

static int parse_line(host_sudoers *s, char *line, const char *file, size_t lineno, int depth)
{
    char *p = host_trim(line);
    static const char *const includes[] = {"@includedir", "#includedir", "@include", "#include", NULL};
    for (const char *const *inc = includes; *inc; inc++) {
        size_t n = strlen(*inc);
        if (strncmp(p, *inc, n) == 0 && (p[n] == ' ' || p[n] == '\t')) {
            char *path = include_path(p + n);
            if (!path) {
                problem(s, file, lineno, "an include without a path");
                return VG_OK;
            }
            if (depth + 1 >= HOST_MAX_DEPTH) {
                problem(s, file, lineno, "includes nested too deep");
                return VG_OK;
            }
            return s->include(s, file, path, strstr(*inc, "dir") != NULL, depth, s->arg);
        }
    }
    /* "#" starts a comment, unless a uid ("#1000") follows it */
    for (char *q = p; *q; q++)
        if (*q == '\\' && q[1])
            q++;
        else if (*q == '#' && !isdigit((unsigned char)q[1])) {
            *q = '\0';
            break;
        }
    p = host_trim(p);
    if (!*p)
        return VG_OK;
    if (strncmp(p, "Defaults", 8) == 0 && (p[8] == ' ' || p[8] == '\t' || strchr(":@!>", p[8]))) {
        if (json_array_size(s->defaults) < HOST_MAX_ITEMS) {
            json_t *d = where(s, file, lineno);
            char *params = p + 8 + strcspn(p + 8, " \t");
            char binding[HOST_MAX_LINE + 1];
            snprintf(binding, sizeof binding, "%.*s", (int)(params - p - 8), p + 8);
            host_set_str(d, "binding", binding, &s->bad);
            host_set_str(d, "parameters", host_trim(params), &s->bad);
            fmt_append(s->defaults, d, &s->bad);
        }
        return VG_OK;
    }
    for (const char *const *k = alias_kinds; *k; k++) {
        size_t n = strlen(*k);
        if (strncmp(p, *k, n) == 0 && (p[n] == ' ' || p[n] == '\t')) {
            parse_alias(s, *k, p + n, file, lineno);
            return VG_OK;
        }
    }
    parse_spec(s, p, file, lineno);
    return VG_OK;
}

int host_sudoers_parse(host_sudoers *s, const char *file, const char *text, size_t len, int depth, int *truncated)
{
    host_append_str(s->files, file, &s->bad);
    host_lines *it = malloc(sizeof *it);
    char *joined = malloc(HOST_MAX_LINE + 1);
    if (!it || !joined) {
        free(it);
        free(joined);
        return VG_ERR_NOMEM;
    }
    host_lines_init(it, text, len);
    size_t jlen = 0, first = 0;
    int rc = VG_OK;
    while (rc == VG_OK && host_lines_next(it)) {
        if (jlen == 0)
            first = it->lineno;
        size_t n = strlen(it->line);
        if (jlen + n > HOST_MAX_LINE) {
            *truncated = 1;
            n = HOST_MAX_LINE - jlen;
        }
        memcpy(joined + jlen, it->line, n);
        jlen += n;
        joined[jlen] = '\0';
        if (jlen && joined[jlen - 1] == '\\' && (jlen < 2 || joined[jlen - 2] != '\\')) {
            joined[jlen - 1] = ' ';
            continue;
        }
        jlen = 0;
        rc = parse_line(s, joined, file, first, depth);
    }
    if (rc == VG_OK && jlen)
        rc = parse_line(s, joined, file, first, depth);
    *truncated |= it->truncated;
    free(it);
    free(joined);
    return rc != VG_OK ? rc : s->bad ? VG_ERR_NOMEM : VG_OK;
}

json_t *host_sudoers_result(host_sudoers *s)
{
    json_t *nopasswd = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(s->rules, i, r) if (json_is_true(json_object_get(r, "nopasswd")))
        fmt_append(nopasswd, json_incref(r), &s->bad);
    json_t *out = json_pack("{s:O, s:O, s:o, s:O, s:O, s:O}", "files", s->files, "rules", s->rules, "nopasswd",
                            nopasswd, "defaults", s->defaults, "aliases", s->aliases, "errors", s->errors);
    if (!out || s->bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}
