# registry_pull.sh — vigil sbom/scan on images in a real OCI registry
# (Debian's docker-registry, distribution 2.8) started here on a loopback
# port with TLS from a test CA and htpasswd (bcrypt) basic auth; images
# pushed with skopeo from OCI layouts built by tests/tools/mkimage.py.
# Checks, against references computed here: the SBOM of the registry image
# has the components and target digest of the same layout scanned locally
# (the digest as skopeo reports it); a multi-platform index honours
# --platform; credentials from a docker config.json in a temp HOME and from
# --registry-auth (and @FILE); a wrong password is a clear error (exit 1);
# the second run downloads no blob (the registry's access log); a blob
# whose stored data was altered is refused, naming blob and registry, and
# nothing of it is kept; a registry that accepts and never answers times
# out with a clear message; --max-total-size refuses a too large image
# before any blob is fetched; vigil scan reads a registry target; a
# progress line is shown on a terminal (script(1)) only, not with -q.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
ALPINE="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
registry_start

python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/img" --tag vigil/alpine:3.11 "$ALPINE"
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/multi" --arch amd64 \
    --extra-platform linux/arm64 "$ALPINE"
registry_push oci:"$TMP/img" vigil/alpine:3.11
# skopeo copies an index only when index.json names one: nest the platforms' index.
python3 - "$TMP/multi" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
index = json.load(open(d + "/index.json"))
blob = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": index["manifests"]}).encode()
h = hashlib.sha256(blob).hexdigest()
open(d + "/blobs/sha256/" + h, "wb").write(blob)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
           "digest": "sha256:" + h, "size": len(blob), "annotations": {"org.opencontainers.image.ref.name": "1"}}]},
          open(d + "/index.json", "w"))
json.dump(index, open(d + "/platforms.json", "w"))
PY
registry_push oci:"$TMP/multi:1" vigil/multi:1 --all

# The manifest digest skopeo sees for the tag: the independent reference.
want_digest=$(skopeo inspect --cert-dir "$REG_CERTS" --creds "$REG_CREDS" --raw "docker://$REG/vigil/alpine:3.11" |
    sha256sum | cut -d' ' -f1)

export VIGIL_CACHE="$TMP/cache"
# components FILE: purl list of a CycloneDX SBOM; target FILE: its digest.
components() { python3 -c 'import json,sys; print("\n".join(sorted(c.get("purl","") for c in json.load(open(sys.argv[1]))["components"])))' "$1"; }
target() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["component"]["version"])' "$1"; }

# 1. --registry-auth; the SBOM equals the local layout's.
expect_status 0 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    "registry:$REG/vigil/alpine:3.11" -o "cyclonedx-json=$TMP/reg.json"
expect_status 0 "$VIGIL" sbom "$TMP/img" -o "cyclonedx-json=$TMP/local.json"
[ "$(target "$TMP/reg.json")" = "sha256:$want_digest" ] || fail "registry target digest $(target "$TMP/reg.json"), skopeo says sha256:$want_digest"
[ "$(target "$TMP/local.json")" = "sha256:$want_digest" ] || fail "local layout digest differs from the pushed manifest"
components "$TMP/reg.json" >"$TMP/reg.purls"
components "$TMP/local.json" >"$TMP/local.purls"
diff "$TMP/local.purls" "$TMP/reg.purls" || fail "the registry SBOM's components differ from the local layout's"
grep -q '^pkg:apk/alpine/busybox@1.31.1' "$TMP/reg.purls" || fail "busybox missing from the registry SBOM"
echo "ok: registry SBOM = local layout SBOM ($(wc -l <"$TMP/reg.purls") components, sha256:$want_digest)"

# 2. The second run downloads no blob: no new GET of /blobs/ in the access log.
before=$(registry_blob_gets)
[ "$before" -ge 2 ] || fail "the first run fetched $before blobs (config and layer expected)"
expect_status 0 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    "registry:$REG/vigil/alpine:3.11" -o "cyclonedx-json=$TMP/reg2.json"
after=$(registry_blob_gets)
[ "$after" = "$before" ] || fail "the second run downloaded $((after - before)) blobs again"
cmp -s "$TMP/reg.json" "$TMP/reg2.json" || fail "the warm-cache SBOM differs"
[ -z "$(find "$VIGIL_CACHE" -name '.tmp-*' -o -name 'view.*')" ] || fail "temporary files left in the cache"
echo "ok: warm cache: no blob downloaded again ($before blob GETs in all)"

