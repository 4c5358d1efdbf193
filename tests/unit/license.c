/*
 * license.c — unit test of src/model/license.c: the SPDX 2.3 Annex D
 * expression grammar (AND, OR, WITH, "+", parentheses, LicenseRef- and
 * DocumentRef-, case rules, limits), canonical output, and the mapping of
 * DEP-5 and Fedora licence names.  Expected values come from the SPDX
 * specification and the SPDX License List, not from vigil's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/license.h"
#include "check.h"

/* expr parses under flags to want (NULL: must be rejected with status). */
static void expect(unsigned flags, const char *expr, const char *want, int want_status,
                   vg_license_shape want_shape)
{
    vg_arena arena;
    vg_arena_init(&arena);
    char *out = (char *)"unset";
    vg_license_shape shape = 0;
    int rc = vg_license_parse(&arena, expr, strlen(expr), flags, &out, &shape);
    if (want) {
        CHECK(rc == VG_OK, "'%s' (flags %u): status %d, want valid '%s'", expr, flags, rc, want);
        if (rc == VG_OK) {
            CHECK(strcmp(out, want) == 0, "'%s' (flags %u): got '%s', want '%s'", expr, flags, out, want);
            CHECK(!want_shape || shape == want_shape, "'%s': shape %d, want %d", expr, shape, want_shape);
        }
    } else {
        CHECK(rc == want_status, "'%s' (flags %u): status %d, want %d", expr, flags, rc, want_status);
        CHECK(out == NULL, "'%s': out not NULL on failure", expr);
    }
    vg_arena_free(&arena);
}

static void valid(const char *expr, const char *canonical, vg_license_shape shape)
{
    expect(VG_LICENSE_ALLOW_REFS, expr, canonical, VG_OK, shape);
}

static void invalid(const char *expr)
{
    expect(VG_LICENSE_ALLOW_REFS, expr, NULL, VG_ERR_FORMAT, 0);
}

static void mapped(const char *declared, const char *want)
{
    vg_arena arena;
    vg_arena_init(&arena);
    char *out = vg_license_to_spdx(&arena, declared, NULL);
    if (want)
        CHECK(out && strcmp(out, want) == 0, "map '%s': got '%s', want '%s'", declared, out ? out : "(null)", want);
    else
        CHECK(out == NULL, "map '%s': got '%s', want no mapping", declared, out);
    vg_arena_free(&arena);
}

static void test_ids(void)
{
    CHECK(vg_spdx_license_id("MIT", 3) && strcmp(vg_spdx_license_id("MIT", 3), "MIT") == 0, "MIT");
    const char *id = vg_spdx_license_id("apache-2.0", 10);
    CHECK(id && strcmp(id, "Apache-2.0") == 0, "ids match case-insensitively, list spelling out");
    id = vg_spdx_license_id("gpl-2.0+", 8);
    CHECK(id && strcmp(id, "GPL-2.0+") == 0, "deprecated ids are listed");
    CHECK(vg_spdx_license_id("MITX", 4) == NULL, "MITX is no id");
    CHECK(vg_spdx_license_id("MI", 2) == NULL, "prefix of an id is no id");
    CHECK(vg_spdx_license_id("MIT", 2) == NULL, "len is honoured");
    CHECK(vg_spdx_license_id("", 0) == NULL, "empty");
    CHECK(vg_spdx_license_id("Classpath-exception-2.0", 23) == NULL, "an exception is not a licence");
    id = vg_spdx_exception_id("classpath-exception-2.0", 23);
    CHECK(id && strcmp(id, "Classpath-exception-2.0") == 0, "exception lookup");
    CHECK(vg_spdx_exception_id("MIT", 3) == NULL, "a licence is not an exception");
    /* First and last entries of both tables are found (bsearch bounds). */
    CHECK(vg_spdx_license_id("0BSD", 4) != NULL, "0BSD");
    CHECK(vg_spdx_license_id("ZPL-2.1", 7) != NULL, "ZPL-2.1");
    CHECK(vg_spdx_exception_id("389-exception", 13) != NULL, "389-exception");
    CHECK(vg_spdx_exception_id("x11vnc-openssl-exception", 24) != NULL, "x11vnc-openssl-exception");
}

