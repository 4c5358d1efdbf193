/*
 * catalog.c — the table of catalogers and one run of them over a file view
 * (catalog.h).  Adding an ecosystem is one file in src/catalog/ and one row
 * in this table.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/catalog.h"

extern const vg_cataloger vg_cataloger_osrelease;
extern const vg_cataloger vg_cataloger_dpkg;
extern const vg_cataloger vg_cataloger_apk;
extern const vg_cataloger vg_cataloger_rpm;
extern const vg_cataloger vg_cataloger_chisel;
extern const vg_cataloger vg_cataloger_java;
extern const vg_cataloger vg_cataloger_golang;
extern const vg_cataloger vg_cataloger_cargo;
extern const vg_cataloger vg_cataloger_dotnet;
extern const vg_cataloger vg_cataloger_npm;
extern const vg_cataloger vg_cataloger_yarn;
extern const vg_cataloger vg_cataloger_pnpm;
extern const vg_cataloger vg_cataloger_python;
extern const vg_cataloger vg_cataloger_ruby;
extern const vg_cataloger vg_cataloger_php;
extern const vg_cataloger vg_cataloger_embedded_sbom;

const vg_cataloger *const vg_catalogers[] = {
    &vg_cataloger_osrelease, /* first: the others read inv->os */
    &vg_cataloger_dpkg,
    &vg_cataloger_apk,
    &vg_cataloger_rpm,
    &vg_cataloger_chisel,
    &vg_cataloger_java,
    &vg_cataloger_golang,
    &vg_cataloger_cargo,
    &vg_cataloger_dotnet,
    &vg_cataloger_npm,
    &vg_cataloger_yarn,
    &vg_cataloger_pnpm,
    &vg_cataloger_python,
    &vg_cataloger_ruby,
    &vg_cataloger_php,
    &vg_cataloger_embedded_sbom, /* last: its finish() matches what the others found */
    NULL,
};

struct vg_catalog {
    vg_catalog_run run;
    const vg_cataloger *const *table; /* vg_catalogers, or the caller's */
    size_t count;            /* catalogers in the table */
    vg_catalog_mask enabled; /* the ones this run uses */
    void *states[32];        /* one per enabled cataloger, from begin() */
};

_Static_assert(sizeof(vg_catalog_mask) * 8 == 32, "one mask bit per state slot");

/* The catalogers of OS packages, and the OS itself. */
static int is_os_cataloger(const char *name)
{
    return strcmp(name, "os-release") == 0 || strcmp(name, "dpkg") == 0 || strcmp(name, "apk") == 0 ||
           strcmp(name, "rpm") == 0 || strcmp(name, "chisel") == 0;
}

int vg_catalog_select(vg_ctx *ctx, const char *list, vg_catalog_mask *out)
{
    vg_catalog_mask mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; vg_catalogers[i]; i++) {
            const char *name = vg_catalogers[i]->name;
            int all = n == 3 && strncmp(p, "all", 3) == 0;
            int os = n == 2 && strncmp(p, "os", 2) == 0 && is_os_cataloger(name);
            int lang = n == 4 && strncmp(p, "lang", 4) == 0 && !is_os_cataloger(name);
            if (all || os || lang || (strlen(name) == n && strncmp(p, name, n) == 0)) {
                mask |= (vg_catalog_mask)1 << i;
                found = 1;
            }
        }
        if (!found) {
            vg_buf names;
            vg_buf_init(&names, 4096);
            for (size_t i = 0; vg_catalogers[i]; i++)
                if (vg_buf_addstr(&names, i ? ", " : "") || vg_buf_addstr(&names, vg_catalogers[i]->name))
                    break;
            int rc = vg_error(ctx, VG_ERR_USAGE, "no cataloger '%.*s' (groups: all, os, lang; catalogers: %s)",
                              (int)n, p, names.data ? names.data : "");
            vg_buf_free(&names);
            return rc;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!mask)
        return vg_error(ctx, VG_ERR_USAGE, "no cataloger named");
    /* The OS is always identified: package URLs need it. */
    for (size_t i = 0; vg_catalogers[i]; i++)
        if (strcmp(vg_catalogers[i]->name, "os-release") == 0)
            mask |= (vg_catalog_mask)1 << i;
    *out = mask;
    return VG_OK;
}

