/*
 * product.h — the product an SBOM describes (vg_format_options.product),
 * from the command line, the environment and vigil.toml (cli/product.c).
 * Documented in docs/vigil-sbom.1 and docs/formats.md ("Product identity").
 */
#ifndef VIGIL_CLI_PRODUCT_H
#define VIGIL_CLI_PRODUCT_H

#include "vigil/arena.h"
#include "vigil/format.h"

/* What the command line gave; the rest is looked up by cli_product_resolve(). */
typedef struct cli_product {
    const char *name, *version, *supplier, *manufacturer; /* --name ... --manufacturer, or NULL */
    const char *config; /* --config FILE, or NULL: ./vigil.toml when it exists */
    vg_arena arena;     /* what was read from the file */
} cli_product;

void cli_product_init(cli_product *p);
void cli_product_free(cli_product *p);

/* Sets opts->product field by field from the flag, else the environment
 * variable VIGIL_PRODUCT_NAME, _VERSION, _SUPPLIER, _MANUFACTURER (unset or
 * empty: not given), else the [product] table of the configuration file.
 * Returns EXIT_OK, or EXIT_USAGE after printing what is wrong: --config
 * names no readable file, the file is not valid TOML, [product] has a key
 * other than name, version, supplier and manufacturer or a value that is
 * not a string, or a value (from anywhere) is empty, longer than 1024
 * bytes or holds a control character. */
int cli_product_resolve(cli_product *p, vg_format_options *opts);

#endif
