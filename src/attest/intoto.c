/*
 * intoto.c — in-toto Attestation Framework Statement v1: predicate type
 * names, building a statement around a predicate, checking a statement read
 * back from an envelope, and a strict JSON syntax check (RFC 8259) used to
 * accept a predicate without parsing it into a tree.
 *
 * Spec: https://github.com/in-toto/attestation spec/v1 (statement.md,
 * resource_descriptor.md for subject digests).  Leaves out: subject fields
 * other than name and digest (uri, annotations), ResourceDescriptor
 * predicates, statement v0.1 output (v0.1 is accepted when verifying).
 */
#include <stdint.h>
#include <string.h>

#include "attest_internal.h"
#include "vigil/digest.h"

#define JSON_MAX_DEPTH 512

static const struct {
    const char *name;
    const char *uri;
} predicate_types[] = {
    {"cyclonedx", "https://cyclonedx.org/bom"},
    {"spdx", "https://spdx.dev/Document"},
    {"vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"},
    {"slsa-provenance", VG_SLSA_PROVENANCE_V1},
    {"openvex", "https://openvex.dev/ns"},
};

const char *vg_predicate_type_uri(const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < sizeof predicate_types / sizeof predicate_types[0]; i++)
        if (strcmp(predicate_types[i].name, name) == 0)
            return predicate_types[i].uri;
    return strchr(name, ':') ? name : NULL;
}

/* ---- strict JSON syntax check ---- */

typedef struct json_scan {
    const unsigned char *s;
    size_t len;
    size_t pos;
    const char *problem; /* set on the first error */
} json_scan;

static int scan_fail(json_scan *js, const char *problem)
{
    if (!js->problem)
        js->problem = problem;
    return -1;
}

