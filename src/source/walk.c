/*
 * walk.c — the one walk of a directory or mounted root filesystem.
 *
 * The walk has two phases.  Discovery reads the directories with
 * getdents64(), on every core, never following symlinks; types come from
 * d_type, so no file is stat()ed unless a cataloger might want it (and then
 * only for its executable bit): it costs about what `find` costs.  It yields
 * the wanted paths, which are then sorted and fed to the catalogers one by
 * one, so that what they see does not depend on directory order or thread
 * timing.  Files are opened beneath the root without following any symlink
 * (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS); symlinks a cataloger wants
 * are resolved component by component inside the root (absolute targets and
 * ".." stop at the root, as they would for a process chroot()ed there).
 *
 * Not entered: pseudo file systems mounted below the root (proc, sysfs,
 * devtmpfs, cgroup, ...: their files are not software), any other mounted
 * file system with vg_scan_options.one_filesystem, and directories nested
 * deeper than WALK_MAX_DEPTH (a warning).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "source/filehash.h"
#include "source/rootpath.h"
#include "source/source_internal.h"
#include "vigil/buf.h"

#define WALK_MAX_DEPTH 256

#define WALK_MAX_THREADS 4

/* A wanted file found by discovery. */
typedef struct found {
    char *path;
    vg_catalog_mask mask;
    int symlink;
} found;

/* A directory waiting to be read. */
typedef struct dirjob {
    char *path; /* relative to the root; "" for the root */
    dev_t dev;
    int depth;
} dirjob;

typedef struct walk {
    vg_ctx *ctx;
    vg_catalog *cat;
    const vg_scan_options *opts;
    const vg_exclude *exclude; /* --exclude: pruned at discovery */
    int rootfd;
    vg_catalog_mask random_access; /* catalogers that read through read_at */
    vg_catalog_mask executables;   /* catalogers offered every executable */

    /* Discovery, shared by its threads under lock. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    dirjob *jobs;
    size_t njobs, jobs_cap;
    size_t busy;   /* threads reading a directory now */
    int failed;    /* a status that stops discovery (out of memory) */
    found *found;
    size_t nfound, found_cap;
    size_t unreadable_dirs;
    char first_unreadable[VG_MAX_PATH + 1];
} walk;

/* File systems whose content is the kernel's, not software on disk. */
static int pseudo_filesystem(long type)
{
    switch (type) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEVPTS_SUPER_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case SECURITYFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case PSTOREFS_MAGIC:
    case BPF_FS_MAGIC:
    case 0x62656570: /* configfs */
    case 0x65735543: /* fusectl */
    case 0x19800202: /* mqueue */
    case HUGETLBFS_MAGIC:
    case 0x42494e4d: /* binfmt_misc */
    case 0x0187:     /* autofs */
        return 1;
    }
    return 0;
}

/* Reads all of fd, a regular file of size bytes (at most max bytes) into a malloc'd NUL-terminated buffer.
 * Returns 0, or an errno value; EFBIG when the file is bigger than max. */
