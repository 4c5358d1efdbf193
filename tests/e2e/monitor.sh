# monitor.sh — `vigil monitor` end to end: the database updated from a
# local mirror (`--from`) that carries the real Alpine v3.10 secdb, then a
# secdb derived from it with extra advisories (inventory_fixture.py), the
# real Alpine 3.10.9 minirootfs stored twice (as shipped; musl lowered),
# and a loopback receiver (webhook_server.py) that verifies each request's
# signatures with Python's hmac and answers 200, 500, or never.  Checked:
# one signed POST per run with exactly the new findings of the reference
# (apk_secdb_ref.py), the same document appended to the NDJSON file, no
# POST when nothing is new (unless --notify-always), findings a failed or
# hanging delivery missed delivered by the next run and only then, exit
# statuses (1 for a failed delivery or update, 5 for --fail-on), usage
# errors, and the queue on PostgreSQL.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
need_cmd openssl
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1

T=$TMP
python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$T" "$VIGIL_SHARED" "$VIGIL"
mkdir -p "$T/mirror/alpine/v3.10" "$T/srv"
feed() { cp "$T/$1.json" "$T/mirror/alpine/v3.10/main.json"; }
feed main

printf 'whsec_%s' "$(openssl rand -base64 32)" >"$T/secret"
python3 "$VIGIL_SRC/tests/e2e/webhook_server.py" "$T/srv" "$T/secret" 2>"$T/server.err" &
at_exit "touch '$T/srv/stop'; wait $!"
for _ in $(seq 200); do [ -e "$T/srv/ports.json" ] && break; sleep 0.05; done
[ -e "$T/srv/ports.json" ] || { cat "$T/server.err" >&2; fail "the test receiver did not start"; }
URL=http://127.0.0.1:$(jq -r .http "$T/srv/ports.json")

# monitor URL ARGS...: one run against the store at URL, updating from the
# mirror, with the result in $T/run.json; bounded by timeout(1).
monitor() {
    local S=$1
    shift
    timeout 120 $VIGIL monitor --store "$S" --db "$T/db-$(basename "$S" | tr -c 'a-z0-9\n' _).sqlite" \
        --from "$T/mirror" --source alpine:v3.10/main --webhook-attempts 2 --webhook-timeout 2 \
        --webhook-secret-file "$T/secret" --notify-file "$T/notes-$(basename "$S" | tr -c 'a-z0-9\n' _).ndjson" \
        -o json="$T/run.json" "$@"
}
# posts: how many requests the receiver got.
posts() { if [ -e "$T/srv/log.ndjson" ]; then wc -l <"$T/srv/log.ndjson"; else echo 0; fi; }
# last_body: the last request's body.
last_body() { echo "$T/srv/body.$(jq -s 'max_by(.n) | .n' "$T/srv/log.ndjson")"; }
# announced FILE: "asset<TAB>package<TAB>id" of an announcement.
announced() { jq -r '.findings[] | "\(.asset)\t\(.package)\t\(.id)"' "$1"; }
# want X...: "asset<TAB>package<TAB>id" of reference lines FILE:ASSET.
want() { local x; for x in "$@"; do sed "s/^/${x#*:}\t/" "$T/${x%%:*}"; done | sed '/\t$/d'; }

S=sqlite:$T/store.sqlite
for x in a:alpine b:alpine-musl; do
    expect_status 0 $VIGIL inventory add "$T/${x%%:*}" --asset "${x#*:}" --db "$T/db-main.sqlite" --store "$S"
done
notes=$T/notes-store_sqlite.ndjson

# 1. Nothing new: no POST, no line; the database was updated.
expect_status 0 monitor "$S" --webhook "$URL/ok"
[ "$(posts)" = 0 ] && [ ! -s "$notes" ] || fail "something was announced with nothing new"
[ "$(jq -c '[.update.ok, .update.sources, .rescan.summary.new, (.deliveries | map(.outcome))]' "$T/run.json")" = \
    '[true,1,0,["nothing new","nothing new"]]' ] || fail "run 1: $(jq -c . "$T/run.json")"

