/*
 * cvss.c — unit test of vg_cvss_score_vector() (cvss.h).
 *
 * Expected scores are FIRST's published ones, typed in by hand:
 * - CVSS v3.1: "CVSS v3.1 Examples" (first.org/cvss/v3.1/examples), one
 *   line per example, named by its CVE;
 * - CVSS v3.0: the same examples as scored in "CVSS v3.0 Examples" where
 *   v3.0 and v3.1 agree (the equations differ only in Roundup and the
 *   changed-scope modified impact);
 * - CVSS v4.0: vectors of the v4.0 specification and "CVSS v4.0 Examples"
 *   (Heartbleed, Log4Shell), and one property of the method (specification
 *   section 8.2): a vector that is the highest-severity vector of its
 *   MacroVector scores exactly the MacroVector's value in the lookup table;
 * - CVSS v2: the three worked examples of "A Complete Guide to the CVSS
 *   Version 2.0", section 3.3 (base, temporal and environmental).
 * Thousands of generated vectors are compared with an independent
 * implementation in tests/e2e/cvss_reference.sh; this program prints
 * scores for it when run as `unit_cvss --score` (vectors on stdin).
 */
#include <stdio.h>
#include <string.h>

#include "vigil/cvss.h"

static int failures;

static void expect_score(const char *vector, double want_score, const char *want_rating)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_cvss_score s;
    int rc = vg_cvss_score_vector(&ctx, vector, &s);
    if (rc != VG_OK) {
        fprintf(stderr, "FAIL %s: error %d: %s\n", vector, rc, ctx.message);
        failures++;
    } else if ((int)(s.score * 10 + 0.5) != (int)(want_score * 10 + 0.5) || strcmp(s.rating, want_rating) != 0) {
        fprintf(stderr, "FAIL %s: got %.1f %s, want %.1f %s\n", vector, s.score, s.rating, want_score, want_rating);
        failures++;
    }
    vg_ctx_free(&ctx);
}

static void expect_parts(const char *vector, double base, double temporal, double environmental)
{
    vg_cvss_score s;
    if (vg_cvss_score_vector(NULL, vector, &s) != VG_OK || (int)(s.base * 10 + 0.5) != (int)(base * 10 + 0.5) ||
        (int)(s.temporal * 10 + 0.5) != (int)(temporal * 10 + 0.5) ||
        (int)(s.environmental * 10 + 0.5) != (int)(environmental * 10 + 0.5)) {
        fprintf(stderr, "FAIL %s: got %.1f/%.1f/%.1f, want %.1f/%.1f/%.1f\n", vector, s.base, s.temporal,
                s.environmental, base, temporal, environmental);
        failures++;
    }
}

static void expect_invalid(const char *vector, int want_status)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_cvss_score s;
    int rc = vg_cvss_score_vector(&ctx, vector, &s);
    if (rc != want_status || (rc && !ctx.message[0])) {
        fprintf(stderr, "FAIL invalid '%s': got status %d, want %d\n", vector ? vector : "(null)", rc, want_status);
        failures++;
    }
    vg_ctx_free(&ctx);
}

