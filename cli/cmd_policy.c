/*
 * cmd_policy.c — `vigil policy eval|test|rules`: runs packs of rules over
 * evidence and gates on the results (vg_policy_evaluate(), docs/policy.md),
 * runs the rules' own tests (vg_policy_test_case()), and lists the rules a
 * set of packs holds.  Documented in docs/vigil-policy.1.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/digest.h"
#include "vigil/json.h"
#include "vigil/policy.h"
#include "vigil/store.h"
#include "vigil/policy_report.h"
#include "vigil/yaml.h"

#define POLICY_MAX_INPUTS 256  /* --pack, --rule, --evidence, --key */
#define POLICY_MAX_OUTPUTS 8
#define POLICY_MAX_CONFIG (4u * 1024 * 1024) /* bytes of vigil-policy.yaml, waivers, a baseline, a test file */
#define POLICY_MAX_EVIDENCE (512u * 1024 * 1024) /* bytes of one evidence document */

enum policy_format { POLICY_TABLE = 1, POLICY_JSON, POLICY_SARIF, POLICY_JUNIT, POLICY_PACK };

static const char policy_usage[] =
    "usage: vigil policy eval [--pack NAME|DIR]... [--rule FILE]... [--evidence [KIND=]PATH]...\n"
    "                         [options]\n"
    "       vigil policy test DIR|FILE... [--pack NAME|DIR]... [--data DIR] [--key PUB]...\n"
    "       vigil policy evidence [--evidence [KIND=]PATH]... [--key PUB]... [--store URL]\n"
    "       vigil policy rules [--pack NAME|DIR]... [--rule FILE]... [-o table|json]\n"
    "\n"
    "eval runs the rules of the packs over the evidence documents and reports,\n"
    "per rule and resource, pass, fail, not_applicable, skip (evidence missing)\n"
    "or error, mapped to the NIS2, Implementing Regulation (EU) 2024/2690 and\n"
    "CRA requirements the rules cite.  test runs the rules' test cases.\n"
    "\n"
    "options of eval:\n"
    "      --pack NAME|DIR      a built-in pack (nis2, cra, hardening, licences)\n"
    "                           or a directory of rule files; repeatable\n"
    "      --rule FILE          one rule file; repeatable\n"
    "      --config FILE        policy configuration (default: ./vigil-policy.yaml\n"
    "                           when it exists): packs, parameters, rules\n"
    "      --evidence [KIND=]PATH  an evidence file or directory; repeatable\n"
    "      --key FILE           public key that signed attestation evidence\n"
    "      --store [URL]        add the inventory's assets and findings\n"
    "      --scope NAME         keep the run in the store (--store's, else\n"
    "                           $VIGIL_STORE's, else the default) under NAME;\n"
    "                           see vigil policy history\n"
    "      --waivers FILE       exceptions with an owner and an expiry date\n"
    "      --baseline FILE      a previous `-o json` result: mark each result\n"
    "                           new, unchanged, updated or absent\n"
    "      --fail-on SEVERITY   exit 5 on a fail at or above SEVERITY (info,\n"
    "                           low, medium, high, critical; default info)\n"
    "      --fail-on-new        with --baseline: exit 5 only for new fails\n"
    "      --now TIME           the run's time (RFC 3339; default now, or\n"
    "                           SOURCE_DATE_EPOCH)\n"
    "      --max-memory BYTES   per-rule memory limit (default 64 MiB)\n"
    "      --max-instructions N per-rule instruction limit per call\n"
    "  -j, --jobs N             rules run at once (default: one per processor)\n"
    "  -o, --output FORMAT[=FILE]  table (default), json, sarif, junit, or\n"
    "                           evidence-pack=DIR|FILE.zip; repeatable\n"
    "      --attest KEY         sign the evidence pack (in-toto statement of\n"
    "                           its files, Sigstore bundle)\n"
    "  -q, --quiet              no summary on standard error\n"
    "\n"
    "exit status: 0 every result passes, is not applicable or is waived;\n"
    "5 a fail at or above --fail-on; 3 a selected rule could not check\n"
    "(evidence missing); 1 a rule failed or the run failed; 2 usage error.\n";

/* Reads a configuration, waiver, baseline or test file: JSON, or YAML. */
static int read_document(vg_ctx *ctx, const char *path, const char *what, json_t **out)
{
    vg_buf buf;
    int rc = attest_cli_read_file(ctx, path, POLICY_MAX_CONFIG, &buf);
    if (rc)
        return rc;
    rc = vg_yaml_read(ctx, path, buf.data ? buf.data : "", buf.len, out);
    vg_buf_free(&buf);
    if (rc) {
        char message[sizeof ctx->message];
        snprintf(message, sizeof message, "%s", ctx->message);
        vg_error(ctx, rc, "%s (reading the %s)", message, what);
    }
    return rc;
}

