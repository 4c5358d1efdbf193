/*
 * collect_iac.c — `vigil collect iac [--terraform-plan FILE] [--k8s DIR]
 * [-o FILE]`: the
 * options of the infrastructure-as-code collector (vg_collect_iac(),
 * src/collect/iac.c).  Documented in docs/vigil-collect.1 and
 * docs/collect.md, "iac".
 */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"
#include "vigil/collect.h"

static const char iac_usage[] =
    "usage: vigil collect iac [--terraform-plan FILE] [--k8s DIR] [-o FILE]\n"
    "\n"
    "Reads a Terraform plan as 'terraform show -json PLANFILE > FILE' writes it and\n"
    "reports, per resource: ingress open to 0.0.0.0/0 or ::/0 and the administration\n"
    "and database ports it reaches (AWS security groups, Google Cloud firewalls,\n"
    "Azure network security rules), encryption at rest of EBS volumes and RDS\n"
    "databases, whether each S3 bucket has an encryption configuration and access\n"
    "logging, CloudTrail trails, and the drift Terraform found.  Values known only\n"
    "after apply are \"unknown\"; sensitive values are never copied.  With --k8s,\n"
    "the Kubernetes manifests of DIR and below (*.yaml, *.yml, *.json): per workload\n"
    "and container runAsNonRoot/runAsUser, privileged, allowPrivilegeEscalation,\n"
    "readOnlyRootFilesystem, added capabilities, hostPath volumes, host namespaces,\n"
    "images pinned by digest; per namespace, default-deny NetworkPolicies.\n"
    "\n"
    "      --terraform-plan FILE  the plan's JSON (at most 256 MiB)\n"
    "      --k8s DIR              a directory of Kubernetes manifests (each at most 16 MiB)\n"
    "  -o, --output FILE          write the document to FILE (default: standard output)\n"
    "  -h, --help                 show this help\n"
    "\n"
    "exit status: 0 written; 1 failed (a plan or manifest cannot be read or is malformed),\n"
    "nothing written; 2 usage error.\n";

int cli_collect_iac(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"terraform-plan", required_argument, NULL, 'P'},
        {"k8s", required_argument, NULL, 'K'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_collect_iac_options opts = {0};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': opts.terraform_plan = optarg; break;
        case 'K': opts.k8s_dir = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(iac_usage, stdout); return EXIT_OK;
        default: fputs(iac_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc != optind || (!opts.terraform_plan && !opts.k8s_dir)) {
        cli_error("collect iac: name a plan with --terraform-plan FILE or manifests with --k8s DIR, and nothing else");
        fputs(iac_usage, stderr);
        return EXIT_USAGE;
    }
    if (cli_document_time(&opts.collected) != 0)
        return EXIT_FAILURE_;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *doc = NULL;
    int rc = vg_collect_iac(&ctx, &opts, &doc);
    return cli_collect_finish(&ctx, rc, doc, output);
}
