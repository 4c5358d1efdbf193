/*
 * buf.h — the one growable byte buffer, with a hard cap.
 *
 * vg_buf_init() cannot fail and takes the largest size the buffer may ever
 * reach.  An append that would pass it fails with VG_ERR_LIMIT and frees the
 * buffer, so a hostile input can never make vigil grow without bound.
 * data is always NUL-terminated (when non-NULL) so text can be used directly.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stddef.h>

typedef struct vg_buf {
    char *data;  /* NULL until the first append */
    size_t len;  /* bytes used, not counting the terminating NUL */
    size_t cap;  /* bytes allocated */
    size_t max;  /* hard cap on len */
} vg_buf;

void vg_buf_init(vg_buf *buf, size_t max);
void vg_buf_free(vg_buf *buf);
void vg_buf_reset(vg_buf *buf); /* len = 0, keeps the memory */
int vg_buf_add(vg_buf *buf, const void *data, size_t len);
/* Makes room for extra more bytes (and the NUL) without changing len, so a
 * producer can write them at data + len and then add them to len (keeping
 * data NUL-terminated).  VG_OK, or VG_ERR_LIMIT / VG_ERR_NOMEM with the
 * buffer freed, as for an append. */
int vg_buf_reserve(vg_buf *buf, size_t extra);
int vg_buf_addstr(vg_buf *buf, const char *s);
int vg_buf_addc(vg_buf *buf, char c);
int vg_buf_addf(vg_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
