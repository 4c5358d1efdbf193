/*
 * collect.h — the evidence collectors (`vigil collect KIND`, docs/collect.md).
 *
 * Each collector gathers one kind of evidence (the hardening of binaries,
 * a TLS endpoint, a host's settings, ...) into one JSON document that
 * vigil policy types by its first members (src/policy/detect.c):
 *
 *   {"vigil-evidence": KIND, "schema": N, "collected": "RFC 3339 UTC",
 *    "collector": {"name": "vigil", "version": V}, "target": "...",
 *    "unchecked": [{"what": ..., "reason": ...}], ...the kind's members}
 *
 * "unchecked" lists what the collector was asked to look at and could not
 * (a file it may not read, an address that did not answer): the command
 * then exits 3, and a rule sees that the fact is unknown rather than
 * absent.  Each kind's members, and its schema version, are documented in
 * docs/collect.md and by docs/collect-KIND.schema.json.
 */
#ifndef VIGIL_COLLECT_H
#define VIGIL_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "vigil/catalog.h"
#include "vigil/error.h"
#include "vigil/source.h"

/* A new collector document of kind (a policy kind name, docs/policy.md)
 * and schema version schema, collected at the Unix time collected, of
 * target (as the user named it), with an empty "unchecked" array; NULL,
 * VG_ERR_NOMEM in ctx, when out of memory. */
json_t *vg_collect_document(vg_ctx *ctx, const char *kind, int schema, int64_t collected, const char *target);

/* Appends {"what": what, "reason": reason} to doc's "unchecked" (bytes
 * that are not UTF-8 as U+FFFD).  VG_OK or VG_ERR_NOMEM. */
int vg_collect_unchecked(vg_ctx *ctx, json_t *doc, const char *what, const char *reason);

/* The items of the array list (references to them) in a new array, sorted
 * by cmp, which compares two json_t * const * as qsort(3) does; NULL when
 * out of memory.  Collectors list their entries in a fixed order this way. */
json_t *vg_collect_sorted(const json_t *list, int (*cmp)(const void *, const void *));

/* vigil collect tls (src/collect/tls.c, docs/collect.md "tls"): an
 * OpenSSL client probe of each endpoint the caller names, and no other
 * address.  timeout_ms bounds every connection (connect, handshake, the
 * HTTP answer); at most VG_TLS_PARALLEL connections are open at once. */
#define VG_TLS_MAX_ENDPOINTS 64
#define VG_TLS_PARALLEL 8
typedef struct vg_collect_tls_options {
    const char *const *endpoints; /* "HOST:PORT" or "[V6]:PORT", as the user named them */
    size_t nendpoints;            /* 1 to VG_TLS_MAX_ENDPOINTS */
    const char *ca_file;          /* PEM bundle the chains must lead to; NULL: the system's store */
    const char *servername;       /* sent as SNI and matched by the certificate; NULL: each host */
    int timeout_ms;               /* per connection, 1 to 600000 */
    int64_t collected;            /* Unix time of the collection: days to expiry and verification */
} vg_collect_tls_options;

/* Checks that endpoint is HOST:PORT (a port 1-65535, a host of at most
 * 253 bytes without spaces or control characters, an IPv6 address in
 * brackets); VG_ERR_USAGE with the message in ctx otherwise. */
int vg_collect_tls_endpoint_check(vg_ctx *ctx, const char *endpoint);

/* Probes every endpoint of opts and sets *out to the document (the
 * caller's: json_decref it).  What could not be checked (an endpoint that
 * does not answer, a probe that timed out) is in its "unchecked"; the
 * return value is VG_OK then too.  VG_ERR_USAGE for bad options (a bad
 * endpoint or timeout), VG_ERR_IO for a ca_file without a PEM certificate
 * that can be read, VG_ERR_NOMEM, VG_ERR_UNSUPPORTED
 * when OpenSSL cannot make a client at all. */
