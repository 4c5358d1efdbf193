/*
 * host_text.c — the line and word reading every parser of the host
 * collector shares (host_internal.h), and the plain "KEY VALUE" /
 * "KEY = VALUE" configuration files: login.defs(5), pwquality.conf(5),
 * faillock.conf(5).  Leaves out: shell-style quoting (none of these
 * formats has it).
 */
#include <string.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"

void host_lines_init(host_lines *it, const char *text, size_t len)
{
    it->p = text ? text : "";
    it->end = it->p + (text ? len : 0);
    it->lineno = 0;
    it->truncated = 0;
    it->line[0] = '\0';
}

int host_lines_next(host_lines *it)
{
    if (it->p >= it->end)
        return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *stop = nl ? nl : it->end;
    size_t n = (size_t)(stop - it->p);
    if (n > HOST_MAX_LINE) {
        n = HOST_MAX_LINE;
        it->truncated = 1;
    }
    memcpy(it->line, it->p, n);
    it->line[n] = '\0';
    if (n && it->line[n - 1] == '\r')
        it->line[n - 1] = '\0';
    it->p = nl ? nl + 1 : it->end;
    it->lineno++;
    return 1;
}

static int blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r'; }

char *host_trim(char *s)
{
    while (blank(*s))
        s++;
    size_t n = strlen(s);
    while (n && blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

char *host_word(char **s)
{
    char *p = *s;
    while (blank(*p))
        p++;
    if (!*p) {
        *s = p;
        return NULL;
    }
    char *w = p;
    while (*p && !blank(*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return w;
}

void host_append_str(json_t *array, const char *s, int *bad)
{
    if (json_array_size(array) < HOST_MAX_ITEMS)
        fmt_append(array, fmt_str(s), bad);
}

void host_set_str(json_t *obj, const char *key, const char *s, int *bad)
{
    json_t *k = fmt_str(key); /* a key must be UTF-8 too */
    if (!k) {
        *bad = 1;
        return;
    }
    if (json_object_size(obj) < HOST_MAX_ITEMS || json_object_get(obj, json_string_value(k)))
        fmt_set(obj, json_string_value(k), fmt_str(s), bad);
    json_decref(k);
}

void host_parse_keyvalue(const char *text, size_t len, int sep, json_t *obj, int *bad, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it)) {
        char *s = host_trim(it.line);
        if (!*s || *s == '#')
            continue;
        char *value;
        if (sep) {
            char *eq = strchr(s, sep);
            value = eq ? eq + 1 : s + strlen(s);
            if (eq)
                *eq = '\0';
        } else {
            value = s + strcspn(s, " \t\f\v");
            if (*value)
                *value++ = '\0';
        }
        char *key = host_trim(s);
        if (*key)
            host_set_str(obj, key, host_trim(value), bad);
    }
    *truncated |= it.truncated;
}
