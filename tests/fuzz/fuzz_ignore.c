/*
 * fuzz_ignore.c — libFuzzer target for vg_ignore_parse() and
 * vg_ignore_apply() (ignore.h).  An accepted file's rules are applied at
 * two times (1970 and 2100) to one constructed finding; every rule must
 * have an id, a reason and an expiry that is the end of a real day.  A
 * refused file must leave no rules behind and say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_ignore ig;
    vg_ignore_init(&ig);
    int rc = vg_ignore_parse(&ctx, &ig, "fuzz.json", (const char *)data, size);
    if (rc != VG_OK && (ig.n != 0 || !ctx.message[0]))
        abort();
    for (size_t i = 0; rc == VG_OK && i < ig.n; i++)
        if (!ig.rules[i].id || !ig.rules[i].reason || !*ig.rules[i].reason || ig.rules[i].expires_at % 86400 != 0)
            abort();
    if (rc == VG_OK) {
        static const char *ids[] = {"CVE-2019-14697"};
        vg_component c = {.type = "apk", .name = "musl", .version = "1.1.22-r2",
                          .purl = "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64"};
        for (int pass = 0; pass < 2; pass++) {
            vg_findings findings;
            vg_findings_init(&findings);
            vg_finding f = {.component = &c, .id = ids[0], .ids = ids, .nids = 1, .score = -1};
            findings.items = &f;
            findings.n = 1;
            if (vg_ignore_apply(&ctx, &ig, pass ? 4102444800LL : 0, &findings) == VG_OK && f.suppressed &&
                (!f.suppressed_by || !f.analysis_detail))
                abort();
            findings.items = NULL;
            findings.n = 0;
            vg_findings_free(&findings);
        }
    }
    vg_ignore_free(&ig);
    vg_ctx_free(&ctx);
    return 0;
}
