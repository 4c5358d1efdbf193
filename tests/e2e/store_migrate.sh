# store_migrate.sh — `vigil store migrate` from schema version 1 (one row
# per snapshot and component, one per snapshot and finding) through
# version 2 (spans of snapshots, src/store/span.c) and version 3 (policy
# runs kept per scope, src/store/policy_history.c) to version 4 (the
# release a snapshot was matched as, snapshot.distro) and version 5 (the
# incident register, src/store/incident.c) and version 6 (the supplier
# register, src/store/supplier.c), and from versions 5, 4, 3 and 2 to
# version 6, on SQLite and PostgreSQL.
#
# A store is filled with real snapshots (the Alpine 3.10.9 minirootfs as
# shipped and with musl or zlib lowered, matched against the real v3.10
# secdb and ones derived from it: inventory_fixture.py), in an order that
# makes components and findings leave and come back, then re-matched by a
# rescan.  Everything a user can read of it is recorded: `inventory show`
# of every snapshot, `diff` of every snapshot with the first, `affected`
# over all snapshots.  The store is then turned back into version 1 here,
# by SQL that expands each span into the rows of the snapshots it covers
# (the version 1 layout, written out below).  Every command refuses it
# until it is migrated; after `vigil store migrate` every answer is
# byte for byte what it was, and the spans the migration made are exactly
# those the writer had made one snapshot at a time.  The same store is
# then turned into version 2 (without the policy tables): refused until
# migrated, every answer the same after `vigil store migrate`, and a
# policy run kept in it afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
T=$TMP
inventory_fixture

# fill URL: alpine @1 c, @2 b, @3 a, @4 b, @5 c, @6 a, then a rescan of
# @6 with another database; alpine-musl @1 @2 @3 b.
fill() {
    local S=$1 x
    for x in "c main" "b main" "a plus" "b plus" "c minus" "a main"; do
        # shellcheck disable=SC2086
        set -- $x
        expect_status 0 $VIGIL inventory add "$1" --asset alpine --db "db-$2.sqlite" --store "$S"
    done
    expect_status 0 $VIGIL inventory rescan --store "$S" --db db-plus.sqlite --asset alpine -o json
    [ "$(jq '.summary.new' "$TMP/stdout")" -gt 0 ] || fail "the rescan found nothing new: nothing to migrate"
    for x in 1 2 3; do
        expect_status 0 $VIGIL inventory add b --asset alpine-musl --db db-main.sqlite --store "$S"
    done
}

