# archive_kind.sh — a root filesystem tarball that holds a top-level
# manifest.json (or oci-layout and index.json) is still a root filesystem.
# The tree: the real Debian 12 package database; the reference: dpkg-query
# over the same var/lib/dpkg.  Variants, each tarred by GNU tar:
#  - a web app manifest.json (a JSON object) at the top: exit 0;
#  - a docker-save manifest list copied from a real docker archive (made by
#    tests/tools/mkimage.py), whose members are not in the tarball, as the
#    first member (so that vigil's first guess is "image"): a warning naming
#    the missing member, exit 3, the same packages;
#  - oci-layout and index.json of a real OCI layout, without its blobs;
# and for each, vigil:target:kind is rootfs-archive and the target's SHA-256
# is sha256sum of the file.  Then the real images still are images: the
# docker archive (kind docker-archive, image id = sha256 of its config) and
# an OCI tar (kind oci-layout), both with dpkg-query's packages.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd python3
need_cmd dpkg-query
FIXTURE="$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz"
MKIMAGE="$VIGIL_SRC/tests/tools/mkimage.py"

mkdir "$TMP/root"
tar -xzf "$FIXTURE" -C "$TMP/root"
dpkg-query --admindir="$TMP/root/var/lib/dpkg" -W -f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n' |
    awk -F'\t' '$1 == "installed" { print $2 "\t" $3 "\t" $4 }' >"$TMP/want"
[ "$(wc -l <"$TMP/want")" -gt 50 ] || fail "dpkg-query found too few packages"

gzip -dc "$FIXTURE" >"$TMP/l0.tar"
python3 "$MKIMAGE" -f docker-archive -o "$TMP/image.tar" --tag vigil-test/kind:1 "$TMP/l0.tar"
python3 "$MKIMAGE" -f oci-tar -o "$TMP/image-oci.tar" --tag vigil-test/kind:1 "$TMP/l0.tar"

# check TARBALL WHAT STATUS KIND: vigil's deb packages against dpkg-query, the kind, the digest.
check() {
    local file=$1 what=$2 status=$3 kind=$4 out="$TMP/$2.json"
    expect_status "$status" "$VIGIL" sbom "$file" -o "cyclonedx-json=$out"
    cdx_packages "$out" deb >"$TMP/$what.got"
    same_lines "$TMP/$what.got" "$TMP/want" "deb packages of $what (vigil vs dpkg-query)"
    python3 - "$out" "$kind" "$(sha256sum <"$file" | cut -d' ' -f1)" <<'PY' || fail "$what: kind or digest"
import json, sys
meta = json.load(open(sys.argv[1]))["metadata"]["component"]
props = {p["name"]: p["value"] for p in meta.get("properties", [])}
if props.get("vigil:target:kind") != sys.argv[2]:
    sys.exit(f"kind {props.get('vigil:target:kind')}, expected {sys.argv[2]}")
if sys.argv[2] == "rootfs-archive":
    hashes = [h["content"] for h in meta.get("hashes", []) if h["alg"] == "SHA-256"]
    if hashes != [sys.argv[3]]:
        sys.exit(f"target hashes {hashes}, sha256sum says {sys.argv[3]}")
PY
    echo "ok: $what: $kind, $(wc -l <"$TMP/$what.got") deb packages"
}

# A web app's manifest.json at the top.
printf '{"name": "app", "start_url": "/", "icons": []}\n' >"$TMP/root/manifest.json"
tar -cf "$TMP/webapp.tar" -C "$TMP/root" .
check "$TMP/webapp.tar" webapp 0 rootfs-archive
[ -s "$TMP/stderr" ] && { cat "$TMP/stderr" >&2; fail "webapp: warnings"; }

# A real docker-save manifest list, first in the tarball, naming members it does not have.
tar -xOf "$TMP/image.tar" manifest.json >"$TMP/root/manifest.json"
grep -q '"Layers"' "$TMP/root/manifest.json" || fail "mkimage wrote no docker manifest"
(cd "$TMP/root" && tar -cf "$TMP/docker-manifest.tar" manifest.json $(ls -A | grep -v -x manifest.json))
[ "$(tar -tf "$TMP/docker-manifest.tar" | sed -n 1p)" = manifest.json ] || fail "manifest.json is not the first member"
check "$TMP/docker-manifest.tar" docker-manifest 3 rootfs-archive
expect_stderr "docker-manifest\.tar: manifest\.json at the top is a docker-save manifest list, but [0-9a-f]{64}\.json, which it names, is not in the archive: read as a root filesystem"
rm "$TMP/root/manifest.json"

# oci-layout and index.json of a real layout, without its blobs.
tar -xOf "$TMP/image-oci.tar" oci-layout >"$TMP/root/oci-layout"
tar -xOf "$TMP/image-oci.tar" index.json >"$TMP/root/index.json"
tar -cf "$TMP/oci-files.tar" -C "$TMP/root" .
check "$TMP/oci-files.tar" oci-files 3 rootfs-archive
expect_stderr "oci-files\.tar: oci-layout and index\.json at the top describe an image layout, but blobs/sha256/[0-9a-f]{64}, which the index names, is not in the archive"

# The images are still images.
check "$TMP/image.tar" docker-archive 0 docker-archive
config=$(tar -tf "$TMP/image.tar" | grep -E '^[0-9a-f]{64}\.json$')
grep -q "sha256:$(tar -xOf "$TMP/image.tar" "$config" | sha256sum | cut -d' ' -f1)" "$TMP/docker-archive.json" ||
    fail "the docker archive's image id is not the sha256 of its config"
check "$TMP/image-oci.tar" oci-tar 0 oci-layout
