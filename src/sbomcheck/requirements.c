/*
 * requirements.c — what `vigil sbom check` judges, one row per
 * requirement, each citing its clause:
 *   - NTIA, "The Minimum Elements For a Software Bill of Materials (SBOM)"
 *     (U.S. Department of Commerce, July 12, 2021), section IV "Minimum
 *     Elements", "Data Fields": the seven fields, all "minimum";
 *   - CISA, "Framing Software Component Transparency: Establishing a Common
 *     Software Bill of Materials (SBOM)", third edition (September 3,
 *     2024), section 2.2 "Baseline Attributes" (2.2.1.1-2.2.2.8);
 *   - BSI TR-03183-2 "Cyber Resilience Requirements for Manufacturers and
 *     Products, Part 2: Software Bill of Materials (SBOM)", version 2.1:
 *     the accepted formats (section 4) and the required (5.2.1, 5.2.2) and
 *     additional (5.2.3, 5.2.4) data fields;
 *   - validity: purls (purl specification, vg_purl_parse()), CPE 2.3
 *     formatted strings (NISTIR 7695 6.2) and 2.2 URIs (6.1), licence
 *     expressions against the SPDX License List (SPDX 2.3 Annex D,
 *     vg_license_parse()), unique bom-refs / SPDX ids, references that lead
 *     to an element of the document, and the JSON Schema (given by the
 *     caller: vigil/sbomcheck.h).
 * docs/sbom-check.md says, row by row, how each is judged.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/cpe.h"
#include "vigil/license.h"
#include "vigil/purl.h"
#include "internal.h"

#define NTIA "NTIA Minimum Elements (2021) IV, Data Fields: "
#define CISA "CISA Framing Software Component Transparency (2024) "
#define BSI "BSI TR-03183-2 v2.1 "

/* ------------------------------------------------------------------ */
/* Per-component predicates: 1 when the component meets the requirement. */

typedef struct checker {
    vg_ctx *ctx;
    vg_sbomcheck_doc *doc;
    vg_arena scratch; /* for the parsers */
    const char **refs; /* every ref of the document, sorted */
    size_t nrefs;
    unsigned char *in_edge; /* per component: an end of some relationship */
    unsigned char *from_edge; /* per component: the source of some relationship */
} checker;

typedef int (*component_pred)(checker *k, const vg_sbomcheck_component *c);

static int has_supplier(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->supplier != NULL; }
static int has_name(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->name != NULL; }
static int has_version(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->version != NULL; }
static int has_identifier(checker *k, const vg_sbomcheck_component *c)
{
    (void)k;
    return c->npurls + c->ncpes + c->nother_ids > 0;
}
static int has_hash(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->nhashes > 0; }
static int has_creator_contact(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->creator_contact; }
static int has_filename(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->filename != NULL; }
static int has_executable(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->executable != NULL; }
static int has_archive(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->archive != NULL; }
static int has_structured(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->structured != NULL; }
static int has_copyright(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->copyright != NULL; }

static int in_relationship(checker *k, const vg_sbomcheck_component *c)
{
    return k->in_edge[c - k->doc->components];
}

/* BSI 5.2.2 "Dependencies on other components": CycloneDX lists each
 * component's dependencies in a dependencies[] entry (empty when it has
 * none); SPDX has no such entry, and a component is judged by being the
 * source of a dependency relationship or the target of one. */
static int has_dependencies(checker *k, const vg_sbomcheck_component *c)
{
    return k->doc->format == VG_SBOMCHECK_CYCLONEDX ? c->has_dependency_entry : in_relationship(k, c);
}

/* A licence statement: anything but NOASSERTION (NONE states that there
 * is none, which is a statement). */
