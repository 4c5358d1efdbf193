/*
 * cmd_blob.c — `vigil sign-blob --key KEY FILE [-o SIG]` and
 * `vigil verify-blob --key PUB --signature SIG FILE`: detached base64
 * signatures of any file, in the form cosign sign-blob / verify-blob use with
 * a key: ECDSA P-256 over SHA-256 of the file (DER), Ed25519 over the file's
 * bytes.  Leaves out: cosign bundles for blobs, certificates, Rekor.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vigil/attest.h"

int cmd_sign_blob(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"output-signature", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 'o': output = optarg; break;
        case 'h':
            printf("usage: vigil sign-blob --key KEY FILE [-o SIG]\n");
            return EXIT_OK;
        default:
            fprintf(stderr, "usage: vigil sign-blob --key KEY FILE [-o SIG]\n");
            return EXIT_USAGE;
        }
    }
    if (!key_path || optind != argc - 1) {
        fprintf(stderr, "usage: vigil sign-blob --key KEY FILE [-o SIG]\n");
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_buf sig;
    vg_buf_init(&sig, 4096);
    int status = EXIT_OK;
    int rc = attest_cli_load_private_key(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = vg_blob_sign(&ctx, key, argv[optind], &sig);
    /* On the terminal end with a newline; a signature file holds only the base64. */
    if (rc == VG_OK && (!output || strcmp(output, "-") == 0))
        rc = vg_buf_addc(&sig, '\n') == VG_OK ? VG_OK : vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        cli_error("sign-blob: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if (cli_write_output(output, sig.data, sig.len) != 0) {
        status = EXIT_FAILURE_;
    }
    vg_buf_free(&sig);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}

int cmd_verify_blob(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"signature", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *sig_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:s:h", options, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 's': sig_path = optarg; break;
        case 'h':
            printf("usage: vigil verify-blob --key PUB --signature SIG FILE\n");
            return EXIT_OK;
        default:
            fprintf(stderr, "usage: vigil verify-blob --key PUB --signature SIG FILE\n");
            return EXIT_USAGE;
        }
    }
    if (!key_path || !sig_path || optind != argc - 1) {
        fprintf(stderr, "usage: vigil verify-blob --key PUB --signature SIG FILE\n");
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_buf sig;
    vg_buf_init(&sig, 0);
    int status = EXIT_OK;
    int rc = vg_key_load_public(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = attest_cli_read_file(&ctx, sig_path, 64 * 1024, &sig);
    if (rc) {
        cli_error("verify-blob: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if ((rc = vg_blob_verify(&ctx, key, argv[optind], sig.data, sig.len)) != VG_OK) {
        if (rc == VG_ERR_SIGNATURE || rc == VG_ERR_FORMAT) {
            cli_error("verification FAILED: %s", ctx.message);
            status = EXIT_VERIFY;
        } else {
            cli_error("verify-blob: %s", ctx.message);
            status = cli_exit_status(rc);
        }
    } else {
        fprintf(stderr, "vigil: verified %s: signed by key %s (%s)\n", argv[optind], vg_key_id(key),
                vg_key_type_name(vg_key_get_type(key)));
    }
    vg_buf_free(&sig);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}
