/*
 * report.c — the report fields of an incident and the draft of each
 * submission the law asks for (docs/incidents.md, "Report drafts"; the JSON
 * draft is docs/incident-report.schema.json, "vigil-incident-report" 1).
 *
 * Law implemented: what each submission must carry, field by field:
 *   - Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a) early warning, (b)
 *     incident notification, (c) intermediate report, (d)(i)-(iv) final
 *     report, (e) progress report;
 *   - Regulation (EU) 2024/2847 (CRA), Art. 14(2)(a)-(c) for an actively
 *     exploited vulnerability, Art. 14(4)(a)-(c) for a severe incident,
 *     Art. 14(6) intermediate report, Art. 14(8) informing the users.
 * A field is required when its point lists it, "where applicable" included
 * (vigil cannot tell whether it applies: the reporter answers, "none" being
 * an answer); only the items the law asks for when they exist ("where
 * available": indicators of compromise, NIS2 Art. 23(4)(b); a malicious
 * actor, CRA Art. 14(2)(c)(ii)) are optional.  The progress report (NIS2
 * Art. 23(4)(e)) has no content of its own in the law: vigil drafts it
 * with the final report's fields and requires those that describe the
 * incident as it stands (description, severity, impact, mitigation).
 *
 * Vocabularies: root-cause categories are the MISP "nis" taxonomy's
 * nature-root-cause values and severities its nature-severity values
 * (github.com/MISP/misp-taxonomies nis/machinetag.json, version 2); the
 * sensitivity of CRA notifications is a Traffic Light Protocol 2.0 colour
 * (FIRST TLP 2.0, as MISP's "tlp" taxonomy writes them); member states are
 * the ISO 3166-1 alpha-2 codes of the 27 (Greece is GR, not EL).
 *
 * Leaves out: the clocks (clock.c gives the deadlines this file shows),
 * submitting anything, and any national template's extra fields.
 */
#include <stdio.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/incident.h"
#include "vigil/json.h"

/* ---- the fields --------------------------------------------------------- */

typedef enum field_type { FIELD_TEXT, FIELD_BOOLEAN, FIELD_ENUM, FIELD_LIST } field_type;

static const char *const field_type_names[] = {"text", "boolean", "enum", "list"};

#define TEXT_MAX 16384       /* bytes of a text field */
#define ITEM_MAX 1024        /* bytes of one item of a list */
#define IOC_MAX 1000         /* indicators of compromise in one list */
#define MEMBER_STATES_MAX 27 /* the Union's member states */

static const char *const severities[] = {"high", "medium", "low", NULL};
static const char *const root_causes[] = {"system-failures",   "natural-phenomena",    "human-errors",
                                          "malicious-actions", "third-party-failures", NULL};
static const char *const tlp_colours[] = {"clear", "green", "amber", "amber+strict", "red", NULL};
static const char *const member_states[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
                                            "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
                                            "PL", "PT", "RO", "SK", "SI", "ES", "SE", NULL};

typedef struct report_field {
    const char *name;
    const char *label;
    field_type type;
    size_t max;                 /* text: bytes; list: items */
    const char *const *values;  /* enum: the values; list: the items allowed (NULL: any) */
} report_field;

