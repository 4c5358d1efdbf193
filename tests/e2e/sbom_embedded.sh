# sbom_embedded.sh — the "sbom" cataloger: SBOMs shipped inside a tree at
# the places a convention puts them, on the real Alpine 3.10.9 mini root
# filesystem with, added here:
#  - var/lib/db/sbom/zlib-1.2.11-r1.spdx.json, a melange-style SPDX 2.3
#    document of the apk zlib (purl without the distro qualifier, another
#    licence and supplier than apk's) that depends on pkg:github/madler/zlib;
#  - opt/bitnami/redis/.spdx-redis.spdx, Bitnami's SPDX JSON layout;
#  - layers/sbom/launch/.../sbom.cdx.json, a Cloud Native Buildpacks launch
#    SBOM (CycloneDX 1.4) listing node and npm, with npm also installed at
#    layers/.../node_modules/npm/package.json;
#  - srv/app/sbom.cdx.json, an SBOM at no known place.
# Checked, with expected values written by hand:
#  - apk's zlib and npm's npm come out as ONE component each, with both
#    places (the package database or package.json, and the SBOM file) and
#    the installed facts (apk's licence and supplier, package.json's
#    licence); the SBOM's dependency zlib -> madler/zlib is kept;
#  - what only an SBOM lists (redis, node, madler/zlib) is reported with
#    the SBOM file as its location and cataloger "sbom";
#  - the SBOM at no known place is not read, and neither is vigil's own
#    SBOM of the tree written into it: a second scan lists the same;
#  - documents valid (ajv); --catalogers os leaves the cataloger out;
#  - a tag-value file where Bitnami's JSON is expected, and more than 1024
#    SBOMs, are warnings (exit 3).
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_cmd python3

R=$TMP/root
mkdir -p "$R"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$R"
grep -qx 'P:zlib' "$R/lib/apk/db/installed" || fail "fixture changed: no zlib record"

mkdir -p "$R/var/lib/db/sbom"
cat >"$R/var/lib/db/sbom/zlib-1.2.11-r1.spdx.json" <<'EOF'
{
  "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
  "name": "apk-zlib-1.2.11-r1", "documentNamespace": "https://example.invalid/spdx/zlib-1.2.11-r1",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: melange"]},
  "documentDescribes": ["SPDXRef-Package-zlib"],
  "packages": [
    {"SPDXID": "SPDXRef-Package-zlib", "name": "zlib", "versionInfo": "1.2.11-r1",
     "downloadLocation": "NOASSERTION", "filesAnalyzed": false, "licenseDeclared": "MIT",
     "supplier": "Organization: Someone Else",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:apk/alpine/zlib@1.2.11-r1?arch=x86_64"}]},
    {"SPDXID": "SPDXRef-Package-src", "name": "madler/zlib", "versionInfo": "v1.2.11",
     "downloadLocation": "NOASSERTION", "filesAnalyzed": false,
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:github/madler/zlib@v1.2.11"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Package-zlib"},
    {"spdxElementId": "SPDXRef-Package-zlib", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-Package-src"}
  ]
}
EOF

mkdir -p "$R/opt/bitnami/redis"
cat >"$R/opt/bitnami/redis/.spdx-redis.spdx" <<'EOF'
{
    "SPDXID": "SPDXRef-redis",
    "spdxVersion": "SPDX-2.3",
    "creationInfo": {"created": "2024-10-02T20:17:11.692Z", "creators": ["Organization: VMware, Inc."]},
    "name": "SPDX document for Redis(R) 7.4.1",
    "dataLicense": "CC0-1.0",
    "documentDescribes": ["SPDXRef-redis"],
    "documentNamespace": "redis-7.4.1",
    "packages": [
        {
            "SPDXID": "SPDXRef-redis", "name": "redis", "versionInfo": "7.4.1-0",
            "downloadLocation": "http://download.redis.io/releases/redis-7.4.1.tar.gz",
            "licenseConcluded": "RSALv2", "licenseDeclared": "RSALv2", "filesAnalyzed": false,
            "externalRefs": [
                {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                 "referenceLocator": "pkg:bitnami/redis@7.4.1-0?arch=amd64&distro=debian-12"}
            ],
            "copyrightText": "NOASSERTION"
        }
    ],
    "files": [],
    "relationships": []
}
EOF

node=layers/paketo-buildpacks_node-engine/node
mkdir -p "$R/$node/lib/node_modules/npm" "$R/layers/sbom/launch/paketo-buildpacks_node-engine/node"
printf '{"name": "npm", "version": "10.2.4", "license": "Artistic-2.0"}\n' >"$R/$node/lib/node_modules/npm/package.json"
cat >"$R/layers/sbom/launch/paketo-buildpacks_node-engine/node/sbom.cdx.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "components": [
   {"bom-ref": "node", "type": "application", "name": "node", "version": "20.11.0",
    "purl": "pkg:generic/node@20.11.0", "licenses": [{"license": {"id": "MIT"}}]},
   {"bom-ref": "npm", "type": "library", "name": "npm", "version": "10.2.4", "purl": "pkg:npm/npm@10.2.4",
    "licenses": [{"license": {"id": "MIT"}}]}
 ],
 "dependencies": [{"ref": "node", "dependsOn": ["npm"]}]}
