#!/bin/bash
# version_pep440.sh — differential test of vigil's PEP 440 ordering against
# packaging.version.Version (python3-packaging) on 120 000 generated pairs.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
/usr/bin/python3 -c 'import packaging.version' 2>/dev/null || skip "python3-packaging is not installed"

gen_pairs pep440 120000 4203 "$TMP/pairs"
vigil_compare PyPI "$TMP/pairs" "$TMP/vigil"
/usr/bin/python3 "$REF_DIR/pep440.py" "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "PEP 440 vs packaging" 90000
