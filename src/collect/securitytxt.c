/*
 * securitytxt.c — `vigil collect securitytxt` (include/vigil/collect.h,
 * docs/collect.md "securitytxt"): reads an RFC 9116 security.txt from a
 * file or fetches it with libcurl over HTTPS (RFC 9116, 3: the file MUST
 * be served over HTTPS), at /.well-known/security.txt when the URL names
 * a site, and parses it (securitytxt_parse.c).  A fetch is bounded in
 * size (SECTXT_MAX_SIZE) and time; redirects are followed only on the
 * same host and scheme, at most SECTXT_MAX_REDIRECTS, and the URL finally
 * read is recorded.  What cannot be fetched is "unchecked".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "securitytxt_internal.h"
#include "vigil/collect.h"

#define SECTXT_MAX_REDIRECTS 3
#define SECTXT_MAX_URL 2048

typedef struct body {
    char data[SECTXT_MAX_SIZE + 1];
    size_t len;
    int too_large;
} body;

static size_t body_cb(char *p, size_t size, size_t n, void *user)
{
    body *b = user;
    size_t len = size * n;
    if (len > SECTXT_MAX_SIZE - b->len) {
        b->too_large = 1;
        return 0;
    }
    memcpy(b->data + b->len, p, len);
    b->len += len;
    return len;
}

/* url with /.well-known/security.txt as its path when it names a site
 * (no path, or "/"); NULL when it is no URL curl can parse, *why set. */
static char *request_url(const char *url, const char **why)
{
    CURLU *u = curl_url();
    char *path = NULL, *out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        *why = "not a URL";
    } else if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
               (strcmp(path, "/") == 0 || path[0] == '\0') &&
               curl_url_set(u, CURLUPART_PATH, "/.well-known/security.txt", 0) != CURLUE_OK) {
        *why = "out of memory";
    } else if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
        *why = "not a URL";
        out = NULL;
    }
    curl_free(path);
    curl_url_cleanup(u);
    return out;
}

/* A part of url, malloc'd (curl_free), or NULL; the port is the
 * scheme's default when the URL names none. */
static char *url_part(const char *url, CURLUPart part)
{
    CURLU *u = curl_url();
    char *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK)
        curl_url_get(u, part, &out, part == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0);
    curl_url_cleanup(u);
    return out;
}

static int same_origin(const char *a, const char *b)
{
    char *ha = url_part(a, CURLUPART_HOST), *hb = url_part(b, CURLUPART_HOST);
    char *sa = url_part(a, CURLUPART_SCHEME), *sb = url_part(b, CURLUPART_SCHEME);
    char *pa = url_part(a, CURLUPART_PORT), *pb = url_part(b, CURLUPART_PORT);
    int same = ha && hb && sa && sb && pa && pb && strcasecmp(ha, hb) == 0 && strcasecmp(sa, sb) == 0 &&
               strcmp(pa, pb) == 0;
    curl_free(ha), curl_free(hb), curl_free(sa), curl_free(sb), curl_free(pa), curl_free(pb);
    return same;
}

typedef struct fetch_result {
    long status;
    char content_type[128];
    char location[SECTXT_MAX_URL];
    char error[CURL_ERROR_SIZE];
} fetch_result;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One GET of url into b within timeout_ms; CURLE_OK when an answer came (any status). */
static CURLcode get_once(const char *url, const vg_collect_securitytxt_options *o, long timeout_ms, body *b,
                         fetch_result *r)
{
    CURL *c = curl_easy_init();
    if (!c)
        return CURLE_OUT_OF_MEMORY;
    b->len = 0;
    b->too_large = 0;
    r->error[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, o->allow_http ? "http,https" : "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)SECTXT_MAX_SIZE);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil-collect-securitytxt");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
    CURLcode rc = curl_easy_perform(c);
    r->status = 0;
    r->content_type[0] = r->location[0] = '\0';
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL, *loc = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        snprintf(r->content_type, sizeof r->content_type, "%s", ct);
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        snprintf(r->location, sizeof r->location, "%s", loc);
    curl_easy_cleanup(c);
    return rc;
}

/* Fetches url into b following same-origin redirects; the URL read in
 * final (SECTXT_MAX_URL bytes).  NULL on success, else why not (in why). */
static const char *fetch(const char *url, const vg_collect_securitytxt_options *o, body *b, fetch_result *r,
                         char *final, char *why, size_t whylen)
{
    snprintf(final, SECTXT_MAX_URL, "%s", url);
    int64_t deadline = now_ms() + o->timeout_ms;
    for (int hops = 0;; hops++) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            snprintf(why, whylen, "no answer within %d ms", o->timeout_ms);
            return why;
        }
        CURLcode rc = get_once(final, o, (long)left, b, r);
        if (b->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
            snprintf(why, whylen, "larger than %d bytes (RFC 9116 files are small; refused)", SECTXT_MAX_SIZE);
            return why;
        }
        if (rc != CURLE_OK) {
            snprintf(why, whylen, "%s", r->error[0] ? r->error : curl_easy_strerror(rc));
            return why;
        }
        if (r->status < 300 || r->status >= 400 || !r->location[0])
            break;
        if (hops >= SECTXT_MAX_REDIRECTS) {
            snprintf(why, whylen, "more than %d redirects", SECTXT_MAX_REDIRECTS);
            return why;
        }
        if (!same_origin(final, r->location)) {
            snprintf(why, whylen, "redirected to %.1500s, another origin: not followed", r->location);
            return why;
        }
        snprintf(final, SECTXT_MAX_URL, "%s", r->location);
    }
    if (r->status != 200) {
        snprintf(why, whylen, "HTTP status %ld", r->status);
        return why;
    }
    return NULL;
}

