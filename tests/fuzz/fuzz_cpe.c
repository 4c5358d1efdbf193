/*
 * fuzz_cpe.c — libFuzzer target for vg_cpe_from_uri() (src/model/cpe.c,
 * NISTIR 7695 URI unbinding and formatted-string binding), which reads
 * CPE_NAME from untrusted os-release files.  Beyond memory safety it
 * checks that every result is a CPE 2.3 formatted string of 11 attributes
 * that converts to itself again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/cpe.h"
#include "vigil/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *uri = malloc(size + 1);
    if (!uri)
        return 0;
    memcpy(uri, data, size);
    uri[size] = 0;
    vg_arena arena;
    vg_arena_init(&arena);
    char *out = NULL, *again = NULL;
    if (vg_cpe_from_uri(&arena, uri, &out) == VG_OK) {
        if (!out || strncmp(out, "cpe:2.3:", 8) != 0 || vg_cpe_from_uri(&arena, out, &again) != VG_OK ||
            strcmp(out, again) != 0)
            abort();
    } else if (out) {
        abort();
    }
    vg_arena_free(&arena);
    free(uri);
    return 0;
}
