/*
 * registry_http.c — HTTPS requests to an OCI registry with libcurl, and
 * authentication: the distribution token flow (docker distribution
 * docs/spec/auth/token.md: a 401 with "WWW-Authenticate: Bearer realm=,
 * service=, scope=" is answered by a GET of the realm, with Basic
 * credentials when there are any, whose JSON "token" or "access_token" is
 * then sent as "Authorization: Bearer") and HTTP Basic (RFC 7617).
 *
 * Only https, for the registry, its redirects and the token realm; the
 * Authorization header is never sent to another host on a redirect
 * (libcurl's default).  Trust: the system CAs (CAPATH $SSL_CERT_DIR or
 * /etc/ssl/certs) plus --registry-ca or, without it, $SSL_CERT_FILE.
 * Bounded: redirects (REG_MAX_REDIRECTS), time to connect (incl. TLS) and
 * time without a byte (opts->timeout), and every body a buffer takes.
 * Leaves out: OAuth2 POST token requests, refresh tokens, plain http.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "source/registry_internal.h"
#include "vigil/base64.h"
#include "vigil/version.h"

#define REG_DEFAULT_TIMEOUT 30L

struct reg_client {
    vg_ctx *ctx;
    reg_ref ref;
    vg_registry_options opts;
    int push;
    CURL *curl;
    char authz[8192];       /* Authorization header line, or "" */
    int creds_loaded;
    char user[256], password[256];
    const char *creds_from; /* where the credentials came from, for messages */
    char www_auth[REG_MAX_HEADER];
};

const reg_ref *reg_client_ref(const reg_client *c) { return &c->ref; }
vg_ctx *reg_client_ctx(const reg_client *c) { return c->ctx; }

int reg_client_open(vg_ctx *ctx, const reg_ref *ref, const vg_registry_options *opts, int push, reg_client **out)
{
    *out = NULL;
    static int initialised;
    if (!initialised) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return vg_error(ctx, VG_ERR_IO, "libcurl failed to initialise");
        initialised = 1;
    }
    reg_client *c = calloc(1, sizeof *c);
    if (!c || !(c->curl = curl_easy_init())) {
        free(c);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    c->ctx = ctx;
    c->ref = *ref;
    if (opts)
        c->opts = *opts;
    if (c->opts.timeout <= 0)
        c->opts.timeout = REG_DEFAULT_TIMEOUT;
    c->push = push;
    *out = c;
    return VG_OK;
}

void reg_client_close(reg_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    explicit_bzero(c->password, sizeof c->password);
    explicit_bzero(c->authz, sizeof c->authz);
    free(c);
}

/* ---- credentials ---------------------------------------------------------- */

