/*
 * risk_data.h — what the supplier risk score (score.c) reads from the
 * store, read by src/store/supplier_data.c in a few set-wise queries over
 * the open spans (docs/store.md, "Spans"), so that the score is computed
 * in C over each distinct component once, whatever the number of
 * snapshots.  Private to src/supplier/ and src/store/.
 */
#ifndef VIGIL_SUPPLIER_RISK_DATA_H
#define VIGIL_SUPPLIER_RISK_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/store.h"

/* An asset with its latest snapshot. */
typedef struct risk_asset {
    int64_t id;
    const char *name;
    const char *criticality; /* the value of its criticality tag, or NULL */
    const char *sbom_digest; /* of its latest snapshot */
    const char *os;          /* the latest snapshot's os column, or NULL */
    int attested;            /* the latest snapshot keeps a verified attestation */
} risk_asset;

/* A distinct stored component (table component) that is in a latest
 * snapshot (open) or that a fixed finding was on. */
typedef struct risk_component {
    int64_t id;
    const char *purl, *name, *version, *supplier; /* NULL when absent */
    const char *key;  /* purl, else name@version (or name): the identity reported */
    const char *os;   /* the os of the first asset holding it, or NULL */
    int open;         /* in some asset's latest snapshot */
    int checked;      /* compared with the vulnerability database in one of them */
    long owner;       /* the supplier attributed (score.c), or -1 */
} risk_component;

/* (component, asset) of an open component span. */
typedef struct risk_holding {
    size_t component, asset; /* indexes */
} risk_holding;

/* An open, not suppressed finding of a latest snapshot on a component;
 * the same (component, vulnerability) on several assets is kept once,
 * with its highest severity and KEV listing. */
typedef struct risk_finding {
    size_t component;
    const char *vuln;
    int severity; /* vg_severity */
    int kev;
} risk_finding;

/* A fixed finding (finding.fixed_at set) on a component. */
typedef struct risk_fix {
    size_t component;
    int64_t finding;
    int64_t seconds; /* fixed_at - first_seen */
    int64_t fixed_at;
} risk_fix;

typedef struct risk_data {
    vg_arena arena;
    risk_asset *assets; /* sorted by name */
    size_t nassets;
    risk_component *components; /* sorted by id */
    size_t ncomponents;
    risk_holding *holdings; /* sorted by component, then asset */
    size_t nholdings;
    risk_finding *findings; /* sorted by component, then vuln */
    size_t nfindings;
    risk_fix *fixes; /* sorted by component, then finding */
    size_t nfixes;
} risk_data;

/* Reads everything above from store into *out (initialised by the call;
 * risk_data_free() afterwards, whatever the result).  criticality_tag is
 * the asset tag read as the asset's criticality. */
int risk_data_read(vg_ctx *ctx, vg_store *store, const char *criticality_tag, risk_data *out);
void risk_data_free(risk_data *data);

/* The NTIA minimum elements (vigil sbom check's required "ntia" rows) of
 * the stored SBOM document digest: *failed receives how many fail and
 * *names their ids, separated by ", " (in arena; "" when none).  An error
 * (the document cannot be read or is no SBOM sbom check reads) is
 * returned with its message in ctx: the caller reports it as unchecked. */
int risk_sbom_ntia(vg_ctx *ctx, vg_store *store, const char *digest, vg_arena *arena, size_t *failed,
                   const char **names);

#endif
