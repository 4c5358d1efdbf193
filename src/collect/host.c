/*
 * host.c — `vigil collect host [ROOT]`: the security settings of a Linux
 * host or of a root filesystem (mounted or extracted), as one evidence
 * document of kind "host" (docs/collect.md "host", include/vigil/collect.h).
 *
 * Every file is read relative to ROOT as a process chroot()ed there would
 * read it (src/source/rootpath.h): absolute symlinks and ".." stay inside
 * ROOT.  Nothing is executed; what only a running system can tell (the
 * listening sockets, from /proc/net) is read only when ROOT is "/", and is
 * "unchecked" otherwise.  The text formats are parsed by host_sshd.c,
 * host_accounts.c, host_sudoers.c, host_repos.c and host_text.c; the file
 * walk is host_walk.c.  Secrets never reach the document: /etc/shadow
 * gives a state per account, keys are never read.
 * Leaves out: what each section's docs list; NSS sources other than files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"
#include "source/rootpath.h"
#include "vigil/collect.h"
#include "vigil/io.h"

#define HOST_SCHEMA 1
#define MAX_GLOB 1000
#define MAX_GLOB_LISTS 1000 /* directories one glob may list, however many wildcards it has */

typedef struct host {
    vg_ctx *ctx;
    int rootfd;
    int running; /* ROOT is "/": the running system */
    json_t *doc;
    json_t *enabled; /* systemd unit files enabled, name -> true */
    int glob_lists;  /* directories the current glob may still list */
    int bad;
} host;

static void unchecked(host *h, const char *what, const char *reason)
{
    if (vg_collect_unchecked(h->ctx, h->doc, what, reason) != VG_OK)
        h->bad = 1;
}

static void note_truncated(host *h, const char *path, int truncated)
{
    if (truncated) {
        char reason[64];
        snprintf(reason, sizeof reason, "lines longer than %d bytes were cut", HOST_MAX_LINE);
        unchecked(h, path, reason);
    }
}

static const char *reason_of(int rc, int err)
{
    switch (rc) {
    case VG_ERR_PERMISSION: return "permission denied";
    case VG_ERR_UNSAFE: return "a symlink loop";
    case VG_ERR_LIMIT: return "path too long";
    }
    return strerror(err);
}

/* Resolves path (absolute, inside the root) and opens it with flags.
 * Returns the descriptor; -1 with *rc VG_ERR_NOT_FOUND when absent, or
 * another status with the "unchecked" item added. */
static int open_path(host *h, const char *path, int flags, int *rc)
{
    vg_buf resolved;
    vg_buf_init(&resolved, 4096);
    int escaped = 0, fd = -1;
    *rc = vg_root_resolve(h->ctx, h->rootfd, path, &resolved, &escaped);
    if (*rc == VG_OK) {
        fd = vg_root_open_beneath(h->rootfd, resolved.data ? resolved.data : "", flags);
        if (fd < 0)
            *rc = errno == ENOENT || errno == ENOTDIR ? VG_ERR_NOT_FOUND
                  : errno == EACCES || errno == EPERM ? VG_ERR_PERMISSION
                                                      : VG_ERR_IO;
    }
    int err = errno;
    vg_buf_free(&resolved);
    if (fd < 0 && *rc != VG_ERR_NOT_FOUND)
        unchecked(h, path, *rc == VG_ERR_NOMEM ? "out of memory" : reason_of(*rc, err));
    return fd;
}

/* Reads the regular file at path (inside the root) into out (initialised
 * here; the caller frees it).  VG_OK; VG_ERR_NOT_FOUND when absent;
 * otherwise the status, with an "unchecked" item. */
static int read_file(host *h, const char *path, vg_buf *out)
{
    vg_buf_init(out, HOST_MAX_FILE);
    int rc;
    int fd = open_path(h, path, O_RDONLY | O_NONBLOCK, &rc);
    if (fd < 0)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        unchecked(h, path, "not a regular file");
        return VG_ERR_UNSUPPORTED;
    }
    rc = vg_read_all(fd, out);
    int err = errno;
    close(fd);
    if (rc == VG_ERR_LIMIT)
        unchecked(h, path, "larger than 16 MiB");
    else if (rc != VG_OK)
        unchecked(h, path, rc == VG_ERR_NOMEM ? "out of memory" : strerror(err));
    return rc;
}

