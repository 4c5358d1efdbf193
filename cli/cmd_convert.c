/*
 * cmd_convert.c — `vigil convert IN -o FORMAT[=FILE]`: an SBOM read with
 * sbomread.h (CycloneDX 1.4-1.7, SPDX 2.2/2.3 JSON, SPDX 3.0.1 JSON-LD)
 * written by the SBOM writers (format.h), with what the reader could not
 * carry listed on stderr.  Documented in docs/vigil-convert.1; keep the
 * two in step.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/sbomread.h"

#define CONVERT_MAX_OUTPUTS 8
#define CONVERT_MAX_DOCUMENT ((size_t)4 << 30)

static const char convert_usage[] =
    "usage: vigil convert [OPTIONS] IN\n"
    "\n"
    "Converts the SBOM in file IN (CycloneDX 1.4 to 1.7 JSON, SPDX 2.2 or 2.3\n"
    "JSON, SPDX 3.0.1 JSON-LD) into other formats, and lists on stderr what\n"
    "IN holds that could not be carried (files, hashes, vulnerabilities ...).\n"
    "\n"
    "options:\n"
    "  -o, --output FORMAT[=FILE]  write FORMAT to FILE (default: standard output);\n"
    "                              may be given several times. FORMAT is one of\n"
    "                              cyclonedx-json (default; @1.6 or @1.7),\n"
    "                              spdx-json (SPDX 2.3), spdx3-json (SPDX 3.0.1),\n"
    "                              table\n"
    "      --allow-dropped         exit 0, not 3, when something was not carried\n"
    "                              (it is still listed)\n"
    "  -q, --quiet                 do not print warnings nor what was not carried\n"
    "  -h, --help                  show this help\n"
    "\n"
    "SOURCE_DATE_EPOCH, when set, is the timestamp written into the documents.\n"
    "\n"
    "exit status: 0 converted, nothing left out; 1 failed, nothing written;\n"
    "2 usage error; 3 written, but something of IN was not carried or could not\n"
    "be read (listed on stderr).\n";

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"allow-dropped", no_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_output outputs[CONVERT_MAX_OUTPUTS];
    size_t noutputs = 0;
    int quiet = 0, allow_dropped = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': {
            const char *file = cli_output_cut(optarg);
            vg_format f = cli_sbom_format(optarg, "cyclonedx-json[@1.6|@1.7], spdx-json, spdx3-json, table");
            if (!f || cli_output_add(outputs, &noutputs, CONVERT_MAX_OUTPUTS, optarg, f, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'D':
            allow_dropped = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(convert_usage, stdout);
            return EXIT_OK;
        default:
            fputs(convert_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(optind == argc ? "convert: no input given" : "convert: one input at a time");
        fputs(convert_usage, stderr);
        return EXIT_USAGE;
    }
    if (noutputs == 0)
        outputs[noutputs++] = (cli_output){VG_FORMAT_CYCLONEDX_JSON, NULL};
    vg_format_options fopts = {.tool_version = vg_version()};
    if (cli_document_time(&fopts.timestamp) != 0)
        return EXIT_USAGE;

    const char *in = argv[optind];
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_sbom_dropped dropped = {0};
    vg_buf docs[CONVERT_MAX_OUTPUTS], bundles[CONVERT_MAX_OUTPUTS];
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_init(&docs[i], CONVERT_MAX_DOCUMENT);
        vg_buf_init(&bundles[i], 1);
    }
    int status = EXIT_OK;
    int rc = vg_sbom_read_file_ex(&ctx, in, &inv, &dropped);
    if (!quiet)
        cli_print_warnings(&ctx);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
        goto out;
    }
    /* Every document is made before any is written: all or nothing. */
    for (size_t i = 0; i < noutputs; i++) {
        fopts.width = outputs[i].path ? 0 : cli_terminal_width();
        if (vg_format_write(&ctx, outputs[i].format, &inv, &fopts, &docs[i]) != VG_OK) {
            cli_error("%s: %s", vg_format_name(outputs[i].format), ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    if (cli_write_documents(outputs, docs, bundles, noutputs) != 0) {
        status = EXIT_FAILURE_;
        goto out;
    }
    for (size_t i = 0; i < dropped.n && !quiet; i++)
        cli_error("%s: not carried: %zu %s", in, dropped.kinds[i].count, dropped.kinds[i].what);
    if (inv.incomplete) {
        size_t n = vg_warning_count(&ctx);
        cli_error("%s: read incompletely: %zu warning%s%s", in, n, n == 1 ? "" : "s",
                  quiet ? " (run without -q to see them)" : " above");
        status = EXIT_INCOMPLETE;
    }
    if (dropped.n && !allow_dropped)
        status = EXIT_INCOMPLETE;
out:
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_free(&docs[i]);
        vg_buf_free(&bundles[i]);
    }
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return status;
}