# A progress line on a terminal only (script(1) gives a terminal), not with -q.
grep -q "pulling blob" "$TMP/stderr" && fail "a progress line without a terminal"
need_cmd script
for q in "" -q; do
    VIGIL_CACHE="$TMP/cache-tty$q" script -qec "$VIGIL sbom $q --registry-ca $REG_CERTS/ca.crt --registry-auth $REG_CREDS registry:$REG/vigil/alpine:3.11 -o cyclonedx-json=$TMP/tty.json" /dev/null >"$TMP/tty$q.out" </dev/null ||
        fail "vigil sbom $q on a terminal failed: $(cat "$TMP/tty$q.out")"
done
grep -q "vigil: pulling blob 2/2, 2.6 of 2.6 MiB" "$TMP/tty.out" || fail "no progress line on a terminal: $(cat -v "$TMP/tty.out")"
grep -q "pulling" "$TMP/tty-q.out" && fail "a progress line with -q"
echo "ok: a progress line on a terminal, none with -q or without a terminal"

# 3. Credentials from docker config.json in a temporary HOME.
mkdir -p "$TMP/home/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REG" "$(printf %s "$REG_CREDS" | base64 -w0)" >"$TMP/home/.docker/config.json"
HOME="$TMP/home" SSL_CERT_FILE="$REG_CERTS/ca.crt" expect_status 0 "$VIGIL" sbom "registry:$REG/vigil/alpine:3.11" \
    -o "cyclonedx-json=$TMP/cfg.json"
[ "$(target "$TMP/cfg.json")" = "sha256:$want_digest" ] || fail "docker config.json credentials: wrong image"
printf '{"credsStore":"secretservice"}\n' >"$TMP/home/.docker/config.json"
HOME="$TMP/home" expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" "registry:$REG/vigil/alpine:3.11" \
    -o "cyclonedx-json=$TMP/helper.json"
grep -q "credential helper docker-credential-secretservice, which vigil does not run" "$TMP/stderr" ||
    fail "a credential helper is not named: $(cat "$TMP/stderr")"
echo "ok: docker config.json auths; credential helpers refused by name"

# 4. Wrong password, no credentials: clear errors, exit 1, nothing written.
expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_USER:wrong" \
    "registry:$REG/vigil/alpine:3.11" -o "cyclonedx-json=$TMP/bad.json"
grep -q "credentials for user '$REG_USER' (from --registry-auth) were refused" "$TMP/stderr" ||
    fail "wrong password: $(cat "$TMP/stderr")"
[ ! -e "$TMP/bad.json" ] || fail "an SBOM was written despite the refusal"
HOME="$TMP/nohome" expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" "registry:$REG/vigil/alpine:3.11" \
    >/dev/null
grep -q "needs credentials: give --registry-auth" "$TMP/stderr" || fail "no credentials: $(cat "$TMP/stderr")"
# Without the test CA the server's certificate is not trusted.
expect_status 1 "$VIGIL" sbom --registry-auth "$REG_CREDS" "registry:$REG/vigil/alpine:3.11" >/dev/null
grep -qi "certificate" "$TMP/stderr" || fail "untrusted CA: $(cat "$TMP/stderr")"
echo "ok: wrong password, no credentials, untrusted certificate: exit 1 with the reason"

# 5. --registry-auth @FILE, multi-platform index, by digest; scan.
printf '%s\n' "$REG_CREDS" >"$TMP/creds"
expect_status 0 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "@$TMP/creds" --platform linux/arm64 \
    "registry:$REG/vigil/multi:1" -o "cyclonedx-json=$TMP/arm.json"
arm=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"] if m["platform"]["architecture"]=="arm64"][0])' "$TMP/multi/platforms.json")
[ "$(target "$TMP/arm.json")" = "$arm" ] || fail "--platform linux/arm64 scanned $(target "$TMP/arm.json"), not $arm"
expect_status 0 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    "registry:$REG/vigil/multi@$arm" -o "cyclonedx-json=$TMP/bydigest.json"
[ "$(target "$TMP/bydigest.json")" = "$arm" ] || fail "by digest: wrong image"
expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" --platform linux/s390x \
    "registry:$REG/vigil/multi:1" >/dev/null
