# incident_scenarios.sh — `vigil incident` on realistic incidents walked
# through their lives, in a SQLite store, with every deadline written out
# by hand from the articles (docs/incidents.md, "The clocks"):
#
#  1. aware at 23:30 UTC on Friday 20 March 2026: early warning Saturday
#     23:30, notification Monday 23:30 (NIS2 Art. 23(4)(a), (b)); `due`
#     with a window and --fail;
#  2. across the change to summer time in Europe/Berlin (29 March 2026,
#     01:00 UTC): aware 10:00 CET on the 28th = 09:00 UTC, so the early
#     warning is due 09:00 UTC on the 29th (11:00 CEST), not 08:00 UTC
#     (the same wall-clock time a day later);
#  3. a notification submitted on 31 January 2026: the final report is due
#     28 February (Art. 23(4)(d)); closed once everything is submitted;
#  4. still ongoing at the one-month mark: a progress report then, the
#     final one month after the handling ended (Art. 23(4)(e)); an
#     intermediate report the CSIRT asked for (Art. 23(4)(c)); a close
#     refused while a report is due;
#  5. a trust service provider: the notification within 24 hours
#     (Art. 23(4), second subparagraph);
#  6. a CRA actively exploited vulnerability whose fix ships on day 5: the
#     final report 14 days later (CRA Art. 14(2)(c)), users informed
#     (Art. 14(8)); the report drafts with their blockers, checked against
#     docs/incident-report.schema.json; the signed export, verified by
#     `vigil verify` and by sigstore-js, its event digests recomputed here;
#  7. recurring incidents (2024/2690 Art. 4): a managed service provider
#     (turnover EUR 20 million, so the Art. 3(1)(a) threshold is the lower
#     of EUR 500 000 and 5 % = EUR 1 million) loses EUR 300 000 in February
#     and EUR 250 000 in July to the same root cause: neither is significant
#     alone, together (EUR 550 000) they are, and the July one is
#     classified significant naming the February one; a third in August
#     with another root cause is not.
source "$(dirname "$0")/lib.sh"
need_cmd jq
need_cmd python3
need_cmd node
INTEROP=$VIGIL_SRC/tests/interop
[ -d "$INTEROP/node_modules/@sigstore/verify" ] || skip "sigstore-js is not installed (npm ci --prefix tests/interop)"
export VIGIL_STORE="sqlite:$TMP/store.sqlite" VIGIL_ACTOR="e2e tester"
cd "$TMP" || fail "cd $TMP"

inc() { expect_status 0 "$VIGIL" incident "$@"; }
open_inc() { inc open "$@"; cat "$TMP/stdout"; }
# field ID JQ: a member of `incident show ID -o json`.
field() { "$VIGIL" incident show "$1" -o json | jq -r "$2"; }
# deadline ID REGIME STAGE MEMBER
deadline() { field "$1" ".deadlines[] | select(.regime == \"$2\" and .stage == \"$3\") | .$4"; }
want_due() {
    local got
    got=$(deadline "$1" "$2" "$3" due)
    [ "$got" = "$4" ] || fail "$1 $2 $3 due '$got', want '$4'"
}
want_article() {
    local got
    got=$(deadline "$1" "$2" "$3" article)
    [ "$got" = "$4" ] || fail "$1 $2 $3 cites '$got', want '$4'"
}

# 1. Friday 23:30 UTC.
a=$(open_inc --title "Ransomware on the file servers" --aware-at 2026-03-20T23:30:00Z)
[ "$a" = INC-0001 ] || fail "first id is '$a'"
want_due "$a" nis2 early-warning 2026-03-21T23:30:00Z
want_due "$a" nis2 notification 2026-03-23T23:30:00Z
want_article "$a" nis2 early-warning "NIS2 Art. 23(4)(a)"
want_article "$a" nis2 notification "NIS2 Art. 23(4)(b)"
[ "$(deadline "$a" nis2 final waiting)" = "one month after the incident notification is submitted" ] ||
    fail "final report not waiting for the notification"
[ "$(deadline "$a" nis2 early-warning provisional)" = true ] || fail "unclassified clocks are not provisional"
# 20:00 UTC on Saturday: 3 h 30 min left for the early warning.
inc due --now 2026-03-21T20:00:00Z --within 6h -o json
[ "$(jq -r '[.due[] | .incident + " " + .stage + " " + (.seconds_left | tostring)] | join(",")' "$TMP/stdout")" = \
    "INC-0001 early-warning 12600" ] || { cat "$TMP/stdout"; fail "due within 6h"; }
