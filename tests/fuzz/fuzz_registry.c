/*
 * fuzz_registry.c — libFuzzer target for what the registry client parses
 * (src/source/registry_parse.c): the input, split at its first NUL byte,
 * is a WWW-Authenticate header value and a docker config.json; its first
 * line is also read as an image reference.  Beyond memory safety it checks
 * their contracts: a parsed challenge has a scheme and NUL-terminated
 * fields; a config lookup either succeeds with both credentials set or
 * neither, or fails with both empty; a parsed reference has a host, a
 * repository and exactly one of tag and digest as its reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/registry_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t hlen = nul ? (size_t)(nul - text) : size;

    reg_challenge ch;
    if (reg_challenge_parse(text, hlen, &ch) == VG_OK &&
        (ch.scheme == REG_AUTH_NONE || strlen(ch.realm) >= sizeof ch.realm || strlen(ch.scope) >= sizeof ch.scope))
        abort();

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *cfg = nul ? nul + 1 : text;
    size_t clen = nul ? size - hlen - 1 : size;
    char user[256], password[256];
    int rc = reg_docker_config_lookup(&ctx, "fuzz", cfg, clen, "127.0.0.1:5000", user, sizeof user, password,
                                      sizeof password);
    if (rc != VG_OK && (user[0] || password[0]))
        abort();

    char ref[REG_MAX_REFERENCE + 16];
    const char *nl = memchr(text, '\n', hlen);
    size_t rlen = nl ? (size_t)(nl - text) : hlen;
    if (rlen < sizeof ref) {
        memcpy(ref, text, rlen);
        ref[rlen] = '\0';
        reg_ref r;
        if (reg_ref_parse(&ctx, ref, &r) == VG_OK &&
            (!r.host[0] || !r.repo[0] || !r.reference[0] || (r.digest[0] && !reg_valid_digest(r.reference))))
            abort();
    }
    vg_ctx_free(&ctx);
    return 0;
}
