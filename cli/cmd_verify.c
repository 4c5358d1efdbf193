/*
 * cmd_verify.c — `vigil verify --key PUB --bundle FILE [--subject ARTIFACT]
 * [--type TYPE]`: verifies a Sigstore bundle or a bare DSSE envelope holding
 * an in-toto statement, prints the statement on success (stdout), and on
 * failure names the check that failed (exit status 4).  `vigil verify --key
 * PUB --pack DIR|FILE.zip [--bundle FILE]` verifies an evidence pack of
 * `vigil policy eval` (include/vigil/policy_report.h): the signature, then
 * that the pack holds exactly the statement's subjects, naming every file
 * changed, added or missing.
 * Formats: include/vigil/attest.h.  Leaves out: keyless (certificate)
 * verification, transparency-log and timestamp checks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/attest.h"
#include "vigil/policy_report.h"
#include "vigil/registry.h"

static void verify_usage(FILE *out)
{
    fprintf(out,
            "usage: vigil verify --key PUB --bundle FILE [--subject ARTIFACT] [--type TYPE]\n"
            "       vigil verify --key PUB --pack DIR|FILE.zip [--bundle FILE]\n"
            "       vigil verify --key PUB [--type TYPE] [--platform P] registry:HOST/REPO:TAG\n"
            "\n"
            "Verifies a Sigstore bundle or DSSE envelope with the public key PUB:\n"
            "the signature, the predicate type (--type) and that ARTIFACT's digest is\n"
            "a subject.  Prints the in-toto statement on success; on failure names the\n"
            "check that failed and exits with status 4.  With --pack, checks an evidence\n"
            "pack of vigil policy eval against its signed statement (the pack's\n"
            "attestation.sigstore.json unless --bundle): every file present, unchanged,\n"
            "and no other file.  A registry: image: the attestations attached to it\n"
            "(cosign's sha256-DIGEST.att tag, Sigstore bundle referrers), each about\n"
            "its manifest digest; --registry-auth, --registry-ca as vigil sbom.\n");
}

/* --pack: the exit status, each file that differs named on stderr. */
static int verify_pack(const char *key_path, const char *pack_path, const char *bundle_path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_evidence_pack_check check;
    memset(&check, 0, sizeof check);
    int status = EXIT_OK;
    int rc = vg_key_load_public(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = vg_evidence_pack_verify(&ctx, pack_path, bundle_path, key, &check);
    size_t i;
    json_t *p;
    if (rc == VG_ERR_DIGEST) {
        json_array_foreach(check.problems, i, p)
            cli_error("pack %s: %s: %s (%s)", pack_path, json_string_value(json_object_get(p, "problem")),
                      json_string_value(json_object_get(p, "file")), json_string_value(json_object_get(p, "detail")));
        cli_error("verification FAILED (pack check): %s", ctx.message);
        status = EXIT_VERIFY;
    } else if (rc != VG_OK && check.verify.failed != VG_CHECK_NONE) {
        cli_error("verification FAILED (%s check): %s: %s", vg_verify_check_name(check.verify.failed),
                  bundle_path ? bundle_path : pack_path, ctx.message);
        status = EXIT_VERIFY;
    } else if (rc == VG_ERR_FORMAT || rc == VG_ERR_LIMIT || rc == VG_ERR_UNSAFE) {
        cli_error("verification FAILED (pack check): %s", ctx.message);
        status = EXIT_VERIFY;
    } else if (rc != VG_OK) {
        cli_error("verify: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if (fwrite(check.verify.statement.data, 1, check.verify.statement.len, stdout) !=
                   check.verify.statement.len ||
               fputc('\n', stdout) == EOF) {
        status = EXIT_FAILURE_;
    } else {
        fprintf(stderr, "vigil: verified evidence pack %s: %zu files, each as the statement signed by key %s (%s) "
                "says, and no other\n", pack_path, check.files, vg_key_id(key), vg_key_type_name(vg_key_get_type(key)));
    }
    vg_evidence_pack_check_free(&check);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}

/* A registry: image: every attestation attached to it is verified; at least
 * one must verify with the key and name the image's manifest digest. */
static int verify_registry(const char *key_path, const char *target, const char *platform, vg_verify_options *opts,
                           vg_registry_options *ropts)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    char *digest = NULL;
    vg_buf *docs = NULL;
    size_t ndocs = 0, good = 0;
    int status = EXIT_OK;
    int rc = vg_key_load_public(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = vg_registry_attestations(&ctx, target, platform, ropts, &digest, &docs, &ndocs);
    if (rc) {
        cli_error("verify: %s", ctx.message);
        status = rc == VG_ERR_NOT_FOUND && key ? EXIT_VERIFY : cli_exit_status(rc);
        goto done;
    }
    opts->key = key;
    for (size_t i = 0; i < ndocs; i++) {
        vg_verify_result result;
        rc = vg_attest_verify(&ctx, docs[i].data, docs[i].len, opts, &result);
        int subject_ok = 0;
        if (rc == VG_OK) {
            json_t *st = json_loadb(result.statement.data, result.statement.len, 0, NULL);
            size_t j;
            json_t *s;
            json_array_foreach(json_object_get(st, "subject"), j, s) {
                const char *hex = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
                if (hex && !strcmp(hex, digest + 7))
                    subject_ok = 1;
            }
            json_decref(st);
            if (!subject_ok)
                cli_error("%s: attestation %zu: verified, but about another artifact than %s", target, i + 1, digest);
        } else {
            cli_error("%s: attestation %zu: not verified (%s check): %s", target, i + 1,
                      vg_verify_check_name(result.failed), ctx.message);
        }
        if (rc == VG_OK && subject_ok) {
            good++;
            fwrite(result.statement.data, 1, result.statement.len, stdout);
            fputc('\n', stdout);
            fprintf(stderr, "vigil: verified %s: %s about %s, signed by key %s (%s)\n", target,
                    result.is_bundle ? "Sigstore bundle" : "DSSE envelope", digest, vg_key_id(key),
                    vg_key_type_name(vg_key_get_type(key)));
        }
        vg_buf_free(&result.statement);
    }
    if (!good) {
        cli_error("verification FAILED: none of the %zu attestation%s attached to %s@%s verified", ndocs,
                  ndocs == 1 ? "" : "s", target, digest);
        status = EXIT_VERIFY;
    } else if (fflush(stdout) != 0) {
        status = EXIT_FAILURE_;
    }
done:
    for (size_t i = 0; i < ndocs; i++)
        vg_buf_free(&docs[i]);
    free(docs);
    free(digest);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"bundle", required_argument, NULL, 'b'},
        {"subject", required_argument, NULL, 's'},
        {"type", required_argument, NULL, 't'},
        {"pack", required_argument, NULL, 'P'},
        {"platform", required_argument, NULL, 'L'},
        CLI_REGISTRY_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *bundle_path = NULL, *pack_path = NULL;
    vg_verify_options opts = {0};
    vg_registry_options ropts = {0};
    const char *platform = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:b:s:t:h", options, NULL)) != -1) {
        switch (c) {
        case 'k': key_path = optarg; break;
        case 'b': bundle_path = optarg; break;
        case 's': opts.subject_path = optarg; break;
        case 't': opts.predicate_type = optarg; break;
        case 'P': pack_path = optarg; break;
        case 'L': platform = optarg; break;
        CLI_REGISTRY_CASES(ropts);
        case 'h': verify_usage(stdout); return EXIT_OK;
        default: verify_usage(stderr); return EXIT_USAGE;
        }
    }
    if (pack_path) {
        if (!key_path || optind != argc || opts.subject_path || opts.predicate_type) {
            cli_error("verify --pack: give --key, and no --subject, --type or other argument");
            return EXIT_USAGE;
        }
        return verify_pack(key_path, pack_path, bundle_path);
    }
    if (!bundle_path && optind == argc - 1)
        bundle_path = argv[optind++];
    if (bundle_path && vg_registry_is_target(bundle_path)) {
        if (!key_path || optind != argc || opts.subject_path) {
            cli_error("verify registry:...: give --key, and no --subject or other argument");
            return EXIT_USAGE;
        }
        if (opts.predicate_type && !vg_predicate_type_uri(opts.predicate_type)) {
            cli_error("verify: unknown predicate type '%s'", opts.predicate_type);
            return EXIT_USAGE;
        }
        cli_registry_finish(&ropts, 1);
        return verify_registry(key_path, bundle_path, platform, &opts, &ropts);
    }
    if (!key_path || !bundle_path || optind != argc) {
        cli_error("verify: --key and --bundle are required");
        verify_usage(stderr);
        return EXIT_USAGE;
    }
    if (opts.predicate_type && !vg_predicate_type_uri(opts.predicate_type)) {
        cli_error("verify: unknown predicate type '%s'", opts.predicate_type);
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_buf doc;
    vg_verify_result result;
    memset(&result, 0, sizeof result);
    vg_buf_init(&doc, 0);
    int status = EXIT_OK;
    int rc = vg_key_load_public(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = attest_cli_read_file(&ctx, bundle_path, VG_ATTEST_MAX_DOCUMENT, &doc);
    if (rc) {
        cli_error("verify: %s", ctx.message);
        status = cli_exit_status(rc);
        goto done;
    }
    opts.key = key;
    rc = vg_attest_verify(&ctx, doc.data, doc.len, &opts, &result);
    if (rc) {
        /* An artifact that cannot be read is an error of the command line,
         * not a failed verification. */
        if (result.failed == VG_CHECK_SUBJECT && rc != VG_ERR_DIGEST) {
            cli_error("verify: %s", ctx.message);
            status = cli_exit_status(rc);
        } else if (rc == VG_ERR_USAGE) {
            cli_error("verify: %s", ctx.message);
            status = EXIT_USAGE;
        } else {
            cli_error("verification FAILED (%s check): %s: %s", vg_verify_check_name(result.failed), bundle_path, ctx.message);
            status = EXIT_VERIFY;
        }
        goto done;
    }
    if (fwrite(result.statement.data, 1, result.statement.len, stdout) != result.statement.len ||
        fputc('\n', stdout) == EOF) {
        status = EXIT_FAILURE_;
        goto done;
    }
    fprintf(stderr, "vigil: verified %s: %s signed by key %s (%s)%s%s%s%s\n", bundle_path,
            result.is_bundle ? "Sigstore bundle" : "DSSE envelope", vg_key_id(key), vg_key_type_name(vg_key_get_type(key)),
            opts.predicate_type ? ", predicate type " : "", opts.predicate_type ? vg_predicate_type_uri(opts.predicate_type) : "",
            opts.subject_path ? ", subject " : "", opts.subject_path ? opts.subject_path : "");
done:
    vg_buf_free(&result.statement);
    vg_buf_free(&doc);
    vg_key_free(key);
    vg_ctx_free(&ctx);
    return status;
}
