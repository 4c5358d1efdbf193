#!/usr/bin/env bash
# bench/json/run.sh [BUILD] — how fast vg_json_parse (src/core/json.c)
# reads large evidence documents into jansson values, and vg_jtree_parse
# into the policy engine's read-only tree, against jansson's json_loadb
# (issue 10: the policy engine reads a 20 000-finding scan, a 5 000-component
# SBOM and 50 other documents in < 300 ms).  Builds vigil
# and bench_json (bench/json/bench_json.c) in BUILD (default build/), then
# makes two documents:
#   - a vigil scan report of 20 000 findings: `vigil scan -o json` of a
#     Debian 11 root filesystem whose packages are the source packages of
#     ../shared's Debian tracker lists at a version below every fix (as
#     bench/scan.sh does), against the database built from ../shared/vulndata;
#     its findings repeated (jq) up to 20 000, written as vigil writes it;
#   - a real CycloneDX SBOM: `vigil sbom` of TARGET (default /, this
#     machine: some 4 000 components).
# Checks that both parsers give the same values, then parses each document
# RUNS times (default 9) with each parser, one parse per process,
# alternating, and prints the medians: user CPU time (the machine is
# shared: user time moves least with its load), MB/s over that user time,
# system time (page faults of fresh memory) and time on the clock.
# Results: bench/README.md, section "JSON parsing".  Not a test: nothing is
# asserted but the agreement of the two parsers.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$here/build}
RUNS=${RUNS:-9}
TARGET=${TARGET:-/}
FINDINGS=20000
shared=${VIGIL_SHARED:-$here/../shared}
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)" >&2; exit 77; }
[ -d "$shared/vulndata" ] || { echo "$shared/vulndata not found" >&2; exit 77; }
cmake --build "$BUILD" --target vigil-cli bench_json -j2 >/dev/null
vigil=$BUILD/vigil
bench=$BUILD/bench_json
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-json.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The scan report.
"$vigil" db build --from "$shared/vulndata" --db "$work/db.sqlite" >/dev/null
mkdir -p "$work/root/var/lib/dpkg" "$work/root/etc"
printf 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$work/root/etc/os-release"
grep -h '^\s*\[bullseye\] - ' "$shared"/vulndata/debian-security-tracker/*/list | awk '{print $3}' | sort -u |
    while read -r name; do
        printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0~bench-1\n\n' "$name"
    done >"$work/root/var/lib/dpkg/status"
SOURCE_DATE_EPOCH=1767225600 "$vigil" scan --db "$work/db.sqlite" -q -o json="$work/scan-real.json" "$work/root"
# jq writes with two spaces of indentation, as vigil does.
jq --argjson n "$FINDINGS" '.findings as $f | .findings = ([range(($n + ($f | length) - 1) / ($f | length) | floor)]
    | map($f) | add | .[:$n]) | .summary.findings = (.findings | length)' "$work/scan-real.json" >"$work/scan.json"

# The SBOM; exit status 3 (incomplete: files it could not read) is fine.
"$vigil" sbom -q "$TARGET" -o cyclonedx-json="$work/sbom.json" || [ $? = 3 ]

declare -A user
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "$(uptime | sed 's/.*load average/load average/'), $RUNS runs each, medians"
echo
echo "| document | size | parser | user CPU | MB/s (user) | system | clock | jansson / it (user) |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for doc in scan sbom; do
    file=$work/$doc.json
    "$bench" "$file" check >/dev/null || { echo "bench_json: the parsers disagree on $file" >&2; exit 1; }
    case $doc in
    scan) what="vigil scan report, $(jq '.findings | length' "$file") findings" ;;
    sbom) what="CycloneDX SBOM of $TARGET, $(jq '.components | length' "$file") components" ;;
    esac
    for ((i = 0; i < RUNS; i++)); do
        "$bench" "$file" jansson
        "$bench" "$file" vigil
        "$bench" "$file" tree
    done >"$work/$doc.times"
    bytes=$(awk 'NR == 1 {print $2}' "$work/$doc.times")
    for parser in jansson vigil tree; do
        user[$parser]=$(awk -v p=$parser '$1 == p {print $3}' "$work/$doc.times" | median)
        sys=$(awk -v p=$parser '$1 == p {print $4}' "$work/$doc.times" | median)
        clock=$(awk -v p=$parser '$1 == p {print $5}' "$work/$doc.times" | median)
        ratio=$([ $parser != jansson ] && awk -v a="${user[jansson]}" -v b="${user[$parser]}" 'BEGIN {printf "%.1fx", a / b}' || true)
        awk -v w="$what" -v b="$bytes" -v p=$parser -v u="${user[$parser]}" -v s="$sys" -v c="$clock" -v r="$ratio" \
            'BEGIN {printf "| %s | %.1f MB | %s | %.0f ms | %.0f | %.0f ms | %.0f ms | %s |\n", w, b / 1e6, p, u, b / 1e6 / (u / 1e3), s, c, r}'
    done
done

# Time moves with the machine's load; the instructions of the parse alone
# (callgrind, collected inside bench_json's parse()) do not.
if command -v valgrind >/dev/null; then
    echo
    echo "| document | jansson, instructions | vigil, instructions | tree, instructions | jansson / vigil | jansson / tree |"
    echo "|---|---:|---:|---:|---:|---:|"
    for doc in scan sbom; do
        file=$work/$doc.json
        declare -A count
        for parser in jansson vigil tree; do
            fn=$([ $parser = tree ] && echo vg_jtree_parse || echo parse)
            count[$parser]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=$fn \
                "$bench" "$file" $parser 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
        done
        awk -v d=$doc -v j="${count[jansson]}" -v v="${count[vigil]}" -v t="${count[tree]}" \
            'BEGIN {printf "| %s | %.0f M | %.0f M | %.0f M | %.1fx | %.1fx |\n", d, j / 1e6, v / 1e6, t / 1e6, j / v, j / t}'
    done
fi