static int exists(host *h, const char *path)
{
    vg_buf resolved;
    vg_buf_init(&resolved, 4096);
    int escaped = 0;
    int rc = vg_root_resolve(h->ctx, h->rootfd, path, &resolved, &escaped);
    vg_buf_free(&resolved);
    return rc == VG_OK;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names in directory dir (inside the root), sorted, as a new array
 * (empty when the directory is absent; unreadable: "unchecked"). */
static json_t *list_dir(host *h, const char *dir)
{
    json_t *out = json_array();
    int rc;
    int fd = open_path(h, dir, O_RDONLY | O_DIRECTORY, &rc);
    if (!out || fd < 0) {
        h->bad |= !out;
        if (fd >= 0)
            close(fd);
        return out;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return out;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < MAX_GLOB) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        if (!(names[n] = strdup(de->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        host_append_str(out, names[i], &h->bad);
        free(names[i]);
    }
    free(names);
    return out;
}

/* Appends to out the paths matching the glob pattern below prefix (rest:
 * the components still to match), as glob(3) would: wildcards match no
 * leading dot. */
static void glob_below(host *h, const char *prefix, const char *rest, json_t *out)
{
    while (*rest == '/')
        rest++;
    if (json_array_size(out) >= MAX_GLOB)
        return;
    char path[4096];
    if (!*rest) {
        if (exists(h, *prefix ? prefix : "/"))
            host_append_str(out, *prefix ? prefix : "/", &h->bad);
        return;
    }
    size_t n = strcspn(rest, "/");
    char comp[1024];
    if (n >= sizeof comp)
        return;
    memcpy(comp, rest, n);
    comp[n] = '\0';
    if (!strpbrk(comp, "*?[")) {
        if (snprintf(path, sizeof path, "%s/%s", prefix, comp) < (int)sizeof path)
            glob_below(h, path, rest + n, out);
        return;
    }
    if (h->glob_lists-- <= 0)
        return;
    json_t *names = list_dir(h, *prefix ? prefix : "/");
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        if (fnmatch(comp, json_string_value(name), FNM_PERIOD) == 0 &&
            snprintf(path, sizeof path, "%s/%s", prefix, json_string_value(name)) < (int)sizeof path)
            glob_below(h, path, rest + n, out);
    }
    json_decref(names);
}

static int string_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* The paths matching pattern (absolute), sorted as glob(3) sorts them. */
static json_t *glob_paths(host *h, const char *pattern)
{
    json_t *out = json_array();
    if (!out) {
        h->bad = 1;
        return NULL;
    }
    h->glob_lists = MAX_GLOB_LISTS;
    glob_below(h, "", pattern, out);
    size_t n = json_array_size(out);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items) {
        h->bad = 1;
        return out;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(out, i));
    qsort(items, n, sizeof *items, string_cmp);
    json_array_clear(out);
    for (size_t i = 0; i < n; i++)
        fmt_append(out, items[i], &h->bad);
    free(items);
    return out;
}

/* What reads the text of one file: path, its text, and where to say that
 * a line was cut. */
typedef void (*text_fn)(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated);

/* Reads path and hands its text to fn; 1 when it was read. */
static int with_text(host *h, const char *path, text_fn fn, void *arg)
{
    vg_buf b;
    int rc = read_file(h, path, &b);
    if (rc == VG_OK) {
        int truncated = 0;
        fn(h, path, b.data ? b.data : "", b.len, arg, &truncated);
        note_truncated(h, path, truncated);
    }
    vg_buf_free(&b);
    return rc == VG_OK;
}

/* with_text() for every name of directory dir that wanted accepts (NULL:
 * all), in sorted order. */
static void with_each_text(host *h, const char *dir, int (*wanted)(const char *name), text_fn fn, void *arg)
{
    json_t *names = list_dir(h, dir);
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        char path[4096];
        if ((!wanted || wanted(json_string_value(name))) &&
            snprintf(path, sizeof path, "%s/%s", dir, json_string_value(name)) < (int)sizeof path)
            with_text(h, path, fn, arg);
    }
    json_decref(names);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int conf_name(const char *name) { return name[0] != '.' && ends_with(name, ".conf"); }

static json_t *or_null(json_t *v) { return v ? v : json_null(); }

/* ---- os-release ---- */

static json_t *os_release(host *h)
{
    vg_buf b;
    int rc = read_file(h, "/etc/os-release", &b);
    if (rc == VG_ERR_NOT_FOUND) {
        vg_buf_free(&b);
        rc = read_file(h, "/usr/lib/os-release", &b);
    }
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return json_null();
    }
    json_t *raw = json_object(), *out = json_object();
    int truncated = 0;
    host_parse_keyvalue(b.data, b.len, '=', raw, &h->bad, &truncated);
    vg_buf_free(&b);
    static const char *const keys[][2] = {{"ID", "id"}, {"VERSION_ID", "versionId"}, {"PRETTY_NAME", "prettyName"}};
    for (size_t i = 0; out && i < 3; i++) {
        const char *v = json_string_value(json_object_get(raw, keys[i][0]));
        char tmp[HOST_MAX_LINE + 1];
        snprintf(tmp, sizeof tmp, "%s", v ? v : "");
        size_t n = strlen(tmp);
        char *s = tmp;
        if (n >= 2 && (tmp[0] == '"' || tmp[0] == '\'') && tmp[n - 1] == tmp[0]) {
            tmp[n - 1] = '\0';
            s++;
        }
        fmt_set(out, keys[i][1], v ? fmt_str(s) : json_null(), &h->bad);
    }
    json_decref(raw);
    return out ? out : json_null();
}

