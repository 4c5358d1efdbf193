/*
 * nvd.c — imports NVD CVE records: the CVE API 2.0 of the National
 * Vulnerability Database (https://nvd.nist.gov/developers/vulnerabilities,
 * JSON schema "cve_api_json_2.0" version 2.2.x, with the CVSS v2.0, v3.0,
 * v3.1 and v4.0 schemas it refers to).  Two shapes are read:
 *
 *   documents  {"resultsPerPage": ..., "startIndex": ..., "totalResults": ...,
 *               "format": "NVD_CVE", "version": "2.0", "timestamp": ...,
 *               "vulnerabilities": [{"cve": {...}}, ...]}
 *              (an API response, or one of NVD's 2.0 data feed files), and
 *   records    one "cve" object, as fkie-cad/nvd-json-data-feeds publishes them.
 *
 * A document is scanned as a stream: a small scanner follows strings and
 * nesting, cuts out each element of the top-level "vulnerabilities" array
 * and hands it to jansson alone, so memory is bounded by one record
 * (VDB_RECORD_MAX), never by the document (a feed file holds a year of
 * CVEs).  Each record is checked whole before anything of it is written.
 *
 * Stored per CVE (scope and source "nvd"; docs/vulndb.md): id, published,
 * lastModified as modified, vulnStatus "Rejected" as withdrawn (at
 * lastModified), the English description as details, the vector of every
 * CVSS metric (cvssMetricV40 -> CVSS_V4, V31 and V30 -> CVSS_V3, V2 ->
 * CVSS_V2), NVD's "Primary" metrics first, and the references (one per
 * URL, typed from NVD's tags).  A CVE is stored only when another source of
 * the build names it (as advisory id, alias or KEV entry): the matcher
 * looks NVD up by the CVE ids other records give, and nothing else would
 * ever read the other ~300 000 (counted as records_unused).  When the build
 * holds no other source at all, every CVE is kept.
 *
 * Leaves out: configurations (CPE applicability: vigil does not match
 * CPEs), weaknesses (CWE), cveTags, vendorComments, evaluator* texts, CISA
 * KEV fields (the KEV catalog itself is a source), SSVC and CVSS details
 * beyond the vector (scores are computed from vectors), other languages.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulndb/vulndb_internal.h"

#define NVD_ID_MAX 32
#define NVD_DATE_MAX 40
#define NVD_TEXT_MAX ((size_t)1 << 20) /* a description */
#define NVD_URL_MAX 8192
#define NVD_VECTOR_MAX 256
#define NVD_DEPTH_MAX 64               /* nesting of a document */
#define NVD_CHUNK 65536

/* NVD's metric arrays, newest CVSS version first, and the severity type
 * each becomes (the OSV names, as the other importers store them). */
static const struct {
    const char *key, *type;
} nvd_metrics[] = {
    {"cvssMetricV40", "CVSS_V4"},
    {"cvssMetricV31", "CVSS_V3"},
    {"cvssMetricV30", "CVSS_V3"},
    {"cvssMetricV2", "CVSS_V2"},
};

/* "CVE-YYYY-NNNN..." */
static int is_cve_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 13 || n > NVD_ID_MAX || strncmp(id, "CVE-", 4) != 0)
        return 0;
    for (size_t i = 4; i < n; i++)
        if (!isdigit((unsigned char)id[i]) && !(i == 8 && id[i] == '-'))
            return 0;
    return id[8] == '-';
}

