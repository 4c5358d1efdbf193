/*
 * openvex.c — OpenVEX documents (openvex/spec OPENVEX-SPEC.md, v0.2.0; JSON
 * schema openvex_json_schema.json) read into VEX statements (vex.h).
 *
 * Read: the document's timestamp and last_updated; per statement
 * vulnerability {name, @id, aliases}, products[] {@id, identifiers.purl,
 * subcomponents[] {@id, identifiers.purl}}, status, justification,
 * impact_statement, status_notes, action_statement, timestamp,
 * last_updated.  A statement's time is its last_updated, else its
 * timestamp, else the document's (last_updated, else timestamp).
 * One vg_vex_statement per (product, subcomponent) pair, or per product
 * when it names no subcomponents.
 *
 * Refused (VG_ERR_FORMAT naming the file and statement): not JSON, a
 * missing or non-array "statements", a statement without vulnerability
 * name or with an unknown status or justification, not_affected without
 * justification or impact_statement, a malformed timestamp.  Warned about
 * and skipped: statements without products (vigil cannot tell what they
 * cover), products identified only by hashes or CPEs.
 *
 * Leaves out: product hashes, CPE identifiers, "supplier", statement
 * "@id"/"version" bookkeeping.
 */
#include <string.h>

#include <jansson.h>

#include "vex/vex_internal.h"

static const char *str_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The CycloneDX justification an OpenVEX justification maps to; NULL when
 * the label is not an OpenVEX one. */
static const char *cdx_justification_of(const char *label)
{
    static const struct {
        const char *openvex, *cdx;
    } map[] = {
        {"component_not_present", "code_not_present"},
        {"vulnerable_code_not_present", "code_not_present"},
        {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
        {"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
        {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(label, map[i].openvex) == 0)
            return map[i].cdx;
    return NULL;
}

/* The identifier of a product or subcomponent: a purl from identifiers,
 * else @id; NULL when it has neither. */
static const char *component_id(json_t *c)
{
    const char *purl = str_member(json_object_get(c, "identifiers"), "purl");
    const char *id = str_member(c, "@id");
    if (purl)
        return purl;
    return id;
}

typedef struct doc_reader {
    vg_ctx *ctx;
    vg_vex *vex;
    const char *path;
    const char *source; /* path in the arena */
} doc_reader;

static int time_of(doc_reader *r, const char *s, size_t index, const char *what, int64_t *out)
{
    if (!s)
        return VG_OK;
    if (vex_parse_time(s, out) != 0)
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: statement %zu: %s '%.64s' is not an RFC 3339 date-time", r->path,
                        index, what, s);
    return VG_OK;
}

static char *dup(doc_reader *r, const char *s)
{
    return s ? vg_arena_strdup(&r->vex->arena, s) : NULL;
}

static int add_statement(doc_reader *r, const vg_vex_statement *proto, const char *product, const char *sub)
{
    int limit;
    vg_vex_statement *s = vex_add(r->vex, &limit);
    if (!s)
        return limit ? vg_error(r->ctx, VG_ERR_LIMIT, "%s: more than %d VEX statements", r->path,
                                VG_VEX_MAX_STATEMENTS)
                     : vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->path);
    size_t order = s->order;
    *s = *proto;
    s->order = order;
    s->product = dup(r, product);
    s->subcomponent = sub ? dup(r, sub) : NULL;
    if (!s->product || (sub && !s->subcomponent))
        return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->path);
    return VG_OK;
}

