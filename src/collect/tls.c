/*
 * tls.c — `vigil collect tls HOST:PORT...` (docs/collect.md, "tls"): an
 * OpenSSL 3 client probe of TLS endpoints (RFC 8446 TLS 1.3, RFC 5246
 * TLS 1.2, RFC 4346 TLS 1.1, RFC 2246 TLS 1.0; SSLv3 when the library
 * still has it).  For each endpoint the caller names, and no other
 * address:
 *
 *   1. the first of its addresses that accepts a TCP connection;
 *   2. one handshake per protocol version, offering every suite the
 *      library has for it (at security level 0, so that weak
 *      configurations are seen rather than refused by the client);
 *   3. per accepted version, the suites: offer all, note the one the
 *      server chooses, offer the rest, until the server refuses; and per
 *      accepted TLS 1.3 and 1.2, the key exchange groups, one offered at a
 *      time;
 *   4. one handshake with status_request and ALPN http/1.1 whose chain
 *      and stapled OCSP response tls_cert.c describes, then one HEAD /
 *      request on it whose Strict-Transport-Security tls_http.c reads.
 *
 * Steps 2 and 3 run on at most VG_TLS_PARALLEL connections at once; each
 * connection is bounded by the timeout, and no new one starts once an
 * endpoint has used TLS_BUDGET timeouts.  What the library cannot offer
 * (SSLv3 compiled out, RC4 suites) is "unchecked" with the reason, never
 * "refused"; a timeout or a failure at every version is "unchecked" too.
 * Leaves out: SSLv2, PSK and SRP suites (they need a shared secret), the
 * server's own order of preference (suites are listed in the order it
 * chose them from what was left), renegotiation, session resumption,
 * TLS 1.0/1.1 groups, and HTTP/2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_internal.h"
#include "vigil/buf.h"
#include "vigil/collect.h"
#include "vigil/vigil.h"

#define TLS_REASON 200
#define TLS_MAX_SUITES 256
#define TLS_MAX_ADDRESSES 8
/* An endpoint starts no new connection after this many timeouts. */
#define TLS_BUDGET 10
#define TLS_STS_KEPT 512

static const char TLS13_SUITES[] = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
                                   "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

enum { V_SSL3, V_TLS10, V_TLS11, V_TLS12, V_TLS13, V_COUNT };
static const struct {
    int id;
    const char *name;
} versions[V_COUNT] = {
    {SSL3_VERSION, "SSLv3"},       {TLS1_VERSION, "TLSv1"},       {TLS1_1_VERSION, "TLSv1.1"},
    {TLS1_2_VERSION, "TLSv1.2"},   {TLS1_3_VERSION, "TLSv1.3"},
};

/* The groups offered one at a time: TLS 1.3 (RFC 8446, 4.2.7), and the
 * ECDHE curves of TLS 1.2 (RFC 8422). */
static const char *const groups13[] = {"x25519",    "secp256r1", "secp384r1", "secp521r1", "x448",
                                       "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"};
static const char *const groups12[] = {"x25519", "secp256r1", "secp384r1", "secp521r1", "x448"};
static const int groups12_nid[] = {NID_X25519, NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1, NID_X448};
#define N13 (sizeof groups13 / sizeof *groups13)
#define N12 (sizeof groups12 / sizeof *groups12)

/* Families of cipher suites by a part of their IANA names, for the
 * document's "library" member: what this OpenSSL cannot offer at all. */
static const struct {
    const char *family, *part;
} families[] = {
    {"RC4", "_RC4_"},   {"3DES", "_3DES_"}, {"DES", "_DES_"},   {"EXPORT", "_EXPORT"},
    {"NULL", "_NULL_"}, {"anon", "_anon_"}, {"IDEA", "_IDEA_"}, {"SEED", "_SEED_"},
};

enum probe_status { PROBE_UNCHECKED, PROBE_ACCEPTED, PROBE_REFUSED };
static const char *const status_names[] = {"unchecked", "accepted", "refused"};

struct offer {
    const SSL_CIPHER *suites[TLS_MAX_SUITES];
    size_t n;
};

struct probe {
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *providers[2];
    SSL_CTX *ssl;
    X509_STORE *store;
    const vg_collect_tls_options *opts;
    struct offer offers[V_COUNT];
};

struct suite_fact {
    const SSL_CIPHER *cipher;
    char kx_group[32];
    int kx_bits;
};

struct version_fact {
    enum probe_status status;
    int library; /* unchecked because this OpenSSL cannot offer it */
    char reason[TLS_REASON];
    struct suite_fact suites[TLS_MAX_SUITES];
    size_t nsuites;
    int suites_complete;
    char suites_reason[TLS_REASON];
};

struct group_fact {
    enum probe_status status;
    int library; /* unchecked by a limit of the probe, not of the server: not in "unchecked" */
    char reason[TLS_REASON];
};

enum http_state { HTTP_NOT_TRIED, HTTP_ANSWERED, HTTP_NOT_HTTP, HTTP_NO_ANSWER };

struct endpoint {
    const char *name;
    char host[256];
    int port;
    const char *sni;   /* NULL: none (an IP address) */
    const char *match; /* the name the certificate must match */
    int match_is_ip;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char address[INET6_ADDRSTRLEN];
    int reachable;
    char reason[TLS_REASON];
    int64_t budget_end; /* monotonic ms */
    int cert_nid12;     /* the curve of an EC certificate sent with TLS 1.2, else NID_undef */
    struct version_fact v[V_COUNT];
    struct group_fact g13[N13], g12[N12];
    /* step 4 */
    enum probe_status main_status;
    char main_reason[TLS_REASON];
    STACK_OF(X509) *chain;
    unsigned char *ocsp;
    size_t ocsp_len;
    char negotiated_version[16], alpn[32];
    struct suite_fact negotiated;
    enum http_state http;
    char http_reason[TLS_REASON];
    int http_code;
    size_t sts_fields;
    tls_hsts hsts;
    char sts_value[TLS_STS_KEPT + 1]; /* "" when too long or not printable */
};

/* ---- endpoints ----------------------------------------------------------- */

/* s[0..n) could be a host name or address: printable ASCII (an IDN is
 * written in its A-label form), no '/' nor brackets. */
