/*
 * collect_securitytxt.c — `vigil collect securitytxt URL|FILE [--ca FILE]
 * [--allow-http] [--timeout SECONDS] [-o FILE]`: the options of the
 * RFC 9116 security.txt collector (vg_collect_securitytxt(),
 * src/collect/securitytxt.c).  Documented in docs/vigil-collect.1 and
 * docs/collect.md, "securitytxt".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char securitytxt_usage[] =
    "usage: vigil collect securitytxt URL|FILE [--ca FILE] [--allow-http] [--timeout SECONDS] [-o FILE]\n"
    "\n"
    "Reads an RFC 9116 security.txt from FILE, or fetches it from an https:// URL\n"
    "(a site's URL such as https://example.com/ means its\n"
    "/.well-known/security.txt), and reports its fields and what RFC 9116 finds\n"
    "wrong with them: a missing Contact or Expires, an Expires past or more than a\n"
    "year ahead, a Canonical that does not name the URL fetched.  An OpenPGP\n"
    "cleartext signature is recognised, not verified.\n"
    "\n"
    "      --ca FILE          PEM certificates the server's chain must lead to\n"
    "                         (default: the system's trust store)\n"
    "      --allow-http       fetch an http:// URL too (reported as a problem)\n"
    "      --timeout SECONDS  the longest the fetch may take, 0.001 to 600 (default: 10)\n"
    "  -o, --output FILE      write the document to FILE (default: standard output)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 written; 1 failed; 2 usage error; 3 written, but the URL could\n"
    "not be fetched (\"unchecked\").\n";

int cli_collect_securitytxt(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ca", required_argument, NULL, 'C'},
        {"allow-http", no_argument, NULL, 'H'},
        {"timeout", required_argument, NULL, 'T'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_collect_securitytxt_options opts = {.timeout_ms = 10000};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': opts.ca_file = optarg; break;
        case 'H': opts.allow_http = 1; break;
        case 'T':
            if ((opts.timeout_ms = cli_collect_timeout(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(securitytxt_usage, stdout); return EXIT_OK;
        default: fputs(securitytxt_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("collect securitytxt: name one URL or FILE");
        fputs(securitytxt_usage, stderr);
        return EXIT_USAGE;
    }
    opts.target = argv[optind];
    if (cli_document_time(&opts.collected) != 0)
        return EXIT_FAILURE_;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_securitytxt(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
