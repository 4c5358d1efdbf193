/*
 * cmd_monitor.c — `vigil monitor`: one run of continuous monitoring:
 * update the vulnerability database (as `vigil db update` does), rescan
 * the latest snapshot of every asset in the store (as `vigil inventory
 * rescan` does), and announce the findings that are new by a signed
 * webhook and/or a line of an NDJSON file (notify.h).  Documented in
 * docs/vigil-monitor.1 and docs/store.md ("Monitor").
 *
 * A sink named on the command line is subscribed in the store, so that
 * every new finding waits for it until a delivery succeeded
 * (vg_store_notify_pending()): a receiver that was down gets, at the next
 * run, what it missed, and findings that other commands (an add, a rescan,
 * a worker) recorded between two runs are announced too.
 *
 * `monitor --enqueue` leaves the rescan and the deliveries to `vigil
 * worker`: after the update it subscribes the sinks, then queues a rescan
 * job per asset and, after them, a notify job per sink (store.h,
 * vg_store_enqueue_notify()), which a worker runs once every job queued
 * before it is done.  The secret is not queued: workers sign with theirs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "vigil/notify.h"
#include "vigil/store.h"
#include "vigil/vulndb.h"

#define MONITOR_MAX_SOURCES 512
#define MONITOR_MAX_FINDINGS 10000 /* per delivery; the rest waits for the next run */

static const char monitor_usage[] =
    "usage: vigil monitor [--store URL] [--db PATH] [--skip-update | --mirror URL | --from DIR]\n"
    "                     [--webhook URL [--webhook-secret-file FILE]] [--notify-file FILE]\n"
    "       vigil monitor --enqueue [--store URL] [--skip-update | ...] [--webhook URL]\n"
    "                     [--notify-file FILE]\n"
    "\n"
    "Updates the vulnerability database, rescans the latest snapshot of every\n"
    "asset of the store and announces the new findings: one signed POST to the\n"
    "webhook and/or one line appended to the NDJSON file per run.  Findings a\n"
    "failed delivery could not announce are announced by the next run.\n"
    "With --enqueue the rescans and the deliveries are queued as jobs that\n"
    "vigil worker runs (signing with its own --webhook-secret-file).\n"
    "\n"
    "options:\n"
    "      --store URL               sqlite:PATH or postgresql://... (default:\n"
    "                                $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --db PATH                 vulnerability database (default: as for vigil db)\n"
    "      --skip-update             rescan with the database as it is (air-gapped use)\n"
    "      --mirror URL, --from DIR  update from a mirror or a local copy (vigil db update)\n"
    "      --source NAME[,NAME...]   update only these sources (vigil db update)\n"
    "      --ca-cert FILE            CAs to trust for the update (vigil db update)\n"
    "      --webhook URL             POST the new findings here (http or https)\n"
    "      --webhook-secret-file FILE\n"
    "                                sign each POST with the secret in FILE (HMAC-SHA256,\n"
    "                                Standard Webhooks; one final newline is not part of it)\n"
    "      --webhook-attempts N      requests per delivery, 1 to 10 (default 4)\n"
    "      --webhook-timeout SECONDS time allowed to each request (default 30)\n"
    "      --webhook-ca-file FILE    CAs to trust for an https webhook\n"
    "      --notify-file FILE        append the new findings to FILE as one NDJSON line\n"
    "      --notify-always           announce every run, even with nothing new\n"
    "      --enqueue                 queue a rescan job per asset, then a notify job per\n"
    "                                sink, for vigil worker (FILE and CA file: absolute)\n"
    "      --fail-on LEVEL           exit 5 when a new finding is at or above LEVEL\n"
    "      --allow-unchecked         exit 0, not 3, when components could not be checked\n"
    "  -o, --output FORMAT[=FILE]    table (default) or json: what the run did\n"
    "  -q, --quiet                   no warnings, no progress line\n"
    "  -h, --help                    show this help\n"
    "\n"
    "exit status: 0 done; 1 a step failed: the update (the rescan used the database\n"
    "as it was), the store, or a delivery (what it should have announced waits for\n"
    "the next run); 2 usage error; 3 components could not be checked or a stored\n"
    "document could not be read back; 5 --fail-on met.\n";

