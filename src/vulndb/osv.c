/*
 * osv.c — imports OSV records (Open Source Vulnerability schema 1.6,
 * https://ossf.github.io/osv-schema/) into the vulnerability database:
 * single JSON files, folders of them (the layout of the OSV export,
 * one <ID>.json per record) and the export's per-ecosystem all.zip, read
 * entry by entry with libarchive so memory does not grow with the archive.
 *
 * Each record is validated completely before anything of it is written, so
 * a malformed record is skipped whole (counted, with its reason) and never
 * half-imported.  Stored: id, modified, published, withdrawn, summary,
 * details, aliases, references, severity (record and affected level),
 * database_specific.severity when it is a string, affected packages with
 * ranges (events in order) and explicit versions.
 *
 * Red Hat family errata (AlmaLinux, Rocky Linux, Red Hat ecosystems) name
 * the CVEs they fix in "related", not "aliases" (an erratum is not itself
 * any one of those vulnerabilities, so OSV cannot call them aliases).  For
 * vigil's purpose the erratum fixes exactly those CVEs, so their CVE ids
 * are stored as aliases: a finding then carries its CVE ids, and the
 * CVE's other records (NVD's CVSS, KEV) can be found.  Their rating, the
 * "Important:" / "Moderate:" / "Critical:" / "Low:" prefix of the summary,
 * is stored as the advisory's severity when no database_specific severity
 * is given.
 *
 * Leaves out: related (other ecosystems), upstream, credits,
 * ecosystem_specific, other database_specific fields, affected entries
 * without a package (GIT-only entries the matcher cannot use).
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vulndb_internal.h"

#define OSV_ID_MAX 256
#define OSV_STRING_MAX ((size_t)1 << 20) /* summary/details/name/version/url */

static const char *const event_kinds[] = {"introduced", "fixed", "last_affected", "limit"};

static int optional_string(const json_t *obj, const char *key, const char **out)
{
    return vdb_json_bounded(obj, key, OSV_STRING_MAX, out);
}

/* An absent field, or an array of ids (strings of at most OSV_ID_MAX). */
static int optional_ids(const json_t *obj, const char *key)
{
    json_t *list = json_object_get(obj, key), *a;
    size_t i;
    if (!list || json_is_null(list))
        return 1;
    if (!json_is_array(list))
        return 0;
    json_array_foreach(list, i, a) if (!json_is_string(a) || json_string_length(a) > OSV_ID_MAX)
        return 0;
    return 1;
}

