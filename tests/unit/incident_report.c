/*
 * incident_report.c — unit test of the report fields and drafts
 * (src/incident/report.c; docs/incidents.md, "Report drafts").
 *
 * For every stage of each regime and kind, the blockers of an incident
 * with no field set are exactly the fields the article lists, written here
 * by hand from NIS2 Art. 23(4)(a)-(e) and CRA Art. 14(2), 14(4), 14(6) and
 * 14(8); with every field set there is none left and the values are in
 * the draft.  Stages that do not apply are refused with a message; bad
 * field names and values are refused with a message naming them; the
 * Markdown holds the values and the HTML escapes everything.
 *
 *   unit_incident_report           runs the test
 *   unit_incident_report DIR       also writes the full drafts into DIR,
 *                                  for tests/tools/validate.mjs
 *                                  vigil-incident-report
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vigil/incident.h"

/* 2026-12-04T09:00:00Z, the awareness time of every incident here. */
#define AWARE 1796374800LL
#define HOUR 3600LL

static vg_incident make(vg_incident_kind kind, unsigned regimes, json_t *fields, const char *title)
{
    vg_incident inc;
    memset(&inc, 0, sizeof inc);
    inc.id = "INC-7";
    inc.title = title;
    inc.kind = kind;
    inc.regimes = regimes;
    inc.aware_at = AWARE;
    inc.opened_at = AWARE + 600;
    inc.significance = VG_SIGNIFICANCE_YES;
    inc.fields = fields;
    return inc;
}

/* The names in the draft's blockers, space-separated, into out. */
static void blocker_names(const json_t *report, char *out, size_t outsz)
{
    size_t n = 0;
    out[0] = '\0';
    const json_t *blockers = json_object_get(report, "blockers");
    for (size_t i = 0; i < json_array_size(blockers) && n < outsz; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? " " : "",
                              json_string_value(json_object_get(json_array_get(blockers, i), "field")));
}

static size_t words(const char *s)
{
    size_t n = *s ? 1 : 0;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

typedef struct stage_case {
    unsigned regime;
    vg_incident_kind kind;
    vg_incident_stage stage;
    const char *article;
    const char *required; /* the blockers of an empty incident, in the order of the draft */
    const char *optional; /* the other fields it carries */
} stage_case;

static const stage_case cases[] = {
    /* NIS2 Art. 23(4)(a): "whether the significant incident is suspected of being caused by
     * unlawful or malicious acts or could have a cross-border impact" */
    {VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_EARLY_WARNING, "NIS2 Art. 23(4)(a)",
     "suspectedMalicious crossBorderImpactPossible", ""},
    /* (b): update of (a), "an initial assessment ... including its severity and impact, as well
     * as, where available, the indicators of compromise" */
    {VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_NOTIFICATION, "NIS2 Art. 23(4)(b)",
     "suspectedMalicious crossBorderImpactPossible initialAssessment severity impact", "indicatorsOfCompromise"},
    /* (c): "an intermediate report on relevant status updates" */
    {VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_INTERMEDIATE, "NIS2 Art. 23(4)(c)", "statusUpdate", ""},
    /* (e): a progress report; vigil asks for what describes the incident as it stands */
    {VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_PROGRESS, "NIS2 Art. 23(4)(e)",
     "description severity impact mitigationMeasures", "rootCauseCategory rootCause crossBorderImpact"},
    /* (d)(i) description with severity and impact; (ii) type of threat or root cause; (iii)
     * applied and ongoing mitigation measures; (iv) where applicable, the cross-border impact */
    {VG_REGIME_NIS2, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_FINAL, "NIS2 Art. 23(4)(d)",
     "description severity impact rootCauseCategory rootCause mitigationMeasures crossBorderImpact", ""},
    /* CRA Art. 14(2)(a): the member states where the product has been made available */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY, VG_STAGE_EARLY_WARNING, "CRA Art. 14(2)(a)", "memberStates",
     ""},
    /* (b): general information about the product, general nature of the exploit and of the
     * vulnerability, measures taken, measures users can take, how sensitive */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY, VG_STAGE_NOTIFICATION, "CRA Art. 14(2)(b)",
     "productInformation vulnerabilityNature exploitNature correctiveMeasuresTaken userMeasures "
     "informationSensitivity",
     ""},
    /* Art. 14(6): intermediate report on relevant status updates */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY, VG_STAGE_INTERMEDIATE, "CRA Art. 14(6)", "statusUpdate", ""},
    /* (c)(i) description with severity and impact; (ii) where available, malicious actor; (iii)
     * the security update or other corrective measures */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY, VG_STAGE_FINAL, "CRA Art. 14(2)(c)",
     "description severity impact securityUpdate", "maliciousActor"},
    /* Art. 14(8): inform the users, and where necessary of measures they can deploy */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_VULNERABILITY, VG_STAGE_USERS_INFORMED, "CRA Art. 14(8)",
     "userNotice userMeasures", ""},
    /* Art. 14(4)(a): at least whether suspected unlawful or malicious; member states */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_EARLY_WARNING, "CRA Art. 14(4)(a)",
     "suspectedMalicious memberStates", ""},
    /* (b): nature of the incident, initial assessment, measures taken, measures users can take,
     * how sensitive */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_NOTIFICATION, "CRA Art. 14(4)(b)",
     "incidentNature initialAssessment correctiveMeasuresTaken userMeasures informationSensitivity", ""},
    {VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_INTERMEDIATE, "CRA Art. 14(6)", "statusUpdate", ""},
    /* (c)(i) description with severity and impact; (ii) type of threat or root cause; (iii)
     * applied and ongoing mitigation measures */
    {VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_FINAL, "CRA Art. 14(4)(c)",
     "description severity impact rootCauseCategory rootCause mitigationMeasures", ""},
    {VG_REGIME_CRA, VG_INCIDENT_KIND_INCIDENT, VG_STAGE_USERS_INFORMED, "CRA Art. 14(8)", "userNotice userMeasures",
     ""},
};

