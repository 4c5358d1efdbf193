/*
 * cmd_collect.c — `vigil collect KIND [OPTIONS] [TARGET...]`: runs one
 * evidence collector (include/vigil/collect.h) and writes its document.
 * Each kind's options live in cli/collect_KIND.c; adding a kind is that
 * file and one row in the table below.  Documented in docs/vigil-collect.1
 * and docs/collect.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/buf.h"
#include "vigil/json.h"

/* The largest document a collector writes (the binaries of a whole
 * machine are about 10 MB). */
#define COLLECT_MAX_OUTPUT ((size_t)1 << 30)

struct collector {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct collector collectors[] = {
    {"backup", cli_collect_backup, "backups: latest snapshot age, retention and restore tests (restic, borg, a log)"},
    {"binaries", cli_collect_binaries, "hardening of the ELF executables and shared objects of a directory or image"},
    {"iac", cli_collect_iac, "a Terraform plan or Kubernetes manifests: exposed ports, encryption, pod security"},
    {"host", cli_collect_host, "a Linux host's or root filesystem's security settings"},
    {"identity", cli_collect_identity, "identity provider exports: accounts, admins, MFA, last sign-in, leavers"},
    {"image", cli_collect_image, "a container image: user, ports, secret-looking env names, shells, package managers"},
    {"repo", cli_collect_repo, "a git repository: signed tags and commits, as git verify-tag/verify-commit say"},
    {"securitytxt", cli_collect_securitytxt, "an RFC 9116 security.txt: fields, Expires, Canonical, signature"},
    {"tls", cli_collect_tls, "a TLS endpoint: versions, suites, groups, certificates, OCSP, HSTS"},
    {NULL, NULL, NULL},
};

static void collect_usage(FILE *out)
{
    fputs("usage: vigil collect KIND [OPTIONS] [TARGET...] [-o FILE]\n\nkinds:\n", out);
    for (const struct collector *c = collectors; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fputs("\nWrites one evidence document (docs/collect.md) for vigil policy --evidence.\n"
          "'vigil collect KIND --help' describes a kind.\n"
          "\n"
          "exit status: 0 written; 1 failed, nothing written; 2 usage error;\n"
          "3 written, but something asked for could not be checked (its \"unchecked\").\n",
          out);
}

int cli_collect_timeout(const char *text)
{
    char *end;
    double s = strtod(text, &end);
    if (end == text || *end || !isfinite(s) || s < 0.001 || s > 600) {
        cli_error("--timeout %s: expected a number of seconds from 0.001 to 600", text);
        return -1;
    }
    return (int)(s * 1000 + 0.5);
}

int cli_collect_write(vg_ctx *ctx, json_t *doc, const char *output)
{
    vg_buf text;
    vg_buf_init(&text, COLLECT_MAX_OUTPUT);
    int rc = vg_json_dump(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER, &text);
    if (rc == VG_OK)
        rc = vg_buf_addc(&text, '\n');
    if (rc != VG_OK) {
        cli_error("collect %s: %s", json_string_value(json_object_get(doc, "vigil-evidence")), vg_strerror(rc));
        vg_buf_free(&text);
        return EXIT_FAILURE_;
    }
    int status = cli_write_output(output, text.data, text.len) == 0 ? EXIT_OK : EXIT_FAILURE_;
    vg_buf_free(&text);
    cli_print_warnings(ctx);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, "unchecked"), i, item) {
        cli_error("not checked: %s: %s", json_string_value(json_object_get(item, "what")),
                  json_string_value(json_object_get(item, "reason")));
        if (status == EXIT_OK)
            status = EXIT_INCOMPLETE;
    }
    return status;
}

int cli_collect_finish(vg_ctx *ctx, int rc, json_t *doc, const char *output)
{
    int status;
    if (rc != VG_OK) {
        cli_error("%s", ctx->message);
        status = cli_exit_status(rc);
    } else {
        status = cli_collect_write(ctx, doc, output);
    }
    json_decref(doc);
    vg_ctx_free(ctx);
    return status;
}

int cmd_collect(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        collect_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (const struct collector *c = collectors; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->run(argc - 1, argv + 1);
    cli_error("collect: no collector named \"%s\"", argv[1]);
    collect_usage(stderr);
    return EXIT_USAGE;
}
