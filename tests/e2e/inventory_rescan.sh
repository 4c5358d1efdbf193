# inventory_rescan.sh — `vigil inventory rescan` on the real Alpine 3.10.9
# minirootfs (as shipped, and with musl lowered) stored against a
# vulnerability database built from the real v3.10 secdb; the database is
# then rebuilt from a secdb derived from the real one with extra secfixes
# entries for the installed packages, and later without one of them
# (inventory_fixture.py makes them).  Each
# rescan must report exactly the new (and then fixed) findings that an
# independent reading of the secdb files and lib/apk/db/installed gives
# (apk_secdb_ref.py), and leave each snapshot with exactly the findings the
# reference gives for it.  The same scenario runs on SQLite and on
# PostgreSQL, and the two give the same results.  Then, on SQLite: the
# exit statuses (--fail-on, unchecked components, a damaged document), the
# progress line on a terminal, --asset, and a snapshot whose component
# links were altered.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
need_cmd sqlite3
need_cmd script

T=$TMP
python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$T" "$VIGIL_SHARED" "$VIGIL"
# What a rescan must call new (plus - main) and fixed (plus - minus).
for x in a b; do
    comm -13 "$T/ref-$x-main.txt" "$T/ref-$x-plus.txt" >"$T/want-new-$x.txt"
    comm -23 "$T/ref-$x-plus.txt" "$T/ref-$x-minus.txt" >"$T/want-fixed-$x.txt"
done
[ "$(wc -l <"$T/want-new-a.txt")" -ge 12 ] || fail "the derived secdb adds too few findings: $(cat "$T/want-new-a.txt")"
grep -q "musl	CVE-2099-2" "$T/want-new-b.txt" || fail "reference: musl lowered is not affected by its release entry"
grep -q "musl	CVE-2099-2" "$T/want-new-a.txt" && fail "reference: musl as shipped is affected by its release entry"
[ "$(cut -f2 "$T/want-fixed-a.txt" | sort -u | tr '\n' ' ')" = "CVE-2099-1001 CVE-2099-3001 " ] ||
    fail "reference fixed: $(cat "$T/want-fixed-a.txt")"

# new ASSET FILE / fixed ASSET FILE: "package<TAB>id" of a rescan result.
new() { jq -r --arg a "$1" '.assets[] | select(.asset == $a) | .new_findings[] | "\(.package)\t\(.id)"' "$2"; }
fixed() { jq -r --arg a "$1" '.assets[] | select(.asset == $a) | .fixed_findings[] | "\(.package)\t\(.id)"' "$2"; }
# summary FILE: "assets new fixed errors".
summary() { jq -r '.summary | "\(.assets) \(.new) \(.fixed) \(.errors)"' "$1"; }
# stored URL ASSET: "package<TAB>id" of the findings of the asset's latest snapshot.
stored() {
    expect_status 0 $VIGIL inventory show "$2" --store "$1" -o json
    jq -r '.finding_list[] | "\(.purl | sub("@.*"; ""))\t\(.id)"' "$TMP/stdout"
}

