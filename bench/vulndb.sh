#!/usr/bin/env bash
# bench/vulndb.sh [VIGIL] — `vigil db build --from` all of ../shared/vulndata
# (OSV Go, crates.io, PyPI, AlmaLinux; Alpine secdb v3.3..v3.11; Debian
# DSA/DLA/DTSA lists; KEV): wall time with hyperfine (goal: under 3 s), and
# peak memory (maximum resident set) with /usr/bin/time, once on all of the
# data and once on the Go folder alone, to show memory does not grow with
# the number of records.  Needs hyperfine and GNU time (apt-get install
# hyperfine time).
set -euo pipefail
VIGIL=${1:-${VIGIL:-build/vigil}}
VIGIL=$(realpath "$VIGIL")
SHARED=${VIGIL_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
V="$SHARED/vulndata"
[ -d "$V" ] || { echo "$V is absent" >&2; exit 77; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed (apt-get install time)" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat $(find "$V" -type f) >/dev/null # warm the page cache
hyperfine -N --warmup 1 --runs 10 \
    "$VIGIL db build --from $V --db $work/all.sqlite" \
    "$VIGIL db build --from $V/osv/Go --db $work/go.sqlite"
for input in "$V" "$V/osv/Go" "$V/kev"; do
    /usr/bin/time -f "%M KiB max RSS, %e s: db build --from $input" \
        "$VIGIL" db build --from "$input" --db "$work/m.sqlite" >/dev/null
done
"$VIGIL" db status --db "$work/all.sqlite" | tail -1
ls -l "$work/all.sqlite"
