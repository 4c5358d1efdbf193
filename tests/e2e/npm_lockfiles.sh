# npm_lockfiles.sh — the hand-written lock files of tests/data/npm (yarn
# classic and berry, pnpm lockfileVersion 5.4, 6.0 and 9.0, package-lock v1)
# against independent parsers: @yarnpkg/lockfile (yarn's own parser, from
# tests/data/npm/tools), PyYAML and Python's json (npm_ref.py).  Packages,
# versions, scopes, the application and the DEPENDS_ON edges must be the
# same; purls of git, tarball, local and alias dependencies must follow the
# identity rules of docs/formats.md; malformed lock files are warnings that
# name the file (exit 3) and the rest of the target is still listed.
. "$(dirname "$0")/lib.sh"

need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip "PyYAML is not installed (Debian python3-yaml)"
DATA="$VIGIL_SRC/tests/data/npm"
REF="$VIGIL_SRC/tests/e2e/npm_ref.py"

compare() { # compare FIXTURE REFERENCE-FILE
    expect_status 0 "$VIGIL" sbom "$DATA/$1" -o "cyclonedx-json=$TMP/$1.cdx" -o "spdx-json=$TMP/$1.spdx"
    python3 "$REF" vigil "$TMP/$1.cdx" "$TMP/$1.spdx" >"$TMP/$1.vigil"
    [ "$(grep -c '^C' "$2")" -ge 5 ] || fail "$1: the reference found too few packages"
    same_lines "$TMP/$1.vigil" "$2" "$1 packages and edges (vigil vs reference parser)"
    validate_cyclonedx "$TMP/$1.cdx"
    validate_spdx "$TMP/$1.spdx"
}

for v in 5 6 9; do
    python3 "$REF" pnpm "$DATA/pnpm-v$v/pnpm-lock.yaml" >"$TMP/pnpm-v$v.ref"
    compare "pnpm-v$v" "$TMP/pnpm-v$v.ref"
done
python3 "$REF" berry "$DATA/yarn-berry/yarn.lock" >"$TMP/berry.ref"
compare yarn-berry "$TMP/berry.ref"
python3 "$REF" npmlock "$DATA/lock-v1/package-lock.json" >"$TMP/lockv1.ref"
compare lock-v1 "$TMP/lockv1.ref"

# yarn classic through yarn's own parser (npm ci --prefix tests/data/npm/tools,
# done by setup.sh --test)
tools="$DATA/tools"
if ! [ -d "$tools/node_modules/@yarnpkg/lockfile" ]; then
    skip_part "yarn classic against @yarnpkg/lockfile (run ./setup.sh --test)"
elif have_cmd node "yarn classic against @yarnpkg/lockfile"; then
    node -e 'const l = require(process.argv[1]), fs = require("fs");
             process.stdout.write(JSON.stringify(l.parse(fs.readFileSync(process.argv[2], "utf8"))))' \
        "$tools/node_modules/@yarnpkg/lockfile" "$DATA/yarn-v1/yarn.lock" >"$TMP/yarn1.json" ||
        fail "@yarnpkg/lockfile cannot parse the fixture"
    python3 "$REF" yarn1 "$TMP/yarn1.json" >"$TMP/yarn1.ref"
    compare yarn-v1 "$TMP/yarn1.ref"
fi

# identity rules, written from docs/formats.md: git → commit as version and
# vcs_url; remote tarball → no version, download_url; local → no version;
# alias → real name; scoped → %40scope namespace; workspace:. → application
expect_status 0 "$VIGIL" sbom "$DATA" -o "cyclonedx-json=$TMP/all.cdx"
python3 - "$TMP/all.cdx" <<'PY' || fail "purls of git, tarball, local, alias and scoped dependencies"
import json, sys
comps = json.load(open(sys.argv[1]))["components"]
def purls(loc):
    return {c["purl"] for c in comps if loc in [o["location"] for o in c["evidence"]["occurrences"]]}
y1 = purls("yarn-v1/yarn.lock")
sha = "e2e6b2d27c9e8a6aa4c1b2d7f5b4b0f2c2f1f1b3"
want = {
    f"pkg:npm/mkdirp@{sha}?vcs_url=git%2Bhttps://github.com/isaacs/node-mkdirp.git%23{sha}",
    "pkg:npm/tiny-tarball?download_url=https://example.com/downloads/tiny-tarball-1.0.0.tar.gz%235a8b0a1bc3f0c0f0a1b2c3d4e5f60718293a4b5c",
    "pkg:npm/my-lib", "pkg:npm/ms@2.1.3", "pkg:npm/%40types/ms@0.7.34"}
assert want <= y1, want - y1
berry = purls("yarn-berry/yarn.lock")
assert "pkg:npm/berry-app" in berry and "pkg:npm/resolve@1.22.8" in berry, berry
lp = "5d2c2f8d4d0b0a0e4e0f2f7a0c5e1f3d9b8a7c6d"
assert f"pkg:npm/left-pad@{lp}?vcs_url=https://github.com/left-pad/left-pad.git" in purls("pnpm-v6/pnpm-lock.yaml")
assert "pkg:npm/local-thing" in purls("pnpm-v9/pnpm-lock.yaml")
apps = [c["name"] for c in comps if c["type"] == "application"
        and not any(p["value"].startswith("tools/") for p in c.get("properties", []))]
assert sorted(apps) == ["berry-app", "lock-v1-app"], apps
PY

# lock files inside node_modules belong to a dependency: not read
mkdir -p "$TMP/nm/node_modules/dep"
cp "$DATA/yarn-v1/yarn.lock" "$DATA/pnpm-v9/pnpm-lock.yaml" "$DATA/lock-v1/package-lock.json" "$TMP/nm/node_modules/dep/"
expect_status 0 "$VIGIL" sbom "$TMP/nm" -o "cyclonedx-json=$TMP/nm.cdx"
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$TMP/nm.cdx")" = 0 ] ||
    fail "lock files inside node_modules were read"

# malformed lock files: a warning naming each, exit 3, the good one still listed
bad="$TMP/bad"
mkdir -p "$bad/a" "$bad/b" "$bad/c" "$bad/d" "$bad/good"
printf '{"lockfileVersion": 3, "packages": {"node_modules/x": {"version": "1.0.0"}' >"$bad/a/package-lock.json"
printf 'lockfileVersion: "9.0"\npackages:\n  a@1.0.0: {resolution: [unclosed\n' >"$bad/b/pnpm-lock.yaml"
printf '__metadata:\n  version: 8\n"x@npm:1": {version: 1.0.0\n' >"$bad/c/yarn.lock"
printf '{"name": "x", "name": "y", "version": "1.0.0"}' >"$bad/d/package-lock.json"
cp "$DATA/pnpm-v9/pnpm-lock.yaml" "$bad/good/"
expect_status 3 "$VIGIL" sbom "$bad" -o "cyclonedx-json=$TMP/bad.cdx"
expect_stderr 'a/package-lock.json.*not valid JSON'
expect_stderr 'b/pnpm-lock.yaml.*not a valid pnpm lock file'
expect_stderr 'c/yarn.lock.*not a valid yarn berry lock file'
expect_stderr 'd/package-lock.json.*duplicate'
python3 - "$TMP/bad.cdx" <<'PY' || fail "the good lock file next to the bad ones"
import json, sys
names = {c["name"] for c in json.load(open(sys.argv[1]))["components"]}
assert {"react-dom", "debug", "@types/node"} <= names, names
PY
echo "ok: pnpm 5.4/6.0/9.0, yarn berry and classic, package-lock v1 match their reference parsers"
