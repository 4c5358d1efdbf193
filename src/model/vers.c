/*
 * vers.c — version ranges in the vers notation (vers.h): parsing, checking
 * against an ecosystem's comparator, containment, and the canonical text.
 * Implements VERSION-RANGE-SPEC.rst of github.com/package-url/purl-spec
 * ("Parsing and validating version range specifiers", "Checking if a
 * version is contained within a range"), plus the bare constraint list
 * with ',' that purls carry after '@'.
 *
 * Leaves out: the simplification of redundant constraints (refused as the
 * validation rules say), native range notations, "vers:all" and
 * "vers:none" as special schemes (a scheme name is taken as a purl type or
 * ecosystem, version.h).
 */
#include <stdlib.h>
#include <string.h>

#include "vigil/digest.h"
#include "vigil/vers.h"

static const char *op_text(vg_vers_op op)
{
    switch (op) {
    case VG_VERS_NE: return "!=";
    case VG_VERS_LT: return "<";
    case VG_VERS_LE: return "<=";
    case VG_VERS_GT: return ">";
    case VG_VERS_GE: return ">=";
    default: return "";
    }
}

/* Percent-decodes s[0..n) to out (NUL-terminated); *written counts the
 * bytes with the NUL.  -1 on a bad escape or a decoded NUL. */
static int decode(const char *s, size_t n, char *out, size_t *written)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        if (n - i < 3)
            return -1;
        int h = vg_hex_digit((unsigned char)s[i + 1]), l = vg_hex_digit((unsigned char)s[i + 2]);
        if (h < 0 || l < 0 || (h == 0 && l == 0))
            return -1;
        out[k++] = (char)(h * 16 + l);
        i += 2;
    }
    out[k++] = '\0';
    *written = k;
    return 0;
}

/* One constraint text c[0..n) (spaces already removed) into out->constraints. */
static int parse_constraint(vg_ctx *ctx, const char *c, size_t n, vg_vers *out, size_t *used)
{
    static const struct {
        const char *text;
        vg_vers_op op;
    } ops[] = {{">=", VG_VERS_GE}, {"<=", VG_VERS_LE}, {"!=", VG_VERS_NE}, {"<", VG_VERS_LT}, {">", VG_VERS_GT}};
    vg_vers_op op = VG_VERS_EQ;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t l = strlen(ops[i].text);
        if (n >= l && memcmp(c, ops[i].text, l) == 0) {
            op = ops[i].op;
            c += l;
            n -= l;
            break;
        }
    }
    if (n == 0)
        return vg_error(ctx, VG_ERR_FORMAT, "version range: a constraint %s has no version", op_text(op));
    if (c[0] == '=' || c[0] == '<' || c[0] == '>' || c[0] == '!')
        return vg_error(ctx, VG_ERR_FORMAT,
                        "version range: unknown comparator before '%.*s' (use >=, <=, >, <, != or a bare version)",
                        (int)(n > 64 ? 64 : n), c);
    if (memchr(c, '*', n))
        return vg_error(ctx, VG_ERR_FORMAT, "version range: '*' stands alone, for every version");
    if (out->n == VG_VERS_MAX_CONSTRAINTS)
        return vg_error(ctx, VG_ERR_LIMIT, "version range: more than %d constraints", VG_VERS_MAX_CONSTRAINTS);
    size_t written;
    char *dst = out->text + *used;
    if (decode(c, n, dst, &written) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "version range: bad %%XX escape in '%.*s'", (int)(n > 64 ? 64 : n), c);
    out->constraints[out->n++] = (vg_vers_constraint){op, dst};
    *used += written;
    return VG_OK;
}

