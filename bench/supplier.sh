#!/bin/bash
# bench/supplier.sh — issue 14's target: `vigil supplier risk` scoring
# 1 000 suppliers over the store of bench/store (PRODUCTS x VERSIONS
# snapshots of COMPONENTS components: 100 x 100 x 500 = 5 M
# snapshot-components, bench/store/gen.py), on SQLite.
#
# The fleet is generated and imported as bench/store/run.sh does (about
# 80 s), unless WORK names a directory that already holds it (kept: run
# again with the same WORK to time only).  The register gives SUPPLIERS
# suppliers rules that attribute the fleet's packages: each distinct
# versionless purl of the store (component.package) goes, in byte order,
# to supplier i mod SUPPLIERS as a purl rule "PACKAGE@*", every tenth one
# as a name rule instead; every fifth supplier delivers the SBOM of a
# product (sbom_assets) and has a contract, the others none.  Then
# hyperfine times (median of RUNS runs, one warm-up):
#   risk         vigil supplier risk -o json (the evidence document)
#   risk table   vigil supplier risk (the table)
#   components   vigil supplier risk --components -o json
#   unmapped     vigil supplier unmapped -o json
# with the load average before; the machine is shared: re-run when quiet.
#
#   bench/supplier.sh                          # the issue's sizes
#   PRODUCTS=10 VERSIONS=10 bench/supplier.sh  # a quick try
#
# Environment: VIGIL (default build/vigil), VIGIL_SHARED (../shared),
# PRODUCTS (100), VERSIONS (100), COMPONENTS (500), SUPPLIERS (1000), RUNS
# (10), WORK=DIR (kept), KEEP=1 keeps a temporary one.  Needs python3,
# sqlite3, jq, hyperfine (else /usr/bin/time, one run each).  Not a test:
# nothing is asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=$(realpath "${VIGIL:-$here/build/vigil}")
SHARED=${VIGIL_SHARED:-$here/../shared}
PRODUCTS=${PRODUCTS:-100}
VERSIONS=${VERSIONS:-100}
COMPONENTS=${COMPONENTS:-500}
SUPPLIERS=${SUPPLIERS:-1000}
RUNS=${RUNS:-10}
for tool in python3 sqlite3 jq; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
if [ -n "${WORK:-}" ]; then
    mkdir -p "$WORK"
    W=$(realpath "$WORK")
    KEEP=1
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-supplier-bench.XXXXXX")
fi
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi; }
trap cleanup EXIT
S=sqlite:$W/store.sqlite
load() { echo "load: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; $(nproc) cores) — $*"; }

echo "# Supplier risk benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "vigil: $("$VIGIL" --version 2>&1 | sed -n 1p); sizes: $PRODUCTS products x $VERSIONS versions x $COMPONENTS" \
    "components, $SUPPLIERS suppliers"
if [ ! -s "$W/store.sqlite" ]; then
    load "building the store"
    python3 "$here/bench/store/gen.py" "$W/fleet" --products "$PRODUCTS" --versions "$VERSIONS" --components "$COMPONENTS"
    "$VIGIL" db build --from "$SHARED/vulndata" --db "$W/db.sqlite" >/dev/null 2>&1 || true
    [ -s "$W/db.sqlite" ] || { echo "bench: db build failed" >&2; exit 1; }
    start=$(date +%s)
    "$VIGIL" inventory import --db "$W/db.sqlite" --store "$S" -q --allow-unchecked "$W/fleet/manifest.ndjson" >/dev/null
    echo "store built in $(($(date +%s) - start)) s"
fi
echo "store: $(sqlite3 "$W/store.sqlite" "SELECT (SELECT count(*) FROM snapshot) || ' snapshots, ' ||
    (SELECT sum(components) FROM snapshot) || ' snapshot-components, ' || (SELECT count(*) FROM component) ||
    ' distinct components, ' || (SELECT count(*) FROM component_span) || ' component spans, ' ||
    (SELECT count(*) FROM finding_span) || ' finding spans'")"

if [ "$(sqlite3 "$W/store.sqlite" "SELECT count(*) FROM supplier")" != "$SUPPLIERS" ]; then
    sqlite3 "$W/store.sqlite" "SELECT DISTINCT package, name FROM component ORDER BY package" >"$W/packages.txt"
    sqlite3 "$W/store.sqlite" "SELECT name FROM asset ORDER BY name" >"$W/assets.txt"
    python3 - "$W/packages.txt" "$W/assets.txt" "$SUPPLIERS" >"$W/register.json" <<'PY'
import json, sys
packages = [l.rstrip("\n").split("|", 1) for l in open(sys.argv[1]) if l.strip()]
assets = [l.strip() for l in open(sys.argv[2]) if l.strip()]
n = int(sys.argv[3])
levels = ["low", "medium", "high", "critical"]
suppliers = [{"name": f"Supplier {i:04d}", "supplies": "software", "criticality": levels[i % 4], "rules": []}
             for i in range(n)]
for k, (package, name) in enumerate(packages):
    rule = {"name": name} if k % 10 == 9 else {"purl": f"{package}@*"} if package.startswith("pkg:") else {"name": name}
    suppliers[k % n]["rules"].append(rule)
for i, s in enumerate(suppliers):
    if i % 5 == 0:
        s["sbom_assets"] = [assets[i // 5 % len(assets)]]
        s["contract"] = {"incident_notification_hours": 24, "vulnerability_disclosure": True, "fix_days": 30}
        s["assessment"] = {"date": "2026-06-01", "result": "pass", "next_due": "2027-06-01"}
    if not s["rules"]:
        del s["rules"]
print(json.dumps({"suppliers": suppliers}))
PY
    "$VIGIL" supplier import "$W/register.json" --store "$S" --replace >/dev/null
fi
echo "register: $(jq '.suppliers | length' "$W/register.json") suppliers," \
    "$(jq '[.suppliers[].rules // [] | length] | add' "$W/register.json") rules"
"$VIGIL" supplier risk --store "$S" --at 2027-01-15 -o json="$W/risk.json" || true
echo "document: $(stat -c %s "$W/risk.json") bytes, $(jq '.unmapped' "$W/risk.json") unmapped components," \
    "$(jq '[.suppliers[] | select(.components > 0)] | length' "$W/risk.json") suppliers with components"

risk=("$VIGIL" supplier risk --store "$S" --at 2027-01-15)
load "timing"
if command -v hyperfine >/dev/null; then
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-markdown "$W/h.md" \
        -n risk "${risk[*]} -o json=/dev/null" \
        -n "risk table" "${risk[*]} -o table=/dev/null" \
        -n components "${risk[*]} --components -o json=/dev/null" \
        -n unmapped "$VIGIL supplier unmapped --store $S -o json=/dev/null" >/dev/null
    cat "$W/h.md"
else
    for args in "-o json=/dev/null" "-o table=/dev/null" "--components -o json=/dev/null"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "risk $args: %e s, %M KiB" "${risk[@]}" $args || true
    done
fi
