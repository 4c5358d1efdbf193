# rpm_fixtures.sh — vigil sbom on real RPM databases of all three back ends
# (SQLite, ndb, Berkeley DB), compared with what rpm itself lists.
#
# Reference: Debian's rpm 4.18 reads SQLite and (with _db_backend bdb_ro)
# Berkeley DB, but is built without ndb.  For the ndb fixture the reference
# is made like this: a few lines of Python, written from rpm's ndb format
# (lib/backend/ndb/rpmpkg.c) and independent of vigil, cut the header blobs
# out of Packages.db; `rpmdb --importdb` loads them into a fresh SQLite
# database (rpm parses and checks every header doing so), and `rpm -qa`
# lists that.  The number of headers must also equal the number of used
# slots in the ndb slot table.
#
# Also checked: package URLs (decoded, against rpm's NAME, VERSION,
# RELEASE, ARCH, EPOCH, SOURCERPM and the os-release of the root), the
# usr/lib/sysimage/rpm location, big-endian Berkeley DB files and ones with
# many packages made by db5.3_load, and that a directory holding both
# rpmdb.sqlite and an old Packages is counted once, from rpmdb.sqlite.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite
need_shared fixtures/rpmdb/sle15-bci/Packages.db
need_shared fixtures/rpmdb/libuuid/Packages
need_cmd rpm
need_cmd rpmdb
need_cmd python3

FIX=$VIGIL_SHARED/fixtures/rpmdb
QF='%{NAME}\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\t%|ARCH?{%{ARCH}}:{}|\n'

# rpm_list DBDIR [rpm options...]: name, version, arch of every package rpm
# lists.  rpm writes into its db directory, so DBDIR is always a copy.
rpm_list() {
    local dir=$1; shift
    rpm --dbpath "$dir" "$@" -qa --qf "$QF" 2>"$TMP/rpm.err" || { cat "$TMP/rpm.err" >&2; fail "rpm -qa on $dir"; }
}

# vigil_list ROOT NAME: runs vigil sbom on ROOT; its rpm packages go to $TMP/NAME.vigil.
vigil_list() {
    expect_status 0 "$VIGIL" sbom "$1" -o "cyclonedx-json=$TMP/$2.json"
    cdx_packages "$TMP/$2.json" rpm >"$TMP/$2.vigil"
    [ -s "$TMP/$2.vigil" ] || fail "vigil found no rpm packages in $1"
}

# compare NAME: vigil's list and rpm's list are the same lines, no duplicates.
compare() {
    sort "$TMP/$1.vigil" | uniq -d >"$TMP/$1.dups"
    [ ! -s "$TMP/$1.dups" ] || { cat "$TMP/$1.dups" >&2; fail "$1: vigil lists packages twice"; }
    same_lines "$TMP/$1.vigil" "$TMP/$1.rpm" "$1: rpm packages"
    echo "$1: $(wc -l <"$TMP/$1.vigil") packages, same as rpm"
}

# --- SQLite (CBL-Mariner 2.0), with an os-release for the package URLs ----
mkdir -p "$TMP/sqlite/root/var/lib/rpm" "$TMP/sqlite/root/etc" "$TMP/sqlite/ref"
cp "$FIX/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/sqlite/root/var/lib/rpm/"
cp "$FIX/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/sqlite/ref/"
printf 'NAME="Common Base Linux Mariner"\nVERSION="2.0.20220226"\nID=mariner\nVERSION_ID="2.0"\n' \
    >"$TMP/sqlite/root/etc/os-release"
vigil_list "$TMP/sqlite/root" sqlite
rpm_list "$TMP/sqlite/ref" >"$TMP/sqlite.rpm"
compare sqlite

# Package URLs, decoded, against rpm's own fields.
rpm --dbpath "$TMP/sqlite/ref" -qa \
    --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%|ARCH?{%{ARCH}}:{}|\t%|EPOCH?{%{EPOCH}}:{}|\t%|SOURCERPM?{%{SOURCERPM}}:{}|\n' \
    >"$TMP/purl.rpm" 2>/dev/null
python3 - "$TMP/sqlite.json" "$TMP/purl.rpm" <<'PY' || fail "package URLs differ from rpm's fields"
import json, sys, urllib.parse
want = set()
for line in open(sys.argv[2]):
    name, vr, arch, epoch, srpm = line.rstrip("\n").split("\t")
    q = {"arch": arch, "distro": "mariner-2.0", "epoch": epoch, "upstream": srpm}
    want.add(("mariner", name, vr, tuple(sorted((k, v) for k, v in q.items() if v))))
got = set()
for c in json.load(open(sys.argv[1])).get("components", []):
    purl = c.get("purl", "")
    if not purl.startswith("pkg:rpm/"):
        continue
    path, _, query = purl[len("pkg:rpm/"):].partition("?")
    path, _, version = path.partition("@")
    segs = [urllib.parse.unquote(s) for s in path.split("/")]
    ns, name = "/".join(segs[:-1]), segs[-1]
    q = tuple(sorted(urllib.parse.parse_qsl(query.partition("#")[0])))
    got.add((ns, name, urllib.parse.unquote(version), q))
