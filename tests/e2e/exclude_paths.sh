# exclude_paths.sh — --exclude GLOB on a directory, a root filesystem tarball
# and an image.  The target: the real Debian 12 package database
# (var/lib/dpkg, read by dpkg-query for the reference count) plus lock files
# from tests/data (an npm package-lock.json under srv/app, Cargo.lock files
# under opt/tool and opt/old/vendor).  Each --exclude run must give exactly
# the components of a scan of a copy of the tree from which the excluded
# paths were deleted (compared as type, name, version, purl and
# vigil:location), and none of the excluded ones: no deb package when
# var/lib/dpkg is excluded (dpkg-query counts what was there).  Patterns
# exercised: ./PATH, /PATH, **/NAME, */NAME, ./DIR/**/FILE.  A symlink into
# an excluded directory (etc/os-release -> ../usr/lib/os-release with
# ./usr/lib excluded) is not followed and is no warning.  Bad patterns are
# usage errors (exit 2) that name the pattern.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd python3
need_cmd dpkg-query
FIXTURE="$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz"
DATA="$VIGIL_SRC/tests/data"

mkdir -p "$TMP/tree"
tar -xzf "$FIXTURE" -C "$TMP/tree"
mkdir -p "$TMP/tree/srv/app" "$TMP/tree/opt/tool" "$TMP/tree/opt/old/vendor"
cp "$DATA/npm/lock-v1/package-lock.json" "$TMP/tree/srv/app/"
cp "$DATA/cargo/v3/Cargo.lock" "$TMP/tree/opt/tool/"
cp "$DATA/cargo/v4/Cargo.lock" "$TMP/tree/opt/old/vendor/"
debs=$(dpkg-query --admindir="$TMP/tree/var/lib/dpkg" -W -f='${db:Status-Status}\n' | grep -c '^installed$')
[ "$debs" -gt 50 ] || fail "dpkg-query finds only $debs installed packages in the fixture"

# components FILE: one line per component of a CycloneDX document.
components() {
    python3 - "$1" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1])).get("components", []):
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    print("\t".join([c.get("type", ""), c.get("name", ""), c.get("version", ""), c.get("purl", ""),
                     props.get("vigil:location", "")]))
PY
}
# count_purls FILE TYPE: how many components have a purl of TYPE.
count_purls() {
    components "$1" >"$TMP/count.list" || fail "cannot read the components of $1"
    awk -F'\t' -v t="pkg:$2/" 'index($4, t) == 1 { n++ } END { print n + 0 }' "$TMP/count.list"
}

expect_status 0 "$VIGIL" sbom -q "$TMP/tree" -o "cyclonedx-json=$TMP/all.json"
components "$TMP/all.json" >"$TMP/all.list"
[ "$(count_purls "$TMP/all.json" deb)" = "$debs" ] || fail "the full scan does not list dpkg-query's $debs packages"
[ "$(count_purls "$TMP/all.json" npm)" -gt 0 ] || fail "the full scan has no npm package"
[ "$(count_purls "$TMP/all.json" cargo)" -gt 0 ] || fail "the full scan has no cargo package"

# check WHAT EXIT_WITH EXIT_WITHOUT "PATHS TO DELETE" --exclude ARGS...: the
# scan with the exclusions against the scan of a copy without PATHS.
check() {
    local what=$1 status_with=$2 status_without=$3 remove=$4
    shift 4
    rm -rf "$TMP/copy"
    cp -a "$TMP/tree" "$TMP/copy"
    for p in $remove; do
        [ -e "$TMP/copy/$p" ] || [ -L "$TMP/copy/$p" ] || fail "$what: $p is not in the tree"
        rm -rf "${TMP:?}/copy/$p"
    done
    expect_status "$status_without" "$VIGIL" sbom -q "$TMP/copy" -o "cyclonedx-json=$TMP/without.json"
    expect_status "$status_with" "$VIGIL" sbom "$TMP/tree" "$@" -o "cyclonedx-json=$TMP/with.json"
    [ -s "$TMP/stderr" ] && [ "$status_with" = 0 ] && { cat "$TMP/stderr" >&2; fail "$what: warnings"; }
    components "$TMP/with.json" >"$TMP/with.list"
    components "$TMP/without.json" >"$TMP/without.list"
    same_lines "$TMP/with.list" "$TMP/without.list" "$what: components (--exclude vs deleted)"
    cmp -s "$TMP/with.list" "$TMP/all.list" && fail "$what: --exclude changed nothing"
    echo "ok: $what: $(wc -l <"$TMP/with.list") components, as without $remove"
}

