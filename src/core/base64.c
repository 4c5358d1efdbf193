/*
 * base64.c — Base64 (RFC 4648 sections 4 and 5), see base64.h.
 *
 * Table driven, so that encoding and decoding a 50 MB document run at a
 * fraction of the cost of hashing it: encoding looks up 12 bits at a time
 * (a 4096-entry table of character pairs), decoding looks up each character
 * in a 256-entry table whose invalid entries carry a flag bit, checked once
 * per group of four.  Output is written straight into the vg_buf, whose
 * room is reserved once (vg_buf_reserve_large: huge pages for big outputs).
 * The tables are constant expressions (no start-up code, no shared mutable
 * state).
 * Leaves out: MIME line wrapping, whitespace skipping, SIMD.
 */
#include <stdint.h>
#include <string.h>

#include "vigil/base64.h"
#include "vigil/error.h"
#include "vigil/io.h"

/* The character for a 6-bit value (standard alphabet), as a constant expression. */
#define B64_CHAR(v) ((v) < 26 ? 'A' + (v) : (v) < 52 ? 'a' + (v) - 26 : (v) < 62 ? '0' + (v) - 52 : (v) == 62 ? '+' : '/')

/* pairs[v] = the two characters of the 12-bit value v. */
#define B64_PAIR(v) {(char)B64_CHAR((v) >> 6), (char)B64_CHAR((v) & 63)}
#define B64_PAIR4(v) B64_PAIR(v), B64_PAIR((v) + 1), B64_PAIR((v) + 2), B64_PAIR((v) + 3)
#define B64_PAIR16(v) B64_PAIR4(v), B64_PAIR4((v) + 4), B64_PAIR4((v) + 8), B64_PAIR4((v) + 12)
#define B64_PAIR64(v) B64_PAIR16(v), B64_PAIR16((v) + 16), B64_PAIR16((v) + 32), B64_PAIR16((v) + 48)
#define B64_PAIR256(v) B64_PAIR64(v), B64_PAIR64((v) + 64), B64_PAIR64((v) + 128), B64_PAIR64((v) + 192)
#define B64_PAIR1024(v) B64_PAIR256(v), B64_PAIR256((v) + 256), B64_PAIR256((v) + 512), B64_PAIR256((v) + 768)
static const char pairs[4096][2] = {
    B64_PAIR1024(0), B64_PAIR1024(1024), B64_PAIR1024(2048), B64_PAIR1024(3072),
};

/* values[c] = the 6-bit value of character c in either alphabet, or
 * B64_INVALID.  Both '+'/'-' and '/'/'_' are accepted (RFC 4648 s. 4, 5). */
#define B64_INVALID 0x100u
#define B64_VALUE(c)                                                                  \
    ((c) >= 'A' && (c) <= 'Z'   ? (uint16_t)((c) - 'A')                               \
     : (c) >= 'a' && (c) <= 'z' ? (uint16_t)((c) - 'a' + 26)                          \
     : (c) >= '0' && (c) <= '9' ? (uint16_t)((c) - '0' + 52)                          \
     : (c) == '+' || (c) == '-' ? (uint16_t)62                                        \
     : (c) == '/' || (c) == '_' ? (uint16_t)63                                        \
                                : (uint16_t)B64_INVALID)
#define B64_VALUE4(c) B64_VALUE(c), B64_VALUE((c) + 1), B64_VALUE((c) + 2), B64_VALUE((c) + 3)
#define B64_VALUE16(c) B64_VALUE4(c), B64_VALUE4((c) + 4), B64_VALUE4((c) + 8), B64_VALUE4((c) + 12)
#define B64_VALUE64(c) B64_VALUE16(c), B64_VALUE16((c) + 16), B64_VALUE16((c) + 32), B64_VALUE16((c) + 48)
static const uint16_t values[256] = {
    B64_VALUE64(0), B64_VALUE64(64), B64_VALUE64(128), B64_VALUE64(192),
};

size_t vg_base64_encoded_len(size_t len)
{
    size_t groups = len / 3 + (len % 3 != 0);
    if (groups > SIZE_MAX / 4)
        return 0;
    return groups * 4;
}

