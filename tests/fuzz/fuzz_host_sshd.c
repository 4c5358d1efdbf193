/*
 * fuzz_host_sshd.c — libFuzzer target for the sshd_config parser of the
 * host collector (src/collect/host_sshd.c).  The input is the text of
 * /etc/ssh/sshd_config; every Include reads the same text again, one
 * level deeper, so that nesting, Match blocks inside included files and
 * the depth limit are reached.  The result must be a JSON object whose
 * global settings all hold strings or arrays.  Seeds in corpus/host_sshd/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collect/host_internal.h"

typedef struct input {
    const char *text;
    size_t len;
    size_t includes;
} input;

static int include(host_sshd *s, const char *pattern, int depth, void *arg)
{
    input *in = arg;
    (void)pattern;
    if (++in->includes > 20) /* past the depth limit (16); the real reader is bounded by the files there are */
        return 0;
    int truncated = 0;
    return host_sshd_parse(s, "/etc/ssh/included.conf", in->text, in->len, depth + 1, &truncated);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {(const char *)data, size, 0};
    host_sshd *s = host_sshd_new(include, &in);
    if (!s)
        return 0;
    int truncated = 0;
    if (host_sshd_parse(s, "/etc/ssh/sshd_config", in.text, in.len, 0, &truncated) == 0) {
        json_t *out = host_sshd_result(s);
        json_t *settings = json_object_get(out, "settings");
        const char *key;
        json_t *v;
        if (!json_is_object(settings))
            abort();
        json_object_foreach(settings, key, v) if (!json_is_string(v) && !json_is_array(v)) abort();
        json_decref(out);
    }
    host_sshd_free(s);
    return 0;
}
