/*
 * findings_table.c — the vulnerability report as a table for people (the
 * default output of `vigil scan`): one line per finding, KEV first, then by
 * severity, then by id and package (vg_findings_sort), columns ID,
 * SEVERITY, KEV (due date), PACKAGE, INSTALLED, FIXED IN, aligned with
 * spaces, then a one-line summary.  No format standard; not meant for
 * machines (use -o json).  Cells are made safe for a terminal: invalid
 * UTF-8 becomes U+FFFD, control characters '?'.  Alignment counts code
 * points.  Suppressed findings are listed only with show_suppressed.
 */
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"

enum { T_ID, T_SEVERITY, T_KEV, T_PACKAGE, T_INSTALLED, T_FIXED, T_COLS };

static const char *const titles[T_COLS] = {"ID", "SEVERITY", "KEV", "PACKAGE", "INSTALLED", "FIXED IN"};

/* A terminal-safe copy of s ("-" for NULL/empty) in arena. */
static const char *safe_cell(vg_arena *arena, const char *s)
{
    const char *u = fmt_utf8(arena, s && *s ? s : "-");
    if (!u)
        return NULL;
    char *c = vg_arena_strdup(arena, u);
    if (!c)
        return NULL;
    for (char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return c;
}

/* Code points in a valid UTF-8 string. */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int pad_to(vg_buf *out, const char *s, size_t w, int last)
{
    if (vg_buf_addstr(out, s) != 0)
        return -1;
    if (last)
        return 0;
    for (size_t i = width(s); i < w + 2; i++)
        if (vg_buf_addc(out, ' ') != 0)
            return -1;
    return 0;
}

int vg_findings_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                            const vg_report_options *opts, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    size_t rows = 0;
    const char **cells = vg_arena_calloc(&arena, findings->n ? findings->n * T_COLS : 1, sizeof *cells);
    size_t w[T_COLS];
    for (int c = 0; c < T_COLS; c++)
        w[c] = strlen(titles[c]);
    int bad = !cells;
    for (size_t i = 0; i < findings->n && !bad; i++) {
        const vg_finding *f = &findings->items[i];
        if (f->suppressed && !opts->show_suppressed)
            continue;
        const char **row = &cells[rows * T_COLS];
        const char *sev = vg_severity_name(f->severity);
        if (f->suppressed)
            sev = vg_arena_printf(&arena, "%s (suppressed: %s)", sev,
                                  f->analysis_state ? f->analysis_state : "yes");
        row[T_ID] = safe_cell(&arena, f->id);
        row[T_SEVERITY] = safe_cell(&arena, sev);
        row[T_KEV] = safe_cell(&arena, f->kev ? (f->kev->due_date ? vg_arena_printf(&arena, "due %s", f->kev->due_date)
                                                                  : "yes")
                                              : NULL);
        row[T_PACKAGE] = safe_cell(&arena, f->component->name);
        row[T_INSTALLED] = safe_cell(&arena, f->installed_version);
        const char *fixed = rep_fixed_text(&arena, f);
        row[T_FIXED] = safe_cell(&arena, fixed ? fixed : f->fix_state && strcmp(f->fix_state, "fixed") != 0
                                                             ? vg_arena_printf(&arena, "(%s)", f->fix_state)
                                                             : NULL);
        for (int c = 0; c < T_COLS; c++) {
            if (!row[c]) {
                bad = 1;
                break;
            }
            size_t cw = width(row[c]);
            if (cw > w[c])
                w[c] = cw;
        }
        rows++;
    }
    for (size_t r = 0; r < rows && !bad; r++) {
        if (r == 0)
            for (int c = 0; c < T_COLS && !bad; c++)
                bad = pad_to(out, titles[c], w[c], c == T_COLS - 1) != 0 ||
                      (c == T_COLS - 1 && vg_buf_addc(out, '\n') != 0);
        for (int c = 0; c < T_COLS && !bad; c++)
            bad = pad_to(out, cells[r * T_COLS + c], w[c], c == T_COLS - 1) != 0 ||
                  (c == T_COLS - 1 && vg_buf_addc(out, '\n') != 0);
    }
    rep_counts n;
    rep_count(findings, &n);
    const char *name = safe_cell(&arena, inv->target.name ? inv->target.name : inv->target.path);
    if (!bad && rows)
        bad = vg_buf_addc(out, '\n') != 0;
    if (!bad && name) {
        if (n.total == 0)
            bad = vg_buf_addf(out, "%s: no known vulnerabilities in %zu component%s checked", name,
                              findings->components_checked, findings->components_checked == 1 ? "" : "s") != 0;
        else
            bad = vg_buf_addf(out,
                              "%s: %zu vulnerabilit%s in %zu of %zu components checked "
                              "(%zu critical, %zu high, %zu medium, %zu low, %zu unknown; %zu in KEV)",
                              name, n.total, n.total == 1 ? "y" : "ies", n.components,
                              findings->components_checked, n.by_severity[VG_SEVERITY_CRITICAL],
                              n.by_severity[VG_SEVERITY_HIGH], n.by_severity[VG_SEVERITY_MEDIUM],
                              n.by_severity[VG_SEVERITY_LOW],
                              n.by_severity[VG_SEVERITY_UNKNOWN] + n.by_severity[VG_SEVERITY_NONE], n.kev) != 0;
        if (!bad && n.suppressed)
            bad = vg_buf_addf(out, "; %zu suppressed%s", n.suppressed,
                              opts->show_suppressed ? "" : " (--show-suppressed lists them)") != 0;
        if (!bad)
            bad = vg_buf_addc(out, '\n') != 0;
    }
    vg_arena_free(&arena);
    if (bad || !name)
        return vg_error(ctx, out->data ? VG_ERR_NOMEM : VG_ERR_LIMIT, "cannot write the table: out of memory");
    return VG_OK;
}
