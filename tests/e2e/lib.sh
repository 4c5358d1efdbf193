# lib.sh — sourced by every end-to-end test.  Each test runs the real vigil
# binary ($VIGIL) on real data ($VIGIL_SHARED, the read-only ../shared).
# A test exits 0 on success, 77 when something it needs is absent (CTest
# shows it as skipped, with the reason), anything else on failure.
# In CI (the environment variable CI set to anything but "", "0" or "false",
# as CI services and .ci/run set it) nothing may be skipped: skip() and
# skip_part() fail instead, with the reason.
set -eEuo pipefail
# command substitutions stop at their first failing command too
shopt -s inherit_errexit
# and a test stopped by one says where, rather than failing silently
# (with pipefail, "producer | head -1" fails when head closes the pipe
# early: use sed -n 1p, and grep without -q, on large output)
trap 'rc=$?; echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: \"$BASH_COMMAND\" exited $rc" >&2' ERR

: "${VIGIL:?VIGIL must name the vigil binary}"
: "${VIGIL_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${VIGIL_SHARED:=$VIGIL_SRC/../shared}"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test.XXXXXX")

# at_exit CMD: run the shell command CMD when the test ends, however it ends
# (success, a failed check, set -e, SIGTERM from a CTest timeout, Ctrl-C),
# before $TMP is removed; the last registered runs first.  For what a test
# starts or mounts (pg.sh stops its PostgreSQL server this way).
VIGIL_AT_EXIT=()
at_exit() { VIGIL_AT_EXIT=("$1" "${VIGIL_AT_EXIT[@]}"); }
run_at_exit() {
    local c
    for c in "${VIGIL_AT_EXIT[@]}"; do eval "$c" || true; done
    rm -rf "$TMP"
}
trap run_at_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# in_ci: true when running in CI, where every test must run in full.
in_ci() {
    local ci=${CI:-}
    case ${ci,,} in "" | 0 | false) return 1 ;; *) return 0 ;; esac
}

# skip WHY: the whole test cannot run here (exit 77); a failure in CI.
skip() {
    in_ci && fail "$* (CI=$CI: a test must not skip in CI)"
    echo "SKIP: $*" >&2
    exit 77
}

# skip_part WHY: one part of a test cannot run here and is left out with a
# note; a failure in CI.
skip_part() {
    in_ci && fail "$* (CI=$CI: no part of a test may be skipped in CI)"
    echo "note: not checked: $*" >&2
}

# have_cmd CMD WHAT: true when CMD is installed; otherwise skip_part "WHAT"
# and false.  For checks a test can do without (setup.sh installs them all).
have_cmd() {
    command -v "$1" >/dev/null 2>&1 && return 0
    skip_part "$2 ($1 is not installed: run ./setup.sh --test)"
    return 1
}

# need_shared PATH: skip unless ../shared/PATH exists.
need_shared() {
    [ -e "$VIGIL_SHARED/$1" ] || skip "$VIGIL_SHARED/$1 is absent"
}

# need_cmd CMD: skip unless CMD is installed (setup.sh installs them all).
need_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (run ./setup.sh)"
}

# inventory_fixture: the real data of the store tests (inventory_fixture.py:
# a/, b/, the secdbs main, plus, minus and their databases) in $TMP, and
# c/: a/ with zlib lowered from 1.2.11-r1 to 1.2.11-r0; then cd $TMP.
inventory_fixture() {
    need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
    need_shared vulndata/alpine-secdb/v3.10/main.json
    need_cmd jq
    need_cmd python3
    need_cmd sqlite3
    python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$TMP" "$VIGIL_SHARED" "$VIGIL" || fail "inventory_fixture.py"
    cp -a "$TMP/a" "$TMP/c"
    grep -q '^V:1.2.11-r1$' "$TMP/c/lib/apk/db/installed" || fail "fixture changed: zlib is not 1.2.11-r1"
    sed -i 's/^V:1.2.11-r1$/V:1.2.11-r0/' "$TMP/c/lib/apk/db/installed"
    cd "$TMP" || fail "cd $TMP"
}

