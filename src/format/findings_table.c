/*
 * findings_table.c — the vulnerability report as a table for people (the
 * default output of `vigil scan`): one line per finding, KEV first, then by
 * severity, then by id and package (vg_findings_sort), columns ID,
 * SEVERITY, KEV (due date), PACKAGE, INSTALLED, FIXED IN, aligned with
 * spaces; upstream advisories about packages an OS package installed
 * (--include-distro-managed) in a second table of their own; then a
 * summary: what was found, in how many components really checked, and one
 * line per cause of components that could not be checked.
 *
 * No format standard; not meant for machines (use -o json).  Cells are
 * made safe for a terminal: invalid UTF-8 becomes U+FFFD, control
 * characters '?'.  Alignment counts code points.  With opts->width the
 * table fits that many columns: FIXED IN, then PACKAGE, are shortened with
 * "…" (never ID, SEVERITY or INSTALLED).  With opts->colour the severity
 * is coloured (ANSI SGR); the caller decides (a terminal, no NO_COLOR).
 * Suppressed findings are listed only with show_suppressed.
 */
#include <string.h>

#include "format/findings_internal.h"
#include "format/format_internal.h"

enum { T_ID, T_SEVERITY, T_KEV, T_PACKAGE, T_INSTALLED, T_FIXED, T_COLS };

static const char *const titles[T_COLS] = {"ID", "SEVERITY", "KEV", "PACKAGE", "INSTALLED", "FIXED IN"};

#define MIN_SHRUNK 12 /* a shortened column keeps at least this many code points */

/* A terminal-safe cell: "-" for NULL or empty (fmt_cell). */
static const char *safe_cell(vg_arena *arena, const char *s)
{
    return fmt_cell(arena, s && *s ? s : "-");
}

static const char *colour_of(const char *severity)
{
    static const struct {
        const char *name, *sgr;
    } colours[] = {
        {"critical", "\033[1;31m"}, {"high", "\033[31m"}, {"medium", "\033[33m"},
        {"low", "\033[36m"},        {"unknown", "\033[35m"},
    };
    for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++)
        if (strncmp(severity, colours[i].name, strlen(colours[i].name)) == 0)
            return colours[i].sgr;
    return NULL;
}

/* One table: the findings with distro_managed == which, shaped to fit.
 * Writes nothing when there are none. */
static int write_table(vg_arena *arena, const vg_findings *findings, const vg_report_options *opts, int which,
                       vg_buf *out)
{
    size_t rows = 0;
    const char **cells = vg_arena_calloc(arena, findings->n ? findings->n * T_COLS : 1, sizeof *cells);
    if (!cells)
        return -1;
    size_t w[T_COLS];
    for (int c = 0; c < T_COLS; c++)
        w[c] = strlen(titles[c]);
    for (size_t i = 0; i < findings->n; i++) {
        const vg_finding *f = &findings->items[i];
        if ((f->suppressed && !opts->show_suppressed) || f->distro_managed != which)
            continue;
        const char **row = &cells[rows * T_COLS];
        const char *sev = vg_severity_name(f->severity);
        if (f->suppressed)
            sev = vg_arena_printf(arena, "%s (suppressed: %s)", sev, f->analysis_state ? f->analysis_state : "yes");
        row[T_ID] = safe_cell(arena, f->id);
        row[T_SEVERITY] = safe_cell(arena, sev);
        row[T_KEV] = safe_cell(arena, f->kev ? (f->kev->due_date ? vg_arena_printf(arena, "due %s", f->kev->due_date)
                                                                 : "yes")
                                             : NULL);
        row[T_PACKAGE] = safe_cell(arena, f->component->name);
        row[T_INSTALLED] = safe_cell(arena, f->installed_version);
        const char *fixed = rep_fixed_text(arena, f);
        row[T_FIXED] = safe_cell(arena, fixed ? fixed
                                        : f->fix_state && strcmp(f->fix_state, "fixed") != 0
                                            ? vg_arena_printf(arena, "(%s)", f->fix_state)
                                            : NULL);
        for (int c = 0; c < T_COLS; c++) {
            if (!row[c])
                return -1;
            if (fmt_width(row[c]) > w[c])
                w[c] = fmt_width(row[c]);
        }
        rows++;
    }
    if (!rows)
        return 0;
    /* Fit the width: two spaces between columns; shorten FIXED IN, then
     * PACKAGE, down to MIN_SHRUNK each. */
    if (opts->width > 0) {
        size_t total = 0;
        for (int c = 0; c < T_COLS; c++)
            total += w[c] + (c + 1 < T_COLS ? 2 : 0);
        static const int shrinkable[] = {T_FIXED, T_PACKAGE};
        for (size_t k = 0; k < 2 && total > (size_t)opts->width; k++) {
            int c = shrinkable[k];
            size_t keep = w[c] > MIN_SHRUNK ? MIN_SHRUNK : w[c];
            size_t cut = total - (size_t)opts->width;
            size_t room = w[c] - keep;
            size_t take = cut < room ? cut : room;
            w[c] -= take;
            total -= take;
        }
        for (size_t r = 0; r < rows; r++)
            for (int c = 0; c < T_COLS; c++)
                if (!(cells[r * T_COLS + c] = fmt_shorten(arena, cells[r * T_COLS + c], w[c], 0)))
                    return -1;
    }
    for (size_t r = 0; r <= rows; r++) {
        for (int c = 0; c < T_COLS; c++) {
            const char *s = r == 0 ? titles[c] : cells[(r - 1) * T_COLS + c];
            const char *sgr = r > 0 && c == T_SEVERITY && opts->colour ? colour_of(s) : NULL;
            if ((sgr && vg_buf_addstr(out, sgr) != 0) || vg_buf_addstr(out, s) != 0 ||
                (sgr && vg_buf_addstr(out, "\033[0m") != 0))
                return -1;
            if (c + 1 < T_COLS)
                for (size_t k = fmt_width(s); k < w[c] + 2; k++)
                    if (vg_buf_addc(out, ' ') != 0)
                        return -1;
        }
        if (vg_buf_addc(out, '\n') != 0)
            return -1;
    }
    return 0;
}

