#!/usr/bin/env bash
# scan_sbom.sh — `vigil scan SBOM`: existing SBOMs as scan targets.
#
# 1. vigil's own CycloneDX and SPDX SBOMs of the real Alpine 3.10.9
#    minirootfs (musl lowered below its secfixes entry, as in
#    scan_alpine.sh) give exactly the findings of scanning the root
#    filesystem itself.
# 2. Hand-written SBOMs in the style of Syft, Trivy and cdxgen
#    (tests/data/sbom/): the components vigil reads back (its VDR output)
#    equal those a small independent reader here takes from the documents
#    (purl via urllib, epoch and upstream qualifiers, Trivy's source
#    properties), and the OS ecosystem is the one the document names.
# 3. The Trivy-style Alpine SBOMs give the findings computed here from the
#    raw secdb JSON (apk version order of the plain shape N.N...-rN only).
# 4. Not JSON, truncated, not an SBOM, an unsupported CycloneDX version:
#    exit status 1 and a message naming the file and the problem.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
DATA=$VIGIL_SRC/tests/data/sbom
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
$VIGIL db build --from "$secdb/main.json" --from "$secdb/community.json" --db "$TMP/db.sqlite" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "db build"; }
scan() { $VIGIL scan --db "$TMP/db.sqlite" --max-db-age 100000d "$@"; }
findings() { jq -r '.findings[] | "\(.component.name)\t\(.id)\t\(.fixedVersions | join(","))"' "$1"; }

# 1. vigil's SBOMs of a real root filesystem
mkdir "$TMP/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/root"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$TMP/root/lib/apk/db/installed"
$VIGIL sbom -o cyclonedx-json="$TMP/root.cdx.json" -o spdx-json="$TMP/root.spdx.json" "$TMP/root" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "vigil sbom"; }
expect_status 0 scan -o json="$TMP/direct.json" "$TMP/root"
findings "$TMP/direct.json" >"$TMP/direct.txt"
grep -q "^musl	CVE-2019-14697" "$TMP/direct.txt" || fail "the root filesystem scan lost its musl finding"
for f in root.cdx.json root.spdx.json; do
    expect_status 0 scan -o json="$TMP/$f.scan" "$TMP/$f"
    findings "$TMP/$f.scan" >"$TMP/$f.txt"
    same_lines "$TMP/$f.txt" "$TMP/direct.txt" "findings of $f and of the root filesystem"
    [ "$(jq -r .target.kind "$TMP/$f.scan")" = sbom ] || fail "$f: target kind"
    [ "$(jq -r .os.ecosystem "$TMP/$f.scan")" = "Alpine:v3.10" ] || fail "$f: ecosystem"
    [ "$(jq .summary.components "$TMP/$f.scan")" = "$(jq .summary.components "$TMP/direct.json")" ] ||
        fail "$f: component count differs from the root filesystem's"
done

