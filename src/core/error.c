/*
 * error.c — status messages, the error context and warnings (error.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"

static const char *const messages[] = {
    [VG_OK] = "success",
    [VG_ERR_NOMEM] = "out of memory",
    [VG_ERR_IO] = "input/output error",
    [VG_ERR_NOT_FOUND] = "no such file or directory",
    [VG_ERR_FORMAT] = "malformed input",
    [VG_ERR_LIMIT] = "input exceeds a limit",
    [VG_ERR_UNSAFE] = "unsafe path",
    [VG_ERR_UNSUPPORTED] = "unsupported input",
    [VG_ERR_USAGE] = "invalid argument",
    [VG_ERR_DIGEST] = "digest mismatch",
    [VG_ERR_PERMISSION] = "permission denied",
    [VG_ERR_SIGNATURE] = "signature or attestation check failed",
    [VG_ERR_RULE] = "policy rule failed",
};

const char *vg_strerror(int status)
{
    if (status < 0 || (size_t)status >= sizeof messages / sizeof messages[0] || !messages[status])
        return "unknown error";
    return messages[status];
}

void vg_ctx_init(vg_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

void vg_ctx_free(vg_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nwarnings; i++) {
        free(ctx->warnings[i].path);
        free(ctx->warnings[i].message);
    }
    free(ctx->warnings);
    memset(ctx, 0, sizeof *ctx);
}

int vg_error(vg_ctx *ctx, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
    return status;
}

void vg_warn(vg_ctx *ctx, const char *path, const char *fmt, ...)
{
    if (ctx->nwarnings >= VG_WARNINGS_MAX) {
        ctx->warnings_dropped++;
        return;
    }
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    vg_warning *grown = realloc(ctx->warnings, (ctx->nwarnings + 1) * sizeof *grown);
    if (!grown) {
        ctx->warnings_dropped++;
        return;
    }
    ctx->warnings = grown;
    vg_warning *w = &ctx->warnings[ctx->nwarnings];
    w->path = path ? strdup(path) : NULL;
    w->message = strdup(text);
    if (!w->message || (path && !w->path)) {
        free(w->path);
        free(w->message);
        ctx->warnings_dropped++;
        return;
    }
    ctx->nwarnings++;
}

size_t vg_warning_count(const vg_ctx *ctx)
{
    return ctx->nwarnings + ctx->warnings_dropped;
}
