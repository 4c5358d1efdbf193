/*
 * input_file.h — reading one whole input file named by the user (an SBOM
 * given as scan target, a VEX document, an --ignore file) with a size cap
 * and messages that name the file.  Internal to the library.
 */
#ifndef VIGIL_SOURCE_INPUT_FILE_H
#define VIGIL_SOURCE_INPUT_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "vigil/buf.h"
#include "vigil/error.h"

/* Reads the regular file at path into out (initialised by this function
 * with the cap max; the caller frees it).  what names the kind of file in
 * messages ("SBOM", "VEX document").  VG_OK; VG_ERR_NOT_FOUND,
 * VG_ERR_PERMISSION, VG_ERR_IO (also for a directory), VG_ERR_LIMIT (larger
 * than max), VG_ERR_NOMEM, each with ctx->message naming path. */
int vg_input_read_file(vg_ctx *ctx, const char *path, const char *what, size_t max, vg_buf *out);

/* The same for the file open at fd, named path in messages, which the
 * caller opened (openat() with O_NOFOLLOW, say) and closes; *st (may be
 * NULL) receives its fstat(), the modification time of what was read. */
int vg_input_read_fd(vg_ctx *ctx, int fd, const char *path, const char *what, size_t max, vg_buf *out,
                     struct stat *st);

#endif
