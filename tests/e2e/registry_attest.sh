# registry_attest.sh — vigil sbom --attest KEY --push attaches the SBOM
# attestation to an image in a real registry (Debian's docker-registry,
# distribution 2.8, started here: registry_lib.sh), and vigil verify
# registry:... finds and verifies it.  Checked independently with skopeo
# inspect --raw and python, against the schemes as their specifications
# write them: cosign's tag "sha256-<hex>.att" holds an OCI image manifest
# whose layer is a DSSE envelope (application/vnd.dsse.envelope.v1+json,
# annotation predicateType) whose in-toto statement names the image's
# manifest digest (as skopeo computes it); distribution 2.8 has no
# referrers API (GET /v2/<name>/referrers/<digest> is 404), so the
# referrer (artifactType application/vnd.dev.sigstore.bundle.v0.3+json,
# subject = the image) is listed in the index tagged "sha256-<hex>" (the
# referrers tag schema).  A statement by another key, or none, fails (4).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
registry_start
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/img" --tag vigil/alpine:3.11 \
    "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
registry_push oci:"$TMP/img" vigil/alpine:3.11
export VIGIL_CACHE="$TMP/cache"
unset VIGIL_PASSWORD
cd "$TMP"
setsid -w "$VIGIL" key generate --type ecdsa-p256 k 2>/dev/null || fail "keygen"
setsid -w "$VIGIL" key generate --type ecdsa-p256 other 2>/dev/null || fail "keygen"
R=(--registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS")
IMG="registry:$REG/vigil/alpine:3.11"
raw() { skopeo inspect --cert-dir "$REG_CERTS" --creds "$REG_CREDS" --raw "docker://$REG/vigil/alpine:$1"; }
hex=$(raw 3.11 | sha256sum | cut -d' ' -f1)

# Nothing attached yet: verification fails.
expect_status 4 "$VIGIL" verify --key k.pub "${R[@]}" "$IMG"
expect_stderr "no attestation attached to sha256:$hex"

expect_status 0 "$VIGIL" sbom "${R[@]}" --attest k.key --push "$IMG" -o cyclonedx-json=sbom.json
[ -s sbom.json.sigstore.json ] || fail "no bundle beside the SBOM"

# Independent checks of what the registry now holds.
raw "sha256-$hex.att" >att.json || fail "no tag sha256-$hex.att"
raw "sha256-$hex" >referrers.json || fail "no referrers tag sha256-$hex"
python3 - att.json referrers.json "$hex" sbom.json "$REG" "$REG_CERTS" "$REG_CREDS" <<'PY'
import base64, json, ssl, sys, urllib.request
att, refs, hexd, sbom = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], json.load(open(sys.argv[4]))
reg, certs, creds = sys.argv[5], sys.argv[6], sys.argv[7]
ctx = ssl.create_default_context(cafile=certs + "/ca.crt")
auth = "Basic " + base64.b64encode(creds.encode()).decode()
def get(path, accept=None):
    req = urllib.request.Request("https://%s/v2/vigil/alpine/%s" % (reg, path), headers={"Authorization": auth})
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, context=ctx) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
def check(ok, what):
    if not ok:
        sys.exit("FAIL: " + what)
