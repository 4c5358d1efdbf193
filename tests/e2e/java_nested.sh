#!/bin/bash
# java_nested — a war and an ear built here with `jar` and `zip` around real
# Debian jars: WEB-INF/lib/*.jar, lib/*.jar and a war inside the ear, and a
# jar nested three levels deep.  Reference: Debian's unzip, applied
# recursively in this script, lists every nested archive and the
# pom.properties inside it; vigil must report exactly those
# (vigil:java:path "outer!/inner", group:artifact:version), located at the
# outer file, each nested archive CONTAINed by the one it sits in (SPDX).
source "$(dirname "$0")/lib.sh"
need_cmd unzip
need_cmd zip
need_cmd jar
need_cmd python3
for j in commons-lang3 commons-io guava; do
    [ -e /usr/share/java/$j.jar ] || skip "/usr/share/java/$j.jar is absent (run ./setup.sh)"
done

W=$TMP/work ROOT=$TMP/root
mkdir -p "$W/war/WEB-INF/lib" "$W/war/WEB-INF/classes" "$W/deep/lib" "$W/mid/lib" "$W/ear/lib" "$ROOT/srv"
cp -L /usr/share/java/commons-io.jar "$W/mid/lib/commons-io.jar"
(cd "$W/mid" && zip -q -r ../mid.jar lib)                      # mid.jar!/lib/commons-io.jar
cp "$W/mid.jar" "$W/deep/lib/mid.jar"
(cd "$W/deep" && jar cf ../deep.jar lib)                        # deep.jar!/lib/mid.jar!/lib/commons-io.jar
cp -L /usr/share/java/commons-lang3.jar "$W/war/WEB-INF/lib/commons-lang3-3.12.0.jar"
cp -L /usr/share/java/guava.jar "$W/war/WEB-INF/lib/guava.jar"
cp "$W/deep.jar" "$W/war/WEB-INF/lib/deep.jar"
echo 'class placeholder' >"$W/war/WEB-INF/classes/App.class"
mkdir -p "$W/war/META-INF/maven/com.example/shop"
printf 'groupId=com.example\nartifactId=shop\nversion=1.0\n' >"$W/war/META-INF/maven/com.example/shop/pom.properties"
(cd "$W/war" && jar cf "$ROOT/srv/shop.war" .)
cp -L /usr/share/java/commons-io.jar "$W/ear/lib/commons-io.jar"
cp "$ROOT/srv/shop.war" "$W/ear/shop.war"
(cd "$W/ear" && zip -q -r "$ROOT/srv/suite.ear" .)

expect_status 0 "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/bom.json" -o spdx-json="$TMP/spdx.json"
validate_cyclonedx "$TMP/bom.json"
validate_spdx "$TMP/spdx.json"

# Reference: walk the archives with unzip.  Prints
# "PATH<TAB>group:artifact:version" per pom.properties and "PATH<TAB>-"
# per archive.
walk() { # walk FILE DISPLAY-PATH DEPTH
    local file=$1 shown=$2 depth=$3 entry n=0
    echo "$shown	-"
    unzip -Z1 "$file" >"$TMP/entries.$depth" || fail "unzip cannot list $shown"
    while IFS= read -r entry; do
        case $entry in
        META-INF/maven/*/*/pom.properties)
            unzip -p "$file" "$entry" | tr -d '\r' | awk -F= -v p="$shown" '
                /^groupId=/ {g=$2} /^artifactId=/ {a=$2} /^version=/ {v=$2}
                END {print p "\t" g ":" a ":" v}' ;;
        *.jar|*.war|*.ear)
            n=$((n + 1))
            unzip -p "$file" "$entry" >"$TMP/nest.$depth.$n"
            walk "$TMP/nest.$depth.$n" "$shown!/$entry" $((depth + 1)) ;;
        esac
    done <"$TMP/entries.$depth"
}
{ walk "$ROOT/srv/shop.war" srv/shop.war 0; walk "$ROOT/srv/suite.ear" srv/suite.ear 0; } >"$TMP/ref.tsv"
grep -q 'deep.jar!/lib/mid.jar!/lib/commons-io.jar	commons-io:commons-io:' "$TMP/ref.tsv" ||
    fail "fixture: the 3-deep jar is not where it should be"

python3 - "$TMP/bom.json" >"$TMP/vigil.tsv" <<'PY'
import json, sys, urllib.parse
for c in json.load(open(sys.argv[1])).get("components", []):
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:cataloger") != "java":
        continue
    # one component per identity and content: each place is a vigil:java:path
    # (the same nested jar in the war and in the ear is one component), and
    # the file holding it is one of its locations
    locations = [o["location"] for o in c["evidence"]["occurrences"]]
    for path in (p["value"] for p in c["properties"] if p["name"] == "vigil:java:path"):
        if "vigil:java:pom-properties" in props:
            print(f"{path}\t{props['vigil:java:group']}:{c['name']}:{c['version']}")
        if props.get("vigil:java:embedded") != "true":
            print(f"{path}\t-")  # every archive is a component
        assert path.split("!/")[0] in locations, (path, locations)
PY
sort -u "$TMP/vigil.tsv" >"$TMP/vigil.sorted"
sort -u "$TMP/ref.tsv" >"$TMP/ref.sorted"
same_lines "$TMP/vigil.sorted" "$TMP/ref.sorted" "nested archives and their pom.properties"

# The war is identified by its own pom.properties, with type=war.
grep -q '"pkg:maven/com.example/shop@1.0?type=war"' "$TMP/bom.json" || fail "shop.war is not pkg:maven/com.example/shop@1.0?type=war"

# CONTAINS (written as CycloneDX dependsOn): each nested archive from the
# archive holding it.
python3 - "$TMP/bom.json" <<'PY' || fail "CONTAINS edges between nested archives are wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
ref_of = {}
for c in doc["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:cataloger") == "java" and props.get("vigil:java:embedded") != "true":
        for p in c["properties"]:
            if p["name"] == "vigil:java:path":
                ref_of[p["value"]] = c["bom-ref"]
on = {d["ref"]: set(d.get("dependsOn", [])) for d in doc.get("dependencies", [])}
bad = 0
for path, ref in ref_of.items():
    if "!/" in path:
        parent = path.rsplit("!/", 1)[0]
        if ref not in on.get(ref_of.get(parent), set()):
            print("no edge", parent, "->", path); bad = 1
sys.exit(bad)
PY
echo "ok: $(wc -l <"$TMP/ref.sorted") archives and pom.properties match unzip"
