/*
 * iac_terraform.c — the facts `vigil collect iac --terraform-plan` reads
 * from the JSON of `terraform show -json PLANFILE` (Terraform "Internals:
 * JSON Output Format", developer.hashicorp.com/terraform/internals/json-format,
 * format_version 1.x): resource_changes[] (address, mode, type,
 * provider_name, change.actions / after / after_unknown / after_sensitive),
 * resource_drift[] and configuration (the references of a resource's
 * "bucket" argument).  Read with the project's JSON reader (vigil/jtree.h).
 *
 * Judged, by the attribute names of the providers' documentation:
 * ingress from 0.0.0.0/0 or ::/0 (Azure: *, Internet, Any) by
 * aws_security_group, aws_security_group_rule,
 * aws_vpc_security_group_ingress_rule, google_compute_firewall and
 * azurerm_network_security_rule; encryption at rest of aws_ebs_volume
 * (encrypted) and aws_db_instance / aws_rds_cluster (storage_encrypted);
 * whether each aws_s3_bucket has an
 * aws_s3_bucket_server_side_encryption_configuration and an
 * aws_s3_bucket_logging; aws_cloudtrail trails.  Every other type is only
 * named.  A value Terraform knows only after apply (after_unknown) is
 * "unknown", never false.  No attribute value is copied apart from
 * ports, protocols, address ranges and booleans: sensitive attributes
 * (after_sensitive, or a name holding password, secret or token) are
 * listed by name.
 * Left out: planned_values and prior_state (resource_changes holds every
 * resource of the plan with its planned values), deletions' facts (a
 * resource being destroyed has none), provisioners, outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iac_internal.h"
#include "vigil/jtree.h"

/* Ports an administration or database service listens on: exposed to the
 * whole Internet they are the first thing scanned.  docs/collect.md
 * lists them with their services. */
static const int admin_ports[] = {22,   23,   1433, 1521, 2375, 2376,  2379,  3306,  3389, 5432,
                                  5900, 5985, 5986, 6379, 6443, 9200, 9300, 10250, 11211, 27017};

/* A change that may name an S3 bucket (an encryption or logging
 * configuration), with its configuration block once looked up. */
typedef struct tf_related {
    const vg_jval *change;
    const vg_jval *block;
    int looked_up;
} tf_related;

typedef struct tf_reader {
    vg_ctx *ctx;
    const char *name;
    const vg_jval *config; /* configuration.root_module, or NULL */
    tf_related *related;   /* the changes of S3 bucket configurations */
    size_t nrelated;
    size_t work;           /* comparisons made matching S3 buckets (IAC_TF_MAX_MATCH_WORK) */
} tf_reader;

static int contains_true(const vg_jval *v)
{
    if (!v)
        return 0;
    if (v->type == VG_JTRUE)
        return 1;
    if (v->type == VG_JARRAY || v->type == VG_JOBJECT)
        for (uint32_t i = 0; i < v->n; i++)
            if (contains_true(v->type == VG_JARRAY ? &v->u.items[i] : &v->u.members[i].value))
                return 1;
    return 0;
}

static int name_is_secret(const char *key)
{
    static const char *const words[] = {"password", "secret", "token", "private_key", NULL};
    for (const char *const *w = words; *w; w++)
        if (strcasestr(key, *w))
            return 1;
    return 0;
}

/* The members of obj whose value holds a true (after_unknown,
 * after_sensitive), and with secret_names also the members of after
 * named like a secret, sorted and unique. */