static int add_packs(vg_ctx *ctx, vg_policy *p, char **packs, size_t npacks, char **rules, size_t nrules,
                     const json_t *config)
{
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < npacks; i++)
        rc = vg_policy_add_pack(ctx, p, packs[i]);
    for (size_t i = 0; rc == VG_OK && i < nrules; i++)
        rc = vg_policy_add_rule(ctx, p, rules[i], NULL);
    /* Without --pack or --rule, the configuration's packs. */
    const json_t *list = json_object_get(config, "packs");
    size_t i;
    json_t *v;
    if (rc == VG_OK && npacks == 0 && nrules == 0) {
        if (list && !json_is_array(list))
            return vg_error(ctx, VG_ERR_USAGE, "policy configuration: packs must be a list of pack names or "
                            "directories");
        json_array_foreach(list, i, v) {
            if (!json_is_string(v))
                return vg_error(ctx, VG_ERR_USAGE, "policy configuration: packs[%zu] is not a string", i);
            if ((rc = vg_policy_add_pack(ctx, p, json_string_value(v))))
                return rc;
        }
    }
    if (rc == VG_OK && vg_policy_rule_count(p) == 0)
        rc = vg_error(ctx, VG_ERR_USAGE, "no rules: give --pack or --rule, or packs in vigil-policy.yaml");
    return rc;
}

typedef struct test_loader {
    const char *base; /* directory evidence paths are relative to */
    const char *const *keys; /* --key of policy test */
    size_t nkeys;
    int64_t now;
} test_loader;

/* The evidence of a run: the files and directories of specs, typed and
 * verified with the keys (vg_policy_evidence_add()), and with use_store
 * the inventory of the store (given, $VIGIL_STORE or the default). */
static int cli_policy_load_evidence(vg_ctx *ctx, char **specs, size_t n, const char *const *keys, size_t nkeys,
                                    int use_store, const char *store_url, int64_t now, vg_policy_evidence **out)
{
    vg_policy_evidence *ev = NULL;
    vg_policy_evidence_options eo = {.keys = keys, .nkeys = nkeys, .now = now};
    int rc = vg_policy_evidence_new(ctx, &eo, &ev);
    for (size_t i = 0; rc == VG_OK && i < n; i++)
        rc = vg_policy_evidence_add(ctx, ev, specs[i]);
    if (rc == VG_OK && use_store) {
        vg_buf scratch;
        const char *url = cli_store_url(store_url, &scratch);
        struct vg_store *store = NULL;
        if (!url)
            rc = vg_error(ctx, VG_ERR_USAGE, "--store: no store (give its URL or set VIGIL_STORE)");
        else if ((rc = vg_store_open(ctx, url, VG_STORE_READONLY, &store)) == VG_OK)
            rc = vg_policy_evidence_add_store(ctx, ev, store, url);
        vg_store_close(store);
        vg_buf_free(&scratch);
    }
    if (rc != VG_OK) {
        vg_policy_evidence_free(ev);
        return rc;
    }
    *out = ev;
    return VG_OK;
}

/* Loading the evidence on a thread of its own while the rules compile
 * (policy_eval with more than one job): neither reads what the other
 * makes, and a run's largest evidence takes as long to read as 300 rules
 * take to compile. */
typedef struct evidence_load {
    vg_ctx ctx;
    char **specs;
    size_t n;
    const char *const *keys;
    size_t nkeys;
    int use_store;
    const char *store_url;
    int64_t now;
    vg_policy_evidence *ev;
    int rc;
} evidence_load;

static void *evidence_load_run(void *arg)
{
    evidence_load *l = arg;
    l->rc = cli_policy_load_evidence(&l->ctx, l->specs, l->n, l->keys, l->nkeys, l->use_store, l->store_url, l->now,
                                     &l->ev);
    return NULL;
}

/* Joins the loading (when started), and hands its result and warnings to
 * ctx, after those already there; rc is the compilation's. */
static int evidence_load_join(vg_ctx *ctx, evidence_load *l, pthread_t *thread, int rc, vg_policy_evidence **ev)
{
    if (thread)
        pthread_join(*thread, NULL);
    else if (rc == VG_OK)
        evidence_load_run(l);
    for (size_t i = 0; i < l->ctx.nwarnings; i++)
        vg_warn(ctx, l->ctx.warnings[i].path, "%s", l->ctx.warnings[i].message);
    if (rc == VG_OK && l->rc != VG_OK) {
        snprintf(ctx->message, sizeof ctx->message, "%s", l->ctx.message);
        rc = l->rc;
    }
    if (rc == VG_OK)
        *ev = l->ev;
    else
        vg_policy_evidence_free(l->ev);
    vg_ctx_free(&l->ctx);
    return rc;
}

/* An evidence file of a test case: "path" (relative to the loader's base)
 * read as `--evidence KIND=PATH` would be, verified with the test's keys;
 * one document, whose id is that of the case's entry. */
