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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/host_internal.h"
#include "format/format_internal.h"
#include "source/rootpath.h"
#include "vigil/collect.h"

#define WALK_MAX_DEPTH 256
#define WALK_THREADS 4
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

/* A directory waiting to be read: its path from the root ("" is the root,
 * else "/etc/ssh"), its depth. */
typedef struct job {
    char *path;
    int depth;
} job;

/* The walk, shared by its threads under lock. */
typedef struct walker {
    int rootfd;
    dev_t dev;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job *jobs;
    size_t njobs, jobs_cap, busy;
    size_t files, directories, unreadable, too_deep, too_long;
    char first_unreadable[WALK_PATH_MAX + 1]; /* the smallest path, so that runs agree */
    list writable, setid;
    int nomem;
} walker;

/* Adds path and st to l; under the lock. */
static void add(walker *w, list *l, const char *path, const struct stat *st)
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
    char *copy = strdup(path);
    if (!copy) {
        w->nomem = 1;
        return;
    }
    l->items[l->n++] = (entry){copy, (unsigned)st->st_mode, (unsigned)st->st_uid, (unsigned)st->st_gid};
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

static void judge(walker *w, const char *path, const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return;
    int writable = (st->st_mode & S_IWOTH) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)) &&
                   !temporary_place(path);
    int setid = S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID));
    if (!writable && !setid)
        return;
    pthread_mutex_lock(&w->lock);
    if (writable)
        add(w, &w->writable, path, st);
    if (setid)
        add(w, &w->setid, path, st);
    pthread_mutex_unlock(&w->lock);
}

/* What one thread counted, added to the walk's at its end. */
typedef struct counts {
    size_t files, directories, unreadable, too_deep, too_long;
    char first_unreadable[WALK_PATH_MAX + 1];
} counts;

static void unreadable(counts *c, const char *path)
{
    if (c->unreadable++ == 0 || strcmp(path, c->first_unreadable) < 0)
        snprintf(c->first_unreadable, sizeof c->first_unreadable, "%s", path);
}

/* Queues the subdirectories found (under the lock); frees them on failure. */
static void push(walker *w, job *found, size_t n)
{
    if (n == 0)
        return;
    pthread_mutex_lock(&w->lock);
    size_t i = 0;
    if (w->njobs + n > w->jobs_cap) {
        size_t cap = w->jobs_cap ? w->jobs_cap : 256;
        while (cap < w->njobs + n)
            cap *= 2;
        job *jobs = realloc(w->jobs, cap * sizeof *jobs);
        if (jobs) {
            w->jobs = jobs;
            w->jobs_cap = cap;
        } else {
            w->nomem = 1;
        }
    }
    if (!w->nomem)
        for (; i < n; i++)
            w->jobs[w->njobs++] = found[i];
    for (; i < n; i++)
        free(found[i].path);
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* Reads the directory of j: judges each entry, queues the subdirectories
 * to enter. */
static void walk_dir(walker *w, const job *j, counts *c)
{
    int fd = vg_root_open_beneath(w->rootfd, *j->path ? j->path + 1 : "", O_RDONLY | O_DIRECTORY);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        else if (errno != ENOENT)
            unreadable(c, *j->path ? j->path : "/");
        return;
    }
    char path[WALK_PATH_MAX + 1];
    size_t base = strlen(j->path);
    memcpy(path, j->path, base + 1);
    job found[64];
    size_t nfound = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
        if (j->depth == 0 && (strcmp(name, "proc") == 0 || strcmp(name, "sys") == 0 || strcmp(name, "dev") == 0))
            continue;
        size_t n = strlen(name);
        if (base + 1 + n > WALK_PATH_MAX) {
            c->too_long++;
            continue;
        }
        path[base] = '/';
        memcpy(path + base + 1, name, n + 1);
        struct stat st;
        if (de->d_type == DT_LNK || fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        judge(w, path, &st);
        if (!S_ISDIR(st.st_mode)) {
            c->files++;
            continue;
        }
        c->directories++;
        if (st.st_dev != w->dev) /* -xdev: judged, not entered */
            continue;
        if (j->depth + 1 >= WALK_MAX_DEPTH) {
            c->too_deep++;
            continue;
        }
        if (nfound == sizeof found / sizeof found[0]) {
            push(w, found, nfound);
            nfound = 0;
        }
        found[nfound].path = strdup(path);
        found[nfound].depth = j->depth + 1;
        if (found[nfound].path) {
            nfound++;
        } else {
            pthread_mutex_lock(&w->lock);
            w->nomem = 1;
            pthread_mutex_unlock(&w->lock);
        }
    }
    closedir(d);
    push(w, found, nfound);
}

static void *worker(void *arg)
{
    walker *w = arg;
    counts c;
    memset(&c, 0, sizeof c);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->njobs == 0 && w->busy > 0 && !w->nomem)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->njobs == 0 || w->nomem)
            break;
        job j = w->jobs[--w->njobs];
        w->busy++;
        pthread_mutex_unlock(&w->lock);
        walk_dir(w, &j, &c);
        free(j.path);
        pthread_mutex_lock(&w->lock);
        w->busy--;
    }
    pthread_cond_broadcast(&w->wake);
    w->files += c.files;
    w->directories += c.directories;
    w->too_deep += c.too_deep;
    w->too_long += c.too_long;
    if (c.unreadable && (w->unreadable == 0 || strcmp(c.first_unreadable, w->first_unreadable) < 0))
        snprintf(w->first_unreadable, sizeof w->first_unreadable, "%s", c.first_unreadable);
    w->unreadable += c.unreadable;
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Walks the root with up to WALK_THREADS threads. */
static void walk(walker *w)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cores < 1 ? 1 : cores > WALK_THREADS ? WALK_THREADS : (size_t)cores;
    pthread_t threads[WALK_THREADS];
    size_t started = 0;
    job root = {strdup(""), 0};
    if (!root.path) {
        w->nomem = 1;
        return;
    }
    push(w, &root, 1);
    for (; started < n; started++)
        if (pthread_create(&threads[started], NULL, worker, w) != 0)
            break;
    if (started == 0)
        worker(w);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (size_t i = 0; i < w->njobs; i++) /* left when out of memory */
        free(w->jobs[i].path);
    free(w->jobs);
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
    int bad = 0;
    if (fstat(rootfd, &st) != 0) {
        vg_collect_unchecked(ctx, doc, "/", "the root directory cannot be read");
        free(w);
        return json_null();
    }
    w->rootfd = rootfd;
    w->dev = st.st_dev;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    judge(w, "/", &st); /* as find judges its starting point */
    walk(w);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
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