/* Every field set, as `vigil incident update --set` gives them. */
static const char *const assignments[] = {
    "suspectedMalicious=true",
    "crossBorderImpactPossible=false",
    "initialAssessment=Ransomware encrypted the billing cluster",
    "severity=high",
    "impact=Billing unavailable for 6 hours",
    "indicatorsOfCompromise=[\"198.51.100.7\", \"sha256:9f86d081884c7d659a2feaa0c55ad015\"]",
    "statusUpdate=Restored from backups; forensics ongoing",
    "description=Ransomware entered through a VPN appliance",
    "rootCauseCategory=malicious-actions",
    "rootCause=Unpatched VPN appliance (CVE-2026-0001)",
    "mitigationMeasures=Appliance patched; credentials rotated",
    "crossBorderImpact=None found",
    "memberStates=[\"DE\", \"FR\"]",
    "productInformation=Gateway firmware 4.2",
    "vulnerabilityNature=Heap overflow in the TLS parser",
    "exploitNature=Remote code execution without authentication",
    "incidentNature=Signing key of the update channel stolen",
    "correctiveMeasuresTaken=Update channel closed",
    "userMeasures=Disable remote management",
    "informationSensitivity=amber",
    "maliciousActor=Unknown group",
    "securityUpdate=Firmware 4.2.1",
    "userNotice=Advisory VSA-2026-3 sent to all customers",
};
#define NASSIGN (sizeof assignments / sizeof assignments[0])

static json_t *all_fields(void)
{
    json_t *fields = json_object();
    for (size_t i = 0; i < NASSIGN; i++) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        const char *name = NULL;
        json_t *value = NULL;
        int rc = vg_incident_field_parse(&ctx, assignments[i], &name, &value);
        CHECK(rc == VG_OK, "%s: %d %s", assignments[i], rc, ctx.message);
        if (rc == VG_OK)
            json_object_set_new(fields, name, value);
        vg_ctx_free(&ctx);
    }
    return fields;
}

