/*
 * keys.c — signing keys for attestations (attest.h): generation, PEM loading,
 * key ids, signing and verification, detached blob signatures.
 *
 * Formats: PKCS#8 (RFC 5208/5958) private keys in PEM, optionally encrypted
 * with PBES2 (PBKDF2 + AES-256-CBC) by OpenSSL 3; SubjectPublicKeyInfo
 * (RFC 5280) public keys in PEM.  Schemes: Ed25519 (RFC 8032 PureEdDSA, over
 * the message) and ECDSA P-256 with SHA-256 (FIPS 186-4, DER signatures as
 * in RFC 5480), which is what Sigstore/cosign use for these key types.
 *
 * Leaves out: RSA, P-384/P-521, Ed25519ph, cosign's own encrypted key format
 * (scrypt + secretbox), hardware keys.  Secrets are wiped with
 * OPENSSL_cleanse and never placed in error messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "attest_internal.h"
#include "vigil/base64.h"
#include "vigil/digest.h"
#include "vigil/io.h"

#define KEY_FILE_MAX (64u * 1024u) /* a PEM key is a few hundred bytes */
#define ED25519_SIGNATURE_LEN 64

struct vg_key {
    EVP_PKEY *pkey;
    vg_key_type type;
    char id[VG_KEY_ID_LEN + 1];
};

const char *vg_key_type_name(vg_key_type type)
{
    return type == VG_KEY_ED25519 ? "ed25519" : type == VG_KEY_ECDSA_P256 ? "ecdsa-p256" : "unknown";
}

vg_key_type vg_key_get_type(const vg_key *key)
{
    return key->type;
}

const char *vg_key_id(const vg_key *key)
{
    return key->id;
}

void vg_key_free(vg_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

/* The vigil key type of pkey, or 0 when it is not one vigil signs with. */
static vg_key_type classify(EVP_PKEY *pkey)
{
    if (EVP_PKEY_is_a(pkey, "ED25519"))
        return VG_KEY_ED25519;
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64] = "";
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                           sizeof group, NULL) &&
            (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0))
            return VG_KEY_ECDSA_P256;
    }
    return 0;
}

/* Computes the key id: hex SHA-256 of the DER SubjectPublicKeyInfo. */
static int compute_key_id(vg_ctx *ctx, EVP_PKEY *pkey, char *id)
{
    unsigned char *der = NULL;
    int derlen = i2d_PUBKEY(pkey, &der);
    if (derlen <= 0)
        return vg_error(ctx, VG_ERR_NOMEM, "cannot encode the public key");
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, der, (size_t)derlen, VG_DIGEST_SHA256, &d);
    OPENSSL_free(der);
    if (rc)
        return rc;
    memcpy(id, d.sha256, VG_KEY_ID_LEN + 1);
    return VG_OK;
}

