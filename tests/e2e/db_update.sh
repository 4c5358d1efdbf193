# db_update.sh — `vigil db update --mirror` against a loopback HTTP server
# that serves ../shared/vulndata in the mirror layout (OSV folders zipped at
# test time as ECOSYSTEM/all.zip; alpine/, debian/, kev/ as they are):
#  1. the database equals the one `vigil db build --from` makes of the same
#     files (canonical dump: sorted rows of every table without row ids,
#     fetch times, locations or HTTP validators);
#  2. a second update sends If-None-Match and If-Modified-Since for every
#     source, the server answers 304, and the data stays the same;
#  3. an update killed (kill -9) while the server stalls a response leaves
#     the previous database intact and usable; the next update cleans up;
#  4. an update whose source is missing on the mirror (404) fails with
#     status 1 and leaves the database as it was;
#  5. `--from DIR` in the mirror layout gives the same database.
# NVD comes through its API (served by the test server from ../shared's NVD
# files) and, with --from, from the mirror's nvd/ directory; its paging,
# incremental requests and cache are tested in db_nvd.sh.
. "$(dirname "$0")/lib.sh"

need_shared vulndata/osv/Go
need_shared vulndata/alpine-secdb
need_shared vulndata/debian-security-tracker
need_shared vulndata/kev
need_shared vulndata/nvd
need_cmd python3

V="$VIGIL_SHARED/vulndata"

