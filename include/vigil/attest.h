/*
 * attest.h — signing keys, in-toto statements, DSSE envelopes, Sigstore
 * bundles, SLSA provenance predicates, and their verification (OpenSSL 3).
 *
 * Formats (docs/attestations.md describes them with examples):
 *  - in-toto Attestation Framework, Statement v1
 *    (_type "https://in-toto.io/Statement/v1").
 *  - DSSE v1.0.2 (Dead Simple Signing Envelope); signatures over
 *    PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
 *  - Sigstore bundle v0.3 (protobuf-specs, JSON form), media type
 *    application/vnd.dev.sigstore.bundle.v0.3+json, verification material
 *    publicKey.hint, content dsseEnvelope, no transparency-log entries.
 *  - SLSA Provenance v1 predicate (https://slsa.dev/provenance/v1).
 *
 * Keys: Ed25519 (signs the message itself, RFC 8032 PureEdDSA) and ECDSA on
 * P-256 (signs SHA-256 of the message; signatures are ASN.1 DER), both as
 * Sigstore does.  The key id ("hint", DSSE "keyid") of a key is the
 * lowercase hex SHA-256 of its DER SubjectPublicKeyInfo.
 *
 * Left out: keyless signing (Fulcio certificates), transparency logs (Rekor),
 * RFC 3161 timestamps, message-signature bundles, RSA keys, ed25519ph.
 *
 * Ownership: a vg_key is opaque and belongs to the caller (vg_key_free).
 * Output goes into caller-supplied vg_buf; on failure its content is
 * unspecified and the caller frees it as usual.
 */
#ifndef VIGIL_ATTEST_H
#define VIGIL_ATTEST_H

#include <stddef.h>

#include "vigil/buf.h"
#include "vigil/digest.h"
#include "vigil/error.h"

#define VG_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define VG_INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define VG_SIGSTORE_BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"
#define VG_SLSA_PROVENANCE_V1 "https://slsa.dev/provenance/v1"

/* Largest document (bundle, envelope, predicate) vigil reads or writes. */
#define VG_ATTEST_MAX_DOCUMENT ((size_t)1 << 30)

/* ---- keys (keys.c) ---- */

typedef enum vg_key_type {
    VG_KEY_ED25519 = 1,
    VG_KEY_ECDSA_P256 = 2,
} vg_key_type;

typedef struct vg_key vg_key;

/* Hex SHA-256 of the DER SubjectPublicKeyInfo, NUL-terminated. */
#define VG_KEY_ID_LEN 64

/* Creates PREFIX.key (PKCS#8 PEM, mode 0600, encrypted with AES-256-CBC /
 * PBKDF2 when passphrase is non-NULL and non-empty) and PREFIX.pub
 * (SubjectPublicKeyInfo PEM, mode 0644 less umask).  Both are opened with
 * O_CREAT|O_EXCL|O_NOFOLLOW: when either exists, nothing is written and
 * VG_ERR_USAGE is returned.  On any failure no file is left behind.  The
 * private key bytes are wiped from memory before returning.  key_id_out
 * (VG_KEY_ID_LEN+1 bytes, may be NULL) receives the new key's id. */
int vg_key_generate(vg_ctx *ctx, vg_key_type type, const char *prefix,
                    const char *passphrase, size_t passphrase_len, char *key_id_out);

/* Loads a PKCS#8 PEM private key (encrypted or not).  When the key is
 * encrypted and passphrase is NULL, returns VG_ERR_PERMISSION with
 * *needs_passphrase = 1 (needs_passphrase may be NULL) so the caller can ask
 * for one and retry; a wrong passphrase is VG_ERR_PERMISSION too, with
 * *needs_passphrase = 0.  Only Ed25519 and ECDSA P-256 keys are accepted
 * (VG_ERR_UNSUPPORTED otherwise).  Key material never appears in messages. */
int vg_key_load_private(vg_ctx *ctx, const char *path, const char *passphrase,
                        size_t passphrase_len, int *needs_passphrase, vg_key **out);

/* Loads a SubjectPublicKeyInfo PEM public key (Ed25519 or ECDSA P-256). */
int vg_key_load_public(vg_ctx *ctx, const char *path, vg_key **out);

void vg_key_free(vg_key *key);
vg_key_type vg_key_get_type(const vg_key *key);
/* "ed25519" or "ecdsa-p256". */
const char *vg_key_type_name(vg_key_type type);
/* The key id (see above); borrowed, lives as long as key. */
const char *vg_key_id(const vg_key *key);

