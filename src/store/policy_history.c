/*
 * policy_history.c — policy runs kept per scope (docs/store.md, "Policy
 * history"): the results document of a `vigil policy eval` run
 * (docs/policy.md, "The results document", version
 * VG_POLICY_RESULTS_VERSION) kept byte for byte, with the counts, the
 * status of each requirement and the status of each result in tables, so
 * that the trend of a requirement, since when it (or a result) has had its
 * status, and which results changed from run to run are read from indexes,
 * never from the documents.
 *
 * A results document is untrusted input (it may come from a file):
 * store_policy_parse() reads it within bounds and refuses it whole unless
 * every result and requirement is well formed, every fingerprint is the
 * SHA-256 of its rule, a NUL byte and its resource (as the engine makes
 * it), and the summary counts the results.
 *
 * The runs of a scope are ordered by their time (the document's "time"),
 * then by the order they were kept in; run numbers (1, 2, ...) count the
 * runs of a scope in the order they were kept.
 *
 * Leaves out: deleting runs (`inventory prune` keeps them), the results'
 * messages, reasons and evidence (the kept document has them).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "store/store_internal.h"
#include "vigil/digest.h"
#include "vigil/json.h"
#include "vigil/map.h"
#include "vigil/policy.h"

#define RESULTS_MEDIA_TYPE "application/vnd.vigil.policy-results+json"
#define ID_MAX 64 /* bytes of a rule or requirement id (the engine's bound) */

/* The statuses of results, in the order of the count columns; the sixth
 * count is of waived results. */
static const char *const count_names[STORE_POLICY_COUNTS] = {"pass", "fail", "not_applicable", "skip", "error",
                                                             "waived"};

static int result_status(const char *s)
{
    for (int i = 0; s && i < STORE_POLICY_COUNTS - 1; i++)
        if (strcmp(s, count_names[i]) == 0)
            return i;
    return -1;
}

int vg_store_policy_check_scope(vg_ctx *ctx, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    json_t *utf8 = n ? json_string(name) : NULL; /* NULL unless valid UTF-8 */
    int ok = utf8 && n <= VG_STORE_SCOPE_MAX;
    json_decref(utf8);
    for (const unsigned char *p = (const unsigned char *)name; ok && *p; p++)
        ok = *p >= 0x20 && *p != 0x7f;
    return ok ? VG_OK
              : vg_error(ctx, VG_ERR_USAGE, "scope '%.300s': a scope is 1 to %d bytes of UTF-8 without control "
                                            "characters, e.g. product-a/prod", name ? name : "", VG_STORE_SCOPE_MAX);
}

/* ---- reading a results document -------------------------------------------- */

/* The string member key of o when it is 1..max bytes without a NUL. */
static const char *text_member(const json_t *o, const char *key, size_t max)
{
    const json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    return s && n > 0 && n <= max && strlen(s) == n ? s : NULL;
}

/* An id: 1..ID_MAX printable ASCII bytes, no space (the rules of a
 * requirement are kept separated by spaces). */
static int valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return 0;
    return 1;
}

static int fingerprint_of(const char *rule, const char *resource, unsigned char out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, rule, strlen(rule) + 1) &&
             EVP_DigestUpdate(md, resource, strlen(resource)) && EVP_DigestFinal_ex(md, out, &len) && len == 32;
    EVP_MD_CTX_free(md);
    return ok ? VG_OK : VG_ERR_NOMEM;
}

static int fingerprint_cmp(const void *a, const void *b)
{
    return memcmp(((const store_policy_result *)a)->fingerprint, ((const store_policy_result *)b)->fingerprint, 32);
}

/* Result i of the document into r, its requirements counted in run. */
static int parse_result(vg_ctx *ctx, const char *name, const json_t *o, size_t i, const vg_map *reqs,
                        store_policy_run *run, store_policy_result *r)
{
    r->rule = text_member(o, "rule", ID_MAX);
    r->resource = text_member(o, "resource", VG_STORE_POLICY_MAX_TEXT);
    r->status = json_string_value(json_object_get(o, "status"));
    const char *fp = json_string_value(json_object_get(o, "fingerprint"));
    const json_t *waiver = json_object_get(o, "waiver"), *cited = json_object_get(o, "requirements");
    int status = result_status(r->status);
    if (!json_is_object(o) || !valid_id(r->rule) || !r->resource)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu has no rule id or resource (of at most %d bytes)", name,
                        i + 1, VG_STORE_POLICY_MAX_TEXT);
    if (status < 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu (%s, %.200s): status is not one of pass, fail, "
                        "not_applicable, skip, error", name, i + 1, r->rule, r->resource);
    if (waiver && !json_is_null(waiver) && !json_is_object(waiver))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu (%s, %.200s): waiver is not an object", name, i + 1,
                        r->rule, r->resource);
    if (cited && (!json_is_array(cited) || json_array_size(cited) > VG_STORE_POLICY_MAX_REQUIREMENTS))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu (%s, %.200s): requirements is not a list of at most %d",
                        name, i + 1, r->rule, r->resource, VG_STORE_POLICY_MAX_REQUIREMENTS);
    if (fingerprint_of(r->rule, r->resource, r->fingerprint))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    char hex[65];
    vg_hex_encode(hex, r->fingerprint, 32);
    if (!fp || strcmp(fp, hex) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: result %zu (%s, %.200s): its fingerprint is not the SHA-256 of its "
                        "rule and resource: the document was altered", name, i + 1, r->rule, r->resource);
    r->waived = waiver && json_is_object(waiver);
    run->counts[status]++;
    run->counts[STORE_POLICY_COUNTS - 1] += r->waived;
    size_t j;
    const json_t *id;
    json_array_foreach(cited, j, id) {
        const char *s = json_string_value(id);
        store_policy_requirement *q = s ? vg_map_get(reqs, s, strlen(s)) : NULL;
        if (q) {
            q->counts[status]++;
            q->counts[STORE_POLICY_COUNTS - 1] += r->waived;
        }
    }
    return VG_OK;
}