int vg_vers_parse(vg_ctx *ctx, const char *s, size_t len, vg_vers *out)
{
    memset(out, 0, sizeof *out);
    if (len > VG_VERS_MAX_LEN)
        return vg_error(ctx, VG_ERR_LIMIT, "version range: longer than %d bytes", VG_VERS_MAX_LEN);
    /* Spaces and tabs removed (the spec's first step); only printable
     * ASCII is allowed. */
    char text[VG_VERS_MAX_LEN + 1];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t')
            continue;
        if (ch < 0x21 || ch > 0x7e)
            return vg_error(ctx, VG_ERR_FORMAT, "version range: byte 0x%02x is not printable ASCII", ch);
        text[n++] = (char)ch;
    }
    text[n] = '\0';
    const char *p = text;
    char seps[3] = "|,";
    if (strncmp(p, "vers:", 5) == 0) {
        const char *slash = strchr(p + 5, '/');
        size_t sl = slash ? (size_t)(slash - p - 5) : 0;
        if (!slash || sl == 0 || sl >= sizeof out->scheme || strspn(p + 5, "abcdefghijklmnopqrstuvwxyz0123456789.+-") != sl)
            return vg_error(ctx, VG_ERR_FORMAT,
                            "version range: expected vers:SCHEME/CONSTRAINTS with a lower-case scheme, e.g. "
                            "vers:npm/>=1.0.0|<2.0.0");
        memcpy(out->scheme, p + 5, sl);
        out->scheme[sl] = '\0';
        p = slash + 1;
        seps[1] = '\0'; /* the spec's form: '|' only */
    }
    if (strcmp(p, "*") == 0) {
        out->star = 1;
        return VG_OK;
    }
    if (seps[1] && strchr(p, '|') && strchr(p, ','))
        return vg_error(ctx, VG_ERR_FORMAT, "version range: use '|' or ',' between constraints, not both");
    size_t used = 0;
    while (*p) {
        size_t k = strcspn(p, seps);
        if (k) {
            int rc = parse_constraint(ctx, p, k, out, &used);
            if (rc)
                return rc;
        }
        p += k;
        if (*p)
            p++; /* consecutive, leading and trailing separators count as one */
    }
    if (out->n == 0)
        return vg_error(ctx, VG_ERR_FORMAT, "version range: no constraint (give a version, '*' or e.g. >=1.0,<2.0)");
    return VG_OK;
}

/* ---- checking and containment ------------------------------------------------- */

static int is_lower(vg_vers_op op) { return op == VG_VERS_GT || op == VG_VERS_GE; }
static int is_upper(vg_vers_op op) { return op == VG_VERS_LT || op == VG_VERS_LE; }

/* Insertion sort of the constraints by version (at most
 * VG_VERS_MAX_CONSTRAINTS, all readable by scheme: compare cannot fail). */
static void sort_constraints(vg_vers *r, vg_version_scheme scheme)
{
    for (size_t i = 1; i < r->n; i++) {
        vg_vers_constraint c = r->constraints[i];
        size_t j = i;
        int cmp = 0;
        while (j > 0 && vg_version_compare_scheme(scheme, r->constraints[j - 1].version, c.version, &cmp) == VG_OK &&
               cmp > 0) {
            r->constraints[j] = r->constraints[j - 1];
            j--;
        }
        r->constraints[j] = c;
    }
}

int vg_vers_check(vg_ctx *ctx, vg_vers *r, vg_version_scheme scheme)
{
    r->checked = 0;
    if (r->star) {
        r->checked = 1;
        return VG_OK;
    }
    if (scheme == VG_VERSION_UNKNOWN) {
        for (size_t i = 0; i < r->n; i++)
            if (r->constraints[i].op != VG_VERS_EQ && r->constraints[i].op != VG_VERS_NE)
                return vg_error(ctx, VG_ERR_UNSUPPORTED,
                                "version range: %s%s needs a version order, and this package type has none: give "
                                "exact versions",
                                op_text(r->constraints[i].op), r->constraints[i].version);
        r->checked = 1;
        return VG_OK;
    }
    for (size_t i = 0; i < r->n; i++) {
        int rc = vg_version_valid_scheme(scheme, r->constraints[i].version);
        if (rc)
            return vg_error(ctx, rc == VG_ERR_LIMIT ? VG_ERR_LIMIT : VG_ERR_FORMAT,
                            "version range: '%.64s' is not a %s version", r->constraints[i].version,
                            vg_version_scheme_name(scheme));
    }
    sort_constraints(r, scheme);
    for (size_t i = 1; i < r->n; i++) {
        int cmp = 1;
        vg_version_compare_scheme(scheme, r->constraints[i - 1].version, r->constraints[i].version, &cmp);
        if (cmp == 0)
            return vg_error(ctx, VG_ERR_FORMAT, "version range: version %.64s is named twice (as %.64s and %.64s)",
                            r->constraints[i].version, r->constraints[i - 1].version, r->constraints[i].version);
    }
    /* Ignoring "!=": "=" is followed only by "=", ">" or ">="; ignoring "="
     * too, lower and upper bounds alternate. */
    const vg_vers_constraint *prev = NULL, *prev_bound = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const vg_vers_constraint *c = &r->constraints[i];
        if (c->op == VG_VERS_NE)
            continue;
        if (prev && prev->op == VG_VERS_EQ && is_upper(c->op))
            return vg_error(ctx, VG_ERR_FORMAT, "version range: %s%s after %s is redundant or empty",
                            op_text(c->op), c->version, prev->version);
        prev = c;
        if (c->op == VG_VERS_EQ)
            continue;
        if (prev_bound && is_lower(prev_bound->op) == is_lower(c->op))
            return vg_error(ctx, VG_ERR_FORMAT,
                            "version range: %s%s follows %s%s: sorted by version, lower (>, >=) and upper (<, <=) "
                            "bounds must alternate (',' and '|' both separate intervals' signposts, they never "
                            "mean 'and')",
                            op_text(c->op), c->version, op_text(prev_bound->op), prev_bound->version);
        prev_bound = c;
    }
    r->checked = 1;
    return VG_OK;
}

