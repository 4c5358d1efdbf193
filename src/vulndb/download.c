/*
 * download.c — one HTTP(S) GET of a feed into a file, with libcurl, for
 * `vigil db update` (update.c, nvd_api.c).
 *
 * Conditional requests (If-None-Match / If-Modified-Since), retries with
 * exponential backoff on transient failures (connection, timeouts, stalls,
 * HTTP 5xx, 408 and 429; 403 too for NVD, which answers it when it
 * throttles), proxies from the environment (libcurl: http_proxy,
 * https_proxy, no_proxy), compressed transfers, a CA file instead of the
 * system's when asked.  Redirects are followed by this code, not by
 * libcurl, so that each hop is checked: at most 5, and never from https to
 * any other scheme (a redirect must not strip TLS off a download).  The
 * file is created O_EXCL|O_NOFOLLOW in a directory the caller opened.
 * What is verified: HTTP status and complete transfers (Content-Length);
 * the content is the importers' business.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulndb/vulndb_internal.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0"
#endif

#define DOWNLOAD_MAX ((curl_off_t)4 << 30)
#define REDIRECTS_MAX 5

typedef struct transfer {
    FILE *out;
    vdb_download *d;
} transfer;

static size_t write_cb(char *data, size_t size, size_t n, void *user)
{
    transfer *t = user;
    return fwrite(data, size, n, t->out);
}

/* Copies a header value (after "Name:") without surrounding blanks. */
static void header_value(const char *h, size_t len, size_t namelen, char *out, size_t outsz)
{
    const char *v = h + namelen;
    size_t vl = len - namelen;
    while (vl > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vl--;
    }
    while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    if (vl < outsz)
        snprintf(out, outsz, "%.*s", (int)vl, v);
}

static size_t header_cb(char *h, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (len > 5 && strncasecmp(h, "ETag:", 5) == 0)
        header_value(h, len, 5, t->d->etag, sizeof t->d->etag);
    else if (len > 14 && strncasecmp(h, "Last-Modified:", 14) == 0)
        header_value(h, len, 14, t->d->last_modified, sizeof t->d->last_modified);
    return len;
}

int64_t vdb_http_time(const char *date)
{
    time_t t = date && date[0] ? curl_getdate(date, NULL) : -1;
    return t > 0 ? (int64_t)t : 0;
}

static int is_https(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0;
}

/* One request of url into fd (emptied first); *code the HTTP status,
 * *redirect the Location of a 3xx answer (malloc'd) or NULL. */
static CURLcode request(const char *url, int fd, const char *etag, const char *last_modified,
                        const vdb_fetch_opts *o, int https_only, vdb_download *d, long *code,
                        char **redirect, char *errbuf)
{
    *code = 0;
    *redirect = NULL;
    memset(d, 0, sizeof *d);
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
        return CURLE_WRITE_ERROR;
    int dupfd = dup(fd);
    transfer t = {.out = dupfd >= 0 ? fdopen(dupfd, "wb") : NULL, .d = d};
    if (!t.out) {
        if (dupfd >= 0)
            close(dupfd);
        return CURLE_WRITE_ERROR;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        fclose(t.out);
        return CURLE_OUT_OF_MEMORY;
    }
    struct curl_slist *hdrs = NULL;
    char line[700];
    if (etag && etag[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (last_modified && last_modified[0]) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", last_modified);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (o->api_key && o->api_key[0]) {
        snprintf(line, sizeof line, "apiKey: %s", o->api_key);
        hdrs = curl_slist_append(hdrs, line);
        explicit_bzero(line, sizeof line);
    }
    const char *protocols = https_only ? "https" : "http,https";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->stall_timeout);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, DOWNLOAD_MAX);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o->ca_cert)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_cert);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
    char *location = NULL;
    if (rc == CURLE_OK && *code >= 300 && *code < 400 && *code != 304 &&
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
        *redirect = strdup(location);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    if (fclose(t.out) != 0 && rc == CURLE_OK)
        rc = CURLE_WRITE_ERROR;
    return rc;
}

int vdb_fetch(vg_ctx *ctx, const char *url, int dir_fd, const char *dir_path, const char *name,
              const char *etag, const char *last_modified, const vdb_fetch_opts *o, vdb_download *out)
{
    memset(out, 0, sizeof *out);
    int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return vg_error(ctx, VG_ERR_IO, "%s/%s: %s", dir_path, name, strerror(errno));
    unsigned delay = o->first_delay ? o->first_delay : 1;
    int st = VG_ERR_IO;
    int https_only = is_https(url);
    for (unsigned attempt = 0; attempt <= o->retries; attempt++) {
        if (attempt > 0) {
            sleep(delay);
            delay *= 2;
        }
        char *hop = strdup(url);
        long code = 0;
        CURLcode rc = CURLE_OUT_OF_MEMORY;
        char errbuf[CURL_ERROR_SIZE] = "";
        for (int hops = 0; hop; hops++) {
            char *next = NULL;
            errbuf[0] = '\0';
            rc = request(hop, fd, etag, last_modified, o, https_only, out, &code, &next, errbuf);
            if (!next)
                break;
            if (hops >= REDIRECTS_MAX) {
                free(next);
                free(hop);
                close(fd);
                return vg_error(ctx, VG_ERR_IO, "%s: more than %d redirects", url, REDIRECTS_MAX);
            }
            if (https_only && !is_https(next)) {
                st = vg_error(ctx, VG_ERR_UNSAFE,
                              "%s: redirected to %s: refused, a download from an https URL must stay"
                              " on https",
                              url, next);
                free(next);
                free(hop);
                close(fd);
                return st;
            }
            free(hop);
            hop = next;
        }
        free(hop);
        if (rc == CURLE_OK && (code == 200 || code == 304)) {
            out->not_modified = code == 304;
            if (fsync(fd) != 0) {
                st = vg_error(ctx, VG_ERR_IO, "%s/%s: %s", dir_path, name, strerror(errno));
                close(fd);
                return st;
            }
            close(fd);
            return VG_OK;
        }
        if (rc == CURLE_WRITE_ERROR) {
            st = vg_error(ctx, VG_ERR_IO, "%s/%s: cannot write the download: %s", dir_path, name,
                          strerror(errno));
            break;
        }
        int transient;
        if (rc != CURLE_OK) {
            transient = rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                        rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                        rc == CURLE_GOT_NOTHING || rc == CURLE_COULDNT_RESOLVE_HOST;
            st = vg_error(ctx, VG_ERR_IO, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        } else {
            transient = code >= 500 || code == 429 || code == 408 || (code == 403 && o->retry_403);
            st = vg_error(ctx, code == 404 ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: HTTP status %ld", url, code);
        }
        if (!transient)
            break;
    }
    close(fd);
    return st;
}
