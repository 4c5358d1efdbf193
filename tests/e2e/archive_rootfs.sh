# archive_rootfs.sh — vigil sbom on root filesystem tarballs: the official
# Alpine 3.10.9 and 3.11.13 minirootfs .tar.gz as shipped, and the 3.10.9 one
# recompressed here as .tar.zst, .tar.xz, .tar.bz2 and plain .tar.  Each must
# give exactly the P:/V:/A: records of lib/apk/db/installed (read with awk
# from the tarball by GNU tar), the OS from etc/os-release (distro= in the
# purls), and the target's SHA-256 hash must be sha256sum of the file.
# A tarball whose etc/os-release is a hardlink must still give the OS.
# The Debian package-database tarball (etc/os-release is a symlink to
# ../usr/lib/os-release inside the archive) must give dpkg-query's list.
. "$(dirname "$0")/lib.sh"

need_cmd python3

# check_rootfs FILE DBTEXT WHAT: apk packages of FILE against the database text.
check_rootfs() {
    local file=$1 db=$2 what=$3 out="$TMP/$3.json"
    expect_status 0 "$VIGIL" sbom "$file" -o "cyclonedx-json=$out"
    validate_cyclonedx "$out"
    cdx_packages "$out" apk >"$TMP/$what.got"
    awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^A:/ { a = substr($0, 3) }
             /^$/ { if (p != "") print p "\t" v "\t" a; p = v = a = "" }
             END { if (p != "") print p "\t" v "\t" a }' "$db" >"$TMP/$what.want"
    [ -s "$TMP/$what.want" ] || fail "no apk records in the database of $what"
    same_lines "$TMP/$what.got" "$TMP/$what.want" "apk packages of $what (vigil vs awk)"
    local sum
    sum=$(sha256sum <"$file" | cut -d' ' -f1)
    python3 - "$out" "$sum" <<'PY' || fail "$what: target hash or distro"
import json, sys
doc = json.load(open(sys.argv[1]))
meta = doc["metadata"]["component"]
hashes = [h["content"] for h in meta.get("hashes", []) if h["alg"] == "SHA-256"]
if hashes != [sys.argv[2]]:
    sys.exit(f"target hashes {hashes}, sha256sum says {sys.argv[2]}")
kind = {p["name"]: p["value"] for p in meta.get("properties", [])}.get("vigil:target:kind")
if kind != "rootfs-archive":
    sys.exit(f"target kind {kind}")
for c in doc["components"]:
    if c.get("purl", "").startswith("pkg:apk/") and "distro=alpine-" not in c["purl"]:
        sys.exit(f"{c['purl']}: no distro qualifier, os-release not read")
PY
    echo "ok: $what, $(wc -l <"$TMP/$what.got") apk packages"
}

for version in 3.10.9 3.11.13; do
    tarball="fixtures/rootfs/alpine-minirootfs-$version-x86_64.tar.gz"
    need_shared "$tarball"
    tar -xzOf "$VIGIL_SHARED/$tarball" ./lib/apk/db/installed >"$TMP/installed-$version"
    check_rootfs "$VIGIL_SHARED/$tarball" "$TMP/installed-$version" "alpine-$version.tar.gz"
done

src="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz"
gzip -dc "$src" >"$TMP/alpine.tar"
check_rootfs "$TMP/alpine.tar" "$TMP/installed-3.10.9" "alpine.tar"
xz -c "$TMP/alpine.tar" >"$TMP/alpine.tar.xz"
check_rootfs "$TMP/alpine.tar.xz" "$TMP/installed-3.10.9" "alpine.tar.xz"
bzip2 -c "$TMP/alpine.tar" >"$TMP/alpine.tar.bz2"
check_rootfs "$TMP/alpine.tar.bz2" "$TMP/installed-3.10.9" "alpine.tar.bz2"
if have_cmd zstd ".tar.zst"; then
    zstd -q -c "$TMP/alpine.tar" >"$TMP/alpine.tar.zst"
    check_rootfs "$TMP/alpine.tar.zst" "$TMP/installed-3.10.9" "alpine.tar.zst"
fi

# Debian: dpkg-query over the database in the tarball.
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
if have_cmd dpkg-query "the Debian tarball"; then
    deb="$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz"
    mkdir "$TMP/deb"
    tar -xzf "$deb" -C "$TMP/deb"
    dpkg-query --admindir="$TMP/deb/var/lib/dpkg" -W -f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n' |
        awk -F'\t' '$1 == "installed" { print $2 "\t" $3 "\t" $4 }' >"$TMP/deb.want"
    [ "$(wc -l <"$TMP/deb.want")" -gt 50 ] || fail "dpkg-query found too few packages in the Debian tarball"
    expect_status 0 "$VIGIL" sbom "$deb" -o "cyclonedx-json=$TMP/deb.json"
    cdx_packages "$TMP/deb.json" deb >"$TMP/deb.got"
    same_lines "$TMP/deb.got" "$TMP/deb.want" "deb packages of the Debian tarball (vigil vs dpkg-query)"
    grep -q 'distro=debian-12' "$TMP/deb.json" || fail "etc/os-release -> ../usr/lib/os-release not followed inside the archive"
    echo "ok: debian tarball, $(wc -l <"$TMP/deb.got") deb packages, os-release via its symlink"
fi

# Hardlinks: etc/os-release as a hardlink to usr/lib/os-release (tar stores
# only the link name); the OS must still be read.
python3 - "$src" "$TMP/hardlink.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as s, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as d:
    os_release = s.extractfile("./etc/os-release").read()
    for m in s:
        if m.name != "./etc/os-release":
            d.addfile(m, s.extractfile(m) if m.isreg() else None)
    info = tarfile.TarInfo("usr/lib/os-release")
    info.size = len(os_release)
    d.addfile(info, io.BytesIO(os_release))
    link = tarfile.TarInfo("etc/os-release")
    link.type = tarfile.LNKTYPE
    link.linkname = "usr/lib/os-release"
    d.addfile(link)
PY
check_rootfs "$TMP/hardlink.tar" "$TMP/installed-3.10.9" "hardlinked-os-release.tar"
