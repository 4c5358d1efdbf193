/*
 * product.c — the product identity of `vigil sbom` (product.h): flags over
 * environment over the [product] table of vigil.toml (TOML 1.0, read with
 * toml.h), field by field.
 *
 *     [product]
 *     name = "acme-gateway"
 *     version = "2.4.1"
 *     supplier = "ACME GmbH <psirt@acme.example>"
 *     manufacturer = "ACME GmbH"
 *
 * Other tables of the file are left to whoever reads them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "product.h"
#include "vigil/buf.h"
#include "vigil/toml.h"

#define PRODUCT_MAX_FIELD 1024

static const char default_config[] = "vigil.toml";

typedef struct field {
    const char *key;  /* in [product] */
    const char *flag; /* on the command line */
    const char *env;
} field;

static const field fields[4] = {
    {"name", "--name", "VIGIL_PRODUCT_NAME"},
    {"version", "--version", "VIGIL_PRODUCT_VERSION"},
    {"supplier", "--supplier", "VIGIL_PRODUCT_SUPPLIER"},
    {"manufacturer", "--manufacturer", "VIGIL_PRODUCT_MANUFACTURER"},
};

void cli_product_init(cli_product *p)
{
    memset(p, 0, sizeof *p);
    vg_arena_init(&p->arena);
}

void cli_product_free(cli_product *p)
{
    vg_arena_free(&p->arena);
}

/* Nonzero when value is fit for the subject of an SBOM; else prints why. */
static int valid(const char *value, const char *where)
{
    size_t len = strlen(value);
    if (len == 0) {
        cli_error("%s: empty", where);
        return 0;
    }
    if (len > PRODUCT_MAX_FIELD) {
        cli_error("%s: longer than %d bytes", where, PRODUCT_MAX_FIELD);
        return 0;
    }
    for (const unsigned char *s = (const unsigned char *)value; *s; s++)
        if (*s < 0x20 || *s == 0x7f) {
            cli_error("%s: holds a control character", where);
            return 0;
        }
    return 1;
}

int cli_config_read(const char *given, vg_buf *text, const char **path)
{
    *path = given ? given : default_config;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = attest_cli_read_file(&ctx, *path, CLI_CONFIG_MAX, text), status = EXIT_OK;
    if (rc == VG_ERR_NOT_FOUND && !given) {
        /* no vigil.toml here: nothing to read */
        vg_buf_free(text);
    } else if (rc) {
        cli_error("--config: %s", ctx.message);
        status = EXIT_USAGE;
    }
    vg_ctx_free(&ctx);
    return status;
}

/* Reads the [product] table of vigil.toml (cli_config_read()) into from[]
 * (strings in p->arena). */
static int read_config(cli_product *p, const char *from[4])
{
    const char *path;
    vg_buf text;
    int status = cli_config_read(p->config, &text, &path);
    if (status || !text.data) {
        vg_buf_free(&text);
        return status;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_toml_value *root = NULL;
    if (vg_toml_parse(&ctx, &p->arena, path, text.data, text.len, &root) != VG_OK) {
        cli_error("%s (fix the file or name another with --config)", ctx.message);
        status = EXIT_USAGE;
    } else {
        const vg_toml_value *table = vg_toml_get(root, "product");
        if (table && table->type != VG_TOML_TABLE) {
            cli_error("%s:%zu: product is not a table", path, table->line);
            status = EXIT_USAGE;
        }
        for (size_t i = 0; table && status == EXIT_OK && i < table->count; i++) {
            size_t f = 0;
            while (f < 4 && strcmp(fields[f].key, table->keys[i]) != 0)
                f++;
            const vg_toml_value *v = table->items[i];
            if (f == 4) {
                cli_error("%s:%zu: [product] has no key '%s' (name, version, supplier, manufacturer)", path,
                          v->line, table->keys[i]);
                status = EXIT_USAGE;
            } else if (v->type != VG_TOML_STRING || strlen(v->string) != v->len) {
                cli_error("%s:%zu: product.%s is not a string", path, v->line, fields[f].key);
                status = EXIT_USAGE;
            } else {
                from[f] = v->string;
            }
        }
    }
    vg_buf_free(&text);
    vg_ctx_free(&ctx);
    return status;
}

int cli_product_resolve(cli_product *p, vg_format_options *opts)
{
    const char *flag[4] = {p->name, p->version, p->supplier, p->manufacturer};
    const char *file[4] = {NULL, NULL, NULL, NULL};
    int status = read_config(p, file);
    if (status)
        return status;
    const char **out[4] = {&opts->product.name, &opts->product.version, &opts->product.supplier,
                           &opts->product.manufacturer};
    for (size_t f = 0; f < 4; f++) {
        const char *env = getenv(fields[f].env);
        const char *value = flag[f] ? flag[f] : env && *env ? env : file[f];
        char where[512];
        if (flag[f] || (env && *env))
            snprintf(where, sizeof where, "%s", flag[f] ? fields[f].flag : fields[f].env);
        else
            snprintf(where, sizeof where, "%.400s: product.%s", p->config ? p->config : default_config,
                     fields[f].key);
        if (value && !valid(value, where))
            return EXIT_USAGE;
        *out[f] = value;
    }
    return EXIT_OK;
}
