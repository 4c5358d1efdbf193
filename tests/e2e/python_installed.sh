#!/bin/bash
# python_installed.sh — installed Python distributions (.dist-info, .egg-info)
# in a root filesystem made of real Debian packages, against Python's own
# importlib.metadata over the same site directory; the dpkg package that
# ships each distribution must CONTAIN it; Requires-Dist edges against
# importlib's requires; RECORD files against the RECORD itself.
# Then the same comparison over every site directory of this machine.
. "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd dpkg-deb

PY=python3
ROOT=$TMP/root
mkdir -p "$ROOT/var/lib/dpkg/info" "$TMP/debs"
PACKAGES="python3-yaml python3-requests python3-urllib3 python3-idna python3-certifi python3-chardet python3-six"

# Real .debs from the Debian mirror; without network, the same packages as
# installed on this machine (dpkg -L / dpkg-query), when they are.
if (cd "$TMP/debs" && apt-get download $PACKAGES >/dev/null 2>&1); then
    : >"$ROOT/var/lib/dpkg/status"
    for deb in "$TMP"/debs/*.deb; do
        pkg=$(dpkg-deb -f "$deb" Package)
        dpkg-deb -x "$deb" "$ROOT"
        { dpkg-deb -f "$deb" | sed '1a Status: install ok installed'; echo; } >>"$ROOT/var/lib/dpkg/status"
        dpkg-deb -c "$deb" | awk '{ $1=$2=$3=$4=$5=""; sub(/^ +/, ""); sub(/ -> .*/, ""); sub(/^\./, ""); if ($0 == "/") $0 = "/."; sub(/\/$/, ""); print }' \
            >"$ROOT/var/lib/dpkg/info/$pkg.list"
    done
else
    echo "apt-get download failed: using the installed packages" >&2
    : >"$ROOT/var/lib/dpkg/status"
    for pkg in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || continue
        dpkg-query -s "$pkg" >>"$ROOT/var/lib/dpkg/status"; echo >>"$ROOT/var/lib/dpkg/status"
        dpkg -L "$pkg" >"$ROOT/var/lib/dpkg/info/$pkg.list"
        dpkg -L "$pkg" | while read -r f; do [ -f "$f" ] && cp --parents -a "$f" "$ROOT"; done
    done
fi
SITE=usr/lib/python3/dist-packages
[ -d "$ROOT/$SITE" ] || skip "no Debian python3 packages available (no mirror, none installed)"

"$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/sbom.cdx.json" -o spdx-json="$TMP/sbom.spdx.json" 2>"$TMP/warnings" \
    || { cat "$TMP/warnings" >&2; fail "vigil sbom failed on the staging root"; }
[ -s "$TMP/warnings" ] && { cat "$TMP/warnings" >&2; fail "warnings on real Debian packages"; }
validate_cyclonedx "$TMP/sbom.cdx.json"
validate_spdx "$TMP/sbom.spdx.json"

# pypi components whose metadata sits directly in a site directory:
# "name<TAB>version", once per metadata directory (from CycloneDX
# evidence.occurrences: a distribution with both a .dist-info and an
# .egg-info is one component found in two places)
vigil_site() {
    $PY - "$1" "$2" <<'PY'
import json, sys, posixpath
doc = json.load(open(sys.argv[1]))
site = sys.argv[2].strip("/")
for c in doc.get("components", []):
    if not c.get("purl", "").startswith("pkg:pypi/"):
        continue
    for o in c["evidence"]["occurrences"]:
        loc = o["location"]
        meta = loc if loc.endswith(".egg-info") else posixpath.dirname(loc)
        if posixpath.dirname(meta) == site:
            print(f"{c['name']}\t{c['version']}")
PY
}
# the reference: importlib.metadata over the same directory
importlib_site() {
    $PY - "$1" <<'PY'
import importlib.metadata as m, sys
for d in m.distributions(path=[sys.argv[1]]):
    if d.metadata["Name"] and d.version:
        print(f"{d.metadata['Name']}\t{d.version}")
PY
}

vigil_site "$TMP/sbom.cdx.json" "$SITE" >"$TMP/vigil.txt"
importlib_site "$ROOT/$SITE" >"$TMP/ref.txt"
[ "$(wc -l <"$TMP/ref.txt")" -ge 5 ] || fail "importlib found too few distributions in the staging root"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "distributions in $SITE"
[ -z "$(sort "$TMP/vigil.txt" | uniq -d)" ] || fail "duplicate distributions"

