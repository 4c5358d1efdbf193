# store_read_standby.sh — `--store-read URL` against a real PostgreSQL
# streaming-replication hot standby (pg_basebackup -R of the test's primary,
# started on a second port): once the standby has replayed the primary's
# WAL, list, show, export, diff and affected read through it answer exactly
# as the primary does; while its replay is paused they give the older answer (a standby
# may lag, as docs/store.md says); writes through a standby, or to a
# database whose transactions are read-only, are refused with a message
# that says so.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.11/main.json
need_cmd jq

T=$TMP
S=$VIGIL_SHARED
$VIGIL db build --from "$S/vulndata/alpine-secdb/v3.10/main.json" --from "$S/vulndata/alpine-secdb/v3.11/main.json" \
    --db "$T/db.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build"; }

pg_start
primary=$PG_URL
add() { $VIGIL inventory add --db "$T/db.sqlite" --store "$primary" "$@"; }
expect_status 0 add "$S/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" --asset alpine --version 3.10.9
expect_status 0 $VIGIL sbom "$S/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" -o "cyclonedx-json=$T/3.11.cdx.json"
expect_status 0 add "$T/3.11.cdx.json" --asset alpine --version 3.11.13

# The standby: a base backup of the primary with its replication settings
# (-R), streaming from it, on a port of its own.
standby_dir=$PG_DIR/standby
pg_as "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U vigil -D "$standby_dir" -R -X stream -c fast \
    >"$T/basebackup.log" 2>&1 || { cat "$T/basebackup.log" >&2; fail "pg_basebackup"; }
standby_port=$(pg_free_port)
at_exit "pg_as '$PG_BIN/pg_ctl' -D '$standby_dir' -m immediate -w stop >/dev/null 2>&1"
pg_as "$PG_BIN/pg_ctl" -D "$standby_dir" -l "$PG_DIR/standby.log" -w -t 60 \
    -o "-k $PG_DIR -p $standby_port -c listen_addresses=127.0.0.1 -c hot_standby=on" start >/dev/null ||
    { cat "$PG_DIR/standby.log" >&2; fail "the standby did not start"; }
standby=postgresql://vigil@127.0.0.1:$standby_port/vigil
[ "$(pg_psql "$standby" "SELECT pg_is_in_recovery()")" = t ] || fail "the standby is not in recovery"

