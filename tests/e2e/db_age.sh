# db_age.sh — the age of the data is the date of the newest data of each
# source, not the time the database was built (docs/vulndb.md, "Age"):
#  1. an air-gapped copy of old feeds, built today (KEV of 2025-08, npm
#     advisories up to 2024-10, the DSA list up to 2023-03, Alpine secdb
#     files whose times were kept from 2020): `db status` gives each source
#     the date Python reads from the files (record dates, KEV's
#     dateReleased; a secdb has none: its file time) and the age of the
#     stalest (vg_vulndb_age(); tests/unit/vulndb.c checks it too), with
#     the advice to update carrying --db;
#  2. the same secdb files served over HTTP: dated by their Last-Modified,
#     also after a 304;
#  3. an end-of-life branch beside a current one (v3.10 of 2020, v3.11 of
#     today): v3.10 is marked ended and does not make the database old;
#  4. a fresh KEV catalog alone: no advice to update.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/feeds/lib.sh"

need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/osv/npm
need_shared vulndata/debian-security-tracker/DSA/list
need_shared vulndata/alpine-secdb/v3.11/main.json
need_cmd python3

V="$VIGIL_SHARED/vulndata"
OLD="$TMP/old"
mkdir -p "$OLD/kev" "$OLD/alpine/v3.10" "$OLD/alpine/v3.11" "$OLD/debian/DSA"
cp "$V/kev/known_exploited_vulnerabilities.json" "$OLD/kev/"
cp -r "$V/osv/npm" "$OLD/npm"
cp "$V/debian-security-tracker/DSA/list" "$OLD/debian/DSA/list"
for r in v3.10 v3.11; do
    cp "$V/alpine-secdb/$r/main.json" "$OLD/alpine/$r/main.json"
    touch -d '2020-06-01 12:00:00 UTC' "$OLD/alpine/$r/main.json"
done

# expect_dates STATUS DIR SECDB_BASIS: each source's date and basis in the
# `db status` output STATUS, and the data age line, against the files of DIR.
expect_dates() {
    python3 - "$1" "$2" "$3" <<'PY' || fail "db status dates differ from the files"
import datetime, json, os, re, sys, time
STATUS, D, SECDB = sys.argv[1:4]
def ts(s):
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)).timestamp()
kev = json.load(open(D + "/kev/known_exploited_vulnerabilities.json"))
want = {"kev": (max([ts(kev["dateReleased"])] + [ts(v["dateAdded"]) for v in kev["vulnerabilities"]]), "data")}
npm = []
for f in os.listdir(D + "/npm"):
    if f.endswith(".json"):
        r = json.load(open(D + "/npm/" + f))
        npm += [ts(r[k]) for k in ("modified", "published") if k in r]
want["osv:npm"] = (max(npm), "data")
dates = [datetime.datetime.strptime(m.group(1), "%d %b %Y").replace(tzinfo=datetime.timezone.utc).timestamp()
         for m in (re.match(r"^\[(\d+ \w{3} \d{4})\] DSA-", l) for l in open(D + "/debian/DSA/list", encoding="utf-8"))
         if m]
want["debian:DSA"] = (max(dates), "data")
for r in ("v3.10", "v3.11"):
    want["alpine:%s/main" % r] = (int(os.stat("%s/alpine/%s/main.json" % (D, r)).st_mtime), SECDB)
now = time.time()
got, age_line = {}, None
for line in open(STATUS):
    parts = line.split()
    if line.startswith("data age:"):
        age_line = line
    elif parts and parts[0] in want:
        got[parts[0]] = (parts[4], parts[7])
errors = []
for name, (t, basis) in want.items():
    day = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d")
    if got.get(name) != (day, basis):
        errors.append("%s: status says %s, the files %s" % (name, got.get(name), (day, basis)))
stalest = min(want, key=lambda n: want[n][0])
days = int((now - want[stalest][0]) // 86400)
m = re.match(r"data age: (\d+) days \(newest data of (\S+): ", age_line or "")
if not m or abs(int(m.group(1)) - days) > 1 or m.group(2) != stalest:
    errors.append("age line %r, expected %d days of %s" % (age_line, days, stalest))
for e in errors:
    print("MISMATCH:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# 1. built today from old files: old.
expect_status 0 "$VIGIL" db build --from "$OLD" --db "$TMP/old.sqlite"
expect_status 0 "$VIGIL" db status --db "$TMP/old.sqlite"
cp "$TMP/stdout" "$TMP/status-old.txt"
expect_dates "$TMP/status-old.txt" "$OLD" file
grep -qF "older than 3 days: run vigil db update --db $TMP/old.sqlite" "$TMP/status-old.txt" ||
    fail "no advice to update (with --db) for old data"

# 2. the secdb files over HTTP: their Last-Modified dates them, after a 304 too.
mkdir -p "$TMP/mirror/npm"
ln -s "$OLD/kev" "$OLD/alpine" "$OLD/debian" "$TMP/mirror/"
python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[2], "w")
for f in sorted(os.listdir(sys.argv[1])):
    z.write(os.path.join(sys.argv[1], f), f)' "$OLD/npm" "$TMP/mirror/npm/all.zip"
start_feed_server feeds "$TMP/mirror"
for run in 1 2; do
    expect_status 0 "$VIGIL" db update --mirror "$feeds_URL" --db "$TMP/http.sqlite" \
        --source kev,alpine:v3.10/main,alpine:v3.11/main,osv:npm,debian:DSA
    expect_status 0 "$VIGIL" db status --db "$TMP/http.sqlite"
    expect_dates "$TMP/stdout" "$OLD" http
done
[ "$(awk -F'\t' '$4 == 304' "$TMP/feeds.log" | wc -l)" -ge 2 ] || fail "the second update was not answered 304"

# 3. an ended branch: v3.10 of 2020 beside v3.11 of today.
touch "$OLD/alpine/v3.11/main.json"
expect_status 0 "$VIGIL" db build --from "$OLD/alpine" --db "$TMP/eol.sqlite"
expect_status 0 "$VIGIL" db status --db "$TMP/eol.sqlite"
grep -q '^alpine:v3.10/main .* 2020-06-01 .*(ended: its family has newer data)$' "$TMP/stdout" ||
    fail "v3.10 is not marked ended"
! grep -q '^alpine:v3.11/main .*(ended' "$TMP/stdout" || fail "v3.11 is marked ended"
grep -qE '^data age: [0-9]+ (minutes|hours) \(newest data of alpine:v3.11/main: ' "$TMP/stdout" ||
    fail "the ended branch decides the age: $(grep '^data age' "$TMP/stdout")"

# 4. fresh data: released an hour ago.
mkdir -p "$TMP/fresh"
python3 - "$V/kev/known_exploited_vulnerabilities.json" "$TMP/fresh/kev.json" <<'PY'
import datetime, json, sys
k = json.load(open(sys.argv[1]))
k["dateReleased"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.0000Z")
json.dump(k, open(sys.argv[2], "w"))
PY
expect_status 0 "$VIGIL" db build --from "$TMP/fresh/kev.json" --db "$TMP/fresh.sqlite"
expect_status 0 "$VIGIL" db status --db "$TMP/fresh.sqlite"
grep -qE '^data age: (59 minutes|1 hours) \(newest data of kev: ' "$TMP/stdout" ||
    fail "fresh KEV: $(grep '^data age' "$TMP/stdout")"
! grep -q 'older than' "$TMP/stdout" || fail "fresh data reported as old"
echo "db_age: ages come from the data's own dates, file times and Last-Modified"
