/*
 * jschema_internal.h — the parts of the JSON Schema validator that live in
 * their own files: the ECMA-262 regular expressions of "pattern"
 * (jschema_regex.c) and the "format" checks (jschema_format.c), and a set
 * made from memory.  Used by src/core/jschema.c and by the tests; not a
 * public interface.
 */
#ifndef VIGIL_JSCHEMA_INTERNAL_H
#define VIGIL_JSCHEMA_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/jschema.h"

/* An empty schema set (NULL when out of memory), and the schema root,
 * parsed already, added to it under the file path (the fuzz target adds
 * its schemas this way).  root belongs to the set from then on, also on
 * error (VG_ERR_LIMIT past VG_JSCHEMA_MAX_FILES, VG_ERR_NOMEM). */
vg_jschema_set *jschema_set_new(void);
int jschema_set_add(vg_ctx *ctx, vg_jschema_set *set, const char *path, json_t *root);

/* A compiled regular expression (jschema_regex.c). */
typedef struct jschema_regex jschema_regex;

/* Longest pattern source accepted, and most instructions a compiled pattern
 * may have (a counted repetition is expanded: "a{1000}" is 1000 of them). */
#define JSCHEMA_REGEX_MAX_SOURCE 4096
#define JSCHEMA_REGEX_MAX_PROGRAM 20000

/* Compiles src, an ECMA-262 pattern read with the "u" flag as ajv does,
 * into *out (allocated in arena).  Returns 0, or -1 with a sentence in
 * err (errlen bytes) saying what is wrong or not implemented and where. */
int jschema_regex_compile(vg_arena *arena, const char *src, jschema_regex **out,
                          char *err, size_t errlen);

/* RegExp.prototype.test: 1 when re matches somewhere in the UTF-8 string
 * s of len bytes, 0 when not, -1 when *budget steps ran out (each step is
 * one NFA thread advanced over one character, or one character read by
 * the DFA; *budget is decremented).  re caches DFA states in the arena it
 * was compiled in: one thread at a time per regex. */
int jschema_regex_test(jschema_regex *re, const char *s, size_t len, size_t *budget);

/* The formats of "format" that are implemented (jschema_format.c). */
typedef enum jschema_format {
    JSCHEMA_FORMAT_NONE = 0,
    JSCHEMA_FORMAT_DATE_TIME,
    JSCHEMA_FORMAT_DATE,
    JSCHEMA_FORMAT_TIME,
    JSCHEMA_FORMAT_URI,
    JSCHEMA_FORMAT_URI_REFERENCE,
    JSCHEMA_FORMAT_IRI,
    JSCHEMA_FORMAT_IRI_REFERENCE,
    JSCHEMA_FORMAT_EMAIL,
    JSCHEMA_FORMAT_IDN_EMAIL,
} jschema_format;

/* The format named name, or JSCHEMA_FORMAT_NONE when it is not implemented. */
jschema_format jschema_format_lookup(const char *name);

/* 1 when the UTF-8 string s (len bytes) is valid for format f, else 0. */
int jschema_format_check(jschema_format f, const char *s, size_t len);

#endif
