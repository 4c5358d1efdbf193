/*
 * supplier.c — the supplier register in the store (table supplier, schema
 * version 6; docs/store.md, docs/supplier-risk.md "The register"): one row
 * per supplier, its canonical record as compact JSON (members in the
 * record's order, as vg_supplier_record_check() built them).
 *
 * A put writes all its records in one transaction or none; a name
 * already there is refused unless replace, then the record is replaced
 * whole (created_at kept, updated_at now).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "vigil/json.h"
#include "vigil/supplier.h"

#define MAX_RECORD ((size_t)64 << 20) /* bytes of one stored record */

/* Whether name is in the register: its id in *id, else 0. */
static int find(vg_ctx *ctx, vg_store *store, const char *name, int64_t *id)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT id FROM supplier WHERE name = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, name);
    *id = 0;
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW)
        *id = vg_db_column_int(st, 0);
    vg_db_finalize(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

static int put_one(vg_ctx *ctx, vg_store *store, const json_t *rec, int replace, int64_t now, size_t *added,
                   size_t *replaced)
{
    const char *name = json_string_value(json_object_get(rec, "name"));
    if (!name)
        return vg_error(ctx, VG_ERR_USAGE, "%s: a supplier record without a name", vg_db_name(store->db));
    int64_t id;
    int rc = find(ctx, store, name, &id);
    if (rc)
        return rc;
    if (id && !replace)
        return vg_error(ctx, VG_ERR_USAGE, "%s: supplier '%s' is already in the register (--replace replaces it)",
                        vg_db_name(store->db), name);
    char *text = json_dumps(rec, JSON_COMPACT);
    if (!text)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st;
    rc = store_prepare(ctx, store,
                       id ? "UPDATE supplier SET record = ?, updated_at = ? WHERE id = ?"
                          : "INSERT INTO supplier(record, updated_at, name, created_at) VALUES (?, ?, ?, ?)",
                       &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, text);
        vg_db_bind_int(st, 2, now);
        if (id) {
            vg_db_bind_int(st, 3, id);
        } else {
            vg_db_bind_text(st, 3, name);
            vg_db_bind_int(st, 4, now);
        }
        rc = store_run(ctx, st);
        vg_db_finalize(st);
    }
    free(text);
    if (rc == VG_OK)
        ++*(id ? replaced : added);
    return rc;
}

int vg_store_supplier_put(vg_ctx *ctx, vg_store *store, const json_t *records, int replace, size_t *added,
                          size_t *replaced)
{
    *added = *replaced = 0;
    int rc = vg_db_begin(ctx, store->db);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    size_t i;
    const json_t *rec;
    json_array_foreach(records, i, rec) {
        if ((rc = put_one(ctx, store, rec, replace, now, added, replaced)) != VG_OK)
            break;
    }
    if (rc == VG_OK)
        rc = vg_db_commit(ctx, store->db);
    if (rc) {
        vg_db_rollback(store->db);
        *added = *replaced = 0;
    }
    return rc;
}

/* The stored text of a record, read back (store_rows() row function). */
typedef struct read_state {
    vg_ctx *ctx;
    const char *store;
    json_t *out; /* an array */
} read_state;

