/*
 * apk.c — Alpine package version ordering as apk-tools 3 implements it
 * (src/version.c; the format is digit{.digit}...{letter}{_suffix{#}}...
 * {~hash}{-r#}), checked against apk-tools' own vectors (test/unit/
 * version.data, in ../shared/testvectors/apk-version.data).  Wolfi and
 * Chainguard use the same rules.
 *
 * Tokens, in the order apk allows them: an initial number; further numbers
 * after '.'; one lower-case letter after a number; suffixes _alpha _beta
 * _pre _rc (before the release) and _cvs _svn _git _hg _p (after it), each
 * with an optional number; one ~hexhash; one -rN revision.  Numbers compare
 * by value, except a non-initial number with a leading zero, which apk
 * compares as a string (Gentoo's rule: 1.01 < 1.1).  Hashes compare as
 * strings.
 *
 * Left out, deliberately: apk orders even invalid strings (it stops at the
 * first bad token); vigil refuses them with VG_ERR_FORMAT.  apk reads
 * numbers into 64 bits and wraps beyond; vigil compares digit strings.
 * apk's fuzzy '~' operator is not an ordering and is not implemented.
 */
#include <string.h>

#include "version/version_internal.h"

enum apk_token {
    APK_INITIAL_DIGIT,
    APK_DIGIT,
    APK_LETTER,
    APK_SUFFIX,
    APK_SUFFIX_NO,
    APK_COMMIT_HASH,
    APK_REVISION_NO,
    APK_END,
    APK_INVALID,
};

/* Suffix ranks: pre-release suffixes sort below APK_SUFFIX_NONE. */
enum { APK_SUFFIX_NONE = 5 };
static const char *const APK_SUFFIXES[] = {
    NULL, "alpha", "beta", "pre", "rc", NULL, "cvs", "svn", "git", "hg", "p",
};

typedef struct apk_cursor {
    const char *s;
    size_t len, pos;
    enum apk_token token;
    int suffix;          /* rank, for APK_SUFFIX */
    const char *value;   /* the token's text (digits, letter, hash) */
    size_t vlen;
} apk_cursor;

static void apk_digits(apk_cursor *c)
{
    c->value = c->s + c->pos;
    c->vlen = version_digits_span(c->value, c->len - c->pos);
    c->pos += c->vlen;
    if (c->vlen == 0)
        c->token = APK_INVALID;
}

static void apk_first(apk_cursor *c, const char *s)
{
    c->s = s;
    c->len = strlen(s);
    c->pos = 0;
    c->suffix = 0;
    c->token = APK_INITIAL_DIGIT;
    apk_digits(c);
}

static int apk_is_hex(int ch)
{
    return version_is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Advances to the next token, checking that it may follow the current one. */
static void apk_next(apk_cursor *c)
{
    if (c->pos >= c->len) {
        c->token = APK_END;
        return;
    }
    int ch = (unsigned char)c->s[c->pos];
    if (version_is_lower(ch)) {
        if (c->token > APK_DIGIT)
            goto invalid;
        c->value = c->s + c->pos++;
        c->vlen = 1;
        c->token = APK_LETTER;
    } else if (ch == '.' || version_is_digit(ch)) {
        if (ch == '.') {
            if (c->token > APK_DIGIT)
                goto invalid;
            c->pos++;
        }
        if (c->token == APK_INITIAL_DIGIT || c->token == APK_DIGIT)
            c->token = APK_DIGIT;
        else if (c->token == APK_SUFFIX)
            c->token = APK_SUFFIX_NO;
        else
            goto invalid;
        apk_digits(c);
    } else if (ch == '_') {
        if (c->token > APK_SUFFIX_NO)
            goto invalid;
        c->pos++;
        size_t n = 0;
        while (c->pos + n < c->len && version_is_lower((unsigned char)c->s[c->pos + n]))
            n++;
        int rank = 0;
        for (int i = 1; i < (int)(sizeof APK_SUFFIXES / sizeof APK_SUFFIXES[0]); i++)
            if (APK_SUFFIXES[i] && strlen(APK_SUFFIXES[i]) == n &&
                memcmp(APK_SUFFIXES[i], c->s + c->pos, n) == 0)
                rank = i;
        if (rank == 0)
            goto invalid;
        c->pos += n;
        c->suffix = rank;
        c->token = APK_SUFFIX;
    } else if (ch == '~') {
        if (c->token >= APK_COMMIT_HASH)
            goto invalid;
        c->pos++;
        c->value = c->s + c->pos;
        c->vlen = 0;
        while (c->pos < c->len && apk_is_hex((unsigned char)c->s[c->pos]))
            c->pos++, c->vlen++;
        if (c->vlen == 0)
            goto invalid;
        c->token = APK_COMMIT_HASH;
    } else if (ch == '-') {
        if (c->token >= APK_REVISION_NO || c->pos + 1 >= c->len || c->s[c->pos + 1] != 'r')
            goto invalid;
        c->pos += 2;
        c->token = APK_REVISION_NO;
        apk_digits(c);
    } else {
        goto invalid;
    }
    return;
invalid:
    c->token = APK_INVALID;
}

/* apk_blob_sort: bytewise, a proper prefix first. */
static int apk_string_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r)
        return version_sign(r);
    return alen == blen ? 0 : alen < blen ? -1 : 1;
}

/* Compares two tokens of the same kind. */
static int apk_token_cmp(const apk_cursor *a, const apk_cursor *b)
{
    switch (a->token) {
    case APK_DIGIT:
        if (a->value[0] == '0' || b->value[0] == '0')
            return apk_string_cmp(a->value, a->vlen, b->value, b->vlen);
        /* fall through */
    case APK_INITIAL_DIGIT:
    case APK_SUFFIX_NO:
    case APK_REVISION_NO:
        return version_digits_cmp(a->value, a->vlen, b->value, b->vlen);
    case APK_LETTER:
        return version_sign((long long)(unsigned char)a->value[0] - (unsigned char)b->value[0]);
    case APK_SUFFIX:
        return version_sign(a->suffix - b->suffix);
    default:
        return apk_string_cmp(a->value, a->vlen, b->value, b->vlen);
    }
}

int version_valid_apk(const char *v)
{
    apk_cursor c;
    for (apk_first(&c, v); c.token < APK_END; apk_next(&c))
        ;
    return c.token == APK_END ? VG_OK : VG_ERR_FORMAT;
}

int version_cmp_apk(const char *a, const char *b, int *out)
{
    if (version_valid_apk(a) != VG_OK || version_valid_apk(b) != VG_OK)
        return VG_ERR_FORMAT;
    apk_cursor ta, tb;
    apk_first(&ta, a);
    apk_first(&tb, b);
    while (ta.token == tb.token && ta.token < APK_END) {
        int r = apk_token_cmp(&ta, &tb);
        if (r) {
            *out = r;
            return VG_OK;
        }
        apk_next(&ta);
        apk_next(&tb);
    }
    /* Equal so far and one ended: the longer one is newer unless what it
     * has next is a pre-release suffix. */
    int r = 0;
    if (ta.token == tb.token)
        r = 0;
    else if (ta.token == APK_SUFFIX && ta.suffix < APK_SUFFIX_NONE)
        r = -1;
    else if (tb.token == APK_SUFFIX && tb.suffix < APK_SUFFIX_NONE)
        r = 1;
    else
        r = ta.token > tb.token ? -1 : 1;
    *out = r;
    return VG_OK;
}
