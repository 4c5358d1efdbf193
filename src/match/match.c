/*
 * match.c — inventory x vulnerability database -> findings.
 *
 * Implements the OSV schema 1.6 "Evaluation" algorithm (IsVulnerable,
 * IncludedInVersions, IncludedInRanges with sorted events, BeforeLimits)
 * for SEMVER and ECOSYSTEM ranges, with each ecosystem's own ordering from
 * vigil/version.h; distribution feeds are stored as OSV-shaped ranges
 * (docs/vulndb.md) and go through the same code.  Then merges identifiers
 * through the alias table and enriches each finding (severity, KEV, links).
 * The rules are documented in docs/scan-json.md ("Matching").
 *
 * Severity: the score of the best CVSS vector (v4, then v3, then v2) when
 * it is valid (cvss.h), else the feed's word.
 *
 * Leaves out: GIT ranges (no commits in an inventory), CPE matching, VEX
 * (vex.h, applied afterwards).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match/match_internal.h"
#include "vigil/cvss.h"
#include "vigil/map.h"
#include "vigil/version.h"

#define MATCH_MAX_EVENTS 4096      /* events of one range evaluated; more: unevaluable */
#define MATCH_MAX_URLS 64          /* links kept per finding */
#define MATCH_MAX_WARNINGS 20      /* unevaluable entries warned about one by one */

/* ---- small helpers ------------------------------------------------------ */

const char *vg_severity_name(vg_severity severity)
{
    switch (severity) {
    case VG_SEVERITY_NONE: return "none";
    case VG_SEVERITY_LOW: return "low";
    case VG_SEVERITY_MEDIUM: return "medium";
    case VG_SEVERITY_HIGH: return "high";
    case VG_SEVERITY_CRITICAL: return "critical";
    default: return "unknown";
    }
}

vg_severity vg_severity_from_text(const char *text)
{
    static const struct {
        const char *word;
        vg_severity level;
    } words[] = {
        {"critical", VG_SEVERITY_CRITICAL}, {"high", VG_SEVERITY_HIGH},
        {"important", VG_SEVERITY_HIGH},    {"medium", VG_SEVERITY_MEDIUM},
        {"moderate", VG_SEVERITY_MEDIUM},   {"low", VG_SEVERITY_LOW},
        {"negligible", VG_SEVERITY_LOW},    {"unimportant", VG_SEVERITY_LOW},
        {"none", VG_SEVERITY_NONE},
    };
    if (!text)
        return VG_SEVERITY_UNKNOWN;
    size_t len = strlen(text);
    while (len && text[len - 1] == '*')
        len--;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == len && strncasecmp(words[i].word, text, len) == 0)
            return words[i].level;
    return VG_SEVERITY_UNKNOWN;
}

void vg_findings_init(vg_findings *findings)
{
    memset(findings, 0, sizeof *findings);
    vg_arena_init(&findings->arena);
}

void vg_findings_free(vg_findings *findings)
{
    vg_arena_free(&findings->arena);
    memset(findings, 0, sizeof *findings);
}

/* A growable list of strings in an arena. */
typedef struct strlist {
    const char **items;
    size_t n, cap;
} strlist;

static int strlist_has(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

/* Appends s (borrowed) unless present.  VG_OK or VG_ERR_NOMEM. */
static int strlist_add(vg_arena *arena, strlist *l, const char *s)
{
    if (!s || strlist_has(l, s))
        return VG_OK;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        const char **p = vg_arena_calloc(arena, ncap, sizeof *p);
        if (!p)
            return VG_ERR_NOMEM;
        if (l->n)
            memcpy(p, l->items, l->n * sizeof *p);
        l->items = p;
        l->cap = ncap;
    }
    l->items[l->n++] = s;
    return VG_OK;
}

/* A stable merge sort of n pointers with a comparator that may fail (a
 * version that cannot be compared): O(n log n), equal items keep their
 * order.  VG_OK or VG_ERR_NOMEM; the comparator reports its own failures. */
typedef int (*sort_cmp)(void *ctx, const void *a, const void *b);

static void merge_pass(const void **items, const void **tmp, size_t n, sort_cmp cmp, void *ctx)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    merge_pass(items, tmp, half, cmp, ctx);
    merge_pass(items + half, tmp, n - half, cmp, ctx);
    if (cmp(ctx, items[half - 1], items[half]) <= 0)
        return; /* already in order */
    memcpy(tmp, items, half * sizeof *tmp);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        items[k++] = cmp(ctx, tmp[i], items[j]) <= 0 ? tmp[i++] : items[j++];
    while (i < half)
        items[k++] = tmp[i++];
}

static int stable_sort(const void **items, size_t n, sort_cmp cmp, void *ctx)
{
    if (n < 2)
        return VG_OK;
    const void **tmp = malloc((n / 2 + 1) * sizeof *tmp);
    if (!tmp)
        return VG_ERR_NOMEM;
    merge_pass(items, tmp, n, cmp, ctx);
    free(tmp);
    return VG_OK;
}

static int is_cve(const char *id)
{
    return strncmp(id, "CVE-", 4) == 0;
}

/* Orders identifiers: CVE ids by year then number (CVE-2019-9999 before
 * CVE-2019-10000), then everything else by bytes. */
static int id_cmp(const char *a, const char *b)
{
    if (is_cve(a) && is_cve(b)) {
        const char *na = strchr(a + 4, '-'), *nb = strchr(b + 4, '-');
        if (na && nb) {
            int c = strncmp(a + 4, b + 4, 4);
            if (c)
                return c;
            size_t la = strspn(na + 1, "0123456789"), lb = strspn(nb + 1, "0123456789");
            if (la != lb)
                return la < lb ? -1 : 1;
            c = strncmp(na + 1, nb + 1, la);
            if (c)
                return c;
        }
    }
    return strcmp(a, b);
}

