/*
 * store_internal.h — what the files of src/store/ share: the store handle,
 * statement helpers, and the per-file entry points behind store.h.
 */
#ifndef VIGIL_STORE_INTERNAL_H
#define VIGIL_STORE_INTERNAL_H

#include "store/db.h"
#include "vigil/notify.h"
#include "vigil/store.h"

/* Statements kept prepared for the life of a store handle: the batch
 * statements every snapshot runs cost more to parse than to run. */
#define STORE_CACHED_STATEMENTS 128

typedef struct store_cached_stmt {
    char *sql;
    uint64_t hash; /* of sql */
    vg_db_stmt *stmt;
} store_cached_stmt;

struct vg_store {
    vg_db *db;
    store_cached_stmt cache[STORE_CACHED_STATEMENTS];
    size_t cache_next; /* the slot to reuse when all are taken */
};

/* Rows per multi-row INSERT / IN (...) list: under both back ends' limits
 * on parameters (SQLite 32766, PostgreSQL 65535) for up to 16 columns. */
#define STORE_BATCH 256

/* Prepares sql on store->db; the message names the store. */
int store_prepare(vg_ctx *ctx, vg_store *store, const char *sql, vg_db_stmt **out);
/* Like store_prepare(), but the statement belongs to the store (never
 * finalize it) and is usable until the next store_prepare_cached() call,
 * which may reuse its slot: the same sql gives back the same statement,
 * reset, without parsing it again.  For statements every snapshot runs. */
int store_prepare_cached(vg_ctx *ctx, vg_store *store, const char *sql, vg_db_stmt **out);
/* Steps a statement that returns no rows (or whose rows are not needed). */
int store_run(vg_ctx *ctx, vg_db_stmt *stmt);
/* Steps an INSERT ... RETURNING id (prepared with store_prepare()) and
 * finalizes it: the id in *id; no row is VG_ERR_IO, "DB: WHAT returned
 * nothing". */
int store_insert_id(vg_ctx *ctx, vg_store *store, vg_db_stmt *stmt, const char *what, int64_t *id);
/* Runs sql with no parameters and returns its first column of its first
 * row as an integer in *out (0 when no row). */
int store_query_int(vg_ctx *ctx, vg_store *store, const char *sql, int64_t *out);

/* Steps st to its end, calling row (when not NULL) on each row it returns
 * (stopping at row's first error: a status whose message row set), and
 * finalizes it.  VG_OK or the first error.  store_select() prepares sql
 * (without parameters) and does the same. */
typedef int (*store_row_fn)(void *arg, vg_db_stmt *st);
int store_rows(vg_ctx *ctx, vg_db_stmt *st, store_row_fn row, void *arg);
int store_select(vg_ctx *ctx, vg_store *store, const char *sql, store_row_fn row, void *arg);
/* Runs head + " (?, ?, ...)" + tail with the integers ids[0..n) as its
 * parameters, in statements of at most STORE_BATCH of them, with
 * store_rows(); adds the rows each changed to *changes (when not NULL). */
int store_run_ids(vg_ctx *ctx, vg_store *store, const char *head, const char *tail, const int64_t *ids, size_t n,
                  store_row_fn row, void *arg, int64_t *changes);

/* Makes room for element n of the array *arrayp (a pointer to a T *) of
 * *cap elements of size bytes, doubling it when full.  VG_OK, or
 * VG_ERR_NOMEM with the array as it was. */
int store_reserve(void *arrayp, size_t *cap, size_t n, size_t size);

/* Sorts a JSON array in place with cmp, which compares two json_t *
 * (qsort's arguments point at them); on allocation failure the array stays
 * as it was. */
void store_sort_array(json_t *array, int (*cmp)(const void *, const void *));
/* Compares objects by their "asset" member (strcmp): lists of assets. */
int store_cmp_asset(const void *a, const void *b);

/* The versionless identity of a package ("pkg:maven/org.x/y", or
 * "TYPE/NAME" without a purl) of purl (may be NULL), written into out. */
void store_package_of(const char *purl, const char *type, const char *name, char *out, size_t outsz);

/* document.c: keeps data (compressed with zstd) under its sha256 digest,
 * once; digest receives "sha256:HEX". */
int store_document_put(vg_ctx *ctx, vg_store *store, const char *data, size_t len, const char *media_type,
                       char digest[72]);
/* The bytes of document digest, decompressed and checked against the
 * digest, into out (initialised by the call); media_type copied when
 * non-NULL. */
int store_document_get(vg_ctx *ctx, vg_store *store, const char *digest, vg_buf *out, char *media_type,
                       size_t media_type_size);

