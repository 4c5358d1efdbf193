/*
 * core.c — unit tests of the core data structures: capped buffer, arena,
 * hash map, stanza parser and inventory ordering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

static int failures;
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static void test_buf(void)
{
    vg_buf b;
    vg_buf_init(&b, 10);
    CHECK(vg_buf_addstr(&b, "hello") == VG_OK);
    CHECK(vg_buf_addf(&b, "%d", 1234) == VG_OK);
    CHECK(b.len == 9 && strcmp(b.data, "hello1234") == 0);
    CHECK(vg_buf_addc(&b, 'x') == VG_OK);
    /* The cap is hard: one more byte fails and frees. */
    CHECK(vg_buf_addc(&b, 'y') == VG_ERR_LIMIT);
    CHECK(b.data == NULL && b.len == 0);
    vg_buf_free(&b);
}

static void test_arena(void)
{
    vg_arena a;
    vg_arena_init(&a);
    char *big = vg_arena_alloc(&a, 3 << 20); /* bigger than a chunk */
    CHECK(big != NULL);
    for (int i = 0; i < 10000; i++) {
        char *s = vg_arena_printf(&a, "item-%d", i);
        CHECK(s && strncmp(s, "item-", 5) == 0);
    }
    CHECK(vg_arena_calloc(&a, (size_t)-1, 16) == NULL);
    CHECK(strcmp(vg_arena_strndup(&a, "abcdef", 3), "abc") == 0);
    vg_arena_free(&a);
}

static void test_map(void)
{
    vg_map m;
    vg_map_init(&m);
    char keys[5000][16];
    for (int i = 0; i < 5000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        CHECK(vg_map_put(&m, keys[i], strlen(keys[i]), keys[i]) == VG_OK);
    }
    CHECK(m.count == 5000);
    CHECK(vg_map_get(&m, "k4999", 5) == keys[4999]);
    CHECK(vg_map_get(&m, "k5000", 5) == NULL);
    CHECK(vg_map_put(&m, "k1", 2, keys[2]) == VG_OK && m.count == 5000);
    CHECK(vg_map_get(&m, "k1", 2) == keys[2]);
    vg_map_free(&m);
}

struct fields {
    char out[512];
    int stanzas;
};

static int collect_field(void *arg, const char *key, size_t keylen, const char *value, size_t valuelen)
{
    struct fields *f = arg;
    size_t used = strlen(f->out);
    if (!key) {
        f->stanzas++;
        snprintf(f->out + used, sizeof f->out - used, "|");
        return 0;
    }
    CHECK(value[valuelen] == '\0');
    snprintf(f->out + used, sizeof f->out - used, "%.*s=%s;", (int)keylen, key, value);
    return 0;
}

static void test_stanzas(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char text[] = "Package: a\r\nDescription: one\n# comment inside\n two\n .\n\n\n# comment\nPackage: b  \nEmpty:\n";
    struct fields f = {{0}, 0};
    CHECK(vg_parse_stanzas(&ctx, "status", text, sizeof text - 1, collect_field, &f) == VG_OK);
    CHECK(strcmp(f.out, "Package=a;Description=one\ntwo\n.;|Package=b;Empty=;|") == 0);
    CHECK(f.stanzas == 2);

    const char bad[] = "Package: a\nno colon here\n";
    memset(&f, 0, sizeof f);
    CHECK(vg_parse_stanzas(&ctx, "status", bad, sizeof bad - 1, collect_field, &f) == VG_ERR_FORMAT);
    CHECK(strstr(ctx.message, "status: line 2") != NULL);
    const char orphan[] = " continuation first\n";
    CHECK(vg_parse_stanzas(&ctx, "s", orphan, sizeof orphan - 1, collect_field, &f) == VG_ERR_FORMAT);
    vg_ctx_free(&ctx);
}

static void test_inventory(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    const char *names[] = {"zlib", "bash", "bash", "apt"};
    for (int i = 0; i < 4; i++) {
        vg_component *c = vg_inventory_add(&inv);
        c->type = "deb";
        c->name = names[i];
        c->version = "1";
        c->purl = vg_arena_printf(&inv.arena, "pkg:deb/debian/%s@1", names[i]);
        c->location = "var/lib/dpkg/status";
    }
    vg_component *other = vg_inventory_add(&inv); /* same purl, another file */
    other->type = "deb";
    other->name = "bash";
    other->version = "1";
    other->purl = "pkg:deb/debian/bash@1";
    other->location = "var/lib/dpkg/status.d/bash";
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK);
    CHECK(inv.ncomponents == 4);
    CHECK(strcmp(inv.components[0]->name, "apt") == 0);
    CHECK(strcmp(inv.components[1]->bom_ref, "pkg:deb/debian/bash@1") == 0);
    CHECK(strcmp(inv.components[2]->bom_ref, "pkg:deb/debian/bash@1|var/lib/dpkg/status.d/bash|2") == 0);
    CHECK(!inv.incomplete);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
}

static void test_edges(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    static const char *files[] = {"/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", "/usr/bin/x"};
    vg_component *deb = vg_inventory_add(&inv);
    *deb = (vg_component){.type = "deb", .name = "python3-yaml", .version = "6.0-3", .purl = "pkg:deb/debian/python3-yaml@6.0-3",
                          .files = files, .nfiles = 2, .layer = -1};
    vg_component *py = vg_inventory_add(&inv);
    *py = (vg_component){.type = "pypi", .name = "PyYAML", .version = "6.0", .purl = "pkg:pypi/pyyaml@6.0",
                         .location = "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", .layer = -1};
    vg_component *app = vg_inventory_add(&inv);
    *app = (vg_component){.type = "npm", .name = "app", .version = "1", .purl = "pkg:npm/app@1", .location = "srv/package-lock.json", .layer = -1};
    vg_component *lib = vg_inventory_add(&inv);
    *lib = (vg_component){.type = "npm", .name = "lib", .version = "2", .purl = "pkg:npm/lib@2", .location = "srv/package-lock.json", .layer = -1};
    vg_component *lib2 = vg_inventory_add(&inv); /* the same package again: its edge moves to lib */
    *lib2 = *lib;
    CHECK(vg_inventory_add_edge(&inv, app, lib2, VG_EDGE_DEPENDS_ON) == VG_OK);
    CHECK(vg_inventory_add_edge(&inv, app, lib, VG_EDGE_DEPENDS_ON) == VG_OK);
    CHECK(vg_inventory_add_edge(&inv, app, app, VG_EDGE_DEPENDS_ON) == VG_OK); /* ignored */
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK);
    CHECK(inv.ncomponents == 4);
    CHECK(inv.nedges == 2);
    CHECK(inv.edges[0].from == deb && inv.edges[0].to == py && inv.edges[0].kind == VG_EDGE_CONTAINS);
    CHECK(inv.edges[1].from == app && inv.edges[1].to == lib && inv.edges[1].kind == VG_EDGE_DEPENDS_ON);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_edges();
    test_buf();
    test_arena();
    test_map();
    test_stanzas();
    test_inventory();
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    return failures != 0;
}
