/*
 * iac_internal.h — the Terraform plan reader behind `vigil collect iac`
 * (src/collect/iac.c): the JSON of `terraform show -json PLANFILE`
 * (Terraform's "JSON Output Format", format_version 1.x).  Pure over
 * untrusted bytes; tests/fuzz/fuzz_iac_terraform.c fuzzes it.
 */
#ifndef VIGIL_COLLECT_IAC_INTERNAL_H
#define VIGIL_COLLECT_IAC_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "vigil/error.h"

#define IAC_TF_MAX_SIZE ((size_t)256 << 20) /* bytes of a plan document */
#define IAC_TF_MAX_RESOURCES 100000         /* resource_changes[] and resource_drift[] entries, each */
#define IAC_TF_MAX_MODULE_DEPTH 32          /* configuration module_calls nesting */

/* The "terraform" member of the iac document (docs/collect.md "iac") of
 * the plan JSON text[0..len); name is the file, for messages.  VG_OK with
 * *out a new object; VG_ERR_FORMAT (not JSON, not a plan document),
 * VG_ERR_LIMIT (len over IAC_TF_MAX_SIZE, too many resources, JSON too
 * deep), VG_ERR_NOMEM, each with "NAME: what is wrong" in ctx. */
int iac_terraform_facts(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

#endif
