/*
 * vulndb_internal.h — what the importers (osv.c, secdb.c, debian.c, kev.c)
 * and the builder (update.c) share inside src/vulndb/: the database writer
 * over the schema of schema.c, per-source bookkeeping, and the importer
 * entry points.  Not a public interface.
 */
#ifndef VIGIL_VULNDB_INTERNAL_H
#define VIGIL_VULNDB_INTERNAL_H

#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>

#include "vigil/vulndb.h"

/* Limits on untrusted feed input. */
#define VDB_JSON_MAX ((size_t)256 << 20)  /* one JSON document (tracker JSON ~ 100 MB) */
#define VDB_RECORD_MAX ((size_t)16 << 20) /* one OSV record */
#define VDB_LINE_MAX 65536                /* one line of a tracker list */
#define VDB_SOURCES_MAX 512               /* sources in one build */
#define VDB_UNRECOGNISED_MAX 20

/* The writer: a new database file being filled in one transaction. */
typedef struct vdb_writer {
    vg_ctx *ctx;
    sqlite3 *db;
    vg_vulndb_report *report;
    sqlite3_stmt *ins_advisory, *find_advisory, *ins_alias, *ins_reference, *ins_severity;
    sqlite3_stmt *ins_affected, *ins_range, *ins_event, *ins_version, *ins_kev;
} vdb_writer;

/* Opens (creates) path as an empty database with the schema, without the
 * secondary indexes, and begins the one transaction.  path must not exist
 * or be empty; ":memory:" is allowed (fuzzing).  report is borrowed. */
int vdb_writer_open(vg_ctx *ctx, vdb_writer *w, const char *path, vg_vulndb_report *report);
/* Writes the source table from the report, creates the indexes, commits
 * and closes.  The writer is closed whatever the result. */
int vdb_writer_finish(vdb_writer *w);
/* Rolls back and closes (the caller removes the file). */
void vdb_writer_abort(vdb_writer *w);

/* The report entry for source name, created on first use (kind and
 * location recorded then).  NULL only when out of memory or past
 * VDB_SOURCES_MAX (the caller skips the input). */
vg_vulndb_source_report *vdb_source(vdb_writer *w, const char *name, const char *kind,
                                    const char *location);
/* Counts one skipped record of src and keeps the first reasons. */
void vdb_skip(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records date (RFC 3339 or YYYY-MM-DD) if it is newer than src->newest. */
void vdb_seen_date(vg_vulndb_source_report *src, const char *date);
/* Records an input that is no known feed. */
void vdb_unrecognised(vdb_writer *w, const char *path);

/* Advisory with key (scope, id): inserts it, or finds the existing one.
 * *adv receives its row id; *inserted 1 when new.  Strings may be NULL. */
typedef struct vdb_advisory_row {
    const char *scope, *id, *source, *modified, *published, *withdrawn;
    const char *summary, *details, *severity;
} vdb_advisory_row;
int vdb_add_advisory(vdb_writer *w, const vdb_advisory_row *row, int64_t *adv, int *inserted);
int vdb_add_alias(vdb_writer *w, int64_t adv, const char *alias);
int vdb_add_reference(vdb_writer *w, int64_t adv, const char *type, const char *url);
int vdb_add_severity(vdb_writer *w, int64_t adv, const char *type, const char *score);

typedef struct vdb_affected_row {
    int64_t adv;
    const char *ecosystem, *name;
    int is_source;
    const char *status, *severity, *note;
} vdb_affected_row;
int vdb_add_affected(vdb_writer *w, const vdb_affected_row *row, int64_t *aff);
int vdb_add_range(vdb_writer *w, int64_t aff, const char *type, const char *repo, int64_t *rng);
int vdb_add_event(vdb_writer *w, int64_t rng, int seq, const char *kind, const char *version);
int vdb_add_version(vdb_writer *w, int64_t aff, const char *version);
/* A range "ECOSYSTEM: introduced 0, fixed FIXED" (FIXED NULL: no fix event). */
int vdb_add_fixed_range(vdb_writer *w, int64_t aff, const char *fixed);

typedef struct vdb_kev_row {
    const char *cve, *vendor, *product, *name, *date_added, *due_date, *ransomware;
    const char *short_description, *required_action, *notes;
} vdb_kev_row;
/* 1 when inserted, 0 when the CVE was already there, <0 on error. */
int vdb_add_kev(vdb_writer *w, const vdb_kev_row *row);

/* The key names are compared by: PEP 503 normalisation for PyPI, else
 * the name itself.  Writes into out (size outsz, truncates safely). */
void vdb_name_key(const char *ecosystem, const char *name, char *out, size_t outsz);

/* Helpers over jansson: the string value of key, or NULL. */
const char *vdb_json_str(const json_t *obj, const char *key);

/* ---- importers; each counts and reports per record, and returns an error
 * status only for database failures (never for bad input). ---- */

/* One OSV record (already parsed) from file, into source src. */
int vdb_osv_record(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *record);
/* One OSV record given as bytes. */
int vdb_osv_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                   const char *data, size_t len);
/* Every *.json file of dir (sorted, not recursive). */
int vdb_osv_dir(vdb_writer *w, vg_vulndb_source_report *src, const char *dir);
/* Every *.json entry of a zip (streamed with libarchive). */
int vdb_osv_zip(vdb_writer *w, vg_vulndb_source_report *src, const char *zip);

/* A secdb document (Alpine vX.Y/REPO.json, Wolfi security.json). */
int vdb_secdb_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root);
int vdb_secdb_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                     const char *data, size_t len);

/* A tracker list (DSA/list, DLA/list, DTSA/list) given as bytes. */
int vdb_debian_list_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                           const char *data, size_t len);
int vdb_debian_list_file(vdb_writer *w, vg_vulndb_source_report *src, const char *file);
/* The tracker JSON (package -> CVE -> releases). */
int vdb_debian_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root);
/* Maps a Debian release codename to its version number ("bookworm" -> "12"),
 * or NULL for an unknown codename. */
const char *vdb_debian_release_number(const char *codename);

/* The CISA KEV catalog. */
int vdb_kev_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root);
int vdb_kev_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                   const char *data, size_t len);

/* Reads a whole file of at most max bytes into out (initialised here). */
int vdb_read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out);

#endif
