/*
 * cmd_supplier_risk.c — `vigil supplier unmapped` and `vigil supplier risk`
 * (include/vigil/supplier.h; docs/supplier-risk.md, "The score" and "The
 * risk document"; vigil-supplier(1)): the components no attribution rule
 * reaches, and the explainable risk score of each supplier (and with
 * --components of each component) as a table, a readable explanation of
 * one supplier, or the supplier-risk evidence document.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "vigil/store.h"
#include "vigil/supplier.h"

#define RISK_MAX_EVIDENCE 256
#define RISK_MAX_OUTPUT ((size_t)1 << 30)

enum { FORMAT_TABLE = 1, FORMAT_JSON };

static const char unmapped_usage[] =
    "usage: vigil supplier unmapped [--asset NAME] [--store URL] [-o table|json[=FILE]]\n"
    "\n"
    "Lists the components of each asset's latest snapshot that no attribution\n"
    "rule of the supplier register reaches, with the assets holding them, so\n"
    "that the register can be completed.\n"
    "\n"
    "options:\n"
    "      --asset NAME            only the components of this asset's latest snapshot\n" CLI_INVENTORY_OPTIONS_HELP
    "\n"
    "exit status: 0 done; 1 failed; 2 usage error.\n";

static const char risk_usage[] =
    "usage: vigil supplier risk [SUPPLIER] [--components] [--at DATE] [--evidence FILE]...\n"
    "                           [--config FILE] [-o table|json[=FILE]]... [--fail-on LEVEL]\n"
    "\n"
    "Scores each supplier of the register from 0 to 100 (higher is riskier)\n"
    "from six factors, each with its value, weight and evidence: exposure,\n"
    "vulnerabilities, remediation, hygiene, contract and lifecycle\n"
    "(docs/supplier-risk.md).  Naming SUPPLIER explains its factors.\n"
    "\n"
    "options:\n"
    "      --components            also score each component of the latest snapshots\n"
    "      --at DATE               score at YYYY-MM-DD (00:00 UTC; default: today)\n"
    "      --evidence FILE         a `vigil collect securitytxt` document: verifies the\n"
    "                              security.txt of the supplier recording its URL\n"
    "      --config FILE           read [supplier] from FILE, not ./vigil.toml\n"
    "      --fail-on LEVEL         exit 5 when a supplier is at or above LEVEL (low,\n"
    "                              medium, high, critical), after writing the outputs\n"
    "      --store URL             sqlite:PATH or postgresql://... (default:\n"
    "                              $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json (the supplier-risk document);\n"
    "                              may be repeated\n"
    "  -h, --help                  show this help\n"
    "\n"
    "exit status: 0 done; 1 failed, nothing written; 2 usage error; 3 written, but\n"
    "something was not checked (listed in \"unchecked\"); 5 --fail-on reached.\n";

static const char *text(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : "-";
}

/* ---- unmapped ------------------------------------------------------------------ */

static void print_unmapped(const json_t *list, FILE *f)
{
    size_t i, j;
    const json_t *c, *a;
    fprintf(f, "%-60s %-30s %s\n", "COMPONENT", "SUPPLIER FIELD", "ASSETS");
    json_array_foreach(list, i, c) {
        fprintf(f, "%-60s %-30s ", text(c, "component"), text(c, "supplier"));
        json_array_foreach(json_object_get(c, "assets"), j, a)
            fprintf(f, "%s%s", j ? "," : "", json_string_value(a));
        fputc('\n', f);
    }
    fprintf(f, "%zu unmapped component%s\n", json_array_size(list), json_array_size(list) == 1 ? "" : "s");
}

static int unmapped_query(vg_ctx *ctx, vg_store *store, const void *arg, json_t **out)
{
    return vg_supplier_unmapped(ctx, store, arg, out);
}