/* Checks one "cve" object; NULL when it can be imported, else why not. */
static const char *nvd_check(json_t *cve)
{
    if (!json_is_object(cve))
        return "not a JSON object";
    const char *id = vdb_json_str(cve, "id"), *s;
    if (!id || !is_cve_id(id))
        return "no \"id\" CVE id";
    if (!vdb_json_bounded(cve, "published", NVD_DATE_MAX, &s) ||
        !vdb_json_bounded(cve, "lastModified", NVD_DATE_MAX, &s) ||
        !vdb_json_bounded(cve, "vulnStatus", NVD_DATE_MAX, &s))
        return "\"published\", \"lastModified\" or \"vulnStatus\" is not a short string";
    json_t *descs = json_object_get(cve, "descriptions"), *v;
    size_t i;
    if (descs && !json_is_array(descs))
        return "\"descriptions\" is not an array";
    json_array_foreach(descs, i, v)
    {
        if (!json_is_object(v) || !vdb_json_bounded(v, "lang", 16, &s) ||
            !vdb_json_bounded(v, "value", NVD_TEXT_MAX, &s))
            return "a description is not {lang, value} strings";
    }
    json_t *metrics = json_object_get(cve, "metrics");
    if (metrics && !json_is_object(metrics))
        return "\"metrics\" is not an object";
    for (size_t m = 0; m < sizeof nvd_metrics / sizeof nvd_metrics[0]; m++) {
        json_t *list = json_object_get(metrics, nvd_metrics[m].key);
        if (list && !json_is_array(list))
            return "a CVSS metric list is not an array";
        json_array_foreach(list, i, v)
        {
            const char *vector;
            if (!json_is_object(v) || !vdb_json_bounded(v, "type", 64, &s) ||
                !vdb_json_bounded(json_object_get(v, "cvssData"), "vectorString", NVD_VECTOR_MAX, &vector) ||
                !vector)
                return "a CVSS metric has no \"cvssData.vectorString\"";
        }
    }
    json_t *refs = json_object_get(cve, "references");
    if (refs && !json_is_array(refs))
        return "\"references\" is not an array";
    json_array_foreach(refs, i, v)
    {
        if (!json_is_object(v) || !vdb_json_bounded(v, "url", NVD_URL_MAX, &s) || !s)
            return "a reference has no \"url\" string";
        json_t *tags = json_object_get(v, "tags");
        if (tags && !json_is_array(tags))
            return "reference \"tags\" is not an array";
    }
    return NULL;
}

/* The OSV reference type closest to NVD's tags: a patch is a FIX, a vendor
 * or third-party advisory an ADVISORY, an exploit EVIDENCE, an issue
 * tracker a REPORT; anything else WEB. */
static const char *reference_type(json_t *tags)
{
    static const struct {
        const char *tag, *type;
    } map[] = {{"Patch", "FIX"},
               {"Vendor Advisory", "ADVISORY"},
               {"Third Party Advisory", "ADVISORY"},
               {"Exploit", "EVIDENCE"},
               {"Issue Tracking", "REPORT"}};
    for (size_t m = 0; m < sizeof map / sizeof map[0]; m++) {
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t) if (json_is_string(t) && strcmp(json_string_value(t), map[m].tag) == 0)
            return map[m].type;
    }
    return "WEB";
}

/* Is id named by another source of the build?  The set is made once, at
 * the first NVD record: every other source has been imported by then. */
