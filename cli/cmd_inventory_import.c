/*
 * cmd_inventory_import.c — `vigil inventory import MANIFEST|-`: many
 * snapshots in one process, one per line of an NDJSON manifest
 * (docs/store.md, "Bulk import"; the line format is parsed by
 * vg_store_manifest_parse()).  The vulnerability database and the store are
 * opened once; each line is read, matched and stored exactly as `inventory
 * add SBOM` does (inventory_match_sbom(), inventory_store_matched()), in its
 * own transaction, and
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
 * Two threads: a reader reads and matches the next lines (at most
 * IMPORT_AHEAD ahead) while the main thread stores and reports the current
 * one, in manifest order; the store is only ever used by the main thread,
 * the vulnerability database only by the reader.
 *
 * Leaves out: more than one line stored at once (run several imports, or
 * workers), targets other than SBOM files (use `inventory add`).
 */
#include <errno.h>
#include <pthread.h>
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

/* One manifest line on its way: read and matched by the reader thread,
 * then stored and reported by the main thread, in manifest order. */
typedef struct line_job {
    size_t line;
    int too_long; /* longer than VG_STORE_MANIFEST_MAX_LINE: skipped */
    vg_ctx ctx;   /* the line's messages and warnings */
    vg_store_manifest_entry e;
    char path[IMPORT_MAX_PATH];
    vg_buf doc;
    vg_inventory inv;
    vg_findings findings;
    int64_t db_time;
    int read_ok; /* the document was read: failures after that are the store's */
    int rc;      /* of reading and matching */
} line_job;

static void job_init(line_job *j, size_t line)
{
    memset(j, 0, sizeof *j);
    j->line = line;
    vg_ctx_init(&j->ctx);
    vg_buf_init(&j->doc, VG_SBOM_MAX_DOCUMENT);
    vg_inventory_init(&j->inv);
    vg_findings_init(&j->findings);
}

static void job_free(line_job *j)
{
    vg_findings_free(&j->findings);
    vg_inventory_free(&j->inv);
    vg_buf_free(&j->doc);
    vg_store_manifest_entry_free(&j->e);
    vg_ctx_free(&j->ctx);
}

/* The reader thread's half of a line: parse, read the document, match. */
static void job_prepare(line_job *j, vg_vulndb *db, const vg_match_options *mopts, const char *manifest,
                        const char *text, size_t len)
{
    int rc = vg_store_manifest_parse(&j->ctx, text, len, &j->e);
    if (rc == VG_OK && (rc = sbom_path(&j->ctx, manifest, j->e.sbom, j->path, sizeof j->path)) == VG_OK &&
        (rc = attest_cli_read_file(&j->ctx, j->path, VG_SBOM_MAX_DOCUMENT, &j->doc)) == VG_OK) {
        j->read_ok = 1;
        rc = inventory_match_sbom(&j->ctx, db, mopts, j->path, &j->doc, NULL, &j->inv, &j->findings, &j->db_time);
    }
    j->rc = rc;
}

/* The main thread's half: store the line and report it; VG_OK, or the
 * status of what failed with the message printed; *stop set when the store
 * or database itself failed. */
static int job_store(line_job *j, vg_store *store, int allow_unchecked, const char *manifest,
                     const inventory_opts *io, const vg_match_options *mopts, import_counts *n, int *stop)
{
    char distro[256];
    json_t *result = NULL;
    int rc = j->rc;
    if (rc == VG_OK) {
        vg_store_manifest_entry *e = &j->e;
        vg_store_snapshot_input in = {
            .asset = e->asset, .kind = e->kind, .owner = e->owner, .environment = e->environment,
            .tags = e->tags, .ntags = e->ntags, .version_label = e->version, .source = j->path,
            .time = e->has_time ? e->time : (int64_t)time(NULL),
            .distro = vg_store_release_text(mopts ? mopts->distro : NULL, distro, sizeof distro),
        };
        rc = inventory_store_matched(&j->ctx, store, &j->doc, j->db_time, &in, &j->inv, &j->findings, &result);
    }
    if (!io->quiet && vg_warning_count(&j->ctx)) {
        fprintf(stderr, "vigil: %s:%zu: %zu warning%s:\n", manifest, j->line, vg_warning_count(&j->ctx),
                vg_warning_count(&j->ctx) == 1 ? "" : "s");
        cli_print_warnings(&j->ctx);
    }
    if (rc) {
        cli_error("%s:%zu: %s", manifest, j->line, j->ctx.message);
        /* Past reading and checking the document, these are the store's or
         * the database's own failures, not the line's. */
        *stop = j->read_ok && (rc == VG_ERR_IO || rc == VG_ERR_PERMISSION || rc == VG_ERR_NOMEM);
        n->failed++;
    } else {
        n->stored++;
        n->components += j->inv.ncomponents;
        print_line(result, j->line, io);
        char where[IMPORT_MAX_PATH + 64];
        snprintf(where, sizeof where, "%s:%zu: ", manifest, j->line);
        if (inventory_check_stored(where, j->path, j->e.asset, &j->inv, &j->findings, allow_unchecked) != EXIT_OK)
            n->incomplete++;
    }
    json_decref(result);
    return rc;
}

