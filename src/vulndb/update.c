/*
 * update.c — builds the vulnerability database: from local files
 * recognised by their content (vg_vulndb_build, `vigil db build --from`),
 * or from the public feeds / a mirror / a local mirror directory
 * (vg_vulndb_update, `vigil db update`), downloaded with libcurl.
 *
 * Both write a NEW database file beside the old one (target.c: DB.new-*,
 * the lock DB.lock, the checked rename): a failed or killed build leaves
 * the previous database as it was.
 *
 * Downloads (download.c; "nvd" through its API, nvd_api.c): conditional
 * requests with the validators stored in the current database's source
 * table.  A download lands in a private temporary directory DB.fetch-*;
 * once the new database is built the downloads move to DB.feeds/, where a
 * later 304 answer finds them.  Every name in DB.feeds/ and DB.fetch-* is
 * used relative to a descriptor of its directory, without following links:
 * a cached file that is a link is not reused (the download replaces the
 * link).  What is verified: HTTP status, complete transfer (length), zip
 * CRCs (libarchive), JSON syntax; the feeds carry no signatures to check.
 *
 * Source names, default URLs, the mirror layout and the recognition rules
 * for --from are documented in docs/vulndb.md.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/vulndb_internal.h"

#define PEEK_MAX 65536
#define FULL_CLASSIFY_MAX ((size_t)4 << 20)
#define PLAN_MAX 100000

enum item_kind { ITEM_OSV_DIR, ITEM_OSV_ZIP, ITEM_OSV_FILE, ITEM_SECDB, ITEM_DEBIAN_LIST,
                 ITEM_DEBIAN_JSON, ITEM_KEV, ITEM_NVD, ITEM_NVD_RECORD };

static const char *const kind_names[] = {"osv", "osv", "osv", "secdb", "debian-list", "debian-json",
                                         "kev", "nvd", "nvd"};

typedef struct plan_item {
    char *source;   /* source name */
    char *path;     /* file or directory to import */
    char *location; /* what the source table records (path or URL) */
    enum item_kind kind;
    size_t seq;     /* order of planning (NVD pages: newest first) */
    int local;      /* a file of the user's (--from): its modification time dates it */
    int nofollow;   /* a cached file: opened without following a link */
    /* update only */
    char *etag, *last_modified;
    int not_modified;
} plan_item;

typedef struct plan {
    vg_arena arena;
    plan_item *items;
    size_t n, cap;
} plan;

static int plan_add(vg_ctx *ctx, plan *p, const char *source, const char *path, enum item_kind kind)
{
    if (p->n >= PLAN_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %d feed files", PLAN_MAX);
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 64;
        plan_item *items = vg_arena_calloc(&p->arena, ncap, sizeof *items);
        if (!items)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        if (p->items)
            memcpy(items, p->items, p->n * sizeof *items);
        p->items = items;
        p->cap = ncap;
    }
    plan_item *it = &p->items[p->n];
    it->source = vg_arena_strdup(&p->arena, source);
    it->path = vg_arena_strdup(&p->arena, path);
    it->location = it->path;
    it->kind = kind;
    it->seq = p->n;
    it->local = 1;
    if (!it->source || !it->path)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    p->n++;
    return VG_OK;
}

/* Sources in name order, each one's files in path order; except "nvd",
 * last (it keeps the CVEs the others name, so they must all be in) and
 * in planning order (pages newest first). */
static int plan_cmp(const void *a, const void *b)
{
    const plan_item *x = a, *y = b;
    int xn = strcmp(x->source, "nvd") == 0, yn = strcmp(y->source, "nvd") == 0;
    if (xn != yn)
        return xn - yn;
    if (xn)
        return x->seq < y->seq ? -1 : x->seq > y->seq;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->path, y->path);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Name of the directory that holds path ("" when none). */
