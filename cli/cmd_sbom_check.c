/*
 * cmd_sbom_check.c — `vigil sbom check FILE`: the quality of an SBOM
 * (vigil/sbomcheck.h) as a table or as JSON (docs/sbom-check.schema.json),
 * with an exit status for CI.  Documented in docs/vigil-sbom.1 and
 * docs/sbom-check.md; keep the three in step.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/io.h"
#include "vigil/jschema.h"
#include "vigil/json.h"
#include "vigil/sbomcheck.h"

static const char check_usage[] =
    "usage: vigil sbom check [OPTIONS] FILE\n"
    "\n"
    "Judges the SBOM in FILE (CycloneDX 1.4-1.7 or SPDX 2.2, 2.3, 3.0.1 JSON;\n"
    "\"-\": standard input) against the NTIA minimum elements, the CISA 2024\n"
    "baseline attributes and BSI TR-03183-2 v2.1, and checks its purls, CPEs,\n"
    "licence expressions and references (docs/sbom-check.md).\n"
    "\n"
    "options:\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json, to FILE (default:\n"
    "                              standard output)\n"
    "      --format FORMAT         the same as -o FORMAT\n"
    "      --schemas DIR           the official JSON schemas (bom-1.6.schema.json,\n"
    "                              spdx-2.3-schema.json, spdx-3.0.1.schema.json...)\n"
    "                              in DIR or its subdirectories, CycloneDX's also\n"
    "                              by $id (default: $VIGIL_SCHEMAS); without them\n"
    "                              the schema row is not checked\n"
    "      --require SET           fail (exit 5) when a required row of SET fails:\n"
    "                              ntia, cisa, bsi or valid; may be repeated\n"
    "  -h, --help                  show this help\n"
    "\n"
    "exit status: 0 every required row passed (without --require: every row\n"
    "was checked); 1 FILE could not be read; 2 usage error; 3 a row needed was\n"
    "not checked; 5 a required row failed.\n";

#define CHECK_FORMAT_VERSION 1
#define TABLE_FAILING_SHOWN 5

enum { SET_NTIA = 1, SET_CISA = 2, SET_BSI = 4, SET_VALID = 8 };

static unsigned set_of(const char *standard)
{
    return !strcmp(standard, "ntia") ? SET_NTIA
           : !strcmp(standard, "cisa") ? SET_CISA
           : !strcmp(standard, "bsi")  ? SET_BSI
                                       : SET_VALID;
}

static int colour; /* the table goes to a terminal that may be coloured */

/* The schema row: text validated (vigil/jschema.h) against the official
 * schema of doc's format and version, found in dir; the verdict in *out,
 * its strings in doc's arena.  "Not checked" with the reason when there is
 * no directory, it lacks that schema, or validation stopped at a limit. */
static void check_schema(const char *dir, vg_sbomcheck_doc *doc, const vg_buf *text, vg_sbomcheck_schema *out)
{
    vg_arena *a = &doc->arena;
    out->failed = 0;
    if (!dir || !*dir) {
        out->message = "not checked: no schema directory (--schemas DIR or $VIGIL_SCHEMAS)";
        return;
    }
    const char *v = doc->spec_version;
    const char *file = doc->format == VG_SBOMCHECK_CYCLONEDX ? vg_arena_printf(a, "bom-%s.schema.json", v)
                       : doc->format == VG_SBOMCHECK_SPDX2   ? vg_arena_printf(a, "spdx-%s-schema.json", v)
                                                             : vg_arena_printf(a, "spdx-%s.schema.json", v);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jschema_set *set = NULL;
    const vg_jschema *schema;
    json_t *json = NULL;
    vg_jschema_result result;
    memset(&result, 0, sizeof result);
    int rc = vg_jschema_set_open(&ctx, dir, &set);
    /* CycloneDX schemas also by their $id, so that any official copy works
     * (the npm package @cyclonedx/cyclonedx-library names them
     * bom-1.7.SNAPSHOT.schema.json); SPDX's have no usable $id. */
    if (!rc && doc->format == VG_SBOMCHECK_CYCLONEDX) {
        const char *id = vg_arena_printf(a, "http://cyclonedx.org/schema/%s", file);
        if (vg_jschema_compile(&ctx, set, id, &schema) == VG_OK)
            goto compiled;
        vg_ctx_free(&ctx);
        vg_ctx_init(&ctx);
    }
    if (!rc)
        rc = vg_jschema_compile(&ctx, set, file, &schema);
    if (rc) {
        out->message = vg_arena_printf(a, "not checked: %s", ctx.message);
        goto out;
    }
compiled:
    if ((rc = vg_json_parse(&ctx, "document", (const char *)text->data, text->len, &json)) ||
        (rc = vg_jschema_validate(&ctx, schema, json, NULL, &result))) {
        out->message = vg_arena_printf(a, "not checked: %s: %s", file, ctx.message);
        goto out;
    }
    if (result.valid) {
        out->message = NULL;
    } else {
        const vg_jschema_error *e = result.nerrors ? &result.errors[0] : NULL;
        out->failed = 1;
        out->message = vg_arena_printf(a, "%s: %zu error%s; the first at \"%s\": %s", file, result.total_errors,
                                       result.total_errors == 1 ? "" : "s", e ? e->instance : "",
                                       e ? e->message : "?");
    }
out:
    if (!out->message && rc)
        out->message = "not checked: out of memory";
    vg_jschema_result_free(&result);
    json_decref(json);
    vg_jschema_set_free(set);
    vg_ctx_free(&ctx);
}

