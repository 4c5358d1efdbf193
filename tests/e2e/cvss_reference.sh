#!/usr/bin/env bash
# cvss_reference.sh — differential test of vigil's CVSS scoring
# (src/model/cvss.c) against ae-cvss-calculator 1.0.13 (metaeffekt, npm), an
# independent implementation of CVSS 2.0, 3.0, 3.1 and 4.0: 2 seeds x 2500
# generated vectors per seed (tests/tools/cvss-ref/gen.py, seeds 1 and 2), every score
# must agree.  The vectors go through unit_cvss --score, the unit test
# program's scoring mode, since the CLI has no scoring command.
source "$(dirname "$0")/lib.sh"
need_cmd node
need_cmd python3
REF=$VIGIL_SRC/tests/tools/cvss-ref
[ -d "$REF/node_modules/ae-cvss-calculator" ] || skip "run: npm ci --prefix tests/tools/cvss-ref"
UNIT=${VIGIL_BUILD:?}/tests/unit_cvss
[ -x "$UNIT" ] || fail "$UNIT is not built"

for seed in 1 2; do
    python3 "$REF/gen.py" "$seed" 2500 >"$TMP/vectors"
    [ "$(wc -l <"$TMP/vectors")" = 10000 ] || fail "generator wrote $(wc -l <"$TMP/vectors") vectors"
    "$UNIT" --score <"$TMP/vectors" >"$TMP/vigil" || fail "unit_cvss --score failed"
    (cd "$REF" && node ref.js) <"$TMP/vectors" >"$TMP/ref" || fail "ref.js failed"
    # The reference must have scored every vector: an 'invalid' there is a
    # generator bug, not agreement.
    ! grep -q $'\tinvalid$' "$TMP/ref" || fail "the reference refused generated vectors: $(grep -m3 $'\tinvalid$' "$TMP/ref")"
    if ! diff "$TMP/vigil" "$TMP/ref" >"$TMP/diff"; then
        head -20 "$TMP/diff" >&2
        fail "seed $seed: $(grep -c '^<' "$TMP/diff") scores differ (< vigil, > ae-cvss-calculator)"
    fi
done

# Vectors the specifications forbid are refused by vigil (the reference is
# more lenient, so these are checked against vigil alone).
printf '%s\n' 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N' \
    'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' >"$TMP/bad"
"$UNIT" --score <"$TMP/bad" >"$TMP/badout"
[ "$(grep -c $'\tinvalid$' "$TMP/badout")" = 3 ] || fail "invalid vectors were scored: $(cat "$TMP/badout")"
echo "ok: 20000 vectors agree with ae-cvss-calculator"
