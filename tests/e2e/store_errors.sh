# store_errors.sh — every way a store can fail gives the documented exit
# status and a message naming the problem, and loses nothing stored:
# "nothing lost" is checked by comparing everything `inventory list`,
# `show` and `export` give back (store_lib.sh store_state) before and after,
# or the file's bytes (sha256) where vigil must not even write.
#
#  1. a store file that is not SQLite (text, gzip): refused, untouched;
#  2. a schema from the future (vigil_schema.version = 99, set with
#     Python's sqlite3 / psql), on both back ends: every command refuses,
#     the file's bytes (a rollback-journal copy made by VACUUM INTO, as a
#     backup is) and the database's dump are unchanged;
#  3. `store migrate` on a current store: nothing to do; a store whose
#     vigil_schema holds no version: "damaged".  (No older schema exists
#     yet: version 1 is the first, so "run vigil store migrate" has no
#     honest test until migration 1 -> 2 does);
#  4. a database of something else: `store init` and `add` refuse it,
#     untouched;
#  5. PostgreSQL unreachable: a closed port (the message names host and
#     port) and a server that never answers (the URL's connect_timeout is
#     the one obeyed);
#  6. a password in the URL appears in no message, whatever the command;
#  7. the connection lost in the middle of an add (the add waits on a lock
#     held by psql, then its backend is terminated): "lost the connection
#     ... rolled back", the store as before;
#  8. the server stopped (pg_ctl -m immediate, a crash) in the middle of an
#     add: the same, after a restart;
#  9. the connection lost during COMMIT (waiting for a synchronous standby
#     that does not exist): the message says the outcome is unknown, and
#     indeed the server had committed: the snapshot is there, whole;
# 10. a full disk under SQLite (a small tmpfs): "the disk is full", the
#     store as before and PRAGMA integrity_check ok;
# 11. a full disk under PostgreSQL (its tables in a tablespace on a small
#     tmpfs, SQLSTATE 53100): "the server's disk is full", as before;
# 12. a tampered document (not zstd; a valid frame of other bytes; an
#     impossible size), on both back ends: export refuses it (exit 4 or 1)
#     naming the document, and writes no file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
source "$(dirname "$0")/store_lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
need_cmd zstd
pg_start

T=$TMP
r310=$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
trivy=$VIGIL_SRC/tests/data/sbom/trivy-alpine.cdx.json
$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build"; }
add() { $VIGIL inventory add --db "$T/db.sqlite" --allow-unchecked -q "$@"; }
# base STORE: a store with two assets and two documents.
base() {
    add "$r310" --asset web --version 3.10.9 --store "$1" >/dev/null || fail "add web to $1"
    add "$trivy" --asset app --version 1 --store "$1" >/dev/null || fail "add app to $1"
}
sum() { sha256sum <"$1"; }
# pg_dump_of URL: the database's schema and rows (but the random key of
# pg_dump's \restrict line).
pg_dump_of() { "$PG_BIN/pg_dump" -d "$1" --no-owner | grep -Ev '^\\(un)?restrict '; }
S=sqlite:$T/store.sqlite
base "$S"
store_state "$S" "$T/state0"

# 1. Not SQLite.
printf 'not a database\n' >"$T/text.sqlite"
gzip -c "$trivy" >"$T/gzip.sqlite"
for f in text gzip; do
    before=$(sum "$T/$f.sqlite")
    for cmd in "inventory list" "inventory show app" "store init" "store migrate"; do
        expect_status 1 $VIGIL $cmd --store "sqlite:$T/$f.sqlite"
        expect_stderr "$f\.sqlite: not a SQLite database"
    done
    expect_status 1 add "$trivy" --asset x --store "sqlite:$T/$f.sqlite"
    expect_stderr "$f\.sqlite: not a SQLite database"
    [ "$(sum "$T/$f.sqlite")" = "$before" ] || fail "$f.sqlite was modified"
done
echo "ok: files that are not SQLite are refused and left alone"

