/*
 * notify.c — the notification sinks of `vigil monitor`: a signed JSON
 * webhook (libcurl) and an NDJSON file (notify.h has the contract).
 *
 * Specifications: Standard Webhooks 1.0.0 (headers webhook-id,
 * webhook-timestamp, webhook-signature; signed content id.timestamp.body;
 * "whsec_" secrets), GitHub's body-only "sha256=<hex>" signature form for
 * X-Vigil-Signature-256, RFC 2104 HMAC with SHA-256, RFC 9110 (status
 * codes, Retry-After as delta-seconds or HTTP-date, sections 10.2.3 and
 * 5.6.7), RFC 9562 (UUID version 4 delivery ids), NDJSON (one JSON text per
 * line).  What is parsed from the network is only the status code and the
 * Retry-After and Location headers, each bounded; the answer's body is kept
 * only as a 200-byte excerpt for messages.  Left out: following redirects,
 * asymmetric signatures, persistence of failed deliveries.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "vigil/base64.h"
#include "vigil/buf.h"
#include "vigil/digest.h"
#include "vigil/io.h"
#include "vigil/notify.h"
#include "vigil/vigil.h"

#define EXCERPT_MAX 200            /* bytes of an answer quoted in a message */
#define RETRY_AFTER_TEXT_MAX 64    /* longer Retry-After values are ignored */
#define RETRY_AFTER_SECONDS_MAX 86400000LL /* beyond any cap; bounds the arithmetic */
#define SECRET_PREFIX "whsec_"
#define SHA256_LEN 32

const char *vg_notify_outcome_name(vg_notify_outcome outcome)
{
    static const char *const names[] = {
        [VG_NOTIFY_DELIVERED] = "delivered",
        [VG_NOTIFY_NOT_SENT] = "not_sent",
        [VG_NOTIFY_CONNECT_FAILED] = "connect_failed",
        [VG_NOTIFY_TLS_FAILED] = "tls_failed",
        [VG_NOTIFY_TIMED_OUT] = "timed_out",
        [VG_NOTIFY_TRANSFER_FAILED] = "transfer_failed",
        [VG_NOTIFY_HTTP_ERROR] = "http_error",
        [VG_NOTIFY_REDIRECTED] = "redirected",
    };
    if ((unsigned)outcome >= sizeof names / sizeof names[0])
        return "unknown";
    return names[outcome];
}

/* VG_OK when body[0..len) is one JSON object or array and, for a line of
 * NDJSON (one_line), holds no line break.  what names the sink. */
static int check_body(vg_ctx *ctx, const char *what, const char *body, size_t len, int one_line)
{
    if (!body || len == 0)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the notification is empty", what);
    if (one_line && (memchr(body, '\n', len) || memchr(body, '\r', len)))
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: the notification holds a line break; an NDJSON line must be compact JSON",
                        what);
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, 0, &jerr);
    if (!doc)
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: the notification is not a JSON object or array (byte %d: %s)", what,
                        jerr.position, jerr.text);
    json_decref(doc);
    return VG_OK;
}

/* ---- the webhook ---- */

/* HMAC-SHA256 (RFC 2104) of the concatenation of nparts pieces. */
static int hmac_sha256(const vg_buf *key, const struct iovec *parts, size_t nparts,
                       unsigned char mac[SHA256_LEN])
{
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = alg ? EVP_MAC_CTX_new(alg) : NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    int ok = c && EVP_MAC_init(c, (const unsigned char *)key->data, key->len, params);
    for (size_t i = 0; ok && i < nparts; i++)
        ok = EVP_MAC_update(c, parts[i].iov_base, parts[i].iov_len);
    size_t maclen = 0;
    ok = ok && EVP_MAC_final(c, mac, &maclen, SHA256_LEN) && maclen == SHA256_LEN;
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(alg);
    return ok ? VG_OK : VG_ERR_NOMEM;
}

