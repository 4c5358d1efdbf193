/*
 * vulndb.h — the local vulnerability database: one SQLite file built from
 * the public feeds (OSV export, Alpine/Wolfi secdb, Debian security
 * tracker, CISA KEV, NVD), and the read-only queries the matcher needs.
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
#define VG_VULNDB_SCHEMA_VERSION 2

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
 * path and the command that repairs it (vg_vulndb_update_command(), so it
 * carries "--db PATH" whenever path is not the default):
 * VG_ERR_NOT_FOUND (no such file: "run vigil db update"),
 * VG_ERR_FORMAT (not a SQLite file, a damaged one, or not a vigil
 * vulnerability database: "... --force", naming the file to remove),
 * VG_ERR_UNSUPPORTED (schema version differs from VG_VULNDB_SCHEMA_VERSION:
 * "run vigil db update"), VG_ERR_PERMISSION, VG_ERR_IO.
 * *out belongs to the caller: vg_vulndb_close() it. */
int vg_vulndb_open(vg_ctx *ctx, const char *path, vg_vulndb **out);
void vg_vulndb_close(vg_vulndb *db);

/* The command a user runs to rebuild the database at path: "vigil db
 * update", plus " --db PATH" (shell-quoted when needed) when path is not
 * the default path, plus " --force" when force.  Written into out (always
 * NUL-terminated, truncated to outsz). */
void vg_vulndb_update_command(const char *path, int force, char *out, size_t outsz);

/* Appends word to out as one POSIX shell word: as it is when it holds only
 * characters a shell takes literally, else in single quotes.  Used to print
 * commands a user can run as they are.  VG_OK or vg_buf_add's error. */
int vg_vulndb_shell_word(vg_buf *out, const char *word);

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

/* Turns on the memo of vg_vulndb_affected() and vg_vulndb_advisories():
 * their answers are then kept by db, up to about max_bytes, and the same
 * question is answered from memory, without SQLite.  For a process that
 * matches many targets with the same packages (a fleet rescan: 1 000 hosts
 * ask for the same few thousand names).  With the memo on, an answer may
 * live in db rather than in the caller's arena: it stays valid until
 * vg_vulndb_close(), so results that point into it (vg_findings) must not
 * outlive db.  0 turns it off. */
void vg_vulndb_memo(vg_vulndb *db, size_t max_bytes);
/* The memo the fleet commands use (inventory import and rescan, worker). */
#define VG_VULNDB_MEMO_FLEET ((size_t)128 << 20)

/* The memo also keeps answers derived from the database by its readers
 * (the matcher's verdict for one package version), under keys of their
 * own: vg_vulndb_memo_on() says whether the memo is on at all (a reader
 * need not build keys otherwise); vg_vulndb_memo_find() returns what was
 * kept under key, or NULL;
 * vg_vulndb_memo_room() the arena to build a value in, or NULL when the
 * memo is off or full; vg_vulndb_memo_keep() keeps a value built there
 * (VG_OK, or VG_ERR_NOMEM: then it is simply not kept). */
int vg_vulndb_memo_on(const vg_vulndb *db);
void *vg_vulndb_memo_find(vg_vulndb *db, const char *key, size_t keylen);
vg_arena *vg_vulndb_memo_room(vg_vulndb *db);
int vg_vulndb_memo_keep(vg_vulndb *db, const char *key, size_t keylen, void *value);

typedef struct vg_vuln_severity {
    const char *type;  /* "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu" ... as given */
    const char *score; /* the vector string as given */
} vg_vuln_severity;

typedef struct vg_vuln_reference {
    const char *type; /* "ADVISORY", "FIX", "WEB" ...; "WEB" when the feed gives none */
    const char *url;
} vg_vuln_reference;

