/*
 * bench_attribute.c — how long attributing components to suppliers takes
 * (src/supplier/attribute.c): a register of SUPPLIERS suppliers with three
 * rules each (a purl namespace, a name glob, a supplier glob starting with
 * '*', the kind that cannot be indexed by its prefix) over COMPONENTS
 * distinct components, a third of them matched by each kind and some by
 * none.  Not a test; figures in bench/README.md ("Supplier attribution").
 *
 *   bench_attribute [SUPPLIERS [COMPONENTS]]   (default 1000 100000)
 *       prints "SUPPLIERS RULES COMPONENTS ATTRIBUTED COMPILE_MS
 *       ATTRIBUTE_MS": the time on the clock of compiling the rules and of
 *       attributing every component once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vigil/supplier.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    long nsup = argc > 1 ? atol(argv[1]) : 1000, ncomp = argc > 2 ? atol(argv[2]) : 100000;
    if (nsup < 1 || ncomp < 1) {
        fprintf(stderr, "usage: bench_attribute [SUPPLIERS [COMPONENTS]]\n");
        return 2;
    }
    json_t *records = json_array();
    char a[128], b[128], c[128];
    for (long s = 0; s < nsup; s++) {
        snprintf(a, sizeof a, "pkg:npm/%%40vendor%ld/*", s);
        snprintf(b, sizeof b, "vendor%ld-*", s);
        snprintf(c, sizeof c, "*Vendor %ld GmbH*", s);
        snprintf(a + 100, 28, "Vendor %ld", s);
        json_array_append_new(records, json_pack("{s:s, s:[{s:s}, {s:s}, {s:s}]}", "name", a + 100, "rules", "purl",
                                                 a, "name", b, "supplier", c));
    }
    char **purls = calloc((size_t)ncomp, sizeof *purls), **names = calloc((size_t)ncomp, sizeof *names),
         **sups = calloc((size_t)ncomp, sizeof *sups);
    srand(1);
    for (long i = 0; i < ncomp; i++) {
        long s = rand() % (nsup + nsup / 4); /* a fifth match no rule */
        purls[i] = malloc(128);
        names[i] = malloc(64);
        sups[i] = malloc(96);
        switch (i % 3) {
        case 0:
            snprintf(purls[i], 128, "pkg:npm/%%40vendor%ld/pkg%ld@1.%ld.0?arch=x", s, i, i % 7);
            snprintf(names[i], 64, "@vendor%ld/pkg%ld", s, i);
            snprintf(sups[i], 96, "n/a");
            break;
        case 1:
            snprintf(purls[i], 128, "pkg:deb/debian/vendor%ld-lib%ld@2.%ld?distro=debian-12", s, i, i % 5);
            snprintf(names[i], 64, "vendor%ld-lib%ld", s, i);
            snprintf(sups[i], 96, "Someone");
            break;
        default:
            snprintf(purls[i], 128, "pkg:pypi/p%ld@%ld.0", i, i % 9);
            snprintf(names[i], 64, "p%ld", i);
            snprintf(sups[i], 96, "The VENDOR %ld GmbH packagers <x@example.org>", s);
        }
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_supplier_rules *rules = NULL;
    double t0 = now_ms();
    if (vg_supplier_rules_compile(&ctx, records, &rules) != VG_OK) {
        fprintf(stderr, "bench_attribute: %s\n", ctx.message);
        return 1;
    }
    double t1 = now_ms();
    long attributed = 0;
    for (long i = 0; i < ncomp; i++)
        attributed += vg_supplier_attribute(rules, purls[i], names[i], sups[i], NULL) >= 0;
    double t2 = now_ms();
    printf("%ld %ld %ld %ld %.1f %.1f\n", nsup, nsup * 3, ncomp, attributed, t1 - t0, t2 - t1);
    for (long i = 0; i < ncomp; i++) {
        free(purls[i]);
        free(names[i]);
        free(sups[i]);
    }
    free(purls);
    free(names);
    free(sups);
    vg_supplier_rules_free(rules);
    json_decref(records);
    vg_ctx_free(&ctx);
    return 0;
}
