/*
 * rpm.h — internal interface of the RPM cataloger (src/catalog/rpm.c):
 * parsing one RPM header blob (rpm_header.c) and reading the header blobs
 * out of the three kinds of RPM package database (rpmdb.c).
 *
 * Formats: the RPM header structure of the RPM v4 package file format
 * (rpm.org doc/manual/format.md, "Header"; LSB Core 5.0 "Package File
 * Format"), as stored in the package database without the 8-byte header
 * magic; the databases are SQLite 3 (rpmdb.sqlite), rpm's "ndb"
 * (Packages.db) and Berkeley DB hash files (Packages).  No librpm is used.
 */
#ifndef VIGIL_CATALOG_RPM_H
#define VIGIL_CATALOG_RPM_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/error.h"

/* Largest header index count and data store rpm itself accepts
 * (lib/header.c hdrchkTags / hdrchkData). */
#define VG_RPM_HEADER_MAX_TAGS 0xffffu
#define VG_RPM_HEADER_MAX_DATA (256u << 20)

/* The fields of one installed package that vigil reports.  Strings live in
 * the arena given to vg_rpm_header_parse(); absent tags are NULL. */
typedef struct vg_rpm_header {
    const char *name;        /* NAME (1000) */
    const char *version;     /* VERSION (1001) */
    const char *release;     /* RELEASE (1002) */
    int has_epoch;           /* EPOCH (1003) present */
    uint32_t epoch;
    const char *summary;     /* SUMMARY (1004), first (C locale) entry */
    const char *vendor;      /* VENDOR (1011) */
    const char *license;     /* LICENSE (1014) */
    const char *packager;    /* PACKAGER (1015) */
    const char *url;         /* URL (1020) */
    const char *arch;        /* ARCH (1022) */
    const char *sourcerpm;   /* SOURCERPM (1044) */
    const char *modularity_label; /* MODULARITYLABEL (5096) */
    const char **files;      /* absolute paths, from DIRNAMES[DIRINDEXES[i]] +
                                BASENAMES[i], or else OLDFILENAMES */
    size_t nfiles;
    const char **requires;   /* REQUIRENAME (1049): capabilities and files */
    size_t nrequires;
    const char **provides;   /* PROVIDENAME (1047) */
    size_t nprovides;
} vg_rpm_header;

/* Parses one header blob (il, dl, il index entries of 16 bytes, dl bytes of
 * data store; all big-endian) of len bytes into *out, strings copied into
 * arena.  Every count and offset is checked against the blob.
 * Returns VG_OK, VG_ERR_FORMAT with ctx->message saying what is wrong (no
 * path: the caller names the file and record), or VG_ERR_NOMEM. */
int vg_rpm_header_parse(vg_ctx *ctx, vg_arena *arena, const unsigned char *blob, size_t len,
                        vg_rpm_header *out);

/* Called once for each header blob found in a database.  record is the
 * database's number for it (hnum, ndb package index).  blob is borrowed for
 * the call.  A non-zero return stops the reading and is returned. */
typedef int (*vg_rpmdb_blob_fn)(void *arg, uint32_t record, const unsigned char *blob, size_t len);

/* Each reads the database in data[0..size) and calls fn for every header
 * blob in it.  Problems with one record (a blob that does not fit, a broken
 * overflow chain) are warnings recorded with vg_warn(ctx, path, ...) and the
 * reading goes on.  Returns VG_OK; VG_ERR_FORMAT (ctx->message set, without
 * the path) when data is not a database of that kind at all; VG_ERR_NOMEM;
 * or what fn returned. */
int vg_rpmdb_read_sqlite(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                         vg_rpmdb_blob_fn fn, void *arg);
int vg_rpmdb_read_ndb(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                      vg_rpmdb_blob_fn fn, void *arg);
int vg_rpmdb_read_bdb(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                      vg_rpmdb_blob_fn fn, void *arg);

#endif