# 2. A schema from the future: SQLite (a backup copy: rollback journal) ...
sqlite_sql "$T/store.sqlite" "VACUUM INTO '$T/future.sqlite'"
sqlite_sql "$T/future.sqlite" "UPDATE vigil_schema SET version = 99"
[ "$(sqlite_sql "$T/future.sqlite" "PRAGMA journal_mode")" = delete ] || fail "VACUUM INTO made a WAL file"
before=$(sum "$T/future.sqlite")
future_refused() {
    local store=$1 cmd
    for cmd in "inventory list" "inventory show app" "inventory export app -o sbom=$T/x.json" "store init" \
        "store migrate"; do
        expect_status 1 $VIGIL $cmd --store "$store"
        expect_stderr 'schema version 99, newer than this vigil.s 6: .*upgrade vigil \(the store was not modified\)'
    done
    expect_status 1 add "$trivy" --asset app --store "$store"
    expect_stderr 'schema version 99, newer than this vigil.s 6'
    [ ! -e "$T/x.json" ] || fail "export wrote a file from a store it refused"
}
future_refused "sqlite:$T/future.sqlite"
[ "$(sum "$T/future.sqlite")" = "$before" ] || fail "the store from the future was modified"
[ ! -e "$T/future.sqlite-wal" ] || fail "a WAL was left next to the store from the future"
# ... and PostgreSQL.
P=$(pg_new_db future)
base "$P"
pg_psql "$P" "UPDATE vigil_schema SET version = 99"
pg_dump_of "$P" >"$T/dump0"
future_refused "$P"
pg_dump_of "$P" >"$T/dump1"
cmp "$T/dump0" "$T/dump1" || fail "the PostgreSQL store from the future was modified"
echo "ok: a schema from the future is refused by every command, untouched, on both back ends"

# 3. Migrate: nothing to do on a current store; a damaged version.
expect_status 0 $VIGIL store migrate --store "$S"
expect_stderr 'schema version 6 is current: nothing to do'
P=$(pg_new_db current)
base "$P"
expect_status 0 $VIGIL store migrate --store "$P"
expect_stderr 'schema version 6 is current: nothing to do'
sqlite_sql "$T/store.sqlite" "VACUUM INTO '$T/damaged.sqlite'"
sqlite_sql "$T/damaged.sqlite" "DELETE FROM vigil_schema"
before=$(sum "$T/damaged.sqlite")
for cmd in "inventory list" "store migrate" "store init"; do
    expect_status 1 $VIGIL $cmd --store "sqlite:$T/damaged.sqlite"
    expect_stderr 'damaged\.sqlite: a damaged store: its table vigil_schema holds no valid schema version'
done
[ "$(sum "$T/damaged.sqlite")" = "$before" ] || fail "the damaged store was modified"
store_state "$S" "$T/state1"
cmp "$T/state0" "$T/state1" || fail "migrate changed what the store holds"
echo "ok: migrate has nothing to do on a current store; a store without a version is called damaged"

# 4. A database of something else.
sqlite_sql "$T/notes.sqlite" "CREATE TABLE notes(t TEXT)"
sqlite_sql "$T/notes.sqlite" "INSERT INTO notes VALUES ('mine')"
before=$(sum "$T/notes.sqlite")
P=$(pg_new_db notes)
pg_psql "$P" "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('mine')"
pg_dump_of "$P" >"$T/dump0"
for store in "sqlite:$T/notes.sqlite" "$P"; do
    expect_status 1 $VIGIL store init --store "$store"
    expect_stderr 'not a vigil store \(it has tables of something else\): give another --store'
    expect_status 1 add "$trivy" --asset app --store "$store"
    expect_stderr 'not a vigil store'
done
[ "$(sum "$T/notes.sqlite")" = "$before" ] || fail "the SQLite database of something else was modified"
pg_dump_of "$P" >"$T/dump1"
cmp "$T/dump0" "$T/dump1" || fail "the PostgreSQL database of something else was modified"
echo "ok: a database of something else is no store, and is left alone"