/* Wraps pkey (taking ownership) into a vg_key after checking its type. */
static int wrap_key(vg_ctx *ctx, const char *path, EVP_PKEY *pkey, vg_key **out)
{
    vg_key_type type = classify(pkey);
    if (!type) {
        EVP_PKEY_free(pkey);
        return vg_error(ctx, VG_ERR_UNSUPPORTED,
                        "%s: unsupported key type (vigil signs with ed25519 and ecdsa-p256)", path);
    }
    vg_key *key = calloc(1, sizeof *key);
    if (!key) {
        EVP_PKEY_free(pkey);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    key->pkey = pkey;
    key->type = type;
    int rc = compute_key_id(ctx, pkey, key->id);
    if (rc) {
        vg_key_free(key);
        return rc;
    }
    *out = key;
    return VG_OK;
}

/* Reads a small file (at most KEY_FILE_MAX bytes) into buf, not following a
 * symbolic link in the last component when nofollow is set. */
static int read_small_file(vg_ctx *ctx, const char *path, int nofollow, vg_buf *buf)
{
    vg_buf_init(buf, KEY_FILE_MAX);
    int fd = open(path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            return vg_error(ctx, VG_ERR_UNSAFE, "%s: is a symbolic link; give the key file itself", path);
        return vg_error(ctx, e == ENOENT ? VG_ERR_NOT_FOUND : e == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: cannot open: %s", path, strerror(e));
    }
    int rc = vg_read_all(fd, buf);
    if (rc == VG_ERR_IO)
        rc = vg_error(ctx, VG_ERR_IO, "%s: read error: %s", path, strerror(errno));
    else if (rc == VG_ERR_LIMIT)
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: too large for a key file", path);
    else if (rc)
        rc = vg_error(ctx, rc, "out of memory");
    close(fd);
    if (rc == VG_OK && buf->len == 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: empty key file", path);
    return rc;
}

/* Wipes and frees a buffer that held secret material. */
static void buf_free_secret(vg_buf *buf)
{
    if (buf->data)
        OPENSSL_cleanse(buf->data, buf->cap);
    vg_buf_free(buf);
}

typedef struct passphrase_request {
    const char *passphrase;
    size_t len;
    int asked; /* set when the key turned out to be encrypted */
} passphrase_request;

static int passphrase_callback(char *out, int size, int rwflag, void *arg)
{
    passphrase_request *req = arg;
    req->asked = 1;
    if (!req->passphrase || size <= 0 || req->len > (size_t)size)
        return -1;
    memcpy(out, req->passphrase, req->len);
    return (int)req->len;
}

int vg_key_load_private(vg_ctx *ctx, const char *path, const char *passphrase,
                        size_t passphrase_len, int *needs_passphrase, vg_key **out)
{
    *out = NULL;
    if (needs_passphrase)
        *needs_passphrase = 0;
    vg_buf pem;
    int rc = read_small_file(ctx, path, 1, &pem);
    if (rc) {
        buf_free_secret(&pem);
        return rc;
    }
    if (!strstr(pem.data, "PRIVATE KEY-----")) {
        buf_free_secret(&pem);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a PEM private key", path);
    }
    BIO *bio = BIO_new_mem_buf(pem.data, (int)pem.len);
    if (!bio) {
        buf_free_secret(&pem);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    passphrase_request req = {passphrase, passphrase_len, 0};
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, passphrase_callback, &req);
    BIO_free(bio);
    buf_free_secret(&pem);
    ERR_clear_error();
    if (!pkey) {
        if (req.asked && !passphrase) {
            if (needs_passphrase)
                *needs_passphrase = 1;
            return vg_error(ctx, VG_ERR_PERMISSION, "%s: the key is encrypted and no passphrase was given", path);
        }
        if (req.asked)
            return vg_error(ctx, VG_ERR_PERMISSION, "%s: wrong passphrase, or the key is damaged", path);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: cannot read the private key (not PKCS#8 PEM?)", path);
    }
    return wrap_key(ctx, path, pkey, out);
}

int vg_key_load_public(vg_ctx *ctx, const char *path, vg_key **out)
{
    *out = NULL;
    vg_buf pem;
    int rc = read_small_file(ctx, path, 0, &pem);
    if (rc) {
        vg_buf_free(&pem);
        return rc;
    }
    if (strstr(pem.data, "PRIVATE KEY-----")) {
        buf_free_secret(&pem);
        return vg_error(ctx, VG_ERR_USAGE, "%s: is a private key; verification takes the public key (.pub)", path);
    }
    BIO *bio = BIO_new_mem_buf(pem.data, (int)pem.len);
    if (!bio) {
        vg_buf_free(&pem);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    vg_buf_free(&pem);
    ERR_clear_error();
    if (!pkey)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a PEM public key (SubjectPublicKeyInfo)", path);
    return wrap_key(ctx, path, pkey, out);
}

/* Writes the contents of a memory BIO to fd, then wipes the BIO's memory. */
static int write_bio(BIO *bio, int fd)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    int rc = n > 0 && data ? vg_write_all(fd, data, (size_t)n) : -1;
    if (n > 0 && data)
        OPENSSL_cleanse(data, (size_t)n);
    return rc;
}

int vg_key_generate(vg_ctx *ctx, vg_key_type type, const char *prefix,
                    const char *passphrase, size_t passphrase_len, char *key_id_out)
{
    if (type != VG_KEY_ED25519 && type != VG_KEY_ECDSA_P256)
        return vg_error(ctx, VG_ERR_USAGE, "unknown key type");
    if (!prefix || !*prefix)
        return vg_error(ctx, VG_ERR_USAGE, "no key name given");
    size_t plen = strlen(prefix);
    char *key_path = malloc(plen + 5), *pub_path = malloc(plen + 5);
    if (!key_path || !pub_path) {
        free(key_path);
        free(pub_path);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    snprintf(key_path, plen + 5, "%s.key", prefix);
    snprintf(pub_path, plen + 5, "%s.pub", prefix);

    int rc = VG_OK, key_fd = -1, pub_fd = -1;
    EVP_PKEY *pkey = NULL;
    BIO *key_bio = NULL, *pub_bio = NULL;

    key_fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (key_fd < 0) {
        rc = vg_error(ctx, errno == EEXIST ? VG_ERR_USAGE : VG_ERR_IO,
                      "%s: %s", key_path, errno == EEXIST ? "already exists; not overwritten" : strerror(errno));
        goto done;
    }
    pub_fd = open(pub_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (pub_fd < 0) {
        rc = vg_error(ctx, errno == EEXIST ? VG_ERR_USAGE : VG_ERR_IO,
                      "%s: %s", pub_path, errno == EEXIST ? "already exists; not overwritten" : strerror(errno));
        goto done;
    }
    /* The umask may have narrowed 0600 further; it can only have widened
     * nothing, but make the mode exact anyway. */
    if (fchmod(key_fd, 0600) != 0) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot set mode 0600: %s", key_path, strerror(errno));
        goto done;
    }

    pkey = type == VG_KEY_ED25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                                  : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!pkey) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "key generation failed");
        goto done;
    }
    key_bio = BIO_new(BIO_s_mem());
    pub_bio = BIO_new(BIO_s_mem());
    if (!key_bio || !pub_bio) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        goto done;
    }
    int ok;
    if (passphrase && passphrase_len > 0) {
        if (passphrase_len > 1024) {
            rc = vg_error(ctx, VG_ERR_USAGE, "passphrase longer than 1024 bytes");
            goto done;
        }
        ok = PEM_write_bio_PKCS8PrivateKey(key_bio, pkey, EVP_aes_256_cbc(), passphrase,
                                           (int)passphrase_len, NULL, NULL);
    } else {
        ok = PEM_write_bio_PKCS8PrivateKey(key_bio, pkey, NULL, NULL, 0, NULL, NULL);
    }
    if (!ok || !PEM_write_bio_PUBKEY(pub_bio, pkey)) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "cannot encode the key");
        goto done;
    }
    if (write_bio(key_bio, key_fd) != 0 || fsync(key_fd) != 0) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot write: %s", key_path, strerror(errno));
        goto done;
    }
    if (write_bio(pub_bio, pub_fd) != 0 || fsync(pub_fd) != 0) {
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot write: %s", pub_path, strerror(errno));
        goto done;
    }
    if (key_id_out && (rc = compute_key_id(ctx, pkey, key_id_out)) != VG_OK)
        goto done;

