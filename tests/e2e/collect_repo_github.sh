# collect_repo_github.sh — `vigil collect repo --github FILE` on exports
# made from GitHub's published REST API examples (tests/data/repo/README.md:
# github/rest-api-description, descriptions/api.github.com/api.github.com.yaml,
# examples full-repository-default-response and branch-protection) and
# variants of them with documented fields edited.  The expected facts are
# written by hand from those examples.  Malformed and huge exports exit 1
# and write nothing; an export without "protection" exits 3 ("unchecked").
# The documents are validated against docs/collect-repo.schema.json.
source "$(dirname "$0")/lib.sh"
need_cmd jq
DATA="$(cd "$(dirname "$0")/../data/repo" && pwd)"
cd "$TMP"

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}

# The branch-protection example as published: 2 reviews, force pushes and
# deletions allowed, admins enforced, no "strict" nor "required_signatures".
expect_status 0 $VIGIL collect repo --github "$DATA/github-example.json" -o ex.json
validate vigil-collect-repo ex.json
check ex.json '.target == "'"$DATA/github-example.json"'" and .unchecked == [] and (has("tags") | not)' "target"
check ex.json '.github == {"full_name": "octocat/Hello-World", "default_branch": "master", "visibility": "public",
    "private": false, "secret_scanning": null, "secret_scanning_push_protection": null,
    "protection": {"required_reviews": 2, "dismiss_stale_reviews": true, "require_code_owner_reviews": true,
      "required_status_checks": {"strict": null, "contexts": ["continuous-integration/travis-ci"]},
      "required_signatures": null, "enforce_admins": true, "allow_force_pushes": true, "allow_deletions": true,
      "required_linear_history": true}}' "the facts of the published examples"
# the users, teams and apps of the restrictions are never copied
! grep -q octocat_happy ex.json || fail "a user of the restrictions reached the document"

expect_status 0 $VIGIL collect repo --github "$DATA/github-protected.json" -o prot.json
validate vigil-collect-repo prot.json
check prot.json '.github.secret_scanning == "enabled" and .github.secret_scanning_push_protection == "disabled"
    and .github.protection.allow_force_pushes == false and .github.protection.allow_deletions == false
    and .github.protection.required_signatures == true and .github.protection.required_status_checks.strict == true' \
    "protected variant"

expect_status 0 $VIGIL collect repo --github "$DATA/github-unprotected.json" -o unprot.json
validate vigil-collect-repo unprot.json
check unprot.json '.github.protection == null and .unchecked == []' "unprotected: protection null"

expect_status 0 $VIGIL collect repo --github "$DATA/github-no-reviews.json" -o norev.json
validate vigil-collect-repo norev.json
check norev.json '.github.protection | .required_reviews == 0 and .dismiss_stale_reviews == false
    and .require_code_owner_reviews == false' "no required_pull_request_reviews: 0 reviews"

# not exported: no "protection", an unchecked entry, exit 3
expect_status 3 $VIGIL collect repo --github "$DATA/github-unexported.json" -o unexp.json
validate vigil-collect-repo unexp.json
check unexp.json '(.github | has("protection") | not) and .unchecked == [{"what": "protection of branch master",
    "reason": "the export has no \"protection\" member"}]' "unexported protection is unchecked"

# usage: both GIT_DIR and --github, neither
expect_status 2 $VIGIL collect repo --github "$DATA/github-example.json" somedir
expect_status 2 $VIGIL collect repo

# bad(NAME, CONTENT-MAKER, MESSAGE): exit 1, the message names the file,
# and the output keeps its old content.
bad() {
    echo old >out.json
    expect_status 1 $VIGIL collect repo --github "$1" -o out.json
    grep -qF "$1: " "$TMP/stderr" || { cat "$TMP/stderr" >&2; fail "$1: the error does not name the file"; }
    grep -qF "$2" "$TMP/stderr" || { cat "$TMP/stderr" >&2; fail "$1: expected \"$2\""; }
    [ "$(cat out.json)" = old ] || fail "$1: the output was written"
}
echo 'not json' >notjson.json
bad notjson.json "not valid JSON"
echo '[1]' >array.json
bad array.json "not a JSON object"
echo '{"protection": null}' >norepo.json
bad norepo.json '"repository" must be'
jq '.repository.full_name = 7' "$DATA/github-example.json" >name.json
bad name.json 'repository.full_name must be a non-empty string'
jq '.repository.default_branch = ""' "$DATA/github-example.json" >branch.json
bad branch.json 'repository.default_branch must be a non-empty string'
jq '.protection = "yes"' "$DATA/github-example.json" >prot-str.json
bad prot-str.json '"protection" must be'
# GitHub's 404 answer (its basic-error schema: message, documentation_url, status) is no protection
jq '.protection = {"message": "Branch not protected", "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection", "status": "404"}' \
    "$DATA/github-example.json" >prot-err.json
bad prot-err.json "is GitHub's error answer"
jq '.protection.enforce_admins.enabled = "true"' "$DATA/github-example.json" >admins.json
bad admins.json 'protection.enforce_admins.enabled must be true or false'
jq '.protection.required_pull_request_reviews.required_approving_review_count = -1' "$DATA/github-example.json" >count.json
bad count.json 'required_approving_review_count must be a number from 0 to 100'
jq '.protection.required_status_checks.contexts = [range(1001) | tostring]' "$DATA/github-example.json" >ctx.json
bad ctx.json 'contexts has more than 1000 entries'
jq --arg s "$(head -c 1025 /dev/zero | tr '\0' a)" '.repository.full_name = $s' "$DATA/github-example.json" >long.json
bad long.json 'repository.full_name is longer than 1024 bytes'
# 17 MiB: refused before it is parsed
{ printf '{"repository": {"full_name": "o/r", "default_branch": "main", "x": "'; head -c $((17 << 20)) /dev/zero | tr '\0' a; printf '"}}'; } >huge.json
bad huge.json 'larger than 16 MiB'
expect_status 1 $VIGIL collect repo --github "$TMP/absent.json" -o absent-out.json
[ ! -e absent-out.json ] || fail "absent input: output written"
exit 0
