/*
 * attest_internal.h — helpers shared by the files of src/attest/ and not
 * part of the public interface.
 */
#ifndef VIGIL_ATTEST_INTERNAL_H
#define VIGIL_ATTEST_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/attest.h"

/* Appends s[0..len) as a JSON string literal (quotes included) to out,
 * escaping '"', '\\' and control characters.  s must be valid UTF-8. */
int attest_json_string(vg_buf *out, const char *s, size_t len);

/* Checks a decoded in-toto statement: _type (Statement v1 or v0.1),
 * subject (non-empty array of {name?, digest{alg: hex}}), predicateType
 * (string).  On success *statement is a new reference the caller
 * json_decref()s.  VG_ERR_FORMAT with a message otherwise. */
int attest_statement_parse(vg_ctx *ctx, const char *payload, size_t len, json_t **statement);

/* Verifies the DSSE envelope env (a parsed JSON object) with key: shape,
 * signature count (exactly one when exactly_one, else at least one and no
 * duplicates), base64, and that a signature verifies over the PAE.  Then
 * checks that payloadType is application/vnd.in-toto+json.  On success the
 * decoded payload is appended to payload.  On failure *failed says which
 * check failed and ctx->message how. */
int attest_dsse_verify(vg_ctx *ctx, json_t *env, const vg_key *key, int exactly_one,
                       vg_buf *payload, vg_verify_check *failed);

#endif
