/*
 * format.c — unit test of the writers in src/format/ on a hand-built
 * inventory with the awkward cases a real scan rarely has all at once:
 * invalid UTF-8 in every kind of field, a licence that is one SPDX id, one
 * that is an expression, one that maps (DEP-5), one that has no SPDX form,
 * bom-refs that differ only in characters SPDXIDs may not hold, an OS with
 * a CPE 2.2 URI, an image with layers.  Checks: the JSON parses (jansson
 * rejects invalid UTF-8), the invalid bytes came out as U+FFFD, licences
 * land in the right CycloneDX / SPDX fields, SPDXIDs are unique, the
 * serial number is an RFC 4122 version-5 UUID, output is byte-identical
 * on a second run; and when node and ajv are installed, both documents
 * validate against the official schemas (tests/tools/validate.mjs).
 * The writers stream their documents (fmt_stream), so every document,
 * also with edges, an incomplete scan and an empty inventory, must be
 * exactly what jansson itself writes for the parsed tree; fmt_stream is
 * checked directly on nested and empty containers, unbalanced use and a
 * document over the size cap.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format_internal.h"
#include "skip.h"
#include "vigil/format.h"
#include "vigil/inventory.h"
#include "check.h"

static vg_component *add(vg_inventory *inv, const char *name, const char *version, const char *license,
                         const char *purl)
{
    vg_component *c = vg_inventory_add(inv);
    c->type = "deb";
    c->name = name;
    c->version = version;
    c->license = license;
    c->purl = purl;
    c->arch = "amd64";
    c->cataloger = "dpkg";
    c->location = "var/lib/dpkg/status";
    return c;
}

static void build(vg_inventory *inv)
{
    vg_inventory_init(inv);
    static const char *tags[] = {"example/app:1.0"};
    static vg_layer layers[] = {
        {"sha256:1111111111111111111111111111111111111111111111111111111111111111",
         "sha256:2222222222222222222222222222222222222222222222222222222222222222",
         "application/vnd.oci.image.layer.v1.tar+gzip", "/bin/sh -c #(nop) ADD file", 1234},
    };
    inv->target = (vg_target){
        .kind = VG_TARGET_OCI_LAYOUT,
        .path = "image\xff.tar",
        .name = "example/app:1.0",
        .digest = "sha256:3333333333333333333333333333333333333333333333333333333333333333",
        .image_id = "sha256:4444444444444444444444444444444444444444444444444444444444444444",
        .tags = tags,
        .ntags = 1,
        .architecture = "amd64",
        .os = "linux",
        .layers = layers,
        .nlayers = 1,
    };
    inv->has_os = 1;
    inv->os = (vg_os){.id = "debian", .version_id = "12", .pretty_name = "Debian GNU/Linux 12 (bookworm)",
                      .cpe_name = "cpe:/o:debian:debian_linux:12", .home_url = "https://www.debian.org/"};
    vg_component *c = add(inv, "caf\xe9", "1.0\xc0\xaf", "GPL-2+", "pkg:deb/debian/caf%E9@1.0?arch=amd64");
    c->description = "caf\xe9 au lait \xed\xa0\x80 surrogate";
    c->supplier = "Ren\xe9 <rene@example.org>";
    c->homepage = "https://example.org/caf\xe9";
    c->layer = 0;
    c->source_name = "cafe-src";
    vg_component_set_property(inv, c, "vigil:dpkg:note", "b\xff");
    c = add(inv, "single", "1", "MIT", "pkg:deb/debian/single@1?arch=amd64");
    c->homepage = "not a url";
    c = add(inv, "expr", "1", "MIT OR Apache-2.0", "pkg:deb/debian/expr@1?arch=amd64");
    c = add(inv, "odd", "1", "GPL-3+ with Bison exception", "pkg:deb/debian/odd@1?arch=amd64");
    c->cpe = "cpe:2.3:a:odd:odd:1:*:*:*:*:*:*:*";
    /* bom-refs "x+y" and "x-y" sanitise to the same SPDXID base */
    add(inv, "x+y", "1", NULL, "x+y");
    add(inv, "x-y", "1", NULL, "x-y");
}

static json_t *write_json(vg_format format, const vg_inventory *inv, vg_buf *out, const char *path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_format_options opts = {.timestamp = 1700000000, .tool_version = "0.1.0"};
    vg_buf_init(out, 1 << 24);
    int rc = vg_format_write(&ctx, format, inv, &opts, out);
    CHECK(rc == VG_OK, "%s: %s", vg_format_name(format), ctx.message);
    vg_ctx_free(&ctx);
    if (rc != VG_OK || format == VG_FORMAT_TABLE)
        return NULL;
    json_error_t err;
    json_t *doc = json_loadb(out->data, out->len, 0, &err);
    CHECK(doc != NULL, "%s does not parse: %s (line %d)", vg_format_name(format), err.text, err.line);
    FILE *f = path ? fopen(path, "wb") : NULL;
    if (f) {
        fwrite(out->data, 1, out->len, f);
        fclose(f);
    }
    return doc;
}

