/*
 * dsse.c — DSSE (Dead Simple Signing Envelope) v1.0.2: the pre-authentication
 * encoding, signing an envelope, and verifying one read from untrusted JSON.
 *
 * Spec: github.com/secure-systems-lab/dsse, protocol.md and envelope.md
 * (version 1.0.2).  PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP
 * LEN(body) SP body, LEN in ASCII decimal without leading zeros.  Envelope
 * JSON: {"payload": b64, "payloadType": str, "signatures": [{"keyid", "sig"}]}.
 * Both base64 alphabets are accepted when reading, as the spec asks.
 *
 * Leaves out: thresholds of several keys (one trusted key is given), the
 * deprecated "publicKey" signature field, payload types other than in-toto
 * when verifying attestations.
 */
#include <stdio.h>
#include <string.h>

#include "attest_internal.h"
#include "vigil/base64.h"

#define DSSE_MAX_SIGNATURES 64
#define DSSE_MAX_SIGNATURE_B64 4096

int vg_dsse_pae(vg_buf *out, const char *payload_type, const void *payload, size_t len)
{
    size_t tlen = strlen(payload_type);
    int rc = vg_buf_addf(out, "DSSEv1 %zu ", tlen);
    if (rc == VG_OK)
        rc = vg_buf_add(out, payload_type, tlen);
    if (rc == VG_OK)
        rc = vg_buf_addf(out, " %zu ", len);
    if (rc == VG_OK)
        rc = vg_buf_add(out, payload, len);
    return rc;
}

int vg_dsse_sign(vg_ctx *ctx, const vg_key *key, const char *payload_type,
                 const void *payload, size_t len, vg_buf *out)
{
    vg_buf pae, sig;
    vg_buf_init(&pae, VG_ATTEST_MAX_DOCUMENT);
    vg_buf_init(&sig, 1024);
    int rc = vg_dsse_pae(&pae, payload_type, payload, len);
    if (rc) {
        vg_buf_free(&pae);
        return vg_error(ctx, rc, "payload too large to sign");
    }
    rc = vg_key_sign(ctx, key, pae.data, pae.len, &sig);
    vg_buf_free(&pae);
    if (rc) {
        vg_buf_free(&sig);
        return rc;
    }
    rc = vg_buf_addstr(out, "{\"payload\":\"");
    if (rc == VG_OK)
        rc = vg_base64_encode(out, payload, len);
    if (rc == VG_OK)
        rc = vg_buf_addstr(out, "\",\"payloadType\":");
    if (rc == VG_OK)
        rc = attest_json_string(out, payload_type, strlen(payload_type));
    if (rc == VG_OK)
        rc = vg_buf_addf(out, ",\"signatures\":[{\"keyid\":\"%s\",\"sig\":\"", vg_key_id(key));
    if (rc == VG_OK)
        rc = vg_base64_encode(out, sig.data, sig.len);
    if (rc == VG_OK)
        rc = vg_buf_addstr(out, "\"}]}");
    vg_buf_free(&sig);
    if (rc)
        return vg_error(ctx, rc, "envelope too large or out of memory");
    return VG_OK;
}

static int fail(vg_ctx *ctx, vg_verify_check *failed, vg_verify_check check, int status)
{
    *failed = check;
    return status;
}

