/*
 * fuzz_host_accounts.c — libFuzzer target for the account and login
 * settings parsers of the host collector (src/collect/host_accounts.c,
 * host_text.c): the input, split at its first NUL byte, is /etc/passwd and
 * /etc/shadow; the whole input is also read as a PAM file, as login.defs
 * and as pwquality.conf.  No password field may reach the result: every
 * account's "password" is one of the four states.  Seeds in
 * corpus/host_accounts/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/host_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t plen = nul ? (size_t)(nul - text) : size;
    int truncated = 0, bad = 0, cut[2] = {0, 0};
    json_t *out = host_accounts_parse(text, plen, nul ? nul + 1 : NULL, nul ? size - plen - 1 : 0, cut);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(out, "users"), i, u) {
        const char *state = json_string_value(json_object_get(u, "password"));
        if (!state || (strcmp(state, "set") && strcmp(state, "empty") && strcmp(state, "locked") &&
                       strcmp(state, "unknown")))
            abort();
    }
    json_decref(out);
    json_decref(host_pam_parse(text, size, &truncated));
    json_t *obj = json_object();
    host_parse_keyvalue(text, size, 0, obj, &bad, &truncated);
    host_parse_keyvalue(text, size, '=', obj, &bad, &truncated);
    json_decref(obj);
    return 0;
}
