/*
 * walk.c — the one walk of a directory or mounted root filesystem.
 *
 * Directories are read with openat()/getdents64() relative to their parent, never
 * following symlinks, and the type comes from d_type, so that no file is
 * stat()ed unless a cataloger wants it: the walk costs about what `find`
 * costs.  Symlinks a cataloger wants are resolved afterwards, component by
 * component, inside the root (absolute targets and ".." stop at the root, as
 * they would for a process chroot()ed there).
 *
 * Not entered: pseudo file systems mounted below the root (proc, sysfs,
 * devtmpfs, cgroup, ...: their files are not software), and directories
 * nested deeper than WALK_MAX_DEPTH (a warning).
 */
#include <dirent.h>
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

#include "source/source_internal.h"
#include "vigil/buf.h"

#define WALK_MAX_DEPTH 256

typedef struct walk {
    vg_ctx *ctx;
    vg_catalog *cat;
    const vg_scan_options *opts;
    int rootfd;
    char path[VG_MAX_PATH + 1]; /* relative path of the current entry */
    char **links;               /* wanted symlinks, resolved after the walk */
    vg_catalog_mask *link_masks;
    size_t nlinks, links_cap;
    vg_catalog_mask random_access; /* catalogers that read through read_at */
    vg_catalog_mask executables;   /* catalogers offered every executable */
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
                    .mode = st.st_mode & 0777, .read_at = data ? vg_file_read_memory : read_at_fd,
                    .handle = &fd};
    int rc = vg_catalog_feed(w->cat, mask, &file);
    free(data);
    return rc;
}

static int remember_link(walk *w, vg_catalog_mask mask)
{
    if (w->nlinks == w->links_cap) {
        size_t cap = w->links_cap ? w->links_cap * 2 : 16;
        char **links = realloc(w->links, cap * sizeof *links);
        if (!links)
            return VG_ERR_NOMEM;
        w->links = links;
        vg_catalog_mask *masks = realloc(w->link_masks, cap * sizeof *masks);
        if (!masks)
            return VG_ERR_NOMEM;
        w->link_masks = masks;
        w->links_cap = cap;
    }
    char *copy = strdup(w->path);
    if (!copy)
        return VG_ERR_NOMEM;
    w->links[w->nlinks] = copy;
    w->link_masks[w->nlinks++] = mask;
    return VG_OK;
}

static int walk_entry(walk *w, int dirfd, const char *name, unsigned char type, size_t len, dev_t dev,
                      int depth);

/* Could a file of this name be a binary?  Executables are offered to the
 * binary catalogers (Go, Rust) by their mode, which costs a stat per file;
 * names with an extension that is always something else (sources, scripts,
 * documents, images, compressed data) are not stat()ed for it. */
