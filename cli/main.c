/*
 * main.c — the vigil command: finds the subcommand in the table and runs it.
 * Adding a command is one cmd_NAME.c file and one row here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/match.h"

/* `vigil policy evidence` (cmd_policy_evidence.c), the other policy
 * subcommands (cmd_policy.c), until cmd_policy() dispatches evidence too. */
struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"sbom", cmd_sbom, "write a software bill of materials of a directory, root filesystem or image"},
    {"scan", cmd_scan, "list the known vulnerabilities of a target's packages"},
    {"convert", cmd_convert, "convert an SBOM between CycloneDX and SPDX, listing what is not carried"},
    {"key", cmd_key, "generate a signing key pair for attestations"},
    {"attest", cmd_attest, "sign an in-toto attestation (Sigstore bundle or DSSE envelope)"},
    {"verify", cmd_verify, "verify an attestation bundle or DSSE envelope with a public key"},
    {"provenance", cmd_provenance, "write a SLSA v1 provenance predicate"},
    {"sign-blob", cmd_sign_blob, "write a detached signature of a file"},
    {"verify-blob", cmd_verify_blob, "verify a detached signature of a file"},
    {"db", cmd_db, "build, update or show the vulnerability database"},
    {"inventory", cmd_inventory, "keep SBOMs and findings of assets over time; drift, affected, rescans"},
    {"store", cmd_store, "create or upgrade the inventory store (SQLite or PostgreSQL)"},
    {"monitor", cmd_monitor, "update the database, rescan the inventory and announce new findings"},
    {"evidence", cmd_evidence, "sign a manual attestation for a requirement no rule can check"},
    {"policy", cmd_policy, "judge evidence against NIS2, 2024/2690 and CRA rules; test rule packs"},
    {"worker", cmd_worker, "run queued inventory jobs (ingests, rescans) from the store"},
    {"controls", cmd_controls, "list the NIS2, 2024/2690 and CRA requirements and the rules that cover them"},
    {"incident", cmd_incident, "the incident and vulnerability register with the NIS2 and CRA clocks"},
    {"supplier", cmd_supplier, "the supplier register (NIS2 Art. 21(2)(d), CRA Art. 13(5))"},
    {"collect", cmd_collect, "gather evidence: binary hardening, TLS endpoints, hosts, identity, backups"},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: vigil COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "\n'vigil COMMAND --help' describes a command; 'man vigil' the exit statuses.\n");
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("vigil: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_print_warnings(const vg_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nwarnings; i++) {
        const vg_warning *w = &ctx->warnings[i];
        if (w->path)
            fprintf(stderr, "vigil: warning: %s: %s\n", w->path, w->message);
        else
            fprintf(stderr, "vigil: warning: %s\n", w->message);
    }
    if (ctx->warnings_dropped)
        fprintf(stderr, "vigil: warning: %zu more warnings not shown\n", ctx->warnings_dropped);
}

int cli_document_time(int64_t *out)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde) {
        *out = (int64_t)time(NULL);
        return 0;
    }
    char *end;
    errno = 0;
    long long t = strtoll(sde, &end, 10);
    if (errno || *end || t < 0 || t > 253402300799LL) {
        cli_error("SOURCE_DATE_EPOCH=%s is not a number of seconds since 1970 before year 10000", sde);
        return -1;
    }
    *out = t;
    return 0;
}

int cli_terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long n = strtol(cols, &end, 10);
        if (!*end && n > 0 && n < 100000)
            return (int)n;
    }
    return 0;
}

int cli_colour(void)
{
    const char *no_colour = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no_colour && *no_colour) && !(term && strcmp(term, "dumb") == 0);
}