static int cli_policy_test_loader(vg_ctx *ctx, void *arg, const json_t *entry, const char *where, size_t n,
                                  json_t **doc)
{
    const test_loader *l = arg;
    const char *path = json_string_value(json_object_get(entry, "path"));
    const char *kind = json_string_value(json_object_get(entry, "kind"));
    if (!path || !kind)
        return vg_error(ctx, VG_ERR_USAGE, "%s: an evidence file needs kind and path", where);
    char spec[4200];
    if ((size_t)snprintf(spec, sizeof spec, "%s=%s%s%s", kind, path[0] == '/' ? "" : l->base,
                         path[0] == '/' ? "" : "/", path) >= sizeof spec)
        return vg_error(ctx, VG_ERR_USAGE, "%s: path too long", where);
    vg_policy_evidence *ev = NULL;
    vg_policy_evidence_options eo = {.keys = l->keys, .nkeys = l->nkeys, .now = l->now};
    int rc = vg_policy_evidence_new(ctx, &eo, &ev);
    if (rc == VG_OK)
        rc = vg_policy_evidence_add(ctx, ev, spec);
    const json_t *docs = rc == VG_OK ? vg_policy_evidence_documents(ev) : NULL;
    if (rc == VG_OK && json_array_size(docs) != 1)
        rc = vg_error(ctx, VG_ERR_USAGE, "%s: %s holds %zu documents; a test's evidence entry is one file", where,
                      path, json_array_size(docs));
    char id[32];
    snprintf(id, sizeof id, "e%zu", n);
    if (rc == VG_OK && (!(*doc = json_deep_copy(json_array_get(docs, 0))) ||
                        json_object_set_new(*doc, "id", json_string(id)) ||
                        json_object_set_new(*doc, "data", vg_jval_to_json(vg_policy_evidence_data(ev, 0)))))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_policy_evidence_free(ev);
    return rc;
}

/* The evidence pack of the run: the documents' content goes with those
 * that have no file to copy (the inventory of a store). */
static int write_pack(const json_t *doc, const vg_policy_evidence *ev, const char *path, const char *key)
{
    json_t *docs = ev ? cli_policy_documents(ev, CLI_DATA_NO_FILE) : NULL;
    if (ev && !docs) {
        cli_error("out of memory");
        return -1;
    }
    int rc = cli_policy_write_pack(doc, docs, path, key);
    json_decref(docs);
    return rc;
}

/* ---- the table --------------------------------------------------------------------- */

