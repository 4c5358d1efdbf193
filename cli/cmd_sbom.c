/*
 * cmd_sbom.c — `vigil sbom`: scan a target and write its SBOM in one or more
 * formats.  Documented in docs/vigil-sbom.1; keep the two in step.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/registry.h"
#include "product.h"

#define SBOM_MAX_OUTPUTS 8
#define SBOM_MAX_DOCUMENT ((size_t)4 << 30)

static const char sbom_usage[] =
    "usage: vigil sbom [OPTIONS] TARGET\n"
    "       vigil sbom check [OPTIONS] FILE   (judge an SBOM: vigil sbom check -h)\n"
    "\n"
    "Writes a software bill of materials of TARGET: a directory or mounted root\n"
    "filesystem, a root filesystem tarball (.tar, .tar.gz, .tar.zst, .tar.xz),\n"
    "a `docker save` archive, an OCI image layout (directory or tar), or an image\n"
    "in a registry: registry:HOST[:PORT]/REPO[:TAG|@sha256:DIGEST].\n"
    "\n"
    "options:\n"
    "  -o, --output FORMAT[=FILE]  write FORMAT to FILE (default: standard output);\n"
    "                              may be given several times. FORMAT is one of\n"
    "                              cyclonedx-json (default; cyclonedx-json@1.7 for\n"
    "                              CycloneDX 1.7), spdx-json (SPDX 2.3), spdx3-json\n"
    "                              (SPDX 3.0.1), table\n"
    "      --exclude GLOB          leave out the paths that match GLOB, relative to\n"
    "                              the target's root: ./out, /etc, **/node_modules,\n"
    "                              ./srv/**/*.json; may be given several times\n"
    "      --catalogers LIST       run only these catalogers: names and groups\n"
    "                              (all, os, lang), comma-separated (default: all)\n"
    "      --platform OS/ARCH[/VARIANT]\n"
    "                              image to pick from a multi-platform OCI index\n"
    "                              (default: linux and this machine's architecture)\n"
    "      --max-file-size SIZE    largest package database file read (default 512M)\n"
    "      --max-total-size SIZE   largest uncompressed total read from an archive\n"
    "                              (default 64G; guards against archive bombs)\n"
    "      --attest KEY            also sign each JSON document written to a file\n"
    "                              into FILE.sigstore.json: an in-toto statement\n"
    "                              about the image or archive digest, in a\n"
    "                              Sigstore bundle (see vigil-attest(1))\n"
    "      --push                  with --attest and a registry: target, also attach\n"
    "                              the attestations to the image in the registry\n"
    "      --registry-auth USER:PASSWORD|@FILE\n"
    "                              registry credentials (default: ~/.docker/config.json)\n"
    "      --registry-ca FILE      also trust these CA certificates (PEM)\n"
    "      --registry-timeout SECONDS\n"
    "                              give up on a registry silent this long (default 30)\n"
    "      --profile NAME          add what a guideline asks for: bsi-tr-03183-2\n"
    "                              (SHA-512 of every deployable file, file kinds,\n"
    "                              declared and concluded licences, creators,\n"
    "                              completeness; see vigil-sbom(1))\n"
    "      --wide                  table: list every place each package was found,\n"
    "                              not only how many\n"
    "      --name NAME, --version VERSION, --supplier ORG, --manufacturer ORG\n"
    "                              the product the SBOM describes (its subject)\n"
    "                              instead of TARGET; ORG may be \"Name <email>\".\n"
    "                              Default: VIGIL_PRODUCT_NAME, _VERSION,\n"
    "                              _SUPPLIER, _MANUFACTURER, else the [product]\n"
    "                              table of ./vigil.toml\n"
    "      --config FILE           read [product] from FILE, not ./vigil.toml\n"
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n"
    "\n"
    "SIZE takes a K, M or G suffix. SOURCE_DATE_EPOCH, when set, is the timestamp\n"
    "written into the documents, which are otherwise byte-for-byte reproducible.\n"
    "\n"
    "exit status: 0 complete; 1 failed, nothing written; 2 usage error;\n"
    "3 written, but parts of the target could not be read (see the warnings).\n";

