/*
 * table.c — writes an inventory as a table for people, in the manner of
 * `syft -o table`: a one-line summary (target, OS, package count), then
 * the columns NAME, VERSION, TYPE, plus ARCH and LAYER when any component
 * has them, and LOCATIONS: one row per package (a package found in several
 * places is one component, inventory.h), sorted by name without regard to
 * case, then version and type.  LOCATIONS is the number of places the
 * package was found; with opts->wide it lists them, the first on the row
 * and each other one on a line of its own under it.
 *
 * With opts->width the table fits that many columns: the widest of NAME,
 * TYPE, ARCH and the listed locations is cut with "…" (locations from the
 * left, so that the file name stays), one code point at a time, down to
 * TABLE_MIN_CUT; VERSION, LAYER and the count are never cut.  No colour.
 * No format standard; not meant for machines (use the JSON formats).
 * Strings are made safe for a terminal: invalid UTF-8 becomes U+FFFD and
 * control characters become "?".  Alignment counts code points, so wide
 * (East Asian) characters may misalign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format/format_internal.h"
#include "vigil/format.h"

enum { COL_NAME, COL_VERSION, COL_TYPE, COL_ARCH, COL_LAYER, COL_LOCATIONS, NCOLS };

static const char *const col_titles[NCOLS] = {"NAME", "VERSION", "TYPE", "ARCH", "LAYER", "LOCATIONS"};

#define TABLE_MIN_CUT 12 /* a cut column keeps at least this many code points */