static int is_host_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || s[i] == '/' || s[i] == '[' || s[i] == ']')
            return 0;
    return 1;
}

/* Splits text into host (brackets of an IPv6 literal removed) and port. */
static const char *parse_endpoint(const char *text, char host[256], int *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return "not HOST:PORT";
    const char *h = text, *hend = colon;
    if (text[0] == '[') {
        if (colon[-1] != ']' || colon - text < 3)
            return "an IPv6 address must be written [ADDRESS]:PORT";
        h = text + 1;
        hend = colon - 1;
    } else if (memchr(text, ':', (size_t)(colon - text))) {
        return "an IPv6 address must be written [ADDRESS]:PORT";
    }
    size_t n = (size_t)(hend - h);
    if (n == 0 || n > 253)
        return "the host is empty or longer than 253 bytes";
    if (!is_host_text(h, n))
        return "the host holds a space, a control or non-ASCII character, '/' or a bracket";
    memcpy(host, h, n);
    host[n] = '\0';
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end || errno || p < 1 || p > 65535)
        return "the port is not a number from 1 to 65535";
    *port = (int)p;
    return NULL;
}

int vg_collect_tls_endpoint_check(vg_ctx *ctx, const char *endpoint)
{
    char host[256];
    int port;
    const char *why = parse_endpoint(endpoint, host, &port);
    return why ? vg_error(ctx, VG_ERR_USAGE, "collect tls: %s: %s", endpoint, why) : VG_OK;
}

static int is_ip_literal(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* ---- connections --------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or the deadline passes: 1 ready, 0 not. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {fd, events, 0};
        int r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
}

static void timeout_reason(char *reason, int timeout_ms)
{
    snprintf(reason, TLS_REASON, "no answer within %g s", timeout_ms / 1000.0);
}

/* A non-blocking TCP connection to addr, bounded by deadline; -1 with
 * the reason. */
