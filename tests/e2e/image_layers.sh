# image_layers.sh — vigil sbom on layered images built here (tests/tools/mkimage.py)
# from the real Debian 12 package database: layer 0 is the fixture tarball as
# it is, layer 1 removes one package (edits var/lib/dpkg/status and whiteouts
# its info/*.list and *.md5sums) and upgrades tzdata (new Version).  Written
# as a docker archive (uncompressed layers), an OCI layout directory and an
# OCI layout tar (gzip layers), and, when skopeo is installed, converted by
# skopeo into a docker archive and an oci-archive (images made by a real
# third-party tool).
#
# Checks, against references computed here: the deb components are exactly
# the "install ok installed" stanzas of the final status file (dpkg-query
# --admindir on the squashed database), the removed package is absent,
# tzdata has its new version and comes from layer 1, every other package from
# layer 0; vigil:layer:diffID is the sha256 of the layer tar (sha256sum here);
# the target's digest is the manifest digest that index.json names.
# Then an opaque directory (".wh..wh..opq" written AFTER the same-layer
# status file) hides every lower-layer file of var/lib/dpkg.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_cmd dpkg-query
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
FIXTURE="$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz"
MKIMAGE="$VIGIL_SRC/tests/tools/mkimage.py"

mkdir "$TMP/base"
tar -xzf "$FIXTURE" -C "$TMP/base"

