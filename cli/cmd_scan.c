/*
 * cmd_scan.c — `vigil scan`: inventory a target as `vigil sbom` does,
 * match it against the local vulnerability database and write the findings
 * as a table, JSON (docs/scan-json.md), SARIF 2.1.0 or a CycloneDX 1.6 VDR.
 * Documented in docs/vigil-scan.1; keep the two in step.
 *
 * TARGET may also be an existing SBOM (CycloneDX or SPDX JSON, sbomread.h),
 * or "-" for one on standard input; --vex FILE (repeatable, vex.h) and
 * --ignore FILE (ignore.h) mark findings suppressed before the reports are
 * made.  A component that could not be checked (no data, unknown OS, a
 * version that cannot be read: match.h, vg_coverage) makes the scan
 * incomplete (exit 3) unless --allow-unchecked.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "cli.h"
#include "vigil/ignore.h"
#include "vigil/match.h"
#include "vigil/registry.h"
#include "vigil/sbomread.h"
#include "vigil/vex.h"
#include "vigil/vulndb.h"

#define SCAN_MAX_OUTPUTS 8
#define SCAN_MAX_INPUTS 64 /* --vex and --ignore files */
#define SCAN_MAX_DOCUMENT ((size_t)4 << 30)

static const char scan_usage[] =
    "usage: vigil scan [OPTIONS] TARGET\n"
    "\n"
    "Lists the known vulnerabilities of the packages in TARGET (anything\n"
    "'vigil sbom' accepts, registry:HOST/REPO:TAG included, a CycloneDX or SPDX JSON SBOM file, or - for an\n"
    "SBOM on standard input) from the local vulnerability database.\n"
    "\n"
    "options:\n"
    "      --registry-auth USER:PASSWORD|@FILE, --registry-ca FILE,\n"
    "      --registry-timeout SECONDS   for registry: targets, as vigil sbom\n"
    "      --db PATH               vulnerability database (default:\n"
    "                              $XDG_CACHE_HOME/vigil/vulndb.sqlite)\n"
    "  -o, --output FORMAT[=FILE]  write FORMAT to FILE (default: standard output);\n"
    "                              may be given several times. FORMAT is one of\n"
    "                              table (default), json, sarif, cyclonedx-json\n"
    "      --fail-on LEVEL         exit with status 5 when a finding is at or above\n"
    "                              LEVEL: unknown (any finding), low, medium, high,\n"
    "                              critical, or kev (any finding in the CISA KEV\n"
    "                              catalog)\n"
    "      --distro ID[:VERSION]   match OS packages as this distribution release\n"
    "                              (debian:12, alpine:3.20, almalinux:9), whatever\n"
    "                              the target says\n"
    "      --allow-unchecked       exit 0, not 3, when components could not be\n"
    "                              checked (they are still listed as such)\n"
    "      --include-distro-managed\n"
    "                              also report upstream advisories about language\n"
    "                              packages installed by OS packages (marked)\n"
    "      --only-fixed, --ignore-unfixed\n"
    "                              leave out findings without a fixed version\n"
    "      --severity LIST         report only these levels (comma-separated:\n"
    "                              unknown, low, medium, high, critical)\n"
    "      --vex FILE              apply the OpenVEX or CycloneDX VEX statements of\n"
    "                              FILE: not_affected and fixed suppress findings;\n"
    "                              may be given several times\n"
    "      --ignore FILE           suppress the findings named by the expiring\n"
    "                              exceptions of FILE (docs/ignore.md)\n"
    "      --show-suppressed       list suppressed findings in the table too\n"
    "      --max-db-age DURATION   warn when the newest data of an ecosystem the\n"
    "                              scan used is older (default 3d; DURATION is N\n"
    "                              with s, m, h or d)\n"
    "      --platform OS/ARCH[/VARIANT]\n"
    "                              image to pick from a multi-platform OCI index\n"
    "      --exclude GLOB          leave out the paths that match GLOB, relative to\n"
    "                              the target's root (./out, /etc, **/node_modules);\n"
    "                              may be given several times; see vigil-sbom(1)\n"
    "      --attest KEY            also sign each cyclonedx-json report written to a\n"
    "                              file into FILE.sigstore.json (see vigil-attest(1))\n"
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n"
    "\n"
    "exit status: 0 no gate failed; 1 failed, nothing written; 2 usage error;\n"
    "3 written, but parts of the target could not be read or components could\n"
    "not be checked; 5 --fail-on met.\n";

