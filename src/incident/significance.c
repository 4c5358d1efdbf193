/*
 * significance.c — whether an incident is significant (incident.h,
 * docs/incidents.md "Significance").
 *
 * Law implemented:
 *   - Commission Implementing Regulation (EU) 2024/2690 of 17 October 2024,
 *     Art. 3(1)(a)-(g) (general criteria), Art. 3(2) (scheduled
 *     interruptions and planned consequences of scheduled maintenance),
 *     Art. 4 (recurring incidents) and Arts. 5-14 (the thresholds of each of
 *     the eleven kinds of relevant entity of its Art. 1), for those
 *     entities;
 *   - Directive (EU) 2022/2555 (NIS2) Art. 23(3)(a) and (b) for every other
 *     entity (entity type "other"), whose tests are judgements the user
 *     states as booleans.
 * Every threshold is the number of the Regulation's text, with its
 * comparison ("more than", "exceeds", "fewer than", "no more than").
 *
 * Three-valued: each criterion is met, not met, or unknown (a fact it needs
 * was not given, listed under "missing").  Significant when one criterion
 * is met; not significant only when every applicable criterion was decided
 * not met; undetermined otherwise.  Missing facts never make an incident
 * not significant.
 *
 * Leaves out: working out the facts (losses, user counts, durations) from
 * anything; they are what the entity asserts.  Art. 3(2) excludes only the
 * availability criteria (see docs/incidents.md for that reading).
 */
#include <stdio.h>
#include <string.h>

#include "vigil/incident.h"

const char *const vg_incident_entity_types[] = {
    "dns-service-provider",        /* 2024/2690 Art. 5 */
    "tld-name-registry",           /* Art. 6 */
    "cloud-computing-service-provider", /* Art. 7 */
    "data-centre-service-provider", /* Art. 8 */
    "cdn-provider",                /* Art. 9 */
    "managed-service-provider",    /* Art. 10 */
    "managed-security-service-provider", /* Art. 10 */
    "online-marketplace",          /* Art. 11 */
    "online-search-engine",        /* Art. 12 */
    "social-networking-platform",  /* Art. 13 */
    "trust-service-provider",      /* Art. 14 */
    "other",                       /* NIS2 Art. 23(3) only */
    NULL,
};

enum entity {
    ET_DNS, ET_TLD, ET_CLOUD, ET_DC, ET_CDN, ET_MSP, ET_MSSP, ET_MARKET, ET_SEARCH, ET_SOCIAL, ET_TRUST, ET_OTHER,
    ET_COUNT
};

static int entity_index(const char *name)
{
    for (int i = 0; name && vg_incident_entity_types[i]; i++)
        if (strcmp(name, vg_incident_entity_types[i]) == 0)
            return i;
    return -1;
}

int vg_incident_entity_type_known(const char *name) { return entity_index(name) >= 0; }

/* ---- the facts ------------------------------------------------------------ */

enum fact {
    F_ENTITY_TYPE, F_ROOT_CAUSE, F_LOSS, F_TURNOVER, F_TRADE_SECRETS, F_DEATH, F_HEALTH, F_ACCESS,
    F_ACCESS_DISRUPTION, F_PLANNED, F_UNAVAIL_MIN, F_UNAVAIL_USERS, F_DEGRADED_MIN, F_DEGRADED_USERS,
    F_WEEK_UNAVAIL_MIN, F_USERS, F_DATA, F_DATA_MALICIOUS, F_DATA_USERS, F_MISCONFIG, F_DOMAINS_INCORRECT,
    F_DOMAINS_MANAGED, F_RESPONSE_AVG, F_RESPONSE_PERIOD, F_PHYSICAL, F_NIS2_DISRUPTION, F_NIS2_DAMAGE,
    F_COUNT
};

enum fact_type { T_STRING, T_BOOL, T_AMOUNT, T_COUNT };

#define BIT(e) (1u << (e))
#define REGULATED (BIT(ET_OTHER) - 1u)
#define USER_COUNTED                                                                                       \
    (BIT(ET_CLOUD) | BIT(ET_CDN) | BIT(ET_MSP) | BIT(ET_MSSP) | BIT(ET_MARKET) | BIT(ET_SEARCH) |          \
     BIT(ET_SOCIAL) | BIT(ET_TRUST)) /* Art. 3(3): Arts. 7 and 9 to 14 */
#define EUR_MAX 1e13                 /* ten trillion euro: above any entity's turnover */
#define USERS_MAX 1e10               /* ten billion: above the world's population */
#define MINUTES_MAX 5259600.0        /* ten years of 365.25 days */
#define WEEK_MINUTES 10080.0         /* Art. 14(b): a calendar week */