static const report_field fields[] = {
    {"suspectedMalicious", "Suspected of being caused by unlawful or malicious acts", FIELD_BOOLEAN, 0, NULL},
    {"crossBorderImpactPossible", "Could have a cross-border impact", FIELD_BOOLEAN, 0, NULL},
    {"initialAssessment", "Initial assessment", FIELD_TEXT, TEXT_MAX, NULL},
    {"severity", "Severity", FIELD_ENUM, 0, severities},
    {"impact", "Impact", FIELD_TEXT, TEXT_MAX, NULL},
    {"indicatorsOfCompromise", "Indicators of compromise", FIELD_LIST, IOC_MAX, NULL},
    {"statusUpdate", "Status update", FIELD_TEXT, TEXT_MAX, NULL},
    {"description", "Description", FIELD_TEXT, TEXT_MAX, NULL},
    {"rootCauseCategory", "Root cause category", FIELD_ENUM, 0, root_causes},
    {"rootCause", "Type of threat or root cause", FIELD_TEXT, TEXT_MAX, NULL},
    {"mitigationMeasures", "Applied and ongoing mitigation measures", FIELD_TEXT, TEXT_MAX, NULL},
    {"crossBorderImpact", "Cross-border impact", FIELD_TEXT, TEXT_MAX, NULL},
    {"memberStates", "Member states where the product is made available", FIELD_LIST, MEMBER_STATES_MAX,
     member_states},
    {"productInformation", "General information about the product", FIELD_TEXT, TEXT_MAX, NULL},
    {"vulnerabilityNature", "General nature of the vulnerability", FIELD_TEXT, TEXT_MAX, NULL},
    {"exploitNature", "General nature of the exploit", FIELD_TEXT, TEXT_MAX, NULL},
    {"incidentNature", "Nature of the incident", FIELD_TEXT, TEXT_MAX, NULL},
    {"correctiveMeasuresTaken", "Corrective or mitigating measures taken", FIELD_TEXT, TEXT_MAX, NULL},
    {"userMeasures", "Corrective or mitigating measures users can take", FIELD_TEXT, TEXT_MAX, NULL},
    {"informationSensitivity", "Sensitivity of the notified information (TLP)", FIELD_ENUM, 0, tlp_colours},
    {"maliciousActor", "Malicious actor", FIELD_TEXT, TEXT_MAX, NULL},
    {"securityUpdate", "Security update or other corrective measures made available", FIELD_TEXT, TEXT_MAX,
     NULL},
    {"userNotice", "Information given to the users", FIELD_TEXT, TEXT_MAX, NULL},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const report_field *field_find(const char *name)
{
    for (size_t i = 0; name && i < NFIELDS; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

/* ---- what each stage carries -------------------------------------------- */

typedef struct stage_item {
    const char *field;
    int required;
    const char *article;
} stage_item;

#define STAGE_ITEMS_MAX 8

typedef struct stage_content {
    unsigned regime;
    vg_incident_kind kind;
    vg_incident_stage stage;
    const char *article;
    stage_item items[STAGE_ITEMS_MAX]; /* ends at the first NULL field */
} stage_content;

#define INC VG_INCIDENT_KIND_INCIDENT
#define VULN VG_INCIDENT_KIND_VULNERABILITY

static const stage_content stages[] = {
    /* NIS2 Art. 23(4): significant incidents */
    {VG_REGIME_NIS2, INC, VG_STAGE_EARLY_WARNING, "NIS2 Art. 23(4)(a)",
     {{"suspectedMalicious", 1, "NIS2 Art. 23(4)(a)"}, {"crossBorderImpactPossible", 1, "NIS2 Art. 23(4)(a)"}}},
    {VG_REGIME_NIS2, INC, VG_STAGE_NOTIFICATION, "NIS2 Art. 23(4)(b)",
     {{"suspectedMalicious", 1, "NIS2 Art. 23(4)(b), updating (a)"},
      {"crossBorderImpactPossible", 1, "NIS2 Art. 23(4)(b), updating (a)"},
      {"initialAssessment", 1, "NIS2 Art. 23(4)(b)"},
      {"severity", 1, "NIS2 Art. 23(4)(b)"},
      {"impact", 1, "NIS2 Art. 23(4)(b)"},
      {"indicatorsOfCompromise", 0, "NIS2 Art. 23(4)(b)"}}},
    {VG_REGIME_NIS2, INC, VG_STAGE_INTERMEDIATE, "NIS2 Art. 23(4)(c)",
     {{"statusUpdate", 1, "NIS2 Art. 23(4)(c)"}}},
    {VG_REGIME_NIS2, INC, VG_STAGE_PROGRESS, "NIS2 Art. 23(4)(e)",
     {{"description", 1, "NIS2 Art. 23(4)(e), (d)(i)"},
      {"severity", 1, "NIS2 Art. 23(4)(e), (d)(i)"},
      {"impact", 1, "NIS2 Art. 23(4)(e), (d)(i)"},
      {"rootCauseCategory", 0, "NIS2 Art. 23(4)(e), (d)(ii)"},
      {"rootCause", 0, "NIS2 Art. 23(4)(e), (d)(ii)"},
      {"mitigationMeasures", 1, "NIS2 Art. 23(4)(e), (d)(iii)"},
      {"crossBorderImpact", 0, "NIS2 Art. 23(4)(e), (d)(iv)"}}},
    {VG_REGIME_NIS2, INC, VG_STAGE_FINAL, "NIS2 Art. 23(4)(d)",
     {{"description", 1, "NIS2 Art. 23(4)(d)(i)"},
      {"severity", 1, "NIS2 Art. 23(4)(d)(i)"},
      {"impact", 1, "NIS2 Art. 23(4)(d)(i)"},
      {"rootCauseCategory", 1, "NIS2 Art. 23(4)(d)(ii)"},
      {"rootCause", 1, "NIS2 Art. 23(4)(d)(ii)"},
      {"mitigationMeasures", 1, "NIS2 Art. 23(4)(d)(iii)"},
      {"crossBorderImpact", 1, "NIS2 Art. 23(4)(d)(iv)"}}},
    /* CRA Art. 14(2): an actively exploited vulnerability */
    {VG_REGIME_CRA, VULN, VG_STAGE_EARLY_WARNING, "CRA Art. 14(2)(a)",
     {{"memberStates", 1, "CRA Art. 14(2)(a)"}}},
    {VG_REGIME_CRA, VULN, VG_STAGE_NOTIFICATION, "CRA Art. 14(2)(b)",
     {{"productInformation", 1, "CRA Art. 14(2)(b)"},
      {"vulnerabilityNature", 1, "CRA Art. 14(2)(b)"},
      {"exploitNature", 1, "CRA Art. 14(2)(b)"},
      {"correctiveMeasuresTaken", 1, "CRA Art. 14(2)(b)"},
      {"userMeasures", 1, "CRA Art. 14(2)(b)"},
      {"informationSensitivity", 1, "CRA Art. 14(2)(b)"}}},
    {VG_REGIME_CRA, VULN, VG_STAGE_INTERMEDIATE, "CRA Art. 14(6)",
     {{"statusUpdate", 1, "CRA Art. 14(6)"}}},
    {VG_REGIME_CRA, VULN, VG_STAGE_FINAL, "CRA Art. 14(2)(c)",
     {{"description", 1, "CRA Art. 14(2)(c)(i)"},
      {"severity", 1, "CRA Art. 14(2)(c)(i)"},
      {"impact", 1, "CRA Art. 14(2)(c)(i)"},
      {"maliciousActor", 0, "CRA Art. 14(2)(c)(ii)"},
      {"securityUpdate", 1, "CRA Art. 14(2)(c)(iii)"}}},
    {VG_REGIME_CRA, VULN, VG_STAGE_USERS_INFORMED, "CRA Art. 14(8)",
     {{"userNotice", 1, "CRA Art. 14(8)"}, {"userMeasures", 1, "CRA Art. 14(8)"}}},
    /* CRA Art. 14(4): a severe incident having an impact on the product's security */
    {VG_REGIME_CRA, INC, VG_STAGE_EARLY_WARNING, "CRA Art. 14(4)(a)",
     {{"suspectedMalicious", 1, "CRA Art. 14(4)(a)"}, {"memberStates", 1, "CRA Art. 14(4)(a)"}}},
    {VG_REGIME_CRA, INC, VG_STAGE_NOTIFICATION, "CRA Art. 14(4)(b)",
     {{"incidentNature", 1, "CRA Art. 14(4)(b)"},
      {"initialAssessment", 1, "CRA Art. 14(4)(b)"},
      {"correctiveMeasuresTaken", 1, "CRA Art. 14(4)(b)"},
      {"userMeasures", 1, "CRA Art. 14(4)(b)"},
      {"informationSensitivity", 1, "CRA Art. 14(4)(b)"}}},
    {VG_REGIME_CRA, INC, VG_STAGE_INTERMEDIATE, "CRA Art. 14(6)",
     {{"statusUpdate", 1, "CRA Art. 14(6)"}}},
    {VG_REGIME_CRA, INC, VG_STAGE_FINAL, "CRA Art. 14(4)(c)",
     {{"description", 1, "CRA Art. 14(4)(c)(i)"},
      {"severity", 1, "CRA Art. 14(4)(c)(i)"},
      {"impact", 1, "CRA Art. 14(4)(c)(i)"},
      {"rootCauseCategory", 1, "CRA Art. 14(4)(c)(ii)"},
      {"rootCause", 1, "CRA Art. 14(4)(c)(ii)"},
      {"mitigationMeasures", 1, "CRA Art. 14(4)(c)(iii)"}}},
    {VG_REGIME_CRA, INC, VG_STAGE_USERS_INFORMED, "CRA Art. 14(8)",
     {{"userNotice", 1, "CRA Art. 14(8)"}, {"userMeasures", 1, "CRA Art. 14(8)"}}},
};

static const char *const stage_titles[VG_STAGE_COUNT] = {"Early warning",   "Notification",
                                                         "Intermediate report", "Progress report",
                                                         "Final report",    "Users informed"};

static const stage_content *stage_find(unsigned regime, vg_incident_kind kind, vg_incident_stage stage)
{
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        if (stages[i].regime == regime && stages[i].kind == kind && stages[i].stage == stage)
            return &stages[i];
    return NULL;
}

/* ---- checking one field --------------------------------------------------- */

/* A message naming what is wrong with s (at most max bytes), or NULL when
 * it is fine: not empty, no control character but newline and tab
 * (multiline) and no more than max bytes.  jansson strings are UTF-8. */
static const char *text_problem(const json_t *s, size_t max, int multiline)
{
    const char *v = json_string_value(s);
    size_t len = json_string_length(s);
    if (len == 0)
        return "is empty";
    if (len > max)
        return "is too long";
    if (strlen(v) != len)
        return "holds a NUL character";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            return "holds a control character";
    }
    return NULL;
}

static int in_list(const char *const *values, const char *s)
{
    for (; *values; values++)
        if (strcmp(*values, s) == 0)
            return 1;
    return 0;
}

/* "a, b, c" of values into out. */
static void join(const char *const *values, char *out, size_t outsz)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; values[i] && n < outsz; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? ", " : "", values[i]);
}

