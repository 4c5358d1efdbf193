/*
 * rubygems.c — RubyGems version ordering, as Gem::Version implements it in
 * RubyGems 3.3 (Ruby 3.1): the pattern
 * [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? with
 * surrounding white space, "-" read as ".pre.", segments made of digit
 * runs (numbers) and letter runs (strings), trailing zeros dropped from the
 * numeric part and from the part starting at the first string, then
 * compared pairwise: a missing segment is 0, a string sorts before a
 * number, strings compare bytewise (case-sensitive).
 *
 * Left out: Gem::Version reads an empty or blank string as "0"; vigil
 * refuses it rather than guess.
 */
#include <string.h>

#include "version/version_internal.h"

typedef struct gem_version {
    const char *s;
    size_t len;
} gem_version;

static int gem_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int gem_parse(const char *v, gem_version *out)
{
    size_t len = strlen(v), pos = 0;
    while (len > 0 && gem_space((unsigned char)v[len - 1]))
        len--;
    while (pos < len && gem_space((unsigned char)v[pos]))
        pos++;
    out->s = v + pos;
    out->len = len - pos;
    const char *s = out->s;
    size_t n = out->len, i = version_digits_span(s, n);
    if (i == 0)
        return VG_ERR_FORMAT;
    while (i < n && s[i] == '.') {
        size_t k = i + 1;
        while (k < n && version_is_alnum((unsigned char)s[k]))
            k++;
        if (k == i + 1)
            return VG_ERR_FORMAT;
        i = k;
    }
    if (i < n && s[i] == '-') {
        do {
            size_t k = i + 1;
            while (k < n && (version_is_alnum((unsigned char)s[k]) || s[k] == '-'))
                k++;
            if (k == i + 1)
                return VG_ERR_FORMAT;
            i = k;
        } while (i < n && s[i] == '.');
    }
    return i == n ? VG_OK : VG_ERR_FORMAT;
}

/* One segment: a digit run or a letter run ("pre" stands for each '-'). */
typedef struct gem_segment {
    const char *s;
    size_t len;
    int numeric;
} gem_segment;

/* Next segment at or after *pos; 0 at the end.  A '-' yields "pre". */
static int gem_next(const gem_version *v, size_t *pos, gem_segment *seg)
{
    while (*pos < v->len) {
        int c = (unsigned char)v->s[*pos];
        if (c == '-') {
            (*pos)++;
            *seg = (gem_segment){"pre", 3, 0};
            return 1;
        }
        if (version_is_digit(c) || version_is_alpha(c)) {
            size_t start = *pos;
            int numeric = version_is_digit(c);
            while (*pos < v->len && (numeric ? version_is_digit((unsigned char)v->s[*pos])
                                             : version_is_alpha((unsigned char)v->s[*pos])))
                (*pos)++;
            *seg = (gem_segment){v->s + start, *pos - start, numeric};
            return 1;
        }
        (*pos)++;
    }
    return 0;
}

static int gem_is_zero(const gem_segment *seg)
{
    return seg->numeric && version_digits_cmp(seg->s, seg->len, "0", 1) == 0;
}

/* The canonical segments as a stream: zeros are held back and only
 * released when a non-zero segment of the same part follows, so trailing
 * zeros of the numeric part and of the string part disappear. */
typedef struct gem_stream {
    const gem_version *v;
    size_t pos;
    int in_strings;      /* past the first string segment */
    size_t pending_zeros;
    gem_segment next;    /* segment after the pending zeros */
    int has_next;
} gem_stream;

static int gem_stream_get(gem_stream *st, gem_segment *out)
{
    static const gem_segment ZERO = {"0", 1, 1};
    for (;;) {
        if (st->pending_zeros > 0 && st->has_next) {
            st->pending_zeros--;
            *out = ZERO;
            return 1;
        }
        if (st->has_next) {
            st->has_next = 0;
            *out = st->next;
            return 1;
        }
        gem_segment seg;
        if (!gem_next(st->v, &st->pos, &seg))
            return 0; /* pending zeros were trailing: dropped */
        if (!seg.numeric && !st->in_strings) {
            st->in_strings = 1;
            st->pending_zeros = 0; /* trailing zeros of the numeric part */
        }
        if (gem_is_zero(&seg)) {
            st->pending_zeros++;
            continue;
        }
        st->next = seg;
        st->has_next = 1;
    }
}

int version_valid_rubygems(const char *v)
{
    gem_version parsed;
    return gem_parse(v, &parsed);
}

int version_cmp_rubygems(const char *a, const char *b, int *out)
{
    gem_version va, vb;
    if (gem_parse(a, &va) != VG_OK || gem_parse(b, &vb) != VG_OK)
        return VG_ERR_FORMAT;
    gem_stream sa = {.v = &va}, sb = {.v = &vb};
    static const gem_segment ZERO = {"0", 1, 1};
    for (;;) {
        gem_segment x, y;
        int hx = gem_stream_get(&sa, &x), hy = gem_stream_get(&sb, &y);
        if (!hx && !hy)
            break;
        if (!hx)
            x = ZERO;
        if (!hy)
            y = ZERO;
        int r;
        if (x.numeric != y.numeric) {
            r = x.numeric ? 1 : -1;
        } else if (x.numeric) {
            r = version_digits_cmp(x.s, x.len, y.s, y.len);
        } else {
            r = version_sign(memcmp(x.s, y.s, x.len < y.len ? x.len : y.len));
            if (!r)
                r = (x.len > y.len) - (x.len < y.len);
        }
        if (r) {
            *out = r;
            return VG_OK;
        }
    }
    *out = 0;
    return VG_OK;
}
