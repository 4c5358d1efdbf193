/*
 * cmd_supplier.c — `vigil supplier SUBCOMMAND`: the supplier register
 * (docs/supplier-risk.md; vigil-supplier(1)).  This file holds the table
 * of subcommands and the register's own: add, import, list, show, remove.
 * The records are checked by the library (vg_supplier_record_check(),
 * vg_supplier_import_parse()) and kept in the store of `vigil inventory`
 * (vg_store_supplier_*); this file parses the command line and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "vigil/store.h"
#include "vigil/supplier.h"

#define MAX_IMPORT_FILE ((size_t)256 << 20)

/* ---- output ------------------------------------------------------------------ */

static void print_list(const json_t *records, FILE *f)
{
    fprintf(f, "%-32s %-9s %-11s %-14s %s\n", "NAME", "SUPPLIES", "CRITICALITY", "ASSESSMENT DUE", "RULES");
    size_t i;
    const json_t *r;
    json_array_foreach(records, i, r) {
        const char *due = json_string_value(json_object_get(json_object_get(r, "assessment"), "next_due"));
        fprintf(f, "%-32s %-9s %-11s %-14s %zu\n", cli_json_text(r, "name"), cli_json_text(r, "supplies"),
                cli_json_text(r, "criticality"), due ? due : "-", json_array_size(json_object_get(r, "rules")));
    }
}

/* A scalar as YAML-like text: strings as they are, continuation lines of
 * a multi-line string indented under it. */
static void print_scalar(const json_t *v, int indent, FILE *f)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        while (n && s[n - 1] == '\n') /* a final line break: the line's own */
            n--;
        for (size_t i = 0; i < n; i++) {
            fputc(s[i], f);
            if (s[i] == '\n')
                fprintf(f, "%*s", indent + 2, "");
        }
    } else if (json_is_integer(v)) {
        fprintf(f, "%lld", (long long)json_integer_value(v));
    } else {
        fputs(json_is_true(v) ? "true" : "false", f);
    }
    fputc('\n', f);
}

static void print_value(const json_t *v, int indent, FILE *f);

/* The members of object o, the first one after prefix (already written). */
static void print_members(const json_t *o, int indent, int first_inline, FILE *f)
{
    const char *k;
    const json_t *x;
    int first = 1;
    json_object_foreach((json_t *)o, k, x) {
        if (!(first && first_inline))
            fprintf(f, "%*s", indent, "");
        first = 0;
        fprintf(f, "%s:", k);
        if (json_is_object(x) || json_is_array(x)) {
            fputc('\n', f);
            print_value(x, indent + 2, f);
        } else {
            fputc(' ', f);
            print_scalar(x, indent, f);
        }
    }
}

static void print_value(const json_t *v, int indent, FILE *f)
{
    if (json_is_object(v)) {
        print_members(v, indent, 0, f);
        return;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
        fprintf(f, "%*s- ", indent, "");
        if (json_is_object(x))
            print_members(x, indent + 2, 1, f);
        else
            print_scalar(x, indent, f);
    }
}

static void print_show(const json_t *record, FILE *f)
{
    print_value(record, 0, f);
}

/* ---- common -------------------------------------------------------------------- */

static const char supplier_usage_head[] = "usage: vigil supplier SUBCOMMAND [OPTIONS]\n\nsubcommands:\n";
static const char supplier_usage_tail[] =
    "\n"
    "The supplier register (NIS2 Art. 21(2)(d) and 21(3), 2024/2690 annex 5,\n"
    "CRA Art. 13(5)), kept in the store of vigil inventory.  The record and the\n"
    "YAML and CSV import formats: docs/supplier-risk.md.\n"
    "\n"
    "options of the register's subcommands:\n"
    "      --store URL             sqlite:PATH or postgresql://... (default:\n"
    "                              $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --store-read URL        list, show: read from this store instead\n"
    "  -o, --output FORMAT[=FILE]  list, show: table (default) or json\n"
    "      --replace               add, import: replace a supplier already in the\n"
    "                              register (the whole record)\n"
    "      --format yaml|csv       import: the file's format (default: csv for a\n"
    "                              name ending in .csv, else YAML or JSON)\n"
    "  add: --supplies software|services|both --criticality low|medium|high|critical\n"
    "       [--own] [--description TEXT] [--website URL] [--security-contact EMAIL|URL]\n"
    "       [--security-txt URL] [--psirt URL] [--rule purl|name|supplier:GLOB]...\n"
    "       [--cert NAME@DATE]... [--assessed DATE --result pass|conditional|fail\n"
    "       --next-due DATE] [--clause NAME[=VALUE]]... [--end-of-support DATE]\n"
    "       [--sbom-asset NAME]... [--accept GLOB|BY|UNTIL|REASON]...\n"
    "       (DATE: YYYY-MM-DD; clauses: reference=TEXT,\n"
    "       incident_notification_hours=N, vulnerability_disclosure, fix_days=N,\n"
    "       sbom_delivery, right_to_audit, subcontractor_notification; a clause\n"
    "       without =VALUE is true, =false records it as missing)\n"
    "\n"
    "exit status: 0 done; 1 failed, nothing written (a register file with\n"
    "problems, every one listed with FILE:LINE and the key or column; a name\n"
    "already in the register; an unknown supplier; the store); 2 usage error\n"
    "(add: a value its record check refuses).\n";