/* text_fn of /etc/hostname (hostname(5)): its first word, into the
 * string arg points to. */
static void hostname_text(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (!*(json_t **)arg && host_lines_next(&it)) {
        char *s = host_trim(it.line);
        char *w = *s == '#' ? NULL : host_word(&s);
        if (w)
            *(json_t **)arg = fmt_str(w);
    }
    *truncated |= it.truncated;
}

static json_t *hostname(host *h)
{
    json_t *name = NULL;
    with_text(h, "/etc/hostname", hostname_text, &name);
    return or_null(name);
}

/* ---- sshd ---- */

/* What sshd_text() parses into, and its first failure. */
typedef struct sshd_arg {
    host_sshd *s;
    int depth;
    int rc;
} sshd_arg;

static void sshd_text(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    sshd_arg *a = arg;
    if (a->rc == VG_OK)
        a->rc = host_sshd_parse(a->s, path, text, len, a->depth, truncated);
}

static int sshd_include(host_sshd *s, const char *pattern, int depth, void *arg)
{
    host *h = arg;
    char full[4096];
    snprintf(full, sizeof full, "%s%s", pattern[0] == '/' ? "" : "/etc/ssh/", pattern);
    json_t *paths = glob_paths(h, full);
    sshd_arg a = {s, depth + 1, VG_OK};
    size_t i;
    json_t *p;
    json_array_foreach(paths, i, p) with_text(h, json_string_value(p), sshd_text, &a);
    json_decref(paths);
    return a.rc;
}

static json_t *sshd(host *h)
{
    host_sshd *s = host_sshd_new(sshd_include, h);
    sshd_arg a = {s, 0, VG_OK};
    json_t *out = NULL;
    if (!s)
        h->bad = 1;
    else if (!with_text(h, "/etc/ssh/sshd_config", sshd_text, &a))
        out = json_null();
    else if (a.rc == VG_OK)
        out = host_sshd_result(s);
    host_sshd_free(s);
    h->bad |= !out;
    return out;
}

/* ---- accounts, login.defs, PAM ---- */

static json_t *accounts(host *h)
{
    vg_buf passwd, shadow;
    int rc = read_file(h, "/etc/passwd", &passwd);
    int src = read_file(h, "/etc/shadow", &shadow);
    json_t *out = json_null();
    if (rc == VG_ERR_NOT_FOUND)
        unchecked(h, "/etc/passwd", "absent");
    if (rc == VG_OK) {
        int truncated[2] = {0, 0};
        /* an absent shadow file is no entry for anyone, as for passwd -S */
        const char *text = src == VG_OK ? (shadow.data ? shadow.data : "") : src == VG_ERR_NOT_FOUND ? "" : NULL;
        out = host_accounts_parse(passwd.data ? passwd.data : "", passwd.len, text, src == VG_OK ? shadow.len : 0,
                                  truncated);
        h->bad |= !out;
        note_truncated(h, "/etc/passwd", truncated[0]);
        note_truncated(h, "/etc/shadow", truncated[1]);
    }
    vg_buf_free(&passwd);
    vg_buf_free(&shadow);
    return out;
}

/* text_fn of KEY VALUE files (arg: the object filled). */
static void keyvalue_blank(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    host_parse_keyvalue(text, len, 0, arg, &h->bad, truncated);
}

/* text_fn of KEY=VALUE files (arg: the object filled). */
static void keyvalue_equals(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    host_parse_keyvalue(text, len, '=', arg, &h->bad, truncated);
}

/* The pairs of path (fn: keyvalue_blank or keyvalue_equals) then of the
 * *.conf files of dir (NULL: none), later values winning; null when none
 * of them is there. */
static json_t *keyvalue(host *h, const char *path, const char *dir, text_fn fn)
{
    json_t *obj = json_object();
    if (!obj) {
        h->bad = 1;
        return json_null();
    }
    int found = with_text(h, path, fn, obj);
    if (dir) {
        size_t before = json_object_size(obj);
        with_each_text(h, dir, conf_name, fn, obj);
        found |= json_object_size(obj) != before;
    }
    if (!found) {
        json_decref(obj);
        return json_null();
    }
    return obj;
}

static void pam_file(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    json_t *lines = host_pam_parse(text, len, truncated);
    h->bad |= !lines;
    fmt_set(arg, path, lines, &h->bad);
}