check(att["mediaType"] == "application/vnd.oci.image.manifest.v1+json", "the .att manifest's media type")
layers = [l for l in att["layers"] if l["mediaType"] == "application/vnd.dsse.envelope.v1+json"]
check(len(layers) == 1, "one DSSE layer in the .att manifest")
check(layers[0]["annotations"]["predicateType"] == "https://cyclonedx.org/bom", "the predicateType annotation")
st, env = get("blobs/" + layers[0]["digest"])
check(st == 200, "the DSSE blob")
env = json.loads(env)
check(env["payloadType"] == "application/vnd.in-toto+json", "DSSE payload type")
stmt = json.loads(base64.b64decode(env["payload"]))
check(stmt["subject"][0]["digest"]["sha256"] == hexd, "the statement's subject is the image's manifest digest")
check(stmt["predicate"]["metadata"]["component"]["version"] == "sha256:" + hexd, "the predicate is the SBOM")
check(stmt["predicate"] == sbom, "the predicate equals sbom.json")
check(refs["mediaType"] == "application/vnd.oci.image.index.v1+json", "the referrers tag is an index")
ds = [d for d in refs["manifests"] if d.get("artifactType") == "application/vnd.dev.sigstore.bundle.v0.3+json"]
check(len(ds) == 1, "one Sigstore bundle referrer in the referrers tag index")
st, m = get("manifests/" + ds[0]["digest"], "application/vnd.oci.image.manifest.v1+json")
check(st == 200, "the referrer manifest")
m = json.loads(m)
check(m["subject"]["digest"] == "sha256:" + hexd, "the referrer's subject is the image")
check(m["artifactType"] == "application/vnd.dev.sigstore.bundle.v0.3+json", "the referrer's artifactType")
check(m["config"]["mediaType"] == "application/vnd.oci.empty.v1+json", "the referrer's empty config")
st, b = get("blobs/" + m["layers"][0]["digest"])
check(json.loads(b)["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json", "the bundle layer")
check(b == open(sys.argv[4] + ".sigstore.json", "rb").read(), "the pushed bundle is the one written beside the SBOM")
check(m["layers"][0]["annotations"]["org.opencontainers.image.title"] == m["layers"][0]["digest"].replace(":", "-") + ".sigstore.json", "the layer's title")
check(ds[0]["annotations"]["dev.sigstore.bundle.predicateType"] == "https://cyclonedx.org/bom", "the index entry's predicateType")
st, _ = get("referrers/sha256:" + hexd)
check(st == 404, "distribution 2.8 has no referrers API (so the tag schema is the one to use)")
print("ok: .att tag (DSSE, predicateType, subject sha256:%s) and referrers tag (bundle, subject) as specified" % hexd)
PY

# vigil verify finds both attestations and verifies them.
expect_status 0 "$VIGIL" verify --key k.pub --type cyclonedx "${R[@]}" "$IMG"
[ "$(grep -c "vigil: verified $IMG" "$TMP/stderr")" = 2 ] || { cat "$TMP/stderr"; fail "two attestations expected verified"; }
expect_stderr "DSSE envelope about sha256:$hex"
expect_stderr "Sigstore bundle about sha256:$hex"
python3 - "$TMP/stdout" "$hex" <<'PY' || fail "stdout is not the two statements about the image"
import json, sys
text, dec, n, i = open(sys.argv[1]).read(), json.JSONDecoder(), 0, 0
while text[i:].strip():
    while text[i].isspace():
        i += 1
    st, i = dec.raw_decode(text, i)
    assert st["_type"] == "https://in-toto.io/Statement/v1" and st["subject"][0]["digest"]["sha256"] == sys.argv[2]
    n += 1
assert n == 2, n
PY
echo "ok: vigil verify registry: verifies the .att envelope and the bundle referrer"

# Another key: none verifies (4); a wrong predicate type: none (4).
expect_status 4 "$VIGIL" verify --key other.pub "${R[@]}" "$IMG"
expect_stderr "none of the 2 attestations attached"
expect_status 4 "$VIGIL" verify --key k.pub --type spdx "${R[@]}" "$IMG"
echo "ok: another key or predicate type fails with status 4"

# A second push keeps the first layer and adds the new one.
expect_status 0 "$VIGIL" sbom "${R[@]}" --attest k.key --push "$IMG" -o spdx-json=sbom.spdx.json
raw "sha256-$hex.att" >att2.json
python3 -c 'import json,sys; t=[l["annotations"]["predicateType"] for l in json.load(open(sys.argv[1]))["layers"]]; sys.exit(0 if t == ["https://cyclonedx.org/bom", "https://spdx.dev/Document"] else "layers: %s" % t)' att2.json ||
    fail "the second push did not add its layer after the first"
echo "ok: a second push adds a layer to the .att manifest"

# vigil attest: a registry: subject is the image's manifest digest; --push attaches it.
printf '{"reviewed":"registry test"}\n' >pred.json
expect_status 0 "$VIGIL" attest --key k.key --type https://example.org/review/v1 --predicate pred.json \
    --subject "$IMG" --push "${R[@]}" -o review.bundle
python3 -c 'import base64,json,sys; s=json.loads(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"])); sys.exit(0 if s["subject"][0]["digest"]["sha256"] == sys.argv[2] else "subject %s" % s["subject"])' review.bundle "$hex" ||
    fail "vigil attest: the subject is not the image's manifest digest"
expect_status 0 "$VIGIL" verify --key k.pub --type https://example.org/review/v1 "${R[@]}" "$IMG"
[ "$(grep -c "vigil: verified $IMG" "$TMP/stderr")" = 2 ] || { cat "$TMP/stderr"; fail "the pushed review attestation did not verify twice"; }
raw "sha256-$hex" | python3 -c 'import json,sys; n=len(json.load(sys.stdin)["manifests"]); sys.exit(0 if n == 3 else "%d referrers" % n)' ||
    fail "the referrers tag index does not list the three bundles pushed"
echo "ok: vigil attest --push with a registry: subject"
