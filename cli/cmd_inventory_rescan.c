/*
 * cmd_inventory_rescan.c — `vigil inventory rescan|sla|prune`: re-matching
 * the latest snapshot of every asset against the current vulnerability
 * database, the service levels of fixing findings, and deleting old
 * snapshots (store.h; docs/store.md "Rescan", "SLA", "Prune"; documented
 * in docs/vigil-inventory.1).  Also the rescan report `vigil monitor`
 * prints (cli_print_rescan(), cli_rescan_status()).  `rescan --enqueue`
 * queues one rescan job per asset for `vigil worker` instead (store.h,
 * vg_store_enqueue_rescans(); docs/vigil-worker.1).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/store.h"
#include "vigil/vulndb.h"

#define MAINTAIN_MAX_ASSETS 4096

static const char maintain_usage[] =
    "usage: vigil inventory rescan [--db PATH] [--asset NAME]... [--fail-on LEVEL] [--allow-unchecked]\n"
    "       vigil inventory rescan --enqueue [--asset NAME]...\n"
    "       vigil inventory sla [--days LEVEL=DAYS[,...]] [--asset NAME]... [--fail-on-breach]\n"
    "       vigil inventory prune (--keep N | --older-than DURATION) [--asset NAME]... [--dry-run]\n"
    "\n"
    "rescan re-matches the latest snapshot of every asset (or of each --asset)\n"
    "against the current vulnerability database and records and prints what is\n"
    "new and what is fixed since the last match.  sla lists open findings older\n"
    "than their severity allows and the time fixing took (median, 90th\n"
    "percentile).  prune deletes old snapshots, never an asset's latest.\n"
    "\n"
    "options:\n"
    "      --store URL             sqlite:PATH or postgresql://... (default:\n"
    "                              $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --asset NAME            only this asset; may be repeated\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json\n"
    "  -q, --quiet                 no warnings, no progress line\n"
    "  -h, --help                  show this help\n"
    "rescan:\n"
    "      --db PATH               vulnerability database (as for vigil scan)\n"
    "      --fail-on LEVEL         exit 5 when a new finding is at or above LEVEL\n"
    "                              (unknown, low, medium, high, critical)\n"
    "      --allow-unchecked       exit 0, not 3, when components could not be checked\n"
    "      --enqueue               queue one rescan job per asset for vigil worker, instead\n"
    "                              of rescanning here\n"
    "sla:\n"
    "      --days LEVEL=DAYS,...   allowed age of an open finding per severity (critical,\n"
    "                              high, medium, low, none, unknown; DAYS or off); default\n"
    "                              critical=7,high=30,medium=90,low=180\n"
    "      --fail-on-breach        exit 5 when a finding is past its allowed age\n"
    "prune:\n"
    "      --keep N                keep the newest N snapshots of each asset (N >= 1)\n"
    "      --older-than DURATION   delete only snapshots older than DURATION (90d, 12w, 36h);\n"
    "                              with --keep, a snapshot goes when both say so\n"
    "      --dry-run               say what would be deleted; delete nothing\n"
    "\n"
    "exit status: 0 done; 1 failed (nothing changed by the failed step); 2 usage\n"
    "error; 3 rescan: components could not be checked, or a stored document could\n"
    "not be read back; 5 --fail-on or --fail-on-breach met.\n";

typedef struct maintain_opts {
    const char *store;
    const char *output;
    const char *output_path;
    int quiet;
    const char *assets[MAINTAIN_MAX_ASSETS];
    size_t nassets;
    const char *db_path;
    int fail_on;
    int allow_unchecked;
    int64_t days[6];
    int fail_on_breach;
    int64_t keep, older_than;
    int dry_run;
    int enqueue;
} maintain_opts;

static const char *text_or_dash(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "-";
}

static long long int_of(const json_t *o, const char *key) { return (long long)json_integer_value(json_object_get(o, key)); }

/* ---- rescan ------------------------------------------------------------------ */