static json_t *pam(host *h)
{
    json_t *files = json_object();
    with_each_text(h, "/etc/pam.d", NULL, pam_file, files);
    return json_pack("{s:o, s:o, s:o}", "files", or_null(files), "pwquality",
                     keyvalue(h, "/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d", keyvalue_equals),
                     "faillock", keyvalue(h, "/etc/security/faillock.conf", NULL, keyvalue_equals));
}

/* ---- sudoers ---- */

/* What sudoers_text() parses into, and its first failure. */
typedef struct sudoers_arg {
    host_sudoers *s;
    int depth;
    int rc;
} sudoers_arg;

static void sudoers_text(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    sudoers_arg *a = arg;
    if (a->rc == VG_OK)
        a->rc = host_sudoers_parse(a->s, path, text, len, a->depth, truncated);
}

static int sudoers_file(host *h, host_sudoers *s, const char *path, int depth)
{
    sudoers_arg a = {s, depth, VG_OK};
    with_text(h, path, sudoers_text, &a);
    return a.rc;
}

static int sudoers_include(host_sudoers *s, const char *file, const char *path, int dir, int depth, void *arg)
{
    host *h = arg;
    char full[4096];
    if (path[0] == '/') {
        snprintf(full, sizeof full, "%s", path);
    } else { /* relative to the including file's directory */
        const char *slash = strrchr(file, '/');
        snprintf(full, sizeof full, "%.*s/%s", slash ? (int)(slash - file) : 0, file, path);
    }
    if (!dir)
        return sudoers_file(h, s, full, depth + 1);
    json_t *names = list_dir(h, full);
    size_t i;
    json_t *name;
    int rc = VG_OK;
    json_array_foreach(names, i, name) {
        const char *n = json_string_value(name);
        size_t len = strlen(n);
        if (strchr(n, '.') || (len && n[len - 1] == '~')) /* sudoers(5): such names are skipped */
            continue;
        char one[4096 + 256];
        snprintf(one, sizeof one, "%s/%s", full, n);
        if ((rc = sudoers_file(h, s, one, depth + 1)) != VG_OK)
            break;
    }
    json_decref(names);
    return rc;
}

static json_t *sudoers(host *h)
{
    if (!exists(h, "/etc/sudoers"))
        return json_null();
    host_sudoers *s = host_sudoers_new(sudoers_include, h);
    json_t *out = NULL;
    if (s && sudoers_file(h, s, "/etc/sudoers", 0) == VG_OK)
        out = host_sudoers_result(s);
    host_sudoers_free(s);
    h->bad |= !out;
    return out;
}

/* The keys of obj, sorted, as a new array (NULL when out of memory). */
static json_t *sorted_keys(host *h, json_t *obj)
{
    json_t *out = json_array();
    const char **keys = malloc((json_object_size(obj) + 1) * sizeof *keys);
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) if (keys) keys[n++] = key;
    if (keys)
        qsort(keys, n, sizeof *keys, name_cmp);
    for (size_t i = 0; keys && i < n; i++)
        host_append_str(out, keys[i], &h->bad);
    free(keys);
    if (!keys || !out) {
        h->bad = 1;
        json_decref(out);
        return NULL;
    }
    return out;
}

/* ---- systemd ---- */

/* Unit files enabled in /etc/systemd/system: the names in its *.wants,
 * *.requires and *.upholds directories (instances counted as their
 * template, "getty@tty1.service" as "getty@.service"). */
static json_t *systemd_enabled(host *h)
{
    const char *dir = "/etc/systemd/system";
    json_t *names = list_dir(h, dir);
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        const char *n = json_string_value(name);
        const char *dot = strrchr(n, '.');
        if (!dot || (strcmp(dot, ".wants") != 0 && strcmp(dot, ".requires") != 0 && strcmp(dot, ".upholds") != 0))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        json_t *units = list_dir(h, path);
        size_t j;
        json_t *unit;
        json_array_foreach(units, j, unit) {
            char u[1024];
            snprintf(u, sizeof u, "%s", json_string_value(unit));
            char *at = strchr(u, '@'), *udot = strrchr(u, '.');
            if (at && udot && udot > at)
                memmove(at + 1, udot, strlen(udot) + 1);
            if (json_object_size(h->enabled) < HOST_MAX_ITEMS)
                fmt_set(h->enabled, u, json_true(), &h->bad);
        }
        json_decref(units);
    }
    json_decref(names);
    return sorted_keys(h, h->enabled);
}

static int enabled(host *h, const char *unit) { return json_object_get(h->enabled, unit) != NULL; }

/* ---- listening sockets ---- */

