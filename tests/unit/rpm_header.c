/*
 * rpm_header.c — unit tests of the RPM header blob parser and of the
 * Berkeley DB reader's byte-order handling (src/catalog/rpm_header.c,
 * src/catalog/rpmdb.c).
 *
 * Headers are built here from the RPM v4 header structure as documented
 * (rpm.org doc/manual/format.md: il, dl, 16-byte index entries, data store,
 * all big-endian) so each test states its own expected values; the real
 * databases are checked against rpm itself in tests/e2e/rpm_fixtures.sh.
 * The byte-order test turns the little-endian Berkeley DB fixture into its
 * big-endian twin (as a big-endian host would have written it) and checks
 * that both give the same header blobs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm.h"
#include "skip.h"

static int failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

#define CHECK_STR(got, want)                                                    \
    do {                                                                        \
        const char *g_ = (got), *w_ = (want);                                   \
        if (!g_ || strcmp(g_, w_) != 0) {                                       \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #got, g_ ? g_ : "(null)", w_);                              \
            failures++;                                                         \
        }                                                                       \
    } while (0)

/* ---- a small header writer ------------------------------------------------ */

typedef struct hdr_builder {
    unsigned char index[64 * 16];
    unsigned char store[8192];
    uint32_t il, dl;
} hdr_builder;

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void add_entry(hdr_builder *b, uint32_t tag, uint32_t type, uint32_t offset, uint32_t count)
{
    unsigned char *e = b->index + 16 * b->il++;
    put_be32(e, tag);
    put_be32(e + 4, type);
    put_be32(e + 8, offset);
    put_be32(e + 12, count);
}

/* Adds a STRING (6), I18NSTRING (9) or STRING_ARRAY (8) entry of n strings. */
static void add_strings(hdr_builder *b, uint32_t tag, uint32_t type, const char *const *s, uint32_t n)
{
    add_entry(b, tag, type, b->dl, n);
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        memcpy(b->store + b->dl, s[i], len);
        b->dl += (uint32_t)len;
    }
}

static void add_string(hdr_builder *b, uint32_t tag, const char *s)
{
    add_strings(b, tag, 6, &s, 1);
}

static void add_int32(hdr_builder *b, uint32_t tag, const uint32_t *v, uint32_t n)
{
    while (b->dl % 4)
        b->store[b->dl++] = 0;
    add_entry(b, tag, 4, b->dl, n);
    for (uint32_t i = 0; i < n; i++, b->dl += 4)
        put_be32(b->store + b->dl, v[i]);
}

/* The blob: il, dl, index, store.  *len gets its size. */
static unsigned char *finish_blob(const hdr_builder *b, size_t *len)
{
    *len = 8 + 16 * (size_t)b->il + b->dl;
    unsigned char *blob = malloc(*len);
    put_be32(blob, b->il);
    put_be32(blob + 4, b->dl);
    memcpy(blob + 8, b->index, 16 * (size_t)b->il);
    memcpy(blob + 8 + 16 * (size_t)b->il, b->store, b->dl);
    return blob;
}

/* One parse of a built header: the blob, the context and arena it used. */
typedef struct parse_env {
    unsigned char *blob;
    size_t len;
    vg_ctx ctx;
    vg_arena arena;
    vg_rpm_header h;
} parse_env;

/* damage, when not NULL, may change the blob before it is parsed. */
typedef void damage_fn(hdr_builder *b, unsigned char *blob, size_t *len);

static int env_parse(parse_env *env, hdr_builder *b, damage_fn *damage)
{
    env->blob = finish_blob(b, &env->len);
    if (damage)
        damage(b, env->blob, &env->len);
    vg_ctx_init(&env->ctx);
    vg_arena_init(&env->arena);
    return vg_rpm_header_parse(&env->ctx, &env->arena, env->blob, env->len, &env->h);
}

static void env_free(parse_env *env)
{
    free(env->blob);
    vg_arena_free(&env->arena);
    vg_ctx_free(&env->ctx);
}

static void base_package(hdr_builder *b)
{
    memset(b, 0, sizeof *b);
    add_string(b, 1000, "bash");
    add_string(b, 1001, "5.1.8");
    add_string(b, 1002, "1.cm2");
    add_string(b, 1022, "x86_64");
}

/* ---- tests ----------------------------------------------------------------- */

