#!/bin/bash
# php_composer.sh — composer.lock, vendor/composer/installed.json (Composer 1
# and 2 forms) and the composer.json root, against PHP and Composer:
#  1. a real project made in the test by Debian's composer, offline, from
#     local path repositories (with provide, replace, require-dev):
#     vigil's locked and installed packages == `composer show --locked` /
#     `composer show` (installed), dev scope == what `--no-dev` leaves out,
#     the root's DEPENDS_ON == composer's direct dependencies;
#  2. for that project and the fixtures (tests/data/php/): every package,
#     scope and require edge against PHP's json_decode of the same file,
#     requirements resolved through names, "replace" and "provide".
. "$(dirname "$0")/lib.sh"
need_cmd php
need_cmd python3

# vigil's view: "C location name version scope type", once per place a
# component was found (a package in composer.lock and installed.json is one
# component), and "E from -> to" (edges by package name: a lock file and
# installed.json give the same ones)
vigil_view() {
    python3 - "$1" "$2" <<'PY'
import json, sys
cdx = json.load(open(sys.argv[1])); spdx = json.load(open(sys.argv[2]))
for c in cdx.get("components", []):
    if c.get("purl", "").startswith("pkg:composer/"):
        for o in c["evidence"]["occurrences"]:
            print("C", o["location"], c["name"], c.get("version", "-"), c.get("scope", "-"), c["type"])
ids = {}
for p in spdx["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl" and r["referenceLocator"].startswith("pkg:composer/"):
            ids[p["SPDXID"]] = (p["name"], p.get("versionInfo"))
for r in spdx.get("relationships", []):
    a, b = ids.get(r["spdxElementId"]), ids.get(r["relatedSpdxElement"])
    if a and b and r["relationshipType"] == "DEPENDS_ON":
        print("E", a[0], "->", b[0])
PY
}

# PHP's view of one composer.lock / installed.json (and its composer.json root)
php_view() {
    php -d display_errors=stderr /dev/stdin "$@" <<'PHP'
<?php
[$self, $file, $loc] = $argv;
$doc = json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
$lists = [];
if (str_ends_with($file, "composer.lock")) {
    $lists = [["packages", $doc["packages"] ?? [], "required"], ["packages-dev", $doc["packages-dev"] ?? [], "excluded"]];
} elseif (array_is_list($doc)) {
    $lists = [["", $doc, "-"]];
} else {
    $lists = [["", $doc["packages"] ?? [], null]];
}
$dev = $doc["dev-package-names"] ?? [];
$by = [];
$all = [];
foreach ($lists as [$k, $pkgs, $scope]) {
    foreach ($pkgs as $p) {
        $s = $scope ?? (in_array($p["name"], $dev, true) ? "excluded" : "required");
        echo "C $loc {$p['name']} {$p['version']} $s library\n";
        $all[] = $p;
        foreach (array_merge([$p["name"]], array_keys($p["replace"] ?? []), array_keys($p["provide"] ?? [])) as $n)
            $by[strtolower($n)][] = $p["name"];
    }
}
$edges = [];
foreach ($all as $p) {
    foreach (array_keys($p["require"] ?? []) as $r) {
        if (!str_contains($r, "/")) continue;   // platform package
        foreach ($by[strtolower($r)] ?? [] as $t)
            if ($t !== $p["name"]) $edges["E {$p['name']} -> $t"] = 1;
    }
}
$manifest = dirname($file) . "/composer.json";
if (str_ends_with($file, "composer.lock") && is_file($manifest)) {
    $m = json_decode(file_get_contents($manifest), true);
    if (isset($m["name"])) {
        $dir = dirname($loc) === "." ? "" : dirname($loc) . "/";
        echo "C {$dir}composer.json {$m['name']} " . ($m["version"] ?? "-") . " - application\n";
        foreach (array_merge(array_keys($m["require"] ?? []), array_keys($m["require-dev"] ?? [])) as $r) {
            if (!str_contains($r, "/")) continue;
            foreach ($by[strtolower($r)] ?? [] as $t) $edges["E {$m['name']} -> $t"] = 1;
        }
    }
}
foreach (array_keys($edges) as $e) echo "$e\n";
PHP
}

compare_dir() { # DIR NAME FILES...: vigil on DIR against php_view of each FILE (relative to DIR)
    local dir=$1 name=$2; shift 2
    "$VIGIL" sbom "$dir" -o cyclonedx-json="$TMP/$name.cdx.json" -o spdx-json="$TMP/$name.spdx.json" 2>"$TMP/warnings" \
        || { cat "$TMP/warnings" >&2; fail "vigil sbom $name"; }
    [ -s "$TMP/warnings" ] && { cat "$TMP/warnings" >&2; fail "warnings on $name"; }
    validate_cyclonedx "$TMP/$name.cdx.json"
    validate_spdx "$TMP/$name.spdx.json"
    vigil_view "$TMP/$name.cdx.json" "$TMP/$name.spdx.json" | sort -u >"$TMP/$name.vigil"
    for f in "$@"; do php_view "$dir/$f" "$f"; done | sort -u >"$TMP/$name.ref"
    [ "$(grep -c '^C' "$TMP/$name.ref")" -ge 3 ] || fail "PHP found too little in $name"
    same_lines "$TMP/$name.vigil" "$TMP/$name.ref" "packages and edges of $name"
}

# 1. A project made by the real Composer, offline (path repositories only).
if have_cmd composer "a project made by Composer, against composer show"; then
    P=$TMP/composer
    mkdir -p "$P/pkgs/log" "$P/pkgs/util" "$P/pkgs/http" "$P/pkgs/testkit" "$P/app"
    echo '{"name": "acme/log", "version": "1.4.0", "license": "MIT", "description": "Logging", "provide": {"psr/log-implementation": "3.0"}, "authors": [{"name": "Ann Acme"}]}' >"$P/pkgs/log/composer.json"
    echo '{"name": "acme/util", "version": "2.0.1", "license": ["MIT", "Apache-2.0"], "replace": {"acme/legacy-util": "self.version"}}' >"$P/pkgs/util/composer.json"
    echo '{"name": "acme/http", "version": "v3.1.0", "require": {"php": ">=7.4", "ext-json": "*", "acme/util": "^2.0", "psr/log-implementation": "^3.0"}, "homepage": "https://acme.example/http"}' >"$P/pkgs/http/composer.json"
    echo '{"name": "acme/testkit", "version": "0.9.0", "require": {"acme/legacy-util": "^2.0"}}' >"$P/pkgs/testkit/composer.json"
    cat >"$P/app/composer.json" <<'EOF'
{"name": "acme/shop", "require": {"php": ">=7.4", "acme/http": "^3.1", "acme/log": "^1.4"}, "require-dev": {"acme/testkit": "^0.9"},
 "repositories": [{"packagist.org": false}, {"type": "path", "url": "../pkgs/*", "options": {"symlink": false}}]}
EOF
    export COMPOSER_HOME=$TMP/composer-home COMPOSER_NO_INTERACTION=1 COMPOSER_ALLOW_SUPERUSER=1
    (cd "$P/app" && composer update --no-plugins --no-audit >"$TMP/composer.log" 2>&1) \
        || { cat "$TMP/composer.log" >&2; fail "composer update (offline, path repositories)"; }
    compare_dir "$P/app" real composer.lock vendor/composer/installed.json

    # against Composer's own listing
    (cd "$P/app" && composer show --locked --format=json) >"$TMP/locked.json"
    (cd "$P/app" && composer show --locked --no-dev --format=json) >"$TMP/locked-nodev.json"
    (cd "$P/app" && composer show --format=json) >"$TMP/installed.json"
    python3 - "$TMP/real.cdx.json" "$TMP/locked.json" "$TMP/locked-nodev.json" "$TMP/installed.json" "$TMP/real.spdx.json" <<'PY' \
        || fail "vigil against composer show"
import json, sys
cdx = json.load(open(sys.argv[1]))
locked = {(p["name"], p["version"]) for p in json.load(open(sys.argv[2]))["locked"]}
nodev = {(p["name"], p["version"]) for p in json.load(open(sys.argv[3]))["locked"]}
direct = {p["name"] for p in json.load(open(sys.argv[2]))["locked"] if p.get("direct-dependency")}
installed = {(p["name"], p["version"]) for p in json.load(open(sys.argv[4]))["installed"]}
def comps(loc):
    out = {}
    for c in cdx["components"]:
        if loc in [o["location"] for o in c["evidence"]["occurrences"]]:
            out[(c["name"], c.get("version"))] = c
    return out
lock, inst = comps("composer.lock"), comps("vendor/composer/installed.json")
assert set(lock) == locked, (sorted(lock), sorted(locked))
assert {k for k, c in lock.items() if c.get("scope") == "required"} == nodev
assert {k for k, c in lock.items() if c.get("scope") == "excluded"} == locked - nodev
assert set(inst) == installed, (sorted(inst), sorted(installed))
spdx = json.load(open(sys.argv[5]))
name = {p["SPDXID"]: p["name"] for p in spdx["packages"]}
root = [p["SPDXID"] for p in spdx["packages"] if p["name"] == "acme/shop"]
assert len(root) == 1
deps = {name[r["relatedSpdxElement"]] for r in spdx["relationships"] if r["spdxElementId"] == root[0] and r["relationshipType"] == "DEPENDS_ON"}
assert deps == direct, (deps, direct)
contains = {r["relatedSpdxElement"] for r in spdx["relationships"] if r["spdxElementId"] == root[0] and r["relationshipType"] == "CONTAINS"}
assert len(contains) == len(locked), contains
print("composer show agrees:", len(locked), "locked,", len(installed), "installed")
PY
fi

# 2. fixtures
compare_dir "$VIGIL_SRC/tests/data/php/lock" lock composer.lock
compare_dir "$VIGIL_SRC/tests/data/php/composer1" composer1 vendor/composer/installed.json
grep -q '"pkg:composer/legacy/mixedcase@v0.1"' "$TMP/composer1.cdx.json" || fail "composer purl: vendor and name lower-cased"
grep -q '"pkg:composer/symfony/console@v6.4.1"' "$TMP/lock.cdx.json" || fail "composer purl keeps the version as locked"

# broken JSON: a warning naming the file, the scan goes on
mkdir -p "$TMP/bad/vendor/composer"
printf '{"packages": [{"name": "a/b", "version": "1.0"},]}' >"$TMP/bad/composer.lock"
printf '{"packages": [{"name": "noslash", "version": "1.0"}, {"name": "c/d", "version": "2.0"}]}' >"$TMP/bad/vendor/composer/installed.json"
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o cyclonedx-json="$TMP/bad.json"
expect_stderr 'composer.lock: invalid JSON at line 1'
expect_stderr 'installed.json: package without a "vendor/name"'
grep -q '"pkg:composer/c/d@2.0"' "$TMP/bad.json" || fail "the valid package next to an invalid one"
echo "php_composer: ok"