static void proc_net(host *h, const char *file, const char *protocol, int v6, json_t *seen)
{
    FILE *f = fopen(file, "re");
    if (!f) {
        if (errno != ENOENT)
            unchecked(h, file, strerror(errno));
        return;
    }
    char line[512];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        if (first) { /* the header */
            first = 0;
            continue;
        }
        char local[64], remote[64];
        unsigned lport, rport, state;
        if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %63[0-9A-Fa-f]:%x %x", local, &lport, remote, &rport, &state) != 5)
            continue;
        int listening = strcmp(protocol, "tcp") == 0 ? state == 0x0A : state == 0x07 && rport == 0;
        if (!listening)
            continue;
        unsigned char addr[16];
        size_t words = v6 ? 4 : 1;
        if (strlen(local) != words * 8)
            continue;
        for (size_t w = 0; w < words; w++) {
            char hex[9];
            memcpy(hex, local + 8 * w, 8);
            hex[8] = '\0';
            unsigned int word = (unsigned int)strtoul(hex, NULL, 16); /* the kernel's words, host order */
            memcpy(addr + 4 * w, &word, 4);
        }
        char text[INET6_ADDRSTRLEN];
        if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, text, sizeof text))
            continue;
        char key[128];
        snprintf(key, sizeof key, "%s %s %u", protocol, text, lport);
        if (json_object_get(seen, key))
            continue;
        json_t *e = json_pack("{s:s, s:s, s:i}", "protocol", protocol, "address", text, "port", (int)lport);
        fmt_set(seen, key, e, &h->bad);
    }
    fclose(f);
}

static json_t *listening(host *h)
{
    if (!h->running) {
        unchecked(h, "listening sockets", "the root is not the running system (only / is)");
        return json_null();
    }
    json_t *seen = json_object();
    if (!seen) {
        h->bad = 1;
        return json_null();
    }
    proc_net(h, "/proc/net/tcp", "tcp", 0, seen);
    proc_net(h, "/proc/net/tcp6", "tcp", 1, seen);
    proc_net(h, "/proc/net/udp", "udp", 0, seen);
    proc_net(h, "/proc/net/udp6", "udp", 1, seen);
    json_t *keys = sorted_keys(h, seen), *out = json_array();
    size_t i;
    json_t *key;
    json_array_foreach(keys, i, key) fmt_append(out, json_incref(json_object_get(seen, json_string_value(key))), &h->bad);
    json_decref(keys);
    json_decref(seen);
    return or_null(out);
}

/* ---- repositories ---- */

static void apt_sources(host *h, const char *path, const char *text, size_t len, void *repos, int *truncated)
{
    if (ends_with(path, ".sources"))
        host_repos_apt_deb822(path, text, len, repos, &h->bad, truncated);
    else
        host_repos_apt_list(path, text, len, repos, &h->bad, truncated);
}

static int apt_sources_name(const char *name) { return ends_with(name, ".list") || ends_with(name, ".sources"); }

static void yum_main(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    *(int *)arg = host_repos_yum_main_gpgcheck(text, len);
}

typedef struct repo_arg {
    json_t *repos;
    int number; /* yum: gpgcheck's default; apk: the number of keys */
} repo_arg;

static void yum_repo(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    repo_arg *r = arg;
    host_repos_yum(path, text, len, r->number, r->repos, &h->bad, truncated);
}

static int repo_name(const char *name) { return ends_with(name, ".repo"); }

static void apk_repos(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    repo_arg *r = arg;
    host_repos_apk(path, text, len, r->number, r->repos, &h->bad, truncated);
}

static json_t *repositories(host *h)
{
    json_t *repos = json_array();
    if (!repos) {
        h->bad = 1;
        return json_null();
    }
    with_text(h, "/etc/apt/sources.list", apt_sources, repos);
    with_each_text(h, "/etc/apt/sources.list.d", apt_sources_name, apt_sources, repos);
    repo_arg r = {.repos = repos, .number = -1};
    if (!with_text(h, "/etc/dnf/dnf.conf", yum_main, &r.number))
        with_text(h, "/etc/yum.conf", yum_main, &r.number);
    with_each_text(h, "/etc/yum.repos.d", repo_name, yum_repo, &r);
    json_t *keys = list_dir(h, "/etc/apk/keys");
    r.number = (int)json_array_size(keys);
    json_decref(keys);
    with_text(h, "/etc/apk/repositories", apk_repos, &r);
    return repos;
}

/* ---- automatic updates ---- */

static void apt_conf(host *h, const char *path, const char *text, size_t len, void *values, int *truncated)
{
    host_aptconf_parse(text, len, values, &h->bad, truncated);
}

/* apt.conf(5): the parts read are named with [A-Za-z0-9_.-], ending in
 * ".conf" or without a dot. */
static int apt_conf_name(const char *name)
{
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(name) &&
           (!strchr(name, '.') || ends_with(name, ".conf"));
}

