/*
 * host_sshd.c — the effective settings of OpenSSH's sshd from its
 * configuration text, as sshd_config(5) of OpenSSH 9.2p1 (Debian 12)
 * defines them and `sshd -T` (without -C) prints them.
 *
 * Lines are "Keyword arguments" or "Keyword=arguments"; keywords are
 * case-insensitive; arguments may be double-quoted; "#" starts a comment
 * line or, at the start of a word, ends the line.  For most keywords the
 * first value obtained wins; Port, ListenAddress-like lists (AllowUsers,
 * DenyUsers, AllowGroups, DenyGroups, AcceptEnv, Subsystem) accumulate.
 * "Include" reads files matching globs (relative to /etc/ssh) in sorted
 * order, at most HOST_MAX_DEPTH deep; a Match block inside an included
 * file ends with that file, as in sshd.  "Match" starts a conditional
 * block: its criteria and settings are recorded, not applied to the global
 * values — except "Match all", which sshd applies with no connection too.
 * Keywords of the table below not set get OpenSSH's documented defaults,
 * normalised as sshd -T prints them (yes/no, seconds, upper-case log
 * levels), except that PermitRootLogin's "without-password" is given by
 * its current name "prohibit-password".
 *
 * Leaves out: keywords outside the table are kept as written
 * ("otherSettings"), not checked; algorithm lists with wildcards are kept
 * as written (sshd expands them against what it supports); ListenAddress,
 * HostKey and the other keywords of file paths are not modelled; Match
 * criteria are not evaluated (no connection is assumed).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"

enum kind {
    K_FLAG,     /* yes | no */
    K_CHOICE,   /* one of a list of names (aliases mapped) */
    K_INT,      /* a decimal number */
    K_TIME,     /* sshd_config(5) TIME FORMATS, in seconds */
    K_UPPER,    /* a name printed in upper case (LogLevel, SyslogFacility) */
    K_WORD,     /* the first argument as written */
    K_WORDS,    /* every argument, joined by one space */
    K_REST,     /* the rest of the line as written (ForceCommand) */
    K_ALGOS,    /* an algorithm list with +, - and ^ */
    K_EACH,     /* accumulates: the first argument of every line (Port) */
    K_EACH_ALL, /* accumulates: every argument of every line */
    K_EACH_WORDS /* accumulates: the arguments of every line, joined by one space (Subsystem) */
};

#define CIPHERS                                                                                                    \
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
#define MACS                                                                                                       \
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
#define KEX                                                                                                        \
    "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"   \
    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"             \
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
#define KEYALGS                                                                                                    \
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"                                   \
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"                           \
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"                             \
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"         \
    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"      \
    "rsa-sha2-512,rsa-sha2-256"

/* Choices: "name=canonical" pairs, or "name" meaning itself. */
typedef struct keyword {
    const char *name; /* lower case, as sshd -T prints it */
    enum kind kind;
    const char *dflt; /* NULL: none (sshd -T prints nothing) */
    const char *const *choices;
} keyword;

static const char *const rootlogin[] = {"yes",  "no", "prohibit-password", "without-password=prohibit-password",
                                        "forced-commands-only", NULL};
static const char *const tcpfwd[] = {"yes", "all=yes", "no", "local", "remote", NULL};
static const char *const compression[] = {"yes", "delayed=yes", "no", NULL};
static const char *const tunnel[] = {"yes", "point-to-point", "ethernet", "no", NULL};
static const char *const family[] = {"any", "inet", "inet6", NULL};
static const char *const gateway[] = {"no", "yes", "clientspecified", NULL};
static const char *const rhosts[] = {"yes", "no", "shosts-only", NULL};
static const char *const loglevels[] = {"QUIET",  "FATAL",  "ERROR",  "INFO",   "VERBOSE",
                                        "DEBUG", "DEBUG1=DEBUG", "DEBUG2", "DEBUG3", NULL};
static const char *const facilities[] = {"DAEMON", "USER",   "AUTH",   "AUTHPRIV", "LOCAL0", "LOCAL1", "LOCAL2",
                                         "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6",   "LOCAL7", NULL};

