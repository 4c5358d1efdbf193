# scan_errors.sh — `vigil scan` on bad input gives a clear message and the
# documented exit status (docs/vigil-scan.1): a database file that is not
# SQLite, an SQLite file that is no vigil database, a missing database, a
# missing target, bad options; and the stale-database warning.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd python3
T=$TMP
rootfs=$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz

printf 'this is not a database\n' >"$T/text.sqlite"
expect_status 1 $VIGIL scan --db "$T/text.sqlite" "$rootfs"
expect_stderr "text.sqlite: not a vigil vulnerability database \(not an SQLite file\)"
[ ! -s "$TMP/stdout" ] || fail "output written despite the error"

python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T/other.sqlite"
expect_status 1 $VIGIL scan --db "$T/other.sqlite" "$rootfs"
expect_stderr "other.sqlite: an SQLite file, but not a vigil vulnerability database"

expect_status 1 $VIGIL scan --db "$T/absent.sqlite" "$rootfs"
expect_stderr "absent.sqlite: no vulnerability database: run vigil db update"

$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --db "$T/db.sqlite" >/dev/null 2>&1 ||
    fail "db build"
expect_status 1 $VIGIL scan --db "$T/db.sqlite" "$T/no-such-target"
expect_stderr "no-such-target"
expect_status 2 $VIGIL scan --db "$T/db.sqlite" --fail-on severe "$rootfs"
expect_stderr "--fail-on severe: expected unknown, low, medium, high, critical or kev"
expect_status 2 $VIGIL scan --db "$T/db.sqlite" -o xml "$rootfs"
expect_stderr "unknown output format 'xml'"
expect_status 2 $VIGIL scan --db "$T/db.sqlite" --max-db-age soon "$rootfs"
expect_status 2 $VIGIL scan --db "$T/db.sqlite"
expect_stderr "scan: no target given"

# Age is the age of the data, not of the database file: a database just
# built from the Debian tracker's DSA list (newest entry 2023) is old data,
# so the default limit warns, naming the ecosystem and the --db to update;
# a limit above the data's age does not.  The scan still succeeds.
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared vulndata/debian-security-tracker/DSA/list
$VIGIL db build --from "$VIGIL_SHARED/vulndata/debian-security-tracker/DSA/list" --db "$T/dsa.sqlite" >/dev/null 2>&1 ||
    fail "db build (DSA)"
mkdir "$T/deb"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$T/deb"
expect_status 0 $VIGIL scan --db "$T/dsa.sqlite" --distro debian:11 "$T/deb"
expect_stderr "dsa.sqlite: the newest Debian:11 data is [0-9]+ days old \(limit 3 days\): run vigil db update --db $T/dsa.sqlite"
days=$(sed -n 's/.*data is \([0-9]*\) days old.*/\1/p' "$TMP/stderr")
want=$(python3 - "$VIGIL_SHARED/vulndata/debian-security-tracker/DSA/list" <<'PY'
import datetime, re, sys, time
dates = [datetime.datetime.strptime(m.group(1), "%d %b %Y").replace(tzinfo=datetime.timezone.utc)
         for m in re.finditer(r"^\[(\d+ \w{3} \d{4})\]", open(sys.argv[1], errors="replace").read(), re.M)]
print(int((time.time() - max(dates).timestamp()) // 86400))
PY
)
[ "$days" -ge "$((want - 1))" ] && [ "$days" -le "$((want + 1))" ] ||
    fail "data age $days days, but the newest DSA entry is $want days old"
expect_status 0 $VIGIL scan --db "$T/dsa.sqlite" --distro debian:11 --max-db-age 100000d "$T/deb"
! grep -q "data is" "$TMP/stderr" || fail "data younger than the limit reported as old"
echo "ok"
