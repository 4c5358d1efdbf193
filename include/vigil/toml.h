/*
 * toml.h — a small, bounded reader for TOML 1.0 (toml.io/en/v1.0.0), enough
 * for lock files (poetry.lock, uv.lock, Cargo.lock, pyproject.toml).
 *
 * vg_toml_parse() turns a whole document into a tree of vg_toml_value that
 * lives in the caller's arena.  It reads tables, arrays of tables, dotted
 * keys, inline tables, arrays, strings (basic, literal, multi-line; escapes
 * decoded), integers (decimal, 0x, 0o, 0b, with underscores) and booleans.
 * Floats and dates/times are recognised and kept as their source text
 * (VG_TOML_FLOAT, VG_TOML_DATETIME), not converted.
 *
 * Untrusted input: the document is at most VG_TOML_MAX_SIZE bytes, inline
 * nesting (arrays and inline tables) at most VG_TOML_MAX_DEPTH deep, keys
 * and strings are checked against the buffer; invalid UTF-8, duplicate keys
 * and redefined tables are errors.  On any error the result is VG_ERR_FORMAT
 * (or VG_ERR_LIMIT) and ctx->message reads "PATH:LINE: what is wrong"; no
 * partial tree is returned.
 *
 * Left out: conversion of floats and dates; TOML 1.1 extensions (\e, \xHH,
 * newlines in inline tables).
 */
#ifndef VIGIL_TOML_H
#define VIGIL_TOML_H

#include <stddef.h>
#include <stdint.h>
#include "vigil/arena.h"
#include "vigil/error.h"

#define VG_TOML_MAX_SIZE ((size_t)64 << 20) /* bytes of one document */
#define VG_TOML_MAX_DEPTH 64                /* nested arrays / inline tables */

typedef enum vg_toml_type {
    VG_TOML_TABLE = 1,  /* keys[i] = items[i], i < count, in document order */
    VG_TOML_ARRAY,      /* items[i], i < count (also arrays of tables) */
    VG_TOML_STRING,     /* string / len: decoded, valid UTF-8, NUL-terminated
                           (may contain NUL bytes from \u0000: use len) */
    VG_TOML_INTEGER,    /* integer */
    VG_TOML_BOOLEAN,    /* boolean: 0 or 1 */
    VG_TOML_FLOAT,      /* string / len: the source text, e.g. "6.02e23", "inf" */
    VG_TOML_DATETIME,   /* string / len: the source text, e.g. "1979-05-27T07:32:00Z" */
} vg_toml_type;

typedef struct vg_toml_value vg_toml_value;

struct vg_toml_value {
    vg_toml_type type;
    size_t line;              /* 1-based line where the value (or table header) starts */
    const char *string;       /* STRING, FLOAT, DATETIME */
    size_t len;
    int64_t integer;          /* INTEGER */
    int boolean;              /* BOOLEAN */
    const char **keys;        /* TABLE: decoded keys, NUL-terminated */
    vg_toml_value **items;    /* TABLE: values of keys[]; ARRAY: elements */
    size_t count;
    unsigned flags;           /* internal to the parser */
};

/* Parses text[0..len) (the file at path, used only in messages) into *out,
 * the root table, allocated in arena.  Returns VG_OK; VG_ERR_FORMAT or
 * VG_ERR_LIMIT with ctx->message "path:line: problem"; VG_ERR_NOMEM.
 * *out is NULL on failure. */
int vg_toml_parse(vg_ctx *ctx, vg_arena *arena, const char *path,
                  const char *text, size_t len, vg_toml_value **out);

/* Lookups; all accept NULL (returning NULL / 0) so they chain safely.
 * The returned pointers are borrowed from the tree. */

/* The value of key in table, or NULL when table is not a table or has no key. */
const vg_toml_value *vg_toml_get(const vg_toml_value *table, const char *key);
/* The string of key in table, or NULL when absent or not a STRING. */
const char *vg_toml_get_string(const vg_toml_value *table, const char *key);
/* The table of key in table, or NULL when absent or not a TABLE. */
const vg_toml_value *vg_toml_get_table(const vg_toml_value *table, const char *key);
/* The array of key in table, or NULL when absent or not an ARRAY. */
const vg_toml_value *vg_toml_get_array(const vg_toml_value *table, const char *key);
/* Element i of an array, or NULL when out of range or not an ARRAY. */
const vg_toml_value *vg_toml_at(const vg_toml_value *array, size_t i);

#endif
