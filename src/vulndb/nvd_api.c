/*
 * nvd_api.c — keeps a local copy of NVD's CVE records up to date through
 * the NVD CVE API 2.0 (https://nvd.nist.gov/developers/vulnerabilities,
 * https://nvd.nist.gov/developers/start-here), for the source "nvd" of
 * `vigil db update`.
 *
 * The copy is the cache directory DB.feeds/nvd/: the API's answers as
 * they came (pages of at most 2000 CVEs, "resultsPerPage"/"startIndex"
 * paging) and a small text file "state":
 *
 *   vigil-nvd-cache 1
 *   api https://services.nvd.nist.gov/rest/json/cves/2.0
 *   newest 2026-06-17T02:18:50.250      newest lastModified received
 *   page 0000000001.json                pages, oldest first
 *
 * The first update downloads everything; later ones only the CVEs modified
 * since "newest" (lastModStartDate/lastModEndDate, windows of at most 120
 * days as the API requires).  A CVE's newest copy is in the newest page
 * holding it, so pages are imported newest first and the first copy of a
 * CVE wins.  The cache is downloaded again whole when it was filled from
 * another URL, lost a page, or holds more than NVD_CACHE_PAGES pages.
 * Requests are spaced as NVD asks (at most 5 per 30 s without an API key,
 * 50 with one: 6 s or 0.6 s apart); the key goes in the "apiKey" header,
 * never in the URL, so it is not stored in the database.  A throttled
 * request (403) is retried.
 *
 * Nothing in the cache changes before vdb_nvd_sync_commit(): new pages
 * wait in the download directory.  Files of the cache are opened with
 * O_NOFOLLOW and removed with unlinkat() relative to the cache's
 * directory descriptor, so a planted symbolic link is never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/vulndb_internal.h"

#define NVD_CACHE_PAGES 1000             /* more: download everything again */
#define NVD_STATE_MAX ((size_t)1 << 20)
#define NVD_PAGE_SIZE 2000               /* the API's largest resultsPerPage */
#define NVD_PAGES_PER_SYNC 100000        /* a bound on one run, whatever the server says */
#define NVD_WINDOW ((int64_t)120 * 86400) /* the API's longest lastMod range */
#define NVD_STATE_MAGIC "vigil-nvd-cache 1"

/* "0000000042.json" */
static int page_number(const char *name, unsigned long *out)
{
    char *end;
    if (strlen(name) != 15 || strcmp(name + 10, ".json") != 0)
        return 0;
    *out = strtoul(name, &end, 10);
    return end == name + 10;
}

static int add_name(vg_arena *arena, char ***list, size_t *n, size_t *cap, const char *name)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        char **p = vg_arena_calloc(arena, ncap, sizeof *p);
        if (!p)
            return VG_ERR_NOMEM;
        if (*list)
            memcpy(p, *list, *n * sizeof *p);
        *list = p;
        *cap = ncap;
    }
    if (!((*list)[*n] = vg_arena_strdup(arena, name)))
        return VG_ERR_NOMEM;
    (*n)++;
    return VG_OK;
}

/* Reads the state of the cache; a missing or unusable state is an empty
 * cache (everything is downloaded again), never an error. */
static void read_state(int cache_fd, vdb_nvd_sync *s, char **api)
{
    *api = NULL;
    int fd = openat(cache_fd, "state", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    char *text = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size < NVD_STATE_MAX &&
        (text = calloc(1, (size_t)st.st_size + 1)) &&
        read(fd, text, (size_t)st.st_size) != (ssize_t)st.st_size) {
        free(text);
        text = NULL;
    }
    close(fd);
    if (!text)
        return;
    size_t cap = 0;
    int ok = strncmp(text, NVD_STATE_MAGIC "\n", strlen(NVD_STATE_MAGIC) + 1) == 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); ok && line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long num;
        struct stat ps;
        if (strncmp(line, "api ", 4) == 0) {
            *api = vg_arena_strdup(&s->arena, line + 4);
        } else if (strncmp(line, "newest ", 7) == 0 && strlen(line + 7) < sizeof s->newest) {
            snprintf(s->newest, sizeof s->newest, "%s", line + 7);
        } else if (strncmp(line, "page ", 5) == 0) {
            /* A listed page must be there, a regular file: else start over. */
            ok = page_number(line + 5, &num) &&
                 fstatat(cache_fd, line + 5, &ps, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(ps.st_mode) &&
                 add_name(&s->arena, &s->old_pages, &s->nold, &cap, line + 5) == VG_OK;
        }
    }
    free(text);
    if (!ok) {
        s->nold = 0;
        s->newest[0] = '\0';
        *api = NULL;
    }
}

