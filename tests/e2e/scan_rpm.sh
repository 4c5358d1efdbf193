# scan_rpm.sh — `vigil scan` of an AlmaLinux 9 rpm database against the real
# AlmaLinux OSV advisories (../shared/vulndata/osv/AlmaLinux), with the
# expected set computed here from the raw JSON and rpm's own comparison
# (rpm.labelCompare from python3-rpm).
#
# The packages are built with rpmbuild and installed with `rpm --justdb`
# into a fresh SQLite rpmdb: real headers, real modularity labels.  They
# are chosen to tell the module rules apart (docs/scan-json.md
# "Matching"):
#  - postgresql on the +127+50ff03a9 build that ALSA-2024:10788 lists as
#    fixed: the advisory's other fixed build (+128+1095dce2, another
#    context) sorts higher, and must not make it vulnerable;
#  - postgresql-server on an older postgresql:16 build: vulnerable to it;
#  - postgresql-upgrade on the postgresql:15 stream's fixed build of
#    ALSA-2024:10787: not vulnerable to the postgresql:16 advisory although
#    15.10 sorts below 16.6, and vulnerable to later postgresql:15 fixes;
#  - nodejs outside any module: never compared with nodejs:18 module builds;
#  - openssl-libs, whose advisories name the binary package.
# Then the same database without os-release: every package "not checked:
# the OS is unknown", exit 3, and with --distro almalinux:9 the same
# findings as with os-release.  Last, vigil's own SBOM of the root scans
# like the root (the modularity label travels in it).
source "$(dirname "$0")/lib.sh"
need_shared vulndata/osv/AlmaLinux/ALSA-2024:10788.json
need_cmd rpmbuild
need_cmd rpm
need_cmd jq
/usr/bin/python3 -c 'import rpm' 2>/dev/null || skip "python3-rpm is not installed"
T=$TMP
alma=$VIGIL_SHARED/vulndata/osv/AlmaLinux

$VIGIL db build --from "$alma" --db "$T/db.sqlite" >/dev/null 2>"$T/build.err" || { cat "$T/build.err" >&2; fail "db build"; }
scan() { $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d "$@"; }