/* The HMAC key: the secret's bytes, or the decoded base64 after "whsec_". */
static int secret_key(vg_ctx *ctx, const char *shown, const void *secret, size_t secret_len,
                      vg_buf *key)
{
    const char *s = secret;
    size_t plen = strlen(SECRET_PREFIX);
    int st;
    if (secret_len >= plen && memcmp(s, SECRET_PREFIX, plen) == 0) {
        st = vg_base64_decode(key, s + plen, secret_len - plen);
        if (st == VG_ERR_FORMAT)
            return vg_error(ctx, VG_ERR_USAGE,
                            "%s: the webhook secret starts with \"" SECRET_PREFIX "\" but the rest is"
                            " not base64; give the secret as the receiver shows it",
                            shown);
    } else {
        st = vg_buf_add(key, s, secret_len);
    }
    if (st == VG_ERR_LIMIT)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the webhook secret is longer than %zu bytes", shown,
                        key->max);
    if (st != VG_OK)
        return vg_error(ctx, st, "%s: the webhook secret: %s", shown, vg_strerror(st));
    if (key->len == 0)
        return vg_error(ctx, VG_ERR_USAGE, "%s: the webhook secret is empty", shown);
    return VG_OK;
}

/* A random UUID, version 4 (RFC 9562 section 5.4). */
int vg_notify_new_id(char out[VG_NOTIFY_ID_MAX + 1])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return VG_ERR_NOMEM;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char hex[33];
    vg_hex_encode(hex, b, sizeof b);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    return VG_OK;
}

/* A caller's delivery id is sent in a header and signed between dots, so
 * it may hold neither a dot nor anything that ends a header line. */
static int valid_delivery_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > VG_NOTIFY_ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* What one attempt learnt from the answer. */
typedef struct answer {
    long retry_after;          /* seconds asked for by Retry-After; -1: none or invalid */
    char excerpt[EXCERPT_MAX + 1];
    size_t excerpt_len;
} answer;

/* Retry-After (RFC 9110 section 10.2.3): delta-seconds (1*DIGIT) or an
 * HTTP-date (the three forms of section 5.6.7, parsed by curl_getdate).
 * Returns the seconds to wait from now (0 for a date in the past), capped
 * at RETRY_AFTER_SECONDS_MAX, or -1 for a value that is neither. */
static long retry_after_seconds(const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (n == 0 || n > RETRY_AFTER_TEXT_MAX)
        return -1;
    if (v[0] >= '0' && v[0] <= '9') {
        long long s = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return -1;
            if (s < RETRY_AFTER_SECONDS_MAX)
                s = s * 10 + (v[i] - '0');
        }
        return (long)(s < RETRY_AFTER_SECONDS_MAX ? s : RETRY_AFTER_SECONDS_MAX);
    }
    char date[RETRY_AFTER_TEXT_MAX + 1];
    memcpy(date, v, n);
    date[n] = '\0';
    time_t when = curl_getdate(date, NULL);
    if (when == (time_t)-1)
        return -1;
    long long s = (long long)when - (long long)time(NULL);
    return (long)(s <= 0 ? 0 : s < RETRY_AFTER_SECONDS_MAX ? s : RETRY_AFTER_SECONDS_MAX);
}

static size_t header_cb(char *h, size_t size, size_t n, void *user)
{
    answer *a = user;
    size_t len = size * n;
    static const char name[] = "Retry-After:";
    /* A new status line starts the headers of another answer (after a 100
     * Continue, say): what an earlier one said does not count. */
    if (len >= 5 && memcmp(h, "HTTP/", 5) == 0)
        a->retry_after = -1;
    else if (len > sizeof name - 1 && strncasecmp(h, name, sizeof name - 1) == 0)
        a->retry_after = retry_after_seconds(h + sizeof name - 1, len - (sizeof name - 1));
    return len;
}

