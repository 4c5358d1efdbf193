/*
 * iac.c — `vigil collect iac` (include/vigil/collect.h, docs/collect.md
 * "iac"): the security facts of infrastructure as code before it is
 * applied.  Reads a Terraform plan as `terraform show -json PLANFILE`
 * prints it (iac_terraform.c; Terraform "Internals: JSON Output Format"),
 * at most IAC_TF_MAX_SIZE bytes.  Nothing is executed: the plan file is
 * made by the user's own terraform.
 * With --k8s, the Kubernetes manifests (*.yaml, *.yml, *.json) of a
 * directory tree (iac_k8s.c): at most IAC_K8S_MAX_FILES files of
 * IAC_K8S_MAX_FILE bytes, IAC_K8S_MAX_DEPTH levels down, in name order;
 * symbolic links and names starting with "." are not followed.
 * Left out: Terraform state files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iac_internal.h"
#include "vigil/buf.h"
#include "vigil/collect.h"
#include "vigil/io.h"

/* Reads path (at most max bytes) into b, with "PATH: what is wrong". */
static int read_input(vg_ctx *ctx, const char *path, size_t max, vg_buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", path, strerror(errno));
    vg_buf_init(b, max);
    int rc = vg_read_all(fd, b);
    int e = errno;
    close(fd);
    if (rc == VG_ERR_LIMIT)
        return vg_error(ctx, rc, "%s: larger than %zu MiB: refused", path, max >> 20);
    if (rc == VG_ERR_IO)
        return vg_error(ctx, rc, "%s: %s", path, strerror(e));
    if (rc != VG_OK)
        return vg_error(ctx, rc, "%s: out of memory", path);
    return VG_OK;
}

/* Reads the plan at path and adds its facts to doc as "terraform". */
static int add_terraform(vg_ctx *ctx, json_t *doc, const char *path)
{
    vg_buf b;
    json_t *facts = NULL;
    int rc = read_input(ctx, path, IAC_TF_MAX_SIZE, &b);
    if (rc == VG_OK)
        rc = iac_terraform_facts(ctx, path, b.data ? b.data : "", b.len, &facts);
    vg_buf_free(&b);
    if (rc == VG_OK && (json_object_set_new(facts, "file", json_string(path)) != 0 ||
                        json_object_set_new(doc, "terraform", facts) != 0))
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
    return rc;
}

static int is_manifest(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the manifests of directory dir, and of those below it, into k. */
static int walk_k8s(vg_ctx *ctx, const char *dir, int depth, json_t *k)
{
    if (depth > IAC_K8S_MAX_DEPTH)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d directory levels", dir, IAC_K8S_MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;
    struct dirent *e;
    while (rc == VG_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = cap <= IAC_K8S_MAX_FILES * 2 ? realloc(names, cap * sizeof *names) : NULL;
            if (!grown) {
                rc = vg_error(ctx, cap > IAC_K8S_MAX_FILES * 2 ? VG_ERR_LIMIT : VG_ERR_NOMEM,
                              "%s: too many entries", dir);
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", dir);
        else
            n++;
    }
    closedir(d);
    if (rc == VG_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        vg_buf path;
        vg_buf_init(&path, 4096);
        if (vg_buf_addf(&path, "%s/%s", dir, names[i]) != VG_OK) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s/%s: path too long", dir, names[i]);
            break;
        }
        struct stat st;
        if (lstat(path.data, &st) != 0) {
            rc = vg_error(ctx, VG_ERR_IO, "%s: %s", path.data, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_k8s(ctx, path.data, depth + 1, k);
        } else if (S_ISREG(st.st_mode) && is_manifest(names[i])) {
            if (json_integer_value(json_object_get(k, "files")) >= IAC_K8S_MAX_FILES) {
                rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d manifest files", path.data, IAC_K8S_MAX_FILES);
            } else {
                vg_buf b;
                rc = read_input(ctx, path.data, IAC_K8S_MAX_FILE, &b);
                if (rc == VG_OK)
                    rc = iac_k8s_read(ctx, path.data, b.data ? b.data : "", b.len, k);
                vg_buf_free(&b);
            }
        }
        vg_buf_free(&path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Reads the manifests below dir and adds their facts to doc as "kubernetes". */
static int add_kubernetes(vg_ctx *ctx, json_t *doc, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return vg_error(ctx, VG_ERR_USAGE, "%s: not a directory (--k8s names a directory of manifests)", dir);
    json_t *k = iac_k8s_new();
    if (!k)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", dir);
    int rc = walk_k8s(ctx, dir, 0, k);
    if (rc == VG_OK)
        rc = iac_k8s_finish(ctx, k);
    if (rc == VG_OK && (json_object_set_new(k, "directory", json_string(dir)) != 0 ||
                        json_object_set_new(doc, "kubernetes", json_incref(k)) != 0))
        rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", dir);
    json_decref(k);
    return rc;
}

int vg_collect_iac(vg_ctx *ctx, const vg_collect_iac_options *o, json_t **out)
{
    *out = NULL;
    int plan = o->terraform_plan && o->terraform_plan[0], k8s = o->k8s_dir && o->k8s_dir[0];
    if (!plan && !k8s)
        return vg_error(ctx, VG_ERR_USAGE, "collect iac: name a plan with --terraform-plan FILE or manifests with --k8s DIR");
    json_t *doc = vg_collect_document(ctx, "iac", 1, o->collected, plan ? o->terraform_plan : o->k8s_dir);
    if (!doc)
        return VG_ERR_USAGE; /* the time or the target's name: the message is in ctx */
    int rc = plan ? add_terraform(ctx, doc, o->terraform_plan) : VG_OK;
    if (rc == VG_OK && k8s)
        rc = add_kubernetes(ctx, doc, o->k8s_dir);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