static void write_draft(const char *dir, const char *name, const json_t *report)
{
    if (!dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    CHECK(json_dump_file(report, path, JSON_INDENT(2)) == 0, "cannot write %s", path);
}

static void test_stages(const char *dir)
{
    json_t *empty = json_object(), *full = all_fields();
    CHECK(json_object_size(full) == NASSIGN, "every field set: %zu", json_object_size(full));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const stage_case *c = &cases[i];
        char tag[128], names[1024], carried[1024];
        snprintf(tag, sizeof tag, "%s %s %s", c->regime == VG_REGIME_NIS2 ? "nis2" : "cra",
                 c->kind == VG_INCIDENT_KIND_INCIDENT ? "incident" : "vulnerability", c->article);
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_incident inc = make(c->kind, VG_REGIME_NIS2 | VG_REGIME_CRA, empty, "Billing outage");
        json_t *report = NULL;
        int rc = vg_incident_report(&ctx, &inc, NULL, 0, c->regime, c->stage, AWARE + HOUR, &report);
        CHECK(rc == VG_OK, "%s: %d %s", tag, rc, ctx.message);
        if (rc == VG_OK) {
            blocker_names(report, names, sizeof names);
            CHECK(strcmp(names, c->required) == 0, "%s: blockers '%s', not '%s'", tag, names, c->required);
            CHECK(strcmp(json_string_value(json_object_get(report, "article")), c->article) == 0, "%s: article %s",
                  tag, json_string_value(json_object_get(report, "article")));
            CHECK(json_is_false(json_object_get(report, "complete")), "%s: complete while blocked", tag);
            CHECK(json_is_null(json_object_get(report, "deadline")), "%s: a deadline from none", tag);
            /* the fields carried: the required ones then the optional ones, in the draft's order */
            const json_t *list = json_object_get(report, "fields");
            size_t n = 0;
            carried[0] = '\0';
            for (size_t j = 0; j < json_array_size(list); j++) {
                const json_t *f = json_array_get(list, j);
                if (!json_is_true(json_object_get(f, "required")))
                    n += (size_t)snprintf(carried + n, sizeof carried - n, "%s%s", n ? " " : "",
                                          json_string_value(json_object_get(f, "name")));
                CHECK(json_is_null(json_object_get(f, "value")), "%s: a value in an empty incident", tag);
            }
            CHECK(strcmp(carried, c->optional) == 0, "%s: optional '%s', not '%s'", tag, carried, c->optional);
            CHECK(json_array_size(list) == words(c->required) + words(c->optional), "%s: %zu fields", tag,
                  json_array_size(list));
        }
        json_decref(report);
        report = NULL;

        inc.fields = full;
        rc = vg_incident_report(&ctx, &inc, NULL, 0, c->regime, c->stage, AWARE + HOUR, &report);
        CHECK(rc == VG_OK, "%s full: %d %s", tag, rc, ctx.message);
        if (rc == VG_OK) {
            CHECK(json_array_size(json_object_get(report, "blockers")) == 0, "%s: blockers left", tag);
            CHECK(json_is_true(json_object_get(report, "complete")), "%s: not complete", tag);
            const json_t *list = json_object_get(report, "fields");
            for (size_t j = 0; j < json_array_size(list); j++) {
                const json_t *f = json_array_get(list, j);
                const char *name = json_string_value(json_object_get(f, "name"));
                CHECK(json_equal(json_object_get(f, "value"), json_object_get(full, name)), "%s: %s value", tag,
                      name);
            }
            snprintf(tag, sizeof tag, "%s-%s-%s", c->regime == VG_REGIME_NIS2 ? "nis2" : "cra",
                     c->kind == VG_INCIDENT_KIND_INCIDENT ? "incident" : "vulnerability",
                     json_string_value(json_object_get(report, "stage")));
            write_draft(dir, tag, report);
        }
        json_decref(report);
        vg_ctx_free(&ctx);
    }
    json_decref(empty);
    json_decref(full);
}

/* A report that does not apply: rc VG_ERR_USAGE and a message holding want. */
static void refused(vg_incident_kind kind, unsigned regimes, unsigned regime, vg_incident_stage stage,
                    const char *want)
{
    json_t *fields = json_object();
    vg_incident inc = make(kind, regimes, fields, "t");
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *report = NULL;
    int rc = vg_incident_report(&ctx, &inc, NULL, 0, regime, stage, AWARE, &report);
    CHECK(rc == VG_ERR_USAGE && !report, "%s: rc %d", want, rc);
    CHECK(strstr(ctx.message, want) != NULL, "message '%s' without '%s'", ctx.message, want);
    json_decref(report);
    vg_ctx_free(&ctx);
    json_decref(fields);
}

