#!/usr/bin/env bash
# bench/policy/engine.sh [BUILD] — issue 10's policy benchmark: 300 rules
# over a 5 000-component SBOM, 20 000 findings and 50 other documents
# (bench/policy/gen_engine.py says what the rules do), `vigil policy eval`
# timed with hyperfine at -j 1 and -j 2, its peak memory from GNU time,
# and the same evidence with no rules but one, to show what reading the
# evidence costs alone.  Results: bench/README.md, section "Policy engine".
# Not a test: nothing is asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$here/build}
RUNS=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
vigil=$BUILD/vigil
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$here/bench/policy/gen_engine.py" "$work"
ev=(--evidence "sbom=$work/sbom.cdx.json" --evidence "scan=$work/scan.json")
for h in "$work"/hosts/*.json; do ev+=(--evidence "host=$h"); done
echo "rules: $(ls "$work/pack" | wc -l), evidence: $(du -sh "$work/sbom.cdx.json" "$work/scan.json" | tr '\n' ' ')"
mkdir "$work/one" && cp "$work/pack/walk-kev.lua" "$work/one/"
echo "load: $(uptime | sed 's/.*load average/load average/')"
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-markdown "$work/engine.md" \
    -n "300 rules -j 1" "$vigil policy eval --now 2026-12-01T00:00:00Z -o json=/dev/null --pack $work/pack -j 1 ${ev[*]}" \
    -n "300 rules -j 2" "$vigil policy eval --now 2026-12-01T00:00:00Z -o json=/dev/null --pack $work/pack -j 2 ${ev[*]}" \
    -n "1 rule (reading the evidence)" "$vigil policy eval --now 2026-12-01T00:00:00Z -o json=/dev/null --pack $work/one ${ev[*]}" \
    >/dev/null 2>&1
cat "$work/engine.md"
for j in 1 2; do
    /usr/bin/time -f "-j $j: %e s wall, %U s user, %M KB peak" \
        "$vigil" policy eval --now 2026-12-01T00:00:00Z -o json="$work/r$j.json" --pack "$work/pack" -j "$j" "${ev[@]}" || true
done
jq -c .summary "$work/r1.json"
