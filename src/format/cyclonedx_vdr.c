/*
 * cyclonedx_vdr.c — the vulnerability report as a CycloneDX 1.6 JSON BOM
 * with vulnerabilities (a Vulnerability Disclosure Report, CycloneDX 1.6
 * "vulnerabilities" object): the components exactly as `vigil sbom -o
 * cyclonedx-json` writes them (vg_cyclonedx_write), then one vulnerability
 * per finding: id, source, references (the other identifiers), ratings
 * (severity, and the CVSS vector with its method), description, advisories
 * (links), published, affects (the component's bom-ref and its installed
 * version, status "affected"), recommendation (fixed versions), analysis
 * (state, justification, detail) when a VEX statement or --ignore entry
 * suppressed it, and properties for KEV (vigil:kev:dateAdded, dueDate,
 * knownRansomwareCampaignUse).  Every component carries what it was
 * checked against (vigil:coverage:status, :ecosystem, :sources, :reason,
 * :via), and metadata the count not checked (vigil:coverage:unchecked).
 * The serialNumber differs from the SBOM's: it is a name-based UUID of the
 * SBOM's serial and the findings.
 *
 * Leaves out: cwes, credits, proofOfConcept, OWASP/SSVC ratings.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"
#include "vigil/digest.h"
#include "vigil/format.h"
#include "vigil/map.h"

/* A CVSS method name of CycloneDX for a vector, or NULL. */
static const char *cvss_method(const char *type, const char *vector)
{
    if (!vector)
        return NULL;
    if (strncmp(vector, "CVSS:4.0/", 9) == 0)
        return "CVSSv4";
    if (strncmp(vector, "CVSS:3.1/", 9) == 0)
        return "CVSSv31";
    if (strncmp(vector, "CVSS:3.0/", 9) == 0)
        return "CVSSv3";
    if (type && strcmp(type, "CVSS_V2") == 0)
        return "CVSSv2";
    return NULL;
}

/* Where an id comes from, for vulnerabilities[].source and references. */
static json_t *id_source(const char *id, int *bad)
{
    static const struct {
        const char *prefix, *name, *url;
    } known[] = {
        {"CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"},
        {"GHSA-", "GitHub", "https://github.com/advisories/"},
        {"GO-", "Go", "https://pkg.go.dev/vuln/"},
        {"PYSEC-", "PyPA", "https://osv.dev/vulnerability/"},
        {"RUSTSEC-", "RustSec", "https://rustsec.org/advisories/"},
        {"DSA-", "Debian", "https://security-tracker.debian.org/tracker/"},
        {"DLA-", "Debian", "https://security-tracker.debian.org/tracker/"},
        {"DTSA-", "Debian", "https://security-tracker.debian.org/tracker/"},
        {"ALSA-", "AlmaLinux", "https://errata.almalinux.org/"},
        {"ALBA-", "AlmaLinux", "https://errata.almalinux.org/"},
        {"ALEA-", "AlmaLinux", "https://errata.almalinux.org/"},
    };
    json_t *src = json_object();
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strncmp(id, known[i].prefix, strlen(known[i].prefix)) != 0)
            continue;
        fmt_set(src, "name", json_string(known[i].name), bad);
        /* Only ids of plain characters make a URL. */
        int plain = 1;
        for (const char *p = id; *p && plain; p++)
            plain = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.';
        if (plain && strncmp(known[i].prefix, "ALSA", 4) != 0 && strncmp(known[i].prefix, "AL", 2) != 0) {
            char url[512];
            snprintf(url, sizeof url, "%s%s", known[i].url, id);
            fmt_set(src, "url", fmt_str(url), bad);
        }
        return src;
    }
    fmt_set(src, "name", json_string("OSV"), bad);
    return src;
}

/* RFC 3339 date-time for the schema's "date-time" format: the feed's value
 * when it is one, "YYYY-MM-DD" completed to midnight UTC, else NULL. */
static const char *date_time(vg_arena *arena, const char *s)
{
    if (!s || strlen(s) < 10)
        return NULL;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return NULL;
    if (s[10] == '\0')
        return vg_arena_printf(arena, "%sT00:00:00Z", s);
    /* 2023-01-02T03:04:05[.frac](Z|+hh:mm) */
    const char *p = s + 10;
    if (*p != 'T' || strlen(p) < 9)
        return NULL;
    for (int i = 1; i <= 8; i++)
        if (i == 3 || i == 6 ? p[i] != ':' : !isdigit((unsigned char)p[i]))
            return NULL;
    p += 9;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (strcmp(p, "Z") == 0)
        return s;
    if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5]))
        return s;
    return NULL;
}