/* A copy of s in arena, or NULL for NULL (and on OOM: check both). */
const char *store_strdup(vg_arena *arena, const char *s);
/* strcmp, with NULL ordered first. */
int store_text_cmp(const char *a, const char *b);

/* JSON helpers: a string or null; an integer. */
json_t *store_json_text(const char *s);
/* An ISO 8601 UTC time ("2026-12-03T09:00:00Z") for t, or null for 0. */
json_t *store_json_time(int64_t t);

/* snapshot.c: records the findings of a (new or re-matched) snapshot of
 * an asset: new ones with first_seen = now, reappearing fixed ones
 * reopened, open ones not seen again fixed unless their package is still
 * there unchecked; appends {"id","package","severity"} objects to new_out
 * and fixed_out.  component_ids[i] is the stored id of inv->components[i].
 * Inside the caller's transaction. */
int store_record_findings(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id, int64_t now,
                          const vg_inventory *inv, const vg_findings *findings, const int64_t *component_ids,
                          json_t *new_out, json_t *fixed_out);
/* Sorts a JSON array of such findings by id, then package. */
void store_sort_findings(json_t *array);

/* diff.c: the diff of two snapshots by id (vg_store_diff() without
 * "asset"). */
int store_diff_snapshots(vg_ctx *ctx, vg_store *store, int64_t from_id, int64_t to_id, json_t **out);
/* snapshot.c: the content key of component c (docs/store.md, table
 * component); scratch is a work buffer (initialised by the caller). */
int store_component_key(const vg_component *c, vg_buf *scratch, unsigned char key[32]);
/* The coverage the one link of a component listed several times in an
 * inventory keeps, walking them in inventory order: the first one's,
 * replaced by each later one that counts as checked. */
static inline int store_link_coverage(int kept, int next)
{
    return vg_coverage_is_checked((vg_coverage_status)next) ? next : kept;
}
/* rescan.c: "sha256:" + the SHA-256 of everything a match (findings, of
 * inv, the components of the document sbom_digest) writes into a snapshot:
 * the coverage of each component and the row of each finding, so that a
 * rescan whose match gives the same result (the usual case: most new
 * advisories are about other packages) writes nothing but the time.
 * Written into out (snapshot.match_digest). */
int store_match_digest(vg_ctx *ctx, const char *sbom_digest, const vg_inventory *inv, const vg_findings *findings,
                       char out[72]);
/* snapshot.c: stores the components of inv not yet in the store and makes
 * them, with the coverage of findings, the components of snapshot_id, the
 * latest snapshot of asset_id (store_span_set()); component_ids[i]
 * receives the id of inv->components[i].  Inside the caller's
 * transaction. */
int store_link_components(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id, const vg_inventory *inv,
                          const vg_findings *findings, int64_t *component_ids);

/* snapshot.c: runs head + nrows x " (?, ...)" of cols columns + tail, in
 * statements of at most STORE_BATCH rows, binding each row with
 * bind(arg, row, statement, its first parameter). */
typedef int (*store_bind_row_fn)(void *arg, size_t row, vg_db_stmt *st, int param);
int store_batch_run(vg_ctx *ctx, vg_store *store, const char *head, int cols, const char *tail, size_t nrows,
                    store_bind_row_fn bind, void *arg);

/* span.c: the contents of snapshots as spans (docs/store.md, "Spans").  A
 * row of component_span (k1: component id; n1: layer, -1 for none; n2:
 * coverage) or of finding_span (k1: finding id; k2: component id; n1: kev;
 * n2: suppressed; score, NAN for none; s1: severity; s2: fix_state; s3:
 * fixed_versions, NULL for none). */
typedef enum store_span_kind { STORE_SPAN_COMPONENT, STORE_SPAN_FINDING } store_span_kind;
typedef struct store_span_row {
    int64_t k1, k2, n1, n2;
    double score;
    const char *s1, *s2, *s3;
    int64_t since; /* (store_span_set()'s own) */
    size_t order;  /* (store_span_set()'s own) */
} store_span_row;
/* Makes rows (sorted in place; a key given twice counts once, the first)
 * the contents of snapshot_id, the latest snapshot of asset_id, which is
 * either new or the latest already: open rows of the asset that are not
 * among them end there, rows not open yet begin there.  Inside the
 * caller's transaction. */
int store_span_set(vg_ctx *ctx, vg_store *store, store_span_kind kind, int64_t asset_id, int64_t snapshot_id,
                   store_span_row *rows, size_t n);
/* Mends the spans of asset_id after its snapshot snapshot_id (never its
 * latest) was deleted: rows that began there begin at the next snapshot
 * left, or go when none of their snapshots is left. */
int store_span_forget(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id);
/* The join condition "span row t is in snapshot s" (SQL aliases). */
#define STORE_SPAN_IN(t, s) \
    t ".asset_id = " s ".asset_id AND " t ".since <= " s ".id AND (" t ".until IS NULL OR " t ".until > " s ".id)"

