/*
 * base64.c — Base64 (RFC 4648 sections 4 and 5), see base64.h.
 * Leaves out: MIME line wrapping, whitespace skipping.
 */
#include <stdint.h>
#include <string.h>

#include "vigil/base64.h"
#include "vigil/error.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t vg_base64_encoded_len(size_t len)
{
    size_t groups = len / 3 + (len % 3 != 0);
    if (groups > SIZE_MAX / 4)
        return 0;
    return groups * 4;
}

int vg_base64_encode(vg_buf *out, const void *data, size_t len)
{
    size_t outlen = vg_base64_encoded_len(len);
    if (len && outlen == 0) {
        vg_buf_free(out);
        return VG_ERR_LIMIT;
    }
    /* Fail before any work when the result cannot fit under the cap. */
    if (outlen > out->max || out->len > out->max - outlen) {
        vg_buf_free(out);
        return VG_ERR_LIMIT;
    }
    int rc;
    const unsigned char *in = data;
    char chunk[4096];
    size_t fill = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        chunk[fill++] = alphabet[v >> 18];
        chunk[fill++] = alphabet[(v >> 12) & 63];
        chunk[fill++] = alphabet[(v >> 6) & 63];
        chunk[fill++] = alphabet[v & 63];
        if (fill == sizeof chunk) {
            if ((rc = vg_buf_add(out, chunk, fill)) != VG_OK)
                return rc;
            fill = 0;
        }
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        chunk[fill++] = alphabet[v >> 18];
        chunk[fill++] = alphabet[(v >> 12) & 63];
        chunk[fill++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        chunk[fill++] = '=';
    }
    if (fill && (rc = vg_buf_add(out, chunk, fill)) != VG_OK)
        return rc;
    return VG_OK;
}

/* Value of one base64 character in either alphabet, or -1. */
static int decode_char(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
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
    unsigned char chunk[3072];
    size_t fill = 0, i = 0;
    int rc;
    for (; i + 4 <= n; i += 4) {
        int a = decode_char(s[i]), b = decode_char(s[i + 1]);
        int c = decode_char(s[i + 2]), d = decode_char(s[i + 3]);
        if ((a | b | c | d) < 0)
            return VG_ERR_FORMAT;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        chunk[fill++] = (unsigned char)(v >> 16);
        chunk[fill++] = (unsigned char)(v >> 8);
        chunk[fill++] = (unsigned char)v;
        if (fill == sizeof chunk) {
            if ((rc = vg_buf_add(out, chunk, fill)) != VG_OK)
                return rc;
            fill = 0;
        }
    }
    size_t rest = n - i; /* 0, 2 or 3 */
    if (rest) {
        int a = decode_char(s[i]), b = decode_char(s[i + 1]);
        int c = rest == 3 ? decode_char(s[i + 2]) : 0;
        if ((a | b | c) < 0)
            return VG_ERR_FORMAT;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        /* The bits past the last whole byte must be zero (canonical form). */
        if ((rest == 2 && (v & 0xffff)) || (rest == 3 && (v & 0xff)))
            return VG_ERR_FORMAT;
        chunk[fill++] = (unsigned char)(v >> 16);
        if (rest == 3)
            chunk[fill++] = (unsigned char)(v >> 8);
    }
    if (fill && (rc = vg_buf_add(out, chunk, fill)) != VG_OK)
        return rc;
    return VG_OK;
}
