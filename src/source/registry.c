/*
 * registry.c — an image in an OCI registry as a target: pulled over HTTPS
 * (OCI distribution spec v1.1, spec.md "Pull": GET /v2/<name>/manifests/
 * <reference>, GET /v2/<name>/blobs/<digest>) into a content-addressed
 * cache, then scanned by the OCI layout reader (image.c) through a layout
 * made of hard links to the cached blobs.
 *
 * Cache: $VIGIL_CACHE, else $XDG_CACHE_HOME/vigil, else ~/.cache/vigil;
 * blobs/sha256/<hex> holds layers, configs, manifests and indexes alike.
 * A blob streams into a temporary file in that directory while its sha256
 * is computed, and is renamed to its digest only when digest and size are
 * those of its descriptor; otherwise the file is removed and the error
 * names the blob and the registry.  A blob or a manifest asked for by
 * digest that is in the cache is not downloaded again (a tag is always
 * asked of the registry).  Cached blobs are checked once more by the scan.
 *
 * Bounded: manifest size (REG_MAX_MANIFEST), layer count (REG_MAX_LAYERS),
 * total of the blobs' sizes (max_total), and a blob longer than its
 * descriptor is cut off.  Leaves out: foreign layers' URLs, digests other
 * than sha256, nested indexes, and pulling across repositories (mounts).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "source/registry_internal.h"
#include "source/source_internal.h"
#include "vigil/digest.h"

#define MANIFEST_ACCEPT                                                                                          \
    REG_MT_OCI_INDEX ", " REG_MT_OCI_MANIFEST ", " REG_MT_DOCKER_LIST ", " REG_MT_DOCKER_MANIFEST

int vg_registry_is_target(const char *target)
{
    return target && strncmp(target, VG_REGISTRY_PREFIX, strlen(VG_REGISTRY_PREFIX)) == 0;
}

static void to_hex(const unsigned char *md, char out[72])
{
    memcpy(out, "sha256:", 7);
    vg_hex_encode(out + 7, md, 32);
    out[71] = '\0';
}

void reg_sha256(const void *data, size_t len, char out[72])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    to_hex(md, out);
}

/* ---- the cache ---------------------------------------------------------- */

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int r = mkdir(path, 0700);
        *p = '/';
        if (r != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* The cache's blobs/sha256 directory, created when absent. */
static int cache_blobs_dir(vg_ctx *ctx, char *out, size_t size)
{
    const char *v = getenv("VIGIL_CACHE"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    int n;
    if (v && *v)
        n = snprintf(out, size, "%s/blobs/sha256", v);
    else if (x && *x)
        n = snprintf(out, size, "%s/vigil/blobs/sha256", x);
    else if (h && *h)
        n = snprintf(out, size, "%s/.cache/vigil/blobs/sha256", h);
    else
        return vg_error(ctx, VG_ERR_USAGE, "no cache directory for registry images: set VIGIL_CACHE or HOME");
    if (n < 0 || (size_t)n >= size)
        return vg_error(ctx, VG_ERR_LIMIT, "the cache directory's path is too long");
    if (mkdir_p(out) != 0)
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "cache %s: %s", out, strerror(errno));
    return VG_OK;
}

/* The path of a cached blob; nonzero if it is there. */
static int cached(const char *dir, const char *digest, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/%s", dir, digest + 7);
    struct stat st;
    return n > 0 && (size_t)n < size && lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Writes data as the cached blob digest (already checked by the caller). */
static int cache_put(vg_ctx *ctx, const char *dir, const char *digest, const void *data, size_t len)
{
    char path[4096], tmp[4200];
    if (cached(dir, digest, path, sizeof path))
        return VG_OK;
    snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%ld", dir, digest + 7, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return vg_error(ctx, VG_ERR_IO, "cache %s: %s", tmp, strerror(errno));
    ssize_t w = write(fd, data, len);
    int ok = w >= 0 && (size_t)w == len;
    if (close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return vg_error(ctx, VG_ERR_IO, "cache %s: %s", path, strerror(e));
    }
    return VG_OK;
}

static int read_cached(vg_ctx *ctx, const char *path, vg_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    char chunk[65536];
    ssize_t n;
    int rc = VG_OK;
    while (rc == VG_OK && (n = read(fd, chunk, sizeof chunk)) > 0)
        if (out->len + (size_t)n > REG_MAX_MANIFEST || vg_buf_add(out, chunk, (size_t)n) != VG_OK)
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", path, REG_MAX_MANIFEST);
    close(fd);
    return rc;
}

/* ---- manifests ---------------------------------------------------------- */

int reg_get_manifest(reg_client *c, const char *reference, vg_buf *out, char digest_out[72], char **mt_out)
{
    vg_ctx *ctx = reg_client_ctx(c);
    const reg_ref *ref = reg_client_ref(c);
    *mt_out = NULL;
    char dir[4096], path[4200];
    int rc = cache_blobs_dir(ctx, dir, sizeof dir);
    if (rc)
        return rc;
    int by_digest = reg_valid_digest(reference);
    char content_type[256] = "";
    if (by_digest && cached(dir, reference, path, sizeof path)) {
        rc = read_cached(ctx, path, out);
    } else {
        char url[1024];
        snprintf(url, sizeof url, "/v2/%s/manifests/%s", ref->repo, reference);
        reg_sink sink = {.buf = out, .max = REG_MAX_MANIFEST};
        reg_response resp;
        rc = reg_request(c, "GET", url, MANIFEST_ACCEPT, NULL, 0, NULL, &sink, &resp);
        if (rc == VG_OK && resp.status != 200) {
            char what[600];
            snprintf(what, sizeof what, "manifest %s:%s", ref->repo, reference);
            return reg_status_error(c, what, &resp);
        }
        if (rc == VG_OK && resp.digest[0] && !by_digest && reg_valid_digest(resp.digest)) {
            char got[72];
            reg_sha256(out->data ? out->data : "", out->len, got);
            if (strcmp(got, resp.digest) != 0)
                return vg_error(ctx, VG_ERR_DIGEST,
                                "registry %s: manifest %s:%s has digest %s, not %s as the registry says; refused",
                                ref->host, ref->repo, reference, got, resp.digest);
        }
        snprintf(content_type, sizeof content_type, "%s", resp.content_type);
    }
    if (rc)
        return rc;
    reg_sha256(out->data ? out->data : "", out->len, digest_out);
    if (by_digest && strcmp(digest_out, reference) != 0)
        return vg_error(ctx, VG_ERR_DIGEST, "registry %s: manifest %s@%s has digest %s; refused, nothing kept",
                        ref->host, ref->repo, reference, digest_out);
    json_t *j = json_loadb(out->data ? out->data : "", out->len, 0, NULL);
    const char *mt = json_string_value(json_object_get(j, "mediaType"));
    if (!json_is_object(j)) {
        json_decref(j);
        return vg_error(ctx, VG_ERR_FORMAT, "registry %s: manifest %s:%s is not a JSON object", ref->host, ref->repo,
                        reference);
    }
    /* mediaType is optional in OCI manifests and indexes: then the
     * Content-Type, else what the document holds. */
    if (!mt)
        mt = content_type[0]                                     ? content_type
             : json_is_array(json_object_get(j, "manifests")) ? REG_MT_OCI_INDEX
                                                               : REG_MT_OCI_MANIFEST;
    *mt_out = strdup(mt);
    json_decref(j);
    if (!*mt_out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return cache_put(ctx, dir, digest_out, out->data ? out->data : "", out->len);
}

static int is_index(const char *mt)
{
    return !strcmp(mt, REG_MT_OCI_INDEX) || !strcmp(mt, REG_MT_DOCKER_LIST);
}

void reg_image_free(reg_image *img)
{
    vg_buf_free(&img->manifest);
    free(img->media_type);
    json_decref(img->platform);
    memset(img, 0, sizeof *img);
}

int reg_resolve_image(reg_client *c, const char *platform, reg_image *out)
{
    vg_ctx *ctx = reg_client_ctx(c);
    const reg_ref *ref = reg_client_ref(c);
    memset(out, 0, sizeof *out);
    vg_buf_init(&out->manifest, REG_MAX_MANIFEST);
    int rc = reg_get_manifest(c, ref->reference, &out->manifest, out->digest, &out->media_type);
    if (rc || !is_index(out->media_type))
        return rc;
    json_t *index = json_loadb(out->manifest.data, out->manifest.len, 0, NULL);
    json_t *manifests = json_object_get(index, "manifests");
    json_t *descs[256];
    size_t n = 0;
    char where[800];
    snprintf(where, sizeof where, "registry:%s/%s (index %s)", ref->host, ref->repo, out->digest);
    for (size_t i = 0; i < json_array_size(manifests) && rc == VG_OK; i++) {
        json_t *d = json_array_get(manifests, i);
        const char *mt = json_string_value(json_object_get(d, "mediaType"));
        if (mt && is_index(mt))
            continue;
        if (n == sizeof descs / sizeof descs[0])
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %zu manifests", where, n);
        else
            descs[n++] = d;
    }
    size_t pick;
    if (rc == VG_OK)
        rc = json_is_array(manifests) ? vg_image_pick_platform(ctx, where, descs, n, platform, &pick)
                                      : vg_error(ctx, VG_ERR_FORMAT, "%s: no \"manifests\" array", where);
    const char *digest = rc ? NULL : json_string_value(json_object_get(descs[pick], "digest"));
    if (rc == VG_OK && !reg_valid_digest(digest))
        rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: the manifest for the platform has no sha256 digest", where);
    if (rc == VG_OK) {
        char want[72];
        snprintf(want, sizeof want, "%s", digest);
        json_int_t size = json_integer_value(json_object_get(descs[pick], "size"));
        out->platform = json_incref(json_object_get(descs[pick], "platform"));
        json_decref(index);
        index = NULL;
        free(out->media_type);
        out->media_type = NULL;
        vg_buf_reset(&out->manifest);
        rc = reg_get_manifest(c, want, &out->manifest, out->digest, &out->media_type);
        if (rc == VG_OK && (json_int_t)out->manifest.len != size)
            rc = vg_error(ctx, VG_ERR_DIGEST, "registry %s: manifest %s is %zu bytes, its descriptor says %lld",
                          ref->host, want, out->manifest.len, (long long)size);
        if (rc == VG_OK && is_index(out->media_type))
            rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "registry %s: nested image indexes are not supported (%s)",
                          ref->host, want);
    }
    json_decref(index);
    return rc;
}

int vg_registry_resolve(vg_ctx *ctx, const char *target, const char *platform, const vg_registry_options *opts,
                        char digest_out[72])
{
    reg_ref ref;
    reg_client *c;
    int rc = reg_ref_parse(ctx, target, &ref);
    if (rc || (rc = reg_client_open(ctx, &ref, opts, 0, &c)) != VG_OK)
        return rc;
    reg_image img;
    rc = reg_resolve_image(c, platform, &img);
    if (rc == VG_OK)
        memcpy(digest_out, img.digest, 72);
    reg_image_free(&img);
    reg_client_close(c);
    return rc;
}

/* ---- blobs -------------------------------------------------------------- */

typedef struct blob_dl {
    vg_ctx *ctx;
    const reg_ref *ref;
    const char *digest;
    int fd;
    EVP_MD_CTX *md;
    uint64_t got, size;
    const vg_registry_options *opts;
    size_t index, count;
    uint64_t done_before, total;
    time_t last;
} blob_dl;

static int blob_write(void *arg, const void *data, size_t len)
{
    blob_dl *b = arg;
    if (b->got + len > b->size) {
        vg_error(b->ctx, VG_ERR_DIGEST, "registry %s: blob %s of %s is longer than the %llu bytes its descriptor says; "
                 "refused, nothing kept", b->ref->host, b->digest, b->ref->repo, (unsigned long long)b->size);
        return 1;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(b->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vg_error(b->ctx, VG_ERR_DIGEST, "cache: writing blob %s: %s", b->digest, strerror(errno));
            return 1;
        }
        p += w;
        left -= (size_t)w;
    }
    EVP_DigestUpdate(b->md, data, len);
    b->got += len;
    time_t now = time(NULL);
    if (b->opts && b->opts->progress && now != b->last) {
        b->last = now;
        b->opts->progress(b->opts->progress_arg, b->index, b->count, b->done_before + b->got, b->total);
    }
    return 0;
}

static int fetch_blob(reg_client *c, const char *dir, const char *digest, uint64_t size, blob_dl *b)
{
    vg_ctx *ctx = reg_client_ctx(c);
    const reg_ref *ref = reg_client_ref(c);
    char path[4200], tmp[4300], url[1024];
    if (cached(dir, digest, path, sizeof path))
        return VG_OK;
    snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%ld", dir, digest + 7, (long)getpid());
    b->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (b->fd < 0)
        return vg_error(ctx, VG_ERR_IO, "cache %s: %s", tmp, strerror(errno));
    b->md = EVP_MD_CTX_new();
    if (!b->md || !EVP_DigestInit_ex(b->md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(b->md);
        close(b->fd);
        unlink(tmp);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    b->digest = digest;
    b->got = 0;
    b->size = size;
    snprintf(url, sizeof url, "/v2/%s/blobs/%s", ref->repo, digest);
    reg_sink sink = {.write = blob_write, .arg = b};
    reg_response resp;
    ctx->message[0] = '\0';
    int rc = reg_request(c, "GET", url, NULL, NULL, 0, NULL, &sink, &resp);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(b->md, md, &mdlen);
    EVP_MD_CTX_free(b->md);
    if (close(b->fd) != 0 && rc == VG_OK)
        rc = vg_error(ctx, VG_ERR_IO, "cache %s: %s", tmp, strerror(errno));
    if (rc == VG_OK && resp.status != 200) {
        char what[600];
        snprintf(what, sizeof what, "blob %s of %s", digest, ref->repo);
        rc = reg_status_error(c, what, &resp);
    }
    char got[72];
    to_hex(md, got);
    if (rc == VG_OK && (b->got != size || strcmp(got, digest) != 0))
        rc = vg_error(ctx, VG_ERR_DIGEST,
                      "registry %s: blob %s of %s came with digest %s (%llu bytes, %llu expected): corrupt or "
                      "tampered with; refused, nothing kept", ref->host, digest, ref->repo, got,
                      (unsigned long long)b->got, (unsigned long long)size);
    if (rc == VG_OK && rename(tmp, path) != 0)
        rc = vg_error(ctx, VG_ERR_IO, "cache %s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    b->done_before += b->got;
    return rc;
}

/* ---- the layout view over the cache ------------------------------------- */

static int write_file(int dirfd, const char *name, const char *text)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    return close(fd) == 0 && w == (ssize_t)len ? 0 : -1;
}

typedef struct layout {
    char dir[4200];
    int dirfd;
} layout;

/* The layout view: oci-layout, index.json naming the manifest, and hard
 * links blobs/sha256/<hex> to the cached blobs. */
static int layout_make(vg_ctx *ctx, const char *cache, const reg_image *img, const char *target, const char *const *blobs,
                       size_t nblobs, layout *l)
{
    l->dirfd = -1;
    snprintf(l->dir, sizeof l->dir, "%s/../../view.XXXXXX", cache);
    if (!mkdtemp(l->dir))
        return vg_error(ctx, VG_ERR_IO, "cache %s: %s", l->dir, strerror(errno));
    l->dirfd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    json_t *desc = json_pack("{s:s, s:s, s:I}", "mediaType", img->media_type, "digest", img->digest, "size",
                             (json_int_t)img->manifest.len);
    if (img->platform)
        json_object_set(desc, "platform", img->platform);
    json_object_set_new(desc, "annotations", json_pack("{s:s}", "org.opencontainers.image.ref.name",
                                                       target + strlen(VG_REGISTRY_PREFIX)));
    json_t *index = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType", REG_MT_OCI_INDEX, "manifests", desc);
    char *text = index ? json_dumps(index, JSON_COMPACT) : NULL;
    json_decref(index);
    int ok = l->dirfd >= 0 && text && write_file(l->dirfd, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}") == 0 &&
             write_file(l->dirfd, "index.json", text) == 0 && mkdirat(l->dirfd, "blobs", 0700) == 0 &&
             mkdirat(l->dirfd, "blobs/sha256", 0700) == 0;
    free(text);
    for (size_t i = 0; ok && i < nblobs; i++) {
        char from[4200], to[4400];
        snprintf(from, sizeof from, "%s/%s", cache, blobs[i] + 7);
        snprintf(to, sizeof to, "%s/blobs/sha256/%s", l->dir, blobs[i] + 7);
        if (link(from, to) != 0 && errno != EEXIST)
            ok = 0;
    }
    if (!ok)
        return vg_error(ctx, VG_ERR_IO, "cache %s: %s", l->dir, strerror(errno));
    return VG_OK;
}

static void layout_drop(layout *l, const char *const *blobs, size_t nblobs)
{
    if (l->dir[0] == '\0')
        return;
    char p[4400];
    for (size_t i = 0; i < nblobs; i++) {
        snprintf(p, sizeof p, "%s/blobs/sha256/%s", l->dir, blobs[i] + 7);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/blobs/sha256", l->dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/blobs", l->dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/index.json", l->dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/oci-layout", l->dir);
    unlink(p);
    if (l->dirfd >= 0)
        close(l->dirfd);
    rmdir(l->dir);
}

/* ---- the entry point ---------------------------------------------------- */

int vg_scan_registry(vg_ctx *ctx, const char *target, const vg_scan_options *opts, const vg_exclude *ex,
                     vg_inventory *inv)
{
    reg_ref ref;
    int rc = reg_ref_parse(ctx, target, &ref);
    if (rc)
        return rc;
    vg_registry_options ropts = opts->registry ? *opts->registry : (vg_registry_options){0};
    if (!ropts.max_total)
        ropts.max_total = opts->max_total_size ? opts->max_total_size : VG_DEFAULT_MAX_TOTAL_SIZE;
    reg_client *c = NULL;
    reg_image img;
    memset(&img, 0, sizeof img);
    json_t *manifest = NULL;
    const char **blobs = NULL;
    size_t nblobs = 0;
    layout l = {.dirfd = -1};
    char cache[4096];
    if ((rc = cache_blobs_dir(ctx, cache, sizeof cache)) != VG_OK ||
        (rc = reg_client_open(ctx, &ref, &ropts, 0, &c)) != VG_OK ||
        (rc = reg_resolve_image(c, opts->platform, &img)) != VG_OK)
        goto out;
    manifest = json_loadb(img.manifest.data, img.manifest.len, 0, NULL);
    json_t *config = json_object_get(manifest, "config");
    json_t *layers = json_object_get(manifest, "layers");
    if (!json_is_object(config) || !json_is_array(layers)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: manifest %s has no config or no layers", target, img.digest);
        goto out;
    }
    size_t nlayers = json_array_size(layers);
    if (nlayers > REG_MAX_LAYERS) {
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d layers", target, REG_MAX_LAYERS);
        goto out;
    }
    blobs = calloc(nlayers + 2, sizeof *blobs);
    uint64_t *sizes = calloc(nlayers + 2, sizeof *sizes);
    if (!blobs || !sizes) {
        free(sizes);
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto out;
    }
    blobs[nblobs++] = img.digest;
    uint64_t total = 0;
    for (size_t i = 0; i <= nlayers; i++) {
        json_t *d = i == 0 ? config : json_array_get(layers, i - 1);
        const char *digest = json_string_value(json_object_get(d, "digest"));
        json_int_t size = json_integer_value(json_object_get(d, "size"));
        if (!reg_valid_digest(digest) || !json_is_integer(json_object_get(d, "size")) || size < 0) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: manifest %s: a descriptor without a sha256 digest or a size",
                          target, img.digest);
            break;
        }
        total += (uint64_t)size;
        if (total > ropts.max_total) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: the image's blobs add up to more than %llu bytes (--max-total-size)",
                          target, (unsigned long long)ropts.max_total);
            break;
        }
        sizes[nblobs] = (uint64_t)size;
        blobs[nblobs++] = digest;
    }
    blob_dl b = {.ctx = ctx, .ref = &ref, .opts = &ropts, .count = nblobs - 1, .total = total};
    for (size_t i = 1; rc == VG_OK && i < nblobs; i++) {
        b.index = i;
        rc = fetch_blob(c, cache, blobs[i], sizes[i], &b);
    }
    free(sizes);
    if (rc == VG_OK && ropts.progress)
        ropts.progress(ropts.progress_arg, nblobs - 1, nblobs - 1, total, total);
    reg_client_close(c);
    c = NULL;
    if (rc == VG_OK)
        rc = layout_make(ctx, cache, &img, target, blobs, nblobs, &l);
    if (rc == VG_OK)
        rc = vg_scan_oci_directory(ctx, target, l.dirfd, opts, ex, inv);
out:
    layout_drop(&l, blobs, nblobs);
    free(blobs);
    json_decref(manifest);
    reg_image_free(&img);
    reg_client_close(c);
    return rc;
}
