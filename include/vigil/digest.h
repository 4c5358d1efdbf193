/*
 * digest.h — SHA-256 and SHA-512 of files and memory (FIPS 180-4, through
 * OpenSSL 3's EVP interface), as lowercase hex.
 *
 * Files are streamed in 1 MiB reads so that hashing runs at the speed of
 * the hash, not of the I/O calls; one pass computes every digest requested.
 * Not implemented: other algorithms (SHA-1, SHA-3, BLAKE) and mmap.
 */
#ifndef VIGIL_DIGEST_H
#define VIGIL_DIGEST_H

#include <stddef.h>

#include "vigil/error.h"

enum {
    VG_DIGEST_SHA256 = 1 << 0,
    VG_DIGEST_SHA512 = 1 << 1,
};

#define VG_SHA256_HEX_LEN 64
#define VG_SHA512_HEX_LEN 128

typedef struct vg_file_digest {
    unsigned algorithms;                 /* VG_DIGEST_* bits computed */
    char sha256[VG_SHA256_HEX_LEN + 1];  /* "" unless VG_DIGEST_SHA256 */
    char sha512[VG_SHA512_HEX_LEN + 1];  /* "" unless VG_DIGEST_SHA512 */
    unsigned long long size;             /* bytes hashed */
} vg_file_digest;

/* Hashes the file at path with every algorithm in the VG_DIGEST_* mask
 * algorithms, reading it once.  Returns VG_OK, VG_ERR_NOT_FOUND,
 * VG_ERR_PERMISSION, VG_ERR_IO (with the path in ctx->message) or
 * VG_ERR_USAGE for an empty mask.  A directory is VG_ERR_IO. */
int vg_digest_file(vg_ctx *ctx, const char *path, unsigned algorithms, vg_file_digest *out);

/* Same as vg_digest_file() for len bytes in memory; cannot fail except for
 * VG_ERR_NOMEM / VG_ERR_USAGE. */
int vg_digest_memory(vg_ctx *ctx, const void *data, size_t len, unsigned algorithms,
                     vg_file_digest *out);

/* Writes the lowercase hex of len bytes and a NUL into hex (2*len+1 bytes). */
void vg_hex_encode(char *hex, const unsigned char *bytes, size_t len);

/* Value (0-15) of the hex digit c (either case), or -1. */
int vg_hex_digit(int c);

/* 1 when s[0..len) are all hex digits (either case), else 0. */
int vg_is_hex(const char *s, size_t len);

#endif