static int id_qsort(const void *a, const void *b)
{
    return id_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- the matcher's state ------------------------------------------------ */

/* Cached facts about one identifier. */
typedef struct id_info {
    vg_vuln_advisory *records; /* advisory records stored under the id */
    size_t nrecords;
    const char **aliases;      /* one alias step, as the records name them */
    size_t naliases;
    const vg_kev_entry *kev;   /* CVE ids only */
    int kev_done;
} id_info;

typedef struct matcher {
    vg_ctx *ctx;
    vg_vulndb *db;
    vg_findings *out;
    vg_arena *arena;   /* = &out->arena: everything that outlives the call */
    vg_map ids;        /* id -> id_info */
    size_t nitems, cap;
    size_t warned;     /* unevaluable entries warned about */
} matcher;

static int oom(matcher *m)
{
    return vg_error(m->ctx, VG_ERR_NOMEM, "out of memory");
}

/* The cached id_info of id (loaded on first use; id copied into the arena). */
static int info_of(matcher *m, const char *id, id_info **out)
{
    size_t len = strlen(id);
    id_info *info = vg_map_get(&m->ids, id, len);
    if (info) {
        *out = info;
        return VG_OK;
    }
    info = vg_arena_calloc(m->arena, 1, sizeof *info);
    char *key = vg_arena_strndup(m->arena, id, len);
    if (!info || !key)
        return oom(m);
    int st = vg_vulndb_advisories(m->ctx, m->db, m->arena, key, &info->records, &info->nrecords);
    if (st != VG_OK)
        return st;
    /* The aliases the records of id name themselves (one step, forward).
     * The reverse direction (vg_vulndb_aliases: who names id) is not used:
     * its view scans the whole alias table per call in schema v1, and the
     * forward aliases already tie GO/GHSA/PYSEC/DSA records to their CVEs. */
    strlist al = {0};
    for (size_t r = 0; r < info->nrecords; r++)
        for (size_t k = 0; k < info->records[r].naliases; k++)
            if (strcmp(info->records[r].aliases[k], key) != 0 &&
                strlist_add(m->arena, &al, info->records[r].aliases[k]) != VG_OK)
                return oom(m);
    info->aliases = al.items;
    info->naliases = al.n;
    if (vg_map_put(&m->ids, key, len, info) != VG_OK)
        return oom(m);
    *out = info;
    return VG_OK;
}

static int kev_of(matcher *m, id_info *info, const char *cve, const vg_kev_entry **out)
{
    if (!info->kev_done) {
        vg_kev_entry *k = NULL;
        int st = vg_vulndb_kev(m->ctx, m->db, m->arena, cve, &k);
        if (st != VG_OK)
            return st;
        info->kev = k;
        info->kev_done = 1;
    }
    *out = info->kev;
    return VG_OK;
}

/* ---- OSV range evaluation ----------------------------------------------- */

typedef struct eval_ctx {
    matcher *m;
    vg_version_scheme scheme;
    const vg_vuln_affected *entry;
    int strip_module;          /* rpm module builds: compare without the ".module..." suffix */
    int ok;                    /* 0 once a version could not be compared */
    int bad;                   /* the entry could not be evaluated (warned about once) */
} eval_ctx;

/* Marks the entry unevaluable; judge() counts it against the
 * component when it did not match anyway. */
static void unevaluable(eval_ctx *e, const char *version, int status)
{
    e->ok = 0;
    if (e->bad)
        return;
    e->bad = 1;
    if (e->m->warned++ < MATCH_MAX_WARNINGS)
        vg_warn(e->m->ctx, NULL, "%s (%s %s): cannot compare version '%s' as %s: %s; entry not evaluated",
                e->entry->advisory_id, e->entry->ecosystem, e->entry->name, version,
                vg_version_scheme_name(e->scheme), vg_strerror(status));
}

/* An rpm version without the module-build tag of its release
 * ("16.6-1.module_el9.5.0+127+50ff03a9" -> "16.6-1"), in buf. */
static const char *without_module(const char *v, char *buf, size_t size)
{
    const char *dash = strrchr(v, '-');
    const char *tag = dash ? strstr(dash, ".module") : NULL;
    if (!tag || (size_t)(tag - v) >= size)
        return v;
    memcpy(buf, v, (size_t)(tag - v));
    buf[tag - v] = '\0';
    return buf;
}

/* Compares a with b; on failure marks the entry unevaluable and returns 0
 * with *ok = 0. */
static int cmp(eval_ctx *e, const char *a, const char *b, int *ok)
{
    char abuf[VG_VERSION_MAX_LEN + 1], bbuf[VG_VERSION_MAX_LEN + 1];
    if (e->strip_module) {
        a = without_module(a, abuf, sizeof abuf);
        b = without_module(b, bbuf, sizeof bbuf);
    }
    int r = 0;
    int st = vg_version_compare_scheme(e->scheme, a, b, &r);
    if (st != VG_OK) {
        unevaluable(e, vg_version_valid_scheme(e->scheme, a) == VG_OK ? b : a, st);
        *ok = 0;
        return 0;
    }
    return r;
}

/* Position of an event in the OSV order: introduced "0" sorts before every
 * version, a limit holding '*' after every version. */
static int event_rank(const vg_vuln_event *ev)
{
    if (ev->kind == VG_VULN_INTRODUCED && strcmp(ev->version, "0") == 0)
        return -1;
    if (ev->kind == VG_VULN_LIMIT && strchr(ev->version, '*'))
        return 1;
    return 0;
}

/* Orders events for stable_sort(); a failed comparison is recorded in
 * e->ok and orders nothing. */
static int event_cmp(void *ctx, const void *pa, const void *pb)
{
    eval_ctx *e = ctx;
    const vg_vuln_event *a = pa, *b = pb;
    int ra = event_rank(a), rb = event_rank(b);
    if (ra || rb)
        return ra - rb;
    return cmp(e, a->version, b->version, &e->ok);
}

/* BeforeLimits(v, range) of the OSV schema. */
static int before_limits(eval_ctx *e, const char *v, const vg_vuln_range *r, int *ok)
{
    int any = 0;
    for (size_t i = 0; i < r->nevents && *ok; i++) {
        const vg_vuln_event *ev = &r->events[i];
        if (ev->kind != VG_VULN_LIMIT)
            continue;
        any = 1;
        if (strchr(ev->version, '*') || cmp(e, v, ev->version, ok) < 0)
            return *ok;
    }
    return !any;
}

/* IncludedInRanges for one range.  *affected = 1 when v is in it; *fixed
 * = the first fixed event after v in the sorted events, if any. */
static int range_includes(eval_ctx *e, const char *v, const vg_vuln_range *r, int *affected,
                          const char **fixed)
{
    *affected = 0;
    *fixed = NULL;
    int ok = 1;
    if (r->nevents == 0 || r->nevents > MATCH_MAX_EVENTS) {
        if (r->nevents)
            unevaluable(e, "(too many events)", VG_ERR_LIMIT);
        return VG_OK;
    }
    if (!before_limits(e, v, r, &ok) || !ok)
        return VG_OK;
    /* sorted(range.events): a stable sort, so that events of equal
     * versions keep the feed's order. */
    const vg_vuln_event **ev = malloc(r->nevents * sizeof *ev);
    if (!ev)
        return oom(e->m);
    for (size_t i = 0; i < r->nevents; i++)
        ev[i] = &r->events[i];
    e->ok = 1;
    if (stable_sort((const void **)ev, r->nevents, event_cmp, e) != VG_OK) {
        free(ev);
        return oom(e->m);
    }
    ok = e->ok;
    int vulnerable = 0;
    for (size_t i = 0; i < r->nevents && ok; i++) {
        const vg_vuln_event *x = ev[i];
        int rank = event_rank(x);
        switch (x->kind) {
        case VG_VULN_INTRODUCED:
            if (rank < 0 || cmp(e, v, x->version, &ok) >= 0)
                vulnerable = 1;
            break;
        case VG_VULN_FIXED:
            if (cmp(e, v, x->version, &ok) >= 0)
                vulnerable = 0;
            else if (ok && vulnerable && !*fixed)
                *fixed = x->version;
            break;
        case VG_VULN_LAST_AFFECTED:
            if (cmp(e, v, x->version, &ok) > 0)
                vulnerable = 0;
            break;
        case VG_VULN_LIMIT:
            break;
        }
    }
    free(ev);
    *affected = ok && vulnerable;
    if (!*affected)
        *fixed = NULL;
    return VG_OK;
}

/* ---- one component ------------------------------------------------------ */

/* One affected entry that matched a component. */
typedef struct hit {
    const char *advisory_id;
    const char *source;
    const char *ecosystem;
    const char *package;
    strlist fixed;
    const char *status;   /* distro status, or NULL */
    const char *severity; /* distro urgency, or NULL */
} hit;

/* A vulnerability unit: one hit, or one CVE of a bundle hit. */
typedef struct unit {
    size_t hit;       /* index into hits */
    strlist keys;     /* identifiers two units merge on */
    strlist ids;      /* identifiers shown */
    size_t group;     /* union-find parent */
} unit;

static size_t find_group(unit *u, size_t i)
{
    while (u[i].group != i) {
        u[i].group = u[u[i].group].group;
        i = u[i].group;
    }
    return i;
}

static void join(unit *u, size_t a, size_t b)
{
    a = find_group(u, a);
    b = find_group(u, b);
    if (a != b)
        u[a > b ? a : b].group = a < b ? a : b;
}

static int lists_meet(const strlist *a, const strlist *b)
{
    for (size_t i = 0; i < a->n; i++)
        if (strlist_has(b, a->items[i]))
            return 1;
    return 0;
}

/* The matching record of an advisory id: the one from source, else the first. */
static const vg_vuln_advisory *record_of(const id_info *info, const char *source)
{
    for (size_t i = 0; i < info->nrecords; i++)
        if (source && info->records[i].source && strcmp(info->records[i].source, source) == 0)
            return &info->records[i];
    return info->nrecords ? &info->records[0] : NULL;
}

const char *match_language_name(vg_arena *arena, const vg_component *c)
{
    const char *purl = c->purl;
    if (!purl || strncmp(purl, "pkg:", 4) != 0)
        return c->name;
    const char *p = strchr(purl + 4, '/');
    if (!p)
        return c->name;
    p++;
    size_t len = strcspn(p, "@?#");
    const char *slash = NULL;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '/')
            slash = p + i;
    if (!slash)
        return c->name;
    /* Percent-decode the namespace (npm "%40scope"). */
    char *ns = vg_arena_alloc(arena, (size_t)(slash - p) + 1);
    if (!ns)
        return NULL;
    size_t n = 0;
    for (const char *q = p; q < slash; q++) {
        if (*q == '%' && q + 2 < slash && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
            char hex[3] = {q[1], q[2], 0};
            ns[n++] = (char)strtol(hex, NULL, 16);
            q += 2;
        } else {
            ns[n++] = *q;
        }
    }
    ns[n] = '\0';
    /* Catalogers that keep the whole path as the name (Go: the module
     * path "github.com/revel/revel") need no namespace added. */
    if (strncmp(c->name, ns, n) == 0 && c->name[n] == '/')
        return c->name;
    const char *sep = strcmp(c->type, "maven") == 0 ? ":" : "/";
    return vg_arena_printf(arena, "%s%s%s", ns, sep, c->name);
}

