/*
 * coverage.c — what each component is matched with, and whether the result
 * may be called "checked" (match.h, vg_coverage; rules in docs/scan-json.md
 * "Coverage").
 *
 * A component is checked when it has a feed ecosystem (its package type's,
 * or for deb/apk/rpm its distribution release's), the database holds data
 * for that ecosystem, and its version can be read by the ecosystem's
 * comparator.  The distribution of an OS package is, in this order: the
 * --distro override, the purl's `distro` qualifier ("debian-12",
 * "alpine-3.10.9": an SBOM may aggregate several images), the target's
 * os-release.  A language package that an OS package installed (a CONTAINS
 * edge from a deb/apk/rpm, src/model/inventory.c) carries the
 * distribution's backported fixes: it is checked through that package, and
 * matched against its upstream ecosystem only when asked
 * (vg_match_options.include_distro_managed).
 *
 * Leaves out: the matching itself (match.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "match/match_internal.h"
#include "vigil/purl.h"
#include "vigil/version.h"

const char *vg_coverage_status_name(vg_coverage_status status)
{
    switch (status) {
    case VG_COVERAGE_CHECKED: return "checked";
    case VG_COVERAGE_PARTIAL: return "partial";
    case VG_COVERAGE_UNKNOWN_OS: return "unknown-os";
    case VG_COVERAGE_UNSUPPORTED_OS: return "unsupported-os";
    case VG_COVERAGE_NO_DATA: return "no-data";
    case VG_COVERAGE_NO_ECOSYSTEM: return "no-ecosystem";
    case VG_COVERAGE_NO_VERSION: return "no-version";
    case VG_COVERAGE_BAD_VERSION: return "bad-version";
    case VG_COVERAGE_VIA_OS_PACKAGE: return "via-os-package";
    case VG_COVERAGE_SELF: return "self";
    }
    return "unknown";
}

int vg_coverage_is_checked(vg_coverage_status status)
{
    return status == VG_COVERAGE_CHECKED || status == VG_COVERAGE_VIA_OS_PACKAGE;
}

/* What the database holds for one ecosystem (cached per scan). */
typedef struct eco_data {
    const char **sources;
    size_t nsources;
    const char *newest;
    int64_t entries;
    int64_t data_time; /* the newest of its sources' data times */
    int ended;         /* every source of it has ended */
} eco_data;

static int eco_data_of(match_coverage *mc, const char *ecosystem, const eco_data **out)
{
    size_t len = strlen(ecosystem);
    eco_data *d = vg_map_get(&mc->ecos, ecosystem, len);
    if (d) {
        *out = d;
        return VG_OK;
    }
    d = vg_arena_calloc(mc->arena, 1, sizeof *d);
    char *key = vg_arena_strndup(mc->arena, ecosystem, len);
    if (!d || !key)
        return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    vg_vulndb_ecosystem_source *src = NULL;
    size_t n = 0;
    int st = vg_vulndb_ecosystem_sources(mc->ctx, mc->db, mc->arena, ecosystem, &src, &n);
    if (st != VG_OK)
        return st;
    if (n) {
        d->sources = vg_arena_calloc(mc->arena, n, sizeof *d->sources);
        if (!d->sources)
            return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    }
    d->ended = n > 0;
    for (size_t i = 0; i < n; i++) {
        d->sources[d->nsources++] = src[i].source;
        d->entries += src[i].entries;
        if (src[i].newest && (!d->newest || strcmp(src[i].newest, d->newest) > 0))
            d->newest = src[i].newest;
        if (src[i].data_time > d->data_time)
            d->data_time = src[i].data_time;
        d->ended &= src[i].ended != 0;
    }
    if (vg_map_put(&mc->ecos, key, len, d) != VG_OK)
        return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    *out = d;
    return VG_OK;
}

/* The OS package (deb, apk, rpm) that installed each language package:
 * the first CONTAINS edge from one, in inventory order. */