# 2. Extra advisories: one signed POST and one line, both exactly the new
# findings of the reference, the same bytes.
feed plus
expect_status 0 monitor "$S" --webhook "$URL/ok"
[ "$(posts)" = 1 ] || fail "run 2: $(posts) requests"
[ "$(jq -c '[.standard, .github, .path]' "$T/srv/log.ndjson")" = '[0,0,"/ok"]' ] ||
    fail "the receiver did not verify the signatures: $(cat "$T/srv/log.ndjson")"
comm -13 "$T/ref-a-main.txt" "$T/ref-a-plus.txt" >"$T/new-a"
comm -13 "$T/ref-b-main.txt" "$T/ref-b-plus.txt" >"$T/new-b"
same_lines <(announced "$(last_body)") <(want new-a:alpine new-b:alpine-musl) "announced findings of run 2"
[ "$(wc -l <"$notes")" = 1 ] || fail "run 2: $(wc -l <"$notes") lines in the file"
printf '\n' | cat "$(last_body)" - | cmp -s - "$notes" || fail "the file line is not the webhook body"
jq -e --argjson run "$(jq .rescan.run "$T/run.json")" '.type == "vigil.findings.new" and .version == 1
    and .run == $run and .more == 0 and .summary.new == (.findings | length)
    and all(.findings[]; . as $f | ($f.aliases | index($f.id)) != null and .fixed == null and .first_seen == .queued
        and ($f.purl | startswith($f.package + "@")) and .severity == "unknown" and .version != null)' \
    "$(last_body)" >/dev/null || fail "document: $(cat "$(last_body)")"

# 3. A receiver that answers 500: exit 1, the findings wait; the file has
# them.  The withdrawn advisory coming back reopens its findings: new.
feed minus
expect_status 0 monitor "$S" --webhook "$URL/ok"
[ "$(posts)" = 1 ] || fail "fixed findings were announced"
feed plus
expect_status 1 monitor "$S" --webhook "$URL/status/500"
expect_stderr 'wait for the next run'
[ "$(jq -r 'select(.path == "/status/500") | .headers."webhook-id"' "$T/srv/log.ndjson" | uniq -c | awk '{print $1}')" = 2 ] ||
    fail "not two attempts with one webhook-id"
comm -23 "$T/ref-a-plus.txt" "$T/ref-a-minus.txt" >"$T/back-a"
comm -23 "$T/ref-b-plus.txt" "$T/ref-b-minus.txt" >"$T/back-b"
tail -n 1 "$notes" >"$T/line.json"
same_lines <(announced "$T/line.json") <(want back-a:alpine back-b:alpine-musl) "file line of run 3"
[ "$(jq -c '.deliveries | map([.sink, .delivered])' "$T/run.json")" = '[["webhook",false],["file",true]]' ] ||
    fail "run 3 deliveries: $(jq -c .deliveries "$T/run.json")"

# 4. The next run, nothing new in the database: the webhook gets what it
# missed, the file nothing more.
expect_status 0 monitor "$S" --webhook "$URL/ok"
[ "$(posts)" = 4 ] || fail "run 4: $(posts) requests"
same_lines <(announced "$(last_body)") <(want back-a:alpine back-b:alpine-musl) "webhook catching up in run 4"
[ "$(wc -l <"$notes")" = 2 ] || fail "the file got the findings again"
expect_status 0 monitor "$S" --webhook "$URL/ok"
[ "$(posts)" = 4 ] || fail "run 5 announced again what was delivered"

# 5. A receiver that never answers: bounded by the timeouts, exit 1, and
# delivered by the next run; --notify-always announces a run with nothing
# new; --fail-on gates on the new findings.
feed minus
expect_status 0 monitor "$S" --webhook "$URL/ok"
feed plus
expect_status 1 monitor "$S" --webhook "$URL/hang" --webhook-attempts 1
expect_stderr 'timed out'
expect_status 2 monitor "$S" --webhook "$URL/ok" --skip-update
expect_stderr 'skip-update and the update'
expect_status 0 $VIGIL monitor --store "$S" --db "$T/db-store_sqlite.sqlite" --skip-update --webhook "$URL/ok" \
    --webhook-secret-file "$T/secret" -o json="$T/run.json"