expect_status 5 "$VIGIL" incident due --now 2026-03-21T20:00:00Z --within 6h --fail
grep -q "3h 30m left" "$TMP/stdout" || { cat "$TMP/stdout"; fail "due table: time left"; }
expect_status 0 "$VIGIL" incident due --now 2026-03-21T20:00:00Z --within 1h --fail
grep -q "nothing due in the window" "$TMP/stdout" || fail "an empty window is not said"
# Overdue after the deadline.
inc due --now 2026-03-22T00:30:00Z --within 1h --format json
[ "$(jq -r '.overdue' "$TMP/stdout")" = 1 ] || fail "the early warning is not overdue an hour later"
inc submitted "$a" --stage early-warning --at 2026-03-21T22:00:00Z --reference CSIRT-2026-0042
[ "$(deadline "$a" nis2 early-warning status)" = submitted ] || fail "early warning not submitted"
[ "$(deadline "$a" nis2 early-warning reference)" = CSIRT-2026-0042 ] || fail "reference lost"

# 2. Across the change to summer time in Europe/Berlin.
b=$(open_inc --title "Phishing of the payroll team" --aware-at 2026-03-28T10:00:00+01:00)
want_due "$b" nis2 early-warning 2026-03-29T09:00:00Z
want_due "$b" nis2 notification 2026-03-31T09:00:00Z
[ "$(field "$b" .aware_at)" = 2026-03-28T10:00:00+01:00 ] || fail "the reporter's offset is not kept"
[ "$(deadline "$b" nis2 early-warning due_local)" = 2026-03-29T10:00:00+01:00 ] || fail "due in the reporter's offset"
# In Berlin's own time, daylight saving shows: aware 10:00 CET, due 11:00 CEST.
expect_status 0 "$VIGIL" incident show "$b" --tz Europe/Berlin -o json
[ "$(jq -r '.aware_at + " " + (.deadlines[] | select(.stage == "early-warning") | .due_local)' "$TMP/stdout")" = \
  "2026-03-28T10:00:00+01:00 2026-03-29T11:00:00+02:00" ] || fail "--tz Europe/Berlin: $(jq -c .deadlines "$TMP/stdout")"
expect_status 0 "$VIGIL" incident show "$b" --tz Europe/Berlin
grep -q "2026-03-29T11:00:00+02:00" "$TMP/stdout" || { cat "$TMP/stdout"; fail "the table is not in local time"; }
expect_status 2 "$VIGIL" incident show "$b" --tz Mars/Olympus_Mons
expect_stderr "not a time zone"

# 3. The notification submitted on 31 January.
c=$(open_inc --title "Outage of the customer portal" --aware-at 2026-01-29T08:00:00Z)
inc submitted "$c" --stage early-warning --at 2026-01-30T07:00:00Z
inc submitted "$c" --stage notification --at 2026-01-31T15:00:00Z
want_due "$c" nis2 final 2026-02-28T15:00:00Z
[ "$(deadline "$c" nis2 final or_progress)" = true ] || fail "final report: not marked 'or progress'"
inc update "$c" --ended-at 2026-02-10T00:00:00Z
want_due "$c" nis2 final 2026-02-28T15:00:00Z
want_article "$c" nis2 final "NIS2 Art. 23(4)(d)"
expect_status 2 "$VIGIL" incident close "$c"
expect_stderr "cannot close with the nis2 final report still due"
inc submitted "$c" --stage final --at 2026-02-27T10:00:00Z
inc close "$c"
[ "$(field "$c" '.closed_at != null')" = true ] || fail "not closed"
inc list -o json
jq -e --arg c "$c" 'all(.[]; .id != $c)' "$TMP/stdout" >/dev/null || fail "a closed incident is listed without --all"
inc list --all -o json
jq -e --arg c "$c" 'any(.[]; .id == $c)' "$TMP/stdout" >/dev/null || fail "--all does not list the closed one"

