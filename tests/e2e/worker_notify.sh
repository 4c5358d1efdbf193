# worker_notify.sh — notify jobs: `vigil monitor --enqueue` queues a
# rescan job per asset and then a notify job per sink, and `vigil worker`
# runs them, on SQLite and on a real PostgreSQL 15 (pg.sh).
#
# Real data as monitor.sh has it (inventory_fixture.py: the Alpine 3.10.9
# minirootfs stored twice, the real v3.10 secdb and one with extra
# advisories; the reference findings by apk_secdb_ref.py), and the loopback
# receiver webhook_server.py, which verifies each request's signatures with
# Python's hmac.  Checked on each back end:
#  - order: the first rescan job is held by a "dead" worker (running, its
#    lease running out in a few seconds); the notify jobs wait for it, so
#    the webhook's body and the file's line hold exactly the new findings
#    of the reference, of both assets; the signatures verify;
#  - exactly once in effect: a worker killed (SIGKILL) after the receiver
#    answered but before it committed (the store locked meanwhile) leaves
#    the job running and the findings queued; the next worker delivers the
#    same bytes with the same webhook-id, and only then are they taken out;
#  - a receiver answering 500: the job fails after its attempts with the
#    status in its message, every attempt with the same webhook-id, and
#    the findings stay queued: the next notify job delivers all of them;
#  - worker --status counts the notify kind.
# On SQLite also: a hanging receiver (timed out), a worker without a secret
# (never unsigned), and the usage errors of --enqueue.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
inventory_fixture
need_cmd openssl
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1

T=$TMP
printf 'whsec_%s' "$(openssl rand -base64 32)" >"$T/secret"
comm -13 "$T/ref-a-main.txt" "$T/ref-a-plus.txt" >"$T/new-a"
comm -13 "$T/ref-b-main.txt" "$T/ref-b-plus.txt" >"$T/new-b"
comm -23 "$T/ref-a-plus.txt" "$T/ref-a-minus.txt" >"$T/back-a"
comm -23 "$T/ref-b-plus.txt" "$T/ref-b-minus.txt" >"$T/back-b"

# sql URL QUERY: the rows of QUERY, "a|b" a line, on either back end.
sql() {
    case $1 in
    postgresql:*) pg_psql "$1" "$2" ;;
    sqlite:*) sqlite3 -cmd ".timeout 30000" "${1#sqlite:}" "$2" ;;
    esac
}
# announced FILE: "asset<TAB>package<TAB>id" of an announcement.
announced() { jq -r '.findings[] | "\(.asset)\t\(.package)\t\(.id)"' "$1"; }
# want X...: "asset<TAB>package<TAB>id" of reference lines FILE:ASSET.
want() { local x; for x in "$@"; do sed "s/^/${x#*:}\t/" "$T/${x%%:*}"; done | sed '/\t$/d'; }
# requests PATH: the log lines of the requests to PATH.
requests() { if [ -e "$SRV/log.ndjson" ]; then jq -c --arg p "$1" 'select(.path == $p)' "$SRV/log.ndjson"; fi; }
# body PATH [N]: the file holding the body of the N-th (1st) request to PATH.
body() { echo "$SRV/body.$(requests "$1" | jq -s ".[${2:-1} - 1].n")"; }
# waiting S: the findings waiting for the webhook sink.
waiting() { sql "$1" "SELECT count(*) FROM notification WHERE sink = 'webhook'"; }
# enqueue S PATH ARGS...: monitor --enqueue of a webhook to PATH on the receiver.
enqueue() {
    local S=$1 path=$2
    shift 2
    expect_status 0 $VIGIL monitor --enqueue --skip-update --store "$S" --webhook "$URL$path" \
        --webhook-attempts 1 --webhook-timeout 10 -o json="$T/enqueued.json" "$@"
}
# work S ARGS...: a worker until the queue is empty, signing with the secret.
work() {
    local S=$1
    shift
    timeout 120 $VIGIL worker --store "$S" --db "$T/db-plus.sqlite" --lease 3 --until-empty \
        --webhook-secret-file "$T/secret" "$@"
}
# reopen S: the findings of CVE-2099-1001 and -3001 fixed, then new again.
reopen() {
    expect_status 0 $VIGIL inventory rescan --store "$1" --db "$T/db-minus.sqlite"
    expect_status 0 $VIGIL inventory rescan --store "$1" --db "$T/db-plus.sqlite"
}
# lock S NAME: holds the store's write lock (SQLite) or the running notify
# job's row (PostgreSQL) from when $T/NAME.locked appears until $T/NAME.unlock does.
lock() {
    case $1 in
    postgresql:*)
        mkfifo "$T/$2.fifo"
        psql "$1" -X -q -At -v ON_ERROR_STOP=1 <"$T/$2.fifo" >/dev/null &
        exec 3>"$T/$2.fifo"
        printf '%s\n' "BEGIN;" "SELECT id FROM job WHERE kind = 'notify' AND state = 'running' FOR UPDATE;" \
            "\\! touch $T/$2.locked" "\\! while [ ! -e $T/$2.unlock ]; do sleep 0.05; done" "COMMIT;" >&3
        exec 3>&-
        ;;
    sqlite:*)
        python3 - "${1#sqlite:}" "$T/$2" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2] + ".locked", "w").close()