static const struct fact_def {
    const char *name;
    enum fact_type type;
    double max;
    unsigned entities; /* the entity types it applies to */
} facts_def[F_COUNT] = {
    [F_ENTITY_TYPE] = {"entity_type", T_STRING, 0, REGULATED | BIT(ET_OTHER)},
    [F_ROOT_CAUSE] = {"root_cause", T_STRING, 0, REGULATED},
    [F_LOSS] = {"financial_loss_eur", T_AMOUNT, EUR_MAX, REGULATED},
    [F_TURNOVER] = {"annual_turnover_eur", T_AMOUNT, EUR_MAX, REGULATED},
    [F_TRADE_SECRETS] = {"trade_secret_exfiltration", T_BOOL, 0, REGULATED},
    [F_DEATH] = {"death", T_BOOL, 0, REGULATED},
    [F_HEALTH] = {"health_damage", T_BOOL, 0, REGULATED},
    [F_ACCESS] = {"suspected_malicious_unauthorised_access", T_BOOL, 0, REGULATED},
    [F_ACCESS_DISRUPTION] = {"capable_of_severe_operational_disruption", T_BOOL, 0, REGULATED},
    [F_PLANNED] = {"planned_maintenance", T_BOOL, 0, REGULATED},
    [F_UNAVAIL_MIN] = {"unavailable_minutes", T_AMOUNT, MINUTES_MAX,
                       BIT(ET_DNS) | BIT(ET_TLD) | BIT(ET_CLOUD) | BIT(ET_DC) | BIT(ET_CDN) | BIT(ET_MSP) |
                           BIT(ET_MSSP) | BIT(ET_TRUST)},
    [F_UNAVAIL_USERS] = {"unavailable_users", T_COUNT, USERS_MAX, BIT(ET_MARKET) | BIT(ET_SEARCH) | BIT(ET_SOCIAL)},
    [F_DEGRADED_MIN] = {"degraded_minutes", T_AMOUNT, MINUTES_MAX,
                        BIT(ET_CLOUD) | BIT(ET_DC) | BIT(ET_CDN) | BIT(ET_MSP) | BIT(ET_MSSP)},
    [F_DEGRADED_USERS] = {"degraded_users", T_COUNT, USERS_MAX, USER_COUNTED},
    [F_WEEK_UNAVAIL_MIN] = {"week_unavailable_minutes", T_AMOUNT, WEEK_MINUTES, BIT(ET_TRUST)},
    [F_USERS] = {"users_in_union", T_COUNT, USERS_MAX, USER_COUNTED},
    [F_DATA] = {"data_compromised", T_BOOL, 0, REGULATED},
    [F_DATA_MALICIOUS] = {"data_compromise_malicious", T_BOOL, 0,
                          BIT(ET_CLOUD) | BIT(ET_DC) | BIT(ET_CDN) | BIT(ET_MSP) | BIT(ET_MSSP) | BIT(ET_MARKET) |
                              BIT(ET_SEARCH) | BIT(ET_SOCIAL)},
    [F_DATA_USERS] = {"data_compromised_users", T_COUNT, USERS_MAX, USER_COUNTED},
    [F_MISCONFIG] = {"misconfiguration_only", T_BOOL, 0, BIT(ET_DNS)},
    [F_DOMAINS_INCORRECT] = {"domains_incorrect", T_COUNT, USERS_MAX, BIT(ET_DNS)},
    [F_DOMAINS_MANAGED] = {"domains_managed", T_COUNT, USERS_MAX, BIT(ET_DNS)},
    [F_RESPONSE_AVG] = {"response_time_avg_seconds", T_AMOUNT, 86400, BIT(ET_DNS) | BIT(ET_TLD)},
    [F_RESPONSE_PERIOD] = {"response_time_period_minutes", T_AMOUNT, MINUTES_MAX, BIT(ET_DNS) | BIT(ET_TLD)},
    [F_PHYSICAL] = {"physical_access_compromised", T_BOOL, 0, BIT(ET_DC) | BIT(ET_TRUST)},
    [F_NIS2_DISRUPTION] = {"severe_disruption_or_financial_loss", T_BOOL, 0, BIT(ET_OTHER)},
    [F_NIS2_DAMAGE] = {"considerable_damage_to_others", T_BOOL, 0, BIT(ET_OTHER)},
};

/* The MISP "nis" taxonomy's root-cause-category values. */
static const char *const root_causes[] = {
    "system-failures", "natural-phenomena", "human-errors", "malicious-actions", "third-party-failures", NULL,
};

typedef struct facts {
    int entity;
    int has[F_COUNT];
    double num[F_COUNT];  /* T_AMOUNT, T_COUNT; T_BOOL as 0 or 1 */
    const char *root_cause;
} facts;

static int one_of(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void known_list(char *out, size_t outsz, const char *const *list)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; list[i] && n < outsz; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? ", " : "", list[i]);
}

/* Reads facts (who names them in messages) into *f, checking every
 * member: known, of its type, in its range, applicable to the entity type,
 * and consistent with the others. */
