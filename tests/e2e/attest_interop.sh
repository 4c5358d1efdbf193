# attest_interop.sh — vigil against sigstore-js (npm: @sigstore/verify,
# @sigstore/sign, @sigstore/bundle; tests/interop): sigstore-js verifies the
# Sigstore bundles vigil writes, for Ed25519 and ECDSA P-256 keys, with
# public-key trust material and no transparency log, and rejects a tampered
# one; vigil verifies a DSSE envelope built with Node's crypto module from
# the DSSE spec and a bundle built by sigstore-js's DSSEBundleBuilder.
source "$(dirname "$0")/lib.sh"
need_cmd node
need_cmd jq
INTEROP=$VIGIL_SRC/tests/interop
[ -d "$INTEROP/node_modules/@sigstore/verify" ] || skip "sigstore-js is not installed (npm ci --prefix tests/interop)"
cd "$TMP"
unset VIGIL_PASSWORD
head -c 100000 /dev/urandom > image.tar
echo '{"scanner":{"uri":"pkg:github/aquasecurity/trivy","version":"0.50.0"},"metadata":{}}' > vuln.json

for type in ed25519 ecdsa-p256; do
    setsid -w "$VIGIL" key generate --type $type $type 2>/dev/null || fail "key generate $type"
    expect_status 0 "$VIGIL" attest --key $type.key --type vuln --predicate vuln.json --subject image.tar -o $type.bundle
    node "$INTEROP/verify_bundle.mjs" $type.bundle $type.pub > js.out 2>&1 || { cat js.out; fail "sigstore-js rejects vigil's $type bundle"; }
    grep -q "predicateType https://cosign.sigstore.dev/attestation/vuln/v1" js.out || fail "sigstore-js read another predicate type"

    # sigstore-js rejects a payload vigil signed and someone changed.
    jq '.dsseEnvelope.payload |= (@base64d | sub("trivy"; "trivx") | @base64)' $type.bundle > tampered.bundle
    if node "$INTEROP/verify_bundle.mjs" tampered.bundle $type.pub > js.out 2>&1; then fail "sigstore-js accepted a changed payload"; fi
    grep -q "SIGNATURE_ERROR" js.out || { cat js.out; fail "sigstore-js failed for another reason than the signature"; }
    expect_status 4 "$VIGIL" verify --key $type.pub --bundle tampered.bundle
    expect_stderr "signature check"

    # The other direction: envelopes and bundles made by Node / sigstore-js.
    mkdir -p node-$type
    node "$INTEROP/make_envelope.mjs" $type image.tar node-$type || fail "make_envelope.mjs $type failed"
    for doc in envelope bundle; do
        expect_status 0 "$VIGIL" verify --key node-$type/node.pub --bundle node-$type/$doc.json --subject image.tar \
            --type https://example.com/interop/v1
        [ "$(jq -r .predicate.producer "$TMP/stdout")" = "node crypto" ] || fail "vigil printed another statement for node's $doc"
        # and it rejects them with vigil's own key of the same type
        expect_status 4 "$VIGIL" verify --key $type.pub --bundle node-$type/$doc.json
        expect_stderr "signature check"
    done
done
echo "ok"