while not os.path.exists(sys.argv[2] + ".unlock"):
    time.sleep(0.05)
c.execute("COMMIT")
PY
        ;;
    esac
    LOCKER=$!
    for _ in $(seq 600); do [ -e "$T/$2.locked" ] && return 0; sleep 0.05; done
    fail "the store was not locked"
}

# check S NAME: the whole sequence on the store at URL S.
check() {
    local S=$1 name=$2
    SRV=$T/srv-$name
    mkdir "$SRV"
    python3 "$VIGIL_SRC/tests/e2e/webhook_server.py" "$SRV" "$T/secret" 2>"$T/server.err" &
    at_exit "touch '$SRV/stop'; wait $!"
    for _ in $(seq 200); do [ -e "$SRV/ports.json" ] && break; sleep 0.05; done
    [ -e "$SRV/ports.json" ] || { cat "$T/server.err" >&2; fail "the test receiver did not start"; }
    URL=http://127.0.0.1:$(jq -r .http "$SRV/ports.json")
    local notes=$T/notes-$name.ndjson
    for x in a:alpine b:alpine-musl; do
        expect_status 0 $VIGIL inventory add "$T/${x%%:*}" --asset "${x#*:}" --db "$T/db-main.sqlite" --store "$S"
    done

    # 1. Order: the notify jobs come after the rescans, and wait for the
    # first one, whose worker "died" (its lease runs out in 3 s).
    enqueue "$S" /ok --notify-file "$notes"
    [ "$(jq -c '[.jobs.rescans.jobs, (.jobs.notify | map(.sink))]' "$T/enqueued.json")" = '[2,["webhook","file"]]' ] ||
        fail "$name: enqueued $(cat "$T/enqueued.json")"
    local webhook_job
    webhook_job=$(jq '.jobs.notify[0].job' "$T/enqueued.json")
    case $S in
    postgresql:*) now="CAST(floor(EXTRACT(EPOCH FROM clock_timestamp())) AS BIGINT)" ;;
    *) now="CAST(strftime('%s', 'now') AS INTEGER)" ;;
    esac
    sql "$S" "UPDATE job SET state = 'running', worker = 'dead', attempts = 1, lease_until = $now + 3
              WHERE id = (SELECT min(id) FROM job WHERE kind = 'rescan')" >/dev/null
    expect_status 0 work "$S"
    [ "$(requests /ok | wc -l)" = 1 ] || fail "$name: $(requests /ok | wc -l) requests"
    [ "$(requests /ok | jq -c '[.standard, .github]')" = '[0,0]' ] ||
        fail "$name: the receiver did not verify the signatures: $(requests /ok)"
    same_lines <(announced "$(body /ok)") <(want new-a:alpine new-b:alpine-musl) "$name: the webhook's findings"
    same_lines <(announced "$notes") <(want new-a:alpine new-b:alpine-musl) "$name: the file's findings"
    jq -e --arg id "$(requests /ok | jq -r '.headers."webhook-id"')" --argjson job "$webhook_job" \
        '.type == "vigil.findings.new" and .delivery == $id and .job == $job and .more == 0' \
        "$(body /ok)" >/dev/null || fail "$name: document $(cat "$(body /ok)")"
    [ "$(sql "$S" "SELECT count(*) FROM job WHERE state = 'done' AND attempts = 2 AND worker <> 'dead'")" = 1 ] ||
        fail "$name: the dead worker's rescan was not run again"
    [ "$(waiting "$S")" = 0 ] || fail "$name: delivered findings still wait"

    # 2. Nothing new: no request, the job done all the same.
    enqueue "$S" /ok
    expect_status 0 work "$S"
    [ "$(requests /ok | wc -l)" = 1 ] || fail "$name: a request with nothing new"
    [ "$(sql "$S" "SELECT result FROM job WHERE kind = 'notify' ORDER BY id DESC LIMIT 1" |
        jq -c '[.outcome, .delivered, .findings]')" = '["nothing new",false,0]' ] || fail "$name: nothing new"

    # 3. Killed after the receiver answered, before the commit: the job is
    # taken again and the same delivery sent again, then taken out.
    reopen "$S"
    local n
    n=$(waiting "$S")
    [ "$n" -gt 0 ] || fail "$name: nothing reopened"
    enqueue "$S" "/hold/kill-$name"
    # (vigil itself, not through timeout or a function, so that $! is its pid)
    $VIGIL worker --store "$S" --db "$T/db-plus.sqlite" --lease 1 --until-empty --webhook-secret-file "$T/secret" \
        >/dev/null 2>&1 &
    local worker=$!
    for _ in $(seq 600); do [ -n "$(requests "/hold/kill-$name")" ] && break; sleep 0.05; done
    [ -n "$(requests "/hold/kill-$name")" ] || fail "$name: no delivery to kill"
    lock "$S" "lock-$name"
    touch "$SRV/kill-$name.go"
    for _ in $(seq 600); do [ -e "$SRV/kill-$name.answered" ] && break; sleep 0.05; done
    [ -e "$SRV/kill-$name.answered" ] || fail "$name: the receiver did not answer"
    kill -9 "$worker"
    wait "$worker" || true
    touch "$T/lock-$name.unlock"
    wait "$LOCKER"
    [ "$(sql "$S" "SELECT state FROM job WHERE kind = 'notify' ORDER BY id DESC LIMIT 1")" = running ] ||
        fail "$name: the killed worker's job is not running"
    [ "$(waiting "$S")" = "$n" ] || fail "$name: the findings were taken out before the commit"
    expect_status 0 work "$S"
    [ "$(requests "/hold/kill-$name" | wc -l)" = 2 ] || fail "$name: $(requests "/hold/kill-$name" | wc -l) requests"
    [ "$(requests "/hold/kill-$name" | jq -r '.headers."webhook-id"' | sort -u | wc -l)" = 1 ] ||
        fail "$name: the delivery sent again has another webhook-id"
    [ "$(requests "/hold/kill-$name" | jq -c '[.standard, .github]' | sort -u)" = '[0,0]' ] ||
        fail "$name: signatures of the delivery sent again"
    cmp -s "$(body "/hold/kill-$name" 1)" "$(body "/hold/kill-$name" 2)" ||
        fail "$name: the delivery sent again is not the same bytes"
    same_lines <(announced "$(body "/hold/kill-$name" 2)") <(want back-a:alpine back-b:alpine-musl) \
        "$name: the findings delivered again"
    [ "$(sql "$S" "SELECT state, attempts FROM job WHERE kind = 'notify' ORDER BY id DESC LIMIT 1")" = 'done|2' ] ||
        fail "$name: the notify job after the kill"
    [ "$(waiting "$S")" = 0 ] || fail "$name: the findings still wait after the delivery"

    # 4. A receiver that answers 500: failed after 3 attempts, one
    # webhook-id, the findings still queued; the next job delivers them.
    reopen "$S"
    n=$(waiting "$S")
    enqueue "$S" /status/500
    expect_status 3 work "$S"
    expect_stderr "failed after 3 attempts: .*500.*its $n findings stay queued for the webhook"
    [ "$(requests /status/500 | wc -l)" = 3 ] || fail "$name: $(requests /status/500 | wc -l) requests to the 500"
    [ "$(requests /status/500 | jq -r '.headers."webhook-id"' | sort -u | wc -l)" = 1 ] ||
        fail "$name: the attempts of one job had several webhook-ids"
    [ "$(waiting "$S")" = "$n" ] || fail "$name: a failed delivery took findings out"
    expect_status 0 $VIGIL worker --status --store "$S" -o json
    jq -e '.kinds.notify == {"done": 4, "failed": 1} and (.failed_jobs[0] | .kind == "notify"
        and (.error | test("500")))' "$T/stdout" >/dev/null || fail "$name: worker --status $(cat "$T/stdout")"
    enqueue "$S" /ok/after-500
    expect_status 0 work "$S"
    same_lines <(announced "$(body /ok/after-500)") <(want back-a:alpine back-b:alpine-musl) \
        "$name: the findings the 500 did not take"
    [ "$(requests /ok/after-500 | jq -r '.headers."webhook-id"')" != "$(requests /status/500 |
        jq -r '.headers."webhook-id"' | sed -n 1p)" ] || fail "$name: a new job reused a failed job's delivery id"
    [ "$(waiting "$S")" = 0 ] || fail "$name: findings still wait"
    touch "$SRV/stop"
}

