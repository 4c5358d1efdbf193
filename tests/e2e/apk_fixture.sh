# apk_fixture.sh — vigil sbom on the official Alpine 3.10.9 and 3.11.13 mini
# root filesystems.  The apk components must be exactly the P:/V:/A:
# records of lib/apk/db/installed (read here with awk); the OS must be
# detected from etc/os-release (the purls' namespace and distro); every purl
# must be the canonical pkg:apk/alpine/NAME@VERSION?arch=..&distro=..
# [&upstream=ORIGIN when the origin differs]; the owned-file count must be
# the number of R: lines of the record.
. "$(dirname "$0")/lib.sh"

need_cmd python3

check_alpine() {
    local version=$1
    local tarball="fixtures/rootfs/alpine-minirootfs-$version-x86_64.tar.gz"
    need_shared "$tarball"
    local root="$TMP/alpine-$version"
    mkdir "$root"
    tar -xzf "$VIGIL_SHARED/$tarball" -C "$root"
    local db="$root/lib/apk/db/installed"

    expect_status 0 "$VIGIL" sbom "$root" -o "cyclonedx-json=$TMP/$version.json"
    validate_cyclonedx "$TMP/$version.json"

    cdx_packages "$TMP/$version.json" apk >"$TMP/$version.vigil"
    awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^A:/ { a = substr($0, 3) }
             /^$/ { if (p != "") print p "\t" v "\t" a; p = v = a = "" }
             END { if (p != "") print p "\t" v "\t" a }' "$db" >"$TMP/$version.awk"
    [ -s "$TMP/$version.awk" ] || fail "awk found no apk records in $db"
    same_lines "$TMP/$version.vigil" "$TMP/$version.awk" "apk packages of Alpine $version (vigil vs awk)"
    [ -z "$(LC_ALL=C sort "$TMP/$version.vigil" | uniq -d)" ] || fail "duplicate apk components"

    # expected purl and file count per record, built here from the database
    # and the os-release the shell sources
    local distro
    distro=$(. "$root/etc/os-release" && printf '%s-%s' "$ID" "$VERSION_ID")
    [ "$distro" = "alpine-$version" ] || fail "os-release of Alpine $version says $distro"
    awk -F: -v distro="$distro" '
        function flush() {
            if (p == "") return
            purl = "pkg:apk/alpine/" p "@" v "?arch=" a "&distro=" distro
            if (o != "" && o != p) purl = purl "&upstream=" o
            print p "\t" purl "\t" r
        }
        /^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^A:/ { a = substr($0, 3) }
        /^o:/ { o = substr($0, 3) } /^R:/ { r++ }
        /^$/ { flush(); p = v = a = o = ""; r = 0 }
        END { flush() }' "$db" | sed 's/+/%2B/g' >"$TMP/$version.want"
    python3 - "$TMP/$version.json" >"$TMP/$version.got" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1])).get("components", []):
    if c.get("purl", "").startswith("pkg:apk/"):
        props = {p["name"]: p.get("value") for p in c.get("properties", [])}
        print(f"{c['name']}\t{c['purl']}\t{props.get('vigil:package:file-count', '0')}")
PY
    same_lines "$TMP/$version.got" "$TMP/$version.want" "apk purls and file counts of Alpine $version"
    echo "ok: Alpine $version, $(wc -l <"$TMP/$version.vigil") apk packages"
}

check_alpine 3.10.9
check_alpine 3.11.13