# build NAME BINARY EPOCH VERSION RELEASE [MODULARITYLABEL]: an empty
# binary rpm BINARY ("-": NAME itself) whose source rpm is NAME.
build() {
    local name=$1 sub=$2 epoch=$3 version=$4 release=$5 label=${6:-}
    mkdir -p "$T/spec"
    {
        echo "Name: $name"
        [ "$epoch" = 0 ] || echo "Epoch: $epoch"
        echo "Version: $version"
        echo "Release: $release"
        echo "Summary: vigil test package"
        echo "License: MIT"
        echo "BuildArch: x86_64"
        echo "%description"
        echo "test"
        if [ "$sub" = - ]; then
            echo "%files"
        else
            echo "%package -n $sub"
            echo "Summary: vigil test subpackage"
            echo "%description -n $sub"
            echo "test"
            echo "%files -n $sub"
        fi
    } >"$T/spec/$name-$sub.spec"
    rpmbuild --define "_topdir $T/rpmbuild" --define "_build_id_links none" \
        ${label:+--define "modularitylabel $label"} -bb "$T/spec/$name-$sub.spec" >"$T/rpmbuild.log" 2>&1 ||
        { cat "$T/rpmbuild.log" >&2; fail "rpmbuild $name $sub"; }
}
build postgresql - 0 16.6 1.module_el9.5.0+127+50ff03a9 postgresql:16:9050020241122042411:rhel9
build postgresql postgresql-server 0 16.4 1.module_el9.4.0+109+624ac33a postgresql:16:9040020240815091727:rhel9
build postgresql postgresql-upgrade 0 15.10 1.module_el9.5.0+126+03d48c9f postgresql:15:9050020241122035131:rhel9
build nodejs - 1 16.14.0 1.el9_0
build openssl openssl-libs 1 3.0.1 41.el9_0
mkdir -p "$T/root/etc" "$T/root/var/lib/rpm"
rpm --root "$T/root" --dbpath /var/lib/rpm --initdb
rpm --root "$T/root" --dbpath /var/lib/rpm -i --justdb --nodeps --noscripts --notriggers --ignorearch \
    "$T"/rpmbuild/RPMS/x86_64/*.rpm 2>"$T/rpm.err" || { cat "$T/rpm.err" >&2; fail "rpm -i --justdb"; }
rpm --root "$T/root" --dbpath /var/lib/rpm -qa --qf '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{MODULARITYLABEL}\n' |
    sed 's/\t(none)$/\t/' | sort >"$T/installed.tsv"
[ "$(wc -l <"$T/installed.tsv")" = 5 ] || { cat "$T/installed.tsv" >&2; fail "expected 5 installed packages"; }
cat >"$T/root/etc/os-release" <<'EOF'
NAME="AlmaLinux"
VERSION="9.5 (Teal Serval)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.5"
PRETTY_NAME="AlmaLinux 9.5 (Teal Serval)"
EOF

# The reference: every non-withdrawn AlmaLinux:9 entry naming an installed
# package; module builds only against module builds of the stream the
# advisory's summary names, versions compared without the module tag; other
# packages only against other builds.
/usr/bin/python3 - "$T/installed.tsv" "$alma" >"$T/expected.txt" <<'PY'
import glob, json, os, re, sys, rpm
installed = {}
for line in open(sys.argv[1]):
    name, evr, label = (line.rstrip("\n").split("\t") + [""])[:3]
    installed[name] = (evr, ":".join(label.split(":")[:2]) if label else None)
def evr(s, strip):
    e, _, vr = s.rpartition(":") if re.match(r"^\d+:", s) else ("0", "", s)
    v, _, r = vr.rpartition("-")
    if strip and ".module" in r:
        r = r[:r.index(".module")]
    return (e or "0", v, r)
out = set()
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.json"))):
    d = json.load(open(path))
    if d.get("withdrawn"):
        continue
    streams = set(re.findall(r"\b([A-Za-z0-9._+-]+:[A-Za-z0-9._+-]+)\b", d.get("summary", "")))
    for a in d.get("affected", []):
        p = a["package"]
        if p["ecosystem"] != "AlmaLinux:9" or p["name"] not in installed:
            continue
        have, stream = installed[p["name"]]
        modular = ".module" in have
        for r in a.get("ranges", []):
            events = r["events"]
            assert [list(e) for e in events] == [["introduced"], ["fixed"]] and events[0]["introduced"] == "0", path
            fixed = events[1]["fixed"]
            if (".module" in fixed) != modular:
                continue
            if modular and stream and streams and stream not in streams:
                continue
            if rpm.labelCompare(evr(have, modular), evr(fixed, modular)) < 0:
                out.add(f"{p['name']}\t{d['id']}")
print("\n".join(sorted(out)))
PY
[ -s "$T/expected.txt" ] || fail "the reference expects no finding at all"
# advisories[] of every finding, as "package<TAB>advisory"
advisories() { jq -r '.findings[] | .component.name as $n | .advisories[] | "\($n)\t\(.)"' "$1" | sort -u; }

# 1. With os-release: exactly the reference.
expect_status 0 scan -o json="$T/alma.json" -o table="$T/alma.txt" "$T/root"
advisories "$T/alma.json" >"$T/got.txt"
same_lines "$T/got.txt" "$T/expected.txt" "AlmaLinux 9 findings"
[ "$(jq -r .os.ecosystem "$T/alma.json")" = "AlmaLinux:9" ] || fail "ecosystem is not AlmaLinux:9"
[ "$(jq '.summary.componentsChecked' "$T/alma.json")" = 5 ] || fail "not all 5 packages checked"
# the cases the rules exist for, checked one by one
has() { grep -q "^$1	$2$" "$T/got.txt"; }
! has postgresql "ALSA-2024:10788" || fail "postgresql on a fixed build of ALSA-2024:10788 reported by its other context's build"
has postgresql-server "ALSA-2024:10788" || fail "postgresql-server 16.4 not reported for ALSA-2024:10788"
! has postgresql-upgrade "ALSA-2024:10788" || fail "a postgresql:15 package reported for the postgresql:16 advisory"
! has postgresql-upgrade "ALSA-2024:10787" || fail "postgresql:15's fixed build reported for its own fix"
grep -q "^postgresql-upgrade	" "$T/got.txt" || fail "no later postgresql:15 advisory for postgresql-upgrade 15.10"
for id in $(grep '^nodejs	' "$T/got.txt" | cut -f2); do
    ! grep -q '"summary": "[^"]*nodejs:[0-9]' "$alma/$id.json" || fail "non-modular nodejs matched module advisory $id"
done
grep -q '^nodejs	' "$T/got.txt" || fail "nodejs 16.14.0 matched no advisory"

# Severity is AlmaLinux's own rating ("Important: ..." -> high), the
# highest of the finding's advisories; findings carry the CVEs the
# advisories fix (`related` in AlmaLinux's records).
jq -c '.findings[] | {id, severity, severitySource, advisories}' "$T/alma.json" >"$T/sev.jsonl"
/usr/bin/python3 - "$T/sev.jsonl" "$alma" <<'PY' || fail "severities or identifiers differ from AlmaLinux's records"
import json, os, sys
rank = {"low": 2, "moderate": 3, "important": 4, "critical": 5}
names = {2: "low", 3: "medium", 4: "high", 5: "critical"}
bad = 0
for line in open(sys.argv[1]):
    f = json.loads(line)
    recs = [json.load(open(os.path.join(sys.argv[2], a + ".json"))) for a in f["advisories"]]
    want = max(rank.get(r["summary"].split(":")[0].strip().lower(), 0) for r in recs)
    cves = {c for r in recs for c in r.get("related", []) if c.startswith("CVE-")}
    if want and (f["severity"] != names[want] or f["severitySource"] != "distro"):
        print(f"{f['id']}: severity {f['severity']} from {f['severitySource']}, want {names[want]} from distro", file=sys.stderr)
        bad = 1
    if cves and f["id"] not in cves:
        print(f"{f['id']}: not one of the CVEs {sorted(cves)} of {f['advisories']}", file=sys.stderr)
        bad = 1
sys.exit(bad)
PY
[ "$(jq '[.findings[] | select(.id | startswith("CVE-"))] | length' "$T/alma.json")" -gt 0 ] || fail "no finding names a CVE"

# 2. No os-release: nothing can be matched, and the scan says so.
mv "$T/root/etc/os-release" "$T/os-release"
expect_status 3 scan -o json="$T/noos.json" -o table="$T/noos.txt" -o sarif="$T/noos.sarif" \
    -o cyclonedx-json="$T/noos.cdx.json" "$T/root"
expect_stderr "5 of 5 components could not be checked"
grep -q "^5 rpm packages not checked: the OS is unknown — use --distro ID:VERSION$" "$T/noos.txt" ||
    { cat "$T/noos.txt" >&2; fail "the table does not say why the rpm packages were not checked"; }
! grep -q "no known vulnerabilities" "$T/noos.txt" || fail "an unchecked scan claims no known vulnerabilities"
[ "$(jq '[.components[] | select(.coverage.status == "unknown-os")] | length' "$T/noos.json")" = 5 ] ||
    fail "JSON: not every component unknown-os"
[ "$(jq '.summary.componentsChecked' "$T/noos.json")" = 0 ] || fail "JSON: components counted as checked"
# SARIF: one notification per cause, and every component's coverage
jq -e '.runs[0].invocations[0].toolExecutionNotifications[] |
    select(.level == "warning" and .message.text == "5 rpm packages not checked: the OS is unknown — use --distro ID:VERSION")' \
    "$T/noos.sarif" >/dev/null || fail "SARIF: no notification of the unchecked packages"
[ "$(jq '[.runs[0].properties.coverage[] | select(.status == "unknown-os")] | length' "$T/noos.sarif")" = 5 ] ||
    fail "SARIF: per-component coverage"
# CycloneDX VDR: each component says it was not checked, and why
[ "$(jq '[.components[] | select(any(.properties[]?; .name == "vigil:coverage:status" and .value == "unknown-os"))] | length' \
    "$T/noos.cdx.json")" = 5 ] || fail "VDR: per-component coverage"
jq -e '.metadata.properties[] | select(.name == "vigil:coverage:unchecked" and .value == "5")' "$T/noos.cdx.json" >/dev/null ||
    fail "VDR: the unchecked count"
validate sarif-2.1.0 "$T/noos.sarif"
validate cyclonedx-1.6 "$T/noos.cdx.json"
# --distro supplies the OS: the same findings as with os-release
expect_status 0 scan --distro almalinux:9 -o json="$T/distro.json" "$T/root"
advisories "$T/distro.json" >"$T/distro.txt"
same_lines "$T/distro.txt" "$T/expected.txt" "findings with --distro almalinux:9"
# --allow-unchecked: exit 0, still reported
expect_status 0 scan --allow-unchecked -o json "$T/root"
[ "$(jq '.summary.componentsUnchecked' "$T/stdout")" = 5 ] || fail "--allow-unchecked hid the unchecked components"
mv "$T/os-release" "$T/root/etc/os-release"

# 3. vigil's own SBOMs of the root scan like the root.
$VIGIL sbom -o cyclonedx-json="$T/alma.cdx.json" -o spdx-json="$T/alma.spdx.json" "$T/root" 2>"$T/sbom.err" ||
    { cat "$T/sbom.err" >&2; fail "vigil sbom"; }
for f in alma.cdx.json alma.spdx.json; do
    expect_status 0 scan -o json="$T/$f.scan" "$T/$f"
    advisories "$T/$f.scan" >"$T/$f.txt"
    same_lines "$T/$f.txt" "$T/expected.txt" "findings of $f"
done
echo "ok: $(wc -l <"$T/expected.txt") AlmaLinux advisories match the reference; unknown OS reported, --distro works"
