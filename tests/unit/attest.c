/*
 * attest.c — unit tests of the attestation helpers against published
 * vectors: RFC 4648 section 10 base64 vectors, the DSSE protocol.md PAE
 * test vector, FIPS 180-4 / NIST "abc" digests, and the strict JSON check
 * on RFC 8259 examples and malformed inputs; a sign/verify round trip with
 * a generated key and a one-bit change that must fail.  The bounded JSON
 * reader of the verifier (src/attest/json.c: duplicate names, escapes,
 * surrogates, members left unexpanded) and the statement scanner, the
 * streaming base64 encoder against the one-shot one, attestations of a
 * multi-megabyte predicate verified for both key types with the status of
 * each failed check, an envelope whose payload string uses JSON escapes,
 * and vg_write_all through a pipe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest/attest_internal.h"
#include "vigil/attest.h"
#include "vigil/base64.h"
#include "vigil/digest.h"
#include "vigil/io.h"
#include "check.h"

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

/* A freshly generated key pair in a temporary directory. */
typedef struct test_keys {
    char dir[64];
    char key_path[128];
    char pub_path[128];
} test_keys;

static void keys_create(vg_ctx *ctx, test_keys *tk, vg_key_type type, const char *passphrase)
{
    char prefix[100];
    snprintf(tk->dir, sizeof tk->dir, "/tmp/vigil-unit-attestXXXXXX");
    CHECK(mkdtemp(tk->dir) != NULL, "mkdtemp");
    snprintf(prefix, sizeof prefix, "%s/k", tk->dir);
    snprintf(tk->key_path, sizeof tk->key_path, "%s.key", prefix);
    snprintf(tk->pub_path, sizeof tk->pub_path, "%s.pub", prefix);
    CHECK(vg_key_generate(ctx, type, prefix, passphrase, passphrase ? strlen(passphrase) : 0, NULL) == VG_OK,
          "generate: %s", ctx->message);
}

static void keys_remove(const test_keys *tk)
{
    unlink(tk->key_path);
    unlink(tk->pub_path);
    rmdir(tk->dir);
}

static void test_sign_roundtrip(vg_key_type type)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    test_keys tk;
    keys_create(&ctx, &tk, type, "pw");
    vg_key *priv = NULL, *pub = NULL;
    int needs = 0;
    CHECK(vg_key_load_private(&ctx, tk.key_path, NULL, 0, &needs, &priv) == VG_ERR_PERMISSION && needs == 1, "needs passphrase");
    CHECK(vg_key_load_private(&ctx, tk.key_path, "px", 2, &needs, &priv) == VG_ERR_PERMISSION && needs == 0, "wrong passphrase");
    CHECK(vg_key_load_private(&ctx, tk.key_path, "pw", 2, NULL, &priv) == VG_OK, "load: %s", ctx.message);
    CHECK(vg_key_load_public(&ctx, tk.pub_path, &pub) == VG_OK, "load pub: %s", ctx.message);
    if (priv && pub) {
        CHECK(strcmp(vg_key_id(priv), vg_key_id(pub)) == 0, "key ids differ");
        vg_buf sig;
        vg_buf_init(&sig, 1024);
        CHECK(vg_key_sign(&ctx, priv, "message", 7, &sig) == VG_OK, "sign");
        CHECK(vg_key_verify(&ctx, pub, "message", 7, (unsigned char *)sig.data, sig.len) == VG_OK, "verify");
        CHECK(vg_key_verify(&ctx, pub, "messagf", 7, (unsigned char *)sig.data, sig.len) == VG_ERR_SIGNATURE, "changed message verified");
        sig.data[sig.len / 2] ^= 1;
        int rc = vg_key_verify(&ctx, pub, "message", 7, (unsigned char *)sig.data, sig.len);
        CHECK(rc == VG_ERR_SIGNATURE || rc == VG_ERR_FORMAT, "changed signature verified");
        vg_buf_free(&sig);
    }
    vg_key_free(priv);
    vg_key_free(pub);
    keys_remove(&tk);
    vg_ctx_free(&ctx);
}