static void test_grammar(void)
{
    /* simple-expression */
    valid("MIT", "MIT", VG_LICENSE_SINGLE);
    valid("mit", "MIT", VG_LICENSE_SINGLE);
    valid("  MIT\t", "MIT", VG_LICENSE_SINGLE);
    valid("GPL-2.0-or-later", "GPL-2.0-or-later", VG_LICENSE_SINGLE);
    valid("GPL-2.0+", "GPL-2.0+", VG_LICENSE_SINGLE); /* a listed (deprecated) id */
    valid("MPL-1.1+", "MPL-1.1+", VG_LICENSE_COMPOUND); /* id "+" */
    valid("LicenseRef-my-licence.1", "LicenseRef-my-licence.1", VG_LICENSE_COMPOUND);
    valid("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
          VG_LICENSE_COMPOUND);
    invalid("Not-A-Licence");
    invalid("MIT+ +");
    invalid("LicenseRef-");
    invalid("LicenseRef-a_b");      /* '_' is not in idstring */
    invalid("LicenseRef-x+");       /* "+" only after a listed id */
    invalid("licenseref-x");        /* the prefix is case-sensitive */
    invalid("DocumentRef-:LicenseRef-x");
    invalid("DocumentRef-a:MIT");
    expect(VG_LICENSE_STRICT, "LicenseRef-x", NULL, VG_ERR_FORMAT, 0); /* refs need the flag */

    /* WITH */
    valid("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0",
          VG_LICENSE_COMPOUND);
    valid("gpl-2.0+ WITH classpath-exception-2.0", "GPL-2.0+ WITH Classpath-exception-2.0", VG_LICENSE_COMPOUND);
    valid("LicenseRef-x WITH Linux-syscall-note", "LicenseRef-x WITH Linux-syscall-note", VG_LICENSE_COMPOUND);
    invalid("GPL-2.0-only WITH MIT");                 /* not an exception */
    invalid("Classpath-exception-2.0");               /* an exception alone */
    invalid("GPL-2.0-only WITH");
    invalid("WITH Classpath-exception-2.0");
    invalid("(GPL-2.0-only OR MIT) WITH Classpath-exception-2.0"); /* left of WITH is simple */
    invalid("GPL-2.0-only WITH Classpath-exception-2.0 WITH LLVM-exception");

    /* AND, OR, precedence, parentheses */
    valid("MIT AND Apache-2.0", "MIT AND Apache-2.0", VG_LICENSE_COMPOUND);
    valid("MIT OR Apache-2.0 OR BSD-3-Clause", "MIT OR Apache-2.0 OR BSD-3-Clause", VG_LICENSE_COMPOUND);
    valid("(MIT)", "MIT", VG_LICENSE_SINGLE);
    valid("((MIT OR ISC))", "MIT OR ISC", VG_LICENSE_COMPOUND);
    valid("MIT AND (ISC OR Zlib)", "MIT AND (ISC OR Zlib)", VG_LICENSE_COMPOUND);
    valid("(ISC OR Zlib) AND MIT", "(ISC OR Zlib) AND MIT", VG_LICENSE_COMPOUND);
    valid("MIT OR (ISC AND Zlib)", "MIT OR ISC AND Zlib", VG_LICENSE_COMPOUND); /* AND binds tighter */
    valid("(MIT AND ISC) AND Zlib", "MIT AND ISC AND Zlib", VG_LICENSE_COMPOUND);
    valid("MIT AND ISC OR Zlib", "MIT AND ISC OR Zlib", VG_LICENSE_COMPOUND);
    valid("(MIT)AND(ISC)", "MIT AND ISC", VG_LICENSE_COMPOUND);
    valid("(GPL-2.0-only WITH Classpath-exception-2.0 OR MIT) AND LicenseRef-a",
          "(GPL-2.0-only WITH Classpath-exception-2.0 OR MIT) AND LicenseRef-a", VG_LICENSE_COMPOUND);
    invalid("MIT and Apache-2.0"); /* operators are case-sensitive */
    invalid("MIT Or Apache-2.0");
    invalid("MIT with Classpath-exception-2.0");
    invalid("MIT AND");
    invalid("AND MIT");
    invalid("MIT OR OR ISC");
    invalid("MIT Apache-2.0");
    invalid("(MIT");
    invalid("MIT)");
    invalid("()");
    invalid("");
    invalid("   ");
    invalid("MIT, Apache-2.0");
    invalid("MIT/Apache-2.0");

    CHECK(vg_license_expression_valid("MIT OR (Apache-2.0 AND LicenseRef-x)"), "valid()");
    CHECK(!vg_license_expression_valid("MIT or Apache-2.0"), "valid() rejects lower-case or");
    CHECK(!vg_license_expression_valid(NULL), "valid(NULL)");
}

