/*
 * cmd_policy_history.c — `vigil policy history`: the policy runs kept in
 * the store per scope (vg_store_policy_*(), docs/store.md "Policy
 * history"): the scopes, the trend of each requirement over the last runs
 * of a scope and since when its status holds, one requirement's results
 * that changed from run to run, a kept results document given back byte
 * for byte, and a results document made elsewhere kept; and the hook by
 * which `vigil policy eval --scope` keeps its run.
 * Documented in docs/vigil-policy.1 (HISTORY).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/store.h"

#define HISTORY_DEFAULT_LAST 10

static const char history_usage[] =
    "usage: vigil policy history [--scope NAME [--requirement ID] [--last N]] [-o table|json[=FILE]]\n"
    "       vigil policy history --scope NAME --export RUN [-o json=FILE]\n"
    "       vigil policy history --scope NAME --import FILE\n"
    "\n"
    "The policy runs kept by `vigil policy eval --scope NAME`.  Without\n"
    "--scope, the scopes; with it, the status of each requirement in each of\n"
    "the last runs (oldest first) and since when its current status holds;\n"
    "with --requirement, that requirement's results that changed from run\n"
    "to run and those that do not pass now, each with since when.\n"
    "\n"
    "options:\n"
    "      --scope NAME            the scope the runs were kept under\n"
    "      --requirement ID        one requirement (e.g. nis2:21.2.e) in detail\n"
    "      --last N                the last N runs (default 10, at most 1000)\n"
    "      --export RUN            write the results document of run RUN (a\n"
    "                              number, or latest) as it was kept\n"
    "      --import FILE           keep the results document FILE (vigil policy\n"
    "                              eval -o json) as the scope's next run\n"
    CLI_INVENTORY_OPTIONS_HELP
    "\n"
    "exit status: 0 done; 1 failed (no such scope, run or requirement; a\n"
    "document refused; the store failed); 2 usage error; 4 a kept document\n"
    "does not match its digest (the store was altered).\n";

int cli_policy_scope_ok(const char *scope)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_store_policy_check_scope(&ctx, scope);
    if (rc)
        cli_error("--scope: %s", ctx.message);
    vg_ctx_free(&ctx);
    return rc ? -1 : 0;
}

/* Keeps the document bytes as the next run of scope in the store at url
 * (NULL: $VIGIL_STORE or the default), created when missing; the result
 * into *out.  An exit status, the message printed. */
static int keep(const char *url, const char *scope, const char *name, const char *bytes, size_t len, json_t **out)
{
    vg_store *store;
    int status = cli_store_open(url, VG_STORE_CREATE, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_store_policy_keep(&ctx, store, scope, name, bytes, len, out);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    }
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

int cli_policy_keep(const char *url, const char *scope, const json_t *doc, int status)
{
    /* The bytes `-o json` writes (cmd_policy.c, write_outputs()), so that
     * `--export` gives back exactly that file. */
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    size_t len = text ? strlen(text) : 0;
    char *bytes = text ? realloc(text, len + 2) : NULL;
    if (!bytes) {
        free(text);
        cli_error("out of memory keeping the results in the store");
        return EXIT_FAILURE_;
    }
    memcpy(bytes + len, "\n", 2);
    json_t *kept = NULL;
    int rc = keep(url, scope, "the results of this run", bytes, len + 1, &kept);
    free(bytes);
    if (rc) {
        cli_error("the results were written but not kept in the store");
        return EXIT_FAILURE_;
    }
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "vigil: kept as run %lld of scope %s (%s)\n",
                (long long)json_integer_value(json_object_get(kept, "run")), scope, cli_json_text(kept, "document"));
    json_decref(kept);
    return status;
}

/* ---- tables ------------------------------------------------------------------ */

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void print_scopes(const json_t *list, FILE *f)
{
    fprintf(f, "%-32s %-6s %-21s %s\n", "SCOPE", "RUNS", "FIRST", "LATEST");
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s)
        fprintf(f, "%-32s %-6lld %-21s %s\n", cli_json_text(s, "scope"), int_of(s, "runs"), cli_json_text(s, "first"),
                cli_json_text(s, "latest"));
}