/* `unit_cvss --score`: "VECTOR<TAB>SCORE" per input line ("invalid" when refused). */
static int score_stdin(void)
{
    char line[VG_CVSS_VECTOR_MAX + 8];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        vg_cvss_score s;
        if (vg_cvss_score_vector(NULL, line, &s) != VG_OK)
            printf("%s\tinvalid\n", line);
        else
            printf("%s\t%.1f\n", line, s.score);
    }
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--score") == 0)
        return score_stdin();

    /* CVSS v3.1 Examples */
    static const struct {
        const char *cve, *vector;
        double score;
        const char *rating;
    } v31[] = {
        {"CVE-2013-1937", "AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "Medium"},
        {"CVE-2013-0375", "AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, "Medium"},
        {"CVE-2014-3566", "AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, "Low"},
        {"CVE-2012-1516", "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, "Critical"},
        {"CVE-2009-0783", "AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, "Medium"},
        {"CVE-2012-0384", "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, "High"},
        {"CVE-2015-1098", "AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, "High"},
        {"CVE-2014-0160", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "High"},
        {"CVE-2014-6271", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "Critical"},
        {"CVE-2008-1447", "AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, "Medium"},
        {"CVE-2014-2005", "AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, "Medium"},
        {"CVE-2010-0467", "AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, "Medium"},
        {"CVE-2012-1342", "AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8, "Medium"},
        {"CVE-2014-9253", "AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, "Medium"},
        {"CVE-2009-0658", "AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, "High"},
        {"CVE-2011-1265", "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8, "High"},
        {"CVE-2014-2019", "AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6, "Medium"},
        {"CVE-2015-0970", "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, "High"},
        {"CVE-2014-0224", "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, "High"},
        {"CVE-2016-1645", "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, "High"},
        {"CVE-2016-0128", "AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 6.8, "Medium"},
    };
    for (size_t i = 0; i < sizeof v31 / sizeof v31[0]; i++) {
        char vector[256];
        snprintf(vector, sizeof vector, "CVSS:3.1/%s", v31[i].vector);
        expect_score(vector, v31[i].score, v31[i].rating);
        snprintf(vector, sizeof vector, "CVSS:3.0/%s", v31[i].vector);
        expect_score(vector, v31[i].score, v31[i].rating);
    }
    /* Any order (v3.1 specification section 6). */
    expect_score("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", 9.8, "Critical");

    /* CVSS v4.0 */
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "Critical");
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7, "High");
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "Critical");
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9, "Medium");
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "None");
    /* The highest-severity vector of MacroVector 000000 (every metric at its
     * worst, MSI:S/MSA:S) and of 212221 score exactly their table values. */
    expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H/MSI:S/MSA:S",
                 10.0, "Critical");
    expect_score("CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U/CR:H/IR:H/AR:H", 0.1, "Low");
    expect_score("CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U/CR:H/IR:H/AR:H", 0.1, "Low");
    {
        vg_cvss_score s;
        if (vg_cvss_score_vector(NULL, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/CR:L",
                                 &s) != VG_OK ||
            !s.nomenclature || strcmp(s.nomenclature, "CVSS-BTE") != 0) {
            fprintf(stderr, "FAIL v4.0 nomenclature\n");
            failures++;
        }
    }

    /* CVSS v2 guide, section 3.3 */
    expect_parts("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H", 7.8, 6.4, 9.2);
    expect_parts("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:L", 10.0, 8.3, 9.0);
    expect_parts("AV:L/AC:H/Au:N/C:C/I:C/A:C/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:M", 6.2, 4.9, 7.5);
    expect_score("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "High");
    expect_score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "High");

    /* Strict parsing */
    expect_invalid(NULL, VG_ERR_FORMAT);
    expect_invalid("", VG_ERR_FORMAT);
    expect_invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", VG_ERR_FORMAT);          /* A missing */
    expect_invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H", VG_ERR_FORMAT);  /* twice */
    expect_invalid("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VG_ERR_FORMAT);      /* value */
    expect_invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", VG_ERR_FORMAT);     /* trailing / */
    expect_invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", VG_ERR_FORMAT); /* unknown */
    expect_invalid("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", VG_ERR_FORMAT); /* v4 metric */
    expect_invalid("CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VG_ERR_FORMAT);      /* case */
    expect_invalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", VG_ERR_FORMAT); /* S only in MSI */
    expect_invalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", VG_ERR_FORMAT);
    expect_invalid("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VG_ERR_UNSUPPORTED);
    expect_invalid("AV:N/AC:L/Au:N/C:P/I:P", VG_ERR_FORMAT);
    expect_invalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E", VG_ERR_FORMAT);
    {
        char long_vector[VG_CVSS_VECTOR_MAX + 64];
        memset(long_vector, 'A', sizeof long_vector - 1);
        long_vector[sizeof long_vector - 1] = '\0';
        expect_invalid(long_vector, VG_ERR_FORMAT);
    }

    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
