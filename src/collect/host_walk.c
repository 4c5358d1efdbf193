/*
 * host_walk.c — the one walk of a root filesystem that the host collector
 * makes (docs/collect.md "host", "fileModes"): world-writable files and
 * directories, and setuid or setgid regular files.
 *
 * Semantics of `find ROOT -xdev`: a directory on another device than ROOT
 * is judged itself but not entered; symlinks are never followed (and never
 * judged: their mode is always 0777).  ROOT/proc, ROOT/sys and ROOT/dev are
 * not walked at all.  World-writable: any entry but a symlink with the
 * other-write bit (find -perm -0002), except a directory with the sticky
 * bit, and except what lies at or below ROOT/tmp, ROOT/var/tmp and
 * ROOT/dev/shm, which are world-writable by design.  Setuid/setgid: a
 * regular file with either bit (find -type f -perm /6000).
 * Leaves out: file capabilities (security.capability xattrs), ACLs that
 * grant write access, directories nested deeper than WALK_MAX_DEPTH (an
 * "unchecked" item).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"
#include "vigil/collect.h"

#define WALK_MAX_DEPTH 256
#define WALK_PATH_MAX 4096

typedef struct entry {
    char *path;
    unsigned mode;
    unsigned uid, gid;
} entry;

typedef struct list {
    entry *items;
    size_t n, cap;
    size_t dropped; /* past HOST_MAX_ITEMS */
} list;

typedef struct walker {
    dev_t dev;
    char path[WALK_PATH_MAX + 1];
    size_t files, directories, unreadable, too_deep, too_long;
    char first_unreadable[WALK_PATH_MAX + 1];
    list writable, setid;
    int nomem;
} walker;

static void add(walker *w, list *l, const struct stat *st)
{
    if (l->n >= HOST_MAX_ITEMS) {
        l->dropped++;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        entry *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            w->nomem = 1;
            return;
        }
        l->items = items;
        l->cap = cap;
    }
    char *path = strdup(*w->path ? w->path : "/");
    if (!path) {
        w->nomem = 1;
        return;
    }
    l->items[l->n++] = (entry){path, (unsigned)st->st_mode, (unsigned)st->st_uid, (unsigned)st->st_gid};
}

/* path is at or below one of the places world-writable by design. */
static int temporary_place(const char *path)
{
    static const char *const places[] = {"/tmp", "/var/tmp", "/dev/shm", NULL};
    for (const char *const *p = places; *p; p++) {
        size_t n = strlen(*p);
        if (strncmp(path, *p, n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return 1;
    }
    return 0;
}

static void judge(walker *w, const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return;
    if ((st->st_mode & S_IWOTH) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)) && !temporary_place(w->path))
        add(w, &w->writable, st);
    if (S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)))
        add(w, &w->setid, st);
}

static void walk_dir(walker *w, int dirfd, int depth)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return;
    }
    size_t base = strlen(w->path);
    struct dirent *de;
    while (!w->nomem && (de = readdir(d))) {
        const char *name = de->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
        if (depth == 0 && (strcmp(name, "proc") == 0 || strcmp(name, "sys") == 0 || strcmp(name, "dev") == 0))
            continue;
        size_t n = strlen(name);
        if (base + 1 + n > WALK_PATH_MAX) {
            w->too_long++;
            continue;
        }
        w->path[base] = '/';
        memcpy(w->path + base + 1, name, n + 1);
        struct stat st;
        if (de->d_type == DT_LNK || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            w->path[base] = '\0';
            continue;
        }
        judge(w, &st);
        if (S_ISDIR(st.st_mode)) {
            w->directories++;
            if (st.st_dev != w->dev) {
                /* -xdev: judged, not entered */
            } else if (depth + 1 >= WALK_MAX_DEPTH) {
                w->too_deep++;
            } else {
                int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0) {
                    walk_dir(w, fd, depth + 1);
                } else if (errno != ENOENT) {
                    if (w->unreadable++ == 0)
                        snprintf(w->first_unreadable, sizeof w->first_unreadable, "%s", w->path);
                }
            }
        } else {
            w->files++;
        }
        w->path[base] = '\0';
    }
    closedir(d);
}

static int entry_cmp(const void *a, const void *b) { return strcmp(((const entry *)a)->path, ((const entry *)b)->path); }

static const char *type_name(unsigned mode)
{
    if (S_ISREG(mode))
        return "file";
    if (S_ISDIR(mode))
        return "directory";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISFIFO(mode))
        return "fifo";
    return "device";
}

static json_t *to_json(list *l, int *bad)
{
    if (l->n)
        qsort(l->items, l->n, sizeof *l->items, entry_cmp);
    json_t *a = json_array();
    if (!a)
        *bad = 1;
    for (size_t i = 0; a && i < l->n; i++) {
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", l->items[i].mode & 07777);
        json_t *e = json_object();
        if (!e) {
            *bad = 1;
            break;
        }
        host_set_str(e, "path", l->items[i].path, bad);
        fmt_set(e, "type", json_string(type_name(l->items[i].mode)), bad);
        fmt_set(e, "mode", json_string(mode), bad);
        fmt_set(e, "uid", json_integer(l->items[i].uid), bad);
        fmt_set(e, "gid", json_integer(l->items[i].gid), bad);
        fmt_append(a, e, bad);
    }
    return a;
}

static void free_list(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].path);
    free(l->items);
}

json_t *host_walk(vg_ctx *ctx, int rootfd, json_t *doc)
{
    walker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    struct stat st;
    json_t *out = NULL;
    int bad = 0, fd = -1;
    if (fstat(rootfd, &st) != 0 || (fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        vg_collect_unchecked(ctx, doc, "/", "the root directory cannot be read");
        free(w);
        return json_null();
    }
    w->dev = st.st_dev;
    w->path[0] = '\0';
    walk_dir(w, fd, 0);
    if (!w->nomem) {
        out = json_pack("{s:o, s:o, s:{s:I, s:I}}", "worldWritable", to_json(&w->writable, &bad), "setuidSetgid",
                        to_json(&w->setid, &bad), "walked", "files", (json_int_t)w->files, "directories",
                        (json_int_t)w->directories);
        char reason[WALK_PATH_MAX + 128];
        if (w->unreadable) {
            snprintf(reason, sizeof reason, "%zu directories could not be read (the first: %s)", w->unreadable,
                     w->first_unreadable);
            bad |= vg_collect_unchecked(ctx, doc, "file modes", reason) != VG_OK;
        }
        if (w->too_deep || w->too_long) {
            snprintf(reason, sizeof reason, "%zu directories nested deeper than %d and %zu paths longer than %d "
                     "were not walked", w->too_deep, WALK_MAX_DEPTH, w->too_long, WALK_PATH_MAX);
            bad |= vg_collect_unchecked(ctx, doc, "file modes", reason) != VG_OK;
        }
        if (w->writable.dropped || w->setid.dropped) {
            snprintf(reason, sizeof reason, "more than %d entries: %zu world-writable and %zu setuid/setgid left out",
                     HOST_MAX_ITEMS, w->writable.dropped, w->setid.dropped);
            bad |= vg_collect_unchecked(ctx, doc, "file modes", reason) != VG_OK;
        }
    }
    free_list(&w->writable);
    free_list(&w->setid);
    free(w);
    if (!out || bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}