# scenario URL OUT: the story on the store at URL; each rescan's JSON in
# OUT/N.json, its times removed in OUT/N.cmp.json for comparing back ends.
scenario() {
    local S=$1 O=$2 i
    mkdir -p "$O"
    add() { $VIGIL inventory add --db "$T/db-main.sqlite" --store "$S" "$@"; }
    rescan() { $VIGIL inventory rescan --store "$S" "$@"; }
    expect_status 0 add "$T/a" --asset alpine -o json
    local digest
    digest=$(jq -r .sbom_digest "$TMP/stdout")
    expect_status 0 add "$T/b" --asset alpine-musl
    expect_status 0 add "$T/a" --asset alpine-copy -o json
    [ "$(jq -r .sbom_digest "$TMP/stdout")" = "$digest" ] || fail "alpine and alpine-copy do not share their document"
    same_lines <(stored "$S" alpine-musl) "$T/ref-b-main.txt" "findings stored by add (alpine-musl)"

    # 1. The same database: nothing new, nothing fixed.
    expect_status 0 rescan --db "$T/db-main.sqlite" -o json="$O/1.json"
    [ "$(summary "$O/1.json")" = "3 0 0 0" ] || fail "rescan 1: $(summary "$O/1.json")"
    [ "$(jq '.assets | length' "$O/1.json")" = 0 ] || fail "rescan 1 lists assets"

    # 2. Extra advisories: exactly the reference's new findings, gated.
    expect_status 5 rescan --db "$T/db-plus.sqlite" --fail-on unknown -o json="$O/2.json"
    expect_stderr "fail-on unknown: $(( 2 * $(wc -l <"$T/want-new-a.txt") + $(wc -l <"$T/want-new-b.txt") )) new findings"
    for x in alpine:a alpine-copy:a alpine-musl:b; do
        same_lines <(new "${x%:*}" "$O/2.json") "$T/want-new-${x#*:}.txt" "new findings of ${x%:*}"
        [ -z "$(fixed "${x%:*}" "$O/2.json")" ] || fail "rescan 2 fixed something in ${x%:*}"
        same_lines <(stored "$S" "${x%:*}") "$T/ref-${x#*:}-plus.txt" "findings of ${x%:*} after rescan 2"
    done
    local started
    started=$(jq -r .started "$O/2.json")
    [ "$(jq --arg s "$started" '[.assets[].new_findings[] | select(.first_seen != $s)] | length' "$O/2.json")" = 0 ] ||
        fail "new findings not first seen at the rescan's start"

    # 3. Again: nothing new, so the gate does not fire.
    expect_status 0 rescan --db "$T/db-plus.sqlite" --fail-on unknown -o json="$O/3.json"
    [ "$(summary "$O/3.json")" = "3 0 0 0" ] || fail "rescan 3: $(summary "$O/3.json")"

    # 4. An advisory withdrawn: reported fixed, with the time of the rescan.
    local t0 t1
    t0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    expect_status 0 rescan --db "$T/db-minus.sqlite" --fail-on unknown -o json="$O/4.json"
    t1=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    for x in alpine:a alpine-copy:a alpine-musl:b; do
        same_lines <(fixed "${x%:*}" "$O/4.json") "$T/want-fixed-${x#*:}.txt" "fixed findings of ${x%:*}"
        same_lines <(stored "$S" "${x%:*}") "$T/ref-${x#*:}-minus.txt" "findings of ${x%:*} after rescan 4"
    done
    jq -r '.assets[].fixed_findings[].fixed' "$O/4.json" | sort -u >"$T/fixed-times"
    [ "$(wc -l <"$T/fixed-times")" = 1 ] && [[ ! "$(cat "$T/fixed-times")" < "$t0" ]] &&
        [[ ! "$(cat "$T/fixed-times")" > "$t1" ]] || fail "fixed times $(cat "$T/fixed-times") not within $t0..$t1"
    [ "$(summary "$O/4.json")" = "3 0 $(( 2 * $(wc -l <"$T/want-fixed-a.txt") + $(wc -l <"$T/want-fixed-b.txt") )) 0" ] ||
        fail "rescan 4: $(summary "$O/4.json")"

    for i in 1 2 3 4; do
        jq -S 'del(.run, .started, .finished, .db_time) | .assets[].new_findings[] |= del(.first_seen)
               | .assets[].fixed_findings[] |= del(.fixed)' "$O/$i.json" >"$O/$i.cmp.json"
    done
}

scenario "sqlite:$T/store.sqlite" "$T/sqlite"
S=sqlite:$T/store.sqlite
# The runs are recorded.
[ "$(sqlite3 "$T/store.sqlite" 'SELECT assets, new_findings, fixed_findings, errors FROM rescan_run ORDER BY id' | tr '\n' ' ')" = \
    "3|0|0|0 3|$(jq .summary.new "$T/sqlite/2.json")|0|0 3|0|0|0 3|0|$(jq .summary.fixed "$T/sqlite/4.json")|0 " ] ||
    fail "rescan_run: $(sqlite3 "$T/store.sqlite" 'SELECT * FROM rescan_run')"
# The withdrawn finding's history: fixed at the time of rescan 4.
[ "$(sqlite3 "$T/store.sqlite" "SELECT count(*) FROM finding WHERE vuln = 'CVE-2099-1001' AND fixed_at IS NOT NULL")" = 3 ] ||
    fail "CVE-2099-1001 is not fixed in the three assets"

# PostgreSQL: the same scenario, the same results.
pg_start
scenario "$PG_URL" "$T/pg"
for i in 1 2 3 4; do
    cmp -s "$T/sqlite/$i.cmp.json" "$T/pg/$i.cmp.json" || { diff "$T/sqlite/$i.cmp.json" "$T/pg/$i.cmp.json" | head -20 >&2 || true; fail "rescan $i differs between SQLite and PostgreSQL"; }
done
[ "$(psql "$PG_URL" -X -q -At -c 'SELECT assets, new_findings, fixed_findings, errors FROM rescan_run ORDER BY id' | tr '\n' ' ')" = \
    "$(sqlite3 "$T/store.sqlite" 'SELECT assets, new_findings, fixed_findings, errors FROM rescan_run ORDER BY id' | tr '\n' ' ')" ] ||
    fail "rescan_run differs between SQLite and PostgreSQL"

# --- SQLite from here on --------------------------------------------------

