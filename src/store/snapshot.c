/*
 * snapshot.c — storing a snapshot (docs/store.md, "Writing a snapshot"):
 * the asset, the SBOM document, its components (content-addressed: one
 * row per distinct component across the whole store, so that snapshots of
 * one product share nearly all of them), and its findings with their
 * history, in one transaction.
 *
 * Findings have an identity per asset: (asset, package, vulnerability),
 * where package is the versionless purl, so that upgrading a package that
 * is still vulnerable keeps the finding open (and its age), while one that
 * is gone or checked clean marks it fixed.  A finding whose package is
 * still there but could not be checked this time (no data, unknown OS) is
 * neither fixed nor re-seen: it stays open, since nothing says it is gone.
 *
 * The diff with the previous snapshot is diff.c's, read after the commit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "store/store_internal.h"
#include "vigil/map.h"

#define PACKAGE_MAX 2048

typedef struct comp_row {
    unsigned char key[32];
    const vg_component *c;
    char *package;
    char *hashes;  /* hashes_of(), or NULL for none */
    int64_t id;
    int layer;
    int coverage;
    int first; /* 1 for the first component of its key */
    size_t index; /* in the inventory */
} comp_row;

/* Facts a component is kept by: hashes are its digest-like properties. */
static int hashes_of(const vg_component *c, vg_buf *out)
{
    static const char *const suffixes[] = {":sum", ":checksum", ":sha256", ":sha512", ":integrity", ":fingerprint"};
    vg_buf_reset(out);
    /* Properties are unsorted: collect the matching ones sorted by name. */
    const vg_property *found[32];
    size_t n = 0;
    for (const vg_property *p = c->properties; p && n < 32; p = p->next) {
        size_t len = strlen(p->name);
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
            size_t sl = strlen(suffixes[i]);
            if (len > sl && strcmp(p->name + len - sl, suffixes[i]) == 0 && p->value) {
                size_t j = n++;
                while (j > 0 && strcmp(found[j - 1]->name, p->name) > 0) {
                    found[j] = found[j - 1];
                    j--;
                }
                found[j] = p;
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (vg_buf_addf(out, "%s%s=%s", i ? "\n" : "", found[i]->name, found[i]->value))
            return VG_ERR_NOMEM;
    return VG_OK;
}

/* The content key of a component: SHA-256 of its kept facts, each followed
 * by a NUL (a missing one by "\1\0"). */
static int component_key(const vg_component *c, const char *hashes, unsigned char key[32])
{
    const char *fields[] = {c->purl, c->type, c->name, c->version, c->license, hashes, c->supplier};
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < sizeof fields / sizeof fields[0]; i++) {
        const char *f = fields[i] ? fields[i] : "\1";
        ok = EVP_DigestUpdate(md, f, strlen(f) + 1);
    }
    unsigned len = 0;
    ok = ok && EVP_DigestFinal_ex(md, key, &len) && len == 32;
    EVP_MD_CTX_free(md);
    return ok ? VG_OK : VG_ERR_NOMEM;
}

int store_component_key(const vg_component *c, vg_buf *scratch, unsigned char key[32])
{
    return hashes_of(c, scratch) || component_key(c, scratch->data ? scratch->data : "", key) ? VG_ERR_NOMEM : VG_OK;
}

/* head + rows x "(?, ...)" of cols columns + tail; with in_list, head +
 * "(?, ?, ...)" of rows parameters + tail. */
static char *batch_sql(const char *head, int cols, size_t rows, const char *tail, int in_list)
{
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 20);
    int rc = vg_buf_addstr(&b, head);
    if (in_list)
        rc = rc ? rc : vg_buf_addstr(&b, " (");
    for (size_t r = 0; rc == VG_OK && r < rows; r++) {
        if (in_list) {
            rc = vg_buf_addstr(&b, r ? ", ?" : "?");
            continue;
        }
        rc = vg_buf_addstr(&b, r ? ", (" : " (");
        for (int c = 0; rc == VG_OK && c < cols; c++)
            rc = vg_buf_addstr(&b, c ? ", ?" : "?");
        if (rc == VG_OK)
            rc = vg_buf_addc(&b, ')');
    }
    if (in_list)
        rc = rc ? rc : vg_buf_addc(&b, ')');
    if (rc == VG_OK && tail)
        rc = vg_buf_addstr(&b, tail);
    return rc ? NULL : b.data;
}

/* The rows of the next statement of a batch, when left rows remain:
 * STORE_BATCH, then halves, so that a few statements of each shape, kept
 * prepared (store_prepare_cached()), serve any number of rows. */
static size_t batch_chunk(size_t left)
{
    size_t n = STORE_BATCH;
    while (n > left)
        n /= 2;
    return n;
}

/* store_batch_run(), calling row(arg, st) on each row the statements
 * return (RETURNING), when row is not NULL. */
