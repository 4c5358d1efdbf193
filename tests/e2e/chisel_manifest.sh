# chisel_manifest.sh — the "chisel" cataloger on chiselled Ubuntu root
# filesystems: var/lib/chisel/manifest.wall (zstd-compressed jsonwall,
# schema 1.0, as canonical/chisel's public/jsonwall and public/manifest
# define it) and an Ubuntu 24.04 etc/os-release.
#  - a manifest written here from the format's definition (header with the
#    count, entries sorted bytewise, compressed with the zstd CLI), and one
#    written by chisel's own jsonwall writer (tests/data/chisel, see its
#    README): every package is one deb component with the purl
#    pkg:deb/ubuntu/NAME@VERSION?arch=ARCH&distro=ubuntu-24.04, its slices
#    in vigil:chisel:slices, the .deb digest in vigil:chisel:sha256, its
#    files (paths, not directories, a path in two of its slices once)
#    counted in vigil:package:file-count, the manifest as location; the
#    expected values are written by hand, and cross-checked against a
#    Python reading of the decompressed manifest; documents valid (ajv);
#  - the OS group runs it, --catalogers dpkg does not;
#  - an uncompressed manifest, an unknown schema, a truncated zstd frame
#    and a manifest with bad lines are warnings (exit 3) that name the
#    problem; bad lines do not lose the good packages.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_cmd zstd

os_release() { # DIR: Ubuntu 24.04's /etc/os-release
    mkdir -p "$1/etc"
    cat >"$1/etc/os-release" <<'EOF'
PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
UBUNTU_CODENAME=noble
EOF
}

# jsonwall DIR: writes DIR/var/lib/chisel/manifest.wall from the JSON
# objects on stdin, one per line (header added, entries sorted bytewise,
# compact JSON as Go's encoding/json writes it).
jsonwall() {
    mkdir -p "$1/var/lib/chisel"
    python3 -c '
import json, sys
entries = sorted(json.dumps(json.loads(l), separators=(",", ":")).encode() for l in sys.stdin if l.strip())
sys.stdout.buffer.write(b"{\"jsonwall\":\"1.0\",\"schema\":\"1.0\",\"count\":%d}\n" % (len(entries) + 1))
sys.stdout.buffer.write(b"".join(e + b"\n" for e in entries))' >"$TMP/wall.txt"
    zstd -q -f "$TMP/wall.txt" -o "$1/var/lib/chisel/manifest.wall"
}

# facts CDX: "name version purl slices sha256 file-count location" per deb component
facts() {
    python3 - "$1" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    if not c.get("purl", "").startswith("pkg:deb/"):
        continue
    p = {x["name"]: x["value"] for x in c.get("properties", [])}
    print(c["name"], c["version"], c["purl"], p.get("vigil:chisel:slices", "-"), p.get("vigil:chisel:sha256", "-"),
          p.get("vigil:package:file-count", "0"), p.get("vigil:cataloger"),
          ",".join(o["location"] for o in c["evidence"]["occurrences"]))
PY
}

# reference WALL: the same facts from a Python reading of the jsonwall text
reference() {
    python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
entries = [json.loads(l) for l in lines[1:] if l]
pkgs = {e["name"]: e for e in entries if e["kind"] == "package"}
slices = {n: set() for n in pkgs}
files = {n: set() for n in pkgs}
for e in entries:
    if e["kind"] == "slice":
        slices[e["name"].split("_", 1)[0]].add(e["name"])
    elif e["kind"] == "path" and not e["path"].endswith("/"):
        for s in e["slices"]:
            files[s.split("_", 1)[0]].add(e["path"])
for n, e in sorted(pkgs.items()):
    purl = f"pkg:deb/ubuntu/{n}@{e['version']}?arch={e['arch']}&distro=ubuntu-24.04"
    print(n, e["version"], purl, " ".join(sorted(slices[n])) or "-", e.get("sha256", "-"), len(files[n]), "chisel",
          "var/lib/chisel/manifest.wall")
PY
}

