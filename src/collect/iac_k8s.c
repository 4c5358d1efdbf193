/*
 * iac_k8s.c — the facts `vigil collect iac --k8s DIR` reads from
 * Kubernetes manifests: YAML streams (several documents separated by
 * "---") or JSON, read by the project's YAML reader (vigil/yaml.h, with
 * its depth and size limits), List kinds opened one level.  Field names
 * as the Kubernetes API reference gives them (core/v1 PodSpec,
 * Container, SecurityContext, PodSecurityContext, Volume;
 * networking.k8s.io/v1 NetworkPolicy).
 *
 * For each workload (Pod; Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Job: spec.template.spec; CronJob: spec.jobTemplate.spec.template.spec)
 * and each of its containers and initContainers: the effective
 * runAsNonRoot and runAsUser (the container's securityContext, else the
 * pod's), privileged, allowPrivilegeEscalation, readOnlyRootFilesystem,
 * the capabilities added, the image and whether it is pinned by digest
 * (@sha256:); per pod, hostNetwork, hostPID, hostIPC and the hostPath
 * volumes.  For each NetworkPolicy, and per namespace, whether a
 * default-deny policy (podSelector {} selecting every pod, the policy type
 * given, no rule of that direction) covers ingress and egress.  Every
 * other kind is only named; no value of a Secret, ConfigMap or env is
 * read.  An object without a namespace is in "default".
 * Left out: ephemeralContainers, Pod Security Admission labels, seccomp
 * and AppArmor profiles, Helm templates and kustomizations (render them
 * first: helm template, kubectl kustomize).
 */
#include <stdlib.h>
#include <string.h>

#include "iac_internal.h"
#include "vigil/yaml.h"

json_t *iac_k8s_new(void)
{
    return json_pack("{s:i, s:i, s:[], s:[], s:{}, s:[]}", "files", 0, "documents", 0, "workloads",
                     "network_policies", "namespaces", "other_kinds");
}

static const char *str_at(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int is_true(json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

/* The first of the two values of key that is set (the container's, then
 * the pod's), as a new reference; null when neither. */
static json_t *effective(json_t *container_sc, json_t *pod_sc, const char *key, int (*ok)(const json_t *))
{
    json_t *v = json_object_get(container_sc, key);
    if (!v || !ok(v))
        v = json_object_get(pod_sc, key);
    return v && ok(v) ? json_incref(v) : json_null();
}

static int bool_ok(const json_t *v) { return json_is_boolean(v); }
static int int_ok(const json_t *v) { return json_is_integer(v); }

/* The namespace entry of ns in k, made when new; NULL when out of memory. */
static json_t *ns_entry(json_t *k, const char *ns)
{
    json_t *all = json_object_get(k, "namespaces");
    json_t *e = json_object_get(all, ns);
    if (!e && json_object_set_new(all, ns, json_pack("{s:i, s:i, s:b, s:b}", "workloads", 0, "network_policies", 0,
                                                     "default_deny_ingress", 0, "default_deny_egress", 0)) == 0)
        e = json_object_get(all, ns);
    return e;
}

static void count(json_t *obj, const char *key)
{
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + 1));
}

static json_t *container_facts(json_t *c, json_t *pod_sc, int init)
{
    json_t *sc = json_object_get(c, "securityContext");
    const char *image = str_at(c, "image");
    json_t *added = json_array();
    json_t *caps = json_object_get(json_object_get(sc, "capabilities"), "add"), *cap;
    size_t i;
    json_array_foreach(caps, i, cap) if (json_is_string(cap)) json_array_append(added, cap);
    json_t *ape = json_object_get(sc, "allowPrivilegeEscalation");
    return json_pack("{s:s?, s:b, s:s?, s:b, s:o, s:o, s:b, s:o, s:b, s:o}", "name", str_at(c, "name"), "init", init,
                     "image", image, "image_digest", image && strstr(image, "@sha256:") != NULL, "run_as_non_root",
                     effective(sc, pod_sc, "runAsNonRoot", bool_ok), "run_as_user",
                     effective(sc, pod_sc, "runAsUser", int_ok), "privileged", is_true(sc, "privileged"),
                     "allow_privilege_escalation", json_is_boolean(ape) ? json_incref(ape) : json_null(),
                     "read_only_root_filesystem", is_true(sc, "readOnlyRootFilesystem"), "capabilities_added", added);
}

