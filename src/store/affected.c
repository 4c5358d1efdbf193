/*
 * affected.c — "are we affected?" (vg_store_affected(), docs/store.md
 * "Affected"): the assets whose latest (or any) snapshot holds a
 * vulnerability, by any of its ids, or a package, by purl with or without
 * a version or a version range (vers.h).
 *
 * Every lookup starts from an index, never from a scan of the spans:
 * - an id: finding_alias_by_alias -> finding -> its finding_span rows
 *   (finding_span_by_finding): the open ones for the latest snapshots, or
 *   every snapshot each span covers;
 * - a purl: component_by_package gives the candidate components of the
 *   versionless purl (as typed and in the canonical form vigil writes);
 *   qualifiers and the range are checked here, with the comparator of the
 *   purl type; component_span_by_component then gives the snapshots of
 *   the components that are in, and of those that could not be evaluated.
 *
 * Leaves out: "not evaluated" for ids (a snapshot's unchecked components
 * are in `vigil inventory show`), purls written in a non-canonical form in
 * a foreign SBOM unless typed the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_internal.h"
#include "vigil/purl.h"
#include "vigil/vers.h"

#define AFFECTED_MAX_QUERY (VG_PURL_MAX_LENGTH + VG_VERS_MAX_LEN)

typedef struct affected_row {
    const char *asset, *label, *purl, *name, *version;
    int64_t seq, created;
    const char *id, *severity; /* a vulnerability's; NULL for a purl */
    int64_t first_seen, fixed;
    int suppressed;
    const char *reason; /* not evaluated: why */
} affected_row;


/* A candidate component of a purl query. */
typedef struct candidate {
    int64_t id;
    const char *purl, *name, *version;
    const char *reason; /* NULL: in; else not evaluated, why */
} candidate;

typedef struct affected_state {
    vg_ctx *ctx;
    vg_store *store;
    vg_arena arena;
    int all;
    vg_buf matches, unevaluated; /* affected_row */
} affected_state;

#define AFFECTED_MAX_ARRAY ((size_t)1 << 31) /* bytes of one array of rows */

