/*
 * source_internal.h — the parts of src/source/ that call each other.
 * source.c decides what kind of target it has and calls one of these.
 */
#ifndef VIGIL_SOURCE_INTERNAL_H
#define VIGIL_SOURCE_INTERNAL_H

#include <jansson.h>

#include "vigil/catalog.h"
#include "vigil/source.h"
#include "source/exclude.h"

#define VG_DEFAULT_MAX_FILE_SIZE ((uint64_t)512 << 20)
#define VG_DEFAULT_MAX_TOTAL_SIZE ((uint64_t)64 << 30)
#define VG_MAX_PATH 4096        /* longest path accepted inside a target */
#define VG_MAX_SYMLINK_HOPS 40  /* as Linux's MAXSYMLINKS */

/* Each entry point reads a target that vg_scan() (source.c) has opened, as
 * fd, and never opens it by name again; path is for messages and the
 * inventory.  ex: the --exclude patterns, or NULL. */

/* walk.c: a directory or mounted root filesystem. */
int vg_scan_directory(vg_ctx *ctx, const char *path, int dirfd, const vg_scan_options *opts, const vg_exclude *ex,
                      vg_inventory *inv);

/* image.c: a file: root filesystem tarball (any compression libarchive
 * reads), `docker save` archive, or OCI image layout in a tar. */
int vg_scan_archive(vg_ctx *ctx, const char *path, int fd, const vg_scan_options *opts, const vg_exclude *ex,
                    vg_inventory *inv);

/* image.c: an OCI image layout directory (has an "oci-layout" file). */
int vg_scan_oci_directory(vg_ctx *ctx, const char *path, int dirfd, const vg_scan_options *opts,
                          const vg_exclude *ex, vg_inventory *inv);

/* image.c: which of the n manifest descriptors of an image index is the
 * image for platform ("os/arch[/variant]"; NULL: linux and this machine's
 * architecture, or the only image when there is one).  Descriptors with
 * platform unknown/unknown (attestations) are never picked.  VG_OK with
 * *pick, or VG_ERR_NOT_FOUND naming the platforms there are; where names
 * the index in the message. */
int vg_image_pick_platform(vg_ctx *ctx, const char *where, json_t *const *descs, size_t n, const char *platform,
                           size_t *pick);

/* registry.c: an image in an OCI registry ("registry:HOST/REPO:TAG"),
 * pulled into the cache and scanned as an OCI layout. */
int vg_scan_registry(vg_ctx *ctx, const char *target, const vg_scan_options *opts, const vg_exclude *ex,
                     vg_inventory *inv);

#endif
