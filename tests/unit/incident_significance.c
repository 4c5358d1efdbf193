/*
 * incident_significance.c — unit test of vg_incident_classify() and the
 * entity types (src/incident/significance.c; docs/incidents.md
 * "Significance").
 *
 * Each case starts from a "quiet" incident of one entity type (every fact
 * its criteria need given, none of them reached) and changes a few facts;
 * the expected answer of the criterion and of the whole classification is
 * written by hand from the text of Commission Implementing Regulation (EU)
 * 2024/2690 Arts. 3-14 and NIS2 Art. 23(3).  Every threshold is walked at
 * the boundary, just below and just above it ("more than 30 minutes": 29
 * and 30 are not, 31 is).  Art. 4 is walked with hand-computed Unix times
 * (six calendar months before 2026-03-31T12:00:00Z is 2025-09-30T12:00:00Z,
 * the 31st clamped to September's last day).  Bad facts must be refused
 * with VG_ERR_USAGE and a message naming the member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vigil/incident.h"

#define GENERAL                                                                                                   \
    "\"financial_loss_eur\":0,\"trade_secret_exfiltration\":false,\"death\":false,\"health_damage\":false,"     \
    "\"suspected_malicious_unauthorised_access\":false,\"planned_maintenance\":false,\"data_compromised\":false," \
    "\"root_cause\":\"human-errors\""
#define DNS_QUIET GENERAL ",\"unavailable_minutes\":0,\"response_time_period_minutes\":0,\"response_time_avg_seconds\":0"
#define SERVICE_QUIET                                                                                             \
    GENERAL ",\"unavailable_minutes\":0,\"degraded_minutes\":0,\"degraded_users\":0,\"users_in_union\":100000000," \
            "\"data_compromised_users\":0"
#define DC_QUIET GENERAL ",\"unavailable_minutes\":0,\"degraded_minutes\":0,\"physical_access_compromised\":false"
#define PLATFORM_QUIET                                                                                            \
    GENERAL ",\"unavailable_users\":0,\"degraded_users\":0,\"users_in_union\":100000000,\"data_compromised_users\":0"
#define TRUST_QUIET                                                                                               \
    GENERAL ",\"unavailable_minutes\":0,\"week_unavailable_minutes\":0,\"degraded_users\":0,"                    \
            "\"users_in_union\":100000000,\"data_compromised_users\":0,\"physical_access_compromised\":false"

static const struct {
    const char *entity;
    const char *quiet;
} quiet_facts[] = {
    {"dns-service-provider", DNS_QUIET},
    {"tld-name-registry", DNS_QUIET},
    {"cloud-computing-service-provider", SERVICE_QUIET},
    {"data-centre-service-provider", DC_QUIET},
    {"cdn-provider", SERVICE_QUIET},
    {"managed-service-provider", SERVICE_QUIET},
    {"managed-security-service-provider", SERVICE_QUIET},
    {"online-marketplace", PLATFORM_QUIET},
    {"online-search-engine", PLATFORM_QUIET},
    {"social-networking-platform", PLATFORM_QUIET},
    {"trust-service-provider", TRUST_QUIET},
    {"other", "\"severe_disruption_or_financial_loss\":false,\"considerable_damage_to_others\":false"},
};

#define AWARE 1774958400 /* 2026-03-31T12:00:00Z */

/* The quiet facts of entity with the members of changes (a JSON object
 * text) set over them; a member set to null is removed. */
static json_t *facts_of(const char *entity, const char *changes)
{
    const char *quiet = NULL;
    for (size_t i = 0; i < sizeof quiet_facts / sizeof quiet_facts[0]; i++)
        if (strcmp(quiet_facts[i].entity, entity) == 0)
            quiet = quiet_facts[i].quiet;
    if (!quiet)
        return NULL;
    char text[4096];
    snprintf(text, sizeof text, "{\"entity_type\":\"%s\",%s}", entity, quiet);
    json_t *facts = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    json_t *over = json_loads(changes, JSON_REJECT_DUPLICATES, NULL);
    if (!facts || !over || json_object_update(facts, over) != 0) {
        fprintf(stderr, "bad test facts: %s / %s\n", text, changes);
        exit(2);
    }
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(over, tmp, key, value) {
        if (json_is_null(value))
            json_object_del(facts, key);
    }
    json_decref(over);
    return facts;
}

/* The result of the criterion with that article in result, or "absent". */
static const char *criterion(const json_t *result, const char *article, const json_t **found)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(result, "criteria"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "article")), article) == 0) {
            if (found)
                *found = c;
            return json_string_value(json_object_get(c, "result"));
        }
    }
    return "absent";
}

static int missing_has(const json_t *c, const char *name)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(c, "missing"), i, m) {
        if (strcmp(json_string_value(m), name) == 0)
            return 1;
    }
    return 0;
}

typedef struct row {
    int line;
    const char *entity;
    const char *changes;
    const char *article;
    const char *result;       /* of that criterion */
    const char *significance; /* of the whole */
    const char *missing;      /* a fact the criterion must list as missing, or NULL */
} row;

#define R(...) {__LINE__, __VA_ARGS__}

static const char *const CLOUD = "cloud-computing-service-provider";