static const keyword keywords[] = {
    {"acceptenv", K_EACH_ALL, NULL, NULL},
    {"addressfamily", K_CHOICE, "any", family},
    {"allowagentforwarding", K_FLAG, "yes", NULL},
    {"allowgroups", K_EACH_ALL, NULL, NULL},
    {"allowtcpforwarding", K_CHOICE, "yes", tcpfwd},
    {"allowusers", K_EACH_ALL, NULL, NULL},
    {"authenticationmethods", K_WORDS, "any", NULL},
    {"authorizedkeysfile", K_WORDS, ".ssh/authorized_keys .ssh/authorized_keys2", NULL},
    {"banner", K_WORD, "none", NULL},
    {"chrootdirectory", K_WORD, "none", NULL},
    {"ciphers", K_ALGOS, CIPHERS, NULL},
    {"clientalivecountmax", K_INT, "3", NULL},
    {"clientaliveinterval", K_TIME, "0", NULL},
    {"compression", K_CHOICE, "yes", compression},
    {"denygroups", K_EACH_ALL, NULL, NULL},
    {"denyusers", K_EACH_ALL, NULL, NULL},
    {"disableforwarding", K_FLAG, "no", NULL},
    {"forcecommand", K_REST, "none", NULL},
    {"gatewayports", K_CHOICE, "no", gateway},
    {"gssapiauthentication", K_FLAG, "no", NULL},
    {"hostbasedauthentication", K_FLAG, "no", NULL},
    {"hostkeyalgorithms", K_ALGOS, KEYALGS, NULL},
    {"ignorerhosts", K_CHOICE, "yes", rhosts},
    {"kbdinteractiveauthentication", K_FLAG, "yes", NULL},
    {"kerberosauthentication", K_FLAG, "no", NULL},
    {"kexalgorithms", K_ALGOS, KEX, NULL},
    {"logingracetime", K_TIME, "120", NULL},
    {"loglevel", K_UPPER, "INFO", loglevels},
    {"macs", K_ALGOS, MACS, NULL},
    {"maxauthtries", K_INT, "6", NULL},
    {"maxsessions", K_INT, "10", NULL},
    {"maxstartups", K_WORD, "10:30:100", NULL},
    {"passwordauthentication", K_FLAG, "yes", NULL},
    {"permitemptypasswords", K_FLAG, "no", NULL},
    {"permitrootlogin", K_CHOICE, "prohibit-password", rootlogin},
    {"permittty", K_FLAG, "yes", NULL},
    {"permittunnel", K_CHOICE, "no", tunnel},
    {"permituserenvironment", K_WORD, "no", NULL},
    {"permituserrc", K_FLAG, "yes", NULL},
    {"port", K_EACH, "22", NULL},
    {"printlastlog", K_FLAG, "yes", NULL},
    {"printmotd", K_FLAG, "yes", NULL},
    {"pubkeyacceptedalgorithms", K_ALGOS, KEYALGS, NULL},
    {"pubkeyauthentication", K_FLAG, "yes", NULL},
    {"strictmodes", K_FLAG, "yes", NULL},
    {"subsystem", K_EACH_WORDS, NULL, NULL},
    {"syslogfacility", K_UPPER, "AUTH", facilities},
    {"tcpkeepalive", K_FLAG, "yes", NULL},
    {"usedns", K_FLAG, "no", NULL},
    {"usepam", K_FLAG, "no", NULL},
    {"x11displayoffset", K_INT, "10", NULL},
    {"x11forwarding", K_FLAG, "no", NULL},
    {"x11uselocalhost", K_FLAG, "yes", NULL},
};

/* Old names sshd still takes. */
static const char *const aliases[][2] = {
    {"challengeresponseauthentication", "kbdinteractiveauthentication"},
    {"dsaauthentication", "pubkeyauthentication"},
    {"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms"},
};

#define MAX_ARGS 256

