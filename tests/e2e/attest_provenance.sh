# attest_provenance.sh — `vigil provenance` writes a SLSA v1 provenance
# predicate from flags and from the GitHub Actions / GitLab CI variables
# (values checked against the variables given here), which attests and
# verifies as slsa-provenance.
source "$(dirname "$0")/lib.sh"
need_cmd jq
cd "$TMP"
unset VIGIL_PASSWORD GITHUB_ACTIONS GITLAB_CI
sha=0123456789abcdef0123456789abcdef01234567
expect_status 0 env -u GITHUB_ACTIONS -u GITLAB_CI "$VIGIL" provenance --builder-id https://ci.example.com/builder \
    --build-type https://example.com/build/v1 --external-parameter target=release \
    --resolved-dependency "git+https://example.com/repo?x=1@v1=gitCommit:$sha" --invocation-id run-42 -o prov.json
jq -e --arg sha $sha '.buildDefinition.buildType == "https://example.com/build/v1"
    and .buildDefinition.externalParameters.target == "release"
    and .buildDefinition.resolvedDependencies[0].uri == "git+https://example.com/repo?x=1@v1"
    and .buildDefinition.resolvedDependencies[0].digest.gitCommit == $sha
    and .runDetails.builder.id == "https://ci.example.com/builder"
    and .runDetails.metadata.invocationId == "run-42"' prov.json >/dev/null || { cat prov.json; fail "flags not in the predicate"; }
expect_status 2 env -u GITHUB_ACTIONS -u GITLAB_CI "$VIGIL" provenance --build-type x:y
expect_stderr "no builder id"

# GitHub Actions
env GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/app GITHUB_REF=refs/heads/main \
    GITHUB_SHA=$sha GITHUB_WORKFLOW_REF=acme/app/.github/workflows/build.yml@refs/heads/main GITHUB_RUN_ID=77 \
    GITHUB_RUN_ATTEMPT=2 GITHUB_EVENT_NAME=push RUNNER_ENVIRONMENT=github-hosted \
    "$VIGIL" provenance -o gha.json || fail "provenance in GitHub Actions"
jq -e --arg sha $sha '.buildDefinition.buildType == "https://actions.github.io/buildtypes/workflow/v1"
    and .buildDefinition.externalParameters.workflow == {"ref":"refs/heads/main","repository":"https://github.com/acme/app","path":".github/workflows/build.yml"}
    and .buildDefinition.internalParameters.github.event_name == "push"
    and .buildDefinition.resolvedDependencies[0] == {"uri":"git+https://github.com/acme/app@refs/heads/main","digest":{"gitCommit":$sha}}
    and .runDetails.builder.id == "https://github.com/actions/runner/github-hosted"
    and .runDetails.metadata.invocationId == "https://github.com/acme/app/actions/runs/77/attempts/2"' gha.json >/dev/null ||
    { cat gha.json; fail "GitHub Actions variables not in the predicate"; }

# GitLab CI; a flag overrides the environment
env GITLAB_CI=true CI_SERVER_URL=https://gitlab.example.org CI_PROJECT_PATH=grp/app CI_PROJECT_URL=https://gitlab.example.org/grp/app \
    CI_RUNNER_ID=5 CI_RUNNER_VERSION=17.0.0 CI_COMMIT_REF_NAME=main CI_COMMIT_SHA=$sha CI_JOB_URL=https://gitlab.example.org/grp/app/-/jobs/9 \
    CI_JOB_NAME=build CI_PIPELINE_ID=3 "$VIGIL" provenance --invocation-id override -o gl.json || fail "provenance in GitLab CI"
jq -e --arg sha $sha '.runDetails.builder.id == "https://gitlab.example.org/grp/app/-/runners/5"
    and .buildDefinition.buildType == "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.0.0/PROVENANCE.md"
    and .buildDefinition.externalParameters == {"source":"https://gitlab.example.org/grp/app","entryPoint":"build","ref":"main"}
    and .buildDefinition.resolvedDependencies[0].digest.gitCommit == $sha
    and .runDetails.metadata.invocationId == "override"' gl.json >/dev/null || { cat gl.json; fail "GitLab CI variables not in the predicate"; }

# attest and verify it as SLSA provenance
echo "binary" > app.bin
setsid -w "$VIGIL" key generate k 2>/dev/null || fail "keygen"
expect_status 0 "$VIGIL" attest --key k.key --type slsa-provenance --predicate gha.json --subject app.bin -o prov.bundle
expect_status 0 "$VIGIL" verify --key k.pub --bundle prov.bundle --subject app.bin --type https://slsa.dev/provenance/v1
jq -S .predicate "$TMP/stdout" >verified.json
jq -S . gha.json >written.json
cmp -s verified.json written.json || fail "verified predicate differs from the provenance written"
echo "ok"