static const row rows[] = {
    /* Art. 3(1)(a): more than EUR 500 000 or 5 % of turnover, whichever is lower. */
    R(CLOUD, "{\"annual_turnover_eur\":20000000,\"financial_loss_eur\":500000}", "2024/2690 Art. 3(1)(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":20000000,\"financial_loss_eur\":499999}", "2024/2690 Art. 3(1)(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":20000000,\"financial_loss_eur\":500001}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":20000000,\"financial_loss_eur\":500000.01}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    /* 5 % of EUR 4 000 000 is EUR 200 000, lower than EUR 500 000. */
    R(CLOUD, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":200000}", "2024/2690 Art. 3(1)(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":199999}", "2024/2690 Art. 3(1)(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":200001}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":200000.5}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    R(CLOUD, "{\"annual_turnover_eur\":0,\"financial_loss_eur\":1}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    /* Without the turnover: above EUR 500 000 decides, below it cannot. */
    R(CLOUD, "{\"financial_loss_eur\":500001}", "2024/2690 Art. 3(1)(a)", "met", "significant", NULL),
    R(CLOUD, "{\"financial_loss_eur\":400000}", "2024/2690 Art. 3(1)(a)", "unknown", "undetermined", "annual_turnover_eur"),
    R(CLOUD, "{\"financial_loss_eur\":0}", "2024/2690 Art. 3(1)(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"financial_loss_eur\":null}", "2024/2690 Art. 3(1)(a)", "unknown", "undetermined", "financial_loss_eur"),
    /* Art. 3(1)(b)-(e). */
    R(CLOUD, "{\"trade_secret_exfiltration\":true}", "2024/2690 Art. 3(1)(b)", "met", "significant", NULL),
    R(CLOUD, "{\"trade_secret_exfiltration\":null}", "2024/2690 Art. 3(1)(b)", "unknown", "undetermined", "trade_secret_exfiltration"),
    R(CLOUD, "{\"death\":true}", "2024/2690 Art. 3(1)(c)", "met", "significant", NULL),
    R(CLOUD, "{\"death\":null}", "2024/2690 Art. 3(1)(c)", "unknown", "undetermined", "death"),
    R(CLOUD, "{\"health_damage\":true}", "2024/2690 Art. 3(1)(d)", "met", "significant", NULL),
    R(CLOUD, "{\"health_damage\":null}", "2024/2690 Art. 3(1)(d)", "unknown", "undetermined", "health_damage"),
    R(CLOUD, "{\"suspected_malicious_unauthorised_access\":true,\"capable_of_severe_operational_disruption\":true}", "2024/2690 Art. 3(1)(e)", "met", "significant", NULL),
    R(CLOUD, "{\"suspected_malicious_unauthorised_access\":true,\"capable_of_severe_operational_disruption\":false}", "2024/2690 Art. 3(1)(e)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"suspected_malicious_unauthorised_access\":true}", "2024/2690 Art. 3(1)(e)", "unknown", "undetermined", "capable_of_severe_operational_disruption"),
    R(CLOUD, "{\"suspected_malicious_unauthorised_access\":null}", "2024/2690 Art. 3(1)(e)", "unknown", "undetermined", "suspected_malicious_unauthorised_access"),

    /* Art. 5: DNS service providers. */
    R("dns-service-provider", "{\"unavailable_minutes\":30}", "2024/2690 Art. 5(a)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"unavailable_minutes\":29}", "2024/2690 Art. 5(a)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"unavailable_minutes\":31}", "2024/2690 Art. 5(a)", "met", "significant", NULL),
    R("dns-service-provider", "{\"unavailable_minutes\":30.5}", "2024/2690 Art. 5(a)", "met", "significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":11}", "2024/2690 Art. 5(b)", "met", "significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":60,\"response_time_avg_seconds\":11}", "2024/2690 Art. 5(b)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":59,\"response_time_avg_seconds\":11}", "2024/2690 Art. 5(b)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":10}", "2024/2690 Art. 5(b)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":9.9}", "2024/2690 Art. 5(b)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":10.1}", "2024/2690 Art. 5(b)", "met", "significant", NULL),
    R("dns-service-provider", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":null}", "2024/2690 Art. 5(b)", "unknown", "undetermined", "response_time_avg_seconds"),
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":false}", "2024/2690 Art. 5(c)", "met", "significant", NULL),
    /* The exception: fewer than 1 000 names and no more than 1 % of the names managed. */
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":true,\"domains_incorrect\":999,\"domains_managed\":99900}", "2024/2690 Art. 5(c)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":true,\"domains_incorrect\":999,\"domains_managed\":99899}", "2024/2690 Art. 5(c)", "met", "significant", NULL),
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":true,\"domains_incorrect\":998,\"domains_managed\":99900}", "2024/2690 Art. 5(c)", "not-met", "not-significant", NULL),
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":true,\"domains_incorrect\":1000,\"domains_managed\":1000000}", "2024/2690 Art. 5(c)", "met", "significant", NULL),
    R("dns-service-provider", "{\"data_compromised\":true,\"misconfiguration_only\":true}", "2024/2690 Art. 5(c)", "unknown", "undetermined", "domains_incorrect"),
    R("dns-service-provider", "{\"data_compromised\":true}", "2024/2690 Art. 5(c)", "unknown", "undetermined", "misconfiguration_only"),

    /* Art. 6: TLD name registries. */
    R("tld-name-registry", "{\"unavailable_minutes\":0}", "2024/2690 Art. 6(a)", "not-met", "not-significant", NULL),
    R("tld-name-registry", "{\"unavailable_minutes\":0.5}", "2024/2690 Art. 6(a)", "met", "significant", NULL),
    R("tld-name-registry", "{\"unavailable_minutes\":1}", "2024/2690 Art. 6(a)", "met", "significant", NULL),
    R("tld-name-registry", "{\"response_time_period_minutes\":60,\"response_time_avg_seconds\":30}", "2024/2690 Art. 6(b)", "not-met", "not-significant", NULL),
    R("tld-name-registry", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":10}", "2024/2690 Art. 6(b)", "not-met", "not-significant", NULL),
    R("tld-name-registry", "{\"response_time_period_minutes\":61,\"response_time_avg_seconds\":10.5}", "2024/2690 Art. 6(b)", "met", "significant", NULL),
    R("tld-name-registry", "{\"data_compromised\":true}", "2024/2690 Art. 6(c)", "met", "significant", NULL),

    /* Art. 7: cloud computing service providers. */
    R(CLOUD, "{\"unavailable_minutes\":30}", "2024/2690 Art. 7(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"unavailable_minutes\":29}", "2024/2690 Art. 7(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"unavailable_minutes\":31}", "2024/2690 Art. 7(a)", "met", "significant", NULL),
    /* 5 % of 10 000 000 users is 500 000, smaller than 1 million. */
    R(CLOUD, "{\"users_in_union\":10000000,\"degraded_minutes\":61,\"degraded_users\":500000}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"users_in_union\":10000000,\"degraded_minutes\":61,\"degraded_users\":499999}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"users_in_union\":10000000,\"degraded_minutes\":61,\"degraded_users\":500001}", "2024/2690 Art. 7(b)", "met", "significant", NULL),
    R(CLOUD, "{\"users_in_union\":10000000,\"degraded_minutes\":60,\"degraded_users\":900000}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"users_in_union\":10000000,\"degraded_minutes\":59,\"degraded_users\":900000}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    /* 5 % of 100 000 000 is 5 million: 1 million is the smaller. */
    R(CLOUD, "{\"degraded_minutes\":61,\"degraded_users\":1000000}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"degraded_minutes\":61,\"degraded_users\":999999}", "2024/2690 Art. 7(b)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"degraded_minutes\":61,\"degraded_users\":1000001}", "2024/2690 Art. 7(b)", "met", "significant", NULL),
    /* Without the users in the Union: above 1 million decides, below it cannot. */
    R(CLOUD, "{\"users_in_union\":null,\"degraded_minutes\":61,\"degraded_users\":1000001}", "2024/2690 Art. 7(b)", "met", "significant", NULL),
    R(CLOUD, "{\"users_in_union\":null,\"degraded_minutes\":61,\"degraded_users\":999999}", "2024/2690 Art. 7(b)", "unknown", "undetermined", "users_in_union"),
    R(CLOUD, "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 7(c)", "met", "significant", NULL),
    R(CLOUD, "{\"data_compromised\":true,\"data_compromise_malicious\":false}", "2024/2690 Art. 7(c)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"data_compromised\":true}", "2024/2690 Art. 7(c)", "unknown", "undetermined", "data_compromise_malicious"),
    R(CLOUD, "{\"users_in_union\":10000000,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":500000}", "2024/2690 Art. 7(d)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"users_in_union\":10000000,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":500001}", "2024/2690 Art. 7(d)", "met", "significant", NULL),
    R(CLOUD, "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000000}", "2024/2690 Art. 7(d)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000001}", "2024/2690 Art. 7(d)", "met", "significant", NULL),

    /* Art. 8: data centre service providers. */
    R("data-centre-service-provider", "{\"unavailable_minutes\":0}", "2024/2690 Art. 8(a)", "not-met", "not-significant", NULL),
    R("data-centre-service-provider", "{\"unavailable_minutes\":1}", "2024/2690 Art. 8(a)", "met", "significant", NULL),
    R("data-centre-service-provider", "{\"degraded_minutes\":60}", "2024/2690 Art. 8(b)", "not-met", "not-significant", NULL),
    R("data-centre-service-provider", "{\"degraded_minutes\":59}", "2024/2690 Art. 8(b)", "not-met", "not-significant", NULL),
    R("data-centre-service-provider", "{\"degraded_minutes\":61}", "2024/2690 Art. 8(b)", "met", "significant", NULL),
    R("data-centre-service-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 8(c)", "met", "significant", NULL),
    R("data-centre-service-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":false}", "2024/2690 Art. 8(c)", "not-met", "not-significant", NULL),
    R("data-centre-service-provider", "{\"physical_access_compromised\":true}", "2024/2690 Art. 8(d)", "met", "significant", NULL),
    R("data-centre-service-provider", "{\"physical_access_compromised\":null}", "2024/2690 Art. 8(d)", "unknown", "undetermined", "physical_access_compromised"),

    /* Art. 9: content delivery network providers. */
    R("cdn-provider", "{\"unavailable_minutes\":30}", "2024/2690 Art. 9(a)", "not-met", "not-significant", NULL),
    R("cdn-provider", "{\"unavailable_minutes\":31}", "2024/2690 Art. 9(a)", "met", "significant", NULL),
    R("cdn-provider", "{\"degraded_minutes\":61,\"degraded_users\":1000000}", "2024/2690 Art. 9(b)", "not-met", "not-significant", NULL),
    R("cdn-provider", "{\"degraded_minutes\":61,\"degraded_users\":1000001}", "2024/2690 Art. 9(b)", "met", "significant", NULL),
    R("cdn-provider", "{\"degraded_minutes\":60,\"degraded_users\":2000000}", "2024/2690 Art. 9(b)", "not-met", "not-significant", NULL),
    R("cdn-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 9(c)", "met", "significant", NULL),
    R("cdn-provider", "{\"users_in_union\":2000000,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":100000}", "2024/2690 Art. 9(d)", "not-met", "not-significant", NULL),
    R("cdn-provider", "{\"users_in_union\":2000000,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":100001}", "2024/2690 Art. 9(d)", "met", "significant", NULL),

    /* Art. 10: managed (security) service providers. */
    R("managed-service-provider", "{\"unavailable_minutes\":30}", "2024/2690 Art. 10(a)", "not-met", "not-significant", NULL),
    R("managed-service-provider", "{\"unavailable_minutes\":31}", "2024/2690 Art. 10(a)", "met", "significant", NULL),
    R("managed-security-service-provider", "{\"unavailable_minutes\":31}", "2024/2690 Art. 10(a)", "met", "significant", NULL),
    R("managed-security-service-provider", "{\"users_in_union\":1000,\"degraded_minutes\":61,\"degraded_users\":50}", "2024/2690 Art. 10(b)", "not-met", "not-significant", NULL),
    R("managed-security-service-provider", "{\"users_in_union\":1000,\"degraded_minutes\":61,\"degraded_users\":51}", "2024/2690 Art. 10(b)", "met", "significant", NULL),
    R("managed-service-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 10(c)", "met", "significant", NULL),
    R("managed-service-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000001}", "2024/2690 Art. 10(d)", "met", "significant", NULL),
    R("managed-service-provider", "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000000}", "2024/2690 Art. 10(d)", "not-met", "not-significant", NULL),

    /* Art. 11: online marketplaces; 5 % of 1 000 000 users is 50 000. */
    R("online-marketplace", "{\"users_in_union\":1000000,\"unavailable_users\":50000}", "2024/2690 Art. 11(a)", "not-met", "not-significant", NULL),
    R("online-marketplace", "{\"users_in_union\":1000000,\"unavailable_users\":49999}", "2024/2690 Art. 11(a)", "not-met", "not-significant", NULL),
    R("online-marketplace", "{\"users_in_union\":1000000,\"unavailable_users\":50001}", "2024/2690 Art. 11(a)", "met", "significant", NULL),
    R("online-marketplace", "{\"unavailable_users\":1000000}", "2024/2690 Art. 11(a)", "not-met", "not-significant", NULL),
    R("online-marketplace", "{\"unavailable_users\":1000001}", "2024/2690 Art. 11(a)", "met", "significant", NULL),
    R("online-marketplace", "{\"users_in_union\":1000000,\"degraded_users\":50000}", "2024/2690 Art. 11(b)", "not-met", "not-significant", NULL),
    R("online-marketplace", "{\"users_in_union\":1000000,\"degraded_users\":50001}", "2024/2690 Art. 11(b)", "met", "significant", NULL),
    R("online-marketplace", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 11(c)", "met", "significant", NULL),
    R("online-marketplace", "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000001}", "2024/2690 Art. 11(d)", "met", "significant", NULL),

    /* Art. 12: online search engines. */
    R("online-search-engine", "{\"unavailable_users\":1000000}", "2024/2690 Art. 12(a)", "not-met", "not-significant", NULL),
    R("online-search-engine", "{\"unavailable_users\":1000001}", "2024/2690 Art. 12(a)", "met", "significant", NULL),
    R("online-search-engine", "{\"degraded_users\":1000001}", "2024/2690 Art. 12(b)", "met", "significant", NULL),
    R("online-search-engine", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 12(c)", "met", "significant", NULL),
    R("online-search-engine", "{\"users_in_union\":200,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":10}", "2024/2690 Art. 12(d)", "not-met", "not-significant", NULL),
    R("online-search-engine", "{\"users_in_union\":200,\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":11}", "2024/2690 Art. 12(d)", "met", "significant", NULL),

    /* Art. 13: social networking services platforms. */
    R("social-networking-platform", "{\"users_in_union\":20,\"unavailable_users\":1}", "2024/2690 Art. 13(a)", "not-met", "not-significant", NULL),
    R("social-networking-platform", "{\"users_in_union\":20,\"unavailable_users\":2}", "2024/2690 Art. 13(a)", "met", "significant", NULL),
    R("social-networking-platform", "{\"degraded_users\":1000000}", "2024/2690 Art. 13(b)", "not-met", "not-significant", NULL),
    R("social-networking-platform", "{\"degraded_users\":1000001}", "2024/2690 Art. 13(b)", "met", "significant", NULL),
    R("social-networking-platform", "{\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 13(c)", "met", "significant", NULL),
    R("social-networking-platform", "{\"data_compromised\":true,\"data_compromise_malicious\":false,\"data_compromised_users\":1000001}", "2024/2690 Art. 13(d)", "met", "significant", NULL),

    /* Art. 14: trust service providers. */
    R("trust-service-provider", "{\"unavailable_minutes\":20}", "2024/2690 Art. 14(a)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"unavailable_minutes\":19}", "2024/2690 Art. 14(a)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"unavailable_minutes\":21}", "2024/2690 Art. 14(a)", "met", "significant", NULL),
    R("trust-service-provider", "{\"week_unavailable_minutes\":60}", "2024/2690 Art. 14(b)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"week_unavailable_minutes\":59}", "2024/2690 Art. 14(b)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"week_unavailable_minutes\":61}", "2024/2690 Art. 14(b)", "met", "significant", NULL),
    /* 1 % of 10 000 000 is 100 000, smaller than 200 000. */
    R("trust-service-provider", "{\"users_in_union\":10000000,\"degraded_users\":100000}", "2024/2690 Art. 14(c)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"users_in_union\":10000000,\"degraded_users\":99999}", "2024/2690 Art. 14(c)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"users_in_union\":10000000,\"degraded_users\":100001}", "2024/2690 Art. 14(c)", "met", "significant", NULL),
    /* 1 % of 100 000 000 is 1 000 000: 200 000 is the smaller. */
    R("trust-service-provider", "{\"degraded_users\":200000}", "2024/2690 Art. 14(c)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"degraded_users\":200001}", "2024/2690 Art. 14(c)", "met", "significant", NULL),
    R("trust-service-provider", "{\"physical_access_compromised\":true}", "2024/2690 Art. 14(d)", "met", "significant", NULL),
    /* 0,1 % of 50 000 is 50, smaller than 100. */
    R("trust-service-provider", "{\"users_in_union\":50000,\"data_compromised\":true,\"data_compromised_users\":50}", "2024/2690 Art. 14(e)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"users_in_union\":50000,\"data_compromised\":true,\"data_compromised_users\":49}", "2024/2690 Art. 14(e)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"users_in_union\":50000,\"data_compromised\":true,\"data_compromised_users\":51}", "2024/2690 Art. 14(e)", "met", "significant", NULL),
    /* 0,1 % of 1 000 000 is 1 000: 100 is the smaller. */
    R("trust-service-provider", "{\"users_in_union\":1000000,\"data_compromised\":true,\"data_compromised_users\":100}", "2024/2690 Art. 14(e)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"users_in_union\":1000000,\"data_compromised\":true,\"data_compromised_users\":101}", "2024/2690 Art. 14(e)", "met", "significant", NULL),

    /* Art. 3(2): scheduled interruptions and planned maintenance. */
    R(CLOUD, "{\"planned_maintenance\":true,\"unavailable_minutes\":240}", "2024/2690 Art. 7(a)", "not-met", "not-significant", NULL),
    R(CLOUD, "{\"planned_maintenance\":null,\"unavailable_minutes\":240}", "2024/2690 Art. 7(a)", "unknown", "undetermined", "planned_maintenance"),
    R(CLOUD, "{\"planned_maintenance\":null,\"unavailable_minutes\":30}", "2024/2690 Art. 7(a)", "not-met", "not-significant", NULL),
    R("trust-service-provider", "{\"planned_maintenance\":true,\"week_unavailable_minutes\":300}", "2024/2690 Art. 14(b)", "not-met", "not-significant", NULL),
    R("online-marketplace", "{\"planned_maintenance\":true,\"unavailable_users\":100000000}", "2024/2690 Art. 11(a)", "not-met", "not-significant", NULL),
    /* Maintenance excuses no data compromise. */
    R(CLOUD, "{\"planned_maintenance\":true,\"unavailable_minutes\":240,\"data_compromised\":true,\"data_compromise_malicious\":true}", "2024/2690 Art. 7(c)", "met", "significant", NULL),

    /* NIS2 Art. 23(3) for any other entity. */
    R("other", "{}", "NIS2 Art. 23(3)(a)", "not-met", "not-significant", NULL),
    R("other", "{\"severe_disruption_or_financial_loss\":true}", "NIS2 Art. 23(3)(a)", "met", "significant", NULL),
    R("other", "{\"considerable_damage_to_others\":true}", "NIS2 Art. 23(3)(b)", "met", "significant", NULL),
    R("other", "{\"considerable_damage_to_others\":null}", "NIS2 Art. 23(3)(b)", "unknown", "undetermined", "considerable_damage_to_others"),
    R("other", "{}", "2024/2690 Art. 3(1)(a)", "absent", "not-significant", NULL),
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        json_t *facts = facts_of(r->entity, r->changes), *result = NULL;
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        int rc = vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result);
        CHECK(rc == VG_OK, "line %d: rc %d: %s", r->line, rc, ctx.message);
        const json_t *c = NULL;
        const char *got = criterion(result, r->article, &c);
        const char *sig = json_string_value(json_object_get(result, "significance"));
        CHECK(strcmp(got, r->result) == 0, "line %d: %s is %s, not %s", r->line, r->article, got, r->result);
        CHECK(sig && strcmp(sig, r->significance) == 0, "line %d: %s, not %s", r->line, sig ? sig : "(none)",
              r->significance);
        if (r->missing)
            CHECK(c && missing_has(c, r->missing), "line %d: %s does not list %s as missing", r->line, r->article,
                  r->missing);
        if (c && strcmp(got, "unknown") != 0)
            CHECK(!json_object_get(c, "missing"), "line %d: a decided criterion lists missing facts", r->line);
        json_decref(facts);
        json_decref(result);
        vg_ctx_free(&ctx);
    }
}

