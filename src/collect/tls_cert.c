/*
 * tls_cert.c — the certificate facts of one TLS endpoint for `vigil
 * collect tls` (docs/collect.md, "tls"): each certificate the server sent
 * (RFC 5280 fields: subject, issuer, serial, validity, key, signature
 * algorithm, subjectAltName), the leaf against the expected name
 * (RFC 6125 through X509_check_host/X509_check_ip_asc), the chain
 * verified by OpenSSL against the trust store at the collection time, and
 * the stapled OCSP response (RFC 6960) of the leaf.
 * Leaves out: revocation other than the stapled response (no CRL or OCSP
 * fetch: only named addresses are contacted), Certificate Transparency.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "tls_internal.h"

/* The most certificates of a chain described, and SAN entries of one. */
#define CERT_MAX_CHAIN 16
#define CERT_MAX_SANS 256
#define CERT_MAX_NAME 1024

int tls_time_text(int64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return -1;
    return 0;
}

/* An ASN1_TIME as Unix time; -1 when unreadable. */
static int asn1_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

static json_t *time_or_null(const ASN1_TIME *t)
{
    int64_t u;
    char text[32];
    if (asn1_unix(t, &u) != 0 || tls_time_text(u, text) != 0)
        return json_null();
    return json_string(text);
}

/* floor((a - b) / 86400) */
static int64_t days_between(int64_t b, int64_t a)
{
    int64_t d = a - b;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

/* A distinguished name as RFC 2253 writes it; non-ASCII and control
 * bytes escaped, so the text is ASCII; cut at CERT_MAX_NAME bytes. */
static json_t *name_text(const X509_NAME *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return NULL;
    json_t *out = NULL;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        char *data;
        long n = BIO_get_mem_data(bio, &data);
        out = json_stringn(data, n < 0 ? 0 : n > CERT_MAX_NAME ? CERT_MAX_NAME : (size_t)n);
    }
    BIO_free(bio);
    return out ? out : json_null();
}

static json_t *hex_text(const unsigned char *p, size_t n)
{
    char out[2 * EVP_MAX_MD_SIZE + 1];
    if (n > EVP_MAX_MD_SIZE)
        n = EVP_MAX_MD_SIZE;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = "0123456789abcdef"[p[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[p[i] & 15];
    }
    return json_stringn(out, 2 * n);
}

static json_t *serial_text(const X509 *x)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    json_t *out = hex && strlen(hex) <= 128 ? json_string(hex) : json_null();
    OPENSSL_free(hex);
    BN_free(bn);
    return out;
}

static json_t *key_facts(const X509 *x)
{
    EVP_PKEY *key = X509_get0_pubkey(x);
    if (!key)
        return json_pack("{s:n, s:n, s:n}", "type", "bits", "curve");
    const char *type;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: type = "RSA"; break;
    case EVP_PKEY_RSA_PSS: type = "RSA-PSS"; break;
    case EVP_PKEY_EC: type = "EC"; break;
    case EVP_PKEY_DSA: type = "DSA"; break;
    case EVP_PKEY_ED25519: type = "Ed25519"; break;
    case EVP_PKEY_ED448: type = "Ed448"; break;
    default: type = EVP_PKEY_get0_type_name(key); break;
    }
    char curve[64];
    json_t *cj = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
                         EVP_PKEY_get_group_name(key, curve, sizeof curve, NULL)
                     ? json_string(curve)
                     : json_null();
    return json_pack("{s:s?, s:i, s:o}", "type", type, "bits", (json_int_t)EVP_PKEY_get_bits(key), "curve", cj);
}

/* A DNS name of a SAN when it is printable ASCII, else NULL. */
static json_t *printable(const ASN1_STRING *s)
{
    const unsigned char *p = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s);
    if (n <= 0 || n > 253)
        return NULL;
    for (int i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e)
            return NULL;
    return json_stringn((const char *)p, (size_t)n);
}

