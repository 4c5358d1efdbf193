/*
 * collect_host.c — `vigil collect host [ROOT] [-o FILE]`: the security
 * settings of the running host ("/", the default) or of a mounted or
 * extracted root filesystem (vg_collect_host(), docs/collect.md "host").
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "vigil/collect.h"

static const char usage_text[] =
    "usage: vigil collect host [ROOT] [-o FILE]\n"
    "\n"
    "The security settings of a Linux host (ROOT \"/\", the default: the running\n"
    "system) or of a mounted or extracted root filesystem, read as if chroot()ed\n"
    "there: sshd, accounts, login.defs and PAM, sudoers, world-writable and\n"
    "setuid/setgid files, enabled systemd units, listening sockets (running\n"
    "system only), package repositories and their signing, automatic updates,\n"
    "time synchronisation, audit rules, crypttab, firewall rulesets.\n"
    "Nothing is executed; no password hash or key is read into the document.\n"
    "\n"
    "  -o, --output FILE  write the document to FILE (default: standard output)\n"
    "  -h, --help         show this help\n";

int cli_collect_host(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        default: fputs(usage_text, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("collect host: one ROOT at most");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *root = optind < argc ? argv[optind] : "/";
    int64_t now;
    if (cli_document_time(&now) != 0)
        return EXIT_USAGE;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = vg_collect_host(&ctx, root, now);
    int status;
    if (!doc) {
        cli_error("collect host: %s", ctx.message);
        status = EXIT_FAILURE_;
    } else {
        status = cli_collect_write(&ctx, doc, output);
    }
    json_decref(doc);
    vg_ctx_free(&ctx);
    return status;
}
