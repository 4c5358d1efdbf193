/*
 * vulndb.h — the local vulnerability database: one SQLite file built from
 * the public feeds (OSV export, Alpine/Wolfi secdb, Debian security
 * tracker, CISA KEV), and the read-only queries the matcher needs.
 *
 * The schema (version VG_VULNDB_SCHEMA_VERSION, kept in PRAGMA user_version)
 * is documented table by table in docs/vulndb.md.  A database is never
 * modified in place: vg_vulndb_build() and vg_vulndb_update() write a new
 * file beside the old one and rename it over it, so an interrupted build
 * leaves the previous database working.
 *
 * Memory: everything a query returns lives in the arena the caller passes;
 * nothing returned needs to be freed on its own.  Strings are borrowed from
 * that arena and stay valid until the arena is freed.
 *
 * Leaves out: CPE-based matching, EPSS, version comparison (vigil/version.h)
 * and the matching itself (src/match/).
 */
#ifndef VIGIL_VULNDB_H
#define VIGIL_VULNDB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vigil/arena.h"
#include "vigil/buf.h"
#include "vigil/error.h"

/* Schema version this library reads and writes (PRAGMA user_version). */
#define VG_VULNDB_SCHEMA_VERSION 1

/* Default limit for vg_vulndb_age(): a scan warns when the data is older. */
#define VG_VULNDB_MAX_AGE_DEFAULT (3 * 24 * 3600)

typedef struct vg_vulndb vg_vulndb;

/* ---- location ---------------------------------------------------------- */

/* Default database path: $XDG_CACHE_HOME/vigil/vulndb.sqlite when
 * XDG_CACHE_HOME is set and absolute, else $HOME/.cache/vigil/vulndb.sqlite.
 * out is initialised by the call.  VG_ERR_NOT_FOUND when neither is set. */
int vg_vulndb_default_path(vg_ctx *ctx, vg_buf *out);

/* ---- opening (read-only) ----------------------------------------------- */

/* Opens an existing database read-only.  Errors, each with a message naming
 * path:  VG_ERR_NOT_FOUND (no such file: "run vigil db update"),
 * VG_ERR_FORMAT (not a SQLite file, or not a vigil vulnerability database),
 * VG_ERR_UNSUPPORTED (schema version differs from VG_VULNDB_SCHEMA_VERSION:
 * "run vigil db update"), VG_ERR_PERMISSION, VG_ERR_IO.
 * *out belongs to the caller: vg_vulndb_close() it. */
int vg_vulndb_open(vg_ctx *ctx, const char *path, vg_vulndb **out);
void vg_vulndb_close(vg_vulndb *db);

/* ---- queries for the matcher ------------------------------------------- */

typedef enum vg_vuln_event_kind {
    VG_VULN_INTRODUCED = 0,
    VG_VULN_FIXED = 1,
    VG_VULN_LAST_AFFECTED = 2,
    VG_VULN_LIMIT = 3,
} vg_vuln_event_kind;

typedef struct vg_vuln_event {
    vg_vuln_event_kind kind;
    const char *version; /* as in the feed; "0" for introduced means "from the start" */
} vg_vuln_event;

typedef struct vg_vuln_range {
    const char *type;      /* "SEMVER", "ECOSYSTEM" or "GIT", as in OSV */
    const char *repo;      /* GIT ranges only, else NULL */
    vg_vuln_event *events; /* in the order of the feed */
    size_t nevents;
} vg_vuln_range;

/* One affected entry: a package of one ecosystem in one advisory. */
typedef struct vg_vuln_affected {
    const char *advisory_id; /* "GO-2020-0001", "DSA-5380-1", "CVE-2019-10206" ... */
    const char *source;      /* database source that provided it, e.g. "osv:Go" */
    const char *ecosystem;   /* exactly as OSV names it: "Go", "Debian:12", "Alpine:v3.10" */
    const char *name;        /* package name */
    int is_source_package;   /* 1: name is a source package (Debian tracker, Alpine secdb origin) */
    const char *status;      /* NULL (OSV), or for distro feeds "fixed", "unfixed", "end-of-life" */
    const char *severity;    /* distro urgency for this entry ("high", "low*"...), else NULL */
    const char *note;        /* free text from the feed (Debian "(bug #123)"), else NULL */
    vg_vuln_range *ranges;
    size_t nranges;
    const char **versions;   /* explicit affected versions (OSV "versions") */
    size_t nversions;
} vg_vuln_affected;

