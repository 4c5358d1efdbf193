/*
 * supplier_record.c — unit test of the supplier record (src/supplier/record.c)
 * and of the register import (src/supplier/import.c): calendar dates, the
 * canonical form, the bounds of the record, and the corner cases of
 * RFC 4180 CSV and of the YAML entries' line numbers.
 *
 * Dates, by hand: from 1970-01-01 to 2026-01-01 are 56 years, 14 of them
 * leap (1972, 1976, ..., 2024): 56 * 365 + 14 = 20454 days = 1767225600 s.
 * To 2028-01-01: 58 * 365 + 14 = 21184 days; 2028-02-29 is 31 + 28 days
 * later: 21243 days = 1835395200 s.  2026 is not a leap year, 2028 is;
 * 2000 is (divisible by 400), 1900 and 2100 are not (by 100, not 400).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vigil/supplier.h"

static void dates(void)
{
    int64_t t = -1;
    CHECK(vg_supplier_parse_date("1970-01-01", &t) == 0 && t == 0, "1970-01-01: %lld", (long long)t);
    CHECK(vg_supplier_parse_date("2026-01-01", &t) == 0 && t == 1767225600, "2026-01-01: %lld", (long long)t);
    CHECK(vg_supplier_parse_date("2028-02-29", &t) == 0 && t == 1835395200, "2028-02-29: %lld", (long long)t);
    CHECK(vg_supplier_parse_date("2028-03-01", &t) == 0 && t == 1835395200 + 86400, "2028-03-01");
    CHECK(vg_supplier_parse_date("1969-12-31", &t) == 0 && t == -86400, "1969-12-31: %lld", (long long)t);
    static const char *const valid[] = {"2000-02-29", "2026-12-31", "2026-04-30", "0001-01-01", "9999-12-31",
                                        "2024-02-29"};
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        CHECK(vg_supplier_parse_date(valid[i], &t) == 0, "%s is a date", valid[i]);
    static const char *const invalid[] = {"2026-02-29", "2026-02-30", "1900-02-29", "2100-02-29", "2026-04-31",
                                          "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01",
                                          "2026-2-01",  "2026-02-1",  "20260201",   "2026-02-01x", "2026/02/01",
                                          " 2026-02-01", "",          "2026-0a-01", "+026-02-01"};
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        CHECK(vg_supplier_parse_date(invalid[i], &t) == -1, "'%s' is no date", invalid[i]);
    CHECK(vg_supplier_parse_date(NULL, &t) == -1, "NULL is no date");
}

/* vg_supplier_record_check() of the JSON text: its status; the canonical
 * text in out (or the problems, joined by '\n'). */