/* Keeps the start of the answer's body for messages, printable ASCII only. */
static size_t body_cb(char *data, size_t size, size_t n, void *user)
{
    answer *a = user;
    size_t len = size * n;
    for (size_t i = 0; i < len && a->excerpt_len < EXCERPT_MAX; i++) {
        unsigned char c = (unsigned char)data[i];
        a->excerpt[a->excerpt_len++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : ' ';
    }
    a->excerpt[a->excerpt_len] = '\0';
    return len;
}

/* Everything that stays the same over the attempts of one delivery. */
typedef struct delivery {
    CURLU *url;
    const char *shown;        /* the URL without its password, for messages */
    const char *body;
    size_t len;
    const vg_buf *key;        /* NULL: unsigned */
    char body_signature[7 + 2 * SHA256_LEN + 1]; /* "sha256=<hex>", or "" */
    const char *id;
    const char *ca_file;
    unsigned connect_timeout_ms, timeout_ms;
} delivery;

/* Appends a header line to *hdrs; 0, or -1 when out of memory. */
__attribute__((format(printf, 2, 3))) static int add_header(struct curl_slist **hdrs,
                                                            const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    struct curl_slist *h = curl_slist_append(*hdrs, line);
    if (!h)
        return -1;
    *hdrs = h;
    return 0;
}

/* One POST.  Returns the curl code; *status and *a describe the answer,
 * *location the target of a 3xx (malloc'd) or NULL. */
static CURLcode post_once(const delivery *d, long *status, answer *a, char **location,
                          char errbuf[CURL_ERROR_SIZE])
{
    *status = 0;
    *location = NULL;
    memset(a, 0, sizeof *a);
    a->retry_after = -1;
    errbuf[0] = '\0';

    /* Standard Webhooks: the signed content is "id.timestamp.body". */
    char timestamp[24];
    snprintf(timestamp, sizeof timestamp, "%lld", (long long)time(NULL));
    struct curl_slist *hdrs = NULL;
    if (add_header(&hdrs, "Content-Type: application/json") ||
        add_header(&hdrs, "Expect:") || /* no 100-continue round trip for large bodies */
        add_header(&hdrs, "webhook-id: %s", d->id) ||
        add_header(&hdrs, "webhook-timestamp: %s", timestamp))
        goto nomem;
    if (d->key) {
        struct iovec parts[] = {{(void *)d->id, strlen(d->id)}, {(void *)".", 1},
                                {timestamp, strlen(timestamp)}, {(void *)".", 1},
                                {(void *)d->body, d->len}};
        unsigned char mac[SHA256_LEN], b64[4 * ((SHA256_LEN + 2) / 3) + 1];
        if (hmac_sha256(d->key, parts, sizeof parts / sizeof parts[0], mac) != VG_OK)
            goto nomem;
        EVP_EncodeBlock(b64, mac, SHA256_LEN);
        if (add_header(&hdrs, "webhook-signature: v1,%s", (const char *)b64) ||
            add_header(&hdrs, "X-Vigil-Signature-256: %s", d->body_signature))
            goto nomem;
    }

    CURL *c = curl_easy_init();
    if (!c)
        goto nomem;
    char agent[64];
    snprintf(agent, sizeof agent, "vigil/%s", vg_version());
    curl_easy_setopt(c, CURLOPT_CURLU, d->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)d->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)d->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)d->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (d->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, d->ca_file);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    char *target = NULL;
    if (rc == CURLE_OK && *status >= 300 && *status < 400 &&
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &target) == CURLE_OK && target)
        *location = strdup(target);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return rc;
nomem:
    curl_slist_free_all(hdrs);
    return CURLE_OUT_OF_MEMORY;
}

/* Sleeps ms milliseconds, whatever signals arrive. */
static void sleep_ms(unsigned long ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The outcome of a failed transfer, and whether trying again may help. */
static vg_notify_outcome transfer_outcome(CURLcode rc, int *transient)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        *transient = 1;
        return VG_NOTIFY_CONNECT_FAILED;
    case CURLE_OPERATION_TIMEDOUT:
        *transient = 1;
        return VG_NOTIFY_TIMED_OUT;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        *transient = 1;
        return VG_NOTIFY_TRANSFER_FAILED;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
        *transient = 0;
        return VG_NOTIFY_TLS_FAILED;
    default:
        *transient = 0;
        return VG_NOTIFY_TRANSFER_FAILED;
    }
}

/* The advice that ends a message about a final HTTP status. */
static const char *status_advice(long status)
{
    if (status == 401 || status == 403)
        return "the receiver refused the request: check the webhook secret and the receiver's"
               " configuration";
    if (status == 404)
        return "check the webhook URL";
    if (status == 410)
        return "the receiver says this endpoint is gone: remove or replace the webhook URL";
    if (status == 408 || status == 429 || status >= 500)
        return "the receiver is failing or overloaded: check its logs";
    return "check what the receiver expects";
}

/* Parses and checks the URL: absolute http or https with a host.  *shown
 * (malloc'd) is the URL to name in messages, without its password. */