static int tcp_connect(const struct sockaddr *addr, socklen_t len, int64_t deadline, int timeout_ms, char *reason)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(reason, TLS_REASON, "socket: %s", strerror(errno));
        return -1;
    }
    if (connect(fd, addr, len) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        snprintf(reason, TLS_REASON, "connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!wait_fd(fd, POLLOUT, deadline)) {
        snprintf(reason, TLS_REASON, "connect: no answer within %g s", timeout_ms / 1000.0);
        close(fd);
        return -1;
    }
    int err = 0;
    socklen_t elen = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err) {
        snprintf(reason, TLS_REASON, "connect: %s", strerror(err ? err : errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* What one ClientHello offers. */
struct hello {
    int version;         /* 0: every version the library has */
    const char *ciphers; /* TLS 1.2 and below, an OpenSSL cipher list; NULL: all */
    const char *suites;  /* TLS 1.3; NULL: all */
    const char *groups;  /* NULL: the library's defaults */
    int status_request, alpn;
};

struct conn {
    int fd;
    SSL *ssl;
    enum probe_status status;
    int library; /* unchecked: the library could not make this ClientHello */
    char reason[TLS_REASON];
};

static void conn_close(struct conn *c)
{
    if (c->ssl) {
        if (c->status == PROBE_ACCEPTED)
            SSL_shutdown(c->ssl); /* one close_notify, not waiting for the server's */
        SSL_free(c->ssl);
    }
    if (c->fd >= 0)
        close(c->fd);
    c->ssl = NULL;
    c->fd = -1;
}

static int hello_configure(SSL *ssl, const struct endpoint *ep, const struct hello *h)
{
    static const unsigned char alpn[] = "\x08http/1.1";
    if (h->version &&
        (!SSL_set_min_proto_version(ssl, h->version) || !SSL_set_max_proto_version(ssl, h->version)))
        return 0;
    if ((h->ciphers && !SSL_set_cipher_list(ssl, h->ciphers)) || (h->suites && !SSL_set_ciphersuites(ssl, h->suites)))
        return 0;
    if (h->groups && !SSL_set1_groups_list(ssl, h->groups))
        return 0;
    if (ep->sni && !SSL_set_tlsext_host_name(ssl, ep->sni))
        return 0;
    if (h->status_request && !SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp))
        return 0;
    if (h->alpn && SSL_set_alpn_protos(ssl, alpn, sizeof alpn - 1) != 0)
        return 0;
    return 1;
}

/* Why a handshake failed: refused when the server answered with an alert,
 * a closed connection or something the client could not accept;
 * unchecked when nothing was sent (the library could not make the
 * ClientHello) or the failure is local. */
static void handshake_failed(struct conn *c, int err, int saved_errno)
{
    unsigned long e = ERR_peek_error();
    const char *why = e ? ERR_reason_error_string(e) : NULL;
    BIO *w = SSL_get_wbio(c->ssl);
    if (!w || BIO_number_written(w) == 0) {
        c->status = PROBE_UNCHECKED;
        c->library = 1;
        snprintf(c->reason, TLS_REASON, "this OpenSSL could not make the ClientHello: %s", why ? why : "unknown error");
        return;
    }
    c->status = PROBE_REFUSED;
    if (err == SSL_ERROR_SSL && why && strcmp(why, "unexpected eof while reading") != 0)
        snprintf(c->reason, TLS_REASON, "%s", why);
    else if (err == SSL_ERROR_SYSCALL && saved_errno == ECONNRESET)
        snprintf(c->reason, TLS_REASON, "the server reset the connection");
    else if (err == SSL_ERROR_SYSCALL && saved_errno && saved_errno != EPIPE) {
        c->status = PROBE_UNCHECKED;
        snprintf(c->reason, TLS_REASON, "%s", strerror(saved_errno));
    } else
        snprintf(c->reason, TLS_REASON, "the server closed the connection");
}

/* One handshake with ep as h says, bounded by the timeout; c->status says
 * how it went and c->ssl is open when accepted: conn_close() it. */
static void tls_connect(const struct probe *p, const struct endpoint *ep, const struct hello *h, struct conn *c)
{
    int timeout = p->opts->timeout_ms;
    int64_t deadline = now_ms() + timeout;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->status = PROBE_UNCHECKED;
    if (now_ms() > ep->budget_end) {
        snprintf(c->reason, TLS_REASON, "not tried: the endpoint used its time (%d timeouts)", TLS_BUDGET);
        return;
    }
    c->ssl = SSL_new(p->ssl);
    if (!c->ssl || !hello_configure(c->ssl, ep, h)) {
        c->library = 1;
        snprintf(c->reason, TLS_REASON, "this OpenSSL cannot offer it");
        conn_close(c);
        return;
    }
    c->fd = tcp_connect((const struct sockaddr *)&ep->addr, ep->addrlen, deadline, timeout, c->reason);
    if (c->fd < 0 || !SSL_set_fd(c->ssl, c->fd)) {
        conn_close(c);
        return;
    }
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_connect(c->ssl);
        if (r == 1) {
            c->status = PROBE_ACCEPTED;
            break;
        }
        int saved = errno, err = SSL_get_error(c->ssl, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
                continue;
            timeout_reason(c->reason, timeout);
        } else {
            handshake_failed(c, err, saved);
        }
        conn_close(c);
        break;
    }
    ERR_clear_error();
}

/* ---- step 2 and 3: versions, suites, groups ------------------------------- */

static void kx_facts(SSL *ssl, struct suite_fact *f)
{
    EVP_PKEY *key = NULL;
    const char *group = NULL;
    char curve[32];
    int nid = SSL_get_negotiated_group(ssl);
    f->cipher = SSL_get_current_cipher(ssl);
    f->kx_bits = 0;
    f->kx_group[0] = '\0';
    if (nid > 0 && !(nid & TLSEXT_nid_unknown))
        group = SSL_group_to_name(ssl, nid);
    if (SSL_get_peer_tmp_key(ssl, &key) == 1) {
        f->kx_bits = EVP_PKEY_get_bits(key);
        if (!group && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
            EVP_PKEY_get_group_name(key, curve, sizeof curve, NULL))
            group = curve;
        EVP_PKEY_free(key);
    }
    if (group)
        snprintf(f->kx_group, sizeof f->kx_group, "%s", group);
}

/* The OpenSSL cipher list (TLS 1.2 and below) or suite list (TLS 1.3)
 * of the suites of o that used[] does not mark; 0, 1 when there is none
 * left, -1 out of memory. */
static int offer_list(const struct offer *o, const unsigned char *used, int tls13, vg_buf *out)
{
    vg_buf_reset(out);
    for (size_t i = 0; i < o->n; i++)
        if (!used[i] && (vg_buf_addstr(out, SSL_CIPHER_get_name(o->suites[i])) || vg_buf_addc(out, ':')))
            return -1;
    if (out->len == 0)
        return 1;
    out->len--;
    if (!tls13 && vg_buf_addstr(out, ":@SECLEVEL=0"))
        return -1;
    return vg_buf_addc(out, '\0') == VG_OK ? 0 : -1;
}

static void version_job(const struct probe *p, struct endpoint *ep, size_t vi)
{
    struct version_fact *v = &ep->v[vi];
    struct hello h = {.version = versions[vi].id};
    struct conn c;
    tls_connect(p, ep, &h, &c);
    v->status = c.status;
    v->library = c.library;
    memcpy(v->reason, c.reason, TLS_REASON);
    if (c.status == PROBE_ACCEPTED) {
        kx_facts(c.ssl, &v->suites[0]);
        v->nsuites = 1;
        X509 *leaf = SSL_get0_peer_certificate(c.ssl);
        EVP_PKEY *key = leaf ? X509_get0_pubkey(leaf) : NULL;
        char curve[64];
        if (vi == V_TLS12 && key && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
            EVP_PKEY_get_group_name(key, curve, sizeof curve, NULL))
            ep->cert_nid12 = OBJ_sn2nid(curve);
    }
    conn_close(&c);
}

/* Offers what is left of the version's suites until the server refuses. */
static void suites_job(const struct probe *p, struct endpoint *ep, size_t vi)
{
    struct version_fact *v = &ep->v[vi];
    const struct offer *o = &p->offers[vi];
    unsigned char used[TLS_MAX_SUITES] = {0};
    vg_buf list;
    vg_buf_init(&list, 64 * TLS_MAX_SUITES);
    for (size_t k = 0; k < v->nsuites; k++)
        for (size_t i = 0; i < o->n; i++)
            used[i] |= o->suites[i] == v->suites[k].cipher;
    for (;;) {
        int left = v->nsuites == TLS_MAX_SUITES ? 1 : offer_list(o, used, vi == V_TLS13, &list);
        if (left != 0) {
            v->suites_complete = left == 1; /* every suite offered was accepted */
            if (left < 0)
                snprintf(v->suites_reason, TLS_REASON, "out of memory");
            break;
        }
        struct hello h = {.version = versions[vi].id};
        *(vi == V_TLS13 ? &h.suites : &h.ciphers) = list.data;
        struct conn c;
        tls_connect(p, ep, &h, &c);
        if (c.status == PROBE_ACCEPTED) {
            struct suite_fact *f = &v->suites[v->nsuites];
            kx_facts(c.ssl, f);
            size_t i = 0;
            while (i < o->n && (o->suites[i] != f->cipher || used[i]))
                i++;
            conn_close(&c);
            if (i == o->n) { /* a suite not offered: OpenSSL refuses that itself */
                snprintf(v->suites_reason, TLS_REASON, "the server chose a suite that was not offered");
                break;
            }
            used[i] = 1;
            v->nsuites++;
            continue;
        }
        v->suites_complete = c.status == PROBE_REFUSED;
        if (!v->suites_complete)
            memcpy(v->suites_reason, c.reason, TLS_REASON);
        conn_close(&c);
        break;
    }
    vg_buf_free(&list);
}

/* The name of the group nid for a groups list. */
static const char *group12_name(int nid)
{
    for (size_t k = 0; k < N12; k++)
        if (groups12_nid[k] == nid)
            return groups12[k];
    return OBJ_nid2sn(nid);
}

/* One group offered alone (TLS 1.3: a key share for it; TLS 1.2: with
 * ECDHE suites only).  A TLS 1.2 server with an EC certificate also needs
 * that certificate's curve among the groups (RFC 8422, 5.1): it is
 * offered second, and when the server takes it the group is unchecked. */
static void group_job(const struct probe *p, struct endpoint *ep, size_t k)
{
    int tls13 = k < N13;
    struct group_fact *g = tls13 ? &ep->g13[k] : &ep->g12[k - N13];
    const char *name = tls13 ? groups13[k] : groups12[k - N13];
    int nid = tls13 ? NID_undef : groups12_nid[k - N13];
    char list[96];
    if (!tls13 && ep->cert_nid12 != NID_undef && ep->cert_nid12 != nid && group12_name(ep->cert_nid12))
        snprintf(list, sizeof list, "%s:%s", name, group12_name(ep->cert_nid12));
    else
        snprintf(list, sizeof list, "%s", name);
    struct hello h = {.version = tls13 ? TLS1_3_VERSION : TLS1_2_VERSION,
                      .groups = list,
                      .ciphers = tls13 ? NULL : "kECDHE:!aPSK:@SECLEVEL=0"};
    struct conn c;
    tls_connect(p, ep, &h, &c);
    g->status = c.status;
    g->library = c.library;
    memcpy(g->reason, c.reason, TLS_REASON);
    if (c.status == PROBE_ACCEPTED && !tls13 && SSL_get_negotiated_group(c.ssl) != nid) {
        g->status = PROBE_UNCHECKED;
        g->library = 1;
        snprintf(g->reason, TLS_REASON, "the server chose %s, the curve of its certificate, which had to be offered too",
                 group12_name(ep->cert_nid12));
    }
    conn_close(&c);
}

/* ---- step 4: the certificate, OCSP, HTTP ---------------------------------- */

/* Writes all of data on an established connection, bounded by deadline. */
static int ssl_write_all(struct conn *c, const char *data, size_t len, int64_t deadline)
{
    size_t done = 0;
    while (done < len) {
        int r = SSL_write(c->ssl, data + done, (int)(len - done));
        if (r > 0) {
            done += (size_t)r;
            continue;
        }
        int err = SSL_get_error(c->ssl, r);
        if ((err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) ||
            !wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
            return -1;
    }
    return 0;
}

static void http_result(struct endpoint *ep, const char *head, size_t len, int eof, int timeout_ms)
{
    tls_http_head hh;
    const char *why = NULL;
    int r = len ? tls_http_parse_head(head, len, &hh, &why) : 0;
    if (r == 0) {
        ep->http = len ? HTTP_NOT_HTTP : HTTP_NO_ANSWER;
        if (len)
            snprintf(ep->http_reason, TLS_REASON, "the response head ended early");
        else if (eof)
            snprintf(ep->http_reason, TLS_REASON, "the server closed the connection without an answer");
        else
            snprintf(ep->http_reason, TLS_REASON, "no answer to HEAD / within %g s", timeout_ms / 1000.0);
        return;
    }
    if (r < 0) {
        ep->http = HTTP_NOT_HTTP;
        snprintf(ep->http_reason, TLS_REASON, "%s", why);
        return;
    }
    ep->http = HTTP_ANSWERED;
    ep->http_code = hh.status_code;
    ep->sts_fields = hh.sts_fields;
    if (hh.sts) {
        tls_hsts_parse(hh.sts, hh.sts_len, &ep->hsts);
        int printable = hh.sts_len <= TLS_STS_KEPT;
        for (size_t i = 0; i < hh.sts_len && printable; i++)
            printable = (unsigned char)hh.sts[i] >= 0x20 && (unsigned char)hh.sts[i] < 0x7f;
        if (printable)
            memcpy(ep->sts_value, hh.sts, hh.sts_len);
    }
}

/* One HEAD / on the established connection c; reads at most the head. */
static void http_probe(const struct probe *p, struct endpoint *ep, struct conn *c)
{
    int timeout = p->opts->timeout_ms;
    int64_t deadline = now_ms() + timeout;
    char request[512], head[TLS_HTTP_MAX_HEAD];
    const char *host = ep->sni ? ep->sni : ep->host;
    int v6 = strchr(host, ':') != NULL;
    char port[16] = "";
    if (ep->port != 443)
        snprintf(port, sizeof port, ":%d", ep->port);
    int n = snprintf(request, sizeof request,
                     "HEAD / HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: vigil/%s\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     v6 ? "[" : "", host, v6 ? "]" : "", port, vg_version());
    if (n <= 0 || (size_t)n >= sizeof request || ssl_write_all(c, request, (size_t)n, deadline) != 0) {
        ep->http = HTTP_NO_ANSWER;
        snprintf(ep->http_reason, TLS_REASON, "the request could not be sent");
        return;
    }
    size_t len = 0;
    int eof = 0;
    tls_http_head hh;
    const char *why;
    while (len < sizeof head && !eof) {
        int r = SSL_read(c->ssl, head + len, (int)(sizeof head - len));
        if (r > 0) {
            len += (size_t)r;
            if (tls_http_parse_head(head, len, &hh, &why) != 0)
                break;
            continue;
        }
        int err = SSL_get_error(c->ssl, r);
        if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
            wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
            continue;
        eof = err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE;
        if (!eof)
            break;
    }
    http_result(ep, head, len, eof, timeout);
}

/* Step 4: a handshake as a client offering every version and suite but
 * the anonymous ones (they send no certificate), else all of them. */
static void main_job(const struct probe *p, struct endpoint *ep)
{
    struct hello h = {.status_request = 1, .alpn = 1, .ciphers = "ALL:COMPLEMENTOFALL:!aNULL:@SECLEVEL=0"};
    struct conn c;
    tls_connect(p, ep, &h, &c);
    if (c.status == PROBE_REFUSED) {
        h.ciphers = NULL;
        tls_connect(p, ep, &h, &c);
    }
    ep->main_status = c.status;
    memcpy(ep->main_reason, c.reason, TLS_REASON);
    if (c.status != PROBE_ACCEPTED)
        return;
    kx_facts(c.ssl, &ep->negotiated);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c.ssl);
    ep->chain = chain ? X509_chain_up_ref(chain) : NULL;
    const unsigned char *ocsp;
    long olen = SSL_get_tlsext_status_ocsp_resp(c.ssl, &ocsp);
    if (olen > 0 && ocsp && (ep->ocsp = malloc((size_t)olen))) {
        memcpy(ep->ocsp, ocsp, (size_t)olen);
        ep->ocsp_len = (size_t)olen;
    }
    snprintf(ep->negotiated_version, sizeof ep->negotiated_version, "%s", SSL_get_version(c.ssl));
    const unsigned char *alpn;
    unsigned int alen;
    SSL_get0_alpn_selected(c.ssl, &alpn, &alen);
    if (alen && alen < sizeof ep->alpn) {
        memcpy(ep->alpn, alpn, alen);
        for (unsigned i = 0; i < alen; i++)
            if (alpn[i] < 0x20 || alpn[i] >= 0x7f)
                ep->alpn[i] = '?';
    }
    http_probe(p, ep, &c);
    conn_close(&c);
}

/* ---- running jobs on a bounded number of threads ------------------------- */

struct job {
    void (*run)(const struct probe *p, struct endpoint *ep, size_t arg);
    size_t arg;
};

struct queue {
    const struct probe *p;
    struct endpoint *ep;
    const struct job *jobs;
    size_t n, next;
    pthread_mutex_t lock;
};

static void *queue_worker(void *arg)
{
    struct queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next < q->n ? q->next++ : q->n;
        pthread_mutex_unlock(&q->lock);
        if (i == q->n)
            return NULL;
        q->jobs[i].run(q->p, q->ep, q->jobs[i].arg);
    }
}

/* Runs the n jobs on at most parallel (<= VG_TLS_PARALLEL) threads, this
 * one included (fewer when threads cannot be started). */
static void run_jobs(const struct probe *p, struct endpoint *ep, const struct job *jobs, size_t n, size_t parallel)
{
    struct queue q = {p, ep, jobs, n, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t threads[VG_TLS_PARALLEL];
    size_t started = 0;
    while (started + 1 < parallel && started + 1 < VG_TLS_PARALLEL && started + 1 < n &&
           pthread_create(&threads[started], NULL, queue_worker, &q) == 0)
        started++;
    queue_worker(&q);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&q.lock);
}

/* ---- one endpoint -------------------------------------------------------- */

/* The jobs of step 3 that did not finish (a timeout), run again one at a
 * time: a server that handles one connection at a time (openssl
 * s_server) makes parallel handshakes wait behind each other. */
static void retry_alone(const struct probe *p, struct endpoint *ep, struct job *jobs, size_t n)
{
    size_t again = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = jobs[i].arg;
        const struct group_fact *g = k < N13 ? &ep->g13[k] : k < N13 + N12 ? &ep->g12[k - N13] : NULL;
        int unfinished = jobs[i].run == suites_job
                             ? !ep->v[k].suites_complete && strcmp(ep->v[k].suites_reason, "out of memory") != 0
                             : g->status == PROBE_UNCHECKED && !g->library;
        if (unfinished)
            jobs[again++] = jobs[i];
    }
    run_jobs(p, ep, jobs, again, 1);
}