/* Reads path (at most SECTXT_MAX_SIZE bytes) into b. */
static int read_file(vg_ctx *ctx, const char *path, body *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    b->len = 0;
    for (;;) {
        ssize_t got = read(fd, b->data + b->len, sizeof b->data - b->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            close(fd);
            return vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(e));
        }
        if (got == 0)
            break;
        b->len += (size_t)got;
        if (b->len > SECTXT_MAX_SIZE) {
            close(fd);
            return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %d bytes: not a security.txt (RFC 9116 files are small)",
                            path, SECTXT_MAX_SIZE);
        }
    }
    close(fd);
    return VG_OK;
}

static int is_url(const char *t)
{
    return strncasecmp(t, "https://", 8) == 0 || strncasecmp(t, "http://", 7) == 0;
}

/* Adds the parsed members to doc, then "source". */
static int add_parsed(vg_ctx *ctx, json_t *doc, const body *b, int64_t now, const char *fetched_from, json_t *source)
{
    json_t *parsed = sectxt_parse(b->data, b->len, now, fetched_from);
    if (!parsed || json_object_set_new(doc, "source", source) != 0 || json_object_update(doc, parsed) != 0) {
        json_decref(parsed);
        return vg_error(ctx, VG_ERR_NOMEM, "collect securitytxt: out of memory");
    }
    json_object_set_new(doc, "size", json_integer((json_int_t)b->len));
    json_object_set_new(doc, "status", json_string("checked"));
    json_decref(parsed);
    return VG_OK;
}

static int collect_url(vg_ctx *ctx, const vg_collect_securitytxt_options *o, json_t *doc, body *b)
{
    const char *why = NULL;
    char *url = request_url(o->target, &why);
    if (!url)
        return vg_error(ctx, VG_ERR_USAGE, "%s: %s", o->target, why);
    if (strncasecmp(url, "http://", 7) == 0 && !o->allow_http) {
        curl_free(url);
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: an http:// URL (RFC 9116 requires HTTPS); --allow-http fetches it anyway", o->target);
    }
    fetch_result r;
    char final[SECTXT_MAX_URL], reason[1700];
    const char *failed = fetch(url, o, b, &r, final, reason, sizeof reason);
    json_t *source = json_pack("{s:s, s:s, s:s, s:s*, s:i}", "kind", "url", "requested", url, "final", final,
                               "content_type", r.content_type[0] ? r.content_type : NULL, "http_status",
                               (json_int_t)r.status);
    curl_free(url);
    if (!source)
        return vg_error(ctx, VG_ERR_NOMEM, "collect securitytxt: out of memory");
    if (failed) {
        json_object_set_new(doc, "source", source);
        json_object_set_new(doc, "status", json_string("unchecked"));
        return vg_collect_unchecked(ctx, doc, final, failed);
    }
    int rc = add_parsed(ctx, doc, b, o->collected, final, source);
    json_t *problems = json_object_get(doc, "problems");
    if (rc == VG_OK && strncasecmp(final, "http://", 7) == 0)
        json_array_append_new(problems, json_pack("{s:s, s:n, s:s}", "code", "not-https", "line", "message",
                                                  "fetched over http:// (RFC 9116, 3 requires HTTPS)"));
    if (rc == VG_OK && strncasecmp(r.content_type, "text/plain", 10) != 0)
        json_array_append_new(problems, json_pack("{s:s, s:n, s:s}", "code", "content-type", "line", "message",
                                                  "not served as text/plain (RFC 9116, 3)"));
    return rc;
}

int vg_collect_securitytxt(vg_ctx *ctx, const vg_collect_securitytxt_options *o, json_t **out)
{
    *out = NULL;
    if (!o->target || !o->target[0])
        return vg_error(ctx, VG_ERR_USAGE, "collect securitytxt: name a URL or a file");
    if (o->timeout_ms < 1 || o->timeout_ms > 600000)
        return vg_error(ctx, VG_ERR_USAGE, "collect securitytxt: timeout %d ms out of range", o->timeout_ms);
    json_t *doc = vg_collect_document(ctx, "securitytxt", 1, o->collected, o->target);
    body *b = malloc(sizeof *b);
    if (!doc) {
        free(b);
        return VG_ERR_USAGE; /* the time or the target's name: the message is in ctx */
    }
    if (!b) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "collect securitytxt: out of memory");
    }
    int rc;
    if (is_url(o->target)) {
        rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK
                 ? collect_url(ctx, o, doc, b)
                 : vg_error(ctx, VG_ERR_UNSUPPORTED, "collect securitytxt: libcurl cannot start");
    } else {
        rc = read_file(ctx, o->target, b);
        if (rc == VG_OK)
            rc = add_parsed(ctx, doc, b, o->collected, NULL, json_pack("{s:s, s:s}", "kind", "file", "path", o->target));
    }
    free(b);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