/* Parses "123", "64K", "512M", "2G" into bytes; 0 on error. */
static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || end == s || n == 0)
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    default: return 0;
    }
    if (*end || n > (UINT64_MAX >> shift))
        return 0;
    return (uint64_t)n << shift;
}

/* Signs each JSON document into bundles[i]: an in-toto statement whose
 * subject is the scanned image (manifest digest) or archive (its sha256),
 * with the document as predicate.  A directory has no digest to attest. */
static int attest_documents(vg_ctx *ctx, const vg_key *key, const vg_inventory *inv,
                            const cli_output *outputs, const vg_buf *docs, vg_buf *bundles, size_t n)
{
    vg_attest_subject subject;
    int st = cli_target_subject(ctx, inv, &subject);
    if (st)
        return st;
    for (size_t i = 0; i < n; i++) {
        int f = outputs[i].format;
        const char *type = f == VG_FORMAT_CYCLONEDX_JSON || f == VG_FORMAT_CYCLONEDX_JSON_17 ? "cyclonedx"
                           : f == VG_FORMAT_SPDX_JSON || f == VG_FORMAT_SPDX3_JSON           ? "spdx"
                                                                                             : NULL;
        if (!type)
            continue;
        int rc = vg_attest_bundle(ctx, key, type, docs[i].data, docs[i].len, &subject, 1, VG_ATTEST_BUNDLE,
                                  &bundles[i]);
        if (rc)
            return rc;
    }
    return VG_OK;
}

