/*
 * io.h — small POSIX I/O helpers shared by the library and the CLI.
 *
 * Plain write(2) loops over file descriptors; no buffering, no formats.
 * Left out: reading helpers (each reader has its own bounds and caps).
 */
#ifndef VIGIL_IO_H
#define VIGIL_IO_H

#include <stddef.h>

/* Writes all len bytes of data to fd, retrying after EINTR and short
 * writes.  Returns 0, or -1 with errno set by the failing write(2). */
int vg_write_all(int fd, const void *data, size_t len);

#endif