/* The summary lines under the tables. */
static int write_summary(vg_arena *arena, const vg_inventory *inv, const vg_findings *findings,
                         const vg_report_options *opts, vg_buf *out)
{
    rep_counts n;
    rep_count(findings, &n);
    const char *name = safe_cell(arena, inv->target.name ? inv->target.name : inv->target.path);
    if (!name)
        return -1;
    size_t checked = findings->components_checked;
    int bad;
    if (inv->ncomponents == 0)
        bad = vg_buf_addf(out, "%s: no components found: nothing was checked", name);
    else if (n.total == 0 && checked == 0)
        bad = vg_buf_addf(out, "%s: no component could be checked", name);
    else if (n.total == 0)
        bad = vg_buf_addf(out, "%s: no known vulnerabilities in the %zu component%s checked", name, checked,
                          checked == 1 ? "" : "s");
    else
        bad = vg_buf_addf(out,
                          "%s: %zu vulnerabilit%s in %zu component%s; %zu component%s checked "
                          "(%zu critical, %zu high, %zu medium, %zu low, %zu unknown; %zu in KEV)",
                          name, n.total, n.total == 1 ? "y" : "ies", n.components, n.components == 1 ? "" : "s",
                          checked, checked == 1 ? "" : "s", n.by_severity[VG_SEVERITY_CRITICAL],
                          n.by_severity[VG_SEVERITY_HIGH], n.by_severity[VG_SEVERITY_MEDIUM],
                          n.by_severity[VG_SEVERITY_LOW],
                          n.by_severity[VG_SEVERITY_UNKNOWN] + n.by_severity[VG_SEVERITY_NONE], n.kev);
    if (!bad && n.suppressed)
        bad = vg_buf_addf(out, "; %zu suppressed%s", n.suppressed,
                          opts->show_suppressed ? "" : " (--show-suppressed lists them)");
    if (!bad && findings->hidden)
        bad = vg_buf_addf(out, "; %zu hidden by --only-fixed/--severity", findings->hidden);
    if (!bad)
        bad = vg_buf_addc(out, '\n');
    rep_unchecked *groups = NULL;
    size_t ngroups = 0;
    if (!bad && rep_unchecked_groups(arena, findings, &groups, &ngroups) != VG_OK)
        bad = -1;
    for (size_t i = 0; i < ngroups && !bad; i++) {
        const char *reason = safe_cell(arena, groups[i].reason);
        bad = !reason || vg_buf_addf(out, "%zu %s package%s%s not checked: %s\n", groups[i].count,
                                     groups[i].type, groups[i].count == 1 ? "" : "s",
                                     groups[i].via_os_package ? " installed by OS packages" : "", reason);
    }
    return bad ? -1 : 0;
}

int vg_findings_table_write(vg_ctx *ctx, const vg_inventory *inv, const vg_findings *findings,
                            const vg_report_options *opts, vg_buf *out)
{
    vg_arena arena;
    vg_arena_init(&arena);
    size_t before = out->len;
    int bad = write_table(&arena, findings, opts, 0, out) != 0;
    if (!bad && out->len > before)
        bad = vg_buf_addc(out, '\n') != 0;
    vg_buf up;
    vg_buf_init(&up, out->max);
    if (!bad)
        bad = write_table(&arena, findings, opts, 1, &up) != 0;
    if (!bad && up.len)
        bad = vg_buf_addstr(out, "Upstream advisories about packages installed by OS packages "
                                 "(the distribution's fixes may already cover them):\n") != 0 ||
              vg_buf_add(out, up.data, up.len) != 0 || vg_buf_addc(out, '\n') != 0;
    vg_buf_free(&up);
    if (!bad)
        bad = write_summary(&arena, inv, findings, opts, out) != 0;
    vg_arena_free(&arena);
    if (bad)
        return vg_error(ctx, out->data ? VG_ERR_NOMEM : VG_ERR_LIMIT, "cannot write the table: out of memory");
    return VG_OK;
}