static void test_not_applicable(void)
{
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, VG_REGIME_CRA, VG_STAGE_EARLY_WARNING,
            "incident INC-7 is not under the CRA; its reports are those of NIS2");
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_CRA, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION,
            "incident INC-7 is not under NIS2; its reports are those of the CRA");
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2 | VG_REGIME_CRA, VG_REGIME_NIS2, VG_STAGE_USERS_INFORMED,
            "has no NIS2 users-informed report (its NIS2 stages: early-warning, notification, intermediate, "
            "progress, final)");
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_CRA, VG_REGIME_CRA, VG_STAGE_PROGRESS,
            "has no CRA progress report (its CRA stages: early-warning, notification, intermediate, final, "
            "users-informed)");
    refused(VG_INCIDENT_KIND_VULNERABILITY, VG_REGIME_CRA, VG_REGIME_CRA, VG_STAGE_PROGRESS,
            "vulnerability INC-7 has no CRA progress report");
    refused(VG_INCIDENT_KIND_VULNERABILITY, VG_REGIME_NIS2 | VG_REGIME_CRA, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING,
            "NIS2 Art. 23 asks for reports on significant incidents; INC-7 is a vulnerability");
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, VG_REGIME_NIS2 | VG_REGIME_CRA, VG_STAGE_FINAL,
            "one at a time");
    refused(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, VG_REGIME_NIS2, VG_STAGE_COUNT, "no such stage");
}

/* vg_incident_field_parse(assignment) fails with rc and a message holding want. */
static void bad_field(const char *assignment, int want_rc, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *name = "x";
    json_t *value = NULL;
    int rc = vg_incident_field_parse(&ctx, assignment, &name, &value);
    CHECK(rc == want_rc && !value && !name, "%.60s: rc %d", assignment, rc);
    CHECK(strstr(ctx.message, want) != NULL, "%.60s: message '%s' without '%s'", assignment, ctx.message, want);
    json_decref(value);
    vg_ctx_free(&ctx);
}

/* vg_incident_field_check(name, value as JSON text) fails naming want. */
static void bad_value(const char *name, const char *json, const char *want)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *value = json_loads(json, JSON_DECODE_ANY, NULL);
    CHECK(value != NULL, "test value %s", json);
    int rc = vg_incident_field_check(&ctx, name, value);
    CHECK(rc == VG_ERR_USAGE, "%s=%s: rc %d", name, json, rc);
    CHECK(strstr(ctx.message, want) != NULL, "%s=%s: message '%s' without '%s'", name, json, ctx.message, want);
    json_decref(value);
    vg_ctx_free(&ctx);
}