# each pypi component is CONTAINED by the deb that ships its metadata
# (dpkg -S over the staging root's lists), and Requires-Dist edges match
# importlib's requires (no extra marker, resolvable in the site).
$PY - "$TMP/sbom.spdx.json" "$ROOT" "$SITE" <<'PY' || fail "graph of the installed distributions"
import json, sys, os, re, importlib.metadata as m
doc = json.load(open(sys.argv[1])); root = sys.argv[2]; site = sys.argv[3]
purl = {}
for p in doc["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl":
            purl[p["SPDXID"]] = r["referenceLocator"]
rel = {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc.get("relationships", [])}
contains = {(purl.get(a), purl.get(b)) for a, t, b in rel if t == "CONTAINS"}
depends = {(purl.get(a), purl.get(b)) for a, t, b in rel if t == "DEPENDS_ON"}
# owner of each file, from the staging root's dpkg lists
owner = {}
info = os.path.join(root, "var/lib/dpkg/info")
for f in os.listdir(info):
    if f.endswith(".list"):
        for line in open(os.path.join(info, f)):
            owner[line.strip()] = f[:-5].split(":")[0]
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
bad = 0
dists = list(m.distributions(path=[os.path.join(root, site)]))
byname = {norm(d.metadata["Name"]): d for d in dists}
for d in dists:
    name = norm(d.metadata["Name"])
    p = f"pkg:pypi/{name}@{d.version}"
    meta = "/" + os.path.relpath(str(d._path), root)
    deb = owner.get(meta + "/METADATA") or owner.get(meta + "/PKG-INFO") or owner.get(meta)
    if not deb:
        print("no deb owns", meta); bad += 1; continue
    if not any(a and a.startswith(f"pkg:deb/debian/{deb}@") and b == p for a, b in contains):
        print("missing CONTAINS", deb, "->", p); bad += 1
    want = set()
    for req in d.requires or []:
        n, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        dep = norm(re.match(r"[A-Za-z0-9._-]+", n.strip()).group(0))
        if dep in byname and dep != name:
            want.add(f"pkg:pypi/{dep}@{byname[dep].version}")
    got = {b for a, b in depends if a == p}
    if want != got:
        print("DEPENDS_ON of", p, "vigil", sorted(got), "importlib", sorted(want)); bad += 1
sys.exit(1 if bad else 0)
PY

# Summary and Home-page as importlib reads them
$PY - "$TMP/sbom.cdx.json" "$ROOT/$SITE" <<'PY' || fail "summary / homepage of the installed distributions"
import json, sys, re, importlib.metadata as m
cdx = {c["purl"]: c for c in json.load(open(sys.argv[1]))["components"]}
bad = 0
for d in m.distributions(path=[sys.argv[2]]):
    purl = "pkg:pypi/%s@%s" % (re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(), d.version)
    c = cdx[purl]
    home = d.metadata.get("Home-page")
    site = next((r["url"] for r in c.get("externalReferences", []) if r["type"] == "website"), None)
    if c.get("description") != d.metadata.get("Summary") or (home and home != "UNKNOWN" and site != home):
        print(purl, "vigil", c.get("description"), site, "importlib", d.metadata.get("Summary"), home); bad += 1
sys.exit(bad != 0)
PY

# RECORD: the files of a .dist-info component are its RECORD paths, resolved
# against the site directory (checked on the SPDX files? the CycloneDX file
# count: vigil:package:file-count = RECORD lines).
$PY - "$TMP/sbom.cdx.json" "$ROOT" <<'PY' || fail "RECORD file counts"
import json, sys, os, csv
doc = json.load(open(sys.argv[1])); root = sys.argv[2]
checked = 0
for c in doc["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    loc = props.get("vigil:location", "")
    if not c.get("purl", "").startswith("pkg:pypi/") or not loc.endswith(".dist-info/METADATA"):
        continue
    if len(c["evidence"]["occurrences"]) > 1:
        continue  # the files of every copy
    record = os.path.join(root, os.path.dirname(loc), "RECORD")
    if not os.path.exists(record):
        continue
    want = len({r[0] for r in csv.reader(open(record)) if r})
    got = int(props.get("vigil:package:file-count", "0"))
    if want != got:
        print(c["name"], "RECORD has", want, "paths, vigil", got); sys.exit(1)
    checked += 1
print("RECORD checked for", checked, "distributions")
if checked == 0:
    sys.exit("no .dist-info component with a RECORD file: nothing was checked")
PY

# Every site directory of this machine (Debian's, /usr/local, pyenv's) against
# importlib.metadata over that directory.
sites=$($PY - <<'PY'
import glob
for pattern in ["/usr/lib/python3/dist-packages", "/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
                "/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
                "/root/.pyenv/versions/*/lib/python3*/site-packages"]:
    for d in sorted(glob.glob(pattern)):
        print(d)
PY
)
compared=0
for site in $sites; do
    [ -d "$site" ] || continue
    "$VIGIL" sbom "$site" -o cyclonedx-json="$TMP/site.json" 2>"$TMP/site.warnings" || [ $? = 3 ] \
        || fail "vigil sbom $site failed"
    vigil_site "$TMP/site.json" "" >"$TMP/vigil-site.txt"
    importlib_site "$site" >"$TMP/ref-site.txt"
    if [ -s "$TMP/ref-site.txt" ]; then
        same_lines "$TMP/vigil-site.txt" "$TMP/ref-site.txt" "distributions in $site"
    elif [ -s "$TMP/vigil-site.txt" ]; then
        fail "vigil lists distributions in $site, importlib none: $(head -3 "$TMP/vigil-site.txt")"
    fi
    compared=$((compared + $(wc -l <"$TMP/ref-site.txt")))
done
[ "$compared" -gt 0 ] || fail "no distribution found in this machine's site directories: $sites"
echo "python_installed: $(wc -l <"$TMP/ref.txt") Debian distributions, $compared on this machine's site directories"