# record URL DIR: what a user reads of the store.
record() {
    local S=$1 dir=$2 asset n i
    mkdir -p "$dir"
    for asset in alpine:6 alpine-musl:3; do
        n=${asset#*:}
        asset=${asset%:*}
        for i in $(seq 1 "$n"); do
            expect_status 0 $VIGIL inventory show "$asset@$i" --store "$S" -o json
            cp "$TMP/stdout" "$dir/show-$asset@$i.json"
            expect_status 0 $VIGIL inventory diff "$asset" 1 "$i" --store "$S" -o json
            cp "$TMP/stdout" "$dir/diff-$asset-$i.json"
        done
    done
    for q in CVE-2019-14697 CVE-2099-1001 pkg:apk/alpine/zlib pkg:apk/alpine/musl; do
        expect_status 0 $VIGIL inventory affected "$q" --all --store "$S" -o json
        cp "$TMP/stdout" "$dir/affected-${q//[:\/]/_}.json"
    done
}

# spans URL: the span rows, by asset name and snapshot numbers.
SPANS="SELECT a.name, f.seq, COALESCE(u.seq, 0), l.component_id, COALESCE(l.layer, -1), l.coverage
       FROM component_span l JOIN asset a ON a.id = l.asset_id JOIN snapshot f ON f.id = l.since
       LEFT JOIN snapshot u ON u.id = l.until
       UNION ALL SELECT a.name, f.seq, COALESCE(u.seq, 0), x.finding_id * 1000000 + x.component_id, x.kev,
       x.suppressed FROM finding_span x JOIN asset a ON a.id = x.asset_id JOIN snapshot f ON f.id = x.since
       LEFT JOIN snapshot u ON u.id = x.until"
# SQL that turns a version 6 store into version 5: without the supplier
# register.
to_v5() {
    cat <<EOF
DROP TABLE supplier;
DELETE FROM vigil_schema;
INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (5, 'store_migrate.sh', 0);
EOF
}
# SQL that turns a version 6 store into version 4: also without the
# incident register.
to_v4() {
    to_v5
    cat <<EOF
DROP TABLE incident_finding;
DROP TABLE incident_deadline;
DROP TABLE incident;
DROP TABLE incident_event;
DELETE FROM vigil_schema;
INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (4, 'store_migrate.sh', 0);
EOF
}
# SQL that turns a version 6 store into version 3: also without the release
# snapshots were matched as (snapshot.distro).
to_v3() {
    to_v4
    cat <<EOF
ALTER TABLE snapshot DROP COLUMN distro;
DELETE FROM vigil_schema;
INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (3, 'store_migrate.sh', 0);
EOF
}
# SQL that turns a version 6 store into version 2: also without the tables
# of policy runs.
to_v2() {
    to_v3
    cat <<EOF
DROP TABLE policy_result;
DROP TABLE policy_result_key;
DROP TABLE policy_requirement;
DROP TABLE policy_run;
DROP TABLE policy_scope;
DELETE FROM vigil_schema;
INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (2, 'store_migrate.sh', 0);
EOF
}
# SQL that turns a version 6 store into version 1, for TEXT TYPE, REAL
# TYPE and the storage clause of a key-only table.
to_v1() {
    to_v2
    local text=$1 real=$2 norowid=$3
    local in="s.asset_id = l.asset_id AND l.since <= s.id AND (l.until IS NULL OR l.until > s.id)"
    cat <<EOF
CREATE TABLE snapshot_component(snapshot_id BIGINT NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
 component_id BIGINT NOT NULL REFERENCES component(id), layer INTEGER, coverage INTEGER NOT NULL,
 PRIMARY KEY(snapshot_id, component_id))$norowid;
CREATE INDEX snapshot_component_by_component ON snapshot_component(component_id, snapshot_id);
CREATE TABLE snapshot_finding(snapshot_id BIGINT NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
 finding_id BIGINT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
 component_id BIGINT NOT NULL REFERENCES component(id), severity $text NOT NULL, score $real,
 fix_state $text NOT NULL, fixed_versions $text, kev INTEGER NOT NULL, suppressed INTEGER NOT NULL,
 PRIMARY KEY(snapshot_id, finding_id, component_id))$norowid;
CREATE INDEX snapshot_finding_by_finding ON snapshot_finding(finding_id);
CREATE INDEX snapshot_finding_by_component ON snapshot_finding(component_id);
INSERT INTO snapshot_component SELECT s.id, l.component_id, l.layer, l.coverage FROM component_span l
 JOIN snapshot s ON $in;
INSERT INTO snapshot_finding SELECT s.id, l.finding_id, l.component_id, l.severity, l.score, l.fix_state,
 l.fixed_versions, l.kev, l.suppressed FROM finding_span l JOIN snapshot s ON $in;
DROP TABLE component_span;
DROP TABLE finding_span;
DELETE FROM vigil_schema;
INSERT INTO vigil_schema(version, written_by, changed_at) VALUES (1, 'store_migrate.sh', 0);
EOF
}

# same_answers URL SQL-RUNNER NAME WHEN: what a user reads of the store
# and its spans are those recorded before the migrations.
same_answers() {
    local S=$1 run=$2 name=$3 when=$4 f compared=0
    record "$S" "$T/$name-$when"
    for f in "$T/$name-before"/*; do
        cmp "$f" "$T/$name-$when/${f##*/}" ||
            { diff "$f" "$T/$name-$when/${f##*/}" | head >&2; fail "$name: ${f##*/} changed by the migration ($when)"; }
        compared=$((compared + 1))
    done
    [ "$compared" = 22 ] || fail "$name: compared $compared answers, expected 22"
    $run "$S" "$SPANS" | LC_ALL=C sort >"$T/$name-spans-$when"
    cmp "$T/$name-spans-before" "$T/$name-spans-$when" ||
        { diff "$T/$name-spans-before" "$T/$name-spans-$when" >&2; fail "$name: the migration made other spans ($when)"; }
}

# keep_policy_run URL NAME: a policy run over the store's own SBOM, kept in
# the migrated store and read back.
keep_policy_run() {
    local S=$1 name=$2
    mkdir -p "$T/pack"
    cat >"$T/pack/count.lua" <<'EOF'
rule = {id = "has-components", title = "The SBOM lists components", severity = "low",
        requirements = {"ir2024-2690:12.2.1"}, evidence = {"sbom"}}
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.sbom) do
    out[#out + 1] = {resource = "sbom", status = #doc.data.components > 0 and "pass" or "fail",
                     message = #doc.data.components .. " components"}
  end
  return out
end
EOF
    expect_status 0 $VIGIL inventory export alpine@6 --store "$S" -o cyclonedx-json="$T/alpine.cdx.json"
    VIGIL_STORE=$S expect_status 0 $VIGIL policy eval --pack "$T/pack" --evidence sbom="$T/alpine.cdx.json" \
        --now 2026-12-01T00:00:00Z --scope alpine/prod -o json="$T/$name-run.json"
    expect_status 0 $VIGIL policy history --store "$S" --scope alpine/prod -o json
    [ "$(jq -c '[.runs_kept, .requirements[0].id, .requirements[0].trend]' "$TMP/stdout")" = \
      '[1,"ir2024-2690:12.2.1",["pass"]]' ] || fail "$name: the policy run kept after the migration: $(cat "$TMP/stdout")"
    expect_status 0 $VIGIL policy history --store "$S" --scope alpine/prod --export 1 -o json="$T/$name-back.json"
    cmp "$T/$name-run.json" "$T/$name-back.json" || fail "$name: the kept run is not its document"
}