# 5. PostgreSQL unreachable: a closed port; a server that never answers.
closed=$(pg_free_port)
expect_status 1 timeout 30 $VIGIL inventory list --store "postgresql://vigil@127.0.0.1:$closed/vigil"
expect_stderr "postgresql://vigil@127\.0\.0\.1:$closed/vigil: cannot connect: .*\"127\.0\.0\.1\", port $closed failed: Connection refused"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$T/silent.port" &
silent=$!
at_exit "kill $silent"
for ((i = 0; i < 100; i++)); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
silent_port=$(cat "$T/silent.port")
# The URL says 2 s; vigil's own default (10 s) must not override it.
expect_status 1 timeout 8 $VIGIL inventory list --store "postgresql://vigil@127.0.0.1:$silent_port/vigil?connect_timeout=2"
expect_stderr "127\.0\.0\.1:$silent_port/vigil\?connect_timeout=2: cannot connect: .*timeout expired"
echo "ok: an unreachable PostgreSQL fails in its connect timeout, naming host and port"

# 6. No message shows a password.
pw=Sx7Qw9zKp3
P=$(pg_new_db secret)
hp=127.0.0.1:$PG_PORT
: >"$T/said"
# says STATUS PATTERN CMD...: CMD exits STATUS, its stderr matches PATTERN
# (unless empty), and all it said is kept in $T/said.
says() {
    expect_status "$1" "${@:3}"
    [ -z "$2" ] || expect_stderr "$2"
    cat "$T/stdout" "$T/stderr" >>"$T/said"
}
says 0 "postgresql://vigil:\*\*\*@$hp/secret: store created" \
    $VIGIL store init --store "postgresql://vigil:$pw@$hp/secret"
says 0 "postgresql://vigil@$hp/secret\?password=\*\*\*&password=\*\*\*: schema version 6 is current" \
    $VIGIL store migrate --store "postgresql://vigil@$hp/secret?password=$pw&password=Zq"
says 0 '' add "$trivy" --asset app --store "postgresql://vigil:$pw@$hp/secret"
says 1 'no asset named nothing' $VIGIL inventory show nothing --store "postgresql://vigil:$pw@$hp/secret"
says 1 'invalid percent-encoded token' $VIGIL inventory list --store "postgresql://vigil:${pw}%zz@$hp/secret"
says 1 'Connection refused' $VIGIL inventory list --store "postgresql://vigil:$pw@127.0.0.1:$closed/secret"
says 1 'database "nosuchdb" does not exist' $VIGIL inventory list --store "postgresql://vigil:Zq@$hp/nosuchdb"
says 1 'unknown kind of store' $VIGIL inventory list --store "mysql://vigil:$pw@$hp/secret"
pg_psql "$P" "UPDATE vigil_schema SET version = 99"
says 1 'newer than this vigil' $VIGIL store migrate --store "postgresql://vigil:$pw@$hp/secret"
pg_psql "$P" "DELETE FROM vigil_schema"
says 1 'a damaged store' $VIGIL inventory list --store "postgresql://vigil:$pw@$hp/secret?sslmode=disable"
[ "$(wc -l <"$T/said")" -ge 10 ] || fail "only $(wc -l <"$T/said") lines of messages to look at"
if grep -F -e "$pw" -e Zq "$T/said" >&2; then fail "a password appears in a message (above)"; fi
echo "ok: no message shows a password"