done:
    ERR_clear_error();
    BIO_free(key_bio);
    BIO_free(pub_bio);
    EVP_PKEY_free(pkey);
    if (key_fd >= 0 && close(key_fd) != 0 && rc == VG_OK)
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot write: %s", key_path, strerror(errno));
    if (pub_fd >= 0 && close(pub_fd) != 0 && rc == VG_OK)
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot write: %s", pub_path, strerror(errno));
    if (rc != VG_OK) {
        /* Remove only what this call created. */
        if (key_fd >= 0)
            unlink(key_path);
        if (pub_fd >= 0)
            unlink(pub_path);
    }
    free(key_path);
    free(pub_path);
    return rc;
}

int vg_key_sign(vg_ctx *ctx, const vg_key *key, const void *msg, size_t len, vg_buf *sig)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    const EVP_MD *hash = key->type == VG_KEY_ECDSA_P256 ? EVP_sha256() : NULL;
    unsigned char out[256];
    size_t outlen = sizeof out;
    int rc = VG_OK;
    if (EVP_DigestSignInit(md, NULL, hash, NULL, key->pkey) != 1 ||
        EVP_DigestSign(md, out, &outlen, msg, len) != 1)
        rc = vg_error(ctx, VG_ERR_NOMEM, "signing failed");
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    if (rc == VG_OK && vg_buf_add(sig, out, outlen) != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return rc;
}