struct host_sshd {
    host_sshd_include_fn include;
    void *arg;
    json_t *settings, *origin, *other, *blocks, *files, *errors;
    json_t *block;  /* the Match block lines go to now, or NULL */
    int global;     /* lines apply to the global settings */
    int nevermatch; /* inside an Include made from an inactive block */
    int bad;
};

host_sshd *host_sshd_new(host_sshd_include_fn include, void *arg)
{
    host_sshd *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->include = include;
    s->arg = arg;
    s->settings = json_object();
    s->origin = json_object();
    s->other = json_object();
    s->blocks = json_array();
    s->files = json_array();
    s->errors = json_array();
    s->global = 1;
    if (!s->settings || !s->origin || !s->other || !s->blocks || !s->files || !s->errors) {
        host_sshd_free(s);
        return NULL;
    }
    return s;
}

void host_sshd_free(host_sshd *s)
{
    if (!s)
        return;
    json_decref(s->settings);
    json_decref(s->origin);
    json_decref(s->other);
    json_decref(s->blocks);
    json_decref(s->files);
    json_decref(s->errors);
    free(s);
}

static void problem(host_sshd *s, const char *file, size_t line, const char *msg)
{
    if (json_array_size(s->errors) >= HOST_MAX_ITEMS)
        return;
    json_t *e = json_object();
    if (!e) {
        s->bad = 1;
        return;
    }
    host_set_str(e, "file", file, &s->bad);
    fmt_set(e, "line", json_integer((json_int_t)line), &s->bad);
    host_set_str(e, "message", msg, &s->bad);
    fmt_append(s->errors, e, &s->bad);
}

/* Splits the arguments of a line as sshd's argv_split() does: blanks
 * separate, double quotes group, a backslash escapes \ " ' and space, a
 * word starting with "#" ends the line.  Returns the count, at most max. */
static size_t split_args(char *s, char **argv, size_t max)
{
    size_t n = 0;
    char *out = s;
    while (n < max) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (!*s || *s == '#')
            break;
        char *word = out;
        int quoted = 0;
        while (*s) {
            if (!quoted && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
                break;
            if (*s == '\\' && (s[1] == '\\' || s[1] == '"' || s[1] == '\'' || s[1] == ' ')) {
                *out++ = s[1];
                s += 2;
            } else if (*s == '"') {
                quoted = !quoted;
                s++;
            } else {
                *out++ = *s++;
            }
        }
        if (*s)
            s++;
        *out++ = '\0';
        argv[n++] = word;
    }
    return n;
}

static const keyword *find_keyword(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i][0]) == 0)
            name = aliases[i][1];
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcasecmp(name, keywords[i].name) == 0)
            return &keywords[i];
    return NULL;
}

/* A choice's canonical name, or NULL when word is none of them. */
static const char *choose(const char *const *choices, const char *word, char *tmp, size_t tmpsize)
{
    for (const char *const *c = choices; *c; c++) {
        const char *eq = strchr(*c, '=');
        size_t n = eq ? (size_t)(eq - *c) : strlen(*c);
        if (strlen(word) == n && strncasecmp(word, *c, n) == 0) {
            snprintf(tmp, tmpsize, "%s", eq ? eq + 1 : *c);
            return tmp;
        }
    }
    return NULL;
}

/* sshd_config(5) TIME FORMATS: [0-9]+[sSmMhHdDwW]?, repeated; -1 if not. */
static long long seconds(const char *s)
{
    long long total = 0;
    if (!*s)
        return -1;
    while (*s) {
        if (!isdigit((unsigned char)*s))
            return -1;
        long long v = 0;
        while (isdigit((unsigned char)*s)) {
            v = v * 10 + (*s++ - '0');
            if (v > 2147483647LL)
                return -1;
        }
        long long mult = 1;
        switch (*s) {
        case '\0': break;
        case 's': case 'S': s++; break;
        case 'm': case 'M': mult = 60; s++; break;
        case 'h': case 'H': mult = 3600; s++; break;
        case 'd': case 'D': mult = 86400; s++; break;
        case 'w': case 'W': mult = 604800; s++; break;
        default: return -1;
        }
        total += v * mult;
        if (total > 2147483647LL)
            return -1;
    }
    return total;
}