# 7. The connection lost in the middle of an add.
P=$(pg_new_db lost)
base "$P"
store_state "$P" "$T/lost0"
make_sbom "$T/big1.cdx.json" 5000 1
# lock_then ACTION: an add that has written its snapshot waits on a lock
# psql holds; then ACTION (a command) cuts it off.  The add must fail.
lock_then() {
    PGAPPNAME=locker psql "$P" -X -q -c "BEGIN; LOCK TABLE component_span IN EXCLUSIVE MODE; SELECT pg_sleep(60)" \
        >/dev/null 2>&1 &
    local locker=$!
    pg_wait "$P" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                   WHERE c.relname = 'component_span' AND l.mode = 'ExclusiveLock' AND l.granted" 1
    timeout 60 $VIGIL inventory add "$T/big1.cdx.json" --asset app --db "$T/db.sqlite" --allow-unchecked \
        --store "$P" >"$T/stdout" 2>"$T/stderr" &
    local adder=$!
    pg_wait "$P" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil' AND wait_event_type = 'Lock'" 1
    "$@" >/dev/null
    local rc=0
    wait "$adder" || rc=$?
    kill "$locker" 2>/dev/null || true
    wait "$locker" || true
    [ "$rc" = 1 ] || { cat "$T/stderr" >&2; fail "the add cut off exited $rc, expected 1"; }
}
lock_then pg_psql "$P" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vigil'"
expect_stderr 'lost the connection to the server \(terminating connection due to administrator command\): the transaction was rolled back; nothing of it was stored'
store_state "$P" "$T/lost1"
cmp "$T/lost0" "$T/lost1" || fail "the add whose connection was lost changed the store"
echo "ok: a connection lost in the middle of an add rolls it back, and says so"

# 8. The server stopped (a crash) in the middle of an add, then restarted.
lock_then pg_stop
expect_stderr 'lost the connection to the server .*: the transaction was rolled back; nothing of it was stored'
pg_restart
store_state "$P" "$T/lost2"
cmp "$T/lost0" "$T/lost2" || fail "the add cut off by a crash changed the store"
echo "ok: a server crash in the middle of an add loses it whole, and nothing else"

# 9. The connection lost during COMMIT: the outcome is unknown, and said so.
pg_psql "$PG_URL" "ALTER SYSTEM SET synchronous_standby_names = 'nobody'"
pg_psql "$PG_URL" "SELECT pg_reload_conf()" >/dev/null
timeout 60 $VIGIL inventory add "$T/big1.cdx.json" --asset app --db "$T/db.sqlite" --allow-unchecked \
    --store "$P" >"$T/stdout" 2>"$T/stderr" &
adder=$!
pg_wait "$P" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil' AND wait_event = 'SyncRep'" 1
pg_psql "$P" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vigil'" >/dev/null
rc=0
wait "$adder" || rc=$?
pg_psql "$PG_URL" "ALTER SYSTEM RESET synchronous_standby_names"
pg_psql "$PG_URL" "SELECT pg_reload_conf()" >/dev/null
[ "$rc" = 1 ] || { cat "$T/stderr" >&2; fail "the add cut off during COMMIT exited $rc, expected 1"; }
expect_stderr 'lost the connection to the server while committing .*: the change may or may not have been stored'
if grep -E 'rolled back|nothing of it was stored' "$T/stderr" >&2; then fail "a commit of unknown outcome called rolled back"; fi
# The server had committed it: the snapshot is there, whole.
[ "$(pg_psql "$P" "SELECT max(seq) FROM snapshot s JOIN asset a ON a.id = s.asset_id WHERE a.name = 'app'")" = 2 ] ||
    fail "the snapshot committed before the connection went is not there"
expect_status 0 $VIGIL inventory show app@2 --store "$P" -o json
[ "$(jq '[.components, (.component_list | length)] | join(" ")' "$T/stdout")" = '"5000 5000"' ] ||
    fail "app@2 is not whole: $(jq '[.components, (.component_list | length)]' "$T/stdout")"
echo "ok: a connection lost during COMMIT is reported as of unknown outcome (it had committed, whole)"