/* Step 1: the first address of ep that takes a TCP connection. */
static void endpoint_reach(const struct probe *p, struct endpoint *ep)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res = NULL;
    char port[8];
    snprintf(port, sizeof port, "%d", ep->port);
    int rc = getaddrinfo(ep->host, port, &hints, &res);
    if (rc != 0) {
        snprintf(ep->reason, TLS_REASON, "%.120s: %s", ep->host, gai_strerror(rc));
        return;
    }
    int tried = 0;
    for (struct addrinfo *a = res; a && tried < TLS_MAX_ADDRESSES && !ep->reachable; a = a->ai_next, tried++) {
        if (a->ai_addrlen > sizeof ep->addr)
            continue;
        int fd = tcp_connect(a->ai_addr, a->ai_addrlen, now_ms() + p->opts->timeout_ms, p->opts->timeout_ms,
                             ep->reason);
        if (fd < 0)
            continue;
        close(fd);
        memcpy(&ep->addr, a->ai_addr, a->ai_addrlen);
        ep->addrlen = a->ai_addrlen;
        const void *in = a->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
                                                  : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;
        inet_ntop(a->ai_family, in, ep->address, sizeof ep->address);
        ep->reachable = 1;
    }
    freeaddrinfo(res);
}

static void endpoint_probe(const struct probe *p, struct endpoint *ep)
{
    struct job jobs[V_COUNT + N13 + N12];
    size_t n = 0;
    ep->budget_end = now_ms() + (int64_t)TLS_BUDGET * p->opts->timeout_ms;
    endpoint_reach(p, ep);
    if (!ep->reachable)
        return;
    for (size_t vi = 0; vi < V_COUNT; vi++) {
        if (p->offers[vi].n == 0) {
            ep->v[vi].library = 1;
            snprintf(ep->v[vi].reason, TLS_REASON, "this OpenSSL has no %s (built without it)", versions[vi].name);
        } else {
            jobs[n++] = (struct job){version_job, vi};
        }
    }
    run_jobs(p, ep, jobs, n, VG_TLS_PARALLEL);
    n = 0;
    int any = 0;
    for (size_t vi = 0; vi < V_COUNT; vi++) {
        if (ep->v[vi].status != PROBE_ACCEPTED)
            continue;
        any = 1;
        jobs[n++] = (struct job){suites_job, vi};
    }
    for (size_t k = 0; k < N13 + N12; k++)
        if (ep->v[k < N13 ? V_TLS13 : V_TLS12].status == PROBE_ACCEPTED)
            jobs[n++] = (struct job){group_job, k};
    if (!any)
        return;
    run_jobs(p, ep, jobs, n, VG_TLS_PARALLEL);
    retry_alone(p, ep, jobs, n);
    main_job(p, ep);
}

