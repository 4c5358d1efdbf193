/*
 * tls_internal.h — what the parts of `vigil collect tls` share
 * (docs/collect.md, "tls"): the HTTP response head and
 * Strict-Transport-Security parsers (tls_http.c: pure functions over the
 * untrusted bytes a server sends, fuzzed by tests/fuzz/fuzz_hsts.c) and
 * the certificate facts of one endpoint (tls_cert.c).  The probe itself
 * is tls.c.
 */
#ifndef VIGIL_COLLECT_TLS_INTERNAL_H
#define VIGIL_COLLECT_TLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "vigil/error.h"

/* The most of an HTTP response head read, and of its header fields. */
#define TLS_HTTP_MAX_HEAD 16384
#define TLS_HTTP_MAX_FIELDS 128
/* The largest max-age kept: larger values are read as this, as RFC 9111
 * 1.2.2 has caches read a delta-seconds they cannot represent. */
#define TLS_HSTS_MAX_AGE 2147483648LL

/* The head of an HTTP/1.x response. */
typedef struct tls_http_head {
    int status_code;  /* 100 to 999 */
    size_t head_len;  /* bytes up to and including the blank line */
    const char *sts;  /* the first Strict-Transport-Security value, in the input; NULL: none */
    size_t sts_len;
    size_t sts_fields; /* how many Strict-Transport-Security fields the head has */
} tls_http_head;

/* Reads the response head at data[0..len).  1: a whole head, in *out;
 * 0: no blank line yet, and what there is could begin a response (read
 * more); -1: not an HTTP/1.x response head, or one past the limits
 * above, with a static reason in *why. */
int tls_http_parse_head(const char *data, size_t len, tls_http_head *out, const char **why);

/* A Strict-Transport-Security value as RFC 6797, 6.1 reads it. */
typedef struct tls_hsts {
    int valid;           /* it has the syntax of 6.1 and one max-age: a browser would keep it */
    const char *problem; /* static: why it is not valid; NULL when valid */
    int64_t max_age;     /* seconds (at most TLS_HSTS_MAX_AGE); -1 when not valid */
    int include_subdomains;
    int preload; /* the "preload" directive (hstspreload.org, no RFC) */
} tls_hsts;

/* Reads value[0..len) (the field value, without the name).  Never fails:
 * out says whether it was valid and why not.  Directives are matched in
 * any case; unknown ones are ignored (6.1 (5)), a directive given twice
 * makes the value invalid (6.1 (2)). */
void tls_hsts_parse(const char *value, size_t len, tls_hsts *out);

/* What tls_cert_facts() reads. */
typedef struct tls_cert_input {
    STACK_OF(X509) *sent;       /* the chain as the server sent it, the leaf first */
    const unsigned char *ocsp;  /* the stapled OCSP response (DER), or NULL */
    size_t ocsp_len;
    X509_STORE *store;          /* the trust store, its check time set to collected */
    const char *name;           /* the name the leaf must match */
    int name_is_ip;             /* name is an IP address literal */
    int64_t collected;
} tls_cert_input;

/* Adds "certificates", "hostname", "chain" and "ocsp" (docs/collect.md)
 * to the endpoint object ep.  VG_OK or VG_ERR_NOMEM. */
int tls_cert_facts(vg_ctx *ctx, const tls_cert_input *in, json_t *ep);

/* t as RFC 3339 UTC into out[21+]; 0, or -1 out of range. */
int tls_time_text(int64_t t, char out[32]);

#endif
