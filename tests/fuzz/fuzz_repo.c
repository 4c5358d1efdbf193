/*
 * fuzz_repo.c — libFuzzer target for the parsers of what git prints for
 * `vigil collect repo` (src/collect/repo_parse.c): `git for-each-ref`
 * lines, `git log --format=%G?` letters and the signature armour of a tag
 * or commit object, all three on the same input.  Beyond memory safety it
 * checks their contracts: at most REPO_MAX_TAGS tags, each with a name of
 * 1 to REPO_MAX_NAME bytes and a 40 or 64 digit id; every %G? line is
 * counted once, as a letter or as bad.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/repo_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t more, bad, i;
    json_t *tags = repo_parse_tags(text, size, &more, &bad), *t;
    if (!tags || json_array_size(tags) > REPO_MAX_TAGS)
        abort();
    json_array_foreach (tags, i, t) {
        size_t n = json_string_length(json_object_get(t, "name"));
        size_t id = json_string_length(json_object_get(t, "object"));
        if (n < 1 || n > REPO_MAX_NAME || (id != 40 && id != 64) || !json_is_boolean(json_object_get(t, "annotated")))
            abort();
    }
    json_decref(tags);

    size_t total, badlines, sum = 0;
    json_t *status = repo_parse_log_status(text, size, &total, &badlines), *v;
    const char *key;
    if (!status)
        abort();
    json_object_foreach (status, key, v)
        sum += (size_t)json_integer_value(v);
    if (sum + badlines != total)
        abort();
    json_decref(status);

    for (int commit = 0; commit < 2; commit++) {
        const char *kind = repo_signature_kind(text, size, commit);
        if (kind && strcmp(kind, "openpgp") && strcmp(kind, "ssh") && strcmp(kind, "x509"))
            abort();
    }
    return 0;
}