bad = sorted(want ^ got)
for b in bad[:10]:
    print(("missing " if b in want else "extra   ") + repr(b), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# --- ndb (SUSE BCI 15) --------------------------------------------------------
mkdir -p "$TMP/ndb/root/usr/lib/sysimage/rpm" "$TMP/ndb/ref"
cp "$FIX/sle15-bci/Packages.db" "$TMP/ndb/root/usr/lib/sysimage/rpm/"
vigil_list "$TMP/ndb/root" ndb
python3 - "$FIX/sle15-bci/Packages.db" >"$TMP/ndb.headers" 2>"$TMP/ndb.count" <<'PY'
# rpm's ndb: 32-byte header "RpmP" ver gen slotnpages, 16-byte slots
# "Slot" pkgidx blkoff blkcnt, blobs at blkoff*16: "BlbS" pkgidx tstamp len.
import struct, sys
d = open(sys.argv[1], "rb").read()
magic, ver, gen, npages = struct.unpack_from("<4sIII", d, 0)
assert magic == b"RpmP" and ver == 0
n = 0
for o in range(32, npages * 4096, 16):
    smagic, pkgidx, blkoff, blkcnt = struct.unpack_from("<4sIII", d, o)
    assert smagic == b"Slot"
    if blkoff == 0:
        continue
    b = blkoff * 16
    bmagic, bidx, _, blen = struct.unpack_from("<4sIII", d, b)
    assert bmagic == b"BlbS" and bidx == pkgidx
    # rpm's header file form: magic 8eade801 and 4 reserved bytes, then the blob
    sys.stdout.buffer.write(b"\x8e\xad\xe8\x01\0\0\0\0" + d[b + 16:b + 16 + blen])
    n += 1
print(n, file=sys.stderr)
PY
rpmdb --dbpath "$TMP/ndb/ref" --importdb <"$TMP/ndb.headers" 2>"$TMP/rpm.err" || { cat "$TMP/rpm.err" >&2; fail "rpmdb --importdb"; }
rpm_list "$TMP/ndb/ref" >"$TMP/ndb.rpm"
[ "$(wc -l <"$TMP/ndb.rpm")" = "$(cat "$TMP/ndb.count")" ] || fail "ndb: rpm imported $(wc -l <"$TMP/ndb.rpm") of $(cat "$TMP/ndb.count") slots"
compare ndb

# --- Berkeley DB (RHEL 8 libuuid image) ---------------------------------------
mkdir -p "$TMP/bdb/root/var/lib/rpm" "$TMP/bdb/ref"
cp "$FIX/libuuid/Packages" "$TMP/bdb/root/var/lib/rpm/"
cp "$FIX/libuuid/Packages" "$TMP/bdb/ref/"
vigil_list "$TMP/bdb/root" bdb
rpm_list "$TMP/bdb/ref" --define '_db_backend bdb_ro' >"$TMP/bdb.rpm"
compare bdb

# A big-endian Berkeley DB (as written on s390x or ppc64): the corpus seed,
# one CBL-Mariner header in a hash file of 1 KiB pages, which rpm reads too.
SEED=$VIGIL_SRC/tests/fuzz/corpus/rpmdb_bdb/mariner-one-package-be.db
[ -f "$SEED" ] || fail "$SEED is missing"
mkdir -p "$TMP/bdbbe/root/var/lib/rpm" "$TMP/bdbbe/ref"
cp "$SEED" "$TMP/bdbbe/root/var/lib/rpm/Packages"
cp "$SEED" "$TMP/bdbbe/ref/Packages"
vigil_list "$TMP/bdbbe/root" bdbbe
rpm_list "$TMP/bdbbe/ref" --define '_db_backend bdb_ro' >"$TMP/bdbbe.rpm"
compare bdbbe

# Berkeley DB files with many packages, made by Berkeley DB itself:
# db5.3_load (Debian db5.3-util) loads the 129 CBL-Mariner headers into a
# hash database, little- and big-endian (bucket splits, overflow chains and
# all), and rpm's bdb_ro reader is the reference for both.
if have_cmd db5.3_load "Berkeley DB files with many packages"; then
    python3 - "$TMP/sqlite/ref/rpmdb.sqlite" >"$TMP/bdb.dump" <<'PY'
# db_dump "bytevalue" format: key = hnum (4 bytes, little-endian), data = header blob
import sqlite3, struct, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
print("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END")
print(" " + struct.pack("<I", 0).hex())  # rpm's record 0: the next package number
print(" " + struct.pack("<I", max(h for h, _ in rows) + 1).hex())
for hnum, blob in rows:
    print(" " + struct.pack("<I", hnum).hex())
    print(" " + bytes(blob).hex())
print("DATA=END")
PY
    for order in 1234 4321; do
        mkdir -p "$TMP/bdb$order/root/var/lib/rpm" "$TMP/bdb$order/ref"
        db5.3_load -c db_lorder=$order -f "$TMP/bdb.dump" "$TMP/bdb$order/ref/Packages" ||
            fail "db5.3_load"
        cp "$TMP/bdb$order/ref/Packages" "$TMP/bdb$order/root/var/lib/rpm/"
        vigil_list "$TMP/bdb$order/root" "bdb$order"
        rpm_list "$TMP/bdb$order/ref" --define '_db_backend bdb_ro' >"$TMP/bdb$order.rpm"
        compare "bdb$order"
    done
fi

# --- one directory, two back ends: rpmdb.sqlite wins, nothing twice ----------
mkdir -p "$TMP/both/var/lib/rpm"
cp "$FIX/cbl-mariner-2.0/rpmdb.sqlite" "$FIX/libuuid/Packages" "$TMP/both/var/lib/rpm/"
vigil_list "$TMP/both" both
cp "$TMP/sqlite.rpm" "$TMP/both.rpm"
compare both