static json_t *report_json(const char *file, const vg_sbomcheck_doc *doc, const vg_sbomcheck_report *rep,
                           unsigned required, const char *status)
{
    json_t *results = json_array(), *summary = json_object(), *req = json_array();
    size_t counts[5] = {0};
    for (size_t i = 0; i < rep->nresults; i++) {
        const vg_sbomcheck_result *r = &rep->results[i];
        counts[r->verdict]++;
        json_t *failing = json_array(), *problems = json_array();
        for (size_t j = 0; j < r->nfailing; j++) {
            const vg_sbomcheck_component *c = &doc->components[r->failing[j]];
            json_t *o = json_object();
            if (c->ref)
                json_object_set_new(o, "ref", json_string(c->ref));
            if (c->name)
                json_object_set_new(o, "name", json_string(c->name));
            json_array_append_new(failing, o);
        }
        for (size_t j = 0; j < r->nproblems; j++)
            json_array_append_new(problems, json_string(r->problems[j]));
        json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "id", r->id, "standard", r->standard,
                                "clause", r->clause, "title", r->title, "level",
                                r->level == VG_SBOMCHECK_REQUIRED ? "required" : "recommended", "verdict",
                                vg_sbomcheck_verdict_name(r->verdict), "failing", failing, "problems", problems);
        if (row && r->reason)
            json_object_set_new(row, "reason", json_string(r->reason));
        json_array_append_new(results, row);
    }
    for (int v = VG_SBOMCHECK_PASS; v <= VG_SBOMCHECK_NOT_CHECKED; v++)
        json_object_set_new(summary, vg_sbomcheck_verdict_name(v), json_integer((json_int_t)counts[v]));
    static const char *const sets[] = {"ntia", "cisa", "bsi", "valid"};
    for (unsigned i = 0; i < 4; i++)
        if (required & (1u << i))
            json_array_append_new(req, json_string(sets[i]));
    return json_pack("{s:i,s:s,s:s,s:s,s:I,s:b,s:o,s:o,s:s,s:o}", "version", CHECK_FORMAT_VERSION, "file", file,
                     "format", vg_sbomcheck_format_name(doc->format), "specVersion",
                     doc->spec_version ? doc->spec_version : "", "components", (json_int_t)doc->ncomponents,
                     "primaryComponent", doc->primary >= 0, "required", req, "summary", summary, "status", status,
                     "results", results);
}

