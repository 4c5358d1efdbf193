# lib.sh — sourced by every end-to-end test.  Each test runs the real vigil
# binary ($VIGIL) on real data ($VIGIL_SHARED, the read-only ../shared).
# A test exits 0 on success, 77 when something it needs is absent (CTest
# shows it as skipped, with the reason), anything else on failure.
set -euo pipefail

: "${VIGIL:?VIGIL must name the vigil binary}"
: "${VIGIL_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${VIGIL_SHARED:=$VIGIL_SRC/../shared}"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }

# need_shared PATH: skip unless ../shared/PATH exists.
need_shared() {
    [ -e "$VIGIL_SHARED/$1" ] || skip "$VIGIL_SHARED/$1 is absent"
}

# need_cmd CMD: skip unless CMD is installed (setup.sh installs them all).
need_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (run ./setup.sh)"
}

# expect_status N CMD...: run CMD, fail unless it exits with status N.
# Its stderr is kept in $TMP/stderr for expect_stderr.
expect_status() {
    local want=$1; shift
    local got=0
    "$@" >"$TMP/stdout" 2>"$TMP/stderr" || got=$?
    [ "$got" = "$want" ] || { cat "$TMP/stderr" >&2; fail "'$*' exited $got, expected $want"; }
}

# expect_stderr PATTERN: the last expect_status's stderr matches the ERE PATTERN.
expect_stderr() {
    grep -Eq -- "$1" "$TMP/stderr" || { cat "$TMP/stderr" >&2; fail "stderr does not match '$1'"; }
}

# same_lines A B WHAT: files A and B hold the same lines (order ignored,
# duplicates counted); prints the difference otherwise.
same_lines() {
    if ! diff <(LC_ALL=C sort "$1") <(LC_ALL=C sort "$2") >"$TMP/diff"; then
        head -40 "$TMP/diff" >&2
        fail "$3 differ (< vigil, > reference)"
    fi
}

# cdx_packages FILE: "name<TAB>version<TAB>arch" of every component with a
# purl of the given type in a CycloneDX document.
cdx_packages() {
    python3 - "$1" "$2" <<'PY'
import json, sys, urllib.parse
doc = json.load(open(sys.argv[1]))
for c in doc.get("components", []):
    purl = c.get("purl", "")
    if not purl.startswith("pkg:" + sys.argv[2] + "/"):
        continue
    q = dict(urllib.parse.parse_qsl(purl.partition("?")[2].partition("#")[0]))
    print(f"{c['name']}\t{c['version']}\t{q.get('arch', '')}")
PY
}

# validate_cyclonedx FILE / validate_spdx FILE: validate against the official
# JSON schemas in ../shared/schemas with ajv (installed by setup.sh).
validate_cyclonedx() {
    need_shared schemas/cyclonedx/bom-1.6.schema.json
    node "$VIGIL_SRC/tests/tools/validate.mjs" cyclonedx-1.6 "$1" || fail "$1 is not valid CycloneDX 1.6"
}
validate_spdx() {
    need_shared schemas/spdx/spdx-2.3-schema.json
    node "$VIGIL_SRC/tests/tools/validate.mjs" spdx-2.3 "$1" || fail "$1 is not valid SPDX 2.3"
}
