/*
 * fuzz_iac_k8s.c — libFuzzer target for the Kubernetes manifest reader of
 * `vigil collect iac --k8s` (src/collect/iac_k8s.c, over vigil's YAML
 * stream reader), on one manifest file as it comes.  Beyond memory safety
 * it checks its contracts: a refused input has a message naming the file
 * and adds no workload; a read one counts one file, gives every workload a
 * kind, namespace and containers with boolean flags, and every namespace
 * entry its counts, sorted by name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/iac_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *k = iac_k8s_new();
    if (!k)
        return 0;
    int rc = iac_k8s_read(&ctx, "m.yaml", (const char *)data, size, k);
    if (rc != VG_OK) {
        if (strncmp(ctx.message, "m.yaml: ", 8) != 0 || json_array_size(json_object_get(k, "workloads")) != 0)
            abort();
    } else {
        if (json_integer_value(json_object_get(k, "files")) != 1 || iac_k8s_finish(&ctx, k) != VG_OK)
            abort();
        size_t i, j;
        json_t *w, *c, *ns;
        json_array_foreach(json_object_get(k, "workloads"), i, w) {
            if (!json_string_value(json_object_get(w, "kind")) || !json_string_value(json_object_get(w, "namespace")) ||
                !json_is_array(json_object_get(w, "containers")))
                abort();
            json_array_foreach(json_object_get(w, "containers"), j, c) {
                if (!json_is_boolean(json_object_get(c, "privileged")) ||
                    !json_is_boolean(json_object_get(c, "image_digest")))
                    abort();
            }
        }
        const char *prev = NULL;
        json_array_foreach(json_object_get(k, "namespaces"), i, ns) {
            const char *name = json_string_value(json_object_get(ns, "namespace"));
            if (!name || (prev && strcmp(prev, name) >= 0) || !json_is_integer(json_object_get(ns, "workloads")))
                abort();
            prev = name;
        }
    }
    json_decref(k);
    vg_ctx_free(&ctx);
    return 0;
}