static int has_licence_of(const vg_sbomcheck_component *c, int concluded, int any)
{
    for (size_t i = 0; i < c->nlicences; i++)
        if ((any || c->licences[i].concluded == concluded) && c->licences[i].kind != VG_SBOMCHECK_LICENCE_NOASSERTION)
            return 1;
    return 0;
}
static int has_licence(checker *k, const vg_sbomcheck_component *c) { (void)k; return has_licence_of(c, 0, 1); }
static int has_declared_licence(checker *k, const vg_sbomcheck_component *c) { (void)k; return has_licence_of(c, 0, 0); }
static int has_concluded_licence(checker *k, const vg_sbomcheck_component *c) { (void)k; return has_licence_of(c, 1, 0); }

static int has_sha512(checker *k, const vg_sbomcheck_component *c)
{
    (void)k;
    for (size_t i = 0; i < c->nhashes; i++)
        if (!strcasecmp(c->hash_algs[i], "SHA-512") || !strcasecmp(c->hash_algs[i], "SHA512"))
            return 1;
    return 0;
}

static int purls_valid(checker *k, const vg_sbomcheck_component *c)
{
    for (size_t i = 0; i < c->npurls; i++) {
        vg_purl p;
        if (vg_purl_parse(&k->scratch, c->purls[i], strlen(c->purls[i]), &p, NULL) != 0)
            return 0;
    }
    return 1;
}

/* A CPE 2.3 formatted string (NISTIR 7695 6.2): "cpe:2.3:" and 11
 * attributes separated by unquoted ':', part one of a o h * -, each
 * attribute "*", "-", or characters of Figure 6-3 (alphanumerics, '_', '-',
 * '.', '\' quoting a punctuation character, '*' and '?' as wildcards). */
static int cpe23_valid(const char *s)
{
    if (strncmp(s, "cpe:2.3:", 8))
        return 0;
    s += 8;
    int attrs = 1;
    size_t len = 0;
    const char *start = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == ':') {
            if (!len)
                return 0;
            attrs++;
            len = 0;
            continue;
        }
        if (ch == '\\') {
            s++;
            if (!*s || !strchr("!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~-", *s))
                return 0;
        } else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                     strchr("_-.*?", ch)))
            return 0;
        len++;
    }
    return attrs == 11 && len && strchr("aoh*-", start[0]) && (start[1] == ':');
}

static int cpes_valid(checker *k, const vg_sbomcheck_component *c)
{
    for (size_t i = 0; i < c->ncpes; i++) {
        char *out;
        if (!strncmp(c->cpes[i], "cpe:2.3:", 8) ? !cpe23_valid(c->cpes[i])
                                                : vg_cpe_from_uri(&k->scratch, c->cpes[i], &out) != VG_OK)
            return 0;
    }
    return 1;
}

static int licences_valid(checker *k, const vg_sbomcheck_component *c)
{
    for (size_t i = 0; i < c->nlicences; i++) {
        const vg_sbomcheck_licence *l = &c->licences[i];
        char *out;
        if (l->kind == VG_SBOMCHECK_LICENCE_ID && !vg_spdx_license_id(l->text, strlen(l->text)))
            return 0;
        if (l->kind == VG_SBOMCHECK_LICENCE_EXPRESSION &&
            vg_license_parse(&k->scratch, l->text, strlen(l->text), VG_LICENSE_ALLOW_REFS, &out, NULL) != VG_OK)
            return 0;
    }
    return 1;
}

static int completeness_stated(checker *k, const vg_sbomcheck_component *c)
{
    (void)k;
    return c->completeness_stated;
}

/* Whether a row applies to c at all. */
static int has_purls(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->npurls > 0; }
static int has_cpes(checker *k, const vg_sbomcheck_component *c) { (void)k; return c->ncpes > 0; }
/* A component with a list of dependencies: a CycloneDX dependencies[]
 * entry, or the source of an SPDX relationship. */