/* Every quiet incident is not significant: every criterion decided. */
static void test_quiet(void)
{
    for (size_t i = 0; i < sizeof quiet_facts / sizeof quiet_facts[0]; i++) {
        json_t *facts = facts_of(quiet_facts[i].entity, "{}"), *result = NULL;
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result) == VG_OK, "%s: %s", quiet_facts[i].entity,
              ctx.message);
        CHECK(strcmp(json_string_value(json_object_get(result, "significance")), "not-significant") == 0, "%s quiet",
              quiet_facts[i].entity);
        CHECK(strcmp(json_string_value(json_object_get(result, "entity_type")), quiet_facts[i].entity) == 0, "%s",
              quiet_facts[i].entity);
        int other = strcmp(quiet_facts[i].entity, "other") == 0;
        CHECK((json_object_get(result, "recurring") == NULL) == other, "%s: recurring only under 2024/2690",
              quiet_facts[i].entity);
        const char *regulation = json_string_value(json_object_get(result, "regulation"));
        CHECK(regulation && strstr(regulation, other ? "2022/2555" : "2024/2690"), "%s: %s", quiet_facts[i].entity,
              regulation);
        json_decref(facts);
        json_decref(result);
        vg_ctx_free(&ctx);
    }
}

static void test_exclusion(void)
{
    json_t *facts = facts_of(CLOUD, "{\"planned_maintenance\":true,\"unavailable_minutes\":240}"), *result = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result) == VG_OK, "%s", ctx.message);
    const json_t *c = NULL;
    criterion(result, "2024/2690 Art. 7(a)", &c);
    CHECK(c && strcmp(json_string_value(json_object_get(c, "excluded_by")), "2024/2690 Art. 3(2)") == 0,
          "7(a) excluded by Art. 3(2)");
    json_t *ex = json_object_get(result, "exclusion");
    CHECK(ex && strcmp(json_string_value(json_object_get(ex, "article")), "2024/2690 Art. 3(2)") == 0, "exclusion");
    json_decref(facts);
    json_decref(result);
    vg_ctx_free(&ctx);
}

