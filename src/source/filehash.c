/*
 * filehash.c — SHA-512 of the files components are made of, for the BSI
 * TR-03183-2 profile (vg_scan_options.hash_files; docs/bsi-tr-03183-2.md).
 *
 * The TR (v2.1.0, §5.2.2) asks for the SHA-512 of each component's
 * deployable form, and whether it is executable, an archive, structured.
 * The sources compute them while they read the target: a directory's
 * files are read once more after the catalogers have said which files
 * components own (walk.c: only those files, on every core); an archive's
 * or image's files are hashed as their layer streams by (image.c: every
 * regular file, since a stream is read once and owners are known only at
 * the end), and the digests of the final view are kept.  Either way
 * vg_source_hash_components() then records, in inv->file_hashes, the
 * files vg_component_deployable() names; vg_inventory_finalize() hands
 * them to the components.
 *
 * What kind of file: executable when an executable bit is set or the file
 * starts with an ELF, PE ("MZ") or Mach-O header; an archive when it
 * starts with the magic of zip (jar, wheel, nupkg), ar (deb, static
 * libraries), tar ("ustar" at 257), cpio, rpm, 7z or xar, or is a gzip /
 * xz / bzip2 / zstd stream named like a compressed tar (.tar.gz, .tgz,
 * .gem has its own tar magic).  Not handled: other archive formats, and
 * the content of compressed streams (a .gz that is not named as a tar is
 * not an archive of several files).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "source/filehash.h"
#include "source/source_internal.h"
#include "vigil/buf.h"
#include "vigil/digest.h"

#define HASH_MAX_THREADS 4
#define HASH_BLOCK ((size_t)1 << 20)

int vg_hasher_init(vg_hasher *h)
{
    memset(h, 0, sizeof *h);
    h->md = EVP_MD_CTX_new();
    if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha512(), NULL) != 1) {
        EVP_MD_CTX_free(h->md);
        h->md = NULL;
        return VG_ERR_NOMEM;
    }
    return VG_OK;
}

void vg_hasher_update(vg_hasher *h, const void *data, size_t len)
{
    if (h->nhead < sizeof h->head) {
        size_t take = sizeof h->head - h->nhead < len ? sizeof h->head - h->nhead : len;
        memcpy(h->head + h->nhead, data, take);
        h->nhead += take;
    }
    EVP_DigestUpdate(h->md, data, len);
    h->size += len;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcasecmp(name + n - k, suffix) == 0;
}

/* Classifies a file by its first bytes, its mode and its name. */
static void classify(vg_file_hash *out, const unsigned char *b, size_t n, unsigned mode, const char *path)
{
#define MAGIC(OFF, STR) (n >= (OFF) + sizeof(STR) - 1 && memcmp(b + (OFF), STR, sizeof(STR) - 1) == 0)
    out->executable = (mode & 0111) != 0 || MAGIC(0, "\x7f" "ELF") || MAGIC(0, "MZ") ||
                      MAGIC(0, "\xfe\xed\xfa\xce") || MAGIC(0, "\xfe\xed\xfa\xcf") ||
                      MAGIC(0, "\xce\xfa\xed\xfe") || MAGIC(0, "\xcf\xfa\xed\xfe");
    int compressed = MAGIC(0, "\x1f\x8b") || MAGIC(0, "\xfd" "7zXZ") || MAGIC(0, "BZh") ||
                     MAGIC(0, "\x28\xb5\x2f\xfd");
    int tar_name = has_suffix(path, ".tar.gz") || has_suffix(path, ".tgz") || has_suffix(path, ".tar.xz") ||
                   has_suffix(path, ".txz") || has_suffix(path, ".tar.bz2") || has_suffix(path, ".tbz2") ||
                   has_suffix(path, ".tar.zst") || has_suffix(path, ".tzst") || has_suffix(path, ".apk");
    out->archive = MAGIC(0, "PK\x03\x04") || MAGIC(0, "PK\x05\x06") || MAGIC(0, "!<arch>\n") ||
                   MAGIC(257, "ustar") || MAGIC(0, "070701") || MAGIC(0, "070707") || MAGIC(0, "\xc7\x71") ||
                   MAGIC(0, "\xed\xab\xee\xdb") || MAGIC(0, "7z\xbc\xaf\x27\x1c") || MAGIC(0, "xar!") ||
                   (compressed && tar_name);
#undef MAGIC
}

int vg_hasher_final(vg_hasher *h, unsigned mode, const char *path, vg_file_hash *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int ok = EVP_DigestFinal_ex(h->md, md, &len) == 1 && len == 64;
    EVP_MD_CTX_free(h->md);
    h->md = NULL;
    if (!ok)
        return VG_ERR_NOMEM;
    vg_hex_encode(out->sha512, md, 64);
    out->size = h->size;
    classify(out, h->head, h->nhead, mode, path);
    return VG_OK;
}

void vg_hasher_discard(vg_hasher *h)
{
    EVP_MD_CTX_free(h->md);
    h->md = NULL;
}

/* ---- which files ---------------------------------------------------------- */

/* Adds path (no leading "/") to the list of files to hash, once. */
static int want(vg_map *seen, const char ***list, size_t *n, size_t *cap, const char *path)
{
    while (*path == '/')
        path++;
    size_t len = strlen(path);
    if (!len || vg_map_get(seen, path, len))
        return VG_OK;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        const char **grown = realloc(*list, ncap * sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        *list = grown;
        *cap = ncap;
    }
    (*list)[(*n)++] = path;
    return vg_map_put(seen, path, len, (void *)1);
}