static void test_fields(void)
{
    bad_field("colour=red", VG_ERR_USAGE, "unknown report field 'colour' (known: suspectedMalicious,");
    bad_field("severity", VG_ERR_USAGE, "'severity' is not NAME=VALUE");
    bad_field("=high", VG_ERR_USAGE, "unknown report field ''");
    bad_field("severity=critical", VG_ERR_USAGE, "report field severity: not one of high, medium, low");
    bad_field("severity=", VG_ERR_USAGE, "report field severity: not one of");
    bad_field("rootCauseCategory=malicious-action", VG_ERR_USAGE,
              "report field rootCauseCategory: not one of system-failures, natural-phenomena, human-errors, "
              "malicious-actions, third-party-failures");
    bad_field("informationSensitivity=TLP:AMBER", VG_ERR_USAGE,
              "informationSensitivity: not one of clear, green, amber, amber+strict, red");
    bad_field("suspectedMalicious=yes", VG_ERR_USAGE, "report field suspectedMalicious: true or false, not 'yes'");
    bad_field("suspectedMalicious=True", VG_ERR_USAGE, "suspectedMalicious: true or false");
    bad_field("memberStates=DE", VG_ERR_USAGE, "report field memberStates: a JSON list of texts, e.g. "
                                               "memberStates=[\"AT\"]");
    bad_field("memberStates=[\"DE\", \"XX\"]", VG_ERR_USAGE, "memberStates: item 2 'XX' is not one of AT, BE");
    bad_field("memberStates=[\"EL\"]", VG_ERR_USAGE, "item 1 'EL' is not one of");
    bad_field("memberStates=[\"CH\"]", VG_ERR_USAGE, "item 1 'CH' is not one of");
    bad_field("memberStates=[\"de\"]", VG_ERR_USAGE, "item 1 'de' is not one of");
    bad_field("memberStates=[\"DE\",\"FR\",\"DE\"]", VG_ERR_USAGE, "memberStates: item 3 'DE' is given twice");
    bad_field("memberStates=[]", VG_ERR_USAGE, "memberStates: a list of 1 to 27 items, not 0");
    bad_field("memberStates=[\"DE\"", VG_ERR_USAGE, "report field memberStates: not valid JSON");
    bad_field("indicatorsOfCompromise=[1]", VG_ERR_USAGE, "indicatorsOfCompromise: item 1 is not a text");
    bad_field("indicatorsOfCompromise=[\"a\\nb\"]", VG_ERR_USAGE,
              "indicatorsOfCompromise: item 1 holds a control character");
    bad_field("indicatorsOfCompromise=[\"\"]", VG_ERR_USAGE, "indicatorsOfCompromise: item 1 is empty");
    bad_field("indicatorsOfCompromise={\"a\":1}", VG_ERR_USAGE, "a JSON list of texts");
    bad_field("description=", VG_ERR_USAGE, "report field description: the text is empty");
    bad_field("description=a\x01" "b", VG_ERR_USAGE, "report field description: the text holds a control character");
    bad_field("description=\xff\xfe", VG_ERR_USAGE, "report field description: the value is not UTF-8");

    /* the bounds, both sides: 16384 bytes of text, 1024 per item, 27 member states, 1000 IoCs */
    static char text[VG_INCIDENT_FIELD_MAX + 64];
    snprintf(text, sizeof text, "description=");
    memset(text + 12, 'a', 16384);
    text[12 + 16384] = '\0';
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *name;
    json_t *value = NULL;
    CHECK(vg_incident_field_parse(&ctx, text, &name, &value) == VG_OK, "16384 bytes: %s", ctx.message);
    json_decref(value);
    text[12 + 16384] = 'a';
    text[12 + 16385] = '\0';
    bad_field(text, VG_ERR_USAGE, "report field description: the text is too long (at most 16384 bytes");
    memset(text, 'a', VG_INCIDENT_FIELD_MAX + 1);
    memcpy(text, "description=", 12);
    text[VG_INCIDENT_FIELD_MAX + 1] = '\0';
    bad_field(text, VG_ERR_LIMIT, "longer than 65536 bytes");

    json_t *item = json_array(), *states = json_array(), *iocs = json_array();
    char big[1026];
    memset(big, 'x', 1025);
    big[1024] = '\0';
    json_array_append_new(item, json_string(big));
    CHECK(vg_incident_field_check(&ctx, "indicatorsOfCompromise", item) == VG_OK, "1024-byte item: %s",
          ctx.message);
    big[1024] = 'x';
    big[1025] = '\0';
    json_array_set_new(item, 0, json_string(big));
    CHECK(vg_incident_field_check(&ctx, "indicatorsOfCompromise", item) == VG_ERR_USAGE &&
              strstr(ctx.message, "item 1 is too long (at most 1024 bytes"),
          "1025-byte item: %s", ctx.message);
    /* the 27 member states (Greece as ISO 3166-1 writes it, GR) */
    static const char *const all[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
                                      "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    for (size_t i = 0; i < 27; i++)
        json_array_append_new(states, json_string(all[i]));
    CHECK(vg_incident_field_check(&ctx, "memberStates", states) == VG_OK, "the 27: %s", ctx.message);
    for (int i = 0; i < 1001; i++) {
        char ioc[32];
        snprintf(ioc, sizeof ioc, "192.0.2.%d/%d", i % 256, i);
        json_array_append_new(iocs, json_string(ioc));
        if (i == 999)
            CHECK(vg_incident_field_check(&ctx, "indicatorsOfCompromise", iocs) == VG_OK, "1000 IoCs: %s",
                  ctx.message);
    }
    CHECK(vg_incident_field_check(&ctx, "indicatorsOfCompromise", iocs) == VG_ERR_USAGE &&
              strstr(ctx.message, "a list of 1 to 1000 items, not 1001"),
          "1001 IoCs: %s", ctx.message);
    json_decref(item);
    json_decref(states);
    json_decref(iocs);
    vg_ctx_free(&ctx);

    /* vg_incident_field_check on values of the wrong JSON type */
    bad_value("suspectedMalicious", "\"true\"", "report field suspectedMalicious: not true or false");
    bad_value("suspectedMalicious", "1", "not true or false");
    bad_value("description", "42", "report field description: not a text");
    bad_value("description", "null", "report field description: not a text");
    bad_value("severity", "[\"high\"]", "report field severity: not one of");
    bad_value("memberStates", "\"DE\"", "report field memberStates: not a list of texts");
    bad_value("nope", "true", "unknown report field 'nope'");

    /* a text is kept as it is, even one that looks like JSON */
    vg_ctx_init(&ctx);
    CHECK(vg_incident_field_parse(&ctx, "description=true", &name, &value) == VG_OK && json_is_string(value) &&
              strcmp(json_string_value(value), "true") == 0 && strcmp(name, "description") == 0,
          "description=true: %s", ctx.message);
    json_decref(value);
    CHECK(vg_incident_field_parse(&ctx, "impact=a=b\n\tc", &name, &value) == VG_OK &&
              strcmp(json_string_value(value), "a=b\n\tc") == 0,
          "impact with = and newline: %s", ctx.message);
    json_decref(value);
    vg_ctx_free(&ctx);

    /* a stored value that is not valid any more is refused, not drafted */
    json_t *fields = json_pack("{ss}", "severity", "critical");
    vg_incident inc = make(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, fields, "t");
    json_t *report = NULL;
    vg_ctx_init(&ctx);
    int rc = vg_incident_report(&ctx, &inc, NULL, 0, VG_REGIME_NIS2, VG_STAGE_FINAL, AWARE, &report);
    CHECK(rc == VG_ERR_FORMAT && !report && strstr(ctx.message, "incident INC-7: report field severity"),
          "stored bad value: %d %s", rc, ctx.message);
    vg_ctx_free(&ctx);
    json_decref(fields);
}

static void test_deadline(void)
{
    json_t *fields = json_object();
    vg_incident inc = make(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, fields, "t");
    vg_deadline d[4];
    memset(d, 0, sizeof d);
    d[0] = (vg_deadline){VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, "NIS2 Art. 23(4)(a)", AWARE + 24 * HOUR, NULL, 0,
                         0, AWARE + 20 * HOUR, "CSIRT-123"};
    d[1] = (vg_deadline){VG_REGIME_NIS2, VG_STAGE_INTERMEDIATE, "NIS2 Art. 23(4)(c)", AWARE + 30 * HOUR, NULL, 0,
                         0, AWARE + 29 * HOUR, NULL};
    d[2] = (vg_deadline){VG_REGIME_NIS2, VG_STAGE_INTERMEDIATE, "NIS2 Art. 23(4)(c)", AWARE + 50 * HOUR, NULL, 0,
                         0, 0, NULL};
    d[3] = (vg_deadline){VG_REGIME_NIS2, VG_STAGE_FINAL, "NIS2 Art. 23(4)(d)", 0,
                         "the submission of the incident notification", 1, 1, 0, NULL};
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *r = NULL;
    CHECK(vg_incident_report(&ctx, &inc, d, 4, VG_REGIME_NIS2, VG_STAGE_EARLY_WARNING, AWARE + 21 * HOUR, &r) ==
              VG_OK,
          "%s", ctx.message);
    const json_t *dl = json_object_get(r, "deadline");
    /* 2026-12-04T09:00Z + 24 h; submitted at + 20 h */
    CHECK(strcmp(json_string_value(json_object_get(dl, "due")), "2026-12-05T09:00:00Z") == 0, "due");
    CHECK(strcmp(json_string_value(json_object_get(dl, "submitted")), "2026-12-05T05:00:00Z") == 0, "submitted");
    CHECK(strcmp(json_string_value(json_object_get(dl, "reference")), "CSIRT-123") == 0, "reference");
    CHECK(strcmp(json_string_value(json_object_get(r, "generatedAt")), "2026-12-05T06:00:00Z") == 0, "generatedAt");
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(r, "incident"), "awareAt")),
                 "2026-12-04T09:00:00Z") == 0,
          "awareAt");
    json_decref(r);
    /* the pending request of two, not the one answered */
    CHECK(vg_incident_report(&ctx, &inc, d, 4, VG_REGIME_NIS2, VG_STAGE_INTERMEDIATE, AWARE, &r) == VG_OK, "%s",
          ctx.message);
    dl = json_object_get(r, "deadline");
    CHECK(strcmp(json_string_value(json_object_get(dl, "due")), "2026-12-06T11:00:00Z") == 0, "pending request");
    CHECK(json_is_null(json_object_get(dl, "submitted")), "pending");
    json_decref(r);
    CHECK(vg_incident_report(&ctx, &inc, d, 4, VG_REGIME_NIS2, VG_STAGE_FINAL, AWARE, &r) == VG_OK, "%s",
          ctx.message);
    dl = json_object_get(r, "deadline");
    CHECK(json_is_null(json_object_get(dl, "due")) &&
              strcmp(json_string_value(json_object_get(dl, "waiting")),
                     "the submission of the incident notification") == 0 &&
              json_is_true(json_object_get(dl, "orProgress")) && json_is_true(json_object_get(dl, "provisional")),
          "final waiting");
    vg_buf md;
    vg_buf_init(&md, 1 << 20);
    CHECK(vg_incident_report_markdown(r, &md) == VG_OK, "markdown");
    CHECK(md.data && strstr(md.data, "no due date yet: waiting for the submission of the incident notification; "
                                     "not submitted; a progress report instead"),
          "markdown deadline: %s", md.data);
    vg_buf_free(&md);
    json_decref(r);
    vg_ctx_free(&ctx);
    json_decref(fields);
}