static int batch_rows(vg_ctx *ctx, vg_store *store, const char *head, int cols, const char *tail, size_t nrows,
                      store_bind_row_fn bind, store_row_fn row, void *arg)
{
    int rc = VG_OK;
    for (size_t start = 0, n; rc == VG_OK && start < nrows; start += n) {
        n = batch_chunk(nrows - start);
        char *sql = batch_sql(head, cols, n, tail, 0);
        vg_db_stmt *st = NULL;
        if (!sql)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        rc = store_prepare_cached(ctx, store, sql, &st);
        free(sql);
        for (size_t r = 0; rc == VG_OK && r < n; r++)
            if ((rc = bind(arg, start + r, st, (int)r * cols + 1)) != VG_OK)
                rc = vg_error(ctx, rc, "binding a row of %s", vg_db_name(store->db));
        if (rc == VG_OK && !row)
            rc = store_run(ctx, st);
        while (rc == VG_OK && row && (rc = vg_db_step(ctx, st)) == VG_DB_ROW)
            rc = row(arg, st);
        rc = rc == VG_DB_DONE ? VG_OK : rc;
        if (st)
            vg_db_reset(st);
    }
    return rc;
}

int store_batch_run(vg_ctx *ctx, vg_store *store, const char *head, int cols, const char *tail, size_t nrows,
                    store_bind_row_fn bind, void *arg)
{
    return batch_rows(ctx, store, head, cols, tail, nrows, bind, NULL, arg);
}

typedef struct ingest {
    vg_ctx *ctx;
    vg_store *store;
    comp_row *rows;
    size_t nrows;
    comp_row **distinct; /* first row of each key */
    size_t ndistinct;
    comp_row **todo;     /* distinct rows without an id yet */
    size_t ntodo;
    vg_buf hashes;       /* scratch */
    int64_t asset_id, snapshot_id;
} ingest;

static int bind_component(void *arg, size_t i, vg_db_stmt *st, int p)
{
    ingest *g = arg;
    const comp_row *r = g->todo[i];
    const vg_component *c = r->c;
    int rc = vg_db_bind_blob(st, p, r->key, 32);
    rc = rc ? rc : vg_db_bind_text(st, p + 1, r->package);
    rc = rc ? rc : vg_db_bind_text(st, p + 2, c->purl);
    rc = rc ? rc : vg_db_bind_text(st, p + 3, c->type ? c->type : "generic");
    rc = rc ? rc : vg_db_bind_text(st, p + 4, c->name ? c->name : "");
    rc = rc ? rc : vg_db_bind_text(st, p + 5, c->version);
    rc = rc ? rc : vg_db_bind_text(st, p + 6, c->license);
    rc = rc ? rc : vg_db_bind_text(st, p + 7, r->hashes);
    rc = rc ? rc : vg_db_bind_text(st, p + 8, c->supplier);
    return rc;
}

static int key_cmp(const void *a, const void *b)
{
    return memcmp(((const comp_row *)a)->key, ((const comp_row *)b)->key, 32);
}

/* Sorted by key, then inventory order, so that the first row of a key is
 * its first component. */