# The package to remove: the last installed one (by name) that has an info/NAME.list.
REMOVE=$(for f in "$TMP"/base/var/lib/dpkg/info/*.list; do basename "$f" .list; done |
         grep -v -x tzdata | grep -v : | LC_ALL=C sort | tail -1)
[ -n "$REMOVE" ] || fail "no package with an info/*.list in the fixture"
grep -q -x "Package: $REMOVE" "$TMP/base/var/lib/dpkg/status" || fail "$REMOVE is not in the status file"
grep -q -x "Package: tzdata" "$TMP/base/var/lib/dpkg/status" || fail "the fixture has no tzdata to upgrade"
NEWTZ="2099a-0+deb12u9"

# Layer 1: status without REMOVE and with tzdata's new version, whiteouts of REMOVE's info files.
mkdir -p "$TMP/l1/var/lib/dpkg/info"
python3 - "$TMP/base/var/lib/dpkg/status" "$TMP/l1/var/lib/dpkg/status" "$REMOVE" "$NEWTZ" <<'PY'
import re, sys
src, dst, remove, newtz = sys.argv[1:]
out = []
for stanza in open(src).read().strip("\n").split("\n\n"):
    name = re.search(r"^Package: (.*)$", stanza, re.M).group(1)
    if name == remove:
        continue
    if name == "tzdata":
        stanza = re.sub(r"^Version: .*$", "Version: " + newtz, stanza, flags=re.M)
    out.append(stanza)
open(dst, "w").write("\n\n".join(out) + "\n")
PY
for ext in list md5sums; do
    [ -e "$TMP/base/var/lib/dpkg/info/$REMOVE.$ext" ] && : >"$TMP/l1/var/lib/dpkg/info/.wh.$REMOVE.$ext"
done
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 -cf "$TMP/l1.tar" -C "$TMP/l1" .
gzip -dc "$FIXTURE" >"$TMP/l0.tar"
DIFF0="sha256:$(sha256sum <"$TMP/l0.tar" | cut -d' ' -f1)"
DIFF1="sha256:$(sha256sum <"$TMP/l1.tar" | cut -d' ' -f1)"

# The reference: dpkg-query over the squashed database (status of layer 1).
mkdir -p "$TMP/final/info" "$TMP/final/updates"
cp "$TMP/l1/var/lib/dpkg/status" "$TMP/final/status"
dpkg-query --admindir="$TMP/final" -W -f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n' |
    awk -F'\t' '$1 == "installed" { print $2 "\t" $3 "\t" $4 }' >"$TMP/expected"
[ "$(wc -l <"$TMP/expected")" -gt 50 ] || fail "dpkg-query found too few packages"
grep -q "^$REMOVE	" "$TMP/expected" && fail "reference still lists $REMOVE"
# Owned files per package: dpkg-query -L over the squashed info/ (layer 0's
# .list files without the whited-out ones), without "/.".
cp "$TMP"/base/var/lib/dpkg/info/*.list "$TMP/base/var/lib/dpkg/info/format" "$TMP/final/info/"
rm -f "$TMP/final/info/$REMOVE.list" "$TMP/final/info/$REMOVE":*.list
while IFS=$'\t' read -r pkg _; do
    n=$(dpkg-query --admindir="$TMP/final" -L "$pkg" | awk '/^\// && $0 != "/." { n++ } END { print n + 0 }')
    printf '%s\t%s\n' "$pkg" "$n"
done <"$TMP/expected" >"$TMP/files.expected"
[ "$(awk -F'\t' '$2 > 0' "$TMP/files.expected" | wc -l)" -gt 50 ] || fail "dpkg-query -L found too few packages owning files"

python3 "$MKIMAGE" -f docker-archive -o "$TMP/image-docker.tar" --tag vigil-test/layers:1 "$TMP/l0.tar" "$TMP/l1.tar"
python3 "$MKIMAGE" -f oci-dir -o "$TMP/image-oci" --tag vigil-test/layers:1 "$TMP/l0.tar" "$TMP/l1.tar"
python3 "$MKIMAGE" -f oci-tar -o "$TMP/image-oci.tar" --tag vigil-test/layers:1 "$TMP/l0.tar" "$TMP/l1.tar"

# check_image TARGET WHAT EXPECTED_DIGEST: the SBOM of TARGET against the references.
check_image() {
    local target=$1 what=$2 digest=$3 out="$TMP/$2.json"
    expect_status 0 "$VIGIL" sbom "$target" -o "cyclonedx-json=$out"
    validate_cyclonedx "$out"
    cdx_packages "$out" deb >"$TMP/$what.got"
    same_lines "$TMP/$what.got" "$TMP/expected" "deb packages of the $what image (vigil vs dpkg-query)"
    file_counts "$out" >"$TMP/$what.files"
    same_lines "$TMP/$what.files" "$TMP/files.expected" "owned-file counts of the $what image (vigil vs dpkg-query -L)"
    python3 - "$out" "$REMOVE" "$NEWTZ" "$DIFF0" "$DIFF1" "$digest" <<'PY' || fail "layer attribution of the $what image"
import json, sys
path, remove, newtz, diff0, diff1, digest = sys.argv[1:]
doc = json.load(open(path))
bad = []
for c in doc["components"]:
    if not c.get("purl", "").startswith("pkg:deb/"):
        continue
    props = {}
    for p in c.get("properties", []):
        props.setdefault(p["name"], []).append(p.get("value"))
    if c["name"] == remove:
        bad.append(f"{remove} is still listed")
    want = ("1", diff1) if c["name"] == "tzdata" else ("0", diff0)
    got = (props.get("vigil:layer:index", [None])[0], props.get("vigil:layer:diffID", [None])[0])
    if got != want:
        bad.append(f"{c['name']} {c['version']}: layer {got}, expected {want}")
    if c["name"] == "tzdata" and c["version"] != newtz:
        bad.append(f"tzdata at {c['version']}, expected {newtz}")
meta = doc["metadata"]["component"]
mprops = {p["name"]: p["value"] for p in meta.get("properties", [])}
layers = [mprops.get(f"vigil:image:layer:{i}:diffID") for i in range(3)]
if layers != [diff0, diff1, None]:
    bad.append(f"target layers {layers}")
if digest and meta.get("version") != digest:
    bad.append(f"target version {meta.get('version')}, expected {digest}")
for b in bad[:20]:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    echo "ok: $what image, $(wc -l <"$TMP/$what.got") deb packages, $REMOVE removed, tzdata $NEWTZ from layer 1"
}

# file_counts JSON: "name<TAB>vigil:package:file-count" of every deb component (absent = 0).
file_counts() {
    python3 - "$1" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    if c.get("purl", "").startswith("pkg:deb/"):
        props = {p["name"]: p.get("value") for p in c.get("properties", [])}
        print(f"{c['name']}\t{props.get('vigil:package:file-count', '0')}")
PY
}

oci_manifest_digest() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$1"
}
# docker archives have no manifest digest: the image id (sha256 of the config) stands in.
config_name=$(tar -xOf "$TMP/image-docker.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
docker_id="sha256:$(tar -xOf "$TMP/image-docker.tar" "$config_name" | sha256sum | cut -d' ' -f1)"

check_image "$TMP/image-docker.tar" docker "$docker_id"
check_image "$TMP/image-oci" oci-dir "$(oci_manifest_digest "$TMP/image-oci/index.json")"
check_image "$TMP/image-oci.tar" oci-tar "$(oci_manifest_digest "$TMP/image-oci/index.json")"

# Real third-party output: skopeo converts the layout into a docker archive and an oci-archive.
if have_cmd skopeo "images converted by skopeo"; then
    skopeo --insecure-policy copy -q "oci:$TMP/image-oci:1" "docker-archive:$TMP/skopeo-docker.tar:vigil-test/layers:1" ||
        fail "skopeo could not read the OCI layout mkimage.py wrote"
    skopeo_id="sha256:$(skopeo --insecure-policy inspect --raw "docker-archive:$TMP/skopeo-docker.tar" |
                python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"][7:])')"
    check_image "$TMP/skopeo-docker.tar" skopeo-docker "$skopeo_id"
    skopeo --insecure-policy copy -q "oci:$TMP/image-oci:1" "oci-archive:$TMP/skopeo-oci.tar:1" ||
        fail "skopeo could not write an oci-archive"
    mkdir "$TMP/skopeo-oci"
    tar -xf "$TMP/skopeo-oci.tar" -C "$TMP/skopeo-oci"
    check_image "$TMP/skopeo-oci.tar" skopeo-oci "$(oci_manifest_digest "$TMP/skopeo-oci/index.json")"
fi

# Opaque directory: layer 1 replaces var/lib/dpkg wholesale with a status of
# three stanzas; the marker comes after the status file in the tar.
python3 - "$TMP/base/var/lib/dpkg/status" "$TMP/opaque.tar" <<'PY'
import io, sys, tarfile
stanzas = open(sys.argv[1]).read().strip("\n").split("\n\n")
keep = [s for s in stanzas if "\nStatus: install ok installed" in "\n" + s][:3]
data = ("\n\n".join(keep) + "\n").encode()
with tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as tar:
    for name, payload in (("var/lib/dpkg/status", data), ("var/lib/dpkg/.wh..wh..opq", b"")):
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        info.mtime = 1700000000
        tar.addfile(info, io.BytesIO(payload))
PY
python3 "$MKIMAGE" -f oci-dir -o "$TMP/image-opaque" "$TMP/l0.tar" "$TMP/opaque.tar"
tar -xOf "$TMP/opaque.tar" var/lib/dpkg/status |
    awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 } /^Architecture:/ { a = $2 } /^$/ { print p "\t" v "\t" a }
         END { print p "\t" v "\t" a }' >"$TMP/opaque.expected"
expect_status 0 "$VIGIL" sbom "$TMP/image-opaque" -o "cyclonedx-json=$TMP/opaque.json"
cdx_packages "$TMP/opaque.json" deb >"$TMP/opaque.got"
same_lines "$TMP/opaque.got" "$TMP/opaque.expected" "deb packages under an opaque var/lib/dpkg"
# The lower layer's info/*.list files are hidden too: no package owns files
# any more (the same packages own files in the images above, counted by the
# same property).
file_counts "$TMP/opaque.json" >"$TMP/opaque.files"
cut -f1 "$TMP/opaque.expected" | sed 's/$/\t0/' >"$TMP/opaque.files.expected"
same_lines "$TMP/opaque.files" "$TMP/opaque.files.expected" "owned-file counts under an opaque var/lib/dpkg (all 0)"
awk -F'\t' 'NR == FNR { keep[$1]; next } $1 in keep && $2 > 0' "$TMP/opaque.expected" "$TMP/files.expected" | grep . >/dev/null ||
    fail "none of the packages of the opaque layer owns files in the lower layer: the check above proves nothing"
python3 - "$TMP/opaque.json" <<'PY' || fail "os-release of the lower layer (outside the opaque dir) was lost"
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    if c.get("purl", "").startswith("pkg:deb/") and "distro=debian-12" not in c["purl"]:
        sys.exit(f"{c['purl']}: no distro=debian-12")
PY
echo "ok: opaque directory, $(wc -l <"$TMP/opaque.got") deb packages left"
