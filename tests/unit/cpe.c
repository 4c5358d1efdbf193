/*
 * cpe.c — unit test of vg_cpe_from_uri() (src/model/cpe.c): CPE 2.2 URI
 * to CPE 2.3 formatted string.  The expected strings are the worked
 * examples of NISTIR 7695 (6.1.3.5 unbinding URIs, 6.2.2.3 binding to
 * formatted strings) and the CPE_NAME values of real os-release files.
 */
#include <stdio.h>
#include <string.h>

#include "vigil/cpe.h"
#include "vigil/error.h"

static int failures;

static void expect(const char *uri, const char *want)
{
    vg_arena arena;
    vg_arena_init(&arena);
    char *out = NULL;
    int rc = vg_cpe_from_uri(&arena, uri, &out);
    if (want && (rc != VG_OK || !out || strcmp(out, want) != 0)) {
        fprintf(stderr, "%s: got %s (status %d), want %s\n", uri, out ? out : "(null)", rc, want);
        failures++;
    }
    if (!want && (rc != VG_ERR_FORMAT || out)) {
        fprintf(stderr, "%s: got %s (status %d), want an error\n", uri, out ? out : "(null)", rc);
        failures++;
    }
    vg_arena_free(&arena);
}

int main(void)
{
    /* NISTIR 7695 examples */
    expect("cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
           "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    expect("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f",
           "cpe:2.3:a:microsoft:internet_explorer:8.\\*:sp\\?:*:*:*:*:*:*");
    expect("cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
           "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    expect("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
           "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*");
    expect("cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
           "cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*");
    expect("cpe:/a:foo%5cbar:big%24money_manager_2010",
           "cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:*:*:*:*");
    expect("cpe:/a:foo~bar:big%7emoney_2010", "cpe:2.3:a:foo\\~bar:big\\~money_2010:*:*:*:*:*:*:*:*");
    expect("cpe:/a:foo:bar:12.%02.1234", NULL); /* %02 inside a value */
    expect("cpe:/a:foo:bar:12.%01.1234", NULL); /* %01 inside a value */
    expect("cpe:/a:foo:bar:%01%01%011.2", "cpe:2.3:a:foo:bar:??\?1.2:*:*:*:*:*:*:*");
    /* os-release CPE_NAME values */
    expect("cpe:/o:debian:debian_linux:12", "cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*");
    expect("cpe:/o:fedoraproject:fedora:39", "cpe:2.3:o:fedoraproject:fedora:39:*:*:*:*:*:*:*");
    expect("cpe:/o:redhat:enterprise_linux:9::baseos", "cpe:2.3:o:redhat:enterprise_linux:9:*:baseos:*:*:*:*:*");
    expect("cpe:/o:opensuse:leap:15.5", "cpe:2.3:o:opensuse:leap:15.5:*:*:*:*:*:*:*");
    expect("CPE:/O:Oracle:Linux:9:3:server", "cpe:2.3:o:oracle:linux:9:3:server:*:*:*:*:*");
    /* already a formatted string (Amazon Linux 2023) */
    expect("cpe:2.3:o:amazon:amazon_linux:2023", NULL); /* too few attributes */
    expect("cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*", "cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*");
    /* invalid */
    expect("cpe:/x:debian:debian_linux:12", NULL);        /* part */
    expect("cpe:/o:debian:debian linux:12", NULL);        /* space */
    expect("cpe:/o:debian:debian_linux:12:a:b:c:d", NULL); /* 8 components */
    expect("cpe:/a:a:b:1::~a~b~c", NULL);                 /* packed edition with 3 fields */
    expect("cpe:/a:a:b:%2", NULL);                        /* truncated %-escape */
    expect("cpe:/a:a:b:%20", NULL);                       /* %20 is not allowed */
    expect("cpe:/a:a:b:%zz", NULL);
    expect("cpe:o:debian", NULL);
    expect("", NULL);
    expect(NULL, NULL);
    if (failures)
        return 1;
    printf("cpe: all checks passed\n");
    return 0;
}