static int row_cmp(const void *a, const void *b)
{
    const comp_row *x = a, *y = b;
    int c = key_cmp(x, y);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The row (id, key) of st gives its id to the first row of its key (rows
 * come in any order). */
static void take_id(ingest *g, vg_db_stmt *st)
{
    size_t klen;
    const void *k = vg_db_column_blob(st, 1, &klen);
    comp_row probe;
    if (klen != 32)
        return;
    memcpy(probe.key, k, 32);
    comp_row *hit = bsearch(&probe, g->rows, g->nrows, sizeof *g->rows, key_cmp);
    while (hit && hit > g->rows && memcmp(hit[-1].key, hit->key, 32) == 0)
        hit--;
    if (hit)
        hit->id = vg_db_column_int(st, 0);
}

/* Looks up the ids of the distinct rows that have none yet by their keys;
 * g->todo is left holding those not in the store. */
static int lookup_ids(ingest *g)
{
    g->ntodo = 0;
    for (size_t i = 0; i < g->ndistinct; i++)
        if (!g->distinct[i]->id)
            g->todo[g->ntodo++] = g->distinct[i];
    int rc = VG_OK;
    for (size_t start = 0, n; rc == VG_OK && start < g->ntodo; start += n) {
        n = batch_chunk(g->ntodo - start);
        char *sql = batch_sql("SELECT id, key FROM component WHERE key IN", 1, n, NULL, 1);
        vg_db_stmt *st;
        if (!sql)
            return vg_error(g->ctx, VG_ERR_NOMEM, "out of memory");
        rc = store_prepare_cached(g->ctx, g->store, sql, &st);
        free(sql);
        for (size_t i = 0; rc == VG_OK && i < n; i++)
            rc = vg_db_bind_blob(st, (int)i + 1, g->todo[start + i]->key, 32);
        while (rc == VG_OK && (rc = vg_db_step(g->ctx, st)) == VG_DB_ROW) {
            rc = VG_OK;
            take_id(g, st);
        }
        rc = rc == VG_DB_DONE ? VG_OK : rc;
        vg_db_reset(st);
    }
    size_t left = 0;
    for (size_t i = 0; i < g->ntodo; i++)
        if (!g->todo[i]->id)
            g->todo[left++] = g->todo[i];
    g->ntodo = left;
    return rc;
}

/* Gives the distinct rows the ids of the components of the asset's latest
 * snapshot with the same keys: nearly all of them, when the snapshot is
 * the next version of a product. */
static int latest_ids(ingest *g)
{
    vg_db_stmt *st;
    int rc = store_prepare_cached(g->ctx, g->store,
                                  "SELECT l.component_id, c.key FROM component_span l JOIN component c"
                                  " ON c.id = l.component_id WHERE l.asset_id = ? AND l.until IS NULL",
                                  &st);
    if (rc)
        return rc;
    vg_db_bind_int(st, 1, g->asset_id);
    while ((rc = vg_db_step(g->ctx, st)) == VG_DB_ROW)
        take_id(g, st);
    vg_db_reset(st);
    return rc == VG_DB_DONE ? VG_OK : rc;
}

/* The distinct components: those of the asset's latest snapshot are known
 * by their keys; the others that the store has (most, when snapshots of
 * products share them) are looked up, the rest inserted and looked up in
 * turn; then they become the snapshot's components (spans). */
static int store_components(ingest *g)
{
    int rc = latest_ids(g);
    rc = rc ? rc : lookup_ids(g);
    if (rc == VG_OK && g->ntodo) {
        rc = store_batch_run(g->ctx, g->store,
                       "INSERT INTO component(key, package, purl, type, name, version, licenses, hashes, supplier)"
                       " VALUES",
                       9, " ON CONFLICT(key) DO NOTHING", g->ntodo, bind_component, g);
        rc = rc ? rc : lookup_ids(g);
    }
    if (rc)
        return rc;
    if (g->ntodo)
        return vg_error(g->ctx, VG_ERR_IO, "%s: a component just stored cannot be found", vg_db_name(g->store->db));
    /* Every row of a key takes its first row's id. */
    for (size_t i = 1; i < g->nrows; i++)
        if (!g->rows[i].first)
            g->rows[i].id = g->rows[i - 1].id;
    store_span_row *spans = calloc(g->ndistinct ? g->ndistinct : 1, sizeof *spans);
    if (!spans)
        return vg_error(g->ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->ndistinct; i++) {
        const comp_row *r = g->distinct[i];
        spans[i] = (store_span_row){.k1 = r->id, .n1 = r->layer >= 0 ? r->layer : -1, .n2 = r->coverage, .score = NAN};
    }
    rc = store_span_set(g->ctx, g->store, STORE_SPAN_COMPONENT, g->asset_id, g->snapshot_id, spans, g->ndistinct);
    free(spans);
    return rc;
}

/* ---- findings ------------------------------------------------------------ */

typedef struct known_finding {
    int64_t id;  /* 0 for a new one until stored */
    int fixed;   /* fixed_at is set */
    int seen;    /* in this snapshot's findings */
    const char *package, *vuln, *severity;
    const vg_finding *first; /* of a new one: the finding that made it (its aliases) */
} known_finding;

typedef struct fresh_alias {
    size_t k; /* index in fresh_findings.list */
    const char *alias;
} fresh_alias;

typedef struct fresh_findings {
    int64_t asset_id, snapshot_id, now;
    known_finding **list;
    size_t n;
    fresh_alias *aliases; /* to store with them */
    size_t naliases;
} fresh_findings;

static int bind_new_finding(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const fresh_findings *nf = arg;
    const known_finding *k = nf->list[i];
    int rc = vg_db_bind_int(st, p, nf->asset_id);
    rc = rc ? rc : vg_db_bind_text(st, p + 1, k->package);
    rc = rc ? rc : vg_db_bind_text(st, p + 2, k->vuln);
    rc = rc ? rc : vg_db_bind_text(st, p + 3, k->severity);
    rc = rc ? rc : vg_db_bind_int(st, p + 4, nf->now);
    return rc ? rc : vg_db_bind_int(st, p + 5, nf->snapshot_id);
}

static int bind_alias(void *arg, size_t i, vg_db_stmt *st, int p)
{
    const fresh_findings *nf = arg;
    int rc = vg_db_bind_int(st, p, nf->list[nf->aliases[i].k]->id);
    return rc ? rc : vg_db_bind_text(st, p + 1, nf->aliases[i].alias);
}

/* store_row_fn: the id of a new finding, found by (package, vulnerability)
 * among the known ones (RETURNING gives rows in no promised order). */
static int take_finding_id(void *arg, vg_db_stmt *st)
{
    void **a = arg;
    vg_ctx *ctx = a[1];
    const char *p = vg_db_column_text(st, 1), *v = vg_db_column_text(st, 2);
    p = p ? p : "", v = v ? v : "";
    size_t pl = strlen(p), vl = strlen(v);
    char *key = malloc(pl + vl + 2);
    if (!key)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    memcpy(key, p, pl + 1);
    memcpy(key + pl + 1, v, vl + 1);
    known_finding *k = vg_map_get(a[2], key, pl + 1 + vl);
    free(key);
    if (k)
        k->id = vg_db_column_int(st, 0);
    return VG_OK;
}

static int bind_new_row(void *arg, size_t i, vg_db_stmt *st, int p)
{
    return bind_new_finding(((void **)arg)[0], i, st, p);
}

/* Stores the new findings in batches, their ids read back, then their
 * aliases. */
static int store_new_findings(vg_ctx *ctx, vg_store *store, fresh_findings *nf, vg_map *known)
{
    void *args[] = {nf, ctx, known};
    int rc = batch_rows(ctx, store,
                        "INSERT INTO finding(asset_id, package, vuln, severity, first_seen, first_snapshot) VALUES", 6,
                        " RETURNING id, package, vuln", nf->n, bind_new_row, take_finding_id, args);
    for (size_t i = 0; rc == VG_OK && i < nf->n; i++)
        if (!nf->list[i]->id)
            rc = vg_error(ctx, VG_ERR_IO, "%s: a finding just stored cannot be found", vg_db_name(store->db));
    return rc ? rc
              : store_batch_run(ctx, store, "INSERT INTO finding_alias(finding_id, alias) VALUES", 2,
                                " ON CONFLICT DO NOTHING", nf->naliases, bind_alias, nf);
}

static json_t *finding_json(const char *vuln, const char *package, const char *severity, const char *version)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(vuln));
    json_object_set_new(o, "package", json_string(package));
    json_object_set_new(o, "severity", json_string(severity));
    if (version)
        json_object_set_new(o, "version", json_string(version));
    return o;
}