static int in_list(const char *list, const char *name, size_t n)
{
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, ",");
        if (m == n && strncmp(p, name, n) == 0)
            return 1;
        p += m + (p[m] == ',');
    }
    return 0;
}

/* Appends the names of list (comma-separated) not yet in out. */
static int add_names(vg_buf *out, const char *list)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n && !in_list(out->data ? out->data : "", p, n))
            if ((out->len && vg_buf_addc(out, ',') != VG_OK) || vg_buf_add(out, p, n) != VG_OK)
                return -1;
        p += n + (p[n] == ',');
    }
    return 0;
}

/* Whether name (n bytes) matches one of the comma-separated patterns. */
static int matches_pattern(const char *patterns, const char *name, size_t n)
{
    char one[256], pat[256];
    if (n >= sizeof one)
        return 0;
    memcpy(one, name, n);
    one[n] = '\0';
    for (const char *p = patterns; *p;) {
        size_t m = strcspn(p, ",");
        if (m < sizeof pat) {
            memcpy(pat, p, m);
            pat[m] = '\0';
            if (fnmatch(pat, one, 0) == 0)
                return 1;
        }
        p += m + (p[m] == ',');
    }
    return 0;
}

/* An algorithm list as sshd assembles it (kex_assemble_names): "+" appends
 * to the default, "-" removes what matches from it, "^" puts in front. */
static json_t *algorithms(const char *value, const char *dflt)
{
    vg_buf out;
    vg_buf_init(&out, 2 * HOST_MAX_LINE + 4096);
    int rc = 0;
    if (*value == '+')
        rc = add_names(&out, dflt) || add_names(&out, value + 1);
    else if (*value == '^')
        rc = add_names(&out, value + 1) || add_names(&out, dflt);
    else if (*value == '-') {
        vg_buf kept;
        vg_buf_init(&kept, out.max);
        for (const char *p = dflt; *p && rc == 0;) {
            size_t n = strcspn(p, ",");
            if (!matches_pattern(value + 1, p, n))
                rc = (kept.len && vg_buf_addc(&kept, ',') != VG_OK) || vg_buf_add(&kept, p, n) != VG_OK;
            p += n + (p[n] == ',');
        }
        if (rc == 0)
            rc = add_names(&out, kept.data ? kept.data : "");
        vg_buf_free(&kept);
    } else
        rc = add_names(&out, value);
    json_t *v = rc == 0 ? fmt_str(out.data ? out.data : "") : NULL;
    vg_buf_free(&out);
    return v;
}

/* The value of kw from the arguments of one line, or NULL with *why set
 * (NULL also when out of memory: *why stays NULL). */
static json_t *value_of(const keyword *kw, char **argv, size_t argc, const char *rest, const char **why)
{
    char tmp[64];
    switch (kw->kind) {
    case K_FLAG:
        if (strcasecmp(argv[0], "yes") == 0 || strcasecmp(argv[0], "no") == 0)
            return json_string(tolower((unsigned char)argv[0][0]) == 'y' ? "yes" : "no");
        *why = "expects yes or no, not";
        return NULL;
    case K_CHOICE:
    case K_UPPER:
        if (choose(kw->choices, argv[0], tmp, sizeof tmp))
            return json_string(tmp);
        *why = "has no value";
        return NULL;
    case K_INT: {
        char *end;
        long v = strtol(argv[0], &end, 10);
        if (*end || end == argv[0] || v < 0 || v > 2147483647L) {
            *why = "expects a number, not";
            return NULL;
        }
        snprintf(tmp, sizeof tmp, "%ld", v);
        return json_string(tmp);
    }
    case K_TIME: {
        long long v = seconds(argv[0]);
        if (v < 0) {
            *why = "expects a time, not";
            return NULL;
        }
        snprintf(tmp, sizeof tmp, "%lld", v);
        return json_string(tmp);
    }
    case K_ALGOS:
        return algorithms(argv[0], kw->dflt);
    case K_WORD:
    case K_EACH:
        return fmt_str(argv[0]);
    case K_REST:
        return fmt_str(rest);
    case K_WORDS:
    case K_EACH_WORDS:
    case K_EACH_ALL: {
        vg_buf b;
        vg_buf_init(&b, HOST_MAX_LINE + 1);
        for (size_t i = 0; i < argc; i++)
            if ((i && vg_buf_addc(&b, ' ') != VG_OK) || vg_buf_addstr(&b, argv[i]) != VG_OK)
                break;
        json_t *v = fmt_str(b.data ? b.data : "");
        vg_buf_free(&b);
        return v;
    }
    }
    return NULL;
}

