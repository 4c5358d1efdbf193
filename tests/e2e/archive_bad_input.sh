# archive_bad_input.sh — hostile and broken root filesystem tarballs.
# Errors (truncated .tar.gz, corrupt gzip, a bomb past --max-total-size) must
# exit 1 with a message naming the file and what is wrong, and write no
# output file.  Problems with single entries (a "../../etc/passwd" or
# absolute entry, an etc/os-release symlink loop or pointing above the root,
# a wanted file larger than --max-file-size) must exit 3 with a warning naming
# the archive or the entry, and still write the SBOM of the rest, checked
# against the apk database the entries came from.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
ALPINE="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz"
tar -xzOf "$ALPINE" ./lib/apk/db/installed >"$TMP/installed"
awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^A:/ { a = substr($0, 3) }
         /^$/ { if (p != "") print p "\t" v "\t" a; p = v = a = "" }' "$TMP/installed" >"$TMP/apk.want"
[ "$(wc -l <"$TMP/apk.want")" -gt 10 ] || fail "too few apk records read from $ALPINE"

# expect_error FILE PATTERN [OPTIONS...]: exit 1, stderr matches, no output written.
expect_error() {
    local file=$1 pattern=$2
    shift 2
    rm -f "$TMP/out.json"
    expect_status 1 "$VIGIL" sbom "$@" "$file" -o "cyclonedx-json=$TMP/out.json"
    expect_stderr "$pattern"
    [ ! -e "$TMP/out.json" ] || fail "an output file was written for $file"
    echo "ok: $(basename "$file"): $(grep -m1 -E "$pattern" "$TMP/stderr")"
}

# expect_incomplete FILE PATTERN WHAT [OPTIONS...]: exit 3, warning matches, SBOM has the apk packages.
expect_incomplete() {
    local file=$1 pattern=$2 what=$3
    shift 3
    expect_status 3 "$VIGIL" sbom "$@" "$file" -o "cyclonedx-json=$TMP/$what.json"
    expect_stderr "$pattern"
    cdx_packages "$TMP/$what.json" apk >"$TMP/$what.got"
    same_lines "$TMP/$what.got" "$TMP/apk.want" "apk packages of $what"
    echo "ok: $what: $(grep -m1 -E "$pattern" "$TMP/stderr")"
}

# Truncated and corrupt compressed streams.
head -c 1000000 "$ALPINE" >"$TMP/truncated.tar.gz"
expect_error "$TMP/truncated.tar.gz" "truncated\.tar\.gz: .*[Tt]runcated"
python3 - "$ALPINE" "$TMP/corrupt.tar.gz" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[5000:5100] = b"\x55" * 100
open(sys.argv[2], "wb").write(bytes(data))
PY
expect_error "$TMP/corrupt.tar.gz" "corrupt\.tar\.gz: "
printf 'this is not an archive\n' >"$TMP/notarchive.tar"
expect_error "$TMP/notarchive.tar" "notarchive\.tar: "

# A gzip bomb: 512 MiB of zeros in one wanted file, about 0.5 MiB compressed.
python3 - "$TMP/bomb.tar.gz" <<'PY'
import gzip, sys, tarfile
class Zeros:
    def __init__(self, n): self.n = n
    def read(self, k=-1):
        k = self.n if k < 0 else min(k, self.n)
        self.n -= k
        return bytes(k)
with gzip.open(sys.argv[1], "wb", compresslevel=9) as g:
    with tarfile.open(fileobj=g, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("lib/apk/db/installed")
        info.size = 512 << 20
        tar.addfile(info, Zeros(info.size))
PY
expect_error "$TMP/bomb.tar.gz" "bomb\.tar\.gz: more than 67108864 bytes uncompressed" --max-total-size 64M

# Entries that would leave the root, and links that loop or climb out.
python3 - "$ALPINE" "$TMP" <<'PY'
import gzip, io, sys, tarfile
src, tmp = sys.argv[1], sys.argv[2]
def variant(name, extra, drop=()):
    with tarfile.open(src) as s, tarfile.open(f"{tmp}/{name}", "w", format=tarfile.PAX_FORMAT) as d:
        for m in s:
            if m.name.lstrip("./") in drop:
                continue
            d.addfile(m, s.extractfile(m) if m.isreg() else None)
        for m, data in extra:
            d.addfile(m, io.BytesIO(data) if data is not None else None)
def reg(name, data):
    i = tarfile.TarInfo(name); i.size = len(data); return (i, data)
def sym(name, target):
    i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; return (i, None)
variant("escape.tar", [reg("../../etc/passwd", b"root::0:0::/:/bin/sh\n"), reg("/etc/shadow", b"x\n")])
variant("loop.tar", [sym("etc/os-release", "os-release.d"), sym("etc/os-release.d", "/etc/os-release")],
        drop=("etc/os-release",))
with tarfile.open(src) as s:
    os_release = s.extractfile("./etc/os-release").read()
variant("above.tar", [reg("usr/lib/os-release", os_release),
                      sym("etc/os-release", "../../../../../../usr/lib/os-release")], drop=("etc/os-release",))
PY
expect_incomplete "$TMP/escape.tar" 'escape\.tar: skipped entry "\.\./\.\./etc/passwd"' escape
expect_stderr 'escape\.tar: entry "/etc/shadow" has an absolute path'
expect_incomplete "$TMP/loop.tar" "etc/os-release: .*symlink loop" loop
expect_incomplete "$TMP/above.tar" "etc/os-release: symlink points outside the root" above
grep -q 'distro=alpine-3.10.9' "$TMP/above.json" || fail "os-release behind a link above the root was not read inside the root"

# A wanted file bigger than --max-file-size: skipped with a warning naming it.
expect_status 3 "$VIGIL" sbom --max-file-size 4K "$ALPINE" -o "cyclonedx-json=$TMP/big.json"
expect_stderr "lib/apk/db/installed: skipped"
cdx_packages "$TMP/big.json" apk >"$TMP/big.got"
[ ! -s "$TMP/big.got" ] || fail "packages were read from a database larger than --max-file-size"
echo "ok: database larger than --max-file-size skipped with a warning"
