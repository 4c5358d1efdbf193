#!/bin/bash
# version_semver.sh — differential test of vigil's npm SemVer ordering and
# range matching against the npm "semver" package (tests/tools/version-ref,
# installed by `npm ci --prefix tests/tools/version-ref`): 170 000
# generated version pairs and 220 000 generated range/version pairs; Cargo
# (SemVer 2.0.0 precedence) on the strict subset of the same pairs.
# (so that more than 100 000 of each are valid for both sides.)
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd node
[ -d "$REF_DIR/node_modules/semver" ] || skip "run: npm ci --prefix tests/tools/version-ref"

gen_pairs npm 170000 4206 "$TMP/pairs"
vigil_compare npm "$TMP/pairs" "$TMP/vigil"
node "$REF_DIR/semver.js" compare "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "npm SemVer vs semver" 100000

# Cargo: same precedence on what the semver crate accepts (no "v", no
# blanks, major/minor/patch within u64 — vigil refuses the rest).
vigil_compare crates.io "$TMP/pairs" "$TMP/cargo"
agree "$TMP/pairs" "$TMP/cargo" "$TMP/ref" "crates.io SemVer vs semver" 100000 1

gen_pairs npm-range 220000 4207 "$TMP/ranges"
vigil_range "$TMP/ranges" "$TMP/vigil-range"
node "$REF_DIR/semver.js" range "$TMP/ranges" >"$TMP/ref-range"
agree "$TMP/ranges" "$TMP/vigil-range" "$TMP/ref-range" "npm ranges vs semver.satisfies" 100000
