# db_build.sh — `vigil db build --from` all of ../shared/vulndata, checked
# record by record against the raw feeds read by Python (nothing vigil
# printed is used as an expectation):
#  - every Alpine v3.10/main secfixes entry is an advisory with the range
#    introduced 0 / fixed VERSION for ecosystem Alpine:v3.10, source package;
#  - every Go OSV record's affected packages and range events, in order, and
#    its aliases in both directions of the alias view;
#  - every [bullseye] line of DSA/list and [buster] line of DLA/list is a
#    Debian:11 / Debian:10 source package fixed at that version;
#  - every KEV entry's date added, due date and ransomware use;
#  - NVD (api-responses/ and the single records of cve/): exactly the CVEs
#    another feed names are stored, each with its dates, English
#    description, Rejected as withdrawn, every CVSS vector (NVD's Primary
#    ones first) and one reference per URL typed from its tags; the rest
#    counted as unused, nothing taken for OSV; alone, NVD keeps every CVE;
#  - every AlmaLinux record: its related CVE ids are aliases, its rating
#    ("Important: ...") its severity;
#  - every tracker release line whose note holds an urgency ("(medium)",
#    "(bug #N; medium)") has it as the entry's severity;
#  - record counts per source (files, packages, advisory headers, entries)
#    in the database and in `vigil db status`;
#  - the build exits 0 with nothing on stderr: every file of vulndata is a
#    known feed (the NVD files included) or ignored (schemas, READMEs);
#  - the default location under XDG_CACHE_HOME, and a second build replaces
#    the database atomically (same content).
. "$(dirname "$0")/lib.sh"

need_shared vulndata/osv/Go
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/debian-security-tracker/DSA/list
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/nvd/cve
need_shared vulndata/osv/AlmaLinux
need_cmd python3

V="$VIGIL_SHARED/vulndata"
export XDG_CACHE_HOME="$TMP/cache"
expect_status 0 "$VIGIL" db build --from "$V"
[ ! -s "$TMP/stderr" ] || { cat "$TMP/stderr" >&2; fail "db build of all of vulndata warned"; }
DB="$XDG_CACHE_HOME/vigil/vulndb.sqlite"
[ -s "$DB" ] || fail "no database at the default location $DB"
expect_status 0 "$VIGIL" db status
cp "$TMP/stdout" "$TMP/status.txt"

python3 - "$V" "$DB" "$TMP/status.txt" "$VIGIL_SRC/tests/e2e/feeds" <<'PY' || fail "database content differs from the raw feeds"
import json, os, re, sqlite3, sys
V, DBPATH, STATUS = sys.argv[1:4]
sys.path.insert(0, sys.argv[4])
import nvd_ref
db = sqlite3.connect("file:%s?mode=ro" % DBPATH, uri=True)
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

def ranges_of(aff):
    return [(t, repo, [(k, v) for k, v in db.execute(
        "SELECT kind, version FROM range_event WHERE rng=? ORDER BY seq", (rng,))])
        for rng, t, repo in db.execute(
            "SELECT rng, type, repo FROM affected_range WHERE aff=? ORDER BY rng", (aff,))]

# Alpine v3.10 main: every (package, fixed version, CVE).
doc = json.load(open(os.path.join(V, "alpine-secdb/v3.10/main.json")))
expected = set()
for p in doc["packages"]:
    for ver, cves in p["pkg"].get("secfixes", {}).items():
        for c in cves:
            for cve in c.split():
                expected.add((p["pkg"]["name"], ver, cve))
got = set()
for aff, name, cve in db.execute(
        "SELECT f.aff, f.name, a.id FROM affected f JOIN advisory a USING (adv)"
        " WHERE a.source='alpine:v3.10/main' AND f.ecosystem='Alpine:v3.10' AND f.is_source=1"):
    for t, repo, ev in ranges_of(aff):
        check(t == "ECOSYSTEM" and ev[0] == ("introduced", "0") and len(ev) == 2 and ev[1][0] == "fixed",
              "alpine range shape %s %s" % (name, cve))
        got.add((name, ev[1][1], cve))
