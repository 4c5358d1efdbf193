#!/bin/bash
# version_dpkg.sh — differential test of vigil's dpkg version ordering on
# 120 000 generated pairs.  Debian's Dpkg::Version (libdpkg-perl) compares
# them all in one process; every pair where it and vigil differ is decided
# by `dpkg --compare-versions` itself, the reference the issue names
# (Dpkg::Version compares long digit runs as floating point numbers, and
# accepts strings dpkg rejects or warns about), and 300 further pairs are
# checked against dpkg directly.  A version vigil refuses must be one dpkg
# reports as bad syntax (error or warning).
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd perl
need_cmd dpkg
perl -MDpkg::Version -e 1 2>/dev/null || skip "Dpkg::Version is not installed (libdpkg-perl)"

# dpkg_says A B: "<", "=", ">" or "invalid" from dpkg itself.
dpkg_says() {
    local op
    for op in lt eq gt; do
        if dpkg --compare-versions "$1" "$op" "$2" 2>"$TMP/dpkg-err"; then
            if [ -s "$TMP/dpkg-err" ]; then echo invalid; return; fi
            case $op in lt) echo "<" ;; eq) echo "=" ;; gt) echo ">" ;; esac
            return
        fi
        if [ -s "$TMP/dpkg-err" ]; then echo invalid; return; fi
    done
    echo "none"
}

gen_pairs dpkg 120000 4201 "$TMP/pairs"
vigil_compare Debian "$TMP/pairs" "$TMP/vigil"
perl "$REF_DIR/dpkg.pl" "$TMP/pairs" >"$TMP/perl"

[ "$(wc -l <"$TMP/vigil")" = "$(wc -l <"$TMP/pairs")" ] || fail "vigil gave $(wc -l <"$TMP/vigil") results for $(wc -l <"$TMP/pairs") pairs"
[ "$(wc -l <"$TMP/perl")" = "$(wc -l <"$TMP/pairs")" ] || fail "Dpkg::Version gave $(wc -l <"$TMP/perl") results for $(wc -l <"$TMP/pairs") pairs"
# Enough pairs ordered, each outcome well represented: a generator that
# yields nothing, or only invalid or equal pairs, would prove nothing.
awk '$1 != "invalid" { n++; o[$1]++ }
     END { if (n < 80000 || o["<"] < 1000 || o["="] < 1000 || o[">"] < 1000) {
               printf "only %d pairs ordered (< %d, = %d, > %d)\n", n, o["<"], o["="], o[">"] > "/dev/stderr"; exit 1 } }' \
    "$TMP/vigil" || fail "too few pairs compared"

paste "$TMP/vigil" "$TMP/perl" "$TMP/pairs" | awk -F '\t' '$1 != $2' >"$TMP/disputed"
paste "$TMP/vigil" "$TMP/pairs" | awk -F '\t' '$1 != "invalid" && n++ < 300 { print $1 "\t-\t" $2 "\t" $3 }' >"$TMP/sample"
[ "$(wc -l <"$TMP/sample")" = 300 ] || fail "fewer than 300 pairs to check with dpkg itself"
bad=0
checked=0
while IFS=$'\t' read -r mine _ a b; do
    got=$(dpkg_says "$a" "$b")
    checked=$((checked + 1))
    if [ "$got" != "$mine" ]; then
        bad=$((bad + 1))
        if [ $bad -le 25 ]; then echo "DISAGREE dpkg: [$a] vs [$b]: vigil $mine, dpkg $got" >&2; fi
    fi
done < <(cat "$TMP/disputed" "$TMP/sample")
echo "dpkg: $(wc -l <"$TMP/pairs") pairs; $(($(wc -l <"$TMP/pairs") - $(wc -l <"$TMP/disputed"))) agree with Dpkg::Version;" \
     "$(wc -l <"$TMP/disputed") decided by dpkg --compare-versions, 300 more checked with it; $bad disagree"
[ "$checked" = $(($(wc -l <"$TMP/disputed") + 300)) ] || fail "$checked pairs checked with dpkg, expected $(($(wc -l <"$TMP/disputed") + 300))"
[ $bad -eq 0 ] || fail "vigil and dpkg disagree"
