# db_bad_input.sh — malformed feeds and unusable database paths.
#  1. One build over damaged copies of the real feeds: an OSV folder with a
#     truncated record and a record whose "affected" has the wrong type, a
#     truncated OSV zip, a secdb whose packages have wrong types, a DSA/list
#     with garbage lines, a KEV catalog with a broken entry.  Exit status 3,
#     each problem named on stderr with its file, and every intact record
#     imported (counts from Python over the same files).
#  2. A --db file that is not SQLite, an SQLite file of another program, a
#     database of another schema version, a missing database: status 1 and a
#     message saying what to do; a non-vigil file is never replaced.
#  3. A read-only cache directory: status 1 and "Permission denied".
#  4. Bad command lines: status 2.  No feed in the input: status 1.
. "$(dirname "$0")/lib.sh"

need_shared vulndata/osv/Go
need_shared vulndata/osv/crates.io
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/debian-security-tracker/DSA/list
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_cmd python3

V="$VIGIL_SHARED/vulndata"
F="$TMP/feeds"
python3 - "$V" "$F" <<'PY'
import json, os, shutil, sys, zipfile
V, F = sys.argv[1:3]
os.makedirs(F + "/osv/Go")
go = sorted(os.listdir(V + "/osv/Go"))[:40]
for f in go:
    shutil.copy(os.path.join(V, "osv/Go", f), F + "/osv/Go")
