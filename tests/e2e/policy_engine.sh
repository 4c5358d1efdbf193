# policy_engine.sh — `vigil policy eval|test|rules`: the engine's own
# decisions, on rules written here: statuses a rule cannot give itself
# (skip for missing evidence or nothing judged, error for a rule that
# misbehaves — each alone, the others still run), waivers that stop at
# 00:00 UTC of their expiry date, the baseline states, the exit statuses
# of the issue, configuration checked before anything runs, and rule tests
# that fail when the expectation is wrong.  Every expected value below is
# written by hand from the rules and evidence in this file.
source "$(dirname "$0")/lib.sh"
need_cmd jq

T=$TMP
mkdir -p "$T/pack" "$T/bad"

# Evidence: a "scan" with three findings, one in KEV.
cat >"$T/scan.json" <<'EOF'
{"findings": [
  {"id": "CVE-2021-44228", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "kev": true},
  {"id": "CVE-2022-0001", "purl": "pkg:npm/left-pad@1.0.0", "kev": false},
  {"id": "CVE-2022-0002", "purl": "pkg:npm/lodash@4.17.20", "kev": false}
]}
EOF

cat >"$T/pack/kev.lua" <<'EOF'
rule = {
  id = "kev", title = "No KEV finding", severity = "critical",
  requirements = {"nis2:21.2.e", "ir2024-2690:6.10.2"},
  evidence = {"findings"}, rationale = "KEV-listed vulnerabilities are exploited.",
}
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.findings) do
    for _, f in ipairs(doc.data.findings) do
      out[#out + 1] = {resource = f.purl, status = f.kev and "fail" or "pass",
                       message = f.id, evidence = {doc.id}}
    end
  end
  return out
end
EOF
cat >"$T/pack/count.lua" <<'EOF'
rule = {
  id = "count", title = "At most max findings", severity = "low",
  requirements = {"nis2:21.2.e"}, evidence = {"findings"}, params = {max = 5, label = "x"},
}
function check(evidence, params, run)
  local n = 0
  for _, doc in ipairs(evidence.findings) do n = n + #doc.data.findings end
  return {{resource = "scan", status = n <= params.max and "pass" or "fail",
           message = n .. " findings, max " .. params.max .. " at " .. run.now}}
