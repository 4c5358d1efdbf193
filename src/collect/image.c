/*
 * image.c — `vigil collect image`: the facts behind a "minimal, non-root"
 * verdict on a container image (docs/collect.md, "image").
 *
 * The target is a `docker save` archive or an OCI image layout (directory
 * or tar), read as vigil sbom reads it (src/source/image.c: digests
 * verified, layers applied with their whiteouts); the collector sees the
 * final view only.  From the image config (kept by the source as
 * vg_target.config) image_config.c takes the user, ports, entrypoint, cmd,
 * working directory, labels, healthcheck and the names of secret-looking
 * environment variables.  From the files, one cataloger of its own
 * (image_files) notes the shells and package managers present at their
 * usual paths, the setuid and setgid executables, and reads /etc/passwd to
 * resolve the user; the OS package catalogers of vigil sbom (dpkg, apk,
 * rpm) count the installed packages.
 *
 * Left out: whether a shell or package manager could be run from
 * elsewhere (a binary under another name, an interpreter such as python
 * -c); files that are setuid without an executable bit (the source offers
 * executables only); image signatures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format_internal.h"
#include "image_internal.h"
#include "vigil/collect.h"
#include "vigil/source.h"

#define IMAGE_SCHEMA 1
#define IMAGE_FILE_MAX ((size_t)1 << 40) /* executables are offered for their mode only */
#define IMAGE_PROGRAM_MAX ((size_t)64 << 20) /* a shell or package manager, read whole (not looked at) */
#define IMAGE_SETUID_MAX 10000          /* setuid and setgid files listed */

extern const vg_cataloger vg_cataloger_osrelease;
extern const vg_cataloger vg_cataloger_dpkg;
extern const vg_cataloger vg_cataloger_apk;
extern const vg_cataloger vg_cataloger_rpm;

/* Directories a shell or package manager is looked for in. */
static const char *const bin_dirs[] = {"bin/", "sbin/", "usr/bin/", "usr/sbin/", "usr/local/bin/", "usr/local/sbin/"};

static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "busybox"};

/* Package managers by the name of their program, with their package format. */
static const struct {
    const char *program, *format;
} managers[] = {
    {"apt", "deb"},      {"apt-get", "deb"}, {"dpkg", "deb"}, {"apk", "apk"},   {"rpm", "rpm"},
    {"dnf", "rpm"},      {"yum", "rpm"},     {"microdnf", "rpm"}, {"tdnf", "rpm"}, {"zypper", "rpm"},
    {"pip", "python"},   {"pip3", "python"},
};

typedef struct image_files {
    json_t *shells;   /* paths */
    json_t *managers; /* {name, format, path} */
    json_t *setuid;   /* {path, mode, setuid, setgid} */
    size_t setuid_over;
    char *passwd;     /* the text of /etc/passwd, or NULL */
    size_t passwd_len;
} image_files;

/* The base name of path if its directory is one of bin_dirs. */
static int in_bin_dir(const char *path, size_t base)
{
    for (size_t i = 0; i < sizeof bin_dirs / sizeof bin_dirs[0]; i++)
        if (strlen(bin_dirs[i]) == base && memcmp(path, bin_dirs[i], base) == 0)
            return 1;
    return 0;
}

static int is_shell(const char *name)
{
    for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++)
        if (strcmp(name, shells[i]) == 0)
            return 1;
    return 0;
}

static int manager_index(const char *name)
{
    for (size_t i = 0; i < sizeof managers / sizeof managers[0]; i++)
        if (strcmp(name, managers[i].program) == 0)
            return (int)i;
    return -1;
}

static int wants_image_file(const char *path, size_t len, size_t base)
{
    if (len == 10 && memcmp(path, "etc/passwd", 10) == 0)
        return 1;
    const char *name = path + base;
    return in_bin_dir(path, base) && (is_shell(name) || manager_index(name) >= 0);
}

static void *image_files_begin(vg_catalog_run *run)
{
    return run->user;
}

static int read_passwd(vg_catalog_run *run, image_files *f, const vg_file *file)
{
    if (file->size > IMAGE_PASSWD_MAX) {
        vg_warn(run->ctx, file->path, "larger than %zu bytes: not read", IMAGE_PASSWD_MAX);
        return VG_OK;
    }
    free(f->passwd);
    f->passwd = malloc(file->size + 1);
    if (!f->passwd)
        return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    long got = file->read_at(file, 0, f->passwd, file->size);
    if (got < 0 || (size_t)got != file->size) {
        free(f->passwd);
        f->passwd = NULL;
        vg_warn(run->ctx, file->path, "cannot be read");
        return VG_OK;
    }
    f->passwd[got] = '\0';
    f->passwd_len = (size_t)got;
    return VG_OK;
}

