/*
 * cmd_attest.c — `vigil attest`: signs an in-toto Statement v1 about one or
 * more artifacts into a Sigstore bundle v0.3 (default) or a bare DSSE
 * envelope.  Formats: include/vigil/attest.h, docs/attestations.md.
 * A subject "registry:HOST/REPO:TAG" is that image's manifest digest; with
 * --push the attestation is attached to it there (include/vigil/registry.h).
 * Leaves out: keyless signing, uploading to a transparency log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/attest.h"
#include "vigil/registry.h"

#define ATTEST_MAX_SUBJECTS 1024

static void attest_usage(FILE *out)
{
    fprintf(out,
            "usage: vigil attest --key KEY --type TYPE --predicate FILE --subject ARTIFACT...\n"
            "                    [--digest sha512] [--format bundle|dsse] [-o FILE]\n"
            "                    [--push] [--platform P] [--registry-auth U:P|@FILE] [--registry-ca FILE]\n"
            "\n"
            "TYPE: cyclonedx, spdx, vuln, slsa-provenance, openvex, or a URI.\n"
            "Writes a Sigstore bundle v0.3 (or with --format dsse a DSSE envelope)\n"
            "holding an in-toto statement whose subjects are the artifacts' digests.\n"
            "An ARTIFACT registry:HOST/REPO:TAG is that image's manifest digest; --push\n"
            "attaches the attestation to it in the registry (docs/registry.md).\n"
            "An encrypted KEY takes its passphrase from VIGIL_PASSWORD or the terminal.\n");
}

int cmd_attest(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"type", required_argument, NULL, 't'},
        {"predicate", required_argument, NULL, 'p'},
        {"subject", required_argument, NULL, 's'},
        {"digest", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"push", no_argument, NULL, 'U'},
        {"platform", required_argument, NULL, 'L'},
        CLI_REGISTRY_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *type = NULL, *predicate_path = NULL, *output = NULL;
    const char *subject_paths[ATTEST_MAX_SUBJECTS];
    size_t nsubjects = 0;
    int with_sha512 = 0, push = 0, c;
    const char *platform = NULL;
    vg_registry_options ropts = {0};
    vg_attest_format format = VG_ATTEST_BUNDLE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:t:p:s:d:f:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 't': type = optarg; break;
        case 'p': predicate_path = optarg; break;
        case 'o': output = optarg; break;
        case 'U': push = 1; break;
        case 'L': platform = optarg; break;
        CLI_REGISTRY_CASES(ropts);
        case 's':
            if (nsubjects == ATTEST_MAX_SUBJECTS) {
                cli_error("attest: at most %d subjects", ATTEST_MAX_SUBJECTS);
                return EXIT_USAGE;
            }
            subject_paths[nsubjects++] = optarg;
            break;
        case 'd':
            if (strcmp(optarg, "sha512") == 0)
                with_sha512 = 1;
            else if (strcmp(optarg, "sha256") != 0) {
                cli_error("attest: --digest takes sha256 or sha512 (sha256 is always written)");
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (strcmp(optarg, "bundle") == 0)
                format = VG_ATTEST_BUNDLE;
            else if (strcmp(optarg, "dsse") == 0)
                format = VG_ATTEST_DSSE;
            else {
                cli_error("attest: --format takes bundle or dsse");
                return EXIT_USAGE;
            }
            break;
        case 'h': attest_usage(stdout); return EXIT_OK;
        default: attest_usage(stderr); return EXIT_USAGE;
        }
    }
    /* Further arguments after --subject X are more subjects. */
    for (; optind < argc; optind++) {
        if (nsubjects == ATTEST_MAX_SUBJECTS) {
            cli_error("attest: at most %d subjects", ATTEST_MAX_SUBJECTS);
            return EXIT_USAGE;
        }
        subject_paths[nsubjects++] = argv[optind];
    }
    if (!key_path || !type || !predicate_path || nsubjects == 0) {
        cli_error("attest: --key, --type, --predicate and --subject are required");
        attest_usage(stderr);
        return EXIT_USAGE;
    }
    if (!vg_predicate_type_uri(type)) {
        cli_error("attest: unknown predicate type '%s' (cyclonedx, spdx, vuln, slsa-provenance, openvex or a URI)", type);
        return EXIT_USAGE;
    }

    size_t nregistry = 0;
    for (size_t i = 0; i < nsubjects; i++)
        nregistry += vg_registry_is_target(subject_paths[i]) ? 1 : 0;
    if ((push && !nregistry) || (nregistry && with_sha512)) {
        cli_error(push && !nregistry ? "attest --push: give a registry:HOST/REPO:TAG subject"
                                     : "attest: --digest sha512 cannot name a registry image (its digest is sha256)");
        return EXIT_USAGE;
    }
    cli_registry_finish(&ropts, 1);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_buf predicate, out;
    vg_buf_init(&predicate, 0);
    vg_buf_init(&out, VG_ATTEST_MAX_DOCUMENT * 2);
    char (*image_digests)[72] = calloc(nsubjects, sizeof *image_digests);
    vg_file_digest *digests = calloc(nsubjects, sizeof *digests);
    vg_attest_subject *subjects = calloc(nsubjects, sizeof *subjects);
    int rc = digests && subjects && image_digests ? VG_OK : vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK)
        rc = attest_cli_load_private_key(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = attest_cli_read_file(&ctx, predicate_path, VG_ATTEST_MAX_DOCUMENT, &predicate);
    for (size_t i = 0; rc == VG_OK && i < nsubjects; i++) {
        const char *name = subject_paths[i];
        if (vg_registry_is_target(name)) {
            rc = vg_registry_resolve(&ctx, name, platform, &ropts, image_digests[i]);
            subjects[i] = (vg_attest_subject){.name = name, .sha256 = image_digests[i] + 7};
            continue;
        }
        rc = vg_digest_file(&ctx, subject_paths[i], VG_DIGEST_SHA256 | (with_sha512 ? VG_DIGEST_SHA512 : 0),
                            &digests[i]);
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        subjects[i].name = name;
        subjects[i].sha256 = digests[i].sha256;
        subjects[i].sha512 = with_sha512 ? digests[i].sha512 : NULL;
    }
    if (rc == VG_OK)
        rc = vg_attest_bundle(&ctx, key, type, predicate.data, predicate.len, subjects, nsubjects, format, &out);
    int status = EXIT_OK;
    if (rc) {
        cli_error("attest: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if (cli_write_output(output, out.data, out.len) != 0) {
        status = EXIT_FAILURE_;
    }
    if (status == EXIT_OK && push) {
        /* Both forms go to the registry: the envelope and the bundle. */
        vg_buf other;
        vg_buf_init(&other, VG_ATTEST_MAX_DOCUMENT * 2);
        vg_attest_format oformat = format == VG_ATTEST_BUNDLE ? VG_ATTEST_DSSE : VG_ATTEST_BUNDLE;
        rc = vg_attest_bundle(&ctx, key, type, predicate.data, predicate.len, subjects, nsubjects, oformat, &other);
        const vg_buf *dsse = format == VG_ATTEST_DSSE ? &out : &other, *bundle = format == VG_ATTEST_DSSE ? &other : &out;
        vg_registry_attestation att = {.predicate_type = vg_predicate_type_uri(type), .dsse = dsse->data,
                                       .dsse_len = dsse->len, .bundle = bundle->data, .bundle_len = bundle->len};
        for (size_t i = 0; rc == VG_OK && i < nsubjects; i++)
            if (vg_registry_is_target(subject_paths[i]) &&
                (rc = vg_registry_attach(&ctx, subject_paths[i], image_digests[i], &att, &ropts)) == VG_OK)
                fprintf(stderr, "vigil: attached the attestation to %s@%s\n", subject_paths[i], image_digests[i]);
        if (rc) {
            cli_error("attest --push: %s", ctx.message);
            status = EXIT_FAILURE_;
        }
        vg_buf_free(&other);
    }
    vg_key_free(key);
    vg_buf_free(&predicate);
    vg_buf_free(&out);
    free(digests);
    free(subjects);
    free(image_digests);
    vg_ctx_free(&ctx);
    return status;
}
