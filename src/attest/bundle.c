/*
 * bundle.c — Sigstore bundles holding a DSSE envelope, the one-call
 * attestation writer (vg_attest_bundle) and the verifier (vg_attest_verify).
 *
 * Spec: sigstore/protobuf-specs, dev.sigstore.bundle.v1.Bundle in its JSON
 * form, media type application/vnd.dev.sigstore.bundle.v0.3+json:
 *   {"mediaType": ..., "verificationMaterial": {"publicKey": {"hint": ...},
 *    "tlogEntries": []}, "dsseEnvelope": {DSSE envelope}}
 * Reading also accepts the older media types
 * application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3.
 *
 * Leaves out: certificates (keyless), transparency-log entries and RFC 3161
 * timestamps (present ones are ignored, not verified: trust comes from the
 * given public key alone), messageSignature bundles.
 */
#include <stdio.h>
#include <string.h>

#include "attest_internal.h"
#include "vigil/digest.h"

static const char *const known_media_types[] = {
    VG_SIGSTORE_BUNDLE_V03,
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
};

int vg_attest_bundle(vg_ctx *ctx, const vg_key *key, const char *predicate_type,
                     const char *predicate_json, size_t predicate_len,
                     const vg_attest_subject *subjects, size_t nsubjects,
                     vg_attest_format format, vg_buf *out)
{
    vg_buf statement;
    vg_buf_init(&statement, VG_ATTEST_MAX_DOCUMENT);
    int rc = vg_intoto_statement(ctx, predicate_type, predicate_json, predicate_len, subjects,
                                 nsubjects, &statement);
    if (rc) {
        vg_buf_free(&statement);
        return rc;
    }
    if (format == VG_ATTEST_BUNDLE) {
        rc = vg_buf_addf(out,
                         "{\"mediaType\":\"" VG_SIGSTORE_BUNDLE_V03 "\","
                         "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"%s\"},\"tlogEntries\":[]},"
                         "\"dsseEnvelope\":",
                         vg_key_id(key));
        if (rc)
            rc = vg_error(ctx, rc, "out of memory");
    }
    if (rc == VG_OK)
        rc = vg_dsse_sign(ctx, key, VG_INTOTO_PAYLOAD_TYPE, statement.data, statement.len, out);
    vg_buf_free(&statement);
    if (rc == VG_OK && format == VG_ATTEST_BUNDLE && vg_buf_addc(out, '}') != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && vg_buf_addc(out, '\n') != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return rc;
}

static int fail(vg_verify_result *result, vg_verify_check check, int status)
{
    result->failed = check;
    return status;
}

/* Lowercase comparison of two hex strings. */
static int hex_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i] >= 'A' && a[i] <= 'F' ? (char)(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'F' ? (char)(b[i] + 32) : b[i];
        if (x != y)
            return 0;
    }
    return 1;
}

/* Checks that the file at path is one of the statement's subjects: a
 * subject matches when it carries sha256 and/or sha512 and every one of
 * those it carries equals the file's. */