static int cmp_opt(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Rows by name ignoring case, then name, version, type, arch and the
 * primary location: a total order, so the table is deterministic. */
static int row_cmp(const void *pa, const void *pb)
{
    const vg_component *a = *(vg_component *const *)pa, *b = *(vg_component *const *)pb;
    int r = strcasecmp(a->name ? a->name : "", b->name ? b->name : "");
    if (!r && !(r = cmp_opt(a->name, b->name)) && !(r = cmp_opt(a->version, b->version)) &&
        !(r = cmp_opt(a->type, b->type)) && !(r = cmp_opt(a->arch, b->arch)))
        r = cmp_opt(a->location, b->location);
    return r;
}

static int pad(vg_buf *out, size_t n)
{
    int rc = VG_OK;
    while (n-- > 0 && rc == VG_OK)
        rc = vg_buf_addc(out, ' ');
    return rc;
}

/* Narrows the widest cuttable column one code point at a time until the
 * table fits limit or every cuttable one is at TABLE_MIN_CUT. */
static void fit(size_t widths[NCOLS], const int show[NCOLS], int wide, size_t limit)
{
    const int cuttable[NCOLS] = {[COL_NAME] = 1, [COL_TYPE] = 1, [COL_ARCH] = 1, [COL_LOCATIONS] = wide};
    size_t total = 0;
    int ncols = 0;
    for (int k = 0; k < NCOLS; k++)
        if (show[k]) {
            total += widths[k];
            ncols++;
        }
    total += 2 * (size_t)(ncols - 1);
    while (total > limit) {
        int widest = -1;
        for (int k = 0; k < NCOLS; k++)
            if (show[k] && cuttable[k] && widths[k] > TABLE_MIN_CUT && (widest < 0 || widths[k] > widths[widest]))
                widest = k;
        if (widest < 0)
            return;
        widths[widest]--;
        total--;
    }
}

int vg_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    size_t n = inv->ncomponents;
    const vg_component **rows = vg_arena_calloc(&arena, n ? n : 1, sizeof *rows);
    const char **cells = vg_arena_calloc(&arena, (n + 1) * NCOLS, sizeof *cells);
    int rc = rows && cells ? VG_OK : VG_ERR_NOMEM;
    int show[NCOLS] = {1, 1, 1, 0, 0, 1};
    size_t widths[NCOLS] = {0};

    if (rc == VG_OK && n) {
        memcpy(rows, inv->components, n * sizeof *rows);
        qsort(rows, n, sizeof *rows, row_cmp);
    }
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        const vg_component *c = rows[i];
        const char **row = cells + (i + 1) * NCOLS;
        show[COL_ARCH] |= c->arch && *c->arch;
        show[COL_LAYER] |= c->layer >= 0;
        row[COL_NAME] = fmt_cell(&arena, c->name);
        row[COL_VERSION] = fmt_cell(&arena, c->version);
        row[COL_TYPE] = fmt_cell(&arena, c->type);
        row[COL_ARCH] = fmt_cell(&arena, c->arch);
        row[COL_LAYER] = c->layer >= 0 ? vg_arena_printf(&arena, "%d", c->layer) : "";
        row[COL_LOCATIONS] = opts->wide ? fmt_cell(&arena, c->location)
                                        : vg_arena_printf(&arena, "%zu", c->nlocations);
        for (int k = 0; k < NCOLS; k++)
            if (!row[k])
                rc = VG_ERR_NOMEM;
        /* the other locations are lines of their own in the same column */
        for (size_t l = 1; opts->wide && l < c->nlocations && rc == VG_OK; l++) {
            const char *cell = fmt_cell(&arena, c->locations[l]);
            if (!cell)
                rc = VG_ERR_NOMEM;
            else if (fmt_width(cell) > widths[COL_LOCATIONS])
                widths[COL_LOCATIONS] = fmt_width(cell);
        }
    }
    if (rc == VG_OK) {
        for (int k = 0; k < NCOLS; k++)
            cells[k] = col_titles[k];
        for (size_t i = 0; i <= n; i++)
            for (int k = 0; k < NCOLS; k++)
                if (show[k] && fmt_width(cells[i * NCOLS + k]) > widths[k])
                    widths[k] = fmt_width(cells[i * NCOLS + k]);
        if (opts->width > 0)
            fit(widths, show, opts->wide, (size_t)opts->width);
    }

    vg_buf_reset(out);
    if (rc == VG_OK) {
        const vg_target *t = &inv->target;
        const char *os = !inv->has_os ? "unknown"
                         : inv->os.pretty_name ? inv->os.pretty_name
                         : inv->os.id ? inv->os.id : "unknown";
        const char *target = fmt_cell(&arena, t->name ? t->name : t->path);
        os = fmt_cell(&arena, os);
        rc = target && os ? vg_buf_addf(out, "Target: %s (%s)  OS: %s  Packages: %zu%s\n", target,
                                        fmt_target_kind(t->kind), os, n,
                                        inv->incomplete ? "  (incomplete: see the warnings)" : "")
                          : VG_ERR_NOMEM;
    }
    int last = NCOLS - 1; /* LOCATIONS is always shown */
    size_t indent = 0;    /* where LOCATIONS starts, for the lines of other locations */
    for (int k = 0; k < last; k++)
        if (show[k])
            indent += widths[k] + 2;
    for (size_t i = 0; i <= n && rc == VG_OK; i++) {
        for (int k = 0; k <= last && rc == VG_OK; k++) {
            if (!show[k])
                continue;
            const char *s = fmt_shorten(&arena, cells[i * NCOLS + k], widths[k], k == COL_LOCATIONS);
            rc = s ? vg_buf_addstr(out, s) : VG_ERR_NOMEM;
            if (rc == VG_OK && k < last)
                rc = pad(out, widths[k] - fmt_width(s) + 2);
        }
        if (rc == VG_OK)
            rc = vg_buf_addc(out, '\n');
        const vg_component *c = i ? rows[i - 1] : NULL;
        for (size_t l = 1; c && opts->wide && l < c->nlocations && rc == VG_OK; l++) {
            const char *cell = fmt_cell(&arena, c->locations[l]);
            const char *s = cell ? fmt_shorten(&arena, cell, widths[COL_LOCATIONS], 1) : NULL;
            rc = s ? pad(out, indent) : VG_ERR_NOMEM;
            if (rc == VG_OK)
                rc = vg_buf_addstr(out, s);
            if (rc == VG_OK)
                rc = vg_buf_addc(out, '\n');
        }
    }
    vg_arena_free(&arena);
    if (rc == VG_ERR_LIMIT)
        return vg_error(ctx, rc, "the table is larger than %zu bytes", out->max);
    if (rc)
        return vg_error(ctx, rc, "out of memory writing the table");
    return VG_OK;
}
