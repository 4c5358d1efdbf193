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
#include "vigil/io.h"

#include <openssl/evp.h>

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

/* Appends the PAE up to the body, "DSSEv1 LEN(type) type LEN(body) ", to out. */
static int pae_header(vg_buf *out, const char *payload_type, size_t type_len, size_t body_len)
{
    int rc = vg_buf_addf(out, "DSSEv1 %zu ", type_len);
    if (rc == VG_OK)
        rc = vg_buf_add(out, payload_type, type_len);
    if (rc == VG_OK)
        rc = vg_buf_addf(out, " %zu ", body_len);
    return rc;
}

/* SHA-256 of header followed by every piece. */
static int sha256_pieces(vg_ctx *ctx, const vg_buf *header, const attest_piece *pieces, size_t npieces,
                         unsigned char digest[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int mdlen = 0;
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, header->data, header->len);
    for (size_t i = 0; ok && i < npieces; i++)
        ok = EVP_DigestUpdate(md, pieces[i].data, pieces[i].len);
    ok = ok && EVP_DigestFinal_ex(md, digest, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(md);
    return ok ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "SHA-256 failed");
}

int attest_dsse_sign_pieces(vg_ctx *ctx, const vg_key *key, const char *payload_type,
                            const attest_piece *pieces, size_t npieces, vg_buf *out)
{
    size_t total = 0;
    for (size_t i = 0; i < npieces; i++) {
        if (pieces[i].len > VG_ATTEST_MAX_DOCUMENT - total)
            return vg_error(ctx, VG_ERR_LIMIT, "payload too large to sign");
        total += pieces[i].len;
    }
    vg_buf pae, sig;
    vg_buf_init(&pae, VG_ATTEST_MAX_DOCUMENT + 256);
    vg_buf_init(&sig, 1024);
    int rc = pae_header(&pae, payload_type, strlen(payload_type), total);
    if (rc) {
        vg_buf_free(&pae);
        return vg_error(ctx, rc, "payload type too long");
    }
    if (vg_key_get_type(key) == VG_KEY_ECDSA_P256) {
        /* ECDSA signs SHA-256(PAE): hash the pieces where they are. */
        unsigned char digest[32];
        rc = sha256_pieces(ctx, &pae, pieces, npieces, digest);
        if (rc == VG_OK)
            rc = attest_key_sign_sha256(ctx, key, digest, &sig);
    } else {
        /* Ed25519 (RFC 8032 PureEdDSA) hashes the whole message twice and
         * OpenSSL takes it in one piece: the one copy made when signing. */
        rc = vg_buf_reserve_large(&pae, total);
        for (size_t i = 0; rc == VG_OK && i < npieces; i++)
            rc = vg_buf_add(&pae, pieces[i].data, pieces[i].len);
        if (rc)
            rc = vg_error(ctx, rc, "payload too large to sign");
        else
            rc = vg_key_sign(ctx, key, pae.data, pae.len, &sig);
    }
    vg_buf_free(&pae);
    if (rc) {
        vg_buf_free(&sig);
        return rc;
    }
    vg_base64_encoder enc;
    vg_base64_encoder_init(&enc);
    size_t b64len = vg_base64_encoded_len(total);
    /* Room for the whole envelope at once; the rest is a few hundred bytes. */
    rc = b64len > VG_ATTEST_MAX_DOCUMENT * 2 ? VG_ERR_LIMIT : vg_buf_reserve_large(out, b64len + 1024);
    if (rc == VG_OK)
        rc = vg_buf_addstr(out, "{\"payload\":\"");
    for (size_t i = 0; rc == VG_OK && i < npieces; i++)
        rc = vg_base64_encoder_update(&enc, out, pieces[i].data, pieces[i].len);
    if (rc == VG_OK)
        rc = vg_base64_encoder_final(&enc, out);
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

int vg_dsse_sign(vg_ctx *ctx, const vg_key *key, const char *payload_type,
                 const void *payload, size_t len, vg_buf *out)
{
    attest_piece piece = {payload, len};
    return attest_dsse_sign_pieces(ctx, key, payload_type, &piece, 1, out);
}

static int fail(vg_verify_check *failed, vg_verify_check check, int status)
{
    *failed = check;
    return status;
}

static int same_string(const attest_json *a, const attest_json *b)
{
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

int attest_dsse_verify(vg_ctx *ctx, const attest_json *env, const vg_key *key, int exactly_one,
                       vg_buf *payload, vg_verify_check *failed)
{
    *failed = VG_CHECK_NONE;
    const attest_json *jtype = attest_json_as_string(attest_json_member(env, "payloadType"));
    const attest_json *jpayload = attest_json_as_string(attest_json_member(env, "payload"));
    const attest_json *jsigs = attest_json_member(env, "signatures");
    if (!jtype || !jpayload)
        return fail(failed, VG_CHECK_DOCUMENT,
                    vg_error(ctx, VG_ERR_FORMAT, "envelope: payload or payloadType missing or not a string"));
    if (jsigs && jsigs->kind != ATTEST_JSON_ARRAY)
        return fail(failed, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "envelope: signatures is not an array"));
    size_t nsigs = jsigs ? jsigs->count : 0;
    if (nsigs == 0)
        return fail(failed, VG_CHECK_SIGNATURE_COUNT, vg_error(ctx, VG_ERR_SIGNATURE, "envelope has no signatures"));
    if (exactly_one && nsigs != 1)
        return fail(failed, VG_CHECK_SIGNATURE_COUNT,
                    vg_error(ctx, VG_ERR_SIGNATURE, "a Sigstore bundle carries exactly one signature; this one has %zu", nsigs));
    if (nsigs > DSSE_MAX_SIGNATURES)
        return fail(failed, VG_CHECK_SIGNATURE_COUNT,
                    vg_error(ctx, VG_ERR_LIMIT, "envelope has %zu signatures; at most %d are read", nsigs, DSSE_MAX_SIGNATURES));
    size_t i = 0;
    for (const attest_json *s = jsigs->child; s; s = s->next, i++) {
        const attest_json *sig = attest_json_member(s, "sig");
        const attest_json *keyid = attest_json_member(s, "keyid");
        if (s->kind != ATTEST_JSON_OBJECT || !attest_json_as_string(sig) || (keyid && !attest_json_as_string(keyid)))
            return fail(failed, VG_CHECK_SIGNATURE_FORMAT,
                        vg_error(ctx, VG_ERR_FORMAT, "signature %zu: not an object with a string \"sig\"", i + 1));
        if (sig->len == 0)
            return fail(failed, VG_CHECK_SIGNATURE_FORMAT, vg_error(ctx, VG_ERR_FORMAT, "signature %zu is empty", i + 1));
        size_t j = 0;
        for (const attest_json *o = jsigs->child; o != s; o = o->next, j++)
            if (same_string(attest_json_member(o, "sig"), sig))
                return fail(failed, VG_CHECK_SIGNATURE_COUNT,
                            vg_error(ctx, VG_ERR_SIGNATURE, "envelope has duplicate signatures (%zu and %zu are the same)",
                                     j + 1, i + 1));
    }
    if (memchr(jtype->str, '\0', jtype->len))
        return fail(failed, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "envelope: payloadType contains NUL"));

    /* Decode the payload once, straight into the caller's buffer.  For
     * ECDSA the PAE is hashed in two pieces (header, payload); Ed25519
     * needs it contiguous, so the header is put in front of the payload
     * and taken off again after the check. */
    int is_ed25519 = vg_key_get_type(key) == VG_KEY_ED25519;
    size_t body_len = vg_base64_decoded_len(jpayload->str, jpayload->len);
    vg_buf header;
    vg_buf_init(&header, VG_ATTEST_MAX_DOCUMENT);
    int rc = pae_header(&header, jtype->str, jtype->len, body_len);
    if (rc == VG_OK && is_ed25519)
        rc = vg_buf_add(payload, header.data, header.len);
    if (rc) {
        vg_buf_free(&header);
        return fail(failed, VG_CHECK_DOCUMENT, vg_error(ctx, rc, "envelope too large"));
    }
    size_t header_len = is_ed25519 ? header.len : 0;
    rc = vg_base64_decode(payload, jpayload->str, jpayload->len);
    if (rc == VG_OK && payload->len - header_len != body_len)
        rc = VG_ERR_FORMAT; /* cannot happen: decoded_len is exact for valid text */
    if (rc) {
        vg_buf_free(&header);
        return fail(failed, VG_CHECK_DOCUMENT,
                    vg_error(ctx, rc, rc == VG_ERR_FORMAT ? "envelope: payload is not valid base64" : "envelope too large"));
    }
    if (body_len == 0) {
        vg_buf_free(&header);
        return fail(failed, VG_CHECK_DOCUMENT, vg_error(ctx, VG_ERR_FORMAT, "envelope: payload is empty"));
    }
    unsigned char digest[32];
    if (!is_ed25519) {
        attest_piece body = {payload->data, payload->len};
        rc = sha256_pieces(ctx, &header, &body, 1, digest);
    }
    vg_buf_free(&header);
    if (rc)
        return fail(failed, VG_CHECK_SIGNATURE, rc);

    /* One signature by the key must verify.  Keep the most telling reason
     * when none does: a malformed signature says more than "does not verify". */
    int verified = 0, format_errors = 0;
    char first_problem[512] = "";
    const attest_json *named_keyid = NULL;
    size_t key_id_len = strlen(vg_key_id(key));
    i = 0;
    for (const attest_json *s = jsigs->child; s && !verified; s = s->next, i++) {
        const attest_json *sig = attest_json_member(s, "sig");
        const attest_json *keyid = attest_json_member(s, "keyid");
        int other_key = keyid && keyid->len > 0 &&
                        !(keyid->len == key_id_len && memcmp(keyid->str, vg_key_id(key), key_id_len) == 0);
        if (other_key && !named_keyid)
            named_keyid = keyid;
        vg_buf raw;
        vg_buf_init(&raw, DSSE_MAX_SIGNATURE_B64);
        if (sig->len > DSSE_MAX_SIGNATURE_B64 || vg_base64_decode(&raw, sig->str, sig->len) != VG_OK) {
            format_errors++;
            if (!first_problem[0])
                snprintf(first_problem, sizeof first_problem, "signature %zu is not valid base64", i + 1);
            vg_buf_free(&raw);
            continue;
        }
        static const unsigned char none[1];
        const unsigned char *raw_sig = raw.data ? (const unsigned char *)raw.data : none;
        rc = is_ed25519 ? vg_key_verify(ctx, key, payload->data, payload->len, raw_sig, raw.len)
                        : attest_key_verify_sha256(ctx, key, digest, raw_sig, raw.len);
        vg_buf_free(&raw);
        if (rc == VG_OK) {
            verified = 1;
        } else if (rc == VG_ERR_FORMAT) {
            /* Malformed for this key's type: a format problem unless the
             * signature says it was made by another key. */
            if (!other_key)
                format_errors++;
            if (!first_problem[0])
                snprintf(first_problem, sizeof first_problem, "signature %zu: %.400s", i + 1, ctx->message);
        } else if (rc != VG_ERR_SIGNATURE) {
            return fail(failed, VG_CHECK_SIGNATURE, rc);
        }
    }
    if (!verified) {
        if (format_errors == (int)nsigs)
            return fail(failed, VG_CHECK_SIGNATURE_FORMAT, vg_error(ctx, VG_ERR_FORMAT, "%s", first_problem));
        if (named_keyid)
            return fail(failed, VG_CHECK_SIGNATURE,
                        vg_error(ctx, VG_ERR_SIGNATURE,
                                 "signature does not verify: it names key %.*s, the given key is %s (%s)",
                                 (int)(named_keyid->len < 64 ? named_keyid->len : 64), named_keyid->str,
                                 vg_key_id(key), vg_key_type_name(vg_key_get_type(key))));
        return fail(failed, VG_CHECK_SIGNATURE,
                    vg_error(ctx, VG_ERR_SIGNATURE,
                             "signature does not verify with key %s (%s): the payload or its type was changed, "
                             "or another key signed it",
                             vg_key_id(key), vg_key_type_name(vg_key_get_type(key))));
    }
    if (is_ed25519) {
        memmove(payload->data, payload->data + header_len, body_len);
        payload->len = body_len;
        payload->data[body_len] = '\0';
    }
    if (!attest_json_equals(jtype, VG_INTOTO_PAYLOAD_TYPE))
        return fail(failed, VG_CHECK_PAYLOAD_TYPE,
                    vg_error(ctx, VG_ERR_SIGNATURE, "payload type is '%.*s', not " VG_INTOTO_PAYLOAD_TYPE,
                             (int)(jtype->len < 200 ? jtype->len : 200), jtype->str));
    return VG_OK;
}