static json_t *marked_names(const vg_jval *obj, const vg_jval *after, int secret_names)
{
    json_t *names = json_array();
    for (uint32_t i = 0; names && vg_jval_is(obj, VG_JOBJECT) && i < obj->n; i++)
        if (contains_true(&obj->u.members[i].value))
            json_array_append_new(names, json_string(obj->u.members[i].key));
    for (uint32_t i = 0; names && secret_names && vg_jval_is(after, VG_JOBJECT) && i < after->n; i++)
        if (name_is_secret(after->u.members[i].key) && !vg_jval_is(&after->u.members[i].value, VG_JNULL))
            json_array_append_new(names, json_string(after->u.members[i].key));
    if (!names)
        return NULL;
    /* sort and drop repeats (few names: insertion sort) */
    size_t n = json_array_size(names);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(names, j - 1)),
                                           json_string_value(json_array_get(names, j))) > 0;
             j--) {
            json_t *a = json_incref(json_array_get(names, j - 1));
            json_array_set(names, j - 1, json_array_get(names, j));
            json_array_set_new(names, j, a);
        }
    for (size_t i = 1; i < json_array_size(names);)
        if (json_equal(json_array_get(names, i - 1), json_array_get(names, i)))
            json_array_remove(names, i);
        else
            i++;
    return names;
}

/* A boolean attribute: true, false, "unknown" (after_unknown), false when null or absent. */
static json_t *tri_bool(const vg_jval *after, const vg_jval *unknown, const char *key)
{
    if (contains_true(vg_jval_get(unknown, key)))
        return json_string("unknown");
    return json_boolean(vg_jval_is(vg_jval_get(after, key), VG_JTRUE));
}

static int is_public_range(const char *s)
{
    return s && (strcmp(s, "0.0.0.0/0") == 0 || strcmp(s, "::/0") == 0 || strcmp(s, "*") == 0 ||
                 strcasecmp(s, "Internet") == 0 || strcasecmp(s, "Any") == 0);
}

/* Appends to out the public ranges of v (a string or an array of them). */
static void add_public(json_t *out, const vg_jval *v)
{
    if (vg_jval_is(v, VG_JSTRING) && is_public_range(v->u.s))
        json_array_append_new(out, json_string(v->u.s));
    for (size_t i = 0; i < vg_jval_size(v) && v->type == VG_JARRAY; i++)
        if (is_public_range(vg_jval_str(vg_jval_item(v, i))))
            json_array_append_new(out, json_string(v->u.items[i].u.s));
}

static long int_of(const vg_jval *v, long dflt)
{
    if (vg_jval_is(v, VG_JINT))
        return (long)v->u.i;
    if (vg_jval_is(v, VG_JREAL))
        return (long)v->u.d;
    if (vg_jval_is(v, VG_JSTRING)) {
        char *end;
        long n = strtol(v->u.s, &end, 10);
        if (end != v->u.s && !*end)
            return n;
    }
    return dflt;
}

/* A port range "22", "1000-2000" or "*" (all) into *from, *to; 0 or -1. */
static int port_range(const char *s, long *from, long *to)
{
    if (!s)
        return -1;
    if (strcmp(s, "*") == 0) {
        *from = 0, *to = 65535;
        return 0;
    }
    char *end;
    *from = strtol(s, &end, 10);
    if (end == s)
        return -1;
    *to = *from;
    if (*end == '-') {
        const char *t = end + 1;
        *to = strtol(t, &end, 10);
        if (end == t)
            return -1;
    }
    return *end || *from < 0 || *to > 65535 || *from > *to ? -1 : 0;
}

/* Appends one public ingress entry to out, when sources holds a range;
 * from or to -1: every port; a range past 65535 ends there; one whose
 * from is past its to is left out. */
static void add_ingress(json_t *out, json_t *sources, const char *protocol, long from, long to)
{
    if (json_array_size(sources) == 0) {
        json_decref(sources);
        return;
    }
    if (from < 0 || to < 0)
        from = 0, to = 65535;
    if (to > 65535)
        to = 65535;
    if (from > to) { /* no port a provider would accept */
        json_decref(sources);
        return;
    }
    json_t *ports = json_array();
    for (size_t i = 0; ports && i < sizeof admin_ports / sizeof *admin_ports; i++)
        if (admin_ports[i] >= from && admin_ports[i] <= to)
            json_array_append_new(ports, json_integer(admin_ports[i]));
    json_array_append_new(out, json_pack("{s:s?, s:I, s:I, s:o, s:o*}", "protocol", protocol, "from_port",
                                         (json_int_t)from, "to_port", (json_int_t)to, "sources", sources,
                                         "admin_ports", ports));
}