static void field_names(char *out, size_t outsz)
{
    const char *names[NFIELDS + 1];
    for (size_t i = 0; i < NFIELDS; i++)
        names[i] = fields[i].name;
    names[NFIELDS] = NULL;
    join(names, out, outsz);
}

int vg_incident_field_check(vg_ctx *ctx, const char *name, const json_t *value)
{
    const report_field *f = field_find(name);
    if (!f) {
        char known[1024];
        field_names(known, sizeof known);
        return vg_error(ctx, VG_ERR_USAGE, "unknown report field '%.64s' (known: %s)", name ? name : "", known);
    }
    char allowed[512];
    const char *problem;
    switch (f->type) {
    case FIELD_BOOLEAN:
        if (!json_is_boolean(value))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: not true or false", f->name);
        return VG_OK;
    case FIELD_TEXT:
        if (!json_is_string(value))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: not a text", f->name);
        if ((problem = text_problem(value, f->max, 1)))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: the text %s (at most %zu bytes, no control "
                            "characters but newline and tab)", f->name, problem, f->max);
        return VG_OK;
    case FIELD_ENUM:
        join(f->values, allowed, sizeof allowed);
        if (!json_is_string(value) || !in_list(f->values, json_string_value(value)))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: not one of %s", f->name, allowed);
        return VG_OK;
    case FIELD_LIST:
        break;
    }
    if (!json_is_array(value))
        return vg_error(ctx, VG_ERR_USAGE, "report field %s: not a list of texts", f->name);
    size_t n = json_array_size(value);
    if (n == 0 || n > f->max)
        return vg_error(ctx, VG_ERR_USAGE, "report field %s: a list of 1 to %zu items, not %zu", f->name, f->max, n);
    if (f->values)
        join(f->values, allowed, sizeof allowed);
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(value, i);
        if (!json_is_string(item))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: item %zu is not a text", f->name, i + 1);
        if ((problem = text_problem(item, ITEM_MAX, 0)))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: item %zu %s (at most %d bytes, no control "
                            "characters)", f->name, i + 1, problem, ITEM_MAX);
        const char *s = json_string_value(item);
        if (f->values && !in_list(f->values, s))
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: item %zu '%.64s' is not one of %s", f->name,
                            i + 1, s, allowed);
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_array_get(value, j)), s) == 0)
                return vg_error(ctx, VG_ERR_USAGE, "report field %s: item %zu '%.64s' is given twice", f->name,
                                i + 1, s);
    }
    return VG_OK;
}

