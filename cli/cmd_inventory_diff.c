/*
 * cmd_inventory_diff.c — `vigil inventory diff ASSET [FROM [TO]]`: the drift
 * between two snapshots of an asset (vg_store_diff(), docs/store.md
 * "Diff"), as a table or JSON, and a CI gate (--fail-on-drift).
 * Documented in docs/vigil-inventory.1.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/store.h"

static const char diff_usage[] =
    "usage: vigil inventory diff ASSET [FROM [TO]] [--fail-on-drift[=vulns]]\n"
    "\n"
    "What changed between two snapshots of ASSET: components added, removed\n"
    "and changed version (upgrade or downgrade, by the ecosystem's version\n"
    "order), licence and supplier changes, vulnerabilities introduced and\n"
    "fixed.  FROM and TO are snapshots of the asset: N, a version LABEL or\n"
    "latest; TO defaults to the latest, FROM to the snapshot before TO.\n"
    "\n"
    "options:\n"
    "      --fail-on-drift[=WHAT]  exit 5 when anything changed (WHAT any, the\n"
    "                              default), or only when vulnerabilities were\n"
    "                              introduced (WHAT vulns)\n"
    CLI_INVENTORY_OPTIONS_HELP
    "\n"
    "exit status: 0 done; 1 failed (no such asset or snapshot); 2 usage\n"
    "error; 5 --fail-on-drift and there is drift.\n";

const char *cli_json_text(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "-";
}

static long long count_of(const json_t *summary, const char *key)
{
    return (long long)json_integer_value(json_object_get(summary, key));
}

/* "name@version" of a row into buf. */
static const char *name_at(const json_t *row, const char *version_key, char *buf, size_t size)
{
    snprintf(buf, size, "%s@%s", cli_json_text(row, "name"), cli_json_text(row, version_key));
    return buf;
}

static void print_side(const char *what, const json_t *s, FILE *f)
{
    fprintf(f, "%-5s @%lld", what, (long long)json_integer_value(json_object_get(s, "snapshot")));
    if (json_is_string(json_object_get(s, "version")))
        fprintf(f, " (%s)", cli_json_text(s, "version"));
    fprintf(f, ", %s, %lld components\n", cli_json_text(s, "created"),
            (long long)json_integer_value(json_object_get(s, "components")));
}

/* The vulnerability groups of list, one line each. */
static void print_vulns(const char *change, const json_t *list, FILE *f)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) {
        vg_buf versions;
        vg_buf_init(&versions, 4096);
        size_t k;
        const json_t *x;
        json_array_foreach(json_object_get(v, "versions"), k, x)
            vg_buf_addf(&versions, "%s%s", k ? "," : "", json_string_value(x));
        fprintf(f, "%-12s %-40s %-24s %s %s\n", change, cli_json_text(v, "name"), versions.data ? versions.data : "-",
                cli_json_text(v, "id"), cli_json_text(v, "severity"));
        vg_buf_free(&versions);
    }
}