static int parse_url(vg_ctx *ctx, const char *url, CURLU **out, char **shown)
{
    *out = NULL;
    *shown = NULL;
    CURLU *u = curl_url();
    if (!u)
        return vg_error(ctx, VG_ERR_NOMEM, "webhook URL: out of memory");
    char *scheme = NULL, *host = NULL;
    int st = VG_OK;
    int valid = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
                curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK;
    if (valid && strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        st = vg_error(ctx, VG_ERR_USAGE,
                      "webhook URL \"%.200s\": the scheme %s is not supported: use https:// (or"
                      " http://)",
                      url, scheme);
    } else if (!valid || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        st = vg_error(ctx, VG_ERR_USAGE,
                      "webhook URL \"%.200s\" is not a valid absolute URL: give it as"
                      " https://host[:port]/path",
                      url);
    } else if (curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
               curl_url_get(u, CURLUPART_URL, shown, 0) != CURLUE_OK ||
               curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        st = vg_error(ctx, VG_ERR_NOMEM, "webhook URL: out of memory");
    }
    curl_free(scheme);
    curl_free(host);
    if (st != VG_OK) {
        curl_free(*shown);
        *shown = NULL;
        curl_url_cleanup(u);
        return st;
    }
    *out = u;
    return VG_OK;
}

/* The delivery loop once everything is checked: attempts, waits, and the
 * message of the last failure. */
static int deliver(vg_ctx *ctx, const delivery *d, unsigned max_attempts, unsigned backoff_ms,
                   unsigned backoff_max_ms, vg_notify_result *out)
{
    unsigned long wait_ms = backoff_ms;
    for (;;) {
        long status;
        answer a;
        char *location, errbuf[CURL_ERROR_SIZE];
        CURLcode rc = post_once(d, &status, &a, &location, errbuf);
        if (rc == CURLE_OUT_OF_MEMORY)
            return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", d->shown);
        out->attempts++;
        out->http_status = status;
        int transient;
        if (rc != CURLE_OK) {
            out->outcome = transfer_outcome(rc, &transient);
            vg_error(ctx, VG_ERR_IO, "%s: %s (attempt %u of %u)%s", d->shown,
                     errbuf[0] ? errbuf : curl_easy_strerror(rc), out->attempts, max_attempts,
                     out->outcome == VG_NOTIFY_TLS_FAILED
                         ? ": not retried; check the certificate, or give the CA that issued it"
                     : out->outcome == VG_NOTIFY_CONNECT_FAILED
                         ? ": check the host, the port and that the receiver is running"
                     : out->outcome == VG_NOTIFY_TIMED_OUT
                         ? ": the receiver must answer within the time limit; check it, or allow"
                           " more time"
                         : "");
        } else if (status >= 200 && status < 300) {
            out->outcome = VG_NOTIFY_DELIVERED;
            return VG_OK;
        } else if (status >= 300 && status < 400) {
            out->outcome = VG_NOTIFY_REDIRECTED;
            transient = 0;
            vg_error(ctx, VG_ERR_IO,
                     "%s: HTTP status %ld redirecting to %s: redirects are not followed; give the"
                     " webhook's final URL",
                     d->shown, status, location ? location : "(no Location header)");
        } else {
            out->outcome = VG_NOTIFY_HTTP_ERROR;
            transient = status == 408 || status == 429 || (status >= 500 && status <= 599);
            vg_error(ctx, VG_ERR_IO, "%s: HTTP status %ld%s%s%s (attempt %u of %u)%s: %s", d->shown,
                     status, a.excerpt_len ? ", answer \"" : "", a.excerpt,
                     a.excerpt_len ? "\"" : "", out->attempts, max_attempts,
                     transient ? "" : ", not retried", status_advice(status));
        }
        free(location);
        if (!transient || out->attempts >= max_attempts)
            return VG_ERR_IO;
        if (a.retry_after >= 0) {
            /* RFC 9110: the client ought to wait at least that long.  A
             * longer wait than allowed ends the delivery instead of
             * asking again too early. */
            if ((unsigned long)a.retry_after * 1000 > backoff_max_ms) {
                size_t n = strlen(ctx->message);
                snprintf(ctx->message + n, sizeof ctx->message - n,
                         "; the receiver asked to retry after %ld s, longer than the %u ms allowed"
                         " between attempts: not retried",
                         a.retry_after, backoff_max_ms);
                return VG_ERR_IO;
            }
            if ((unsigned long)a.retry_after * 1000 > wait_ms)
                wait_ms = (unsigned long)a.retry_after * 1000;
        }
        if (wait_ms > backoff_max_ms)
            wait_ms = backoff_max_ms;
        sleep_ms(wait_ms);
        out->waited_ms += wait_ms;
        wait_ms = (wait_ms < backoff_max_ms ? wait_ms : backoff_max_ms) * 2;
    }
}

