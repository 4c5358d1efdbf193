/*
 * collect_backup.c — `vigil collect backup --restic FILE | --borg FILE |
 * --log FILE ... [--location TEXT] [--borg-timezone ZONE] [-o FILE]`: the
 * options of the backup collector (vg_collect_backup(),
 * src/collect/backup.c).  Documented in docs/vigil-collect.1 and
 * docs/collect.md, "backup".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char backup_usage[] =
    "usage: vigil collect backup [--location TEXT] --restic FILE | [--location TEXT] --borg FILE | --log FILE\n"
    "                            ... [--borg-timezone ZONE] [-o FILE]\n"
    "\n"
    "Reads what backup tools already wrote and reports, for every backed-up\n"
    "source, its latest snapshot and that snapshot's age, the number of snapshots\n"
    "and the span they keep; and, from restore-test logs, each source's last\n"
    "successful restore test and the failures since.  Nothing is executed and no\n"
    "repository is opened; passwords in a location (user:password@) are removed.\n"
    "\n"
    "      --restic FILE        the output of `restic snapshots --json`\n"
    "      --borg FILE          the output of `borg list --json REPO`\n"
    "      --log FILE           a restore-test log, one JSON object a line (docs/collect.md)\n"
    "      --location TEXT      the repository of the next --restic or --borg (restic's\n"
    "                           output does not name it; borg's own is used otherwise)\n"
    "      --borg-timezone ZONE how borg's times without a zone are read: UTC, +HH:MM,\n"
    "                           -HH:MM or local (this machine's zone); without it such\n"
    "                           a time is refused (borg 1.2 writes local time)\n"
    "  -o, --output FILE        write the document to FILE (default: standard output)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Each of --restic, --borg and --log may be given several times (at most 64 files).\n"
    "exit status: 0 written; 1 failed (a file that cannot be read, is malformed or too\n"
    "large), nothing written; 2 usage error, or a zone-less time without --borg-timezone.\n";

int cli_collect_backup(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"restic", required_argument, NULL, 'R'},  {"borg", required_argument, NULL, 'B'},
        {"log", required_argument, NULL, 'L'},     {"location", required_argument, NULL, 'l'},
        {"borg-timezone", required_argument, NULL, 'Z'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    vg_backup_input inputs[VG_BACKUP_MAX_INPUTS];
    vg_collect_backup_options opts = {.inputs = inputs};
    const char *output = NULL, *location = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'R':
        case 'B':
        case 'L':
            if (opts.ninputs == VG_BACKUP_MAX_INPUTS) {
                cli_error("collect backup: more than %d files", VG_BACKUP_MAX_INPUTS);
                return EXIT_USAGE;
            }
            if (c == 'L' && location) {
                cli_error("collect backup: --location names the repository of a --restic or --borg, not of --log");
                return EXIT_USAGE;
            }
            inputs[opts.ninputs++] = (vg_backup_input){
                .kind = c == 'R' ? VG_BACKUP_RESTIC : c == 'B' ? VG_BACKUP_BORG : VG_BACKUP_LOG,
                .path = optarg,
                .location = location,
            };
            location = NULL;
            break;
        case 'l': location = optarg; break;
        case 'Z': opts.borg_timezone = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(backup_usage, stdout); return EXIT_OK;
        default: fputs(backup_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || opts.ninputs == 0 || location) {
        cli_error(location ? "collect backup: --location %s is not followed by --restic or --borg"
                  : optind != argc ? "collect backup: unexpected argument %s"
                                   : "collect backup: name at least one --restic, --borg or --log file%s",
                  location ? location : optind != argc ? argv[optind] : "");
        fputs(backup_usage, stderr);
        return EXIT_USAGE;
    }
    if (cli_document_time(&opts.collected) != 0)
        return EXIT_FAILURE_;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_backup(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
