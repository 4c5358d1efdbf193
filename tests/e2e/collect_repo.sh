# collect_repo.sh — `vigil collect repo` on a git repository made here with
# git, gpg and ssh-keygen (repo_lib.sh: OpenPGP- and SSH-signed tags and
# commits, an unsigned annotated and a lightweight tag, a tag signed by an
# SSH key outside the allowed signers file and one by an OpenPGP key no
# longer in the keyring), its bare clone, an empty repository, a
# repository of 10 001 tags, what is no repository, and git wrappers that
# hang or print too much.  The expected
# facts are what git itself says on the same repository: the exit status
# of `git verify-tag` and `git verify-commit`, `git cat-file -t`, `git log
# --format=%G?`; the signature kinds are written by hand from how each tag
# was made.  The documents are validated against
# docs/collect-repo.schema.json.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/repo_lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z
need_cmd jq
need_cmd git
need_cmd gpg
need_cmd ssh-keygen
cd "$TMP"

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}

make_signed_repo "$TMP/r"

# What git says of each tag: NAME ANNOTATED VERIFIED, sorted by name.
git_tags() {
    git -C "$1" for-each-ref --format='%(refname:strip=2)' refs/tags | sort | while read -r t; do
        a=false; v=false
        [ "$(git -C "$1" cat-file -t "refs/tags/$t")" = tag ] && a=true
        git -C "$1" verify-tag "$t" >/dev/null 2>&1 && v=true
        echo "$t $a $v"
    done
}
vigil_tags() { jq -r '.tags[] | "\(.name) \(.annotated) \(.verified)"' "$1" | sort; }

expect_status 0 $VIGIL collect repo r -o r.json
validate vigil-collect-repo r.json
git_tags r >want.txt
vigil_tags r.json >got.txt
[ "$(wc -l <want.txt)" = 7 ] || fail "the fixture has $(wc -l <want.txt) tags, expected 7"
diff want.txt got.txt || fail "tags: annotated and verified differ from git cat-file -t / git verify-tag"
# the verdicts git gave, written by hand, so that a broken fixture cannot pass
printf '%s\n' 'build-7 true false' 'v1.0 true true' 'v1.1 true false' 'v1.2 false false' 'v2.0 true true' \
    'v2.1 true false' 'v2.2 true false' | diff - want.txt || fail "git verify-tag did not judge the fixture as made"
check r.json '[.tags[] | {(.name): .signature}] | add == {"build-7": null, "v1.0": "openpgp", "v1.1": null,
    "v1.2": null, "v2.0": "ssh", "v2.1": "ssh", "v2.2": "openpgp"}' "signature kinds"
check r.json '.summary == {tags: 7, annotated: 6, signed: 4, verified: 2} and .unchecked == []' "summary"
check r.json ".tags | map(.object) == $(git -C r for-each-ref --format='%(objectname)' refs/tags | jq -R . | jq -s -c .)" \
    "tag object ids (git for-each-ref order)"
check r.json ".git_dir == \"$(git -C r rev-parse --absolute-git-dir)\" and .target == \"r\"" "git_dir, target"

# HEAD: the SSH-signed commit; git verify-commit accepts it.
git -C r verify-commit HEAD >/dev/null 2>&1 || fail "git verify-commit HEAD failed on the fixture"
check r.json ".head == {ref: \"refs/heads/main\", commit: \"$(git -C r rev-parse HEAD)\", signature: \"ssh\", verified: true}" "head"
# the %G? letters of the last commits, counted as git log prints them
letters() { git -C r log --max-count="$1" --format=%G? HEAD | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}'; }
vigil_letters() { jq -r '.commits.status | to_entries | map(select(.value > 0) | "\(.key)=\(.value)") | sort | join(" ")' "$1"; }
[ "$(letters 20 | xargs -n1 | sort | xargs)" = "$(vigil_letters r.json)" ] || fail "commit letters: git says $(letters 20)"
[ "$(vigil_letters r.json)" = "G=2 N=1" ] || fail "the fixture's commits are not two signed and one unsigned"
check r.json '.commits.requested == 20 and .commits.examined == 3' "commits examined"
expect_status 0 $VIGIL collect repo --commits 1 r -o one.json
check one.json '.commits == {requested: 1, examined: 1, status: {G: 1, B: 0, U: 0, X: 0, Y: 0, R: 0, E: 0, N: 0}}' "--commits 1"
expect_status 0 $VIGIL collect repo --commits 0 r -o none.json
check none.json '.commits == {requested: 0, examined: 0, status: null}' "--commits 0"

# A detached HEAD on the unsigned commit: no branch, not verified.
git clone -q r detached && git -C detached checkout -q --detach HEAD~2
git -C detached verify-commit HEAD >/dev/null 2>&1 && fail "git verify-commit accepts the unsigned commit"
expect_status 0 $VIGIL collect repo detached -o detached.json
validate vigil-collect-repo detached.json
check detached.json ".head == {ref: null, commit: \"$(git -C r rev-parse HEAD~2)\", signature: null, verified: false}" \
    "detached head"

