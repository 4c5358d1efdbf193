/*
 * provenance.c — SLSA Provenance v1 predicates (https://slsa.dev/provenance/v1)
 * from explicit options and from the CI environment.
 *
 * Shape: {"buildDefinition": {"buildType", "externalParameters",
 * "internalParameters", "resolvedDependencies": [{"uri", "digest"}]},
 * "runDetails": {"builder": {"id"}, "metadata": {"invocationId",
 * "startedOn", "finishedOn"}}}.
 *
 * CI environments read (when getenv_fn is given; documented in
 * docs/vigil-provenance.1 and docs/attestations.md):
 *  - GitHub Actions (GITHUB_ACTIONS=true), following GitHub's build type
 *    https://actions.github.io/buildtypes/workflow/v1.
 *  - GitLab CI (GITLAB_CI=true), following the GitLab runner's provenance
 *    build type.
 * Explicit options win over the environment.  Leaves out: byproducts,
 * builderDependencies, other CI systems; timestamps are written only when
 * given, so the output is deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attest_internal.h"

static const char *env(const vg_provenance_options *opts, const char *name)
{
    if (!opts->getenv_fn)
        return NULL;
    const char *v = opts->getenv_fn(name);
    return v && *v ? v : NULL;
}

/* Sets key to a string value when value is non-NULL; returns -1 on OOM. */
static int set_str(json_t *obj, const char *key, const char *value)
{
    if (!value)
        return 0;
    json_t *s = json_string(value);
    if (!s)
        return -1;
    return json_object_set_new(obj, key, s);
}

static json_t *dependency(const char *uri, const char *alg, const char *value)
{
    json_t *dep = json_object();
    if (!dep || set_str(dep, "uri", uri) != 0) {
        json_decref(dep);
        return NULL;
    }
    if (alg && value) {
        json_t *digest = json_object();
        if (!digest || set_str(digest, alg, value) != 0 || json_object_set_new(dep, "digest", digest) != 0) {
            json_decref(dep);
            return NULL;
        }
    }
    return dep;
}

/* Appends the source checkout "git+URL@REF" with digest gitCommit SHA
 * (SLSA's convention for the source repository) when URL and SHA are known.
 * Returns -1 on OOM. */
static int add_source_dependency(json_t *deps, const char *url, const char *ref, const char *sha)
{
    if (!url || !sha)
        return 0;
    char uri[2048];
    snprintf(uri, sizeof uri, "git+%s@%s", url, ref ? ref : sha);
    json_t *dep = dependency(uri, "gitCommit", sha);
    return dep && json_array_append_new(deps, dep) == 0 ? 0 : -1;
}

/* Fills the GitHub Actions defaults.  Returns -1 on OOM. */
static int from_github(const vg_provenance_options *opts, json_t *external, json_t *internal, json_t *deps,
                       const char **builder_id, const char **build_type, char *invocation, size_t invocation_size,
                       char *repo_url, size_t repo_url_size)
{
    const char *server = env(opts, "GITHUB_SERVER_URL");
    const char *repo = env(opts, "GITHUB_REPOSITORY");
    const char *ref = env(opts, "GITHUB_REF");
    const char *sha = env(opts, "GITHUB_SHA");
    const char *workflow_ref = env(opts, "GITHUB_WORKFLOW_REF");
    const char *run_id = env(opts, "GITHUB_RUN_ID");
    const char *attempt = env(opts, "GITHUB_RUN_ATTEMPT");
    const char *runner_env = env(opts, "RUNNER_ENVIRONMENT");
    if (!server)
        server = "https://github.com";
    *build_type = "https://actions.github.io/buildtypes/workflow/v1";
    *builder_id = runner_env && strcmp(runner_env, "self-hosted") == 0
                      ? "https://github.com/actions/runner/self-hosted"
                      : "https://github.com/actions/runner/github-hosted";
    if (repo)
        snprintf(repo_url, repo_url_size, "%s/%s", server, repo);
    if (repo && run_id)
        snprintf(invocation, invocation_size, "%s/%s/actions/runs/%s/attempts/%s", server, repo, run_id,
                 attempt ? attempt : "1");

    json_t *workflow = json_object();
    if (!workflow)
        return -1;
    if (set_str(workflow, "ref", ref) || set_str(workflow, "repository", repo ? repo_url : NULL)) {
        json_decref(workflow);
        return -1;
    }
    /* GITHUB_WORKFLOW_REF = OWNER/REPO/PATH@REF: the path is the middle. */
    if (workflow_ref && repo) {
        size_t rlen = strlen(repo);
        const char *at = strrchr(workflow_ref, '@');
        if (strncmp(workflow_ref, repo, rlen) == 0 && workflow_ref[rlen] == '/' && at && at > workflow_ref + rlen + 1) {
            json_t *path = json_stringn(workflow_ref + rlen + 1, (size_t)(at - workflow_ref - rlen - 1));
            if (!path || json_object_set_new(workflow, "path", path) != 0) {
                json_decref(workflow);
                return -1;
            }
        }
    }
    if (json_object_size(workflow) && json_object_set_new(external, "workflow", workflow) != 0)
        return -1;
    if (!json_object_size(workflow))
        json_decref(workflow);

    json_t *github = json_object();
    if (!github || set_str(github, "event_name", env(opts, "GITHUB_EVENT_NAME")) ||
        set_str(github, "repository_id", env(opts, "GITHUB_REPOSITORY_ID")) ||
        set_str(github, "repository_owner_id", env(opts, "GITHUB_REPOSITORY_OWNER_ID")) ||
        set_str(github, "runner_environment", runner_env) ||
        json_object_set_new(internal, "github", github) != 0)
        return -1;

    return repo ? add_source_dependency(deps, repo_url, ref, sha) : 0;
}