/* ---- the document -------------------------------------------------------- */

static const char *kx_name(int nid)
{
    switch (nid) {
    case NID_kx_rsa: return "RSA";
    case NID_kx_ecdhe: return "ECDHE";
    case NID_kx_dhe: return "DHE";
    case NID_kx_ecdhe_psk: return "ECDHE-PSK";
    case NID_kx_dhe_psk: return "DHE-PSK";
    case NID_kx_rsa_psk: return "RSA-PSK";
    case NID_kx_psk: return "PSK";
    case NID_kx_srp: return "SRP";
    case NID_kx_any: return "any";
    default: return "other";
    }
}

static const char *auth_name(int nid)
{
    switch (nid) {
    case NID_auth_rsa: return "RSA";
    case NID_auth_ecdsa: return "ECDSA";
    case NID_auth_dss: return "DSS";
    case NID_auth_psk: return "PSK";
    case NID_auth_srp: return "SRP";
    case NID_auth_null: return "none";
    case NID_auth_any: return "any";
    default: return "other";
    }
}

static json_t *suite_json(const SSL_CIPHER *c, const struct suite_fact *f)
{
    char id[8];
    snprintf(id, sizeof id, "0x%04X", (unsigned)(SSL_CIPHER_get_protocol_id(c) & 0xffff));
    int cnid = SSL_CIPHER_get_cipher_nid(c);
    const char *mac = SSL_CIPHER_is_aead(c) ? "aead" : OBJ_nid2ln(SSL_CIPHER_get_digest_nid(c));
    return json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s?, s:s?, s:i, s:s?, s:o}", "name", SSL_CIPHER_standard_name(c),
                     "openssl_name", SSL_CIPHER_get_name(c), "id", id, "kx", kx_name(SSL_CIPHER_get_kx_nid(c)),
                     "auth", auth_name(SSL_CIPHER_get_auth_nid(c)), "cipher",
                     cnid == NID_undef ? "none" : OBJ_nid2ln(cnid), "mac", mac,
                     "bits", (json_int_t)SSL_CIPHER_get_bits(c, NULL), "kx_group",
                     f && f->kx_group[0] ? f->kx_group : NULL, "kx_bits",
                     f && f->kx_bits ? json_integer(f->kx_bits) : json_null());
}