/* Requirement i of the document into q; vg_map_put(reqs, id, q). */
static int parse_requirement(vg_ctx *ctx, const char *name, const json_t *o, size_t i, vg_map *reqs,
                             store_policy_requirement *q)
{
    q->id = text_member(o, "id", ID_MAX);
    q->status = json_string_value(json_object_get(o, "status"));
    const json_t *rules = json_object_get(o, "rules");
    if (!json_is_object(o) || !valid_id(q->id))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %zu has no id (printable, at most %d bytes)", name, i + 1,
                        ID_MAX);
    if (!q->status || (strcmp(q->status, "pass") && strcmp(q->status, "fail") && strcmp(q->status, "not_checked")))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: status is not one of pass, fail, not_checked", name,
                        q->id);
    if (!json_is_array(rules) || json_array_size(rules) > VG_STORE_POLICY_MAX_RULES)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: rules is not a list of at most %d rule ids", name,
                        q->id, VG_STORE_POLICY_MAX_RULES);
    if (vg_map_get(reqs, q->id, strlen(q->id)))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s is listed twice", name, q->id);
    vg_buf text;
    vg_buf_init(&text, (size_t)VG_STORE_POLICY_MAX_RULES * (ID_MAX + 1));
    size_t j;
    const json_t *rule;
    int rc = VG_OK;
    json_array_foreach(rules, j, rule) {
        if (!valid_id(json_string_value(rule))) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: requirement %s: rule %zu is not a rule id", name, q->id, j + 1);
            break;
        }
        if ((rc = vg_buf_addf(&text, "%s%s", j ? " " : "", json_string_value(rule))) != VG_OK) {
            rc = vg_error(ctx, rc, "out of memory");
            break;
        }
    }
    q->rules = rc ? NULL : text.data ? text.data : strdup("");
    if (rc == VG_OK && (!q->rules || vg_map_put(reqs, q->id, strlen(q->id), q)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc)
        vg_buf_free(&text);
    return rc;
}

void store_policy_run_free(store_policy_run *run)
{
    for (size_t i = 0; i < run->nrequirements; i++)
        free(run->requirements[i].rules);
    free(run->requirements);
    free(run->results);
    json_decref(run->root);
    memset(run, 0, sizeof *run);
}

int store_policy_parse(vg_ctx *ctx, const char *name, const char *doc, size_t len, store_policy_run *out)
{
    memset(out, 0, sizeof *out);
    if (len > VG_STORE_MAX_DOCUMENT)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %zu bytes: larger than the %zu bytes a store keeps", name, len,
                        (size_t)VG_STORE_MAX_DOCUMENT);
    int rc = vg_json_parse(ctx, name, doc, len, &out->root);
    if (rc)
        return rc;
    const json_t *root = out->root, *version = json_object_get(root, "vigil-policy-results");
    const json_t *results = json_object_get(root, "results"), *reqs = json_object_get(root, "requirements");
    const json_t *summary = json_object_get(root, "summary");
    const char *time = json_string_value(json_object_get(root, "time"));
    if (!json_is_object(root) || !json_is_integer(version))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not a vigil policy results document (vigil policy eval -o json)", name);
    else if (json_integer_value(version) != VG_POLICY_RESULTS_VERSION)
        rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: a results document of version %lld; this vigil keeps version %d "
                      "(run the evaluation again with this vigil)", name, (long long)json_integer_value(version),
                      VG_POLICY_RESULTS_VERSION);
    else if (!time || vg_policy_parse_time(time, &out->time) || out->time <= 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: time is not an RFC 3339 time after 1970", name);
    else if (!json_is_array(results) || !json_is_array(reqs) || !json_is_object(summary))
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: the document lacks its results, requirements or summary", name);
    else if (json_array_size(results) > VG_STORE_POLICY_MAX_RESULTS ||
             json_array_size(reqs) > VG_STORE_POLICY_MAX_REQUIREMENTS)
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: %zu results and %zu requirements: a store keeps at most %d and %d", name,
                      json_array_size(results), json_array_size(reqs), VG_STORE_POLICY_MAX_RESULTS,
                      VG_STORE_POLICY_MAX_REQUIREMENTS);
    if (rc)
        goto fail;
    size_t nres = json_array_size(results), nreq = json_array_size(reqs);
    out->results = calloc(nres ? nres : 1, sizeof *out->results);
    out->requirements = calloc(nreq ? nreq : 1, sizeof *out->requirements);
    vg_map by_id;
    vg_map_init(&by_id);
    if (!out->results || !out->requirements)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < nreq; i++, out->nrequirements++)
        rc = parse_requirement(ctx, name, json_array_get(reqs, i), i, &by_id, &out->requirements[i]);
    for (size_t i = 0; rc == VG_OK && i < nres; i++, out->nresults++)
        rc = parse_result(ctx, name, json_array_get(results, i), i, &by_id, out, &out->results[i]);
    vg_map_free(&by_id);
    if (rc)
        goto fail;
    /* One result per rule and resource, as the engine makes them. */
    store_policy_result *sorted = out->results;
    qsort(sorted, out->nresults, sizeof *sorted, fingerprint_cmp);
    for (size_t i = 1; rc == VG_OK && i < out->nresults; i++)
        if (fingerprint_cmp(&sorted[i - 1], &sorted[i]) == 0)
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: two results of rule %s for resource %.200s", name, sorted[i].rule,
                          sorted[i].resource);
    for (int i = 0; rc == VG_OK && i < STORE_POLICY_COUNTS; i++) {
        const json_t *n = json_object_get(summary, count_names[i]);
        if (!json_is_integer(n) || json_integer_value(n) != out->counts[i])
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: the summary does not count its results (%s: %lld results): the "
                          "document was altered", name, count_names[i], (long long)out->counts[i]);
    }
    if (rc == VG_OK)
        return VG_OK;
