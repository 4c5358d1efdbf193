#!/usr/bin/env bash
# worker_db_update.sh — a `vigil worker` that keeps running while `vigil db
# update` puts a new vulnerability database in place (a new file renamed
# over the path) matches the jobs after the update against the new one, as
# a new process would: the rescan jobs queued after the update report
# exactly the findings the new database adds, on the real Alpine 3.10.9
# minirootfs (musl lowered below a real fix, so that it has findings) and a secdb derived from the real one (inventory_fixture.py,
# apk_secdb_ref.py give the reference).  A file at the path that is not a
# database is reported and the worker goes on with the one it has.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3

T=$TMP
python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$T" "$VIGIL_SHARED" "$VIGIL"
LC_ALL=C comm -13 "$T/ref-b-main.txt" "$T/ref-b-plus.txt" >"$T/want-new.txt"
[ "$(wc -l <"$T/want-new.txt")" -ge 12 ] || fail "the derived secdb adds too few findings: $(cat "$T/want-new.txt")"

S="sqlite:$T/store.sqlite"
cp "$T/db-main.sqlite" "$T/live.sqlite"
expect_status 0 $VIGIL inventory add "$T/b" --asset alpine --db "$T/live.sqlite" --store "$S"

$VIGIL worker --store "$S" --db "$T/live.sqlite" --id w1 >"$T/worker.out" 2>"$T/worker.err" &
worker=$!
at_exit "kill $worker 2>/dev/null"

# rescan_job OUT: queues a rescan of alpine and waits (at most 60 s) until
# the worker has run it; its result (the job's report) in OUT.
rescan_job() {
    expect_status 0 $VIGIL inventory rescan --enqueue --asset alpine --store "$S"
    local i
    for i in $(seq 1 600); do
        $VIGIL worker --status --store "$S" -o json >"$T/status.json" || fail "worker --status"
        [ "$(jq '.queued + .running' "$T/status.json")" = 0 ] && break
        kill -0 "$worker" 2>/dev/null || { cat "$T/worker.err" >&2; fail "the worker stopped"; }
        sleep 0.1
    done
    [ "$(jq '.queued + .running' "$T/status.json")" = 0 ] || fail "the rescan job was not run within 60 s"
    expect_status 0 $VIGIL inventory show alpine --store "$S" -o json
    jq -r '.finding_list[] | "\(.purl | sub("@.*"; ""))\t\(.id)"' "$TMP/stdout" | LC_ALL=C sort -u >"$1"
}

# 1. The database the worker opened: the findings stay those of main.
rescan_job "$T/after-1.txt"
same_lines "$T/after-1.txt" "$T/ref-b-main.txt" "findings after a rescan job with the first database"

# 2. Not a database at the path (a half-copied file, say): reported, and
#    the worker goes on with the database it has.
echo "not a database" >"$T/live.new" && mv "$T/live.new" "$T/live.sqlite"
rescan_job "$T/after-2.txt"
same_lines "$T/after-2.txt" "$T/ref-b-main.txt" "findings while the path holds no database"
grep -q "live.sqlite.*the jobs go on with the database opened before" "$T/worker.err" ||
    { cat "$T/worker.err" >&2; fail "the unreadable database was not reported"; }

# 3. The update: a new database renamed over the path, as `vigil db update`
#    does.  The next job uses it: exactly the reference's new findings.
cp "$T/db-plus.sqlite" "$T/live.new" && mv "$T/live.new" "$T/live.sqlite"
rescan_job "$T/after-3.txt"
same_lines "$T/after-3.txt" "$T/ref-b-plus.txt" "findings after the update"
LC_ALL=C comm -13 "$T/after-2.txt" "$T/after-3.txt" >"$T/got-new.txt"
same_lines "$T/got-new.txt" "$T/want-new.txt" "findings the update added"
[ "$(grep -c "the jobs go on with the database opened before" "$T/worker.err")" = 1 ] ||
    { cat "$T/worker.err" >&2; fail "the unreadable database was reported more than once"; }

kill -TERM "$worker"
wait "$worker" || fail "the worker exited $? on SIGTERM"
echo "ok: the worker used the updated database from the next job on"
