/*
 * image.c — archives as targets: root filesystem tarballs, `docker save`
 * archives and OCI image layouts (directory or tar).
 *
 * Formats: tar in any compression libarchive reads (gzip, zstd, xz, bzip2,
 * ...); Docker image archive ("docker save": manifest.json with Config,
 * RepoTags, Layers; the config digest is the image id); OCI Image Layout
 * and Image Manifest/Index/Config, OCI image spec v1.1 (layout.md,
 * image-index.md, manifest.md, config.md, layer.md incl. "Whiteouts").
 *
 * The file is the descriptor vg_scan() opened; every reader reads it with
 * pread() at its own offset, never by name.  One pass decides what it is:
 *  - an OCI layout in a tar: oci-layout (with imageLayoutVersion) and
 *    index.json (with a manifests array) at the top, and the blobs the
 *    index names are members;
 *  - a docker archive: manifest.json at the top is a docker-save manifest
 *    list (an array of objects with a string Config and an array of string
 *    Layers) and the first image's Config and Layers are regular members;
 *  - a damaged image (read as one, so that the error says what is wrong):
 *    neither of the above, but every member has a name image archives use
 *    (image_member_name) and manifest.json or oci-layout and index.json are
 *    there;
 *  - else a root filesystem, whatever manifest.json it holds (a warning
 *    when that is a docker manifest list naming members it does not have).
 * For a root filesystem the same pass builds the file view and hashes
 * every byte of the file (target.digest), so a compressed rootfs is
 * decompressed once and the digest is that of the bytes scanned.  A pass
 * whose first member has an image's name does neither and skips (seeks
 * over) member data; should it end up with a root filesystem after all,
 * the file is read again, and that second read is both scanned and hashed.
 * For an image, each blob is read by a new reader that skips to its member
 * (a seek on an uncompressed tar); a layer goes through two nested
 * libarchive readers: "raw" with every filter (the decompressed stream,
 * hashed into the diff_id) feeding "tar".  Every descriptor digest
 * (manifests, config, layer blobs) and every diff_id is verified; a
 * mismatch is VG_ERR_DIGEST naming the layer.
 *
 * target.digest: the OCI manifest digest for an OCI layout; for a docker
 * archive, which has no manifest digest, the config digest (= the image id,
 * what `docker images --no-trunc` shows); for a rootfs tarball, the sha256
 * of the file as read for the scan.
 *
 * --exclude: an entry whose path (or a directory above it) matches stays in
 * the view, marked and without content, so that whiteouts and links still
 * see it; it is never fed to a cataloger, nor is a symlink leading to it,
 * nor a hardlink to it.
 *
 * Attribution: after every layer that adds, changes or removes a file the
 * catalogers want, the catalogers run over the view as it is then (into a
 * scratch inventory); a component of the final inventory belongs to the
 * first layer from which it is present in every snapshot up to the last.
 * With vg_scan_options.final_view_only (a collector's catalogers, which
 * make no components) they run once, over the final view.
 *
 * Content kept: files a cataloger wants are held in memory; files only
 * catalogers with VG_CATALOG_RANDOM_ACCESS want (binaries, jars; with
 * VG_CATALOG_EXECUTABLES every file with an x bit) go to an unlinked spool
 * file in $TMPDIR and are read back with pread() through vg_file.read_at.
 *
 * Leaves out: docker archives holding several images (the first is scanned,
 * with a warning), foreign/non-distributable layers not present in the
 * archive, signatures, and digest algorithms other than sha256.  A wanted
 * symlink whose target file is not itself wanted cannot be read (its content
 * was not kept): warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "source/exclude.h"
#include "source/filehash.h"
#include "source/source_internal.h"
#include "source/tree.h"
#include "vigil/buf.h"

#define IMAGE_MAX_ENTRIES ((size_t)10 * 1000 * 1000) /* tar entries, all layers together */
#define IMAGE_MAX_JSON ((size_t)16 << 20)            /* manifest, index, config */
#define IMAGE_MAX_LAYERS 1000
#define IMAGE_MAX_INDEX_DEPTH 4
#define IMAGE_IO_BLOCK 65536

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

typedef struct scan {
    vg_ctx *ctx;
    const char *path;     /* the target, as given */
    int fd;               /* the archive, opened once by vg_scan(); -1 for a layout directory */
    uint64_t file_size;   /* of the archive when it was opened */
    const vg_exclude *exclude; /* --exclude patterns, or NULL */
    vg_inventory *inv;
    uint64_t max_file;
    uint64_t max_total;
    uint64_t total;       /* uncompressed bytes read so far */
    size_t entries;
    vg_tree tree;
    vg_catalog *cat;      /* the final run; also answers wants() */
    vg_catalog_mask random_access; /* catalogers that read through read_at */
    vg_catalog_mask executables;   /* catalogers offered every executable file */
    int spool_fd;         /* unlinked temporary file for read_at-only content, or -1 */
    uint64_t spool_len;
    int image;            /* whiteouts apply */
    const char *platform;
    vg_catalog_mask catalogers; /* enabled catalogers, 0 = all */
    const vg_cataloger *const *table; /* vg_scan_options.table, or NULL */
    void *user;                 /* vg_scan_options.user */
    unsigned final_view_only;   /* vg_scan_options.final_view_only */
    unsigned hash_files;        /* vg_scan_options.hash_files: every regular
                                   file is hashed as it streams by */
} scan;

/* ---- small helpers ---------------------------------------------------- */

static void hex_digest(const unsigned char *md, char out[72])
{
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[71] = '\0';
}

static int sha256_final(EVP_MD_CTX *md, char out[72])
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(md, raw, &n) != 1 || n != 32)
        return VG_ERR_NOMEM;
    hex_digest(raw, out);
    return VG_OK;
}