static void supplier_usage(FILE *f);

static int usage_error(const char *sub, const char *message)
{
    cli_error("supplier %s: %s", sub, message);
    fprintf(stderr, "'vigil supplier --help' shows the options\n");
    return EXIT_USAGE;
}

/* Prints the problems of a register (strings) and the closing line. */
static void print_problems(const json_t *errors, const char *what)
{
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e)
        cli_error("%s", json_string_value(e));
    cli_error("%s", what);
}

/* Writes records (where[i]: where record i came from, or NULL) to the
 * store: names already there refused unless replace, each named with its
 * where.  An exit status, the messages printed. */
static int put_records(const char *url, const json_t *records, const json_t *where, int replace, const char *from)
{
    vg_store *store;
    int status = cli_store_open(url, VG_STORE_CREATE, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *have = NULL, *problems = json_array();
    int rc = problems ? VG_OK : vg_error(&ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && !replace && (rc = vg_store_supplier_list(&ctx, store, &have)) == VG_OK) {
        json_t *names = json_object();
        size_t i, found = 0;
        const json_t *r;
        json_array_foreach(have, i, r)
            json_object_set_new(names, json_string_value(json_object_get(r, "name")), json_true());
        json_array_foreach(records, i, r) {
            const char *name = json_string_value(json_object_get(r, "name"));
            if (!json_object_get(names, name))
                continue;
            if (++found <= VG_SUPPLIER_MAX_ERRORS)
                json_array_append_new(problems,
                                      json_sprintf("%s: name: '%s' is already in the register (--replace replaces it)",
                                                   where ? json_string_value(json_array_get(where, i)) : from, name));
        }
        json_decref(names);
        if (found > VG_SUPPLIER_MAX_ERRORS)
            json_array_append_new(problems, json_sprintf("and %zu more problems", found - VG_SUPPLIER_MAX_ERRORS));
        if (found) {
            char what[1200];
            snprintf(what, sizeof what, "%.1000s: nothing written (%zu suppliers already in the register)", from,
                     found);
            print_problems(problems, what);
            status = EXIT_FAILURE_;
        }
    }
    size_t added = 0, replaced = 0;
    if (rc == VG_OK && !status && (rc = vg_store_supplier_put(&ctx, store, records, replace, &added, &replaced)) ==
                                      VG_OK)
        printf("%s: %zu supplier%s added, %zu replaced in the register\n", from, added, added == 1 ? "" : "s",
               replaced);
    if (rc) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    }
    json_decref(have);
    json_decref(problems);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- add ----------------------------------------------------------------------- */

/* A string member at "A" or "A.B" of rec. */
static void set_member(json_t *rec, const char *key, json_t *value)
{
    const char *dot = strchr(key, '.');
    if (!dot) {
        json_object_set_new(rec, key, value);
        return;
    }
    char head[32];
    snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
    json_t *sub = json_object_get(rec, head);
    if (!sub)
        json_object_set_new(rec, head, sub = json_object());
    json_object_set_new(sub, dot + 1, value);
}

/* Appends value to the list key of rec. */
static void add_to(json_t *rec, const char *key, json_t *value)
{
    json_t *a = json_object_get(rec, key);
    if (!a)
        json_object_set_new(rec, key, a = json_array());
    json_array_append_new(a, value);
}

/* --clause NAME[=VALUE] into rec's contract; -1 with the message printed. */
static int clause(json_t *rec, char *arg)
{
    static const char *const bools[] = {"vulnerability_disclosure", "sbom_delivery", "right_to_audit",
                                        "subcontractor_notification", NULL};
    char *eq = strchr(arg, '=');
    const char *value = eq ? eq + 1 : NULL;
    if (eq)
        *eq = '\0';
    char key[96];
    snprintf(key, sizeof key, "contract.%.80s", arg);
    for (const char *const *b = bools; *b; b++)
        if (strcmp(arg, *b) == 0) {
            if (!value || !strcasecmp(value, "true") || !strcasecmp(value, "yes"))
                set_member(rec, key, json_true());
            else if (!strcasecmp(value, "false") || !strcasecmp(value, "no"))
                set_member(rec, key, json_false());
            else
                return usage_error("add", "--clause: a yes/no clause takes =true or =false");
            return 0;
        }
    if (strcmp(arg, "incident_notification_hours") && strcmp(arg, "fix_days") && strcmp(arg, "reference"))
        return usage_error("add", "--clause: unknown clause (reference, incident_notification_hours, "
                                  "vulnerability_disclosure, fix_days, sbom_delivery, right_to_audit, "
                                  "subcontractor_notification)");
    if (!value)
        return usage_error("add", "--clause: reference, incident_notification_hours and fix_days take =VALUE");
    if (strcmp(arg, "reference") == 0) {
        set_member(rec, key, json_string(value));
        return 0;
    }
    char *end;
    long long n = strtoll(value, &end, 10);
    if (!*value || *end || n < 0 || n > 1000000000)
        return usage_error("add", "--clause: incident_notification_hours and fix_days take a number");
    set_member(rec, key, json_integer(n));
    return 0;
}

/* --accept GLOB|BY|UNTIL|REASON, as a CSV accepted cell: a risk
 * acceptance (the reason is everything after the third '|'). */
static int acceptance(json_t *rec, const char *arg)
{
    const char *by = strchr(arg, '|'), *until = by ? strchr(by + 1, '|') : NULL;
    const char *reason = until ? strchr(until + 1, '|') : NULL;
    if (!reason || by == arg)
        return usage_error("add", "--accept takes GLOB|BY|UNTIL|REASON (pkg:npm/@acme/legacy-*|CISO|2027-06-30|why)");
    add_to(rec, "accepted", json_pack("{s:s%, s:s%, s:s%, s:s}", "component", arg, (size_t)(by - arg), "by", by + 1,
                                      (size_t)(until - by - 1), "until", until + 1, (size_t)(reason - until - 1),
                                      "reason", reason + 1));
    return EXIT_OK;
}

static int supplier_add(int argc, char **argv)
{
    enum { O_SUPPLIES = 0x100, O_CRIT, O_OWN, O_DESC, O_WEB, O_SEC, O_SECTXT, O_PSIRT, O_RULE, O_CERT, O_ASSESSED,
           O_RESULT, O_NEXT, O_CLAUSE, O_EOS, O_ASSET, O_ACCEPT, O_REPLACE };
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"supplies", required_argument, NULL, O_SUPPLIES},
        {"criticality", required_argument, NULL, O_CRIT},
        {"own", no_argument, NULL, O_OWN},
        {"description", required_argument, NULL, O_DESC},
        {"website", required_argument, NULL, O_WEB},
        {"security-contact", required_argument, NULL, O_SEC},
        {"security-txt", required_argument, NULL, O_SECTXT},
        {"psirt", required_argument, NULL, O_PSIRT},
        {"rule", required_argument, NULL, O_RULE},
        {"cert", required_argument, NULL, O_CERT},
        {"assessed", required_argument, NULL, O_ASSESSED},
        {"result", required_argument, NULL, O_RESULT},
        {"next-due", required_argument, NULL, O_NEXT},
        {"clause", required_argument, NULL, O_CLAUSE},
        {"end-of-support", required_argument, NULL, O_EOS},
        {"sbom-asset", required_argument, NULL, O_ASSET},
        {"accept", required_argument, NULL, O_ACCEPT},
        {"replace", no_argument, NULL, O_REPLACE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *store = NULL;
    int replace = 0, c, status = EXIT_OK;
    json_t *rec = json_object();
    if (!rec) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    optind = 1;
    while (!status && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char *p;
        switch (c) {
        case 'S': store = optarg; break;
        case O_SUPPLIES: set_member(rec, "supplies", json_string(optarg)); break;
        case O_CRIT: set_member(rec, "criticality", json_string(optarg)); break;
        case O_OWN: set_member(rec, "own", json_true()); break;
        case O_DESC: set_member(rec, "description", json_string(optarg)); break;
        case O_WEB: set_member(rec, "website", json_string(optarg)); break;
        case O_SEC: set_member(rec, "contacts.security", json_string(optarg)); break;
        case O_SECTXT: set_member(rec, "contacts.security_txt", json_string(optarg)); break;
        case O_PSIRT: set_member(rec, "contacts.psirt", json_string(optarg)); break;
        case O_RULE:
            p = strchr(optarg, ':');
            if (!p || p == optarg)
                status = usage_error("add", "--rule takes KIND:GLOB (purl:pkg:npm/@acme/*, name:acme-*, "
                                            "supplier:Acme*)");
            else
                add_to(rec, "rules", json_pack("{s%:s}", optarg, (size_t)(p - optarg), p + 1));
            break;
        case O_CERT:
            p = strrchr(optarg, '@');
            if (!p || p == optarg)
                status = usage_error("add", "--cert takes NAME@YYYY-MM-DD (the date it expires)");
            else
                add_to(rec, "certifications", json_pack("{s:s%,s:s}", "name", optarg, (size_t)(p - optarg),
                                                        "expires", p + 1));
            break;
        case O_ASSESSED: set_member(rec, "assessment.date", json_string(optarg)); break;
        case O_RESULT: set_member(rec, "assessment.result", json_string(optarg)); break;
        case O_NEXT: set_member(rec, "assessment.next_due", json_string(optarg)); break;
        case O_CLAUSE: status = clause(rec, optarg) ? EXIT_USAGE : EXIT_OK; break;
        case O_EOS: set_member(rec, "contract.end_of_support", json_string(optarg)); break;
        case O_ASSET: add_to(rec, "sbom_assets", json_string(optarg)); break;
        case O_ACCEPT: status = acceptance(rec, optarg); break;
        case O_REPLACE: replace = 1; break;
        case 'h': supplier_usage(stdout); json_decref(rec); return EXIT_OK;
        default: status = EXIT_USAGE; break;
        }
    }
    if (!status && argc - optind != 1)
        status = usage_error("add", "give the supplier's NAME");
    if (!status && (!json_object_get(rec, "supplies") || !json_object_get(rec, "criticality")))
        status = usage_error("add", "--supplies and --criticality are required");
    json_t *canonical = NULL, *errors = json_array();
    if (!status) {
        set_member(rec, "name", json_string(argv[optind]));
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        int rc = vg_supplier_record_check(&ctx, rec, "add", errors, &canonical);
        if (rc == VG_ERR_FORMAT) {
            print_problems(errors, "supplier add: nothing written");
            status = EXIT_USAGE;
        } else if (rc) {
            cli_error("%s", ctx.message);
            status = EXIT_FAILURE_;
        }
        vg_ctx_free(&ctx);
    }
    if (!status) {
        json_t *one = json_pack("[O]", canonical);
        status = one ? put_records(store, one, NULL, replace, argv[optind]) : EXIT_FAILURE_;
        json_decref(one);
    }
    json_decref(canonical);
    json_decref(errors);
    json_decref(rec);
    return status;
}

/* ---- import -------------------------------------------------------------------- */

static int supplier_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"format", required_argument, NULL, 'f'},
        {"replace", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *store = NULL;
    vg_supplier_import_format format = VG_SUPPLIER_IMPORT_AUTO;
    int replace = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': store = optarg; break;
        case 'f':
            if (strcmp(optarg, "yaml") == 0 || strcmp(optarg, "json") == 0)
                format = VG_SUPPLIER_IMPORT_YAML;
            else if (strcmp(optarg, "csv") == 0)
                format = VG_SUPPLIER_IMPORT_CSV;
            else
                return usage_error("import", "--format is yaml or csv");
            break;
        case 'r': replace = 1; break;
        case 'h': supplier_usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (argc - optind != 1)
        return usage_error("import", "give one register file (YAML, JSON or CSV)");
    const char *path = argv[optind];
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf data;
    json_t *errors = json_array(), *records = NULL, *where = NULL;
    int status = EXIT_OK, rc = attest_cli_read_file(&ctx, path, MAX_IMPORT_FILE, &data);
    if (rc == VG_OK && errors)
        rc = vg_supplier_import_parse(&ctx, path, data.data ? data.data : "", data.len, format, errors, &records,
                                      &where);
    if (rc == VG_ERR_FORMAT && json_array_size(errors)) {
        char what[1200];
        snprintf(what, sizeof what, "%.1000s: nothing imported", path);
        print_problems(errors, what);
        status = EXIT_FAILURE_;
    } else if (rc) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    } else {
        status = put_records(store, records, where, replace, path);
    }
    vg_buf_free(&data);
    json_decref(errors);
    json_decref(records);
    json_decref(where);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- list, show, remove ----------------------------------------------------------- */

