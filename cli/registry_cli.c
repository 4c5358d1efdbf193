/*
 * registry_cli.c — the options of registry targets shared by vigil sbom,
 * scan and verify (--registry-auth, --registry-ca, --registry-timeout),
 * the progress line of a pull, and --push.  The library part is
 * include/vigil/registry.h; documented in docs/registry.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/registry.h"

static char auth_from_file[1024];

int cli_registry_option(vg_registry_options *o, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_REGISTRY_AUTH:
        if (arg[0] == '@') {
            FILE *f = fopen(arg + 1, "re");
            if (!f) {
                cli_error("--registry-auth %s: %s", arg, strerror(errno));
                return -1;
            }
            size_t n = fread(auth_from_file, 1, sizeof auth_from_file - 1, f);
            int err = ferror(f) || !feof(f);
            fclose(f);
            auth_from_file[n] = '\0';
            auth_from_file[strcspn(auth_from_file, "\r\n")] = '\0';
            if (err || !strchr(auth_from_file, ':')) {
                cli_error("--registry-auth %s: the file must hold one line USER:PASSWORD", arg);
                return -1;
            }
            o->auth = auth_from_file;
        } else if (!strchr(arg, ':') || arg[0] == ':') {
            cli_error("--registry-auth: give USER:PASSWORD or @FILE");
            return -1;
        } else {
            o->auth = arg;
        }
        return 0;
    case CLI_OPT_REGISTRY_CA:
        if (access(arg, R_OK) != 0) {
            cli_error("--registry-ca %s: %s", arg, strerror(errno));
            return -1;
        }
        o->ca_file = arg;
        return 0;
    case CLI_OPT_REGISTRY_TIMEOUT: {
        int64_t t = cli_parse_duration(arg);
        if (t <= 0 || t > 86400) {
            cli_error("--registry-timeout %s: give seconds (30, 30s, 2m), at most a day", arg);
            return -1;
        }
        o->timeout = (long)t;
        return 0;
    }
    default:
        return -1;
    }
}

static void progress(void *arg, size_t blob, size_t nblobs, uint64_t bytes, uint64_t total)
{
    (void)arg;
    fprintf(stderr, "\rvigil: pulling blob %zu/%zu, %.1f of %.1f MiB", blob, nblobs, bytes / 1048576.0,
            total / 1048576.0);
    if (blob == nblobs && bytes == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

void cli_registry_finish(vg_registry_options *o, int quiet)
{
    const char *t = getenv("VIGIL_REGISTRY_TIMEOUT");
    if (!o->timeout && t && *t) {
        int64_t v = cli_parse_duration(t);
        if (v > 0 && v <= 86400)
            o->timeout = (long)v;
    }
    if (!quiet && isatty(STDERR_FILENO))
        o->progress = progress;
}

int cli_registry_push(const vg_key *key, const vg_inventory *inv, const char *type, const vg_buf *doc,
                      const vg_buf *bundle, const vg_registry_options *o)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_attest_subject subject;
    vg_buf dsse;
    vg_buf_init(&dsse, VG_ATTEST_MAX_DOCUMENT);
    int rc = cli_target_subject(&ctx, inv, &subject);
    if (rc == VG_OK)
        rc = vg_attest_bundle(&ctx, key, type, doc->data, doc->len, &subject, 1, VG_ATTEST_DSSE, &dsse);
    if (rc == VG_OK) {
        vg_registry_attestation att = {.predicate_type = vg_predicate_type_uri(type),
                                       .dsse = dsse.data, .dsse_len = dsse.len,
                                       .bundle = bundle->data, .bundle_len = bundle->len};
        rc = vg_registry_attach(&ctx, inv->target.path, inv->target.digest, &att, o);
    }
    if (rc)
        cli_error("--push: %s", ctx.message);
    else
        fprintf(stderr, "vigil: attached the %s attestation to %s@%s\n", type, inv->target.path, inv->target.digest);
    vg_buf_free(&dsse);
    vg_ctx_free(&ctx);
    return rc ? -1 : 0;
}
