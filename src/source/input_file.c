/*
 * input_file.c — whole-file reads of user-named inputs with a cap
 * (input_file.h).  Plain POSIX open/fstat/read; leaves out stdin ("-").
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/input_file.h"
#include "vigil/io.h"

int vg_input_read_file(vg_ctx *ctx, const char *path, const char *what, size_t max, vg_buf *out)
{
    vg_buf_init(out, max);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        int status = e == ENOENT || e == ENOTDIR ? VG_ERR_NOT_FOUND : e == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO;
        return vg_error(ctx, status, "%s: cannot open %s: %s", path, what, strerror(e));
    }
    int rc = vg_input_read_fd(ctx, fd, path, what, max, out, NULL);
    close(fd);
    return rc;
}

int vg_input_read_fd(vg_ctx *ctx, int fd, const char *path, const char *what, size_t max, vg_buf *out,
                     struct stat *st)
{
    vg_buf_init(out, max);
    struct stat own;
    if (!st)
        st = &own;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))
        return vg_error(ctx, VG_ERR_IO, "%s: the %s is not a regular file", path, what);
    int rc = vg_read_all(fd, out);
    int e = errno;
    if (rc == VG_ERR_LIMIT) {
        vg_buf_free(out);
        return vg_error(ctx, VG_ERR_LIMIT, "%s: the %s is larger than %zu bytes", path, what, max);
    }
    if (rc == VG_ERR_NOMEM)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory reading the %s", path, what);
    if (rc) {
        vg_buf_free(out);
        return vg_error(ctx, VG_ERR_IO, "%s: reading the %s failed: %s", path, what, strerror(e));
    }
    return VG_OK;
}
