/*
 * cpe.c — CPE 2.2 URI to CPE 2.3 formatted string, per NISTIR 7695
 * (CPE Naming 2.3): unbind_URI (6.1.3.2), decode (6.1.3.3), unpack of the
 * edition (6.1.3.4), then bind_to_fs (6.2.2.1) with process_quoted_chars
 * (6.2.2.2).  The well-formed name is kept as 11 strings, NULL for ANY.
 * Not implemented: the reverse conversions and name matching.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "vigil/buf.h"
#include "vigil/cpe.h"
#include "vigil/error.h"

#define CPE_ATTRS 11     /* part ... other */
#define CPE_MAX_LEN 1024 /* longer names are not CPE names we accept */

static const char CPE_NA[] = "-"; /* the logical value NA; ANY is NULL */

/* The characters NISTIR 7695 Table 6-1 lets a URI percent-encode, as
 * quoted characters of the WFN. */
static int pct_decode(const char *s, char *out)
{
    static const char allowed[] = "!\"#$%&'()*+,/:;<=>?@[\\]^`{|}~";
    int v = 0;
    for (int i = 1; i <= 2; i++) {
        int c = tolower((unsigned char)s[i]), d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    if (v == 0 || !strchr(allowed, v))
        return -1;
    *out = (char)v;
    return 0;
}

/* decode(): one URI component (len bytes) to a WFN value in arena; *out
 * NULL for ANY.  Returns VG_OK, VG_ERR_FORMAT or VG_ERR_NOMEM. */
static int decode(vg_arena *arena, const char *s, size_t len, const char **out)
{
    *out = NULL;
    if (len == 0)
        return VG_OK; /* ANY */
    if (len == 1 && s[0] == '-') {
        *out = CPE_NA;
        return VG_OK;
    }
    char buf[2 * CPE_MAX_LEN + 1];
    size_t n = 0, i = 0;
    int embedded = 0;
    while (i < len) {
        char c = (char)tolower((unsigned char)s[i]);
        if (c == '.' || c == '-' || c == '~') {
            buf[n++] = '\\';
            buf[n++] = c;
            i++;
            embedded = 1;
            continue;
        }
        if (c != '%') {
            if (!isalnum((unsigned char)c) && c != '_')
                return VG_ERR_FORMAT; /* a URI must percent-encode it */
            buf[n++] = c;
            i++;
            embedded = 1;
            continue;
        }
        if (len - i < 3)
            return VG_ERR_FORMAT;
        if (s[i + 1] == '0' && s[i + 2] == '1') {
            /* %01 (unquoted "?"): only in runs at the start or the end */
            int at_start_run = !embedded && (i == 0 || (i >= 3 && memcmp(s + i - 3, "%01", 3) == 0));
            int before_end_run = embedded && (len - i == 3 || (len - i >= 6 && memcmp(s + i + 3, "%01", 3) == 0));
            if (!at_start_run && !before_end_run && !(i == 0 || len - i == 3))
                return VG_ERR_FORMAT;
            buf[n++] = '?';
        } else if (s[i + 1] == '0' && s[i + 2] == '2') {
            /* %02 (unquoted "*"): only first or last */
            if (i != 0 && len - i != 3)
                return VG_ERR_FORMAT;
            buf[n++] = '*';
        } else {
            char d;
            if (pct_decode(s + i, &d) != 0)
                return VG_ERR_FORMAT;
            buf[n++] = '\\';
            buf[n++] = d;
            embedded = 1;
        }
        i += 3;
    }
    *out = vg_arena_strndup(arena, buf, n);
    return *out ? VG_OK : VG_ERR_NOMEM;
}

/* unpack(): the edition component, packed ("~ed~sw_ed~t_sw~t_hw~other")
 * or not, into attrs[5] and attrs[7..10]. */
static int unpack_edition(vg_arena *arena, const char *s, size_t len, const char **attrs)
{
    if (len == 0 || s[0] != '~')
        return decode(arena, s, len, &attrs[5]);
    static const int slots[5] = {5, 7, 8, 9, 10};
    const char *p = s + 1, *end = s + len;
    for (int f = 0; f < 5; f++) {
        const char *tilde = memchr(p, '~', (size_t)(end - p));
        if ((f < 4) != (tilde != NULL))
            return VG_ERR_FORMAT; /* not exactly five fields */
        const char *fend = tilde ? tilde : end;
        int rc = decode(arena, p, (size_t)(fend - p), &attrs[slots[f]]);
        if (rc)
            return rc;
        p = fend + 1;
    }
    return VG_OK;
}

/* bind_value_for_fs() with process_quoted_chars(): ".", "-" and "_" lose
 * their quoting, every other quoted character keeps it. */
static int bind_value(vg_buf *out, const char *v)
{
    if (!v)
        return vg_buf_addc(out, '*');
    if (v == CPE_NA)
        return vg_buf_addc(out, '-');
    for (size_t i = 0; v[i]; i++) {
        int rc;
        if (v[i] == '\\' && v[i + 1]) {
            char next = v[++i];
            if (next == '.' || next == '-' || next == '_')
                rc = vg_buf_addc(out, next);
            else
                rc = vg_buf_addf(out, "\\%c", next);
        } else {
            rc = vg_buf_addc(out, v[i]);
        }
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* A CPE 2.3 formatted string: "cpe:2.3:" and 11 attributes, where "\:"
 * does not separate. */
static int is_formatted_string(const char *s)
{
    if (strncmp(s, "cpe:2.3:", 8) != 0)
        return 0;
    int fields = 1;
    for (const char *p = s + 8; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == ':')
            fields++;
        else if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return 0;
    }
    return fields == CPE_ATTRS;
}

int vg_cpe_from_uri(vg_arena *arena, const char *uri, char **out)
{
    *out = NULL;
    if (!uri)
        return VG_ERR_FORMAT;
    size_t len = strnlen(uri, CPE_MAX_LEN + 1);
    if (len > CPE_MAX_LEN)
        return VG_ERR_FORMAT;
    if (is_formatted_string(uri)) {
        *out = vg_arena_strndup(arena, uri, len);
        return *out ? VG_OK : VG_ERR_NOMEM;
    }
    if (len < 5 || strncasecmp(uri, "cpe:/", 5) != 0)
        return VG_ERR_FORMAT;

    const char *attrs[CPE_ATTRS] = {0};
    const char *p = uri + 5, *end = uri + len;
    for (int i = 0; i < 7 && p <= end; i++) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        const char *cend = colon ? colon : end;
        size_t clen = (size_t)(cend - p);
        int rc;
        if (i == 0) {
            /* part: a, o or h (or empty: ANY) */
            char c = clen == 1 ? (char)tolower((unsigned char)*p) : 0;
            if (clen > 1 || (clen == 1 && c != 'a' && c != 'o' && c != 'h'))
                return VG_ERR_FORMAT;
            rc = decode(arena, p, clen, &attrs[0]);
        } else if (i == 5) {
            rc = unpack_edition(arena, p, clen, attrs);
        } else {
            rc = decode(arena, p, clen, &attrs[i]);
        }
        if (rc)
            return rc;
        if (!colon) {
            p = end + 1;
            break;
        }
        p = colon + 1;
        if (i == 6)
            return VG_ERR_FORMAT; /* an eighth component */
    }

    /* Escaping can make the formatted string longer than the URI; it must
     * stay within what vigil accepts as input, so that it reads back. */
    vg_buf fs;
    vg_buf_init(&fs, CPE_MAX_LEN);
    int rc = vg_buf_addstr(&fs, "cpe:2.3");
    for (int i = 0; i < CPE_ATTRS && rc == VG_OK; i++) {
        rc = vg_buf_addc(&fs, ':');
        if (rc == VG_OK)
            rc = bind_value(&fs, attrs[i]);
    }
    if (rc == VG_OK && !(*out = vg_arena_strndup(arena, fs.data, fs.len)))
        rc = VG_ERR_NOMEM;
    vg_buf_free(&fs);
    return rc;
}
