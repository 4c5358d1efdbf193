# scan_options.sh — `vigil scan` options around what is reported: an SBOM
# on standard input (`vigil sbom DIR | vigil scan -`), empty targets never
# reported clean, --fail-on unknown and level names in any case,
# --only-fixed / --ignore-unfixed and --severity (what they hide is counted
# and not gated), and the table on a terminal (fits $COLUMNS, colours
# severities only on a terminal and never with NO_COLOR).  Expected values
# come from the unfiltered JSON report of the same scan.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/osv/PyPI/PYSEC-2012-18.json
need_cmd jq
need_cmd script
T=$TMP
$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" \
    --from "$VIGIL_SHARED/vulndata/osv/PyPI" --db "$T/db.sqlite" >/dev/null 2>&1 || fail "db build"
scan() { $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d "$@"; }
mkdir "$T/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/root"
# musl and busybox below real secfixes, so that there are findings
sed -i -e 's/^V:1.1.22-r4$/V:1.1.20-r0/' -e 's/^V:1.30.1-r5$/V:1.29.0-r0/' "$T/root/lib/apk/db/installed"
# and a Python distribution with an advisory that has no fix (PYSEC-2012-18:
# every version of horizon), so that some findings have no fixed version
mkdir -p "$T/root/usr/lib/python3.7/site-packages/horizon-2012.1.dist-info"
printf 'Metadata-Version: 2.1\nName: horizon\nVersion: 2012.1\n' \
    >"$T/root/usr/lib/python3.7/site-packages/horizon-2012.1.dist-info/METADATA"
expect_status 0 scan -o json="$T/all.json" "$T/root"
total=$(jq '.summary.findings' "$T/all.json")
[ "$total" -ge 3 ] || fail "expected several findings, got $total"
pairs() { jq -r '.findings[] | "\(.component.purl)\t\(.id)"' "$1" | sort; }

# 1. An SBOM on standard input scans like the directory.
$VIGIL sbom "$T/root" >"$T/root.cdx.json" 2>/dev/null || fail "vigil sbom"
scan -o json - <"$T/root.cdx.json" >"$T/stdin.json" 2>"$T/stdin.err" || { cat "$T/stdin.err" >&2; fail "scan -"; }
same_lines <(pairs "$T/stdin.json") <(pairs "$T/all.json") "findings of the SBOM on standard input"
[ "$(jq -r .target.kind "$T/stdin.json")" = sbom ] || fail "standard input not read as an SBOM"
echo 'not json' | { expect_status 1 scan -; }
expect_stderr "standard input"

# 2. Nothing to look at is never "no known vulnerabilities".
mkdir "$T/empty"
expect_status 3 scan -o json="$T/empty.json" -o table="$T/empty.txt" "$T/empty"
expect_stderr "no components found: nothing was checked"
grep -q "no components found: nothing was checked" "$T/empty.txt" || fail "the table does not say nothing was checked"
! grep -q "no known vulnerabilities" "$T/empty.txt" || fail "an empty target reported clean"
jq '.components = [] | .dependencies = []' "$T/root.cdx.json" >"$T/none.cdx.json"
expect_status 3 scan "$T/none.cdx.json"
expect_stderr "no components found"

# 3. --fail-on: unknown counts every finding; names in any case.
expect_status 5 scan --fail-on unknown "$T/root"
expect_stderr "--fail-on unknown: $total findings? at or above"
expect_status 5 scan --fail-on UNKNOWN "$T/root"
high=$(jq '[.findings[] | select(.severity == "high" or .severity == "critical")] | length' "$T/all.json")
expect_status "$([ "$high" -gt 0 ] && echo 5 || echo 0)" scan --fail-on High "$T/root"
expect_status 2 scan --fail-on severe "$T/root"