/* Checks one record; returns NULL when it can be imported, else why not. */
static const char *osv_check(json_t *rec)
{
    if (!json_is_object(rec))
        return "not a JSON object";
    const char *id = vdb_json_str(rec, "id");
    if (!id || !id[0])
        return "no \"id\"";
    if (strlen(id) > OSV_ID_MAX)
        return "\"id\" too long";
    const char *s;
    if (!optional_string(rec, "modified", &s) || !optional_string(rec, "published", &s) ||
        !optional_string(rec, "withdrawn", &s) || !optional_string(rec, "summary", &s) ||
        !optional_string(rec, "details", &s))
        return "a string field (modified, published, withdrawn, summary, details) is not a string";
    if (!optional_ids(rec, "aliases"))
        return "\"aliases\" is not an array of ids";
    if (!optional_ids(rec, "related"))
        return "\"related\" is not an array of ids";
    json_t *refs = json_object_get(rec, "references");
    if (refs && !json_is_null(refs)) {
        if (!json_is_array(refs))
            return "\"references\" is not an array";
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
            if (!json_is_object(r) || !optional_string(r, "type", &s) || !optional_string(r, "url", &s) ||
                !s)
                return "a reference has no \"url\" string";
        }
    }
    json_t *sev = json_object_get(rec, "severity");
    if (sev && !json_is_null(sev)) {
        if (!json_is_array(sev))
            return "\"severity\" is not an array";
        size_t i;
        json_t *v;
        json_array_foreach(sev, i, v)
        {
            if (!json_is_object(v) || !vdb_json_str(v, "type") || !vdb_json_str(v, "score"))
                return "a severity entry lacks \"type\" or \"score\" strings";
        }
    }
    json_t *affected = json_object_get(rec, "affected");
    if (affected && !json_is_null(affected)) {
        if (!json_is_array(affected))
            return "\"affected\" is not an array";
        size_t i;
        json_t *a;
        json_array_foreach(affected, i, a)
        {
            if (!json_is_object(a))
                return "an \"affected\" entry is not an object";
            json_t *pkg = json_object_get(a, "package");
            if (pkg && !json_is_null(pkg)) {
                const char *eco = vdb_json_str(pkg, "ecosystem"), *name = vdb_json_str(pkg, "name");
                if (!json_is_object(pkg) || !eco || !name || !eco[0] || !name[0] ||
                    strlen(name) > 1000 || strlen(eco) > 200)
                    return "an affected \"package\" lacks \"ecosystem\" or \"name\"";
            }
            json_t *asev = json_object_get(a, "severity");
            if (asev && !json_is_null(asev)) {
                size_t k;
                json_t *v;
                if (!json_is_array(asev))
                    return "an affected \"severity\" is not an array";
                json_array_foreach(asev, k, v) if (!vdb_json_str(v, "type") || !vdb_json_str(v, "score"))
                    return "an affected severity entry lacks \"type\" or \"score\"";
            }
            json_t *ranges = json_object_get(a, "ranges");
            if (ranges && !json_is_null(ranges)) {
                if (!json_is_array(ranges))
                    return "\"ranges\" is not an array";
                size_t k;
                json_t *r;
                json_array_foreach(ranges, k, r)
                {
                    const char *type = vdb_json_str(r, "type");
                    if (!type || (strcmp(type, "SEMVER") && strcmp(type, "ECOSYSTEM") && strcmp(type, "GIT")))
                        return "a range has no known \"type\" (SEMVER, ECOSYSTEM, GIT)";
                    if (!optional_string(r, "repo", &s))
                        return "a range \"repo\" is not a string";
                    json_t *events = json_object_get(r, "events");
                    if (!json_is_array(events) || json_array_size(events) == 0)
                        return "a range has no \"events\" array";
                    size_t e;
                    json_t *ev;
                    json_array_foreach(events, e, ev)
                    {
                        if (!json_is_object(ev) || json_object_size(ev) != 1)
                            return "a range event is not an object with one key";
                        int known = 0;
                        for (size_t x = 0; x < 4; x++) {
                            json_t *v = json_object_get(ev, event_kinds[x]);
                            if (v) {
                                if (!json_is_string(v) || json_string_length(v) > OSV_STRING_MAX)
                                    return "a range event version is not a string";
                                known = 1;
                            }
                        }
                        if (!known)
                            return "a range event is not introduced, fixed, last_affected or limit";
                    }
                }
            }
            json_t *versions = json_object_get(a, "versions");
            if (versions && !json_is_null(versions)) {
                if (!json_is_array(versions))
                    return "\"versions\" is not an array";
                size_t k;
                json_t *v;
                json_array_foreach(versions, k, v) if (!json_is_string(v))
                    return "an affected version is not a string";
            }
        }
    }
    return NULL;
}

static int add_severities(vdb_writer *w, int64_t adv, json_t *sev)
{
    size_t i;
    json_t *v;
    int st = VG_OK;
    json_array_foreach(sev, i, v)
    {
        if ((st = vdb_add_severity(w, adv, vdb_json_str(v, "type"), vdb_json_str(v, "score"))))
            return st;
    }
    return st;
}

