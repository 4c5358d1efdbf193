/*
 * target.c — where a build or an update writes: the new database file
 * beside the old one, the lock that keeps two builds apart, and the checked
 * replacement of the old file (update.c calls these).
 *
 * Every name is used relative to one descriptor of the database's
 * directory, opened once, and nothing here follows a symbolic link:
 *  - DB.lock is created O_NOFOLLOW and locked with flock(); the lock holder
 *    checks that the name still leads to the file it locked (a finished
 *    build removes it), and removes DB.lock when it is done;
 *  - the database that is about to be replaced is checked through a
 *    descriptor opened O_NOFOLLOW (a regular file; a vigil database unless
 *    forced), and at the rename the file swapped out must be that very
 *    file (renameat2 RENAME_EXCHANGE, swapped back otherwise); a database
 *    that did not exist must still not exist (RENAME_NOREPLACE);
 *  - DB.new-XXXXXX is created O_EXCL|O_NOFOLLOW, its descriptor kept, and
 *    before the rename the name must still lead to that descriptor's file;
 *  - leftovers of killed builds (DB.new-*, DB.fetch-*) are removed with
 *    unlinkat(); a DB.fetch-* that is a link is removed as a link.
 *
 * After a kill -9 there remain DB.lock (empty; the kernel released the
 * lock with the process, and the next build takes it, checks it and
 * removes it), and DB.new-* / DB.fetch-* (removed by the next build).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/vulndb_internal.h"

#define LOCK_ATTEMPTS 10

void vdb_target_release(vdb_target *t)
{
    if (t->tmp_fd >= 0) {
        struct stat a, b;
        /* Remove the new file only if the name still leads to it. */
        if (fstat(t->tmp_fd, &a) == 0 && fstatat(t->dir_fd, t->tmp, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            unlinkat(t->dir_fd, t->tmp, 0);
        close(t->tmp_fd);
    }
    if (t->lock_fd >= 0) {
        /* Removed while still held: whoever opened it meanwhile finds, once
         * it holds the lock, that the name leads elsewhere, and retries. */
        unlinkat(t->dir_fd, t->lock, 0);
        close(t->lock_fd);
    }
    if (t->dir_fd >= 0)
        close(t->dir_fd);
    free(t->dir);
    free(t->path);
    free(t->base);
    memset(t, 0, sizeof *t);
    t->dir_fd = t->lock_fd = t->tmp_fd = -1;
}

static int mkdir_parents(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void remove_tree(int dir_fd, const char *name, int depth)
{
    int fd = depth < 8 ? openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (fd < 0) {
        unlinkat(dir_fd, name, 0); /* a file, or a link: itself, never its target */
        return;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(fd, e->d_name, 0) != 0 && (errno == EISDIR || errno == EPERM))
            remove_tree(fd, e->d_name, depth + 1);
    }
    closedir(d);
    unlinkat(dir_fd, name, AT_REMOVEDIR);
}

void vdb_remove_tree(int dir_fd, const char *name)
{
    remove_tree(dir_fd, name, 0);
}

/* Removes DB.new-* and DB.fetch-* left by killed builds (we hold the lock). */
static void remove_stale(const vdb_target *t)
{
    int fd = dup(t->dir_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    rewinddir(d); /* a dup() shares the position of the descriptor */
    size_t blen = strlen(t->base);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, t->base, blen) != 0)
            continue;
        const char *rest = e->d_name + blen;
        if (strncmp(rest, ".new-", 5) == 0)
            unlinkat(t->dir_fd, e->d_name, 0);
        else if (strncmp(rest, ".fetch-", 7) == 0)
            vdb_remove_tree(t->dir_fd, e->d_name);
    }
    closedir(d);
}

