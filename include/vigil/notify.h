/*
 * notify.h — announcing new findings: a signed JSON webhook and an NDJSON
 * file, the two sinks of `vigil monitor` (src/store/notify.c).
 *
 * The caller builds the JSON document (one per run); these functions only
 * deliver its exact bytes.  Neither prints or exits; a failure is a status
 * from enum vg_status with ctx->message naming the URL or the file, what
 * went wrong and what to do about it.  docs/notify.md is the user's guide.
 *
 * Webhook (vg_notify_webhook): one HTTP POST of the body, repeated on
 * transient failures.  Specifications followed:
 *   - Standard Webhooks 1.0.0 (standardwebhooks.com), symmetric scheme:
 *     headers webhook-id (the same on every attempt, an idempotency key for
 *     the receiver), webhook-timestamp (Unix seconds of this attempt) and
 *     webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>";
 *     a secret "whsec_<base64>" is used base64-decoded, as its libraries do.
 *   - For receivers written for GitHub's scheme, X-Vigil-Signature-256:
 *     "sha256=<hex HMAC-SHA256 of the body>" (the form of GitHub's
 *     X-Hub-Signature-256; it covers the body alone, not the id or time).
 *   - RFC 2104 (HMAC) with SHA-256 (FIPS 180-4), through OpenSSL 3.
 *   - RFC 9110 for status codes and Retry-After (delta-seconds or
 *     HTTP-date): 2xx is success; 408, 429 and 5xx are retried with
 *     exponential backoff, as are connection failures, resets and
 *     timeouts; 3xx is a failure naming the Location, never followed; any
 *     other status (and a TLS failure) is final.  A Retry-After longer than
 *     backoff_max_ms ends the delivery rather than retrying early.
 * Only http and https URLs; proxies from the environment (libcurl).
 * Left out: asymmetric signatures (Standard Webhooks v1a), following
 * redirects, queueing a failed delivery for a later run (the caller's).
 *
 * File (vg_notify_file): the body appended as one line of an NDJSON file
 * (one JSON text per line, each ended by "\n"), under an exclusive flock()
 * in one write, then fsync()ed, so that concurrent runs never interleave
 * and a failed write leaves the file as it was.
 */
#ifndef VIGIL_NOTIFY_H
#define VIGIL_NOTIFY_H

#include <stddef.h>

#include "vigil/error.h"

#define VG_NOTIFY_ATTEMPTS_MAX 10 /* largest max_attempts accepted */
#define VG_NOTIFY_ID_MAX 64       /* longest delivery id */

/* What a 0 in vg_notify_options stands for. */
#define VG_NOTIFY_DEFAULT_ATTEMPTS 4
#define VG_NOTIFY_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define VG_NOTIFY_DEFAULT_TIMEOUT_MS 30000
#define VG_NOTIFY_DEFAULT_BACKOFF_MS 5000
#define VG_NOTIFY_DEFAULT_BACKOFF_MAX_MS 60000

/* Zero-initialise and set what differs from the defaults; NULL options
 * means all defaults.  Times are milliseconds. */
typedef struct vg_notify_options {
    unsigned max_attempts;       /* requests at most, 1..VG_NOTIFY_ATTEMPTS_MAX; 0: 4 */
    unsigned connect_timeout_ms; /* to connect (TCP and TLS), per attempt; 0: 10000 */
    unsigned timeout_ms;         /* a whole attempt, connection included; 0: 30000 */
    unsigned backoff_ms;         /* wait before the 2nd attempt, doubled after each; 0: 5000 */
    unsigned backoff_max_ms;     /* longest wait, and longest Retry-After obeyed; 0: 60000 */
    const char *delivery_id;     /* webhook-id: 1..VG_NOTIFY_ID_MAX of [A-Za-z0-9_-];
                                    NULL: a random UUID (RFC 9562 version 4) */
    const char *ca_file;         /* PEM CA certificates for https; NULL: the system's */
} vg_notify_options;

