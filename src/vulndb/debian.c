/*
 * debian.c — imports the Debian security tracker: the advisory lists
 * data/DSA/list, data/DLA/list and data/DTSA/list of the tracker's
 * repository (salsa.debian.org/security-tracker-team/security-tracker),
 * and the tracker's JSON export (https://security-tracker.debian.org/tracker/data/json).
 *
 * List format, one advisory per header line and indented lines under it:
 *
 *   [29 Mar 2023] DSA-5380-1 xorg-server - security update
 *   	{CVE-2023-1393}
 *   	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
 *   	[buster] - foo <not-affected> (Vulnerable code not present)
 *   	NOTE: free text
 *
 * Dates are "DD Mon YYYY" or, in old entries, "Month DDth, YYYY".  Release
 * lines give a source package and its fixed version, or <not-affected>,
 * <unfixed>, <end-of-life>, or nothing but a note; a "(text)" after it is
 * an urgency ("(high)"), a note, or both ("(bug #324531; medium)").
 * Mapping to the schema: docs/vulndb.md.
 *
 * JSON format: { package: { CVE: { "description": ..., "releases": {
 * codename: { "status": "resolved"|"open"|"undetermined",
 * "fixed_version": ..., "urgency": ... } } } } }.
 *
 * Leaves out: the tracker's data/CVE/list (per-CVE notes) and the
 * "repositories" per release of the JSON; NOTE lines are ignored.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vulndb_internal.h"

#define TRACKER_ALIASES_MAX 512
#define TRACKER_RELEASES_MAX 64
#define TRACKER_RECORD_MAX 65536

static const struct {
    const char *codename, *number;
} debian_releases[] = {
    {"forky", "14"}, {"trixie", "13"}, {"bookworm", "12"}, {"bullseye", "11"}, {"buster", "10"},
    {"stretch", "9"}, {"jessie", "8"}, {"wheezy", "7"},    {"squeeze", "6"},    {"lenny", "5"},
    {"etch", "4"},   {"sarge", "3.1"}, {"woody", "3.0"},   {"potato", "2.2"},
};

const char *vdb_debian_release_number(const char *codename)
{
    for (size_t i = 0; i < sizeof debian_releases / sizeof debian_releases[0]; i++)
        if (strcmp(codename, debian_releases[i].codename) == 0)
            return debian_releases[i].number;
    return NULL;
}

static void debian_ecosystem(const char *codename, char *out, size_t outsz)
{
    const char *n = vdb_debian_release_number(codename);
    snprintf(out, outsz, "Debian:%s", n ? n : codename);
}

/* An urgency word of the tracker ("low", "medium**", "unimportant"...). */
static int is_urgency(const char *s, size_t len)
{
    static const char *const words[] = {"unimportant", "low", "medium", "high", "critical"};
    while (len > 0 && s[len - 1] == '*')
        len--;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == len && strncmp(s, words[i], len) == 0)
            return 1;
    return 0;
}

/* The urgency a "(note)" of a release line gives: the whole note
 * ("(medium)") or one of its ';'-separated parts ("(bug #332424; medium)").
 * Writes it into out; 0 when there is none. */
static int note_urgency(const char *note, char *out, size_t outsz)
{
    const char *p = note;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *start = p;
        while (*p && *p != ';')
            p++;
        size_t len = (size_t)(p - start);
        while (len > 0 && start[len - 1] == ' ')
            len--;
        if (len > 0 && is_urgency(start, len) && len < outsz) {
            snprintf(out, outsz, "%.*s", (int)len, start);
            return 1;
        }
    }
    return 0;
}

/* "29 Mar 2023" or "August 26th, 2005" -> "2023-03-29"; 0 on failure. */
static int parse_date(const char *s, size_t len, char out[11])
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    char text[64];
    if (len >= sizeof text)
        return 0;
    memcpy(text, s, len);
    text[len] = '\0';
    char w1[32] = "", w2[32] = "", w3[32] = "";
    if (sscanf(text, "%31s %31s %31s", w1, w2, w3) != 3)
        return 0;
    const char *mon, *day, *year = w3;
    if (isdigit((unsigned char)w1[0])) {
        day = w1;
        mon = w2;
    } else {
        mon = w1;
        day = w2;
    }
    int m = 0;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(mon, months[i], 3) == 0)
            m = i + 1;
    char *end;
    long d = strtol(day, &end, 10);
    long y = strtol(year, NULL, 10);
    if (!m || d < 1 || d > 31 || y < 1990 || y > 2999)
        return 0;
    char date[32]; /* room for what the compiler cannot prove out of range */
    snprintf(date, sizeof date, "%04ld-%02d-%02ld", y, m, d);
    memcpy(out, date, 11);
    return 1;
}

