/*
 * tree.c — the in-memory file view of an archive (tree.h): nodes with child
 * lists plus one path index, whiteouts per the OCI image spec v1.1
 * (layer.md "Whiteouts"), and symlink resolution confined to the view.
 *
 * Leaves out: permissions, owners, xattrs, sparse maps; the view answers
 * "which file is at this path and what is in it", nothing more.
 */
#include <stdlib.h>
#include <string.h>

#include "source/source_internal.h"
#include "source/tree.h"

int vg_tree_normalize(const char *in, char *out, size_t outsize, size_t *outlen)
{
    int result = VG_PATH_OK;
    size_t len = 0;
    const char *p = in;
    if (*p == '/')
        result |= VG_PATH_ABSOLUTE;
    while (*p) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.'))
            continue;
        if (n == 2 && start[0] == '.' && start[1] == '.')
            return result | VG_PATH_DOTDOT;
        size_t need = len ? len + 1 + n : n;
        if (need + 1 > outsize)
            return result | VG_PATH_TOO_LONG;
        if (len)
            out[len++] = '/';
        memcpy(out + len, start, n);
        len += n;
    }
    if (outsize)
        out[len] = '\0';
    *outlen = len;
    return result;
}

int vg_tree_init(vg_tree *tree)
{
    memset(tree, 0, sizeof *tree);
    vg_arena_init(&tree->arena);
    vg_map_init(&tree->index);
    tree->root = vg_arena_alloc(&tree->arena, sizeof *tree->root);
    if (!tree->root)
        return VG_ERR_NOMEM;
    tree->root->path = "";
    tree->root->kind = VG_NODE_DIR;
    tree->root->layer = -1;
    tree->root->touched = -1;
    return VG_OK;
}

void vg_tree_free(vg_tree *tree)
{
    /* Blobs live outside the arena: release those still referenced. */
    for (vg_node *n = tree->root; n; n = vg_tree_next(n))
        vg_tree_set_content(n, NULL);
    vg_map_free(&tree->index);
    vg_arena_free(&tree->arena);
    memset(tree, 0, sizeof *tree);
}

vg_node *vg_tree_get(const vg_tree *tree, const char *path, size_t len)
{
    if (len == 0)
        return tree->root;
    return vg_map_get(&tree->index, path, len);
}

vg_blob *vg_blob_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(vg_blob) - 1)
        return NULL;
    vg_blob *b = malloc(sizeof *b + size + 1);
    if (!b)
        return NULL;
    b->refs = 1;
    b->size = size;
    b->data[size] = '\0';
    return b;
}

void vg_blob_release(vg_blob *blob)
{
    if (blob && --blob->refs == 0)
        free(blob);
}

void vg_tree_set_content(vg_node *node, vg_blob *blob)
{
    if (blob)
        blob->refs++;
    vg_blob_release(node->content);
    node->content = blob;
}

vg_node *vg_tree_next(const vg_node *node)
{
    if (node->first)
        return node->first;
    while (node) {
        if (node->next)
            return node->next;
        node = node->parent;
    }
    return NULL;
}

static void unlink_child(vg_node *node)
{
    vg_node *parent = node->parent;
    if (node->prev)
        node->prev->next = node->next;
    else
        parent->first = node->next;
    if (node->next)
        node->next->prev = node->prev;
    else
        parent->last = node->prev;
    node->prev = node->next = NULL;
}

size_t vg_tree_remove(vg_tree *tree, vg_node *node)
{
    if (node == tree->root || !node->parent)
        return 0;
    unlink_child(node);
    /* The subtree is detached: walk it once, dropping every node from the index. */
    size_t wanted = 0;
    node->parent = NULL;
    vg_node *n = node;
    while (n) {
        if (n->mask)
            wanted++;
        vg_tree_set_content(n, NULL);
        vg_map_put(&tree->index, n->path, n->pathlen, NULL); /* never grows: the key exists */
        tree->nnodes--;
        vg_node *next;
        if (n->first) {
            next = n->first;
        } else {
            next = NULL;
            for (vg_node *up = n; up && up != node; up = up->parent) {
                if (up->next) {
                    next = up->next;
                    break;
                }
            }
        }
        n = next;
    }
    return wanted;
}

/* Resets a node to an empty entry of kind written by layer. */
static void reset_node(vg_node *n, vg_node_kind kind, int layer)
{
    vg_tree_set_content(n, NULL);
    n->kind = kind;
    n->layer = layer;
    n->touched = layer;
    n->size = 0;
    n->link = NULL;
    n->mask = 0;
    n->too_big = 0;
    n->excluded = 0;
    n->mode = 0;
    n->spooled = 0;
    n->spool_offset = 0;
    n->hash = NULL;
}

/* A new child of parent at path[0..len), not yet in the index. */
static vg_node *add_child(vg_tree *tree, vg_node *parent, const char *path, size_t len, size_t base)
{
    vg_node *n = vg_arena_alloc(&tree->arena, sizeof *n);
    char *copy = vg_arena_strndup(&tree->arena, path, len);
    if (!n || !copy)
        return NULL;
    n->path = copy;
    n->pathlen = len;
    n->base = base;
    n->parent = parent;
    n->prev = parent->last;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    if (vg_map_put(&tree->index, copy, len, n) != VG_OK) {
        unlink_child(n);
        return NULL;
    }
    tree->nnodes++;
    return n;
}