typedef struct monitor_opts {
    const char *store;
    const char *db_path;
    const char *output;
    const char *output_path;
    int quiet;
    int skip_update;
    vg_vulndb_update_opts update;
    const char *sources[MONITOR_MAX_SOURCES];
    const char *webhook;
    const char *secret_file;
    vg_notify_options notify;
    const char *notify_file;
    int notify_always;
    int enqueue;
    int fail_on;
    int allow_unchecked;
} monitor_opts;

/* Updates the database; 0, or 1 after printing why it failed. */
static int update_db(const monitor_opts *o, json_t *report)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf default_db;
    vg_buf_init(&default_db, 4096);
    vg_vulndb_report r;
    vg_vulndb_report_init(&r);
    const char *path = o->db_path;
    vg_vulndb_update_opts opts = o->update;
    int rc = path ? VG_OK : vg_vulndb_default_path(&ctx, &default_db);
    if (rc == VG_OK) {
        path = path ? path : default_db.data;
        rc = cli_db_update(&ctx, path, &opts, &r);
    }
    int64_t imported = 0;
    for (size_t i = 0; i < r.nsources; i++)
        imported += r.sources[i].records_imported;
    if (rc) {
        cli_error("%s", ctx.message);
        cli_error("the database update failed: the rescan uses the database as it was");
    } else if (!o->quiet) {
        fprintf(stderr, "vigil: %s: updated from %zu sources, %lld records (%lld skipped)\n", path, r.nsources,
                (long long)imported, (long long)r.total_skipped);
    }
    json_object_set_new(report, "update",
                        json_pack("{s:b, s:I, s:I, s:I, s:s*}", "ok", rc == VG_OK, "sources", (json_int_t)r.nsources,
                                  "records", (json_int_t)imported, "skipped", (json_int_t)r.total_skipped, "error",
                                  rc ? ctx.message : NULL));
    vg_vulndb_report_free(&r);
    vg_buf_free(&default_db);
    vg_ctx_free(&ctx);
    return rc ? 1 : 0;
}

int cli_read_webhook_secret(const char *path, vg_buf *out)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = attest_cli_read_file(&ctx, path, CLI_WEBHOOK_SECRET_MAX, out);
    if (rc)
        cli_error("--webhook-secret-file: %s", ctx.message);
    vg_ctx_free(&ctx);
    if (rc)
        return -1;
    if (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    if (out->len && out->data[out->len - 1] == '\r')
        out->data[--out->len] = '\0';
    if (out->len == 0) {
        cli_error("--webhook-secret-file %s: the secret is empty", path);
        return -1;
    }
    return 0;
}

/* The document announcing pending (vg_store_notify_pending()) after the
 * rescan r: docs/store.md, "Monitor". */
static json_t *announcement(const json_t *pending, const json_t *r)
{
    return json_pack("{s:s, s:i, s:O, s:O, s:O, s:O, s:O, s:O}", "type", "vigil.findings.new", "version", 1, "time",
                     json_object_get(r, "finished"), "run", json_object_get(r, "run"), "db_time",
                     json_object_get(r, "db_time"), "findings", json_object_get(pending, "findings"), "more",
                     json_object_get(pending, "more"), "summary", json_object_get(r, "summary"));
}

/* Delivers what waits for sink ("webhook" or "file") and adds what
 * happened to deliveries; 0, or 1 after printing why it failed (the
 * findings stay queued). */