static void print_diff(const json_t *d, FILE *f)
{
    const json_t *sum = json_object_get(d, "summary"), *vulns = json_object_get(d, "vulnerabilities");
    fprintf(f, "asset %s\n", cli_json_text(d, "asset"));
    print_side("from", json_object_get(d, "from"), f);
    print_side("to", json_object_get(d, "to"), f);
    fprintf(f,
            "%lld added, %lld removed, %lld changed (%lld upgraded, %lld downgraded, %lld not ordered), %lld "
            "unchanged; %lld licence and %lld supplier changes; vulnerabilities: %lld introduced, %lld fixed, %lld "
            "not checked\n",
            count_of(sum, "added"), count_of(sum, "removed"), count_of(sum, "changed"), count_of(sum, "upgraded"),
            count_of(sum, "downgraded"), count_of(sum, "unordered"), count_of(sum, "unchanged"),
            count_of(sum, "license_changed"), count_of(sum, "supplier_changed"),
            count_of(sum, "vulnerabilities_introduced"), count_of(sum, "vulnerabilities_fixed"),
            count_of(sum, "vulnerabilities_not_checked"));
    if (!json_is_true(json_object_get(d, "drift")) && !count_of(sum, "vulnerabilities_not_checked"))
        return;
    fprintf(f, "\n%-12s %-40s %-24s %s\n", "CHANGE", "COMPONENT", "FROM", "TO");
    size_t i;
    const json_t *r;
    char buf[512];
    json_array_foreach(json_object_get(d, "added"), i, r)
        fprintf(f, "%-12s %-40s %-24s %s\n", "added", cli_json_text(r, "name"), "-", cli_json_text(r, "version"));
    json_array_foreach(json_object_get(d, "removed"), i, r)
        fprintf(f, "%-12s %-40s %-24s %s\n", "removed", cli_json_text(r, "name"), cli_json_text(r, "version"), "-");
    json_array_foreach(json_object_get(d, "changed"), i, r)
        fprintf(f, "%-12s %-40s %-24s %s\n", cli_json_text(r, "direction"), cli_json_text(r, "name"), cli_json_text(r, "from_version"),
                cli_json_text(r, "to_version"));
    json_array_foreach(json_object_get(d, "license_changes"), i, r)
        fprintf(f, "%-12s %-40s %-24s %s\n", "licence", name_at(r, "version", buf, sizeof buf), cli_json_text(r, "from"),
                cli_json_text(r, "to"));
    json_array_foreach(json_object_get(d, "supplier_changes"), i, r)
        fprintf(f, "%-12s %-40s %-24s %s\n", "supplier", name_at(r, "version", buf, sizeof buf), cli_json_text(r, "from"),
                cli_json_text(r, "to"));
    size_t nvulns = 0;
    const char *key;
    const json_t *list;
    json_object_foreach((json_t *)vulns, key, list)
        nvulns += json_array_size(list);
    if (nvulns)
        fprintf(f, "\n%-12s %-40s %-24s %s\n", "FINDING", "COMPONENT", "VERSIONS", "ID");
    print_vulns("introduced", json_object_get(vulns, "introduced"), f);
    print_vulns("fixed", json_object_get(vulns, "fixed"), f);
    print_vulns("not-checked", json_object_get(vulns, "not_checked"), f);
}

/* vg_store_diff() of refs[0] (the asset), refs[1] (FROM), refs[2] (TO). */
static int diff_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    const char *const *refs = arg;
    return vg_store_diff(ctx, store, refs[0], refs[1], refs[2], out);
}

int cmd_inventory_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"store-read", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        {"fail-on-drift", optional_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_inventory_options o = {0};
    const char *gate = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(&o, c, optarg))
            continue;
        switch (c) {
        case 'F': gate = optarg ? optarg : "any"; break;
        case 'h': fputs(diff_usage, stdout); return EXIT_OK;
        default: fputs(diff_usage, stderr); return EXIT_USAGE;
        }
    }
    int nargs = argc - optind;
    if (nargs < 1 || nargs > 3) {
        cli_error("diff: give ASSET [FROM [TO]]");
        fputs(diff_usage, stderr);
        return EXIT_USAGE;
    }
    if (gate && strcmp(gate, "any") != 0 && strcmp(gate, "vulns") != 0) {
        cli_error("--fail-on-drift=%s: expected any or vulns", gate);
        return EXIT_USAGE;
    }
    json_t *d;
    const char *refs[3] = {argv[optind], nargs > 1 ? argv[optind + 1] : NULL, nargs > 2 ? argv[optind + 2] : NULL};
    int status = cli_inventory_read(&o, diff_query, refs, print_diff, &d);
    if (status == EXIT_OK && gate) {
        const json_t *sum = json_object_get(d, "summary");
        int failed = strcmp(gate, "vulns") == 0 ? count_of(sum, "vulnerabilities_introduced") > 0
                                                : json_is_true(json_object_get(d, "drift"));
        if (failed) {
            cli_error("--fail-on-drift%s%s: %s changed between @%lld and @%lld", strcmp(gate, "any") ? "=" : "",
                      strcmp(gate, "any") ? gate : "", argv[optind],
                      (long long)json_integer_value(json_object_get(json_object_get(d, "from"), "snapshot")),
                      (long long)json_integer_value(json_object_get(json_object_get(d, "to"), "snapshot")));
            status = EXIT_POLICY;
        }
    }
    json_decref(d);
    return status;
}
