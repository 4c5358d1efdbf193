/*
 * io.c — POSIX I/O and memory helpers (io.h): a write loop that survives
 * short writes and EINTR, a capped read of a descriptor to its end, and
 * reserving large buffers with a transparent
 * huge page hint (Linux madvise(2) MADV_HUGEPAGE; other systems get the
 * plain reservation).  Leaves out: buffering, non-blocking descriptors
 * (EAGAIN is an error here), explicit huge page allocation (hugetlbfs).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/io.h"

#define LARGE_BUFFER ((size_t)4 << 20)

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

int vg_read_all(int fd, vg_buf *out)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((unsigned long long)st.st_size > out->max - out->len)
            return VG_ERR_LIMIT;
        int rc = vg_buf_reserve_large(out, (size_t)st.st_size);
        if (rc)
            return rc;
    }
    for (;;) {
        size_t room = out->cap ? out->cap - out->len - 1 : 0;
        if (room > out->max - out->len)
            room = out->max - out->len;
        if (room == 0 && out->len < out->max) {
            /* A pipe, or a file that grew: more room, 64 KiB at a time. */
            size_t want = out->max - out->len < 65536 ? out->max - out->len : 65536;
            int rc = vg_buf_reserve(out, want);
            if (rc)
                return rc;
            continue;
        }
        /* At the cap, one more byte tells "exactly max" from "too large". */
        char probe;
        ssize_t n = room ? read(fd, out->data + out->len, room) : read(fd, &probe, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return VG_ERR_IO;
        if (n == 0)
            return VG_OK;
        if (room == 0)
            return VG_ERR_LIMIT;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
}

int vg_buf_reserve_large(vg_buf *buf, size_t extra)
{
    int rc = vg_buf_reserve(buf, extra);
    if (rc != VG_OK || extra < LARGE_BUFFER)
        return rc;
#ifdef MADV_HUGEPAGE
    /* Advise only whole pages inside the room not yet written. */
    long page = sysconf(_SC_PAGESIZE);
    if (page > 0) {
        uintptr_t start = (uintptr_t)(buf->data + buf->len), end = (uintptr_t)(buf->data + buf->cap);
        start = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
        end &= ~((uintptr_t)page - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
#endif
    return VG_OK;
}
