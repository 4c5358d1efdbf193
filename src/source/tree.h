/*
 * tree.h — an in-memory file view of an archive: the root filesystem a tar
 * stream (or a stack of image layers) describes, without extracting it.
 *
 * A node holds a path, its kind (directory, file, symlink, hardlink, other),
 * the layer that last wrote it, its size, its link target, and the content
 * of the files the catalogers want (nothing else is kept).  Directories keep
 * their children in a doubly linked list, and one hash map finds any node by
 * its full path, so that adding, finding and removing a whole subtree cost
 * time proportional to what is added or removed (whiteouts of big
 * directories are not quadratic).
 *
 * Whiteouts follow the OCI image spec v1.1, layer.md "Whiteouts": ".wh.NAME"
 * removes NAME from lower layers, ".wh..wh..opq" hides every lower-layer
 * entry of its directory; entries of the same layer stay, whatever their
 * order in the tar.  To make that order-independent each node records the
 * last layer that wrote an entry at or below it ("touched").
 *
 * Paths are relative to the root, without a leading "/" or "./", with no
 * empty, "." or ".." components (vg_tree_normalize() makes them so).
 * Not handled here: extended attributes, modes, owners, device numbers.
 */
#ifndef VIGIL_SOURCE_TREE_H
#define VIGIL_SOURCE_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/catalog.h"
#include "vigil/map.h"

typedef enum vg_node_kind {
    VG_NODE_DIR = 1,
    VG_NODE_FILE,
    VG_NODE_SYMLINK,
    VG_NODE_HARDLINK, /* shares the content of the file it links to */
    VG_NODE_OTHER,    /* device, fifo, socket: occupies its path, has no content */
} vg_node_kind;

/* Content of a wanted file, shared by hardlinks; freed with its last node. */
typedef struct vg_blob {
    size_t refs;
    size_t size;
    unsigned char data[]; /* size bytes and a NUL */
} vg_blob;

typedef struct vg_node {
    const char *path;    /* full relative path; "" for the root */
    size_t pathlen;
    size_t base;         /* offset of the base name in path */
    vg_node_kind kind;
    int layer;           /* layer that last wrote this entry */
    int touched;         /* last layer with an entry at or below this path */
    uint64_t size;       /* size recorded in the archive */
    const char *link;    /* symlink target as written; hardlink: normalised path */
    vg_blob *content;    /* wanted file content, or NULL */
    vg_catalog_mask mask;/* catalogers that want this path (files, links) */
    unsigned too_big;    /* wanted, but larger than the size read from one file */
    unsigned mode;       /* permission bits (07777: setuid, setgid, sticky too) from the archive */
    unsigned excluded;   /* left out by --exclude: never read, never followed to */
    int spooled;         /* content is in the scan's spool file at spool_offset */
    uint64_t spool_offset;
    vg_file_hash *hash;  /* SHA-512 and kind of a file's bytes (in the tree's
                            arena) when the scan hashes files, else NULL */
    struct vg_node *parent, *first, *last, *prev, *next;
} vg_node;

typedef struct vg_tree {
    vg_arena arena;  /* nodes and paths */
    vg_map index;    /* path -> node, NULL value once removed */
    vg_node *root;
    size_t nnodes;   /* nodes currently in the view */
} vg_tree;

/* Results of vg_tree_normalize(). */
enum {
    VG_PATH_OK = 0,
    VG_PATH_ABSOLUTE = 1, /* flag: a leading "/" was removed */
    VG_PATH_DOTDOT = 2,   /* has a ".." component: rejected */
    VG_PATH_TOO_LONG = 4, /* longer than outsize - 1: rejected */
};

/* Writes the normalised form of in (outsize bytes at most, NUL included) to
 * out and its length to outlen.  Returns VG_PATH_OK, VG_PATH_ABSOLUTE
 * (normalised, but was absolute), or VG_PATH_DOTDOT / VG_PATH_TOO_LONG
 * (possibly or'ed with VG_PATH_ABSOLUTE) when out must not be used.
 * "", "." and "/" normalise to "" (the root). */
int vg_tree_normalize(const char *in, char *out, size_t outsize, size_t *outlen);

/* Returns VG_OK or VG_ERR_NOMEM. */
int vg_tree_init(vg_tree *tree);
void vg_tree_free(vg_tree *tree);

/* The node at a normalised path, or NULL ("" is the root).  Does not follow links. */
vg_node *vg_tree_get(const vg_tree *tree, const char *path, size_t len);

/* Creates or replaces the entry at path (normalised, not "") as written by
 * layer.  Missing parents are created as directories; a parent that is not a
 * directory is replaced by one, as extracting the layer would.  An existing
 * directory written again as a directory keeps its children; anything else
 * replaces what was there, subtree included.  *removed_wanted is increased
 * by the number of wanted nodes (mask != 0) this removed.  The node comes
 * back with kind set and no content, link, mask or size.  VG_OK or VG_ERR_NOMEM. */
int vg_tree_put(vg_tree *tree, const char *path, size_t len, vg_node_kind kind, int layer,
                vg_node **out, size_t *removed_wanted);

/* Removes node (not the root) and its subtree; returns the number of wanted
 * nodes (mask != 0) removed. */
size_t vg_tree_remove(vg_tree *tree, vg_node *node);

/* Applies ".wh.NAME" of layer: removes path unless layer itself wrote it;
 * a directory that layer wrote into loses only its lower-layer content.
 * Returns the number of wanted nodes removed. */
size_t vg_tree_whiteout(vg_tree *tree, const char *path, size_t len, int layer);

/* Applies ".wh..wh..opq" of layer in dir: removes every entry below dir that
 * layer did not write.  Returns the number of wanted nodes removed. */
size_t vg_tree_opaque(vg_tree *tree, vg_node *dir, int layer);

/* Sets node's content (a new reference to blob, which may be NULL),
 * releasing what it held. */
void vg_tree_set_content(vg_node *node, vg_blob *blob);

/* A blob of size bytes (plus a NUL), refs = 1; NULL on allocation failure. */
vg_blob *vg_blob_new(size_t size);
void vg_blob_release(vg_blob *blob);

/* Results of vg_tree_resolve() beyond VG_OK. */
enum {
    VG_RESOLVE_ESCAPED = 1, /* flag: a ".." or absolute link went above the root and was clamped */
};

/* Follows path (normalised) through symlinks inside the view, as a process
 * chroot()ed at the root would: absolute targets start at the root, ".."
 * stops there.  On VG_OK *out is the node reached (never a symlink) and
 * *flags may have VG_RESOLVE_ESCAPED.  VG_ERR_NOT_FOUND: a component is
 * missing; VG_ERR_UNSAFE: more than VG_MAX_SYMLINK_HOPS links (a loop);
 * VG_ERR_LIMIT: a path grew past VG_MAX_PATH. */
int vg_tree_resolve(const vg_tree *tree, const char *path, size_t len, vg_node **out, int *flags);

/* Pre-order traversal: the node after node, or NULL at the end.  Start with tree->root. */
vg_node *vg_tree_next(const vg_node *node);

#endif