/* Adds an "unchecked" item "ENDPOINT PART" to doc. */
static int add_unchecked(vg_ctx *ctx, json_t *doc, const struct endpoint *ep, const char *part, const char *reason)
{
    char what[512];
    snprintf(what, sizeof what, "%s%s%s", ep->name, part ? " " : "", part ? part : "");
    return vg_collect_unchecked(ctx, doc, what, reason);
}

static json_t *groups_json(vg_ctx *ctx, json_t *doc, const struct endpoint *ep, const struct group_fact *g,
                           const char *const *names, size_t n, const char *version)
{
    json_t *out = json_array();
    for (size_t k = 0; out && k < n; k++) {
        json_t *o = json_pack("{s:s, s:s}", "name", names[k], "status", status_names[g[k].status]);
        if (o && g[k].status != PROBE_ACCEPTED)
            json_object_set_new(o, "reason", json_string(g[k].reason));
        json_array_append_new(out, o);
        char part[64];
        snprintf(part, sizeof part, "%s group %s", version, names[k]);
        if (g[k].status == PROBE_UNCHECKED && !g[k].library && add_unchecked(ctx, doc, ep, part, g[k].reason))
            return json_decref(out), NULL;
    }
    return out;
}

static json_t *version_json(vg_ctx *ctx, json_t *doc, const struct endpoint *ep, size_t vi, int checked)
{
    const struct version_fact *v = &ep->v[vi];
    json_t *o = json_pack("{s:s, s:s}", "version", versions[vi].name, "status", status_names[v->status]);
    if (!o)
        return NULL;
    if (v->status != PROBE_ACCEPTED) {
        json_object_set_new(o, "reason", json_string(v->reason));
        char part[32];
        snprintf(part, sizeof part, "%s", versions[vi].name);
        if (checked && v->status == PROBE_UNCHECKED && !v->library && add_unchecked(ctx, doc, ep, part, v->reason))
            return json_decref(o), NULL;
        return o;
    }
    json_t *suites = json_array();
    for (size_t k = 0; suites && k < v->nsuites; k++)
        json_array_append_new(suites, suite_json(v->suites[k].cipher, &v->suites[k]));
    json_object_set_new(o, "suites", suites);
    json_object_set_new(o, "suites_complete", json_boolean(v->suites_complete));
    if (!v->suites_complete) {
        char part[48];
        snprintf(part, sizeof part, "%s cipher suites", versions[vi].name);
        json_object_set_new(o, "suites_reason", json_string(v->suites_reason));
        if (add_unchecked(ctx, doc, ep, part, v->suites_reason))
            return json_decref(o), NULL;
    }
    if (vi == V_TLS13 || vi == V_TLS12) {
        json_t *g = vi == V_TLS13 ? groups_json(ctx, doc, ep, ep->g13, groups13, N13, versions[vi].name)
                                  : groups_json(ctx, doc, ep, ep->g12, groups12, N12, versions[vi].name);
        if (!g)
            return json_decref(o), NULL;
        json_object_set_new(o, "groups", g);
    }
    return o;
}

static json_t *http_json(const struct endpoint *ep)
{
    static const char *const states[] = {"not_tried", "answered", "not_http", "no_answer"};
    json_t *o = json_pack("{s:s}", "status", states[ep->http]);
    if (!o || ep->http != HTTP_ANSWERED) {
        if (o && ep->http != HTTP_NOT_TRIED)
            json_object_set_new(o, "reason", json_string(ep->http_reason));
        return o;
    }
    json_object_set_new(o, "status_code", json_integer(ep->http_code));
    json_t *hsts = ep->sts_fields == 0
                       ? json_pack("{s:b}", "present", 0)
                       : json_pack("{s:b, s:i, s:s?, s:b, s:s?, s:o, s:b, s:b}", "present", 1, "fields",
                                   (json_int_t)ep->sts_fields, "value", ep->sts_value[0] ? ep->sts_value : NULL,
                                   "valid", ep->hsts.valid, "problem", ep->hsts.problem, "max_age",
                                   ep->hsts.valid ? json_integer(ep->hsts.max_age) : json_null(),
                                   "include_subdomains", ep->hsts.include_subdomains, "preload", ep->hsts.preload);
    json_object_set_new(o, "hsts", hsts);
    return o;
}