/* An advisory.  NVD records (source "nvd") are CVEs as NVD describes them:
 * id "CVE-...", modified = NVD's lastModified, published, withdrawn = the
 * lastModified of a "Rejected" CVE, details = the English description,
 * summary and severity NULL, no aliases, no affected entries (vigil does
 * not match CPEs), severities = NVD's CVSS vectors with NVD's "Primary"
 * metrics first (v4.0, v3.1, v3.0, v2 each), then the "Secondary" ones
 * (scores of CNAs) in the same order.  A matcher that found a CVE through
 * another source looks it up with vg_vulndb_advisories(id) and tells the
 * NVD record by its source "nvd".
 * Red Hat family OSV records (AlmaLinux, Rocky Linux, Red Hat) carry the
 * CVE ids of their "related" field as aliases (the erratum fixes exactly
 * those CVEs) and their severity ("Important"...) in severity. */
typedef struct vg_vuln_advisory {
    const char *id;
    const char *source;    /* e.g. "osv:Go", "alpine:v3.10/main", "debian:DSA", "nvd" */
    const char *modified;  /* RFC 3339 as in the feed, or NULL */
    const char *published; /* RFC 3339, or the advisory date "2023-03-29", or NULL */
    const char *withdrawn; /* RFC 3339 or NULL */
    const char *summary;
    const char *details;
    const char *severity;  /* database_specific severity text ("HIGH"), the distribution's
                              rating of a Red Hat family erratum ("Important"), or NULL */
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
                            records, as in the feed, or NULL when none has
                            one (dates before 1970 do not count: the Go
                            database's OSV export writes modified
                            "0001-01-01T00:00:00Z") */
    int64_t data_time;   /* Unix time of the newest data for the ecosystem:
                            newest when the records carry dates, else the
                            source's data_time (a secdb's Last-Modified or
                            file time: vg_vulndb_source_info) */
    int ended;           /* the source has ended (vg_vulndb_source_info.ended):
                            its data is old because nobody updates it any more */
} vg_vulndb_ecosystem_source;

/* The sources that hold affected entries of ecosystem (exactly as OSV names
 * it: "Debian:12", "Alpine:v3.20", "npm"), sorted by source name.  *n == 0
 * means the database has no data for the ecosystem at all: a component of
 * it cannot be checked.  *out is an arena array. */
int vg_vulndb_ecosystem_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const char *ecosystem,
                                vg_vulndb_ecosystem_source **out, size_t *n);

/* ---- status ------------------------------------------------------------- */

typedef struct vg_vulndb_source_info {
    const char *name;        /* "osv:Go", "alpine:v3.10/main", "debian:DSA", "kev", "nvd" ... */
    const char *kind;        /* "osv", "secdb", "debian-list", "debian-json", "kev", "nvd" */
    const char *location;    /* file, directory or URL it was read from */
    const char *newest;      /* newest record date in it (modified/published), or NULL */
    int64_t fetched_at;      /* when it was read/downloaded, Unix time */
    int64_t data_time;       /* Unix time of its newest data (never after fetched_at) */
    const char *data_basis;  /* where data_time comes from: "data" (dates in the feed:
                                records, KEV's dateReleased), "http" (Last-Modified of
                                the download), "file" (modification time of the file
                                read), "fetched" (nothing better: fetched_at) */
    int ended;               /* another source of its family (the same feed for
                                another release: alpine:*, osv:Debian:*, debian:D*A)
                                holds data newer by more than VG_VULNDB_MAX_AGE_DEFAULT:
                                this one is taken as ended (an end-of-life release) */
    int64_t records_read;
    int64_t records_imported;
    int64_t records_skipped;
    int64_t records_unused;  /* NVD CVEs that no other source names (not stored) */
} vg_vulndb_source_info;

/* The sources of the database, sorted by name. */
int vg_vulndb_sources(vg_ctx *ctx, vg_vulndb *db, vg_arena *arena,
                      vg_vulndb_source_info **out, size_t *n);