int cmd_supplier_unmapped(int argc, char **argv)
{
    static const struct option longopts[] = {{"asset", required_argument, NULL, 'a'},
                                             {"store", required_argument, NULL, 'S'},
                                             {"store-read", required_argument, NULL, 'R'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_inventory_options o = {0};
    const char *asset = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(&o, c, optarg))
            continue;
        if (c == 'a') {
            asset = optarg;
        } else if (c == 'h') {
            fputs(unmapped_usage, stdout);
            return EXIT_OK;
        } else {
            fputs(unmapped_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("supplier unmapped: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    json_t *result;
    int status = cli_inventory_read(&o, unmapped_query, asset, print_unmapped, &result);
    json_decref(result);
    return status;
}

/* ---- risk ----------------------------------------------------------------------- */

/* The points of factor name of supplier s, "-" when not measured. */
static const char *factor_points(const json_t *s, const char *name, char buf[16])
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(s, "factors"), i, f)
        if (strcmp(text(f, "name"), name) == 0) {
            if (!json_is_true(json_object_get(f, "measured")))
                return "-";
            snprintf(buf, 16, "%.1f", json_number_value(json_object_get(f, "points")));
            return buf;
        }
    return "?";
}

/* One supplier's factors and their evidence, for a reader. */
static void explain(const json_t *s, FILE *f)
{
    size_t i, j;
    const json_t *x, *y;
    fprintf(f, "%s (%s, criticality %s%s): %.1f of 100, %s; measured weight %g\n", text(s, "name"),
            text(s, "supplies"), text(s, "criticality"), json_is_true(json_object_get(s, "own")) ? ", own" : "",
            json_number_value(json_object_get(s, "score")), text(s, "level"),
            json_number_value(json_object_get(s, "measured_weight")));
    long long ncomp = (long long)json_integer_value(json_object_get(s, "components"));
    size_t nassets = json_array_size(json_object_get(s, "assets"));
    fprintf(f, "%lld component%s on %zu asset%s\n", ncomp, ncomp == 1 ? "" : "s", nassets, nassets == 1 ? "" : "s");
    json_array_foreach(json_object_get(s, "factors"), i, x) {
        int measured = json_is_true(json_object_get(x, "measured"));
        fprintf(f, "\n%s: %.1f of %g points (value %g)%s\n  %s\n", text(x, "name"),
                json_number_value(json_object_get(x, "points")), json_number_value(json_object_get(x, "weight")),
                json_number_value(json_object_get(x, "value")), measured ? "" : ", not measured",
                text(x, "explanation"));
        const json_t *ev = json_object_get(x, "evidence");
        json_array_foreach(json_object_get(ev, "checks"), j, y)
            fprintf(f, "  %s %-18s %s\n", json_integer_value(json_object_get(y, "points")) ? "+" : " ",
                    text(y, "check"), text(y, "detail"));
        json_array_foreach(json_object_get(ev, "items"), j, y)
            fprintf(f, "  +%lld %-26s %s\n", (long long)json_integer_value(json_object_get(y, "points")),
                    text(y, "check"), text(y, "detail"));
        json_array_foreach(json_object_get(ev, "findings"), j, y)
            fprintf(f, "  %-20s %-9s%s %s\n", text(y, "id"), text(y, "severity"),
                    json_is_true(json_object_get(y, "kev")) ? " KEV" : "", text(y, "component"));
        json_array_foreach(json_object_get(ev, "end_of_life"), j, y)
            fprintf(f, "  %s: %s %s ended %s (%s)\n", text(y, "component"), text(y, "product"), text(y, "cycle"),
                    text(y, "eol"), text(y, "source"));
        if (json_is_object(json_object_get(ev, "advisory_to_fix")))
            fprintf(f, "  advisory to fix: %s\n", text(json_object_get(ev, "advisory_to_fix"), "reason"));
    }
    const json_t *un = json_object_get(s, "unaccepted");
    if (un) {
        fprintf(f, "\n%zu component%s without a current risk acceptance:\n", json_array_size(un),
                json_array_size(un) == 1 ? "" : "s");
        json_array_foreach(un, i, x)
            fprintf(f, "  %s\n", json_string_value(x));
    }
}

/* The table of every supplier, or the explanation of the one named
 * (one). */
static void print_risk(const json_t *doc, int one, FILE *f)
{
    static const char *const factors[] = {"exposure", "vulnerabilities", "remediation",
                                          "hygiene",  "contract",        "lifecycle"};
    const json_t *suppliers = json_object_get(doc, "suppliers"), *s;
    size_t i, j;
    char buf[16];
    if (one && json_array_size(suppliers) == 1) {
        explain(json_array_get(suppliers, 0), f);
    } else {
        fprintf(f, "%-32s %6s %-8s %8s %8s %8s %8s %8s %8s\n", "SUPPLIER", "SCORE", "LEVEL", "EXPOSURE", "VULNS",
                "REMEDY", "HYGIENE", "CONTRACT", "LIFE");
        json_array_foreach(suppliers, i, s) {
            fprintf(f, "%-32s %6.1f %-8s", text(s, "name"), json_number_value(json_object_get(s, "score")),
                    text(s, "level"));
            for (j = 0; j < sizeof factors / sizeof *factors; j++)
                fprintf(f, " %8s", factor_points(s, factors[j], buf));
            fputc('\n', f);
        }
        fprintf(f, "(points of each factor; - not measured)  at %s; %lld unmapped components\n", text(doc, "at"),
                (long long)json_integer_value(json_object_get(doc, "unmapped")));
    }
    const json_t *components = json_object_get(doc, "components");
    if (components) {
        fprintf(f, "\n%-60s %6s %-8s %s\n", "COMPONENT", "SCORE", "LEVEL", "SUPPLIER");
        json_array_foreach(components, i, s)
            fprintf(f, "%-60s %6.1f %-8s %s\n", text(s, "component"), json_number_value(json_object_get(s, "score")),
                    text(s, "level"), text(s, "supplier"));
    }
}

/* Reads the [supplier] table of vigil.toml (cli_config_read()) into
 * *config; an exit status, the message printed. */
static int read_config(const char *given, json_t **config)
{
    *config = NULL;
    const char *path;
    vg_buf b;
    int status = cli_config_read(given, &b, &path);
    if (status == EXIT_OK && b.data) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        if (vg_supplier_risk_config(&ctx, path, b.data, b.len, config) != VG_OK) {
            cli_error("%s (fix the file or name another with --config)", ctx.message);
            status = EXIT_USAGE;
        }
        vg_ctx_free(&ctx);
    }
    vg_buf_free(&b);
    return status;
}

/* The document as the outputs write it, into text. */
static int render(const json_t *doc, int format, int one, vg_buf *out)
{
    vg_buf_init(out, RISK_MAX_OUTPUT);
    if (format == FORMAT_JSON) {
        /* jansson's dump: vg_json_dump() writes every real with 17
         * digits, and the points are rounded to tenths for reading */
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        int rc = text && vg_buf_addstr(out, text) == VG_OK && vg_buf_addc(out, '\n') == VG_OK ? 0 : -1;
        free(text);
        return rc;
    }
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f)
        return -1;
    print_risk(doc, one, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || vg_buf_add(out, data, len) != VG_OK) {
        free(data);
        return -1;
    }
    free(data);
    return 0;
}