never = {e for e in expected if e[1] == "0"}
check(len(expected) > 500, "too few alpine entries in the raw file")
check(got == expected - never, "alpine v3.10/main: %d missing, %d extra" % (
    len((expected - never) - got), len(got - (expected - never))))

# Go: every record's affected packages, ranges and aliases.
go_dir = os.path.join(V, "osv/Go")
files = sorted(f for f in os.listdir(go_dir) if f.endswith(".json"))
for f in files:
    rec = json.load(open(os.path.join(go_dir, f)))
    want = sorted(
        (a["package"]["ecosystem"], a["package"]["name"],
         json.dumps([(r["type"], r.get("repo"), [(k, v) for e in r["events"] for k, v in e.items()])
                     for r in a.get("ranges", [])]),
         json.dumps(a.get("versions", [])))
        for a in rec.get("affected", []) if "package" in a)
    have = sorted(
        (eco, name, json.dumps(ranges_of(aff)),
         json.dumps([v for (v,) in db.execute(
             "SELECT version FROM affected_version WHERE aff=? ORDER BY rowid", (aff,))]))
        for aff, eco, name in db.execute(
            "SELECT f.aff, f.ecosystem, f.name FROM affected f JOIN advisory a USING (adv)"
            " WHERE a.scope='osv' AND a.id=?", (rec["id"],)))
    want = [(e, n, json.dumps(json.loads(r)), v) for e, n, r, v in want]
    have = [(e, n, json.dumps([[t, repo, [list(x) for x in ev]] for t, repo, ev in json.loads(r)]), v)
            for e, n, r, v in have]
    want = [(e, n, json.dumps([[t, repo, [list(x) for x in ev]] for t, repo, ev in json.loads(r)]), v)
            for e, n, r, v in want]
    check(want == have, "Go record %s: affected differs" % rec["id"])
    for a in rec.get("aliases", []):
        pair = db.execute("SELECT count(*) FROM alias WHERE id=? AND alias=?", (rec["id"], a)).fetchone()[0]
        back = db.execute("SELECT count(*) FROM alias WHERE id=? AND alias=?", (a, rec["id"])).fetchone()[0]
        check(pair >= 1 and back >= 1, "alias %s <-> %s" % (rec["id"], a))
    row = db.execute("SELECT modified, published, summary FROM advisory WHERE scope='osv' AND id=?",
                     (rec["id"],)).fetchone()
    check(row == (rec.get("modified"), rec.get("published"), rec.get("summary")),
          "Go record %s: dates or summary differ" % rec["id"])

# Debian: [bullseye] in DSA/list, [buster] in DLA/list.
def tracker(path, release):
    out, cur = set(), None
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^\[[^]]+\] ((?:DSA|DLA|DTSA)-\d+(?:-\d+)?) ", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^\s+\[%s\] - (\S+) ([^<\s(]\S*)" % release, line)
        if m and cur:
            out.add((cur, m.group(1), m.group(2)))
    return out
for lst, release, eco in (("DSA", "bullseye", "Debian:11"), ("DLA", "buster", "Debian:10")):
    want = tracker(os.path.join(V, "debian-security-tracker", lst, "list"), release)
    have = set()
    for aff, adv_id, name in db.execute(
            "SELECT f.aff, a.id, f.name FROM affected f JOIN advisory a USING (adv)"
            " WHERE a.source=? AND f.ecosystem=? AND f.status='fixed' AND f.is_source=1",
            ("debian:" + lst, eco)):
        for t, repo, ev in ranges_of(aff):
            have.add((adv_id, name, ev[-1][1]))
    check(len(want) > 300 and want == have, "%s %s: %d missing, %d extra" % (
        lst, release, len(want - have), len(have - want)))

# KEV: every entry.
kev = json.load(open(os.path.join(V, "kev/known_exploited_vulnerabilities.json")))
for v in kev["vulnerabilities"]:
    row = db.execute("SELECT date_added, due_date, ransomware, vendor, product FROM kev WHERE cve=?",
                     (v["cveID"],)).fetchone()
    check(row == (v["dateAdded"], v["dueDate"], v["knownRansomwareCampaignUse"],
                  v["vendorProject"], v["product"]), "KEV %s differs" % v["cveID"])