same_lines <(announced "$(last_body)") <(want back-a:alpine back-b:alpine-musl) "webhook catching up after a hang"
n=$(posts)
expect_status 0 $VIGIL monitor --store "$S" --db "$T/db-store_sqlite.sqlite" --skip-update --webhook "$URL/ok" \
    --notify-always -o json="$T/run.json"
[ "$(posts)" = $((n + 1)) ] && [ "$(jq '.findings | length' "$(last_body)")" = 0 ] || fail "--notify-always"
[ "$(tail -n 1 "$T/srv/log.ndjson" | jq -c '[.standard, .github, .headers."webhook-signature"]')" = '[null,null,null]' ] ||
    fail "a request without --webhook-secret-file was signed"
feed minus
expect_status 0 monitor "$S" --webhook "$URL/ok"
feed plus
expect_status 5 monitor "$S" --webhook "$URL/ok" --fail-on unknown
expect_stderr "fail-on unknown: $(( $(wc -l <"$T/back-a") + $(wc -l <"$T/back-b") )) new findings"
same_lines <(announced "$(last_body)") <(want back-a:alpine back-b:alpine-musl) "announced with --fail-on"

# 6. An update that fails: exit 1, the rescan runs on the database as it
# was, and the deliveries still happen.
feed minus
expect_status 0 monitor "$S" --webhook "$URL/ok"
expect_status 1 $VIGIL monitor --store "$S" --db "$T/db-store_sqlite.sqlite" \
    --mirror "http://127.0.0.1:$(jq -r .refused "$T/srv/ports.json")/" --source alpine:v3.10/main \
    --notify-file "$notes" -o json="$T/run.json"
expect_stderr 'the database update failed'
[ "$(jq -c '[.update.ok, .rescan.summary.assets]' "$T/run.json")" = '[false,2]' ] || fail "run after a failed update"

# 7. Usage and setup errors.
expect_status 2 $VIGIL monitor --store "$S" --webhook-secret-file "$T/secret"
expect_stderr 'webhook-\* options go with --webhook'
expect_status 2 $VIGIL monitor --store "$S" --webhook "$URL/ok" --webhook-attempts 11
expect_status 1 $VIGIL monitor --store "$S" --webhook "$URL/ok" --webhook-secret-file "$T/nosuch" --skip-update
expect_stderr 'webhook-secret-file'
expect_status 1 $VIGIL monitor --store "sqlite:$T/nosuch.sqlite" --skip-update --db "$T/db-main.sqlite"
expect_stderr 'vigil store init'

# 8. PostgreSQL: the same first announcement.
pg_start
for x in a:alpine b:alpine-musl; do
    expect_status 0 $VIGIL inventory add "$T/${x%%:*}" --asset "${x#*:}" --db "$T/db-main.sqlite" --store "$PG_URL"
done
feed main
expect_status 0 monitor "$PG_URL" --webhook "$URL/ok"
feed plus
n=$(posts)
expect_status 0 monitor "$PG_URL" --webhook "$URL/ok"
[ "$(posts)" = $((n + 1)) ] || fail "PostgreSQL: no POST"
pgnotes=$T/notes-$(basename "$PG_URL" | tr -c 'a-z0-9\n' _).ndjson
[ "$(wc -l <"$pgnotes")" = 1 ] || fail "PostgreSQL: $(wc -l <"$pgnotes") lines"
strip() { jq -S 'del(.time, .run, .db_time) | .findings[] |= del(.first_seen, .queued)' "$1"; }
[ "$(head -n 1 "$notes" | strip /dev/stdin)" = "$(strip "$pgnotes")" ] || fail "the announcements differ between back ends"
cmp -s "$pgnotes" <(cat "$(last_body)" - </dev/null; echo) || fail "PostgreSQL: the file line is not the webhook body"
echo ok
