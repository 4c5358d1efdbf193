/*
 * format.h — writers that turn an inventory into a document:
 * CycloneDX 1.6 and 1.7 JSON, SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD and a
 * human-readable table.
 *
 * Writers are deterministic: the same inventory and options give the same
 * bytes.  Documents are written into a vg_buf so that the caller can put
 * them on disk atomically (temporary file, then rename).
 */
#ifndef VIGIL_FORMAT_H
#define VIGIL_FORMAT_H

#include <stdint.h>
#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/inventory.h"

typedef enum vg_format {
    VG_FORMAT_CYCLONEDX_JSON = 1,
    VG_FORMAT_SPDX_JSON,
    VG_FORMAT_TABLE,
    VG_FORMAT_SPDX3_JSON,        /* SPDX 3.0.1 JSON-LD */
    VG_FORMAT_CYCLONEDX_JSON_17, /* CycloneDX 1.7 JSON */
} vg_format;

/* Parses a format name ("cyclonedx-json", "cyclonedx", "cdx", "spdx-json",
 * "spdx", "spdx3-json", "spdx3", "table"), optionally followed by
 * "@VERSION" of the specification ("cyclonedx-json@1.7", "spdx-json@2.3",
 * "spdx3-json@3.0.1"); returns 0 if the format or the version is unknown. */
vg_format vg_format_from_name(const char *name);
/* The versions accepted after "@" for the format name (as above, the part
 * before any "@"), as a static string ("1.6, 1.7"); NULL when the name is
 * unknown or takes no version. */
const char *vg_format_versions(const char *name);
/* The canonical name: "cyclonedx-json", "cyclonedx-json@1.7", ... */
const char *vg_format_name(vg_format format);

/* A profile: what a regulator's guideline asks a document to carry beyond
 * what vigil writes anyway (vigil sbom --profile NAME). */
typedef enum vg_profile {
    VG_PROFILE_NONE = 0,
    VG_PROFILE_BSI_TR_03183_2, /* BSI TR-03183-2 v2.1.0, docs/bsi-tr-03183-2.md;
                                  needs the scan's file hashes (vg_scan_options.hash_files) */
} vg_profile;

/* The profile named name ("bsi-tr-03183-2"), or VG_PROFILE_NONE when unknown. */
vg_profile vg_profile_from_name(const char *name);
/* The known profile names, comma-separated, for messages. */
const char *vg_profile_names(void);

typedef struct vg_format_options {
    int64_t timestamp;        /* seconds since the epoch for document timestamps */
    const char *tool_version; /* e.g. "0.1.0" */
    int width;                /* table: columns to fit (a terminal's), 0 = no limit */
    int wide;                 /* table: list every location of each package, not their number */
    vg_profile profile;       /* fields a guideline asks for, VG_PROFILE_NONE = none */
    /* The product the SBOM describes (vigil sbom --name, --version,
     * --supplier, --manufacturer, vigil.toml [product], VIGIL_PRODUCT_*):
     * when name is set, the document's subject (CycloneDX
     * metadata.component, the SPDX root element) is this product instead
     * of the path or image given on the command line.  NULL = not given. */
    struct {
        const char *name;
        const char *version;
        const char *supplier;
        const char *manufacturer;
    } product;
} vg_format_options;

int vg_format_write(vg_ctx *ctx, vg_format format, const vg_inventory *inv,
                    const vg_format_options *opts, vg_buf *out);

/* The individual writers, in src/format/. */
int vg_cyclonedx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out);
int vg_spdx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out);
int vg_spdx3_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out);
int vg_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out);

#endif
