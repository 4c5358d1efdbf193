/*
 * pkgdb_text.c — UTF-8 validation and repair for strings taken from package
 * databases, and the splitting of their list fields (pkgdb_text.h).  Implements the UTF-8 well-formedness rules of RFC 3629
 * section 4 (the same as Unicode 15, Table 3-7).  Leaves out any other
 * character-set guessing: a Latin-1 maintainer name becomes U+FFFD where
 * its bytes are not UTF-8.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/pkgdb_text.h"
#include "vigil/error.h"

size_t vg_text_utf8_seq(const unsigned char *s, size_t len)
{
    if (!len)
        return 0;
    unsigned char c = s[0];
    if (c >= 0x01 && c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0; /* NUL, continuation byte, C0, C1, F5..FF */
    }
    if (len < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return need;
}

/* Length of the run of ASCII bytes 0x01..0x7F at the start of s, eight
 * bytes at a time: package databases are almost all ASCII, and this is
 * their hottest loop. */
static size_t ascii_run(const unsigned char *s, size_t len)
{
    const uint64_t high = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if ((v & high) || ((v - ones) & ~v & high)) /* a byte >= 0x80, or a NUL */
            break;
    }
    while (i < len && s[i] >= 0x01 && s[i] < 0x80)
        i++;
    return i;
}

char *vg_text_utf8_copy(vg_arena *arena, const char *s, size_t len, int *changed)
{
    const unsigned char *in = (const unsigned char *)s;
    size_t bad = 0;
    for (size_t i = ascii_run(in, len); i < len; i += ascii_run(in + i, len - i)) {
        size_t n = vg_text_utf8_seq(in + i, len - i);
        if (n) {
            i += n;
        } else {
            bad++;
            i++;
        }
    }
    if (!bad)
        return vg_arena_strndup(arena, s, len);
    if (changed)
        *changed = 1;
    /* each bad byte (1) becomes 3 bytes: len + 2 * bad, checked for overflow */
    if (bad > (((size_t)-1) - len - 1) / 2)
        return NULL;
    char *out = vg_arena_alloc(arena, len + 2 * bad + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = vg_text_utf8_seq(in + i, len - i);
        if (n) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

int vg_text_next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *linelen)
{
    if (*pos >= len)
        return 0;
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - start) : len - *pos;
    *pos += n + (nl != NULL);
    if (n && start[n - 1] == '\r')
        n--;
    *line = start;
    *linelen = n;
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int vg_text_each_item(const char *text, size_t len, const char *seps,
                      int (*fn)(void *arg, const char *item, size_t itemlen), void *arg)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && !memchr(seps, text[i], strlen(seps)))
            i++;
        size_t end = i++;
        while (start < end && is_blank(text[start]))
            start++;
        while (end > start && is_blank(text[end - 1]))
            end--;
        if (end > start) {
            int rc = fn(arg, text + start, end - start);
            if (rc)
                return rc;
        }
    }
    return VG_OK;
}