# check URL SQL-RUNNER NAME: the whole round on one back end.
check() {
    local S=$1 run=$2 name=$3
    fill "$S"
    record "$S" "$T/$name-before"
    $run "$S" "$SPANS" | LC_ALL=C sort >"$T/$name-spans-before"
    [ "$(wc -l <"$T/$name-spans-before")" -gt 0 ] || fail "$name: no spans"
    # every snapshot of alpine-musl holds the same: one span each, from @1
    [ "$($run "$S" "SELECT count(*) FROM component_span l JOIN asset a ON a.id = l.asset_id
                    WHERE a.name = 'alpine-musl' AND l.until IS NULL")" = \
      "$(jq '.components' "$T/$name-before/show-alpine-musl@1.json")" ] || fail "$name: alpine-musl's spans are not shared"
    $run "$S" "$(to_v1 "${@:4}")" >/dev/null || fail "$name: making a version 1 store"
    [ "$($run "$S" "SELECT count(*) FROM snapshot_component")" -gt 0 ] || fail "$name: version 1 store is empty"
    expect_status 1 $VIGIL inventory list --store "$S"
    expect_stderr "schema version 1, older than this vigil's 6: run vigil store migrate"
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema migrated from version 1 to 6'
    same_answers "$S" "$run" "$name" after
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema version 6 is current: nothing to do'
    # Version 5 to 6: the inventory as it was, and an empty supplier register.
    $run "$S" "$(to_v5)" >/dev/null || fail "$name: making a version 5 store"
    expect_status 1 $VIGIL supplier list --store "$S"
    expect_stderr "schema version 5, older than this vigil's 6: run vigil store migrate"
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema migrated from version 5 to 6'
    same_answers "$S" "$run" "$name" after-v5
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    [ "$(cat "$TMP/stdout")" = "[]" ] || fail "$name: the supplier register after the migration: $(cat "$TMP/stdout")"
    # Version 4 to 6: the inventory as it was, and an empty register that works.
    $run "$S" "$(to_v4)" >/dev/null || fail "$name: making a version 4 store"
    expect_status 1 $VIGIL incident list --store "$S"
    expect_stderr "schema version 4, older than this vigil's 6: run vigil store migrate"
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema migrated from version 4 to 6'
    same_answers "$S" "$run" "$name" after-v4
    VIGIL_ACTOR=migrate expect_status 0 $VIGIL incident open --store "$S" --title "after the migration" \
        --aware-at 2026-11-30T10:00:00Z
    expect_status 0 $VIGIL incident verify --store "$S" -o json
    [ "$(jq -c '[.events, .verified]' "$TMP/stdout")" = "[1,true]" ] || fail "$name: the register after the migration"
    # Version 3 to 6: the snapshots as they were, matched as their documents say.
    $run "$S" "$(to_v3)" >/dev/null || fail "$name: making a version 3 store"
    expect_status 1 $VIGIL inventory list --store "$S"
    expect_stderr "schema version 3, older than this vigil's 6: run vigil store migrate"
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema migrated from version 3 to 6'
    same_answers "$S" "$run" "$name" after-v3
    # Version 2 to 6: the inventory as it was, and policy runs kept after.
    $run "$S" "$(to_v2)" >/dev/null || fail "$name: making a version 2 store"
    expect_status 1 $VIGIL inventory list --store "$S"
    expect_stderr "schema version 2, older than this vigil's 6: run vigil store migrate"
    expect_status 1 $VIGIL policy history --store "$S"
    expect_stderr "schema version 2, older than this vigil's 6: run vigil store migrate"
    expect_status 0 $VIGIL store migrate --store "$S"
    expect_stderr 'schema migrated from version 2 to 6'
    same_answers "$S" "$run" "$name" after-v2
    keep_policy_run "$S" "$name"
    # and the store goes on: an add after the migration
    expect_status 0 $VIGIL inventory add b --asset alpine --db db-main.sqlite --store "$S" -o json
    [ "$(jq -c '[.snapshot, .previous]' "$TMP/stdout")" = "[7,6]" ] || fail "$name: add after the migration"
    echo "ok: $name: version 1, 2, 3, 4 and 5 stores migrate to version 6, 22 answers unchanged, the same $(wc -l <"$T/$name-spans-after") spans, a policy run kept after"
}

sqlite_run() { sqlite3 -bail "${1#sqlite:}" "$2"; }
check "sqlite:$T/store.sqlite" sqlite_run sqlite TEXT REAL " WITHOUT ROWID"

pg_start
check "$(pg_new_db migrate)" pg_psql postgresql 'TEXT COLLATE "C"' "DOUBLE PRECISION" ""