int vg_incident_field_parse(vg_ctx *ctx, const char *assignment, const char **name, json_t **value)
{
    *name = NULL;
    *value = NULL;
    size_t len = strnlen(assignment, VG_INCIDENT_FIELD_MAX + 1);
    if (len > VG_INCIDENT_FIELD_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "report field: NAME=VALUE longer than %d bytes", VG_INCIDENT_FIELD_MAX);
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return vg_error(ctx, VG_ERR_USAGE, "report field: '%.64s' is not NAME=VALUE", assignment);
    char field_name[64];
    size_t nlen = (size_t)(eq - assignment);
    const report_field *f = NULL;
    if (nlen < sizeof field_name) {
        memcpy(field_name, assignment, nlen);
        field_name[nlen] = '\0';
        f = field_find(field_name);
    }
    if (!f) {
        char known[1024];
        field_names(known, sizeof known);
        return vg_error(ctx, VG_ERR_USAGE, "unknown report field '%.*s' (known: %s)", (int)(nlen < 64 ? nlen : 64),
                        assignment, known);
    }
    const char *text = eq + 1;
    json_t *v = NULL;
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_ENUM:
        v = json_string(text);
        if (!v)
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: the value is not UTF-8", f->name);
        break;
    case FIELD_BOOLEAN:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: true or false, not '%.64s'", f->name, text);
        v = json_boolean(text[0] == 't');
        break;
    case FIELD_LIST: {
        if (text[0] != '[')
            return vg_error(ctx, VG_ERR_USAGE, "report field %s: a JSON list of texts, e.g. %s=[\"%s\"]", f->name,
                            f->name, f->values ? f->values[0] : "...");
        vg_ctx parse;
        vg_ctx_init(&parse);
        int rc = vg_json_parse(&parse, f->name, text, strlen(text), &v);
        if (rc != VG_OK) {
            rc = vg_error(ctx, rc == VG_ERR_NOMEM ? rc : VG_ERR_USAGE, "report field %s", parse.message);
            vg_ctx_free(&parse);
            return rc;
        }
        vg_ctx_free(&parse);
        break;
    }
    }
    if (!v)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int rc = vg_incident_field_check(ctx, f->name, v);
    if (rc != VG_OK) {
        json_decref(v);
        return rc;
    }
    *name = f->name;
    *value = v;
    return VG_OK;
}

