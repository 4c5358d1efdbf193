/*
 * source_internal.h — the parts of src/source/ that call each other.
 * source.c decides what kind of target it has and calls one of these.
 */
#ifndef VIGIL_SOURCE_INTERNAL_H
#define VIGIL_SOURCE_INTERNAL_H

#include "vigil/catalog.h"
#include "vigil/source.h"

#define VG_DEFAULT_MAX_FILE_SIZE ((uint64_t)512 << 20)
#define VG_DEFAULT_MAX_TOTAL_SIZE ((uint64_t)64 << 30)
#define VG_MAX_PATH 4096        /* longest path accepted inside a target */
#define VG_MAX_SYMLINK_HOPS 40  /* as Linux's MAXSYMLINKS */

/* walk.c: a directory or mounted root filesystem. */
int vg_scan_directory(vg_ctx *ctx, const char *path, const vg_scan_options *opts, vg_inventory *inv);

/* image.c: a file: root filesystem tarball (any compression libarchive
 * reads), `docker save` archive, or OCI image layout in a tar. */
int vg_scan_archive(vg_ctx *ctx, const char *path, const vg_scan_options *opts, vg_inventory *inv);

/* image.c: an OCI image layout directory (has an "oci-layout" file). */
int vg_scan_oci_directory(vg_ctx *ctx, const char *path, const vg_scan_options *opts, vg_inventory *inv);

#endif