static int index_owners(match_coverage *mc)
{
    const vg_inventory *inv = mc->inv;
    for (size_t i = 0; i < inv->nedges; i++) {
        const vg_edge *e = &inv->edges[i];
        if (e->kind != VG_EDGE_CONTAINS || !match_is_os_type(e->from->type) || match_is_os_type(e->to->type))
            continue;
        const char *key = (const char *)&e->to;
        if (!vg_map_get(&mc->owners, key, sizeof e->to) &&
            vg_map_put(&mc->owners, key, sizeof e->to, e->from) != VG_OK)
            return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    }
    return VG_OK;
}

int match_coverage_init(match_coverage *mc, vg_ctx *ctx, vg_vulndb *db, vg_arena *arena, const vg_inventory *inv,
                        const vg_match_options *opts)
{
    memset(mc, 0, sizeof *mc);
    mc->ctx = ctx;
    mc->db = db;
    mc->arena = arena;
    mc->inv = inv;
    mc->include_distro_managed = opts && opts->include_distro_managed;
    mc->distro = opts ? opts->distro : NULL;
    vg_map_init(&mc->ecos);
    vg_map_init(&mc->owners);
    return index_owners(mc);
}

void match_coverage_free(match_coverage *mc)
{
    vg_map_free(&mc->ecos);
    vg_map_free(&mc->owners);
}

const vg_os *match_target_os(const match_coverage *mc)
{
    if (mc->distro)
        return mc->distro;
    return mc->inv->has_os ? &mc->inv->os : NULL;
}

/* Distribution ids as package URLs of other tools spell them. */
static const char *canonical_os_id(const char *id)
{
    static const struct {
        const char *alias, *id;
    } names[] = {
        {"redhat", "rhel"}, {"alma", "almalinux"}, {"rockylinux", "rocky"},
        {"opensuse.leap", "opensuse-leap"}, {"opensuse.tumbleweed", "opensuse-tumbleweed"},
        {"sle", "sles"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].alias, id) == 0)
            return names[i].id;
    return id;
}

static int same_family(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    /* "suse"/"opensuse" namespaces name every SUSE release line. */
    int suse_a = strstr(a, "suse") || strncmp(a, "sle", 3) == 0;
    int suse_b = strstr(b, "suse") || strncmp(b, "sle", 3) == 0;
    return suse_a && suse_b;
}

/* The distribution of an OS package by its purl: the `distro` qualifier as
 * Syft and vigil write it ("debian-12", "alpine-3.10.9": ID up to the
 * first '-' followed by a digit, then VERSION_ID) or as Trivy writes it
 * ("3.10.9": the version alone, the ID from the namespace).  Without a
 * qualifier, a namespace naming another distribution than the target's
 * (an SBOM aggregating several images) gives that distribution with an
 * unknown release.  0 when the purl says nothing the target OS does not. */