static int read_row(void *arg, vg_db_stmt *st)
{
    read_state *s = arg;
    const char *name = vg_db_column_text(st, 0), *text = vg_db_column_text(st, 1);
    char what[300];
    snprintf(what, sizeof what, "%s: supplier %.200s", s->store, name ? name : "");
    size_t len = text ? strlen(text) : 0;
    if (len > MAX_RECORD)
        return vg_error(s->ctx, VG_ERR_LIMIT, "%s: record larger than %zu bytes", what, MAX_RECORD);
    json_t *rec;
    int rc = vg_json_parse(s->ctx, what, text ? text : "", len, &rec);
    if (rc)
        return rc;
    if (!json_is_object(rec)) {
        json_decref(rec);
        return vg_error(s->ctx, VG_ERR_FORMAT, "%s: the stored record is not a JSON object", what);
    }
    return json_array_append_new(s->out, rec) ? vg_error(s->ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

int vg_store_supplier_list(vg_ctx *ctx, vg_store *store, json_t **out)
{
    read_state s = {ctx, vg_db_name(store->db), json_array()};
    *out = NULL;
    if (!s.out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = store_select(ctx, store, "SELECT name, record FROM supplier ORDER BY name", read_row, &s);
    if (rc)
        json_decref(s.out);
    else
        *out = s.out;
    return rc;
}

int vg_store_supplier_get(vg_ctx *ctx, vg_store *store, const char *name, json_t **out)
{
    read_state s = {ctx, vg_db_name(store->db), json_array()};
    *out = NULL;
    if (!s.out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT name, record FROM supplier WHERE name = ?", &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, name);
        rc = store_rows(ctx, st, read_row, &s);
    }
    if (rc == VG_OK && !json_array_size(s.out))
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no supplier '%s' in the register (vigil supplier list shows them)",
                      vg_db_name(store->db), name);
    if (rc == VG_OK)
        *out = json_incref(json_array_get(s.out, 0));
    json_decref(s.out);
    return rc;
}

int vg_store_supplier_remove(vg_ctx *ctx, vg_store *store, const char *name)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "DELETE FROM supplier WHERE name = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, name);
    rc = store_run(ctx, st);
    int64_t changed = rc == VG_OK ? vg_db_changes(st) : 0;
    vg_db_finalize(st);
    if (rc == VG_OK && !changed)
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no supplier '%s' in the register (vigil supplier list shows them)",
                      vg_db_name(store->db), name);
    return rc;
}

/* Adds to a snapshot of vg_store_show() who stands behind each component:
 * "attributed_to" (the supplier's name, or null) on every entry of its
 * component_list, and "suppliers" ([{"name", "components"}], by name) and
 * "unmapped" (a count) on the snapshot.  Nothing when the register is
 * empty: a store without one shows what it always did. */
int vg_store_supplier_annotate(vg_ctx *ctx, vg_store *store, json_t *snapshot)
{
    json_t *records;
    int rc = vg_store_supplier_list(ctx, store, &records);
    if (rc || json_array_size(records) == 0) {
        json_decref(records);
        return rc;
    }
    vg_supplier_rules *rules = NULL;
    if ((rc = vg_supplier_rules_compile(ctx, records, &rules)) != VG_OK) {
        json_decref(records);
        return rc;
    }
    size_t nrec = json_array_size(records), *counts = calloc(nrec, sizeof *counts), i, unmapped = 0;
    json_t *c, *list = json_array();
    int bad = !counts || !list;
    json_array_foreach(json_object_get(snapshot, "component_list"), i, c) {
        long s = bad ? -1
                     : vg_supplier_attribute(rules, json_string_value(json_object_get(c, "purl")),
                                             json_string_value(json_object_get(c, "name")),
                                             json_string_value(json_object_get(c, "supplier")), NULL);
        const char *name = s >= 0 ? json_string_value(json_object_get(json_array_get(records, (size_t)s), "name")) : NULL;
        bad |= json_object_set_new(c, "attributed_to", name ? json_string(name) : json_null()) != 0;
        if (s >= 0)
            counts[s]++;
        else
            unmapped++;
    }
    for (i = 0; !bad && i < nrec; i++)
        if (counts[i])
            bad |= json_array_append_new(list, json_pack("{s:O, s:I}", "name",
                                                         json_object_get(json_array_get(records, i), "name"),
                                                         "components", (json_int_t)counts[i])) != 0;
    if (!bad)
        bad = json_object_set_new(snapshot, "suppliers", list) != 0 ||
              json_object_set_new(snapshot, "unmapped", json_integer((json_int_t)unmapped)) != 0;
    else
        json_decref(list);
    free(counts);
    vg_supplier_rules_free(rules);
    json_decref(records);
    return bad ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}
