# scan_debian.sh — `vigil scan` of the real Debian minbase package database
# against the real Debian security tracker lists (DSA, DLA, DTSA), checked
# against an expected set computed here from the raw list text, with
# dpkg-query for the installed source packages and `dpkg --compare-versions`
# as the version reference.
#
# The lists (2023-04) predate bookworm's release and hold no [bookworm]
# line, so the fixture is also scanned as bullseye (os-release rewritten to
# VERSION_ID=11, versions lowered): the same real packages against the real
# bullseye entries.
# Then two constructed tracker entries check the edges: a fixed version equal
# to the installed source version is not reported, one above it is, and a
# binNMU'd binary (1.0-1+b1) is compared by its source version.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared vulndata/debian-security-tracker/DSA/list
need_cmd dpkg
need_cmd dpkg-query
need_cmd jq
need_cmd python3
$VIGIL db --help >/dev/null 2>&1 || skip "this vigil has no 'db' command"

T=$TMP
lists=$VIGIL_SHARED/vulndata/debian-security-tracker
$VIGIL db build --from "$lists/DSA/list" --from "$lists/DLA/list" --from "$lists/DTSA/list" \
    --db "$T/db.sqlite" >/dev/null 2>"$T/build.err" || { cat "$T/build.err" >&2; fail "db build"; }

mkdir "$T/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$T/root"

# 1. As shipped (bookworm): the lists (2023-04) hold no bookworm entry at
# all, so nothing can be checked: exit 3, every package "no-data", never
# "no known vulnerabilities".
expect_status 3 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json -o table="$T/bookworm.txt" "$T/root"
[ "$(jq '.summary.findings' "$T/stdout")" = 0 ] || fail "bookworm: findings without any [bookworm] entry"
[ "$(jq -r '.os.ecosystem' "$T/stdout")" = "Debian:12" ] || fail "bookworm: ecosystem is not Debian:12"
ndeb=$(grep -c '^Package: ' "$T/root/var/lib/dpkg/status")
[ "$(jq '[.components[] | select(.type == "deb" and .coverage.status == "no-data" and .coverage.ecosystem == "Debian:12")] | length' "$T/stdout")" -ge "$((ndeb - 5))" ] ||
    fail "bookworm: the packages are not all 'no data for Debian:12'"
[ "$(jq '.summary.componentsChecked' "$T/stdout")" = 0 ] || fail "bookworm: packages counted as checked"
grep -Eq '^[0-9]+ deb packages not checked: the database has no data for Debian:12$' "$T/bookworm.txt" ||
    fail "bookworm: the table does not say why nothing was checked"
! grep -q "no known vulnerabilities" "$T/bookworm.txt" || fail "bookworm: the table claims no known vulnerabilities"
# --allow-unchecked accepts it (exit 0) and still reports it
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d --allow-unchecked -o json "$T/root"
[ "$(jq '.summary.componentsUnchecked' "$T/stdout")" -gt 0 ] || fail "--allow-unchecked hid the unchecked count"
# --distro debian:11 makes the same packages checkable against bullseye
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d --distro debian:11 -o json "$T/root"
[ "$(jq -r '.os.ecosystem' "$T/stdout")" = "Debian:11" ] || fail "--distro debian:11: ecosystem"
[ "$(jq '.summary.componentsUnchecked' "$T/stdout")" = 0 ] || fail "--distro debian:11: packages left unchecked"

# 2. The same packages as bullseye, every version lowered to 0~vigiltest-1
# (Source: "pkg (version)" fields reduced to "pkg"), so that every
# bullseye entry naming an installed source package applies: bookworm's
# real versions are newer than all of them.
for f in etc/os-release usr/lib/os-release; do
    [ -f "$T/root/$f" ] && sed -i -e 's/^VERSION_ID=.*/VERSION_ID="11"/' -e 's/^VERSION_CODENAME=.*/VERSION_CODENAME=bullseye/' "$T/root/$f"
done
sed -i -e 's/^Version: .*/Version: 0~vigiltest-1/' -e 's/^\(Source: [^ ]*\) (.*)$/\1/' "$T/root/var/lib/dpkg/status"
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json=$T/scan.json -o sarif=$T/scan.sarif \
    -o cyclonedx-json=$T/scan.cdx.json "$T/root"
jq -r '.findings[] | "\(.component.name)\t\(.id)"' "$T/scan.json" >"$T/vigil.txt"

# binary, source, source version of every installed package
dpkg-query --admindir="$T/root/var/lib/dpkg" -W \
    -f='${binary:Package}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' |
    awk -F'\t' '$4 ~ /^.i/ {sub(/:.*/, "", $1); print $1 "\t" $2 "\t" $3}' >"$T/installed.tsv"
python3 - "$T/installed.tsv" "$lists/DSA/list" "$lists/DLA/list" "$lists/DTSA/list" >"$T/expected.txt" <<'PY'
import re, subprocess, sys
installed = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by_source = {}
for binary, source, version in installed:
    by_source.setdefault(source, []).append((binary, version))
