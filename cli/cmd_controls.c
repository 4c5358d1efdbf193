/*
 * cmd_controls.c — `vigil controls`: the control catalogue's requirement
 * tree (NIS2 Art. 21, the 2024/2690 annex, CRA Annex I) and, with
 * --coverage, which rules of which packs evidence each requirement, so that
 * the uncovered ones show.  The library makes the document
 * (vg_catalogue_report()); this file parses options and prints it as a
 * table or JSON (schema docs/controls.schema.json).  Documented in
 * docs/vigil-controls.1 and docs/controls.md.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/policy.h"

#define CONTROLS_MAX_OUTPUTS 2
#define CONTROLS_MAX_PACKS 64

enum { OUT_TABLE = 1, OUT_JSON };

static const char controls_usage[] =
    "usage: vigil controls [--framework nis2|ir2024-2690|cra]... [--coverage PACK|DIR]...\n"
    "                      [-o table|json[=FILE]]...\n"
    "\n"
    "The control catalogue: the requirements of NIS2 Art. 21(2) and 21(3), the\n"
    "annex of Implementing Regulation (EU) 2024/2690 and CRA Annex I, as a tree\n"
    "with each one's reference and a short title.  With --coverage, the rules\n"
    "of the packs that evidence each requirement, and how many numbered\n"
    "requirements (the tree's leaves) are covered.\n"
    "\n"
    "options:\n"
    "      --framework NAME        only this framework's requirements (repeatable)\n"
    "      --coverage PACK|DIR     count the rules of a built-in pack (nis2, cra,\n"
    "                              hardening, licences) or of a pack directory\n"
    "                              (a name with '/'; repeatable)\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json; repeatable, one each\n"
    "  -h, --help                  show this help\n"
    "\n"
    "The catalogue is DIR/catalogue.json and a built-in pack DIR/PACK, DIR\n"
    "being $VIGIL_POLICY_DIR when set, else the built-in data directory.\n"
    "Here DIR is:\n"
    "  %s\n"
    "\n"
    "exit status: 0 done; 1 failed (the catalogue or a pack cannot be read, a\n"
    "rule names a requirement the catalogue does not have); 2 usage error.\n";

/* Bytes of the first max characters of the UTF-8 string s (all of it when
 * it is no longer). */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if ((s[i] & 0xc0) != 0x80 && chars++ == max)
            break;
    return i;
}

/* "a, b, c" of the strings of a into buf. */
static void join(const json_t *a, vg_buf *buf)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v) vg_buf_addf(buf, "%s%s", i ? ", " : "", json_string_value(v));
}

/* The coverage cell of requirement e: "yes"/"NO" for a numbered
 * requirement, "covered/leaves" for a parent. */
static const char *cover_cell(const json_t *e, char *buf, size_t size)
{
    const json_t *covered = json_object_get(e, "covered");
    if (covered)
        return json_is_true(covered) ? "yes" : "NO";
    snprintf(buf, size, "%lld/%lld", (long long)json_integer_value(json_object_get(e, "covered_leaves")),
             (long long)json_integer_value(json_object_get(e, "leaves")));
    return buf;
}

