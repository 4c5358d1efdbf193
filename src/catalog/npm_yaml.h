/*
 * npm_yaml.h — a small, bounded YAML tree for the lock files of yarn berry
 * (yarn.lock v2+) and pnpm (pnpm-lock.yaml), built from libyaml's event
 * parser (YAML 1.1).  Limits: nodes, nesting depth; aliases are not
 * followed (lock files use none; they become empty nodes, so an alias loop
 * or a "billion laughs" document costs nothing); tags are ignored and every
 * scalar is its text.
 */
#ifndef VIGIL_CATALOG_NPM_YAML_H
#define VIGIL_CATALOG_NPM_YAML_H

#include <stddef.h>

#include "vigil/arena.h"
#include "vigil/error.h"

#define NPM_YAML_MAX_NODES 4000000
#define NPM_YAML_MAX_DEPTH 64

typedef enum npm_yaml_kind {
    NPM_YAML_NONE = 0, /* alias, or nothing */
    NPM_YAML_SCALAR,
    NPM_YAML_MAP,      /* children: key, value, key, value ... */
    NPM_YAML_SEQ,
} npm_yaml_kind;

typedef struct npm_yaml_node {
    npm_yaml_kind kind;
    const char *text; /* scalars: NUL-terminated (libyaml has checked the UTF-8; may contain NUL) */
    size_t len;
    struct npm_yaml_node *first, *next; /* children in order; next sibling */
} npm_yaml_node;

/* Parses the first document of data[0..size) into arena.  *root is NULL
 * for an empty stream.  On malformed input returns VG_ERR_FORMAT and puts
 * "line N: problem" in why[0..whylen); VG_ERR_LIMIT when a limit is passed;
 * VG_ERR_NOMEM. */
int npm_yaml_parse(vg_arena *arena, const unsigned char *data, size_t size, npm_yaml_node **root, char *why,
                   size_t whylen);

/* The value of key in map (a MAP node), or NULL. */
const npm_yaml_node *npm_yaml_get(const npm_yaml_node *map, const char *key);
/* The text of a scalar node, or NULL for anything else (and for NULL). */
const char *npm_yaml_text(const npm_yaml_node *node);
/* The text of map[key] when it is a scalar, else NULL. */
const char *npm_yaml_get_text(const npm_yaml_node *map, const char *key);
/* map[key] is the scalar "true". */
int npm_yaml_get_true(const npm_yaml_node *map, const char *key);

#endif
