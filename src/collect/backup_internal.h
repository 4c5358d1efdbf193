/*
 * backup_internal.h — the parsers behind `vigil collect backup`
 * (src/collect/backup.c): restic's `snapshots --json`, borg's
 * `list --json` and the restore-test log (docs/collect.md, "backup").
 * Pure over untrusted bytes; tests/fuzz/fuzz_backup.c fuzzes them.
 */
#ifndef VIGIL_COLLECT_BACKUP_INTERNAL_H
#define VIGIL_COLLECT_BACKUP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/error.h"

#define BACKUP_MAX_FILE ((size_t)64 << 20) /* bytes of one input file */
#define BACKUP_MAX_ITEMS 200000            /* snapshots, archives or log lines of one file */
#define BACKUP_MAX_STRING 4096             /* bytes of a host, path, name, tag, id or location */
#define BACKUP_MAX_PATHS 256               /* paths of one snapshot */
#define BACKUP_MAX_TAGS 64                 /* tags of one snapshot */
#define BACKUP_MAX_SOURCES 10000           /* sources (and restore-tested sources) of a document */
#define BACKUP_MAX_LINE 65536              /* bytes of a log line */

/* What the parsers gather: sources (an object of the backed-up sources
 * by an internal key) and tests (the restore-tested sources by name), made
 * by backup_state_init() and turned into the document's members by
 * backup_state_finish(). */
typedef struct backup_state {
    json_t *sources;
    json_t *tests;
    int64_t now; /* the collection time */
} backup_state;

int backup_state_init(backup_state *st, int64_t now);
void backup_state_free(backup_state *st);

/* Sets *sources and *tests (new references) to the document's "sources"
 * and "restore_tests", sorted, with ages counted to st->now.  VG_OK or
 * VG_ERR_NOMEM. */
int backup_state_finish(vg_ctx *ctx, backup_state *st, json_t **sources, json_t **tests);

/* Checks tz ("UTC", "+HH:MM", "-HH:MM" or "local"); 0 or -1. */
int backup_timezone_valid(const char *tz);

/* The time text[0..len) (RFC 3339; without a zone, read in tz, or -2
 * when tz is NULL) as Unix time in *out: 0, -1 when it is no time. */
int backup_time(const char *text, size_t len, const char *tz, int64_t *out);

/* location with the password of a user:password@ in a URL's authority
 * removed (the user kept), malloc'd; *removed set to 1 when one was.
 * NULL when out of memory. */
char *backup_location_clean(const char *location, int *removed);

/* Adds the snapshots of `restic snapshots --json` (text[0..len), the file
 * name) to st, as from the repository at location (NULL: not given); *count
 * the snapshots.  VG_ERR_FORMAT or VG_ERR_LIMIT with "NAME: what is wrong". */
int backup_parse_restic(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len,
                        const char *location, size_t *count);

/* Adds the archives of `borg list --json` to st, zone-less times read in
 * tz; location NULL: the repository's own.  *info (a new object) says what
 * the file is of: "location", "repository_id", "encryption", "archives".
 * Errors as backup_parse_restic(), and VG_ERR_USAGE for a zone-less time
 * without tz. */
int backup_parse_borg(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len,
                      const char *location, const char *tz, json_t **info);

/* Adds the restore tests of a log (one JSON object a line) to st; *count
 * the tests.  Errors as backup_parse_restic(), naming the line. */
int backup_parse_log(vg_ctx *ctx, backup_state *st, const char *name, const char *text, size_t len, size_t *count);

#endif
