/*
 * cmd_inventory.c — `vigil inventory SUBCOMMAND`: the store of assets and
 * their snapshots (store.h).  This file holds the table of subcommands and
 * add, list, show and export; the others live in cmd_inventory_*.c.
 * Documented in docs/vigil-inventory.1; keep the two in step.
 *
 * add: the target is inventoried as `vigil sbom` does and written as
 * CycloneDX 1.6 JSON, or an SBOM file is taken as it is; either way the
 * document is read back (sbomread.h) and matched, so that what is stored,
 * what is matched now and what a rescan matches later are one and the same
 * document.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inventory.h"
#include "vigil/sbomread.h"
#include "vigil/supplier.h"

#define INVENTORY_MAX_TAGS 64
#define INVENTORY_MAX_BUNDLES 16

static const char inventory_usage[] =
    "usage: vigil inventory add TARGET|SBOM --asset NAME [--version LABEL] [--tag K=V]... [--enqueue]\n"
    "       vigil inventory list\n"
    "       vigil inventory show ASSET[@SNAPSHOT]\n"
    "       vigil inventory export ASSET[@SNAPSHOT] -o cyclonedx-json=FILE\n"
    "       vigil inventory diff ASSET [FROM [TO]] [--fail-on-drift[=vulns]]\n"
    "       vigil inventory affected ID|PURL[@RANGE] [--all]\n"
    "       vigil inventory rescan|sla|prune ... (see vigil inventory rescan --help)\n"
    "       vigil inventory import MANIFEST|-\n"
    "\n"
    "Keeps the SBOM and findings of every snapshot of every asset in the\n"
    "store, and says what changed since the asset's previous snapshot.\n"
    "SNAPSHOT is N (the asset's N-th), a --version LABEL, or latest.\n"
    "\n"
    "common options:\n"
    "      --store URL             sqlite:PATH or postgresql://... (default:\n"
    "                              $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --store-read URL        list, show, export, diff, affected: read from this store, e.g.\n"
    "                              a PostgreSQL hot standby (its answers may lag behind)\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json; export: cyclonedx-json\n"
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n"
    "add options:\n"
    "      --asset NAME            the asset (created on first use)\n"
    "      --version LABEL         the version or release of this snapshot\n"
    "      --tag KEY=VALUE         set a tag on the asset; may be repeated\n"
    "      --kind KIND, --owner WHO, --environment ENV\n"
    "                              facts about the asset (kept until changed)\n"
    "      --bundle FILE           an attestation bundle or DSSE envelope to keep\n"
    "                              with the snapshot; verified with --key\n"
    "      --key PUBLIC_KEY        the key that must have signed each --bundle\n"
    "      --db PATH               vulnerability database (as for vigil scan)\n"
    "      --distro ID[:VERSION]   match OS packages as this release (vigil scan)\n"
    "      --allow-unchecked       exit 0, not 3, when components could not be checked\n"
    "      --platform, --exclude   as for vigil sbom\n"
    "      --enqueue               store the SBOM and queue its matching and storing for\n"
    "                              vigil worker, instead of doing it now\n"
    "import: one snapshot per line of MANIFEST (NDJSON: {\"asset\", \"sbom\": PATH,\n"
    "      \"version\", \"tags\": {...}, \"time\"}), each stored whole or not at all;\n"
    "      --db, --distro and --allow-unchecked as for add; results stream to\n"
    "      standard output (-o json: one JSON object per line)\n"
    "\n"
    "exit status: 0 done; 1 failed, nothing stored; 2 usage error; 3 stored,\n"
    "but components could not be checked or parts of the target not read\n"
    "(import: or lines failed, each named); 4 a --bundle did not verify (the\n"
    "snapshot is stored, marked so).\n";

/* Prints value as JSON (2-space indent, sorted keys) to path or stdout. */
int cli_print_json(const json_t *value, const char *path)
{
    return cli_print_json_flags(value, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII, path);
}

int cli_print_json_flags(const json_t *value, size_t flags, const char *path)
{
    char *text = json_dumps(value, flags);
    if (!text) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    size_t n = strlen(text);
    text[n] = '\n'; /* replaces the NUL: written with its length */
    int rc = cli_write_output(path, text, n + 1);
    free(text);
    return rc ? EXIT_FAILURE_ : EXIT_OK;
}

/* Prints value as a table made by print to path or stdout, written whole
 * (cli_write_output) so that a write error is an exit status. */