static int load_credentials(reg_client *c)
{
    if (c->creds_loaded)
        return VG_OK;
    c->creds_loaded = 1;
    if (c->opts.auth) {
        const char *colon = strchr(c->opts.auth, ':');
        size_t ul = colon ? (size_t)(colon - c->opts.auth) : 0;
        if (!colon || ul == 0 || ul >= sizeof c->user || strlen(colon + 1) >= sizeof c->password)
            return vg_error(c->ctx, VG_ERR_USAGE, "--registry-auth: give USER:PASSWORD");
        memcpy(c->user, c->opts.auth, ul);
        c->user[ul] = '\0';
        snprintf(c->password, sizeof c->password, "%s", colon + 1);
        c->creds_from = "--registry-auth";
        return VG_OK;
    }
    char path[4096];
    const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
    if (dir && *dir)
        snprintf(path, sizeof path, "%s/config.json", dir);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.docker/config.json", home);
    else
        return VG_OK;
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? VG_OK : vg_error(c->ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
    vg_buf text;
    vg_buf_init(&text, REG_MAX_DOCKER_CONFIG + 1);
    char chunk[8192];
    size_t n;
    int rc = VG_OK;
    while (rc == VG_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vg_buf_add(&text, chunk, n) != VG_OK)
            rc = vg_error(c->ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", path, REG_MAX_DOCKER_CONFIG);
    if (rc == VG_OK && ferror(f))
        rc = vg_error(c->ctx, VG_ERR_IO, "%s: read error", path);
    fclose(f);
    if (rc == VG_OK)
        rc = reg_docker_config_lookup(c->ctx, path, text.data ? text.data : "", text.len, c->ref.auth_host, c->user,
                                      sizeof c->user, c->password, sizeof c->password);
    if (text.data)
        explicit_bzero(text.data, text.len);
    vg_buf_free(&text);
    c->creds_from = c->user[0] ? "docker config.json" : NULL;
    return rc;
}

/* ---- one transfer ----------------------------------------------------------- */

typedef struct transfer {
    reg_client *c;
    reg_sink *sink;
    reg_response *resp;
    int over;    /* the body went past the sink's limit */
    int stopped; /* the sink's callback stopped it (message set) */
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    transfer *t = arg;
    size_t n = size * nmemb;
    if (!t->sink || t->resp->status / 100 != 2) /* error bodies are not kept */
        return n;
    if (t->sink->write) {
        if (t->sink->write(t->sink->arg, data, n)) {
            t->stopped = 1;
            return 0;
        }
        return n;
    }
    if (t->sink->buf->len + n > t->sink->max || vg_buf_add(t->sink->buf, data, n) != VG_OK) {
        t->over = 1;
        return 0;
    }
    return n;
}

static void header_value(const char *line, size_t len, size_t nlen, char *out, size_t size)
{
    const char *v = line + nlen;
    size_t n = len - nlen;
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *arg)
{
    transfer *t = arg;
    size_t n = size * nmemb;
    reg_response *r = t->resp;
#define IS(name) (n > sizeof name - 1 && strncasecmp(line, name, sizeof name - 1) == 0)
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new response (after a redirect) */
        long status = r->status;
        memset(r, 0, sizeof *r);
        r->status = status;
        t->c->www_auth[0] = '\0';
        const char *sp = memchr(line, ' ', n);
        if (sp)
            r->status = strtol(sp + 1, NULL, 10);
    } else if (IS("content-type:")) {
        header_value(line, n, 13, r->content_type, sizeof r->content_type);
        r->content_type[strcspn(r->content_type, "; ")] = '\0';
    } else if (IS("docker-content-digest:")) {
        header_value(line, n, 22, r->digest, sizeof r->digest);
    } else if (IS("location:")) {
        header_value(line, n, 9, r->location, sizeof r->location);
    } else if (IS("www-authenticate:")) {
        header_value(line, n, 17, t->c->www_auth, sizeof t->c->www_auth);
    } else if (IS("oci-subject:")) {
        r->oci_subject = 1;
    }
#undef IS
    return n;
}

static void set_tls(reg_client *c)
{
    const char *file = c->opts.ca_file ? c->opts.ca_file : getenv("SSL_CERT_FILE");
    const char *dir = getenv("SSL_CERT_DIR");
    if (file && *file)
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, file);
    curl_easy_setopt(c->curl, CURLOPT_CAPATH, dir && *dir ? dir : "/etc/ssl/certs");
}

static int perform(reg_client *c, const char *method, const char *url, const char *accept, const void *body,
                   size_t body_len, const char *ctype, reg_sink *sink, reg_response *resp, const char *authz)
{
    CURL *h = c->curl;
    curl_easy_reset(h);
    memset(resp, 0, sizeof *resp);
    transfer t = {.c = c, .sink = sink, .resp = resp};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char line[sizeof c->authz + 32];
    if (accept) {
        snprintf(line, sizeof line, "Accept: %s", accept);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (authz && *authz) {
        snprintf(line, sizeof line, "Authorization: %s", authz);
        hdrs = curl_slist_append(hdrs, line);
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, get ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)REG_MAX_REDIRECTS);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else if (!get)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body || !get) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->opts.timeout);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->opts.timeout);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    set_tls(c);
    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    explicit_bzero(line, sizeof line);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    if (t.stopped)
        return c->ctx->message[0] ? VG_ERR_DIGEST : vg_error(c->ctx, VG_ERR_IO, "%s: transfer stopped", c->ref.host);
    if (t.over)
        return vg_error(c->ctx, VG_ERR_LIMIT, "%s: the answer to %s %s is larger than %zu bytes", c->ref.host, method,
                        url, sink->max);
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return vg_error(c->ctx, VG_ERR_IO,
                        "registry %s: no answer for %ld s (%s %s timed out): is the registry up? "
                        "(the limit: --registry-timeout or VIGIL_REGISTRY_TIMEOUT)",
                        c->ref.host, c->opts.timeout, method, url);
    if (cc == CURLE_TOO_MANY_REDIRECTS)
        return vg_error(c->ctx, VG_ERR_LIMIT, "registry %s: more than %d redirects for %s", c->ref.host,
                        REG_MAX_REDIRECTS, url);
    if (cc != CURLE_OK)
        return vg_error(c->ctx, VG_ERR_IO, "registry %s: %s %s: %s", c->ref.host, method, url,
                        errbuf[0] ? errbuf : curl_easy_strerror(cc));
    return VG_OK;
}

