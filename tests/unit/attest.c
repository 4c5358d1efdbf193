/*
 * attest.c — unit tests of the attestation helpers against published
 * vectors: RFC 4648 section 10 base64 vectors, the DSSE protocol.md PAE
 * test vector, FIPS 180-4 / NIST "abc" digests, and the strict JSON check
 * on RFC 8259 examples and malformed inputs; a sign/verify round trip with
 * a generated key and a one-bit change that must fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/attest.h"
#include "vigil/base64.h"
#include "vigil/digest.h"

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            failures++;                                    \
        }                                                  \
    } while (0)

static void test_base64(void)
{
    /* RFC 4648 section 10 */
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        vg_buf b;
        vg_buf_init(&b, 1024);
        CHECK(vg_base64_encode(&b, plain[i], strlen(plain[i])) == VG_OK, "encode %s", plain[i]);
        CHECK(strcmp(b.data ? b.data : "", coded[i]) == 0, "encode %s gave %s", plain[i], b.data);
        vg_buf_reset(&b);
        CHECK(vg_base64_decode(&b, coded[i], strlen(coded[i])) == VG_OK, "decode %s", coded[i]);
        CHECK(b.len == strlen(plain[i]) && memcmp(b.data ? b.data : "", plain[i], b.len) == 0, "decode %s", coded[i]);
        vg_buf_free(&b);
    }
    /* unpadded and URL-safe forms are accepted; junk, bad padding and
     * non-canonical trailing bits are not */
    static const char *const good[] = {"Zg", "Zm8", "-_8=", "_-8"};
    static const char *const bad[] = {"Z", "Zg=", "Zg===", "Zm9v\n", "Zm 9v", "Zh==", "Zm9=", "=Zg=", "Zg==Zg==", "****"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        vg_buf b;
        vg_buf_init(&b, 1024);
        CHECK(vg_base64_decode(&b, good[i], strlen(good[i])) == VG_OK, "'%s' rejected", good[i]);
        vg_buf_free(&b);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vg_buf b;
        vg_buf_init(&b, 1024);
        CHECK(vg_base64_decode(&b, bad[i], strlen(bad[i])) == VG_ERR_FORMAT, "'%s' accepted", bad[i]);
        vg_buf_free(&b);
    }
}

static void test_pae(void)
{
    /* DSSE protocol.md, "Test Vectors" */
    vg_buf b;
    vg_buf_init(&b, 1024);
    CHECK(vg_dsse_pae(&b, "http://example.com/HelloWorld", "hello world", 11) == VG_OK, "pae");
    CHECK(b.data && strcmp(b.data, "DSSEv1 29 http://example.com/HelloWorld 11 hello world") == 0, "pae: %s", b.data);
    vg_buf_free(&b);
}

static void test_digest(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_file_digest d;
    /* FIPS 180-2 appendix B.1 / C.1 ("abc") */
    CHECK(vg_digest_memory(&ctx, "abc", 3, VG_DIGEST_SHA256 | VG_DIGEST_SHA512, &d) == VG_OK, "digest");
    CHECK(strcmp(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0, "sha256 abc");
    CHECK(strcmp(d.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                           "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f") == 0, "sha512 abc");
    CHECK(vg_digest_file(&ctx, "/nonexistent/file", VG_DIGEST_SHA256, &d) == VG_ERR_NOT_FOUND, "missing file");
    vg_ctx_free(&ctx);
}

static void test_json_check(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    static const char *const good[] = {
        "{}", " {\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\\n\"]} \n",
        "{\"Image\":{\"Width\":800,\"Title\":\"View from 15th Floor\",\"IDs\":[116,943,234,38793]}}",
        "{\"k\":\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\"}",
    };
    static const char *const bad[] = {
        "", "[]", "\"s\"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":tru}", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"\xc0\xaf\"}", "{} {}", "{\"a\":1}x", "{\"a\":\"\\u12\"}",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK(vg_json_check_object(&ctx, "t", good[i], strlen(good[i])) == VG_OK, "rejected %s: %s", good[i], ctx.message);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(vg_json_check_object(&ctx, "t", bad[i], strlen(bad[i])) == VG_ERR_FORMAT, "accepted '%s'", bad[i]);
    /* depth limit: 600 nested arrays inside an object */
    char deep[1300];
    size_t n = 0;
    deep[n++] = '{', deep[n++] = '"', deep[n++] = 'a', deep[n++] = '"', deep[n++] = ':';
    for (int i = 0; i < 600; i++)
        deep[n++] = '[';
    for (int i = 0; i < 600; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    CHECK(vg_json_check_object(&ctx, "t", deep, n) == VG_ERR_FORMAT, "600 levels accepted");
    CHECK(vg_predicate_type_uri("cyclonedx") && strcmp(vg_predicate_type_uri("cyclonedx"), "https://cyclonedx.org/bom") == 0, "cyclonedx");
    CHECK(vg_predicate_type_uri("nonsense") == NULL, "unknown short name accepted");
    vg_ctx_free(&ctx);
}

static void test_sign_roundtrip(vg_key_type type)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    char dir[] = "/tmp/vigil-unit-attestXXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char prefix[256], path[300];
    snprintf(prefix, sizeof prefix, "%s/k", dir);
    CHECK(vg_key_generate(&ctx, type, prefix, "pw", 2, NULL) == VG_OK, "generate: %s", ctx.message);
    vg_key *priv = NULL, *pub = NULL;
    snprintf(path, sizeof path, "%s.key", prefix);
    int needs = 0;
    CHECK(vg_key_load_private(&ctx, path, NULL, 0, &needs, &priv) == VG_ERR_PERMISSION && needs == 1, "needs passphrase");
    CHECK(vg_key_load_private(&ctx, path, "px", 2, &needs, &priv) == VG_ERR_PERMISSION && needs == 0, "wrong passphrase");
    CHECK(vg_key_load_private(&ctx, path, "pw", 2, NULL, &priv) == VG_OK, "load: %s", ctx.message);
    snprintf(path, sizeof path, "%s.pub", prefix);
    CHECK(vg_key_load_public(&ctx, path, &pub) == VG_OK, "load pub: %s", ctx.message);
    if (priv && pub) {
        CHECK(strcmp(vg_key_id(priv), vg_key_id(pub)) == 0, "key ids differ");
        vg_buf sig;
        vg_buf_init(&sig, 1024);
        CHECK(vg_key_sign(&ctx, priv, "message", 7, &sig) == VG_OK, "sign");
        CHECK(vg_key_verify(&ctx, pub, "message", 7, (unsigned char *)sig.data, sig.len) == VG_OK, "verify");
        CHECK(vg_key_verify(&ctx, pub, "messagf", 7, (unsigned char *)sig.data, sig.len) == VG_ERR_DIGEST, "changed message verified");
        sig.data[sig.len / 2] ^= 1;
        int rc = vg_key_verify(&ctx, pub, "message", 7, (unsigned char *)sig.data, sig.len);
        CHECK(rc == VG_ERR_DIGEST || rc == VG_ERR_FORMAT, "changed signature verified");
        vg_buf_free(&sig);
    }
    vg_key_free(priv);
    vg_key_free(pub);
    snprintf(path, sizeof path, "%s.key", prefix);
    unlink(path);
    snprintf(path, sizeof path, "%s.pub", prefix);
    unlink(path);
    rmdir(dir);
    vg_ctx_free(&ctx);
}

int main(void)
{
    test_base64();
    test_pae();
    test_digest();
    test_json_check();
    test_sign_roundtrip(VG_KEY_ED25519);
    test_sign_roundtrip(VG_KEY_ECDSA_P256);
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures != 0;
}