/* A file wanted by path (symlinks resolved): a shell, a package manager,
 * /etc/passwd. */
static int image_paths_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    image_files *f = state;
    const char *slash = strrchr(file->path, '/');
    size_t base = slash ? (size_t)(slash - file->path) + 1 : 0;
    const char *name = file->path + base;
    if (strcmp(file->path, "etc/passwd") == 0)
        return read_passwd(run, f, file);
    if (!(file->mode & 0111))
        return VG_OK; /* not executable: no program */
    char path[4096];
    snprintf(path, sizeof path, "/%s", file->path);
    int m = manager_index(name), bad = 0;
    if (is_shell(name))
        bad |= json_array_append_new(f->shells, fmt_str(path));
    if (m >= 0)
        bad |= json_array_append_new(f->managers, json_pack("{s:s, s:s, s:o}", "name", managers[m].program, "format",
                                                            managers[m].format, "path", fmt_str(path)));
    return bad ? vg_error(run->ctx, VG_ERR_NOMEM, "out of memory") : VG_OK;
}

/* Offered every executable file under its own path (never through a
 * symlink), for its setuid and setgid bits; its content is not read. */
static int wants_nothing(const char *path, size_t len, size_t base)
{
    return 0;
}

static int image_setuid_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    image_files *f = state;
    if (!(file->mode & 06000))
        return VG_OK;
    if (json_array_size(f->setuid) >= IMAGE_SETUID_MAX) {
        f->setuid_over++;
        return VG_OK;
    }
    char path[4096], mode[8];
    snprintf(path, sizeof path, "/%s", file->path);
    snprintf(mode, sizeof mode, "%04o", file->mode & 07777);
    if (json_array_append_new(f->setuid, json_pack("{s:o, s:s, s:b, s:b}", "path", fmt_str(path), "mode", mode,
                                                   "setuid", (file->mode & 04000) != 0, "setgid",
                                                   (file->mode & 02000) != 0)))
        return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

static int image_files_finish(vg_catalog_run *run, void *state)
{
    return VG_OK; /* the facts are the caller's (run->user) */
}

static const vg_cataloger image_paths_cataloger = {
    .name = "image-paths",
    .wants = wants_image_file,
    .max_size = IMAGE_PROGRAM_MAX,
    .begin = image_files_begin,
    .collect = image_paths_collect,
    .finish = image_files_finish,
};

static const vg_cataloger image_setuid_cataloger = {
    .name = "image-setuid",
    .wants = wants_nothing,
    .max_size = IMAGE_FILE_MAX,
    .flags = VG_CATALOG_RANDOM_ACCESS | VG_CATALOG_EXECUTABLES,
    .begin = image_files_begin,
    .collect = image_setuid_collect,
    .finish = image_files_finish,
};

/* os-release first, as in vigil sbom: the package catalogers read it. */
static const vg_cataloger *const image_table[] = {&vg_cataloger_osrelease, &vg_cataloger_dpkg, &vg_cataloger_apk,
                                                  &vg_cataloger_rpm, &image_paths_cataloger,
                                                  &image_setuid_cataloger, NULL};

/* Orders strings, or objects by their "path". */
static int cmp_by_path(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *px = json_is_string(x) ? json_string_value(x) : json_string_value(json_object_get(x, "path"));
    const char *py = json_is_string(y) ? json_string_value(y) : json_string_value(json_object_get(y, "path"));
    return strcmp(px, py);
}

/* How many packages of each OS package format the catalogers found. */
static json_t *package_counts(const vg_inventory *inv)
{
    json_int_t deb = 0, apk = 0, rpm = 0;
    for (size_t i = 0; i < inv->ncomponents; i++) {
        const char *type = inv->components[i]->type;
        deb += type && strcmp(type, "deb") == 0;
        apk += type && strcmp(type, "apk") == 0;
        rpm += type && strcmp(type, "rpm") == 0;
    }
    return json_pack("{s:I, s:I, s:I, s:I}", "total", deb + apk + rpm, "deb", deb, "apk", apk, "rpm", rpm);
}

