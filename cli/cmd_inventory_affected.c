/*
 * cmd_inventory_affected.c — `vigil inventory affected ID|PURL [--all]`:
 * which assets hold a vulnerability or a package, optionally in a version
 * range (vg_store_affected(), docs/store.md "Affected"), as a table or
 * JSON.  Documented in docs/vigil-inventory.1.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/store.h"

static const char affected_usage[] =
    "usage: vigil inventory affected ID|PURL [--all]\n"
    "\n"
    "Every asset whose latest snapshot (--all: any snapshot) holds:\n"
    "  ID     a vulnerability, by any of its ids (CVE-..., GHSA-..., an OSV id)\n"
    "  PURL   a package: pkg:npm/lodash (any version), pkg:npm/lodash@4.17.20\n"
    "         (that version), or a version range after '@', e.g.\n"
    "         'pkg:maven/org.apache.logging.log4j/log4j-core@>=2.0.0,<2.17.1' or\n"
    "         'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0.0|<2.17.1';\n"
    "         qualifiers given (?arch=x86_64) must match.\n"
    "Versions are compared with the ecosystem's version order.  A version that\n"
    "order cannot read is listed as not evaluated, never as outside the range.\n"
    "\n"
    "options:\n"
    "      --all                   every snapshot, not only each asset's latest\n"
    CLI_INVENTORY_OPTIONS_HELP
    "\n"
    "exit status: 0 answered (whether or not any asset is affected); 1 failed;\n"
    "2 usage error (a purl or range that does not parse); 3 answered, but some\n"
    "versions could not be evaluated.\n";

static void print_row(const json_t *r, int vuln, FILE *f)
{
    char snapshot[64];
    snprintf(snapshot, sizeof snapshot, "@%lld", (long long)json_integer_value(json_object_get(r, "snapshot")));
    fprintf(f, "%-28s %-9s %-14s %-24s %s", cli_json_text(r, "asset"), snapshot, cli_json_text(r, "snapshot_version"),
            cli_json_text(r, "version"), cli_json_text(r, "purl"));
    if (vuln)
        fprintf(f, "  %s %s first seen %s%s", cli_json_text(r, "id"), cli_json_text(r, "severity"), cli_json_text(r, "first_seen"),
                json_is_true(json_object_get(r, "suppressed")) ? " (suppressed)" : "");
    fputc('\n', f);
}

static void print_affected(const json_t *a, FILE *f)
{
    const json_t *q = json_object_get(a, "query"), *sum = json_object_get(a, "summary");
    int vuln = strcmp(cli_json_text(q, "kind"), "vulnerability") == 0;
    const json_t *matches = json_object_get(a, "matches"), *unevaluated = json_object_get(a, "not_evaluated");
    size_t i;
    const json_t *r;
    if (json_array_size(matches)) {
        fprintf(f, "%-28s %-9s %-14s %-24s %s\n", "ASSET", "SNAPSHOT", "LABEL", "VERSION",
                vuln ? "PURL  VULNERABILITY" : "PURL");
        json_array_foreach(matches, i, r)
            print_row(r, vuln, f);
    }
    fprintf(f, "%s: %lld assets, %lld snapshots, %lld components (%s)\n", cli_json_text(q, "text"),
            (long long)json_integer_value(json_object_get(sum, "assets")),
            (long long)json_integer_value(json_object_get(sum, "snapshots")),
            (long long)json_integer_value(json_object_get(sum, "matches")),
            strcmp(cli_json_text(q, "scope"), "all") == 0 ? "every snapshot" : "latest snapshots");
    if (json_array_size(unevaluated)) {
        fprintf(f, "\nnot evaluated (%zu):\n", json_array_size(unevaluated));
        json_array_foreach(unevaluated, i, r) {
            print_row(r, 0, f);
            fprintf(f, "    %s\n", cli_json_text(r, "reason"));
        }
    }
}

/* vg_store_affected() of arg[0] (the query), *arg[1] (--all). */
static int affected_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    const void *const *a = arg;
    return vg_store_affected(ctx, store, a[0], *(const int *)a[1], out);
}

int cmd_inventory_affected(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"store-read", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        {"all", no_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_inventory_options o = {0};
    int all = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(&o, c, optarg))
            continue;
        switch (c) {
        case 'A': all = 1; break;
        case 'h': fputs(affected_usage, stdout); return EXIT_OK;
        default: fputs(affected_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("affected: give one vulnerability id or purl");
        fputs(affected_usage, stderr);
        return EXIT_USAGE;
    }
    json_t *a;
    const void *arg[2] = {argv[optind], &all};
    int status = cli_inventory_read(&o, affected_query, arg, print_affected, &a);
    size_t n = json_array_size(json_object_get(a, "not_evaluated"));
    if (status == EXIT_OK && n) {
        cli_error("%zu components could not be evaluated against the range: their versions are listed as not "
                  "evaluated",
                  n);
        status = EXIT_INCOMPLETE;
    }
    json_decref(a);
    return status;
}
