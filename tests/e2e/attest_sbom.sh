# attest_sbom.sh — a CycloneDX SBOM written by `vigil sbom` attests as the
# predicate of a statement; after `vigil verify` the predicate taken out of
# the statement still validates against the official CycloneDX 1.6 schema.
source "$(dirname "$0")/lib.sh"
need_cmd jq
need_cmd node
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
cd "$TMP"
unset VIGIL_PASSWORD
mkdir rootfs
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" -C rootfs 2>/dev/null || fail "untar"
expect_status 0 "$VIGIL" sbom -o cyclonedx-json=sbom.json rootfs
[ "$(jq '[.components[] | select((.purl // "") | startswith("pkg:apk/"))] | length' sbom.json)" -gt 10 ] ||
    fail "the SBOM of the Alpine root lists too few apk packages"
setsid -w "$VIGIL" key generate --type ecdsa-p256 k 2>/dev/null || fail "keygen"
expect_status 0 "$VIGIL" attest --key k.key --type cyclonedx --predicate sbom.json --subject sbom.json -o sbom.bundle
expect_status 0 "$VIGIL" verify --key k.pub --bundle sbom.bundle --subject sbom.json --type cyclonedx
jq -S .predicate "$TMP/stdout" >predicate.json
jq -S . sbom.json >sbom.sorted.json
cmp -s predicate.json sbom.sorted.json || fail "the predicate is not the SBOM"
validate_cyclonedx predicate.json
echo "ok"