end
EOF
cat >"$T/pack/vex.lua" <<'EOF'
rule = {
  id = "needs-vex", title = "Needs VEX", severity = "high",
  requirements = {"cra:I.2.a"}, evidence = {"vex"},
}
function check(evidence) return {{resource = "x", status = "pass"}} end
EOF
cat >"$T/pack/na.lua" <<'EOF'
rule = {
  id = "na", title = "Not applicable", severity = "info",
  requirements = {"nis2:21.2.d"}, evidence = {"findings", "vex"}, optional = {"vex"},
}
function check(evidence)
  return {{resource = "supplier", status = "not_applicable", reason = "no suppliers: " .. #evidence.vex .. " vex"}}
end
EOF

vigil_eval() { $VIGIL policy eval --now 2026-12-01T12:00:00Z "$@"; }

# 1. Results, requirements and the exit status of a fail (5).
expect_status 5 vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json" -o json="$T/r1.json"
jq -r '.results[] | [.rule, .resource, .status, (.message // .reason)] | @tsv' "$T/r1.json" >"$T/got"
cat >"$T/want" <<'EOF'
count	scan	pass	3 findings, max 5 at 2026-12-01T12:00:00Z
kev	pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1	fail	CVE-2021-44228
kev	pkg:npm/left-pad@1.0.0	pass	CVE-2022-0001
kev	pkg:npm/lodash@4.17.20	pass	CVE-2022-0002
na	supplier	not_applicable	no suppliers: 0 vex
needs-vex	*	skip	no evidence of kind vex
EOF
diff "$T/want" "$T/got" >&2 || fail "results differ from the hand-written ones"
jq -r '.requirements[] | [.id, .status] | @tsv' "$T/r1.json" >"$T/got"
printf '%s\t%s\n' nis2:21.2.d pass nis2:21.2.e fail ir2024-2690:6.10.2 fail cra:I.2.a not_checked | sort >"$T/want"
sort "$T/got" | diff "$T/want" - >&2 || fail "requirement roll-up"
[ "$(jq -c .summary "$T/r1.json")" = '{"error":0,"fail":1,"not_applicable":1,"pass":3,"skip":1,"waived":0}' ] ||
    fail "summary $(jq -c .summary "$T/r1.json")"
sha=$(sha256sum "$T/scan.json" | cut -d' ' -f1)
[ "$(jq -r '.evidence[0].sha256' "$T/r1.json")" = "$sha" ] || fail "evidence digest is not the file's"
[ "$(jq -r '.results[] | select(.rule == "kev") | .evidence[0]' "$T/r1.json" | sort -u)" = e1 ] ||
    fail "result evidence ids"
# The fingerprint is sha256(rule NUL resource), stable across runs.
fp=$(printf 'kev\0pkg:npm/left-pad@1.0.0' | sha256sum | cut -d' ' -f1)
[ "$(jq -r '.results[] | select(.resource == "pkg:npm/left-pad@1.0.0") | .fingerprint' "$T/r1.json")" = "$fp" ] ||
    fail "fingerprint"

# The table groups the requirements by the NIS2 Art. 21(2) point they serve
# (from the catalogue: 6.10.2 implements 21(2)(e)); the CRA's stand apart.
expect_status 5 vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json"
awk '/^NIS2 Art. 21\(2\)\(e\)/ {g = "e"} /^NIS2 Art. 21\(2\)\(d\)/ {g = "d"} /^Not mapped/ {g = "cra"}
     /^  [a-z]/ {print g, $1, $2}' "$T/stdout" >"$T/got"
printf '%s\n' "d nis2:21.2.d pass" "e nis2:21.2.e fail" "e ir2024-2690:6.10.2 fail" "cra cra:I.2.a not_checked" >"$T/want"
diff "$T/want" "$T/got" >&2 || fail "table grouped by Art. 21(2) point"
jq -e '.catalogue.version | test("^[0-9]{4}\\.[0-9]{2}\\.[0-9]+$")' "$T/r1.json" >/dev/null || fail "catalogue version"

# --fail-on: the only fail is critical.
expect_status 5 vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json" --fail-on critical -o json="$T/x.json"
# With needs-vex's evidence missing and no fail at or above the gate: 3.
expect_status 3 vigil_eval --rule "$T/pack/count.lua" --rule "$T/pack/vex.lua" --evidence findings="$T/scan.json"
# Every rule passes: 0.
expect_status 0 vigil_eval --rule "$T/pack/count.lua" --evidence findings="$T/scan.json"
grep -q 'count  *low  *pass' "$T/stdout" || fail "table: $(cat "$T/stdout")"

# 2. Configuration: parameters, severity, disabling; errors before any rule runs.
cat >"$T/conf.yaml" <<'EOF'
parameters:
  max: 2          # every rule that declares max
rules:
  kev: {enabled: false}
  count: {severity: high}
EOF
expect_status 5 vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json" --config "$T/conf.yaml" -o json="$T/r2.json"
[ "$(jq -r '.results[] | select(.rule == "count") | [.status, .severity] | @tsv' "$T/r2.json")" = "$(printf 'fail\thigh')" ] ||
    fail "global parameter or severity override not applied"
[ "$(jq '[.results[] | select(.rule == "kev")] | length' "$T/r2.json")" = 0 ] || fail "disabled rule ran"
[ "$(jq -r '.rules[] | select(.id == "kev") | .enabled' "$T/r2.json")" = false ] || fail "disabled rule not listed as such"
# the results say which parameters the rule ran with, not its defaults
[ "$(jq -c '.rules[] | select(.id == "count") | .params' "$T/r2.json")" = '{"label":"x","max":2}' ] ||
    fail "the effective parameters: $(jq -c '.rules[] | select(.id == "count") | .params' "$T/r2.json")"
[ "$(jq -c '.rules[] | select(.id == "count") | .params' "$T/r1.json")" = '{"label":"x","max":5}' ] ||
    fail "the default parameters: $(jq -c '.rules[] | select(.id == "count") | .params' "$T/r1.json")"
bad_config() { # STATUS YAML STDERR-PATTERN
    printf '%b' "$2" >"$T/c.yaml"
    expect_status "$1" vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json" --config "$T/c.yaml"
    expect_stderr "$3"
}
bad_config 2 'rules:\n  count:\n    params: {maximum: 2}\n' 'rules.count.params.maximum: rule count has no parameter maximum'
bad_config 2 'rules:\n  count:\n    params: {max: "2"}\n' 'rules.count.max: the value is not of the type'
bad_config 2 'rules:\n  kevv: {enabled: false}\n' 'rules.kevv: no selected rule has that id'
bad_config 2 'rules:\n  kev: {enabled: "no"}\n' 'rules.kev.enabled: must be true or false'
bad_config 2 'packs: [nis2]\nparams: {}\n' 'unknown member params'
bad_config 1 'parameters: [1\n' 'c.yaml: not valid (YAML|JSON)'
# vigil-policy.yaml in the working directory is read without --config.
(cd "$T" && cp conf.yaml vigil-policy.yaml && expect_status 5 vigil_eval --pack "$T/pack" --evidence findings="$T/scan.json" -o json="$T/r3.json")
[ "$(jq -r .inputs.config "$T/r3.json")" = vigil-policy.yaml ] || fail "./vigil-policy.yaml not read"
rm "$T/vigil-policy.yaml"

# 3. Waivers: in effect until 00:00 UTC of the expiry date, never after.
cat >"$T/waivers.yaml" <<'EOF'
waivers:
  - rule: kev
    resource: "pkg:maven/org.apache.logging.log4j/*"
    justification: not reachable, see ticket
    owner: alice
    approver: bob
    expires: 2026-12-02
EOF
expect_status 0 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --waivers "$T/waivers.yaml" \
    --now 2026-12-01T23:59:59Z -o json="$T/w1.json"
[ "$(jq -r '.results[] | select(.status == "fail") | .waiver.owner' "$T/w1.json")" = alice ] || fail "waiver not applied"
[ "$(jq -r '.waivers[0] | [.used, .expired] | @tsv' "$T/w1.json")" = "$(printf '1\tfalse')" ] || fail "waiver use count"
expect_status 5 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --waivers "$T/waivers.yaml" \
    --now 2026-12-02T00:00:00Z -o json="$T/w2.json"
[ "$(jq -r '.results[] | select(.status == "fail") | [(.waiver != null), .waiver_expired.expires] | @tsv' "$T/w2.json")" = \
  "$(printf 'false\t2026-12-02')" ] || fail "expired waiver honoured or not reported"
# A waiver in another time zone: 2026-12-02T00:30:00+01:00 is still 1 December in UTC.
expect_status 0 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --waivers "$T/waivers.yaml" \
    --now 2026-12-02T00:30:00+01:00
for missing in expires owner approver justification; do
    grep -v "  $missing:" "$T/waivers.yaml" >"$T/wbad.yaml"
    expect_status 2 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --waivers "$T/wbad.yaml"
    expect_stderr "wbad.yaml: waiver 1 has no $missing"
done
sed 's/2026-12-02/2026-02-30/' "$T/waivers.yaml" >"$T/wbad.yaml"
expect_status 2 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --waivers "$T/wbad.yaml"
expect_stderr 'expires "2026-02-30" is not a date'

# 4. Baseline: new, unchanged, updated, absent; --fail-on-new.
jq '.findings[1].kev = true | del(.findings[2]) | .findings += [{"id": "CVE-2023-1", "purl": "pkg:npm/new@1", "kev": false}]' \
    "$T/scan.json" >"$T/scan2.json"
expect_status 5 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan2.json" --baseline "$T/r1.json" -o json="$T/b.json"
jq -r '(.results[] | [.resource, .baseline]), (.absent[] | [.resource, .baseline]) | @tsv' "$T/b.json" | sort >"$T/got"
cat >"$T/want" <<'EOF'
pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1	unchanged
pkg:npm/left-pad@1.0.0	updated
pkg:npm/lodash@4.17.20	absent
pkg:npm/new@1	new
EOF
diff "$T/want" "$T/got" >&2 || fail "baseline states"
# The only fail that is not old is left-pad (updated): still 5 with --fail-on-new.
expect_status 5 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan2.json" --baseline "$T/r1.json" --fail-on-new
# Against itself nothing is new: the old fail does not gate.
expect_status 0 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --baseline "$T/r1.json" --fail-on-new
# A result without a message (the engine's skip) is unchanged against itself.
expect_status 3 vigil_eval --rule "$T/pack/vex.lua" --evidence findings="$T/scan.json" --baseline "$T/r1.json" -o json="$T/b2.json"
[ "$(jq -r '.results[] | [.resource, .status, .baseline] | @tsv' "$T/b2.json")" = "$(printf '*\tskip\tunchanged')" ] ||
    fail "an unchanged result without a message is not unchanged: $(jq -c .results "$T/b2.json")"
expect_status 2 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --fail-on-new
echo '{"results": []}' >"$T/notresults.json"
expect_status 1 vigil_eval --rule "$T/pack/kev.lua" --evidence findings="$T/scan.json" --baseline "$T/notresults.json"
expect_stderr 'notresults.json: not a vigil policy results document'

# 5. Rules that misbehave: each gets one error result naming its file and
#    the cause; the good rule beside them still passes; the run exits 1.
bad() { # NAME BODY-OF-CHECK
    printf 'rule = {id = "%s", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"findings"}}\nfunction check(e)\n%s\nend\n' \
        "$1" "$2" >"$T/bad/$1.lua"
}
bad loop 'while true do end'
bad alloc 'local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end'
bad recurse 'local function f(n) return f(n + 1) + 1 end return f(1)'
bad io 'return io.open("/etc/passwd")'
bad os 'return os.execute("true")'
bad require 'return require("os")'
bad load 'return load("return 1")()'
bad debug 'return debug.getinfo(1)'
bad bytecode 'return string.dump(check)'
bad metatable 'setmetatable(_G, {}) return {}'
bad strmeta 'getmetatable("").__index = nil return {}'
bad evidence 'e.findings[1].data.findings = {} return {}'
bad status 'return {{resource = "x", status = "error"}}'
bad noreason 'return {{resource = "x", status = "not_applicable"}}'
bad twice 'return {{resource = "x", status = "pass"}, {resource = "x", status = "fail"}}'
bad unknownev 'return {{resource = "x", status = "pass", evidence = {"e9"}}}'
bad notalist 'return 42'
bad empty 'return {}'
cp "$T/pack/count.lua" "$T/bad/zz-good.lua"
expect_status 1 $VIGIL policy eval --pack "$T/bad" --evidence findings="$T/scan.json" --now 2026-12-01 \
    --max-memory 16000000 --max-instructions 20000000 -o json="$T/bad.json"
jq -r '.results[] | [.rule, .status, (.message // .reason)] | @tsv' "$T/bad.json" >"$T/got"
want_error() { # RULE PATTERN
    grep -Eq "^$1	error	.*bad/$1\.lua.*$2" "$T/got" || { cat "$T/got" >&2; fail "rule $1: no error matching '$2'"; }
}
want_error loop 'instruction limit of 20000000 exceeded'
want_error alloc 'memory limit of 16000000 bytes exceeded'
want_error recurse 'stack overflow'
want_error io "global 'io'"
want_error os "global 'os'"
want_error require "global 'require'"
want_error load "global 'load'"
want_error debug "global 'debug'"
want_error bytecode "field 'dump'"
want_error metatable "global 'setmetatable'"
want_error strmeta "global 'getmetatable'"
want_error evidence 'read-only'
want_error status 'status must be pass, fail, not_applicable or skip'
want_error noreason 'a not_applicable result needs a reason'
want_error twice 'two results for the resource x'
want_error unknownev 'evidence names e9, which is not the id of a document'
want_error notalist 'must return a list of results'
grep -q '^empty	skip	the rule found nothing to judge' "$T/got" || fail "a rule that judged nothing is not a skip"
grep -q '^count	pass	3 findings' "$T/got" || fail "the good rule did not run beside the bad ones"
[ "$(grep -c '	error	' "$T/got")" = 17 ] || fail "expected 17 error results: $(cat "$T/got")"
# Bytecode as the rule file itself, and bad declarations, stop the run (1).
printf '\033Lua' >"$T/bc.lua"
expect_status 1 $VIGIL policy rules --rule "$T/bc.lua"
expect_stderr 'bc.lua: bytecode is not accepted'
printf 'rule = {id = "Bad Id", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"findings"}}\n' >"$T/decl.lua"
expect_status 1 $VIGIL policy rules --rule "$T/decl.lua"
expect_stderr 'decl.lua: rule.id must be'
printf 'rule = {id = "a", title = "t", severity = "urgent", requirements = {"nis2:21.2.e"}, evidence = {"findings"}}\n' >"$T/decl.lua"
expect_status 1 $VIGIL policy rules --rule "$T/decl.lua"
expect_stderr 'rule.severity must be'
printf 'rule = {id = "a", title = "t", severity = "low", requirements = {"nis2:21.2.z"}, evidence = {"findings"}}\n' >"$T/decl.lua"
expect_status 1 $VIGIL policy rules --rule "$T/decl.lua"
expect_stderr 'decl.lua: rule a names requirement "nis2:21.2.z", which is not in the control catalogue'
# An evidence kind the detectors could never give ([a-z][a-z0-9_-]*) is refused.
printf 'rule = {id = "a", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"host.facts"}}\n' >"$T/decl.lua"
expect_status 1 $VIGIL policy rules --rule "$T/decl.lua"
expect_stderr 'decl.lua: rule a: rule.evidence has a member that is not a valid name'
expect_status 2 $VIGIL policy rules --rule "$T/pack/kev.lua" --rule "$T/pack/kev.lua"
expect_stderr 'rule id kev is also the id of'
expect_status 2 $VIGIL policy eval --pack nosuchpack
expect_stderr 'no built-in pack of that name'

# 6. policy test: cases pass, a wrong expectation fails with the difference,
#    an uncovered rule is reported, and a patched variant changes the result.
mkdir -p "$T/pack/tests"
cat >"$T/pack/tests/kev.yaml" <<'EOF'
tests:
  - name: the real scan
    now: 2026-12-01T00:00:00Z
    evidence: [{kind: findings, path: scan.json}]
    expect:
      - {rule: kev, resource: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", status: fail, message: CVE-2021-44228}
      - {rule: kev, resource: "pkg:npm/left-pad@1.0.0", status: pass}
      - {rule: kev, resource: "pkg:npm/lodash@4.17.20", status: pass}
      - {rule: count, resource: scan, status: pass}
  - name: a KEV finding added by patch, and max lowered
    now: 2026-12-01T00:00:00Z
    evidence:
      - kind: findings
        path: scan.json
        patch: [{op: replace, path: /findings/2/kev, value: true}]
    config: {rules: {count: {params: {max: 2}}}}
    expect:
      - {rule: kev, resource: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", status: fail}
      - {rule: kev, resource: "pkg:npm/left-pad@1.0.0", status: pass}
      - {rule: kev, resource: "pkg:npm/lodash@4.17.20", status: fail}
      - {rule: count, resource: scan, status: fail}
  - name: a waiver
    now: 2026-12-01T00:00:00Z
    evidence: [{kind: findings, data: {findings: [{id: CVE-1, purl: "pkg:npm/a@1", kev: true}]}}]
    waivers: [{rule: kev, resource: "*", justification: j, owner: o, approver: a, expires: 2026-12-02}]
    expect:
      - {rule: kev, resource: "pkg:npm/a@1", status: fail, waived: true}
EOF
expect_status 0 $VIGIL policy test "$T/pack" --data "$T"
grep -q '^3 passed, 0 failed; 2 of 4 rules without a test case' "$T/stdout" || fail "policy test summary: $(cat "$T/stdout")"
expect_status 5 $VIGIL policy test "$T/pack" --data "$T" --fail-uncovered
sed 's/lodash@4.17.20", status: fail}/lodash@4.17.20", status: pass}/' "$T/pack/tests/kev.yaml" >"$T/wrong.yaml"
expect_status 5 $VIGIL policy test "$T/wrong.yaml" --pack "$T/pack" --data "$T"
grep -q 'FAIL .*test 2: a KEV finding added by patch' "$T/stdout" || fail "wrong expectation not reported"
grep -q 'kev pkg:npm/lodash@4.17.20: expected pass, got fail: CVE-2022-0002' "$T/stdout" || fail "difference not shown"
sed 's/status: fail, waived: true/status: fail, waived: false/' "$T/pack/tests/kev.yaml" >"$T/wrong.yaml"
expect_status 5 $VIGIL policy test "$T/wrong.yaml" --pack "$T/pack" --data "$T"
grep -q 'expected not waived, got waived' "$T/stdout" || fail "waiver expectation not checked"
printf 'tests:\n  - name: x\n    now: 2026-12-01T00:00:00Z\n    expect: [{rule: kev, resource: a, status: pass}]\n' >"$T/wrong.yaml"
expect_status 5 $VIGIL policy test "$T/wrong.yaml" --pack "$T/pack"
grep -q 'expected kev a pass, got no result for it' "$T/stdout" || fail "missing result not reported"
grep -q 'unexpected result kev \* skip' "$T/stdout" || fail "unexpected result not reported"
printf 'tests:\n  - name: x\n    now: 2026-12-01T00:00:00Z\n    evidence: [{kind: findings, path: scan.json, patch: [{op: remove, path: /nothing}]}]\n    expect: [{rule: kev, resource: a, status: pass}]\n' >"$T/wrong.yaml"
expect_status 2 $VIGIL policy test "$T/wrong.yaml" --pack "$T/pack" --data "$T"
expect_stderr 'patch operation 1: remove /nothing: no such location'
printf 'tests:\n  - name: x\n    now: 2026-12-01T00:00:00Z\n    expect: [{rule: nosuch, resource: a, status: pass}]\n' >"$T/wrong.yaml"
expect_status 2 $VIGIL policy test "$T/wrong.yaml" --pack "$T/pack"
expect_stderr 'names rule nosuch, which the pack does not have'

# 7. vigil.where / vigil.count find members in C; checked against jq over
#    the same evidence, with a nested path, a number, a boolean and null.
jq '.findings += [range(0; 200) | {id: "CVE-2024-\(.)", purl: "pkg:npm/p\(. % 7)@1", kev: (. % 50 == 0),
     cvss: {score: (if . % 3 == 0 then 9.8 else 5 end)}, fix: (if . % 4 == 0 then null else "1.1" end)}]' \
    "$T/scan.json" >"$T/big.json"
cat >"$T/where.lua" <<'LUA'
rule = {id = "where", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"findings"}}
function check(e)
  local f = e.findings[1].data.findings
  local kev = vigil.where(f, "kev", true)
  assert(kev[1] == f[1], "where gives the same tables as indexing")
  return {{resource = "counts", status = "pass", message = table.concat({#kev, vigil.count(f, "purl", "pkg:npm/p3@1"),
    vigil.count(f, "cvss.score", 9.8), vigil.count(f, "fix"), vigil.count(f, "fix", vigil.null),
    #vigil.where(f, "cvss.nothing")}, " ")}}
end
LUA
expect_status 0 $VIGIL policy eval --rule "$T/where.lua" --evidence findings="$T/big.json" -o json="$T/where.json"
want=$(jq -r '.findings as $f | [([$f[] | select(.kev == true)] | length), ([$f[] | select(.purl == "pkg:npm/p3@1")] | length),
    ([$f[] | select(.cvss.score == 9.8)] | length), ([$f[] | select(has("fix") and .fix != null)] | length),
    ([$f[] | select(has("fix") and .fix == null)] | length), 0] | map(tostring) | join(" ")' "$T/big.json")
[ "$(jq -r '.results[0].message' "$T/where.json")" = "$want" ] || fail "vigil.where/count: $(jq -r '.results[0].message' "$T/where.json"), jq: $want"
printf 'rule = {id = "w2", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"findings"}}\nfunction check(e) return vigil.where({}, "x") end\n' >"$T/w2.lua"
expect_status 1 $VIGIL policy eval --rule "$T/w2.lua" --evidence findings="$T/big.json" -o json="$T/w2.json"
jq -r '.results[0].message' "$T/w2.json" | grep -q "bad argument #1 to 'where' (an evidence list" || fail "where on a plain table"

# 8. The results do not depend on how many rules run at once.
for j in 1 3; do
    expect_status 1 $VIGIL policy eval --pack "$T/bad" --evidence findings="$T/scan.json" --now 2026-12-01 -j $j \
        --max-memory 16000000 --max-instructions 20000000 -o json="$T/j$j.json"
done
cmp "$T/j1.json" "$T/j3.json" || fail "results differ between -j 1 and -j 3"
echo "where/count: $(jq -r ".results[0].message" "$T/where.json")"

# 9. Manual attestations count for their requirements while in effect:
#    verified, well formed, before 00:00 UTC of their expiry date.
manual() { # EXPIRES VERIFIED
    printf '{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "statement", "digest": {"sha256": "00"}}], "predicateType": "https://vigil.dev/attestations/manual/v1", "predicate": {"requirements": ["ir2024-2690:2.1.1", "nis2:21.2.e"], "statement": "The management body approved the policy.", "expires": "%s", "attestedBy": "ciso"}}' "$1"
}
for case in "2026-12-02 true pass" "2026-12-01 true not_checked" "2026-12-02 false not_checked"; do
    set -- $case
    cat >"$T/m.yaml" <<YAML
tests:
  - name: manual $1 $2
    now: 2026-12-01T00:00:00Z
    evidence: [{kind: manual, verified: $2, data: $(manual "$1")}]
    expect: [{rule: needs-vex, resource: "*", status: skip}]
YAML
    expect_status 0 $VIGIL policy test "$T/m.yaml" --pack "$T/pack" -o json="$T/m.json"
    got=$(jq -r '.tests[0].requirements[] | select(.id == "ir2024-2690:2.1.1") | .status' "$T/m.json")
    [ "$got" = "$3" ] || fail "manual attestation expiring $1, verified $2: requirement $got, expected $3"
    # cra:I.2.a is needs-vex's own (skipped): a manual attestation of others does not touch it.
    [ "$(jq -r '.tests[0].requirements[] | select(.id == "cra:I.2.a") | .status' "$T/m.json")" = not_checked ] ||
        fail "manual attestation changed another requirement"
done
jq -e '.tests[0].manual[0] | .in_effect == false and .problem == "its signature was not verified (give the signer'"'"'s key with --key)"' \
    "$T/m.json" >/dev/null || fail "unverified manual attestation: $(jq -c '.tests[0].manual' "$T/m.json")"

# 10. vigil evidence attest: a real signed manual attestation counts for its
#     requirement only when verified with the signer's key and before its
#     expiry; a tampered one does not.
VIGIL_PASSWORD= expect_status 0 $VIGIL key generate "$T/signer"
VIGIL_PASSWORD= expect_status 0 $VIGIL key generate "$T/other"
echo "minutes of the board meeting" >"$T/minutes.txt"
expect_status 0 $VIGIL evidence attest --requirement ir2024-2690:1.1.1 --requirement nis2:21.2.a \
    --statement "Security policy v3 approved by the management body" --file "$T/minutes.txt" \
    --expires 2027-01-01 --by ciso --key "$T/signer.key" --now 2026-12-01T00:00:00Z -o "$T/manual.sigstore.json"
# The statement inside, as sigstore's DSSE payload: subjects are the file's digest.
jq -r .dsseEnvelope.payload "$T/manual.sigstore.json" | base64 -d >"$T/manual.stmt.json"
[ "$(jq -r '.subject[0].digest.sha256' "$T/manual.stmt.json")" = "$(sha256sum "$T/minutes.txt" | cut -d' ' -f1)" ] ||
    fail "manual attestation subject is not the file's digest"
[ "$(jq -r '.predicateType' "$T/manual.stmt.json")" = https://vigil.dev/attestations/manual/v1 ] || fail "predicate type"
[ "$(jq -c '.predicate | [.requirements, .expires, .attestedBy]' "$T/manual.stmt.json")" = \
  '[["ir2024-2690:1.1.1","nis2:21.2.a"],"2027-01-01","ciso"]' ] || fail "predicate: $(jq -c .predicate "$T/manual.stmt.json")"
expect_status 0 $VIGIL verify --key "$T/signer.pub" --bundle "$T/manual.sigstore.json" --subject "$T/minutes.txt" \
    --type https://vigil.dev/attestations/manual/v1
manual_status() { # NOW KEY [FILE] -> the status of ir2024-2690:1.1.1
    local key=() file=${3:-$T/manual.sigstore.json}
    [ -n "$2" ] && key=(--key "$2")
    $VIGIL policy eval --rule "$T/pack/vex.lua" --evidence "$file" "${key[@]}" --now "$1" -o json="$T/man.json" \
        >/dev/null 2>&1 || true
    jq -r '.requirements[] | select(.id == "ir2024-2690:1.1.1") | .status' "$T/man.json"
}
[ "$(manual_status 2026-12-31T23:59:59Z "$T/signer.pub")" = pass ] || fail "verified manual attestation not counted"
[ "$(manual_status 2027-01-01T00:00:00Z "$T/signer.pub")" = not_checked ] || fail "expired manual attestation counted"
[ "$(manual_status 2026-12-31T00:00:00Z "$T/other.pub")" = not_checked ] || fail "manual attestation counted with the wrong key"
[ "$(manual_status 2026-12-31T00:00:00Z "")" = not_checked ] || fail "unverified manual attestation counted"
jq -e '.manual[0] | .in_effect == false and (.problem | test("not verified"))' "$T/man.json" >/dev/null ||
    fail "unverified manual attestation: $(jq -c .manual "$T/man.json")"
payload=$(jq -r .dsseEnvelope.payload "$T/manual.sigstore.json" | base64 -d | sed 's/2027-01-01/2099-01-01/' | base64 -w0)
jq --arg p "$payload" '.dsseEnvelope.payload = $p' "$T/manual.sigstore.json" >"$T/tampered.sigstore.json"
[ "$(manual_status 2026-12-31T00:00:00Z "$T/signer.pub" "$T/tampered.sigstore.json")" = not_checked ] ||
    fail "tampered manual attestation counted"
expect_status 2 $VIGIL evidence attest --requirement ir2024-2690:1.1.1 --statement s --expires 2026-11-30 \
    --key "$T/signer.key" --now 2026-12-01T00:00:00Z
expect_stderr 'the date has passed'
expect_status 2 $VIGIL evidence attest --requirement 'not an id' --statement s --expires 2027-01-01 --key "$T/signer.key"
expect_stderr 'not a requirement id'

# 11. A YAML alias bomb (9^7 values from a 400-byte file) is refused before
#     it is expanded: with the limit's message and a peak memory far below
#     what expanding it takes (190 MB before this was fixed; about 12 MB,
#     40 under the sanitizers).  Aliases that stay small work.
need_cmd /usr/bin/time
/usr/bin/time -f %M -o "$T/bomb.kb" $VIGIL policy evidence --evidence "$VIGIL_SRC/tests/fuzz/corpus/yaml/bomb.yaml" \
    >/dev/null 2>"$T/bomb.err" && fail "the alias bomb was read"
grep -q 'bomb.yaml: line 1, column 1: more than 2000000 values (aliases expanding too far?)' "$T/bomb.err" ||
    fail "alias bomb not refused before expansion: $(cat "$T/bomb.err")"
[ "$(tail -1 "$T/bomb.kb")" -lt 100000 ] || fail "the alias bomb took $(tail -1 "$T/bomb.kb") KB before it was refused"
printf 'a: &x [1, 2, 3]\nb: [*x, *x]\n' >"$T/alias.yaml"
expect_status 0 $VIGIL policy evidence --evidence "$T/alias.yaml" --data
[ "$(jq -c '.[0].data' "$T/stdout")" = '{"a":[1,2,3],"b":[[1,2,3],[1,2,3]]}' ] || fail "aliases: $(cat "$T/stdout")"

# 12. Every results document the sections above wrote is valid against
#     docs/policy-results.schema.json: plain (r1), waived and expired
#     waivers (w1), against a baseline with absent results (b, b2), rule
#     errors (bad) and a manual attestation (man).  The schema check can
#     fail: a result without its fingerprint, a skip without its reason.
if have_validator; then
    for f in r1 w1 b b2 bad man; do
        [ -s "$T/$f.json" ] || fail "$f.json was not written"
        validate vigil-policy-results "$T/$f.json"
    done
    [ "$(jq '[.results[] | select(.waiver)] | length' "$T/w1.json")" -gt 0 ] || fail "w1.json has no waived result to check"
    [ "$(jq -s 'map(.absent | length) | add' "$T/b.json" "$T/b2.json")" -gt 0 ] || fail "no absent result to check"
    jq 'del(.results[0].fingerprint)' "$T/r1.json" >"$T/bad-schema.json"
    if node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-policy-results "$T/bad-schema.json" 2>/dev/null; then
        fail "the schema accepts a result without its fingerprint"
    fi
    jq '.results[0] |= (.status = "skip" | del(.reason))' "$T/r1.json" >"$T/bad-schema.json"
    if node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-policy-results "$T/bad-schema.json" 2>/dev/null; then
        fail "the schema accepts a skip without its reason"
    fi
fi