/* AWS protocol "-1" (or "all") is every protocol and every port, whatever
 * from_port and to_port say (the provider documents them as 0 then). */
static int aws_all_protocols(const char *protocol)
{
    return protocol && (strcmp(protocol, "-1") == 0 || strcasecmp(protocol, "all") == 0);
}

/* Names in undetermined each of keys that after_unknown marks. */
static void note_unknown(json_t *undetermined, const vg_jval *unknown, const char *const *keys)
{
    for (; *keys; keys++)
        if (contains_true(vg_jval_get(unknown, *keys)))
            json_array_append_new(undetermined, json_string(*keys));
}

/* The public ranges of the attributes keys of obj, a new array. */
static json_t *public_sources(const vg_jval *obj, const char *const *keys)
{
    json_t *sources = json_array();
    for (; sources && *keys; keys++)
        add_public(sources, vg_jval_get(obj, *keys));
    return sources;
}

/* One AWS rule r (an ingress block, or a rule resource) into out. */
static void aws_ingress(json_t *out, const vg_jval *r, const char *const *ranges, const char *protocol_key)
{
    const char *proto = vg_jval_member_str(r, protocol_key);
    if (proto && (strcasecmp(proto, "icmp") == 0 || strcasecmp(proto, "icmpv6") == 0 || strcmp(proto, "1") == 0 ||
                  strcmp(proto, "58") == 0))
        return; /* from_port and to_port are an ICMP type and code */
    int all = aws_all_protocols(proto);
    add_ingress(out, public_sources(r, ranges), proto, all ? -1 : int_of(vg_jval_get(r, "from_port"), -1),
                all ? -1 : int_of(vg_jval_get(r, "to_port"), -1));
}

/* The public ingress of one network resource into out; what could not
 * be judged is named in undetermined. */
static void network_facts(const char *type, const vg_jval *after, const vg_jval *unknown, json_t *out,
                          json_t *undetermined)
{
    static const char *const aws_ranges[] = {"cidr_blocks", "ipv6_cidr_blocks", NULL};
    static const char *const vpc_ranges[] = {"cidr_ipv4", "cidr_ipv6", NULL};
    static const char *const gcp_ranges[] = {"source_ranges", NULL};
    static const char *const azure_ranges[] = {"source_address_prefix", "source_address_prefixes", NULL};
    if (strcmp(type, "aws_security_group") == 0) {
        note_unknown(undetermined, unknown, (const char *const[]){"ingress", NULL});
        const vg_jval *list = vg_jval_get(after, "ingress");
        for (size_t i = 0; vg_jval_is(list, VG_JARRAY) && i < list->n; i++)
            aws_ingress(out, &list->u.items[i], aws_ranges, "protocol");
    } else if (strcmp(type, "aws_security_group_rule") == 0) {
        note_unknown(undetermined, unknown, (const char *const[]){"type", NULL});
        const char *kind = vg_jval_member_str(after, "type");
        if (!kind || strcmp(kind, "ingress") != 0)
            return;
        note_unknown(undetermined, unknown, aws_ranges);
        aws_ingress(out, after, aws_ranges, "protocol");
    } else if (strcmp(type, "aws_vpc_security_group_ingress_rule") == 0) {
        note_unknown(undetermined, unknown, vpc_ranges);
        aws_ingress(out, after, vpc_ranges, "ip_protocol");
    } else if (strcmp(type, "google_compute_firewall") == 0) {
        const char *dir = vg_jval_member_str(after, "direction");
        if ((dir && strcmp(dir, "INGRESS") != 0) || vg_jval_is(vg_jval_get(after, "disabled"), VG_JTRUE))
            return;
        note_unknown(undetermined, unknown, gcp_ranges);
        const vg_jval *allow = vg_jval_get(after, "allow");
        for (size_t i = 0; vg_jval_is(allow, VG_JARRAY) && i < allow->n; i++) {
            const vg_jval *a = &allow->u.items[i];
            const vg_jval *ports = vg_jval_get(a, "ports");
            size_t np = vg_jval_is(ports, VG_JARRAY) ? ports->n : 0;
            for (size_t p = 0; p < (np ? np : 1); p++) {
                long from = -1, to = -1; /* no ports: every port */
                if (np && port_range(vg_jval_str(vg_jval_item(ports, p)), &from, &to) != 0)
                    continue;
                add_ingress(out, public_sources(after, gcp_ranges), vg_jval_member_str(a, "protocol"), from, to);
            }
        }
    } else if (strcmp(type, "azurerm_network_security_rule") == 0) {
        const char *dir = vg_jval_member_str(after, "direction"), *access = vg_jval_member_str(after, "access");
        if (!dir || !access || strcasecmp(dir, "Inbound") != 0 || strcasecmp(access, "Allow") != 0)
            return;
        note_unknown(undetermined, unknown, azure_ranges);
        const vg_jval *one = vg_jval_get(after, "destination_port_range");
        const vg_jval *many = vg_jval_get(after, "destination_port_ranges");
        size_t n = vg_jval_is(many, VG_JARRAY) ? many->n : 0;
        for (size_t i = 0; i <= n; i++) {
            long from, to;
            if (port_range(vg_jval_str(i < n ? vg_jval_item(many, i) : one), &from, &to) != 0)
                continue;
            add_ingress(out, public_sources(after, azure_ranges), vg_jval_member_str(after, "protocol"), from, to);
        }
    }
}