int cmd_sbom(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"platform", required_argument, NULL, 'P'},
        {"catalogers", required_argument, NULL, 'C'},
        {"max-file-size", required_argument, NULL, 'F'},
        {"max-total-size", required_argument, NULL, 'T'},
        {"attest", required_argument, NULL, 'A'},
        {"exclude", required_argument, NULL, 'X'},
        {"wide", no_argument, NULL, 'W'},
        {"push", no_argument, NULL, 'U'},
        CLI_REGISTRY_LONGOPTS,
        {"name", required_argument, NULL, 'N'},
        {"version", required_argument, NULL, 'V'},
        {"supplier", required_argument, NULL, 'S'},
        {"manufacturer", required_argument, NULL, 'M'},
        {"config", required_argument, NULL, 'c'},
        {"profile", required_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_output outputs[SBOM_MAX_OUTPUTS];
    size_t noutputs = 0;
    vg_scan_options opts = {0};
    const char *excludes[CLI_MAX_EXCLUDES];
    const char *attest_key = NULL;
    int quiet = 0, wide = 0, push = 0, c;
    vg_registry_options ropts = {0};
    /* product.arena is empty until cli_product_resolve(): nothing to free before */
    cli_product product;
    cli_product_init(&product);
    vg_profile profile = VG_PROFILE_NONE;

    if (argc > 1 && !strcmp(argv[1], "check"))
        return cmd_sbom_check(argc - 1, argv + 1);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': {
            const char *file = cli_output_cut(optarg);
            vg_format f = cli_sbom_format(optarg, "cyclonedx-json[@1.6|@1.7], spdx-json, spdx3-json, table");
            if (!f)
                return EXIT_USAGE;
            if (cli_output_add(outputs, &noutputs, SBOM_MAX_OUTPUTS, optarg, f, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'P':
            opts.platform = optarg;
            break;
        case 'C': {
            vg_ctx sel;
            vg_ctx_init(&sel);
            int bad = vg_catalog_select(&sel, optarg, &opts.catalogers);
            if (bad)
                cli_error("--catalogers: %s", sel.message);
            vg_ctx_free(&sel);
            if (bad)
                return EXIT_USAGE;
            break;
        }
        case 'F':
        case 'T': {
            uint64_t n = parse_size(optarg);
            if (!n) {
                cli_error("--%s %s: not a size", c == 'F' ? "max-file-size" : "max-total-size", optarg);
                return EXIT_USAGE;
            }
            *(c == 'F' ? &opts.max_file_size : &opts.max_total_size) = n;
            break;
        }
        case 'A':
            attest_key = optarg;
            break;
        case 'X':
            if (cli_exclude_add(&opts, excludes, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'W':
            wide = 1;
            break;
        case 'U':
            push = 1;
            break;
        CLI_REGISTRY_CASES(ropts);
        case 'N':
            product.name = optarg;
            break;
        case 'V':
            product.version = optarg;
            break;
        case 'S':
            product.supplier = optarg;
            break;
        case 'M':
            product.manufacturer = optarg;
            break;
        case 'c':
            product.config = optarg;
            break;
        case 'R':
            profile = vg_profile_from_name(optarg);
            if (!profile) {
                cli_error("--profile %s: unknown profile (known: %s)", optarg, vg_profile_names());
                return EXIT_USAGE;
            }
            opts.hash_files = profile == VG_PROFILE_BSI_TR_03183_2;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(sbom_usage, stdout);
            return EXIT_OK;
        default:
            fputs(sbom_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(optind == argc ? "sbom: no target given" : "sbom: only one target at a time");
        fputs(sbom_usage, stderr);
        return EXIT_USAGE;
    }
    if (noutputs == 0)
        outputs[noutputs++] = (cli_output){VG_FORMAT_CYCLONEDX_JSON, NULL};

    if (push && (!attest_key || !vg_registry_is_target(argv[optind]))) {
        cli_error("--push: give --attest KEY and a registry: target");
        return EXIT_USAGE;
    }
    cli_registry_finish(&ropts, quiet);
    opts.registry = &ropts;
    if (attest_key) {
        for (size_t i = 0; i < noutputs; i++) {
            if (outputs[i].format != VG_FORMAT_TABLE && !outputs[i].path) {
                cli_error("--attest: write the %s document to a file (-o %s=FILE); its attestation goes beside it",
                          vg_format_name(outputs[i].format), vg_format_name(outputs[i].format));
                return EXIT_USAGE;
            }
        }
    }

    vg_format_options fopts = {.tool_version = vg_version(), .wide = wide, .profile = profile};
    if (cli_document_time(&fopts.timestamp) != 0)
        return EXIT_USAGE;
    if (cli_product_resolve(&product, &fopts) != EXIT_OK) {
        cli_product_free(&product);
        return EXIT_USAGE;
    }

    const char *target = argv[optind];
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_buf docs[SBOM_MAX_OUTPUTS], bundles[SBOM_MAX_OUTPUTS];
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_init(&docs[i], SBOM_MAX_DOCUMENT);
        vg_buf_init(&bundles[i], VG_ATTEST_MAX_DOCUMENT);
    }
    vg_key *key = NULL;

    int status = EXIT_OK;
    /* Load the key first: a wrong passphrase must not cost a scan. */
    if (attest_key && attest_cli_load_private_key(&ctx, attest_key, &key) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    int rc = vg_scan(&ctx, target, &opts, &inv);
    if (!quiet)
        cli_print_warnings(&ctx);
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
        goto out;
    }
    /* Every document is made before any is written: all or nothing. */
    for (size_t i = 0; i < noutputs; i++) {
        fopts.width = outputs[i].path ? 0 : cli_terminal_width(); /* a table on a terminal fits it */
        rc = vg_format_write(&ctx, outputs[i].format, &inv, &fopts, &docs[i]);
        if (rc) {
            cli_error("%s: %s", vg_format_name(outputs[i].format), ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    if (key && attest_documents(&ctx, key, &inv, outputs, docs, bundles, noutputs) != VG_OK) {
        cli_error("--attest: %s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    if (cli_write_documents(outputs, docs, bundles, noutputs) != 0) {
        status = EXIT_FAILURE_;
        goto out;
    }
    for (size_t i = 0; push && i < noutputs; i++) {
        if (bundles[i].len && cli_registry_push(key, &inv, outputs[i].format == VG_FORMAT_SPDX_JSON ? "spdx" : "cyclonedx",
                                                &docs[i], &bundles[i], &ropts) != 0) {
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    if (inv.incomplete) {
        size_t n = vg_warning_count(&ctx);
        cli_error("the SBOM is incomplete: %zu warning%s%s", n, n == 1 ? "" : "s",
                  quiet ? " (run without -q to see them)" : " above");
        status = EXIT_INCOMPLETE;
    }
out:
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_free(&docs[i]);
        vg_buf_free(&bundles[i]);
    }
    vg_key_free(key);
    cli_product_free(&product);
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    return status;
}
