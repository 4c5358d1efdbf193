/*
 * cmd_evidence.c — `vigil evidence attest`: a signed manual attestation for
 * what no machine can check (the management body approved the security
 * policy; the supplier's ISO 27001 certificate is valid until ...): an
 * in-toto Statement v1 whose predicate (type VG_POLICY_MANUAL_PREDICATE,
 * docs/policy.md "Manual attestations") names the requirements, the
 * statement, who made it and when it expires, and whose subjects are the
 * files attached (or, with none, the statement text itself), signed into a
 * Sigstore bundle with the keys of `vigil attest`.  `vigil policy eval`
 * counts it for its requirements until it expires.
 * Documented in docs/vigil-evidence.1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "vigil/attest.h"
#include "vigil/digest.h"
#include "vigil/policy.h"

#define EVIDENCE_MAX_ITEMS 64

static const char evidence_usage[] =
    "usage: vigil evidence attest --requirement ID... --statement TEXT --expires DATE\n"
    "                             --key KEY [--file FILE]... [--by NAME] [-o FILE]\n"
    "\n"
    "Signs a manual attestation: that the requirements ID (catalogue ids, e.g.\n"
    "ir2024-2690:2.1.1; see vigil controls) are met as TEXT says, until DATE\n"
    "(YYYY-MM-DD; it ends at 00:00 UTC that day), with the files attached as\n"
    "subjects.  Writes a Sigstore bundle to FILE (default standard output);\n"
    "give it to `vigil policy eval --evidence` with --key to count it.\n"
    "\n"
    "exit status: 0 written; 1 failed (key, file); 2 usage error.\n";

static int evidence_attest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"requirement", required_argument, NULL, 'r'}, {"statement", required_argument, NULL, 's'},
        {"expires", required_argument, NULL, 'e'},     {"key", required_argument, NULL, 'k'},
        {"file", required_argument, NULL, 'f'},        {"by", required_argument, NULL, 'b'},
        {"output", required_argument, NULL, 'o'},      {"now", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    const char *reqs[EVIDENCE_MAX_ITEMS], *files[EVIDENCE_MAX_ITEMS];
    size_t nreqs = 0, nfiles = 0;
    const char *statement = NULL, *expires = NULL, *key_path = NULL, *by = NULL, *output = NULL, *now_text = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
        case 'f':
            if ((c == 'r' ? nreqs : nfiles) == EVIDENCE_MAX_ITEMS) {
                cli_error("evidence attest: at most %d --%s", EVIDENCE_MAX_ITEMS, c == 'r' ? "requirement" : "file");
                return EXIT_USAGE;
            }
            if (c == 'r')
                reqs[nreqs++] = optarg;
            else
                files[nfiles++] = optarg;
            break;
        case 's': statement = optarg; break;
        case 'e': expires = optarg; break;
        case 'k': key_path = optarg; break;
        case 'b': by = optarg; break;
        case 'o': output = optarg; break;
        case 't': now_text = optarg; break;
        case 'h': fputs(evidence_usage, stdout); return EXIT_OK;
        default: fputs(evidence_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc || !nreqs || !statement || !*statement || !expires || !key_path) {
        cli_error("evidence attest: --requirement, --statement, --expires and --key are required");
        fputs(evidence_usage, stderr);
        return EXIT_USAGE;
    }
    int64_t now, end;
    if (now_text ? vg_policy_parse_time(now_text, &now) != 0 : cli_document_time(&now) != 0) {
        if (now_text)
            cli_error("--now %s: not a time (RFC 3339, or a date)", now_text);
        return EXIT_USAGE;
    }
    if (strlen(expires) != 10 || vg_policy_parse_time(expires, &end) != 0) {
        cli_error("--expires %s: not a date YYYY-MM-DD", expires);
        return EXIT_USAGE;
    }
    if (end <= now) {
        cli_error("--expires %s: the date has passed (an attestation must end in the future)", expires);
        return EXIT_USAGE;
    }
    json_t *predicate = json_object(), *list = json_array(), *attached = json_array();
    char at[32];
    time_t tt = (time_t)now;
    struct tm tm;
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
    for (size_t i = 0; i < nreqs; i++) {
        if (!vg_policy_requirement_valid(reqs[i])) {
            cli_error("--requirement %s: not a requirement id (FRAMEWORK:REF, e.g. ir2024-2690:2.1.1; see vigil "
                      "controls)", reqs[i]);
            json_decref(predicate);
            json_decref(list);
            json_decref(attached);
            return EXIT_USAGE;
        }
        json_array_append_new(list, json_string(reqs[i]));
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_buf out;
    vg_buf_init(&out, VG_ATTEST_MAX_DOCUMENT * 2);
    vg_file_digest *digests = calloc(nfiles + 1, sizeof *digests);
    vg_attest_subject *subjects = calloc(nfiles + 1, sizeof *subjects);
    int rc = digests && subjects && predicate && list && attached ? VG_OK
                                                                   : vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < nfiles; i++) {
        if ((rc = vg_digest_file(&ctx, files[i], VG_DIGEST_SHA256, &digests[i])))
            break;
        const char *name = files[i];
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        subjects[i] = (vg_attest_subject){.name = name, .sha256 = digests[i].sha256};
        json_array_append_new(attached, json_pack("{sssssI}", "name", name, "sha256", digests[i].sha256, "size",
                                                  (json_int_t)digests[i].size));
    }
    size_t nsubjects = nfiles;
    if (rc == VG_OK && nfiles == 0) {
        /* No file: the statement itself is what is attested. */
        rc = vg_digest_memory(&ctx, statement, strlen(statement), VG_DIGEST_SHA256, &digests[0]);
        subjects[0] = (vg_attest_subject){.name = "statement", .sha256 = digests[0].sha256};
        nsubjects = 1;
    }
    char *text = NULL;
    if (rc == VG_OK) {
        json_object_set_new(predicate, "requirements", list);
        list = NULL;
        json_object_set_new(predicate, "statement", json_string(statement));
        json_object_set_new(predicate, "expires", json_string(expires));
        json_object_set_new(predicate, "attestedAt", json_string(at));
        if (by)
            json_object_set_new(predicate, "attestedBy", json_string(by));
        json_object_set_new(predicate, "files", attached);
        attached = NULL;
        text = json_dumps(predicate, JSON_COMPACT | JSON_SORT_KEYS);
        if (!text)
            rc = vg_error(&ctx, VG_ERR_FORMAT, "--statement or --by is not valid UTF-8");
    }
    if (rc == VG_OK)
        rc = attest_cli_load_private_key(&ctx, key_path, &key);
    if (rc == VG_OK)
        rc = vg_attest_bundle(&ctx, key, VG_POLICY_MANUAL_PREDICATE, text, strlen(text), subjects, nsubjects,
                              VG_ATTEST_BUNDLE, &out);
    int status = EXIT_OK;
    if (rc) {
        cli_error("evidence attest: %s", ctx.message);
        status = cli_exit_status(rc);
    } else if (cli_write_output(output, out.data, out.len) != 0) {
        status = EXIT_FAILURE_;
    }
    free(text);
    json_decref(predicate);
    json_decref(list);
    json_decref(attached);
    vg_key_free(key);
    vg_buf_free(&out);
    free(digests);
    free(subjects);
    vg_ctx_free(&ctx);
    return status;
}

int cmd_evidence(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(evidence_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "attest"))
        return evidence_attest(argc - 1, argv + 1);
    cli_error("evidence: unknown subcommand '%s' (attest)", argv[1]);
    return EXIT_USAGE;
}