static int check_text(const char *json, char *out, size_t outsz)
{
    json_error_t e;
    json_t *in = json_loads(json, JSON_DECODE_ANY, &e), *errors = json_array(), *rec = NULL;
    if (!in) {
        fprintf(stderr, "FAIL bad JSON in the test: %s\n", e.text);
        failures++;
        return -1;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_supplier_record_check(&ctx, in, "T:7", errors, &rec);
    out[0] = '\0';
    if (rec) {
        char *s = json_dumps(rec, JSON_COMPACT);
        snprintf(out, outsz, "%s", s);
        free(s);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(errors, i, x) {
            size_t n = strlen(out);
            snprintf(out + n, outsz - n, "%s%s", n ? "\n" : "", json_string_value(x));
        }
    }
    vg_ctx_free(&ctx);
    json_decref(rec);
    json_decref(errors);
    json_decref(in);
    return rc;
}

static void records(void)
{
    char out[8192];
    /* members out of order, optional ones null or false: the canonical form */
    int rc = check_text("{\"rules\":[{\"name\":\"a-*\"}],\"criticality\":\"low\",\"own\":false,\"description\":null,"
                        "\"contract\":{\"fix_days\":30,\"reference\":\"R\"},\"supplies\":\"both\",\"name\":\"N\","
                        "\"contacts\":{},\"accepted\":[]}",
                        out, sizeof out);
    CHECK(rc == VG_OK && strcmp(out, "{\"name\":\"N\",\"supplies\":\"both\",\"criticality\":\"low\",\"contract\":"
                                     "{\"reference\":\"R\",\"fix_days\":30},\"rules\":[{\"name\":\"a-*\"}]}") == 0,
          "canonical: %s", out);
    rc = check_text("{\"name\":\"N\",\"supplies\":\"software\",\"criticality\":\"critical\",\"own\":true}", out,
                    sizeof out);
    CHECK(rc == VG_OK && strstr(out, "\"own\":true"), "own kept when true: %s", out);

    /* bounds: every problem listed, each with where and the key */
    char name[260];
    memset(name, 'x', 201);
    name[201] = '\0';
    char json[2048];
    snprintf(json, sizeof json,
             "{\"name\":\"%s\",\"supplies\":\"software\",\"criticality\":\"high\","
             "\"contract\":{\"incident_notification_hours\":8761,\"fix_days\":3650},"
             "\"assessment\":{\"date\":\"2026-03-01\",\"result\":\"pass\",\"next_due\":\"2026-02-28\"},"
             "\"rules\":[{\"purl\":\"*a*b*c*d*e*f*g*h*\"},{\"name\":\"*a*b*c*d*e*f*g*\"},"
             "{\"purl\":\"x\",\"name\":\"y\"}],"
             "\"website\":\"ftp://x\",\"contacts\":{\"security\":\"sec@example.org\"},\"colour\":1}",
             name);
    rc = check_text(json, out, sizeof out);
    CHECK(rc == VG_ERR_FORMAT, "bounds refused: %d", rc);
    static const char *const want[] = {
        "T:7: name: is 201 bytes long, more than 200",
        "T:7: contract.incident_notification_hours: must be an integer from 1 to 8760",
        "T:7: assessment.next_due: 2026-02-28 is before the assessment's date 2026-03-01",
        "T:7: rules[0].purl: '*a*b*c*d*e*f*g*h*' has 9 '*', more than 8",
        "T:7: rules[2]: must be a mapping of one key",
        "T:7: website: 'ftp://x' is not an http(s) URL",
        "T:7: colour: unknown key",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        CHECK(strstr(out, want[i]) != NULL, "missing problem '%s' in:\n%s", want[i], out);
    CHECK(!strstr(out, "fix_days") && !strstr(out, "rules[1]") && !strstr(out, "contacts"),
          "a valid member reported:\n%s", out);

    memset(name, 'x', 200);
    name[200] = '\0';
    snprintf(json, sizeof json, "{\"name\":\"%s\",\"supplies\":\"services\",\"criticality\":\"low\","
                                "\"description\":\"two\\nlines\",\"contract\":{\"incident_notification_hours\":8760}}",
             name);
    CHECK(check_text(json, out, sizeof out) == VG_OK, "200 bytes, 8760 hours, a multi-line description: %s", out);
    CHECK(check_text("{\"name\":\"a\\u0001b\",\"supplies\":\"services\",\"criticality\":\"low\"}", out, sizeof out) ==
                  VG_ERR_FORMAT && strstr(out, "T:7: name: holds a control character"),
          "control character: %s", out);
    CHECK(check_text("{\"supplies\":\"services\"}", out, sizeof out) == VG_ERR_FORMAT &&
              strstr(out, "T:7: name: is required") && strstr(out, "T:7: criticality: is required"),
          "required members: %s", out);
    CHECK(check_text("[1]", out, sizeof out) == VG_ERR_FORMAT && strstr(out, "must be a mapping"), "not a mapping");

    /* a list of 1000 entries is the most */
    json_t *rec = json_pack("{s:s,s:s,s:s,s:[]}", "name", "L", "supplies", "software", "criticality", "low",
                            "sbom_assets");
    for (int i = 0; i < 1000; i++)
        json_array_append_new(json_object_get(rec, "sbom_assets"), json_sprintf("asset-%d", i));
    json_t *errors = json_array(), *canon = NULL;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    CHECK(vg_supplier_record_check(&ctx, rec, "L", errors, &canon) == VG_OK, "1000 entries: %s", ctx.message);
    json_decref(canon);
    json_array_append_new(json_object_get(rec, "sbom_assets"), json_string("one-more"));
    CHECK(vg_supplier_record_check(&ctx, rec, "L", errors, &canon) == VG_ERR_FORMAT && !canon &&
              strstr(json_string_value(json_array_get(errors, 0)), "sbom_assets: has 1001 entries, more than 1000"),
          "1001 entries");
    vg_ctx_free(&ctx);
    json_decref(errors);
    json_decref(rec);
}

/* Imports text (named name): the status; the records as compact JSON and
 * where they start, or the problems, joined by '\n', in out. */
static int import(const char *name, const char *text, size_t len, char *out, size_t outsz)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *errors = json_array(), *recs = NULL, *where = NULL;
    int rc = vg_supplier_import_parse(&ctx, name, text, len, VG_SUPPLIER_IMPORT_AUTO, errors, &recs, &where);
    out[0] = '\0';
    json_t *shown = rc == VG_OK ? json_pack("[OO]", recs, where) : json_incref(errors);
    char *s = json_dumps(shown, JSON_COMPACT);
    snprintf(out, outsz, "%s", s ? s : "");
    free(s);
    CHECK(rc == VG_OK ? json_array_size(recs) == json_array_size(where) : !recs && !where,
          "%s: records and where do not go together", name);
    json_decref(shown);
    json_decref(recs);
    json_decref(where);
    json_decref(errors);
    vg_ctx_free(&ctx);
    return rc;
}

#define IMPORT(name, lit, out) import(name, lit, sizeof(lit) - 1, out, sizeof out)

static void csv(void)
{
    char out[8192];
    /* quotes, doubled quotes, commas and CRLF inside a field; physical lines */
    int rc = IMPORT("a.csv",
                    "\xef\xbb\xbfname,supplies,criticality,description,own\r\n"
                    "\"A, \"\"the\"\" one\",software,low,\"x\r\ny,z\",TRUE\r\n"
                    "\r\n"
                    "B,services,high,,No\r\n",
                    out);
    /* The canonical order puts own before description. */
    CHECK(rc == VG_OK && strcmp(out, "[[{\"name\":\"A, \\\"the\\\" one\",\"supplies\":\"software\","
                                     "\"criticality\":\"low\",\"own\":true,\"description\":\"x\\r\\ny,z\"},"
                                     "{\"name\":\"B\",\"supplies\":\"services\",\"criticality\":\"high\"}],"
                                     "[\"a.csv:2\",\"a.csv:5\"]]") == 0,
          "quoted fields: %s", out);
    /* LF only, no final line break, columns in another order, list cells */
    rc = IMPORT("b.csv",
                "rules,criticality,name,supplies,certifications,accepted\n"
                "purl:pkg:npm/@b/* ; name:b-*,medium,B,both,ISO 27001@2027-01-31,pkg:npm/@b/x*|CISO|2027-06-30|a|b",
                out);
    CHECK(rc == VG_OK && strcmp(out, "[[{\"name\":\"B\",\"supplies\":\"both\",\"criticality\":\"medium\","
                                     "\"certifications\":[{\"name\":\"ISO 27001\",\"expires\":\"2027-01-31\"}],"
                                     "\"rules\":[{\"purl\":\"pkg:npm/@b/*\"},{\"name\":\"b-*\"}],\"accepted\":"
                                     "[{\"component\":\"pkg:npm/@b/x*\",\"reason\":\"a|b\",\"by\":\"CISO\","
                                     "\"until\":\"2027-06-30\"}]}],[\"b.csv:2\"]]") == 0,
          "LF, list cells: %s", out);
    CHECK(IMPORT("h.csv", "name,supplies,criticality\r\n", out) == VG_OK && strcmp(out, "[[],[]]") == 0,
          "header only: %s", out);
    /* an empty last field at the very end of the text (no line break) */
    CHECK(IMPORT("e.csv", "name,supplies,criticality,description\nA,software,low,", out) == VG_OK &&
              strcmp(out, "[[{\"name\":\"A\",\"supplies\":\"software\",\"criticality\":\"low\"}],"
                          "[\"e.csv:2\"]]") == 0,
          "trailing comma: %s", out);
    CHECK(IMPORT("s.csv", " name ,supplies\t,criticality\nN , both,\tlow \n", out) == VG_OK &&
              strcmp(out, "[[{\"name\":\"N\",\"supplies\":\"both\",\"criticality\":\"low\"}],"
                          "[\"s.csv:2\"]]") == 0,
          "column names and cells trimmed: %s", out);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"name,supplies,criticality\r\n\"A,software,low\r\nB,services,low\r\n",
         "c.csv:2: column 1: a quoted field is never closed"},
        {"name,supplies,criticality\r\nA,software,low\r\n\"B\"x,services,low\r\n",
         "c.csv:3: column 1: text after the closing quote"},
        {"name,supplies,criticality\nA,soft\"ware,low\n", "c.csv:2: column 2: a '\"' inside a field"},
        {"name,supplies,criticality\nA,software\n", "c.csv:2: 2 fields, the header has 3"},
        {"name,supplies,criticality\nA,software,low\xff\n", "c.csv:2: column 3: not UTF-8 text"},
        {"name,supplies,name,criticality\n", "c.csv:1: column name: given twice (columns 1 and 3)"},
        {"name,criticality\n", "c.csv:1: column supplies: required, missing from the header"},
        {"", "c.csv:1: empty"},
        {"name,supplies,criticality,certifications\n\"A\nB\",software,low,ISO 27001\n",
         "c.csv:2: certifications: 'ISO 27001' is not NAME@YYYY-MM-DD"},
        {"name,supplies,criticality,rules\nA,software,low,vendor:x\n",
         "c.csv:2: rules: 'vendor:x' is not purl:GLOB"},
        {"name,supplies,criticality,accepted\nA,software,low,x|y|2027-01-01\n",
         "c.csv:2: accepted: 'x|y|2027-01-01' is not GLOB|BY|UNTIL|REASON"},
        {"name,supplies,criticality,contract.fix_days,own\nA,software,low,30d,maybe\n",
         "c.csv:2: own: must be true or false\nc.csv:2: contract.fix_days: must be an integer from 1 to 3650"},
        {"name,supplies,criticality,description\n\"A\",software,low,\"1\n2\n3\"\nA,both,low,\n",
         "c.csv:5: name: 'A' is given twice in the file: first at line 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rc = import("c.csv", bad[i].text, strlen(bad[i].text), out, sizeof out);
        /* the problems are a JSON array of strings: compare with its text */
        json_t *got = json_loads(out, 0, NULL);
        char joined[4096] = "";
        size_t k;
        json_t *x;
        json_array_foreach(got, k, x) {
            size_t n = strlen(joined);
            snprintf(joined + n, sizeof joined - n, "%s%s", n ? "\n" : "", json_string_value(x));
        }
        json_decref(got);
        CHECK(rc == VG_ERR_FORMAT && strstr(joined, bad[i].want), "bad CSV %zu: want '%s', got %d:\n%s", i,
              bad[i].want, rc, joined);
    }
}