static int nvd_wanted(vdb_writer *w, const char *id, int *wanted)
{
    if (!w->nvd_wanted) {
        static const char *const make =
            "CREATE TEMP TABLE nvd_wanted(id TEXT PRIMARY KEY) WITHOUT ROWID;"
            "INSERT OR IGNORE INTO nvd_wanted SELECT id FROM advisory"
            " WHERE scope <> 'nvd' AND id GLOB 'CVE-*';"
            "INSERT OR IGNORE INTO nvd_wanted SELECT x.alias FROM advisory_alias x"
            " JOIN advisory a ON a.adv = x.adv WHERE a.scope <> 'nvd' AND x.alias GLOB 'CVE-*';"
            "INSERT OR IGNORE INTO nvd_wanted SELECT cve FROM kev;";
        sqlite3_stmt *count = NULL;
        if (sqlite3_exec(w->db, make, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(w->db,
                               "SELECT (SELECT count(*) FROM advisory WHERE scope <> 'nvd')"
                               " + (SELECT count(*) FROM kev)",
                               -1, &count, NULL) != SQLITE_OK ||
            sqlite3_step(count) != SQLITE_ROW ||
            sqlite3_prepare_v2(w->db, "SELECT 1 FROM nvd_wanted WHERE id = ?", -1, &w->nvd_wanted, NULL) !=
                SQLITE_OK) {
            sqlite3_finalize(count);
            return vg_error(w->ctx, VG_ERR_IO, "vulnerability database: NVD filter: %s", sqlite3_errmsg(w->db));
        }
        w->nvd_keep_all = sqlite3_column_int64(count, 0) == 0;
        sqlite3_finalize(count);
    }
    if (w->nvd_keep_all) {
        *wanted = 1;
        return VG_OK;
    }
    sqlite3_bind_text(w->nvd_wanted, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(w->nvd_wanted);
    sqlite3_reset(w->nvd_wanted);
    sqlite3_clear_bindings(w->nvd_wanted);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return vg_error(w->ctx, VG_ERR_IO, "vulnerability database: NVD filter: %s", sqlite3_errmsg(w->db));
    *wanted = rc == SQLITE_ROW;
    return VG_OK;
}

/* 1 the first time key is met in the set seen, 0 after; -1 out of memory. */
static int first_time(json_t *seen, const char *key)
{
    if (json_object_get(seen, key))
        return 0;
    return json_object_set_new(seen, key, json_true()) == 0 ? 1 : -1;
}

/* The CVSS vectors, Primary metrics first (newest CVSS version first
 * within each), each distinct (type, vector) once. */
static int add_metrics(vdb_writer *w, int64_t adv, json_t *metrics)
{
    json_t *seen = json_object();
    if (!seen)
        return vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
    int st = VG_OK;
    for (int primary = 1; primary >= 0 && st == VG_OK; primary--) {
        for (size_t m = 0; m < sizeof nvd_metrics / sizeof nvd_metrics[0] && st == VG_OK; m++) {
            size_t i;
            json_t *v;
            json_array_foreach(json_object_get(metrics, nvd_metrics[m].key), i, v)
            {
                const char *type = vdb_json_str(v, "type");
                if ((type && strcmp(type, "Primary") == 0) != primary)
                    continue;
                const char *vector = vdb_json_str(json_object_get(v, "cvssData"), "vectorString");
                char key[NVD_VECTOR_MAX + 16];
                snprintf(key, sizeof key, "%s %s", nvd_metrics[m].type, vector);
                int first = first_time(seen, key);
                if (first < 0)
                    st = vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
                else if (first)
                    st = vdb_add_severity(w, adv, nvd_metrics[m].type, vector);
                if (st != VG_OK)
                    break;
            }
        }
    }
    json_decref(seen);
    return st;
}

/* One reference per URL: NVD repeats a URL once per organisation that
 * submitted it. */
static int add_references(vdb_writer *w, int64_t adv, json_t *refs)
{
    json_t *seen = json_object();
    if (!seen)
        return vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
    int st = VG_OK;
    size_t i;
    json_t *v;
    json_array_foreach(refs, i, v)
    {
        const char *url = vdb_json_str(v, "url");
        int first = first_time(seen, url);
        if (first < 0)
            st = vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
        else if (first)
            st = vdb_add_reference(w, adv, reference_type(json_object_get(v, "tags")), url);
        if (st != VG_OK)
            break;
    }
    json_decref(seen);
    return st;
}

/* One "cve" object read from file. */
static int nvd_record(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *cve)
{
    src->records_read++;
    const char *why = nvd_check(cve);
    if (why) {
        vdb_skip(w, src, file, "not an NVD CVE record: %s", why);
        return VG_OK;
    }
    const char *id = vdb_json_str(cve, "id"), *modified = vdb_json_str(cve, "lastModified");
    vdb_seen_date(src, modified);
    int wanted = 0, st;
    if ((st = nvd_wanted(w, id, &wanted)))
        return st;
    if (!wanted) {
        src->records_unused++;
        return VG_OK;
    }
    const char *status = vdb_json_str(cve, "vulnStatus"), *details = NULL;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(cve, "descriptions"), i, d)
    {
        const char *lang = vdb_json_str(d, "lang");
        if (!details && lang && strcmp(lang, "en") == 0)
            details = vdb_json_str(d, "value");
    }
    vdb_advisory_row row = {
        .scope = "nvd",
        .id = id,
        .source = src->name,
        .modified = modified,
        .published = vdb_json_str(cve, "published"),
        .withdrawn = status && strcmp(status, "Rejected") == 0 ? (modified ? modified : "") : NULL,
        .details = details,
    };
    int64_t adv;
    int inserted;
    if ((st = vdb_add_advisory(w, &row, &adv, &inserted)))
        return st;
    if (!inserted) {
        /* Pages are read newest first: the first copy is the newest. */
        src->records_duplicate++;
        return VG_OK;
    }
    if ((st = add_metrics(w, adv, json_object_get(cve, "metrics"))) ||
        (st = add_references(w, adv, json_object_get(cve, "references"))))
        return st;
    src->records_imported++;
    return VG_OK;
}

int vdb_nvd_record_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                          const char *data, size_t len)
{
    return vdb_json_buffer(w, src, file, data, len, JSON_REJECT_DUPLICATES, nvd_record);
}