static json_t *san_facts(const X509 *x)
{
    json_t *dns = json_array(), *ip = json_array();
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = names ? sk_GENERAL_NAME_num(names) : 0;
    for (int i = 0; i < n && i < CERT_MAX_SANS; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS) {
            json_t *s = printable(g->d.dNSName);
            json_array_append_new(dns, s ? s : json_string("(not printable)"));
        } else if (g->type == GEN_IPADD) {
            char text[INET6_ADDRSTRLEN];
            int len = ASN1_STRING_length(g->d.iPAddress);
            int af = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
            if (af && inet_ntop(af, ASN1_STRING_get0_data(g->d.iPAddress), text, sizeof text))
                json_array_append_new(ip, json_string(text));
        }
    }
    GENERAL_NAMES_free(names);
    return json_pack("{s:o, s:o}", "dns", dns, "ip", ip);
}

static json_t *certificate_facts(const X509 *x, int64_t collected)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int64_t not_after;
    json_t *days = asn1_unix(X509_get0_notAfter(x), &not_after) == 0
                       ? json_integer(days_between(collected, not_after))
                       : json_null();
    json_t *fp = X509_digest(x, EVP_sha256(), md, &mdlen) ? hex_text(md, mdlen) : json_null();
    int nid = X509_get_signature_nid(x);
    /* issuer = subject, key identifiers agree, signed by its own key */
    int self_signed = X509_self_signed((X509 *)x, 1) == 1;
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:o, s:b, s:b, s:o}", "subject",
                     name_text(X509_get_subject_name(x)), "issuer", name_text(X509_get_issuer_name(x)), "serial",
                     serial_text(x), "not_before", time_or_null(X509_get0_notBefore(x)), "not_after",
                     time_or_null(X509_get0_notAfter(x)), "days_to_expiry", days, "key", key_facts(x),
                     "signature_algorithm", nid == NID_undef ? NULL : OBJ_nid2ln(nid), "san", san_facts(x),
                     "self_signed", self_signed, "ca", X509_check_ca((X509 *)x) > 0, "sha256", fp);
}

/* Every certificate of the verified chain but its trust anchor was sent. */
static int chain_sent_complete(STACK_OF(X509) *verified, STACK_OF(X509) *sent)
{
    int n = sk_X509_num(verified), last = n > 1 ? n - 1 : n;
    for (int i = 0; i < last; i++) {
        X509 *x = sk_X509_value(verified, i);
        int found = 0;
        for (int k = 0; k < sk_X509_num(sent) && !found; k++)
            found = X509_cmp(x, sk_X509_value(sent, k)) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

/* Each certificate sent is issued by the next one. */
static int chain_sent_in_order(STACK_OF(X509) *sent)
{
    for (int i = 0; i + 1 < sk_X509_num(sent); i++)
        if (X509_check_issued(sk_X509_value(sent, i + 1), sk_X509_value(sent, i)) != X509_V_OK)
            return 0;
    return 1;
}

/* "chain": the leaf verified with the certificates sent as untrusted
 * intermediates; *issuer is the leaf's issuer (borrowed from the sent
 * chain or the verified one, NULL when unknown), for OCSP. */
static json_t *chain_facts(const tls_cert_input *in, X509_STORE_CTX *vctx, X509 **issuer)
{
    X509 *leaf = sk_X509_value(in->sent, 0);
    int ok = X509_STORE_CTX_init(vctx, in->store, leaf, in->sent) == 1;
    if (ok)
        X509_STORE_CTX_set_purpose(vctx, X509_PURPOSE_SSL_SERVER);
    int verified = ok && X509_verify_cert(vctx) == 1;
    int err = ok ? X509_STORE_CTX_get_error(vctx) : X509_V_ERR_UNSPECIFIED;
    STACK_OF(X509) *chain = verified ? X509_STORE_CTX_get0_chain(vctx) : NULL;
    *issuer = NULL;
    if (chain && sk_X509_num(chain) > 1)
        *issuer = sk_X509_value(chain, 1);
    else if (sk_X509_num(in->sent) > 1 && X509_check_issued(sk_X509_value(in->sent, 1), leaf) == X509_V_OK)
        *issuer = sk_X509_value(in->sent, 1);
    return json_pack("{s:b, s:s?, s:o, s:o, s:i, s:b}", "verified", verified, "error",
                     verified ? NULL : X509_verify_cert_error_string(err), "error_depth",
                     verified || !ok ? json_null() : json_integer(X509_STORE_CTX_get_error_depth(vctx)),
                     "sent_complete", chain ? json_boolean(chain_sent_complete(chain, in->sent)) : json_null(),
                     "sent", (json_int_t)sk_X509_num(in->sent), "sent_in_order", chain_sent_in_order(in->sent));
}

/* The single response about the leaf in a basic OCSP response. */
static int ocsp_single(json_t *o, OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer)
{
    if (!issuer) {
        json_object_set_new(o, "problem", json_string("the leaf's issuer is unknown: the response cannot be matched"));
        return 0;
    }
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, leaf, issuer);
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    int found = id && OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisupd, &nextupd) == 1;
    OCSP_CERTID_free(id);
    if (!found) {
        json_object_set_new(o, "problem", json_string("the response says nothing about the leaf certificate"));
        return 0;
    }
    json_object_set_new(o, "cert_status", json_string(OCSP_cert_status_str(status)));
    json_object_set_new(o, "this_update", time_or_null(thisupd));
    json_object_set_new(o, "next_update", nextupd ? time_or_null(nextupd) : json_null());
    if (status == V_OCSP_CERTSTATUS_REVOKED)
        json_object_set_new(o, "revoked_at", time_or_null(rev));
    return 0;
}