/* Parses the options of list, show and remove; the index of the first
 * operand in *first, or an exit status. */
static int read_options(int argc, char **argv, cli_inventory_options *o, int *first)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'},
        {"store-read", required_argument, NULL, 'R'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (cli_inventory_option(o, c, optarg))
            continue;
        if (c == 'h') {
            supplier_usage(stdout);
            return -1;
        }
        return EXIT_USAGE;
    }
    if (o->output && strcmp(o->output, "table") && strcmp(o->output, "json"))
        return usage_error(argv[0], "-o is table or json");
    *first = optind;
    return EXIT_OK;
}

static int supplier_read(int argc, char **argv)
{
    cli_inventory_options o = {0};
    int first, list = strcmp(argv[0], "list") == 0;
    int status = read_options(argc, argv, &o, &first);
    if (status)
        return status < 0 ? EXIT_OK : status;
    if (argc - first != (list ? 0 : 1))
        return usage_error(argv[0], list ? "takes no operand" : "give the supplier's NAME");
    vg_store *store;
    if ((status = cli_store_open(o.store_read ? o.store_read : o.store, VG_STORE_READONLY, &store)))
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *result = NULL;
    int rc = list ? vg_store_supplier_list(&ctx, store, &result)
                  : vg_store_supplier_get(&ctx, store, argv[first], &result);
    if (rc) {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    } else if (o.output && strcmp(o.output, "json") == 0) {
        status = cli_print_json_flags(result, JSON_INDENT(2) | JSON_ENSURE_ASCII, o.output_path);
    } else {
        status = cli_print_table(result, list ? print_list : print_show, o.output_path);
    }
    json_decref(result);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

static int supplier_remove(int argc, char **argv)
{
    cli_inventory_options o = {0};
    int first, status = read_options(argc, argv, &o, &first);
    if (status)
        return status < 0 ? EXIT_OK : status;
    if (argc - first != 1 || o.output || o.store_read)
        return usage_error("remove", "give the supplier's NAME (and only --store)");
    vg_store *store;
    if ((status = cli_store_open(o.store, 0, &store)))
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (vg_store_supplier_remove(&ctx, store, argv[first]) == VG_OK) {
        printf("%s: removed from the register\n", argv[first]);
    } else {
        cli_error("%s", ctx.message);
        status = EXIT_FAILURE_;
    }
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- the table of subcommands ------------------------------------------------------ */

/* Each subcommand's function gets argv[0] = its name.  The rows of the
 * risk part (unmapped, risk, diligence) call functions of
 * cli/cmd_supplier_risk.c, declared in cli.h. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis, *summary;
} subcommands[] = {
    {"add", supplier_add, "add NAME --supplies S --criticality C [OPTIONS]", "add one supplier"},
    {"import", supplier_import, "import FILE [--format yaml|csv] [--replace]", "add a register (YAML, JSON, CSV)"},
    {"list", supplier_read, "list [-o table|json]", "the register"},
    {"show", supplier_read, "show NAME [-o table|json]", "one supplier's record"},
    {"remove", supplier_remove, "remove NAME", "take a supplier out of the register"},
    {"unmapped", cmd_supplier_unmapped, "unmapped [--asset NAME] [-o table|json]", "components no rule attributes"},
    {"risk", cmd_supplier_risk, "risk [SUPPLIER] [--components] [--at DATE] ...", "the risk score of each supplier"},
    {"diligence", cmd_supplier_diligence, "diligence ASSET [--at DATE] [-o table|json]",
     "CRA Art. 13(5) due diligence on its third-party components"},
};

static void supplier_usage(FILE *f)
{
    fputs(supplier_usage_head, f);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(f, "  %-48s %s\n", subcommands[i].synopsis, subcommands[i].summary);
    fputs(supplier_usage_tail, f);
}

int cmd_supplier(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        supplier_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    cli_error("supplier: unknown subcommand '%s'", argv[1]);
    supplier_usage(stderr);
    return EXIT_USAGE;
}
