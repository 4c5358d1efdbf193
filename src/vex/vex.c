/*
 * vex.c — the statement list of VEX documents (vex.h): storage, format
 * detection of a VEX file, purl product matching and the application of
 * statements to findings ("latest statement wins", OpenVEX spec v0.2.0,
 * "Statement ordering" / "Status determination").  The readers are
 * openvex.c and cyclonedx_vex.c.
 *
 * Leaves out: matching by hashes or CPEs, statements about the target
 * expressed other than as a pkg:oci purl of its digest.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "source/input_file.h"
#include "vex/vex_internal.h"
#include "vigil/map.h"
#include "vigil/purl.h"

void vg_vex_init(vg_vex *vex)
{
    memset(vex, 0, sizeof *vex);
    vg_arena_init(&vex->arena);
}

void vg_vex_free(vg_vex *vex)
{
    free(vex->items);
    vg_arena_free(&vex->arena);
    memset(vex, 0, sizeof *vex);
}

const char *vg_vex_status_name(vg_vex_status status)
{
    switch (status) {
    case VG_VEX_NOT_AFFECTED: return "not_affected";
    case VG_VEX_AFFECTED: return "affected";
    case VG_VEX_FIXED: return "fixed";
    case VG_VEX_UNDER_INVESTIGATION: return "under_investigation";
    }
    return "unknown";
}

vg_vex_statement *vex_add(vg_vex *vex, int *limit)
{
    *limit = 0;
    if (vex->n >= VG_VEX_MAX_STATEMENTS) {
        *limit = 1;
        return NULL;
    }
    if (vex->n == vex->cap) {
        size_t ncap = vex->cap ? vex->cap * 2 : 64;
        vg_vex_statement *p = realloc(vex->items, ncap * sizeof *p);
        if (!p)
            return NULL;
        vex->items = p;
        vex->cap = ncap;
    }
    vg_vex_statement *s = &vex->items[vex->n];
    memset(s, 0, sizeof *s);
    s->order = vex->n++;
    return s;
}

/* ---- dates ------------------------------------------------------------------ */

int64_t vex_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil, proleptic Gregorian calendar */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vex_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    /* Howard Hinnant's civil_from_days, the inverse of days_from_civil */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

int vex_valid_date(int year, int month, int day)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= mdays[month - 1] + (month == 2 && leap);
}

/* n decimal digits at s into *out; 0 or -1. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int vex_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!s || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
        !vex_valid_date(y, mo, d))
        return -1;
    const char *p = s + 10;
    int64_t offset = 0;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) ||
            p[6] != ':' || digits(p + 7, 2, &sec) || h > 23 || mi > 59 || sec > 60)
            return -1;
        p += 9;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            while (isdigit((unsigned char)*p))
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
                return -1;
            offset = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
            p += 6;
        } else {
            return -1;
        }
        if (*p)
            return -1;
    }
    *out = vex_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return 0;
}

/* ---- reading a file ----------------------------------------------------------- */

int vg_vex_read_file(vg_ctx *ctx, vg_vex *vex, const char *path)
{
    vg_buf buf;
    int rc = vg_input_read_file(ctx, path, "VEX document", VG_VEX_MAX_DOCUMENT, &buf);
    if (rc)
        return rc;
    const char *data = buf.data ? buf.data : "";
    /* Detect by the two formats' marker members; the readers parse again
     * (documents are small next to the cost of a scan). */
    json_error_t err;
    json_t *doc = json_loadb(data, buf.len, 0, &err);
    if (!doc) {
        vg_buf_free(&buf);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", path, err.line,
                        err.column, err.text);
    }
    json_t *context = json_object_get(doc, "@context"), *bom_format = json_object_get(doc, "bomFormat");
    int openvex = json_is_string(context) && strncmp(json_string_value(context), "https://openvex.dev/ns", 22) == 0;
    int cyclonedx = json_is_string(bom_format) && strcmp(json_string_value(bom_format), "CycloneDX") == 0;
    json_decref(doc);
    if (openvex)
        rc = vg_vex_read_openvex(ctx, vex, path, data, buf.len);
    else if (cyclonedx)
        rc = vg_vex_read_cyclonedx(ctx, vex, path, data, buf.len);
    else
        rc = vg_error(ctx, VG_ERR_FORMAT,
                      "%s: not a VEX document (neither OpenVEX with an \"@context\" of https://openvex.dev/ns "
                      "nor CycloneDX with \"bomFormat\")", path);
    vg_buf_free(&buf);
    return rc;
}

/* ---- product matching ------------------------------------------------------------ */

static int same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int vg_vex_purl_matches(const char *pattern, const char *purl)
{
    if (!pattern || !purl)
        return 0;
    if (strncasecmp(pattern, "pkg:", 4) != 0)
        return strcmp(pattern, purl) == 0;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_purl p, c;
    int match = 0;
    if (vg_purl_parse(&arena, pattern, strlen(pattern), &p, NULL) == 0 &&
        vg_purl_parse(&arena, purl, strlen(purl), &c, NULL) == 0 && strcmp(p.type, c.type) == 0 &&
        same_opt(p.namespace_, c.namespace_) && strcmp(p.name, c.name) == 0 &&
        (!p.version || same_opt(p.version, c.version)) && (!p.subpath || same_opt(p.subpath, c.subpath))) {
        match = 1;
        for (size_t i = 0; i < p.nqualifiers && match; i++)
            match = same_opt(vg_purl_qualifier_get(&c, p.qualifiers[i].key), p.qualifiers[i].value);
    }
    vg_arena_free(&arena);
    return match;
}