/* Nothing but the entity type: undetermined, each criterion naming what it lacks. */
static void test_undetermined(void)
{
    json_t *facts = json_pack("{s:s}", "entity_type", CLOUD), *result = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result) == VG_OK, "%s", ctx.message);
    CHECK(strcmp(json_string_value(json_object_get(result, "significance")), "undetermined") == 0, "undetermined");
    static const char *const lacking[][2] = {
        {"2024/2690 Art. 3(1)(a)", "financial_loss_eur"},
        {"2024/2690 Art. 3(1)(b)", "trade_secret_exfiltration"},
        {"2024/2690 Art. 3(1)(e)", "suspected_malicious_unauthorised_access"},
        {"2024/2690 Art. 7(a)", "unavailable_minutes"},
        {"2024/2690 Art. 7(b)", "degraded_minutes"},
        {"2024/2690 Art. 7(b)", "degraded_users"},
        {"2024/2690 Art. 7(d)", "data_compromised"},
    };
    for (size_t i = 0; i < sizeof lacking / sizeof lacking[0]; i++) {
        const json_t *c = NULL;
        CHECK(strcmp(criterion(result, lacking[i][0], &c), "unknown") == 0, "%s unknown", lacking[i][0]);
        CHECK(c && missing_has(c, lacking[i][1]), "%s lacks %s", lacking[i][0], lacking[i][1]);
    }
    json_decref(facts);
    json_decref(result);
    vg_ctx_free(&ctx);
}

