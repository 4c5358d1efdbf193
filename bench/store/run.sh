#!/bin/bash
# bench/store/run.sh — the store benchmarks of issue 9, on SQLite and on
# PostgreSQL 15 (a server started here, in the work directory, on a free
# loopback port, and stopped at the end):
#
#   ingest    `vigil inventory import` of PRODUCTS x VERSIONS snapshots of
#             COMPONENTS components (bench/store/gen.py: real package names,
#             ~2 % change between versions), into a new store: wall time,
#             components/s, peak memory; once for the first 1 000 lines and
#             once for all of them, so that memory can be compared.
#   sizing    the store after each: bytes per snapshot, per distinct
#             component, per component_span and finding_span row (what
#             the snapshots hold, docs/store.md "Spans"), per stored document.
#   queries   `inventory show` and `list` on the full store (hyperfine);
#             `inventory affected` (median over many ids and purls) and
#             `inventory diff` of two 5 000-component snapshots when this
#             vigil has them; otherwise the slot says so.
#   rescan    `inventory rescan` of RESCAN_ASSETS assets x COMPONENTS, one
#             process, when this vigil has it.
#
# Every figure goes to standard output as Markdown, with the load average
# (`uptime`) before each part: the machine is shared, re-run when it is quiet.
#
#   bench/store/run.sh                      # the issue's sizes (about 40 min)
#   PRODUCTS=10 VERSIONS=10 bench/store/run.sh     # a quick try
#
# Environment: VIGIL (default build/vigil), VIGIL_SHARED (../shared),
# PRODUCTS (100), VERSIONS (100), COMPONENTS (500), RESCAN_ASSETS (1000),
# DIFF_COMPONENTS (5000), BACKENDS ("sqlite postgresql"), PARTS ("ingest
# queries rescan"; queries need ingest's stores), PG_BIN
# (/usr/lib/postgresql/15/bin), KEEP=1 keeps the work directory, WORK=DIR
# works in DIR (kept; e.g. to run PARTS=queries again on a kept one).
# Needs: python3, hyperfine, GNU time (/usr/bin/time), sqlite3, jq; psql
# and PostgreSQL 15 for the PostgreSQL half.  Not a test: nothing is asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=$(realpath "${VIGIL:-$here/build/vigil}")
SHARED=${VIGIL_SHARED:-$here/../shared}
PRODUCTS=${PRODUCTS:-100}
VERSIONS=${VERSIONS:-100}
COMPONENTS=${COMPONENTS:-500}
RESCAN_ASSETS=${RESCAN_ASSETS:-1000}
DIFF_COMPONENTS=${DIFF_COMPONENTS:-5000}
BACKENDS=${BACKENDS:-sqlite postgresql}
PARTS=${PARTS:-ingest queries rescan}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in python3 hyperfine /usr/bin/time sqlite3 jq; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time sqlite3 jq)" >&2; exit 1; }
done
case " $BACKENDS " in *" postgresql "*)
    [ -x "$PG_BIN/initdb" ] && command -v psql >/dev/null ||
        { echo "bench: PostgreSQL 15 is missing ($PG_BIN/initdb, psql): BACKENDS=sqlite to leave it out" >&2; exit 1; } ;;
esac

