/*
 * catalog.h — catalogers: one per package ecosystem, listed in one table
 * (src/catalog/catalog.c).
 *
 * A cataloger never reads the disk.  It says which paths it wants
 * (wants()), the source hands it the contents of those files during its one
 * walk of the target (collect()), and when the walk is over finish() turns
 * what it collected into components of the inventory.  Paths are relative to
 * the root of the target, without a leading slash ("var/lib/dpkg/status").
 *
 * The file data given to collect() is borrowed for the duration of the call;
 * keep what you need by copying it into run->arena.  A problem with one
 * file is a warning (vg_warn) and the cataloger goes on; only VG_ERR_NOMEM
 * and the like stop the scan.
 *
 * finish() runs in table order; the "os-release" cataloger comes first so
 * that the others can read inv->os when they build package URLs.
 */
#ifndef VIGIL_CATALOG_H
#define VIGIL_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/inventory.h"

typedef struct vg_catalog_run {
    vg_ctx *ctx;
    vg_inventory *inv; /* components go here */
    vg_arena *arena;   /* == &inv->arena: allocate collected data here */
    void *user;        /* what the caller of vg_scan() gave its own table of
                          catalogers (vg_scan_options.user); NULL otherwise */
} vg_catalog_run;

typedef struct vg_file vg_file;

struct vg_file {
    const char *path;          /* relative to the root of the target */
    const unsigned char *data; /* whole content, NUL-terminated for convenience;
                                  NULL for a VG_CATALOG_RANDOM_ACCESS cataloger
                                  unless another cataloger had it loaded */
    size_t size;
    int layer;                 /* index of the layer the file comes from, or -1 */
    unsigned mode;             /* permission bits (07777, setuid and setgid
                                  included) when known, else 0 */
    /* Random access to the content, always set: copies up to len bytes from
     * offset into buf and returns how many (0 at the end), or -1 on a read
     * error.  Valid, like data, only during collect(). */
    long (*read_at)(const vg_file *file, uint64_t offset, void *buf, size_t len);
    void *handle;              /* the source's, for read_at */
};

/* vg_cataloger.flags */
enum {
    /* Do not load files whole: collect() reads them through read_at, so
     * max_size may be large (binaries, archives). */
    VG_CATALOG_RANDOM_ACCESS = 1u << 0,
    /* Also offered every regular file with an executable bit, whatever
     * wants() says (binaries carrying build information); collect() checks
     * the magic bytes itself. */
    VG_CATALOG_EXECUTABLES = 1u << 1,
};

typedef struct vg_cataloger {
    const char *name;
    /* Nonzero if path (length len; its base name starts at path + base) is
     * wanted.  Called for every file of the walk, so it must be cheap:
     * test the base name first. */
    int (*wants)(const char *path, size_t len, size_t base);
    /* Largest file accepted, in bytes; a bigger one is skipped with a warning. */
    size_t max_size;
    unsigned flags; /* VG_CATALOG_* */
    /* Allocates the cataloger's state for one run (in run->arena). */
    void *(*begin)(vg_catalog_run *run);
    int (*collect)(vg_catalog_run *run, void *state, const vg_file *file);
    int (*finish)(vg_catalog_run *run, void *state);
    /* Optional: releases what the state holds outside the arena (maps,
     * malloc'd buffers) when a run is abandoned; finish() must release it too. */
    void (*discard)(void *state);
} vg_cataloger;

/* The table, in finish() order, terminated by NULL. */
extern const vg_cataloger *const vg_catalogers[];

/* One run of every cataloger over one view of a target. */
typedef struct vg_catalog vg_catalog;

typedef uint32_t vg_catalog_mask; /* bit i set: the table's cataloger i wants the file (at most 32) */

/* Starts a run of the catalogers of table (NULL-terminated, at most 32;
 * NULL: vg_catalogers, the SBOM's) that enabled selects (0: all of them),
 * with run->user = user. */
int vg_catalog_begin(vg_ctx *ctx, vg_inventory *inv, const vg_cataloger *const *table, vg_catalog_mask enabled,
                     void *user, vg_catalog **out);
/* Parses a comma-separated list of cataloger names and groups ("all", "os":
 * the OS package catalogers, "lang": the others) into a mask; os-release is
 * always included.  VG_ERR_USAGE naming the unknown name and listing the
 * known ones. */
int vg_catalog_select(vg_ctx *ctx, const char *list, vg_catalog_mask *out);
/* Which catalogers want path; 0 if none.  base = offset of the base name. */
vg_catalog_mask vg_catalog_wants(const vg_catalog *cat, const char *path, size_t len, size_t base);
/* Largest size any of the catalogers in mask accepts. */
size_t vg_catalog_max_size(const vg_catalog *cat, vg_catalog_mask mask);
/* The catalogers with a given flag (VG_CATALOG_EXECUTABLES, ...). */
vg_catalog_mask vg_catalog_flagged(const vg_catalog *cat, unsigned flag);
/* A read_at for files whose whole content is in file->data. */
long vg_file_read_memory(const vg_file *file, uint64_t offset, void *buf, size_t len);
/* Hands file to the catalogers in mask. */
int vg_catalog_feed(vg_catalog *cat, vg_catalog_mask mask, const vg_file *file);
/* Runs every finish() in table order and frees the run; cat is gone after it. */
int vg_catalog_finish(vg_catalog *cat);
/* Frees a run without finishing it (on error paths). */
void vg_catalog_abort(vg_catalog *cat);

/* Helpers shared by catalogers (src/catalog/util.c). */

/* Splits text into stanzas of "Key: value" lines separated by blank lines,
 * as in Debian control files (deb-control(5)) and calls fn for each field.
 * Continuation lines (starting with space or tab) are joined with '\n'.
 * The value passed is trimmed and NUL-terminated in a scratch buffer valid
 * during the call.  fn(…, NULL, …) marks the end of a stanza.
 * Returns VG_OK, VG_ERR_FORMAT (with ctx message naming path and line) or
 * whatever fn returned non-zero. */
typedef int (*vg_stanza_fn)(void *arg, const char *key, size_t keylen,
                            const char *value, size_t valuelen);
int vg_parse_stanzas(vg_ctx *ctx, const char *path, const char *text, size_t len,
                     vg_stanza_fn fn, void *arg);

#endif
