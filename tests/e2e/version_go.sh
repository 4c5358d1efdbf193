#!/bin/bash
# version_go.sh — differential test of vigil's Go module version ordering
# against golang.org/x/mod/semver (Debian golang-go and
# golang-golang-x-mod-dev, built offline) on 120 000 generated pairs:
# pseudo-versions, +incompatible, shorthands, long numbers.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd go
[ -d /usr/share/gocode/src/golang.org/x/mod/semver ] || skip "golang-golang-x-mod-dev is not installed"

gen_pairs go 120000 4208 "$TMP/pairs"
vigil_compare Go "$TMP/pairs" "$TMP/vigil"
mkdir -p "$TMP/gocache"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$TMP/gocache" GOFLAGS= \
    go build -o "$TMP/gosemver" "$REF_DIR/gosemver.go"
"$TMP/gosemver" "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "Go vs x/mod/semver" 90000
