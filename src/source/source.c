/*
 * source.c — what kind of target is this?  A directory is walked (walk.c)
 * unless it is an OCI image layout; a file is an archive (image.c) that is
 * either a root filesystem tarball or an image.  The target is opened here
 * once, and what it is comes from fstat() on that descriptor, which every
 * reader then uses: the target is never looked up by name again, so it
 * cannot be replaced between the check and the read, or between two reads.
 * A target "registry:..." is an image in an OCI registry (registry.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source_internal.h"
#include "vigil/registry.h"

int vg_scan(vg_ctx *ctx, const char *target, const vg_scan_options *opts, vg_inventory *inv)
{
    vg_scan_options defaults = {0};
    if (!opts)
        opts = &defaults;
    vg_exclude ex;
    int rc = vg_exclude_init(ctx, &ex, opts->exclude, opts->nexclude);
    if (rc) {
        vg_exclude_free(&ex);
        return rc;
    }
    if (vg_registry_is_target(target)) {
        rc = vg_scan_registry(ctx, target, opts, &ex, inv);
        vg_exclude_free(&ex);
        return rc ? rc : vg_inventory_finalize(ctx, inv);
    }
    /* O_NONBLOCK: a FIFO must not hang the open; it is refused below. */
    int fd = open(target, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        vg_exclude_free(&ex);
        if (e == ENOENT || e == ENOTDIR)
            return vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no such file or directory", target);
        return vg_error(ctx, e == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", target, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        int oci = faccessat(fd, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
                  faccessat(fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        rc = oci ? vg_scan_oci_directory(ctx, target, fd, opts, &ex, inv)
                 : vg_scan_directory(ctx, target, fd, opts, &ex, inv);
    } else if (S_ISREG(st.st_mode)) {
        rc = vg_scan_archive(ctx, target, fd, opts, &ex, inv);
    } else {
        rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: neither a directory nor a regular file", target);
    }
    close(fd);
    vg_exclude_free(&ex);
    if (rc)
        return rc;
    return vg_inventory_finalize(ctx, inv);
}
