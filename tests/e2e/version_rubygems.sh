#!/bin/bash
# version_rubygems.sh — differential test of vigil's RubyGems ordering
# against Gem::Version (Debian ruby) on 120 000 generated pairs.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd ruby

gen_pairs rubygems 120000 4204 "$TMP/pairs"
vigil_compare RubyGems "$TMP/pairs" "$TMP/vigil"
ruby "$REF_DIR/gem.rb" "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "RubyGems vs Gem::Version" 100000