/* VG_ERR_USAGE unless name can name an asset: not empty, no '@' (which
 * separates NAME@N) and no control characters (snapshot.c). */
int store_check_asset_name(vg_ctx *ctx, const char *name);
/* A target kind as the snapshot table keeps it ("directory",
 * "rootfs-archive", "docker-archive", "oci-layout", "sbom"), or NULL; and
 * back (0 for an unknown name). */
const char *store_target_kind_name(vg_target_kind kind);
vg_target_kind store_target_kind_of(const char *name);

/* "ID[:VERSION]" (vg_store_release_text()'s form) into text (size bytes)
 * and os pointing into it; -1 when malformed or too long (snapshot.c). */
int store_parse_release(const char *s, char *text, size_t size, vg_os *os);

/* jobs.c: the facts of an ingest job (its payload, docs/store.md "Jobs
 * and workers"), parsed from JSON any process may have written: at most
 * VG_STORE_MAX_PAYLOAD bytes, STORE_JOB_MAX_TAGS tags; unknown members are
 * ignored (a newer enqueuer's).  in's strings point into root. */
#define STORE_JOB_MAX_TAGS 64
typedef struct store_ingest_payload {
    json_t *root;
    vg_store_snapshot_input in; /* kind, owner, environment, tags, version_label, source, time */
    vg_store_tag tags[STORE_JOB_MAX_TAGS];
    vg_os distro;               /* id and version_id, when has_distro */
    int has_distro;
    char distro_text[256];
    vg_target_kind target_kind; /* 0: the document's own (an SBOM) */
    const char *target_digest;
} store_ingest_payload;
/* VG_ERR_FORMAT (naming the member) or VG_ERR_LIMIT; p is freed on error. */
int store_ingest_payload_parse(vg_ctx *ctx, const char *text, size_t len, store_ingest_payload *p);
void store_ingest_payload_free(store_ingest_payload *p);

/* jobs.c: what a notify job delivers where (its payload, docs/store.md
 * "Jobs and workers"), parsed from JSON any process may have written: at
 * most VG_STORE_MAX_PAYLOAD bytes; exactly one of url (sink "webhook") and
 * file (sink "file", an absolute path); opts.max_attempts, timeout_ms,
 * connect_timeout_ms and ca_file (absolute) within vg_notify_webhook()'s
 * bounds; and, once an attempt fixed what it sends, delivery and notices
 * (at most VG_STORE_NOTIFY_JOB_FINDINGS integers) together.  Unknown
 * members are ignored; the strings point into root. */
typedef struct store_notify_payload {
    json_t *root;
    const char *sink, *url, *file, *delivery;
    vg_notify_options opts;
    int always;
    json_t *notices; /* in root, or NULL */
} store_notify_payload;
/* VG_ERR_FORMAT (naming the member) or VG_ERR_LIMIT; p is freed on error. */
int store_notify_payload_parse(vg_ctx *ctx, const char *text, size_t len, store_notify_payload *p);
void store_notify_payload_free(store_notify_payload *p);

/* policy_history.c: a results document as store_policy_parse() reads it;
 * the strings point into root.  Counts are of the statuses pass, fail,
 * not_applicable, skip, error, then of waived results. */
#define STORE_POLICY_COUNTS 6
typedef struct store_policy_result {
    unsigned char fingerprint[32]; /* SHA-256 of rule, a NUL byte, resource */
    const char *rule, *resource, *status;
    int waived;
} store_policy_result;
typedef struct store_policy_requirement {
    const char *id, *status;
    char *rules; /* its rule ids, separated by spaces (malloc'd) */
    int64_t counts[STORE_POLICY_COUNTS]; /* of the results that cite it */
} store_policy_requirement;
typedef struct store_policy_run {
    json_t *root;
    int64_t time;
    int64_t counts[STORE_POLICY_COUNTS];
    store_policy_result *results; /* sorted by fingerprint */
    size_t nresults;
    store_policy_requirement *requirements;
    size_t nrequirements;
} store_policy_run;
/* Reads and checks the results document doc[0..len) (vg_store_policy_keep()
 * says what is refused); name names it in messages.  On error out holds
 * nothing; else free it with store_policy_run_free(). */
int store_policy_parse(vg_ctx *ctx, const char *name, const char *doc, size_t len, store_policy_run *out);
void store_policy_run_free(store_policy_run *run);

/* Resolves ref (store.h, vg_store_show()) to the asset and snapshot ids. */
int store_resolve_ref(vg_ctx *ctx, vg_store *store, const char *ref, int64_t *asset_id, int64_t *snapshot_id);

#endif
