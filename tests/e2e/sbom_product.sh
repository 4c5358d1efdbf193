# sbom_product.sh — vigil sbom --name/--version/--supplier/--manufacturer,
# VIGIL_PRODUCT_* and the [product] table of vigil.toml, on the real Alpine
# 3.10.9 mini root filesystem (as two directories at different paths, and
# as an OCI image built by tests/tools/mkimage.py):
#  - the CycloneDX document is valid bom-1.6 (ajv) and its subject,
#    metadata.component, is the product: type "application" ("container"
#    for an image), name, version, supplier and manufacturer as given
#    (organizationalEntity, "Name <email>" split into name and contact),
#    metadata.supplier and metadata.manufacturer the same; the target is
#    kept in vigil:target:* properties; the root of the dependency graph is
#    the subject's bom-ref;
#  - the SPDX 2.3 document is valid (ajv) and DESCRIBES a package named and
#    versioned as the product, supplier "Organization: ...", originator
#    the manufacturer, primaryPackagePurpose APPLICATION;
#  - the serial number and document namespace derive from content and
#    identity: the same tree at two paths gives the same ones (and, apart
#    from the vigil:target properties that name the path, the same
#    documents), another version another serial and namespace, and the
#    namespace holds no part of the path;
#  - precedence field by field: flag over environment over ./vigil.toml,
#    --config FILE instead of ./vigil.toml, an empty variable is unset;
#  - a missing --config file, an unknown [product] key, a value that is
#    not a string, invalid TOML and an empty --name are usage errors (2).
# Expected values are written here by hand from the options given.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_cmd python3

mkdir -p "$TMP/one/rootfs" "$TMP/two/elsewhere/tree"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/one/rootfs"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/two/elsewhere/tree"
A=$TMP/one/rootfs
B=$TMP/two/elsewhere/tree
unset VIGIL_PRODUCT_NAME VIGIL_PRODUCT_VERSION VIGIL_PRODUCT_SUPPLIER VIGIL_PRODUCT_MANUFACTURER
cd "$TMP" # no vigil.toml here

product=(--name acme-gateway --version 2.4.1 --supplier "ACME GmbH <psirt@acme.example>"
    --manufacturer "ACME Manufacturing AG")
expect_status 0 "$VIGIL" sbom "${product[@]}" "$A" -o "cyclonedx-json=$TMP/a.cdx.json" -o "spdx-json=$TMP/a.spdx.json"
validate_cyclonedx "$TMP/a.cdx.json"
validate_spdx "$TMP/a.spdx.json"

python3 - "$TMP/a.cdx.json" "$TMP/a.spdx.json" "$A" <<'PY' || fail "product fields"
import json, sys
cdx = json.load(open(sys.argv[1]))
spdx = json.load(open(sys.argv[2]))
path = sys.argv[3]
errors = []
def expect(what, got, want):
    if got != want:
        errors.append(f"{what}: {got!r}, expected {want!r}")

m = cdx["metadata"]
c = m["component"]
expect("component type", c["type"], "application")
expect("component name", c["name"], "acme-gateway")
expect("component version", c["version"], "2.4.1")
supplier = {"name": "ACME GmbH", "contact": [{"email": "psirt@acme.example"}]}
manufacturer = {"name": "ACME Manufacturing AG"}
expect("component supplier", c.get("supplier"), supplier)
expect("component manufacturer", c.get("manufacturer"), manufacturer)
expect("metadata.supplier", m.get("supplier"), supplier)
expect("metadata.manufacturer", m.get("manufacturer"), manufacturer)
props = {p["name"]: p["value"] for p in c.get("properties", [])}
expect("vigil:target:kind", props.get("vigil:target:kind"), "directory")
expect("vigil:target:path", props.get("vigil:target:path"), path)
root = cdx["dependencies"][0]
expect("graph root", root["ref"], c["bom-ref"])
refs = {x["bom-ref"] for x in cdx["components"]}
if not root["dependsOn"] or not set(root["dependsOn"]) <= refs:
    errors.append("the product does not depend on the components")

