/*
 * source.c — what kind of target is this?  A directory is walked (walk.c)
 * unless it is an OCI image layout; a file is an archive (image.c) that is
 * either a root filesystem tarball or an image.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source_internal.h"

int vg_scan(vg_ctx *ctx, const char *target, const vg_scan_options *opts, vg_inventory *inv)
{
    vg_scan_options defaults = {0};
    if (!opts)
        opts = &defaults;
    struct stat st;
    if (stat(target, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no such file or directory", target);
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", target, strerror(errno));
    }
    int rc;
    if (S_ISDIR(st.st_mode)) {
        int dfd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int oci = dfd >= 0 && faccessat(dfd, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
                  faccessat(dfd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        if (dfd >= 0)
            close(dfd);
        rc = oci ? vg_scan_oci_directory(ctx, target, opts, inv) : vg_scan_directory(ctx, target, opts, inv);
    } else if (S_ISREG(st.st_mode)) {
        rc = vg_scan_archive(ctx, target, opts, inv);
    } else {
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: neither a directory nor a regular file", target);
    }
    if (rc)
        return rc;
    return vg_inventory_finalize(ctx, inv);
}
