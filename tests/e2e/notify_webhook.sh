#!/usr/bin/env bash
# notify_webhook.sh — the webhook sink of `vigil monitor`
# (src/store/notify.c) against a real HTTP(S) receiver on loopback
# (webhook_server.py, Python's http.server and ssl), through unit_notify's
# webhook mode since the monitor command does not exist yet.  Every
# delivery's signatures are verified by the receiver with Python's hmac
# module, and again with the Standard Webhooks reference library
# (tests/tools/webhook-ref, when installed); the bodies received are
# compared byte for byte with what was sent.  Cases: delivered at once
# (signed with a "whsec_" secret, a plain one, or not at all; http and
# https), 500 twice then 200, always 500, a receiver that never answers,
# 404 / 401 / 410 (not retried), a redirect (not followed), connection
# refused, a TLS certificate not trusted, and Retry-After as delta-seconds,
# HTTP-date, too long, and invalid; the verification example of
# docs/notify.md runs on the deliveries.  Small time limits keep it short.
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd jq
need_cmd openssl
DRIVER=${VIGIL_BUILD:?}/tests/unit_notify
[ -x "$DRIVER" ] || fail "$DRIVER is not built"
# Straight to loopback, whatever proxy the environment names.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1

SRV=$TMP/server
mkdir "$SRV"
# Secret 0 as Standard Webhooks serialises one, secret 1 plain text.
printf 'whsec_%s' "$(openssl rand -base64 32)" >"$TMP/secret0"
printf '%s' 'a plain secret: not base64 at all!' >"$TMP/secret1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$SRV/key.pem" -out "$SRV/cert.pem" 2>"$TMP/openssl.err" || { cat "$TMP/openssl.err" >&2; fail "openssl req"; }
python3 "$VIGIL_SRC/tests/e2e/webhook_server.py" "$SRV" "$TMP/secret0" "$TMP/secret1" 2>"$TMP/server.err" &
SERVER=$!
trap 'touch "$SRV/stop"; wait "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do
    [ -e "$SRV/ports.json" ] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$TMP/server.err" >&2; fail "the test receiver did not start"; }
    sleep 0.05
done
[ -e "$SRV/ports.json" ] || fail "the test receiver did not start within 10 s"
HTTP=$(jq -r .http "$SRV/ports.json")
HTTPS=$(jq -r .https "$SRV/ports.json")
REFUSED=$(jq -r .refused "$SRV/ports.json")
BASE=http://127.0.0.1:$HTTP

# A notification as the monitor would send it: pretty-printed (line breaks
# and indentation must arrive as sent), non-ASCII text, ~60 KB.
python3 - "$TMP/body.json" <<'PY'
import json, sys
findings = [{"asset": "façade-ünïcode-%d" % i, "id": "CVE-2021-%05d" % i, "severity": "critical",
             "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.%d" % i} for i in range(400)]
doc = {"type": "vigil.findings.new", "timestamp": "2024-01-02T03:04:05Z", "data": {"findings": findings}}
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(doc, indent=2, ensure_ascii=False))
PY
BODY=$TMP/body.json

