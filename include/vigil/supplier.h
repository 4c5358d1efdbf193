/*
 * supplier.h — the supplier register and explainable supply-chain risk
 * (NIS2 Art. 21(2)(d) and 21(3); Implementing Regulation (EU) 2024/2690,
 * annex point 5; CRA Art. 13(5)).  docs/supplier-risk.md is the reference:
 * the record, the import formats, the attribution precedence, every factor
 * of the score with its formula, and the end-of-life table's sources.
 *
 * A supplier is one JSON record (canonical form: docs/supplier-risk.md,
 * "The record") kept in the store of `vigil inventory` (table supplier,
 * schema version 6).  Records are json_t values (jansson), owned by the
 * caller unless a comment says otherwise.
 */
#ifndef VIGIL_SUPPLIER_H
#define VIGIL_SUPPLIER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/error.h"
#include "vigil/store.h"

#define VG_SUPPLIER_MAX_IMPORT 100000 /* suppliers in one import */
#define VG_SUPPLIER_MAX_LIST 1000     /* rules, certifications, ... of one record */
#define VG_SUPPLIER_MAX_ERRORS 50     /* import errors listed before "and N more" */

/* ---- records (src/supplier/record.c) ------------------------------------ */

/* Checks record (a decoded YAML/JSON/CSV row) and builds its canonical form
 * in *out (a new reference).  Every problem is appended to errors (an
 * array of strings the caller made) prefixed with where ("FILE:LINE: ");
 * VG_ERR_FORMAT when there was any, *out then NULL. */
int vg_supplier_record_check(vg_ctx *ctx, const json_t *record, const char *where, json_t *errors, json_t **out);

/* "YYYY-MM-DD" (a calendar date) as Unix seconds at 00:00 UTC in *t; -1 when
 * s is no such date. */
int vg_supplier_parse_date(const char *s, int64_t *t);

/* ---- import (src/supplier/import.c) ------------------------------------- */

typedef enum vg_supplier_import_format {
    VG_SUPPLIER_IMPORT_AUTO = 0, /* .csv by extension, else YAML/JSON */
    VG_SUPPLIER_IMPORT_YAML,
    VG_SUPPLIER_IMPORT_CSV,
} vg_supplier_import_format;

/* Reads the len bytes of the register file name into *out: an array of
 * canonical records, checked, names unique within the file; *where (when
 * where is not NULL) gets an array of as many strings "NAME:LINE", the
 * line where each record starts (YAML: its entry of the list; CSV: its
 * row), for the messages of what is found later (a name already in the
 * store).  On any error VG_ERR_FORMAT (or VG_ERR_LIMIT), *out (and *where)
 * NULL, and the problems in errors (strings "NAME:LINE: KEY: ..." naming
 * the line, and the column or key; at most VG_SUPPLIER_MAX_ERRORS, then
 * one "and N more problems"). */
int vg_supplier_import_parse(vg_ctx *ctx, const char *name, const char *data, size_t len,
                             vg_supplier_import_format format, json_t *errors, json_t **out, json_t **where);

/* ---- the register in the store (src/store/supplier.c) ------------------- */

/* Writes records (canonical, as vg_supplier_import_parse() returns them) in
 * one transaction: all or nothing.  A name already in the store is
 * VG_ERR_USAGE naming it unless replace.  *added and *replaced count. */
int vg_store_supplier_put(vg_ctx *ctx, vg_store *store, const json_t *records, int replace, size_t *added,
                          size_t *replaced);

/* The record of name in *out (a new reference); VG_ERR_NOT_FOUND. */
int vg_store_supplier_get(vg_ctx *ctx, vg_store *store, const char *name, json_t **out);

/* Every record, sorted by name, in *out (a new reference). */
int vg_store_supplier_list(vg_ctx *ctx, vg_store *store, json_t **out);

/* Removes name; VG_ERR_NOT_FOUND. */
int vg_store_supplier_remove(vg_ctx *ctx, vg_store *store, const char *name);

/* Adds to snapshot (a vg_store_show() result) who stands behind each
 * component: "attributed_to" on every component_list entry, "suppliers"
 * ([{"name", "components"}]) and "unmapped" on the snapshot; nothing when
 * the register is empty.  `vigil inventory show` shows it. */
int vg_store_supplier_annotate(vg_ctx *ctx, vg_store *store, json_t *snapshot);

/* ---- attribution (src/supplier/attribute.c) ----------------------------- */

typedef struct vg_supplier_rules vg_supplier_rules;

/* Compiles the rules of records (an array of canonical records) into *out,
 * owned by the caller (vg_supplier_rules_free()). */
int vg_supplier_rules_compile(vg_ctx *ctx, const json_t *records, vg_supplier_rules **out);
void vg_supplier_rules_free(vg_supplier_rules *rules);