int store_record_findings(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id, int64_t now,
                          const vg_inventory *inv, const vg_findings *findings, const int64_t *component_ids,
                          json_t *new_out, json_t *fixed_out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    vg_map known, comp_index, unchecked;
    vg_map_init(&known);
    vg_map_init(&comp_index);
    vg_map_init(&unchecked);
    store_span_row *rows = NULL;
    known_finding **row_k = NULL, **announced = NULL;
    fresh_findings nf = {.asset_id = asset_id, .snapshot_id = snapshot_id, .now = now};
    vg_db_stmt *st = NULL, *reopen = NULL, *queue = NULL;
    int64_t sinks = 0;
    vg_buf fixed;
    vg_buf_init(&fixed, (size_t)1 << 20);
    int rc = VG_OK;
    char pkg[PACKAGE_MAX];

    /* The asset's findings so far. */
    if ((rc = store_prepare_cached(ctx, store, "SELECT id, package, vuln, severity, fixed_at FROM finding WHERE asset_id = ?",
                            &st)) != VG_OK)
        goto out;
    vg_db_bind_int(st, 1, asset_id);
    while ((rc = vg_db_step(ctx, st)) == VG_DB_ROW) {
        known_finding *k = vg_arena_calloc(&arena, 1, sizeof *k);
        const char *p = vg_db_column_text(st, 1), *v = vg_db_column_text(st, 2);
        char *key = k ? vg_arena_printf(&arena, "%s%c%s", p ? p : "", 0, v ? v : "") : NULL;
        if (!key || !(k->package = vg_arena_strdup(&arena, p ? p : "")) || !(k->vuln = vg_arena_strdup(&arena, v ? v : "")) ||
            !(k->severity = vg_arena_strdup(&arena, vg_db_column_text(st, 3) ? vg_db_column_text(st, 3) : "unknown")) ||
            vg_map_put(&known, key, strlen(p ? p : "") + 1 + strlen(v ? v : ""), k)) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
        k->id = vg_db_column_int(st, 0);
        k->fixed = !vg_db_column_null(st, 4); /* (a boolean column reads "t" on PostgreSQL) */
    }
    if (rc != VG_DB_DONE)
        goto out;
    rc = VG_OK;
    vg_db_reset(st);
    st = NULL;

    /* Component pointer -> index; packages present but not checked. */
    for (size_t i = 0; i < inv->ncomponents; i++) {
        if (vg_map_put(&comp_index, (const char *)&inv->components[i], sizeof(void *), (void *)(inv->components + i))) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (i < findings->ncoverage && !vg_coverage_is_checked(findings->coverage[i].status) &&
            findings->coverage[i].status != VG_COVERAGE_SELF) {
            const vg_component *c = inv->components[i];
            store_package_of(c->purl, c->type, c->name, pkg, sizeof pkg);
            char *key = vg_arena_strdup(&arena, pkg);
            if (!key || vg_map_put(&unchecked, key, strlen(key), key)) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
    }

    size_t cap = findings->n ? findings->n : 1, naliases = 0;
    for (size_t i = 0; i < findings->n; i++)
        naliases += findings->items[i].nids;
    rows = calloc(cap, sizeof *rows);
    row_k = calloc(cap, sizeof *row_k);
    announced = calloc(cap, sizeof *announced);
    nf.list = calloc(cap, sizeof *nf.list);
    nf.aliases = calloc(naliases ? naliases : 1, sizeof *nf.aliases);
    if (!rows || !row_k || !announced || !nf.list || !nf.aliases) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = store_prepare_cached(ctx, store,
                            "UPDATE finding SET first_seen = ?, first_snapshot = ?, fixed_at = NULL, fixed_snapshot = NULL,"
                            " severity = ? WHERE id = ?",
                            &reopen)) ||
        (rc = store_query_int(ctx, store, "SELECT count(*) FROM notify_sink", &sinks)))
        goto out;
    size_t nrows = 0, nannounced = 0;
    for (size_t i = 0; i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        const vg_component *c = f->component;
        const vg_component *const *slot = vg_map_get(&comp_index, (const char *)&c, sizeof(void *));
        if (!slot)
            continue; /* not a component of inv: cannot happen with vg_match() */
        store_package_of(c->purl, c->type, c->name, pkg, sizeof pkg);
        size_t plen = strlen(pkg), klen = plen + 1 + strlen(f->id);
        char *key = vg_arena_printf(&arena, "%s%c%s", pkg, 0, f->id);
        if (!key) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
        known_finding *k = vg_map_get(&known, key, klen);
        const char *sev = vg_severity_name(f->severity);
        int announce = 0;
        if (!k) {
            /* new: stored after the loop, in batches (store_new_findings()) */
            k = vg_arena_calloc(&arena, 1, sizeof *k);
            if (!k || vg_map_put(&known, key, klen, k) || !(k->package = vg_arena_strdup(&arena, pkg)) ||
                !(k->vuln = vg_arena_strdup(&arena, f->id))) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                goto out;
            }
            k->severity = sev;
            k->first = f;
            for (size_t a = 0; a < f->nids; a++)
                nf.aliases[nf.naliases++] = (fresh_alias){nf.n, f->ids[a]};
            nf.list[nf.n++] = k;
            json_array_append_new(new_out, finding_json(f->id, pkg, sev, c->version));
            announce = 1;
        } else if (k->fixed) {
            vg_db_bind_int(reopen, 1, now);
            vg_db_bind_int(reopen, 2, snapshot_id);
            vg_db_bind_text(reopen, 3, sev);
            vg_db_bind_int(reopen, 4, k->id);
            if ((rc = store_run(ctx, reopen)) != VG_OK)
                goto out;
            k->fixed = 0;
            json_array_append_new(new_out, finding_json(f->id, pkg, sev, c->version));
            announce = 1;
        }
        if (announce && sinks)
            announced[nannounced++] = k;
        k->seen = 1;
        row_k[nrows] = k;
        store_span_row *r = &rows[nrows++];
        *r = (store_span_row){.k2 = component_ids[slot - (const vg_component *const *)inv->components],
                              .n1 = f->kev != NULL, .n2 = f->suppressed != 0,
                              .score = f->score >= 0 ? f->score : NAN, .s1 = sev,
                              .s2 = f->fix_state ? f->fix_state : "unknown"};
        vg_buf_reset(&fixed);
        for (size_t v = 0; v < f->nfixed; v++)
            if (vg_buf_addf(&fixed, "%s%s", v ? "," : "", f->fixed_versions[v])) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                goto out;
            }
        if (fixed.len && !(r->s3 = vg_arena_strdup(&arena, fixed.data))) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if ((rc = store_new_findings(ctx, store, &nf, &known)))
        goto out;
    /* every new or reopened finding waits for each notification sink
     * (vigil monitor: --webhook, --notify-file) until delivered */
    if (nannounced && (rc = store_prepare_cached(ctx, store,
                                                 "INSERT INTO notification(sink, finding_id, queued_at) SELECT name,"
                                                 " ?, ? FROM notify_sink WHERE true ON CONFLICT DO NOTHING",
                                                 &queue)))
        goto out;
    for (size_t i = 0; i < nrows; i++)
        rows[i].k1 = row_k[i]->id;
    for (size_t i = 0; i < nannounced; i++) {
        vg_db_bind_int(queue, 1, announced[i]->id);
        vg_db_bind_int(queue, 2, now);
        if ((rc = store_run(ctx, queue)) != VG_OK)
            goto out;
    }
    if ((rc = store_span_set(ctx, store, STORE_SPAN_FINDING, asset_id, snapshot_id, rows, nrows)))
        goto out;

    /* Open findings not seen again are fixed, unless their package is
     * still there unchecked. */
    if ((rc = store_prepare_cached(ctx, store, "UPDATE finding SET fixed_at = ?, fixed_snapshot = ? WHERE id = ?", &st)) != VG_OK)
        goto out;
    for (size_t i = 0; i < known.cap; i++) {
        const vg_map_slot *s = vg_map_slot_at(&known, i);
        known_finding *k = s ? s->value : NULL;
        if (!k || k->seen || k->fixed || !k->package)
            continue;
        if (vg_map_get(&unchecked, k->package, strlen(k->package)))
            continue;
        vg_db_bind_int(st, 1, now);
        vg_db_bind_int(st, 2, snapshot_id);
        vg_db_bind_int(st, 3, k->id);
        if ((rc = store_run(ctx, st)) != VG_OK)
            goto out;
        json_array_append_new(fixed_out, finding_json(k->vuln, k->package, k->severity, NULL));
    }
