#!/bin/bash
# java_debian_jars — the jars Debian installs in /usr/share/java (with their
# version-less symlinks, as shipped), scanned as a root filesystem: vigil's
# maven components must be exactly the pom.properties that Debian's unzip
# finds in those jars (groupId:artifactId:version), each located at a file
# whose pom.properties says so; every symlink is folded into its target;
# a jar without pom.properties gets no package URL.  With the dpkg
# database of libcommons-lang3-java in the root, that package CONTAINS the
# jar's component (SPDX relationship).
source "$(dirname "$0")/lib.sh"
need_cmd unzip
need_cmd python3
[ -e /usr/share/java/commons-lang3.jar ] || skip "libcommons-lang3-java is not installed (run ./setup.sh)"

ROOT=$TMP/root
mkdir -p "$ROOT/usr/share/java" "$ROOT/var/lib/dpkg/info"
for jar in /usr/share/java/*.jar; do
    # symlinks into other directories (ant, maven-repo) would dangle in the copy
    if [ -L "$jar" ] && [ "$(dirname "$(readlink -f "$jar")")" != /usr/share/java ]; then continue; fi
    cp -a "$jar" "$ROOT/usr/share/java/"
done
# The dpkg record and file list of the package that owns commons-lang3.
dpkg-query -s libcommons-lang3-java >"$ROOT/var/lib/dpkg/status"
cp /var/lib/dpkg/info/libcommons-lang3-java.list "$ROOT/var/lib/dpkg/info/"

expect_status 0 "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/bom.json" -o spdx-json="$TMP/spdx.json"
validate_cyclonedx "$TMP/bom.json"
validate_spdx "$TMP/spdx.json"

# vigil: group:artifact:version<TAB>location of every maven purl.
python3 - "$TMP/bom.json" >"$TMP/vigil.tsv" <<'PY'
import json, sys, urllib.parse
for c in json.load(open(sys.argv[1])).get("components", []):
    purl = c.get("purl", "")
    if not purl.startswith("pkg:maven/"):
        continue
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    path = purl[len("pkg:maven/"):].partition("?")[0]
    ns, _, rest = path.rpartition("/")
    name, _, ver = rest.partition("@")
    print(f"{urllib.parse.unquote(ns)}:{urllib.parse.unquote(name)}:{urllib.parse.unquote(ver)}\t{props['vigil:location']}")
PY

# Reference: unzip on every regular jar (symlinks are the same files).
: >"$TMP/ref.txt"
for jar in "$ROOT"/usr/share/java/*.jar; do
    [ -L "$jar" ] && continue
    for entry in $(unzip -Z1 "$jar" 'META-INF/maven/*/*/pom.properties' 2>/dev/null); do
        unzip -p "$jar" "$entry" | tr -d '\r' | awk -F= '
            /^groupId=/ {g=$2} /^artifactId=/ {a=$2} /^version=/ {v=$2}
            END {print g ":" a ":" v}' >>"$TMP/ref.txt"
    done
done
[ -s "$TMP/ref.txt" ] || fail "the reference found no pom.properties"
cut -f1 "$TMP/vigil.tsv" | sort -u >"$TMP/vigil.txt"
sort -u "$TMP/ref.txt" >"$TMP/ref.sorted"
same_lines "$TMP/vigil.txt" "$TMP/ref.sorted" "maven coordinates"

# Each component sits in a regular file whose pom.properties names it.
while IFS=$'\t' read -r gav location; do
    IFS=: read -r g a v <<<"$gav"
    [ -L "$ROOT/$location" ] && fail "$gav located at the symlink $location"
    unzip -p "$ROOT/$location" "META-INF/maven/$g/$a/pom.properties" | tr -d '\r' | grep -qx "version=$v" ||
        fail "$location has no pom.properties for $gav"
done <"$TMP/vigil.tsv"

# Jars without pom.properties: listed, but without a package URL.
python3 - "$TMP/bom.json" "$ROOT" <<'PY' || fail "a jar without pom.properties got a purl, or was not listed"
import json, os, subprocess, sys
root = sys.argv[2]
by_loc = {}
for c in json.load(open(sys.argv[1])).get("components", []):
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:cataloger") == "java":
        by_loc.setdefault(props["vigil:location"], []).append(c)
bad = 0
for f in sorted(os.listdir(f"{root}/usr/share/java")):
    p = f"{root}/usr/share/java/{f}"
    if os.path.islink(p):
        continue
    names = subprocess.run(["unzip", "-Z1", p], capture_output=True, text=True).stdout.split()
    has_pom = any(n.startswith("META-INF/maven/") and n.endswith("/pom.properties") for n in names)
    comps = by_loc.get(f"usr/share/java/{f}", [])
    if not comps:
        print("not listed:", f); bad = 1
    elif not has_pom and any("purl" in c for c in comps):
        print("purl without pom.properties:", f); bad = 1
sys.exit(bad)
PY

# The Debian package owns the jar: CONTAINS in SPDX.
python3 - "$TMP/spdx.json" <<'PY' || fail "libcommons-lang3-java does not CONTAIN commons-lang3"
import json, sys
doc = json.load(open(sys.argv[1]))
ids = {}
for p in doc["packages"]:
    for r in p.get("externalRefs", []):
        if r.get("referenceType") == "purl":
            ids[p["SPDXID"]] = r["referenceLocator"]
deb = [i for i, u in ids.items() if u.startswith("pkg:deb/debian/libcommons-lang3-java@")]
jar = [i for i, u in ids.items() if u.startswith("pkg:maven/org.apache.commons/commons-lang3@")]
rel = {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc.get("relationships", [])}
sys.exit(0 if deb and jar and (deb[0], "CONTAINS", jar[0]) in rel else 1)
PY
echo "ok: $(wc -l <"$TMP/vigil.txt") maven coordinates match unzip"