/* ---- the JSON draft ------------------------------------------------------- */

#define REPORT_VERSION 1
#define REPORT_SCHEMA "https://vigil.dev/schemas/incident-report/v1"

/* A new JSON string of t in RFC 3339 UTC, or NULL when out of range. */
static json_t *time_value(int64_t t)
{
    char text[32];
    return fmt_timestamp(t, text) == 0 ? json_string(text) : NULL;
}

/* Whether a stored value counts as not filled in. */
static int value_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* The deadline of (regime, stage): the first still pending, else the
 * last submitted; NULL when the clocks gave none. */
static const vg_deadline *deadline_find(const vg_deadline *d, size_t n, unsigned regime, vg_incident_stage stage)
{
    const vg_deadline *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (d[i].regime != regime || d[i].stage != stage)
            continue;
        if (!d[i].submitted)
            return &d[i];
        last = &d[i];
    }
    return last;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *deadline_json(const vg_deadline *d, int *bad)
{
    if (!d)
        return json_null();
    json_t *o = json_object();
    if (!o)
        return NULL;
    fmt_set(o, "article", str_or_null(d->article), bad);
    fmt_set(o, "due", d->due ? time_value(d->due) : json_null(), bad);
    fmt_set(o, "waiting", d->due ? json_null() : str_or_null(d->waiting ? d->waiting : "undetermined"), bad);
    fmt_set(o, "orProgress", json_boolean(d->or_progress), bad);
    fmt_set(o, "provisional", json_boolean(d->provisional), bad);
    fmt_set(o, "submitted", d->submitted ? time_value(d->submitted) : json_null(), bad);
    fmt_set(o, "reference", str_or_null(d->reference), bad);
    return o;
}

static const char *significance_name(int s)
{
    return s == VG_SIGNIFICANCE_YES ? "significant" : s == VG_SIGNIFICANCE_NO ? "not-significant" : "undetermined";
}