out:
    vg_db_reset(st);
    vg_db_reset(reopen);
    vg_db_reset(queue);
    free(rows);
    free(row_k);
    free(announced);
    free(nf.list);
    free(nf.aliases);
    vg_buf_free(&fixed);
    vg_map_free(&known);
    vg_map_free(&comp_index);
    vg_map_free(&unchecked);
    vg_arena_free(&arena);
    return rc;
}

/* ---- vg_store_add_snapshot ----------------------------------------------- */

int store_check_asset_name(vg_ctx *ctx, const char *name)
{
    if (!name || !*name)
        return vg_error(ctx, VG_ERR_USAGE, "a snapshot needs an asset name");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p == '@' || *p < 0x20 || *p == 0x7f)
            return vg_error(ctx, VG_ERR_USAGE, "asset name '%s': no '@' or control characters (NAME@N names a snapshot)",
                            name);
    return VG_OK;
}

static const char *const target_kinds[] = {"", "directory", "rootfs-archive", "docker-archive", "oci-layout", "sbom"};

const char *store_target_kind_name(vg_target_kind kind)
{
    return kind > 0 && kind <= VG_TARGET_SBOM ? target_kinds[kind] : NULL;
}

vg_target_kind store_target_kind_of(const char *name)
{
    for (int k = VG_TARGET_DIRECTORY; name && k <= VG_TARGET_SBOM; k++)
        if (strcmp(name, target_kinds[k]) == 0)
            return (vg_target_kind)k;
    return 0;
}