static int is_network_type(const char *t)
{
    return strcmp(t, "aws_security_group") == 0 || strcmp(t, "aws_security_group_rule") == 0 ||
           strcmp(t, "aws_vpc_security_group_ingress_rule") == 0 || strcmp(t, "google_compute_firewall") == 0 ||
           strcmp(t, "azurerm_network_security_rule") == 0;
}

/* The attribute that says whether a storage type is encrypted at rest, or NULL. */
static const char *encryption_attribute(const char *t)
{
    if (strcmp(t, "aws_ebs_volume") == 0)
        return "encrypted";
    if (strcmp(t, "aws_db_instance") == 0 || strcmp(t, "aws_rds_cluster") == 0)
        return "storage_encrypted";
    return NULL;
}

static int is_judged_type(const char *t)
{
    return is_network_type(t) || encryption_attribute(t) || strcmp(t, "aws_s3_bucket") == 0 ||
           strcmp(t, "aws_s3_bucket_server_side_encryption_configuration") == 0 ||
           strcmp(t, "aws_s3_bucket_logging") == 0 || strcmp(t, "aws_cloudtrail") == 0;
}

/* address without its instance keys ("module.a[0].x.y[\"k\"]" ->
 * "module.a.x.y"): the address of its configuration block, into buf. */
static void config_address(const char *address, char *buf, size_t size)
{
    size_t o = 0;
    int depth = 0;
    for (const char *p = address; *p && o + 1 < size; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']' && depth > 0)
            depth--;
        else if (!depth)
            buf[o++] = *p;
    }
    buf[o] = '\0';
}

/* The length of the module part of a configuration address
 * ("module.a.module.b." of "module.a.module.b.TYPE.NAME"). */
static size_t module_prefix(const char *addr)
{
    const char *name = strrchr(addr, '.');
    const char *type = name && name > addr ? memrchr(addr, '.', (size_t)(name - addr)) : NULL;
    return type ? (size_t)(type - addr) + 1 : 0;
}