/* Appends r to rows; VG_ERR_NOMEM with the message in ctx. */
static int add_row(affected_state *s, vg_buf *rows, const affected_row *r)
{
    return vg_buf_add(rows, r, sizeof *r) ? vg_error(s->ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

static int row_cmp(const void *x, const void *y)
{
    const affected_row *a = x, *b = y;
    int c = strcmp(a->asset, b->asset);
    if (!c)
        c = (a->seq > b->seq) - (a->seq < b->seq);
    if (!c)
        c = store_text_cmp(a->purl, b->purl);
    if (!c)
        c = store_text_cmp(a->version, b->version);
    return c ? c : store_text_cmp(a->id, b->id);
}

/* ---- by vulnerability id --------------------------------------------------------- */

static int by_id(affected_state *s, const char *id)
{
    const char *sql = s->all
        ? "SELECT a.name, s.seq, s.version_label, s.created_at, c.purl, c.name, c.version, f.vuln, x.severity,"
          " f.first_seen, f.fixed_at, x.suppressed FROM finding_alias fa JOIN finding f ON f.id = fa.finding_id"
          " JOIN asset a ON a.id = f.asset_id JOIN finding_span x ON x.finding_id = f.id"
          " JOIN snapshot s ON " STORE_SPAN_IN("x", "s") " JOIN component c ON c.id = x.component_id WHERE fa.alias = ?"
        : "SELECT a.name, s.seq, s.version_label, s.created_at, c.purl, c.name, c.version, f.vuln, x.severity,"
          " f.first_seen, f.fixed_at, x.suppressed FROM finding_alias fa JOIN finding f ON f.id = fa.finding_id"
          " JOIN asset a ON a.id = f.asset_id JOIN finding_span x ON x.finding_id = f.id AND x.until IS NULL"
          " JOIN snapshot s ON s.id = a.latest_snapshot JOIN component c ON c.id = x.component_id"
          " WHERE fa.alias = ?";
    vg_db_stmt *st;
    int rc = store_prepare(s->ctx, s->store, sql, &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, id);
    vg_arena *a = &s->arena;
    while ((rc = vg_db_step(s->ctx, st)) == VG_DB_ROW) {
        affected_row r = {.asset = store_strdup(a, vg_db_column_text(st, 0)),
                          .seq = vg_db_column_int(st, 1),
                          .label = store_strdup(a, vg_db_column_text(st, 2)),
                          .created = vg_db_column_int(st, 3),
                          .purl = store_strdup(a, vg_db_column_text(st, 4)),
                          .name = store_strdup(a, vg_db_column_text(st, 5)),
                          .version = store_strdup(a, vg_db_column_text(st, 6)),
                          .id = store_strdup(a, vg_db_column_text(st, 7)),
                          .severity = store_strdup(a, vg_db_column_text(st, 8)),
                          .first_seen = vg_db_column_int(st, 9),
                          .fixed = vg_db_column_int(st, 10),
                          .suppressed = vg_db_column_int(st, 11) != 0};
        if (!r.asset || !r.id || !r.severity)
            rc = vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
        else
            rc = add_row(s, &s->matches, &r);
        if (rc)
            break;
    }
    vg_db_finalize(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* ---- by purl ------------------------------------------------------------------------ */

typedef struct purl_query {
    vg_purl purl;             /* type, namespace, name, qualifiers */
    const char *packages[2];  /* versionless purl: canonical, and as typed */
    size_t npackages;
    int has_range;
    vg_vers range;
    vg_version_scheme scheme; /* what the range is evaluated with */
    char range_text[VG_VERS_MAX_LEN + 64];
} purl_query;

/* VG_ERR_USAGE naming the query, with the message already in ctx. */
static int query_error(affected_state *s, const char *text)
{
    char why[sizeof s->ctx->message];
    snprintf(why, sizeof why, "%s", s->ctx->message);
    return vg_error(s->ctx, VG_ERR_USAGE, "%.200s: %s", text, why);
}

/* Takes "pkg:TYPE/NS/NAME[@VERSION|@RANGE][?QUALIFIERS][#SUBPATH]" apart. */
static int parse_purl_query(affected_state *s, const char *text, purl_query *q)
{
    size_t len = strlen(text);
    vg_arena *a = &s->arena;
    /* The spec splits from the right: '#', then '?', then '@'.  A part after
     * '@' holding a '/' (and not a vers: range) is a namespace such as npm's
     * "@scope/name", not a version. */
    size_t end = len;
    const char *hash = memchr(text, '#', len);
    if (hash)
        end = (size_t)(hash - text);
    const char *question = NULL;
    for (size_t i = end; i-- > 0;)
        if (text[i] == '?') {
            question = text + i;
            break;
        }
    size_t body = question ? (size_t)(question - text) : end;
    const char *at = NULL;
    for (size_t i = body; i-- > 4;)
        if (text[i] == '@') {
            at = text + i;
            break;
        }
    if (at && memchr(at + 1, '/', body - (size_t)(at + 1 - text)) && strncmp(at + 1, "vers:", 5) != 0)
        at = NULL;
    size_t base = at ? (size_t)(at - text) : body;
    /* The purl without its version, qualifiers kept, for the parser; an
     * '@' left in it ("@scope" typed as is) is the %40 the spec wants. */
    vg_buf bare;
    vg_buf_init(&bare, AFFECTED_MAX_QUERY * 3 + 1);
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < base; i++)
        rc = text[i] == '@' ? vg_buf_addstr(&bare, "%40") : vg_buf_addc(&bare, text[i]);
    if (rc == VG_OK && question)
        rc = vg_buf_add(&bare, question, end - body);
    char *bare_text = rc == VG_OK ? vg_arena_strdup(a, bare.data ? bare.data : "") : NULL;
    vg_buf_free(&bare);
    const char *why = NULL;
    if (!bare_text)
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    rc = vg_purl_parse(a, bare_text, strlen(bare_text), &q->purl, &why);
    if (rc == -2)
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    if (rc)
        return vg_error(s->ctx, VG_ERR_USAGE, "%.200s: not a package URL: %s", text, why ? why : "invalid");
    char *canonical = vg_purl_format(a, q->purl.type, q->purl.namespace_, q->purl.name, NULL, NULL, 0);
    char *typed = vg_arena_strndup(a, text, base);
    if (!canonical || !typed)
        return vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
    q->packages[q->npackages++] = canonical;
    if (strcmp(canonical, typed) != 0)
        q->packages[q->npackages++] = typed;
    q->scheme = vg_version_scheme_for(q->purl.type);
    if (!at)
        return VG_OK;

    const char *v = at + 1;
    size_t vlen = body - (size_t)(v - text);
    q->has_range = 1;
    if ((rc = vg_vers_parse(s->ctx, v, vlen, &q->range)) != VG_OK)
        return query_error(s, text);
    if (q->range.scheme[0] && vg_version_scheme_for(q->range.scheme) != q->scheme)
        return vg_error(s->ctx, VG_ERR_USAGE, "%.200s: the range's scheme %s is not the versioning of %s packages",
                        text, q->range.scheme, q->purl.type);
    /* A plain version the comparator cannot read is still a version to
     * find, exactly as written. */
    int exact = !q->range.scheme[0] && !q->range.star && q->range.n == 1 && q->range.constraints[0].op == VG_VERS_EQ;
    if ((rc = vg_vers_check(s->ctx, &q->range, q->scheme)) != VG_OK) {
        if (!exact || rc != VG_ERR_FORMAT)
            return query_error(s, text);
        q->scheme = VG_VERSION_UNKNOWN;
        if ((rc = vg_vers_check(s->ctx, &q->range, q->scheme)) != VG_OK)
            return rc;
    }
    vg_vers_format(&q->range, q->purl.type, q->range_text, sizeof q->range_text);
    return VG_OK;
}

/* 1 when every qualifier of q is in the component's purl with the same value. */
static int qualifiers_match(affected_state *s, const purl_query *q, const char *purl)
{
    if (!q->purl.nqualifiers)
        return 1;
    vg_purl p;
    if (!purl || vg_purl_parse(&s->arena, purl, strlen(purl), &p, NULL) != 0)
        return 0;
    for (size_t i = 0; i < q->purl.nqualifiers; i++) {
        const char *v = vg_purl_qualifier_get(&p, q->purl.qualifiers[i].key);
        if (!v || strcmp(v, q->purl.qualifiers[i].value) != 0)
            return 0;
    }
    return 1;
}

static int candidate_cmp(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

/* The components of the query's package that are in (reason NULL) or not
 * evaluated, sorted by id. */
static int find_candidates(affected_state *s, const purl_query *q, candidate **out, size_t *nout)
{
    vg_db_stmt *st;
    int rc = store_prepare(s->ctx, s->store, "SELECT id, purl, name, version FROM component WHERE package IN (?, ?)", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, q->packages[0]);
    vg_db_bind_text(st, 2, q->packages[q->npackages - 1]);
    vg_buf found;
    vg_buf_init(&found, AFFECTED_MAX_ARRAY);
    vg_arena *a = &s->arena;
    while ((rc = vg_db_step(s->ctx, st)) == VG_DB_ROW) {
        const char *purl = vg_db_column_text(st, 1), *version = vg_db_column_text(st, 3);
        if (!qualifiers_match(s, q, purl))
            continue;
        const char *reason = NULL;
        if (q->has_range) {
            int in = 0, vrc = version ? vg_vers_contains(&q->range, q->scheme, version, &in) : VG_ERR_FORMAT;
            if (vrc == VG_OK && !in)
                continue;
            if (vrc != VG_OK)
                reason = !version ? "the component has no version"
                                  : vg_arena_printf(a, "the %s comparator cannot read this version (%s)",
                                                    vg_version_scheme_name(q->scheme), vg_strerror(vrc));
        }
        candidate c = {vg_db_column_int(st, 0), store_strdup(a, purl), store_strdup(a, vg_db_column_text(st, 2)),
                       store_strdup(a, version), reason};
        if (vg_buf_add(&found, &c, sizeof c)) {
            rc = vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
    }
    vg_db_finalize(st);
    if (rc != VG_DB_DONE) {
        vg_buf_free(&found);
        return rc;
    }
    *out = (candidate *)found.data; /* the caller frees it */
    *nout = found.len / sizeof(candidate);
    if (*nout)
        qsort(*out, *nout, sizeof **out, candidate_cmp);
    return VG_OK;
}

/* The snapshots (latest or all) holding the candidates, batch by batch. */
static int snapshots_of(affected_state *s, const candidate *c, size_t n)
{
    int rc = VG_OK;
    vg_arena *a = &s->arena;
    for (size_t start = 0; rc == VG_OK && start < n; start += STORE_BATCH) {
        size_t k = n - start < STORE_BATCH ? n - start : STORE_BATCH;
        vg_buf sql;
        vg_buf_init(&sql, (size_t)1 << 20);
        rc = vg_buf_addstr(&sql, s->all ? "SELECT l.component_id, a.name, s.seq, s.version_label, s.created_at"
                                          " FROM component_span l JOIN snapshot s ON " STORE_SPAN_IN("l", "s")
                                          " JOIN asset a ON a.id = s.asset_id WHERE l.component_id IN ("
                                        : "SELECT l.component_id, a.name, s.seq, s.version_label, s.created_at"
                                          " FROM component_span l JOIN asset a ON a.id = l.asset_id"
                                          " JOIN snapshot s ON s.id = a.latest_snapshot"
                                          " WHERE l.until IS NULL AND l.component_id IN (");
        for (size_t i = 0; rc == VG_OK && i < k; i++)
            rc = vg_buf_addstr(&sql, i ? ", ?" : "?");
        rc = rc ? rc : vg_buf_addc(&sql, ')');
        vg_db_stmt *st = NULL;
        rc = rc ? vg_error(s->ctx, VG_ERR_NOMEM, "out of memory") : store_prepare(s->ctx, s->store, sql.data, &st);
        vg_buf_free(&sql);
        for (size_t i = 0; rc == VG_OK && i < k; i++)
            rc = vg_db_bind_int(st, (int)i + 1, c[start + i].id);
        while (rc == VG_OK && (rc = vg_db_step(s->ctx, st)) == VG_DB_ROW) {
            candidate probe = {.id = vg_db_column_int(st, 0)};
            const candidate *hit = bsearch(&probe, c, n, sizeof *c, candidate_cmp);
            rc = VG_OK;
            if (!hit)
                continue;
            affected_row r = {.asset = store_strdup(a, vg_db_column_text(st, 1)),
                              .seq = vg_db_column_int(st, 2),
                              .label = store_strdup(a, vg_db_column_text(st, 3)),
                              .created = vg_db_column_int(st, 4),
                              .purl = hit->purl,
                              .name = hit->name,
                              .version = hit->version,
                              .reason = hit->reason};
            rc = r.asset ? add_row(s, hit->reason ? &s->unevaluated : &s->matches, &r)
                         : vg_error(s->ctx, VG_ERR_NOMEM, "out of memory");
        }
        vg_db_finalize(st);
        if (rc == VG_DB_DONE)
            rc = VG_OK;
    }
    return rc;
}

/* ---- the result -------------------------------------------------------------------------- */

static json_t *row_json(const affected_row *r)
{
    json_t *o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "asset", r->asset, "snapshot", (json_int_t)r->seq,
                          "snapshot_version", store_json_text(r->label), "created", store_json_time(r->created), "purl",
                          store_json_text(r->purl), "name", store_json_text(r->name), "version",
                          store_json_text(r->version));
    if (r->id)
        json_object_update_new(o, json_pack("{s:s, s:s, s:o, s:o, s:b}", "id", r->id, "severity", r->severity,
                                            "first_seen", store_json_time(r->first_seen), "fixed",
                                            store_json_time(r->fixed), "suppressed", r->suppressed));
    if (r->reason)
        json_object_set_new(o, "reason", json_string(r->reason));
    return o;
}

/* The rows sorted, as JSON; *assets and *snapshots: how many distinct. */
static json_t *rows_json(vg_buf *rows, size_t *assets, size_t *snapshots)
{
    json_t *a = json_array();
    affected_row *items = (affected_row *)rows->data;
    size_t n = rows->len / sizeof *items;
    if (n)
        qsort(items, n, sizeof *items, row_cmp);
    *assets = *snapshots = 0;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, row_json(&items[i]));
        const affected_row *r = &items[i], *p = i ? r - 1 : NULL;
        int new_asset = !p || strcmp(p->asset, r->asset) != 0;
        *assets += new_asset;
        *snapshots += new_asset || p->seq != r->seq;
    }
    return a;
}

int vg_store_affected(vg_ctx *ctx, vg_store *store, const char *query, int all, json_t **out)
{
    *out = NULL;
    if (!query || !*query)
        return vg_error(ctx, VG_ERR_USAGE, "affected: give a vulnerability id or a purl");
    if (strlen(query) > AFFECTED_MAX_QUERY)
        return vg_error(ctx, VG_ERR_USAGE, "affected: the query is longer than %d bytes", AFFECTED_MAX_QUERY);
    affected_state s = {.ctx = ctx, .store = store, .all = all};
    vg_arena_init(&s.arena);
    vg_buf_init(&s.matches, AFFECTED_MAX_ARRAY);
    vg_buf_init(&s.unevaluated, AFFECTED_MAX_ARRAY);
    purl_query *q = NULL;
    candidate *cands = NULL;
    size_t ncands = 0;
    int rc;
    json_t *jq = json_pack("{s:s, s:s}", "text", query, "scope", all ? "all" : "latest");
    if (strncasecmp(query, "pkg:", 4) == 0) {
        json_object_set_new(jq, "kind", json_string("purl"));
        if (!(q = calloc(1, sizeof *q)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        else if ((rc = parse_purl_query(&s, query, q)) == VG_OK && (rc = find_candidates(&s, q, &cands, &ncands)) == VG_OK)
            rc = snapshots_of(&s, cands, ncands);
        if (rc == VG_OK) {
            json_t *quals = json_object();
            for (size_t i = 0; i < q->purl.nqualifiers; i++)
                json_object_set_new(quals, q->purl.qualifiers[i].key, json_string(q->purl.qualifiers[i].value));
            json_object_set_new(jq, "package", json_string(q->packages[0]));
            json_object_set_new(jq, "qualifiers", quals);
            json_object_set_new(jq, "range", q->has_range ? json_string(q->range_text) : json_null());
            json_object_set_new(jq, "scheme", json_string(vg_version_scheme_name(q->scheme)));
        }
    } else {
        json_object_set_new(jq, "kind", json_string("vulnerability"));
        rc = by_id(&s, query);
    }
    if (rc == VG_OK) {
        size_t assets, snapshots, unused;
        json_t *unevaluated = rows_json(&s.unevaluated, &unused, &unused);
        json_t *matches = rows_json(&s.matches, &assets, &snapshots);
        *out = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "query", jq, "matches", matches, "not_evaluated",
                         unevaluated, "summary", "assets", (json_int_t)assets, "snapshots", (json_int_t)snapshots,
                         "matches", (json_int_t)json_array_size(matches), "not_evaluated",
                         (json_int_t)json_array_size(unevaluated));
        jq = NULL;
        if (!*out)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(jq);
    free(cands);
    free(q);
    vg_buf_free(&s.matches);
    vg_buf_free(&s.unevaluated);
    vg_arena_free(&s.arena);
    return rc;
}
