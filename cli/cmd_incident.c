/*
 * cmd_incident.c — `vigil incident`: the incident and vulnerability
 * register with the legal clocks (docs/incidents.md; vigil-incident(1)).
 * The record lives in the store (vg_store_incident_*), the clocks, the
 * classification and the report drafts in the library (vigil/incident.h);
 * this file parses the command line and prints.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/attest.h"
#include "vigil/digest.h"
#include "vigil/incident.h"
#include "vigil/json.h"
#include "vigil/store.h"

#define MAX_SETS 64
#define MAX_FACTS_FILE ((size_t)1 << 20)

static const char incident_usage[] =
    "usage: vigil incident open --title T --aware-at TIME [--kind incident|vulnerability]\n"
    "                           [--regime nis2|cra|both] [--entity-type TYPE] [--id ID]\n"
    "                           [--finding ASSET:VULN]...\n"
    "       vigil incident update ID [--title T] [--aware-at TIME --reason R] [--entity-type TYPE]\n"
    "                           [--regime R] [--ended-at TIME] [--measure-at TIME]\n"
    "                           [--set NAME=VALUE]... [--unset NAME]... [--finding ASSET:VULN]...\n"
    "       vigil incident classify ID [--facts FILE] [--fact NAME=VALUE]...\n"
    "       vigil incident note ID --text TEXT\n"
    "       vigil incident request ID --due TIME [--regime R]  (an intermediate report the authority\n"
    "                           asked for: NIS2 Art. 23(4)(c), CRA Art. 14(6))\n"
    "       vigil incident submitted ID --stage STAGE --at TIME [--regime R] [--reference REF]\n"
    "       vigil incident close ID\n"
    "       vigil incident list [--all]\n"
    "       vigil incident show ID [--tz ZONE]\n"
    "       vigil incident due [--within DURATION] [--fail]\n"
    "       vigil incident report ID --stage STAGE [--regime R] [-o json|markdown|html[=FILE]]...\n"
    "       vigil incident export ID -o FILE [--attest KEY]\n"
    "       vigil incident verify [--checkpoint SEQ:sha256:HEX]\n"
    "\n"
    "The register of incidents (NIS2 Art. 23, CRA Art. 14(3)-(5)) and actively\n"
    "exploited vulnerabilities (CRA Art. 14(1)-(2)): every change is an event\n"
    "appended to a hash-chained log in the store; the deadlines of each\n"
    "submission are computed from it, with the article they come from.\n"
    "TIME is RFC 3339 with an offset (2026-03-27T23:30:00+01:00 or ...Z);\n"
    "STAGE is early-warning, notification, intermediate, progress, final or\n"
    "users-informed.  docs/incidents.md explains the clocks, the facts of\n"
    "classify and the report fields.\n"
    "\n"
    "options of every subcommand:\n"
    "      --store URL       sqlite:PATH or postgresql://... (default: $VIGIL_STORE,\n"
    "                        else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"
    "      --actor NAME      who records the event (default: $VIGIL_ACTOR, else\n"
    "                        the login name @ the host name)\n"
    "      --reason TEXT     why (required when the awareness time changes)\n"
    "      --now TIME        the time list, show, due and report count from\n"
    "                        (default: now); events are always recorded now\n"
    "  -o, --output FORMAT[=FILE]  table (default) or json; report: json,\n"
    "                        markdown or html; export: the record's file\n"
    "      --format FORMAT   the same as -o FORMAT\n"
    "\n"
    "exit status: 0 done; 1 failed (store, key, file); 2 usage error or an\n"
    "event the register refuses (nothing is written); 3 classify could not\n"
    "decide (facts missing); 4 verify found the log broken; 5 due --fail and a\n"
    "submission is overdue or due within the window.\n";

typedef struct inc_output {
    const char *name; /* the format */
    const char *path; /* NULL: standard output */
} inc_output;

typedef struct inc_opts {
    const char *store, *actor, *reason, *now_text;
    const char *title, *aware_at, *kind, *regime, *entity_type, *id;
    const char *ended_at, *measure_at, *text, *stage, *at, *reference, *due, *within, *facts_file;
    const char *checkpoint, *attest_key;
    const char *sets[MAX_SETS];
    size_t nsets;
    const char *unsets[MAX_SETS];
    size_t nunsets;
    const char *facts[MAX_SETS];
    size_t nfacts;
    const char *findings[MAX_SETS];
    size_t nfindings;
    inc_output outputs[4];
    size_t noutputs;
    int all, fail;
    int64_t now;
} inc_opts;

/* ---- small helpers ---------------------------------------------------------- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vigil: incident: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(vigil incident --help shows the usage)\n", stderr);
    return EXIT_USAGE;
}

static int parse_time_opt(const char *opt, const char *s, int64_t *t, int *offset)
{
    int off;
    if (vg_incident_parse_time(s, t, offset ? offset : &off) == 0)
        return EXIT_OK;
    fprintf(stderr, "vigil: incident: %s %s: not an RFC 3339 date-time with an offset (e.g. 2026-03-27T23:30:00+01:00)\n",
            opt, s);
    return EXIT_USAGE;
}

static void default_actor(char *out, size_t outsz)
{
    const char *env = getenv("VIGIL_ACTOR");
    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return;
    }
    struct passwd *pw = getpwuid(getuid());
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    snprintf(out, outsz, "%s@%s", pw && pw->pw_name ? pw->pw_name : "uid", *host ? host : "localhost");
}

/* NAME=VALUE of --fact: VALUE is JSON when it reads as true,
 * false, a number, an array or an object; any other text is a string. */
static int name_value(const char *arg, const char *opt, char *name, size_t namesz, json_t **value)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= namesz)
        return usage_error("%s: give NAME=VALUE", opt);
    snprintf(name, namesz, "%.*s", (int)(eq - arg), arg);
    const char *v = eq + 1;
    *value = NULL;
    if (*v == '[' || *v == '{' || !strcmp(v, "true") || !strcmp(v, "false") || *v == '-' || (*v >= '0' && *v <= '9'))
        *value = json_loads(v, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!*value)
        *value = json_string(v);
    return *value ? EXIT_OK : usage_error("%s: not UTF-8 text", opt);
}

