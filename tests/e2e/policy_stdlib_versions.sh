#!/usr/bin/env bash
# policy_stdlib_versions.sh — differential test of vigil.version_compare, the
# version ordering of the policy rules' vigil library (src/policy/stdlib.c
# over src/version/), on real versions, against each ecosystem's reference
# (the scripts of tests/tools/version-ref): Debian versions of the
# packages of ../shared's Debian fixture and of the Debian security
# tracker's DSA list, against Dpkg::Version (libdpkg-perl); RPM versions of
# ../shared's three RPM databases and of the AlmaLinux OSV records, against
# rpm's own rpmvercmp (python3-rpm); PyPI versions of the PyPA OSV records,
# against python3-packaging; npm versions of the npm OSV records, against
# the npm "semver" package.  5 000 pairs per ecosystem drawn from those
# versions (fixed seed), with ecosystem names as rules write them (purl
# types and OSV names); the rule tests/data/policy/stdlib/versions.lua runs
# in the real sandbox through unit_policy_stdlib --run.  The comparators
# themselves have their own tests (version_*.sh); this one checks what a
# rule gets, on real data.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd jq
need_cmd perl
need_cmd node
perl -MDpkg::Version -e 1 2>/dev/null || skip "Dpkg::Version is not installed (libdpkg-perl)"
/usr/bin/python3 -c 'import rpm, packaging.version' 2>/dev/null || skip "python3-rpm or python3-packaging is not installed"
[ -d "$REF_DIR/node_modules/semver" ] || skip "run: npm ci --prefix tests/tools/version-ref"
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared fixtures/rpmdb
need_shared vulndata/debian-security-tracker/DSA/list
need_shared vulndata/osv/AlmaLinux
UNIT=${VIGIL_BUILD:?}/tests/unit_policy_stdlib
[ -x "$UNIT" ] || fail "$UNIT is not built"
FIX=$VIGIL_SHARED/fixtures
DATA=$VIGIL_SHARED/vulndata

# Real versions, one file per ecosystem.
"$VIGIL" sbom -q "$FIX/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" >"$TMP/deb.cdx.json"
jq -r '.components[] | select(.purl // "" | startswith("pkg:deb/")) | .version' "$TMP/deb.cdx.json" >"$TMP/deb.all"
awk '$1 ~ /^\[[a-z]+\]$/ && $2 == "-" && NF == 4 && $4 !~ /^</ { print $4 }' \
    "$DATA/debian-security-tracker/DSA/list" >>"$TMP/deb.all"
for db in cbl-mariner-2.0/rpmdb.sqlite sle15-bci/Packages.db libuuid/Packages; do
    root=$TMP/rpm-${db%%/*}
    mkdir -p "$root/var/lib/rpm"
    cp "$FIX/rpmdb/$db" "$root/var/lib/rpm/"
    "$VIGIL" sbom -q "$root" >"$root.cdx.json"
    jq -r '.components[] | select(.purl // "" | startswith("pkg:rpm/")) | .version' "$root.cdx.json" >>"$TMP/rpm.all"
done
# OSV: every version of "versions" and of the range events.
osv_versions() {
    find "$DATA/osv/$1" -name '*.json' -print0 | sort -z >"$TMP/$1.list"
    xargs -0 jq -r '.affected[]? | (.versions[]?, (.ranges[]?.events[]? | .introduced, .fixed, .last_affected))
                    | strings | select(. != "0")' <"$TMP/$1.list"
}
osv_versions AlmaLinux >>"$TMP/rpm.all"
osv_versions PyPI >"$TMP/pypi.all"
osv_versions npm >"$TMP/npm.all"
for e in deb rpm pypi npm; do
    sort -u "$TMP/$e.all" >"$TMP/$e.versions"
    [ "$(wc -l <"$TMP/$e.versions")" -ge 80 ] || fail "only $(wc -l <"$TMP/$e.versions") real $e versions"
done

# 5 000 pairs per ecosystem (fixed seed), some of a version with itself.
/usr/bin/python3 - "$TMP" >"$TMP/pairs.json" <<'PY'
import json, random, sys
tmp = sys.argv[1]
rng = random.Random(5)
pairs = []
for eco, name in (("deb", "deb"), ("rpm", "AlmaLinux:9"), ("pypi", "PyPI"), ("npm", "npm")):
    with open(f"{tmp}/{eco}.versions", encoding="utf-8") as f:
        versions = [line.rstrip("\n") for line in f]
    with open(f"{tmp}/{eco}.pairs", "w", encoding="utf-8") as out:
        for _ in range(5000):
            a = rng.choice(versions)
            b = a if rng.random() < 0.05 else rng.choice(versions)
            pairs.append([name, a, b])
            out.write(f"{a}\t{b}\n")
json.dump({"pairs": pairs}, sys.stdout)
PY
"$UNIT" --run "$VIGIL_SRC/tests/data/policy/stdlib/versions.lua" <"$TMP/pairs.json" >"$TMP/vigil.json" ||
    fail "the version rule failed"
jq -r . "$TMP/vigil.json" >"$TMP/vigil"
[ "$(wc -l <"$TMP/vigil")" = 20000 ] || fail "vigil gave $(wc -l <"$TMP/vigil") results for 20000 pairs"
sed -n 1,5000p "$TMP/vigil" >"$TMP/deb.vigil"
sed -n 5001,10000p "$TMP/vigil" >"$TMP/rpm.vigil"
sed -n 10001,15000p "$TMP/vigil" >"$TMP/pypi.vigil"
sed -n 15001,20000p "$TMP/vigil" >"$TMP/npm.vigil"

perl "$REF_DIR/dpkg.pl" "$TMP/deb.pairs" >"$TMP/deb.ref"
/usr/bin/python3 "$REF_DIR/rpmref.py" "$TMP/rpm.pairs" >"$TMP/rpm.ref"
/usr/bin/python3 "$REF_DIR/pep440.py" "$TMP/pypi.pairs" >"$TMP/pypi.ref"
node "$REF_DIR/semver.js" compare "$TMP/npm.pairs" >"$TMP/npm.ref"
# agree (difflib.sh): every line agrees, at least MIN pairs ordered by
# both, each outcome at least MIN/100 times.
agree "$TMP/deb.pairs" "$TMP/deb.vigil" "$TMP/deb.ref" "deb (Dpkg::Version)" 4000
agree "$TMP/rpm.pairs" "$TMP/rpm.vigil" "$TMP/rpm.ref" "AlmaLinux:9 (rpm)" 4000
agree "$TMP/pypi.pairs" "$TMP/pypi.vigil" "$TMP/pypi.ref" "PyPI (packaging)" 4000
agree "$TMP/npm.pairs" "$TMP/npm.vigil" "$TMP/npm.ref" "npm (semver)" 4000
