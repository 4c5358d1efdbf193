/*
 * fuzz_exclude.c — libFuzzer target for --exclude patterns and their
 * matching (src/source/exclude.c).  The input is "PATTERN\nPATH": the
 * pattern is read as vg_scan() reads each --exclude, and, when accepted,
 * matched against PATH (normalised as the walk and the archive view give
 * paths: no leading "/", no "." or ".." parts).  Seeds in corpus/exclude/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/exclude.h"
#include "source/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *pattern = strndup((const char *)data, plen);
    char *raw = nl ? strndup((const char *)nl + 1, size - plen - 1) : strdup("");
    if (!pattern || !raw)
        abort();
    char path[4097];
    size_t len = 0;
    int norm = vg_tree_normalize(raw, path, sizeof path, &len);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_exclude ex;
    const char *patterns[1] = {pattern};
    int rc = vg_exclude_init(&ctx, &ex, patterns, 1);
    if (rc != VG_OK && !ctx.message[0])
        abort(); /* every refusal says why */
    if (rc == VG_OK && !(norm & ~VG_PATH_ABSOLUTE))
        (void)vg_exclude_match(&ex, path, len);
    vg_exclude_free(&ex);
    vg_ctx_free(&ctx);
    free(pattern);
    free(raw);
    return 0;
}