typedef struct tracker_release {
    char codename[64];
    char package[256];
    char version[256];
    char note[512];
} tracker_release;

typedef struct tracker_record {
    char id[64];
    char date[11];
    char summary[512];
    char *aliases[TRACKER_ALIASES_MAX];
    size_t naliases;
    tracker_release releases[TRACKER_RELEASES_MAX];
    size_t nreleases;
    char alias_text[TRACKER_RECORD_MAX];
    size_t alias_used;
    int open;
    size_t line;
} tracker_record;

/* Parses a header line "[DATE] ID rest"; 0 when it is not one. */
static int parse_header(const char *line, size_t len, tracker_record *rec)
{
    const char *close = memchr(line, ']', len);
    if (!close || line[0] != '[')
        return 0;
    if (!parse_date(line + 1, (size_t)(close - line - 1), rec->date))
        return 0;
    const char *p = close + 1, *end = line + len;
    while (p < end && *p == ' ')
        p++;
    const char *id = p;
    while (p < end && *p != ' ')
        p++;
    size_t idlen = (size_t)(p - id);
    if (idlen < 5 || idlen >= sizeof rec->id)
        return 0;
    if (strncmp(id, "DSA-", 4) && strncmp(id, "DLA-", 4) && strncmp(id, "DTSA-", 5))
        return 0;
    const char *dash = memchr(id, '-', idlen);
    if (!dash || dash + 1 >= p || !isdigit((unsigned char)dash[1]))
        return 0;
    for (const char *q = dash + 1; q < p; q++)
        if (!isdigit((unsigned char)*q) && *q != '-')
            return 0;
    memcpy(rec->id, id, idlen);
    rec->id[idlen] = '\0';
    while (p < end && *p == ' ')
        p++;
    /* "package - description", or (announcements) free text. */
    size_t rest = (size_t)(end - p);
    snprintf(rec->summary, sizeof rec->summary, "%.*s", (int)(rest < 511 ? rest : 511), p);
    const char *sep = strstr(rec->summary, " - ");
    if (sep) {
        const char *d = sep + 3;
        while (*d == ' ')
            d++;
        memmove(rec->summary, d, strlen(d) + 1);
    }
    return 1;
}

/* Parses "{CVE-1 CVE-2}" into rec->aliases; 0 when malformed. */
static int parse_aliases(const char *p, size_t len, tracker_record *rec)
{
    if (len < 2 || p[0] != '{' || p[len - 1] != '}')
        return 0;
    p++;
    len -= 2;
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)p[i]))
            i++;
        size_t start = i;
        while (i < len && !isspace((unsigned char)p[i]))
            i++;
        size_t n = i - start;
        if (n == 0)
            break;
        if (n > 64 || rec->naliases >= TRACKER_ALIASES_MAX ||
            rec->alias_used + n + 1 > sizeof rec->alias_text)
            return 0;
        char *a = rec->alias_text + rec->alias_used;
        memcpy(a, p + start, n);
        a[n] = '\0';
        rec->alias_used += n + 1;
        rec->aliases[rec->naliases++] = a;
    }
    return 1;
}

/* Parses "[release] - package [version] [(note)]"; 0 when malformed. */
static int parse_release(const char *p, size_t len, tracker_release *r)
{
    memset(r, 0, sizeof *r);
    const char *end = p + len;
    const char *close = memchr(p, ']', len);
    if (p[0] != '[' || !close || close - p - 1 <= 0 || (size_t)(close - p - 1) >= sizeof r->codename)
        return 0;
    memcpy(r->codename, p + 1, (size_t)(close - p - 1));
    for (char *c = r->codename; *c; c++)
        if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '-')
            return 0;
    p = close + 1;
    if (end - p < 3 || strncmp(p, " - ", 3) != 0)
        return 0;
    p += 3;
    const char *pkg = p;
    while (p < end && !isspace((unsigned char)*p))
        p++;
    if (p == pkg || (size_t)(p - pkg) >= sizeof r->package)
        return 0;
    memcpy(r->package, pkg, (size_t)(p - pkg));
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p < end && *p != '(') {
        const char *ver = p;
        while (p < end && !isspace((unsigned char)*p))
            p++;
        if ((size_t)(p - ver) >= sizeof r->version)
            return 0;
        memcpy(r->version, ver, (size_t)(p - ver));
        while (p < end && isspace((unsigned char)*p))
            p++;
    }
    if (p < end) {
        if (*p != '(' || end[-1] != ')')
            return 0;
        size_t n = (size_t)(end - p - 2);
        snprintf(r->note, sizeof r->note, "%.*s", (int)(n < 511 ? n : 511), p + 1);
    }
    return 1;
}

