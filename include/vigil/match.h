/*
 * match.h — inventory x vulnerability database -> findings, and the reports
 * `vigil scan` writes from them (table, JSON, SARIF 2.1.0, CycloneDX 1.6 VDR).
 *
 * Matching (src/match/match.c, rules in docs/scan-json.md "Matching"):
 * - Distribution packages (deb, apk, rpm) are matched only against the
 *   advisories of the release named by the inventory's os-release
 *   (src/match/distro.c maps it to the OSV ecosystem name: "Debian:12",
 *   "Alpine:v3.10", "AlmaLinux:9" ...), by source package where the feed is
 *   keyed by source package, with the distribution's own fixed versions.
 * - Language packages are matched against OSV ranges (SEMVER and ECOSYSTEM
 *   events evaluated as in the OSV schema 1.6 "Evaluation" section) and
 *   explicit "versions" lists.  GIT ranges are not evaluated (an inventory has
 *   no commits).  No CPE guessing.
 * - Versions are only ever compared by vigil/version.h.
 * - Identifiers are merged through the aliases the advisory records name
 *   (one step, forward): one vulnerability is
 *   reported once per component with all its identifiers.  The primary id is
 *   the lowest CVE id of the group, else the lowest advisory id that matched.
 *   An advisory that names two or more CVEs (a DSA, an ALSA, a GO record
 *   about several CVEs) is a bundle: it gives one finding per CVE.
 * - Withdrawn advisories are skipped.
 *
 * Memory: a vg_findings owns an arena holding every finding and string; the
 * findings point at components of the inventory, which must outlive them.
 *
 * Severity and score come from the best CVSS vector of the records (v4, v3,
 * v2) when it is valid (cvss.h), else from the feed's text.
 *
 * Leaves out: VEX and --ignore (they set the suppression fields of a finding
 * afterwards; vex.h, ignore.h), CPE matching, EPSS.
 */
#ifndef VIGIL_MATCH_H
#define VIGIL_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/inventory.h"
#include "vigil/vulndb.h"

/* Severity levels, ordered: a --fail-on threshold is met by every level >= it. */
typedef enum vg_severity {
    VG_SEVERITY_UNKNOWN = 0, /* the feeds give none */
    VG_SEVERITY_NONE = 1,    /* CVSS 0.0 */
    VG_SEVERITY_LOW = 2,
    VG_SEVERITY_MEDIUM = 3,
    VG_SEVERITY_HIGH = 4,
    VG_SEVERITY_CRITICAL = 5,
} vg_severity;

/* "unknown", "none", "low", "medium", "high", "critical". */
const char *vg_severity_name(vg_severity severity);

/* Maps a feed's severity word to a level, case-insensitive, ignoring
 * trailing '*' (Debian "low*"): critical; high, important; medium,
 * moderate; low, negligible, unimportant; none.  VG_SEVERITY_UNKNOWN for
 * anything else or NULL. */
vg_severity vg_severity_from_text(const char *text);

typedef struct vg_finding {
    const vg_component *component; /* borrowed from the inventory */
    const char *id;                /* primary identifier (CVE-... when there is one) */
    const char **ids;              /* every identifier, id included, sorted */
    size_t nids;
    const char **advisories;       /* ids of the advisory records that matched, sorted */
    size_t nadvisories;
    const char *ecosystem;         /* feed ecosystem matched: "Debian:12", "Go" ... */
    const char *package;           /* name matched in the feed (a source package for
                                      source-keyed feeds) */
    const char *installed_version; /* the component's version */
    const char *compared_version;  /* the version compared (Debian: the source version) */
    const char **fixed_versions;   /* versions that fix it for this component, sorted, unique */
    size_t nfixed;
    const char *fix_state;         /* "fixed" (a fixed version exists), "unfixed",
                                      "end-of-life" (distro feeds), "unknown" */
    vg_severity severity;
    double score;                  /* CVSS base score, or -1 when not computed */
    const char *cvss_vector;       /* the valid CVSS vector the score is from, or NULL */
    const char *cvss_type;         /* "CVSS_V3", "CVSS_V4" ... of cvss_vector, or NULL */
    const char *severity_source;   /* where severity is from, in the order tried
                                      (docs/scan-json.md "Severity"): "distro" (the
                                      distribution's own rating), "cvss" (a CVSS
                                      vector of an advisory record of the vulnerability),
                                      "nvd" (NVD's CVSS), "advisory" (an advisory's
                                      severity word); NULL when unknown */
    int distro_managed;            /* an upstream-ecosystem advisory about a language
                                      package installed by an OS package (reported only
                                      with include_distro_managed) */
    const char *summary;           /* one line, or NULL */
    const char *published;         /* as in the feed, or NULL */
    const char *modified;
    const vg_kev_entry *kev;       /* CISA KEV entry of one of its CVEs, or NULL */
    const char **urls;             /* advisory links, unique, in feed order */
    size_t nurls;
    /* Set by VEX statements and the --ignore file (vex.h); 0/NULL from vg_match(). */
    int suppressed;
    const char *suppressed_by;     /* e.g. "vex:FILE" or "ignore:FILE" */
    const char *analysis_state;    /* CycloneDX analysis state: "not_affected", "resolved" ... */
    const char *justification;     /* CycloneDX justification, or NULL */
    const char *analysis_detail;   /* free text, or NULL */
} vg_finding;

