/*
 * fuzz_bundle.c — libFuzzer target for the attestation reader: the input is
 * a Sigstore bundle or DSSE envelope given to vg_attest_verify() with fixed
 * Ed25519 and P-256 public keys, and the same bytes as a predicate for
 * vg_json_check_object() and as base64 for vg_base64_decode().  Nothing may
 * crash, leak or read out of bounds, whatever the JSON, base64, signature
 * or statement inside.  The keys are throwaway test keys; the corpus
 * seeds are real bundles/envelopes signed with them by vigil and Node.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/attest.h"
#include "vigil/base64.h"

static const char ed25519_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA4EFfaydsvjQgLnBX19P6ztCNFMD02c1syu6/OZJvOzc=\n"
    "-----END PUBLIC KEY-----\n";
static const char p256_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsCZvE1cL9E1oIxbc/4AuIgLJrAnM\n"
    "dJfDXyXJBCnWITboHay/ZPOPBeGHS6zWpFqnpM/EYDru5bc1VCvesbcXjw==\n"
    "-----END PUBLIC KEY-----\n";

static vg_key *load_key(const char *pem)
{
    char path[] = "/tmp/fuzz_bundle_keyXXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    if (write(fd, pem, strlen(pem)) < 0) {
        close(fd);
        unlink(path);
        return NULL;
    }
    close(fd);
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_key *key = NULL;
    vg_key_load_public(&ctx, path, &key);
    vg_ctx_free(&ctx);
    unlink(path);
    return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vg_key *keys[2];
    static int loaded;
    if (!loaded) {
        keys[0] = load_key(ed25519_pub);
        keys[1] = load_key(p256_pub);
        loaded = 1;
    }
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    for (int i = 0; i < 2; i++) {
        if (!keys[i])
            continue;
        vg_verify_options opts = {keys[i], NULL, i ? "cyclonedx" : NULL};
        vg_verify_result result;
        vg_attest_verify(&ctx, (const char *)data, size, &opts, &result);
        vg_buf_free(&result.statement);
    }
    vg_json_check_object(&ctx, "fuzz", (const char *)data, size);
    vg_buf out;
    vg_buf_init(&out, 1u << 20);
    vg_base64_decode(&out, (const char *)data, size);
    vg_buf_free(&out);
    vg_ctx_free(&ctx);
    return 0;
}