/* The gate: -1 none; a vg_severity; or VG_SEVERITY_CRITICAL + 1 for kev. */
#define FAIL_ON_KEV (VG_SEVERITY_CRITICAL + 1)

static int parse_fail_on(const char *s)
{
    if (strcasecmp(s, "kev") == 0)
        return FAIL_ON_KEV;
    return cli_parse_level(s, strlen(s));
}

/* --severity critical,high -> a vg_findings_filter severity mask; 0 on error. */
static unsigned parse_severities(const char *s)
{
    unsigned mask = 0;
    while (*s) {
        size_t len = strcspn(s, ",");
        int level = cli_parse_level(s, len);
        if (level < 0)
            return 0;
        mask |= 1u << level;
        if (level == VG_SEVERITY_LOW)
            mask |= 1u << VG_SEVERITY_NONE; /* CVSS 0.0 shows with low */
        s += len;
        if (*s == ',')
            s++;
    }
    return mask;
}

/* --distro ID[:VERSION] ("debian:12", "alpine:3.20", "wolfi") into os.
 * 0, or -1 when it is not of that shape. */
static int parse_distro(char *arg, vg_os *os)
{
    char *colon = strchr(arg, ':');
    if (colon)
        *colon = '\0';
    if (!*arg || (colon && !colon[1]))
        return -1;
    for (char *p = arg; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
            return -1;
        *p = (char)tolower((unsigned char)*p);
    }
    *os = (vg_os){.id = arg, .version_id = colon ? colon + 1 : NULL};
    return 0;
}

/* Number of findings (not suppressed) that meet the gate. */
static size_t gate_hits(const vg_findings *f, int gate)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const vg_finding *x = &f->items[i];
        if (x->suppressed)
            continue;
        if (gate == FAIL_ON_KEV ? x->kev != NULL : (int)x->severity >= gate)
            n++;
    }
    return n;
}

static void age_text(int64_t s, char *out, size_t n)
{
    if (s >= 86400)
        snprintf(out, n, "%lld days", (long long)(s / 86400));
    else if (s >= 3600)
        snprintf(out, n, "%lld hours", (long long)(s / 3600));
    else
        snprintf(out, n, "%lld minutes", (long long)(s / 60));
}

/* Warns about the age of the data this scan used, per ecosystem: the
 * newest data of each (vg_coverage.data_time), the stalest ecosystem
 * deciding.  An ecosystem whose feed has ended (an end-of-life release:
 * other releases of its feed have newer data) is as fresh as the database
 * (db_age, the stalest live source), and is named once. */
static void warn_data_age(const vg_findings *f, int64_t now, int64_t db_age, int64_t max_age, const char *db_path)
{
    int64_t stalest = -1;
    const char *eco = NULL, *ended = NULL;
    int64_t ended_time = 0;
    for (size_t i = 0; i < f->ncoverage; i++) {
        const vg_coverage *c = &f->coverage[i];
        if (!vg_coverage_is_checked(c->status) || !c->data_time)
            continue;
        if (c->data_ended) {
            if (!ended) {
                ended = c->ecosystem;
                ended_time = c->data_time;
            }
            if (db_age > stalest) {
                stalest = db_age;
                eco = NULL;
            }
        } else if (now - c->data_time > stalest) {
            stalest = now - c->data_time;
            eco = c->ecosystem;
        }
    }
    char hint[4200];
    vg_vulndb_update_command(db_path, 0, hint, sizeof hint);
    if (stalest > max_age) {
        char a[64], m[64];
        age_text(stalest, a, sizeof a);
        age_text(max_age, m, sizeof m);
        if (eco)
            fprintf(stderr, "vigil: warning: %s: the newest %s data is %s old (limit %s): run %s\n", db_path, eco, a,
                    m, hint);
        else
            fprintf(stderr, "vigil: warning: %s: the vulnerability data is %s old (limit %s): run %s\n", db_path, a,
                    m, hint);
    }
    if (ended) {
        char day[16];
        time_t t = (time_t)ended_time;
        struct tm tm;
        strftime(day, sizeof day, "%Y-%m-%d", gmtime_r(&t, &tm));
        fprintf(stderr,
                "vigil: warning: %s: no data since %s while newer releases have some: the release may be "
                "end of life\n",
                ended, day);
    }
}