check "sqlite:$T/store.sqlite" sqlite
S=sqlite:$T/store.sqlite

# A receiver that never answers, a worker without a secret, usage errors.
SRV=$T/srv-more
mkdir "$SRV"
python3 "$VIGIL_SRC/tests/e2e/webhook_server.py" "$SRV" "$T/secret" 2>"$T/server.err" &
at_exit "touch '$SRV/stop'; wait $!"
for _ in $(seq 200); do [ -e "$SRV/ports.json" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(jq -r .http "$SRV/ports.json")
reopen "$S"
n=$(waiting "$S")
enqueue "$S" /hang --webhook-timeout 1
expect_status 3 work "$S"
expect_stderr 'timed out'
[ "$(waiting "$S")" = "$n" ] || fail "a hanging receiver took findings out"
enqueue "$S" /ok
expect_status 3 timeout 120 $VIGIL worker --store "$S" --db "$T/db-plus.sqlite" --until-empty
expect_stderr 'no secret to sign the webhook with: start it with --webhook-secret-file'
[ -z "$(requests /ok)" ] || fail "a worker without a secret sent the webhook"
expect_status 2 $VIGIL monitor --enqueue --store "$S" --webhook "$URL/ok" --webhook-secret-file "$T/secret"
expect_stderr 'no secret is kept in the job table'
expect_status 2 $VIGIL monitor --enqueue --store "$S" --skip-update
expect_stderr 'give --webhook and/or --notify-file'
expect_status 2 $VIGIL monitor --enqueue --skip-update --store "$S" --webhook "http://u:pw@127.0.0.1:1/"
expect_stderr 'may not hold a password'
expect_status 2 $VIGIL monitor --enqueue --skip-update --store "$S" --notify-file notes.ndjson
expect_stderr 'notes.ndjson: a notify job needs an absolute path'
touch "$SRV/stop"

pg_start
check "$PG_URL" postgresql
echo ok