int64_t cli_parse_duration(const char *s)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || end == s || n < 0)
        return -1;
    long long unit = 1;
    switch (*end) {
    case '\0': break;
    case 's': unit = 1; end++; break;
    case 'm': unit = 60; end++; break;
    case 'h': unit = 3600; end++; break;
    case 'd': unit = 86400; end++; break;
    case 'w': unit = 7 * 86400; end++; break;
    default: return -1;
    }
    if (*end || n > INT64_MAX / unit)
        return -1;
    return (int64_t)(n * unit);
}

int cli_parse_level(const char *s, size_t len)
{
    static const vg_severity levels[] = {VG_SEVERITY_UNKNOWN, VG_SEVERITY_LOW, VG_SEVERITY_MEDIUM,
                                         VG_SEVERITY_HIGH, VG_SEVERITY_CRITICAL};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        const char *name = vg_severity_name(levels[i]);
        if (strlen(name) == len && strncasecmp(name, s, len) == 0)
            return (int)levels[i];
    }
    return -1;
}

int cli_exit_status(int status)
{
    return status == VG_ERR_USAGE ? EXIT_USAGE : EXIT_FAILURE_;
}

const char *cli_output_cut(char *arg)
{
    char *eq = strchr(arg, '=');
    if (!eq)
        return NULL;
    *eq = '\0';
    return eq + 1;
}

int cli_output_add(cli_output *outputs, size_t *n, size_t max, const char *format_name, int format,
                   const char *file)
{
    if (*n == max) {
        cli_error("at most %zu outputs", max);
        return -1;
    }
    if (file && !*file) {
        cli_error("-o %s=: missing file name", format_name);
        return -1;
    }
    const char *path = file && strcmp(file, "-") != 0 ? file : NULL;
    for (size_t i = 0; i < *n; i++) {
        if ((!path && !outputs[i].path) || (path && outputs[i].path && strcmp(path, outputs[i].path) == 0)) {
            cli_error("two outputs to %s", path ? path : "standard output");
            return -1;
        }
    }
    outputs[(*n)++] = (cli_output){format, path};
    return 0;
}

int cli_exclude_add(vg_scan_options *opts, const char **excludes, const char *pattern)
{
    if (opts->nexclude == CLI_MAX_EXCLUDES) {
        cli_error("at most %d --exclude patterns", CLI_MAX_EXCLUDES);
        return -1;
    }
    vg_ctx check;
    vg_ctx_init(&check);
    int rc = vg_scan_exclude_check(&check, pattern);
    if (rc)
        cli_error("%s", check.message);
    vg_ctx_free(&check);
    if (rc)
        return -1;
    excludes[opts->nexclude++] = pattern;
    opts->exclude = excludes;
    return 0;
}

int cli_target_subject(vg_ctx *ctx, const vg_inventory *inv, vg_attest_subject *out)
{
    const char *digest = inv->target.digest;
    if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64)
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s has no sha256 digest to name as the subject (a directory has none); "
                        "sign the document with 'vigil attest --subject' instead",
                        inv->target.path ? inv->target.path : "the target");
    *out = (vg_attest_subject){.name = inv->target.name ? inv->target.name : inv->target.path,
                               .sha256 = digest + 7};
    return VG_OK;
}

int main(int argc, char **argv)
{
    /* Without TZ, glibc stats /etc/localtime at every mktime(), which
     * libarchive calls for every zip entry's time: 400 000 stat calls on a
     * system with many jars.  vigil writes UTC; the local zone is read once. */
    setenv("TZ", ":/etc/localtime", 0);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("vigil %s\n", vg_version());
        return EXIT_OK;
    }
    for (const struct command *c = commands; c->name; c++) {
        if (strcmp(c->name, name) == 0) {
            int rc = c->run(argc - 1, argv + 1);
            /* A full disk must not pass as success (git's common-main.c). */
            if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
                cli_error("cannot write to standard output: %s", strerror(errno));
                return EXIT_FAILURE_;
            }
            return rc;
        }
    }
    cli_error("'%s' is not a vigil command; see 'vigil --help'", name);
    return EXIT_USAGE;
}