/* Reads an SBOM from standard input ("-") into inv. */
static int read_stdin_sbom(vg_ctx *ctx, vg_inventory *inv)
{
    vg_buf in;
    int rc = attest_cli_read_file(ctx, "-", VG_SBOM_MAX_DOCUMENT, &in);
    if (rc == VG_OK)
        rc = vg_sbom_read(ctx, "(standard input)", in.data ? in.data : "", in.len, inv);
    vg_buf_free(&in);
    return rc;
}

/* 1 when target is a regular file that starts like JSON: an SBOM, not an
 * image or root filesystem archive (those are never JSON).  A file named
 * *.json counts too, so that a broken SBOM gets the SBOM reader's message. */
int cli_is_sbom_file(const char *target)
{
    struct stat st;
    if (stat(target, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    size_t n = strlen(target);
    if (n > 5 && strcmp(target + n - 5, ".json") == 0)
        return 1;
    FILE *f = fopen(target, "rb");
    if (!f)
        return 0;
    char head[512];
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    return vg_sbom_sniff(head, got);
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},
        {"output", required_argument, NULL, 'o'},
        {"fail-on", required_argument, NULL, 'F'},
        {"vex", required_argument, NULL, 'V'},
        {"show-suppressed", no_argument, NULL, 'S'},
        {"ignore", required_argument, NULL, 'I'},
        {"max-db-age", required_argument, NULL, 'M'},
        {"platform", required_argument, NULL, 'P'},
        {"attest", required_argument, NULL, 'A'},
        {"distro", required_argument, NULL, 'd'},
        {"allow-unchecked", no_argument, NULL, 'U'},
        {"include-distro-managed", no_argument, NULL, 'i'},
        {"only-fixed", no_argument, NULL, 'f'},
        {"ignore-unfixed", no_argument, NULL, 'f'},
        {"severity", required_argument, NULL, 's'},
        {"exclude", required_argument, NULL, 'X'},
        {"quiet", no_argument, NULL, 'q'},
        CLI_REGISTRY_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_output outputs[SCAN_MAX_OUTPUTS];
    size_t noutputs = 0;
    const char *db_path = NULL, *attest_key = NULL;
    const char *vex_paths[SCAN_MAX_INPUTS], *ignore_paths[SCAN_MAX_INPUTS];
    size_t nvex = 0, nignore = 0;
    int gate = -1, quiet = 0, show_suppressed = 0, allow_unchecked = 0, c;
    int64_t max_age = VG_VULNDB_MAX_AGE_DEFAULT;
    vg_scan_options sopts = {0};
    vg_registry_options regopts = {0};
    vg_os distro;
    vg_match_options mopts = {0};
    vg_findings_filter filter = {0};
    const char *excludes[CLI_MAX_EXCLUDES];

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db_path = optarg;
            break;
        case 'o': {
            const char *file = cli_output_cut(optarg);
            vg_report_format f = vg_report_format_from_name(optarg);
            if (!f) {
                cli_error("unknown output format '%s' (table, json, sarif, cyclonedx-json)", optarg);
                return EXIT_USAGE;
            }
            if (cli_output_add(outputs, &noutputs, SCAN_MAX_OUTPUTS, optarg, f, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'F':
            gate = parse_fail_on(optarg);
            if (gate < 0) {
                cli_error("--fail-on %s: expected unknown, low, medium, high, critical or kev", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'd':
            if (parse_distro(optarg, &distro) != 0) {
                cli_error("--distro %s: expected ID or ID:VERSION, e.g. debian:12, alpine:3.20", optarg);
                return EXIT_USAGE;
            }
            mopts.distro = &distro;
            break;
        case 'U':
            allow_unchecked = 1;
            break;
        case 'i':
            mopts.include_distro_managed = 1;
            break;
        case 'f':
            filter.only_fixed = 1;
            break;
        case 's':
            filter.severities = parse_severities(optarg);
            if (!filter.severities) {
                cli_error("--severity %s: expected a comma-separated list of unknown, low, medium, high, critical",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'V':
        case 'I':
            if ((c == 'V' ? nvex : nignore) == SCAN_MAX_INPUTS) {
                cli_error("at most %d --%s files", SCAN_MAX_INPUTS, c == 'V' ? "vex" : "ignore");
                return EXIT_USAGE;
            }
            if (c == 'V')
                vex_paths[nvex++] = optarg;
            else
                ignore_paths[nignore++] = optarg;
            break;
        case 'S':
            show_suppressed = 1;
            break;
        case 'M':
            max_age = cli_parse_duration(optarg);
            if (max_age < 0) {
                cli_error("--max-db-age %s: not a duration (e.g. 36h, 3d)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'P':
            sopts.platform = optarg;
            break;
        case 'A':
            attest_key = optarg;
            break;
        case 'X':
            if (cli_exclude_add(&sopts, excludes, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'q':
            quiet = 1;
            break;
        CLI_REGISTRY_CASES(regopts);
        case 'h':
            fputs(scan_usage, stdout);
            return EXIT_OK;
        default:
            fputs(scan_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(optind == argc ? "scan: no target given" : "scan: only one target at a time");
        fputs(scan_usage, stderr);
        return EXIT_USAGE;
    }
    cli_registry_finish(&regopts, quiet);
    sopts.registry = &regopts;
    if (noutputs == 0)
        outputs[noutputs++] = (cli_output){VG_REPORT_TABLE, NULL};
    if (attest_key) {
        int any = 0;
        for (size_t i = 0; i < noutputs; i++)
            any |= outputs[i].format == VG_REPORT_CYCLONEDX_JSON && outputs[i].path;
        if (!any) {
            cli_error("--attest: write a cyclonedx-json report to a file (-o cyclonedx-json=FILE); "
                      "its attestation goes beside it");
            return EXIT_USAGE;
        }
    }
    vg_report_options ropts = {.tool_version = vg_version(), .show_suppressed = show_suppressed};
    if (cli_document_time(&ropts.timestamp) != 0)
        return EXIT_USAGE;

    vg_ctx ctx, vex_ctx; /* vex_ctx: VEX and ignore files, whose warnings
                            must not mark the inventory incomplete */
    vg_ctx_init(&ctx);
    vg_ctx_init(&vex_ctx);
    vg_buf default_db;
    vg_buf_init(&default_db, 4096);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_findings findings;
    vg_findings_init(&findings);
    vg_vex vex;
    vg_vex_init(&vex);
    vg_ignore ignore;
    vg_ignore_init(&ignore);
    vg_vulndb *db = NULL;
    vg_key *key = NULL;
    vg_buf docs[SCAN_MAX_OUTPUTS], bundles[SCAN_MAX_OUTPUTS];
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_init(&docs[i], SCAN_MAX_DOCUMENT);
        vg_buf_init(&bundles[i], VG_ATTEST_MAX_DOCUMENT);
    }
    int status = EXIT_OK, rc;

    if (!db_path) {
        if (vg_vulndb_default_path(&ctx, &default_db) != VG_OK) {
            cli_error("%s; give the database with --db PATH", ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
        db_path = default_db.data;
    }
    /* The database and the key first: a missing database must not cost a scan. */
    if ((rc = vg_vulndb_open(&ctx, db_path, &db)) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    if (attest_key && attest_cli_load_private_key(&ctx, attest_key, &key) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    /* VEX and ignore files before the scan too: a typo must not cost one. */
    for (size_t i = 0; i < nvex; i++) {
        if (vg_vex_read_file(&vex_ctx, &vex, vex_paths[i]) != VG_OK) {
            cli_error("--vex: %s", vex_ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    for (size_t i = 0; i < nignore; i++) {
        if (vg_ignore_read_file(&vex_ctx, &ignore, ignore_paths[i]) != VG_OK) {
            cli_error("--ignore: %s", vex_ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    int64_t age = 0;
    if (vg_vulndb_age(&ctx, db, time(NULL), &age) != VG_OK) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    ropts.db_fetched_at = (int64_t)time(NULL) - age;

    const char *target = argv[optind];
    rc = strcmp(target, "-") == 0       ? read_stdin_sbom(&ctx, &inv)
         : cli_is_sbom_file(target) ? vg_sbom_read_file(&ctx, target, &inv)
                                     : vg_scan(&ctx, target, &sopts, &inv);
    if (rc) {
        if (!quiet)
            cli_print_warnings(&ctx);
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
        goto out;
    }
    rc = vg_match(&ctx, db, &inv, &mopts, &findings);
    if (rc == VG_OK && (rc = vg_vex_apply(&vex_ctx, &vex, &inv, &findings)) != VG_OK)
        snprintf(ctx.message, sizeof ctx.message, "%s", vex_ctx.message);
    if (rc == VG_OK && (rc = vg_ignore_apply(&vex_ctx, &ignore, (int64_t)time(NULL), &findings)) != VG_OK)
        snprintf(ctx.message, sizeof ctx.message, "%s", vex_ctx.message);
    if (!quiet) {
        cli_print_warnings(&ctx);
        cli_print_warnings(&vex_ctx);
    }
    if (rc) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
        goto out;
    }
    vg_findings_filter_apply(&findings, &filter);
    if (!quiet)
        warn_data_age(&findings, (int64_t)time(NULL), age, max_age, db_path);
    /* Every document is made before any is written: all or nothing. */
    for (size_t i = 0; i < noutputs; i++) {
        /* A table on the terminal fits it and colours severities; in a
         * file it is plain. */
        ropts.width = outputs[i].path ? 0 : cli_terminal_width();
        ropts.colour = outputs[i].path ? 0 : cli_colour();
        rc = vg_report_write(&ctx, outputs[i].format, &inv, &findings, &ropts, &docs[i]);
        if (rc) {
            cli_error("%s: %s", vg_report_format_name(outputs[i].format), ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
    }
    if (key) {
        vg_attest_subject subject;
        if (cli_target_subject(&ctx, &inv, &subject) != VG_OK) {
            cli_error("--attest: %s", ctx.message);
            status = EXIT_FAILURE_;
            goto out;
        }
        for (size_t i = 0; i < noutputs; i++) {
            if (outputs[i].format != VG_REPORT_CYCLONEDX_JSON || !outputs[i].path)
                continue;
            if (vg_attest_bundle(&ctx, key, "cyclonedx", docs[i].data, docs[i].len, &subject, 1, VG_ATTEST_BUNDLE,
                                 &bundles[i]) != VG_OK) {
                cli_error("--attest: %s", ctx.message);
                status = EXIT_FAILURE_;
                goto out;
            }
        }
    }
    if (cli_write_documents(outputs, docs, bundles, noutputs) != 0) {
        status = EXIT_FAILURE_;
        goto out;
    }
    if (inv.incomplete) {
        size_t n = vg_warning_count(&ctx);
        cli_error("the scan is incomplete: %zu warning%s%s", n, n == 1 ? "" : "s",
                  quiet ? " (run without -q to see them)" : " above");
        status = EXIT_INCOMPLETE;
    }
    /* Nothing looked at is never "no vulnerabilities". */
    if (inv.ncomponents == 0) {
        cli_error("%s: no components found: nothing was checked", target);
        status = EXIT_INCOMPLETE;
    } else if (findings.components_unchecked && !allow_unchecked) {
        cli_error("%zu of %zu components could not be checked (see the report); --allow-unchecked accepts that",
                  findings.components_unchecked, inv.ncomponents);
        status = EXIT_INCOMPLETE;
    }
    /* A failed gate outranks incompleteness: CI must stop either way. */
    if (gate >= 0) {
        size_t hits = gate_hits(&findings, gate);
        if (hits) {
            cli_error("--fail-on %s: %zu finding%s at or above the threshold",
                      gate == FAIL_ON_KEV ? "kev" : vg_severity_name((vg_severity)gate), hits, hits == 1 ? "" : "s");
            status = EXIT_POLICY;
        }
    }
out:
    for (size_t i = 0; i < noutputs; i++) {
        vg_buf_free(&docs[i]);
        vg_buf_free(&bundles[i]);
    }
    vg_key_free(key);
    vg_vulndb_close(db);
    vg_findings_free(&findings);
    vg_ignore_free(&ignore);
    vg_vex_free(&vex);
    vg_inventory_free(&inv);
    vg_buf_free(&default_db);
    vg_ctx_free(&vex_ctx);
    vg_ctx_free(&ctx);
    return status;
}