/* The configuration block at configuration address addr ("module.a.x.y"). */
static const vg_jval *config_resource(tf_reader *r, const vg_jval *module, const char *addr)
{
    for (int depth = 0; module && strncmp(addr, "module.", 7) == 0 && depth < IAC_TF_MAX_MODULE_DEPTH; depth++) {
        const char *name = addr + 7, *dot = strchr(name, '.');
        if (!dot)
            return NULL;
        module = vg_jval_get(vg_jval_getn(vg_jval_get(module, "module_calls"), name, (size_t)(dot - name)), "module");
        addr = dot + 1;
    }
    const vg_jval *list = vg_jval_get(module, "resources");
    r->work += vg_jval_size(list);
    for (size_t i = 0; i < vg_jval_size(list) && list->type == VG_JARRAY; i++) {
        const char *a = vg_jval_member_str(&list->u.items[i], "address");
        if (a && strcmp(a, addr) == 0)
            return &list->u.items[i];
    }
    return NULL;
}

/* Whether the related change rel (an aws_s3_bucket_* resource) names the
 * bucket of change b (an aws_s3_bucket): by the bucket's name when both
 * are known, else by a reference to the bucket in the configuration of
 * its "bucket" argument (aws_s3_bucket.NAME or aws_s3_bucket.NAME.id in
 * the same module).  Every instance of a counted bucket matches. */
static int names_bucket(tf_reader *r, tf_related *rel, const vg_jval *b)
{
    const vg_jval *c = rel->change;
    const char *want = vg_jval_member_str(vg_jval_get(vg_jval_get(b, "change"), "after"), "bucket");
    const char *have = vg_jval_member_str(vg_jval_get(vg_jval_get(c, "change"), "after"), "bucket");
    if (want && have)
        return strcmp(want, have) == 0;
    char ca[1024], ba[1024];
    config_address(vg_jval_member_str(c, "address"), ca, sizeof ca);
    config_address(vg_jval_member_str(b, "address"), ba, sizeof ba);
    size_t cp = module_prefix(ca), bp = module_prefix(ba);
    if (cp != bp || strncmp(ca, ba, cp) != 0)
        return 0;
    if (!rel->looked_up) {
        rel->block = config_resource(r, r->config, ca);
        rel->looked_up = 1;
    }
    const vg_jval *refs = vg_jval_get(vg_jval_get(vg_jval_get(rel->block, "expressions"), "bucket"), "references");
    size_t blen = strlen(ba + bp);
    for (size_t i = 0; i < vg_jval_size(refs) && refs->type == VG_JARRAY; i++) {
        const char *ref = vg_jval_str(&refs->u.items[i]);
        if (ref && strncmp(ref, ba + bp, blen) == 0 && (ref[blen] == '\0' || ref[blen] == '.'))
            return 1;
    }
    return 0;
}

/* Whether some related change of type names the bucket b: 1 or 0, -1
 * once the matching has made IAC_TF_MAX_MATCH_WORK comparisons. */
static int bucket_has(tf_reader *r, const char *type, const vg_jval *b)
{
    for (size_t i = 0; i < r->nrelated; i++) {
        if (++r->work > IAC_TF_MAX_MATCH_WORK)
            return -1;
        if (strcmp(vg_jval_member_str(r->related[i].change, "type"), type) == 0 && names_bucket(r, &r->related[i], b))
            return 1;
    }
    return 0;
}

/* The changes of changes that may name a bucket, into r->related:
 * VG_OK or VG_ERR_NOMEM. */
static int find_related(vg_ctx *ctx, tf_reader *r, const vg_jval *changes)
{
    r->related = calloc(vg_jval_size(changes) + 1, sizeof *r->related);
    if (!r->related)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", r->name);
    for (size_t i = 0; i < vg_jval_size(changes); i++) {
        const vg_jval *c = &changes->u.items[i];
        const char *t = vg_jval_member_str(c, "type");
        if (t && (strcmp(t, "aws_s3_bucket_server_side_encryption_configuration") == 0 ||
                  strcmp(t, "aws_s3_bucket_logging") == 0) &&
            vg_jval_member_str(c, "address") && vg_jval_is(vg_jval_get(vg_jval_get(c, "change"), "after"), VG_JOBJECT))
            r->related[r->nrelated++].change = c;
    }
    return VG_OK;
}

