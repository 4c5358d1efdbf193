# store_concurrency.sh — writers at once, and writers killed: a snapshot is
# stored whole or not at all, and concurrent writers all succeed.
#
#  1. four `vigil inventory add` at once into one new SQLite store, to one
#     asset: all succeed (the first to lock creates the schema, the others
#     find it made), the snapshots are 1..4, each whole; then four at once
#     to four assets;
#  2. the same on a new PostgreSQL database, and on one whose default
#     isolation is SERIALIZABLE (writers of one asset wait on its row, then
#     must read what the one before them committed);
#  3. kill -9 of `vigil inventory add` at a random moment, 20 times on
#     SQLite and 5 on PostgreSQL (each add 5 000 components, half of them
#     new): afterwards the store holds either what it held before (the
#     same `inventory list -o json`) or the whole new snapshot (its
#     components, its document byte for byte); at the end its row counts
#     are those of the committed snapshots exactly: no component, link or
#     document of a killed add is left behind; PRAGMA integrity_check and
#     foreign_key_check are clean.  The seed of the random moments is
#     printed ($VIGIL_TEST_SEED replays it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
source "$(dirname "$0")/store_lib.sh"
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
pg_start

T=$TMP
$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build"; }
add() { $VIGIL inventory add --db "$T/db.sqlite" --allow-unchecked -q "$@"; }
make_sbom "$T/c1.cdx.json" 1000 c1 "$T/c2.cdx.json" 1000 c2 "$T/c3.cdx.json" 1000 c3 "$T/c4.cdx.json" 1000 c4

# at_once STORE ASSET...: one add per SBOM c1..c4 at once, to the assets
# given in turn; every one must succeed.
at_once() {
    local store=$1 i pids=() rc
    shift
    local assets=("$@")
    for i in 1 2 3 4; do
        add "$T/c$i.cdx.json" --asset "${assets[(i - 1) % ${#assets[@]}]}" --store "$store" -o json \
            >"$T/once$i.json" 2>"$T/once$i.err" &
        pids+=($!)
    done
    for i in 1 2 3 4; do
        rc=0
        wait "${pids[i - 1]}" || rc=$?
        [ "$rc" = 0 ] || { cat "$T/once$i.err" >&2; fail "add $i of 4 at once to $store exited $rc"; }
    done
}
# check_one_asset STORE ASSET: the four adds made ASSET@1..4, each whole.
check_one_asset() {
    local store=$1 asset=$2 i
    [ "$(jq -s -c '[.[].snapshot] | sort' "$T"/once[1-4].json)" = "[1,2,3,4]" ] ||
        fail "$store: the four adds at once got snapshots $(jq -s -c '[.[].snapshot]' "$T"/once[1-4].json)"
    for i in 1 2 3 4; do
        local seq
        seq=$(jq .snapshot "$T/once$i.json")
        expect_status 0 $VIGIL inventory show "$asset@$seq" --store "$store" -o json
        [ "$(jq -c '[.components, (.component_list | length)]' "$T/stdout")" = "[1000,1000]" ] ||
            fail "$store: $asset@$seq is not whole"
        expect_status 0 $VIGIL inventory export "$asset@$seq" --store "$store" -o sbom="$T/back.json"
        cmp "$T/back.json" "$T/c$i.cdx.json" || fail "$store: $asset@$seq does not hold the document of add $i"
    done
}

# 1. SQLite.
S=sqlite:$T/new/store.sqlite
at_once "$S" one
check_one_asset "$S" one
at_once "$S" a b c d
[ "$($VIGIL inventory list --store "$S" -o json | jq -c '[.[] | [.name, .snapshots]]')" = \
    '[["a",1],["b",1],["c",1],["d",1],["one",4]]' ] || fail "four adds at once to four assets"
