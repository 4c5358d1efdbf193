# sbom_one_component.sh — one component per package: the same package found
# in several places is one component listing every place
# (evidence.occurrences, SPDX vigil:location annotations), with the facts of
# each place merged.  Real packages of this machine in one project tree:
#  - npm: a project installed by npm (node_modules and package-lock.json);
#    reference: `npm ls --all --json --long` (the install paths) and
#    Python's json over package-lock.json (the lock's entries, integrity);
#    each name@version is one component found at its install paths and the
#    lock file, with the lock's integrity and the installed package.json's
#    licence;
#  - Go: Debian's gofmt at two paths and go: the stdlib is one component
#    found in all three (reference: `go version -m`);
#  - Java: Debian's commons-io jar at two paths and a changed copy
#    (reference: unzip for the coordinates, sha256sum for the content):
#    one component for the two identical files, another for the changed one;
#  - Python: one installed distribution copied into two site directories
#    (reference: importlib.metadata over each): one component, two places;
#  - bom-refs: the same in two runs, and unchanged when one more copy is
#    found; the documents validate and SPDX carries the same places.
. "$(dirname "$0")/lib.sh"
need_cmd npm
need_cmd go
need_cmd unzip
need_cmd zip
need_cmd python3
TOOLS=$VIGIL_SRC/tests/tools
[ -d "$TOOLS/node_modules/ajv" ] || skip "tests/tools/node_modules is not installed (npm ci, done by setup.sh)"
[ -e /usr/share/java/commons-io.jar ] || skip "/usr/share/java/commons-io.jar is absent (run ./setup.sh)"
GOFMT=$(go env GOROOT)/bin/gofmt GO=$(go env GOROOT)/bin/go
[ -x "$GOFMT" ] || skip "gofmt is not in $(go env GOROOT)/bin"
DIST=$(ls -d /usr/lib/python3/dist-packages/PyYAML-*.dist-info 2>/dev/null | sed -n 1p)
[ -n "$DIST" ] || skip "PyYAML's .dist-info is absent (Debian python3-yaml)"

R=$TMP/root
mkdir -p "$R/proj" "$R/go/a" "$R/go/b" "$R/java/a" "$R/java/b" "$R/java/c" \
    "$R/venv1/lib/python3/site-packages" "$R/venv2/lib/python3/site-packages"
cp -rL "$TOOLS/node_modules" "$TOOLS/package.json" "$TOOLS/package-lock.json" "$R/proj/"
cp "$GOFMT" "$R/go/a/gofmt"
cp "$GOFMT" "$R/go/b/gofmt"
cp "$GO" "$R/go/b/go"
cp -L /usr/share/java/commons-io.jar "$R/java/a/commons-io.jar"
cp -L /usr/share/java/commons-io.jar "$R/java/b/commons-io.jar"
cp -L /usr/share/java/commons-io.jar "$R/java/c/commons-io.jar"
echo changed >"$TMP/CHANGED.txt"
(cd "$TMP" && zip -q "$R/java/c/commons-io.jar" CHANGED.txt)
cp -r "$DIST" "$R/venv1/lib/python3/site-packages/"
cp -r "$DIST" "$R/venv2/lib/python3/site-packages/"

expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/a.cdx.json" -o "spdx-json=$TMP/a.spdx.json"
validate_cyclonedx "$TMP/a.cdx.json"
validate_spdx "$TMP/a.spdx.json"

# --- the references --------------------------------------------------------
(cd "$R/proj" && npm ls --all --json --long 2>/dev/null) >"$TMP/npm-ls.json" || fail "npm ls failed on the copy of tests/tools"
for b in go/a/gofmt go/b/gofmt go/b/go; do
    go version -m "$R/$b" | sed -n "1s|^$R/\\([^:]*\\): go\\(.*\\)|\\1\t\\2|p"
done >"$TMP/go.ref"
for j in a b c; do
    printf '%s\t%s\t' "java/$j/commons-io.jar" "$(sha256sum <"$R/java/$j/commons-io.jar" | cut -c1-64)"
    unzip -p "$R/java/$j/commons-io.jar" 'META-INF/maven/commons-io/commons-io/pom.properties' |
        tr -d '\r' | awk -F= '/^groupId=/{g=$2} /^artifactId=/{a=$2} /^version=/{v=$2} END{print g "/" a "@" v}'
done >"$TMP/java.ref"
python3 -c '
import importlib.metadata as m, sys
for site in sys.argv[1:]:
    for d in m.distributions(path=[site]):
        print(d.metadata["Name"], d.version, site, sep="\t")
' "$R/venv1/lib/python3/site-packages" "$R/venv2/lib/python3/site-packages" >"$TMP/py.ref"

python3 - "$TMP/a.cdx.json" "$TMP/a.spdx.json" "$R" "$TMP/npm-ls.json" "$TMP/go.ref" "$TMP/java.ref" "$TMP/py.ref" <<'PY' ||
import json, os, sys, collections
cdx, spdx = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
root, ls = sys.argv[3], json.load(open(sys.argv[4]))
errors = []
comps = [c for c in cdx["components"] if c["type"] != "operating-system"]
def places(c):
    return sorted(o["location"] for o in c["evidence"]["occurrences"])
def by(purl_prefix):
    return [c for c in comps if c.get("purl", "").startswith(purl_prefix)]

