# scan_alpine.sh — `vigil scan` of the real Alpine 3.10.9 minirootfs against
# the real Alpine secdb of v3.10 (main and community), checked against an
# expected set computed here from the raw secdb JSON and lib/apk/db/installed.
#
# Version reference: apk-tools is not packaged for Debian, so the reference
# below orders only versions of the plain shape N(.N)*[letter]-rN (every
# version in this fixture and in the secfixes entries it meets); any other
# shape makes the test fail rather than guess.
#
# The minirootfs as shipped is newer than every secfixes entry (no finding);
# the test then lowers musl's revision (1.1.22-r4 -> r2, below the
# secfixes entry 1.1.22-r3: CVE-2019-14697) and sets busybox to exactly its
# newest secfixes version (equal: not reported).  Also: --fail-on gates and
# exit status 5, and the SARIF and CycloneDX reports against their schemas.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3

T=$TMP
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
$VIGIL db build --from "$secdb/main.json" --from "$secdb/community.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build"; }
mkdir "$T/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/root"

reference() {
    python3 - "$T/root/lib/apk/db/installed" "$secdb/main.json" "$secdb/community.json" <<'PY'
import json, re, sys
shape = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)-r(\d+)$")
def key(v):
    m = shape.match(v)
    if not m:
        sys.exit(f"version {v!r} is outside the shape this reference orders")
    return ([int(x) for x in m.group(1).split(".")], m.group(2), int(m.group(3)))
pkgs, cur = [], {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line:
        if cur: pkgs.append(cur)
        cur = {}
    elif line[1:2] == ":":
        cur[line[0]] = line[2:]
if cur: pkgs.append(cur)
fixes = {}
for path in sys.argv[2:]:
    for p in json.load(open(path))["packages"]:
        for ver, ids in p["pkg"]["secfixes"].items():
            for s in ids:
                for i in s.split():
                    fixes.setdefault(p["pkg"]["name"], []).append((ver, i))
out = set()
for p in pkgs:
    origin = p.get("o", p["P"])
    for ver, vid in fixes.get(origin, []):
        if ver == "0":
            continue  # never affected
        if key(p["V"]) < key(ver):
            out.add(f"{p['P']}\t{vid}\t{ver}")
for x in sorted(out):
    print(x)
PY
}

# 1. As shipped: no finding expected, and every apk package was looked at.
reference >"$T/expected.txt" || fail "reference"
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json "$T/root"
jq -r '.findings[] | "\(.component.name)\t\(.id)\t\(.fixedVersions | join(","))"' "$T/stdout" >"$T/vigil.txt"
if [ -s "$T/expected.txt" ]; then
    same_lines "$T/vigil.txt" "$T/expected.txt" "findings of the minirootfs as shipped"
elif [ -s "$T/vigil.txt" ]; then
    cat "$T/vigil.txt" >&2
    fail "findings on the minirootfs as shipped, the secdb gives none"
fi
napk=$(grep -c '^P:' "$T/root/lib/apk/db/installed")
[ "$napk" -gt 10 ] && [ "$(jq .summary.componentsChecked "$T/stdout")" = "$napk" ] ||
    fail "as shipped: $(jq .summary.componentsChecked "$T/stdout") components checked, the root has $napk apk packages"
[ "$(jq -r .os.ecosystem "$T/stdout")" = "Alpine:v3.10" ] || fail "ecosystem is not Alpine:v3.10"

# 2. musl below a secfixes entry, busybox equal to one.
grep -q '^V:1.1.22-r4$' "$T/root/lib/apk/db/installed" || fail "fixture changed: musl is not 1.1.22-r4"
bb_fix=$(jq -r '.packages[] | select(.pkg.name == "busybox") | .pkg.secfixes | keys[]' "$secdb/main.json" |
         sort -V | tail -1)
[ -n "$bb_fix" ] || fail "no busybox secfixes entry"
python3 - "$T/root/lib/apk/db/installed" "$bb_fix" <<'PY'
import sys
path, bb = sys.argv[1:]
blocks = open(path).read().split("\n\n")
for i, b in enumerate(blocks):
    lines = b.split("\n")
    origin = next((l[2:] for l in lines if l.startswith("o:")), None)
    if origin == "musl":
        lines = ["V:1.1.22-r2" if l.startswith("V:") else l for l in lines]
    if origin == "busybox":
        lines = [f"V:{bb}" if l.startswith("V:") else l for l in lines]
    blocks[i] = "\n".join(lines)
open(path, "w").write("\n\n".join(blocks))
PY
reference >"$T/expected.txt" || fail "reference"
grep -q "^musl	CVE-2019-14697	1.1.22-r3$" "$T/expected.txt" || fail "reference does not list musl CVE-2019-14697"
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json=$T/scan.json -o sarif=$T/scan.sarif \
    -o cyclonedx-json=$T/scan.cdx.json -o table=$T/scan.txt "$T/root"