# 4. --severity and --only-fixed hide findings, count them, and do not gate on them.
for levels in unknown critical,high low,MEDIUM; do
    want=$(jq --arg l "$levels" '($l | ascii_downcase | split(",")) as $keep |
        [.findings[] | select(.severity as $s | $keep | index($s))] | length' "$T/all.json")
    expect_status 0 scan --severity "$levels" -o json "$T/root"
    [ "$(jq '.summary.findings' "$T/stdout")" = "$want" ] || fail "--severity $levels: $(jq '.summary.findings' "$T/stdout") findings, want $want"
    [ "$(jq '.summary.findingsHidden' "$T/stdout")" = "$((total - want))" ] || fail "--severity $levels: hidden count"
done
# what --severity hides does not fail the gate
crit=$(jq '[.findings[] | select(.severity == "critical")] | length' "$T/all.json")
expect_status "$([ "$crit" -gt 0 ] && echo 5 || echo 0)" scan --severity critical --fail-on unknown "$T/root"
fixed=$(jq '[.findings[] | select(.fixedVersions | length > 0)] | length' "$T/all.json")
[ "$fixed" -lt "$total" ] && [ "$fixed" -gt 0 ] || fail "need findings with and without a fix ($fixed of $total fixed)"
for opt in --only-fixed --ignore-unfixed; do
    expect_status 0 scan $opt -o json "$T/root"
    [ "$(jq '.summary.findings' "$T/stdout")" = "$fixed" ] || fail "$opt: findings"
    [ "$(jq '[.findings[] | select(.fixedVersions | length == 0)] | length' "$T/stdout")" = 0 ] || fail "$opt kept an unfixed finding"
done
expect_status 2 scan --severity severe "$T/root"

# 5. The table: plain when piped; fits COLUMNS; coloured on a terminal
# unless NO_COLOR.
expect_status 0 scan "$T/root"
cp "$TMP/stdout" "$T/wide.txt"
natural=$(awk 'NF == 0 { exit } { print }' "$T/wide.txt" | while IFS= read -r l; do printf '%s' "$l" | wc -m; done | sort -n | tail -1)
cols=$((natural - 8))
COLUMNS=$cols expect_status 0 scan "$T/root"
cp "$TMP/stdout" "$T/narrow.txt"
awk 'NF == 0 { exit } { print }' "$T/narrow.txt" >"$T/rows.txt"
[ "$(wc -l <"$T/rows.txt")" -gt 1 ] || fail "no table rows"
while IFS= read -r line; do
    [ "$(printf '%s' "$line" | wc -m)" -le "$cols" ] || fail "a row is wider than COLUMNS=$cols: $line"
done <"$T/rows.txt"
grep -q "…" "$T/rows.txt" || fail "nothing was shortened to fit COLUMNS=$cols"
! grep -q $'\e\\[' "$T/narrow.txt" || fail "colour written to a pipe"
script -qec "$VIGIL scan --db $T/db.sqlite --max-db-age 100000d $T/root" /dev/null >"$T/tty.txt" 2>&1 ||
    fail "vigil scan on a terminal failed: $(tail -3 "$T/tty.txt")"
grep -q $'\e\\[[0-9;]*m' "$T/tty.txt" || fail "no colour on a terminal"
NO_COLOR=1 script -qec "$VIGIL scan --db $T/db.sqlite --max-db-age 100000d $T/root" /dev/null >"$T/nocolor.txt" 2>&1 ||
    fail "vigil scan on a terminal with NO_COLOR failed: $(tail -3 "$T/nocolor.txt")"
grep -q "CVE-" "$T/nocolor.txt" || fail "the terminal run printed no findings"
! grep -q $'\e\\[[0-9;]*m' "$T/nocolor.txt" || fail "colour despite NO_COLOR"
# 6. An advisory entry that cannot be evaluated is never "not affected":
# GHSA-r683-j2x4-v87g (as stored) gives node-fetch the range
# introduced "1.0" (not a semver version), fixed "3.1.1".
need_shared vulndata/osv/npm/GHSA-r683-j2x4-v87g.json
grep -q '"introduced": "1.0"' "$VIGIL_SHARED/vulndata/osv/npm/GHSA-r683-j2x4-v87g.json" ||
    fail "GHSA-r683-j2x4-v87g no longer has the unreadable event this check needs"
$VIGIL db build --from "$VIGIL_SHARED/vulndata/osv/npm" --db "$T/npm.sqlite" >/dev/null 2>&1 || fail "db build (npm)"
mkdir "$T/proj"
cat >"$T/proj/package-lock.json" <<'EOF'
{"name": "proj", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "proj", "version": "1.0.0", "dependencies": {"node-fetch": "^2.7.0"}},
              "node_modules/node-fetch": {"version": "2.7.0", "resolved": "https://registry.npmjs.org/node-fetch/-/node-fetch-2.7.0.tgz"}}}
EOF
expect_status 3 $VIGIL scan --db "$T/npm.sqlite" --max-db-age 100000d -o json="$T/partial.json" -o table="$T/partial.txt" "$T/proj"
expect_stderr "GHSA-r683-j2x4-v87g \(npm node-fetch\): cannot compare version '1.0'"
[ "$(jq -r '.components[] | select(.name == "node-fetch") | .coverage.status' "$T/partial.json")" = partial ] ||
    fail "node-fetch with an unevaluable entry is not 'partial'"
grep -q "^1 npm package not checked: advisory entries about it could not be evaluated" "$T/partial.txt" ||
    { cat "$T/partial.txt" >&2; fail "the table does not say node-fetch was only partly checked"; }
echo "ok: stdin, empty targets, --fail-on unknown, filters, terminal table, partial checks"