# kev_with CVE VENDOR PRODUCT OUT: the real CISA KEV catalogue of ../shared
# with CVE added (dateAdded 2026-10-30, as if CISA had listed it; that it
# is not listed today is checked first), written to OUT.
kev_with() {
    need_shared vulndata/kev/known_exploited_vulnerabilities.json
    python3 - "$VIGIL_SHARED/vulndata/kev/known_exploited_vulnerabilities.json" "$@" <<'PY'
import copy, json, sys
src, cve, vendor, product, out = sys.argv[1:6]
kev = json.load(open(src))
assert not any(v["cveID"] == cve for v in kev["vulnerabilities"]), f"{cve} is in KEV now"
entry = copy.deepcopy(kev["vulnerabilities"][0])
entry.update(cveID=cve, vendorProject=vendor, product=product, dateAdded="2026-10-30")
kev["vulnerabilities"].append(entry)
kev["count"] = len(kev["vulnerabilities"])
json.dump(kev, open(out, "w"))
PY
}

# expect_status N CMD...: run CMD, fail unless it exits with status N.
# Its stderr is kept in $TMP/stderr for expect_stderr.
expect_status() {
    local want=$1; shift
    local got=0
    "$@" >"$TMP/stdout" 2>"$TMP/stderr" || got=$?
    [ "$got" = "$want" ] || { cat "$TMP/stderr" >&2; head -c 4000 "$TMP/stdout" >&2; fail "'$*' exited $got, expected $want"; }
}

# expect_stderr PATTERN: the last expect_status's stderr matches the ERE PATTERN.
expect_stderr() {
    grep -Eq -- "$1" "$TMP/stderr" || { cat "$TMP/stderr" >&2; fail "stderr does not match '$1'"; }
}

# same_lines A B WHAT: files A and B hold the same lines (order ignored,
# duplicates counted); prints the difference otherwise.  Two empty files are
# a failure: they would prove nothing (check an expected empty result with
# [ ! -s FILE ] and a count of what was looked at instead).
same_lines() {
    [ -r "$1" ] && [ -r "$2" ] || fail "$3: $1 or $2 was not written"
    LC_ALL=C sort "$1" >"$TMP/same_lines.a"
    LC_ALL=C sort "$2" >"$TMP/same_lines.b"
    [ -s "$TMP/same_lines.a" ] || [ -s "$TMP/same_lines.b" ] || fail "$3: both lists are empty, nothing was compared"
    if ! diff "$TMP/same_lines.a" "$TMP/same_lines.b" >"$TMP/diff"; then
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

# have_validator: true when node and ajv (npm ci --prefix tests/tools, done
# by setup.sh --test) can validate documents; otherwise skip_part and false.
have_validator() {
    if command -v node >/dev/null 2>&1 && [ -d "$VIGIL_SRC/tests/tools/node_modules/ajv" ]; then
        return 0
    fi
    skip_part "schema validation (node or tests/tools/node_modules missing: run ./setup.sh --test)"
    return 1
}

# validate KIND FILE: FILE against the official JSON schema of KIND
# (cyclonedx-1.6, spdx-2.3, sarif-2.1.0; tests/tools/validate.mjs).
validate() {
    have_validator || return 0
    node "$VIGIL_SRC/tests/tools/validate.mjs" "$1" "$2" || fail "$2 is not valid $1"
}

# validate_cyclonedx FILE / validate_spdx FILE: against the schemas in ../shared/schemas.
validate_cyclonedx() {
    need_shared schemas/cyclonedx/bom-1.6.schema.json
    validate cyclonedx-1.6 "$1"
}
validate_spdx() {
    need_shared schemas/spdx/spdx-2.3-schema.json
    validate spdx-2.3 "$1"
}
