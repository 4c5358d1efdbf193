/*
 * sbomread.c — an existing SBOM read back into an inventory (sbomread.h):
 * CycloneDX 1.4-1.7 JSON (cyclonedx.org/docs/1.6/json: metadata.component,
 * components[] with nested components, purl, cpe, licenses, supplier,
 * properties) and SPDX 2.2/2.3 JSON (spdx.github.io/spdx-spec/v2.3:
 * packages[] with externalRefs purl / cpe23Type, versionInfo,
 * licenseDeclared, supplier, primaryPackagePurpose), as vigil, Syft, Trivy
 * and cdxgen write them.
 *
 * Each component's type, name, version and arch come from its purl
 * (vg_purl_parse()); deb/rpm "epoch" qualifiers are put back in front of
 * the version; the source package comes from vigil's properties
 * (vigil:package:source-name/-version), Trivy's
 * (aquasecurity:trivy:SrcName/SrcVersion) or the "upstream" qualifier
 * (Syft: "src", "src@version", rpm "src-ver-rel.src.rpm").  The OS comes
 * from the CycloneDX operating-system component or the SPDX
 * OPERATING_SYSTEM package, else from the first "distro" qualifier.
 * Trivy's SPDX gives the source package in "sourceInfo": "built package
 * from: NAME VERSION".
 *
 * Leaves out: XML and tag-value, SPDX 3, dependency graphs, file
 * components without purl (CycloneDX type "file", SPDX files[]), container
 * components and CONTAINER packages (the image itself), hashes, evidence.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "source/input_file.h"
#include "vigil/buf.h"
#include "vigil/digest.h"
#include "vigil/purl.h"
#include "vigil/sbomread.h"

typedef struct reader {
    vg_ctx *ctx;
    vg_inventory *inv;
    const char *path;
    size_t ncomponents;
    const char *distro;      /* first distro qualifier seen */
    const char *distro_type; /* purl namespace of that purl (debian, alpine...) */
} reader;

static const char *str_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *dup(reader *r, const char *s)
{
    return s ? vg_arena_strdup(&r->inv->arena, s) : NULL;
}

static int oom(reader *r)
{
    return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory reading the SBOM", r->path);
}

/* Source package of an "upstream" qualifier: "src", "src@ver", or for rpm
 * the source rpm file name "src-ver-rel.src.rpm". */
