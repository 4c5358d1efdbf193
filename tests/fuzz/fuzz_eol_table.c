/*
 * fuzz_eol_table.c — libFuzzer target for the end-of-life table reader
 * (src/supplier/eol.c): parse the input as a table; when it is one, look
 * up purls of every rule's kind (OS packages by distro qualifier and by
 * os, runtimes, unknowns) and check each verdict is whole.  Seeds in
 * corpus/eol_table/ (the shipped table, small tables, broken ones).
 */
#include <stdint.h>
#include <string.h>

#include "vigil/supplier.h"

static const char *const purls[] = {
    "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12",
    "pkg:deb/debian/bash@5.2",
    "pkg:apk/alpine/musl@1.1.24-r2?distro=alpine-3.11.13",
    "pkg:rpm/rocky/openssl@3.0.7?distro=rocky-9.3#sub",
    "pkg:golang/stdlib@v1.21.5",
    "pkg:generic/python@3.9.18",
    "pkg:generic/node",
    "pkg:npm/%40scope/x@1?distro=",
    "pkg:/x",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_eol_table *t = NULL;
    int rc = vg_eol_parse(&ctx, "fuzz.json", (const char *)data, size, &t);
    if (rc != VG_OK) {
        if (t || strncmp(ctx.message, "fuzz.json", 9) != 0)
            __builtin_trap(); /* errors leave no table and name the file */
        vg_ctx_free(&ctx);
        return 0;
    }
    if (strlen(vg_eol_as_of(t)) != 10)
        __builtin_trap();
    for (size_t i = 0; i < sizeof purls / sizeof *purls; i++) {
        vg_eol_verdict v;
        if (vg_eol_lookup(t, purls[i], NULL, "20.1", i & 1 ? "debian:12" : "alpine 3.18", 0, &v)) {
            if (!v.product || !v.cycle || !v.source || (v.eol && strlen(v.eol) != 10))
                __builtin_trap();
            if (v.past && !v.eol)
                __builtin_trap(); /* no end, never past */
        }
    }
    vg_eol_free(t);
    vg_ctx_free(&ctx);
    return 0;
}