static int facts_read(vg_ctx *ctx, const char *who, const json_t *obj, facts *f)
{
    memset(f, 0, sizeof *f);
    if (!json_is_object(obj))
        return vg_error(ctx, VG_ERR_USAGE, "%s: not a JSON object", who);
    const json_t *et = json_object_get(obj, "entity_type");
    if (!et)
        return vg_error(ctx, VG_ERR_USAGE, "%s: \"entity_type\" is missing", who);
    if (!json_is_string(et))
        return vg_error(ctx, VG_ERR_USAGE, "%s: \"entity_type\" must be a string", who);
    f->entity = entity_index(json_string_value(et));
    if (f->entity < 0) {
        char known[600];
        known_list(known, sizeof known, vg_incident_entity_types);
        return vg_error(ctx, VG_ERR_USAGE, "%s: \"entity_type\": unknown entity type \"%.100s\" (known: %s)", who,
                        json_string_value(et), known);
    }
    f->has[F_ENTITY_TYPE] = 1;

    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        int id = 0;
        while (id < F_COUNT && strcmp(key, facts_def[id].name) != 0)
            id++;
        if (id == F_COUNT)
            return vg_error(ctx, VG_ERR_USAGE, "%s: unknown member \"%.100s\"", who, key);
        if (id == F_ENTITY_TYPE)
            continue;
        const struct fact_def *d = &facts_def[id];
        if (!(d->entities & BIT(f->entity)))
            return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" does not apply to entity type \"%s\"", who, d->name,
                            vg_incident_entity_types[f->entity]);
        switch (d->type) {
        case T_STRING: /* root_cause */
            if (!json_is_string(value) || !one_of(json_string_value(value), root_causes)) {
                char known[300];
                known_list(known, sizeof known, root_causes);
                return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" must be one of %s", who, d->name, known);
            }
            f->root_cause = json_string_value(value);
            break;
        case T_BOOL:
            if (!json_is_boolean(value))
                return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" must be true or false", who, d->name);
            f->num[id] = json_is_true(value);
            break;
        case T_AMOUNT:
        case T_COUNT:
            if (d->type == T_COUNT ? !json_is_integer(value) : !json_is_number(value))
                return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" must be %s", who, d->name,
                                d->type == T_COUNT ? "a whole number" : "a number");
            f->num[id] = json_number_value(value);
            if (!(f->num[id] >= 0 && f->num[id] <= d->max))
                return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" must be between 0 and %.0f, not %g", who, d->name,
                                d->max, f->num[id]);
            break;
        }
        f->has[id] = 1;
    }

    static const int counted[] = {F_UNAVAIL_USERS, F_DEGRADED_USERS, F_DATA_USERS};
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
        if (f->has[counted[i]] && f->has[F_USERS] && f->num[counted[i]] > f->num[F_USERS])
            return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" (%.0f) is more than \"users_in_union\" (%.0f)", who,
                            facts_def[counted[i]].name, f->num[counted[i]], f->num[F_USERS]);
    if (f->has[F_DOMAINS_INCORRECT] && f->has[F_DOMAINS_MANAGED] &&
        f->num[F_DOMAINS_INCORRECT] > f->num[F_DOMAINS_MANAGED])
        return vg_error(ctx, VG_ERR_USAGE, "%s: \"domains_incorrect\" (%.0f) is more than \"domains_managed\" (%.0f)",
                        who, f->num[F_DOMAINS_INCORRECT], f->num[F_DOMAINS_MANAGED]);
    if (f->has[F_DATA] && !f->num[F_DATA]) {
        static const int needs_data[] = {F_DATA_MALICIOUS, F_MISCONFIG};
        for (size_t i = 0; i < sizeof needs_data / sizeof needs_data[0]; i++)
            if (f->has[needs_data[i]] && f->num[needs_data[i]])
                return vg_error(ctx, VG_ERR_USAGE, "%s: \"%s\" is true but \"data_compromised\" is false", who,
                                facts_def[needs_data[i]].name);
        if (f->has[F_DATA_USERS] && f->num[F_DATA_USERS] > 0)
            return vg_error(ctx, VG_ERR_USAGE, "%s: \"data_compromised_users\" is more than 0 but \"data_compromised\" is false",
                            who);
    }
    if (f->has[F_ACCESS] && !f->num[F_ACCESS] && f->has[F_ACCESS_DISRUPTION] && f->num[F_ACCESS_DISRUPTION])
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: \"capable_of_severe_operational_disruption\" is true but \"suspected_malicious_unauthorised_access\" is false",
                        who);
    return VG_OK;
}

/* ---- one criterion -------------------------------------------------------- */

enum { NOT_MET = 0, MET = 1, UNKNOWN = 2 };

static const char *const result_names[] = {"not-met", "met", "unknown"};

/* A criterion being evaluated: its values and the facts it lacks. */
typedef struct eval {
    const facts *f;
    json_t *values;
    json_t *missing;
    int oom;
} eval;

static void put(eval *e, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        e->oom = 1;
}

static void lacks(eval *e, const char *what)
{
    if (json_array_append_new(e->missing, json_string(what)) != 0)
        e->oom = 1;
}

/* v as an integer when it is one (the facts' ranges keep it below 2^53). */
static json_t *number(double v)
{
    return v < 9e15 && v == (double)(json_int_t)v ? json_integer((json_int_t)v) : json_real(v);
}

static double lower(double a, double b) { return a < b ? a : b; }

static int and3(int a, int b)
{
    if (a == NOT_MET || b == NOT_MET)
        return NOT_MET;
    return a == MET && b == MET ? MET : UNKNOWN;
}

/* Whether fact id was given; records its value, or that it is missing. */
static int given(eval *e, int id)
{
    if (!e->f->has[id]) {
        lacks(e, facts_def[id].name);
        return 0;
    }
    double v = e->f->num[id];
    put(e, e->values, facts_def[id].name, facts_def[id].type == T_BOOL ? json_boolean(v) : number(v));
    return 1;
}