/* Encodes n bytes, n a multiple of 3, from in to out (4n/3 characters). */
static void encode_groups(char *out, const unsigned char *in, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        memcpy(out, pairs[v >> 12], 2);
        memcpy(out + 2, pairs[v & 0xfff], 2);
        out += 4;
    }
}

/* Encodes the last 1 or 2 bytes with padding into out[0..4). */
static void encode_tail(char *out, const unsigned char *in, size_t n)
{
    uint32_t v = (uint32_t)in[0] << 16 | (n > 1 ? (uint32_t)in[1] << 8 : 0);
    memcpy(out, pairs[v >> 12], 2);
    out[2] = n > 1 ? pairs[v & 0xfff][0] : '=';
    out[3] = '=';
}

void vg_base64_encoder_init(vg_base64_encoder *enc)
{
    enc->npending = 0;
}

/* Appends the encoding of whole groups of data[0..len) (len % 3 == 0). */
static int encode_append(vg_buf *out, const unsigned char *in, size_t len)
{
    size_t outlen = len / 3 * 4;
    int rc = vg_buf_reserve_large(out, outlen);
    if (rc)
        return rc;
    encode_groups(out->data + out->len, in, len);
    out->len += outlen;
    out->data[out->len] = '\0';
    return VG_OK;
}

int vg_base64_encoder_update(vg_base64_encoder *enc, vg_buf *out, const void *data, size_t len)
{
    const unsigned char *in = data;
    int rc;
    /* Complete a group begun by the previous call. */
    while (enc->npending > 0 && enc->npending < 3 && len > 0) {
        enc->pending[enc->npending++] = *in++;
        len--;
    }
    if (enc->npending == 3) {
        if ((rc = encode_append(out, enc->pending, 3)) != VG_OK)
            return rc;
        enc->npending = 0;
    }
    size_t whole = len / 3 * 3;
    if (whole && (rc = encode_append(out, in, whole)) != VG_OK)
        return rc;
    for (size_t i = whole; i < len; i++)
        enc->pending[enc->npending++] = in[i];
    return VG_OK;
}

int vg_base64_encoder_final(vg_base64_encoder *enc, vg_buf *out)
{
    if (enc->npending == 0)
        return VG_OK;
    char tail[4];
    encode_tail(tail, enc->pending, enc->npending);
    enc->npending = 0;
    return vg_buf_add(out, tail, 4);
}

int vg_base64_encode(vg_buf *out, const void *data, size_t len)
{
    size_t outlen = vg_base64_encoded_len(len);
    /* Fail before any work when the result cannot fit under the cap. */
    if ((len && outlen == 0) || outlen > out->max || out->len > out->max - outlen) {
        vg_buf_free(out);
        return VG_ERR_LIMIT;
    }
    vg_base64_encoder enc;
    vg_base64_encoder_init(&enc);
    int rc = vg_base64_encoder_update(&enc, out, data, len);
    if (rc == VG_OK)
        rc = vg_base64_encoder_final(&enc, out);
    return rc;
}

size_t vg_base64_decoded_len(const char *text, size_t len)
{
    size_t pad = 0;
    while (pad < 2 && len > pad && text[len - 1 - pad] == '=')
        pad++;
    size_t n = len - pad;
    return n / 4 * 3 + (n % 4 == 3 ? 2 : n % 4 == 2 ? 1 : 0);
}

/* Per-position decoding tables: shifted[k][c] is the value of character c
 * already shifted into place for position k of a group of four (18, 12, 6,
 * 0 bits), or B64_BAD (bit 24) when c is in neither alphabet, so one OR of
 * four lookups gives both the 24 bits and the validity. */