static int sort_findings_cmp(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
    return c ? c
             : strcmp(json_string_value(json_object_get(x, "package")), json_string_value(json_object_get(y, "package")));
}

void store_sort_findings(json_t *array) { store_sort_array(array, sort_findings_cmp); }

/* The asset's id (created, or its facts updated). */
static int upsert_asset(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, int64_t *id, int64_t *latest)
{
    vg_db_stmt *st;
    int rc = store_prepare_cached(ctx, store,
                           "INSERT INTO asset(name, kind, owner, environment, created_at) VALUES (?, ?, ?, ?, ?)"
                           " ON CONFLICT(name) DO NOTHING",
                           &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, in->asset);
    vg_db_bind_text(st, 2, in->kind);
    vg_db_bind_text(st, 3, in->owner);
    vg_db_bind_text(st, 4, in->environment);
    vg_db_bind_int(st, 5, in->time);
    rc = store_run(ctx, st);
    vg_db_reset(st);
    /* This UPDATE also locks the asset's row until the transaction ends
     * (on SQLite, BEGIN IMMEDIATE has locked the whole store already):
     * writers of one asset take turns from here, so that the next seq
     * (insert_snapshot(): MAX(seq) + 1, read after the lock under READ
     * COMMITTED) is never taken twice.  Keep it an UPDATE of the row. */
    if (rc || (rc = store_prepare_cached(ctx, store,
                                  "UPDATE asset SET kind = COALESCE(?, kind), owner = COALESCE(?, owner),"
                                  " environment = COALESCE(?, environment) WHERE name = ? RETURNING id, latest_snapshot",
                                  &st)))
        return rc;
    vg_db_bind_text(st, 1, in->kind);
    vg_db_bind_text(st, 2, in->owner);
    vg_db_bind_text(st, 3, in->environment);
    vg_db_bind_text(st, 4, in->asset);
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        *id = vg_db_column_int(st, 0);
        *latest = vg_db_column_int(st, 1);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: asset %s vanished while being written", vg_db_name(store->db), in->asset);
    }
    vg_db_reset(st);
    if (rc || !in->ntags)
        return rc;
    if ((rc = store_prepare_cached(ctx, store,
                            "INSERT INTO asset_tag(asset_id, key, value) VALUES (?, ?, ?)"
                            " ON CONFLICT(asset_id, key) DO UPDATE SET value = excluded.value",
                            &st)))
        return rc;
    for (size_t i = 0; rc == VG_OK && i < in->ntags; i++) {
        vg_db_bind_int(st, 1, *id);
        vg_db_bind_text(st, 2, in->tags[i].key);
        vg_db_bind_text(st, 3, in->tags[i].value);
        rc = store_run(ctx, st);
    }
    vg_db_reset(st);
    return rc;
}

/* The snapshot of job_key, when one was stored: *found = 1 and the result. */
static int find_job_snapshot(vg_ctx *ctx, vg_store *store, const char *job_key, int *found, json_t **out)
{
    *found = 0;
    if (!job_key)
        return VG_OK;
    vg_db_stmt *st;
    int rc = store_prepare_cached(ctx, store,
                           "SELECT a.name, s.seq FROM snapshot s JOIN asset a ON a.id = s.asset_id WHERE s.job_key = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, job_key);
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        *found = 1;
        *out = json_pack("{s:s, s:I, s:b}", "asset", vg_db_column_text(st, 0), "snapshot",
                         (json_int_t)vg_db_column_int(st, 1), "duplicate", 1);
    }
    vg_db_reset(st);
    return rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
}

const char *vg_store_release_text(const vg_os *os, char *buf, size_t size)
{
    if (!os || !os->id || !*os->id)
        return NULL;
    snprintf(buf, size, "%s%s%s", os->id, os->version_id ? ":" : "", os->version_id ? os->version_id : "");
    return buf;
}

int store_parse_release(const char *s, char *text, size_t size, vg_os *os)
{
    if (!s || strlen(s) >= size)
        return -1;
    memcpy(text, s, strlen(s) + 1);
    char *colon = strchr(text, ':');
    if (colon)
        *colon = '\0';
    if (!*text || (colon && !colon[1]))
        return -1;
    *os = (vg_os){.id = text, .version_id = colon ? colon + 1 : NULL};
    return 0;
}