int vg_incident_report(vg_ctx *ctx, const vg_incident *inc, const vg_deadline *deadlines, size_t ndeadlines,
                       unsigned regime, vg_incident_stage stage, int64_t now, json_t **out)
{
    *out = NULL;
    if (regime != VG_REGIME_NIS2 && regime != VG_REGIME_CRA)
        return vg_error(ctx, VG_ERR_USAGE, "report: the regime is nis2 or cra, one at a time");
    if ((int)stage < 0 || stage >= VG_STAGE_COUNT)
        return vg_error(ctx, VG_ERR_USAGE, "report: no such stage (%d)", (int)stage);
    if (inc->kind != VG_INCIDENT_KIND_INCIDENT && inc->kind != VG_INCIDENT_KIND_VULNERABILITY)
        return vg_error(ctx, VG_ERR_USAGE, "report: incident %s has no kind", inc->id ? inc->id : "");
    const char *id = inc->id ? inc->id : "";
    const char *kind = inc->kind == VG_INCIDENT_KIND_INCIDENT ? "incident" : "vulnerability";
    if (!(inc->regimes & regime))
        return vg_error(ctx, VG_ERR_USAGE, "report: %s %s is not under %s; its reports are those of %s", kind, id,
                        regime == VG_REGIME_NIS2 ? "NIS2" : "the CRA",
                        (inc->regimes & VG_REGIME_NIS2) ? ((inc->regimes & VG_REGIME_CRA) ? "NIS2 and the CRA" : "NIS2")
                        : (inc->regimes & VG_REGIME_CRA) ? "the CRA" : "no regime");
    const stage_content *content = stage_find(regime, inc->kind, stage);
    if (!content) {
        char valid[256] = "";
        size_t n = 0;
        for (int s = 0; s < VG_STAGE_COUNT; s++)
            if (stage_find(regime, inc->kind, (vg_incident_stage)s))
                n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", n ? ", " : "", vg_incident_stage_name((vg_incident_stage)s));
        if (n == 0)
            return vg_error(ctx, VG_ERR_USAGE, "report: NIS2 Art. 23 asks for reports on significant incidents; %s "
                            "is a vulnerability (CRA Art. 14(2))", id);
        return vg_error(ctx, VG_ERR_USAGE, "report: %s %s has no %s %s report (its %s stages: %s)", kind, id,
                        regime == VG_REGIME_NIS2 ? "NIS2" : "CRA", vg_incident_stage_name(stage),
                        regime == VG_REGIME_NIS2 ? "NIS2" : "CRA", valid);
    }

    int bad = 0;
    json_t *doc = json_object(), *incident = json_object(), *list = json_array(), *blockers = json_array();
    if (!doc || !incident || !list || !blockers) {
        json_decref(doc);
        json_decref(incident);
        json_decref(list);
        json_decref(blockers);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < STAGE_ITEMS_MAX && content->items[i].field; i++) {
        const stage_item *item = &content->items[i];
        const report_field *f = field_find(item->field);
        const json_t *value = inc->fields ? json_object_get(inc->fields, f->name) : NULL;
        int empty = value_empty(value);
        if (!empty) {
            int rc = vg_incident_field_check(ctx, f->name, value);
            if (rc != VG_OK) {
                char why[sizeof ctx->message];
                snprintf(why, sizeof why, "%s", ctx->message);
                json_decref(doc);
                json_decref(incident);
                json_decref(list);
                json_decref(blockers);
                return vg_error(ctx, VG_ERR_FORMAT, "report: %s %s: %s", kind, id, why);
            }
        }
        json_t *entry = json_object();
        if (entry) {
            fmt_set(entry, "name", json_string(f->name), &bad);
            fmt_set(entry, "label", json_string(f->label), &bad);
            fmt_set(entry, "type", json_string(field_type_names[f->type]), &bad);
            fmt_set(entry, "required", json_boolean(item->required), &bad);
            fmt_set(entry, "article", json_string(item->article), &bad);
            fmt_set(entry, "value", empty ? json_null() : json_deep_copy(value), &bad);
        }
        fmt_append(list, entry, &bad);
        if (item->required && empty) {
            json_t *blocker = json_object();
            if (blocker) {
                fmt_set(blocker, "field", json_string(f->name), &bad);
                fmt_set(blocker, "label", json_string(f->label), &bad);
                fmt_set(blocker, "article", json_string(item->article), &bad);
            }
            fmt_append(blockers, blocker, &bad);
        }
    }
    size_t nblockers = json_array_size(blockers);

    fmt_set(incident, "id", fmt_str(id), &bad);
    fmt_set(incident, "title", fmt_str(inc->title ? inc->title : ""), &bad);
    fmt_set(incident, "kind", json_string(kind), &bad);
    fmt_set(incident, "awareAt", time_value(inc->aware_at), &bad);
    fmt_set(incident, "significance", json_string(significance_name(inc->significance)), &bad);

    fmt_set(doc, "vigil-incident-report", json_integer(REPORT_VERSION), &bad);
    fmt_set(doc, "schema", json_string(REPORT_SCHEMA), &bad);
    fmt_set(doc, "generatedAt", time_value(now), &bad);
    fmt_set(doc, "incident", incident, &bad);
    fmt_set(doc, "regime", json_string(vg_incident_regime_name(regime)), &bad);
    fmt_set(doc, "stage", json_string(vg_incident_stage_name(stage)), &bad);
    fmt_set(doc, "title", json_string(stage_titles[stage]), &bad);
    fmt_set(doc, "article", json_string(content->article), &bad);
    fmt_set(doc, "deadline", deadline_json(deadline_find(deadlines, ndeadlines, regime, stage), &bad), &bad);
    fmt_set(doc, "complete", json_boolean(nblockers == 0), &bad);
    fmt_set(doc, "blockers", blockers, &bad);
    fmt_set(doc, "fields", list, &bad);
    if (bad) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_USAGE, "report: %s %s: out of memory, or a time outside years 0000-9999", kind,
                        id);
    }
    *out = doc;
    return VG_OK;
}

