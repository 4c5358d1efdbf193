/*
 * fuzz_host_sudoers.c — libFuzzer target for the sudoers(5) parser of the
 * host collector (src/collect/host_sudoers.c).  The input is the text of
 * /etc/sudoers; every @include or @includedir reads the same text again,
 * one level deeper.  Every rule must name its command and say whether it
 * needs a password.  Seeds in corpus/host_sudoers/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collect/host_internal.h"

typedef struct input {
    const char *text;
    size_t len;
    size_t includes;
} input;

static int include(host_sudoers *s, const char *file, const char *path, int dir, int depth, void *arg)
{
    input *in = arg;
    (void)file;
    (void)path;
    (void)dir;
    if (++in->includes > 20) /* past the depth limit (16) */
        return 0;
    int truncated = 0;
    return host_sudoers_parse(s, "/etc/sudoers.d/included", in->text, in->len, depth + 1, &truncated);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {(const char *)data, size, 0};
    host_sudoers *s = host_sudoers_new(include, &in);
    if (!s)
        return 0;
    int truncated = 0;
    if (host_sudoers_parse(s, "/etc/sudoers", in.text, in.len, 0, &truncated) == 0) {
        json_t *out = host_sudoers_result(s);
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(out, "rules"), i, r) {
            if (!json_is_string(json_object_get(r, "command")) || !json_is_boolean(json_object_get(r, "nopasswd")))
                abort();
        }
        json_decref(out);
    }
    host_sudoers_free(s);
    return 0;
}
