/*
 * sbomcheck.h — `vigil sbom check`: the quality of any SBOM, vigil's own or
 * a supplier's, judged against the NTIA minimum elements (2021), the CISA
 * "Framing Software Component Transparency" baseline attributes (third
 * edition, 2024) and BSI TR-03183-2 v2.1, plus the validity of its purls,
 * CPEs, licence expressions and references.  docs/sbom-check.md lists every
 * requirement, its clause and how it is judged.
 *
 * A document is first read into a neutral model (vg_sbomcheck_doc) by one
 * reader per format: CycloneDX 1.4-1.7 JSON (src/sbomcheck/cyclonedx.c),
 * SPDX 2.2/2.3 JSON (spdx2.c) and SPDX 3.0.1 JSON-LD (spdx3.c); the model
 * keeps the raw fields as written, so that the requirements
 * (requirements.c) judge what the document says, not what vigil would make
 * of it.  The JSON Schema row is the caller's verdict (vg_sbomcheck_schema):
 * this library validates nothing against a schema.  Leaves out: XML,
 * tag-value and RDF encodings.
 */
#ifndef VIGIL_SBOMCHECK_H
#define VIGIL_SBOMCHECK_H

#include <stddef.h>

#include "vigil/arena.h"
#include "vigil/error.h"

#define VG_SBOMCHECK_MAX_DOCUMENT ((size_t)512 << 20) /* largest file read */
#define VG_SBOMCHECK_MAX_COMPONENTS 1000000
#define VG_SBOMCHECK_MAX_EDGES 10000000
#define VG_SBOMCHECK_MAX_DEPTH 64 /* nesting of CycloneDX components */

typedef enum vg_sbomcheck_format {
    VG_SBOMCHECK_CYCLONEDX = 1,
    VG_SBOMCHECK_SPDX2,
    VG_SBOMCHECK_SPDX3,
} vg_sbomcheck_format;

/* One licence statement of a component. */
typedef enum vg_sbomcheck_licence_kind {
    VG_SBOMCHECK_LICENCE_ID = 1,     /* CycloneDX license.id: one listed SPDX id */
    VG_SBOMCHECK_LICENCE_EXPRESSION, /* an SPDX licence expression (CycloneDX
                                        expression, SPDX licenseDeclared/Concluded,
                                        SPDX 3 LicenseExpression or listed licence) */
    VG_SBOMCHECK_LICENCE_NAME,       /* CycloneDX license.name: free text, not judged */
    VG_SBOMCHECK_LICENCE_NOASSERTION,/* SPDX NOASSERTION: no licence stated */
    VG_SBOMCHECK_LICENCE_NONE,       /* SPDX NONE: a statement that there is none */
} vg_sbomcheck_licence_kind;

typedef struct vg_sbomcheck_licence {
    vg_sbomcheck_licence_kind kind;
    const char *text;
    int concluded; /* 1: concluded (CycloneDX acknowledgement "concluded", SPDX
                      licenseConcluded / hasConcludedLicense); 0: declared */
} vg_sbomcheck_licence;

/* One component as the document writes it.  Strings are NULL when absent
 * (never ""); every string lives as long as the document. */
typedef struct vg_sbomcheck_component {
    const char *ref;        /* bom-ref, SPDXID or spdxId */
    const char *name;
    const char *version;
    const char *supplier;   /* the first name of its supplier, manufacturer,
                               publisher, author(s) or originator */
    int creator_contact;    /* one of those gives an e-mail address or a URL */
    const char **purls;
    size_t npurls;
    const char **cpes;
    size_t ncpes;
    size_t nother_ids;      /* SWID tags, OmniBOR ids, SWHIDs, gitoids */
    const char **hash_algs; /* as written: "SHA-512", "SHA512", "sha512"; CycloneDX:
                               of the component and of its "distribution" references */
    size_t nhashes;
    vg_sbomcheck_licence *licences;
    size_t nlicences;
    const char *copyright;
    const char *filename;   /* BSI bsi:component:filename, SPDX 2 packageFileName */
    const char *executable; /* BSI bsi:component:executable, ...:archive, ...:structured
                               (NOASSERTION, which says it is not known, is kept as NULL) */
    const char *archive;
    const char *structured;
    int has_dependency_entry; /* CycloneDX: a dependencies[] entry with this ref */
    int completeness_stated;  /* the completeness of its dependencies is stated:
                                 CycloneDX compositions[] name it, SPDX 3 a
                                 dependency relationship from it has a completeness,
                                 SPDX 2 it relates to NONE or NOASSERTION */
} vg_sbomcheck_component;

