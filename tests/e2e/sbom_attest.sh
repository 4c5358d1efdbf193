#!/bin/bash
# vigil sbom --attest: the SBOM and its signed attestation in one run, the
# archive's digest as the subject; checked with vigil verify, sha256sum and
# the official schema, and refused where there is no digest to attest.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_cmd python3
tarball=$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz

VIGIL_PASSWORD= expect_status 0 "$VIGIL" key generate --type ecdsa-p256 "$TMP/signer"
expect_status 0 "$VIGIL" sbom "$tarball" -o cyclonedx-json="$TMP/sbom.cdx.json" \
    -o spdx-json="$TMP/sbom.spdx.json" -o table="$TMP/table.txt" --attest "$TMP/signer.key"
[ -s "$TMP/sbom.cdx.json.sigstore.json" ] || fail "no CycloneDX attestation written"
[ -s "$TMP/sbom.spdx.json.sigstore.json" ] || fail "no SPDX attestation written"
[ ! -e "$TMP/table.txt.sigstore.json" ] || fail "a table is not a predicate"

for kind in cdx:cyclonedx spdx:spdx; do
    ext=${kind%%:*} type=${kind#*:}
    expect_status 0 "$VIGIL" verify --key "$TMP/signer.pub" --bundle "$TMP/sbom.$ext.json.sigstore.json" \
        --subject "$tarball" --type "$type"
    # The statement names the archive by its sha256 and carries the document as written.
    python3 - "$TMP/stdout" "$TMP/sbom.$ext.json" "$(sha256sum "$tarball" | cut -d' ' -f1)" <<'PY' || fail "statement of $ext"
import json, sys
st = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
assert st["_type"] == "https://in-toto.io/Statement/v1", st["_type"]
assert [s["digest"]["sha256"] for s in st["subject"]] == [sys.argv[3]], st["subject"]
assert st["predicate"] == doc, "predicate differs from the document written"
PY
done
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["predicate"], open(sys.argv[2], "w"))' \
    "$TMP/stdout" "$TMP/predicate.spdx.json"
validate_spdx "$TMP/predicate.spdx.json"

# Another file as subject does not verify.
expect_status 4 "$VIGIL" verify --key "$TMP/signer.pub" --bundle "$TMP/sbom.cdx.json.sigstore.json" \
    --subject "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"

# A directory has no digest; a document on stdout has no place for its bundle.
mkdir "$TMP/root"
tar xzf "$tarball" -C "$TMP/root"
expect_status 1 "$VIGIL" sbom "$TMP/root" -o cyclonedx-json="$TMP/dir.json" --attest "$TMP/signer.key"
expect_stderr "no sha256 digest"
[ ! -e "$TMP/dir.json" ] || fail "an SBOM was written although the attestation failed"
expect_status 2 "$VIGIL" sbom "$tarball" --attest "$TMP/signer.key"
expect_stderr "write the cyclonedx-json document to a file"
# A missing key fails before the scan.
expect_status 1 "$VIGIL" sbom "$tarball" -o cyclonedx-json="$TMP/x.json" --attest "$TMP/none.key"
[ ! -e "$TMP/x.json" ] || fail "output written without a key"
echo "sbom --attest: ok"
