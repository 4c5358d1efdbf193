/*
 * cmd_worker.c — `vigil worker`: runs jobs from the store's job table
 * (store.h, vg_store_work(); docs/store.md, "Jobs and workers") until the
 * queue is empty (--until-empty), --max-jobs were run, or SIGTERM/SIGINT
 * (the job under way is finished first; a second signal stops at once).
 * `vigil worker --status` shows the queue.  Documented in
 * docs/vigil-worker.1; keep the two in step.
 *
 * Before each job it checks whether `vigil db update` has put a new
 * vulnerability database in place (a new file renamed over the path: a new
 * inode) and then opens that one, so that a worker running for weeks
 * matches against what an update brought, as a new process would.
 *
 * Idle, it polls the queue with a backoff (50 ms doubling to 2 s).  A
 * failure of the store itself (a lost connection) ends it with status 1:
 * a supervisor (systemd Restart=on-failure) starts it again, and the job
 * it had taken is taken again once its lease runs out.
 *
 * Notify jobs are signed with the secret of --webhook-secret-file, read
 * once at the start: the job table holds no secret.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/store.h"
#include "vigil/vulndb.h"

#define WORKER_DEFAULT_LEASE 60 /* seconds */
#define WORKER_IDLE_MIN_MS 50
#define WORKER_IDLE_MAX_MS 2000