/* Whether fact id is true. */
static int truth(eval *e, int id)
{
    if (!given(e, id))
        return UNKNOWN;
    return e->f->num[id] ? MET : NOT_MET;
}

/* Whether fact id is more than limit. */
static int more_than(eval *e, int id, double limit)
{
    if (!given(e, id))
        return UNKNOWN;
    return e->f->num[id] > limit ? MET : NOT_MET;
}

/* Whether the users of fact id are more than 1/per of users_in_union or
 * more than absolute, whichever number is smaller. */
static int users_over(eval *e, int id, double per, double absolute)
{
    if (!given(e, id))
        return UNKNOWN;
    double n = e->f->num[id];
    if (n > absolute)
        return MET;
    if (!e->f->has[F_USERS]) {
        if (n == 0)
            return NOT_MET;
        lacks(e, "users_in_union");
        return UNKNOWN;
    }
    double users = e->f->num[F_USERS];
    put(e, e->values, "users_in_union", number(users));
    put(e, e->values, "threshold_users", number(lower(users / per, absolute)));
    return n * per > users ? MET : NOT_MET;
}

/* Art. 3(1)(a): loss exceeds EUR 500 000 or 5 % of turnover, whichever is
 * lower (n * 20 > turnover is "more than 5 %" without rounding). */
static int loss_exceeds(eval *e, double loss)
{
    if (loss > 500000)
        return MET;
    if (!e->f->has[F_TURNOVER]) {
        if (loss == 0)
            return NOT_MET;
        lacks(e, "annual_turnover_eur");
        return UNKNOWN;
    }
    double turnover = e->f->num[F_TURNOVER];
    put(e, e->values, "annual_turnover_eur", number(turnover));
    put(e, e->values, "threshold_eur", number(lower(500000, turnover / 20)));
    return loss * 20 > turnover ? MET : NOT_MET;
}

/* Art. 3(2) on an availability criterion's result r. */
static int scheduled(eval *e, int r, const char **excluded_by)
{
    if (r == NOT_MET)
        return NOT_MET;
    if (e->f->has[F_PLANNED]) {
        put(e, e->values, "planned_maintenance", json_boolean(e->f->num[F_PLANNED]));
        if (e->f->num[F_PLANNED]) {
            *excluded_by = "2024/2690 Art. 3(2)";
            return NOT_MET;
        }
        return r;
    }
    lacks(e, "planned_maintenance");
    return UNKNOWN;
}

/* ---- the criteria of each entity type ------------------------------------ */

enum kind {
    K_TRUE,        /* fact is true */
    K_OVER,        /* fact more than limit */
    K_LOSS,        /* Art. 3(1)(a) */
    K_BOTH_TRUE,   /* fact and fact2 true */
    K_USERS,       /* fact's users over per / absolute */
    K_OVER_USERS,  /* fact more than limit, and fact2's users over per / absolute */
    K_OVER_OVER,   /* fact more than limit, and fact2 more than limit2 */
    K_DATA_USERS,  /* data compromised with fact2's users over per / absolute */
    K_DNS_DATA,    /* Art. 5(c) with its misconfiguration exception */
};

typedef struct criterion {
    const char *article;
    const char *test;
    enum kind kind;
    int fact, fact2;
    double limit, limit2, per, absolute;
    int availability; /* subject to Art. 3(2) */
} criterion;

#define UNAVAILABLE(art, svc, minutes)                                                                    \
    {art, svc " is completely unavailable for more than " #minutes " minutes", K_OVER, F_UNAVAIL_MIN, 0, minutes, \
     0, 0, 0, 1}
#define LIMITED_HOUR(art, svc)                                                                            \
    {art,                                                                                                 \
     "the availability of " svc " is limited for more than 5 % of its users in the Union, or for more than " \
     "1 million of them, whichever number is smaller, for a duration of more than one hour",                 \
     K_OVER_USERS, F_DEGRADED_MIN, F_DEGRADED_USERS, 60, 0, 20, 1e6, 1}
#define DATA_MALICIOUS(art, svc)                                                                          \
    {art,                                                                                                 \
     "the integrity, confidentiality or authenticity of stored, transmitted or processed data related to " \
     "the provision of " svc " is compromised as a result of a suspectedly malicious action",             \
     K_BOTH_TRUE, F_DATA, F_DATA_MALICIOUS, 0, 0, 0, 0, 0}
#define DATA_USERS(art, svc)                                                                              \
    {art,                                                                                                 \
     "the integrity, confidentiality or authenticity of stored, transmitted or processed data related to " \
     "the provision of " svc " is compromised with an impact on more than 5 % of its users in the Union, " \
     "or on more than 1 million of them, whichever number is smaller",                                     \
     K_DATA_USERS, F_DATA, F_DATA_USERS, 0, 0, 20, 1e6, 0}
#define SLOW_DNS(art, svc)                                                                                \
    {art,                                                                                                 \
     "for a period of more than one hour, the average response time of " svc " to DNS requests is more " \
     "than 10 seconds",                                                                                   \
     K_OVER_OVER, F_RESPONSE_PERIOD, F_RESPONSE_AVG, 60, 10, 0, 0, 1}