/* ---- Art. 4 ----------------------------------------------------------------- */

#define WINDOW_START 1759233600 /* 2025-09-30T12:00:00Z: six calendar months before AWARE */

typedef struct prior_case {
    int line;
    const char *current;  /* changes to the quiet cloud incident */
    const char *prior[3]; /* changes to a quiet cloud incident, NULL: none */
    int64_t prior_at[3];
    const char *result;       /* Art. 3(1)(f) */
    const char *significance;
    const char *joined; /* ids joined, comma-separated */
} prior_case;

#define LOSS(n) "{\"annual_turnover_eur\":100000000,\"financial_loss_eur\":" #n "}"
#define LOSS_CAUSE(n, cause) \
    "{\"annual_turnover_eur\":100000000,\"financial_loss_eur\":" #n ",\"root_cause\":\"" cause "\"}"

static const prior_case prior_cases[] = {
    /* 300 000 + 250 000 = 550 000, more than EUR 500 000. */
    {__LINE__, LOSS(300000), {LOSS(250000)}, {1768464000}, "met", "significant", "p0"},
    /* 300 000 + 200 000 = 500 000 does not exceed it. */
    {__LINE__, LOSS(300000), {LOSS(200000)}, {1768464000}, "not-met", "not-significant", "p0"},
    {__LINE__, LOSS(300000), {LOSS(200001)}, {1768464000}, "met", "significant", "p0"},
    /* At the window's start (exactly six months before), and one second before it. */
    {__LINE__, LOSS(300000), {LOSS(250000)}, {WINDOW_START}, "met", "significant", "p0"},
    {__LINE__, LOSS(300000), {LOSS(250000)}, {WINDOW_START - 1}, "not-met", "not-significant", ""},
    /* After this incident: not counted. */
    {__LINE__, LOSS(300000), {LOSS(250000)}, {AWARE + 1}, "not-met", "not-significant", ""},
    /* Another root cause. */
    {__LINE__, LOSS(300000), {LOSS_CAUSE(250000, "system-failures")}, {1768464000}, "not-met", "not-significant", ""},
    /* A prior incident significant on its own is not a recurring one. */
    {__LINE__, LOSS(300000), {LOSS(600000)}, {1768464000}, "not-met", "not-significant", ""},
    /* Three incidents, two prior: 150 000 + 150 000 + 250 000 = 550 000. */
    {__LINE__, LOSS(250000), {LOSS(150000), LOSS(150000)}, {1768464000, WINDOW_START}, "met", "significant", "p0,p1"},
    {__LINE__, LOSS(250000), {LOSS(150000), LOSS(150000)}, {1768464000, WINDOW_START - 1}, "not-met",
     "not-significant", "p0"},
    /* A lower threshold: 5 % of EUR 4 000 000 is EUR 200 000. */
    {__LINE__, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":150000}",
     {"{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":50001}"}, {1768464000}, "met", "significant", "p0"},
    {__LINE__, "{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":150000}",
     {"{\"annual_turnover_eur\":4000000,\"financial_loss_eur\":50000}"}, {1768464000}, "not-met", "not-significant", "p0"},
    /* Prior incident without a root cause: it might recur. */
    {__LINE__, LOSS(300000), {"{\"root_cause\":null,\"financial_loss_eur\":250000}"}, {1768464000}, "unknown",
     "undetermined", ""},
    /* This incident without a root cause, with a prior one in the window. */
    {__LINE__, "{\"root_cause\":null,\"annual_turnover_eur\":100000000,\"financial_loss_eur\":300000}",
     {LOSS(250000)}, {1768464000}, "unknown", "undetermined", ""},
    /* No prior incident at all: decided not met even without a root cause. */
    {__LINE__, "{\"root_cause\":null,\"annual_turnover_eur\":100000000,\"financial_loss_eur\":300000}", {NULL}, {0},
     "not-met", "not-significant", ""},
};