EOF

mkdir -p "$R/srv/app"
cat >"$R/srv/app/sbom.cdx.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
 "components": [{"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}]}
EOF

expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/all.cdx.json" -o "spdx-json=$TMP/all.spdx.json"
validate_cyclonedx "$TMP/all.cdx.json"
validate_spdx "$TMP/all.spdx.json"

python3 - "$TMP/all.cdx.json" <<'PY' || fail "embedded SBOM components"
import json, sys
doc = json.load(open(sys.argv[1]))
errors = []
def expect(what, got, want):
    if got != want:
        errors.append(f"{what}: {got!r}, expected {want!r}")
def facts(c):
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    return {
        "purl": c.get("purl"),
        "places": [o["location"] for o in c.get("evidence", {}).get("occurrences", [])],
        "cataloger": props.get("vigil:cataloger"),
        "licence": [l.get("license", {}).get("id") or l.get("expression") for l in c.get("licenses", [])],
        "supplier": c.get("supplier", {}).get("name"),
    }
by_purl = {}
for c in doc["components"]:
    by_purl.setdefault(c.get("purl", "").split("?")[0], []).append(c)

zlib = by_purl.get("pkg:apk/alpine/zlib@1.2.11-r1", [])
expect("zlib components", len(zlib), 1)
if zlib:
    expect("zlib", facts(zlib[0]), {
        "purl": "pkg:apk/alpine/zlib@1.2.11-r1?arch=x86_64&distro=alpine-3.10.9",
        "places": ["lib/apk/db/installed", "var/lib/db/sbom/zlib-1.2.11-r1.spdx.json"],
        "cataloger": "apk", "licence": ["Zlib"], "supplier": "Natanael Copa"})
npm = by_purl.get("pkg:npm/npm@10.2.4", [])
expect("npm components", len(npm), 1)
if npm:
    expect("npm", facts(npm[0]), {
        "purl": "pkg:npm/npm@10.2.4",
        "places": ["layers/paketo-buildpacks_node-engine/node/lib/node_modules/npm/package.json",
                   "layers/sbom/launch/paketo-buildpacks_node-engine/node/sbom.cdx.json"],
        "cataloger": "npm", "licence": ["Artistic-2.0"], "supplier": None})
only = {
    "pkg:bitnami/redis@7.4.1-0": ("pkg:bitnami/redis@7.4.1-0?arch=amd64&distro=debian-12", "opt/bitnami/redis/.spdx-redis.spdx"),
    "pkg:generic/node@20.11.0": ("pkg:generic/node@20.11.0", "layers/sbom/launch/paketo-buildpacks_node-engine/node/sbom.cdx.json"),
    "pkg:github/madler/zlib@v1.2.11": ("pkg:github/madler/zlib@v1.2.11", "var/lib/db/sbom/zlib-1.2.11-r1.spdx.json"),
}
for base, (purl, place) in only.items():
    cs = by_purl.get(base, [])
    expect(f"{base} components", len(cs), 1)
    if cs:
        f = facts(cs[0])
        expect(f"{base} purl", f["purl"], purl)
        expect(f"{base} places", f["places"], [place])
        expect(f"{base} cataloger", f["cataloger"], "sbom")
expect("redis version", by_purl.get("pkg:bitnami/redis@7.4.1-0", [{}])[0].get("version"), "7.4.1-0")
if "pkg:npm/left-pad@1.3.0" in by_purl:
    errors.append("srv/app/sbom.cdx.json, at no known place, was read")
deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
zref = zlib[0]["bom-ref"] if zlib else None
if "pkg:github/madler/zlib@v1.2.11" not in deps.get(zref, []):
    errors.append(f"zlib does not depend on madler/zlib: {deps.get(zref)}")
node = by_purl.get("pkg:generic/node@20.11.0", [{}])[0].get("bom-ref")
if "pkg:npm/npm@10.2.4" not in deps.get(node, []):
    errors.append(f"node does not depend on npm: {deps.get(node)}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
PY

# purls of a CycloneDX document, one a line
purls() { python3 -c 'import json,sys; print("\n".join(sorted(c.get("purl","-") for c in json.load(open(sys.argv[1]))["components"])))' "$1"; }

# vigil's own SBOM written into the tree is not read back.
cp "$TMP/all.cdx.json" "$R/srv/vigil.cdx.json"
cp "$TMP/all.cdx.json" "$R/sbom.cdx.json"
expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/again.cdx.json"
purls "$TMP/all.cdx.json" >"$TMP/all.purls"
purls "$TMP/again.cdx.json" >"$TMP/again.purls"
same_lines "$TMP/again.purls" "$TMP/all.purls" "components after vigil's SBOM was written into the tree"

# The OS group does not run it.
expect_status 0 "$VIGIL" sbom --catalogers os "$R" -o "cyclonedx-json=$TMP/os.cdx.json"
python3 - "$TMP/os.cdx.json" <<'PY' || fail "--catalogers os"
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [c["purl"] for c in doc["components"] if c.get("purl", "").startswith(("pkg:bitnami", "pkg:github", "pkg:generic"))]
zlib = [c for c in doc["components"] if c.get("purl", "").startswith("pkg:apk/alpine/zlib@")]
places = [o["location"] for o in zlib[0]["evidence"]["occurrences"]] if zlib else None
if bad or places != ["lib/apk/db/installed"]:
    sys.exit(f"--catalogers os: {bad} {places}")
PY

# Bitnami's older tag-value files are not read: a warning.
mkdir -p "$R/opt/bitnami/apache"
printf 'SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nPackageName: apache\n' \
    >"$R/opt/bitnami/apache/.spdx-apache.spdx"
expect_status 3 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/tv.cdx.json"
expect_stderr "opt/bitnami/apache/.spdx-apache.spdx: embedded SBOM not read"
rm "$R/opt/bitnami/apache/.spdx-apache.spdx"

# At most 1024 embedded SBOMs are read.
python3 - "$R/layers/sbom/launch" <<'PY'
import os, sys
for i in range(1030):
    d = os.path.join(sys.argv[1], f"bp{i:04d}")
    os.makedirs(d)
    with open(os.path.join(d, "sbom.cdx.json"), "w") as f:
        f.write('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": []}\n')
PY
expect_status 3 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/many.cdx.json"
expect_stderr "more than 1024 embedded SBOMs: this one and the rest are not read"
echo "embedded SBOMs: ok"
