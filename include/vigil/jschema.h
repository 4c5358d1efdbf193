/*
 * jschema.h — a bounded JSON Schema validator for the official SBOM schemas
 * (CycloneDX bom-1.4 ... bom-1.7 with spdx.schema.json and
 * jsf-0.82.schema.json, SPDX 2.3: draft-07; SPDX 3.0.1: draft 2020-12).
 *
 * It implements the keywords and formats those schemas use, with the
 * semantics of their drafts, and refuses a schema that uses any other
 * keyword, format or regular-expression feature with VG_ERR_UNSUPPORTED,
 * never ignoring it: docs/json-schema.md lists what is supported.
 *
 * The schemas are public data that vigil does not ship in its repository:
 * the caller passes the directory that holds them (`vigil sbom check` looks
 * in --schemas DIR, then $VIGIL_SCHEMAS, then the installed data dir).
 *
 * Use:
 *     vg_jschema_set *set;  const vg_jschema *schema;  vg_jschema_result r;
 *     vg_jschema_set_open(ctx, dir, &set);                  // parse the files
 *     vg_jschema_compile(ctx, set, "bom-1.6.schema.json", &schema);
 *     vg_jschema_validate(ctx, schema, doc, NULL, &r);      // r.valid, r.errors
 *     vg_jschema_result_free(&r);  vg_jschema_set_free(set);
 * A compiled schema belongs to its set and lives until vg_jschema_set_free().
 * Compiling changes the set, and so does validating (the automata of the
 * patterns are built as strings meet them): one thread at a time per set.
 * No global state.
 */
#ifndef VIGIL_JSCHEMA_H
#define VIGIL_JSCHEMA_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/arena.h"
#include "vigil/error.h"

/* Bounds of a schema set: files read from a directory (and its immediate
 * subdirectories), and the size of each. */
#define VG_JSCHEMA_MAX_FILES 256
#define VG_JSCHEMA_MAX_FILE_SIZE (32u << 20)

typedef struct vg_jschema_set vg_jschema_set;
typedef struct vg_jschema vg_jschema;

/* Reads every *.json file of dir and of its immediate subdirectories (so
 * both a folder of schemas and ../shared/schemas with its cyclonedx/ and
 * spdx/ folders work) into a new set *out, freed with vg_jschema_set_free().
 * Files are only parsed here; they are checked when compiled.  Errors:
 * VG_ERR_NOT_FOUND / VG_ERR_IO (dir or a file), VG_ERR_FORMAT (a file that
 * is not JSON), VG_ERR_LIMIT (more than VG_JSCHEMA_MAX_FILES files, or one
 * larger than VG_JSCHEMA_MAX_FILE_SIZE), VG_ERR_NOMEM. */
int vg_jschema_set_open(vg_ctx *ctx, const char *dir, vg_jschema_set **out);

/* The same from a list of n schema files. */
int vg_jschema_set_open_files(vg_ctx *ctx, const char *const *paths, size_t n, vg_jschema_set **out);

void vg_jschema_set_free(vg_jschema_set *set);

/* Compiles the schema named name — the $id of one of the set's files
 * ("http://cyclonedx.org/schema/bom-1.6.schema.json") or its file name
 * ("bom-1.6.schema.json") — with every schema it references, into *out
 * (borrowed from the set; compiling the same name again returns the same
 * schema).  $ref is resolved within the file ("#/definitions/x",
 * "#/$defs/x") or to another file of the set by its $id, resolved against
 * the referring file's $id, or else by its file name.  Patterns are
 * compiled here, once.  Errors, with the file and JSON Pointer of the
 * culprit in ctx->message: VG_ERR_NOT_FOUND (no such schema, or a $ref to a
 * file that is not in the set), VG_ERR_UNSUPPORTED (a $schema other than
 * draft-07 or 2020-12, a keyword, format or pattern feature that is not
 * implemented), VG_ERR_FORMAT (a malformed schema or pattern),
 * VG_ERR_LIMIT (schemas nested deeper than 256 levels), VG_ERR_NOMEM. */
int vg_jschema_compile(vg_ctx *ctx, vg_jschema_set *set, const char *name, const vg_jschema **out);

/* Bounds of one validation; zero fields take the defaults. */
typedef struct vg_jschema_limits {
    size_t max_errors; /* errors kept in the result (default 100); more are counted */
    size_t max_depth;  /* nesting of instance values, and of $ref applied in place (default 512);
                        * subschemas applied within each other: 8 times as many */
    size_t max_steps;  /* total work: schema nodes applied, pattern steps (default 200 000 000) */
} vg_jschema_limits;

typedef struct vg_jschema_error {
    const char *instance; /* JSON Pointer (RFC 6901) of the failing value, "" for the root */
    const char *keyword;  /* the failing keyword: "FILE#/json/pointer/keyword" */
    const char *message;  /* what is wrong, in a sentence without the location */
} vg_jschema_error;

typedef struct vg_jschema_result {
    int valid;                /* 1 valid, 0 invalid */
    vg_jschema_error *errors; /* when invalid: the first errors, at most max_errors */
    size_t nerrors;           /* entries of errors[] */
    size_t total_errors;      /* errors found, kept or not */
    vg_arena arena;           /* owns errors and their strings */
} vg_jschema_result;

/* Validates doc against schema into *out (freed with
 * vg_jschema_result_free(), also on error).  limits may be NULL.  Returns
 * VG_OK with out->valid set, or VG_ERR_LIMIT when a bound of limits was
 * reached ("not checked": out->valid is then 0 and the errors found so far
 * are kept), or VG_ERR_NOMEM. */
int vg_jschema_validate(vg_ctx *ctx, const vg_jschema *schema, const json_t *doc,
                        const vg_jschema_limits *limits, vg_jschema_result *out);

void vg_jschema_result_free(vg_jschema_result *result);

#endif