#define PLATFORM(a, b, c, d, svc)                                                                         \
    {a,                                                                                                   \
     svc " is completely unavailable for more than 5 % of its users in the Union, or for more than 1 "    \
     "million of them, whichever number is smaller",                                                      \
     K_USERS, F_UNAVAIL_USERS, 0, 0, 0, 20, 1e6, 1},                                                      \
    {b,                                                                                                   \
     "more than 5 % of the users in the Union of " svc ", or more than 1 million of them, whichever "      \
     "number is smaller, are impacted by limited availability of it",                                     \
     K_USERS, F_DEGRADED_USERS, 0, 0, 0, 20, 1e6, 1},                                                     \
    DATA_MALICIOUS(c, svc), DATA_USERS(d, svc)
#define END {NULL, NULL, K_TRUE, 0, 0, 0, 0, 0, 0, 0}

static const criterion general[] = {
    {"2024/2690 Art. 3(1)(a)",
     "the incident has caused or is capable of causing direct financial loss for the entity that exceeds EUR "
     "500 000 or 5 % of its total annual turnover in the preceding financial year, whichever is lower",
     K_LOSS, F_LOSS, 0, 0, 0, 0, 0, 0},
    {"2024/2690 Art. 3(1)(b)",
     "the incident has caused or is capable of causing the exfiltration of trade secrets (Directive (EU) "
     "2016/943 Art. 2(1)) of the entity",
     K_TRUE, F_TRADE_SECRETS, 0, 0, 0, 0, 0, 0},
    {"2024/2690 Art. 3(1)(c)", "the incident has caused or is capable of causing the death of a natural person",
     K_TRUE, F_DEATH, 0, 0, 0, 0, 0, 0},
    {"2024/2690 Art. 3(1)(d)",
     "the incident has caused or is capable of causing considerable damage to a natural person's health", K_TRUE,
     F_HEALTH, 0, 0, 0, 0, 0, 0},
    {"2024/2690 Art. 3(1)(e)",
     "a successful, suspectedly malicious and unauthorised access to network and information systems occurred, "
     "which is capable of causing severe operational disruption",
     K_BOTH_TRUE, F_ACCESS, F_ACCESS_DISRUPTION, 0, 0, 0, 0, 0},
    END,
};

static const criterion art5[] = {
    UNAVAILABLE("2024/2690 Art. 5(a)", "a recursive or authoritative domain name resolution service", 30),
    SLOW_DNS("2024/2690 Art. 5(b)", "a recursive or authoritative domain name resolution service"),
    {"2024/2690 Art. 5(c)",
     "the integrity, confidentiality or authenticity of stored, transmitted or processed data related to the "
     "provision of the authoritative domain name resolution service is compromised, except where the data of "
     "fewer than 1 000 domain names managed by the provider, amounting to no more than 1 % of the domain names "
     "it manages, are not correct because of misconfiguration",
     K_DNS_DATA, F_DATA, 0, 0, 0, 0, 0, 0},
    END,
};

static const criterion art6[] = {
    {"2024/2690 Art. 6(a)", "an authoritative domain name resolution service is completely unavailable", K_OVER,
     F_UNAVAIL_MIN, 0, 0, 0, 0, 0, 1},
    SLOW_DNS("2024/2690 Art. 6(b)", "an authoritative domain name resolution service"),
    {"2024/2690 Art. 6(c)",
     "the integrity, confidentiality or authenticity of stored, transmitted or processed data related to the "
     "technical operation of the TLD is compromised",
     K_TRUE, F_DATA, 0, 0, 0, 0, 0, 0},
    END,
};

static const criterion art7[] = {
    UNAVAILABLE("2024/2690 Art. 7(a)", "a cloud computing service provided", 30),
    LIMITED_HOUR("2024/2690 Art. 7(b)", "a cloud computing service of the provider"),
    DATA_MALICIOUS("2024/2690 Art. 7(c)", "a cloud computing service"),
    DATA_USERS("2024/2690 Art. 7(d)", "a cloud computing service"),
    END,
};

static const criterion art8[] = {
    {"2024/2690 Art. 8(a)", "a data centre service of a data centre operated by the provider is completely unavailable",
     K_OVER, F_UNAVAIL_MIN, 0, 0, 0, 0, 0, 1},
    {"2024/2690 Art. 8(b)",
     "the availability of a data centre service of a data centre operated by the provider is limited for a "
     "duration of more than one hour",
     K_OVER, F_DEGRADED_MIN, 0, 60, 0, 0, 0, 1},
    DATA_MALICIOUS("2024/2690 Art. 8(c)", "a data centre service"),
    {"2024/2690 Art. 8(d)", "physical access to a data centre operated by the provider is compromised", K_TRUE,
     F_PHYSICAL, 0, 0, 0, 0, 0, 0},
    END,
};

static const criterion art9[] = {
    UNAVAILABLE("2024/2690 Art. 9(a)", "a content delivery network", 30),
    LIMITED_HOUR("2024/2690 Art. 9(b)", "a content delivery network"),
    DATA_MALICIOUS("2024/2690 Art. 9(c)", "a content delivery network"),
    DATA_USERS("2024/2690 Art. 9(d)", "a content delivery network"),
    END,
};

