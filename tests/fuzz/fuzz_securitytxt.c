/*
 * fuzz_securitytxt.c — libFuzzer target for the RFC 9116 security.txt
 * parser of `vigil collect securitytxt` (src/collect/securitytxt_parse.c),
 * on the input as it comes, with and without a URL to match Canonical
 * against.  Beyond memory safety it checks its contracts: every input up to
 * SECTXT_MAX_SIZE gives a document, the signature is never claimed
 * verified, at most SECTXT_MAX_FIELDS fields are kept, each on a line of
 * the input, and a document without Contact or Expires says so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/securitytxt_internal.h"

static void check(const char *text, size_t size, const char *url)
{
    json_t *doc = sectxt_parse(text, size, 1756166400, url);
    if (!doc)
        abort();
    json_t *sig = json_object_get(doc, "signature");
    if (!json_is_null(json_object_get(sig, "verified")) || !json_is_boolean(json_object_get(sig, "present")))
        abort();
    json_t *fields = json_object_get(doc, "fields"), *f;
    size_t i, lines = 1;
    for (size_t k = 0; k < size; k++)
        lines += text[k] == '\n';
    if (json_array_size(fields) > SECTXT_MAX_FIELDS)
        abort();
    json_array_foreach(fields, i, f) {
        json_int_t line = json_integer_value(json_object_get(f, "line"));
        if (line < 1 || (size_t)line > lines || !json_string_value(json_object_get(f, "value")))
            abort();
    }
    int missing_contact = 0, missing_expires = 0;
    json_array_foreach(json_object_get(doc, "problems"), i, f) {
        const char *code = json_string_value(json_object_get(f, "code"));
        if (!code || !json_string_value(json_object_get(f, "message")))
            abort();
        missing_contact |= strcmp(code, "missing-contact") == 0;
        missing_expires |= strcmp(code, "missing-expires") == 0;
    }
    if (missing_contact != (json_array_size(json_object_get(doc, "contact")) == 0) ||
        missing_expires != json_is_null(json_object_get(doc, "expires")))
        abort();
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SECTXT_MAX_SIZE)
        return 0;
    const char *text = (const char *)data;
    check(text, size, NULL);
    check(text, size, "https://example.com/.well-known/security.txt");
    int64_t t;
    sectxt_rfc3339(text, size < 64 ? size : 64, &t);
    return 0;
}
