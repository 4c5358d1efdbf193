#!/usr/bin/env bash
# scan_vex.sh — `vigil scan --vex FILE ... --ignore FILE --show-suppressed`
# on the Trivy-style Alpine 3.10.9 SBOM (tests/data/sbom), whose musl and
# musl-utils 1.1.22-r2 are hit by CVE-2019-14697 in the real v3.10 secdb.
#
# The OpenVEX fixtures (tests/data/vex/*.openvex.json) are first validated
# against the official OpenVEX 0.2.0 schema; then:
# - a not_affected statement about pkg:apk/alpine/musl (no version: every
#   version) suppresses musl's finding only, with the CycloneDX state and
#   justification it maps to;
# - two statements about musl-utils in two files: the later timestamp wins
#   whatever the order of --vex options (OpenVEX "latest statement");
# - a CycloneDX VEX "resolved" on a bom-ref of its own components suppresses
#   musl-utils; its BOM-Link and dangling refs are warned about;
# - the --ignore file suppresses musl-utils until its expiry; its expired
#   rule is warned about by number and id; malformed files are refused;
# - suppressed findings stay in the JSON and CycloneDX reports (the VDR
#   valid CycloneDX 1.6), and in the table only with --show-suppressed.
source "$(dirname "$0")/lib.sh"
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
SBOM=$VIGIL_SRC/tests/data/sbom/trivy-alpine.cdx.json
VEX=$VIGIL_SRC/tests/data/vex
IGN=$VIGIL_SRC/tests/data/ignore
if have_validator; then
    node "$VIGIL_SRC/tests/tools/validate_openvex.mjs" "$VEX"/alpine-*.openvex.json >/dev/null ||
        fail "an OpenVEX fixture is not valid OpenVEX 0.2.0"
    ! node "$VIGIL_SRC/tests/tools/validate_openvex.mjs" "$VEX"/bad-*.openvex.json >/dev/null 2>&1 ||
        fail "the bad OpenVEX fixture passes the schema"