described = [r["relatedSpdxElement"] for r in spdx["relationships"] if r["relationshipType"] == "DESCRIBES"]
expect("DESCRIBES count", len(described), 1)
pkg = next(p for p in spdx["packages"] if p["SPDXID"] == described[0])
expect("SPDX name", pkg["name"], "acme-gateway")
expect("SPDX versionInfo", pkg.get("versionInfo"), "2.4.1")
expect("SPDX supplier", pkg.get("supplier"), "Organization: ACME GmbH (psirt@acme.example)")
expect("SPDX originator", pkg.get("originator"), "Organization: ACME Manufacturing AG")
expect("SPDX purpose", pkg.get("primaryPackagePurpose"), "APPLICATION")
expect("SPDX document name", spdx["name"], "acme-gateway")
contains = {r["relatedSpdxElement"] for r in spdx["relationships"]
            if r["spdxElementId"] == described[0] and r["relationshipType"] == "CONTAINS"}
if len(contains) != len(spdx["packages"]) - 1:
    errors.append(f"the product CONTAINS {len(contains)} of {len(spdx['packages']) - 1} packages")
for part in ("one", "rootfs", "tmp", "vigil-test"):
    if part in spdx["documentNamespace"]:
        errors.append(f"namespace {spdx['documentNamespace']} holds '{part}' from the path")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
PY

# The same content at another path: same serial and namespace, and the same
# documents once the properties that name the path are taken out.
expect_status 0 "$VIGIL" sbom "${product[@]}" "$B" -o "cyclonedx-json=$TMP/b.cdx.json" -o "spdx-json=$TMP/b.spdx.json"
# Another identity: another serial and namespace.
expect_status 0 "$VIGIL" sbom "${product[@]}" --version 2.4.2 "$B" -o "cyclonedx-json=$TMP/c.cdx.json" \
    -o "spdx-json=$TMP/c.spdx.json"
# No identity at all: the serial still does not depend on the path.
expect_status 0 "$VIGIL" sbom "$A" -o "cyclonedx-json=$TMP/pa.cdx.json" -o "spdx-json=$TMP/pa.spdx.json"
expect_status 0 "$VIGIL" sbom "$B" -o "cyclonedx-json=$TMP/pb.cdx.json" -o "spdx-json=$TMP/pb.spdx.json"
python3 - "$TMP" <<'PY' || fail "serial numbers and namespaces"
import json, sys
t = sys.argv[1]
load = lambda n: json.load(open(f"{t}/{n}"))
a, b, c = load("a.cdx.json"), load("b.cdx.json"), load("c.cdx.json")
sa, sb, sc = load("a.spdx.json"), load("b.spdx.json"), load("c.spdx.json")
pa, pb, qa, qb = load("pa.cdx.json"), load("pb.cdx.json"), load("pa.spdx.json"), load("pb.spdx.json")
errors = []
if a["serialNumber"] != b["serialNumber"]:
    errors.append(f"same content and identity at two paths: {a['serialNumber']} != {b['serialNumber']}")
if sa["documentNamespace"] != sb["documentNamespace"]:
    errors.append("same content and identity at two paths: SPDX namespaces differ")
if a["serialNumber"] == c["serialNumber"] or sa["documentNamespace"] == sc["documentNamespace"]:
    errors.append("another product version kept the serial number or namespace")
if pa["serialNumber"] != pb["serialNumber"] or qa["documentNamespace"] != qb["documentNamespace"]:
    errors.append("without a product, the serial number or namespace depends on the path")
if pa["serialNumber"] == a["serialNumber"]:
    errors.append("the product identity does not change the serial number")
def strip(doc):
    comp = doc["metadata"]["component"]
    comp["properties"] = [p for p in comp["properties"] if p["name"] not in ("vigil:target:path", "vigil:target:name")]
    return doc
if strip(a) != strip(b):
    errors.append("the CycloneDX documents of one tree at two paths differ beyond the target's path")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
PY

# Precedence: flag > environment > file, field by field.
mkdir "$TMP/proj"
cat >"$TMP/proj/vigil.toml" <<'EOF'
# the product this repository ships
[product]
name = "file-name"
version = "file-version"
supplier = "File Supplier"
manufacturer = "File Maker"