/* The pod spec of a workload object of kind (NULL when it has none). */
static json_t *pod_spec(json_t *obj, const char *kind)
{
    json_t *spec = json_object_get(obj, "spec");
    if (strcmp(kind, "Pod") == 0)
        return spec;
    if (strcmp(kind, "CronJob") == 0)
        spec = json_object_get(json_object_get(spec, "jobTemplate"), "spec");
    return json_object_get(json_object_get(spec, "template"), "spec");
}

static int is_workload(const char *kind)
{
    static const char *const kinds[] = {"Pod", "Deployment", "StatefulSet", "DaemonSet",
                                        "ReplicaSet", "Job", "CronJob", NULL};
    for (const char *const *k = kinds; *k; k++)
        if (strcmp(kind, *k) == 0)
            return 1;
    return 0;
}

static int add_workload(json_t *k, const char *file, const char *kind, const char *ns, const char *name, json_t *spec)
{
    json_t *pod_sc = json_object_get(spec, "securityContext");
    json_t *containers = json_array(), *host_paths = json_array(), *c, *v;
    size_t i;
    json_array_foreach(json_object_get(spec, "initContainers"), i, c) json_array_append_new(
        containers, container_facts(c, pod_sc, 1));
    json_array_foreach(json_object_get(spec, "containers"), i, c) json_array_append_new(
        containers, container_facts(c, pod_sc, 0));
    json_array_foreach(json_object_get(spec, "volumes"), i, v) {
        if (json_object_get(v, "hostPath"))
            json_array_append_new(host_paths, json_string(str_at(v, "name") ? str_at(v, "name") : ""));
    }
    json_t *w = json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b, s:b, s:o, s:o}", "file", file, "kind", kind, "namespace",
                          ns, "name", name, "host_network", is_true(spec, "hostNetwork"), "host_pid",
                          is_true(spec, "hostPID"), "host_ipc", is_true(spec, "hostIPC"), "host_path_volumes",
                          host_paths, "containers", containers);
    json_t *e = ns_entry(k, ns);
    if (!w || !e || json_array_append_new(json_object_get(k, "workloads"), w) != 0)
        return -1;
    count(e, "workloads");
    return 0;
}

/* Whether a podSelector selects every pod of its namespace: {} (or only
 * empty matchLabels and matchExpressions). */
static int selects_all(json_t *sel)
{
    if (!json_is_object(sel))
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(sel, key, v) {
        if (json_object_size(v) != 0 || json_array_size(v) != 0)
            return 0;
    }
    return 1;
}

static int add_policy(json_t *k, const char *file, const char *ns, const char *name, json_t *spec)
{
    json_t *types = json_object_get(spec, "policyTypes"), *t;
    json_t *ingress = json_object_get(spec, "ingress"), *egress = json_object_get(spec, "egress");
    int has_in = 0, has_out = 0;
    size_t i;
    if (json_is_array(types)) {
        json_array_foreach(types, i, t) {
            has_in |= json_is_string(t) && strcmp(json_string_value(t), "Ingress") == 0;
            has_out |= json_is_string(t) && strcmp(json_string_value(t), "Egress") == 0;
        }
    } else { /* the API's default: Ingress, and Egress when it has egress rules */
        has_in = 1;
        has_out = json_array_size(egress) > 0;
    }
    int all = selects_all(json_object_get(spec, "podSelector"));
    int deny_in = all && has_in && json_array_size(ingress) == 0;
    int deny_out = all && has_out && json_array_size(egress) == 0;
    json_t *p = json_pack("{s:s, s:s, s:s?, s:b, s:b, s:b, s:i, s:i, s:b, s:b}", "file", file, "namespace", ns, "name",
                          name, "selects_all_pods", all, "ingress_type", has_in, "egress_type", has_out,
                          "ingress_rules", (int)json_array_size(ingress), "egress_rules", (int)json_array_size(egress),
                          "default_deny_ingress", deny_in, "default_deny_egress", deny_out);
    json_t *e = ns_entry(k, ns);
    if (!p || !e || json_array_append_new(json_object_get(k, "network_policies"), p) != 0)
        return -1;
    count(e, "network_policies");
    if (deny_in)
        json_object_set_new(e, "default_deny_ingress", json_true());
    if (deny_out)
        json_object_set_new(e, "default_deny_egress", json_true());
    return 0;
}