/* ---- renderings for people ------------------------------------------------ */

static const char *member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Whether report looks like what vg_incident_report() writes, so that
 * the renderings can read it without checking each member again. */
static int report_usable(const json_t *report)
{
    const json_t *version = json_object_get(report, "vigil-incident-report");
    if (!json_is_integer(version) || json_integer_value(version) != REPORT_VERSION)
        return 0;
    if (!json_is_object(json_object_get(report, "incident")) || !json_is_array(json_object_get(report, "fields")) ||
        !json_is_array(json_object_get(report, "blockers")))
        return 0;
    const json_t *deadline = json_object_get(report, "deadline");
    return json_is_object(deadline) || json_is_null(deadline);
}

/* A rendering: the same walk through the draft, written by one of two
 * sets of primitives (Markdown or HTML). */
typedef struct render {
    vg_buf *out;
    int rc;
    int html;
} render;

static void put(render *r, const char *s)
{
    if (r->rc == VG_OK)
        r->rc = vg_buf_addstr(r->out, s);
}

/* Text for people: & < > (and in HTML " ') as character references, so
 * that no markup a viewer renders comes from the data; in Markdown also a
 * backslash before each character Markdown gives a meaning to inside a
 * line; a newline as <br> (a table cell is one line); other control
 * characters dropped (field values hold none; titles might). */
static void text(render *r, const char *s)
{
    for (; *s && r->rc == VG_OK; s++) {
        unsigned char c = (unsigned char)*s;
        const char *with = NULL;
        switch (c) {
        case '&': with = "&amp;"; break;
        case '<': with = "&lt;"; break;
        case '>': with = "&gt;"; break;
        case '\n': with = "<br>"; break;
        case '"': with = r->html ? "&quot;" : NULL; break;
        case '\'': with = r->html ? "&#39;" : NULL; break;
        default: break;
        }
        if (with) {
            put(r, with);
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (!r->html && strchr("\\`*_[]|~", c))
            r->rc = vg_buf_addc(r->out, '\\');
        if (r->rc == VG_OK)
            r->rc = vg_buf_addc(r->out, (char)c);
    }
}

/* A field's value as people read it: yes/no, a list joined by ", ". */
static void value(render *r, const json_t *v)
{
    if (json_is_boolean(v)) {
        put(r, json_is_true(v) ? "yes" : "no");
    } else if (json_is_string(v)) {
        text(r, json_string_value(v));
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const char *item = json_string_value(json_array_get(v, i));
            if (i)
                put(r, ", ");
            text(r, item ? item : "");
        }
    } else {
        put(r, r->html ? "<em>empty</em>" : "*empty*");
    }
}

/* "due 2026-...Z (pending)" and the rest of the deadline, as one line. */
static void deadline_line(render *r, const json_t *d)
{
    if (!json_is_object(d)) {
        put(r, "no deadline: the authority has not asked for this report, or it is not due yet");
        return;
    }
    const char *due = member(d, "due"), *submitted = member(d, "submitted");
    if (*due) {
        put(r, "due ");
        text(r, due);
    } else {
        put(r, "no due date yet: waiting for ");
        text(r, member(d, "waiting"));
    }
    if (*submitted) {
        put(r, "; submitted ");
        text(r, submitted);
        if (*member(d, "reference")) {
            put(r, ", reference ");
            text(r, member(d, "reference"));
        }
    } else {
        put(r, "; not submitted");
    }
    if (json_is_true(json_object_get(d, "orProgress")))
        put(r, "; a progress report instead if the incident is still ongoing then (NIS2 Art. 23(4)(e))");
    if (json_is_true(json_object_get(d, "provisional")))
        put(r, "; provisional: the incident is not classified significant yet");
    put(r, " (");
    text(r, member(d, "article"));
    put(r, ")");
}

