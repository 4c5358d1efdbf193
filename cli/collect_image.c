/*
 * collect_image.c — `vigil collect image [OPTIONS] TARGET`: the
 * configuration and minimality of a container image (vg_collect_image()).
 * Documented in docs/vigil-collect.1 and docs/collect.md ("image").
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "vigil/collect.h"

static const char image_usage[] =
    "usage: vigil collect image [OPTIONS] TARGET [-o FILE]\n"
    "\n"
    "The facts of a container image TARGET, a `docker save` archive or an OCI\n"
    "image layout (directory or tar), as vigil sbom reads it: its user and\n"
    "whether that is root, exposed ports, entrypoint, cmd, working directory,\n"
    "the names of environment variables that look like secrets (never their\n"
    "values), labels, healthcheck; the shells and package managers present,\n"
    "the OS packages installed, the setuid and setgid files.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE          write the document to FILE (default: standard output)\n"
    "      --platform OS/ARCH[/VARIANT]\n"
    "                             image to pick from a multi-platform OCI index\n"
    "  -h, --help                 show this help\n"
    "\n"
    "exit status: 0 written; 1 failed (not an image, a damaged one), nothing\n"
    "written; 2 usage error; 3 written, but something could not be read (its\n"
    "\"unchecked\").\n";

int cli_collect_image(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"platform", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_scan_options scan = {0};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'P':
            scan.platform = optarg;
            break;
        case 'h':
            fputs(image_usage, stdout);
            return EXIT_OK;
        default:
            fputs(image_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("collect image: %s", argc - optind ? "only one image at a time" : "which image? (TARGET)");
        fputs(image_usage, stderr);
        return EXIT_USAGE;
    }
    int64_t now;
    if (cli_document_time(&now) != 0)
        return EXIT_USAGE;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_image(&ctx, argv[optind], &scan, now, &doc);
    if (rc)
        cli_print_warnings(&ctx);
    return cli_collect_finish(&ctx, rc, doc, output);
}