/* Checks that sig has the shape of a signature for key's type: 64 bytes for
 * Ed25519, one strict-DER ECDSA-Sig-Value for P-256. */
static int check_signature_shape(vg_ctx *ctx, const vg_key *key, const unsigned char *sig, size_t siglen)
{
    if (key->type == VG_KEY_ED25519) {
        if (siglen != ED25519_SIGNATURE_LEN)
            return vg_error(ctx, VG_ERR_FORMAT,
                            "signature is %zu bytes; an Ed25519 signature is %d (truncated or not Ed25519)",
                            siglen, ED25519_SIGNATURE_LEN);
        return VG_OK;
    }
    if (siglen == 0 || siglen > 80)
        return vg_error(ctx, VG_ERR_FORMAT, "signature is %zu bytes; not a DER ECDSA P-256 signature", siglen);
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
    int rc = VG_OK;
    if (!es || (size_t)(p - sig) != siglen) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "signature is not a DER ECDSA signature (truncated or corrupt)");
    } else {
        unsigned char *der = NULL;
        int derlen = i2d_ECDSA_SIG(es, &der);
        if (derlen < 0 || (size_t)derlen != siglen || memcmp(der, sig, siglen) != 0)
            rc = vg_error(ctx, VG_ERR_FORMAT, "signature is not in strict DER form");
        OPENSSL_free(der);
    }
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return rc;
}

int vg_key_verify(vg_ctx *ctx, const vg_key *key, const void *msg, size_t len,
                  const unsigned char *sig, size_t siglen)
{
    int rc = check_signature_shape(ctx, key, sig, siglen);
    if (rc)
        return rc;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    const EVP_MD *hash = key->type == VG_KEY_ECDSA_P256 ? EVP_sha256() : NULL;
    if (EVP_DigestVerifyInit(md, NULL, hash, NULL, key->pkey) != 1) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "cannot set up verification");
    } else if (EVP_DigestVerify(md, sig, siglen, msg, len) != 1) {
        rc = vg_error(ctx, VG_ERR_SIGNATURE, "signature does not verify with key %s", key->id);
    }
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return rc;
}

/* Raw SHA-256 of the file at path, streamed. */
static int file_sha256(vg_ctx *ctx, const char *path, unsigned char digest[32])
{
    vg_file_digest d;
    int rc = vg_digest_file(ctx, path, VG_DIGEST_SHA256, &d);
    if (rc)
        return rc;
    for (int i = 0; i < 32; i++)
        digest[i] = (unsigned char)(vg_hex_digit(d.sha256[2 * i]) << 4 | vg_hex_digit(d.sha256[2 * i + 1]));
    return VG_OK;
}

/* Maps a whole file read-only for one-shot Ed25519 (which cannot stream:
 * RFC 8032 hashes the message twice). *data is NULL for an empty file. */
static int map_file(vg_ctx *ctx, const char *path, const unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return vg_error(ctx, VG_ERR_IO, "%s: not a regular file", path);
    }
    if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            close(fd);
            return vg_error(ctx, VG_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
        }
        *data = p;
        *len = (size_t)st.st_size;
    }
    close(fd);
    return VG_OK;
}

int attest_key_sign_sha256(vg_ctx *ctx, const vg_key *key, const unsigned char digest[32], vg_buf *sig)
{
    if (key->type != VG_KEY_ECDSA_P256)
        return vg_error(ctx, VG_ERR_USAGE, "only ECDSA signs a precomputed digest");
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    if (!pctx)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    unsigned char out[256];
    size_t outlen = sizeof out;
    int rc = VG_OK;
    if (EVP_PKEY_sign_init(pctx) != 1 || EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256()) != 1 ||
        EVP_PKEY_sign(pctx, out, &outlen, digest, 32) != 1)
        rc = vg_error(ctx, VG_ERR_NOMEM, "signing failed");
    else if (vg_buf_add(sig, out, outlen) != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    EVP_PKEY_CTX_free(pctx);
    ERR_clear_error();
    return rc;
}