int vg_source_hash_components(vg_ctx *ctx, vg_inventory *inv, vg_hash_lookup lookup, void *arg, size_t threads)
{
    vg_map seen;
    vg_map_init(&seen);
    const char **paths = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;
    for (size_t i = 0; i < inv->ncomponents && rc == VG_OK; i++) {
        const vg_component *c = inv->components[i];
        for (size_t k = 0; k < c->nfiles && rc == VG_OK; k++)
            rc = want(&seen, &paths, &n, &cap, c->files[k]);
        if (c->nfiles)
            continue;
        /* Before vg_inventory_finalize(): location, and locations when a
         * cataloger added more. */
        if (c->location && vg_component_deployable(c, c->location))
            rc = want(&seen, &paths, &n, &cap, c->location);
        for (size_t k = 0; k < c->nlocations && rc == VG_OK; k++)
            if (vg_component_deployable(c, c->locations[k]))
                rc = want(&seen, &paths, &n, &cap, c->locations[k]);
    }
    vg_map_free(&seen);
    vg_file_hash *hashes = rc == VG_OK ? vg_arena_calloc(&inv->arena, n ? n : 1, sizeof *hashes) : NULL;
    if (rc == VG_OK && !hashes)
        rc = VG_ERR_NOMEM;
    if (rc == VG_OK) {
        for (size_t i = 0; i < n; i++)
            hashes[i].path = paths[i];
        rc = lookup(ctx, arg, hashes, n, threads);
    }
    for (size_t i = 0; rc == VG_OK && i < n; i++)
        if (hashes[i].sha512[0])
            rc = vg_map_put(&inv->file_hashes, hashes[i].path, strlen(hashes[i].path), &hashes[i]);
    free(paths);
    if (rc)
        return vg_error(ctx, rc, "hashing the components' files: %s", vg_strerror(rc));
    inv->hashed = 1;
    return VG_OK;
}

/* ---- a directory: read the files again, on every core --------------------- */

typedef struct dir_hashing {
    int rootfd;
    vg_file_hash *hashes;
    size_t n;
    pthread_mutex_t lock;
    size_t next;
    int failed; /* VG_ERR_NOMEM */
} dir_hashing;

/* Hashes one file beneath the root, never through a symlink: a symlink,
 * a directory or a missing file (a package's .list names them all) is not
 * a file with bytes of its own and is left unhashed. */
static int hash_one(vg_ctx *ctx, int rootfd, vg_file_hash *h, unsigned char *buf)
{
    int fd = vg_root_open_beneath(rootfd, h->path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
    const char *slash = strrchr(h->path, '/');
    if (fd < 0 && slash && (errno == ELOOP || errno == EXDEV || errno == ENOTDIR)) {
        /* A directory on the way is a symlink (/bin -> usr/bin on a merged
         * /usr system, where packages still list /bin/bash): follow it
         * inside the root, not the file itself. */
        vg_buf dir;
        vg_buf_init(&dir, VG_MAX_PATH);
        int escaped = 0;
        char parent[VG_MAX_PATH + 1];
        size_t plen = (size_t)(slash - h->path);
        if (plen < sizeof parent) {
            memcpy(parent, h->path, plen);
            parent[plen] = '\0';
            if (vg_root_resolve(ctx, rootfd, parent, &dir, &escaped) == VG_OK &&
                vg_buf_addf(&dir, "%s%s", dir.len ? "/" : "", slash + 1) == VG_OK)
                fd = vg_root_open_beneath(rootfd, dir.data, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
        }
        vg_buf_free(&dir);
    }
    if (fd < 0)
        return VG_OK;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return VG_OK;
    }
    vg_hasher hs;
    if (vg_hasher_init(&hs) != VG_OK) {
        close(fd);
        return VG_ERR_NOMEM;
    }
    for (;;) {
        ssize_t r = read(fd, buf, HASH_BLOCK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) { /* unreadable: no hash rather than a wrong one */
            vg_hasher_discard(&hs);
            close(fd);
            return VG_OK;
        }
        if (r == 0)
            break;
        vg_hasher_update(&hs, buf, (size_t)r);
    }
    close(fd);
    return vg_hasher_final(&hs, st.st_mode & 07777, h->path, h);
}

static void *dir_worker(void *arg)
{
    dir_hashing *d = arg;
    unsigned char *buf = malloc(HASH_BLOCK);
    vg_ctx ctx; /* this thread's, for what vg_root_resolve() says */
    vg_ctx_init(&ctx);
    for (;;) {
        pthread_mutex_lock(&d->lock);
        size_t i = d->next++;
        int stop = d->failed || !buf;
        if (!buf)
            d->failed = VG_ERR_NOMEM;
        pthread_mutex_unlock(&d->lock);
        if (stop || i >= d->n)
            break;
        if (hash_one(&ctx, d->rootfd, &d->hashes[i], buf) != VG_OK) {
            pthread_mutex_lock(&d->lock);
            d->failed = VG_ERR_NOMEM;
            pthread_mutex_unlock(&d->lock);
            break;
        }
    }
    free(buf);
    vg_ctx_free(&ctx);
    return NULL;
}

int vg_hash_directory_files(vg_ctx *ctx, void *arg, vg_file_hash *hashes, size_t n, size_t threads)
{
    (void)ctx;
    dir_hashing d = {.rootfd = *(const int *)arg, .hashes = hashes, .n = n};
    pthread_mutex_init(&d.lock, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > HASH_MAX_THREADS)
        threads = HASH_MAX_THREADS;
    pthread_t tid[HASH_MAX_THREADS];
    size_t started = 0;
    for (size_t i = 1; i < threads; i++)
        if (pthread_create(&tid[started], NULL, dir_worker, &d) == 0)
            started++;
    dir_worker(&d);
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&d.lock);
    return d.failed;
}
