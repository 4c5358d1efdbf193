/*
 * yaml.h — a YAML or JSON document read into a jansson value (src/core/yaml.c
 * says which YAML and what is refused).
 */
#ifndef VIGIL_YAML_H
#define VIGIL_YAML_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/error.h"

/* Reads the len bytes at text (name is the file, for messages) into *out, a
 * new reference.  JSON when the text starts with '{' or '[' (after white
 * space), read by vg_json_parse (json.h), else YAML.  VG_ERR_FORMAT (with
 * line and column), VG_ERR_LIMIT (YAML deeper than 64 levels or with more
 * than 2 000 000 values, aliases expanded; JSON deeper than 2048 levels),
 * VG_ERR_UNSUPPORTED (merge keys, a second document), VG_ERR_NOMEM. */
int vg_yaml_read(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

/* Every document of the YAML stream at text (separated by "---"), as an
 * array (*out, a new reference), empty documents left out: each read as
 * vg_yaml_read() reads one, with its limits.  JSON text is one document.
 * VG_ERR_LIMIT past max_documents; other statuses as vg_yaml_read(). */
int vg_yaml_read_stream(vg_ctx *ctx, const char *name, const char *text, size_t len, size_t max_documents,
                        json_t **out);

#endif
