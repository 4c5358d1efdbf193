# attest_openssl.sh — the signatures vigil writes verify with the openssl
# command line: DSSE signatures over the PAE bytes built here from the spec
# (openssl pkeyutl -rawin for Ed25519, openssl dgst -sha256 for ECDSA), and
# detached sign-blob signatures over the file; and signatures openssl makes
# verify with vigil verify-blob.  Subject digests are compared with
# sha256sum / sha512sum, the predicate with the input file.
source "$(dirname "$0")/lib.sh"
need_cmd openssl
need_cmd jq
cd "$TMP"
unset VIGIL_PASSWORD
head -c 300000 /dev/urandom > artifact.bin
printf 'second artifact\n' > second.txt
cat > pred.json <<'JSON'
{ "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "metadata": { "component": { "type": "application", "name": "caf\u00e9 ✓", "version": "1.0" } } }
JSON

for type in ed25519 ecdsa-p256; do
    setsid -w "$VIGIL" key generate --type $type $type 2>/dev/null || fail "key generate $type"
    expect_status 0 "$VIGIL" attest --key $type.key --type cyclonedx --predicate pred.json \
        --subject artifact.bin second.txt --digest sha512 --format dsse -o env.json
    jq -r .payload env.json | base64 -d > payload.json
    jq -r '.signatures[0].sig' env.json | base64 -d > sig.bin
    ptype=$(jq -r .payloadType env.json)
    [ "$ptype" = application/vnd.in-toto+json ] || fail "payloadType is $ptype"
    # PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
    { printf 'DSSEv1 %d %s %d ' "${#ptype}" "$ptype" "$(stat -c %s payload.json)"; cat payload.json; } > pae.bin
    if [ $type = ed25519 ]; then
        openssl pkeyutl -verify -pubin -inkey $type.pub -rawin -in pae.bin -sigfile sig.bin >/dev/null ||
            fail "openssl does not verify vigil's Ed25519 DSSE signature"
    else
        openssl dgst -sha256 -verify $type.pub -signature sig.bin pae.bin >/dev/null ||
            fail "openssl does not verify vigil's ECDSA DSSE signature"
    fi
    # A changed PAE byte does not verify (the openssl check above is real).
    sed 's/DSSEv1 28/DSSEv1 29/' pae.bin > pae-bad.bin
    if openssl dgst -sha256 -verify $type.pub -signature sig.bin pae-bad.bin >/dev/null 2>&1 ||
       openssl pkeyutl -verify -pubin -inkey $type.pub -rawin -in pae-bad.bin -sigfile sig.bin >/dev/null 2>&1; then
        fail "openssl verified a changed PAE"
    fi

    # The statement: in-toto v1, digests as sha256sum/sha512sum compute them.
    [ "$(jq -r ._type payload.json)" = https://in-toto.io/Statement/v1 ] || fail "_type"
    [ "$(jq -r .predicateType payload.json)" = https://cyclonedx.org/bom ] || fail "predicateType"
    for f in artifact.bin second.txt; do
        want256=$(sha256sum $f | cut -d' ' -f1); want512=$(sha512sum $f | cut -d' ' -f1)
        jq -e --arg n $f --arg a "$want256" --arg b "$want512" \
            '.subject[] | select(.name == $n and .digest.sha256 == $a and .digest.sha512 == $b)' payload.json >/dev/null ||
            fail "subject $f does not carry sha256sum/sha512sum's digests"
    done
    jq -S .predicate payload.json >got-predicate.json
    jq -S . pred.json >want-predicate.json
    cmp -s got-predicate.json want-predicate.json || fail "predicate differs from pred.json"

    # Detached blob signatures, both directions.
    expect_status 0 "$VIGIL" sign-blob --key $type.key artifact.bin -o blob.sig
    base64 -d blob.sig > blob.raw || fail "blob.sig is not base64"
    if [ $type = ed25519 ]; then
        openssl pkeyutl -verify -pubin -inkey $type.pub -rawin -in artifact.bin -sigfile blob.raw >/dev/null ||
            fail "openssl does not verify vigil's Ed25519 blob signature"
        openssl pkeyutl -sign -inkey $type.key -rawin -in second.txt -out openssl.raw
    else
        openssl dgst -sha256 -verify $type.pub -signature blob.raw artifact.bin >/dev/null ||
            fail "openssl does not verify vigil's ECDSA blob signature"
        openssl dgst -sha256 -sign $type.key -out openssl.raw second.txt
    fi
    base64 -w0 openssl.raw > openssl.sig
    expect_status 0 "$VIGIL" verify-blob --key $type.pub --signature openssl.sig second.txt
    expect_stderr "verified second.txt"
    expect_status 4 "$VIGIL" verify-blob --key $type.pub --signature openssl.sig artifact.bin
    expect_stderr "does not verify"
    printf 'x' >> second.txt
    expect_status 4 "$VIGIL" verify-blob --key $type.pub --signature openssl.sig second.txt
    printf 'second artifact\n' > second.txt
    printf 'not base64!' > bad.sig
    expect_status 4 "$VIGIL" verify-blob --key $type.pub --signature bad.sig second.txt
    expect_stderr "not valid base64"
done
echo "ok"