static int add_affected(vdb_writer *w, int64_t adv, json_t *a)
{
    json_t *pkg = json_object_get(a, "package");
    if (!json_is_object(pkg))
        return VG_OK;
    vdb_affected_row row = {.adv = adv,
                            .ecosystem = vdb_json_str(pkg, "ecosystem"),
                            .name = vdb_json_str(pkg, "name")};
    json_t *ds = json_object_get(a, "database_specific");
    if (json_is_object(ds))
        row.severity = vdb_json_str(ds, "severity");
    int64_t aff;
    int st = vdb_add_affected(w, &row, &aff);
    if (st)
        return st;
    json_t *asev = json_object_get(a, "severity");
    if (json_is_array(asev) && (st = add_severities(w, adv, asev)))
        return st;
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(a, "ranges"), k, r)
    {
        int64_t rng;
        if ((st = vdb_add_range(w, aff, vdb_json_str(r, "type"), vdb_json_str(r, "repo"), &rng)))
            return st;
        size_t e;
        json_t *ev;
        json_array_foreach(json_object_get(r, "events"), e, ev)
        {
            for (size_t x = 0; x < 4; x++) {
                const char *v = vdb_json_str(ev, event_kinds[x]);
                if (v && (st = vdb_add_event(w, rng, (int)e, event_kinds[x], v)))
                    return st;
            }
        }
    }
    json_t *v;
    json_array_foreach(json_object_get(a, "versions"), k, v)
    {
        if ((st = vdb_add_version(w, aff, json_string_value(v))))
            return st;
    }
    return VG_OK;
}

/* Does the record fix packages of a Red Hat family distribution? */
static int red_hat_family(json_t *rec)
{
    static const char *const families[] = {"AlmaLinux", "Rocky Linux", "Red Hat"};
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(rec, "affected"), i, a)
    {
        const char *eco = vdb_json_str(json_object_get(a, "package"), "ecosystem");
        for (size_t f = 0; eco && f < sizeof families / sizeof families[0]; f++) {
            size_t n = strlen(families[f]);
            if (strncmp(eco, families[f], n) == 0 && (eco[n] == '\0' || eco[n] == ':'))
                return 1;
        }
    }
    return 0;
}

/* The rating a Red Hat family erratum puts before its summary
 * ("Important: postgresql:16 security update"), or NULL. */
static const char *red_hat_severity(const char *summary)
{
    static const char *const ratings[] = {"Critical", "Important", "Moderate", "Low"};
    for (size_t i = 0; summary && i < sizeof ratings / sizeof ratings[0]; i++) {
        size_t n = strlen(ratings[i]);
        if (strncmp(summary, ratings[i], n) == 0 && summary[n] == ':')
            return ratings[i];
    }
    return NULL;
}

/* Is id among the record's aliases already? */
static int has_alias(json_t *rec, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "aliases"), i, v) if (strcmp(json_string_value(v), id) == 0)
        return 1;
    return 0;
}

int vdb_osv_record(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *rec)
{
    src->records_read++;
    const char *why = osv_check(rec);
    if (why) {
        vdb_skip(w, src, file, "not an OSV record: %s", why);
        return VG_OK;
    }
    vdb_advisory_row row = {
        .scope = "osv",
        .id = vdb_json_str(rec, "id"),
        .source = src->name,
        .modified = vdb_json_str(rec, "modified"),
        .published = vdb_json_str(rec, "published"),
        .withdrawn = vdb_json_str(rec, "withdrawn"),
        .summary = vdb_json_str(rec, "summary"),
        .details = vdb_json_str(rec, "details"),
    };
    json_t *ds = json_object_get(rec, "database_specific");
    if (json_is_object(ds))
        row.severity = vdb_json_str(ds, "severity");
    int errata = red_hat_family(rec);
    if (errata && !row.severity)
        row.severity = red_hat_severity(row.summary);
    int64_t adv;
    int inserted, st;
    if ((st = vdb_add_advisory(w, &row, &adv, &inserted)))
        return st;
    if (!inserted) {
        src->records_duplicate++;
        return VG_OK;
    }
    /* Both: the Go database writes 0001-01-01 as modified when unknown. */
    vdb_seen_date(src, row.modified);
    vdb_seen_date(src, row.published);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "aliases"), i, v)
    {
        if ((st = vdb_add_alias(w, adv, json_string_value(v))))
            return st;
    }
    json_array_foreach(errata ? json_object_get(rec, "related") : NULL, i, v)
    {
        const char *id = json_string_value(v);
        if (strncmp(id, "CVE-", 4) == 0 && !has_alias(rec, id) && (st = vdb_add_alias(w, adv, id)))
            return st;
    }
    json_array_foreach(json_object_get(rec, "references"), i, v)
    {
        if ((st = vdb_add_reference(w, adv, vdb_json_str(v, "type"), vdb_json_str(v, "url"))))
            return st;
    }
    json_t *sev = json_object_get(rec, "severity");
    if (json_is_array(sev) && (st = add_severities(w, adv, sev)))
        return st;
    json_array_foreach(json_object_get(rec, "affected"), i, v)
    {
        if ((st = add_affected(w, adv, v)))
            return st;
    }
    src->records_imported++;
    return VG_OK;
}

