# incident_errors.sh — bad input to `vigil incident`: a clear message, the
# documented exit status (vigil-incident(1): 2 for a usage error or an
# event the register refuses, 1 for a missing incident or store), and the
# log unchanged (the same head and count before and after each).
source "$(dirname "$0")/lib.sh"
need_cmd jq
export VIGIL_STORE="sqlite:$TMP/store.sqlite" VIGIL_ACTOR="e2e errors"
cd "$TMP" || fail "cd $TMP"

expect_status 0 "$VIGIL" incident open --title "Mail server compromise" --aware-at 2026-06-01T10:00:00+02:00
expect_status 0 "$VIGIL" incident submitted INC-0001 --stage early-warning --at 2026-06-01T20:00:00Z
expect_status 0 "$VIGIL" incident open --kind vulnerability --title "Exploited flaw" --aware-at 2026-10-01T00:00:00Z
expect_status 0 "$VIGIL" incident open --title "CDN outage" --aware-at 2026-10-02T00:00:00Z --entity-type cdn-provider

state() { "$VIGIL" incident verify -o json | jq -r '"\(.events) \(.head) \(.verified)"'; }
before=$(state)
[ "$before" != "" ] && [ "${before##* }" = true ] || fail "the log does not verify before the tests: $before"

# refused STATUS PATTERN ARGS...: exits STATUS, says PATTERN, writes nothing.
refused() {
    local status=$1 pattern=$2
    shift 2
    expect_status "$status" "$VIGIL" incident "$@"
    expect_stderr "$pattern"
    [ "$(state)" = "$before" ] || fail "'$*' changed the log"
}

refused 2 "unknown; known: dns-service-provider" open --title T --aware-at 2026-06-01T10:00:00Z --entity-type bank
refused 2 "awareness time is in the future" open --title T --aware-at 2099-01-01T00:00:00Z
refused 2 "not an RFC 3339 date-time with an offset" open --title T --aware-at "2026-06-01 10:00"
refused 2 "not an RFC 3339 date-time with an offset" open --title T --aware-at 2026-06-01T10:00:00
refused 2 "--title and --aware-at are required" open --aware-at 2026-06-01T10:00:00Z
refused 2 "give nis2, cra or both" open --title T --aware-at 2026-06-01T10:00:00Z --regime gdpr
refused 2 "NIS2 has no clock for vulnerabilities" open --kind vulnerability --regime nis2 --title T --aware-at 2026-06-01T10:00:00Z
refused 2 "incident INC-0001 already exists" open --id INC-0001 --title T --aware-at 2026-06-01T10:00:00Z
refused 2 "use 1 to 64 letters" open --id "bad id" --title T --aware-at 2026-06-01T10:00:00Z
refused 2 "already submitted at 2026-06-01T20:00:00Z" submitted INC-0001 --stage early-warning --at 2026-06-01T21:00:00Z
refused 2 "submission time in the future" submitted INC-0001 --stage notification --at 2099-01-01T00:00:00Z
refused 2 "submitted before the incident was known" submitted INC-0001 --stage notification --at 2026-05-01T00:00:00Z
refused 2 "final report is not due yet: it comes one month after the incident notification is submitted" submitted INC-0001 --stage final --at 2026-06-02T00:00:00Z
refused 2 "give early-warning, notification" submitted INC-0001 --stage interim --at 2026-06-02T00:00:00Z
refused 2 "cannot close with the nis2 notification report still due" close INC-0001
refused 2 "the awareness time changes only with a reason" update INC-0001 --aware-at 2026-06-01T09:00:00+02:00
refused 2 "awareness time is in the future" update INC-0001 --aware-at 2099-06-01T09:00:00+02:00 --reason "typo"
refused 2 "nothing to change" update INC-0001
refused 2 "handling cannot end before the awareness time" update INC-0001 --ended-at 2026-05-01T00:00:00Z
refused 2 "belongs to a vulnerability" update INC-0001 --measure-at 2026-06-02T00:00:00Z
refused 2 "a measure available in the future" update INC-0002 --measure-at 2099-01-01T00:00:00Z
refused 2 "an option of another subcommand" note INC-0001 --stage final --text x
refused 2 "give the incident's ID" note
refused 2 "unknown subcommand 'reopen'" reopen INC-0001
refused 1 "no incident INC-0099" note INC-0099 --text "hello"
refused 1 "no incident INC-0099" show INC-0099
refused 2 "give a duration" due --within soon
refused 2 "report: --stage is required" report INC-0001
refused 2 "give the record's file" export INC-0001
refused 2 "give SEQ:sha256:HEX" verify --checkpoint 3
refused 2 "give nis2 or cra" report INC-0001 --stage final --regime gdpr
refused 2 "unknown report field .colour." update INC-0001 --set colour=blue
# Facts of classify: missing entity type, unknown members, wrong types, negative and absurd numbers.
refused 2 "no entity type" classify INC-0001 --fact financial_loss_eur=1
refused 2 "give the facts" classify INC-0003
refused 2 "financial_loss_eur" classify INC-0003 --fact financial_loss_eur=-5
refused 2 "financial_loss_eur" classify INC-0003 --fact financial_loss_eur=1e300
refused 2 "unavailable_minutes" classify INC-0003 --fact unavailable_minutes=99999999
refused 2 "colour" classify INC-0003 --fact colour=blue
refused 2 "death" classify INC-0003 --fact death=maybe
echo '{"financial_loss_eur": 1,' >bad.json
refused 2 "bad.json: not valid JSON" classify INC-0003 --facts bad.json
echo '[1]' >bad.json
refused 2 "bad.json: the facts must be a JSON object" classify INC-0003 --facts bad.json
refused 1 "none.json" classify INC-0003 --facts none.json
# A store that does not exist is not created by a read.
expect_status 1 "$VIGIL" incident list --store "sqlite:$TMP/none/s.sqlite"
[ ! -e "$TMP/none/s.sqlite" ] || fail "list created a store"

# The awareness time moves with a reason, and the deadlines with it.
expect_status 0 "$VIGIL" incident update INC-0001 --aware-at 2026-06-01T09:00:00+02:00 --reason "the SOC ticket shows an earlier alert"
[ "$("$VIGIL" incident show INC-0001 -o json | jq -r '.deadlines[] | select(.stage == "notification") | .due')" = 2026-06-04T07:00:00Z ] ||
    fail "the notification did not move with the awareness time"
"$VIGIL" incident export INC-0001 -o rec.json || fail "export"
jq -r '.events[-1].body | fromjson | .reason' rec.json | grep -q "earlier alert" || fail "the reason is not in the event"
echo ok
