/*
 * identity_internal.h — the import parsers behind `vigil collect identity`
 * (src/collect/identity.c, identity_import.c): identity provider exports
 * (Okta, Microsoft Entra, Google Workspace, GitHub organisations) read into
 * the accounts of one document, and an HR system's leavers CSV.  Pure over
 * untrusted bytes; tests/fuzz/fuzz_identity.c fuzzes them.
 */
#ifndef VIGIL_COLLECT_IDENTITY_INTERNAL_H
#define VIGIL_COLLECT_IDENTITY_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/collect.h"
#include "vigil/error.h"

#define IDENTITY_MAX_FILE (256u << 20)  /* bytes of one export: 200 000 accounts of about 1 KiB */
#define IDENTITY_MAX_CSV (16u << 20)    /* bytes of a leavers CSV */
#define IDENTITY_MAX_ACCOUNTS 200000    /* accounts of one document, all providers */
#define IDENTITY_MAX_LEAVERS 200000     /* rows of a leavers CSV */
#define IDENTITY_MAX_STRING 1024        /* bytes of an id, login, email or name kept */

/* One file of an export: its name (for messages) and its bytes. */
typedef struct identity_input {
    const char *name;
    const char *text;
    size_t len;
} identity_input;

/* Reads the export in of provider (what vg_identity_provider names) and
 * appends one entry to providers and one per account to accounts
 * (docs/collect.md "identity").  Entra only: ca, the Conditional Access
 * policies, and users, the users with accountEnabled and signInActivity
 * (each NULL: not given).  VG_OK; VG_ERR_FORMAT "NAME: what is wrong" for
 * text that is not JSON or not the documented shape; VG_ERR_LIMIT past a
 * limit above; VG_ERR_NOMEM.  Nothing is appended on error. */
int identity_import(vg_ctx *ctx, vg_identity_provider provider, const identity_input *in, const identity_input *ca,
                    const identity_input *users, json_t *providers, json_t *accounts);

/* Reads the leavers CSV text[0..len) (header "id,leaving_date", dates
 * YYYY-MM-DD) into *out: an array of {"id", "leaving_date"} in file order.
 * VG_OK; VG_ERR_FORMAT "NAME: line N: what is wrong"; VG_ERR_LIMIT;
 * VG_ERR_NOMEM. */
int identity_leavers_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

/* Marks the accounts of leavers (leaving_date set) and returns the
 * document's "leavers" array: each leaver with the accounts matched (id,
 * login or email; case-insensitive for an email), NULL when out of memory. */
json_t *identity_leavers_join(json_t *leavers, json_t *accounts);

#endif
