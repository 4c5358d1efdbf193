# attest_keys.sh — `vigil key generate`: PKCS#8 / SPKI PEM files that the
# openssl command line reads, mode 0600, never overwritten, encryption with
# a passphrase from VIGIL_PASSWORD (checked by openssl), a wrong passphrase
# fails cleanly, the key id is SHA-256 of the DER public key, and the
# private key never appears on stdout or stderr.
source "$(dirname "$0")/lib.sh"
need_cmd openssl
cd "$TMP"
unset VIGIL_PASSWORD
echo "artifact" > art.txt
echo '{"k":"v"}' > pred.json

for type in ed25519 ecdsa-p256; do
    expect_status 0 setsid -w "$VIGIL" key generate --type "$type" k-$type
    expect_stderr "k-$type.key \($type, not encrypted"
    [ "$(stat -c %a k-$type.key)" = 600 ] || fail "k-$type.key has mode $(stat -c %a k-$type.key), not 600"
    grep -q -- '-----BEGIN PRIVATE KEY-----' k-$type.key || fail "k-$type.key is not PKCS#8 PEM"
    # openssl derives the same public key from the private key.
    openssl pkey -in k-$type.key -pubout -out derived.pub || fail "openssl cannot read k-$type.key"
    cmp -s derived.pub k-$type.pub || fail "k-$type.pub is not the public key of k-$type.key"
    want_alg=$([ $type = ed25519 ] && echo ED25519 || echo 'prime256v1\|P-256')
    openssl pkey -pubin -in k-$type.pub -noout -text | grep -q "$want_alg" || fail "k-$type.pub is not $type"
    # key id = hex SHA-256 of the DER SubjectPublicKeyInfo, also the bundle hint
    keyid=$(openssl pkey -pubin -in k-$type.pub -outform DER | sha256sum | cut -d' ' -f1)
    grep -q "key id $keyid" "$TMP/stderr" || fail "reported key id is not sha256(DER SPKI) $keyid"
    expect_status 0 "$VIGIL" attest --key k-$type.key --type cyclonedx --predicate pred.json --subject art.txt -o b.json
    [ "$(jq -r .verificationMaterial.publicKey.hint b.json)" = "$keyid" ] || fail "bundle hint is not $keyid"
    [ "$(jq -r '.dsseEnvelope.signatures[0].keyid' b.json)" = "$keyid" ] || fail "DSSE keyid is not $keyid"

    # never overwritten: both an existing .key and an existing .pub stop it
    before=$(sha256sum k-$type.key k-$type.pub)
    expect_status 2 "$VIGIL" key generate --type "$type" k-$type
    expect_stderr "k-$type.key: already exists"
    rm -f only.key; cp k-$type.pub only.pub
    expect_status 2 "$VIGIL" key generate --type "$type" only
    expect_stderr "only.pub: already exists"
    [ ! -e only.key ] || fail "a failed generate left only.key behind"
    [ "$(sha256sum k-$type.key k-$type.pub)" = "$before" ] || fail "existing key files were changed"
done

# Encrypted with the passphrase from the environment (AES-256, PKCS#8).
VIGIL_PASSWORD='correct horse' expect_status 0 "$VIGIL" key generate --type ecdsa-p256 enc
expect_stderr "encrypted"
grep -q -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' enc.key || fail "enc.key is not encrypted PKCS#8"
openssl pkey -in enc.key -passin pass:'correct horse' -pubout -out enc-derived.pub || fail "openssl cannot decrypt enc.key"
cmp -s enc-derived.pub enc.pub || fail "enc.pub does not match enc.key"
openssl asn1parse -in enc.key | grep -q aes-256-cbc || fail "enc.key is not encrypted with AES-256"
if openssl pkey -in enc.key -passin pass:wrong -noout 2>/dev/null; then fail "openssl accepted a wrong passphrase"; fi

VIGIL_PASSWORD='correct horse' expect_status 0 "$VIGIL" attest --key enc.key --type cyclonedx --predicate pred.json --subject art.txt -o enc.json
expect_status 0 "$VIGIL" verify --key enc.pub --bundle enc.json --subject art.txt
VIGIL_PASSWORD='wrong' expect_status 1 "$VIGIL" attest --key enc.key --type cyclonedx --predicate pred.json --subject art.txt -o x.json
expect_stderr "enc.key: wrong passphrase"
[ ! -e x.json ] || fail "output written despite a wrong passphrase"
# no passphrase and no terminal: a clear message, no prompt, no output
expect_status 1 setsid -w "$VIGIL" attest --key enc.key --type cyclonedx --predicate pred.json --subject art.txt -o x.json
expect_stderr "encrypted; set VIGIL_PASSWORD"
# the same wrong passphrase through sign-blob
VIGIL_PASSWORD='wrong' expect_status 1 "$VIGIL" sign-blob --key enc.key art.txt
expect_stderr "wrong passphrase"

# The private key material never appears in any output (each command
# does what it should, with the output it should have: a key id, a
# bundle, a signature, a refusal).
body=$(sed -n 2p k-ed25519.key)
[ -n "$body" ] || fail "k-ed25519.key has no key material on its second line"
for case in "0 err key generate --type ed25519 leak" "0 out attest --key k-ed25519.key --type spdx --predicate pred.json --subject art.txt" \
            "0 out sign-blob --key k-ed25519.key art.txt" "2 err verify --key k-ed25519.key --bundle b.json"; do
    read -r want where cmd <<<"$case"
    # shellcheck disable=SC2086
    expect_status "$want" setsid -w "$VIGIL" $cmd
    [ -s "$TMP/std$where" ] || fail "'vigil $cmd' wrote nothing on std$where"
    if grep -qF -- "$body" "$TMP/stdout" "$TMP/stderr" || grep -q 'PRIVATE KEY' "$TMP/stdout"; then
        fail "'vigil $cmd' printed private key material"
    fi
done
expect_stderr "is a private key"

# Symbolic links to private keys are refused (O_NOFOLLOW).
ln -s k-ed25519.key link.key
expect_status 1 "$VIGIL" sign-blob --key link.key art.txt
expect_stderr "symbolic link"
echo "ok"