static void test_base64_stream(void)
{
    /* Every split of a message into three pieces encodes as the whole. */
    static const char msg[] = "in-toto statement \x00\xff\x80 pieces";
    size_t n = sizeof msg - 1;
    vg_buf whole;
    vg_buf_init(&whole, 1024);
    CHECK(vg_base64_encode(&whole, msg, n) == VG_OK, "encode");
    for (size_t a = 0; a <= n; a++)
        for (size_t b = a; b <= n; b++) {
            vg_buf part;
            vg_buf_init(&part, 1024);
            vg_base64_encoder enc;
            vg_base64_encoder_init(&enc);
            int rc = vg_base64_encoder_update(&enc, &part, msg, a);
            rc |= vg_base64_encoder_update(&enc, &part, msg + a, b - a);
            rc |= vg_base64_encoder_update(&enc, &part, msg + b, n - b);
            rc |= vg_base64_encoder_final(&enc, &part);
            CHECK(rc == VG_OK && part.len == whole.len && memcmp(part.data, whole.data, whole.len) == 0,
                  "split %zu/%zu encodes differently", a, b);
            vg_buf_free(&part);
        }
    CHECK(vg_base64_decoded_len(whole.data, whole.len) == n, "decoded_len");
    CHECK(vg_base64_decoded_len("Zm8", 3) == 2 && vg_base64_decoded_len("Zg==", 4) == 1, "decoded_len short");
    /* A failed decode leaves the buffer as it was. */
    vg_buf b;
    vg_buf_init(&b, 1024);
    CHECK(vg_buf_add(&b, "keep", 4) == VG_OK, "add");
    CHECK(vg_base64_decode(&b, "Zm9vYmFy****", 12) == VG_ERR_FORMAT && b.len == 4 && strcmp(b.data, "keep") == 0,
          "failed decode changed the buffer");
    /* The cap is checked before decoding. */
    vg_buf small;
    vg_buf_init(&small, 2);
    CHECK(vg_base64_decode(&small, "Zm9v", 4) == VG_ERR_LIMIT, "cap ignored");
    vg_buf_free(&small);
    vg_buf_free(&b);
    vg_buf_free(&whole);
}

static void test_json_reader(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    attest_json_doc doc;
    /* Unescaped strings point into the input; escaped ones are decoded,
     * surrogate pairs to one 4-byte UTF-8 sequence. */
    static const char text[] = "{\"plain\":\"abc\",\"esc\":\"a\\/\\u00e9\\ud83d\\ude00\\n\",\"n\":-1.5e3,\"l\":[true,null]}";
    CHECK(attest_json_parse(&ctx, "t", text, strlen(text), NULL, &doc) == VG_OK, "parse: %s", ctx.message);
    if (doc.root) {
        const attest_json *plain = attest_json_member(doc.root, "plain");
        const attest_json *esc = attest_json_member(doc.root, "esc");
        CHECK(plain && plain->str == text + 10 && plain->len == 3, "plain string copied");
        CHECK(esc && esc->len == 9 && memcmp(esc->str, "a/\xc3\xa9\xf0\x9f\x98\x80\n", 9) == 0, "escapes decoded wrong");
        CHECK(attest_json_member(doc.root, "n")->kind == ATTEST_JSON_NUMBER, "number");
        CHECK(attest_json_member(doc.root, "l")->count == 2, "array count");
        CHECK(doc.root->count == 4 && !attest_json_member(doc.root, "none"), "members");
    }
    attest_json_doc_free(&doc);
    /* What jansson with JSON_REJECT_DUPLICATES rejected, the tree rejects. */
    static const char *const bad[] = {
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "{\"a\":\"x\\u0000y\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\\ud800\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"o\":{\"k\":1,\"k\":1}}", "[1]", "{\"a\":1} x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(attest_json_parse(&ctx, "t", bad[i], strlen(bad[i]), NULL, &doc) == VG_ERR_FORMAT, "accepted %s", bad[i]);
        attest_json_doc_free(&doc);
    }
    /* A duplicate among many members (found with the hash map). */
    vg_buf big;
    vg_buf_init(&big, 1 << 20);
    vg_buf_addc(&big, '{');
    for (int i = 0; i < 100; i++)
        vg_buf_addf(&big, "\"k%d\":%d,", i, i);
    vg_buf_addstr(&big, "\"k99x\":0}");
    CHECK(attest_json_parse(&ctx, "t", big.data, big.len, NULL, &doc) == VG_OK, "100 members: %s", ctx.message);
    attest_json_doc_free(&doc);
    big.data[big.len - 5] = '"', big.data[big.len - 4] = ':';
    big.data[big.len - 3] = '0', big.data[big.len - 2] = ' '; /* ..."k99":0 } */
    CHECK(attest_json_parse(&ctx, "t", big.data, big.len, NULL, &doc) == VG_ERR_FORMAT &&
              strstr(ctx.message, "duplicate member name"), "duplicate k99 accepted: %s", big.data + big.len - 12);
    attest_json_doc_free(&doc);
    vg_buf_free(&big);
    /* Members left unexpanded: syntax-checked, no tree, duplicates inside
     * them allowed (as `vigil attest` allows them in a predicate). */
    static const char *const expand[] = {"keep", NULL};
    static const char part[] = "{\"keep\":{\"x\":[1]},\"skip\":{\"d\":1,\"d\":[2,{\"e\":\"\\u00e9\"}]}}";
    CHECK(attest_json_parse(&ctx, "t", part, strlen(part), expand, &doc) == VG_OK, "partial: %s", ctx.message);
    if (doc.root) {
        const attest_json *skip = attest_json_member(doc.root, "skip");
        CHECK(skip && skip->kind == ATTEST_JSON_OBJECT && !skip->expanded && !skip->child &&
                  skip->str == part + 25 && skip->len == strlen(part) - 26,
              "skipped member");
        CHECK(attest_json_member(doc.root, "keep")->child->child->kind == ATTEST_JSON_NUMBER, "kept member");
    }
    attest_json_doc_free(&doc);
    static const char broken[] = "{\"keep\":1,\"skip\":{\"d\":[1,]}}";
    CHECK(attest_json_parse(&ctx, "t", broken, strlen(broken), expand, &doc) == VG_ERR_FORMAT, "bad skipped member");
    attest_json_doc_free(&doc);
    vg_ctx_free(&ctx);
}