int vdb_osv_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                   size_t len)
{
    return vdb_json_buffer(w, src, file, data, len, JSON_REJECT_DUPLICATES, vdb_osv_record);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int vdb_osv_dir(vdb_writer *w, vg_vulndb_source_report *src, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        vdb_skip(w, src, dir, "cannot read the directory: %s", strerror(errno));
        return VG_OK;
    }
    /* Names only (not records) are held, sorted so builds are reproducible. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    int st = VG_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".json"))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            char **p = realloc(names, ncap * sizeof *p);
            if (!p) {
                st = vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
                break;
            }
            names = p;
            cap = ncap;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st == VG_OK && n > 0)
        qsort(names, n, sizeof *names, name_cmp);
    vg_buf path, data;
    vg_buf_init(&path, 8192);
    for (size_t i = 0; i < n && st == VG_OK; i++) {
        vg_buf_reset(&path);
        if (vg_buf_addf(&path, "%s/%s", dir, names[i]) != VG_OK) {
            vg_buf_init(&path, 8192);
            src->records_read++;
            vdb_skip(w, src, names[i], "path too long");
            continue;
        }
        vg_ctx rctx;
        vg_ctx_init(&rctx);
        if (vdb_read_file(&rctx, path.data, VDB_RECORD_MAX, &data) != VG_OK) {
            src->records_read++;
            vdb_skip(w, src, path.data, "%s", rctx.message);
        } else {
            st = vdb_osv_buffer(w, src, path.data, data.data ? data.data : "", data.len);
            vg_buf_free(&data);
        }
        vg_ctx_free(&rctx);
    }
    vg_buf_free(&path);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

int vdb_osv_zip(vdb_writer *w, vg_vulndb_source_report *src, const char *zip)
{
    struct archive *a = archive_read_new();
    if (!a)
        return vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, zip, 65536) != ARCHIVE_OK) {
        src->records_read++;
        vdb_skip(w, src, zip, "cannot open the zip: %s", archive_error_string(a));
        archive_read_free(a);
        return VG_OK;
    }
    vg_buf data;
    vg_buf_init(&data, VDB_RECORD_MAX);
    vg_buf name;
    vg_buf_init(&name, 8192);
    int st = VG_OK;
    for (;;) {
        struct archive_entry *entry;
        int rc = archive_read_next_header(a, &entry);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            src->records_read++;
            vdb_skip(w, src, zip, "truncated or damaged zip: %s", archive_error_string(a));
            break;
        }
        const char *ename = archive_entry_pathname(entry);
        if (archive_entry_filetype(entry) != AE_IFREG || !ename || !ends_with(ename, ".json"))
            continue;
        vg_buf_reset(&name);
        if (vg_buf_addf(&name, "%s:%s", zip, ename) != VG_OK)
            vg_buf_init(&name, 8192);
        const char *where = name.data ? name.data : zip;
        vg_buf_reset(&data);
        int bad = 0;
        char chunk[65536];
        for (;;) {
            la_ssize_t got = archive_read_data(a, chunk, sizeof chunk);
            if (got == 0)
                break;
            if (got < 0) {
                bad = 1;
                break;
            }
            if (vg_buf_add(&data, chunk, (size_t)got) != VG_OK) {
                bad = 2;
                vg_buf_init(&data, VDB_RECORD_MAX);
                break;
            }
        }
        if (bad) {
            src->records_read++;
            if (bad == 2)
                vdb_skip(w, src, where, "record larger than %zu bytes", VDB_RECORD_MAX);
            else
                vdb_skip(w, src, where, "truncated or damaged zip entry: %s", archive_error_string(a));
            if (bad == 1)
                break; /* the stream is lost after a damaged entry */
            continue;
        }
        if ((st = vdb_osv_buffer(w, src, where, data.data ? data.data : "", data.len)))
            break;
    }
    vg_buf_free(&data);
    vg_buf_free(&name);
    archive_read_free(a);
    return st;
}