static int accumulates(const keyword *kw) { return kw->kind >= K_EACH; }

/* Sets kw in obj (first value wins; accumulating keywords append). */
static void set_value(host_sshd *s, json_t *obj, json_t *origin, const keyword *kw, char **argv, size_t argc,
                      const char *rest, const char *where)
{
    if (!accumulates(kw)) {
        if (json_object_get(obj, kw->name))
            return;
        const char *why = NULL;
        json_t *v = value_of(kw, argv, argc, rest, &why);
        if (!v && !why)
            s->bad = 1;
        if (!v)
            return;
        fmt_set(obj, kw->name, v, &s->bad);
        if (origin)
            host_set_str(origin, kw->name, where, &s->bad);
        return;
    }
    json_t *list = json_object_get(obj, kw->name);
    if (!list) {
        list = json_array();
        fmt_set(obj, kw->name, list, &s->bad);
        if (origin)
            host_set_str(origin, kw->name, where, &s->bad);
        if (!list)
            return;
    }
    if (kw->kind == K_EACH_ALL) {
        for (size_t i = 0; i < argc; i++)
            host_append_str(list, argv[i], &s->bad);
    } else {
        const char *why = NULL;
        json_t *v = value_of(kw, argv, argc, rest, &why);
        if (v && json_array_size(list) < HOST_MAX_ITEMS)
            fmt_append(list, v, &s->bad);
        else
            json_decref(v);
    }
}

/* A value problem of kw, reported once per line. */
static void check_value(host_sshd *s, const keyword *kw, char **argv, size_t argc, const char *file, size_t line)
{
    if (accumulates(kw) && kw->kind != K_EACH)
        return;
    const char *why = NULL;
    json_t *v = value_of(kw, argv, argc, "", &why);
    json_decref(v);
    if (why) {
        char msg[HOST_MAX_LINE + 100];
        snprintf(msg, sizeof msg, "%s %s \"%.200s\"", kw->name, why, argv[0]);
        problem(s, file, line, msg);
    }
}

static void start_match(host_sshd *s, char **argv, size_t argc, const char *file, size_t line)
{
    vg_buf b;
    vg_buf_init(&b, HOST_MAX_LINE + 1);
    for (size_t i = 0; i < argc; i++)
        if ((i && vg_buf_addc(&b, ' ') != VG_OK) || vg_buf_addstr(&b, argv[i]) != VG_OK)
            break;
    json_t *block = json_object();
    s->block = NULL;
    if (!block || json_array_size(s->blocks) >= HOST_MAX_ITEMS) {
        s->bad |= !block;
        json_decref(block);
        s->global = 0;
        vg_buf_free(&b);
        return;
    }
    host_set_str(block, "criteria", b.data ? b.data : "", &s->bad);
    host_set_str(block, "file", file, &s->bad);
    fmt_set(block, "line", json_integer((json_int_t)line), &s->bad);
    json_t *settings = json_object();
    fmt_set(block, "settings", settings, &s->bad);
    fmt_append(s->blocks, block, &s->bad);
    s->block = settings;
    /* sshd -T without -C: only "Match all" matches */
    s->global = !s->nevermatch && argc == 1 && strcasecmp(argv[0], "all") == 0;
    vg_buf_free(&b);
}