/* The hits of one component: one per advisory, found by id. */
typedef struct hitset {
    hit *items;
    size_t n, cap;
    vg_map index; /* advisory id -> index + 1 */
} hitset;

static int is_module_build(const char *v)
{
    const char *dash = v ? strrchr(v, '-') : NULL;
    return dash && strstr(dash, ".module") != NULL;
}

/* 1 when text names the module stream "NAME:STREAM" as a word, or (when
 * stream is NULL) names any module stream at all.  Red Hat family
 * advisories name them in the summary: "Important: postgresql:16 security
 * update". */
static int names_stream(const char *text, const char *stream)
{
    const char *p = text;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *word = p;
        while (*p && (isalnum((unsigned char)*p) || strchr("._+-:", *p)))
            p++;
        size_t len = (size_t)(p - word);
        const char *colon = memchr(word, ':', len);
        if (!colon || colon == word || colon + 1 == word + len || memchr(colon + 1, ':', (size_t)(word + len - colon - 1)))
            continue;
        if (!stream || (strlen(stream) == len && strncmp(stream, word, len) == 0))
            return 1;
    }
    return 0;
}

/* Whether entry a applies to an rpm component at all: module builds are
 * fixed only by module builds of their own stream, other packages only by
 * other packages.  A fixed build of one module context never decides for
 * another (their build numbers sort, their fixes do not), so versions are
 * then compared without the module tag (eval_ctx.strip_module).  The
 * stream is checked when both the package (modularity label) and the
 * advisory (summary) name one. */
