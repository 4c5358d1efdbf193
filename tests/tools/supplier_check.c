/*
 * supplier_check.c — runs the supplier library (src/supplier/) on real
 * SBOMs for the end-to-end tests, which compare what it says with an
 * independent computation (tests/e2e/supplier_attribute.sh).  Built only
 * for the tests (tests/CMakeLists.txt), never installed.
 *
 *   supplier-check attribute RULES SBOM
 *       RULES: a JSON array of canonical supplier records; SBOM: a
 *       CycloneDX or SPDX JSON document read as `vigil inventory` reads it
 *       (vg_sbom_read_file()).  One JSON line per component, in the
 *       document's order: {"purl", "name", "supplier" (the component's
 *       supplier field), "attributed" (the record's name or null), "rule"
 *       ("KIND:GLOB" or null)}.
 *
 *   supplier-check eol TABLE SBOM DATE
 *       TABLE: an end-of-life table (policy/data/end-of-life.json); SBOM as
 *       above; DATE: YYYY-MM-DD.  One JSON line per component: {"purl",
 *       "os" (the document's OS as the store keeps it, "debian:12"),
 *       "product", "cycle", "eol", "past"} (the last four null when the
 *       table does not know the component; eol null also when no end is
 *       announced).
 *
 * Status 0, or 2 with the message on stderr when a file cannot be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/error.h"
#include "vigil/inventory.h"
#include "vigil/sbomread.h"
#include "vigil/store.h"
#include "vigil/supplier.h"

/* Prints value as one line of compact JSON, keys sorted, and releases it. */
static void print_line(json_t *line)
{
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(line);
}

static int attribute(const char *rules_path, const char *sbom_path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_error_t err;
    json_t *records = json_load_file(rules_path, JSON_REJECT_DUPLICATES, &err);
    if (!records) {
        fprintf(stderr, "supplier-check: %s: %s (line %d)\n", rules_path, err.text, err.line);
        return 2;
    }
    vg_supplier_rules *rules = NULL;
    vg_inventory inv;
    vg_inventory_init(&inv);
    int rc = vg_supplier_rules_compile(&ctx, records, &rules);
    if (rc == VG_OK)
        rc = vg_sbom_read_file(&ctx, sbom_path, &inv);
    if (rc != VG_OK) {
        fprintf(stderr, "supplier-check: %s\n", ctx.message);
    } else {
        for (size_t i = 0; i < inv.ncomponents; i++) {
            const vg_component *c = inv.components[i];
            const char *rule = NULL;
            long s = vg_supplier_attribute(rules, c->purl, c->name, c->supplier, &rule);
            json_t *line = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "purl", c->purl, "name", c->name, "supplier",
                                     c->supplier, "attributed",
                                     s < 0 ? NULL : json_string_value(json_object_get(json_array_get(records, (size_t)s),
                                                                                     "name")),
                                     "rule", rule);
            print_line(line);
        }
    }
    vg_supplier_rules_free(rules);
    vg_inventory_free(&inv);
    json_decref(records);
    vg_ctx_free(&ctx);
    return rc == VG_OK && fflush(stdout) == 0 ? 0 : 2;
}

static int eol(const char *table_path, const char *sbom_path, const char *date)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    struct tm tm = {0};
    char *end = strptime(date, "%Y-%m-%d", &tm);
    if (!end || *end) {
        fprintf(stderr, "supplier-check: %s: not a date YYYY-MM-DD\n", date);
        return 2;
    }
    int64_t at = (int64_t)timegm(&tm);
    vg_eol_table *table = NULL;
    vg_inventory inv;
    vg_inventory_init(&inv);
    int rc = vg_eol_load(&ctx, table_path, &table);
    if (rc == VG_OK)
        rc = vg_sbom_read_file(&ctx, sbom_path, &inv);
    if (rc != VG_OK) {
        fprintf(stderr, "supplier-check: %s\n", ctx.message);
    } else {
        char os_buf[256];
        const char *os = inv.has_os ? vg_store_release_text(&inv.os, os_buf, sizeof os_buf) : NULL;
        for (size_t i = 0; i < inv.ncomponents; i++) {
            const vg_component *c = inv.components[i];
            vg_eol_verdict v;
            int known = vg_eol_lookup(table, c->purl, c->name, c->version, os, at, &v);
            print_line(json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:o}", "purl", c->purl, "os", os, "product",
                                 known ? v.product : NULL, "cycle", known ? v.cycle : NULL, "eol",
                                 known ? v.eol : NULL, "past", known ? json_boolean(v.past) : json_null()));
        }
    }
    vg_eol_free(table);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return rc == VG_OK && fflush(stdout) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "attribute") == 0)
        return attribute(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "eol") == 0)
        return eol(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: supplier-check attribute RULES SBOM | eol TABLE SBOM DATE\n");
    return 2;
}