jq -r '.findings[] | "\(.component.name)\t\(.id)\t\(.fixedVersions | join(","))"' "$T/scan.json" >"$T/vigil.txt"
same_lines "$T/vigil.txt" "$T/expected.txt" "findings with musl lowered and busybox at its fixed version"
! grep -q '^busybox' "$T/vigil.txt" || fail "busybox at its fixed version $bb_fix is reported"
grep -Eq '^CVE-2019-14697 +unknown +- +musl +1\.1\.22-r2 +1\.1\.22-r3' "$T/scan.txt" || { cat "$T/scan.txt" >&2; fail "table row"; }
n=$(wc -l <"$T/vigil.txt")
[ "$(jq '.runs[0].results | length' "$T/scan.sarif")" = "$n" ] || fail "SARIF result count"
[ "$(jq '[.vulnerabilities[] | select(.id == "CVE-2019-14697")] | length' "$T/scan.cdx.json")" = 2 ] ||
    fail "VDR: CVE-2019-14697 should affect musl and musl-utils"
ref=$(jq -r '.vulnerabilities[] | select(.id == "CVE-2019-14697") | .affects[0].ref' "$T/scan.cdx.json" | sed -n 1p)
jq -e --arg r "$ref" '[.components[] | select(."bom-ref" == $r)] | length == 1' "$T/scan.cdx.json" >/dev/null ||
    fail "VDR affects.ref $ref names no component"
validate sarif-2.1.0 "$T/scan.sarif"
validate_cyclonedx "$T/scan.cdx.json"

# 3. Gates: secdb gives no severity (unknown is below low) and the KEV
# catalog is not in this database, so no gate is met.
for level in low medium high critical kev; do
    expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d -o json --fail-on $level "$T/root"
done
# A database with a (constructed) KEV entry for CVE-2019-14697 gates with
# exit status 5, and its findings come first in the table.
cat >"$T/kev.json" <<'EOF'
{"title":"test","catalogVersion":"1","dateReleased":"2025-01-01T00:00:00.000Z","count":1,
 "vulnerabilities":[{"cveID":"CVE-2019-14697","vendorProject":"musl","product":"musl","vulnerabilityName":"test entry",
 "dateAdded":"2025-01-02","shortDescription":"x","requiredAction":"update","dueDate":"2025-01-23",
 "knownRansomwareCampaignUse":"Unknown","notes":"","cwes":[]}]}
EOF
$VIGIL db build --from "$secdb/main.json" --from "$T/kev.json" --db "$T/kev.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build with KEV"; }
expect_status 5 $VIGIL scan --db "$T/kev.sqlite" --max-db-age 100000d -o json --fail-on kev "$T/root"
expect_stderr '--fail-on kev: 2 findings at or above the threshold'
[ "$(jq -r '.findings[0].kev.dueDate' "$T/stdout")" = 2025-01-23 ] || fail "KEV due date"
expect_status 0 $VIGIL scan --db "$T/kev.sqlite" --max-db-age 100000d -o table "$T/root"
head -1 "$T/stdout" | grep -q '^ID ' || fail "table header"
sed -n 2p "$T/stdout" | grep -q 'due 2025-01-23' || fail "KEV finding is not first in the table"
# 4. With NVD's records (../shared/vulndata/nvd/cve: CVEs the secdb fixes),
# the secdb findings get NVD's CVSS: severity from the highest CVSS version
# NVD gives (its Primary metric first), severitySource "nvd"; the gates
# now see them.
need_shared vulndata/nvd/cve/CVE-2019-14697.json
$VIGIL db build --from "$secdb/main.json" --from "$secdb/community.json" --from "$VIGIL_SHARED/vulndata/nvd/cve" \
    --db "$T/nvd.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build with NVD"; }
expect_status 0 $VIGIL scan --db "$T/nvd.sqlite" --max-db-age 100000d -o json="$T/nvd.json" "$T/root"
jq -r '.findings[] | "\(.id)\t\(.severity)\t\(.severitySource)\t\(.cvss.vector)"' "$T/nvd.json" | sort -u >"$T/nvd-got.txt"
python3 - "$VIGIL_SHARED/vulndata/nvd/cve" $(cut -f1 "$T/nvd-got.txt" | sort -u) >"$T/nvd-want.txt" <<'PY'
import json, os, sys
order = ["cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"]
for cve in sys.argv[2:]:
    path = os.path.join(sys.argv[1], cve + ".json")
    if not os.path.exists(path):
        print(f"{cve}\tunknown\tnull\tnull")
        continue
    metrics = json.load(open(path)).get("metrics", {})
    for key in order:
        ms = sorted(metrics.get(key, []), key=lambda m: m.get("type") != "Primary")
        if ms:
            m = ms[0]
            sev = m["cvssData"].get("baseSeverity") or m.get("baseSeverity")
            print(f"{cve}\t{sev.lower()}\tnvd\t{m['cvssData']['vectorString']}")
            break
    else:
        print(f"{cve}\tunknown\tnull\tnull")
PY
same_lines "$T/nvd-got.txt" "$T/nvd-want.txt" "severities from NVD"
grep -q "^CVE-2019-14697	critical	nvd	" "$T/nvd-got.txt" || fail "musl CVE-2019-14697 is not critical from NVD"
expect_status 5 $VIGIL scan --db "$T/nvd.sqlite" --max-db-age 100000d --fail-on high "$T/root"
echo "ok: $n findings match the secdb; equal version not reported; gates; NVD severities"