static int set_upstream(reader *r, vg_component *c, const char *type, const char *upstream)
{
    vg_arena *a = &r->inv->arena;
    size_t n = strlen(upstream);
    if (strcmp(type, "rpm") == 0 && n > 8 && strcmp(upstream + n - 8, ".src.rpm") == 0) {
        char *s = vg_arena_strndup(a, upstream, n - 8);
        if (!s)
            return VG_ERR_NOMEM;
        char *rel = strrchr(s, '-');
        if (rel && rel != s) {
            *rel = '\0';
            char *ver = strrchr(s, '-');
            if (ver && ver != s) {
                *ver = '\0';
                c->source_name = s;
                c->source_version = vg_arena_printf(a, "%s-%s", ver + 1, rel + 1);
                return c->source_version ? VG_OK : VG_ERR_NOMEM;
            }
        }
        return VG_OK;
    }
    const char *at = strchr(upstream, '@');
    c->source_name = at ? vg_arena_strndup(a, upstream, (size_t)(at - upstream)) : dup(r, upstream);
    if (!c->source_name)
        return VG_ERR_NOMEM;
    if (at && at[1] && !(c->source_version = dup(r, at + 1)))
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* Fills c from purl string s; a purl that does not parse is warned about
 * and the component kept by name (type "generic"). */
static int apply_purl(reader *r, vg_component *c, const char *s, const char *version)
{
    vg_purl p;
    const char *why = NULL;
    int rc = vg_purl_parse(&r->inv->arena, s, strlen(s), &p, &why);
    if (rc == -2)
        return VG_ERR_NOMEM;
    if (rc) {
        vg_warn(r->ctx, r->path, "component %s: purl '%.200s' is not valid (%s); kept by name only",
                c->name ? c->name : "?", s, why ? why : "invalid");
        c->type = "generic";
        c->version = dup(r, version);
        return VG_OK;
    }
    c->type = p.type;
    c->name = p.name;
    const char *v = p.version ? p.version : version;
    const char *epoch = vg_purl_qualifier_get(&p, "epoch");
    if (v && epoch && strcmp(epoch, "0") != 0 && !strchr(v, ':') &&
        (strcmp(p.type, "rpm") == 0 || strcmp(p.type, "deb") == 0))
        v = vg_arena_printf(&r->inv->arena, "%s:%s", epoch, v);
    c->version = dup(r, v);
    if (v && !c->version)
        return VG_ERR_NOMEM;
    c->arch = vg_purl_qualifier_get(&p, "arch");
    /* the normalised purl, as vigil would write it (the subpath dropped) */
    c->purl = vg_purl_format(&r->inv->arena, p.type, p.namespace_, p.name, p.version, p.qualifiers, p.nqualifiers);
    if (!c->purl)
        return VG_ERR_NOMEM;
    const char *upstream = vg_purl_qualifier_get(&p, "upstream");
    if (upstream && !c->source_name && (rc = set_upstream(r, c, p.type, upstream)))
        return rc;
    const char *distro = vg_purl_qualifier_get(&p, "distro");
    if (distro && !r->distro &&
        (strcmp(p.type, "deb") == 0 || strcmp(p.type, "apk") == 0 || strcmp(p.type, "rpm") == 0)) {
        r->distro = distro;
        r->distro_type = p.namespace_;
    }
    return VG_OK;
}

static vg_component *new_component(reader *r)
{
    if (r->ncomponents >= VG_SBOM_MAX_COMPONENTS) {
        vg_error(r->ctx, VG_ERR_LIMIT, "%s: more than %d components", r->path, VG_SBOM_MAX_COMPONENTS);
        return NULL;
    }
    vg_component *c = vg_inventory_add(r->inv);
    if (!c) {
        oom(r);
        return NULL;
    }
    r->ncomponents++;
    c->cataloger = "sbom";
    c->location = r->path;
    return c;
}

/* Finishes a component: name/version fallbacks.  Components with neither
 * purl nor name are dropped by giving them a placeholder name (they cannot
 * be removed from the inventory once added): they are never added. */
static int finish_component(reader *r, vg_component *c, const char *name, const char *version, const char *purl)
{
    if (!c->name && !(c->name = dup(r, name)))
        return VG_ERR_NOMEM;
    int rc;
    if (purl) {
        if ((rc = apply_purl(r, c, purl, version)))
            return rc;
    } else {
        c->type = "generic";
        if (version && !(c->version = dup(r, version)))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

/* ---- CycloneDX ------------------------------------------------------------ */

static void cdx_os(reader *r, json_t *comp)
{
    vg_os *os = &r->inv->os;
    const char *name = str_member(comp, "name"), *version = str_member(comp, "version");
    if (!name || r->inv->has_os)
        return;
    char *id = dup(r, name);
    if (!id)
        return;
    for (char *p = id; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    os->id = id;
    os->version_id = dup(r, version);
    os->pretty_name = dup(r, str_member(comp, "description"));
    json_t *props = json_object_get(comp, "properties");
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p) {
        const char *pn = str_member(p, "name"), *pv = str_member(p, "value");
        if (!pn || !pv)
            continue;
        if (strcmp(pn, "vigil:os:id-like") == 0)
            os->id_like = dup(r, pv);
        else if (strcmp(pn, "vigil:os:name") == 0)
            os->name = dup(r, pv);
        else if (strcmp(pn, "vigil:os:version-codename") == 0)
            os->version_codename = dup(r, pv);
        else if (strcmp(pn, "syft:distro:versionID") == 0 && !os->version_id)
            os->version_id = dup(r, pv);
    }
    r->inv->has_os = 1;
}

static const char *cdx_license(json_t *comp)
{
    json_t *licenses = json_object_get(comp, "licenses"), *l;
    size_t i;
    json_array_foreach(licenses, i, l) {
        const char *expr = str_member(l, "expression");
        if (expr)
            return expr;
        json_t *lic = json_object_get(l, "license");
        const char *s = str_member(lic, "id");
        if (!s)
            s = str_member(lic, "name");
        if (s)
            return s;
    }
    return NULL;
}

static int cdx_component(reader *r, json_t *comp, int depth)
{
    if (!json_is_object(comp))
        return vg_warn(r->ctx, r->path, "a component is not a JSON object; skipped"), VG_OK;
    if (depth > VG_SBOM_MAX_DEPTH)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: components nested deeper than %d", r->path, VG_SBOM_MAX_DEPTH);
    const char *type = str_member(comp, "type"), *purl = str_member(comp, "purl");
    const char *name = str_member(comp, "name"), *version = str_member(comp, "version");
    int rc;
    if (type && strcmp(type, "operating-system") == 0) {
        cdx_os(r, comp);
    } else if (type && (strcmp(type, "container") == 0 || (strcmp(type, "file") == 0 && !purl))) {
        /* the image itself and plain files are not packages */
    } else if (purl || name) {
        vg_component *c = new_component(r);
        if (!c)
            return r->ctx->message[0] && r->ncomponents >= VG_SBOM_MAX_COMPONENTS ? VG_ERR_LIMIT : VG_ERR_NOMEM;
        json_t *props = json_object_get(comp, "properties"), *p;
        size_t i;
        json_array_foreach(props, i, p) {
            const char *pn = str_member(p, "name"), *pv = str_member(p, "value");
            if (!pn || !pv)
                continue;
            if (strcmp(pn, "vigil:package:source-name") == 0 || strcmp(pn, "aquasecurity:trivy:SrcName") == 0)
                c->source_name = dup(r, pv);
            else if (strcmp(pn, "vigil:package:source-version") == 0 ||
                     strcmp(pn, "aquasecurity:trivy:SrcVersion") == 0)
                c->source_version = dup(r, pv);
            else if (strcmp(pn, "vigil:location") == 0)
                c->location = dup(r, pv);
        }
        if ((rc = finish_component(r, c, name, version, purl)))
            return rc == VG_ERR_NOMEM ? oom(r) : rc;
        c->cpe = dup(r, str_member(comp, "cpe"));
        c->license = dup(r, cdx_license(comp));
        c->description = dup(r, str_member(comp, "description"));
        json_t *supplier = json_object_get(comp, "supplier");
        c->supplier = dup(r, str_member(supplier, "name") ? str_member(supplier, "name") : str_member(comp, "publisher"));
    }
    json_t *children = json_object_get(comp, "components"), *child;
    size_t i;
    json_array_foreach(children, i, child) {
        if ((rc = cdx_component(r, child, depth + 1)))
            return rc;
    }
    return VG_OK;
}

static int read_cyclonedx(reader *r, json_t *doc)
{
    const char *spec = str_member(doc, "specVersion");
    static const char *const supported[] = {"1.4", "1.5", "1.6", "1.7"};
    int ok = 0;
    for (size_t i = 0; spec && i < sizeof supported / sizeof supported[0]; i++)
        ok |= strcmp(spec, supported[i]) == 0;
    if (!ok)
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: CycloneDX specVersion %s is not supported (1.4 to 1.7)",
                        r->path, spec ? spec : "(missing)");
    json_t *components = json_object_get(doc, "components");
    if (components && !json_is_array(components))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: CycloneDX \"components\" is not an array", r->path);
    json_t *meta = json_object_get(json_object_get(doc, "metadata"), "component");
    const char *mname = str_member(meta, "name"), *mversion = str_member(meta, "version");
    if (mname) {
        r->inv->target.name =
            mversion ? vg_arena_printf(&r->inv->arena, "%s:%s", mname, mversion) : dup(r, mname);
    }
    /* vigil writes the OS as a component; other tools may nest it in metadata */
    if (json_is_object(meta) && str_member(meta, "type") && strcmp(str_member(meta, "type"), "operating-system") == 0)
        cdx_os(r, meta);
    size_t i;
    json_t *comp;
    json_array_foreach(components, i, comp) {
        int rc = cdx_component(r, comp, 1);
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* ---- SPDX ---------------------------------------------------------------- */

/* "Organization: X" / "Person: X" / "Tool: X" -> X; NOASSERTION -> NULL. */
static const char *spdx_actor(const char *s)
{
    if (!s || strcmp(s, "NOASSERTION") == 0)
        return NULL;
    const char *colon = strchr(s, ':');
    if (colon && (strncmp(s, "Organization:", 13) == 0 || strncmp(s, "Person:", 7) == 0 || strncmp(s, "Tool:", 5) == 0)) {
        s = colon + 1;
        while (*s == ' ')
            s++;
    }
    return s;
}

static const char *spdx_value(const char *s)
{
    return s && strcmp(s, "NOASSERTION") != 0 && strcmp(s, "NONE") != 0 ? s : NULL;
}

static int read_spdx(reader *r, json_t *doc)
{
    const char *version = str_member(doc, "spdxVersion");
    if (!version || (strcmp(version, "SPDX-2.2") != 0 && strcmp(version, "SPDX-2.3") != 0))
        return vg_error(r->ctx, VG_ERR_UNSUPPORTED, "%s: %s is not supported (SPDX-2.2 or SPDX-2.3)", r->path,
                        version ? version : "spdxVersion (missing)");
    json_t *packages = json_object_get(doc, "packages");
    if (packages && !json_is_array(packages))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: SPDX \"packages\" is not an array", r->path);
    const char *docname = str_member(doc, "name");
    if (docname)
        r->inv->target.name = dup(r, docname);
    size_t i;
    json_t *pkg;
    json_array_foreach(packages, i, pkg) {
        if (!json_is_object(pkg)) {
            vg_warn(r->ctx, r->path, "packages[%zu] is not a JSON object; skipped", i);
            continue;
        }
        const char *name = str_member(pkg, "name"), *ver = spdx_value(str_member(pkg, "versionInfo"));
        const char *purpose = str_member(pkg, "primaryPackagePurpose");
        const char *purl = NULL, *cpe = NULL;
        json_t *refs = json_object_get(pkg, "externalRefs"), *ref;
        size_t k;
        json_array_foreach(refs, k, ref) {
            const char *rtype = str_member(ref, "referenceType"), *loc = str_member(ref, "referenceLocator");
            if (!rtype || !loc)
                continue;
            if (strcmp(rtype, "purl") == 0 && !purl)
                purl = loc;
            else if ((strcmp(rtype, "cpe23Type") == 0 || strcmp(rtype, "cpe22Type") == 0) && !cpe)
                cpe = loc;
        }
        if (purpose && strcmp(purpose, "OPERATING_SYSTEM") == 0) {
            if (!r->inv->has_os && name) {
                json_t *os = json_pack("{s:s, s:s?, s:s?}", "name", name, "version", ver, "description",
                                       str_member(pkg, "description"));
                if (!os)
                    return oom(r);
                cdx_os(r, os);
                json_decref(os);
            }
            continue;
        }
        if ((purpose && (strcmp(purpose, "CONTAINER") == 0 || (strcmp(purpose, "FILE") == 0 && !purl))) ||
            (!purl && !name))
            continue;
        vg_component *c = new_component(r);
        if (!c)
            return r->ncomponents >= VG_SBOM_MAX_COMPONENTS ? VG_ERR_LIMIT : VG_ERR_NOMEM;
        int rc = finish_component(r, c, name, ver, purl);
        if (rc)
            return rc == VG_ERR_NOMEM ? oom(r) : rc;
        /* Trivy: "sourceInfo": "built package from: SRCNAME SRCVERSION" */
        const char *info = str_member(pkg, "sourceInfo");
        if (info && !c->source_name && strncmp(info, "built package from: ", 20) == 0) {
            const char *src = info + 20, *sp = strchr(src, ' ');
            c->source_name = sp ? vg_arena_strndup(&r->inv->arena, src, (size_t)(sp - src)) : dup(r, src);
            c->source_version = sp && sp[1] ? dup(r, sp + 1) : NULL;
        }
        c->cpe = dup(r, cpe);
        c->license = dup(r, spdx_value(str_member(pkg, "licenseDeclared")));
        c->supplier = dup(r, spdx_actor(str_member(pkg, "supplier")));
        c->description = dup(r, str_member(pkg, "summary") ? str_member(pkg, "summary") : str_member(pkg, "description"));
        c->homepage = dup(r, spdx_value(str_member(pkg, "homepage")));
    }
    return VG_OK;
}

/* ---- entry points ------------------------------------------------------------ */

/* OS from a distro qualifier: "debian-12" -> debian / 12; "opensuse-leap-15.5"
 * -> opensuse-leap / 15.5; a value without "-<digit>" is a codename of
 * the purl's namespace ("jessie"). */
static int os_from_distro(reader *r)
{
    if (r->inv->has_os || !r->distro)
        return VG_OK;
    vg_arena *a = &r->inv->arena;
    const char *d = r->distro, *split = NULL;
    for (const char *p = d; *p; p++)
        if (*p == '-' && p[1] >= '0' && p[1] <= '9')
            split = p;
    if (split && split != d) {
        r->inv->os.id = vg_arena_strndup(a, d, (size_t)(split - d));
        r->inv->os.version_id = vg_arena_strdup(a, split + 1);
    } else if (r->distro_type) {
        r->inv->os.id = vg_arena_strdup(a, r->distro_type);
        r->inv->os.version_codename = vg_arena_strdup(a, d);
    } else {
        return VG_OK;
    }
    if (!r->inv->os.id)
        return VG_ERR_NOMEM;
    r->inv->has_os = 1;
    return VG_OK;
}

int vg_sbom_sniff(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
            continue;
        return data[i] == '{';
    }
    return 0;
}

int vg_sbom_read(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_inventory *inv)
{
    reader r = {.ctx = ctx, .inv = inv, .path = path ? path : "(SBOM)"};
    size_t warnings_before = vg_warning_count(ctx);
    /* components point at it as their location: it must live in the arena */
    r.path = vg_arena_strdup(&inv->arena, r.path);
    if (!r.path)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory reading an SBOM");
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", r.path,
                        err.line, err.column, err.text);
    int rc;
    if (!json_is_object(doc)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not an SBOM (the JSON document is not an object)", r.path);
    } else {
        const char *bom_format = str_member(doc, "bomFormat");
        if (bom_format && strcmp(bom_format, "CycloneDX") == 0)
            rc = read_cyclonedx(&r, doc);
        else if (str_member(doc, "spdxVersion"))
            rc = read_spdx(&r, doc);
        else
            rc = vg_error(ctx, VG_ERR_FORMAT,
                          "%s: not an SBOM (neither CycloneDX JSON with \"bomFormat\" nor SPDX JSON with "
                          "\"spdxVersion\")", r.path);
    }
    json_decref(doc);
    if (rc)
        return rc;
    if ((rc = os_from_distro(&r)))
        return oom(&r);
    inv->target.kind = VG_TARGET_SBOM;
    inv->target.path = r.path;
    if (!inv->target.name)
        inv->target.name = inv->target.path;
    vg_file_digest digest;
    if (vg_digest_memory(ctx, data, len, VG_DIGEST_SHA256, &digest) != VG_OK)
        return oom(&r);
    inv->target.digest = vg_arena_printf(&inv->arena, "sha256:%s", digest.sha256);
    if (!inv->target.path || !inv->target.digest)
        return oom(&r);
    if (vg_warning_count(ctx) > warnings_before)
        inv->incomplete = 1;
    return vg_inventory_finalize(ctx, inv);
}

int vg_sbom_read_file(vg_ctx *ctx, const char *path, vg_inventory *inv)
{
    vg_buf buf;
    int rc = vg_input_read_file(ctx, path, "SBOM", VG_SBOM_MAX_DOCUMENT, &buf);
    if (rc)
        return rc;
    rc = vg_sbom_read(ctx, path, buf.data ? buf.data : "", buf.len, inv);
    vg_buf_free(&buf);
    return rc;
}
