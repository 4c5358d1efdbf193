#!/bin/bash
# version_apk.sh — vigil's apk version ordering against every vector of
# apk-tools' own test data (../shared/testvectors/apk-version.data):
# "A op B" orderings (<, >, =), the validity lines ("V" valid, "!V"
# invalid).  The fuzzy-match lines (~, <~, >~, !~) test apk's prefix
# matching operator, which is not an ordering and not part of vigil; they
# are counted and skipped.  The two orderings that involve a version apk
# itself rejects as invalid ("1.0 < 1.0bc", marked so in the data, and
# "23_foo > 4_beta": "foo" is no apk suffix), which apk still orders by the
# tokens before the bad one, must be refused by vigil, which never guesses
# an order (docs/versions.md).
# Debian has no apk-tools package, so there is no reference for generated
# pairs; tests/fuzz/fuzz_version.c checks that the order is consistent.
source "$(dirname "$0")/lib.sh"
need_shared testvectors/apk-version.data
DRIVER="$VIGIL_BUILD/tests/unit_version_compare"
[ -x "$DRIVER" ] || fail "$DRIVER is missing"
DATA="$VIGIL_SHARED/testvectors/apk-version.data"

# Orderings: A<TAB>B and the expected result.
awk '$2 == "<" || $2 == ">" || $2 == "=" { print $1 "\t" $3 > "'"$TMP/pairs"'"; print $2 > "'"$TMP/want"'" }' "$DATA"
# Validity: one version per line, "!" marks an invalid one.
awk 'NF == 1 { v = $1; bad = (substr(v, 1, 1) == "!"); if (bad) v = substr(v, 2);
     print v "\t" v > "'"$TMP/valid-pairs"'"; print (bad ? "invalid" : "=") > "'"$TMP/valid-want"'" }' "$DATA"
fuzzy=$(awk '$2 ~ /~/' "$DATA" | wc -l)
[ "$(wc -l <"$TMP/pairs")" -gt 700 ] || fail "too few ordering vectors read from $DATA"
[ "$(wc -l <"$TMP/valid-pairs")" -gt 25 ] || fail "too few validity vectors read from $DATA"
for op in '<' '>' '='; do
    [ "$(grep -cx -- "$op" "$TMP/want")" -gt 10 ] || fail "too few '$op' vectors read from $DATA"
done

"$DRIVER" --compare apk "$TMP/pairs" >"$TMP/got"
"$DRIVER" --compare apk "$TMP/valid-pairs" >"$TMP/valid-got"

# The documented exceptions: apk orders "1.0bc" and "23_foo"; vigil refuses them.
paste "$TMP/got" "$TMP/want" "$TMP/pairs" | awk -F '\t' '
    $4 == "1.0bc" || $3 == "23_foo" { if ($1 != "invalid") { print $3 " " $4 " must be refused" > "/dev/stderr"; bad++ } ; exc++; next }
    $1 != $2 { bad++; printf "DISAGREE apk: %s %s %s: vigil says %s\n", $3, $2, $4, $1 > "/dev/stderr" }
    { n++ }
    END { printf "apk orderings: %d vectors agree, %d refused as documented, %d disagree\n", n - bad, exc, bad; exit bad > 0 }' \
    || fail "vigil disagrees with apk-tools' vectors"
paste "$TMP/valid-got" "$TMP/valid-want" "$TMP/valid-pairs" | awk -F '\t' '
    $1 != $2 { bad++; printf "DISAGREE apk validity: [%s]: vigil says %s, apk-tools %s\n", $3, $1, $2 > "/dev/stderr" }
    { n++ }
    END { printf "apk validity: %d vectors, %d disagree\n", n, bad; exit bad > 0 }' \
    || fail "vigil disagrees with apk-tools' validity vectors"
echo "apk fuzzy-match vectors skipped: $fuzzy"
