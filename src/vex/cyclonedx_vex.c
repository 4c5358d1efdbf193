/*
 * cyclonedx_vex.c — the "vulnerabilities" of a CycloneDX 1.4-1.6 JSON
 * document (a VEX or a VDR; cyclonedx.org/docs/1.6/json/#vulnerabilities)
 * read as VEX statements (vex.h).
 *
 * Per vulnerability: id; references[].id as aliases; analysis.state
 * (resolved, resolved_with_pedigree -> fixed; exploitable -> affected;
 * in_triage -> under_investigation; false_positive, not_affected ->
 * not_affected), analysis.justification, analysis.detail,
 * analysis.response[] (joined as the action); the time is
 * analysis.lastUpdated, else analysis.firstIssued, else the
 * vulnerability's updated/published, else metadata.timestamp.  Each
 * affects[].ref gives one statement whose product is the purl of the
 * component with that bom-ref anywhere in the document (metadata.component,
 * components at any depth), or the ref itself when it is a purl.
 *
 * Skipped with a warning: refs that resolve to nothing or to a component
 * without purl, BOM-Links into other documents (urn:cdx:...).  Skipped
 * silently: vulnerabilities without analysis.state (a VDR finding asserts
 * nothing about exploitability).
 * Leaves out: affects[].versions ranges, ratings, "tools".
 */
#include <string.h>

#include <jansson.h>

#include "vex/vex_internal.h"
#include "vigil/buf.h"
#include "vigil/map.h"

#define CDX_MAX_DEPTH 64