int attest_dsse_verify(vg_ctx *ctx, json_t *env, const vg_key *key, int exactly_one,
                       vg_buf *payload, vg_verify_check *failed)
{
    *failed = VG_CHECK_NONE;
    json_t *jtype = json_object_get(env, "payloadType");
    json_t *jpayload = json_object_get(env, "payload");
    json_t *jsigs = json_object_get(env, "signatures");
    if (!json_is_string(jtype) || !json_is_string(jpayload))
        return fail(ctx, failed, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_FORMAT, "envelope: payload or payloadType missing or not a string"));
    if (jsigs && !json_is_array(jsigs))
        return fail(ctx, failed, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_FORMAT, "envelope: signatures is not an array"));
    size_t nsigs = json_array_size(jsigs);
    if (nsigs == 0)
        return fail(ctx, failed, VG_CHECK_SIGNATURE_COUNT,
                    vg_error(ctx, VG_ERR_DIGEST, "envelope has no signatures"));
    if (exactly_one && nsigs != 1)
        return fail(ctx, failed, VG_CHECK_SIGNATURE_COUNT,
                    vg_error(ctx, VG_ERR_DIGEST, "a Sigstore bundle carries exactly one signature; this one has %zu", nsigs));
    if (nsigs > DSSE_MAX_SIGNATURES)
        return fail(ctx, failed, VG_CHECK_SIGNATURE_COUNT,
                    vg_error(ctx, VG_ERR_LIMIT, "envelope has %zu signatures; at most %d are read", nsigs, DSSE_MAX_SIGNATURES));
    for (size_t i = 0; i < nsigs; i++) {
        json_t *s = json_array_get(jsigs, i);
        json_t *sig = json_object_get(s, "sig");
        json_t *keyid = json_object_get(s, "keyid");
        if (!json_is_object(s) || !json_is_string(sig) || (keyid && !json_is_string(keyid)))
            return fail(ctx, failed, VG_CHECK_SIGNATURE_FORMAT,
                        vg_error(ctx, VG_ERR_FORMAT, "signature %zu: not an object with a string \"sig\"", i + 1));
        if (json_string_length(sig) == 0)
            return fail(ctx, failed, VG_CHECK_SIGNATURE_FORMAT,
                        vg_error(ctx, VG_ERR_FORMAT, "signature %zu is empty", i + 1));
        for (size_t j = 0; j < i; j++) {
            json_t *other = json_object_get(json_array_get(jsigs, j), "sig");
            if (json_string_length(other) == json_string_length(sig) &&
                memcmp(json_string_value(other), json_string_value(sig), json_string_length(sig)) == 0)
                return fail(ctx, failed, VG_CHECK_SIGNATURE_COUNT,
                            vg_error(ctx, VG_ERR_DIGEST, "envelope has duplicate signatures (%zu and %zu are the same)", j + 1, i + 1));
        }
    }

    const char *payload_type = json_string_value(jtype);
    if (strlen(payload_type) != json_string_length(jtype))
        return fail(ctx, failed, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "envelope: payloadType contains NUL"));
    int rc = vg_base64_decode(payload, json_string_value(jpayload), json_string_length(jpayload));
    if (rc)
        return fail(ctx, failed, VG_CHECK_DOCUMENT,
                    vg_error(ctx, rc == VG_ERR_FORMAT ? VG_ERR_FORMAT : rc, "envelope: payload is not valid base64"));
    if (payload->len == 0)
        return fail(ctx, failed, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "envelope: payload is empty"));

    vg_buf pae;
    vg_buf_init(&pae, VG_ATTEST_MAX_DOCUMENT + 256);
    if ((rc = vg_dsse_pae(&pae, payload_type, payload->data, payload->len)) != VG_OK)
        return fail(ctx, failed, VG_CHECK_DOCUMENT, vg_error(ctx, rc, "envelope too large"));

    /* One signature by the key must verify.  Keep the most telling reason
     * when none does: a malformed signature says more than "does not verify". */
    int verified = 0, format_errors = 0;
    char first_problem[512] = "";
    const char *named_keyid = NULL;
    for (size_t i = 0; i < nsigs && !verified; i++) {
        json_t *s = json_array_get(jsigs, i);
        json_t *sig = json_object_get(s, "sig");
        const char *keyid = json_string_value(json_object_get(s, "keyid"));
        if (keyid && *keyid && strcmp(keyid, vg_key_id(key)) != 0 && !named_keyid)
            named_keyid = keyid;
        vg_buf raw;
        vg_buf_init(&raw, DSSE_MAX_SIGNATURE_B64);
        if (json_string_length(sig) > DSSE_MAX_SIGNATURE_B64 ||
            vg_base64_decode(&raw, json_string_value(sig), json_string_length(sig)) != VG_OK) {
            format_errors++;
            if (!first_problem[0])
                snprintf(first_problem, sizeof first_problem, "signature %zu is not valid base64", i + 1);
            vg_buf_free(&raw);
            continue;
        }
        rc = vg_key_verify(ctx, key, pae.data, pae.len, (const unsigned char *)raw.data, raw.len);
        vg_buf_free(&raw);
        if (rc == VG_OK) {
            verified = 1;
        } else if (rc == VG_ERR_FORMAT) {
            /* Malformed for this key's type: a format problem unless the
             * signature says it was made by another key. */
            if (!(keyid && *keyid && strcmp(keyid, vg_key_id(key)) != 0))
                format_errors++;
            if (!first_problem[0])
                snprintf(first_problem, sizeof first_problem, "signature %zu: %.400s", i + 1, ctx->message);
        } else if (rc != VG_ERR_DIGEST) {
            vg_buf_free(&pae);
            return fail(ctx, failed, VG_CHECK_SIGNATURE, rc);
        }
    }
    vg_buf_free(&pae);
    if (!verified) {
        if (format_errors == (int)nsigs)
            return fail(ctx, failed, VG_CHECK_SIGNATURE_FORMAT, vg_error(ctx, VG_ERR_FORMAT, "%s", first_problem));
        if (named_keyid)
            return fail(ctx, failed, VG_CHECK_SIGNATURE,
                        vg_error(ctx, VG_ERR_DIGEST,
                                 "signature does not verify: it names key %.64s, the given key is %s (%s)",
                                 named_keyid, vg_key_id(key), vg_key_type_name(vg_key_get_type(key))));
        return fail(ctx, failed, VG_CHECK_SIGNATURE,
                    vg_error(ctx, VG_ERR_DIGEST,
                             "signature does not verify with key %s (%s): the payload or its type was changed, "
                             "or another key signed it",
                             vg_key_id(key), vg_key_type_name(vg_key_get_type(key))));
    }
    if (strcmp(payload_type, VG_INTOTO_PAYLOAD_TYPE) != 0)
        return fail(ctx, failed, VG_CHECK_PAYLOAD_TYPE,
                    vg_error(ctx, VG_ERR_DIGEST, "payload type is '%.200s', not " VG_INTOTO_PAYLOAD_TYPE, payload_type));
    return VG_OK;
}