static json_t *ocsp_facts(const tls_cert_input *in, X509 *issuer)
{
    json_t *o = json_pack("{s:b}", "stapled", in->ocsp != NULL);
    if (!o || !in->ocsp)
        return o;
    const unsigned char *p = in->ocsp;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)in->ocsp_len);
    if (!resp) {
        json_object_set_new(o, "problem", json_string("the stapled data is not a DER OCSP response"));
        return o;
    }
    int rs = OCSP_response_status(resp);
    json_object_set_new(o, "response_status", json_string(OCSP_response_status_str(rs)));
    OCSP_BASICRESP *bs = rs == OCSP_RESPONSE_STATUS_SUCCESSFUL ? OCSP_response_get1_basic(resp) : NULL;
    if (bs) {
        ocsp_single(o, bs, sk_X509_value(in->sent, 0), issuer);
        json_object_set_new(o, "signature_verified", json_boolean(OCSP_basic_verify(bs, in->sent, in->store, 0) == 1));
    }
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    return o;
}

int tls_cert_facts(vg_ctx *ctx, const tls_cert_input *in, json_t *ep)
{
    json_t *certs = json_array();
    int n = sk_X509_num(in->sent);
    for (int i = 0; certs && i < n && i < CERT_MAX_CHAIN; i++) {
        json_t *c = certificate_facts(sk_X509_value(in->sent, i), in->collected);
        if (!c || json_array_append_new(certs, c) != 0) {
            json_decref(certs);
            certs = NULL;
        }
    }
    json_t *hostname = NULL, *chain = NULL, *ocsp = NULL;
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    if (certs && vctx && n > 0) {
        X509 *leaf = sk_X509_value(in->sent, 0), *issuer = NULL;
        int match = in->name_is_ip ? X509_check_ip_asc(leaf, in->name, 0) == 1
                                   : X509_check_host(leaf, in->name, strlen(in->name), 0, NULL) == 1;
        hostname = json_pack("{s:s, s:b}", "name", in->name, "match", match);
        chain = chain_facts(in, vctx, &issuer);
        ocsp = ocsp_facts(in, issuer);
    }
    X509_STORE_CTX_free(vctx);
    if (!certs || (n > 0 && (!hostname || !chain || !ocsp))) {
        json_decref(certs);
        json_decref(hostname);
        json_decref(chain);
        json_decref(ocsp);
        return vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
    }
    int failed = json_object_set_new(ep, "certificates", certs);
    failed |= json_object_set_new(ep, "hostname", hostname ? hostname : json_null());
    failed |= json_object_set_new(ep, "chain", chain ? chain : json_null());
    failed |= json_object_set_new(ep, "ocsp", ocsp ? ocsp : json_null());
    return failed ? vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory") : VG_OK;
}