/* Takes DB.lock: flock() on a file that the name still leads to. */
static int take_lock(vg_ctx *ctx, vdb_target *t)
{
    for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
        int fd = openat(t->dir_fd, t->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return vg_error(ctx, errno == EACCES || errno == EROFS ? VG_ERR_PERMISSION : VG_ERR_IO,
                            "%s/%s: cannot create the lock file: %s", t->dir, t->lock, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            return vg_error(ctx, VG_ERR_IO,
                            "%s: another vigil db build or update is running (%s/%s is locked)", t->path,
                            t->dir, t->lock);
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && fstatat(t->dir_fd, t->lock, &b, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&a, &b)) {
            t->lock_fd = fd;
            return VG_OK;
        }
        close(fd); /* the holder removed it as we opened it: try the new one */
    }
    return vg_error(ctx, VG_ERR_IO, "%s/%s: the lock file keeps changing", t->dir, t->lock);
}

/* Checks the database about to be replaced, through one descriptor. */
static int check_old(vg_ctx *ctx, vdb_target *t, int force)
{
    int fd = openat(t->dir_fd, t->base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return VG_OK;
        if (errno == ELOOP)
            return vg_error(ctx, VG_ERR_UNSAFE,
                            "%s: is a symbolic link; refusing to replace it (give --db the file it"
                            " leads to)",
                            t->path);
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", t->path,
                        strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return vg_error(ctx, VG_ERR_UNSAFE, "%s: not a regular file; refusing to replace it", t->path);
    }
    t->old = st;
    t->have_old = 1;
    close(fd);
    if (st.st_size == 0 || force)
        return VG_OK;
    vg_vulndb *db;
    vg_ctx octx;
    vg_ctx_init(&octx);
    int rc = vg_vulndb_open(&octx, t->path, &db);
    int st2 = VG_OK;
    if (rc == VG_OK) {
        vg_vulndb_close(db);
    } else if (rc == VG_ERR_FORMAT) {
        /* The library's message names the file and says how to replace it. */
        st2 = vg_error(ctx, VG_ERR_FORMAT, "%s; refusing to replace it without --force", octx.message);
        t->refused = 1;
    } else if (rc == VG_ERR_PERMISSION) {
        st2 = vg_error(ctx, rc, "%s", octx.message);
    }
    vg_ctx_free(&octx);
    /* What was checked by name must be the file the descriptor saw. */
    struct stat now;
    if (st2 == VG_OK && (fstatat(t->dir_fd, t->base, &now, AT_SYMLINK_NOFOLLOW) != 0 || !same_file(&now, &t->old)))
        st2 = vg_error(ctx, VG_ERR_IO, "%s: changed while it was checked; nothing was replaced", t->path);
    return st2;
}

int vdb_target_prepare(vg_ctx *ctx, vdb_target *t, const char *db_path, int force)
{
    memset(t, 0, sizeof *t);
    t->dir_fd = t->lock_fd = t->tmp_fd = -1;
    if (!db_path || !db_path[0])
        return vg_error(ctx, VG_ERR_USAGE, "no database path");
    const char *slash = strrchr(db_path, '/');
    t->path = strdup(db_path);
    t->dir = slash ? (slash == db_path ? strdup("/") : strndup(db_path, (size_t)(slash - db_path)))
                   : strdup(".");
    t->base = strdup(slash ? slash + 1 : db_path);
    if (!t->path || !t->dir || !t->base)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (!t->base[0] || strlen(t->base) + 16 > sizeof t->lock)
        return vg_error(ctx, VG_ERR_USAGE, "%s: not a file name", db_path);
    snprintf(t->lock, sizeof t->lock, "%s.lock", t->base);
    if (mkdir_parents(t->dir) != 0)
        return vg_error(ctx, errno == EACCES || errno == EROFS ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: cannot create the database directory: %s", t->dir, strerror(errno));
    t->dir_fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->dir_fd < 0)
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", t->dir,
                        strerror(errno));
    int st = take_lock(ctx, t);
    if (st == VG_OK)
        st = check_old(ctx, t, force);
    if (st != VG_OK)
        return st;
    remove_stale(t);
    for (int attempt = 0; attempt < 100 && t->tmp_fd < 0; attempt++) {
        unsigned char rnd[6];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            return vg_error(ctx, VG_ERR_IO, "getrandom: %s", strerror(errno));
        snprintf(t->tmp, sizeof t->tmp, "%s.new-%02x%02x%02x%02x%02x%02x", t->base, rnd[0], rnd[1], rnd[2],
                 rnd[3], rnd[4], rnd[5]);
        t->tmp_fd = openat(t->dir_fd, t->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (t->tmp_fd < 0 && errno != EEXIST)
            return vg_error(ctx, errno == EACCES || errno == EROFS ? VG_ERR_PERMISSION : VG_ERR_IO,
                            "%s: cannot create a new database file: %s", t->dir, strerror(errno));
    }
    if (t->tmp_fd < 0)
        return vg_error(ctx, VG_ERR_IO, "%s: cannot create a new database file", t->dir);
    snprintf(t->tmp_path, sizeof t->tmp_path, "%s/%s", t->dir, t->tmp);
    return VG_OK;
}

