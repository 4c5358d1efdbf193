/*
 * format_spdx3.c — unit test of the SPDX 3.0.1 writer (src/format/spdx3.c)
 * on a hand-built inventory with what a scan of a root filesystem does not
 * give the e2e tests (tests/e2e/spdx3_write.sh validates real documents
 * with ajv): the product identity of vg_format_options as the root element
 * (name, version, supplier and manufacturer as Organizations), a licence
 * with no SPDX form (LicenseRef-vigil-HASH and its text), invalid UTF-8,
 * two components whose bom-refs differ only in characters an IRI must
 * escape, a component in a dev scope and an optional one.  Checks: the
 * document parses, every spdxId is unique and every reference names an
 * element, the product fields, the licence text, the scopes, and that the
 * same inventory and options give the same bytes while another product
 * gives other ids; and the FORMAT@VERSION names of format.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "vigil/format.h"
#include "vigil/inventory.h"

static vg_component *add(vg_inventory *inv, const char *name, const char *license, const char *purl, vg_scope scope)
{
    vg_component *c = vg_inventory_add(inv);
    c->type = "npm";
    c->name = name;
    c->version = "1.0.0";
    c->license = license;
    c->purl = purl;
    c->location = "package-lock.json";
    c->scope = scope;
    return c;
}

static json_t *element(json_t *graph, const char *key, const char *value)
{
    size_t i;
    json_t *e;
    json_array_foreach(graph, i, e) {
        const char *v = json_string_value(json_object_get(e, key));
        if (v && strcmp(v, value) == 0)
            return e;
    }
    return NULL;
}

static json_t *write(const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf_init(out, 1 << 24);
    CHECK(vg_format_write(&ctx, VG_FORMAT_SPDX3_JSON, inv, opts, out) == VG_OK, "write: %s", ctx.message);
    vg_ctx_free(&ctx);
    json_error_t err;
    json_t *doc = json_loadb(out->data ? out->data : "", out->len, 0, &err);
    CHECK(doc != NULL, "not JSON: %s", err.text);
    return doc;
}

int main(void)
{
    vg_inventory inv;
    vg_inventory_init(&inv);
    inv.target = (vg_target){.kind = VG_TARGET_DIRECTORY, .path = "./app", .name = "./app"};
    vg_component *app = add(&inv, "app", "MIT", "pkg:npm/app@1.0.0", VG_SCOPE_UNKNOWN);
    app->application = 1;
    vg_component *lib = add(&inv, "lib\xff", "Some Licence\xfe 1.0", "pkg:npm/lib@1.0.0?a=b%20c", VG_SCOPE_DEV);
    vg_component *opt = add(&inv, "opt", "Apache-2.0 OR MIT", "pkg:npm/lib@1.0.0?a=b+c", VG_SCOPE_OPTIONAL);
    lib->supplier = "Lib Team <lib@example.org>";
    vg_inventory_add_edge(&inv, app, lib, VG_EDGE_DEPENDS_ON);
    vg_inventory_add_edge(&inv, app, opt, VG_EDGE_DEPENDS_ON);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_inventory_finalize(&ctx, &inv) == VG_OK, "finalize: %s", ctx.message);
    vg_ctx_free(&ctx);

    vg_format_options opts = {.timestamp = 1700000000, .tool_version = "1.2.3"};
    opts.product.name = "Widget";
    opts.product.version = "4.5";
    opts.product.supplier = "Widget GmbH";
    opts.product.manufacturer = "Widget Manufacturing <mfg@example.com>";
    vg_buf a, b, c;
    json_t *doc = write(&inv, &opts, &a);
    json_t *again = write(&inv, &opts, &b);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "two runs differ");
    opts.product.version = "4.6";
    json_t *other = write(&inv, &opts, &c);
    json_t *graph = json_object_get(doc, "@graph"), *e;
    json_t *other_graph = json_object_get(other, "@graph");
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(graph, 1), "spdxId")),
                 json_string_value(json_object_get(json_array_get(other_graph, 1), "spdxId"))) != 0,
          "another product version gives the same ids");

    /* ids unique, references resolve */
    size_t i, k;
    json_t *ids = json_object();
    json_array_foreach(graph, i, e) {
        const char *id = json_string_value(json_object_get(e, "spdxId"));
        if (!id)
            continue;
        CHECK(!json_object_get(ids, id), "duplicate spdxId %s", id);
        json_object_set_new(ids, id, json_true());
    }
    json_array_foreach(graph, i, e) {
        const char *from = json_string_value(json_object_get(e, "from"));
        if (from)
            CHECK(json_object_get(ids, from) != NULL, "from %s names no element", from);
        json_t *t;
        json_array_foreach(json_object_get(e, "to"), k, t)
            CHECK(json_object_get(ids, json_string_value(t)) != NULL, "to %s names no element", json_string_value(t));
    }

    /* the product is the root */
    json_t *sbom = element(graph, "type", "software_Sbom");
    const char *root_id = json_string_value(json_array_get(json_object_get(sbom, "rootElement"), 0));
    json_t *root = element(graph, "spdxId", root_id ? root_id : "");
    CHECK(root && strcmp(json_string_value(json_object_get(root, "name")), "Widget") == 0, "root name");
    CHECK(root && strcmp(json_string_value(json_object_get(root, "software_packageVersion")), "4.5") == 0,
          "root version");
    CHECK(root && strcmp(json_string_value(json_object_get(root, "software_primaryPurpose")), "application") == 0,
          "root purpose");
    json_t *supplier = element(graph, "spdxId", root ? json_string_value(json_object_get(root, "suppliedBy")) : "");
    CHECK(supplier && strcmp(json_string_value(json_object_get(supplier, "name")), "Widget GmbH") == 0 &&
              strcmp(json_string_value(json_object_get(supplier, "type")), "Organization") == 0,
          "product supplier");
    json_t *maker = element(graph, "spdxId",
                            root ? json_string_value(json_array_get(json_object_get(root, "originatedBy"), 0)) : "");
    CHECK(maker && strcmp(json_string_value(json_object_get(maker, "name")), "Widget Manufacturing") == 0,
          "product manufacturer");
    json_t *doc_el = element(graph, "type", "SpdxDocument");
    CHECK(doc_el && strcmp(json_string_value(json_object_get(doc_el, "name")), "Widget") == 0, "document name");

    /* the licence without an SPDX form keeps its text (invalid bytes as U+FFFD) */
    json_t *text = element(graph, "type", "simplelicensing_SimpleLicensingText");
    CHECK(text && strcmp(json_string_value(json_object_get(text, "simplelicensing_licenseText")),
                         "Some Licence\xef\xbf\xbd 1.0") == 0,
          "licence text");
    json_t *lib_el = element(graph, "name", "lib\xef\xbf\xbd");
    CHECK(lib_el != NULL, "the invalid name is not written as U+FFFD");

    /* scopes: dev -> development, optional -> runtime hasOptionalDependency */
    int dev = 0, optional = 0;
    json_array_foreach(graph, i, e) {
        const char *scope = json_string_value(json_object_get(e, "scope"));
        const char *type = json_string_value(json_object_get(e, "relationshipType"));
        if (!scope || !type)
            continue;
        dev += strcmp(scope, "development") == 0 && strcmp(type, "dependsOn") == 0;
        optional += strcmp(scope, "runtime") == 0 && strcmp(type, "hasOptionalDependency") == 0;
    }
    CHECK(dev == 1 && optional == 1, "scoped relationships: %d dev, %d optional", dev, optional);

    /* FORMAT@VERSION */
    CHECK(vg_format_from_name("cyclonedx-json@1.7") == VG_FORMAT_CYCLONEDX_JSON_17 &&
              vg_format_from_name("cdx@1.6") == VG_FORMAT_CYCLONEDX_JSON &&
              vg_format_from_name("spdx3") == VG_FORMAT_SPDX3_JSON &&
              vg_format_from_name("spdx3-json@3.0.1") == VG_FORMAT_SPDX3_JSON &&
              vg_format_from_name("spdx-json@2.3") == VG_FORMAT_SPDX_JSON &&
              vg_format_from_name("cyclonedx-json@1.5") == 0 && vg_format_from_name("table@1") == 0 &&
              vg_format_from_name("@1.7") == 0,
          "format names with versions");
    CHECK(strcmp(vg_format_name(VG_FORMAT_CYCLONEDX_JSON_17), "cyclonedx-json@1.7") == 0 &&
              strcmp(vg_format_name(VG_FORMAT_SPDX3_JSON), "spdx3-json") == 0,
          "canonical names");
    CHECK(strcmp(vg_format_versions("cdx@9"), "1.6, 1.7") == 0 && vg_format_versions("table") == NULL &&
              vg_format_versions("xml@1") == NULL,
          "accepted versions");

    json_decref(ids);
    json_decref(doc);
    json_decref(again);
    json_decref(other);
    vg_buf_free(&a);
    vg_buf_free(&b);
    vg_buf_free(&c);
    vg_inventory_free(&inv);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("format_spdx3: all checks passed\n");
    return 0;
}