void cli_print_rescan(const json_t *r, FILE *f)
{
    const json_t *s = json_object_get(r, "summary");
    fprintf(f, "rescan %lld: %lld assets, %lld new findings, %lld fixed (database data of %s)\n", int_of(r, "run"),
            int_of(s, "assets"), int_of(s, "new"), int_of(s, "fixed"), text_or_dash(r, "db_time"));
    size_t i, j;
    const json_t *a, *x;
    json_array_foreach(json_object_get(r, "assets"), i, a) {
        const json_t *nw = json_object_get(a, "new_findings"), *fx = json_object_get(a, "fixed_findings");
        fprintf(f, "%s@%lld: %zu new, %zu fixed", text_or_dash(a, "asset"), int_of(a, "snapshot"), json_array_size(nw),
                json_array_size(fx));
        if (int_of(a, "unchecked"))
            fprintf(f, ", %lld of %lld components not checked", int_of(a, "unchecked"), int_of(a, "components"));
        fputc('\n', f);
        json_array_foreach(nw, j, x)
            fprintf(f, "  + %-20s %-9s %s@%s\n", text_or_dash(x, "id"), text_or_dash(x, "severity"),
                    text_or_dash(x, "package"), text_or_dash(x, "version"));
        json_array_foreach(fx, j, x)
            fprintf(f, "  - %-20s %-9s %s (fixed %s)\n", text_or_dash(x, "id"), text_or_dash(x, "severity"),
                    text_or_dash(x, "package"), text_or_dash(x, "fixed"));
    }
    json_array_foreach(json_object_get(r, "errors"), i, x)
        fprintf(f, "%s: not rescanned: %s\n", text_or_dash(x, "asset"), text_or_dash(x, "message"));
    if (json_is_string(json_object_get(r, "cra_unchecked")))
        fprintf(f, "CRA Art. 14 candidates: not checked: %s\n", text_or_dash(r, "cra_unchecked"));
    const json_t *cra = json_object_get(r, "cra_candidates");
    if (json_array_size(cra))
        fprintf(f, "CRA Art. 14 candidates: actively exploited (KEV) in your own products, no incident yet\n"
                   "(report within 24 h of becoming aware: vigil incident open --kind vulnerability"
                   " --finding ASSET:VULN ...)\n");
    json_array_foreach(cra, i, x)
        fprintf(f, "  ! %-20s %s (%s)\n", text_or_dash(x, "vuln"), text_or_dash(x, "asset"), text_or_dash(x, "package"));
}

int cli_rescan_status(const json_t *r, int fail_on, int allow_unchecked)
{
    const json_t *s = json_object_get(r, "summary");
    int status = EXIT_OK;
    if (int_of(s, "errors")) {
        cli_error("%lld asset%s could not be rescanned: their stored documents could not be read back (see above)",
                  int_of(s, "errors"), int_of(s, "errors") == 1 ? "" : "s");
        status = EXIT_INCOMPLETE;
    }
    if (int_of(s, "unchecked") && !allow_unchecked) {
        cli_error("%lld components could not be checked in %lld asset%s; --allow-unchecked accepts that",
                  int_of(s, "unchecked"), int_of(s, "unchecked_assets"), int_of(s, "unchecked_assets") == 1 ? "" : "s");
        status = EXIT_INCOMPLETE;
    }
    /* Never "no CRA candidate" without the data to tell. */
    if (json_is_string(json_object_get(r, "cra_unchecked")) && !allow_unchecked) {
        cli_error("CRA Art. 14 candidates not checked: %s; --allow-unchecked accepts that",
                  json_string_value(json_object_get(r, "cra_unchecked")));
        status = EXIT_INCOMPLETE;
    }
    if (fail_on < 0)
        return status;
    size_t hits = 0, i, j;
    const json_t *a, *x;
    json_array_foreach(json_object_get(r, "assets"), i, a)
        json_array_foreach(json_object_get(a, "new_findings"), j, x) {
            const char *sev = json_string_value(json_object_get(x, "severity"));
            hits += sev && cli_parse_level(sev, strlen(sev)) >= fail_on;
        }
    if (hits) {
        cli_error("--fail-on %s: %zu new finding%s at or above the threshold", vg_severity_name((vg_severity)fail_on),
                  hits, hits == 1 ? "" : "s");
        status = EXIT_POLICY;
    }
    return status;
}

/* The progress line on a terminal: about a hundred updates per run. */
static void progress(void *arg, size_t done, size_t total)
{
    (void)arg;
    size_t step = total / 100 + 1;
    if (total < 10 || (done % step && done != total))
        return;
    fprintf(stderr, "\rvigil: rescanning: %zu of %zu assets", done, total);
    if (done == total)
        fputs("\r\033[K", stderr);
}

