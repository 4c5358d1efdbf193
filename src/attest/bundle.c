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
    /* The statement is head + predicate + "}"; it is signed and encoded
     * from those three pieces, so the predicate is never copied. */
    vg_buf head;
    vg_buf_init(&head, VG_ATTEST_MAX_DOCUMENT);
    const char *predicate = NULL;
    size_t trimmed = 0;
    int rc = attest_statement_head(ctx, predicate_type, predicate_json, predicate_len, subjects, nsubjects, &head,
                                   &predicate, &trimmed);
    if (rc) {
        vg_buf_free(&head);
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
    attest_piece statement[3] = {{head.data, head.len}, {predicate, trimmed}, {"}", 1}};
    if (rc == VG_OK)
        rc = attest_dsse_sign_pieces(ctx, key, VG_INTOTO_PAYLOAD_TYPE, statement, 3, out);
    vg_buf_free(&head);
    if (rc == VG_OK && format == VG_ATTEST_BUNDLE && vg_buf_addc(out, '}') != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && vg_buf_addc(out, '\n') != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return rc;
}

const char *vg_verify_check_name(vg_verify_check check)
{
    switch (check) {
    case VG_CHECK_NONE: return "none";
    case VG_CHECK_DOCUMENT: return "document";
    case VG_CHECK_MEDIA_TYPE: return "media type";
    case VG_CHECK_SIGNATURE_COUNT: return "signature count";
    case VG_CHECK_SIGNATURE_FORMAT: return "signature format";
    case VG_CHECK_SIGNATURE: return "signature";
    case VG_CHECK_PAYLOAD_TYPE: return "payload type";
    case VG_CHECK_STATEMENT: return "statement";
    case VG_CHECK_PREDICATE_TYPE: return "predicate type";
    case VG_CHECK_SUBJECT: return "subject";
    }
    return "unknown";
}

static int fail(vg_verify_result *result, vg_verify_check check, int status)
{
    result->failed = check;
    return status;
}

/* Case-insensitive comparison of a hex digest from the statement with
 * the file's (lowercase, NUL-terminated). */
static int hex_equal(const attest_json *value, const char *hex)
{
    size_t n = strlen(hex);
    if (value->len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = value->str[i] >= 'A' && value->str[i] <= 'F' ? (char)(value->str[i] + 32) : value->str[i];
        if (x != hex[i])
            return 0;
    }
    return 1;
}

/* Checks that the file at path is one of the statement's subjects: a
 * subject matches when it carries sha256 and/or sha512 and every one of
 * those it carries equals the file's. */
static int check_subject(vg_ctx *ctx, const attest_statement *st, const char *path, vg_verify_result *result)
{
    unsigned algorithms = VG_DIGEST_SHA256;
    for (const attest_json *s = st->subjects->child; s; s = s->next)
        if (attest_json_member(attest_json_member(s, "digest"), "sha512"))
            algorithms |= VG_DIGEST_SHA512;
    vg_file_digest d;
    int rc = vg_digest_file(ctx, path, algorithms, &d);
    if (rc)
        return fail(result, VG_CHECK_SUBJECT, rc);
    for (const attest_json *s = st->subjects->child; s; s = s->next) {
        const attest_json *digest = attest_json_member(s, "digest");
        const attest_json *sha256 = attest_json_as_string(attest_json_member(digest, "sha256"));
        const attest_json *sha512 = attest_json_as_string(attest_json_member(digest, "sha512"));
        if (!sha256 && !sha512)
            continue;
        if ((!sha256 || hex_equal(sha256, d.sha256)) && (!sha512 || hex_equal(sha512, d.sha512)))
            return VG_OK;
    }
    /* Name the subjects so the user sees what was signed. */
    char listed[1024] = "";
    size_t used = 0, i = 0;
    for (const attest_json *s = st->subjects->child; s && i < 4 && used < sizeof listed; s = s->next, i++) {
        const attest_json *name = attest_json_as_string(attest_json_member(s, "name"));
        const attest_json *sha256 = attest_json_as_string(attest_json_member(attest_json_member(s, "digest"), "sha256"));
        int n = snprintf(listed + used, sizeof listed - used, "%s%.*s sha256:%.*s", i ? ", " : "",
                         name ? (int)(name->len < 200 ? name->len : 200) : 9, name ? name->str : "(unnamed)",
                         sha256 ? (int)(sha256->len < 64 ? sha256->len : 64) : 6, sha256 ? sha256->str : "(none)");
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return fail(result, VG_CHECK_SUBJECT,
                vg_error(ctx, VG_ERR_DIGEST, "subject mismatch: %s has sha256:%s, which no subject of the statement has (%s%s)",
                         path, d.sha256, listed, st->subjects->count > 4 ? ", ..." : ""));
}

/* Finds the DSSE envelope in the parsed document: the document itself, or
 * a bundle's dsseEnvelope after its media type is checked. */
static int find_envelope(vg_ctx *ctx, const attest_json *root, vg_verify_result *result, const attest_json **env)
{
    const attest_json *media = attest_json_member(root, "mediaType");
    if (!media) {
        if (attest_json_member(root, "payloadType") || attest_json_member(root, "signatures")) {
            *env = root;
            return VG_OK;
        }
        return fail(result, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_FORMAT, "neither a Sigstore bundle (mediaType) nor a DSSE envelope (payloadType)"));
    }
    result->is_bundle = 1;
    int known = 0;
    for (size_t i = 0; i < sizeof known_media_types / sizeof known_media_types[0]; i++)
        known |= attest_json_equals(media, known_media_types[i]);
    if (!known) {
        int is_string = attest_json_as_string(media) != NULL;
        return fail(result, VG_CHECK_MEDIA_TYPE,
                    vg_error(ctx, VG_ERR_UNSUPPORTED, "unknown bundle media type '%.*s' (expected " VG_SIGSTORE_BUNDLE_V03 ")",
                             is_string ? (int)(media->len < 200 ? media->len : 200) : 15,
                             is_string ? media->str : "(not a string)"));
    }
    if (attest_json_member(root, "messageSignature"))
        return fail(result, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_UNSUPPORTED, "bundle holds a message signature, not an attestation (dsseEnvelope)"));
    *env = attest_json_member(root, "dsseEnvelope");
    if (!*env || (*env)->kind != ATTEST_JSON_OBJECT)
        return fail(result, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "bundle has no dsseEnvelope"));
    return VG_OK;
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

    /* The bundle or envelope becomes a small tree; its payload string
     * stays in doc and is decoded once, into result->statement. */
    attest_json_doc tree;
    int rc = attest_json_parse(ctx, "document", doc, len, NULL, &tree);
    const attest_json *env = NULL;
    if (rc)
        rc = fail(result, VG_CHECK_DOCUMENT, rc);
    else
        rc = find_envelope(ctx, tree.root, result, &env);
    if (rc == VG_OK)
        rc = attest_dsse_verify(ctx, env, opts->key, result->is_bundle, &result->statement, &result->failed);
    attest_json_doc_free(&tree);
    if (rc)
        return rc;

    attest_statement st;
    rc = attest_statement_read(ctx, result->statement.data, result->statement.len, &st);
    if (rc) {
        attest_json_doc_free(&st.doc);
        return fail(result, VG_CHECK_STATEMENT, rc);
    }
    if (expected_type && !attest_json_equals(st.predicate_type, expected_type))
        rc = fail(result, VG_CHECK_PREDICATE_TYPE,
                  vg_error(ctx, VG_ERR_SIGNATURE, "predicate type mismatch: the statement's is '%.*s', expected '%s'",
                           (int)(st.predicate_type->len < 300 ? st.predicate_type->len : 300), st.predicate_type->str,
                           expected_type));
    if (rc == VG_OK && opts->subject_path)
        rc = check_subject(ctx, &st, opts->subject_path, result);
    attest_json_doc_free(&st.doc);
    return rc;
}
