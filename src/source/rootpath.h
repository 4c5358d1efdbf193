/*
 * rootpath.h — opening files of a directory tree as a process chroot()ed
 * at its root would see them: the one way the source walk (walk.c) and
 * the collectors that read a root filesystem (src/collect/host.c) follow
 * paths inside a root.
 *
 * Absolute symlink targets start at the root and ".." stops there, so no
 * path leads out of the tree; the file finally opened is opened beneath
 * the root without following any symlink (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so a symlink swapped in after resolution is not
 * followed either.  Before Linux 5.6 (no openat2) only the last component
 * of that final open is protected.
 */
#ifndef VIGIL_SOURCE_ROOTPATH_H
#define VIGIL_SOURCE_ROOTPATH_H

#include "vigil/buf.h"
#include "vigil/error.h"

/* Opens path, relative to the root open at rootfd ("" is the root),
 * without following any symlink and without leaving the root.  Returns an
 * open descriptor (O_CLOEXEC added to flags), or -1 with errno set. */
int vg_root_open_beneath(int rootfd, const char *path, int flags);

/* Resolves path (relative to the root open at rootfd; a leading "/" is
 * the root) through its symlinks inside the root.  On VG_OK, out (which
 * the caller initialises and frees) holds the path reached, relative to
 * the root and without symlinks ("" for the root itself), and *escaped is
 * 1 when a ".." or an absolute link went above the root and was clamped.
 * Otherwise ctx->message says why, starting "cannot resolve: ":
 * VG_ERR_NOT_FOUND (a component is missing, or not a directory),
 * VG_ERR_PERMISSION (a directory on the way may not be searched),
 * VG_ERR_UNSAFE (a symlink loop: more than VG_MAX_SYMLINK_HOPS links),
 * VG_ERR_LIMIT (a path longer than VG_MAX_PATH), VG_ERR_IO (another
 * failure of lstat or readlink), VG_ERR_NOMEM. */
int vg_root_resolve(vg_ctx *ctx, int rootfd, const char *path, vg_buf *out, int *escaped);

#endif
