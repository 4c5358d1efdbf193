#!/bin/bash
# version_rpm.sh — differential test of vigil's rpm version ordering
# against rpm's own rpmvercmp (rpm.labelCompare from python3-rpm) on
# 120 000 generated [epoch:]version[-release] pairs, including ~ and ^.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
/usr/bin/python3 -c 'import rpm' 2>/dev/null || skip "python3-rpm is not installed"

gen_pairs rpm 120000 4202 "$TMP/pairs"
vigil_compare rpm "$TMP/pairs" "$TMP/vigil"
/usr/bin/python3 "$REF_DIR/rpmref.py" "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "rpm vs rpm.labelCompare" 100000 2