static void print_controls(const json_t *doc, FILE *f)
{
    const json_t *reqs = json_object_get(doc, "requirements"), *summary = json_object_get(doc, "summary");
    int coverage = json_object_get(doc, "rules") != NULL;
    size_t idw = strlen("REQUIREMENT"), refw = strlen("REF"), i;
    const json_t *e;
    json_array_foreach(reqs, i, e) {
        size_t w = 2 * (size_t)json_integer_value(json_object_get(e, "depth")) + strlen(cli_json_text(e, "id"));
        idw = w > idw ? w : idw;
        w = strlen(cli_json_text(e, "ref"));
        refw = w > refw ? w : refw;
    }
    /* The title takes what the terminal has left (no limit when piped). */
    int width = cli_terminal_width();
    size_t title_at = (coverage ? 7 : 0) + idw + 2 + refw + 2;
    size_t title_max = width > 0 && (size_t)width > title_at + 10 ? (size_t)width - title_at : 0;
    if (coverage)
        fprintf(f, "%-7s", "COVER");
    fprintf(f, "%-*s  %-*s  %s\n", (int)idw, "REQUIREMENT", (int)refw, "REF", "TITLE");
    json_array_foreach(reqs, i, e) {
        char cell[48];
        int indent = 2 * (int)json_integer_value(json_object_get(e, "depth"));
        const char *title = cli_json_text(e, "title");
        size_t cut = title_max ? utf8_prefix(title, title_max - 3) : strlen(title);
        if (coverage)
            fprintf(f, "%-7s", cover_cell(e, cell, sizeof cell));
        fprintf(f, "%*s%-*s  %-*s  %.*s%s\n", indent, "", (int)idw - indent, cli_json_text(e, "id"), (int)refw,
                cli_json_text(e, "ref"), (int)cut, title, title[cut] ? "..." : "");
        const json_t *rules = json_object_get(e, "rules"), *via = json_object_get(e, "via_annex");
        if (json_array_size(rules) + json_array_size(via) == 0)
            continue;
        vg_buf line;
        vg_buf_init(&line, 1 << 20);
        if (json_array_size(rules)) {
            vg_buf_addstr(&line, "rules: ");
            join(rules, &line);
        }
        if (json_array_size(via)) {
            vg_buf_addstr(&line, json_array_size(rules) ? "; through the annex: " : "through the annex: ");
            join(via, &line);
        }
        fprintf(f, "%*s%s\n", (int)title_at, "", line.data ? line.data : "");
        vg_buf_free(&line);
    }
    const json_t *per = json_object_get(summary, "frameworks");
    fputc('\n', f);
    if (coverage) {
        fprintf(f, "%lld of %lld numbered requirements covered (",
                (long long)json_integer_value(json_object_get(summary, "covered")),
                (long long)json_integer_value(json_object_get(summary, "leaves")));
        const char *name;
        const json_t *counts;
        int first = 1;
        json_object_foreach((json_t *)per, name, counts) {
            fprintf(f, "%s%s %lld of %lld", first ? "" : ", ", name,
                    (long long)json_integer_value(json_object_get(counts, "covered")),
                    (long long)json_integer_value(json_object_get(counts, "leaves")));
            first = 0;
        }
        fprintf(f, ") by %zu rules\n", json_array_size(json_object_get(doc, "rules")));
    }
    const json_t *cat = json_object_get(doc, "catalogue");
    fprintf(f, "catalogue %s (%s): %lld requirements, %lld of them numbered\n", cli_json_text(cat, "version"),
            cli_json_text(cat, "path"), (long long)json_integer_value(json_object_get(summary, "requirements")),
            (long long)json_integer_value(json_object_get(summary, "leaves")));
    json_array_foreach(json_object_get(doc, "sources"), i, e)
        fprintf(f, "  %-12s %s, CELEX %s, %s\n", cli_json_text(e, "framework"), cli_json_text(e, "title"),
                cli_json_text(e, "celex"), cli_json_text(e, "oj"));
}

/* Loads the packs with the engine's loader (vg_policy_add_pack(), which
 * compiles each rule file and checks its declaration): *rules the
 * declarations (borrowed from *policy), *pack_list {name, path, rules} per
 * pack.  The caller frees all three, also on error. */
static int read_packs(vg_ctx *ctx, const char *const *packs, size_t npacks, vg_policy **policy, json_t **rules,
                      json_t **pack_list)
{
    int rc = vg_policy_new(ctx, NULL, policy);
    if (rc == VG_OK && (!(*rules = json_array()) || !(*pack_list = json_array())))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == VG_OK && i < npacks; i++) {
        size_t before = vg_policy_rule_count(*policy);
        if ((rc = vg_policy_add_pack(ctx, *policy, packs[i])))
            break;
        size_t after = vg_policy_rule_count(*policy);
        for (size_t k = before; rc == VG_OK && k < after; k++)
            if (json_array_append(*rules, (json_t *)vg_policy_rule_declaration(*policy, k)))
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        /* The pack's name and directory, as its last rule's declaration has them. */
        const json_t *last = vg_policy_rule_declaration(*policy, after - 1);
        const char *file = json_string_value(json_object_get(last, "file"));
        const char *slash = file ? strrchr(file, '/') : NULL;
        json_t *entry = json_pack("{sOss#sI}", "name", json_object_get(last, "pack"), "path", file ? file : "",
                                  slash ? (size_t)(slash - file) : 0, "rules", (json_int_t)(after - before));
        if (rc == VG_OK && json_array_append_new(*pack_list, entry))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    return rc;
}