static int purl_distro(match_coverage *mc, const vg_component *c, vg_os *out)
{
    if (!c->purl)
        return 0;
    vg_purl p;
    if (vg_purl_parse(mc->arena, c->purl, strlen(c->purl), &p, NULL) != 0)
        return 0;
    const vg_inventory *inv = mc->inv;
    const char *ns = p.namespace_ ? canonical_os_id(p.namespace_) : NULL;
    const char *d = vg_purl_qualifier_get(&p, "distro");
    memset(out, 0, sizeof *out);
    if (!d || !*d) {
        if (!ns || !inv->has_os || !inv->os.id || same_family(ns, inv->os.id) || !match_os_family_known(ns))
            return 0;
        out->id = ns;
        return 1;
    }
    if (isdigit((unsigned char)d[0])) {
        out->id = ns ? ns : inv->has_os ? inv->os.id : NULL;
        out->version_id = d;
    } else {
        const char *cut = NULL;
        for (const char *q = d; *q && !cut; q++)
            if (*q == '-' && isdigit((unsigned char)q[1]))
                cut = q;
        char *id = vg_arena_strndup(mc->arena, d, cut ? (size_t)(cut - d) : strlen(d));
        if (!id)
            return 0;
        for (char *q = id; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        out->id = canonical_os_id(id);
        out->version_id = cut ? cut + 1 : NULL;
    }
    if (!out->id)
        return 1;
    /* The target's os-release of the same release knows more (SUSE's
     * ecosystem is named after PRETTY_NAME, Debian's may need the
     * codename). */
    if (inv->has_os && inv->os.id && strcmp(inv->os.id, out->id) == 0 &&
        (!out->version_id || (inv->os.version_id && strcmp(inv->os.version_id, out->version_id) == 0)))
        *out = inv->os;
    return 1;
}

static const char *os_label(vg_arena *arena, const vg_os *os)
{
    if (os->pretty_name && *os->pretty_name)
        return os->pretty_name;
    return vg_arena_printf(arena, "%s%s%s", os->id, os->version_id ? " " : "",
                           os->version_id ? os->version_id : "");
}

/* Where version-like data says which rpm module stream a package is from:
 * "NAME:STREAM" of the modularity label "NAME:STREAM:VERSION:CONTEXT". */
static const char *module_stream(vg_arena *arena, const vg_component *c)
{
    for (const vg_property *p = c->properties; p; p = p->next) {
        if (strcmp(p->name, "vigil:rpm:modularityLabel") != 0 || !p->value)
            continue;
        const char *colon = strchr(p->value, ':');
        if (!colon)
            return NULL;
        size_t len = strcspn(colon + 1, ":");
        if (colon == p->value || len == 0)
            return NULL;
        return vg_arena_strndup(arena, p->value, (size_t)(colon - p->value) + 1 + len);
    }
    return NULL;
}

/* 1 for the unversioned root of a project read from a lock file or
 * manifest: the thing being scanned, which no advisory names.  A Go or
 * Rust binary's main module is a program someone else built: not this. */
static int is_project_root(const vg_component *c)
{
    if (!c->application)
        return 0;
    const char *base = c->location ? strrchr(c->location, '/') : NULL;
    base = base ? base + 1 : c->location;
    if (c->type && strcmp(c->type, "golang") == 0)
        return base && strcmp(base, "go.mod") == 0;
    if (c->type && strcmp(c->type, "cargo") == 0)
        return base && (strcmp(base, "Cargo.lock") == 0 || strcmp(base, "Cargo.toml") == 0);
    return 1;
}

static int set_reason(match_coverage *mc, vg_coverage *cov, vg_coverage_status status, const char *reason)
{
    cov->status = status;
    cov->reason = reason;
    return reason ? VG_OK : vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
}

/* The ecosystems an OS package is matched in, or why there are none. */
static int os_ecosystems(match_coverage *mc, const vg_component *c, vg_coverage *cov, match_target *t)
{
    vg_os from_purl;
    /* --distro speaks for the packages of its own kind only: an apk
     * package is never matched in Debian's feed, with dpkg's ordering. */
    const vg_os *os = NULL;
    const char *kind = mc->distro ? match_os_package_type(mc->distro->id) : NULL;
    if (mc->distro && (!kind || strcmp(kind, c->type) == 0))
        os = mc->distro;
    if (!os && purl_distro(mc, c, &from_purl))
        os = &from_purl;
    if (!os && mc->inv->has_os)
        os = &mc->inv->os;
    if (!os || !os->id || !*os->id)
        return set_reason(mc, cov, VG_COVERAGE_UNKNOWN_OS, "the OS is unknown — use --distro ID:VERSION");
    kind = match_os_package_type(os->id);
    if (kind && strcmp(kind, c->type) != 0)
        return set_reason(mc, cov, VG_COVERAGE_UNKNOWN_OS,
                          vg_arena_printf(mc->arena, "%s packages on %s: their distribution is unknown — use --distro",
                                          c->type, os->id));
    t->necosystems = match_os_ecosystems(mc->arena, os, t->ecosystems, sizeof t->ecosystems / sizeof t->ecosystems[0]);
    if (t->necosystems)
        return VG_OK;
    const char *label = os_label(mc->arena, os);
    if (!label)
        return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    if (match_os_family_known(os->id))
        return set_reason(mc, cov, VG_COVERAGE_UNKNOWN_OS,
                          vg_arena_printf(mc->arena, "the release of %s is unknown — use --distro %s:VERSION",
                                          label, os->id));
    return set_reason(mc, cov, VG_COVERAGE_UNSUPPORTED_OS,
                      vg_arena_printf(mc->arena, "vigil has no vulnerability feed for %s", label));
}

int match_coverage_decide(match_coverage *mc, const vg_component *c, vg_coverage *cov, match_target *t)
{
    memset(cov, 0, sizeof *cov);
    memset(t, 0, sizeof *t);
    cov->component = c;
    cov->via = vg_map_get(&mc->owners, (const char *)&c, sizeof c);
    int st;
    /* Owned by an OS package: decided in match_coverage_finish() from the
     * owner's coverage; matched upstream only when asked. */
    if (cov->via && !mc->include_distro_managed)
        return VG_OK;
    const char *type = c->type ? c->type : "generic";
    if (match_is_os_type(type)) {
        if ((st = os_ecosystems(mc, c, cov, t)) != VG_OK || cov->reason)
            return st;
        const char *src = c->source_name && *c->source_name ? c->source_name : c->name;
        t->names[t->nnames] = src;
        t->source_query[t->nnames++] = 1;
        /* RPM feeds name binary packages (AlmaLinux, Red Hat) or source
         * packages (Rocky, SUSE): ask for both. */
        if (strcmp(type, "rpm") == 0 && c->name && strcmp(src, c->name) != 0)
            t->names[t->nnames++] = c->name;
        t->version = c->version;
        /* Debian's fixed versions are source versions: a binNMU'd binary
         * (1.2-3+b1) is compared as its source (1.2-3). */
        if (strcmp(type, "deb") == 0 && c->source_version && *c->source_version)
            t->version = c->source_version;
        if (strcmp(type, "rpm") == 0) {
            t->module_stream = module_stream(mc->arena, c);
            t->modular = t->module_stream || (c->version && strstr(c->version, ".module"));
        }
    } else {
        const char *eco = vg_match_language_ecosystem(type);
        if (!eco)
            return set_reason(mc, cov, VG_COVERAGE_NO_ECOSYSTEM,
                              vg_arena_printf(mc->arena, "no vulnerability feed covers '%s' packages", type));
        t->ecosystems[t->necosystems++] = eco;
        t->names[t->nnames++] = match_language_name(mc->arena, c);
        t->version = c->version;
        /* The Go toolchain: OSV names it "stdlib" with versions without "go". */
        if (strcmp(type, "golang") == 0 && c->name &&
            (strcmp(c->name, "stdlib") == 0 || strcmp(c->name, "toolchain") == 0) && c->version &&
            strncmp(c->version, "go", 2) == 0)
            t->version = c->version + 2;
        if (!t->names[0])
            return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    }
    cov->ecosystem = t->ecosystems[0];
    if (!c->name || !*c->name)
        return set_reason(mc, cov, VG_COVERAGE_NO_ECOSYSTEM, "the component has no name");
    if (!t->version || !*t->version) {
        if (is_project_root(c))
            return set_reason(mc, cov, VG_COVERAGE_SELF, "the project being scanned (no released version)");
        return set_reason(mc, cov, VG_COVERAGE_NO_VERSION, "no version");
    }

    /* The data: every source of every ecosystem it is matched in. */
    size_t nsources = 0;
    for (size_t i = 0; i < t->necosystems; i++) {
        const eco_data *d;
        if ((st = eco_data_of(mc, t->ecosystems[i], &d)) != VG_OK)
            return st;
        nsources += d->nsources;
    }
    if (!nsources)
        return set_reason(mc, cov, VG_COVERAGE_NO_DATA,
                          vg_arena_printf(mc->arena, "the database has no data for %s", cov->ecosystem));
    cov->sources = vg_arena_calloc(mc->arena, nsources, sizeof *cov->sources);
    if (!cov->sources)
        return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->necosystems; i++) {
        const eco_data *d;
        if ((st = eco_data_of(mc, t->ecosystems[i], &d)) != VG_OK)
            return st;
        for (size_t k = 0; k < d->nsources; k++) {
            size_t j = cov->nsources;
            while (j > 0 && strcmp(cov->sources[j - 1], d->sources[k]) > 0) {
                cov->sources[j] = cov->sources[j - 1];
                j--;
            }
            cov->sources[j] = d->sources[k];
            cov->nsources++;
        }
        if (d->newest && (!cov->newest || strcmp(d->newest, cov->newest) > 0))
            cov->newest = d->newest;
        if (d->data_time > cov->data_time)
            cov->data_time = d->data_time;
        cov->data_ended = i == 0 ? d->ended : cov->data_ended && d->ended;
    }

    vg_version_scheme scheme = vg_version_scheme_for(t->ecosystems[0]);
    int vst = vg_version_valid_scheme(scheme, t->version);
    if (vst != VG_OK)
        return set_reason(mc, cov, VG_COVERAGE_BAD_VERSION,
                          vg_arena_printf(mc->arena, "the version is not a valid %s version",
                                          vg_version_scheme_name(scheme)));
    t->matchable = 1;
    cov->status = VG_COVERAGE_CHECKED;
    return VG_OK;
}