unsigned long long vg_notify_longest_ms(const vg_notify_options *opts)
{
    vg_notify_options o = {0};
    if (opts)
        o = *opts;
    unsigned long long attempts = o.max_attempts ? o.max_attempts : VG_NOTIFY_DEFAULT_ATTEMPTS;
    unsigned long long timeout = o.timeout_ms ? o.timeout_ms : VG_NOTIFY_DEFAULT_TIMEOUT_MS;
    unsigned long long wait = o.backoff_max_ms ? o.backoff_max_ms : VG_NOTIFY_DEFAULT_BACKOFF_MAX_MS;
    return attempts * timeout + (attempts - 1) * wait;
}

int vg_notify_webhook(vg_ctx *ctx, const char *url, const void *secret, size_t secret_len,
                      const char *body, size_t len, const vg_notify_options *opts,
                      vg_notify_result *out)
{
    memset(out, 0, sizeof *out);
    out->outcome = VG_NOTIFY_NOT_SENT;
    vg_notify_options o = {0};
    if (opts)
        o = *opts;
    unsigned max_attempts = o.max_attempts ? o.max_attempts : VG_NOTIFY_DEFAULT_ATTEMPTS;
    CURLU *u;
    char *shown;
    int st = parse_url(ctx, url ? url : "", &u, &shown);
    if (st != VG_OK)
        return st;
    vg_buf key;
    vg_buf_init(&key, 4096);
    delivery d = {.url = u, .shown = shown, .body = body, .len = len,
                  .ca_file = o.ca_file,
                  .connect_timeout_ms = o.connect_timeout_ms ? o.connect_timeout_ms
                                                             : VG_NOTIFY_DEFAULT_CONNECT_TIMEOUT_MS,
                  .timeout_ms = o.timeout_ms ? o.timeout_ms : VG_NOTIFY_DEFAULT_TIMEOUT_MS};
    if (max_attempts > VG_NOTIFY_ATTEMPTS_MAX) {
        st = vg_error(ctx, VG_ERR_USAGE, "%s: %u attempts asked for, at most %d allowed", shown,
                      max_attempts, VG_NOTIFY_ATTEMPTS_MAX);
        goto done;
    }
    if (o.delivery_id && !valid_delivery_id(o.delivery_id)) {
        st = vg_error(ctx, VG_ERR_USAGE,
                      "%s: delivery id \"%.80s\" must be 1 to %d characters of A-Z, a-z, 0-9, '_'"
                      " and '-'",
                      shown, o.delivery_id, VG_NOTIFY_ID_MAX);
        goto done;
    }
    if ((st = check_body(ctx, shown, body, len, 0)) != VG_OK)
        goto done;
    if (secret) {
        if ((st = secret_key(ctx, shown, secret, secret_len, &key)) != VG_OK)
            goto done;
        unsigned char mac[SHA256_LEN];
        struct iovec whole = {(void *)body, len};
        if ((st = hmac_sha256(&key, &whole, 1, mac)) != VG_OK) {
            vg_error(ctx, st, "%s: cannot compute the signature (OpenSSL)", shown);
            goto done;
        }
        memcpy(d.body_signature, "sha256=", 7);
        vg_hex_encode(d.body_signature + 7, mac, sizeof mac);
        d.key = &key;
    }
    if (o.delivery_id)
        snprintf(out->delivery_id, sizeof out->delivery_id, "%s", o.delivery_id);
    else if ((st = vg_notify_new_id(out->delivery_id)) != VG_OK) {
        vg_error(ctx, st, "%s: no random bytes for the delivery id (OpenSSL)", shown);
        goto done;
    }
    d.id = out->delivery_id;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        st = vg_error(ctx, VG_ERR_NOMEM, "%s: libcurl could not be initialised", shown);
        goto done;
    }
    st = deliver(ctx, &d, max_attempts, o.backoff_ms ? o.backoff_ms : VG_NOTIFY_DEFAULT_BACKOFF_MS,
                 o.backoff_max_ms ? o.backoff_max_ms : VG_NOTIFY_DEFAULT_BACKOFF_MAX_MS, out);
    curl_global_cleanup();