static void test_renderings(void)
{
    json_t *fields = json_pack("{sbss}", "suspectedMalicious", 1, "rootCause", "a <b>bold</b> & \"quoted\" 'x'");
    json_object_set_new(fields, "indicatorsOfCompromise", json_pack("[ss]", "198.51.100.7", "evil.example"));
    json_object_set_new(fields, "initialAssessment", json_string("Ransomware encrypted the billing cluster"));
    vg_incident inc = make(VG_INCIDENT_KIND_INCIDENT, VG_REGIME_NIS2, fields, "<script>alert(1)</script> & co");
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *r = NULL;
    CHECK(vg_incident_report(&ctx, &inc, NULL, 0, VG_REGIME_NIS2, VG_STAGE_NOTIFICATION, AWARE, &r) == VG_OK, "%s",
          ctx.message);
    vg_buf html, md;
    vg_buf_init(&html, 1 << 20);
    vg_buf_init(&md, 1 << 20);
    CHECK(vg_incident_report_html(r, &html) == VG_OK && html.data, "html");
    CHECK(vg_incident_report_markdown(r, &md) == VG_OK && md.data, "markdown");
    if (html.data && md.data) {
        CHECK(!strstr(html.data, "<script>") && !strstr(html.data, "<b>"), "unescaped markup in HTML");
        CHECK(strstr(html.data, "<title>NIS2 Notification: INC-7</title>") != NULL, "html title");
        CHECK(strstr(html.data, "<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</strong>") != NULL,
              "escaped title in HTML");
        CHECK(strncmp(html.data, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0, "a whole page");
        CHECK(strstr(html.data, "</html>\n") != NULL && !strstr(html.data, "<script") && !strstr(html.data, "src="),
              "self-contained");
        /* blockers first: before the deadline and the table, loud */
        const char *blocked = strstr(html.data, "NOT READY: 3 required fields are still empty");
        const char *table = strstr(html.data, "<table>");
        CHECK(blocked && table && blocked < table, "html blockers before the table");
        CHECK(strstr(html.data, "<li>Could have a cross-border impact (<code>crossBorderImpactPossible</code>, "
                                "NIS2 Art. 23(4)(b), updating (a))</li>") != NULL,
              "html blocker");
        CHECK(strstr(html.data, "<td>198.51.100.7, evil.example</td>") != NULL, "html list");
        CHECK(strstr(html.data, "<td>yes</td>") != NULL, "html boolean");

        CHECK(strstr(md.data, "# NIS2 Notification \xE2\x80\x94 INC-7\n") == md.data, "md heading: %.80s", md.data);
        CHECK(strstr(md.data, "**&lt;script&gt;alert(1)&lt;/script&gt; &amp; co**") != NULL, "md title");
        blocked = strstr(md.data, "> **NOT READY: 3 required fields are still empty**");
        table = strstr(md.data, "| Field | Value | Required | Article |");
        CHECK(blocked && table && blocked < table, "md blockers before the table");
        CHECK(strstr(md.data, "> - Severity (`severity`, NIS2 Art. 23(4)(b))\n") != NULL,
              "md blocker");
        CHECK(strstr(md.data, "| Initial assessment (`initialAssessment`) | Ransomware encrypted the billing "
                              "cluster | required | NIS2 Art. 23(4)(b) |\n") != NULL,
              "md value");
        CHECK(strstr(md.data, "| Severity (`severity`) | **MISSING** | required |") != NULL, "md missing");
        CHECK(strstr(md.data, "| 198.51.100.7, evil.example | optional |") != NULL, "md list");
        CHECK(strstr(md.data, "| yes | required |") != NULL, "md boolean");
    }
    json_decref(r);

    /* a field value with markup, a newline and Markdown's characters */
    json_object_set_new(fields, "statusUpdate", json_string("a <i>|b|</i>\n*c* & d"));
    CHECK(vg_incident_report(&ctx, &inc, NULL, 0, VG_REGIME_NIS2, VG_STAGE_INTERMEDIATE, AWARE, &r) == VG_OK, "%s",
          ctx.message);
    vg_buf_reset(&html);
    vg_buf_reset(&md);
    CHECK(vg_incident_report_html(r, &html) == VG_OK && vg_incident_report_markdown(r, &md) == VG_OK, "render");
    CHECK(html.data && strstr(html.data, "<td>a &lt;i&gt;|b|&lt;/i&gt;<br>*c* &amp; d</td>"), "html value: %s",
          html.data);
    CHECK(md.data && strstr(md.data, "| a &lt;i&gt;\\|b\\|&lt;/i&gt;<br>\\*c\\* &amp; d | required |"),
          "md value: %s", md.data);
    CHECK(strstr(md.data, "Every required field is filled in.") != NULL, "md ready");
    json_decref(r);

    /* anything but a draft is refused; a bounded buffer fails cleanly */
    json_t *other = json_pack("{si}", "vigil-incident-report", 2);
    CHECK(vg_incident_report_markdown(other, &md) == VG_ERR_USAGE, "version 2");
    CHECK(vg_incident_report_html(NULL, &html) == VG_ERR_USAGE, "NULL");
    json_decref(other);
    vg_buf small;
    vg_buf_init(&small, 100);
    CHECK(vg_incident_report(&ctx, &inc, NULL, 0, VG_REGIME_NIS2, VG_STAGE_FINAL, AWARE, &r) == VG_OK, "%s",
          ctx.message);
    CHECK(vg_incident_report_html(r, &small) == VG_ERR_LIMIT, "small buffer");
    vg_buf_free(&small);
    json_decref(r);
    vg_buf_free(&html);
    vg_buf_free(&md);
    vg_ctx_free(&ctx);
    json_decref(fields);
}

int main(int argc, char **argv)
{
    test_stages(argc > 1 ? argv[1] : NULL);
    test_not_applicable();
    test_fields();
    test_deadline();
    test_renderings();
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
