/*
 * table.c — writes an inventory as a table for people, in the manner of
 * `syft -o table`: a one-line summary (target, OS, package count), then
 * the columns NAME, VERSION, TYPE, plus ARCH and LAYER when any component
 * has them, aligned with spaces, one component per line in inventory
 * order.  No format standard; not meant for machines (use the JSON
 * formats).  Strings are made safe for a terminal: invalid UTF-8 becomes
 * U+FFFD and control characters become "?".  Alignment counts code
 * points, so wide (East Asian) characters may misalign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format_internal.h"
#include "vigil/format.h"

enum { COL_NAME, COL_VERSION, COL_TYPE, COL_ARCH, COL_LAYER, NCOLS };

static const char *const col_titles[NCOLS] = {"NAME", "VERSION", "TYPE", "ARCH", "LAYER"};

/* fmt_utf8(s) with C0 controls and DEL replaced by '?': s itself when it
 * needs no change (so s must outlive the table), else a copy in arena. */
static const char *cell(vg_arena *arena, const char *s)
{
    const char *clean = fmt_utf8(arena, s && *s ? s : "-");
    if (!clean)
        return NULL;
    size_t len = strlen(clean);
    int needs = 0;
    for (size_t i = 0; i < len && !needs; i++)
        needs = (unsigned char)clean[i] < 0x20 || clean[i] == 0x7f;
    if (!needs)
        return clean;
    char *copy = vg_arena_strndup(arena, clean, len);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)copy[i] < 0x20 || copy[i] == 0x7f)
            copy[i] = '?';
    return copy;
}

/* Display width: code points of valid UTF-8 (continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static int pad(vg_buf *out, size_t n)
{
    int rc = VG_OK;
    while (n-- > 0 && rc == VG_OK)
        rc = vg_buf_addc(out, ' ');
    return rc;
}

int vg_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    size_t n = inv->ncomponents;
    const char **cells = vg_arena_calloc(&arena, (n + 1) * NCOLS, sizeof *cells);
    int rc = cells ? VG_OK : VG_ERR_NOMEM;
    int show[NCOLS] = {1, 1, 1, 0, 0};
    size_t widths[NCOLS] = {0};

    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        const vg_component *c = inv->components[i];
        const char **row = cells + (i + 1) * NCOLS;
        /* in the arena: cell() may return its argument itself */
        const char *layer = c->layer >= 0 ? vg_arena_printf(&arena, "%d", c->layer) : "";
        show[COL_ARCH] |= c->arch && *c->arch;
        show[COL_LAYER] |= c->layer >= 0;
        row[COL_NAME] = cell(&arena, c->name);
        row[COL_VERSION] = cell(&arena, c->version);
        row[COL_TYPE] = cell(&arena, c->type);
        row[COL_ARCH] = cell(&arena, c->arch);
        row[COL_LAYER] = cell(&arena, layer);
        for (int k = 0; k < NCOLS; k++)
            if (!row[k])
                rc = VG_ERR_NOMEM;
    }
    if (rc == VG_OK) {
        for (int k = 0; k < NCOLS; k++)
            cells[k] = col_titles[k];
        for (size_t i = 0; i <= n; i++)
            for (int k = 0; k < NCOLS; k++)
                if (show[k] && width(cells[i * NCOLS + k]) > widths[k])
                    widths[k] = width(cells[i * NCOLS + k]);
    }

    vg_buf_reset(out);
    if (rc == VG_OK) {
        const vg_target *t = &inv->target;
        const char *os = !inv->has_os ? "unknown"
                         : inv->os.pretty_name ? inv->os.pretty_name
                         : inv->os.id ? inv->os.id : "unknown";
        const char *target = cell(&arena, t->name ? t->name : t->path);
        os = cell(&arena, os);
        rc = target && os ? vg_buf_addf(out, "Target: %s (%s)  OS: %s  Packages: %zu%s\n", target,
                                        fmt_target_kind(t->kind), os, n,
                                        inv->incomplete ? "  (incomplete: see the warnings)" : "")
                          : VG_ERR_NOMEM;
    }
    for (size_t i = 0; i <= n && rc == VG_OK; i++) {
        int last = NCOLS - 1;
        while (!show[last])
            last--;
        for (int k = 0; k <= last && rc == VG_OK; k++) {
            if (!show[k])
                continue;
            const char *s = cells[i * NCOLS + k];
            rc = vg_buf_addstr(out, s);
            if (rc == VG_OK && k < last)
                rc = pad(out, widths[k] - width(s) + 2);
        }
        if (rc == VG_OK)
            rc = vg_buf_addc(out, '\n');
    }
    vg_arena_free(&arena);
    if (rc == VG_ERR_LIMIT)
        return vg_error(ctx, rc, "the table is larger than %zu bytes", out->max);
    if (rc)
        return vg_error(ctx, rc, "out of memory writing the table");
    (void)opts;
    return VG_OK;
}