static int render_report(const json_t *report, vg_buf *out, int html)
{
    if (!report_usable(report))
        return VG_ERR_USAGE;
    render rr = {out, VG_OK, html}, *r = &rr;
    const json_t *inc = json_object_get(report, "incident");
    const json_t *blockers = json_object_get(report, "blockers"), *list = json_object_get(report, "fields");
    const char *regime = strcmp(member(report, "regime"), "nis2") == 0 ? "NIS2" : "CRA";
    size_t nblockers = json_array_size(blockers);
    char count[64];

    if (html) {
        put(r, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        text(r, regime);
        put(r, " ");
        text(r, member(report, "title"));
        put(r, ": ");
        text(r, member(inc, "id"));
        put(r, "</title>\n<style>\nbody{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}\n"
               "table{border-collapse:collapse;width:100%}\nth,td{border:1px solid #999;padding:.3em .5em;"
               "text-align:left;vertical-align:top}\n.blockers{border:3px solid #c00;background:#fee;"
               "padding:.5em 1em;margin:1em 0}\n.blockers h2{color:#c00;margin:.2em 0}\n.ready{border:2px solid "
               "#393;background:#efe;padding:.5em 1em}\n.missing{color:#c00;font-weight:bold}\n</style>\n"
               "</head>\n<body>\n<h1>");
    } else {
        put(r, "# ");
    }
    text(r, regime);
    put(r, " ");
    text(r, member(report, "title"));
    put(r, " \xE2\x80\x94 ");
    text(r, member(inc, "id"));
    put(r, html ? "</h1>\n<p><strong>" : "\n\n**");
    text(r, member(inc, "title"));
    put(r, html ? "</strong> (" : "** (");
    text(r, member(inc, "kind"));
    put(r, ", aware at ");
    text(r, member(inc, "awareAt"));
    put(r, ", ");
    text(r, member(inc, "significance"));
    put(r, "); ");
    text(r, member(report, "article"));
    put(r, html ? "</p>\n" : "\n\n");

    if (nblockers) {
        snprintf(count, sizeof count, "%zu required field%s still empty", nblockers, nblockers == 1 ? " is" : "s are");
        put(r, html ? "<div class=\"blockers\">\n<h2>NOT READY: " : "> **NOT READY: ");
        put(r, count);
        put(r, html ? "</h2>\n<ul>\n" : "**\n>\n");
        for (size_t i = 0; i < nblockers; i++) {
            const json_t *b = json_array_get(blockers, i);
            put(r, html ? "<li>" : "> - ");
            text(r, member(b, "label"));
            put(r, html ? " (<code>" : " (`");
            text(r, member(b, "field"));
            put(r, html ? "</code>, " : "`, ");
            text(r, member(b, "article"));
            put(r, html ? ")</li>\n" : ")\n");
        }
        put(r, html ? "</ul>\n</div>\n" : "\n");
    } else {
        put(r, html ? "<p class=\"ready\">Every required field is filled in.</p>\n"
                    : "Every required field is filled in.\n\n");
    }

    put(r, html ? "<h2>Deadline</h2>\n<p>" : "## Deadline\n\n");
    deadline_line(r, json_object_get(report, "deadline"));
    put(r, html ? "</p>\n<h2>Fields</h2>\n<table>\n<tr><th>Field</th><th>Value</th><th>Required</th>"
                  "<th>Article</th></tr>\n"
                : "\n\n## Fields\n\n| Field | Value | Required | Article |\n|---|---|---|---|\n");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *f = json_array_get(list, i);
        const json_t *v = json_object_get(f, "value");
        int required = json_is_true(json_object_get(f, "required"));
        put(r, html ? "<tr><td>" : "| ");
        text(r, member(f, "label"));
        put(r, html ? " (<code>" : " (`");
        text(r, member(f, "name"));
        put(r, html ? "</code>)</td><td>" : "`) | ");
        if (json_is_null(v) && required)
            put(r, html ? "<span class=\"missing\">MISSING</span>" : "**MISSING**");
        else
            value(r, v);
        put(r, html ? "</td><td>" : " | ");
        put(r, required ? "required" : "optional");
        put(r, html ? "</td><td>" : " | ");
        text(r, member(f, "article"));
        put(r, html ? "</td></tr>\n" : " |\n");
    }
    put(r, html ? "</table>\n<p><small>Generated " : "\nGenerated ");
    text(r, member(report, "generatedAt"));
    put(r, " by vigil (vigil-incident-report 1). A draft: check it before you submit it.");
    put(r, html ? "</small></p>\n</body>\n</html>\n" : "\n");
    return r->rc;
}

int vg_incident_report_markdown(const json_t *report, vg_buf *out)
{
    return render_report(report, out, 0);
}

int vg_incident_report_html(const json_t *report, vg_buf *out)
{
    return render_report(report, out, 1);
}