/* Whether a component was compared with the database, and if not, why
 * (docs/scan-json.md "Coverage").  Only VG_COVERAGE_CHECKED and
 * VG_COVERAGE_VIA_OS_PACKAGE (whose OS package was checked) count as
 * checked; every other status makes a scan incomplete unless the user opts
 * out (--allow-unchecked).  Values are never renumbered. */
typedef enum vg_coverage_status {
    VG_COVERAGE_CHECKED = 0,        /* compared with every entry of its ecosystem */
    VG_COVERAGE_PARTIAL = 1,        /* compared, but some entries could not be evaluated */
    VG_COVERAGE_UNKNOWN_OS = 2,     /* an OS package, and the target's OS is unknown */
    VG_COVERAGE_UNSUPPORTED_OS = 3, /* an OS package of a distribution vigil has no feed for */
    VG_COVERAGE_NO_DATA = 4,        /* the database holds nothing for its ecosystem */
    VG_COVERAGE_NO_ECOSYSTEM = 5,   /* a package type no feed covers (generic, ...) */
    VG_COVERAGE_NO_VERSION = 6,     /* the component has no version */
    VG_COVERAGE_BAD_VERSION = 7,    /* a version its ecosystem's comparator cannot read */
    VG_COVERAGE_VIA_OS_PACKAGE = 8, /* a language package installed by an OS package,
                                       checked through that package's distribution feed */
    VG_COVERAGE_SELF = 9,           /* the unversioned project being scanned itself (an
                                       application root read from a lock file or manifest):
                                       nothing to look up, not counted as unchecked */
} vg_coverage_status;

/* "checked", "partial", "unknown-os", "unsupported-os", "no-data",
 * "no-ecosystem", "no-version", "bad-version", "via-os-package", "self". */
const char *vg_coverage_status_name(vg_coverage_status status);

/* 1 when status counts as really compared (checked, via-os-package). */
int vg_coverage_is_checked(vg_coverage_status status);

typedef struct vg_coverage {
    const vg_component *component; /* borrowed from the inventory */
    vg_coverage_status status;
    const char *ecosystem;    /* feed ecosystem it was (or would be) matched in, or NULL */
    const char **sources;     /* database sources consulted ("osv:Go"), sorted; none when unchecked */
    size_t nsources;
    const char *newest;       /* newest record date among those sources for the ecosystem, or NULL */
    int64_t data_time;        /* Unix time of the newest data of those sources (record
                                 dates, else the feed's own date), 0 when unknown */
    int data_ended;           /* every one of those sources has ended (vulndb.h): an
                                 end-of-life release whose feed no longer changes */
    const vg_component *via;  /* the OS package that installed it, or NULL; when that
                                 package was not checked, status and reason are its */
    const char *reason;       /* why not checked, one phrase for people, the same for
                                 every component of one cause; NULL when checked */
    size_t unevaluable;       /* entries of its ecosystem that could not be evaluated for it */
} vg_coverage;

typedef struct vg_findings {
    vg_arena arena;          /* holds items and every string they point at */
    vg_finding *items;
    size_t n;
    const char *os_ecosystem;   /* the target's distribution ecosystem, or NULL */
    vg_coverage *coverage;      /* one per inventory component, in inventory order */
    size_t ncoverage;
    size_t components_checked;  /* coverage entries for which vg_coverage_is_checked() */
    size_t components_unchecked;/* the others, VG_COVERAGE_SELF excepted */
    size_t unevaluable;         /* affected entries whose versions could not be compared */
    size_t hidden;              /* findings removed by vg_findings_filter_apply() */
} vg_findings;

