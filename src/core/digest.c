/*
 * digest.c — streaming SHA-256 / SHA-512 of files and memory (FIPS 180-4) via
 * OpenSSL 3 EVP, see digest.h.  Leaves out: other algorithms, mmap (a plain
 * read loop with a large buffer is as fast and works on pipes too).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vigil/digest.h"

#define DIGEST_READ_SIZE (1u << 20)

void vg_hex_encode(char *hex, const unsigned char *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * len] = '\0';
}

int vg_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int vg_is_hex(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (vg_hex_digit((unsigned char)s[i]) < 0)
            return 0;
    return 1;
}

typedef struct digest_state {
    EVP_MD_CTX *sha256;
    EVP_MD_CTX *sha512;
} digest_state;

static void state_free(digest_state *st)
{
    EVP_MD_CTX_free(st->sha256);
    EVP_MD_CTX_free(st->sha512);
}

/* The algorithms, fetched from the default provider once: OpenSSL 3
 * otherwise looks EVP_sha256() up again on every EVP_DigestInit_ex, which
 * costs more than hashing a short text (a policy run fingerprints every
 * result).  NULL when the fetch failed; the caller then falls back. */
static EVP_MD *fetched_sha256, *fetched_sha512;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_algorithms(void)
{
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    fetched_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

static int state_init(vg_ctx *ctx, digest_state *st, unsigned algorithms)
{
    memset(st, 0, sizeof *st);
    if (!(algorithms & (VG_DIGEST_SHA256 | VG_DIGEST_SHA512)))
        return vg_error(ctx, VG_ERR_USAGE, "no digest algorithm requested");
    pthread_once(&fetch_once, fetch_algorithms);
    if (algorithms & VG_DIGEST_SHA256) {
        st->sha256 = EVP_MD_CTX_new();
        if (!st->sha256 || !EVP_DigestInit_ex(st->sha256, fetched_sha256 ? fetched_sha256 : EVP_sha256(), NULL))
            goto nomem;
    }
    if (algorithms & VG_DIGEST_SHA512) {
        st->sha512 = EVP_MD_CTX_new();
        if (!st->sha512 || !EVP_DigestInit_ex(st->sha512, fetched_sha512 ? fetched_sha512 : EVP_sha512(), NULL))
            goto nomem;
    }
    return VG_OK;
nomem:
    state_free(st);
    return vg_error(ctx, VG_ERR_NOMEM, "cannot set up the digest");
}

static int state_update(digest_state *st, const void *data, size_t len)
{
    if (st->sha256 && !EVP_DigestUpdate(st->sha256, data, len))
        return -1;
    if (st->sha512 && !EVP_DigestUpdate(st->sha512, data, len))
        return -1;
    return 0;
}

static int state_final(vg_ctx *ctx, digest_state *st, vg_file_digest *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (st->sha256) {
        if (!EVP_DigestFinal_ex(st->sha256, md, &mdlen) || mdlen != 32)
            return vg_error(ctx, VG_ERR_NOMEM, "SHA-256 failed");
        vg_hex_encode(out->sha256, md, mdlen);
        out->algorithms |= VG_DIGEST_SHA256;
    }
    if (st->sha512) {
        if (!EVP_DigestFinal_ex(st->sha512, md, &mdlen) || mdlen != 64)
            return vg_error(ctx, VG_ERR_NOMEM, "SHA-512 failed");
        vg_hex_encode(out->sha512, md, mdlen);
        out->algorithms |= VG_DIGEST_SHA512;
    }
    return VG_OK;
}

int vg_digest_memory(vg_ctx *ctx, const void *data, size_t len, unsigned algorithms,
                     vg_file_digest *out)
{
    memset(out, 0, sizeof *out);
    digest_state st;
    int rc = state_init(ctx, &st, algorithms);
    if (rc)
        return rc;
    if (state_update(&st, data, len) != 0)
        rc = vg_error(ctx, VG_ERR_NOMEM, "digest update failed");
    else
        rc = state_final(ctx, &st, out);
    out->size = len;
    state_free(&st);
    return rc;
}

static int open_error(vg_ctx *ctx, const char *path)
{
    int e = errno;
    int status = e == ENOENT || e == ENOTDIR ? VG_ERR_NOT_FOUND
               : e == EACCES || e == EPERM  ? VG_ERR_PERMISSION
                                            : VG_ERR_IO;
    return vg_error(ctx, status, "%s: cannot open: %s", path, strerror(e));
}

int vg_digest_file(vg_ctx *ctx, const char *path, unsigned algorithms, vg_file_digest *out)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(ctx, path);
    struct stat st_file;
    if (fstat(fd, &st_file) == 0 && S_ISDIR(st_file.st_mode)) {
        close(fd);
        return vg_error(ctx, VG_ERR_IO, "%s: is a directory, not a file", path);
    }
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    digest_state st;
    int rc = state_init(ctx, &st, algorithms);
    if (rc) {
        close(fd);
        return rc;
    }
    unsigned char *block = malloc(DIGEST_READ_SIZE);
    if (!block) {
        state_free(&st);
        close(fd);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
    }
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, block, DIGEST_READ_SIZE);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = vg_error(ctx, VG_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (state_update(&st, block, (size_t)n) != 0) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: digest update failed", path);
            break;
        }
        total += (unsigned long long)n;
    }
    free(block);
    close(fd);
    if (rc == VG_OK)
        rc = state_final(ctx, &st, out);
    out->size = total;
    state_free(&st);
    return rc;
}