# 4. Ongoing at the one-month mark.
d=$(open_inc --title "Intrusion into the build farm" --aware-at 2026-01-30T12:00:00Z)
inc submitted "$d" --stage early-warning --at 2026-01-31T09:00:00Z
inc submitted "$d" --stage notification --at 2026-02-02T12:00:00Z
inc request "$d" --due 2026-02-17T17:00:00Z
want_due "$d" nis2 intermediate 2026-02-17T17:00:00Z
want_article "$d" nis2 intermediate "NIS2 Art. 23(4)(c)"
inc submitted "$d" --stage intermediate --at 2026-02-16T09:00:00Z
want_due "$d" nis2 final 2026-03-02T12:00:00Z
inc submitted "$d" --stage progress --at 2026-03-02T10:00:00Z
want_due "$d" nis2 progress 2026-03-02T12:00:00Z
[ "$(deadline "$d" nis2 final status)" = waiting ] || fail "final not waiting for the end of the handling"
expect_status 2 "$VIGIL" incident close "$d"
expect_stderr "final report still due"
inc update "$d" --ended-at 2026-03-20T08:00:00Z
want_due "$d" nis2 final 2026-04-20T08:00:00Z
want_article "$d" nis2 final "NIS2 Art. 23(4)(e)"
inc submitted "$d" --stage final --at 2026-04-15T08:00:00Z
inc close "$d"

# 5. A trust service provider.
e=$(open_inc --title "Signing service unavailable" --aware-at 2026-05-04T08:15:00Z --entity-type trust-service-provider)
want_due "$e" nis2 notification 2026-05-05T08:15:00Z
want_article "$e" nis2 notification "NIS2 Art. 23(4), second subparagraph"

# 6. A CRA actively exploited vulnerability, fixed on day 5.
f=$(open_inc --kind vulnerability --title "CVE-2026-1234 exploited in our router firmware" \
    --aware-at 2026-09-14T06:00:00Z --finding firmware-4.2:CVE-2026-1234)
want_due "$f" cra early-warning 2026-09-15T06:00:00Z
want_due "$f" cra notification 2026-09-17T06:00:00Z
want_article "$f" cra final "CRA Art. 14(2)(c)"
[ "$(deadline "$f" cra final status)" = waiting ] || fail "CRA final not waiting for the measure"
[ "$(field "$f" '.findings[0].asset + " " + .findings[0].vuln')" = "firmware-4.2 CVE-2026-1234" ] || fail "finding link"
[ "$(field "$f" '.regimes | join(",")')" = cra ] || fail "a vulnerability is not under the CRA by default"
# What has no date yet is counted, never silently left out of `due`: the
# NIS2 final reports of a, b and e (waiting for their notifications) and,
# for f, the CRA final report (no measure yet) and informing the users: 5.
inc due --now 2026-09-14T07:00:00Z --within 1h -o json
[ "$(jq -r .undated "$TMP/stdout")" = 5 ] || fail "undated: $(jq -c '{count, undated}' "$TMP/stdout")"
inc due --now 2026-09-14T07:00:00Z --within 1h
grep -q "^5 more submissions owed with no date yet" "$TMP/stdout" || { cat "$TMP/stdout"; fail "due does not say what has no date"; }
inc update "$f" --measure-at 2026-09-19T06:00:00Z
want_due "$f" cra final 2026-10-03T06:00:00Z
[ "$(deadline "$f" cra users-informed article)" = "CRA Art. 14(8)" ] || fail "users-informed"

# Report drafts: an empty early warning lists its required field as a blocker.
inc report "$f" --stage early-warning -o json=ew.json -o markdown=ew.md -o html=ew.html
expect_stderr "1 required field still empty"
validate vigil-incident-report ew.json
[ "$(jq -r '[.blockers[].field] | join(",")' ew.json)" = memberStates ] || { cat ew.json; fail "early warning blockers"; }
grep -q memberStates ew.md || fail "the Markdown draft does not name the blocker"
grep -q "<html" ew.html || fail "no HTML page"
inc update "$f" --set 'memberStates=["DE","AT"]'
inc report "$f" --stage early-warning -o json=ew.json
[ "$(jq -r '.blockers | length' ew.json)" = 0 ] || fail "blockers left after the field was set"
jq -e '[.. | strings] | any(. == "DE")' ew.json >/dev/null || fail "the draft does not carry the member states"
expect_status 2 "$VIGIL" incident update "$f" --set 'memberStates=Germany'
expect_status 2 "$VIGIL" incident report "$f" --stage early-warning --regime nis2

for s in early-warning notification final users-informed; do
    inc submitted "$f" --stage $s --at 2026-10-01T09:00:00Z --reference "ENISA-$s"
done
inc close "$f"

