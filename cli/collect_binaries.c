/*
 * collect_binaries.c — `vigil collect binaries [OPTIONS] [TARGET]`: the
 * hardening of every ELF executable and shared object of a directory,
 * root filesystem or image (vg_collect_binaries()).  Documented in
 * docs/vigil-collect.1 and docs/collect.md ("binaries").
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "vigil/collect.h"

static const char binaries_usage[] =
    "usage: vigil collect binaries [OPTIONS] [TARGET] [-o FILE]\n"
    "\n"
    "For every ELF executable and shared object of TARGET (default /): a\n"
    "directory or mounted root filesystem, a root filesystem tarball, a\n"
    "`docker save` archive or an OCI image layout (as vigil sbom reads them):\n"
    "PIE, RELRO, NX stack, stack canary, FORTIFY_SOURCE, CET and BTI/PAC\n"
    "properties, RPATH/RUNPATH, stripped; and a summary of each.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE          write the document to FILE (default: standard output)\n"
    "      --exclude GLOB         leave out the paths that match GLOB, relative to\n"
    "                             the target's root (as vigil sbom --exclude);\n"
    "                             may be given several times\n"
    "      --all-filesystems      a directory: also read the file systems mounted\n"
    "                             below it (default: only the target's own, as\n"
    "                             find -xdev; proc, sysfs and the like never)\n"
    "      --platform OS/ARCH[/VARIANT]\n"
    "                             image to pick from a multi-platform OCI index\n"
    "      --max-binaries N       list at most N binaries (default 200000); the\n"
    "                             others are counted in \"unchecked\"\n"
    "  -h, --help                 show this help\n"
    "\n"
    "exit status: 0 written; 1 failed, nothing written; 2 usage error;\n"
    "3 written, but some files could not be read (its \"unchecked\").\n";

int cli_collect_binaries(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"exclude", required_argument, NULL, 'X'},
        {"all-filesystems", no_argument, NULL, 'A'},
        {"platform", required_argument, NULL, 'P'},
        {"max-binaries", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_collect_binaries_options opts = {0};
    const char *excludes[CLI_MAX_EXCLUDES];
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'X':
            if (cli_exclude_add(&opts.scan, excludes, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'A':
            opts.all_filesystems = 1;
            break;
        case 'P':
            opts.scan.platform = optarg;
            break;
        case 'M': {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || n == 0 || n > SIZE_MAX || optarg[0] == '-') {
                cli_error("--max-binaries %s: not a number from 1", optarg);
                return EXIT_USAGE;
            }
            opts.max_binaries = (size_t)n;
            break;
        }
        case 'h':
            fputs(binaries_usage, stdout);
            return EXIT_OK;
        default:
            fputs(binaries_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("collect binaries: only one target at a time");
        fputs(binaries_usage, stderr);
        return EXIT_USAGE;
    }
    const char *target = optind < argc ? argv[optind] : "/";
    int64_t now;
    if (cli_document_time(&now) != 0)
        return EXIT_USAGE;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc;
    int rc = vg_collect_binaries(&ctx, target, &opts, now, &doc);
    if (rc) {
        cli_print_warnings(&ctx);
        cli_error("collect binaries: %s", ctx.message[0] ? ctx.message : vg_strerror(rc));
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    int status = cli_collect_write(&ctx, doc, output);
    json_decref(doc);
    vg_ctx_free(&ctx);
    return status;
}