grep -q "no image for platform linux/s390x; the index has: linux/amd64, linux/arm64" "$TMP/stderr" ||
    fail "missing platform: $(cat "$TMP/stderr")"
echo "ok: @FILE credentials, --platform from a registry index, by digest"

# --max-total-size bounds what is pulled: refused before any blob is fetched.
blobs_before=$(registry_blob_gets)
VIGIL_CACHE="$TMP/cache-small" expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    --max-total-size 1K "registry:$REG/vigil/alpine:3.11"
expect_stderr "the image's blobs add up to more than 1024 bytes \(--max-total-size\)"
[ "$(registry_blob_gets)" = "$blobs_before" ] || fail "blobs were downloaded past --max-total-size"
echo "ok: --max-total-size refuses an image too large before downloading it"

# vigil scan of the registry image finds what it finds in the local layout.
expect_status 0 "$VIGIL" db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.11" --db "$TMP/vuln.sqlite"
findings() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(json.dumps(f, sort_keys=True) for f in d["findings"])))' "$1"; }
"$VIGIL" scan --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" --db "$TMP/vuln.sqlite" \
    "registry:$REG/vigil/alpine:3.11" -o "json=$TMP/scan-reg.json" >/dev/null 2>&1 || true
"$VIGIL" scan --db "$TMP/vuln.sqlite" "$TMP/img" -o "json=$TMP/scan-local.json" >/dev/null 2>&1 || true
[ -s "$TMP/scan-reg.json" ] || fail "vigil scan wrote no report for the registry image"
[ "$(findings "$TMP/scan-local.json" | wc -l)" -gt 0 ] || fail "no finding in the local scan: the check would prove nothing"
[ "$(findings "$TMP/scan-reg.json")" = "$(findings "$TMP/scan-local.json")" ] || fail "scan findings differ between registry and layout"
echo "ok: vigil scan of the registry image = of the local layout ($(findings "$TMP/scan-reg.json" | wc -l) findings)"

# 6. A blob whose stored data was altered is refused; nothing of it kept.
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/img2" --tag vigil/other:1 "$ALPINE" "$VIGIL_SRC/docs"
registry_push oci:"$TMP/img2" vigil/other:1
layer=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]+"/index.json"))["manifests"][0]["digest"]; print(json.load(open(sys.argv[1]+"/blobs/sha256/"+m[7:]))["layers"][-1]["digest"][7:])' "$TMP/img2")
data="$REG_DATA/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data"
[ -f "$data" ] || fail "no blob data file at $data"
python3 - "$data" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(bytes(b))
PY
expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    "registry:$REG/vigil/other:1" -o "cyclonedx-json=$TMP/tampered.json"
grep -q "registry $REG: blob sha256:$layer of vigil/other came with digest sha256:" "$TMP/stderr" ||
    fail "tampered blob: $(cat "$TMP/stderr")"
[ ! -e "$VIGIL_CACHE/blobs/sha256/$layer" ] || fail "the tampered blob was kept in the cache"
[ -z "$(find "$VIGIL_CACHE" -name '.tmp-*')" ] || fail "a temporary file of the tampered blob was left"
[ ! -e "$TMP/tampered.json" ] || fail "an SBOM was written from a tampered blob"
echo "ok: a blob with the wrong digest is refused, nothing kept"

# 7. A registry that accepts connections and never answers times out.
python3 - "$TMP/hang.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 60
s.settimeout(1)
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
PY
hang_pid=$!
at_exit "kill $hang_pid 2>/dev/null"
for _ in $(seq 50); do [ -s "$TMP/hang.port" ] && break; sleep 0.1; done
VIGIL_REGISTRY_TIMEOUT=2 expect_status 1 "$VIGIL" sbom --registry-auth "$REG_CREDS" \
    "registry:127.0.0.1:$(cat "$TMP/hang.port")/vigil/alpine:3.11" >/dev/null
grep -q "no answer for 2 s" "$TMP/stderr" || fail "hanging registry: $(cat "$TMP/stderr")"
echo "ok: a registry that never answers times out with a clear message"