static int read_fd(int fd, uint64_t size, size_t max, unsigned char **out, size_t *outlen)
{
    if (size > max)
        return EFBIG;
    size_t cap = (size_t)size + 1, len = 0;
    unsigned char *buf = malloc(cap + 1);
    if (!buf)
        return ENOMEM;
    for (;;) {
        if (len == cap) { /* the file grew while we read it */
            if (cap > max) {
                free(buf);
                return EFBIG;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            unsigned char *grown = realloc(buf, ncap + 1);
            if (!grown) {
                free(buf);
                return ENOMEM;
            }
            buf = grown;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max) {
        free(buf);
        return EFBIG;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

static long read_at_fd(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    int fd = *(const int *)file->handle;
    if (offset > (uint64_t)INT64_MAX)
        return 0;
    for (;;) {
        ssize_t n = pread(fd, buf, len > LONG_MAX ? LONG_MAX : len, (off_t)offset);
        if (n >= 0 || errno != EINTR)
            return (long)n;
    }
}

/* Reads the file open as fd and hands it to the catalogers in mask, under
 * the name path: loaded whole for the catalogers that need that, through
 * read_at for the VG_CATALOG_RANDOM_ACCESS ones.  Problems with the file
 * are warnings. */
static int feed_fd(walk *w, int fd, const char *path, vg_catalog_mask mask)
{
    vg_catalog_mask load = mask & ~w->random_access;
    unsigned char *data = NULL;
    size_t len = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        vg_warn(w->ctx, path, "cannot read: %s", strerror(errno));
        return VG_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        vg_warn(w->ctx, path, "cannot read: not a regular file");
        return VG_OK;
    }
    if (load) {
        size_t max = vg_catalog_max_size(w->cat, load);
        if (w->opts->max_file_size && w->opts->max_file_size < max)
            max = (size_t)w->opts->max_file_size;
        int e = read_fd(fd, (uint64_t)st.st_size, max, &data, &len);
        if (e == ENOMEM)
            return vg_error(w->ctx, VG_ERR_NOMEM, "%s: out of memory", path);
        if (e) {
            if (e == EFBIG)
                vg_warn(w->ctx, path, "skipped: larger than the %zu bytes read from one file", max);
            else
                vg_warn(w->ctx, path, "cannot read: %s", strerror(e));
            mask &= w->random_access;
            if (!mask)
                return VG_OK;
        }
    }
    vg_file file = {.path = path, .data = data, .size = data ? len : (size_t)st.st_size, .layer = -1,
                    .mode = st.st_mode & 07777, .read_at = data ? vg_file_read_memory : read_at_fd,
                    .handle = &fd};
    int rc = vg_catalog_feed(w->cat, mask, &file);
    free(data);
    return rc;
}

/* Could a file of this name be a binary?  Executables are offered to the
 * binary catalogers (Go, Rust, the binaries collector) by their mode, which
 * costs a stat per file; names with an extension that is always something
 * else (sources, scripts, documents, images, compressed data) are not
 * stat()ed for it.  A number is no such extension: ruby3.1 and
 * bin2obj-3.2.2 are executables, and man pages are compressed. */
static int maybe_binary(const char *name, size_t len)
{
    static const char *const not_binary[] = {
        "bz2", "c", "cfg", "conf", "css", "csv", "gif", "gz", "h", "hpp",
        "htm", "html", "ico", "ini", "jpg", "js", "json", "lua", "md", "mjs", "mo", "pem", "php", "pl",
        "pm", "png", "po", "py", "pyc", "rb", "rst", "sh", "svg", "tcl", "ts", "txt", "xml", "xz",
        "yaml", "yml", "zst",
    };
    const char *dot = memrchr(name, '.', len);
    if (!dot || dot == name)
        return 1;
    const char *ext = dot + 1;
    size_t elen = len - (size_t)(ext - name);
    for (size_t i = 0; i < sizeof not_binary / sizeof not_binary[0]; i++)
        if (strlen(not_binary[i]) == elen && memcmp(not_binary[i], ext, elen) == 0)
            return 0;
    return 1;
}

/* One entry of getdents64(2). */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* What one directory held: wanted files and subdirectories, handed to the
 * shared lists in one go. */
typedef struct dirscan {
    found *found;
    size_t nfound, found_cap;
    dirjob *subdirs;
    size_t nsubdirs, subdirs_cap;
} dirscan;

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return VG_OK;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return VG_ERR_NOMEM;
    *items = p;
    *cap = ncap;
    return VG_OK;
}

/* Warns about path under the walk's lock (the context is shared). */
static void walk_warn(walk *w, const char *path, const char *what, int err)
{
    pthread_mutex_lock(&w->lock);
    if (err)
        vg_warn(w->ctx, path, "%s: %s", what, strerror(err));
    else
        vg_warn(w->ctx, path, "%s", what);
    pthread_mutex_unlock(&w->lock);
}

/* Reads the directory of job into ds.  Problems are warnings; returns
 * VG_ERR_NOMEM only. */
static int read_directory(walk *w, const dirjob *job, dirscan *ds)
{
    const char *shown = *job->path ? job->path : ".";
    int dirfd = vg_root_open_beneath(w->rootfd, job->path, O_RDONLY | O_DIRECTORY);
    if (dirfd < 0) {
        if (errno == EACCES || errno == EPERM) {
            pthread_mutex_lock(&w->lock);
            if (w->unreadable_dirs++ == 0)
                snprintf(w->first_unreadable, sizeof w->first_unreadable, "%s", shown);
            pthread_mutex_unlock(&w->lock);
        } else if (errno != ENOENT) {
            walk_warn(w, shown, "cannot open the directory", errno);
        }
        return VG_OK;
    }
    size_t len = strlen(job->path);
    char path[VG_MAX_PATH + 1];
    memcpy(path, job->path, len + 1);
    size_t base = len ? len + 1 : 0;
    _Alignas(struct linux_dirent64) char buf[32768];
    int rc = VG_OK;
    for (;;) {
        long got = syscall(SYS_getdents64, dirfd, buf, sizeof buf);
        if (got < 0) {
            walk_warn(w, shown, "cannot list the directory", errno);
            break;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got && rc == VG_OK;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            off += e->d_reclen;
            const char *name = e->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
                continue;
            size_t nlen = strlen(name);
            if (base + nlen > VG_MAX_PATH) {
                walk_warn(w, shown, "skipped an entry: path longer than the limit of 4096 bytes", 0);
                continue;
            }
            if (len)
                path[len] = '/';
            memcpy(path + base, name, nlen + 1);
            size_t plen = base + nlen;
            /* Excluded: not entered, not read (its parents were not excluded, or it would not be here). */
            if (vg_exclude_match(w->exclude, path, plen))
                continue;

            unsigned char type = e->d_type;
            struct stat st;
            int have_stat = 0;
            if (type == DT_UNKNOWN) {
                if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                have_stat = 1;
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
            }
            if (type == DT_DIR) {
                if (job->depth >= WALK_MAX_DEPTH) {
                    walk_warn(w, path, "not entered: nested deeper than 256 directories", 0);
                    continue;
                }
                if (!have_stat && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                if (st.st_dev != job->dev) { /* a mount point: is it a pseudo file system? */
                    if (w->opts->one_filesystem)
                        continue;
                    struct statfs sfs;
                    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                    int pseudo = fd >= 0 && fstatfs(fd, &sfs) == 0 && pseudo_filesystem((long)sfs.f_type);
                    if (fd >= 0)
                        close(fd);
                    if (pseudo)
                        continue;
                }
                if ((rc = grow((void **)&ds->subdirs, &ds->subdirs_cap, ds->nsubdirs, sizeof *ds->subdirs)) != VG_OK)
                    break;
                char *copy = strdup(path);
                if (!copy) {
                    rc = VG_ERR_NOMEM;
                    break;
                }
                ds->subdirs[ds->nsubdirs++] = (dirjob){copy, st.st_dev, job->depth + 1};
                continue;
            }
            if (type != DT_REG && type != DT_LNK)
                continue;
            vg_catalog_mask mask = vg_catalog_wants(w->cat, path, plen, base);
            if (type == DT_LNK) {
                /* A symlink is offered by the name it has to the catalogers
                 * that read files by name (etc/os-release); binaries and
                 * archives are found under their real path, once. */
                mask &= ~w->random_access;
            } else if ((w->executables & ~mask) && maybe_binary(name, nlen)) {
                if (have_stat || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                    if (S_ISREG(st.st_mode) && (st.st_mode & 0111))
                        mask |= w->executables;
            }
            if (!mask)
                continue;
            if ((rc = grow((void **)&ds->found, &ds->found_cap, ds->nfound, sizeof *ds->found)) != VG_OK)
                break;
            char *copy = strdup(path);
            if (!copy) {
                rc = VG_ERR_NOMEM;
                break;
            }
            ds->found[ds->nfound++] = (found){copy, mask, type == DT_LNK};
        }
        if (rc)
            break;
    }
    close(dirfd);
    return rc;
}

/* A discovery thread: takes directories off the shared stack until none is
 * left and no thread is reading one (which could add more). */
static void *discover(void *arg)
{
    walk *w = arg;
    dirscan ds = {0};
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->failed)
            break;
        if (w->njobs == 0) {
            if (w->busy == 0)
                break;
            pthread_cond_wait(&w->wake, &w->lock);
            continue;
        }
        dirjob job = w->jobs[--w->njobs];
        w->busy++;
        pthread_mutex_unlock(&w->lock);

        ds.nfound = ds.nsubdirs = 0;
        int rc = read_directory(w, &job, &ds);
        free(job.path);

        pthread_mutex_lock(&w->lock);
        w->busy--;
        if (rc == VG_OK && w->nfound + ds.nfound > w->found_cap) {
            size_t cap = w->found_cap ? w->found_cap : 256;
            while (cap < w->nfound + ds.nfound)
                cap *= 2;
            found *grown = realloc(w->found, cap * sizeof *grown);
            if (grown) {
                w->found = grown;
                w->found_cap = cap;
            } else {
                rc = VG_ERR_NOMEM;
            }
        }
        if (rc == VG_OK && w->njobs + ds.nsubdirs > w->jobs_cap) {
            size_t cap = w->jobs_cap ? w->jobs_cap : 256;
            while (cap < w->njobs + ds.nsubdirs)
                cap *= 2;
            dirjob *grown = realloc(w->jobs, cap * sizeof *grown);
            if (grown) {
                w->jobs = grown;
                w->jobs_cap = cap;
            } else {
                rc = VG_ERR_NOMEM;
            }
        }
        if (rc == VG_OK) {
            if (ds.nfound)
                memcpy(w->found + w->nfound, ds.found, ds.nfound * sizeof *ds.found);
            w->nfound += ds.nfound;
            /* Pushed in reverse so that the stack is read in directory order. */
            for (size_t i = ds.nsubdirs; i-- > 0;)
                w->jobs[w->njobs++] = ds.subdirs[i];
        } else {
            for (size_t i = 0; i < ds.nfound; i++)
                free(ds.found[i].path);
            for (size_t i = 0; i < ds.nsubdirs; i++)
                free(ds.subdirs[i].path);
            w->failed = rc;
        }
        pthread_cond_broadcast(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    free(ds.found);
    free(ds.subdirs);
    return NULL;
}

static int found_cmp(const void *a, const void *b)
{
    return strcmp(((const found *)a)->path, ((const found *)b)->path);
}

/* Opens path (relative to the root) inside the root: symlinks are followed
 * with the root as "/", ".." stops at the root (rootpath.h).  Returns an
 * open fd, or -1 with a warning recorded about shown (the name the
 * catalogers know). */
static int open_in_root(walk *w, const char *path, const char *shown)
{
    vg_buf done;
    vg_buf_init(&done, VG_MAX_PATH);
    int fd = -1, escaped = 0;
    int rc = vg_root_resolve(w->ctx, w->rootfd, path, &done, &escaped);
    if (rc != VG_OK) {
        vg_warn(w->ctx, shown, "%s", rc == VG_ERR_NOMEM ? "cannot resolve: out of memory" : w->ctx->message);
        goto out;
    }
    if (escaped)
        vg_warn(w->ctx, shown, "symlink points outside the root; resolved inside it, as the system would");
    if (done.len == 0) {
        vg_warn(w->ctx, shown, "cannot read: resolves to the root directory");
        goto out;
    }
    if (vg_exclude_match(w->exclude, done.data, done.len))
        goto out; /* leads into what --exclude leaves out: not followed, no warning */
    /* done has no symlink in it, as resolved: one swapped in since is not followed. */
    fd = vg_root_open_beneath(w->rootfd, done.data, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        vg_warn(w->ctx, shown, "cannot open /%s: %s", done.data, strerror(errno));
out:
    vg_buf_free(&done);
    return fd;
}

int vg_scan_directory(vg_ctx *ctx, const char *path, int dirfd, const vg_scan_options *opts, const vg_exclude *ex,
                      vg_inventory *inv)
{
    walk w = {.ctx = ctx, .opts = opts, .exclude = ex, .rootfd = dirfd};
    struct stat st;
    if (fstat(w.rootfd, &st) != 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    inv->target.kind = VG_TARGET_DIRECTORY;
    inv->target.path = vg_arena_strdup(&inv->arena, path);
    inv->target.name = inv->target.path;
    if (!inv->target.path)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = vg_catalog_begin(ctx, inv, opts->table, opts->catalogers, opts->user, &w.cat);
    if (rc)
        return rc;
    w.random_access = vg_catalog_flagged(w.cat, VG_CATALOG_RANDOM_ACCESS);
    w.executables = vg_catalog_flagged(w.cat, VG_CATALOG_EXECUTABLES);

    /* Discovery, on every core. */
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.wake, NULL);
    w.jobs = malloc(sizeof *w.jobs);
    char *root = strdup("");
    if (!w.jobs || !root) {
        free(root);
        w.failed = VG_ERR_NOMEM;
    } else {
        w.jobs[0] = (dirjob){root, st.st_dev, 0};
        w.njobs = w.jobs_cap = 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cores < 1 ? 1 : cores > WALK_MAX_THREADS ? WALK_MAX_THREADS : (size_t)cores;
    pthread_t threads[WALK_MAX_THREADS];
    size_t started = 0;
    for (size_t i = 1; i < nthreads && !w.failed; i++)
        if (pthread_create(&threads[started], NULL, discover, &w) == 0)
            started++;
    discover(&w); /* this thread is one of them */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (size_t i = 0; i < w.njobs; i++) /* left over after a failure */
        free(w.jobs[i].path);
    free(w.jobs);
    pthread_cond_destroy(&w.wake);
    pthread_mutex_destroy(&w.lock);
    rc = w.failed ? vg_error(ctx, w.failed, "%s: out of memory while walking it", path) : VG_OK;

    /* Feeding, in path order. */
    if (w.nfound > 1)
        qsort(w.found, w.nfound, sizeof *w.found, found_cmp);
    for (size_t i = 0; i < w.nfound; i++) {
        found *f = &w.found[i];
        if (rc == VG_OK) {
            int fd = f->symlink ? open_in_root(&w, f->path, f->path)
                                : vg_root_open_beneath(w.rootfd, f->path, O_RDONLY | O_NONBLOCK);
            if (fd < 0 && !f->symlink)
                vg_warn(ctx, f->path, "cannot open: %s", strerror(errno));
            if (fd >= 0) {
                rc = feed_fd(&w, fd, f->path, f->mask);
                close(fd);
            }
        }
        free(f->path);
    }
    free(w.found);
    if (w.unreadable_dirs)
        vg_warn(ctx, w.first_unreadable, "%zu director%s could not be read (permission denied), the first being this one",
                w.unreadable_dirs, w.unreadable_dirs == 1 ? "y" : "ies");
    if (rc) {
        vg_catalog_abort(w.cat);
        return rc;
    }
    rc = vg_catalog_finish(w.cat);
    /* The files components own are known only now: read them once more. */
    if (rc == VG_OK && opts->hash_files)
        rc = vg_source_hash_components(ctx, inv, vg_hash_directory_files, &w.rootfd, nthreads);
    return rc;
}
