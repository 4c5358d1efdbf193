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
#define IAC_TF_MAX_MATCH_WORK 200000000     /* comparisons matching S3 buckets with their configurations */

/* The "terraform" member of the iac document (docs/collect.md "iac") of
 * the plan JSON text[0..len); name is the file, for messages.  VG_OK with
 * *out a new object; VG_ERR_FORMAT (not JSON, not a plan document),
 * VG_ERR_LIMIT (len over IAC_TF_MAX_SIZE, too many resources, JSON too
 * deep, S3 buckets too many to match), VG_ERR_NOMEM, each with "NAME: what is wrong" in ctx. */
int iac_terraform_facts(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t **out);

/* --- Kubernetes manifests (iac_k8s.c) --- */

#define IAC_K8S_MAX_FILE ((size_t)16 << 20) /* bytes of one manifest file */
#define IAC_K8S_MAX_DOCUMENTS 10000         /* YAML documents of one file */
#define IAC_K8S_MAX_FILES 10000             /* manifest files of a directory tree */
#define IAC_K8S_MAX_DEPTH 16                /* directory levels below DIR */

/* A new "kubernetes" member (docs/collect.md "iac"): empty "workloads",
 * "network_policies" and "other_kinds", and the counts; NULL when out of
 * memory. */
json_t *iac_k8s_new(void);

/* Adds the objects of the manifest file text[0..len) (YAML, several
 * documents, or JSON; List kinds opened) to k; name is its path, for
 * messages and the "file" of each object.  VG_OK; VG_ERR_FORMAT (not
 * YAML), VG_ERR_LIMIT (too large, too many documents, too deep),
 * VG_ERR_NOMEM, with "NAME: what is wrong" in ctx. */
int iac_k8s_read(vg_ctx *ctx, const char *name, const char *text, size_t len, json_t *k);

/* Turns what iac_k8s_read() gathered in k into the documented members:
 * "namespaces", one entry per namespace seen, sorted, with whether a
 * default-deny NetworkPolicy covers its ingress and its egress.  VG_OK or
 * VG_ERR_NOMEM. */
int iac_k8s_finish(vg_ctx *ctx, json_t *k);

#endif