/* ---- the document scanner ---- */

/* Follows a JSON document byte by byte: strings (with escapes) and nesting
 * only, so that the elements of the top-level "vulnerabilities" array and
 * the top-level scalars can be cut out.  Everything else is left to jansson,
 * which parses each element on its own. */
typedef struct nvd_scanner {
    int (*on_element)(void *user, const char *data, size_t len, int too_large);
    void (*on_scalar)(void *user, const char *key, const char *value);
    void *user;
    int depth;            /* containers open */
    int in_string, escape;
    int started;          /* the top-level value has begun */
    /* the top-level object: key, then value */
    enum { K_KEY, K_IN_KEY, K_COLON, K_VALUE, K_IN_VALUE } k;
    char key[32];
    size_t keylen;
    char scalar[64];
    size_t scalarlen;
    int value_is_string;
    int in_vulns;         /* inside "vulnerabilities": [ ... ] (depth 2) */
    int seen_vulns;
    vg_buf element;
    int element_started, element_too_large;
    const char *error;
} nvd_scanner;

static void scanner_init(nvd_scanner *sc)
{
    memset(sc, 0, sizeof *sc);
    vg_buf_init(&sc->element, VDB_RECORD_MAX);
}

static int end_element(nvd_scanner *sc)
{
    int st = VG_OK;
    if (sc->element_started)
        st = sc->on_element(sc->user, sc->element.data ? sc->element.data : "", sc->element.len,
                            sc->element_too_large);
    vg_buf_reset(&sc->element);
    if (sc->element_too_large)
        vg_buf_init(&sc->element, VDB_RECORD_MAX); /* the buffer freed itself */
    sc->element_started = sc->element_too_large = 0;
    return st;
}

static void keep_element_byte(nvd_scanner *sc, char c)
{
    sc->element_started = 1;
    if (!sc->element_too_large && vg_buf_addc(&sc->element, c) != VG_OK)
        sc->element_too_large = 1;
}

static void end_scalar(nvd_scanner *sc)
{
    sc->scalar[sc->scalarlen < sizeof sc->scalar ? sc->scalarlen : sizeof sc->scalar - 1] = '\0';
    if (sc->on_scalar && sc->scalarlen < sizeof sc->scalar)
        sc->on_scalar(sc->user, sc->key, sc->scalar);
    sc->k = K_KEY;
}

/* Feeds len bytes; VG_OK, or an importer's error status (database
 * failures), or VG_ERR_FORMAT with sc->error set for a broken document. */