# The gate counts new findings at or above its level: secdb findings have
# no severity (unknown), so --fail-on low does not fire on them.
cp "$T/store.sqlite" "$T/gate.sqlite"
expect_status 0 $VIGIL inventory rescan --store "sqlite:$T/gate.sqlite" --db "$T/db-plus.sqlite" --fail-on low -o json
[ "$(jq .summary.new "$TMP/stdout")" = "$(jq .summary.fixed "$T/sqlite/4.json")" ] || fail "--fail-on low: not the same new findings"
expect_status 2 $VIGIL inventory rescan --store "$S" --db "$T/db-plus.sqlite" --fail-on severe
expect_stderr 'fail-on severe: expected'

# --asset: only the named assets; an unknown one is an error.
expect_status 0 $VIGIL inventory rescan --store "$S" --db "$T/db-minus.sqlite" --asset alpine-musl --asset alpine -o json
[ "$(summary "$TMP/stdout")" = "2 0 0 0" ] || fail "--asset: $(summary "$TMP/stdout")"
expect_status 1 $VIGIL inventory rescan --store "$S" --db "$T/db-minus.sqlite" --asset nosuch
expect_stderr 'no asset named nosuch'
expect_status 2 $VIGIL inventory rescan --store "$S" --keep 2
expect_stderr 'is an option of vigil inventory prune'

# Component links altered behind vigil's back: the rescan makes them anew
# from the document.
expect_status 0 $VIGIL inventory show alpine --store "$S" -o json
jq -c '[.component_list[] | del(.coverage)]' "$TMP/stdout" >"$T/components-before.json"
sqlite3 "$T/store.sqlite" "DELETE FROM component_span WHERE asset_id = (SELECT id FROM asset WHERE name = 'alpine') AND until IS NULL
    AND component_id = (SELECT max(component_id) FROM component_span WHERE until IS NULL AND asset_id = (SELECT id FROM asset WHERE name = 'alpine'))"
expect_status 0 $VIGIL inventory show alpine --store "$S" -o json
[ "$(jq '.component_list | length' "$TMP/stdout")" = "$(( $(jq length "$T/components-before.json") - 1 ))" ] || fail "link not deleted"
expect_status 0 $VIGIL inventory rescan --store "$S" --db "$T/db-minus.sqlite" --asset alpine -o json
[ "$(summary "$TMP/stdout")" = "1 0 0 0" ] || fail "relink: $(summary "$TMP/stdout")"
expect_status 0 $VIGIL inventory show alpine --store "$S" -o json
jq -c '[.component_list[] | del(.coverage)]' "$TMP/stdout" | cmp -s - "$T/components-before.json" || fail "links not restored"
same_lines <(stored "$S" alpine) "$T/ref-a-minus.txt" "findings of alpine after the relink"

# The progress line: on a terminal, for more than a few assets; never
# when stderr is not one.
expect_status 0 $VIGIL inventory export alpine --store "$S" -o cyclonedx-json="$T/alpine.cdx.json"
for i in $(seq 1 10); do
    expect_status 0 $VIGIL inventory add "$T/alpine.cdx.json" --asset "many-$i" --db "$T/db-minus.sqlite" --store "$S"
done
script -qfec "$VIGIL inventory rescan --store $S --db $T/db-minus.sqlite -o json=$T/tty.json" "$T/tty.log" >/dev/null
grep -q 'rescanning: 0 of 13 assets' "$T/tty.log" || fail "no progress line on a terminal: $(cat -v "$T/tty.log")"
[ "$(summary "$T/tty.json")" = "13 0 0 0" ] || fail "tty rescan: $(summary "$T/tty.json")"
expect_status 0 $VIGIL inventory rescan --store "$S" --db "$T/db-minus.sqlite"
grep -q rescanning "$TMP/stderr" && fail "a progress line on a pipe"
grep -q '^rescan [0-9]*: 13 assets, 0 new findings, 0 fixed' "$TMP/stdout" || fail "table: $(cat "$TMP/stdout")"

# Components that cannot be checked (an SBOM without its OS): exit 3,
# unless --allow-unchecked; the open findings stay open.
expect_status 0 $VIGIL sbom -o cyclonedx-json="$T/b.cdx.json" "$T/b"
jq '.components |= map(select(.type != "operating-system") | if .purl then .purl |= sub("\\?.*"; "") else . end)' \
    "$T/b.cdx.json" >"$T/b-no-os.cdx.json"
expect_status 0 $VIGIL inventory add "$T/b.cdx.json" --asset blind --db "$T/db-plus.sqlite" --store "$S"
expect_status 3 $VIGIL inventory add "$T/b-no-os.cdx.json" --asset blind --db "$T/db-plus.sqlite" --store "$S"
expect_status 3 $VIGIL inventory rescan --store "$S" --db "$T/db-plus.sqlite" --asset blind -o json
expect_stderr 'components could not be checked in 1 asset;'
[ "$(jq '.summary.unchecked > 10 and .summary.unchecked_assets == 1 and .summary.fixed == 0' "$TMP/stdout")" = true ] ||
    fail "unchecked: $(jq -c .summary "$TMP/stdout")"
