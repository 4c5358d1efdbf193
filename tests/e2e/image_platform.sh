# image_platform.sh — picking one image from a multi-platform OCI index
# (OCI image spec v1.1, image-index.md): an index with linux/amd64 and
# linux/arm64 manifests over the Alpine 3.11.13 minirootfs.  --platform
# linux/arm64 must scan the arm64 manifest (the target's architecture and
# manifest digest are those index.json gives for it); the default is linux
# and this machine's architecture; a platform the index lacks is an error
# (exit 1) that lists the platforms it has, with no output written.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
ALPINE="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/multi" --arch amd64 \
    --extra-platform linux/arm64 "$ALPINE"

# target_of JSON: "architecture<TAB>manifest digest" of the scanned image.
target_of() {
    python3 - "$1" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))["metadata"]["component"]
props = {p["name"]: p["value"] for p in meta.get("properties", [])}
print(props.get("vigil:image:architecture", "") + "\t" + meta.get("version", ""))
PY
}
# index_entry ARCH: "ARCH<TAB>digest" of that platform's manifest in index.json.
index_entry() {
    python3 - "$TMP/multi/index.json" "$1" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["manifests"]:
    if m["platform"]["architecture"] == sys.argv[2]:
        print(sys.argv[2] + "\t" + m["digest"])
PY
}

expect_status 0 "$VIGIL" sbom --platform linux/arm64 "$TMP/multi" -o "cyclonedx-json=$TMP/arm64.json"
[ "$(target_of "$TMP/arm64.json")" = "$(index_entry arm64)" ] || fail "--platform linux/arm64 scanned $(target_of "$TMP/arm64.json")"
grep -q '"pkg:apk/alpine/busybox@' "$TMP/arm64.json" || fail "no packages in the arm64 image"
echo "ok: --platform linux/arm64 picks the arm64 manifest"

case $(uname -m) in
x86_64) host=amd64 ;;
aarch64) host=arm64 ;;
*) host= ;;
esac
if [ -n "$host" ]; then
    expect_status 0 "$VIGIL" sbom "$TMP/multi" -o "cyclonedx-json=$TMP/default.json"
    [ "$(target_of "$TMP/default.json")" = "$(index_entry $host)" ] || fail "the default platform scanned $(target_of "$TMP/default.json")"
    echo "ok: the default platform is linux/$host"
fi

rm -f "$TMP/none.json"
expect_status 1 "$VIGIL" sbom --platform linux/s390x "$TMP/multi" -o "cyclonedx-json=$TMP/none.json"
expect_stderr "multi: no image for platform linux/s390x; the index has: linux/amd64, linux/arm64"
[ ! -e "$TMP/none.json" ] || fail "an output file was written for a missing platform"
echo "ok: a missing platform is an error listing the available ones"