/* Fills the GitLab CI defaults.  Returns -1 on OOM. */
static int from_gitlab(const vg_provenance_options *opts, json_t *external, json_t *internal, json_t *deps,
                       const char **builder_id, const char **build_type, char *invocation, size_t invocation_size,
                       char *builder_buf, size_t builder_size, char *type_buf, size_t type_size)
{
    const char *server = env(opts, "CI_SERVER_URL");
    const char *project_path = env(opts, "CI_PROJECT_PATH");
    const char *project_url = env(opts, "CI_PROJECT_URL");
    const char *runner_id = env(opts, "CI_RUNNER_ID");
    const char *runner_version = env(opts, "CI_RUNNER_VERSION");
    const char *ref = env(opts, "CI_COMMIT_REF_NAME");
    const char *sha = env(opts, "CI_COMMIT_SHA");
    const char *job_url = env(opts, "CI_JOB_URL");
    if (server && project_path && runner_id) {
        snprintf(builder_buf, builder_size, "%s/%s/-/runners/%s", server, project_path, runner_id);
        *builder_id = builder_buf;
    }
    snprintf(type_buf, type_size, "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/%s%s/PROVENANCE.md",
             runner_version ? "v" : "", runner_version ? runner_version : "main");
    *build_type = type_buf;
    if (job_url)
        snprintf(invocation, invocation_size, "%s", job_url);
    if (set_str(external, "source", project_url) || set_str(external, "entryPoint", env(opts, "CI_JOB_NAME")) ||
        set_str(external, "ref", ref))
        return -1;
    if (set_str(internal, "pipeline_id", env(opts, "CI_PIPELINE_ID")) ||
        set_str(internal, "job_id", env(opts, "CI_JOB_ID")) ||
        set_str(internal, "pipeline_source", env(opts, "CI_PIPELINE_SOURCE")) ||
        set_str(internal, "runner_description", env(opts, "CI_RUNNER_DESCRIPTION")))
        return -1;
    return add_source_dependency(deps, project_url, ref, sha);
}

int vg_provenance_predicate(vg_ctx *ctx, const vg_provenance_options *opts, vg_buf *out)
{
    json_t *external = json_object(), *internal = json_object(), *deps = json_array();
    json_t *root = NULL;
    const char *builder_id = NULL, *build_type = NULL;
    char invocation[2048] = "", repo_url[1024] = "", builder_buf[1024] = "", type_buf[512] = "";
    int rc = VG_OK, oom = !external || !internal || !deps;

    const char *gha = env(opts, "GITHUB_ACTIONS"), *glc = env(opts, "GITLAB_CI");
    if (!oom && gha && strcmp(gha, "true") == 0)
        oom = from_github(opts, external, internal, deps, &builder_id, &build_type, invocation, sizeof invocation,
                          repo_url, sizeof repo_url) != 0;
    else if (!oom && glc && strcmp(glc, "true") == 0)
        oom = from_gitlab(opts, external, internal, deps, &builder_id, &build_type, invocation, sizeof invocation,
                          builder_buf, sizeof builder_buf, type_buf, sizeof type_buf) != 0;

    if (opts->builder_id)
        builder_id = opts->builder_id;
    if (opts->build_type)
        build_type = opts->build_type;
    const char *invocation_id = opts->invocation_id ? opts->invocation_id : invocation[0] ? invocation : NULL;
    for (size_t i = 0; !oom && i < opts->nexternal; i++)
        oom = set_str(external, opts->external[i].key, opts->external[i].value) != 0;
    for (size_t i = 0; !oom && i < opts->ndeps; i++) {
        const vg_provenance_dependency *d = &opts->deps[i];
        json_t *dep = dependency(d->uri, d->digest_algorithm, d->digest_value);
        oom = !dep || json_array_append_new(deps, dep) != 0;
    }
    if (oom) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory (or a value is not UTF-8)");
        goto done;
    }
    if (!builder_id) {
        rc = vg_error(ctx, VG_ERR_USAGE, "no builder id: give --builder-id (or run in GitHub Actions / GitLab CI)");
        goto done;
    }
    if (!build_type) {
        rc = vg_error(ctx, VG_ERR_USAGE, "no build type: give --build-type (or run in GitHub Actions / GitLab CI)");
        goto done;
    }

    json_t *definition = json_object(), *run = json_object(), *builder = json_object(), *metadata = json_object();
    root = json_object();
    oom = !definition || !run || !builder || !metadata || !root;
    if (!oom) {
        json_object_set_new(root, "buildDefinition", definition);
        json_object_set_new(root, "runDetails", run);
        json_object_set_new(run, "builder", builder);
    } else {
        json_decref(definition);
        json_decref(run);
        json_decref(builder);
    }
    if (!oom)
        oom = set_str(definition, "buildType", build_type) || json_object_set(definition, "externalParameters", external) ||
              (json_object_size(internal) && json_object_set(definition, "internalParameters", internal)) ||
              (json_array_size(deps) && json_object_set(definition, "resolvedDependencies", deps)) ||
              set_str(builder, "id", builder_id) || set_str(metadata, "invocationId", invocation_id) ||
              set_str(metadata, "startedOn", opts->started_on) || set_str(metadata, "finishedOn", opts->finished_on);
    if (!oom && json_object_size(metadata))
        oom = json_object_set(run, "metadata", metadata) != 0;
    json_decref(metadata);
    if (oom) {
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory (or a value is not UTF-8)");
        goto done;
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!text || vg_buf_addstr(out, text) != VG_OK || vg_buf_addc(out, '\n') != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    free(text);

done:
    json_decref(root);
    json_decref(external);
    json_decref(internal);
    json_decref(deps);
    return rc;
}
