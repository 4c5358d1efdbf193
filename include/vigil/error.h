/*
 * error.h — status codes and the context object every library call takes.
 *
 * Library functions return an int status from enum vg_status and put the
 * human-readable detail (which file, what is wrong) into ctx->message with
 * vg_error().  Problems with one part of the input that do not stop the job
 * (an unreadable file inside a root filesystem, a corrupt package database)
 * are recorded with vg_warn(): the result is then marked incomplete.
 * The library never prints and never exits; the CLI does both.
 *
 * The enum only ever grows: codes are never renumbered.
 */
#ifndef VIGIL_ERROR_H
#define VIGIL_ERROR_H

#include <stddef.h>
#include <stdarg.h>

typedef enum vg_status {
    VG_OK = 0,
    VG_ERR_NOMEM = 1,       /* out of memory */
    VG_ERR_IO = 2,          /* reading or writing a file failed */
    VG_ERR_NOT_FOUND = 3,   /* the target or a required file does not exist */
    VG_ERR_FORMAT = 4,      /* input is malformed or truncated */
    VG_ERR_LIMIT = 5,       /* input exceeds a size, count or depth limit */
    VG_ERR_UNSAFE = 6,      /* a path escapes its root, or a symlink loops */
    VG_ERR_UNSUPPORTED = 7, /* valid input of a kind vigil does not handle */
    VG_ERR_USAGE = 8,       /* invalid argument from the caller */
    VG_ERR_DIGEST = 9,      /* content does not match its recorded digest */
    VG_ERR_PERMISSION = 10, /* the file exists but may not be read */
    VG_ERR_SIGNATURE = 11,  /* a signature or attestation check failed */
    VG_ERR_RULE = 12,       /* a policy rule raised an error or returned bad data */
} vg_status;

/* One-line description of a status code; never NULL. */
const char *vg_strerror(int status);

#define VG_WARNINGS_MAX 1000 /* further warnings are counted, not stored */

typedef struct vg_warning {
    char *path;    /* file the warning is about, relative to the target; may be NULL */
    char *message; /* what is wrong with it */
} vg_warning;

typedef struct vg_ctx {
    char message[2048];     /* detail of the last error returned */
    vg_warning *warnings;   /* recorded problems; the result is incomplete */
    size_t nwarnings;       /* stored entries of warnings[] */
    size_t warnings_dropped;/* warnings past VG_WARNINGS_MAX, counted only */
} vg_ctx;

void vg_ctx_init(vg_ctx *ctx);
void vg_ctx_free(vg_ctx *ctx);

/* Sets ctx->message from fmt and returns status, so callers can write
 * `return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated header", path);` */
int vg_error(vg_ctx *ctx, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a warning about path (may be NULL).  Never fails: on allocation
 * failure the warning is counted in warnings_dropped. */
void vg_warn(vg_ctx *ctx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Total number of warnings, stored and dropped. */
size_t vg_warning_count(const vg_ctx *ctx);

#endif