int vdb_target_commit(vg_ctx *ctx, vdb_target *t)
{
    /* The file to install is the one created and written: same inode. */
    struct stat mine, named;
    if (fstat(t->tmp_fd, &mine) != 0 || fstatat(t->dir_fd, t->tmp, &named, AT_SYMLINK_NOFOLLOW) != 0 ||
        !same_file(&mine, &named) || !S_ISREG(named.st_mode))
        return vg_error(ctx, VG_ERR_UNSAFE, "%s: the new database file was replaced while it was built;"
                        " nothing was installed", t->tmp_path);
    if (fsync(t->tmp_fd) != 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", t->tmp_path, strerror(errno));
    if (!t->have_old) {
        if (renameat2(t->dir_fd, t->tmp, t->dir_fd, t->base, RENAME_NOREPLACE) != 0) {
            if (errno == EEXIST)
                return vg_error(ctx, VG_ERR_IO, "%s: appeared while the database was built; not replaced"
                                " (run the command again)", t->path);
            if ((errno != EINVAL && errno != ENOSYS) || faccessat(t->dir_fd, t->base, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
                renameat(t->dir_fd, t->tmp, t->dir_fd, t->base) != 0)
                return vg_error(ctx, VG_ERR_IO, "%s: cannot rename into place: %s", t->path, strerror(errno));
        }
    } else if (renameat2(t->dir_fd, t->tmp, t->dir_fd, t->base, RENAME_EXCHANGE) == 0) {
        /* What went out must be the file that was checked. */
        struct stat out;
        if (fstatat(t->dir_fd, t->tmp, &out, AT_SYMLINK_NOFOLLOW) != 0 || !same_file(&out, &t->old)) {
            renameat2(t->dir_fd, t->tmp, t->dir_fd, t->base, RENAME_EXCHANGE);
            return vg_error(ctx, VG_ERR_UNSAFE, "%s: was replaced by another file while the database was"
                            " built; left as it is", t->path);
        }
        unlinkat(t->dir_fd, t->tmp, 0);
    } else {
        /* A file system without RENAME_EXCHANGE: check, then rename. */
        int e = errno;
        struct stat cur;
        if (e != EINVAL && e != ENOSYS)
            return vg_error(ctx, VG_ERR_IO, "%s: cannot rename into place: %s", t->path, strerror(e));
        if (fstatat(t->dir_fd, t->base, &cur, AT_SYMLINK_NOFOLLOW) != 0 || !same_file(&cur, &t->old))
            return vg_error(ctx, VG_ERR_UNSAFE, "%s: was replaced by another file while the database was"
                            " built; left as it is", t->path);
        if (renameat(t->dir_fd, t->tmp, t->dir_fd, t->base) != 0)
            return vg_error(ctx, VG_ERR_IO, "%s: cannot rename into place: %s", t->path, strerror(errno));
    }
    close(t->tmp_fd);
    t->tmp_fd = -1;
    fsync(t->dir_fd);
    return VG_OK;
}