static int insert_snapshot(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, int64_t asset_id,
                           const char *digest, size_t unchecked, int64_t *id, int64_t *seq)
{
    const vg_inventory *inv = in->inv;
    char match[72]; /* so that a rescan that finds the same writes nothing */
    vg_db_stmt *st;
    int rc = store_match_digest(ctx, digest, inv, in->findings, match);
    if (rc || (rc = store_prepare_cached(ctx, store,
                                  "INSERT INTO snapshot(asset_id, seq, created_at, version_label, source, target_kind,"
                                  " target_digest, os, sbom_digest, db_time, matched_at, components, findings,"
                                  " unchecked, job_key, match_digest, distro) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1"
                                  " FROM snapshot WHERE asset_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                  " RETURNING id, seq",
                                  &st)))
        return rc;
    char os_buf[256];
    const char *os = inv->has_os ? vg_store_release_text(&inv->os, os_buf, sizeof os_buf) : NULL;
    size_t nfind = 0;
    for (size_t i = 0; i < in->findings->n; i++)
        nfind += !in->findings->items[i].suppressed;
    vg_db_bind_int(st, 1, asset_id);
    vg_db_bind_int(st, 2, asset_id);
    vg_db_bind_int(st, 3, in->time);
    vg_db_bind_text(st, 4, in->version_label);
    vg_db_bind_text(st, 5, in->source ? in->source : "");
    vg_db_bind_text(st, 6, store_target_kind_name(inv->target.kind));
    vg_db_bind_text(st, 7, inv->target.digest);
    vg_db_bind_text(st, 8, os);
    vg_db_bind_text(st, 9, digest);
    if (in->db_time)
        vg_db_bind_int(st, 10, in->db_time);
    else
        vg_db_bind_null(st, 10);
    vg_db_bind_int(st, 11, in->time);
    vg_db_bind_int(st, 12, (int64_t)inv->ncomponents);
    vg_db_bind_int(st, 13, (int64_t)nfind);
    vg_db_bind_int(st, 14, (int64_t)unchecked);
    vg_db_bind_text(st, 15, in->job_key);
    vg_db_bind_text(st, 16, match);
    vg_db_bind_text(st, 17, in->distro);
    rc = vg_db_step(ctx, st);
    if (rc == VG_DB_ROW) {
        *id = vg_db_column_int(st, 0);
        *seq = vg_db_column_int(st, 1);
        rc = VG_OK;
    } else if (rc == VG_DB_DONE) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: storing the snapshot returned nothing", vg_db_name(store->db));
    }
    vg_db_reset(st);
    return rc;
}

/* Prepares the component rows of inv: keys, packages, distinct keys. */
static int prepare_rows(ingest *g, const vg_inventory *inv, const vg_findings *findings, vg_arena *arena)
{
    g->nrows = inv->ncomponents;
    g->rows = vg_arena_calloc(arena, g->nrows ? g->nrows : 1, sizeof *g->rows);
    g->distinct = vg_arena_calloc(arena, g->nrows ? g->nrows : 1, sizeof *g->distinct);
    g->todo = vg_arena_calloc(arena, g->nrows ? g->nrows : 1, sizeof *g->todo);
    if (!g->rows || !g->distinct || !g->todo)
        return vg_error(g->ctx, VG_ERR_NOMEM, "out of memory");
    char pkg[PACKAGE_MAX];
    for (size_t i = 0; i < g->nrows; i++) {
        comp_row *r = &g->rows[i];
        r->c = inv->components[i];
        r->index = i;
        r->layer = r->c->layer;
        r->coverage = i < findings->ncoverage ? (int)findings->coverage[i].status : (int)VG_COVERAGE_NO_DATA;
        store_package_of(r->c->purl, r->c->type, r->c->name, pkg, sizeof pkg);
        if (store_component_key(r->c, &g->hashes, r->key) || !(r->package = vg_arena_strdup(arena, pkg)) ||
            (g->hashes.len && !(r->hashes = vg_arena_strdup(arena, g->hashes.data))))
            return vg_error(g->ctx, VG_ERR_NOMEM, "out of memory");
    }
    qsort(g->rows, g->nrows, sizeof *g->rows, row_cmp);
    for (size_t i = 0; i < g->nrows; i++) {
        comp_row *r = &g->rows[i];
        r->first = i == 0 || key_cmp(&g->rows[i - 1], r) != 0;
        if (!r->first) {
            /* one link per distinct component: the lowest layer, the best coverage */
            comp_row *d = g->distinct[g->ndistinct - 1];
            if (r->layer >= 0 && (d->layer < 0 || r->layer < d->layer))
                d->layer = r->layer;
            d->coverage = store_link_coverage(d->coverage, r->coverage);
            continue;
        }
        g->distinct[g->ndistinct++] = r;
    }
    return VG_OK;
}

int store_link_components(vg_ctx *ctx, vg_store *store, int64_t asset_id, int64_t snapshot_id, const vg_inventory *inv,
                          const vg_findings *findings, int64_t *component_ids)
{
    vg_arena arena;
    vg_arena_init(&arena);
    ingest g = {.ctx = ctx, .store = store, .asset_id = asset_id, .snapshot_id = snapshot_id};
    vg_buf_init(&g.hashes, (size_t)1 << 20);
    int rc = prepare_rows(&g, inv, findings, &arena);
    if (rc == VG_OK && (rc = store_components(&g)) == VG_OK)
        for (size_t i = 0; i < g.nrows; i++)
            component_ids[g.rows[i].index] = g.rows[i].id;
    vg_buf_free(&g.hashes);
    vg_arena_free(&arena);
    return rc;
}

