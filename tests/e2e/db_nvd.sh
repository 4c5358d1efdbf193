# db_nvd.sh — `vigil db update` fetches source "nvd" through the NVD CVE
# API 2.0, here a loopback server (feeds/server.py) answering as NVD does
# from ../shared's NVD files (409 CVEs) in pages of at most 150; the other
# feeds of the update (KEV, Alpine v3.10 secdb) name the CVEs to keep.
#  1. the first update pages through everything (startIndex 0, 150, 300),
#     sends NVD_API_KEY as the apiKey header on every request and never in
#     the URL; the stored CVEs are exactly those KEV and the secdb name,
#     each with the dates, vectors (Primary first) and references Python
#     reads from the raw files; the key is stored nowhere;
#  2. the second update asks only for what changed since the newest
#     lastModified it holds (lastModStartDate = that time, lastModEndDate =
#     now, a window of at most 120 days) and keeps the same data;
#  3. NVD changes a CVE (a newer copy: another vector, rejected): the next
#     update fetches just that one and the database holds the new copy;
#  4. a cache older than 120 days is brought up to date window by window.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/feeds/lib.sh"

need_shared vulndata/nvd/cve
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd python3

V="$VIGIL_SHARED/vulndata"
mkdir -p "$TMP/mirror/alpine/v3.10" "$TMP/nvd"
ln -s "$V/kev" "$TMP/mirror/kev"
ln -s "$V/alpine-secdb/v3.10/main.json" "$TMP/mirror/alpine/v3.10/main.json"
ln -s "$V/nvd/api-responses" "$V/nvd/cve" "$TMP/nvd/"
start_feed_server feeds "$TMP/mirror" --nvd "$TMP/nvd" --nvd-page 150
DB="$TMP/db/vulndb.sqlite"
export NVD_API_KEY="test-key-8c1d"
update() { expect_status 0 "$VIGIL" db update --mirror "$feeds_URL" --source kev,alpine:v3.10/main,nvd --db "$DB"; }

# check_nvd DIR RUN: the stored NVD records against the raw files of DIR
# (what the server answers from), and the request log against RUN: "full",
# or the time the first lastModStartDate must be (the newest change held).
check_nvd() {
    python3 - "$1" "$V" "$DB" "$TMP/feeds.log" "$2" "$NVD_API_KEY" "$VIGIL_SRC/tests/e2e/feeds" <<'PY' || fail "NVD in the database or requests differ"
import datetime, json, sqlite3, sys, urllib.parse
NVD, V, DB, LOG, RUN, KEY = sys.argv[1:7]
sys.path.insert(0, sys.argv[7])
from nvd_ref import check_stored, newest_copies, when
db = sqlite3.connect(DB)
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)
cves = {c["id"]: c for c in newest_copies(NVD)}
named = {v["cveID"] for v in json.load(open(V + "/kev/known_exploited_vulnerabilities.json"))["vulnerabilities"]}
for p in json.load(open(V + "/alpine-secdb/v3.10/main.json"))["packages"]:
    for ids in (p["pkg"].get("secfixes") or {}).values():
        for i in ids or []:
            named.update(i.split())
kept = {i: c for i, c in cves.items() if i in named}
check(len(kept) >= 6, "too few named CVEs (%d)" % len(kept))
stored = {i for (i,) in db.execute("SELECT id FROM advisory WHERE source='nvd'")}
check(stored == set(kept), "stored %s, expected %s" % (sorted(stored), sorted(kept)))
for c in kept.values():
    errors += check_stored(db, c)
# The requests of this run.
reqs = [l.rstrip("\n").split("\t") for l in open(LOG)]
nvd = [r for r in reqs if r[0] == "/nvd/rest/json/cves/2.0"]
check(nvd and all(r[5] == KEY and KEY not in r[4] and r[3] == "200" for r in nvd),
      "NVD requests without the apiKey header, or with the key in the URL: %s" % nvd)