static json_t *actions_of(const vg_jval *change)
{
    json_t *out = json_array();
    const vg_jval *a = vg_jval_get(change, "actions");
    for (size_t i = 0; out && i < vg_jval_size(a) && a->type == VG_JARRAY; i++)
        if (vg_jval_str(&a->u.items[i]))
            json_array_append_new(out, json_string(a->u.items[i].u.s));
    return out;
}

/* One resource change into the members of t. */
static int one_change(tf_reader *r, const vg_jval *c, json_t *t)
{
    const char *address = vg_jval_member_str(c, "address"), *type = vg_jval_member_str(c, "type");
    const char *mode = vg_jval_member_str(c, "mode");
    const vg_jval *change = vg_jval_get(c, "change");
    if (!address || !type || !mode || !vg_jval_is(change, VG_JOBJECT))
        return vg_error(r->ctx, VG_ERR_FORMAT, "%s: a resource_changes entry without address, type, mode or change",
                        r->name);
    if (strlen(address) >= 1024)
        return vg_error(r->ctx, VG_ERR_LIMIT, "%s: a resource address over 1023 bytes", r->name);
    const vg_jval *after = vg_jval_get(change, "after"), *unknown = vg_jval_get(change, "after_unknown");
    int managed = strcmp(mode, "managed") == 0, exists = vg_jval_is(after, VG_JOBJECT);
    json_t *res = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:b, s:o, s:o}", "address", address, "mode", mode, "type", type,
                            "provider", vg_jval_member_str(c, "provider_name"), "actions", actions_of(change),
                            "judged", managed && is_judged_type(type), "unknown_attributes",
                            marked_names(unknown, NULL, 0), "sensitive_attributes",
                            marked_names(vg_jval_get(change, "after_sensitive"), after, 1));
    if (!res || json_array_append_new(json_object_get(t, "resources"), res) != 0)
        return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->name);
    if (!managed || !exists)
        return VG_OK;
    if (!is_judged_type(type)) {
        json_t *types = json_object_get(t, "unjudged_types");
        size_t at = 0, n = json_array_size(types);
        int order = 1;
        while (at < n && (order = strcmp(json_string_value(json_array_get(types, at)), type)) < 0)
            at++;
        if (order != 0 && json_array_insert_new(types, at, json_string(type)) != 0)
            return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->name);
    } else {
        const char *member;
        json_t *fact;
        if (is_network_type(type)) {
            json_t *ingress = json_array(), *undetermined = json_array();
            if (ingress && undetermined)
                network_facts(type, after, unknown, ingress, undetermined);
            member = "network_rules";
            fact = json_pack("{s:s, s:s, s:o, s:o}", "address", address, "type", type, "public_ingress", ingress,
                             "undetermined", undetermined);
        } else if (encryption_attribute(type)) {
            const char *attr = encryption_attribute(type);
            member = "storage";
            fact = json_pack("{s:s, s:s, s:s, s:o}", "address", address, "type", type, "attribute", attr, "encrypted",
                             tri_bool(after, unknown, attr));
        } else if (strcmp(type, "aws_s3_bucket") == 0) {
            int sse = bucket_has(r, "aws_s3_bucket_server_side_encryption_configuration", c);
            int logging = sse < 0 ? -1 : bucket_has(r, "aws_s3_bucket_logging", c);
            if (logging < 0)
                return vg_error(r->ctx, VG_ERR_LIMIT,
                                "%s: too many S3 buckets and bucket configurations to match (more than %d comparisons)",
                                r->name, IAC_TF_MAX_MATCH_WORK);
            member = "s3_buckets";
            fact = json_pack("{s:s, s:b, s:b}", "address", address, "sse_configuration", sse, "access_logging", logging);
        } else if (strcmp(type, "aws_cloudtrail") == 0) {
            member = "cloudtrails";
            fact = json_pack("{s:s, s:o, s:o}", "address", address, "multi_region",
                             tri_bool(after, unknown, "is_multi_region_trail"), "log_file_validation",
                             tri_bool(after, unknown, "enable_log_file_validation"));
        } else {
            return VG_OK; /* judged only as the target of another: an S3 bucket's configuration or logging */
        }
        if (json_array_append_new(json_object_get(t, member), fact) != 0)
            return vg_error(r->ctx, VG_ERR_NOMEM, "%s: out of memory", r->name);
    }
    return VG_OK;
}