static int maybe_binary(const char *name, size_t len)
{
    static const char *const not_binary[] = {
        "1", "2", "3", "5", "7", "8", "bz2", "c", "cfg", "conf", "css", "csv", "gif", "gz", "h", "hpp",
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

/* Walks the directory open as dirfd (closed on return), whose relative path
 * fills w->path[0..len).  Entries are read with getdents64 directly: one
 * system call per 32 KiB of entries, and none of readdir's fstat/fcntl. */
static int walk_dir(walk *w, int dirfd, size_t len, dev_t dev, int depth)
{
    _Alignas(struct linux_dirent64) char buf[32768];
    int rc = VG_OK;
    for (;;) {
        long got = syscall(SYS_getdents64, dirfd, buf, sizeof buf);
        if (got < 0) {
            w->path[len] = '\0';
            vg_warn(w->ctx, len ? w->path : ".", "cannot list the directory: %s", strerror(errno));
            break;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got && rc == VG_OK;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            off += e->d_reclen;
            rc = walk_entry(w, dirfd, e->d_name, e->d_type, len, dev, depth);
        }
        if (rc)
            break;
    }
    close(dirfd);
    w->path[len] = '\0';
    return rc;
}

/* One entry name (of type d_type) in the directory dirfd at w->path[0..len). */
static int walk_entry(walk *w, int dirfd, const char *name, unsigned char type, size_t len, dev_t dev,
                      int depth)
{
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
        return VG_OK;
    size_t nlen = strlen(name);
    size_t base = len ? len + 1 : 0;
    if (base + nlen > VG_MAX_PATH) {
        w->path[len] = '\0';
        vg_warn(w->ctx, len ? w->path : ".", "skipped an entry: path longer than %d bytes", VG_MAX_PATH);
        return VG_OK;
    }
    if (len)
        w->path[len] = '/';
    memcpy(w->path + base, name, nlen + 1);
    size_t plen = base + nlen;

    if (type == DT_UNKNOWN) {
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return VG_OK;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
        if (depth >= WALK_MAX_DEPTH) {
            vg_warn(w->ctx, w->path, "not entered: nested deeper than %d directories", WALK_MAX_DEPTH);
            return VG_OK;
        }
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == EACCES || errno == EPERM) {
                if (w->unreadable_dirs++ == 0)
                    snprintf(w->first_unreadable, sizeof w->first_unreadable, "%s", w->path);
            } else if (errno == EMFILE || errno == ENFILE) {
                return vg_error(w->ctx, VG_ERR_IO, "%s: %s", w->path, strerror(errno));
            }
            return VG_OK;
        }
        struct stat st;
        dev_t child_dev = dev;
        if (fstat(fd, &st) == 0 && st.st_dev != dev) {
            struct statfs sfs;
            if (fstatfs(fd, &sfs) == 0 && pseudo_filesystem((long)sfs.f_type)) {
                close(fd);
                return VG_OK;
            }
            child_dev = st.st_dev;
        }
        return walk_dir(w, fd, plen, child_dev, depth + 1);
    }
    if (type != DT_REG && type != DT_LNK)
        return VG_OK;
    vg_catalog_mask mask = vg_catalog_wants(w->cat, w->path, plen, base);
    if (type == DT_LNK) {
        /* A symlink is offered by the name it has to the catalogers that
         * read files by name (etc/os-release); binaries and archives are
         * found under their real path, once. */
        mask &= ~w->random_access;
        return mask ? remember_link(w, mask) : VG_OK;
    }
    if ((w->executables & ~mask) && maybe_binary(name, nlen)) {
        /* Only here does the walk stat files it was not asked for. */
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
            mask |= w->executables;
    }
    if (!mask)
        return VG_OK;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        vg_warn(w->ctx, w->path, "cannot open: %s", strerror(errno));
        return VG_OK;
    }
    int rc = feed_fd(w, fd, w->path, mask);
    close(fd);
    return rc;
}

/* Opens path (relative to the root) inside the root: symlinks are followed
 * with the root as "/", ".." stops at the root.  Returns an open fd, or -1
 * with a warning recorded about shown (the name the catalogers know). */
