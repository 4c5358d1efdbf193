/*
 * vulndb_internal.h — what the importers (osv.c, secdb.c, debian.c, kev.c,
 * nvd.c), the downloader (download.c, nvd_api.c) and the builder (update.c)
 * share inside src/vulndb/: the database writer over the schema of
 * schema.c, per-source bookkeeping, and the importer entry points.  Not a
 * public interface.
 */
#ifndef VIGIL_VULNDB_INTERNAL_H
#define VIGIL_VULNDB_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>
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
    sqlite3_stmt *nvd_wanted;  /* nvd.c: is a CVE id named by another source? */
    int nvd_keep_all;          /* nvd.c: no other source in the build: keep every CVE */
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
/* Records date (RFC 3339, NVD's zone-less form or YYYY-MM-DD) if it is
 * newer than src->newest. */
void vdb_seen_date(vg_vulndb_source_report *src, const char *date);
/* Parses "YYYY-MM-DD", optionally followed by "THH:MM[:SS[.fraction]]" and
 * a zone ("Z", "+HH:MM", "-HHMM"; none = UTC, as NVD writes it) into Unix
 * time.  0 when s is such a date, -1 otherwise. */
int vdb_parse_time(const char *s, int64_t *out);
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

/* 1 when key of obj is absent or null (*out = NULL) or a string of at most
 * max bytes (*out = it); 0 when it is anything else. */
int vdb_json_bounded(const json_t *obj, const char *key, size_t max, const char **out);

/* Parses data as one JSON document (jansson flags) and hands it to import;
 * a document that does not parse is one skipped record of src. */
typedef int (*vdb_json_importer)(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                                 json_t *root);
int vdb_json_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                    size_t len, size_t flags, vdb_json_importer import);

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

/* NVD CVE API 2.0 documents (nvd.c).  A document is an API response or a
 * 2.0 data feed ({"vulnerabilities": [{"cve": {...}}, ...], ...}), read as
 * a stream one record at a time; a record file is one "cve" object.  NVD
 * items must be imported after every other source of the build: a CVE is
 * kept only when another source names it (docs/vulndb.md). */
int vdb_nvd_document_fd(vdb_writer *w, vg_vulndb_source_report *src, const char *file, int fd);
int vdb_nvd_document_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                            const char *data, size_t len);
int vdb_nvd_record_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                          const char *data, size_t len);

/* The top-level scalars of an NVD document and its record count, read by
 * the same stream scanner without importing anything (nvd_api.c pages). */
typedef struct vdb_nvd_page {
    int64_t total_results, start_index, records;
    char newest[40];  /* newest lastModified of its records, "" when none */
    int is_nvd;       /* "vulnerabilities" array found at the top level */
} vdb_nvd_page;
int vdb_nvd_page_scan(vg_ctx *ctx, const char *file, int fd, vdb_nvd_page *out);

/* The CISA KEV catalog. */
int vdb_kev_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root);
int vdb_kev_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                   const char *data, size_t len);

/* Reads a whole file of at most max bytes into out (initialised here). */
int vdb_read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out);

/* ---- the new database file beside the old one (target.c) ---- */

typedef struct vdb_target {
    char *path;          /* the database, as given */
    char *dir;           /* its directory */
    char *base;          /* its file name */
    int dir_fd;          /* the directory, opened once; every name below is relative to it */
    int lock_fd;         /* BASE.lock, flock()ed */
    char lock[4096];
    int tmp_fd;          /* the new file, created O_EXCL */
    char tmp[4096];      /* its name, BASE.new-XXXXXXXXXXXX */
    char tmp_path[8192]; /* dir/tmp, for SQLite and messages */
    int have_old;        /* the database existed: old is what was checked */
    int refused;         /* it is no vigil database, and force was not given */
    struct stat old;
} vdb_target;

/* Locks, checks the database to be replaced (a regular file; a vigil
 * database unless force), removes what killed builds left, creates the
 * new file.  vdb_target_release() in every case. */