/* kind into the sorted, unique other_kinds. */
static int add_other(json_t *k, const char *kind)
{
    json_t *kinds = json_object_get(k, "other_kinds");
    size_t at = 0, n = json_array_size(kinds);
    int order = 1;
    while (at < n && (order = strcmp(json_string_value(json_array_get(kinds, at)), kind)) < 0)
        at++;
    return order == 0 ? 0 : json_array_insert_new(kinds, at, json_string(kind));
}

static int add_object(json_t *k, const char *file, json_t *obj)
{
    const char *kind = str_at(obj, "kind");
    if (!json_is_object(obj) || !kind)
        return 0; /* not a Kubernetes object: no kind */
    json_t *meta = json_object_get(obj, "metadata");
    const char *ns = str_at(meta, "namespace"), *name = str_at(meta, "name");
    if (!ns || !*ns)
        ns = "default";
    if (is_workload(kind))
        return add_workload(k, file, kind, ns, name, pod_spec(obj, kind));
    if (strcmp(kind, "NetworkPolicy") == 0)
        return add_policy(k, file, ns, name, json_object_get(obj, "spec"));
    if (strcmp(kind, "Namespace") == 0)
        return name && ns_entry(k, name) ? 0 : add_other(k, kind);
    return add_other(k, kind);
}

int iac_k8s_read(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t *k)
{
    if (len > IAC_K8S_MAX_FILE)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu MiB: refused", name, IAC_K8S_MAX_FILE >> 20);
    json_t *docs = NULL;
    int rc = vg_yaml_read_stream(ctx, name, text, len, IAC_K8S_MAX_DOCUMENTS, &docs);
    if (rc != VG_OK)
        return rc;
    size_t i, j;
    json_t *d, *item;
    json_array_foreach(docs, i, d) {
        count(k, "documents");
        const char *kind = str_at(d, "kind");
        size_t klen = kind ? strlen(kind) : 0;
        json_t *items = json_object_get(d, "items");
        if (klen >= 4 && strcmp(kind + klen - 4, "List") == 0 && json_is_array(items)) {
            json_array_foreach(items, j, item) {
                if (rc == VG_OK && add_object(k, name, item) != 0)
                    rc = VG_ERR_NOMEM;
            }
        } else if (add_object(k, name, d) != 0) {
            rc = VG_ERR_NOMEM;
        }
        if (rc != VG_OK)
            break;
    }
    json_decref(docs);
    count(k, "files");
    return rc == VG_OK ? VG_OK : vg_error(ctx, rc, "%s: out of memory", name);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int iac_k8s_finish(vg_ctx *ctx, json_t *k)
{
    json_t *by_name = json_object_get(k, "namespaces"), *list = json_array();
    if (!list)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    /* jansson keeps insertion order: sort the names */
    size_t n = json_object_size(by_name), i = 0;
    const char **names = n ? calloc(n, sizeof *names) : NULL;
    const char *key;
    json_t *v;
    if (n && !names) {
        json_decref(list);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_object_foreach(by_name, key, v) names[i++] = key;
    qsort(names, n, sizeof *names, cmp_names);
    for (i = 0; i < n; i++) {
        json_t *e = json_deep_copy(json_object_get(by_name, names[i]));
        if (!e || json_object_set_new(e, "namespace", json_string(names[i])) != 0 || json_array_append_new(list, e) != 0) {
            free(names);
            json_decref(list);
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        }
    }
    free(names);
    return json_object_set_new(k, "namespaces", list) == 0 ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}