static int deliver(vg_store *store, const monitor_opts *o, const char *sink, const vg_buf *secret, const json_t *r,
                   json_t *deliveries)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *pending = NULL, *doc = NULL, *d = json_pack("{s:s, s:b}", "sink", sink, "delivered", 0);
    json_array_append_new(deliveries, d);
    char *body = NULL;
    int rc = vg_store_notify_pending(&ctx, store, sink, MONITOR_MAX_FINDINGS, &pending);
    size_t n = json_array_size(json_object_get(pending, "findings"));
    json_object_set_new(d, "findings", json_integer((json_int_t)n));
    json_object_set(d, "more", json_object_get(pending, "more"));
    if (rc == VG_OK && n == 0 && !o->notify_always) {
        json_object_set_new(d, "outcome", json_string("nothing new"));
        goto out;
    }
    if (rc == VG_OK && (!(doc = announcement(pending, r)) ||
                        !(body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII))))
        rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && strcmp(sink, "webhook") == 0) {
        vg_notify_result res;
        rc = vg_notify_webhook(&ctx, o->webhook, secret->data, secret->len, body, strlen(body), &o->notify, &res);
        json_object_set_new(d, "outcome", json_string(vg_notify_outcome_name(res.outcome)));
        json_object_set_new(d, "attempts", json_integer(res.attempts));
        json_object_set_new(d, "http_status", json_integer(res.http_status));
    } else if (rc == VG_OK) {
        rc = vg_notify_file(&ctx, o->notify_file, body, strlen(body));
    }
    if (rc == VG_OK) {
        json_object_set_new(d, "delivered", json_true());
        if (vg_store_notify_done(&ctx, store, json_object_get(pending, "notices")) != VG_OK) {
            cli_error("%s: delivered, but not marked so: the next run announces it again (%s)", sink, ctx.message);
            rc = VG_ERR_IO;
        }
    } else {
        cli_error("%s; %zu finding%s wait for the next run", ctx.message, n, n == 1 ? "" : "s");
    }
out:
    free(body);
    json_decref(doc);
    json_decref(pending);
    vg_ctx_free(&ctx);
    return rc != VG_OK;
}

/* --enqueue: a rescan job per asset, then a notify job per sink, into
 * report's "jobs"; an exit status, the message printed. */
static int enqueue(vg_store *store, const monitor_opts *o, const char *const *sinks, size_t nsinks, json_t *report)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *rescans = NULL, *notify = json_array();
    json_object_set_new(report, "jobs", json_pack("{s:o}", "notify", notify));
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < nsinks; i++) /* nothing queued unless all can be */
        rc = strcmp(sinks[i], "webhook") == 0 ? vg_store_check_notify(&ctx, o->webhook, NULL, &o->notify)
                                               : vg_store_check_notify(&ctx, NULL, o->notify_file, NULL);
    if (rc == VG_OK)
        rc = vg_store_enqueue_rescans(&ctx, store, NULL, 0, &rescans);
    json_object_set_new(json_object_get(report, "jobs"), "rescans", rescans ? rescans : json_null());
    for (size_t i = 0; rc == VG_OK && i < nsinks; i++) {
        int webhook = strcmp(sinks[i], "webhook") == 0;
        int64_t job;
        if ((rc = vg_store_enqueue_notify(&ctx, store, webhook ? o->webhook : NULL, webhook ? NULL : o->notify_file,
                                          webhook ? &o->notify : NULL, o->notify_always, &job)) == VG_OK)
            json_array_append_new(notify, json_pack("{s:s, s:I}", "sink", sinks[i], "job", (json_int_t)job));
    }
    if (rc)
        cli_error("%s", ctx.message);
    vg_ctx_free(&ctx);
    return rc ? cli_exit_status(rc) : EXIT_OK;
}

static void print_enqueued(const json_t *jobs, FILE *f)
{
    const json_t *rescans = json_object_get(jobs, "rescans"), *x;
    size_t i;
    fprintf(f, "queued %lld rescan jobs", (long long)json_integer_value(json_object_get(rescans, "jobs")));
    if (json_integer_value(json_object_get(rescans, "already_queued")))
        fprintf(f, " (%lld more assets have a rescan queued already)",
                (long long)json_integer_value(json_object_get(rescans, "already_queued")));
    fprintf(f, ", for vigil worker\n");
    json_array_foreach(json_object_get(jobs, "notify"), i, x)
        fprintf(f, "queued notify job %lld for the %s, to run after them\n",
                (long long)json_integer_value(json_object_get(x, "job")), json_string_value(json_object_get(x, "sink")));
}

