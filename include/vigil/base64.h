/*
 * base64.h — Base64 encoding and strict decoding (RFC 4648, sections 4 and 5).
 *
 * Encoding writes the standard alphabet with '=' padding.  Decoding accepts
 * the standard and the URL-safe alphabet (DSSE asks verifiers to accept both)
 * with or without padding, and rejects everything else: whitespace, characters
 * outside the alphabet, misplaced padding, a final group of one character and
 * non-zero unused bits (so every byte string has exactly one accepted form).
 * Not implemented: line-wrapped (MIME) base64.
 */
#ifndef VIGIL_BASE64_H
#define VIGIL_BASE64_H

#include <stddef.h>

#include "vigil/buf.h"

/* Number of characters vg_base64_encode() appends for len bytes (with
 * padding), or 0 when that would overflow size_t. */
size_t vg_base64_encoded_len(size_t len);

/* Appends the base64 of data[0..len) to out.  Returns VG_OK, VG_ERR_LIMIT or
 * VG_ERR_NOMEM (out is freed on failure, as every vg_buf append does). */
int vg_base64_encode(vg_buf *out, const void *data, size_t len);

/* Streaming encoder: the concatenation of every update's data is encoded
 * as one string, so a document held in several pieces needs no copy.
 * Errors are those of vg_buf_add (out is freed). */
typedef struct vg_base64_encoder {
    unsigned char pending[3]; /* bytes of an unfinished 3-byte group */
    size_t npending;
} vg_base64_encoder;

void vg_base64_encoder_init(vg_base64_encoder *enc);
int vg_base64_encoder_update(vg_base64_encoder *enc, vg_buf *out, const void *data, size_t len);
/* Writes the last group with its padding. */
int vg_base64_encoder_final(vg_base64_encoder *enc, vg_buf *out);

/* Number of bytes text[0..len) decodes to when it is valid base64 (from
 * its length and trailing '=' alone; validity is checked by decoding). */
size_t vg_base64_decoded_len(const char *text, size_t len);

/* Appends the bytes that text[0..len) encodes to out, decoding straight
 * into it (room reserved once).  Returns VG_OK, VG_ERR_FORMAT when text is
 * not valid base64 (out->len is unchanged), VG_ERR_LIMIT or VG_ERR_NOMEM
 * (out freed). */
int vg_base64_decode(vg_buf *out, const char *text, size_t len);

#endif
