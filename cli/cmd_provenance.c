/*
 * cmd_provenance.c — `vigil provenance`: writes a SLSA Provenance v1
 * predicate (https://slsa.dev/provenance/v1) from flags and from the GitHub
 * Actions / GitLab CI environment, ready for
 * `vigil attest --type slsa-provenance --predicate FILE`.
 * Leaves out: signing (use vigil attest), byproducts, other CI systems.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/attest.h"

#define PROVENANCE_MAX_ITEMS 256

static void provenance_usage(FILE *out)
{
    fprintf(out,
            "usage: vigil provenance [--builder-id URI] [--build-type URI] [--invocation-id ID]\n"
            "                        [--external-parameter KEY=VALUE]... \n"
            "                        [--resolved-dependency URI=ALG:DIGEST]...\n"
            "                        [--started-on TIME] [--finished-on TIME] [--no-env] [-o FILE]\n"
            "\n"
            "Writes a SLSA v1 provenance predicate.  In GitHub Actions or GitLab CI the\n"
            "builder, build type, invocation, source and commit come from the CI\n"
            "variables (see vigil-provenance(1)); flags override them.\n");
}

/* Splits "URI=ALG:DIGEST" at the last '=' followed by ALG:DIGEST. */
static int parse_dependency(char *arg, vg_provenance_dependency *dep)
{
    char *eq = strrchr(arg, '=');
    dep->uri = arg;
    dep->digest_algorithm = NULL;
    dep->digest_value = NULL;
    if (eq) {
        char *colon = strchr(eq + 1, ':');
        if (!colon || colon == eq + 1 || !colon[1])
            return -1;
        *eq = '\0';
        *colon = '\0';
        dep->digest_algorithm = eq + 1;
        dep->digest_value = colon + 1;
    }
    return *dep->uri ? 0 : -1;
}

int cmd_provenance(int argc, char **argv)
{
    static const struct option options[] = {
        {"builder-id", required_argument, NULL, 'b'},
        {"build-type", required_argument, NULL, 't'},
        {"invocation-id", required_argument, NULL, 'i'},
        {"external-parameter", required_argument, NULL, 'e'},
        {"resolved-dependency", required_argument, NULL, 'r'},
        {"started-on", required_argument, NULL, 'S'},
        {"finished-on", required_argument, NULL, 'F'},
        {"no-env", no_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_provenance_options opts = {0};
    vg_provenance_param params[PROVENANCE_MAX_ITEMS];
    vg_provenance_dependency deps[PROVENANCE_MAX_ITEMS];
    const char *output = NULL;
    int use_env = 1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (c) {
        case 'b': opts.builder_id = optarg; break;
        case 't': opts.build_type = optarg; break;
        case 'i': opts.invocation_id = optarg; break;
        case 'S': opts.started_on = optarg; break;
        case 'F': opts.finished_on = optarg; break;
        case 'n': use_env = 0; break;
        case 'o': output = optarg; break;
        case 'e': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || opts.nexternal == PROVENANCE_MAX_ITEMS) {
                cli_error("provenance: --external-parameter takes KEY=VALUE (at most %d)", PROVENANCE_MAX_ITEMS);
                return EXIT_USAGE;
            }
            *eq = '\0';
            params[opts.nexternal].key = optarg;
            params[opts.nexternal].value = eq + 1;
            opts.nexternal++;
            break;
        }
        case 'r':
            if (opts.ndeps == PROVENANCE_MAX_ITEMS || parse_dependency(optarg, &deps[opts.ndeps]) != 0) {
                cli_error("provenance: --resolved-dependency takes URI=ALG:DIGEST, e.g. "
                          "git+https://example.org/repo@v1=gitCommit:0123... (at most %d)", PROVENANCE_MAX_ITEMS);
                return EXIT_USAGE;
            }
            opts.ndeps++;
            break;
        case 'h': provenance_usage(stdout); return EXIT_OK;
        default: provenance_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        provenance_usage(stderr);
        return EXIT_USAGE;
    }
    opts.external = params;
    opts.deps = deps;
    opts.getenv_fn = use_env ? (const char *(*)(const char *))getenv : NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf out;
    vg_buf_init(&out, 16u << 20);
    int status = EXIT_OK;
    int rc = vg_provenance_predicate(&ctx, &opts, &out);
    if (rc) {
        cli_error("provenance: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if (cli_write_output(output, out.data, out.len) != 0) {
        status = EXIT_FAILURE_;
    }
    vg_buf_free(&out);
    vg_ctx_free(&ctx);
    return status;
}
