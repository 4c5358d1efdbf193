/*
 * collect_tls.c — `vigil collect tls HOST:PORT... [--ca FILE]
 * [--servername NAME] [--timeout SECONDS] [-o FILE]`: the options of the
 * TLS endpoint collector (vg_collect_tls(), src/collect/tls.c).
 * Documented in docs/vigil-collect.1 and docs/collect.md, "tls".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char tls_usage[] =
    "usage: vigil collect tls HOST:PORT... [--ca FILE] [--servername NAME] [--timeout SECONDS] [-o FILE]\n"
    "\n"
    "Probes each TLS endpoint named (and no other address): the protocol versions\n"
    "and cipher suites it accepts, its key exchange groups, its certificate chain,\n"
    "OCSP stapling and, when it speaks HTTP, Strict-Transport-Security.\n"
    "\n"
    "      --ca FILE          PEM certificates the chain must lead to (default: the\n"
    "                         system's trust store)\n"
    "      --servername NAME  the name sent as SNI and matched by the certificate\n"
    "                         (default: each endpoint's host)\n"
    "      --timeout SECONDS  the longest wait of each connection, 0.001 to 600\n"
    "                         (default: 5)\n"
    "  -o, --output FILE      write the document to FILE (default: standard output)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 written; 1 failed; 2 usage error; 3 written, but an endpoint\n"
    "or a probe could not be checked (\"unchecked\").\n";

int cli_collect_tls(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ca", required_argument, NULL, 'C'},
        {"servername", required_argument, NULL, 'S'},
        {"timeout", required_argument, NULL, 'T'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_collect_tls_options opts = {.timeout_ms = 5000};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': opts.ca_file = optarg; break;
        case 'S': opts.servername = optarg; break;
        case 'T':
            if ((opts.timeout_ms = cli_collect_timeout(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(tls_usage, stdout); return EXIT_OK;
        default: fputs(tls_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        cli_error("collect tls: name at least one endpoint HOST:PORT");
        fputs(tls_usage, stderr);
        return EXIT_USAGE;
    }
    if (argc - optind > VG_TLS_MAX_ENDPOINTS) {
        cli_error("collect tls: at most %d endpoints", VG_TLS_MAX_ENDPOINTS);
        return EXIT_USAGE;
    }
    opts.endpoints = (const char *const *)argv + optind;
    opts.nendpoints = (size_t)(argc - optind);
    int64_t now;
    if (cli_document_time(&now) != 0)
        return EXIT_FAILURE_;
    opts.collected = now;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_tls(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
