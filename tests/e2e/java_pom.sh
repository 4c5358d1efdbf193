#!/bin/bash
# java_pom — hand-written pom.xml files (tests/data/java/pom: parent
# inheritance, ${property} chains, project.* references, scopes, optional,
# classifier/type, ranges, managed versions, env properties, entities,
# CDATA, a DOCTYPE) and Gradle lock files (tests/data/java/gradle: Gradle 6+
# gradle.lockfile, buildscript-gradle.lockfile, Gradle 5 per-configuration
# files).  Maven itself cannot be the reference offline (help:effective-pom
# needs maven-help-plugin, which Debian does not package), so the reference
# is python's xml.etree reading the same files with the rules documented in
# src/catalog/java_pom.c; the Gradle reference is awk on the lock files.
# Also checks the graph: the project DEPENDS_ON each pinned dependency.
source "$(dirname "$0")/lib.sh"
need_cmd python3
DATA=$VIGIL_SRC/tests/data/java
ROOT=$TMP/root
mkdir -p "$ROOT/src"
cp -r "$DATA/pom" "$DATA/gradle" "$ROOT/src/"

expect_status 0 "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/bom.json" -o spdx-json="$TMP/spdx.json"
validate_cyclonedx "$TMP/bom.json"
validate_spdx "$TMP/spdx.json"

# vigil: "LOCATION KIND purl scope" per component, "EDGE from -> to" per edge.
python3 - "$TMP/bom.json" >"$TMP/vigil.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
purl_of = {}
for c in doc["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:cataloger") != "java":
        continue
    purl_of[c["bom-ref"]] = c.get("purl", "-")
    kind = "app" if c.get("type") == "application" else "lib"
    for o in c["evidence"]["occurrences"]:
        print(o["location"], kind, c.get("purl", "-"), c.get("scope", "-"))
for d in doc.get("dependencies", []):
    for to in d.get("dependsOn", []):
        if d["ref"] in purl_of and to in purl_of:
            print("EDGE", purl_of[d["ref"]], "->", purl_of[to])
PY

python3 - "$ROOT" >"$TMP/ref.txt" <<'PY'
import os, re, sys, urllib.parse
import xml.etree.ElementTree as ET
root = sys.argv[1]
def q(s): return urllib.parse.quote(s, safe="")
def purl(g, a, v, quals=()):
    qs = "&".join(f"{k}={q(v2)}" for k, v2 in sorted(quals) if v2)
    return f"pkg:maven/{q(g)}/{q(a)}@{q(v)}" + (f"?{qs}" if qs else "")
for dirpath, _, files in sorted(os.walk(root)):
    if "pom.xml" not in files:
        continue
    path = os.path.join(dirpath, "pom.xml")
    loc = os.path.relpath(path, root)
    proj = ET.parse(path).getroot()
    def local(e): return e.tag.rpartition("}")[2]
    def child(e, name):
        if e is None: return None
        for c in e:
            if local(c) == name: return c
        return None
    def text(e, name):
        c = child(e, name)
        return c.text.strip() if c is not None and c.text and c.text.strip() else None
    parent = child(proj, "parent")
    g = text(proj, "groupId") or text(parent, "groupId")
    a = text(proj, "artifactId")
    v = text(proj, "version") or text(parent, "version")
    props = {local(p): (p.text or "").strip() for p in (child(proj, "properties") or [])}
    builtin = {"project.version": v, "pom.version": v, "version": v, "project.groupId": g,
               "project.artifactId": a, "project.parent.version": text(parent, "version"),
               "project.parent.groupId": text(parent, "groupId")}
    def resolve(s, depth=0):
        if s is None or depth > 8: return None
        def one(m):
            val = builtin.get(m.group(1), props.get(m.group(1)))
            r = resolve(val, depth + 1) if val is not None else None
            if r is None: raise KeyError
            return r
        try: return re.sub(r"\$\{([^}]*)\}", one, s)
        except KeyError: return None
    g, a, v = resolve(g), resolve(a), resolve(v)
    packaging = text(proj, "packaging")
    app = purl(g, a, v, [("type", packaging if packaging in ("war", "ear", "rar", "pom", "hpi") else None)])
    print(loc, "app", app, "-")
    for d in (child(child(proj, "dependencies"), "dependency") is not None and
              [x for x in child(proj, "dependencies") if local(x) == "dependency"] or []):
        dg, da, dv = (resolve(text(d, k)) for k in ("groupId", "artifactId", "version"))
        if not (dg and da and dv) or dv[0] in "[(" or "," in dv:
            continue
        scope, optional = text(d, "scope"), text(d, "optional")
        s = "excluded" if scope == "test" else "optional" if scope in ("provided", "system") or optional == "true" else "required"
        t = text(d, "type")
        p = purl(dg, da, dv, [("classifier", text(d, "classifier")), ("type", t if t != "jar" else None)])
        print(loc, "lib", p, s)
        print("EDGE", app, "->", p)
PY
# Gradle: every "g:a:v=confs" line; dev when every configuration is a test
# one or the file is the buildscript's; legacy files name the configuration.
for f in $(cd "$ROOT" && find src/gradle -name '*.lockfile' | sort); do
    awk -v loc="$f" -v legacy="$(case $f in */dependency-locks/*) echo 1;; *) echo 0;; esac)" \
        -v build="$(case $f in */buildscript-gradle.lockfile) echo 1;; *) echo 0;; esac)" '
        /^#/ || /^empty=/ || NF == 0 {next}
        {
            split($0, kv, "="); split(kv[1], gav, ":")
            dev = build
            if (!legacy) {
                n = split(kv[2], confs, ","); t = 0
                for (i = 1; i <= n; i++) if (confs[i] ~ /^test/ || confs[i] ~ /Test/) t++
                if (t == n) dev = 1
            }
            print loc, "lib", "pkg:maven/" gav[1] "/" gav[2] "@" gav[3], dev ? "excluded" : "required"
        }' "$ROOT/$f"
done >>"$TMP/ref.txt"
# One component per package (docs/formats.md): the copies of one purl (a
# module's own project and another module's dependency on it) are an
# application if any is, with the widest scope any copy declares.
python3 - "$TMP/ref.txt" <<'PY'
import sys
rows = [l.split(" ") for l in open(sys.argv[1]).read().splitlines()]
order = ["required", "optional", "excluded"]
app, scope = set(), {}
for r in rows:
    if r[0] == "EDGE":
        continue
    if r[1] == "app":
        app.add(r[2])
    if r[3] != "-" and (r[2] not in scope or order.index(r[3]) < order.index(scope[r[2]])):
        scope[r[2]] = r[3]
with open(sys.argv[1], "w") as f:
    for r in rows:
        if r[0] != "EDGE":
            r[1] = "app" if r[2] in app else "lib"
            r[3] = scope.get(r[2], "-")
        f.write(" ".join(r) + "\n")
PY
grep -q ' app pkg:maven/' "$TMP/ref.txt" || fail "the reference found no pom.xml project"
grep -q '^src/gradle/' "$TMP/ref.txt" || fail "the reference found no Gradle lock file entry"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "pom.xml and Gradle lock file components"
echo "ok: $(grep -vc EDGE "$TMP/ref.txt") components and $(grep -c EDGE "$TMP/ref.txt") edges match"
