/*
 * image_internal.h — the parts of `vigil collect image` (src/collect/image.c)
 * that read one input each, for the fuzz target tests/fuzz/fuzz_collect_image.c.
 */
#ifndef VIGIL_COLLECT_IMAGE_INTERNAL_H
#define VIGIL_COLLECT_IMAGE_INTERNAL_H

#include <stddef.h>
#include <jansson.h>

#include "vigil/error.h"

#define IMAGE_CONFIG_MAX ((size_t)16 << 20) /* bytes of an image config */
#define IMAGE_LIST_MAX 4096                 /* ports, env entries, labels, entrypoint/cmd words */
#define IMAGE_PASSWD_MAX ((size_t)1 << 20)  /* bytes of /etc/passwd read */

/* The "config" member of the image document (docs/collect.md "image") from
 * the image config text (OCI image spec v1.1 config.md, or Docker's image
 * JSON, which has the same "config" object): user, exposed ports,
 * entrypoint, cmd, working directory, the NAMES of the environment
 * variables that look like secrets (never a value), labels, healthcheck.
 * "uid" and "root" are left for image_config_resolve_user().  name names
 * the config in messages.  VG_OK with *out the caller's; VG_ERR_FORMAT or
 * VG_ERR_LIMIT with ctx->message "NAME: what is wrong"; VG_ERR_NOMEM. */
int image_config_parse(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

/* Sets "uid" and "root" of config (from image_config_parse) from its "user"
 * ("" or absent: root; "UID[:GID]"; "NAME[:GROUP]" looked up in passwd, the
 * image's /etc/passwd text, or NULL when it has none).  Returns NULL, or
 * why the user could not be resolved (a static string): "uid" and "root"
 * are null then. */
const char *image_config_resolve_user(json_t *config, const char *passwd, size_t passwd_len);

#endif
