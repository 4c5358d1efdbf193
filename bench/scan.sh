#!/bin/bash
# bench/scan.sh — how long `vigil scan` takes against the full database
# built from ../shared/vulndata, on a Debian root filesystem with N (default
# 1500) packages whose names are the source packages of the tracker lists
# (so that most of them have advisories) at version 0~bench-1 (below every
# fix: the worst case, every entry applies), and on the real fixtures.
# Prints the timings and the query plans of the matcher's lookups.
# Usage: bench/scan.sh [VIGIL] [N]   (not a test: no timing is asserted)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${1:-$here/build/vigil}
N=${2:-1500}
shared=${VIGIL_SHARED:-$here/../shared}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
/usr/bin/time -f "db build: %e s, %M KiB max RSS" "$VIGIL" db build --from "$shared/vulndata" --db "$T/db.sqlite" >/dev/null
mkdir -p "$T/root/var/lib/dpkg" "$T/root/etc"
printf 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$T/root/etc/os-release"
grep -h '^\s*\[bullseye\] - ' "$shared"/vulndata/debian-security-tracker/*/list | awk '{print $3}' |
    sort -u | head -n "$N" >"$T/names"
n=$(wc -l <"$T/names")
i=0
while read -r name; do
    i=$((i + 1))
    printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0~bench-1\n\n' "$name"
done <"$T/names" >"$T/root/var/lib/dpkg/status"
if [ "$n" -lt "$N" ]; then   # pad with packages that have no advisory
    for ((j = n; j < N; j++)); do
        printf 'Package: bench-pkg-%d\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n' "$j"
    done >>"$T/root/var/lib/dpkg/status"
fi
for run in 1 2 3; do
    /usr/bin/time -f "scan of $N packages ($n with bullseye entries): %e s, %M KiB max RSS" \
        "$VIGIL" scan --db "$T/db.sqlite" -q -o json="$T/out.json" "$T/root"
done
echo "findings: $(jq .summary.findings "$T/out.json")"
# The issue's case: an existing SBOM of those packages as the target.
"$VIGIL" sbom -q "$T/root" -o cyclonedx-json="$T/sbom.cdx.json"
echo "SBOM: $(jq '.components | length' "$T/sbom.cdx.json") components"
for run in 1 2 3; do
    /usr/bin/time -f "scan of the $N-package CycloneDX SBOM: %e s, %M KiB max RSS" \
        "$VIGIL" scan --db "$T/db.sqlite" -q -o json="$T/out-sbom.json" "$T/sbom.cdx.json"
done
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs 20 \
        "$VIGIL scan --db $T/db.sqlite -q -o json=$T/out-sbom.json $T/sbom.cdx.json" 2>/dev/null | grep -E "Time|Range"
fi
for f in alpine-minirootfs-3.10.9-x86_64.tar.gz debian-bookworm-minbase-pkgdb.tar.gz; do
    /usr/bin/time -f "scan of $f: %e s" "$VIGIL" scan --db "$T/db.sqlite" -q -o json="$T/fixture.json" "$shared/fixtures/rootfs/$f"
done
if command -v sqlite3 >/dev/null; then
    sqlite3 "$T/db.sqlite" "EXPLAIN QUERY PLAN SELECT f.aff, a.id FROM affected f JOIN advisory a ON a.adv = f.adv WHERE f.ecosystem = 'Debian:11' AND f.name_key = 'openssl' ORDER BY a.id, f.aff;"
    sqlite3 "$T/db.sqlite" "EXPLAIN QUERY PLAN SELECT alias FROM alias WHERE id = 'CVE-2022-0001' AND alias <> 'CVE-2022-0001';"
fi