/* The document as the text of one output format. */
static int render(const json_t *doc, int format, char **text, size_t *len)
{
    if (format == OUT_JSON) {
        *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        if (!*text)
            return -1;
        *len = strlen(*text);
        (*text)[*len] = '\n'; /* replaces the NUL: written with its length */
        (*len)++;
        return 0;
    }
    *text = NULL;
    FILE *f = open_memstream(text, len);
    if (!f)
        return -1;
    print_controls(doc, f);
    return fclose(f) != 0 ? -1 : 0;
}

int cmd_controls(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"framework", required_argument, NULL, 'F'},
        {"coverage", required_argument, NULL, 'C'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *frameworks[8], *packs[CONTROLS_MAX_PACKS];
    size_t nframeworks = 0, npacks = 0, noutputs = 0;
    cli_output outputs[CONTROLS_MAX_OUTPUTS];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'F': {
            size_t k = 0;
            while (vg_catalogue_frameworks[k] && strcmp(vg_catalogue_frameworks[k], optarg) != 0)
                k++;
            if (!vg_catalogue_frameworks[k]) {
                cli_error("--framework %s: expected nis2, ir2024-2690 or cra", optarg);
                return EXIT_USAGE;
            }
            if (nframeworks < sizeof frameworks / sizeof *frameworks)
                frameworks[nframeworks++] = optarg;
            break;
        }
        case 'C':
            if (npacks == CONTROLS_MAX_PACKS) {
                cli_error("at most %d --coverage packs", CONTROLS_MAX_PACKS);
                return EXIT_USAGE;
            }
            packs[npacks++] = optarg;
            break;
        case 'o': {
            const char *file = cli_output_cut(optarg);
            int format = strcmp(optarg, "table") == 0 ? OUT_TABLE : strcmp(optarg, "json") == 0 ? OUT_JSON : 0;
            if (!format) {
                cli_error("unknown output format '%s' (table, json)", optarg);
                return EXIT_USAGE;
            }
            if (cli_output_add(outputs, &noutputs, CONTROLS_MAX_OUTPUTS, optarg, format, file) != 0)
                return EXIT_USAGE;
            break;
        }
        case 'h':
            printf(controls_usage, vg_policy_data_dir());
            return EXIT_OK;
        default:
            fprintf(stderr, controls_usage, vg_policy_data_dir());
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("controls takes no arguments ('%s')", argv[optind]);
        return EXIT_USAGE;
    }
    if (noutputs == 0)
        outputs[noutputs++] = (cli_output){OUT_TABLE, NULL};

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_catalogue *cat = NULL;
    vg_policy *policy = NULL;
    json_t *rules = NULL, *pack_list = NULL, *doc = NULL;
    int rc = vg_catalogue_load(&ctx, NULL, &cat);
    if (rc == VG_OK && npacks)
        rc = read_packs(&ctx, packs, npacks, &policy, &rules, &pack_list);
    if (rc == VG_OK)
        rc = vg_catalogue_report(&ctx, cat, frameworks, nframeworks, rules, &doc);
    if (rc == VG_OK && npacks && json_object_set(doc, "packs", pack_list))
        rc = vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    int status = EXIT_OK;
    if (rc) {
        cli_error("%s", ctx.message);
        status = cli_exit_status(rc);
    } else {
        char *texts[CONTROLS_MAX_OUTPUTS] = {NULL};
        cli_write_item items[CONTROLS_MAX_OUTPUTS];
        for (size_t i = 0; i < noutputs && status == EXIT_OK; i++) {
            items[i] = (cli_write_item){outputs[i].path, NULL, 0};
            if (render(doc, outputs[i].format, &texts[i], &items[i].len) != 0) {
                cli_error("out of memory");
                status = EXIT_FAILURE_;
            }
            items[i].data = texts[i];
        }
        if (status == EXIT_OK && cli_write_files(items, noutputs) != 0)
            status = EXIT_FAILURE_;
        for (size_t i = 0; i < noutputs; i++)
            free(texts[i]);
    }
    json_decref(doc);
    json_decref(rules);
    json_decref(pack_list);
    vg_policy_free(policy);
    vg_catalogue_free(cat);
    vg_ctx_free(&ctx);
    return status;
}