done:
    if (key.data)
        OPENSSL_cleanse(key.data, key.cap);
    vg_buf_free(&key);
    curl_free(shown);
    curl_url_cleanup(u);
    return st;
}

/* ---- the NDJSON file ---- */

static int file_error(vg_ctx *ctx, const char *path, const char *doing, int err)
{
    int st = err == ENOENT || err == ENOTDIR ? VG_ERR_NOT_FOUND
             : err == EACCES || err == EPERM  ? VG_ERR_PERMISSION
             : err == ELOOP || err == ENXIO   ? VG_ERR_UNSAFE
                                              : VG_ERR_IO;
    /* ENXIO: a FIFO without a reader (opened O_NONBLOCK, never waited on). */
    const char *advice = st == VG_ERR_NOT_FOUND    ? ": create its directory first"
                         : st == VG_ERR_PERMISSION ? ": give vigil's user write access to it"
                         : err == ELOOP            ? ": it is a symbolic link; give the real path"
                         : err == ENXIO            ? ": it is not a regular file"
                                                   : "";
    return vg_error(ctx, st, "%s: cannot %s the notification file: %s%s", path, doing, strerror(err),
                    advice);
}

/* Opens path for appending, creating it when absent; *created says so. */
static int open_log(vg_ctx *ctx, const char *path, int *fd, int *created)
{
    *created = 0;
    for (int tries = 0; tries < 2; tries++) {
        *fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (*fd >= 0 || errno != ENOENT)
            break;
        *fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_CREAT | O_EXCL, 0640);
        if (*fd >= 0) {
            *created = 1;
            break;
        }
        if (errno != EEXIST) /* else another run created it: open that one */
            break;
    }
    if (*fd < 0)
        return file_error(ctx, path, "open", errno);
    struct stat sb;
    if (fstat(*fd, &sb) != 0) {
        int err = errno;
        close(*fd);
        return file_error(ctx, path, "examine", err);
    }
    if (!S_ISREG(sb.st_mode)) {
        close(*fd);
        return vg_error(ctx, VG_ERR_UNSAFE,
                        "%s: the notification file is not a regular file: give the path of a file",
                        path);
    }
    return VG_OK;
}

/* Makes a new directory entry durable: fsync of the directory holding path. */
static int sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int vg_notify_file(vg_ctx *ctx, const char *path, const char *body, size_t len)
{
    int st = check_body(ctx, path, body, len, 1);
    if (st != VG_OK)
        return st;
    int fd, created;
    if ((st = open_log(ctx, path, &fd, &created)) != VG_OK)
        return st;
    /* Every vigil writer takes the lock, so lines never interleave even
     * where O_APPEND alone is not atomic (NFS) or a write comes out short. */
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            st = file_error(ctx, path, "lock", errno);
            close(fd);
            return st;
        }
    }
    struct stat sb;
    char last = '\n';
    if (fstat(fd, &sb) != 0 || (sb.st_size > 0 && pread(fd, &last, 1, sb.st_size - 1) != 1)) {
        st = file_error(ctx, path, "read the end of", errno);
        close(fd);
        return st;
    }
    /* One write of the whole line: a reader (tail -f) never sees half of it. */
    vg_buf line;
    vg_buf_init(&line, len + 2);
    if ((last != '\n' && vg_buf_addc(&line, '\n') != VG_OK) || vg_buf_add(&line, body, len) != VG_OK ||
        vg_buf_addc(&line, '\n') != VG_OK) {
        close(fd);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory for the notification", path);
    }
    int err = vg_write_all(fd, line.data, line.len) != 0 || fsync(fd) != 0 ? errno : 0;
    vg_buf_free(&line);
    if (err) {
        /* No half line may stay: the next run would glue its own to it. */
        int restored = ftruncate(fd, sb.st_size) == 0 && fsync(fd) == 0;
        close(fd);
        return vg_error(ctx, VG_ERR_IO, "%s: cannot append the notification: %s; %s", path,
                        strerror(err),
                        restored ? "the file is left as it was"
                                 : "the file may end with a partial line");
    }
    if (created && sync_parent(path) != 0) {
        st = file_error(ctx, path, "record the creation of", errno);
        close(fd);
        return st;
    }
    if (close(fd) != 0)
        return file_error(ctx, path, "close", errno);
    return VG_OK;
}