static const criterion art10[] = {
    UNAVAILABLE("2024/2690 Art. 10(a)", "a managed service or managed security service", 30),
    LIMITED_HOUR("2024/2690 Art. 10(b)", "a managed service or managed security service"),
    DATA_MALICIOUS("2024/2690 Art. 10(c)", "a managed service or managed security service"),
    DATA_USERS("2024/2690 Art. 10(d)", "a managed service or managed security service"),
    END,
};

static const criterion art11[] = {
    PLATFORM("2024/2690 Art. 11(a)", "2024/2690 Art. 11(b)", "2024/2690 Art. 11(c)", "2024/2690 Art. 11(d)",
             "an online marketplace"),
    END,
};

static const criterion art12[] = {
    PLATFORM("2024/2690 Art. 12(a)", "2024/2690 Art. 12(b)", "2024/2690 Art. 12(c)", "2024/2690 Art. 12(d)",
             "an online search engine"),
    END,
};

static const criterion art13[] = {
    PLATFORM("2024/2690 Art. 13(a)", "2024/2690 Art. 13(b)", "2024/2690 Art. 13(c)", "2024/2690 Art. 13(d)",
             "a social networking service platform"),
    END,
};

static const criterion art14[] = {
    UNAVAILABLE("2024/2690 Art. 14(a)", "a trust service", 20),
    {"2024/2690 Art. 14(b)",
     "a trust service is unavailable to users, or relying parties, for more than one hour calculated on a "
     "calendar week basis",
     K_OVER, F_WEEK_UNAVAIL_MIN, 0, 60, 0, 0, 0, 1},
    {"2024/2690 Art. 14(c)",
     "more than 1 % of the users or relying parties in the Union, or more than 200 000 of them, whichever number "
     "is smaller, are impacted by limited availability of a trust service",
     K_USERS, F_DEGRADED_USERS, 0, 0, 0, 100, 200000, 1},
    {"2024/2690 Art. 14(d)",
     "physical access to an area where network and information systems are located and to which access is "
     "restricted to trusted personnel of the provider, or the protection of such physical access, is compromised",
     K_TRUE, F_PHYSICAL, 0, 0, 0, 0, 0, 0},
    {"2024/2690 Art. 14(e)",
     "the integrity, confidentiality or authenticity of stored, transmitted or processed data related to the "
     "provision of a trust service is compromised with an impact on more than 0,1 % of its users or relying "
     "parties in the Union, or more than 100 of them, whichever number is smaller",
     K_DATA_USERS, F_DATA, F_DATA_USERS, 0, 0, 1000, 100, 0},
    END,
};

static const criterion nis2[] = {
    {"NIS2 Art. 23(3)(a)",
     "the incident has caused or is capable of causing severe operational disruption of the services or financial "
     "loss for the entity concerned",
     K_TRUE, F_NIS2_DISRUPTION, 0, 0, 0, 0, 0, 0},
    {"NIS2 Art. 23(3)(b)",
     "the incident has affected or is capable of affecting other natural or legal persons by causing considerable "
     "material or non-material damage",
     K_TRUE, F_NIS2_DAMAGE, 0, 0, 0, 0, 0, 0},
    END,
};

static const criterion *const specific[ET_COUNT] = {
    art5, art6, art7, art8, art9, art10, art10, art11, art12, art13, art14, nis2,
};

static int evaluate(eval *e, const criterion *c, const char **excluded_by)
{
    const facts *f = e->f;
    int r = NOT_MET, r2;
    /* One test after the other (not as two arguments of and3, whose order
     * C leaves open), so that values and missing come in a fixed order. */
    switch (c->kind) {
    case K_TRUE:
        r = truth(e, c->fact);
        break;
    case K_OVER:
        r = more_than(e, c->fact, c->limit);
        break;
    case K_LOSS:
        r = given(e, F_LOSS) ? loss_exceeds(e, f->num[F_LOSS]) : UNKNOWN;
        break;
    case K_BOTH_TRUE:
        r = truth(e, c->fact);
        r2 = truth(e, c->fact2);
        r = and3(r, r2);
        break;
    case K_USERS:
        r = users_over(e, c->fact, c->per, c->absolute);
        break;
    case K_OVER_USERS:
        r = more_than(e, c->fact, c->limit);
        r2 = users_over(e, c->fact2, c->per, c->absolute);
        r = and3(r, r2);
        break;
    case K_OVER_OVER:
        r = more_than(e, c->fact, c->limit);
        r2 = more_than(e, c->fact2, c->limit2);
        r = and3(r, r2);
        break;
    case K_DATA_USERS:
        r = truth(e, c->fact);
        r2 = users_over(e, c->fact2, c->per, c->absolute);
        r = and3(r, r2);
        break;
    case K_DNS_DATA: {
        r = truth(e, F_DATA);
        if (r != MET)
            break;
        /* The exception: fewer than 1 000 names, no more than 1 % of the
         * names managed (n * 100 <= managed), misconfiguration only. */
        int incorrect = given(e, F_DOMAINS_INCORRECT), managed = given(e, F_DOMAINS_MANAGED);
        int names = !incorrect ? UNKNOWN : f->num[F_DOMAINS_INCORRECT] < 1000 ? MET : NOT_MET;
        int share = !incorrect || !managed ? UNKNOWN
                    : f->num[F_DOMAINS_INCORRECT] * 100 <= f->num[F_DOMAINS_MANAGED] ? MET
                                                                                    : NOT_MET;
        int exception = and3(truth(e, F_MISCONFIG), and3(names, share));
        r = exception == MET ? NOT_MET : exception == NOT_MET ? MET : UNKNOWN;
        break;
    }
    }
    if (c->availability)
        r = scheduled(e, r, excluded_by);
    return r;
}