/* ---- authentication ------------------------------------------------------- */

static int basic_header(reg_client *c, char *out, size_t size)
{
    vg_buf plain, enc;
    vg_buf_init(&plain, 1024);
    vg_buf_init(&enc, 2048);
    int rc = vg_buf_addf(&plain, "%s:%s", c->user, c->password);
    if (rc == VG_OK)
        rc = vg_base64_encode(&enc, plain.data, plain.len);
    if (rc == VG_OK && (size_t)snprintf(out, size, "Basic %.*s", (int)enc.len, enc.data) >= size)
        rc = VG_ERR_LIMIT;
    if (plain.data)
        explicit_bzero(plain.data, plain.len);
    vg_buf_free(&plain);
    vg_buf_free(&enc);
    return rc ? vg_error(c->ctx, rc, "out of memory") : VG_OK;
}

static int refused(reg_client *c)
{
    if (!c->user[0])
        return vg_error(c->ctx, VG_ERR_PERMISSION,
                        "registry %s: %s needs credentials: give --registry-auth USER:PASSWORD (or @FILE), or an "
                        "\"auths\" entry for %s in ~/.docker/config.json",
                        c->ref.host, c->ref.repo, c->ref.auth_host);
    return vg_error(c->ctx, VG_ERR_PERMISSION,
                    "registry %s: the credentials for user '%s' (from %s) were refused for %s%s: wrong user name or "
                    "password?", c->ref.host, c->user, c->creds_from, c->ref.repo, c->push ? " (push)" : "");
}

/* Answers the challenge of the last 401 by setting c->authz. */
static int authenticate(reg_client *c)
{
    reg_challenge ch;
    int prc = reg_challenge_parse(c->www_auth, strlen(c->www_auth), &ch);
    if (prc != VG_OK)
        return vg_error(c->ctx, VG_ERR_UNSUPPORTED,
                        "registry %s: answered 401 with an authentication challenge vigil does not take: '%.200s'",
                        c->ref.host, c->www_auth);
    int rc = load_credentials(c);
    if (rc)
        return rc;
    if (ch.scheme == REG_AUTH_BASIC) {
        if (!c->user[0])
            return refused(c);
        return basic_header(c, c->authz, sizeof c->authz);
    }
    if (strncmp(ch.realm, "https://", 8) != 0)
        return vg_error(c->ctx, VG_ERR_UNSUPPORTED, "registry %s: the token realm '%.200s' is not https", c->ref.host,
                        ch.realm);
    char scope[600];
    snprintf(scope, sizeof scope, "repository:%s:%s", c->ref.repo, c->push ? "pull,push" : "pull");
    char *es = curl_easy_escape(c->curl, ch.service, 0), *esc = curl_easy_escape(c->curl, scope, 0);
    vg_buf url;
    vg_buf_init(&url, 4096);
    rc = vg_buf_addf(&url, "%s%cservice=%s&scope=%s", ch.realm, strchr(ch.realm, '?') ? '&' : '?', es ? es : "",
                     esc ? esc : "");
    curl_free(es);
    curl_free(esc);
    char basic[1024] = "";
    if (rc == VG_OK && c->user[0])
        rc = basic_header(c, basic, sizeof basic);
    vg_buf answer;
    vg_buf_init(&answer, REG_MAX_TOKEN_ANSWER);
    reg_sink sink = {.buf = &answer, .max = REG_MAX_TOKEN_ANSWER};
    reg_response resp;
    if (rc == VG_OK)
        rc = perform(c, "GET", url.data, "application/json", NULL, 0, NULL, &sink, &resp, basic);
    explicit_bzero(basic, sizeof basic);
    if (rc == VG_OK && (resp.status == 401 || resp.status == 403))
        rc = refused(c);
    else if (rc == VG_OK && resp.status != 200)
        rc = vg_error(c->ctx, VG_ERR_IO, "registry %s: the token service %s answered HTTP %ld", c->ref.host, ch.realm,
                      resp.status);
    if (rc == VG_OK) {
        json_t *j = json_loadb(answer.data ? answer.data : "", answer.len, 0, NULL);
        const char *tok = json_string_value(json_object_get(j, "token"));
        if (!tok)
            tok = json_string_value(json_object_get(j, "access_token"));
        if (!tok || !*tok || strlen(tok) + 8 >= sizeof c->authz || strpbrk(tok, "\r\n"))
            rc = vg_error(c->ctx, VG_ERR_FORMAT, "registry %s: the token service %s sent no usable token",
                          c->ref.host, ch.realm);
        else
            snprintf(c->authz, sizeof c->authz, "Bearer %s", tok);
        json_decref(j);
    }
    if (answer.data)
        explicit_bzero(answer.data, answer.len);
    vg_buf_free(&answer);
    vg_buf_free(&url);
    return rc;
}