/* How a delivery ended.  Only ever grows; never renumbered. */
typedef enum vg_notify_outcome {
    VG_NOTIFY_DELIVERED = 0,       /* the receiver answered 2xx */
    VG_NOTIFY_NOT_SENT = 1,        /* refused before any request: URL, options, body, secret */
    VG_NOTIFY_CONNECT_FAILED = 2,  /* name not resolved, connection refused or unreachable */
    VG_NOTIFY_TLS_FAILED = 3,      /* TLS handshake or certificate check failed (not retried) */
    VG_NOTIFY_TIMED_OUT = 4,       /* no complete answer within the time limits */
    VG_NOTIFY_TRANSFER_FAILED = 5, /* connection broken, or closed without an answer */
    VG_NOTIFY_HTTP_ERROR = 6,      /* answered with a status other than 2xx and 3xx */
    VG_NOTIFY_REDIRECTED = 7,      /* answered 3xx: redirects are not followed */
} vg_notify_outcome;

typedef struct vg_notify_result {
    vg_notify_outcome outcome;             /* of the last attempt */
    unsigned attempts;                     /* requests made; 0 when not sent */
    long http_status;                      /* of the last answer; 0 when none came */
    char delivery_id[VG_NOTIFY_ID_MAX + 1];/* webhook-id sent ("" when not sent) */
    unsigned long waited_ms;               /* slept between attempts in total */
} vg_notify_result;

/* POSTs body[0..len) (a JSON object or array) to url with Content-Type
 * application/json and User-Agent vigil/VERSION, signed with
 * secret[0..secret_len) when secret is not NULL (a secret starting with
 * "whsec_" is the base64 of the key), retried as described above, and
 * fills *out (always, even on failure).  Blocks for at most
 * max_attempts * timeout_ms plus the waits between attempts (each at most
 * backoff_max_ms).  Returns VG_OK once the receiver answered 2xx;
 * VG_ERR_USAGE when not sent (bad URL, scheme, options, body or secret);
 * VG_ERR_IO when every attempt failed (out->outcome says how);
 * VG_ERR_NOMEM.  The URL in messages has its password removed. */
int vg_notify_webhook(vg_ctx *ctx, const char *url, const void *secret, size_t secret_len,
                      const char *body, size_t len, const vg_notify_options *opts,
                      vg_notify_result *out);

/* The longest vg_notify_webhook() can block with opts (NULL: defaults),
 * in milliseconds: every attempt taking its whole timeout_ms and every
 * wait between two attempts its longest, backoff_max_ms. */
unsigned long long vg_notify_longest_ms(const vg_notify_options *opts);

/* A new random delivery id (a UUID, RFC 9562 version 4) into out, for a
 * caller that keeps it so as to send the same delivery again later
 * (vg_notify_options.delivery_id).  VG_ERR_NOMEM when OpenSSL has no
 * random bytes. */
int vg_notify_new_id(char out[VG_NOTIFY_ID_MAX + 1]);

/* Appends body[0..len) (one JSON object or array without a line break)
 * and "\n" to the NDJSON file at path, creating it (mode 0640 before the
 * umask) when absent.  A file that does not end with "\n" (a line cut by
 * another program) gets one first, so the new line stands alone.  Waits
 * for the lock of a concurrent writer.  Returns VG_OK once the line is on
 * disk (fsync); VG_ERR_USAGE for a body that is not one JSON line;
 * VG_ERR_NOT_FOUND when the directory is missing; VG_ERR_PERMISSION;
 * VG_ERR_UNSAFE when path is a symbolic link or not a regular file;
 * VG_ERR_IO when writing fails (the file is cut back to its former size). */
int vg_notify_file(vg_ctx *ctx, const char *path, const char *body, size_t len);

/* Lowercase name of an outcome ("delivered", "not_sent", "connect_failed",
 * "tls_failed", "timed_out", "transfer_failed", "http_error",
 * "redirected"), for reports; "unknown" for any other value. */
const char *vg_notify_outcome_name(vg_notify_outcome outcome);

#endif