static int read_statement(doc_reader *r, json_t *st, size_t index, int64_t doc_time)
{
    if (!json_is_object(st))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: statement %zu is not an object", r->path, index);
    vg_vex_statement proto = {0};
    json_t *vuln = json_object_get(st, "vulnerability");
    const char *name = str_member(vuln, "name");
    if (!name || !*name)
        name = str_member(vuln, "@id"); /* OpenVEX 0.0.x wrote a plain string */
    if (!name && json_is_string(vuln))
        name = json_string_value(vuln);
    if (!name || !*name)
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: statement %zu has no vulnerability name", r->path, index);
    proto.vulnerability = dup(r, name);

    json_t *aliases = json_object_get(vuln, "aliases"), *a;
    size_t n = json_array_size(aliases), k;
    if (n) {
        proto.aliases = vg_arena_calloc(&r->vex->arena, n, sizeof *proto.aliases);
        if (!proto.aliases)
            return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->path);
        json_array_foreach(aliases, k, a) {
            if (json_is_string(a) && !(proto.aliases[proto.naliases++] = dup(r, json_string_value(a))))
                return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->path);
        }
    }

    const char *status = str_member(st, "status");
    static const struct {
        const char *name, *cdx_state;
        vg_vex_status status;
    } statuses[] = {
        {"not_affected", "not_affected", VG_VEX_NOT_AFFECTED},
        {"affected", "exploitable", VG_VEX_AFFECTED},
        {"fixed", "resolved", VG_VEX_FIXED},
        {"under_investigation", "in_triage", VG_VEX_UNDER_INVESTIGATION},
    };
    for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++)
        if (strcmp(status, statuses[i].name) == 0) {
            proto.status = statuses[i].status;
            proto.cdx_state = statuses[i].cdx_state;
        }
    if (!proto.status)
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: statement %zu (%s): status '%s' is not one of not_affected, "
                        "affected, fixed, under_investigation", r->path, index, name, status ? status : "(missing)");
    const char *justification = str_member(st, "justification");
    if (justification) {
        proto.cdx_justification = cdx_justification_of(justification);
        if (!proto.cdx_justification)
            return vg_error(r->ctx, VG_ERR_FORMAT, "%s: statement %zu (%s): unknown justification '%.80s'", r->path,
                            index, name, justification);
        proto.justification = dup(r, justification);
    }
    const char *impact = str_member(st, "impact_statement"), *notes = str_member(st, "status_notes");
    if (proto.status == VG_VEX_NOT_AFFECTED && !justification && !impact)
        return vg_error(r->ctx, VG_ERR_FORMAT,
                        "%s: statement %zu (%s): not_affected needs a justification or an impact_statement", r->path,
                        index, name);
    proto.detail = dup(r, impact ? impact : notes);
    proto.action = dup(r, str_member(st, "action_statement"));
    proto.source = r->source;
    proto.timestamp = doc_time;
    int rc;
    if ((rc = time_of(r, str_member(st, "timestamp"), index, "timestamp", &proto.timestamp)) ||
        (rc = time_of(r, str_member(st, "last_updated"), index, "last_updated", &proto.timestamp)))
        return rc;

    json_t *products = json_object_get(st, "products"), *p;
    if (!json_array_size(products)) {
        vg_warn(r->ctx, r->path, "statement %zu (%s) names no products; skipped", index, name);
        return VG_OK;
    }
    json_array_foreach(products, k, p) {
        const char *product = component_id(p);
        if (!product) {
            vg_warn(r->ctx, r->path, "statement %zu (%s): a product has neither @id nor a purl; skipped", index, name);
            continue;
        }
        json_t *subs = json_object_get(p, "subcomponents"), *sub;
        size_t j;
        if (!json_array_size(subs)) {
            if ((rc = add_statement(r, &proto, product, NULL)))
                return rc;
            continue;
        }
        json_array_foreach(subs, j, sub) {
            const char *sid = component_id(sub);
            if (!sid) {
                vg_warn(r->ctx, r->path, "statement %zu (%s): a subcomponent has neither @id nor a purl; skipped",
                        index, name);
                continue;
            }
            if ((rc = add_statement(r, &proto, product, sid)))
                return rc;
        }
    }
    return VG_OK;
}

int vg_vex_read_openvex(vg_ctx *ctx, vg_vex *vex, const char *path, const char *data, size_t len)
{
    doc_reader r = {.ctx = ctx, .vex = vex, .path = path ? path : "(VEX)"};
    r.source = vg_arena_strdup(&vex->arena, r.path);
    if (!r.source)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", r.path);
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a valid JSON document (line %d, column %d: %s)", r.path,
                        err.line, err.column, err.text);
    size_t before = vex->n;
    int rc = VG_OK;
    json_t *statements = json_object_get(doc, "statements");
    int64_t doc_time = 0;
    const char *ctxs = str_member(doc, "@context");
    if (!json_is_object(doc) || !ctxs || strncmp(ctxs, "https://openvex.dev/ns", 22) != 0) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not an OpenVEX document (no \"@context\" of https://openvex.dev/ns)",
                      r.path);
    } else if (!json_is_array(statements)) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: OpenVEX \"statements\" is missing or not an array", r.path);
    } else {
        const char *ts = str_member(doc, "last_updated") ? str_member(doc, "last_updated") : str_member(doc, "timestamp");
        if (ts && vex_parse_time(ts, &doc_time) != 0)
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: document timestamp '%.64s' is not an RFC 3339 date-time", r.path, ts);
        size_t i;
        json_t *st;
        json_array_foreach(statements, i, st) {
            if (rc)
                break;
            rc = read_statement(&r, st, i, doc_time);
        }
    }
    json_decref(doc);
    if (rc)
        vex->n = before; /* nothing of a refused document applies */
    return rc;
}
