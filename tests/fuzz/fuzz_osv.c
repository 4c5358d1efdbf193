/*
 * fuzz_osv.c — libFuzzer target for the OSV importer (src/vulndb/osv.c,
 * OSV schema 1.6): an input that starts with "PK" is written to a temporary
 * file and read as an OSV export zip (libarchive, streamed); any other
 * input is one OSV record.  Seeds in corpus/osv/ (real Go, PyPI, crates.io
 * and AlmaLinux records, and a small zip of two records).
 */
#include <string.h>
#include <unistd.h>

#include "vulndb_fuzz.h"

static int import_zip(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                      const char *data, size_t len)
{
    char path[] = "/tmp/fuzz_osv_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
    close(fd);
    int st = vdb_osv_zip(w, src, path);
    unlink(path);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && memcmp(data, "PK", 2) == 0)
        return vulndb_fuzz_one(import_zip, "osv:Go", "osv", data, size);
    return vulndb_fuzz_one(vdb_osv_buffer, "osv:Go", "osv", data, size);
}