int vg_vers_contains(const vg_vers *r, vg_version_scheme scheme, const char *version, int *out)
{
    if (!r->checked || !version)
        return VG_ERR_USAGE;
    if (r->star) {
        *out = 1;
        return VG_OK;
    }
    /* Equal strings are equal versions in every scheme: decided without
     * the comparator, so an exact version is found even where the
     * comparator cannot read it. */
    for (size_t i = 0; i < r->n; i++) {
        const vg_vers_constraint *c = &r->constraints[i];
        if (strcmp(c->version, version) == 0 && c->op != VG_VERS_LT && c->op != VG_VERS_GT) {
            *out = c->op != VG_VERS_NE;
            return VG_OK;
        }
    }
    int only_ne = 1;
    for (size_t i = 0; i < r->n; i++)
        only_ne &= r->constraints[i].op == VG_VERS_NE;
    if (scheme == VG_VERSION_UNKNOWN) {
        *out = only_ne; /* no string matched */
        return VG_OK;
    }
    int rc = vg_version_valid_scheme(scheme, version);
    if (rc)
        return rc;
    /* cmp[i]: version against constraint i */
    int cmp[VG_VERS_MAX_CONSTRAINTS];
    for (size_t i = 0; i < r->n; i++) {
        if ((rc = vg_version_compare_scheme(scheme, version, r->constraints[i].version, &cmp[i])) != VG_OK)
            return rc;
        vg_vers_op op = r->constraints[i].op;
        if (cmp[i] == 0 && op != VG_VERS_LT && op != VG_VERS_GT) {
            *out = op != VG_VERS_NE;
            return VG_OK;
        }
    }
    if (only_ne) {
        *out = 1;
        return VG_OK;
    }
    /* The bounds in version order: the first one when an upper bound, the
     * last when a lower bound, and each lower-upper pair around version. */
    size_t bounds[VG_VERS_MAX_CONSTRAINTS], nb = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->constraints[i].op != VG_VERS_EQ && r->constraints[i].op != VG_VERS_NE)
            bounds[nb++] = i;
    *out = 0;
    if (nb == 0)
        return VG_OK;
    size_t first = bounds[0], last = bounds[nb - 1];
    if (is_upper(r->constraints[first].op) && cmp[first] < 0)
        *out = 1;
    if (is_lower(r->constraints[last].op) && cmp[last] > 0)
        *out = 1;
    for (size_t k = 0; k + 1 < nb; k++) {
        size_t a = bounds[k], b = bounds[k + 1];
        if (is_lower(r->constraints[a].op) && is_upper(r->constraints[b].op) && cmp[a] > 0 && cmp[b] < 0)
            *out = 1;
    }
    return VG_OK;
}

void vg_vers_format(const vg_vers *r, const char *scheme, char *buf, size_t size)
{
    if (!size)
        return;
    size_t n = 0;
    buf[0] = '\0';
#define PUT(ch)                                                                                                        \
    do {                                                                                                               \
        if (n + 1 < size) {                                                                                            \
            buf[n++] = (ch);                                                                                           \
            buf[n] = '\0';                                                                                             \
        }                                                                                                              \
    } while (0)
    const char *head = r->scheme[0] ? r->scheme : scheme ? scheme : "generic";
    for (const char *p = "vers:"; *p; p++)
        PUT(*p);
    for (const char *p = head; *p; p++)
        PUT(*p);
    PUT('/');
    if (r->star)
        PUT('*');
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            PUT('|');
        for (const char *p = op_text(r->constraints[i].op); *p; p++)
            PUT(*p);
        for (const unsigned char *p = (const unsigned char *)r->constraints[i].version; *p; p++) {
            if (strchr("><=!*|,%", *p) || *p < 0x21 || *p > 0x7e) {
                static const char hex[] = "0123456789ABCDEF";
                PUT('%');
                PUT(hex[*p >> 4]);
                PUT(hex[*p & 15]);
            } else {
                PUT((char)*p);
            }
        }
    }
#undef PUT
}
