#!/usr/bin/env bash
# bench/attest.sh [VIGIL] — attesting and verifying a 50 MB SBOM against
# `sha256sum` of the same file (the goal: within 1.3x, hashing-bound).
# Cases, for both key types (ECDSA P-256 and Ed25519):
#  - subject:   the SBOM is the subject, the predicate is small;
#  - predicate: the SBOM is the predicate (as `vigil attest --type cyclonedx
#    --predicate sbom.json` and `vigil sbom --attest` make it) and also the
#    subject, so the statement, its base64 and the signed PAE are ~50 MB.
# Needs hyperfine (apt-get install hyperfine) and python3.  Prints
# hyperfine's tables; with EXPORT=DIR also writes DIR/attest-*.md.
# Results: bench/README.md, section "Attestations".
set -euo pipefail
VIGIL=$(realpath "${1:-${VIGIL:-build/vigil}}")
RUNS=${RUNS:-15}
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
for t in ed25519 ecdsa-p256; do
    "$VIGIL" key generate --no-passphrase --type $t $t 2>/dev/null
    "$VIGIL" attest --key $t.key --type cyclonedx --predicate small.json --subject sbom.json -o subject-$t.bundle
    "$VIGIL" attest --key $t.key --type cyclonedx --predicate sbom.json --subject sbom.json -o predicate-$t.bundle
done
ls -l predicate-*.bundle
cat sbom.json predicate-*.bundle > /dev/null # warm the page cache
export_opt() { [ -n "${EXPORT:-}" ] && echo "--export-markdown=$EXPORT/attest-$1.md" || true; }
for case in subject predicate; do
    predicate=$([ $case = subject ] && echo small.json || echo sbom.json)
    # shellcheck disable=SC2046
    hyperfine -N --warmup 3 --runs "$RUNS" $(export_opt $case) \
        "sha256sum sbom.json" \
        "$VIGIL attest --key ecdsa-p256.key --type cyclonedx --predicate $predicate --subject sbom.json" \
        "$VIGIL verify --key ecdsa-p256.pub --bundle $case-ecdsa-p256.bundle --subject sbom.json --type cyclonedx" \
        "$VIGIL attest --key ed25519.key --type cyclonedx --predicate $predicate --subject sbom.json" \
        "$VIGIL verify --key ed25519.pub --bundle $case-ed25519.bundle --subject sbom.json --type cyclonedx"
done