static int module_applies(matcher *m, const match_target *t, const vg_vuln_affected *a, int *applies)
{
    int entry_modular = 0;
    for (size_t i = 0; i < a->nranges && !entry_modular; i++)
        for (size_t k = 0; k < a->ranges[i].nevents && !entry_modular; k++)
            entry_modular = is_module_build(a->ranges[i].events[k].version);
    for (size_t i = 0; i < a->nversions && !entry_modular; i++)
        entry_modular = is_module_build(a->versions[i]);
    *applies = entry_modular == t->modular;
    if (!*applies || !entry_modular || !t->module_stream)
        return VG_OK;
    id_info *info;
    int st = info_of(m, a->advisory_id, &info);
    if (st != VG_OK)
        return st;
    const vg_vuln_advisory *rec = record_of(info, a->source);
    if (rec && rec->summary && names_stream(rec->summary, NULL))
        *applies = names_stream(rec->summary, t->module_stream);
    return VG_OK;
}

/* The verdict on one version of one name in one ecosystem: the entries
 * it falls in, each with the fixed versions of the ranges it falls in, and
 * the number of entries that could not be evaluated and did not match.  It
 * depends on nothing but the database and (ecosystem, name, version, the
 * target's source query and rpm module facts), so with the database's memo
 * on (vg_vulndb_memo(): the fleet commands) it is kept there and a
 * thousand hosts with the same package version are judged once. */
typedef struct verdict_hit {
    const char *advisory_id, *source, *status, *severity;
    strlist fixed;
} verdict_hit;

typedef struct verdict {
    verdict_hit *hits;
    size_t n;
    size_t unevaluable;
} verdict;

/* Judges t->names[n] at t->version in ecosystem; the verdict in arena. */
static int judge(matcher *m, const match_target *t, size_t n, const char *ecosystem, vg_arena *arena, verdict *out)
{
    const char *name = t->names[n], *v = t->version;
    memset(out, 0, sizeof *out);
    vg_arena scratch;
    vg_arena_init(&scratch);
    vg_vuln_affected *entries = NULL;
    size_t nentries = 0, cap = 0;
    int st = vg_vulndb_affected(m->ctx, m->db, &scratch, ecosystem, name, &entries, &nentries);
    vg_version_scheme scheme = vg_version_scheme_for(ecosystem);
    for (size_t i = 0; st == VG_OK && i < nentries; i++) {
        const vg_vuln_affected *a = &entries[i];
        /* A source-keyed entry names a source package: only the source
         * name query may find it. */
        if (a->is_source_package && !t->source_query[n])
            continue;
        eval_ctx e = {.m = m, .scheme = scheme, .entry = a};
        if (scheme == VG_VERSION_RPM) {
            int applies = 1;
            if ((st = module_applies(m, t, a, &applies)) != VG_OK)
                break;
            if (!applies)
                continue;
            e.strip_module = t->modular;
        }
        int affected = 0;
        strlist fixed = {0};
        /* IncludedInVersions: a listed version the comparator cannot read
         * is not the installed one (which it can read) unless it is the
         * same string; such lists are common in PyPI's data. */
        for (size_t k = 0; k < a->nversions && !affected; k++) {
            int ok = 1;
            const char *x = a->versions[k];
            if (!x)
                continue;
            if (vg_version_valid_scheme(e.scheme, x) != VG_OK)
                affected = strcmp(x, v) == 0;
            else if (cmp(&e, v, x, &ok) == 0 && ok)
                affected = 1;
        }
        for (size_t k = 0; k < a->nranges && st == VG_OK; k++) {
            const vg_vuln_range *r = &a->ranges[k];
            if (!r->type || strcmp(r->type, "GIT") == 0)
                continue;
            vg_version_scheme saved = e.scheme;
            if (e.scheme == VG_VERSION_UNKNOWN && strcmp(r->type, "SEMVER") == 0)
                e.scheme = VG_VERSION_SEMVER;
            if (e.scheme == VG_VERSION_UNKNOWN) {
                unevaluable(&e, v, VG_ERR_UNSUPPORTED);
                continue;
            }
            int in = 0;
            const char *fix = NULL;
            st = range_includes(&e, v, r, &in, &fix);
            e.scheme = saved;
            if (in) {
                affected = 1;
                if (fix) {
                    const char *copy = vg_arena_strdup(arena, fix);
                    if (!copy || strlist_add(arena, &fixed, copy) != VG_OK)
                        st = oom(m);
                }
            }
        }
        /* Never "not affected" for an entry that was not evaluated. */
        if (st == VG_OK && e.bad && !affected)
            out->unevaluable++;
        if (st != VG_OK || !affected)
            continue;
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            verdict_hit *p = vg_arena_calloc(arena, ncap, sizeof *p);
            if (!p) {
                st = oom(m);
                break;
            }
            if (out->n)
                memcpy(p, out->hits, out->n * sizeof *p);
            out->hits = p;
            cap = ncap;
        }
        verdict_hit *h = &out->hits[out->n++];
        h->advisory_id = vg_arena_strdup(arena, a->advisory_id);
        h->source = a->source ? vg_arena_strdup(arena, a->source) : NULL;
        h->status = a->status ? vg_arena_strdup(arena, a->status) : NULL;
        h->severity = a->severity ? vg_arena_strdup(arena, a->severity) : NULL;
        h->fixed = fixed;
        if (!h->advisory_id || (a->source && !h->source) || (a->status && !h->status) ||
            (a->severity && !h->severity))
            st = oom(m);
    }
    vg_arena_free(&scratch);
    return st;
}

