/*
 * cvss.c — CVSS vector parsing and scoring: v2, v3.0, v3.1 and v4.0.
 *
 * Specifications implemented (see include/vigil/cvss.h for the contract):
 * - FIRST, "Common Vulnerability Scoring System v3.1: Specification
 *   Document", section 7 (base, temporal, environmental equations) and
 *   Appendix A (Roundup with the integer trick against floating point
 *   error); v3.0 specification section 8 for 3.0 vectors (plain round-up
 *   and the 3.0 modified-impact formula for a changed scope).
 * - FIRST, "CVSS v4.0 Specification Document", sections 8.2 and 8.3
 *   (equivalence sets EQ1-EQ6, MacroVectors, interpolation by severity
 *   distance), with the data of FIRST's reference calculator
 *   (github.com/FIRSTdotorg/cvss-v4-calculator, cvss_lookup.js,
 *   max_composed.js, max_severity.js): the 270 MacroVector scores, the
 *   highest-severity vectors of each equivalence level and the level
 *   depths, typed in below.
 * - FIRST, "A Complete Guide to the CVSS Version 2.0", section 3.2.
 *
 * Leaves out: v4.0 supplemental metrics are validated but do not score (as
 * the specification says); CVSS v3.0/v3.1 "Not Defined" written as "ND".
 */
#include <stdio.h>
#include <string.h>

#include "vigil/cvss.h"

#define MAX_METRICS 32

/* One metric of a version: its abbreviation, allowed values ('|'
 * separated, first listed = index 0) and whether it is mandatory. */
typedef struct metric_def {
    const char *name;
    const char *values;
    int mandatory;
} metric_def;

/* ---- metric tables (the specifications' vector-string tables) ----------- */

enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_E, V3_RL, V3_RC,
       V3_CR, V3_IR, V3_AR, V3_MAV, V3_MAC, V3_MPR, V3_MUI, V3_MS, V3_MC, V3_MI, V3_MA, V3_COUNT };

static const metric_def v3_metrics[V3_COUNT] = {
    {"AV", "N|A|L|P", 1}, {"AC", "L|H", 1}, {"PR", "N|L|H", 1}, {"UI", "N|R", 1},
    {"S", "U|C", 1}, {"C", "H|L|N", 1}, {"I", "H|L|N", 1}, {"A", "H|L|N", 1},
    {"E", "X|H|F|P|U", 0}, {"RL", "X|U|W|T|O", 0}, {"RC", "X|C|R|U", 0},
    {"CR", "X|H|M|L", 0}, {"IR", "X|H|M|L", 0}, {"AR", "X|H|M|L", 0},
    {"MAV", "X|N|A|L|P", 0}, {"MAC", "X|L|H", 0}, {"MPR", "X|N|L|H", 0}, {"MUI", "X|N|R", 0},
    {"MS", "X|U|C", 0}, {"MC", "X|H|L|N", 0}, {"MI", "X|H|L|N", 0}, {"MA", "X|H|L|N", 0},
};

enum { V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
       V4_E, V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI, V4_MVC, V4_MVI, V4_MVA,
       V4_MSC, V4_MSI, V4_MSA, V4_S, V4_AU, V4_R, V4_V, V4_RE, V4_U, V4_COUNT };

static const metric_def v4_metrics[V4_COUNT] = {
    {"AV", "N|A|L|P", 1}, {"AC", "L|H", 1}, {"AT", "N|P", 1}, {"PR", "N|L|H", 1}, {"UI", "N|P|A", 1},
    {"VC", "H|L|N", 1}, {"VI", "H|L|N", 1}, {"VA", "H|L|N", 1},
    {"SC", "H|L|N", 1}, {"SI", "H|L|N", 1}, {"SA", "H|L|N", 1},
    {"E", "X|A|P|U", 0},
    {"CR", "X|H|M|L", 0}, {"IR", "X|H|M|L", 0}, {"AR", "X|H|M|L", 0},
    {"MAV", "X|N|A|L|P", 0}, {"MAC", "X|L|H", 0}, {"MAT", "X|N|P", 0}, {"MPR", "X|N|L|H", 0},
    {"MUI", "X|N|P|A", 0}, {"MVC", "X|H|L|N", 0}, {"MVI", "X|H|L|N", 0}, {"MVA", "X|H|L|N", 0},
    {"MSC", "X|H|L|N", 0}, {"MSI", "X|S|H|L|N", 0}, {"MSA", "X|S|H|L|N", 0},
    {"S", "X|N|P", 0}, {"AU", "X|N|Y", 0}, {"R", "X|A|U|I", 0}, {"V", "X|D|C", 0},
    {"RE", "X|L|M|H", 0}, {"U", "X|Clear|Green|Amber|Red", 0},
};

enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A, V2_E, V2_RL, V2_RC, V2_CDP, V2_TD, V2_CR, V2_IR, V2_AR, V2_COUNT };

static const metric_def v2_metrics[V2_COUNT] = {
    {"AV", "L|A|N", 1}, {"AC", "H|M|L", 1}, {"Au", "M|S|N", 1},
    {"C", "N|P|C", 1}, {"I", "N|P|C", 1}, {"A", "N|P|C", 1},
    {"E", "U|POC|F|H|ND", 0}, {"RL", "OF|TF|W|U|ND", 0}, {"RC", "UC|UR|C|ND", 0},
    {"CDP", "N|L|LM|MH|H|ND", 0}, {"TD", "N|L|M|H|ND", 0},
    {"CR", "L|M|H|ND", 0}, {"IR", "L|M|H|ND", 0}, {"AR", "L|M|H|ND", 0},
};

/* ---- strict parser -------------------------------------------------------- */

/* Index of value v[0..n) in the '|' list, or -1. */
static int value_index(const char *list, const char *v, size_t n)
{
    int index = 0;
    for (const char *p = list;; index++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, v, n) == 0)
            return index;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

/* Parses the "NAME:VALUE/..." part s into value indexes (-1 = absent). */
static int parse_metrics(vg_ctx *ctx, const char *vector, const char *s, const metric_def *defs, int ndefs,
                         int *values)
{
    for (int i = 0; i < ndefs; i++)
        values[i] = -1;
    const char *p = s;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t partlen = slash ? (size_t)(slash - p) : strlen(p);
        const char *colon = memchr(p, ':', partlen);
        if (partlen == 0 || !colon)
            return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector '%s': '%.*s' is not METRIC:VALUE", vector,
                                  (int)partlen, p)
                       : VG_ERR_FORMAT;
        size_t namelen = (size_t)(colon - p), vlen = partlen - namelen - 1;
        int m = -1;
        for (int i = 0; i < ndefs && m < 0; i++)
            if (strlen(defs[i].name) == namelen && memcmp(defs[i].name, p, namelen) == 0)
                m = i;
        if (m < 0)
            return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector '%s': unknown metric '%.*s'", vector,
                                  (int)namelen, p)
                       : VG_ERR_FORMAT;
        if (values[m] >= 0)
            return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector '%s': metric %s given twice", vector,
                                  defs[m].name)
                       : VG_ERR_FORMAT;
        int v = value_index(defs[m].values, colon + 1, vlen);
        if (v < 0)
            return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector '%s': %s:%.*s is not a valid value (%s)",
                                  vector, defs[m].name, (int)vlen, colon + 1, defs[m].values)
                       : VG_ERR_FORMAT;
        values[m] = v;
        if (!slash)
            break;
        p = slash + 1;
    }
    for (int i = 0; i < ndefs; i++)
        if (defs[i].mandatory && values[i] < 0)
            return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector '%s': base metric %s is missing", vector,
                                  defs[i].name)
                       : VG_ERR_FORMAT;
    return VG_OK;
}

/* ---- arithmetic without libm (the library does not link it) ------------ */

/* floor() of a non-negative x (every score quantity here is >= 0). */
static double floor_nonneg(double x)
{
    return (double)(long long)x;
}

static double ceil_nonneg(double x)
{
    double f = floor_nonneg(x);
    return f < x ? f + 1 : f;
}