# send NAME URL [OPTION...]: one delivery; its result in $TMP/NAME.json.
# Bounded: a library that never returned would fail the test, not hang it.
send() {
    local name=$1 url=$2
    shift 2
    timeout 60 "$DRIVER" webhook "$url" "$BODY" "$@" >"$TMP/$name.json" || fail "$name: unit_notify failed"
}
# field NAME KEY: one field of a result.
field() { jq -r ".$2" "$TMP/$1.json"; }
# expect NAME KEY VALUE: a field of the result has that value.
expect() {
    local got
    got=$(field "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3' (result: $(cat "$TMP/$1.json"))"
}
# expect_error NAME ERE: the result's message matches.
expect_error() {
    field "$1" error | grep -Eq -- "$2" || fail "$1: message '$(field "$1" error)' does not match '$2'"
}
# requests PATH: what the receiver recorded at PATH, one JSON object a line.
requests() { jq -c --arg p "$1" 'select(.path == $p)' "$SRV/log.ndjson"; }
# expect_requests PATH N: the receiver got N requests at PATH.
expect_requests() {
    local got
    got=$(requests "$1" | wc -l)
    [ "$got" = "$2" ] || fail "$1: the receiver got $got requests, expected $2"
}
# expect_gap PATH I SECONDS: request I+1 at PATH arrived at least SECONDS
# after request I (the receiver's clock: the client really waited).
expect_gap() {
    requests "$1" | jq -s -e --argjson i "$2" --argjson s "$3" '.[$i + 1].t - .[$i].t >= $s' >/dev/null ||
        fail "$1: request $(($2 + 2)) came less than $3 s after request $(($2 + 1))"
}
# expect_delivery PATH KEY: every request at PATH is a POST of exactly the
# body sent, with the result's delivery id, a timestamp of now (not
# SOURCE_DATE_EPOCH) and both signatures made with secret KEY ("null":
# unsigned).
expect_delivery() {
    local path=$1 key=$2 name=$3 id now
    id=$(field "$name" delivery_id)
    now=$(date +%s)
    requests "$path" >"$TMP/req"
    [ -s "$TMP/req" ] || fail "$path: no request recorded"
    while read -r req; do
        local n
        n=$(jq -r .n <<<"$req")
        cmp -s "$BODY" "$SRV/body.$n" || fail "$path: the body received (request $n) differs from the body sent"
        jq -e --arg id "$id" --argjson key "$key" --argjson now "$now" --arg ua "vigil/$VERSION" '
            .method == "POST" and .headers["content-type"] == "application/json"
            and .headers["user-agent"] == $ua and .headers["webhook-id"] == $id
            and (.headers["webhook-timestamp"] | test("^[0-9]+$"))
            and ((.headers["webhook-timestamp"] | tonumber) - $now | fabs) < 300
            and .github == $key and .standard == $key
            and (if $key == null then (.headers | has("webhook-signature") or has("x-vigil-signature-256")) | not
                 else true end)' <<<"$req" >/dev/null ||
            fail "$path: request $n is not the signed delivery expected (id $id, secret $key): $(jq -c 'del(.headers["user-agent"])' <<<"$req")"
    done <"$TMP/req"
}
VERSION=$("$VIGIL" --version | sed -n 's/^vigil //p')
[ -n "$VERSION" ] || fail "vigil --version printed no version"
UUID4='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

# Delivered at once, signed with a whsec_ secret.
send ok0 "$BASE/ok" --secret-file "$TMP/secret0"
expect ok0 status 0; expect ok0 outcome delivered; expect ok0 attempts 1; expect ok0 http_status 200
expect ok0 waited_ms 0
field ok0 delivery_id | grep -Eq "$UUID4" || fail "ok0: delivery id $(field ok0 delivery_id) is not a UUID v4"
expect_requests /ok 1
expect_delivery /ok 0 ok0

# A plain secret is used as it is; a caller's delivery id is sent as given.
send ok1 "$BASE/ok/plain" --secret-file "$TMP/secret1" --id run-42_A
expect ok1 outcome delivered; expect ok1 delivery_id run-42_A
expect_delivery /ok/plain 1 ok1

# Unsigned: no signature headers, still an id and a timestamp.
send unsigned "$BASE/ok/unsigned"
expect unsigned outcome delivered
expect_delivery /ok/unsigned null unsigned
[ "$(field unsigned delivery_id)" != "$(field ok0 delivery_id)" ] || fail "two deliveries got the same random id"

# 500 twice, then 200: three attempts, one delivery id, exponential backoff.
send flaky "$BASE/flaky/2" --secret-file "$TMP/secret0" --attempts 4 --backoff-ms 200
expect flaky status 0; expect flaky outcome delivered; expect flaky attempts 3; expect flaky http_status 200
expect flaky waited_ms 600
expect_requests /flaky/2 3
expect_delivery /flaky/2 0 flaky
expect_gap /flaky/2 0 0.2
expect_gap /flaky/2 1 0.4

# Always 500: fails after the attempts allowed, with the receiver's answer.
send always "$BASE/status/500" --secret-file "$TMP/secret0" --attempts 3 --backoff-ms 50
expect always status 2; expect always outcome http_error; expect always attempts 3; expect always http_status 500
expect_error always "^$BASE/status/500: HTTP status 500, answer \"answer 500 from the test receiver\" \(attempt 3 of 3\): .*check its logs"
expect_requests /status/500 3
expect_delivery /status/500 0 always

# A receiver that never answers: each attempt ends at the time limit.
send hang "$BASE/hang" --attempts 2 --timeout-ms 700 --backoff-ms 50
expect hang status 2; expect hang outcome timed_out; expect hang attempts 2; expect hang http_status 0
expect_error hang "^$BASE/hang: .*[Tt]imed out.*\(attempt 2 of 2\): the receiver must answer within the time limit"
expect_requests /hang 2

# Final statuses are not retried (the receiver would answer 200 the second time).
for code in 404 401 410 400; do
    send "once$code" "$BASE/once/$code" --attempts 4 --backoff-ms 50
    expect "once$code" status 2; expect "once$code" outcome http_error; expect "once$code" attempts 1
    expect "once$code" http_status "$code"
    expect_error "once$code" "^$BASE/once/$code: HTTP status $code, answer .*\(attempt 1 of 4\), not retried: "
    expect_requests "/once/$code" 1
done
expect_error once404 "check the webhook URL$"
expect_error once401 "check the webhook secret"
expect_error once410 "endpoint is gone: remove or replace the webhook URL$"
# ... while 408 and 429 are.
for code in 408 429; do
    send "once$code" "$BASE/once/$code" --attempts 4 --backoff-ms 50
    expect "once$code" outcome delivered; expect "once$code" attempts 2
    expect_requests "/once/$code" 2
done

# A redirect is a failure naming its target, never followed.
send redirect "$BASE/redirect" --attempts 4 --backoff-ms 50
expect redirect status 2; expect redirect outcome redirected; expect redirect attempts 1; expect redirect http_status 302
expect_error redirect "^$BASE/redirect: HTTP status 302 redirecting to $BASE/ok/redirected: redirects are not followed"
expect_requests /redirect 1
expect_requests /ok/redirected 0

# Connection refused: retried, then a message naming the URL.
send refused "http://127.0.0.1:$REFUSED/hook" --attempts 3 --backoff-ms 50
expect refused status 2; expect refused outcome connect_failed; expect refused attempts 3; expect refused http_status 0
expect refused waited_ms 150
expect_error refused "^http://127.0.0.1:$REFUSED/hook: .*\(attempt 3 of 3\): check the host, the port and that the receiver is running"

# https: a certificate vigil does not trust fails at once; with its CA it is delivered.
send untrusted "https://127.0.0.1:$HTTPS/ok/tls-untrusted" --attempts 3 --backoff-ms 50
expect untrusted status 2; expect untrusted outcome tls_failed; expect untrusted attempts 1
expect_error untrusted "^https://127.0.0.1:$HTTPS/ok/tls-untrusted: .*certificate.*not retried"
expect_requests /ok/tls-untrusted 0
send tls "https://127.0.0.1:$HTTPS/ok/tls" --secret-file "$TMP/secret0" --ca-file "$SRV/cert.pem"
expect tls outcome delivered; expect tls attempts 1
expect_delivery /ok/tls 0 tls
requests /ok/tls | jq -e '.scheme == "https"' >/dev/null || fail "/ok/tls did not arrive over TLS"

# Retry-After (RFC 9110 10.2.3): delta-seconds and HTTP-date are waited
# for, even when longer than the backoff; one past backoff_max_ms ends the
# delivery; an invalid one is ignored.
send ra_delta "$BASE/retry-after/1" --attempts 3 --backoff-ms 50
expect ra_delta outcome delivered; expect ra_delta attempts 2; expect ra_delta waited_ms 1000
expect_gap /retry-after/1 0 1
send ra_date "$BASE/retry-after/date+3" --attempts 3 --backoff-ms 50
expect ra_date outcome delivered; expect ra_date attempts 2
# The date has whole seconds: at least 2 s remain when it is read.
expect_gap /retry-after/date+3 0 2
field ra_date waited_ms | jq -e '. >= 2000 and . <= 3000' >/dev/null || fail "ra_date: waited $(field ra_date waited_ms) ms for a date 3 s ahead"
for value in 3600 99999999999999999999999999 date+3600; do
    send "ra_long" "$BASE/retry-after/$value" --attempts 3 --backoff-ms 50 --backoff-max-ms 2000
    expect ra_long status 2; expect ra_long outcome http_error; expect ra_long attempts 1; expect ra_long http_status 503
    expect_error ra_long "the receiver asked to retry after [0-9]+ s, longer than the 2000 ms allowed between attempts: not retried$"
    expect_requests "/retry-after/$value" 1
done
for value in soon -5 1.5 date+-100; do
    send "ra_bad" "$BASE/retry-after/$value" --attempts 3 --backoff-ms 50
    expect ra_bad outcome delivered; expect ra_bad attempts 2; expect ra_bad waited_ms 50
done

# The Standard Webhooks reference library accepts every signed delivery
# with the secret the Python receiver found, and no tampered body.
# The verification example of docs/notify.md (its first Python block)
# accepts the deliveries signed with either secret, and refuses a tampered
# body, a wrong secret and an old timestamp.
python3 - "$VIGIL_SRC/docs/notify.md" "$SRV" "$TMP/secret0" "$TMP/secret1" <<'PY' || fail "the example of docs/notify.md does not verify as documented"
import json, re, sys
doc, srv, s0, s1 = sys.argv[1:]
example = re.search(r"```python\n(.*?)```", open(doc).read(), re.S).group(1)
scope = {}
exec(example, scope)
verify = scope["verify"]
secrets = [open(s0, "rb").read(), open(s1, "rb").read()]
records = [json.loads(l) for l in open(srv + "/log.ndjson")]
checked = 0
for rec in records:
    if rec["standard"] is None:
        continue
    body = open("%s/body.%d" % (srv, rec["n"]), "rb").read()
    key = secrets[rec["standard"]]
    assert verify(key, rec["headers"], body), "request %d refused" % rec["n"]
    assert not verify(key, rec["headers"], body + b" "), "request %d: tampered body accepted" % rec["n"]
    assert not verify(secrets[1 - rec["standard"]], rec["headers"], body), "request %d: wrong secret accepted" % rec["n"]
    old = dict(rec["headers"], **{"webhook-timestamp": str(int(rec["headers"]["webhook-timestamp"]) - 301)})
    assert not verify(key, old, body), "request %d: old timestamp accepted" % rec["n"]
    checked += 1
assert checked >= 2 and {r["standard"] for r in records} >= {0, 1}, "too few signed deliveries to check"
PY

REF=$VIGIL_SRC/tests/tools/webhook-ref
if ! have_cmd node "verification with the Standard Webhooks reference library"; then
    :
elif ! [ -d "$REF/node_modules/standardwebhooks" ]; then
    skip_part "the Standard Webhooks reference library (run: npm ci --prefix tests/tools/webhook-ref)"
else
    node "$REF/verify.js" "$SRV" "$TMP/secret0" "$TMP/secret1" >"$TMP/ref" || fail "verify.js failed"
    jq -r 'select(.headers["webhook-signature"]) | "\(.n)\t\(.standard // "none")"' "$SRV/log.ndjson" >"$TMP/python"
    same_lines "$TMP/ref" "$TMP/python" "signature verdicts (< reference library, > python hmac)"
    grep -q $'\t1$' "$TMP/ref" && grep -q $'\t0$' "$TMP/ref" || fail "the reference library did not see both secrets used"
fi
echo "ok: $(wc -l <"$SRV/log.ndjson") requests received and checked"
