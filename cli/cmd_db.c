/*
 * cmd_db.c — `vigil db build --from DIR... [--db PATH] [--force]`,
 * `vigil db update [--mirror URL | --from DIR] [--source NAME...] [--db PATH]
 * [--force] [--ca-cert FILE]` and `vigil db status [--db PATH]`: the
 * vulnerability database (include/vigil/vulndb.h, docs/vulndb.md,
 * docs/vigil-db.1).  Reads NVD_API_KEY (the NVD API key) and SSL_CERT_FILE
 * (CA file, when --ca-cert is not given) from the environment.
 *
 * Exit statuses: 0 done; 1 failed (the previous database is unchanged);
 * 2 bad command line; 3 built, but some records or files were skipped
 * (listed on stderr).  Leaves out: scheduling updates (cron/systemd timers).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "vigil/vulndb.h"

#define DB_INPUTS_MAX 256
#define DB_SOURCES_MAX 512

static void db_usage(FILE *out)
{
    fprintf(out,
            "usage: vigil db build --from DIR|FILE [--from ...] [--db PATH] [--force]\n"
            "       vigil db update [--mirror URL | --from DIR] [--source NAME[,NAME...]]... [--db PATH]\n"
            "                       [--force] [--ca-cert FILE]\n"
            "       vigil db status [--db PATH]\n"
            "\n"
            "  --db PATH        the database (default $XDG_CACHE_HOME/vigil/vulndb.sqlite)\n"
            "  --from DIR       build: feed files and folders, recognised by content;\n"
            "                   update: a local directory in the mirror layout\n"
            "  --mirror URL     update: fetch every source below URL (same paths as the OSV export)\n"
            "  --source NAME    update: only these sources (osv:ECOSYSTEM, alpine:vX.Y/REPO, wolfi,\n"
            "                   chainguard, debian:DSA, debian:DLA, debian:DTSA, debian:json, kev, nvd)\n"
            "  --list-sources   update: print the default sources and exit\n"
            "  --force          replace a --db file that is damaged or not a vigil database\n"
            "  --ca-cert FILE   update: trust the CAs of this PEM file (default: $SSL_CERT_FILE, else\n"
            "                   the system's)\n"
            "\n"
            "Environment: NVD_API_KEY (NVD API key: faster NVD downloads), SSL_CERT_FILE.\n"
            "Exit status: 0 done, 1 failed (old database kept), 2 usage, 3 built but records skipped.\n"
            "See vigil-db(1) and docs/vulndb.md.\n");
}

/* Resolves --db or the default path into buf; NULL after printing an error. */
static const char *db_path(const char *given, vg_buf *buf)
{
    vg_buf_init(buf, 4096);
    if (given)
        return given;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (vg_vulndb_default_path(&ctx, buf) != VG_OK) {
        cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return NULL;
    }
    vg_ctx_free(&ctx);
    return buf->data;
}

static void format_time(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, outsz, "-");
}

static void format_date(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(out, outsz, "%Y-%m-%d", &tm) == 0)
        snprintf(out, outsz, "-");
}

static void format_age(int64_t age, char *out, size_t outsz)
{
    if (age < 0)
        age = 0;
    if (age < 3600)
        snprintf(out, outsz, "%lld minutes", (long long)(age / 60));
    else if (age < 2 * 86400)
        snprintf(out, outsz, "%lld hours", (long long)(age / 3600));
    else
        snprintf(out, outsz, "%lld days", (long long)(age / 86400));
}

/* Prints what each source contributed, and the skip reasons on stderr.
 * Returns EXIT_OK or EXIT_INCOMPLETE. */
