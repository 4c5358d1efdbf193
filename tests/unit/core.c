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
    vg_component *other = vg_inventory_add(&inv); /* same purl, another file: the same package */
    other->type = "deb";
    other->name = "bash";
    other->version = "1";
    other->purl = "pkg:deb/debian/bash@1";
    other->location = "var/lib/dpkg/status.d/bash";
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK);
    CHECK(inv.ncomponents == 3);
    CHECK(strcmp(inv.components[0]->name, "apt") == 0);
    const vg_component *bash = inv.components[1];
    CHECK(strcmp(bash->bom_ref, "pkg:deb/debian/bash@1") == 0);
    CHECK(bash->nlocations == 2 && strcmp(bash->locations[0], "var/lib/dpkg/status") == 0 &&
          strcmp(bash->locations[1], "var/lib/dpkg/status.d/bash") == 0 && bash->location == bash->locations[0]);
    CHECK(inv.components[2]->nlocations == 1 && strcmp(inv.components[2]->location, "var/lib/dpkg/status") == 0);
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

/* Adds a component with the given fields (layer -1 unless set). */
static vg_component *add(vg_inventory *inv, vg_component fields)
{
    vg_component *c = vg_inventory_add(inv);
    int layer = fields.layer;
    *c = fields;
    c->layer = layer ? layer : -1;
    return c;
}

static const vg_component *by_ref(const vg_inventory *inv, const char *ref)
{
    for (size_t i = 0; i < inv->ncomponents; i++)
        if (strcmp(inv->components[i]->bom_ref, ref) == 0)
            return inv->components[i];
    return NULL;
}

static int has_property(const vg_component *c, const char *name, const char *value)
{
    for (const vg_property *p = c->properties; p; p = p->next)
        if (strcmp(p->name, name) == 0 && strcmp(p->value, value) == 0)
            return 1;
    return 0;
}