static void print_runs(const json_t *doc, FILE *f)
{
    const json_t *runs = json_object_get(doc, "runs");
    fprintf(f, "scope %s: the last %zu of %lld runs, oldest first\n\n", cli_json_text(doc, "scope"),
            json_array_size(runs), int_of(doc, "runs_kept"));
    fprintf(f, "%-5s %-21s %6s %6s %6s %6s %6s %7s  %s\n", "RUN", "TIME", "PASS", "FAIL", "N/A", "SKIP", "ERROR",
            "WAIVED", "DOCUMENT");
    size_t i;
    const json_t *r;
    json_array_foreach(runs, i, r) {
        const json_t *s = json_object_get(r, "summary");
        fprintf(f, "%-5lld %-21s %6lld %6lld %6lld %6lld %6lld %7lld  %s\n", int_of(r, "run"), cli_json_text(r, "time"),
                int_of(s, "pass"), int_of(s, "fail"), int_of(s, "not_applicable"), int_of(s, "skip"), int_of(s, "error"),
                int_of(s, "waived"), cli_json_text(r, "document"));
    }
}

/* "TIME (run N)" of since, or "-". */
static const char *since_of(const json_t *o, char *buf, size_t size)
{
    if (!json_is_string(json_object_get(o, "since")))
        return "-";
    snprintf(buf, size, "%s (run %lld)", cli_json_text(o, "since"), int_of(o, "since_run"));
    return buf;
}

static void print_trend_line(const json_t *trend, FILE *f)
{
    size_t i;
    const json_t *s;
    json_array_foreach(trend, i, s) fprintf(f, "%s%s", i ? " " : "", json_is_string(s) ? json_string_value(s) : "-");
    fputc('\n', f);
}

/* "STATUS" or "STATUS (waived)" of a {"status", "waived"} state, or "-". */
static const char *state_of(const json_t *state, char *buf, size_t size)
{
    if (!json_is_object(state))
        return "-";
    snprintf(buf, size, "%s%s", cli_json_text(state, "status"),
             json_is_true(json_object_get(state, "waived")) ? " (waived)" : "");
    return buf;
}

static void print_requirement(const json_t *doc, FILE *f)
{
    const json_t *q = json_object_get(doc, "requirement");
    char since[96], from[64], to[64];
    fprintf(f, "requirement %s in scope %s: %s since %s\n", cli_json_text(q, "id"), cli_json_text(doc, "scope"),
            json_is_string(json_object_get(q, "status")) ? cli_json_text(q, "status") : "not checked by the latest run",
            since_of(q, since, sizeof since));
    fprintf(f, "trend (oldest first): ");
    print_trend_line(json_object_get(q, "trend"), f);
    fprintf(f, "rules:");
    size_t i, j;
    const json_t *x, *c, *r;
    json_array_foreach(json_object_get(q, "rules"), i, x) fprintf(f, " %s", json_string_value(x));
    fprintf(f, "\n\n");
    print_runs(doc, f);
    fprintf(f, "\nCHANGES\n%-5s %-8s %-28s %-48s %-16s %s\n", "RUN", "PREVIOUS", "RULE", "RESOURCE", "FROM", "TO");
    json_array_foreach(json_object_get(doc, "changes"), i, c) {
        json_array_foreach(json_object_get(c, "results"), j, r)
            fprintf(f, "%-5lld %-8lld %-28s %-48s %-16s %s\n", int_of(c, "run"), int_of(c, "previous"),
                    cli_json_text(r, "rule"), cli_json_text(r, "resource"),
                    state_of(json_object_get(r, "from"), from, sizeof from),
                    state_of(json_object_get(r, "to"), to, sizeof to));
    }
    fprintf(f, "\nNOT PASSING NOW\n%-28s %-48s %-16s %s\n", "RULE", "RESOURCE", "STATUS", "SINCE");
    json_array_foreach(json_object_get(doc, "results"), i, r)
        fprintf(f, "%-28s %-48s %-16s %s\n", cli_json_text(r, "rule"), cli_json_text(r, "resource"),
                state_of(r, from, sizeof from), since_of(r, since, sizeof since));
}

static void print_trend(const json_t *doc, FILE *f)
{
    if (json_object_get(doc, "requirement")) {
        print_requirement(doc, f);
        return;
    }
    print_runs(doc, f);
    fprintf(f, "\n%-24s %-12s %-32s %s\n", "REQUIREMENT", "STATUS", "SINCE", "TREND (oldest first)");
    size_t i;
    const json_t *q;
    char since[96];
    json_array_foreach(json_object_get(doc, "requirements"), i, q) {
        fprintf(f, "%-24s %-12s %-32s ", cli_json_text(q, "id"), cli_json_text(q, "status"),
                since_of(q, since, sizeof since));
        print_trend_line(json_object_get(q, "trend"), f);
    }
}

/* ---- the command -------------------------------------------------------------- */

typedef struct history_query {
    const char *scope, *requirement;
    size_t last;
} history_query;

static int scopes_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    (void)arg;
    return vg_store_policy_scopes(ctx, store, out);
}