static void test_limits(void)
{
    char deep[2 * VG_LICENSE_MAX_DEPTH + 16];
    size_t n = 0;
    for (int i = 0; i <= VG_LICENSE_MAX_DEPTH; i++)
        deep[n++] = '(';
    memcpy(deep + n, "MIT", 3);
    n += 3;
    for (int i = 0; i <= VG_LICENSE_MAX_DEPTH; i++)
        deep[n++] = ')';
    deep[n] = 0;
    expect(VG_LICENSE_STRICT, deep, NULL, VG_ERR_LIMIT, 0);
    /* exactly at the depth limit is fine */
    expect(VG_LICENSE_STRICT, deep + 1, NULL, VG_ERR_FORMAT, 0); /* unbalanced */

    size_t big = VG_LICENSE_MAX_LEN + 10;
    char *longexpr = malloc(big + 1);
    memset(longexpr, ' ', big);
    memcpy(longexpr, "MIT", 3);
    longexpr[big] = 0;
    expect(VG_LICENSE_STRICT, longexpr, NULL, VG_ERR_LIMIT, 0);
    /* many tokens within the length limit */
    size_t pos = 0;
    while (pos + 8 < VG_LICENSE_MAX_LEN) {
        memcpy(longexpr + pos, "MIT AND ", 8);
        pos += 8;
    }
    memcpy(longexpr + pos, "MIT", 4);
    expect(VG_LICENSE_STRICT, longexpr, NULL, VG_ERR_LIMIT, 0);
    free(longexpr);

    /* a NUL inside the given length is not an expression */
    vg_arena arena;
    vg_arena_init(&arena);
    char *out;
    CHECK(vg_license_parse(&arena, "MIT\0X", 5, 0, &out, NULL) == VG_ERR_FORMAT, "embedded NUL");
    CHECK(vg_license_parse(&arena, "MITX", 3, 0, &out, NULL) == VG_OK && strcmp(out, "MIT") == 0,
          "len bounds the input");
    vg_arena_free(&arena);
}

