/*
 * json.h — JSON text (RFC 8259) read into a jansson value, several times
 * faster than jansson's own json_loadb (src/core/json.c says how, and what
 * it refuses).
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/error.h"

/* Deepest nesting of arrays and objects accepted: jansson's
 * JSON_PARSER_MAX_DEPTH, so that both read the same documents. */
#define VG_JSON_MAX_DEPTH 2048

/* Reads the len bytes at text, one JSON value of any type with optional
 * white space around it, into *out: a new reference the caller releases
 * with json_decref(), NULL on error.  name is the file, for messages.
 * Accepts exactly what json_loadb(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
 * accepts and builds an equal value: integers that fit json_int_t are
 * integers, other numbers reals.  Errors: VG_ERR_FORMAT, "NAME: not valid
 * JSON (line L, column C: what)" (a syntax error, invalid UTF-8, a
 * duplicate member name, "\u0000", a lone surrogate escape, an integer
 * beyond 64 bits, a number too large for a double); VG_ERR_LIMIT, the same
 * message, nested deeper than VG_JSON_MAX_DEPTH, and "NAME: a JSON text of
 * 4 GiB or more"; VG_ERR_NOMEM.  Memory is proportional to len: callers bound the size of what they read.
 * Thread-safe; text need not be NUL-terminated. */
int vg_json_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

/* Appends value written as JSON text to out: exactly the bytes
 * json_dumps(value, flags) makes, several times faster (a policy run's
 * results document is 200 000 values).  flags: JSON_INDENT(n),
 * JSON_COMPACT, JSON_SORT_KEYS, JSON_PRESERVE_ORDER, JSON_ENCODE_ANY; any
 * other, or a string that is not UTF-8, is VG_ERR_USAGE or VG_ERR_FORMAT
 * (json_dumps fails on the latter too); VG_ERR_NOMEM, VG_ERR_LIMIT past
 * out's bound.  Thread-safe. */
struct vg_buf;
int vg_json_dump(const json_t *value, size_t flags, struct vg_buf *out);

#endif