int vg_collect_tls(vg_ctx *ctx, const vg_collect_tls_options *opts, json_t **out);
/* Moves the warnings recorded in ctx (by the source reading a target: a
 * file or directory that could not be read) into doc's "unchecked": what
 * is prefix and the warning's path, or target for a warning about no path;
 * warnings past VG_WARNINGS_MAX become one entry that counts them.  ctx
 * has no warnings after it.  VG_OK or VG_ERR_NOMEM. */
int vg_collect_take_warnings(vg_ctx *ctx, json_t *doc, const char *prefix, const char *target);

/* --- binaries (src/collect/binaries.c) ---------------------------------- */

typedef struct vg_collect_binaries_options {
    vg_scan_options scan;  /* exclude, platform, max_total_size as for vigil sbom;
                              the collector sets the catalogers and the rest */
    int all_filesystems;   /* a directory: also enter the other file systems
                              mounted below it (never pseudo ones: proc, sysfs ...) */
    size_t max_binaries;   /* binaries listed at most; 0: 200 000 */
} vg_collect_binaries_options;

/* The "binaries" document of target (a directory, root filesystem
 * tarball, docker-save archive or OCI image layout, as vigil sbom reads
 * it), collected at the Unix time collected: every ELF executable and
 * shared object with its hardening facts, sorted by path, a summary, and
 * in "unchecked" what could not be read.  VG_OK with *out the caller's;
 * otherwise an error with ctx->message set (the target cannot be read),
 * *out NULL. */
int vg_collect_binaries(vg_ctx *ctx, const char *target, const vg_collect_binaries_options *opts, int64_t collected,
                        json_t **out);

/* The entry of one file in the binaries document (docs/collect.md):
 * VG_OK with *out the caller's; VG_ERR_UNSUPPORTED, nothing to report,
 * when file is no ELF executable or shared object (any other file, a
 * broken PE or Mach-O file too, an ELF object or core file, a separate
 * debug-information file); VG_ERR_FORMAT,
 * VG_ERR_LIMIT or VG_ERR_IO with ctx->message "PATH: what is wrong" when
 * its headers are truncated, lie, or pass a limit; VG_ERR_NOMEM.  Reads
 * only through file->read_at. */
int vg_collect_binary(vg_ctx *ctx, const vg_file *file, json_t **out);
/* The "host" document (docs/collect.md "host") of the root filesystem at
 * root: "/" is the running system (its listening sockets are read too),
 * anything else a mounted or extracted root filesystem, read as if
 * chroot()ed there.  Nothing is executed.  The document is the caller's;
 * NULL with the reason in ctx when root is not a readable directory
 * (VG_ERR_NOT_FOUND, VG_ERR_IO) or out of memory. */
json_t *vg_collect_host(vg_ctx *ctx, const char *root, int64_t collected);

/* vigil collect securitytxt (src/collect/securitytxt.c, docs/collect.md
 * "securitytxt"): an RFC 9116 security.txt read from a file or fetched
 * from an https:// URL (a site's URL: its /.well-known/security.txt).
 * A fetch follows redirects only on the same origin, reads at most
 * 32 KiB and lasts at most timeout_ms. */
typedef struct vg_collect_securitytxt_options {
    const char *target;  /* an https:// (or, with allow_http, http://) URL, or a file */
    const char *ca_file; /* PEM bundle the server's chain must lead to; NULL: the system's store */
    int allow_http;      /* fetch an http:// URL too (a problem "not-https" in the document) */
    int timeout_ms;      /* the whole fetch, 1 to 600000 */
    int64_t collected;   /* Unix time of the collection: Expires is judged against it */
} vg_collect_securitytxt_options;

/* Reads or fetches the file of opts and sets *out to the document (the
 * caller's).  A fetch that fails (no answer, a status other than 200, a
 * body over 32 KiB, a redirect to another origin) is VG_OK with an
 * "unchecked" entry.  VG_ERR_USAGE for bad options or an http:// URL
 * without allow_http, VG_ERR_IO for a file that cannot be read,
 * VG_ERR_LIMIT for a file over 32 KiB, VG_ERR_NOMEM. */
