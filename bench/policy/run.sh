#!/usr/bin/env bash
# bench/policy/run.sh [BUILD] — what the policy sandbox costs a rule
# (issue 10: "report the overhead of the instruction hook").  Builds
# bench_policy (bench/policy/bench_policy.c) in BUILD (default build/) and
# times with hyperfine, for each workload (a pure-Lua loop, a string-heavy
# rule, pattern matching over 1 MB of text), the same Lua function in a
# plain Lua state, in a plain state with a count hook like the sandbox's,
# and in vigil's sandbox; then how long the sandbox takes to stop a
# runaway loop and a runaway pattern at the default limits; then, with
# valgrind, the instructions each run executes (callgrind), which do not
# move with the machine's load.  Prints hyperfine's Markdown tables and the
# load average before each; with EXPORT=DIR also writes DIR/policy-*.md.  Results: bench/README.md,
# section "Policy sandbox".  Not a test: nothing is asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$here/build}
RUNS=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
cmake --build "$BUILD" --target bench_policy -j2 >/dev/null
bench=$BUILD/bench_policy
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

table() { # NAME, then hyperfine's commands
    local name=$1
    shift
    echo "### $name ($(uptime | sed 's/.*load average/load average/'))"
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-markdown "$work/$name.md" "$@" >/dev/null 2>&1
    cat "$work/$name.md"
    [ -n "${EXPORT:-}" ] && cp "$work/$name.md" "$EXPORT/policy-$name.md"
    echo
}

for workload in loop strings patterns; do
    # The three modes must agree on the result.
    results=$(for mode in plain plain-hook sandbox; do "$bench" $workload $mode; done | sort -u | wc -l)
    [ "$results" = 1 ] || { echo "bench_policy $workload: the modes disagree" >&2; exit 1; }
    table "$workload" "$bench $workload plain" "$bench $workload plain-hook" "$bench $workload sandbox"
done
table runaway "$bench runaway-loop sandbox-default" "$bench runaway-pattern sandbox-default"

# Wall times move on a shared machine; instructions (callgrind) do not.
if command -v valgrind >/dev/null; then
    echo "### Instructions (callgrind), millions"
    echo "| workload | plain | plain-hook | sandbox |"
    echo "|---|---:|---:|---:|"
    for workload in loop strings patterns; do
        row="| $workload |"
        for mode in plain plain-hook sandbox; do
            n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" $workload $mode 2>&1 >/dev/null |
                sed -n 's/.*Collected : //p')
            row="$row $((n / 1000000)) |"
        done
        echo "$row"
    done
fi
