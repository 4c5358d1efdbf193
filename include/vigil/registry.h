/*
 * registry.h — images in an OCI registry as targets, and attestations
 * attached to them there (OCI distribution spec v1.1, spec.md: pull,
 * push, referrers; cosign's `sha256-<hex>.att` tag scheme).
 *
 * A target "registry:HOST[:PORT]/REPO[:TAG][@sha256:HEX]" is pulled over
 * HTTPS into a content-addressed cache and scanned as an OCI image layout
 * (source.h): vg_scan() sees the prefix and comes here.  Every blob and
 * manifest is checked against its digest while it streams in; nothing that
 * fails the check is kept.  Docs: docs/registry.md.
 *
 * Credentials: vg_registry_options.auth ("USER:PASSWORD"), else the entry
 * for the host in the "auths" of $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json.  Credential helpers (credsStore, credHelpers) are
 * not run: a host that only has one gets a message saying so.
 */
#ifndef VIGIL_REGISTRY_H
#define VIGIL_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"
#include "vigil/error.h"

#define VG_REGISTRY_PREFIX "registry:"

/* Called while a blob downloads (about once a second at most, and at the
 * end of each blob): blob is 1-based of nblobs, bytes so far of total. */
typedef void (*vg_registry_progress_fn)(void *arg, size_t blob, size_t nblobs, uint64_t bytes, uint64_t total);

typedef struct vg_registry_options {
    const char *auth;      /* "USER:PASSWORD", or NULL for the docker config */
    const char *ca_file;   /* PEM CA certificates trusted besides the system's
                              (and SSL_CERT_FILE's, which libcurl reads), or NULL */
    long timeout;          /* seconds to connect, and without a byte received,
                              before giving up; 0 = 30 */
    uint64_t max_total;    /* most bytes of blobs pulled for one image; 0 = the
                              scan's max_total_size */
    vg_registry_progress_fn progress; /* NULL: none */
    void *progress_arg;
} vg_registry_options;

/* Nonzero when target names a registry image (starts with "registry:"). */
int vg_registry_is_target(const char *target);

/* The manifest digest ("sha256:HEX") of the image target names, for
 * platform (as vg_scan_options.platform), as a scan of it would take it. */
int vg_registry_resolve(vg_ctx *ctx, const char *target, const char *platform, const vg_registry_options *opts,
                        char digest_out[72]);

/* One attestation to attach: the signed documents and the predicate type. */
typedef struct vg_registry_attestation {
    const char *predicate_type;          /* URI */
    const char *dsse; size_t dsse_len;   /* DSSE envelope (JSON) */
    const char *bundle; size_t bundle_len; /* Sigstore bundle v0.3 (JSON) */
} vg_registry_attestation;

/* Attaches att to the image target ("registry:...") whose manifest digest is
 * manifest_digest ("sha256:HEX"): the envelope as a layer of the manifest
 * tagged sha256-HEX.att (cosign's scheme; layers already there are kept),
 * and the bundle as a referrer (a manifest whose subject is the image, with
 * artifactType application/vnd.dev.sigstore.bundle.v0.3+json), listed by
 * the referrers API where the registry has it, else in the index tagged
 * sha256-HEX (the referrers tag schema).  VG_OK or an error naming the
 * registry and what it answered. */
int vg_registry_attach(vg_ctx *ctx, const char *target, const char *manifest_digest,
                       const vg_registry_attestation *att, const vg_registry_options *opts);

/* The attestations attached to the image target names (platform: as in
 * vg_scan_options): *digest_out gets its manifest digest ("sha256:HEX",
 * caller frees), docs_out the documents found (DSSE envelopes of the .att
 * tag, Sigstore bundles of referrers), *ndocs_out how many (caller frees
 * each with vg_buf_free, then the array with free).  None attached is
 * VG_ERR_NOT_FOUND. */
int vg_registry_attestations(vg_ctx *ctx, const char *target, const char *platform, const vg_registry_options *opts,
                             char **digest_out, vg_buf **docs_out, size_t *ndocs_out);

#endif