static void test_fields_and_files(void)
{
    hdr_builder b;
    base_package(&b);
    uint32_t epoch = 2;
    add_int32(&b, 1003, &epoch, 1);
    const char *summary[] = {"The GNU Bourne Again shell", "Die GNU Bourne Again Shell"};
    add_strings(&b, 1004, 9, summary, 2);
    add_string(&b, 1011, "Microsoft Corporation");
    add_string(&b, 1014, "GPLv3+");
    add_string(&b, 1020, "https://www.gnu.org/software/bash/");
    add_string(&b, 1044, "bash-5.1.8-1.cm2.src.rpm");
    const char *bases[] = {"bash", "sh", "bash.info.gz"};
    const char *dirs[] = {"/usr/bin/", "/usr/share/info/"};
    uint32_t dirindexes[] = {0, 0, 1};
    add_int32(&b, 1116, dirindexes, 3);
    add_strings(&b, 1117, 8, bases, 3);
    add_strings(&b, 1118, 8, dirs, 2);
    parse_env env;
    CHECK(env_parse(&env, &b, NULL) == VG_OK);
    const vg_rpm_header *h = &env.h;
    CHECK_STR(h->name, "bash");
    CHECK_STR(h->version, "5.1.8");
    CHECK_STR(h->release, "1.cm2");
    CHECK(h->has_epoch && h->epoch == 2);
    CHECK_STR(h->summary, "The GNU Bourne Again shell");
    CHECK_STR(h->vendor, "Microsoft Corporation");
    CHECK_STR(h->license, "GPLv3+");
    CHECK_STR(h->url, "https://www.gnu.org/software/bash/");
    CHECK_STR(h->arch, "x86_64");
    CHECK_STR(h->sourcerpm, "bash-5.1.8-1.cm2.src.rpm");
    CHECK(h->packager == NULL && h->modularity_label == NULL);
    CHECK(h->nfiles == 3);
    if (h->nfiles == 3) {
        CHECK_STR(h->files[0], "/usr/bin/bash");
        CHECK_STR(h->files[1], "/usr/bin/sh");
        CHECK_STR(h->files[2], "/usr/share/info/bash.info.gz");
    }
    /* Every shorter prefix of the blob is refused, never read past. */
    for (size_t cut = 0; cut < env.len; cut++) {
        unsigned char *prefix = malloc(cut ? cut : 1);
        memcpy(prefix, env.blob, cut);
        vg_rpm_header partial;
        CHECK(vg_rpm_header_parse(&env.ctx, &env.arena, prefix, cut, &partial) == VG_ERR_FORMAT);
        free(prefix);
    }
    env_free(&env);
}

static void test_oldfilenames_and_dribble(void)
{
    hdr_builder b;
    base_package(&b);
    const char *names[] = {"/etc/passwd", "etc/group"};
    add_strings(&b, 1027, 8, names, 2);
    add_string(&b, 1001, "5.2"); /* a later (dribble) VERSION replaces the first */
    parse_env env;
    CHECK(env_parse(&env, &b, NULL) == VG_OK);
    const vg_rpm_header *h = &env.h;
    CHECK_STR(h->version, "5.2");
    CHECK(!h->has_epoch);
    CHECK(h->nfiles == 2);
    if (h->nfiles == 2) {
        CHECK_STR(h->files[0], "/etc/passwd");
        CHECK_STR(h->files[1], "/etc/group");
    }
    env_free(&env);
}

/* Builds the base package, lets corrupt() add to it (blob NULL) and then
 * damage the blob, and expects the parser to refuse it with a message. */
static void expect_refused(const char *what, damage_fn *corrupt)
{
    hdr_builder b;
    base_package(&b);
    corrupt(&b, NULL, NULL);
    parse_env env;
    int rc = env_parse(&env, &b, corrupt);
    if (rc != VG_ERR_FORMAT) {
        fprintf(stderr, "%s: accepted (status %d)\n", what, rc);
        failures++;
    } else if (!env.ctx.message[0]) {
        fprintf(stderr, "%s: refused without a message\n", what);
        failures++;
    }
    env_free(&env);
}

static void lying_index_count(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob, b->il + 1);
}
static void lying_data_length(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob + 4, b->dl + 100);
}
static void huge_index_count(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob, 0xfffffff0u);
}
static void offset_past_store(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob + 8 + 8, b->dl); /* NAME's offset */
}
static void unterminated_string(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        blob[*len - 1] = 'x'; /* the NUL of the last string (ARCH) */
}
static void dirindex_out_of_range(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        return;
    const char *base = "bash", *dir = "/usr/bin/";
    uint32_t di = 1;
    add_int32(b, 1116, &di, 1);
    add_strings(b, 1117, 8, &base, 1);
    add_strings(b, 1118, 8, &dir, 1);
}
static void string_array_count_lie(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        return;
    const char *names[] = {"/a", "/b"};
    add_entry(b, 1027, 8, b->dl, 0x7fffffff);
    for (int i = 0; i < 2; i++) {
        memcpy(b->store + b->dl, names[i], 3);
        b->dl += 3;
    }
}
static void no_name(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob + 8, 999); /* NAME's tag becomes an unknown one */
}
static void epoch_beyond_store(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        return;
    add_entry(b, 1003, 4, b->dl - 2, 1);
}
static void wrong_type(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        put_be32(blob + 8 + 4, 4); /* NAME as INT32 */
}
static void many_files_one_long_dir(hdr_builder *b, unsigned char *blob, size_t *len)
{
    if (blob)
        return;
    /* 1000 basenames of one byte in a 4000-byte directory: 4 MB of paths
     * out of a 7 KB header must be refused, not allocated. */
    char dir[4001];
    memset(dir, 'd', 4000);
    dir[0] = '/';
    dir[4000] = '\0';
    const char *d = dir;
    add_strings(b, 1118, 8, &d, 1);
    add_entry(b, 1117, 8, b->dl, 1000);
    memset(b->store + b->dl, 0, 1000);
    b->dl += 1000;
    static uint32_t zeros[1000];
    add_int32(b, 1116, zeros, 1000);
}