static int scanner_feed(nvd_scanner *sc, const char *data, size_t len)
{
    for (size_t i = 0; i < len && !sc->error; i++) {
        char c = data[i];
        int ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        /* Inside the vulnerabilities array: cut elements at its commas. */
        if (sc->in_vulns) {
            if (sc->in_string) {
                keep_element_byte(sc, c);
                if (sc->escape)
                    sc->escape = 0;
                else if (c == '\\')
                    sc->escape = 1;
                else if (c == '"')
                    sc->in_string = 0;
                continue;
            }
            if (sc->depth == 2 && c == '}') {
                sc->error = "unbalanced '}' in \"vulnerabilities\"";
                break;
            }
            if (sc->depth == 2 && (c == ',' || c == ']')) {
                int st = end_element(sc);
                if (st != VG_OK)
                    return st;
                if (c == ']') {
                    sc->in_vulns = 0;
                    sc->depth = 1;
                    sc->k = K_KEY;
                }
                continue;
            }
            if (ws && sc->depth == 2)
                continue;
            if (c == '"')
                sc->in_string = 1;
            else if (c == '{' || c == '[') {
                if (++sc->depth > NVD_DEPTH_MAX)
                    sc->error = "nested too deep";
            } else if (c == '}' || c == ']')
                sc->depth--;
            keep_element_byte(sc, c);
            continue;
        }
        if (sc->in_string) {
            if (sc->escape) {
                sc->escape = 0;
            } else if (c == '\\') {
                sc->escape = 1;
            } else if (c == '"') {
                sc->in_string = 0;
                if (sc->depth == 1 && sc->k == K_IN_KEY) {
                    sc->key[sc->keylen < sizeof sc->key ? sc->keylen : sizeof sc->key - 1] = '\0';
                    sc->k = K_COLON;
                } else if (sc->depth == 1 && sc->k == K_IN_VALUE) {
                    end_scalar(sc);
                }
                continue;
            }
            if (sc->depth == 1 && sc->k == K_IN_KEY && sc->keylen < sizeof sc->key)
                sc->key[sc->keylen++] = c;
            else if (sc->depth == 1 && sc->k == K_IN_VALUE && sc->scalarlen < sizeof sc->scalar)
                sc->scalar[sc->scalarlen++] = c;
            continue;
        }
        if (!sc->started) {
            if (ws)
                continue;
            if (c != '{') {
                sc->error = "not a JSON object";
                break;
            }
            sc->started = 1;
            sc->depth = 1;
            sc->k = K_KEY;
            continue;
        }
        if (sc->depth == 0) {
            if (!ws)
                sc->error = "data after the end of the document";
            continue;
        }
        if (sc->depth == 1) {
            /* A number or literal value of the top-level object ends here. */
            if (sc->k == K_IN_VALUE && !sc->value_is_string && (ws || c == ',' || c == '}'))
                end_scalar(sc);
            if (ws)
                continue;
            switch (sc->k) {
            case K_KEY:
                if (c == '"') {
                    sc->in_string = 1;
                    sc->k = K_IN_KEY;
                    sc->keylen = 0;
                } else if (c == '}') {
                    sc->depth = 0;
                } else if (c != ',') {
                    sc->error = "a key is not a string";
                }
                continue;
            case K_COLON:
                if (c != ':')
                    sc->error = "no ':' after a key";
                sc->k = K_VALUE;
                continue;
            case K_VALUE:
                sc->scalarlen = 0;
                if (c == '[' && strcmp(sc->key, "vulnerabilities") == 0) {
                    sc->depth = 2;
                    sc->in_vulns = sc->seen_vulns = 1;
                } else if (c == '{' || c == '[') {
                    sc->depth = 2; /* another container: skipped */
                } else {
                    sc->k = K_IN_VALUE;
                    sc->value_is_string = c == '"';
                    if (c == '"')
                        sc->in_string = 1;
                    else
                        sc->scalar[sc->scalarlen++] = c;
                }
                continue;
            case K_IN_VALUE:
                if (sc->scalarlen < sizeof sc->scalar)
                    sc->scalar[sc->scalarlen++] = c;
                continue;
            case K_IN_KEY:
                continue;
            }
        }
        /* Inside a skipped container below the top-level object. */
        if (c == '"') {
            sc->in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++sc->depth > NVD_DEPTH_MAX)
                sc->error = "nested too deep";
        } else if (c == '}' || c == ']') {
            if (--sc->depth == 1)
                sc->k = K_KEY;
        }
    }
    return sc->error ? VG_ERR_FORMAT : VG_OK;
}

static int scanner_finish(nvd_scanner *sc)
{
    if (!sc->error && (!sc->started || sc->depth != 0 || sc->in_string))
        sc->error = "truncated document";
    vg_buf_free(&sc->element);
    return sc->error ? VG_ERR_FORMAT : VG_OK;
}

/* Runs the scanner over fd (fd >= 0) or data/len. */
static int scan_input(nvd_scanner *sc, int fd, const char *data, size_t len, const char **io_error)
{
    *io_error = NULL;
    int st = VG_OK;
    if (fd < 0) {
        st = scanner_feed(sc, data, len);
    } else {
        char *chunk = malloc(NVD_CHUNK);
        if (!chunk) {
            vg_buf_free(&sc->element);
            return VG_ERR_NOMEM;
        }
        ssize_t got;
        while (st == VG_OK && (got = read(fd, chunk, NVD_CHUNK)) != 0) {
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                *io_error = strerror(errno);
                break;
            }
            st = scanner_feed(sc, chunk, (size_t)got);
        }
        free(chunk);
    }
    if (st == VG_ERR_FORMAT)
        st = VG_OK; /* sc->error says why */
    int fin = scanner_finish(sc);
    return st != VG_OK ? st : (*io_error ? VG_OK : fin);
}

/* ---- importing documents ---- */

