/*
 * vex_fuzz.h — the body of the VEX fuzz targets (fuzz_openvex.c,
 * fuzz_cyclonedx_vex.c), which differ only in the reader they fuzz.
 * A document the reader refuses must leave no statements and say why; an
 * accepted one is applied to one inventory with musl and musl-utils
 * 1.1.22-r2 and a finding of CVE-2019-14697 for each, and a suppressed
 * finding must name the file that suppressed it.  Included once by each
 * target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vex.h"

static int vex_fuzz_apply(vg_vex *vex)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_findings findings;
    vg_findings_init(&findings);
    static const char *const purls[] = {"pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64&distro=alpine-3.10.9",
                                        "pkg:apk/alpine/musl-utils@1.1.22-r2?arch=x86_64&distro=alpine-3.10.9"};
    static const char *ids[] = {"CVE-2019-14697"};
    vg_finding items[2];
    memset(items, 0, sizeof items);
    for (int i = 0; i < 2; i++) {
        vg_component *c = vg_inventory_add(&inv);
        if (!c)
            abort();
        c->type = "apk";
        c->name = i ? "musl-utils" : "musl";
        c->version = "1.1.22-r2";
        c->purl = purls[i];
        items[i].component = c;
        items[i].id = ids[0];
        items[i].ids = ids;
        items[i].nids = 1;
        items[i].score = -1;
    }
    inv.target.digest = "sha256:451eee8bedcb2f029756dc3e9d73bab0e7943c1ac55cff3a4861c52a0fdd3e98";
    findings.items = items;
    findings.n = 2;
    int rc = vg_vex_apply(&ctx, vex, &inv, &findings);
    for (int i = 0; rc == VG_OK && i < 2; i++)
        if (items[i].suppressed && (!items[i].suppressed_by || strncmp(items[i].suppressed_by, "vex:", 4) != 0))
            abort();
    findings.items = NULL;
    findings.n = 0;
    vg_findings_free(&findings);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return rc;
}

typedef int (*vex_reader)(vg_ctx *ctx, vg_vex *vex, const char *path, const char *data, size_t len);

static int vex_fuzz_one(vex_reader read, const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vex vex;
    vg_vex_init(&vex);
    int rc = read(&ctx, &vex, "fuzz.json", (const char *)data, size);
    if (rc != VG_OK && (vex.n != 0 || !ctx.message[0]))
        abort();
    if (rc == VG_OK)
        vex_fuzz_apply(&vex);
    vg_vex_free(&vex);
    vg_ctx_free(&ctx);
    return 0;
}