static double fmin2(double a, double b)
{
    return a < b ? a : b;
}

/* x to the power n (n >= 0), by repeated multiplication. */
static double pow_int(double x, int n)
{
    double r = 1;
    while (n-- > 0)
        r *= x;
    return r;
}

/* ---- ratings and rounding ------------------------------------------------- */

const char *vg_cvss_rating(double score)
{
    if (score <= 0.0)
        return "None";
    if (score < 4.0)
        return "Low";
    if (score < 7.0)
        return "Medium";
    if (score < 9.0)
        return "High";
    return "Critical";
}

/* CVSS v3.1 Appendix A: the smallest one-decimal number >= x, computed on
 * integers so that 4.000000000000001 rounds to 4.0 and not to 4.1. */
static double roundup31(double x)
{
    long long i = (long long)floor_nonneg(x * 100000.0 + 0.5);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (double)(i / 10000 + 1) / 10.0;
}

/* CVSS v3.0 section 8: plain round-up to one decimal. */
static double roundup30(double x)
{
    return ceil_nonneg(x * 10.0) / 10.0;
}

/* Round half up to one decimal (v2 round_to_1_decimal; v4.0 rounding),
 * with the same 1e-6 guard against binary fractions FIRST's v4.0
 * calculator uses. */
static double round1(double x)
{
    return floor_nonneg((x + 1e-6) * 10.0 + 0.5) / 10.0;
}

/* ---- CVSS v3.0 / v3.1 ------------------------------------------------------ */

static const double v3_av[] = {0.85, 0.62, 0.55, 0.2};   /* N A L P */
static const double v3_ac[] = {0.77, 0.44};              /* L H */
static const double v3_ui[] = {0.85, 0.62};              /* N R */
static const double v3_cia[] = {0.56, 0.22, 0.0};        /* H L N */
static const double v3_e[] = {1, 1, 0.97, 0.94, 0.91};   /* X H F P U */
static const double v3_rl[] = {1, 1, 0.97, 0.96, 0.95};  /* X U W T O */
static const double v3_rc[] = {1, 1, 0.96, 0.92};        /* X C R U */
static const double v3_req[] = {1, 1.5, 1, 0.5};         /* X H M L */

static double v3_pr(int pr, int changed)
{
    static const double unchanged_w[] = {0.85, 0.62, 0.27}, changed_w[] = {0.85, 0.68, 0.5};
    return changed ? changed_w[pr] : unchanged_w[pr];
}

/* Value of environmental metric modified (index in its list, 0 = X) or,
 * when absent or X, of base (index in the base list: list offset 1). */
static int v3_effective(const int *v, int modified, int base)
{
    return v[modified] > 0 ? v[modified] - 1 : v[base];
}

