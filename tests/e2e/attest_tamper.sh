# attest_tamper.sh — every kind of tampering is rejected by vigil verify
# with exit status 4 and its own message naming the failed check: a changed
# payload byte, a changed subject file, a swapped predicate type (edited in
# the payload, or not the one asked for), another key's signature, a
# truncated or non-base64 signature, zero or duplicate signatures, a changed
# payloadType, an unknown bundle media type.  Documents are edited with jq.
source "$(dirname "$0")/lib.sh"
need_cmd jq
cd "$TMP"
unset VIGIL_PASSWORD
echo '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}' > bom.json
cp bom.json subject.json
for k in a b; do setsid -w "$VIGIL" key generate --type ecdsa-p256 $k 2>/dev/null || fail "keygen"; done
setsid -w "$VIGIL" key generate --type ed25519 ed 2>/dev/null || fail "keygen"
"$VIGIL" attest --key a.key --type cyclonedx --predicate bom.json --subject subject.json -o good.bundle || fail "attest"
"$VIGIL" attest --key a.key --type cyclonedx --predicate bom.json --subject subject.json --format dsse -o good.dsse || fail "attest"
"$VIGIL" attest --key b.key --type cyclonedx --predicate bom.json --subject subject.json --format dsse -o other.dsse || fail "attest"
"$VIGIL" attest --key ed.key --type cyclonedx --predicate bom.json --subject subject.json --format dsse -o ed.dsse || fail "attest"

expect_status 0 "$VIGIL" verify --key a.pub --bundle good.bundle --subject subject.json --type cyclonedx
[ "$(jq -r .predicateType "$TMP/stdout")" = https://cyclonedx.org/bom ] || fail "the statement is not printed on success"

# reject DOC CHECK MESSAGE [extra verify args]
reject() {
    local doc=$1 check=$2 msg=$3; shift 3
    expect_status 4 "$VIGIL" verify --key a.pub --bundle "$doc" "$@"
    expect_stderr "FAILED \($check check\)"
    expect_stderr "$msg"
    [ ! -s "$TMP/stdout" ] || fail "$doc: a statement was printed although verification failed"
}

# a changed payload byte (the version number 1 -> 2)
jq '.dsseEnvelope.payload |= (@base64d | sub("\"version\":1"; "\"version\":2") | @base64)' good.bundle > t1.json
reject t1.json signature "does not verify with key"
# a changed subject file
printf ' ' >> subject.json
reject good.bundle subject "subject mismatch: subject.json has sha256:$(sha256sum subject.json | cut -d' ' -f1)" --subject subject.json
cp bom.json subject.json
# swapped predicate type, edited in the payload ...
jq '.dsseEnvelope.payload |= (@base64d | sub("cyclonedx.org/bom"; "spdx.dev/Document") | @base64)' good.bundle > t2.json
reject t2.json signature "does not verify"
# ... and a genuine statement of another type than the one asked for
reject good.bundle "predicate type" "the statement's is 'https://cyclonedx.org/bom', expected 'https://spdx.dev/Document'" --type spdx
# a changed payloadType (PAE covers it)
jq '.payloadType = "application/vnd.in-toto.v2+json"' good.dsse > t3.json
reject t3.json signature "does not verify"
# another key's signature (same key type; the keyid names the other key)
jq --slurpfile o other.dsse '.signatures = $o[0].signatures' good.dsse > t4.json
reject t4.json signature "it names key $(jq -r '.signatures[0].keyid' other.dsse)"
# an Ed25519 signature checked with a P-256 key
reject ed.dsse signature "it names key"
# truncated signature (DER cut short) and non-base64 signature
# (cut as bytes: jq's @base64d is not binary-safe, and re-encoding its
# U+FFFD replacements once made an 83-byte "signature" out of 40 bytes)
sig40=$(jq -r '.signatures[0].sig' good.dsse | base64 -d | head -c 40 | base64 -w0)
jq --arg s "$sig40" '.signatures[0].sig = $s' good.dsse > t5.json
reject t5.json "signature format" "signature 1: signature is not a DER ECDSA signature"
jq '.signatures[0].sig |= .[0:-4]' good.dsse > t6.json
reject t6.json "signature format" "signature 1: signature is not a DER ECDSA signature|signature 1 is not valid base64"
jq '.signatures[0].sig = "!!not*base64!!"' good.dsse > t7.json
reject t7.json "signature format" "signature 1 is not valid base64"
# zero and duplicate signatures
jq '.signatures = []' good.dsse > t8.json
reject t8.json "signature count" "envelope has no signatures"
jq '.signatures = [.signatures[0], .signatures[0]]' good.dsse > t9.json
reject t9.json "signature count" "duplicate signatures \(1 and 2"
jq '.dsseEnvelope.signatures += .dsseEnvelope.signatures' good.bundle > t10.json
reject t10.json "signature count" "duplicate signatures|exactly one signature"
# unknown bundle media type
jq '.mediaType = "application/vnd.dev.sigstore.bundle.v9.9+json"' good.bundle > t11.json
reject t11.json "media type" "unknown bundle media type 'application/vnd.dev.sigstore.bundle.v9.9\+json'"
# not an attestation at all / broken JSON
echo '{"hello":"world"}' > t12.json
reject t12.json document "neither a Sigstore bundle"
head -c 100 good.bundle > t13.json
reject t13.json document "not JSON"
# a valid signature over something that is not an in-toto statement
echo '{"payloadType":"application/vnd.in-toto+json","payload":"bm90IGpzb24=","signatures":[{"sig":"AA=="}]}' > t14.json
reject t14.json "signature format" "signature 1: signature is not a DER ECDSA signature"
echo "ok"