static json_t *apt_periodic(host *h)
{
    json_t *values = json_object();
    if (!values) {
        h->bad = 1;
        return json_null();
    }
    with_text(h, "/etc/apt/apt.conf", apt_conf, values);
    with_each_text(h, "/etc/apt/apt.conf.d", apt_conf_name, apt_conf, values);
    const char *lists = json_string_value(json_object_get(values, "apt::periodic::update-package-lists"));
    const char *upgrade = json_string_value(json_object_get(values, "apt::periodic::unattended-upgrade"));
    int installed = exists(h, "/usr/bin/unattended-upgrade");
    int timer = enabled(h, "apt-daily-upgrade.timer");
    int configured = installed && upgrade && strcmp(upgrade, "0") != 0 && *upgrade && timer;
    json_t *out = json_pack("{s:o, s:o, s:b, s:b, s:b}", "updatePackageLists", lists ? fmt_str(lists) : json_null(),
                            "unattendedUpgrade", upgrade ? fmt_str(upgrade) : json_null(), "unattendedUpgradesInstalled",
                            installed, "timerEnabled", timer, "configured", configured);
    json_decref(values);
    return or_null(out);
}

static json_t *dnf_automatic(host *h)
{
    int installed = exists(h, "/usr/bin/dnf-automatic");
    json_t *conf = keyvalue(h, "/etc/dnf/automatic.conf", NULL, keyvalue_equals);
    const char *apply = json_string_value(json_object_get(conf, "apply_updates"));
    const char *type = json_string_value(json_object_get(conf, "upgrade_type"));
    int timer = enabled(h, "dnf-automatic.timer") || enabled(h, "dnf-automatic-install.timer");
    int apply_yes = apply && (strcmp(apply, "yes") == 0 || strcmp(apply, "True") == 0 || strcmp(apply, "true") == 0 ||
                              strcmp(apply, "1") == 0);
    int configured = installed && (enabled(h, "dnf-automatic-install.timer") || (timer && apply_yes));
    json_t *out = json_pack("{s:b, s:o, s:o, s:b, s:b}", "installed", installed, "applyUpdates",
                            apply ? json_boolean(apply_yes) : json_null(), "upgradeType",
                            type ? fmt_str(type) : json_null(), "timerEnabled", timer, "configured", configured);
    json_decref(conf);
    return or_null(out);
}

static json_t *automatic_updates(host *h)
{
    json_t *apt = apt_periodic(h), *dnf = dnf_automatic(h);
    int configured = json_is_true(json_object_get(apt, "configured")) || json_is_true(json_object_get(dnf, "configured"));
    return json_pack("{s:o, s:o, s:b}", "apt", apt, "dnfAutomatic", dnf, "configured", configured);
}

/* ---- time synchronisation ---- */

/* text_fn: the servers named by "server", "pool" and "peer" lines of an
 * ntp.conf-like file (chrony.conf(5), ntp.conf(5)) into the array arg. */
static void ntp_servers(host *h, const char *path, const char *text, size_t len, void *servers, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it)) {
        char *s = it.line;
        char *w = host_word(&s);
        if (w && (strcmp(w, "server") == 0 || strcmp(w, "pool") == 0 || strcmp(w, "peer") == 0) &&
            (w = host_word(&s)))
            host_append_str(servers, w, &h->bad);
    }
    *truncated |= it.truncated;
}

static json_t *time_service(const char *service, int installed, int on, json_t *servers)
{
    return json_pack("{s:s, s:b, s:b, s:o}", "service", service, "installed", installed, "enabled", on, "servers",
                     or_null(servers));
}

static json_t *time_sync(host *h)
{
    json_t *services = json_array();
    /* systemd-timesyncd: NTP= of timesyncd.conf and its drop-ins */
    json_t *conf = keyvalue(h, "/etc/systemd/timesyncd.conf", "/etc/systemd/timesyncd.conf.d", keyvalue_equals);
    json_t *servers = json_array();
    char list[HOST_MAX_LINE + 1];
    const char *ntp = json_string_value(json_object_get(conf, "NTP"));
    snprintf(list, sizeof list, "%s", ntp ? ntp : "");
    char *s = list;
    for (char *w; (w = host_word(&s));)
        host_append_str(servers, w, &h->bad);
    json_decref(conf);
    int installed = exists(h, "/lib/systemd/systemd-timesyncd") || exists(h, "/usr/lib/systemd/systemd-timesyncd");
    fmt_append(services, time_service("systemd-timesyncd", installed, enabled(h, "systemd-timesyncd.service"), servers),
               &h->bad);
    /* chrony, ntpd and NTPsec: "server" and "pool" lines */
    static const struct {
        const char *service;
        const char *binary;
        const char *confs[3];
        const char *units[4];
    } daemons[] = {
        {"chrony", "/usr/sbin/chronyd", {"/etc/chrony/chrony.conf", "/etc/chrony.conf", NULL},
         {"chrony.service", "chronyd.service", NULL, NULL}},
        {"ntp", "/usr/sbin/ntpd", {"/etc/ntp.conf", "/etc/ntpsec/ntp.conf", NULL},
         {"ntp.service", "ntpsec.service", "ntpd.service", NULL}},
    };
    for (size_t d = 0; d < sizeof daemons / sizeof daemons[0]; d++) {
        servers = json_array();
        for (const char *const *c = daemons[d].confs; *c; c++)
            with_text(h, *c, ntp_servers, servers);
        int on = 0;
        for (const char *const *u = daemons[d].units; *u; u++)
            on |= enabled(h, *u);
        fmt_append(services, time_service(daemons[d].service, exists(h, daemons[d].binary), on, servers), &h->bad);
    }
    int configured = 0;
    size_t i;
    json_t *svc;
    json_array_foreach(services, i, svc) configured |= json_is_true(json_object_get(svc, "installed")) &&
                                                       json_is_true(json_object_get(svc, "enabled"));
    return json_pack("{s:o, s:b}", "services", or_null(services), "configured", configured);
}