int cli_rescan(vg_store *store, const char *db_path, const char *const *assets, size_t nassets, int quiet,
               json_t **out)
{
    *out = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf default_db;
    vg_buf_init(&default_db, 4096);
    vg_vulndb *db = NULL;
    int status = EXIT_OK;
    if (!db_path && vg_vulndb_default_path(&ctx, &default_db) == VG_OK)
        db_path = default_db.data;
    if (!db_path || vg_vulndb_open(&ctx, db_path, &db) != VG_OK) {
        cli_error("%s%s", ctx.message, db_path ? "" : "; give the database with --db PATH");
        status = EXIT_FAILURE_;
    } else {
        vg_vulndb_memo(db, VG_VULNDB_MEMO_FLEET);
        vg_store_rescan_options ro = {.assets = assets, .nassets = nassets};
        if (!quiet && isatty(STDERR_FILENO))
            ro.progress = progress;
        int rc = vg_store_rescan(&ctx, store, db, &ro, (int64_t)time(NULL), out);
        if (!quiet)
            cli_print_warnings(&ctx);
        if (rc) {
            cli_error("%s", ctx.message);
            status = cli_exit_status(rc);
        }
    }
    vg_vulndb_close(db);
    vg_buf_free(&default_db);
    vg_ctx_free(&ctx);
    return status;
}

static int inventory_rescan(const maintain_opts *o)
{
    vg_store *store;
    int status = cli_store_open(o->store, 0, &store);
    if (status)
        return status;
    json_t *r;
    if ((status = cli_rescan(store, o->db_path, o->assets, o->nassets, o->quiet, &r)) == EXIT_OK) {
        if (strcmp(o->output, "json") == 0)
            status = cli_print_json(r, o->output_path);
        else
            cli_print_rescan(r, stdout);
        if (status == EXIT_OK)
            status = cli_rescan_status(r, o->fail_on, o->allow_unchecked);
    }
    json_decref(r);
    vg_store_close(store);
    return status;
}

/* ---- sla --------------------------------------------------------------------- */

/* --days critical=7,high=30,low=off into days[] (levels not named keep
 * their value); -1 with a message on error. */
