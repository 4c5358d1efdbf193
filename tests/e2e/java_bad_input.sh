#!/bin/bash
# java_bad_input — hostile and broken archives beside a good one: a zip
# bomb inside a jar (a 1 GiB entry of zeros, about 1 MB compressed, made
# here with python's zipfile, named as a nested jar and as the manifest),
# archives nested deeper than the limit, a truncated jar, a file named .jar
# that is not a zip.  Each gives a warning naming the file (and the entry),
# the good jar is still reported exactly as unzip reads it, and vigil exits
# 3 (incomplete SBOM).
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd unzip
[ -e /usr/share/java/commons-lang3.jar ] || skip "libcommons-lang3-java is not installed (run ./setup.sh)"

ROOT=$TMP/root
mkdir -p "$ROOT/opt/app"
cp -L /usr/share/java/commons-lang3.jar "$ROOT/opt/app/good.jar"
python3 - "$ROOT/opt/app" <<'PY'
import io, sys, zipfile
d = sys.argv[1]
zero = bytes(1 << 20)
with zipfile.ZipFile(f"{d}/bomb.jar", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in ("lib/bomb.jar", "META-INF/MANIFEST.MF"):
        with z.open(name, "w", force_zip64=True) as f:
            for _ in range(1024):
                f.write(zero)
# 7 levels of nesting: only JAVA_NEST_DEPTH (4) are opened.
inner = b""
for level in range(7, 0, -1):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"META-INF/maven/org.example/level{level}/pom.properties",
                   f"groupId=org.example\nartifactId=level{level}\nversion={level}.0\n")
        if inner:
            z.writestr(f"lib/level{level + 1}.jar", inner)
    inner = buf.getvalue()
open(f"{d}/level1.jar", "wb").write(inner)
good = open(f"{d}/good.jar", "rb").read()
open(f"{d}/truncated.jar", "wb").write(good[: len(good) // 2])
open(f"{d}/notzip.jar", "wb").write(b"this is not a zip archive\n" * 10)
PY
ls -l "$ROOT/opt/app/bomb.jar" | awk '$5 > 4000000 {exit 1}' || fail "fixture: the bomb is not small"

expect_status 3 "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/bom.json"
validate_cyclonedx "$TMP/bom.json"
expect_stderr 'opt/app/bomb.jar: lib/bomb.jar: .*(zip bomb|larger than)'
expect_stderr 'opt/app/bomb.jar: META-INF/MANIFEST.MF: .*(zip bomb|larger than)'
expect_stderr 'opt/app/level1.jar: lib/level2.jar!/lib/level3.jar!/lib/level4.jar!/lib/level5.jar!/lib/level6.jar: archive nested more than 4 levels'
expect_stderr 'opt/app/truncated.jar: .*(zip|archive|damaged|truncated)'
expect_stderr 'opt/app/notzip.jar: not a readable zip archive'

# The good jar, and the 5 levels that were opened, exactly as unzip says.
python3 - "$TMP/bom.json" >"$TMP/vigil.txt" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if "purl" in c and props.get("vigil:cataloger") == "java":
        print(f"{props['vigil:java:path']} {c['purl']}")
PY
{
    g=$(unzip -p "$ROOT/opt/app/good.jar" 'META-INF/maven/*/*/pom.properties' | tr -d '\r' | awk -F= '
        /^groupId=/ {g=$2} /^artifactId=/ {a=$2} /^version=/ {v=$2} END {print "pkg:maven/" g "/" a "@" v}')
    echo "opt/app/good.jar $g"
    path=opt/app/level1.jar
    for level in 1 2 3 4 5; do
        echo "$path pkg:maven/org.example/level$level@$level.0"
        path="$path!/lib/level$((level + 1)).jar"
    done
} >"$TMP/ref.txt"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "identified archives"
echo "ok: bad archives warned about, the rest reported"