/* One component per package (inventory.h, vg_inventory_finalize()). */
static void test_merge(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    /* npm: the installed package.json and the lock file's line; the
     * installed copy's facts win, the lock's integrity and scope are kept */
    vg_component *lock = add(&inv, (vg_component){.type = "npm", .name = "ms", .version = "2.1.3", .purl = "pkg:npm/ms@2.1.3",
                                                  .location = "app/package-lock.json", .license = "LOCK-LICENSE",
                                                  .scope = VG_SCOPE_DEV, .evidence = VG_EVIDENCE_LOCK, .layer = 3});
    CHECK(vg_component_set_property(&inv, lock, "vigil:npm:integrity", "sha512-x") == VG_OK);
    vg_component *inst = add(&inv, (vg_component){.type = "npm", .name = "ms", .version = "2.1.3", .purl = "pkg:npm/ms@2.1.3",
                                                  .location = "app/node_modules/ms/package.json", .license = "MIT",
                                                  .supplier = "Vercel", .layer = 2});
    vg_component *root = add(&inv, (vg_component){.type = "npm", .name = "app", .version = "1", .purl = "pkg:npm/app@1",
                                                  .location = "app/package-lock.json", .application = 1});
    CHECK(vg_inventory_add_edge(&inv, root, lock, VG_EDGE_CONTAINS) == VG_OK);
    CHECK(vg_inventory_add_edge(&inv, root, inst, VG_EDGE_DEPENDS_ON) == VG_OK);
    /* a purl without version (local code) is never merged by purl alone */
    add(&inv, (vg_component){.type = "npm", .name = "local", .purl = "pkg:npm/local", .location = "a/package-lock.json"});
    add(&inv, (vg_component){.type = "npm", .name = "local", .purl = "pkg:npm/local", .location = "b/package-lock.json"});
    /* pypi: a copy installed by a deb and one installed by pip stay apart */
    static const char *files[] = {"/usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA"};
    add(&inv, (vg_component){.type = "deb", .name = "python3-cryptography", .version = "38.0.4-3",
                             .purl = "pkg:deb/debian/python3-cryptography@38.0.4-3", .files = files, .nfiles = 1});
    add(&inv, (vg_component){.type = "pypi", .name = "cryptography", .version = "38.0.4", .purl = "pkg:pypi/cryptography@38.0.4",
                             .location = "usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA"});
    add(&inv, (vg_component){.type = "pypi", .name = "cryptography", .version = "38.0.4", .purl = "pkg:pypi/cryptography@38.0.4",
                             .location = "usr/lib/python3/dist-packages/cryptography.egg-info"});
    add(&inv, (vg_component){.type = "pypi", .name = "cryptography", .version = "38.0.4", .purl = "pkg:pypi/cryptography@38.0.4",
                             .location = "opt/venv/lib/python3.11/site-packages/cryptography-38.0.4.dist-info/METADATA"});
    /* maven: two jars of one purl with other content stay apart; a pom.xml
     * declaration cannot tell which it is and stays apart too */
    vg_component *j1 = add(&inv, (vg_component){.type = "maven", .name = "a", .version = "1", .purl = "pkg:maven/g/a@1",
                                                .location = "x/a.jar"});
    vg_component *j2 = add(&inv, (vg_component){.type = "maven", .name = "a", .version = "1", .purl = "pkg:maven/g/a@1",
                                                .location = "y/a.jar"});
    vg_component *j3 = add(&inv, (vg_component){.type = "maven", .name = "a", .version = "1", .purl = "pkg:maven/g/a@1",
                                                .location = "z/a-copy.jar"});
    CHECK(vg_component_set_property(&inv, j1, "vigil:java:fingerprint", "10:aa") == VG_OK &&
          vg_component_set_property(&inv, j2, "vigil:java:fingerprint", "10:bb") == VG_OK &&
          vg_component_set_property(&inv, j3, "vigil:java:fingerprint", "10:aa") == VG_OK &&
          vg_component_add_location(&inv, j3, "z/a-link.jar") == VG_OK);
    add(&inv, (vg_component){.type = "maven", .name = "a", .version = "1", .purl = "pkg:maven/g/a@1",
                             .location = "src/pom.xml", .evidence = VG_EVIDENCE_MANIFEST});
    /* golang: a go.mod line joins the binaries' copies when they agree */
    vg_component *g1 = add(&inv, (vg_component){.type = "golang", .name = "golang.org/x/net", .version = "v0.1.0",
                                                .purl = "pkg:golang/golang.org/x/net@v0.1.0", .location = "bin/a"});
    vg_component *g2 = add(&inv, (vg_component){.type = "golang", .name = "golang.org/x/net", .version = "v0.1.0",
                                                .purl = "pkg:golang/golang.org/x/net@v0.1.0", .location = "bin/b"});
    add(&inv, (vg_component){.type = "golang", .name = "golang.org/x/net", .version = "v0.1.0",
                             .purl = "pkg:golang/golang.org/x/net@v0.1.0", .location = "src/go.mod",
                             .evidence = VG_EVIDENCE_MANIFEST});
    CHECK(vg_component_set_property(&inv, g1, "vigil:go:sum", "h1:abc=") == VG_OK &&
          vg_component_set_property(&inv, g2, "vigil:go:sum", "h1:abc=") == VG_OK);
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK);

    const vg_component *ms = by_ref(&inv, "pkg:npm/ms@2.1.3");
    CHECK(ms && ms->nlocations == 2 && strcmp(ms->location, "app/node_modules/ms/package.json") == 0 &&
          strcmp(ms->locations[1], "app/package-lock.json") == 0);
    CHECK(ms && strcmp(ms->license, "MIT") == 0 && strcmp(ms->supplier, "Vercel") == 0);
    CHECK(ms && ms->evidence == VG_EVIDENCE_INSTALLED && ms->scope == VG_SCOPE_DEV && ms->layer == 2);
    CHECK(ms && has_property(ms, "vigil:npm:integrity", "sha512-x"));
    const vg_component *app = by_ref(&inv, "pkg:npm/app@1");
    size_t app_edges = 0;
    for (size_t i = 0; i < inv.nedges; i++)
        if (inv.edges[i].from == app) {
            CHECK(inv.edges[i].to == ms);
            app_edges++;
        }
    CHECK(app_edges == 2); /* DEPENDS_ON and CONTAINS, both now to the one ms */
    CHECK(by_ref(&inv, "pkg:npm/local|a/package-lock.json") && by_ref(&inv, "pkg:npm/local|b/package-lock.json"));

    const vg_component *debpy = by_ref(&inv, "pkg:pypi/cryptography@38.0.4|deb:python3-cryptography");
    const vg_component *pip = by_ref(&inv, "pkg:pypi/cryptography@38.0.4");
    CHECK(debpy && debpy->nlocations == 1);
    CHECK(pip && pip->nlocations == 2 && strcmp(pip->location, "opt/venv/lib/python3.11/site-packages/cryptography-38.0.4.dist-info/METADATA") == 0);

    const vg_component *aa = by_ref(&inv, "pkg:maven/g/a@1|10:aa"), *bb = by_ref(&inv, "pkg:maven/g/a@1|10:bb");
    CHECK(aa && aa->nlocations == 3 && strcmp(aa->locations[2], "z/a-link.jar") == 0);
    CHECK(bb && bb->nlocations == 1);
    const vg_component *pom = by_ref(&inv, "pkg:maven/g/a@1");
    CHECK(pom && pom->nlocations == 1 && strcmp(pom->location, "src/pom.xml") == 0);

    const vg_component *net = by_ref(&inv, "pkg:golang/golang.org/x/net@v0.1.0");
    CHECK(net && net->nlocations == 3 && net->evidence == VG_EVIDENCE_INSTALLED);
    CHECK(inv.ncomponents == 11);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);

    /* A merged component that takes another copy's name moves in the
     * order; its owner and digest move with it (the bom-refs say so). */
    vg_ctx_init(&ctx);
    vg_inventory_init(&inv);
    static const char *owned[] = {"/a/site/m-1.dist-info/METADATA"};
    add(&inv, (vg_component){.type = "deb", .name = "python3-m", .version = "1-1", .purl = "pkg:deb/debian/python3-m@1-1",
                             .files = owned, .nfiles = 1});
    add(&inv, (vg_component){.type = "pypi", .name = "m", .version = "1", .purl = "pkg:pypi/m@1",
                             .location = "a/site/m-1.dist-info/METADATA"});
    add(&inv, (vg_component){.type = "pypi", .name = "M", .version = "1", .purl = "pkg:pypi/m@1",
                             .location = "b/requirements.txt", .evidence = VG_EVIDENCE_LOCK});
    add(&inv, (vg_component){.type = "pypi", .name = "m", .version = "1", .purl = "pkg:pypi/m@1",
                             .location = "c/site/m-1.dist-info/METADATA"});
    add(&inv, (vg_component){.type = "pypi", .name = "Q", .version = "1", .purl = "pkg:pypi/q@1", .location = "b/requirements.txt"});
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK);
    const vg_component *own = by_ref(&inv, "pkg:pypi/m@1|deb:python3-m"), *free_ = by_ref(&inv, "pkg:pypi/m@1");
    CHECK(own && own->nlocations == 1 && strcmp(own->location, "a/site/m-1.dist-info/METADATA") == 0);
    CHECK(free_ && free_->nlocations == 2 && strcmp(free_->name, "m") == 0 && strcmp(free_->location, "b/requirements.txt") == 0);
    CHECK(inv.ncomponents == 4 && strcmp(inv.components[1]->name, "Q") == 0);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_merge();
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