/* Nonzero if d is "sha256:" and 64 lowercase hex digits. */
static int valid_sha256(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
        return 0;
    for (const char *p = d + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static int nomem(scan *s)
{
    return vg_error(s->ctx, VG_ERR_NOMEM, "%s: out of memory", s->path);
}

static int over_total(scan *s)
{
    return vg_error(s->ctx, VG_ERR_LIMIT,
                    "%s: more than %llu bytes uncompressed (an archive bomb?); see --max-total-size",
                    s->path, (unsigned long long)s->max_total);
}

/* ---- applying tar entries to the view --------------------------------- */

/* The data of the tar entry being applied: read from the archive, or
 * already read whole (pre) by the kind detection. */
typedef struct entry_data {
    struct archive *a;
    const vg_buf *pre;
    size_t off;
    vg_hasher *hasher; /* every byte read goes through it, or NULL */
} entry_data;

static la_ssize_t entry_read(entry_data *d, void *buf, size_t n)
{
    la_ssize_t r;
    if (!d->pre) {
        r = archive_read_data(d->a, buf, n);
    } else {
        size_t left = d->pre->len - d->off;
        if (n > left)
            n = left;
        if (n)
            memcpy(buf, d->pre->data + d->off, n);
        d->off += n;
        r = (la_ssize_t)n;
    }
    if (r > 0 && d->hasher)
        vg_hasher_update(d->hasher, buf, (size_t)r);
    return r;
}

/* With hash_files: reads what the catalogers left of the entry's data
 * through d's hasher and keeps the SHA-512 of the whole file on n. */
static int hash_entry_rest(scan *s, entry_data *d, vg_node *n, const char *where)
{
    unsigned char block[IMAGE_IO_BLOCK];
    la_ssize_t r;
    while ((r = entry_read(d, block, sizeof block)) > 0)
        ;
    if (r < 0) {
        vg_hasher_discard(d->hasher);
        return vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s: %s", where, n->path, archive_error_string(d->a));
    }
    n->hash = vg_arena_calloc(&s->tree.arena, 1, sizeof *n->hash);
    if (!n->hash) {
        vg_hasher_discard(d->hasher);
        return nomem(s);
    }
    if (vg_hasher_final(d->hasher, n->mode, n->path, n->hash) != VG_OK)
        return nomem(s);
    return VG_OK;
}

/* Copies the data of the current entry of a to the end of the spool file,
 * for catalogers that only read through read_at (binaries, archives): they
 * may be large, and are not kept in memory. */
static int spool_content(scan *s, entry_data *d, vg_node *n, const char *where)
{
    uint64_t max = vg_catalog_max_size(s->cat, n->mask & s->random_access);
    if (s->max_file < max)
        max = s->max_file;
    if (n->size > max) {
        n->too_big = 1;
        return VG_OK;
    }
    if (s->spool_fd < 0) {
        const char *dir = getenv("TMPDIR");
        char tmpl[VG_MAX_PATH];
        snprintf(tmpl, sizeof tmpl, "%s/vigil-spool-XXXXXX", dir && *dir ? dir : "/tmp");
        s->spool_fd = mkostemp(tmpl, O_CLOEXEC);
        if (s->spool_fd < 0)
            return vg_error(s->ctx, VG_ERR_IO, "%s: cannot create a spool file in %s: %s", s->path,
                            dir && *dir ? dir : "/tmp", strerror(errno));
        unlink(tmpl);
    }
    n->spool_offset = s->spool_len;
    uint64_t got = 0;
    unsigned char block[IMAGE_IO_BLOCK];
    while (got < n->size) {
        la_ssize_t r = entry_read(d, block, sizeof block);
        if (r < 0)
            return vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s: %s", where, n->path, archive_error_string(d->a));
        if (r == 0)
            break;
        if ((uint64_t)r > n->size - got)
            r = (la_ssize_t)(n->size - got);
        for (la_ssize_t done = 0; done < r;) {
            ssize_t w = pwrite(s->spool_fd, block + done, (size_t)(r - done), (off_t)(s->spool_len + got + done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return vg_error(s->ctx, VG_ERR_IO, "%s: writing the spool file: %s", s->path, strerror(errno));
            done += w;
        }
        got += (uint64_t)r;
    }
    n->size = got;
    n->spooled = 1;
    s->spool_len += got;
    return VG_OK;
}

/* read_at of a spooled file: handle is the node, file->path its name. */
typedef struct spool_handle {
    int fd;
    const vg_node *node;
} spool_handle;

static long read_spool(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    const spool_handle *h = file->handle;
    if (offset >= h->node->size)
        return 0;
    if (len > h->node->size - offset)
        len = (size_t)(h->node->size - offset);
    if (len > LONG_MAX)
        len = LONG_MAX;
    for (;;) {
        ssize_t r = pread(h->fd, buf, len, (off_t)(h->node->spool_offset + offset));
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : (long)r;
    }
}

/* Reads the data of the current entry of a into node's content, unless it
 * is bigger than what one file may be (then node->too_big). */
static int read_content(scan *s, entry_data *d, vg_node *n, const char *where)
{
    if (!(n->mask & ~s->random_access))
        return spool_content(s, d, n, where);
    uint64_t max = vg_catalog_max_size(s->cat, n->mask & ~s->random_access);
    if (s->max_file < max)
        max = s->max_file;
    if (n->size > max) {
        n->too_big = 1;
        return VG_OK;
    }
    vg_blob *blob = vg_blob_new((size_t)n->size);
    if (!blob)
        return nomem(s);
    size_t got = 0;
    while (got < blob->size) {
        la_ssize_t r = entry_read(d, blob->data + got, blob->size - got);
        if (r < 0) {
            vg_blob_release(blob);
            return vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s: %s", where, n->path, archive_error_string(d->a));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    blob->size = got;
    blob->data[got] = '\0';
    vg_tree_set_content(n, blob);
    vg_blob_release(blob);
    return VG_OK;
}

/* Applies entry e of layer to the view; its data is still unread in a, or
 * already read whole into pre (may be NULL).  where names the archive (and
 * layer) in messages.  *changed is set when a wanted file was added,
 * changed or removed.  An entry --exclude leaves out stays in the view,
 * marked, without content: whiteouts and links still see it. */
static int apply_entry(scan *s, struct archive *a, struct archive_entry *e, int layer, const char *where,
                       const vg_buf *pre, int *changed)
{
    const char *name = archive_entry_pathname(e);
    if (!name) {
        vg_warn(s->ctx, where, "skipped an entry whose name cannot be decoded");
        return VG_OK;
    }
    if (++s->entries > IMAGE_MAX_ENTRIES)
        return vg_error(s->ctx, VG_ERR_LIMIT, "%s: more than %zu entries", where, IMAGE_MAX_ENTRIES);
    char path[VG_MAX_PATH + 1];
    size_t len;
    int norm = vg_tree_normalize(name, path, sizeof path, &len);
    if (norm & VG_PATH_DOTDOT) {
        vg_warn(s->ctx, where, "skipped entry \"%.200s\": a \"..\" component would leave the root", name);
        return VG_OK;
    }
    if (norm & VG_PATH_TOO_LONG) {
        vg_warn(s->ctx, where, "skipped entry \"%.200s...\": path longer than %d bytes", name, VG_MAX_PATH);
        return VG_OK;
    }
    if (norm & VG_PATH_ABSOLUTE)
        vg_warn(s->ctx, where, "entry \"%.200s\" has an absolute path; read as /%s inside the root", name, path);
    if (len == 0)
        return VG_OK; /* the root itself */
    size_t base = len;
    while (base > 0 && path[base - 1] != '/')
        base--;
    size_t removed = 0;

    if (s->image && strncmp(path + base, ".wh.", 4) == 0) {
        if (strcmp(path + base, ".wh..wh..opq") == 0) {
            vg_node *dir = vg_tree_get(&s->tree, path, base ? base - 1 : 0);
            if (!dir || dir->kind != VG_NODE_DIR) {
                if (base == 0)
                    dir = s->tree.root;
                else if (vg_tree_put(&s->tree, path, base - 1, VG_NODE_DIR, layer, &dir, &removed))
                    return nomem(s);
            }
            removed += vg_tree_opaque(&s->tree, dir, layer);
        } else if (strncmp(path + base, ".wh..wh.", 8) != 0) {
            /* ".wh.NAME" hides parent/NAME; other ".wh..wh." names are aufs bookkeeping. */
            char target[VG_MAX_PATH + 1];
            memcpy(target, path, base);
            size_t tlen = len - 4;
            memcpy(target + base, path + base + 4, len - base - 4);
            target[tlen] = '\0';
            const char *victim = target + base;
            if (!*victim || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0)
                vg_warn(s->ctx, where, "ignored whiteout \"%.200s\": it names no file", name);
            else
                removed += vg_tree_whiteout(&s->tree, target, tlen, layer);
        }
        if (removed)
            *changed = 1;
        return VG_OK;
    }

    const char *hardlink = archive_entry_hardlink(e);
    vg_node_kind kind;
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR: kind = VG_NODE_DIR; break;
    case AE_IFLNK: kind = VG_NODE_SYMLINK; break;
    case AE_IFREG: kind = VG_NODE_FILE; break;
    default: kind = hardlink ? VG_NODE_FILE : VG_NODE_OTHER; break;
    }
    vg_blob *shared = NULL;
    vg_node *linked = NULL;
    char linkpath[VG_MAX_PATH + 1];
    size_t linklen = 0;
    if (hardlink && kind != VG_NODE_DIR) {
        int lnorm = vg_tree_normalize(hardlink, linkpath, sizeof linkpath, &linklen);
        if ((lnorm & (VG_PATH_DOTDOT | VG_PATH_TOO_LONG)) || linklen == 0) {
            vg_warn(s->ctx, where, "skipped hardlink \"%.200s\" -> \"%.200s\": target outside the root", name, hardlink);
            return VG_OK;
        }
        linked = vg_tree_get(&s->tree, linkpath, linklen);
        kind = VG_NODE_HARDLINK;
        if (linked && linked->kind == VG_NODE_SYMLINK)
            kind = VG_NODE_SYMLINK;
        else if (linked && linked->kind == VG_NODE_DIR)
            linked = NULL;
    }
    /* Keep what the link target holds before put() may replace it. */
    const char *symlink_target = kind == VG_NODE_SYMLINK ? (linked ? linked->link : archive_entry_symlink(e)) : NULL;
    char *link_copy = NULL;
    if (symlink_target && !(link_copy = vg_arena_strdup(&s->tree.arena, symlink_target)))
        return nomem(s);
    vg_node linked_copy = {0};
    if (linked)
        linked_copy = *linked;
    if (linked && linked->content) {
        shared = linked->content;
        shared->refs++;
    }

    vg_node *n;
    if (vg_tree_put(&s->tree, path, len, kind, layer, &n, &removed)) {
        vg_blob_release(shared);
        return nomem(s);
    }
    if (removed)
        *changed = 1;
    n->size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
    if (kind == VG_NODE_SYMLINK) {
        n->link = link_copy;
    } else if (kind == VG_NODE_HARDLINK) {
        n->link = vg_arena_strndup(&s->tree.arena, linkpath, linklen);
        if (!n->link) {
            vg_blob_release(shared);
            return nomem(s);
        }
        if (linked) {
            n->size = linked_copy.size;
            n->too_big = linked_copy.too_big;
            n->mode = linked_copy.mode;
            n->spooled = linked_copy.spooled;
            n->spool_offset = linked_copy.spool_offset;
        }
    }
    if (kind == VG_NODE_FILE)
        n->mode = archive_entry_perm(e) & 07777;
    if (kind == VG_NODE_FILE || kind == VG_NODE_HARDLINK || kind == VG_NODE_SYMLINK)
        n->mask = vg_catalog_wants(s->cat, path, len, base);
    /* As in the directory walk: binaries and archives are read once, under
     * their real path, not again through every symlink to them. */
    if (kind == VG_NODE_SYMLINK)
        n->mask &= ~s->random_access;
    if ((kind == VG_NODE_FILE || kind == VG_NODE_HARDLINK) && (n->mode & 0111))
        n->mask |= s->executables;
    /* Excluded: by its own path, or as a hardlink to an excluded file (whose content was never read). */
    if (vg_exclude_match(s->exclude, path, len) || (linked && linked_copy.excluded)) {
        n->excluded = 1;
        n->mask = 0;
    }
    if (n->mask)
        *changed = 1;
    int rc = VG_OK;
    if (kind == VG_NODE_HARDLINK) {
        if (n->mask && !shared && !n->spooled && !n->too_big)
            vg_warn(s->ctx, where, "%s: hardlink to %s, whose content was not kept", path, n->link);
        vg_tree_set_content(n, shared);
        if (linked)
            n->hash = linked_copy.hash;
    } else if (kind == VG_NODE_FILE && (n->mask || (s->hash_files && !n->excluded))) {
        vg_hasher hasher;
        entry_data d = {.a = a, .pre = pre};
        if (s->hash_files && !n->excluded) {
            if (vg_hasher_init(&hasher) != VG_OK) {
                vg_blob_release(shared);
                return nomem(s);
            }
            d.hasher = &hasher;
        }
        if (n->mask)
            rc = read_content(s, &d, n, where);
        if (d.hasher)
            rc = rc == VG_OK ? hash_entry_rest(s, &d, n, where) : (vg_hasher_discard(&hasher), rc);
    }
    vg_blob_release(shared);
    return rc;
}

/* ---- handing the view to the catalogers -------------------------------- */

/* Feeds every wanted file of the view to cat.  warnings: nonzero for the
 * final run, whose problems are the user's; snapshot runs stay quiet. */
static int feed_view(scan *s, vg_catalog *cat, int warnings)
{
    for (vg_node *n = s->tree.root; n; n = vg_tree_next(n)) {
        if (!n->mask)
            continue;
        const vg_node *file = n;
        if (n->kind == VG_NODE_SYMLINK) {
            vg_node *target;
            int flags;
            int rc = vg_tree_resolve(&s->tree, n->path, n->pathlen, &target, &flags);
            if (rc) {
                if (warnings)
                    vg_warn(s->ctx, n->path, "cannot resolve symlink -> %s: %s", n->link ? n->link : "",
                            rc == VG_ERR_UNSAFE ? "symlink loop" : rc == VG_ERR_LIMIT ? "path too long" : "no such file");
                continue;
            }
            if (target->excluded)
                continue; /* leads into what --exclude leaves out */
            if (warnings && (flags & VG_RESOLVE_ESCAPED))
                vg_warn(s->ctx, n->path, "symlink points outside the root; resolved inside it, as the system would");
            if (target->kind != VG_NODE_FILE && target->kind != VG_NODE_HARDLINK) {
                if (warnings)
                    vg_warn(s->ctx, n->path, "symlink -> %s does not lead to a regular file", n->link ? n->link : "");
                continue;
            }
            if (!target->content && !target->spooled && !target->too_big) {
                if (warnings)
                    vg_warn(s->ctx, n->path, "symlink -> %s: the target's content was not kept (not a file vigil reads)",
                            target->path);
                continue;
            }
            file = target;
        }
        if (file->too_big) {
            if (warnings)
                vg_warn(s->ctx, n->path, "skipped: %llu bytes is more than the size read from one file",
                        (unsigned long long)file->size);
            continue;
        }
        if (!file->content && !file->spooled)
            continue;
        spool_handle handle = {.fd = s->spool_fd, .node = file};
        vg_file f = {.path = n->path,
                     .data = file->content ? file->content->data : NULL,
                     .size = file->content ? file->content->size : (size_t)file->size,
                     .layer = s->image ? file->layer : -1,
                     .mode = file->mode,
                     .read_at = file->content ? vg_file_read_memory : read_spool,
                     .handle = &handle};
        int rc = vg_catalog_feed(cat, n->mask, &f);
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* Identity of a component across snapshots. */
static const char *component_identity(vg_arena *arena, const vg_component *c)
{
    return vg_arena_printf(arena, "%s|%s|%s|%s|%s|%s", c->type ? c->type : "", c->name ? c->name : "",
                           c->version ? c->version : "", c->arch ? c->arch : "",
                           c->location ? c->location : "", c->purl ? c->purl : "");
}

typedef struct attribution {
    vg_arena arena;  /* identities */
    vg_map *sets;    /* one per layer that changed wanted files */
    int *set_of;     /* layer -> index into sets, -1 = empty set */
    size_t nlayers, nsets;
} attribution;

static void attribution_free(attribution *at)
{
    for (size_t i = 0; i < at->nsets; i++)
        vg_map_free(&at->sets[i]);
    free(at->sets);
    free(at->set_of);
    vg_arena_free(&at->arena);
}

/* Records the components of inv as the snapshot of layer. */
static int attribution_record(attribution *at, size_t layer, const vg_inventory *inv)
{
    vg_map *set = &at->sets[at->nsets];
    vg_map_init(set);
    at->nsets++;
    at->set_of[layer] = (int)(at->nsets - 1);
    for (size_t i = 0; i < inv->ncomponents; i++) {
        const char *id = component_identity(&at->arena, inv->components[i]);
        if (!id || vg_map_put(set, id, strlen(id), (void *)id) != VG_OK)
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

/* Runs the catalogers over the view as it is after layer, into a scratch
 * inventory, and records what they found. */
static int snapshot_layer(scan *s, attribution *at, size_t layer)
{
    vg_ctx sctx;
    vg_ctx_init(&sctx);
    vg_inventory sinv;
    vg_inventory_init(&sinv);
    vg_catalog *cat;
    int rc = vg_catalog_begin(&sctx, &sinv, s->table, s->catalogers, s->user, &cat);
    if (rc == VG_OK) {
        rc = feed_view(s, cat, 0);
        if (rc)
            vg_catalog_abort(cat);
        else
            rc = vg_catalog_finish(cat);
    }
    if (rc == VG_OK)
        rc = attribution_record(at, layer, &sinv);
    if (rc)
        vg_error(s->ctx, rc, "%s: cataloging layer %zu: %s", s->path, layer,
                 sctx.message[0] ? sctx.message : vg_strerror(rc));
    vg_inventory_free(&sinv);
    vg_ctx_free(&sctx);
    return rc;
}

/* Sets the layer of every component of the final inventory. */
static int attribute_components(scan *s, attribution *at)
{
    vg_inventory *inv = s->inv;
    size_t n = at->nlayers;
    if (n == 0)
        return VG_OK;
    if (attribution_record(at, n - 1, inv) != VG_OK)
        return nomem(s);
    for (size_t i = 0; i < inv->ncomponents; i++) {
        vg_component *c = inv->components[i];
        const char *id = component_identity(&at->arena, c);
        if (!id)
            return nomem(s);
        size_t idlen = strlen(id), layer = n - 1;
        while (layer > 0) {
            int set = at->set_of[layer - 1];
            if (set < 0 || !vg_map_get(&at->sets[set], id, idlen))
                break;
            layer--;
        }
        /* The writers turn this into vigil:layer:index, :digest and :diffID (format.c). */
        c->layer = (int)layer;
    }
    return VG_OK;
}

/* ---- reading the archive, root filesystem tarballs, kind detection ------ */

enum archive_kind { KIND_ROOTFS, KIND_DOCKER, KIND_OCI };

/* A libarchive client over the descriptor vg_scan() opened: every reader
 * has its own offset (pread), so the file is never looked up by name again
 * and several readers may be open at once.  While md is set every byte
 * handed to libarchive is hashed, and nothing is skipped. */
typedef struct outer_reader {
    scan *s;
    uint64_t pos;
    EVP_MD_CTX *md;
    unsigned char buf[IMAGE_IO_BLOCK];
} outer_reader;

static la_ssize_t outer_read(struct archive *a, void *client, const void **buf)
{
    outer_reader *r = client;
    for (;;) {
        ssize_t n = pread(r->s->fd, r->buf, sizeof r->buf, (off_t)r->pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            archive_set_error(a, errno, "read error: %s", strerror(errno));
            return -1;
        }
        if (r->md)
            EVP_DigestUpdate(r->md, r->buf, (size_t)n);
        r->pos += (uint64_t)n;
        *buf = r->buf;
        return n;
    }
}

static la_int64_t outer_skip(struct archive *a, void *client, la_int64_t request)
{
    outer_reader *r = client;
    if (r->md || request <= 0 || r->pos >= r->s->file_size)
        return 0; /* libarchive reads instead */
    uint64_t n = r->s->file_size - r->pos;
    if ((uint64_t)request < n)
        n = (uint64_t)request;
    r->pos += n;
    return (la_int64_t)n;
}

/* A tar reader (any compression) over the archive from its first byte. */
static struct archive *open_outer(scan *s, outer_reader *r)
{
    r->s = s;
    r->pos = 0;
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_set_read_callback(a, outer_read);
    archive_read_set_skip_callback(a, outer_skip);
    archive_read_set_callback_data(a, r);
    if (archive_read_open1(a) != ARCHIVE_OK) {
        vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", s->path, archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Names that image archives use: docker save (manifest.json, repositories,
 * <id>/{layer.tar,json,VERSION}, <hex>.json, <hex>.tar as skopeo writes it,
 * blobs/...), OCI layouts (oci-layout, index.json, blobs/ALG/HEX). */
static int image_member_name(const char *path, size_t len)
{
    static const char *const top[] = {"manifest.json", "repositories", "index.json", "oci-layout", "blobs"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        if (strlen(top[i]) == len && memcmp(path, top[i], len) == 0)
            return 1;
    if (len > 6 && memcmp(path, "blobs/", 6) == 0) {
        const char *slash = strchr(path + 6, '/'); /* blobs/ALG or blobs/ALG/HEX */
        return !slash || !strchr(slash + 1, '/');
    }
    if (len < 64 || strspn(path, "0123456789abcdef") < 64)
        return 0;
    const char *rest = path + 64;
    static const char *const after[] = {"", ".json", ".tar", "/layer.tar", "/json", "/VERSION"};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++)
        if (strlen(after[i]) == len - 64 && memcmp(rest, after[i], len - 64) == 0)
            return 1;
    return 0;
}

enum { TOP_MANIFEST, TOP_INDEX, TOP_LAYOUT, TOP_COUNT };
static const char *const top_json[TOP_COUNT] = {"manifest.json", "index.json", "oci-layout"};

/* What a pass over the archive learns about what it is. */
typedef struct detection {
    int lean;             /* the first member is an image's: no view, no digest, skips */
    int image_names;      /* every member has a name image archives use */
    vg_arena arena;       /* lean: copies of the member names */
    vg_map members;       /* lean: the regular members */
    int seen[TOP_COUNT];  /* top-level manifest.json, index.json, oci-layout */
    vg_buf json[TOP_COUNT]; /* their content, when regular and at most IMAGE_MAX_JSON */
} detection;

static void detection_free(detection *d)
{
    vg_map_free(&d->members);
    vg_arena_free(&d->arena);
    for (int i = 0; i < TOP_COUNT; i++)
        vg_buf_free(&d->json[i]);
}

/* Is name (as an image description writes it) a regular member? */
static int member_present(scan *s, const detection *d, const char *name)
{
    char path[VG_MAX_PATH + 1];
    size_t len;
    if (!name || (vg_tree_normalize(name, path, sizeof path, &len) & ~VG_PATH_ABSOLUTE) || len == 0)
        return 0;
    if (d->lean)
        return vg_map_get(&d->members, path, len) != NULL;
    const vg_node *n = vg_tree_get(&s->tree, path, len);
    return n && n->kind == VG_NODE_FILE;
}

static json_t *parse_top(const detection *d, int which)
{
    return d->json[which].data ? json_loadb(d->json[which].data, d->json[which].len, 0, NULL) : NULL;
}

/* manifest.json: a docker-save manifest list (an array of objects with a
 * string Config and an array of string Layers)?  -1 if not; else the
 * number of the first image's members that are not in the archive, the
 * first of which is copied to missing. */
static int docker_missing(scan *s, const detection *d, char *missing, size_t size)
{
    json_t *root = parse_top(d, TOP_MANIFEST);
    json_t *img = json_is_array(root) ? json_array_get(root, 0) : NULL;
    json_t *config = json_object_get(img, "Config"), *layers = json_object_get(img, "Layers");
    int count = json_is_string(config) && json_is_array(layers) ? 0 : -1;
    for (size_t i = 0; count >= 0 && i < json_array_size(layers); i++)
        if (!json_is_string(json_array_get(layers, i)))
            count = -1;
    for (size_t i = 0; count >= 0 && i <= json_array_size(layers); i++) {
        const char *name = json_string_value(i == 0 ? config : json_array_get(layers, i - 1));
        if (!member_present(s, d, name) && count++ == 0)
            snprintf(missing, size, "%s", name);
    }
    json_decref(root);
    return count;
}

/* oci-layout and index.json: an OCI image layout (imageLayoutVersion; a
 * manifests array of descriptors)?  -1 if not; else the number of blobs
 * the index names that are not in the archive, the first copied to missing. */
static int oci_missing(scan *s, const detection *d, char *missing, size_t size)
{
    json_t *layout = parse_top(d, TOP_LAYOUT), *index = parse_top(d, TOP_INDEX);
    json_t *manifests = json_object_get(index, "manifests");
    int count = json_is_string(json_object_get(layout, "imageLayoutVersion")) && json_is_array(manifests) ? 0 : -1;
    for (size_t i = 0; count >= 0 && i < json_array_size(manifests); i++) {
        const char *digest = json_string_value(json_object_get(json_array_get(manifests, i), "digest"));
        const char *colon = digest ? strchr(digest, ':') : NULL;
        char blob[VG_MAX_PATH];
        if (!colon || strchr(colon + 1, '/') || (size_t)snprintf(blob, sizeof blob, "blobs/%.*s/%s",
                                                                   (int)(colon - digest), digest, colon + 1) >= sizeof blob)
            count = -1;
        else if (!member_present(s, d, blob) && count++ == 0)
            snprintf(missing, size, "%s", blob);
    }
    json_decref(layout);
    json_decref(index);
    return count;
}

/* The kind of archive, from what the pass saw (the rules at the top). */
static enum archive_kind classify(scan *s, const detection *d, int warn)
{
    char missing[VG_MAX_PATH + 1];
    int oci = d->seen[TOP_LAYOUT] && d->seen[TOP_INDEX] ? oci_missing(s, d, missing, sizeof missing) : -1;
    if (oci == 0)
        return KIND_OCI;
    if (oci > 0 && warn && !d->image_names)
        vg_warn(s->ctx, s->path, "oci-layout and index.json at the top describe an image layout, but %s, which "
                "the index names, is not in the archive: read as a root filesystem", missing);
    int docker = d->seen[TOP_MANIFEST] ? docker_missing(s, d, missing, sizeof missing) : -1;
    if (docker == 0)
        return KIND_DOCKER;
    if (docker > 0 && warn && !d->image_names)
        vg_warn(s->ctx, s->path, "manifest.json at the top is a docker-save manifest list, but %s, which it "
                "names, is not in the archive: read as a root filesystem", missing);
    /* Nothing but an image's names: a damaged image, whose reading says what is wrong. */
    if (d->image_names && d->seen[TOP_LAYOUT] && d->seen[TOP_INDEX])
        return KIND_OCI;
    if (d->image_names && d->seen[TOP_MANIFEST])
        return KIND_DOCKER;
    return KIND_ROOTFS;
}

/* Starts over with an empty view: for an image found by the detection pass
 * (image: whiteouts apply), or for a second read of a root filesystem. */
static int reset_view(scan *s, int image)
{
    vg_tree_free(&s->tree);
    if (vg_tree_init(&s->tree) != VG_OK)
        return nomem(s);
    s->entries = 0;
    s->image = image;
    return VG_OK;
}

/* Reads the rest of the file after the end of the tar into the digest. */
static int hash_rest(scan *s, outer_reader *r)
{
    for (;;) {
        ssize_t n = pread(s->fd, r->buf, sizeof r->buf, (off_t)r->pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vg_error(s->ctx, VG_ERR_IO, "%s: %s", s->path, strerror(errno));
        if (n == 0)
            return VG_OK;
        EVP_DigestUpdate(r->md, r->buf, (size_t)n);
        r->pos += (uint64_t)n;
    }
}

/* One pass over the archive: what kind it is, and for a root filesystem
 * the view and digest[] (the sha256 of every byte of the file, hashed as
 * it was read for the view).  Unless keep_digest, a first member with an
 * image's name makes the pass lean: no view, no digest, data skipped;
 * *lean says so. */
static int scan_pass(scan *s, int keep_digest, enum archive_kind *kind, char digest[72], int *lean)
{
    detection d;
    memset(&d, 0, sizeof d);
    d.image_names = 1;
    vg_arena_init(&d.arena);
    vg_map_init(&d.members);
    for (int i = 0; i < TOP_COUNT; i++)
        vg_buf_init(&d.json[i], IMAGE_MAX_JSON);
    outer_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(r->md, EVP_sha256(), NULL) != 1) {
        if (r)
            EVP_MD_CTX_free(r->md);
        free(r);
        detection_free(&d);
        return nomem(s);
    }
    struct archive *a = open_outer(s, r);
    int rc = a ? VG_OK : s->ctx->message[0] ? VG_ERR_FORMAT : nomem(s), changed = 0, first = 1;
    struct archive_entry *e;
    while (rc == VG_OK) {
        int got = archive_read_next_header(a, &e);
        if (got == ARCHIVE_EOF)
            break;
        if (got != ARCHIVE_OK && got != ARCHIVE_WARN) { /* ARCHIVE_RETRY is a damaged header skipped */
            rc = vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", s->path, archive_error_string(a));
            break;
        }
        if (got == ARCHIVE_WARN && !d.lean)
            vg_warn(s->ctx, s->path, "%s", archive_error_string(a));
        uint64_t size = archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
        uint64_t pos = (uint64_t)archive_filter_bytes(a, 0);
        if (pos > s->max_total || size > s->max_total - pos) {
            rc = over_total(s);
            break;
        }
        const char *name = archive_entry_pathname(e);
        char path[VG_MAX_PATH + 1];
        size_t len = 0;
        int usable = name && !(vg_tree_normalize(name, path, sizeof path, &len) & ~VG_PATH_ABSOLUTE);
        if (usable && len == 0)
            continue; /* the root directory itself */
        int regular = archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e);
        d.image_names &= usable && image_member_name(path, len);
        if (first && d.image_names && !keep_digest) {
            d.lean = 1;
            EVP_MD_CTX_free(r->md);
            r->md = NULL;
        }
        first = 0;
        const vg_buf *pre = NULL;
        for (int i = 0; usable && i < TOP_COUNT; i++) {
            if (strcmp(path, top_json[i]) != 0)
                continue;
            d.seen[i] = 1; /* a later member of the same name replaces an earlier one */
            vg_buf_free(&d.json[i]);
            vg_buf_init(&d.json[i], IMAGE_MAX_JSON);
            if (!regular || size > IMAGE_MAX_JSON)
                break;
            char block[8192];
            la_ssize_t n;
            while ((n = archive_read_data(a, block, sizeof block)) > 0)
                if (vg_buf_add(&d.json[i], block, (size_t)n) != VG_OK) {
                    rc = nomem(s);
                    break;
                }
            if (n < 0)
                rc = vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s: %s", s->path, path, archive_error_string(a));
            if (!d.json[i].data && vg_buf_add(&d.json[i], "", 0) != VG_OK)
                rc = nomem(s);
            pre = &d.json[i];
        }
        if (rc)
            break;
        if (!d.lean) {
            rc = apply_entry(s, a, e, 0, s->path, pre, &changed);
        } else if (usable && regular) {
            char *copy = vg_arena_strndup(&d.arena, path, len);
            if (!copy || vg_map_put(&d.members, copy, len, copy) != VG_OK)
                rc = nomem(s);
        }
    }
    if (rc == VG_OK && r->md)
        rc = hash_rest(s, r);
    s->total = a ? (uint64_t)archive_filter_bytes(a, 0) : 0;
    if (a)
        archive_read_free(a);
    if (rc == VG_OK) {
        *kind = classify(s, &d, !d.lean);
        *lean = d.lean;
        if (r->md && sha256_final(r->md, digest) != VG_OK)
            rc = nomem(s);
    }
    EVP_MD_CTX_free(r->md);
    free(r);
    detection_free(&d);
    return rc;
}

/* What the archive is, and for a root filesystem its view and digest, all
 * from one read of its bytes: a lean first pass that finds a root
 * filesystem after all is read again, in full, and that second read is the
 * one scanned and hashed. */
static int scan_outer(scan *s, enum archive_kind *kind, char digest[72])
{
    int lean;
    int rc = scan_pass(s, 0, kind, digest, &lean);
    if (rc || *kind != KIND_ROOTFS || !lean)
        return rc;
    if ((rc = reset_view(s, 0)) != VG_OK)
        return rc;
    rc = scan_pass(s, 1, kind, digest, &lean);
    if (rc == VG_OK && *kind != KIND_ROOTFS)
        rc = vg_error(s->ctx, VG_ERR_IO, "%s: the file changed while it was read", s->path);
    return rc;
}

/* ---- blobs of an image: members of the tar, or files of the layout ------ */

typedef struct store {
    scan *s;
    int dirfd; /* OCI layout directory, or -1: members of the archive s->path */
} store;

typedef struct stream {
    struct archive *outer;
    outer_reader *reader; /* of outer */
    int fd;
    const char *name;
} stream;

/* Opens name (normalised: no "..", not absolute) below dirfd; symlinks on
 * the way may not lead out of dirfd (openat2 RESOLVE_BENEATH, EXDEV if they
 * do) and the file itself must not be one (O_NOFOLLOW).  On kernels without
 * openat2 only the last component is protected. */
static int open_beneath(int dirfd, const char *name)
{
#ifdef SYS_openat2
    struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
        return (int)fd;
#endif
    return openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
}

/* Opens member or file name (normalised by the caller) for reading. */
static int stream_open(store *st, const char *name, stream *out)
{
    scan *s = st->s;
    out->outer = NULL;
    out->reader = NULL;
    out->fd = -1;
    out->name = name;
    if (st->dirfd >= 0) {
        int fd = open_beneath(st->dirfd, name);
        if (fd < 0 && errno == EXDEV)
            return vg_error(s->ctx, VG_ERR_UNSAFE, "%s: %s: a symlink leads outside the layout", s->path, name);
        if (fd < 0)
            return vg_error(s->ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s: %s", s->path, name,
                            strerror(errno));
        struct stat sb;
        if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            close(fd);
            return vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s is not a regular file", s->path, name);
        }
        out->fd = fd;
        return VG_OK;
    }
    outer_reader *reader = calloc(1, sizeof *reader);
    if (!reader)
        return nomem(s);
    struct archive *a = open_outer(s, reader);
    if (!a) {
        free(reader);
        return s->ctx->message[0] ? VG_ERR_FORMAT : nomem(s);
    }
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", s->path, archive_error_string(a));
            archive_read_free(a);
            free(reader);
            return VG_ERR_FORMAT;
        }
        const char *mname = archive_entry_pathname(e);
        char path[VG_MAX_PATH + 1];
        size_t len;
        if (mname && !(vg_tree_normalize(mname, path, sizeof path, &len) & ~VG_PATH_ABSOLUTE) &&
            strcmp(path, name) == 0 && archive_entry_filetype(e) == AE_IFREG) {
            out->outer = a;
            out->reader = reader;
            return VG_OK;
        }
    }
    archive_read_free(a);
    free(reader);
    return vg_error(s->ctx, VG_ERR_NOT_FOUND, "%s: the image names %s, which is not in the archive", s->path, name);
}

/* Reads up to n bytes; 0 at the end, -1 on error (ctx message set). */
static ssize_t stream_read(store *st, stream *in, void *buf, size_t n)
{
    if (in->outer) {
        la_ssize_t r = archive_read_data(in->outer, buf, n);
        if (r < 0)
            vg_error(st->s->ctx, VG_ERR_FORMAT, "%s: %s: %s", st->s->path, in->name, archive_error_string(in->outer));
        return r < 0 ? -1 : (ssize_t)r;
    }
    for (;;) {
        ssize_t r = read(in->fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            vg_error(st->s->ctx, VG_ERR_IO, "%s: %s: %s", st->s->path, in->name, strerror(errno));
        return r;
    }
}

static void stream_close(stream *in)
{
    if (in->outer)
        archive_read_free(in->outer);
    free(in->reader);
    if (in->fd >= 0)
        close(in->fd);
    in->outer = NULL;
    in->reader = NULL;
    in->fd = -1;
}

/* Reads a whole small blob (at most IMAGE_MAX_JSON bytes) into out and its
 * digest into digest. */
static int read_small(store *st, const char *name, vg_buf *out, char digest[72])
{
    scan *s = st->s;
    stream in;
    int rc = stream_open(st, name, &in);
    if (rc)
        return rc;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        stream_close(&in);
        return nomem(s);
    }
    vg_buf_init(out, IMAGE_MAX_JSON);
    char block[8192];
    for (;;) {
        ssize_t n = stream_read(st, &in, block, sizeof block);
        if (n < 0) {
            rc = VG_ERR_FORMAT;
            break;
        }
        if (n == 0)
            break;
        EVP_DigestUpdate(md, block, (size_t)n);
        rc = vg_buf_add(out, block, (size_t)n);
        if (rc) {
            rc = rc == VG_ERR_LIMIT ? vg_error(s->ctx, VG_ERR_LIMIT, "%s: %s is larger than %zu bytes", s->path, name,
                                               IMAGE_MAX_JSON)
                                    : nomem(s);
            break;
        }
    }
    if (rc == VG_OK && sha256_final(md, digest) != VG_OK)
        rc = nomem(s);
    if (rc == VG_OK && !out->data && vg_buf_add(out, "", 0) != VG_OK)
        rc = nomem(s);
    if (rc)
        vg_buf_free(out);
    EVP_MD_CTX_free(md);
    stream_close(&in);
    return rc;
}

static json_t *parse_json(scan *s, const char *name, const vg_buf *text)
{
    json_error_t err;
    json_t *j = json_loadb(text->data, text->len, JSON_REJECT_DUPLICATES, &err);
    if (!j)
        vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s is not valid JSON: %s (line %d)", s->path, name, err.text, err.line);
    return j;
}

/* Reads and parses blob name, checking it against digest (may be NULL) and
 * size (negative: unknown).  Returns NULL with the ctx message set. */
static json_t *read_json_blob(store *st, const char *name, const char *digest, json_int_t size, int *rc,
                              char actual[72])
{
    scan *s = st->s;
    vg_buf text;
    char computed[72];
    *rc = read_small(st, name, &text, computed);
    if (*rc)
        return NULL;
    if (actual)
        memcpy(actual, computed, 72);
    if (digest && strcmp(digest, computed) != 0) {
        *rc = vg_error(s->ctx, VG_ERR_DIGEST, "%s: %s has digest %s, not %s as recorded", s->path, name, computed,
                       digest);
        vg_buf_free(&text);
        return NULL;
    }
    if (size >= 0 && (uint64_t)size != text.len) {
        *rc = vg_error(s->ctx, VG_ERR_DIGEST, "%s: %s is %zu bytes, not %lld as recorded", s->path, name, text.len,
                       (long long)size);
        vg_buf_free(&text);
        return NULL;
    }
    json_t *j = parse_json(s, name, &text);
    vg_buf_free(&text);
    if (!j)
        *rc = VG_ERR_FORMAT;
    return j;
}

/* ---- layers ------------------------------------------------------------- */

typedef struct layer_pipe {
    scan *s;
    store *st;
    stream *src;
    EVP_MD_CTX *blob_md, *diff_md;
    uint64_t blob_bytes;
    struct archive *raw;
    int over_limit;
    int src_failed;
    unsigned char inbuf[IMAGE_IO_BLOCK];
    unsigned char midbuf[IMAGE_IO_BLOCK];
} layer_pipe;

/* The blob as stored: hashed into the blob digest. */
static la_ssize_t pipe_read_blob(struct archive *a, void *client, const void **buf)
{
    layer_pipe *p = client;
    ssize_t n = stream_read(p->st, p->src, p->inbuf, sizeof p->inbuf);
    if (n < 0) {
        p->src_failed = 1;
        archive_set_error(a, EIO, "%s", p->s->ctx->message);
        return -1;
    }
    EVP_DigestUpdate(p->blob_md, p->inbuf, (size_t)n);
    p->blob_bytes += (uint64_t)n;
    *buf = p->inbuf;
    return n;
}

/* Decompressed bytes: hashed into the diff_id, counted against the total cap. */
static la_ssize_t pipe_pull(layer_pipe *p)
{
    la_ssize_t n = archive_read_data(p->raw, p->midbuf, sizeof p->midbuf);
    if (n > 0) {
        EVP_DigestUpdate(p->diff_md, p->midbuf, (size_t)n);
        p->s->total += (uint64_t)n;
        if (p->s->total > p->s->max_total) {
            p->over_limit = 1;
            return -1;
        }
    }
    return n;
}

static la_ssize_t pipe_read_tar(struct archive *a, void *client, const void **buf)
{
    layer_pipe *p = client;
    la_ssize_t n = pipe_pull(p);
    if (n < 0) {
        archive_set_error(a, -1 /* ARCHIVE_ERRNO_MISC */, "%s",
                          p->over_limit ? "uncompressed size limit reached" : archive_error_string(p->raw));
        return -1;
    }
    *buf = p->midbuf;
    return n;
}

typedef struct layer_plan {
    const char *member;     /* normalised member or file name of the blob */
    const char *digest;     /* expected blob digest, or NULL */
    json_int_t size;        /* expected blob size, or -1 */
    const char *media_type; /* may be NULL */
} layer_plan;

/* Reads layer index of the image into the view and fills out (digest,
 * diff_id, size); checks the blob against plan and the diff_id against
 * diff_id.  *changed: a wanted file was added, changed or removed. */
static int read_layer(scan *s, store *st, size_t index, const layer_plan *plan, const char *diff_id,
                      vg_layer *out, int *changed)
{
    char where[VG_MAX_PATH + 128];
    snprintf(where, sizeof where, "%s: layer %zu (%s)", s->path, index, plan->member);
    stream src;
    int rc = stream_open(st, plan->member, &src);
    if (rc)
        return rc;
    layer_pipe *p = calloc(1, sizeof *p);
    struct archive *tar = NULL;
    if (!p) {
        stream_close(&src);
        return nomem(s);
    }
    p->s = s;
    p->st = st;
    p->src = &src;
    p->blob_md = EVP_MD_CTX_new();
    p->diff_md = EVP_MD_CTX_new();
    p->raw = archive_read_new();
    tar = archive_read_new();
    if (!p->blob_md || !p->diff_md || !p->raw || !tar || EVP_DigestInit_ex(p->blob_md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestInit_ex(p->diff_md, EVP_sha256(), NULL) != 1) {
        rc = nomem(s);
        goto out;
    }
    archive_read_support_filter_all(p->raw);
    archive_read_support_format_raw(p->raw);
    archive_read_support_format_tar(tar);
    struct archive_entry *e;
    if (archive_read_open(p->raw, p, NULL, pipe_read_blob, NULL) != ARCHIVE_OK ||
        archive_read_next_header(p->raw, &e) != ARCHIVE_OK) {
        rc = p->src_failed ? VG_ERR_FORMAT
                           : vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", where, archive_error_string(p->raw));
        goto out;
    }
    if (archive_read_open(tar, p, NULL, pipe_read_tar, NULL) != ARCHIVE_OK) {
        rc = p->over_limit ? over_total(s)
                           : vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", where, archive_error_string(tar));
        goto out;
    }
    for (;;) {
        int r = archive_read_next_header(tar, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_WARN)
            vg_warn(s->ctx, where, "%s", archive_error_string(tar));
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = p->over_limit ? over_total(s)
                 : p->src_failed ? VG_ERR_FORMAT
                                 : vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", where, archive_error_string(tar));
            goto out;
        }
        rc = apply_entry(s, tar, e, (int)index, where, NULL, changed);
        if (rc) {
            if (p->over_limit)
                rc = over_total(s);
            goto out;
        }
    }
    /* The tar reader stops at its end marker: the rest still counts for the digests. */
    for (;;) {
        la_ssize_t n = pipe_pull(p);
        if (n == 0)
            break;
        if (n < 0) {
            rc = p->over_limit ? over_total(s)
                 : p->src_failed ? VG_ERR_FORMAT
                                 : vg_error(s->ctx, VG_ERR_FORMAT, "%s: %s", where, archive_error_string(p->raw));
            goto out;
        }
    }
    for (;;) {
        ssize_t n = stream_read(st, &src, p->inbuf, sizeof p->inbuf);
        if (n < 0) {
            rc = VG_ERR_FORMAT;
            goto out;
        }
        if (n == 0)
            break;
        EVP_DigestUpdate(p->blob_md, p->inbuf, (size_t)n);
        p->blob_bytes += (uint64_t)n;
    }
    char blob_digest[72], computed_diff[72];
    if (sha256_final(p->blob_md, blob_digest) || sha256_final(p->diff_md, computed_diff)) {
        rc = nomem(s);
        goto out;
    }
    if (plan->digest && strcmp(plan->digest, blob_digest) != 0) {
        rc = vg_error(s->ctx, VG_ERR_DIGEST, "%s: blob has digest %s, the manifest says %s", where, blob_digest,
                      plan->digest);
        goto out;
    }
    if (plan->size >= 0 && (uint64_t)plan->size != p->blob_bytes) {
        rc = vg_error(s->ctx, VG_ERR_DIGEST, "%s: blob is %llu bytes, the manifest says %lld", where,
                      (unsigned long long)p->blob_bytes, (long long)plan->size);
        goto out;
    }
    if (strcmp(diff_id, computed_diff) != 0) {
        rc = vg_error(s->ctx, VG_ERR_DIGEST, "%s: uncompressed content has digest %s, the image config says %s",
                      where, computed_diff, diff_id);
        goto out;
    }
    out->digest = vg_arena_strdup(&s->inv->arena, blob_digest);
    out->diff_id = vg_arena_strdup(&s->inv->arena, diff_id);
    out->media_type = plan->media_type ? vg_arena_strdup(&s->inv->arena, plan->media_type) : NULL;
    out->size = p->blob_bytes;
    if (!out->digest || !out->diff_id || (plan->media_type && !out->media_type))
        rc = nomem(s);
out:
    if (tar)
        archive_read_free(tar);
    if (p->raw)
        archive_read_free(p->raw);
    EVP_MD_CTX_free(p->blob_md);
    EVP_MD_CTX_free(p->diff_md);
    free(p);
    stream_close(&src);
    return rc;
}

/* ---- image descriptions ------------------------------------------------- */

typedef struct image_plan {
    vg_target_kind kind;
    const char *manifest_digest; /* OCI */
    const char *config_member;
    const char *config_digest;   /* expected, or NULL (docker: computed) */
    json_int_t config_size;
    const char **tags;
    size_t ntags;
    layer_plan *layers;
    size_t nlayers;
} image_plan;

static const char *arena_str(scan *s, const char *v)
{
    return v ? vg_arena_strdup(&s->inv->arena, v) : NULL;
}

/* The normalised member name of blob digest in an OCI layout. */
static const char *blob_member(scan *s, const char *digest)
{
    if (!digest || strncmp(digest, "sha256:", 7) != 0) {
        vg_error(s->ctx, VG_ERR_UNSUPPORTED, "%s: digest \"%.100s\" is not sha256, which is all vigil checks", s->path,
                 digest ? digest : "");
        return NULL;
    }
    if (!valid_sha256(digest)) {
        vg_error(s->ctx, VG_ERR_FORMAT, "%s: malformed digest \"%.100s\"", s->path, digest);
        return NULL;
    }
    const char *m = vg_arena_printf(&s->inv->arena, "blobs/sha256/%s", digest + 7);
    if (!m)
        nomem(s);
    return m;
}

/* An OCI content descriptor (image-spec descriptor.md): the blob it names
 * in the layout, its digest, size (-1 if absent) and media type. */
static int descriptor_plan(scan *s, json_t *d, layer_plan *out)
{
    out->digest = arena_str(s, json_string_value(json_object_get(d, "digest")));
    if (!(out->member = blob_member(s, out->digest)))
        return s->ctx->message[0] ? VG_ERR_FORMAT : VG_ERR_NOMEM;
    json_t *size = json_object_get(d, "size");
    out->size = json_is_integer(size) ? json_integer_value(size) : -1;
    out->media_type = arena_str(s, json_string_value(json_object_get(d, "mediaType")));
    return VG_OK;
}

/* A member name from manifest.json, normalised; NULL (error set) if it leaves the archive. */
static const char *member_name(scan *s, const char *name)
{
    char path[VG_MAX_PATH + 1];
    size_t len;
    if (!name || (vg_tree_normalize(name, path, sizeof path, &len) & ~VG_PATH_ABSOLUTE) || len == 0) {
        vg_error(s->ctx, VG_ERR_UNSAFE, "%s: manifest.json names \"%.200s\", which is not a member path", s->path,
                 name ? name : "(null)");
        return NULL;
    }
    const char *m = vg_arena_strndup(&s->inv->arena, path, len);
    if (!m)
        nomem(s);
    return m;
}

/* The sha256 digest a docker archive member name carries ("<hex>.json",
 * "blobs/sha256/<hex>"), or NULL. */
static const char *digest_in_name(scan *s, const char *member)
{
    const char *base = strrchr(member, '/');
    base = base ? base + 1 : member;
    size_t n = strlen(base);
    if (n == 69 && strcmp(base + 64, ".json") == 0)
        n = 64;
    else if (!(n == 64 && strncmp(member, "blobs/sha256/", 13) == 0))
        return NULL;
    char d[72];
    memcpy(d, "sha256:", 7);
    memcpy(d + 7, base, 64);
    d[71] = '\0';
    return valid_sha256(d) ? vg_arena_strdup(&s->inv->arena, d) : NULL;
}

static int plan_docker(scan *s, store *st, image_plan *plan)
{
    vg_buf text;
    char digest[72];
    int rc = read_small(st, "manifest.json", &text, digest);
    if (rc)
        return rc;
    json_t *root = parse_json(s, "manifest.json", &text);
    vg_buf_free(&text);
    if (!root)
        return VG_ERR_FORMAT;
    rc = VG_ERR_FORMAT;
    json_t *img = json_is_array(root) ? json_array_get(root, 0) : NULL;
    json_t *config = json_object_get(img, "Config");
    json_t *layers = json_object_get(img, "Layers");
    json_t *tags = json_object_get(img, "RepoTags");
    json_t *sources = json_object_get(img, "LayerSources");
    if (!json_is_object(img) || !json_is_string(config) || !json_is_array(layers)) {
        vg_error(s->ctx, VG_ERR_FORMAT, "%s: manifest.json is not a docker image manifest (an array of objects "
                                        "with Config and Layers)", s->path);
        goto out;
    }
    if (json_array_size(root) > 1)
        vg_warn(s->ctx, s->path, "the archive holds %zu images; only the first is scanned", json_array_size(root));
    plan->kind = VG_TARGET_DOCKER_ARCHIVE;
    if (!(plan->config_member = member_name(s, json_string_value(config)))) {
        rc = s->ctx->message[0] ? VG_ERR_UNSAFE : VG_ERR_NOMEM;
        goto out;
    }
    plan->config_digest = digest_in_name(s, plan->config_member);
    plan->config_size = -1;
    size_t n = json_array_size(layers);
    if (n > IMAGE_MAX_LAYERS) {
        rc = vg_error(s->ctx, VG_ERR_LIMIT, "%s: more than %d layers", s->path, IMAGE_MAX_LAYERS);
        goto out;
    }
    plan->layers = vg_arena_calloc(&s->inv->arena, n ? n : 1, sizeof *plan->layers);
    plan->tags = vg_arena_calloc(&s->inv->arena, json_array_size(tags) + 1, sizeof *plan->tags);
    if (!plan->layers || !plan->tags) {
        rc = nomem(s);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        layer_plan *lp = &plan->layers[i];
        if (!(lp->member = member_name(s, json_string_value(json_array_get(layers, i))))) {
            rc = VG_ERR_UNSAFE;
            goto out;
        }
        /* "<v1 id>/layer.tar": the id is not a content digest; "blobs/sha256/<hex>" is. */
        lp->digest = strncmp(lp->member, "blobs/sha256/", 13) == 0 ? digest_in_name(s, lp->member) : NULL;
        lp->size = -1;
        if (lp->digest) {
            json_t *src = json_object_get(sources, lp->digest);
            lp->media_type = arena_str(s, json_string_value(json_object_get(src, "mediaType")));
        }
    }
    plan->nlayers = n;
    for (size_t i = 0; i < json_array_size(tags); i++) {
        const char *t = json_string_value(json_array_get(tags, i));
        if (t && !(plan->tags[plan->ntags++] = arena_str(s, t))) {
            rc = nomem(s);
            goto out;
        }
    }
    rc = VG_OK;
out:
    json_decref(root);
    return rc;
}

/* "os/arch[/variant]" of this machine, as in the OCI image index. */
static void host_platform(char *out, size_t size)
{
    struct utsname u;
    const char *arch = "amd64", *variant = NULL;
    if (uname(&u) == 0) {
        const char *m = u.machine;
        if (!strcmp(m, "x86_64")) arch = "amd64";
        else if (!strcmp(m, "aarch64") || !strcmp(m, "arm64")) arch = "arm64";
        else if (!strncmp(m, "armv7", 5)) { arch = "arm"; variant = "v7"; }
        else if (!strncmp(m, "armv6", 5)) { arch = "arm"; variant = "v6"; }
        else if (m[0] == 'i' && !strcmp(m + 2, "86")) arch = "386";
        else arch = m; /* ppc64le, s390x, riscv64, mips64le: same names */
    }
    snprintf(out, size, "linux/%s%s%s", arch, variant ? "/" : "", variant ? variant : "");
}

/* Does descriptor platform p match want ("os/arch[/variant]")? */
static int platform_matches(json_t *p, const char *want)
{
    const char *os = json_string_value(json_object_get(p, "os"));
    const char *arch = json_string_value(json_object_get(p, "architecture"));
    const char *variant = json_string_value(json_object_get(p, "variant"));
    if (!os || !arch)
        return 0;
    char w[256];
    snprintf(w, sizeof w, "%s", want);
    char *wos = w, *warch = strchr(w, '/'), *wvar = NULL;
    if (!warch)
        return 0;
    *warch++ = '\0';
    if ((wvar = strchr(warch, '/')) != NULL)
        *wvar++ = '\0';
    if (strcmp(os, wos) != 0 || strcmp(arch, warch) != 0)
        return 0;
    return !wvar || (variant && strcmp(variant, wvar) == 0);
}

/* The image of an index for platform (the rules in source_internal.h). */
int vg_image_pick_platform(vg_ctx *ctx, const char *where, json_t *const *descs, size_t n, const char *platform,
                           size_t *pick_out)
{
    char want[256];
    if (platform)
        snprintf(want, sizeof want, "%s", platform);
    else
        host_platform(want, sizeof want);
    /* Attestation manifests (platform unknown/unknown) are not images. */
    size_t images = 0, pick = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_object_get(descs[i], "platform");
        if (platform_matches(p, "unknown/unknown"))
            continue;
        images++;
        if (pick == SIZE_MAX && (p ? platform_matches(p, want) : !platform))
            pick = i;
    }
    if (pick == SIZE_MAX && images == 1 && !platform) {
        for (size_t i = 0; i < n; i++)
            if (!platform_matches(json_object_get(descs[i], "platform"), "unknown/unknown"))
                pick = i;
    }
    if (pick != SIZE_MAX) {
        *pick_out = pick;
        return VG_OK;
    }
    vg_buf list;
    vg_buf_init(&list, 4096);
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_object_get(descs[i], "platform");
        const char *os = json_string_value(json_object_get(p, "os"));
        const char *arch = json_string_value(json_object_get(p, "architecture"));
        const char *v = json_string_value(json_object_get(p, "variant"));
        vg_buf_addf(&list, "%s%s/%s%s%s", list.len ? ", " : "", os ? os : "?", arch ? arch : "?", v ? "/" : "",
                    v ? v : "");
    }
    int rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no image for platform %s; the index has: %s", where, want,
                      list.data ? list.data : "nothing");
    vg_buf_free(&list);
    return rc;
}

typedef struct candidate {
    json_t *desc;        /* borrowed from an index kept in candidates.roots */
    json_t *annotations; /* of the top-level index entry */
} candidate;

typedef struct candidates {
    candidate items[64];
    size_t n;
    json_t *roots[16];   /* parsed indexes, freed at the end */
    size_t nroots;
} candidates;

static int is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

/* Collects the manifests an index refers to, reading nested indexes. */
static int collect_manifests(scan *s, store *st, json_t *index, json_t *annotations, int depth, candidates *c)
{
    json_t *manifests = json_object_get(index, "manifests");
    if (!json_is_array(manifests))
        return vg_error(s->ctx, VG_ERR_FORMAT, "%s: an image index without a \"manifests\" array", s->path);
    for (size_t i = 0; i < json_array_size(manifests); i++) {
        json_t *d = json_array_get(manifests, i);
        const char *mt = json_string_value(json_object_get(d, "mediaType"));
        json_t *ann = depth == 0 ? json_object_get(d, "annotations") : annotations;
        if (!is_index_type(mt)) {
            if (c->n == sizeof c->items / sizeof c->items[0])
                return vg_error(s->ctx, VG_ERR_LIMIT, "%s: more than %zu manifests in the index", s->path,
                                sizeof c->items / sizeof c->items[0]);
            c->items[c->n++] = (candidate){d, ann};
            continue;
        }
        if (depth >= IMAGE_MAX_INDEX_DEPTH || c->nroots == sizeof c->roots / sizeof c->roots[0])
            return vg_error(s->ctx, VG_ERR_LIMIT, "%s: image indexes nested too deep or too many", s->path);
        layer_plan nd;
        int rc = descriptor_plan(s, d, &nd);
        if (rc)
            return rc;
        json_t *nested = read_json_blob(st, nd.member, nd.digest, nd.size, &rc, NULL);
        if (!nested)
            return rc;
        c->roots[c->nroots++] = nested;
        rc = collect_manifests(s, st, nested, ann, depth + 1, c);
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int add_tag(scan *s, image_plan *plan, const char *tag)
{
    if (!tag || !*tag)
        return VG_OK;
    for (size_t i = 0; i < plan->ntags; i++)
        if (!strcmp(plan->tags[i], tag))
            return VG_OK;
    if (plan->ntags >= 2)
        return VG_OK;
    plan->tags[plan->ntags] = arena_str(s, tag);
    return plan->tags[plan->ntags++] ? VG_OK : nomem(s);
}

static int plan_oci(scan *s, store *st, image_plan *plan)
{
    int rc;
    json_t *layout = read_json_blob(st, "oci-layout", NULL, -1, &rc, NULL);
    if (!layout)
        return rc;
    int ok = json_is_string(json_object_get(layout, "imageLayoutVersion"));
    json_decref(layout);
    if (!ok)
        return vg_error(s->ctx, VG_ERR_FORMAT, "%s: oci-layout has no imageLayoutVersion", s->path);
    json_t *index = read_json_blob(st, "index.json", NULL, -1, &rc, NULL);
    if (!index)
        return rc;
    candidates c;
    memset(&c, 0, sizeof c);
    json_t *manifest = NULL;
    rc = collect_manifests(s, st, index, NULL, 0, &c);
    if (rc)
        goto out;
    plan->kind = VG_TARGET_OCI_LAYOUT;
    json_t *descs[sizeof c.items / sizeof c.items[0]];
    for (size_t i = 0; i < c.n; i++)
        descs[i] = c.items[i].desc;
    size_t pick;
    if ((rc = vg_image_pick_platform(s->ctx, s->path, descs, c.n, s->platform, &pick)) != VG_OK)
        goto out;
    layer_plan md;
    if ((rc = descriptor_plan(s, c.items[pick].desc, &md)) != VG_OK)
        goto out;
    const char *mdigest = md.digest;
    manifest = read_json_blob(st, md.member, md.digest, md.size, &rc, NULL);
    if (!manifest)
        goto out;
    plan->manifest_digest = arena_str(s, mdigest);
    plan->tags = vg_arena_calloc(&s->inv->arena, 2, sizeof *plan->tags);
    if (!plan->manifest_digest || !plan->tags) {
        rc = nomem(s);
        goto out;
    }
    json_t *ann = c.items[pick].annotations;
    /* The full name containerd/docker record, else the layout's ref name (often just a tag). */
    if ((rc = add_tag(s, plan, json_string_value(json_object_get(ann, "io.containerd.image.name")))) ||
        (!plan->ntags &&
         (rc = add_tag(s, plan, json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"))))))
        goto out;

    json_t *config = json_object_get(manifest, "config");
    json_t *layers = json_object_get(manifest, "layers");
    if (!json_is_object(config) || !json_is_array(layers)) {
        rc = vg_error(s->ctx, VG_ERR_FORMAT, "%s: manifest %s has no config or no layers", s->path, mdigest);
        goto out;
    }
    layer_plan cd;
    if ((rc = descriptor_plan(s, config, &cd)) != VG_OK)
        goto out;
    plan->config_digest = cd.digest;
    plan->config_member = cd.member;
    plan->config_size = cd.size;
    size_t n = json_array_size(layers);
    if (n > IMAGE_MAX_LAYERS) {
        rc = vg_error(s->ctx, VG_ERR_LIMIT, "%s: more than %d layers", s->path, IMAGE_MAX_LAYERS);
        goto out;
    }
    plan->layers = vg_arena_calloc(&s->inv->arena, n ? n : 1, sizeof *plan->layers);
    if (!plan->layers) {
        rc = nomem(s);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = descriptor_plan(s, json_array_get(layers, i), &plan->layers[i])) != VG_OK)
            goto out;
    plan->nlayers = n;
    rc = VG_OK;
out:
    json_decref(manifest);
    for (size_t i = 0; i < c.nroots; i++)
        json_decref(c.roots[i]);
    json_decref(index);
    return rc;
}

/* Reads the config, then every layer in order, snapshotting for attribution. */
static int scan_image(scan *s, store *st, image_plan *plan)
{
    vg_target *t = &s->inv->target;
    int rc;
    char config_digest[72];
    json_t *config = read_json_blob(st, plan->config_member, plan->config_digest, plan->config_size, &rc,
                                    config_digest);
    if (!config)
        return rc;
    attribution at;
    memset(&at, 0, sizeof at);
    vg_arena_init(&at.arena);
    json_t *diff_ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
    json_t *history = json_object_get(config, "history");
    if (!json_is_array(diff_ids) || json_array_size(diff_ids) != plan->nlayers) {
        rc = vg_error(s->ctx, VG_ERR_FORMAT, "%s: the image config lists %zu diff_ids for %zu layers", s->path,
                      json_array_size(diff_ids), plan->nlayers);
        goto out;
    }
    t->kind = plan->kind;
    t->image_id = arena_str(s, config_digest);
    t->digest = plan->kind == VG_TARGET_OCI_LAYOUT ? plan->manifest_digest : t->image_id;
    t->tags = plan->tags;
    t->ntags = plan->ntags;
    t->name = plan->ntags ? plan->tags[0] : t->path;
    t->architecture = arena_str(s, json_string_value(json_object_get(config, "architecture")));
    t->os = arena_str(s, json_string_value(json_object_get(config, "os")));
    char *compact = json_dumps(config, JSON_COMPACT);
    t->config = compact ? arena_str(s, compact) : NULL;
    free(compact);
    t->layers = vg_arena_calloc(&s->inv->arena, plan->nlayers ? plan->nlayers : 1, sizeof *t->layers);
    at.nlayers = plan->nlayers;
    at.sets = calloc(plan->nlayers + 1, sizeof *at.sets);
    at.set_of = calloc(plan->nlayers + 1, sizeof *at.set_of);
    if (!t->image_id || !t->config || !t->layers || !at.sets || !at.set_of) {
        rc = nomem(s);
        goto out;
    }
    /* created_by: history entries that made a layer (not empty_layer), in order. */
    size_t h = 0;
    for (size_t i = 0; i < plan->nlayers; i++) {
        const char *diff_id = json_string_value(json_array_get(diff_ids, i));
        if (!valid_sha256(diff_id)) {
            rc = vg_error(s->ctx, VG_ERR_FORMAT, "%s: diff_id %zu of the image config is not a sha256 digest", s->path, i);
            goto out;
        }
        for (; h < json_array_size(history); h++) {
            json_t *entry = json_array_get(history, h);
            if (json_is_true(json_object_get(entry, "empty_layer")))
                continue;
            t->layers[i].created_by = arena_str(s, json_string_value(json_object_get(entry, "created_by")));
            h++;
            break;
        }
        int changed = 0;
        rc = read_layer(s, st, i, &plan->layers[i], diff_id, &t->layers[i], &changed);
        if (rc)
            goto out;
        t->nlayers = i + 1;
        if (i + 1 == plan->nlayers)
            break; /* the last snapshot is the final inventory itself */
        if (s->final_view_only)
            continue; /* nothing is attributed to layers */
        if (changed)
            rc = snapshot_layer(s, &at, i);
        else
            at.set_of[i] = i ? at.set_of[i - 1] : -1;
        if (rc)
            goto out;
    }
    rc = feed_view(s, s->cat, 1);
    if (rc == VG_OK) {
        vg_catalog *cat = s->cat;
        s->cat = NULL;
        rc = vg_catalog_finish(cat);
    }
    if (rc == VG_OK && !s->final_view_only)
        rc = attribute_components(s, &at);
out:
    attribution_free(&at);
    json_decref(config);
    return rc;
}

/* ---- entry points ------------------------------------------------------- */

static int scan_init(scan *s, vg_ctx *ctx, const char *path, const vg_scan_options *opts, const vg_exclude *ex,
                     vg_inventory *inv)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->path = path;
    s->fd = -1;
    s->exclude = ex;
    s->inv = inv;
    s->max_file = opts && opts->max_file_size ? opts->max_file_size : VG_DEFAULT_MAX_FILE_SIZE;
    s->max_total = opts && opts->max_total_size ? opts->max_total_size : VG_DEFAULT_MAX_TOTAL_SIZE;
    s->platform = opts ? opts->platform : NULL;
    s->catalogers = opts ? opts->catalogers : 0;
    s->table = opts ? opts->table : NULL;
    s->user = opts ? opts->user : NULL;
    s->final_view_only = opts ? opts->final_view_only : 0;
    s->hash_files = opts ? opts->hash_files : 0;
    ctx->message[0] = '\0';
    if (vg_tree_init(&s->tree) != VG_OK) {
        vg_tree_free(&s->tree);
        return nomem(s);
    }
    inv->target.path = vg_arena_strdup(&inv->arena, path);
    inv->target.name = inv->target.path;
    if (!inv->target.path) {
        vg_tree_free(&s->tree);
        return nomem(s);
    }
    s->spool_fd = -1;
    int rc = vg_catalog_begin(ctx, inv, s->table, s->catalogers, s->user, &s->cat);
    if (rc) {
        vg_tree_free(&s->tree);
        return rc;
    }
    s->random_access = vg_catalog_flagged(s->cat, VG_CATALOG_RANDOM_ACCESS);
    s->executables = vg_catalog_flagged(s->cat, VG_CATALOG_EXECUTABLES);
    return VG_OK;
}

/* A vg_hash_lookup over the final view: the digests taken as it streamed. */
static int hash_from_view(vg_ctx *ctx, void *arg, vg_file_hash *hashes, size_t n, size_t threads)
{
    (void)ctx;
    (void)threads;
    const vg_tree *tree = arg;
    for (size_t i = 0; i < n; i++) {
        const char *p = hashes[i].path, *slash = strrchr(p, '/');
        const vg_node *node = vg_tree_get(tree, p, strlen(p));
        if (!node && slash) {
            /* A directory on the way is a symlink (/bin -> usr/bin): follow
             * it inside the view, not the file itself. */
            vg_node *dir;
            int flags;
            char full[VG_MAX_PATH + 1];
            if (vg_tree_resolve(tree, p, (size_t)(slash - p), &dir, &flags) == VG_OK && dir->kind == VG_NODE_DIR) {
                int w = snprintf(full, sizeof full, "%s%s%s", dir->path, *dir->path ? "/" : "", slash + 1);
                if (w > 0 && (size_t)w < sizeof full)
                    node = vg_tree_get(tree, full, (size_t)w);
            }
        }
        if (!node || node->excluded || !node->hash || (node->kind != VG_NODE_FILE && node->kind != VG_NODE_HARDLINK))
            continue; /* a directory, a symlink, not in the view: no bytes of its own */
        const char *path = hashes[i].path;
        hashes[i] = *node->hash;
        hashes[i].path = path;
    }
    return VG_OK;
}

static int scan_done(scan *s, int rc)
{
    if (rc == VG_OK && s->hash_files)
        rc = vg_source_hash_components(s->ctx, s->inv, hash_from_view, &s->tree, 1);
    if (s->cat)
        vg_catalog_abort(s->cat);
    vg_tree_free(&s->tree);
    if (s->spool_fd >= 0)
        close(s->spool_fd);
    return rc;
}

int vg_scan_archive(vg_ctx *ctx, const char *path, int fd, const vg_scan_options *opts, const vg_exclude *ex,
                    vg_inventory *inv)
{
    scan s;
    int rc = scan_init(&s, ctx, path, opts, ex, inv);
    if (rc)
        return rc;
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return scan_done(&s, vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno)));
    s.fd = fd;
    s.file_size = (uint64_t)sb.st_size;
    enum archive_kind kind;
    char digest[72];
    rc = scan_outer(&s, &kind, digest);
    if (rc)
        return scan_done(&s, rc);
    if (kind == KIND_ROOTFS) {
        inv->target.kind = VG_TARGET_ROOTFS_ARCHIVE;
        if (!(inv->target.digest = vg_arena_strdup(&inv->arena, digest)))
            rc = nomem(&s);
        if (rc == VG_OK)
            rc = feed_view(&s, s.cat, 1);
        if (rc == VG_OK) {
            vg_catalog *cat = s.cat;
            s.cat = NULL;
            rc = vg_catalog_finish(cat);
        }
        return scan_done(&s, rc);
    }
    if ((rc = reset_view(&s, 1)) != VG_OK)
        return scan_done(&s, rc);
    store st = {.s = &s, .dirfd = -1};
    image_plan plan;
    memset(&plan, 0, sizeof plan);
    rc = kind == KIND_OCI ? plan_oci(&s, &st, &plan) : plan_docker(&s, &st, &plan);
    if (rc == VG_OK)
        rc = scan_image(&s, &st, &plan);
    return scan_done(&s, rc);
}

int vg_scan_oci_directory(vg_ctx *ctx, const char *path, int dirfd, const vg_scan_options *opts,
                          const vg_exclude *ex, vg_inventory *inv)
{
    scan s;
    int rc = scan_init(&s, ctx, path, opts, ex, inv);
    if (rc)
        return rc;
    s.image = 1;
    store st = {.s = &s, .dirfd = dirfd};
    image_plan plan;
    memset(&plan, 0, sizeof plan);
    rc = plan_oci(&s, &st, &plan);
    if (rc == VG_OK)
        rc = scan_image(&s, &st, &plan);
    return scan_done(&s, rc);
}
