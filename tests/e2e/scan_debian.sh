# scan_debian.sh — `vigil scan` of the real Debian minbase package database
# against the real Debian security tracker lists (DSA, DLA, DTSA), checked
# against an expected set computed here from the raw list text, with
# dpkg-query for the installed source packages and `dpkg --compare-versions`
# as the version reference.
#
# The lists (2023-04) predate bookworm's release and hold no [bookworm]
# line, so the fixture is also scanned as bullseye (os-release rewritten to
# VERSION_ID=11): the same real packages, at their own versions or at real
# versions the lists name, below, equal to and above the real bullseye fixes.
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

# 2. The same packages as bullseye, at real versions on every side of the
# real bullseye fixes: the source packages that the lists fix in bullseye,
# taken in name order, in turn keep the fixture's own (bookworm) version
# (above the fixes), take the newest version that the lists fix for them in
# an older release and that is below every bullseye fix (below; the next
# case when there is none), or take their lowest bullseye fixed version
# (equal to it, below any later one).  Every binary of such a source gets
# that version.  The expected findings come from dpkg-query and
# `dpkg --compare-versions`, which must see each relation (below, equal,
# above) at least once.
for f in etc/os-release usr/lib/os-release; do
    [ -f "$T/root/$f" ] && sed -i -e 's/^VERSION_ID=.*/VERSION_ID="11"/' -e 's/^VERSION_CODENAME=.*/VERSION_CODENAME=bullseye/' "$T/root/$f"
done
dpkg-query --admindir="$T/root/var/lib/dpkg" -W -f='${source:Package}\t${source:Version}\n' | sort -u >"$T/sources.tsv"
python3 - "$T/sources.tsv" "$T/root/var/lib/dpkg/status" "$lists/DSA/list" "$lists/DLA/list" "$lists/DTSA/list" \
    >"$T/versions.txt" <<'PY'
import functools, re, subprocess, sys
sources = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip())
status = sys.argv[2]
def cmp(a, b):
    if a == b:
        return 0
    return -1 if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0 else 1
entry = re.compile(r"^\s+\[(\w+)\] - (\S+)\s+([^<\s]\S*)")
bullseye, older = {}, {}
for path in sys.argv[3:]:
    for line in open(path, encoding="utf-8", errors="replace"):
        m = entry.match(line)
        if m and m.group(2) in sources:
            (bullseye if m.group(1) == "bullseye" else older).setdefault(m.group(2), set()).add(m.group(3))
chosen = {}
for i, src in enumerate(sorted(bullseye)):
    fixes = sorted(bullseye[src], key=functools.cmp_to_key(cmp))
    below = sorted((v for v in older.get(src, ()) if cmp(v, fixes[0]) < 0), key=functools.cmp_to_key(cmp))
    if i % 3 == 0:
        print(f"{src}\t{sources[src]}\tthe fixture's version; bullseye fixes {' '.join(fixes)}")
        continue
    chosen[src] = below[-1] if i % 3 == 1 and below else fixes[0]
    print(f"{src}\t{chosen[src]}\treal version from the lists; bullseye fixes {' '.join(fixes)}")
# Every binary of a chosen source: Version = the chosen version, Source = the bare name.
paras = open(status, encoding="utf-8").read().rstrip("\n").split("\n\n")
for k, para in enumerate(paras):
    pkg = re.search(r"^Package: (\S+)", para, re.M).group(1)
    src = re.search(r"^Source: (\S+)", para, re.M)
    src = src.group(1) if src else pkg
    if src in chosen:
        para = re.sub(r"^Version: .*$", "Version: " + chosen[src], para, flags=re.M)
        paras[k] = re.sub(r"^Source: (\S+) \(.*\)$", r"Source: \1", para, flags=re.M)
open(status, "w", encoding="utf-8").write("\n\n".join(paras) + "\n")
PY
cat "$T/versions.txt"
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json=$T/scan.json -o sarif=$T/scan.sarif \
    -o cyclonedx-json=$T/scan.cdx.json "$T/root"
jq -r '.findings[] | "\(.component.name)\t\(.id)"' "$T/scan.json" >"$T/vigil.txt"

# binary, source, source version of every installed package
dpkg-query --admindir="$T/root/var/lib/dpkg" -W \
    -f='${binary:Package}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' |
    awk -F'\t' '$4 ~ /^.i/ {sub(/:.*/, "", $1); print $1 "\t" $2 "\t" $3}' >"$T/installed.tsv"
python3 - "$T/installed.tsv" "$T/relations.txt" "$lists/DSA/list" "$lists/DLA/list" "$lists/DTSA/list" >"$T/expected.txt" <<'PY'
import re, subprocess, sys
installed = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by_source = {}
for binary, source, version in installed:
    by_source.setdefault(source, []).append((binary, version))
head = re.compile(r"^\[[^]]+\] (\S+) ")
entry = re.compile(r"^\s+\[(\w+)\] - (\S+)\s*(.*)$")
def relation(a, b):
    for op in ("lt", "eq", "gt"):
        if subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0:
            return op
    sys.exit(f"dpkg cannot compare {a} and {b}")
out, relations = set(), {"lt": 0, "eq": 0, "gt": 0}
for path in sys.argv[3:]:
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
            if rest[0] in ("<unfixed>", "<end-of-life>"):
                rel = "lt"
            elif rest[0].startswith("<"):
                continue
            else:
                rel = relation(version, rest[0])
                relations[rel] += 1
            if rel == "lt":
                # An advisory is one vulnerability per CVE it names, or itself.
                for vid in (cves if cves else [adv]):
                    out.add(f"{binary}\t{vid}")
for x in sorted(out):
    print(x)
with open(sys.argv[2], "w") as f:
    f.write(" ".join(f"{k}={v}" for k, v in relations.items()) + "\n")
PY
read -r rel_lt rel_eq rel_gt <"$T/relations.txt"
echo "installed version against bullseye fixed version, per binary and entry: $rel_lt $rel_eq $rel_gt"
[ "${rel_lt#lt=}" -gt 0 ] && [ "${rel_eq#eq=}" -gt 0 ] && [ "${rel_gt#gt=}" -gt 0 ] ||
    fail "the installed versions do not fall below, on and above the bullseye fixes: the test would prove less"
[ -s "$T/expected.txt" ] || fail "the reference found no bullseye finding: the test would prove nothing"
same_lines "$T/vigil.txt" "$T/expected.txt" "bullseye findings (package, id)"
validate sarif-2.1.0 "$T/scan.sarif"
validate_cyclonedx "$T/scan.cdx.json"
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
echo "ok: $n bullseye findings match the tracker lists"