static void yaml(void)
{
    char out[8192];
    int rc = IMPORT("r.yaml",
                    "# a comment\nsuppliers:\n\n  - name: A\n    supplies: software\n    criticality: low\n"
                    "  - {name: B, supplies: both, criticality: high, assessment: {date: 2028-02-29, result: pass,"
                    " next_due: 2028-02-29}}\n",
                    out);
    CHECK(rc == VG_OK && strstr(out, "[\"r.yaml:4\",\"r.yaml:7\"]") &&
              strstr(out, "\"assessment\":{\"date\":\"2028-02-29\",\"result\":\"pass\",\"next_due\":\"2028-02-29\"}"),
          "YAML lines: %s", out);
    rc = IMPORT("r.json", "{\"suppliers\": [\n"
                          " {\"name\": \"A\", \"supplies\": \"software\", \"criticality\": \"low\"},\n"
                          " {\"name\": \"A\", \"supplies\": \"software\", \"criticality\": \"low\"}]}",
                out);
    CHECK(rc == VG_ERR_FORMAT && strstr(out, "r.json:3: name: 'A' is given twice in the file: first at line 2"),
          "JSON lines: %s", out);
    rc = IMPORT("r.yaml", "suppliers:\n  - name: A\n    supplies: software\n    criticality: low\n"
                          "    assessment: {date: 2026-02-29, result: pass, next_due: 2027-01-01}\n",
                out);
    CHECK(rc == VG_ERR_FORMAT && strstr(out, "r.yaml:5: assessment.date: '2026-02-29' is not a calendar date"),
          "2026-02-29: %s", out);
    /* a problem names its key's line; a missing member its parent's */
    rc = IMPORT("r.yaml", "suppliers:\n  - name: A\n    supplies: software\n    criticality: low\n"
                          "    certifications:\n      - name: X\n        expires: 2027-01-01\n"
                          "      - name: Y\n\n        expires: 2027-13-01\n"
                          "    assessment:\n      date: 2026-01-01\n      result: pass\n",
                out);
    CHECK(rc == VG_ERR_FORMAT && strstr(out, "r.yaml:10: certifications[1].expires: '2027-13-01' is not") &&
              strstr(out, "r.yaml:11: assessment.next_due: is required"),
          "key lines: %s", out);
    CHECK(IMPORT("r.yaml", "vendors: []\n", out) == VG_ERR_FORMAT && strstr(out, "r.yaml:1: vendors: unknown key") &&
              strstr(out, "r.yaml:1: suppliers: the file must be a mapping"),
          "no suppliers: %s", out);
    CHECK(IMPORT("r.yaml", "suppliers: [\n", out) == VG_ERR_FORMAT && strstr(out, "r.yaml"), "bad YAML: %s", out);
}

int main(void)
{
    dates();
    records();
    csv();
    yaml();
    return failures ? 1 : 0;
}