# npm: installed paths from npm ls, entries of the lock file
expected = collections.defaultdict(set)
licence = {}
def walk(node):
    for dep in (node.get("dependencies") or {}).values():
        if "path" not in dep or dep.get("missing"):
            continue  # an optional peer that is not installed
        rel = os.path.relpath(dep["path"], root)
        expected[(dep["name"], dep["version"])].add(rel + "/package.json")
        pj = json.load(open(os.path.join(dep["path"], "package.json")))
        if isinstance(pj.get("license"), str):
            licence[(dep["name"], dep["version"])] = pj["license"]
        walk(dep)
walk(ls)
lock = json.load(open(os.path.join(root, "proj/package-lock.json")))
integrity = {}
for key, e in lock["packages"].items():
    if not key:
        continue
    ident = (e.get("name") or key.rsplit("node_modules/", 1)[1], e["version"])
    expected[ident].add("proj/package-lock.json")
    integrity[ident] = e.get("integrity")
if len(expected) < 20:
    errors.append(f"the npm reference found only {len(expected)} packages")
seen = collections.Counter()
for c in by("pkg:npm/"):
    if c["type"] == "application":
        continue
    ident = (c["name"], c["version"])
    seen[ident] += 1
    if set(places(c)) != expected.get(ident):
        errors.append(f"npm {ident}: found at {places(c)}, npm ls and the lock say {sorted(expected.get(ident, []))}")
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:npm:integrity") != integrity.get(ident):
        errors.append(f"npm {ident}: integrity {props.get('vigil:npm:integrity')} is not the lock's {integrity.get(ident)}")
    lic = c.get("licenses", [{}])[0].get("license", {}).get("id")
    if ident in licence and lic != licence[ident]:
        errors.append(f"npm {ident}: licence {lic} is not the installed package.json's {licence[ident]}")
dups = [i for i, n in seen.items() if n > 1]
if dups:
    errors.append(f"npm packages listed more than once: {dups[:5]}")
if set(seen) != set(expected):
    errors.append(f"npm packages differ: {sorted(set(seen) ^ set(expected))[:5]}")

# Go: the stdlib of the three binaries
go = [l.split("\t") for l in open(sys.argv[5]).read().splitlines()]
std = [c for c in by("pkg:golang/stdlib@")]
want = sorted(b for b, v in go)
if len(std) != 1 or places(std[0]) != want or std[0]["version"] != "v" + go[0][1]:
    errors.append(f"golang stdlib: {[(c['version'], places(c)) for c in std]}, go version -m says {go}")

# Java: identical files are one component, the changed copy another
java = [l.split("\t") for l in open(sys.argv[6]).read().splitlines()]
groups = collections.defaultdict(list)
for path, sha, coords in java:
    groups[(sha, coords)].append(path)
jars = [c for c in by("pkg:maven/commons-io/commons-io@") if "vigil:java:embedded" not in
        {p["name"] for p in c.get("properties", [])}]
got = sorted(places(c) for c in jars)
if got != sorted(sorted(p) for p in groups.values()) or len(groups) != 2:
    errors.append(f"commons-io jars: vigil {got}, by content {sorted(groups.values())}")
if len({c["bom-ref"] for c in jars}) != len(jars):
    errors.append("the two commons-io components share a bom-ref")

# Python: one distribution in two site directories
py = [l.split("\t") for l in open(sys.argv[7]).read().splitlines()]
name, version = py[0][0], py[0][1]
pc = [c for c in comps if c.get("purl", "").startswith("pkg:pypi/") and c["name"] == name]
sites = sorted(os.path.relpath(s, root) for _, _, s in py)
if len(py) != 2 or len(pc) != 1 or [os.path.dirname(os.path.dirname(p)) for p in places(pc[0])] != sites:
    errors.append(f"python {name} {version}: vigil {[places(c) for c in pc]}, importlib {py}")

# SPDX: the same places, as vigil:location annotations, the first = vigil:location
ann = {}
for p in spdx["packages"]:
    purl = next((r["referenceLocator"] for r in p.get("externalRefs", []) if r["referenceType"] == "purl"), None)
    locs = [a["comment"][len("vigil:location: "):] for a in p.get("annotations", [])
            if a["comment"].startswith("vigil:location: ")]
    if purl:
        ann.setdefault(purl, []).append(sorted(locs))
for c in comps:
    if c.get("purl") and sorted(places(c)) not in ann.get(c["purl"], []):
        errors.append(f"SPDX lacks the places of {c['bom-ref']}")
for e in errors[:20]:
    print(e, file=sys.stderr)
sys.exit(bool(errors))
PY
    fail "one component per package"

# bom-refs: stable across runs, and unchanged by one more copy
expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/b.cdx.json"
cmp -s "$TMP/a.cdx.json" "$TMP/b.cdx.json" || fail "two runs gave different CycloneDX documents"
mkdir -p "$R/java/d" "$R/go/c"
cp "$R/java/a/commons-io.jar" "$R/java/d/commons-io.jar"
cp "$GOFMT" "$R/go/c/gofmt"
expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/c.cdx.json"
python3 - "$TMP/a.cdx.json" "$TMP/c.cdx.json" <<'PY' || fail "bom-refs changed when one more copy was found"
import json, sys
a, c = (json.load(open(f)) for f in sys.argv[1:])
refs = lambda d: {x["bom-ref"]: sorted(o["location"] for o in x.get("evidence", {}).get("occurrences", []))
                  for x in d["components"]}
ra, rc = refs(a), refs(c)
assert set(ra) == set(rc), set(ra) ^ set(rc)
moved = [r for r in ra if ra[r] != rc[r]]
assert len(moved) == 2 and all(len(rc[r]) == len(ra[r]) + 1 for r in moved), moved
PY
echo "ok: npm, Go, Java and Python packages found in several places are one component each"
