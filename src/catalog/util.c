/*
 * util.c — helpers shared by catalogers.
 *
 * vg_parse_stanzas() reads the paragraph format of Debian control files
 * (deb-control(5), Debian Policy 5.1): "Field: value" lines, continuation
 * lines that start with a space or tab, paragraphs separated by blank lines.
 * It leaves out the PGP armour of signed files and field-name validation
 * beyond "no spaces, non-empty".
 */
#include <string.h>

#include "vigil/buf.h"
#include "vigil/catalog.h"

#define STANZA_FIELD_MAX ((size_t)64 << 20) /* one field value, joined */

/* Delivers the pending field (if any) and forgets it. */
static int stanza_flush(vg_buf *value, const char *key, size_t keylen, int *pending,
                        vg_stanza_fn fn, void *arg)
{
    if (!*pending)
        return VG_OK;
    *pending = 0;
    size_t len = value->len;
    while (len && (value->data[len - 1] == ' ' || value->data[len - 1] == '\t'))
        len--;
    if (!len)
        return fn(arg, key, keylen, "", 0);
    value->data[len] = '\0';
    return fn(arg, key, keylen, value->data, len);
}

int vg_parse_stanzas(vg_ctx *ctx, const char *path, const char *text, size_t len,
                     vg_stanza_fn fn, void *arg)
{
    vg_buf value;
    vg_buf_init(&value, STANZA_FIELD_MAX);
    const char *key = NULL;
    size_t keylen = 0;
    int pending = 0, in_stanza = 0, rc = VG_OK;
    size_t lineno = 0;

    for (size_t pos = 0; pos < len && rc == VG_OK;) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t linelen = nl ? (size_t)(nl - line) : len - pos;
        pos += linelen + (nl != NULL);
        lineno++;
        if (linelen && line[linelen - 1] == '\r')
            linelen--;

        size_t blank = 0;
        while (blank < linelen && (line[blank] == ' ' || line[blank] == '\t'))
            blank++;
        if (blank == linelen) { /* paragraph separator */
            rc = stanza_flush(&value, key, keylen, &pending, fn, arg);
            if (rc == VG_OK && in_stanza)
                rc = fn(arg, NULL, 0, NULL, 0);
            in_stanza = 0;
            continue;
        }
        if (line[0] == '#')
            continue; /* comment line (deb822: a field name never starts with '#') */
        if (blank > 0) { /* continuation of the previous field */
            if (!pending) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: continuation line without a field", path, lineno);
                break;
            }
            if ((rc = vg_buf_addc(&value, '\n')) != VG_OK ||
                (rc = vg_buf_add(&value, line + blank, linelen - blank)) != VG_OK)
                rc = vg_error(ctx, rc, "%s: line %zu: field value too long", path, lineno);
            continue;
        }
        const char *colon = memchr(line, ':', linelen);
        if (!colon || colon == line || memchr(line, ' ', (size_t)(colon - line))) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: line %zu: not a \"Field: value\" line", path, lineno);
            break;
        }
        rc = stanza_flush(&value, key, keylen, &pending, fn, arg);
        if (rc)
            break;
        key = line;
        keylen = (size_t)(colon - line);
        const char *v = colon + 1;
        const char *end = line + linelen;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        vg_buf_reset(&value);
        if ((rc = vg_buf_add(&value, v, (size_t)(end - v))) != VG_OK) {
            rc = vg_error(ctx, rc, "%s: line %zu: field value too long", path, lineno);
            break;
        }
        pending = 1;
        in_stanza = 1;
    }
    if (rc == VG_OK)
        rc = stanza_flush(&value, key, keylen, &pending, fn, arg);
    if (rc == VG_OK && in_stanza)
        rc = fn(arg, NULL, 0, NULL, 0);
    vg_buf_free(&value);
    return rc;
}