/* Adds a verdict's entries to hits: one hit per advisory, the same
 * advisory found through another name or ecosystem adding its fixed
 * versions; what could not be evaluated is counted in cov. */
static int apply_verdict(matcher *m, const verdict *vd, const char *ecosystem, const char *name, vg_coverage *cov,
                         hitset *hits)
{
    cov->unevaluable += vd->unevaluable;
    m->out->unevaluable += vd->unevaluable;
    for (size_t i = 0; i < vd->n; i++) {
        const verdict_hit *a = &vd->hits[i];
        size_t idlen = strlen(a->advisory_id);
        size_t at = (size_t)vg_map_get(&hits->index, a->advisory_id, idlen);
        hit *h = at ? &hits->items[at - 1] : NULL;
        if (!h) {
            if (hits->n == hits->cap) {
                size_t ncap = hits->cap ? hits->cap * 2 : 16;
                hit *p = realloc(hits->items, ncap * sizeof *p);
                if (!p)
                    return oom(m);
                hits->items = p;
                hits->cap = ncap;
            }
            h = &hits->items[hits->n++];
            memset(h, 0, sizeof *h);
            h->advisory_id = vg_arena_strndup(m->arena, a->advisory_id, idlen);
            h->source = a->source ? vg_arena_strdup(m->arena, a->source) : NULL;
            h->ecosystem = vg_arena_strdup(m->arena, ecosystem);
            h->package = vg_arena_strdup(m->arena, name);
            h->status = a->status ? vg_arena_strdup(m->arena, a->status) : NULL;
            h->severity = a->severity ? vg_arena_strdup(m->arena, a->severity) : NULL;
            if (!h->advisory_id || !h->ecosystem || !h->package ||
                vg_map_put(&hits->index, h->advisory_id, idlen, (void *)hits->n) != VG_OK)
                return oom(m);
        }
        for (size_t k = 0; k < a->fixed.n; k++) {
            const char *copy = vg_arena_strdup(m->arena, a->fixed.items[k]);
            if (!copy || strlist_add(m->arena, &h->fixed, copy) != VG_OK)
                return oom(m);
        }
    }
    return VG_OK;
}

/* Adds the entries of (ecosystem, t->names[n]) that t->version falls in
 * to hits (judge(), apply_verdict()), from the memo when it holds the
 * verdict.  A verdict from the memo warns about nothing: its warnings
 * about versions that cannot be compared were given the first time. */
static int match_entries(matcher *m, const match_target *t, size_t n, vg_coverage *cov, const char *ecosystem,
                         hitset *hits)
{
    /* the key: every input of the verdict, NUL-separated (only with the
     * memo on: a single scan keeps nothing) */
    char key[2048];
    int klen = vg_vulndb_memo_on(m->db)
                   ? snprintf(key, sizeof key, "match%c%s%c%s%c%s%c%d%d%c%s", '\0', ecosystem, '\0', t->names[n],
                              '\0', t->version, '\0', t->source_query[n], t->modular, '\0',
                              t->module_stream ? t->module_stream : "")
                   : -1;
    int keyed = klen > 0 && (size_t)klen < sizeof key;
    const verdict *kept = keyed ? vg_vulndb_memo_find(m->db, key, (size_t)klen) : NULL;
    if (kept)
        return apply_verdict(m, kept, ecosystem, t->names[n], cov, hits);
    vg_arena *room = keyed ? vg_vulndb_memo_room(m->db) : NULL, scratch;
    vg_arena_init(&scratch);
    verdict *vd = vg_arena_calloc(room ? room : &scratch, 1, sizeof *vd);
    int st = vd ? judge(m, t, n, ecosystem, room ? room : &scratch, vd) : oom(m);
    if (st == VG_OK)
        st = apply_verdict(m, vd, ecosystem, t->names[n], cov, hits);
    if (st == VG_OK && room)
        vg_vulndb_memo_keep(m->db, key, (size_t)klen, vd); /* not kept: judged again next time */
    vg_arena_free(&scratch);
    return st;
}

