/*
 * source.h — reading a target: a directory or mounted root filesystem, a
 * root filesystem tarball, a `docker save` archive or an OCI image layout
 * (directory or tar).  Each is read in one walk; the wanted files are handed
 * to the catalogers (catalog.h) and the result lands in an inventory.
 *
 * Directories are walked without following symlinks; a symlink the
 * catalogers want (etc/os-release -> ../usr/lib/os-release) is resolved
 * inside the root, never outside it.  Pseudo file systems (proc, sysfs,
 * devtmpfs, ...) mounted below the root are not entered.
 *
 * Images are applied layer by layer, whiteouts honoured (OCI image spec,
 * layer.md "Whiteouts"), and each component is attributed to the first
 * layer from which it is present, unchanged, up to the last.
 */
#ifndef VIGIL_SOURCE_H
#define VIGIL_SOURCE_H

#include <stdint.h>
#include "vigil/catalog.h"
#include "vigil/error.h"
#include "vigil/inventory.h"

typedef struct vg_scan_options {
    const char *platform;    /* "os/arch[/variant]" to pick from a multi-platform
                                image index; NULL picks linux and the host arch */
    uint64_t max_file_size;  /* largest single file read, 0 = default (512 MiB) */
    uint64_t max_total_size; /* largest total of uncompressed bytes read from an
                                archive, 0 = default (64 GiB); guards against bombs */
    vg_catalog_mask catalogers; /* which catalogers run (vg_catalog_select), 0 = all */
    const char *const *exclude; /* --exclude GLOB patterns: paths left out (below) */
    size_t nexclude;
    /* The catalogers to run instead of the SBOM's (vg_catalogers), as a
     * NULL-terminated table (catalogers then selects among them): how an
     * evidence collector reads a target the way vigil sbom does
     * (src/collect/binaries.c).  user reaches them as run->user. */
    const vg_cataloger *const *table;
    void *user;
    unsigned one_filesystem; /* directories: enter no other mounted file
                                system either, as find -xdev */
    /* Registry targets ("registry:HOST/REPO:TAG", registry.h): credentials,
     * trust, time limits, progress; NULL = the defaults. */
    const struct vg_registry_options *registry;
    unsigned final_view_only; /* images: the catalogers see the final view
                                 only, once; no component is attributed to a
                                 layer (the catalogers do not run per layer) */
    unsigned hash_files;     /* also compute the SHA-512 and kind of every
                                deployable file of the components
                                (vg_component_deployable(): what an OS package
                                owns, a jar, a binary ...) into
                                inv->file_hashes, for the BSI TR-03183-2
                                profile: a directory's files are read once
                                more, an archive's are hashed as they stream */
} vg_scan_options;

/* Scans target (a path) into inv, which the caller has initialised.  The
 * target is opened once; everything is read through that descriptor.
 * Returns VG_OK, or an error with ctx->message set (VG_ERR_USAGE for a bad
 * exclude pattern).  Warnings recorded in ctx mark the inventory incomplete
 * (inv->incomplete). */
int vg_scan(vg_ctx *ctx, const char *target, const vg_scan_options *opts, vg_inventory *inv);

/* Exclude patterns (vg_scan_options.exclude), as Syft takes them: a path
 * relative to the scanned root that begins with "./" or "/" (the root),
 * "*\/" or "**\/"; each "/"-separated part matches one path component with
 * fnmatch(3) wildcards ("*", "?", "[...]"; "*" matches a leading dot too),
 * and a part "**" matches any number of components.  A directory that
 * matches is not entered, a file that matches is not read, in directories,
 * root filesystem archives and image layers alike; a symlink that leads
 * into an excluded path is not followed.  VG_OK, or VG_ERR_USAGE with a
 * message saying what is wrong with pattern. */
int vg_scan_exclude_check(vg_ctx *ctx, const char *pattern);

#endif