int reg_request(reg_client *c, const char *method, const char *path, const char *accept, const void *body,
                size_t body_len, const char *ctype, reg_sink *sink, reg_response *resp)
{
    vg_buf url;
    vg_buf_init(&url, 8192);
    int rc = !strncmp(path, "https://", 8) ? vg_buf_addstr(&url, path)
                                           : vg_buf_addf(&url, "https://%s%s", c->ref.host, path);
    if (rc)
        return vg_error(c->ctx, rc, "registry %s: URL too long", c->ref.host);
    size_t kept = sink && sink->buf ? sink->buf->len : 0;
    /* A Location on another host (an upload to storage) gets no credentials. */
    size_t hl = strlen(c->ref.host);
    int own = strncmp(url.data + 8, c->ref.host, hl) == 0 && (url.data[8 + hl] == '/' || url.data[8 + hl] == '\0');
    if (!own) {
        rc = perform(c, method, url.data, accept, body, body_len, ctype, sink, resp, NULL);
        vg_buf_free(&url);
        return rc;
    }
    /* Credentials given are sent as Basic from the first request: a registry
     * that takes them saves the round trip of its 401; one that wants a
     * token still answers 401 with its challenge. */
    if (!c->authz[0] && !c->creds_loaded) {
        if (load_credentials(c) != VG_OK || (c->user[0] && basic_header(c, c->authz, sizeof c->authz) != VG_OK)) {
            /* said again if the registry asks for credentials; else moot */
            c->creds_loaded = 0;
            c->user[0] = c->authz[0] = c->ctx->message[0] = '\0';
        }
    }
    rc = perform(c, method, url.data, accept, body, body_len, ctype, sink, resp, c->authz);
    if (rc == VG_OK && resp->status == 401) {
        int had = c->authz[0] != '\0';
        rc = authenticate(c);
        if (rc == VG_OK && had && !c->user[0])
            rc = refused(c);
        if (rc == VG_OK) {
            if (sink && sink->buf)
                sink->buf->len = kept;
            rc = perform(c, method, url.data, accept, body, body_len, ctype, sink, resp, c->authz);
        }
        if (rc == VG_OK && resp->status == 401)
            rc = refused(c);
    }
    vg_buf_free(&url);
    return rc;
}

int reg_status_error(reg_client *c, const char *what, const reg_response *resp)
{
    int code = resp->status == 404   ? VG_ERR_NOT_FOUND
               : resp->status == 403 ? VG_ERR_PERMISSION
                                     : VG_ERR_IO;
    return vg_error(c->ctx, code, "registry %s: %s: HTTP %ld%s", c->ref.host, what, resp->status,
                    resp->status == 404 ? " (not found)" : resp->status == 403 ? " (denied)" : "");
}