static int has_dependency_list(checker *k, const vg_sbomcheck_component *c)
{
    return c->has_dependency_entry || k->from_edge[c - k->doc->components] || c->completeness_stated;
}
static int has_judged_licences(checker *k, const vg_sbomcheck_component *c)
{
    (void)k;
    for (size_t i = 0; i < c->nlicences; i++)
        if (c->licences[i].kind == VG_SBOMCHECK_LICENCE_ID || c->licences[i].kind == VG_SBOMCHECK_LICENCE_EXPRESSION)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */

/* RFC 3339 date-time (ISO 8601 profile), as CycloneDX (JSON Schema
 * "date-time") and SPDX ("YYYY-MM-DDThh:mm:ssZ") ask. */
static int timestamp_valid(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    if (!s || strlen(s) < sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i] && !(i == 10 && s[i] == 't'))
            return 0;
    s += sizeof shape - 1;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if ((*s == 'Z' || *s == 'z') && !s[1])
        return 1;
    return (*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] == ':' &&
           s[4] >= '0' && s[4] <= '9' && s[5] >= '0' && s[5] <= '9' && !s[6];
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int known_ref(const checker *k, const char *ref)
{
    return bsearch(&ref, k->refs, k->nrefs, sizeof *k->refs, str_cmp) != NULL;
}

/* A reference that need not be in this document: SPDX 2 "DocumentRef-x:..."
 * names an element of another document. */
static int external_ref(const checker *k, const char *ref)
{
    return k->doc->format == VG_SBOMCHECK_SPDX2 && !strncmp(ref, "DocumentRef-", 12) && strchr(ref, ':');
}

/* ------------------------------------------------------------------ */

typedef struct row_builder {
    checker *k;
    vg_sbomcheck_report *out;
} row_builder;

static vg_sbomcheck_result *add_row(row_builder *b, const char *id, const char *standard, const char *clause,
                                    const char *title, vg_sbomcheck_level level)
{
    vg_sbomcheck_result *r = &b->out->results[b->out->nresults++];
    *r = (vg_sbomcheck_result){.id = id, .standard = standard, .clause = clause, .title = title, .level = level};
    return r;
}

static int fail_component(row_builder *b, vg_sbomcheck_result *r, size_t at)
{
    if (!r->failing) {
        r->failing = vg_arena_calloc(&b->k->doc->arena, b->k->doc->ncomponents, sizeof *r->failing);
        if (!r->failing)
            return vg_error(b->k->ctx, VG_ERR_NOMEM, "out of memory");
    }
    r->failing[r->nfailing++] = at;
    return VG_OK;
}

static int problem(row_builder *b, vg_sbomcheck_result *r, const char *text)
{
    if (!text)
        return vg_error(b->k->ctx, VG_ERR_NOMEM, "out of memory");
    return sbomcheck_push(b->k->ctx, &b->k->doc->arena, &r->problems, &r->nproblems, VG_SBOMCHECK_MAX_EDGES, text);
}

/* A row judged on every component (applies: which of them it concerns;
 * NULL: all). */
static int component_row(row_builder *b, const char *id, const char *standard, const char *clause,
                         const char *title, vg_sbomcheck_level level, component_pred ok, component_pred applies)
{
    vg_sbomcheck_result *r = add_row(b, id, standard, clause, title, level);
    vg_sbomcheck_doc *doc = b->k->doc;
    size_t judged = 0;
    for (size_t i = 0; i < doc->ncomponents; i++) {
        if (applies && !applies(b->k, &doc->components[i]))
            continue;
        judged++;
        int rc = ok(b->k, &doc->components[i]) ? VG_OK : fail_component(b, r, i);
        if (rc)
            return rc;
    }
    if (!judged) {
        r->verdict = VG_SBOMCHECK_NOT_APPLICABLE;
        r->reason = applies ? "no component it concerns" : "the document lists no component";
    } else if (r->nfailing) {
        r->verdict = VG_SBOMCHECK_FAIL;
        r->reason = vg_arena_printf(&doc->arena, "%zu of %zu components", r->nfailing, judged);
    } else
        r->verdict = VG_SBOMCHECK_PASS;
    return VG_OK;
}

/* A row judged on the primary component alone. */
static int primary_row(row_builder *b, const char *id, const char *standard, const char *clause,
                       const char *title, vg_sbomcheck_level level, component_pred ok)
{
    vg_sbomcheck_result *r = add_row(b, id, standard, clause, title, level);
    vg_sbomcheck_doc *doc = b->k->doc;
    if (doc->primary < 0) {
        r->verdict = VG_SBOMCHECK_FAIL;
        r->reason = "the document names no primary component";
        return VG_OK;
    }
    if (ok(b->k, &doc->components[doc->primary])) {
        r->verdict = VG_SBOMCHECK_PASS;
        return VG_OK;
    }
    r->verdict = VG_SBOMCHECK_FAIL;
    r->reason = "the primary component";
    return fail_component(b, r, (size_t)doc->primary);
}

static void doc_row(row_builder *b, const char *id, const char *standard, const char *clause, const char *title,
                    vg_sbomcheck_level level, int ok, const char *reason)
{
    vg_sbomcheck_result *r = add_row(b, id, standard, clause, title, level);
    r->verdict = ok ? VG_SBOMCHECK_PASS : VG_SBOMCHECK_FAIL;
    r->reason = ok ? NULL : reason;
}

static void not_checked_row(row_builder *b, const char *id, const char *standard, const char *clause,
                            const char *title, vg_sbomcheck_level level, const char *reason)
{
    vg_sbomcheck_result *r = add_row(b, id, standard, clause, title, level);
    r->verdict = VG_SBOMCHECK_NOT_CHECKED;
    r->reason = reason;
}

/* NTIA "Dependency Relationship" and CISA 2.2.2.6: the primary component
 * is related to what it includes, and (NTIA) every component is placed in
 * the graph. */
static int relationship_rows(row_builder *b)
{
    vg_sbomcheck_doc *doc = b->k->doc;
    int primary_related = doc->primary >= 0 && b->k->from_edge[doc->primary];
    int only_one = doc->ncomponents == 1 && doc->primary == 0;
    vg_sbomcheck_result *r = add_row(b, "ntia.dependencies", "ntia", NTIA "Dependency Relationship",
                                     "dependency relationships", VG_SBOMCHECK_REQUIRED);
    if (doc->primary < 0) {
        r->verdict = VG_SBOMCHECK_FAIL;
        r->reason = "the document names no primary component to relate the others to";
    } else if (only_one) {
        r->verdict = VG_SBOMCHECK_PASS;
    } else {
        for (size_t i = 0; i < doc->ncomponents; i++) {
            int rc = b->k->in_edge[i] ? VG_OK : fail_component(b, r, i);
            if (rc)
                return rc;
        }
        r->verdict = primary_related && !r->nfailing ? VG_SBOMCHECK_PASS : VG_SBOMCHECK_FAIL;
        r->reason = !primary_related ? "the primary component has no relationship to the components it includes"
                    : r->nfailing    ? vg_arena_printf(&doc->arena, "%zu components in no relationship", r->nfailing)
                                     : NULL;
    }
    return VG_OK;
}

static int count_problem_rows(row_builder *b)
{
    checker *k = b->k;
    vg_sbomcheck_doc *doc = k->doc;
    vg_sbomcheck_result *r = add_row(b, "valid.unique-refs", "valid", "CycloneDX bom-ref (unique in the BOM); "
                                     "SPDX 2.3 7.2 / 3.0.1 Element.spdxId (unique)", "unique bom-refs / SPDX ids",
                                     VG_SBOMCHECK_REQUIRED);
    for (size_t i = 1; i < k->nrefs; i++)
        if (!strcmp(k->refs[i], k->refs[i - 1]) && (i == 1 || strcmp(k->refs[i - 1], k->refs[i - 2]))) {
            int rc = problem(b, r, vg_arena_printf(&doc->arena, "%s is given to more than one element", k->refs[i]));
            if (rc)
                return rc;
        }
    r->verdict = r->nproblems ? VG_SBOMCHECK_FAIL : VG_SBOMCHECK_PASS;
    r->reason = r->nproblems ? vg_arena_printf(&doc->arena, "%zu ids given twice", r->nproblems) : NULL;

    r = add_row(b, "valid.references", "valid", "CycloneDX dependencies[].ref/dependsOn; SPDX relationships",
                "relationships lead to elements of the document", VG_SBOMCHECK_REQUIRED);
    for (size_t i = 0; i < doc->nedges; i++) {
        const vg_sbomcheck_edge *e = &doc->edges[i];
        const char *end = !known_ref(k, e->from) && !external_ref(k, e->from) ? e->from
                          : !known_ref(k, e->to) && !external_ref(k, e->to)   ? e->to
                                                                              : NULL;
        if (!end)
            continue;
        if (r->nproblems >= 1000) {
            r->nproblems++; /* counted, not kept */
            continue;
        }
        int rc = problem(b, r, vg_arena_printf(&doc->arena, "%s -> %s: no element %s", e->from, e->to, end));
        if (rc)
            return rc;
    }
    if (r->nproblems > 1000)
        r->nproblems = 1000;
    r->verdict = !doc->nedges ? VG_SBOMCHECK_NOT_APPLICABLE : r->nproblems ? VG_SBOMCHECK_FAIL : VG_SBOMCHECK_PASS;
    r->reason = !doc->nedges ? "the document has no relationship"
                : r->nproblems ? "a relationship names an element the document does not have"
                               : NULL;
    return VG_OK;
}

static int prepare(checker *k)
{
    vg_sbomcheck_doc *doc = k->doc;
    k->nrefs = 0;
    k->refs = vg_arena_calloc(&doc->arena, doc->ncomponents + doc->nother_refs + 1, sizeof *k->refs);
    k->in_edge = vg_arena_calloc(&doc->arena, doc->ncomponents + 1, 1);
    k->from_edge = vg_arena_calloc(&doc->arena, doc->ncomponents + 1, 1);
    if (!k->refs || !k->in_edge || !k->from_edge)
        return vg_error(k->ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < doc->ncomponents; i++)
        if (doc->components[i].ref)
            k->refs[k->nrefs++] = doc->components[i].ref;
    size_t ncomponent_refs = k->nrefs;
    /* component refs with their index, for marking the ends of edges */
    struct { const char *ref; size_t at; } *idx = vg_arena_calloc(&doc->arena, ncomponent_refs + 1, sizeof *idx);
    if (!idx)
        return vg_error(k->ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0, n = 0; i < doc->ncomponents; i++)
        if (doc->components[i].ref) {
            idx[n].ref = doc->components[i].ref;
            idx[n++].at = i;
        }
    qsort(idx, ncomponent_refs, sizeof *idx, str_cmp); /* ref is the first member */
    for (size_t i = 0; i < doc->nother_refs; i++)
        k->refs[k->nrefs++] = doc->other_refs[i];
    qsort(k->refs, k->nrefs, sizeof *k->refs, str_cmp);
    for (size_t i = 0; i < doc->nedges; i++)
        for (int end = 0; end < 2; end++) {
            const char *ref = end ? doc->edges[i].to : doc->edges[i].from;
            size_t lo = 0, hi = ncomponent_refs;
            while (lo < hi) { /* the first entry not below ref */
                size_t mid = (lo + hi) / 2;
                if (strcmp(idx[mid].ref, ref) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < ncomponent_refs && !strcmp(idx[lo].ref, ref); lo++) {
                k->in_edge[idx[lo].at] = 1;
                if (!end)
                    k->from_edge[idx[lo].at] = 1;
            }
        }
    return VG_OK;
}

/* Room for the rows: 44 today (7 NTIA, 15 CISA, 16 BSI, 6 validity), which
 * tests/unit/sbomcheck.c counts, so that a row added shows there first. */
#define ROWS 64

int vg_sbomcheck_run(vg_ctx *ctx, vg_sbomcheck_doc *doc, const vg_sbomcheck_schema *schema,
                     vg_sbomcheck_report *out)
{
    checker k = {.ctx = ctx, .doc = doc};
    vg_arena_init(&k.scratch);
    out->nresults = 0;
    out->results = vg_arena_calloc(&doc->arena, ROWS, sizeof *out->results);
    int rc = out->results ? prepare(&k) : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        vg_arena_free(&k.scratch);
        return rc;
    }
    row_builder b = {&k, out};
    const vg_sbomcheck_level REQ = VG_SBOMCHECK_REQUIRED, REC = VG_SBOMCHECK_RECOMMENDED;
    int authored = doc->nauthors + doc->ntools > 0, timed = timestamp_valid(doc->timestamp);
    const char *no_time = doc->timestamp ? "the timestamp is not an RFC 3339 date-time" : "no timestamp";
    int cdx = doc->format == VG_SBOMCHECK_CYCLONEDX;

    /* NTIA minimum elements: every one is a minimum. */
    if ((rc = component_row(&b, "ntia.supplier", "ntia", NTIA "Supplier Name", "supplier name", REQ, has_supplier, NULL)) ||
        (rc = component_row(&b, "ntia.name", "ntia", NTIA "Component Name", "component name", REQ, has_name, NULL)) ||
        (rc = component_row(&b, "ntia.version", "ntia", NTIA "Version of the Component", "component version", REQ,
                            has_version, NULL)) ||
        (rc = component_row(&b, "ntia.identifiers", "ntia", NTIA "Other Unique Identifiers",
                            "other unique identifiers (purl, CPE, SWID...)", REQ, has_identifier, NULL)) ||
        (rc = relationship_rows(&b)))
        goto out;
    doc_row(&b, "ntia.author", "ntia", NTIA "Author of SBOM Data", "author of SBOM data", REQ, authored,
            "no author, organisation or tool is named as having made the document");
    doc_row(&b, "ntia.timestamp", "ntia", NTIA "Timestamp", "timestamp", REQ, timed, no_time);

    /* CISA 2024 baseline attributes, at their "minimum expected" level
     * (REQ) or "recommended practice" (REC). */
    doc_row(&b, "cisa.author", "cisa", CISA "2.2.1.1 Author Name", "SBOM author", REQ, authored,
            "no author, organisation or tool is named as having made the document");
    doc_row(&b, "cisa.timestamp", "cisa", CISA "2.2.1.2 Timestamp", "timestamp", REQ, timed, no_time);
    doc_row(&b, "cisa.type", "cisa", CISA "2.2.1.3 Type", "SBOM type (lifecycle phase)", REC, doc->type != NULL,
            doc->format == VG_SBOMCHECK_SPDX2 ? "SPDX 2 has no SBOM type" : "no SBOM type / lifecycle phase");
    doc_row(&b, "cisa.primary", "cisa", CISA "2.2.1.4 Primary Component", "primary component", REQ,
            doc->primary >= 0, "the document names no primary component");
    if ((rc = component_row(&b, "cisa.name", "cisa", CISA "2.2.2.1 Component Name", "component name", REQ, has_name, NULL)) ||
        (rc = component_row(&b, "cisa.version", "cisa", CISA "2.2.2.2 Version", "component version", REQ, has_version, NULL)) ||
        (rc = component_row(&b, "cisa.supplier", "cisa", CISA "2.2.2.3 Supplier Name", "supplier name", REQ, has_supplier, NULL)) ||
        (rc = component_row(&b, "cisa.identifier", "cisa", CISA "2.2.2.4 Unique Identifier", "unique identifier", REQ,
                            has_identifier, NULL)) ||
        (rc = primary_row(&b, "cisa.hash", "cisa", CISA "2.2.2.5 Cryptographic Hash",
                          "cryptographic hash of the primary component", REQ, has_hash)) ||
        (rc = component_row(&b, "cisa.hash-all", "cisa", CISA "2.2.2.5 Cryptographic Hash",
                            "cryptographic hash of every component", REC, has_hash, NULL)))
        goto out;
    {
        vg_sbomcheck_result *r = add_row(&b, "cisa.relationship", "cisa", CISA "2.2.2.6 Relationship",
                                         "relationships of the primary component", REQ);
        int single = doc->ncomponents == 1 && doc->primary == 0;
        r->verdict = single ? VG_SBOMCHECK_NOT_APPLICABLE
                     : doc->primary >= 0 && k.from_edge[doc->primary] ? VG_SBOMCHECK_PASS
                                                                      : VG_SBOMCHECK_FAIL;
        r->reason = single ? "the primary component is the only component"
                    : r->verdict == VG_SBOMCHECK_FAIL
                        ? (doc->primary < 0 ? "the document names no primary component"
                                            : "the primary component has no relationship to the components it includes")
                        : NULL;
    }
    doc_row(&b, "cisa.completeness", "cisa", CISA "2.2.2.6.4 Relationship Completeness",
            "relationship completeness declared", REC, doc->ncompleteness > 0, "no completeness statement");
    if ((rc = primary_row(&b, "cisa.license", "cisa", CISA "2.2.2.7 License", "licence of the primary component", REQ,
                          has_licence)) ||
        (rc = component_row(&b, "cisa.license-all", "cisa", CISA "2.2.2.7 License", "licence of every component", REC,
                            has_licence, NULL)) ||
        (rc = primary_row(&b, "cisa.copyright", "cisa", CISA "2.2.2.8 Copyright Notice",
                          "copyright notice of the primary component", REC, has_copyright)))
        goto out;

    /* BSI TR-03183-2 v2.1. */
    {
        int accepted = doc->spec_version &&
                       ((cdx && strcmp(doc->spec_version, "1.6") >= 0) ||
                        (doc->format == VG_SBOMCHECK_SPDX3 && strcmp(doc->spec_version, "3.0.1") >= 0));
        doc_row(&b, "bsi.format", "bsi", BSI "4 (formats)", "CycloneDX >= 1.6 or SPDX >= 3.0.1 (JSON or XML)", REQ,
                accepted,
                vg_arena_printf(&doc->arena, "%s %s is not accepted", vg_sbomcheck_format_name(doc->format),
                                doc->spec_version ? doc->spec_version : "?"));
    }
    doc_row(&b, "bsi.creator", "bsi", BSI "5.2.1 Creator of the SBOM", "SBOM creator (e-mail or URL)", REQ,
            doc->author_contact, "no author or organisation of the document gives an e-mail address or URL");
    doc_row(&b, "bsi.timestamp", "bsi", BSI "5.2.1 Timestamp", "timestamp", REQ, timed, no_time);
    if ((rc = component_row(&b, "bsi.component-creator", "bsi", BSI "5.2.2 Component creator",
                            "component creator (e-mail or URL)", REQ, has_creator_contact, NULL)) ||
        (rc = component_row(&b, "bsi.name", "bsi", BSI "5.2.2 Component name", "component name", REQ, has_name, NULL)) ||
        (rc = component_row(&b, "bsi.version", "bsi", BSI "5.2.2 Component version", "component version", REQ,
                            has_version, NULL)))
        goto out;
    const char *no_mapping = cdx ? NULL
                             : doc->format == VG_SBOMCHECK_SPDX2
                                 ? "SPDX 2 has no field for it (and is not an accepted format)"
                                 : "vigil reads no SPDX 3.0.1 field for it";
    if (doc->format == VG_SBOMCHECK_SPDX3)
        not_checked_row(&b, "bsi.filename", "bsi", BSI "5.2.2 Filename of the component", "filename", REQ, no_mapping);
    else if ((rc = component_row(&b, "bsi.filename", "bsi", BSI "5.2.2 Filename of the component", "filename", REQ,
                                 has_filename, NULL)))
        goto out;
    if ((rc = component_row(&b, "bsi.dependencies", "bsi", BSI "5.2.2 Dependencies on other components",
                            "dependencies listed", REQ, has_dependencies, NULL)) ||
        (rc = component_row(&b, "bsi.licences", "bsi", BSI "5.2.2 Distribution licences",
                            "distribution (concluded) licences", REQ, has_concluded_licence, NULL)) ||
        (rc = component_row(&b, "bsi.hash", "bsi", BSI "5.2.2 Hash value of the executable component",
                            "SHA-512 hash", REQ, has_sha512, NULL)))
        goto out;
    static const struct {
        const char *id, *clause, *title;
        component_pred ok;
    } props[] = {
        {"bsi.executable", BSI "5.2.2 Executable property", "executable property", has_executable},
        {"bsi.archive", BSI "5.2.2 Archive property", "archive property", has_archive},
        {"bsi.structured", BSI "5.2.2 Structured property", "structured property", has_structured},
    };
    for (size_t i = 0; i < 3; i++) {
        if (no_mapping)
            not_checked_row(&b, props[i].id, "bsi", props[i].clause, props[i].title, REQ, no_mapping);
        else if ((rc = component_row(&b, props[i].id, "bsi", props[i].clause, props[i].title, REQ, props[i].ok, NULL)))
            goto out;
    }
    if ((rc = component_row(&b, "bsi.completeness", "bsi", BSI "5.2.2 Dependencies on other components (completeness)",
                            "completeness of each dependency list stated", REQ, completeness_stated,
                            has_dependency_list)) ||
        (rc = component_row(&b, "bsi.original-licences", "bsi", BSI "5.2.4 Original licences",
                            "original (declared) licences", REC, has_declared_licence, NULL)) ||
        (rc = component_row(&b, "bsi.identifiers", "bsi", BSI "5.2.4 Other unique identifiers",
                            "other unique identifiers (CPE, purl)", REC, has_identifier, NULL)))
        goto out;

    /* Validity. */
    if ((rc = component_row(&b, "valid.purl", "valid", "purl specification (PURL-SPECIFICATION.rst)", "valid purls",
                            REQ, purls_valid, has_purls)) ||
        (rc = component_row(&b, "valid.cpe", "valid", "NISTIR 7695 (CPE Naming 2.3) 6.1, 6.2", "valid CPE names", REQ,
                            cpes_valid, has_cpes)) ||
        (rc = component_row(&b, "valid.licence", "valid", "SPDX 2.3 Annex D; SPDX License List",
                            "valid SPDX licence ids and expressions", REQ, licences_valid, has_judged_licences)) ||
        (rc = count_problem_rows(&b)))
        goto out;
    {
        vg_sbomcheck_result *r = add_row(&b, "valid.schema", "valid",
                                         cdx ? "CycloneDX JSON schema" : "SPDX JSON schema", "JSON Schema", REQ);
        r->verdict = !schema->message ? VG_SBOMCHECK_PASS : schema->failed ? VG_SBOMCHECK_FAIL : VG_SBOMCHECK_NOT_CHECKED;
        r->reason = schema->message;
    }
out:
    vg_arena_free(&k.scratch);
    return rc;
}

const char *vg_sbomcheck_verdict_name(vg_sbomcheck_verdict v)
{
    switch (v) {
    case VG_SBOMCHECK_PASS: return "pass";
    case VG_SBOMCHECK_FAIL: return "fail";
    case VG_SBOMCHECK_NOT_APPLICABLE: return "not-applicable";
    case VG_SBOMCHECK_NOT_CHECKED: return "not-checked";
    }
    return "?";
}