int vdb_target_prepare(vg_ctx *ctx, vdb_target *t, const char *db_path, int force);
/* Installs the new file over the database, if both are still the files
 * that were created and checked. */
int vdb_target_commit(vg_ctx *ctx, vdb_target *t);
/* Removes the new file (unless installed) and the lock file. */
void vdb_target_release(vdb_target *t);
/* Removes the entry name of dir_fd: a file or link itself, or a directory
 * with what it holds; never follows a link. */
void vdb_remove_tree(int dir_fd, const char *name);

/* ---- downloads (download.c) ---- */

typedef struct vdb_fetch_opts {
    unsigned retries;          /* extra attempts after a transient failure */
    unsigned first_delay;      /* seconds before the first retry (doubles) */
    int retry_403;             /* 403 is transient (NVD answers it when throttling) */
    long connect_timeout, stall_timeout;
    const char *ca_cert;       /* PEM file of trusted CAs, or NULL: the system's */
    const char *api_key;       /* sent as the "apiKey" header (NVD), or NULL */
} vdb_fetch_opts;

typedef struct vdb_download {
    int not_modified;          /* 304: the file was left empty */
    char etag[512];
    char last_modified[128];
} vdb_download;

/* GETs url into a new file name (created O_EXCL|O_NOFOLLOW) in directory
 * dir_fd; dir_path names that directory in messages.  With etag or
 * last_modified (either may be NULL) the request is conditional.
 * Redirects are followed (at most 5) but never from https to another
 * scheme.  Transient failures are retried with backoff. */
int vdb_fetch(vg_ctx *ctx, const char *url, int dir_fd, const char *dir_path, const char *name,
              const char *etag, const char *last_modified, const vdb_fetch_opts *o,
              vdb_download *out);
/* The Unix time of an HTTP date (Last-Modified), or 0. */
int64_t vdb_http_time(const char *date);

/* ---- the NVD API client (nvd_api.c) ---- */

/* One NVD document of the NVD cache, in the order it is to be imported. */
typedef struct vdb_nvd_item {
    char *dir;   /* directory holding it: the cache, or the download directory */
    char *name;  /* file name within dir */
} vdb_nvd_item;

typedef struct vdb_nvd_sync {
    vg_arena arena;
    vdb_nvd_item *items;       /* newest first: a CVE's first copy is its newest */
    size_t nitems;
    /* private */
    char **new_pages;          /* downloaded now, in the download directory */
    size_t nnew;
    char **old_pages;          /* listed in the cache's state before */
    size_t nold;
    int full;                  /* a full download replaces the old pages */
    char newest[40];           /* newest lastModified of all pages */
    char *api;
} vdb_nvd_sync;

/* Brings the NVD cache (directory cache_fd, named cache_dir) up to date
 * through the NVD CVE API 2.0 at api: a full download (startIndex paging)
 * when the cache is empty, was filled from another URL or holds too many
 * pages; else only the CVEs modified since the newest one it holds
 * (lastModStartDate/lastModEndDate windows of at most 120 days).  New
 * pages land in fetch_fd (fetch_dir).  Nothing in the cache changes until
 * vdb_nvd_commit(). */
int vdb_nvd_sync_fetch(vg_ctx *ctx, const char *api, int cache_fd, const char *cache_dir,
                       int fetch_fd, const char *fetch_dir, const vdb_fetch_opts *o,
                       vdb_nvd_sync *sync);
/* Moves the new pages into the cache, writes its new state and removes
 * the pages that state no longer lists (unlinkat: links are never
 * followed).  After a failed build, call vdb_nvd_sync_free() only. */
int vdb_nvd_sync_commit(vg_ctx *ctx, int cache_fd, const char *cache_dir, int fetch_fd,
                        vdb_nvd_sync *sync);
void vdb_nvd_sync_free(vdb_nvd_sync *sync);

#endif