# A truncated record first in name order, and one with a wrong type.
open(F + "/osv/Go/A-TRUNCATED.json", "w").write(open(os.path.join(V, "osv/Go", go[0])).read()[:100])
rec = json.load(open(os.path.join(V, "osv/Go", go[1])))
rec["id"] = "Z-WRONG-TYPE"
rec["affected"] = "everything"
json.dump(rec, open(F + "/osv/Go/Z-WRONG-TYPE.json", "w"))
# A zip of crates.io cut in the middle.
os.makedirs(F + "/crates.io")
with zipfile.ZipFile(F + "/crates.io/full.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(V + "/osv/crates.io")):
        z.write(os.path.join(V, "osv/crates.io", f), f)
data = open(F + "/crates.io/full.zip", "rb").read()
open(F + "/crates.io/all.zip", "wb").write(data[: len(data) // 2])
os.remove(F + "/crates.io/full.zip")
# secdb: wrong types in two packages.
doc = json.load(open(V + "/alpine-secdb/v3.10/main.json"))
doc["packages"][0]["pkg"]["secfixes"] = "CVE-2019-0001"
doc["packages"][1]["pkg"]["name"] = 5
doc["packages"][2]["pkg"]["secfixes"] = {"1.0-r0": [7]}
os.makedirs(F + "/alpine/v3.10")
json.dump(doc, open(F + "/alpine/v3.10/main.json", "w"))
# DSA/list: garbage outside and inside advisories, and binary junk.
lines = open(V + "/debian-security-tracker/DSA/list", encoding="utf-8").read().split("\n")
lines.insert(0, "this is not an advisory")
lines.insert(3, "\tgarbage inside an advisory")
lines.insert(10, "\x01\x02\x03 binary junk")
os.makedirs(F + "/debian/DSA")
open(F + "/debian/DSA/list", "w", encoding="utf-8").write("\n".join(lines))
# KEV: one entry without cveID, one with a number as due date.
kev = json.load(open(V + "/kev/known_exploited_vulnerabilities.json"))
del kev["vulnerabilities"][0]["cveID"]
kev["vulnerabilities"][1]["dueDate"] = 20250101
os.makedirs(F + "/kev")
json.dump(kev, open(F + "/kev/known_exploited_vulnerabilities.json", "w"))
PY

# 1. one build, every problem counted and named, the rest imported.
expect_status 3 "$VIGIL" db build --from "$F" --db "$TMP/bad.sqlite"
expect_stderr 'osv:Go: skipped .*A-TRUNCATED\.json: invalid JSON'
expect_stderr 'osv:Go: skipped .*Z-WRONG-TYPE\.json: .*"affected" is not an array'
expect_stderr 'osv:crates\.io: skipped .*all\.zip.*(truncated|damaged)'
expect_stderr 'alpine:v3\.10/main: skipped .*main\.json: packages\[0\]: "secfixes" is not an object'
expect_stderr 'alpine:v3\.10/main: skipped .*packages\[1\]: no "pkg\.name" string'
expect_stderr 'debian:DSA: skipped .*list: line 1: not an advisory header'
expect_stderr 'kev: skipped .*vulnerabilities\[0\]: no "cveID"'
expect_stderr 'kev: skipped .*vulnerabilities\[1\]: a field is not a string'
python3 - "$V" "$F" "$TMP/bad.sqlite" <<'PY' || fail "the intact records were not all imported"
import json, os, sqlite3, sys, zipfile
V, F, DB = sys.argv[1:4]
db = sqlite3.connect(DB)
src = {r[0]: r[1:] for r in db.execute(
    "SELECT name, records_read, records_imported, records_skipped FROM source")}
errors = []
good_go = len([f for f in os.listdir(F + "/osv/Go") if f.startswith("GO-")])
if src.get("osv:Go") != (good_go + 2, good_go, 2):
    errors.append("osv:Go %s, expected %d good + 2 bad" % (src.get("osv:Go"), good_go))
total = len(os.listdir(V + "/osv/crates.io"))
read, imported, skipped = src.get("osv:crates.io", (0, 0, 0))
if not (0 < imported < total and skipped >= 1):
    errors.append("osv:crates.io %s of %d" % (src.get("osv:crates.io"), total))
# The imported crates.io records are exactly the complete entries at the front of the zip.
ids = {r[0] for r in db.execute("SELECT id FROM advisory WHERE source='osv:crates.io'")}
if not all(i.startswith("RUSTSEC-") for i in ids) or len(ids) != imported:
    errors.append("crates.io ids")
n = len(json.load(open(F + "/alpine/v3.10/main.json"))["packages"])
if src.get("alpine:v3.10/main") != (n, n - 3, 3):
    errors.append("alpine %s, expected %d - 3" % (src.get("alpine:v3.10/main"), n))
hdr = sum(1 for l in open(V + "/debian-security-tracker/DSA/list", encoding="utf-8") if l.startswith("["))
if src.get("debian:DSA")[1] != hdr or src.get("debian:DSA")[2] != 3:
    errors.append("debian:DSA %s, expected %d imported, 3 skipped" % (src.get("debian:DSA"), hdr))
k = len(json.load(open(F + "/kev/known_exploited_vulnerabilities.json"))["vulnerabilities"])
if src.get("kev") != (k, k - 2, 2):
    errors.append("kev %s" % (src.get("kev"),))
for e in errors:
    print("MISMATCH:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# 2. database files vigil must not use or replace.
expect_status 0 "$VIGIL" db build --from "$V/kev" --db "$TMP/good.sqlite"
printf 'not a database at all\n' >"$TMP/junk.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/junk.sqlite"
expect_stderr 'junk\.sqlite: not a vigil vulnerability database \(not an SQLite file\)'
expect_status 1 "$VIGIL" db build --from "$V/kev" --db "$TMP/junk.sqlite"
expect_stderr 'refusing to replace'
[ "$(cat "$TMP/junk.sqlite")" = "not a database at all" ] || fail "the non-database file was replaced"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$TMP/other.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/other.sqlite"
expect_stderr 'an SQLite file, but not a vigil vulnerability database'
cp "$TMP/good.sqlite" "$TMP/future.sqlite"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version=99"); c.commit()' "$TMP/future.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/future.sqlite"
expect_stderr 'schema version 99 is newer than .*run vigil db update'
expect_status 0 "$VIGIL" db build --from "$V/kev" --db "$TMP/future.sqlite"
expect_status 0 "$VIGIL" db status --db "$TMP/future.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/absent.sqlite"
expect_stderr 'no vulnerability database: run vigil db update'

# 3. a read-only cache directory.
mkdir -p "$TMP/ro/vigil"
chmod 555 "$TMP/ro/vigil"
if [ "$(id -u)" != 0 ]; then
    XDG_CACHE_HOME="$TMP/ro" expect_status 1 "$VIGIL" db build --from "$V/kev"
    expect_stderr 'ro/vigil.*Permission denied'
elif command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1 && chmod 755 "$TMP" &&
     runuser -u nobody -- test -x "$VIGIL" -a -r "$V/kev/known_exploited_vulnerabilities.json" 2>/dev/null; then
    expect_status 1 runuser -u nobody -- env XDG_CACHE_HOME="$TMP/ro" "$VIGIL" db build --from "$V/kev"
    expect_stderr 'ro/vigil.*Permission denied'
    [ -z "$(ls -A "$TMP/ro/vigil")" ] || fail "files were written into the read-only directory"
else
    skip_part "the read-only directory case (running as root, and vigil cannot be run as nobody with runuser)"
fi

# 4. command lines and empty inputs.
expect_status 2 "$VIGIL" db build
expect_status 2 "$VIGIL" db frobnicate
expect_status 2 "$VIGIL" db update --source nonsense --db "$TMP/x.sqlite"
expect_stderr "unknown source 'nonsense'"
expect_status 2 "$VIGIL" db status --from "$V"
mkdir "$TMP/empty"
expect_status 1 "$VIGIL" db build --from "$TMP/empty" --db "$TMP/empty.sqlite"
expect_stderr 'no vulnerability feed found'
[ ! -e "$TMP/empty.sqlite" ] || fail "a database was written from no input"
echo "db_bad_input: malformed feeds counted, bad database paths refused"