static int is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(json_scan *js)
{
    while (js->pos < js->len) {
        unsigned char c = js->s[js->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        js->pos++;
    }
}

static int is_hex_digit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the well-formed UTF-8 sequence at s[0..avail) (RFC 3629), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

static int scan_string(json_scan *js)
{
    js->pos++; /* opening quote */
    while (js->pos < js->len) {
        unsigned char c = js->s[js->pos];
        if (c == '"') {
            js->pos++;
            return 0;
        }
        if (c < 0x20)
            return scan_fail(js, "control character in a string");
        if (c == '\\') {
            if (js->pos + 1 >= js->len)
                break;
            unsigned char e = js->s[js->pos + 1];
            if (e == 'u') {
                if (js->len - js->pos < 6)
                    break;
                for (int k = 2; k < 6; k++)
                    if (!is_hex_digit(js->s[js->pos + (size_t)k]))
                        return scan_fail(js, "bad \\u escape");
                js->pos += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return scan_fail(js, "bad escape in a string");
            js->pos += 2;
            continue;
        }
        if (c < 0x80) {
            js->pos++;
            continue;
        }
        size_t n = utf8_sequence(js->s + js->pos, js->len - js->pos);
        if (!n)
            return scan_fail(js, "invalid UTF-8 in a string");
        js->pos += n;
    }
    return scan_fail(js, "unterminated string");
}

static int scan_digits(json_scan *js)
{
    size_t start = js->pos;
    while (js->pos < js->len && js->s[js->pos] >= '0' && js->s[js->pos] <= '9')
        js->pos++;
    return js->pos > start ? 0 : scan_fail(js, "bad number");
}

static int scan_number(json_scan *js)
{
    if (js->s[js->pos] == '-')
        js->pos++;
    if (js->pos >= js->len)
        return scan_fail(js, "bad number");
    if (js->s[js->pos] == '0')
        js->pos++;
    else if (scan_digits(js))
        return -1;
    if (js->pos < js->len && js->s[js->pos] == '.') {
        js->pos++;
        if (scan_digits(js))
            return -1;
    }
    if (js->pos < js->len && (js->s[js->pos] == 'e' || js->s[js->pos] == 'E')) {
        js->pos++;
        if (js->pos < js->len && (js->s[js->pos] == '+' || js->s[js->pos] == '-'))
            js->pos++;
        if (scan_digits(js))
            return -1;
    }
    return 0;
}

static int scan_literal(json_scan *js, const char *word)
{
    size_t n = strlen(word);
    if (js->len - js->pos < n || memcmp(js->s + js->pos, word, n) != 0)
        return scan_fail(js, "unexpected character");
    js->pos += n;
    return 0;
}

static int scan_value(json_scan *js, int depth);

static int scan_container(json_scan *js, int depth)
{
    unsigned char open = js->s[js->pos];
    unsigned char close = open == '{' ? '}' : ']';
    if (depth >= JSON_MAX_DEPTH)
        return scan_fail(js, "nested too deeply");
    js->pos++;
    skip_space(js);
    if (js->pos < js->len && js->s[js->pos] == close) {
        js->pos++;
        return 0;
    }
    for (;;) {
        skip_space(js);
        if (open == '{') {
            if (js->pos >= js->len || js->s[js->pos] != '"')
                return scan_fail(js, "expected a member name");
            if (scan_string(js))
                return -1;
            skip_space(js);
            if (js->pos >= js->len || js->s[js->pos] != ':')
                return scan_fail(js, "expected ':'");
            js->pos++;
        }
        if (scan_value(js, depth + 1))
            return -1;
        skip_space(js);
        if (js->pos >= js->len)
            return scan_fail(js, "unexpected end of input");
        if (js->s[js->pos] == ',') {
            js->pos++;
            continue;
        }
        if (js->s[js->pos] == close) {
            js->pos++;
            return 0;
        }
        return scan_fail(js, open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int scan_value(json_scan *js, int depth)
{
    skip_space(js);
    if (js->pos >= js->len)
        return scan_fail(js, "unexpected end of input");
    unsigned char c = js->s[js->pos];
    switch (c) {
    case '{':
    case '[':
        return scan_container(js, depth);
    case '"':
        return scan_string(js);
    case 't':
        return scan_literal(js, "true");
    case 'f':
        return scan_literal(js, "false");
    case 'n':
        return scan_literal(js, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return scan_number(js);
        return scan_fail(js, "unexpected character");
    }
}

int vg_json_check_object(vg_ctx *ctx, const char *what, const char *json, size_t len)
{
    json_scan js = {(const unsigned char *)json, len, 0, NULL};
    skip_space(&js);
    if (js.pos >= len || json[js.pos] != '{')
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a JSON object", what);
    if (scan_value(&js, 0) == 0) {
        skip_space(&js);
        if (js.pos == len)
            return VG_OK;
        scan_fail(&js, "text after the JSON object");
    }
    return vg_error(ctx, VG_ERR_FORMAT, "%s: invalid JSON at byte %zu: %s", what, js.pos, js.problem);
}

/* ---- writing ---- */

int attest_json_string(vg_buf *out, const char *s, size_t len)
{
    int rc = vg_buf_addc(out, '"');
    size_t run = 0; /* start of the current run of bytes needing no escape */
    for (size_t i = 0; rc == VG_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (i > run)
            rc = vg_buf_add(out, s + run, i - run);
        if (rc)
            break;
        switch (c) {
        case '"': rc = vg_buf_addstr(out, "\\\""); break;
        case '\\': rc = vg_buf_addstr(out, "\\\\"); break;
        case '\n': rc = vg_buf_addstr(out, "\\n"); break;
        case '\t': rc = vg_buf_addstr(out, "\\t"); break;
        case '\r': rc = vg_buf_addstr(out, "\\r"); break;
        default: rc = vg_buf_addf(out, "\\u%04x", c); break;
        }
        run = i + 1;
    }
    if (rc == VG_OK && len > run)
        rc = vg_buf_add(out, s + run, len - run);
    if (rc == VG_OK)
        rc = vg_buf_addc(out, '"');
    return rc;
}

/* Checks that s is valid UTF-8 without NUL. */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence(p + i, len - i);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

int vg_intoto_statement(vg_ctx *ctx, const char *predicate_type,
                        const char *predicate_json, size_t predicate_len,
                        const vg_attest_subject *subjects, size_t nsubjects, vg_buf *out)
{
    const char *type_uri = vg_predicate_type_uri(predicate_type);
    if (!type_uri)
        return vg_error(ctx, VG_ERR_USAGE,
                        "unknown predicate type '%s' (use cyclonedx, spdx, vuln, slsa-provenance, openvex or a URI)",
                        predicate_type ? predicate_type : "");
    if (!utf8_valid(type_uri))
        return vg_error(ctx, VG_ERR_USAGE, "predicate type is not valid UTF-8");
    if (nsubjects == 0)
        return vg_error(ctx, VG_ERR_USAGE, "a statement needs at least one subject");
    for (size_t i = 0; i < nsubjects; i++) {
        const vg_attest_subject *s = &subjects[i];
        if (!s->name || !utf8_valid(s->name))
            return vg_error(ctx, VG_ERR_USAGE, "subject %zu: name missing or not UTF-8", i + 1);
        if (!s->sha256 || strlen(s->sha256) != VG_SHA256_HEX_LEN || !vg_is_hex(s->sha256, VG_SHA256_HEX_LEN))
            return vg_error(ctx, VG_ERR_USAGE, "subject %s: sha256 must be 64 hex digits", s->name);
        if (s->sha512 && (strlen(s->sha512) != VG_SHA512_HEX_LEN || !vg_is_hex(s->sha512, VG_SHA512_HEX_LEN)))
            return vg_error(ctx, VG_ERR_USAGE, "subject %s: sha512 must be 128 hex digits", s->name);
    }
    int rc = vg_json_check_object(ctx, "predicate", predicate_json, predicate_len);
    if (rc)
        return rc;
    /* Trim surrounding whitespace: the predicate is embedded as it is. */
    while (predicate_len && is_json_space(predicate_json[predicate_len - 1]))
        predicate_len--;
    while (predicate_len && is_json_space(predicate_json[0])) {
        predicate_json++;
        predicate_len--;
    }

    rc = vg_buf_addstr(out, "{\"_type\":\"" VG_INTOTO_STATEMENT_V1 "\",\"subject\":[");
    for (size_t i = 0; rc == VG_OK && i < nsubjects; i++) {
        const vg_attest_subject *s = &subjects[i];
        char hex[VG_SHA512_HEX_LEN + 1];
        rc = vg_buf_addstr(out, i ? ",{\"name\":" : "{\"name\":");
        if (rc == VG_OK)
            rc = attest_json_string(out, s->name, strlen(s->name));
        /* Digests are written in lowercase, as the spec recommends. */
        for (size_t k = 0; k <= VG_SHA256_HEX_LEN; k++)
            hex[k] = (char)(s->sha256[k] >= 'A' && s->sha256[k] <= 'F' ? s->sha256[k] + 32 : s->sha256[k]);
        if (rc == VG_OK)
            rc = vg_buf_addf(out, ",\"digest\":{\"sha256\":\"%s\"", hex);
        if (rc == VG_OK && s->sha512) {
            for (size_t k = 0; k <= VG_SHA512_HEX_LEN; k++)
                hex[k] = (char)(s->sha512[k] >= 'A' && s->sha512[k] <= 'F' ? s->sha512[k] + 32 : s->sha512[k]);
            rc = vg_buf_addf(out, ",\"sha512\":\"%s\"", hex);
        }
        if (rc == VG_OK)
            rc = vg_buf_addstr(out, "}}");
    }
    if (rc == VG_OK)
        rc = vg_buf_addstr(out, "],\"predicateType\":");
    if (rc == VG_OK)
        rc = attest_json_string(out, type_uri, strlen(type_uri));
    if (rc == VG_OK)
        rc = vg_buf_addstr(out, ",\"predicate\":");
    if (rc == VG_OK)
        rc = vg_buf_add(out, predicate_json, predicate_len);
    if (rc == VG_OK)
        rc = vg_buf_addc(out, '}');
    if (rc)
        return vg_error(ctx, rc, "statement too large or out of memory");
    return VG_OK;
}

/* ---- reading ---- */

int attest_statement_parse(vg_ctx *ctx, const char *payload, size_t len, json_t **statement)
{
    *statement = NULL;
    json_error_t err;
    json_t *st = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &err);
    if (!st)
        return vg_error(ctx, VG_ERR_FORMAT, "payload is not JSON (%s at byte %d)", err.text, err.position);
    const char *problem = NULL;
    const char *type = json_string_value(json_object_get(st, "_type"));
    json_t *subjects = json_object_get(st, "subject");
    if (!json_is_object(st))
        problem = "payload is not a JSON object";
    else if (!type)
        problem = "payload has no _type: not an in-toto statement";
    else if (strcmp(type, VG_INTOTO_STATEMENT_V1) != 0 && strcmp(type, "https://in-toto.io/Statement/v0.1") != 0)
        problem = "_type is not https://in-toto.io/Statement/v1";
    else if (!json_is_string(json_object_get(st, "predicateType")))
        problem = "statement has no predicateType";
    else if (!json_is_array(subjects) || json_array_size(subjects) == 0)
        problem = "statement has no subject";
    else if (json_object_get(st, "predicate") && !json_is_object(json_object_get(st, "predicate")))
        problem = "statement predicate is not an object";
    for (size_t i = 0; !problem && i < json_array_size(subjects); i++) {
        json_t *s = json_array_get(subjects, i);
        json_t *digest = json_object_get(s, "digest");
        if (!json_is_object(s) || !json_is_object(digest) || json_object_size(digest) == 0) {
            problem = "a subject has no digest";
            break;
        }
        const char *alg;
        json_t *value;
        json_object_foreach(digest, alg, value) {
            if (!json_is_string(value)) {
                problem = "a subject digest is not a string";
                break;
            }
        }
    }
    if (problem) {
        json_decref(st);
        return vg_error(ctx, VG_ERR_FORMAT, "%s", problem);
    }
    *statement = st;
    return VG_OK;
}