static void test_recurring(void)
{
    for (size_t i = 0; i < sizeof prior_cases / sizeof prior_cases[0]; i++) {
        const prior_case *pc = &prior_cases[i];
        vg_incident_prior prior[3];
        json_t *pfacts[3] = {NULL, NULL, NULL};
        static const char *const ids[3] = {"p0", "p1", "p2"};
        size_t n = 0;
        while (n < 3 && pc->prior[n]) {
            pfacts[n] = facts_of(CLOUD, pc->prior[n]);
            prior[n] = (vg_incident_prior){ids[n], pc->prior_at[n], pfacts[n]};
            n++;
        }
        json_t *facts = facts_of(CLOUD, pc->current), *result = NULL;
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        CHECK(vg_incident_classify(&ctx, facts, AWARE, prior, n, &result) == VG_OK, "line %d: %s", pc->line,
              ctx.message);
        const char *got = criterion(result, "2024/2690 Art. 3(1)(f)", NULL);
        CHECK(strcmp(got, pc->result) == 0, "line %d: Art. 3(1)(f) %s, not %s", pc->line, got, pc->result);
        CHECK(strcmp(json_string_value(json_object_get(result, "significance")), pc->significance) == 0,
              "line %d: %s", pc->line, json_string_value(json_object_get(result, "significance")));
        json_t *rec = json_object_get(result, "recurring");
        CHECK(json_integer_value(json_object_get(rec, "window_start")) == WINDOW_START, "line %d: window start",
              pc->line);
        char joined[64] = "";
        size_t k, len = 0;
        json_t *item;
        json_array_foreach(json_object_get(rec, "incidents"), k, item) {
            len += (size_t)snprintf(joined + len, sizeof joined - len, "%s%.8s", k ? "," : "",
                                    json_string_value(json_object_get(item, "id")));
        }
        CHECK(strcmp(joined, pc->joined) == 0, "line %d: joined \"%s\", not \"%s\"", pc->line, joined, pc->joined);
        for (size_t j = 0; j < n; j++)
            json_decref(pfacts[j]);
        json_decref(facts);
        json_decref(result);
        vg_ctx_free(&ctx);
    }
}