# 1. Written here from the format.
R=$TMP/hand
os_release "$R"
jsonwall "$R" <<'EOF'
{"kind":"package","name":"libssl3t64","version":"3.0.13-0ubuntu3.4","sha256":"5d1c2f0e6b7a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f","arch":"amd64"}
{"kind":"package","name":"openssl","version":"3.0.13-0ubuntu3.4","sha256":"6e2d3f1a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80","arch":"amd64"}
{"kind":"slice","name":"libssl3t64_libs"}
{"kind":"slice","name":"libssl3t64_config"}
{"kind":"slice","name":"openssl_bins"}
{"kind":"path","path":"/usr/","mode":"0755","slices":["libssl3t64_libs","openssl_bins"]}
{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libssl.so.3","mode":"0644","slices":["libssl3t64_libs"],"sha256":"01","size":667864}
{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libcrypto.so.3","mode":"0644","slices":["libssl3t64_config","libssl3t64_libs"],"sha256":"02","size":4901144}
{"kind":"path","path":"/usr/bin/openssl","mode":"0755","slices":["openssl_bins"],"sha256":"03","final_sha256":"04","size":1004224}
{"kind":"path","path":"/usr/bin/c_rehash","mode":"0777","slices":["openssl_bins"],"link":"../lib/ssl/misc/c_rehash"}
{"kind":"content","slice":"openssl_bins","path":"/usr/bin/openssl"}
{"kind":"future","name":"a kind a newer chisel may add"}
EOF
expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/hand.cdx.json" -o "spdx-json=$TMP/hand.spdx.json"
validate_cyclonedx "$TMP/hand.cdx.json"
validate_spdx "$TMP/hand.spdx.json"
facts "$TMP/hand.cdx.json" >"$TMP/hand.vigil"
cat >"$TMP/hand.want" <<'EOF'
libssl3t64 3.0.13-0ubuntu3.4 pkg:deb/ubuntu/libssl3t64@3.0.13-0ubuntu3.4?arch=amd64&distro=ubuntu-24.04 libssl3t64_config libssl3t64_libs 5d1c2f0e6b7a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f 2 chisel var/lib/chisel/manifest.wall
openssl 3.0.13-0ubuntu3.4 pkg:deb/ubuntu/openssl@3.0.13-0ubuntu3.4?arch=amd64&distro=ubuntu-24.04 openssl_bins 6e2d3f1a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80 2 chisel var/lib/chisel/manifest.wall
EOF
same_lines "$TMP/hand.vigil" "$TMP/hand.want" "chisel packages (hand-written manifest)"
reference "$TMP/wall.txt" >"$TMP/hand.ref"
same_lines "$TMP/hand.vigil" "$TMP/hand.ref" "chisel packages (vigil vs a Python reading)"

# 2. Written by chisel's own jsonwall writer.
C=$TMP/chisel
os_release "$C"
mkdir -p "$C/var/lib/chisel"
cp "$VIGIL_SRC/tests/data/chisel/manifest.wall" "$C/var/lib/chisel/manifest.wall"
expect_status 0 "$VIGIL" sbom "$C" -o "cyclonedx-json=$TMP/chisel.cdx.json" -o "spdx-json=$TMP/chisel.spdx.json"
validate_cyclonedx "$TMP/chisel.cdx.json"
validate_spdx "$TMP/chisel.spdx.json"
facts "$TMP/chisel.cdx.json" >"$TMP/chisel.vigil"
cat >"$TMP/chisel.want" <<'EOF'
base-files 13ubuntu10.1 pkg:deb/ubuntu/base-files@13ubuntu10.1?arch=amd64&distro=ubuntu-24.04 base-files_base base-files_chisel base-files_release-info 0b1c4bd8f7e5a3b2c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6 2 chisel var/lib/chisel/manifest.wall
ca-certificates 20240203 pkg:deb/ubuntu/ca-certificates@20240203?arch=all&distro=ubuntu-24.04 ca-certificates_data 1111111111111111111111111111111111111111111111111111111111111111 1 chisel var/lib/chisel/manifest.wall
libc6 2.39-0ubuntu8.4 pkg:deb/ubuntu/libc6@2.39-0ubuntu8.4?arch=amd64&distro=ubuntu-24.04 libc6_config libc6_libs 9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0 3 chisel var/lib/chisel/manifest.wall
EOF
same_lines "$TMP/chisel.vigil" "$TMP/chisel.want" "chisel packages (manifest by chisel's writer)"
zstd -q -d -c "$C/var/lib/chisel/manifest.wall" >"$TMP/chisel.txt"
reference "$TMP/chisel.txt" >"$TMP/chisel.ref"
same_lines "$TMP/chisel.vigil" "$TMP/chisel.ref" "chisel packages (vigil vs a Python reading of chisel's manifest)"
python3 - "$TMP/chisel.spdx.json" <<'PY' || fail "SPDX package of libc6"
import json, sys
doc = json.load(open(sys.argv[1]))
p = next(p for p in doc["packages"] if p["name"] == "libc6")
refs = {r["referenceType"]: r["referenceLocator"] for r in p.get("externalRefs", [])}
want = "pkg:deb/ubuntu/libc6@2.39-0ubuntu8.4?arch=amd64&distro=ubuntu-24.04"
if p.get("versionInfo") != "2.39-0ubuntu8.4" or refs.get("purl") != want:
    sys.exit(f"libc6: {p.get('versionInfo')} {refs.get('purl')}")
PY

# 3. Cataloger groups.
expect_status 0 "$VIGIL" sbom --catalogers os "$C" -o "cyclonedx-json=$TMP/os.json"
[ "$(facts "$TMP/os.json" | wc -l)" = 3 ] || fail "--catalogers os does not run chisel"
expect_status 0 "$VIGIL" sbom --catalogers dpkg "$C" -o "cyclonedx-json=$TMP/dpkg.json"
[ "$(facts "$TMP/dpkg.json" | wc -l)" = 0 ] || fail "--catalogers dpkg ran chisel"

# 4. Bad manifests: warnings, exit 3.
B=$TMP/bad
os_release "$B"
mkdir -p "$B/var/lib/chisel"
cp "$TMP/chisel.txt" "$B/var/lib/chisel/manifest.wall"
expect_status 3 "$VIGIL" sbom "$B" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr "manifest.wall: chisel manifest not read: not a zstd frame"
[ "$(facts "$TMP/bad.json" | wc -l)" = 0 ] || fail "packages from an uncompressed manifest"

sed 's/"schema":"1.0"/"schema":"2.0"/' "$TMP/chisel.txt" | zstd -q -c >"$B/var/lib/chisel/manifest.wall"
expect_status 3 "$VIGIL" sbom "$B" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr "manifest schema other than 1.0 is not supported"

size=$(stat -c %s "$C/var/lib/chisel/manifest.wall")
head -c $((size / 2)) "$C/var/lib/chisel/manifest.wall" >"$B/var/lib/chisel/manifest.wall"
expect_status 3 "$VIGIL" sbom "$B" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr "chisel manifest not read: truncated zstd frame"

{
    cat "$TMP/chisel.txt"
    echo 'not json at all'
    echo '{"kind":"path","path":"/usr/bin/ghost","slices":["ghost_bins"]}'
} | zstd -q -c >"$B/var/lib/chisel/manifest.wall"
expect_status 3 "$VIGIL" sbom "$B" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr "2 manifest lines skipped, the first \(line 28\): a line that is not a JSON object"
facts "$TMP/bad.json" >"$TMP/bad.vigil"
same_lines "$TMP/bad.vigil" "$TMP/chisel.want" "good packages of a manifest with bad lines"
echo "chisel manifests: ok"
