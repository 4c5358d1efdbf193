# image_bad_input.sh — broken and hostile images: a layer whose blob does not
# match the digest in the OCI manifest, a docker archive layer whose content
# does not match the config's diff_id, a manifest.json that is not JSON, a
# manifest naming a member that is absent or outside the archive, an OCI
# layout whose blobs/ symlink leads outside it, a config
# that does not match the digest in its name, and a layer that decompresses
# past --max-total-size.  Each must exit 1 with a message naming the archive
# (and the layer), write no output file, and not crash.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
ALPINE="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz"
MKIMAGE="$VIGIL_SRC/tests/tools/mkimage.py"
mkdir -p "$TMP/l1/etc"
echo "vigil-test" >"$TMP/l1/etc/hostname"

expect_error() {
    local target=$1 pattern=$2
    shift 2
    rm -f "$TMP/out.json"
    expect_status 1 "$VIGIL" sbom "$@" "$target" -o "cyclonedx-json=$TMP/out.json"
    expect_stderr "$pattern"
    [ ! -e "$TMP/out.json" ] || fail "an output file was written for $target"
    echo "ok: $(basename "$target"): $(grep -m1 -E "$pattern" "$TMP/stderr")"
}

# The untampered images scan cleanly (so the failures below are the tampering's).
python3 "$MKIMAGE" -f oci-dir -o "$TMP/good-oci" "$ALPINE" "$TMP/l1"
python3 "$MKIMAGE" -f docker-archive -o "$TMP/good-docker.tar" "$ALPINE" "$TMP/l1"
expect_status 0 "$VIGIL" sbom "$TMP/good-oci" -o "cyclonedx-json=$TMP/good1.json"
expect_status 0 "$VIGIL" sbom "$TMP/good-docker.tar" -o "cyclonedx-json=$TMP/good2.json"
grep -q '"pkg:apk/alpine/busybox@' "$TMP/good1.json" || fail "the untampered OCI image has no busybox"

# Layer 1's blob replaced: the manifest's digest no longer matches.
python3 "$MKIMAGE" -f oci-dir -o "$TMP/tampered-oci" --tamper-layer 1 "$ALPINE" "$TMP/l1"
expect_error "$TMP/tampered-oci" "tampered-oci: layer 1 \(blobs/sha256/[0-9a-f]{64}\): blob has digest sha256:[0-9a-f]{64}, the manifest says"
python3 "$MKIMAGE" -f oci-tar -o "$TMP/tampered-oci.tar" --tamper-layer 0 "$ALPINE" "$TMP/l1"
expect_error "$TMP/tampered-oci.tar" "tampered-oci\.tar: layer 0 .*blob has digest"
# Docker archive: layer.tar carries no digest in its name; the config's diff_id catches it.
python3 "$MKIMAGE" -f docker-archive -o "$TMP/tampered-docker.tar" --tamper-layer 0 "$ALPINE" "$TMP/l1"
expect_error "$TMP/tampered-docker.tar" "tampered-docker\.tar: layer 0 \([0-9a-f]{64}/layer\.tar\): uncompressed content has digest .*the image config says"

# rewrite_member ARCHIVE OUT NAME CONTENT: ARCHIVE with member NAME's content replaced.
rewrite_member() {
    python3 - "$@" <<'PY'
import io, sys, tarfile
src, dst, name, content = sys.argv[1:]
with tarfile.open(src) as s, tarfile.open(dst, "w") as d:
    for m in s:
        data = s.extractfile(m).read() if m.isreg() else None
        if m.name == name:
            data = content.encode()
            m.size = len(data)
        d.addfile(m, io.BytesIO(data) if data is not None else None)
PY
}
rewrite_member "$TMP/good-docker.tar" "$TMP/notjson.tar" manifest.json '[{"Config": "x.json", "Layers": [}'
expect_error "$TMP/notjson.tar" "notjson\.tar: manifest\.json is not valid JSON"
rewrite_member "$TMP/good-docker.tar" "$TMP/notmanifest.tar" manifest.json '{"Config": 1}'
expect_error "$TMP/notmanifest.tar" "notmanifest\.tar: manifest\.json is not a docker image manifest"
rewrite_member "$TMP/good-docker.tar" "$TMP/missing.tar" manifest.json "$(tar -xOf "$TMP/good-docker.tar" manifest.json |
    python3 -c 'import json,sys; m = json.load(sys.stdin); m[0]["Layers"][1] = "nothere/layer.tar"; print(json.dumps(m))')"
expect_error "$TMP/missing.tar" "missing\.tar: the image names nothere/layer\.tar, which is not in the archive"
rewrite_member "$TMP/good-docker.tar" "$TMP/outside.tar" manifest.json '[{"Config": "../../etc/passwd", "Layers": []}]'
expect_error "$TMP/outside.tar" 'outside\.tar: manifest\.json names "\.\./\.\./etc/passwd", which is not a member path'
config=$(tar -tf "$TMP/good-docker.tar" | grep '\.json$' | grep -v manifest)
rewrite_member "$TMP/good-docker.tar" "$TMP/badconfig.tar" "$config" '{"rootfs": {"diff_ids": []}}'
expect_error "$TMP/badconfig.tar" "badconfig\.tar: $config has digest sha256:[0-9a-f]{64}, not sha256:"

# A layer that decompresses to 256 MiB (a 256 MiB sparse file, ~250 KiB gzipped) past a 64 MiB cap.
mkdir -p "$TMP/bomb/var"
truncate -s 256M "$TMP/bomb/var/zeros"
python3 "$MKIMAGE" -f oci-dir -o "$TMP/bomb-oci" "$TMP/l1" "$TMP/bomb"
expect_error "$TMP/bomb-oci" "bomb-oci: more than 67108864 bytes uncompressed" --max-total-size 64M

# An OCI layout directory whose blobs/ is a symlink to a directory outside it.
mkdir "$TMP/escape-oci"
cp "$TMP/good-oci/index.json" "$TMP/good-oci/oci-layout" "$TMP/escape-oci/"
ln -s "$TMP/good-oci/blobs" "$TMP/escape-oci/blobs"
expect_error "$TMP/escape-oci" "escape-oci: blobs/sha256/[0-9a-f]{64}: a symlink leads outside the layout"