static void test_statement_read(void)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    attest_statement st;
    static const char good[] = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\","
                               "\"digest\":{\"sha256\":\"00\"}}],\"predicateType\":\"https://p\",\"predicate\":"
                               "{\"big\":[1,2,{\"x\":\"y\"}],\"big\":0}}";
    CHECK(attest_statement_read(&ctx, good, strlen(good), &st) == VG_OK, "statement: %s", ctx.message);
    CHECK(attest_json_equals(st.predicate_type, "https://p") && st.subjects->count == 1, "fields");
    /* The predicate is not a tree: root, _type, subject(3), predicateType, predicate. */
    CHECK(st.doc.nodes == 9, "%zu nodes: the predicate became a tree", st.doc.nodes);
    attest_json_doc_free(&st.doc);
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"{\"subject\":[{\"digest\":{\"sha256\":\"00\"}}],\"predicateType\":\"p\"}", "no _type"},
        {"{\"_type\":\"https://in-toto.io/Statement/v2\",\"subject\":[{\"digest\":{\"a\":\"0\"}}],\"predicateType\":\"p\"}", "_type is not"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":\"p\"}", "no subject"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{}}],\"predicateType\":\"p\"}", "no digest"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"a\":1}}],\"predicateType\":\"p\"}", "not a string"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"a\":\"0\"}}]}", "no predicateType"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"a\":\"0\"}}],\"predicateType\":\"p\",\"predicate\":[]}", "not an object"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"a\":\"0\"}}],\"predicateType\":\"p\",\"predicate\":{\"a\":01}}", "not JSON"},
        {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"a\":\"0\"}}],\"predicateType\":\"p\"}", "duplicate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = attest_statement_read(&ctx, bad[i].text, strlen(bad[i].text), &st);
        CHECK(rc == VG_ERR_FORMAT && strstr(ctx.message, bad[i].message), "statement %zu: rc %d, '%s'", i, rc, ctx.message);
        attest_json_doc_free(&st.doc);
    }
    vg_ctx_free(&ctx);
}

/* Attests a predicate of size bytes with a fresh key of type, verifies it
 * and checks the status and failed check of each kind of failure. */
