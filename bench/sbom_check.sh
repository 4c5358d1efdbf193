#!/usr/bin/env bash
# bench/sbom_check.sh [VIGIL] — `vigil sbom check` of a CycloneDX 1.6 SBOM
# of 10 000 components (the goal: < 200 ms), every component carrying what
# the rows judge (supplier with a URL, version, purl, CPE, SHA-512,
# licence expression, BSI properties, a dependency), so that every row
# does its full work.  With SCHEMAS=DIR also with --schemas DIR.
# Needs hyperfine (apt-get install hyperfine) and python3.
set -euo pipefail
VIGIL=$(realpath "${1:-${VIGIL:-build/vigil}}")
RUNS=${RUNS:-30}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 - <<'PY'
import json
n = 10000
ref = lambda i: f"pkg:npm/pkg{i}@1.{i}.0"
comps = [{"type": "library", "bom-ref": ref(i), "name": f"pkg{i}", "version": f"1.{i}.0", "purl": ref(i),
          "supplier": {"name": "Example", "url": ["https://example.test"]},
          "hashes": [{"alg": "SHA-512", "content": "a" * 128}],
          "licenses": [{"expression": "MIT OR Apache-2.0"}],
          "cpe": f"cpe:2.3:a:example:pkg{i}:1.{i}.0:*:*:*:*:*:*:*",
          "properties": [{"name": "bsi:component:filename", "value": f"pkg{i}.tgz"}]} for i in range(n)]
deps = [{"ref": "root", "dependsOn": [ref(i) for i in range(100)]}]
deps += [{"ref": ref(i), "dependsOn": [ref((i * 7 + 1) % n)]} for i in range(n)]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6",
           "metadata": {"timestamp": "2024-01-01T00:00:00Z",
                        "component": {"type": "application", "bom-ref": "root", "name": "root", "version": "1"}},
           "components": comps, "dependencies": deps}, open("sbom.json", "w"))
PY
ls -l sbom.json
# -i: without --schemas the schema row is not checked, so the exit status is 3
cmds=("$VIGIL sbom check -o json=/dev/null sbom.json" "$VIGIL sbom check -o table=/dev/null sbom.json")
[ -n "${SCHEMAS:-}" ] && cmds+=("$VIGIL sbom check --schemas $SCHEMAS -o json=/dev/null sbom.json")
hyperfine -N -i --warmup 3 --runs "$RUNS" "${cmds[@]}"