int vg_collect_securitytxt(vg_ctx *ctx, const vg_collect_securitytxt_options *opts, json_t **out);

/* --- image (src/collect/image.c) --------------------------------------- */

/* The "image" document (docs/collect.md "image") of target, a `docker
 * save` archive or an OCI image layout (directory or tar) read as vigil
 * sbom reads it (opts: platform, exclude, sizes; NULL for the defaults),
 * collected at the Unix time collected: the image's configuration (user
 * and whether it is root, ports, entrypoint, cmd, the names of
 * secret-looking environment variables, never their values, labels,
 * healthcheck) and, from its final file view, the shells and package
 * managers present, the OS packages installed and the setuid and setgid
 * files.  VG_OK with *out the caller's (what could not be read in its
 * "unchecked"); VG_ERR_UNSUPPORTED for a target that is no image; the
 * source's errors (VG_ERR_FORMAT, VG_ERR_LIMIT, VG_ERR_DIGEST, ...) with
 * ctx->message "FILE: what is wrong"; *out NULL then. */
int vg_collect_image(vg_ctx *ctx, const char *target, const vg_scan_options *opts, int64_t collected, json_t **out);

/* vigil collect backup (src/collect/backup.c, docs/collect.md "backup"):
 * the snapshots of restic repositories (`restic snapshots --json`), the
 * archives of borg repositories (`borg list --json REPO`) and restore-test
 * logs (docs/collect.md says their format), each a file the caller names.
 * Nothing is executed and no repository is opened. */
typedef enum vg_backup_input_kind { VG_BACKUP_RESTIC, VG_BACKUP_BORG, VG_BACKUP_LOG } vg_backup_input_kind;
typedef struct vg_backup_input {
    vg_backup_input_kind kind;
    const char *path;     /* the file */
    const char *location; /* the repository's location (restic, borg), NULL: borg's own, restic none;
                             credentials in it (user:password@) are never written */
} vg_backup_input;
#define VG_BACKUP_MAX_INPUTS 64
typedef struct vg_collect_backup_options {
    const vg_backup_input *inputs;
    size_t ninputs;            /* 1 to VG_BACKUP_MAX_INPUTS */
    const char *borg_timezone; /* how a time without zone is read: "UTC", "+HH:MM"/"-HH:MM", "local"; NULL: refused */
    int64_t collected;         /* Unix time of the collection: the ages are counted to it */
} vg_collect_backup_options;

/* Reads every input of opts and sets *out to the document (the caller's).
 * VG_ERR_USAGE for bad options or a zone-less time without
 * borg_timezone, VG_ERR_IO / VG_ERR_NOT_FOUND for a file that cannot be
 * read, VG_ERR_FORMAT for one that is not what its tool writes, VG_ERR_LIMIT
 * past a bound; ctx->message then names the file.  VG_ERR_NOMEM. */
int vg_collect_backup(vg_ctx *ctx, const vg_collect_backup_options *opts, json_t **out);

/* --- identity (src/collect/identity.c, docs/collect.md "identity") ------ */

/* The identity providers whose exports vigil collect identity reads. */
typedef enum vg_identity_provider {
    VG_IDENTITY_OKTA,   /* GET /api/v1/users with each user's factors and the admins */
    VG_IDENTITY_ENTRA,  /* Microsoft Graph userRegistrationDetails (and Conditional Access policies) */
    VG_IDENTITY_GOOGLE, /* Admin SDK Directory users.list */
    VG_IDENTITY_GITHUB, /* GET /orgs/{org}, its members, admins and members without 2FA */
} vg_identity_provider;

typedef struct vg_identity_export {
    vg_identity_provider provider;
    const char *path;    /* the export, a JSON file (docs/collect.md says its shape) */
    const char *ca_path; /* Entra only: GET /identity/conditionalAccess/policies; NULL: not given */
    const char *users_path; /* Entra only: GET /users with accountEnabled, signInActivity; NULL: not given */
} vg_identity_export;