/* Signs msg: Ed25519 over msg itself, ECDSA P-256 over SHA-256(msg) with a
 * DER signature.  Appends the raw signature bytes to sig. */
int vg_key_sign(vg_ctx *ctx, const vg_key *key, const void *msg, size_t len, vg_buf *sig);

/* Checks sig over msg (same scheme as vg_key_sign).  Returns VG_OK when it
 * verifies, VG_ERR_SIGNATURE when it does not, VG_ERR_FORMAT when sig is not a
 * well-formed signature for the key type (wrong length, bad DER); the
 * message says which. */
int vg_key_verify(vg_ctx *ctx, const vg_key *key, const void *msg, size_t len,
                  const unsigned char *sig, size_t siglen);

/* Detached signature of a file, as cosign sign-blob makes it: ECDSA P-256
 * over SHA-256 of the file (streamed), Ed25519 over the file's bytes.
 * Appends the base64 of the signature (no newline) to sig_base64. */
int vg_blob_sign(vg_ctx *ctx, const vg_key *key, const char *path, vg_buf *sig_base64);

/* Checks a detached base64 signature (surrounding whitespace allowed) of the
 * file at path.  VG_OK, VG_ERR_SIGNATURE (does not verify), VG_ERR_FORMAT (not
 * base64 / malformed signature) or an I/O status. */
int vg_blob_verify(vg_ctx *ctx, const vg_key *key, const char *path,
                   const char *sig_base64, size_t len);

/* ---- in-toto statements (intoto.c) ---- */

typedef struct vg_attest_subject {
    const char *name;   /* e.g. file name, or image reference */
    const char *sha256; /* 64 hex digits; required */
    const char *sha512; /* 128 hex digits or NULL */
} vg_attest_subject;

/* Full predicate type URI for a short name (cyclonedx, spdx, vuln,
 * slsa-provenance, openvex) or, when name contains ':', name itself.
 * Returns NULL for an unknown short name.  Borrowed. */
const char *vg_predicate_type_uri(const char *name);

/* Checks that json[0..len) is one JSON object (RFC 8259: strict syntax,
 * valid UTF-8, nesting at most 512 deep).  VG_OK or VG_ERR_FORMAT with the
 * byte offset of the problem in the message. */
int vg_json_check_object(vg_ctx *ctx, const char *what, const char *json, size_t len);

/* Appends an in-toto Statement v1 to out: compact JSON with _type, subject
 * (name and digest.sha256 and, when set, digest.sha512), predicateType and
 * predicate.  predicate_json is checked with vg_json_check_object() and
 * embedded byte for byte (surrounding whitespace trimmed), so large
 * predicates are never parsed into a tree.  nsubjects >= 1. */
int vg_intoto_statement(vg_ctx *ctx, const char *predicate_type,
                        const char *predicate_json, size_t predicate_len,
                        const vg_attest_subject *subjects, size_t nsubjects, vg_buf *out);

/* ---- DSSE and bundles (dsse.c, bundle.c) ---- */

/* Appends PAE(payload_type, payload) to out. */
int vg_dsse_pae(vg_buf *out, const char *payload_type, const void *payload, size_t len);

/* Appends a DSSE envelope JSON ({"payload","payloadType","signatures":[{
 * "keyid","sig"}]}) with one signature by key over the PAE. */
int vg_dsse_sign(vg_ctx *ctx, const vg_key *key, const char *payload_type,
                 const void *payload, size_t len, vg_buf *out);

typedef enum vg_attest_format {
    VG_ATTEST_BUNDLE = 0, /* Sigstore bundle v0.3 */
    VG_ATTEST_DSSE = 1,   /* bare DSSE envelope */
} vg_attest_format;

/* The one call for "sign this predicate about these subjects": builds the
 * in-toto statement (vg_intoto_statement), signs it into a DSSE envelope
 * with payload type application/vnd.in-toto+json, and appends either the
 * Sigstore bundle v0.3 or the bare envelope to out (compact JSON ending in
 * a newline).  predicate_type is a URI or a short name accepted by
 * vg_predicate_type_uri().  Used by `vigil attest` and by
 * `vigil sbom/scan --attest` (load the key with vg_key_load_private). */
int vg_attest_bundle(vg_ctx *ctx, const vg_key *key, const char *predicate_type,
                     const char *predicate_json, size_t predicate_len,
                     const vg_attest_subject *subjects, size_t nsubjects,
                     vg_attest_format format, vg_buf *out);