int match_coverage_finish(match_coverage *mc, vg_findings *findings)
{
    findings->components_checked = findings->components_unchecked = 0;
    for (size_t i = 0; i < findings->ncoverage; i++) {
        vg_coverage *cov = &findings->coverage[i];
        if (cov->status == VG_COVERAGE_CHECKED && cov->unevaluable) {
            cov->status = VG_COVERAGE_PARTIAL;
            cov->reason = "advisory entries about it could not be evaluated (see the warnings)";
        }
    }
    /* Owned packages take their owner's word (owners are OS packages, never
     * owned themselves, so one step is enough). */
    vg_map by_component;
    vg_map_init(&by_component);
    for (size_t i = 0; i < findings->ncoverage; i++) {
        const vg_coverage *cov = &findings->coverage[i];
        if (match_is_os_type(cov->component->type) &&
            vg_map_put(&by_component, (const char *)&cov->component, sizeof cov->component, (void *)cov) != VG_OK) {
            vg_map_free(&by_component);
            return vg_error(mc->ctx, VG_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < findings->ncoverage; i++) {
        vg_coverage *cov = &findings->coverage[i];
        if (!cov->via)
            continue;
        const vg_coverage *owner = vg_map_get(&by_component, (const char *)&cov->via, sizeof cov->via);
        /* The upstream match (include_distro_managed) does not change what
         * the component counts as: its fixes come from the distribution. */
        if (owner && vg_coverage_is_checked(owner->status)) {
            cov->status = VG_COVERAGE_VIA_OS_PACKAGE;
            cov->ecosystem = owner->ecosystem;
            cov->sources = owner->sources;
            cov->nsources = owner->nsources;
            cov->newest = owner->newest;
            cov->data_time = owner->data_time;
            cov->data_ended = owner->data_ended;
            cov->reason = NULL;
        } else {
            /* Not checked for the reason its owner was not (the report
             * names the owner, cov->via). */
            cov->status = owner ? owner->status : VG_COVERAGE_UNKNOWN_OS;
            cov->ecosystem = owner ? owner->ecosystem : NULL;
            cov->sources = NULL;
            cov->nsources = 0;
            cov->reason = owner && owner->reason ? owner->reason : "the OS package that installed it is unknown";
        }
    }
    vg_map_free(&by_component);
    for (size_t i = 0; i < findings->ncoverage; i++) {
        vg_coverage_status s = findings->coverage[i].status;
        if (vg_coverage_is_checked(s))
            findings->components_checked++;
        else if (s != VG_COVERAGE_SELF)
            findings->components_unchecked++;
    }
    return VG_OK;
}