static vg_finding *new_finding(matcher *m)
{
    vg_findings *f = m->out;
    if (f->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        vg_finding *p = vg_arena_calloc(m->arena, ncap, sizeof *p);
        if (!p)
            return NULL;
        if (f->n)
            memcpy(p, f->items, f->n * sizeof *p);
        f->items = p;
        m->cap = ncap;
    }
    vg_finding *x = &f->items[f->n++];
    memset(x, 0, sizeof *x);
    x->score = -1;
    return x;
}

/* Rank of a CVSS type for choosing the vector shown: v4, then v3, then v2. */
static int cvss_rank(const char *type)
{
    if (!type)
        return 0;
    if (strcmp(type, "CVSS_V4") == 0)
        return 3;
    if (strcmp(type, "CVSS_V3") == 0)
        return 2;
    if (strcmp(type, "CVSS_V2") == 0)
        return 1;
    return 0;
}

/* Versions in the ecosystem's order; a pair that cannot be compared is
 * ordered by bytes (fixed versions are shown, not evaluated, here). */
static int version_order(void *ctx, const void *a, const void *b)
{
    int r = 0;
    if (vg_version_compare_scheme(*(vg_version_scheme *)ctx, a, b, &r) != VG_OK)
        r = strcmp(a, b);
    return r;
}

static int sort_versions(matcher *m, const char *ecosystem, strlist *l)
{
    vg_version_scheme scheme = vg_version_scheme_for(ecosystem);
    if (stable_sort((const void **)l->items, l->n, version_order, &scheme) != VG_OK)
        return oom(m);
    return VG_OK;
}

/* Builds the finding of one group of units. */
/* The best valid CVSS vector seen so far of one kind of source. */
typedef struct best_cvss {
    const char *vector, *type;
    vg_cvss_score score;
} best_cvss;

static void consider_cvss(best_cvss *b, const vg_vuln_advisory *a)
{
    for (size_t k = 0; k < a->nseverities; k++) {
        const vg_vuln_severity *s = &a->severities[k];
        vg_cvss_score score;
        if (cvss_rank(s->type) > cvss_rank(b->type) && s->score &&
            vg_cvss_score_vector(NULL, s->score, &score) == VG_OK) {
            b->vector = s->score;
            b->type = s->type;
            b->score = score;
        }
    }
}

static int is_nvd(const vg_vuln_advisory *a)
{
    return a->source && strcmp(a->source, "nvd") == 0;
}

static int emit_group(matcher *m, const vg_component *c, const char *installed, const char *compared,
                      int distro_managed, hit *hits, unit *units, size_t nunits, size_t root)
{
    strlist ids = {0}, keys = {0}, advisories = {0}, fixed = {0}, urls = {0};
    const char *status = NULL, *eco = NULL, *package = NULL;
    /* Severity, from the first of these that has one (docs/scan-json.md
     * "Severity"): the distribution's own rating, a CVSS vector of any
     * advisory record of the vulnerability, NVD's CVSS, an advisory's word. */
    vg_severity distro = VG_SEVERITY_UNKNOWN, word = VG_SEVERITY_UNKNOWN;
    best_cvss cvss = {0}, nvd = {0};
    int os_package = match_is_os_type(c->type);
    const char *summary = NULL, *nvd_summary = NULL, *published = NULL, *modified = NULL;
    int any_fixed = 0;
    for (size_t i = 0; i < nunits; i++) {
        if (find_group(units, i) != root)
            continue;
        hit *h = &hits[units[i].hit];
        for (size_t k = 0; k < units[i].ids.n; k++)
            if (strlist_add(m->arena, &ids, units[i].ids.items[k]))
                return oom(m);
        for (size_t k = 0; k < units[i].keys.n; k++)
            if (strlist_add(m->arena, &keys, units[i].keys.items[k]))
                return oom(m);
        if (strlist_add(m->arena, &advisories, h->advisory_id))
            return oom(m);
        for (size_t k = 0; k < h->fixed.n; k++)
            if (strlist_add(m->arena, &fixed, h->fixed.items[k]))
                return oom(m);
        if (h->fixed.n)
            any_fixed = 1;
        else if (h->status && !status)
            status = h->status;
        if (!eco) {
            eco = h->ecosystem;
            package = h->package;
        }
        if (os_package) {
            /* The entry's urgency, else the advisory's own rating. */
            id_info *info;
            int st = info_of(m, h->advisory_id, &info);
            if (st != VG_OK)
                return st;
            const vg_vuln_advisory *own = record_of(info, h->source);
            vg_severity s = vg_severity_from_text(h->severity);
            if (s == VG_SEVERITY_UNKNOWN && own && !is_nvd(own))
                s = vg_severity_from_text(own->severity);
            if (s > distro)
                distro = s;
        }
    }
    qsort(advisories.items, advisories.n, sizeof *advisories.items, id_qsort);
    qsort(ids.items, ids.n, sizeof *ids.items, id_qsort);
    int st = sort_versions(m, eco, &fixed);
    if (st != VG_OK)
        return st;

    /* Primary id: the lowest CVE, else the lowest advisory that matched. */
    const char *primary = NULL;
    for (size_t i = 0; i < ids.n && !primary; i++)
        if (is_cve(ids.items[i]) && strlist_has(&keys, ids.items[i]))
            primary = ids.items[i];
    for (size_t i = 0; i < ids.n && !primary; i++)
        if (is_cve(ids.items[i]))
            primary = ids.items[i];
    if (!primary)
        primary = advisories.items[0];

    /* Enrichment: the matched records first, then the records of the
     * other identifiers (a GHSA record gives a GO finding its CVSS). */
    const vg_kev_entry *kev = NULL;
    for (int pass = 0; pass < 2; pass++) {
        const strlist *l = pass == 0 ? &advisories : &ids;
        for (size_t i = 0; i < l->n; i++) {
            if (pass == 1 && strlist_has(&advisories, l->items[i]))
                continue;
            id_info *info;
            if ((st = info_of(m, l->items[i], &info)) != VG_OK)
                return st;
            for (size_t r = 0; r < info->nrecords; r++) {
                const vg_vuln_advisory *a = &info->records[r];
                if (a->withdrawn)
                    continue;
                if (is_nvd(a)) {
                    consider_cvss(&nvd, a);
                    if (!nvd_summary && a->summary && *a->summary)
                        nvd_summary = a->summary;
                    continue;
                }
                consider_cvss(&cvss, a);
                /* An OS package's distribution words were read above;
                 * another release's or feed's words are not its rating. */
                vg_severity s = os_package ? VG_SEVERITY_UNKNOWN : vg_severity_from_text(a->severity);
                if (s > word)
                    word = s;
                if (pass == 0 && !summary && a->summary && *a->summary)
                    summary = a->summary;
                if (pass == 0 && !published)
                    published = a->published;
                if (pass == 0 && !modified)
                    modified = a->modified;
                for (size_t k = 0; k < a->nreferences && urls.n < MATCH_MAX_URLS; k++)
                    if (a->references[k].url && strlist_add(m->arena, &urls, a->references[k].url))
                        return oom(m);
            }
            if (!kev && is_cve(l->items[i]) && strlist_has(&ids, l->items[i])) {
                st = kev_of(m, info, l->items[i], &kev);
                if (st)
                    return st;
            }
        }
    }
    for (size_t i = 0; i < ids.n && !kev; i++) {
        if (!is_cve(ids.items[i]))
            continue;
        id_info *info;
        if ((st = info_of(m, ids.items[i], &info)) != VG_OK || (st = kev_of(m, info, ids.items[i], &kev)) != VG_OK)
            return st;
    }
    if (!summary)
        summary = nvd_summary;

    vg_finding *f = new_finding(m);
    if (!f)
        return oom(m);
    f->component = c;
    f->id = primary;
    f->ids = ids.items;
    f->nids = ids.n;
    f->advisories = advisories.items;
    f->nadvisories = advisories.n;
    f->ecosystem = eco;
    f->package = package;
    f->installed_version = installed;
    f->compared_version = compared;
    f->fixed_versions = fixed.items;
    f->nfixed = fixed.n;
    f->fix_state = any_fixed ? "fixed" : status ? status : "unfixed";
    f->distro_managed = distro_managed;
    /* The score is the best vector's (records before NVD), whichever
     * source gives the severity. */
    const best_cvss *vec = cvss.vector ? &cvss : nvd.vector ? &nvd : NULL;
    if (vec) {
        f->score = vec->score.score;
        f->cvss_vector = vec->vector;
        f->cvss_type = vec->type;
    }
    if (distro != VG_SEVERITY_UNKNOWN) {
        f->severity = distro;
        f->severity_source = "distro";
    } else if (vec) {
        f->severity = vg_severity_from_text(vec->score.rating);
        f->severity_source = vec == &cvss ? "cvss" : "nvd";
    } else if (word != VG_SEVERITY_UNKNOWN) {
        f->severity = word;
        f->severity_source = "advisory";
    }
    f->summary = summary;
    f->published = published;
    f->modified = modified;
    f->kev = kev;
    f->urls = urls.items;
    f->nurls = urls.n;
    return VG_OK;
}