static json_t *vulnerability(vg_arena *arena, const vg_finding *f, size_t index, int *bad)
{
    json_t *v = json_object();
    char ref[64];
    snprintf(ref, sizeof ref, "vigil:vulnerability:%zu", index + 1);
    fmt_set(v, "bom-ref", json_string(ref), bad);
    fmt_set(v, "id", fmt_str(f->id), bad);
    fmt_set(v, "source", id_source(f->id, bad), bad);
    json_t *refs = json_array();
    for (size_t i = 0; i < f->nids; i++) {
        if (strcmp(f->ids[i], f->id) == 0)
            continue;
        json_t *r = json_object();
        fmt_set(r, "id", fmt_str(f->ids[i]), bad);
        fmt_set(r, "source", id_source(f->ids[i], bad), bad);
        fmt_append(refs, r, bad);
    }
    if (json_array_size(refs))
        fmt_set(v, "references", refs, bad);
    else
        json_decref(refs);
    json_t *ratings = json_array(), *rating = json_object();
    fmt_set(rating, "severity",
            json_string(f->severity == VG_SEVERITY_NONE ? "none" : vg_severity_name(f->severity)), bad);
    const char *method = cvss_method(f->cvss_type, f->cvss_vector);
    if (method) {
        fmt_set(rating, "method", json_string(method), bad);
        fmt_set(rating, "vector", fmt_str(f->cvss_vector), bad);
        if (f->score >= 0)
            fmt_set(rating, "score", json_real(f->score), bad);
    }
    fmt_append(ratings, rating, bad);
    fmt_set(v, "ratings", ratings, bad);
    fmt_set_str(v, "description", f->summary, bad);
    const char *fixed = rep_fixed_text(arena, f);
    if (fixed)
        fmt_set(v, "recommendation", fmt_str(vg_arena_printf(arena, "Upgrade %s to %s", f->component->name, fixed)),
                bad);
    json_t *adv = json_array();
    for (size_t i = 0; i < f->nurls; i++) {
        if (!fmt_url_ok(f->urls[i]))
            continue;
        json_t *a = json_object();
        fmt_set(a, "url", fmt_str(f->urls[i]), bad);
        fmt_append(adv, a, bad);
    }
    if (json_array_size(adv))
        fmt_set(v, "advisories", adv, bad);
    else
        json_decref(adv);
    const char *published = date_time(arena, f->published);
    if (published)
        fmt_set(v, "published", json_string(published), bad);
    const char *updated = date_time(arena, f->modified);
    if (updated)
        fmt_set(v, "updated", json_string(updated), bad);
    if (f->suppressed || f->analysis_state) { /* VEX "affected": exploitable, in_triage */
        json_t *an = json_object();
        fmt_set_str(an, "state", f->analysis_state, bad);
        fmt_set_str(an, "justification", f->justification, bad);
        fmt_set_str(an, "detail", f->analysis_detail, bad);
        fmt_set(v, "analysis", an, bad);
    }
    json_t *affects = json_array(), *aff = json_object(), *versions = json_array(), *ver = json_object();
    fmt_set(aff, "ref", fmt_str(f->component->bom_ref), bad);
    fmt_set(ver, "version", fmt_str(f->installed_version), bad);
    fmt_set(ver, "status", json_string("affected"), bad);
    fmt_append(versions, ver, bad);
    fmt_set(aff, "versions", versions, bad);
    fmt_append(affects, aff, bad);
    fmt_set(v, "affects", affects, bad);
    json_t *props = json_array();
    struct {
        const char *name, *value;
    } p[] = {
        {"vigil:ecosystem", f->ecosystem},
        {"vigil:fixState", f->fix_state},
        {"vigil:kev:dateAdded", f->kev ? f->kev->date_added : NULL},
        {"vigil:kev:dueDate", f->kev ? f->kev->due_date : NULL},
        {"vigil:kev:knownRansomwareCampaignUse", f->kev ? f->kev->ransomware : NULL},
        {"vigil:suppressedBy", f->suppressed ? f->suppressed_by : NULL},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        if (!p[i].value)
            continue;
        json_t *o = json_object();
        fmt_set(o, "name", json_string(p[i].name), bad);
        fmt_set(o, "value", fmt_str(p[i].value), bad);
        fmt_append(props, o, bad);
    }
    for (size_t i = 0; i < f->nfixed; i++) {
        json_t *o = json_object();
        fmt_set(o, "name", json_string("vigil:fixedVersion"), bad);
        fmt_set(o, "value", fmt_str(f->fixed_versions[i]), bad);
        fmt_append(props, o, bad);
    }
    fmt_set(v, "properties", props, bad);
    return v;
}