/* ---- audit, crypttab, firewall ---- */

/* What count_lines() counts: the lines keep() accepts (trimmed). */
typedef struct counter {
    int (*keep)(const char *line);
    long n;
} counter;

static void count_text(host *h, const char *path, const char *text, size_t len, void *arg, int *truncated)
{
    counter *c = arg;
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it))
        c->n += c->keep(host_trim(it.line));
    *truncated |= it.truncated;
}

/* Lines of path for which keep(line) is true; -1 when absent. */
static long count_lines(host *h, const char *path, int (*keep)(const char *line))
{
    counter c = {keep, 0};
    return with_text(h, path, count_text, &c) ? c.n : -1;
}

static int audit_rule(const char *line)
{
    return strncmp(line, "-a ", 3) == 0 || strncmp(line, "-A ", 3) == 0 || strncmp(line, "-w ", 3) == 0 ||
           strncmp(line, "-a\t", 3) == 0 || strncmp(line, "-w\t", 3) == 0;
}

/* text_fn of the files of /etc/audit/rules.d (arg: the "ruleFiles"). */
static void audit_file(host *h, const char *path, const char *text, size_t len, void *files, int *truncated)
{
    counter c = {audit_rule, 0};
    count_text(h, path, text, len, &c, truncated);
    fmt_append(files, json_pack("{s:s, s:I}", "file", path, "rules", (json_int_t)c.n), &h->bad);
}

static int rules_name(const char *name) { return ends_with(name, ".rules"); }

static json_t *audit(host *h)
{
    json_t *files = json_array();
    with_each_text(h, "/etc/audit/rules.d", rules_name, audit_file, files);
    json_int_t total = 0;
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) total += json_integer_value(json_object_get(f, "rules"));
    long compiled = count_lines(h, "/etc/audit/audit.rules", audit_rule);
    int installed = exists(h, "/sbin/auditd") || exists(h, "/usr/sbin/auditd");
    return json_pack("{s:b, s:b, s:o, s:I, s:o}", "installed", installed, "enabled", enabled(h, "auditd.service"),
                     "ruleFiles", or_null(files), "rules", total, "auditRules",
                     compiled >= 0 ? json_integer(compiled) : json_null());
}

/* text_fn of crypttab(5) (arg: the array filled): names, devices,
 * options, and whether a key file is named (never which). */
static void crypttab_text(host *h, const char *path, const char *text, size_t len, void *out, int *truncated)
{
    host_lines it;
    host_lines_init(&it, text, len);
    while (host_lines_next(&it) && json_array_size(out) < HOST_MAX_ITEMS) {
        char *s = host_trim(it.line);
        if (!*s || *s == '#')
            continue;
        char *name = host_word(&s), *device = host_word(&s), *key = host_word(&s), *opts = host_word(&s);
        int keyfile = key && strcmp(key, "none") != 0 && strcmp(key, "-") != 0;
        json_t *e = json_object();
        host_set_str(e, "name", name, &h->bad);
        host_set_str(e, "device", device ? device : "", &h->bad);
        fmt_set(e, "keyFile", json_boolean(keyfile), &h->bad);
        json_t *list = json_array();
        for (char *o = opts ? strtok(opts, ",") : NULL; o; o = strtok(NULL, ","))
            host_append_str(list, o, &h->bad);
        fmt_set(e, "options", list, &h->bad);
        fmt_append(out, e, &h->bad);
    }
    *truncated |= it.truncated;
}

static json_t *crypttab(host *h)
{
    json_t *out = json_array();
    if (!out || !with_text(h, "/etc/crypttab", crypttab_text, out)) {
        h->bad |= !out;
        json_decref(out);
        return json_null();
    }
    return out;
}

/* An nftables line that is a rule: not blank, a comment, a table or chain
 * statement, a chain's "type ... hook" or "policy", or a closing brace. */
