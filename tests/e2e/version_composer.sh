#!/bin/bash
# version_composer.sh — differential test of vigil's Packagist ordering
# against composer/semver (Debian php-cli and php-composer-semver) on
# 120 000 generated pairs.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd php
[ -f /usr/share/php/Composer/Semver/autoload.php ] || skip "php-composer-semver is not installed"

gen_pairs composer 120000 4209 "$TMP/pairs"
vigil_compare Packagist "$TMP/pairs" "$TMP/vigil"
php "$REF_DIR/composer.php" "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "Packagist vs composer/semver" 90000