static void test_large_attestation(vg_key_type type, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    test_keys tk;
    keys_create(&ctx, &tk, type, NULL);
    char subject_path[128];
    vg_key *priv = NULL, *pub = NULL;
    CHECK(vg_key_load_private(&ctx, tk.key_path, NULL, 0, NULL, &priv) == VG_OK, "load: %s", ctx.message);
    CHECK(vg_key_load_public(&ctx, tk.pub_path, &pub) == VG_OK, "load pub: %s", ctx.message);
    /* A CycloneDX-shaped predicate with non-ASCII text and escapes. */
    vg_buf predicate;
    vg_buf_init(&predicate, (size_t)1 << 30);
    vg_buf_addstr(&predicate, " {\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    for (size_t i = 0; predicate.len < size; i++)
        vg_buf_addf(&predicate, "%s{\"name\":\"pkg-%zu\",\"description\":\"caf\xc3\xa9 \\\"quoted\\\" \\u00e9 %s\"}",
                    i ? "," : "", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    vg_buf_addstr(&predicate, "]}\n");
    snprintf(subject_path, sizeof subject_path, "%s/subject", tk.dir);
    FILE *f = fopen(subject_path, "w");
    CHECK(f && fputs("subject bytes", f) >= 0 && fclose(f) == 0, "subject");
    vg_file_digest d;
    CHECK(vg_digest_file(&ctx, subject_path, VG_DIGEST_SHA256, &d) == VG_OK, "digest");
    vg_attest_subject subject = {"subject", d.sha256, NULL};
    vg_buf bundle, statement;
    vg_buf_init(&bundle, (size_t)1 << 31);
    vg_buf_init(&statement, (size_t)1 << 30);
    if (priv && pub) {
        CHECK(vg_attest_bundle(&ctx, priv, "cyclonedx", predicate.data, predicate.len, &subject, 1, VG_ATTEST_BUNDLE,
                               &bundle) == VG_OK, "attest: %s", ctx.message);
        CHECK(vg_intoto_statement(&ctx, "cyclonedx", predicate.data, predicate.len, &subject, 1, &statement) == VG_OK,
              "statement");
        vg_verify_options opts = {pub, subject_path, "cyclonedx"};
        vg_verify_result result;
        int rc = vg_attest_verify(&ctx, bundle.data, bundle.len, &opts, &result);
        CHECK(rc == VG_OK, "verify %s: %s", vg_key_type_name(type), ctx.message);
        CHECK(result.statement.len == statement.len &&
                  memcmp(result.statement.data, statement.data, statement.len) == 0, "verified payload differs");
        vg_buf_free(&result.statement);
        /* Each failure has its status: signature checks VG_ERR_SIGNATURE,
         * the subject digest VG_ERR_DIGEST. */
        opts.predicate_type = "spdx";
        rc = vg_attest_verify(&ctx, bundle.data, bundle.len, &opts, &result);
        CHECK(rc == VG_ERR_SIGNATURE && result.failed == VG_CHECK_PREDICATE_TYPE, "predicate type: %d %s", rc, ctx.message);
        vg_buf_free(&result.statement);
        opts.predicate_type = NULL;
        opts.subject_path = tk.pub_path; /* the public key file is no subject */
        rc = vg_attest_verify(&ctx, bundle.data, bundle.len, &opts, &result);
        CHECK(rc == VG_ERR_DIGEST && result.failed == VG_CHECK_SUBJECT, "subject: %d %s", rc, ctx.message);
        vg_buf_free(&result.statement);
        opts.subject_path = NULL;
        char *payload = strstr(bundle.data, "\"payload\":\"");
        if (payload) {
            payload[size / 2] = payload[size / 2] == 'A' ? 'B' : 'A';
            rc = vg_attest_verify(&ctx, bundle.data, bundle.len, &opts, &result);
            CHECK(rc == VG_ERR_SIGNATURE && result.failed == VG_CHECK_SIGNATURE, "changed payload: %d %s", rc, ctx.message);
            vg_buf_free(&result.statement);
        }
    }
    vg_buf_free(&bundle);
    vg_buf_free(&statement);
    vg_buf_free(&predicate);
    vg_key_free(priv);
    vg_key_free(pub);
    unlink(subject_path);
    keys_remove(&tk);
    vg_ctx_free(&ctx);
}

static void test_write_all(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0, "pipe");
    CHECK(vg_write_all(fds[1], "attestation", 11) == 0, "write");
    close(fds[1]);
    char got[32] = "";
    ssize_t n = read(fds[0], got, sizeof got - 1);
    CHECK(n == 11 && strcmp(got, "attestation") == 0, "read back '%s'", got);
    close(fds[0]);
    CHECK(vg_write_all(-1, "x", 1) == -1, "bad descriptor");
    CHECK(strcmp(vg_strerror(VG_ERR_SIGNATURE), "signature or attestation check failed") == 0, "strerror");
}

int main(void)
{
    test_base64();
    test_pae();
    test_digest();
    test_json_check();
    test_sign_roundtrip(VG_KEY_ED25519);
    test_sign_roundtrip(VG_KEY_ECDSA_P256);
    test_base64_stream();
    test_json_reader();
    test_statement_read();
    test_large_attestation(VG_KEY_ED25519, 3u << 20);
    test_large_attestation(VG_KEY_ECDSA_P256, 3u << 20);
    test_write_all();
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures != 0;
}