static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void print_requirement(const json_t *r, FILE *f)
{
    fprintf(f, "  %-24s %-12s", text_of(r, "id"), text_of(r, "status"));
    size_t j, n = 0;
    json_t *id;
    json_array_foreach(json_object_get(r, "rules"), j, id) fprintf(f, "%s%s", n++ ? ", " : " ", json_string_value(id));
    json_array_foreach(json_object_get(r, "manual"), j, id) fprintf(f, "%smanual %s", n++ ? ", " : " ",
                                                                     json_string_value(id));
    json_array_foreach(json_object_get(r, "manual_expired"), j, id) fprintf(f, "%smanual %s (not counted)",
                                                                             n++ ? ", " : " ", json_string_value(id));
    fputc('\n', f);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The requirements grouped by the NIS2 Art. 21 point they serve (a
 * requirement may serve several), then those that serve none (the CRA). */
static void print_requirements(const json_t *doc, FILE *f)
{
    const json_t *points = json_object_get(json_object_get(doc, "catalogue"), "points");
    const json_t *reqs = json_object_get(doc, "requirements");
    size_t n = json_object_size(points), k = 0, i;
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    const char *key;
    json_t *v, *r;
    if (!ids)
        return;
    json_object_foreach((json_t *)points, key, v) ids[k++] = key;
    qsort(ids, n, sizeof *ids, by_key);
    for (k = 0; k < n; k++) {
        const json_t *pt = json_object_get(points, ids[k]);
        fprintf(f, "\nNIS2 %s  %s\n", text_of(pt, "ref"), text_of(pt, "title"));
        json_array_foreach(json_object_get(doc, "requirements"), i, r) {
            size_t j;
            json_t *id;
            json_array_foreach(json_object_get(r, "nis2"), j, id) if (strcmp(json_string_value(id), ids[k]) == 0)
                print_requirement(r, f);
        }
    }
    int header = 0;
    json_array_foreach((json_t *)reqs, i, r) {
        if (json_array_size(json_object_get(r, "nis2")))
            continue;
        if (!header++)
            fprintf(f, "\nNot mapped to NIS2 Art. 21 (CRA, or not in the catalogue)\n");
        print_requirement(r, f);
    }
    free(ids);
}

static void print_table(const json_t *doc, FILE *f)
{
    int colour = f == stdout && cli_colour();
    size_t i;
    json_t *r;
    fprintf(f, "%-28s %-8s %-14s %-40s %s\n", "RULE", "SEVERITY", "STATUS", "RESOURCE", "DETAIL");
    json_array_foreach(json_object_get(doc, "results"), i, r) {
        const char *status = text_of(r, "status");
        const char *mark = !strcmp(status, "fail") ? "\033[31m" : !strcmp(status, "pass") ? "\033[32m" : "\033[33m";
        char shown[64];
        snprintf(shown, sizeof shown, "%s%s", status, json_object_get(r, "waiver") ? " (waived)" : "");
        const char *detail = json_is_string(json_object_get(r, "message")) ? text_of(r, "message") : text_of(r, "reason");
        fprintf(f, "%-28s %-8s %s%-14s%s %-40s %s", text_of(r, "rule"), text_of(r, "severity"), colour ? mark : "",
                shown, colour ? "\033[0m" : "", text_of(r, "resource"), detail);
        if (json_object_get(r, "waiver_expired"))
            fprintf(f, " [waiver expired %s]", text_of(json_object_get(r, "waiver_expired"), "expires"));
        if (json_is_string(json_object_get(r, "baseline")))
            fprintf(f, " [%s]", text_of(r, "baseline"));
        fputc('\n', f);
    }
    print_requirements(doc, f);
}

static void print_summary(const json_t *doc)
{
    const json_t *s = json_object_get(doc, "summary");
    size_t i, pass = 0, n = 0;
    json_t *r;
    json_array_foreach(json_object_get(doc, "requirements"), i, r) {
        n++;
        pass += strcmp(text_of(r, "status"), "pass") == 0;
    }
    fprintf(stderr, "%lld pass, %lld fail, %lld not applicable, %lld skip, %lld error (%lld waived); %zu of %zu "
            "requirements pass\n",
            (long long)json_integer_value(json_object_get(s, "pass")),
            (long long)json_integer_value(json_object_get(s, "fail")),
            (long long)json_integer_value(json_object_get(s, "not_applicable")),
            (long long)json_integer_value(json_object_get(s, "skip")),
            (long long)json_integer_value(json_object_get(s, "error")),
            (long long)json_integer_value(json_object_get(s, "waived")), pass, n);
}

/* The exit status the results call for (usage above). */
static int results_exit(const json_t *doc, int fail_on, int fail_on_new)
{
    size_t i;
    json_t *r;
    int fail = 0, skip = 0, error = 0;
    json_array_foreach(json_object_get(doc, "results"), i, r) {
        const char *status = text_of(r, "status");
        int waived = json_object_get(r, "waiver") != NULL;
        if (!strcmp(status, "error"))
            error = 1;
        else if (!strcmp(status, "fail") && !waived && vg_policy_severity_rank(text_of(r, "severity")) >= fail_on &&
                 (!fail_on_new || !strcmp(text_of(r, "baseline"), "new") || !strcmp(text_of(r, "baseline"), "updated")))
            fail = 1;
        else if (!strcmp(status, "skip") && !waived)
            skip = 1;
    }
    return error ? EXIT_FAILURE_ : fail ? EXIT_POLICY : skip ? EXIT_INCOMPLETE : EXIT_OK;
}

static int write_outputs(const json_t *doc, const cli_output *outputs, size_t n)
{
    vg_buf docs[POLICY_MAX_OUTPUTS], none[POLICY_MAX_OUTPUTS];
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        vg_buf_init(&docs[i], SIZE_MAX / 2);
        vg_buf_init(&none[i], 0);
        char *text = NULL;
        size_t len = 0;
        if (outputs[i].format == POLICY_JSON) {
            if (vg_json_dump(doc, JSON_INDENT(2) | JSON_SORT_KEYS, &docs[i]) || vg_buf_add(&docs[i], "\n", 1)) {
                cli_error("out of memory writing the results");
                rc = -1;
            }
            continue;
        } else if (outputs[i].format == POLICY_SARIF || outputs[i].format == POLICY_JUNIT) {
            if (cli_policy_report(doc, outputs[i].format == POLICY_SARIF, &docs[i]))
                rc = -1;
            continue;
        } else {
            FILE *f = open_memstream(&text, &len);
            if (f) {
                print_table(doc, f);
                fclose(f);
            }
        }
        if (!text || vg_buf_add(&docs[i], text, len)) {
            cli_error("out of memory writing the results");
            rc = -1;
        }
        free(text);
    }
    if (rc == 0)
        rc = cli_write_documents(outputs, docs, none, n);
    for (size_t i = 0; i < n; i++) {
        vg_buf_free(&docs[i]);
        vg_buf_free(&none[i]);
    }
    return rc;
}

