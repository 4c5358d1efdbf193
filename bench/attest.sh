#!/usr/bin/env bash
# bench/attest.sh [VIGIL] — attesting and verifying a 50 MB SBOM against
# `sha256sum` of the same file (the goal: within 1.3x, hashing-bound).
# Cases: the SBOM as the subject (small predicate), and the SBOM as the
# predicate (embedded in the statement, so base64 + signature over 67 MB).
# Needs hyperfine (apt-get install hyperfine).  Prints hyperfine's tables.
set -euo pipefail
VIGIL=${1:-${VIGIL:-build/vigil}}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# A 50 MB CycloneDX-shaped JSON document (deterministic content).
python3 - <<'PY'
import json
comps = [{"type": "library", "name": f"pkg-{i}", "version": f"1.{i % 97}.{i % 13}",
          "purl": f"pkg:npm/pkg-{i}@1.{i % 97}.{i % 13}", "bom-ref": f"ref-{i:08d}",
          "description": "x" * 120} for i in range(175000)]
with open("sbom.json", "w") as f:
    json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}, f)
PY
ls -l sbom.json
echo '{"note":"small predicate"}' > small.json
unset VIGIL_PASSWORD
for t in ed25519 ecdsa-p256; do "$VIGIL" key generate --no-passphrase --type $t $t 2>/dev/null; done
"$VIGIL" attest --key ecdsa-p256.key --type cyclonedx --predicate small.json --subject sbom.json -o subject.bundle
"$VIGIL" attest --key ecdsa-p256.key --type cyclonedx --predicate sbom.json --subject sbom.json -o predicate.bundle
cat sbom.json > /dev/null # warm the page cache
hyperfine -N --warmup 3 --runs 15 \
    "sha256sum sbom.json" \
    "$VIGIL attest --key ed25519.key --type cyclonedx --predicate small.json --subject sbom.json" \
    "$VIGIL attest --key ecdsa-p256.key --type cyclonedx --predicate small.json --subject sbom.json" \
    "$VIGIL verify --key ecdsa-p256.pub --bundle subject.bundle --subject sbom.json"
hyperfine -N --warmup 2 --runs 10 \
    "sha256sum sbom.json" \
    "$VIGIL attest --key ecdsa-p256.key --type cyclonedx --predicate sbom.json --subject sbom.json" \
    "$VIGIL attest --key ed25519.key --type cyclonedx --predicate sbom.json --subject sbom.json" \
    "$VIGIL verify --key ecdsa-p256.pub --bundle predicate.bundle --subject sbom.json"