int vg_tree_put(vg_tree *tree, const char *path, size_t len, vg_node_kind kind, int layer,
                vg_node **out, size_t *removed_wanted)
{
    *out = NULL;
    vg_node *parent = tree->root;
    if (layer > parent->touched)
        parent->touched = layer;
    size_t start = 0;
    for (;;) {
        size_t end = start;
        while (end < len && path[end] != '/')
            end++;
        int last = end == len;
        vg_node *n = vg_map_get(&tree->index, path, end);
        if (n && !last && n->kind != VG_NODE_DIR) {
            /* A file or symlink where the layer has a directory: replaced. */
            *removed_wanted += vg_tree_remove(tree, n);
            n = NULL;
        }
        if (n && last && (kind != VG_NODE_DIR || n->kind != VG_NODE_DIR)) {
            if (n->first) {
                *removed_wanted += vg_tree_remove(tree, n);
                n = NULL;
            } else if (n->mask) {
                (*removed_wanted)++;
            }
        }
        if (!n) {
            n = add_child(tree, parent, path, end, start);
            if (!n)
                return VG_ERR_NOMEM;
            reset_node(n, VG_NODE_DIR, layer);
        }
        if (layer > n->touched)
            n->touched = layer;
        if (last) {
            if (kind == VG_NODE_DIR && n->kind == VG_NODE_DIR) {
                n->layer = layer;
            } else {
                reset_node(n, kind, layer);
            }
            *out = n;
            return VG_OK;
        }
        parent = n;
        start = end + 1;
    }
}

size_t vg_tree_opaque(vg_tree *tree, vg_node *dir, int layer)
{
    size_t wanted = 0;
    vg_node *child = dir->first;
    while (child) {
        vg_node *next = child->next;
        if (child->touched < layer)
            wanted += vg_tree_remove(tree, child);
        else if (child->kind == VG_NODE_DIR)
            wanted += vg_tree_opaque(tree, child, layer);
        child = next;
    }
    return wanted;
}

size_t vg_tree_whiteout(vg_tree *tree, const char *path, size_t len, int layer)
{
    vg_node *n = vg_tree_get(tree, path, len);
    if (!n || n == tree->root)
        return 0;
    if (n->touched < layer)
        return vg_tree_remove(tree, n);
    /* The layer wrote below (or at) this directory too: only its lower content goes. */
    if (n->kind == VG_NODE_DIR)
        return vg_tree_opaque(tree, n, layer);
    return 0;
}

int vg_tree_resolve(const vg_tree *tree, const char *path, size_t len, vg_node **out, int *flags)
{
    /* todo: what is left to resolve; cur: the node reached so far. */
    char todo[VG_MAX_PATH + 1], scratch[VG_MAX_PATH + 1];
    *out = NULL;
    *flags = 0;
    if (len > VG_MAX_PATH)
        return VG_ERR_LIMIT;
    memcpy(todo, path, len);
    size_t todolen = len, pos = 0;
    const vg_node *cur = tree->root;
    int hops = 0;

    while (pos < todolen) {
        size_t end = pos;
        while (end < todolen && todo[end] != '/')
            end++;
        size_t n = end - pos;
        const char *comp = todo + pos;
        size_t next = end < todolen ? end + 1 : end;
        if (n == 0 || (n == 1 && comp[0] == '.')) {
            pos = next;
            continue;
        }
        if (n == 2 && comp[0] == '.' && comp[1] == '.') {
            if (cur == tree->root)
                *flags |= VG_RESOLVE_ESCAPED;
            else
                cur = cur->parent;
            pos = next;
            continue;
        }
        if (cur->kind != VG_NODE_DIR)
            return VG_ERR_NOT_FOUND;
        size_t klen = cur->pathlen ? cur->pathlen + 1 + n : n;
        if (klen > VG_MAX_PATH)
            return VG_ERR_LIMIT;
        size_t k = 0;
        if (cur->pathlen) {
            memcpy(scratch, cur->path, cur->pathlen);
            k = cur->pathlen;
            scratch[k++] = '/';
        }
        memcpy(scratch + k, comp, n);
        const vg_node *child = vg_map_get(&tree->index, scratch, klen);
        if (!child)
            return VG_ERR_NOT_FOUND;
        pos = next;
        if (child->kind != VG_NODE_SYMLINK) {
            cur = child;
            continue;
        }
        if (++hops > VG_MAX_SYMLINK_HOPS)
            return VG_ERR_UNSAFE;
        /* todo = link target + "/" + rest */
        const char *target = child->link ? child->link : "";
        size_t tlen = strlen(target), rest = todolen - pos;
        if (tlen + 1 + rest > VG_MAX_PATH)
            return VG_ERR_LIMIT;
        memcpy(scratch, todo + pos, rest);
        memcpy(todo, target, tlen);
        todo[tlen] = '/';
        memcpy(todo + tlen + 1, scratch, rest);
        todolen = tlen + 1 + rest;
        pos = 0;
        if (target[0] == '/')
            cur = tree->root;
        /* else: relative to the directory holding the link, which is cur */
    }
    *out = (vg_node *)cur;
    return VG_OK;
}