int cli_print_table(const json_t *value, void (*print)(const json_t *value, FILE *f), const char *path)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    print(value, f);
    int rc = fclose(f) != 0 || cli_write_output(path, text ? text : "", n) != 0;
    free(text);
    return rc ? EXIT_FAILURE_ : EXIT_OK;
}

int cli_inventory_option(cli_inventory_options *o, int c, char *optarg)
{
    if (c == 'S') {
        o->store = optarg;
    } else if (c == 'R') {
        o->store_read = optarg;
    } else if (c == 'o') {
        o->output_path = cli_output_cut(optarg);
        o->output = optarg;
    } else {
        return 0;
    }
    return 1;
}

int cli_inventory_read(const cli_inventory_options *o,
                       int (*query)(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out), const void *arg,
                       void (*print)(const json_t *value, FILE *f), json_t **result)
{
    *result = NULL;
    const char *output = o->output ? o->output : "table", *output_path = o->output_path;
    if (strcmp(output, "table") != 0 && strcmp(output, "json") != 0) {
        cli_error("unknown output format '%s' (table, json)", output);
        return EXIT_USAGE;
    }
    vg_store *store;
    int status = cli_store_open(o->store_read ? o->store_read : o->store, VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = query(&ctx, store, arg, result);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else {
        status = strcmp(output, "json") == 0 ? cli_print_json(*result, output_path)
                                             : cli_print_table(*result, print, output_path);
    }
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* JSON string member or "-". */
static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "-";
}

/* ---- add ----------------------------------------------------------------- */

static void print_changes(const json_t *r, FILE *f)
{
    const json_t *prev = json_object_get(r, "previous");
    fprintf(f, "%s@%lld: %lld components (%lld distinct), stored %s\n", text_of(r, "asset"),
            (long long)json_integer_value(json_object_get(r, "snapshot")),
            (long long)json_integer_value(json_object_get(r, "components")),
            (long long)json_integer_value(json_object_get(r, "distinct_components")), text_of(r, "sbom_digest"));
    const json_t *changes = json_object_get(r, "changes");
    if (json_is_object(changes)) {
        const json_t *sum = json_object_get(changes, "summary");
        fprintf(f, "since @%lld: %lld added, %lld removed, %lld changed\n", (long long)json_integer_value(prev),
                (long long)json_integer_value(json_object_get(sum, "added")),
                (long long)json_integer_value(json_object_get(sum, "removed")),
                (long long)json_integer_value(json_object_get(sum, "changed")));
    } else if (!json_is_null(prev)) {
        fprintf(f, "previous snapshot: @%lld\n", (long long)json_integer_value(prev));
    }
    static const char *const lists[] = {"new_findings", "fixed_findings"};
    for (size_t l = 0; l < 2; l++) {
        const json_t *a = json_object_get(r, lists[l]);
        fprintf(f, "%zu %s finding%s\n", json_array_size(a), l ? "fixed" : "new", json_array_size(a) == 1 ? "" : "s");
        size_t i;
        const json_t *x;
        json_array_foreach(a, i, x)
            fprintf(f, "  %s %-16s %-9s %s%s%s\n", l ? "-" : "+", text_of(x, "id"), text_of(x, "severity"),
                    text_of(x, "package"), json_object_get(x, "version") ? "@" : "",
                    json_object_get(x, "version") ? text_of(x, "version") : "");
    }
}

/* The media type of an SBOM document, from its first bytes. */
static const char *sbom_media_type(const vg_buf *doc)
{
    return doc->data && strstr(doc->data, "\"spdxVersion\"") && !strstr(doc->data, "\"bomFormat\"")
               ? "application/spdx+json"
               : "application/vnd.cyclonedx+json";
}

int inventory_open_db(const char *path, vg_vulndb **out)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf default_db;
    vg_buf_init(&default_db, 4096);
    int status = EXIT_OK;
    *out = NULL;
    if (!path && vg_vulndb_default_path(&ctx, &default_db) != VG_OK) {
        cli_error("%s; give the database with --db PATH", ctx.message);
        status = EXIT_FAILURE_;
    } else if (vg_vulndb_open(&ctx, path ? path : default_db.data, out) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    }
    vg_buf_free(&default_db);
    vg_ctx_free(&ctx);
    return status;
}