queries = [dict(urllib.parse.parse_qsl(r[4])) for r in nvd]
if RUN == "full":
    starts = [int(q["startIndex"]) for q in queries]
    check(starts == list(range(0, len(cves), 150)) and len(starts) >= 3, "pages asked: %s" % starts)
    check(all("lastModStartDate" not in q for q in queries), "a first update asked for a window")
else:
    newest = when(RUN)
    for q in queries:
        lo, hi = when(q["lastModStartDate"]), when(q["lastModEndDate"])
        check(hi - lo <= datetime.timedelta(days=120), "window longer than 120 days: %s" % q)
    lo = when(queries[0]["lastModStartDate"])
    check(lo <= newest and newest - lo < datetime.timedelta(seconds=1),
          "first window starts at %s, not at the newest change held %s" % (lo, newest))
    hi = when(queries[-1]["lastModEndDate"])
    check(abs(datetime.datetime.now(datetime.timezone.utc) - hi) < datetime.timedelta(hours=1),
          "last window ends at %s, not now" % hi)
for e in errors[:20]:
    print("MISMATCH:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# 1. the first update: everything, page by page.
update
check_nvd "$TMP/nvd" full
sql() { python3 -c 'import sqlite3,sys; print("\n".join("|".join(map(str, r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$DB" "$1"; }
[ "$(sql "SELECT records_read, records_unused + records_imported FROM source WHERE name='nvd'")" = "409|409" ] ||
    fail "the first update did not read the 409 CVEs"
! grep -rqF "$NVD_API_KEY" "$TMP/db" || fail "the NVD API key was stored"
[ "$(grep -c '^page ' "$DB.feeds/nvd/state")" = 3 ] || fail "the cache does not list the three pages"

# 2. the second update: only what changed since the newest CVE held.
NEWEST=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from nvd_ref import newest_copies, when
print(max((c["lastModified"] for c in newest_copies(sys.argv[2])), key=when))' "$VIGIL_SRC/tests/e2e/feeds" "$TMP/nvd")
: >"$TMP/feeds.log"
update
check_nvd "$TMP/nvd" "$NEWEST"

# 3. NVD changes CVE-2019-14697: another v3.1 vector, and rejected.
python3 - "$V/nvd/cve/CVE-2019-14697.json" "$TMP/nvd/changed.json" <<'PY'
import datetime, json, sys
c = json.load(open(sys.argv[1]))
c["lastModified"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime(
    "%Y-%m-%dT%H:%M:%S.123")
c["vulnStatus"] = "Rejected"
c["metrics"]["cvssMetricV31"][0]["cvssData"]["vectorString"] = "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"
json.dump(c, open(sys.argv[2], "w"))
PY
: >"$TMP/feeds.log"
update
check_nvd "$TMP/nvd" "$NEWEST"
[ "$(awk -F'\t' '$1 == "/nvd/rest/json/cves/2.0"' "$TMP/feeds.log" | wc -l)" = 1 ] || fail "the change took more than one request"
[ "$(sql "SELECT s.score, a.withdrawn IS NOT NULL FROM advisory a JOIN severity s USING (adv)
          WHERE a.id = 'CVE-2019-14697' AND a.source = 'nvd' ORDER BY s.rowid LIMIT 1")" = \
  "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N|1" ] || fail "CVE-2019-14697 is not NVD's newer copy"

# 4. a cache last brought up to date 300 days ago: three windows of at most
#    120 days, the first from that time.
old=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%S.000"))')
sed -i "s/^newest .*/newest $old/" "$DB.feeds/nvd/state"
: >"$TMP/feeds.log"
update
check_nvd "$TMP/nvd" "$old"
[ "$(awk -F'\t' '$1 == "/nvd/rest/json/cves/2.0"' "$TMP/feeds.log" | wc -l)" = 3 ] || fail "300 days were not asked in three windows"
echo "db_nvd: paging, API key, incremental windows and changed CVEs agree with the raw NVD files"
