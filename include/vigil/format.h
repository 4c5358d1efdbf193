/*
 * format.h — writers that turn an inventory into a document:
 * CycloneDX 1.6 JSON, SPDX 2.3 JSON and a human-readable table.
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
} vg_format;

/* Parses a format name ("cyclonedx-json", "cyclonedx", "cdx", "spdx-json",
 * "spdx", "table"); returns 0 if unknown. */
vg_format vg_format_from_name(const char *name);
const char *vg_format_name(vg_format format);

typedef struct vg_format_options {
    int64_t timestamp;        /* seconds since the epoch for document timestamps */
    const char *tool_version; /* e.g. "0.1.0" */
    int width;                /* table: columns to fit (a terminal's), 0 = no limit */
    int wide;                 /* table: list every location of each package, not their number */
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
int vg_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out);

#endif
