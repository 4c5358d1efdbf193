#!/bin/sh
# setup.sh — installs what vigil needs from Debian's packages (and the test
# tools from the npm registry), then builds it into build/.
#
#   ./setup.sh          install what is missing, build
#   ./setup.sh --test   the same, plus the sanitizer and fuzzer builds, a short
#                       run of every fuzzer, and the whole test suite (after
#                       each ctest run, a line with its passed, failed and
#                       skipped counts; with CI set, as .ci/run sets it, a
#                       skipped test is a failure)
#
# Runs as root on Debian 12 (bookworm); nothing is vendored and the build
# downloads nothing.
set -eu
cd "$(dirname "$0")"

test_mode=0
case "${1:-}" in
    --test) test_mode=1 ;;
    "") ;;
    *) echo "usage: ./setup.sh [--test]" >&2; exit 2 ;;
esac

# Build dependencies, then what the tests compare against or validate with.
build_pkgs="gcc make cmake pkg-config libarchive-dev libjansson-dev libsqlite3-dev libssl-dev libyaml-dev libcurl4-openssl-dev zlib1g-dev libexpat1-dev libpq-dev libzstd-dev liblua5.4-dev"
test_pkgs="clang postgresql-15 systemd libclang-rt-14-dev python3 rpm dpkg zstd xz-utils bzip2 gzip tar openssl jq util-linux db5.3-util skopeo umoci
    unzip zip openjdk-17-jdk-headless golang-go golang-golang-x-mod-dev binutils cargo python3-yaml python3-rpm python3-packaging ruby libmaven3-core-java php-cli php-composer-semver composer python3-pip libdpkg-perl hyperfine time gdb libcommons-lang3-java libcommons-io-java libguava-java libxml2-utils python3-cryptography lua5.4
    python3-junitparser chromium fonts-dejavu-core nginx devscripts lld openssh-server sudo iproute2 python3-dnf gnupg debootstrap git openssh-client"

missing=""
pkgs="$build_pkgs"
test_pkgs="$test_pkgs restic borgbackup tzdata" # vigil collect backup's tests: real repositories, zones
test_pkgs="$test_pkgs docker-registry apache2-utils" # registry_*.sh: a real OCI registry, htpasswd -B
test_pkgs="$test_pkgs distro-info-data" # supplier_eol.sh: Debian's release dates, the end-of-life table's reference
[ "$test_mode" = 1 ] && pkgs="$pkgs $test_pkgs"
for p in $pkgs; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing="$missing $p"
done
if [ "$test_mode" = 1 ]; then
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
# The tests download real .debs (apt-get download), which needs the package lists.
if [ -n "$missing" ] || { [ "$test_mode" = 1 ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; }; then
    apt-get update -qq
fi
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

[ "$test_mode" = 1 ] || exit 0

# Node tools used by the tests (schema validators, sigstore-js, reference
# implementations), each pinned by its package-lock.json; installed again
# when the lock file is newer than what is installed.
# (Lock files elsewhere under tests/data are fixtures, not tools.)
for lock in $(find tests/tools tests/interop tests/data/npm/tools -name package-lock.json \
                  -not -path '*/node_modules/*' 2>/dev/null | sort); do
    dir=$(dirname "$lock")
    if ! [ "$dir/node_modules/.package-lock.json" -nt "$lock" ]; then
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    fi
done

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"

# libFuzzer targets: build, then a short run of each from its corpus.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs"
# 6 s each: 79 targets on two cores fit in four minutes, so that the whole
# suite stays well under 30 minutes; every target was run for at least a
# minute when it was written, and ctest replays every corpus in both builds.
# VIGIL_FUZZ_SECONDS=60 for a longer run.
fuzz_seconds=${VIGIL_FUZZ_SECONDS:-6}
# run_fuzzer NAME: a short run from the committed corpus, in a scratch copy.
run_fuzzer() {
    name=$1
    work=$(mktemp -d)
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
    if ! "build-fuzz/tests/fuzz/fuzz_$name" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 \
            -max_len=65536 -print_final_stats=0 "$work" >"$work.log" 2>&1; then
        tail -50 "$work.log" >&2
        echo "fuzz: $name found a crash (input above); add it to tests/fuzz/corpus/$name/" >&2
        rm -rf "$work" "$work.log"
        return 1
    fi
    echo "fuzz: $name ran ${fuzz_seconds}s, no crash"
    rm -rf "$work" "$work.log"
}
# Every tests/fuzz/fuzz_NAME.c, as many at a time as there are cores.
fuzz_failed=0
set --
for src in tests/fuzz/fuzz_*.c; do
    name=${src##*/fuzz_}
    name=${name%.c}
    if ! [ -x "build-fuzz/tests/fuzz/fuzz_$name" ]; then
        echo "fuzz: build-fuzz/tests/fuzz/fuzz_$name was not built" >&2
        exit 1
    fi
    run_fuzzer "$name" &
    set -- "$@" $!
    if [ $# -ge "$jobs" ]; then
        for pid in "$@"; do wait "$pid" || fuzz_failed=1; done
        set --
    fi
done
for pid in "$@"; do wait "$pid" || fuzz_failed=1; done
[ "$fuzz_failed" = 0 ] || exit 1

# run_suite DIR [VAR=VALUE...]: the whole suite of build directory DIR, then
# its counts as ctest's own JUnit report gives them (tests/tools/ctest_summary.py,
# which also fails a run in CI that skipped a test).
run_suite() {
    dir=$1
    shift
    rm -f "$dir/ctest-junit.xml"
    status=0
    env "$@" ctest --test-dir "$dir" --output-on-failure -j"$jobs" --output-junit "$PWD/$dir/ctest-junit.xml" || status=1
    python3 tests/tools/ctest_summary.py "$dir" "$dir/ctest-junit.xml" || status=1
    return "$status"
}
run_suite build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build