static int nft_rule(const char *line)
{
    static const char *const not_rules[] = {"#", "table ", "chain ", "type ", "policy ", "}", "flush ", "include ",
                                            "define ", NULL};
    if (!*line)
        return 0;
    for (const char *const *p = not_rules; *p; p++)
        if (strncmp(line, *p, strlen(*p)) == 0)
            return 0;
    return 1;
}

static int iptables_rule(const char *line) { return strncmp(line, "-A ", 3) == 0; }

static json_t *ruleset(host *h, const char *path, int (*keep)(const char *))
{
    long n = count_lines(h, path, keep);
    return n < 0 ? NULL : json_pack("{s:s, s:I}", "file", path, "rules", (json_int_t)n);
}

static json_t *firewall(host *h)
{
    json_t *rulesets = json_array();
    static const char *const nft[] = {"/etc/nftables.conf", "/etc/sysconfig/nftables.conf", NULL};
    static const char *const ipt[] = {"/etc/iptables/rules.v4", "/etc/iptables/rules.v6", "/etc/sysconfig/iptables",
                                      "/etc/sysconfig/ip6tables", NULL};
    long rules = 0;
    for (int k = 0; k < 2; k++)
        for (const char *const *p = k ? ipt : nft; *p; p++) {
            json_t *r = ruleset(h, *p, k ? iptables_rule : nft_rule);
            if (r) {
                fmt_set(r, "kind", json_string(k ? "iptables" : "nftables"), &h->bad);
                rules += (long)json_integer_value(json_object_get(r, "rules"));
                fmt_append(rulesets, r, &h->bad);
            }
        }
    json_t *ufw = keyvalue(h, "/etc/ufw/ufw.conf", NULL, keyvalue_equals);
    const char *ufw_on = json_string_value(json_object_get(ufw, "ENABLED"));
    int ufw_enabled = ufw_on && strcmp(ufw_on, "yes") == 0;
    json_decref(ufw);
    int nft_on = enabled(h, "nftables.service"), ipt_on = enabled(h, "netfilter-persistent.service") ||
                                                          enabled(h, "iptables.service");
    int firewalld_on = enabled(h, "firewalld.service");
    int present = (rules > 0 && (nft_on || ipt_on)) || ufw_enabled || firewalld_on;
    return json_pack("{s:o, s:{s:b, s:b, s:b, s:b}, s:b}", "rulesets", or_null(rulesets), "enabled", "nftables",
                     nft_on, "iptables", ipt_on, "ufw", ufw_enabled, "firewalld", firewalld_on, "present", present);
}

/* ---- the document ---- */

static void section(host *h, const char *name, json_t *value)
{
    fmt_set(h->doc, name, value ? value : json_null(), &h->bad);
    h->bad |= !value;
}

json_t *vg_collect_host(vg_ctx *ctx, const char *root, int64_t collected)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", root,
                 errno == ENOTDIR ? "not a directory" : strerror(errno));
        return NULL;
    }
    struct stat st, rootst;
    host h = {.ctx = ctx, .rootfd = fd};
    h.running = fstat(fd, &st) == 0 && stat("/", &rootst) == 0 && st.st_dev == rootst.st_dev &&
                st.st_ino == rootst.st_ino;
    h.doc = vg_collect_document(ctx, "host", HOST_SCHEMA, collected, root);
    h.enabled = json_object();
    if (!h.doc || !h.enabled) {
        close(fd);
        json_decref(h.doc);
        json_decref(h.enabled);
        if (h.doc)
            vg_error(ctx, VG_ERR_NOMEM, "collect host: out of memory");
        return NULL;
    }
    fmt_set(h.doc, "running", json_boolean(h.running), &h.bad);
    section(&h, "hostname", hostname(&h));
    section(&h, "os", os_release(&h));
    json_t *units = systemd_enabled(&h);
    section(&h, "sshd", sshd(&h));
    section(&h, "accounts", accounts(&h));
    section(&h, "loginDefs", keyvalue(&h, "/etc/login.defs", NULL, keyvalue_blank));
    section(&h, "pam", pam(&h));
    section(&h, "sudoers", sudoers(&h));
    section(&h, "fileModes", host_walk(ctx, fd, h.doc));
    section(&h, "systemd", json_pack("{s:o}", "enabled", or_null(units)));
    section(&h, "listening", listening(&h));
    section(&h, "repositories", repositories(&h));
    section(&h, "automaticUpdates", automatic_updates(&h));
    section(&h, "timeSync", time_sync(&h));
    section(&h, "audit", audit(&h));
    section(&h, "crypttab", crypttab(&h));
    section(&h, "firewall", firewall(&h));
    close(fd);
    json_decref(h.enabled);
    if (h.bad) {
        json_decref(h.doc);
        vg_error(ctx, VG_ERR_NOMEM, "collect host: out of memory");
        return NULL;
    }
    return h.doc;
}