/* Turns the hits of one component into findings: withdrawn advisories
 * dropped, bundles split per CVE, units merged on shared identifiers. */
static int emit_findings(matcher *m, const vg_component *c, const char *installed, const char *compared,
                         int distro_managed, hit *hits, size_t nhits)
{
    unit *units = NULL;
    size_t nunits = 0, ucap = 0;
    int st = VG_OK;
    for (size_t i = 0; i < nhits && st == VG_OK; i++) {
        hit *h = &hits[i];
        id_info *info;
        if ((st = info_of(m, h->advisory_id, &info)))
            break;
        const vg_vuln_advisory *rec = record_of(info, h->source);
        if (rec && rec->withdrawn)
            continue;
        strlist all = {0};
        size_t ncve = 0;
        if (strlist_add(m->arena, &all, h->advisory_id))
            st = oom(m);
        for (size_t k = 0; k < info->naliases && st == VG_OK; k++)
            if (strlist_add(m->arena, &all, info->aliases[k]))
                st = oom(m);
        for (size_t k = 0; rec && k < rec->naliases && st == VG_OK; k++)
            if (strlist_add(m->arena, &all, rec->aliases[k]))
                st = oom(m);
        for (size_t k = 0; k < all.n; k++)
            ncve += is_cve(all.items[k]);
        size_t want = ncve >= 2 ? ncve : 1;
        if (nunits + want > ucap) {
            size_t ncap = (ucap ? ucap * 2 : 16) + want;
            unit *p = realloc(units, ncap * sizeof *p);
            if (!p) {
                st = oom(m);
                break;
            }
            units = p;
            ucap = ncap;
        }
        if (ncve >= 2) {
            /* A bundle: one unit per CVE, shown with the bundle's id and
             * the CVE's own aliases. */
            for (size_t k = 0; k < all.n && st == VG_OK; k++) {
                if (!is_cve(all.items[k]))
                    continue;
                unit *u = &units[nunits];
                memset(u, 0, sizeof *u);
                u->hit = i;
                u->group = nunits++;
                id_info *ci;
                if ((st = info_of(m, all.items[k], &ci)))
                    break;
                if (strlist_add(m->arena, &u->keys, all.items[k]) ||
                    strlist_add(m->arena, &u->ids, all.items[k]) ||
                    strlist_add(m->arena, &u->ids, h->advisory_id))
                    st = oom(m);
                for (size_t j = 0; j < ci->naliases && st == VG_OK; j++) {
                    /* Another bundle naming this CVE is not an id of it alone. */
                    id_info *ai;
                    if ((st = info_of(m, ci->aliases[j], &ai)))
                        break;
                    size_t acve = 0;
                    for (size_t q = 0; q < ai->naliases; q++)
                        acve += is_cve(ai->aliases[q]);
                    if (acve <= 1 && strlist_add(m->arena, &u->ids, ci->aliases[j]))
                        st = oom(m);
                }
            }
        } else {
            unit *u = &units[nunits];
            memset(u, 0, sizeof *u);
            u->hit = i;
            u->group = nunits++;
            for (size_t k = 0; k < all.n && st == VG_OK; k++) {
                if (strlist_add(m->arena, &u->ids, all.items[k]) ||
                    ((ncve == 0 || is_cve(all.items[k])) && strlist_add(m->arena, &u->keys, all.items[k])))
                    st = oom(m);
            }
        }
    }
    /* Units merge when their keys meet; a unit without a CVE also joins
     * the one CVE group whose identifiers hold one of its keys. */
    for (size_t i = 0; i < nunits && st == VG_OK; i++)
        for (size_t j = i + 1; j < nunits; j++)
            if (lists_meet(&units[i].keys, &units[j].keys))
                join(units, i, j);
    for (size_t i = 0; i < nunits && st == VG_OK; i++) {
        int has_cve = 0;
        for (size_t k = 0; k < units[i].keys.n; k++)
            has_cve |= is_cve(units[i].keys.items[k]);
        if (has_cve)
            continue;
        size_t target = (size_t)-1;
        int several = 0;
        for (size_t j = 0; j < nunits; j++) {
            if (j == i || !lists_meet(&units[i].keys, &units[j].ids))
                continue;
            int jcve = 0;
            for (size_t k = 0; k < units[j].keys.n; k++)
                jcve |= is_cve(units[j].keys.items[k]);
            if (!jcve)
                continue;
            size_t g = find_group(units, j);
            if (target != (size_t)-1 && target != g)
                several = 1;
            target = g;
        }
        if (target != (size_t)-1 && !several)
            join(units, i, target);
    }
    for (size_t i = 0; i < nunits && st == VG_OK; i++)
        if (find_group(units, i) == i)
            st = emit_group(m, c, installed, compared, distro_managed, hits, units, nunits, i);
    free(units);
    return st;
}

