/*
 * cmd_inventory_import.c — `vigil inventory import MANIFEST|-`: many
 * snapshots in one process, one per line of an NDJSON manifest
 * (docs/store.md, "Bulk import"; the line format is parsed by
 * vg_store_manifest_parse()).  The vulnerability database and the store are
 * opened once; each line is read, matched and stored exactly as `inventory
 * add SBOM` does (inventory_store_sbom()), in its own transaction, and
 * everything a line needed is freed before the next, so that memory does not
 * grow with the number of lines.
 *
 * A line that cannot be imported (bad JSON, a missing or invalid SBOM) is
 * reported with its number and skipped: the store holds it whole or not at
 * all.  An error of the store or database itself (lost connection, full
 * disk, read-only store) stops the import at that line, since every later
 * line would fail the same way.  The results stream to standard output, one
 * line per snapshot (with -o json, one JSON object per line).
 *
 * Leaves out: parallel ingest (run several imports, or workers), targets
 * other than SBOM files (use `inventory add`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inventory.h"
#include "vigil/sbomread.h"

#define IMPORT_MAX_PATH 4096

typedef struct import_counts {
    size_t lines, stored, failed, incomplete, components;
} import_counts;

/* Reads the next line of f into buf (at most cap bytes kept; the rest of a
 * longer line is read and dropped, *too_long set); 0 at the end of f. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len, int *too_long)
{
    int c;
    *len = 0;
    *too_long = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (*len < cap)
            buf[(*len)++] = (char)c;
        else
            *too_long = 1;
    }
    if (*len && buf[*len - 1] == '\r')
        (*len)--;
    return c != EOF || *len || *too_long;
}

/* The path of a manifest's sbom: as written when absolute or when the
 * manifest is standard input or in the current directory, else relative to
 * the manifest's directory. */
static int sbom_path(vg_ctx *ctx, const char *manifest, const char *sbom, char *out, size_t outsz)
{
    const char *slash = strrchr(manifest, '/');
    int n = sbom[0] == '/' || !slash ? snprintf(out, outsz, "%s", sbom)
                                      : snprintf(out, outsz, "%.*s/%s", (int)(slash - manifest), manifest, sbom);
    if (n < 0 || (size_t)n >= outsz)
        return vg_error(ctx, VG_ERR_LIMIT, "sbom path longer than %zu bytes", outsz - 1);
    if (strcmp(sbom, "-") == 0)
        return vg_error(ctx, VG_ERR_USAGE, "\"sbom\": \"-\": standard input is the manifest; name a file");
    return VG_OK;
}

/* Prints the store's answer r for manifest line line (and adds "line" to it). */
static void print_line(json_t *r, size_t line, const inventory_opts *io)
{
    if (strcmp(io->output, "json") == 0) {
        json_object_set_new(r, "line", json_integer((json_int_t)line));
        char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        if (text)
            printf("%s\n", text);
        free(text);
        return;
    }
    char ref[600];
    snprintf(ref, sizeof ref, "%s@%lld", json_string_value(json_object_get(r, "asset")),
             (long long)json_integer_value(json_object_get(r, "snapshot")));
    printf("%-8zu %-40s %10lld %9lld %5zu %5zu\n", line, ref,
           (long long)json_integer_value(json_object_get(r, "components")),
           (long long)json_integer_value(json_object_get(r, "distinct_components")),
           json_array_size(json_object_get(r, "new_findings")), json_array_size(json_object_get(r, "fixed_findings")));
}

/* Imports one manifest line; VG_OK, or the status of what failed with the
 * message printed; *stop set when the store or database itself failed. */