static json_t *time_text(int64_t t, int offset)
{
    if (!t)
        return json_null();
    char s[40];
    vg_incident_format_time(t, offset, s, sizeof s);
    return json_string(s);
}

/* --tz ZONE: local times in that IANA zone (its own offset at each
 * instant, daylight saving included) instead of the reporter's offset. */
static int display_tz;

static int local_offset(int64_t t, int reporter)
{
    if (!display_tz || !t)
        return reporter;
    time_t tt = (time_t)t;
    struct tm tm;
    return localtime_r(&tt, &tm) ? (int)(tm.tm_gmtoff / 60) : reporter;
}

static int set_tz(const char *zone)
{
    char path[4096];
    /* glibc reads an unknown zone as UTC without a word: refuse it here. */
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    if (!*zone || zone[0] == '/' || strstr(zone, "..") || access(path, R_OK) != 0) {
        fprintf(stderr, "vigil: incident: --tz %s: not a time zone of /usr/share/zoneinfo (e.g. Europe/Berlin)\n",
                zone);
        return EXIT_USAGE;
    }
    setenv("TZ", zone, 1);
    tzset();
    display_tz = 1;
    return EXIT_OK;
}

/* Prints value as indented JSON with sorted keys, as cli_print_json()
 * does, through vigil's own writer: `due` on a large register prints
 * thousands of rows, and jansson's writer was most of its time. */
static int print_json(const json_t *value, const char *path)
{
    vg_buf text;
    vg_buf_init(&text, (size_t)1 << 30);
    int status = EXIT_OK;
    if (vg_json_dump(value, JSON_INDENT(2) | JSON_SORT_KEYS, &text) || vg_buf_addc(&text, '\n')) {
        cli_error("out of memory");
        status = EXIT_FAILURE_;
    } else if (cli_write_output(path, text.data, text.len) != 0) {
        status = EXIT_FAILURE_;
    }
    vg_buf_free(&text);
    return status;
}

static int fail_ctx(vg_ctx *ctx, int rc)
{
    cli_error("%s", ctx->message);
    return cli_exit_status(rc);
}

/* ---- the record as shown --------------------------------------------------- */

static const char *significance_name(int s)
{
    return s == VG_SIGNIFICANCE_YES ? "significant" : s == VG_SIGNIFICANCE_NO ? "not-significant" : "undetermined";
}

/* The status of d at now: submitted, overdue, pending or waiting. */
static const char *deadline_status(const vg_deadline *d, int64_t now)
{
    return d->submitted ? "submitted" : !d->due ? "waiting" : d->due < now ? "overdue" : "pending";
}

static json_t *deadlines_json(const vg_incident *inc, const vg_deadline *d, size_t n, int64_t now)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_pack("{sssssssosossso}", "regime", vg_incident_regime_name(d[i].regime), "stage",
                              vg_incident_stage_name(d[i].stage), "article", d[i].article, "due", time_text(d[i].due, 0),
                              "due_local", time_text(d[i].due, local_offset(d[i].due, inc->aware_offset)), "status",
                              deadline_status(&d[i], now), "submitted_at", time_text(d[i].submitted, 0));
        if (!o)
            continue;
        if (d[i].waiting)
            json_object_set_new(o, "waiting", json_string(d[i].waiting));
        if (d[i].reference)
            json_object_set_new(o, "reference", json_string(d[i].reference));
        if (d[i].or_progress)
            json_object_set_new(o, "or_progress", json_true());
        if (d[i].provisional)
            json_object_set_new(o, "provisional", json_true());
        if (d[i].due && !d[i].submitted)
            json_object_set_new(o, "seconds_left", json_integer(d[i].due - now));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *record_json(const vg_incident *inc, const json_t *events, int64_t now)
{
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(inc, d);
    json_t *regimes = json_array();
    if (inc->regimes & VG_REGIME_NIS2)
        json_array_append_new(regimes, json_string("nis2"));
    if (inc->regimes & VG_REGIME_CRA)
        json_array_append_new(regimes, json_string("cra"));
    json_t *last = json_array_get(events, json_array_size(events) - 1);
    json_t *o = json_pack(
        "{sssssssososisosssosososososOsOsIsOso}", "id", inc->id, "title", inc->title, "kind",
        inc->kind == VG_INCIDENT_KIND_VULNERABILITY ? "vulnerability" : "incident", "regimes", regimes, "entity_type",
        inc->entity_type ? json_string(inc->entity_type) : json_null(), "aware_at_offset_minutes", inc->aware_offset,
        "aware_at", time_text(inc->aware_at, local_offset(inc->aware_at, inc->aware_offset)), "significance", significance_name(inc->significance),
        "opened_at", time_text(inc->opened_at, 0), "ended_at", time_text(inc->ended_at, local_offset(inc->ended_at, inc->aware_offset)),
        "measure_at", time_text(inc->measure_at, local_offset(inc->measure_at, inc->aware_offset)), "closed_at", time_text(inc->closed_at, 0),
        "classification", inc->classification ? json_deep_copy(inc->classification) : json_null(), "fields",
        inc->fields, "findings", inc->findings, "events", (json_int_t)inc->nevents, "head",
        json_object_get(last, "hash"), "deadlines", deadlines_json(inc, d, n, now));
    return o;
}

/* ---- writes ------------------------------------------------------------------ */

