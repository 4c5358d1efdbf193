# npm_real.sh — a small pinned project installed by the real npm from the
# registry (a scoped package, an alias, a nested conflicting version, an
# optional dependency with its own nested dependency, a dev dependency).
# vigil's npm components from node_modules alone, and separately from
# package-lock.json alone (lockfileVersion 3 and 2, both written by npm),
# must be exactly what `npm ls --all --json --long` reports: one component
# per install path for node_modules, one per name@version for the lock, the
# same DEPENDS_ON edges as the npm ls tree, dev scope exactly for what
# `npm ls --omit=dev` leaves out, optional for npm's optional nodes, and the
# project as the application.  Skips when the registry is unreachable.
. "$(dirname "$0")/lib.sh"

need_cmd npm
need_cmd python3
export npm_config_cache="$TMP/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
timeout 20 npm view is-number version >/dev/null 2>&1 || skip "the npm registry is unreachable (npm view is-number failed)"
REF="$VIGIL_SRC/tests/e2e/npm_ref.py"

proj="$TMP/project"
mkdir "$proj"
cat >"$proj/package.json" <<'JSON'
{
  "name": "vigil-npm-fixture",
  "version": "1.2.3",
  "private": true,
  "dependencies": {
    "debug": "4.3.4",
    "ms": "2.0.0",
    "is-number": "7.0.0",
    "@types/ms": "0.7.34",
    "ms-alias": "npm:ms@2.1.3"
  },
  "optionalDependencies": { "is-odd": "3.0.1" },
  "devDependencies": { "@types/node": "20.11.30" }
}
JSON
(cd "$proj" && npm install --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1) ||
    { cat "$TMP/npm.log" >&2; fail "npm install failed"; }
(cd "$proj" && npm ls --all --json --long >"$TMP/ls.json" 2>/dev/null &&
    npm ls --all --json --long --omit=dev >"$TMP/ls-prod.json" 2>/dev/null) || fail "npm ls failed"

# node_modules alone
mkdir "$TMP/installed"
cp -a "$proj/node_modules" "$TMP/installed/"
expect_status 0 "$VIGIL" sbom "$TMP/installed" -o "cyclonedx-json=$TMP/inst.cdx" -o "spdx-json=$TMP/inst.spdx"
python3 "$REF" vigil "$TMP/inst.cdx" "$TMP/inst.spdx" installed >"$TMP/inst.vigil"
python3 "$REF" npmls "$TMP/ls.json" "$TMP/ls-prod.json" installed "$proj" >"$TMP/inst.npm"
[ "$(grep -c '^C' "$TMP/inst.npm")" -ge 10 ] || fail "npm ls listed too few packages"
same_lines "$TMP/inst.vigil" "$TMP/inst.npm" "node_modules packages and edges (vigil vs npm ls)"
validate_cyclonedx "$TMP/inst.cdx"
validate_spdx "$TMP/inst.spdx"

# purls: the scope is the namespace ('@' encoded), an alias has the real name
python3 - "$TMP/inst.cdx" <<'PY' || fail "purls of the installed packages"
import json, sys
comps = json.load(open(sys.argv[1]))["components"]
by_loc = {next(p["value"] for p in c["properties"] if p["name"] == "vigil:location"): c for c in comps}
node = by_loc["node_modules/@types/node/package.json"]
assert node["purl"] == "pkg:npm/%40types/node@20.11.30", node["purl"]
alias = by_loc["node_modules/ms-alias/package.json"]
assert alias["name"] == "ms" and alias["purl"] == "pkg:npm/ms@2.1.3", alias
assert {"name": "vigil:npm:alias", "value": "ms-alias"} in alias["properties"], alias["properties"]
assert node.get("licenses"), "licence of @types/node"
PY

# package-lock.json alone, as npm writes it (v3), then rewritten as v2
for lockver in 3 2; do
    dir="$TMP/lock$lockver"
    mkdir "$dir"
    if [ "$lockver" = 3 ]; then
        cp "$proj/package-lock.json" "$dir/"
    else
        cp "$proj/package.json" "$dir/"
        (cd "$dir" && npm install --package-lock-only --lockfile-version 2 --loglevel=error >"$TMP/npm2.log" 2>&1) ||
            { cat "$TMP/npm2.log" >&2; fail "npm install --lockfile-version 2 failed"; }
        rm "$dir/package.json"
    fi
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lockfileVersion"])' "$dir/package-lock.json")
    [ "$got" = "$lockver" ] || fail "npm wrote lockfileVersion $got, expected $lockver"
    expect_status 0 "$VIGIL" sbom "$dir" -o "cyclonedx-json=$TMP/l$lockver.cdx" -o "spdx-json=$TMP/l$lockver.spdx"
    python3 "$REF" vigil "$TMP/l$lockver.cdx" "$TMP/l$lockver.spdx" >"$TMP/l$lockver.vigil"
    python3 "$REF" npmls "$TMP/ls.json" "$TMP/ls-prod.json" lock >"$TMP/l$lockver.npm"
    grep -q $'^C\t@types/node\t20.11.30\tdev$' "$TMP/l$lockver.npm" || fail "reference lacks the dev dependency"
    same_lines "$TMP/l$lockver.vigil" "$TMP/l$lockver.npm" "package-lock.json v$lockver packages, scopes and edges (vigil vs npm ls)"
    validate_cyclonedx "$TMP/l$lockver.cdx"
    validate_spdx "$TMP/l$lockver.spdx"
done

# the whole project (node_modules and the lock), twice: the same bytes
expect_status 0 "$VIGIL" sbom "$proj" -o "cyclonedx-json=$TMP/all1.json"
expect_status 0 "$VIGIL" sbom "$proj" -o "cyclonedx-json=$TMP/all2.json"
cmp -s "$TMP/all1.json" "$TMP/all2.json" || fail "two runs on the same project differ"
echo "ok: $(grep -c '^C' "$TMP/inst.npm") installed packages, lock v3 and v2 match npm ls"
