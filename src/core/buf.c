/*
 * buf.c — the capped growable buffer (buf.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/error.h"

void vg_buf_init(vg_buf *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void vg_buf_free(vg_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void vg_buf_reset(vg_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL. */
static int buf_reserve(vg_buf *buf, size_t extra)
{
    if (extra > buf->max || buf->len > buf->max - extra) {
        vg_buf_free(buf);
        return VG_ERR_LIMIT;
    }
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return VG_OK;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > buf->max + 1)
        cap = buf->max + 1;
    char *p = realloc(buf->data, cap);
    if (!p) {
        vg_buf_free(buf);
        return VG_ERR_NOMEM;
    }
    buf->data = p;
    buf->cap = cap;
    return VG_OK;
}

int vg_buf_reserve(vg_buf *buf, size_t extra)
{
    return buf_reserve(buf, extra);
}

int vg_buf_add(vg_buf *buf, const void *data, size_t len)
{
    int rc = buf_reserve(buf, len);
    if (rc)
        return rc;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return VG_OK;
}

int vg_buf_addstr(vg_buf *buf, const char *s)
{
    return vg_buf_add(buf, s, strlen(s));
}

int vg_buf_addc(vg_buf *buf, char c)
{
    return vg_buf_add(buf, &c, 1);
}

int vg_buf_addf(vg_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return VG_ERR_FORMAT;
    int rc = buf_reserve(buf, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return VG_OK;
}