/* The window's start, counted in calendar months with the day clamped. */
static void test_window(void)
{
    static const struct {
        int64_t aware, start;
    } cases[] = {
        {1775001600, 1759276800}, /* 2026-04-01T00:00Z -> 2025-10-01T00:00Z */
        {1788134400, 1772236800}, /* 2026-08-31T00:00Z -> 2026-02-28T00:00Z */
        {1725062400, 1709164800}, /* 2024-08-31T00:00Z -> 2024-02-29T00:00Z (leap year) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *facts = facts_of(CLOUD, "{}"), *result = NULL;
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        CHECK(vg_incident_classify(&ctx, facts, cases[i].aware, NULL, 0, &result) == VG_OK, "%s", ctx.message);
        json_int_t got = json_integer_value(json_object_get(json_object_get(result, "recurring"), "window_start"));
        CHECK(got == cases[i].start, "window of %lld starts %lld, not %lld", (long long)cases[i].aware,
              (long long)got, (long long)cases[i].start);
        json_decref(facts);
        json_decref(result);
        vg_ctx_free(&ctx);
    }
}

/* ---- bad input -------------------------------------------------------------- */

static void test_bad(void)
{
    static const struct {
        int line;
        const char *facts; /* whole facts text */
        const char *named; /* the message must contain it */
    } cases[] = {
        {__LINE__, "[]", "not a JSON object"},
        {__LINE__, "{}", "entity_type"},
        {__LINE__, "{\"entity_type\":7}", "entity_type"},
        {__LINE__, "{\"entity_type\":\"cloud\"}", "\"cloud\""},
        {__LINE__, "{\"entity_type\":\"Other\"}", "entity_type"},
        {__LINE__, "{\"entity_type\":\"other\",\"foo\":1}", "\"foo\""},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"financial_loss_eur\":\"500\"}", "financial_loss_eur"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"financial_loss_eur\":-1}", "financial_loss_eur"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"financial_loss_eur\":1e14}", "financial_loss_eur"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"annual_turnover_eur\":-0.5}", "annual_turnover_eur"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"unavailable_minutes\":5259601}", "unavailable_minutes"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"degraded_minutes\":-3}", "degraded_minutes"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"users_in_union\":1.5}", "users_in_union"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"users_in_union\":100,\"degraded_users\":101}", "degraded_users"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"users_in_union\":100,\"data_compromised_users\":101}",
         "data_compromised_users"},
        {__LINE__, "{\"entity_type\":\"online-marketplace\",\"users_in_union\":100,\"unavailable_users\":101}",
         "unavailable_users"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"users_in_union\":20000000000}", "users_in_union"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"death\":1}", "death"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"planned_maintenance\":\"yes\"}", "planned_maintenance"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"root_cause\":\"aliens\"}", "root_cause"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"root_cause\":3}", "root_cause"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"physical_access_compromised\":true}",
         "physical_access_compromised"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"considerable_damage_to_others\":true}",
         "considerable_damage_to_others"},
        {__LINE__, "{\"entity_type\":\"other\",\"financial_loss_eur\":1}", "financial_loss_eur"},
        {__LINE__, "{\"entity_type\":\"trust-service-provider\",\"week_unavailable_minutes\":10081}",
         "week_unavailable_minutes"},
        {__LINE__, "{\"entity_type\":\"dns-service-provider\",\"domains_managed\":10,\"domains_incorrect\":11}",
         "domains_incorrect"},
        {__LINE__, "{\"entity_type\":\"dns-service-provider\",\"response_time_avg_seconds\":86401}",
         "response_time_avg_seconds"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"data_compromised\":false,\"data_compromise_malicious\":true}",
         "data_compromise_malicious"},
        {__LINE__, "{\"entity_type\":\"cdn-provider\",\"data_compromised\":false,\"data_compromised_users\":5}",
         "data_compromised_users"},
        {__LINE__,
         "{\"entity_type\":\"cdn-provider\",\"suspected_malicious_unauthorised_access\":false,"
         "\"capable_of_severe_operational_disruption\":true}",
         "capable_of_severe_operational_disruption"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *facts = json_loads(cases[i].facts, 0, NULL), *result = (json_t *)1;
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        int rc = vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result);
        CHECK(rc == VG_ERR_USAGE, "line %d: rc %d", cases[i].line, rc);
        CHECK(result == NULL, "line %d: a result on error", cases[i].line);
        CHECK(strstr(ctx.message, cases[i].named), "line %d: \"%s\" does not name %s", cases[i].line, ctx.message,
              cases[i].named);
        json_decref(facts);
        vg_ctx_free(&ctx);
    }

    /* The edge of the ranges is accepted. */
    json_t *facts = json_pack("{s:s, s:f, s:i}", "entity_type", "cdn-provider", "unavailable_minutes", 5259600.0,
                              "users_in_union", (json_int_t)10000000000);
    json_t *result = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 0, &result) == VG_OK, "ten years: %s", ctx.message);
    json_decref(result);
    result = NULL;

    /* A prior incident with bad facts is named. */
    json_t *bad = json_pack("{s:s, s:i}", "entity_type", "cdn-provider", "financial_loss_eur", -5);
    vg_incident_prior prior = {"INC-7", AWARE - 86400, bad};
    CHECK(vg_incident_classify(&ctx, facts, AWARE, &prior, 1, &result) == VG_ERR_USAGE && !result, "bad prior");
    CHECK(strstr(ctx.message, "INC-7") && strstr(ctx.message, "financial_loss_eur"), "bad prior: %s", ctx.message);
    /* Outside the window it is not read. */
    prior.aware_at = AWARE - 365 * 86400;
    CHECK(vg_incident_classify(&ctx, facts, AWARE, &prior, 1, &result) == VG_OK, "old prior: %s", ctx.message);
    json_decref(result);
    json_decref(bad);

    CHECK(vg_incident_classify(&ctx, facts, -1, NULL, 0, &result) == VG_ERR_USAGE, "negative awareness");
    CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 0, NULL) == VG_ERR_USAGE, "no result");
    CHECK(vg_incident_classify(&ctx, facts, AWARE, NULL, 1, &result) == VG_ERR_USAGE, "no prior array");
    CHECK(vg_incident_classify(&ctx, NULL, AWARE, NULL, 0, &result) == VG_ERR_USAGE, "no facts");
    json_decref(facts);
    vg_ctx_free(&ctx);
}

static void test_entity_types(void)
{
    static const char *const expected[] = {
        "dns-service-provider", "tld-name-registry", "cloud-computing-service-provider",
        "data-centre-service-provider", "cdn-provider", "managed-service-provider",
        "managed-security-service-provider", "online-marketplace", "online-search-engine",
        "social-networking-platform", "trust-service-provider", "other",
    };
    size_t n = 0;
    while (vg_incident_entity_types[n])
        n++;
    CHECK(n == sizeof expected / sizeof expected[0], "%zu entity types", n);
    for (size_t i = 0; i < n && i < sizeof expected / sizeof expected[0]; i++) {
        CHECK(strcmp(vg_incident_entity_types[i], expected[i]) == 0, "entity type %zu", i);
        CHECK(vg_incident_entity_type_known(expected[i]), "%s known", expected[i]);
    }
    CHECK(!vg_incident_entity_type_known("cloud"), "cloud");
    CHECK(!vg_incident_entity_type_known(""), "empty");
    CHECK(!vg_incident_entity_type_known(NULL), "NULL");
}

int main(void)
{
    test_entity_types();
    test_quiet();
    test_rows();
    test_exclusion();
    test_undetermined();
    test_recurring();
    test_window();
    test_bad();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures != 0;
}