check "./var/lib/dpkg" 0 0 "var/lib/dpkg" --exclude ./var/lib/dpkg
[ "$(count_purls "$TMP/with.json" deb)" = 0 ] || fail "deb packages listed with var/lib/dpkg excluded"
check "/var/lib/dpkg/status" 0 0 "var/lib/dpkg/status" --exclude /var/lib/dpkg/status
check "**/vendor and */tool" 0 0 "opt/old/vendor opt/tool" --exclude '**/vendor' --exclude '*/tool'
[ "$(count_purls "$TMP/with.json" cargo)" = 0 ] || fail "cargo packages listed with both Cargo.lock excluded"
check "./srv/**/package-lock.json" 0 0 "srv/app/package-lock.json" --exclude './srv/**/package-lock.json'
[ "$(count_purls "$TMP/with.json" npm)" = 0 ] || fail "npm packages listed with package-lock.json excluded"
# etc/os-release -> ../usr/lib/os-release: excluded, the link is not followed
# (no warning, exit 0); deleted, it dangles (a warning, exit 3).
[ -L "$TMP/tree/etc/os-release" ] || fail "the fixture's etc/os-release is not a symlink"
check "./usr/lib (a symlink into it)" 0 3 "usr/lib" --exclude ./usr/lib
grep -q 'distro=debian' "$TMP/with.json" && fail "os-release was read through a link into an excluded directory"

# A root filesystem tarball and an image (docker archive: layer 0 the tree
# without the lock files, layer 1 the lock files) with the same exclusions.
tar -cf "$TMP/tree.tar" -C "$TMP/tree" .
expect_status 0 "$VIGIL" sbom -q "$TMP/tree.tar" --exclude ./var/lib/dpkg --exclude '**/vendor' \
    -o "cyclonedx-json=$TMP/tar.json"
rm -rf "$TMP/copy" && cp -a "$TMP/tree" "$TMP/copy" && rm -rf "$TMP/copy/var/lib/dpkg" "$TMP/copy/opt/old/vendor"
tar -cf "$TMP/copy.tar" -C "$TMP/copy" .
expect_status 0 "$VIGIL" sbom -q "$TMP/copy.tar" -o "cyclonedx-json=$TMP/copy-tar.json"
same_lines <(components "$TMP/tar.json") <(components "$TMP/copy-tar.json") "tarball: components (--exclude vs deleted)"
[ "$(count_purls "$TMP/tar.json" deb)" = 0 ] || fail "tarball: deb packages listed with var/lib/dpkg excluded"
echo "ok: root filesystem tarball, $(components "$TMP/tar.json" | wc -l) components"

mkdir -p "$TMP/l1/srv" "$TMP/l1/opt"
mv "$TMP/tree/srv/app" "$TMP/l1/srv/" && mv "$TMP/tree/opt/tool" "$TMP/tree/opt/old" "$TMP/l1/opt/"
tar -cf "$TMP/l0.tar" -C "$TMP/tree" .
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f docker-archive -o "$TMP/image.tar" "$TMP/l0.tar" "$TMP/l1"
rm -rf "$TMP/l1/opt/tool"
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f docker-archive -o "$TMP/image-without.tar" "$TMP/l0.tar" "$TMP/l1"
expect_status 0 "$VIGIL" sbom -q "$TMP/image.tar" --exclude /opt/tool -o "cyclonedx-json=$TMP/image.json"
expect_status 0 "$VIGIL" sbom -q "$TMP/image-without.tar" -o "cyclonedx-json=$TMP/image-without.json"
same_lines <(components "$TMP/image.json") <(components "$TMP/image-without.json") "image: components (--exclude vs deleted)"
[ "$(count_purls "$TMP/image.json" deb)" = "$debs" ] || fail "image: the deb packages are not all there"
components "$TMP/image.json" | grep -q 'opt/tool' && fail "image: a component from opt/tool"
echo "ok: image, $(components "$TMP/image.json" | wc -l) components, opt/tool left out"

# Bad patterns: usage errors naming the pattern, before anything is read.
expect_status 2 "$VIGIL" sbom -q "$TMP/tree" --exclude var/lib/dpkg
expect_stderr "--exclude var/lib/dpkg: begin the pattern with \./ or /"
expect_status 2 "$VIGIL" sbom -q "$TMP/tree" --exclude ./
expect_stderr "--exclude \./: names the scanned root itself"
expect_status 2 "$VIGIL" sbom -q "$TMP/tree" --exclude ./a/../../etc
expect_stderr "would leave the scanned root"
echo "ok: bad patterns are usage errors"