static int flush_record(vdb_writer *w, vg_vulndb_source_report *src, tracker_record *rec)
{
    if (!rec->open)
        return VG_OK;
    rec->open = 0;
    vdb_advisory_row row = {.scope = src->name,
                            .id = rec->id,
                            .source = src->name,
                            .published = rec->date,
                            .summary = rec->summary[0] ? rec->summary : NULL};
    int64_t adv, aff;
    int inserted, st;
    if ((st = vdb_add_advisory(w, &row, &adv, &inserted)))
        return st;
    vdb_seen_date(src, rec->date);
    for (size_t i = 0; i < rec->naliases; i++)
        if ((st = vdb_add_alias(w, adv, rec->aliases[i])))
            return st;
    for (size_t i = 0; i < rec->nreleases; i++) {
        tracker_release *r = &rec->releases[i];
        char ecosystem[96];
        debian_ecosystem(r->codename, ecosystem, sizeof ecosystem);
        const char *status, *fixed = NULL;
        if (strcmp(r->version, "<not-affected>") == 0)
            status = "not-affected";
        else if (strcmp(r->version, "<unfixed>") == 0)
            status = "unfixed";
        else if (strcmp(r->version, "<end-of-life>") == 0)
            status = "end-of-life";
        else if (r->version[0] == '\0' || r->version[0] == '<')
            status = "unknown";
        else {
            status = "fixed";
            fixed = r->version;
        }
        /* A note that is only an urgency is not kept as a note as well. */
        char urgency[32];
        int has_urgency = note_urgency(r->note, urgency, sizeof urgency);
        int only_urgency = has_urgency && strcmp(urgency, r->note) == 0;
        vdb_affected_row arow = {.adv = adv,
                                 .ecosystem = ecosystem,
                                 .name = r->package,
                                 .is_source = 1,
                                 .status = status,
                                 .severity = has_urgency ? urgency : NULL,
                                 .note = (!only_urgency && r->note[0]) ? r->note : NULL};
        if ((st = vdb_add_affected(w, &arow, &aff)))
            return st;
        if ((fixed || !strcmp(status, "unfixed") || !strcmp(status, "end-of-life")) &&
            (st = vdb_add_fixed_range(w, aff, fixed)))
            return st;
    }
    src->records_imported++;
    return VG_OK;
}

int vdb_debian_list_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file,
                           const char *data, size_t len)
{
    tracker_record *rec = calloc(1, sizeof *rec);
    if (!rec)
        return vg_error(w->ctx, VG_ERR_NOMEM, "out of memory");
    int st = VG_OK;
    size_t pos = 0, lineno = 0;
    int bad_record = 0;
    while (pos < len && st == VG_OK) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - line) : len - pos;
        pos += llen + (nl ? 1 : 0);
        lineno++;
        while (llen > 0 && (line[llen - 1] == '\r' || line[llen - 1] == ' ' || line[llen - 1] == '\t'))
            llen--;
        if (llen == 0)
            continue;
        if (llen > VDB_LINE_MAX) {
            vdb_skip(w, src, file, "line %zu: longer than %d bytes", lineno, VDB_LINE_MAX);
            continue;
        }
        if (!isspace((unsigned char)line[0])) {
            if ((st = flush_record(w, src, rec)))
                break;
            memset(rec, 0, sizeof *rec);
            src->records_read++;
            if (parse_header(line, llen, rec)) {
                rec->open = 1;
                rec->line = lineno;
                bad_record = 0;
            } else {
                bad_record = 1;
                vdb_skip(w, src, file, "line %zu: not an advisory header: %.*s", lineno,
                         (int)(llen < 60 ? llen : 60), line);
            }
            continue;
        }
        const char *p = line;
        size_t plen = llen;
        while (plen > 0 && isspace((unsigned char)*p)) {
            p++;
            plen--;
        }
        if (bad_record)
            continue; /* lines of a header already counted as skipped */
        if (!rec->open) {
            src->records_read++;
            vdb_skip(w, src, file, "line %zu: indented line outside an advisory", lineno);
            bad_record = 1;
            continue;
        }
        if (plen >= 5 && strncmp(p, "NOTE:", 5) == 0)
            continue;
        if (p[0] == '{') {
            if (!parse_aliases(p, plen, rec)) {
                src->records_read++;
                vdb_skip(w, src, file, "line %zu: malformed {CVE ...} line", lineno);
            }
            continue;
        }
        if (p[0] == '[' && rec->nreleases < TRACKER_RELEASES_MAX &&
            parse_release(p, plen, &rec->releases[rec->nreleases])) {
            rec->nreleases++;
            continue;
        }
        src->records_read++;
        vdb_skip(w, src, file, "line %zu: not a release line: %.*s", lineno,
                 (int)(plen < 60 ? plen : 60), p);
    }
    if (st == VG_OK)
        st = flush_record(w, src, rec);
    free(rec);
    return st;
}

