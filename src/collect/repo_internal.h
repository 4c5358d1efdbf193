/*
 * repo_internal.h — the parsers behind `vigil collect repo`
 * (src/collect/repo.c): what git prints for `git for-each-ref`, `git log
 * --format=%G?` and `git cat-file tag|commit` (git-for-each-ref(1),
 * git-log(1) "%G?", gitformat-signature(5)).  Pure over untrusted bytes;
 * tests/fuzz/fuzz_repo.c fuzzes them.
 */
#ifndef VIGIL_COLLECT_REPO_INTERNAL_H
#define VIGIL_COLLECT_REPO_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#define REPO_MAX_TAGS 10000     /* tags listed at most; the others are "unchecked" */
#define REPO_MAX_COMMITS 10000  /* --commits at most */
#define REPO_MAX_NAME 1024      /* bytes of a tag name */

/* The tags of `git for-each-ref --format='%(objecttype) %(objectname)
 * %(refname)' refs/tags` in text[0..len): a new array of {"name" (without
 * refs/tags/), "object" (its hex id), "annotated" (objecttype "tag")}, at
 * most REPO_MAX_TAGS of them, *more set to the number of lines left out.
 * Lines that do not have that shape are counted in *bad and skipped.
 * NULL when out of memory. */
json_t *repo_parse_tags(const char *text, size_t len, size_t *more, size_t *bad);

/* The kind of signature a tag or commit object text[0..len) carries, as
 * git writes it (gitformat-signature(5)): "openpgp" (-----BEGIN PGP
 * SIGNATURE-----), "ssh" (-----BEGIN SSH SIGNATURE-----), "x509"
 * (-----BEGIN SIGNED MESSAGE-----); NULL when it carries none.  For a tag
 * the armour starts a line of the body; for a commit it follows a
 * "gpgsig " or "gpgsig-sha256 " header. */
const char *repo_signature_kind(const char *text, size_t len, int commit);

/* Counts the `git log --format=%G?` letters of text[0..len), one per
 * line, into a new object {"G": n, "N": n, ...}; *total the number of
 * lines, *bad those that are not one of the letters git documents
 * (G B U X Y R E N).  NULL when out of memory. */
json_t *repo_parse_log_status(const char *text, size_t len, size_t *total, size_t *bad);

#include "vigil/error.h"

#define REPO_GITHUB_MAX_FILE (16 << 20) /* bytes of a --github export */
#define REPO_GITHUB_MAX_STRING 1024     /* bytes of a name or status check context */
#define REPO_GITHUB_MAX_CONTEXTS 1000   /* required status check contexts */

/* The "github" member of a repo document made from the --github export
 * text[0..len) read from the file name (src/collect/repo_github.c,
 * docs/collect.md "repo"): *out a new object, *exported whether the
 * export says the default branch's protection (an object, or null for an
 * unprotected branch); when it does not, *out has no "protection".
 * VG_ERR_FORMAT or VG_ERR_LIMIT with ctx->message "name: what is wrong",
 * VG_ERR_NOMEM. */
int repo_github_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out, int *exported);

#endif