/* 1 when product names the scanned image: pkg:oci/...@<target digest>. */
static int product_is_target(const char *product, const vg_inventory *inv)
{
    if (!product || strncasecmp(product, "pkg:oci/", 8) != 0)
        return 0;
    vg_arena arena;
    vg_arena_init(&arena);
    vg_purl p;
    int match = vg_purl_parse(&arena, product, strlen(product), &p, NULL) == 0 && p.version &&
                ((inv->target.digest && strcmp(p.version, inv->target.digest) == 0) ||
                 (inv->target.image_id && strcmp(p.version, inv->target.image_id) == 0));
    vg_arena_free(&arena);
    return match;
}

/* ---- application -------------------------------------------------------------------- */

typedef struct index_list {
    size_t *items;
    size_t n, cap;
} index_list;

static char *lower_dup(vg_arena *arena, const char *s)
{
    char *d = vg_arena_strdup(arena, s);
    if (d)
        for (char *p = d; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return d;
}

/* Maps lower-cased vulnerability ids (names and aliases) to statements. */
static int index_statements(const vg_vex *vex, vg_arena *arena, vg_map *map)
{
    for (size_t i = 0; i < vex->n; i++) {
        const vg_vex_statement *s = &vex->items[i];
        for (size_t k = 0; k <= s->naliases; k++) {
            const char *id = k == 0 ? s->vulnerability : s->aliases[k - 1];
            if (!id)
                continue;
            char *key = lower_dup(arena, id);
            if (!key)
                return VG_ERR_NOMEM;
            index_list *l = vg_map_get(map, key, strlen(key));
            if (!l) {
                l = vg_arena_alloc(arena, sizeof *l);
                if (!l || vg_map_put(map, key, strlen(key), l) != VG_OK)
                    return VG_ERR_NOMEM;
            }
            if (l->n && l->items[l->n - 1] == i)
                continue; /* an alias repeating the name */
            if (l->n == l->cap) {
                size_t ncap = l->cap ? l->cap * 2 : 4;
                size_t *p = vg_arena_calloc(arena, ncap, sizeof *p);
                if (!p)
                    return VG_ERR_NOMEM;
                if (l->n)
                    memcpy(p, l->items, l->n * sizeof *p);
                l->items = p;
                l->cap = ncap;
            }
            l->items[l->n++] = i;
        }
    }
    return VG_OK;
}

static int statement_applies(const vg_vex_statement *s, const vg_finding *f, const vg_inventory *inv)
{
    const char *purl = f->component ? f->component->purl : NULL;
    if (s->subcomponent)
        return vg_vex_purl_matches(s->subcomponent, purl);
    return vg_vex_purl_matches(s->product, purl) || product_is_target(s->product, inv);
}

/* The detail text of a finding decided by s. */
static const char *finding_detail(vg_arena *arena, const vg_vex_statement *s)
{
    vg_buf b;
    vg_buf_init(&b, 64 * 1024);
    int bad = 0;
    if (s->detail)
        bad |= vg_buf_addstr(&b, s->detail);
    if (s->justification && s->cdx_justification && strcmp(s->justification, s->cdx_justification) != 0)
        bad |= vg_buf_addf(&b, "%sjustification: %s", b.len ? "; " : "", s->justification);
    if (s->action)
        bad |= vg_buf_addf(&b, "%saction: %s", b.len ? "; " : "", s->action);
    const char *out = NULL;
    if (!bad && b.len)
        out = vg_arena_strndup(arena, b.data, b.len);
    vg_buf_free(&b);
    return out;
}

int vg_vex_apply(vg_ctx *ctx, const vg_vex *vex, const vg_inventory *inv, vg_findings *findings)
{
    if (!vex->n || !findings->n)
        return VG_OK;
    vg_arena scratch;
    vg_arena_init(&scratch);
    vg_map map;
    vg_map_init(&map);
    int rc = index_statements(vex, &scratch, &map);
    for (size_t i = 0; i < findings->n && rc == VG_OK; i++) {
        vg_finding *f = &findings->items[i];
        const vg_vex_statement *best = NULL;
        for (size_t k = 0; k < f->nids + 1; k++) {
            const char *id = k < f->nids ? f->ids[k] : f->id;
            if (!id)
                continue;
            char *key = lower_dup(&scratch, id);
            if (!key) {
                rc = VG_ERR_NOMEM;
                break;
            }
            const index_list *l = vg_map_get(&map, key, strlen(key));
            for (size_t j = 0; l && j < l->n; j++) {
                const vg_vex_statement *s = &vex->items[l->items[j]];
                if (best && (s->timestamp < best->timestamp ||
                             (s->timestamp == best->timestamp && s->order < best->order)))
                    continue;
                if (statement_applies(s, f, inv))
                    best = s;
            }
        }
        if (!best || rc)
            continue;
        f->suppressed = best->status == VG_VEX_NOT_AFFECTED || best->status == VG_VEX_FIXED;
        f->suppressed_by = f->suppressed ? vg_arena_printf(&findings->arena, "vex:%s", best->source) : NULL;
        /* copies: the findings must not depend on vex staying alive */
        f->analysis_state = best->cdx_state ? vg_arena_strdup(&findings->arena, best->cdx_state) : NULL;
        f->justification =
            best->cdx_justification ? vg_arena_strdup(&findings->arena, best->cdx_justification) : NULL;
        f->analysis_detail = finding_detail(&findings->arena, best);
        if ((f->suppressed && !f->suppressed_by) || (best->cdx_state && !f->analysis_state) ||
            (best->cdx_justification && !f->justification))
            rc = VG_ERR_NOMEM;
    }
    vg_map_free(&map);
    vg_arena_free(&scratch);
    if (rc)
        return vg_error(ctx, rc, "out of memory applying VEX statements");
    return VG_OK;
}