int vdb_debian_list_file(vdb_writer *w, vg_vulndb_source_report *src, const char *file)
{
    vg_buf data;
    vg_ctx rctx;
    vg_ctx_init(&rctx);
    if (vdb_read_file(&rctx, file, VDB_JSON_MAX, &data) != VG_OK) {
        src->records_read++;
        vdb_skip(w, src, file, "%s", rctx.message);
        vg_ctx_free(&rctx);
        return VG_OK;
    }
    vg_ctx_free(&rctx);
    int st = vdb_debian_list_buffer(w, src, file, data.data ? data.data : "", data.len);
    vg_buf_free(&data);
    return st;
}

/* ---- tracker JSON ---- */

static const char *json_release_check(json_t *cve)
{
    if (!json_is_object(cve))
        return "CVE entry is not an object";
    json_t *d = json_object_get(cve, "description");
    if (d && !json_is_string(d) && !json_is_null(d))
        return "\"description\" is not a string";
    json_t *rels = json_object_get(cve, "releases");
    if (!json_is_object(rels))
        return "no \"releases\" object";
    const char *codename;
    json_t *r;
    json_object_foreach(rels, codename, r)
    {
        if (!json_is_object(r) || !vdb_json_str(r, "status") || strlen(codename) > 60)
            return "a release has no \"status\" string";
        json_t *fv = json_object_get(r, "fixed_version");
        if (fv && !json_is_string(fv) && !json_is_null(fv))
            return "\"fixed_version\" is not a string";
        json_t *u = json_object_get(r, "urgency");
        if (u && !json_is_string(u) && !json_is_null(u))
            return "\"urgency\" is not a string";
    }
    return NULL;
}

int vdb_debian_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root)
{
    if (!json_is_object(root)) {
        src->records_read++;
        vdb_skip(w, src, file, "not a tracker JSON document (not an object)");
        return VG_OK;
    }
    const char *package;
    json_t *cves;
    json_object_foreach(root, package, cves)
    {
        if (!json_is_object(cves)) {
            src->records_read++;
            vdb_skip(w, src, file, "%.100s: not an object of CVEs", package);
            continue;
        }
        const char *cve;
        json_t *entry;
        json_object_foreach(cves, cve, entry)
        {
            src->records_read++;
            const char *why = strlen(cve) > 64 || strlen(package) > 255 ? "name too long"
                                                                         : json_release_check(entry);
            if (why) {
                vdb_skip(w, src, file, "%.100s/%.64s: %s", package, cve, why);
                continue;
            }
            vdb_advisory_row row = {.scope = src->name,
                                    .id = cve,
                                    .source = src->name,
                                    .summary = vdb_json_str(entry, "description")};
            int64_t adv, aff;
            int inserted, st;
            if ((st = vdb_add_advisory(w, &row, &adv, &inserted)))
                return st;
            const char *codename;
            json_t *r;
            json_object_foreach(json_object_get(entry, "releases"), codename, r)
            {
                char ecosystem[96];
                debian_ecosystem(codename, ecosystem, sizeof ecosystem);
                const char *status = vdb_json_str(r, "status");
                const char *fixed = vdb_json_str(r, "fixed_version");
                const char *mapped;
                if (strcmp(status, "resolved") == 0)
                    mapped = fixed && strcmp(fixed, "0") == 0 ? "not-affected" : fixed ? "fixed" : "unknown";
                else if (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0)
                    mapped = "unfixed";
                else
                    mapped = "unknown";
                vdb_affected_row arow = {.adv = adv,
                                         .ecosystem = ecosystem,
                                         .name = package,
                                         .is_source = 1,
                                         .status = mapped,
                                         .severity = vdb_json_str(r, "urgency")};
                if ((st = vdb_add_affected(w, &arow, &aff)))
                    return st;
                if (strcmp(mapped, "fixed") == 0 || strcmp(mapped, "unfixed") == 0) {
                    if ((st = vdb_add_fixed_range(w, aff, strcmp(mapped, "fixed") == 0 ? fixed : NULL)))
                        return st;
                }
            }
            src->records_imported++;
        }
    }
    return VG_OK;
}