int inventory_read_sbom(vg_ctx *ctx, const char *name, const vg_buf *doc, const vg_inventory *scanned, vg_inventory *inv)
{
    int rc = vg_sbom_read(ctx, name, doc->data ? doc->data : "", doc->len, inv);
    /* What was scanned, not the document, is the target of a snapshot of a
     * directory or image. */
    if (rc == VG_OK && scanned && scanned->target.kind) {
        inv->target = scanned->target;
        inv->incomplete |= scanned->incomplete;
    }
    return rc;
}

int inventory_match_sbom(vg_ctx *ctx, vg_vulndb *db, const vg_match_options *mopts, const char *name,
                         const vg_buf *doc, const vg_inventory *scanned, vg_inventory *inv, vg_findings *findings,
                         int64_t *db_time)
{
    *db_time = 0;
    int rc = inventory_read_sbom(ctx, name, doc, scanned, inv);
    if (rc == VG_OK)
        rc = vg_match(ctx, db, inv, mopts, findings);
    int64_t age = 0;
    if (rc == VG_OK && vg_vulndb_age(ctx, db, time(NULL), &age) == VG_OK)
        *db_time = (int64_t)time(NULL) - age;
    return rc;
}

int inventory_store_matched(vg_ctx *ctx, vg_store *store, const vg_buf *doc, int64_t db_time,
                            vg_store_snapshot_input *in, const vg_inventory *inv, const vg_findings *findings,
                            json_t **result)
{
    in->db_time = db_time;
    in->document = doc->data ? doc->data : "";
    in->document_len = doc->len;
    in->media_type = sbom_media_type(doc);
    in->inv = inv;
    in->findings = findings;
    return vg_store_add_snapshot(ctx, store, in, result);
}

int inventory_store_sbom(vg_ctx *ctx, vg_store *store, vg_vulndb *db, const vg_match_options *mopts, const char *name,
                         const vg_buf *doc, const vg_inventory *scanned, vg_store_snapshot_input *in, vg_inventory *inv,
                         vg_findings *findings, json_t **result)
{
    *result = NULL;
    int64_t db_time;
    int rc = inventory_match_sbom(ctx, db, mopts, name, doc, scanned, inv, findings, &db_time);
    return rc ? rc : inventory_store_matched(ctx, store, doc, db_time, in, inv, findings, result);
}

int inventory_check_stored(const char *where, const char *what, const char *asset, const vg_inventory *inv,
                           const vg_findings *findings, int allow_unchecked)
{
    int status = EXIT_OK;
    if (inv->incomplete) {
        cli_error("%sstored, but parts of %s could not be read: see the warnings", where, what);
        status = EXIT_INCOMPLETE;
    }
    if (inv->ncomponents == 0) {
        cli_error("%s%s: no components found: nothing was checked", where, what);
        status = EXIT_INCOMPLETE;
    } else if (findings->components_unchecked && !allow_unchecked) {
        cli_error("%sstored, but %zu of %zu components could not be checked (vigil inventory show %s); "
                  "--allow-unchecked accepts that",
                  where, findings->components_unchecked, inv->ncomponents, asset);
        status = EXIT_INCOMPLETE;
    }
    return status;
}

typedef struct add_opts {
    vg_store_snapshot_input in;
    vg_store_tag tags[INVENTORY_MAX_TAGS];
    const char *bundles[INVENTORY_MAX_BUNDLES];
    size_t nbundles;
    const char *key_path;
    const char *db_path;
    vg_os distro;
    vg_match_options mopts;
    vg_scan_options sopts;
    const char *excludes[CLI_MAX_EXCLUDES];
    int allow_unchecked;
    int enqueue;
} add_opts;

