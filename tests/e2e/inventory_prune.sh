# inventory_prune.sh — `vigil inventory prune` on a store of real
# snapshots: the Alpine 3.10.9 minirootfs as shipped (a), with musl lowered
# (b), and with zlib lowered (c, only in the oldest snapshot), matched
# against the real v3.10 secdb and one derived from it
# (inventory_fixture.py), one snapshot with an attestation bundle.  What
# --keep and --older-than delete is checked against the snapshots' own
# listings: the snapshots named, the components and documents (SBOMs and
# bundles) that only they used, the references findings made to them; the
# latest snapshot of an asset is never deleted, the kept ones export byte
# for byte as before, the finding history (the SLA report) is unchanged, a
# dry run changes nothing and says the same, and the store stays
# consistent (foreign keys, integrity) and usable.  The first part runs on
# PostgreSQL too, with the same results.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
T=$TMP
inventory_fixture
unset VIGIL_PASSWORD
setsid -w $VIGIL key generate --type ecdsa-p256 k 2>/dev/null || fail "keygen"
expect_status 0 $VIGIL sbom -o cyclonedx-json=b.cdx.json b
expect_status 0 $VIGIL attest --key k.key --type cyclonedx --predicate b.cdx.json --subject b.cdx.json -o b.bundle

# fill URL: alpine @1 c, @2 b (with the bundle), @3 a, @4 b, @5 a;
# alpine-musl @1 @2 @3 b.
fill() {
    local S=$1 x
    for x in "c main" "b.cdx.json main --bundle b.bundle --key k.pub" "a main" "b plus" "a minus"; do
        # shellcheck disable=SC2086
        set -- $x
        expect_status 0 $VIGIL inventory add "$1" --asset alpine --db "db-$2.sqlite" --store "$S" "${@:3}"
    done
    for x in 1 2 3; do
        expect_status 0 $VIGIL inventory add b --asset alpine-musl --db db-main.sqlite --store "$S"
    done
}

# snapshots URL OUT: one line per snapshot, "ASSET@N<TAB>sbom digest<TAB>
# bundle digests<TAB>sha256 of the export", and OUT.components/ASSET@N the
# component identities of each (the facts a component key covers).
snapshots() {
    local S=$1 out=$2 asset n
    mkdir -p "$out.components"
    : >"$out"
    expect_status 0 $VIGIL inventory list --store "$S" -o json
    jq -r '.[] | "\(.name) \(.latest.snapshot)"' "$TMP/stdout" >"$T/assets.txt"
    while read -r asset n; do
        for i in $(seq 1 "$n"); do
            $VIGIL inventory show "$asset@$i" --store "$S" -o json >"$T/show.json" 2>/dev/null || continue
            $VIGIL inventory export "$asset@$i" --store "$S" -o cyclonedx-json="$T/export.json" 2>/dev/null ||
                fail "export $asset@$i"
            printf '%s@%s\t%s\t%s\t%s\n' "$asset" "$i" "$(jq -r .sbom_digest "$T/show.json")" \
                "$(jq -r '[.attestations[].digest] | join(",")' "$T/show.json")" \
                "$(sha256sum <"$T/export.json" | cut -d' ' -f1)" >>"$out"
            jq -c '.component_list[] | [.purl, .type, .name, .version, .licenses, .supplier, .hashes]' \
                "$T/show.json" | sort -u >"$out.components/$asset@$i"
        done
    done <"$T/assets.txt"
}