static void print_table(const json_t *report, FILE *f)
{
    fprintf(f, "%s (%s %s, %lld components)\n", json_string_value(json_object_get(report, "file")),
            json_string_value(json_object_get(report, "format")),
            json_string_value(json_object_get(report, "specVersion")),
            (long long)json_integer_value(json_object_get(report, "components")));
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(report, "results"), i, r) {
        const char *verdict = json_string_value(json_object_get(r, "verdict"));
        const char *paint = !colour                          ? ""
                            : !strcmp(verdict, "pass")        ? "\033[32m"
                            : !strcmp(verdict, "fail")        ? "\033[31m"
                            : !strcmp(verdict, "not-checked") ? "\033[33m"
                                                              : "";
        fprintf(f, "%s%-14s%s %-24s %s%s  [%s]\n", paint, verdict, *paint ? "\033[0m" : "",
                json_string_value(json_object_get(r, "id")), json_string_value(json_object_get(r, "title")),
                !strcmp(json_string_value(json_object_get(r, "level")), "recommended") ? " (recommended)" : "",
                json_string_value(json_object_get(r, "clause")));
        const char *reason = json_string_value(json_object_get(r, "reason"));
        if (reason && strcmp(verdict, "pass"))
            fprintf(f, "%15s %s\n", "", reason);
        json_t *failing = json_object_get(r, "failing"), *problems = json_object_get(r, "problems"), *c;
        size_t j;
        json_array_foreach(failing, j, c) {
            if (j == TABLE_FAILING_SHOWN) {
                fprintf(f, "%15s ... and %zu more\n", "", json_array_size(failing) - j);
                break;
            }
            const char *name = json_string_value(json_object_get(c, "name")),
                       *ref = json_string_value(json_object_get(c, "ref"));
            fprintf(f, "%15s - %s (%s)\n", "", name ? name : "(no name)", ref ? ref : "no ref");
        }
        json_array_foreach(problems, j, c) {
            if (j == TABLE_FAILING_SHOWN) {
                fprintf(f, "%15s ... and %zu more\n", "", json_array_size(problems) - j);
                break;
            }
            fprintf(f, "%15s - %s\n", "", json_string_value(c));
        }
    }
    fprintf(f, "status: %s\n", json_string_value(json_object_get(report, "status")));
}

int cmd_sbom_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"require", required_argument, NULL, 'r'},
        {"schemas", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = "table", *path = NULL, *schemas = getenv("VIGIL_SCHEMAS");
    unsigned required = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            path = cli_output_cut(optarg);
            if (path && !strcmp(path, "-"))
                path = NULL;
            /* fall through */
        case 'f':
            if (strcmp(optarg, "table") && strcmp(optarg, "json")) {
                cli_error("sbom check: unknown output format '%s' (table, json)", optarg);
                return EXIT_USAGE;
            }
            output = optarg;
            break;
        case 'r':
            if (strcmp(optarg, "ntia") && strcmp(optarg, "cisa") && strcmp(optarg, "bsi") && strcmp(optarg, "valid")) {
                cli_error("sbom check: --require %s: not one of ntia, cisa, bsi, valid", optarg);
                return EXIT_USAGE;
            }
            required |= set_of(optarg);
            break;
        case 'S':
            schemas = optarg;
            break;
        case 'h':
            fputs(check_usage, stdout);
            return EXIT_OK;
        default:
            fputs(check_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (path && !*path) {
        cli_error("sbom check: -o %s=: empty file name", output);
        return EXIT_USAGE;
    }
    if (optind + 1 != argc) {
        fputs(check_usage, stderr);
        return EXIT_USAGE;
    }
    const char *file = argv[optind];
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf text;
    int status = EXIT_OK;
    vg_sbomcheck_doc doc;
    memset(&doc, 0, sizeof doc);
    json_t *report = NULL;
    int rc = attest_cli_read_file(&ctx, file, VG_SBOMCHECK_MAX_DOCUMENT, &text);
    if (!rc)
        rc = vg_sbomcheck_read(&ctx, file, (const char *)text.data, text.len, &doc);
    vg_sbomcheck_report rep;
    vg_sbomcheck_schema schema;
    if (!rc) {
        check_schema(schemas, &doc, &text, &schema);
        rc = vg_sbomcheck_run(&ctx, &doc, &schema, &rep);
    }
    if (rc) {
        cli_error("sbom check: %s", ctx.message);
        status = cli_exit_status(rc);
        goto out;
    }
    int failed = 0, unchecked = 0;
    for (size_t i = 0; i < rep.nresults; i++) {
        const vg_sbomcheck_result *r = &rep.results[i];
        int needed = required ? (set_of(r->standard) & required) && r->level == VG_SBOMCHECK_REQUIRED : 1;
        failed |= needed && required && r->verdict == VG_SBOMCHECK_FAIL;
        unchecked |= needed && r->verdict == VG_SBOMCHECK_NOT_CHECKED;
    }
    status = failed ? EXIT_POLICY : unchecked ? EXIT_INCOMPLETE : EXIT_OK;
    report = report_json(file, &doc, &rep, required,
                         failed ? "fail" : unchecked ? "not-checked" : "pass");
    if (!report) {
        cli_error("sbom check: out of memory");
        status = EXIT_FAILURE_;
        goto out;
    }
    colour = !path && cli_colour();
    if ((!strcmp(output, "json") ? cli_print_json(report, path) : cli_print_table(report, print_table, path)) != 0)
        status = EXIT_FAILURE_;
out:
    json_decref(report);
    vg_sbomcheck_doc_free(&doc);
    vg_buf_free(&text);
    vg_ctx_free(&ctx);
    return status;
}