static void score_v3(const int *v, int v30, vg_cvss_score *out)
{
    double (*roundup)(double) = v30 ? roundup30 : roundup31;
    int changed = v[V3_S] == 1;
    double iss = 1 - (1 - v3_cia[v[V3_C]]) * (1 - v3_cia[v[V3_I]]) * (1 - v3_cia[v[V3_A]]);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow_int(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * v3_av[v[V3_AV]] * v3_ac[v[V3_AC]] * v3_pr(v[V3_PR], changed) * v3_ui[v[V3_UI]];
    double base;
    if (impact <= 0)
        base = 0;
    else if (changed)
        base = roundup(fmin2(1.08 * (impact + expl), 10));
    else
        base = roundup(fmin2(impact + expl, 10));
    out->base = base;
    out->score = base;

    int e = v[V3_E] < 0 ? 0 : v[V3_E], rl = v[V3_RL] < 0 ? 0 : v[V3_RL], rc = v[V3_RC] < 0 ? 0 : v[V3_RC];
    double tmul = v3_e[e] * v3_rl[rl] * v3_rc[rc];
    if (e || rl || rc) {
        out->temporal = roundup(base * tmul);
        out->score = out->temporal;
    }

    int any_env = 0;
    for (int m = V3_CR; m <= V3_MA; m++)
        any_env |= v[m] > 0;
    if (!any_env)
        return;
    int mchanged = v[V3_MS] > 0 ? v[V3_MS] == 2 : changed;
    int cr = v[V3_CR] < 0 ? 0 : v[V3_CR], ir = v[V3_IR] < 0 ? 0 : v[V3_IR], ar = v[V3_AR] < 0 ? 0 : v[V3_AR];
    double miss = fmin2(1 - (1 - v3_req[cr] * v3_cia[v3_effective(v, V3_MC, V3_C)]) *
                               (1 - v3_req[ir] * v3_cia[v3_effective(v, V3_MI, V3_I)]) *
                               (1 - v3_req[ar] * v3_cia[v3_effective(v, V3_MA, V3_A)]),
                       0.915);
    double mimpact;
    if (!mchanged)
        mimpact = 6.42 * miss;
    else if (v30)
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow_int(miss - 0.02, 15);
    else
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow_int(miss * 0.9731 - 0.02, 13);
    double mexpl = 8.22 * v3_av[v3_effective(v, V3_MAV, V3_AV)] * v3_ac[v3_effective(v, V3_MAC, V3_AC)] *
                   v3_pr(v3_effective(v, V3_MPR, V3_PR), mchanged) * v3_ui[v3_effective(v, V3_MUI, V3_UI)];
    double env;
    if (mimpact <= 0)
        env = 0;
    else if (mchanged)
        env = roundup(roundup(fmin2(1.08 * (mimpact + mexpl), 10)) * tmul);
    else
        env = roundup(roundup(fmin2(mimpact + mexpl, 10)) * tmul);
    out->environmental = env;
    out->score = env;
}

/* ---- CVSS v2 ---------------------------------------------------------------- */

/* round_to_1_decimal of the v2 guide, on the binary value as computed
 * (no guard): 1.9 + 8.1 * 0.5 is 5.9499... and gives 5.9, as NVD's v2
 * calculator and other implementations give. */
static double round1_v2(double x)
{
    return floor_nonneg(x * 10.0 + 0.5) / 10.0;
}

static double v2_base_equation(const int *v, double impact)
{
    static const double av[] = {0.395, 0.646, 1.0}, ac[] = {0.35, 0.61, 0.71}, au[] = {0.45, 0.56, 0.704};
    double expl = 20 * av[v[V2_AV]] * ac[v[V2_AC]] * au[v[V2_AU]];
    double f = impact == 0 ? 0 : 1.176;
    return round1_v2(((0.6 * impact) + (0.4 * expl) - 1.5) * f);
}

static void score_v2(const int *v, vg_cvss_score *out)
{
    static const double cia[] = {0.0, 0.275, 0.660};
    static const double e[] = {0.85, 0.9, 0.95, 1.0, 1.0}, rl[] = {0.87, 0.90, 0.95, 1.0, 1.0},
                        rc[] = {0.90, 0.95, 1.0, 1.0};
    static const double cdp[] = {0, 0.1, 0.3, 0.4, 0.5, 0}, td[] = {0, 0.25, 0.75, 1.0, 1.0},
                        req[] = {0.5, 1.0, 1.51, 1.0};
    double impact = 10.41 * (1 - (1 - cia[v[V2_C]]) * (1 - cia[v[V2_I]]) * (1 - cia[v[V2_A]]));
    double base = v2_base_equation(v, impact);
    out->base = out->score = base;
    int ei = v[V2_E] < 0 ? 4 : v[V2_E], rli = v[V2_RL] < 0 ? 4 : v[V2_RL], rci = v[V2_RC] < 0 ? 3 : v[V2_RC];
    double tmul = e[ei] * rl[rli] * rc[rci];
    if (ei != 4 || rli != 4 || rci != 3)
        out->score = out->temporal = round1_v2(base * tmul);
    int cdpi = v[V2_CDP] < 0 ? 5 : v[V2_CDP], tdi = v[V2_TD] < 0 ? 4 : v[V2_TD];
    int cri = v[V2_CR] < 0 ? 3 : v[V2_CR], iri = v[V2_IR] < 0 ? 3 : v[V2_IR], ari = v[V2_AR] < 0 ? 3 : v[V2_AR];
    if (cdpi == 5 && tdi == 4 && cri == 3 && iri == 3 && ari == 3)
        return;
    double adj_impact = fmin2(10, 10.41 * (1 - (1 - cia[v[V2_C]] * req[cri]) * (1 - cia[v[V2_I]] * req[iri]) *
                                              (1 - cia[v[V2_A]] * req[ari])));
    double adj_temporal = round1_v2(v2_base_equation(v, adj_impact) * tmul);
    out->score = out->environmental = round1_v2((adj_temporal + (10 - adj_temporal) * cdp[cdpi]) * td[tdi]);
}

/* NVD's v2 ranges (the v2 guide defines none). */
static const char *v2_rating(double score)
{
    return score < 4.0 ? "Low" : score < 7.0 ? "Medium" : "High";
}

/* ---- CVSS v4.0 -------------------------------------------------------------- */

/* MacroVector scores times ten, indexed [eq1][eq2][eq3][eq4][eq5][eq6];
 * -1 where the MacroVector does not exist (EQ3 = 2 requires EQ6 = 1).
 * The 270 values are FIRST's cvss_lookup.js (cvss-v4-calculator). */
static const signed char v4_lookup[18][18] = {
    /* 000xxx */ {100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68},
    /* 001xxx */ {98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48},
    /* 002xxx */ {-1, 92, -1, 82, -1, 72, -1, 79, -1, 69, -1, 50, -1, 69, -1, 55, -1, 27},
    /* 010xxx */ {99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53},
    /* 011xxx */ {95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30},
    /* 012xxx */ {-1, 86, -1, 75, -1, 52, -1, 71, -1, 52, -1, 29, -1, 63, -1, 29, -1, 17},
    /* 100xxx */ {98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49},
    /* 101xxx */ {94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25},
    /* 102xxx */ {-1, 83, -1, 70, -1, 54, -1, 65, -1, 58, -1, 26, -1, 53, -1, 21, -1, 13},
    /* 110xxx */ {95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30},
    /* 111xxx */ {89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16},
    /* 112xxx */ {-1, 71, -1, 59, -1, 30, -1, 58, -1, 26, -1, 15, -1, 23, -1, 13, -1, 6},
    /* 200xxx */ {93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22},
    /* 201xxx */ {85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8},
    /* 202xxx */ {-1, 64, -1, 51, -1, 20, -1, 47, -1, 21, -1, 11, -1, 24, -1, 9, -1, 4},
    /* 210xxx */ {88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11},
    /* 211xxx */ {75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2},
    /* 212xxx */ {-1, 53, -1, 24, -1, 14, -1, 24, -1, 12, -1, 5, -1, 10, -1, 3, -1, 1},
};

static int v4_macro_score(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
    if (eq1 < 0 || eq1 > 2 || eq2 < 0 || eq2 > 1 || eq3 < 0 || eq3 > 2 || eq4 < 0 || eq4 > 2 || eq5 < 0 ||
        eq5 > 2 || eq6 < 0 || eq6 > 1)
        return -1;
    return v4_lookup[(eq1 * 2 + eq2) * 3 + eq3][(eq4 * 3 + eq5) * 2 + eq6];
}

/* First letter of the value a v4 metric has (index into its list). */
static char v4_letter(const int *v, int metric)
{
    const char *p = v4_metrics[metric].values;
    for (int k = v[metric]; k > 0 && *p; p++)
        if (*p == '|')
            k--;
    return *p;
}

/* The effective value letter of a v4 metric: the modified metric when set
 * (not X), else the base one; E, CR, IR, AR default to their worst case
 * (A, H) when absent or X, as the specification says. */
static char v4_m(const int *v, int metric)
{
    static const int modified_of[V4_COUNT] = {
        [V4_AV] = V4_MAV, [V4_AC] = V4_MAC, [V4_AT] = V4_MAT, [V4_PR] = V4_MPR, [V4_UI] = V4_MUI,
        [V4_VC] = V4_MVC, [V4_VI] = V4_MVI, [V4_VA] = V4_MVA, [V4_SC] = V4_MSC, [V4_SI] = V4_MSI,
        [V4_SA] = V4_MSA,
    };
    if (metric == V4_E || metric == V4_CR || metric == V4_IR || metric == V4_AR) {
        if (v[metric] <= 0)
            return metric == V4_E ? 'A' : 'H';
        return v4_letter(v, metric);
    }
    if (metric <= V4_SA) {
        int mod = modified_of[metric];
        if (v[mod] > 0)
            return v4_letter(v, mod);
    }
    return v4_letter(v, metric);
}

/* Severity levels of metric values, in tenths (FIRST calculator): lower is
 * more severe.  Returns -1 for a letter the metric cannot have. */
static int v4_level(int metric, char c)
{
    switch (metric) {
    case V4_AV: return c == 'N' ? 0 : c == 'A' ? 1 : c == 'L' ? 2 : c == 'P' ? 3 : -1;
    case V4_PR: return c == 'N' ? 0 : c == 'L' ? 1 : c == 'H' ? 2 : -1;
    case V4_UI: return c == 'N' ? 0 : c == 'P' ? 1 : c == 'A' ? 2 : -1;
    case V4_AC: return c == 'L' ? 0 : c == 'H' ? 1 : -1;
    case V4_AT: return c == 'N' ? 0 : c == 'P' ? 1 : -1;
    case V4_VC: case V4_VI: case V4_VA: return c == 'H' ? 0 : c == 'L' ? 1 : c == 'N' ? 2 : -1;
    case V4_SC: return c == 'H' ? 1 : c == 'L' ? 2 : c == 'N' ? 3 : -1;
    case V4_SI: case V4_SA: return c == 'S' ? 0 : c == 'H' ? 1 : c == 'L' ? 2 : c == 'N' ? 3 : -1;
    case V4_CR: case V4_IR: case V4_AR: return c == 'H' ? 0 : c == 'M' ? 1 : c == 'L' ? 2 : -1;
    }
    return -1;
}

/* Highest-severity vectors of each equivalence level (FIRST's
 * max_composed.js), as "METRIC:VALUE/" lists. */
static const char *const v4_max_eq1[3][3] = {
    {"AV:N/PR:N/UI:N/", NULL, NULL},
    {"AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"},
    {"AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/", NULL},
};
static const char *const v4_max_eq2[2][2] = {
    {"AC:L/AT:N/", NULL},
    {"AC:H/AT:N/", "AC:L/AT:P/"},
};
static const char *const v4_max_eq3eq6[3][2][5] = {
    {{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"},
     {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/"}},
    {{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/"},
     {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
      "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/"}},
    {{NULL}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"}},
};
static const char *const v4_max_eq4[3] = {"SC:H/SI:S/SA:S/", "SC:H/SI:H/SA:H/", "SC:L/SI:L/SA:L/"};

/* Depth of each level in severity-distance steps (FIRST's max_severity.js). */
static const int v4_depth_eq1[3] = {1, 4, 5};
static const int v4_depth_eq2[2] = {1, 2};
static const int v4_depth_eq3eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int v4_depth_eq4[3] = {6, 5, 4};

/* Letter of metric name in a "X:Y/" list, or 0. */
static char max_letter(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        if (strncmp(p, name, n) == 0 && p[n] == ':')
            return p[n + 1];
        const char *slash = strchr(p, '/');
        if (!slash)
            break;
        p = slash + 1;
    }
    return 0;
}

/* Distance (in tenths) of the vector from a max vector for metric, or
 * INT_MIN-like sentinel when the max vector lacks it. */
static int v4_distance(const int *v, const char *maxv, int metric)
{
    char c = max_letter(maxv, v4_metrics[metric].name);
    return v4_level(metric, v4_m(v, metric)) - v4_level(metric, c);
}

static double score_v4(const int *v)
{
    char av = v4_m(v, V4_AV), pr = v4_m(v, V4_PR), ui = v4_m(v, V4_UI), ac = v4_m(v, V4_AC), at = v4_m(v, V4_AT);
    char vc = v4_m(v, V4_VC), vi = v4_m(v, V4_VI), va = v4_m(v, V4_VA);
    char sc = v4_m(v, V4_SC), si = v4_m(v, V4_SI), sa = v4_m(v, V4_SA);
    char e = v4_m(v, V4_E), cr = v4_m(v, V4_CR), ir = v4_m(v, V4_IR), ar = v4_m(v, V4_AR);
    if (vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N')
        return 0.0;

    /* Equivalence sets, specification Table 24 */
    int eq1 = (av == 'N' && pr == 'N' && ui == 'N') ? 0
              : ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P') ? 1 : 2;
    int eq2 = (ac == 'L' && at == 'N') ? 0 : 1;
    int eq3 = (vc == 'H' && vi == 'H') ? 0 : (vc == 'H' || vi == 'H' || va == 'H') ? 1 : 2;
    int msi_s = v[V4_MSI] == 1, msa_s = v[V4_MSA] == 1; /* MSI:S / MSA:S */
    int eq4 = (msi_s || msa_s) ? 0 : (sc == 'H' || si == 'H' || sa == 'H') ? 1 : 2;
    int eq5 = e == 'A' ? 0 : e == 'P' ? 1 : 2;
    int eq6 = ((cr == 'H' && vc == 'H') || (ir == 'H' && vi == 'H') || (ar == 'H' && va == 'H')) ? 0 : 1;

    double value = v4_macro_score(eq1, eq2, eq3, eq4, eq5, eq6) / 10.0;

    /* Scores of the next lower MacroVector in each dimension (-1: none). */
    int lower_eq1 = v4_macro_score(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
    int lower_eq2 = v4_macro_score(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
    int lower_eq3eq6;
    if (eq3 == 0 && eq6 == 0) {
        int left = v4_macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
        int right = v4_macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
        lower_eq3eq6 = left > right ? left : right;
    } else if (eq6 == 1 && eq3 < 2) {
        lower_eq3eq6 = v4_macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    } else if (eq3 == 1 && eq6 == 0) {
        lower_eq3eq6 = v4_macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    } else {
        lower_eq3eq6 = -1;
    }
    int lower_eq4 = v4_macro_score(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
    int lower_eq5 = v4_macro_score(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

    /* The first highest-severity vector of this MacroVector that the
     * vector does not exceed in any metric (FIRST calculator order). */
    int d_eq1 = 0, d_eq2 = 0, d_eq3eq6 = 0, d_eq4 = 0, found = 0;
    for (int a = 0; a < 3 && !found; a++) {
        const char *m1 = v4_max_eq1[eq1][a];
        if (!m1)
            continue;
        for (int b = 0; b < 2 && !found; b++) {
            const char *m2 = v4_max_eq2[eq2][b];
            if (!m2)
                continue;
            for (int c = 0; c < 5 && !found; c++) {
                const char *m3 = v4_max_eq3eq6[eq3][eq6][c];
                if (!m3)
                    continue;
                const char *m4 = v4_max_eq4[eq4];
                int dav = v4_distance(v, m1, V4_AV), dpr = v4_distance(v, m1, V4_PR), dui = v4_distance(v, m1, V4_UI);
                int dac = v4_distance(v, m2, V4_AC), dat = v4_distance(v, m2, V4_AT);
                int dvc = v4_distance(v, m3, V4_VC), dvi = v4_distance(v, m3, V4_VI), dva = v4_distance(v, m3, V4_VA);
                int dcr = v4_distance(v, m3, V4_CR), dir = v4_distance(v, m3, V4_IR), dar = v4_distance(v, m3, V4_AR);
                int dsc = v4_distance(v, m4, V4_SC), dsi = v4_distance(v, m4, V4_SI), dsa = v4_distance(v, m4, V4_SA);
                if (dav < 0 || dpr < 0 || dui < 0 || dac < 0 || dat < 0 || dvc < 0 || dvi < 0 || dva < 0 ||
                    dsc < 0 || dsi < 0 || dsa < 0 || dcr < 0 || dir < 0 || dar < 0)
                    continue;
                d_eq1 = dav + dpr + dui;
                d_eq2 = dac + dat;
                d_eq3eq6 = dvc + dvi + dva + dcr + dir + dar;
                d_eq4 = dsc + dsi + dsa;
                found = 1;
            }
        }
    }

    /* Mean of the proportional distances to the next lower MacroVectors. */
    double step = 0.1, sum = 0;
    int n_lower = 0;
    struct {
        int lower, distance, depth;
    } dims[5] = {
        {lower_eq1, d_eq1, v4_depth_eq1[eq1]},
        {lower_eq2, d_eq2, v4_depth_eq2[eq2]},
        {lower_eq3eq6, d_eq3eq6, v4_depth_eq3eq6[eq3][eq6]},
        {lower_eq4, d_eq4, v4_depth_eq4[eq4]},
        {lower_eq5, 0, 1},
    };
    for (int i = 0; i < 5; i++) {
        if (dims[i].lower < 0)
            continue;
        n_lower++;
        double available = value - dims[i].lower / 10.0;
        double percent = (dims[i].distance * step) / (dims[i].depth * step);
        sum += available * percent;
    }
    if (n_lower)
        value -= sum / n_lower;
    if (value < 0)
        value = 0;
    if (value > 10)
        value = 10;
    return round1(value);
}

/* ---- entry point ------------------------------------------------------------ */

int vg_cvss_score_vector(vg_ctx *ctx, const char *vector, vg_cvss_score *out)
{
    memset(out, 0, sizeof *out);
    out->temporal = out->environmental = -1;
    if (!vector)
        return ctx ? vg_error(ctx, VG_ERR_FORMAT, "no CVSS vector") : VG_ERR_FORMAT;
    size_t len = strnlen(vector, VG_CVSS_VECTOR_MAX + 1);
    if (len == 0 || len > VG_CVSS_VECTOR_MAX)
        return ctx ? vg_error(ctx, VG_ERR_FORMAT, "CVSS vector is empty or longer than %d bytes",
                              VG_CVSS_VECTOR_MAX)
                   : VG_ERR_FORMAT;
    int values[MAX_METRICS];
    int rc;
    if (strncmp(vector, "CVSS:3.1/", 9) == 0 || strncmp(vector, "CVSS:3.0/", 9) == 0) {
        int v30 = vector[7] == '0';
        if ((rc = parse_metrics(ctx, vector, vector + 9, v3_metrics, V3_COUNT, values)))
            return rc;
        out->version = v30 ? VG_CVSS_V30 : VG_CVSS_V31;
        score_v3(values, v30, out);
        out->rating = vg_cvss_rating(out->score);
        return VG_OK;
    }
    if (strncmp(vector, "CVSS:4.0/", 9) == 0) {
        if ((rc = parse_metrics(ctx, vector, vector + 9, v4_metrics, V4_COUNT, values)))
            return rc;
        out->version = VG_CVSS_V40;
        out->base = out->score = score_v4(values);
        out->rating = vg_cvss_rating(out->score);
        int threat = values[V4_E] > 0, env = 0;
        for (int m = V4_CR; m <= V4_MSA; m++)
            env |= values[m] > 0;
        out->nomenclature = threat && env ? "CVSS-BTE" : threat ? "CVSS-BT" : env ? "CVSS-BE" : "CVSS-B";
        return VG_OK;
    }
    if (strncmp(vector, "CVSS:", 5) == 0 && strncmp(vector, "CVSS:2.0/", 9) != 0)
        return ctx ? vg_error(ctx, VG_ERR_UNSUPPORTED, "CVSS vector '%s': unknown CVSS version", vector)
                   : VG_ERR_UNSUPPORTED;
    const char *body = strncmp(vector, "CVSS:2.0/", 9) == 0 ? vector + 9 : vector;
    if ((rc = parse_metrics(ctx, vector, body, v2_metrics, V2_COUNT, values)))
        return rc;
    out->version = VG_CVSS_V2;
    score_v2(values, out);
    out->rating = v2_rating(out->score);
    return VG_OK;
}
