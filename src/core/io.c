/*
 * io.c — POSIX I/O helpers (io.h): a write loop that survives short writes
 * and EINTR.  Leaves out: buffering, non-blocking descriptors (EAGAIN is an
 * error here).
 */
#include <errno.h>
#include <unistd.h>

#include "vigil/io.h"

int vg_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