static const char *str_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Records bom-ref -> purl for comp and its nested components. */
static int collect_refs(vg_map *refs, json_t *comp, int depth)
{
    if (!json_is_object(comp) || depth > CDX_MAX_DEPTH)
        return VG_OK;
    const char *ref = str_member(comp, "bom-ref"), *purl = str_member(comp, "purl");
    if (ref && vg_map_put(refs, ref, strlen(ref), (void *)(purl ? purl : "")) != VG_OK)
        return VG_ERR_NOMEM;
    json_t *children = json_object_get(comp, "components"), *c;
    size_t i;
    json_array_foreach(children, i, c) {
        if (collect_refs(refs, c, depth + 1))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int state_of(const char *state, vg_vex_status *out)
{
    static const struct {
        const char *name;
        vg_vex_status status;
    } states[] = {
        {"resolved", VG_VEX_FIXED},        {"resolved_with_pedigree", VG_VEX_FIXED},
        {"exploitable", VG_VEX_AFFECTED},  {"in_triage", VG_VEX_UNDER_INVESTIGATION},
        {"false_positive", VG_VEX_NOT_AFFECTED}, {"not_affected", VG_VEX_NOT_AFFECTED},
    };
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(state, states[i].name) == 0) {
            *out = states[i].status;
            return 0;
        }
    return -1;
}

static int valid_justification(const char *j)
{
    static const char *const names[] = {
        "code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency",
        "requires_environment", "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter",
        "protected_by_mitigating_control",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(j, names[i]) == 0)
            return 1;
    return 0;
}

int vg_vex_read_cyclonedx(vg_ctx *ctx, vg_vex *vex, const char *path, const char *data, size_t len)
{
    const char *name = path ? path : "(VEX)";
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", name, err.line,
                        err.column, err.text);
    size_t before = vex->n;
    int rc = VG_OK;
    vg_map refs;
    vg_map_init(&refs);
    char *source = vg_arena_strdup(&vex->arena, name);
    json_t *vulns = json_object_get(doc, "vulnerabilities");
    const char *bom_format = str_member(doc, "bomFormat");
    if (!source) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    } else if (!json_is_object(doc) || !bom_format || strcmp(bom_format, "CycloneDX") != 0) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")", name);
    } else if (vulns && !json_is_array(vulns)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: CycloneDX \"vulnerabilities\" is not an array", name);
    } else {
        json_t *meta = json_object_get(doc, "metadata");
        if (collect_refs(&refs, json_object_get(meta, "component"), 0))
            rc = VG_ERR_NOMEM;
        json_t *comps = json_object_get(doc, "components"), *c;
        size_t i;
        json_array_foreach(comps, i, c) {
            if (!rc && collect_refs(&refs, c, 1))
                rc = VG_ERR_NOMEM;
        }
        if (rc)
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
        int64_t doc_time = 0;
        const char *ts = str_member(meta, "timestamp");
        if (ts && vex_parse_time(ts, &doc_time) != 0)
            doc_time = 0;
        json_t *v;
        json_array_foreach(vulns, i, v) {
            if (rc)
                break;
            json_t *analysis = json_object_get(v, "analysis");
            const char *id = str_member(v, "id"), *state = str_member(analysis, "state");
            if (!state)
                continue;
            vg_vex_statement proto = {0};
            if (!id || !*id) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: vulnerabilities[%zu] has no id", name, i);
                break;
            }
            if (state_of(state, &proto.status) != 0) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: vulnerability %s: unknown analysis state '%.64s'", name, id,
                              state);
                break;
            }
            const char *just = str_member(analysis, "justification");
            if (just && !valid_justification(just)) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: vulnerability %s: unknown justification '%.64s'", name, id,
                              just);
                break;
            }
            vg_arena *a = &vex->arena;
            proto.vulnerability = vg_arena_strdup(a, id);
            proto.cdx_state = vg_arena_strdup(a, state);
            proto.justification = just ? vg_arena_strdup(a, just) : NULL;
            proto.cdx_justification = proto.justification;
            const char *detail = str_member(analysis, "detail");
            proto.detail = detail ? vg_arena_strdup(a, detail) : NULL;
            proto.source = source;
            json_t *responses = json_object_get(analysis, "response"), *resp;
            size_t k;
            vg_buf b;
            vg_buf_init(&b, 4096);
            int bad = 0;
            json_array_foreach(responses, k, resp) {
                if (json_is_string(resp))
                    bad |= vg_buf_addf(&b, "%s%s", b.len ? ", " : "", json_string_value(resp));
            }
            proto.action = !bad && b.len ? vg_arena_strndup(a, b.data, b.len) : NULL;
            vg_buf_free(&b);
            json_t *references = json_object_get(v, "references"), *ref;
            size_t nrefs = json_array_size(references);
            proto.aliases = nrefs ? vg_arena_calloc(a, nrefs, sizeof *proto.aliases) : NULL;
            json_array_foreach(references, k, ref) {
                const char *rid = str_member(ref, "id");
                if (rid && proto.aliases)
                    proto.aliases[proto.naliases++] = vg_arena_strdup(a, rid);
            }
            if (!proto.vulnerability || !proto.cdx_state || (nrefs && !proto.aliases)) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
            proto.timestamp = doc_time;
            const char *times[] = {str_member(v, "published"), str_member(v, "updated"),
                                   str_member(analysis, "firstIssued"), str_member(analysis, "lastUpdated")};
            for (size_t t = 0; t < 4; t++) {
                int64_t when;
                if (times[t] && vex_parse_time(times[t], &when) == 0)
                    proto.timestamp = when;
            }
            json_t *affects = json_object_get(v, "affects"), *aff;
            json_array_foreach(affects, k, aff) {
                const char *r = str_member(aff, "ref");
                const char *purl = r ? vg_map_get(&refs, r, strlen(r)) : NULL;
                if (!purl && r && strncmp(r, "pkg:", 4) == 0)
                    purl = r;
                if (!purl || !*purl) {
                    vg_warn(ctx, name, "vulnerability %s: affects ref '%.120s' %s; skipped", id, r ? r : "(none)",
                            !r ? "is missing" : purl ? "names a component without purl"
                            : strncmp(r, "urn:cdx:", 8) == 0 ? "is a BOM-Link into another document"
                                                             : "names no component of this document");
                    continue;
                }
                int limit;
                vg_vex_statement *s = vex_add(vex, &limit);
                if (!s) {
                    rc = limit ? vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d VEX statements", name,
                                          VG_VEX_MAX_STATEMENTS)
                               : vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
                    break;
                }
                size_t order = s->order;
                *s = proto;
                s->order = order;
                s->product = vg_arena_strdup(a, purl);
                if (!s->product) {
                    rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
                    break;
                }
            }
        }
    }
    vg_map_free(&refs);
    json_decref(doc);
    if (rc)
        vex->n = before;
    return rc;
}