/* The index (into the records compiled) of the supplier a component is
 * attributed to by the documented precedence, or -1; purl, name and
 * supplier may be NULL.  *rule (when not NULL) gets the winning rule as
 * "purl:GLOB" etc. (borrowed from rules). */
long vg_supplier_attribute(const vg_supplier_rules *rules, const char *purl, const char *name, const char *supplier,
                           const char **rule);

/* ---- the end-of-life table (src/supplier/eol.c) ------------------------- */

typedef struct vg_eol_table vg_eol_table;

#define VG_EOL_MAX_SIZE ((size_t)1 << 20) /* bytes of a table file */

/* Loads the table (policy/data/end-of-life.json under the policy data
 * directory, vg_policy_data_dir(), unless path) into *out. */
int vg_eol_load(vg_ctx *ctx, const char *path, vg_eol_table **out);
/* Reads and checks the table in data[0..len) (at most VG_EOL_MAX_SIZE
 * bytes); name names it in every message ("NAME: products[2].cycles[0].eol:
 * ...").  VG_ERR_FORMAT, VG_ERR_LIMIT, VG_ERR_NOMEM; *out NULL on error. */
int vg_eol_parse(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_eol_table **out);
void vg_eol_free(vg_eol_table *table);
/* The table's "as_of" date ("YYYY-MM-DD"). */
const char *vg_eol_as_of(const vg_eol_table *table);

typedef struct vg_eol_verdict {
    const char *product; /* the table's product ("debian", "python", ...) */
    const char *cycle;   /* its release cycle ("11", "3.8") */
    const char *eol;     /* "YYYY-MM-DD", or NULL: no end date announced */
    const char *source;  /* where the date comes from (URL) */
    int past;            /* eol <= at */
} vg_eol_verdict;

/* Whether the table knows the release cycle of a component (1, *out
 * filled, borrowed from table) or not (0).  os is the snapshot's
 * operating system as the store keeps it ("debian:11", ID:VERSION_ID;
 * "debian 11" too; may be NULL), used for OS packages whose purl has no
 * distro qualifier.  The rules (docs/supplier-risk.md, "The end-of-life
 * table"): a deb, apk or rpm purl is the cycle of its OS release (the
 * distro qualifier, else os), whatever the package; a runtime by the purl
 * forms the table lists for it (pkg:golang/stdlib@v1.21.5 is go 1.21);
 * anything else, no purl, or a release the table does not list: 0. */
int vg_eol_lookup(const vg_eol_table *table, const char *purl, const char *name, const char *version,
                  const char *os, int64_t at, vg_eol_verdict *out);

/* ---- risk (src/supplier/score.c, src/store/supplier_data.c) -------------- */

typedef struct vg_supplier_risk_options {
    int64_t at;                 /* the time scored at */
    const json_t *config;       /* the [supplier] table of vigil.toml as JSON, or NULL: defaults */
    const char *const *evidence; /* files given with --evidence, NULL-terminated, or NULL */
    const char *only;           /* one supplier's name, or NULL */
    int components;             /* also score each component */
    int64_t collected;          /* the document's "collected" time */
} vg_supplier_risk_options;

/* Reads the [supplier] table of the vigil.toml text[0..len) (path: for
 * messages) into *out as JSON (NULL when the file has none), checked:
 * an unknown key or a value out of range is VG_ERR_USAGE naming path and
 * the key (docs/supplier-risk.md, "Configuration"). */
int vg_supplier_risk_config(vg_ctx *ctx, const char *path, const char *text, size_t len, json_t **out);

/* The risk document (docs/supplier-risk.md, "The risk document") in *out;
 * what could not be checked is listed in its "unchecked" (exit 3).  store_name
 * is the store's URL (passwords are redacted in the document).
 * VG_ERR_NOT_FOUND when only names no supplier of the register. */
int vg_supplier_risk(vg_ctx *ctx, vg_store *store, const char *store_name, const vg_supplier_risk_options *opt,
                     json_t **out);

/* The components of the latest snapshots (of asset's only, when not NULL:
 * VG_ERR_NOT_FOUND when there is no such asset) no rule attributes, in
 * *out: an array of {"component", "purl", "name", "version", "supplier",
 * "assets"} sorted by component (the purl, else name@version).
 * VG_ERR_NOT_FOUND too when no asset has a snapshot: nothing was looked at. */
int vg_supplier_unmapped(vg_ctx *ctx, vg_store *store, const char *asset, json_t **out);

/* CRA Art. 13(5) due diligence on the third-party components of asset's
 * latest snapshot, in *out. */
int vg_supplier_diligence(vg_ctx *ctx, vg_store *store, const char *asset, int64_t at, json_t **out);

#endif