# 10. A full disk under SQLite.
fill_until_full() {
    local store=$1 i rc
    for ((i = 1; i <= 8; i++)); do
        make_sbom "$T/fill.cdx.json" 20000 "fill$i"
        store_state "$store" "$T/full0"
        rc=0
        add "$T/fill.cdx.json" --asset filler --store "$store" >/dev/null 2>"$T/stderr" || rc=$?
        [ "$rc" = 0 ] && continue
        [ "$rc" = 1 ] || { cat "$T/stderr" >&2; fail "an add on a full disk exited $rc, expected 1"; }
        store_state "$store" "$T/full1"
        cmp "$T/full0" "$T/full1" || fail "the add that filled the disk changed the store"
        echo "  the disk was full at add $i"
        return 0
    done
    fail "8 adds of 20 000 components did not fill the disk"
}
mkdir "$T/small"
if mount -t tmpfs -o size=6m tmpfs "$T/small" 2>"$T/err"; then
    at_exit "umount -l '$T/small'"
    base "sqlite:$T/small/store.sqlite"
    fill_until_full "sqlite:$T/small/store.sqlite"
    expect_stderr 'small/store\.sqlite: .*the disk is full; nothing of this change was stored'
    [ "$(sqlite_sql "$T/small/store.sqlite" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after a full disk"
    echo "ok: a full disk under SQLite fails the add, says so, and keeps the store whole"
else
    skip_part "a full disk (mount -t tmpfs: $(cat "$T/err"))"
fi

# 11. A full disk under PostgreSQL: the store's tables on a small tmpfs.
mkdir "$T/pgspace"
if mount -t tmpfs -o size=6m tmpfs "$T/pgspace" 2>"$T/err"; then
    at_exit "umount -l '$T/pgspace'"
    [ "$(id -u)" = 0 ] && chown postgres "$T/pgspace"
    pg_psql "$PG_URL" "CREATE TABLESPACE small LOCATION '$T/pgspace'"
    P=$(pg_new_db diskfull)
    pg_psql "$P" "ALTER DATABASE diskfull SET default_tablespace = small"
    base "$P"
    fill_until_full "$P"
    expect_stderr "the server's disk is full \(could not extend file .*\); nothing of this change was stored"
    echo "ok: a full disk under PostgreSQL (SQLSTATE 53100) fails the add, says so, and keeps the store whole"
else
    skip_part "a full disk under PostgreSQL (mount -t tmpfs: $(cat "$T/err"))"
fi

# 12. Tampered documents.
digest=$($VIGIL inventory show app --store "$S" -o json | jq -r .sbom_digest)
[ "$digest" = "sha256:$(sha256sum <"$trivy" | cut -d' ' -f1)" ] || fail "app's digest is not its SBOM's"
sed 's/musl/mus1/' "$trivy" | zstd -q -c >"$T/other.zst"
other_hex=$(od -An -tx1 -v "$T/other.zst" | tr -d ' \n')
P=$(pg_new_db tamper)
base "$P"
sqlite_sql "$T/store.sqlite" "VACUUM INTO '$T/tamper.sqlite'"
tamper() { # tamper HEX-DATA SIZE: the document's row, on both back ends
    sqlite_sql "$T/tamper.sqlite" "UPDATE document SET data = X'$1', size = $2 WHERE digest = '$digest'"
    pg_psql "$P" "UPDATE document SET data = decode('$1', 'hex'), size = $2 WHERE digest = '$digest'"
}
export_refused() { # export_refused STATUS MESSAGE
    local store
    for store in "sqlite:$T/tamper.sqlite" "$P"; do
        expect_status "$1" $VIGIL inventory export app --store "$store" -o cyclonedx-json="$T/out.json"
        expect_stderr "document $digest:? $2"
        [ ! -e "$T/out.json" ] || fail "export wrote a tampered document"
    done
}
size=$(stat -c %s "$trivy")
tamper 28b52ffd0102030405060708 "$size"
export_refused 4 'is damaged'
tamper "$other_hex" "$size"
export_refused 4 'does not match its digest \(sha256:[0-9a-f]{64}\): the store was altered'
tamper "$other_hex" -1
export_refused 1 'its recorded size, -1 bytes, is impossible: the store was altered'
# The other document is untouched, and still given back.
expect_status 0 $VIGIL inventory export web --store "sqlite:$T/tamper.sqlite" -o cyclonedx-json="$T/web.json"
echo "ok: a tampered document is refused on export, naming it"
