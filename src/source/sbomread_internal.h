/*
 * sbomread_internal.h — what the readers of the SBOM formats share
 * (sbomread.c: CycloneDX and SPDX 2; sbomread_spdx3.c: SPDX 3): the state
 * of one read and the helpers that turn a document's package into a
 * component.  Not public API.
 */
#ifndef VIGIL_SBOMREAD_INTERNAL_H
#define VIGIL_SBOMREAD_INTERNAL_H

#include <jansson.h>

#include "vigil/inventory.h"
#include "vigil/map.h"
#include "vigil/sbomread.h"

typedef struct reader {
    vg_ctx *ctx;
    vg_inventory *inv;
    const char *path;
    size_t ncomponents;
    const char *distro;      /* first distro qualifier seen */
    const char *distro_type; /* purl namespace of that purl (debian, alpine...) */
    vg_map ids;              /* bom-ref or SPDXID (borrowed from the document) -> component */
    vg_sbom_dropped *dropped; /* what was not kept, or NULL */
} reader;

/* What one component's properties or annotations said, before it is finished. */
typedef struct facts {
    const char *type;         /* vigil:package:type */
    const char *src_version;  /* Trivy: SrcVersion (and SrcRelease) */
    const char *src_release;
} facts;

/* obj[key] when it is a string, else NULL. */
const char *sbom_str(json_t *obj, const char *key);
/* A copy of s (NULL for NULL) in the inventory's arena. */
char *sbom_dup(reader *r, const char *s);
/* VG_ERR_NOMEM with a message naming the file. */
int sbom_oom(reader *r);
/* Records that the document held n things of kind what (a static string)
 * that the inventory does not keep. */
void sbom_drop(reader *r, const char *what, size_t n);
/* A new component (cataloger "sbom"); NULL with the error set past
 * VG_SBOM_MAX_COMPONENTS or on OOM. */
vg_component *sbom_new_component(reader *r);
/* Remembers c under the document's identifier id, for the graph. */
int sbom_identify(reader *r, const char *id, vg_component *c);
/* One property or annotation NAME=VALUE of c: vigil's go back to their
 * fields, Trivy's and Syft's that vigil reads become vigil's, others are
 * dropped. */
int sbom_restore_property(reader *r, vg_component *c, facts *f, const char *name, const char *value);
/* Finishes c from its name, version and purl (NULL: kept by name). */
int sbom_finish_component(reader *r, vg_component *c, const char *name, const char *version, const char *purl,
                          const facts *f);
/* The edge from -> to (nothing when either is NULL); from an OS package to
 * another ecosystem's it is CONTAINS. */
int sbom_relate(reader *r, vg_component *from, vg_component *to, vg_edge_kind kind);
/* The OS from an object with name, version, description and properties
 * (vigil:os:*), unless one is known already. */
void sbom_os(reader *r, json_t *comp);

/* SPDX 3.0.1 JSON-LD (sbomread_spdx3.c): doc has "@context" naming SPDX 3. */
int sbom_read_spdx3(reader *r, json_t *doc);
/* 1 when doc's "@context" names an SPDX 3 context. */
int sbom_is_spdx3(json_t *doc);

#endif