/* add --enqueue: the document kept and its ingest queued for vigil worker. */
static int enqueue_ingest(vg_store *store, const char *target, const vg_buf *doc, const vg_inventory *inv,
                          add_opts *a, const inventory_opts *io)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    a->in.document = doc->data ? doc->data : "";
    a->in.document_len = doc->len;
    a->in.media_type = sbom_media_type(doc);
    a->in.inv = inv;
    a->in.source = target;
    int64_t job = 0;
    int status = EXIT_OK;
    char text[256];
    const char *distro = vg_store_release_text(a->mopts.distro, text, sizeof text);
    if (vg_store_enqueue_ingest(&ctx, store, &a->in, distro, &job) != VG_OK) {
        cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return EXIT_FAILURE_;
    }
    vg_ctx_free(&ctx);
    if (strcmp(io->output, "json") == 0) {
        json_t *r = json_pack("{s:I, s:s, s:s, s:I}", "job", (json_int_t)job, "kind", "ingest", "asset", a->in.asset,
                              "components", (json_int_t)inv->ncomponents);
        status = r ? cli_print_json(r, io->output_path) : EXIT_FAILURE_;
        json_decref(r);
    } else {
        printf("queued job %lld: ingest of %s (%zu components) into asset %s, for vigil worker\n", (long long)job,
               target, inv->ncomponents, a->in.asset);
    }
    if (status == EXIT_OK && inv->incomplete) {
        cli_error("queued, but parts of %s could not be read: see the warnings", target);
        status = EXIT_INCOMPLETE;
    }
    if (status == EXIT_OK && inv->ncomponents == 0) {
        cli_error("%s: no components found: nothing will be checked", target);
        status = EXIT_INCOMPLETE;
    }
    return status;
}

/* Verifies each --bundle with key (when given) into atts; 1 when one
 * failed.  Details that outlive vctx are copied into arena. */
static int verify_bundles(const add_opts *a, const vg_buf *docs, vg_key *key, vg_arena *arena,
                          vg_store_attestation *atts)
{
    int failed = 0;
    for (size_t i = 0; i < a->nbundles; i++) {
        atts[i] = (vg_store_attestation){.data = docs[i].data, .len = docs[i].len, .verified = -1};
        atts[i].media_type = strstr(docs[i].data ? docs[i].data : "", "\"mediaType\"")
                                 ? "application/vnd.dev.sigstore.bundle+json"
                                 : "application/vnd.dsse.envelope.v1+json";
        if (!key) {
            atts[i].detail = "not verified: no --key given";
            continue;
        }
        vg_ctx vctx;
        vg_ctx_init(&vctx);
        vg_verify_options vo = {.key = key};
        vg_verify_result vr;
        int rc = vg_attest_verify(&vctx, docs[i].data ? docs[i].data : "", docs[i].len, &vo, &vr);
        vg_buf_free(&vr.statement);
        atts[i].verified = rc == VG_OK;
        if (rc) {
            cli_error("--bundle %s: %s", a->bundles[i], vctx.message);
            failed = 1;
        }
        atts[i].detail = rc ? vg_arena_strdup(arena, vctx.message) : "signature verified with --key";
        vg_ctx_free(&vctx);
    }
    return failed;
}