fail:
    store_policy_run_free(out);
    return rc;
}

/* ---- keeping a run --------------------------------------------------------------- */

typedef struct keep_rows {
    const store_policy_run *run;
    int64_t run_id;
} keep_rows;

static int bind_counts(vg_db_stmt *st, int p, const int64_t *counts)
{
    int rc = VG_OK;
    for (int i = 0; rc == VG_OK && i < STORE_POLICY_COUNTS; i++)
        rc = vg_db_bind_int(st, p + i, counts[i]);
    return rc;
}

static int bind_requirement(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const keep_rows *k = arg;
    const store_policy_requirement *q = &k->run->requirements[i];
    int rc = vg_db_bind_int(st, p, k->run_id);
    rc = rc ? rc : vg_db_bind_text(st, p + 1, q->id);
    rc = rc ? rc : vg_db_bind_text(st, p + 2, q->status);
    rc = rc ? rc : vg_db_bind_text(st, p + 3, q->rules);
    return rc ? rc : bind_counts(st, p + 4, q->counts);
}

static int bind_key(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const store_policy_result *r = &((const keep_rows *)arg)->run->results[i];
    int rc = vg_db_bind_blob(st, p, r->fingerprint, 32);
    rc = rc ? rc : vg_db_bind_text(st, p + 1, r->rule);
    return rc ? rc : vg_db_bind_text(st, p + 2, r->resource);
}

static int bind_result(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const keep_rows *k = arg;
    const store_policy_result *r = &k->run->results[i];
    int rc = vg_db_bind_int(st, p, k->run_id);
    rc = rc ? rc : vg_db_bind_blob(st, p + 1, r->fingerprint, 32);
    rc = rc ? rc : vg_db_bind_text(st, p + 2, r->status);
    return rc ? rc : vg_db_bind_int(st, p + 3, r->waived);
}