head = re.compile(r"^\[[^]]+\] (\S+) ")
entry = re.compile(r"^\s+\[(\w+)\] - (\S+)\s*(.*)$")
def lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
out = set()
for path in sys.argv[2:]:
    adv, cves = None, []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = head.match(line)
        if m:
            adv, cves = m.group(1), []
            continue
        m = re.match(r"^\s+\{(.*)\}", line)
        if m:
            cves = [c for c in m.group(1).split() if c.startswith("CVE-")]
            continue
        m = entry.match(line)
        if not m or m.group(1) != "bullseye" or m.group(2) not in by_source:
            continue
        rest = m.group(3).split()
        if not rest or rest[0] == "<not-affected>":
            continue
        for binary, version in by_source[m.group(2)]:
            if rest[0] in ("<unfixed>", "<end-of-life>") or lt(version, rest[0]):
                # An advisory is one vulnerability per CVE it names, or itself.
                for vid in (cves if cves else [adv]):
                    out.add(f"{binary}\t{vid}")
for x in sorted(out):
    print(x)
PY
[ -s "$T/expected.txt" ] || fail "the reference found no bullseye finding: the test would prove nothing"
same_lines "$T/vigil.txt" "$T/expected.txt" "bullseye findings (package, id)"
node_ok=0
if command -v node >/dev/null && [ -d "$VIGIL_SRC/tests/tools/node_modules/ajv-draft-04" ]; then
    node "$VIGIL_SRC/tests/tools/validate.mjs" sarif-2.1.0 "$T/scan.sarif" >/dev/null || fail "SARIF invalid"
    node "$VIGIL_SRC/tests/tools/validate.mjs" cyclonedx-1.6 "$T/scan.cdx.json" >/dev/null || fail "CycloneDX VDR invalid"
    node_ok=1
fi
# Every finding is in all three reports.
n=$(wc -l <"$T/vigil.txt")
[ "$(jq '.runs[0].results | length' "$T/scan.sarif")" = "$n" ] || fail "SARIF result count differs from JSON"
[ "$(jq '.vulnerabilities | length' "$T/scan.cdx.json")" = "$n" ] || fail "VDR vulnerability count differs from JSON"

# 3. Constructed edges on a real package: equal fixed version, higher fixed
# version, binNMU compared by source version.
pkg=$(awk -F'\t' '$1 == $2 {print $1; exit}' "$T/installed.tsv")
ver=$(awk -F'\t' -v p="$pkg" '$1 == p {print $3}' "$T/installed.tsv")
[ -n "$pkg" ] && [ -n "$ver" ] || fail "no package whose binary and source names agree"
mkdir -p "$T/edge/DSA"
cat >"$T/edge/DSA/list" <<EOF
[01 Jan 2023] DSA-9001-1 $pkg - equal fixed version
	{CVE-2099-0001}
	[bullseye] - $pkg $ver
[01 Jan 2023] DSA-9002-1 $pkg - newer fixed version
	{CVE-2099-0002}
	[bullseye] - $pkg $ver+deb11u9
EOF
$VIGIL db build --from "$T/edge/DSA/list" --db "$T/edge.sqlite" >/dev/null 2>&1 || fail "db build of the edge list"
expect_status 0 $VIGIL scan --db "$T/edge.sqlite" --max-db-age 100000d -o json "$T/root"
got=$(jq -r --arg p "$pkg" '[.findings[] | select(.component.name == $p) | .id] | join(" ")' "$T/stdout")
[ "$got" = "CVE-2099-0002" ] || fail "$pkg $ver: expected only CVE-2099-0002 (fixed in $ver+deb11u9), got '$got'"
fixed=$(jq -r --arg p "$pkg" '.findings[] | select(.component.name == $p) | .fixedVersions | join(",")' "$T/stdout")
[ "$fixed" = "$ver+deb11u9" ] || fail "fixed version shown is '$fixed'"
ids=$(jq -r --arg p "$pkg" '.findings[] | select(.component.name == $p) | .ids | join(",")' "$T/stdout")
[ "$ids" = "CVE-2099-0002,DSA-9002-1" ] || fail "identifiers are '$ids', expected CVE-2099-0002,DSA-9002-1"

# binNMU: the binary's version gets +b1, the source version stays: still equal.
python3 - "$T/root/var/lib/dpkg/status" "$pkg" "$ver" <<'PY'
import sys
path, pkg, ver = sys.argv[1:]
blocks = open(path).read().split("\n\n")
for i, b in enumerate(blocks):
    lines = b.split("\n")
    if f"Package: {pkg}" in lines:
        lines = [f"Version: {ver}+b1" if l.startswith("Version: ") else l for l in lines]
        if not any(l.startswith("Source: ") for l in lines):
            lines.insert(1, f"Source: {pkg} ({ver})")
        blocks[i] = "\n".join(lines)
open(path, "w").write("\n\n".join(blocks))
PY
expect_status 0 $VIGIL scan --db "$T/edge.sqlite" --max-db-age 100000d -o json "$T/root"
got=$(jq -r --arg p "$pkg" '[.findings[] | select(.component.name == $p) | "\(.id)@\(.comparedVersion)"] | join(" ")' "$T/stdout")
[ "$got" = "CVE-2099-0002@$ver" ] || fail "binNMU $ver+b1: expected CVE-2099-0002 compared at $ver, got '$got'"
echo "ok: $n bullseye findings match the tracker lists (schemas checked: $node_ok)"
