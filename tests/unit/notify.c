/*
 * notify.c — unit tests of the notification sinks (src/store/notify.c),
 * and the driver through which tests/e2e/notify_webhook.sh and
 * notify_file.sh exercise them until `vigil monitor` exists.
 *
 * Without arguments: the checks made before any request is sent (URL,
 * scheme, options, delivery id, body, secret), which need no network.
 * With arguments (each prints one JSON object, see usage()):
 *   unit_notify webhook URL BODY_FILE [--secret-file F] [--attempts N]
 *       [--connect-timeout-ms N] [--timeout-ms N] [--backoff-ms N]
 *       [--backoff-max-ms N] [--id ID] [--ca-file F]
 *   unit_notify append PATH --body-file F [--fsize-limit BYTES]
 *   unit_notify append PATH --writer NAME --count N --pad BYTES
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vigil/vigil.h"
#include "check.h"

static const char BODY[] = "{\"findings\":[]}";

/* A webhook call refused before sending: VG_ERR_USAGE, no attempt, and a
 * message that holds want (and not hidden, when given). */
static void expect_refused(const char *url, const void *secret, size_t secret_len, const char *body,
                           const vg_notify_options *o, const char *want, const char *hidden)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_notify_result r;
    int st = vg_notify_webhook(&ctx, url, secret, secret_len, body, body ? strlen(body) : 0, o, &r);
    CHECK(st == VG_ERR_USAGE, "%s: status %d (%s)", url, st, ctx.message);
    CHECK(r.attempts == 0 && r.outcome == VG_NOTIFY_NOT_SENT && r.delivery_id[0] == '\0',
          "%s: %u attempts, outcome %s", url, r.attempts, vg_notify_outcome_name(r.outcome));
    CHECK(strstr(ctx.message, want) != NULL, "%s: message '%s' lacks '%s'", url, ctx.message, want);
    CHECK(!hidden || !strstr(ctx.message, hidden), "%s: message '%s' shows '%s'", url, ctx.message,
          hidden);
    vg_ctx_free(&ctx);
}

static void test_refused(void)
{
    /* Port 9 (discard) on loopback: nothing listens there in the tests, and
     * a request that went out anyway would fail as "connect_failed". */
    const char *url = "http://127.0.0.1:9/hook";
    expect_refused("ftp://127.0.0.1:9/hook", NULL, 0, BODY, NULL, "the scheme ftp is not supported", NULL);
    expect_refused("file:///etc/passwd", NULL, 0, BODY, NULL, "not supported", NULL);
    expect_refused("127.0.0.1:9/hook", NULL, 0, BODY, NULL, "not a valid absolute URL", NULL);
    expect_refused("http://", NULL, 0, BODY, NULL, "not a valid absolute URL", NULL);
    expect_refused("", NULL, 0, BODY, NULL, "not a valid absolute URL", NULL);
    /* The password of a URL never reaches a message. */
    expect_refused("https://robot:hunter2@127.0.0.1:9/hook", NULL, 0, "[1,", NULL,
                   "https://robot@127.0.0.1:9/hook: the notification is not a JSON object or array",
                   "hunter2");
    expect_refused(url, NULL, 0, "", NULL, "the notification is empty", NULL);
    expect_refused(url, NULL, 0, NULL, NULL, "the notification is empty", NULL);
    expect_refused(url, NULL, 0, "\"a string\"", NULL, "not a JSON object or array", NULL);
    expect_refused(url, NULL, 0, "{} {}", NULL, "not a JSON object or array", NULL);
    expect_refused(url, "", 0, BODY, NULL, "the webhook secret is empty", NULL);
    expect_refused(url, "whsec_", 6, BODY, NULL, "the webhook secret is empty", NULL);
    expect_refused(url, "whsec_not*base64", 16, BODY, NULL, "the rest is not base64", "not*base64");
    static char big[5000];
    memset(big, 'k', sizeof big);
    expect_refused(url, big, sizeof big, BODY, NULL, "longer than 4096 bytes", NULL);

    vg_notify_options o = {.max_attempts = VG_NOTIFY_ATTEMPTS_MAX + 1};
    expect_refused(url, NULL, 0, BODY, &o, "11 attempts asked for, at most 10", NULL);
    /* A delivery id is a header value and is signed between dots. */
    const char *bad_ids[] = {"", "a.b", "x\r\nX-Evil: 1", "id with space",
                             "12345678901234567890123456789012345678901234567890123456789012345"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        vg_notify_options oi = {.delivery_id = bad_ids[i]};
        expect_refused(url, NULL, 0, BODY, &oi, "must be 1 to 64 characters", NULL);
    }
}

static void test_names(void)
{
    static const char *const want[] = {"delivered", "not_sent", "connect_failed", "tls_failed",
                                       "timed_out", "transfer_failed", "http_error", "redirected"};
    for (int i = 0; i < 8; i++)
        CHECK(strcmp(vg_notify_outcome_name((vg_notify_outcome)i), want[i]) == 0, "outcome %d is %s", i,
              vg_notify_outcome_name((vg_notify_outcome)i));
    CHECK(strcmp(vg_notify_outcome_name((vg_notify_outcome)8), "unknown") == 0, "outcome 8");
    CHECK(strcmp(vg_notify_outcome_name((vg_notify_outcome)-1), "unknown") == 0, "outcome -1");
}

