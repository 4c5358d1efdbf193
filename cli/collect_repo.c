/*
 * collect_repo.c — `vigil collect repo GIT_DIR [--commits N] [--timeout
 * SECONDS] [-o FILE]` and `vigil collect repo --github FILE [-o FILE]`:
 * the options of the git signature and GitHub branch protection collector
 * (vg_collect_repo(), src/collect/repo.c).  Documented in
 * docs/vigil-collect.1 and docs/collect.md, "repo".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char repo_usage[] =
    "usage: vigil collect repo GIT_DIR [--commits N] [--timeout SECONDS] [-o FILE]\n"
    "       vigil collect repo --github FILE [-o FILE]\n"
    "\n"
    "Reports whether the tags and the last N commits of HEAD of the git checkout\n"
    "or bare repository GIT_DIR are signed (OpenPGP, SSH or X.509) and whether\n"
    "the signatures verify, as `git verify-tag` and `git verify-commit` say with\n"
    "your git configuration and keys.  vigil runs git (from PATH, no shell).\n"
    "With --github, reads instead a GitHub repository's settings and its default\n"
    "branch's protection from FILE, {\"repository\": GET /repos/O/R, \"protection\":\n"
    "GET /repos/O/R/branches/BRANCH/protection or null} (docs/collect.md, \"repo\").\n"
    "\n"
    "      --github FILE      the GitHub REST API export (at most 16 MiB), not GIT_DIR\n"
    "      --commits N        count the signatures of the last N commits of HEAD,\n"
    "                         0 to 10000 (default: 20)\n"
    "      --timeout SECONDS  the longest one git command may take, 0.001 to 600\n"
    "                         (default: 60)\n"
    "  -o, --output FILE      write the document to FILE (default: standard output)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 written; 1 failed (no git repository, git cannot run, FILE is\n"
    "not the export); 2 usage error; 3 written, but a git command timed out or\n"
    "printed too much, or FILE has no \"protection\" (\"unchecked\").\n";

int cli_collect_repo(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"commits", required_argument, NULL, 'N'},
        {"timeout", required_argument, NULL, 'T'},
        {"github", required_argument, NULL, 'G'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_collect_repo_options opts = {.commits = 20, .timeout_ms = 60000};
    const char *output = NULL;
    char *end;
    long n;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'N':
            n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 0 || n > 10000) {
                cli_error("--commits %s: expected a number from 0 to 10000", optarg);
                return EXIT_USAGE;
            }
            opts.commits = (int)n;
            break;
        case 'T':
            if ((opts.timeout_ms = cli_collect_timeout(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'G': opts.github = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(repo_usage, stdout); return EXIT_OK;
        default: fputs(repo_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != (opts.github ? 0 : 1)) {
        cli_error(opts.github ? "collect repo: --github FILE takes no GIT_DIR" : "collect repo: name one GIT_DIR");
        fputs(repo_usage, stderr);
        return EXIT_USAGE;
    }
    opts.git_dir = opts.github ? NULL : argv[optind];
    if (cli_document_time(&opts.collected) != 0)
        return EXIT_FAILURE_;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_repo(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
