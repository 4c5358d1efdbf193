#!/usr/bin/env bash
# bench/incident/run.sh [BUILD] — the incident register against issue 12's
# targets ("`due` over 10 000 incidents < 50 ms; `verify` of a 100 000-event
# chain < 1 s").  For each back end:
#
#   fill     bench_incident (bench/incident/bench_incident.c) writes
#            INCIDENTS incidents x EVENTS events through the register's write
#            path into a new store: wall time, peak memory, the store's size;
#            once for each percentage in ABANDONED of incidents left open
#            with their reports overdue (45: the worst case; 3: a register
#            that is kept); the queries below run on each;
#   queries  hyperfine on `vigil incident due --now 2026-12-31T00:00:00Z -o json`
#            (every pending submission with a known date), `due --within 6h`
#            (the table, from now: the overdue ones and the next 6 hours) and
#            `verify` (which must say verified); then each once under
#            /usr/bin/time -v for its peak memory;
#   append   hyperfine on `vigil incident note` (one event each run) on the
#            filled store and on a store holding one incident: appending reads
#            only the one incident's events, so the two must be close (the
#            filled store: the last of ABANDONED).
#
# Prints Markdown with the load average before each part (the machine is
# shared: re-run when it is quiet).  Results: bench/README.md, section
# "Incident register".  Not a test: nothing is asserted but that verify
# verifies.
#
# Environment: INCIDENTS (10000), EVENTS (10), ABANDONED ("3 45"), RUNS
# (hyperfine runs, 20), BACKENDS ("sqlite"; add postgresql for a server
# started here, in the work directory, on a free loopback port; its fill
# takes minutes), PG_BIN (/usr/lib/postgresql/15/bin), KEEP=1 keeps the work
# directory.  Needs hyperfine, GNU time, sqlite3;
# psql and PostgreSQL 15 for the PostgreSQL half.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(realpath "${1:-$here/build}")
INCIDENTS=${INCIDENTS:-10000}
EVENTS=${EVENTS:-10}
ABANDONED=${ABANDONED:-3 45}
RUNS=${RUNS:-20}
BACKENDS=${BACKENDS:-sqlite}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in hyperfine /usr/bin/time sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time sqlite3)" >&2; exit 77; }
done
cmake --build "$BUILD" --target bench_incident vigil-cli -j2 >/dev/null
VIGIL=$BUILD/vigil
W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-incident-bench.XXXXXX")
pg_started=0
cleanup() {
    if [ "$pg_started" = 1 ]; then pg_as "$PG_BIN/pg_ctl" -D "$W/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
export VIGIL_ACTOR="bench@vigil"

load() { echo "load: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; $(nproc) cores) — $*"; echo; }
# peak OUT CMD...: runs CMD under /usr/bin/time -v, its output to OUT;
# prints "WALL_SECONDS PEAK_RSS_KIB".
peak() {
    local out=$1
    shift
    /usr/bin/time -v "$@" >"$out" 2>"$W/time.txt" || { cat "$W/time.txt" >&2; echo "bench: failed: $*" >&2; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
                /Maximum resident set size/ { rss = $2 } END { printf "%.2f %d\n", s, rss }' "$W/time.txt"
}
# table NAME CMD...: hyperfine's Markdown table of the commands.
table() {
    local name=$1
    shift
    hyperfine -N --warmup 2 --runs "$RUNS" --export-markdown "$W/$name.md" "$@" >/dev/null 2>&1 ||
        { echo "bench: hyperfine failed on $*" >&2; exit 1; }
    cat "$W/$name.md"
    echo
}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
    [ -x "$PG_BIN/initdb" ] && command -v psql >/dev/null ||
        { echo "bench: PostgreSQL 15 is missing ($PG_BIN/initdb, psql)" >&2; exit 1; }
    mkdir -p "$W/pg"
    if [ "$(id -u)" = 0 ]; then chmod 711 "$W"; chown postgres "$W/pg"; fi
    pg_as "$PG_BIN/initdb" -D "$W/pg/data" -A trust -U vigil -E UTF8 --locale=C >"$W/pg/initdb.log" 2>&1
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as "$PG_BIN/pg_ctl" -D "$W/pg/data" -o "-k $W/pg -p $PG_PORT -c listen_addresses=127.0.0.1" \
        -l "$W/pg/log" -w start >/dev/null
    pg_started=1
}
# store_url BACKEND NAME: a new, empty store.
store_url() {
    if [ "$1" = sqlite ]; then
        echo "sqlite:$W/$2.sqlite"
    else
        pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U vigil "$2"
        echo "postgresql://vigil@127.0.0.1:$PG_PORT/$2"
    fi
}
store_bytes() {
    if [ "$1" = sqlite ]; then
        stat -c %s "$W/$2.sqlite"
    else
        psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U vigil -d "$2" -c "SELECT pg_database_size(current_database())"
    fi
}

echo "## Incident register: $INCIDENTS incidents x $EVENTS events, $(date -u +%Y-%m-%d), $(git -C "$here" rev-parse --short HEAD)"
echo
for b in $BACKENDS; do
    [ "$b" = postgresql ] && pg_start
    echo "### $b"
    echo
    for abandoned in $ABANDONED; do
        url=$(store_url "$b" "register$abandoned")
        echo "#### $abandoned % of the incidents abandoned"
        echo
        load fill
        read -r wall rss < <(peak "$W/fill.txt" "$BUILD/bench_incident" "$url" "$INCIDENTS" "$EVENTS" "$abandoned")
        echo "fill: $(cat "$W/fill.txt"); wall $wall s, peak RSS $((rss / 1024)) MiB;" \
            "store $(($(store_bytes "$b" "register$abandoned") / 1024 / 1024)) MiB"
        echo
        "$VIGIL" incident verify --store "$url" | grep -q '^verified:' ||
            { echo "bench: verify did not verify" >&2; exit 1; }
        echo "rows: due --now 2026-12-31: $("$VIGIL" incident due --store "$url" --now 2026-12-31T00:00:00Z -o json |
            grep -c '"incident":'); due --within 6h: $(("$("$VIGIL" incident due --store "$url" --within 6h | wc -l)" - 1))"
        echo
        load queries
        table "$b-$abandoned-queries" \
            -n "due --now -o json" "$VIGIL incident due --store $url --now 2026-12-31T00:00:00Z -o json" \
            -n "due --within 6h" "$VIGIL incident due --store $url --within 6h" \
            -n "verify" "$VIGIL incident verify --store $url"
        echo "| peak RSS | due --now -o json | due --within 6h | verify |"
        echo "|---|---:|---:|---:|"
        row="| MiB |"
        for args in "due --now 2026-12-31T00:00:00Z -o json" "due --within 6h" "verify"; do
            # shellcheck disable=SC2086
            read -r wall rss < <(peak /dev/null "$VIGIL" incident $args --store "$url")
            row="$row $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') |"
        done
        echo "$row"
        echo
    done
    load append
    one=$(store_url "$b" one)
    "$VIGIL" incident open --store "$one" --title "One incident" --aware-at 2026-11-30T09:00:00Z >/dev/null 2>&1
    middle=$(printf 'INC-%04d' $(((INCIDENTS + 1) / 2)))
    table "$b-append" -n "note, store of 1 incident" "$VIGIL incident note INC-0001 --store $one --text bench" \
        -n "note, filled store ($middle)" "$VIGIL incident note $middle --store $url --text bench"
done