static void parent_name(const char *path, char *out, size_t outsz)
{
    const char *end = strrchr(path, '/');
    if (!end) {
        snprintf(out, outsz, "%s", "");
        return;
    }
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    snprintf(out, outsz, "%.*s", (int)(end - start), start);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* "v3.10"-like directory names of the Alpine secdb layout. */
static int is_alpine_release(const char *s)
{
    if (s[0] != 'v' || !isdigit((unsigned char)s[1]))
        return 0;
    const char *dot = strchr(s, '.');
    if (!dot || !isdigit((unsigned char)dot[1]))
        return 0;
    for (const char *p = s + 1; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return 0;
    return 1;
}

/* ---- recognition of --from inputs ---- */

typedef enum { JSON_UNKNOWN, JSON_OSV, JSON_SECDB, JSON_KEV, JSON_DEBIAN, JSON_SCHEMA, JSON_NVD,
               JSON_NVD_RECORD } json_class;

static json_class classify_json(json_t *root)
{
    if (!json_is_object(root))
        return JSON_UNKNOWN;
    if (json_object_get(root, "$schema"))
        return JSON_SCHEMA;
    if (json_is_array(json_object_get(root, "vulnerabilities")) &&
        (json_object_get(root, "catalogVersion") || json_object_get(root, "dateReleased")))
        return JSON_KEV;
    /* NVD: an API answer or 2.0 feed ("format": "NVD_CVE"), or one of its
     * "cve" objects (id CVE-..., NVD's lastModified/vulnStatus, no OSV
     * "modified"; it may hold an "affected" of its own). */
    const char *format = json_string_value(json_object_get(root, "format"));
    if (json_is_array(json_object_get(root, "vulnerabilities")) &&
        ((format && strcmp(format, "NVD_CVE") == 0) || json_object_get(root, "totalResults")))
        return JSON_NVD;
    const char *id = json_string_value(json_object_get(root, "id"));
    if (id && strncmp(id, "CVE-", 4) == 0 && !json_object_get(root, "modified") &&
        (json_object_get(root, "lastModified") || json_object_get(root, "vulnStatus")))
        return JSON_NVD_RECORD;
    json_t *packages = json_object_get(root, "packages");
    if ((json_is_array(packages) || json_is_null(packages)) &&
        (json_object_get(root, "distroversion") || json_object_get(root, "reponame") ||
         json_object_get(root, "urlprefix")))
        return JSON_SECDB;
    if (json_is_string(json_object_get(root, "id")) &&
        (json_object_get(root, "modified") || json_object_get(root, "affected")))
        return JSON_OSV;
    /* Tracker JSON: package -> {CVE-... | TEMP-...: {...}}. */
    void *iter = json_object_iter(root);
    if (iter) {
        json_t *v = json_object_iter_value(iter);
        void *inner = json_is_object(v) ? json_object_iter(v) : NULL;
        const char *k = inner ? json_object_iter_key(inner) : NULL;
        if (k && (strncmp(k, "CVE-", 4) == 0 || strncmp(k, "TEMP-", 5) == 0))
            return JSON_DEBIAN;
    }
    return JSON_UNKNOWN;
}

/* Classifies a large JSON file from its first bytes (key names). */
static json_class classify_json_peek(const char *head, size_t len)
{
    char *h = strndup(head, len);
    if (!h)
        return JSON_UNKNOWN;
    json_class c = JSON_UNKNOWN;
    if (strstr(h, "\"$schema\""))
        c = JSON_SCHEMA;
    else if (strstr(h, "\"catalogVersion\"") && strstr(h, "\"vulnerabilities\""))
        c = JSON_KEV;
    else if (strstr(h, "\"NVD_CVE\"") && strstr(h, "\"vulnerabilities\""))
        c = JSON_NVD;
    else if (strstr(h, "\"packages\"") && (strstr(h, "\"distroversion\"") || strstr(h, "\"reponame\"")))
        c = JSON_SECDB;
    else if (strstr(h, "\"releases\"") && (strstr(h, "\"CVE-") || strstr(h, "\"TEMP-")))
        c = JSON_DEBIAN;
    else if (strstr(h, "\"id\"") && (strstr(h, "\"modified\"") || strstr(h, "\"affected\"")))
        c = JSON_OSV;
    free(h);
    return c;
}

static json_class classify_json_file(const char *path, int *parsed_ok)
{
    *parsed_ok = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return JSON_UNKNOWN;
    if ((size_t)st.st_size > FULL_CLASSIFY_MAX) {
        FILE *f = fopen(path, "rb");
        if (!f)
            return JSON_UNKNOWN;
        char *head = malloc(PEEK_MAX);
        size_t n = head ? fread(head, 1, PEEK_MAX, f) : 0;
        fclose(f);
        json_class c = head ? classify_json_peek(head, n) : JSON_UNKNOWN;
        free(head);
        *parsed_ok = c != JSON_UNKNOWN;
        return c;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_buf data;
    json_class c = JSON_UNKNOWN;
    if (vdb_read_file(&ctx, path, FULL_CLASSIFY_MAX, &data) == VG_OK) {
        json_t *root = data.data ? json_loadb(data.data, data.len, 0, NULL) : NULL;
        if (root) {
            *parsed_ok = 1;
            c = classify_json(root);
            json_decref(root);
        }
        vg_buf_free(&data);
    }
    vg_ctx_free(&ctx);
    return c;
}

/* Does the file start (within its first lines) with a tracker header?
 * Writes the advisory prefix (DSA, DLA, DTSA) into prefix. */
static int looks_like_tracker_list(const char *path, char *prefix, size_t prefixsz)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char line[512];
    int found = 0;
    for (int i = 0; i < 20 && !found && fgets(line, sizeof line, f); i++) {
        if (line[0] != '[')
            continue;
        const char *close = strchr(line, ']');
        if (!close)
            continue;
        const char *id = close + 1;
        while (*id == ' ')
            id++;
        static const char *const prefixes[] = {"DSA-", "DLA-", "DTSA-"};
        for (size_t k = 0; k < 3; k++)
            if (strncmp(id, prefixes[k], strlen(prefixes[k])) == 0) {
                snprintf(prefix, prefixsz, "%.*s", (int)strlen(prefixes[k]) - 1, prefixes[k]);
                found = 1;
            }
    }
    fclose(f);
    return found;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the entries of dir (without . and ..), sorted. */
static int list_dir(vg_ctx *ctx, const char *dir, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: %s", dir,
                        strerror(errno));
    char **names = NULL;
    size_t cap = 0, count = 0;
    struct dirent *e;
    int st = VG_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **p = realloc(names, ncap * sizeof *p);
            if (!p) {
                st = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
            names = p;
            cap = ncap;
        }
        if (!(names[count] = strdup(e->d_name))) {
            st = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, name_cmp);
    *out = names;
    *n = count;
    return st;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int plan_input(vg_ctx *ctx, vdb_writer *w, plan *p, const char *path, int depth);

static int plan_file(vg_ctx *ctx, vdb_writer *w, plan *p, const char *path)
{
    const char *base = base_name(path);
    char parent[256], source[600], prefix[8];
    parent_name(path, parent, sizeof parent);
    if (ends_with(base, ".zip")) {
        if (strcmp(base, "all.zip") == 0 && parent[0])
            snprintf(source, sizeof source, "osv:%s", parent);
        else
            snprintf(source, sizeof source, "osv:%.*s", (int)(strlen(base) - 4), base);
        return plan_add(ctx, p, source, path, ITEM_OSV_ZIP);
    }
    if (strcmp(base, "list") == 0 &&
        (!strcmp(parent, "DSA") || !strcmp(parent, "DLA") || !strcmp(parent, "DTSA"))) {
        snprintf(source, sizeof source, "debian:%s", parent);
        return plan_add(ctx, p, source, path, ITEM_DEBIAN_LIST);
    }
    if (ends_with(base, ".json")) {
        int parsed;
        json_class c = classify_json_file(path, &parsed);
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(base) - 5), base);
        switch (c) {
        case JSON_SCHEMA:
            return VG_OK;
        case JSON_KEV:
            return plan_add(ctx, p, "kev", path, ITEM_KEV);
        case JSON_DEBIAN:
            return plan_add(ctx, p, "debian:json", path, ITEM_DEBIAN_JSON);
        case JSON_OSV:
            snprintf(source, sizeof source, "osv:%s", parent[0] ? parent : stem);
            return plan_add(ctx, p, source, path, ITEM_OSV_FILE);
        case JSON_NVD:
            return plan_add(ctx, p, "nvd", path, ITEM_NVD);
        case JSON_NVD_RECORD:
            return plan_add(ctx, p, "nvd", path, ITEM_NVD_RECORD);
        case JSON_SECDB:
        case JSON_UNKNOWN:
            break;
        }
        if (is_alpine_release(parent) && (c == JSON_SECDB || !parsed)) {
            snprintf(source, sizeof source, "alpine:%s/%s", parent, stem);
            return plan_add(ctx, p, source, path, ITEM_SECDB);
        }
        if (c == JSON_SECDB) {
            /* Wolfi's and Chainguard's security.json have no distroversion. */
            const char *name = strstr(path, "chainguard") ? "chainguard" : "wolfi";
            return plan_add(ctx, p, name, path, ITEM_SECDB);
        }
        vdb_unrecognised(w, path);
        return VG_OK;
    }
    if (looks_like_tracker_list(path, prefix, sizeof prefix)) {
        snprintf(source, sizeof source, "debian:%s", prefix);
        return plan_add(ctx, p, source, path, ITEM_DEBIAN_LIST);
    }
    return VG_OK; /* not a feed file (README, checksums...): ignored */
}

static int plan_dir(vg_ctx *ctx, vdb_writer *w, plan *p, const char *dir, int depth)
{
    char **names;
    size_t n;
    int st = list_dir(ctx, dir, &names, &n);
    if (st != VG_OK)
        return st;
    vg_buf path;
    vg_buf_init(&path, 8192);
    /* An OSV folder: the first of its JSON files (in name order) that
     * parses is an OSV record; up to 5 are tried, so a broken record at the
     * front does not hide the folder. */
    int osv_dir = 0, tried = 0;
    for (size_t i = 0; i < n && tried < 5; i++) {
        if (!ends_with(names[i], ".json"))
            continue;
        vg_buf_reset(&path);
        if (vg_buf_addf(&path, "%s/%s", dir, names[i]) != VG_OK)
            break;
        int parsed;
        tried++;
        json_class c = classify_json_file(path.data, &parsed);
        if (parsed) {
            osv_dir = c == JSON_OSV;
            break;
        }
    }
    if (osv_dir) {
        char source[512];
        snprintf(source, sizeof source, "osv:%s", base_name(dir));
        st = plan_add(ctx, p, source, dir, ITEM_OSV_DIR);
    }
    for (size_t i = 0; i < n && st == VG_OK; i++) {
        if (osv_dir && ends_with(names[i], ".json"))
            continue;
        vg_buf_reset(&path);
        if (vg_buf_addf(&path, "%s/%s", dir, names[i]) != VG_OK) {
            st = vg_error(ctx, VG_ERR_LIMIT, "%s/%s: path too long", dir, names[i]);
            break;
        }
        /* plan_input recurses: give it its own copy of the path. */
        char *child = strdup(path.data);
        if (!child) {
            st = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        st = plan_input(ctx, w, p, child, depth + 1);
        free(child);
    }
    vg_buf_free(&path);
    free_names(names, n);
    return st;
}

static int plan_input(vg_ctx *ctx, vdb_writer *w, plan *p, const char *path, int depth)
{
    if (depth > 16)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: directories nested too deep", path);
    struct stat st;
    if (stat(path, &st) != 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", path,
                        strerror(errno));
    if (S_ISDIR(st.st_mode))
        return plan_dir(ctx, w, p, path, depth);
    if (S_ISREG(st.st_mode))
        return plan_file(ctx, w, p, path);
    return VG_OK;
}

/* ---- importing one plan item ---- */

static int import_json_file(vdb_writer *w, vg_vulndb_source_report *src, const plan_item *it)
{
    vg_buf data;
    vg_ctx rctx;
    vg_ctx_init(&rctx);
    size_t max = it->kind == ITEM_NVD_RECORD ? VDB_RECORD_MAX : VDB_JSON_MAX;
    if (vdb_read_file(&rctx, it->path, max, &data) != VG_OK) {
        src->records_read++;
        vdb_skip(w, src, it->path, "%s", rctx.message);
        vg_ctx_free(&rctx);
        return VG_OK;
    }
    vg_ctx_free(&rctx);
    const char *d = data.data ? data.data : "";
    int st;
    switch (it->kind) {
    case ITEM_SECDB:
        st = vdb_secdb_buffer(w, src, it->path, d, data.len);
        break;
    case ITEM_KEV:
        st = vdb_kev_buffer(w, src, it->path, d, data.len);
        break;
    case ITEM_OSV_FILE:
        st = vdb_osv_buffer(w, src, it->path, d, data.len);
        break;
    case ITEM_NVD_RECORD:
        st = vdb_nvd_record_buffer(w, src, it->path, d, data.len);
        break;
    default: {
        json_error_t jerr;
        json_t *root = json_loadb(d, data.len, 0, &jerr);
        vg_buf_free(&data); /* the tracker JSON is large: keep one copy only */
        if (!root) {
            src->records_read++;
            vdb_skip(w, src, it->path, "invalid JSON: %s (line %d)", jerr.text, jerr.line);
            return VG_OK;
        }
        st = vdb_debian_json(w, src, it->path, root);
        json_decref(root);
        return st;
    }
    }
    vg_buf_free(&data);
    return st;
}

/* An NVD document, streamed from its file. */
static int import_nvd(vdb_writer *w, vg_vulndb_source_report *src, const plan_item *it)
{
    int fd = open(it->path, O_RDONLY | O_CLOEXEC | (it->nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        src->records_read++;
        vdb_skip(w, src, it->path, "%s", strerror(errno));
        return VG_OK;
    }
    int st = vdb_nvd_document_fd(w, src, it->path, fd);
    close(fd);
    return st;
}

static int import_item(vdb_writer *w, const plan_item *it, int64_t fetched_at)
{
    vg_vulndb_source_report *src = vdb_source(w, it->source, kind_names[it->kind], it->location);
    if (!src)
        return vg_error(w->ctx, VG_ERR_LIMIT, "%s: too many sources (at most %d)", it->source,
                        VDB_SOURCES_MAX);
    if (fetched_at)
        src->fetched_at = fetched_at;
    src->not_modified = it->not_modified;
    if (it->etag && !src->etag)
        src->etag = vg_arena_strdup(&w->report->arena, it->etag);
    if (it->last_modified && !src->last_modified)
        src->last_modified = vg_arena_strdup(&w->report->arena, it->last_modified);
    int64_t http = vdb_http_time(it->last_modified);
    if (http > src->http_time)
        src->http_time = http;
    /* A local file is dated by its modification time (what a web server
     * would send as Last-Modified), for feeds that carry no dates. */
    struct stat fst;
    if (it->local && it->kind != ITEM_OSV_DIR && stat(it->path, &fst) == 0 && fst.st_mtime > src->file_time)
        src->file_time = (int64_t)fst.st_mtime;
    switch (it->kind) {
    case ITEM_OSV_DIR:
        return vdb_osv_dir(w, src, it->path);
    case ITEM_OSV_ZIP:
        return vdb_osv_zip(w, src, it->path);
    case ITEM_DEBIAN_LIST:
        return vdb_debian_list_file(w, src, it->path);
    case ITEM_NVD:
        return import_nvd(w, src, it);
    default:
        return import_json_file(w, src, it);
    }
}

/* Imports every item of the plan into the new file of t. */
static int build_plan(vg_ctx *ctx, vdb_target *t, plan *p, vg_vulndb_report *report, int64_t fetched_at)
{
    qsort(p->items, p->n, sizeof *p->items, plan_cmp);
    vdb_writer w;
    int st = vdb_writer_open(ctx, &w, t->tmp_path, report);
    if (st != VG_OK)
        return st;
    for (size_t i = 0; i < p->n && st == VG_OK; i++)
        st = import_item(&w, &p->items[i], fetched_at);
    if (st != VG_OK) {
        vdb_writer_abort(&w);
        return st;
    }
    return vdb_writer_finish(&w);
}

int vg_vulndb_build(vg_ctx *ctx, const char *db_path, const char *const *inputs, size_t ninputs,
                    unsigned flags, vg_vulndb_report *report)
{
    if (ninputs == 0)
        return vg_error(ctx, VG_ERR_USAGE, "no input directory or file");
    vdb_target t;
    int st = vdb_target_prepare(ctx, &t, db_path, (flags & VG_VULNDB_FORCE) != 0);
    if (st != VG_OK) {
        report->refused_existing = t.refused;
        vdb_target_release(&t);
        return st;
    }
    plan p = {0};
    vg_arena_init(&p.arena);
    /* The writer is only needed to record unrecognised inputs while planning. */
    vdb_writer rec = {.ctx = ctx, .report = report};
    for (size_t i = 0; i < ninputs && st == VG_OK; i++) {
        char *in = strdup(inputs[i]);
        if (!in) {
            st = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        size_t len = strlen(in);
        while (len > 1 && in[len - 1] == '/')
            in[--len] = '\0';
        st = plan_input(ctx, &rec, &p, in, 0);
        free(in);
    }
    if (st == VG_OK && p.n == 0)
        st = vg_error(ctx, VG_ERR_NOT_FOUND,
                      "no vulnerability feed found in the input (see docs/vulndb.md for what is recognised)");
    if (st == VG_OK)
        st = build_plan(ctx, &t, &p, report, 0);
    if (st == VG_OK)
        st = vdb_target_commit(ctx, &t);
    report->refused_existing = t.refused;
    vg_arena_free(&p.arena);
    vdb_target_release(&t);
    return st;
}

/* ---- update: sources, URLs, downloads ---- */

static const char *const default_sources[] = {
    "osv:Debian:12", "osv:Alpine:v3.20", "osv:Ubuntu:22.04:LTS", "osv:Rocky Linux:9",
    "osv:AlmaLinux:9", "osv:Red Hat", "osv:SUSE", "osv:Wolfi", "osv:Chainguard", "osv:Go",
    "osv:PyPI", "osv:npm", "osv:Maven", "osv:crates.io", "osv:RubyGems", "osv:NuGet",
    "osv:Packagist", "alpine:v3.20/main", "alpine:v3.20/community", "alpine:v3.21/main",
    "alpine:v3.21/community", "alpine:v3.22/main", "alpine:v3.22/community", "wolfi",
    "debian:json", "kev", "nvd", NULL,
};

const char *const *vg_vulndb_default_sources(void)
{
    return default_sources;
}

#define OSV_BASE "https://osv-vulnerabilities.storage.googleapis.com/"
#define NVD_API "https://services.nvd.nist.gov/rest/json/cves/2.0"

/* Where a source lives: its kind, its path below a mirror base, and its
 * public URL.  0 when the name is no known source. */
static int source_paths(const char *name, enum item_kind *kind, char *rel, size_t relsz, char *pub,
                        size_t pubsz)
{
    if (strncmp(name, "osv:", 4) == 0 && name[4] && !strchr(name + 4, '/') && strcmp(name + 4, "..") &&
        strcmp(name + 4, ".")) {
        /* Path segment: percent-encode everything outside the unreserved set and ':'. */
        char seg[512];
        size_t o = 0;
        for (const unsigned char *c = (const unsigned char *)name + 4; *c && o + 4 < sizeof seg; c++) {
            if (isalnum(*c) || strchr("-._~:", *c))
                seg[o++] = (char)*c;
            else
                o += (size_t)snprintf(seg + o, sizeof seg - o, "%%%02X", *c);
        }
        seg[o] = '\0';
        *kind = ITEM_OSV_ZIP;
        snprintf(rel, relsz, "%s/all.zip", seg);
        snprintf(pub, pubsz, OSV_BASE "%s/all.zip", seg);
        return 1;
    }
    if (strncmp(name, "alpine:", 7) == 0) {
        char rel_release[64], repo[64];
        const char *slash = strchr(name + 7, '/');
        if (!slash || (size_t)(slash - name - 7) >= sizeof rel_release || strlen(slash + 1) >= sizeof repo)
            return 0;
        snprintf(rel_release, sizeof rel_release, "%.*s", (int)(slash - name - 7), name + 7);
        snprintf(repo, sizeof repo, "%s", slash + 1);
        if (!is_alpine_release(rel_release) || !repo[0])
            return 0;
        for (const char *c = repo; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
                return 0;
        *kind = ITEM_SECDB;
        snprintf(rel, relsz, "alpine/%s/%s.json", rel_release, repo);
        snprintf(pub, pubsz, "https://secdb.alpinelinux.org/%s/%s.json", rel_release, repo);
        return 1;
    }
    if (strcmp(name, "wolfi") == 0) {
        *kind = ITEM_SECDB;
        snprintf(rel, relsz, "wolfi/security.json");
        snprintf(pub, pubsz, "https://packages.wolfi.dev/os/security.json");
        return 1;
    }
    if (strcmp(name, "chainguard") == 0) {
        *kind = ITEM_SECDB;
        snprintf(rel, relsz, "chainguard/security.json");
        snprintf(pub, pubsz, "https://packages.cgr.dev/chainguard/security.json");
        return 1;
    }
    if (!strcmp(name, "debian:DSA") || !strcmp(name, "debian:DLA") || !strcmp(name, "debian:DTSA")) {
        *kind = ITEM_DEBIAN_LIST;
        snprintf(rel, relsz, "debian/%s/list", name + 7);
        snprintf(pub, pubsz,
                 "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/%s/list",
                 name + 7);
        return 1;
    }
    if (strcmp(name, "debian:json") == 0) {
        *kind = ITEM_DEBIAN_JSON;
        snprintf(rel, relsz, "debian/json");
        snprintf(pub, pubsz, "https://security-tracker.debian.org/tracker/data/json");
        return 1;
    }
    if (strcmp(name, "kev") == 0) {
        *kind = ITEM_KEV;
        snprintf(rel, relsz, "kev/known_exploited_vulnerabilities.json");
        snprintf(pub, pubsz,
                 "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json");
        return 1;
    }
    if (strcmp(name, "nvd") == 0) {
        /* The CVE API 2.0 below a mirror, at its public path; a local
         * mirror directory holds NVD documents in nvd/ (any names). */
        *kind = ITEM_NVD;
        snprintf(rel, relsz, "nvd/rest/json/cves/2.0");
        snprintf(pub, pubsz, NVD_API);
        return 1;
    }
    return 0;
}

/* File name for a source in DB.feeds/ and the download directory. */
static void feed_file_name(const char *source, char *out, size_t outsz)
{
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)source; *c && o + 4 < outsz; c++) {
        if (isalnum(*c) || *c == '.' || *c == '-' || *c == '_')
            out[o++] = (char)*c;
        else
            o += (size_t)snprintf(out + o, outsz - o, "%%%02X", *c);
    }
    out[o] = '\0';
}

/* Validators of the sources of the current database. */
typedef struct previous {
    sqlite3 *db;
    sqlite3_stmt *q;
} previous;

static void previous_open(previous *p, const char *path)
{
    memset(p, 0, sizeof *p);
    vg_vulndb *check;
    vg_ctx c;
    vg_ctx_init(&c);
    int ok = vg_vulndb_open(&c, path, &check) == VG_OK;
    vg_ctx_free(&c);
    if (!ok)
        return;
    vg_vulndb_close(check);
    if (sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(p->db, "SELECT etag, last_modified FROM source WHERE name = ?", -1, &p->q,
                           NULL) != SQLITE_OK) {
        sqlite3_close(p->db);
        p->db = NULL;
    }
}

static void previous_close(previous *p)
{
    sqlite3_finalize(p->q);
    sqlite3_close(p->db);
    memset(p, 0, sizeof *p);
}

/* The stored validators of source (arena copies, NULL when none). */
static void previous_validators(previous *p, vg_arena *arena, const char *source, char **etag,
                                char **last_modified)
{
    *etag = *last_modified = NULL;
    if (!p->db)
        return;
    sqlite3_bind_text(p->q, 1, source, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(p->q) == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(p->q, 0);
        const char *l = (const char *)sqlite3_column_text(p->q, 1);
        if (e)
            *etag = vg_arena_strdup(arena, e);
        if (l)
            *last_modified = vg_arena_strdup(arena, l);
    }
    sqlite3_reset(p->q);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The NVD documents of a local mirror directory's nvd/, as planned by the
 * recognition rules of --from (other feeds found there are ignored). */
static int plan_local_nvd(vg_ctx *ctx, plan *p, const char *dir)
{
    vg_vulndb_report ignored;
    vg_vulndb_report_init(&ignored);
    vdb_writer rec = {.ctx = ctx, .report = &ignored};
    size_t before = p->n;
    int st = plan_input(ctx, &rec, p, dir, 0);
    vg_vulndb_report_free(&ignored);
    size_t kept = before;
    for (size_t i = before; st == VG_OK && i < p->n; i++)
        if (strcmp(p->items[i].source, "nvd") == 0)
            p->items[kept++] = p->items[i];
    p->n = kept;
    if (st == VG_OK && kept == before)
        st = vg_error(ctx, VG_ERR_NOT_FOUND, "source nvd: no NVD document in %s", dir);
    return st;
}

/* The directory DB.feeds/ (created if needed), opened without following
 * a link: a link there is refused, not followed. */
static int open_feeds(vg_ctx *ctx, const vdb_target *t, const char *name, int *fd)
{
    if (mkdirat(t->dir_fd, name, 0755) != 0 && errno != EEXIST)
        return vg_error(ctx, VG_ERR_IO, "%s/%s: %s", t->dir, name, strerror(errno));
    *fd = openat(t->dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*fd < 0)
        return vg_error(ctx, errno == ELOOP || errno == ENOTDIR ? VG_ERR_UNSAFE : VG_ERR_IO,
                        "%s/%s: %s; the download cache must be a directory (remove it)", t->dir, name,
                        errno == ELOOP ? "is a symbolic link" : strerror(errno));
    return VG_OK;
}

/* Is name in dir_fd a regular file (a link is not)? */
static int cached_file(int dir_fd, const char *name)
{
    struct stat st;
    return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* Downloads one source (not nvd) into the fetch directory, or finds it
 * unchanged in the cache: one plan item. */
static int fetch_source(vg_ctx *ctx, plan *p, previous *prev, const char *name, enum item_kind kind,
                        const char *url, int feeds_fd, const char *feeds_dir, int fetch_fd,
                        const char *fetch_dir, const vdb_fetch_opts *fo)
{
    char file[600], cached[8800], fresh[8800];
    feed_file_name(name, file, sizeof file);
    snprintf(cached, sizeof cached, "%s/%s", feeds_dir, file);
    snprintf(fresh, sizeof fresh, "%s/%s", fetch_dir, file);
    char *etag = NULL, *lm = NULL;
    if (cached_file(feeds_fd, file))
        previous_validators(prev, &p->arena, name, &etag, &lm);
    vdb_download d;
    int st = vdb_fetch(ctx, url, fetch_fd, fetch_dir, file, etag, lm, fo, &d);
    if (st != VG_OK)
        return st;
    if ((st = plan_add(ctx, p, name, d.not_modified ? cached : fresh, kind)) != VG_OK)
        return st;
    plan_item *it = &p->items[p->n - 1];
    it->local = 0;
    it->nofollow = 1;
    it->location = vg_arena_strdup(&p->arena, url);
    it->not_modified = d.not_modified;
    if (d.not_modified) {
        unlinkat(fetch_fd, file, 0);
        it->etag = etag;
        it->last_modified = lm;
    } else {
        it->etag = d.etag[0] ? vg_arena_strdup(&p->arena, d.etag) : NULL;
        it->last_modified = d.last_modified[0] ? vg_arena_strdup(&p->arena, d.last_modified) : NULL;
    }
    return it->location ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}

/* The NVD pages of the cache and the new ones, newest first. */
static int plan_nvd_sync(vg_ctx *ctx, plan *p, const vdb_nvd_sync *sync, const char *url)
{
    for (size_t i = 0; i < sync->nitems; i++) {
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", sync->items[i].dir, sync->items[i].name);
        int st = plan_add(ctx, p, "nvd", path, ITEM_NVD);
        if (st != VG_OK)
            return st;
        plan_item *it = &p->items[p->n - 1];
        it->local = 0;
        it->nofollow = 1;
        if (!(it->location = vg_arena_strdup(&p->arena, url)))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    return VG_OK;
}

int vg_vulndb_update(vg_ctx *ctx, const char *db_path, const vg_vulndb_update_opts *opts,
                     vg_vulndb_report *report)
{
    static const vg_vulndb_update_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (opts->mirror && opts->from_dir)
        return vg_error(ctx, VG_ERR_USAGE, "--mirror and --from exclude each other");
    const char *const *names = opts->sources ? opts->sources : default_sources;
    size_t nnames = 0;
    if (opts->sources)
        nnames = opts->nsources;
    else
        while (default_sources[nnames])
            nnames++;
    if (nnames == 0)
        return vg_error(ctx, VG_ERR_USAGE, "no source to update");
    /* Check every name before touching anything. */
    for (size_t i = 0; i < nnames; i++) {
        enum item_kind k;
        char rel[1024], pub[2048];
        if (!source_paths(names[i], &k, rel, sizeof rel, pub, sizeof pub))
            return vg_error(ctx, VG_ERR_USAGE,
                            "unknown source '%s' (osv:ECOSYSTEM, alpine:vX.Y/REPO, wolfi, chainguard, "
                            "debian:DSA, debian:DLA, debian:DTSA, debian:json, kev, nvd)",
                            names[i]);
    }
    if (opts->mirror && strncmp(opts->mirror, "http://", 7) && strncmp(opts->mirror, "https://", 8))
        return vg_error(ctx, VG_ERR_USAGE, "--mirror %s: not an http:// or https:// URL", opts->mirror);

    vdb_target t;
    int st = vdb_target_prepare(ctx, &t, db_path, opts->force);
    if (st != VG_OK) {
        report->refused_existing = t.refused;
        vdb_target_release(&t);
        return st;
    }
    plan p = {0};
    vg_arena_init(&p.arena);
    previous prev;
    previous_open(&prev, db_path);
    vdb_fetch_opts fo = {.retries = opts->retries ? opts->retries : 3,
                         .connect_timeout = opts->connect_timeout > 0 ? opts->connect_timeout : 30,
                         .stall_timeout = opts->stall_timeout > 0 ? opts->stall_timeout : 60,
                         .ca_cert = opts->ca_cert};
    /* The API key goes to the NVD API only; NVD throttles with 403. */
    vdb_fetch_opts nvd_fo = fo;
    nvd_fo.api_key = opts->nvd_api_key;
    nvd_fo.retry_403 = 1;
    nvd_fo.first_delay = 6;
    vdb_nvd_sync sync;
    memset(&sync, 0, sizeof sync);
    char fetch_dir[8192] = "", feeds_dir[8192], nvd_dir[8300];
    char fetch_name[4200] = "", feeds_name[4200];
    int fetch_fd = -1, feeds_fd = -1, nvd_fd = -1, curl_ready = 0;
    int remote = opts->from_dir == NULL;
    if (remote) {
        snprintf(feeds_name, sizeof feeds_name, "%s.feeds", t.base);
        snprintf(feeds_dir, sizeof feeds_dir, "%s/%s", t.dir, feeds_name);
        snprintf(fetch_dir, sizeof fetch_dir, "%s/%s.fetch-XXXXXX", t.dir, t.base);
        if (!mkdtemp(fetch_dir)) {
            st = vg_error(ctx, VG_ERR_IO, "%s: cannot create a download directory: %s", t.dir,
                          strerror(errno));
            fetch_dir[0] = '\0';
            goto out;
        }
        snprintf(fetch_name, sizeof fetch_name, "%s", base_name(fetch_dir));
        fetch_fd = openat(t.dir_fd, fetch_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fetch_fd < 0) {
            st = vg_error(ctx, VG_ERR_IO, "%s: %s", fetch_dir, strerror(errno));
            goto out;
        }
        if ((st = open_feeds(ctx, &t, feeds_name, &feeds_fd)) != VG_OK)
            goto out;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = 1;
    }
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < nnames && st == VG_OK; i++) {
        enum item_kind kind;
        char rel[1024], pub[2048], url[4096], local[8192];
        source_paths(names[i], &kind, rel, sizeof rel, pub, sizeof pub);
        if (!remote) {
            snprintf(local, sizeof local, "%s/%s", opts->from_dir, rel);
            /* Local files are named as on disk, not percent-encoded. */
            if (kind == ITEM_OSV_ZIP)
                snprintf(local, sizeof local, "%s/%s/all.zip", opts->from_dir, names[i] + 4);
            if (kind == ITEM_NVD) {
                snprintf(local, sizeof local, "%s/nvd", opts->from_dir);
                st = plan_local_nvd(ctx, &p, local);
                continue;
            }
            if (!file_exists(local)) {
                st = vg_error(ctx, VG_ERR_NOT_FOUND, "source %s: %s does not exist", names[i], local);
                break;
            }
            st = plan_add(ctx, &p, names[i], local, kind);
            continue;
        }
        if (opts->mirror) {
            size_t ml = strlen(opts->mirror);
            snprintf(url, sizeof url, "%s%s%s", opts->mirror, ml && opts->mirror[ml - 1] == '/' ? "" : "/", rel);
        } else {
            snprintf(url, sizeof url, "%s", pub);
        }
        if (kind != ITEM_NVD) {
            st = fetch_source(ctx, &p, &prev, names[i], kind, url, feeds_fd, feeds_dir, fetch_fd,
                              fetch_dir, &fo);
            continue;
        }
        snprintf(nvd_dir, sizeof nvd_dir, "%s/nvd", feeds_dir);
        if (mkdirat(feeds_fd, "nvd", 0755) != 0 && errno != EEXIST) {
            st = vg_error(ctx, VG_ERR_IO, "%s: %s", nvd_dir, strerror(errno));
            break;
        }
        nvd_fd = openat(feeds_fd, "nvd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nvd_fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
            /* Not a directory of ours (a planted link?): removed, never followed. */
            unlinkat(feeds_fd, "nvd", 0);
            if (mkdirat(feeds_fd, "nvd", 0755) == 0)
                nvd_fd = openat(feeds_fd, "nvd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (nvd_fd < 0) {
            st = vg_error(ctx, VG_ERR_IO, "%s: %s", nvd_dir, strerror(errno));
            break;
        }
        if ((st = vdb_nvd_sync_fetch(ctx, url, nvd_fd, nvd_dir, fetch_fd, fetch_dir, &nvd_fo, &sync)) ==
            VG_OK)
            st = plan_nvd_sync(ctx, &p, &sync, url);
    }
    previous_close(&prev);
    if (st == VG_OK)
        st = build_plan(ctx, &t, &p, report, now);
    /* Downloads join the cache before the database that names their
     * validators is renamed into place (see docs/vulndb.md). */
    for (size_t i = 0; st == VG_OK && remote && i < p.n; i++) {
        plan_item *it = &p.items[i];
        if (it->not_modified || it->kind == ITEM_NVD)
            continue;
        char file[600];
        feed_file_name(it->source, file, sizeof file);
        if (renameat(fetch_fd, file, feeds_fd, file) != 0)
            st = vg_error(ctx, VG_ERR_IO, "%s/%s: %s", feeds_dir, file, strerror(errno));
    }
    if (st == VG_OK && nvd_fd >= 0)
        st = vdb_nvd_sync_commit(ctx, nvd_fd, nvd_dir, fetch_fd, &sync);
    if (st == VG_OK)
        st = vdb_target_commit(ctx, &t);
out:
    vdb_nvd_sync_free(&sync);
    if (nvd_fd >= 0)
        close(nvd_fd);
    if (feeds_fd >= 0)
        close(feeds_fd);
    if (fetch_fd >= 0)
        close(fetch_fd);
    if (fetch_name[0])
        vdb_remove_tree(t.dir_fd, fetch_name);
    if (curl_ready)
        curl_global_cleanup();
    report->refused_existing = t.refused;
    vg_arena_free(&p.arena);
    vdb_target_release(&t);
    return st;
}