/* The highest page number in the cache directory (listed or not). */
static unsigned long last_page_number(int cache_fd)
{
    unsigned long last = 0, num;
    int fd = dup(cache_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    rewinddir(d); /* a dup() shares the position of the descriptor */
    struct dirent *e;
    while ((e = readdir(d)))
        if (page_number(e->d_name, &num) && num > last)
            last = num;
    closedir(d);
    return last;
}

static void format_nvd_time(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    /* "2024-04-01T13:00:00.000%2B00:00": extended ISO-8601 with its zone, URL-encoded. */
    snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.000%%2B00:00", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

typedef struct pager {
    vg_ctx *ctx;
    const char *api;
    int fetch_fd;
    const char *fetch_dir;
    const vdb_fetch_opts *o;
    unsigned long next_number;
    int requests;
    vdb_nvd_sync *s;
    size_t new_cap;
} pager;

/* Every page of one query (window NULL: everything). */
static int fetch_query(pager *pg, const char *window)
{
    int64_t start = 0;
    char url[8192];
    for (int pages = 0; pages < NVD_PAGES_PER_SYNC; pages++) {
        if (pg->requests++ > 0)
            pause_ms(pg->o->api_key && pg->o->api_key[0] ? 600 : 6000);
        snprintf(url, sizeof url, "%s%cresultsPerPage=%d&startIndex=%lld%s", pg->api,
                 strchr(pg->api, '?') ? '&' : '?', NVD_PAGE_SIZE, (long long)start, window ? window : "");
        char name[32];
        snprintf(name, sizeof name, "%010lu.json", pg->next_number++);
        vdb_download d;
        int st = vdb_fetch(pg->ctx, url, pg->fetch_fd, pg->fetch_dir, name, NULL, NULL, pg->o, &d);
        if (st != VG_OK)
            return st;
        int fd = openat(pg->fetch_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return vg_error(pg->ctx, VG_ERR_IO, "%s/%s: %s", pg->fetch_dir, name, strerror(errno));
        vdb_nvd_page page;
        char label[8300];
        snprintf(label, sizeof label, "%s (page from %s)", name, url);
        st = vdb_nvd_page_scan(pg->ctx, label, fd, &page);
        close(fd);
        if (st != VG_OK)
            return st;
        if (page.start_index >= 0 && page.start_index != start)
            return vg_error(pg->ctx, VG_ERR_FORMAT,
                            "%s: answered startIndex %lld to a request for %lld: not an NVD API 2.0"
                            " endpoint that pages",
                            url, (long long)page.start_index, (long long)start);
        if (page.records == 0) {
            unlinkat(pg->fetch_fd, name, 0);
            if (start < page.total_results)
                return vg_error(pg->ctx, VG_ERR_FORMAT, "%s: an empty page before the end (%lld of %lld)",
                                url, (long long)start, (long long)page.total_results);
            return VG_OK;
        }
        if (add_name(&pg->s->arena, &pg->s->new_pages, &pg->s->nnew, &pg->new_cap, name) != VG_OK)
            return vg_error(pg->ctx, VG_ERR_NOMEM, "out of memory");
        int64_t t, have;
        if (page.newest[0] && vdb_parse_time(page.newest, &t) == 0 &&
            (!pg->s->newest[0] || (vdb_parse_time(pg->s->newest, &have) == 0 && t > have)))
            snprintf(pg->s->newest, sizeof pg->s->newest, "%s", page.newest);
        start += page.records;
        if (start >= page.total_results)
            return VG_OK;
    }
    return vg_error(pg->ctx, VG_ERR_LIMIT, "%s: more than %d pages", pg->api, NVD_PAGES_PER_SYNC);
}

static int add_item(vdb_nvd_sync *s, size_t *cap, const char *dir, const char *name)
{
    if (s->nitems == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        vdb_nvd_item *p = vg_arena_calloc(&s->arena, ncap, sizeof *p);
        if (!p)
            return VG_ERR_NOMEM;
        if (s->items)
            memcpy(p, s->items, s->nitems * sizeof *p);
        s->items = p;
        *cap = ncap;
    }
    vdb_nvd_item *it = &s->items[s->nitems++];
    it->dir = vg_arena_strdup(&s->arena, dir);
    it->name = vg_arena_strdup(&s->arena, name);
    return it->dir && it->name ? VG_OK : VG_ERR_NOMEM;
}

int vdb_nvd_sync_fetch(vg_ctx *ctx, const char *api, int cache_fd, const char *cache_dir,
                       int fetch_fd, const char *fetch_dir, const vdb_fetch_opts *o,
                       vdb_nvd_sync *s)
{
    memset(s, 0, sizeof *s);
    vg_arena_init(&s->arena);
    s->api = vg_arena_strdup(&s->arena, api);
    char *old_api;
    read_state(cache_fd, s, &old_api);
    s->full = !old_api || strcmp(old_api, api) != 0 || !s->newest[0] || s->nold == 0 ||
              s->nold > NVD_CACHE_PAGES;
    if (s->full)
        s->newest[0] = '\0';
    pager pg = {.ctx = ctx, .api = api, .fetch_fd = fetch_fd, .fetch_dir = fetch_dir, .o = o,
                .next_number = last_page_number(cache_fd) + 1, .s = s};
    int st = VG_OK;
    int64_t from;
    if (s->full || vdb_parse_time(s->newest, &from) != 0) {
        s->full = 1;
        st = fetch_query(&pg, NULL);
    } else {
        /* Windows from the newest change we hold to now; the start is
         * inclusive, so that CVE comes again (harmless). */
        int64_t now = (int64_t)time(NULL), end = now > from ? now : from;
        do {
            int64_t to = end - from > NVD_WINDOW ? from + NVD_WINDOW : end;
            char a[64], b[64], window[200];
            format_nvd_time(from, a, sizeof a);
            format_nvd_time(to, b, sizeof b);
            snprintf(window, sizeof window, "&lastModStartDate=%s&lastModEndDate=%s", a, b);
            st = fetch_query(&pg, window);
            from = to;
        } while (st == VG_OK && from < end);
    }
    if (st != VG_OK)
        return st;
    size_t cap = 0;
    for (size_t i = s->nnew; i-- > 0 && st == VG_OK;)
        st = add_item(s, &cap, fetch_dir, s->new_pages[i]);
    for (size_t i = s->full ? 0 : s->nold; i-- > 0 && st == VG_OK;)
        st = add_item(s, &cap, cache_dir, s->old_pages[i]);
    return st == VG_OK ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}

/* Is name one of the pages the new state lists? */
static int listed(const vdb_nvd_sync *s, const char *name)
{
    for (size_t i = 0; i < s->nnew; i++)
        if (strcmp(s->new_pages[i], name) == 0)
            return 1;
    for (size_t i = 0; !s->full && i < s->nold; i++)
        if (strcmp(s->old_pages[i], name) == 0)
            return 1;
    return 0;
}

int vdb_nvd_sync_commit(vg_ctx *ctx, int cache_fd, const char *cache_dir, int fetch_fd,
                        vdb_nvd_sync *s)
{
    for (size_t i = 0; i < s->nnew; i++)
        if (renameat(fetch_fd, s->new_pages[i], cache_fd, s->new_pages[i]) != 0)
            return vg_error(ctx, VG_ERR_IO, "%s/%s: %s", cache_dir, s->new_pages[i], strerror(errno));
    vg_buf text;
    vg_buf_init(&text, NVD_STATE_MAX);
    int st = vg_buf_addf(&text, "%s\napi %s\nnewest %s\n", NVD_STATE_MAGIC, s->api, s->newest);
    for (size_t i = 0; st == VG_OK && !s->full && i < s->nold; i++)
        st = vg_buf_addf(&text, "page %s\n", s->old_pages[i]);
    for (size_t i = 0; st == VG_OK && i < s->nnew; i++)
        st = vg_buf_addf(&text, "page %s\n", s->new_pages[i]);
    if (st != VG_OK)
        return vg_error(ctx, st, "%s/state: too many pages", cache_dir);
    /* The state is replaced whole: a new file, then renameat(). */
    int fd = openat(cache_fd, "state.new", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write(fd, text.data, text.len) == (ssize_t)text.len && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    vg_buf_free(&text);
    if (!ok || renameat(cache_fd, "state.new", cache_fd, "state") != 0) {
        st = vg_error(ctx, VG_ERR_IO, "%s/state: %s", cache_dir, strerror(errno));
        unlinkat(cache_fd, "state.new", 0);
        return st;
    }
    /* Pages the state no longer lists go; unlinkat() removes a link, never
     * what it points to. */
    int dfd = dup(cache_fd);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return VG_OK;
    }
    rewinddir(d); /* a dup() shares the position of the descriptor */
    struct dirent *e;
    unsigned long num;
    while ((e = readdir(d)))
        if (page_number(e->d_name, &num) && !listed(s, e->d_name))
            unlinkat(cache_fd, e->d_name, 0);
    closedir(d);
    return VG_OK;
}

void vdb_nvd_sync_free(vdb_nvd_sync *s)
{
    vg_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}
