/*
 * cmd_store.c — `vigil store init|migrate [--store URL]`: create and
 * upgrade the inventory store (store.h, docs/store.md), and the store
 * helpers every inventory command shares.  Messages name the store with
 * its password replaced by "***".
 * Documented in docs/vigil-store.1.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/store.h"

static const char store_usage[] =
    "usage: vigil store init [--store URL]\n"
    "       vigil store migrate [--store URL]\n"
    "\n"
    "init creates the schema in a new or empty store; migrate upgrades the\n"
    "schema of a store written by an older vigil. A store written by a newer\n"
    "vigil is refused and never modified.\n"
    "\n"
    "options:\n"
    "      --store URL   sqlite:PATH or postgresql://USER@HOST:PORT/DB (default:\n"
    "                    $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 done; 1 failed; 2 usage error.\n";

const char *cli_store_url(const char *given, vg_buf *scratch)
{
    vg_buf_init(scratch, 4096);
    if (given && *given)
        return given;
    const char *env = getenv("VIGIL_STORE");
    if (env && *env)
        return env;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *url = NULL;
    if (vg_store_default_url(&ctx, scratch) == VG_OK)
        url = scratch->data;
    else
        cli_error("%s", ctx.message);
    vg_ctx_free(&ctx);
    return url;
}

int cli_store_open(const char *given, int flags, vg_store **out)
{
    *out = NULL;
    vg_buf scratch;
    const char *url = cli_store_url(given, &scratch);
    if (!url) {
        vg_buf_free(&scratch);
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_store_open(&ctx, url, flags, out);
    if (rc)
        cli_error("%s", ctx.message);
    vg_ctx_free(&ctx);
    vg_buf_free(&scratch);
    return rc ? EXIT_FAILURE_ : EXIT_OK;
}

int cmd_store(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *store = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': store = optarg; break;
        case 'h': fputs(store_usage, stdout); return EXIT_OK;
        default: fputs(store_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || (strcmp(argv[optind], "init") != 0 && strcmp(argv[optind], "migrate") != 0)) {
        cli_error(optind == argc ? "store: say init or migrate" : "store: unknown action '%s'", argv[optind]);
        fputs(store_usage, stderr);
        return EXIT_USAGE;
    }
    vg_buf scratch;
    const char *url = cli_store_url(store, &scratch);
    if (!url) {
        vg_buf_free(&scratch);
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    char name[512];
    vg_store_redact_url(url, name, sizeof name);
    int rc, status = EXIT_OK;
    if (strcmp(argv[optind], "init") == 0) {
        int created;
        if ((rc = vg_store_init(&ctx, url, &created)) == VG_OK)
            fprintf(stderr, "vigil: %s: %s (schema version %d)\n", name,
                    created ? "store created" : "store already initialised", VG_STORE_SCHEMA_VERSION);
    } else {
        int from, to;
        if ((rc = vg_store_migrate(&ctx, url, &from, &to)) == VG_OK) {
            if (from == to)
                fprintf(stderr, "vigil: %s: schema version %d is current: nothing to do\n", name, to);
            else
                fprintf(stderr, "vigil: %s: schema migrated from version %d to %d\n", name, from, to);
        }
    }
    if (rc) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    }
    vg_ctx_free(&ctx);
    vg_buf_free(&scratch);
    return status;
}
