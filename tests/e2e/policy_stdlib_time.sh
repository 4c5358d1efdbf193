#!/usr/bin/env bash
# policy_stdlib_time.sh — differential test of the date functions of the
# policy rules' vigil library (vigil.time, vigil.date, vigil.days_between;
# src/policy/datetime.c, stdlib.c) against Python's datetime
# (tests/tools/datetime_ref.py): the real timestamps of ../shared's OSV
# records (modified, published, withdrawn), of CISA's KEV catalogue
# (dateAdded, dueDate) and of NVD's CVE records (published, lastModified,
# without a zone), then 20 000 generated strings of the documented forms,
# each also mutated once, 20 000 numbers for vigil.date and 20 000 pairs
# for days_between.  The rule tests/data/policy/stdlib/time.lua runs in the
# real sandbox through unit_policy_stdlib --run.
source "$(dirname "$0")/lib.sh"
need_cmd jq
[ -x /usr/bin/python3 ] || skip "python3 is not installed"
need_shared vulndata/osv
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/nvd/api-responses
UNIT=${VIGIL_BUILD:?}/tests/unit_policy_stdlib
[ -x "$UNIT" ] || fail "$UNIT is not built"

DATA=$VIGIL_SHARED/vulndata
find "$DATA/osv" -name '*.json' -print0 | sort -z >"$TMP/osv.list"
head -z -n 3000 "$TMP/osv.list" | xargs -0 jq -r '(.modified, .published, .withdrawn) | strings' >"$TMP/real.all"
jq -r '.vulnerabilities[] | (.dateAdded, .dueDate) | strings' "$DATA/kev/known_exploited_vulnerabilities.json" \
    >>"$TMP/real.all"
find "$DATA/nvd/api-responses" -name '*.json' -print0 |
    xargs -0 jq -r '.vulnerabilities[]?.cve | (.published, .lastModified) | strings' >>"$TMP/real.all"
sort -u "$TMP/real.all" >"$TMP/real"
grep -q 'T[0-9:.]*$' "$TMP/real" || fail "no zone-less NVD timestamp among the real ones"
[ "$(wc -l <"$TMP/real")" -ge 2000 ] || fail "only $(wc -l <"$TMP/real") real timestamps found"

/usr/bin/python3 "$VIGIL_SRC/tests/tools/datetime_ref.py" gen 11 20000 "$TMP/real" >"$TMP/inputs.json"
"$UNIT" --run "$VIGIL_SRC/tests/data/policy/stdlib/time.lua" <"$TMP/inputs.json" >"$TMP/vigil.json" ||
    fail "the date rule failed"
jq -r . "$TMP/vigil.json" >"$TMP/vigil"
/usr/bin/python3 "$VIGIL_SRC/tests/tools/datetime_ref.py" compare "$TMP/inputs.json" "$TMP/vigil" ||
    fail "vigil and Python's datetime disagree"
