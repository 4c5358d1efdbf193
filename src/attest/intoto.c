/*
 * intoto.c — in-toto Attestation Framework Statement v1: predicate type
 * names, building a statement around a predicate (as head + predicate +
 * "}", so a large predicate is embedded byte for byte and never copied or
 * parsed into a tree), and reading a statement back from a verified
 * payload with the bounded reader of json.c, which builds a tree of
 * _type, subject and predicateType only and checks the predicate's syntax.
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
        size_t n = attest_utf8_sequence(p + i, len - i);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}


int attest_statement_head(vg_ctx *ctx, const char *predicate_type,
                          const char *predicate_json, size_t predicate_len,
                          const vg_attest_subject *subjects, size_t nsubjects, vg_buf *head,
                          const char **predicate, size_t *trimmed_len)
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
    while (predicate_len && attest_json_is_space(predicate_json[predicate_len - 1]))
        predicate_len--;
    while (predicate_len && attest_json_is_space(predicate_json[0])) {
        predicate_json++;
        predicate_len--;
    }
    *predicate = predicate_json;
    *trimmed_len = predicate_len;

    rc = vg_buf_addstr(head, "{\"_type\":\"" VG_INTOTO_STATEMENT_V1 "\",\"subject\":[");
    for (size_t i = 0; rc == VG_OK && i < nsubjects; i++) {
        const vg_attest_subject *s = &subjects[i];
        char hex[VG_SHA512_HEX_LEN + 1];
        rc = vg_buf_addstr(head, i ? ",{\"name\":" : "{\"name\":");
        if (rc == VG_OK)
            rc = attest_json_string(head, s->name, strlen(s->name));
        /* Digests are written in lowercase, as the spec recommends. */
        for (size_t k = 0; k <= VG_SHA256_HEX_LEN; k++)
            hex[k] = (char)(s->sha256[k] >= 'A' && s->sha256[k] <= 'F' ? s->sha256[k] + 32 : s->sha256[k]);
        if (rc == VG_OK)
            rc = vg_buf_addf(head, ",\"digest\":{\"sha256\":\"%s\"", hex);
        if (rc == VG_OK && s->sha512) {
            for (size_t k = 0; k <= VG_SHA512_HEX_LEN; k++)
                hex[k] = (char)(s->sha512[k] >= 'A' && s->sha512[k] <= 'F' ? s->sha512[k] + 32 : s->sha512[k]);
            rc = vg_buf_addf(head, ",\"sha512\":\"%s\"", hex);
        }
        if (rc == VG_OK)
            rc = vg_buf_addstr(head, "}}");
    }
    if (rc == VG_OK)
        rc = vg_buf_addstr(head, "],\"predicateType\":");
    if (rc == VG_OK)
        rc = attest_json_string(head, type_uri, strlen(type_uri));
    if (rc == VG_OK)
        rc = vg_buf_addstr(head, ",\"predicate\":");
    if (rc)
        return vg_error(ctx, rc, "statement too large or out of memory");
    return VG_OK;
}

int vg_intoto_statement(vg_ctx *ctx, const char *predicate_type,
                        const char *predicate_json, size_t predicate_len,
                        const vg_attest_subject *subjects, size_t nsubjects, vg_buf *out)
{
    const char *predicate;
    size_t trimmed;
    int rc = attest_statement_head(ctx, predicate_type, predicate_json, predicate_len, subjects, nsubjects, out,
                                   &predicate, &trimmed);
    if (rc)
        return rc;
    rc = vg_buf_add(out, predicate, trimmed);
    if (rc == VG_OK)
        rc = vg_buf_addc(out, '}');
    if (rc)
        return vg_error(ctx, rc, "statement too large or out of memory");
    return VG_OK;
}

/* ---- reading ---- */

int attest_statement_read(vg_ctx *ctx, const char *payload, size_t len, attest_statement *st)
{
    /* Only these members become a tree; the predicate (and any other
     * member) is checked for syntax, never copied. */
    static const char *const expand[] = {"_type", "subject", "predicateType", NULL};
    memset(st, 0, sizeof *st);
    int rc = attest_json_parse(ctx, "payload", payload, len, expand, &st->doc);
    if (rc)
        return rc;
    const attest_json *root = st->doc.root;
    const attest_json *type = attest_json_member(root, "_type");
    const attest_json *subjects = attest_json_member(root, "subject");
    const attest_json *predicate = attest_json_member(root, "predicate");
    const char *problem = NULL;
    if (!attest_json_as_string(type))
        problem = "payload has no _type: not an in-toto statement";
    else if (!attest_json_equals(type, VG_INTOTO_STATEMENT_V1) &&
             !attest_json_equals(type, "https://in-toto.io/Statement/v0.1"))
        problem = "_type is not https://in-toto.io/Statement/v1";
    else if (!attest_json_as_string(attest_json_member(root, "predicateType")))
        problem = "statement has no predicateType";
    else if (!subjects || subjects->kind != ATTEST_JSON_ARRAY || subjects->count == 0)
        problem = "statement has no subject";
    else if (predicate && predicate->kind != ATTEST_JSON_OBJECT)
        problem = "statement predicate is not an object";
    for (const attest_json *s = subjects ? subjects->child : NULL; !problem && s; s = s->next) {
        const attest_json *digest = attest_json_member(s, "digest");
        if (!digest || digest->kind != ATTEST_JSON_OBJECT || digest->count == 0) {
            problem = "a subject has no digest";
            break;
        }
        for (const attest_json *d = digest->child; d; d = d->next)
            if (d->kind != ATTEST_JSON_STRING) {
                problem = "a subject digest is not a string";
                break;
            }
    }
    if (problem)
        return vg_error(ctx, VG_ERR_FORMAT, "%s", problem);
    st->predicate_type = attest_json_member(root, "predicateType");
    st->subjects = subjects;
    return VG_OK;
}
