/*
 * inventory.h — what the files of `vigil inventory` (cmd_inventory.c and
 * cmd_inventory_*.c) share: the common options and the one path by which an
 * SBOM document becomes a stored snapshot, so that `add` and `import` store
 * exactly the same thing for the same document.
 */
#ifndef VIGIL_CLI_INVENTORY_H
#define VIGIL_CLI_INVENTORY_H

#include "cli.h"
#include "vigil/match.h"
#include "vigil/store.h"
#include "vigil/vulndb.h"

typedef struct inventory_opts {
    const char *store;
    const char *store_read; /* --store-read: where list, show and export read */
    const char *output; /* "table" or "json" */
    const char *output_path;
    int quiet;
} inventory_opts;

/* Opens the vulnerability database at path (NULL: the default one); an
 * exit status, the message printed. */
int inventory_open_db(const char *path, vg_vulndb **out);

/* Reads the SBOM document doc (name names it in messages) into inv
 * (vg_sbom_read()); scanned, when non-NULL, is what was scanned to make doc:
 * its target kind and digest are the snapshot's.  A library status, the
 * message in ctx. */
int inventory_read_sbom(vg_ctx *ctx, const char *name, const vg_buf *doc, const vg_inventory *scanned,
                        vg_inventory *inv);

/* The two halves of inventory_store_sbom(), for a caller that matches one
 * document while it stores another: reads and matches doc into inv and
 * findings, with the database's time in *db_time (0: unknown); then stores
 * what was matched (inv and findings, from the same doc) with the facts of
 * *in. */
int inventory_match_sbom(vg_ctx *ctx, vg_vulndb *db, const vg_match_options *mopts, const char *name,
                         const vg_buf *doc, const vg_inventory *scanned, vg_inventory *inv, vg_findings *findings,
                         int64_t *db_time);
int inventory_store_matched(vg_ctx *ctx, vg_store *store, const vg_buf *doc, int64_t db_time,
                            vg_store_snapshot_input *in, const vg_inventory *inv, const vg_findings *findings,
                            json_t **result);

/* The snapshot of the SBOM document doc: reads it back
 * (inventory_read_sbom(), with name and scanned), matches it against db
 * with mopts, and stores it with the facts of *in, filling in the document,
 * its media type, the inventory, the findings and the database's time; one
 * transaction (vg_store_add_snapshot()).  inv and findings (initialised and
 * freed by the caller) receive what was read and matched.  A library status
 * with the message in ctx; warnings are left in ctx; *result (the caller's)
 * is the store's answer. */
int inventory_store_sbom(vg_ctx *ctx, vg_store *store, vg_vulndb *db, const vg_match_options *mopts, const char *name,
                         const vg_buf *doc, const vg_inventory *scanned, vg_store_snapshot_input *in, vg_inventory *inv,
                         vg_findings *findings, json_t **result);

/* After a snapshot of what (its asset: asset) was stored: says, each in one
 * message prefixed by where ("" or "MANIFEST:LINE: "), that parts of it
 * could not be read, that it had no components, or that components could
 * not be checked (unless allow_unchecked); EXIT_INCOMPLETE when one did,
 * else EXIT_OK. */
int inventory_check_stored(const char *where, const char *what, const char *asset, const vg_inventory *inv,
                           const vg_findings *findings, int allow_unchecked);

/* `vigil inventory import MANIFEST` (cmd_inventory_import.c). */
int inventory_import(const char *manifest, const char *db_path, const vg_match_options *mopts, int allow_unchecked,
                     const inventory_opts *io);

#endif
