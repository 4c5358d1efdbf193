/*
 * fuzz_supplier_import.c — libFuzzer target for vg_supplier_import_parse()
 * (src/supplier/import.c) and vg_supplier_record_check()
 * (src/supplier/record.c): the first byte chooses the format ('c': CSV,
 * anything else: YAML or JSON), the rest is the register file.
 * An accepted file gives as many records as lines, names unique, each
 * record canonical (checking it again gives the same record); a refused
 * one gives no records, at least one problem and at most
 * VG_SUPPLIER_MAX_ERRORS + 1 ("and N more") entries, each naming the file.
 * Seeds (corpus/supplier_import/): a full YAML register, a JSON one, a
 * spreadsheet-style CSV with quoted fields and line breaks, and broken ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/supplier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int csv = data[0] == 'c';
    const char *name = csv ? "input.csv" : "input.yaml";
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *errors = json_array(), *recs = NULL, *where = NULL;
    int rc = vg_supplier_import_parse(&ctx, name, (const char *)data + 1, size - 1,
                                      csv ? VG_SUPPLIER_IMPORT_CSV : VG_SUPPLIER_IMPORT_YAML, errors, &recs, &where);
    if (rc == VG_OK) {
        if (!recs || !where || json_array_size(recs) != json_array_size(where) || json_array_size(errors))
            abort();
        json_t *names = json_object();
        size_t i;
        json_t *r;
        json_array_foreach(recs, i, r) {
            const char *n = json_string_value(json_object_get(r, "name"));
            if (!n || json_object_get(names, n) || strncmp(json_string_value(json_array_get(where, i)), name, 9))
                abort();
            json_object_set_new(names, n, json_true());
            json_t *again = NULL, *more = json_array();
            if (vg_supplier_record_check(&ctx, r, "again", more, &again) != VG_OK || !json_equal(r, again) ||
                json_array_size(more))
                abort();
            char *a = json_dumps(r, JSON_COMPACT), *b = json_dumps(again, JSON_COMPACT);
            if (!a || !b || strcmp(a, b) != 0) /* the same member order too */
                abort();
            free(a);
            free(b);
            json_decref(again);
            json_decref(more);
        }
        json_decref(names);
    } else if (rc != VG_ERR_NOMEM) {
        if (recs || where)
            abort();
        if (rc == VG_ERR_FORMAT &&
            (!json_array_size(errors) || json_array_size(errors) > VG_SUPPLIER_MAX_ERRORS + 1 ||
             strncmp(json_string_value(json_array_get(errors, 0)), name, 9) != 0))
            abort();
    }
    json_decref(recs);
    json_decref(where);
    json_decref(errors);
    vg_ctx_free(&ctx);
    return 0;
}