static void test_mappings(void)
{
    /* Already SPDX: kept, canonical spelling */
    mapped("MIT", "MIT");
    mapped("gpl-2.0-only", "GPL-2.0-only");
    mapped("GPL-2.0", "GPL-2.0-only"); /* deprecated id, as Alpine 3.10 declares it: current id out */
    mapped("GPL-2.0+", "GPL-2.0-or-later");
    mapped("LGPL-2.1", "LGPL-2.1-only");
    /* DEP-5 short names (Debian copyright-format 1.0, "License specification") */
    mapped("GPL-2", "GPL-2.0-only");
    mapped("GPL-2+", "GPL-2.0-or-later");
    mapped("GPL-1+", "GPL-1.0-or-later");
    mapped("GPL-3+", "GPL-3.0-or-later");
    mapped("LGPL-2", "LGPL-2.0-only");
    mapped("LGPL-2+", "LGPL-2.0-or-later");
    mapped("LGPL-2.1+", "LGPL-2.1-or-later");
    mapped("LGPL-2.1", "LGPL-2.1-only");
    mapped("AGPL-3+", "AGPL-3.0-or-later");
    mapped("GFDL-1.3+", "GFDL-1.3-or-later");
    mapped("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later");
    mapped("BSD-3-clause", "BSD-3-Clause");
    mapped("BSD-2-clause", "BSD-2-Clause");
    mapped("BSD-4-clause", "BSD-4-Clause");
    mapped("Expat", "MIT");
    mapped("Apache-2", "Apache-2.0");
    mapped("MPL-2", "MPL-2.0");
    mapped("Zlib", "Zlib");
    mapped("CC0-1.0", "CC0-1.0");
    mapped("LGPL-3+ or GPL-2+", "LGPL-3.0-or-later OR GPL-2.0-or-later");
    mapped("BSD-3-clause or GPL-2", "BSD-3-Clause OR GPL-2.0-only");
    mapped("GPL-2 with Linux-syscall-note exception", "GPL-2.0-only WITH Linux-syscall-note");
    mapped("GPL-2+ with Texinfo exception", "GPL-2.0-or-later WITH Texinfo-exception");
    mapped("GPL-3+ with Bison exception", NULL); /* Bison-exception-1.24 or -2.2? */
    mapped("GPL-2+ with OpenSSL exception", NULL);
    mapped("public-domain", NULL); /* no SPDX id for the public domain */
    mapped("GPL", NULL);           /* no version: several licences */
    mapped("LGPL", NULL);
    mapped("Artistic", NULL);
    mapped("GPL-1+ or Artistic", NULL);
    mapped("Perl", NULL);
    mapped("BSD", NULL);
    mapped("GPL-2+ or Artistic-2.0, and BSD-3-clause", NULL); /* DEP-5 comma rule: not handled */
    /* Fedora / old RPM short names */
    mapped("GPLv2+", "GPL-2.0-or-later");
    mapped("GPLv2", "GPL-2.0-only");
    mapped("GPLv3+", "GPL-3.0-or-later");
    mapped("GPL+", "GPL-1.0-or-later");
    mapped("LGPLv2.1+", "LGPL-2.1-or-later");
    mapped("LGPLv3", "LGPL-3.0-only");
    mapped("LGPLv2+", NULL); /* Fedora used it for 2.0 and 2.1 */
    mapped("LGPLv2", NULL);
    mapped("AGPLv3", "AGPL-3.0-only");
    mapped("ASL 2.0", "Apache-2.0");
    mapped("ASL  2.0", "Apache-2.0");
    mapped("ASL 1.1", "Apache-1.1");
    mapped("MPLv1.1", "MPL-1.1");
    mapped("Boost", "BSL-1.0");
    mapped("Artistic 2.0", "Artistic-2.0");
    mapped("GPLv2+ and ASL 2.0 and MIT", "GPL-2.0-or-later AND Apache-2.0 AND MIT");
    mapped("(GPLv2+ or LGPLv3+) and MIT", "(GPL-2.0-or-later OR LGPL-3.0-or-later) AND MIT");
    mapped("Public Domain", NULL);
    mapped("GPLv2 with exceptions", NULL);
    /* Alpine apk "L:" values seen in the 3.10 minirootfs */
    mapped("MIT BSD GPL2+", NULL);
    mapped("GPL2", NULL);
    mapped("MPL-2.0 GPL-2.0-or-later", NULL);
    mapped(NULL, NULL);
    mapped("", NULL);
    /* Refs are never produced from declared names */
    mapped("LicenseRef-foo", NULL);
}

int main(void)
{
    test_ids();
    test_grammar();
    test_limits();
    test_mappings();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("license: all checks passed\n");
    return 0;
}