/* A directory that is no OCI image layout (as src/source/source.c tells
 * them apart): refused before it is walked.  The scan decides again; this
 * only spares walking a whole root filesystem to refuse it. */
static int plain_directory(const char *target)
{
    int fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int oci = faccessat(fd, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
              faccessat(fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    close(fd);
    return !oci;
}

int vg_collect_image(vg_ctx *ctx, const char *target, const vg_scan_options *opts, int64_t collected, json_t **out)
{
    *out = NULL;
    image_files f = {.shells = json_array(), .managers = json_array(), .setuid = json_array()};
    json_t *doc = vg_collect_document(ctx, "image", IMAGE_SCHEMA, collected, target);
    json_t *config = NULL, *files = NULL;
    vg_inventory inv;
    vg_inventory_init(&inv);
    int rc = doc ? VG_OK : VG_ERR_NOMEM;
    if (rc == VG_OK && (!f.shells || !f.managers || !f.setuid))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    int refused = rc == VG_OK && plain_directory(target);
    if (rc == VG_OK && !refused) {
        vg_scan_options scan = opts ? *opts : (vg_scan_options){0};
        scan.table = image_table;
        scan.catalogers = 0;
        scan.user = &f;
        scan.final_view_only = 1;
        rc = vg_scan(ctx, target, &scan, &inv);
    }
    if (rc == VG_OK && (refused || !inv.target.config))
        rc = vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: not a container image (a docker save archive or an OCI image "
                                               "layout); vigil collect host and binaries read root filesystems",
                      target);
    if (rc == VG_OK) {
        char name[4200];
        snprintf(name, sizeof name, "%s: the image config %s", target, inv.target.image_id);
        rc = image_config_parse(ctx, name, inv.target.config, strlen(inv.target.config), &config);
    }
    if (rc == VG_OK) {
        const char *why = image_config_resolve_user(config, f.passwd, f.passwd_len);
        if (why) {
            char what[4200];
            snprintf(what, sizeof what, "user %s", json_string_value(json_object_get(config, "user")));
            rc = vg_collect_unchecked(ctx, doc, what, why);
        }
    }
    if (rc == VG_OK && f.setuid_over) {
        char reason[160];
        snprintf(reason, sizeof reason, "%zu more setuid or setgid files than the %d listed", f.setuid_over,
                 IMAGE_SETUID_MAX);
        rc = vg_collect_unchecked(ctx, doc, target, reason);
    }
    if (rc == VG_OK)
        rc = vg_collect_take_warnings(ctx, doc, "/", target);
    if (rc == VG_OK) {
        json_t *tags = json_array();
        for (size_t i = 0; tags && i < inv.target.ntags; i++)
            if (json_array_append_new(tags, fmt_str(inv.target.tags[i])))
                json_decref(tags), tags = NULL;
        files = json_pack("{s:o, s:o, s:o, s:o}", "shells", vg_collect_sorted(f.shells, cmp_by_path), "package_managers",
                          vg_collect_sorted(f.managers, cmp_by_path), "packages", package_counts(&inv), "setuid",
                          vg_collect_sorted(f.setuid, cmp_by_path));
        const char *format = inv.target.kind == VG_TARGET_OCI_LAYOUT ? "oci-layout" : "docker-archive";
        int bad = !tags || !files;
        bad |= json_object_set_new(doc, "format", json_string(format));
        bad |= json_object_set_new(doc, "digest", fmt_str(inv.target.digest));
        bad |= json_object_set_new(doc, "image_id", fmt_str(inv.target.image_id));
        bad |= json_object_set_new(doc, "tags", tags);
        bad |= json_object_set_new(doc, "architecture", inv.target.architecture ? fmt_str(inv.target.architecture)
                                                                                : json_null());
        bad |= json_object_set_new(doc, "os", inv.target.os ? fmt_str(inv.target.os) : json_null());
        bad |= json_object_set_new(doc, "layers", json_integer((json_int_t)inv.target.nlayers));
        bad |= json_object_set_new(doc, "config", config);
        bad |= json_object_set_new(doc, "files", files);
        config = files = NULL;
        if (bad)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(config);
    json_decref(f.shells);
    json_decref(f.managers);
    json_decref(f.setuid);
    free(f.passwd);
    vg_inventory_free(&inv);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
