# incident_tamper.sh — the register's log edited behind vigil's back, on
# SQLite and on the real PostgreSQL the suite starts: `vigil incident
# verify` names the first bad event and exits 4 (docs/incidents.md, "The
# event log and its verification").
#
# The log: 8 events of two incidents, interleaved.  Each case starts from a
# fresh copy and changes it as someone with write access to the database
# could:
#   edit      the text of event 3, digest left alone      -> event 3 (edited)
#   rehash    the same, its digest recomputed             -> event 4 (prev)
#   delete    event 4                                     -> event 5 (jump)
#   reorder   events 3 and 4 swapped                      -> event 3 (prev)
#   insert    a well-formed event slipped in as 5, the
#             later ones renumbered                       -> event 6 (prev)
#   truncate  the last event cut                          -> the derived
#             tables no longer match (incident named); with a checkpoint
#             taken before, "cut from its end"
#   derived   a pending deadline deleted from incident_deadline (hiding
#             an overdue report)                          -> incident named
# The untouched log verifies, with and without a checkpoint.  Sixteen
# writers at once never fork the chain: every append is serialised, on
# both back ends.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_cmd jq
need_cmd python3
need_cmd psql
export VIGIL_ACTOR="e2e tamper"
cd "$TMP" || fail "cd $TMP"

build_log() {
    local s=$1 r
    r() { expect_status 0 "$VIGIL" incident "$@" --store "$s"; }
    r open --title "Credential stuffing against the shop" --aware-at 2026-04-01T09:00:00+02:00
    r open --title "Data centre cooling failure" --aware-at 2026-04-02T03:00:00Z
    r note INC-0001 --text "first note on the shop"
    r submitted INC-0001 --stage early-warning --at 2026-04-02T06:00:00Z --reference CERT-1
    r note INC-0002 --text "cooling restored"
    r note INC-0001 --text "second note on the shop"
    r submitted INC-0002 --stage early-warning --at 2026-04-02T20:00:00Z
    r note INC-0001 --text "third note on the shop"
}

# verify_bad STORE SEQ WHAT: verify exits 4 naming event SEQ with WHAT in its problem.
verify_bad() {
    expect_status 4 "$VIGIL" incident verify --store "$1" -o json
    local seq problem
    seq=$(jq -r '.first_bad.seq' "$TMP/stdout")
    problem=$(jq -r '.first_bad.problem' "$TMP/stdout")
    [ "$seq" = "$2" ] || { cat "$TMP/stdout"; fail "$4: first bad event $seq, want $2"; }
    case "$problem" in *"$3"*) ;; *) fail "$4: problem '$problem' does not say '$3'" ;; esac
    expect_status 4 "$VIGIL" incident verify --store "$1"
    grep -q "^BROKEN: event $2 " "$TMP/stdout" || { cat "$TMP/stdout"; fail "$4: the table does not name event $2"; }
}

# verify_mismatch STORE ID WHAT: verify exits 4, no bad event, ID's derived rows differ.
verify_mismatch() {
    expect_status 4 "$VIGIL" incident verify --store "$1" -o json
    [ "$(jq -r '.derived_mismatch | join(",")' "$TMP/stdout")" = "$2" ] || { cat "$TMP/stdout"; fail "$3: mismatch"; }
    [ "$(jq -r '.first_bad' "$TMP/stdout")" = null ] || { cat "$TMP/stdout"; fail "$3: a bad event named"; }
}

sql() { python3 - "$1" "$2" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.create_function("sha256", 1, lambda s: "sha256:" + hashlib.sha256(s.encode()).hexdigest())
db.executescript(sys.argv[2])
db.commit()
PY
}

# The SQL of each case, in the dialect both back ends speak; HASH(x) is
# the digest of x as vigil writes it.
case_sql() {
    case $1 in
    edit) echo "UPDATE incident_event SET body = replace(body, 'first note', 'a harmless note') WHERE seq = 3;" ;;
    rehash) echo "UPDATE incident_event SET body = replace(body, 'first note', 'a harmless note') WHERE seq = 3;
                  UPDATE incident_event SET hash = HASH(body) WHERE seq = 3;" ;;
    delete) echo "DELETE FROM incident_event WHERE seq = 4;" ;;
    reorder) echo "UPDATE incident_event SET seq = 100 WHERE seq = 3;
                   UPDATE incident_event SET seq = 3 WHERE seq = 4;
                   UPDATE incident_event SET seq = 4 WHERE seq = 100;" ;;
    insert) echo "UPDATE incident_event SET seq = seq + 100 WHERE seq >= 5;
                  UPDATE incident_event SET seq = seq - 99 WHERE seq >= 100;
                  INSERT INTO incident_event(seq, incident, type, time, prev, body, hash)
                    SELECT 5, e3.incident, e3.type, e3.time, e4.hash,
                      replace(replace(e3.body, '\"seq\":3,', '\"seq\":5,'), e3.prev, e4.hash), ''
                    FROM incident_event e3, incident_event e4 WHERE e3.seq = 3 AND e4.seq = 4;
                  UPDATE incident_event SET hash = HASH(body) WHERE seq = 5;" ;;
    truncate) echo "DELETE FROM incident_event WHERE seq = 8;" ;;
    derived) echo "DELETE FROM incident_deadline WHERE incident = 'INC-0002' AND stage = 'notification';" ;;
    esac
}