int iac_terraform_facts(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out)
{
    *out = NULL;
    if (len > IAC_TF_MAX_SIZE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu MiB: refused", name, IAC_TF_MAX_SIZE >> 20);
    vg_jtree *tree = NULL;
    int rc = vg_jtree_parse(ctx, name, text, len, &tree);
    if (rc != VG_OK)
        return rc;
    const vg_jval *root = tree->root;
    const char *fv = vg_jval_member_str(root, "format_version");
    const vg_jval *changes = vg_jval_get(root, "resource_changes");
    const vg_jval *drift = vg_jval_get(root, "resource_drift");
    if (!fv || strncmp(fv, "1.", 2) != 0) {
        vg_jtree_free(tree);
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: not a Terraform plan in the JSON output format 1.x (no \"format_version\": \"1.N\"; "
                        "make it with terraform show -json PLANFILE)",
                        name);
    }
    if (!vg_jval_get(root, "planned_values") && !changes) {
        vg_jtree_free(tree);
        return vg_error(ctx, VG_ERR_FORMAT,
                        "%s: a Terraform JSON document without \"planned_values\" or \"resource_changes\": a state or "
                        "configuration, not a plan",
                        name);
    }
    if ((changes && !vg_jval_is(changes, VG_JARRAY)) || (drift && !vg_jval_is(drift, VG_JARRAY))) {
        vg_jtree_free(tree);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: \"resource_changes\" or \"resource_drift\" is not an array", name);
    }
    if (vg_jval_size(changes) > IAC_TF_MAX_RESOURCES || vg_jval_size(drift) > IAC_TF_MAX_RESOURCES) {
        vg_jtree_free(tree);
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d resource changes or drifts", name, IAC_TF_MAX_RESOURCES);
    }
    json_t *t = json_pack("{s:s, s:s?, s:[], s:[], s:[], s:[], s:[], s:[], s:[]}", "format_version", fv,
                          "terraform_version", vg_jval_member_str(root, "terraform_version"), "resources",
                          "network_rules", "storage", "s3_buckets", "cloudtrails", "drift", "unjudged_types");
    if (!t) {
        vg_jtree_free(tree);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    }
    tf_reader r = {ctx, name, vg_jval_get(vg_jval_get(root, "configuration"), "root_module"), NULL, 0, 0};
    rc = find_related(ctx, &r, changes);
    for (size_t i = 0; rc == VG_OK && i < vg_jval_size(changes); i++)
        rc = one_change(&r, &changes->u.items[i], t);
    free(r.related);
    for (size_t i = 0; rc == VG_OK && i < vg_jval_size(drift); i++) {
        const vg_jval *d = &drift->u.items[i];
        const char *address = vg_jval_member_str(d, "address"), *type = vg_jval_member_str(d, "type");
        if (!address || !type)
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: a resource_drift entry without address or type", name);
        else if (json_array_append_new(json_object_get(t, "drift"),
                                       json_pack("{s:s, s:s, s:o}", "address", address, "type", type, "actions",
                                                 actions_of(vg_jval_get(d, "change")))) != 0)
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", name);
    }
    vg_jtree_free(tree);
    if (rc != VG_OK) {
        json_decref(t);
        return rc;
    }
    *out = t;
    return VG_OK;
}
