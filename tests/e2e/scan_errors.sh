# scan_errors.sh — `vigil scan` on bad input gives a clear message and the
# documented exit status (docs/vigil-scan.1): a database file that is not
# SQLite, an SQLite file that is no vigil database, a missing database, a
# missing target, bad options; and the stale-database warning.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd python3
$VIGIL db --help >/dev/null 2>&1 || skip "this vigil has no 'db' command"
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
expect_stderr "--fail-on severe: expected low, medium, high, critical or kev"
expect_status 2 $VIGIL scan --db "$T/db.sqlite" -o xml "$rootfs"
expect_stderr "unknown output format 'xml'"
expect_status 2 $VIGIL scan --db "$T/db.sqlite" --max-db-age soon "$rootfs"
expect_status 2 $VIGIL scan --db "$T/db.sqlite"
expect_stderr "scan: no target given"

# The database was just built: no warning with the default limit, a
# warning naming the limit with --max-db-age 0s.  The scan still succeeds.
expect_status 0 $VIGIL scan --db "$T/db.sqlite" "$rootfs"
! grep -q "vulnerability data is" "$TMP/stderr" || fail "fresh database reported as old"
sleep 1
expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 0s "$rootfs"
expect_stderr "db.sqlite: the vulnerability data is .* old \(limit 0 minutes\): run vigil db update"
echo "ok"