check_cases() { # BACKEND MAKE_STORE APPLY
    local backend=$1 make=$2 apply=$3 s
    for c in edit rehash delete reorder insert truncate derived; do
        s=$($make "$c")
        build_log "$s"
        expect_status 0 "$VIGIL" incident verify --store "$s" -o json
        local checkpoint
        checkpoint="8:$(jq -r .head "$TMP/stdout")"
        $apply "$s" "$(case_sql $c)" || fail "$backend $c: the SQL failed"
        case $c in
        edit) verify_bad "$s" 3 "the event was edited" "$backend $c" ;;
        rehash) verify_bad "$s" 4 "is not the digest of event 3" "$backend $c" ;;
        delete) verify_bad "$s" 5 "events were deleted" "$backend $c" ;;
        reorder) verify_bad "$s" 3 "is not the digest of event 2" "$backend $c" ;;
        insert) verify_bad "$s" 6 "is not the digest of event 5" "$backend $c" ;;
        truncate)
            verify_mismatch "$s" INC-0001 "$backend $c"
            expect_status 4 "$VIGIL" incident verify --store "$s" --checkpoint "$checkpoint" -o json
            jq -r .first_bad.problem "$TMP/stdout" | grep -q "cut from its end" || { cat "$TMP/stdout"; fail "$backend truncate: checkpoint"; }
            ;;
        derived) verify_mismatch "$s" INC-0002 "$backend $c" ;;
        esac
        echo "ok: $backend $c"
    done
}

sqlite_store() { echo "sqlite:$TMP/$1.sqlite"; }
sqlite_apply() { sql "${1#sqlite:}" "${2//HASH(body)/sha256(body)}"; }
check_cases sqlite sqlite_store sqlite_apply

# A log that was not touched verifies; a checkpoint of it too; a wrong
# checkpoint does not.
s=$(sqlite_store clean)
build_log "$s"
expect_status 0 "$VIGIL" incident verify --store "$s" -o json
head=$(jq -r .head "$TMP/stdout")
[ "$(jq -r '.events, .incidents, .verified' "$TMP/stdout" | tr '\n' ' ')" = "8 2 true " ] || { cat "$TMP/stdout"; fail "clean log"; }
expect_status 0 "$VIGIL" incident verify --store "$s" --checkpoint "8:$head"
expect_status 4 "$VIGIL" incident verify --store "$s" --checkpoint "7:$head"
expect_status 2 "$VIGIL" incident verify --store "$s" --checkpoint "seven"
# The head is the SHA-256 of the last event's stored bytes, which anyone can recompute.
[ "sha256:$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT body FROM incident_event WHERE seq = 8").fetchone()[0], end="")' "$TMP/clean.sqlite" | sha256sum | cut -d' ' -f1)" = "$head" ] ||
    fail "the head is not the digest of the last event's bytes"

# concurrent STORE: 16 notes at once on a built log; all recorded, in one chain.
concurrent() {
    local s=$1 i pids=()
    for i in $(seq 1 16); do
        "$VIGIL" incident note INC-000$((i % 2 + 1)) --text "note $i" --store "$s" >/dev/null 2>"$TMP/note-$i.err" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || { cat "$TMP/note-$((i + 1)).err" >&2; fail "concurrent note $((i + 1)) failed"; }; done
    expect_status 0 "$VIGIL" incident verify --store "$s" -o json
    [ "$(jq -r '"\(.events) \(.verified)"' "$TMP/stdout")" = "24 true" ] || { cat "$TMP/stdout"; fail "concurrent notes: $s"; }
}
s=$(sqlite_store concurrent)
build_log "$s"
concurrent "$s"
echo "ok: sqlite: 16 concurrent appends, one chain"

pg_start
pg_store() { pg_new_db "tamper_$1"; }
s=$(pg_store concurrent)
build_log "$s"
concurrent "$s"
echo "ok: postgresql: 16 concurrent appends, one chain"
pg_apply() {
    local digest="'sha256:' || encode(sha256(convert_to(body, 'UTF8')), 'hex')"
    psql "$1" -X -q -v ON_ERROR_STOP=1 -c "BEGIN; ${2//HASH(body)/$digest} COMMIT;" >/dev/null
}
check_cases postgresql pg_store pg_apply
