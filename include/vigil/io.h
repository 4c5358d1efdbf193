/*
 * io.h — small POSIX I/O and memory helpers shared by the library and the
 * CLI.
 *
 * A write loop and a capped read-to-the-end over file descriptors, and
 * room for large buffers that are about to be filled in one go.  No
 * buffering, no formats.  Left out: line or record reading.
 */
#ifndef VIGIL_IO_H
#define VIGIL_IO_H

#include <stddef.h>

#include "vigil/buf.h"

/* Writes all len bytes of data to fd, retrying after EINTR and short
 * writes.  Returns 0, or -1 with errno set by the failing write(2). */
int vg_write_all(int fd, const void *data, size_t len);

/* Reads fd to its end, appending to out; out->max bounds what may be read.
 * A regular file is read straight into room reserved from its size (no
 * staging copy, no regrowth: a secret is never left behind in freed
 * memory).  Returns VG_OK, VG_ERR_LIMIT when there is more than out->max,
 * VG_ERR_IO with errno set when read(2) fails, or VG_ERR_NOMEM (out freed).
 * Except for VG_ERR_NOMEM, out keeps what was read; the caller frees it. */
int vg_read_all(int fd, vg_buf *out);

/* vg_buf_reserve() for a large output that the caller is about to write
 * in full (a decoded payload, an encoded envelope, a whole input file).
 * From 4 MiB on it also asks the kernel for transparent huge pages over
 * the fresh room (Linux madvise MADV_HUGEPAGE): filling 50 MB then takes
 * a few dozen page faults instead of some 12000.  The advice changes no
 * content and is ignored where unsupported.  Same results as
 * vg_buf_reserve(). */
int vg_buf_reserve_large(vg_buf *buf, size_t extra);

#endif