fi
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
$VIGIL db build --from "$secdb/main.json" --db "$TMP/db.sqlite" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "db build"; }
scan() { $VIGIL scan --db "$TMP/db.sqlite" --max-db-age 100000d "$@"; }
# state NAME: "suppressed<TAB>state<TAB>justification<TAB>by" of NAME's CVE-2019-14697 finding
state() {
    jq -r --arg n "$2" '.findings[] | select(.component.name == $n and .id == "CVE-2019-14697") |
        [.suppressed, (.analysis.state // "-"), (.analysis.justification // "-"),
         ((.analysis.by // "-") | sub(":.*/"; ":"))] | @tsv' "$1"
}

# Without VEX: both findings, not suppressed.
expect_status 0 scan -o json "$SBOM"
[ "$(state "$TMP/stdout" musl)" = "false	-	-	-" ] || fail "musl without VEX: $(state "$TMP/stdout" musl)"
[ "$(state "$TMP/stdout" musl-utils)" = "false	-	-	-" ] || fail "musl-utils without VEX"

# not_affected for musl (any version)
expect_status 0 scan --vex "$VEX/alpine-musl.openvex.json" -o json="$TMP/a.json" -o table="$TMP/a.txt" \
    -o cyclonedx-json="$TMP/a.cdx.json" "$SBOM"
[ "$(state "$TMP/a.json" musl)" = "true	not_affected	code_not_reachable	vex:alpine-musl.openvex.json" ] ||
    fail "musl: $(state "$TMP/a.json" musl)"
[ "$(state "$TMP/a.json" musl-utils)" = "false	-	-	-" ] || fail "musl-utils must stay: $(state "$TMP/a.json" musl-utils)"
jq -e '.findings[] | select(.component.name == "musl") | .analysis.detail | test("x87")' "$TMP/a.json" >/dev/null ||
    fail "impact_statement not carried"
! grep -q ' musl  ' "$TMP/a.txt" || fail "suppressed musl listed in the table without --show-suppressed"
grep -q '1 suppressed' "$TMP/a.txt" || fail "table does not count the suppressed finding"
jq -e '[.vulnerabilities[] | select(.analysis.state == "not_affected")] | length == 1' "$TMP/a.cdx.json" >/dev/null ||
    fail "VDR analysis"
validate_cyclonedx "$TMP/a.cdx.json"
expect_status 0 scan --vex "$VEX/alpine-musl.openvex.json" --show-suppressed -o table "$SBOM"
grep -Eq '^CVE-2019-14697 +unknown \(suppressed: not_affected\) .* musl ' "$TMP/stdout" ||
    { cat "$TMP/stdout" >&2; fail "--show-suppressed table row"; }

# the later statement wins, in either order
for order in "jan feb" "feb jan"; do
    set -- $order
    expect_status 0 scan --vex "$VEX/alpine-musl-utils-$1.openvex.json" --vex "$VEX/alpine-musl-utils-$2.openvex.json" -o json "$SBOM"
    [ "$(state "$TMP/stdout" musl-utils)" = "false	exploitable	-	-" ] ||
        fail "order $order: musl-utils $(state "$TMP/stdout" musl-utils) (the February 'affected' must win)"
    jq -e '.findings[] | select(.component.name == "musl-utils") | .analysis.detail | test("SEC-1042")' "$TMP/stdout" >/dev/null ||
        fail "action_statement not carried"
done
expect_status 0 scan --vex "$VEX/alpine-musl-utils-jan.openvex.json" -o json "$SBOM"
[ "$(state "$TMP/stdout" musl-utils)" = "true	not_affected	code_not_present	vex:alpine-musl-utils-jan.openvex.json" ] ||
    fail "January statement alone: $(state "$TMP/stdout" musl-utils)"

# CycloneDX VEX
expect_status 0 scan --vex "$VEX/alpine-musl-utils.cdx-vex.json" -o json "$SBOM"
[ "$(state "$TMP/stdout" musl-utils)" = "true	resolved	code_not_present	vex:alpine-musl-utils.cdx-vex.json" ] ||
    fail "CycloneDX VEX: $(state "$TMP/stdout" musl-utils)"
expect_stderr 'BOM-Link into another document'
expect_stderr "no-such-component' names no component"

# --ignore
expect_status 0 scan --ignore "$IGN/alpine.ignore.json" -o json "$SBOM"
[ "$(state "$TMP/stdout" musl-utils | cut -f1,4)" = "true	ignore:alpine.ignore.json" ] ||
    fail "ignore: $(state "$TMP/stdout" musl-utils)"
[ "$(state "$TMP/stdout" musl | cut -f1)" = false ] || fail "ignore rule for musl-utils suppressed musl"
jq -e '.findings[] | select(.component.name == "musl-utils") | .analysis.detail | test("SEC-977.*until 2099-12-31")' \
    "$TMP/stdout" >/dev/null || fail "ignore reason and expiry not in the analysis"
expect_stderr 'rule 2 \(CVE-2018-1000500 in busybox\) expired on 2020-06-30'

# refused inputs, before any scan work
expect_status 1 scan --vex "$VEX/bad-not-affected-without-reason.openvex.json" "$SBOM"
expect_stderr 'bad-not-affected-without-reason\.openvex\.json: statement 0 \(CVE-2019-14697\): not_affected needs a justification or an impact_statement'
expect_status 1 scan --vex "$VIGIL_SRC/tests/data/sbom/bad-not-sbom.json" "$SBOM"
expect_stderr 'not a VEX document'
expect_status 1 scan --vex "$TMP/missing.json" "$SBOM"
expect_stderr 'missing\.json: cannot open VEX document'
expect_status 1 scan --ignore "$IGN/bad-no-reason.ignore.json" "$SBOM"
expect_stderr 'rule 1 \(CVE-2019-14697\) has no "reason"'
expect_status 1 scan --ignore "$IGN/bad-misspelt-expiry.ignore.json" "$SBOM"
expect_stderr 'rule 1: unknown member "expiry"'
echo "ok: VEX statements, latest wins, CycloneDX VEX and expiring ignores"