if [ -n "${WORK:-}" ]; then
    mkdir -p "$WORK"
    W=$(realpath "$WORK")
    KEEP=1
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-store-bench.XXXXXX")
fi
pg_started=0
cleanup() {
    if [ "$pg_started" = 1 ]; then pg_as "$PG_BIN/pg_ctl" -D "$W/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT

load() { echo; echo "load: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; $(nproc) cores) — $*"; echo; }
# measure OUT CMD...: runs CMD under /usr/bin/time -v (its standard output
# to OUT); prints "WALL_SECONDS MAX_RSS_KIB"; stops the benchmark if CMD fails.
measure() {
    local out=$1
    shift
    if ! /usr/bin/time -v "$@" >"$out" 2>"$W/time.txt"; then
        cat "$W/time.txt" >&2
        echo "bench: failed: $*" >&2
        exit 1
    fi
    python3 - "$W/time.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)
print(f"{secs:.2f} {rss}")
PY
}
has_command() { "$VIGIL" inventory --help | grep -q "vigil inventory $1"; }

# ---- PostgreSQL: a server of our own in $W, on a free loopback port ------
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
    if [ ! -d "$W/pg/data" ]; then
        mkdir -p "$W/pg"
        if [ "$(id -u)" = 0 ]; then chmod 711 "$W"; chown postgres "$W/pg"; fi
        pg_as "$PG_BIN/initdb" -D "$W/pg/data" -A trust -U vigil -E UTF8 --locale=C >"$W/pg/initdb.log" 2>&1
    fi
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as "$PG_BIN/pg_ctl" -D "$W/pg/data" -o "-k $W/pg -p $PG_PORT -c listen_addresses=127.0.0.1" \
        -l "$W/pg/log" -w start >/dev/null
    pg_started=1
}
pg_url() { echo "postgresql://vigil@127.0.0.1:$PG_PORT/$1"; }
psql_q() { psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U vigil -d "$1" -c "$2"; }

# store_url BACKEND NAME: a new, empty store.
store_url() {
    if [ "$1" = sqlite ]; then
        rm -f "$W/$2.sqlite"*
        echo "sqlite:$W/$2.sqlite"
    else
        pg_as "$PG_BIN/dropdb" --if-exists -h 127.0.0.1 -p "$PG_PORT" -U vigil "$2" 2>/dev/null
        pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U vigil "$2"
        pg_url "$2"
    fi
}

# sql BACKEND NAME QUERY: one value.
sql() { if [ "$1" = sqlite ]; then sqlite3 "$W/$2.sqlite" "$3"; else psql_q "$2" "$3"; fi; }