/* ---- eval ------------------------------------------------------------------------- */

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int policy_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'},       {"rule", required_argument, NULL, 'r'},
        {"config", required_argument, NULL, 'c'},     {"evidence", required_argument, NULL, 'e'},
        {"key", required_argument, NULL, 'k'},        {"store", optional_argument, NULL, 'S'},
        {"waivers", required_argument, NULL, 'w'},    {"baseline", required_argument, NULL, 'b'},
        {"fail-on", required_argument, NULL, 'F'},    {"fail-on-new", no_argument, NULL, 'N'},
        {"now", required_argument, NULL, 't'},        {"max-memory", required_argument, NULL, 'M'},
        {"max-instructions", required_argument, NULL, 'I'}, {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},       {"scope", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},            {"help", no_argument, NULL, 'h'},
        {"attest", required_argument, NULL, 'A'},     {NULL, 0, NULL, 0},
    };
    char *packs[POLICY_MAX_INPUTS], *rules[POLICY_MAX_INPUTS], *evidence[POLICY_MAX_INPUTS], *keys[POLICY_MAX_INPUTS];
    size_t npacks = 0, nrules = 0, nevidence = 0, nkeys = 0, noutputs = 0;
    cli_output outputs[POLICY_MAX_OUTPUTS];
    const char *config_path = NULL, *waivers_path = NULL, *baseline_path = NULL, *now_text = NULL, *store = NULL;
    const char *attest_key = NULL, *pack_path = NULL, *scope = NULL;
    int use_store = 0, fail_on = 0, fail_on_new = 0, quiet = 0, c;
    vg_policy_limits limits;
    vg_policy_limits_default(&limits);
    optind = 1;
    unsigned jobs = 0;
    while ((c = getopt_long(argc, argv, "o:qj:h", longopts, NULL)) != -1) {
        char **list = c == 'p' ? packs : c == 'r' ? rules : c == 'e' ? evidence : c == 'k' ? keys : NULL;
        size_t *count = c == 'p' ? &npacks : c == 'r' ? &nrules : c == 'e' ? &nevidence : c == 'k' ? &nkeys : NULL;
        uint64_t v;
        if (list) {
            if (*count == POLICY_MAX_INPUTS) {
                cli_error("at most %d of each of --pack, --rule, --evidence, --key", POLICY_MAX_INPUTS);
                return EXIT_USAGE;
            }
            list[(*count)++] = optarg;
            continue;
        }
        switch (c) {
        case 'c': config_path = optarg; break;
        case 'S': use_store = 1; store = optarg; break;
        case 'w': waivers_path = optarg; break;
        case 'b': baseline_path = optarg; break;
        case 'N': fail_on_new = 1; break;
        case 't': now_text = optarg; break;
        case 'q': quiet = 1; break;
        case 'A': attest_key = optarg; break;
        case 's':
            if (cli_policy_scope_ok(optarg))
                return EXIT_USAGE;
            scope = optarg;
            break;
        case 'F':
            if ((fail_on = vg_policy_severity_rank(optarg)) < 0) {
                cli_error("--fail-on %s: expected info, low, medium, high or critical", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            if (parse_size(optarg, &v) || v > VG_POLICY_MAX_JOBS) {
                cli_error("--jobs %s: expected a number from 1 to %d", optarg, VG_POLICY_MAX_JOBS);
                return EXIT_USAGE;
            }
            jobs = (unsigned)v;
            break;
        case 'M':
        case 'I':
            if (parse_size(optarg, &v) || (c == 'M' && v > SIZE_MAX)) {
                cli_error("--%s %s: expected a positive whole number", c == 'M' ? "max-memory" : "max-instructions",
                          optarg);
                return EXIT_USAGE;
            }
            if (c == 'M')
                limits.memory = (size_t)v;
            else
                limits.instructions = v;
            break;
        case 'o': {
            const char *file = cli_output_cut(optarg);
            int f = !strcmp(optarg, "table")           ? POLICY_TABLE
                    : !strcmp(optarg, "json")          ? POLICY_JSON
                    : !strcmp(optarg, "sarif")         ? POLICY_SARIF
                    : !strcmp(optarg, "junit")         ? POLICY_JUNIT
                    : !strcmp(optarg, "evidence-pack") ? POLICY_PACK
                                                       : 0;
            if (!f) {
                cli_error("unknown output format '%s' (table, json, sarif, junit, evidence-pack)", optarg);
                return EXIT_USAGE;
            }
            if (f == POLICY_PACK) {
                if (cli_policy_pack_option(file, pack_path) != 0)
                    return EXIT_USAGE;
                pack_path = file;
                break;
            }
            if (cli_output_add(outputs, &noutputs, POLICY_MAX_OUTPUTS, optarg, f, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'h': fputs(policy_usage, stdout); return EXIT_OK;
        default: fputs(policy_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("policy eval: unexpected argument '%s' (evidence is given with --evidence)", argv[optind]);
        return EXIT_USAGE;
    }
    if (fail_on_new && !baseline_path) {
        cli_error("--fail-on-new needs --baseline (the results it compares with)");
        return EXIT_USAGE;
    }
    if (attest_key && !pack_path) {
        cli_error("--attest signs the evidence pack: give -o evidence-pack=DIR or -o evidence-pack=FILE.zip");
        return EXIT_USAGE;
    }
    if (noutputs == 0 && !pack_path)
        outputs[noutputs++] = (cli_output){POLICY_TABLE, NULL};
    vg_policy_run_options ro = {.tool_version = VIGIL_VERSION, .jobs = jobs, .last = 1};
    if (now_text ? vg_policy_parse_time(now_text, &ro.now) != 0 : cli_document_time(&ro.now) != 0) {
        if (now_text)
            cli_error("--now %s: not a time (RFC 3339, e.g. 2026-12-03T10:00:00Z, or a date)", now_text);
        return EXIT_USAGE;
    }
    if (!config_path && access("vigil-policy.yaml", F_OK) == 0)
        config_path = "vigil-policy.yaml";

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy *p = NULL;
    json_t *config = NULL, *waivers = NULL, *baseline = NULL, *doc = NULL;
    vg_policy_evidence *ev = NULL;
    int rc = vg_policy_new(&ctx, &limits, &p);
    if (rc == VG_OK && config_path)
        rc = read_document(&ctx, config_path, "policy configuration", &config);
    if (rc == VG_OK && waivers_path && (rc = read_document(&ctx, waivers_path, "waivers", &waivers)) == VG_OK &&
        json_is_object(waivers)) {
        json_t *list = json_incref(json_object_get(waivers, "waivers"));
        json_decref(waivers);
        waivers = list ? list : json_null();
    }
    if (rc == VG_OK && baseline_path)
        rc = read_document(&ctx, baseline_path, "baseline", &baseline);
    if (rc == VG_OK) {
        evidence_load load = {.specs = evidence, .n = nevidence, .keys = (const char *const *)keys, .nkeys = nkeys,
                              .use_store = use_store, .store_url = store, .now = ro.now};
        vg_ctx_init(&load.ctx);
        pthread_t thread;
        int threaded = jobs != 1 && pthread_create(&thread, NULL, evidence_load_run, &load) == 0;
        rc = add_packs(&ctx, p, packs, npacks, rules, nrules, config);
        rc = evidence_load_join(&ctx, &load, threaded ? &thread : NULL, rc, &ev);
    }
    if (rc == VG_OK) {
        ro.config = config;
        ro.config_path = config_path;
        ro.waivers = waivers;
        ro.waivers_path = waivers_path;
        ro.baseline = baseline;
        ro.baseline_path = baseline_path;
        rc = vg_policy_evaluate(&ctx, p, ev, &ro, &doc);
    }
    int status;
    if (rc != VG_OK) {
        cli_print_warnings(&ctx);
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else {
        cli_print_warnings(&ctx);
        status = (pack_path && write_pack(doc, ev, pack_path, attest_key)) || write_outputs(doc, outputs, noutputs)
                     ? EXIT_FAILURE_
                     : results_exit(doc, fail_on, fail_on_new);
        if (!quiet && isatty(STDERR_FILENO))
            print_summary(doc);
        if (scope && status != EXIT_FAILURE_ && status != EXIT_USAGE)
            status = cli_policy_keep(store, scope, doc, status);
    }
    /* The process ends with this command.  The results document (hundreds
     * of thousands of small jansson values), the evidence and the rules'
     * Lua states are left to the kernel, which takes them back at once,
     * instead of freeing them one by one: a tenth of a 300-rule run
     * (bench/README.md, "Policy engine").  The sanitizer builds free
     * everything, so that the leak checker still sees whatever the library
     * would not free itself. */
    if (CLI_FREE_AT_EXIT) {
        json_decref(doc);
        vg_policy_evidence_free(ev);
        vg_policy_free(p);
    }
    json_decref(config);
    json_decref(waivers);
    json_decref(baseline);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- test ------------------------------------------------------------------------- */


/* The test files of a pack: the .yaml, .yml and .json files in DIR/tests, in name order. */
static int pack_tests(const char *dir, char ***files, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests", dir);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || !dot || (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
            continue;
        char **more = *n < POLICY_MAX_INPUTS ? realloc(*files, (*n + 1) * sizeof **files) : NULL;
        char *file = malloc(strlen(path) + strlen(e->d_name) + 2);
        if (!more || !file) {
            free(file);
            if (more)
                *files = more;
            cli_error("%s: too many test files (at most %d)", path, POLICY_MAX_INPUTS);
            rc = -1;
            break;
        }
        sprintf(file, "%s/%s", path, e->d_name);
        *files = more;
        (*files)[(*n)++] = file;
    }
    closedir(d);
    return rc;
}

static void print_test(const json_t *report, int verbose)
{
    int passed = json_is_true(json_object_get(report, "passed"));
    if (passed && !verbose)
        return;
    printf("%s  %s: %s\n", passed ? "PASS" : "FAIL", text_of(report, "where"), text_of(report, "name"));
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(report, "failures"), i, line) printf("      %s\n", json_string_value(line));
}

static int policy_test(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'}, {"data", required_argument, NULL, 'd'},
        {"verbose", no_argument, NULL, 'v'},    {"fail-uncovered", no_argument, NULL, 'U'},
        {"output", required_argument, NULL, 'o'}, {"key", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    char *packs[POLICY_MAX_INPUTS];
    const char *keys[VG_POLICY_EVIDENCE_MAX_KEYS];
    size_t npacks = 0, nkeys = 0;
    const char *data = NULL, *json_out = NULL;
    int verbose = 0, fail_uncovered = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (npacks == POLICY_MAX_INPUTS) {
                cli_error("at most %d --pack", POLICY_MAX_INPUTS);
                return EXIT_USAGE;
            }
            packs[npacks++] = optarg;
            break;
        case 'd': data = optarg; break;
        case 'k':
            if (nkeys == VG_POLICY_EVIDENCE_MAX_KEYS) {
                cli_error("at most %d --key", VG_POLICY_EVIDENCE_MAX_KEYS);
                return EXIT_USAGE;
            }
            keys[nkeys++] = optarg;
            break;
        case 'v': verbose = 1; break;
        case 'U': fail_uncovered = 1; break;
        case 'o': {
            const char *file = cli_output_cut(optarg);
            if (strcmp(optarg, "json") != 0) {
                cli_error("policy test -o %s: the only file format is json (the report is on standard output)",
                          optarg);
                return EXIT_USAGE;
            }
            json_out = file ? file : "-";
            break;
        }
        case 'h': fputs(policy_usage, stdout); return EXIT_OK;
        default: fputs(policy_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        cli_error("policy test: name a pack directory (its tests/ are run) or test files");
        return EXIT_USAGE;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy *p = NULL;
    char **files = NULL;
    size_t nfiles = 0;
    int rc = vg_policy_new(&ctx, NULL, &p), status = EXIT_OK;
    for (size_t i = 0; rc == VG_OK && i < npacks; i++)
        rc = vg_policy_add_pack(&ctx, p, packs[i]);
    for (int i = optind; rc == VG_OK && i < argc && status == EXIT_OK; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            rc = vg_error(&ctx, VG_ERR_NOT_FOUND, "%s: no such pack directory or test file", argv[i]);
        } else if (S_ISDIR(st.st_mode)) {
            size_t before = nfiles;
            /* A directory named without '/' is a directory here, not a
             * built-in pack. */
            char dir[4096];
            snprintf(dir, sizeof dir, "%s%s", strchr(argv[i], '/') ? "" : "./", argv[i]);
            rc = vg_policy_add_pack(&ctx, p, dir);
            if (rc == VG_OK && pack_tests(argv[i], &files, &nfiles))
                status = EXIT_FAILURE_;
            if (rc == VG_OK && status == EXIT_OK && nfiles == before)
                rc = vg_error(&ctx, VG_ERR_USAGE, "%s: the pack has no tests (files tests/*.yaml)", argv[i]);
        } else {
            char **more = realloc(files, (nfiles + 1) * sizeof *files);
            char *copy = strdup(argv[i]);
            if (!more || !copy) {
                free(copy);
                if (more)
                    files = more;
                rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
            } else {
                files = more;
                files[nfiles++] = copy;
            }
        }
    }
    if (rc == VG_OK && status == EXIT_OK && vg_policy_rule_count(p) == 0)
        rc = vg_error(&ctx, VG_ERR_USAGE, "policy test: no rules (name a pack directory, or give --pack)");
    qsort(files, nfiles, sizeof *files, by_key);
    json_t *reports = json_array(), *covered = json_object();
    size_t passed = 0, failed = 0;
    for (size_t f = 0; rc == VG_OK && status == EXIT_OK && f < nfiles; f++) {
        json_t *doc = NULL;
        if ((rc = read_document(&ctx, files[f], "test file", &doc)))
            break;
        json_t *cases = json_is_object(doc) ? json_object_get(doc, "tests") : doc;
        if (!json_is_array(cases) || json_array_size(cases) == 0) {
            rc = vg_error(&ctx, VG_ERR_USAGE, "%s: no test cases (a list under \"tests\")", files[f]);
            json_decref(doc);
            break;
        }
        char base[4096];
        snprintf(base, sizeof base, "%s", data ? data : files[f]);
        if (!data) {
            char *slash = strrchr(base, '/');
            if (slash)
                *slash = '\0';
            else
                strcpy(base, ".");
        }
        test_loader loader = {base, keys, nkeys, 0};
        vg_policy_test_options to = {cli_policy_test_loader, &loader, VIGIL_VERSION};
        size_t i;
        json_t *tc;
        json_array_foreach(cases, i, tc) {
            char where[600];
            snprintf(where, sizeof where, "%s: test %zu", files[f], i + 1);
            json_t *report;
            if ((rc = vg_policy_test_case(&ctx, p, tc, where, &to, &report)))
                break;
            print_test(report, verbose);
            if (json_is_true(json_object_get(report, "passed")))
                passed++;
            else
                failed++;
            size_t j;
            json_t *e;
            json_array_foreach(json_object_get(tc, "expect"), j, e)
                json_object_set(covered, text_of(e, "rule"), json_true());
            json_array_append_new(reports, report);
        }
        json_decref(doc);
    }
    size_t uncovered = 0;
    for (size_t i = 0; rc == VG_OK && status == EXIT_OK && i < vg_policy_rule_count(p); i++) {
        const char *id = text_of(vg_policy_rule_declaration(p, i), "id");
        if (!json_object_get(covered, id)) {
            fprintf(stderr, "vigil: rule %s (%s) has no test case\n", id,
                    text_of(vg_policy_rule_declaration(p, i), "file"));
            uncovered++;
        }
    }
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else if (status == EXIT_OK) {
        printf("%zu passed, %zu failed; %zu of %zu rules without a test case\n", passed, failed, uncovered,
               vg_policy_rule_count(p));
        if (json_out) {
            json_t *out = json_pack("{sOsIsIsI}", "tests", reports, "passed", (json_int_t)passed, "failed",
                                    (json_int_t)failed, "uncovered", (json_int_t)uncovered);
            char *text = out ? json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
            if (!text || cli_write_output(strcmp(json_out, "-") ? json_out : NULL, text, strlen(text)))
                status = EXIT_FAILURE_;
            free(text);
            json_decref(out);
        }
        if (status == EXIT_OK && (failed || (fail_uncovered && uncovered)))
            status = EXIT_POLICY;
    }
    json_decref(reports);
    json_decref(covered);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    vg_policy_free(p);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- rules ------------------------------------------------------------------------ */

static int policy_rules(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'}, {"rule", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *packs[POLICY_MAX_INPUTS], *rules[POLICY_MAX_INPUTS];
    size_t npacks = 0, nrules = 0;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
        case 'r':
            if ((c == 'p' ? npacks : nrules) == POLICY_MAX_INPUTS) {
                cli_error("at most %d --pack and --rule", POLICY_MAX_INPUTS);
                return EXIT_USAGE;
            }
            if (c == 'p')
                packs[npacks++] = optarg;
            else
                rules[nrules++] = optarg;
            break;
        case 'o':
            if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
                cli_error("policy rules -o %s: expected table or json", optarg);
                return EXIT_USAGE;
            }
            json = strcmp(optarg, "json") == 0;
            break;
        case 'h': fputs(policy_usage, stdout); return EXIT_OK;
        default: fputs(policy_usage, stderr); return EXIT_USAGE;
        }
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy *p = NULL;
    int rc = vg_policy_new(&ctx, NULL, &p);
    if (rc == VG_OK)
        rc = add_packs(&ctx, p, packs, npacks, rules, nrules, NULL);
    if (rc != VG_OK) {
        cli_error("%s", ctx.message);
        vg_policy_free(p);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < vg_policy_rule_count(p); i++) {
        const json_t *d = vg_policy_rule_declaration(p, i);
        if (json) {
            json_array_append(list, (json_t *)d);
            continue;
        }
        printf("%-28s %-8s %-10s %s\n", text_of(d, "id"), text_of(d, "severity"), text_of(d, "pack"),
               text_of(d, "title"));
        size_t j;
        json_t *req;
        printf("%-28s %-8s %-10s", "", "", "");
        json_array_foreach(json_object_get(d, "requirements"), j, req) printf(" %s", json_string_value(req));
        printf("\n");
    }
    int status = EXIT_OK;
    if (json) {
        char *text = json_dumps(list, JSON_INDENT(2));
        if (!text || printf("%s\n", text) < 0)
            status = EXIT_FAILURE_;
        free(text);
    }
    json_decref(list);
    vg_policy_free(p);
    vg_ctx_free(&ctx);
    return status;
}

int cmd_policy(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(policy_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "eval"))
        return policy_eval(argc - 1, argv + 1);
    if (!strcmp(argv[1], "test"))
        return policy_test(argc - 1, argv + 1);
    if (!strcmp(argv[1], "rules"))
        return policy_rules(argc - 1, argv + 1);
    if (!strcmp(argv[1], "evidence"))
        return cmd_policy_evidence(argc - 1, argv + 1);
    if (!strcmp(argv[1], "history"))
        return cmd_policy_history(argc - 1, argv + 1);
    cli_error("policy: unknown subcommand '%s' (eval, test, rules, evidence, history)", argv[1]);
    return EXIT_USAGE;
}
