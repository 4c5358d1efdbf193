"""feeds/nvd_ref.py — what NVD's raw files say, read here for the tests
(db_build.sh, db_nvd.sh) and for the test server (server.py): the CVEs of
a directory, and the rows vigil must store for one (docs/vulndb.md).
Nothing here comes from vigil."""
import datetime
import json
import os


def when(text):
    """NVD's times are zone-less UTC; the API is asked with an offset."""
    t = datetime.datetime.fromisoformat(text.replace(" ", "+").replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def newest_copies(top):
    """Every CVE of the NVD documents and record files below top: its
    newest copy (by lastModified), in the order first met."""
    found, order = {}, []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".json") or "schema" in dirpath:
                continue
            doc = json.load(open(os.path.join(dirpath, name)))
            if doc.get("format") == "NVD_CVE":
                cves = [v["cve"] for v in doc["vulnerabilities"]]
            elif str(doc.get("id", "")).startswith("CVE-") and "lastModified" in doc:
                cves = [doc]
            else:
                continue
            for cve in cves:
                old = found.get(cve["id"])
                if old is None:
                    order.append(cve["id"])
                if old is None or when(cve["lastModified"]) > when(old["lastModified"]):
                    found[cve["id"]] = cve
    return [found[i] for i in order]


def vectors(cve):
    """(type, vector) pairs: Primary metrics first, v4.0, v3.1, v3.0, v2
    each; then the others in the same order; each pair once."""
    want = []
    for primary in (True, False):
        for key, kind in (("cvssMetricV40", "CVSS_V4"), ("cvssMetricV31", "CVSS_V3"),
                          ("cvssMetricV30", "CVSS_V3"), ("cvssMetricV2", "CVSS_V2")):
            for m in cve.get("metrics", {}).get(key, []):
                pair = (kind, m["cvssData"]["vectorString"])
                if (m.get("type") == "Primary") == primary and pair not in want:
                    want.append(pair)
    return want


def references(cve):
    """url -> type, the first tag that says one (Patch FIX, advisories
    ADVISORY, Exploit EVIDENCE, Issue Tracking REPORT), else WEB."""
    kinds = (("Patch", "FIX"), ("Vendor Advisory", "ADVISORY"), ("Third Party Advisory", "ADVISORY"),
             ("Exploit", "EVIDENCE"), ("Issue Tracking", "REPORT"))
    refs = {}
    for r in cve.get("references", []):
        tags = r.get("tags", [])
        refs.setdefault(r["url"], next((k for t, k in kinds if t in tags), "WEB"))
    return refs


def check_stored(db, cve):
    """The differences between the NVD advisory stored for cve in the
    vigil database db (sqlite3) and what cve says; [] when none."""
    row = db.execute("SELECT adv, modified, published, withdrawn, summary, details FROM advisory"
                     " WHERE scope='nvd' AND id=?", (cve["id"],)).fetchone()
    if row is None:
        return ["%s: not stored" % cve["id"]]
    adv, modified, published, withdrawn, summary, details = row
    en = [d["value"] for d in cve.get("descriptions", []) if d["lang"] == "en"][0]
    errors = []
    if (modified, published, summary, details) != (cve["lastModified"], cve["published"], None, en):
        errors.append("%s: dates or description" % cve["id"])
    if withdrawn != (cve["lastModified"] if cve.get("vulnStatus") == "Rejected" else None):
        errors.append("%s: withdrawn %s" % (cve["id"], withdrawn))
    have = db.execute("SELECT type, score FROM severity WHERE adv=? ORDER BY rowid", (adv,)).fetchall()
    if have != vectors(cve) or not have:
        errors.append("%s: vectors %s, expected %s" % (cve["id"], have, vectors(cve)))
    if dict(db.execute("SELECT url, type FROM reference WHERE adv=?", (adv,)).fetchall()) != references(cve):
        errors.append("%s: references" % cve["id"])
    return errors