static int open_in_root(walk *w, const char *path, const char *shown)
{
    vg_buf todo, done;
    vg_buf_init(&todo, 64 * VG_MAX_PATH);
    vg_buf_init(&done, VG_MAX_PATH);
    int fd = -1, hops = 0, escaped = 0;
    if (vg_buf_addstr(&todo, path) != VG_OK || vg_buf_addc(&done, '\0') != VG_OK)
        goto out;
    done.len = 0;

    while (todo.len) {
        /* Take the first component of todo. */
        size_t n = 0;
        while (n < todo.len && todo.data[n] != '/')
            n++;
        char comp[VG_MAX_PATH + 1];
        if (n > VG_MAX_PATH) {
            vg_warn(w->ctx, shown, "cannot resolve: path component too long");
            goto out;
        }
        memcpy(comp, todo.data, n);
        comp[n] = '\0';
        size_t skip = n < todo.len ? n + 1 : n;
        memmove(todo.data, todo.data + skip, todo.len - skip + 1);
        todo.len -= skip;

        if (n == 0 || strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (done.len == 0) {
                escaped = 1;
                continue;
            }
            char *slash = strrchr(done.data, '/');
            done.len = slash ? (size_t)(slash - done.data) : 0;
            done.data[done.len] = '\0';
            continue;
        }
        size_t mark = done.len;
        if ((done.len && vg_buf_addc(&done, '/') != VG_OK) || vg_buf_addstr(&done, comp) != VG_OK) {
            vg_warn(w->ctx, shown, "cannot resolve: path too long");
            goto out;
        }
        struct stat st;
        if (fstatat(w->rootfd, done.data, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            vg_warn(w->ctx, shown, "cannot resolve: /%s: %s", done.data, strerror(errno));
            goto out;
        }
        if (!S_ISLNK(st.st_mode))
            continue;
        if (++hops > VG_MAX_SYMLINK_HOPS) {
            vg_warn(w->ctx, shown, "cannot resolve: symlink loop (more than %d links)", VG_MAX_SYMLINK_HOPS);
            goto out;
        }
        char target[VG_MAX_PATH + 1];
        ssize_t tlen = readlinkat(w->rootfd, done.data, target, sizeof target - 1);
        if (tlen < 0 || tlen >= (ssize_t)sizeof target - 1) {
            vg_warn(w->ctx, shown, "cannot resolve: /%s: unreadable symlink", done.data);
            goto out;
        }
        target[tlen] = '\0';
        done.len = target[0] == '/' ? 0 : mark;
        done.data[done.len] = '\0';
        /* todo = target + "/" + todo */
        vg_buf rest;
        vg_buf_init(&rest, todo.max);
        if (vg_buf_add(&rest, target, (size_t)tlen) != VG_OK || vg_buf_addc(&rest, '/') != VG_OK ||
            vg_buf_add(&rest, todo.data ? todo.data : "", todo.len) != VG_OK) {
            vg_buf_free(&rest);
            vg_warn(w->ctx, shown, "cannot resolve: path too long");
            goto out;
        }
        vg_buf_free(&todo);
        todo = rest;
    }
    if (escaped)
        vg_warn(w->ctx, shown, "symlink points outside the root; resolved inside it, as the system would");
    if (done.len == 0) {
        vg_warn(w->ctx, shown, "cannot read: resolves to the root directory");
        goto out;
    }
    fd = openat(w->rootfd, done.data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        vg_warn(w->ctx, shown, "cannot open /%s: %s", done.data, strerror(errno));
out:
    vg_buf_free(&todo);
    vg_buf_free(&done);
    return fd;
}

int vg_scan_directory(vg_ctx *ctx, const char *path, const vg_scan_options *opts, vg_inventory *inv)
{
    walk w = {.ctx = ctx, .opts = opts};
    w.rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w.rootfd < 0)
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(w.rootfd, &st) != 0) {
        int e = errno;
        close(w.rootfd);
        return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(e));
    }
    inv->target.kind = VG_TARGET_DIRECTORY;
    inv->target.path = vg_arena_strdup(&inv->arena, path);
    inv->target.name = inv->target.path;
    if (!inv->target.path) {
        close(w.rootfd);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }

    int rc = vg_catalog_begin(ctx, inv, &w.cat);
    if (rc) {
        close(w.rootfd);
        return rc;
    }
    w.random_access = vg_catalog_flagged(w.cat, VG_CATALOG_RANDOM_ACCESS);
    w.executables = vg_catalog_flagged(w.cat, VG_CATALOG_EXECUTABLES);
    int fd = dup(w.rootfd);
    rc = fd < 0 ? vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno))
                : walk_dir(&w, fd, 0, st.st_dev, 0);
    for (size_t i = 0; i < w.nlinks; i++) {
        if (rc == VG_OK) {
            int lfd = open_in_root(&w, w.links[i], w.links[i]);
            if (lfd >= 0) {
                rc = feed_fd(&w, lfd, w.links[i], w.link_masks[i]);
                close(lfd);
            }
        }
        free(w.links[i]);
    }
    free(w.links);
    free(w.link_masks);
    close(w.rootfd);
    if (w.unreadable_dirs)
        vg_warn(ctx, w.first_unreadable, "%zu director%s could not be read (permission denied), the first being this one",
                w.unreadable_dirs, w.unreadable_dirs == 1 ? "y" : "ies");
    if (rc) {
        vg_catalog_abort(w.cat);
        return rc;
    }
    return vg_catalog_finish(w.cat);
}