static void add_property(json_t *obj, const char *name, const char *value, int *bad)
{
    if (!value || !*value)
        return;
    json_t *props = json_object_get(obj, "properties");
    if (!props) {
        props = json_array();
        fmt_set(obj, "properties", props, bad);
    }
    json_t *p = json_object();
    fmt_set(p, "name", json_string(name), bad);
    fmt_set(p, "value", fmt_str(value), bad);
    fmt_append(props, p, bad);
}

/* The coverage of each component as properties of the component of the
 * same bom-ref (vigil writes them flat in "components"). */
static void add_coverage(vg_arena *arena, json_t *doc, const vg_findings *findings, int *bad)
{
    vg_map by_ref;
    vg_map_init(&by_ref);
    for (size_t i = 0; i < findings->ncoverage && !*bad; i++) {
        const char *ref = findings->coverage[i].component->bom_ref;
        if (ref && vg_map_put(&by_ref, ref, strlen(ref), (void *)&findings->coverage[i]) != VG_OK)
            *bad = 1;
    }
    json_t *comps = json_object_get(doc, "components");
    for (size_t i = 0; i < json_array_size(comps) && !*bad; i++) {
        json_t *c = json_array_get(comps, i);
        const char *ref = json_string_value(json_object_get(c, "bom-ref"));
        const vg_coverage *cov = ref ? vg_map_get(&by_ref, ref, strlen(ref)) : NULL;
        if (!cov)
            continue;
        const char *sources = NULL;
        for (size_t k = 0; k < cov->nsources; k++)
            sources = sources ? vg_arena_printf(arena, "%s,%s", sources, cov->sources[k]) : cov->sources[k];
        add_property(c, "vigil:coverage:status", vg_coverage_status_name(cov->status), bad);
        add_property(c, "vigil:coverage:ecosystem", cov->ecosystem, bad);
        add_property(c, "vigil:coverage:sources", sources, bad);
        add_property(c, "vigil:coverage:reason", cov->reason, bad);
        add_property(c, "vigil:coverage:via", cov->via ? cov->via->bom_ref : NULL, bad);
    }
    vg_map_free(&by_ref);
    json_t *meta = json_object_get(doc, "metadata");
    if (meta) {
        const char *n = vg_arena_printf(arena, "%zu", findings->components_unchecked);
        if (!n)
            *bad = 1;
        add_property(meta, "vigil:coverage:unchecked", n, bad);
    }
}

int vg_cyclonedx_vdr_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                           const vg_report_options *opts, vg_buf *out)
{
    vg_buf sbom;
    vg_buf_init(&sbom, out->max);
    vg_format_options fo = {.timestamp = opts->timestamp, .tool_version = opts->tool_version};
    int st = vg_cyclonedx_write(ctx, inv, &fo, &sbom);
    if (st != VG_OK) {
        vg_buf_free(&sbom);
        return st;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(sbom.data, sbom.len, 0, &jerr);
    vg_buf_free(&sbom);
    if (!doc)
        return vg_error(ctx, VG_ERR_NOMEM, "cannot re-read the CycloneDX document: %s", jerr.text);
    vg_arena arena;
    vg_arena_init(&arena);
    int bad = 0;
    add_coverage(&arena, doc, findings, &bad);
    json_t *vulns = json_array();
    for (size_t i = 0; i < findings->n && !bad; i++)
        fmt_append(vulns, vulnerability(&arena, &findings->items[i], i, &bad), &bad);
    /* The report is another BOM than the SBOM: its own serial number,
     * derived from the SBOM's and the vulnerabilities. */
    char *vtext = bad ? NULL : json_dumps(vulns, JSON_COMPACT | JSON_PRESERVE_ORDER);
    const char *old = json_string_value(json_object_get(doc, "serialNumber"));
    vg_buf key;
    vg_buf_init(&key, (size_t)1 << 31);
    vg_file_digest d;
    if (!vtext || vg_buf_addstr(&key, old ? old : "") || vg_buf_addstr(&key, "\nvdr\n") ||
        vg_buf_addstr(&key, vtext) || vg_digest_memory(ctx, key.data, key.len, VG_DIGEST_SHA256, &d) != VG_OK)
        bad = 1;
    free(vtext);
    vg_buf_free(&key);
    if (!bad) {
        char h[65];
        memcpy(h, d.sha256, 65);
        /* RFC 4122 version 5 layout and variant, as the SBOM writer does. */
        h[12] = '5';
        static const char variant[] = "89ab";
        h[16] = variant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
        char serial[64];
        snprintf(serial, sizeof serial, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
        fmt_set(doc, "serialNumber", json_string(serial), &bad);
        fmt_set(doc, "vulnerabilities", vulns, &bad);
        vulns = NULL;
    }
    json_decref(vulns);
    vg_arena_free(&arena);
    if (bad) {
        json_decref(doc);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing the CycloneDX report");
    }
    st = fmt_dump(ctx, doc, out);
    json_decref(doc);
    return st;
}
