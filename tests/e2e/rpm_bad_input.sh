# rpm_bad_input.sh — broken RPM databases: vigil sbom must say which file is
# broken, exit 3 (EXIT_INCOMPLETE: output written, input partly unreadable),
# never crash, and keep what it could read.
#
# Cases: a truncated copy of each fixture database; random bytes under each
# of the three database names; empty files (not broken: rpm reads them as
# empty databases); a header whose index count lies, in an otherwise good
# SQLite database, where rpm itself is the reference for what is left (it
# skips the same header); a broken rpmdb.sqlite beside a good Packages.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite
need_shared fixtures/rpmdb/sle15-bci/Packages.db
need_shared fixtures/rpmdb/libuuid/Packages
need_cmd python3

FIX=$VIGIL_SHARED/fixtures/rpmdb

# broken NAME FILE DBNAME: FILE as var/lib/rpm/DBNAME in a root of its own;
# vigil must exit 3, name the file in a warning and still write an SBOM.
broken() {
    local root=$TMP/$1
    mkdir -p "$root/var/lib/rpm"
    cp "$2" "$root/var/lib/rpm/$3"
    expect_status 3 "$VIGIL" sbom "$root" -o "cyclonedx-json=$TMP/$1.json"
    expect_stderr "var/lib/rpm/$3"
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/$1.json" ||
        fail "$1: no valid SBOM written"
    cdx_packages "$TMP/$1.json" rpm >"$TMP/$1.vigil"
    echo "$1: exit 3, warning names the file, $(wc -l <"$TMP/$1.vigil") packages kept"
}

# Truncated copies: cut off the second half (the SQLite file is
# malformed, the ndb and Berkeley DB blobs past the cut are missing).
for db in cbl-mariner-2.0/rpmdb.sqlite sle15-bci/Packages.db libuuid/Packages; do
    name=$(basename "$db")
    size=$(stat -c %s "$FIX/$db")
    head -c $((size / 2)) "$FIX/$db" >"$TMP/cut-$name"
    broken "truncated-$name" "$TMP/cut-$name" "$name"
done
# The ndb slot table survives the cut: the packages before it are kept.
[ -s "$TMP/truncated-Packages.db.vigil" ] || fail "truncated ndb: packages before the cut were lost"

# Random bytes under each name: not a database of that kind, zero packages.
head -c 65536 /dev/urandom >"$TMP/random"
for name in rpmdb.sqlite Packages.db Packages; do
    broken "random-$name" "$TMP/random" "$name"
    [ ! -s "$TMP/random-$name.vigil" ] || fail "random $name: packages from random bytes"
    expect_stderr "not a valid RPM"
done

# Empty files under each name: rpm takes them for new, empty databases;
# so does vigil (no packages, no warning).
for name in rpmdb.sqlite Packages.db Packages; do
    mkdir -p "$TMP/empty-$name/var/lib/rpm"
    : >"$TMP/empty-$name/var/lib/rpm/$name"
    expect_status 0 "$VIGIL" sbom "$TMP/empty-$name" -o "cyclonedx-json=$TMP/empty.json"
    cdx_packages "$TMP/empty.json" rpm >"$TMP/empty.vigil"
    [ ! -s "$TMP/empty.vigil" ] || fail "empty $name: packages from nothing"
done

# A header blob whose index count is 1000 more than it holds.
mkdir -p "$TMP/lie"
cp "$FIX/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/lie/"
hnum=$(python3 - "$TMP/lie/rpmdb.sqlite" <<'PY'
import sqlite3, struct, sys
con = sqlite3.connect(sys.argv[1])
hnum, blob = con.execute("SELECT hnum, blob FROM Packages ORDER BY hnum LIMIT 1 OFFSET 10").fetchone()
il = struct.unpack(">I", blob[:4])[0]
con.execute("UPDATE Packages SET blob = ? WHERE hnum = ?", (struct.pack(">I", il + 1000) + blob[4:], hnum))
con.commit()
con.close()
print(hnum)
PY
)
broken lying-count "$TMP/lie/rpmdb.sqlite" rpmdb.sqlite
expect_stderr "record $hnum"
n=$(wc -l <"$TMP/lying-count.vigil")
[ "$n" -gt 100 ] || fail "lying header: only $n packages kept"
if have_cmd rpm "packages around a lying header against rpm"; then
    mkdir -p "$TMP/lie-ref"
    cp "$TMP/lie/rpmdb.sqlite" "$TMP/lie-ref/"
    rpm --dbpath "$TMP/lie-ref" -qa \
        --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\t%|ARCH?{%{ARCH}}:{}|\n' \
        >"$TMP/lie.rpm" 2>/dev/null
    same_lines "$TMP/lying-count.vigil" "$TMP/lie.rpm" "packages left around a lying header"
fi

# A broken rpmdb.sqlite beside a good Packages: the warning names the
# SQLite file and the Berkeley DB is read instead (its one package, as rpm
# lists it).
mkdir -p "$TMP/fallback/var/lib/rpm"
cp "$TMP/random" "$TMP/fallback/var/lib/rpm/rpmdb.sqlite"
cp "$FIX/libuuid/Packages" "$TMP/fallback/var/lib/rpm/"
expect_status 3 "$VIGIL" sbom "$TMP/fallback" -o "cyclonedx-json=$TMP/fallback.json"
expect_stderr "var/lib/rpm/rpmdb.sqlite"
cdx_packages "$TMP/fallback.json" rpm >"$TMP/fallback.vigil"
[ -s "$TMP/fallback.vigil" ] || fail "fallback: no package read from the Berkeley DB"
if have_cmd rpm "the Berkeley DB fallback against rpm"; then
    mkdir -p "$TMP/fallback-ref"
    cp "$FIX/libuuid/Packages" "$TMP/fallback-ref/"
    rpm --dbpath "$TMP/fallback-ref" --define '_db_backend bdb_ro' -qa \
        --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\t%|ARCH?{%{ARCH}}:{}|\n' \
        >"$TMP/fallback.rpm" 2>/dev/null
    same_lines "$TMP/fallback.vigil" "$TMP/fallback.rpm" "packages of the Berkeley DB fallback"
fi
echo "fallback: broken rpmdb.sqlite reported, Packages read instead"