static int parse_line(host_sshd *s, char *line, const char *file, size_t lineno, int depth)
{
    char *p = line;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
        p++;
    if (!*p || *p == '#')
        return VG_OK;
    char *kwname = p;
    p += strcspn(p, " \t\r\f\"=");
    int eq = *p == '=';
    if (*p)
        *p++ = '\0';
    p += strspn(p, " \t\r\f");
    if (!eq && *p == '=')
        p++;
    p += strspn(p, " \t\r\f");
    char rest[HOST_MAX_LINE + 1];
    snprintf(rest, sizeof rest, "%s", host_trim(p));
    char *argv[MAX_ARGS];
    size_t argc = split_args(p, argv, MAX_ARGS);
    if (argc == 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "no argument after kwname \"%.200s\"", kwname);
        problem(s, file, lineno, msg);
        return VG_OK;
    }
    if (strcasecmp(kwname, "Include") == 0) {
        if (depth + 1 >= HOST_MAX_DEPTH) {
            problem(s, file, lineno, "Include nested too deep");
            return VG_OK;
        }
        json_t *block = s->block;
        int global = s->global, never = s->nevermatch;
        s->nevermatch = never || !global;
        int rc = VG_OK;
        for (size_t i = 0; i < argc && rc == VG_OK; i++)
            rc = s->include(s, argv[i], depth, s->arg);
        s->block = block;
        s->global = global;
        s->nevermatch = never;
        return rc;
    }
    if (strcasecmp(kwname, "Match") == 0) {
        start_match(s, argv, argc, file, lineno);
        return VG_OK;
    }
    char where[HOST_MAX_LINE + 32];
    snprintf(where, sizeof where, "%s:%zu", file, lineno);
    const keyword *kw = find_keyword(kwname);
    if (!kw) {
        char lower[128];
        size_t n = strlen(kwname);
        if (n >= sizeof lower)
            n = sizeof lower - 1;
        for (size_t i = 0; i < n; i++)
            lower[i] = (char)tolower((unsigned char)kwname[i]);
        lower[n] = '\0';
        json_t *target = s->global ? s->other : s->block;
        if (target && !json_object_get(target, lower))
            host_set_str(target, lower, rest, &s->bad);
        return VG_OK;
    }
    check_value(s, kw, argv, argc, file, lineno);
    if (s->block)
        set_value(s, s->block, NULL, kw, argv, argc, rest, where);
    if (s->global)
        set_value(s, s->settings, s->origin, kw, argv, argc, rest, where);
    return VG_OK;
}

int host_sshd_parse(host_sshd *s, const char *file, const char *text, size_t len, int depth, int *truncated)
{
    host_append_str(s->files, file, &s->bad);
    json_t *block = s->block;
    int global = s->global;
    host_lines *it = malloc(sizeof *it);
    if (!it)
        return VG_ERR_NOMEM;
    host_lines_init(it, text, len);
    int rc = VG_OK;
    while (rc == VG_OK && host_lines_next(it))
        rc = parse_line(s, it->line, file, it->lineno, depth);
    *truncated |= it->truncated;
    free(it);
    if (depth > 0) { /* a Match block ends with its included file */
        s->block = block;
        s->global = global;
    }
    return rc != VG_OK ? rc : s->bad ? VG_ERR_NOMEM : VG_OK;
}

json_t *host_sshd_result(host_sshd *s)
{
    json_t *settings = json_object();
    if (!settings)
        return NULL;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const keyword *kw = &keywords[i];
        json_t *v = json_object_get(s->settings, kw->name);
        if (v)
            fmt_set(settings, kw->name, json_incref(v), &s->bad);
        else if (kw->dflt && accumulates(kw))
            fmt_set(settings, kw->name, json_pack("[s]", kw->dflt), &s->bad);
        else if (kw->dflt)
            fmt_set(settings, kw->name, json_string(kw->dflt), &s->bad);
        else if (accumulates(kw))
            fmt_set(settings, kw->name, json_array(), &s->bad);
    }
    json_t *out = json_pack("{s:O, s:o, s:O, s:O, s:O, s:O}", "files", s->files, "settings", settings, "origin",
                            s->origin, "otherSettings", s->other, "match", s->blocks, "errors", s->errors);
    if (!out || s->bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}