static json_t *find(json_t *array, const char *key, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item)
    {
        const char *s = json_string_value(json_object_get(item, key));
        if (s && strcmp(s, value) == 0)
            return item;
    }
    return NULL;
}

static const char *str(json_t *obj, const char *path)
{
    /* dotted path of object keys and array indexes */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = obj;
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10)) : json_object_get(cur, tok);
    return cur ? json_string_value(cur) : NULL;
}

static void test_cyclonedx(json_t *doc)
{
    const char *serial = str(doc, "serialNumber");
    CHECK(serial && strlen(serial) == 45 && serial[23] == '5' && strchr("89ab", serial[28]),
          "serialNumber %s is not a version-5 RFC 4122 UUID URN", serial ? serial : "(none)");
    CHECK(str(doc, "metadata.timestamp") && strcmp(str(doc, "metadata.timestamp"), "2023-11-14T22:13:20Z") == 0,
          "timestamp");
    CHECK(strcmp(str(doc, "metadata.component.type"), "container") == 0, "image is a container");
    json_t *comps = json_object_get(doc, "components");
    json_t *os = json_array_get(comps, 0);
    CHECK(strcmp(str(os, "type"), "operating-system") == 0, "OS first");
    CHECK(str(os, "cpe") && strcmp(str(os, "cpe"), "cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*") == 0,
          "OS cpe");
    json_t *cafe = find(comps, "name", "caf\xef\xbf\xbd");
    CHECK(cafe != NULL, "component with invalid UTF-8 name kept, bytes as U+FFFD");
    if (cafe) {
        CHECK(strcmp(str(cafe, "version"), "1.0\xef\xbf\xbd\xef\xbf\xbd") == 0, "overlong form repaired: %s",
              str(cafe, "version"));
        CHECK(strstr(str(cafe, "description"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate") != NULL,
              "surrogate repaired");
        CHECK(strcmp(str(cafe, "licenses.0.license.id"), "GPL-2.0-or-later") == 0, "DEP-5 licence mapped");
        CHECK(strcmp(str(cafe, "supplier.name"), "Ren\xef\xbf\xbd") == 0, "supplier name without e-mail");
        CHECK(strcmp(str(cafe, "externalReferences.0.url"), "https://example.org/caf\xef\xbf\xbd") == 0,
              "homepage as website");
        json_t *props = json_object_get(cafe, "properties");
        CHECK(find(props, "name", "vigil:layer:diffID") != NULL, "layer property");
        CHECK(find(props, "name", "vigil:license:declared") != NULL, "declared licence kept");
        const char *prev = "";
        size_t i;
        json_t *p;
        json_array_foreach(props, i, p)
        {
            CHECK(strcmp(prev, str(p, "name")) <= 0, "properties sorted by name");
            prev = str(p, "name");
        }
    }
    json_t *single = find(comps, "name", "single");
    CHECK(single && strcmp(str(single, "licenses.0.license.id"), "MIT") == 0, "single id");
    CHECK(single && !json_object_get(single, "externalReferences"), "a homepage that is no URL is left out");
    json_t *expr = find(comps, "name", "expr");
    CHECK(expr && strcmp(str(expr, "licenses.0.expression"), "MIT OR Apache-2.0") == 0, "expression");
    json_t *odd = find(comps, "name", "odd");
    CHECK(odd && strcmp(str(odd, "licenses.0.license.name"), "GPL-3+ with Bison exception") == 0, "named licence");
    json_t *deps = json_object_get(json_array_get(json_object_get(doc, "dependencies"), 0), "dependsOn");
    CHECK(json_array_size(deps) == json_array_size(comps), "the target depends on every component");
    CHECK(!json_object_get(doc, "compositions"), "complete inventory: no incomplete composition");
}

static void test_spdx(json_t *doc)
{
    json_t *pkgs = json_object_get(doc, "packages");
    const char *ns = str(doc, "documentNamespace");
    CHECK(ns && strncmp(ns, "https://vigil.invalid/spdxdocs/", 31) == 0 && !strchr(ns, '#'), "namespace %s", ns);
    size_t i, j;
    json_t *p, *q;
    json_array_foreach(pkgs, i, p)
    {
        const char *id = str(p, "SPDXID");
        CHECK(id && strncmp(id, "SPDXRef-", 8) == 0 && strspn(id + 8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(id + 8),
              "SPDXID %s", id);
        json_array_foreach(pkgs, j, q) CHECK(i == j || strcmp(id, str(q, "SPDXID")) != 0, "duplicate SPDXID %s", id);
    }
    json_t *os = find(pkgs, "primaryPackagePurpose", "OPERATING_SYSTEM");
    CHECK(os && strcmp(str(os, "externalRefs.0.referenceType"), "cpe23Type") == 0, "OS package with cpe");
    json_t *cafe = find(pkgs, "name", "caf\xef\xbf\xbd");
    CHECK(cafe && strcmp(str(cafe, "licenseDeclared"), "GPL-2.0-or-later") == 0, "licenseDeclared mapped");
    CHECK(cafe && strcmp(str(cafe, "supplier"), "Organization: Ren\xef\xbf\xbd (rene@example.org)") == 0,
          "supplier %s", cafe ? str(cafe, "supplier") : "");
    json_t *odd = find(pkgs, "name", "odd");
    const char *ref = odd ? str(odd, "licenseDeclared") : NULL;
    CHECK(ref && strncmp(ref, "LicenseRef-", 11) == 0, "unmapped licence as LicenseRef: %s", ref ? ref : "(none)");
    json_t *info = ref ? find(json_object_get(doc, "hasExtractedLicensingInfos"), "licenseId", ref) : NULL;
    CHECK(info && strcmp(str(info, "extractedText"), "GPL-3+ with Bison exception") == 0, "extracted text");
    CHECK(odd && find(json_object_get(odd, "externalRefs"), "referenceType", "purl"), "purl ref");
    json_t *none = find(pkgs, "name", "x+y");
    CHECK(none && strcmp(str(none, "licenseDeclared"), "NOASSERTION") == 0, "no licence: NOASSERTION");
    json_t *rels = json_object_get(doc, "relationships");
    CHECK(json_array_size(rels) == json_array_size(pkgs), "DESCRIBES + CONTAINS per package");
    CHECK(strcmp(str(rels, "0.relationshipType"), "DESCRIBES") == 0, "DESCRIBES first (sorted)");
}

/* out must hold exactly what jansson writes for doc (the writers' layout:
 * JSON_PRESERVE_ORDER | JSON_INDENT(2) and a newline). */
static void check_jansson_layout(const char *what, const vg_buf *out, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
    size_t n = text ? strlen(text) : 0;
    CHECK(text && out->data && out->len == n + 1 && memcmp(out->data, text, n) == 0 && out->data[n] == '\n',
          "%s: streamed output is not jansson's layout of the same document", what);
    free(text);
}

/* Writes format for inv and checks it parses and has jansson's layout. */
static void check_streamed(const char *what, vg_format format, const vg_inventory *inv)
{
    vg_buf out;
    json_t *doc = write_json(format, inv, &out, NULL);
    check_jansson_layout(what, &out, doc);
    json_decref(doc);
    vg_buf_free(&out);
}

/* fmt_stream on its own: containers nested in both kinds, empty ones, and
 * the failures. */
static void test_stream(void)
{
    vg_buf out;
    vg_buf_init(&out, 1 << 20);
    fmt_stream s;
    fmt_stream_begin(&s, &out);
    fmt_stream_str(&s, "skipped", "");
    fmt_stream_value(&s, "a", json_integer(1));
    fmt_stream_open(&s, "empty-list", '[');
    fmt_stream_close(&s);
    fmt_stream_open(&s, "empty-object", '{');
    fmt_stream_close(&s);
    fmt_stream_open(&s, "list", '[');
    fmt_stream_open(&s, NULL, '{');
    fmt_stream_str(&s, "k\"ey\n", "caf\xe9");
    fmt_stream_open(&s, "inner", '[');
    fmt_stream_value(&s, NULL, json_pack("{s:[i,i],s:{}}", "x", 1, 2, "y"));
    fmt_stream_value(&s, NULL, json_array());
    fmt_stream_close(&s);
    fmt_stream_close(&s);
    fmt_stream_value(&s, NULL, json_string("tail"));
    fmt_stream_close(&s);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(fmt_stream_end(&ctx, &s) == VG_OK, "stream: %s", ctx.message);
    json_t *same = json_pack("{s:i,s:[],s:{},s:[{s:s,s:[{s:[i,i],s:{}},[]]},s]}", "a", 1, "empty-list",
                             "empty-object", "list", "k\"ey\n", "caf\xef\xbf\xbd", "inner", "x", 1, 2, "y", "tail");
    check_jansson_layout("fmt_stream", &out, same);
    json_decref(same);

    /* Strings written directly must be jansson's bytes for the repaired
     * string: every byte value alone, inside text, and in keys; nulls,
     * literals and integers too. */
    fmt_stream_begin(&s, &out);
    json_t *want = json_object();
    fmt_stream_open(&s, "bytes", '[');
    json_t *bytes = json_array();
    for (int b = 1; b < 256; b++) {
        char one[8];
        snprintf(one, sizeof one, "a%cz", b);
        fmt_stream_str(&s, NULL, one);
        json_array_append_new(bytes, fmt_str(one));
    }
    fmt_stream_close(&s);
    json_object_set_new(want, "bytes", bytes);
    static const char *const texts[] = {"plain", "q\"uo\\te/", "\x1f\x7f", "\xe2\x82\xac \xf0\x9f\x98\x80",
                                        "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", "cut \xe2\x82", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        fmt_stream_str(&s, texts[i], texts[i]);
        json_t *clean = fmt_str(texts[i]);
        vg_arena a;
        vg_arena_init(&a);
        json_object_set_new(want, fmt_utf8(&a, texts[i]), clean);
        vg_arena_free(&a);
    }
    fmt_stream_str_or_null(&s, "null", NULL);
    fmt_stream_str_or_null(&s, "empty", "");
    fmt_stream_literal(&s, "true", "true");
    fmt_stream_int(&s, "int", -1234567890123LL);
    json_object_set_new(want, "null", json_null());
    json_object_set_new(want, "empty", json_string(""));
    json_object_set_new(want, "true", json_true());
    json_object_set_new(want, "int", json_integer(-1234567890123LL));
    CHECK(fmt_stream_end(&ctx, &s) == VG_OK, "direct strings: %s", ctx.message);
    check_jansson_layout("fmt_stream direct strings", &out, want);
    json_decref(want);

    fmt_stream_begin(&s, &out); /* a key inside an array, a container left open */
    fmt_stream_open(&s, "list", '[');
    fmt_stream_value(&s, "key", json_true());
    CHECK(fmt_stream_end(&ctx, &s) == VG_ERR_USAGE, "key in an array accepted");
    fmt_stream_begin(&s, &out);
    fmt_stream_open(&s, "list", '[');
    CHECK(fmt_stream_end(&ctx, &s) == VG_ERR_USAGE, "open container accepted");
    fmt_stream_begin(&s, &out);
    fmt_stream_value(&s, "missing", NULL);
    CHECK(fmt_stream_end(&ctx, &s) == VG_ERR_NOMEM, "NULL value accepted");
    vg_buf_free(&out);

    vg_buf_init(&out, 64); /* over the cap in the middle of a value */
    fmt_stream_begin(&s, &out);
    fmt_stream_open(&s, "list", '[');
    for (int i = 0; i < 20; i++)
        fmt_stream_value(&s, NULL, json_string("0123456789"));
    fmt_stream_close(&s);
    CHECK(fmt_stream_end(&ctx, &s) == VG_ERR_LIMIT, "document over the cap: %s", ctx.message);
    vg_buf_free(&out);
    vg_ctx_free(&ctx);
}

/* The writers on an inventory with dependency edges and an incomplete
 * scan, on an empty one, and over the size cap. */
static void test_streamed_documents(const vg_inventory *full)
{
    check_streamed("CycloneDX", VG_FORMAT_CYCLONEDX_JSON, full);
    check_streamed("SPDX", VG_FORMAT_SPDX_JSON, full);

    vg_inventory inv;
    vg_inventory_init(&inv);
    inv.target = (vg_target){.kind = VG_TARGET_DIRECTORY, .path = "/empty"};
    check_streamed("CycloneDX, empty", VG_FORMAT_CYCLONEDX_JSON, &inv);
    check_streamed("SPDX, empty", VG_FORMAT_SPDX_JSON, &inv);

    vg_component *app = add(&inv, "app", "1", "MIT", "pkg:npm/app@1");
    vg_component *lib = add(&inv, "lib", "2", "GPL-3+ with Bison exception", "pkg:npm/lib@2");
    vg_component *os = add(&inv, "base", "3", NULL, "pkg:deb/debian/base@3");
    app->application = 1;
    inv.incomplete = 1;
    CHECK(vg_inventory_add_edge(&inv, app, lib, VG_EDGE_DEPENDS_ON) == VG_OK &&
              vg_inventory_add_edge(&inv, os, app, VG_EDGE_CONTAINS) == VG_OK &&
              vg_inventory_add_edge(&inv, os, lib, VG_EDGE_CONTAINS) == VG_OK,
          "edges");
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK, "finalize: %s", ctx.message);
    check_streamed("CycloneDX, edges", VG_FORMAT_CYCLONEDX_JSON, &inv);
    check_streamed("SPDX, edges", VG_FORMAT_SPDX_JSON, &inv);

    vg_buf out;
    json_t *doc = write_json(VG_FORMAT_CYCLONEDX_JSON, &inv, &out, NULL);
    json_t *deps = doc ? json_object_get(doc, "dependencies") : NULL;
    CHECK(json_array_size(deps) == 3, "target, app and base have dependencies: %zu", json_array_size(deps));
    CHECK(doc && json_is_array(json_object_get(doc, "compositions")), "incomplete scan: a composition");
    json_decref(doc);
    vg_buf_free(&out);

    vg_format_options opts = {.timestamp = 1700000000, .tool_version = "0.1.0"};
    vg_format formats[] = {VG_FORMAT_CYCLONEDX_JSON, VG_FORMAT_SPDX_JSON};
    for (size_t i = 0; i < 2; i++) {
        vg_buf_init(&out, 512);
        CHECK(vg_format_write(&ctx, formats[i], &inv, &opts, &out) == VG_ERR_LIMIT, "%s over 512 bytes: %s",
              vg_format_name(formats[i]), ctx.message);
        vg_buf_free(&out);
    }
    vg_ctx_free(&ctx);
    vg_inventory_free(&inv);
}

static void validate(const char *kind, const char *path)
{
    const char *src = getenv("VIGIL_SRC");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "test -d '%s/tests/tools/node_modules/ajv' && command -v node >/dev/null", src ? src : ".");
    if (!src || system(cmd) != 0) {
        failures += test_skip_part("%s against the %s schema: node or tests/tools/node_modules/ajv missing", path, kind);
        return;
    }
    snprintf(cmd, sizeof cmd, "node '%s/tests/tools/validate.mjs' %s '%s'", src, kind, path);
    CHECK(system(cmd) == 0, "%s is not valid %s", path, kind);
}

int main(void)
{
    vg_inventory inv;
    build(&inv);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK, "finalize: %s", ctx.message);
    vg_ctx_free(&ctx);

    char dir[] = "/tmp/vigil-format-XXXXXX", cdx_path[64], spdx_path[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(cdx_path, sizeof cdx_path, "%s/bom.cdx.json", dir);
    snprintf(spdx_path, sizeof spdx_path, "%s/bom.spdx.json", dir);

    vg_buf a, b, t1, t2;
    json_t *cdx = write_json(VG_FORMAT_CYCLONEDX_JSON, &inv, &a, cdx_path);
    json_t *again = write_json(VG_FORMAT_CYCLONEDX_JSON, &inv, &b, NULL);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "CycloneDX output differs between runs");
    json_decref(again);
    vg_buf_free(&b);
    if (cdx)
        test_cyclonedx(cdx);
    json_t *spdx = write_json(VG_FORMAT_SPDX_JSON, &inv, &b, spdx_path);
    if (spdx)
        test_spdx(spdx);
    write_json(VG_FORMAT_TABLE, &inv, &t1, NULL);
    write_json(VG_FORMAT_TABLE, &inv, &t2, NULL);
    CHECK(t1.len == t2.len && memcmp(t1.data, t2.data, t1.len) == 0, "table differs between runs");
    CHECK(t1.data && strstr(t1.data, "caf\xef\xbf\xbd ") && strstr(t1.data, "ARCH") && strstr(t1.data, "LAYER"),
          "table: %s", t1.data ? t1.data : "");
    validate("cyclonedx-1.6", cdx_path);
    validate("spdx-2.3", spdx_path);
    test_stream();
    test_streamed_documents(&inv);

    CHECK(vg_format_from_name("cdx") == VG_FORMAT_CYCLONEDX_JSON && vg_format_from_name("spdx") == VG_FORMAT_SPDX_JSON &&
              vg_format_from_name("table") == VG_FORMAT_TABLE && vg_format_from_name("xml") == 0,
          "format names");
    CHECK(strcmp(vg_format_name(VG_FORMAT_SPDX_JSON), "spdx-json") == 0, "canonical name");

    json_decref(cdx);
    json_decref(spdx);
    vg_buf_free(&a);
    vg_buf_free(&b);
    vg_buf_free(&t1);
    vg_buf_free(&t2);
    vg_inventory_free(&inv);
    remove(cdx_path);
    remove(spdx_path);
    remove(dir);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("format: all checks passed\n");
    return 0;
}