expect_status 0 $VIGIL inventory rescan --store "$S" --db "$T/db-plus.sqlite" --asset blind --allow-unchecked
expect_status 0 $VIGIL inventory list --store "$S" -o json
[ "$(jq '.[] | select(.name == "blind") | .open_findings' "$TMP/stdout")" = "$(wc -l <"$T/ref-b-plus.txt")" ] ||
    fail "open findings of an unchecked snapshot"

# A stored document altered behind vigil's back: that asset is reported
# (exit 3), the others are rescanned.
d=$(sqlite3 "$T/store.sqlite" "SELECT s.sbom_digest FROM asset a JOIN snapshot s ON s.id = a.latest_snapshot WHERE a.name = 'alpine-musl'")
sqlite3 "$T/store.sqlite" "UPDATE document SET size = size + 1 WHERE digest = '$d'"
expect_status 3 $VIGIL inventory rescan --store "$S" --db "$T/db-plus.sqlite" --allow-unchecked -o json
expect_stderr '1 asset could not be rescanned'
[ "$(jq -r '.errors[0].asset, (.errors | length), .summary.assets' "$TMP/stdout" | tr '\n' ' ')" = "alpine-musl 1 13 " ] ||
    fail "damaged document: $(jq -c '.errors, .summary' "$TMP/stdout")"
jq -r '.errors[0].message' "$TMP/stdout" | grep -q "$d is damaged" || fail "message: $(jq -r '.errors[0].message' "$TMP/stdout")"

# Documents read with warnings (a purl that is not valid): a fleet rescan
# reads the next asset's document on a second thread; each document's
# warnings are reported all the same, whichever thread read it first.
for i in 1 2 3; do
    jq --arg p "notapurl $i" '(.components | map(.purl != null) | index(true)) as $k | .components[$k].purl = $p' \
        "$T/b.cdx.json" >"$T/warn-$i.cdx.json"
    expect_status 3 $VIGIL inventory add "$T/warn-$i.cdx.json" --asset "warn-$i" --db "$T/db-plus.sqlite" --allow-unchecked \
        --store "sqlite:$T/warn.sqlite"
    expect_stderr "purl 'notapurl $i' is not valid"
done
expect_status 0 $VIGIL inventory rescan --store "sqlite:$T/warn.sqlite" --db "$T/db-plus.sqlite" --allow-unchecked
for i in 1 2 3; do expect_stderr "purl 'notapurl $i' is not valid"; done

# --distro: a snapshot whose add matched its OS packages as another release
# is rescanned as that release, not as its document says.  The same
# document as alpine (3.10.9) is added as 3.10 and as 3.11, for which the
# database has no data; each rescan must give back what its add found
# (3.10: the reference's findings; 3.11: none, its packages unchecked), and
# the snapshot keeps the release (show).
D=sqlite:$T/distro.sqlite
expect_status 0 $VIGIL inventory add "$T/a" --asset as310 --distro alpine:3.10 --db "$T/db-plus.sqlite" --store "$D"
expect_status 3 $VIGIL inventory add "$T/a" --asset as311 --distro alpine:3.11 --db "$T/db-plus.sqlite" --store "$D"
expect_status 0 $VIGIL inventory show as311 --store "$D" -o json
[ "$(jq -r '.latest.distro // .distro' "$TMP/stdout")" = alpine:3.11 ] || fail "the snapshot does not keep its release: $(jq -c . "$TMP/stdout" | head -c 400)"
[ "$(jq '.finding_list | length' "$TMP/stdout")" = 0 ] || fail "alpine:3.11 has findings"
expect_status 3 $VIGIL inventory rescan --store "$D" --db "$T/db-plus.sqlite" -o json
[ "$(jq -c '[.summary.assets, .summary.new, .summary.fixed, ([.assets[] | .new_findings, .fixed_findings | length] | add)]' \
      "$TMP/stdout")" = '[2,0,0,0]' ] ||
    fail "a rescan did not match as the add did: $(jq -c '[.assets[] | {asset, new: (.new_findings | length), fixed: (.fixed_findings | length), unchecked}]' "$TMP/stdout")"
[ "$(jq '[.assets[] | select(.asset == "as311") | .unchecked > 0] == [true]' "$TMP/stdout")" = true ] ||
    fail "as311's packages are not unchecked after the rescan"
[ "$(stored "$D" as310 | sort)" = "$(sort "$T/ref-a-plus.txt")" ] || fail "as310's findings after the rescan"
echo ok