/* Every affected entry for (ecosystem, name), ordered by advisory id.
 * Entries whose status is "not-affected" or "unknown" are not returned.  The ecosystem is
 * compared exactly ("Debian:12"); names are compared exactly, except for
 * "PyPI" where the comparison uses the PEP 503 normalised name.
 * *out is an arena array of *n entries (NULL, 0 when there are none). */
int vg_vulndb_affected(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *ecosystem,
                       const char *name, vg_vuln_affected **out, size_t *n);

typedef struct vg_vuln_severity {
    const char *type;  /* "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu" ... as given */
    const char *score; /* the vector string as given */
} vg_vuln_severity;

typedef struct vg_vuln_reference {
    const char *type; /* "ADVISORY", "FIX", "WEB" ...; "WEB" when the feed gives none */
    const char *url;
} vg_vuln_reference;

typedef struct vg_vuln_advisory {
    const char *id;
    const char *source;    /* e.g. "osv:Go", "alpine:v3.10/main", "debian:DSA" */
    const char *modified;  /* RFC 3339 as in the feed, or NULL */
    const char *published; /* RFC 3339, or the advisory date "2023-03-29", or NULL */
    const char *withdrawn; /* RFC 3339 or NULL */
    const char *summary;
    const char *details;
    const char *severity;  /* database_specific severity text ("HIGH", "Important") or NULL */
    const char **aliases;  /* ids this advisory names as its aliases, sorted */
    size_t naliases;
    vg_vuln_severity *severities;
    size_t nseverities;
    vg_vuln_reference *references;
    size_t nreferences;
} vg_vuln_advisory;

/* The advisories stored under id (several when distro feeds repeat a CVE
 * per release file).  *n == 0 when there are none; VG_OK either way. */
int vg_vulndb_advisories(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *id,
                         vg_vuln_advisory **out, size_t *n);

/* Every id that is an alias of id, in either direction (the alias table is
 * stored both ways), sorted, without id itself.  One step only: callers that
 * want the closure iterate. */
int vg_vulndb_aliases(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *id,
                      const char ***out, size_t *n);

typedef struct vg_kev_entry {
    const char *cve;
    const char *vendor;
    const char *product;
    const char *name;              /* vulnerabilityName */
    const char *date_added;        /* YYYY-MM-DD */
    const char *due_date;          /* YYYY-MM-DD */
    const char *ransomware;        /* knownRansomwareCampaignUse: "Known" or "Unknown" */
    const char *short_description;
    const char *required_action;
} vg_kev_entry;

/* The KEV entry of a CVE id, or *out = NULL when it is not in the catalog. */
int vg_vulndb_kev(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *cve,
                  vg_kev_entry **out);

/* What the database holds for one feed ecosystem, per source. */
typedef struct vg_vulndb_ecosystem_source {
    const char *source;  /* "osv:Go", "alpine:v3.10/main", "debian:DSA" ... */
    int64_t entries;     /* affected entries the source gives the ecosystem */
    const char *newest;  /* the latest modified or published date of those
                            records, as in the feed ("" when none has one).
                            Both count: the Go database's OSV export writes
                            modified "0001-01-01T00:00:00Z" */
} vg_vulndb_ecosystem_source;

/* The sources that hold affected entries of ecosystem (exactly as OSV names
 * it: "Debian:12", "Alpine:v3.20", "npm"), sorted by source name.  *n == 0
 * means the database has no data for the ecosystem at all: a component of
 * it cannot be checked.  *out is an arena array. */
int vg_vulndb_ecosystem_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *ecosystem,
                                vg_vulndb_ecosystem_source **out, size_t *n);

/* ---- status ------------------------------------------------------------- */