/* Appends one criterion's answer to criteria. */
static int add_criterion(json_t *criteria, const char *article, const char *test, int r, eval *e,
                         const char *excluded_by)
{
    json_t *o = json_object();
    if (!o)
        return VG_ERR_NOMEM;
    put(e, o, "article", json_string(article));
    put(e, o, "test", json_string(test));
    put(e, o, "result", json_string(result_names[r]));
    if (r == UNKNOWN)
        put(e, o, "missing", json_incref(e->missing));
    put(e, o, "values", json_incref(e->values));
    if (excluded_by)
        put(e, o, "excluded_by", json_string(excluded_by));
    if (json_array_append_new(criteria, o) != 0 || e->oom)
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* The criteria of list for f into criteria (NULL: only counted); *met,
 * *unknown and *excluded count them. */
static int classify_list(const facts *f, const criterion *list, json_t *criteria, int *met, int *unknown,
                         int *excluded)
{
    for (const criterion *c = list; c->article; c++) {
        eval e = {f, json_object(), json_array(), 0};
        const char *excluded_by = NULL;
        int rc = VG_ERR_NOMEM;
        if (e.values && e.missing) {
            int r = evaluate(&e, c, &excluded_by);
            *met += r == MET;
            *unknown += r == UNKNOWN;
            *excluded += excluded_by != NULL;
            rc = criteria ? add_criterion(criteria, c->article, c->test, r, &e, excluded_by)
                          : (e.oom ? VG_ERR_NOMEM : VG_OK);
        }
        json_decref(e.values);
        json_decref(e.missing);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* Art. 3(1)(a)-(e) for a relevant entity of 2024/2690; none for "other". */
static const criterion *general_of(const facts *f)
{
    static const criterion none[] = {END};
    return f->entity == ET_OTHER ? none : general;
}

/* ---- Art. 4: recurring incidents ------------------------------------------ */

#define AWARE_MAX ((int64_t)253402300799) /* 9999-12-31T23:59:59Z */

/* Art. 3(1)(f) / Art. 4 for f (aware at aware_at) and the register's other
 * incidents; the criterion into criteria, the detail into *recurring. */
static int recurring(vg_ctx *ctx, const facts *f, int64_t aware_at, const vg_incident_prior *prior, size_t nprior,
                     json_t *criteria, json_t **recurring_out, int *r_out)
{
    eval e = {f, json_object(), json_array(), 0};
    json_t *joined = json_array(), *undecided = json_array(), *rec = json_object();
    int rc = VG_ERR_NOMEM;
    if (!e.values || !e.missing || !joined || !undecided || !rec)
        goto done;
    int64_t start = vg_incident_add_months(aware_at, -6); /* the day clamped: 31 August - 6 = end of February */
    double total = f->has[F_LOSS] ? f->num[F_LOSS] : 0;
    size_t njoined = 0, nundecided = 0;
    for (size_t i = 0; i < nprior; i++) {
        const vg_incident_prior *p = &prior[i];
        const char *id = p->id ? p->id : "(no id)";
        if (p->aware_at < start || p->aware_at > aware_at)
            continue;
        char who[200];
        snprintf(who, sizeof who, "prior incident \"%.100s\": facts", id);
        facts pf;
        if (!p->facts) {
            pf.entity = ET_COUNT;
        } else if ((rc = facts_read(ctx, who, p->facts, &pf)) != VG_OK) {
            goto done;
        }
        rc = VG_ERR_NOMEM;
        if (pf.entity == ET_OTHER)
            continue; /* not a relevant entity of 2024/2690 */
        const char *why = NULL;
        if (pf.entity == ET_COUNT) {
            why = "not classified";
        } else if (!pf.root_cause || !f->root_cause) {
            why = "root cause not known";
        } else if (strcmp(pf.root_cause, f->root_cause) != 0) {
            continue;
        } else {
            int met = 0, unknown = 0, excluded = 0;
            if ((rc = classify_list(&pf, general, NULL, &met, &unknown, &excluded)) != VG_OK ||
                (rc = classify_list(&pf, specific[pf.entity], NULL, &met, &unknown, &excluded)) != VG_OK)
                goto done;
            rc = VG_ERR_NOMEM;
            if (met)
                continue; /* individually significant: Art. 4 counts only those that are not */
            if (unknown)
                why = "its own significance is undetermined";
            else if (!pf.has[F_LOSS])
                why = "financial loss not known";
        }
        json_t *item = json_object();
        if (!item || json_array_append_new(why ? undecided : joined, item) != 0)
            goto done;
        put(&e, item, "id", json_string(id));
        put(&e, item, "aware_at", json_integer(p->aware_at));
        if (why) {
            put(&e, item, "reason", json_string(why));
            nundecided++;
        } else {
            put(&e, item, "financial_loss_eur", number(pf.num[F_LOSS]));
            total += pf.num[F_LOSS];
            njoined++;
        }
    }

    int r;
    if (!f->has[F_LOSS] || (!f->root_cause && nundecided)) {
        if (!f->has[F_LOSS])
            lacks(&e, "financial_loss_eur");
        if (!f->root_cause)
            lacks(&e, "root_cause");
        r = njoined || nundecided ? UNKNOWN : NOT_MET;
    } else {
        r = njoined ? loss_exceeds(&e, total) : NOT_MET;
        if (r == NOT_MET && nundecided) {
            r = UNKNOWN;
            lacks(&e, "the facts of the prior incidents under recurring.undecided");
        }
    }
    put(&e, e.values, "window_start", json_integer(start));
    put(&e, e.values, "total_financial_loss_eur", number(total));
    if (f->root_cause)
        put(&e, e.values, "root_cause", json_string(f->root_cause));

    put(&e, rec, "article", json_string("2024/2690 Art. 4"));
    put(&e, rec, "window_start", json_integer(start));
    put(&e, rec, "window_end", json_integer(aware_at));
    put(&e, rec, "root_cause", f->root_cause ? json_string(f->root_cause) : json_null());
    put(&e, rec, "incidents", json_incref(joined));
    put(&e, rec, "undecided", json_incref(undecided));
    put(&e, rec, "total_financial_loss_eur", number(total));
    put(&e, rec, "result", json_string(result_names[r]));
    rc = add_criterion(criteria, "2024/2690 Art. 3(1)(f)",
                       "the incident meets Art. 4: incidents not individually significant that occurred at least "
                       "twice within 6 months, with the same apparent root cause, collectively meet Art. 3(1)(a)",
                       r, &e, NULL);
    if (rc == VG_OK && e.oom)
        rc = VG_ERR_NOMEM;
    if (rc == VG_OK) {
        *recurring_out = rec;
        rec = NULL;
        *r_out = r;
    }
done:
    json_decref(e.values);
    json_decref(e.missing);
    json_decref(joined);
    json_decref(undecided);
    json_decref(rec);
    if (rc == VG_ERR_NOMEM)
        vg_error(ctx, VG_ERR_NOMEM, "classify: out of memory");
    return rc;
}

/* ---- classify ------------------------------------------------------------- */

int vg_incident_classify(vg_ctx *ctx, const json_t *facts_json, int64_t aware_at, const vg_incident_prior *prior,
                         size_t nprior, json_t **result)
{
    if (!result || (nprior && !prior))
        return vg_error(ctx, VG_ERR_USAGE, "classify: no result or no prior incidents given");
    *result = NULL;
    if (aware_at < 0 || aware_at > AWARE_MAX)
        return vg_error(ctx, VG_ERR_USAGE, "classify: awareness time %lld out of range", (long long)aware_at);
    facts f;
    int rc = facts_read(ctx, "facts", facts_json, &f);
    if (rc != VG_OK)
        return rc;

    json_t *out = json_object(), *criteria = json_array(), *rec = NULL;
    int met = 0, unknown = 0, excluded = 0, oom = !out || !criteria;
    /* In the order of the articles: Art. 3(1)(a)-(e), (f) (Art. 4), then
     * (g) (the article of the entity type). */
    if (!oom)
        rc = classify_list(&f, general_of(&f), criteria, &met, &unknown, &excluded);
    if (!oom && rc == VG_OK && f.entity != ET_OTHER) {
        int r = NOT_MET;
        rc = recurring(ctx, &f, aware_at, prior, nprior, criteria, &rec, &r);
        met += r == MET;
        unknown += r == UNKNOWN;
    }
    if (!oom && rc == VG_OK)
        rc = classify_list(&f, specific[f.entity], criteria, &met, &unknown, &excluded);
    if (oom || rc != VG_OK) {
        json_decref(out);
        json_decref(criteria);
        json_decref(rec);
        return rc == VG_OK || rc == VG_ERR_NOMEM ? vg_error(ctx, VG_ERR_NOMEM, "classify: out of memory") : rc;
    }
    eval e = {&f, NULL, NULL, 0};
    put(&e, out, "significance",
        json_string(met ? "significant" : unknown ? "undetermined" : "not-significant"));
    put(&e, out, "entity_type", json_string(vg_incident_entity_types[f.entity]));
    put(&e, out, "regulation",
        json_string(f.entity == ET_OTHER ? "Directive (EU) 2022/2555 Art. 23(3)"
                                         : "Commission Implementing Regulation (EU) 2024/2690 Arts. 3-14"));
    put(&e, out, "criteria", criteria);
    if (rec)
        put(&e, out, "recurring", rec);
    if (excluded)
        put(&e, out, "exclusion",
            json_pack("{s:s, s:s}", "article", "2024/2690 Art. 3(2)", "reason",
                      "planned_maintenance: the unavailability or limited availability was a scheduled interruption "
                      "of service or a planned consequence of scheduled maintenance"));
    if (e.oom) {
        json_decref(out);
        return vg_error(ctx, VG_ERR_NOMEM, "classify: out of memory");
    }
    *result = out;
    return VG_OK;
}