int vg_match(vg_ctx *ctx, vg_vulndb *db, const vg_inventory *inv, const vg_match_options *opts,
             vg_findings *findings)
{
    matcher m = {.ctx = ctx, .db = db, .out = findings, .arena = &findings->arena};
    vg_map_init(&m.ids);
    match_coverage mc;
    int st = match_coverage_init(&mc, ctx, db, m.arena, inv, opts);
    const vg_os *os = match_target_os(&mc);
    findings->os_ecosystem = os ? vg_match_os_ecosystem(m.arena, os) : NULL;
    findings->ncoverage = inv->ncomponents;
    findings->coverage = inv->ncomponents ? vg_arena_calloc(m.arena, inv->ncomponents, sizeof *findings->coverage)
                                          : NULL;
    if (st == VG_OK && inv->ncomponents && !findings->coverage)
        st = oom(&m);
    hitset hits = {0};
    for (size_t i = 0; i < inv->ncomponents && st == VG_OK; i++) {
        const vg_component *c = inv->components[i];
        vg_coverage *cov = &findings->coverage[i];
        match_target t;
        if ((st = match_coverage_decide(&mc, c, cov, &t)) != VG_OK || !t.matchable)
            continue;
        hits.n = 0;
        vg_map_free(&hits.index);
        vg_map_init(&hits.index);
        for (size_t e = 0; e < t.necosystems && st == VG_OK; e++)
            for (size_t n = 0; n < t.nnames && st == VG_OK; n++)
                st = match_entries(&m, &t, n, cov, t.ecosystems[e], &hits);
        if (st == VG_OK && hits.n)
            st = emit_findings(&m, c, c->version, t.version, cov->via != NULL, hits.items, hits.n);
    }
    free(hits.items);
    vg_map_free(&hits.index);
    if (st == VG_OK)
        st = match_coverage_finish(&mc, findings);
    match_coverage_free(&mc);
    vg_map_free(&m.ids);
    if (st == VG_OK && m.warned > MATCH_MAX_WARNINGS)
        vg_warn(ctx, NULL, "%zu more affected entries could not be evaluated", m.warned - MATCH_MAX_WARNINGS);
    if (st == VG_OK)
        vg_findings_sort(findings);
    return st;
}

/* ---- order -------------------------------------------------------------- */

static int str0cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *pa, const void *pb)
{
    const vg_finding *a = pa, *b = pb;
    if (!a->kev != !b->kev)
        return a->kev ? -1 : 1;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    int c = id_cmp(a->id, b->id);
    if (c)
        return c;
    if ((c = str0cmp(a->component->name, b->component->name)))
        return c;
    if ((c = str0cmp(a->component->version, b->component->version)))
        return c;
    return str0cmp(a->component->bom_ref, b->component->bom_ref);
}

void vg_findings_filter_apply(vg_findings *findings, const vg_findings_filter *filter)
{
    size_t kept = 0;
    for (size_t i = 0; i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        int keep = (!filter->only_fixed || f->nfixed > 0) &&
                   (!filter->severities || (filter->severities & (1u << f->severity)));
        if (keep)
            findings->items[kept++] = *f;
    }
    findings->hidden += findings->n - kept;
    findings->n = kept;
}

void vg_findings_sort(vg_findings *findings)
{
    if (findings->n > 1)
        qsort(findings->items, findings->n, sizeof *findings->items, finding_cmp);
}