static int print_report(const char *path, const vg_vulndb_report *r)
{
    int64_t read = 0, imported = 0;
    printf("%-28s %10s %10s %8s %10s %8s  %s\n", "SOURCE", "READ", "IMPORTED", "SKIPPED", "DUPLICATE",
           "UNUSED", "FROM");
    for (size_t i = 0; i < r->nsources; i++) {
        const vg_vulndb_source_report *s = &r->sources[i];
        printf("%-28s %10lld %10lld %8lld %10lld %8lld  %s%s\n", s->name, (long long)s->records_read,
               (long long)s->records_imported, (long long)s->records_skipped,
               (long long)s->records_duplicate, (long long)s->records_unused,
               s->location ? s->location : "-", s->not_modified ? " (not modified)" : "");
        read += s->records_read;
        imported += s->records_imported;
        for (size_t k = 0; k < s->nreasons; k++)
            fprintf(stderr, "vigil: warning: %s: skipped %s\n", s->name, s->reasons[k]);
        if (s->records_skipped > (int64_t)s->nreasons)
            fprintf(stderr, "vigil: warning: %s: %lld more records skipped\n", s->name,
                    (long long)(s->records_skipped - (int64_t)s->nreasons));
    }
    for (size_t i = 0; i < r->nunrecognised && i < 20; i++)
        fprintf(stderr, "vigil: warning: %s: not a known vulnerability feed; ignored\n",
                r->unrecognised[i]);
    if (r->nunrecognised > 20)
        fprintf(stderr, "vigil: warning: %zu more unrecognised files\n", r->nunrecognised - 20);
    printf("%s: %lld records read, %lld imported, %lld skipped\n", path, (long long)read,
           (long long)imported, (long long)r->total_skipped);
    if (fflush(stdout) != 0) {
        cli_error("cannot write to standard output");
        return EXIT_FAILURE_;
    }
    return r->total_skipped > 0 || r->nunrecognised > 0 ? EXIT_INCOMPLETE : EXIT_OK;
}

/* Splits "a,b,c" into list (borrowing argv memory, which is modified). */
static int add_sources(char *arg, const char **list, size_t *n)
{
    char *save = NULL;
    for (char *tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n >= DB_SOURCES_MAX)
            return -1;
        list[(*n)++] = tok;
    }
    return 0;
}

