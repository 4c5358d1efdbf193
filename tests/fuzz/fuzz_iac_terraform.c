/*
 * fuzz_iac_terraform.c — libFuzzer target for the Terraform plan reader of
 * `vigil collect iac` (src/collect/iac_terraform.c), on the input as it
 * comes.  Beyond memory safety it checks its contracts: an input it refuses
 * has a message naming the file; one it reads gives every member the
 * document promises, port ranges within 0-65535 with from <= to, admin
 * ports inside their range, and encryption facts that are true, false or
 * "unknown".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/iac_internal.h"

static void check_ingress(json_t *rule)
{
    size_t i, k;
    json_t *e, *p;
    json_array_foreach(json_object_get(rule, "public_ingress"), i, e) {
        json_int_t from = json_integer_value(json_object_get(e, "from_port"));
        json_int_t to = json_integer_value(json_object_get(e, "to_port"));
        if (from < 0 || to > 65535 || from > to || json_array_size(json_object_get(e, "sources")) == 0)
            abort();
        json_array_foreach(json_object_get(e, "admin_ports"), k, p) {
            if (json_integer_value(p) < from || json_integer_value(p) > to)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *t = NULL;
    int rc = iac_terraform_facts(&ctx, "plan.json", (const char *)data, size, &t);
    if (rc != VG_OK) {
        if (t || strncmp(ctx.message, "plan.json: ", 11) != 0)
            abort();
        vg_ctx_free(&ctx);
        return 0;
    }
    static const char *const members[] = {"resources", "network_rules", "storage", "s3_buckets",
                                          "cloudtrails", "drift", "unjudged_types", NULL};
    for (const char *const *m = members; *m; m++)
        if (!json_is_array(json_object_get(t, *m)))
            abort();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(t, "network_rules"), i, e) check_ingress(e);
    json_array_foreach(json_object_get(t, "storage"), i, e) {
        json_t *v = json_object_get(e, "encrypted");
        if (!json_is_boolean(v) && !(json_is_string(v) && strcmp(json_string_value(v), "unknown") == 0))
            abort();
    }
    json_decref(t);
    vg_ctx_free(&ctx);
    return 0;
}