static int append(const inc_opts *o, const char *id, const char *type, json_t *data)
{
    vg_store *store;
    int status = data ? cli_store_open(o->store, VG_STORE_CREATE, &store) : EXIT_FAILURE_;
    if (status) {
        json_decref(data);
        return status;
    }
    char actor[512];
    if (o->actor)
        snprintf(actor, sizeof actor, "%s", o->actor);
    else
        default_actor(actor, sizeof actor);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *out = NULL;
    vg_store_incident_event ev = {.incident = id, .type = type, .time = (int64_t)time(NULL), .actor = actor,
                                  .reason = o->reason, .data = data};
    int rc = vg_store_incident_append(&ctx, store, &ev, &out);
    if (rc) {
        status = fail_ctx(&ctx, rc);
    } else {
        printf("%s\n", json_string_value(json_object_get(out, "incident")));
        fprintf(stderr, "recorded: %s %s, event %lld %s\n", json_string_value(json_object_get(out, "incident")),
                type, (long long)json_integer_value(json_object_get(out, "seq")),
                json_string_value(json_object_get(out, "hash")));
    }
    json_decref(out);
    json_decref(data);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

static int regimes_json(const char *regime, const char *kind, json_t **out)
{
    if (!regime)
        regime = kind && !strcmp(kind, "vulnerability") ? "cra" : "nis2";
    if (!strcmp(regime, "both"))
        *out = json_pack("[ss]", "nis2", "cra");
    else if (!strcmp(regime, "nis2") || !strcmp(regime, "cra"))
        *out = json_pack("[s]", regime);
    else
        return usage_error("--regime %s: give nis2, cra or both", regime);
    return EXIT_OK;
}

static int add_findings(const inc_opts *o, json_t *data)
{
    if (!o->nfindings)
        return EXIT_OK;
    json_t *a = json_array();
    for (size_t i = 0; i < o->nfindings; i++) {
        const char *colon = strrchr(o->findings[i], ':');
        if (!colon || colon == o->findings[i] || !colon[1]) {
            json_decref(a);
            return usage_error("--finding %s: give ASSET:VULN (an inventory asset and a vulnerability id)",
                               o->findings[i]);
        }
        json_array_append_new(a, json_pack("{s:s%,s:s}", "asset", o->findings[i], (size_t)(colon - o->findings[i]),
                                           "vuln", colon + 1));
    }
    json_object_set_new(data, "findings", a);
    return EXIT_OK;
}

static int do_open(const inc_opts *o)
{
    int64_t t;
    int off;
    if (!o->title || !o->aware_at)
        return usage_error("open: --title and --aware-at are required");
    if (parse_time_opt("--aware-at", o->aware_at, &t, &off))
        return EXIT_USAGE;
    if (o->kind && strcmp(o->kind, "incident") != 0 && strcmp(o->kind, "vulnerability") != 0)
        return usage_error("--kind %s: give incident or vulnerability", o->kind);
    if (o->entity_type && !vg_incident_entity_type_known(o->entity_type)) {
        fprintf(stderr, "vigil: incident: --entity-type %s: unknown; known:", o->entity_type);
        for (size_t i = 0; vg_incident_entity_types[i]; i++)
            fprintf(stderr, " %s", vg_incident_entity_types[i]);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    json_t *regimes;
    if (regimes_json(o->regime, o->kind, &regimes))
        return EXIT_USAGE;
    json_t *data = json_pack("{sssssoss}", "title", o->title, "kind", o->kind ? o->kind : "incident", "regimes",
                             regimes, "aware_at", o->aware_at);
    if (o->entity_type)
        json_object_set_new(data, "entity_type", json_string(o->entity_type));
    if (add_findings(o, data)) {
        json_decref(data);
        return EXIT_USAGE;
    }
    return append(o, o->id, "opened", data);
}

static int do_update(const inc_opts *o, const char *id)
{
    json_t *data = json_object(), *fields = json_object();
    int64_t t;
    int status = EXIT_OK;
    if (o->title)
        json_object_set_new(data, "title", json_string(o->title));
    const char *times[][2] = {{"aware_at", o->aware_at}, {"ended_at", o->ended_at}, {"measure_at", o->measure_at}};
    for (size_t i = 0; i < 3 && !status; i++)
        if (times[i][1] && !(status = parse_time_opt(times[i][0], times[i][1], &t, NULL)))
            json_object_set_new(data, times[i][0], json_string(times[i][1]));
    if (o->entity_type)
        json_object_set_new(data, "entity_type", json_string(o->entity_type));
    json_t *regimes;
    if (!status && o->regime && !(status = regimes_json(o->regime, NULL, &regimes)))
        json_object_set_new(data, "regimes", regimes);
    for (size_t i = 0; !status && i < o->nsets; i++) {
        /* Typed by the field's type (report.c), not guessed from VALUE. */
        const char *name;
        json_t *v;
        vg_ctx c;
        vg_ctx_init(&c);
        int rc = vg_incident_field_parse(&c, o->sets[i], &name, &v);
        if (rc)
            status = fail_ctx(&c, VG_ERR_USAGE);
        else
            json_object_set_new(fields, name, v);
        vg_ctx_free(&c);
    }
    for (size_t i = 0; !status && i < o->nunsets; i++)
        json_object_set_new(fields, o->unsets[i], json_null());
    if (json_object_size(fields))
        json_object_set(data, "fields", fields);
    json_decref(fields);
    if (!status)
        status = add_findings(o, data);
    if (!status && !json_object_size(data))
        status = usage_error("update %s: nothing to change (see vigil incident --help)", id);
    if (status) {
        json_decref(data);
        return status;
    }
    return append(o, id, "updated", data);
}

static int do_note(const inc_opts *o, const char *id)
{
    if (!o->text)
        return usage_error("note: --text is required");
    return append(o, id, "noted", json_pack("{ss}", "text", o->text));
}

/* Loads ID and runs fn on the record, with arg. */
static int with_record(const inc_opts *o, const char *id,
                       int (*fn)(const inc_opts *o, const vg_incident *inc, const json_t *events, void *arg),
                       void *arg)
{
    vg_store *store;
    int status = cli_store_open(o->store, VG_STORE_READONLY, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *events;
    vg_incident inc;
    int rc = vg_store_incident_load(&ctx, store, id, &events, &inc);
    if (rc) {
        status = fail_ctx(&ctx, rc);
    } else {
        status = fn(o, &inc, events, arg);
        vg_incident_free(&inc);
        json_decref(events);
    }
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

static int pick_regime(const inc_opts *o, const vg_incident *inc, const json_t *events, void *arg)
{
    (void)events;
    if (inc->regimes == (VG_REGIME_NIS2 | VG_REGIME_CRA))
        return usage_error("%s is under NIS2 and the CRA: give --regime nis2 or cra", inc->id);
    (void)o;
    *(const char **)arg = inc->regimes == VG_REGIME_CRA ? "cra" : "nis2";
    return EXIT_OK;
}

/* The regime of a submission or request: --regime, else the incident's only one. */
static int one_regime(const inc_opts *o, const char *id, const char **out)
{
    if (o->regime) {
        if (strcmp(o->regime, "nis2") != 0 && strcmp(o->regime, "cra") != 0)
            return usage_error("--regime %s: give nis2 or cra", o->regime);
        *out = o->regime;
        return EXIT_OK;
    }
    return with_record(o, id, pick_regime, (void *)out);
}

static int do_request(const inc_opts *o, const char *id)
{
    int64_t t;
    if (!o->due)
        return usage_error("request: --due TIME is required (when the authority wants the intermediate report)");
    if (parse_time_opt("--due", o->due, &t, NULL))
        return EXIT_USAGE;
    const char *regime = NULL;
    int status = one_regime(o, id, &regime);
    if (status)
        return status;
    return append(o, id, "requested", json_pack("{ssssss}", "regime", regime, "stage", "intermediate", "due", o->due));
}

static int do_submitted(const inc_opts *o, const char *id)
{
    int64_t t;
    if (!o->stage || !o->at)
        return usage_error("submitted: --stage and --at are required");
    if (vg_incident_stage_parse(o->stage) < 0)
        return usage_error("--stage %s: give early-warning, notification, intermediate, progress, final or "
                           "users-informed", o->stage);
    if (parse_time_opt("--at", o->at, &t, NULL))
        return EXIT_USAGE;
    const char *regime = NULL;
    int status = one_regime(o, id, &regime);
    if (status)
        return status;
    json_t *data = json_pack("{ssssss}", "regime", regime, "stage", o->stage, "at", o->at);
    if (o->reference)
        json_object_set_new(data, "reference", json_string(o->reference));
    return append(o, id, "submitted", data);
}

static int do_classify(const inc_opts *o, const char *id)
{
    json_t *facts = NULL;
    if (o->facts_file) {
        vg_ctx c;
        vg_ctx_init(&c);
        vg_buf b;
        int rc = attest_cli_read_file(&c, o->facts_file, MAX_FACTS_FILE, &b);
        if (rc == VG_OK)
            rc = vg_json_parse(&c, o->facts_file, b.data ? b.data : "", b.len, &facts);
        vg_buf_free(&b);
        if (rc == VG_OK && !json_is_object(facts))
            rc = vg_error(&c, VG_ERR_FORMAT, "%s: the facts must be a JSON object", o->facts_file);
        if (rc) {
            json_decref(facts);
            int s = fail_ctx(&c, rc == VG_ERR_FORMAT || rc == VG_ERR_LIMIT ? VG_ERR_USAGE : rc);
            vg_ctx_free(&c);
            return s;
        }
        vg_ctx_free(&c);
    } else {
        facts = json_object();
    }
    for (size_t i = 0; i < o->nfacts; i++) {
        char name[128];
        json_t *v;
        if (name_value(o->facts[i], "--fact", name, sizeof name, &v)) {
            json_decref(facts);
            return EXIT_USAGE;
        }
        json_object_set_new(facts, name, v);
    }
    if (!json_object_size(facts)) {
        json_decref(facts);
        return usage_error("classify: give the facts (--facts FILE or --fact NAME=VALUE; docs/incidents.md lists "
                           "them)");
    }
    vg_store *store;
    int status = cli_store_open(o->store, 0, &store);
    if (status) {
        json_decref(facts);
        return status;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *events = NULL, *priors = NULL, *result = NULL;
    vg_incident inc;
    int rc = vg_store_incident_load(&ctx, store, id, &events, &inc), loaded = rc == VG_OK;
    /* The entity type is the record's: classify reads it from the facts. */
    const char *given = json_string_value(json_object_get(facts, "entity_type"));
    if (rc == VG_OK && given && (!inc.entity_type || strcmp(given, inc.entity_type) != 0))
        rc = vg_error(&ctx, VG_ERR_USAGE,
                      "%s: the facts say entity_type %s, the record %s: set it on the record (vigil incident update %s "
                      "--entity-type TYPE)",
                      id, given, inc.entity_type ? inc.entity_type : "nothing", id);
    if (rc == VG_OK && !given && !inc.entity_type)
        rc = vg_error(&ctx, VG_ERR_USAGE,
                      "%s: no entity type: the thresholds depend on it; set it with vigil incident update %s "
                      "--entity-type TYPE (\"other\" for NIS2 Art. 23(3) alone)",
                      id, id);
    if (rc == VG_OK && !given)
        json_object_set_new(facts, "entity_type", json_string(inc.entity_type));
    /* Art. 4 looks six months back. */
    if (rc == VG_OK)
        rc = vg_store_incident_priors(&ctx, store, id, vg_incident_add_months(inc.aware_at, -6), inc.aware_at, &priors);
    vg_incident_prior prior[1024];
    size_t nprior = 0, i;
    json_t *p;
    json_array_foreach(priors, i, p) {
        if (nprior == sizeof prior / sizeof *prior)
            break;
        prior[nprior++] = (vg_incident_prior){json_string_value(json_object_get(p, "id")),
                                               json_integer_value(json_object_get(p, "aware_at")),
                                               json_object_get(p, "facts")};
    }
    if (rc == VG_OK)
        rc = vg_incident_classify(&ctx, facts, inc.aware_at, prior, nprior, &result);
    vg_store_close(store);
    if (loaded) {
        vg_incident_free(&inc);
        json_decref(events);
    }
    json_decref(priors);
    if (rc) {
        json_decref(facts);
        /* A fact refused: say which file it came from, when one. */
        if (o->facts_file && !strncmp(ctx.message, "facts: ", 7))
            cli_error("%s: %s", o->facts_file, ctx.message + 7);
        else
            cli_error("%s", ctx.message);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    vg_ctx_free(&ctx);
    const char *answer = json_string_value(json_object_get(result, "significance"));
    status = append(o, id, "classified", json_pack("{sOsO}", "facts", facts, "result", result));
    if (status == EXIT_OK) {
        fprintf(stderr, "%s: %s\n", id, answer ? answer : "?");
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(result, "criteria"), k, c) {
            const char *r = json_string_value(json_object_get(c, "result"));
            if (r && strcmp(r, "not-met") != 0)
                fprintf(stderr, "  %-8s %s: %s\n", r, cli_json_text(c, "article"), cli_json_text(c, "test"));
        }
        if (answer && !strcmp(answer, "undetermined"))
            status = EXIT_INCOMPLETE;
    }
    json_decref(facts);
    json_decref(result);
    return status;
}

static int do_close(const inc_opts *o, const char *id) { return append(o, id, "closed", json_object()); }

/* ---- reads ---------------------------------------------------------------------- */

static int output_format(const inc_opts *o, const char *const *allowed, const char **format, const char **path)
{
    *format = o->noutputs ? o->outputs[0].name : allowed[0];
    *path = o->noutputs ? o->outputs[0].path : NULL;
    for (size_t i = 0; allowed[i]; i++)
        if (!strcmp(*format, allowed[i]))
            return EXIT_OK;
    return usage_error("unknown output format '%s'", *format);
}

/* The table-or-JSON output of o and the store opened with flags. */
static int open_for_output(const inc_opts *o, int flags, const char **format, const char **path, vg_store **store)
{
    static const char *const formats[] = {"table", "json", NULL};
    if (output_format(o, formats, format, path))
        return EXIT_USAGE;
    return cli_store_open(o->store, flags, store);
}

static void print_list(const json_t *list, FILE *f)
{
    size_t i;
    json_t *r;
    if (!json_array_size(list)) {
        fprintf(f, "no incidents\n");
        return;
    }
    fprintf(f, "%-12s %-25s %-13s %-9s %-16s %-21s %s\n", "ID", "AWARE AT", "KIND", "REGIMES", "SIGNIFICANCE",
            "NEXT DUE", "TITLE");
    json_array_foreach(list, i, r) {
        fprintf(f, "%-12s %-25s %-13s %-9s %-16s %-21s %s\n", cli_json_text(r, "id"), cli_json_text(r, "aware_at"),
                cli_json_text(r, "kind"), cli_json_text(r, "regimes"), cli_json_text(r, "significance"),
                json_is_string(json_object_get(r, "closed_at")) ? "closed" : cli_json_text(r, "next_due"),
                cli_json_text(r, "title"));
    }
}

static int do_list(const inc_opts *o)
{
    const char *format, *path;
    vg_store *store;
    int status = open_for_output(o, VG_STORE_READONLY, &format, &path, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *list = NULL;
    int rc = vg_store_incident_list(&ctx, store, o->all, &list);
    status = rc ? fail_ctx(&ctx, rc)
                : !strcmp(format, "json") ? print_json(list, path) : cli_print_table(list, print_list, path);
    json_decref(list);
    vg_store_close(store);
    vg_ctx_free(&ctx);
    return status;
}

/* "2d 04h left", "3h 30m overdue" into out. */
static const char *time_left(int64_t left, char *out, size_t outsz)
{
    int64_t a = left < 0 ? -left : left;
    if (a >= 86400)
        snprintf(out, outsz, "%lldd %02lldh %s", (long long)(a / 86400), (long long)(a % 86400 / 3600),
                 left < 0 ? "overdue" : "left");
    else
        snprintf(out, outsz, "%lldh %02lldm %s", (long long)(a / 3600), (long long)(a % 3600 / 60),
                 left < 0 ? "overdue" : "left");
    return out;
}

static void print_show(const json_t *r, FILE *f)
{
    fprintf(f, "%s  %s\n", cli_json_text(r, "id"), cli_json_text(r, "title"));
    fprintf(f, "kind: %s   entity type: %s   significance: %s\n", cli_json_text(r, "kind"),
            cli_json_text(r, "entity_type"), cli_json_text(r, "significance"));
    fprintf(f, "aware at: %s", cli_json_text(r, "aware_at"));
    if (json_is_string(json_object_get(r, "ended_at")))
        fprintf(f, "   handling ended: %s", cli_json_text(r, "ended_at"));
    if (json_is_string(json_object_get(r, "measure_at")))
        fprintf(f, "   measure available: %s", cli_json_text(r, "measure_at"));
    if (json_is_string(json_object_get(r, "closed_at")))
        fprintf(f, "   closed: %s", cli_json_text(r, "closed_at"));
    fprintf(f, "\nevents: %lld, head %s\n\n", (long long)json_integer_value(json_object_get(r, "events")),
            cli_json_text(r, "head"));
    fprintf(f, "%-6s %-15s %-10s %-27s %-22s %s\n", "REGIME", "STAGE", "STATUS", display_tz ? "DUE (LOCAL)" : "DUE (UTC)",
            "", "ARTICLE");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r, "deadlines"), i, d) {
        fprintf(f, "%-6s %-15s %-10s ", cli_json_text(d, "regime"), cli_json_text(d, "stage"),
                cli_json_text(d, "status"));
        if (json_is_string(json_object_get(d, "due")))
            fprintf(f, "%-27s ", cli_json_text(d, display_tz ? "due_local" : "due"));
        else
            fprintf(f, "%-27s ", "-");
        if (json_is_string(json_object_get(d, "submitted_at"))) {
            fprintf(f, "%-22s ", cli_json_text(d, "submitted_at"));
        } else if (json_is_integer(json_object_get(d, "seconds_left"))) {
            char left[64];
            fprintf(f, "%-22s ", time_left(json_integer_value(json_object_get(d, "seconds_left")), left, sizeof left));
        } else {
            fprintf(f, "%-22s ", "");
        }
        fprintf(f, "%s", cli_json_text(d, "article"));
        if (json_is_true(json_object_get(d, "provisional")))
            fprintf(f, " (provisional: not yet classified)");
        if (json_is_true(json_object_get(d, "or_progress")))
            fprintf(f, " (a progress report instead if still ongoing then)");
        if (json_is_string(json_object_get(d, "waiting")))
            fprintf(f, " (waiting: %s)", cli_json_text(d, "waiting"));
        if (json_is_string(json_object_get(d, "reference")))
            fprintf(f, " ref %s", cli_json_text(d, "reference"));
        fputc('\n', f);
    }
}

static int show_record(const inc_opts *o, const vg_incident *inc, const json_t *events, void *arg)
{
    (void)arg;
    static const char *const formats[] = {"table", "json", NULL};
    const char *format, *path;
    if (output_format(o, formats, &format, &path))
        return EXIT_USAGE;
    json_t *r = record_json(inc, events, o->now);
    int status = !r ? EXIT_FAILURE_
                    : !strcmp(format, "json") ? print_json(r, path) : cli_print_table(r, print_show, path);
    json_decref(r);
    return status;
}

/* What has no date yet, so that an empty list never reads as nothing owed. */
static void print_undated(const json_t *r, FILE *f)
{
    long long n = (long long)json_integer_value(json_object_get(r, "undated"));
    if (n)
        fprintf(f, "%lld more submission%s owed with no date yet (informing users, a final report waiting for an "
                   "event): vigil incident list, show\n",
                n, n == 1 ? "" : "s");
}

static void print_due(const json_t *r, FILE *f)
{
    const json_t *list = json_object_get(r, "due");
    if (!json_array_size(list)) {
        fprintf(f, "nothing due%s\n", json_is_string(json_object_get(r, "until")) ? " in the window" : "");
        print_undated(r, f);
        return;
    }
    fprintf(f, "%-21s %-18s %-12s %-6s %-15s %-26s %s\n", "DUE (UTC)", "", "INCIDENT", "REGIME", "STAGE", "ARTICLE",
            "TITLE");
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d) {
        char left[64];
        fprintf(f, "%-21s %-18s %-12s %-6s %-15s %-26s %s%s\n", cli_json_text(d, "due"),
                time_left(json_integer_value(json_object_get(d, "seconds_left")), left, sizeof left),
                cli_json_text(d, "incident"), cli_json_text(d, "regime"), cli_json_text(d, "stage"),
                cli_json_text(d, "article"), cli_json_text(d, "title"),
                json_is_true(json_object_get(d, "provisional")) ? " (provisional)" : "");
    }
    print_undated(r, f);
}

static int do_due(const inc_opts *o)
{
    int64_t within = -1;
    if (o->within && (within = cli_parse_duration(o->within)) < 0)
        return usage_error("--within %s: give a duration such as 90m, 6h or 2d", o->within);
    const char *format, *path;
    vg_store *store;
    int status = open_for_output(o, VG_STORE_READONLY, &format, &path, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *list = NULL;
    int64_t undated = 0;
    int rc = vg_store_incident_due(&ctx, store, o->now, within >= 0 ? o->now + within : INT64_MAX, &list, &undated);
    vg_store_close(store);
    if (rc) {
        status = fail_ctx(&ctx, rc);
        vg_ctx_free(&ctx);
        return status;
    }
    vg_ctx_free(&ctx);
    size_t i, overdue = 0;
    json_t *d;
    json_array_foreach(list, i, d)
        overdue += json_is_true(json_object_get(d, "overdue"));
    json_t *r = json_pack("{sososIsIsI}", "now", time_text(o->now, 0), "until",
                          within >= 0 ? time_text(o->now + within, 0) : json_null(), "overdue", (json_int_t)overdue,
                          "count", (json_int_t)json_array_size(list), "undated", (json_int_t)undated);
    json_object_set_new(r, "due", list);
    status = !strcmp(format, "json") ? print_json(r, path) : cli_print_table(r, print_due, path);
    if (status == EXIT_OK && o->fail && json_array_size(list))
        status = EXIT_POLICY;
    if (CLI_FREE_AT_EXIT) /* thousands of rows on a large register: the process ends here */
        json_decref(r);
    return status;
}

static int report_record(const inc_opts *o, const vg_incident *inc, const json_t *events, void *arg)
{
    (void)events;
    (void)arg;
    int stage = vg_incident_stage_parse(o->stage);
    if (o->regime && strcmp(o->regime, "nis2") != 0 && strcmp(o->regime, "cra") != 0)
        return usage_error("--regime %s: give nis2 or cra", o->regime);
    unsigned regime = o->regime && !strcmp(o->regime, "cra")    ? VG_REGIME_CRA
                      : o->regime && !strcmp(o->regime, "nis2") ? VG_REGIME_NIS2
                      : inc->regimes == VG_REGIME_CRA           ? VG_REGIME_CRA
                                                                : VG_REGIME_NIS2;
    if (!o->regime && inc->regimes == (VG_REGIME_NIS2 | VG_REGIME_CRA))
        return usage_error("%s is under NIS2 and the CRA: give --regime nis2 or cra", inc->id);
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(inc, d);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *report = NULL;
    int rc = vg_incident_report(&ctx, inc, d, n, regime, (vg_incident_stage)stage, o->now, &report), status;
    if (rc) {
        status = fail_ctx(&ctx, rc);
        vg_ctx_free(&ctx);
        return status;
    }
    vg_ctx_free(&ctx);
    cli_write_item items[4];
    vg_buf bufs[4];
    size_t n_out = o->noutputs ? o->noutputs : 1;
    status = EXIT_OK;
    for (size_t i = 0; i < n_out; i++) {
        const char *format = o->noutputs ? o->outputs[i].name : "markdown";
        vg_buf_init(&bufs[i], (size_t)64 << 20);
        if (!strcmp(format, "json"))
            rc = vg_json_dump(report, JSON_INDENT(2) | JSON_SORT_KEYS, &bufs[i]) || vg_buf_addc(&bufs[i], '\n');
        else if (!strcmp(format, "markdown"))
            rc = vg_incident_report_markdown(report, &bufs[i]);
        else if (!strcmp(format, "html"))
            rc = vg_incident_report_html(report, &bufs[i]);
        else
            status = usage_error("report: unknown output format '%s' (json, markdown, html)", format);
        if (rc && !status) {
            cli_error("report: out of memory");
            status = EXIT_FAILURE_;
        }
        items[i] = (cli_write_item){o->noutputs ? o->outputs[i].path : NULL, bufs[i].data, bufs[i].len};
    }
    if (status == EXIT_OK && cli_write_files(items, n_out) != 0)
        status = EXIT_FAILURE_;
    size_t blockers = json_array_size(json_object_get(report, "blockers"));
    if (status == EXIT_OK && blockers)
        fprintf(stderr, "vigil: incident report: %zu required field%s still empty (listed under blockers)\n",
                blockers, blockers == 1 ? "" : "s");
    for (size_t i = 0; i < n_out; i++)
        vg_buf_free(&bufs[i]);
    json_decref(report);
    return status;
}

static int export_record(const inc_opts *o, const vg_incident *inc, const json_t *events, void *arg)
{
    (void)arg;
    /* -o FILE or -o json=FILE: the record is JSON, and goes to a file. */
    const char *path = o->noutputs != 1 ? NULL : o->outputs[0].path ? o->outputs[0].path : o->outputs[0].name;
    if (!path || !strcmp(path, "-") || (o->outputs[0].path && strcmp(o->outputs[0].name, "json") != 0))
        return usage_error("export: give the record's file with -o FILE (or -o json=FILE)");
    json_t *record = record_json(inc, events, o->now), *list = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
        json_array_append_new(list, json_pack("{sOsOsO}", "seq", json_object_get(e, "seq"), "hash",
                                              json_object_get(e, "hash"), "body", json_object_get(e, "body")));
    json_t *doc = json_pack("{sssosososo}", "schema", "https://vigil.dev/schemas/incident-record/v1", "exported_at",
                            time_text(o->now, 0), "record", record, "events", list, "chain",
                            json_pack("{ssss}", "algorithm", "sha256 of each body's bytes; prev = the digest of the "
                                                             "register's event before",
                                      "verify", "vigil incident verify on the store"));
    vg_buf text, bundle;
    vg_buf_init(&text, (size_t)256 << 20);
    vg_buf_init(&bundle, (size_t)512 << 20);
    int status = EXIT_OK;
    if (!doc || vg_json_dump(doc, JSON_INDENT(2), &text) || vg_buf_addc(&text, '\n')) {
        cli_error("export: out of memory");
        status = EXIT_FAILURE_;
    }
    if (status == EXIT_OK && o->attest_key) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_key *key = NULL;
        vg_file_digest dg;
        const char *slash = strrchr(path, '/');
        int rc = attest_cli_load_private_key(&ctx, o->attest_key, &key);
        if (rc == VG_OK)
            rc = vg_digest_memory(&ctx, text.data, text.len, VG_DIGEST_SHA256, &dg);
        if (rc == VG_OK) {
            vg_attest_subject subject = {.name = slash ? slash + 1 : path, .sha256 = dg.sha256};
            rc = vg_attest_bundle(&ctx, key, "https://vigil.dev/attestations/incident-record/v1", text.data,
                                  text.len, &subject, 1, VG_ATTEST_BUNDLE, &bundle);
        }
        if (rc)
            status = fail_ctx(&ctx, rc);
        vg_key_free(key);
        vg_ctx_free(&ctx);
    }
    cli_output out = {.path = path};
    if (status == EXIT_OK && cli_write_documents(&out, &text, &bundle, 1) != 0)
        status = EXIT_FAILURE_;
    vg_buf_free(&text);
    vg_buf_free(&bundle);
    json_decref(doc);
    return status;
}

static void print_verify(const json_t *r, FILE *f)
{
    const json_t *bad = json_object_get(r, "first_bad");
    if (bad)
        fprintf(f, "BROKEN: event %lld (incident %s): %s\n", (long long)json_integer_value(json_object_get(bad, "seq")),
                cli_json_text(bad, "incident"), cli_json_text(bad, "problem"));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(r, "derived_mismatch"), i, m)
        fprintf(f, "MISMATCH: incident %s: the derived tables (incident, incident_deadline, incident_finding) "
                   "differ from its events\n",
                json_string_value(m));
    fprintf(f, "%s: %lld events of %lld incidents; head %lld:%s\n",
            json_is_true(json_object_get(r, "verified")) ? "verified" : "not verified",
            (long long)json_integer_value(json_object_get(r, "events")),
            (long long)json_integer_value(json_object_get(r, "incidents")),
            (long long)json_integer_value(json_object_get(r, "events")), cli_json_text(r, "head"));
}

static int do_verify(const inc_opts *o)
{
    const char *format, *path;
    vg_store *store;
    int status = open_for_output(o, 0, &format, &path, &store);
    if (status)
        return status;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *r = NULL;
    int rc = vg_store_incident_verify(&ctx, store, o->checkpoint, &r);
    vg_store_close(store);
    if (rc) {
        status = fail_ctx(&ctx, rc);
    } else {
        status = !strcmp(format, "json") ? print_json(r, path) : cli_print_table(r, print_verify, path);
        if (status == EXIT_OK && !json_is_true(json_object_get(r, "verified")))
            status = EXIT_VERIFY;
    }
    json_decref(r);
    vg_ctx_free(&ctx);
    return status;
}

/* ---- the command line --------------------------------------------------------- */

enum {
    O_STORE = 256, O_ACTOR, O_REASON, O_NOW, O_TITLE, O_AWARE, O_KIND, O_REGIME, O_ENTITY, O_ID, O_ENDED, O_MEASURE,
    O_TEXT, O_STAGE, O_AT, O_REF, O_DUE, O_WITHIN, O_FACTS, O_FACT, O_SET, O_UNSET, O_FINDING, O_ALL, O_FAIL,
    O_CHECKPOINT, O_ATTEST, O_FORMAT, O_TZ,
};

/* The options each subcommand takes besides --store, --actor, --reason, --now, -o. */
static const struct {
    const char *name;
    int needs_id;
    int options[12];
} subcommands[] = {
    {"open", 0, {O_TITLE, O_AWARE, O_KIND, O_REGIME, O_ENTITY, O_ID, O_FINDING}},
    {"update", 1, {O_TITLE, O_AWARE, O_REGIME, O_ENTITY, O_ENDED, O_MEASURE, O_SET, O_UNSET, O_FINDING}},
    {"classify", 1, {O_FACTS, O_FACT}},
    {"note", 1, {O_TEXT}},
    {"request", 1, {O_DUE, O_STAGE, O_REGIME}},
    {"submitted", 1, {O_STAGE, O_AT, O_REGIME, O_REF}},
    {"close", 1, {0}},
    {"list", 0, {O_ALL}},
    {"show", 1, {O_TZ}},
    {"due", 0, {O_WITHIN, O_FAIL}},
    {"report", 1, {O_STAGE, O_REGIME}},
    {"export", 1, {O_ATTEST}},
    {"verify", 0, {O_CHECKPOINT}},
};

int cmd_incident(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, O_STORE},   {"actor", required_argument, NULL, O_ACTOR},
        {"reason", required_argument, NULL, O_REASON}, {"now", required_argument, NULL, O_NOW},
        {"title", required_argument, NULL, O_TITLE},   {"aware-at", required_argument, NULL, O_AWARE},
        {"kind", required_argument, NULL, O_KIND},     {"regime", required_argument, NULL, O_REGIME},
        {"entity-type", required_argument, NULL, O_ENTITY}, {"id", required_argument, NULL, O_ID},
        {"ended-at", required_argument, NULL, O_ENDED}, {"measure-at", required_argument, NULL, O_MEASURE},
        {"text", required_argument, NULL, O_TEXT},     {"stage", required_argument, NULL, O_STAGE},
        {"at", required_argument, NULL, O_AT},         {"reference", required_argument, NULL, O_REF},
        {"due", required_argument, NULL, O_DUE},       {"within", required_argument, NULL, O_WITHIN},
        {"facts", required_argument, NULL, O_FACTS},   {"fact", required_argument, NULL, O_FACT},
        {"set", required_argument, NULL, O_SET},       {"unset", required_argument, NULL, O_UNSET},
        {"finding", required_argument, NULL, O_FINDING}, {"all", no_argument, NULL, O_ALL},
        {"fail", no_argument, NULL, O_FAIL},           {"checkpoint", required_argument, NULL, O_CHECKPOINT},
        {"attest", required_argument, NULL, O_ATTEST}, {"format", required_argument, NULL, O_FORMAT},
        {"tz", required_argument, NULL, O_TZ},         {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(incident_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    size_t sc, nsc = sizeof subcommands / sizeof *subcommands;
    for (sc = 0; sc < nsc; sc++)
        if (!strcmp(argv[1], subcommands[sc].name))
            break;
    if (sc == nsc)
        return usage_error("unknown subcommand '%s' (open, update, classify, note, request, submitted, close, list, "
                           "show, due, report, export, verify)", argv[1]);
    inc_opts o = {0};
    int c;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(incident_usage, stdout);
            return EXIT_OK;
        }
        if (c == '?')
            return EXIT_USAGE;
        int common = c == O_STORE || c == O_ACTOR || c == O_REASON || c == O_NOW || c == 'o' || c == O_FORMAT;
        int allowed = common;
        for (size_t k = 0; !allowed && k < sizeof subcommands[sc].options / sizeof(int); k++)
            allowed = subcommands[sc].options[k] == c;
        if (!allowed)
            return usage_error("%s: an option of another subcommand", argv[optind - 1]);
        const char **lists[] = {o.sets, o.unsets, o.facts, o.findings};
        size_t *counts[] = {&o.nsets, &o.nunsets, &o.nfacts, &o.nfindings};
        int li = c == O_SET ? 0 : c == O_UNSET ? 1 : c == O_FACT ? 2 : c == O_FINDING ? 3 : -1;
        if (li >= 0) {
            if (*counts[li] == MAX_SETS)
                return usage_error("%s: at most 64 of them", argv[optind - 1]);
            lists[li][(*counts[li])++] = optarg;
            continue;
        }
        switch (c) {
        case O_STORE: o.store = optarg; break;
        case O_ACTOR: o.actor = optarg; break;
        case O_REASON: o.reason = optarg; break;
        case O_NOW: o.now_text = optarg; break;
        case O_TITLE: o.title = optarg; break;
        case O_AWARE: o.aware_at = optarg; break;
        case O_KIND: o.kind = optarg; break;
        case O_REGIME: o.regime = optarg; break;
        case O_ENTITY: o.entity_type = optarg; break;
        case O_ID: o.id = optarg; break;
        case O_ENDED: o.ended_at = optarg; break;
        case O_MEASURE: o.measure_at = optarg; break;
        case O_TEXT: o.text = optarg; break;
        case O_STAGE: o.stage = optarg; break;
        case O_AT: o.at = optarg; break;
        case O_REF: o.reference = optarg; break;
        case O_DUE: o.due = optarg; break;
        case O_WITHIN: o.within = optarg; break;
        case O_FACTS: o.facts_file = optarg; break;
        case O_ALL: o.all = 1; break;
        case O_FAIL: o.fail = 1; break;
        case O_CHECKPOINT: o.checkpoint = optarg; break;
        case O_ATTEST: o.attest_key = optarg; break;
        case O_TZ:
            if (set_tz(optarg))
                return EXIT_USAGE;
            break;
        case 'o':
        case O_FORMAT: {
            if (o.noutputs == sizeof o.outputs / sizeof *o.outputs)
                return usage_error("%s: at most 4 outputs", "-o");
            const char *file = cli_output_cut(optarg);
            o.outputs[o.noutputs++] = (inc_output){.name = optarg, .path = file};
            break;
        }
        }
    }
    const char *id = NULL;
    if (subcommands[sc].needs_id) {
        if (optind >= argc)
            return usage_error("%s: give the incident's ID (vigil incident list shows them)", subcommands[sc].name);
        id = argv[optind++];
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o.stage && strcmp(subcommands[sc].name, "request") == 0 && strcmp(o.stage, "intermediate") != 0)
        return usage_error("request: --stage %s: only an intermediate report is requested",
                           o.stage);
    o.now = (int64_t)time(NULL);
    if (o.now_text && parse_time_opt("--now", o.now_text, &o.now, NULL))
        return EXIT_USAGE;
    if (o.noutputs > 1 && strcmp(subcommands[sc].name, "report") != 0)
        return usage_error("%s: one -o only", subcommands[sc].name);
    switch (sc) {
    case 0: return do_open(&o);
    case 1: return do_update(&o, id);
    case 2: return do_classify(&o, id);
    case 3: return do_note(&o, id);
    case 4: return do_request(&o, id);
    case 5: return do_submitted(&o, id);
    case 6: return do_close(&o, id);
    case 7: return do_list(&o);
    case 8: return with_record(&o, id, show_record, NULL);
    case 9: return do_due(&o);
    case 10:
        if (!o.stage || vg_incident_stage_parse(o.stage) < 0)
            return usage_error("report: --stage is required: early-warning, notification, intermediate, progress, "
                               "final or users-informed");
        return with_record(&o, id, report_record, NULL);
    case 11: return with_record(&o, id, export_record, NULL);
    default: return do_verify(&o);
    }
}