# sizing BACKEND NAME LABEL: the store's size, per table, as a Markdown row.
sizing() {
    local b=$1 n=$2 total tables
    if [ "$b" = sqlite ]; then
        sqlite3 "$W/$n.sqlite" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
        total=$(stat -c %s "$W/$n.sqlite")
        # every b-tree's pages, indexes counted with their table
        tables=$(sqlite3 -separator ' ' "$W/$n.sqlite" "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d
            JOIN sqlite_schema m ON m.name = d.name GROUP BY m.tbl_name")
    else
        psql_q "$n" "VACUUM ANALYZE" >/dev/null
        total=$(psql_q "$n" "SELECT pg_database_size(current_database())")
        tables=$(psql_q "$n" "SELECT relname || ' ' || pg_total_relation_size(oid) FROM pg_class
            WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
    fi
    local counts
    counts=$(for t in snapshot component component_span finding_span document; do
        echo "$t $(sql "$b" "$n" "SELECT count(*) FROM $t")"; done)
    python3 - "$b" "$3" "$total" "$tables" "$counts" <<'PY'
import sys
b, label, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = {l.split()[0]: int(l.split()[1]) for l in sys.argv[4].splitlines() if l.strip()}
n = {l.split()[0]: int(l.split()[1]) for l in sys.argv[5].splitlines() if l.strip()}
per = lambda t, d: "%.0f" % (size.get(t, 0) / max(n[d], 1))
print(f"| {b} | {label} | {n['snapshot']} | {total / 1e6:.1f} MB | {total / n['snapshot'] / 1024:.1f} KiB | "
      f"{n['component']} | {per('component', 'component')} | {n['component_span']} | "
      f"{per('component_span', 'component_span')} | {n['finding_span']} | "
      f"{per('finding_span', 'finding_span')} | {per('document', 'document')} |")
PY
}

# ingest BACKEND NAME MANIFEST LABEL: import into a new store; a Markdown row.
ingest() {
    local url r
    url=$(store_url "$1" "$2")
    r=$(measure "$W/$2.ndjson" "$VIGIL" inventory import --db "$W/db.sqlite" --store "$url" -q --allow-unchecked \
        -o json "$3")
    python3 - "$1" "$4" "$W/$2.ndjson" $r <<'PY'
import json, sys
b, label, out, wall, rss = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
rows = [json.loads(l) for l in open(out)]
comps = sum(r["components"] for r in rows)
finds = sum(len(r["new_findings"]) for r in rows)
print(f"| {b} | {label} | {len(rows)} | {comps} | {wall:.1f} s | {comps / wall:,.0f} | {len(rows) / wall:.1f} | "
      f"{rss / 1024:.0f} MB |")
PY
}

# hyperfine_ms CMD...: the median wall time (ms) of each command, one per line.
hyperfine_ms() {
    hyperfine -N --warmup 1 --runs "${RUNS:-10}" --export-json "$W/h.json" "$@" >/dev/null 2>&1
    jq -r '.results[] | .median * 1000' "$W/h.json"
}
median() {
    python3 -c 'import statistics, sys
v = [float(x) for x in sys.stdin.read().split()]
print("%.1f ms" % v[0] if len(v) == 1 else "%.1f ms (median of %d; max %.1f ms)" % (statistics.median(v), len(v), max(v)))'
}

# ---- the data --------------------------------------------------------------
echo "# Store benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "vigil: $("$VIGIL" --version 2>&1 | sed -n 1p) ($VIGIL); SQLite $(sqlite3 --version | cut -d' ' -f1);" \
    "PostgreSQL $("$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}')"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "sizes: $PRODUCTS products x $VERSIONS versions x $COMPONENTS components; rescan $RESCAN_ASSETS assets; diff of $DIFF_COMPONENTS components"
"$VIGIL" db build --from "$SHARED/vulndata" --db "$W/db.sqlite" >/dev/null 2>&1 || true
[ -s "$W/db.sqlite" ] || { echo "bench: db build failed" >&2; exit 1; }
case " $BACKENDS " in *" postgresql "*) pg_start ;; esac

# ---- ingest and sizing -------------------------------------------------------
part_ingest() {
    python3 "$here/bench/store/gen.py" "$W/fleet" --products "$PRODUCTS" --versions "$VERSIONS" --components "$COMPONENTS"
    python3 "$here/bench/store/gen.py" "$W/big" --products 1 --versions 2 --components "$DIFF_COMPONENTS" --prefix big
    head -n 1000 "$W/fleet/manifest.ndjson" >"$W/fleet/first1000.ndjson"
    local b url lines first
    lines=$(wc -l <"$W/fleet/manifest.ndjson")
    first=$(wc -l <"$W/fleet/first1000.ndjson")
    load "ingest"
    echo "| back end | lines | snapshots | components | wall | components/s | snapshots/s | peak memory |"
    echo "|---|---|---|---|---|---|---|---|"
    for b in $BACKENDS; do
        ingest "$b" "${b}_1k" "$W/fleet/first1000.ndjson" "first $first"
        ingest "$b" "${b}_all" "$W/fleet/manifest.ndjson" "all $lines"
    done
    load "sizing"
    echo "| back end | store | snapshots | size | per snapshot | distinct components | bytes each | component spans | bytes each | finding spans | bytes each | bytes per document |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for b in $BACKENDS; do
        sizing "$b" "${b}_1k" "$first snapshots"
        sizing "$b" "${b}_all" "$lines snapshots"
    done
    for b in $BACKENDS; do
        url=$([ "$b" = sqlite ] && echo "sqlite:$W/${b}_all.sqlite" || pg_url "${b}_all")
        "$VIGIL" inventory import --db "$W/db.sqlite" --store "$url" -q --allow-unchecked "$W/big/manifest.ndjson" >/dev/null
    done
}

# ---- the read commands on the full store -----------------------------------
part_queries() {
    local b
    for b in $BACKENDS; do queries "$b" "$([ "$b" = sqlite ] && echo "sqlite:$W/${b}_all.sqlite" || pg_url "${b}_all")"; done
}

queries() {
    local b=$1 url=$2 empty ids purls q
    load "queries, $b"
    [ "$b" = sqlite ] || pg_as "$PG_BIN/dropdb" --if-exists -h 127.0.0.1 -p "$PG_PORT" -U vigil "${b}_empty"
    empty=$(store_url "$b" "${b}_empty")
    "$VIGIL" store init --store "$empty" 2>/dev/null
    echo "- floor: \`vigil --version\`: $(hyperfine_ms "$VIGIL --version" | median); \`inventory list\` of an empty store: $(hyperfine_ms "$VIGIL inventory list --store $empty -o json" | median) (starting the process and opening the store, in every figure below)"
    echo "- \`inventory show product-001\` ($COMPONENTS components): $(hyperfine_ms "$VIGIL inventory show product-001 --store $url -o json" | median)"
    echo "- \`inventory list\` ($PRODUCTS assets): $(hyperfine_ms "$VIGIL inventory list --store $url -o json" | median)"
    if has_command affected; then
        # every 20th vulnerability id and 20th versionless purl of the store
        # (sorted the same way on both back ends: C collation)
        ids=$(sql "$b" "${b}_all" "SELECT DISTINCT vuln FROM finding ORDER BY vuln" | awk 'NR % 20 == 0 && ++n <= 50')
        purls=$(sql "$b" "${b}_all" "SELECT DISTINCT package FROM component ORDER BY package" | awk 'NR % 20 == 0 && ++n <= 50')
        local cmds=()
        for q in $ids $purls; do cmds+=("$VIGIL inventory affected $q --store $url -o json"); done
        echo "- \`inventory affected ID|PURL\`, median over ${#cmds[@]} ids and purls: $(RUNS=5 hyperfine_ms "${cmds[@]}" | median)"
    else
        echo "- \`inventory affected\`: not measured: this vigil has no \`inventory affected\` yet"
    fi
    if has_command diff; then
        echo "- \`inventory diff big-001 1 2\` ($DIFF_COMPONENTS components each): $(hyperfine_ms "$VIGIL inventory diff big-001 1 2 --store $url -o json" | median)"
    else
        echo "- \`inventory diff\`: not measured: this vigil has no \`inventory diff\` yet"
    fi
}

# ---- rescan ------------------------------------------------------------------
part_rescan() {
    python3 "$here/bench/store/gen.py" "$W/hosts" --products "$RESCAN_ASSETS" --versions 1 --components "$COMPONENTS" --prefix host
    local b url r1 r2
    for b in $BACKENDS; do
        load "rescan, $b"
        ingest "$b" "${b}_hosts" "$W/hosts/manifest.ndjson" "$RESCAN_ASSETS hosts" | sed 's/^/ingest of the hosts: /'
        url=$([ "$b" = sqlite ] && echo "sqlite:$W/${b}_hosts.sqlite" || pg_url "${b}_hosts")
        # (the same database as the ingest: every asset is matched again, nothing is new)
        set -- $(measure "$W/rescan.out" "$VIGIL" inventory rescan --db "$W/db.sqlite" --store "$url" -q \
            --allow-unchecked -o json)
        echo "- \`inventory rescan\` of $RESCAN_ASSETS assets x $COMPONENTS components, one process: $1 s, peak memory $(($2 / 1024)) MB"
        [ "$b" = postgresql ] || continue
        # the same rescan as jobs (rescan --enqueue), run by one worker, then
        # by two, twice each, after autovacuum's work of the ingest is done
        # (a first run during it took three times as long)
        psql_q "${b}_hosts" "VACUUM ANALYZE" >/dev/null
        local round
        for round in 1 2; do
            r1=$(workers "$url" 1)
            r2=$(workers "$url" 2)
            echo "- the same as rescan jobs (round $round): one \`vigil worker\`: $r1 s; two at once: $r2 s ($(python3 -c "print('%.2f' % ($r1 / $r2))")x)"
        done
    done
}

# workers URL N: queues a rescan job per asset, runs N workers until the
# queue is empty; prints the wall time from the first worker's start.
workers() {
    "$VIGIL" inventory rescan --enqueue --store "$1" -q >/dev/null
    local start pids=() i
    start=$(date +%s.%N)
    for ((i = 0; i < $2; i++)); do
        "$VIGIL" worker --store "$1" --db "$W/db.sqlite" --until-empty --id "bench-$i" 2>>"$W/worker.err" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || echo "bench: a worker exited $? (see $W/worker.err)" >&2; done
    python3 -c "import sys, time; print('%.1f' % (time.time() - float(sys.argv[1])))" "$start"
}

for part in $PARTS; do "part_$part"; done
load "end"
