#!/bin/bash
# bench/store/profile.sh — where the instructions of an ingest go: callgrind
# (valgrind) of `vigil inventory import` of 40 snapshots in the steady state
# (20 products whose first version is already stored, each adding its next
# two), against the database built from ../shared/vulndata; prints the
# inclusive share of the stages (SBOM reading, matching, storing) and of the
# store's own functions.  SQLite by default; STORE=postgresql://... to
# profile the PostgreSQL back end's client side (an empty database).
#
#   bench/store/profile.sh [VIGIL]
#
# Needs valgrind and python3.  Not a test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=$(realpath "${1:-${VIGIL:-$here/build/vigil}}")
SHARED=${VIGIL_SHARED:-$here/../shared}
command -v valgrind >/dev/null || { echo "profile: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-store-profile.XXXXXX")
trap 'rm -rf "$W"' EXIT
"$VIGIL" db build --from "$SHARED/vulndata" --db "$W/db.sqlite" >/dev/null 2>&1 || true
python3 "$here/bench/store/gen.py" "$W/g" --products 20 --versions 3
head -n 20 "$W/g/manifest.ndjson" >"$W/g/first.ndjson"
tail -n 40 "$W/g/manifest.ndjson" >"$W/g/next.ndjson"
store=${STORE:-sqlite:$W/store.sqlite}
"$VIGIL" inventory import --db "$W/db.sqlite" --store "$store" -q --allow-unchecked "$W/g/first.ndjson" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$VIGIL" inventory import --db "$W/db.sqlite" \
    --store "$store" -q --allow-unchecked "$W/g/next.ndjson" >/dev/null 2>"$W/valgrind.txt"
grep "I *refs" "$W/valgrind.txt"
callgrind_annotate --inclusive=yes "$W/cg.out" 2>/dev/null | python3 -c '
import re, sys
seen = set()
for line in sys.stdin:  # "N (P%)  FILE:FUNCTION [OBJECT]", some functions twice (two spellings of FILE)
    m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+):(\S+) \[", line)
    if not m or m.group(4) in seen:
        continue
    f, func = m.group(3), m.group(4)
    if "src/store/" in f or func in ("inventory_store_sbom", "vg_sbom_read", "vg_match", "vg_vulndb_affected"):
        seen.add(func)
        print("%6s%%  %-32s %s" % (m.group(2), func, f.split("/src/")[-1] if "/src/" in f else f))
' | head -25
