/*
 * cmd_policy_evidence.c — `vigil policy evidence [--evidence [KIND=]PATH]...
 * [--key PUB]... [--store URL] [--data]`: loads the evidence a policy run
 * would read (vigil/policy.h, "Evidence documents") and prints its
 * documents as a JSON array — id, kind, format, path, sha256, size,
 * collected, and for attestations whether they verified — with their data
 * only when --data is given.  It shows what the rules will see, and how
 * each file was typed; docs/policy.md ("Evidence kinds") describes it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/policy.h"
#include "vigil/store.h"

static const char usage_text[] =
    "usage: vigil policy evidence [--evidence [KIND=]PATH]... [--key PUB]... [--store URL] [--data]\n"
    "\n"
    "Loads evidence as `vigil policy` reads it and prints the documents as a JSON\n"
    "array: how each was typed (kind, format), its SHA-256, size and collection\n"
    "time, and for attestations whether their signature verifies with a key.\n"
    "\n"
    "options:\n"
    "  -e, --evidence [KIND=]PATH  a JSON or YAML file, or a directory of them\n"
    "                              (*.json, *.yaml, *.yml, walked in name order);\n"
    "                              KIND= makes each document that kind; repeatable\n"
    "  -k, --key PUB               a public key (PEM) attestations are verified\n"
    "                              with; repeatable: any one of them may verify\n"
    "      --store URL             add the store's inventory (sqlite:PATH or\n"
    "                              postgresql://...) as one document\n"
    "      --data                  print each document's data too\n"
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n"
    "\n"
    "exit status: 0 printed; 1 evidence could not be read (the message names the\n"
    "file and the problem); 2 usage error.\n";

json_t *cli_policy_documents(const struct vg_policy_evidence *ev, int which)
{
    const json_t *documents = vg_policy_evidence_documents(ev);
    json_t *out = json_deep_copy(documents);
    size_t i;
    json_t *doc;
    json_array_foreach(out, i, doc) {
        const char *path = json_string_value(json_object_get(doc, "path"));
        if (which == CLI_DATA_NONE || (which == CLI_DATA_NO_FILE && path && *path))
            continue;
        if (json_object_set_new(doc, "data", vg_jval_to_json(vg_policy_evidence_data(ev, i)))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

int cmd_policy_evidence(int argc, char **argv)
{
    static const struct option options[] = {
        {"evidence", required_argument, NULL, 'e'},
        {"key", required_argument, NULL, 'k'},
        {"store", required_argument, NULL, 'S'},
        {"data", no_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char **specs = calloc((size_t)argc + 1, sizeof *specs);
    const char *keys[VG_POLICY_EVIDENCE_MAX_KEYS];
    const char *store_url = NULL;
    size_t nspecs = 0, nkeys = 0;
    int with_data = 0, quiet = 0, c;
    if (!specs) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "e:k:qh", options, NULL)) != -1) {
        switch (c) {
        case 'e': specs[nspecs++] = optarg; break;
        case 'k':
            if (nkeys == VG_POLICY_EVIDENCE_MAX_KEYS) {
                cli_error("policy evidence: at most %d --key options", VG_POLICY_EVIDENCE_MAX_KEYS);
                free(specs);
                return EXIT_USAGE;
            }
            keys[nkeys++] = optarg;
            break;
        case 'S': store_url = optarg; break;
        case 'D': with_data = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_text, stdout); free(specs); return EXIT_OK;
        default: fputs(usage_text, stderr); free(specs); return EXIT_USAGE;
        }
    }
    if (optind != argc || (nspecs == 0 && !store_url)) {
        cli_error("policy evidence: give --evidence PATH or --store URL, and no other arguments");
        fputs(usage_text, stderr);
        free(specs);
        return EXIT_USAGE;
    }
    vg_policy_evidence_options opts = {.keys = keys, .nkeys = nkeys};
    if (cli_document_time(&opts.now) != 0) {
        free(specs);
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_evidence *ev = NULL;
    vg_store *store = NULL;
    int rc = vg_policy_evidence_new(&ctx, &opts, &ev);
    for (size_t i = 0; rc == VG_OK && i < nspecs; i++)
        rc = vg_policy_evidence_add(&ctx, ev, specs[i]);
    if (rc == VG_OK && store_url && (rc = vg_store_open(&ctx, store_url, VG_STORE_READONLY, &store)) == VG_OK)
        rc = vg_policy_evidence_add_store(&ctx, ev, store, store_url);
    if (!quiet)
        cli_print_warnings(&ctx);
    int status = EXIT_OK;
    if (rc) {
        cli_error("policy evidence: %s", ctx.message);
        status = cli_exit_status(rc);
    } else {
        json_t *out = cli_policy_documents(ev, with_data ? CLI_DATA_ALL : CLI_DATA_NONE);
        if (!out) {
            cli_error("out of memory");
            status = EXIT_FAILURE_;
        } else {
            status = cli_print_json(out, NULL);
            json_decref(out);
        }
    }
    vg_store_close(store);
    vg_policy_evidence_free(ev);
    vg_ctx_free(&ctx);
    free(specs);
    return status;
}