/* Which check of vg_attest_verify() failed.  Only grows. */
typedef enum vg_verify_check {
    VG_CHECK_NONE = 0,            /* all checks passed */
    VG_CHECK_DOCUMENT = 1,        /* not JSON, or neither a bundle nor an envelope */
    VG_CHECK_MEDIA_TYPE = 2,      /* bundle media type unknown */
    VG_CHECK_SIGNATURE_COUNT = 3, /* zero signatures, duplicates, or >1 in a bundle */
    VG_CHECK_SIGNATURE_FORMAT = 4,/* signature not base64, wrong length, bad DER */
    VG_CHECK_SIGNATURE = 5,       /* no signature verifies with the key */
    VG_CHECK_PAYLOAD_TYPE = 6,    /* payloadType is not application/vnd.in-toto+json */
    VG_CHECK_STATEMENT = 7,       /* payload is not an in-toto statement */
    VG_CHECK_PREDICATE_TYPE = 8,  /* predicateType differs from the expected one */
    VG_CHECK_SUBJECT = 9,         /* the artifact's digest matches no subject */
} vg_verify_check;

/* The name of a check in messages ("signature", "media type", "subject"...). */
const char *vg_verify_check_name(vg_verify_check check);

typedef struct vg_verify_options {
    const vg_key *key;          /* required: the trusted public key */
    const char *subject_path;   /* NULL, or an artifact that must be a subject */
    const char *predicate_type; /* NULL, or a URI / short name that must match */
} vg_verify_options;

typedef struct vg_verify_result {
    vg_verify_check failed;   /* VG_CHECK_NONE on success */
    int is_bundle;            /* 1 for a Sigstore bundle, 0 for an envelope */
    vg_buf statement;         /* the verified payload bytes (caller frees) */
} vg_verify_result;

/* Verifies a Sigstore bundle (v0.1-v0.3 media types, dsseEnvelope content)
 * or a bare DSSE envelope in doc[0..len): the signature over the PAE with
 * opts->key, the payload type, the statement's shape, then the predicate
 * type and the subject digest when asked.  An envelope needs at least one
 * signature and no two equal ones; one by the key must verify.  A bundle
 * needs exactly one.  Returns VG_OK with result->statement filled, or
 * VG_ERR_SIGNATURE (a signature or statement check failed: signature
 * count, signature, payload type, predicate type), VG_ERR_DIGEST (the
 * subject's digest matches no subject), VG_ERR_FORMAT / VG_ERR_LIMIT /
 * VG_ERR_UNSUPPORTED (malformed document, statement or signature; unknown
 * media type) or an I/O status for the subject file; result->failed says
 * which check and ctx->message how.  The document may be as large as
 * VG_ATTEST_MAX_DOCUMENT: only the envelope becomes a tree, the payload is
 * decoded once and the predicate is checked for syntax without a tree.
 * result is initialised by the call; free result->statement after. */
int vg_attest_verify(vg_ctx *ctx, const char *doc, size_t len,
                     const vg_verify_options *opts, vg_verify_result *result);

/* ---- SLSA provenance (provenance.c) ---- */

typedef struct vg_provenance_param {
    const char *key;
    const char *value;
} vg_provenance_param;

typedef struct vg_provenance_dependency {
    const char *uri;
    const char *digest_algorithm; /* e.g. "sha256", "gitCommit"; NULL = none */
    const char *digest_value;
} vg_provenance_dependency;

typedef struct vg_provenance_options {
    const char *builder_id;   /* runDetails.builder.id (required, from CI if NULL) */
    const char *build_type;   /* buildDefinition.buildType (required, from CI if NULL) */
    const char *invocation_id;/* runDetails.metadata.invocationId */
    const char *started_on;   /* RFC 3339, or NULL */
    const char *finished_on;  /* RFC 3339, or NULL */
    const vg_provenance_param *external;   /* buildDefinition.externalParameters */
    size_t nexternal;
    const vg_provenance_dependency *deps;  /* buildDefinition.resolvedDependencies */
    size_t ndeps;
    /* Environment lookup (e.g. getenv) used for the CI variables, or NULL to
     * ignore the environment.  Explicit options win over the environment. */
    const char *(*getenv_fn)(const char *name);
} vg_provenance_options;

/* Appends a SLSA v1 provenance predicate (JSON object, pretty-printed with
 * sorted keys) to out, filled from opts and, when getenv_fn is set, from
 * GitHub Actions (GITHUB_ACTIONS=true) or GitLab CI (GITLAB_CI=true)
 * variables, as described in docs/vigil-provenance.1.  VG_ERR_USAGE when
 * no builder id or build type can be determined. */
int vg_provenance_predicate(vg_ctx *ctx, const vg_provenance_options *opts, vg_buf *out);

#endif