static int trend_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    const history_query *q = arg;
    return vg_store_policy_trend(ctx, store, q->scope, q->requirement, q->last, out);
}

static int history_export(const cli_inventory_options *o, const char *scope, const char *run)
{
    if (o->output && strcmp(o->output, "json") != 0) {
        cli_error("--export: the document is JSON: -o json=FILE");
        return EXIT_USAGE;
    }
    vg_store *store;
    int status = cli_store_open(o->store_read ? o->store_read : o->store, VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf doc;
    char digest[128];
    int rc = vg_store_policy_export(&ctx, store, scope, run, &doc, digest, sizeof digest);
    if (rc) {
        cli_error("%s", ctx.message);
        status = rc == VG_ERR_DIGEST ? EXIT_VERIFY : cli_exit_status(rc);
    } else if (cli_write_output(o->output_path, doc.data ? doc.data : "", doc.len) != 0) {
        status = EXIT_FAILURE_;
    } else if (o->output_path) {
        fprintf(stderr, "vigil: %s run %s: %zu bytes, %s (checked)\n", scope, run, doc.len, digest);
    }
    vg_buf_free(&doc);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

static int history_import(const cli_inventory_options *o, const char *scope, const char *file)
{
    const char *output = o->output ? o->output : "table";
    if (strcmp(output, "table") != 0 && strcmp(output, "json") != 0) {
        cli_error("unknown output format '%s' (table, json)", output);
        return EXIT_USAGE;
    }
    if (o->store_read) {
        cli_error("--import writes: give the store with --store, not --store-read");
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf doc;
    int rc = attest_cli_read_file(&ctx, file, VG_STORE_MAX_DOCUMENT, &doc);
    if (rc) {
        cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    vg_ctx_free(&ctx);
    json_t *kept = NULL;
    int status = keep(o->store, scope, file, doc.data ? doc.data : "", doc.len, &kept);
    vg_buf_free(&doc);
    if (status == EXIT_OK && strcmp(output, "json") == 0) {
        status = cli_print_json(kept, o->output_path);
    } else if (status == EXIT_OK) {
        char line[1024];
        int n = snprintf(line, sizeof line, "kept %s as run %lld of scope %s: %lld results, %lld requirements, %s\n",
                         file, int_of(kept, "run"), scope, int_of(kept, "results"), int_of(kept, "requirements"),
                         cli_json_text(kept, "document"));
        status = cli_write_output(o->output_path, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1)
                     ? EXIT_FAILURE_
                     : EXIT_OK;
    }
    json_decref(kept);
    return status;
}

int cmd_policy_history(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},   {"store-read", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},  {"scope", required_argument, NULL, 's'},
        {"requirement", required_argument, NULL, 'r'}, {"last", required_argument, NULL, 'n'},
        {"export", required_argument, NULL, 'x'},  {"import", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    cli_inventory_options o = {0};
    history_query q = {.last = HISTORY_DEFAULT_LAST};
    const char *export_run = NULL, *import_file = NULL;
    int c, last_given = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(&o, c, optarg))
            continue;
        switch (c) {
        case 's':
            if (cli_policy_scope_ok(optarg))
                return EXIT_USAGE;
            q.scope = optarg;
            break;
        case 'r': q.requirement = optarg; break;
        case 'x': export_run = optarg; break;
        case 'i': import_file = optarg; break;
        case 'n': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-' || v < 1 || v > VG_STORE_POLICY_MAX_LAST) {
                cli_error("--last %s: expected a number from 1 to %d", optarg, VG_STORE_POLICY_MAX_LAST);
                return EXIT_USAGE;
            }
            q.last = (size_t)v;
            last_given = 1;
            break;
        }
        case 'h': fputs(history_usage, stdout); return EXIT_OK;
        default: fputs(history_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("policy history: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!q.scope && (q.requirement || export_run || import_file || last_given)) {
        cli_error("policy history: --requirement, --last, --export and --import need --scope NAME");
        return EXIT_USAGE;
    }
    if ((export_run || import_file) && (q.requirement || last_given || (export_run && import_file))) {
        cli_error("policy history: --export and --import go alone with --scope (and --store, -o)");
        return EXIT_USAGE;
    }
    if (export_run)
        return history_export(&o, q.scope, export_run);
    if (import_file)
        return history_import(&o, q.scope, import_file);
    json_t *result;
    int status = q.scope ? cli_inventory_read(&o, trend_query, &q, print_trend, &result)
                         : cli_inventory_read(&o, scopes_query, NULL, print_scopes, &result);
    json_decref(result);
    return status;
}