# Counts per source, in the database and in `vigil db status`.
counts = {"kev": len(kev["vulnerabilities"])}
for eco in os.listdir(os.path.join(V, "osv")):
    d = os.path.join(V, "osv", eco)
    if os.path.isdir(d):
        counts["osv:" + eco] = sum(1 for f in os.listdir(d) if f.endswith(".json"))
for rel in os.listdir(os.path.join(V, "alpine-secdb")):
    for f in os.listdir(os.path.join(V, "alpine-secdb", rel)):
        doc = json.load(open(os.path.join(V, "alpine-secdb", rel, f)))
        if doc.get("packages"):
            counts["alpine:%s/%s" % (rel, f[:-5])] = len(doc["packages"])
for lst in ("DSA", "DLA", "DTSA"):
    path = os.path.join(V, "debian-security-tracker", lst, "list")
    counts["debian:" + lst] = sum(1 for l in open(path, encoding="utf-8", errors="replace") if l.startswith("["))
status = {}
for line in open(STATUS):
    parts = line.split()
    if len(parts) >= 3 and parts[0] in counts:
        status[parts[0]] = int(parts[2])
for name, n in counts.items():
    row = db.execute("SELECT records_imported, records_skipped FROM source WHERE name=?", (name,)).fetchone()
    check(row == (n, 0), "source %s: %s, raw count %d" % (name, row, n))
    check(status.get(name) == n, "status line of %s" % name)
# What the feeds name: OSV ids and aliases (and the related CVEs of Red
# Hat family errata), secdb ids, tracker {CVE} lines, KEV entries.
named = set(v["cveID"] for v in kev["vulnerabilities"])
alma = {}
for eco in os.listdir(os.path.join(V, "osv")):
    d = os.path.join(V, "osv", eco)
    for f in (os.listdir(d) if os.path.isdir(d) else []):
        if f.endswith(".json"):
            rec = json.load(open(os.path.join(d, f)))
            named.add(rec["id"])
            named.update(rec.get("aliases") or [])
            if eco == "AlmaLinux":
                alma[rec["id"]] = rec
                named.update(r for r in rec.get("related") or [] if r.startswith("CVE-"))
for rel in os.listdir(os.path.join(V, "alpine-secdb")):
    for f in os.listdir(os.path.join(V, "alpine-secdb", rel)):
        for p in json.load(open(os.path.join(V, "alpine-secdb", rel, f))).get("packages") or []:
            for ids in (p["pkg"].get("secfixes") or {}).values():
                for i in ids or []:
                    named.update(i.split())
for lst in ("DSA", "DLA", "DTSA"):
    for line in open(os.path.join(V, "debian-security-tracker", lst, "list"), encoding="utf-8", errors="replace"):
        m = re.match(r"^\s+\{(.*)\}", line)
        if m:
            named.update(m.group(1).split())

# NVD: every CVE of every file, the stored ones exactly those named.
nvd = nvd_ref.newest_copies(os.path.join(V, "nvd"))
kept = [c for c in nvd if c["id"] in named]
check(len(nvd) == 409 and len(kept) >= 8, "NVD: %d records, %d named" % (len(nvd), len(kept)))
stored = {i for (i,) in db.execute("SELECT id FROM advisory WHERE source='nvd'")}
check(stored == {c["id"] for c in kept}, "NVD: stored %d, named %d" % (len(stored), len(kept)))
check(db.execute("SELECT count(*) FROM advisory WHERE source LIKE 'osv:%' AND id LIKE 'CVE-%'").fetchone()[0] == 0,
      "an NVD record was taken for OSV")
row = db.execute("SELECT records_read, records_imported, records_unused, kind FROM source WHERE name='nvd'").fetchone()
check(row == (409, len(kept), 409 - len(kept), "nvd"), "NVD source counts %s" % (row,))
for c in kept:
    errors += nvd_ref.check_stored(db, c)