int vg_catalog_begin(vg_ctx *ctx, vg_inventory *inv, const vg_cataloger *const *table, vg_catalog_mask enabled,
                     void *user, vg_catalog **out)
{
    *out = NULL;
    vg_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    cat->run.ctx = ctx;
    cat->run.inv = inv;
    cat->run.arena = &inv->arena;
    cat->run.user = user;
    cat->table = table ? table : vg_catalogers;
    while (cat->table[cat->count])
        cat->count++;
    if (cat->count > sizeof(vg_catalog_mask) * 8) {
        free(cat);
        return vg_error(ctx, VG_ERR_USAGE, "more catalogers than a run holds (%zu)", sizeof(vg_catalog_mask) * 8);
    }
    cat->enabled = enabled ? enabled : ~(vg_catalog_mask)0;
    for (size_t i = 0; i < cat->count; i++) {
        if (!(cat->enabled >> i & 1))
            continue;
        cat->states[i] = cat->table[i]->begin(&cat->run);
        if (!cat->states[i]) {
            vg_catalog_abort(cat);
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
    }
    *out = cat;
    return VG_OK;
}

vg_catalog_mask vg_catalog_wants(const vg_catalog *cat, const char *path, size_t len, size_t base)
{
    vg_catalog_mask mask = 0;
    for (size_t i = 0; i < cat->count; i++)
        if ((cat->enabled >> i & 1) && cat->table[i]->wants(path, len, base))
            mask |= (vg_catalog_mask)1 << i;
    return mask;
}

size_t vg_catalog_max_size(const vg_catalog *cat, vg_catalog_mask mask)
{
    size_t max = 0;
    for (size_t i = 0; i < cat->count; i++)
        if ((mask >> i & 1) && cat->table[i]->max_size > max)
            max = cat->table[i]->max_size;
    return max;
}

vg_catalog_mask vg_catalog_flagged(const vg_catalog *cat, unsigned flag)
{
    vg_catalog_mask mask = 0;
    for (size_t i = 0; i < cat->count; i++)
        if ((cat->enabled >> i & 1) && (cat->table[i]->flags & flag))
            mask |= (vg_catalog_mask)1 << i;
    return mask;
}

long vg_file_read_memory(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    if (!file->data || offset >= file->size)
        return 0;
    size_t n = file->size - (size_t)offset;
    if (n > len)
        n = len;
    if (n > LONG_MAX)
        n = LONG_MAX;
    memcpy(buf, file->data + offset, n);
    return (long)n;
}

int vg_catalog_feed(vg_catalog *cat, vg_catalog_mask mask, const vg_file *file)
{
    for (size_t i = 0; i < cat->count; i++) {
        if (!(mask >> i & 1))
            continue;
        if (file->size > cat->table[i]->max_size) {
            vg_warn(cat->run.ctx, file->path, "skipped: %zu bytes is more than the %zu the %s cataloger reads",
                    file->size, cat->table[i]->max_size, cat->table[i]->name);
            continue;
        }
        if (!file->data && !(cat->table[i]->flags & VG_CATALOG_RANDOM_ACCESS))
            continue; /* the source did not load it: it was over this cataloger's max_size */
        int rc = cat->table[i]->collect(&cat->run, cat->states[i], file);
        if (rc)
            return rc;
    }
    return VG_OK;
}

int vg_catalog_finish(vg_catalog *cat)
{
    int rc = VG_OK;
    size_t i = 0;
    for (; i < cat->count && rc == VG_OK; i++)
        if (cat->states[i])
            rc = cat->table[i]->finish(&cat->run, cat->states[i]);
    /* Catalogers whose finish() did not run after a failure still release. */
    for (; i < cat->count; i++)
        if (cat->table[i]->discard && cat->states[i])
            cat->table[i]->discard(cat->states[i]);
    free(cat);
    return rc;
}

void vg_catalog_abort(vg_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->count; i++)
        if (cat->table[i]->discard && cat->states[i])
            cat->table[i]->discard(cat->states[i]);
    free(cat);
}