int attest_key_verify_sha256(vg_ctx *ctx, const vg_key *key, const unsigned char digest[32],
                             const unsigned char *sig, size_t siglen)
{
    if (key->type != VG_KEY_ECDSA_P256)
        return vg_error(ctx, VG_ERR_USAGE, "only ECDSA verifies a precomputed digest");
    int rc = check_signature_shape(ctx, key, sig, siglen);
    if (rc)
        return rc;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    if (!pctx)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (EVP_PKEY_verify_init(pctx) != 1 || EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256()) != 1)
        rc = vg_error(ctx, VG_ERR_NOMEM, "cannot set up verification");
    else if (EVP_PKEY_verify(pctx, sig, siglen, digest, 32) != 1)
        rc = vg_error(ctx, VG_ERR_SIGNATURE, "signature does not verify with key %s", key->id);
    EVP_PKEY_CTX_free(pctx);
    ERR_clear_error();
    return rc;
}

static int sign_or_verify_blob(vg_ctx *ctx, const vg_key *key, const char *path,
                               vg_buf *sig_out, const unsigned char *sig, size_t siglen)
{
    int rc;
    if (key->type == VG_KEY_ED25519) {
        const unsigned char *data;
        size_t len;
        if ((rc = map_file(ctx, path, &data, &len)) != VG_OK)
            return rc;
        static const unsigned char empty[1];
        const unsigned char *msg = data ? data : empty;
        rc = sig_out ? vg_key_sign(ctx, key, msg, len, sig_out) : vg_key_verify(ctx, key, msg, len, sig, siglen);
        if (data)
            munmap((void *)data, len);
    } else {
        unsigned char digest[32];
        if ((rc = file_sha256(ctx, path, digest)) != VG_OK)
            return rc;
        rc = sig_out ? attest_key_sign_sha256(ctx, key, digest, sig_out)
                     : attest_key_verify_sha256(ctx, key, digest, sig, siglen);
    }
    /* Name the file in the message of a signature that does not verify. */
    if (rc == VG_ERR_SIGNATURE)
        rc = vg_error(ctx, VG_ERR_SIGNATURE, "%s: signature does not verify with key %s", path, key->id);
    return rc;
}

int vg_blob_sign(vg_ctx *ctx, const vg_key *key, const char *path, vg_buf *sig_base64)
{
    vg_buf raw;
    vg_buf_init(&raw, 1024);
    int rc = sign_or_verify_blob(ctx, key, path, &raw, NULL, 0);
    if (rc == VG_OK && vg_base64_encode(sig_base64, raw.data, raw.len) != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    vg_buf_free(&raw);
    return rc;
}

int vg_blob_verify(vg_ctx *ctx, const vg_key *key, const char *path,
                   const char *sig_base64, size_t len)
{
    while (len > 0 && (sig_base64[0] == ' ' || sig_base64[0] == '\t' || sig_base64[0] == '\n' || sig_base64[0] == '\r')) {
        sig_base64++;
        len--;
    }
    while (len > 0 && (sig_base64[len - 1] == ' ' || sig_base64[len - 1] == '\t' ||
                       sig_base64[len - 1] == '\n' || sig_base64[len - 1] == '\r'))
        len--;
    if (len == 0)
        return vg_error(ctx, VG_ERR_FORMAT, "the signature file is empty");
    vg_buf raw;
    vg_buf_init(&raw, 4096);
    int rc = vg_base64_decode(&raw, sig_base64, len);
    if (rc == VG_ERR_FORMAT)
        rc = vg_error(ctx, VG_ERR_FORMAT, "the signature is not valid base64");
    else if (rc)
        rc = vg_error(ctx, rc, "the signature is too large");
    else
        rc = sign_or_verify_blob(ctx, key, path, NULL, (const unsigned char *)raw.data, raw.len);
    vg_buf_free(&raw);
    return rc;
}