static const char worker_usage[] =
    "usage: vigil worker [--store URL] [--db PATH] [--lease DURATION] [--until-empty]\n"
    "                    [--max-jobs N] [--id NAME] [--webhook-secret-file FILE]\n"
    "       vigil worker --status [--store URL] [-o json]\n"
    "\n"
    "Runs the jobs of the store's job table: ingests of SBOMs queued with\n"
    "vigil inventory add --enqueue, rescans queued with vigil inventory rescan\n"
    "--enqueue or vigil monitor --enqueue, and the deliveries of new findings\n"
    "(notify) queued with vigil monitor --enqueue. Any number of workers, on any\n"
    "number of machines, share one PostgreSQL store; each job's effect is\n"
    "applied once.\n"
    "\n"
    "options:\n"
    "      --store URL          sqlite:PATH or postgresql://... (default:\n"
    "                           $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --db PATH            vulnerability database to match against (as for vigil scan)\n"
    "      --lease DURATION     how long a job taken stays this worker's (default 60s);\n"
    "                           one not finished by then is taken again by another\n"
    "      --until-empty        exit once no job is queued or running\n"
    "      --max-jobs N         exit after N jobs\n"
    "      --id NAME            the name recorded with each job taken (default HOST:PID)\n"
    "      --webhook-secret-file FILE\n"
    "                           sign notify jobs' webhooks with the secret in FILE (as\n"
    "                           vigil monitor does); without it they fail: never unsigned\n"
    "      --status             print the queue (counts, running and failed jobs) and exit\n"
    "  -o, --output FORMAT      with --status: table (default) or json\n"
    "  -h, --help               show this help\n"
    "\n"
    "One line per job on standard error when it is a terminal; otherwise only\n"
    "failed attempts. SIGTERM or SIGINT: finish the job under way, then exit.\n"
    "\n"
    "exit status: 0 stopped (queue empty, --max-jobs, signal); 1 the store or\n"
    "the database failed; 2 usage error; 3 a job this worker ran failed for good.\n";

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Sleeps ms milliseconds, or less when a signal comes. */
static void sleep_ms(unsigned ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One line about a job's report: always for a failed attempt, else only
 * when standard error is a terminal. */
static void print_report(const json_t *r, double seconds, int64_t lease)
{
    const char *outcome = json_string_value(json_object_get(r, "outcome"));
    int done = outcome && strcmp(outcome, "done") == 0;
    if (done && !isatty(STDERR_FILENO))
        return;
    const char *asset = json_string_value(json_object_get(r, "asset"));
    fprintf(stderr, "vigil: job %lld %s%s%s: ", (long long)json_integer_value(json_object_get(r, "job")),
            json_string_value(json_object_get(r, "kind")), asset ? " " : "", asset ? asset : "");
    const char *error = json_string_value(json_object_get(r, "error"));
    long long attempt = (long long)json_integer_value(json_object_get(r, "attempt"));
    const json_t *res = json_object_get(r, "result");
    if (done && json_object_get(res, "sink")) {
        fprintf(stderr, "done: %s: %lld findings %s (delivery %s) (%.2f s)\n",
                json_string_value(json_object_get(res, "sink")),
                (long long)json_integer_value(json_object_get(res, "findings")),
                json_string_value(json_object_get(res, "outcome")),
                json_is_string(json_object_get(res, "delivery")) ? json_string_value(json_object_get(res, "delivery"))
                                                                 : "none",
                seconds);
    } else if (done) {
        fprintf(stderr, "done: snapshot %lld, %zu new findings, %zu fixed%s (%.2f s)\n",
                (long long)json_integer_value(json_object_get(res, "snapshot")),
                json_array_size(json_object_get(res, "new_findings")),
                json_array_size(json_object_get(res, "fixed_findings")),
                json_is_true(json_object_get(res, "duplicate")) ? " (stored before)" : "", seconds);
    } else if (strcmp(outcome, "retry") == 0) {
        fprintf(stderr, "attempt %lld of %d failed, to be retried: %s\n", attempt, VG_STORE_JOB_ATTEMPTS, error);
    } else if (strcmp(outcome, "failed") == 0) {
        fprintf(stderr, "failed after %lld attempts: %s\n", attempt, error ? error : "");
    } else {
        fprintf(stderr,
                "its lease of %llds ran out before it finished%s%s: nothing of it was kept, and it will be taken "
                "again (a longer --lease?)\n",
                (long long)lease, error ? " and it failed: " : "", error ? error : "");
    }
}

static void print_status(const json_t *s)
{
    printf("queued %lld, running %lld, done %lld, failed %lld\n",
           (long long)json_integer_value(json_object_get(s, "queued")),
           (long long)json_integer_value(json_object_get(s, "running")),
           (long long)json_integer_value(json_object_get(s, "done")),
           (long long)json_integer_value(json_object_get(s, "failed")));
    size_t i;
    const json_t *x;
    const char *kind;
    const json_t *k;
    static const char *const states[] = {"queued", "running", "done", "failed"};
    if (json_object_size(json_object_get(s, "kinds"))) {
        printf("\n%-10s %8s %8s %8s %8s\n", "KIND", "QUEUED", "RUNNING", "DONE", "FAILED");
        json_object_foreach(json_object_get(s, "kinds"), kind, k) {
            printf("%-10s", kind);
            for (size_t n = 0; n < 4; n++)
                printf(" %8lld", (long long)json_integer_value(json_object_get(k, states[n])));
            printf("\n");
        }
    }
    if (json_array_size(json_object_get(s, "running_jobs")))
        printf("\n%-8s %-8s %-24s %-24s %7s %s\n", "RUNNING", "KIND", "ASSET", "WORKER", "ATTEMPT", "LEASE UNTIL");
    json_array_foreach(json_object_get(s, "running_jobs"), i, x)
        printf("%-8lld %-8s %-24s %-24s %7lld %s\n", (long long)json_integer_value(json_object_get(x, "job")),
               json_string_value(json_object_get(x, "kind")),
               json_is_string(json_object_get(x, "asset")) ? json_string_value(json_object_get(x, "asset")) : "-",
               json_is_string(json_object_get(x, "worker")) ? json_string_value(json_object_get(x, "worker")) : "-",
               (long long)json_integer_value(json_object_get(x, "attempt")),
               json_string_value(json_object_get(x, "lease_until")));
    if (json_array_size(json_object_get(s, "failed_jobs")))
        printf("\n%-8s %-8s %-24s %-20s %s\n", "FAILED", "KIND", "ASSET", "AT", "ERROR");
    json_array_foreach(json_object_get(s, "failed_jobs"), i, x)
        printf("%-8lld %-8s %-24s %-20s %s\n", (long long)json_integer_value(json_object_get(x, "job")),
               json_string_value(json_object_get(x, "kind")),
               json_is_string(json_object_get(x, "asset")) ? json_string_value(json_object_get(x, "asset")) : "-",
               json_is_string(json_object_get(x, "failed_at")) ? json_string_value(json_object_get(x, "failed_at"))
                                                                : "-",
               json_is_string(json_object_get(x, "error")) ? json_string_value(json_object_get(x, "error")) : "-");
}

static int worker_status(const char *store_url, const char *output)
{
    vg_store *store;
    int status = cli_store_open(store_url, VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *s = NULL;
    if (vg_store_jobs(&ctx, store, &s) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    } else if (strcmp(output, "json") == 0) {
        status = cli_print_json(s, NULL);
    } else {
        print_status(s);
    }
    json_decref(s);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* The vulnerability database a worker has open, and the file it was. */
typedef struct worker_db {
    const char *path;
    vg_vulndb *db;
    struct stat opened;  /* taken before the open: a change after it is seen */
    struct stat refused; /* the last file that could not be opened, not tried again */
} worker_db;

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int worker_db_open(vg_ctx *ctx, worker_db *d)
{
    if (stat(d->path, &d->opened) != 0)
        memset(&d->opened, 0, sizeof d->opened);
    if (vg_vulndb_open(ctx, d->path, &d->db) != VG_OK)
        return 1;
    vg_vulndb_memo(d->db, VG_VULNDB_MEMO_FLEET);
    return 0;
}

/* Opens the database anew when another file is now at its path (`vigil db
 * update` renames a new one over it).  One that cannot be opened (being
 * written by hand, damaged) is reported once and the jobs go on with the
 * one open; its database time in each job's result shows which was used. */
static void worker_db_refresh(worker_db *d)
{
    struct stat now;
    if (stat(d->path, &now) != 0 || same_file(&now, &d->opened) || same_file(&now, &d->refused))
        return;
    worker_db fresh = {.path = d->path};
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (worker_db_open(&ctx, &fresh) != 0) {
        fprintf(stderr, "vigil: warning: %s; the jobs go on with the database opened before\n", ctx.message);
        d->refused = now;
    } else {
        vg_vulndb_close(d->db);
        d->db = fresh.db;
        d->opened = fresh.opened;
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "vigil: %s was updated: the next jobs use it\n", d->path);
    }
    vg_ctx_free(&ctx);
}

typedef struct worker_opts {
    const char *store;
    const char *db_path;
    int64_t lease;
    int until_empty;
    long long max_jobs; /* 0: no limit */
    const char *id;
    const char *secret_file; /* --webhook-secret-file, or NULL */
} worker_opts;

static int worker_run(const worker_opts *o)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf default_db, secret;
    vg_buf_init(&default_db, 4096);
    vg_buf_init(&secret, CLI_WEBHOOK_SECRET_MAX);
    worker_db db = {.path = o->db_path};
    vg_store *store = NULL;
    int status = EXIT_OK;
    if (!db.path && vg_vulndb_default_path(&ctx, &default_db) != VG_OK) {
        cli_error("%s; give the database with --db PATH", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    if (!db.path)
        db.path = default_db.data;
    if (worker_db_open(&ctx, &db) != 0) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    if (o->secret_file && cli_read_webhook_secret(o->secret_file, &secret) != 0) {
        status = EXIT_FAILURE_;
        goto out;
    }
    if ((status = cli_store_open(o->store, 0, &store)) != EXIT_OK)
        goto out;

    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    vg_store_worker w = {.id = o->id, .lease = o->lease, .webhook_secret = secret.data, .webhook_secret_len = secret.len};
    unsigned idle_ms = WORKER_IDLE_MIN_MS;
    long long ran = 0;
    int failed = 0;
    while (!stop_requested && (!o->max_jobs || ran < o->max_jobs)) {
        json_t *report;
        int64_t pending;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        worker_db_refresh(&db);
        w.db = db.db;
        if (vg_store_work(&ctx, store, &w, &report, &pending) != VG_OK) {
            cli_error("%s", ctx.message);
            status = EXIT_FAILURE_;
            break;
        }
        if (!report) {
            if (o->until_empty && pending == 0)
                break;
            sleep_ms(idle_ms);
            idle_ms = idle_ms * 2 > WORKER_IDLE_MAX_MS ? WORKER_IDLE_MAX_MS : idle_ms * 2;
            continue;
        }
        idle_ms = WORKER_IDLE_MIN_MS;
        ran++;
        print_report(report, seconds_since(&t0), o->lease);
        failed |= strcmp(json_string_value(json_object_get(report, "outcome")), "failed") == 0;
        json_decref(report);
    }
    if (status == EXIT_OK && failed)
        status = EXIT_INCOMPLETE;
out:
    vg_store_close(store);
    vg_vulndb_close(db.db);
    vg_buf_free(&default_db);
    if (secret.data)
        explicit_bzero(secret.data, secret.len);
    vg_buf_free(&secret);
    vg_ctx_free(&ctx);
    return status;
}

int cmd_worker(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"db", required_argument, NULL, 'D'},
        {"lease", required_argument, NULL, 'l'},
        {"until-empty", no_argument, NULL, 'u'},
        {"max-jobs", required_argument, NULL, 'm'},
        {"id", required_argument, NULL, 'i'},
        {"webhook-secret-file", required_argument, NULL, 'x'},
        {"status", no_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    worker_opts o = {.lease = WORKER_DEFAULT_LEASE};
    const char *output = "table";
    int status_only = 0, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': o.store = optarg; break;
        case 'D': o.db_path = optarg; break;
        case 'l':
            o.lease = cli_parse_duration(optarg);
            if (o.lease < 1) {
                cli_error("--lease %s: expected a duration of at least one second (e.g. 90s, 5m)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'u': o.until_empty = 1; break;
        case 'm':
            errno = 0;
            o.max_jobs = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || o.max_jobs < 1) {
                cli_error("--max-jobs %s: expected a number of jobs, 1 or more", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'i':
            if (!*optarg || strlen(optarg) > 200) {
                cli_error("--id: give a name of 1 to 200 characters");
                return EXIT_USAGE;
            }
            o.id = optarg;
            break;
        case 'x': o.secret_file = optarg; break;
        case 's': status_only = 1; break;
        case 'o': output = optarg; break;
        case 'h': fputs(worker_usage, stdout); return EXIT_OK;
        default: fputs(worker_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("worker: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (strcmp(output, "table") != 0 && strcmp(output, "json") != 0) {
        cli_error("unknown output format '%s' (table, json)", output);
        return EXIT_USAGE;
    }
    if (status_only)
        return worker_status(o.store, output);
    if (strcmp(output, "table") != 0) {
        cli_error("-o goes with --status");
        return EXIT_USAGE;
    }
    char id[256];
    if (!o.id) {
        char host[200] = "";
        if (gethostname(host, sizeof host - 1) != 0 || !*host)
            snprintf(host, sizeof host, "localhost");
        snprintf(id, sizeof id, "%s:%ld", host, (long)getpid());
        o.id = id;
    }
    return worker_run(&o);
}
