/*
 * iac.c — `vigil collect iac` (include/vigil/collect.h, docs/collect.md
 * "iac"): the security facts of infrastructure as code before it is
 * applied.  Reads a Terraform plan as `terraform show -json PLANFILE`
 * prints it (iac_terraform.c; Terraform "Internals: JSON Output Format"),
 * at most IAC_TF_MAX_SIZE bytes.  Nothing is executed: the plan file is
 * made by the user's own terraform.
 * Left out: Kubernetes manifests (a later --k8s), Terraform state files.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "iac_internal.h"
#include "vigil/buf.h"
#include "vigil/collect.h"
#include "vigil/io.h"

/* Reads the plan at path and adds its facts to doc as "terraform". */
static int add_terraform(vg_ctx *ctx, json_t *doc, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", path, strerror(errno));
    vg_buf b;
    vg_buf_init(&b, IAC_TF_MAX_SIZE);
    int rc = vg_read_all(fd, &b);
    int e = errno;
    close(fd);
    if (rc == VG_ERR_LIMIT)
        rc = vg_error(ctx, rc, "%s: larger than %zu MiB: refused", path, IAC_TF_MAX_SIZE >> 20);
    else if (rc == VG_ERR_IO)
        rc = vg_error(ctx, rc, "%s: %s", path, strerror(e));
    else if (rc != VG_OK)
        rc = vg_error(ctx, rc, "%s: out of memory", path);
    json_t *facts = NULL;
    if (rc == VG_OK)
        rc = iac_terraform_facts(ctx, path, b.data ? b.data : "", b.len, &facts);
    vg_buf_free(&b);
    if (rc == VG_OK && (json_object_set_new(facts, "file", json_string(path)) != 0 ||
                        json_object_set_new(doc, "terraform", facts) != 0))
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
    return rc;
}

int vg_collect_iac(vg_ctx *ctx, const vg_collect_iac_options *o, json_t **out)
{
    *out = NULL;
    if (!o->terraform_plan || !o->terraform_plan[0])
        return vg_error(ctx, VG_ERR_USAGE, "collect iac: name a plan with --terraform-plan FILE");
    json_t *doc = vg_collect_document(ctx, "iac", 1, o->collected, o->terraform_plan);
    if (!doc)
        return VG_ERR_USAGE; /* the time or the target's name: the message is in ctx */
    int rc = add_terraform(ctx, doc, o->terraform_plan);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
