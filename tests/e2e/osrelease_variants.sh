# osrelease_variants.sh — OS identification from os-release(5), seen through
# the deb purl of one package (pkg:deb/ID/...&distro=ID-VERSION_ID).  The
# expected ID and VERSION_ID come from the shell itself sourcing the file
# (os-release is specified as shell-compatible), so quoting rules are
# checked against a real shell.  Cases: etc only, usr/lib only, both
# (etc wins, os-release(5)), etc as a symlink to ../usr/lib/os-release,
# shell quoting with comments and a bad line (warned about: exit 3),
# and no os-release at all (namespace "debian", no distro qualifier).
. "$(dirname "$0")/lib.sh"

need_cmd python3

# make_root NAME: a root with one installed package
make_root() {
    mkdir -p "$TMP/$1/var/lib/dpkg" "$TMP/$1/etc" "$TMP/$1/usr/lib"
    printf '%s\n' 'Package: hello' 'Status: install ok installed' 'Architecture: amd64' \
        'Version: 2.10-3' 'Maintainer: Santiago Vila <sanvila@debian.org>' 'Description: greeting' \
        >"$TMP/$1/var/lib/dpkg/status"
}

# purl_of NAME: the deb purl vigil writes for root NAME (exit status WANT)
purl_of() {
    expect_status "$2" "$VIGIL" sbom "$TMP/$1" -o "cyclonedx-json=$TMP/$1.json"
    python3 - "$TMP/$1.json" <<'PY'
import json, sys
purls = [c["purl"] for c in json.load(open(sys.argv[1])).get("components", []) if c.get("purl", "").startswith("pkg:deb/")]
assert len(purls) == 1, purls
print(purls[0])
PY
}

# shell_says FILE: "ID<TAB>VERSION_ID" as the shell reads FILE
shell_says() {
    bash -c '. "$1" 2>/dev/null; printf "%s\t%s" "$ID" "$VERSION_ID"' _ "$1"
}

# expect_purl NAME OSFILE WANT_STATUS: the purl carries the shell's ID and ID-VERSION_ID
expect_purl() {
    local got id ver enc
    got=$(purl_of "$1" "$3")
    IFS=$'\t' read -r id ver <<<"$(shell_says "$2")"
    enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=":/"))' "$id-$ver")
    [ "$got" = "pkg:deb/$id/hello@2.10-3?arch=amd64&distro=$enc" ] || fail "$1: purl $got, os-release says ID=$id VERSION_ID=$ver"
}

# 1. etc/os-release only
make_root etc-only
printf 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n' >"$TMP/etc-only/etc/os-release"
expect_purl etc-only "$TMP/etc-only/etc/os-release" 0

# 2. usr/lib/os-release only
make_root usr-only
printf 'ID=debian\nVERSION_ID="11"\n' >"$TMP/usr-only/usr/lib/os-release"
expect_purl usr-only "$TMP/usr-only/usr/lib/os-release" 0

# 3. both: etc wins
make_root both
printf 'ID=debian\nVERSION_ID="11"\n' >"$TMP/both/usr/lib/os-release"
printf 'ID=ubuntu\nVERSION_ID="24.04"\n' >"$TMP/both/etc/os-release"
expect_purl both "$TMP/both/etc/os-release" 0

# 4. etc/os-release -> ../usr/lib/os-release
make_root symlink
printf 'ID=devuan\nVERSION_ID=5\n' >"$TMP/symlink/usr/lib/os-release"
ln -s ../usr/lib/os-release "$TMP/symlink/etc/os-release"
expect_purl symlink "$TMP/symlink/usr/lib/os-release" 0

# 5. quoting: single quotes keep a space (encoded %20 in the purl), escapes
#    in double quotes, comments, and one bad line that is skipped with a warning
make_root quoting
cat >"$TMP/quoting/etc/os-release" <<'EOF'
# a comment
  # an indented comment
NAME="My \"quoted\" OS"
ID=my'os'
VERSION_ID='1 beta'
this line is not an assignment
PRETTY_NAME="My OS \$HOME \\ \`x\`"
EOF
expect_purl quoting "$TMP/quoting/etc/os-release" 3
expect_stderr 'etc/os-release'
[ "$(shell_says "$TMP/quoting/etc/os-release")" = $'myos\t1 beta' ] || fail "test setup: shell reads the quoting case differently"

# 6. no os-release: the deb namespace defaults to debian, no distro
make_root none
got=$(purl_of none 0)
[ "$got" = "pkg:deb/debian/hello@2.10-3?arch=amd64" ] || fail "no os-release: purl $got"
echo "ok: os-release variants"