#define B64_BAD 0x1000000u
#define B64_SHIFTED(c, shift) (B64_VALUE(c) == B64_INVALID ? B64_BAD : (uint32_t)B64_VALUE(c) << (shift))
#define B64_SHIFTED4(c, s) B64_SHIFTED(c, s), B64_SHIFTED((c) + 1, s), B64_SHIFTED((c) + 2, s), B64_SHIFTED((c) + 3, s)
#define B64_SHIFTED16(c, s) B64_SHIFTED4(c, s), B64_SHIFTED4((c) + 4, s), B64_SHIFTED4((c) + 8, s), B64_SHIFTED4((c) + 12, s)
#define B64_SHIFTED64(c, s) B64_SHIFTED16(c, s), B64_SHIFTED16((c) + 16, s), B64_SHIFTED16((c) + 32, s), B64_SHIFTED16((c) + 48, s)
#define B64_SHIFTED256(s) {B64_SHIFTED64(0, s), B64_SHIFTED64(64, s), B64_SHIFTED64(128, s), B64_SHIFTED64(192, s)}
static const uint32_t shifted[4][256] = {
    B64_SHIFTED256(18), B64_SHIFTED256(12), B64_SHIFTED256(6), B64_SHIFTED256(0),
};

static inline uint32_t decode_group(const unsigned char *s)
{
    return shifted[0][s[0]] | shifted[1][s[1]] | shifted[2][s[2]] | shifted[3][s[3]];
}

/* Decodes n characters, n a multiple of 4, from s into out (3n/4 bytes).
 * Returns 0, or -1 when a character is outside both alphabets. */
static int decode_groups(unsigned char *out, const unsigned char *s, size_t n)
{
    size_t i = 0;
    /* Two groups per step, one validity test for both. */
    for (; i + 8 <= n; i += 8) {
        uint32_t v = decode_group(s + i), w = decode_group(s + i + 4);
        if ((v | w) & B64_BAD)
            return -1;
        out[0] = (unsigned char)(v >> 16);
        out[1] = (unsigned char)(v >> 8);
        out[2] = (unsigned char)v;
        out[3] = (unsigned char)(w >> 16);
        out[4] = (unsigned char)(w >> 8);
        out[5] = (unsigned char)w;
        out += 6;
    }
    if (i < n) {
        uint32_t v = decode_group(s + i);
        if (v & B64_BAD)
            return -1;
        out[0] = (unsigned char)(v >> 16);
        out[1] = (unsigned char)(v >> 8);
        out[2] = (unsigned char)v;
    }
    return 0;
}

int vg_base64_decode(vg_buf *out, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    /* Padding: at most two '=' at the end, and then the length is a multiple of 4. */
    size_t pad = 0;
    while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
        pad++;
    if (pad && len % 4 != 0)
        return VG_ERR_FORMAT;
    size_t n = len - pad;
    if (n % 4 == 1)
        return VG_ERR_FORMAT;
    if (pad && (n % 4) + pad != 4)
        return VG_ERR_FORMAT;
    size_t decoded = vg_base64_decoded_len(text, len);
    if (decoded > out->max || out->len > out->max - decoded) {
        vg_buf_free(out);
        return VG_ERR_LIMIT;
    }
    if (decoded == 0)
        return VG_OK;
    int rc = vg_buf_reserve_large(out, decoded);
    if (rc)
        return rc;
    unsigned char *dst = (unsigned char *)out->data + out->len;
    size_t whole = n / 4 * 4;
    if (decode_groups(dst, s, whole) != 0)
        goto invalid;
    size_t rest = n - whole; /* 0, 2 or 3 */
    if (rest) {
        uint32_t a = values[s[whole]], b = values[s[whole + 1]];
        uint32_t c = rest == 3 ? values[s[whole + 2]] : 0;
        if ((a | b | c) & B64_INVALID)
            goto invalid;
        uint32_t v = a << 18 | b << 12 | c << 6;
        /* The bits past the last whole byte must be zero (canonical form). */
        if ((rest == 2 && (v & 0xffff)) || (rest == 3 && (v & 0xff)))
            goto invalid;
        dst += whole / 4 * 3;
        dst[0] = (unsigned char)(v >> 16);
        if (rest == 3)
            dst[1] = (unsigned char)(v >> 8);
    }
    out->len += decoded;
    out->data[out->len] = '\0';
    return VG_OK;
invalid:
    out->data[out->len] = '\0'; /* the bytes past len are not part of out */
    return VG_ERR_FORMAT;
}