static int import_line(vg_store *store, vg_vulndb *db, const vg_match_options *mopts, int allow_unchecked,
                       const char *manifest, size_t line, const char *text, size_t len, const inventory_opts *io,
                       import_counts *n, int *stop)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_store_manifest_entry e;
    vg_buf doc;
    vg_buf_init(&doc, VG_SBOM_MAX_DOCUMENT);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_findings findings;
    vg_findings_init(&findings);
    json_t *result = NULL;
    char path[IMPORT_MAX_PATH];
    int read_ok = 0;
    int rc = vg_store_manifest_parse(&ctx, text, len, &e);
    if (rc == VG_OK && (rc = sbom_path(&ctx, manifest, e.sbom, path, sizeof path)) == VG_OK &&
        (rc = attest_cli_read_file(&ctx, path, VG_SBOM_MAX_DOCUMENT, &doc)) == VG_OK) {
        read_ok = 1;
        vg_store_snapshot_input in = {
            .asset = e.asset, .kind = e.kind, .owner = e.owner, .environment = e.environment,
            .tags = e.tags, .ntags = e.ntags, .version_label = e.version, .source = path,
            .time = e.has_time ? e.time : (int64_t)time(NULL),
        };
        rc = inventory_store_sbom(&ctx, store, db, mopts, path, &doc, NULL, &in, &inv, &findings, &result);
    }
    if (!io->quiet && vg_warning_count(&ctx)) {
        fprintf(stderr, "vigil: %s:%zu: %zu warning%s:\n", manifest, line, vg_warning_count(&ctx),
                vg_warning_count(&ctx) == 1 ? "" : "s");
        cli_print_warnings(&ctx);
    }
    if (rc) {
        cli_error("%s:%zu: %s", manifest, line, ctx.message);
        /* Past reading and checking the document, these are the store's or
         * the database's own failures, not the line's. */
        *stop = read_ok && (rc == VG_ERR_IO || rc == VG_ERR_PERMISSION || rc == VG_ERR_NOMEM);
        n->failed++;
    } else {
        n->stored++;
        n->components += inv.ncomponents;
        print_line(result, line, io);
        char where[IMPORT_MAX_PATH + 64];
        snprintf(where, sizeof where, "%s:%zu: ", manifest, line);
        if (inventory_check_stored(where, path, e.asset, &inv, &findings, allow_unchecked) != EXIT_OK)
            n->incomplete++;
    }
    json_decref(result);
    vg_findings_free(&findings);
    vg_inventory_free(&inv);
    vg_buf_free(&doc);
    vg_store_manifest_entry_free(&e);
    vg_ctx_free(&ctx);
    return rc;
}

int inventory_import(const char *manifest, const char *db_path, const vg_match_options *mopts, int allow_unchecked,
                     const inventory_opts *io)
{
    if (io->output_path) {
        cli_error("import: the results stream to standard output (-o table or -o json): redirect it to keep them");
        return EXIT_USAGE;
    }
    int from_stdin = strcmp(manifest, "-") == 0;
    const char *name = from_stdin ? "(standard input)" : manifest;
    FILE *f = from_stdin ? stdin : fopen(manifest, "r");
    if (!f) {
        cli_error("%s: cannot open the manifest: %s", manifest, strerror(errno));
        return EXIT_FAILURE_;
    }
    vg_vulndb *db = NULL;
    vg_store *store = NULL;
    char *buf = malloc(VG_STORE_MANIFEST_MAX_LINE);
    import_counts n = {0};
    int status = EXIT_OK, stop = 0;
    if (!buf) {
        cli_error("out of memory");
        status = EXIT_FAILURE_;
    }
    if (status || (status = inventory_open_db(db_path, &db)) != EXIT_OK ||
        (status = cli_store_open(io->store, VG_STORE_CREATE, &store)) != EXIT_OK)
        goto out;
    vg_vulndb_memo(db, VG_VULNDB_MEMO_FLEET);
    if (strcmp(io->output, "table") == 0)
        printf("%-8s %-40s %10s %9s %5s %5s\n", "LINE", "ASSET@SNAPSHOT", "COMPONENTS", "DISTINCT", "NEW", "FIXED");
    size_t len, line = 0;
    int too_long;
    while (!stop && read_line(f, buf, VG_STORE_MANIFEST_MAX_LINE, &len, &too_long)) {
        line++;
        size_t blank = 0;
        while (blank < len && (buf[blank] == ' ' || buf[blank] == '\t'))
            blank++;
        if (blank == len && !too_long) /* blank lines separate nothing */
            continue;
        n.lines++;
        if (too_long) {
            cli_error("%s:%zu: line longer than %d bytes: skipped", name, line, VG_STORE_MANIFEST_MAX_LINE);
            n.failed++;
            continue;
        }
        if (import_line(store, db, mopts, allow_unchecked, name, line, buf, len, io, &n, &stop) != VG_OK && stop)
            cli_error("%s: stopped at line %zu: the lines after it were not imported", name, line);
    }
    if (ferror(f)) {
        cli_error("%s: reading the manifest: %s", name, strerror(errno));
        n.failed++;
    }
    if (n.failed || n.incomplete || !n.stored)
        status = EXIT_INCOMPLETE;
    if (n.lines == 0 && !n.failed)
        cli_error("%s: no snapshots in the manifest: nothing was imported", name);
    else if (status || !io->quiet)
        fprintf(stderr, "vigil: %s: %zu of %zu snapshot%s imported (%zu components); %zu failed, %zu not fully checked\n",
                name, n.stored, n.lines, n.lines == 1 ? "" : "s", n.components, n.failed, n.incomplete);
out:
    free(buf);
    vg_store_close(store);
    vg_vulndb_close(db);
    if (!from_stdin)
        fclose(f);
    return status;
}
