/*
 * registry_internal.h — the parts of the registry client that call each
 * other: parsing (registry_parse.c), HTTP and auth (registry_http.c),
 * pulling and the cache (registry.c), attestations (registry_attach.c).
 */
#ifndef VIGIL_REGISTRY_INTERNAL_H
#define VIGIL_REGISTRY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/registry.h"

#define REG_MAX_MANIFEST ((size_t)4 << 20) /* distribution spec: registries may refuse larger */
#define REG_MAX_LAYERS 1000
#define REG_MAX_REDIRECTS 5
#define REG_MAX_HEADER 8192                /* one WWW-Authenticate, one token answer field */
#define REG_MAX_TOKEN_ANSWER ((size_t)1 << 20)
#define REG_MAX_DOCKER_CONFIG ((size_t)1 << 20)
#define REG_MAX_REFERENCE 1024

#define REG_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REG_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define REG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REG_MT_DSSE "application/vnd.dsse.envelope.v1+json"
#define REG_MT_EMPTY "application/vnd.oci.empty.v1+json"

/* "registry:HOST[:PORT]/REPO[:TAG][@sha256:HEX]", split.  host is what
 * the URL takes (docker.io becomes registry-1.docker.io, and a one-part
 * repository there library/NAME); reference is the digest when given,
 * else the tag (default "latest"). */
typedef struct reg_ref {
    char host[256];
    char repo[256];
    char tag[129];
    char digest[72];    /* "" when not given */
    char reference[129 + 72];
    char auth_host[256]; /* the host as docker config.json keys it */
} reg_ref;

/* registry_parse.c: pure parsers, no I/O (fuzzed by fuzz_registry.c). */
int reg_ref_parse(vg_ctx *ctx, const char *target, reg_ref *out);

/* A WWW-Authenticate challenge (RFC 7235; the distribution token spec):
 * scheme Bearer with realm, service and scope, or Basic. */
typedef struct reg_challenge {
    enum { REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER } scheme;
    char realm[1024];
    char service[256];
    char scope[512];
} reg_challenge;
int reg_challenge_parse(const char *header, size_t len, reg_challenge *out);

/* Credentials for host from a docker config.json text: VG_OK with
 * user/password set (both empty when the file has no entry for host),
 * VG_ERR_UNSUPPORTED when only a credential helper has them, VG_ERR_FORMAT
 * when the file or the entry is malformed.  where names the file. */
int reg_docker_config_lookup(vg_ctx *ctx, const char *where, const char *text, size_t len, const char *host,
                             char *user, size_t usize, char *password, size_t psize);

/* registry.c: "sha256:HEX" of data. */
void reg_sha256(const void *data, size_t len, char out[72]);

/* Is d "sha256:" and 64 lowercase hex digits? */
int reg_valid_digest(const char *d);

/* registry_http.c: one client per registry and repository. */
typedef struct reg_client reg_client;

/* Opens a client for ref; push: ask for push rights as well as pull. */
int reg_client_open(vg_ctx *ctx, const reg_ref *ref, const vg_registry_options *opts, int push, reg_client **out);
void reg_client_close(reg_client *c);

/* The answer to one request. */
typedef struct reg_response {
    long status;
    char content_type[256];
    char digest[80];      /* Docker-Content-Digest */
    char location[2048];  /* Location */
    int oci_subject;      /* an OCI-Subject header came back */
} reg_response;

/* Where a response body goes: into a buffer of at most max bytes, or to a
 * callback (a blob being written to the cache). */
typedef struct reg_sink {
    vg_buf *buf;
    size_t max;
    int (*write)(void *arg, const void *data, size_t len); /* nonzero stops the transfer */
    void *arg;
} reg_sink;

/* method on path (below https://HOST, e.g. "/v2/REPO/manifests/TAG") or an
 * absolute URL (a Location); accept: Accept header or NULL; body/ctype: a
 * request body or NULL.  Answers 401 by authenticating once (Bearer token
 * or Basic) and trying again.  VG_OK when a response came (any status:
 * look at resp->status), else an error naming the registry. */
int reg_request(reg_client *c, const char *method, const char *path, const char *accept, const void *body,
                size_t body_len, const char *ctype, reg_sink *sink, reg_response *resp);

/* The message for a response that was not what was asked for. */
int reg_status_error(reg_client *c, const char *what, const reg_response *resp);

const reg_ref *reg_client_ref(const reg_client *c);
vg_ctx *reg_client_ctx(const reg_client *c);

/* registry.c: a manifest (or index) by tag or digest, checked against its
 * digest; from the cache when asked by digest and cached.  *digest_out
 * gets its digest, *mt_out its media type (arena-free: caller frees). */
int reg_get_manifest(reg_client *c, const char *reference, vg_buf *out, char digest_out[72], char **mt_out);

/* registry.c: resolves ref to one image manifest (picking a platform from
 * an index): its bytes, digest, media type and the index descriptor's
 * platform (or NULL). */
typedef struct reg_image {
    vg_buf manifest;
    char digest[72];
    char *media_type;
    json_t *platform;
} reg_image;
int reg_resolve_image(reg_client *c, const char *platform, reg_image *out);
void reg_image_free(reg_image *img);

#endif