static void test_refusals(void)
{
    expect_refused("lying index count", lying_index_count);
    expect_refused("lying data length", lying_data_length);
    expect_refused("huge index count", huge_index_count);
    expect_refused("offset past the data store", offset_past_store);
    expect_refused("unterminated string", unterminated_string);
    expect_refused("DIRINDEXES out of range", dirindex_out_of_range);
    expect_refused("string array count lie", string_array_count_lie);
    expect_refused("no NAME", no_name);
    expect_refused("EPOCH past the data store", epoch_beyond_store);
    expect_refused("NAME of type INT32", wrong_type);
    expect_refused("file list blow-up", many_files_one_long_dir);
}

/* ---- Berkeley DB byte order -------------------------------------------------- */

typedef struct blob_list {
    uint32_t records[64];
    unsigned char *blobs[64];
    size_t lens[64];
    size_t n;
} blob_list;

static int collect_blob(void *arg, uint32_t record, const unsigned char *blob, size_t len)
{
    blob_list *l = arg;
    if (l->n < 64) {
        l->records[l->n] = record;
        l->blobs[l->n] = malloc(len ? len : 1);
        memcpy(l->blobs[l->n], blob, len);
        l->lens[l->n++] = len;
    }
    return VG_OK;
}

static void swap_bytes(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Rewrites a little-endian Berkeley DB hash file as a big-endian host
 * writes it: every integer of the metadata and page headers, the hash page
 * indexes, the hnum keys and the off-page item references.  Header blobs are
 * big-endian already and stay as they are. */
static void make_big_endian(unsigned char *d, size_t size)
{
    size_t pagesize = get_le32(d + 20);
    for (size_t o = 8; o < 72; o += 4)
        if (o != 24) /* bytes 24..27: encrypt_alg, type, metaflags, unused */
            swap_bytes(d + o, 4);
    for (size_t o = 72; o < 224; o += 4)
        swap_bytes(d + o, 4);
    for (size_t pg = 1; pg < size / pagesize; pg++) {
        unsigned char *page = d + pg * pagesize;
        unsigned type = page[25];
        size_t entries = get_le16(page + 20);
        if (type == 13 || type == 2) {
            for (size_t i = 0; i < entries; i++) {
                unsigned char *inp = page + 26 + 2 * i;
                unsigned char *item = page + get_le16(inp);
                if (item[0] == 3) {
                    swap_bytes(item + 4, 4);
                    swap_bytes(item + 8, 4);
                } else if (i % 2 == 0 && item[0] == 1) {
                    swap_bytes(item + 1, 4); /* the hnum key */
                }
                swap_bytes(inp, 2);
            }
        }
        for (size_t o = 8; o < 20; o += 4)
            swap_bytes(page + o, 4);
        swap_bytes(page + 20, 2);
        swap_bytes(page + 22, 2);
    }
}

static void test_bdb_byte_order(void)
{
    const char *shared = getenv("VIGIL_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/rpmdb/libuuid/Packages", shared ? shared : "../shared");
    FILE *f = fopen(path, "rb");
    if (!f) {
        failures += test_skip_part("the byte-order test: %s is absent", path);
        return;
    }
    static unsigned char le[1 << 20], be[1 << 20];
    size_t size = fread(le, 1, sizeof le, f);
    fclose(f);
    memcpy(be, le, size);
    make_big_endian(be, size);
    CHECK(memcmp(le, be, size) != 0);

    blob_list a = {0}, b = {0};
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_rpmdb_read_bdb(&ctx, "le", le, size, collect_blob, &a) == VG_OK);
    CHECK(vg_rpmdb_read_bdb(&ctx, "be", be, size, collect_blob, &b) == VG_OK);
    CHECK(vg_warning_count(&ctx) == 0);
    CHECK(a.n >= 1 && a.n == b.n);
    for (size_t i = 0; i < a.n && i < b.n; i++) {
        CHECK(a.records[i] == b.records[i]);
        CHECK(a.lens[i] == b.lens[i] && memcmp(a.blobs[i], b.blobs[i], a.lens[i]) == 0);
        vg_arena arena;
        vg_arena_init(&arena);
        vg_rpm_header h;
        CHECK(vg_rpm_header_parse(&ctx, &arena, a.blobs[i], a.lens[i], &h) == VG_OK);
        vg_arena_free(&arena);
    }
    for (size_t i = 0; i < a.n; i++)
        free(a.blobs[i]);
    for (size_t i = 0; i < b.n; i++)
        free(b.blobs[i]);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_fields_and_files();
    test_oldfilenames_and_dribble();
    test_refusals();
    test_bdb_byte_order();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("rpm_header: all checks passed\n");
    return 0;
}
