/*
 * attest_internal.h — helpers shared by the files of src/attest/ and not
 * part of the public interface.
 */
#ifndef VIGIL_ATTEST_INTERNAL_H
#define VIGIL_ATTEST_INTERNAL_H

#include <stddef.h>

#include "vigil/arena.h"
#include "vigil/attest.h"

/* ---- bounded JSON reading (json.c) ---- */

#define ATTEST_JSON_MAX_DEPTH 512
/* Values built into a tree per document; a bundle has a few dozen. */
#define ATTEST_JSON_MAX_NODES ((size_t)1 << 20)

typedef enum attest_json_kind {
    ATTEST_JSON_NULL = 0,
    ATTEST_JSON_FALSE,
    ATTEST_JSON_TRUE,
    ATTEST_JSON_NUMBER,
    ATTEST_JSON_STRING,
    ATTEST_JSON_ARRAY,
    ATTEST_JSON_OBJECT,
} attest_json_kind;

/* One value of a parsed document.  Pointers are borrowed from the input
 * text or from the document's arena; nothing is NUL-terminated. */
typedef struct attest_json attest_json;
struct attest_json {
    attest_json_kind kind;
    int expanded;        /* 0: only checked for syntax (see attest_json_parse) */
    const char *key;     /* member name (decoded) when the parent is an object */
    size_t key_len;
    const char *str;     /* STRING: the decoded value; other kinds: the JSON text */
    size_t len;
    attest_json *child;  /* ARRAY / OBJECT: first element or member, when expanded */
    attest_json *next;   /* next element or member of the parent */
    size_t count;        /* number of children, when expanded */
};

typedef struct attest_json_doc {
    vg_arena arena; /* nodes and decoded strings */
    attest_json *root;
    size_t nodes;
} attest_json_doc;

/* Parses text[0..len), which must be one JSON object (strict RFC 8259 as
 * vg_json_check_object; see json.c for what expanded values must also
 * satisfy).  expand_keys NULL builds the whole tree; otherwise it is a
 * NULL-terminated list of the top-level members to build, and the other
 * top-level members are only checked (kind and JSON text set, no
 * children), so a large predicate costs a scan and no memory.  Strings
 * without escapes point into text, which must outlive doc.  Returns
 * VG_OK, VG_ERR_FORMAT ("WHAT is not JSON: PROBLEM at byte N"),
 * VG_ERR_LIMIT (more than ATTEST_JSON_MAX_NODES values) or VG_ERR_NOMEM.
 * Free doc with attest_json_doc_free() whatever the result. */
int attest_json_parse(vg_ctx *ctx, const char *what, const char *text, size_t len,
                      const char *const *expand_keys, attest_json_doc *doc);
void attest_json_doc_free(attest_json_doc *doc);
/* The member called name of obj, or NULL (also when obj is no object). */
const attest_json *attest_json_member(const attest_json *obj, const char *name);
/* value when it is a string, else NULL. */
const attest_json *attest_json_as_string(const attest_json *value);
/* 1 when value is the string s. */
int attest_json_equals(const attest_json *value, const char *s);

/* JSON whitespace (RFC 8259: space, tab, LF, CR). */
int attest_json_is_space(char c);
/* Length of the well-formed UTF-8 sequence at s[0..avail) (RFC 3629), or
 * 0; s[0] >= 0x80. */
size_t attest_utf8_sequence(const unsigned char *s, size_t avail);

/* ---- writing (intoto.c, dsse.c) ---- */

/* Appends s[0..len) as a JSON string literal (quotes included) to out,
 * escaping '"', '\\' and control characters.  s must be valid UTF-8. */
int attest_json_string(vg_buf *out, const char *s, size_t len);

/* A piece of a message held in several places (no copy is made). */
typedef struct attest_piece {
    const void *data;
    size_t len;
} attest_piece;

/* The statement vg_intoto_statement() writes is head + predicate + "}":
 * appends the head (everything before the predicate's first byte) to
 * head after the same checks, and sets *predicate / *predicate_len to the
 * predicate without surrounding whitespace. */
int attest_statement_head(vg_ctx *ctx, const char *predicate_type,
                          const char *predicate_json, size_t predicate_len,
                          const vg_attest_subject *subjects, size_t nsubjects, vg_buf *head,
                          const char **predicate, size_t *trimmed_len);

/* vg_dsse_sign() for a payload that is the concatenation of pieces. */
int attest_dsse_sign_pieces(vg_ctx *ctx, const vg_key *key, const char *payload_type,
                            const attest_piece *pieces, size_t npieces, vg_buf *out);

/* ---- keys (keys.c) ---- */

/* ECDSA P-256 only: signs / verifies a SHA-256 digest computed by the
 * caller (the same signature as vg_key_sign over the message).  Verify
 * returns VG_OK, VG_ERR_SIGNATURE or VG_ERR_FORMAT like vg_key_verify. */
int attest_key_sign_sha256(vg_ctx *ctx, const vg_key *key, const unsigned char digest[32], vg_buf *sig);
int attest_key_verify_sha256(vg_ctx *ctx, const vg_key *key, const unsigned char digest[32],
                             const unsigned char *sig, size_t siglen);

/* ---- reading (intoto.c, dsse.c) ---- */

/* An in-toto statement read from a verified payload.  The fields point
 * into doc (and the payload). */
typedef struct attest_statement {
    attest_json_doc doc;
    const attest_json *predicate_type; /* string */
    const attest_json *subjects;       /* non-empty array of subjects */
} attest_statement;

/* Checks a decoded in-toto statement without building a tree of the
 * predicate: _type (Statement v1 or v0.1), subject (non-empty array of
 * {name?, digest{alg: string}}), predicateType (string), predicate (an
 * object when present, syntax-checked only), no duplicate top-level
 * members.  VG_ERR_FORMAT with a message otherwise.  Free st with
 * attest_json_doc_free(&st->doc) whatever the result. */
int attest_statement_read(vg_ctx *ctx, const char *payload, size_t len, attest_statement *st);

/* Verifies the DSSE envelope env (a parsed JSON object) with key: shape,
 * signature count (exactly one when exactly_one, else at least one and no
 * duplicates), base64, and that a signature verifies over the PAE.  Then
 * checks that payloadType is application/vnd.in-toto+json.  payload must
 * be empty; on success it holds the decoded payload.  Failed checks return
 * VG_ERR_SIGNATURE (count, signature, payload type), VG_ERR_FORMAT or
 * VG_ERR_LIMIT, with *failed saying which check and ctx->message how. */
int attest_dsse_verify(vg_ctx *ctx, const attest_json *env, const vg_key *key, int exactly_one,
                       vg_buf *payload, vg_verify_check *failed);

#endif