/* The reason an endpoint that answered no handshake is unchecked. */
static void no_handshake_reason(const struct endpoint *ep, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "no TLS handshake succeeded");
    const char *sep = ":";
    for (size_t vi = V_COUNT; vi-- > 0 && len < cap;)
        if (!ep->v[vi].library) {
            len += (size_t)snprintf(out + len, cap - len, "%s %s: %s", sep, versions[vi].name, ep->v[vi].reason);
            sep = ";";
        }
}

static int endpoint_json(vg_ctx *ctx, const struct probe *p, json_t *doc, const struct endpoint *ep, json_t **out)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:s?, s:s?}", "endpoint", ep->name, "host", ep->host, "port",
                          (json_int_t)ep->port, "address", ep->reachable ? ep->address : NULL, "servername", ep->sni);
    json_t *protocols = json_array();
    if (!o || !protocols)
        return json_decref(o), json_decref(protocols), vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
    json_object_set_new(o, "protocols", protocols);
    *out = o;
    int accepted = 0;
    for (size_t vi = 0; vi < V_COUNT && ep->reachable; vi++)
        accepted |= ep->v[vi].status == PROBE_ACCEPTED;
    char reason[1024] = "";
    if (!ep->reachable)
        snprintf(reason, sizeof reason, "%s", ep->reason);
    else if (!accepted)
        no_handshake_reason(ep, reason, sizeof reason);
    json_object_set_new(o, "status", json_string(reason[0] ? "unchecked" : "checked"));
    if (reason[0]) {
        json_object_set_new(o, "reason", json_string(reason));
        if (add_unchecked(ctx, doc, ep, NULL, reason))
            return VG_ERR_NOMEM;
    }
    for (size_t vi = 0; vi < V_COUNT && ep->reachable; vi++) {
        json_t *v = version_json(ctx, doc, ep, vi, !reason[0]);
        if (!v || json_array_append_new(protocols, v))
            return vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
    }
    json_t *negotiated = ep->main_status == PROBE_ACCEPTED
                             ? json_pack("{s:s, s:o, s:s?}", "version", ep->negotiated_version, "suite",
                                         ep->negotiated.cipher ? suite_json(ep->negotiated.cipher, &ep->negotiated)
                                                               : json_null(),
                                         "alpn", ep->alpn[0] ? ep->alpn : NULL)
                             : json_null();
    json_object_set_new(o, "negotiated", negotiated);
    if (accepted && ep->main_status != PROBE_ACCEPTED && add_unchecked(ctx, doc, ep, "certificate", ep->main_reason))
        return VG_ERR_NOMEM;
    tls_cert_input in = {ep->chain, ep->ocsp, ep->ocsp_len, p->store, ep->match, ep->match_is_ip,
                         p->opts->collected};
    if (ep->chain && sk_X509_num(ep->chain) > 0) {
        if (tls_cert_facts(ctx, &in, o) != VG_OK)
            return VG_ERR_NOMEM;
    } else {
        json_object_set_new(o, "certificates", json_array());
        json_object_set_new(o, "hostname", json_null());
        json_object_set_new(o, "chain", json_null());
        json_object_set_new(o, "ocsp", json_null());
    }
    json_object_set_new(o, "http", ep->main_status == PROBE_ACCEPTED ? http_json(ep) : json_null());
    return VG_OK;
}

/* ---- the probe ----------------------------------------------------------- */

static void probe_free(struct probe *p)
{
    SSL_CTX_free(p->ssl);
    X509_STORE_free(p->store);
    for (size_t i = 0; i < 2; i++)
        if (p->providers[i])
            OSSL_PROVIDER_unload(p->providers[i]);
    OSSL_LIB_CTX_free(p->libctx);
}

/* The suites this OpenSSL offers for each version (none: it cannot make
 * that version's ClientHello). */
static void probe_offers(struct probe *p)
{
    for (size_t vi = 0; vi < V_COUNT; vi++) {
        SSL *ssl = SSL_new(p->ssl);
        STACK_OF(SSL_CIPHER) *sk = NULL;
        if (ssl && SSL_set_min_proto_version(ssl, versions[vi].id) && SSL_set_max_proto_version(ssl, versions[vi].id))
            sk = SSL_get1_supported_ciphers(ssl);
        for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk) && p->offers[vi].n < TLS_MAX_SUITES; i++)
            p->offers[vi].suites[p->offers[vi].n++] = sk_SSL_CIPHER_value(sk, i);
        sk_SSL_CIPHER_free(sk);
        SSL_free(ssl);
    }
}