void vg_findings_init(vg_findings *findings);
void vg_findings_free(vg_findings *findings);

/* Matches every component of inv (finalized) against db into findings
 * (initialised by the caller), sorted by vg_findings_sort().  Versions that
 * cannot be compared are warned about in ctx (naming the advisory or the
 * component) and counted, never fatal.  Errors: VG_ERR_NOMEM, VG_ERR_IO
 * (database failure). */
typedef struct vg_match_options {
    const vg_os *distro;        /* --distro: replaces the target's OS, or NULL */
    int include_distro_managed; /* also match language packages installed by an OS
                                   package against their upstream ecosystem */
} vg_match_options;

int vg_match(vg_ctx *ctx, vg_vulndb *db, const vg_inventory *inv, const vg_match_options *opts,
             vg_findings *findings);

/* Display filters (`vigil scan --only-fixed`, `--severity`): what is
 * filtered out is neither reported nor gated, and is counted. */
typedef struct vg_findings_filter {
    int only_fixed;      /* keep only findings with a fixed version */
    unsigned severities; /* keep only levels whose bit (1u << level) is set; 0 keeps all */
} vg_findings_filter;

/* Removes the findings filter does not keep (order kept) and adds their
 * number to findings->hidden. */
void vg_findings_filter_apply(vg_findings *findings, const vg_findings_filter *filter);

/* Sorts findings: KEV first, then severity (highest first), then id, then
 * package name, version and bom-ref.  Deterministic. */
void vg_findings_sort(vg_findings *findings);

/* ---- ecosystem mapping (src/match/distro.c) ----------------------------- */

/* The OSV ecosystem name of the distribution release of os: "Debian:12",
 * "Ubuntu:22.04:LTS", "Alpine:v3.10", "Wolfi", "Chainguard",
 * "AlmaLinux:9", "Rocky Linux:9", "Red Hat:enterprise_linux:9::baseos"...
 * (rules in docs/scan-json.md).  String in arena; NULL when the
 * distribution is not one vigil has feeds for, or on OOM. */
const char *vg_match_os_ecosystem(vg_arena *arena, const vg_os *os);

/* The OSV ecosystem of a language package type (purl type): "golang" ->
 * "Go", "pypi" -> "PyPI", "npm", "maven" -> "Maven", "cargo" ->
 * "crates.io", "gem" -> "RubyGems", "nuget" -> "NuGet", "composer" ->
 * "Packagist"; NULL for others (and for deb/apk/rpm). */
const char *vg_match_language_ecosystem(const char *type);

/* ---- reports (src/format/findings_*.c, sarif.c, cyclonedx_vdr.c) -------- */

typedef enum vg_report_format {
    VG_REPORT_TABLE = 1,
    VG_REPORT_JSON,
    VG_REPORT_SARIF,
    VG_REPORT_CYCLONEDX_JSON,
} vg_report_format;

/* "table", "json", "sarif", "cyclonedx-json" (also "cyclonedx", "cdx");
 * 0 when unknown. */
vg_report_format vg_report_format_from_name(const char *name);
const char *vg_report_format_name(vg_report_format format);

typedef struct vg_report_options {
    int64_t timestamp;        /* document time, seconds since the epoch */
    const char *tool_version; /* e.g. "0.1.0" */
    int show_suppressed;      /* table/SARIF: list suppressed findings too (JSON and
                                 CycloneDX always carry them, marked) */
    int64_t db_fetched_at;    /* oldest source fetch time of the database, or 0 */
    int width;                /* table: columns to fit (a terminal's), 0 = no limit */
    int colour;               /* table: colour severities (ANSI); the caller decides */
} vg_report_options;

/* Writes the report of findings about inv in format into out.  The same
 * input gives the same bytes.  VG_OK, VG_ERR_NOMEM, VG_ERR_LIMIT. */
int vg_report_write(vg_ctx *ctx, vg_report_format format, const vg_inventory *inv,
                    const vg_findings *findings, const vg_report_options *opts, vg_buf *out);

int vg_findings_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                            const vg_report_options *opts, vg_buf *out);
int vg_findings_json_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                           const vg_report_options *opts, vg_buf *out);
int vg_sarif_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                   const vg_report_options *opts, vg_buf *out);
int vg_cyclonedx_vdr_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                           const vg_report_options *opts, vg_buf *out);

#endif