static int parse_days(char *arg, int64_t days[6])
{
    char *save = NULL;
    for (char *item = strtok_r(arg, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        int level = -1;
        for (int l = 0; eq && l < 6; l++)
            if ((size_t)(eq - item) == strlen(vg_severity_name((vg_severity)l)) &&
                strncmp(item, vg_severity_name((vg_severity)l), (size_t)(eq - item)) == 0)
                level = l;
        char *end = NULL;
        long long n = eq ? strtoll(eq + 1, &end, 10) : -1;
        if (level < 0 || (strcmp(eq + 1, "off") != 0 && (end == eq + 1 || *end || n < 0 || n > 100000))) {
            cli_error("--days %s: expected LEVEL=DAYS or LEVEL=off, LEVEL one of critical, high, medium, low, none, "
                      "unknown",
                      item);
            return -1;
        }
        days[level] = strcmp(eq + 1, "off") == 0 ? -1 : n;
    }
    return 0;
}

static void print_sla(const json_t *r, FILE *f)
{
    static const char *const order[] = {"critical", "high", "medium", "low", "none", "unknown"};
    size_t i, j;
    const json_t *a, *x;
    fprintf(f, "%-28s %6s %9s\n", "ASSET", "OPEN", "BREACHES");
    json_array_foreach(json_object_get(r, "assets"), i, a)
        fprintf(f, "%-28s %6lld %9zu\n", text_or_dash(a, "asset"), int_of(a, "open"),
                json_array_size(json_object_get(a, "breaches")));
    const json_t *all = json_object_get(r, "all");
    fprintf(f, "%-28s %6lld %9lld\n", "(all)", int_of(all, "open"), int_of(all, "breaches"));
    if (int_of(all, "breaches")) {
        fprintf(f, "\npast their allowed age at %s:\n%-28s %-20s %-9s %-36s %-20s %s\n", text_or_dash(r, "now"),
                "ASSET", "VULNERABILITY", "SEVERITY", "PACKAGE", "DUE", "AGE (DAYS)");
        json_array_foreach(json_object_get(r, "assets"), i, a)
            json_array_foreach(json_object_get(a, "breaches"), j, x)
                fprintf(f, "%-28s %-20s %-9s %-36s %-20s %lld\n", text_or_dash(a, "asset"), text_or_dash(x, "id"),
                        text_or_dash(x, "severity"), text_or_dash(x, "package"), text_or_dash(x, "due"),
                        int_of(x, "age_days"));
    }
    fprintf(f, "\ntime to fix (days):\n%-28s %-9s %6s %8s %8s\n", "ASSET", "SEVERITY", "FIXED", "MEDIAN", "P90");
    for (size_t k = 0; k <= json_array_size(json_object_get(r, "assets")); k++) {
        int is_all = k == json_array_size(json_object_get(r, "assets"));
        a = is_all ? all : json_array_get(json_object_get(r, "assets"), k);
        for (size_t l = 0; l < sizeof order / sizeof order[0]; l++) {
            x = json_object_get(json_object_get(a, "time_to_fix"), order[l]);
            if (x)
                fprintf(f, "%-28s %-9s %6lld %8.1f %8.1f\n", is_all ? "(all)" : text_or_dash(a, "asset"), order[l],
                        int_of(x, "fixed"), int_of(x, "median_seconds") / 86400.0, int_of(x, "p90_seconds") / 86400.0);
        }
    }
}

static int inventory_sla(const maintain_opts *o)
{
    vg_store *store;
    int status = cli_store_open(o->store, VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_store_sla_options so = {.assets = o->assets, .nassets = o->nassets};
    memcpy(so.days, o->days, sizeof so.days);
    json_t *r = NULL;
    if (vg_store_sla(&ctx, store, &so, (int64_t)time(NULL), &r) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    } else if (strcmp(o->output, "json") == 0) {
        status = cli_print_json(r, o->output_path);
    } else {
        print_sla(r, stdout);
    }
    long long breaches = int_of(json_object_get(r, "all"), "breaches");
    if (status == EXIT_OK && o->fail_on_breach && breaches) {
        cli_error("--fail-on-breach: %lld open finding%s past the allowed age", breaches, breaches == 1 ? "" : "s");
        status = EXIT_POLICY;
    }
    json_decref(r);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- prune ------------------------------------------------------------------- */

static void print_prune(const json_t *r, FILE *f)
{
    int dry = json_is_true(json_object_get(r, "dry_run"));
    size_t i, j;
    const json_t *a, *x;
    json_array_foreach(json_object_get(r, "assets"), i, a) {
        fprintf(f, "%s: %s", text_or_dash(a, "asset"), dry ? "would delete" : "deleted");
        json_array_foreach(json_object_get(a, "deleted"), j, x)
            fprintf(f, " @%lld", (long long)json_integer_value(x));
        fprintf(f, ", kept %lld\n", int_of(a, "kept"));
    }
    fprintf(f, "%s %lld snapshots, %lld components, %lld documents; %lld finding references cleared%s\n",
            dry ? "would delete" : "deleted", int_of(r, "snapshots"), int_of(r, "components"), int_of(r, "documents"),
            int_of(r, "finding_references"), dry ? " (dry run: nothing was changed)" : "");
}

static int inventory_prune(const maintain_opts *o)
{
    if (o->keep <= 0 && o->older_than <= 0) {
        cli_error("prune: say what to keep with --keep N, --older-than DURATION, or both");
        return EXIT_USAGE;
    }
    vg_store *store;
    int status = cli_store_open(o->store, 0, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_store_prune_options po = {.keep = o->keep,
                                 .before = o->older_than > 0 ? (int64_t)time(NULL) - o->older_than : 0,
                                 .assets = o->assets,
                                 .nassets = o->nassets,
                                 .dry_run = o->dry_run};
    json_t *r = NULL;
    int rc = vg_store_prune(&ctx, store, &po, &r);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else if (strcmp(o->output, "json") == 0) {
        status = cli_print_json(r, o->output_path);
    } else {
        print_prune(r, stdout);
    }
    json_decref(r);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* rescan --enqueue: one rescan job per asset (or per --asset), for vigil
 * worker (store.h, vg_store_enqueue_rescans()). */
static int inventory_enqueue_rescans(const maintain_opts *o)
{
    vg_store *store;
    int status = cli_store_open(o->store, 0, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *r = NULL;
    int rc = vg_store_enqueue_rescans(&ctx, store, o->assets, o->nassets, &r);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else if (strcmp(o->output, "json") == 0) {
        status = cli_print_json(r, o->output_path);
    } else {
        printf("queued %lld rescan jobs, for vigil worker", (long long)json_integer_value(json_object_get(r, "jobs")));
        long long already = (long long)json_integer_value(json_object_get(r, "already_queued"));
        if (already)
            printf(" (%lld more assets have a rescan queued already)", already);
        printf("\n");
    }
    json_decref(r);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- options ------------------------------------------------------------------ */

int cmd_inventory_maintain(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"output", required_argument, NULL, 'o'},
        {"asset", required_argument, NULL, 'a'},
        {"db", required_argument, NULL, 'D'},
        {"fail-on", required_argument, NULL, 'F'},
        {"allow-unchecked", no_argument, NULL, 'U'},
        {"days", required_argument, NULL, 'd'},
        {"fail-on-breach", no_argument, NULL, 'B'},
        {"keep", required_argument, NULL, 'k'},
        {"older-than", required_argument, NULL, 'O'},
        {"dry-run", no_argument, NULL, 'n'},
        {"enqueue", no_argument, NULL, 'E'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* which subcommand each option belongs to (NULL: all) */
    static const char *const owner[] = {['D'] = "rescan", ['F'] = "rescan", ['U'] = "rescan", ['d'] = "sla",
                                        ['B'] = "sla",    ['k'] = "prune",  ['O'] = "prune",  ['n'] = "prune",  ['E'] = "rescan"};
    const char *sub = argv[0];
    static maintain_opts o;
    memset(&o, 0, sizeof o);
    o.output = "table";
    o.fail_on = -1;
    const int64_t default_days[6] = {-1, -1, 180, 90, 30, 7}; /* by vg_severity */
    memcpy(o.days, default_days, sizeof o.days);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        if (c > 0 && (size_t)c < sizeof owner / sizeof owner[0] && owner[c] && strcmp(owner[c], sub) != 0) {
            cli_error("%s: %s is an option of vigil inventory %s", sub, argv[optind - 1], owner[c]);
            return EXIT_USAGE;
        }
        switch (c) {
        case 'S': o.store = optarg; break;
        case 'o':
            o.output_path = cli_output_cut(optarg);
            o.output = optarg;
            break;
        case 'a':
            if (o.nassets == MAINTAIN_MAX_ASSETS) {
                cli_error("at most %d --asset", MAINTAIN_MAX_ASSETS);
                return EXIT_USAGE;
            }
            o.assets[o.nassets++] = optarg;
            break;
        case 'D': o.db_path = optarg; break;
        case 'F':
            if ((o.fail_on = cli_parse_level(optarg, strlen(optarg))) < 0) {
                cli_error("--fail-on %s: expected unknown, low, medium, high or critical", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'U': o.allow_unchecked = 1; break;
        case 'd':
            if (parse_days(optarg, o.days) != 0)
                return EXIT_USAGE;
            break;
        case 'B': o.fail_on_breach = 1; break;
        case 'k': {
            char *end;
            o.keep = strtoll(optarg, &end, 10);
            if (end == optarg || *end || o.keep < 1 || o.keep > 1000000000) {
                cli_error("--keep %s: expected a number of snapshots, 1 or more", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'O':
            if ((o.older_than = cli_parse_duration(optarg)) <= 0) {
                cli_error("--older-than %s: expected a duration such as 90d, 12w or 36h", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n': o.dry_run = 1; break;
        case 'E': o.enqueue = 1; break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(maintain_usage, stdout); return EXIT_OK;
        default: fputs(maintain_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("%s: unexpected argument '%s'", sub, argv[optind]);
        return EXIT_USAGE;
    }
    if (strcmp(o.output, "table") != 0 && strcmp(o.output, "json") != 0) {
        cli_error("unknown output format '%s' (table, json)", o.output);
        return EXIT_USAGE;
    }
    if (strcmp(sub, "rescan") == 0 && o.enqueue && (o.db_path || o.fail_on >= 0 || o.allow_unchecked)) {
        cli_error("rescan --enqueue: --db, --fail-on and --allow-unchecked are the workers' (vigil worker --db)");
        return EXIT_USAGE;
    }
    if (strcmp(sub, "rescan") == 0)
        return o.enqueue ? inventory_enqueue_rescans(&o) : inventory_rescan(&o);
    if (strcmp(sub, "sla") == 0)
        return inventory_sla(&o);
    return inventory_prune(&o);
}