/* A relationship between two elements: a dependency, or containment. */
typedef struct vg_sbomcheck_edge {
    const char *from;
    const char *to;
} vg_sbomcheck_edge;

typedef struct vg_sbomcheck_doc {
    vg_arena arena;
    vg_sbomcheck_format format;
    const char *spec_version;   /* "1.6", "2.3", "3.0.1" */
    const char *timestamp;      /* as written; NULL when absent */
    size_t nauthors;            /* people and organisations named as its authors */
    int author_contact;         /* one of them gives an e-mail address or a URL */
    size_t ntools;              /* tools named as having made it */
    const char *type;           /* CycloneDX lifecycle phase, SPDX 3 sbomType */
    vg_sbomcheck_component *components; /* the primary component among them */
    size_t ncomponents;
    long primary;               /* index of the primary component, or -1 */
    vg_sbomcheck_edge *edges;
    size_t nedges;
    const char **other_refs;    /* refs of elements that are not components
                                   (services, files, licences, agents...) */
    size_t nother_refs;
    size_t ncompleteness;       /* completeness statements (CycloneDX compositions,
                                   SPDX 3 relationship completeness, SPDX 2
                                   relationships to NONE / NOASSERTION) */
    size_t capacity_components, capacity_edges, capacity_other; /* internal */
    struct vg_jtree *tree;      /* internal: the parsed text the strings point into */
} vg_sbomcheck_doc;

/* Reads the JSON document data[0..len) (name: for messages) into *doc
 * (initialised by the call; vg_sbomcheck_doc_free() afterwards, whatever
 * the result).  VG_ERR_FORMAT (not JSON, neither CycloneDX nor SPDX),
 * VG_ERR_UNSUPPORTED (a version outside CycloneDX 1.4-1.7, SPDX 2.2, 2.3,
 * 3.0.1), VG_ERR_LIMIT, VG_ERR_NOMEM; the message names name. */
int vg_sbomcheck_read(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_sbomcheck_doc *doc);
void vg_sbomcheck_doc_free(vg_sbomcheck_doc *doc);

typedef enum vg_sbomcheck_verdict {
    VG_SBOMCHECK_PASS = 1,
    VG_SBOMCHECK_FAIL,
    VG_SBOMCHECK_NOT_APPLICABLE,
    VG_SBOMCHECK_NOT_CHECKED,
} vg_sbomcheck_verdict;

/* How binding a requirement is in its text. */
typedef enum vg_sbomcheck_level {
    VG_SBOMCHECK_REQUIRED = 1, /* NTIA minimum element, CISA "minimum expected",
                                  BSI "required", and the validity checks */
    VG_SBOMCHECK_RECOMMENDED,  /* CISA "recommended practice", BSI "additional" */
} vg_sbomcheck_level;

typedef struct vg_sbomcheck_result {
    const char *id;        /* "ntia.supplier", "bsi.hash", "valid.purl" ... (static) */
    const char *standard;  /* "ntia", "cisa", "bsi", "valid" (static) */
    const char *clause;    /* where the text says it (static) */
    const char *title;     /* static */
    vg_sbomcheck_level level;
    vg_sbomcheck_verdict verdict;
    const char *reason;    /* why it failed, is not applicable or was not checked; NULL on pass */
    size_t *failing;       /* indexes into doc->components */
    size_t nfailing;
    const char **problems; /* document-level findings (a dangling ref, a duplicate id) */
    size_t nproblems;
} vg_sbomcheck_result;

typedef struct vg_sbomcheck_report {
    vg_sbomcheck_result *results;
    size_t nresults;
} vg_sbomcheck_report;

/* What the caller knows about the schema check: NULL when the document
 * was validated against its schema without error, else why it was not
 * checked (schema_failed == 0) or the first error (schema_failed == 1). */
typedef struct vg_sbomcheck_schema {
    const char *message;
    int failed;
} vg_sbomcheck_schema;

/* Judges doc against every requirement, in a fixed order, into *out
 * (results in doc's arena).  VG_OK or VG_ERR_NOMEM. */
int vg_sbomcheck_run(vg_ctx *ctx, vg_sbomcheck_doc *doc, const vg_sbomcheck_schema *schema,
                     vg_sbomcheck_report *out);

const char *vg_sbomcheck_verdict_name(vg_sbomcheck_verdict v); /* "pass", "fail", ... */
const char *vg_sbomcheck_format_name(vg_sbomcheck_format f);   /* "CycloneDX", "SPDX" */

#endif