#define VG_IDENTITY_MAX_EXPORTS 64
typedef struct vg_collect_identity_options {
    const vg_identity_export *exports; /* 1 to VG_IDENTITY_MAX_EXPORTS */
    size_t nexports;
    const char *leavers_path; /* CSV "id,leaving_date"; NULL: none */
    int64_t collected;        /* Unix time of the collection */
} vg_collect_identity_options;

/* Reads every export of opts (and the leavers CSV) into one "identity"
 * document (*out, the caller's).  Nothing is fetched.  VG_ERR_USAGE for
 * bad options, VG_ERR_IO for a file that cannot be read, VG_ERR_FORMAT or
 * VG_ERR_LIMIT ("FILE: what is wrong") for one that is not the documented
 * shape or passes a limit, VG_ERR_NOMEM; *out NULL then. */
int vg_collect_identity(vg_ctx *ctx, const vg_collect_identity_options *opts, json_t **out);

/* vigil collect repo (src/collect/repo.c, docs/collect.md "repo"): the
 * signatures of the tags and recent commits of a git repository, as
 * `git verify-tag` and `git verify-commit` judge them; vigil runs git
 * (fixed argv, no shell, each command bounded to timeout_ms and 16 MiB of
 * output). */
typedef struct vg_collect_repo_options {
    const char *git_dir; /* a checkout or bare repository, as `git -C` takes it; or NULL with github */
    const char *github;  /* instead of git_dir: a GitHub REST API export (docs/collect.md "repo"), or NULL */
    int commits;         /* the last commits of HEAD whose signatures are counted, 0 to 10000 */
    int timeout_ms;      /* per git command, 1 to 600000 */
    int64_t collected;   /* Unix time of the collection */
} vg_collect_repo_options;

/* Sets *out to the "repo" document of opts (the caller's).  A git command
 * that times out or prints too much is an "unchecked" entry, VG_OK; so is
 * a github export without the default branch's protection.  With github
 * (and no git_dir) nothing is run: VG_ERR_IO / VG_ERR_NOT_FOUND when the
 * file cannot be read, VG_ERR_FORMAT / VG_ERR_LIMIT when it is not the
 * export (ctx->message names the file).
 * VG_ERR_USAGE for bad options, VG_ERR_NOT_FOUND when git_dir is no git
 * repository, VG_ERR_UNSUPPORTED when git cannot be run, VG_ERR_IO when
 * git cannot list the tags, VG_ERR_NOMEM. */
int vg_collect_repo(vg_ctx *ctx, const vg_collect_repo_options *opts, json_t **out);

/* vigil collect iac (src/collect/iac.c, docs/collect.md "iac"): the
 * security facts of a Terraform plan, as `terraform show -json PLANFILE`
 * prints it (at most 256 MiB): public ingress to administration and
 * database ports, storage encryption, S3 bucket encryption and logging,
 * CloudTrail trails, drift; and of the Kubernetes manifests of a directory:
 * workload and container security settings, default-deny network
 * policies per namespace.  Nothing is run. */
typedef struct vg_collect_iac_options {
    const char *terraform_plan; /* the plan's JSON file, or NULL */
    const char *k8s_dir;        /* a directory of Kubernetes manifests, or NULL (one of the two at least) */
    int64_t collected;          /* Unix time of the collection */
} vg_collect_iac_options;

/* Sets *out to the document (the caller's).  VG_ERR_USAGE without a plan
 * or directory, or a --k8s that is no directory; VG_ERR_NOT_FOUND /
 * VG_ERR_IO for a file that cannot be read, VG_ERR_FORMAT for one that is
 * not a plan's JSON or not YAML, VG_ERR_LIMIT for one too large or deep;
 * ctx->message "FILE: what is wrong". */
int vg_collect_iac(vg_ctx *ctx, const vg_collect_iac_options *opts, json_t **out);

#endif