static int db_status(const char *path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb *db;
    int rc = vg_vulndb_open(&ctx, path, &db);
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    vg_arena arena;
    vg_arena_init(&arena);
    vg_vulndb_source_info *src;
    size_t n;
    int64_t age = 0, now = (int64_t)time(NULL);
    rc = vg_vulndb_sources(&ctx, db, &arena, &src, &n);
    if (rc == VG_OK)
        rc = vg_vulndb_age(&ctx, db, (time_t)now, &age);
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        vg_arena_free(&arena);
        vg_vulndb_close(db);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    /* The source that decides the age: the stalest that has not ended. */
    const vg_vulndb_source_info *stalest = NULL;
    for (size_t i = 0; i < n; i++)
        if (!src[i].ended && (!stalest || src[i].data_time < stalest->data_time))
            stalest = &src[i];
    char agebuf[64], datebuf[32], cmd[4300];
    format_age(age, agebuf, sizeof agebuf);
    format_date(stalest ? stalest->data_time : 0, datebuf, sizeof datebuf);
    vg_vulndb_update_command(path, 0, cmd, sizeof cmd);
    printf("database: %s (schema %d)\n", path, VG_VULNDB_SCHEMA_VERSION);
    printf("data age: %s (newest data of %s: %s)%s%s\n", agebuf, stalest ? stalest->name : "-", datebuf,
           age > VG_VULNDB_MAX_AGE_DEFAULT ? "; older than 3 days: run " : "",
           age > VG_VULNDB_MAX_AGE_DEFAULT ? cmd : "");
    printf("%-28s %-12s %10s %8s  %-10s %-10s %-8s %-20s %s\n", "SOURCE", "KIND", "RECORDS", "SKIPPED",
           "DATA", "AGE", "DATED BY", "FETCHED", "FROM");
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char fetched[32], date[32], sage[64];
        format_time(src[i].fetched_at, fetched, sizeof fetched);
        format_date(src[i].data_time, date, sizeof date);
        format_age(now - src[i].data_time, sage, sizeof sage);
        printf("%-28s %-12s %10lld %8lld  %-10s %-10s %-8s %-20s %s%s\n", src[i].name, src[i].kind,
               (long long)src[i].records_imported, (long long)src[i].records_skipped, date, sage,
               src[i].data_basis ? src[i].data_basis : "-", fetched, src[i].location ? src[i].location : "-",
               src[i].ended ? " (ended: its family has newer data)" : "");
        total += src[i].records_imported;
    }
    printf("%zu sources, %lld records\n", n, (long long)total);
    vg_arena_free(&arena);
    vg_vulndb_close(db);
    vg_ctx_free(&ctx);
    if (fflush(stdout) != 0) {
        cli_error("cannot write to standard output");
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

/* Prints the command line of this run with --force added, as a user can
 * run it. */
static void print_force_advice(int argc, char **argv)
{
    vg_buf cmd;
    vg_buf_init(&cmd, 65536);
    int st = vg_buf_addstr(&cmd, "vigil");
    for (int i = 0; st == VG_OK && i < argc; i++)
        if ((st = vg_buf_addc(&cmd, ' ')) == VG_OK)
            st = vg_vulndb_shell_word(&cmd, argv[i]);
    if (st == VG_OK && (st = vg_buf_addstr(&cmd, " --force")) == VG_OK)
        cli_error("to replace it, run: %s", cmd.data);
    vg_buf_free(&cmd);
}

int cli_db_update(vg_ctx *ctx, const char *path, vg_vulndb_update_opts *opts, vg_vulndb_report *report)
{
    const char *env_ca = getenv("SSL_CERT_FILE"), *key = getenv("NVD_API_KEY");
    if (!opts->ca_cert && env_ca && env_ca[0])
        opts->ca_cert = env_ca;
    if (key && key[0])
        opts->nvd_api_key = key;
    return vg_vulndb_update(ctx, path, opts, report);
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        db_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *action = argv[1];
    int is_build = !strcmp(action, "build"), is_update = !strcmp(action, "update"),
        is_status = !strcmp(action, "status");
    if (!is_build && !is_update && !is_status) {
        cli_error("db: unknown action '%s' (build, update, status)", action);
        db_usage(stderr);
        return EXIT_USAGE;
    }
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},     {"from", required_argument, NULL, 'f'},
        {"mirror", required_argument, NULL, 'm'}, {"source", required_argument, NULL, 's'},
        {"list-sources", no_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
        {"force", no_argument, NULL, 'F'},        {"ca-cert", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    const char *given_db = NULL, *mirror = NULL, *ca_cert = NULL;
    int force = 0;
    const char *inputs[DB_INPUTS_MAX];
    const char *sources[DB_SOURCES_MAX];
    size_t ninputs = 0, nsources = 0;
    int list_sources = 0, c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", options, NULL)) != -1) {
        switch (c) {
        case 'd': given_db = optarg; break;
        case 'f':
            if (ninputs >= DB_INPUTS_MAX) {
                cli_error("db: too many --from");
                return EXIT_USAGE;
            }
            inputs[ninputs++] = optarg;
            break;
        case 'm': mirror = optarg; break;
        case 's':
            if (add_sources(optarg, sources, &nsources) != 0) {
                cli_error("db: too many --source");
                return EXIT_USAGE;
            }
            break;
        case 'l': list_sources = 1; break;
        case 'F': force = 1; break;
        case 'c': ca_cert = optarg; break;
        case 'h': db_usage(stdout); return EXIT_OK;
        default: db_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 < argc) {
        cli_error("db %s: unexpected argument '%s'", action, argv[optind + 1]);
        return EXIT_USAGE;
    }
    if ((is_status && (ninputs || mirror || nsources || list_sources || force || ca_cert)) ||
        (is_build && (mirror || nsources || list_sources || ca_cert)) || (is_update && ninputs > 1) ||
        (is_update && ninputs && mirror)) {
        cli_error("db %s: option not valid here (see vigil db --help)", action);
        return EXIT_USAGE;
    }
    if (list_sources) {
        for (const char *const *s = vg_vulndb_default_sources(); *s; s++)
            printf("%s\n", *s);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_;
    }
    if (is_build && ninputs == 0) {
        cli_error("db build: give the feeds with --from DIR");
        return EXIT_USAGE;
    }
    vg_buf pathbuf;
    const char *path = db_path(given_db, &pathbuf);
    if (!path)
        return EXIT_FAILURE_;
    if (is_status) {
        int rc = db_status(path);
        vg_buf_free(&pathbuf);
        return rc;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_vulndb_report report;
    vg_vulndb_report_init(&report);
    int rc;
    if (is_build) {
        rc = vg_vulndb_build(&ctx, path, inputs, ninputs, force ? VG_VULNDB_FORCE : 0, &report);
    } else {
        vg_vulndb_update_opts opts = {.mirror = mirror,
                                      .from_dir = ninputs ? inputs[0] : NULL,
                                      .sources = nsources ? sources : NULL,
                                      .nsources = nsources,
                                      .force = force,
                                      .ca_cert = ca_cert};
        rc = cli_db_update(&ctx, path, &opts, &report);
    }
    int exit_status;
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        cli_error("db %s failed; the previous database (if any) is unchanged", action);
        if (report.refused_existing)
            print_force_advice(argc, argv);
        exit_status = cli_exit_status(rc);
    } else {
        exit_status = print_report(path, &report);
    }
    vg_vulndb_report_free(&report);
    vg_ctx_free(&ctx);
    vg_buf_free(&pathbuf);
    return exit_status;
}