# The signed export.
VIGIL_PASSWORD= expect_status 0 "$VIGIL" key generate --type ecdsa-p256 "$TMP/signer"
inc export "$f" -o record.json --attest signer.key
expect_status 0 "$VIGIL" verify --key signer.pub --bundle record.json.sigstore.json --subject record.json
node "$INTEROP/verify_bundle.mjs" record.json.sigstore.json signer.pub >js.out 2>&1 || { cat js.out; fail "sigstore-js rejects the export"; }
grep -q "predicateType https://vigil.dev/attestations/incident-record/v1" js.out || { cat js.out; fail "predicate type"; }
# Every event's digest is the SHA-256 of its body, and each links to the one before.
python3 - record.json <<'PY' || fail "the export's events do not hold together"
import hashlib, json, sys
doc = json.load(open(sys.argv[1]))
events = doc["events"]
assert len(events) == 8, len(events)
prev_seq, prev_hash = None, None
for e in events:
    assert "sha256:" + hashlib.sha256(e["body"].encode()).hexdigest() == e["hash"], e["seq"]
    body = json.loads(e["body"])
    assert body["seq"] == e["seq"] and body["incident"] == doc["record"]["id"]
    if prev_seq is not None and e["seq"] == prev_seq + 1:
        assert body["prev"] == prev_hash
    prev_seq, prev_hash = e["seq"], e["hash"]
assert doc["record"]["head"] == events[-1]["hash"]
PY
jq '.record.title = "something else"' record.json > changed.json
expect_status 4 "$VIGIL" verify --key signer.pub --bundle record.json.sigstore.json --subject changed.json

# 7. Recurring incidents.
cat >facts.json <<'JSON'
{"annual_turnover_eur": 20000000, "root_cause": "system-failures", "trade_secret_exfiltration": false,
 "death": false, "health_damage": false, "suspected_malicious_unauthorised_access": false,
 "unavailable_minutes": 0, "degraded_minutes": 0, "degraded_users": 0, "users_in_union": 40000,
 "planned_maintenance": false, "data_compromised": false}
JSON
g=$(open_inc --title "Billing run failed" --aware-at 2026-02-10T09:00:00Z --entity-type managed-service-provider)
jq '. + {financial_loss_eur: 300000}' facts.json >g.json
inc classify "$g" --facts g.json
expect_stderr "$g: not-significant"
[ "$(field "$g" '.deadlines | length')" = 0 ] || fail "a not significant incident has NIS2 deadlines"
h=$(open_inc --title "Billing run failed again" --aware-at 2026-07-20T09:00:00Z --entity-type managed-service-provider)
jq '. + {financial_loss_eur: 250000}' facts.json >h.json
inc classify "$h" --facts h.json
expect_stderr "$h: significant"
expect_stderr "met +2024/2690 Art. 3\(1\)\(f\)"
[ "$(field "$h" '.classification.recurring | [.result, (.incidents | map(.id) | join(",")), .total_financial_loss_eur] | map(tostring) | join(" ")')" = \
    "met $g 550000" ] || fail "Art. 4 did not join $g"
[ "$(deadline "$h" nis2 early-warning provisional)" = null ] || fail "a significant incident's clocks are still provisional"
k=$(open_inc --title "Operator deleted a queue" --aware-at 2026-08-03T09:00:00Z --entity-type managed-service-provider)
jq '. + {financial_loss_eur: 250000, root_cause: "human-errors"}' facts.json >k.json
inc classify "$k" --facts k.json
expect_stderr "$k: not-significant"
# A fact the record contradicts, and facts missing: undetermined, exit 3.
expect_status 2 "$VIGIL" incident classify "$k" --fact entity_type=cloud-computing-service-provider --fact financial_loss_eur=1
expect_stderr "the facts say entity_type cloud-computing-service-provider, the record managed-service-provider"
expect_status 3 "$VIGIL" incident classify "$k" --fact financial_loss_eur=1000
expect_stderr "$k: undetermined"
[ "$(field "$k" .significance)" = undetermined ] || fail "an undetermined classification is not recorded as such"

# The whole register verifies; its head is the last event.
inc verify -o json
[ "$(jq -r .verified "$TMP/stdout")" = true ] || { cat "$TMP/stdout"; fail "verify"; }
[ "$(jq -r .incidents "$TMP/stdout")" = 9 ] || fail "verify counted $(jq -r .incidents "$TMP/stdout") incidents"
# Events recorded, counted by hand above: 2 + 1 + 6 + 9 + 1 + 8 + 2 + 2 +
# 3; the refused closes, update, report and classify wrote nothing.
n=$(jq -r .events "$TMP/stdout")
[ "$n" = 34 ] || fail "$n events, want 34"
echo "ok: 9 incidents, $n events"