static int probe_init(vg_ctx *ctx, struct probe *p, const vg_collect_tls_options *opts)
{
    memset(p, 0, sizeof *p);
    p->opts = opts;
    p->libctx = OSSL_LIB_CTX_new();
    if (p->libctx) {
        p->providers[0] = OSSL_PROVIDER_load(p->libctx, "default");
        p->providers[1] = OSSL_PROVIDER_load(p->libctx, "legacy"); /* SEED, IDEA suites; may be absent */
    }
    p->ssl = p->providers[0] ? SSL_CTX_new_ex(p->libctx, NULL, TLS_client_method()) : NULL;
    ERR_clear_error();
    if (!p->ssl || !SSL_CTX_set_min_proto_version(p->ssl, 0) || !SSL_CTX_set_max_proto_version(p->ssl, 0) ||
        !SSL_CTX_set_cipher_list(p->ssl, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") ||
        !SSL_CTX_set_ciphersuites(p->ssl, TLS13_SUITES))
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "collect tls: OpenSSL cannot make a TLS client");
    SSL_CTX_set_security_level(p->ssl, 0);
    SSL_CTX_set_options(p->ssl, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                    SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_session_cache_mode(p->ssl, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_verify(p->ssl, SSL_VERIFY_NONE, NULL);
    p->store = X509_STORE_new();
    if (!p->store)
        return vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
    int loaded = opts->ca_file ? X509_STORE_load_file_ex(p->store, opts->ca_file, p->libctx, NULL)
                               : X509_STORE_set_default_paths_ex(p->store, p->libctx, NULL);
    ERR_clear_error();
    if (!loaded && opts->ca_file)
        return vg_error(ctx, VG_ERR_IO, "%s: no PEM certificate could be read from it", opts->ca_file);
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(p->store), (time_t)opts->collected);
    probe_offers(p);
    return VG_OK;
}

/* "library": this OpenSSL, and what it cannot test at all. */
static json_t *library_json(const struct probe *p)
{
    json_t *unchecked = json_array();
    for (size_t vi = 0; vi < V_COUNT; vi++)
        if (p->offers[vi].n == 0)
            json_array_append_new(unchecked, json_pack("{s:s, s:s}", "what", versions[vi].name, "reason",
                                                       "this OpenSSL was built without it"));
    for (size_t f = 0; f < sizeof families / sizeof *families; f++) {
        int found = 0;
        for (size_t vi = 0; vi < V_COUNT && !found; vi++)
            for (size_t i = 0; i < p->offers[vi].n && !found; i++) {
                const char *name = SSL_CIPHER_standard_name(p->offers[vi].suites[i]);
                found = name && strstr(name, families[f].part);
            }
        if (!found) {
            char what[64];
            snprintf(what, sizeof what, "%s cipher suites", families[f].family);
            json_array_append_new(unchecked, json_pack("{s:s, s:s}", "what", what, "reason",
                                                       "this OpenSSL has no such suite to offer"));
        }
    }
    return json_pack("{s:s, s:i, s:o}", "name", OpenSSL_version(OPENSSL_VERSION), "security_level", 0,
                     "unchecked", unchecked);
}

static void endpoint_free(struct endpoint *ep)
{
    if (ep->chain)
        sk_X509_pop_free(ep->chain, X509_free);
    free(ep->ocsp);
    free(ep);
}

/* The document's header and options; its endpoints are added after. */
static json_t *tls_document(vg_ctx *ctx, const struct probe *p)
{
    const vg_collect_tls_options *opts = p->opts;
    vg_buf target;
    vg_buf_init(&target, (size_t)VG_TLS_MAX_ENDPOINTS * 300);
    for (size_t i = 0; i < opts->nendpoints; i++)
        if ((i && vg_buf_addc(&target, ' ')) || vg_buf_addstr(&target, opts->endpoints[i])) {
            vg_buf_free(&target);
            vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
            return NULL;
        }
    vg_buf_addc(&target, '\0');
    json_t *doc = vg_collect_document(ctx, "tls", 1, opts->collected, target.data);
    vg_buf_free(&target);
    if (!doc)
        return NULL;
    json_t *options = json_pack("{s:s?, s:s?, s:f}", "ca_file", opts->ca_file, "servername", opts->servername,
                                "timeout_seconds", opts->timeout_ms / 1000.0);
    if (!options || json_object_set_new(doc, "options", options) ||
        json_object_set_new(doc, "library", library_json(p)) ||
        json_object_set_new(doc, "endpoints", json_array())) {
        json_decref(doc);
        vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
        return NULL;
    }
    return doc;
}

static int check_options(vg_ctx *ctx, const vg_collect_tls_options *opts)
{
    if (opts->nendpoints == 0 || opts->nendpoints > VG_TLS_MAX_ENDPOINTS)
        return vg_error(ctx, VG_ERR_USAGE, "collect tls: name 1 to %d endpoints HOST:PORT", VG_TLS_MAX_ENDPOINTS);
    if (opts->timeout_ms < 1 || opts->timeout_ms > 600000)
        return vg_error(ctx, VG_ERR_USAGE, "collect tls: the timeout must be 0.001 to 600 seconds");
    char at[32];
    if (tls_time_text(opts->collected, at) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "collect tls: time %lld out of range", (long long)opts->collected);
    if (opts->servername && (strlen(opts->servername) == 0 || strlen(opts->servername) > 253 || !is_host_text(opts->servername, strlen(opts->servername))))
        return vg_error(ctx, VG_ERR_USAGE, "collect tls: --servername %s is no host name", opts->servername);
    for (size_t i = 0; i < opts->nendpoints; i++)
        if (vg_collect_tls_endpoint_check(ctx, opts->endpoints[i]) != VG_OK)
            return VG_ERR_USAGE;
    return VG_OK;
}

static void endpoint_names(const vg_collect_tls_options *opts, struct endpoint *ep, const char *name)
{
    ep->name = name;
    parse_endpoint(name, ep->host, &ep->port);
    ep->match = opts->servername ? opts->servername : ep->host;
    ep->match_is_ip = is_ip_literal(ep->match);
    ep->sni = ep->match_is_ip ? NULL : ep->match;
}

static int collect_endpoints(vg_ctx *ctx, const vg_collect_tls_options *opts, json_t **out)
{
    int rc;
    struct probe p;
    rc = probe_init(ctx, &p, opts);
    json_t *doc = rc == VG_OK ? tls_document(ctx, &p) : NULL;
    if (rc == VG_OK && !doc)
        rc = VG_ERR_NOMEM; /* the time and the names were checked */
    for (size_t i = 0; rc == VG_OK && i < opts->nendpoints; i++) {
        struct endpoint *ep = calloc(1, sizeof *ep);
        if (!ep) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
            break;
        }
        endpoint_names(opts, ep, opts->endpoints[i]);
        endpoint_probe(&p, ep);
        json_t *o = NULL;
        rc = endpoint_json(ctx, &p, doc, ep, &o);
        if (o && json_array_append_new(json_object_get(doc, "endpoints"), o) && rc == VG_OK)
            rc = vg_error(ctx, VG_ERR_NOMEM, "collect tls: out of memory");
        endpoint_free(ep);
    }
    probe_free(&p);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}

int vg_collect_tls(vg_ctx *ctx, const vg_collect_tls_options *opts, json_t **out)
{
    *out = NULL;
    int rc = check_options(ctx, opts);
    if (rc != VG_OK)
        return rc;
    /* A write to a connection the server closed raises SIGPIPE in the
     * writing thread (OpenSSL's socket BIO cannot pass MSG_NOSIGNAL): it
     * is blocked here, so in the probe's threads, and taken at the end. */
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    rc = collect_endpoints(ctx, opts, out);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
        ;
    pthread_sigmask(SIG_SETMASK, &old_set, NULL);
    return rc;
}
