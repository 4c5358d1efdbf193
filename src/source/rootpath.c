/*
 * rootpath.c — paths inside a root directory, resolved as chroot(2) would
 * (rootpath.h): symlinks followed component by component with the root as
 * "/", ".." stopping at the root, and the final open beneath the root
 * with openat2(2) RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (Linux 5.6).
 * Leaves out: magic links (/proc/PID/fd/N) are never followed; mount
 * points inside the tree are crossed like directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "source/rootpath.h"
#include "source/source_internal.h"

int vg_root_open_beneath(int rootfd, const char *path, int flags)
{
    if (!*path)
        return openat(rootfd, ".", flags | O_CLOEXEC);
    struct open_how how = {.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS) /* before Linux 5.6: intermediate components are trusted */
        fd = openat(rootfd, path, flags | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

static int stat_status(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return VG_ERR_NOT_FOUND;
    case EACCES:
    case EPERM:
        return VG_ERR_PERMISSION;
    case ENAMETOOLONG:
        return VG_ERR_LIMIT;
    }
    return VG_ERR_IO;
}

int vg_root_resolve(vg_ctx *ctx, int rootfd, const char *path, vg_buf *out, int *escaped)
{
    vg_buf todo;
    vg_buf_init(&todo, 64 * VG_MAX_PATH);
    vg_buf *done = out;
    int hops = 0, rc = VG_OK;
    *escaped = 0;
    vg_buf_reset(done);
    if (vg_buf_addstr(&todo, path) != VG_OK || vg_buf_addc(done, '\0') != VG_OK) {
        rc = vg_error(ctx, VG_ERR_LIMIT, "cannot resolve: path too long");
        goto out;
    }
    done->len = 0;

    while (todo.len) {
        /* Take the first component of todo. */
        size_t n = 0;
        while (n < todo.len && todo.data[n] != '/')
            n++;
        char comp[VG_MAX_PATH + 1];
        if (n > VG_MAX_PATH) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "cannot resolve: path component too long");
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
            if (done->len == 0) {
                *escaped = 1;
                continue;
            }
            char *slash = strrchr(done->data, '/');
            done->len = slash ? (size_t)(slash - done->data) : 0;
            done->data[done->len] = '\0';
            continue;
        }
        size_t mark = done->len;
        if ((done->len && vg_buf_addc(done, '/') != VG_OK) || vg_buf_addstr(done, comp) != VG_OK) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "cannot resolve: path too long");
            goto out;
        }
        struct stat st;
        if (fstatat(rootfd, done->data, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = vg_error(ctx, stat_status(errno), "cannot resolve: /%s: %s", done->data, strerror(errno));
            goto out;
        }
        if (!S_ISLNK(st.st_mode))
            continue;
        if (++hops > VG_MAX_SYMLINK_HOPS) {
            rc = vg_error(ctx, VG_ERR_UNSAFE, "cannot resolve: symlink loop (more than %d links)", VG_MAX_SYMLINK_HOPS);
            goto out;
        }
        char target[VG_MAX_PATH + 1];
        ssize_t tlen = readlinkat(rootfd, done->data, target, sizeof target - 1);
        if (tlen < 0 || tlen >= (ssize_t)sizeof target - 1) {
            rc = vg_error(ctx, VG_ERR_IO, "cannot resolve: /%s: unreadable symlink", done->data);
            goto out;
        }
        target[tlen] = '\0';
        done->len = target[0] == '/' ? 0 : mark;
        done->data[done->len] = '\0';
        /* todo = target + "/" + todo */
        vg_buf rest;
        vg_buf_init(&rest, todo.max);
        if (vg_buf_add(&rest, target, (size_t)tlen) != VG_OK || vg_buf_addc(&rest, '/') != VG_OK ||
            vg_buf_add(&rest, todo.data ? todo.data : "", todo.len) != VG_OK) {
            vg_buf_free(&rest);
            rc = vg_error(ctx, VG_ERR_LIMIT, "cannot resolve: path too long");
            goto out;
        }
        vg_buf_free(&todo);
        todo = rest;
    }
out:
    vg_buf_free(&todo);
    return rc;
}
