/*
 * exclude.c — --exclude GLOB (exclude.h): patterns relative to the scanned
 * root, in the form Syft and Grype take for directory scans ("./out", "*\/tmp",
 * "**\/node_modules") plus "/etc" as Syft takes for images; the same rules
 * for directories, archives and images.  Matching is by parts: fnmatch(3)
 * for each path component, "**" for any number of them, solved with a table
 * over (pattern part, path component), so that no pattern costs more than
 * parts x components steps.  Left out: "{a,b}" alternatives and "!"
 * negations.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "source/exclude.h"

void vg_exclude_free(vg_exclude *ex)
{
    for (size_t i = 0; i < ex->n; i++) {
        for (size_t j = 0; j < ex->patterns[i].nparts; j++)
            free(ex->patterns[i].parts[j]);
        free(ex->patterns[i].parts);
    }
    free(ex->patterns);
    memset(ex, 0, sizeof *ex);
}

/* Splits one pattern into its parts. */
static int read_pattern(vg_ctx *ctx, const char *text, vg_exclude_pattern *out)
{
    size_t len = strlen(text);
    if (len > VG_EXCLUDE_MAX_PATTERN)
        return vg_error(ctx, VG_ERR_USAGE, "--exclude %.60s...: longer than %d bytes", text, VG_EXCLUDE_MAX_PATTERN);
    const char *p = text;
    if (strncmp(p, "./", 2) == 0)
        p += 2;
    else if (*p == '/')
        p++;
    else if (strncmp(p, "*/", 2) != 0 && strncmp(p, "**/", 3) != 0)
        return vg_error(ctx, VG_ERR_USAGE,
                        "--exclude %s: begin the pattern with ./ or / (from the scanned root), */ or **/ "
                        "(e.g. ./%s or **/%s)", text, text, text);
    out->parts = calloc(len / 2 + 2, sizeof *out->parts);
    if (!out->parts)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && strncmp(p, "..", 2) == 0)
            return vg_error(ctx, VG_ERR_USAGE, "--exclude %s: \"..\" would leave the scanned root", text);
        if (n && !(n == 1 && *p == '.')) {
            char *part = strndup(p, n);
            if (!part)
                return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            out->parts[out->nparts++] = part;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    if (out->nparts == 0)
        return vg_error(ctx, VG_ERR_USAGE, "--exclude %s: names the scanned root itself, which would leave nothing",
                        text);
    return VG_OK;
}

int vg_exclude_init(vg_ctx *ctx, vg_exclude *ex, const char *const *patterns, size_t n)
{
    memset(ex, 0, sizeof *ex);
    if (n == 0)
        return VG_OK;
    if (n > VG_EXCLUDE_MAX_PATTERNS)
        return vg_error(ctx, VG_ERR_USAGE, "--exclude: at most %d patterns", VG_EXCLUDE_MAX_PATTERNS);
    ex->patterns = calloc(n, sizeof *ex->patterns);
    if (!ex->patterns)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ex->n = i + 1;
        int rc = read_pattern(ctx, patterns[i], &ex->patterns[i]);
        if (rc)
            return rc;
    }
    return VG_OK;
}

int vg_scan_exclude_check(vg_ctx *ctx, const char *pattern)
{
    vg_exclude ex;
    int rc = vg_exclude_init(ctx, &ex, &pattern, 1);
    vg_exclude_free(&ex);
    return rc;
}

static int is_globstar(const char *part)
{
    return part[0] == '*' && part[1] == '*' && part[2] == '\0';
}

/* "**" matches no component too: whatever reaches it reaches the part after it. */
static void close_globstars(const vg_exclude_pattern *pat, unsigned char *reach)
{
    for (size_t i = 0; i < pat->nparts; i++)
        if (reach[i] && is_globstar(pat->parts[i]))
            reach[i + 1] = 1;
}

/* Does pat match path, or a directory above it?  reach[i] (and next[i]),
 * 0 <= i <= nparts: the first i parts match the components read so far. */
static int pattern_match(const vg_exclude_pattern *pat, const char *path, size_t len, unsigned char *reach,
                         unsigned char *next)
{
    size_t np = pat->nparts;
    memset(reach, 0, np + 1);
    reach[0] = 1;
    close_globstars(pat, reach);
    char comp[VG_EXCLUDE_MAX_COMPONENT + 1];
    for (size_t pos = 0; pos < len;) {
        size_t n = 0;
        while (pos + n < len && path[pos + n] != '/')
            n++;
        if (n > VG_EXCLUDE_MAX_COMPONENT)
            return 0; /* no file system has such names */
        memcpy(comp, path + pos, n);
        comp[n] = '\0';
        pos += n + 1;
        memset(next, 0, np + 1);
        for (size_t i = 0; i < np; i++) {
            if (!reach[i])
                continue;
            if (is_globstar(pat->parts[i]))
                next[i] = 1; /* takes comp, and may take more */
            else if (fnmatch(pat->parts[i], comp, 0) == 0)
                next[i + 1] = 1;
        }
        close_globstars(pat, next);
        memcpy(reach, next, np + 1);
        if (reach[np])
            return 1; /* the components read so far: this path or a directory above it */
    }
    return 0;
}

int vg_exclude_match(const vg_exclude *ex, const char *path, size_t len)
{
    if (!ex || ex->n == 0 || len == 0)
        return 0;
    unsigned char reach[VG_EXCLUDE_MAX_PATTERN / 2 + 2], next[VG_EXCLUDE_MAX_PATTERN / 2 + 2];
    for (size_t i = 0; i < ex->n; i++)
        if (pattern_match(&ex->patterns[i], path, len, reach, next))
            return 1;
    return 0;
}
