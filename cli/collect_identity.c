/*
 * collect_identity.c — `vigil collect identity --okta FILE | --entra FILE
 * [--entra-ca FILE] [--entra-users FILE] | --google FILE | --github-org FILE ... [--leavers
 * FILE.csv] [-o FILE]`: the options of the identity provider collector
 * (vg_collect_identity(), src/collect/identity.c).  Documented in
 * docs/vigil-collect.1 and docs/collect.md, "identity".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char identity_usage[] =
    "usage: vigil collect identity (--okta FILE | --entra FILE [--entra-ca FILE] [--entra-users FILE] |\n"
    "                               --google FILE | --github-org FILE)... [--leavers FILE.csv] [-o FILE]\n"
    "\n"
    "Reads identity provider exports (docs/collect.md, \"identity\", says which API\n"
    "calls make each) into one list of accounts: status, administrator or not, MFA\n"
    "registered and enforced, last sign-in.  Nothing is fetched.\n"
    "\n"
    "      --okta FILE        Okta users with their factors and the admins\n"
    "      --entra FILE       Microsoft Graph userRegistrationDetails\n"
    "      --entra-ca FILE    the Conditional Access policies of the --entra before it\n"
    "      --entra-users FILE its users with accountEnabled and signInActivity\n"
    "      --google FILE      Google Admin SDK Directory users.list\n"
    "      --github-org FILE  a GitHub organisation, its members, admins and members without 2FA\n"
    "      --leavers FILE     CSV \"id,leaving_date\" from an HR system: marks leavers' accounts\n"
    "  -o, --output FILE      write the document to FILE (default: standard output)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Each export option may be given more than once.\n"
    "exit status: 0 written; 1 failed (an export that cannot be read or is not the\n"
    "documented shape), nothing written; 2 usage error.\n";

int cli_collect_identity(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"okta", required_argument, NULL, 'O'},
        {"entra", required_argument, NULL, 'E'},
        {"entra-ca", required_argument, NULL, 'C'},
        {"entra-users", required_argument, NULL, 'U'},
        {"google", required_argument, NULL, 'G'},
        {"github-org", required_argument, NULL, 'H'},
        {"leavers", required_argument, NULL, 'L'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_identity_export exports[VG_IDENTITY_MAX_EXPORTS];
    vg_collect_identity_options opts = {.exports = exports};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        vg_identity_provider p;
        switch (c) {
        case 'O': p = VG_IDENTITY_OKTA; goto add;
        case 'E': p = VG_IDENTITY_ENTRA; goto add;
        case 'G': p = VG_IDENTITY_GOOGLE; goto add;
        case 'H':
            p = VG_IDENTITY_GITHUB;
        add:
            if (opts.nexports == VG_IDENTITY_MAX_EXPORTS) {
                cli_error("collect identity: at most %d exports", VG_IDENTITY_MAX_EXPORTS);
                return EXIT_USAGE;
            }
            exports[opts.nexports++] = (vg_identity_export){p, optarg, NULL, NULL};
            break;
        case 'C':
        case 'U': {
            vg_identity_export *e = opts.nexports ? &exports[opts.nexports - 1] : NULL;
            const char **slot = NULL;
            if (e && e->provider == VG_IDENTITY_ENTRA)
                slot = c == 'C' ? &e->ca_path : &e->users_path;
            if (!slot || *slot) {
                cli_error("collect identity: %s %s must follow the --entra it belongs to, once",
                          c == 'C' ? "--entra-ca" : "--entra-users", optarg);
                return EXIT_USAGE;
            }
            *slot = optarg;
            break;
        }
        case 'L': opts.leavers_path = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(identity_usage, stdout); return EXIT_OK;
        default: fputs(identity_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || opts.nexports == 0) {
        cli_error("collect identity: name at least one export (--okta, --entra, --google, --github-org) "
                  "and no other argument");
        fputs(identity_usage, stderr);
        return EXIT_USAGE;
    }
    if (cli_document_time(&opts.collected) != 0)
        return EXIT_FAILURE_;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_identity(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