static int level_index(const char *s)
{
    static const char *const levels[] = {"low", "medium", "high", "critical"};
    for (int i = 0; i < 4; i++)
        if (strcmp(levels[i], s) == 0)
            return i;
    return -1;
}

int cmd_supplier_risk(int argc, char **argv)
{
    static const struct option longopts[] = {{"components", no_argument, NULL, 'c'},
                                             {"at", required_argument, NULL, 'A'},
                                             {"evidence", required_argument, NULL, 'e'},
                                             {"config", required_argument, NULL, 'C'},
                                             {"fail-on", required_argument, NULL, 'F'},
                                             {"store", required_argument, NULL, 'S'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    vg_supplier_risk_options opt = {0};
    const char *evidence[RISK_MAX_EVIDENCE + 1] = {0}, *config_path = NULL, *store_arg = NULL;
    size_t nevidence = 0, nout = 0;
    cli_output outputs[2];
    int c, fail_on = -1, have_at = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            opt.components = 1;
            break;
        case 'A':
            if (vg_supplier_parse_date(optarg, &opt.at) != 0) {
                cli_error("--at %s: not a date YYYY-MM-DD", optarg);
                return EXIT_USAGE;
            }
            have_at = 1;
            break;
        case 'e':
            if (nevidence == RISK_MAX_EVIDENCE) {
                cli_error("--evidence: at most %d files", RISK_MAX_EVIDENCE);
                return EXIT_USAGE;
            }
            evidence[nevidence++] = optarg;
            break;
        case 'C':
            config_path = optarg;
            break;
        case 'F':
            if ((fail_on = level_index(optarg)) < 0) {
                cli_error("--fail-on %s: not a level (low, medium, high, critical)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'S':
            store_arg = optarg;
            break;
        case 'o': {
            const char *file = cli_output_cut(optarg);
            int format = strcmp(optarg, "table") == 0 ? FORMAT_TABLE : strcmp(optarg, "json") == 0 ? FORMAT_JSON : 0;
            if (!format) {
                cli_error("unknown output format '%s' (table, json)", optarg);
                return EXIT_USAGE;
            }
            if (cli_output_add(outputs, &nout, 2, optarg, format, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'h':
            fputs(risk_usage, stdout);
            return EXIT_OK;
        default:
            fputs(risk_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("supplier risk: one SUPPLIER at most ('%s')", argv[optind + 1]);
        return EXIT_USAGE;
    }
    opt.only = optind < argc ? argv[optind] : NULL;
    opt.evidence = nevidence ? evidence : NULL;
    if (!nout)
        outputs[nout++] = (cli_output){.format = FORMAT_TABLE, .path = NULL};
    if (!have_at)
        opt.at = (int64_t)time(NULL) / 86400 * 86400; /* today, 00:00 UTC */
    if (cli_document_time(&opt.collected) != 0)
        return EXIT_USAGE;
    json_t *config;
    int status = read_config(config_path, &config);
    if (status)
        return status;
    opt.config = config;
    vg_buf scratch;
    const char *url = cli_store_url(store_arg, &scratch);
    vg_store *store = NULL;
    if (!url) {
        json_decref(config);
        return EXIT_FAILURE_;
    }
    if ((status = cli_store_open(url, VG_STORE_READONLY, &store)) != EXIT_OK) {
        vg_buf_free(&scratch);
        json_decref(config);
        return status;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_supplier_risk(&ctx, store, url, &opt, &doc);
    vg_store_close(store);
    vg_buf_free(&scratch);
    json_decref(config);
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    vg_buf texts[2];
    cli_write_item items[2];
    size_t made = 0;
    status = EXIT_OK;
    for (; made < nout; made++) {
        if (render(doc, outputs[made].format, opt.only != NULL, &texts[made]) != 0) {
            vg_buf_free(&texts[made]);
            cli_error("supplier risk: out of memory writing the outputs");
            status = EXIT_FAILURE_;
            break;
        }
        items[made] = (cli_write_item){.path = outputs[made].path, .data = texts[made].data, .len = texts[made].len};
    }
    if (status == EXIT_OK && cli_write_files(items, nout) != 0)
        status = EXIT_FAILURE_;
    for (size_t i = 0; i < made; i++)
        vg_buf_free(&texts[i]);
    cli_print_warnings(&ctx);
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(doc, "unchecked"), i, item) {
        cli_error("not checked: %s: %s", text(item, "what"), text(item, "reason"));
        if (status == EXIT_OK)
            status = EXIT_INCOMPLETE;
    }
    if (status != EXIT_FAILURE_ && fail_on >= 0) {
        json_array_foreach(json_object_get(doc, "suppliers"), i, item)
            if (level_index(text(item, "level")) >= fail_on) {
                cli_error("--fail-on: supplier %s is at level %s (score %.1f)", text(item, "name"), text(item, "level"),
                          json_number_value(json_object_get(item, "score")));
                status = EXIT_POLICY;
                break;
            }
    }
    json_decref(doc);
    vg_ctx_free(&ctx);
    return status;
}