int vg_store_add_snapshot(vg_ctx *ctx, vg_store *store, const vg_store_snapshot_input *in, json_t **out)
{
    *out = NULL;
    int rc = store_check_asset_name(ctx, in->asset);
    if (rc)
        return rc;
    vg_arena arena;
    vg_arena_init(&arena);
    ingest g = {.ctx = ctx, .store = store};
    vg_buf_init(&g.hashes, (size_t)1 << 20);
    json_t *result = NULL, *new_findings = json_array(), *fixed_findings = json_array();
    int64_t *component_ids = NULL;
    rc = prepare_rows(&g, in->inv, in->findings, &arena);
    if (rc)
        goto out;
    if ((rc = vg_db_begin(ctx, store->db)) != VG_OK)
        goto out;
    int duplicate;
    if ((rc = find_job_snapshot(ctx, store, in->job_key, &duplicate, &result)) != VG_OK)
        goto fail;
    if (duplicate) {
        vg_db_rollback(store->db);
        goto out;
    }
    int64_t asset_id = 0, previous = 0, seq = 0;
    char digest[72];
    if ((rc = upsert_asset(ctx, store, in, &asset_id, &previous)) ||
        (rc = store_document_put(ctx, store, in->document, in->document_len, in->media_type, digest)))
        goto fail;
    g.asset_id = asset_id;
    if ((rc = insert_snapshot(ctx, store, in, asset_id, digest, in->findings->components_unchecked, &g.snapshot_id,
                              &seq)) ||
        (rc = store_components(&g)))
        goto fail;
    component_ids = calloc(g.nrows ? g.nrows : 1, sizeof *component_ids);
    if (!component_ids) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < g.nrows; i++)
        component_ids[g.rows[i].index] = g.rows[i].id;
    if ((rc = store_record_findings(ctx, store, asset_id, g.snapshot_id, in->time, in->inv, in->findings,
                                    component_ids, new_findings, fixed_findings)))
        goto fail;
    for (size_t i = 0; i < in->nattestations; i++) {
        const vg_store_attestation *a = &in->attestations[i];
        char adigest[72];
        vg_db_stmt *st;
        if ((rc = store_document_put(ctx, store, a->data, a->len, a->media_type, adigest)) ||
            (rc = store_prepare_cached(ctx, store,
                                "INSERT INTO snapshot_attestation(snapshot_id, digest, verified, detail) VALUES (?, ?, ?, ?)"
                                " ON CONFLICT DO NOTHING",
                                &st)))
            goto fail;
        vg_db_bind_int(st, 1, g.snapshot_id);
        vg_db_bind_text(st, 2, adigest);
        vg_db_bind_int(st, 3, a->verified);
        vg_db_bind_text(st, 4, a->detail);
        rc = store_run(ctx, st);
        vg_db_reset(st);
        if (rc)
            goto fail;
    }
    vg_db_stmt *st;
    if ((rc = store_prepare_cached(ctx, store, "UPDATE asset SET latest_snapshot = ? WHERE id = ?", &st)))
        goto fail;
    vg_db_bind_int(st, 1, g.snapshot_id);
    vg_db_bind_int(st, 2, asset_id);
    rc = store_run(ctx, st);
    vg_db_reset(st);
    int64_t previous_seq = 0;
    if (rc == VG_OK && previous) {
        if ((rc = store_prepare_cached(ctx, store, "SELECT seq FROM snapshot WHERE id = ?", &st)) == VG_OK) {
            vg_db_bind_int(st, 1, previous);
            if ((rc = vg_db_step(ctx, st)) == VG_DB_ROW)
                previous_seq = vg_db_column_int(st, 0);
            rc = rc == VG_DB_ROW || rc == VG_DB_DONE ? VG_OK : rc;
            vg_db_reset(st);
        }
    }
    if (rc || (rc = vg_db_commit(ctx, store->db)))
        goto fail;
    /* What changed since the previous snapshot: read after the commit, so
     * that a failure here (warned) never undoes the snapshot. */
    json_t *changes = NULL;
    if (previous && store_diff_snapshots(ctx, store, previous, g.snapshot_id, &changes) != VG_OK)
        vg_warn(ctx, NULL, "the snapshot is stored, but its diff with the previous one failed: %s", ctx->message);
    store_sort_findings(new_findings);
    store_sort_findings(fixed_findings);
    result = json_pack("{s:s, s:I, s:o, s:b, s:s, s:I, s:I, s:I, s:O, s:O, s:o}", "asset", in->asset, "snapshot",
                       (json_int_t)seq, "previous", previous_seq ? json_integer(previous_seq) : json_null(),
                       "duplicate", 0, "sbom_digest", digest, "components", (json_int_t)in->inv->ncomponents,
                       "distinct_components", (json_int_t)g.ndistinct, "unchecked",
                       (json_int_t)in->findings->components_unchecked, "new_findings", new_findings, "fixed_findings",
                       fixed_findings, "changes", changes ? changes : json_null());
    if (!result)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    goto out;
fail:
    vg_db_rollback(store->db);
out:
    *out = result;
    json_decref(new_findings);
    json_decref(fixed_findings);
    free(component_ids);
    vg_buf_free(&g.hashes);
    vg_arena_free(&arena);
    return rc;
}