# expect_pruned BEFORE AFTER REPORT DELETED...: the snapshots DELETED
# (ASSET@N) are gone and every other is as it was; the report counts the
# documents and components that only the deleted ones had.
expect_pruned() {
    local before=$1 after=$2 report=$3
    shift 3
    printf '%s\n' "$@" | sort >"$T/want-deleted"
    cut -f1 "$before" | sort >"$T/all"
    comm -23 "$T/all" "$T/want-deleted" >"$T/want-kept"
    cut -f1 "$after" | sort | cmp -s - "$T/want-kept" || fail "kept snapshots: $(cut -f1 "$after" | tr '\n' ' ')"
    grep -vFf <(sed 's/$/\t/' "$T/want-deleted") "$before" | sort | cmp -s - <(sort "$after") ||
        fail "a kept snapshot changed (digest, bundles or exported bytes)"
    jq -r '.assets[] | .asset as $a | .deleted[] | "\($a)@\(.)"' "$report" | sort | cmp -s - "$T/want-deleted" ||
        fail "report names $(jq -c .assets "$report")"
    [ "$(jq .snapshots "$report")" = $# ] || fail "report: $(jq .snapshots "$report") snapshots"
    # documents: those of the deleted snapshots that no kept one has
    docs() { grep -Ff <(sed 's/$/\t/' "$1") "$before" | cut -f2,3 | tr '\t,' '\n\n' | sed '/^$/d' | sort -u; }
    [ "$(comm -23 <(docs "$T/want-deleted") <(docs "$T/want-kept") | wc -l)" = "$(jq .documents "$report")" ] ||
        fail "documents: report $(jq .documents "$report")"
    comps() { (cd "$before.components" && cat $(cat "$1") /dev/null) | sort -u; }
    [ "$(comm -23 <(comps "$T/want-deleted") <(comps "$T/want-kept") | wc -l)" = "$(jq .components "$report")" ] ||
        fail "components: report $(jq .components "$report")"
}

# sla_state URL: the SLA report without its time: the finding history.
sla_state() {
    expect_status 0 $VIGIL inventory sla --store "$1" -o json
    jq -S 'del(.now) | .assets[].breaches[] |= del(.age_days)' "$TMP/stdout"
}

# scenario URL OUT: fill, then --keep 2 (dry run, then for real).
scenario() {
    local S=$1 O=$2
    mkdir -p "$O"
    fill "$S"
    snapshots "$S" "$O/before"
    [ "$(wc -l <"$O/before")" = 8 ] || fail "8 snapshots expected: $(cat "$O/before")"
    sla_state "$S" >"$O/sla-before.json"
    [ "$(jq '.all.time_to_fix | length' "$O/sla-before.json")" -gt 0 ] || fail "no fixed finding to keep"
    expect_status 0 $VIGIL inventory prune --keep 2 --dry-run --store "$S" -o json="$O/dry.json"
    snapshots "$S" "$O/after-dry"
    cmp -s "$O/before" "$O/after-dry" || fail "a dry run changed the store"
    expect_status 0 $VIGIL inventory prune --keep 2 --store "$S" -o json="$O/prune.json"
    [ "$(jq -S 'del(.dry_run)' "$O/dry.json")" = "$(jq -S 'del(.dry_run)' "$O/prune.json")" ] ||
        fail "the dry run said otherwise: $(jq -c . "$O/dry.json") / $(jq -c . "$O/prune.json")"
    [ "$(jq .dry_run "$O/dry.json") $(jq .dry_run "$O/prune.json")" = "true false" ] || fail "dry_run flags"
    snapshots "$S" "$O/after"
    expect_pruned "$O/before" "$O/after" "$O/prune.json" alpine@1 alpine@2 alpine@3 alpine-musl@1
    [ "$(jq '[.components, .documents] | min > 0' "$O/prune.json")" = true ] ||
        fail "nothing shared was tested: $(jq -c . "$O/prune.json")"
    [ "$(jq '[.assets[].kept] | sort' "$O/prune.json" | tr -d ' \n')" = "[2,2]" ] || fail "kept counts"
    sla_state "$S" | cmp -s - "$O/sla-before.json" || fail "the finding history changed"
}

S=sqlite:$T/store.sqlite
scenario "$S" "$T/sqlite"
# The findings that pointed at deleted snapshots point nowhere; none was deleted.
[ "$(sqlite3 store.sqlite 'SELECT count(*) FROM finding WHERE first_snapshot IS NULL') \
$(sqlite3 store.sqlite 'SELECT count(*) FROM finding WHERE fixed_at IS NOT NULL AND fixed_snapshot IS NULL')" != "0 0" ] ||
    fail "no finding referred to a deleted snapshot"
[ "$(jq .finding_references "$T/sqlite/prune.json")" = \
    "$(( $(sqlite3 store.sqlite 'SELECT count(*) FROM finding WHERE first_snapshot IS NULL') + \
        $(sqlite3 store.sqlite 'SELECT count(*) FROM finding WHERE fixed_at IS NOT NULL AND fixed_snapshot IS NULL') ))" ] ||
    fail "finding references: $(jq .finding_references "$T/sqlite/prune.json")"
[ "$(sqlite3 store.sqlite 'SELECT count(*) FROM finding WHERE first_snapshot NOT IN (SELECT id FROM snapshot)
    OR fixed_snapshot NOT IN (SELECT id FROM snapshot)')" = 0 ] || fail "a dangling snapshot reference"
[ "$(sqlite3 store.sqlite 'PRAGMA foreign_key_check' | wc -l) $(sqlite3 store.sqlite 'PRAGMA integrity_check')" = "0 ok" ] ||
    fail "store not consistent after prune"
expect_status 1 $VIGIL inventory show alpine@1 --store "$S"
expect_stderr 'asset alpine has no snapshot 1'

# PostgreSQL: the same story, the same reports.
pg_start
scenario "$PG_URL" "$T/pg"
for f in dry.json prune.json; do
    cmp -s "$T/sqlite/$f" "$T/pg/$f" || { diff "$T/sqlite/$f" "$T/pg/$f" >&2 || true; fail "$f differs between SQLite and PostgreSQL"; }
done
# (the times differ between the two runs; the counts may not)
counts() { jq -S '.all | .time_to_fix |= map_values(.fixed)' "$1"; }
[ "$(counts "$T/sqlite/sla-before.json")" = "$(counts "$T/pg/sla-before.json")" ] || fail "the SLA counts differ"
cut -f1,4 "$T/sqlite/after" | cmp -s - <(cut -f1,4 "$T/pg/after") || fail "kept exports differ between back ends"

# --- SQLite from here on --------------------------------------------------

# --keep 1: every asset keeps exactly its latest snapshot.
expect_status 0 $VIGIL inventory list --store "$S" -o json
jq -r '.[] | "\(.name)@\(.latest.snapshot)"' "$TMP/stdout" | sort >"$T/latest"
expect_status 0 $VIGIL inventory prune --keep 1 --store "$S" -o json
cp "$TMP/stdout" "$T/keep1.json"
snapshots "$S" "$T/keep1"
cut -f1 "$T/keep1" | sort | cmp -s - "$T/latest" || fail "--keep 1 kept $(cut -f1 "$T/keep1" | tr '\n' ' ')"
expect_pruned "$T/sqlite/after" "$T/keep1" "$T/keep1.json" alpine@4 alpine-musl@2

# --older-than: by creation time, never the latest (even when old), and
# with --keep both must agree; --asset limits it.
fill "$S"
# alpine: @5 @6 @7 @10 80 days old, @8 @9 10 days (latest: @10);
# alpine-musl: @3 to @6 40 days (latest: @6).
sqlite3 store.sqlite "UPDATE snapshot SET created_at = created_at - 80 * 86400 WHERE seq IN (5, 6, 7, 10)
        AND asset_id = (SELECT id FROM asset WHERE name = 'alpine');
    UPDATE snapshot SET created_at = created_at - 10 * 86400 WHERE seq IN (8, 9)
        AND asset_id = (SELECT id FROM asset WHERE name = 'alpine');
    UPDATE snapshot SET created_at = created_at - 40 * 86400 WHERE asset_id = (SELECT id FROM asset WHERE name = 'alpine-musl')"
snapshots "$S" "$T/filled"
[ "$(cut -f1 "$T/filled" | tr '\n' ' ')" = "alpine@5 alpine@6 alpine@7 alpine@8 alpine@9 alpine@10 alpine-musl@3 alpine-musl@4 alpine-musl@5 alpine-musl@6 " ] ||
    fail "filled: $(cut -f1 "$T/filled" | tr '\n' ' ')"
expect_status 0 $VIGIL inventory prune --older-than 60d --asset alpine-musl --store "$S" -o json
[ "$(jq .snapshots "$TMP/stdout")" = 0 ] || fail "--asset alpine-musl --older-than 60d: $(jq -c . "$TMP/stdout")"
expect_status 0 $VIGIL inventory prune --older-than 60d --keep 5 --store "$S" -o json
cp "$TMP/stdout" "$T/older.json"
snapshots "$S" "$T/older"
expect_pruned "$T/filled" "$T/older" "$T/older.json" alpine@5
expect_status 0 $VIGIL inventory prune --older-than 60d --store "$S" -o json
cp "$TMP/stdout" "$T/older2.json"
snapshots "$S" "$T/older2"
expect_pruned "$T/older" "$T/older2" "$T/older2.json" alpine@6 alpine@7
expect_status 0 $VIGIL inventory prune --older-than 30d --asset alpine-musl --store "$S" -o json
cp "$TMP/stdout" "$T/older3.json"
snapshots "$S" "$T/older3"
expect_pruned "$T/older2" "$T/older3" "$T/older3.json" alpine-musl@3 alpine-musl@4 alpine-musl@5

# Still a working store: a rescan and an add.
expect_status 0 $VIGIL inventory rescan --store "$S" --db db-plus.sqlite -o json
[ "$(jq '.summary.assets, .summary.errors' "$TMP/stdout" | tr '\n' ' ')" = "2 0 " ] || fail "rescan after prune"
expect_status 0 $VIGIL inventory add c --asset alpine --db db-main.sqlite --store "$S"
[ "$(sqlite3 store.sqlite 'PRAGMA foreign_key_check' | wc -l)" = 0 ] || fail "foreign keys after prune and add"

# Usage.
expect_status 2 $VIGIL inventory prune --store "$S"
expect_stderr 'say what to keep'
expect_status 2 $VIGIL inventory prune --keep 0 --store "$S"
expect_status 2 $VIGIL inventory prune --older-than 5x --store "$S"
expect_status 1 $VIGIL inventory prune --keep 1 --asset nosuch --store "$S"
expect_stderr 'no asset named nosuch'
expect_status 0 $VIGIL inventory prune --keep 1 --dry-run --store "$S"
grep -q 'dry run: nothing was changed' "$TMP/stdout" || fail "table: $(cat "$TMP/stdout")"
echo ok