/* ---- driver ---- */

static int usage(void)
{
    fprintf(stderr, "usage: unit_notify webhook URL BODY_FILE [--secret-file F] [--attempts N]\n"
                    "         [--connect-timeout-ms N] [--timeout-ms N] [--backoff-ms N]\n"
                    "         [--backoff-max-ms N] [--id ID] [--ca-file F]\n"
                    "       unit_notify append PATH --body-file F [--fsize-limit BYTES]\n"
                    "       unit_notify append PATH --writer NAME --count N --pad BYTES\n");
    return 2;
}

/* The whole file, exactly (no newline removed); NULL with a message. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            char *p = realloc(data, cap);
            if (!p) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = p;
        }
        size_t n = fread(data + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        perror(path);
        free(data);
        return NULL;
    }
    return data;
}

static int print_json(json_t *o)
{
    int rc = o && json_dumpf(o, stdout, JSON_SORT_KEYS | JSON_COMPACT) == 0 && putchar('\n') != EOF &&
                     fflush(stdout) == 0
                 ? 0
                 : 1;
    json_decref(o);
    return rc;
}

static int drive_webhook(int argc, char **argv)
{
    if (argc < 4)
        return usage();
    const char *url = argv[2];
    vg_notify_options o = {0};
    char *secret = NULL;
    size_t secret_len = 0, len;
    char *body = slurp(argv[3], &len);
    if (!body)
        return 2;
    for (int i = 4; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (strcmp(opt, "--secret-file") == 0) {
            if (!(secret = slurp(v, &secret_len)))
                return 2;
        } else if (strcmp(opt, "--attempts") == 0)
            o.max_attempts = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(opt, "--connect-timeout-ms") == 0)
            o.connect_timeout_ms = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(opt, "--timeout-ms") == 0)
            o.timeout_ms = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(opt, "--backoff-ms") == 0)
            o.backoff_ms = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(opt, "--backoff-max-ms") == 0)
            o.backoff_max_ms = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(opt, "--id") == 0)
            o.delivery_id = v;
        else if (strcmp(opt, "--ca-file") == 0)
            o.ca_file = v;
        else
            return usage();
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_notify_result r;
    int st = vg_notify_webhook(&ctx, url, secret, secret_len, body, len, &o, &r);
    int rc = print_json(json_pack("{s:i, s:s, s:s, s:I, s:I, s:s, s:I}", "status", st, "error",
                                  st == VG_OK ? "" : ctx.message, "outcome",
                                  vg_notify_outcome_name(r.outcome), "attempts", (json_int_t)r.attempts,
                                  "http_status", (json_int_t)r.http_status, "delivery_id",
                                  r.delivery_id, "waited_ms", (json_int_t)r.waited_ms));
    vg_ctx_free(&ctx);
    free(secret);
    free(body);
    return rc;
}

static int drive_append(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *path = argv[2], *body_file = NULL, *writer = NULL;
    unsigned long count = 1, pad = 0, fsize_limit = 0;
    for (int i = 3; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (strcmp(opt, "--body-file") == 0)
            body_file = v;
        else if (strcmp(opt, "--writer") == 0)
            writer = v;
        else if (strcmp(opt, "--count") == 0)
            count = strtoul(v, NULL, 10);
        else if (strcmp(opt, "--pad") == 0)
            pad = strtoul(v, NULL, 10);
        else if (strcmp(opt, "--fsize-limit") == 0)
            fsize_limit = strtoul(v, NULL, 10);
        else
            return usage();
    }
    if (!body_file == !writer)
        return usage();
    if (fsize_limit) {
        /* A full disk, as far as this process is concerned: a write past
         * the limit fails with EFBIG instead of killing the process. */
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {.rlim_cur = fsize_limit, .rlim_max = fsize_limit};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
            perror("setrlimit");
            return 2;
        }
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int st = VG_OK;
    unsigned long done = 0;
    if (body_file) {
        size_t len;
        char *body = slurp(body_file, &len);
        if (!body)
            return 2;
        st = vg_notify_file(&ctx, path, body, len);
        done = st == VG_OK;
        free(body);
    } else {
        char *padding = malloc(pad + 1);
        if (!padding)
            return 2;
        memset(padding, 'x', pad);
        padding[pad] = '\0';
        for (; done < count && st == VG_OK; done++) {
            json_t *line = json_pack("{s:s, s:I, s:s}", "writer", writer, "seq", (json_int_t)done,
                                     "pad", padding);
            char *text = line ? json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            st = text ? vg_notify_file(&ctx, path, text, strlen(text)) : VG_ERR_NOMEM;
            free(text);
            json_decref(line);
            if (st != VG_OK)
                break;
        }
        free(padding);
    }
    int rc = print_json(json_pack("{s:i, s:s, s:I}", "status", st, "error", st == VG_OK ? "" : ctx.message,
                                  "appended", (json_int_t)done));
    vg_ctx_free(&ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "webhook") == 0)
        return drive_webhook(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "append") == 0)
        return drive_append(argc, argv);
    if (argc != 1)
        return usage();
    test_names();
    test_refused();
    if (failures) {
        fprintf(stderr, "%d notify checks failed\n", failures);
        return 1;
    }
    printf("notify: all checks passed\n");
    return 0;
}