[other]
ignored = 1
EOF
cat >"$TMP/other.toml" <<'EOF'
[product]
name = "other-name"
EOF
subject() { # CDX -> "name|version|supplier|manufacturer"
    python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["metadata"]["component"]
print("|".join([c["name"], c.get("version", "-"), c.get("supplier", {}).get("name", "-"),
                c.get("manufacturer", {}).get("name", "-")]))' "$1"
}
cd "$TMP/proj"
expect_status 0 env VIGIL_PRODUCT_VERSION=env-version VIGIL_PRODUCT_SUPPLIER="Env Supplier" \
    VIGIL_PRODUCT_MANUFACTURER= "$VIGIL" sbom --supplier "Flag Supplier" "$A" -o "cyclonedx-json=$TMP/p1.json"
got=$(subject "$TMP/p1.json")
[ "$got" = "file-name|env-version|Flag Supplier|File Maker" ] || fail "precedence flag > env > file: $got"
expect_status 0 "$VIGIL" sbom "$A" -o "cyclonedx-json=$TMP/p2.json"
got=$(subject "$TMP/p2.json")
[ "$got" = "file-name|file-version|File Supplier|File Maker" ] || fail "./vigil.toml alone: $got"
expect_status 0 env VIGIL_PRODUCT_NAME=env-name "$VIGIL" sbom --config "$TMP/other.toml" "$A" \
    -o "cyclonedx-json=$TMP/p3.json"
got=$(subject "$TMP/p3.json")
[ "$got" = "env-name|-|-|-" ] || fail "--config replaces ./vigil.toml, env over it: $got"
expect_status 0 "$VIGIL" sbom --config "$TMP/other.toml" "$A" -o "cyclonedx-json=$TMP/p4.json"
got=$(subject "$TMP/p4.json")
[ "$got" = "other-name|-|-|-" ] || fail "--config FILE: $got"

# Errors are usage errors that say what to fix.
expect_status 2 "$VIGIL" sbom --config "$TMP/absent.toml" "$A"
expect_stderr "absent.toml"
printf '[product]\nname = "x"\nvendor = "y"\n' >"$TMP/bad-key.toml"
expect_status 2 "$VIGIL" sbom --config "$TMP/bad-key.toml" "$A"
expect_stderr "bad-key.toml:3: \[product\] has no key 'vendor'"
printf '[product]\nversion = 2\n' >"$TMP/bad-type.toml"
expect_status 2 "$VIGIL" sbom --config "$TMP/bad-type.toml" "$A"
expect_stderr "bad-type.toml:2: product.version is not a string"
printf '[product]\nname = "unterminated\n' >"$TMP/bad-toml.toml"
expect_status 2 "$VIGIL" sbom --config "$TMP/bad-toml.toml" "$A"
expect_stderr "bad-toml.toml:2"
expect_status 2 "$VIGIL" sbom --name "" "$A"
expect_stderr "--name: empty"
cd "$TMP"

# An image: the subject is a "container" named and versioned as the product,
# the image digest kept as a property.
have_cmd python3 "image target"
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/oci" --tag acme/gw:2.4.1 "$A" >/dev/null
expect_status 0 "$VIGIL" sbom "${product[@]}" "$TMP/oci" -o "cyclonedx-json=$TMP/img.cdx.json" \
    -o "spdx-json=$TMP/img.spdx.json"
validate_cyclonedx "$TMP/img.cdx.json"
validate_spdx "$TMP/img.spdx.json"
digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$TMP/oci/index.json")
python3 - "$TMP/img.cdx.json" "$TMP/img.spdx.json" "$digest" <<'PY' || fail "image subject"
import json, sys
c = json.load(open(sys.argv[1]))["metadata"]["component"]
spdx = json.load(open(sys.argv[2]))
props = {p["name"]: p["value"] for p in c["properties"]}
root = next(p for p in spdx["packages"] if p["SPDXID"] == "SPDXRef-DocumentRoot")
got = (c["type"], c["name"], c["version"], props.get("vigil:target:digest"), root["primaryPackagePurpose"], root["name"])
want = ("container", "acme-gateway", "2.4.1", sys.argv[3], "CONTAINER", "acme-gateway")
if got != want:
    sys.exit(f"image subject {got}, expected {want}")
PY
echo "sbom product identity: ok"