static json_t *counts_json(const int64_t *counts)
{
    json_t *o = json_object();
    for (int i = 0; o && i < STORE_POLICY_COUNTS; i++)
        if (json_object_set_new(o, count_names[i], json_integer((json_int_t)counts[i]))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

/* Inside the transaction: the scope's next run number, the document, the
 * run and its rows. */
static int keep_run(vg_ctx *ctx, vg_store *store, const char *scope, const char *doc, size_t len,
                    const store_policy_run *run, int64_t *seq, char digest[72])
{
    vg_db_stmt *st;
    /* The scope's row is locked until the commit: writers of one scope
     * take their numbers in turn (on SQLite, writers take turns anyway). */
    int rc = store_prepare(ctx, store,
                           "INSERT INTO policy_scope(name, runs) VALUES (?, 1) ON CONFLICT(name)"
                           " DO UPDATE SET runs = policy_scope.runs + 1 RETURNING id, runs",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, scope);
    int64_t scope_id = 0;
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        scope_id = vg_db_column_int(st, 0);
        *seq = vg_db_column_int(st, 1);
        rc = VG_OK;
    }
    vg_db_finalize(st);
    if (rc == VG_OK && !scope_id)
        rc = vg_error(ctx, VG_ERR_IO, "%s: scope %s was not stored", vg_db_name(store->db), scope);
    if (rc || (rc = store_document_put(ctx, store, doc, len, RESULTS_MEDIA_TYPE, digest)) ||
        (rc = store_prepare(ctx, store,
                            "INSERT INTO policy_run(scope_id, seq, time, document, pass, fail, not_applicable, skip,"
                            " error, waived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            &st)))
        return rc;
    vg_db_bind_int(st, 1, scope_id);
    vg_db_bind_int(st, 2, *seq);
    vg_db_bind_int(st, 3, run->time);
    vg_db_bind_text(st, 4, digest);
    bind_counts(st, 5, run->counts);
    keep_rows k = {run, 0};
    rc = store_insert_id(ctx, store, st, "storing the policy run", &k.run_id);
    if (rc == VG_OK)
        rc = store_batch_run(ctx, store,
                             "INSERT INTO policy_requirement(run_id, requirement, status, rules, pass, fail,"
                             " not_applicable, skip, error, waived) VALUES",
                             10, NULL, run->nrequirements, bind_requirement, &k);
    if (rc == VG_OK)
        rc = store_batch_run(ctx, store, "INSERT INTO policy_result_key(fingerprint, rule, resource) VALUES", 3,
                             " ON CONFLICT(fingerprint) DO NOTHING", run->nresults, bind_key, &k);
    if (rc == VG_OK)
        rc = store_batch_run(ctx, store, "INSERT INTO policy_result(run_id, fingerprint, status, waived) VALUES", 4,
                             NULL, run->nresults, bind_result, &k);
    return rc;
}

int vg_store_policy_keep(vg_ctx *ctx, vg_store *store, const char *scope, const char *name, const char *doc,
                         size_t len, json_t **out)
{
    *out = NULL;
    store_policy_run run;
    int rc = vg_store_policy_check_scope(ctx, scope);
    if (rc || (rc = store_policy_parse(ctx, name, doc, len, &run)))
        return rc;
    int64_t seq = 0;
    char digest[72];
    if ((rc = vg_db_begin(ctx, store->db)) == VG_OK) {
        rc = keep_run(ctx, store, scope, doc, len, &run, &seq, digest);
        rc = rc ? rc : vg_db_commit(ctx, store->db);
        if (rc)
            vg_db_rollback(store->db);
    }
    if (rc == VG_OK) {
        *out = json_pack("{sssIsosssosIsI}", "scope", scope, "run", (json_int_t)seq, "time", store_json_time(run.time),
                         "document", digest, "summary", counts_json(run.counts), "requirements",
                         (json_int_t)run.nrequirements, "results", (json_int_t)run.nresults);
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    store_policy_run_free(&run);
    return rc;
}

/* ---- reading the history ------------------------------------------------------- */

typedef struct run_row {
    int64_t id, seq, time;
} run_row;

static int scope_of(vg_ctx *ctx, vg_store *store, const char *scope, int64_t *id, int64_t *runs)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT id, runs FROM policy_scope WHERE name = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, scope);
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        *id = vg_db_column_int(st, 0);
        *runs = vg_db_column_int(st, 1);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: no policy runs are kept for scope %s (vigil policy history lists "
                      "the scopes)", vg_db_name(store->db), scope);
    }
    vg_db_finalize(st);
    return rc;
}

typedef struct run_list {
    vg_ctx *ctx;
    run_row *rows;
    size_t n, cap;
    json_t *json; /* [{"run", "time", "document", "summary"}] */
} run_list;

static int take_run(void *arg, vg_db_stmt *st)
{
    run_list *l = arg;
    int64_t counts[STORE_POLICY_COUNTS];
    for (int i = 0; i < STORE_POLICY_COUNTS; i++)
        counts[i] = vg_db_column_int(st, 4 + i);
    if (store_reserve(&l->rows, &l->cap, l->n, sizeof *l->rows) ||
        json_array_append_new(l->json, json_pack("{sIsossso}", "run", (json_int_t)vg_db_column_int(st, 1), "time",
                                                 store_json_time(vg_db_column_int(st, 2)), "document",
                                                 vg_db_column_text(st, 3), "summary", counts_json(counts))))
        return vg_error(l->ctx, VG_ERR_NOMEM, "out of memory");
    l->rows[l->n++] = (run_row){vg_db_column_int(st, 0), vg_db_column_int(st, 1), vg_db_column_int(st, 2)};
    return VG_OK;
}

/* The last (at most) `last` runs of the scope, oldest first, into l. */
static int last_runs(vg_ctx *ctx, vg_store *store, int64_t scope_id, size_t last, run_list *l)
{
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           "SELECT id, seq, time, document, pass, fail, not_applicable, skip, error, waived"
                           " FROM policy_run WHERE scope_id = ? ORDER BY time DESC, id DESC LIMIT ?",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, scope_id);
    vg_db_bind_int(st, 2, (int64_t)last);
    if ((rc = store_rows(ctx, st, take_run, l)))
        return rc;
    for (size_t i = 0; i < l->n / 2; i++) {
        run_row t = l->rows[i];
        l->rows[i] = l->rows[l->n - 1 - i];
        l->rows[l->n - 1 - i] = t;
        json_t *a = json_incref(json_array_get(l->json, i)), *b = json_incref(json_array_get(l->json, l->n - 1 - i));
        json_array_set_new(l->json, i, b);
        json_array_set_new(l->json, l->n - 1 - i, a);
    }
    return VG_OK;
}

static int check_last(vg_ctx *ctx, size_t last)
{
    return last >= 1 && last <= VG_STORE_POLICY_MAX_LAST
               ? VG_OK
               : vg_error(ctx, VG_ERR_USAGE, "the last %zu runs: give 1 to %d", last, VG_STORE_POLICY_MAX_LAST);
}

/* scope_of() and last_runs() with l initialised; *total: runs kept. */
static int open_window(vg_ctx *ctx, vg_store *store, const char *scope, size_t last, run_list *l, int64_t *scope_id,
                       int64_t *total)
{
    *l = (run_list){.ctx = ctx, .json = json_array()};
    int rc = l->json ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    rc = rc ? rc : check_last(ctx, last);
    rc = rc ? rc : scope_of(ctx, store, scope, scope_id, total);
    return rc ? rc : last_runs(ctx, store, *scope_id, last, l);
}

static void run_list_free(run_list *l)
{
    free(l->rows);
    json_decref(l->json);
}

int vg_store_policy_runs(vg_ctx *ctx, vg_store *store, const char *scope, size_t last, json_t **out)
{
    *out = NULL;
    run_list l;
    int64_t scope_id, total;
    int rc = open_window(ctx, store, scope, last, &l, &scope_id, &total);
    if (rc == VG_OK && !(*out = json_pack("{sssIsO}", "scope", scope, "runs_kept", (json_int_t)total, "runs", l.json)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    run_list_free(&l);
    return rc;
}

static int take_scope(void *arg, vg_db_stmt *st)
{
    json_t *list = arg;
    return json_array_append_new(list, json_pack("{sssIsoso}", "scope", vg_db_column_text(st, 0), "runs",
                                                 (json_int_t)vg_db_column_int(st, 1), "first",
                                                 store_json_time(vg_db_column_int(st, 2)), "latest",
                                                 store_json_time(vg_db_column_int(st, 3))))
               ? VG_ERR_NOMEM
               : VG_OK;
}

int vg_store_policy_scopes(vg_ctx *ctx, vg_store *store, json_t **out)
{
    *out = json_array();
    if (!*out)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = store_select(ctx, store,
                          "SELECT s.name, s.runs, MIN(r.time), MAX(r.time) FROM policy_scope s"
                          " JOIN policy_run r ON r.scope_id = s.id GROUP BY s.id, s.name, s.runs ORDER BY s.name",
                          take_scope, *out);
    if (rc == VG_ERR_NOMEM)
        rc = vg_error(ctx, rc, "out of memory");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* "Since when": a statement giving, for each row that SELECT COLS FROM
 * FROM gives (each a requirement or result of the newest run of a
 * window), the run of the scope since which it has held, as the last two
 * columns (that run's seq and time): the run after the last run before
 * the newest in which HELD (an EXISTS clause on run r, about the row) is
 * false, or the scope's first run.  The two correlated subqueries walk
 * the index policy_run_by_time from the newest run back and from that run
 * on, probing the primary key of the rows HELD reads: one statement, the
 * work on the server.  Parameters: the scope, the scope, the newest run's
 * time and id, then those of FROM.  Columns: COLS, bi, since_id, seq,
 * time. */
#define SINCE_SQL(COLS, HELD, FROM)                                                                                    \
    "SELECT u.*, sr.seq, sr.time FROM (SELECT t.*, (SELECT s.id FROM policy_run s WHERE s.scope_id = ?"               \
    " AND (b.id IS NULL OR (s.time, s.id) > (b.time, b.id)) ORDER BY s.time, s.id LIMIT 1) AS since_id"              \
    " FROM (SELECT " COLS ", (SELECT r.id FROM policy_run r WHERE r.scope_id = ? AND (r.time, r.id) < (?, ?)"       \
    " AND NOT EXISTS (" HELD ") ORDER BY r.time DESC, r.id DESC LIMIT 1) AS bi FROM " FROM ") t"                    \
    " LEFT JOIN policy_run b ON b.id = t.bi) u JOIN policy_run sr ON sr.id = u.since_id"

static void bind_since(vg_db_stmt *st, int64_t scope_id, const run_row *newest)
{
    vg_db_bind_int(st, 1, scope_id);
    vg_db_bind_int(st, 2, scope_id);
    vg_db_bind_int(st, 3, newest->time);
    vg_db_bind_int(st, 4, newest->id);
}

/* What the trend collects per requirement. */
typedef struct trend_entry {
    const char *id;
    const char **status;  /* per run of the window; NULL: not in that run */
    char **rules;         /* likewise */
    int64_t counts[STORE_POLICY_COUNTS]; /* in the newest run holding it */
    size_t newest;        /* the index of that run + 1; 0: none yet */
    int64_t since_seq, since_time; /* when it is in the window's newest run */
} trend_entry;

typedef struct run_index {
    int64_t id;
    size_t index; /* in the window */
} run_index;

typedef struct trend_state {
    vg_ctx *ctx;
    vg_arena arena;
    vg_map by_id;
    const run_list *runs;
    run_index *index; /* the window's runs by id */
    const char *only; /* the one requirement asked for, or NULL */
    trend_entry **list;
    size_t n, cap;
} trend_state;

static int run_index_cmp(const void *a, const void *b)
{
    int64_t x = ((const run_index *)a)->id, y = ((const run_index *)b)->id;
    return (x > y) - (x < y);
}

static int take_requirement(void *arg, vg_db_stmt *st)
{
    trend_state *t = arg;
    const char *id = vg_db_column_text(st, 1);
    run_index probe = {vg_db_column_int(st, 0), 0};
    const run_index *hit = bsearch(&probe, t->index, t->runs->n, sizeof *t->index, run_index_cmp);
    if (!id || !hit || (t->only && strcmp(id, t->only) != 0))
        return VG_OK;
    size_t run = hit->index;
    trend_entry *e = vg_map_get(&t->by_id, id, strlen(id));
    if (!e) {
        size_t n = t->runs->n;
        e = vg_arena_alloc(&t->arena, sizeof *e);
        if (!e || !(e->status = vg_arena_alloc(&t->arena, n * sizeof *e->status)) ||
            !(e->rules = vg_arena_alloc(&t->arena, n * sizeof *e->rules)) ||
            !(e->id = vg_arena_strdup(&t->arena, id)) || store_reserve(&t->list, &t->cap, t->n, sizeof *t->list) ||
            vg_map_put(&t->by_id, e->id, strlen(e->id), e))
            return vg_error(t->ctx, VG_ERR_NOMEM, "out of memory");
        memset(e->status, 0, n * sizeof *e->status);
        memset(e->rules, 0, n * sizeof *e->rules);
        e->newest = 0;
        t->list[t->n++] = e;
    }
    if (!(e->status[run] = vg_arena_strdup(&t->arena, vg_db_column_text(st, 2))) ||
        !(e->rules[run] = vg_arena_strdup(&t->arena, vg_db_column_text(st, 3))))
        return vg_error(t->ctx, VG_ERR_NOMEM, "out of memory");
    if (run + 1 > e->newest) {
        e->newest = run + 1;
        for (int i = 0; i < STORE_POLICY_COUNTS; i++)
            e->counts[i] = vg_db_column_int(st, 4 + i);
    }
    return VG_OK;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp((*(trend_entry *const *)a)->id, (*(trend_entry *const *)b)->id);
}

/* The rule ids of a requirement's rules text as a JSON array. */
static json_t *rules_json(const char *rules)
{
    json_t *list = json_array();
    for (const char *p = rules; list && p && *p;) {
        size_t n = strcspn(p, " ");
        if (json_array_append_new(list, json_stringn(p, n))) {
            json_decref(list);
            return NULL;
        }
        p += n + (p[n] == ' ');
    }
    return list;
}

/* Since when each requirement of the newest run of the window has had its
 * status, into its entry. */
static int requirements_since(vg_ctx *ctx, vg_store *store, int64_t scope_id, trend_state *t)
{
    const run_row *newest = &t->runs->rows[t->runs->n - 1];
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store,
                           SINCE_SQL("q.requirement", "SELECT 1 FROM policy_requirement y WHERE y.run_id = r.id"
                                     " AND y.requirement = q.requirement AND y.status = q.status",
                                     "policy_requirement q WHERE q.run_id = ?"),
                           &st);
    if (rc)
        return rc;
    bind_since(st, scope_id, newest);
    vg_db_bind_int(st, 5, newest->id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        const char *id = vg_db_column_text(st, 0);
        trend_entry *e = id ? vg_map_get(&t->by_id, id, strlen(id)) : NULL;
        if (e) {
            e->since_seq = vg_db_column_int(st, 3);
            e->since_time = vg_db_column_int(st, 4);
        }
    }
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* The object of one requirement: its trend over the window, its status in
 * the newest run and since when it has had it. */
static json_t *entry_json(const run_list *runs, const trend_entry *e)
{
    json_t *trend = json_array();
    for (size_t i = 0; trend && i < runs->n; i++)
        if (json_array_append_new(trend, store_json_text(e->status[i]))) {
            json_decref(trend);
            trend = NULL;
        }
    const char *status = e->status[runs->n - 1];
    return json_pack("{sssosososososo}", "id", e->id, "status", store_json_text(status), "since",
                     status ? store_json_time(e->since_time) : json_null(), "since_run",
                     status ? json_integer((json_int_t)e->since_seq) : json_null(), "trend", trend, "counts",
                     status ? counts_json(e->counts) : json_null(), "rules", rules_json(e->rules[e->newest - 1]));
}

/* "?, ?, ..." with one '?' per rule of the two rules texts (a rule in both
 * once) appended to sql, for an IN list; the rules, in order, into ids
 * (*n of them). */
static int rules_in(const char *a, const char *b, vg_buf *sql, const char **ids, size_t *n, vg_arena *arena)
{
    *n = 0;
    const char *texts[2] = {a, b};
    int rc = VG_OK;
    for (int t = 0; t < 2; t++) {
        for (const char *p = texts[t]; rc == VG_OK && p && *p;) {
            size_t len = strcspn(p, " "), k;
            char *id = vg_arena_alloc(arena, len + 1);
            if (!id)
                return VG_ERR_NOMEM;
            memcpy(id, p, len);
            id[len] = '\0';
            p += len + (p[len] == ' ');
            for (k = 0; k < *n && strcmp(ids[k], id) != 0; k++)
                ;
            if (k == *n && *n < 2 * VG_STORE_POLICY_MAX_RULES) {
                ids[(*n)++] = id;
                rc = vg_buf_addstr(sql, *n > 1 ? ", ?" : "?");
            }
        }
    }
    return rc;
}

static json_t *state_json(vg_db_stmt *st, int col)
{
    if (vg_db_column_null(st, col))
        return json_null();
    return json_pack("{sssb}", "status", vg_db_column_text(st, col), "waived", vg_db_column_int(st, col + 1) != 0);
}

static json_t *fingerprint_json(vg_db_stmt *st, int col)
{
    size_t len;
    const unsigned char *fp = vg_db_column_blob(st, col, &len);
    char hex[65];
    if (!fp || len != 32)
        return json_null();
    vg_hex_encode(hex, fp, 32);
    return json_string(hex);
}

/* The results of the requirement's rules that changed from run b - 1 to
 * run b of the window (status or waiver; came; went), appended to changes
 * as {"run", "previous", "time", "results"} when there are some. */
static int run_changes(vg_ctx *ctx, vg_store *store, const run_list *runs, const trend_entry *e, size_t b,
                       json_t *changes)
{
    const char *ids[2 * VG_STORE_POLICY_MAX_RULES];
    size_t nids;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_buf in, sql;
    vg_buf_init(&in, (size_t)1 << 20);
    vg_buf_init(&sql, (size_t)1 << 21);
    int rc = rules_in(e->rules[b - 1], e->rules[b], &in, ids, &nids, &arena);
    if (rc == VG_OK && nids)
        rc = vg_buf_addf(&sql,
                         "SELECT k.rule, k.resource, k.fingerprint, p.status, p.waived, c.status, c.waived"
                         " FROM policy_result c JOIN policy_result_key k ON k.fingerprint = c.fingerprint"
                         " LEFT JOIN policy_result p ON p.run_id = ? AND p.fingerprint = c.fingerprint"
                         " WHERE c.run_id = ? AND k.rule IN (%s)"
                         " AND (p.status IS NULL OR p.status <> c.status OR p.waived <> c.waived)"
                         " UNION ALL SELECT k.rule, k.resource, k.fingerprint, p.status, p.waived, NULL, NULL"
                         " FROM policy_result p JOIN policy_result_key k ON k.fingerprint = p.fingerprint"
                         " WHERE p.run_id = ? AND k.rule IN (%s) AND NOT EXISTS"
                         " (SELECT 1 FROM policy_result c WHERE c.run_id = ? AND c.fingerprint = p.fingerprint)"
                         " ORDER BY 1, 2",
                         in.data, in.data);
    vg_db_stmt *st = NULL;
    json_t *list = json_array();
    if (rc == VG_OK && !list)
        rc = VG_ERR_NOMEM;
    if (rc)
        rc = vg_error(ctx, rc, "out of memory");
    else if (nids && (rc = store_prepare(ctx, store, sql.data, &st)) == VG_OK) {
        int p = 1;
        vg_db_bind_int(st, p++, runs->rows[b - 1].id);
        vg_db_bind_int(st, p++, runs->rows[b].id);
        for (size_t i = 0; i < nids; i++)
            vg_db_bind_text(st, p++, ids[i]);
        vg_db_bind_int(st, p++, runs->rows[b - 1].id);
        for (size_t i = 0; i < nids; i++)
            vg_db_bind_text(st, p++, ids[i]);
        vg_db_bind_int(st, p++, runs->rows[b].id);
        while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
            if (json_array_append_new(list, json_pack("{sssssososo}", "rule", vg_db_column_text(st, 0), "resource",
                                                      vg_db_column_text(st, 1), "fingerprint", fingerprint_json(st, 2),
                                                      "from", state_json(st, 3), "to", state_json(st, 5)))) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
        rc = rc == VG_DB_DONE ? VG_OK : rc;
        vg_db_finalize(st);
    }
    if (rc == VG_OK && json_array_size(list) &&
        json_array_append_new(changes, json_pack("{sIsIsosO}", "run", (json_int_t)runs->rows[b].seq, "previous",
                                                 (json_int_t)runs->rows[b - 1].seq, "time",
                                                 store_json_time(runs->rows[b].time), "results", list)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_decref(list);
    vg_buf_free(&in);
    vg_buf_free(&sql);
    vg_arena_free(&arena);
    return rc;
}

/* The results of the requirement's rules in the newest run that do not
 * pass (fail, skip, error, or waived), each with since when it has had
 * its status and waiver, into *out. */
static int open_results(vg_ctx *ctx, vg_store *store, int64_t scope_id, const run_list *runs, const trend_entry *e,
                        json_t **out)
{
    *out = json_array();
    const run_row *newest = &runs->rows[runs->n - 1];
    const char *ids[2 * VG_STORE_POLICY_MAX_RULES];
    size_t nids;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_buf in, sql;
    vg_buf_init(&in, (size_t)1 << 20);
    vg_buf_init(&sql, (size_t)1 << 21);
    int rc = *out ? rules_in(e->rules[runs->n - 1], NULL, &in, ids, &nids, &arena) : VG_ERR_NOMEM;
    if (rc == VG_OK && nids)
        rc = vg_buf_addf(&sql,
                         SINCE_SQL("k.rule, k.resource, x.fingerprint, x.status, x.waived",
                                   "SELECT 1 FROM policy_result y WHERE y.run_id = r.id AND y.fingerprint = x.fingerprint"
                                   " AND y.status = x.status AND y.waived = x.waived",
                                   "policy_result x JOIN policy_result_key k ON k.fingerprint = x.fingerprint"
                                   " WHERE x.run_id = ? AND (x.status NOT IN ('pass', 'not_applicable')"
                                   " OR x.waived <> 0) AND k.rule IN (%s)") " ORDER BY 1, 2",
                         in.data);
    if (rc)
        rc = vg_error(ctx, rc, "out of memory");
    vg_db_stmt *st = NULL;
    if (rc == VG_OK && nids && (rc = store_prepare(ctx, store, sql.data, &st)) == VG_OK) {
        bind_since(st, scope_id, newest);
        vg_db_bind_int(st, 5, newest->id);
        for (size_t i = 0; i < nids; i++)
            vg_db_bind_text(st, (int)i + 6, ids[i]);
        while (rc == VG_OK && (rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
            json_t *r = json_pack("{sssssosssbsoso}", "rule", vg_db_column_text(st, 0), "resource",
                                  vg_db_column_text(st, 1), "fingerprint", fingerprint_json(st, 2), "status",
                                  vg_db_column_text(st, 3), "waived", vg_db_column_int(st, 4) != 0, "since",
                                  store_json_time(vg_db_column_int(st, 8)), "since_run",
                                  json_integer((json_int_t)vg_db_column_int(st, 7)));
            rc = r && !json_array_append_new(*out, r) ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
        rc = rc == VG_DB_DONE ? VG_OK : rc;
        vg_db_finalize(st);
    }
    vg_buf_free(&in);
    vg_buf_free(&sql);
    vg_arena_free(&arena);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The drill-down of one requirement: its entry, the changes from run to
 * run, the results that do not pass now. */
static int requirement_detail(vg_ctx *ctx, vg_store *store, int64_t scope_id, const run_list *runs,
                              const trend_entry *e, json_t *doc)
{
    json_t *entry = NULL, *changes = json_array(), *open = NULL;
    int rc = changes && (entry = entry_json(runs, e)) ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t b = 1; rc == VG_OK && b < runs->n; b++)
        if (e->rules[b - 1] || e->rules[b])
            rc = run_changes(ctx, store, runs, e, b, changes);
    if (rc == VG_OK && e->status[runs->n - 1])
        rc = open_results(ctx, store, scope_id, runs, e, &open);
    if (rc == VG_OK && (json_object_set(doc, "requirement", entry) || json_object_set(doc, "changes", changes) ||
                        json_object_set_new(doc, "results", open ? open : json_array())))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    else if (rc)
        json_decref(open);
    json_decref(entry);
    json_decref(changes);
    return rc;
}

int vg_store_policy_trend(vg_ctx *ctx, vg_store *store, const char *scope, const char *requirement, size_t last,
                          json_t **out)
{
    *out = NULL;
    run_list runs;
    int64_t scope_id, total;
    trend_state t = {.ctx = ctx, .runs = &runs, .only = requirement};
    vg_arena_init(&t.arena);
    vg_map_init(&t.by_id);
    int rc = open_window(ctx, store, scope, last, &runs, &scope_id, &total);
    int64_t *ids = rc ? NULL : malloc((runs.n ? runs.n : 1) * sizeof *ids);
    t.index = rc ? NULL : malloc((runs.n ? runs.n : 1) * sizeof *t.index);
    if (rc == VG_OK && (!ids || !t.index))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < runs.n; i++) {
        ids[i] = runs.rows[i].id;
        t.index[i] = (run_index){runs.rows[i].id, i};
    }
    if (rc == VG_OK)
        qsort(t.index, runs.n, sizeof *t.index, run_index_cmp);
    if (rc == VG_OK)
        rc = store_run_ids(ctx, store,
                           "SELECT run_id, requirement, status, rules, pass, fail, not_applicable, skip, error, waived"
                           " FROM policy_requirement WHERE run_id IN",
                           "", ids, runs.n, take_requirement, &t, NULL);
    free(ids);
    if (rc == VG_OK)
        rc = requirements_since(ctx, store, scope_id, &t);
    if (t.n)
        qsort(t.list, t.n, sizeof *t.list, entry_cmp);
    json_t *doc = rc ? NULL : json_pack("{sssIsO}", "scope", scope, "runs_kept", (json_int_t)total, "runs", runs.json);
    if (rc == VG_OK && !doc)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && requirement) {
        rc = t.n ? requirement_detail(ctx, store, scope_id, &runs, t.list[0], doc)
                 : vg_error(ctx, VG_ERR_NOT_FOUND, "%s: scope %s: no run of the last %zu holds requirement %s",
                            vg_db_name(store->db), scope, runs.n, requirement);
    } else if (rc == VG_OK) {
        json_t *list = json_array();
        for (size_t i = 0; rc == VG_OK && i < t.n; i++) {
            if (json_array_append_new(list, entry_json(&runs, t.list[i])))
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
        if (rc == VG_OK && json_object_set(doc, "requirements", list))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        json_decref(list);
    }
    if (rc == VG_OK)
        *out = doc;
    else
        json_decref(doc);
    free(t.list);
    free(t.index);
    vg_map_free(&t.by_id);
    vg_arena_free(&t.arena);
    run_list_free(&runs);
    return rc;
}

int vg_store_policy_export(vg_ctx *ctx, vg_store *store, const char *scope, const char *run, vg_buf *out,
                           char *digest, size_t digest_size)
{
    vg_buf_init(out, 0);
    int64_t scope_id, total, seq = 0;
    char *end = NULL;
    int latest = run && strcmp(run, "latest") == 0;
    if (!latest && run && run[0] >= '1' && run[0] <= '9')
        seq = strtoll(run, &end, 10);
    if (!latest && (!end || *end || seq <= 0))
        return vg_error(ctx, VG_ERR_USAGE, "run '%s': give a run number (1, 2, ...) or latest", run ? run : "");
    int rc = scope_of(ctx, store, scope, &scope_id, &total);
    vg_db_stmt *st;
    if (rc || (rc = store_prepare(ctx, store,
                                  latest ? "SELECT document, seq FROM policy_run WHERE scope_id = ?"
                                           " ORDER BY time DESC, id DESC LIMIT 1"
                                         : "SELECT document, seq FROM policy_run WHERE scope_id = ? AND seq = ?",
                                  &st)))
        return rc;
    vg_db_bind_int(st, 1, scope_id);
    if (!latest)
        vg_db_bind_int(st, 2, seq);
    char doc[72] = "";
    if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        snprintf(doc, sizeof doc, "%s", vg_db_column_text(st, 0));
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s: scope %s has no run %s (its runs are 1 to %lld)",
                      vg_db_name(store->db), scope, run, (long long)total);
    }
    vg_db_finalize(st);
    if (rc == VG_OK && (rc = store_document_get(ctx, store, doc, out, NULL, 0)) == VG_OK && digest)
        snprintf(digest, digest_size, "%s", doc);
    return rc;
}