static void print_deliveries(const json_t *deliveries, FILE *f)
{
    size_t i;
    const json_t *d;
    json_array_foreach(deliveries, i, d) {
        const char *outcome = json_string_value(json_object_get(d, "outcome"));
        fprintf(f, "%s: %lld finding%s %s", json_string_value(json_object_get(d, "sink")),
                (long long)json_integer_value(json_object_get(d, "findings")),
                json_integer_value(json_object_get(d, "findings")) == 1 ? "" : "s",
                json_is_true(json_object_get(d, "delivered")) ? "delivered" : outcome ? outcome : "not delivered");
        if (json_object_get(d, "attempts"))
            fprintf(f, " (%lld attempt%s, HTTP %lld)", (long long)json_integer_value(json_object_get(d, "attempts")),
                    json_integer_value(json_object_get(d, "attempts")) == 1 ? "" : "s",
                    (long long)json_integer_value(json_object_get(d, "http_status")));
        if (json_integer_value(json_object_get(d, "more")))
            fprintf(f, "; %lld more wait", (long long)json_integer_value(json_object_get(d, "more")));
        fputc('\n', f);
    }
}

static int run(const monitor_opts *o)
{
    vg_buf secret;
    vg_buf_init(&secret, CLI_WEBHOOK_SECRET_MAX);
    if (o->secret_file && cli_read_webhook_secret(o->secret_file, &secret) != 0) {
        vg_buf_free(&secret);
        return EXIT_FAILURE_;
    }
    json_t *report = json_object(), *deliveries = json_array(), *r = NULL;
    json_object_set_new(report, "deliveries", deliveries);
    int failed = o->skip_update ? 0 : update_db(o, report);
    vg_store *store;
    int status = cli_store_open(o->store, 0, &store);
    if (status) {
        json_decref(report);
        vg_buf_free(&secret);
        return status;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *sinks[2];
    size_t nsinks = 0;
    if (o->webhook)
        sinks[nsinks++] = "webhook";
    if (o->notify_file)
        sinks[nsinks++] = "file";
    for (size_t i = 0; i < nsinks && status == EXIT_OK; i++)
        if (vg_store_notify_subscribe(&ctx, store, sinks[i], (int64_t)time(NULL)) != VG_OK) {
            cli_error("%s", ctx.message);
            status = EXIT_FAILURE_;
        }
    if (status == EXIT_OK && o->enqueue) {
        json_object_del(report, "deliveries");
        if ((status = enqueue(store, o, sinks, nsinks, report)) == EXIT_OK && strcmp(o->output, "json") == 0)
            status = cli_print_json(report, o->output_path);
        else if (status == EXIT_OK)
            print_enqueued(json_object_get(report, "jobs"), stdout);
    } else if (status == EXIT_OK && (status = cli_rescan(store, o->db_path, NULL, 0, o->quiet, &r)) == EXIT_OK) {
        json_object_set(report, "rescan", r);
        for (size_t i = 0; i < nsinks; i++)
            failed |= deliver(store, o, sinks[i], &secret, r, deliveries);
        if (strcmp(o->output, "json") == 0) {
            status = cli_print_json(report, o->output_path);
        } else {
            cli_print_rescan(r, stdout);
            print_deliveries(deliveries, stdout);
        }
        if (status == EXIT_OK)
            status = cli_rescan_status(r, o->fail_on, o->allow_unchecked);
    }
    if (failed)
        status = EXIT_FAILURE_;
    json_decref(r);
    json_decref(report);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    if (secret.data)
        explicit_bzero(secret.data, secret.len);
    vg_buf_free(&secret);
    return status;
}

/* A whole number from lo to hi, or -1 with a message naming the option. */
static long number(const char *option, const char *s, long lo, long hi)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || *end || n < lo || n > hi) {
        cli_error("%s %s: expected a whole number from %ld to %ld", option, s, lo, hi);
        return -1;
    }
    return n;
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"db", required_argument, NULL, 'D'},
        {"skip-update", no_argument, NULL, 'K'},
        {"mirror", required_argument, NULL, 'm'},
        {"from", required_argument, NULL, 'f'},
        {"source", required_argument, NULL, 's'},
        {"ca-cert", required_argument, NULL, 'c'},
        {"webhook", required_argument, NULL, 'w'},
        {"webhook-secret-file", required_argument, NULL, 'x'},
        {"webhook-attempts", required_argument, NULL, 'A'},
        {"webhook-timeout", required_argument, NULL, 'T'},
        {"webhook-ca-file", required_argument, NULL, 'C'},
        {"notify-file", required_argument, NULL, 'n'},
        {"notify-always", no_argument, NULL, 'a'},
        {"enqueue", no_argument, NULL, 'E'},
        {"fail-on", required_argument, NULL, 'F'},
        {"allow-unchecked", no_argument, NULL, 'U'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static monitor_opts o;
    memset(&o, 0, sizeof o);
    o.output = "table";
    o.fail_on = -1;
    o.update.sources = o.sources;
    long n;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': o.store = optarg; break;
        case 'D': o.db_path = optarg; break;
        case 'K': o.skip_update = 1; break;
        case 'm': o.update.mirror = optarg; break;
        case 'f': o.update.from_dir = optarg; break;
        case 's': {
            char *save = NULL;
            for (char *t = strtok_r(optarg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (o.update.nsources == MONITOR_MAX_SOURCES) {
                    cli_error("monitor: too many --source");
                    return EXIT_USAGE;
                }
                o.sources[o.update.nsources++] = t;
            }
            break;
        }
        case 'c': o.update.ca_cert = optarg; break;
        case 'w': o.webhook = optarg; break;
        case 'x': o.secret_file = optarg; break;
        case 'A':
            if ((n = number("--webhook-attempts", optarg, 1, VG_NOTIFY_ATTEMPTS_MAX)) < 0)
                return EXIT_USAGE;
            o.notify.max_attempts = (unsigned)n;
            break;
        case 'T':
            if ((n = number("--webhook-timeout", optarg, 1, 3600)) < 0)
                return EXIT_USAGE;
            o.notify.timeout_ms = (unsigned)n * 1000;
            o.notify.connect_timeout_ms = o.notify.timeout_ms < 10000 ? o.notify.timeout_ms : 10000;
            break;
        case 'C': o.notify.ca_file = optarg; break;
        case 'n': o.notify_file = optarg; break;
        case 'a': o.notify_always = 1; break;
        case 'E': o.enqueue = 1; break;
        case 'F':
            if ((o.fail_on = cli_parse_level(optarg, strlen(optarg))) < 0) {
                cli_error("--fail-on %s: expected unknown, low, medium, high or critical", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'U': o.allow_unchecked = 1; break;
        case 'o':
            o.output_path = cli_output_cut(optarg);
            o.output = optarg;
            break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(monitor_usage, stdout); return EXIT_OK;
        default: fputs(monitor_usage, stderr); return EXIT_USAGE;
        }
    }
    const char *wrong = optind != argc                                       ? "unexpected argument"
                        : o.update.mirror && o.update.from_dir                ? "--mirror and --from exclude each other"
                        : o.skip_update && (o.update.mirror || o.update.from_dir || o.update.nsources || o.update.ca_cert)
                            ? "--skip-update and the update's options (--mirror, --from, --source, --ca-cert) "
                              "exclude each other"
                        : !o.webhook && (o.secret_file || o.notify.max_attempts || o.notify.timeout_ms || o.notify.ca_file)
                            ? "the --webhook-* options go with --webhook"
                        : o.enqueue && (o.secret_file || o.fail_on >= 0 || o.allow_unchecked)
                            ? "--enqueue: the secret goes to vigil worker --webhook-secret-file (no secret is kept"
                              " in the job table), and --fail-on and --allow-unchecked have no rescan to judge"
                        : o.enqueue && !o.webhook && !o.notify_file
                            ? "--enqueue: give --webhook and/or --notify-file (or use vigil inventory rescan --enqueue)"
                        : strcmp(o.output, "table") != 0 && strcmp(o.output, "json") != 0
                            ? "unknown output format (table, json)"
                            : NULL;
    if (wrong) {
        cli_error("monitor: %s", wrong);
        return EXIT_USAGE;
    }
    return run(&o);
}