/* Lines read and matched ahead of the one being stored: reading and
 * matching a document take about as long as storing one, so that the two
 * halves of consecutive lines run at once, on two cores. */
#define IMPORT_AHEAD 2

typedef struct line_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    line_job jobs[IMPORT_AHEAD];
    size_t head, tail; /* the reader fills jobs[head % AHEAD]; the main thread takes jobs[tail % AHEAD] */
    int eof;           /* the reader is done: no line after head */
    int read_errno;    /* of reading the manifest, when it failed */
    int stop;          /* the main thread wants no more lines */
    int reading;       /* the reader is reading the manifest, and will touch nothing else before it sees stop */
    /* the reader's */
    FILE *f;
    const char *name;
    char *buf;
    vg_vulndb *db;
    const vg_match_options *mopts;
} line_queue;

static void *reader_main(void *arg)
{
    line_queue *q = arg;
    size_t len, line = 0;
    int too_long;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (q->head - q->tail == IMPORT_AHEAD && !q->stop)
            pthread_cond_wait(&q->changed, &q->lock);
        int stop = q->stop;
        pthread_mutex_unlock(&q->lock);
        if (stop)
            break;
        pthread_mutex_lock(&q->lock);
        q->reading = 1;
        pthread_mutex_unlock(&q->lock);
        int got;
        while ((got = read_line(q->f, q->buf, VG_STORE_MANIFEST_MAX_LINE, &len, &too_long))) {
            line++;
            size_t blank = 0;
            while (blank < len && (q->buf[blank] == ' ' || q->buf[blank] == '\t'))
                blank++;
            if (blank < len || too_long) /* blank lines separate nothing */
                break;
        }
        pthread_mutex_lock(&q->lock);
        q->reading = 0;
        stop = q->stop;
        pthread_mutex_unlock(&q->lock);
        if (stop)
            break;
        if (!got) {
            pthread_mutex_lock(&q->lock);
            q->eof = 1;
            q->read_errno = ferror(q->f) ? (errno ? errno : EIO) : 0;
            pthread_cond_broadcast(&q->changed);
            pthread_mutex_unlock(&q->lock);
            break;
        }
        /* jobs[head] is the reader's until head moves on */
        line_job *j = &q->jobs[q->head % IMPORT_AHEAD];
        job_init(j, line);
        j->too_long = too_long;
        if (!too_long)
            job_prepare(j, q->db, q->mopts, q->name, q->buf, len);
        pthread_mutex_lock(&q->lock);
        q->head++;
        pthread_cond_broadcast(&q->changed);
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
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
    /* (on the heap: a reader left waiting for a line outlives this call) */
    line_queue *q = calloc(1, sizeof *q);
    if (!q) {
        cli_error("out of memory");
        status = EXIT_FAILURE_;
        goto out;
    }
    *q = (line_queue){.f = f, .name = name, .buf = buf, .db = db, .mopts = mopts};
    pthread_t reader;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->changed, NULL);
    if ((errno = pthread_create(&reader, NULL, reader_main, q)) != 0) {
        cli_error("starting the reader thread: %s", strerror(errno));
        free(q);
        status = EXIT_FAILURE_;
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (q->head == q->tail && !q->eof)
            pthread_cond_wait(&q->changed, &q->lock);
        int done = q->head == q->tail;
        pthread_mutex_unlock(&q->lock);
        if (done)
            break;
        /* jobs[tail] is this thread's until tail moves on */
        line_job *j = &q->jobs[q->tail % IMPORT_AHEAD];
        n.lines++;
        if (j->too_long) {
            cli_error("%s:%zu: line longer than %d bytes: skipped", name, j->line, VG_STORE_MANIFEST_MAX_LINE);
            n.failed++;
        } else if (job_store(j, store, allow_unchecked, name, io, mopts, &n, &stop) != VG_OK && stop) {
            cli_error("%s: stopped at line %zu: the lines after it were not imported", name, j->line);
        }
        job_free(j);
        pthread_mutex_lock(&q->lock);
        q->tail++;
        q->stop = stop;
        pthread_cond_broadcast(&q->changed);
        pthread_mutex_unlock(&q->lock);
        if (stop)
            break;
    }
    /* Stopped while the reader waits for a line of a manifest that stays
     * open (a pipe): it will touch nothing but the manifest and its buffer
     * before it sees stop, so it is left to the end of the process, with
     * them. */
    pthread_mutex_lock(&q->lock);
    int waiting = q->stop && q->reading;
    pthread_mutex_unlock(&q->lock);
    if (!waiting)
        pthread_join(reader, NULL);
    for (; q->tail < q->head; q->tail++) /* read ahead, then stopped */
        job_free(&q->jobs[q->tail % IMPORT_AHEAD]);
    int read_errno = q->read_errno;
    if (waiting) {
        pthread_detach(reader);
        buf = NULL;
        f = NULL;
    } else {
        pthread_cond_destroy(&q->changed);
        pthread_mutex_destroy(&q->lock);
        free(q);
    }
    if (read_errno) {
        cli_error("%s: reading the manifest: %s", name, strerror(read_errno));
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
    if (!from_stdin && f)
        fclose(f);
    return status;
}