[ "$(sqlite_sql "$T/new/store.sqlite" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"
echo "ok: four adds at once to one new SQLite store all succeed, each snapshot whole"

# 2. PostgreSQL: a new database; one that defaults to SERIALIZABLE.
P=$(pg_new_db fresh)
at_once "$P" one
check_one_asset "$P" one
at_once "$P" a b c d
[ "$($VIGIL inventory list --store "$P" -o json | jq -c '[.[] | [.name, .snapshots]]')" = \
    '[["a",1],["b",1],["c",1],["d",1],["one",4]]' ] || fail "four adds at once to four assets on PostgreSQL"
P=$(pg_new_db serial)
pg_psql "$P" "ALTER DATABASE serial SET default_transaction_isolation = 'serializable'"
expect_status 0 $VIGIL store init --store "$P"
at_once "$P" one
check_one_asset "$P" one
echo "ok: four adds at once to one new PostgreSQL store (also a SERIALIZABLE one) all succeed, each whole"

# 3. kill -9 at random moments.
seed=${VIGIL_TEST_SEED:-$$}
echo "seed $seed (VIGIL_TEST_SEED=$seed replays these moments)"
RANDOM=$seed
# counts STORE: "snapshots components links documents" as stored.
counts() {
    local q="SELECT (SELECT count(*) FROM snapshot) || ' ' || (SELECT count(*) FROM component) || ' ' ||
             (SELECT count(*) FROM component_span l JOIN snapshot s ON l.asset_id = s.asset_id AND l.since <= s.id
              AND (l.until IS NULL OR l.until > s.id)) || ' ' || (SELECT count(*) FROM document)"
    case $1 in
    sqlite:*) sqlite_sql "${1#sqlite:}" "$q" ;;
    *) pg_psql "$1" "$q" ;;
    esac
}
# kill_adds STORE CALIBRATION-STORE N: N adds of 5 000 components (2 500
# shared by all, 2 500 new), each killed after a random moment between 0
# and 1.25 times what an add takes when not killed (measured first, into
# the other store: a moment, not a check).
kill_adds() {
    local store=$1 n=$3 i pid whole=0 kept=0 committed=0 sboms=()
    for ((i = 0; i <= n; i++)); do sboms+=("$T/k$i.cdx.json" 5000 "k$i"); done
    make_sbom "${sboms[@]}"
    local start=${EPOCHREALTIME/./}
    add "$T/k0.cdx.json" --asset calibration --store "$2" >/dev/null || fail "add to $2"
    local span=$(((${EPOCHREALTIME/./} - start) * 5 / 4000)) # ms
    add "$VIGIL_SRC/tests/data/sbom/trivy-alpine.cdx.json" --asset first --store "$store" >/dev/null ||
        fail "add to $store"
    for ((i = 1; i <= n; i++)); do
        $VIGIL inventory list --store "$store" -o json >"$T/list0.json"
        $VIGIL inventory add "$T/k$i.cdx.json" --asset killed --db "$T/db.sqlite" --allow-unchecked -q \
            --store "$store" >/dev/null 2>&1 &
        pid=$! # vigil itself: a shell function run in the background would be a subshell
        local ms=$(((RANDOM * 32768 + RANDOM) % (span + 1)))
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" || true
        $VIGIL inventory list --store "$store" -o json >"$T/list1.json"
        local now
        now=$(jq '[.[] | select(.name == "killed") | .snapshots] | add // 0' "$T/list1.json")
        if [ "$now" = "$committed" ]; then
            cmp "$T/list0.json" "$T/list1.json" || fail "$store: kill $i: no new snapshot, yet the list changed"
            kept=$((kept + 1))
        elif [ "$now" = $((committed + 1)) ]; then
            committed=$now
            expect_status 0 $VIGIL inventory show "killed@$now" --store "$store" -o json
            [ "$(jq -c '[.components, (.component_list | length)]' "$T/stdout")" = "[5000,5000]" ] ||
                fail "$store: kill $i: killed@$now is a partial snapshot"
            expect_status 0 $VIGIL inventory export "killed@$now" --store "$store" -o sbom="$T/back.json"
            cmp "$T/back.json" "$T/k$i.cdx.json" || fail "$store: kill $i: killed@$now does not hold its document"
            whole=$((whole + 1))
        else
            fail "$store: kill $i: $now snapshots of 'killed', there were $committed"
        fi
    done
    # Rows are never deleted: one left by any killed add would be here.
    # first (14 components) + each committed snapshot: 2 500 shared
    # components once, 2 500 of its own.
    local want="$((1 + committed)) $((14 + (committed > 0 ? 2500 + 2500 * committed : 0))) \
$((14 + 5000 * committed)) $((1 + committed))"
    [ "$(counts "$store")" = "$want" ] ||
        fail "$store: rows (snapshots components links documents) $(counts "$store"), want $want"
    echo "  $store: $n kills within 0-$span ms: $kept left the store as it was, $whole found the snapshot committed whole"
}
kill_adds "sqlite:$T/killed.sqlite" "sqlite:$T/calibration.sqlite" 20
[ "$(sqlite_sql "$T/killed.sqlite" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after the kills"
[ -z "$(sqlite_sql "$T/killed.sqlite" "PRAGMA foreign_key_check")" ] || fail "foreign_key_check after the kills"
kill_adds "$(pg_new_db killed)" "$(pg_new_db calibration)" 5
echo "ok: kill -9 of an add leaves the store as it was or with the whole snapshot, never a part"