# AlmaLinux: related CVEs are aliases, the summary's rating the severity.
for aid, rec in alma.items():
    adv, severity = db.execute("SELECT adv, severity FROM advisory WHERE scope='osv' AND id=?", (aid,)).fetchone()
    want = set(rec.get("aliases") or []) | {r for r in rec.get("related") or [] if r.startswith("CVE-")}
    have = {a for (a,) in db.execute("SELECT alias FROM advisory_alias WHERE adv=?", (adv,))}
    check(have == want, "%s: aliases %s, expected %s" % (aid, sorted(have), sorted(want)))
    rating = rec.get("summary", "").split(":")[0]
    check(severity == (rating if rating in ("Critical", "Important", "Moderate", "Low") else None),
          "%s: severity %s" % (aid, severity))
check(sum(1 for r in alma.values() if r.get("related")) > 1700, "too few AlmaLinux records with related CVEs")
row = db.execute("SELECT severity FROM advisory WHERE id='ALSA-2024:10788'").fetchone()
back = {i for (i,) in db.execute("SELECT DISTINCT id FROM alias WHERE alias='ALSA-2024:10788'")}
check(row == ("Important",) and {"CVE-2024-10976", "CVE-2024-10978", "CVE-2024-10979"} <= back,
      "ALSA-2024:10788: %s, aliases %s" % (row, back))

# Tracker urgencies in release-line notes, alone or among other words.
urgencies = ("unimportant", "low", "medium", "high", "critical")
for lst in ("DSA", "DLA", "DTSA"):
    want, cur = set(), None
    for line in open(os.path.join(V, "debian-security-tracker", lst, "list"), encoding="utf-8", errors="replace"):
        m = re.match(r"^\[[^]]+\] ((?:DSA|DLA|DTSA)-\d+(?:-\d+)?) ", line)
        if m:
            cur = m.group(1)
        m = re.match(r"^\s+\[([a-z]+)\] - (\S+) .*\((.*)\)\s*$", line)
        if m and cur:
            parts = [p.strip() for p in m.group(3).split(";")]
            hit = [p for p in parts if p.rstrip("*") in urgencies]
            if hit:
                want.add((cur, m.group(2), hit[0]))
    have = set(db.execute("SELECT a.id, f.name, f.severity FROM affected f JOIN advisory a USING (adv)"
                          " WHERE a.source=? AND f.severity IS NOT NULL", ("debian:" + lst,)).fetchall())
    check(want == have, "%s urgencies: %d missing, %d extra" % (lst, len(want - have), len(have - want)))

for e in errors[:20]:
    print("MISMATCH:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

grep -q '^data age: ' "$TMP/status.txt" || fail "status does not print the age of the data"

# NVD alone: no other source names CVEs, so every one is kept.
expect_status 0 "$VIGIL" db build --from "$V/nvd" --db "$TMP/nvd-only.sqlite"
python3 - "$V/nvd" "$TMP/nvd-only.sqlite" "$VIGIL_SRC/tests/e2e/feeds" <<'PY' || fail "an NVD-only build does not keep every CVE"
import sqlite3, sys
sys.path.insert(0, sys.argv[3])
from nvd_ref import newest_copies
db = sqlite3.connect(sys.argv[2])
want = {c["id"] for c in newest_copies(sys.argv[1])}
have = {i for (i,) in db.execute("SELECT id FROM advisory WHERE source = 'nvd'")}
sys.exit(0 if want == have and len(want) == 409 else 1)
PY

# A second build replaces the database (no temporary files left behind).
expect_status 0 "$VIGIL" db build --from "$V/kev" --db "$DB"
expect_status 0 "$VIGIL" db status --db "$DB"
[ "$(grep -c '^kev ' "$TMP/stdout")" = 1 ] && ! grep -q '^osv:' "$TMP/stdout" ||
    fail "the rebuilt database still holds the old sources"
! ls "$(dirname "$DB")" | grep -q '\.new-' || fail "temporary database files left behind"
echo "db_build: Alpine, Go, Debian, KEV and counts agree with the raw feeds"