typedef struct import_state {
    vdb_writer *w;
    vg_vulndb_source_report *src;
    const char *file;
    size_t index;
} import_state;

static int import_element(void *user, const char *data, size_t len, int too_large)
{
    import_state *is = user;
    size_t index = is->index++;
    char where[64];
    snprintf(where, sizeof where, "vulnerabilities[%zu]", index);
    if (too_large) {
        is->src->records_read++;
        vdb_skip(is->w, is->src, is->file, "%s: record larger than %zu bytes", where, VDB_RECORD_MAX);
        return VG_OK;
    }
    json_error_t jerr;
    json_t *item = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *cve = json_object_get(item, "cve");
    if (!cve) {
        is->src->records_read++;
        if (item)
            vdb_skip(is->w, is->src, is->file, "%s: no \"cve\" object", where);
        else
            vdb_skip(is->w, is->src, is->file, "%s: invalid JSON: %s", where, jerr.text);
        json_decref(item);
        return VG_OK;
    }
    int st = nvd_record(is->w, is->src, is->file, cve);
    json_decref(item);
    return st;
}

static int import_document(vdb_writer *w, vg_vulndb_source_report *src, const char *file, int fd,
                           const char *data, size_t len)
{
    import_state is = {.w = w, .src = src, .file = file};
    nvd_scanner sc;
    scanner_init(&sc);
    sc.on_element = import_element;
    sc.user = &is;
    const char *io_error;
    int st = scan_input(&sc, fd, data, len, &io_error);
    if (st != VG_OK && st != VG_ERR_FORMAT)
        return st;
    if (io_error || sc.error || !sc.seen_vulns) {
        /* The records before the damage are kept; the document counts once. */
        src->records_read++;
        vdb_skip(w, src, file, "%s", io_error ? io_error
                                     : sc.error ? sc.error
                                                : "not an NVD document (no \"vulnerabilities\" array)");
    }
    return VG_OK;
}

int vdb_nvd_document_fd(vdb_writer *w, vg_vulndb_source_report *src, const char *file, int fd)
{
    return import_document(w, src, file, fd, NULL, 0);
}

int vdb_nvd_document_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                            const char *data, size_t len)
{
    return import_document(w, src, file, -1, data, len);
}

/* ---- scanning pages (the API client) ---- */

static int page_element(void *user, const char *data, size_t len, int too_large)
{
    vdb_nvd_page *p = user;
    p->records++;
    if (too_large)
        return VG_OK;
    json_t *item = json_loadb(data, len, 0, NULL);
    const char *modified = vdb_json_str(json_object_get(item, "cve"), "lastModified");
    int64_t t, newest;
    if (modified && strlen(modified) < sizeof p->newest && vdb_parse_time(modified, &t) == 0 &&
        (!p->newest[0] || (vdb_parse_time(p->newest, &newest) == 0 && t > newest)))
        snprintf(p->newest, sizeof p->newest, "%s", modified);
    json_decref(item);
    return VG_OK;
}

static void page_scalar(void *user, const char *key, const char *value)
{
    vdb_nvd_page *p = user;
    char *end;
    long long v = strtoll(value, &end, 10);
    if (*end || end == value || v < 0)
        return;
    if (strcmp(key, "totalResults") == 0)
        p->total_results = v;
    else if (strcmp(key, "startIndex") == 0)
        p->start_index = v;
}

int vdb_nvd_page_scan(vg_ctx *ctx, const char *file, int fd, vdb_nvd_page *out)
{
    memset(out, 0, sizeof *out);
    out->total_results = out->start_index = -1;
    nvd_scanner sc;
    scanner_init(&sc);
    sc.on_element = page_element;
    sc.on_scalar = page_scalar;
    sc.user = out;
    const char *io_error;
    int st = scan_input(&sc, fd, NULL, 0, &io_error);
    if (st == VG_ERR_NOMEM)
        return vg_error(ctx, st, "out of memory");
    if (io_error)
        return vg_error(ctx, VG_ERR_IO, "%s: %s", file, io_error);
    if (sc.error)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not an NVD API answer: %s", file, sc.error);
    out->is_nvd = sc.seen_vulns;
    if (!out->is_nvd || out->total_results < 0)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: not an NVD API answer (no \"vulnerabilities\" array or \"totalResults\")", file);
    return VG_OK;
}