# The mirror: zips made now from the OSV folders, the other feeds as links.
mkdir -p "$TMP/mirror"
python3 - "$V/osv" "$TMP/mirror" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1:3]
for eco in sorted(os.listdir(src)):
    d = os.path.join(src, eco)
    if not os.path.isdir(d):
        continue
    os.makedirs(os.path.join(dst, eco))
    with zipfile.ZipFile(os.path.join(dst, eco, "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(os.listdir(d)):
            if f.endswith(".json"):
                z.write(os.path.join(d, f), f)
PY
ln -s "$V/alpine-secdb" "$TMP/mirror/alpine"
ln -s "$V/debian-security-tracker" "$TMP/mirror/debian"
ln -s "$V/kev" "$TMP/mirror/kev"
ln -s "$V/nvd" "$TMP/mirror/nvd"

# Loopback server (tests/e2e/feeds/server.py): ETag/Last-Modified, 304
# answers, a request log, a stall switch ($TMP/stall names a path that gets
# half its body until the file goes), and NVD's CVE API over ../shared's
# NVD files, in one page per request.
. "$(dirname "$0")/feeds/lib.sh"
start_feed_server feeds "$TMP/mirror" --stall "$TMP/stall" --nvd "$V/nvd" --nvd-page 2000
URL=$feeds_URL
ln -s feeds.log "$TMP/requests.log"

# Every source the shared data holds, by the names `vigil db update` uses.
SOURCES=""
for d in "$V"/osv/*/; do SOURCES="$SOURCES,osv:$(basename "$d")"; done
for f in "$V"/alpine-secdb/v*/*.json; do
    SOURCES="$SOURCES,alpine:$(basename "$(dirname "$f")")/$(basename "$f" .json)"
done
for l in DSA DLA DTSA; do SOURCES="$SOURCES,debian:$l"; done
SOURCES="${SOURCES#,},kev,nvd"

# Canonical dump of a database: every table, rows without row ids, sorted.
dump() {
    python3 - "$1" <<'PY' | LC_ALL=C sort
import json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
def rows(sql):
    for r in db.execute(sql):
        print(json.dumps(r, ensure_ascii=True))
rows("SELECT 'meta', * FROM meta")
# (data_basis is left out: "file" for a build, "http" for an update, the
# same time.)  NVD's read and duplicate counts grow with each incremental request (the
# newest CVE comes again): db_nvd.sh checks them.
rows("SELECT 'source', name, kind, newest, data_time,"
     " CASE name WHEN 'nvd' THEN NULL ELSE records_read END, records_imported, records_skipped,"
     " CASE name WHEN 'nvd' THEN NULL ELSE records_duplicate END, records_unused FROM source")
rows("SELECT 'source_ecosystem', * FROM source_ecosystem")
rows("SELECT 'advisory', scope, id, source, modified, published, withdrawn, summary, details,"
     " severity FROM advisory")
rows("SELECT 'alias', a.scope, a.id, x.alias FROM advisory_alias x JOIN advisory a USING (adv)")
rows("SELECT 'reference', a.scope, a.id, r.type, r.url FROM reference r JOIN advisory a USING (adv)")
rows("SELECT 'severity', a.scope, a.id, s.type, s.score FROM severity s JOIN advisory a USING (adv)")
rows("SELECT 'kev', * FROM kev")
for aff, scope, id_, eco, name, key, src, status, sev, note in db.execute(
        "SELECT f.aff, a.scope, a.id, f.ecosystem, f.name, f.name_key, f.is_source, f.status,"
        " f.severity, f.note FROM affected f JOIN advisory a USING (adv)"):
    ranges = [[t, repo, [list(e) for e in db.execute(
        "SELECT kind, version FROM range_event WHERE rng = ? ORDER BY seq", (rng,))]]
        for rng, t, repo in db.execute(
            "SELECT rng, type, repo FROM affected_range WHERE aff = ? ORDER BY rng", (aff,))]
    versions = [v for (v,) in db.execute(
        "SELECT version FROM affected_version WHERE aff = ? ORDER BY rowid", (aff,))]
    print(json.dumps(["affected", scope, id_, eco, name, key, src, status, sev, note,
                      ranges, versions], ensure_ascii=True))
PY
}

# 1. build from the files and update from the mirror give the same database.
expect_status 0 "$VIGIL" db build --from "$V" --db "$TMP/built.sqlite"
expect_status 0 "$VIGIL" db update --mirror "$URL" --source "$SOURCES" --db "$TMP/db/vulndb.sqlite"
dump "$TMP/built.sqlite" >"$TMP/built.dump"
dump "$TMP/db/vulndb.sqlite" >"$TMP/updated.dump"
[ "$(wc -l <"$TMP/built.dump")" -gt 100000 ] || fail "the dump is implausibly small"
cmp -s "$TMP/built.dump" "$TMP/updated.dump" || {
    diff "$TMP/built.dump" "$TMP/updated.dump" | head -20 >&2
    fail "db build --from and db update --mirror give different databases"
}
n_sources=$(tr ',' '\n' <<<"$SOURCES" | grep -cv '^nvd$')
n_200=$(awk -F'\t' '$4 == 200 && $1 !~ /^\/nvd\//' "$TMP/requests.log" | wc -l)
[ "$n_200" = "$n_sources" ] || fail "first update: $n_200 downloads for $n_sources sources"
grep -q $'^/nvd/rest/json/cves/2.0\t.*\t200\tresultsPerPage=2000&startIndex=0\t' "$TMP/requests.log" ||
    fail "first update: no NVD API request"
# Every location of the updated database is a URL below the mirror.
python3 - "$TMP/db/vulndb.sqlite" "$URL" <<'PY' || fail "source locations are not the mirror URLs"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = [n for n, loc in db.execute("SELECT name, location FROM source") if not loc.startswith(sys.argv[2])]
sys.exit(1 if bad else 0)
PY

# 2. the second update is conditional and keeps the data.
: >"$TMP/requests.log"
expect_status 0 "$VIGIL" db update --mirror "$URL" --source "$SOURCES" --db "$TMP/db/vulndb.sqlite"
grep -q "not modified" "$TMP/stdout" || fail "second update does not report unmodified sources"
n_304=$(awk -F'\t' '$2 != "-" && $3 != "-" && $4 == 304' "$TMP/requests.log" | wc -l)
[ "$n_304" = "$n_sources" ] || { cat "$TMP/requests.log" >&2; fail "second update: $n_304 conditional 304 answers for $n_sources sources"; }
dump "$TMP/db/vulndb.sqlite" >"$TMP/second.dump"
cmp -s "$TMP/built.dump" "$TMP/second.dump" || fail "the data changed after a 304 update"

# 3. kill -9 during a stalled download: the old database stays as it was.
cp "$TMP/db/vulndb.sqlite" "$TMP/before.sqlite"
rm -rf "$TMP/db/vulndb.sqlite.feeds" # force full downloads
: >"$TMP/requests.log"
echo /kev/known_exploited_vulnerabilities.json >"$TMP/stall"
"$VIGIL" db update --mirror "$URL" --source "$SOURCES" --db "$TMP/db/vulndb.sqlite" >/dev/null 2>&1 &
UPDATER=$!
for _ in $(seq 600); do grep -q $'\t999\t' "$TMP/requests.log" 2>/dev/null && break; sleep 0.1; done
grep -q $'\t999\t' "$TMP/requests.log" || { kill -9 $UPDATER; fail "the update never reached the stalled download"; }
sleep 0.5
kill -9 $UPDATER
wait $UPDATER 2>/dev/null || true
rm -f "$TMP/stall"
cmp -s "$TMP/before.sqlite" "$TMP/db/vulndb.sqlite" || fail "the killed update changed the database file"
expect_status 0 "$VIGIL" db status --db "$TMP/db/vulndb.sqlite"
grep -q '^kev ' "$TMP/stdout" || fail "status after the killed update does not list kev"
dump "$TMP/db/vulndb.sqlite" >"$TMP/killed.dump"
cmp -s "$TMP/built.dump" "$TMP/killed.dump" || fail "the database differs after a killed update"
ls "$TMP/db" | grep -q 'fetch-' || fail "expected the killed update's download directory to be left behind"
expect_status 0 "$VIGIL" db update --mirror "$URL" --source "kev" --db "$TMP/db/vulndb.sqlite"
! ls "$TMP/db" | grep -Eq '\.(new|fetch)-' || fail "leftovers of the killed update were not cleaned up"

# 4. a source the mirror does not have: status 1, database unchanged.
cp "$TMP/db/vulndb.sqlite" "$TMP/before.sqlite"
expect_status 1 "$VIGIL" db update --mirror "$URL" --source "osv:NuGet" --db "$TMP/db/vulndb.sqlite"
expect_stderr 'NuGet/all.zip: HTTP status 404'
cmp -s "$TMP/before.sqlite" "$TMP/db/vulndb.sqlite" || fail "a failed update changed the database"

# 5. --from a local directory in the mirror layout.
expect_status 0 "$VIGIL" db update --from "$TMP/mirror" --source "$SOURCES" --db "$TMP/local.sqlite"
dump "$TMP/local.sqlite" >"$TMP/local.dump"
cmp -s "$TMP/built.dump" "$TMP/local.dump" || fail "db update --from DIR differs from db build"
echo "db_update: build, mirror update, conditional update, kill and --from agree"
