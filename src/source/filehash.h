/*
 * filehash.h — SHA-512 of the components' files while a target is read
 * (filehash.c), for vg_scan_options.hash_files.
 */
#ifndef VIGIL_SOURCE_FILEHASH_H
#define VIGIL_SOURCE_FILEHASH_H

#include <stddef.h>
#include <stdint.h>

#include "source/rootpath.h"
#include "vigil/error.h"
#include "vigil/inventory.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

/* A SHA-512 being computed over a stream, keeping its first bytes for
 * the file kind. */
typedef struct vg_hasher {
    EVP_MD_CTX *md;
    unsigned char head[512];
    size_t nhead;
    uint64_t size;
} vg_hasher;

/* VG_OK or VG_ERR_NOMEM. */
int vg_hasher_init(vg_hasher *h);
void vg_hasher_update(vg_hasher *h, const void *data, size_t len);
/* Fills out's sha512, size, executable and archive (mode: permission
 * bits; path: for the name of a compressed tar) and frees h.  VG_OK or
 * VG_ERR_NOMEM. */
int vg_hasher_final(vg_hasher *h, unsigned mode, const char *path, vg_file_hash *out);
void vg_hasher_discard(vg_hasher *h);

/* Fills hashes[0..n) (their path set; sha512 left "" for a path that is no
 * regular file of the target) using threads threads at most.  VG_OK or
 * VG_ERR_NOMEM. */
typedef int (*vg_hash_lookup)(vg_ctx *ctx, void *arg, vg_file_hash *hashes, size_t n, size_t threads);

/* Collects the deployable files of every component of inv (vg_component_deployable()),
 * has lookup hash them, and records them in inv->file_hashes; sets inv->hashed. */
int vg_source_hash_components(vg_ctx *ctx, vg_inventory *inv, vg_hash_lookup lookup, void *arg, size_t threads);

/* A vg_hash_lookup for a directory: arg points at the root's descriptor. */
int vg_hash_directory_files(vg_ctx *ctx, void *arg, vg_file_hash *hashes, size_t n, size_t threads);

#endif
