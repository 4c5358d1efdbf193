/*
 * fuzz_identity.c — libFuzzer target for the import parsers of `vigil
 * collect identity` (src/collect/identity_import.c: the Okta, Entra, Google
 * and GitHub export shapes, the Entra Conditional Access policies and users) and its
 * leavers CSV reader and join (src/collect/identity.c).  The first byte
 * chooses the reader, the rest is the input.  Beyond memory safety it
 * checks their contracts: an import that fails appends nothing and says
 * why; one that succeeds appends one provider and accounts of the model's
 * shape (a string id, a known status, null or typed members); every leaver
 * read has an id and a YYYY-MM-DD date, and the join keeps them all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/identity_internal.h"

static const char *const statuses[] = {"active", "pending", "suspended", "deprovisioned", "archived", "unknown"};

static int null_or(const json_t *v, int (*is)(const json_t *))
{
    return v && (json_is_null(v) || is(v));
}
static int is_string(const json_t *v) { return json_is_string(v); }
static int is_bool(const json_t *v) { return json_is_boolean(v); }
static int is_array(const json_t *v) { return json_is_array(v); }

static void check_account(const json_t *a)
{
    const char *id = json_string_value(json_object_get(a, "id"));
    const char *status = json_string_value(json_object_get(a, "status"));
    int known = 0;
    for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++)
        known |= strcmp(status, statuses[i]) == 0;
    if (!id || !id[0] || !known || json_object_size(a) != 14)
        abort();
    static const char *const strings[] = {"login",           "email",        "display_name",
                                          "provider_status", "last_sign_in", "leaving_date"};
    static const char *const bools[] = {"enabled", "admin", "mfa_registered", "mfa_enforced"};
    for (size_t i = 0; i < 6; i++)
        if (!null_or(json_object_get(a, strings[i]), is_string))
            abort();
    for (size_t i = 0; i < 4; i++)
        if (!null_or(json_object_get(a, bools[i]), is_bool))
            abort();
    if (!null_or(json_object_get(a, "mfa_methods"), is_array))
        abort();
    const char *t = json_string_value(json_object_get(a, "last_sign_in"));
    if (t && (strlen(t) != 20 || t[10] != 'T' || t[19] != 'Z'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (data[0] % 6 < 4 || data[0] % 6 == 5) {
        vg_identity_provider p = data[0] % 6 == 5 ? VG_IDENTITY_ENTRA : (vg_identity_provider)(data[0] % 6);
        int with_extra = data[0] % 6 == 5; /* Entra with the same text as policies and users */
        identity_input in = {"fuzz.json", text, len}, ca = {"ca.json", text, len}, users = {"users.json", text, len};
        json_t *providers = json_array(), *accounts = json_array();
        int rc =
            identity_import(&ctx, p, &in, with_extra ? &ca : NULL, with_extra ? &users : NULL, providers, accounts);
        if (rc != VG_OK && (json_array_size(providers) || json_array_size(accounts) || !ctx.message[0]))
            abort();
        if (rc == VG_OK && json_array_size(providers) != 1)
            abort();
        size_t i;
        json_t *a;
        json_array_foreach(accounts, i, a) check_account(a);
        json_decref(providers);
        json_decref(accounts);
    } else {
        json_t *rows = NULL;
        if (identity_leavers_parse(&ctx, "fuzz.csv", text, len, &rows) == VG_OK) {
            json_t *accounts = json_pack("[{s:s, s:s, s:s, s:n, s:n}]", "provider", "okta", "id", "00u1", "login",
                                         "a@example.com", "email", "leaving_date");
            json_t *joined = identity_leavers_join(rows, accounts);
            if (!joined || json_array_size(joined) != json_array_size(rows))
                abort();
            size_t i;
            json_t *r;
            json_array_foreach(rows, i, r) {
                const char *id = json_string_value(json_object_get(r, "id"));
                const char *d = json_string_value(json_object_get(r, "leaving_date"));
                if (!id || !id[0] || !d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
                    abort();
            }
            json_decref(joined);
            json_decref(accounts);
            json_decref(rows);
        } else if (!ctx.message[0] || rows) {
            abort();
        }
    }
    vg_ctx_free(&ctx);
    return 0;
}