static int inventory_add(const char *target, add_opts *a, const inventory_opts *io)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf doc;
    vg_buf_init(&doc, VG_SBOM_MAX_DOCUMENT);
    vg_inventory scanned, inv;
    vg_inventory_init(&scanned);
    vg_inventory_init(&inv);
    vg_findings findings;
    vg_findings_init(&findings);
    vg_vulndb *db = NULL;
    vg_store *store = NULL;
    vg_key *key = NULL;
    vg_buf bundle_docs[INVENTORY_MAX_BUNDLES];
    vg_store_attestation atts[INVENTORY_MAX_BUNDLES];
    for (size_t i = 0; i < a->nbundles; i++)
        vg_buf_init(&bundle_docs[i], VG_ATTEST_MAX_DOCUMENT);
    json_t *result = NULL;
    int status = EXIT_OK, rc, verify_failed = 0;

    /* Everything that can fail cheaply before the target is read; a queued
     * SBOM (--enqueue) is matched by a worker, against its database. */
    if (!a->enqueue && (status = inventory_open_db(a->db_path, &db)) != EXIT_OK)
        goto out;
    if (a->key_path && vg_key_load_public(&ctx, a->key_path, &key) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    for (size_t i = 0; i < a->nbundles; i++) {
        if (attest_cli_read_file(&ctx, a->bundles[i], VG_ATTEST_MAX_DOCUMENT, &bundle_docs[i]) != VG_OK) {
            cli_error("--bundle: %s", ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    if ((status = cli_store_open(io->store, VG_STORE_CREATE, &store)) != EXIT_OK)
        goto out;

    /* The document: the SBOM as given, or vigil's CycloneDX of the target. */
    if (strcmp(target, "-") == 0 || cli_is_sbom_file(target)) {
        rc = attest_cli_read_file(&ctx, target, VG_SBOM_MAX_DOCUMENT, &doc);
    } else if ((rc = vg_scan(&ctx, target, &a->sopts, &scanned)) == VG_OK) {
        vg_format_options fo = {.tool_version = vg_version()};
        if (cli_document_time(&fo.timestamp) != 0) {
            status = EXIT_USAGE;
            goto out;
        }
        rc = vg_format_write(&ctx, VG_FORMAT_CYCLONEDX_JSON, &scanned, &fo, &doc);
    }
    const char *name = strcmp(target, "-") == 0 ? "(standard input)" : target;
    a->in.source = target;
    a->in.attestations = atts;
    a->in.nattestations = a->nbundles;
    char distro[256];
    a->in.distro = vg_store_release_text(a->mopts.distro, distro, sizeof distro);
    if (rc == VG_OK && a->enqueue) {
        rc = inventory_read_sbom(&ctx, name, &doc, &scanned, &inv);
    } else if (rc == VG_OK) {
        verify_failed = verify_bundles(a, bundle_docs, key, &scanned.arena, atts);
        rc = inventory_store_sbom(&ctx, store, db, &a->mopts, name, &doc, &scanned, &a->in, &inv, &findings, &result);
    }
    if (!io->quiet)
        cli_print_warnings(&ctx);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
        goto out;
    }
    if (a->enqueue) {
        status = enqueue_ingest(store, target, &doc, &inv, a, io);
        goto out;
    }
    if (strcmp(io->output, "json") == 0)
        status = cli_print_json(result, io->output_path);
    else
        print_changes(result, stdout);
    if (status != EXIT_OK)
        goto out;
    status = inventory_check_stored("", target, a->in.asset, &inv, &findings, a->allow_unchecked);
    if (verify_failed)
        status = EXIT_VERIFY;
out:
    json_decref(result);
    for (size_t i = 0; i < a->nbundles; i++)
        vg_buf_free(&bundle_docs[i]);
    vg_key_free(key);
    vg_store_close(store);
    vg_vulndb_close(db);
    vg_findings_free(&findings);
    vg_inventory_free(&inv);
    vg_inventory_free(&scanned);
    vg_buf_free(&doc);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- list, show, export ---------------------------------------------------- */

static void print_list(const json_t *list, FILE *f)
{
    fprintf(f, "%-28s %-10s %9s %-12s %-20s %10s %8s\n", "ASSET", "KIND", "SNAPSHOTS", "VERSION", "LATEST", "COMPONENTS",
            "OPEN");
    size_t i;
    const json_t *a;
    json_array_foreach(list, i, a) {
        const json_t *l = json_object_get(a, "latest");
        fprintf(f, "%-28s %-10s %9lld %-12s %-20s %10lld %8lld\n", text_of(a, "name"), text_of(a, "kind"),
                (long long)json_integer_value(json_object_get(a, "snapshots")), text_of(l, "version"),
                text_of(l, "created"), (long long)json_integer_value(json_object_get(l, "components")),
                (long long)json_integer_value(json_object_get(a, "open_findings")));
    }
}

static void print_show(const json_t *s, FILE *f)
{
    fprintf(f, "asset      %s\nsnapshot   %lld\nversion    %s\ncreated    %s\nsource     %s\nos         %s\n"
               "sbom       %s\ncomponents %lld (%lld not checked)\nfindings   %lld\n",
            text_of(s, "asset"), (long long)json_integer_value(json_object_get(s, "snapshot")), text_of(s, "version"),
            text_of(s, "created"), text_of(s, "source"), text_of(s, "os"), text_of(s, "sbom_digest"),
            (long long)json_integer_value(json_object_get(s, "components")),
            (long long)json_integer_value(json_object_get(s, "unchecked")),
            (long long)json_integer_value(json_object_get(s, "findings")));
    size_t i;
    const json_t *x;
    const json_t *suppliers = json_object_get(s, "suppliers");
    if (suppliers) { /* the register attributes its components (vigil supplier) */
        fputs("suppliers ", f);
        json_array_foreach(suppliers, i, x)
            fprintf(f, "%s %s (%lld)", i ? "," : "", text_of(x, "name"),
                    (long long)json_integer_value(json_object_get(x, "components")));
        fprintf(f, "%s %lld unmapped\n", json_array_size(suppliers) ? ";" : "",
                (long long)json_integer_value(json_object_get(s, "unmapped")));
    }
    json_array_foreach(json_object_get(s, "attestations"), i, x)
        fprintf(f, "attestation %s %s\n", text_of(x, "digest"), text_of(x, "verified"));
    const json_t *fl = json_object_get(s, "finding_list");
    if (json_array_size(fl)) {
        fprintf(f, "\n%-20s %-9s %-40s %-20s %s\n", "VULNERABILITY", "SEVERITY", "PACKAGE", "VERSION", "FIRST SEEN");
        json_array_foreach(fl, i, x)
            fprintf(f, "%-20s %-9s %-40s %-20s %s%s\n", text_of(x, "id"), text_of(x, "severity"), text_of(x, "name"),
                    text_of(x, "version"), text_of(x, "first_seen"),
                    json_is_true(json_object_get(x, "suppressed")) ? " (suppressed)" : "");
    }
}

/* The store a read-only query reads: --store-read when given. */
static const char *read_store(const inventory_opts *io) { return io->store_read ? io->store_read : io->store; }

static int inventory_query(const char *what, const char *ref, const inventory_opts *io)
{
    vg_store *store;
    int status = cli_store_open(read_store(io), VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *r = NULL;
    int rc = strcmp(what, "list") == 0 ? vg_store_list(&ctx, store, &r) : vg_store_show(&ctx, store, ref, &r);
    if (rc == VG_OK && strcmp(what, "show") == 0)
        rc = vg_store_supplier_annotate(&ctx, store, r);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else if (strcmp(io->output, "json") == 0) {
        status = cli_print_json(r, io->output_path);
    } else if (strcmp(what, "list") == 0) {
        print_list(r, stdout);
    } else {
        print_show(r, stdout);
    }
    json_decref(r);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

static int inventory_export(const char *ref, const inventory_opts *io)
{
    if (strcmp(io->output, "cyclonedx-json") != 0 && strcmp(io->output, "sbom") != 0) {
        cli_error("export: write the stored document with -o cyclonedx-json=FILE (or -o sbom=FILE for an SPDX one)");
        return EXIT_USAGE;
    }
    vg_store *store;
    int status = cli_store_open(read_store(io), VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf doc;
    char media[128], digest[128];
    int rc = vg_store_export(&ctx, store, ref, &doc, media, sizeof media, digest, sizeof digest);
    if (rc) {
        cli_error("%s", ctx.message);
        status = rc == VG_ERR_DIGEST ? EXIT_VERIFY : cli_exit_status(rc);
    } else if (strcmp(io->output, "cyclonedx-json") == 0 && strcmp(media, "application/vnd.cyclonedx+json") != 0) {
        cli_error("%s: the stored document is %s, not CycloneDX: use -o sbom=FILE", ref, media);
        status = EXIT_USAGE;
    } else if (cli_write_output(io->output_path, doc.data ? doc.data : "", doc.len) != 0) {
        status = EXIT_FAILURE_;
    } else if (!io->quiet) {
        fprintf(stderr, "vigil: %s: %zu bytes, %s (checked)\n", ref, doc.len, digest);
    }
    vg_buf_free(&doc);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- the subcommand table -------------------------------------------------- */

int cmd_inventory(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"store-read", required_argument, NULL, 'R'},
        {"enqueue", no_argument, NULL, 'E'},
        {"output", required_argument, NULL, 'o'},
        {"asset", required_argument, NULL, 'a'},
        {"version", required_argument, NULL, 'v'},
        {"tag", required_argument, NULL, 't'},
        {"kind", required_argument, NULL, 'k'},
        {"owner", required_argument, NULL, 'O'},
        {"environment", required_argument, NULL, 'e'},
        {"bundle", required_argument, NULL, 'b'},
        {"key", required_argument, NULL, 'K'},
        {"db", required_argument, NULL, 'D'},
        {"distro", required_argument, NULL, 'd'},
        {"allow-unchecked", no_argument, NULL, 'U'},
        {"platform", required_argument, NULL, 'P'},
        {"exclude", required_argument, NULL, 'X'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(inventory_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    /* Subcommands in files of their own parse their own options. */
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } own[] = {{"diff", cmd_inventory_diff}, {"affected", cmd_inventory_affected},
                 {"rescan", cmd_inventory_maintain}, {"sla", cmd_inventory_maintain}, {"prune", cmd_inventory_maintain}};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strcmp(sub, own[i].name) == 0)
            return own[i].run(argc - 1, argv + 1);
    inventory_opts io = {.output = "table"};
    static add_opts a;
    memset(&a, 0, sizeof a);
    a.in.tags = a.tags;
    a.in.time = (int64_t)time(NULL);
    char *output_arg = NULL;
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': io.store = optarg; break;
        case 'R': io.store_read = optarg; break;
        case 'E': a.enqueue = 1; break;
        case 'o':
            output_arg = optarg;
            io.output_path = cli_output_cut(optarg);
            io.output = optarg;
            break;
        case 'a': a.in.asset = optarg; break;
        case 'v': a.in.version_label = optarg; break;
        case 't': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || a.in.ntags == INVENTORY_MAX_TAGS) {
                cli_error("--tag %s: expected KEY=VALUE (at most %d tags)", optarg, INVENTORY_MAX_TAGS);
                return EXIT_USAGE;
            }
            *eq = '\0';
            a.tags[a.in.ntags++] = (vg_store_tag){optarg, eq + 1};
            break;
        }
        case 'k': a.in.kind = optarg; break;
        case 'O': a.in.owner = optarg; break;
        case 'e': a.in.environment = optarg; break;
        case 'b':
            if (a.nbundles == INVENTORY_MAX_BUNDLES) {
                cli_error("at most %d --bundle files", INVENTORY_MAX_BUNDLES);
                return EXIT_USAGE;
            }
            a.bundles[a.nbundles++] = optarg;
            break;
        case 'K': a.key_path = optarg; break;
        case 'D': a.db_path = optarg; break;
        case 'd': {
            char *colon = strchr(optarg, ':');
            if (colon)
                *colon = '\0';
            if (!*optarg || (colon && !colon[1])) {
                cli_error("--distro: expected ID or ID:VERSION, e.g. debian:12");
                return EXIT_USAGE;
            }
            a.distro = (vg_os){.id = optarg, .version_id = colon ? colon + 1 : NULL};
            a.mopts.distro = &a.distro;
            break;
        }
        case 'U': a.allow_unchecked = 1; break;
        case 'P': a.sopts.platform = optarg; break;
        case 'X':
            if (cli_exclude_add(&a.sopts, a.excludes, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'q': io.quiet = 1; break;
        case 'h': fputs(inventory_usage, stdout); return EXIT_OK;
        default: fputs(inventory_usage, stderr); return EXIT_USAGE;
        }
    }
    int nargs = argc - optind;
    int reads = strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "export") == 0;
    if (io.store_read && !reads) {
        cli_error("--store-read is for list, show, export, diff and affected; %s writes to --store", sub);
        return EXIT_USAGE;
    }
    if (a.enqueue && strcmp(sub, "add") != 0) {
        cli_error("--enqueue is for add and rescan");
        return EXIT_USAGE;
    }
    if (a.enqueue && (a.nbundles || a.key_path || a.db_path || a.allow_unchecked)) {
        cli_error("add --enqueue: --bundle, --key, --db and --allow-unchecked are not for a queued SBOM "
                  "(the worker matches it, against its own --db)");
        return EXIT_USAGE;
    }
    if (strcmp(sub, "export") == 0) {
        if (nargs != 1 || !output_arg || !io.output_path) {
            cli_error("export: usage: vigil inventory export ASSET[@SNAPSHOT] -o cyclonedx-json=FILE");
            return EXIT_USAGE;
        }
        return inventory_export(argv[optind], &io);
    }
    if (strcmp(io.output, "table") != 0 && strcmp(io.output, "json") != 0) {
        cli_error("unknown output format '%s' (table, json)", io.output);
        return EXIT_USAGE;
    }
    if (strcmp(sub, "add") == 0) {
        if (nargs != 1 || !a.in.asset) {
            cli_error(nargs != 1 ? "add: give one TARGET or SBOM" : "add: name the asset with --asset NAME");
            return EXIT_USAGE;
        }
        return inventory_add(argv[optind], &a, &io);
    }
    if (strcmp(sub, "import") == 0 && nargs == 1)
        return inventory_import(argv[optind], a.db_path, &a.mopts, a.allow_unchecked, &io);
    if (strcmp(sub, "list") == 0 && nargs == 0)
        return inventory_query("list", NULL, &io);
    if (strcmp(sub, "show") == 0 && nargs == 1)
        return inventory_query("show", argv[optind], &io);
    cli_error("inventory: unknown subcommand or wrong arguments: %s", sub);
    fputs(inventory_usage, stderr);
    return EXIT_USAGE;
}