# The bare clone: the same tags and verdicts (the allowed signers file is
# in r's configuration, so it is given to the bare clone too).
git clone -q --bare r bare.git
git -C bare.git config gpg.ssh.allowedSignersFile "$TMP/keys/allowed_signers"
expect_status 0 $VIGIL collect repo bare.git -o bare.json
validate vigil-collect-repo bare.json
git_tags bare.git | diff want.txt - || fail "git judges the bare clone's tags otherwise"
vigil_tags bare.json | diff want.txt - || fail "bare clone: tags differ"

# An empty repository: no commit, no tag.
git init -q -b main empty
expect_status 0 $VIGIL collect repo empty -o empty.json
validate vigil-collect-repo empty.json
check empty.json '.head == {ref: "refs/heads/main", commit: null, signature: null, verified: null}
    and .tags == [] and .summary.tags == 0 and .commits.examined == 0' "empty repository"

# No secret reaches a document: none of the private keys' lines.
for k in keys/listed keys/unlisted; do
    grep -v -- '-----' "$k" | while read -r line; do
        if grep -qF -- "$line" r.json; then fail "a line of the private key $k is in r.json"; fi
    done
done
gpg --batch --export-secret-keys --armor release@example.com | grep -v -- '-----' | grep -v '^$' | head -5 |
    while read -r line; do if grep -qF -- "$line" r.json; then fail "the secret OpenPGP key is in r.json"; fi; done

# More tags than 10 000: the first 10 000 listed, the rest "unchecked" (exit 3).
git init -q -b main many
git -C many -c user.name=T -c user.email=t@example.com commit -q --allow-empty -m one
head=$(git -C many rev-parse HEAD)
for i in $(seq 1 10001); do echo "create refs/tags/t$i $head"; done | git -C many update-ref --stdin
expect_status 3 $VIGIL collect repo many -o many.json
validate vigil-collect-repo many.json
expect_stderr '1 more tags, not examined'
check many.json '.summary.tags == 10000 and .unchecked == [{what: "refs/tags", reason: "1 more tags, not examined (only the first 10000 are)"}]' \
    "10 001 tags"

# Not a repository, a missing directory, git not on PATH: exit 1, nothing
# written (an existing output keeps its content).
mkdir plain
echo previous >out.json
expect_status 1 $VIGIL collect repo plain -o out.json
expect_stderr '^vigil: plain: not a git repository'
[ "$(cat out.json)" = previous ] || fail "out.json was overwritten by a failed run"
expect_status 1 $VIGIL collect repo missing -o new.json
[ ! -e new.json ] || fail "new.json written by a failed run"
expect_status 1 env PATH=/nonexistent "$(command -v "$VIGIL" || echo "$VIGIL")" collect repo r -o new.json
expect_stderr 'git cannot be run'
[ ! -e new.json ] || fail "new.json written without git"

# The bounds on git: a git that hangs in verify-tag (killed after
# --timeout), one whose cat-file prints more than 16 MiB (killed): the
# tags it was asked about are "unchecked", verified null, exit 3.  The
# wrapper is on PATH before the real git, which it runs otherwise.
real_git=$(command -v git)
mkdir -p slow/bin big/bin
printf '#!/bin/sh\nfor a; do [ "$a" = verify-tag ] && exec sleep 60; done\nexec %s "$@"\n' "$real_git" >slow/bin/git
printf '#!/bin/sh\nfor a; do [ "$a" = cat-file ] && [ "$3" = cat-file ] && [ "$4" = tag ] && exec head -c 17000000 /dev/zero; done\nexec %s "$@"\n' \
    "$real_git" >big/bin/git
chmod +x slow/bin/git big/bin/git
expect_status 3 env PATH="$TMP/slow/bin:$PATH" $VIGIL collect repo --timeout 1 r -o slow.json
validate vigil-collect-repo slow.json
check slow.json '[.unchecked[].what] == ["refs/tags/v1.0", "refs/tags/v2.0", "refs/tags/v2.1", "refs/tags/v2.2"]
    and (.unchecked | map(.reason) | unique) == ["git did not finish in time: killed"]
    and ([.tags[] | select(.verified == null) | .name] == ["v1.0", "v2.0", "v2.1", "v2.2"])' "verify-tag killed after --timeout"
expect_status 3 env PATH="$TMP/big/bin:$PATH" $VIGIL collect repo r -o big.json
validate vigil-collect-repo big.json
check big.json '(.unchecked | length) == 6 and (.unchecked | map(.reason) | unique) == ["git printed more than 16 MiB: killed"]
    and .summary.signed == 0' "cat-file output over 16 MiB"

# Usage errors: exit 2.
expect_status 2 $VIGIL collect repo
expect_status 2 $VIGIL collect repo --commits -1 r
expect_stderr 'expected a number from 0 to 10000'
expect_status 2 $VIGIL collect repo --commits 10001 r
expect_status 2 $VIGIL collect repo --timeout 0 r
expect_status 2 $VIGIL collect repo r r
expect_status 0 $VIGIL collect repo --help
grep -q -- '--commits N' "$TMP/stdout" || fail "--help does not list --commits"
echo "collect_repo: ok"