typedef struct vg_vulndb_source_info {
    const char *name;        /* "osv:Go", "alpine:v3.10/main", "debian:DSA", "kev" ... */
    const char *kind;        /* "osv", "secdb", "debian-list", "debian-json", "kev" */
    const char *location;    /* file, directory or URL it was read from */
    const char *newest;      /* newest record date in it (modified/published), or NULL */
    int64_t fetched_at;      /* when it was read/downloaded, Unix time */
    int64_t records_read;
    int64_t records_imported;
    int64_t records_skipped;
} vg_vulndb_source_info;

/* The sources of the database, sorted by name. */
int vg_vulndb_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena,
                      vg_vulndb_source_info **out, size_t *n);

/* Age of the data at time now, in seconds: now minus the oldest fetched_at
 * of all sources (the stalest source decides).  A scan compares it with its
 * limit (VG_VULNDB_MAX_AGE_DEFAULT unless configured) and warns.
 * VG_ERR_FORMAT when the database has no sources. */
int vg_vulndb_age(vg_ctx *ctx, vg_vulndb *db, time_t now, int64_t *age_seconds);

/* ---- building and updating ---------------------------------------------- */

#define VG_VULNDB_REASONS_MAX 5 /* first reasons kept per source */

/* What one source contributed to a build. */
typedef struct vg_vulndb_source_report {
    char *name;             /* source name, as in vg_vulndb_source_info */
    char *kind;
    char *location;
    int64_t records_read;
    int64_t records_imported;
    int64_t records_skipped;    /* malformed or unknown records, and unreadable files */
    int64_t records_duplicate;  /* OSV records already imported from another source */
    int not_modified;           /* update: the server answered 304, the cached copy was used */
    char *etag;                 /* update: validators of the download, stored for the next one */
    char *last_modified;
    int64_t fetched_at;         /* Unix time the input was read or downloaded */
    char newest[40];            /* newest record date seen (modified, else published) */
    char *reasons[VG_VULNDB_REASONS_MAX]; /* first reasons for skipping, naming the file */
    size_t nreasons;
} vg_vulndb_source_report;

typedef struct vg_vulndb_report {
    vg_arena arena;                  /* holds everything below */
    vg_vulndb_source_report *sources;
    size_t nsources;
    char **unrecognised;             /* input files that are no known feed (first 20) */
    size_t nunrecognised;            /* total count of them */
    int64_t total_skipped;           /* sum of records_skipped */
} vg_vulndb_report;

void vg_vulndb_report_init(vg_vulndb_report *report);
void vg_vulndb_report_free(vg_vulndb_report *report);

/* Builds a new database at db_path from the files and directories in
 * inputs[] (recognised by content; rules in docs/vulndb.md), then renames it
 * over db_path.  Malformed records are counted in report, never fatal.
 * Fails (old database untouched) on an unusable db_path (not SQLite, not
 * writable directory), on I/O errors writing the database, or when no
 * input holds any feed.  report must have been initialised. */
int vg_vulndb_build(vg_ctx *ctx, const char *db_path, const char *const *inputs, size_t ninputs,
                    vg_vulndb_report *report);

typedef struct vg_vulndb_update_opts {
    const char *mirror;            /* base URL of a mirror (layout in docs/vulndb.md), or NULL */
    const char *from_dir;          /* local directory in the mirror layout, or NULL */
    const char *const *sources;    /* source names to fetch; NULL = the default list */
    size_t nsources;
    unsigned retries;              /* extra attempts after a transient failure; 0 = default 3 */
    long connect_timeout;          /* seconds; 0 = default 30 */
    long stall_timeout;            /* seconds without any byte before giving up; 0 = default 60 */
} vg_vulndb_update_opts;

/* The built-in default source names, NULL-terminated ("osv:Go", ...). */
const char *const *vg_vulndb_default_sources(void);

/* Fetches the sources (conditional requests with the ETag/Last-Modified
 * stored in the current database, retries with backoff, proxy from the
 * environment), builds a new database beside db_path and renames it over it.
 * Downloads are kept in DBPATH.feeds/ so that a 304 answer reuses them.
 * A source that cannot be fetched fails the whole update; the previous
 * database stays as it was. */
int vg_vulndb_update(vg_ctx *ctx, const char *db_path, const vg_vulndb_update_opts *opts,
                     vg_vulndb_report *report);

#endif