# 2. other tools' SBOMs: the inventory read back
reference_components() {
    python3 - "$1" <<'PY'
import json, sys
from urllib.parse import unquote, parse_qsl
doc = json.load(open(sys.argv[1]))
def parse(purl):
    rest = purl[4:].lstrip("/")
    rest, _, _ = rest.partition("#")
    rest, _, q = rest.partition("?")
    typ, _, rest = rest.partition("/")
    path, _, ver = rest.rpartition("@") if "@" in rest else (rest, "", "")
    name = unquote(path.rsplit("/", 1)[-1])
    return typ.lower(), name, unquote(ver), dict(parse_qsl(q))
rows = []
def add(purl, props, info=None):
    typ, name, ver, q = parse(purl)
    if q.get("epoch") and ":" not in ver and q["epoch"] != "0":
        ver = q["epoch"] + ":" + ver
    src = props.get("aquasecurity:trivy:SrcName") or props.get("vigil:package:source-name")
    if not src and info and info.startswith("built package from: "):
        src = info[20:].split(" ")[0]
    if not src and q.get("upstream"):
        src = q["upstream"].split("@")[0]
    rows.append(f"{typ}\t{name}\t{ver}\t{src or ''}")
if doc.get("bomFormat") == "CycloneDX":
    def walk(cs):
        for c in cs:
            if c.get("purl") and c.get("type") != "container":
                add(c["purl"], {p["name"]: p["value"] for p in c.get("properties", [])})
            walk(c.get("components", []))
    walk(doc.get("components", []))
else:
    for p in doc["packages"]:
        purl = next((r["referenceLocator"] for r in p.get("externalRefs", []) if r["referenceType"] == "purl"), None)
        if purl and p.get("primaryPackagePurpose") not in ("CONTAINER", "OPERATING_SYSTEM"):
            add(purl, {}, p.get("sourceInfo"))
print("\n".join(sorted(set(rows))))
PY
}
vigil_components() {
    jq -r '.components[] | select(.purl != null) |
        [(.purl | sub("^pkg:"; "") | split("/")[0]), .name, .version,
         ([.properties[]? | select(.name == "vigil:package:source-name") | .value][0] // "")] | @tsv' "$1" | sort -u
}
# The database holds Alpine v3.10 only: the Debian and npm SBOMs cannot be
# checked (exit 3), and their reports must say why, component by component.
for case in "syft-debian.cdx.json Debian:12 3" "syft-debian.spdx.json Debian:12 3" "trivy-alpine.cdx.json Alpine:v3.10 0" \
            "trivy-alpine.spdx.json Alpine:v3.10 0" "cdxgen-npm.cdx.json null 3"; do
    set -- $case
    expect_status "$3" scan -o json="$TMP/$1.json" -o cyclonedx-json="$TMP/$1.vdr" "$DATA/$1"
    if [ "$3" = 3 ]; then
        expect_stderr "components could not be checked"
        eco=$([ "$2" = null ] && echo npm || echo "$2")
        [ "$(jq '[.components[] | select(.coverage.status == "no-data" and .coverage.ecosystem == "'"$eco"'")] | length' "$TMP/$1.json")" = \
          "$(jq '.summary.componentsUnchecked' "$TMP/$1.json")" ] || fail "$1: not every unchecked component says 'no data for $eco'"
        [ "$(jq '.summary.componentsChecked' "$TMP/$1.json")" = 0 ] || fail "$1: components counted as checked without data"
        [ "$(jq '.summary.componentsUnchecked' "$TMP/$1.json")" -gt 0 ] || fail "$1: nothing reported unchecked"
    else
        [ "$(jq '.summary.componentsUnchecked' "$TMP/$1.json")" = 0 ] || fail "$1: components unchecked"
        [ "$(jq '[.components[] | select(.coverage.status == "checked")] | length' "$TMP/$1.json")" -gt 0 ] ||
            fail "$1: no component checked"
    fi
    reference_components "$DATA/$1" >"$TMP/$1.ref"
    vigil_components "$TMP/$1.vdr" >"$TMP/$1.got"
    [ -s "$TMP/$1.ref" ] || fail "$1: the reference found no components"
    same_lines "$TMP/$1.got" "$TMP/$1.ref" "$1: components (type, name, version, source)"
    [ "$(jq -r .os.ecosystem "$TMP/$1.json")" = "$2" ] || fail "$1: ecosystem $(jq -r .os.ecosystem "$TMP/$1.json"), expected $2"
done
# the cdxgen SBOM's nested component and scoped names survive
grep -q "^npm	lodash.merge	4.6.1	" "$TMP/cdxgen-npm.cdx.json.got" || fail "nested cdxgen component lost"
jq -e '.components[] | select(.purl == "pkg:npm/%40babel/traverse@7.23.0")' "$TMP/cdxgen-npm.cdx.json.vdr" >/dev/null ||
    fail "scoped npm purl not kept"
# Syft writes the epoch inside the version, Trivy as a qualifier: both give 1:...
grep -q "^deb	login	1:4.13+dfsg1-1+deb12u2	shadow$" "$TMP/syft-debian.cdx.json.got" || fail "syft login version/source"

# 3. findings of the Trivy-style Alpine SBOMs against the raw secdb
python3 - "$DATA/trivy-alpine.cdx.json" "$secdb/main.json" "$secdb/community.json" >"$TMP/expected.txt" <<'PY'
import json, re, sys
shape = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)-r(\d+)$")
def key(v):
    m = shape.match(v)
    if not m:
        sys.exit(f"version {v!r} is outside the shape this reference orders")
    return ([int(x) for x in m.group(1).split(".")], m.group(2), int(m.group(3)))
fixes = {}
for path in sys.argv[2:]:
    for p in json.load(open(path))["packages"]:
        for ver, ids in p["pkg"]["secfixes"].items():
            for s in ids:
                for i in s.split():
                    fixes.setdefault(p["pkg"]["name"], []).append((ver, i))
out = set()
for os_comp in json.load(open(sys.argv[1]))["components"]:
    for c in os_comp.get("components", []):
        props = {p["name"]: p["value"] for p in c["properties"]}
        for ver, vid in fixes.get(props["aquasecurity:trivy:SrcName"], []):
            if ver != "0" and key(c["version"]) < key(ver):
                out.add(f"{c['name']}\t{vid}\t{ver}")
print("\n".join(sorted(out)))
PY
grep -q "^musl-utils	CVE-2019-14697	1.1.22-r3$" "$TMP/expected.txt" || fail "reference lacks musl-utils CVE-2019-14697"
for f in trivy-alpine.cdx.json trivy-alpine.spdx.json; do
    findings "$TMP/$f.json" >"$TMP/$f.findings"
    same_lines "$TMP/$f.findings" "$TMP/expected.txt" "$f: findings"
done

# 4. bad input
expect_status 1 scan "$DATA/bad-not-json.json"
expect_stderr 'bad-not-json\.json: not a valid JSON document'
expect_status 1 scan "$DATA/bad-truncated.cdx.json"
expect_stderr 'bad-truncated\.cdx\.json: not a valid JSON document .*premature end of input'
expect_status 1 scan "$DATA/bad-not-sbom.json"
expect_stderr 'bad-not-sbom\.json: not an SBOM'
expect_status 1 scan "$DATA/bad-cyclonedx-1.2.json"
expect_stderr 'bad-cyclonedx-1\.2\.json: CycloneDX specVersion 1\.2 is not supported'
echo "ok: vigil's own SBOMs scan like the root filesystem; Syft, Trivy and cdxgen SBOMs read and matched"
