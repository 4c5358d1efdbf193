/*
 * host_accounts.c — local accounts from passwd(5) and shadow(5) text, and
 * the lines of PAM configuration files (pam.conf(5), the /etc/pam.d form).
 *
 * An account's password state is what `passwd -S` (shadow-utils 4.13)
 * prints: the shadow entry's field when the account has one (the first of
 * its name), else the passwd field; "*" or "!" first: locked ("L"),
 * empty: no password ("NP"), anything else: set ("P").  Only that state
 * is kept: no hash, no part of one, ever reaches the document.
 * Leaves out: NIS "+"/"-" entries (skipped), NSS sources other than the
 * files (LDAP, SSSD), password ageing fields.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"

#define FIELDS_MAX 9

/* Splits line at ':' into at most FIELDS_MAX fields; returns the count. */
static size_t split_colon(char *line, char **fields)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < FIELDS_MAX; p++)
        if (*p == ':') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    return n;
}

static int parse_id(const char *s, long long *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
        return 0;
    *out = strtoll(s, NULL, 10);
    return *out <= 4294967295LL;
}

/* "L", "NP" or "P" of a password field, as passwd -S. */
static const char *password_state(const char *field)
{
    if (*field == '*' || *field == '!')
        return "locked";
    return *field ? "set" : "empty";
}

/* name -> the state of the first shadow entry of that name, in states. */
static void read_shadow(const char *text, size_t len, json_t *states, int *bad, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it) && json_object_size(states) < HOST_MAX_ITEMS) {
        char *f[FIELDS_MAX];
        size_t n = split_colon(it.line, f);
        if (n >= 2 && *f[0] && *f[0] != '+' && *f[0] != '-' && !json_object_get(states, f[0]))
            host_set_str(states, f[0], password_state(f[1]), bad);
    }
    *truncated |= it.truncated;
}

/* The state recorded for name in states, or NULL. */
static const char *state_of(const json_t *states, const char *name)
{
    return json_string_value(json_object_get(states, name));
}

json_t *host_accounts_parse(const char *passwd, size_t plen, const char *shadow, size_t slen, int truncated[2])
{
    int bad = 0;
    json_t *states = json_object();
    if (!states)
        return NULL;
    if (shadow)
        read_shadow(shadow, slen, states, &bad, &truncated[1]);
    json_t *users = json_array(), *uid0 = json_array(), *empty = json_array(), *locked = json_array();
    json_t *out = json_pack("{s:o, s:o, s:o, s:o, s:i}", "users", users, "uid0", uid0, "emptyPassword", empty,
                            "locked", locked, "malformed", 0);
    if (!out)
        bad = 1;
    size_t malformed = 0;
    host_lines it;
    host_lines_init(&it, passwd, plen);
    while (!bad && host_lines_next(&it) && json_array_size(users) < HOST_MAX_ITEMS) {
        char *f[FIELDS_MAX];
        if (!*it.line || *it.line == '+' || *it.line == '-' || *it.line == '#')
            continue;
        size_t n = split_colon(it.line, f);
        long long uid, gid;
        if (n != 7 || !*f[0] || !parse_id(f[2], &uid) || !parse_id(f[3], &gid)) {
            malformed++;
            continue;
        }
        const char *state = state_of(states, f[0]);
        if (!state)
            state = shadow ? password_state(f[1]) : strcmp(f[1], "x") == 0 ? "unknown" : password_state(f[1]);
        json_t *u = json_object();
        host_set_str(u, "name", f[0], &bad);
        fmt_set(u, "uid", json_integer(uid), &bad);
        fmt_set(u, "gid", json_integer(gid), &bad);
        host_set_str(u, "home", f[5], &bad);
        host_set_str(u, "shell", f[6], &bad);
        fmt_set(u, "password", json_string(state), &bad);
        fmt_set(u, "shadowEntry", json_boolean(state_of(states, f[0]) != NULL), &bad);
        fmt_append(users, u, &bad);
        if (uid == 0)
            host_append_str(uid0, f[0], &bad);
        if (strcmp(state, "empty") == 0)
            host_append_str(empty, f[0], &bad);
        if (strcmp(state, "locked") == 0)
            host_append_str(locked, f[0], &bad);
    }
    truncated[0] |= it.truncated;
    json_decref(states);
    if (!bad)
        fmt_set(out, "malformed", json_integer((json_int_t)malformed), &bad);
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The next PAM word of *s: a "[...]" group may hold blanks. */
static char *pam_word(char **s)
{
    char *p = *s;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return NULL;
    char *w = p;
    if (*p == '[') {
        char *close = strchr(p, ']');
        p = close ? close + 1 : p + strlen(p);
    }
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return w;
}

json_t *host_pam_parse(const char *text, size_t len, int *truncated)
{
    int bad = 0;
    json_t *lines = json_array();
    if (!lines)
        return NULL;
    host_lines it;
    host_lines_init(&it, text, len);
    char joined[HOST_MAX_LINE + 1];
    size_t jlen = 0;
    while (host_lines_next(&it) && json_array_size(lines) < HOST_MAX_ITEMS) {
        size_t n = strlen(it.line);
        if (jlen + n > HOST_MAX_LINE) {
            *truncated = 1;
            n = HOST_MAX_LINE - jlen;
        }
        memcpy(joined + jlen, it.line, n);
        jlen += n;
        joined[jlen] = '\0';
        if (jlen && joined[jlen - 1] == '\\') { /* continued on the next line */
            joined[--jlen] = ' ';
            jlen++;
            continue;
        }
        jlen = 0;
        joined[strcspn(joined, "#")] = '\0';
        char *s = joined;
        char *type = pam_word(&s);
        if (!type)
            continue;
        json_t *e = json_object();
        if (!e) {
            bad = 1;
            break;
        }
        if (strcmp(type, "@include") == 0) {
            char *file = pam_word(&s);
            host_set_str(e, "include", file ? file : "", &bad);
        } else {
            char *control = pam_word(&s), *module = pam_word(&s);
            host_set_str(e, "type", type, &bad);
            host_set_str(e, "control", control ? control : "", &bad);
            host_set_str(e, "module", module ? module : "", &bad);
            json_t *args = json_array();
            for (char *a; (a = pam_word(&s));)
                host_append_str(args, a, &bad);
            fmt_set(e, "arguments", args, &bad);
        }
        fmt_append(lines, e, &bad);
    }
    *truncated |= it.truncated;
    if (bad) {
        json_decref(lines);
        return NULL;
    }
    return lines;
}