static int check_subject(vg_ctx *ctx, json_t *statement, const char *path, vg_verify_result *result)
{
    json_t *subjects = json_object_get(statement, "subject");
    unsigned algorithms = VG_DIGEST_SHA256;
    for (size_t i = 0; i < json_array_size(subjects); i++)
        if (json_object_get(json_object_get(json_array_get(subjects, i), "digest"), "sha512"))
            algorithms |= VG_DIGEST_SHA512;
    vg_file_digest d;
    int rc = vg_digest_file(ctx, path, algorithms, &d);
    if (rc)
        return fail(result, VG_CHECK_SUBJECT, rc);
    for (size_t i = 0; i < json_array_size(subjects); i++) {
        json_t *digest = json_object_get(json_array_get(subjects, i), "digest");
        const char *sha256 = json_string_value(json_object_get(digest, "sha256"));
        const char *sha512 = json_string_value(json_object_get(digest, "sha512"));
        if (!sha256 && !sha512)
            continue;
        if ((!sha256 || hex_equal(sha256, d.sha256)) && (!sha512 || hex_equal(sha512, d.sha512)))
            return VG_OK;
    }
    /* Name the subjects so the user sees what was signed. */
    char listed[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < json_array_size(subjects) && i < 4 && used < sizeof listed; i++) {
        json_t *s = json_array_get(subjects, i);
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *sha256 = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
        int n = snprintf(listed + used, sizeof listed - used, "%s%.200s sha256:%.64s", i ? ", " : "",
                         name ? name : "(unnamed)", sha256 ? sha256 : "(none)");
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return fail(result, VG_CHECK_SUBJECT,
                vg_error(ctx, VG_ERR_DIGEST, "subject mismatch: %s has sha256:%s, which no subject of the statement has (%s%s)",
                         path, d.sha256, listed, json_array_size(subjects) > 4 ? ", ..." : ""));
}

int vg_attest_verify(vg_ctx *ctx, const char *doc, size_t len,
                     const vg_verify_options *opts, vg_verify_result *result)
{
    memset(result, 0, sizeof *result);
    vg_buf_init(&result->statement, VG_ATTEST_MAX_DOCUMENT);
    if (!opts || !opts->key)
        return fail(result, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_USAGE, "no public key given"));
    const char *expected_type = NULL;
    if (opts->predicate_type) {
        expected_type = vg_predicate_type_uri(opts->predicate_type);
        if (!expected_type)
            return fail(result, VG_CHECK_DOCUMENT,
                        vg_error(ctx, VG_ERR_USAGE, "unknown predicate type '%s'", opts->predicate_type));
    }
    if (len > VG_ATTEST_MAX_DOCUMENT)
        return fail(result, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_LIMIT, "document larger than 1 GiB"));

    json_error_t err;
    json_t *root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return fail(result, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_FORMAT, "not JSON: %s (line %d, column %d)", err.text, err.line, err.column));
    int rc = VG_OK;
    json_t *env = NULL;
    json_t *media = json_object_get(root, "mediaType");
    if (!json_is_object(root)) {
        rc = fail(result, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "not a JSON object"));
    } else if (media) {
        result->is_bundle = 1;
        const char *mt = json_string_value(media);
        int known = 0;
        for (size_t i = 0; mt && i < sizeof known_media_types / sizeof known_media_types[0]; i++)
            known |= strcmp(mt, known_media_types[i]) == 0;
        if (!known)
            rc = fail(result, VG_CHECK_MEDIA_TYPE,
                      vg_error(ctx, VG_ERR_UNSUPPORTED, "unknown bundle media type '%.200s' (expected " VG_SIGSTORE_BUNDLE_V03 ")",
                               mt ? mt : "(not a string)"));
        else if (json_object_get(root, "messageSignature"))
            rc = fail(result, VG_CHECK_DOCUMENT,
                      vg_error(ctx, VG_ERR_UNSUPPORTED, "bundle holds a message signature, not an attestation (dsseEnvelope)"));
        else if (!json_is_object(env = json_object_get(root, "dsseEnvelope")))
            rc = fail(result, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "bundle has no dsseEnvelope"));
    } else if (json_object_get(root, "payloadType") || json_object_get(root, "signatures")) {
        env = root;
    } else {
        rc = fail(result, VG_CHECK_DOCUMENT,
                  vg_error(ctx, VG_ERR_FORMAT, "neither a Sigstore bundle (mediaType) nor a DSSE envelope (payloadType)"));
    }
    if (rc == VG_OK)
        rc = attest_dsse_verify(ctx, env, opts->key, result->is_bundle, &result->statement, &result->failed);
    json_decref(root);
    if (rc)
        return rc;

    json_t *statement = NULL;
    rc = attest_statement_parse(ctx, result->statement.data, result->statement.len, &statement);
    if (rc)
        return fail(result, VG_CHECK_STATEMENT, rc);
    const char *type = json_string_value(json_object_get(statement, "predicateType"));
    if (expected_type && strcmp(type, expected_type) != 0)
        rc = fail(result, VG_CHECK_PREDICATE_TYPE,
                  vg_error(ctx, VG_ERR_DIGEST, "predicate type mismatch: the statement's is '%.300s', expected '%s'", type,
                           expected_type));
    if (rc == VG_OK && opts->subject_path)
        rc = check_subject(ctx, statement, opts->subject_path, result);
    json_decref(statement);
    return rc;
}
