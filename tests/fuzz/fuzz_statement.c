/*
 * fuzz_statement.c — libFuzzer target for the bounded JSON reader of the
 * attestation code (src/attest/json.c) and the in-toto statement scanner
 * built on it (attest_statement_read in src/attest/intoto.c).
 *
 * The input is read four ways: as an in-toto statement (only _type,
 * subject and predicateType become a tree, the rest is syntax-checked), as
 * a whole tree (as bundles and envelopes are read), with the syntax check
 * alone (vg_json_check_object, as `vigil attest` checks a predicate), and
 * as base64.  Besides "no crash, no leak, nothing out of bounds" it checks
 * that the readers agree: whatever the tree parser or the statement scanner
 * accepts, the syntax check accepts too, and every string the tree holds
 * is valid UTF-8 without NUL.  A disagreement aborts.
 * Seeds (corpus/statement/): real statements from vigil attest payloads,
 * a SLSA provenance statement, statements with escapes and edge cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest_internal.h"
#include "vigil/base64.h"

static void check_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (p[i] == 0)
            abort();
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = attest_utf8_sequence(p + i, len - i);
        if (!n)
            abort();
        i += n;
    }
}

/* Walks every value of an expanded tree and checks its strings. */
static size_t walk(const attest_json *v, int depth)
{
    size_t n = 1;
    if (depth > ATTEST_JSON_MAX_DEPTH + 1)
        abort();
    if (v->key)
        check_utf8(v->key, v->key_len);
    if (v->kind == ATTEST_JSON_STRING && v->expanded)
        check_utf8(v->str, v->len);
    size_t children = 0;
    for (const attest_json *c = v->child; c; c = c->next, children++)
        n += walk(c, depth + 1);
    if (v->expanded && children != v->count)
        abort();
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int syntax_ok = vg_json_check_object(&ctx, "fuzz", text, size) == VG_OK;

    attest_statement st;
    int rc = attest_statement_read(&ctx, text, size, &st);
    if (rc == VG_OK) {
        if (!syntax_ok || !attest_json_as_string(st.predicate_type) || !st.subjects ||
            st.subjects->kind != ATTEST_JSON_ARRAY || st.subjects->count == 0)
            abort();
        walk(st.doc.root, 0);
        for (const attest_json *s = st.subjects->child; s; s = s->next)
            (void)attest_json_equals(attest_json_member(attest_json_member(s, "digest"), "sha256"), "00");
    }
    attest_json_doc_free(&st.doc);

    attest_json_doc doc;
    rc = attest_json_parse(&ctx, "fuzz", text, size, NULL, &doc);
    if (rc == VG_OK) {
        if (!syntax_ok || walk(doc.root, 0) != doc.nodes)
            abort();
        (void)attest_json_member(doc.root, "payload");
    }
    attest_json_doc_free(&doc);

    vg_buf out;
    vg_buf_init(&out, 1u << 20);
    if (vg_base64_decode(&out, text, size) == VG_OK && out.len != vg_base64_decoded_len(text, size))
        abort();
    vg_buf_free(&out);
    vg_ctx_free(&ctx);
    return 0;
}