/* Age of the data at time now, in seconds: now minus the oldest data_time
 * of the sources that have not ended (the stalest live source decides; an
 * air-gapped copy of old feeds is old however recently it was built).  A
 * scan compares it with its limit (VG_VULNDB_MAX_AGE_DEFAULT unless
 * configured) and warns.  Never negative.  VG_ERR_FORMAT when the database
 * has no sources. */
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
    int64_t records_duplicate;  /* OSV records already imported from another source, NVD
                                   CVEs already read from a newer page */
    int64_t records_unused;     /* NVD CVEs that no other source names: not stored */
    int not_modified;           /* update: the server answered 304, the cached copy was used */
    char *etag;                 /* update: validators of the download, stored for the next one */
    char *last_modified;
    int64_t fetched_at;         /* Unix time the input was read or downloaded */
    char newest[40];            /* newest record date seen (modified, else published) */
    int64_t newest_time;        /* newest as Unix time, 0 when none */
    int64_t http_time;          /* update: Last-Modified of the download, 0 when none */
    int64_t file_time;          /* newest modification time of the files read, 0 when none */
    int64_t data_time;          /* set by the build: vg_vulndb_source_info.data_time */
    const char *data_basis;     /* set by the build: vg_vulndb_source_info.data_basis */
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
    int refused_existing;            /* the call failed because db_path is a file but no usable
                                        vigil database: VG_VULNDB_FORCE would replace it */
} vg_vulndb_report;

void vg_vulndb_report_init(vg_vulndb_report *report);
void vg_vulndb_report_free(vg_vulndb_report *report);

/* vg_vulndb_build() flags. */
#define VG_VULNDB_FORCE 1u /* replace a db_path that is a regular file but no vigil
                              database (damaged, or another program's) */

/* Builds a new database at db_path from the files and directories in
 * inputs[] (recognised by content; rules in docs/vulndb.md), then renames it
 * over db_path.  Malformed records are counted in report, never fatal.
 * Fails (old database untouched) on an unusable db_path (not a regular
 * file; not SQLite, damaged or another program's unless VG_VULNDB_FORCE;
 * not writable directory), on I/O errors writing the database, when
 * db_path changed while the build ran, or when no input holds any feed.
 * DB.lock is removed when the call returns.  report must have been
 * initialised. */
int vg_vulndb_build(vg_ctx *ctx, const char *db_path, const char *const *inputs, size_t ninputs,
                    unsigned flags, vg_vulndb_report *report);

typedef struct vg_vulndb_update_opts {
    const char *mirror;            /* base URL of a mirror (layout in docs/vulndb.md), or NULL */
    const char *from_dir;          /* local directory in the mirror layout, or NULL */
    const char *const *sources;    /* source names to fetch; NULL = the default list */
    size_t nsources;
    unsigned retries;              /* extra attempts after a transient failure; 0 = default 3 */
    long connect_timeout;          /* seconds; 0 = default 30 */
    long stall_timeout;            /* seconds without any byte before giving up; 0 = default 60 */
    int force;                     /* as VG_VULNDB_FORCE for vg_vulndb_build() */
    const char *ca_cert;           /* PEM file of the CAs to trust instead of the system's */
    const char *nvd_api_key;       /* NVD API key (sent as the apiKey header), or NULL */
} vg_vulndb_update_opts;

/* The built-in default source names, NULL-terminated ("osv:Go", ...). */
const char *const *vg_vulndb_default_sources(void);

/* Fetches the sources (conditional requests with the ETag/Last-Modified
 * stored in the current database, retries with backoff, proxy from the
 * environment; "nvd" through the NVD CVE API 2.0, incrementally), builds a
 * new database beside db_path and renames it over it.  Downloads are kept
 * in DBPATH.feeds/ so that a 304 answer reuses them.  A redirect never
 * leaves https.  A source that cannot be fetched fails the whole update;
 * the previous database stays as it was. */
int vg_vulndb_update(vg_ctx *ctx, const char *db_path, const vg_vulndb_update_opts *opts,
                     vg_vulndb_report *report);

#endif
