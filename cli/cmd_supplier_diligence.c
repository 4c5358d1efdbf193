/*
 * cmd_supplier_diligence.c — `vigil supplier diligence ASSET`: CRA Art.
 * 13(5) due diligence on the third-party components of the asset's latest
 * snapshot (vg_supplier_diligence(), docs/supplier-risk.md "Due
 * diligence"): what was checked and what is missing, as a table or JSON.
 * Exit 3 when a check is missing for any component.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/supplier.h"

static const char diligence_usage[] =
    "usage: vigil supplier diligence ASSET [--at DATE] [--store URL] [-o table|json[=FILE]]\n"
    "\n"
    "CRA Art. 13(5) due diligence on the third-party components of ASSET's\n"
    "latest snapshot: for each, whether the SBOM identifies it (purl and\n"
    "version), whether it was checked against the vulnerability database and\n"
    "has open findings, whether it has a licence, whether the end-of-life table\n"
    "knows it to be maintained, and whether its supplier has a current\n"
    "assessment: ok, missing or fail.  Components of a supplier marked own are\n"
    "first party and skipped.\n"
    "\n"
    "options:\n"
    "      --at DATE               judge at DATE (YYYY-MM-DD; default: today, UTC,\n"
    "                              or SOURCE_DATE_EPOCH's day)\n" CLI_INVENTORY_OPTIONS_HELP
    "\n"
    "exit status: 0 nothing missing; 1 failed (no such asset, a store or\n"
    "table that cannot be read); 2 usage error; 3 a check is missing for a\n"
    "component (the output says which).\n";

typedef struct query_arg {
    const char *asset;
    int64_t at;
} query_arg;

static int diligence_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    const query_arg *q = arg;
    return vg_supplier_diligence(ctx, store, q->asset, q->at, out);
}

static const char *short_status(const json_t *checks, const char *check)
{
    return cli_json_text(json_object_get(checks, check), "status");
}

static void print_diligence(const json_t *d, FILE *f)
{
    const json_t *sum = json_object_get(d, "summary");
    fprintf(f, "%s@%lld at %s: %lld third-party components, %lld with nothing missing; %lld skipped\n",
            cli_json_text(d, "asset"), (long long)json_integer_value(json_object_get(d, "snapshot")),
            cli_json_text(d, "at"), (long long)json_integer_value(json_object_get(sum, "third_party")),
            (long long)json_integer_value(json_object_get(sum, "complete")),
            (long long)json_integer_value(json_object_get(sum, "skipped")));
    fprintf(f, "%-40s %-20s %-8s %-8s %-8s %-8s %s\n", "COMPONENT", "SUPPLIER", "IDENTITY", "VULNS", "LICENCE",
            "MAINT", "ASSESSED");
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(d, "components"), i, c) {
        const json_t *k = json_object_get(c, "checks");
        const char *name = cli_json_text(c, "name"), *version = json_string_value(json_object_get(c, "version"));
        char label[512];
        snprintf(label, sizeof label, "%s%s%s", name, version ? "@" : "", version ? version : "");
        fprintf(f, "%-40s %-20s %-8s %-8s %-8s %-8s %s\n", label, cli_json_text(c, "supplier"),
                short_status(k, "identity"), short_status(k, "vulnerabilities"), short_status(k, "licence"),
                short_status(k, "maintenance"), short_status(k, "supplier"));
    }
    int heading = 0;
    json_array_foreach(json_object_get(d, "components"), i, c) {
        const json_t *k = json_object_get(c, "checks");
        static const char *const lists[] = {"missing", "failed"};
        for (size_t l = 0; l < 2; l++) {
            size_t j;
            const json_t *name;
            json_array_foreach(json_object_get(c, lists[l]), j, name) {
                if (!heading++)
                    fputs("\nmissing and failed:\n", f);
                fprintf(f, "%s %s: %s %s\n", cli_json_text(c, "component"), json_string_value(name),
                        l ? "fail:" : "missing:",
                        cli_json_text(json_object_get(k, json_string_value(name)), "detail"));
            }
        }
    }
    json_array_foreach(json_object_get(d, "skipped"), i, c) {
        if (i == 0)
            fputs("\nskipped:\n", f);
        fprintf(f, "%s: %s\n", cli_json_text(c, "component"), cli_json_text(c, "reason"));
    }
}

int cmd_supplier_diligence(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"at", required_argument, NULL, 'A'},
        {"store", required_argument, NULL, 'S'},
        {"store-read", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_inventory_options o = {0};
    const char *at_text = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(&o, c, optarg))
            continue;
        switch (c) {
        case 'A': at_text = optarg; break;
        case 'h': fputs(diligence_usage, stdout); return EXIT_OK;
        default: fputs(diligence_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("diligence: give one ASSET");
        fputs(diligence_usage, stderr);
        return EXIT_USAGE;
    }
    query_arg q = {.asset = argv[optind]};
    if (at_text) {
        if (vg_supplier_parse_date(at_text, &q.at) != 0) {
            cli_error("--at %s: not a date YYYY-MM-DD", at_text);
            return EXIT_USAGE;
        }
    } else {
        if (cli_document_time(&q.at) != 0)
            return EXIT_USAGE;
        q.at -= q.at % 86400; /* the day, at 00:00 UTC, as dates compare */
    }
    json_t *d;
    int status = cli_inventory_read(&o, diligence_query, &q, print_diligence, &d);
    if (status == EXIT_OK) {
        const json_t *sum = json_object_get(d, "summary"), *missing = json_object_get(sum, "missing");
        json_int_t third = json_integer_value(json_object_get(sum, "third_party")),
                   complete = json_integer_value(json_object_get(sum, "complete"));
        if (complete < third) {
            vg_buf what;
            vg_buf_init(&what, 4096);
            const char *key;
            const json_t *n;
            json_object_foreach((json_t *)missing, key, n)
                vg_buf_addf(&what, "%s%s %lld", what.len ? ", " : "", key, (long long)json_integer_value(n));
            cli_error("%s: %lld of %lld third-party components miss a check (%s)", argv[optind],
                      (long long)(third - complete), (long long)third, what.data ? what.data : "");
            vg_buf_free(&what);
            status = EXIT_INCOMPLETE;
        } else if (json_integer_value(json_object_get(sum, "components")) == 0) {
            /* an empty SBOM: nothing was checked, which is no diligence done */
            cli_error("%s: the latest snapshot holds no component: nothing was checked", argv[optind]);
            status = EXIT_INCOMPLETE;
        }
    }
    json_decref(d);
    return status;
}