# caught_up: waits (bounded) until the standby has replayed all the
# primary has written, and the primary sees it streaming.
caught_up() {
    local lsn deadline=$((SECONDS + 60))
    lsn=$(pg_psql "$primary" "SELECT pg_current_wal_lsn()")
    until [ "$(pg_psql "$standby" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ]; do
        [ $SECONDS -lt $deadline ] || fail "the standby did not replay up to $lsn in 60 s"
        sleep 0.2
    done
    [ "$(pg_psql "$primary" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] ||
        fail "the primary has no streaming standby"
}

# same_answers: list, show of every snapshot and export of the latest, read
# through the standby and from the primary, are the same.
same_answers() {
    $VIGIL inventory list --store "$primary" -o json >"$T/list.p.json"
    $VIGIL inventory list --store "$primary" --store-read "$standby" -o json >"$T/list.s.json"
    [ "$(jq length "$T/list.p.json")" -ge 1 ] || fail "an empty list proves nothing"
    cmp "$T/list.p.json" "$T/list.s.json" || fail "list: the standby answers otherwise"
    local n
    for n in $(seq 1 "$(jq '.[] | select(.name == "alpine") | .snapshots' "$T/list.p.json")"); do
        $VIGIL inventory show "alpine@$n" --store "$primary" -o json >"$T/show.p.json"
        $VIGIL inventory show "alpine@$n" --store "$primary" --store-read "$standby" -o json >"$T/show.s.json"
        cmp "$T/show.p.json" "$T/show.s.json" || fail "show alpine@$n: the standby answers otherwise"
    done
    $VIGIL inventory export alpine --store "$primary" --store-read "$standby" -o "cyclonedx-json=$T/export.s.json" -q
    $VIGIL inventory export alpine --store "$primary" -o "cyclonedx-json=$T/export.p.json" -q
    cmp "$T/export.p.json" "$T/export.s.json" || fail "export: the standby gives other bytes"
    $VIGIL inventory diff alpine 1 2 --store "$primary" -o json >"$T/diff.p.json"
    $VIGIL inventory diff alpine 1 2 --store "$primary" --store-read "$standby" -o json >"$T/diff.s.json"
    cmp "$T/diff.p.json" "$T/diff.s.json" || fail "diff: the standby answers otherwise"
    [ "$(jq '.summary.upgraded' "$T/diff.p.json")" -gt 0 ] || fail "a diff of nothing proves nothing: $(cat "$T/diff.p.json")"
    $VIGIL inventory affected pkg:apk/alpine/musl --all --store "$primary" -o json >"$T/affected.p.json"
    $VIGIL inventory affected pkg:apk/alpine/musl --all --store "$primary" --store-read "$standby" -o json \
        >"$T/affected.s.json"
    cmp "$T/affected.p.json" "$T/affected.s.json" || fail "affected: the standby answers otherwise"
    [ "$(jq '.matches | length' "$T/affected.p.json")" -gt 0 ] || fail "affected: nothing: $(cat "$T/affected.p.json")"
}

caught_up
same_answers
cmp "$T/export.s.json" "$T/3.11.cdx.json" || fail "export through the standby is not the SBOM stored"

# Replay paused, the standby lags: it still answers with one snapshot fewer.
pg_psql "$standby" "SELECT pg_wal_replay_pause()" >/dev/null
expect_status 0 add "$S/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" --asset alpine --version again
expect_status 0 $VIGIL inventory list --store "$primary" --store-read "$standby" -o json
[ "$(jq '.[] | select(.name == "alpine") | .snapshots' "$TMP/stdout")" = 2 ] || fail "the paused standby: $(cat "$TMP/stdout")"
expect_status 0 $VIGIL inventory list --store "$primary" -o json
[ "$(jq '.[] | select(.name == "alpine") | .snapshots' "$TMP/stdout")" = 3 ] || fail "the primary: $(cat "$TMP/stdout")"
pg_psql "$standby" "SELECT pg_wal_replay_resume()" >/dev/null
caught_up
same_answers

# Writes through the standby are refused, saying why and what to do.
expect_status 1 add "$T/3.11.cdx.json" --asset alpine --store "$standby"
expect_stderr "127.0.0.1:$standby_port/vigil: a hot standby \(in recovery\), which takes no writes: give the primary's URL to --store"
expect_status 1 $VIGIL worker --store "$standby" --db "$T/db.sqlite" --until-empty
expect_stderr "a hot standby \(in recovery\), which takes no writes"
expect_status 1 $VIGIL inventory add "$T/3.11.cdx.json" --asset other --enqueue --store "$standby"
expect_stderr "a hot standby \(in recovery\), which takes no writes"
expect_status 2 $VIGIL inventory add "$T/3.11.cdx.json" --asset other --store "$primary" --store-read "$standby"
expect_stderr "--store-read is for list, show, export, diff and affected"
# A database whose transactions are read-only (not a standby) refuses at
# the first write, with the server's reason.
pg_psql "postgresql://vigil@127.0.0.1:$PG_PORT/postgres" "CREATE DATABASE ro TEMPLATE vigil" >/dev/null
pg_psql "$primary" "ALTER DATABASE ro SET default_transaction_read_only = on" >/dev/null
expect_status 1 $VIGIL inventory add "$T/3.11.cdx.json" --asset other --db "$T/db.sqlite" \
    --store "postgresql://vigil@127.0.0.1:$PG_PORT/ro"
expect_stderr "the server takes no writes \(cannot execute [A-Z]+ in a read-only transaction\): write to the primary"
# and nothing was written anywhere
caught_up
expect_status 0 $VIGIL inventory list --store "$primary" --store-read "$standby" -o json
[ "$(jq -r '[.[].name] | join(" ")' "$TMP/stdout")" = alpine ] || fail "something was stored: $(cat "$TMP/stdout")"
